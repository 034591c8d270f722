// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/autorevert.h"
#include "core/env.h"
#include "core/journal.h"
#include "core/nl.h"
#include "core/profile.h"
#include "core/util.h"

static void path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", uw_rundir(), name);
}

/* Fault injection for the crash and rollback tests only (docs/testing.md). */
#define fault uw_fault

/* The fault names one of the steps first..last (1-based): a firewall batch
 * is one transaction, so a fault at any of its steps hits the batch. */
static bool fault_in(const char *what, size_t first, size_t last)
{
	for (size_t s = first; s <= last; s++)
		if (fault(what, s))
			return true;
	return false;
}

static int mkrundir(struct uw_error *err)
{
	const char *d = uw_rundir();

	int fd;
	struct stat st;

	/* 0755, and the journal 0644: `status` is a read-only view a normal user
	 * may run (it holds addresses and rules, nothing secret). The lock stays
	 * 0600. A directory made 0700 by an older version is opened up once. */
	if (mkdir(d, 0755) < 0 && errno != EEXIST) {
		int e = errno;
		return uw_error_set(err, -e, "Cannot create the runtime directory %s: %s%s", d, strerror(e),
				    e == EACCES || e == EPERM ? " (changing the network needs root: run with sudo)" : "");
	}
	fd = open(d, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 07777) == 0700)
			(void)fchmod(fd, 0755);
		close(fd);
	}
	return 0;
}

int uw_lock_take(struct uw_lock *lk, struct uw_error *err)
{
	char p[512], pidbuf[32] = "";
	int fd, r;

	lk->fd = -1;
	r = mkrundir(err);
	if (r < 0)
		return r;
	path(p, sizeof(p), "lock");
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		return uw_error_set(err, -e, "Cannot open the lock file %s: %s%s", p, strerror(e),
				    e == EACCES || e == EPERM ? " (changing the network needs root: run with sudo)" : "");
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		ssize_t n = pread(fd, pidbuf, sizeof(pidbuf) - 1, 0);
		close(fd);
		if (n > 0) {
			pidbuf[n] = '\0';
			pidbuf[strcspn(pidbuf, "\n")] = '\0';
		}
		if (e == EWOULDBLOCK)
			return uw_error_set(err, -EBUSY, "Another usbnet-wizard%s%s%s is changing the network "
					    "right now; wait for it to finish (or quit it), then try again.",
					    pidbuf[0] ? " (pid " : "", pidbuf, pidbuf[0] ? ")" : "");
		return uw_error_set(err, -e, "Cannot lock %s: %s%s", p, strerror(e),
				    e == EACCES || e == EPERM ? " (changing the network needs root: run with sudo)" : "");
	}
	{
		int n = snprintf(pidbuf, sizeof(pidbuf), "%ld\n", (long)getpid());
		struct stat st;

		/* Overwritten in place; truncated only when the last pid was
		 * longer (a truncation is a journaled metadata change on a disk
		 * file system, milliseconds on a busy one). */
		if (pwrite(fd, pidbuf, (size_t)n, 0) == n && fstat(fd, &st) == 0 && st.st_size > n &&
		    ftruncate(fd, n) < 0) {
			/* the pid is only a courtesy for the next one's message */
		}
	}
	lk->fd = fd;
	return 0;
}

int uw_lock_take_wait(struct uw_lock *lk, int timeout_ms, struct uw_error *err)
{
	for (int waited = 0;; waited += 50) {
		int r = uw_lock_take(lk, err);
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (r != -EBUSY || (timeout_ms >= 0 && waited >= timeout_ms))
			return r;
		nanosleep(&ts, NULL);
	}
}

void uw_lock_release(struct uw_lock *lk)
{
	if (lk && lk->fd >= 0) {
		close(lk->fd);
		lk->fd = -1;
	}
}

/*
 * The start of every journal transaction: the lock (@held when the caller
 * already holds it, else taken into @own, waiting up to @wait_ms when > 0),
 * then the journal into @j. Returns 0 or a negative errno; the lock is
 * left to the caller to release either way.
 */
