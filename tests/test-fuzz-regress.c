// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fuzz regression corpus, run by make check without libFuzzer: every file
 * under tests/fuzz/corpus/NAME/ (seeds) and tests/fuzz/regress/NAME/ (inputs
 * that once crashed or broke a property) goes through the same target body
 * as `make fuzz` uses (tests/fuzz/targets.h), under ASan+UBSan or valgrind.
 */
#include <dirent.h>
#include <libgen.h>
#include <limits.h>

#include "core/util.h"
#include "tests/testutil.h"

/* Which file is being fed, for the failure message. */
static const char *current_file = "";

#define UW_FUZZ_FAIL(what)                                                          \
	do {                                                                        \
		print_error("input %s breaks the property: %s\n", current_file, what); \
		fail();                                                             \
	} while (0)

#include "tests/fuzz/targets.h"

/* tests/fuzz/ of this source tree: next to the binary's build dir
 * (build/tests/test-fuzz-regress, then ../../tests/fuzz), else the cwd's. */
static void fuzz_root(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("UW_FUZZ_DIR");
	struct stat st;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	if (n > 0) {
		exe[n] = '\0';
		snprintf(buf, len, "%s/../../tests/fuzz", dirname(exe));
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return;
	}
	snprintf(buf, len, "tests/fuzz");
}

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, len = 0, n;

	assert_non_null(f);
	do {
		if (len + 4096 > cap) {
			cap = (len + 4096) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	*size = len;
	return buf;
}

/* Feed every regular file of DIR to @t; returns how many. */
static size_t feed_dir(const struct uw_fuzz_target *t, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t count = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		unsigned char *data;
		struct stat st;
		size_t size;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		data = slurp(path, &size);
		current_file = path;
		assert_int_equal(t->fn(data, size), 0);
		current_file = "";
		free(data);
		count++;
	}
	closedir(d);
	return count;
}

static void test_target(void **state)
{
	const struct uw_fuzz_target *t = *state;
	char root[PATH_MAX], dir[PATH_MAX + 64];
	size_t seeds, regress;

	fuzz_root(root, sizeof(root));
	snprintf(dir, sizeof(dir), "%s/corpus/%s", root, t->name);
	seeds = feed_dir(t, dir);
	snprintf(dir, sizeof(dir), "%s/regress/%s", root, t->name);
	regress = feed_dir(t, dir);
	print_message("%s: %zu seed and %zu regression inputs\n", t->name, seeds, regress);
	/* Every target has seeds: an empty corpus means the test found nothing,
	 * not that everything passed. */
	assert_true(seeds > 0);
}

/* The empty input and a few hostile shapes, whatever the corpus holds. */
static void test_edge_inputs(void **state)
{
	static const char *const inputs[] = {
		"", "\n", " ", "%", "=", "kind=", "kind=firewall", "/", "/33", "0.0.0.0/0",
		"255.255.255.255", "nameserver", "iface usb0 inet static", "\t\t\t",
	};
	char big[70000];

	(void)state;
	memset(big, 'a', sizeof(big));
	for (size_t t = 0; t < UW_ARRAY_SIZE(uw_fuzz_targets); t++) {
		for (size_t i = 0; i < UW_ARRAY_SIZE(inputs); i++) {
			current_file = inputs[i];
			assert_int_equal(uw_fuzz_targets[t].fn((const uint8_t *)inputs[i], strlen(inputs[i])), 0);
		}
		current_file = "(70000 x 'a')";
		assert_int_equal(uw_fuzz_targets[t].fn((const uint8_t *)big, sizeof(big)), 0);
	}
}

int main(void)
{
	struct CMUnitTest tests[UW_ARRAY_SIZE(uw_fuzz_targets) + 1];
	char names[UW_ARRAY_SIZE(uw_fuzz_targets)][64];
	size_t n = 0;

	for (size_t i = 0; i < UW_ARRAY_SIZE(uw_fuzz_targets); i++, n++) {
		snprintf(names[i], sizeof(names[i]), "corpus_%s", uw_fuzz_targets[i].name);
		tests[n] = (struct CMUnitTest){
			.name = names[i],
			.test_func = test_target,
			.initial_state = (void *)&uw_fuzz_targets[i],
		};
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_edge_inputs);
	return _cmocka_run_group_tests("fuzz-regress", tests, n, NULL, NULL);
}
