// SPDX-License-Identifier: GPL-2.0-or-later
/* tui/edit.c: the text-field editing model, key by key. */
#include "tests/testutil.h"
#include "tui/edit.h"

#include <locale.h>

static int setup_utf8(void **state)
{
	return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void type(struct uw_tui_edit *e, const char *ascii)
{
	for (; *ascii; ascii++)
		assert_true(uw_tui_edit_insert(e, (wchar_t)*ascii));
}

static void test_insert_and_move(void **state)
{
	struct uw_tui_edit e;

	uw_tui_edit_init(&e, "192.168.0.2", 0);
	assert_int_equal(e.cur, 11);
	type(&e, "02");
	assert_string_equal(e.buf, "192.168.0.202");
	assert_true(uw_tui_edit_home(&e));
	assert_false(uw_tui_edit_home(&e));
	assert_false(uw_tui_edit_left(&e));
	type(&e, "x");
	assert_string_equal(e.buf, "x192.168.0.202");
	assert_true(uw_tui_edit_delete(&e)); /* deletes under the cursor: '1' */
	assert_string_equal(e.buf, "x92.168.0.202");
	assert_true(uw_tui_edit_backspace(&e));
	assert_string_equal(e.buf, "92.168.0.202");
	assert_int_equal(e.cur, 0);
	assert_false(uw_tui_edit_backspace(&e));
	assert_true(uw_tui_edit_end(&e));
	assert_false(uw_tui_edit_delete(&e));
	assert_false(uw_tui_edit_right(&e));
	assert_int_equal(e.len, strlen(e.buf));
}

static void test_rejects_controls(void **state)
{
	struct uw_tui_edit e;

	uw_tui_edit_init(&e, NULL, 0);
	assert_false(uw_tui_edit_insert(&e, '\n'));
	assert_false(uw_tui_edit_insert(&e, 0x7F));
	assert_false(uw_tui_edit_insert(&e, 0x9B));   /* C1 CSI: could drive the terminal */
	assert_false(uw_tui_edit_insert(&e, 0xD800)); /* surrogate */
	assert_int_equal(e.len, 0);
	assert_string_equal(e.buf, "");
}

static void test_utf8_boundaries(void **state)
{
	struct uw_tui_edit e;

	uw_tui_edit_init(&e, NULL, 0);
	assert_true(uw_tui_edit_insert(&e, 0xE9));   /* é, 2 bytes */
	assert_true(uw_tui_edit_insert(&e, 0x65E5)); /* 日, 3 bytes */
	assert_true(uw_tui_edit_insert(&e, 0x1F600)); /* 4 bytes */
	assert_string_equal(e.buf, "é日😀");
	assert_int_equal(uw_tui_edit_chars(&e), 3);
	assert_true(uw_tui_edit_left(&e));
	assert_int_equal(e.cur, 5);
	assert_true(uw_tui_edit_left(&e));
	assert_int_equal(e.cur, 2);
	assert_true(uw_tui_edit_delete(&e));
	assert_string_equal(e.buf, "é😀");
	assert_true(uw_tui_edit_backspace(&e));
	assert_string_equal(e.buf, "😀");
	assert_int_equal(e.cur, 0);
	assert_true(uw_tui_edit_right(&e));
	assert_int_equal(e.cur, 4);
}

static void test_limits(void **state)
{
	struct uw_tui_edit e;

	uw_tui_edit_init(&e, "1234567890abc", 5); /* init cuts to max_chars */
	assert_string_equal(e.buf, "12345");
	assert_false(uw_tui_edit_insert(&e, 'x'));
	assert_true(uw_tui_edit_backspace(&e));
	assert_true(uw_tui_edit_insert(&e, 0x65E5));
	assert_false(uw_tui_edit_insert(&e, 'x'));
	assert_int_equal(uw_tui_edit_chars(&e), 5);

	/* Without max_chars the byte buffer is the limit, never overflowed. */
	uw_tui_edit_init(&e, NULL, 0);
	size_t n = 0;
	while (uw_tui_edit_insert(&e, 0x65E5))
		n++;
	assert_int_equal(n, (UW_TUI_EDIT_MAX - 1) / 3);
	assert_true(e.len < UW_TUI_EDIT_MAX);
	assert_int_equal(e.buf[e.len], '\0');
}

static void test_kill_and_wipe(void **state)
{
	struct uw_tui_edit e;

	uw_tui_edit_init(&e, "secret-pass", 0);
	uw_tui_edit_left(&e);
	uw_tui_edit_left(&e);
	assert_true(uw_tui_edit_kill_before(&e));
	assert_string_equal(e.buf, "ss");
	assert_int_equal(e.cur, 0);
	uw_tui_edit_end(&e);
	uw_tui_edit_wipe(&e);
	assert_int_equal(e.len, 0);
	for (size_t i = 0; i < sizeof(e.buf); i++)
		assert_int_equal(e.buf[i], 0);
}

static void test_view_scrolls(void **state)
{
	struct uw_tui_edit e;

	uw_tui_edit_init(&e, "0123456789", 0);
	/* 5 columns: the cursor at the end needs its own column. */
	assert_int_equal(uw_tui_edit_view(&e, 5), 4);
	assert_int_equal(e.scroll, 6);
	uw_tui_edit_home(&e);
	assert_int_equal(uw_tui_edit_view(&e, 5), 0);
	assert_int_equal(e.scroll, 0);
	uw_tui_edit_right(&e);
	uw_tui_edit_right(&e);
	assert_int_equal(uw_tui_edit_view(&e, 5), 2);
	assert_int_equal(e.scroll, 0);
	/* Wide characters: two columns each. */
	uw_tui_edit_init(&e, "日本語", 0);
	assert_int_equal(uw_tui_edit_view(&e, 4), 2);
	assert_int_equal(e.scroll, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_and_move),
		cmocka_unit_test(test_rejects_controls),
		cmocka_unit_test(test_utf8_boundaries),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_kill_and_wipe),
		cmocka_unit_test(test_view_scrolls),
	};
	return cmocka_run_group_tests_name("tui-edit", tests, setup_utf8, NULL);
}