static int lock_and_read(struct uw_lock *held, struct uw_lock *own, int wait_ms, struct uw_journal *j,
			 struct uw_error *err)
{
	int r = 0;

	if (!held || held->fd < 0)
		r = wait_ms > 0 ? uw_lock_take_wait(own, wait_ms, err) : uw_lock_take(own, err);
	return r < 0 ? r : uw_journal_read(j, err);
}

int uw_live_choices(struct uw_choices *out, char *why, size_t why_len)
{
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	struct uw_error e;
	char w[800];
	int r = 0;

	uw_error_clear(&e);
	if (uw_journal_read(j, &e) < 0)
		snprintf(w, sizeof(w), "the live setup could not be read (%s), so the defaults and the "
			 "options given are used", e.msg);
	else if (j->n_live == 0)
		snprintf(w, sizeof(w), "no setup by usbnet-wizard is live, so the defaults and the options "
			 "given are used");
	else if (!j->have_choices)
		snprintf(w, sizeof(w), "the live setup's journal does not record its choices (an older "
			 "version wrote it), so the defaults and the options given are used");
	else {
		*out = j->choices;
		r = 1;
		snprintf(w, sizeof(w), "the live setup's (from its journal in %s), with the options given "
			 "on top", uw_rundir());
	}
	if (why && why_len)
		snprintf(why, why_len, "%s", w);
	free(j);
	return r;
}

/* ---- apply / revert ----------------------------------------------------- */

static void emit(uw_step_fn cb, void *ud, size_t i, const struct uw_action *a, enum uw_step_event ev,
		 const struct uw_error *err)
{
	if (cb)
		cb(ud, i, a, ev, err);
}

/* The end (exclusive) of the run of firewall steps of one backend starting at @i. */
static size_t fw_run_end(const struct uw_action *acts, size_t i, size_t n)
{
	size_t j = i;

	while (j < n && acts[j].kind == UW_ACT_FW && acts[j].fw == acts[i].fw)
		j++;
	return j;
}

/* The start of the run of firewall steps of one backend ending at @k. */
static size_t fw_run_start(const struct uw_action *acts, size_t k)
{
	size_t j = k;

	while (j > 0 && acts[j - 1].kind == UW_ACT_FW && acts[j - 1].fw == acts[k].fw)
		j--;
	return j;
}

/*
 * Undo the firewall steps acts[j..k] in one transaction (nftables: one
 * batch, which also deletes our table when it empties; legacy: one commit
 * per table). Returns the number undone; *failed grows by those that
 * could not be.
 */
static int undo_fw_run(struct uw_journal_writer *jw, const struct uw_action *acts, const long *seqs,
		       const size_t *idx, size_t j, size_t k, uw_step_fn cb, void *ud,
		       struct uw_error *err, size_t *failed)
{
	size_t m = k - j + 1;
	struct uw_fw_rule *rules = uw_malloc0(sizeof(*rules) * m);
	int *res = uw_malloc0(sizeof(*res) * m);
	char **recs = uw_malloc0(sizeof(*recs) * m);
	struct uw_error e;
	int r, done = 0;

	uw_error_clear(&e);
	if (fault_in("kill-revert-before", j + 1, k + 1))
		raise(SIGKILL);
	for (size_t q = k + 1; q-- > j;) {
		rules[q - j] = acts[q].rule;
		emit(cb, ud, idx ? idx[q] : q, &acts[q], UW_STEP_UNDOING, NULL);
	}
	r = uw_fw_rules_del(acts[j].fw, rules, m, res, &e);
	if (r < 0) {
		for (size_t q = k + 1; q-- > j;)
			emit(cb, ud, idx ? idx[q] : q, &acts[q], UW_STEP_UNDO_FAILED, &e);
		*failed += m;
		if (err && err->code == 0)
			*err = e;
		goto out;
	}
	for (size_t q = 0; q < m; q++)
		recs[q] = uw_strdup_printf("U %ld", seqs[k - q]);
	if (uw_journal_writer_lines(jw, recs, m, &e) < 0) {
		/* The changes are undone; a later revert finds them gone and is content. */
	}
	for (size_t q = k + 1; q-- > j;) {
		emit(cb, ud, idx ? idx[q] : q, &acts[q], res[q - j] ? UW_STEP_GONE : UW_STEP_UNDONE,
		     NULL);
		done++;
	}
out:
	for (size_t q = 0; q < m; q++)
		free(recs[q]);
	free(recs);
	free(res);
	free(rules);
	return done;
}

