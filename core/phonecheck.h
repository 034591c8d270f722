/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The phone checklist and its fixes, run over a struct uw_phone session.
 *
 * Each check is a result: a status, the evidence (the phone's own output,
 * bounded and sanitized), a plain explanation and the id of a suggested fix.
 * Each fix has a description, the equivalent shell text, apply and revert;
 * the caller shows it and asks before applying. The parsers are public so
 * they can be tested without a phone (busybox and dropbear quirks live there).
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/phone.h"

#define UW_PHONECHECK_MAX_NS 3

enum uw_check_status { UW_CHECK_PASS, UW_CHECK_FAIL, UW_CHECK_WARN, UW_CHECK_SKIP };

enum uw_check_id {
	UW_CHECK_HOST_REACH,   /* the phone pings the desktop */
	UW_CHECK_ROUTE,        /* the phone's default route goes via the desktop */
	UW_CHECK_OUTSIDE,      /* the phone pings an outside address */
	UW_CHECK_RESOLV,       /* the phone's resolv.conf names a usable server */
	UW_CHECK_DNS,          /* a name resolves on the phone */
	UW_CHECK__COUNT,
};

enum uw_fix_id {
	UW_FIX_NONE,
	UW_FIX_ROUTE,          /* add the phone's default route via the desktop */
	UW_FIX_RESOLV,         /* write the phone's resolv.conf */
	UW_FIX_PERSIST,        /* make route and DNS last in /etc/network/interfaces */
	UW_FIX_HOST_SIDE,      /* not fixable on the phone: apply the desktop side */
};

struct uw_check {
	enum uw_check_id id;
	const char *name;      /* stable id for JSON: "host-reachable", ... */
	const char *title;     /* one line for people */
	enum uw_check_status status;
	char *evidence;        /* the command and its output (malloc'd, may be "") */
	char *explanation;     /* plain words (malloc'd) */
	enum uw_fix_id fix;
};

/*
 * Progress of uw_phonecheck_run, so a front end can show each verdict as soon
 * as it is known instead of after the last check. Called in the thread that
 * runs the checks (a worker thread in the wizard: hand copies to the UI
 * thread, never the pointer).
 *
 * @result NULL: check @id starts (its command is about to go to the phone),
 * show it as running. @result non-NULL: the verdict of check @id is final;
 * @result points into the caller's array and is valid only during the call.
 *
 * Order: every check starts at once (its command goes to the phone with the
 * others), in id order; each finishes as soon as the outputs its verdict
 * needs are in, so verdicts arrive in any order. Resolv.conf and the name
 * lookup are judged together (both finish once the lookup is done, RESOLV
 * first), and the outside check waits for the desktop and route checks
 * (its failure is explained by them). No verdict takes longer than the
 * checks' deadline (1.4 s): a command the phone did not end by then gets
 * "Not answered in time: ...". When the phone vanishes part-way (the
 * session breaks, or its link goes away: unplugged), every check not
 * finished yet finishes with UW_CHECK_SKIP and says why. Each check
 * finishes exactly once per run, unless the parameters are refused
 * (-EINVAL: no call at all).
 */
typedef void (*uw_phonecheck_progress_fn)(enum uw_check_id id, const struct uw_check *result,
					  void *ud);

struct uw_phonecheck_params {
	const char *desktop_ip;   /* the desktop's address on the USB link, "192.168.0.200" */
	const char *outside_ip;   /* an address outside to ping */
	const char *test_name;    /* a name that should resolve */
	const char *iface;        /* the phone's interface name for persistence, "usb0" */
	/* Nameservers the resolv.conf fix writes (numeric, validated). */
	const char *nameservers[UW_PHONECHECK_MAX_NS];
	size_t n_nameservers;
	/* Optional: told when each check starts and finishes (see above). */
	uw_phonecheck_progress_fn progress;
	void *progress_ud;
};

/*
 * Run the checklist. @checks gets UW_CHECK__COUNT results (free each with
 * uw_check_fini). When the phone vanishes part-way, the remaining checks are
 * UW_CHECK_SKIP with that said, and -ECONNRESET is returned (with @err set);
 * otherwise 0. Bad parameters: -EINVAL and nothing is run. When
 * @params->progress is set it is called as each check starts and finishes.
 */
int uw_phonecheck_run(struct uw_phone *p, const struct uw_phonecheck_params *params,
		      struct uw_check checks[UW_CHECK__COUNT], struct uw_error *err);

/*
 * Every check with the verdict "not run" and @why ("no login to the phone"):
 * what the front ends show when the checklist could not start at all, so
 * each check still has a verdict. Free each with uw_check_fini.
 */
void uw_phonecheck_not_run(struct uw_check checks[UW_CHECK__COUNT], const char *why);

/* Free the strings of one check. */
void uw_check_fini(struct uw_check *c);

/* "pass", "fail", "warn", "skip". */
const char *uw_check_status_name(enum uw_check_status s);

/* "route", "resolv", ... ("" for UW_FIX_NONE). */
const char *uw_fix_name(enum uw_fix_id id);

/* ---- fixes ------------------------------------------------------------- */

