/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The phone session: a built-in ssh client (libssh) to the USB-networked
 * phone. No `ssh` binary is ever run. The struct is opaque so that screens/
 * never sees a libssh type.
 *
 * Authentication is tried in the order a FreeRunner needs it: "none" (that is
 * how dropbear accepts a blank password), the user's keys and ssh-agent, then
 * a password obtained from the caller's callback (never stored, never logged).
 *
 * Host keys: trust on first use with the fingerprint shown through a callback;
 * a changed key is never accepted silently, the callback gets both SHA256
 * fingerprints and may answer "replace" (explicit consent) or "reject".
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Output of one remote command is capped at this many bytes per stream. */
#define UW_PHONE_OUTPUT_MAX (64 * 1024)

struct uw_phone;

enum uw_phone_hostkey_state {
	UW_PHONE_HOSTKEY_NEW,      /* no entry for this host yet (first contact) */
	UW_PHONE_HOSTKEY_CHANGED,  /* an entry exists with a different key */
};

enum uw_phone_hostkey_decision {
	UW_PHONE_HOSTKEY_REJECT,   /* do not connect */
	UW_PHONE_HOSTKEY_ACCEPT,   /* NEW only: trust and save to known_hosts */
	UW_PHONE_HOSTKEY_REPLACE,  /* CHANGED only: drop the old entry, save the new key */
};

struct uw_phone_hostkey_info {
	enum uw_phone_hostkey_state state;
	const char *host;          /* as written in known_hosts: "ip" or "[ip]:port" */
	const char *key_type;      /* "ssh-ed25519", ... */
	const char *fingerprint;   /* "SHA256:..." of the key the phone offers now */
	const char *old_fingerprint; /* CHANGED: "SHA256:..." on file ("" if unknown) */
	const char *known_hosts;   /* path of the known_hosts file */
	const char *explanation;   /* plain words about what this means */
};

/*
 * Host key decision callback. Must return quickly (the TUI asks the user; the
 * CLI decides from its options). With no callback, NEW keys are accepted
 * (trust on first use) and CHANGED keys are rejected.
 */
typedef enum uw_phone_hostkey_decision (*uw_phone_hostkey_fn)(
	const struct uw_phone_hostkey_info *info, void *userdata);

/*
 * Password callback: fill @buf (size @size) with the password for @prompt
 * ("root@192.168.0.202's password") and return 0, or a negative value to give
 * up. The buffer is wiped after use.
 */
typedef int (*uw_phone_password_fn)(const char *prompt, char *buf, size_t size, void *userdata);

struct uw_phone_options {
	const char *host;          /* default "192.168.0.202"; may be "fe80::1%usb0" */
	const char *user;          /* default "root" */
	unsigned port;             /* default 22 */
	unsigned timeout_s;        /* connect/auth/command timeout, default 5 */
	const char *ssh_dir;       /* default: uw_phone_ssh_dir() */
	/*
	 * Name used for the known_hosts lookup instead of @host. The rescue path
	 * connects to fe80::...%usb0 but checks the key the phone has on file
	 * under its usual IPv4 address: same phone, same key.
	 */
	const char *known_host_name;
	uw_phone_hostkey_fn hostkey_cb;
	void *hostkey_data;
	uw_phone_password_fn password_cb;
	void *password_data;
};

/* How the session authenticated (for the report; never contains a secret). */
enum uw_phone_auth {
	UW_PHONE_AUTH_NONE_BLANK,  /* "none" auth: the blank-password default */
	UW_PHONE_AUTH_KEY,         /* a key from the ssh dir or the agent */
	UW_PHONE_AUTH_PASSWORD,    /* a password from the callback */
};

/* One remote command's result. */
struct uw_phone_result {
	char *out;                 /* stdout, NUL-terminated, sanitized, <= UW_PHONE_OUTPUT_MAX */
	char *err;                 /* stderr, same rules */
	int exit_status;           /* -1 when the phone sent none */
	bool truncated;            /* output hit the cap; the rest was dropped */
	bool timed_out;            /* the command did not finish within the timeout */
};

