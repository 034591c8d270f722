// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/env.h"

#include <stdlib.h>

#include "core/util.h"

#define S(id, m) [UW_ENV_##id] = { "USBNET_WIZARD_" #id, m, 1, 0 }
#define N(id, m, lo, hi) [UW_ENV_##id] = { "USBNET_WIZARD_" #id, m, lo, hi }
const struct uw_env_info uw_env_table[UW_ENV__COUNT] = {
	S(RUNDIR, "runtime directory holding the journal (default /run/usbnet-wizard)"),
	S(PROFILE, "the profile file of profile and watch (default /etc/usbnet-wizard/profile)"),
	S(RESOLV_CONF, "the desktop's resolv.conf (default /etc/resolv.conf)"),
	S(RESOLVED_CONF, "systemd-resolved's upstream list (default /run/systemd/resolve/resolv.conf)"),
	S(SYSFS, "the sysfs root used for detection (default /sys)"),
	S(NM_RUNDIR, "NetworkManager's run directory"),
	S(SSH_DIR, "the ssh directory (default the invoking user's ~/.ssh)"),
	S(PHONE_INTERFACES, "the phone-side interfaces file (default /etc/network/interfaces)"),
	S(OUTSIDE_IP, "the outside address the phone check pings (default 9.9.9.9)"),
	S(TEST_NAME, "the name the phone check resolves (default example.com)"),
	N(CONFIRM_SECONDS, "seconds the wizard's automatic revert waits (default 30)", 1, 600),
	N(SSH_TIMEOUT, "the wizard's ssh timeout in seconds (default 5)", 1, 600),
	S(PERSIST_ROOT, "where the wizard's Permanent action installs files (default /)"),
	S(STDERR, "where the wizard sends stderr while the screen is up (default /dev/null)"),
	S(KERNEL_CONFIG, "the kernel configuration doctor reads (default /boot/config-$(uname -r))"),
	S(DEMO, "set by make demo: the wizard's closing words say the demo's changes go"),
	S(FAULT, "fault injection for the crash and rollback tests only"),
	S(KEY_TIMES, "a new file the wizard writes the time of each key and screen update to (benchmarks)"),
};
#undef S
#undef N

const char *uw_env_get(enum uw_env v)
{
	return getenv(uw_env_table[v].name);
}

const char *uw_env_or(enum uw_env v, const char *def)
{
	const char *s = uw_env_get(v);

	return s && *s ? s : def;
}

long uw_env_number(enum uw_env v, long def)
{
	const struct uw_env_info *i = &uw_env_table[v];

	if (i->min > i->max)
		uw_bug("%s is not a number variable", i->name);
	return uw_env_long(i->name, i->min, i->max, def);
}
