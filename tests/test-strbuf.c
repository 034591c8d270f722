// SPDX-License-Identifier: GPL-2.0-or-later
/* The one growable string buffer (core/strbuf.h). */
#include "tests/testutil.h"
#include "core/strbuf.h"
#include "core/util.h"

static void test_empty(void **state)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	assert_string_equal(uw_strbuf_str(&b), "");
	assert_int_equal(b.len, 0);
	_auto_(free) char *s = uw_strbuf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_null(b.s);
}

static void test_printf_grows(void **state)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	char want[20000];
	size_t o = 0;

	/* Past the first allocation many times over, one line at a time and one big piece. */
	for (int i = 0; i < 1000; i++) {
		uw_strbuf_printf(&b, "%04d:%s\n", i, "x");
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%04d:%s\n", i, "x");
	}
	assert_int_equal(b.len, o);
	assert_int_equal(strlen(b.s), o);
	assert_string_equal(b.s, want);
	assert_true(b.cap > b.len);

	char big[9000];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	uw_strbuf_truncate(&b, 5);
	assert_string_equal(b.s, "0000:");
	uw_strbuf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, 5 + 2 + sizeof(big) - 1);
	assert_int_equal(b.s[b.len - 1], ']');
	assert_int_equal(b.s[b.len], '\0');
}

static void test_append(void **state)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	uw_strbuf_append(&b, "ab");
	uw_strbuf_putc(&b, 'c');
	uw_strbuf_append_len(&b, "defXYZ", 3);
	uw_strbuf_append(&b, "");
	assert_string_equal(uw_strbuf_str(&b), "abcdef");
	assert_int_equal(b.len, 6);
	uw_strbuf_truncate(&b, 100); /* longer than the text: nothing changes */
	assert_string_equal(b.s, "abcdef");
	_auto_(free) char *s = uw_strbuf_steal(&b);
	assert_string_equal(s, "abcdef");
	assert_int_equal(b.len, 0);
	uw_strbuf_append(&b, "again"); /* usable after a steal */
	assert_string_equal(b.s, "again");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_printf_grows),
		cmocka_unit_test(test_append),
	};
	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
