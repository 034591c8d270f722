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

#define JOURNAL_MAGIC "usbnet-wizard-journal 1"
/* What to do about a journal we cannot trust (said after the problem). */
#define JOURNAL_UNUSABLE " Its 'B' lines are the changes made (with the shell command that " \
	"undoes each in 'usbnet-wizard plan'); undo those by hand, then move the file aside " \
	"(sudo mv %s %s.bad) and run again."

const char *uw_rundir(void)
{
	const char *d = uw_env_get(UW_ENV_RUNDIR);
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
	if (ftruncate(fd, 0) == 0) {
		int n = snprintf(pidbuf, sizeof(pidbuf), "%ld\n", (long)getpid());
		if (pwrite(fd, pidbuf, (size_t)n, 0) < 0) {
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
	/*
	 * One write() per record with O_APPEND: a record is there whole or not
	 * at all. No fdatasync: once write() returns, the record is in the
	 * kernel's page cache, where every later reader finds it even if this
	 * process is killed the next instant. Only a crash of the whole system
	 * could lose it, and that also loses everything the journal records:
	 * addresses, routes, sysctls, firewall rules, firewalld's runtime zone
	 * and NetworkManager's runtime "unmanaged" are all kernel or daemon
	 * memory, gone at boot (and so is /run, the journal's home). A flush
	 * per record cost 1-5 ms of disk wait each, ten per apply.
	 */
	w = write(j->fd, buf, n + 1);
	free(buf);
	if (w != (ssize_t)(n + 1)) {
		int e = w < 0 ? errno : ENOSPC;
		return uw_error_set(err, -e, "Cannot write the journal in %s (%s): nothing more is changed, "
				    "so that every change can still be undone. Free some space or fix the "
				    "directory, then try again.", uw_rundir(), strerror(e));
	}
	return 0;
}

/* Several records in one write(): a firewall batch is
 * journaled as one unit, whole or (torn, on a crash before the kernel was
 * touched) not acted on. */
static int jw_lines(struct jw *j, char **lines, size_t n, struct uw_error *err)
{
	size_t total = 0, o = 0;
	char *buf;
	int r;

	for (size_t i = 0; i < n; i++)
		total += strlen(lines[i]) + 1;
	buf = uw_malloc0(total + 1);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(lines[i]);
		memcpy(buf + o, lines[i], l);
		o += l;
		buf[o++] = '\n';
	}
	buf[o] = '\0';
	/* jw_line adds the last newline itself. */
	if (o)
		buf[--o] = '\0';
	r = n ? jw_line(j, buf, err) : 0;
	free(buf);
	return r;
}

static int jw_open(struct jw *j, bool *fresh, struct uw_error *err)
{
	char p[512], hdr[256];
	struct stat st;
	int r;

	path(p, sizeof(p), "journal");
	j->fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (j->fd < 0) {
		int e = errno;
		return uw_error_set(err, -e, "Cannot open the journal %s (%s): nothing was changed.", p, strerror(e));
	}
	/* readable by `status` without root, also when an older version made it 0600 */
	if (fstat(j->fd, &st) == 0 && (st.st_mode & 0777) == 0600)
		(void)fchmod(j->fd, 0644);
	*fresh = fstat(j->fd, &st) == 0 && st.st_size == 0;
	if (!*fresh && st.st_size > 0) {
		/*
		 * A crash can leave the last record cut short. Our records
		 * start on a fresh line, so the torn one stays one damaged
		 * line the reader skips; a file with no whole line at all (a
		 * torn header) holds nothing and is begun again.
		 */
		char last;
		int rfd = open(p, O_RDONLY | O_CLOEXEC);
		bool has_nl = false, ends_nl = false;

		if (rfd >= 0) {
			char buf[4096];
			ssize_t n;
			off_t off = 0;

			ends_nl = pread(rfd, &last, 1, st.st_size - 1) == 1 && last == '\n';
			while (!has_nl && off < st.st_size && (n = pread(rfd, buf, sizeof(buf), off)) > 0) {
				has_nl = memchr(buf, '\n', (size_t)n) != NULL;
				off += n;
			}
			close(rfd);
		}
		if (!has_nl && ftruncate(j->fd, 0) == 0) {
			*fresh = true;
		} else if (!ends_nl) {
			r = jw_line(j, "", err);
			if (r < 0) {
				close(j->fd);
				j->fd = -1;
				return r;
			}
		}
	}
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

/*
 * The "C" record: the plan's choices as one line of the profile's key=value
 * pairs (every value is free of spaces: addresses, names that passed
 * uw_ifname_check, fixed words). What the plan filled in from the day's facts
 * is left out, so whoever reads them back (persist, profile save) resolves it
 * again: the outgoing interface when it was the default route's, the DNS
 * servers unless the user gave them (static).
 */
static int choices_record(const struct uw_choices *c0, char *buf, size_t len)
{
	struct uw_profile p;
	char *text, *o = buf;
	size_t left = len;

	uw_profile_init(&p);
	p.choices = *c0;
	p.choices.plen_set = true;        /* the netmask that is live, whatever chose it */
	if (p.choices.out_iface_auto)
		p.choices.out_iface[0] = '\0';
	if (p.choices.dns != UW_DNS_STATIC)
		p.choices.n_dns_servers = 0;
	text = uw_profile_format(&p);
	snprintf(o, left, "C");
	o += 1;
	left -= 1;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int n;

		if (l[0] == '#' || strchr(l, ' '))
			continue;
		n = snprintf(o, left, " %s", l);
		if (n < 0 || (size_t)n >= left) {
			free(text);
			return -ENOSPC;
		}
		o += n;
		left -= (size_t)n;
	}
	free(text);
	return 0;
}

static int choices_parse(const char *rec, struct uw_choices *out, struct uw_error *err)
{
	struct uw_profile p;
	char *text = uw_strdup(rec);
	int r;

	for (char *s = text; *s; s++)
		if (*s == ' ')
			*s = '\n';
	uw_profile_init(&p);
	r = uw_profile_parse(text, "the journal's choices", &p, err);
	free(text);
	if (r == 0)
		*out = p.choices;
	return r;
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

/*
 * One line of @f into @buf (size UW_JOURNAL_LINE_MAX), without its newline.
 * Returns 1 for a whole line, 2 for a last line with no newline (a torn
 * write), 3 for a line too long for the buffer (the rest of it is skipped
 * unread: a journal line never is that long, and a huge one must not be
 * taken into memory), 0 at the end.
 */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t n;

	if (!fgets(buf, (int)size, f))
		return 0;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n') {
		buf[n - 1] = '\0';
		return 1;
	}
	if (n + 1 < size)
		return feof(f) ? 2 : 3;         /* a NUL inside the line also ends up here */
	for (int c; (c = getc(f)) != EOF;)
		if (c == '\n')
			return 3;
	return 3;
}

