// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone checklist: a table of checks (below, `checks_table`), each with
 * the command it sends to the phone, the outputs its verdict needs, and its
 * judge. Every command goes out at once in ONE channel of the one ssh
 * session (uw_phone_run_shared: a short sh script runs them side by side and
 * tags each line of output with its check), with a deadline on the phone's
 * side (ping -w, `timeout` around the lookup) and a local one per check, and
 * each verdict is given as soon as the outputs it needs are in: the slowest
 * check, not the sum of them, and never more than CHECK_DEADLINE_MS.
 *
 * Why one channel and not one per check (as until issue 14's second round):
 * dropbear forks a process per channel that reseeds its random pool from
 * /proc and starts a shell; on the testbed's 2-core VM the five channels cost
 * the phone ~160 ms of CPU per check, one channel ~30-50 ms (openssh's one
 * call running the same five commands in a row: ~75 ms). A check cut at its
 * deadline still gets its own "not answered in time" and the others their
 * real verdicts: the deadlines are per check, not per channel.
 *
 * The verdicts come from parsing output (core/phonecheck-parse.c), because
 * the phone's shell is often busybox and some dropbear builds report exit
 * status 255 for commands that succeeded.
 */
#include "core/env.h"
#include "core/phonecheck.h"

#include "core/phonecheck-private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ip4.h"
#include "core/resolv.h"
#include "core/util.h"

#define ADDR_CMD "ip -4 addr 2>/dev/null || ifconfig 2>&1"

/* How long the phone waits for a ping reply or a DNS answer (ping -w, timeout). */
#define PHONE_WAIT_S 1
/* How long a check's channel may take in all, here: the phone's wait, its
 * shell starting, and the way back. Past it the verdict is "not answered in time". */
#define CHECK_DEADLINE_MS 1400
#define CHECK_DEADLINE_TEXT "1.4 s"
/* The marker before the lookup's exit status in its output. */
#define DNS_END "uw-lookup-exit "

static const struct {
	const char *name, *title;
} check_info[UW_CHECK__COUNT] = {
	[UW_CHECK_HOST_REACH] = { "host-reachable", "The phone reaches the desktop" },
	[UW_CHECK_ROUTE] = { "default-route", "The phone's default route goes via the desktop" },
	[UW_CHECK_OUTSIDE] = { "outside-reachable", "The phone reaches an outside address" },
	[UW_CHECK_RESOLV] = { "resolv-conf", "The phone's resolv.conf names a usable DNS server" },
	[UW_CHECK_DNS] = { "name-resolves", "A name resolves on the phone" },
};

const char *uw_check_status_name(enum uw_check_status s)
{
	switch (s) {
	case UW_CHECK_PASS: return "pass";
	case UW_CHECK_FAIL: return "fail";
	case UW_CHECK_WARN: return "warn";
	case UW_CHECK_SKIP: return "skip";
	}
	return "?";
}

const char *uw_fix_name(enum uw_fix_id id)
{
	switch (id) {
	case UW_FIX_NONE: return "";
	case UW_FIX_ROUTE: return "route";
	case UW_FIX_RESOLV: return "resolv";
	case UW_FIX_PERSIST: return "persist";
	case UW_FIX_HOST_SIDE: return "host-side";
	}
	return "";
}

void uw_check_fini(struct uw_check *c)
{
	free(c->evidence);
	free(c->explanation);
	c->evidence = c->explanation = NULL;
}

int uw_phonecheck_validate(const struct uw_phonecheck_params *p, bool need_ns,
			   struct uw_error *err)
{
	if (!p->desktop_ip || !uw_phonecheck_is_ipv4(p->desktop_ip))
		return uw_error_set(err, -EINVAL, "The desktop address '%s' is not an IPv4 address "
				    "(for example 192.168.0.200).", p->desktop_ip ? p->desktop_ip : "");
	if (!p->outside_ip || !uw_phonecheck_is_ip(p->outside_ip))
		return uw_error_set(err, -EINVAL, "The outside address '%s' is not an IP address.",
				    p->outside_ip ? p->outside_ip : "");
	if (!p->test_name || !*p->test_name || strlen(p->test_name) > 253)
		return uw_error_set(err, -EINVAL, "A test name to resolve is needed (for example "
				    "example.com).");
	for (const char *s = p->test_name; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-')
			return uw_error_set(err, -EINVAL, "'%s' is not a host name (letters, digits, "
					    "'.' and '-').", p->test_name);
	if (p->n_nameservers > UW_PHONECHECK_MAX_NS)
		return uw_error_set(err, -EINVAL, "At most %d nameservers.", UW_PHONECHECK_MAX_NS);
	for (size_t i = 0; i < p->n_nameservers; i++)
		if (!p->nameservers[i] || !uw_phonecheck_is_ip(p->nameservers[i]) ||
		    uw_phonecheck_is_loopback(p->nameservers[i]))
			return uw_error_set(err, -EINVAL, "'%s' is not a nameserver the phone can "
					    "use (a numeric, non-loopback address is needed).",
					    p->nameservers[i] ? p->nameservers[i] : "");
	if (need_ns && p->n_nameservers == 0)
		return uw_error_set(err, -EINVAL, "No nameserver to write: give one (for example "
				    "the desktop's upstream DNS server).");
	if (p->iface && *p->iface)
		return uw_ifname_check(p->iface, err);
	return 0;
}


static void set(struct uw_check *c, enum uw_check_status st, enum uw_fix_id fix,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set(struct uw_check *c, enum uw_check_status st, enum uw_fix_id fix,
		const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	free(c->explanation);
	c->explanation = s;
	c->status = st;
	c->fix = fix;
}

/* ---- the run ----------------------------------------------------------- */

/* One run: the jobs (one per check, same index), what is in, who is told. */
struct run {
	const struct uw_phonecheck_params *prm;
	struct uw_check *checks;
	struct uw_phone_job jobs[UW_CHECK__COUNT];
	char *cmds[UW_CHECK__COUNT];
	unsigned have;             /* bit per job whose output is in */
	unsigned lost;             /* bit per job the phone never finished (gone) */
	bool unplugged;
	bool finished[UW_CHECK__COUNT];
};

#define BIT(id) (1u << (id))

static const char *out_of(const struct run *run, enum uw_check_id id)
{
	return run->jobs[id].res.out ? run->jobs[id].res.out : "";
}

static bool late(const struct run *run, enum uw_check_id id)
{
	return run->jobs[id].res.timed_out;
}

/* The phone's ping ended without a reply and without an error of its own
 * (no "unreachable", no bad option): it waited its PHONE_WAIT_S in vain. */
static bool ping_unanswered(const char *out)
{
	return !uw_phonecheck_parse_ping(out) && !strstr(out, "nreachable") &&
	       !strstr(out, "not found") && !strstr(out, "nvalid") && !strstr(out, "sage:") &&
	       !strstr(out, "bad address") && !strstr(out, "annot") && strstr(out, "ransmitted");
}

/* When ping @id got no answer in time (it waited in vain, or did not even end
 * by the local deadline): how long it waited, for "Not answered in time";
 * NULL when it ended otherwise (an answer, an error, unreachable). */
static const char *ping_waited(const struct run *run, enum uw_check_id id)
{
	if (late(run, id))
		return CHECK_DEADLINE_TEXT;
	return ping_unanswered(out_of(run, id)) ? "1 s" : NULL;
}

/* A command the phone did not finish by the local deadline: no verdict but that. */
static void set_late(struct uw_check *c, const char *what)
{
	set(c, UW_CHECK_FAIL, UW_FIX_NONE, "Not answered in time: the phone did not finish %s "
	    "within %.1f s, so nothing is known about it. The phone may be busy or the link "
	    "slow: check again.", what, CHECK_DEADLINE_MS / 1000.0);
}

/* ---- the checks: commands and judges ----------------------------------- */

static char *cmd_host(const struct uw_phonecheck_params *prm)
{
	return uw_strdup_printf("ping -c1 -w%d %s 2>&1", PHONE_WAIT_S, prm->desktop_ip);
}

static void judge_host(struct run *run, struct uw_check *c)
{
	const struct uw_phonecheck_params *prm = run->prm;
	const char *w;

	if (uw_phonecheck_parse_ping(out_of(run, UW_CHECK_HOST_REACH)))
		set(c, UW_CHECK_PASS, UW_FIX_NONE, "The phone gets answers from the desktop at %s.",
		    prm->desktop_ip);
	else if ((w = ping_waited(run, UW_CHECK_HOST_REACH)))
		set(c, UW_CHECK_FAIL, UW_FIX_HOST_SIDE, "Not answered in time: the phone pinged the "
		    "desktop at %s and got no answer within %s. The desktop's side of the USB "
		    "link is not configured with that address, the phone's address is in another "
		    "subnet, or a firewall drops ping. Apply the desktop side first.",
		    prm->desktop_ip, w);
	else
		set(c, UW_CHECK_FAIL, UW_FIX_HOST_SIDE,
		    "The phone gets no answer from the desktop at %s. The desktop's side of the "
		    "USB link is not configured with that address, or the phone's address is in "
		    "another subnet. Apply the desktop side first.", prm->desktop_ip);
}

static char *cmd_route(const struct uw_phonecheck_params *prm)
{
	return uw_strdup(UW_PHONE_ROUTE_CMD);
}

static bool route_ok(const struct run *run, char *gw, size_t gwlen, char *dev, size_t devlen,
		     bool *has_route)
{
	*has_route = uw_phonecheck_parse_default_route(out_of(run, UW_CHECK_ROUTE), gw, gwlen, dev,
						       devlen);
	return *has_route && !strcmp(gw, run->prm->desktop_ip);
}

static void judge_route(struct run *run, struct uw_check *c)
{
	const struct uw_phonecheck_params *prm = run->prm;
	const char *out = out_of(run, UW_CHECK_ROUTE);
	char gw[64], dev[64];
	bool has_route;

	if (route_ok(run, gw, sizeof(gw), dev, sizeof(dev), &has_route))
		set(c, UW_CHECK_PASS, UW_FIX_NONE,
		    "The phone sends traffic for the outside to the desktop (%s, dev %s).", gw, dev);
	else if (!has_route && late(run, UW_CHECK_ROUTE))
		set_late(c, "listing its routes");
	else if (!has_route && strstr(out, "not found") && !strstr(out, "0.0.0.0"))
		set(c, UW_CHECK_SKIP, UW_FIX_NONE,
		    "The phone has neither 'ip' nor 'route', so its routes cannot be read.");
	else if (!has_route)
		set(c, UW_CHECK_FAIL, UW_FIX_ROUTE,
		    "The phone has no default route, so it does not know where to send traffic "
		    "for the outside. It should go via the desktop (%s).", prm->desktop_ip);
	else if (!*gw)
		set(c, UW_CHECK_WARN, UW_FIX_ROUTE,
		    "The phone's default route goes straight out of %s without a gateway; it "
		    "should go via the desktop (%s).", dev, prm->desktop_ip);
	else
		set(c, UW_CHECK_FAIL, UW_FIX_ROUTE,
		    "The phone's default route goes via %s, not via the desktop (%s), so its "
		    "traffic does not reach the desktop's NAT.", gw, prm->desktop_ip);
}

static char *cmd_outside(const struct uw_phonecheck_params *prm)
{
	return uw_strdup_printf("ping -c1 -w%d %s 2>&1", PHONE_WAIT_S, prm->outside_ip);
}

static bool outside_ok(const struct run *run)
{
	return uw_phonecheck_parse_ping(out_of(run, UW_CHECK_OUTSIDE));
}

static void judge_outside(struct run *run, struct uw_check *c)
{
	const struct uw_phonecheck_params *prm = run->prm;
	char gw[64], dev[64];
	const char *w;
	bool has_route;

	if (outside_ok(run))
		set(c, UW_CHECK_PASS, UW_FIX_NONE,
		    "The phone reaches %s outside: the desktop forwards and masquerades its "
		    "traffic.", prm->outside_ip);
	else if (!uw_phonecheck_parse_ping(out_of(run, UW_CHECK_HOST_REACH)))
		set(c, UW_CHECK_FAIL, UW_FIX_HOST_SIDE,
		    "The phone cannot reach %s because it cannot even reach the desktop; fix the "
		    "USB link first.", prm->outside_ip);
	else if (!route_ok(run, gw, sizeof(gw), dev, sizeof(dev), &has_route))
		set(c, UW_CHECK_FAIL, UW_FIX_ROUTE,
		    "The phone cannot reach %s: its default route does not go via the desktop.",
		    prm->outside_ip);
	else if ((w = ping_waited(run, UW_CHECK_OUTSIDE)))
		set(c, UW_CHECK_FAIL, UW_FIX_HOST_SIDE,
		    "Not answered in time: the phone reaches the desktop but got no answer from %s "
		    "within %s: the desktop does not forward or masquerade the phone's traffic "
		    "(NAT, ip_forward, or a FORWARD policy of DROP), or a firewall on the way "
		    "drops ping. Apply the desktop side.", prm->outside_ip, w);
	else
		set(c, UW_CHECK_FAIL, UW_FIX_HOST_SIDE,
		    "The phone reaches the desktop but not %s: the desktop does not forward or "
		    "masquerade the phone's traffic (NAT, ip_forward, or a FORWARD policy of "
		    "DROP). Apply the desktop side.", prm->outside_ip);
}

/*
 * resolv.conf as it is. cat, not a loop of the shell's `read` (no process,
 * but a read(2) per byte): the phone decides the file's size, and a huge one
 * must still reach the 64 KiB cap in time (t-phone-bigout).
 */
static char *cmd_resolv(const struct uw_phonecheck_params *prm)
{
	return uw_strdup("cat /etc/resolv.conf 2>&1");
}

/*
 * A name resolves: whatever the phone has (busybox often lacks getent).
 * Ask the server resolv.conf names first, directly (nslookup NAME SERVER;
 * found with the shell's own `read`, not sed and head: two processes fewer
 * on a phone with little CPU),
 * and give it PHONE_WAIT_S: a dead server otherwise costs the resolver's 5 s
 * per try. What the phone lacks is done without: getent (no server choice)
 * or ping, and no `timeout` (then the local deadline cuts it). The last
 * line says how the lookup ended; 124 (coreutils) or 143 (busybox, TERM)
 * means it was cut: not answered in time.
 */
static char *cmd_dns(const struct uw_phonecheck_params *prm)
{
	return uw_strdup_printf("if command -v nslookup >/dev/null 2>&1; then ns=; "
				"while read -r k v _; do [ \"$k\" = nameserver ] && { ns=$v; break; }; "
				"done 2>/dev/null </etc/resolv.conf; set -- nslookup %s $ns; "
				"elif command -v getent >/dev/null 2>&1; then set -- getent hosts %s; "
				"else set -- ping -c1 -w%d %s; fi; "
				"if command -v timeout >/dev/null 2>&1; then timeout %d \"$@\"; else \"$@\"; fi 2>&1; "
				"echo \"" DNS_END "$?\"", prm->test_name, prm->test_name, PHONE_WAIT_S,
				prm->test_name, PHONE_WAIT_S);
}

/* What the resolv.conf and lookup outputs say, for both of their judges. */
struct dns_facts {
	char ns[4][64];
	int nns;
	bool all_loop, ok, late, out_ok;
	char addr[64];
};

static void dns_facts(const struct run *run, struct dns_facts *d)
{
	const char *out = out_of(run, UW_CHECK_DNS);
	const char *end = strstr(out, DNS_END);
	int code = end ? atoi(end + strlen(DNS_END)) : 0;

	memset(d, 0, sizeof(*d));
	d->nns = uw_phonecheck_parse_resolv(out_of(run, UW_CHECK_RESOLV), d->ns,
					    UW_ARRAY_SIZE(d->ns));
	d->all_loop = d->nns > 0;
	for (int i = 0; i < d->nns; i++)
		d->all_loop &= uw_phonecheck_is_loopback(d->ns[i]);
	d->ok = uw_phonecheck_parse_lookup(out, run->prm->test_name, d->addr, sizeof(d->addr));
	d->late = !d->ok && (code == 124 || code == 143 || late(run, UW_CHECK_DNS));
	d->out_ok = outside_ok(run);
}

static void judge_resolv(struct run *run, struct uw_check *c)
{
	struct dns_facts d;

	dns_facts(run, &d);
	if (d.nns == 0 && late(run, UW_CHECK_RESOLV))
		set_late(c, "reading its resolv.conf");
	else if (d.nns == 0)
		set(c, UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "The phone's /etc/resolv.conf names no DNS server, so no name can be "
		    "looked up.");
	else if (d.all_loop && !d.ok)
		set(c, UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "The phone's resolv.conf names only %s, a loopback address, and nothing "
		    "answers there. Write a real server into it.", d.ns[0]);
	else if (d.all_loop)
		set(c, UW_CHECK_WARN, UW_FIX_NONE,
		    "The phone's resolv.conf names only %s (loopback): this works only while "
		    "a DNS server runs on the phone itself.", d.ns[0]);
	else if (d.late && d.out_ok)
		set(c, UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "Not answered in time: the phone's resolv.conf names %s%s, which did not "
		    "answer within %d s although the phone reaches the outside: that server "
		    "is wrong or dead.", d.ns[0], d.nns > 1 ? " and others" : "", PHONE_WAIT_S);
	else if (!d.ok && d.out_ok)
		set(c, UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "The phone's resolv.conf names %s%s, but no answer comes back although "
		    "the phone reaches the outside: that server is wrong or dead.", d.ns[0],
		    d.nns > 1 ? " and others" : "");
	else
		set(c, UW_CHECK_PASS, UW_FIX_NONE,
		    "The phone's resolv.conf names %s%s.", d.ns[0], d.nns > 1 ? " and others" : "");
}

static void judge_dns(struct run *run, struct uw_check *c)
{
	const struct uw_phonecheck_params *prm = run->prm;
	struct dns_facts d;

	dns_facts(run, &d);
	if (d.ok)
		set(c, UW_CHECK_PASS, UW_FIX_NONE, "%s resolves to %s on the phone.", prm->test_name,
		    d.addr);
	else if (d.nns == 0)
		set(c, UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "%s does not resolve: the phone knows no DNS server (its resolv.conf is "
		    "empty).", prm->test_name);
	else if (!d.out_ok)
		set(c, UW_CHECK_FAIL, run->checks[UW_CHECK_OUTSIDE].fix,
		    "%s does not resolve: the phone cannot reach the outside, so its DNS server "
		    "%s cannot be asked either. Fix the outside check first.", prm->test_name,
		    d.ns[0]);
	else if (d.late)
		set(c, UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "Not answered in time: the phone asked its DNS server %s for %s and got no "
		    "answer within %d s. Write a working server into its resolv.conf.", d.ns[0],
		    prm->test_name, PHONE_WAIT_S);
	else
		set(c, UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "%s does not resolve on the phone: its DNS server %s does not answer. Write "
		    "a working server into its resolv.conf.", prm->test_name, d.ns[0]);
}

/*
 * The checklist. @needs: the outputs a verdict is judged from (its own
 * included); it is given as soon as they are all in. The checks are
 * independent on the phone, so all commands run at once; only the
 * explanations of a failure look at the other outputs (the outside is
 * unreachable *because* the desktop is), and resolv.conf is judged together
 * with the lookup, so it honestly stays "running" until then.
 */
static const struct check_def {
	char *(*command)(const struct uw_phonecheck_params *prm);
	unsigned needs;
	void (*judge)(struct run *run, struct uw_check *c);
} checks_table[UW_CHECK__COUNT] = {
	[UW_CHECK_HOST_REACH] = { cmd_host, BIT(UW_CHECK_HOST_REACH), judge_host },
	[UW_CHECK_ROUTE] = { cmd_route, BIT(UW_CHECK_ROUTE), judge_route },
	[UW_CHECK_OUTSIDE] = { cmd_outside, BIT(UW_CHECK_OUTSIDE) | BIT(UW_CHECK_HOST_REACH) |
			       BIT(UW_CHECK_ROUTE), judge_outside },
	[UW_CHECK_RESOLV] = { cmd_resolv, BIT(UW_CHECK_RESOLV) | BIT(UW_CHECK_DNS) |
			      BIT(UW_CHECK_OUTSIDE), judge_resolv },
	[UW_CHECK_DNS] = { cmd_dns, BIT(UW_CHECK_DNS) | BIT(UW_CHECK_RESOLV) |
			   BIT(UW_CHECK_OUTSIDE), judge_dns },
};

static void finish(struct run *run, enum uw_check_id id)
{
	run->finished[id] = true;
	if (run->prm->progress)
		run->prm->progress(id, &run->checks[id], run->prm->progress_ud);
}

/* Give every verdict whose outputs are all in now, in id order. */
static void judge_ready(struct run *run)
{
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		const struct check_def *d = &checks_table[i];

		if (run->finished[i] || (run->have & d->needs) != d->needs || (run->lost & d->needs))
			continue;
		d->judge(run, &run->checks[i]);
		finish(run, i);
	}
}

static void on_job_done(size_t i, struct uw_phone_job *job, void *ud)
{
	struct run *run = ud;
	struct uw_check *c = &run->checks[i];
	const struct uw_phone_result *res = &job->res;

	free(c->evidence);
	c->evidence = uw_strdup_printf("$ %s\n%s%s%s%s", job->cmd, res->out ? res->out : "",
				       res->err && *res->err ? res->err : "",
				       res->truncated ? "\n[output cut at 64 KiB]" : "",
				       res->timed_out ? "\n[no answer within the timeout]" : "");
	if (job->rc < 0) {
		run->lost |= BIT(i);
		run->unplugged |= job->rc == -ENOLINK;
		return;
	}
	run->have |= BIT(i);
	judge_ready(run);
}

void uw_phonecheck_not_run(struct uw_check checks[UW_CHECK__COUNT], const char *why)
{
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		checks[i] = (struct uw_check){ .id = i, .name = check_info[i].name,
					      .title = check_info[i].title,
					      .status = UW_CHECK_SKIP, .fix = UW_FIX_NONE };
		checks[i].evidence = uw_strdup("");
		checks[i].explanation = uw_strdup_printf("Not run: %s.", why);
	}
}

static int phone_exec(void *ud, struct uw_phone_job *jobs, size_t n, uw_phone_job_done_fn done,
		      void *done_ud, struct uw_error *err)
{
	return uw_phone_run_shared(ud, jobs, n, done, done_ud, err);
}

int uw_phonecheck_run(struct uw_phone *p, const struct uw_phonecheck_params *prm,
		      struct uw_check checks[UW_CHECK__COUNT], struct uw_error *err)
{
	return uw_phonecheck_run_with(phone_exec, p, prm, checks, err);
}

int uw_phonecheck_run_with(uw_phonecheck_runner_fn exec, void *exec_ud,
			   const struct uw_phonecheck_params *prm,
			   struct uw_check checks[UW_CHECK__COUNT], struct uw_error *err)
{
	_auto_(free) struct run *run = uw_malloc0(sizeof(*run));
	int rc;

	run->prm = prm;
	run->checks = checks;
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		checks[i] = (struct uw_check){ .id = i, .name = check_info[i].name,
					      .title = check_info[i].title,
					      .status = UW_CHECK_SKIP };
		checks[i].evidence = uw_strdup("");
		checks[i].explanation = uw_strdup("Not run.");
	}
	rc = uw_phonecheck_validate(prm, false, err);
	if (rc < 0)
		return rc;
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		run->cmds[i] = checks_table[i].command(prm);
		run->jobs[i] = (struct uw_phone_job){ .cmd = run->cmds[i],
						      .deadline_ms = CHECK_DEADLINE_MS,
						      /* a file of any size */
						      .stream = i == UW_CHECK_RESOLV,
						      /* its chain is the longest (timeout
						       * starting the lookup): on a busy
						       * phone it ended last */
						      .first = i == UW_CHECK_DNS };
	}
	/* Every command goes out now: every check is running. */
	for (int i = 0; prm->progress && i < UW_CHECK__COUNT; i++)
		prm->progress(i, NULL, prm->progress_ud);
	rc = exec(exec_ud, run->jobs, UW_CHECK__COUNT, on_job_done, run, err);
	/* The phone gone part-way: what it never answered has no verdict. */
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		if (run->finished[i])
			continue;
		set(&checks[i], UW_CHECK_SKIP, UW_FIX_NONE, "Not run: %s.", run->unplugged ?
		    "the phone was unplugged (its link went away) before this was answered" :
		    "the phone stopped answering");
		finish(run, i);
	}
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		uw_phone_result_fini(&run->jobs[i].res);
		free(run->cmds[i]);
	}
	if (rc == 0 && (run->lost))
		rc = uw_error_set(err, -ECONNRESET, "The phone stopped answering.");
	return rc < 0 ? rc : 0;
}

