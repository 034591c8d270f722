// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nftables backend.
 *
 * Apply and revert talk to the kernel raw (core/nl.h: one netlink batch per
 * change, the chains and our rules read with netlink dumps), without
 * libnftables: loading it, with libnftnl, libmnl, libxtables, libjansson and
 * libgmp, and filling its cache cost a process more than the rest of an
 * apply's firewall work. The rules are the ones we SHOW the user as nft
 * commands (nft_shell): core/nl.c encodes each exactly as nft 1.0.6 encodes
 * that text, and tests/test-fw.c compares the kernel's listing after our
 * write with the one after the shown commands, byte for byte. Our rules live
 * in table `ip usbnet-wizard`; a FORWARD_ACCEPT for a foreign dropping chain
 * goes into that chain, because an accept in our own table does not
 * override a drop in another table at the same hook.
 *
 * A rule is ours when its comment is our tag and its statements decode to
 * exactly the ones we write (core/nl.c decodes nothing else), so a foreign
 * rule that differs from ours in anything, its comment included, is never
 * taken for ours.
 *
 * libnftables is still what reads the nft language: the full inventory
 * (`list ruleset`, for a report) and the text of a foreign masquerade, whose
 * match the plan needs.
 *
 * nftables has no lock like the xtables one: each change is one atomic
 * transaction, and between our probe and our add another program could add
 * the same rule; the result would be a harmless duplicate.
 */
/* libnftables.h defines _GNU_SOURCE itself; the compiler command line does
 * too, and the two definitions differ. */
#undef _GNU_SOURCE
#include <nftables/libnftables.h>

#include "core/apply.h"
#include "core/dynlib.h"
#include "core/env.h"
#include "core/fw-backend.h"
#include "core/ip4.h"
#include "core/nl.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define OUR_FAMILY "ip"
#define TAG_TEXT "comment \"" UW_FW_TAG "\""

#ifndef UW_LIBNFTABLES_SONAME
#define UW_LIBNFTABLES_SONAME "libnftables.so.1"
#endif

/*
 * libnftables (with libnftnl, libmnl, libxtables, libjansson and libgmp) is
 * loaded on first use (core/dynlib.h): apply and revert never map it, only a
 * full inventory or a foreign masquerade's text does. nft_run loads it;
 * every other call works on the context it made.
 */
static struct uw_dynlib libnftables = UW_DYNLIB(UW_LIBNFTABLES_SONAME, "The nftables library", "",
						"libnftables1");

#define FWD(ret, name, params, args) UW_DYNLIB_FWD(&libnftables, ret, name, params, args)
FWD(struct nft_ctx *, nft_ctx_new, (uint32_t f), (f))
UW_DYNLIB_VFWD(&libnftables, nft_ctx_free, (struct nft_ctx *c), (c))
UW_DYNLIB_VFWD(&libnftables, nft_ctx_output_set_flags, (struct nft_ctx *c, unsigned int f), (c, f))
FWD(int, nft_ctx_buffer_output, (struct nft_ctx *c), (c))
FWD(const char *, nft_ctx_get_output_buffer, (struct nft_ctx *c), (c))
FWD(int, nft_ctx_buffer_error, (struct nft_ctx *c), (c))
FWD(const char *, nft_ctx_get_error_buffer, (struct nft_ctx *c), (c))
FWD(int, nft_run_cmd_from_buffer, (struct nft_ctx *c, const char *b), (c, b))
#undef FWD

/*
 * Does this process hold CAP_NET_ADMIN (bit 12 of CapEff)? Without it
 * libnftables writes "Operation not permitted (you must be root)" straight
 * to stderr — over the wizard's screen — before any error buffer sees it,
 * so we do not call it at all. Read once: the process never changes its
 * capabilities, and every nft command (several per step) asks.
 */
static bool read_net_admin(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long eff = 0;
	bool found = false;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	fclose(f);
	return found ? (eff >> 12) & 1 : geteuid() == 0;
}

static bool have_net_admin(void)
{
	static atomic_int known = -1;
	int k = atomic_load(&known);

	if (k < 0) {
		k = read_net_admin();
		atomic_store(&known, k);
	}
	return k;
}

/*
 * One libnftables context per process (per network namespace: its netlink
 * socket is bound to the namespace it was opened in, and the tests move
 * the process between namespaces). A context costs a socket and a cache,
 * and its cache is reused while the ruleset's generation is unchanged.
 */
static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nft_ctx *ctx_cached;
static dev_t ctx_dev;
static ino_t ctx_ino;

static struct nft_ctx *ctx_get(void)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) < 0 && stat("/proc/self/ns/net", &st) < 0)
		memset(&st, 0, sizeof(st));
	if (ctx_cached && (st.st_dev != ctx_dev || st.st_ino != ctx_ino)) {
		nft_ctx_free(ctx_cached);
		ctx_cached = NULL;
	}
	if (!ctx_cached) {
		ctx_cached = nft_ctx_new(NFT_CTX_DEFAULT);
		if (!ctx_cached)
			return NULL;
		if (nft_ctx_buffer_output(ctx_cached) || nft_ctx_buffer_error(ctx_cached)) {
			nft_ctx_free(ctx_cached);
			ctx_cached = NULL;
			return NULL;
		}
		ctx_dev = st.st_dev;
		ctx_ino = st.st_ino;
	}
	return ctx_cached;
}

__attribute__((destructor)) static void ctx_release(void)
{
	if (ctx_cached)
		nft_ctx_free(ctx_cached);
	ctx_cached = NULL;
}

/* Run @cmd (one atomic transaction, however many lines) in the process's
 * context. */
static int nft_run(const char *cmd, unsigned flags, char **out, struct uw_error *err)
{
	struct nft_ctx *ctx;
	const char *ebuf, *obuf;
	int rc, ret = 0;

	if (out)
		*out = NULL;
	if (!have_net_admin())
		return uw_error_set(err, -EPERM, "Reading or changing nftables needs root (CAP_NET_ADMIN): "
				    "run with sudo.");
	ret = uw_dynlib_load(&libnftables, err);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&ctx_lock);
	ctx = ctx_get();
	if (!ctx) {
		pthread_mutex_unlock(&ctx_lock);
		return uw_error_set(err, -ENOMEM, "Could not start libnftables.");
	}
	nft_ctx_output_set_flags(ctx, flags);
	rc = nft_run_cmd_from_buffer(ctx, cmd);
	ebuf = nft_ctx_get_error_buffer(ctx);
	obuf = nft_ctx_get_output_buffer(ctx);
	if (rc != 0 || (ebuf && strstr(ebuf, "Error:"))) {
		char first[256] = "";
		int code = -EIO;

		if (ebuf)
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(ebuf, "\n"), ebuf);
		if (ebuf && strstr(ebuf, "No such file or directory"))
			code = -ENOENT;
		else if (ebuf && strstr(ebuf, "Operation not permitted"))
			code = -EPERM;
		ret = uw_error_set(err, code, "nft refused \"%.*s\": %s", (int)strcspn(cmd, "\n"),
				   cmd, first[0] ? first : "unknown error");
	} else if (out) {
		*out = uw_strdup(obuf ? obuf : "");
	}
	pthread_mutex_unlock(&ctx_lock);
	return ret;
}

/* ---- reading `nft list` output ---- */

struct chain_info {
	char fam[16], table[64], chain[64];
	char type[16], hook[24];   /* both "" for a regular chain */
	bool policy_drop;
	bool has_drop_rule;
	unsigned rules;
};

