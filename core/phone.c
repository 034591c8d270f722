// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone session over libssh. See core/phone.h for the contract.
 */
#include "core/phone.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "core/sanitize.h"
#include "core/userfile.h"
#include "core/util.h"

struct uw_phone {
	ssh_session session;
	enum uw_phone_auth auth;
	unsigned timeout_s;
	bool dead;                 /* the connection broke: every run fails fast */
	struct cut_channel *linger;     /* channels cut at a deadline, left to end on the phone */
	int link_ifindex;          /* the link the session runs over (0: unknown) */
	char link_name[IF_NAMESIZE]; /* its name when last seen */
	struct uw_userdir sshdir;  /* the user's ssh directory, opened link-free (fd -1: none yet) */
	char fingerprint[128];
	const struct uw_phone_options *opts;    /* during uw_phone_connect only */
	unsigned passphrase_asked, passphrase_missing;
};

static void find_link(struct uw_phone *p);
static void linger_free_all(struct uw_phone *p);

static void ssh_free_autoptr(ssh_session *s)
{
	if (*s) {
		ssh_disconnect(*s);
		ssh_free(*s);
	}
}

static void ssh_key_autoptr(ssh_key *k)
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

char *uw_phone_ssh_dir(void)
{
	const char *env = getenv("USBNET_WIZARD_SSH_DIR");
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
static int open_ssh_dir(const char *dir, bool create, struct uw_userdir *d, struct uw_error *err)
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

static char *known_hosts_name(const char *host, unsigned port)
{
	if (port == 22)
		return uw_strdup(host);
	return uw_strdup_printf("[%s]:%u", host, port);
}

static char *key_fingerprint(const ssh_key key)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp, *ret;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) < 0)
		return uw_strdup("");
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	ret = uw_strdup(fp ? fp : "");
	ssh_string_free_char(fp);
	return ret;
}

/* The fingerprint of the first known_hosts entry for @host in @kh ("" if none). */
static char *old_fingerprint(const char *kh, const char *host)
{
	char *fp = NULL;

	for (const char *l = kh; l && *l && !fp;) {
		size_t n = strcspn(l, "\n");
		char *line = uw_strdup_printf("%.*s", (int)n, l);
		struct ssh_knownhosts_entry *e = NULL;

		line[strcspn(line, "\r")] = '\0';
		if (ssh_known_hosts_parse_line(host, line, &e) == SSH_OK && e) {
			if (e->publickey)
				fp = key_fingerprint(e->publickey);
		}
		ssh_knownhosts_entry_free(e);
		free(line);
		l += n + (l[n] == '\n');
	}
	return fp ? fp : uw_strdup("");
}

/*
 * @kh without the entries for @host. libssh's own parser decides what
 * matches, so hashed entries (HashKnownHosts yes, Debian's default), comma
 * lists and [host]:port forms are all handled exactly as the connect-time
 * check sees them.
 */
static char *known_hosts_without(const char *kh, const char *host, int *removed)
{
	size_t len = strlen(kh), w = 0;
	char *out = uw_malloc0(len + 1);

	*removed = 0;
	for (const char *l = kh; *l;) {
		size_t n = strcspn(l, "\n");
		char *line = uw_strdup_printf("%.*s", (int)n, l);
		struct ssh_knownhosts_entry *e = NULL;
		int match;

		line[strcspn(line, "\r")] = '\0';
		match = line[0] != '#' && ssh_known_hosts_parse_line(host, line, &e) == SSH_OK;
		ssh_knownhosts_entry_free(e);
		free(line);
		n += l[n] == '\n';
		if (match) {
			(*removed)++;
		} else {
			memcpy(out + w, l, n);
			w += n;
		}
		l += n;
	}
	out[w] = '\0';
	return out;
}

/*
 * Remember the phone's key: known_hosts is rewritten whole (a new file
 * renamed over it, as the directory's owner), never appended to by path as
 * ssh_session_update_known_hosts would, which follows a link as root.
 */