/*
 * The ssh directory to use: $USBNET_WIZARD_SSH_DIR if set; when running as
 * root under sudo, the invoking user's ~/.ssh (SUDO_USER), not root's;
 * otherwise $HOME/.ssh. Returns a malloc'd path.
 *
 * Every file in it is read and written through core/userfile.h: no link is
 * ever followed (the directory itself, known_hosts, the keys, config), files
 * are replaced by rename, never written through, and all of it happens as the
 * directory's owner (docs/security.md). A directory or file that breaks these
 * rules gives an error saying what to change, and nothing is written.
 */
char *uw_phone_ssh_dir(void);

/*
 * Connect and authenticate. On success *out is a live session (free with
 * uw_phone_free). Errors: -ETIMEDOUT / -EHOSTUNREACH / -ECONNREFUSED (phone
 * not answering), -EACCES (every auth method refused), -EKEYREJECTED (host
 * key rejected or changed and not replaced), each with a sentence in @err.
 */
int uw_phone_connect(const struct uw_phone_options *opts, struct uw_phone **out,
		     struct uw_error *err);

/* Close the session and free it (NULL is fine). */
void uw_phone_free(struct uw_phone *p);

/* How the session authenticated. */
enum uw_phone_auth uw_phone_auth_method(const struct uw_phone *p);

/* The login method in words: "blank password", "ssh key" or "password". */
const char *uw_phone_auth_name(enum uw_phone_auth a);

/* The SHA256 fingerprint of the phone's host key ("SHA256:..."). */
const char *uw_phone_fingerprint(const struct uw_phone *p);

/*
 * Run @cmd on the phone (one channel per command), feeding @input (may be
 * NULL) on its stdin. stdout and stderr are read separately, each capped at
 * UW_PHONE_OUTPUT_MAX and cleaned with uw_sanitize_copy (core/sanitize.h); the whole run is
 * bounded by the session timeout. A timeout or truncation is reported in
 * @res, not as an error. Returns 0, or a negative errno when the channel
 * could not be used (the phone vanished: -ECONNRESET). Free @res with
 * uw_phone_result_fini even on error.
 */
int uw_phone_run(struct uw_phone *p, const char *cmd, const char *input,
		 struct uw_phone_result *res, struct uw_error *err);

/*
 * Several commands at once, each on its own channel of the one session (the
 * phone runs them side by side; the checklist's independent checks take as
 * long as the slowest, not their sum).
 */
struct uw_phone_job {
	const char *cmd;           /* run on the phone */
	const char *input;         /* fed on stdin (may be NULL) */
	unsigned deadline_ms;      /* local deadline from the start (0: the session timeout) */
	/* uw_phone_run_shared: output whose size the phone decides (a file's
	 * content) is sent line by line as it comes, not captured whole first,
	 * so the cap is reached in time (one process more on the phone). */
	bool stream;
	/* uw_phone_run_shared: started before the jobs without it. For the job
	 * with the longest chain of programs (one that starts another): on a
	 * busy phone the jobs started first get the CPU first. */
	bool first;
	/* Filled by uw_phone_run_all: */
	struct uw_phone_result res;
	int rc;                    /* 0, or the phone is gone: -ENOLINK unplugged, -ECONNRESET */
	bool done;
};

/* Told about job @i as soon as it is finished (in the calling thread). */
typedef void (*uw_phone_job_done_fn)(size_t i, struct uw_phone_job *job, void *ud);

/*
 * Run the @n jobs concurrently and wait until each has finished: ended on
 * the phone, or cut at its deadline (res.timed_out), or the phone is gone.
 * @done (may be NULL) is called once per job as it finishes, in the order
 * they finish. The phone is gone when the connection breaks or when the
 * link the session runs over disappears or loses its carrier (the phone
 * unplugged: noticed within 50 ms, not at a deadline); every job not yet
 * finished then finishes with rc -ENOLINK (unplugged) or -ECONNRESET. Returns 0, or -ECONNRESET
 * with @err set (a sentence that says whether the phone was unplugged).
 * Free each job's res with uw_phone_result_fini.
 */
