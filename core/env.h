/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Every USBNET_WIZARD_* environment variable the program reads, in one table
 * (name, meaning, range), read only through here. docs/usbnet-wizard.8's
 * ENVIRONMENT lists each one; tests/sys/t-docs.sh checks that the table, the
 * code and the man page agree.
 */

enum uw_env {
	UW_ENV_RUNDIR,
	UW_ENV_PROFILE,
	UW_ENV_RESOLV_CONF,
	UW_ENV_RESOLVED_CONF,
	UW_ENV_SYSFS,
	UW_ENV_NM_RUNDIR,
	UW_ENV_SSH_DIR,
	UW_ENV_PHONE_INTERFACES,
	UW_ENV_OUTSIDE_IP,
	UW_ENV_TEST_NAME,
	UW_ENV_CONFIRM_SECONDS,
	UW_ENV_SSH_TIMEOUT,
	UW_ENV_PERSIST_ROOT,
	UW_ENV_STDERR,
	UW_ENV_KERNEL_CONFIG,
	UW_ENV_DEMO,
	UW_ENV_FAULT,
	UW_ENV_KEY_TIMES,
	UW_ENV__COUNT,
};

struct uw_env_info {
	const char *name;     /* "USBNET_WIZARD_RUNDIR" */
	const char *meaning;  /* one line, as the man page says it */
	long min, max;        /* a number's range; min > max: not a number */
};

/* The table, indexed by enum uw_env. */
extern const struct uw_env_info uw_env_table[UW_ENV__COUNT];

/* The variable's value as the environment holds it (NULL when unset; may be ""). */
const char *uw_env_get(enum uw_env v);

/* The value, or @def when unset or empty. */
const char *uw_env_or(enum uw_env v, const char *def);

/* A number variable within its table range; @def when unset, empty, not a
 * whole number or out of range. */
long uw_env_number(enum uw_env v, long def);
