/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The one growable string buffer (ell's struct l_string, kconfig's struct
 * gstr): every text core/ builds (the renderers of core/text.c, the report,
 * the persist files, the profile, the nft command batch) appends here.
 * Embedded, zero-initialised, freed by the cleanup attribute:
 *
 *	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
 *	uw_strbuf_printf(&b, "%s\n", x);
 *	return uw_strbuf_steal(&b);
 *
 * Growth failure aborts (core/util.h's out-of-memory policy).
 */

#include <stdarg.h>
#include <stddef.h>

struct uw_strbuf {
	char *s;   /* NUL-terminated once anything was appended; NULL before */
	size_t len;
	size_t cap;
};

#define UW_STRBUF_INIT { 0 }

/* Append printf-style. */
void uw_strbuf_printf(struct uw_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append printf-style from a va_list. */
void uw_strbuf_vprintf(struct uw_strbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append the string @s. */
void uw_strbuf_append(struct uw_strbuf *b, const char *s);
/* Append @n bytes of @s (which may hold no NUL). */
void uw_strbuf_append_len(struct uw_strbuf *b, const char *s, size_t n);
/* Append one character. */
void uw_strbuf_putc(struct uw_strbuf *b, char c);
/* Cut the text back to @len bytes (no-op when it is shorter). */
void uw_strbuf_truncate(struct uw_strbuf *b, size_t len);
/* The text so far: "" when nothing was appended (never NULL). */
const char *uw_strbuf_str(const struct uw_strbuf *b);
/* Hand the text on as a malloc'd string (never NULL) and empty @b. */
char *uw_strbuf_steal(struct uw_strbuf *b);
/* Free the text and empty @b. */
void uw_strbuf_fini(struct uw_strbuf *b);

#define _auto_strbuf_ __attribute__((cleanup(uw_strbuf_fini)))