/* Undo @n steps (@acts with journal seqs @seqs), newest first; a run of
 * firewall steps goes in one transaction. */
static int undo_steps(struct uw_journal_writer *jw, const struct uw_action *acts, const long *seqs, const size_t *idx,
		      size_t n, uw_step_fn cb, void *ud, struct uw_error *err, size_t *failed)
{
	int done = 0;

	*failed = 0;
	for (size_t k = n; k-- > 0;) {
		struct uw_error e;
		char rec[32];

		if (acts[k].kind == UW_ACT_FW) {
			size_t j = fw_run_start(acts, k);

			done += undo_fw_run(jw, acts, seqs, idx, j, k, cb, ud, err, failed);
			k = j;
			continue;
		}
		uw_error_clear(&e);
		if (fault("kill-revert-before", k + 1))
			raise(SIGKILL);
		emit(cb, ud, idx ? idx[k] : k, &acts[k], UW_STEP_UNDOING, NULL);
		int r = uw_action_revert(&acts[k], &e);

		if (r < 0) {
			(*failed)++;
			emit(cb, ud, idx ? idx[k] : k, &acts[k], UW_STEP_UNDO_FAILED, &e);
			if (err && err->code == 0)
				*err = e;
			continue;
		}
		snprintf(rec, sizeof(rec), "U %ld", seqs[k]);
		if (uw_journal_writer_line(jw, rec, &e) < 0) {
			/* The change is undone; a later revert finds it gone and is content. */
		}
		emit(cb, ud, idx ? idx[k] : k, &acts[k], r > 0 ? UW_STEP_GONE : UW_STEP_UNDONE, NULL);
		done++;
	}
	return done;
}

static int iface_gone(const struct uw_plan *plan, struct uw_error *err)
{
	return uw_error_set(err, -ENODEV, "The phone's interface %s disappeared (was the cable "
			    "pulled, or the phone rebooted?).", plan->choices.iface);
}

/*
 * Apply the firewall steps [first, end) of @plan as one transaction: one
 * probe of all of them, the ones not in place journaled together (one
 * write), then one atomic change (nftables: one batch, all or nothing;
 * legacy: one commit per table), then their "done" records together. A
 * fault (USBNET_WIZARD_FAULT) naming any step of the run hits the run.
 * On error *fi is the step it is about; the steps journaled are in made[]
 * for the caller's rollback.
 */