int uw_phonecheck_phone_ipv4(struct uw_phone *p, char (*addrs)[64], size_t max,
			     struct uw_error *err)
{
	struct uw_phone_result r;
	int rc = uw_phone_run(p, ADDR_CMD, NULL, &r, err);

	if (rc == 0)
		rc = uw_phonecheck_parse_ipv4_addrs(r.out, addrs, max);
	uw_phone_result_fini(&r);
	return rc;
}


/* ---- the checklist's parameters --------------------------------------- */

/* Append the usable (non-loopback, unscoped) nameservers of @path to @ns. */
static size_t usable_ns(const char *path, char (*ns)[64], size_t n, size_t max)
{
	struct uw_resolv r;

	if (uw_resolv_read(path, &r, NULL) < 0)
		return n;
	for (size_t i = 0; i < r.n_ns && n < max; i++)
		if (!r.ns[i].loopback && !strchr(r.ns[i].text, '%'))
			uw_strlcpy(ns[n++], r.ns[i].text, 64);
	return n;
}

int uw_phonecheck_host_nameservers(char (*ns)[64], size_t max)
{
	const char *conf = uw_env_get(UW_ENV_RESOLV_CONF);
	const char *resolved = uw_env_get(UW_ENV_RESOLVED_CONF);
	size_t n;

	/*
	 * A loopback stub (systemd-resolved's 127.0.0.53, a local dnsmasq)
	 * means nothing on the phone: use the upstream servers resolved keeps
	 * in /run/systemd/resolve/resolv.conf instead (the same files, and the
	 * same variables, as the inventory's DNS facts).
	 */
	n = usable_ns(conf && *conf ? conf : "/etc/resolv.conf", ns, 0, max);
	if (n == 0)
		n = usable_ns(resolved && *resolved ? resolved : "/run/systemd/resolve/resolv.conf",
			      ns, 0, max);
	return (int)n;
}

void uw_phonecheck_default_targets(const char **outside_ip, const char **test_name)
{
	const char *ip = uw_env_get(UW_ENV_OUTSIDE_IP);
	const char *name = uw_env_get(UW_ENV_TEST_NAME);
	struct in_addr a;

	*outside_ip = "9.9.9.9";
	*test_name = "example.com";
	if (ip && inet_pton(AF_INET, ip, &a) == 1)
		*outside_ip = ip;
	if (name && *name && strlen(name) < 254 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen(name))
		*test_name = name;
}
