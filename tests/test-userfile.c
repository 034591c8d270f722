// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/userfile.c: files in someone else's directory, never through a link
 * (issue 10). Links "planted by a user" are made by this (root) test and
 * then given to another uid with lchown, which is what a user's own link
 * looks like. The system test tests/sys/t-security.sh does it with a real
 * unprivileged user and the binary run as sudo runs it.
 */
#include "tests/testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/profile.h"
#include "core/resolv.h"
#include "core/userfile.h"
#include "core/util.h"

#define OTHER_UID 54321

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/uw-test-userfile.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	/* Only what this test made: its own mkdtemp directory. */
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static char *p(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static char *slurp(const char *path)
{
	static char buf[512];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A user's link: made here, then owned by another uid. */
static void user_link(const char *target, const char *path)
{
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(lchown(path, OTHER_UID, OTHER_UID), 0);
}

static void test_fifo_is_refused_without_blocking(void **state)
{
	struct uw_error e;
	struct uw_profile prof;
	struct uw_resolv rv;

	assert_int_equal(mkfifo(p("fifo"), 0600), 0);
	uw_error_clear(&e);
	assert_int_equal(uw_open_regular(p("fifo"), "The profile", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "FIFO"));
	/* The readers of user-named files: each returns at once with an error. */
	assert_int_equal(uw_profile_load(p("fifo"), &prof, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(uw_resolv_read(p("fifo"), &rv, &e), -EINVAL);
	assert_int_equal(uw_open_regular(dir, "The profile", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "a directory"));
}

static void test_userdir_refuses_a_users_link(void **state)
{
	struct uw_userdir d;
	struct uw_error e;

	assert_int_equal(mkdir(p("real"), 0700), 0);
	user_link(p("real"), p("ssh"));
	uw_error_clear(&e);
	assert_int_equal(uw_userdir_open(p("ssh"), UW_USERDIR_STRICT, &d, &e), -ELOOP);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_int_equal(uw_userdir_open(p("ssh"), UW_USERDIR_STRICT | UW_USERDIR_CREATE, &d, &e),
			 -ELOOP);
	/* Root's own link (Silverblue's /home -> var/home) is followed. */
	assert_int_equal(symlink("real", p("rootlink")), 0);
	assert_int_equal(uw_userdir_open(p("rootlink"), UW_USERDIR_STRICT, &d, &e), 0);
	uw_userdir_close(&d);
}

static void test_userdir_strict_owner_and_mode(void **state)
{
	struct uw_userdir d;
	struct uw_error e;

	assert_int_equal(mkdir(p("gw"), 0770), 0);
	chmod(p("gw"), 0770);
	uw_error_clear(&e);
	assert_int_equal(uw_userdir_open(p("gw"), UW_USERDIR_STRICT, &d, &e), -EPERM);
	assert_non_null(strstr(e.msg, "can be written by others"));
	assert_int_equal(mkdir(p("stranger"), 0700), 0);
	assert_int_equal(chown(p("stranger"), OTHER_UID, OTHER_UID), 0);
	assert_int_equal(uw_userdir_open(p("stranger"), UW_USERDIR_STRICT, &d, &e), -EPERM);
	assert_non_null(strstr(e.msg, "neither you nor root"));
}

static void test_replace_never_writes_through_links(void **state)
{
	struct uw_userdir d;
	struct uw_error e;
	struct stat st;
	char *text = NULL;

	write_text(p("shadow"), "secret\n", 0640);
	assert_int_equal(mkdir(p("ssh"), 0700), 0);
	assert_int_equal(uw_userdir_open(p("ssh"), UW_USERDIR_STRICT, &d, &e), 0);
	user_link(p("shadow"), p("ssh/known_hosts"));
	user_link(p("nothing-yet"), p("ssh/config"));
	uw_error_clear(&e);
	assert_int_equal(uw_userdir_replace(&d, "known_hosts", "x\n", 2, 0644, 0, &e), -ELOOP);
	assert_int_equal(uw_userdir_replace(&d, "config", "x\n", 2, 0600, 0, &e), -ELOOP);
	assert_int_equal(uw_userdir_replace(&d, "config", "x\n", 2, 0600, UW_USERDIR_EXCL, &e),
			 -EEXIST);
	assert_int_equal(uw_userdir_read(&d, "known_hosts", 4096, &text, NULL, &e), -ELOOP);
	assert_null(text);
	assert_string_equal(slurp(p("shadow")), "secret\n");
	assert_int_equal(stat(p("shadow"), &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(access(p("nothing-yet"), F_OK), -1);
	/* A plain file is replaced whole, with the mode asked for. */
	assert_int_equal(uw_userdir_replace(&d, "id", "k\n", 2, 0600, UW_USERDIR_EXCL, &e), 0);
	assert_int_equal(stat(p("ssh/id"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(uw_userdir_read(&d, "id", 4096, &text, NULL, &e), 2);
	assert_string_equal(text, "k\n");
	free(text);
	uw_userdir_close(&d);
}

static void test_write_file_safely(void **state)
{
	struct uw_error e;
	struct stat st;

	/* An existing 0644 file comes out 0600; a hard link to it keeps the old content. */
	write_text(p("report.txt"), "old\n", 0644);
	assert_int_equal(link(p("report.txt"), p("hardlink")), 0);
	uw_error_clear(&e);
	assert_int_equal(uw_write_file_safely(p("report.txt"), "new\n", 4, 0600, 0, &e), 0);
	assert_int_equal(stat(p("report.txt"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(slurp(p("report.txt")), "new\n");
	assert_string_equal(slurp(p("hardlink")), "old\n");
	/* A link at the name is refused, its target untouched; so is a FIFO. */
	write_text(p("shadow2"), "secret\n", 0640);
	user_link(p("shadow2"), p("out.txt"));
	assert_int_equal(uw_write_file_safely(p("out.txt"), "new\n", 4, 0600, 0, &e), -ELOOP);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_string_equal(slurp(p("shadow2")), "secret\n");
	assert_int_equal(mkfifo(p("pipe"), 0600), 0);
	assert_int_equal(uw_write_file_safely(p("pipe"), "new\n", 4, 0600, 0, &e), -EINVAL);
	/* Under sudo, a report in the user's directory becomes theirs. */
	assert_int_equal(mkdir(p("home"), 0755), 0);
	assert_int_equal(chown(p("home"), OTHER_UID, OTHER_UID), 0);
	setenv("SUDO_UID", "54321", 1);
	setenv("SUDO_GID", "54321", 1);
	assert_int_equal(uw_write_file_safely(p("home/r.txt"), "r\n", 2, 0600, UW_WRITE_FOR_USER,
					      &e), 0);
	/* ... in a directory only root writes, it stays root's. */
	assert_int_equal(uw_write_file_safely(p("r.txt"), "r\n", 2, 0600, UW_WRITE_FOR_USER, &e), 0);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	assert_int_equal(stat(p("home/r.txt"), &st), 0);
	assert_int_equal(st.st_uid, OTHER_UID);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(p("r.txt"), &st), 0);
	assert_int_equal(st.st_uid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fifo_is_refused_without_blocking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_userdir_refuses_a_users_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_userdir_strict_owner_and_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_never_writes_through_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_file_safely, setup, teardown),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "test-userfile: needs root (lchown to plant another user's links)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