static int save_host_key(struct uw_phone *p, const char *dir, const char *kh_path,
			 const char *kh_host, bool replace, struct uw_error *err)
{
	_auto_(free) char *old = NULL;
	_auto_(free) char *kept = NULL;
	_auto_(free) char *all = NULL;
	char *entry = NULL;
	mode_t mode = 0644;
	ssize_t n = -ENOENT;
	int removed = 0, rc;

	/* Made only now, when there is a key to remember: a refused connection leaves no ~/.ssh. */
	rc = open_ssh_dir(dir, true, &p->sshdir, err);
	if (rc < 0)
		return rc;
	n = uw_userdir_read(&p->sshdir, "known_hosts", SSH_FILE_MAX, &old, &mode, err);
	if (n < 0 && n != -ENOENT)
		return uw_error_prefix(err, "The phone's host key was not saved");
	uw_error_clear(err);
	kept = replace ? known_hosts_without(old ? old : "", kh_host, &removed) :
		uw_strdup(old ? old : "");
	if (ssh_session_export_known_hosts_entry(p->session, &entry) != SSH_OK || !entry)
		return uw_error_set(err, -EIO, "Cannot save the phone's host key to %s: %s.",
				    kh_path, ssh_get_error(p->session));
	all = uw_strdup_printf("%s%s%s%s", kept, *kept && kept[strlen(kept) - 1] != '\n' ? "\n" : "",
			       entry, entry[0] && entry[strlen(entry) - 1] == '\n' ? "" : "\n");
	ssh_string_free_char(entry);
	rc = uw_userdir_replace(&p->sshdir, "known_hosts", all, strlen(all), mode, 0, err);
	if (rc < 0)
		return uw_error_prefix(err, "The phone's host key was not saved");
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

static int verify_host_key(struct uw_phone *p, const struct uw_phone_options *o, const char *dir,
			   const char *kh_path, const char *kh_host, struct uw_error *err)
{
	_auto_(free) char *kh = NULL;
	_auto_(ssh_key) ssh_key key = NULL;
	_auto_(free) char *fp = NULL;
	_auto_(free) char *oldfp = NULL;
	struct uw_phone_hostkey_info info = { 0 };
	enum uw_phone_hostkey_decision d;
	enum ssh_known_hosts_e st;

	if (ssh_get_server_publickey(p->session, &key) != SSH_OK)
		return uw_error_set(err, -EPROTO, "The phone did not present a host key: %s.",
				    ssh_get_error(p->session));
	fp = key_fingerprint(key);
	uw_strlcpy(p->fingerprint, fp, sizeof(p->fingerprint));

	st = ssh_session_is_known_server(p->session);
	info.host = kh_host;
	info.key_type = ssh_key_type_to_char(ssh_key_type(key));
	info.fingerprint = fp;
	info.known_hosts = kh_path;
	switch (st) {
	case SSH_KNOWN_HOSTS_OK:
		return 0;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		info.state = UW_PHONE_HOSTKEY_NEW;
		info.old_fingerprint = "";
		info.explanation = "This is the first connection to this phone from this account. "
				   "Its host key will be remembered, so a different machine "
				   "answering at this address later is noticed.";
		d = o->hostkey_cb ? o->hostkey_cb(&info, o->hostkey_data) : UW_PHONE_HOSTKEY_ACCEPT;
		if (d != UW_PHONE_HOSTKEY_ACCEPT)
			return uw_error_set(err, -EKEYREJECTED, "The phone's host key %s was not "
					    "accepted, so nothing was sent to it.", fp);
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		/* libssh leaves ssh_get_error empty here: say it all ourselves. */
		if (uw_userdir_read(&p->sshdir, "known_hosts", SSH_FILE_MAX, &kh, NULL, NULL) < 0)
			kh = NULL;
		oldfp = old_fingerprint(kh, kh_host);
		info.state = UW_PHONE_HOSTKEY_CHANGED;
		info.old_fingerprint = oldfp;
		info.explanation = "The phone at this address now has a different host key than "
				   "the one remembered. This is expected after the phone was "
				   "reflashed or its ssh server reinstalled (a new key is made on "
				   "first boot). It can also mean another machine is answering at "
				   "this address. Replace the old entry only if you know the phone "
				   "was reflashed.";
		d = o->hostkey_cb ? o->hostkey_cb(&info, o->hostkey_data) : UW_PHONE_HOSTKEY_REJECT;
		if (d != UW_PHONE_HOSTKEY_REPLACE)
			return uw_error_set(err, -EKEYREJECTED, "The phone's host key changed: %s "
					    "has %s on file but the phone now offers %s (%s). This is "
					    "normal after a reflash; if so, replace the entry "
					    "(--replace-host-key). Nothing was sent to the phone.",
					    kh_path, *oldfp ? oldfp : "another key", fp, info.key_type);
		return save_host_key(p, dir, kh_path, kh_host, true, err);
	default:
		return uw_error_set(err, -EIO, "Cannot check the phone's host key against %s: %s. "
				    "Check that the file is readable.", kh_path,
				    ssh_get_error(p->session));
	}
	return save_host_key(p, dir, kh_path, kh_host, false, err);
}

static const char *const key_names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };

/*
 * libssh asks for a key's passphrase when the private key is encrypted. Ask
 * the user the way a password is asked (the terminal), and remember a
 * refusal so the error says "unlock your key", not "the phone refused".
 */
static int on_passphrase(const char *prompt, char *buf, size_t len, int echo, int verify,
			 void *userdata)
{
	struct uw_phone *p = userdata;
	const struct uw_phone_options *o = p->opts;

	p->passphrase_asked++;
	if (!o || !o->password_cb ||
	    o->password_cb("Passphrase for your ssh key", buf, len, o->password_data) < 0) {
		p->passphrase_missing++;
		return -1;
	}
	return 0;
}

/*
 * A private key from the ssh directory, read link-free as its owner (never
 * by name through libssh, which would follow a link as root). NULL if none.
 * With @p, an encrypted key's passphrase is asked (on_passphrase); without,
 * such a key does not load.
 */
static ssh_key load_private_key(struct uw_userdir *d, const char *name, struct uw_phone *p)
{
	char *text = NULL;
	ssh_key k = NULL;
	ssize_t n = uw_userdir_read(d, name, SSH_FILE_MAX, &text, NULL, NULL);

	if (n < 0)
		return NULL;
	if (ssh_pki_import_privkey_base64(text, NULL, p ? on_passphrase : NULL, p, &k) != SSH_OK)
		k = NULL;
	explicit_bzero(text, (size_t)n);
	free(text);
	return k;
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
	for (size_t i = 0; i < UW_ARRAY_SIZE(key_names) && rc == SSH_AUTH_DENIED; i++) {
		_auto_(ssh_key) ssh_key k = load_private_key(&p->sshdir, key_names[i], NULL);

		/* Encrypted: ask for the passphrase only if the phone takes this key
		 * (or there is no .pub to ask it with), as ssh(1) does. */
		if (!k && phone_takes_pubkey(p, key_names[i]) != 0)
			k = load_private_key(&p->sshdir, key_names[i], p);
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
	_auto_(free) char *kh_host = known_hosts_name(o->known_host_name && *o->known_host_name ?
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
	rc = open_ssh_dir(dir, false, &sd, err);
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
	find_link(p);
	rc = verify_host_key(p, o, dir, kh_path, kh_host, err);
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
	linger_free_all(p);
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

/*
 * The link the session runs over: found once after connecting, from the
 * socket's own address, so an unplugged phone is noticed at once (the
 * interface goes away or loses its carrier) instead of at a deadline: TCP
 * over a vanished link gets no reset, only silence.
 */
static void find_link(struct uw_phone *p)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct ifaddrs *ifa, *i;
	int fd = ssh_get_fd(p->session);

	p->link_ifindex = 0;
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&ss)->sin6_scope_id) {
		p->link_ifindex = (int)((struct sockaddr_in6 *)&ss)->sin6_scope_id;
		return;
	}
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i && !p->link_ifindex; i = i->ifa_next) {
		const struct sockaddr *a = i->ifa_addr;

		if (!a || a->sa_family != ss.ss_family || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if ((a->sa_family == AF_INET &&
		     ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		     ((struct sockaddr_in *)&ss)->sin_addr.s_addr) ||
		    (a->sa_family == AF_INET6 &&
		     !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			     &((struct sockaddr_in6 *)&ss)->sin6_addr, sizeof(struct in6_addr))))
			p->link_ifindex = (int)if_nametoindex(i->ifa_name);
	}
	freeifaddrs(ifa);
}

