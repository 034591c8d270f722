// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/watch.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apply.h"
#include "core/detect.h"
#include "core/facts.h"
#include "core/nl.h"
#include "core/nm.h"
#include "core/plan.h"
#include "core/util.h"

struct uw_watch {
	struct uw_profile profile;
	struct uw_nl_monitor *mon;
	uw_watch_msg_fn cb;
	void *ud;
	bool active;
	int ifindex;                    /* the gadget the setup is on */
	char ifname[UW_NL_IFNAME_MAX];  /* its name when the setup was applied */
	struct uw_watch_stats stats;
};

static void say(struct uw_watch *w, enum uw_watch_msg kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct uw_watch *w, enum uw_watch_msg kind, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w->cb)
		w->cb(w->ud, kind, buf);
}

/* Steps of the live setup, as the journal has them. */
static int live_steps(struct uw_journal *j, struct uw_error *err)
{
	int r = uw_journal_read(j, err);
	return r < 0 ? r : (int)j->n_live;
}

/* Undo what is live. @renamed_to: the gadget now has this name (its address
 * and link state moved with it, so they are undone under the new name too). */
static int do_revert(struct uw_watch *w, const char *why, const char *renamed_to)
{
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	struct uw_error e;
	int r, n;

	uw_error_clear(&e);
	/* The journal's steps are needed only to undo them under a new name
	 * (below); uw_revert reads the journal itself. */
	n = renamed_to ? live_steps(j, &e) : 0;
	if (n < 0) {
		say(w, UW_WATCH_FAILED, "cannot read the journal: %s", e.msg);
		w->stats.failed++;
		free(j);
		return n;
	}
	r = uw_revert(NULL, NULL, NULL, &e);
	if (r < 0) {
		w->stats.failed++;
		say(w, UW_WATCH_FAILED, "%s: revert failed: %s", why, e.msg);
		free(j);
		return r;
	}
	/*
	 * A rename keeps the interface's addresses and state, but the journal
	 * names the old name, whose revert found nothing ("already gone"). Undo
	 * those steps under the new name, so the renamed link is as it was:
	 * NetworkManager's device keeps its runtime Managed flag across a
	 * rename too, so the NetworkManager step is put back under the new
	 * name as well (last, as in any revert). Otherwise the device stays
	 * unmanaged with no journal entry to undo it, and the setup applied
	 * next under the new name has no NetworkManager step at all.
	 */
	if (renamed_to) {
		for (size_t i = j->n_live; i-- > 0;) {
			struct uw_action a = j->live[i];

			if (a.kind != UW_ACT_ADDR && a.kind != UW_ACT_ROUTE && a.kind != UW_ACT_LINK_UP &&
			    a.kind != UW_ACT_NM_UNMANAGE)
				continue;
			if (strcmp(a.iface, w->ifname))
				continue;
			uw_strlcpy(a.iface, renamed_to, sizeof(a.iface));
			uw_action_revert(&a, NULL);
		}
	}
	w->active = false;
	w->stats.reverted++;
	say(w, UW_WATCH_REVERTED, "%s: reverted %d step(s); the desktop is as it was before", why, r);
	free(j);
	return 0;
}

/* Apply the profile to @ifname. @d: the kernel's links, addresses and routes
 * just read (the dump the gadget was recognised in), or NULL to read them. */
static void do_apply(struct uw_watch *w, int ifindex, const char *ifname, const char *why,
		     const struct uw_nl_dump *d)
{
	struct uw_facts *facts = uw_malloc0(sizeof(*facts));
	struct uw_plan *plan = uw_malloc0(sizeof(*plan));
	struct uw_choices c = w->profile.choices;
	struct uw_error e;
	char hs[UW_IP4_STRLEN];
	int r;

	uw_error_clear(&e);
	uw_strlcpy(c.iface, ifname, sizeof(c.iface));
	r = d ? uw_facts_read_dump_plan(facts, d, &e) : uw_facts_read(facts, &e);
	/* NetworkManager takes a new interface a moment after it appears: when it
	 * runs, wait (bounded) until it has, so the plan tells it to leave the
	 * interface alone instead of missing it. */
	if (r == 0 && facts->nm_running == 1 && !uw_facts_nm_manages(facts, ifname) &&
	    uw_nm_wait_device(ifname, 3000, NULL) > 0)
		uw_facts_read_nm(facts);
	if (r == 0)
		r = uw_plan_build(&c, facts, plan, &e);
	if (r == 0) {
		r = uw_apply(plan, NULL, NULL, NULL, &e);
		if (r == -EALREADY) {
			/* A setup for another gadget (or other choices) is still live: ours comes first. */
			if (do_revert(w, "an older setup was still in place", NULL) == 0) {
				uw_error_clear(&e);
				r = uw_apply(plan, NULL, NULL, NULL, &e);
			}
		}
	}
	if (r < 0) {
		w->stats.failed++;
		say(w, UW_WATCH_FAILED, "%s: could not apply the profile to %s: %s", why, ifname, e.msg);
	} else {
		w->active = true;
		w->ifindex = ifindex;
		uw_strlcpy(w->ifname, ifname, sizeof(w->ifname));
		w->stats.applied++;
		if (plan->choices.nat)
			say(w, UW_WATCH_APPLIED, "%s: applied the profile to %s (%zu steps: desktop %s/%u, "
			    "sharing out through %s, DNS %s)", why, ifname, plan->n,
			    uw_ip4_str(plan->choices.host_ip, hs), plan->choices.plen, plan->choices.out_iface,
			    uw_dns_mode_name(plan->choices.dns));
		else
			say(w, UW_WATCH_APPLIED, "%s: applied the profile to %s (%zu steps: desktop %s/%u, no "
			    "sharing)", why, ifname, plan->n, uw_ip4_str(plan->choices.host_ip, hs),
			    plan->choices.plen);
	}
	free(plan);
	free(facts);
}

