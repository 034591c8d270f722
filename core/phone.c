// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone session over libssh: connect, authenticate, run commands. See
 * core/phone.h for the contract; the host key is checked in
 * core/phone-knownhosts.c, the user's keys in core/phone-keys.c.
 */
#include "core/env.h"
#include "core/phone.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "core/phone-private.h"
#include "core/sanitize.h"
#include "core/userfile.h"
#include "core/util.h"

static void find_link(struct uw_phone *p);
static void linger_free_all(struct uw_phone *p);

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

/* The sentence for a connection to the phone that failed with @e (@detail: why, in words). */
static int connect_failed(int e, const char *detail, const char *host, unsigned port,
			  unsigned timeout_s, struct uw_error *err)
{
	if (e == ECONNREFUSED)
		return uw_error_set(err, -ECONNREFUSED, "The phone at %s refused a connection on "
				    "port %u (%s). Is the ssh server (dropbear) running on the phone, "
				    "and is the port right?", host, port, detail);
	if (e == ETIMEDOUT)
		return uw_error_set(err, -ETIMEDOUT, "The phone at %s did not answer on port %u "
				    "within %u s. Check the cable, that the phone's USB networking "
				    "is on, and the address ('usbnet-wizard check' also looks for the phone by its IPv6 link-local address).", host,
				    port, timeout_s);
	if (e == EHOSTUNREACH)
		return uw_error_set(err, -EHOSTUNREACH, "No route to the phone at %s (%s). The "
				    "desktop side of the USB link is probably not configured yet.",
				    host, detail);
	return uw_error_set(err, -EHOSTUNREACH, "Could not connect to the phone at %s port %u: "
			    "%s.", host, port, detail);
}

/* Map a failed ssh_connect to an errno and a sentence. */
static int connect_error(ssh_session s, const char *host, unsigned port, unsigned timeout_s,
			 struct uw_error *err)
{
	const char *m = ssh_get_error(s);
	int e = 0;

	if (strstr(m, "refused"))
		e = ECONNREFUSED;
	else if (strstr(m, "imeout") || strstr(m, "timed out"))
		e = ETIMEDOUT;
	else if (strstr(m, "unreachable") || strstr(m, "No route"))
		e = EHOSTUNREACH;
	return connect_failed(e, m, host, port, timeout_s, err);
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

/*
 * Start the TCP connection to a numeric @host (non-blocking): the phone's
 * sshd accepts, forks and reseeds (~10 ms on the testbed) while libssh and
 * its crypto libraries are loaded here, instead of after. -1 for a host
 * name (libssh resolves and connects as before) or when no socket can be made.
 */
static int connect_early(const char *host, unsigned port, int *early_errno)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char ps[12];
	int fd = -1, one = 1;

	*early_errno = 0;
	snprintf(ps, sizeof(ps), "%u", port);
	if (getaddrinfo(host, ps, &hints, &ai) != 0 || !ai)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* Refused or unreachable at once: connect_finish says so. */
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
			*early_errno = errno;
	}
	freeaddrinfo(ai);
	return fd;
}

/*
 * Wait (@timeout_s at most) for connect_early's connection; then the socket
 * blocks, as libssh's own does once connected. 0, or the same sentences as
 * connect_error.
 */
static int connect_finish(int fd, int early_errno, const char *host, unsigned port,
			  unsigned timeout_s, struct uw_error *err)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int e = early_errno, r = 1, fl;
	socklen_t len = sizeof(e);

	while (!e && (r = poll(&pfd, 1, (int)timeout_s * 1000)) < 0 && errno == EINTR)
		;
	if (!e && r == 0)
		e = ETIMEDOUT;
	else if (!e && (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0))
		e = errno;
	if (e)
		return connect_failed(e == ENETUNREACH ? EHOSTUNREACH : e, strerror(e), host,
				      port, timeout_s, err);
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return 0;
}

/*
 * Do the crypto library's one-time start-up now, while the phone's sshd is
 * still getting ready to send its banner (it reseeds its random pool from
 * /proc before it even forks: ~9 ms on the testbed, where we are ready after
 * ~6). Otherwise it happens after the banner has come, on the way to our
 * first key exchange message: OpenSSL reads its configuration, loads its
 * default provider and seeds its generator on first use, ~2 ms on the
 * testbed's idle VM and ~5 ms on a busy one, in which the phone only waits
 * (our key exchange message left 2.2 ms after the phone's banner; now 0.3).
 * Generating a throwaway key takes that path (the key itself costs ~50 us).
 */
