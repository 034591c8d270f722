// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libssh, loaded when a command first needs it.
 *
 * libssh brings libcrypto, GSSAPI and Kerberos with it: about two thirds of
 * the dynamic loader's work at start-up (relocating ~20 libraries), paid by
 * every command although only `check`, the wizard's phone step and the key
 * and known_hosts helpers use ssh. So the binary is not linked against
 * libssh: this file defines each libssh function core/phone.c calls, with
 * libssh's own prototype (the header is included, so a wrong signature does
 * not compile), and forwards it to the real one, found with dlopen/dlsym on
 * the first call. `apply`, `revert`, `status` and `watch` never load it.
 *
 * A libssh function new to core/phone.c needs its FWD line below: until it
 * has one, the link fails with "undefined reference to `ssh_...'".
 *
 * Every entry point of core/phone.c that leads to libssh calls uw_ssh_load
 * first and returns its error (libssh missing: what to install); all later
 * calls work on sessions and keys made after a successful load.
 */
#include <stdlib.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "core/dynlib.h"
#include "core/phone.h"

#ifndef UW_LIBSSH_SONAME
#define UW_LIBSSH_SONAME "libssh.so.4"
#endif

static struct uw_dynlib libssh = UW_DYNLIB(UW_LIBSSH_SONAME, "The ssh library", "", "libssh-4");

int uw_ssh_load(struct uw_error *err)
{
	return uw_dynlib_load(&libssh, err);
}

bool uw_ssh_loaded(void)
{
	return uw_dynlib_loaded(&libssh);
}

/* Forward @name, whose prototype libssh.h declares, to libssh's own. */
#define FWD(ret, name, params, args) UW_DYNLIB_FWD(&libssh, ret, name, params, args)
#define VFWD(name, params, args) UW_DYNLIB_VFWD(&libssh, name, params, args)

FWD(ssh_session, ssh_new, (void), ())
VFWD(ssh_free, (ssh_session s), (s))
FWD(int, ssh_options_set, (ssh_session s, enum ssh_options_e t, const void *v), (s, t, v))
FWD(const char *, ssh_get_error, (void *e), (e))
FWD(int, ssh_is_connected, (ssh_session s), (s))
FWD(int, ssh_connect, (ssh_session s), (s))
VFWD(ssh_disconnect, (ssh_session s), (s))
VFWD(ssh_string_free_char, (char *s), (s))
VFWD(ssh_knownhosts_entry_free, (struct ssh_knownhosts_entry *e), (e))
FWD(int, ssh_known_hosts_parse_line,
    (const char *h, const char *l, struct ssh_knownhosts_entry **e), (h, l, e))
FWD(const char *, ssh_key_type_to_char, (enum ssh_keytypes_e t), (t))
FWD(enum ssh_keytypes_e, ssh_key_type, (const ssh_key k), (k))
VFWD(ssh_key_free, (ssh_key k), (k))
FWD(int, ssh_userauth_publickey_auto, (ssh_session s, const char *u, const char *p), (s, u, p))
FWD(int, ssh_userauth_password, (ssh_session s, const char *u, const char *p), (s, u, p))
FWD(int, ssh_userauth_none, (ssh_session s, const char *u), (s, u))
FWD(int, ssh_userauth_list, (ssh_session s, const char *u), (s, u))
FWD(int, ssh_set_channel_callbacks, (ssh_channel c, ssh_channel_callbacks cb), (c, cb))
FWD(int, ssh_remove_channel_callbacks, (ssh_channel c, ssh_channel_callbacks cb), (c, cb))
FWD(int, ssh_session_update_known_hosts, (ssh_session s), (s))
FWD(enum ssh_known_hosts_e, ssh_session_is_known_server, (ssh_session s), (s))
FWD(int, ssh_pki_import_privkey_base64,
    (const char *b, const char *p, ssh_auth_callback cb, void *d, ssh_key *k), (b, p, cb, d, k))
FWD(int, ssh_pki_export_privkey_base64,
    (const ssh_key k, const char *p, ssh_auth_callback cb, void *d, char **b), (k, p, cb, d, b))
FWD(int, ssh_session_export_known_hosts_entry, (ssh_session s, char **e), (s, e))
FWD(int, ssh_userauth_agent, (ssh_session s, const char *u), (s, u))
FWD(int, ssh_userauth_publickey, (ssh_session s, const char *u, const ssh_key k), (s, u, k))
FWD(enum ssh_keytypes_e, ssh_key_type_from_name, (const char *n), (n))
FWD(int, ssh_pki_import_pubkey_base64, (const char *b, enum ssh_keytypes_e t, ssh_key *k), (b, t, k))
FWD(int, ssh_userauth_try_publickey, (ssh_session s, const char *u, const ssh_key k), (s, u, k))
FWD(int, ssh_pki_export_pubkey_base64, (const ssh_key k, char **b), (k, b))
FWD(int, ssh_pki_generate, (enum ssh_keytypes_e t, int p, ssh_key *k), (t, p, k))
FWD(int, ssh_get_server_publickey, (ssh_session s, ssh_key *k), (s, k))
FWD(int, ssh_get_publickey_hash,
    (const ssh_key k, enum ssh_publickey_hash_type t, unsigned char **h, size_t *l), (k, t, h, l))
FWD(char *, ssh_get_fingerprint_hash, (enum ssh_publickey_hash_type t, unsigned char *h, size_t l),
    (t, h, l))
VFWD(ssh_clean_pubkey_hash, (unsigned char **h), (h))
FWD(ssh_event, ssh_event_new, (void), ())
VFWD(ssh_event_free, (ssh_event e), (e))
FWD(int, ssh_event_dopoll, (ssh_event e, int t), (e, t))
FWD(int, ssh_event_add_session, (ssh_event e, ssh_session s), (e, s))
FWD(int, ssh_event_remove_session, (ssh_event e, ssh_session s), (e, s))
FWD(ssh_channel, ssh_channel_new, (ssh_session s), (s))
VFWD(ssh_channel_free, (ssh_channel c), (c))
FWD(int, ssh_channel_open_session, (ssh_channel c), (c))
FWD(int, ssh_channel_request_exec, (ssh_channel c, const char *cmd), (c, cmd))
FWD(int, ssh_channel_write, (ssh_channel c, const void *d, uint32_t l), (c, d, l))
FWD(int, ssh_channel_send_eof, (ssh_channel c), (c))
FWD(int, ssh_channel_close, (ssh_channel c), (c))
VFWD(ssh_set_blocking, (ssh_session s, int b), (s, b))
FWD(socket_t, ssh_get_fd, (ssh_session s), (s))
