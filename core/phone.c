// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone session over libssh: connect, authenticate, run commands. See
 * core/phone.h for the contract; the host key is checked in
 * core/phone-knownhosts.c, the user's keys in core/phone-keys.c.
 */
#include "core/env.h"
#include "core/phone.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "core/phone-private.h"
#include "core/sanitize.h"
#include "core/userfile.h"
#include "core/util.h"

char *uw_phone_ssh_dir(void)
{
	const char *env = uw_env_get(UW_ENV_SSH_DIR);
	const char *sudo_user = getenv("SUDO_USER");
	const char *home;
	struct passwd *pw;

	if (env && *env)
		return uw_strdup(env);
	/* sudo keeps HOME=/root on Debian: the keys a person means are theirs. */
	if (geteuid() == 0 && sudo_user && *sudo_user && strcmp(sudo_user, "root")) {
		pw = getpwnam(sudo_user);
		if (pw && pw->pw_dir)
			return uw_strdup_printf("%s/.ssh", pw->pw_dir);
	}
	home = getenv("HOME");
	if (!home || !*home) {
		pw = getpwuid(geteuid());
		home = pw && pw->pw_dir ? pw->pw_dir : "/";
	}
	return uw_strdup_printf("%s/.ssh", home);
}

/* Open (or, with @create, make) the ssh directory @dir into @d. */
int uw_phone_open_ssh_dir(const char *dir, bool create, struct uw_userdir *d, struct uw_error *err)
{
	int rc;

	if (d->fd >= 0)
		return 0;
	uw_userdir_close(d);
	rc = uw_userdir_open(dir, UW_USERDIR_STRICT | (create ? UW_USERDIR_CREATE : 0), d, err);
	if (rc == -ENOENT && !create) {
		uw_error_clear(err);
		return 0;          /* none yet: d->fd stays -1 */
	}
	if (rc < 0)
		return uw_error_prefix(err, "The ssh directory %s was not used", dir);
	return 0;
}

/* Map a failed ssh_connect to an errno and a sentence. */
static int connect_error(ssh_session s, const char *host, unsigned port, unsigned timeout_s,
			 struct uw_error *err)
{
	const char *m = ssh_get_error(s);

	if (strstr(m, "refused"))
		return uw_error_set(err, -ECONNREFUSED, "The phone at %s refused a connection on "
				    "port %u (%s). Is the ssh server (dropbear) running on the phone, "
				    "and is the port right?", host, port, m);
	if (strstr(m, "imeout") || strstr(m, "timed out"))
		return uw_error_set(err, -ETIMEDOUT, "The phone at %s did not answer on port %u "
				    "within %u s. Check the cable, that the phone's USB networking "
				    "is on, and the address ('usbnet-wizard check' also looks for the phone by its IPv6 link-local address).", host,
				    port, timeout_s);
	if (strstr(m, "unreachable") || strstr(m, "No route"))
		return uw_error_set(err, -EHOSTUNREACH, "No route to the phone at %s (%s). The "
				    "desktop side of the USB link is probably not configured yet.",
				    host, m);
	return uw_error_set(err, -EHOSTUNREACH, "Could not connect to the phone at %s port %u: "
			    "%s.", host, port, m);
}

/* Does the phone take the public key beside @name (NAME.pub)? -1: no .pub to ask with. */
static int phone_takes_pubkey(struct uw_phone *p, const char *name)
{
	_auto_(free) char *pub = uw_strdup_printf("%s.pub", name);
	_auto_(free) char *text = NULL;
	_auto_(ssh_key) ssh_key k = NULL;
	char *save = NULL, *type, *b64;

	if (uw_userdir_read(&p->sshdir, pub, SSH_FILE_MAX, &text, NULL, NULL) < 0)
		return -1;
	type = strtok_r(text, " \t\r\n", &save);
	b64 = strtok_r(NULL, " \t\r\n", &save);
	if (!type || !b64 ||
	    ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type), &k) != SSH_OK)
		return -1;
	return ssh_userauth_try_publickey(p->session, NULL, k) == SSH_AUTH_SUCCESS;
}

