// SPDX-License-Identifier: GPL-2.0-or-later
/* tui/text.c: UTF-8 decoding, column widths, fitting and word wrapping. */
#include "tests/testutil.h"
#include "tui/text.h"

#include <locale.h>

static int setup_utf8(void **state)
{
	/* Widths of non-ASCII characters follow LC_CTYPE (wcwidth). */
	return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void test_decode(void **state)
{
	/* Truncated, stray continuation, overlong and surrogate: U+FFFD, and
	 * always at least one byte of progress. */
	static const struct {
		const char *s;
		size_t len, used;
		wchar_t wc;
	} cases[] = {
		{ "a", 1, 1, 'a' },
		{ "é", 2, 2, 0xE9 },
		{ "—x", 4, 3, 0x2014 },
		{ "😀", 4, 4, 0x1F600 },
		{ "\xE2\x80", 2, 1, 0xFFFD },
		{ "\x80", 1, 1, 0xFFFD },
		{ "\xC0\xAF", 2, 2, 0xFFFD },
		{ "\xED\xA0\x80", 3, 3, 0xFFFD },
		{ "\xE2" "ab", 3, 1, 0xFFFD },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wchar_t wc = 0;
		size_t used = uw_tui_utf8_decode(cases[i].s, cases[i].len, &wc);

		if (used != cases[i].used || wc != cases[i].wc)
			fail_msg("case %zu: %zu bytes, U+%04X; not %zu, U+%04X", i, used, (unsigned)wc,
				 cases[i].used, (unsigned)cases[i].wc);
	}
}

static void test_width(void **state)
{
	assert_int_equal(uw_tui_text_width(""), 0);
	assert_int_equal(uw_tui_text_width("usb0"), 4);
	assert_int_equal(uw_tui_text_width("usbnet-wizard — Step"), 20);
	assert_int_equal(uw_tui_text_width("日本"), 4);          /* wide */
	assert_int_equal(uw_tui_text_width("e\xCC\x81"), 1);    /* e + combining acute */
	assert_int_equal(uw_tui_text_width("┌─┐"), 3);
}

static void test_fit(void **state)
{
	int used;
	const char *s = "ab日本c";

	assert_int_equal(uw_tui_text_fit(s, strlen(s), 3, &used), 2); /* 日 would need 2 more */
	assert_int_equal(used, 2);
	assert_int_equal(uw_tui_text_fit(s, strlen(s), 4, &used), 5);
	assert_int_equal(used, 4);
	assert_int_equal(uw_tui_text_fit(s, strlen(s), 100, &used), strlen(s));
	assert_int_equal(used, 7);
	assert_int_equal(uw_tui_text_fit(s, 3, 100, &used), 2); /* never splits a character */
}

static char *line_str(const char *s, const struct uw_tui_line *l)
{
	static char buf[256];

	memcpy(buf, s + l->off, l->len);
	buf[l->len] = '\0';
	return buf;
}

/* @s wrapped at @width columns is exactly the lines @want (NULL-terminated). */
static void assert_wraps(const char *s, size_t width, const char *const *want)
{
	struct uw_tui_line l[16];
	size_t n = uw_tui_text_wrap(s, width, l, sizeof(l) / sizeof(l[0])), k = 0;

	while (want[k])
		k++;
	if (n != k)
		fail_msg("\"%s\" at %zu columns: %zu lines, not %zu", s, width, n, k);
	for (size_t i = 0; i < n; i++)
		if (strcmp(line_str(s, &l[i]), want[i]))
			fail_msg("\"%s\" at %zu columns, line %zu: \"%s\", not \"%s\"", s, width, i,
				 line_str(s, &l[i]), want[i]);
}
#define WRAPS(s, width, ...) assert_wraps(s, width, (const char *const[]){ __VA_ARGS__, NULL })

static void test_wrap_words(void **state)
{
	/* (the last line exactly 12 columns) */
	WRAPS("Choose the netmask of the USB link", 12, "Choose the", "netmask of", "the USB link");
}

static void test_wrap_exact_and_long(void **state)
{
	/* A word longer than the line is cut hard. */
	WRAPS("abcdefghijkl xy", 5, "abcde", "fghij", "kl xy");
	WRAPS("12345 678", 5, "12345", "678");
}

static void test_wrap_newlines_and_count(void **state)
{
	struct uw_tui_line l[8];
	const char *s = "one\n\ntwo three";

	WRAPS(s, 40, "one", "", "two three");
	/* Counting only, and a too-small array: the count stays right. */
	/* "one", "", "two", "thre", "e" */
	assert_int_equal(uw_tui_text_wrap(s, 4, NULL, 0), 5);
	assert_int_equal(uw_tui_text_wrap(s, 4, l, 1), 5);
	assert_string_equal(line_str(s, &l[0]), "one");
	assert_int_equal(uw_tui_text_wrap("", 10, NULL, 0), 1);
}

static void test_wrap_wide(void **state)
{
	struct uw_tui_line l[8];
	const char *s = "日本語テキスト";
	size_t n = uw_tui_text_wrap(s, 5, l, 8);

	/* Five columns hold two wide characters, never half of one. */
	WRAPS(s, 5, "日本", "語テ", "キス", "ト");
	for (size_t i = 0; i < n; i++)
		assert_true(uw_tui_text_width(line_str(s, &l[i])) <= 5);
	/* A line one column wide still makes progress with wide characters. */
	assert_int_equal(uw_tui_text_wrap(s, 1, l, 8), 7);
}

static void test_wrap_hanging_indent(void **state)
{
	struct uw_tui_line l[8];
	/* A plan step and its shell command, as the Review screen shows them. */
	const char *s = " 1. Give the desktop an address\n    $ ip addr add 192.168.0.200/24 dev usb0";
	size_t n = uw_tui_text_wrap(s, 24, l, 8);

	/* "address" continued under its text, after " 1. "; the command's
	 * "192.168..." after "    $ ", 6 columns narrower: "dev" no longer fits */
	WRAPS(s, 24, " 1. Give the desktop an", "address", "    $ ip addr add", "192.168.0.200/24",
	      "dev usb0");
	assert_int_equal(l[0].indent, 0);
	assert_int_equal(l[1].indent, 4);
	assert_int_equal(l[2].indent, 0);
	assert_int_equal(l[3].indent, 6);
	for (size_t i = 0; i < n; i++)
		assert_true(l[i].indent + uw_tui_text_width(line_str(s, &l[i])) <= 24);
	/* Plain text and markers too wide for half the line: no indent. */
	n = uw_tui_text_wrap("plain words that wrap here", 10, l, 8);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(l[i].indent, 0);
	n = uw_tui_text_wrap("      - x y z w", 8, l, 8);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(l[i].indent, 0);
	/* "3)" and "* " are markers, "-x" is not. */
	n = uw_tui_text_wrap("3) aaa bbb", 6, l, 8);
	assert_int_equal(l[1].indent, 3);
	n = uw_tui_text_wrap("* aaa bbb", 6, l, 8);
	assert_int_equal(l[1].indent, 2);
	n = uw_tui_text_wrap("-x aaa bbb", 6, l, 8);
	assert_int_equal(l[1].indent, 0);
}

/* Tabs become the spaces a terminal shows for them, counted from each
 * line's start (the wizard showed persist's files without their tabs). */
static void test_expand_tabs(void **state)
{
	char *s = uw_tui_text_expand_tabs("\taddress x\nab\tc\n\u00e9\td\n1234567\t|\t\t|");

	assert_string_equal(s, "        address x\nab      c\n\u00e9       d\n1234567 |               |");
	free(s);
	s = uw_tui_text_expand_tabs("");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_wrap_words),
		cmocka_unit_test(test_wrap_exact_and_long),
		cmocka_unit_test(test_wrap_newlines_and_count),
		cmocka_unit_test(test_wrap_wide),
		cmocka_unit_test(test_wrap_hanging_indent),
		cmocka_unit_test(test_expand_tabs),
	};
	return cmocka_run_group_tests_name("tui-text", tests, setup_utf8, NULL);
}
