// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone session's own logic (core/phone*.c) without a phone: real files
 * in a temp dir, and a real ssh server (dropbear, blank root password, on
 * 127.0.0.1 in the test's private network namespace, root's passwd entry
 * swapped in a mount namespace of its own so its home is the temp dir):
 *   - ssh_config: the Host block added, kept text and mode, never a
 *     duplicate, bad words refused with nothing written, a link refused;
 *   - the user's key: none (and none made unless allowed), made once with
 *     the right modes, found again, derived from a private key without its
 *     .pub, another type's .pub, a dangling link never written through;
 *   - known_hosts: first contact asked and remembered (or refused, leaving
 *     no ssh directory), a known key passes silently, a changed key refused
 *     with both fingerprints and the file untouched, or replaced: only the
 *     phone's entries go (hashed ones too), comments and other hosts stay;
 *     a known_hosts link is refused and its target untouched;
 *   - running commands: output, errors, exit status, stdin, the output cap,
 *     the shared script's start order (.first jobs first),
 *     control characters cleaned, per-job deadlines and the session timeout
 *     (a cut job lingers, the session still works), the phone going away
 *     mid-run (every unfinished job told, later runs fail at once);
 *   - connecting to a server that never sends its banner, or nothing after
 *     it: the timeout holds;
 *   - installing a key in authorized_keys (once), bad keys refused;
 *   - the IPv6 link-local search: a neighbour in another namespace found,
 *     our own address never, no answer is 0, no such interface an error.
 */
#include "tests/testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "core/phone.h"
#include "core/phone-private.h"
#include "core/util.h"


static char tmp[] = "/tmp/uw-test-phone.XXXXXX";
static char sshdir[300], home[300], key1[300], key2[300];
static pid_t sshd_pid = -1;
static int port = 2222;           /* where the server listens */
static const char *sshd_key;      /* with which host key */

/* ---- files ------------------------------------------------------------ */

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The content of @path (malloc'd), NULL when there is none. */
static char *get(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = uw_strdup("");
	}
	fclose(f);
	return buf;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static char *in(const char *dir, const char *name)
{
	return uw_strdup_printf("%s/%s", dir, name);
}

/* A fresh, empty ssh directory (0700, as ssh makes it). */
static void fresh_sshdir(void)
{
	uw_test_shf("rm -rf '%s' && mkdir -m 700 '%s'", sshdir, sshdir);
}

/* ---- ssh_config ------------------------------------------------------- */

static void test_ssh_config_add(void **state)
{
	_auto_(free) char *cfg = in(sshdir, "config");
	_auto_(free) char *text = NULL;
	struct uw_error e;

	/* No directory yet: made (0700), the file made (0600). */
	uw_test_shf("rm -rf '%s'", sshdir);
	uw_error_clear(&e);
	assert_int_equal(uw_phone_ssh_config_add(sshdir, "phone", "192.168.0.202", "root", 22, &e), 0);
	assert_int_equal(mode_of(sshdir), 0700);
	assert_int_equal(mode_of(cfg), 0600);
	text = get(cfg);
	assert_string_equal(text, "\n# added by usbnet-wizard\nHost phone\n\tHostName 192.168.0.202\n\tUser root\n");
	free(text);

	/* Another alias, another port: appended, the first block kept. */
	assert_int_equal(uw_phone_ssh_config_add(sshdir, "phone2", "fe80::1%usb0", "user_1", 2222, &e), 0);
	text = get(cfg);
	assert_string_equal(text, "\n# added by usbnet-wizard\nHost phone\n\tHostName 192.168.0.202\n\tUser root\n"
			    "\n# added by usbnet-wizard\nHost phone2\n\tHostName fe80::1%usb0\n\tUser user_1\n"
			    "\tPort 2222\n");
}

/* The user's own text (no newline at its end) and mode are kept. */
static void test_ssh_config_keeps_text_and_mode(void **state)
{
	_auto_(free) char *cfg = in(sshdir, "config");
	_auto_(free) char *text = NULL;
	struct uw_error e;

	fresh_sshdir();
	put(cfg, "Host work\n  HostName work.example\n  # Host phone (a comment)\nHostname phone", 0640);
	uw_error_clear(&e);
	assert_int_equal(uw_phone_ssh_config_add(sshdir, "phone", "192.168.0.202", "root", 22, &e), 0);
	text = get(cfg);
	assert_string_equal(text, "Host work\n  HostName work.example\n  # Host phone (a comment)\nHostname phone\n"
			    "\n# added by usbnet-wizard\nHost phone\n\tHostName 192.168.0.202\n\tUser root\n");
	assert_int_equal(mode_of(cfg), 0640);
}

/* A Host line naming the alias already, in any of ssh_config's spellings:
 * -EEXIST, the file byte for byte as it was. */
static void test_ssh_config_never_duplicates(void **state)
{
	static const char *const has[] = {
		"Host phone\n",
		"Host work phone laptop\n",
		"  host=phone\n",
		"HOST\tphone\n",
		"Host = phone\n",
	};
	_auto_(free) char *cfg = in(sshdir, "config");

	for (size_t i = 0; i < UW_ARRAY_SIZE(has); i++) {
		_auto_(free) char *text = NULL;
		struct uw_error e;

		fresh_sshdir();
		put(cfg, has[i], 0600);
		uw_error_clear(&e);
		if (uw_phone_ssh_config_add(sshdir, "phone", "192.168.0.202", "root", 22, &e) != -EEXIST)
			fail_msg("a config with \"%s\" got a second Host phone", has[i]);
		assert_non_null(strstr(e.msg, "already has a 'Host phone' entry"));
		text = get(cfg);
		assert_string_equal(text, has[i]);
	}
}

/* Words that cannot go into ssh_config: refused, saying which and what to
 * use, and nothing is written (not even the directory). */
static void test_ssh_config_bad_words(void **state)
{
	static const struct {
		const char *name, *host, *user;
		unsigned port;
		const char *says;
	} bad[] = {
		{ "my phone", "192.168.0.202", "root", 22, "not a usable host alias" },
		{ "", "192.168.0.202", "root", 22, "not a usable host alias" },
		{ "phone", "192.168.0.202\n\tProxyCommand x", "root", 22, "cannot go into an ssh config" },
		{ "phone", "1.2.3.4 evil", "root", 22, "cannot go into an ssh config" },
		{ "phone", "192.168.0.202", "ro ot", 22, "The user" },
		{ "phone", "192.168.0.202", "root", 0, "is not a TCP port" },
		{ "phone", "192.168.0.202", "root", 65536, "is not a TCP port" },
	};

	uw_test_shf("rm -rf '%s'", sshdir);
	for (size_t i = 0; i < UW_ARRAY_SIZE(bad); i++) {
		struct uw_error e;

		uw_error_clear(&e);
		assert_int_equal(uw_phone_ssh_config_add(sshdir, bad[i].name, bad[i].host, bad[i].user,
							 bad[i].port, &e), -EINVAL);
		if (!strstr(e.msg, bad[i].says))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, e.msg, bad[i].says);
		assert_int_equal(access(sshdir, F_OK), -1);
	}
}

