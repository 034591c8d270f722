// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/text.h"
#include "tui/theme.h"
#include "core/util.h"

#include <stdint.h>
#include <string.h>

size_t uw_tui_utf8_decode(const char *str, size_t len, wchar_t *wc)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned need;
	uint32_t cp, min;

	if (s[0] < 0x80) {
		*wc = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		need = 1; cp = s[0] & 0x1F; min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		need = 2; cp = s[0] & 0x0F; min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		need = 3; cp = s[0] & 0x07; min = 0x10000;
	} else {
		*wc = 0xFFFD;
		return 1;
	}
	if (len < need + 1) {
		*wc = 0xFFFD;
		return 1;
	}
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*wc = 0xFFFD;
			return i;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms and surrogates are malformed: showing them as what
	 * they pretend to be would let odd input hide characters. */
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	*wc = (wchar_t)cp;
	return need + 1;
}

int uw_tui_char_width(wchar_t wc)
{
	int w;

	if (wc < 0x20)
		return 0;
	if (wc <= 0x9F)
		return 1;       /* printable ASCII, or DEL and C1 shown as '?' */
	w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

size_t uw_tui_text_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0;
	int w = 0;

	while (i < len && s[i]) {
		unsigned char lead = (unsigned char)s[i];
		size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		wchar_t wc;

		/* @len cuts a character in two: the prefix ends before it. */
		if (i + want > len && lead >= 0xC0 && lead < 0xF8)
			break;
		size_t n = uw_tui_utf8_decode(s + i, len - i, &wc);
		int cw = uw_tui_char_width(wc);

		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	if (used)
		*used = w;
	return i;
}

int uw_tui_text_width(const char *s)
{
	int w;

	uw_tui_text_fit(s, strlen(s), 1 << 30, &w);
	return w;
}

static void emit(struct uw_tui_line *lines, size_t max, size_t *n, size_t off, size_t len,
		 int indent)
{
	if (*n < max) {
		lines[*n].off = off;
		lines[*n].len = len;
		lines[*n].indent = indent;
	}
	(*n)++;
}

/*
 * The hanging indent of a paragraph: its leading spaces plus a list marker
 * ("12. ", "3) ", "* ", "- ", "$ "), so that a wrapped step of the plan or a
 * long shell command continues under its own text instead of at the margin.
 * None when it would leave less than half the line.
 */
static int hanging_indent(const char *s, size_t len, int width)
{
	size_t i = 0, d;

	while (i < len && s[i] == ' ')
		i++;
	d = i;
	while (d < len && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d > i && d + 1 < len && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
		i = d + 2;
	else if (i + 1 < len && strchr("*-$", s[i]) && s[i + 1] == ' ')
		i += 2;
	return (int)i <= width / 2 ? (int)i : 0;
}

size_t uw_tui_text_wrap(const char *s, int width, struct uw_tui_line *lines, size_t max)
{
	size_t n = 0, para = 0, total = strlen(s);

	if (width < 1)
		width = 1;
	while (para <= total) {
		size_t end = para;
		while (end < total && s[end] != '\n')
			end++;
		/* Wrap one paragraph [para, end). */
		size_t pos = para;
		int hang = hanging_indent(s + para, end - para, width), indent = 0;
		if (pos == end)
			emit(lines, max, &n, pos, 0, 0);
		while (pos < end) {
			int used;
			size_t fit = uw_tui_text_fit(s + pos, end - pos, width - indent, &used);
			size_t cut = fit, next;

			if (pos + fit < end) {
				/* Break at the last space that fits, if any. */
				size_t sp = fit;
				while (sp > 0 && s[pos + sp] != ' ')
					sp--;
				if (s[pos + sp] == ' ' && sp > 0 && pos + sp > para + (size_t)hang)
					cut = sp;
				if (fit == 0) /* a character wider than the line */
					cut = uw_tui_utf8_decode(s + pos, end - pos, &(wchar_t){0});
			}
			next = pos + cut;
			size_t keep = cut;
			while (keep > 0 && s[pos + keep - 1] == ' ' && pos + cut < end)
				keep--;
			emit(lines, max, &n, pos, keep, indent);
			while (next < end && s[next] == ' ')
				next++;
			pos = next;
			indent = hang;
		}
		if (end >= total)
			break;
		para = end + 1;
	}
	return n;
}

char *uw_tui_text_expand_tabs(const char *s)
{
	size_t len = strlen(s), tabs = 0, o = 0;
	int col = 0;
	char *out;

	for (size_t i = 0; i < len; i++)
		tabs += s[i] == '\t';
	out = uw_malloc0(len + tabs * 7 + 1);
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		size_t n = uw_tui_utf8_decode(s + i, len - i, &wc);

		if (s[i] == '\t') {
			do
				out[o++] = ' ';
			while (++col % 8);
		} else {
			memcpy(out + o, s + i, n);
			o += n;
			col = s[i] == '\n' ? 0 : col + uw_tui_char_width(wc);
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

int uw_tui_put(WINDOW *win, int y, int x, int cols, const char *s, size_t len)
{
	bool utf8 = uw_tui_glyphs()->utf8;
	int w = 0;
	size_t i = 0;

	if (cols <= 0)
		return 0;
	wmove(win, y, x);
	while (i < len && s[i]) {
		wchar_t wc;
		size_t n = uw_tui_utf8_decode(s + i, len - i, &wc);
		int cw = uw_tui_char_width(wc);

		if (w + cw > cols)
			break;
		if (cw == 0 && wc < 0x20) {
			i += n;
			continue;
		}
		/*
		 * DEL, C1 controls (0x9b is CSI to a terminal) and malformed
		 * bytes never reach the terminal as they are: core/text.h
		 * cleans untrusted text first, this is the last guard.
		 */
		if (wc >= 0x7F && (wc <= 0x9F || (wc == 0xFFFD && n < 3)))
			waddch(win, '?');
		else if (wc < 0x80)
			waddch(win, (chtype)wc);
		else if (utf8)
			waddnstr(win, s + i, (int)n);
		else
			waddch(win, '?');
		w += cw;
		i += n;
	}
	return w;
}

int uw_tui_puts(WINDOW *win, int y, int x, int cols, const char *s)
{
	return uw_tui_put(win, y, x, cols, s, strlen(s));
}

int uw_tui_puts_cut(WINDOW *win, int y, int x, int cols, const char *s)
{
	size_t len = strlen(s), fit;
	int used, w;

	if (cols <= 1 || uw_tui_text_width(s) <= cols)
		return uw_tui_puts(win, y, x, cols, s);
	/* Cut before the spaces at the cut: "take the…", not "take the …". */
	fit = uw_tui_text_fit(s, len, cols - 1, &used);
	while (fit > 0 && s[fit - 1] == ' ')
		fit--;
	w = uw_tui_put(win, y, x, cols - 1, s, fit);
	return w + uw_tui_puts(win, y, x + w, 1, uw_tui_glyphs()->ellipsis);
}