static int auth_with_files(struct uw_phone *p)
{
	int rc = SSH_AUTH_DENIED;

	if (p->sshdir.fd < 0)
		return rc;
	for (size_t i = 0; i < UW_ARRAY_SIZE(uw_phone_key_names) && rc == SSH_AUTH_DENIED; i++) {
		_auto_(ssh_key) ssh_key k = uw_phone_load_private_key(&p->sshdir, uw_phone_key_names[i], NULL);

		/* Encrypted: ask for the passphrase only if the phone takes this key
		 * (or there is no .pub to ask it with), as ssh(1) does. */
		if (!k && phone_takes_pubkey(p, uw_phone_key_names[i]) != 0)
			k = uw_phone_load_private_key(&p->sshdir, uw_phone_key_names[i], p);
		if (k)
			rc = ssh_userauth_publickey(p->session, NULL, k);
		if (rc == SSH_AUTH_PARTIAL)
			rc = SSH_AUTH_DENIED;
	}
	return rc;
}

static int authenticate(struct uw_phone *p, const struct uw_phone_options *o, const char *host,
			const char *user, struct uw_error *err)
{
	int rc, methods;

	/* dropbear accepts a blank password only through "none" (LIBRARY-NOTES). */
	rc = ssh_userauth_none(p->session, NULL);
	if (rc == SSH_AUTH_SUCCESS) {
		p->auth = UW_PHONE_AUTH_NONE_BLANK;
		return 0;
	}
	if (rc == SSH_AUTH_ERROR)
		goto lost;
	methods = ssh_userauth_list(p->session, NULL);
	if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
		/* ssh-agent (SSH_AUTH_SOCK) first, then the keys in the ssh directory
		 * (an encrypted one's passphrase is asked through on_passphrase). */
		rc = getenv("SSH_AUTH_SOCK") ? ssh_userauth_agent(p->session, NULL) : SSH_AUTH_DENIED;
		p->opts = o;
		if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL)
			rc = auth_with_files(p);
		p->opts = NULL;
		if (rc == SSH_AUTH_SUCCESS) {
			p->auth = UW_PHONE_AUTH_KEY;
			return 0;
		}
		if (rc == SSH_AUTH_ERROR)
			goto lost;
	}
	if ((methods & SSH_AUTH_METHOD_PASSWORD) && o->password_cb) {
		_auto_(free) char *prompt = uw_strdup_printf("%s@%s's password", user, host);

		for (int tries = 0; tries < 3; tries++) {
			char pw[256];

			if (o->password_cb(prompt, pw, sizeof(pw), o->password_data) < 0) {
				explicit_bzero(pw, sizeof(pw));
				break;
			}
			pw[sizeof(pw) - 1] = '\0';
			rc = ssh_userauth_password(p->session, NULL, pw);
			explicit_bzero(pw, sizeof(pw));
			if (rc == SSH_AUTH_SUCCESS) {
				p->auth = UW_PHONE_AUTH_PASSWORD;
				return 0;
			}
			if (rc == SSH_AUTH_ERROR)
				goto lost;
		}
	}
	if (p->passphrase_missing)
		return uw_error_set(err, -EACCES, "The phone at %s did not let %s in: your ssh key "
				    "is protected by a passphrase that %s. Unlock it with 'ssh-add' "
				    "(ssh-agent then logs in for you), or run this on a terminal to "
				    "type the passphrase.", host, user, o->password_cb ?
				    "was not given (no terminal to ask on)" : "cannot be asked for here");
	if (p->passphrase_asked)
		return uw_error_set(err, -EACCES, "The phone at %s did not let %s in: the passphrase "
				    "given did not unlock your ssh key. Try again, or unlock the key "
				    "with 'ssh-add' first.", host, user);
	return uw_error_set(err, -EACCES, "The phone at %s refused every login we tried for %s "
			    "(blank password, your keys%s, %s). Check the user name, give the "
			    "right password, or install a key.", host, user,
			    getenv("SSH_AUTH_SOCK") ? " and ssh-agent" : "",
			    (methods & SSH_AUTH_METHOD_PASSWORD) ?
			    (o->password_cb ? "the password given" : "no password asked") :
			    "the phone does not take passwords");
