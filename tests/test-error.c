// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/testutil.h"
#include "core/error.h"
#include "core/util.h"

static void test_set_negates_and_formats(void **state)
{
	struct uw_error e;

	uw_error_clear(&e);
	assert_int_equal(uw_error_set(&e, ENOENT, "no %s here", "usb0"), -ENOENT);
	assert_int_equal(e.code, -ENOENT);
	assert_string_equal(e.msg, "no usb0 here");
	assert_int_equal(uw_error_set(NULL, -EPERM, "x"), -EPERM);
	assert_int_equal(uw_error_set(&e, 0, "zero"), -EINVAL);
}

static void test_prefix(void **state)
{
	struct uw_error e;

	uw_error_set(&e, -EEXIST, "already there");
	assert_int_equal(uw_error_prefix(&e, "step %d", 3), -EEXIST);
	assert_string_equal(e.msg, "step 3: already there");
}

static void test_truncates_long_messages(void **state)
{
	struct uw_error e;
	char big[2000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	uw_error_set(&e, -E2BIG, "%s", big);
	assert_int_equal(strlen(e.msg), UW_ERROR_MSG_MAX - 1);
}

static void test_strlcpy(void **state)
{
	char b[4];

	assert_int_equal(uw_strlcpy(b, "usb0x", sizeof(b)), 5);
	assert_string_equal(b, "usb");
}

static void test_env_long(void **state)
{
	const char *name = "UW_TEST_ENV_LONG";

	unsetenv(name);
	assert_int_equal(uw_env_long(name, 1, 600, 30), 30);
	setenv(name, "45", 1);
	assert_int_equal(uw_env_long(name, 1, 600, 30), 45);
	/* empty, not a number, trailing junk, out of range: the default */
	for (const char *bad[] = { "", "x", "45s", "0", "601", "-3", NULL }, **b = bad; *b; b++) {
		setenv(name, *b, 1);
		assert_int_equal(uw_env_long(name, 1, 600, 30), 30);
	}
	unsetenv(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_negates_and_formats),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_truncates_long_messages),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_env_long),
	};
	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