struct walker {
	void (*table)(struct walker *w, const char *fam, const char *name);
	void (*rule)(struct walker *w, const struct chain_info *c, const char *text,
		     unsigned long handle);
	void (*chain_end)(struct walker *w, const struct chain_info *c);
	void *data;
};

static bool has_word_unquoted(const char *text, const char *word)
{
	size_t wl = strlen(word);
	bool q = false;

	for (const char *p = text; *p; p++) {
		if (*p == '"')
			q = !q;
		if (q || (p != text && p[-1] != ' '))
			continue;
		if (strncmp(p, word, wl) == 0 && (p[wl] == ' ' || p[wl] == '\0'))
			return true;
	}
	return false;
}

static int brace_delta(const char *s)
{
	bool q = false;
	int d = 0;

	for (; *s; s++) {
		if (*s == '"')
			q = !q;
		else if (!q && *s == '{')
			d++;
		else if (!q && *s == '}')
			d--;
	}
	return d;
}

/*
 * Walk the text of `nft [-a] list ...`: tables at depth 0, chains at depth 1,
 * rules at depth 2 inside a chain (sets and maps, whose elements may span
 * lines, are skipped by depth).
 */
static void walk(const char *listing, struct walker *w)
{
	struct chain_info c;
	char fam[16] = "", table[64] = "";
	bool in_chain = false;
	int depth = 0;
	const char *p = listing;

	memset(&c, 0, sizeof(c));
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		char line[1024];
		unsigned long handle = 0;
		char *s, *h;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
		s = line + strspn(line, " \t");
		h = strstr(s, " # handle ");
		if (h) {
			handle = strtoul(h + 10, NULL, 10);
			*h = '\0';
		}
		if (depth == 0 && strncmp(s, "table ", 6) == 0) {
			if (sscanf(s, "table %15s %63s", fam, table) == 2 && w->table)
				w->table(w, fam, table);
		} else if (depth == 1 && strncmp(s, "chain ", 6) == 0) {
			memset(&c, 0, sizeof(c));
			uw_strlcpy(c.fam, fam, sizeof(c.fam));
			uw_strlcpy(c.table, table, sizeof(c.table));
			sscanf(s, "chain %63s", c.chain);
			in_chain = true;
		} else if (depth == 2 && in_chain && *s && *s != '}') {
			if (strncmp(s, "type ", 5) == 0) {
				char *hk = strstr(s, " hook ");
				sscanf(s, "type %15s", c.type);
				if (hk)
					sscanf(hk, " hook %23s", c.hook);
				c.policy_drop = strstr(s, "policy drop;") != NULL;
			} else if (strncmp(s, "policy ", 7) == 0) {
				c.policy_drop = strstr(s, "policy drop;") != NULL;
			} else if (strncmp(s, "comment ", 8) != 0) {
				c.rules++;
				if (has_word_unquoted(s, "drop") || has_word_unquoted(s, "reject"))
					c.has_drop_rule = true;
				if (w->rule)
					w->rule(w, &c, s, handle);
			}
		}
		depth += brace_delta(s);
		if (depth < 0)
			depth = 0;
		if (in_chain && depth <= 1) {
			in_chain = false;
			if (w->chain_end)
				w->chain_end(w, &c);
		}
	}
}

/* ---- the inventory's chain facts, kept while the ruleset is unchanged ---- */

/*
 * Reading a chain's rules costs the kernel time that grows with the square of
 * the chain's length: a netlink dump comes in rounds of at most 32 KiB (about
 * 70 rules), and each round walks the chain again from its first rule to
 * where the last one stopped. Three chains of 16,700 rules took 120 ms of an
 * apply read one after the other, more than half of it in that walk (perf:
 * __nf_tables_dump_rules); no request asks for less than every rule of a
 * chain, resumes a dump at a rule handle (kernel 6.18 resumes by position),
 * or makes a round bigger (32 KiB is netlink's cap). A bare dump of those
 * three chains, rules received and thrown away, costs the same 120 ms: the
 * time is the kernel's. What can be won is spreading it over the cores (the
 * chains are read side by side, see read_picks) and not reading at all.
 *
 * So what the inventory keeps of each chain it read raw (its rule count, our
 * rules in it, whether it drops) is saved in <rundir>/nft-facts, stamped with
 * the ruleset's generation and the network namespace's cookie
 * (uw_nl_nft_generation). The kernel changes the generation at every commit,
 * whoever makes it (nft, iptables-nft, firewalld, docker), so the file is used
 * only while the ruleset is exactly the one it describes. Our own commits
 * carry it forward when the generation moved by exactly one across them (no
 * one else committed in between), adding or taking away our rules in the
 * chains they touched. The facts are saved only when the generation read
 * before the chains were listed is the one read after their rules were read.
 * A chain holding a foreign masquerade is never kept: what that rule matches
 * is read from nft's text each time.
 */
#define FACTS_MAGIC "usbnet-wizard-nft-facts 1"
#define FACTS_MAX 256

struct fact {
	char fam[16], table[64], chain[64];
	unsigned rules, ours;
	bool drop;
};

struct facts {
	unsigned long long cookie;
	unsigned gen;
	size_t n;
	struct fact v[FACTS_MAX];
};

static void facts_path(char *buf, size_t len, bool tmp)
{
	if (tmp)
		snprintf(buf, len, "%s/.nft-facts.%ld", uw_rundir(), (long)getpid());
	else
		snprintf(buf, len, "%s/nft-facts", uw_rundir());
}

/* Names kept in the file: one word of the characters nft itself prints bare. */
static bool fact_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.$", *s))
			return false;
	return true;
}

static struct fact *fact_find(struct facts *f, const char *fam, const char *table, const char *chain)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].fam, fam) && !strcmp(f->v[i].table, table) &&
		    !strcmp(f->v[i].chain, chain))
			return &f->v[i];
	return NULL;
}

static void fact_put(struct facts *f, const struct chain_info *c, unsigned ours)
{
	struct fact *x;

	if (f->n >= FACTS_MAX || !fact_name_ok(c->fam) || !fact_name_ok(c->table) ||
	    !fact_name_ok(c->chain) || fact_find(f, c->fam, c->table, c->chain))
		return;
	x = &f->v[f->n++];
	uw_strlcpy(x->fam, c->fam, sizeof(x->fam));
	uw_strlcpy(x->table, c->table, sizeof(x->table));
	uw_strlcpy(x->chain, c->chain, sizeof(x->chain));
	x->rules = c->rules;
	x->ours = ours;
	x->drop = c->has_drop_rule;
}

/*
 * The saved facts: true when the file is there, ours (this user's, written by
 * no one else) and whole. Anything else reads as no facts: the chains are
 * then read from the kernel, as without the file.
 */