static int apply_fw_run(const struct uw_plan *plan, int ifindex, size_t first, size_t end,
			struct uw_journal_writer *jw, long *seq, struct uw_action *made, long *seqs, size_t *idx,
			size_t *n_made, uw_step_fn cb, void *ud, size_t *fi, struct uw_error *err)
{
	size_t m = end - first, k = 0, base = *n_made, bad = 0;
	enum uw_fw_backend be = plan->actions[first].fw;
	struct uw_fw_rule *rules = uw_malloc0(sizeof(*rules) * m);
	int *present = uw_malloc0(sizeof(*present) * m);
	int *res = uw_malloc0(sizeof(*res) * m);
	size_t *which = uw_malloc0(sizeof(*which) * m);   /* step of rules[k] */
	char **recs = uw_malloc0(sizeof(*recs) * m);
	int p;

	*fi = first;
	for (size_t i = first; i < end; i++)
		emit(cb, ud, i, &plan->actions[i], UW_STEP_START, NULL);
	if (fault_in("stop-before", first + 1, end))
		raise(SIGSTOP);
	if (uw_nl_link_index(plan->choices.iface, NULL) != ifindex) {
		p = iface_gone(plan, err);
		goto out;
	}
	for (size_t i = first; i < end; i++)
		rules[i - first] = plan->actions[i].rule;
	p = uw_fw_rules_probe(be, rules, m, present, err);
	if (p < 0)
		goto out;
	/* Write-ahead: every step not in place, in one record write. */
	for (size_t i = first; i < end; i++) {
		char line[1024];

		if (present[i - first]) {
			emit(cb, ud, i, &plan->actions[i], UW_STEP_ALREADY, NULL);
			continue;
		}
		if (uw_action_to_line(&plan->actions[i], line, sizeof(line)) < 0) {
			*fi = i;
			p = uw_error_set(err, -ENOSPC, "internal: journal line too long");
			goto out;
		}
		recs[k] = uw_strdup_printf("B %ld %s", *seq + (long)k, line);
		rules[k] = plan->actions[i].rule;
		which[k++] = i;
	}
	if (k == 0)
		goto out;
	p = uw_journal_writer_lines(jw, recs, k, err);
	if (p < 0)
		goto out;
	for (size_t q = 0; q < k; q++) {
		made[*n_made] = plan->actions[which[q]];
		seqs[*n_made] = (*seq)++;
		idx[*n_made] = which[q];
		(*n_made)++;
	}
	if (fault_in("kill-after-begin", first + 1, end))
		raise(SIGKILL);
	for (size_t q = 0; q < k; q++)
		if (fault("fail", which[q] + 1)) {
			*fi = which[q];
			p = uw_error_set(err, -EIO, "simulated failure (USBNET_WIZARD_FAULT)");
			goto out;
		}
	p = uw_fw_rules_add(be, rules, k, res, &bad, err);
	if (p < 0) {
		*fi = which[bad < k ? bad : 0];
		goto out;
	}
	/* Done records for the steps made, undo records for those someone
	 * else put there between the probe and the change (not ours to undo). */
	for (size_t q = 0; q < k; q++) {
		free(recs[q]);
		recs[q] = uw_strdup_printf("%c %ld", res[q] ? 'U' : 'D', seqs[base + q]);
	}
	uw_journal_writer_lines(jw, recs, k, NULL);
	for (size_t q = 0, w = base; q < k; q++) {
		emit(cb, ud, which[q], &plan->actions[which[q]], res[q] ? UW_STEP_ALREADY : UW_STEP_DONE,
		     NULL);
		if (!res[q])
			made[w] = made[base + q], seqs[w] = seqs[base + q], idx[w] = idx[base + q], w++;
		if (q == k - 1)
			*n_made = w;
	}
	if (fault_in("kill-after-apply", first + 1, end))
		raise(SIGKILL);
out:
	for (size_t q = 0; q < m; q++)
		free(recs[q]);
	free(recs);
	free(which);
	free(res);
	free(present);
	free(rules);
	return p < 0 ? p : 0;
}

/* Start the automatic revert's timer and journal it, before any change. */
static int arm_timer(struct uw_journal_writer *jw, int seconds, long long *deadline_ms, long *pid, long long *start,
		     struct uw_error *err)
{
	char rec[128];
	int r;

	*deadline_ms = uw_autorevert_now_ms() + seconds * 1000LL;
	r = uw_autorevert_start(*deadline_ms, pid, start, err);
	if (r < 0) {
		uw_error_prefix(err, "Nothing was changed");
		return r;
	}
	snprintf(rec, sizeof(rec), "A %ld %lld %lld", *pid, *start, *deadline_ms);
	r = uw_journal_writer_line(jw, rec, err);
	if (r < 0)
		uw_autorevert_stop(*pid, *start);
	return r;
}