static void warm_up_crypto(void)
{
	_auto_(ssh_key) ssh_key k = NULL;

	(void)ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &k);
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
	int iport = (int)port, one = 1, rc, early_errno = 0;
	_auto_fd_ int early = -1;
	bool no = false;

	*out = NULL;
	if (port == 0 || port > 65535)
		return uw_error_set(err, -EINVAL, "The port %u is not a TCP port (1-65535).", port);
	early = connect_early(host, port, &early_errno);
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
	if (early >= 0) {
		rc = connect_finish(early, early_errno, host, port, timeout_s, err);
		if (rc == 0 && ssh_options_set(s, SSH_OPTIONS_FD, &early) < 0)
			rc = uw_error_set(err, -EINVAL, "Bad ssh option (socket): %s.",
					  ssh_get_error(s));
		if (rc < 0) {
			uw_userdir_close(&sd);
			return rc;
		}
		/*
		 * Connected (a refusal was said above). A non-blocking ssh_connect
		 * sends our banner and returns; the crypto start-up runs while the
		 * phone's banner is on its way; the blocking one then goes on where
		 * it left off (libssh keeps a pending connect), with the timeout.
		 */
		ssh_set_blocking(s, 0);
		rc = ssh_connect(s);
		ssh_set_blocking(s, 1);
		if (rc == SSH_AGAIN) {
			warm_up_crypto();
			rc = ssh_connect(s);
		}
	} else {
		rc = ssh_connect(s);
	}
	if (rc != SSH_OK) {
		uw_userdir_close(&sd);
		return connect_error(s, host, port, timeout_s, err);
	}

	p = uw_malloc0(sizeof(*p));
	/* libssh does not close a socket it was given: uw_phone_free does. */
	p->own_fd = early;
	early = -1;
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
	linger_free_all(p);
	if (p->session) {
		ssh_disconnect(p->session);
		ssh_free(p->session);
	}
	if (p->own_fd >= 0)
		close(p->own_fd);
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
 * One wait of a command runner's loop: the link first (an unplugged phone
 * gets no TCP reset, only silence), then the session's events for up to
 * @wait ms. 0, or an error with *@unplugged set when the link went away.
 */
static int wait_on_phone(struct uw_phone *p, ssh_event ev, long long wait, bool *unplugged,
			 struct uw_error *err)
{
	char ifname[IF_NAMESIZE];

	if (link_gone(p, ifname)) {
		p->dead = *unplugged = true;
		return uw_error_set(err, -ECONNRESET, "The phone was unplugged: %s, the link to "
				    "it, %s. Plug it in again (check the cable), then run the "
				    "check again.", ifname[0] ? ifname : "the interface",
				    ifname[0] && if_nametoindex(ifname) ? "lost its carrier" :
				    "went away");
	}
	if (ssh_event_dopoll(ev, (int)wait) == SSH_ERROR || !ssh_is_connected(p->session))
		return lost(p, err, "running a command");
	return 0;
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
	bool ending;               /* its command answered: it ends any moment now */
	struct cut_channel *next;
};

static int on_data_drop(ssh_session session, ssh_channel channel, void *data, uint32_t len,
			int is_stderr, void *userdata)
{
	return (int)len;
}