static bool facts_load(struct facts *f)
{
	char path[512], buf[4096], *line, *save = NULL;
	_auto_(free) char *text = NULL;
	size_t len = 0;
	struct stat st;
	bool head = false, end = false;
	int fd;

	memset(f, 0, sizeof(*f));
	facts_path(path, sizeof(path), false);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size > 64 * 1024) {
		close(fd);
		return false;
	}
	text = uw_malloc0((size_t)st.st_size + 1);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0 || len + (size_t)n > (size_t)st.st_size)
			break;
		memcpy(text + len, buf, (size_t)n);
		len += (size_t)n;
	}
	close(fd);
	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct fact x;
		int drop;

		memset(&x, 0, sizeof(x));
		if (!head) {
			head = !strcmp(line, FACTS_MAGIC);
			if (!head)
				return false;
		} else if (!strncmp(line, "gen ", 4)) {
			if (sscanf(line, "gen %u netns %llu", &f->gen, &f->cookie) != 2)
				return false;
		} else if (!strcmp(line, "end")) {
			end = true;
		} else if (f->n < FACTS_MAX &&
			   sscanf(line, "chain %15s %63s %63s rules %u ours %u drop %d", x.fam, x.table,
				  x.chain, &x.rules, &x.ours, &drop) == 6) {
			x.drop = drop != 0;
			f->v[f->n++] = x;
		} else {
			return false;
		}
	}
	/* No "end": the file is cut short (it is written whole and renamed
	 * into place, but a disk may still fill up). */
	return head && end && f->cookie;
}

/* Save @f whole (a temporary file renamed over the old one), or not at all.
 * Into the runtime directory only when it exists: apply makes it. */