static int apply_impl(const struct uw_plan *plan, struct uw_lock *lk, int seconds, long long *deadline_ms,
		      uw_step_fn cb, void *ud, struct uw_error *err)
{
	long ar_pid = 0;
	long long ar_start = -1, ar_deadline = 0;
	struct uw_lock own = { .fd = -1 };
	struct uw_journal *old = uw_malloc0(sizeof(*old));
	struct uw_action *made = uw_malloc0(sizeof(*made) * UW_PLAN_MAX_ACTIONS);
	long seqs[UW_PLAN_MAX_ACTIONS];
	size_t idx[UW_PLAN_MAX_ACTIONS], n_made = 0;
	struct uw_journal_writer jw = { .fd = -1 };
	bool fresh = false, choices_written = false;
	long seq;
	int r, ifindex;

	r = lock_and_read(lk, &own, 0, old, err);
	if (r < 0) {
		/* (a lock refused says so itself) */
		if (own.fd >= 0 || (lk && lk->fd >= 0))
			uw_error_prefix(err, "Nothing was changed");
		goto out;
	}
	if (old->other_netns) {
		r = uw_error_set(err, -EXDEV, "The journal in %s was written in another network namespace; "
				 "nothing was changed. Use another USBNET_WIZARD_RUNDIR there.", uw_rundir());
		goto out;
	}
	/* Nothing of ours is live: an empty table of ours is what a killed revert left. */
	if (old->n_live == 0)
		uw_fw_drop_empty_table(NULL);
	/* An earlier, different setup still live: it must be reverted first. A
	 * live "NetworkManager leaves IF alone" step does not make a setup
	 * different: once made, the plan no longer needs it (NetworkManager
	 * already leaves the interface alone), and it stays live until revert. */
	for (size_t i = 0; i < old->n_live; i++) {
		bool found = old->live[i].kind == UW_ACT_NM_UNMANAGE;
		char d[256];

		for (size_t k = 0; k < plan->n && !found; k++)
			found = uw_action_same(&old->live[i], &plan->actions[k]);
		if (!found) {
			uw_action_describe(&old->live[i], d, sizeof(d));
			r = uw_error_set(err, -EALREADY, "An earlier setup by usbnet-wizard is still in place and "
					 "differs from this one (for example: \"%s\"). Nothing was changed: run "
					 "'usbnet-wizard revert' first, then apply again.", d);
			goto out;
		}
	}
	/* Its revert would undo the earlier setup too, which was never on trial. */
	if (seconds > 0 && old->n_live > 0) {
		r = uw_error_set(err, -EALREADY, "Changes by usbnet-wizard are already in place; an "
				 "automatic revert would undo those as well. Nothing was changed: run "
				 "'usbnet-wizard revert' first, or apply without the automatic revert.");
		goto out;
	}
	/*
	 * The phone's interface must stay the same one all through: a cable
	 * pulled mid-apply takes it away, and a replug brings a new one (new
	 * ifindex, maybe a new name). Either way the rest of the plan would
	 * configure a phone that is not there.
	 */
	ifindex = uw_nl_link_index(plan->choices.iface, err);
	if (ifindex < 0) {
		r = ifindex;
		uw_error_prefix(err, "Nothing was changed");
		goto out;
	}
	r = uw_journal_writer_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	seq = old->next_seq;
	/* The timer is journaled before the first change: from then on, whatever
	 * becomes of this process, the revert happens at the deadline. */
	if (seconds > 0) {
		r = arm_timer(&jw, seconds, &ar_deadline, &ar_pid, &ar_start, err);
		if (r < 0) {
			uw_journal_writer_close(&jw);
			uw_journal_remove();   /* nothing was live (checked above) */
			goto out;
		}
	}

	for (size_t i = 0; i < plan->n; i++) {
		struct uw_action a = plan->actions[i];
		char line[1024], rec[1100];
		size_t fi = i;    /* the failing step, for the message */
		int p;

		if (a.kind == UW_ACT_FW) {
			size_t end = fw_run_end(plan->actions, i, plan->n);

			p = apply_fw_run(plan, ifindex, i, end, &jw, &seq, made, seqs, idx, &n_made, cb,
					 ud, &fi, err);
			if (p < 0) {
				a = plan->actions[fi];
				goto fail;
			}
			i = end - 1;
			continue;
		}
		emit(cb, ud, i, &a, UW_STEP_START, NULL);
		if (fault("stop-before", i + 1))
			raise(SIGSTOP);
		p = uw_nl_link_index(plan->choices.iface, NULL);
		if (p != ifindex) {
			p = iface_gone(plan, err);
			goto fail;
		}
		p = uw_action_probe(&a, err);
		if (p < 0)
			goto fail;
		if (p == 1) {
			emit(cb, ud, i, &a, UW_STEP_ALREADY, NULL);
			continue;
		}
		/*
		 * A live step of ours that something else undid (ip_forward switched
		 * off, a rule flushed), made again (doctor --fix): its journal entry
		 * already holds the prior state revert must restore, the one from
		 * before usbnet-wizard. Apply it under that entry: a second entry
		 * would list the step twice and capture our own earlier value.
		 */
		{
			size_t oi = old->n_live;

			for (size_t k = 0; k < old->n_live && oi == old->n_live; k++)
				if (uw_action_same(&old->live[k], &a))
					oi = k;
			if (oi < old->n_live) {
				a = old->live[oi];
				made[n_made] = a;
				seqs[n_made] = old->seq[oi];
				idx[n_made] = i;
				n_made++;
				p = uw_action_apply(&a, err);
				if (p == -EEXIST) {
					uw_error_clear(err);
					n_made--;       /* in place after all: the entry stays as it was */
					emit(cb, ud, i, &a, UW_STEP_ALREADY, NULL);
					continue;
				}
				if (p < 0)
					goto fail;
				if (!old->complete[oi]) {
					snprintf(rec, sizeof(rec), "D %ld", old->seq[oi]);
					uw_journal_writer_line(&jw, rec, NULL);
				}
				emit(cb, ud, i, &a, UW_STEP_DONE, NULL);
				continue;
			}
		}
		r = uw_action_capture(&a, err);
		if (r < 0) {
			p = r;
			goto fail;
		}
		/* Write-ahead: the step and its prior state, before the kernel is touched. */
		if (uw_action_to_line(&a, line, sizeof(line)) < 0) {
			p = uw_error_set(err, -ENOSPC, "internal: journal line too long");
			goto fail;
		}
		if (!choices_written) {
			char crec[1024];

			/* Before this run's first change. Not needed to undo anything: a
			 * journal without it still reverts. */
			if (uw_journal_choices_record(&plan->choices, crec, sizeof(crec)) == 0)
				uw_journal_writer_line(&jw, crec, NULL);
			choices_written = true;
		}
		snprintf(rec, sizeof(rec), "B %ld %s", seq, line);
		p = uw_journal_writer_line(&jw, rec, err);
		if (p < 0)
			goto fail;
		made[n_made] = a;
		seqs[n_made] = seq;
		idx[n_made] = i;
		n_made++;
		seq++;
		if (fault("kill-after-begin", i + 1))
			raise(SIGKILL);
		if (fault("fail", i + 1))
			p = uw_error_set(err, -EIO, "simulated failure (USBNET_WIZARD_FAULT)");
		else
			p = uw_action_apply(&a, err);
		if (p == -EEXIST) {
			/* Raced with someone, or the probe could not see it: not ours to undo. */
			uw_error_clear(err);
			n_made--;
			snprintf(rec, sizeof(rec), "U %ld", seqs[n_made]);
			uw_journal_writer_line(&jw, rec, NULL);
			emit(cb, ud, i, &a, UW_STEP_ALREADY, NULL);
			continue;
		}
		if (p < 0)
			goto fail;
		snprintf(rec, sizeof(rec), "D %ld", seqs[n_made - 1]);
		uw_journal_writer_line(&jw, rec, NULL);
		emit(cb, ud, i, &a, UW_STEP_DONE, NULL);
		if (fault("kill-after-apply", i + 1))
			raise(SIGKILL);
		continue;
fail:
		{
			struct uw_error step_err = *err, rb;
			char d[256];
			size_t failed;

			emit(cb, ud, fi, &a, UW_STEP_FAILED, err);
			uw_error_clear(&rb);
			undo_steps(&jw, made, seqs, idx, n_made, cb, ud, &rb, &failed);
			uw_action_describe(&a, d, sizeof(d));
			if (failed)
				uw_error_set(err, p, "Step %zu (%s) failed: %s Rolling back did not fully work: %s "
					     "Run 'usbnet-wizard revert' to try again.", fi + 1, d, step_err.msg, rb.msg);
			else
				uw_error_set(err, p, "Step %zu (%s) failed: %s %s", fi + 1, d, step_err.msg,
					     n_made ? "The steps before it were undone; the desktop is as it was." :
					     "Nothing had been changed.");
			r = p;
			uw_journal_writer_close(&jw);
			/* Everything of this run undone, nothing live from before. */
			if (old->n_live == 0 && !failed) {
				uw_journal_remove();
				uw_autorevert_stop(ar_pid, ar_start);
			}
			/* (else a timer stays journaled and tries the revert again at its deadline) */
			goto out;
		}
	}
	r = 0;
	uw_journal_writer_close(&jw);
	/* Every step was already in place and nothing was live before. */
	if (old->n_live == 0 && n_made == 0) {
		uw_journal_remove();
		uw_autorevert_stop(ar_pid, ar_start);
		ar_deadline = 0;    /* nothing to wait for */
	}
	if (deadline_ms)
		*deadline_ms = ar_deadline;
out:
	uw_journal_writer_close(&jw);
	uw_lock_release(&own);
	free(made);
	free(old);
	return r;
}

