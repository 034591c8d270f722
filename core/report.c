// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/report.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/detect.h"
#include "core/doctor.h"
#include "core/facts.h"
#include "core/fw.h"
#include "core/inventory.h"
#include "core/phone.h"
#include "core/phonecheck.h"
#include "core/plan.h"
#include "core/profile.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/userfile.h"
#include "core/util.h"

/* ---- redaction ------------------------------------------------------------ */

/*
 * Secrets are found two ways, because a report reads files it does not know
 * the format of (resolv.conf, os-release, the profile, whatever a support
 * case adds):
 *
 * - where a secret lives: the value of a key named like a secret
 *   ("password", "wpa-psk", "api_token", "Secret", ...), in the usual shapes
 *   of configuration files: `key=value` anywhere on a line, `key: value`,
 *   and `key value` (wpa_supplicant, /etc/network/interfaces, ppp secrets),
 *   also behind a comment marker: a commented-out password is a password.
 *   A comment in prose ("# Authentication: see the manual") is not a key
 *   with a value: after ':' or a blank only a single word counts as a value.
 * - what a secret looks like, wherever it stands: PEM private keys, crypt(3)
 *   hashes, ssh key material (base64 starting "AAAA"), 64 hex digits (a raw
 *   WPA key) and long mixed-case base64 or JWT tokens. Fingerprints
 *   (SHA256:...) are public and kept: support needs them.
 */
static const char *const secret_words[] = {
	"password", "passwd", "passphrase", "pass", "pwd", "secret", "token", "psk", "apikey",
	"authkey", "credential", "credentials", "privkey", NULL,
};

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Is the key [k, k+n) named like a secret? Its parts are split at '-', '_' and '.',
 * and camelCase counts too ("apiKey"): "wpa-psk", "api_token", "Password" are;
 * "monkey", "keyboard", "passage" are not. "key" itself (and key0..key3, WEP)
 * only as the last part: "private-key", "PrivateKey" (WireGuard), "wep-key1"
 * are secrets, "key-mgmt=wpa-psk" is not. */
static bool secret_key(const char *k, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i + 1;

		while (j < n && k[j] != '-' && k[j] != '_' && k[j] != '.' &&
		       !(isupper((unsigned char)k[j]) && islower((unsigned char)k[j - 1])))
			j++;
		for (size_t w = 0; secret_words[w]; w++)
			if (strlen(secret_words[w]) == j - i && !strncasecmp(k + i, secret_words[w], j - i))
				return true;
		if (j == n && j - i >= 3 && !strncasecmp(k + i, "key", 3) &&
		    (j - i == 3 || (j - i == 4 && isdigit((unsigned char)k[i + 3]))))
			return true;
		i = j;
		while (i < n && (k[i] == '-' || k[i] == '_' || k[i] == '.'))
			i++;
	}
	return false;
}

/* The value after a separator is one word (or one quoted string) and nothing else. */
static bool single_value(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n && isblank((unsigned char)v[i]))
		i++;
	if (i == n)
		return false;
	if (v[i] == '"' || v[i] == '\'') {
		const char *q = memchr(v + i + 1, v[i], n - i - 1);
		if (!q)
			return false;
		i = (size_t)(q - v) + 1;
	} else {
		while (i < n && !isblank((unsigned char)v[i]))
			i++;
	}
	while (i < n && isblank((unsigned char)v[i]))
		i++;
	return i == n;
}

/*
 * Where the value of a secret is in @line: [*start, *end), or false. Finds
 * `key=value` anywhere (the rest of the line), `key: value` and `key value`
 * when the key is the line's first word (after blanks and comment markers)
 * and the value a single word, and a quoted `"key: value"` inside a longer
 * line (an error message quoting a config line): then only that value.
 */
