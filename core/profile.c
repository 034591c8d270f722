// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/env.h"
#include "core/profile.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/strbuf.h"
#include "core/userfile.h"
#include "core/util.h"

#define DEFAULT_PATH "/etc/usbnet-wizard/profile"
#define MAX_FILE (64 * 1024)
#define MAX_LINE 256

const char *uw_profile_path(void)
{
	const char *e = uw_env_get(UW_ENV_PROFILE);
	return e && *e ? e : DEFAULT_PATH;
}

void uw_profile_init(struct uw_profile *p)
{
	memset(p, 0, sizeof(*p));
	uw_choices_init(&p->choices);
}

static bool all_of(const char *s, const char *allowed, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	return strspn(s, allowed) == n;
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

int uw_profile_set_match_usb(struct uw_profile *p, const char *s, struct uw_error *err)
{
	unsigned v, d;
	int n = 0;

	if (!s || strlen(s) != 9 || s[4] != ':' || !all_of(s, "0123456789abcdefABCDEF:", 9) ||
	    sscanf(s, "%4x:%4x%n", &v, &d, &n) != 2 || n != 9)
		return uw_error_set(err, -EINVAL, "USB id \"%.40s\" is not VENDOR:PRODUCT in hex, like "
				    "1457:5122 (see 'lsusb').", s ? s : "");
	p->match_usb = true;
	p->usb_vendor = v;
	p->usb_product = d;
	return 0;
}

int uw_profile_set_match_driver(struct uw_profile *p, const char *s, struct uw_error *err)
{
	if (!s || !all_of(s, ALNUM "_-", sizeof(p->match_driver) - 1))
		return uw_error_set(err, -EINVAL, "Driver name \"%.40s\" is not a kernel driver name "
				    "(letters, digits, '_' and '-', like cdc_ether).", s ? s : "");
	uw_strlcpy(p->match_driver, s, sizeof(p->match_driver));
	return 0;
}

int uw_profile_set_match_name(struct uw_profile *p, const char *s, struct uw_error *err)
{
	if (!s || !all_of(s, ALNUM "_.-*?[]@:", sizeof(p->match_name) - 1))
		return uw_error_set(err, -EINVAL, "Interface name pattern \"%.40s\" is not valid: use letters, "
				    "digits, '_', '.', '-' and the wildcards * ? [], like usb* or enx*.", s ? s : "");
	uw_strlcpy(p->match_name, s, sizeof(p->match_name));
	return 0;
}

/* ---- text form ----------------------------------------------------------- */

char *uw_profile_format(const struct uw_profile *p)
{
	const struct uw_choices *c = &p->choices;
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	char a[UW_IP4_STRLEN];

	uw_strbuf_printf(&b, "# usbnet-wizard profile: what 'usbnet-wizard watch' applies when the gadget\n"
	    "# below is plugged in. Written by 'usbnet-wizard profile save'; one key=value a line.\n");
	uw_strbuf_printf(&b, "preset=%s\n", c->preset ? c->preset->id : uw_presets[0]->id);
	if (c->iface[0])
		uw_strbuf_printf(&b, "iface=%s\n", c->iface);
	uw_strbuf_printf(&b, "host-ip=%s\n", uw_ip4_str(c->host_ip, a));
	uw_strbuf_printf(&b, "phone-ip=%s\n", uw_ip4_str(c->phone_ip, a));
	if (c->plen_set)
		uw_strbuf_printf(&b, "netmask=%u\n", c->plen);
	uw_strbuf_printf(&b, "nat=%s\n", c->nat ? "yes" : "no");
	if (c->out_iface[0])
		uw_strbuf_printf(&b, "out-iface=%s\n", c->out_iface);
	uw_strbuf_printf(&b, "dns=%s\n", uw_dns_mode_name(c->dns));
	for (unsigned i = 0; i < c->n_dns_servers; i++)
		uw_strbuf_printf(&b, "dns-server=%s\n", uw_ip4_str(c->dns_servers[i], a));
	uw_strbuf_printf(&b, "fw=%s\n", c->fw == UW_FW_AUTO ? "auto" : uw_fw_backend_name(c->fw));
	if (p->match_usb)
		uw_strbuf_printf(&b, "match-usb=%04x:%04x\n", p->usb_vendor, p->usb_product);
	if (p->match_driver[0])
		uw_strbuf_printf(&b, "match-driver=%s\n", p->match_driver);
	if (p->match_name[0])
		uw_strbuf_printf(&b, "match-name=%s\n", p->match_name);
	return uw_strbuf_steal(&b);
}

static const char *const keys[] = {
	"preset", "iface", "host-ip", "phone-ip", "netmask", "nat", "out-iface", "dns", "dns-server",
	"fw", "match-usb", "match-driver", "match-name", NULL,
};

struct kv {
	int line;
	char key[16];
	char val[MAX_LINE];
};

static int set_one(struct uw_profile *p, const struct kv *kv, struct uw_error *err)
{
	struct uw_choices *c = &p->choices;
	const char *k = kv->key, *v = kv->val;

	if (!strcmp(k, "iface"))
		return uw_choices_set_iface(c, v, err);
	if (!strcmp(k, "host-ip"))
		return uw_choices_set_host_ip(c, v, err);
	if (!strcmp(k, "phone-ip"))
		return uw_choices_set_phone_ip(c, v, err);
	if (!strcmp(k, "netmask"))
		return uw_choices_set_netmask(c, v, err);
	if (!strcmp(k, "out-iface"))
		return uw_choices_set_out_iface(c, v, err);
	if (!strcmp(k, "dns"))
		return uw_choices_set_dns_mode(c, v, err);
	if (!strcmp(k, "dns-server"))
		return uw_choices_add_dns_server(c, v, err);
	if (!strcmp(k, "fw"))
		return uw_choices_set_fw(c, v, err);
	if (!strcmp(k, "match-usb"))
		return uw_profile_set_match_usb(p, v, err);
	if (!strcmp(k, "match-driver"))
		return uw_profile_set_match_driver(p, v, err);
	if (!strcmp(k, "match-name"))
		return uw_profile_set_match_name(p, v, err);
	if (!strcmp(k, "nat")) {
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			c->nat = true;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			c->nat = false;
		else
			return uw_error_set(err, -EINVAL, "nat must be yes or no, not \"%.40s\".", v);
		return 0;
	}
	return uw_error_set(err, -EINVAL, "internal: key %s", k);
}

int uw_profile_parse(const char *text, const char *where, struct uw_profile *p, struct uw_error *err)
{
	size_t tlen = strlen(text), cap = 16, n = 0;
	struct kv *kvs;
	struct uw_profile *np;
	const char *s = text;
	int line = 0, r = 0, preset_idx = -1;

	if (tlen > MAX_FILE)
		return uw_error_set(err, -EFBIG, "%s is larger than %d bytes: it is not a usbnet-wizard profile.",
				    where, MAX_FILE);
	kvs = uw_malloc0(cap * sizeof(*kvs));
	np = uw_malloc0(sizeof(*np));
	uw_profile_init(np);
	while (*s) {
		const char *nl = strchr(s, '\n'), *eq;
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		char buf[MAX_LINE + 2];
		char *b;

		line++;
		if (l > MAX_LINE) {
			r = uw_error_set(err, -EINVAL, "%s line %d: the line is too long (over %d bytes).", where,
					 line, MAX_LINE);
			goto out;
		}
		memcpy(buf, s, l);
		buf[l] = '\0';
		s += l + (nl ? 1 : 0);
		if (l && buf[l - 1] == '\r')
			buf[--l] = '\0';
		b = buf;
		while (*b == ' ' || *b == '\t')
			b++;
		if (!*b || *b == '#')
			continue;
		for (char *q = b; *q; q++) {
			if ((unsigned char)*q < 0x20 && *q != '\t') {
				r = uw_error_set(err, -EINVAL, "%s line %d: control characters are not allowed.",
						 where, line);
				goto out;
			}
		}
		eq = strchr(b, '=');
		if (!eq) {
			r = uw_error_set(err, -EINVAL, "%s line %d: \"%.60s\" is not key=value. Fix or delete the "
					 "line, or save the profile again with 'usbnet-wizard profile save'.",
					 where, line, b);
			goto out;
		}
		if (n == cap) {
			cap *= 2;
			kvs = uw_realloc(kvs, cap * sizeof(*kvs));
		}
		/* No spaces around '=' or at the end: a value with stray blanks is damage, not intent. */
		size_t kl = (size_t)(eq - b);
		if (kl == 0 || kl >= sizeof(kvs[n].key) || strpbrk(eq + 1, " \t") || memchr(b, ' ', kl) ||
		    memchr(b, '\t', kl)) {
			r = uw_error_set(err, -EINVAL, "%s line %d: \"%.60s\" is not key=value (no blanks "
					 "allowed).", where, line, b);
			goto out;
		}
		memcpy(kvs[n].key, b, kl);
		kvs[n].key[kl] = '\0';
		uw_strlcpy(kvs[n].val, eq + 1, sizeof(kvs[n].val));
		kvs[n].line = line;
		bool known = false;
		for (size_t i = 0; keys[i]; i++)
			known = known || !strcmp(keys[i], kvs[n].key);
		if (!known) {
			r = uw_error_set(err, -EINVAL, "%s line %d: unknown key \"%s\" (known: preset, iface, "
					 "host-ip, phone-ip, netmask, nat, out-iface, dns, dns-server, fw, "
					 "match-usb, match-driver, match-name).", where, line, kvs[n].key);
			goto out;
		}
		if (!kvs[n].val[0]) {
			r = uw_error_set(err, -EINVAL, "%s line %d: %s has no value (delete the line to use the "
					 "default).", where, line, kvs[n].key);
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(kvs[i].key, kvs[n].key) && strcmp(kvs[n].key, "dns-server")) {
				r = uw_error_set(err, -EINVAL, "%s line %d: %s is given twice (first on line %d).",
						 where, line, kvs[n].key, kvs[i].line);
				goto out;
			}
		}
		if (!strcmp(kvs[n].key, "preset"))
			preset_idx = (int)n;
		n++;
	}
	/* The preset first, wherever it is: the other keys refine it (as on the command line). */
	if (preset_idx >= 0) {
		r = uw_choices_set_preset(&np->choices, kvs[preset_idx].val, err);
		if (r < 0) {
			uw_error_prefix(err, "%s line %d", where, kvs[preset_idx].line);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if ((int)i == preset_idx)
			continue;
		r = set_one(np, &kvs[i], err);
		if (r < 0) {
			uw_error_prefix(err, "%s line %d", where, kvs[i].line);
			goto out;
		}
	}
	if (np->choices.n_dns_servers && np->choices.dns != UW_DNS_STATIC) {
		r = uw_error_set(err, -EINVAL, "%s: dns-server is only used with dns=static (the mode is %s).",
				 where, uw_dns_mode_name(np->choices.dns));
		goto out;
	}
	*p = *np;
	r = 0;
out:
	free(kvs);
	free(np);
	return r;
}

int uw_profile_load(const char *path, struct uw_profile *p, struct uw_error *err)
{
	_auto_(free) char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!path)
		path = uw_profile_path();
	/* A FIFO or device here would block for ever: refused without opening for real. */
	fd = uw_open_regular(path, "The profile", err);
	if (fd < 0) {
		if (fd == -ENOENT)
			return uw_error_set(err, -ENOENT, "There is no saved profile at %s: make one with "
					    "'usbnet-wizard profile save [options]'.", path);
		return fd;
	}
	n = uw_file_read_fd(fd, MAX_FILE, &buf, NULL, path, err);
	close(fd);
	if (n == -EFBIG)
		return uw_error_set(err, -EFBIG, "%s is larger than %d bytes: it is not a usbnet-wizard profile.",
				    path, MAX_FILE);
	if (n < 0)
		return uw_error_set(err, (int)n, "Cannot read the profile %s: %s.", path, strerror((int)-n));
	len = (size_t)n;
	if (memchr(buf, '\0', len))
		return uw_error_set(err, -EINVAL, "%s holds NUL bytes: it is not a usbnet-wizard profile.", path);
	return uw_profile_parse(buf, path, p, err);
}