lost:
	return uw_error_set(err, -ECONNRESET, "The connection to the phone broke during login: "
			    "%s.", ssh_get_error(p->session));
}

int uw_phone_connect(const struct uw_phone_options *o, struct uw_phone **out,
		     struct uw_error *err)
{
	const char *host = o->host && *o->host ? o->host : "192.168.0.202";
	const char *user = o->user && *o->user ? o->user : "root";
	unsigned port = o->port ? o->port : 22;
	unsigned timeout_s = o->timeout_s ? o->timeout_s : 5;
	_auto_(free) char *dir = o->ssh_dir && *o->ssh_dir ? uw_strdup(o->ssh_dir) : uw_phone_ssh_dir();
	_auto_(free) char *kh_path = uw_strdup_printf("%s/known_hosts", dir);
	_auto_(free) char *kh_host = uw_phone_known_hosts_name(o->known_host_name && *o->known_host_name ?
						      o->known_host_name : host, port);
	_auto_(ssh_free) ssh_session s = NULL;
	_auto_fd_ int khfd = -1;
	_auto_(free) char *lib_kh = NULL;
	struct uw_userdir sd = { .fd = -1 };
	struct uw_phone *p;
	long timeout = timeout_s;
	int iport = (int)port, one = 1, rc;
	bool no = false;

