// SPDX-License-Identifier: GPL-2.0-or-later
/* The USBNET_WIZARD_* variables, read in one place (core/env.h). */
#include "tests/testutil.h"

#include "core/env.h"

static void test_table(void **state)
{
	for (int i = 0; i < UW_ENV__COUNT; i++) {
		const struct uw_env_info *v = &uw_env_table[i];

		assert_non_null(v->name);
		assert_int_equal(strncmp(v->name, "USBNET_WIZARD_", 14), 0);
		assert_true(strlen(v->meaning) > 10);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(v->name, uw_env_table[j].name);
	}
}

static void test_get_and_or(void **state)
{
	unsetenv("USBNET_WIZARD_SYSFS");
	assert_null(uw_env_get(UW_ENV_SYSFS));
	assert_string_equal(uw_env_or(UW_ENV_SYSFS, "/sys"), "/sys");
	setenv("USBNET_WIZARD_SYSFS", "", 1);
	/* set but empty: there for uw_env_get, the default for uw_env_or */
	assert_string_equal(uw_env_get(UW_ENV_SYSFS), "");
	assert_string_equal(uw_env_or(UW_ENV_SYSFS, "/sys"), "/sys");
	setenv("USBNET_WIZARD_SYSFS", "/tmp/sys", 1);
	assert_string_equal(uw_env_or(UW_ENV_SYSFS, "/sys"), "/tmp/sys");
	unsetenv("USBNET_WIZARD_SYSFS");
}

static void test_number_range(void **state)
{
	static const struct { const char *val; long want; } cases[] = {
		{ "12", 12 }, { "1", 1 }, { "600", 600 }, { "0", 30 }, { "601", 30 }, { "-5", 30 },
		{ "abc", 30 }, { "12abc", 30 }, { "", 30 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setenv("USBNET_WIZARD_CONFIRM_SECONDS", cases[i].val, 1);
		assert_int_equal(uw_env_number(UW_ENV_CONFIRM_SECONDS, 30), cases[i].want);
	}
	unsetenv("USBNET_WIZARD_CONFIRM_SECONDS");
	assert_int_equal(uw_env_number(UW_ENV_CONFIRM_SECONDS, 30), 30);
	assert_true(uw_env_table[UW_ENV_SSH_TIMEOUT].min <= uw_env_table[UW_ENV_SSH_TIMEOUT].max);
	assert_true(uw_env_table[UW_ENV_RUNDIR].min > uw_env_table[UW_ENV_RUNDIR].max);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_get_and_or),
		cmocka_unit_test(test_number_range),
	};
	return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