/* config a link to another file: refused, that file untouched. */
static void test_ssh_config_link_refused(void **state)
{
	_auto_(free) char *cfg = in(sshdir, "config");
	_auto_(free) char *target = in(tmp, "elsewhere");
	_auto_(free) char *text = NULL;
	struct uw_error e;

	fresh_sshdir();
	put(target, "precious\n", 0600);
	assert_int_equal(symlink(target, cfg), 0);
	uw_error_clear(&e);
	assert_true(uw_phone_ssh_config_add(sshdir, "phone", "192.168.0.202", "root", 22, &e) < 0);
	assert_non_null(strstr(e.msg, "symbolic link"));
	text = get(target);
	assert_string_equal(text, "precious\n");
	assert_int_equal(mode_of(target), 0600);
}

/* ---- the user's key --------------------------------------------------- */

static void test_user_key(void **state)
{
	_auto_(free) char *priv = in(sshdir, "id_ed25519");
	_auto_(free) char *pub = in(sshdir, "id_ed25519.pub");
	_auto_(free) char *line = NULL, *again = NULL, *derived = NULL, *pubtext = NULL;
	struct uw_error e;
	char *out = NULL;
	size_t typeb64;

	/* None, and none made unless allowed: -ENOENT, no directory made. */
	uw_test_shf("rm -rf '%s'", sshdir);
	uw_error_clear(&e);
	assert_int_equal(uw_phone_user_key(sshdir, false, &out, &e), -ENOENT);
	assert_null(out);
	assert_non_null(strstr(e.msg, "You have no ssh key in"));
	assert_int_equal(access(sshdir, F_OK), -1);

	/* Made: ed25519, 0600 / 0644, the .pub holding the line returned. */
	assert_int_equal(uw_phone_user_key(sshdir, true, &line, &e), 1);
	assert_true(!strncmp(line, "ssh-ed25519 AAAA", 16));
	assert_int_equal(mode_of(sshdir), 0700);
	assert_int_equal(mode_of(priv), 0600);
	assert_int_equal(mode_of(pub), 0644);
	pubtext = get(pub);
	assert_true(!strncmp(pubtext, line, strlen(line)) && !strcmp(pubtext + strlen(line), "\n"));

	/* Found again, not made again. */
	assert_int_equal(uw_phone_user_key(sshdir, true, &again, &e), 0);
	assert_string_equal(again, line);

	/* The private key without its .pub: the public half derived from it. */
	assert_int_equal(unlink(pub), 0);
	assert_int_equal(uw_phone_user_key(sshdir, false, &derived, &e), 0);
	typeb64 = strchr(strchr(line, ' ') + 1, ' ') - line;
	assert_true(!strncmp(derived, line, typeb64));
	assert_string_equal(derived + typeb64, " id_ed25519");
	assert_int_equal(access(pub, F_OK), -1);
}

/* Another type's key pair: its .pub line as it is. */
static void test_user_key_other_type(void **state)
{
	_auto_(free) char *pubtext = NULL;
	_auto_(free) char *line = NULL;
	_auto_(free) char *pub = in(sshdir, "id_ecdsa.pub");
	struct uw_error e;

	fresh_sshdir();
	uw_test_shf("ssh-keygen -q -t ecdsa -N '' -C me@desk -f '%s/id_ecdsa'", sshdir);
	pubtext = get(pub);
	pubtext[strcspn(pubtext, "\n")] = '\0';
	uw_error_clear(&e);
	assert_int_equal(uw_phone_user_key(sshdir, true, &line, &e), 0);
	assert_string_equal(line, pubtext);
	assert_true(!strncmp(line, "ecdsa-sha2-nistp256 ", 20));
	assert_int_equal(access(sshdir, F_OK), 0);
	{
		_auto_(free) char *ed = in(sshdir, "id_ed25519");

		assert_int_equal(access(ed, F_OK), -1);   /* nothing made */
	}
}

/* id_ed25519 a dangling link: a new key is never written through it. */
static void test_user_key_dangling_link(void **state)
{
	_auto_(free) char *priv = in(sshdir, "id_ed25519");
	_auto_(free) char *target = in(tmp, "planted");
	char *out = NULL;
	struct uw_error e;

	fresh_sshdir();
	unlink(target);
	assert_int_equal(symlink(target, priv), 0);
	uw_error_clear(&e);
	assert_true(uw_phone_user_key(sshdir, true, &out, &e) < 0);
	assert_null(out);
	assert_non_null(strstr(e.msg, "The new key was not saved"));
	assert_int_equal(access(target, F_OK), -1);
	{
		char l[300];
		ssize_t n = readlink(priv, l, sizeof(l) - 1);

		assert_true(n > 0);
		l[n] = '\0';
		assert_string_equal(l, target);
	}
}

/* ---- the ssh server ----------------------------------------------------- */

