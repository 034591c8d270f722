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

#include "core/nl.h"
#include "core/util.h"

#define JOURNAL_MAGIC "usbnet-wizard-journal 1"
/* What to do about a journal we cannot trust (said after the problem). */
#define JOURNAL_UNUSABLE " Its 'B' lines are the changes made (with the shell command that " \
	"undoes each in 'usbnet-wizard plan'); undo those by hand, then move the file aside " \
	"(sudo mv %s %s.bad) and run again."

const char *uw_rundir(void)
{
	const char *d = getenv("USBNET_WIZARD_RUNDIR");
	return d && *d ? d : "/run/usbnet-wizard";
}

static void path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", uw_rundir(), name);
}

static unsigned long netns_ino(void)
{
	struct stat st;
	return stat("/proc/self/ns/net", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

/*
 * Fault injection for the crash and rollback tests only
 * (USBNET_WIZARD_FAULT=WHAT:N, see docs/testing.md). Unset in real use.
 */
static bool fault(const char *what, size_t step)
{
	const char *f = getenv("USBNET_WIZARD_FAULT");
	size_t wl = strlen(what);

	if (!f || strncmp(f, what, wl) || f[wl] != ':')
		return false;
	return (size_t)atoi(f + wl + 1) == step;
}

static int mkrundir(struct uw_error *err)
{
	const char *d = uw_rundir();

	if (mkdir(d, 0700) < 0 && errno != EEXIST) {
		int e = errno;
		return uw_error_set(err, -e, "Cannot create the runtime directory %s: %s%s", d, strerror(e),
				    e == EACCES || e == EPERM ? " (changing the network needs root: run with sudo)" : "");
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
	if (ftruncate(fd, 0) == 0) {
		int n = snprintf(pidbuf, sizeof(pidbuf), "%ld\n", (long)getpid());
		if (pwrite(fd, pidbuf, (size_t)n, 0) < 0) {
			/* the pid is only a courtesy for the next one's message */
		}
	}
	lk->fd = fd;
	return 0;
}

void uw_lock_release(struct uw_lock *lk)
{
	if (lk && lk->fd >= 0) {
		close(lk->fd);
		lk->fd = -1;
	}
}

/* ---- journal ------------------------------------------------------------ */

struct jw {
	int fd;
};

static int jw_line(struct jw *j, const char *line, struct uw_error *err)
{
	size_t n = strlen(line);
	char *buf = uw_malloc0(n + 2);
	ssize_t w;

	memcpy(buf, line, n);
	buf[n] = '\n';
	/* One write() per record with O_APPEND: a record is there whole or not at all. */
	w = write(j->fd, buf, n + 1);
	free(buf);
	if (w != (ssize_t)(n + 1) || fdatasync(j->fd) < 0) {
		int e = w < 0 ? errno : ENOSPC;
		return uw_error_set(err, -e, "Cannot write the journal in %s (%s): nothing more is changed, "
				    "so that every change can still be undone. Free some space or fix the "
				    "directory, then try again.", uw_rundir(), strerror(e));
	}
	return 0;
}

static int jw_open(struct jw *j, bool *fresh, struct uw_error *err)
{
	char p[512], hdr[256];
	struct stat st;
	int r;

	path(p, sizeof(p), "journal");
	j->fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		int e = errno;
		return uw_error_set(err, -e, "Cannot open the journal %s (%s): nothing was changed.", p, strerror(e));
	}
	*fresh = fstat(j->fd, &st) == 0 && st.st_size == 0;
	if (*fresh) {
		snprintf(hdr, sizeof(hdr), JOURNAL_MAGIC "\nnetns %lu\nstarted %lld pid %ld",
			 netns_ino(), (long long)time(NULL), (long)getpid());
		r = jw_line(j, hdr, err);
		if (r < 0) {
			close(j->fd);
			unlink(p);
			return r;
		}
	}
	return 0;
}

static void jw_close(struct jw *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

static void journal_remove(void)
{
	char p[512];
	path(p, sizeof(p), "journal");
	unlink(p);
}

int uw_journal_read(struct uw_journal *j, struct uw_error *err)
{
	char p[512];
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long ino = 0;
	long *seqs = j->seq;
	int lineno = 0, r = 0;

	memset(j, 0, sizeof(*j));
	j->next_seq = 1;
	path(p, sizeof(p), "journal");
	f = fopen(p, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		int e = errno;
		return uw_error_set(err, -e, "Cannot read the journal %s: %s%s", p, strerror(e),
				    e == EACCES || e == EPERM ? " (changing the network needs root: run with sudo)" : "");
	}
	j->exists = true;
	while ((n = getline(&line, &cap, f)) > 0) {
		long seq;
		int off = 0;

		lineno++;
		if (line[n - 1] != '\n')
			break;          /* a torn last record: never written whole, so never acted on */
		line[n - 1] = '\0';
		if (lineno == 1) {
			if (strcmp(line, JOURNAL_MAGIC)) {
				r = uw_error_set(err, -EBADMSG, "%s is not a usbnet-wizard journal (or a newer "
						 "version's); it was left alone." JOURNAL_UNUSABLE, p, p, p);
				break;
			}
			continue;
		}
		if (sscanf(line, "netns %lu", &ino) == 1)
			continue;
		if (sscanf(line, "started %lld pid %ld", &j->started, &j->pid) == 2)
			continue;
		if (sscanf(line, "B %ld %n", &seq, &off) == 1 && off > 0) {
			if (j->n_live >= UW_JOURNAL_MAX) {
				r = uw_error_set(err, -E2BIG, "The journal %s holds too many steps; it was "
						 "left alone." JOURNAL_UNUSABLE, p, p, p);
				break;
			}
			r = uw_action_from_line(line + off, &j->live[j->n_live], err);
			if (r < 0)
				break;
			seqs[j->n_live] = seq;
			if (seq >= j->next_seq)
				j->next_seq = seq + 1;
			j->complete[j->n_live] = false;
			j->n_live++;
			continue;
		}
		if (sscanf(line, "D %ld", &seq) == 1 || sscanf(line, "U %ld", &seq) == 1) {
			bool undone = line[0] == 'U';
			for (size_t i = 0; i < j->n_live; i++) {
				if (seqs[i] != seq)
					continue;
				if (undone) {
					memmove(&j->live[i], &j->live[i + 1], (j->n_live - i - 1) * sizeof(j->live[0]));
					memmove(&seqs[i], &seqs[i + 1], (j->n_live - i - 1) * sizeof(seqs[0]));
					memmove(&j->complete[i], &j->complete[i + 1],
						(j->n_live - i - 1) * sizeof(j->complete[0]));
					j->n_live--;
				} else {
					j->complete[i] = true;
				}
				break;
			}
			continue;
		}
		r = uw_error_set(err, -EBADMSG, "The journal %s is damaged at line %d; it was left alone."
				 JOURNAL_UNUSABLE, p, lineno, p, p);
		break;
	}
	free(line);
	fclose(f);
	if (r == 0 && ino && ino != netns_ino())
		j->other_netns = true;
	return r;
}

/* ---- apply / revert ----------------------------------------------------- */

static void emit(uw_step_fn cb, void *ud, size_t i, const struct uw_action *a, enum uw_step_event ev,
		 const struct uw_error *err)
{
	if (cb)
		cb(ud, i, a, ev, err);
}

/* Undo @n steps (@acts with journal seqs @seqs), newest first. */
static int undo_steps(struct jw *jw, const struct uw_action *acts, const long *seqs, const size_t *idx,
		      size_t n, uw_step_fn cb, void *ud, struct uw_error *err, size_t *failed)
{
	int done = 0;

	*failed = 0;
	for (size_t k = n; k-- > 0;) {
		struct uw_error e;
		char rec[32];

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
		if (jw_line(jw, rec, &e) < 0) {
			/* The change is undone; a later revert finds it gone and is content. */
		}
		emit(cb, ud, idx ? idx[k] : k, &acts[k], r > 0 ? UW_STEP_GONE : UW_STEP_UNDONE, NULL);
		done++;
	}
	return done;
}

int uw_apply(const struct uw_plan *plan, struct uw_lock *lk, uw_step_fn cb, void *ud, struct uw_error *err)
{
	struct uw_lock own = { .fd = -1 };
	struct uw_journal *old = uw_malloc0(sizeof(*old));
	struct uw_action *made = uw_malloc0(sizeof(*made) * UW_PLAN_MAX_ACTIONS);
	long seqs[UW_PLAN_MAX_ACTIONS];
	size_t idx[UW_PLAN_MAX_ACTIONS], n_made = 0;
	struct jw jw = { .fd = -1 };
	bool fresh = false;
	long seq;
	int r, ifindex;

	if (!lk || lk->fd < 0) {
		r = uw_lock_take(&own, err);
		if (r < 0)
			goto out;
	}
	r = uw_journal_read(old, err);
	if (r < 0) {
		uw_error_prefix(err, "Nothing was changed");
		goto out;
	}
	if (old->other_netns) {
		r = uw_error_set(err, -EXDEV, "The journal in %s was written in another network namespace; "
				 "nothing was changed. Use another USBNET_WIZARD_RUNDIR there.", uw_rundir());
		goto out;
	}
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
	r = jw_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	seq = old->next_seq;

	for (size_t i = 0; i < plan->n; i++) {
		struct uw_action a = plan->actions[i];
		char line[1024], rec[1100];
		int p;

		emit(cb, ud, i, &a, UW_STEP_START, NULL);
		if (fault("stop-before", i + 1))
			raise(SIGSTOP);
		p = uw_nl_link_index(plan->choices.iface, NULL);
		if (p != ifindex) {
			p = uw_error_set(err, -ENODEV, "The phone's interface %s disappeared (was the cable "
					 "pulled, or the phone rebooted?).", plan->choices.iface);
			goto fail;
		}
		p = uw_action_probe(&a, err);
		if (p < 0)
			goto fail;
		if (p == 1) {
			emit(cb, ud, i, &a, UW_STEP_ALREADY, NULL);
			continue;
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
		snprintf(rec, sizeof(rec), "B %ld %s", seq, line);
		p = jw_line(&jw, rec, err);
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
			jw_line(&jw, rec, NULL);
			emit(cb, ud, i, &a, UW_STEP_ALREADY, NULL);
			continue;
		}
		if (p < 0)
			goto fail;
		snprintf(rec, sizeof(rec), "D %ld", seqs[n_made - 1]);
		jw_line(&jw, rec, NULL);
		emit(cb, ud, i, &a, UW_STEP_DONE, NULL);
		if (fault("kill-after-apply", i + 1))
			raise(SIGKILL);
		continue;
fail:
		{
			struct uw_error step_err = *err, rb;
			char d[256];
			size_t failed;

			emit(cb, ud, i, &a, UW_STEP_FAILED, err);
			uw_error_clear(&rb);
			undo_steps(&jw, made, seqs, idx, n_made, cb, ud, &rb, &failed);
			uw_action_describe(&a, d, sizeof(d));
			if (failed)
				uw_error_set(err, p, "Step %zu (%s) failed: %s Rolling back did not fully work: %s "
					     "Run 'usbnet-wizard revert' to try again.", i + 1, d, step_err.msg, rb.msg);
			else
				uw_error_set(err, p, "Step %zu (%s) failed: %s %s", i + 1, d, step_err.msg,
					     n_made ? "The steps before it were undone; the desktop is as it was." :
					     "Nothing had been changed.");
			r = p;
			jw_close(&jw);
			/* Everything of this run undone, nothing live from before. */
			if (old->n_live == 0 && !failed)
				journal_remove();
			goto out;
		}
	}
	r = 0;
	jw_close(&jw);
	/* Every step was already in place and nothing was live before. */
	if (old->n_live == 0 && n_made == 0)
		journal_remove();
out:
	jw_close(&jw);
	uw_lock_release(&own);
	free(made);
	free(old);
	return r;
}

int uw_revert(struct uw_lock *lk, uw_step_fn cb, void *ud, struct uw_error *err)
{
	struct uw_lock own = { .fd = -1 };
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	struct jw jw = { .fd = -1 };
	bool fresh;
	size_t failed = 0;
	int r, done = 0;

	if (!lk || lk->fd < 0) {
		r = uw_lock_take(&own, err);
		if (r < 0)
			goto out;
	}
	r = uw_journal_read(j, err);
	if (r < 0)
		goto out;
	if (!j->exists) {
		r = 0;
		goto out;
	}
	if (j->other_netns) {
		r = uw_error_set(err, -EXDEV, "The journal in %s was written in another network namespace; "
				 "it was left alone.", uw_rundir());
		goto out;
	}
	r = jw_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	uw_error_clear(err);
	done = undo_steps(&jw, j->live, j->seq, NULL, j->n_live, cb, ud, err, &failed);
	jw_close(&jw);
	if (failed) {
		r = err && err->code ? err->code : -EIO;
		uw_error_prefix(err, "%zu step(s) could not be undone and stay in the journal for another "
				"'usbnet-wizard revert'", failed);
		goto out;
	}
	journal_remove();
	r = done;
out:
	jw_close(&jw);
	uw_lock_release(&own);
	free(j);
	return r;
}
