// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal's record format: one action as one line of key=value pairs
 * (core/journal.h). core/apply.c writes and reads the journal's records.
 */
#include "core/journal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/env.h"
#include "core/profile.h"
#include "core/sysctlname.h"
#include "core/util.h"

/*
 * Values are %XX-escaped so a chain like "inet filter forward" stays one
 * token. An empty value is written as nothing ("out="); a value that is
 * exactly "-" is escaped ("out=%2D"), because journals written before this
 * used a bare "-" for empty, and still read that way: every value stays
 * distinct from empty (an --out-iface "-" once came back as "no interface",
 * and revert then looked for the wrong rule).
 */
static void put(char **p, size_t *left, const char *key, const char *val)
{
	bool dash = !strcmp(val, "-");
	int n = snprintf(*p, *left, " %s=", key);

	if (n < 0 || (size_t)n >= *left) {
		*left = 0;
		return;
	}
	*p += n;
	*left -= (size_t)n;
	for (const unsigned char *v = (const unsigned char *)val; *v; v++) {
		if (!dash && (isalnum(*v) || strchr("._:/-@", *v))) {
			if (*left < 2) { *left = 0; return; }
			*(*p)++ = (char)*v;
			(*left)--;
		} else {
			if (*left < 4) { *left = 0; return; }
			snprintf(*p, *left, "%%%02X", *v);
			*p += 3;
			*left -= 3;
		}
	}
	**p = '\0';
}

static void put_addr(char **p, size_t *left, const char *key, struct in_addr a)
{
	char s[UW_IP4_STRLEN];
	put(p, left, key, uw_ip4_str(a, s));
}

static void put_uint(char **p, size_t *left, const char *key, unsigned v)
{
	char s[16];
	snprintf(s, sizeof(s), "%u", v);
	put(p, left, key, s);
}

int uw_action_to_line(const struct uw_action *a, char *buf, size_t len)
{
	char *p = buf;
	size_t left = len;
	static const char *const rk[] = { [UW_FW_MASQUERADE] = "masquerade", [UW_FW_DNAT] = "dnat",
					  [UW_FW_FORWARD_ACCEPT] = "forward-accept" };

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	put(&p, &left, "kind", uw_action_kind_name(a->kind));
	switch (a->kind) {
	case UW_ACT_ADDR:
	case UW_ACT_ROUTE:
		put(&p, &left, "iface", a->iface);
		put_addr(&p, &left, "addr", a->addr);
		put_uint(&p, &left, "plen", a->plen);
		break;
	case UW_ACT_LINK_UP:
		put(&p, &left, "iface", a->iface);
		put_uint(&p, &left, "was_up", a->was_up);
		break;
	case UW_ACT_NM_UNMANAGE:
		put(&p, &left, "iface", a->iface);
		put_uint(&p, &left, "was_managed", a->was_managed);
		break;
	case UW_ACT_SYSCTL:
		put(&p, &left, "name", a->sysctl);
		put(&p, &left, "value", a->value);
		put(&p, &left, "old", a->old_value);
		break;
	case UW_ACT_FW:
		put(&p, &left, "backend", a->fw == UW_FW_IPTABLES ? "iptables" : "nftables");
		put(&p, &left, "rule", (unsigned)a->rule.kind < 3 ? rk[a->rule.kind] : "?");
		put_addr(&p, &left, "src", a->rule.src);
		put_uint(&p, &left, "src_len", a->rule.src_len);
		put_addr(&p, &left, "dst", a->rule.dst);
		put_uint(&p, &left, "dst_len", a->rule.dst_len);
		put(&p, &left, "in", a->rule.in_iface);
		put(&p, &left, "out", a->rule.out_iface);
		put_uint(&p, &left, "proto", (unsigned)a->rule.proto);
		put_uint(&p, &left, "dport", a->rule.dport);
		put_addr(&p, &left, "to", a->rule.to);
		put(&p, &left, "chain", a->rule.chain);
		break;
	case UW_ACT_FWD_ZONE:
		put(&p, &left, "iface", a->iface);
		put(&p, &left, "zone", a->zone);
		put(&p, &left, "old", a->old_zone);
		break;
	case UW_ACT_FWD_KEEP:
		put(&p, &left, "iface", a->iface);
		put(&p, &left, "zone", a->zone);
		break;
	default:
		return -EINVAL;
	}
	if (left == 0)
		return -ENOSPC;
	/* drop the leading space */
	memmove(buf, buf + 1, strlen(buf));
	return 0;
}