	*out = NULL;
	if (port == 0 || port > 65535)
		return uw_error_set(err, -EINVAL, "The port %u is not a TCP port (1-65535).", port);
	rc = uw_ssh_load(err);
	if (rc < 0)
		return rc;
	/*
	 * libssh opens known_hosts by name, as root, following links. It gets a
	 * name that cannot lead elsewhere instead: /proc/self/fd/N of the file
	 * we opened link-free (or /dev/null when there is none: "unknown").
	 */
	rc = uw_phone_open_ssh_dir(dir, false, &sd, err);
	if (rc < 0)
		return rc;
	if (sd.fd >= 0) {
		khfd = uw_userdir_open_read(&sd, "known_hosts", err);
		if (khfd < 0 && khfd != -ENOENT) {
			uw_userdir_close(&sd);
			return uw_error_prefix(err, "The phone's host key cannot be checked");
		}
		uw_error_clear(err);
	}
	lib_kh = khfd >= 0 ? uw_strdup_printf("/proc/self/fd/%d", khfd) : uw_strdup("/dev/null");
	s = ssh_new();
	if (!s) {
		uw_userdir_close(&sd);
		return uw_error_set(err, -ENOMEM, "Cannot create an ssh session (out of memory).");
	}
	/*
	 * PROCESS_CONFIG off: ~/.ssh/config could redirect the phone's address
	 * (ProxyJump, HostName) behind our back. NODELAY: without it the
	 * many small packets of connect+auth+channels cost ~150 ms instead of ~9.
	 * SSH_DIR /dev/null: libssh reads no key files by name; authenticate()
	 * loads them link-free itself.
	 */
	if (ssh_options_set(s, SSH_OPTIONS_HOST, host) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &iport) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_NODELAY, &one) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_SSH_DIR, "/dev/null") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, lib_kh) < 0) {
		uw_userdir_close(&sd);
		return uw_error_set(err, -EINVAL, "Bad ssh option (host '%s', user '%s'): %s.",
				    host, user, ssh_get_error(s));
	}
	if (ssh_connect(s) != SSH_OK) {
		uw_userdir_close(&sd);
		return connect_error(s, host, port, timeout_s, err);
	}

	p = uw_malloc0(sizeof(*p));
	p->session = uw_steal_ptr(&s);
	p->sshdir = sd;
	p->timeout_s = timeout_s;
	/*
	 * libssh looks the key up under the session's host name. The rescue
	 * path connected to fe80::...%usb0; check the key under the name the
	 * phone is known by (same phone, same key) instead of a fresh TOFU.
	 */
	if (o->known_host_name && *o->known_host_name &&
	    ssh_options_set(p->session, SSH_OPTIONS_HOST, o->known_host_name) < 0) {
		uw_phone_free(p);
		return uw_error_set(err, -EINVAL, "Bad host name '%s'.", o->known_host_name);
	}
	rc = uw_phone_verify_host_key(p, o, dir, kh_path, kh_host, err);
	if (rc == 0)
		rc = authenticate(p, o, host, user, err);
	if (rc < 0) {
		uw_phone_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void uw_phone_free(struct uw_phone *p)
{
	if (!p)
		return;
	if (p->session) {
		ssh_disconnect(p->session);
		ssh_free(p->session);
	}
	uw_userdir_close(&p->sshdir);
	free(p);
}

enum uw_phone_auth uw_phone_auth_method(const struct uw_phone *p)
{
	return p->auth;
}

const char *uw_phone_auth_name(enum uw_phone_auth a)
{
	switch (a) {
	case UW_PHONE_AUTH_NONE_BLANK: return "blank password";
	case UW_PHONE_AUTH_KEY: return "ssh key";
	case UW_PHONE_AUTH_PASSWORD: return "password";
	}
	return "?";
}

const char *uw_phone_fingerprint(const struct uw_phone *p)
{
	return p->fingerprint;
}

struct stream {
	char *buf;
	size_t len;
};

struct run_ctx {
	struct stream out, err;
	bool truncated, eof, closed, got_status;
	int exit_status;
};

static int on_data(ssh_session session, ssh_channel channel, void *data, uint32_t len,
		   int is_stderr, void *userdata)
{
	struct run_ctx *c = userdata;
	struct stream *st = is_stderr ? &c->err : &c->out;
	size_t room = UW_PHONE_OUTPUT_MAX - st->len, n = len;

	if (n > room) {
		n = room;
		c->truncated = true;
	}
	if (n) {
		st->buf = uw_realloc(st->buf, st->len + n + 1);
		memcpy(st->buf + st->len, data, n);
		st->len += n;
		st->buf[st->len] = '\0';
	}
	/* Everything is consumed: what is over the cap is dropped, never buffered. */
	return (int)len;
}

static void on_eof(ssh_session session, ssh_channel channel, void *userdata)
{
	((struct run_ctx *)userdata)->eof = true;
}

static void on_close(ssh_session session, ssh_channel channel, void *userdata)
{
	((struct run_ctx *)userdata)->closed = true;
}

static void on_exit_status(ssh_session session, ssh_channel channel, int status, void *userdata)
{
	struct run_ctx *c = userdata;

	c->exit_status = status;
	c->got_status = true;
}

static char *finish_stream(struct stream *st)
{
	char *s = st->buf ? st->buf : uw_strdup("");

	/* A NUL byte counts as a control: it would end the string early and hide the rest. */
	uw_sanitize_copy(s, st->len + 1, s, st->len, UW_SAN_NEWLINE | UW_SAN_TAB);
	st->buf = NULL;
	return s;
}

void uw_phone_result_fini(struct uw_phone_result *res)
{
	free(res->out);
	free(res->err);
	memset(res, 0, sizeof(*res));
	res->exit_status = -1;
}

static int lost(struct uw_phone *p, struct uw_error *err, const char *what)
{
	p->dead = true;
	return uw_error_set(err, -ECONNRESET, "The phone stopped answering while %s: %s. Check "
			    "the cable and that the phone is awake, then run the check again.",
			    what, ssh_get_error(p->session));
}

int uw_phone_run(struct uw_phone *p, const char *cmd, const char *input,
		 struct uw_phone_result *res, struct uw_error *err)
{
	struct run_ctx ctx = { .exit_status = -1 };
	struct ssh_channel_callbacks_struct cb = {
		.userdata = &ctx,
		.channel_data_function = on_data,
		.channel_eof_function = on_eof,
		.channel_close_function = on_close,
		.channel_exit_status_function = on_exit_status,
	};
	ssh_channel ch = NULL;
	ssh_event ev = NULL;
	long long deadline;
	bool draining = false;  /* over the cap: reading on to the end, for a while */
	int rc = 0;

	memset(res, 0, sizeof(*res));
	res->exit_status = -1;
	if (p->dead || !ssh_is_connected(p->session))
		return uw_error_set(err, -ECONNRESET, "The connection to the phone is gone. Check "
				    "the cable and connect again.");
	ch = ssh_channel_new(p->session);
	if (!ch)
		return lost(p, err, "opening a channel");
	if (ssh_channel_open_session(ch) != SSH_OK) {
		rc = lost(p, err, "opening a channel");
		goto out;
	}
	ssh_callbacks_init(&cb);
	/* Callbacks before exec: no byte of output can slip past them. */
	ssh_set_channel_callbacks(ch, &cb);
	if (ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		rc = lost(p, err, "starting a command");
		goto out;
	}
	if (input && *input &&
	    ssh_channel_write(ch, input, (uint32_t)strlen(input)) != (int)strlen(input)) {
		rc = lost(p, err, "sending data");
		goto out;
	}
	/* Always EOF stdin: a command that reads it must not wait for us forever. */
	ssh_channel_send_eof(ch);

	ev = ssh_event_new();
	if (!ev || ssh_event_add_session(ev, p->session) != SSH_OK) {
		rc = uw_error_set(err, -ENOMEM, "Cannot wait for the phone's answer.");
		goto out;
	}
	deadline = uw_now_ms() + (long long)p->timeout_s * 1000;
	/*
	 * Done when the channel closed, or EOF plus exit status arrived (some
	 * servers send the status after EOF, some before). Stop early on the
	 * cap: an endless stream must not keep us until the timeout.
	 */
	while (!ctx.closed && !(ctx.eof && ctx.got_status)) {
		long long left = deadline - uw_now_ms();

		/*
		 * Over the cap: keep reading to the end (on_data drops the bytes)
		 * so the channel ends the way the server expects, with its EOF and
		 * CLOSE, but for 2 s at most; a phone that is still writing then
		 * gets our CLOSE below. Closing at once while the phone was still
		 * sending left sessions to die and dropbear asserting on its close
		 * (issue 10, finding 7).
		 */
		if (ctx.truncated && !draining) {
			draining = true;
			if (left > 2000)
				deadline = uw_now_ms() + 2000, left = 2000;
		}
		if (left <= 0) {
			res->timed_out = !draining;
			break;
		}
		if (ssh_event_dopoll(ev, (int)(left < 200 ? left : 200)) == SSH_ERROR ||
		    !ssh_is_connected(p->session)) {
			rc = lost(p, err, "running a command");
			break;
		}
	}
	ssh_event_remove_session(ev, p->session);
out:
	if (ev)
		ssh_event_free(ev);
	ssh_remove_channel_callbacks(ch, &cb);
	if (!p->dead && ssh_is_connected(p->session))
		ssh_channel_close(ch);
	ssh_channel_free(ch);
	res->out = finish_stream(&ctx.out);
	res->err = finish_stream(&ctx.err);
	res->truncated = ctx.truncated;
	res->exit_status = ctx.got_status ? ctx.exit_status : -1;
	return rc;
}

