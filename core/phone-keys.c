// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user's ssh keys: loaded link-free from the ssh directory (with a
 * passphrase asked when one is encrypted), made when there is none
 * (uw_phone_user_key), and installed on the phone (uw_phone_install_key).
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

const char *const uw_phone_key_names[UW_PHONE_N_KEYS] = { "id_ed25519", "id_ecdsa", "id_rsa" };

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
ssh_key uw_phone_load_private_key(struct uw_userdir *d, const char *name, struct uw_phone *p)
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
	rc = uw_phone_open_ssh_dir(ssh_dir, false, &d, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; d.fd >= 0 && i < UW_ARRAY_SIZE(uw_phone_key_names); i++) {
		_auto_(free) char *pn = uw_strdup_printf("%s.pub", uw_phone_key_names[i]);
		_auto_(ssh_key) ssh_key k = NULL;
		char *l = read_first_line(&d, pn);

		if (l && *l) {
			*out = l;
			uw_userdir_close(&d);
			return 0;
		}
		free(l);
		/* A private key without its .pub: derive the public half. */
		k = uw_phone_load_private_key(&d, uw_phone_key_names[i], NULL);
		if (k) {
			*out = pubkey_line(k, uw_phone_key_names[i]);
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
	rc = uw_phone_open_ssh_dir(ssh_dir, true, &d, err);
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