/*
 * Is @ifindex the profile's gadget? Detection scores and identifies it
 * (driver, USB ids, name) from @d; the profile's match section decides. 1
 * yes, 0 no. @name gets its current name.
 */
static int is_ours(struct uw_watch *w, const struct uw_nl_dump *d, int ifindex, char *name,
		   size_t len, char *why, size_t wlen)
{
	struct uw_candidate c;
	/* Identification only: who manages the link is read with the facts, once, in do_apply. */
	int r = uw_detect_identify_one(d, ifindex, &c);

	name[0] = why[0] = '\0';
	if (r < 0)
		return 0; /* gone again already */
	uw_strlcpy(name, c.ifname, len);
	if (r == 0)
		return 0; /* not a candidate at all (loopback, a bridge, the uplink...) */
	snprintf(why, wlen, "driver %s%s%s", c.driver[0] ? c.driver : "unknown",
		 c.has_usb_id ? ", USB " : "", c.has_usb_id ? c.usb_name : "");
	if (c.has_usb_id && !c.usb_name[0])
		snprintf(why + strlen(why), wlen - strlen(why), "%04x:%04x", c.usb_vendor, c.usb_product);
	return uw_profile_match(&w->profile, &c) ? 1 : 0;
}

/* The kernel's links, addresses and routes, in one read that serves both
 * recognising the gadget and the plan's facts. */
static int read_links(struct uw_nl_dump *d)
{
	return uw_nl_dump(d, UW_NL_DUMP_LINKS | UW_NL_DUMP_ADDRS | UW_NL_DUMP_ROUTES, NULL);
}

/* Set up the first matching gadget that is plugged in now (start, or after lost events). */
static void scan_present(struct uw_watch *w, const char *why)
{
	_auto_(uw_candidates_free) struct uw_candidate *c = NULL;
	struct uw_nl_dump d;
	size_t n = 0;
	bool tried = false;

	if (read_links(&d) < 0)
		return;
	uw_detect_identify_dump(&d, &c, &n);
	for (size_t i = 0; i < n && !w->active; i++) {
		if (!uw_profile_match(&w->profile, &c[i]))
			continue;
		char name[UW_NL_IFNAME_MAX];
		uw_strlcpy(name, c[i].ifname, sizeof(name));
		/* Only the first apply may use the dump: a failed one may have changed things. */
		do_apply(w, c[i].ifindex, name, why, tried ? NULL : &d);
		tried = true;
	}
	uw_nl_dump_fini(&d);
}

static void on_event(const struct uw_link_event *ev, void *ud)
{
	struct uw_watch *w = ud;
	char name[UW_NL_IFNAME_MAX], why[128];
	struct uw_nl_dump d;
	int r;

	w->stats.events++;
	if (w->active && ev->ifindex == w->ifindex) {
		if (ev->type == UW_LINK_DEL) {
			char msg[96];
			snprintf(msg, sizeof(msg), "%s was unplugged", w->ifname);
			do_revert(w, msg, NULL);
			return;
		}
		if (ev->ifname[0] && strcmp(ev->ifname, w->ifname)) {
			/* udev's usb0 -> enx<mac>: our rules name the old one; set up again under the new. */
			char old[UW_NL_IFNAME_MAX], msg[96];
			uw_strlcpy(old, w->ifname, sizeof(old));
			snprintf(msg, sizeof(msg), "%s was renamed to %s", old, ev->ifname);
			say(w, UW_WATCH_INFO, "%s", msg);
			if (do_revert(w, msg, ev->ifname) == 0)
				do_apply(w, ev->ifindex, ev->ifname, msg, NULL);
		}
		return;
	}
	if (ev->type == UW_LINK_DEL || w->active) {
		if (ev->type == UW_LINK_NEW && w->active)
			say(w, UW_WATCH_INFO, "%s appeared; ignored while the profile is on %s", ev->ifname,
			    w->ifname);
		return;
	}
	/* No setup live: a new interface, or a known one renamed into a match.
	 * One read of the kernel recognises it and gives the plan its facts. */
	if (read_links(&d) < 0)
		return;
	r = is_ours(w, &d, ev->ifindex, name, sizeof(name), why, sizeof(why));
	if (r == 0) {
		if (ev->type == UW_LINK_NEW)
			say(w, UW_WATCH_INFO, "%s appeared (%s); not the profile's gadget, ignored",
			    name[0] ? name : ev->ifname, why[0] ? why : "not a USB gadget");
	} else {
		snprintf(why, sizeof(why), "%s %s", name,
			 ev->type == UW_LINK_NEW ? "was plugged in" : "appeared");
		do_apply(w, ev->ifindex, name, why, &d);
	}
	uw_nl_dump_fini(&d);
}