static bool secret_value_at(const char *line, size_t len, size_t *start, size_t *end)
{
	size_t first = 0;

	while (first < len && (isblank((unsigned char)line[first]) || line[first] == '#' ||
			       line[first] == ';' || line[first] == '/'))
		first++;
	*end = len;
	for (size_t i = 0; i < len; i++) {
		size_t k;

		if (!word_char(line[i]) || (i > 0 && word_char(line[i - 1])))
			continue;
		for (k = i; k < len && word_char(line[k]); k++)
			;
		if (!secret_key(line + i, k - i)) {
			i = k;
			continue;
		}
		size_t j = k;
		while (j < len && (line[j] == ' ' || line[j] == '\t' || line[j] == '"' || line[j] == '\''))
			j++;
		if (j < len && line[j] == '=') {
			*start = j + 1;
			return true;
		}
		if (i == first && j < len && line[j] == ':' && single_value(line + j + 1, len - j - 1)) {
			*start = j + 1;
			return true;
		}
		if (i == first && j > k && j < len && line[k] != '"' && single_value(line + k, len - k)) {
			*start = k;
			return true;
		}
		if (i > 0 && (line[i - 1] == '"' || line[i - 1] == '\'') && j < len && line[j] == ':') {
			size_t v = j + 1, e;

			while (v < len && isblank((unsigned char)line[v]))
				v++;
			for (e = v; e < len && line[e] != line[i - 1]; e++)
				;
			if (e < len && e > v) {
				*start = j + 1;
				*end = e;
				return true;
			}
		}
		i = k;
	}
	return false;
}

/* A crypt(3) hash: $id$salt$hash with a long tail. */
static bool hash_at(const char *p)
{
	size_t n = 0;

	if (p[0] != '$' || !p[1])
		return false;
	const char *q = strchr(p + 1, '$');
	if (!q || q - p > 4)
		return false;
	for (q++; *q && !isspace((unsigned char)*q) && *q != ':'; q++)
		n++;
	return n >= 12;
}

/* A token that looks like key material: 64 hex digits (a raw WPA key), a JWT,
 * or 32+ characters of base64 with upper case, lower case and digits. */
static bool token_secret(const char *t, size_t n)
{
	bool up = false, lo = false, dig = false, hex = true, b64 = true;

	if (n >= 20 && !strncmp(t, "eyJ", 3) && memchr(t, '.', n))
		return true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		up |= isupper(c) != 0;
		lo |= islower(c) != 0;
		dig |= isdigit(c) != 0;
		hex &= isxdigit(c) != 0;
		b64 &= isalnum(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
	}
	return (hex && n == 64) || (b64 && n >= 32 && up && lo && dig);
}

char *uw_report_redact(const char *text)
{
	size_t len = strlen(text), cap = len + 64, o = 0;
	char *out = uw_malloc0(cap);
	const char *p = text;
	bool in_pem = false;

#define PUT(s, n) do { size_t _n = (n); if (o + _n + 1 > cap) { cap = (o + _n + 1) * 2; out = uw_realloc(out, cap); } \
		memcpy(out + o, (s), _n); o += _n; out[o] = '\0'; } while (0)
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char *line = uw_malloc0(l + 1);
		size_t vs, ve;

		memcpy(line, p, l);
		if (strstr(line, "-----BEGIN") && strstr(line, "PRIVATE KEY")) {
			in_pem = true;
			PUT("[REDACTED: private key]", 23);
		} else if (in_pem) {
			if (strstr(line, "-----END"))
				in_pem = false;
			free(line);
			p += l + (nl ? 1 : 0);
			continue;
		} else if (secret_value_at(line, l, &vs, &ve)) {
			/* keep the key, drop the value */
			PUT(line, vs);
			PUT(" [REDACTED]", 11);
			PUT(line + ve, l - ve);
		} else {
			for (size_t i = 0; i < l; i++) {
				size_t e = i;

				if (i == 0 || isspace((unsigned char)line[i - 1]) || line[i - 1] == '=' ||
				    line[i - 1] == ':' || line[i - 1] == '"') {
					while (e < l && !isspace((unsigned char)line[e]) && line[e] != '"')
						e++;
				}
				if (hash_at(line + i)) {
					PUT("[REDACTED: password hash]", 25);
					while (i < l && !isspace((unsigned char)line[i]) && line[i] != ':')
						i++;
					i--;
				} else if (!strncmp(line + i, "AAAA", 4) && i >= 1 && line[i - 1] == ' ') {
					/* base64 key material of an ssh public or private key */
					PUT("[REDACTED: key]", 15);
					while (i < l && !isspace((unsigned char)line[i]))
						i++;
					i--;
				} else if (e > i && !(i >= 7 && !strncmp(line + i - 7, "SHA256:", 7)) &&
					   token_secret(line + i, e - i)) {
					PUT("[REDACTED: token]", 17);
					i = e - 1;
				} else {
					PUT(line + i, 1);
				}
			}
		}
		if (nl)
			PUT("\n", 1);
		free(line);
		p += l + (nl ? 1 : 0);
	}
