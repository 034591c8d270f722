/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the phone's files share, and nothing outside core/phone*.c includes:
 * the session (core/phone.c), the host key and known_hosts
 * (core/phone-knownhosts.c), the user's keys (core/phone-keys.c), the
 * ssh_config block (core/phone-sshconfig.c); core/phone-ssh.c loads libssh.
 */

#include <net/if.h>
#include <stdbool.h>

#include <libssh/libssh.h>

#include "core/phone.h"
#include "core/userfile.h"

struct uw_phone {
	ssh_session session;
	enum uw_phone_auth auth;
	unsigned timeout_s;
	bool dead;                 /* the connection broke: every run fails fast */
	int own_fd;                /* the TCP socket we opened and hand to libssh (-1: none) */
	struct cut_channel *linger;     /* channels cut at a deadline, left to end on the phone */
	int link_ifindex;          /* the link the session runs over (0: unknown) */
	char link_name[IF_NAMESIZE]; /* its name when last seen */
	struct uw_userdir sshdir;  /* the user's ssh directory, opened link-free (fd -1: none yet) */
	char fingerprint[128];
	const struct uw_phone_options *opts;    /* during uw_phone_connect only */
	unsigned passphrase_asked, passphrase_missing;
};

static inline void ssh_free_autoptr(ssh_session *s)
{
	if (*s) {
		ssh_disconnect(*s);
		ssh_free(*s);
	}
}

static inline void ssh_key_autoptr(ssh_key *k)
{
	if (*k)
		ssh_key_free(*k);
}

/*
 * Every file in the user's ssh directory is read and written through
 * core/userfile.h: under sudo we are root in someone else's directory, and a
 * link there (known_hosts -> /etc/shadow) must never be followed, nor a file
 * chowned by path. The directory is opened link-free once per use and all
 * access inside happens as its owner; see docs/security.md.
 */
#define SSH_FILE_MAX (1 << 20)

/* Open (or, with @create, make) the ssh directory @dir into @d (d->fd -1: none yet). */
int uw_phone_open_ssh_dir(const char *dir, bool create, struct uw_userdir *d, struct uw_error *err);

/* The name known_hosts files @host:@port under ("[host]:port" for another port than 22). */
char *uw_phone_known_hosts_name(const char *host, unsigned port);

/*
 * Check the host key of @p's fresh connection against known_hosts in @dir
 * (shown as @kh_path, the entry named @kh_host): a known key passes; a new or
 * changed one is put to o->hostkey_cb and, if accepted, remembered. <0 with
 * a sentence when refused or unreadable.
 */
int uw_phone_verify_host_key(struct uw_phone *p, const struct uw_phone_options *o, const char *dir,
			     const char *kh_path, const char *kh_host, struct uw_error *err);

/* The private keys tried, in order, in the ssh directory. */
#define UW_PHONE_N_KEYS 3
extern const char *const uw_phone_key_names[UW_PHONE_N_KEYS];

/*
 * Private key @name from @d, read link-free as its owner (never by name
 * through libssh, which would follow a link as root). NULL if none. With @p,
 * an encrypted key's passphrase is asked; without, such a key does not load.
 */
ssh_key uw_phone_load_private_key(struct uw_userdir *d, const char *name, struct uw_phone *p);

/*
 * The sh script uw_phone_run_shared sends for @jobs, its end lines marked
 * with @marker (malloc'd). Here for the tests: what starts first.
 */
char *uw_phone_shared_script(const char *marker, const struct uw_phone_job *jobs, size_t n);
