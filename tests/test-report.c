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

/* Secrets where they live, in the shapes config files use (issue 12, item 23). */
static void test_secret_shapes(void **state)
{
	expect("psk hunter2\n", "psk [REDACTED]\n");
	expect("\twpa-psk \"my pass phrase\"\n", "\twpa-psk [REDACTED]\n");
	expect("# secret hunter2\n", "# secret [REDACTED]\n");
	expect("; password hunter2\n", "; password [REDACTED]\n");
	expect("wpa_passphrase=hunter2\n", "wpa_passphrase= [REDACTED]\n");
	expect("apiKey: abc123\n", "apiKey: [REDACTED]\n");
	expect("[wifi-security]\nkey-mgmt=wpa-psk\npsk=hunter2\n",
	       "[wifi-security]\nkey-mgmt=wpa-psk\npsk= [REDACTED]\n");
	expect("PrivateKey = gI6EdUSYvn8ugXOt8QQD6Yc+JyiZxIhp3GInSWRfWGE=\n", "PrivateKey = [REDACTED]\n");
	expect("wep-key1=s3cr3t\n", "wep-key1= [REDACTED]\n");
	expect("machine h login u password p\n", "machine h login u password p\n");
	/* an error message quoting a config line: only the value goes */
	expect("profile line 2: \"api_token: hunter2\" is not valid\n",
	       "profile line 2: \"api_token: [REDACTED]\" is not valid\n");
}

/* What a secret looks like, wherever it stands. */
static void test_secret_looks(void **state)
{
	expect("wpa raw 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
	       "wpa raw [REDACTED: token]\n");
	expect("Authorization Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig\n",
	       "Authorization Bearer [REDACTED: token]\n");
	expect("token gh7Xk29QpLmZ0aB4cD8eF1gH3iJ5kL6mN\n", "token [REDACTED]\n");
	expect("x gh7Xk29QpLmZ0aB4cD8eF1gH3iJ5kL6mN y\n", "x [REDACTED: token] y\n");
	/* public, and what support needs: kept */
	expect("host key SHA256:n4Y0ZkB6Yq3Xh0S8e2yq1cJ0bZt5vH4sVQ7mP2kL9xA\n",
	       "host key SHA256:n4Y0ZkB6Yq3Xh0S8e2yq1cJ0bZt5vH4sVQ7mP2kL9xA\n");
	expect("machine-id 0123456789abcdef0123456789abcdef\n", "machine-id 0123456789abcdef0123456789abcdef\n");
}

/* Comments in prose are not secrets: nothing harmless is redacted. */
static void test_harmless_kept(void **state)
{
	expect("# Authentication: see the manual for details\n",
	       "# Authentication: see the manual for details\n");
	expect("# The key: it is in the drawer\n", "# The key: it is in the drawer\n");
	expect("# Passwords are never stored here.\n", "# Passwords are never stored here.\n");
	expect("PRIVACY_POLICY_URL=\"https://www.debian.org/\"\n",
	       "PRIVACY_POLICY_URL=\"https://www.debian.org/\"\n");
	expect("keyboard: us\n", "keyboard: us\n");
	expect("auth-alg=open\n", "auth-alg=open\n");
	expect("passage 3\n", "passage 3\n");
	expect("/run/systemd/resolve/stub-resolv.conf\n", "/run/systemd/resolve/stub-resolv.conf\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_keys_and_hashes),
		cmocka_unit_test(test_secret_shapes),
		cmocka_unit_test(test_secret_looks),
		cmocka_unit_test(test_harmless_kept),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