static int unescape(const char *in, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == '%') {
			unsigned v;
			char hex[3];
			if (i + 2 >= n)
				return -1;
			hex[0] = in[i + 1];
			hex[1] = in[i + 2];
			hex[2] = '\0';
			if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]))
				return -1;
			v = (unsigned)strtoul(hex, NULL, 16);
			if (v == 0)
				return -1;
			c = (char)v;
			i += 2;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

struct kv {
	char key[16];
	char val[128];
	bool old_empty;         /* written as a bare "-": the old format's empty */
};

static const struct kv *find(const struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return &kv[i];
	return NULL;
}

static int get(const struct kv *kv, size_t n, const char *key, const char **val)
{
	const struct kv *e = find(kv, n, key);

	if (!e)
		return -1;
	*val = e->val;
	return 0;
}

static int get_uint(const struct kv *kv, size_t n, const char *key, unsigned max, unsigned *out)
{
	const char *v;
	char *end;
	unsigned long x;

	if (get(kv, n, key, &v) < 0 || !*v || !isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (*end || errno || x > max)
		return -1;
	*out = (unsigned)x;
	return 0;
}

static int get_addr(const struct kv *kv, size_t n, const char *key, struct in_addr *out)
{
	const char *v;
	return get(kv, n, key, &v) < 0 ? -1 : uw_ip4_parse(v, out, key, NULL);
}

static int get_str(const struct kv *kv, size_t n, const char *key, char *out, size_t outlen, bool dash_empty)
{
	const struct kv *e = find(kv, n, key);
	const char *v;

	if (!e || strlen(e->val) >= outlen)
		return -1;
	v = dash_empty && e->old_empty ? "" : e->val;
	strcpy(out, v);
	return 0;
}

/* firewalld zone names: letters, digits and - _ . @ + (they end up in shell lines and D-Bus calls). */
static bool zone_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr("-_.@+", *s)))
			return false;
	return true;
}