/* Has the session's link gone away or lost its carrier? Fills @name. */
static bool link_gone(struct uw_phone *p, char name[IF_NAMESIZE])
{
	struct ifreq ifr;
	_auto_fd_ int fd = -1;

	snprintf(name, IF_NAMESIZE, "%s", p->link_name);
	if (p->link_ifindex <= 0)
		return false;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = p->link_ifindex;
	if (ioctl(fd, SIOCGIFNAME, &ifr) < 0)
		return errno == ENODEV || errno == ENXIO;
	snprintf(p->link_name, sizeof(p->link_name), "%s", ifr.ifr_name);
	snprintf(name, IF_NAMESIZE, "%s", ifr.ifr_name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return errno == ENODEV || errno == ENXIO;
	return !(ifr.ifr_flags & IFF_UP) || !(ifr.ifr_flags & IFF_RUNNING);
}

/*
 * A channel whose command was cut at our deadline is not closed while the
 * command still runs on the phone: dropbear ends the whole session when a
 * channel is closed under a live child (the lookup still waiting for a dead
 * DNS server), and every later command then fails. It lingers here instead,
 * its output dropped, until the phone ends it (the phone-side deadlines,
 * ping -w and `timeout`, see that it does), and is freed then, or with the
 * session.
 */
struct cut_channel {
	ssh_channel ch;
	struct ssh_channel_callbacks_struct cb;
	struct run_ctx c;
	struct cut_channel *next;
};

static int on_data_drop(ssh_session session, ssh_channel channel, void *data, uint32_t len,
			int is_stderr, void *userdata)
{
	return (int)len;
}

static void linger_add(struct uw_phone *p, ssh_channel ch)
{
	struct cut_channel *l = uw_malloc0(sizeof(*l));

	l->ch = ch;
	l->cb = (struct ssh_channel_callbacks_struct){
		.userdata = &l->c,
		.channel_data_function = on_data_drop,
		.channel_eof_function = on_eof,
		.channel_close_function = on_close,
		.channel_exit_status_function = on_exit_status,
	};
	ssh_callbacks_init(&l->cb);
	ssh_set_channel_callbacks(ch, &l->cb);
	l->next = p->linger;
	p->linger = l;
}

/* Free the lingering channels the phone has ended. */
static void linger_reap(struct uw_phone *p)
{
	for (struct cut_channel **lp = &p->linger; *lp;) {
		struct cut_channel *l = *lp;

		if (!l->c.closed && !(l->c.eof && l->c.got_status)) {
			lp = &l->next;
			continue;
		}
		ssh_remove_channel_callbacks(l->ch, &l->cb);
		if (!p->dead && ssh_is_connected(p->session))
			ssh_channel_close(l->ch);
		ssh_channel_free(l->ch);
		*lp = l->next;
		free(l);
	}
}

/* With the session: its channels go with it (ssh_free). */
static void linger_free_all(struct uw_phone *p)
{
	while (p->linger) {
		struct cut_channel *l = p->linger;

		ssh_remove_channel_callbacks(l->ch, &l->cb);
		p->linger = l->next;
		free(l);
	}
}

/* One job of uw_phone_run_all: its channel and where it is. */
struct job_ctx {
	struct run_ctx c;
	struct ssh_channel_callbacks_struct cb;
	ssh_channel ch;
	enum { J_OPEN, J_EXEC, J_INPUT, J_RUN, J_DONE } st;
	size_t sent;              /* bytes of input written */
	long long deadline;
	bool draining;            /* over the cap: reading on to the end, for a while */
	bool timed_out;
};

static void job_finish(struct uw_phone *p, struct uw_phone_job *job, struct job_ctx *jc,
		       size_t i, uw_phone_job_done_fn done, void *ud)
{
	if (jc->ch) {
		bool live = !p->dead && ssh_is_connected(p->session);

		ssh_remove_channel_callbacks(jc->ch, &jc->cb);
		if (jc->st == J_OPEN || !live) {
			/* Never opened (the phone has not even confirmed it: there
			 * is no channel of its to close), or no session to say
			 * anything on. */
			ssh_channel_free(jc->ch);
		} else if (jc->timed_out && !jc->c.closed) {
			linger_add(p, jc->ch);
		} else {
			ssh_channel_close(jc->ch);
			ssh_channel_free(jc->ch);
		}
		jc->ch = NULL;
	}
	jc->st = J_DONE;
	job->res.out = finish_stream(&jc->c.out);
	job->res.err = finish_stream(&jc->c.err);
	job->res.truncated = jc->c.truncated;
	job->res.timed_out = jc->timed_out;
	job->res.exit_status = jc->c.got_status ? jc->c.exit_status : -1;
	job->done = true;
	if (done)
		done(i, job, ud);
}

/* Move job @jc on as far as it goes now without waiting. <0: the session broke. */
static int job_step(struct uw_phone *p, struct uw_phone_job *job, struct job_ctx *jc,
		    struct uw_error *err)
{
	int r;

	if (jc->st == J_OPEN) {
		r = ssh_channel_open_session(jc->ch);
		if (r == SSH_AGAIN)
			return 0;
		if (r != SSH_OK)
			return lost(p, err, "opening a channel");
		jc->st = J_EXEC;
	}
	if (jc->st == J_EXEC) {
		r = ssh_channel_request_exec(jc->ch, job->cmd);
		if (r == SSH_AGAIN)
			return 0;
		if (r != SSH_OK)
			return lost(p, err, "starting a command");
		jc->st = J_INPUT;
	}
	if (jc->st == J_INPUT) {
		size_t len = job->input ? strlen(job->input) : 0;

		while (jc->sent < len) {
			r = ssh_channel_write(jc->ch, job->input + jc->sent, (uint32_t)(len - jc->sent));
			if (r == SSH_ERROR)
				return lost(p, err, "sending data");
			if (r == 0)
				return 0;   /* the phone's window is full: later */
			jc->sent += (size_t)r;
		}
		/* Always EOF stdin: a command that reads it must not wait for us forever. */
		ssh_channel_send_eof(jc->ch);
		jc->st = J_RUN;
	}
	return 0;
}

int uw_phone_run_all(struct uw_phone *p, struct uw_phone_job *jobs, size_t n,
		     uw_phone_job_done_fn done, void *ud, struct uw_error *err)
{
	_auto_(free) struct job_ctx *jc = uw_malloc0((n ? n : 1) * sizeof(*jc));
	ssh_event ev = NULL;
	size_t left = n;
	long long now = uw_now_ms();
	bool unplugged = false;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		memset(&jobs[i].res, 0, sizeof(jobs[i].res));
		jobs[i].res.exit_status = -1;
		jobs[i].rc = 0;
		jobs[i].done = false;
		jc[i].c.exit_status = -1;
		jc[i].deadline = now + (jobs[i].deadline_ms ? (long long)jobs[i].deadline_ms :
					(long long)p->timeout_s * 1000);
	}
	if (p->dead || !ssh_is_connected(p->session)) {
		rc = uw_error_set(err, -ECONNRESET, "The connection to the phone is gone. Check "
				  "the cable and connect again.");
		goto gone;
	}
	/*
	 * Non-blocking while the jobs run: every channel's open and exec go out
	 * at once (no round trip waited for per channel), and no libssh call
	 * waits out its own timeout on a phone that is gone: the loop below
	 * notices that within one 50 ms slice.
	 */
	ssh_set_blocking(p->session, 0);
	for (size_t i = 0; i < n; i++) {
		jc[i].ch = ssh_channel_new(p->session);
		if (!jc[i].ch) {
			rc = lost(p, err, "opening a channel");
			goto gone;
		}
		jc[i].cb = (struct ssh_channel_callbacks_struct){
			.userdata = &jc[i].c,
			.channel_data_function = on_data,
			.channel_eof_function = on_eof,
			.channel_close_function = on_close,
			.channel_exit_status_function = on_exit_status,
		};
		ssh_callbacks_init(&jc[i].cb);
		/* Callbacks before exec: no byte of output can slip past them. */
		ssh_set_channel_callbacks(jc[i].ch, &jc[i].cb);
		rc = job_step(p, &jobs[i], &jc[i], err);
		if (rc < 0)
			goto gone;
	}
	ev = ssh_event_new();
	if (!ev || ssh_event_add_session(ev, p->session) != SSH_OK) {
		rc = uw_error_set(err, -ENOMEM, "Cannot wait for the phone's answer.");
		goto gone;
	}
	while (left) {
		long long wait = 50;
		char ifname[IF_NAMESIZE];

		now = uw_now_ms();
		linger_reap(p);
		for (size_t i = 0; i < n; i++) {
			struct job_ctx *j = &jc[i];

			if (j->st == J_DONE)
				continue;
			rc = job_step(p, &jobs[i], j, err);
			if (rc < 0)
				goto gone;
			/*
			 * Done when the channel closed, or EOF plus exit status
			 * arrived (some servers send the status after EOF, some
			 * before). Over the cap: keep reading to the end (on_data
			 * drops the bytes) so the channel ends the way the server
			 * expects, with its EOF and CLOSE, but for 2 s at most
			 * (issue 10, finding 7).
			 */
			if (j->st == J_RUN && (j->c.closed || (j->c.eof && j->c.got_status))) {
				job_finish(p, &jobs[i], j, i, done, ud);
				left--;
				continue;
			}
			if (j->c.truncated && !j->draining) {
				j->draining = true;
				if (j->deadline - now > 2000)
					j->deadline = now + 2000;
			}
			if (j->deadline <= now) {
				j->timed_out = !j->draining;
				job_finish(p, &jobs[i], j, i, done, ud);
				left--;
				continue;
			}
			if (j->deadline - now < wait)
				wait = j->deadline - now;
		}
		if (!left)
			break;
		if (link_gone(p, ifname)) {
			p->dead = unplugged = true;
			rc = uw_error_set(err, -ECONNRESET, "The phone was unplugged: %s, the link to "
					  "it, %s. Plug it in again (check the cable), then run the "
					  "check again.", ifname[0] ? ifname : "the interface",
					  ifname[0] && if_nametoindex(ifname) ? "lost its carrier" :
					  "went away");
			goto gone;
		}
		if (ssh_event_dopoll(ev, (int)wait) == SSH_ERROR || !ssh_is_connected(p->session)) {
			rc = lost(p, err, "running a command");
			goto gone;
		}
	}
	rc = 0;
	goto out;
gone:
	for (size_t i = 0; i < n; i++) {
		if (jc[i].st == J_DONE)
			continue;
		jobs[i].rc = unplugged ? -ENOLINK : rc;
		job_finish(p, &jobs[i], &jc[i], i, done, ud);
	}
out:
	if (ev) {
		ssh_event_remove_session(ev, p->session);
		ssh_event_free(ev);
	}
	ssh_set_blocking(p->session, 1);
	return rc;
}