/* A journal sequence number: digits only, 1..UW_JOURNAL_SEQ_MAX, then the end or a space. */
static bool parse_seq(const char *s, long *seq, const char **rest)
{
	long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > UW_JOURNAL_SEQ_MAX)
			return false;
	}
	if (v < 1 || (*p && *p != ' '))
		return false;
	*seq = v;
	if (rest)
		*rest = *p ? p + 1 : p;
	return true;
}

static void damaged(struct uw_journal *j, int lineno)
{
	if (!j->damaged++)
		j->damaged_line = lineno;
}

int uw_journal_read(struct uw_journal *j, struct uw_error *err)
{
	char p[512];
	FILE *f;
	char *line = uw_malloc0(UW_JOURNAL_LINE_MAX);
	unsigned long ino = 0;
	long *seqs = j->seq;
	int lineno = 0, r = 0, kind;

	memset(j, 0, sizeof(*j));
	j->next_seq = 1;
	path(p, sizeof(p), "journal");
	f = fopen(p, "re");
	if (!f) {
		int e = errno;

		free(line);
		if (e == ENOENT)
			return 0;
		return uw_error_set(err, -e, "Cannot read the journal %s: %s%s", p, strerror(e),
				    e == EACCES || e == EPERM ? " (changing the network needs root: run with sudo)" : "");
	}
	j->exists = true;
	/*
	 * Torn writes are expected after a crash or power loss: a record cut
	 * short was never acted on (every change is journaled before it is
	 * made, and a failed write stops the run), and apply starts the next
	 * record on a fresh line. So a line that cannot be read is skipped and
	 * counted, never a reason to drop the records after it.
	 */
	while ((kind = read_line(f, line, UW_JOURNAL_LINE_MAX)) > 0) {
		long seq;
		const char *rest;

		lineno++;
		if (kind != 1) {
			damaged(j, lineno);
			continue;
		}
		if (lineno == 1) {
			if (!strcmp(line, JOURNAL_MAGIC))
				continue;
			/* A header cut short by a crash, records after it. */
			if (!strncmp(JOURNAL_MAGIC, line, strlen(line))) {
				damaged(j, lineno);
				continue;
			}
			r = uw_error_set(err, -EBADMSG, "%s is not a usbnet-wizard journal (or a newer "
					 "version's); it was left alone." JOURNAL_UNUSABLE, p, p, p);
			break;
		}
		if (!strncmp(line, "netns ", 6)) {
			char *end;
			errno = 0;
			unsigned long v = strtoul(line + 6, &end, 10);
			if (errno || *end || end == line + 6)
				damaged(j, lineno);
			else
				ino = v;
			continue;
		}
		if (!strncmp(line, "started ", 8)) {
			long long t;
			long pid;
			int off = 0;
			if (sscanf(line, "started %18lld pid %9ld%n", &t, &pid, &off) == 2 && !line[off] &&
			    t >= 0 && pid > 0) {
				j->started = t;
				j->pid = pid;
			} else {
				damaged(j, lineno);
			}
			continue;
		}
		if (!strncmp(line, "B ", 2)) {
			if (!parse_seq(line + 2, &seq, &rest)) {
				damaged(j, lineno);
				continue;
			}
			if (j->n_live >= UW_JOURNAL_MAX) {
				r = uw_error_set(err, -E2BIG, "The journal %s holds too many steps; it was "
						 "left alone." JOURNAL_UNUSABLE, p, p, p);
				break;
			}
			if (uw_action_from_line(rest, &j->live[j->n_live], NULL) < 0) {
				damaged(j, lineno);
				continue;
			}
			seqs[j->n_live] = seq;
			if (seq >= j->next_seq)
				j->next_seq = seq + 1;
			j->complete[j->n_live] = false;
			j->n_live++;
			continue;
		}
		if (!strncmp(line, "A ", 2)) {
			long long st, dl;
			long pid;
			int off = 0;

			/* The automatic revert's timer: pid, /proc start time, deadline. */
			if (sscanf(line, "A %9ld %18lld %18lld%n", &pid, &st, &dl, &off) == 3 && !line[off] &&
			    pid > 0 && st >= 0 && dl > 0) {
				j->ar_armed = true;
				j->ar_kept = false;
				j->ar_pid = pid;
				j->ar_start = st;
				j->ar_deadline_ms = dl;
			} else {
				damaged(j, lineno);
			}
			continue;
		}
		if (!strncmp(line, "K ", 2)) {
			long pid;
			int off = 0;

			if (sscanf(line, "K %9ld%n", &pid, &off) == 1 && !line[off] && pid > 0) {
				if (j->ar_armed && pid == j->ar_pid)
					j->ar_kept = true;
			} else {
				damaged(j, lineno);
			}
			continue;
		}
		if (!strncmp(line, "C ", 2)) {
			/* The last apply's choices win; a bad record only loses them. */
			j->have_choices = choices_parse(line + 2, &j->choices, NULL) == 0;
			continue;
		}
		if ((line[0] == 'D' || line[0] == 'U') && line[1] == ' ' && parse_seq(line + 2, &seq, &rest) &&
		    !*rest) {
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
		damaged(j, lineno);
	}
	free(line);
	fclose(f);
	if (r == 0 && ino && ino != netns_ino())
		j->other_netns = true;
	return r;
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
static int undo_fw_run(struct jw *jw, const struct uw_action *acts, const long *seqs,
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
	if (jw_lines(jw, recs, m, &e) < 0) {
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
static int undo_steps(struct jw *jw, const struct uw_action *acts, const long *seqs, const size_t *idx,
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
		if (jw_line(jw, rec, &e) < 0) {
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
			struct jw *jw, long *seq, struct uw_action *made, long *seqs, size_t *idx,
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
	p = jw_lines(jw, recs, k, err);
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
	jw_lines(jw, recs, k, NULL);
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
static int arm_timer(struct jw *jw, int seconds, long long *deadline_ms, long *pid, long long *start,
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
	r = jw_line(jw, rec, err);
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
	struct jw jw = { .fd = -1 };
	bool fresh = false, choices_written = false;
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
	r = jw_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	seq = old->next_seq;
	/* The timer is journaled before the first change: from then on, whatever
	 * becomes of this process, the revert happens at the deadline. */
	if (seconds > 0) {
		r = arm_timer(&jw, seconds, &ar_deadline, &ar_pid, &ar_start, err);
		if (r < 0) {
			jw_close(&jw);
			journal_remove();   /* nothing was live (checked above) */
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
					jw_line(&jw, rec, NULL);
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
			if (choices_record(&plan->choices, crec, sizeof(crec)) == 0)
				jw_line(&jw, crec, NULL);
			choices_written = true;
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
			jw_close(&jw);
			/* Everything of this run undone, nothing live from before. */
			if (old->n_live == 0 && !failed) {
				journal_remove();
				uw_autorevert_stop(ar_pid, ar_start);
			}
			/* (else a timer stays journaled and tries the revert again at its deadline) */
			goto out;
		}
	}
	r = 0;
	jw_close(&jw);
	/* Every step was already in place and nothing was live before. */
	if (old->n_live == 0 && n_made == 0) {
		journal_remove();
		uw_autorevert_stop(ar_pid, ar_start);
		ar_deadline = 0;    /* nothing to wait for */
	}
	if (deadline_ms)
		*deadline_ms = ar_deadline;
out:
	jw_close(&jw);
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
	r = jw_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	/* A revert by hand during an automatic revert's countdown: its timer
	 * stands down (the automatic one itself calls this too, and goes on). */
	if (j->ar_armed && !j->ar_kept && j->ar_pid != (long)getpid()) {
		char rec[32];

		snprintf(rec, sizeof(rec), "K %ld", j->ar_pid);
		jw_line(&jw, rec, NULL);
		uw_autorevert_stop(j->ar_pid, j->ar_start);
	}
	uw_error_clear(err);
	done = undo_steps(&jw, j->live, j->seq, NULL, j->n_live, cb, ud, err, &failed);
	jw_close(&jw);
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
	journal_remove();
	r = done;
out:
	jw_close(&jw);
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
	struct jw jw = { .fd = -1 };
	bool fresh;
	char rec[32];
	int r;

	r = uw_lock_take_wait(&lk, AR_LOCK_WAIT_MS, err);
	if (r < 0)
		goto out;
	r = uw_journal_read(j, err);
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
	r = jw_open(&jw, &fresh, err);
	if (r < 0)
		goto out;
	/* Journaled first, under the lock the timer decides under: from this
	 * record on, it stands down even if the signal below never reaches it. */
	snprintf(rec, sizeof(rec), "K %ld", j->ar_pid);
	r = jw_line(&jw, rec, err);
	if (r < 0)
		goto out;
	uw_autorevert_stop(j->ar_pid, j->ar_start);
	r = 0;
out:
	jw_close(&jw);
	uw_lock_release(&lk);
	free(j);
	return r;
}

int uw_autorevert_expire(uw_step_fn cb, void *ud, struct uw_error *err)
{
	struct uw_lock lk = { .fd = -1 };
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	int r;

	r = uw_lock_take_wait(&lk, AR_LOCK_WAIT_MS, err);
	if (r < 0)
		goto out;
	r = uw_journal_read(j, err);
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
