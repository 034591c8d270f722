// SPDX-License-Identifier: GPL-2.0-or-later
/* The one bounded reader and the one atomic writer (core/file.h). */
#include "tests/testutil.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/file.h"
#include "core/util.h"

static char dir[] = "/tmp/uw-test-file.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *name, const char *text)
{
	char p[300];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "we"));
	fputs(text, f);
	fclose(f);
}

static char *path(const char *name)
{
	return uw_strdup_printf("%s/%s", dir, name);
}

static void test_read_bounded(void **state)
{
	_auto_(free) char *p = path("small"), *out = NULL, *q = path("ten");
	struct uw_error e;
	bool cut = true;
	ssize_t n;

	put("small", "abc\n");
	n = uw_file_read(p, "The file", 100, &out, &cut, &e);
	assert_int_equal(n, 4);
	assert_string_equal(out, "abc\n");
	assert_false(cut);
	free(out);

	/* Exactly the bound is whole; one byte more is cut (with @cut) or refused (without). */
	put("ten", "0123456789");
	assert_int_equal(uw_file_read(q, "The file", 10, &out, &cut, &e), 10);
	assert_false(cut);
	free(out);
	assert_int_equal(uw_file_read(q, "The file", 9, &out, &cut, &e), 9);
	assert_true(cut);
	assert_string_equal(out, "012345678");
	free(out);
	out = NULL;
	uw_error_clear(&e);
	assert_int_equal(uw_file_read(q, "The file", 9, &out, NULL, &e), -EFBIG);
	assert_null(out);
	assert_non_null(strstr(e.msg, "larger than 9 bytes"));
}

static void test_read_growing_past_first_buffer(void **state)
{
	_auto_(free) char *p = path("big"), *out = NULL;
	char *text = uw_malloc0(20001);
	struct uw_error e;

	memset(text, 'x', 20000);
	put("big", text);
	assert_int_equal(uw_file_read(p, "The file", 1 << 20, &out, NULL, &e), 20000);
	assert_string_equal(out, text);
	free(text);
}

static void test_read_refuses_fifo_and_missing(void **state)
{
	_auto_(free) char *p = path("fifo"), *m = path("missing");
	char *out = (char *)"untouched";
	struct uw_error e;

	assert_int_equal(mkfifo(p, 0600), 0);
	/* Would block for ever if it were opened for reading without O_NONBLOCK. */
	assert_int_equal(uw_file_read(p, "The file", 100, &out, NULL, &e), -EINVAL);
	assert_null(out);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(uw_file_read(m, "The file", 100, &out, NULL, &e), -ENOENT);
}

static void test_replace_mode_and_content(void **state)
{
	_auto_(free) char *p = path("conf"), *out = NULL;
	struct uw_error e;
	struct stat st;
	mode_t old = umask(077);

	/* The mode is what is asked, whatever the umask, also over an existing file. */
	put("conf", "old content that is longer\n");
	chmod(p, 0600);
	assert_int_equal(uw_file_replace(p, "new\n", 4, 0644, &e), 0);
	umask(old);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(uw_file_read(p, "", 100, &out, NULL, &e), 4);
	assert_string_equal(out, "new\n");
}

static void test_replace_never_writes_through_links(void **state)
{
	_auto_(free) char *victim = path("victim"), *lnk = path("link"), *hard = path("hard"),
		*out = NULL;
	struct uw_error e;
	struct stat st;

	put("victim", "precious\n");
	assert_int_equal(symlink(victim, lnk), 0);
	assert_int_equal(link(victim, hard), 0);
	/* The link is replaced by a file; the file it pointed to keeps its content. */
	assert_int_equal(uw_file_replace(lnk, "over\n", 5, 0600, &e), 0);
	assert_int_equal(lstat(lnk, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* The hard link is a new file now; the other name keeps the old content. */
	assert_int_equal(uw_file_replace(hard, "over\n", 5, 0600, &e), 0);
	assert_int_equal(uw_file_read(victim, "", 100, &out, NULL, &e), 9);
	assert_string_equal(out, "precious\n");
}

static void test_commit_excl_and_no_leftover(void **state)
{
	_auto_fd_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char tmp[128];
	int fd;

	put("taken", "x");
	fd = uw_file_tmp_at(dfd, "taken", tmp, sizeof(tmp));
	assert_true(fd >= 0);
	assert_int_equal(uw_file_fill(fd, "y", 1, 0600), 0);
	close(fd);
	/* Not over an existing name with excl; the temp file goes either way. */
	assert_int_equal(uw_file_commit_at(dfd, tmp, "taken", true), -EEXIST);
	assert_int_equal(faccessat(dfd, tmp, F_OK, AT_SYMLINK_NOFOLLOW), -1);
	fd = uw_file_tmp_at(dfd, "fresh", tmp, sizeof(tmp));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(uw_file_commit_at(dfd, tmp, "fresh", true), 0);
	assert_int_equal(faccessat(dfd, "fresh", F_OK, 0), 0);
}

static void test_replace_bad_directory(void **state)
{
	struct uw_error e;

	uw_error_clear(&e);
	assert_true(uw_file_replace("/nonexistent-uw-dir/x", "a", 1, 0600, &e) < 0);
	assert_non_null(strstr(e.msg, "/nonexistent-uw-dir/x"));
	assert_int_equal(uw_file_replace("/tmp/", "a", 1, 0600, &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_bounded),
		cmocka_unit_test(test_read_growing_past_first_buffer),
		cmocka_unit_test(test_read_refuses_fifo_and_missing),
		cmocka_unit_test(test_replace_mode_and_content),
		cmocka_unit_test(test_replace_never_writes_through_links),
		cmocka_unit_test(test_commit_excl_and_no_leftover),
		cmocka_unit_test(test_replace_bad_directory),
	};
	return cmocka_run_group_tests_name("file", tests, setup, teardown);
}