static bool port_open(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* dropbear on 127.0.0.1:port with host key @key, root's home the temp dir. */
static void sshd_start(const char *key)
{
	char script[1200];
	pid_t pid;

	snprintf(script, sizeof(script),
		 "mount --bind '%s/passwd' /etc/passwd && mount --bind '%s/shadow' /etc/shadow && "
		 "exec dropbear -F -E -B -r '%s' -p 127.0.0.1:%d 2>>'%s/dropbear.log'",
		 tmp, tmp, key, port, tmp);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execlp("unshare", "unshare", "-m", "--propagation", "private", "sh", "-c", script,
		       (char *)NULL);
		_exit(127);
	}
	sshd_pid = pid;
	sshd_key = key;
	/* Ready when it takes a connection (bounded; not a timed assertion). */
	for (int i = 0; i < 200 && !port_open(); i++) {
		struct timespec ts = { 0, 25 * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (!port_open())
		fail_msg("dropbear did not start (see %s/dropbear.log)", tmp);
}

static void sshd_stop(void)
{
	if (sshd_pid > 0) {
		/* dropbear can miss a TERM (one that lands just before it waits
		 * for a connection): KILL after a while, never wait unbounded. */
		kill(sshd_pid, SIGTERM);
		for (int i = 0; i < 100 && waitpid(sshd_pid, NULL, WNOHANG) == 0; i++) {
			struct timespec ts = { 0, 20 * 1000000L };

			nanosleep(&ts, NULL);
			if (i == 99) {
				kill(sshd_pid, SIGKILL);
				waitpid(sshd_pid, NULL, 0);
			}
		}
		sshd_pid = -1;
	}
	for (int i = 0; i < 200 && port_open(); i++) {
		struct timespec ts = { 0, 25 * 1000000L };

		nanosleep(&ts, NULL);
	}
}

struct asked {
	unsigned n;
	enum uw_phone_hostkey_state state;
	char fp[128], old_fp[128], host[64];
	enum uw_phone_hostkey_decision answer;
};

static enum uw_phone_hostkey_decision on_hostkey(const struct uw_phone_hostkey_info *i, void *ud)
{
	struct asked *a = ud;

	a->n++;
	a->state = i->state;
	uw_strlcpy(a->fp, i->fingerprint, sizeof(a->fp));
	uw_strlcpy(a->old_fp, i->old_fingerprint ? i->old_fingerprint : "", sizeof(a->old_fp));
	uw_strlcpy(a->host, i->host, sizeof(a->host));
	return a->answer;
}

static int connect_as(struct asked *a, unsigned timeout_s, struct uw_phone **p, struct uw_error *e)
{
	struct uw_phone_options o = {
		.host = "127.0.0.1", .port = (unsigned)port, .timeout_s = timeout_s, .ssh_dir = sshdir,
		.hostkey_cb = on_hostkey, .hostkey_data = a,
	};

	uw_error_clear(e);
	*p = NULL;
	return uw_phone_connect(&o, p, e);
}

/* A session that must come up (the key known, or accepted). */
static struct uw_phone *session(unsigned timeout_s)
{
	struct asked a = { .answer = UW_PHONE_HOSTKEY_ACCEPT };
	struct uw_phone *p;
	struct uw_error e;

	if (connect_as(&a, timeout_s, &p, &e) < 0)
		fail_msg("connect: %s", e.msg);
	return p;
}

/* After a test that moved the server (another port, another key), even one
 * that failed half way: back to key1 on 2222. */
static int server_back(void **state)
{
	if (port != 2222 || sshd_key != key1) {
		sshd_stop();
		port = 2222;
		sshd_start(key1);
	}
	return 0;
}

/* On port 22 the entry names the plain address (ssh's own form), on
 * another port "[address]:port" (test_known_hosts_first_contact). */
static void test_known_hosts_port_22(void **state)
{
	_auto_(free) char *kh = in(sshdir, "known_hosts");
	_auto_(free) char *text = NULL;
	struct asked a = { .answer = UW_PHONE_HOSTKEY_ACCEPT };
	struct uw_phone *p;
	struct uw_error e;

	sshd_stop();
	port = 22;
	sshd_start(key1);
	uw_test_shf("rm -rf '%s'", sshdir);
	assert_int_equal(connect_as(&a, 10, &p, &e), 0);
	uw_phone_free(p);
	assert_string_equal(a.host, "127.0.0.1");
	text = get(kh);
	assert_true(!strncmp(text, "127.0.0.1 ssh-ed25519 ", 22));
}

/* First contact: asked; refused leaves no trace; accepted is remembered and
 * not asked again. */
static void test_known_hosts_first_contact(void **state)
{
	_auto_(free) char *kh = in(sshdir, "known_hosts");
	_auto_(free) char *text = NULL;
	struct asked a = { .answer = UW_PHONE_HOSTKEY_REJECT };
	struct uw_phone *p;
	struct uw_error e;
	char fp[128];

	uw_test_shf("rm -rf '%s'", sshdir);
	assert_int_equal(connect_as(&a, 10, &p, &e), -EKEYREJECTED);
	assert_null(p);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.state, UW_PHONE_HOSTKEY_NEW);
	assert_string_equal(a.host, "[127.0.0.1]:2222");
	assert_true(!strncmp(a.fp, "SHA256:", 7));
	assert_non_null(strstr(e.msg, a.fp));
	assert_non_null(strstr(e.msg, "nothing was sent"));
	/* A refused connection leaves no ~/.ssh behind. */
	assert_int_equal(access(sshdir, F_OK), -1);

	a = (struct asked){ .answer = UW_PHONE_HOSTKEY_ACCEPT };
	assert_int_equal(connect_as(&a, 10, &p, &e), 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(uw_phone_fingerprint(p), a.fp);
	assert_int_equal(uw_phone_auth_method(p), UW_PHONE_AUTH_NONE_BLANK);
	uw_phone_free(p);
	uw_strlcpy(fp, a.fp, sizeof(fp));
	text = get(kh);
	assert_non_null(text);
	assert_true(!strncmp(text, "[127.0.0.1]:2222 ssh-ed25519 ", 29));
	assert_non_null(strchr(text, '\n'));
	assert_null(strchr(text, '\n')[1] ? text : NULL);   /* one line */

	/* Known now: not asked again. */
	a = (struct asked){ .answer = UW_PHONE_HOSTKEY_REJECT };
	assert_int_equal(connect_as(&a, 10, &p, &e), 0);
	assert_int_equal(a.n, 0);
	assert_string_equal(uw_phone_fingerprint(p), fp);
	uw_phone_free(p);
}

/*
 * The phone reflashed (dropbear with another host key). known_hosts also
 * holds a comment, another host's entry and a hashed entry of the phone.
 * Rejected: an error with both fingerprints, the file byte for byte as it
 * was. Replaced: only the phone's entries go, the new key is remembered.
 */
static void test_known_hosts_changed(void **state)
{
	_auto_(free) char *kh = in(sshdir, "known_hosts");
	_auto_(free) char *hashed_src = in(tmp, "hashed");
	_auto_(free) char *before = NULL, *after = NULL, *first = NULL, *hashed = NULL, *other = NULL;
	struct asked a = { .answer = UW_PHONE_HOSTKEY_ACCEPT };
	struct uw_phone *p;
	struct uw_error e;
	char oldfp[128];

	/* The phone's entry as a first connection writes it. */
	uw_test_shf("rm -rf '%s'", sshdir);
	assert_int_equal(connect_as(&a, 10, &p, &e), 0);
	uw_phone_free(p);
	uw_strlcpy(oldfp, a.fp, sizeof(oldfp));
	first = get(kh);
	/* The same entry hashed (HashKnownHosts yes), and another host's. */
	put(hashed_src, first, 0600);
	uw_test_shf("ssh-keygen -q -H -f '%s' >/dev/null 2>&1", hashed_src);
	hashed = get(hashed_src);
	assert_true(hashed[0] == '|');
	other = uw_strdup_printf("192.0.2.9%s", strchr(first, ' '));
	before = uw_strdup_printf("# my hosts\n%s%s%s", other, hashed, first);
	put(kh, before, 0600);

	sshd_stop();
	sshd_start(key2);

	a = (struct asked){ .answer = UW_PHONE_HOSTKEY_REJECT };
	assert_int_equal(connect_as(&a, 10, &p, &e), -EKEYREJECTED);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.state, UW_PHONE_HOSTKEY_CHANGED);
	assert_string_equal(a.old_fp, oldfp);
	assert_string_not_equal(a.fp, oldfp);
	assert_non_null(strstr(e.msg, oldfp));
	assert_non_null(strstr(e.msg, a.fp));
	assert_non_null(strstr(e.msg, "--replace-host-key"));
	after = get(kh);
	assert_string_equal(after, before);
	free(after);

	/* An ACCEPT is no consent to a changed key: only REPLACE is. */
	a = (struct asked){ .answer = UW_PHONE_HOSTKEY_ACCEPT };
	assert_int_equal(connect_as(&a, 10, &p, &e), -EKEYREJECTED);
	after = get(kh);
	assert_string_equal(after, before);
	free(after);

	a = (struct asked){ .answer = UW_PHONE_HOSTKEY_REPLACE };
	assert_int_equal(connect_as(&a, 10, &p, &e), 0);
	uw_phone_free(p);
	after = get(kh);
	{
		_auto_(free) char *kept = uw_strdup_printf("# my hosts\n%s", other);
		const char *rest = after + strlen(kept);

		if (strncmp(after, kept, strlen(kept)))
			fail_msg("the comment and the other host were not kept:\n%s", after);
		assert_true(!strncmp(rest, "[127.0.0.1]:2222 ssh-ed25519 ", 29));
		assert_null(strchr(rest, '\n')[1] ? rest : NULL);  /* the new entry only */
		assert_string_not_equal(rest, first);
	}
	assert_int_equal(mode_of(kh), 0600);

	/* Remembered: the new key passes silently. */
	a = (struct asked){ .answer = UW_PHONE_HOSTKEY_REJECT };
	assert_int_equal(connect_as(&a, 10, &p, &e), 0);
	assert_int_equal(a.n, 0);
	uw_phone_free(p);
}

/* known_hosts a link to another file: refused before anything is sent,
 * the target untouched. */
static void test_known_hosts_link_refused(void **state)
{
	_auto_(free) char *kh = in(sshdir, "known_hosts");
	_auto_(free) char *target = in(tmp, "elsewhere-kh");
	_auto_(free) char *text = NULL;
	struct asked a = { .answer = UW_PHONE_HOSTKEY_ACCEPT };
	struct uw_phone *p;
	struct uw_error e;

	fresh_sshdir();
	put(target, "precious\n", 0644);
	assert_int_equal(symlink(target, kh), 0);
	assert_true(connect_as(&a, 10, &p, &e) < 0);
	assert_null(p);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_int_equal(a.n, 0);
	text = get(target);
	assert_string_equal(text, "precious\n");
}

/* ---- running commands ---------------------------------------------------- */

struct order {
	size_t n, idx[12];
	bool done_flag_set;
};

static void on_done(size_t i, struct uw_phone_job *job, void *ud)
{
	struct order *o = ud;

	assert_true(o->n < UW_ARRAY_SIZE(o->idx));
	o->idx[o->n++] = i;
	o->done_flag_set = o->done_flag_set && job->done;
}

static void kill_pidfile(const char *name)
{
	_auto_(free) char *path = in(tmp, name);
	_auto_(free) char *text = get(path);

	if (text && atoi(text) > 1)
		kill(atoi(text), SIGKILL);
	unlink(path);
}

/*
 * Five jobs at once: each one's output, errors, exit status and stdin are
 * its own; the output cap; control characters cleaned; one job cut at its
 * own deadline (the others run to their end under the session timeout);
 * every job told once. The cut one lingers: the session still works.
 */
static void test_run_all(void **state)
{
	_auto_(free) char *sleeper = uw_strdup_printf("echo $$ >'%s/sleeper.pid'; exec sleep 30", tmp);
	struct uw_phone_job jobs[] = {
		{ .cmd = sleeper, .deadline_ms = 1500 },
		{ .cmd = "echo out; echo err >&2; exit 3" },
		{ .cmd = "cat; echo end", .input = "hello\nphone\n" },
		{ .cmd = "head -c 100000 /dev/zero | tr '\\0' a" },
		{ .cmd = "printf 'a\\033[31mb\\007c\\n'" },
	};
	struct order o = { .done_flag_set = true };
	struct uw_phone_result r;
	struct uw_phone *p;
	struct uw_error e;
	bool seen[UW_ARRAY_SIZE(jobs)] = { false };

	char *cmds[UW_ARRAY_SIZE(jobs)];

	/* Each command waits (bounded) until all have started: dropbear closes
	 * a channel not yet started when another channel's process exits at
	 * that moment (see core/phone.c), which would fail this run at random. */
	uw_test_shf("rm -rf '%s/started' && mkdir '%s/started'", tmp, tmp);
	for (size_t i = 0; i < UW_ARRAY_SIZE(jobs); i++) {
		cmds[i] = uw_strdup_printf("touch '%s/started/%zu'; n=0; while [ $(ls '%s/started' | wc -l) "
					   "-lt %zu ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n+1)); done; %s",
					   tmp, i, tmp, UW_ARRAY_SIZE(jobs), jobs[i].cmd);
		jobs[i].cmd = cmds[i];
	}
	fresh_sshdir();
	p = session(30);
	uw_error_clear(&e);
	if (uw_phone_run_all(p, jobs, UW_ARRAY_SIZE(jobs), on_done, &o, &e) != 0)
		fail_msg("run_all: %s", e.msg);
	for (size_t i = 0; i < UW_ARRAY_SIZE(jobs); i++)
		free(cmds[i]);

	assert_int_equal(o.n, UW_ARRAY_SIZE(jobs));
	assert_true(o.done_flag_set);
	for (size_t i = 0; i < o.n; i++) {
		assert_false(seen[o.idx[i]]);
		seen[o.idx[i]] = true;
	}
	for (size_t i = 0; i < UW_ARRAY_SIZE(jobs); i++) {
		assert_true(jobs[i].done);
		assert_int_equal(jobs[i].rc, 0);
		assert_int_equal(jobs[i].res.timed_out, i == 0);
	}
	assert_int_equal(jobs[0].res.exit_status, -1);
	assert_string_equal(jobs[1].res.out, "out\n");
	assert_string_equal(jobs[1].res.err, "err\n");
	assert_int_equal(jobs[1].res.exit_status, 3);
	assert_string_equal(jobs[2].res.out, "hello\nphone\nend\n");
	assert_int_equal(jobs[2].res.exit_status, 0);
	assert_true(jobs[3].res.truncated);
	assert_int_equal(strlen(jobs[3].res.out), UW_PHONE_OUTPUT_MAX);
	assert_false(jobs[1].res.truncated);
	assert_null(strchr(jobs[4].res.out, '\033'));
	assert_null(strchr(jobs[4].res.out, '\007'));
	assert_non_null(strchr(jobs[4].res.out, 'c'));
	for (size_t i = 0; i < UW_ARRAY_SIZE(jobs); i++)
		uw_phone_result_fini(&jobs[i].res);

	/* The cut job still runs on the server; the session goes on. */
	assert_int_equal(uw_phone_run(p, "echo again", NULL, &r, &e), 0);
	assert_string_equal(r.out, "again\n");
	assert_false(r.timed_out);
	uw_phone_result_fini(&r);
	uw_phone_free(p);
	kill_pidfile("sleeper.pid");
}

/*
 * The shared channel (uw_phone_run_shared, what `check` uses): the outputs of
 * eight commands running at once in one shell on the phone are sorted back to
 * their own job: commands printing at the same time, a last line with no
 * newline, lines that hold the runner's own separator characters ('|', a
 * tag-like "3 "), an empty output, stderr merged into out, each job's exit
 * status, a command with its own EXIT trap and one that execs (both cut at
 * their deadline before issue 14's third round), an output over the frame
 * size (tagged line by line) up to the cap, control characters cleaned, and
 * one job cut at its own deadline while the others keep their real results.
 * As with $(...), trailing newlines are not kept, but for .stream jobs (sent
 * as they come: byte for byte, up to the cap). Every
 * job is told once.
 */
static void test_run_shared(void **state)
{
	_auto_(free) char *sleeper = uw_strdup_printf("echo $$ >'%s/sleeper2.pid'; exec sleep 30", tmp);
	struct uw_phone_job jobs[] = {
		{ .cmd = "for i in 1 2 3 4 5; do echo a$i; sleep 0.02; done" },
		{ .cmd = "for i in 1 2 3 4 5; do echo b$i; sleep 0.02; done; printf 'no newline'; exit 7" },
		{ .cmd = "echo '0|x|1'; echo '3 not a tag'; echo out; echo err >&2" },
		{ .cmd = "true" },
		{ .cmd = sleeper, .deadline_ms = 1500 },
		{ .cmd = "printf 'a\033[31mb\007c\n'; head -c 100000 /dev/zero | tr '\\0' z | fold -w 100" },
		{ .cmd = "trap 'echo trapped; exit 3' EXIT; echo own trap", .deadline_ms = 5000 },
		{ .cmd = "exec sh -c 'echo replaced; exit 4'", .deadline_ms = 5000 },
		{ .cmd = "printf 'x|y\\n\\n'; exit 5", .stream = true },
		{ .cmd = "head -c 100000 /dev/zero | tr '\\0' y | fold -w 50", .stream = true,
		  .deadline_ms = 5000 },
	};
	struct order o = { .done_flag_set = true };
	struct uw_phone_result r;
	struct uw_phone *p;
	struct uw_error e;
	bool seen[UW_ARRAY_SIZE(jobs)] = { false };

	fresh_sshdir();
	p = session(30);
	uw_error_clear(&e);
	if (uw_phone_run_shared(p, jobs, UW_ARRAY_SIZE(jobs), on_done, &o, &e) != 0)
		fail_msg("run_shared: %s", e.msg);

	assert_int_equal(o.n, UW_ARRAY_SIZE(jobs));
	assert_true(o.done_flag_set);
	for (size_t i = 0; i < o.n; i++) {
		assert_false(seen[o.idx[i]]);
		seen[o.idx[i]] = true;
	}
	for (size_t i = 0; i < UW_ARRAY_SIZE(jobs); i++) {
		if (jobs[i].res.timed_out != (i == 4))
			print_message("job %zu: timed_out %d, exit %d, out '%.200s'\n", i,
				      jobs[i].res.timed_out, jobs[i].res.exit_status,
				      jobs[i].res.out ? jobs[i].res.out : "(null)");
		assert_true(jobs[i].done);
		assert_int_equal(jobs[i].rc, 0);
		assert_int_equal(jobs[i].res.timed_out, i == 4);
	}
	assert_string_equal(jobs[0].res.out, "a1\na2\na3\na4\na5");
	assert_int_equal(jobs[0].res.exit_status, 0);
	assert_string_equal(jobs[1].res.out, "b1\nb2\nb3\nb4\nb5\nno newline");
	assert_int_equal(jobs[1].res.exit_status, 7);
	assert_string_equal(jobs[2].res.out, "0|x|1\n3 not a tag\nout\nerr");
	assert_int_equal(jobs[2].res.exit_status, 0);
	assert_string_equal(jobs[3].res.out, "");
	assert_int_equal(jobs[3].res.exit_status, 0);
	assert_int_equal(jobs[4].res.exit_status, -1);
	assert_null(strchr(jobs[5].res.out, '\033'));
	assert_null(strchr(jobs[5].res.out, '\007'));
	assert_true(strncmp(jobs[5].res.out, "a", 1) == 0 && strchr(jobs[5].res.out, 'c'));
	assert_true(jobs[5].res.truncated);
	assert_int_equal(strlen(jobs[5].res.out), UW_PHONE_OUTPUT_MAX);
	assert_string_equal(jobs[6].res.out, "own trap\ntrapped");
	assert_int_equal(jobs[6].res.exit_status, 3);
	assert_string_equal(jobs[7].res.out, "replaced");
	assert_int_equal(jobs[7].res.exit_status, 4);
	assert_string_equal(jobs[8].res.out, "x|y\n\n");
	assert_int_equal(jobs[8].res.exit_status, 5);
	assert_true(jobs[9].res.truncated);
	assert_int_equal(strlen(jobs[9].res.out), UW_PHONE_OUTPUT_MAX);
	for (size_t i = 0; i < UW_ARRAY_SIZE(jobs); i++) {
		if (i != 2)
			assert_string_equal(jobs[i].res.err ? jobs[i].res.err : "", "");
		uw_phone_result_fini(&jobs[i].res);
	}

	/* The cut job still runs on the server; the session goes on. */
	assert_int_equal(uw_phone_run(p, "echo again", NULL, &r, &e), 0);
	assert_string_equal(r.out, "again\n");
	uw_phone_result_fini(&r);
	uw_phone_free(p);
	kill_pidfile("sleeper2.pid");
}

/*
 * The shared script starts the .first jobs before the others (the phone
 * checks' lookup: its chain of programs is the longest), each group in the
 * jobs' order; every job once.
 */
static void test_shared_script_order(void **state)
{
	struct uw_phone_job jobs[] = {
		{ .cmd = "echo job-a" },
		{ .cmd = "echo job-b", .first = true },
		{ .cmd = "echo job-c", .stream = true },
		{ .cmd = "echo job-d", .first = true },
	};
	_auto_(free) char *s = uw_phone_shared_script("uw-end-0123456789abcdef", jobs, 4);
	const char *a = strstr(s, "job-a"), *b = strstr(s, "job-b"), *c = strstr(s, "job-c"),
		   *d = strstr(s, "job-d");

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(d);
	assert_true(b < d && d < a && a < c);
	assert_null(strstr(a + 1, "job-a"));
	assert_null(strstr(b + 1, "job-b"));
	assert_null(strstr(c + 1, "job-c"));
	assert_null(strstr(d + 1, "job-d"));
	/* Each keeps its own number in its frame. */
	assert_non_null(strstr(b, "uw_j 1 "));
	assert_non_null(strstr(d, "uw_j 3 "));
	assert_non_null(strstr(c, "uw_u 2 "));
}

/* A job with no deadline of its own is cut at the session timeout. */
static void test_run_session_timeout(void **state)
{
	_auto_(free) char *cmd = uw_strdup_printf("echo $$ >'%s/sleeper.pid'; exec sleep 30", tmp);
	struct uw_phone_result r;
	struct uw_phone *p;
	struct uw_error e;

	fresh_sshdir();
	p = session(2);
	uw_error_clear(&e);
	assert_int_equal(uw_phone_run(p, cmd, NULL, &r, &e), 0);
	assert_true(r.timed_out);
	assert_int_equal(r.exit_status, -1);
	uw_phone_result_fini(&r);
	uw_phone_free(p);
	kill_pidfile("sleeper.pid");
}

/* The server side going away mid-run (its session process killed): every
 * unfinished job finishes with -ECONNRESET, run_all says so, and a later
 * run fails at once. */
static void test_run_phone_gone(void **state)
{
	_auto_(free) char *sleeper = uw_strdup_printf("echo $$ >'%s/sleeper.pid'; exec sleep 30", tmp);
	_auto_(free) char *killer = uw_strdup_printf("while [ ! -s '%s/sleeper.pid' ]; do sleep 0.05; done; "
						     "kill -9 $PPID", tmp);
	struct uw_phone_job jobs[] = {
		{ .cmd = sleeper, .deadline_ms = 25000 },
		{ .cmd = killer, .deadline_ms = 25000 },
	};
	struct order o = { .done_flag_set = true };
	struct uw_phone_result r;
	struct uw_phone *p;
	struct uw_error e;

	fresh_sshdir();
	p = session(30);
	uw_error_clear(&e);
	assert_int_equal(uw_phone_run_all(p, jobs, 2, on_done, &o, &e), -ECONNRESET);
	assert_non_null(strstr(e.msg, "stopped answering"));
	assert_int_equal(o.n, 2);
	assert_int_equal(jobs[0].rc, -ECONNRESET);
	assert_true(jobs[0].done);
	assert_false(jobs[0].res.timed_out);
	for (size_t i = 0; i < 2; i++)
		uw_phone_result_fini(&jobs[i].res);

	uw_error_clear(&e);
	assert_int_equal(uw_phone_run(p, "echo again", NULL, &r, &e), -ECONNRESET);
	assert_non_null(strstr(e.msg, "connection to the phone is gone"));
	uw_phone_result_fini(&r);
	uw_phone_free(p);
	kill_pidfile("sleeper.pid");
}

/* ---- connecting ------------------------------------------------------------ */

static long long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000LL + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * uw_phone_connect sends our banner with a non-blocking ssh_connect, starts
 * the crypto library while the server's banner is on its way, and finishes
 * with a blocking one: the session timeout must still hold for that second
 * part. A server that takes the connection but never says a word (its
 * kernel completes the handshake; no one accepts), and one that sends its
 * banner at once and then nothing: both end in the timeout's sentence,
 * after the timeout and not long after it (bounds far apart: not a
 * timing assertion, a hang or an early give-up would both fail it).
 */
static void test_connect_silent_server(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(2299) };
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct uw_phone_options o = { .host = "127.0.0.1", .port = 2299, .timeout_s = 1,
				      .ssh_dir = sshdir };
	struct uw_phone *p = NULL;
	struct timespec t0;
	struct uw_error e;
	long long ms;
	pid_t pid;

	fresh_sshdir();
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(lfd >= 0);
	assert_int_equal(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 4), 0);

	for (int banner = 0; banner < 2; banner++) {
		pid = -1;
		if (banner) {
			pid = fork();
			assert_true(pid >= 0);
			if (pid == 0) {
				int c = accept(lfd, NULL, NULL);

				if (c >= 0 && write(c, "SSH-2.0-silent\r\n", 16) == 16)
					pause();
				_exit(0);
			}
		}
		uw_error_clear(&e);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_true(uw_phone_connect(&o, &p, &e) < 0);
		ms = ms_since(&t0);
		assert_null(p);
		if (!strstr(e.msg, "did not answer on port 2299 within 1 s"))
			fail_msg("banner %d: %s", banner, e.msg);
		if (ms < 900 || ms > 8000)
			fail_msg("banner %d: gave up after %lld ms (timeout 1 s)", banner, ms);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
	}
	close(lfd);
}

