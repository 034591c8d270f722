// SPDX-License-Identifier: GPL-2.0-or-later
/* The one sanitizer for untrusted text (core/sanitize.h) and what relies on it. */
#include "tests/testutil.h"
#include "core/error.h"
#include "core/sanitize.h"
#include "core/util.h"

#include <stdint.h>

/* The JSON string writer lives with the CLI (screens/); it is pure, so test it here. */
#include "cli/json.c"

/* Clean @in (with flags) and compare with @want. */
static void expect(const char *in, unsigned flags, const char *want)
{
	_auto_(free) char *d = uw_sanitize_dup(in, flags);
	_auto_(free) char *s = uw_strdup(in);

	assert_string_equal(d, want);
	uw_sanitize(s, flags);
	assert_string_equal(s, want);
	assert_true(uw_sanitize_is_clean(want, flags));
}

/* Nothing in @s a terminal could obey, and all of it valid UTF-8. */
static void assert_inert(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = uw_utf8_decode(s + i, n - i, &cp);

		assert_true(len > 0);
		assert_false(cp == 0x1b || (cp >= 0x80 && cp <= 0x9f) || cp == 0x7f);
		i += len;
	}
}

static void test_c0_and_del(void **state)
{
	expect("ok\r\n\x1b[2Jbad\x07 tab\there end\x7f", UW_SAN_NEWLINE | UW_SAN_TAB,
	       "ok\n?[2Jbad? tab\there end?");
	/* Without the flags newline and tab go too; a lone CR never stays. */
	expect("a\nb\tc\rd", 0, "a?b?c?d");
	expect("a\nb\tc\rd", UW_SAN_SPACES, "a b c d");
	expect("a\r\nb", UW_SAN_NEWLINE, "a\nb");
	expect("a\rb", UW_SAN_NEWLINE, "a?b");
}

static void test_c1_raw(void **state)
{
	/* 0x9b alone is CSI to an 8-bit terminal; 0x9d OSC, 0x90 DCS. */
	expect("x\x9b" "2J\x9d" "0;title\x9c\x90q", 0, "x?2J?0;title??q");
	expect("\x80\x85\x9f", 0, "???");
}

static void test_c1_utf8(void **state)
{
	/* U+009B (CSI), U+0085 (NEL), U+0080 and U+009F, each one character. */
	expect("a\xc2\x9b" "31mb\xc2\x85" "c\xc2\x80\xc2\x9f", 0, "a?31mb?c??");
	/* U+00A0 and U+00E9 are not controls: kept. */
	expect("\xc2\xa0\xc3\xa9", 0, "\xc2\xa0\xc3\xa9");
}

static void test_osc52_and_csi(void **state)
{
	const char *osc52 = "SSH-2.0-x\x1b]52;c;ZWNobyBoaQ==\x07\x9b" "2J";
	_auto_(free) char *d = uw_sanitize_dup(osc52, 0);

	assert_string_equal(d, "SSH-2.0-x?]52;c;ZWNobyBoaQ==??2J");
	assert_inert(d);
	expect("\x1b[31mred\x1b[0m \x1b]0;title\x1b\\", 0, "?[31mred?[0m ?]0;title?\\");
}

static void test_overlong_surrogate_truncated(void **state)
{
	/* Overlong '/', overlong ESC (C0 1B), overlong NUL, 3-byte overlong. */
	expect("a\xc0\xaf" "b\xc0\x9b" "c\xc0\x80" "d\xe0\x80\xaf", 0, "a??b??c??d???");
	/* Surrogates U+D800 and U+DFFF, and past U+10FFFF. */
	expect("\xed\xa0\x80|\xed\xbf\xbf|\xf4\x90\x80\x80", 0, "???|???|????");
	/* Cut short: at the end, and followed by ASCII; stray continuation bytes. */
	expect("ok\xe2\x82", 0, "ok??");
	expect("\xe2\x82x", 0, "??x");
	expect("\xf0\x9f\x98", 0, "???");
	expect("\xbf\x80z", 0, "??z");
	expect("\xf8\x88\x80\x80\x80\xff\xfe", 0, "???????");
}

static void test_valid_multibyte_kept(void **state)
{
	const char *s = "Grüße, 電話 ☎ 😀 — «ok»\n";

	expect(s, UW_SAN_NEWLINE, s);
	/* A character that does not fit whole is left out, never cut. */
	char b[5];
	uw_sanitize_copy(b, sizeof(b), "ab\xe2\x98\x8e", 5, 0);
	assert_string_equal(b, "ab");
	uw_sanitize_copy(b, sizeof(b), "a\0b", 3, 0);
	assert_string_equal(b, "a?b");
}

static void test_error_messages_are_inert(void **state)
{
	struct uw_error e;

	/* What libssh puts in its error when a hostile server sends a banner. */
	uw_error_set(&e, -EPROTO, "Could not connect: %s.",
		     "Protocol mismatch: SSH-2.0-x\x1b]52;c;aGk=\x07\x9b" "2J\xc2\x9b" "1m\nroot ALL=(ALL) NOPASSWD: ALL");
	assert_inert(e.msg);
	assert_null(strchr(e.msg, '\n'));
	assert_non_null(strstr(e.msg, "SSH-2.0-x?]52;c;aGk=??2J?1m root ALL"));
	/* A cut in the middle of a character leaves no half of it. */
	char big[UW_ERROR_MSG_MAX + 8];
	memset(big, 'a', sizeof(big));
	memcpy(big + UW_ERROR_MSG_MAX - 3, "\xe2\x98\x8e\xe2\x98\x8e", 6);
	big[sizeof(big) - 1] = '\0';
	uw_error_set(&e, -E2BIG, "%s", big);
	assert_inert(e.msg);
	uw_error_prefix(&e, "file \x1b[2J%s", "x");
	assert_inert(e.msg);
}

static void test_json_always_valid_utf8(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	uw_json_write_string(f, "a\"\\\n\x1b]52;c;aGk=\x07\x9b" "2J\xc2\x9b" "x\xc0\xaf\xed\xa0\x80\xe2\x82 \xc3\xa9\x7f");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"\\\\\\n\\u001b]52;c;aGk=\\u0007\\ufffd2J\\u009bx"
			    "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd \xc3\xa9\\u007f\"");
	assert_inert(buf);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c0_and_del),
		cmocka_unit_test(test_c1_raw),
		cmocka_unit_test(test_c1_utf8),
		cmocka_unit_test(test_osc52_and_csi),
		cmocka_unit_test(test_overlong_surrogate_truncated),
		cmocka_unit_test(test_valid_multibyte_kept),
		cmocka_unit_test(test_error_messages_are_inert),
		cmocka_unit_test(test_json_always_valid_utf8),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