int uw_watch_new(const struct uw_profile *p, uw_watch_msg_fn cb, void *ud, struct uw_watch **out,
		 struct uw_error *err)
{
	struct uw_watch *w = uw_malloc0(sizeof(*w));
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	char m[160];
	int r;

	/*
	 * Keep the heap between plugs: each plug allocates and frees a few
	 * hundred KiB (facts, plan, journal), and glibc's default gave it back
	 * to the kernel at every free (brk down), so the next plug took it
	 * again page by page: 5-7% of watch's CPU per plug. A long-running
	 * process keeps its working set instead.
	 */
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
	w->profile = *p;
	w->cb = cb;
	w->ud = ud;
	w->ifindex = -1;
	/* Subscribe before looking: a gadget plugged in between the two is not missed. */
	r = uw_nl_monitor_new(&w->mon, err);
	if (r < 0)
		goto fail;
	uw_profile_describe_match(p, m, sizeof(m));
	say(w, UW_WATCH_INFO, "watching for the profile's gadget (%s)", m);
	r = live_steps(j, err);
	if (r < 0)
		goto fail;
	if (r > 0)
		do_revert(w, "a setup left by an earlier run (crash or kill)", NULL);
	scan_present(w, "already plugged in");
	if (!w->active) {
		/*
		 * Read the facts once now, for nothing: the first plug then finds
		 * the libraries it needs loaded (libnftables, libsystemd for the
		 * system bus) and their state set up, instead of paying for that
		 * between the kernel's event and the setup (tens of ms here).
		 */
		struct uw_facts *f = uw_malloc0(sizeof(*f));

		uw_facts_read(f, NULL);
		free(f);
	}
	free(j);
	*out = w;
	return 0;
fail:
	free(j);
	uw_watch_free(w);
	return r;
}

int uw_watch_fd(const struct uw_watch *w)
{
	return uw_nl_monitor_fd(w->mon);
}

int uw_watch_dispatch(struct uw_watch *w, struct uw_error *err)
{
	int r = uw_nl_monitor_dispatch(w->mon, on_event, w, err);

	if (r != -ENOBUFS)
		return r < 0 ? r : 0;
	/* The kernel dropped events: look at what is there now instead. */
	uw_error_clear(err);
	say(w, UW_WATCH_INFO, "link events were lost (the system was busy); looking again");
	if (w->active) {
		char name[UW_NL_IFNAME_MAX];
		if (uw_nl_link_name(w->ifindex, name, sizeof(name), NULL) < 0) {
			char msg[96];
			snprintf(msg, sizeof(msg), "%s is gone", w->ifname);
			do_revert(w, msg, NULL);
		} else if (strcmp(name, w->ifname)) {
			char msg[96];
			snprintf(msg, sizeof(msg), "%s was renamed to %s", w->ifname, name);
			if (do_revert(w, msg, name) == 0)
				do_apply(w, w->ifindex, name, msg, NULL);
		}
	}
	if (!w->active)
		scan_present(w, "found after lost events");
	return 0;
}

bool uw_watch_active(const struct uw_watch *w)
{
	return w->active;
}

const struct uw_watch_stats *uw_watch_stats(const struct uw_watch *w)
{
	return &w->stats;
}

int uw_watch_stop(struct uw_watch *w, struct uw_error *err)
{
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	int r = live_steps(j, err);

	free(j);
	if (r <= 0) {
		w->active = false;
		return r;
	}
	r = do_revert(w, "stopping", NULL);
	if (r < 0)
		return uw_error_set(err, r, "Reverting on the way out failed; run 'usbnet-wizard revert'.");
	return 0;
}

void uw_watch_free(struct uw_watch *w)
{
	if (!w)
		return;
	uw_nl_monitor_free(w->mon);
	free(w);
}