int uw_apply(const struct uw_plan *plan, struct uw_lock *lk, uw_step_fn cb, void *ud, struct uw_error *err)
{
	return apply_impl(plan, lk, 0, NULL, cb, ud, err);
}

int uw_apply_try(const struct uw_plan *plan, int seconds, long long *deadline_ms, uw_step_fn cb,
		 void *ud, struct uw_error *err)
{
	*deadline_ms = 0;
	if (seconds < 1 || seconds > UW_AUTOREVERT_MAX_SECONDS)
		return uw_error_set(err, -EINVAL, "The automatic revert's delay must be 1 to %d seconds "
				    "(it was %d). Nothing was changed.", UW_AUTOREVERT_MAX_SECONDS, seconds);
	return apply_impl(plan, NULL, seconds, deadline_ms, cb, ud, err);
}

int uw_revert(struct uw_lock *lk, uw_step_fn cb, void *ud, struct uw_error *err)
{
	struct uw_lock own = { .fd = -1 };
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	struct uw_journal_writer jw = { .fd = -1 };
	bool fresh;
	size_t failed = 0;
	int r, done = 0;

	r = lock_and_read(lk, &own, 0, j, err);
	if (r < 0)
		goto out;
	if (!j->exists) {
		/* A revert killed after its last record may still have left our empty table. */
		uw_fw_drop_empty_table(NULL);
		r = 0;
		goto out;
	}
	if (j->other_netns) {
		r = uw_error_set(err, -EXDEV, "The journal in %s was written in another network namespace; "
				 "it was left alone.", uw_rundir());
		goto out;
	}
	r = uw_journal_writer_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	/* A revert by hand during an automatic revert's countdown: its timer
	 * stands down (the automatic one itself calls this too, and goes on). */
	if (j->ar_armed && !j->ar_kept && j->ar_pid != (long)getpid()) {
		char rec[32];

		snprintf(rec, sizeof(rec), "K %ld", j->ar_pid);
		uw_journal_writer_line(&jw, rec, NULL);
		uw_autorevert_stop(j->ar_pid, j->ar_start);
	}
	uw_error_clear(err);
	done = undo_steps(&jw, j->live, j->seq, NULL, j->n_live, cb, ud, err, &failed);
	uw_journal_writer_close(&jw);
	if (failed) {
		r = err && err->code ? err->code : -EIO;
		uw_error_prefix(err, "%zu step(s) could not be undone and stay in the journal for another "
				"'usbnet-wizard revert'", failed);
		goto out;
	}
	/*
	 * A revert killed between deleting our last nftables rule and our
	 * table left the table empty; whatever the journal said, finish that.
	 */
	uw_fw_drop_empty_table(NULL);
	uw_journal_remove();
	r = done;
out:
	uw_journal_writer_close(&jw);
	uw_lock_release(&own);
	free(j);
	return r;
}

