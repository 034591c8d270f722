// SPDX-License-Identifier: GPL-2.0-or-later
/* A "Host" block for the phone in the user's ssh_config (uw_phone_ssh_config_add). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/phone-private.h"
#include "core/sanitize.h"
#include "core/userfile.h"
#include "core/util.h"

static bool valid_word(const char *s, const char *extra)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

int uw_phone_ssh_config_add(const char *ssh_dir, const char *name, const char *host,
			    const char *user, unsigned port, struct uw_error *err)
{
	_auto_(free) char *path = uw_strdup_printf("%s/config", ssh_dir);
	_auto_(free) char *old = NULL;
	_auto_(free) char *all = NULL;
	struct uw_userdir d = { .fd = -1 };
	mode_t mode = 0600;
	bool found = false;
	ssize_t n;
	int rc;

	if (!valid_word(name, "-_."))
		return uw_error_set(err, -EINVAL, "'%s' is not a usable host alias: use letters, "
				    "digits, '-', '_' or '.' (for example: phone).", name ? name : "");
	if (!valid_word(host, ".:%-_"))
		return uw_error_set(err, -EINVAL, "The phone's address \"%.60s\" cannot go into an ssh "
				    "config entry: give it as digits and dots, such as 192.168.0.202 "
				    "(--phone-ip).", host ? host : "");
	if (!valid_word(user, "-_."))
		return uw_error_set(err, -EINVAL, "The user \"%.60s\" cannot go into an ssh config "
				    "entry: use letters, digits, '-', '_' or '.', such as root (--user).",
				    user ? user : "");
	if (port == 0 || port > 65535)
		return uw_error_set(err, -EINVAL, "The port %u is not a TCP port: use 1-65535, such "
				    "as 22 (--port).", port);
	rc = uw_phone_open_ssh_dir(ssh_dir, true, &d, err);
	if (rc < 0)
		return rc;
	n = uw_userdir_read(&d, "config", SSH_FILE_MAX, &old, &mode, err);
	if (n < 0 && n != -ENOENT) {
		uw_userdir_close(&d);
		return uw_error_prefix(err, "No Host entry was added");
	}
	uw_error_clear(err);
	for (const char *l = old; l && *l;) {
		size_t len = strcspn(l, "\n");
		char *line = uw_strdup_printf("%.*s", (int)len, l), *s = line, *tok, *save = NULL;

		l += len + (l[len] == '\n');
		while (isspace((unsigned char)*s))
			s++;
		if (!strncasecmp(s, "host", 4) && (isspace((unsigned char)s[4]) || s[4] == '='))
			for (tok = strtok_r(s + 5, " \t=\r", &save); tok;
			     tok = strtok_r(NULL, " \t\r", &save))
				if (!strcmp(tok, name))
					found = true;
		free(line);
	}
	if (found) {
		uw_userdir_close(&d);
		return uw_error_set(err, -EEXIST, "%s already has a 'Host %s' entry; it was left "
				    "as it is. Pick another name or edit that entry.", path, name);
	}
	all = uw_strdup_printf("%s%s\n# added by usbnet-wizard\nHost %s\n\tHostName %s\n\tUser %s\n",
			       old ? old : "", old && *old && old[n - 1] != '\n' ? "\n" : "",
			       name, host, user);
	if (port != 22) {
		char *t = uw_strdup_printf("%s\tPort %u\n", all, port);

		free(all);
		all = t;
	}
	rc = uw_userdir_replace(&d, "config", all, strlen(all), mode, 0, err);
	uw_userdir_close(&d);
	return rc;
}