int uw_phone_run(struct uw_phone *p, const char *cmd, const char *input,
		 struct uw_phone_result *res, struct uw_error *err)
{
	struct uw_phone_job job = { .cmd = cmd, .input = input };
	int rc = uw_phone_run_all(p, &job, 1, NULL, NULL, err);

	*res = job.res;
	return rc;
}

/* ---- link-local rescue ------------------------------------------------- */

static bool is_own_address(const struct in6_addr *a)
{
	struct ifaddrs *ifa, *i;
	bool own = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !own; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET6 &&
		    !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(*a)))
			own = true;
	freeifaddrs(ifa);
	return own;
}

int uw_phone_find_link_local(const char *iface, unsigned wait_ms, char (*addrs)[64],
			     size_t max, struct uw_error *err)
{
	unsigned ifindex = if_nametoindex(iface);
	_auto_fd_ int fd = -1;
	struct icmp6_filter filt;
	struct icmp6_hdr req = { .icmp6_type = ICMP6_ECHO_REQUEST };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	int hops = 1, loop = 0;
	uint16_t id = (uint16_t)(getpid() ^ uw_now_ms());
	long long deadline;
	size_t n = 0;

	if (!ifindex)
		return uw_error_set(err, -ENODEV, "There is no interface '%s'. Plug the phone in "
				    "and check the name (e.g. usb0, enx...).", iface);
	/*
	 * A raw ICMPv6 socket: the kernel fills in the checksum for us and
	 * hands us only echo replies through the filter. Root (or CAP_NET_RAW)
	 * is needed, as for ping.
	 */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return uw_error_set(err, -errno, "Cannot open an ICMPv6 socket: %s. The rescue "
				    "search needs root.", strerror(errno));
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
	setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	/* Our own echo of the request would make us "find" ourselves. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof(loop));
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface)) < 0)
		return uw_error_set(err, -errno, "Cannot bind to %s: %s.", iface, strerror(errno));
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	req.icmp6_id = htons(id);
	req.icmp6_seq = htons(1);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		return uw_error_set(err, -errno, "Cannot send the IPv6 search on %s: %s. The "
				    "interface must be up (ip link set %s up) and have its "
				    "fe80:: address.", iface, strerror(errno), iface);
	deadline = uw_now_ms() + wait_ms;
	for (;;) {
		long long left = deadline - uw_now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_in6 src;
		socklen_t slen = sizeof(src);
		unsigned char buf[1500];
		struct icmp6_hdr *rep = (struct icmp6_hdr *)buf;
		ssize_t len;
		char txt[INET6_ADDRSTRLEN];
		bool dup = false;

		if (left <= 0 || n >= max)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			break;
		len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&src, &slen);
		if (len < (ssize_t)sizeof(*rep) || rep->icmp6_type != ICMP6_ECHO_REPLY ||
		    rep->icmp6_id != htons(id))
			continue;
		if (!IN6_IS_ADDR_LINKLOCAL(&src.sin6_addr) || is_own_address(&src.sin6_addr))
			continue;
		inet_ntop(AF_INET6, &src.sin6_addr, txt, sizeof(txt));
		for (size_t i = 0; i < n; i++)
			if (!strncmp(addrs[i], txt, strlen(txt)) && addrs[i][strlen(txt)] == '%')
				dup = true;
		if (!dup)
			snprintf(addrs[n++], 64, "%s%%%s", txt, iface);
	}
	return (int)n;
}

/* ---- ssh extras -------------------------------------------------------- */

/* The first line of @name in @d, or NULL. */
static char *read_first_line(struct uw_userdir *d, const char *name)
{
	char *text = NULL;

	if (uw_userdir_read(d, name, SSH_FILE_MAX, &text, NULL, NULL) < 0)
		return NULL;
	text[strcspn(text, "\r\n")] = '\0';
	return text;
}

static char *pubkey_line(const ssh_key key, const char *comment)
{
	char *b64 = NULL, *line;

	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
		return NULL;
	line = uw_strdup_printf("%s %s %s", ssh_key_type_to_char(ssh_key_type(key)), b64, comment);
	ssh_string_free_char(b64);
	return line;
}

int uw_phone_user_key(const char *ssh_dir, bool may_generate, char **out,
		      struct uw_error *err)
{
	_auto_(ssh_key) ssh_key key = NULL;
	_auto_(free) char *priv = NULL;
	_auto_(free) char *line = NULL;
	_auto_(free) char *comment = NULL;
	struct uw_userdir d = { .fd = -1 };
	char host[64] = "desktop";
	const char *user = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");
	char *b64 = NULL;
	int rc;

	*out = NULL;
	rc = uw_ssh_load(err);
	if (rc < 0)
		return rc;
	rc = open_ssh_dir(ssh_dir, false, &d, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; d.fd >= 0 && i < UW_ARRAY_SIZE(key_names); i++) {
		_auto_(free) char *pn = uw_strdup_printf("%s.pub", key_names[i]);
		_auto_(ssh_key) ssh_key k = NULL;
		char *l = read_first_line(&d, pn);

		if (l && *l) {
			*out = l;
			uw_userdir_close(&d);
			return 0;
		}
		free(l);
		/* A private key without its .pub: derive the public half. */
		k = load_private_key(&d, key_names[i], NULL);
		if (k) {
			*out = pubkey_line(k, key_names[i]);
			if (*out) {
				uw_userdir_close(&d);
				return 0;
			}
		}
	}
	uw_userdir_close(&d);
	if (!may_generate)
		return uw_error_set(err, -ENOENT, "You have no ssh key in %s yet. One can be made "
				    "for you (ed25519, no passphrase).", ssh_dir);
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
		return uw_error_set(err, -EIO, "Could not generate an ssh key. Make one yourself "
				    "(ssh-keygen -t ed25519 -f %s/id_ed25519) and try again.", ssh_dir);
	gethostname(host, sizeof(host) - 1);
	comment = uw_strdup_printf("%s@%s", user ? user : "user", host);
	line = pubkey_line(key, comment);
	if (!line || ssh_pki_export_privkey_base64(key, NULL, NULL, NULL, &b64) != SSH_OK) {
		free(line);
		line = NULL;
		return uw_error_set(err, -EIO, "Could not export the new key. Make a key yourself "
				    "(ssh-keygen -t ed25519 -f %s/id_ed25519) and try again.", ssh_dir);
	}
	priv = uw_strdup(b64);
	explicit_bzero(b64, strlen(b64));
	ssh_string_free_char(b64);
	rc = open_ssh_dir(ssh_dir, true, &d, err);
	/* New names only (O_EXCL): whatever is already there, even a dangling link, stays. */
	if (rc == 0)
		rc = uw_userdir_replace(&d, "id_ed25519", priv, strlen(priv), 0600,
					UW_USERDIR_EXCL, err);
	explicit_bzero(priv, strlen(priv));
	if (rc == 0) {
		_auto_(free) char *publine = uw_strdup_printf("%s\n", line);

		rc = uw_userdir_replace(&d, "id_ed25519.pub", publine, strlen(publine), 0644,
					UW_USERDIR_EXCL, err);
	}
	uw_userdir_close(&d);
	if (rc < 0)
		return uw_error_prefix(err, "The new key was not saved");
	*out = uw_steal_ptr(&line);
	return 1;
}

int uw_phone_install_key(struct uw_phone *p, const char *key, struct uw_error *err)
{
	struct uw_phone_result res;
	_auto_(free) char *input = NULL;
	int rc;

	if (!key || (strncmp(key, "ssh-", 4) != 0 && strncmp(key, "ecdsa-", 6) != 0))
		return uw_error_set(err, -EINVAL, "That does not look like an ssh public key "
				    "(expected 'ssh-ed25519 AAAA...').");
	if (strchr(key, '\n') || strchr(key, '\''))
		return uw_error_set(err, -EINVAL, "The public key must be one line.");
	/*
	 * The key travels on stdin, never inside the command line. umask 077
	 * because dropbear ignores an authorized_keys that others can write.
	 */
	input = uw_strdup_printf("%s\n", key);
	rc = uw_phone_run(p, "umask 077; k=$(cat); mkdir -p ~/.ssh && chmod 700 ~/.ssh && "
			  "touch ~/.ssh/authorized_keys && "
			  "if grep -qxF \"$k\" ~/.ssh/authorized_keys; then echo UW-PRESENT; "
			  "else printf '%s\\n' \"$k\" >> ~/.ssh/authorized_keys && echo UW-ADDED; fi",
			  input, &res, err);
	if (rc == 0) {
		/* Judge by output: some dropbear builds report 255 for success. */
		if (strstr(res.out, "UW-ADDED"))
			rc = 0;
		else if (strstr(res.out, "UW-PRESENT"))
			rc = -EEXIST;
		else
			rc = uw_error_set(err, -EIO, "Could not add the key to the phone's "
					  "~/.ssh/authorized_keys: %s", *res.err ? res.err :
					  "no answer from the phone's shell.");
	}
	uw_phone_result_fini(&res);
	return rc;
}

static bool valid_word(const char *s, const char *extra)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

int uw_phone_ssh_config_add(const char *ssh_dir, const char *name, const char *host,
			    const char *user, unsigned port, struct uw_error *err)
{
	_auto_(free) char *path = uw_strdup_printf("%s/config", ssh_dir);
	_auto_(free) char *old = NULL;
	_auto_(free) char *all = NULL;
	struct uw_userdir d = { .fd = -1 };
	mode_t mode = 0600;
	bool found = false;
	ssize_t n;
	int rc;

	if (!valid_word(name, "-_."))
		return uw_error_set(err, -EINVAL, "'%s' is not a usable host alias: use letters, "
				    "digits, '-', '_' or '.' (for example: phone).", name ? name : "");
	if (!valid_word(host, ".:%-_"))
		return uw_error_set(err, -EINVAL, "The phone's address \"%.60s\" cannot go into an ssh "
				    "config entry: give it as digits and dots, such as 192.168.0.202 "
				    "(--phone-ip).", host ? host : "");
	if (!valid_word(user, "-_."))
		return uw_error_set(err, -EINVAL, "The user \"%.60s\" cannot go into an ssh config "
				    "entry: use letters, digits, '-', '_' or '.', such as root (--user).",
				    user ? user : "");
	if (port == 0 || port > 65535)
		return uw_error_set(err, -EINVAL, "The port %u is not a TCP port: use 1-65535, such "
				    "as 22 (--port).", port);
	rc = open_ssh_dir(ssh_dir, true, &d, err);
	if (rc < 0)
		return rc;
	n = uw_userdir_read(&d, "config", SSH_FILE_MAX, &old, &mode, err);
	if (n < 0 && n != -ENOENT) {
		uw_userdir_close(&d);
		return uw_error_prefix(err, "No Host entry was added");
	}
	uw_error_clear(err);
	for (const char *l = old; l && *l;) {
		size_t len = strcspn(l, "\n");
		char *line = uw_strdup_printf("%.*s", (int)len, l), *s = line, *tok, *save = NULL;

		l += len + (l[len] == '\n');
		while (isspace((unsigned char)*s))
			s++;
		if (!strncasecmp(s, "host", 4) && (isspace((unsigned char)s[4]) || s[4] == '='))
			for (tok = strtok_r(s + 5, " \t=\r", &save); tok;
			     tok = strtok_r(NULL, " \t\r", &save))
				if (!strcmp(tok, name))
					found = true;
		free(line);
	}
	if (found) {
		uw_userdir_close(&d);
		return uw_error_set(err, -EEXIST, "%s already has a 'Host %s' entry; it was left "
				    "as it is. Pick another name or edit that entry.", path, name);
	}
	all = uw_strdup_printf("%s%s\n# added by usbnet-wizard\nHost %s\n\tHostName %s\n\tUser %s\n",
			       old ? old : "", old && *old && old[n - 1] != '\n' ? "\n" : "",
			       name, host, user);
	if (port != 22) {
		char *t = uw_strdup_printf("%s\tPort %u\n", all, port);

		free(all);
		all = t;
	}
	rc = uw_userdir_replace(&d, "config", all, strlen(all), mode, 0, err);
	uw_userdir_close(&d);
	return rc;
}
