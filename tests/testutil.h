/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Helpers for cmocka tests.
 *
 * Kernel-touching unit tests call uw_test_private_netns() first: the test
 * process moves into a brand-new, unnamed network namespace (unshare), so
 * every address, route, sysctl under /proc/sys/net and firewall rule it makes
 * lives there and vanishes with the process. If that cannot be done (not
 * root), the test is skipped; it never falls back to the machine's namespace.
 */

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static inline int uw_test_netns_ino(unsigned long *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	*ino = (unsigned long)st.st_ino;
	return 0;
}

/*
 * Move this process into a new network namespace, and bring its loopback up.
 * Returns 0 on success; on failure aborts the whole test program (exit 77,
 * "skipped") so no test can run against the machine's own namespace.
 */
static inline int uw_test_private_netns(void)
{
	unsigned long before, after;

	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: kernel tests need root (run: sudo make check)\n");
		exit(77);
	}
	if (uw_test_netns_ino(&before) < 0 || unshare(CLONE_NEWNET) < 0 ||
	    uw_test_netns_ino(&after) < 0 || before == after) {
		fprintf(stderr, "FATAL: could not enter a private network namespace: %s\n",
			strerror(errno));
		exit(1);
	}
	/* Loopback starts down in a new namespace; many tests need it. */
	if (system("ip link set lo up") != 0) {
		fprintf(stderr, "FATAL: could not bring lo up in the private namespace\n");
		exit(1);
	}
	return 0;
}

/* Run a command (a fixed test command, never user input) and return its
 * stdout as a malloc'd string (NULL on failure). */
static inline char *uw_test_capture(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char tmp[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf) {
				pclose(f);
				return NULL;
			}
		}
		memcpy(buf + len, tmp, n);
		len += n;
	}
	pclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* Run a fixed test command; assert it exits 0. */
#define uw_test_sh(cmd) assert_int_equal(system(cmd), 0)

/*
 * @rel in the source tree, into @out: a test program runs as
 * SRC/BUILD/tests/test-NAME, so the tree is three levels above it.
 */
static inline void uw_test_src_path(char *out, size_t len, const char *rel)
{
	char exe[900];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	out[0] = '\0';
	if (l <= 0)
		return;
	exe[l] = '\0';
	for (int i = 0; i < 3; i++)
		*strrchr(exe, '/') = '\0';
	snprintf(out, len, "%s/%s", exe, rel);
}

/* A fixed test command (never user input) made from @fmt and @ap into @cmd. */
#define UW_TEST_CMD_MAX 2048
static inline void uw_test_vcmd(char cmd[UW_TEST_CMD_MAX], const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static inline void uw_test_vcmd(char cmd[UW_TEST_CMD_MAX], const char *fmt, va_list ap)
{
	int n = vsnprintf(cmd, UW_TEST_CMD_MAX, fmt, ap);

	assert_true(n > 0 && n < UW_TEST_CMD_MAX);
}

/* Run a fixed test command made from @fmt; assert it exits 0. */
static inline void uw_test_shf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void uw_test_shf(const char *fmt, ...)
{
	char cmd[UW_TEST_CMD_MAX];
	va_list ap;

	va_start(ap, fmt);
	uw_test_vcmd(cmd, fmt, ap);
	va_end(ap);
	uw_test_sh(cmd);
}

/* The output of a fixed test command made from @fmt (malloc'd; asserts it ran). */
static inline char *uw_test_capturef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *uw_test_capturef(const char *fmt, ...)
{
	char cmd[UW_TEST_CMD_MAX], *out;
	va_list ap;

	va_start(ap, fmt);
	uw_test_vcmd(cmd, fmt, ap);
	va_end(ap);
	out = uw_test_capture(cmd);
	assert_non_null(out);
	return out;
}

/*
 * No system bus to ask: DBUS_SYSTEM_BUS_ADDRESS names a socket under @dir
 * that does not exist, so nothing a test runs talks to the machine's own
 * NetworkManager or firewalld (the real daemons on a private bus are the
 * testbed's: t-nm.sh, t-firewalld.sh).
 */
static inline void uw_test_no_system_bus(const char *dir)
{
	char bus[600];

	snprintf(bus, sizeof(bus), "unix:path=%s/no-bus", dir);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", bus, 1);
}

/*
 * A fake USB gadget in the fake sysfs tree @sysfs (USBNET_WIZARD_SYSFS):
 * class/net/IF -> a USB interface under a device with ids @vid:@pid, whose
 * driver link names @driver, and IF's ifindex (detection believes an entry
 * only when it agrees with netlink's).
 */
static inline void uw_test_fake_usb(const char *sysfs, const char *ifname, const char *driver,
				    const char *vid, const char *pid, int ifindex)
{
	uw_test_shf("set -e; cd %s; d=devices/pci0000:00/usb1/1-%s; mkdir -p $d/1-%s:1.0 "
		    "bus/usb/drivers/%s class/net/%s; echo %s > $d/idVendor; echo %s > $d/idProduct; "
		    "ln -sfn ../../../../../bus/usb/drivers/%s $d/1-%s:1.0/driver; "
		    "ln -sfn ../../../$d/1-%s:1.0 class/net/%s/device; echo %d > class/net/%s/ifindex",
		    sysfs, ifname, ifname, driver, ifname, vid, pid, driver, ifname, ifname, ifname,
		    ifindex, ifname);
}