/* ---- installing a key on the phone --------------------------------------- */

static void test_install_key(void **state)
{
	_auto_(free) char *line = NULL;
	_auto_(free) char *ak = uw_strdup_printf("%s/.ssh/authorized_keys", home);
	_auto_(free) char *akdir = uw_strdup_printf("%s/.ssh", home);
	_auto_(free) char *text = NULL;
	struct uw_phone *p;
	struct uw_error e;

	fresh_sshdir();
	uw_test_shf("rm -rf '%s'", akdir);
	uw_error_clear(&e);
	/* Bad keys are refused before anything is sent (no session needed). */
	assert_int_equal(uw_phone_install_key(NULL, "not a key", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "does not look like an ssh public key"));
	assert_int_equal(uw_phone_install_key(NULL, "ssh-ed25519 AAAA\nssh-ed25519 BBBB", &e), -EINVAL);
	assert_int_equal(uw_phone_install_key(NULL, "ssh-ed25519 AAAA x'y", &e), -EINVAL);

	assert_int_equal(uw_phone_user_key(sshdir, true, &line, &e), 1);
	p = session(30);
	assert_int_equal(uw_phone_install_key(p, line, &e), 0);
	assert_int_equal(mode_of(akdir), 0700);
	assert_int_equal(mode_of(ak) & 0077, 0);
	text = get(ak);
	assert_non_null(text);
	{
		_auto_(free) char *want = uw_strdup_printf("%s\n", line);

		assert_string_equal(text, want);
	}
	/* Once only. */
	assert_int_equal(uw_phone_install_key(p, line, &e), -EEXIST);
	free(text);
	text = get(ak);
	assert_int_equal(strlen(text), strlen(line) + 1);
	uw_phone_free(p);
}