static void facts_save(const struct facts *f)
{
	char path[512], tmp[512];
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	struct stat st;
	ssize_t w;
	int fd;

	if (stat(uw_rundir(), &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return;
	uw_strbuf_printf(&b, FACTS_MAGIC "\ngen %u netns %llu\n", f->gen, f->cookie);
	for (size_t i = 0; i < f->n; i++)
		uw_strbuf_printf(&b, "chain %s %s %s rules %u ours %u drop %d\n", f->v[i].fam,
				 f->v[i].table, f->v[i].chain, f->v[i].rules, f->v[i].ours, f->v[i].drop);
	uw_strbuf_append(&b, "end\n");
	facts_path(tmp, sizeof(tmp), true);
	facts_path(path, sizeof(path), false);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	w = write(fd, b.s, b.len);
	if (close(fd) < 0 || w != (ssize_t)b.len || rename(tmp, path) < 0)
		unlink(tmp);
}

/* Our rules in a foreign chain that a commit adds (+1) or deletes (-1). */
struct fact_change {
	char fam[16], table[64], chain[64];
	int d;
};

static unsigned gen_next(unsigned g)
{
	return g + 1 ? g + 1 : 1; /* the kernel skips 0 */
}

/*
 * After our commit from generation @g0: carry the saved facts forward when
 * they were those of @g0 and nothing but our commit came since; otherwise
 * leave them, stale (their generation is no longer the ruleset's).
 */
static void facts_advance(unsigned g0, const struct fact_change *ch, size_t n)
{
	_auto_(free) struct facts *f = uw_malloc0(sizeof(*f));
	unsigned long long cookie;
	unsigned g1;

	if (!facts_load(f) || f->gen != g0 || uw_nl_nft_generation(&g1, &cookie, NULL) < 0 ||
	    f->cookie != cookie || g1 != gen_next(g0))
		return;
	for (size_t i = 0; i < n; i++) {
		struct fact *x = fact_find(f, ch[i].fam, ch[i].table, ch[i].chain);

		if (!x)
			continue;
		if (ch[i].d < 0 && (x->rules == 0 || x->ours == 0))
			return; /* not what the facts said: leave them stale */
		x->rules += (unsigned)ch[i].d;
		x->ours += (unsigned)ch[i].d;
	}
	f->gen = g1;
	facts_save(f);
}

/*
 * Commit @b, one transaction (raw netlink, core/nl.h: no libnftables); the
 * saved facts follow it (@ch: our rules it adds to or deletes from foreign
 * chains). *bad_tag: the tag of the change refused, -1 none known.
 */
static int nft_commit(struct uw_nl_nft_batch *b, const struct fact_change *ch, size_t n,
		      int *bad_tag, struct uw_error *err)
{
	static size_t batches;
	unsigned g0;
	bool known;
	int r;

	if (!have_net_admin())
		return uw_error_set(err, -EPERM, "Reading or changing nftables needs root "
				    "(CAP_NET_ADMIN): run with sudo.");
	known = uw_nl_nft_generation(&g0, NULL, NULL) == 0;
	/* For the rollback tests only (USBNET_WIZARD_FAULT=nft-batch-refused:N,
	 * docs/testing.md): the Nth batch of the process ends with a change the
	 * kernel refuses, so the kernel aborts the whole batch. */
	if (uw_fault("nft-batch-refused", ++batches))
		uw_nl_nft_batch_del_table(b, OUR_FAMILY, UW_FW_NFT_TABLE "-fault", -1);
	r = uw_nl_nft_batch_commit(b, bad_tag, err);
	if (r == 0 && known)
		facts_advance(g0, ch, n);
	return r;
}

static void change_add(struct fact_change **v, size_t *n, const char *fam, const char *table,
		       const char *chain, int d)
{
	struct fact_change *c;

	*v = uw_realloc(*v, (*n + 1) * sizeof(**v));
	c = &(*v)[(*n)++];
	uw_strlcpy(c->fam, fam, sizeof(c->fam));
	uw_strlcpy(c->table, table, sizeof(c->table));
	uw_strlcpy(c->chain, chain, sizeof(c->chain));
	c->d = d;
}

/* ---- our rules in nft words ---- */

struct where {
	char fam[16], table[64], chain[64];
	bool own;
	const char *chain_def; /* for our own chains */
};

static void where_of(const struct uw_fw_rule *r, struct where *w)
{
	memset(w, 0, sizeof(*w));
	if (r->kind == UW_FW_FORWARD_ACCEPT && r->chain[0]) {
		/* Validated by uw_fw_rule_validate: exactly three names. */
		sscanf(r->chain, "%15s %63s %63s", w->fam, w->table, w->chain);
		w->own = strcmp(w->fam, OUR_FAMILY) == 0 && strcmp(w->table, UW_FW_NFT_TABLE) == 0;
		if (w->own && strcmp(w->chain, "forward") == 0)
			w->chain_def = "{ type filter hook forward priority filter; policy accept; }";
		else
			w->own = false; /* treat any other chain as someone else's */
		return;
	}
	uw_strlcpy(w->fam, OUR_FAMILY, sizeof(w->fam));
	uw_strlcpy(w->table, UW_FW_NFT_TABLE, sizeof(w->table));
	w->own = true;
	switch (r->kind) {
	case UW_FW_MASQUERADE:
		uw_strlcpy(w->chain, "postrouting", sizeof(w->chain));
		w->chain_def = "{ type nat hook postrouting priority srcnat; policy accept; }";
		break;
	case UW_FW_DNAT:
		uw_strlcpy(w->chain, "prerouting", sizeof(w->chain));
		w->chain_def = "{ type nat hook prerouting priority dstnat; policy accept; }";
		break;
	default:
		uw_strlcpy(w->chain, "forward", sizeof(w->chain));
		w->chain_def = "{ type filter hook forward priority filter; policy accept; }";
	}
}

static void addr_text(char *buf, size_t n, struct in_addr a, unsigned len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	if (len == 32)
		snprintf(buf, n, "%s", ip); /* nft prints a /32 as the bare address */
	else
		snprintf(buf, n, "%s/%u", ip, len);
}

/* The rule's statements, spelled exactly as `nft list` prints them. */
static void rule_body(const struct uw_fw_rule *r, char *buf, size_t len)
{
	char a[32];
	size_t o = 0;

#define PUT(...) o += (size_t)snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__)
	buf[0] = '\0';
	if (r->src_len) {
		addr_text(a, sizeof(a), r->src, r->src_len);
		PUT("ip saddr %s ", a);
	}
	if (r->dst_len) {
		addr_text(a, sizeof(a), r->dst, r->dst_len);
		PUT("ip daddr %s ", a);
	}
	if (r->in_iface[0])
		PUT("iifname \"%s\" ", r->in_iface);
	if (r->out_iface[0])
		PUT("oifname \"%s\" ", r->out_iface);
	if (r->kind == UW_FW_DNAT) {
		char to[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &r->to, to, sizeof(to));
		PUT("%s dport %u dnat to %s ", r->proto == IPPROTO_TCP ? "tcp" : "udp", r->dport, to);
	} else if (r->kind == UW_FW_MASQUERADE) {
		PUT("masquerade ");
	} else {
		PUT("accept ");
	}
	PUT("%s", TAG_TEXT);
#undef PUT
}

/* @r in the kernel's terms (core/nl.h), for writing and for finding it again. */
static void plain_of(const struct uw_fw_rule *r, struct uw_nl_nft_plain *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = r->kind == UW_FW_MASQUERADE ? UW_NL_NFT_MASQ :
		  r->kind == UW_FW_DNAT ? UW_NL_NFT_DNAT : UW_NL_NFT_ACCEPT;
	p->src = r->src;
	p->src_len = r->src_len;
	p->dst = r->dst;
	p->dst_len = r->dst_len;
	uw_strlcpy(p->iif, r->in_iface, sizeof(p->iif));
	uw_strlcpy(p->oif, r->out_iface, sizeof(p->oif));
	if (r->kind == UW_FW_DNAT) {
		p->proto = r->proto;
		p->dport = r->dport;
		p->to = r->to;
	}
}

/* Our chains' definitions, as the shell text spells them in nft words. */
static void chain_hook(const char *chain, const char **type, const char **hook, int *prio)
{
	if (!strcmp(chain, "postrouting"))
		*type = "nat", *hook = "postrouting", *prio = 100;      /* srcnat */
	else if (!strcmp(chain, "prerouting"))
		*type = "nat", *hook = "prerouting", *prio = -100;      /* dstnat */
	else
		*type = "filter", *hook = "forward", *prio = 0;         /* filter */
}

/*
 * Where each of @n rules is now: handle[i] (0 = absent), missing[i] when
 * its foreign chain does not exist, and *own_rules the number of rules in
 * our table (every rule there, ours by definition). One raw dump of our
 * table's rules and one of each foreign chain named, whatever @n: a rule
 * is ours when its comment is our tag and its statements are exactly those
 * we write (core/nl.h decodes only that shape), so a foreign rule that
 * differs from ours in anything nft would print is never taken.
 */
struct locate {
	size_t n;
	const struct where *wh;
	const struct uw_nl_nft_plain *want;
	unsigned long *handle;
	unsigned own_rules;
	bool counting_own;
};

static void locate_rule_cb(const char *fam, const char *table, const struct uw_nl_nft_plain_rule *r,
			   void *ud)
{
	struct locate *l = ud;

	if (l->counting_own)
		l->own_rules++;
	if (strcmp(r->comment, UW_FW_TAG) != 0)
		return;
	for (size_t i = 0; i < l->n; i++) {
		const struct where *wh = &l->wh[i];

		if (l->handle[i] || strcmp(wh->fam, fam) || strcmp(wh->table, table) ||
		    strcmp(wh->chain, r->chain) || !uw_nl_nft_plain_equal(&r->r, &l->want[i]))
			continue;
		/* Each listed rule goes to one asked-for rule: two equal rules
		 * asked for take two copies. */
		l->handle[i] = r->handle ? (unsigned long)r->handle : 1;
		break;
	}
}

static bool same_chain(const struct where *a, const struct where *b)
{
	return !strcmp(a->fam, b->fam) && !strcmp(a->table, b->table) && !strcmp(a->chain, b->chain);
}

static int locate_rules(struct locate *l, bool *missing, struct uw_error *err)
{
	bool own = false;
	int r;

	if (!have_net_admin())
		return uw_error_set(err, -EPERM, "Reading or changing nftables needs root "
				    "(CAP_NET_ADMIN): run with sudo.");
	for (size_t i = 0; i < l->n; i++) {
		l->handle[i] = 0;
		missing[i] = false;
		own |= l->wh[i].own;
	}
	l->own_rules = 0;
	/* All of our table in one dump (with its rule count: a delete needs
	 * to know whether the table empties). When the table is not there
	 * (every fresh apply), one question says so. */
	if (own) {
		r = uw_nl_nft_table_exists(OUR_FAMILY, UW_FW_NFT_TABLE, err);
		if (r < 0)
			return r;
		if (r > 0) {
			l->counting_own = true;
			r = uw_nl_nft_rules_plain(OUR_FAMILY, UW_FW_NFT_TABLE, NULL, UW_FW_TAG,
						  locate_rule_cb, l, err);
			l->counting_own = false;
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		size_t k;

		if (l->wh[i].own)
			continue;
		for (k = 0; k < i; k++)
			if (!l->wh[k].own && same_chain(&l->wh[k], &l->wh[i]))
				break;
		if (k < i) {
			missing[i] = missing[k];
			continue;
		}
		/* A dump does not look the chain up (a chain that does not
		 * exist lists no rule): ask first. */
		r = uw_nl_nft_chain_exists(l->wh[i].fam, l->wh[i].table, l->wh[i].chain, err);
		if (r < 0)
			return r;
		if (r == 0) {
			missing[i] = true;
			continue;
		}
		r = uw_nl_nft_rules_plain(l->wh[i].fam, l->wh[i].table, l->wh[i].chain, UW_FW_TAG,
					  locate_rule_cb, l, err);
		if (r < 0)
			return r;
	}
	return 0;
}

struct batch {
	size_t n;
	struct where *wh;
	struct uw_nl_nft_plain *want;
	unsigned long *handle;
	bool *missing;
	struct locate l;
};

static void batch_init(struct batch *b, const struct uw_fw_rule *rules, size_t n)
{
	b->n = n;
	b->wh = uw_malloc0(sizeof(*b->wh) * (n ? n : 1));
	b->want = uw_malloc0(sizeof(*b->want) * (n ? n : 1));
	b->handle = uw_malloc0(sizeof(*b->handle) * (n ? n : 1));
	b->missing = uw_malloc0(sizeof(*b->missing) * (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		where_of(&rules[i], &b->wh[i]);
		plain_of(&rules[i], &b->want[i]);
	}
	b->l = (struct locate){ .n = n, .wh = b->wh, .want = b->want, .handle = b->handle };
}

static void batch_free(struct batch *b)
{
	free(b->wh);
	free(b->want);
	free(b->handle);
	free(b->missing);
}

static int nft_probe_many(const struct uw_fw_rule *rules, size_t n, int *present,
			 struct uw_error *err)
{
	struct batch b;
	int r;

	batch_init(&b, rules, n);
	r = locate_rules(&b.l, b.missing, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		present[i] = b.handle[i] != 0;
	batch_free(&b);
	return r;
}

/*
 * Every rule not yet there in one transaction: our table, its chains (an
 * `add` of what exists is a no-op) and the rules in the order the shell
 * text of each rule gives them, so that the kernel ends up holding exactly
 * what those commands make (tests/test-fw.c compares both listings).
 */
static int nft_add_many(const struct uw_fw_rule *rules, size_t n, int *res, size_t *bad,
		       struct uw_error *err)
{
	_auto_(uw_nl_nft_batch_free) struct uw_nl_nft_batch *nb = uw_nl_nft_batch_new();
	_auto_(free) size_t *idx = uw_malloc0(sizeof(size_t) * (n ? n : 1));
	size_t m = 0;
	bool table_done = false;
	struct batch b;
	int r, tag = -1;

	*bad = 0;
	batch_init(&b, rules, n);
	r = locate_rules(&b.l, b.missing, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		res[i] = b.handle[i] ? 1 : 0;
		if (b.handle[i])
			continue;
		if (b.missing[i]) {
			*bad = i;
			r = uw_error_set(err, -ENOENT,
					 "There is no nftables chain \"%s %s %s\" — give an existing "
					 "chain (see the firewall inventory) or none for our own table.",
					 b.wh[i].fam, b.wh[i].table, b.wh[i].chain);
			break;
		}
		if (b.wh[i].own) {
			bool chain_done = false;

			if (!table_done)
				uw_nl_nft_batch_add_table(nb, b.wh[i].fam, b.wh[i].table, (int)i);
			table_done = true;
			for (size_t k = 0; k < m && !chain_done; k++)
				chain_done = b.wh[idx[k]].own && !strcmp(b.wh[idx[k]].chain, b.wh[i].chain);
			if (!chain_done) {
				const char *type, *hook;
				int prio;

				chain_hook(b.wh[i].chain, &type, &hook, &prio);
				uw_nl_nft_batch_add_chain(nb, b.wh[i].fam, b.wh[i].table, b.wh[i].chain,
							  type, hook, prio, (int)i);
			}
		}
		/* Someone else's chain: at its top, since after their drop it
		 * would never be reached. */
		uw_nl_nft_batch_add_rule(nb, b.wh[i].fam, b.wh[i].table, b.wh[i].chain, !b.wh[i].own,
					 &b.want[i], UW_FW_TAG, (int)i);
		idx[m++] = i;
	}
	if (r == 0 && m) {
		_auto_(free) struct fact_change *ch = NULL;
		size_t n_ch = 0;

		for (size_t k = 0; k < m; k++)
			if (!b.wh[idx[k]].own)
				change_add(&ch, &n_ch, b.wh[idx[k]].fam, b.wh[idx[k]].table,
					   b.wh[idx[k]].chain, +1);
		r = nft_commit(nb, ch, n_ch, &tag, err);
		if (r < 0)
			*bad = tag >= 0 ? (size_t)tag : idx[0];
	}
	batch_free(&b);
	return r;
}

static int nft_del_many(const struct uw_fw_rule *rules, size_t n, int *res, struct uw_error *err)
{
	_auto_(uw_nl_nft_batch_free) struct uw_nl_nft_batch *nb = uw_nl_nft_batch_new();
	_auto_(free) struct fact_change *ch = NULL;
	size_t n_ch = 0;
	unsigned own_del = 0;
	struct batch b;
	int r;

	batch_init(&b, rules, n);
	r = locate_rules(&b.l, b.missing, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		res[i] = b.handle[i] ? 0 : 1;
		if (b.handle[i] && b.wh[i].own)
			own_del++;
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!b.handle[i])
			continue;
		/* Our table with no rule left goes in the same transaction
		 * (nothing of ours lingers, not even for a moment). */
		if (b.wh[i].own && own_del == b.l.own_rules)
			continue;
		uw_nl_nft_batch_del_rule(nb, b.wh[i].fam, b.wh[i].table, b.wh[i].chain, b.handle[i],
					 (int)i);
		if (!b.wh[i].own)
			change_add(&ch, &n_ch, b.wh[i].fam, b.wh[i].table, b.wh[i].chain, -1);
	}
	if (r == 0 && own_del && own_del == b.l.own_rules)
		uw_nl_nft_batch_del_table(nb, OUR_FAMILY, UW_FW_NFT_TABLE, -1);
	if (r == 0 && uw_nl_nft_batch_count(nb))
		r = nft_commit(nb, ch, n_ch, NULL, err);
	batch_free(&b);
	return r;
}

static void count_rule_cb(const char *fam, const char *table, const struct uw_nl_nft_plain_rule *r,
			  void *ud)
{
	(*(unsigned *)ud)++;
}

/*
 * Our table with no rule in it is removed: what a revert killed between its
 * last rule and the table left (before reverts became one transaction), or
 * anything else that emptied it. Nothing of ours lingers.
 */
static int nft_drop_empty_table(struct uw_error *err)
{
	_auto_(uw_nl_nft_batch_free) struct uw_nl_nft_batch *nb = NULL;
	unsigned rules = 0;
	bool ours;
	int r;

	if (uw_nl_nft_tables(OUR_FAMILY, UW_FW_NFT_TABLE, &ours, NULL) >= 0 && !ours)
		return 0;
	r = uw_nl_nft_rules_plain(OUR_FAMILY, UW_FW_NFT_TABLE, NULL, NULL, count_rule_cb, &rules, err);
	if (r < 0 || rules)
		return r < 0 ? r : 0;
	nb = uw_nl_nft_batch_new();
	uw_nl_nft_batch_del_table(nb, OUR_FAMILY, UW_FW_NFT_TABLE, -1);
	r = nft_commit(nb, NULL, 0, NULL, err);
	if (r == -ENOENT) {   /* gone meanwhile */
		uw_error_clear(err);
		return 0;
	}
	return r < 0 ? r : 1;
}

/* ---- cleanup ---- */

struct cleanup {
	struct uw_nl_nft_batch *b;
	int removed;
	struct fact_change *ch;
	size_t n_ch;
};

static void cleanup_rule_cb(const char *fam, const char *table, const struct uw_nl_nft_plain_rule *r,
			    void *ud)
{
	struct cleanup *c = ud;

	if (!strcmp(fam, OUR_FAMILY) && !strcmp(table, UW_FW_NFT_TABLE)) {
		c->removed++; /* goes with the table */
		return;
	}
	if (strcmp(r->comment, UW_FW_TAG) != 0 || !r->handle)
		return;
	uw_nl_nft_batch_del_rule(c->b, fam, table, r->chain, r->handle, -1);
	change_add(&c->ch, &c->n_ch, fam, table, r->chain, -1);
	c->removed++;
}

/* Every rule of every table read raw: our table goes whole, and each rule
 * tagged by us elsewhere by its handle, in one transaction. */
static int nft_remove_all_ours(struct uw_error *err)
{
	struct cleanup c = { .b = uw_nl_nft_batch_new() };
	bool have_table = false;
	int r;

	if (!have_net_admin()) {
		uw_nl_nft_batch_free(c.b);
		return uw_error_set(err, -EPERM, "Reading or changing nftables needs root "
				    "(CAP_NET_ADMIN): run with sudo.");
	}
	r = uw_nl_nft_tables(OUR_FAMILY, UW_FW_NFT_TABLE, &have_table, err);
	if (r >= 0)
		r = uw_nl_nft_rules_plain(NULL, NULL, NULL, NULL, cleanup_rule_cb, &c, err);
	if (r >= 0 && have_table)
		uw_nl_nft_batch_del_table(c.b, OUR_FAMILY, UW_FW_NFT_TABLE, -1);
	if (r >= 0 && uw_nl_nft_batch_count(c.b))
		r = nft_commit(c.b, c.ch, c.n_ch, NULL, err);
	uw_nl_nft_batch_free(c.b);
	free(c.ch);
	return r < 0 ? r : c.removed;
}

/* ---- inventory ---- */

static bool is_ours(const char *fam, const char *table)
{
	return strcmp(fam, OUR_FAMILY) == 0 && strcmp(table, UW_FW_NFT_TABLE) == 0;
}

static void inv_table_cb(struct walker *w, const char *fam, const char *name)
{
	struct uw_fw_inventory *inv = w->data;

	if (is_ours(fam, name))
		inv->nft_has_ours = true;
	else
		inv->nft_tables++;
}

/*
 * What a foreign masquerade rule matches, from nft's own text of it:
 * "ip saddr 192.168.0.0/24 oifname \"eth0\" masquerade". Anything else it
 * matches on (ports, marks, negations) makes it "not understood": such a
 * rule is never taken as covering the phone.
 */
static void masq_parse(const char *text, struct uw_fw_masq *m)
{
	_auto_(free) char *t = uw_strdup(text);
	char *save = NULL, *w;

	memset(m, 0, sizeof(*m));
	m->backend = UW_FW_NFTABLES;
	for (w = strtok_r(t, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *v;

		if (!strcmp(w, "masquerade") || !strcmp(w, "counter") || !strncmp(w, "packets", 7))
			break;
		v = strtok_r(NULL, " \t", &save);
		if (!strcmp(w, "ip") && v && !strcmp(v, "saddr")) {
			struct uw_ip4_net net;
			char *a = strtok_r(NULL, " \t", &save);

			/* nft prints a single host without "/32" */
			net.plen = 32;
			if (!a || !strcmp(a, "!=") ||
			    (strchr(a, '/') ? uw_ip4_parse_cidr(a, &net, NULL, NULL) :
			     uw_ip4_parse(a, &net.addr, NULL, NULL)) < 0) {
				m->negated = true;
				return;
			}
			m->src = net.addr;
			m->plen = net.plen;
		} else if ((!strcmp(w, "oifname") || !strcmp(w, "oif")) && v && strcmp(v, "!=")) {
			v += *v == '"';
			v[strcspn(v, "\"")] = '\0';
			uw_strlcpy(m->out_iface, v, sizeof(m->out_iface));
			uw_sanitize(m->out_iface, 0);
		} else {
			m->negated = true;
			return;
		}
	}
}

static void inv_rule_cb(struct walker *w, const struct chain_info *c, const char *text,
			unsigned long handle)
{
	struct uw_fw_inventory *inv = w->data;
	bool tagged = strstr(text, TAG_TEXT) != NULL;

	if (is_ours(c->fam, c->table))
		return;
	inv->nft_rules_foreign++;
	if (tagged)
		inv->nft_ours_foreign_chains++;
	else if (has_word_unquoted(text, "masquerade")) {
		inv->foreign_masquerade++;
		if (inv->n_masq < UW_ARRAY_SIZE(inv->masq))
			masq_parse(text, &inv->masq[inv->n_masq++]);
	}
}

static void inv_chain_cb(struct walker *w, const struct chain_info *c)
{
	struct uw_fw_inventory *inv = w->data;
	char spec[160];

	if (is_ours(c->fam, c->table))
		return;
	/* Names come from the kernel as whoever made them wrote them (raw
	 * netlink, nft -j): any byte but NUL. The spec goes into plans,
	 * notes and reports, so it is made safe to show here; a name changed
	 * by that no longer passes uw_fw_rule_validate, and no rule is ever
	 * written or shown for it (the plan says so instead). */
	snprintf(spec, sizeof(spec), "%s %s %s", c->fam, c->table, c->chain);
	uw_sanitize(spec, 0);
	if (strcmp(c->fam, "ip") == 0 && strcmp(c->table, "filter") == 0 &&
	    strcmp(c->chain, "DOCKER-USER") == 0 && !inv->docker_user) {
		inv->docker_user = true;
		inv->docker_user_backend = UW_FW_NFTABLES;
		uw_strlcpy(inv->docker_user_chain, spec, sizeof(inv->docker_user_chain));
	}
	/* Only the IPv4 forward path matters for the phone's traffic. */
	if ((strcmp(c->fam, "ip") == 0 || strcmp(c->fam, "inet") == 0) &&
	    strcmp(c->hook, "forward") == 0 && (c->policy_drop || c->has_drop_rule))
		uw_fw_backend_drop(inv, UW_FW_NFTABLES, spec, c->policy_drop, c->has_drop_rule);
}

/*
 * The quick inventory reads the chains raw (one NFT_MSG_GETCHAIN dump, no
 * rules and no libnftables) and then the rules of only the chains where a fact can be:
 * regular chains (DOCKER-USER, and a masquerade reached by a jump), and base
 * chains on the forward hook (drops; our FORWARD_ACCEPTs, which the plan only
 * puts into forward-hook chains and DOCKER-USER) and the postrouting hook
 * (masquerade: the kernel refuses it in any other base chain). Base chains on
 * prerouting, input, output, ingress and egress are skipped, and with them
 * the cost of dumping their rules, which is where the time of `list ruleset`
 * goes (the kernel's dump and libnftables' parsing, not our text walk).
 *
 * What a plan reads (uw_fw_inventory_read_plan: plan, apply, watch) skips
 * more: every chain but the ip and inet forward-hook base chains, where the
 * only facts a plan is made of are (the drops; DOCKER-USER counts by its
 * name). On a host with 50,000 rules spread over forward, postrouting and a
 * regular chain, that is one long dump instead of three (bench/many-rules.sh).
 */
struct pick {
	struct chain_info c;   /* as the chain dump gave it: no rule read yet */
};

struct picks {
	struct uw_fw_inventory *inv;
	struct pick *v;
	size_t n;
	bool plan;      /* uw_fw_inventory_read_plan: only the chains a plan uses */
	bool skipped;   /* some foreign chain's rules are not read */
};

static void pick_chain_cb(const struct uw_nl_nft_chain *nc, void *ud)
{
	struct picks *p = ud;
	struct chain_info c;
	struct pick *k;

	memset(&c, 0, sizeof(c));
	uw_strlcpy(c.fam, nc->family, sizeof(c.fam));
	uw_strlcpy(c.table, nc->table, sizeof(c.table));
	uw_strlcpy(c.chain, nc->name, sizeof(c.chain));
	uw_strlcpy(c.type, nc->type, sizeof(c.type));
	uw_strlcpy(c.hook, nc->hook, sizeof(c.hook));
	c.policy_drop = nc->policy_drop;
	if (is_ours(c.fam, c.table))
		return;
	/* A plan reads only drops on the IPv4 forward path (inv_chain_cb). */
	if ((c.hook[0] && strcmp(c.hook, "forward") != 0 && strcmp(c.hook, "postrouting") != 0) ||
	    (p->plan && (strcmp(c.hook, "forward") != 0 ||
			 (strcmp(c.fam, "ip") != 0 && strcmp(c.fam, "inet") != 0)))) {
		struct walker iw = { .data = p->inv };

		/* Its rules are not read, but its name may still be DOCKER-USER. */
		inv_chain_cb(&iw, &c);
		p->skipped = true;
		return;
	}
	p->v = uw_realloc(p->v, (p->n + 1) * sizeof(*p->v));
	k = &p->v[p->n++];
	k->c = c;
}

/* One picked chain's rules, read raw (core/nl.h): no text for each rule. */
struct raw_chain {
	struct chain_info c;
	unsigned ours;         /* rules tagged by us */
	bool masq;             /* a foreign masquerade: its match needs nft's text */
};

static void raw_rule_cb(const struct uw_nl_nft_rule *r, void *ud)
{
	struct raw_chain *rc = ud;

	rc->c.rules++;
	if (r->drop)
		rc->c.has_drop_rule = true;
	if (!strcmp(r->comment, UW_FW_TAG))
		rc->ours++;
	else if (r->masquerade)
		rc->masq = true;
}

/*
 * The picked chains whose rules must come from the kernel, read side by side.
 * A rule dump costs the kernel time that grows with the square of the
 * chain's length (see the facts above), and one chain's dump cannot be split,
 * but the dumps of different chains are independent: each on a thread and a
 * socket of its own, they run on as many cores as are idle. Each thread
 * only fills its own struct chain_read; the inventory is put together from
 * them afterwards, in the order of the picks, by the calling thread alone.
 */
#define READ_THREADS_MAX 4

struct chain_read {
	struct raw_chain rc;
	bool want;             /* no saved fact: read it */
	int r;                 /* uw_nl_nft_chain_rules' result */
	struct uw_error err;
};

struct chain_reads {
	struct chain_read *v;
	size_t n;
	atomic_size_t next;    /* the next one to take */
	atomic_uint dumps;     /* dumps started */
};

/* One chain's rules into @x (from nothing: a read again starts over). */
static void chain_read_one(struct chain_reads *rs, struct chain_read *x)
{
	unsigned nth = atomic_fetch_add(&rs->dumps, 1) + 1;

	x->rc.c.rules = 0;
	x->rc.c.has_drop_rule = false;
	x->rc.ours = 0;
	x->rc.masq = false;
	/* Tests only: the Nth dump of this read is reported as interrupted
	 * by a commit, as the kernel would (see read_picks). */
	if (uw_fault("nft-dump-intr", nth)) {
		x->r = uw_error_set(&x->err, -EINTR, "simulated interrupted dump "
				    "(USBNET_WIZARD_FAULT)");
		return;
	}
	x->r = uw_nl_nft_chain_rules(x->rc.c.fam, x->rc.c.table, x->rc.c.chain, raw_rule_cb,
				     &x->rc, &x->err);
}

static void *chain_read_worker(void *arg)
{
	struct chain_reads *rs = arg;
	size_t i;

	while ((i = atomic_fetch_add(&rs->next, 1)) < rs->n)
		if (rs->v[i].want)
			chain_read_one(rs, &rs->v[i]);
	return NULL;
}

/*
 * How many threads to read @wanted chains with: side by side only on cores
 * that nothing else wants right now (the runnable tasks in /proc/loadavg,
 * ourselves aside) nor wanted lately (its one-minute load below the CPUs). On 2 idle cores three chains of 16,700 rules took 69 ms
 * side by side against 120 ms one after the other; on the same cores with a
 * load of 8, side by side took 545 ms (median of 10) against 369 ms: the
 * kernel's walk of a chain is bound by memory, our threads then share one
 * slice of the CPU and evict each other's chain from the caches. More threads
 * than idle cores still pays on an idle machine (3 on 2 cores: the chains
 * differ in length, and the kernel shares the cores out among them).
 */
static size_t read_threads(size_t wanted)
{
	cpu_set_t set;
	long cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set)
								 : sysconf(_SC_NPROCESSORS_ONLN);
	unsigned running = 0, total = 0;
	double l1, l5, l15;
	long idle;
	size_t n = wanted < READ_THREADS_MAX ? wanted : READ_THREADS_MAX;
	const char *fault = uw_env_get(UW_ENV_FAULT);
	unsigned forced;
	FILE *f;

	/* Tests only: as many threads as if that many cores were idle, so that
	 * the side-by-side read is tested on a busy machine too. */
	if (fault && sscanf(fault, "nft-read-threads:%u", &forced) == 1 && forced >= 1)
		return n < forced ? n : forced;
	f = fopen("/proc/loadavg", "re");
	if (!f)
		return 1;
	if (fscanf(f, "%lf %lf %lf %u/%u", &l1, &l5, &l15, &running, &total) != 5)
		running = 0;
	fclose(f);
	/* Busy now (runnable tasks other than us), or busy lately (the
	 * one-minute load: the instant count alone misses a machine that is
	 * busy in bursts, and side by side then measured slower still). */
	if (running == 0 || l1 >= (double)cpus)
		return 1;
	idle = cpus - (long)(running - 1);   /* running counts us */
	if (idle < 2)
		return 1;
	if ((long)n > idle + 1)
		n = (size_t)idle + 1;
	return n;
}

/* Read every wanted chain of @rs, on read_threads() threads, the caller
 * being one of them. */
static void chain_reads_run(struct chain_reads *rs, size_t wanted)
{
	pthread_t t[READ_THREADS_MAX - 1];
	size_t n = 0, want = wanted > 1 ? read_threads(wanted) : 1;

	for (; n + 1 < want; n++)
		if (pthread_create(&t[n], NULL, chain_read_worker, rs) != 0)
			break;   /* fewer threads: the rest is read here */
	chain_read_worker(rs);
	while (n)
		pthread_join(t[--n], NULL);
}

/*
 * Read the picked chains' rules into @inv: each chain with one kernel dump
 * filtered by table and chain, looked at raw (a drop or reject verdict, a
 * masquerade, our comment), not turned into text by libnftables, which is
 * where the time of a 50,000-rule chain went; the chains side by side
 * while cores are idle (read_threads). A chain holding a foreign masquerade is listed as text
 * after all: what that rule matches (source, outgoing interface) is read from
 * nft's own words (masq_parse). Returns 0 or a negative errno; the caller
 * then reads the whole ruleset instead (a chain may have gone between the two
 * reads, or changed while it was read: uw_nl_nft_chain_rules says -EINTR).
 */
static int read_picks(struct uw_fw_inventory *inv, const struct picks *p, struct facts *saved,
		      struct facts *seen, size_t *n_read, struct uw_error *err)
{
	struct walker w = { .rule = inv_rule_cb, .chain_end = inv_chain_cb, .data = inv };
	struct walker iw = { .data = inv };
	_auto_(free) struct chain_read *v = p->n ? uw_malloc0(p->n * sizeof(*v)) : NULL;
	struct chain_reads rs = { .v = v, .n = p->n };
	size_t wanted = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct chain_info *c = &p->v[i].c;
		const struct fact *x = saved ? fact_find(saved, c->fam, c->table, c->chain) : NULL;

		v[i].rc.c = *c;
		if (x) {
			/* Kept from a read of this very ruleset (its generation). */
			v[i].rc.c.rules = x->rules;
			v[i].rc.c.has_drop_rule = x->drop;
			v[i].rc.ours = x->ours;
		} else {
			v[i].want = true;
			wanted++;
		}
	}
	if (wanted)
		chain_reads_run(&rs, wanted);
	/* A chain whose dump a commit interrupted is read again (a few times):
	 * the fallback, libnftables' whole ruleset, costs seconds on a host with
	 * tens of thousands of rules, and a busy firewall (a daemon starting at
	 * boot) commits often. */
	for (size_t i = 0; i < p->n; i++)
		for (int again = 0; again < 3 && v[i].want && v[i].r == -EINTR; again++)
			chain_read_one(&rs, &v[i]);

	for (size_t i = 0; i < p->n; i++) {
		struct raw_chain *rc = &v[i].rc;
		_auto_(free) char *cmd = NULL;
		_auto_(free) char *out = NULL;
		int r;

		if (v[i].want) {
			if (v[i].r < 0) {
				if (err)
					*err = v[i].err;
				return v[i].r;
			}
			(*n_read)++;
		}
		if (!rc->masq) {
			fact_put(seen, &rc->c, rc->ours);
			inv->nft_rules_foreign += rc->c.rules;
			inv->nft_ours_foreign_chains += rc->ours;
			inv_chain_cb(&iw, &rc->c);
			continue;
		}
		/* libnftables 1.0.6 cannot name a chain whose name is one of its
		 * keywords (`list chain inet t fwd` is a syntax error): then this
		 * fails and the caller reads the whole ruleset. */
		cmd = uw_strdup_printf("list chain %s %s %s", rc->c.fam, rc->c.table, rc->c.chain);
		r = nft_run(cmd, 0, &out, err);
		if (r < 0)
			return r;
		walk(out, &w);
	}
	return 0;
}

/* @tables, @ours: the kernel's table dump (uw_nl_nft_tables), already made. */
static int inventory_quick(struct uw_fw_inventory *inv, unsigned tables, bool ours, bool plan,
			   struct uw_error *err)
{
	_auto_(free) struct uw_fw_inventory *before = uw_malloc0(sizeof(*before));
	_auto_(free) struct facts *saved = uw_malloc0(sizeof(*saved));
	_auto_(free) struct facts *seen = uw_malloc0(sizeof(*seen));
	struct picks p = { .inv = inv, .plan = plan };
	unsigned long long cookie = 0;
	unsigned g0 = 0, g1 = 0;
	bool known = uw_nl_nft_generation(&g0, &cookie, NULL) == 0;
	size_t n_read = 0;
	int r;

	/* The facts saved by an earlier run count only for this very ruleset. */
	if (!known || !facts_load(saved) || saved->cookie != cookie || saved->gen != g0)
		saved->n = 0;
	*before = *inv;
	inv->nft_tables += tables;
	inv->nft_has_ours |= ours;
	/* The chains raw: libnftables' `list chains` cost a process about 5 ms
	 * to load the library and fill its cache before any chain was read. */
	r = uw_nl_nft_chains(pick_chain_cb, &p, err);
	if (r < 0) {
		free(p.v);
		*inv = *before;
		return r;
	}
	r = read_picks(inv, &p, saved->n ? saved : NULL, seen, &n_read, err);
	free(p.v);
	/* Save what was read from the kernel, when no commit came between the
	 * listing of the chains and the last of their rules. */
	if (r == 0 && known && n_read && uw_nl_nft_generation(&g1, NULL, NULL) == 0 && g1 == g0) {
		seen->gen = g0;
		seen->cookie = cookie;
		facts_save(seen);
	}
	if (r < 0) {
		/* Start the nft part again from the whole ruleset. */
		*inv = *before;
		uw_error_clear(err);
		return 1;
	}
	inv->nft_rules_counted = !p.skipped;
	return 0;
}

static int nft_inventory_read(struct uw_fw_inventory *inv, enum uw_fw_read how, unsigned tables,
			      bool ours, struct walker *wk, char **outp, struct uw_error *err);

static int nft_inventory(struct uw_fw_inventory *inv, enum uw_fw_read how, struct uw_error *err)
{
	_auto_(free) char *out = NULL;
	struct walker w = { .table = inv_table_cb, .rule = inv_rule_cb,
			    .chain_end = inv_chain_cb, .data = inv };
	bool ours = false;
	int tables = uw_nl_nft_tables(OUR_FAMILY, UW_FW_NFT_TABLE, &ours, NULL), r = 1;

	/* No table at all (a legacy host, a bare one): nothing to read, and no
	 * libnftables to load for it. */
	if (tables == 0 && !ours) {
		inv->nft_available = true;
		inv->nft_rules_counted = true;
		return 0;
	}
	r = nft_inventory_read(inv, how, tables < 0 ? 0 : (unsigned)tables, ours, &w, &out, err);
	/* libnftables missing or failing: what the kernel said still stands, so
	 * that a host using nftables is not taken for a legacy one. */
	if (r < 0 && tables >= 0) {
		inv->nft_available = true;
		inv->nft_tables = (unsigned)tables;
		inv->nft_has_ours = ours;
	}
	return r;
}

static int nft_inventory_read(struct uw_fw_inventory *inv, enum uw_fw_read how, unsigned tables,
			      bool ours, struct walker *wk, char **outp, struct uw_error *err)
{
	int r = 1;

	/* (the kernel's table count is known only when its dump worked) */
	if (how != UW_FW_READ_FULL && (tables || ours))
		r = inventory_quick(inv, tables, ours, how == UW_FW_READ_PLAN, err);
	if (r < 0)
		return r;
	if (r > 0) {
		r = nft_run("list ruleset", 0, outp, err);
		if (r < 0)
			return r;
		walk(*outp, wk);
		inv->nft_rules_counted = true;
	}
	inv->nft_available = true;
	return 0;
}

/* ---- shell text ---- */

/* Escape for a basic sed regular expression between / delimiters. */
static void sed_escape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (strchr(".[]*^$\\/", *in))
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o] = '\0';
}

static void nft_shell(const struct uw_fw_rule *r, bool add, char *buf, size_t len)
{
	struct where wh;
	char body[512], esc[1100];

	where_of(r, &wh);
	rule_body(r, body, sizeof(body));
	if (add && wh.own) {
		snprintf(buf, len,
			 "nft add table %s %s && nft 'add chain %s %s %s %s' && "
			 "nft 'add rule %s %s %s %s'",
			 wh.fam, wh.table, wh.fam, wh.table, wh.chain, wh.chain_def, wh.fam,
			 wh.table, wh.chain, body);
		return;
	}
	if (add) {
		snprintf(buf, len, "nft 'insert rule %s %s %s %s'", wh.fam, wh.table, wh.chain,
			 body);
		return;
	}
	/* nft deletes rules by handle: find ours by its exact text. */
	sed_escape(body, esc, sizeof(esc));
	snprintf(buf, len,
		 "h=$(nft -a list chain %s %s %s | sed -n 's/^[[:space:]]*%s # handle "
		 "\\([0-9]*\\)$/\\1/p' | head -n 1) && [ -n \"$h\" ] && "
		 "nft delete rule %s %s %s handle \"$h\"%s",
		 wh.fam, wh.table, wh.chain, esc, wh.fam, wh.table, wh.chain,
		 wh.own ? " && { nft list table " OUR_FAMILY " " UW_FW_NFT_TABLE
			  " | grep -q 'comment \"" UW_FW_TAG "\"' || nft delete table "
			  OUR_FAMILY " " UW_FW_NFT_TABLE "; }"
			: "");
}

static void nft_where(const struct uw_fw_rule *r, char *buf, size_t len)
{
	struct where wh;

	where_of(r, &wh);
	snprintf(buf, len, "%s %s %s", wh.fam, wh.table, wh.chain);
}

const struct uw_fw_ops uw_fw_nft_ops = UW_FW_OPS(nft, UW_FW_NFTABLES, nft_drop_empty_table);