void uw_plan_prior_from_journal(struct uw_plan *plan)
{
	_auto_(free) struct uw_journal *j = uw_malloc0(sizeof(*j));

	if (uw_journal_read(j, NULL) < 0)
		return;
	for (size_t i = 0; i < plan->n; i++) {
		struct uw_action *a = &plan->actions[i];

		if (a->kind != UW_ACT_SYSCTL)
			continue;
		for (size_t k = 0; k < j->n_live; k++)
			if (uw_action_same(a, &j->live[k]) && j->live[k].old_value[0])
				uw_strlcpy(a->old_value, j->live[k].old_value, sizeof(a->old_value));
	}
}

/* ---- the automatic revert's journal side (core/autorevert.h) ------------- */

/* The lock, waited for while a revert may be running (the timer's, seconds at most). */
#define AR_LOCK_WAIT_MS 30000

int uw_autorevert_confirm(struct uw_error *err)
{
	struct uw_lock lk = { .fd = -1 };
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	struct uw_journal_writer jw = { .fd = -1 };
	bool fresh;
	char rec[32];
	int r;

	r = lock_and_read(NULL, &lk, AR_LOCK_WAIT_MS, j, err);
	if (r < 0)
		goto out;
	if (!j->exists || j->n_live == 0) {
		r = uw_error_set(err, -ENOENT, "No changes by usbnet-wizard are in place, so there is nothing "
				 "to keep: an automatic revert that was pending has already undone them "
				 "(apply again to set it up).");
		goto out;
	}
	if (!j->ar_armed || j->ar_kept) {
		uw_error_set(err, 0, "No automatic revert is pending: the changes stay in place "
			     "('usbnet-wizard revert' undoes them).");
		r = 1;
		goto out;
	}
	r = uw_journal_writer_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	/* Journaled first, under the lock the timer decides under: from this
	 * record on, it stands down even if the signal below never reaches it. */
	snprintf(rec, sizeof(rec), "K %ld", j->ar_pid);
	r = uw_journal_writer_line(&jw, rec, err);
	if (r < 0)
		goto out;
	uw_autorevert_stop(j->ar_pid, j->ar_start);
	r = 0;
out:
	uw_journal_writer_close(&jw);
	uw_lock_release(&lk);
	free(j);
	return r;
}

int uw_autorevert_expire(uw_step_fn cb, void *ud, struct uw_error *err)
{
	struct uw_lock lk = { .fd = -1 };
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	int r;

	r = lock_and_read(NULL, &lk, AR_LOCK_WAIT_MS, j, err);
	if (r < 0)
		goto out;
	if (j->exists && j->ar_armed && j->ar_kept)
		r = uw_error_set(err, -ECANCELED, "The changes were confirmed ('usbnet-wizard confirm'), so "
				 "they stay in place.");
	else if (j->exists && (j->n_live > 0 || j->ar_armed))
		r = uw_revert(&lk, cb, ud, err);
	else
		r = 0;  /* the timer was first */
out:
	uw_lock_release(&lk);
	free(j);
	return r;
}
