// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone's host key: checked against the user's known_hosts, asked about
 * when new or changed (uw_phone_options.hostkey_cb), and remembered by
 * rewriting known_hosts link-free as its owner (core/userfile.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/phone-private.h"
#include "core/sanitize.h"
#include "core/userfile.h"
#include "core/util.h"

char *uw_phone_known_hosts_name(const char *host, unsigned port)
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
	rc = uw_phone_open_ssh_dir(dir, true, &p->sshdir, err);
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

int uw_phone_verify_host_key(struct uw_phone *p, const struct uw_phone_options *o, const char *dir,
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
