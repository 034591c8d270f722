// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/testutil.h"
#include "core/report.h"

static void expect(const char *in, const char *want)
{
	char *out = uw_report_redact(in);
	if (strcmp(out, want))
		fail_msg("redact(\"%s\")\n  got  \"%s\"\n  want \"%s\"", in, out, want);
	free(out);
}

static void test_assignments(void **state)
{
	expect("password=hunter2\n", "password= [REDACTED]\n");
	expect("  Passwd: hunter2\n", "  Passwd: [REDACTED]\n");
	expect("api_token: abc\nnameserver 1.2.3.4\n", "api_token: [REDACTED]\nnameserver 1.2.3.4\n");
	expect("wpa psk=\"x y\"\n", "wpa psk= [REDACTED]\n");
	expect("# password = s3cret\n", "# password = [REDACTED]\n");
	/* not secrets */
	expect("nameserver 203.0.113.53\n", "nameserver 203.0.113.53\n");
	expect("monkey: banana\n", "monkey: banana\n");
	expect("the check passes\n", "the check passes\n");
	expect("", "");
	expect("no newline", "no newline");
}

static void test_keys_and_hashes(void **state)
{
	expect("a\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\nAAAA\n-----END OPENSSH PRIVATE KEY-----\nz\n",
	       "a\n[REDACTED: private key]\nz\n");
	expect("root:$6$salt$abcdefghijklmnopqrstuv:19000::\n", "root:[REDACTED: password hash]:19000::\n");
	expect("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIbase64 me@host\n", "ssh-ed25519 [REDACTED: key] me@host\n");
	expect("costs $5 or $10\n", "costs $5 or $10\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_keys_and_hashes),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
