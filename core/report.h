/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The support report: what support staff need to see, in sections that paste
 * into a ticket (the CLI prints them as plain text or JSON). Versions, kernel,
 * distribution, detected interfaces, host inventory (addresses, routes, DNS,
 * firewall), the plan for the default choices, the journal, the doctor's
 * findings, the saved profile, the names (never the content) of the files in
 * the ssh directory, and the phone check when asked.
 *
 * Secrets never get in: no password is asked for or used (the phone check
 * tries the blank-password login and keys only), private keys and password
 * hashes are never read, and every section goes through uw_report_redact,
 * which blanks anything that looks like a key, password, token or hash in the
 * files and outputs that are included.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct uw_report_section {
	char *title;   /* "Host inventory" */
	char *body;    /* plain text, lines end in '\n', redacted */
};

struct uw_report {
	struct uw_report_section *s;
	size_t n;
};

struct uw_report_opts {
	const char *version;      /* the program's version */
	bool phone;               /* also run the phone check over ssh */
	const char *phone_ip;     /* default: the plan's phone address */
	const char *ping_ip;      /* what the phone pings (default 9.9.9.9) */
	const char *test_name;    /* what the phone resolves (default example.com) */
	unsigned timeout_s;       /* phone timeout (default 5) */
};

/* Gather everything (read-only). Returns 0 (a part that cannot be read says so in its section). */
int uw_report_build(const struct uw_report_opts *o, struct uw_report *r, struct uw_error *err);

/*
 * The report as one text (what `report` prints and the wizard's "Save
 * report" writes): a heading line, then each section under "===== TITLE
 * =====". malloc'd.
 */
char *uw_report_text(const struct uw_report *r);

/* Free the sections and zero @r. */
void uw_report_fini(struct uw_report *r);

/*
 * Blank secrets in @text in place: PEM private key blocks, "password",
 * "passwd", "secret", "token", "psk", "key"... assignments (= or : or a
 * following word), crypt(3) hashes ($1$, $5$, $6$, $y$, $2b$ ...), and
 * "ssh-... AAAA..." key material. Returns a malloc'd redacted copy.
 */
char *uw_report_redact(const char *text);