static int mkdir_parent(const char *path, struct uw_error *err)
{
	_auto_(free) char *dir = uw_strdup(path);
	char *slash = strrchr(dir, '/');

	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		int e = errno;
		return uw_error_set(err, -e, "Cannot create the directory %s: %s.", dir, strerror(e));
	}
	return 0;
}

int uw_profile_save(const char *path, const struct uw_profile *p, struct uw_error *err)
{
	_auto_(free) char *text = NULL;
	struct uw_error e;
	int r;

	if (!path)
		path = uw_profile_path();
	r = mkdir_parent(path, err);
	if (r < 0)
		return r;
	text = uw_profile_format(p);
	/* The one atomic writer: a crash leaves the old profile or the new one. */
	uw_error_clear(&e);
	r = uw_file_replace(path, text, strlen(text), 0644, &e);
	if (r < 0)
		return uw_error_set(err, r, "Cannot save the profile to %s: %s%s The old profile (if any) "
				    "is unchanged.", path, strerror(-r), r == -EACCES || r == -EPERM ?
				    " (saving the profile needs root)." : ".");
	return 0;
}

bool uw_profile_match(const struct uw_profile *p, const struct uw_candidate *c)
{
	bool any = false;

	if (p->match_usb) {
		any = true;
		if (!c->has_usb_id || c->usb_vendor != p->usb_vendor || c->usb_product != p->usb_product)
			return false;
	}
	if (p->match_driver[0]) {
		any = true;
		if (strcmp(c->driver, p->match_driver))
			return false;
	}
	if (p->match_name[0]) {
		any = true;
		if (fnmatch(p->match_name, c->ifname, 0) != 0)
			return false;
	}
	return any || c->likely;
}

void uw_profile_describe_match(const struct uw_profile *p, char *buf, size_t len)
{
	size_t l = 0;

	buf[0] = '\0';
	if (p->match_usb)
		l += (size_t)snprintf(buf + l, len - l, "USB %04x:%04x", p->usb_vendor, p->usb_product);
	if (p->match_driver[0] && l < len)
		l += (size_t)snprintf(buf + l, len - l, "%sdriver %s", l ? ", " : "", p->match_driver);
	if (p->match_name[0] && l < len)
		l += (size_t)snprintf(buf + l, len - l, "%sname %s", l ? ", " : "", p->match_name);
	if (!l)
		snprintf(buf, len, "any interface that looks like a USB gadget");
}
