// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolv.conf parser. Every input byte is looked at a bounded number of
 * times and every copy is bounded by its destination, so any file (binary
 * junk, NULs, a 1 GB line) parses in linear time into fixed-size storage.
 */
#include "core/resolv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "core/ip4.h"
#include "core/userfile.h"
#include "core/util.h"

struct tok {
	const char *p;
	size_t n;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Next blank-separated token of [*pos, end). */
static bool next_tok(const char **pos, const char *end, struct tok *t)
{
	const char *p = *pos;

	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return false;
	t->p = p;
	while (p < end && !is_blank(*p))
		p++;
	t->n = (size_t)(p - t->p);
	*pos = p;
	return true;
}

static bool tok_is(const struct tok *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->n == n && !memcmp(t->p, kw, n);
}

static bool tok_chars_ok(const struct tok *t, const char *extra)
{
	for (size_t i = 0; i < t->n; i++) {
		unsigned char c = (unsigned char)t->p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr(extra, c))))
			return false;
	}
	return true;
}

static bool parse_ns(const struct tok *t, struct uw_resolv_ns *ns)
{
	char txt[UW_RESOLV_NS_STRLEN];
	char *pct;

	memset(ns, 0, sizeof(*ns));
	if (t->n == 0 || t->n >= sizeof(txt) || !tok_chars_ok(t, ".:%_-"))
		return false;
	memcpy(txt, t->p, t->n);
	txt[t->n] = '\0';
	pct = strchr(txt, '%');
	if (pct) {
		/* Only IPv6 link-local servers carry a scope ("fe80::1%eth0"). */
		if (pct[1] == '\0' || strlen(pct + 1) > 15 || strchr(pct + 1, '%') ||
		    strchr(pct + 1, ':'))
			return false;
		*pct = '\0';
		if (inet_pton(AF_INET6, txt, &ns->v6) != 1)
			return false;
		*pct = '%';
		ns->family = AF_INET6;
	} else if (inet_pton(AF_INET, txt, &ns->v4) == 1) {
		ns->family = AF_INET;
		ns->loopback = uw_ip4_is_loopback(ns->v4);
	} else if (inet_pton(AF_INET6, txt, &ns->v6) == 1) {
		ns->family = AF_INET6;
	} else {
		return false;
	}
	if (ns->family == AF_INET6) {
		ns->loopback = IN6_IS_ADDR_LOOPBACK(&ns->v6);
		/* ::ffff:127.0.0.53 is the IPv4 stub written the IPv6 way. */
		if (IN6_IS_ADDR_V4MAPPED(&ns->v6) && ns->v6.s6_addr[12] == 127)
			ns->loopback = true;
	}
	uw_strlcpy(ns->text, txt, sizeof(ns->text));
	return true;
}

static bool domain_ok(const struct tok *t)
{
	/* "." alone means "no search" and is accepted by glibc. */
	return t->n > 0 && t->n < UW_RESOLV_DOMAIN_MAX && tok_chars_ok(t, ".-_");
}

/* Parse one line (without its newline). Returns false if not understood. */
static bool parse_line(const char *p, const char *end, struct uw_resolv *r)
{
	struct tok kw, t;
	bool ok = true;

	if (!next_tok(&p, end, &kw))
		return true; /* blank line */
	if (kw.p[0] == '#' || kw.p[0] == ';')
		return true;
	if (tok_is(&kw, "nameserver")) {
		struct uw_resolv_ns ns;

		/* glibc uses the first word and ignores the rest. */
		if (!next_tok(&p, end, &t) || !parse_ns(&t, &ns))
			return false;
		if (r->n_ns < UW_RESOLV_MAX_NS)
			r->ns[r->n_ns++] = ns;
		else
			r->n_ns_dropped++;
		return true;
	}
	if (tok_is(&kw, "search") || tok_is(&kw, "domain")) {
		bool one = tok_is(&kw, "domain");

		/* The last search or domain line wins. */
		r->n_search = 0;
		while (next_tok(&p, end, &t)) {
			if (t.p[0] == '#' || t.p[0] == ';')
				break;
			if (!domain_ok(&t)) {
				ok = false;
				continue;
			}
			if (r->n_search < UW_RESOLV_MAX_SEARCH) {
				memcpy(r->search[r->n_search], t.p, t.n);
				r->search[r->n_search][t.n] = '\0';
				r->n_search++;
			}
			if (one)
				break;
		}
		return ok && r->n_search > 0;
	}
	if (tok_is(&kw, "options")) {
		size_t len = strlen(r->options);

		while (next_tok(&p, end, &t)) {
			if (!tok_chars_ok(&t, ":-_.")) {
				ok = false;
				continue;
			}
			if (len + (len ? 1 : 0) + t.n >= sizeof(r->options))
				continue; /* bounded: drop what does not fit */
			if (len)
				r->options[len++] = ' ';
			memcpy(r->options + len, t.p, t.n);
			len += t.n;
			r->options[len] = '\0';
		}
		return ok;
	}
	/* Valid keywords we have no use for. */
	if (tok_is(&kw, "sortlist"))
		return true;
	return false;
}

int uw_resolv_parse(const char *buf, size_t len, struct uw_resolv *out, struct uw_error *err)
{
	const char *p, *end;
	size_t lineno = 0;

	if (!out || (!buf && len))
		return uw_error_set(err, -EINVAL, "nothing to parse");
	memset(out, 0, sizeof(*out));
	if (len > UW_RESOLV_MAX_BYTES) {
		len = UW_RESOLV_MAX_BYTES;
		out->truncated = true;
	}
	p = buf;
	end = buf + len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		lineno++;
		/* A NUL inside a line makes the line garbage (a text tool
		 * would stop there; we do not guess). */
		if (memchr(p, '\0', (size_t)(le - p)) || !parse_line(p, le, out)) {
			out->n_bad_lines++;
			if (!out->first_bad_line)
				out->first_bad_line = lineno;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int uw_resolv_read(const char *path, struct uw_resolv *out, struct uw_error *err)
{
	_auto_fd_ int fd = -1;
	_auto_(free) char *buf = NULL;
	size_t len = 0;
	bool more = false;
	ssize_t n;
	int r;

	if (!path || !out)
		return uw_error_set(err, -EINVAL, "no resolv.conf path given");
	/* A FIFO or device here would block for ever: refused without blocking. */
	fd = uw_open_regular(path, "The resolver file", err);
	if (fd < 0) {
		r = fd;
		fd = -1;
		memset(out, 0, sizeof(*out));
		if (r == -ENOENT)
			return uw_error_set(err, r, "cannot read %s: %s (no DNS configuration on this "
					    "machine?)", path, strerror(-r));
		return r;
	}
	n = uw_file_read_fd(fd, UW_RESOLV_MAX_BYTES, &buf, &more, path, err);
	if (n < 0)
		return (int)n;
	len = (size_t)n;
	r = uw_resolv_parse(buf, len, out, err);
	if (more)
		out->truncated = true;
	return r;
}

bool uw_resolv_only_loopback(const struct uw_resolv *r)
{
	if (!r || r->n_ns == 0)
		return false;
	return uw_resolv_count_usable(r) == 0;
}

size_t uw_resolv_count_usable(const struct uw_resolv *r)
{
	size_t n = 0;

	for (size_t i = 0; r && i < r->n_ns; i++)
		n += !r->ns[i].loopback;
	return n;
}