#undef PUT
	return out;
}

/* ---- sections ------------------------------------------------------------- */

static void section(struct uw_report *r, const char *title, struct uw_strbuf *b)
{
	r->s = uw_realloc(r->s, (r->n + 1) * sizeof(*r->s));
	r->s[r->n].title = uw_strdup(title);
	/*
	 * Last line of defence: whatever a section quoted (files, interface
	 * names, the phone's answers), the body is inert, valid UTF-8. Text
	 * whose newlines are not to be trusted (file names) is cleaned to one
	 * line where it is put in.
	 */
	_auto_(free) char *body = uw_strbuf_steal(b);

	uw_sanitize(body, UW_SAN_NEWLINE | UW_SAN_TAB);
	r->s[r->n].body = uw_report_redact(body);
	r->n++;
}

static void include_file(struct uw_strbuf *b, const char *path, size_t max)
{
	/* Never blocks: a FIFO (or device) in place of a file is named, not read. */
	int fd = uw_open_regular(path, "", NULL);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	char line[512];
	size_t n = 0;

	if (!f) {
		uw_strbuf_printf(b, "  (%s: %s)\n", path, fd == -EINVAL ? "not a regular file, not read" :
			  strerror(fd < 0 ? -fd : errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	uw_strbuf_printf(b, "  --- %s\n", path);
	while (fgets(line, sizeof(line), f) && n++ < max) {
		line[strcspn(line, "\n")] = '\0';
		uw_sanitize(line, UW_SAN_TAB);
		uw_strbuf_printf(b, "  %s\n", line);
	}
	if (n > max)
		uw_strbuf_printf(b, "  (cut after %zu lines)\n", max);
	fclose(f);
}

/* What the sections share: the options and what earlier sections found. */
struct report_run {
	const struct uw_report_opts *o;
	char iface[UW_IFNAME_MAX];      /* the likeliest phone interface (Detected interfaces) */
	char phone_ip[UW_IP4_STRLEN];   /* the default choices' phone address (Plan) */
};

static void sec_system(struct report_run *run, struct uw_strbuf *b)
{
	const struct uw_report_opts *o = run->o;
	struct utsname u;
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S UTC", &tm);
	uw_strbuf_printf(b, "usbnet-wizard %s, report made %s\n", o->version ? o->version : "?", ts);
	if (uname(&u) == 0)
		uw_strbuf_printf(b, "kernel: %s %s %s (%s)\n", u.sysname, u.release, u.machine, u.version);
	uw_strbuf_printf(b, "distribution (/etc/os-release):\n");
	include_file(b, "/etc/os-release", 40);
}

/* Also finds the interface the later sections look at. */
static void sec_detect(struct report_run *run, struct uw_strbuf *b)
{
	struct uw_candidate *c = NULL;
	size_t n = 0;
	struct uw_error e;
	char a[UW_IP4_STRLEN];

	uw_error_clear(&e);
	if (uw_detect_scan(&c, &n, &e) < 0)
		uw_strbuf_printf(b, "detection failed: %s\n", e.msg);
	else if (!n)
		uw_strbuf_printf(b, "no candidate interface (the phone is not plugged in, or not booted)\n");
	for (size_t i = 0; i < n; i++) {
		uw_strbuf_printf(b, "%s: score %d%s, driver %s, %s, carrier %s, MAC %s\n", c[i].ifname, c[i].score,
			  c[i].likely ? " (likely the phone)" : "", c[i].driver[0] ? c[i].driver : "?",
			  c[i].admin_up ? "up" : "down", c[i].carrier ? "yes" : "no", c[i].mac);
		if (c[i].has_usb_id)
			uw_strbuf_printf(b, "  USB %04x:%04x %s\n", c[i].usb_vendor, c[i].usb_product, c[i].usb_name);
		for (size_t k = 0; k < c[i].n_addrs; k++)
			uw_strbuf_printf(b, "  address %s/%u\n", uw_ip4_str(c[i].addrs[k], a), c[i].plens[k]);
		uw_strbuf_printf(b, "  manager: %s\n", c[i].manager_note);
		for (size_t k = 0; k < c[i].n_reasons; k++)
			uw_strbuf_printf(b, "  - %s\n", c[i].reasons[k]);
	}
	if (n)
		uw_strlcpy(run->iface, c[0].ifname, sizeof(run->iface));
	uw_candidates_free(c);
}

static void sec_inventory(struct report_run *run, struct uw_strbuf *b)
{
	struct uw_inventory inv;
	struct uw_fw_inventory *fw = uw_malloc0(sizeof(*fw));
	struct uw_error e;
	char a[UW_IP4_STRLEN], g[UW_IP4_STRLEN];

	memset(&inv, 0, sizeof(inv));
	uw_error_clear(&e);
	if (uw_inventory_read(&inv, &e) < 0) {
		uw_strbuf_printf(b, "inventory failed: %s\n", e.msg);
	} else {
		uw_strbuf_printf(b, "addresses:\n");
		for (size_t i = 0; i < inv.n_addrs; i++)
			uw_strbuf_printf(b, "  %s %s/%u\n", inv.addrs[i].ifname, uw_ip4_str(inv.addrs[i].addr, a),
				  inv.addrs[i].plen);
		uw_strbuf_printf(b, "routes (main table):\n");
		for (size_t i = 0; i < inv.n_routes; i++) {
			const struct uw_inv_route *rt = &inv.routes[i];
			uw_strbuf_printf(b, "  %s/%u%s%s dev %s metric %u\n", uw_ip4_str(rt->dst, a), rt->plen,
				  rt->has_gateway ? " via " : "", rt->has_gateway ? uw_ip4_str(rt->gateway, g) : "",
				  rt->dev, rt->metric);
		}
		uw_strbuf_printf(b, "default route: %s\n", inv.has_default ? inv.default_ifname : "none");
		uw_strbuf_printf(b, "ip_forward: %d; rp_filter all=%d default=%d\n", inv.ip_forward, inv.rp_filter_all,
			  inv.rp_filter_default);
		uw_strbuf_printf(b, "NetworkManager running: %s\n", inv.nm_running ? "yes" : "no");
		uw_strbuf_printf(b, "DNS: %s%s\n", inv.dns_stub ? "loopback stub. " : "", inv.dns_note);
		include_file(b, inv.resolv_path, 40);
		if (inv.dns_stub && inv.upstream_path[0])
			include_file(b, inv.upstream_path, 40);
	}
	uw_inventory_fini(&inv);
	uw_error_clear(&e);
	if (uw_fw_inventory_read(fw, &e) < 0) {
		uw_strbuf_printf(b, "firewall: cannot be read: %s\n", e.msg);
	} else {
		uw_strbuf_printf(b, "firewall in use: %s\n", uw_fw_backend_name(fw->in_use));
		uw_strbuf_printf(b, "  legacy iptables: %s, %u rule(s) (%u ours), FORWARD policy %s\n",
			  fw->legacy_readable ? "readable" : "not readable", fw->legacy_rules, fw->legacy_ours,
			  fw->legacy_forward_policy[0] ? fw->legacy_forward_policy : "-");
		uw_strbuf_printf(b, "  nftables: %s, %u other table(s), %u rule(s) in them, our table %s\n",
			  fw->nft_available ? "available" : "not available", fw->nft_tables, fw->nft_rules_foreign,
			  fw->nft_has_ours ? "present" : "absent");
		for (unsigned i = 0; i < fw->n_drops; i++)
			uw_strbuf_printf(b, "  drops forwarded traffic: %s \"%s\"%s%s\n", uw_fw_backend_name(fw->drops[i].backend),
				  fw->drops[i].chain, fw->drops[i].policy_drop ? " (policy drop)" : "",
				  fw->drops[i].has_drop_rule ? " (drop rules)" : "");
		uw_strbuf_printf(b, "  docker DOCKER-USER: %s; firewalld: %s; other masquerades: %u\n",
			  fw->docker_user ? "yes" : "no", fw->firewalld_running ? "running" : "no",
			  fw->foreign_masquerade);
		for (unsigned i = 0; i < fw->n_notes; i++)
			uw_strbuf_printf(b, "  * %s\n", fw->notes[i]);
	}
	free(fw);
}

/* Also sets the phone's address the phone check tries. */
static void sec_plan(struct report_run *run, struct uw_strbuf *b)
{
	const char *iface = run->iface;
	struct uw_facts *fa = uw_malloc0(sizeof(*fa));
	struct uw_plan *p = uw_malloc0(sizeof(*p));
	struct uw_choices c;
	struct uw_error e;

	uw_error_clear(&e);
	uw_choices_init(&c);
	uw_ip4_str(c.phone_ip, run->phone_ip);
	if (!iface[0]) {
		uw_strbuf_printf(b, "no phone interface: no plan\n");
	} else if (uw_choices_set_iface(&c, iface, &e) < 0 || uw_facts_read(fa, &e) < 0 ||
		   uw_plan_build(&c, fa, p, &e) < 0) {
		uw_strbuf_printf(b, "no plan for %s with the default choices: %s\n", iface, e.msg);
	} else {
		uw_strbuf_printf(b, "default choices (preset %s) on %s:\n", p->choices.preset->id, iface);
		uw_text_plan_summary(p, b);
	}
	free(fa);
	free(p);
}

static void sec_journal(struct report_run *run, struct uw_strbuf *b)
{
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	struct uw_error e;
	char d[512];

	uw_error_clear(&e);
	if (uw_journal_read(j, &e) < 0)
		uw_strbuf_printf(b, "journal unreadable: %s\n", e.msg);
	else if (!j->exists)
		uw_strbuf_printf(b, "no journal in %s: nothing applied by usbnet-wizard is live\n", uw_rundir());
	else {
		char when[40] = "?";
		time_t t = (time_t)j->started;
		struct tm tm;

		if (t > 0 && gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		uw_strbuf_printf(b, "journal in %s: %zu live step(s), written by pid %ld, started %s%s\n", uw_rundir(),
			  j->n_live, j->pid, when, j->other_netns ? " (another network namespace)" : "");
		for (size_t i = 0; i < j->n_live; i++) {
			uw_action_describe(&j->live[i], d, sizeof(d));
			uw_strbuf_printf(b, "  %s%s\n", d, j->complete[i] ? "" : " (begun, not finished)");
		}
		if (j->damaged)
			uw_strbuf_printf(b, "  %u damaged line(s) skipped (the first is line %d): torn by a crash?\n",
				  j->damaged, j->damaged_line);
	}
	free(j);
}

static void sec_doctor(struct report_run *run, struct uw_strbuf *b)
{
	struct uw_doctor *d = uw_malloc0(sizeof(*d));
	struct uw_error e;

	uw_error_clear(&e);
	if (uw_doctor_run(NULL, d, &e) < 0)
		uw_strbuf_printf(b, "doctor failed: %s\n", e.msg);
	else
		uw_text_doctor_findings(d, b);
	free(d);
}

static void sec_profile(struct report_run *run, struct uw_strbuf *b)
{
	struct uw_profile p;
	struct uw_error e;

	uw_error_clear(&e);
	if (uw_profile_load(NULL, &p, &e) < 0)
		uw_strbuf_printf(b, "%s\n", e.msg);
	else
		uw_strbuf_printf(b, "loads cleanly\n");
	include_file(b, uw_profile_path(), 60);
}

/* Names only: the content of an ssh directory is nobody else's business. */
static void sec_ssh(struct report_run *run, struct uw_strbuf *b)
{
	_auto_(free) char *dir = uw_phone_ssh_dir();
	_auto_(free) char *shown = uw_sanitize_dup(dir, 0);
	struct uw_userdir d = { .fd = -1 };
	struct uw_error e;
	DIR *dh = NULL;
	struct dirent *de;

	/* Listed the way it is written: no link followed, as its owner (docs/security.md). */
	uw_error_clear(&e);
	if (uw_userdir_open(dir, UW_USERDIR_STRICT, &d, &e) == 0)
		dh = uw_userdir_opendir(&d, &e);
	uw_userdir_close(&d);
	if (!dh) {
		_auto_(free) char *why = uw_sanitize_dup(e.msg, 0);

		uw_strbuf_printf(b, "%s\n", why);
	} else {
		uw_strbuf_printf(b, "%s holds (names only, never content):\n", shown);
		while ((de = readdir(dh))) {
			if (de->d_name[0] == '.')
				continue;
			/* Anyone who can write there names the files: one inert line each. */
			_auto_(free) char *name = uw_sanitize_dup(de->d_name, 0);
			uw_strbuf_printf(b, "  %s%s\n", name, strstr(de->d_name, ".pub") ? " (public key)" :
				  !strncmp(de->d_name, "id_", 3) ? " (a private key, never included)" : "");
		}
		closedir(dh);
	}
}

static void sec_phone(struct report_run *run, struct uw_strbuf *b)
{
	const struct uw_report_opts *o = run->o;
	const char *iface = run->iface;
	struct uw_phone_options po = { 0 };
	struct uw_phone *ph = NULL;
	struct uw_check checks[UW_CHECK__COUNT];
	struct uw_phonecheck_params pp = { 0 };
	struct uw_error e;

	uw_error_clear(&e);
	po.host = o->phone_ip ? o->phone_ip : run->phone_ip;
	po.timeout_s = o->timeout_s ? o->timeout_s : 5;
	/* No password callback: the report never asks for, holds or sends a password. */
	uw_strbuf_printf(b, "phone %s (blank-password login and keys only)\n", po.host);
	if (uw_phone_connect(&po, &ph, &e) < 0) {
		uw_strbuf_printf(b, "could not log in: %s\n", e.msg);
		return;
	}
	pp.desktop_ip = "192.168.0.200";
	/* The same targets `check` uses, $USBNET_WIZARD_OUTSIDE_IP and _TEST_NAME included. */
	uw_phonecheck_default_targets(&pp.outside_ip, &pp.test_name);
	if (o->ping_ip)
		pp.outside_ip = o->ping_ip;
	if (o->test_name)
		pp.test_name = o->test_name;
	pp.iface = iface[0] ? iface : "usb0";
	{
		struct uw_choices c;
		static char hs[UW_IP4_STRLEN];
		uw_choices_init(&c);
		pp.desktop_ip = uw_ip4_str(c.host_ip, hs);
	}
	uw_phonecheck_run(ph, &pp, checks, &e);
	uw_text_checks(checks, UW_CHECK__COUNT, b);
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		uw_check_fini(&checks[i]);
	uw_phone_free(ph);
}

/* The sections, in order; each writes its body into @b. */
static const struct {
	const char *title;
	void (*write)(struct report_run *run, struct uw_strbuf *b);
	bool phone;                 /* only when the phone check is asked for */
} sections[] = {
	{ "System", sec_system, false },
	{ "Detected interfaces", sec_detect, false },
	{ "Host inventory", sec_inventory, false },
	{ "Plan for the default choices", sec_plan, false },
	{ "Journal", sec_journal, false },
	{ "Doctor", sec_doctor, false },
	{ "Saved profile", sec_profile, false },
	{ "ssh directory", sec_ssh, false },
	{ "Phone check", sec_phone, true },
};

int uw_report_build(const struct uw_report_opts *o, struct uw_report *r, struct uw_error *err)
{
	struct report_run run = { .o = o };

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < UW_ARRAY_SIZE(sections); i++) {
		_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

		if (sections[i].phone && !o->phone)
			continue;
		sections[i].write(&run, &b);
		section(r, sections[i].title, &b);
	}
	return 0;
}

char *uw_report_text(const struct uw_report *r)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	uw_strbuf_append(&b, "usbnet-wizard support report (secrets redacted; please read before sending)\n");
	for (size_t i = 0; i < r->n; i++)
		uw_strbuf_printf(&b, "\n===== %s =====\n%s", r->s[i].title, r->s[i].body);
	return uw_strbuf_steal(&b);
}

void uw_report_fini(struct uw_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->s[i].title);
		free(r->s[i].body);
	}
	free(r->s);
	memset(r, 0, sizeof(*r));
}
