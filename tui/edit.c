// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/edit.h"
#include "tui/text.h"

#include <stdint.h>
#include <string.h>

/* Byte offset of the start of the character before @off. */
static size_t prev_boundary(const char *buf, size_t off)
{
	if (off == 0)
		return 0;
	off--;
	while (off > 0 && ((unsigned char)buf[off] & 0xC0) == 0x80)
		off--;
	return off;
}

static size_t next_boundary(const struct uw_tui_edit *e, size_t off)
{
	wchar_t wc;

	if (off >= e->len)
		return e->len;
	return off + uw_tui_utf8_decode(e->buf + off, e->len - off, &wc);
}

void uw_tui_edit_init(struct uw_tui_edit *e, const char *text, size_t max_chars)
{
	memset(e, 0, sizeof(*e));
	e->max_chars = max_chars;
	if (!text)
		return;
	size_t n = strlen(text), i = 0, chars = 0;
	while (i < n) {
		wchar_t wc;
		size_t k = uw_tui_utf8_decode(text + i, n - i, &wc);
		if (i + k >= sizeof(e->buf) || (max_chars && chars >= max_chars))
			break;
		i += k;
		chars++;
	}
	memcpy(e->buf, text, i);
	e->buf[i] = '\0';
	e->len = e->cur = i;
}

size_t uw_tui_edit_chars(const struct uw_tui_edit *e)
{
	size_t n = 0;

	for (size_t i = 0; i < e->len; i++)
		if (((unsigned char)e->buf[i] & 0xC0) != 0x80)
			n++;
	return n;
}

bool uw_tui_edit_insert(struct uw_tui_edit *e, wchar_t wc)
{
	char enc[4];
	size_t n;
	uint32_t c = (uint32_t)wc;

	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return false;
	if (c < 0x80) {
		enc[0] = (char)c; n = 1;
	} else if (c < 0x800) {
		enc[0] = (char)(0xC0 | (c >> 6));
		enc[1] = (char)(0x80 | (c & 0x3F)); n = 2;
	} else if (c < 0x10000) {
		enc[0] = (char)(0xE0 | (c >> 12));
		enc[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		enc[2] = (char)(0x80 | (c & 0x3F)); n = 3;
	} else {
		enc[0] = (char)(0xF0 | (c >> 18));
		enc[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		enc[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		enc[3] = (char)(0x80 | (c & 0x3F)); n = 4;
	}
	if (e->len + n >= sizeof(e->buf))
		return false;
	if (e->max_chars && uw_tui_edit_chars(e) >= e->max_chars)
		return false;
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, enc, n);
	e->len += n;
	e->cur += n;
	return true;
}

static void cut(struct uw_tui_edit *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	if (e->cur >= to)
		e->cur -= to - from;
	else if (e->cur > from)
		e->cur = from;
	if (e->scroll > e->cur)
		e->scroll = e->cur;
}

bool uw_tui_edit_backspace(struct uw_tui_edit *e)
{
	if (e->cur == 0)
		return false;
	cut(e, prev_boundary(e->buf, e->cur), e->cur);
	return true;
}

bool uw_tui_edit_delete(struct uw_tui_edit *e)
{
	if (e->cur >= e->len)
		return false;
	cut(e, e->cur, next_boundary(e, e->cur));
	return true;
}

bool uw_tui_edit_left(struct uw_tui_edit *e)
{
	if (e->cur == 0)
		return false;
	e->cur = prev_boundary(e->buf, e->cur);
	return true;
}

bool uw_tui_edit_right(struct uw_tui_edit *e)
{
	if (e->cur >= e->len)
		return false;
	e->cur = next_boundary(e, e->cur);
	return true;
}

bool uw_tui_edit_home(struct uw_tui_edit *e)
{
	bool moved = e->cur != 0;

	e->cur = 0;
	return moved;
}

bool uw_tui_edit_end(struct uw_tui_edit *e)
{
	bool moved = e->cur != e->len;

	e->cur = e->len;
	return moved;
}

bool uw_tui_edit_kill_before(struct uw_tui_edit *e)
{
	if (e->cur == 0)
		return false;
	cut(e, 0, e->cur);
	return true;
}

int uw_tui_edit_view(struct uw_tui_edit *e, int cols)
{
	int w;

	if (cols < 1)
		cols = 1;
	if (e->scroll > e->cur)
		e->scroll = e->cur;
	/* Scroll right until the text from scroll to cursor, plus one column
	 * for the cursor itself, fits. */
	for (;;) {
		uw_tui_text_fit(e->buf + e->scroll, e->cur - e->scroll, 1 << 30, &w);
		if (w < cols || e->scroll >= e->cur)
			break;
		e->scroll = next_boundary(e, e->scroll);
	}
	return w;
}

void uw_tui_edit_wipe(struct uw_tui_edit *e)
{
	explicit_bzero(e->buf, sizeof(e->buf));
	e->len = e->cur = e->scroll = 0;
}
