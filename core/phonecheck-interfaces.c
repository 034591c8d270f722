// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone's /etc/network/interfaces, edited as text (core/phonecheck.h:
 * uw_phonecheck_interfaces_add): the seed's way of making the route and DNS
 * last across the phone's reboots. The persist fix (core/phonefix.c) sends
 * the result to the phone.
 */
#include "core/phonecheck.h"

#include "core/phonecheck-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define PERSIST_MARK "# usbnet-wizard: default route and DNS via the desktop"

static bool stanza_start(const char *line)
{
	static const char *const kw[] = { "iface", "auto", "allow-", "mapping", "source",
					  "no-auto-down", "no-scripts" };
	const char *s = line;

	/* Stanzas start at column 0 in practice, but ifupdown allows indentation. */
	while (*s == ' ' || *s == '\t')
		s++;
	for (size_t i = 0; i < UW_ARRAY_SIZE(kw); i++)
		if (!strncmp(s, kw[i], strlen(kw[i])))
			return true;
	return false;
}

int uw_phonecheck_interfaces_add(const char *content, const struct uw_phonecheck_params *prm,
				 char **out, struct uw_error *err)
{
	const char *iface = prm->iface && *prm->iface ? prm->iface : "usb0";
	const char *p, *stanza = NULL, *insert = NULL;
	bool has_gateway = false;
	char *lines = NULL;
	size_t before;
	int rc;

	*out = NULL;
	rc = uw_phonecheck_validate(prm, true, err);
	if (rc < 0)
		return rc;
	if (strstr(content, PERSIST_MARK))
		return uw_error_set(err, -EEXIST, "The phone's interfaces file already has the "
				    "usbnet-wizard lines; nothing to add.");
	/* Find "iface IFACE " at the start of a line. */
	for (p = content; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *s = p;
		size_t il = strlen(iface);

		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, "iface", 5) && (s[5] == ' ' || s[5] == '\t')) {
			s += 5;
			while (*s == ' ' || *s == '\t')
				s++;
			if (!strncmp(s, iface, il) && (s[il] == ' ' || s[il] == '\t')) {
				stanza = p;
				break;
			}
		}
	}
	if (!stanza)
		return uw_error_set(err, -ENOENT, "The phone's interfaces file has no 'iface %s' "
				    "section; the settings cannot be made permanent there.", iface);
	/* The stanza runs until the next stanza keyword; insert after its last non-blank line. */
	insert = strchr(stanza, '\n');
	insert = insert ? insert + 1 : stanza + strlen(stanza);
	for (p = insert; *p;) {
		const char *eol = strchr(p, '\n');
		const char *next = eol ? eol + 1 : p + strlen(p);
		const char *s = p;

		if (stanza_start(p))
			break;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, "gateway", 7))
			has_gateway = true;
		if (*s && *s != '\n' && *s != '#')
			insert = next;
		p = next;
	}
	lines = uw_strdup_printf("\t%s\n", PERSIST_MARK);
	if (!has_gateway) {
		char *t = uw_strdup_printf("%s\tgateway %s\n", lines, prm->desktop_ip);

		free(lines);
		lines = t;
	}
	for (size_t i = 0; i < prm->n_nameservers; i++) {
		char *t = uw_strdup_printf("%s\tup echo nameserver %s %s /etc/resolv.conf\n", lines,
					   prm->nameservers[i], i ? ">>" : ">");

		free(lines);
		lines = t;
	}
	before = (size_t)(insert - content);
	/* A last line without newline must not be glued to ours. */
	*out = uw_strdup_printf("%.*s%s%s%s", (int)before, content,
				before && content[before - 1] != '\n' ? "\n" : "", lines,
				content + before);
	free(lines);
	return 0;
}

