// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/sanitize.h"

#include <string.h>

#include "core/util.h"

size_t uw_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t need;
	uint32_t c, min;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 1; c = s[0] & 0x1F; min = 0x80;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 2; c = s[0] & 0x0F; min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 3; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;       /* a continuation byte, C0/C1 overlong lead, or F5-FF */
	}
	if (n < need + 1)
		return 0;       /* cut short */
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;       /* overlong, too large, or a surrogate */
	*cp = c;
	return need + 1;
}

bool uw_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*
 * The one loop behind every function here: read @n bytes of @src, write at
 * most @size - 1 bytes to @dst (which may be @src: it never gets ahead of
 * the reading), NUL-terminate, return the length written.
 */
static size_t clean(char *dst, size_t size, const char *src, size_t n, unsigned flags)
{
	size_t r = 0, w = 0;

	while (r < n) {
		uint32_t cp = 0;
		size_t len = uw_utf8_decode(src + r, n - r, &cp);
		char rep = UW_SAN_PLACEHOLDER;

		if (len == 0) {
			len = 1;        /* one placeholder per bad byte */
		} else if (cp == '\r' && (flags & UW_SAN_NEWLINE) && r + 1 < n && src[r + 1] == '\n') {
			r++;            /* CRLF from a pty-ish shell: keep the LF only */
			continue;
		} else if ((cp == '\n' && (flags & UW_SAN_NEWLINE)) || (cp == '\t' && (flags & UW_SAN_TAB))) {
			rep = (char)cp;
		} else if (uw_is_control(cp)) {
			if ((flags & UW_SAN_SPACES) && (cp == '\n' || cp == '\r' || cp == '\t'))
				rep = ' ';
		} else {
			if (w + len >= size)
				break;
			memmove(dst + w, src + r, len);
			w += len;
			r += len;
			continue;
		}
		if (w + 1 >= size)
			break;
		dst[w++] = rep;
		r += len;
	}
	dst[w] = '\0';
	return w;
}

size_t uw_sanitize(char *s, unsigned flags)
{
	size_t n = strlen(s);
	return clean(s, n + 1, s, n, flags);
}

char *uw_sanitize_copy(char *dst, size_t size, const char *src, size_t n, unsigned flags)
{
	if (size == 0)
		return dst;
	clean(dst, size, src, n, flags);
	return dst;
}

char *uw_sanitize_dup(const char *src, unsigned flags)
{
	size_t n = strlen(src);
	char *d = uw_malloc0(n + 1);

	clean(d, n + 1, src, n, flags);
	return d;
}

bool uw_sanitize_is_clean(const char *s, unsigned flags)
{
	_auto_(free) char *d = uw_sanitize_dup(s, flags);
	return !strcmp(d, s);
}