static void linger_add(struct uw_phone *p, ssh_channel ch, bool ending)
{
	struct cut_channel *l = uw_malloc0(sizeof(*l));

	l->ch = ch;
	l->ending = ending;
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

/*
 * Wait (500 ms at most) for the lingering channels whose command has
 * answered to end, before a new channel is opened: dropbear 2022.83 closes
 * a session channel that has not started its command yet when another
 * channel's process exits at that moment (it takes the new channel for one
 * whose process has exited), and the new command then fails as if the phone
 * had gone away. A shared script's shell exits just after its last job's end
 * line, which is when the next command (a fix, say) opens its channel.
 */
static void linger_settle(struct uw_phone *p)
{
	long long end = uw_now_ms() + 500;
	ssh_event ev = NULL;

	for (;;) {
		bool pending = false;
		long long left;

		linger_reap(p);
		for (struct cut_channel *l = p->linger; l; l = l->next)
			pending |= l->ending;
		left = end - uw_now_ms();
		if (!pending || left <= 0 || p->dead || !ssh_is_connected(p->session))
			break;
		if (!ev) {
			ev = ssh_event_new();
			if (!ev || ssh_event_add_session(ev, p->session) != SSH_OK)
				break;
		}
		if (ssh_event_dopoll(ev, (int)(left < 50 ? left : 50)) == SSH_ERROR)
			break;
	}
	if (ev) {
		ssh_event_remove_session(ev, p->session);
		ssh_event_free(ev);
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
			linger_add(p, jc->ch, false);
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
	linger_settle(p);
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
		rc = wait_on_phone(p, ev, wait, &unplugged, err);
		if (rc < 0)
			goto gone;
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


/* ---- several commands in one channel (uw_phone_run_shared) ------------- */

/*
 * The script uw_phone_run_shared sends. Each job runs in the background in
 * its own subshell, its stdout and stderr captured by a command substitution
 * whose last command the shell execs (no fork of its own: two processes a
 * job, the command included); when it ends, its output goes out as ONE frame
 * written by one printf:
 *
 *     MARKER N\n  OUTPUT\n  MARKER N STATUS\n
 *
 * One write(2) of under PIPE_BUF bytes, so frames of jobs ending at the same
 * moment never interleave. An output of over SHARED_FRAME_CHARS characters
 * (a write that could be split) goes out the old way instead: every line
 * tagged "N|" by a loop of shell builtins, then "N|MARKER STATUS". The
 * marker is random: no output can forge an end. As with $(...), the output
 * loses its trailing newlines and NUL bytes. LC_ALL=C: the commands load no
 * locale files (and print the messages the parsers know).
 *
 * Until issue 14's third round each job was `( trap ... EXIT; eval CMD )
 * | tag-loop &`: three processes a job and a read(2) per byte of output,
 * which on the testbed cost the phone more CPU than the commands themselves.
 * Only POSIX sh: dash, bash and busybox ash all run it.
 */
#define SHARED_HEAD                                                           \
	"export LC_ALL=C\n"                                                   \
	"uw_u(){ while IFS= read -r uw_l || [ -n \"$uw_l\" ]; do "            \
	"printf '%%s|%%s\\n' \"$1\" \"$uw_l\"; done; }\n"                     \
	"uw_j(){ if [ ${#2} -le %d ]; then "                                  \
	"printf '%s %%s\\n%%s\\n%s %%s %%s\\n' \"$1\" \"$2\" \"$1\" \"$3\"; " \
	"else printf '%%s\\n' \"$2\" | uw_u \"$1\"; "                         \
	"printf '%%s|%s %%s\\n' \"$1\" \"$3\"; fi; }\n"
/* At most 4 bytes a character: a frame stays well under PIPE_BUF (4096). */
#define SHARED_FRAME_CHARS 800
/* One job: its command on lines of its own (a comment in it ends there). */
#define SHARED_JOB_START "( uw_o=$(exec 2>&1 </dev/null\n"
#define SHARED_JOB_END "\n); uw_j %zu \"$uw_o\" $? ) &\n"
/* A .stream job: every line tagged as it comes; the newline printed before
 * the end line ends a last line that had none and is taken off again here. */
#define SHARED_STREAM_START "{ (exec 2>&1 </dev/null\n"
#define SHARED_STREAM_END "\n); printf '\\n%s %%s\\n' \"$?\"; } | uw_u %zu &\n"
/* A job that has sent this much by its deadline is still answering (see below). */
#define SHARED_BUSY_BYTES (4 * 1024)
/* A line longer than this is passed on in pieces (it cannot be an end line). */
#define SHARED_LINE_MAX 4096

struct shared_job {
	struct stream out;
	bool truncated, ended, draining, timed_out, done;
	int exit_status;
	long long deadline;
};

struct shared_ctx {
	struct run_ctx c;          /* the channel's own EOF, CLOSE and exit status */
	struct shared_job *sj;
	size_t n;
	char marker[32];           /* "uw-end-" and 16 random hex digits */
	char line[SHARED_LINE_MAX];
	size_t len;
	long cont;                 /* a long line goes on: to this job; -2 nowhere; -1 none */
	long body;                 /* inside this job's frame; -1 none */
};

static void stream_add(struct stream *st, bool *truncated, const char *data, size_t len)
{
	size_t room = UW_PHONE_OUTPUT_MAX - st->len, n = len;

	if (n > room) {
		n = room;
		*truncated = true;
	}
	if (!n)
		return;
	st->buf = uw_realloc(st->buf, st->len + n + 1);
	memcpy(st->buf + st->len, data, n);
	st->len += n;
	st->buf[st->len] = '\0';
}

/* Job @id's end: its status, and off with the newline printed before the end line. */
static void shared_end(struct shared_job *j, const char *num, size_t len)
{
	char buf[12] = "";

	memcpy(buf, num, len < sizeof(buf) ? len : sizeof(buf) - 1);
	j->exit_status = atoi(buf);
	j->ended = true;
	if (j->out.len && j->out.buf[j->out.len - 1] == '\n' && !j->truncated)
		j->out.buf[--j->out.len] = '\0';
}

/*
 * "MARKER N" (@status NULL) or "MARKER N STATUS" (@status set to STATUS):
 * a frame's first or last line. The job number is returned, -1 if @l is
 * neither.
 */
static long shared_frame_line(const struct shared_ctx *x, const char *l, size_t len,
			      const char **status, size_t *status_len)
{
	size_t mlen = strlen(x->marker), i;
	unsigned long id = 0;

	*status = NULL;
	if (len < mlen + 2 || memcmp(l, x->marker, mlen) || l[mlen] != ' ')
		return -1;
	for (i = mlen + 1; i < len && i < mlen + 9 && l[i] >= '0' && l[i] <= '9'; i++)
		id = id * 10 + (unsigned long)(l[i] - '0');
	if (i == mlen + 1 || id >= x->n)
		return -1;
	if (i < len) {
		if (l[i] != ' ' || i + 1 >= len)
			return -1;
		*status = l + i + 1;
		*status_len = len - i - 1;
	}
	return (long)id;
}

/* One line (or, @whole false, the first piece of a long one) from the phone. */
static void shared_line(struct shared_ctx *x, const char *l, size_t len, bool whole)
{
	size_t mlen = strlen(x->marker), i = 0, slen = 0;
	const char *status;
	struct shared_job *j;
	unsigned long id = 0;
	long fid;

	if (x->body >= 0) {        /* inside job x->body's frame */
		j = &x->sj[x->body];
		fid = whole ? shared_frame_line(x, l, len, &status, &slen) : -1;
		if (fid == x->body && status) {
			shared_end(j, status, slen);
			x->body = -1;
			return;
		}
		stream_add(&j->out, &j->truncated, l, len);
		if (whole)
			stream_add(&j->out, &j->truncated, "\n", 1);
		return;
	}
	if (x->cont != -1) {       /* the rest of a long line */
		if (x->cont >= 0 && !x->sj[x->cont].ended) {
			j = &x->sj[x->cont];
			stream_add(&j->out, &j->truncated, l, len);
			if (whole)
				stream_add(&j->out, &j->truncated, "\n", 1);
		}
		if (whole)
			x->cont = -1;
		return;
	}
	if (whole && (fid = shared_frame_line(x, l, len, &status, &slen)) >= 0) {
		if (!status && !x->sj[fid].ended)
			x->body = fid;     /* a frame begins */
		return;
	}
	while (i < len && i < 8 && l[i] >= '0' && l[i] <= '9')
		id = id * 10 + (unsigned long)(l[i++] - '0');
	if (i == 0 || i >= len || l[i] != '|' || id >= x->n || x->sj[id].ended) {
		/* Not ours (the shell's own complaint, say): dropped. */
		if (!whole)
			x->cont = -2;
		return;
	}
	j = &x->sj[id];
	l += i + 1;
	len -= i + 1;
	if (whole && len > mlen + 1 && !memcmp(l, x->marker, mlen) && l[mlen] == ' ') {
		shared_end(j, l + mlen + 1, len - mlen - 1);
		return;
	}
	stream_add(&j->out, &j->truncated, l, len);
	if (whole)
		stream_add(&j->out, &j->truncated, "\n", 1);
	else
		x->cont = (long)id;
}

static int on_data_shared(ssh_session session, ssh_channel channel, void *data, uint32_t len,
			  int is_stderr, void *userdata)
{
	struct shared_ctx *x = userdata;
	const char *d = data;

	/* The script's own stderr (a shell that cannot run it) is no job's. */
	if (is_stderr)
		return (int)len;
	for (uint32_t i = 0; i < len; i++) {
		if (d[i] == '\n') {
			shared_line(x, x->line, x->len, true);
			x->len = 0;
			continue;
		}
		if (x->len == sizeof(x->line)) {
			shared_line(x, x->line, x->len, false);
			x->len = 0;
		}
		x->line[x->len++] = d[i];
	}
	return (int)len;
}

static void shared_finish(struct shared_ctx *x, struct uw_phone_job *jobs, size_t i, int rc,
			  uw_phone_job_done_fn done, void *ud)
{
	struct shared_job *j = &x->sj[i];
	struct uw_phone_result *res = &jobs[i].res;

	j->done = true;
	res->out = finish_stream(&j->out);
	res->err = uw_strdup("");
	res->truncated = j->truncated;
	res->timed_out = j->timed_out;
	res->exit_status = j->ended ? j->exit_status : -1;
	jobs[i].rc = rc;
	jobs[i].done = true;
	if (done)
		done(i, &jobs[i], ud);
}

/*
 * The script for @jobs. Each job is started in the background straight from
 * the script's shell, its command as it is (not through eval, which would
 * cost the shell a fork before the command's exec): the .first jobs, then
 * the others, each in their order in @jobs.
 */
char *uw_phone_shared_script(const char *marker, const struct uw_phone_job *jobs, size_t n)
{
	char *s = uw_strdup_printf(SHARED_HEAD, SHARED_FRAME_CHARS, marker, marker, marker);
	size_t len = strlen(s);

	for (size_t k = 0; k < 2 * n; k++) {
		size_t i = k % n, clen = strlen(jobs[i].cmd);
		const char *start = jobs[i].stream ? SHARED_STREAM_START : SHARED_JOB_START;

		if (jobs[i].first != (k < n))
			continue;
		s = uw_realloc(s, len + clen + strlen(marker) + sizeof(SHARED_STREAM_START) +
				  sizeof(SHARED_STREAM_END) + sizeof(SHARED_JOB_END) + 24);
		memcpy(s + len, start, strlen(start));
		len += strlen(start);
		memcpy(s + len, jobs[i].cmd, clen);
		len += clen;
		if (jobs[i].stream)
			len += (size_t)sprintf(s + len, SHARED_STREAM_END, marker, i);
		else
			len += (size_t)sprintf(s + len, SHARED_JOB_END, i);
	}
	s = uw_realloc(s, len + 6);
	memcpy(s + len, "wait\n", 6);
	return s;
}

int uw_phone_run_shared(struct uw_phone *p, struct uw_phone_job *jobs, size_t n,
			uw_phone_job_done_fn done, void *ud, struct uw_error *err)
{
	_auto_(free) struct shared_job *sj = NULL;
	_auto_(free) char *script = NULL;
	struct shared_ctx x = { .n = n, .cont = -1, .body = -1 };
	struct uw_phone_job sh = { 0 };
	struct job_ctx jc = { .st = J_OPEN };
	ssh_event ev = NULL;
	size_t left = n;
	long long now = uw_now_ms();
	unsigned char rnd[8];
	bool unplugged = false;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (jobs[i].input)
			return uw_phone_run_all(p, jobs, n, done, ud, err);
	if (n == 0)
		return 0;
	sj = uw_malloc0(n * sizeof(*sj));
	x.sj = sj;
	for (size_t i = 0; i < n; i++) {
		memset(&jobs[i].res, 0, sizeof(jobs[i].res));
		jobs[i].res.exit_status = -1;
		jobs[i].rc = 0;
		jobs[i].done = false;
		sj[i].deadline = now + (jobs[i].deadline_ms ? (long long)jobs[i].deadline_ms :
					(long long)p->timeout_s * 1000);
	}
	/* The end line is not guessable from what the commands print. */
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		for (size_t i = 0; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)(now >> (i * 3)) ^ (unsigned char)getpid();
	snprintf(x.marker, sizeof(x.marker), "uw-end-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0],
		 rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	script = uw_phone_shared_script(x.marker, jobs, n);
	sh.cmd = script;
	if (p->dead || !ssh_is_connected(p->session)) {
		rc = uw_error_set(err, -ECONNRESET, "The connection to the phone is gone. Check "
				  "the cable and connect again.");
		goto gone;
	}
	linger_settle(p);
	/* Non-blocking, as in uw_phone_run_all. */
	ssh_set_blocking(p->session, 0);
	jc.ch = ssh_channel_new(p->session);
	if (!jc.ch) {
		rc = lost(p, err, "opening a channel");
		goto gone;
	}
	x.c.exit_status = -1;
	jc.cb = (struct ssh_channel_callbacks_struct){
		.userdata = &x,
		.channel_data_function = on_data_shared,
		.channel_eof_function = on_eof,
		.channel_close_function = on_close,
		.channel_exit_status_function = on_exit_status,
	};
	ssh_callbacks_init(&jc.cb);
	ssh_set_channel_callbacks(jc.ch, &jc.cb);
	rc = job_step(p, &sh, &jc, err);
	if (rc < 0)
		goto gone;
	ev = ssh_event_new();
	if (!ev || ssh_event_add_session(ev, p->session) != SSH_OK) {
		rc = uw_error_set(err, -ENOMEM, "Cannot wait for the phone's answer.");
		goto gone;
	}
	while (left) {
		long long wait = 50;
		/* The shell has ended: what has not ended by now never will. */
		bool over = x.c.closed || (x.c.eof && x.c.got_status);

		now = uw_now_ms();
		linger_reap(p);
		rc = job_step(p, &sh, &jc, err);
		if (rc < 0)
			goto gone;
		for (size_t i = 0; i < n; i++) {
			struct shared_job *j = &sj[i];

			if (j->done)
				continue;
			if (j->ended || over) {
				shared_finish(&x, jobs, i, 0, done, ud);
				left--;
				continue;
			}
			/* Over the cap: the rest is dropped as it comes, for 2 s at
			 * most, as in uw_phone_run_all. */
			if (j->truncated && !j->draining) {
				j->draining = true;
				if (j->deadline - now > 2000)
					j->deadline = now + 2000;
			}
			/*
			 * Still sending plenty at its deadline: it is answering, just
			 * through the tagging loop, which reads a byte per read(2)
			 * (on a loaded phone 64 KiB take over a second, where one
			 * channel's cat takes milliseconds). It gets the same 2 s to
			 * reach the cap; only what is still short of it then was cut
			 * by time.
			 */
			if (j->deadline <= now && !j->draining && j->out.len >= SHARED_BUSY_BYTES) {
				j->draining = true;
				j->deadline = now + 2000;
			}
			if (j->deadline <= now) {
				j->timed_out = !j->truncated;
				shared_finish(&x, jobs, i, 0, done, ud);
				left--;
				continue;
			}
			if (j->deadline - now < wait)
				wait = j->deadline - now;
		}
		if (!left)
			break;
		rc = wait_on_phone(p, ev, wait, &unplugged, err);
		if (rc < 0)
			goto gone;
	}
	rc = 0;
	goto out;
gone:
	for (size_t i = 0; i < n; i++)
		if (!sj[i].done)
			shared_finish(&x, jobs, i, unplugged ? -ENOLINK : rc, done, ud);
out:
	if (jc.ch) {
		bool live = !p->dead && ssh_is_connected(p->session);

		ssh_remove_channel_callbacks(jc.ch, &jc.cb);
		if (jc.st == J_OPEN || !live) {
			ssh_channel_free(jc.ch);
		} else if (!x.c.closed && !(x.c.eof && x.c.got_status)) {
			/* The shell still runs (a command cut at its deadline, or
			 * the last job's end line just ahead of the shell's exit):
			 * closing it now would end the session (see struct
			 * cut_channel); it lingers until the phone ends it. */
			bool ending = true;

			for (size_t i = 0; i < n; i++)
				ending &= sj[i].ended;
			linger_add(p, jc.ch, ending);
		} else {
			ssh_channel_close(jc.ch);
			ssh_channel_free(jc.ch);
		}
	}
	if (ev) {
		ssh_event_remove_session(ev, p->session);
		ssh_event_free(ev);
	}
	ssh_set_blocking(p->session, 1);
	return rc;
}
