// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/sysctlname.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

int uw_sysctl_name_check(const char *name, struct uw_error *err)
{
	size_t n, comp = 0;

	if (!name || !*name)
		return uw_error_set(err, -EINVAL, "no sysctl name given");
	n = strnlen(name, UW_SYSCTL_NAME_MAX + 1);
	if (n > UW_SYSCTL_NAME_MAX)
		return uw_error_set(err, -EINVAL, "sysctl name \"%.40s...\" is too long", name);
	/* Only the network settings are ours to touch. */
	if (strncmp(name, "net.", 4))
		return uw_error_set(err, -EINVAL,
				    "sysctl \"%s\" is not a network setting (net.*): refusing to touch it",
				    name);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (comp == 0)
				goto bad;
			comp = 0;
			continue;
		}
		/* No '/' (it would walk the tree), no '.' runs (".."), nothing
		 * that is not in a kernel setting or interface name. */
		if (!(isascii(c) && (isalnum(c) || strchr("_@:-", c))) || ++comp > 64)
			goto bad;
	}
	if (comp == 0)
		goto bad;
	return 0;
bad:
	return uw_error_set(err, -EINVAL,
			    "\"%s\" is not a valid sysctl name: use the dotted form, e.g. net.ipv4.ip_forward",
			    name);
}

bool uw_sysctl_name_ok(const char *name)
{
	return uw_sysctl_name_check(name, NULL) == 0;
}