int uw_phone_run_all(struct uw_phone *p, struct uw_phone_job *jobs, size_t n,
		     uw_phone_job_done_fn done, void *ud, struct uw_error *err);

/*
 * As uw_phone_run_all, but the @n jobs share ONE channel and one shell on
 * the phone: a short POSIX sh script starts each command in the background,
 * captures its output ($(...)) and sends it back in one frame marked with a
 * random line and its exit status (an output of over 800 characters: every
 * line tagged with the job's number instead); they are sorted back to their
 * jobs here. A phone pays for one channel (dropbear forks, reseeds and
 * starts a shell per channel: ~20 ms each on the testbed) instead of @n, and
 * two processes a job, the command's included. Each job keeps its own
 * deadline, cap and result; a job's stderr is merged into its res.out (as
 * with 2>&1; res.err stays empty); as with $(...), the output loses its
 * trailing newlines (a .stream job's output comes line by line, byte for
 * byte); no job may have input. A command may call `exit`,
 * `exec` or set traps (it runs in its own subshell), but is pasted into the
 * script as it is: it must be complete shell syntax, and its output comes
 * back when it ends (for commands whose output is bounded text: a line over
 * 4 KiB may interleave with another job's output). The script exports
 * LC_ALL=C.
 */
int uw_phone_run_shared(struct uw_phone *p, struct uw_phone_job *jobs, size_t n,
			uw_phone_job_done_fn done, void *ud, struct uw_error *err);

/* Free the strings in @res and zero it. */
void uw_phone_result_fini(struct uw_phone_result *res);

/*
 * Find phones on @iface by IPv6 link-local: one ICMPv6 echo request to ff02::1
 * scoped to the interface, replies collected for @wait_ms. Writes up to @max
 * addresses as "fe80::...%iface" strings (each @len bytes) into @addrs,
 * excluding this machine's own addresses. Returns the count (0: nobody
 * answered) or a negative errno (no such interface, no permission).
 */
int uw_phone_find_link_local(const char *iface, unsigned wait_ms, char (*addrs)[64],
			     size_t max, struct uw_error *err);

/*
 * Make sure the user has a key pair in @ssh_dir. If one of id_ed25519,
 * id_ecdsa, id_rsa exists its public half is returned in *pubkey_line
 * ("ssh-ed25519 AAAA... comment"); otherwise, only when @may_generate is
 * true, a new ed25519 pair is generated with libssh (ssh_pki_generate) and
 * written as id_ed25519 / id_ed25519.pub (0600 / 0644, new names only, owned
 * by the directory's owner). Returns 1 when a key was generated, 0 when one existed,
 * -ENOENT when none exists and generation was not allowed.
 */
int uw_phone_user_key(const char *ssh_dir, bool may_generate, char **pubkey_line,
		      struct uw_error *err);

/*
 * Install @pubkey_line in the phone user's ~/.ssh/authorized_keys (creates
 * the directory with mode 700; appends only when the key is not already
 * there). Returns 0 when added, -EEXIST when it was already there.
 */
int uw_phone_install_key(struct uw_phone *p, const char *pubkey_line, struct uw_error *err);

/*
 * Add "Host NAME / HostName HOST / User USER [/ Port PORT]" to @ssh_dir/config
 * (created with mode 600 if missing, rewritten whole otherwise). Never duplicates:
 * -EEXIST when a Host line already names NAME; never clobbers: other content
 * is kept and the stanza is appended. NAME must be a plain host alias
 * (letters, digits, '-', '_', '.').
 */
int uw_phone_ssh_config_add(const char *ssh_dir, const char *name, const char *host,
			    const char *user, unsigned port, struct uw_error *err);

/*
 * Load libssh (core/phone-ssh.c): the binary is not linked against it, so
 * commands that never talk to the phone do not pay for loading it and its
 * crypto libraries. Called by every entry point above that uses ssh; 0 or
 * -ENOENT with what to install.
 */
int uw_ssh_load(struct uw_error *err);
/* Has libssh been loaded into this process (for the start-up test)? */
bool uw_ssh_loaded(void);