int uw_action_from_line(const char *line, struct uw_action *a, struct uw_error *err)
{
	struct kv kv[20];
	size_t n = 0;
	const char *p = line, *v;
	unsigned u;

	memset(a, 0, sizeof(*a));
	while (*p) {
		const char *sp, *eq;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		sp = strchr(p, ' ');
		if (!sp)
			sp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(sp - p));
		if (!eq || eq == p || (size_t)(eq - p) >= sizeof(kv[0].key) || n >= UW_ARRAY_SIZE(kv))
			goto bad;
		memcpy(kv[n].key, p, (size_t)(eq - p));
		kv[n].key[eq - p] = '\0';
		if (unescape(eq + 1, (size_t)(sp - eq - 1), kv[n].val, sizeof(kv[n].val)) < 0)
			goto bad;
		kv[n].old_empty = sp - eq - 1 == 1 && eq[1] == '-';
		n++;
		p = sp;
	}
	if (get(kv, n, "kind", &v) < 0)
		goto bad;
	for (u = 0; u < UW_ACT__COUNT; u++)
		if (!strcmp(v, uw_action_kind_name((enum uw_action_kind)u)))
			break;
	if (u == UW_ACT__COUNT)
		goto bad;
	a->kind = (enum uw_action_kind)u;
	switch (a->kind) {
	case UW_ACT_ADDR:
	case UW_ACT_ROUTE:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 || get_addr(kv, n, "addr", &a->addr) < 0 ||
		    get_uint(kv, n, "plen", 32, &a->plen) < 0)
			goto bad;
		break;
	case UW_ACT_LINK_UP:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 || get_uint(kv, n, "was_up", 1, &u) < 0)
			goto bad;
		a->was_up = u;
		break;
	case UW_ACT_NM_UNMANAGE:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 || get_uint(kv, n, "was_managed", 1, &u) < 0)
			goto bad;
		a->was_managed = u;
		break;
	case UW_ACT_SYSCTL:
		if (get_str(kv, n, "name", a->sysctl, sizeof(a->sysctl), false) < 0 || !uw_sysctl_name_ok(a->sysctl) ||
		    get_str(kv, n, "value", a->value, sizeof(a->value), false) < 0 ||
		    get_str(kv, n, "old", a->old_value, sizeof(a->old_value), true) < 0)
			goto bad;
		for (const char *q = a->value; *q; q++)
			if (!isdigit((unsigned char)*q))
				goto bad;
		for (const char *q = a->old_value; *q; q++)
			if (!isdigit((unsigned char)*q))
				goto bad;
		break;
	case UW_ACT_FW:
		if (get(kv, n, "backend", &v) < 0)
			goto bad;
		if (!strcmp(v, "iptables"))
			a->fw = UW_FW_IPTABLES;
		else if (!strcmp(v, "nftables"))
			a->fw = UW_FW_NFTABLES;
		else
			goto bad;
		if (get(kv, n, "rule", &v) < 0)
			goto bad;
		if (!strcmp(v, "masquerade"))
			a->rule.kind = UW_FW_MASQUERADE;
		else if (!strcmp(v, "dnat"))
			a->rule.kind = UW_FW_DNAT;
		else if (!strcmp(v, "forward-accept"))
			a->rule.kind = UW_FW_FORWARD_ACCEPT;
		else
			goto bad;
		if (get_addr(kv, n, "src", &a->rule.src) < 0 || get_uint(kv, n, "src_len", 32, &a->rule.src_len) < 0 ||
		    get_addr(kv, n, "dst", &a->rule.dst) < 0 || get_uint(kv, n, "dst_len", 32, &a->rule.dst_len) < 0 ||
		    get_str(kv, n, "in", a->rule.in_iface, sizeof(a->rule.in_iface), true) < 0 ||
		    get_str(kv, n, "out", a->rule.out_iface, sizeof(a->rule.out_iface), true) < 0 ||
		    get_uint(kv, n, "proto", 255, &u) < 0 || get_uint(kv, n, "dport", 65535, &a->rule.dport) < 0 ||
		    get_addr(kv, n, "to", &a->rule.to) < 0 ||
		    get_str(kv, n, "chain", a->rule.chain, sizeof(a->rule.chain), true) < 0)
			goto bad;
		a->rule.proto = (int)u;
		if (uw_fw_rule_validate(a->fw, &a->rule, NULL) < 0)
			goto bad;
		break;
	case UW_ACT_FWD_ZONE:
	case UW_ACT_FWD_KEEP:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 ||
		    get_str(kv, n, "zone", a->zone, sizeof(a->zone), false) < 0 || !zone_name_ok(a->zone))
			goto bad;
		if (a->kind == UW_ACT_FWD_ZONE &&
		    (get_str(kv, n, "old", a->old_zone, sizeof(a->old_zone), true) < 0 ||
		     (a->old_zone[0] && !zone_name_ok(a->old_zone))))
			goto bad;
		break;
	default:
		goto bad;
	}
	return 0;
bad:
	return uw_error_set(err, -EBADMSG, "The journal line \"%.80s\" is damaged and cannot be read.", line);
}

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

/* ---- the journal's reader and writer (core/apply.c runs plans under it) ---- */

int uw_journal_writer_line(struct uw_journal_writer *j, const char *line, struct uw_error *err)
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
int uw_journal_writer_lines(struct uw_journal_writer *j, char **lines, size_t n, struct uw_error *err)
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
	r = n ? uw_journal_writer_line(j, buf, err) : 0;
	free(buf);
	return r;
}

int uw_journal_writer_open(struct uw_journal_writer *j, bool *fresh, struct uw_error *err)
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
			r = uw_journal_writer_line(j, "", err);
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
		r = uw_journal_writer_line(j, hdr, err);
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
int uw_journal_choices_record(const struct uw_choices *c0, char *buf, size_t len)
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

int uw_journal_choices_parse(const char *rec, struct uw_choices *out, struct uw_error *err)
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

void uw_journal_writer_close(struct uw_journal_writer *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

void uw_journal_remove(void)
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
			j->have_choices = uw_journal_choices_parse(line + 2, &j->choices, NULL) == 0;
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
