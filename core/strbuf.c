// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/strbuf.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

/* Room for @extra more bytes plus the NUL. */
static void reserve(struct uw_strbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need < b->len)
		uw_bug("string buffer: %zu + %zu bytes overflow", b->len, extra);
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	b->s = uw_realloc(b->s, cap);
	b->cap = cap;
}

void uw_strbuf_vprintf(struct uw_strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	reserve(b, 0);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, aq);
	va_end(aq);
	if (n < 0)
		uw_bug("string buffer: bad format \"%s\"", fmt);
	if ((size_t)n >= b->cap - b->len) {
		reserve(b, (size_t)n);
		va_copy(aq, ap);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, aq);
		va_end(aq);
	}
	b->len += (size_t)n;
}

void uw_strbuf_printf(struct uw_strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	uw_strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void uw_strbuf_append_len(struct uw_strbuf *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void uw_strbuf_append(struct uw_strbuf *b, const char *s)
{
	uw_strbuf_append_len(b, s, strlen(s));
}

void uw_strbuf_putc(struct uw_strbuf *b, char c)
{
	uw_strbuf_append_len(b, &c, 1);
}

void uw_strbuf_truncate(struct uw_strbuf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
}

const char *uw_strbuf_str(const struct uw_strbuf *b)
{
	return b->s ? b->s : "";
}

char *uw_strbuf_steal(struct uw_strbuf *b)
{
	char *s = b->s ? b->s : uw_strdup("");

	memset(b, 0, sizeof(*b));
	return s;
}

void uw_strbuf_fini(struct uw_strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