struct uw_phonefix {
	enum uw_fix_id id;
	char *describe;        /* one line of plain words */
	char *shell;           /* what runs on the phone (shown to the user) */
	char *revert_shell;    /* what undoes it */
	/* Copied from the params at prepare time (apply verifies against them). */
	char desktop_ip[64];
	char iface[32];
	char nameservers[UW_PHONECHECK_MAX_NS][64];
	size_t n_nameservers;
};

/*
 * Prepare fix @id from @params (validated: numeric addresses only, so the
 * shell text never carries user input) and, for the route fix, the phone's
 * present default gateway @old_gw (NULL or "" if none) so revert restores it.
 * Returns 0, or -EINVAL with a sentence; free with uw_phonefix_fini.
 */
int uw_phonefix_prepare(enum uw_fix_id id, const struct uw_phonecheck_params *params,
			const char *old_gw, struct uw_phonefix *fix, struct uw_error *err);

/* Free the strings of @fix. */
void uw_phonefix_fini(struct uw_phonefix *fix);

/*
 * Apply @fix on the phone (the caller has confirmed), then verify from the
 * phone's own state (not from the exit status, which some dropbear builds
 * report as 255 for success). 0 on success, 1 when the phone already had
 * it (the persist fix finding its own lines: nothing was written), negative
 * errno otherwise.
 */
int uw_phonefix_apply(struct uw_phone *p, const struct uw_phonefix *fix, struct uw_error *err);

/* Undo @fix (restores the backed-up resolv.conf / interfaces, the old route). */
int uw_phonefix_revert(struct uw_phone *p, const struct uw_phonefix *fix, struct uw_error *err);

/*
 * The phone's IPv4 addresses (not loopback), from `ip -4 addr` or `ifconfig`
 * output on the phone, for the rescue path's report. Returns the count.
 */
int uw_phonecheck_phone_ipv4(struct uw_phone *p, char (*addrs)[64], size_t max,
			     struct uw_error *err);

/* ---- pure parsers (tested without a phone) ----------------------------- */

/* 1 when ping output shows at least one reply, else 0 (busybox and iputils). */
int uw_phonecheck_parse_ping(const char *out);

/*
 * Find the default route in `ip route` or `route -n` / `route` output.
 * Returns 1 and fills @gw (may be "" for a device-only route) and @dev, or 0.
 */
int uw_phonecheck_parse_default_route(const char *out, char *gw, size_t gwlen, char *dev,
				      size_t devlen);

/* Nameserver addresses in resolv.conf content (up to @max). Returns the count. */
int uw_phonecheck_parse_resolv(const char *content, char (*ns)[64], size_t max);

/* True for 127.0.0.0/8, ::1 and 0.0.0.0 (a stub that is no use to another machine). */
bool uw_phonecheck_is_loopback(const char *addr);

/*
 * Did @name resolve, judging from nslookup (busybox or bind), getent or ping
 * output? Addresses shown for the DNS server itself do not count. Returns 1
 * and fills @addr, or 0.
 */
int uw_phonecheck_parse_lookup(const char *out, const char *name, char *addr, size_t addrlen);

/* IPv4 addresses (not loopback) in `ip addr` or `ifconfig` output. Returns the count. */
int uw_phonecheck_parse_ipv4_addrs(const char *out, char (*addrs)[64], size_t max);

/*
 * The seed's persistence: add "up" lines for the default route and DNS to
 * the iface stanza of /etc/network/interfaces content @content (right after
 * the stanza's last line, before the next stanza). Returns a malloc'd new
 * content; -EEXIST when our lines are already there; -ENOENT when there is no
 * "iface IFACE" stanza.
 */
int uw_phonecheck_interfaces_add(const char *content, const struct uw_phonecheck_params *params,
				 char **out, struct uw_error *err);

/*
 * The host's nameservers a phone can use: from /etc/resolv.conf (or
 * $USBNET_WIZARD_RESOLV_CONF); when that holds only a loopback stub
 * (127.0.0.53), from systemd-resolved's /run/systemd/resolve/resolv.conf (or
 * $USBNET_WIZARD_RESOLVED_CONF). Returns the count (0: none known) written
 * into @ns.
 */
int uw_phonecheck_host_nameservers(char (*ns)[64], size_t max);

struct uw_choices;

/*
 * The nameservers the phone's resolv.conf fix writes for the DNS choice in
 * @c, the one rule the CLI and the wizard share: the proxy answers on the
 * desktop's USB address, static mode has its own servers, copy and none use
 * the desktop's upstream (uw_phonecheck_host_nameservers). Returns the count
 * written into @ns.
 */
int uw_phonecheck_fix_nameservers(const struct uw_choices *c, char (*ns)[64], size_t max);

/*
 * The outside address the phone pings and the name it resolves, when the
 * caller does not give them: $USBNET_WIZARD_OUTSIDE_IP (default 9.9.9.9, a
 * public resolver that answers ping) and $USBNET_WIZARD_TEST_NAME (default
 * example.com). The demo and the tests point them into the simulated
 * internet. Invalid values from the environment are ignored.
 */
void uw_phonecheck_default_targets(const char **outside_ip, const char **test_name);