/* ---- the link-local search ----------------------------------------------- */

/* A neighbour in a network namespace of its own (a child process), at the
 * other end of the veth llp1 <-> llp0; told through pipes what to do. */
struct neighbour {
	pid_t pid;
	int to, from;     /* our ends of the pipes to and from it */
};

static void neighbour_start(struct neighbour *nb)
{
	int up[2], down[2];
	char c;

	assert_int_equal(pipe2(up, O_CLOEXEC), 0);
	assert_int_equal(pipe2(down, O_CLOEXEC), 0);
	nb->pid = fork();
	assert_true(nb->pid >= 0);
	if (nb->pid == 0) {
		close(up[0]);
		close(down[1]);
		if (unshare(CLONE_NEWNET) < 0 ||
		    system("sysctl -qw net.ipv6.conf.default.accept_dad=0") != 0)
			_exit(1);
		if (write(up[1], "r", 1) != 1 || read(down[0], &c, 1) != 1 ||
		    system("ip link set llp0 up") != 0 || write(up[1], "u", 1) != 1)
			_exit(1);
		/* "q": answer no more (ignore echo requests to a multicast group). */
		while (read(down[0], &c, 1) == 1)
			if (system("sysctl -qw net.ipv6.icmp.echo_ignore_multicast=1") != 0 ||
			    write(up[1], "q", 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	nb->to = down[1];
	nb->from = up[0];
	assert_int_equal(read(nb->from, &c, 1), 1);
	/* (no duplicate address detection: the fe80:: addresses are usable at once) */
	uw_test_sh("sysctl -qw net.ipv6.conf.default.accept_dad=0");
	uw_test_shf("ip link add llp1 type veth peer name llp0 && ip link set llp0 netns %d", (int)nb->pid);
	assert_int_equal(write(nb->to, "g", 1), 1);
	assert_int_equal(read(nb->from, &c, 1), 1);
	assert_int_equal(c, 'u');
	uw_test_sh("ip link set llp1 up");
}

static void neighbour_tell(struct neighbour *nb, char what)
{
	char c;

	assert_int_equal(write(nb->to, &what, 1), 1);
	assert_int_equal(read(nb->from, &c, 1), 1);
	assert_int_equal(c, what);
}

static void neighbour_stop(struct neighbour *nb)
{
	close(nb->to);
	close(nb->from);
	kill(nb->pid, SIGKILL);
	assert_int_equal(waitpid(nb->pid, NULL, 0), nb->pid);
	(void)system("ip link del llp1 2>/dev/null");
}

/* The link-local address on @ifname as seen in process @pid's namespace
 * (it appears once both ends are up: looked for again, bounded). */
static char *ll_addr(pid_t pid, const char *ifname)
{
	char *out = NULL;

	for (int i = 0; i < 200; i++) {
		struct timespec ts = { 0, 25 * 1000000L };

		free(out);
		out = uw_test_capturef("nsenter -t %d -n ip -6 -o addr show dev %s scope link | "
				       "sed -n 's/.* inet6 \\(fe80[^/]*\\)\\/.*/\\1/p'", (int)pid, ifname);
		if (out && out[0])
			break;
		nanosleep(&ts, NULL);
	}
	assert_non_null(out);
	out[strcspn(out, "\n")] = '\0';
	assert_true(!strncmp(out, "fe80::", 6));
	return out;
}

static void test_link_local(void **state)
{
	struct neighbour nb;
	char addrs[4][64];
	struct uw_error e;
	int n;

	neighbour_start(&nb);
	{
		_auto_(free) char *theirs = ll_addr(nb.pid, "llp0");
		_auto_(free) char *ours = ll_addr(getpid(), "llp1");
		_auto_(free) char *want = uw_strdup_printf("%s%%llp1", theirs);

		/* The neighbour, once, and never our own address. */
		uw_error_clear(&e);
		n = uw_phone_find_link_local("llp1", 1500, addrs, 4, &e);
		if (n != 1)
			fail_msg("found %d phones, not 1 (%s)", n, e.msg);
		assert_string_equal(addrs[0], want);
		assert_null(strstr(addrs[0], ours));
	}

	/* Nobody answering: 0, not an error. */
	neighbour_tell(&nb, 'q');
	uw_error_clear(&e);
	assert_int_equal(uw_phone_find_link_local("llp1", 500, addrs, 4, &e), 0);

	/* No such interface: an error naming it and what to do. */
	assert_int_equal(uw_phone_find_link_local("nosuch0", 100, addrs, 4, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "There is no interface 'nosuch0'"));
	neighbour_stop(&nb);
}

/* ---- setup ---------------------------------------------------------------- */

static int setup(void **state)
{
	char p[400];
	FILE *f;
	struct uw_error e;

	if (!mkdtemp(tmp))
		return -1;
	snprintf(sshdir, sizeof(sshdir), "%s/ssh", tmp);
	snprintf(home, sizeof(home), "%s/home", tmp);
	snprintf(key1, sizeof(key1), "%s/hostkey1", tmp);
	snprintf(key2, sizeof(key2), "%s/hostkey2", tmp);
	uw_test_no_system_bus(tmp);
	unsetenv("SSH_AUTH_SOCK");
	unsetenv("USBNET_WIZARD_SSH_DIR");
	uw_error_clear(&e);
	if (uw_ssh_load(&e) < 0) {
		fprintf(stderr, "libssh: %s\n", e.msg);
		return -1;
	}
	/* The server's root: home in the temp dir, blank password, /bin/sh. */
	snprintf(p, sizeof(p), "%s/passwd", tmp);
	f = fopen(p, "we");
	if (!f)
		return -1;
	fprintf(f, "root:x:0:0:root:%s:/bin/sh\n", home);
	fclose(f);
	snprintf(p, sizeof(p), "%s/shadow", tmp);
	f = fopen(p, "we");
	if (!f)
		return -1;
	fputs("root::19000:0:99999:7:::\n", f);
	fclose(f);
	uw_test_shf("mkdir -m 700 '%s' && dropbearkey -t ed25519 -f '%s' >/dev/null 2>&1 && "
		    "dropbearkey -t ed25519 -f '%s' >/dev/null 2>&1", home, key1, key2);
	sshd_start(key1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	sshd_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssh_config_add),
		cmocka_unit_test(test_ssh_config_keeps_text_and_mode),
		cmocka_unit_test(test_ssh_config_never_duplicates),
		cmocka_unit_test(test_ssh_config_bad_words),
		cmocka_unit_test(test_ssh_config_link_refused),
		cmocka_unit_test(test_user_key),
		cmocka_unit_test(test_user_key_other_type),
		cmocka_unit_test(test_user_key_dangling_link),
		cmocka_unit_test_teardown(test_known_hosts_port_22, server_back),
		cmocka_unit_test(test_known_hosts_first_contact),
		cmocka_unit_test_teardown(test_known_hosts_changed, server_back),
		cmocka_unit_test(test_known_hosts_link_refused),
		cmocka_unit_test(test_run_all),
		cmocka_unit_test(test_run_shared),
		cmocka_unit_test(test_shared_script_order),
		cmocka_unit_test(test_run_session_timeout),
		cmocka_unit_test(test_run_phone_gone),
		cmocka_unit_test(test_connect_silent_server),
		cmocka_unit_test(test_install_key),
		cmocka_unit_test(test_link_local),
	};

	uw_test_private_netns();
	return cmocka_run_group_tests_name("phone", tests, setup, teardown);
}
