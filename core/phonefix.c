// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone-side fixes: which ones a checklist calls for (chosen once, for
 * both front ends), each prepared with its exact commands, applied and
 * verified from the phone's own state, and reverted.
 */
#include "core/phonefix.h"

#include "core/choices.h"
#include "core/phonecheck-private.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ip4.h"
#include "core/util.h"

static bool phone_side(enum uw_fix_id id)
{
	return id == UW_FIX_ROUTE || id == UW_FIX_RESOLV;
}

void uw_phonefix_choose(const struct uw_check *checks, const struct uw_phonecheck_params *params,
			bool persist, struct uw_phonefix_set *set)
{
	enum uw_fix_id wanted[UW_PHONEFIX_MAX];
	size_t nw = 0;
	char gw[64] = "", dev[64] = "";

	memset(set, 0, sizeof(*set));
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		bool dup = false;

		if (checks[i].status == UW_CHECK_PASS || !phone_side(checks[i].fix))
			continue;
		for (size_t k = 0; k < nw; k++)
			dup |= wanted[k] == checks[i].fix;
		if (!dup && nw < UW_PHONEFIX_MAX)
			wanted[nw++] = checks[i].fix;
	}
	if (persist && nw < UW_PHONEFIX_MAX)
		wanted[nw++] = UW_FIX_PERSIST;
	if (checks[UW_CHECK_ROUTE].evidence)
		uw_phonecheck_parse_default_route(checks[UW_CHECK_ROUTE].evidence, gw, sizeof(gw), dev,
						  sizeof(dev));
	for (size_t k = 0; k < nw; k++) {
		struct uw_error err;

		uw_error_clear(&err);
		if (uw_phonefix_prepare(wanted[k], params, gw, &set->fix[set->n], &err) == 0)
			set->n++;
		else
			snprintf(set->unavailable[set->n_unavailable++], sizeof(set->unavailable[0]),
				 "Cannot offer the %s fix: %s", uw_fix_name(wanted[k]), err.msg);
	}
}

void uw_phonefix_take(struct uw_phonefix_set *set, size_t i, struct uw_phonefix *out)
{
	*out = set->fix[i];
	memset(&set->fix[i], 0, sizeof(set->fix[i]));
}

void uw_phonefix_set_fini(struct uw_phonefix_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		uw_phonefix_fini(&set->fix[i]);
	set->n = 0;
}

void uw_phonefix_fini(struct uw_phonefix *f)
{
	free(f->describe);
	free(f->shell);
	free(f->revert_shell);
	memset(f, 0, sizeof(*f));
}

static bool safe_path(const char *s)
{
	if (!s || s[0] != '/' || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("/._-", *s))
			return false;
	return true;
}

static const char *interfaces_path(void)
{
	/* Tests point this at a file of their own: the testbed phone shares /etc
	 * with the machine, whose interfaces file must never be touched. */
	const char *e = getenv("USBNET_WIZARD_PHONE_INTERFACES");

	return e && *e ? e : "/etc/network/interfaces";
}

int uw_phonefix_prepare(enum uw_fix_id id, const struct uw_phonecheck_params *prm,
			const char *old_gw, struct uw_phonefix *f, struct uw_error *err)
{
	char list[256] = "";
	int rc;

	memset(f, 0, sizeof(*f));
	f->id = id;
	rc = uw_phonecheck_validate(prm, id == UW_FIX_RESOLV || id == UW_FIX_PERSIST, err);
	if (rc < 0)
		return rc;
	uw_strlcpy(f->desktop_ip, prm->desktop_ip, sizeof(f->desktop_ip));
	uw_strlcpy(f->iface, prm->iface && *prm->iface ? prm->iface : "usb0", sizeof(f->iface));
	for (size_t i = 0; i < prm->n_nameservers; i++)
		uw_strlcpy(f->nameservers[i], prm->nameservers[i], sizeof(f->nameservers[i]));
	f->n_nameservers = prm->n_nameservers;
	for (size_t i = 0; i < prm->n_nameservers; i++) {
		size_t l = strlen(list);

		snprintf(list + l, sizeof(list) - l, "%s%s", i ? " " : "", prm->nameservers[i]);
	}
	switch (id) {
	case UW_FIX_ROUTE:
		if (old_gw && *old_gw && !uw_phonecheck_is_ipv4(old_gw))
			return uw_error_set(err, -EINVAL, "'%s' is not an IPv4 gateway.", old_gw);
		if (old_gw && *old_gw && strcmp(old_gw, prm->desktop_ip)) {
			f->describe = uw_strdup_printf("Make the phone's default route go via the "
						       "desktop (%s) instead of %s.",
						       prm->desktop_ip, old_gw);
			f->shell = uw_strdup_printf("ip route replace default via %s || "
						    "{ route del default; route add default gw %s; }",
						    prm->desktop_ip, prm->desktop_ip);
			f->revert_shell = uw_strdup_printf("ip route replace default via %s || "
							   "{ route del default; route add default gw %s; }",
							   old_gw, old_gw);
		} else {
			f->describe = uw_strdup_printf("Give the phone a default route via the "
						       "desktop (%s).", prm->desktop_ip);
			f->shell = uw_strdup_printf("ip route add default via %s || route add default "
						    "gw %s", prm->desktop_ip, prm->desktop_ip);
			f->revert_shell = uw_strdup_printf("ip route del default via %s || route del "
							   "default gw %s", prm->desktop_ip,
							   prm->desktop_ip);
		}
		return 0;
	case UW_FIX_RESOLV:
		f->describe = uw_strdup_printf("Write the phone's /etc/resolv.conf with nameserver "
					       "%s (the old file is kept in ~/.usbnet-wizard-backup "
					       "on the phone for undo).", list);
		f->shell = uw_strdup_printf("mkdir -p " UW_PHONE_BACKUP_DIR " && { [ -e " UW_PHONE_BACKUP_DIR
					    "/resolv.conf ] || cat /etc/resolv.conf > " UW_PHONE_BACKUP_DIR
					    "/resolv.conf 2>/dev/null || : > " UW_PHONE_BACKUP_DIR
					    "/resolv.conf; } && printf 'nameserver %%s\\n' %s > "
					    "/etc/resolv.conf", list);
		/* cat into the file rather than mv: resolv.conf is often a symlink or a
		 * bind mount, which mv would replace or fail on. */
		f->revert_shell = uw_strdup("[ -e " UW_PHONE_BACKUP_DIR "/resolv.conf ] && cat " UW_PHONE_BACKUP_DIR
					    "/resolv.conf > /etc/resolv.conf && rm -f " UW_PHONE_BACKUP_DIR
					    "/resolv.conf");
		return 0;
	case UW_FIX_PERSIST: {
		const char *path = interfaces_path();

		if (!safe_path(path))
			return uw_error_set(err, -EINVAL, "'%s' is not a usable interfaces path.", path);
		f->describe = uw_strdup_printf("Make the default route via %s and nameserver %s "
					       "last across the phone's reboots, in the %s section "
					       "of %s (as the FreeRunner wiki shows).",
					       prm->desktop_ip, list, prm->iface ? prm->iface : "usb0",
					       path);
		/* The new content is computed here and sent on stdin (see apply). */
		f->shell = uw_strdup_printf("mkdir -p " UW_PHONE_BACKUP_DIR " && cp %s " UW_PHONE_BACKUP_DIR
					    "/interfaces && cat > %s", path, path);
		f->revert_shell = uw_strdup_printf("[ -e " UW_PHONE_BACKUP_DIR "/interfaces ] && cat "
						   UW_PHONE_BACKUP_DIR "/interfaces > %s && rm -f " UW_PHONE_BACKUP_DIR
						   "/interfaces", path);
		return 0;
	}
	default:
		return uw_error_set(err, -EINVAL, "'%s' cannot be fixed from the phone: apply the "
				    "desktop side.", uw_fix_name(id));
	}
}

static int run_checked(struct uw_phone *p, const char *cmd, const char *input, const char *what,
		       struct uw_error *err)
{
	struct uw_phone_result r;
	int rc = uw_phone_run(p, cmd, input, &r, err);

	if (rc == 0 && r.timed_out)
		rc = uw_error_set(err, -ETIMEDOUT, "The phone did not finish %s in time. Check the "
				  "cable and that the phone is awake, then try again (a slow phone: a "
				  "longer --timeout).", what);
	else if (rc == 0 && r.exit_status != 0 && r.exit_status != 255 && *r.err)
		rc = uw_error_set(err, -EIO, "The phone could not %s: %s", what, r.err);
	uw_phone_result_fini(&r);
	return rc;
}

/* Is the phone's state now what @fix wants? */
static int verify(struct uw_phone *p, const struct uw_phonefix *f, const char *want,
		  struct uw_error *err)
{
	struct uw_phone_result r;
	char gw[64], dev[64], ns[4][64];
	int rc, ok = 0, n;

	rc = uw_phone_run(p, f->id == UW_FIX_ROUTE ? UW_PHONE_ROUTE_CMD : "cat /etc/resolv.conf", NULL,
			  &r, err);
	if (rc < 0) {
		uw_phone_result_fini(&r);
		return rc;
	}
	if (f->id == UW_FIX_ROUTE) {
		ok = uw_phonecheck_parse_default_route(r.out, gw, sizeof(gw), dev, sizeof(dev)) &&
		     !strcmp(gw, want);
	} else {
		n = uw_phonecheck_parse_resolv(r.out, ns, UW_ARRAY_SIZE(ns));
		ok = n > 0 && !strcmp(ns[0], want);
	}
	uw_phone_result_fini(&r);
	if (!ok)
		return uw_error_set(err, -EIO, "The change did not take on the phone (%s). Its "
				    "file or route may be managed by another program there.",
				    f->describe);
	return 0;
}

static int persist_apply(struct uw_phone *p, const struct uw_phonefix *f, struct uw_error *err)
{
	struct uw_phonecheck_params prm = { .desktop_ip = f->desktop_ip, .iface = f->iface,
					    .outside_ip = f->desktop_ip, .test_name = "x",
					    .n_nameservers = f->n_nameservers };
	struct uw_phone_result r;
	_auto_(free) char *cmd = uw_strdup_printf("cat %s", interfaces_path());
	_auto_(free) char *content = NULL;
	int rc = uw_phone_run(p, cmd, NULL, &r, err);

	if (rc == 0 && (r.truncated || *r.err))
		rc = uw_error_set(err, -EIO, "Cannot read the phone's %s: %s", interfaces_path(),
				  *r.err ? r.err : "it is too large.");
	for (size_t i = 0; i < f->n_nameservers; i++)
		prm.nameservers[i] = f->nameservers[i];
	if (rc == 0)
		rc = uw_phonecheck_interfaces_add(r.out, &prm, &content, err);
	uw_phone_result_fini(&r);
	/* A second --persist finds its own lines: that is the goal reached, not a failure. */
	if (rc == -EEXIST)
		return 1;
	if (rc < 0)
		return rc;
	return run_checked(p, f->shell, content, "write its interfaces file", err);
}

int uw_phonefix_apply(struct uw_phone *p, const struct uw_phonefix *f, struct uw_error *err)
{
	int rc;

	if (!f->shell)
		return uw_error_set(err, -EINVAL, "This fix was not prepared.");
	if (f->id == UW_FIX_PERSIST)
		return persist_apply(p, f, err);
	rc = run_checked(p, f->shell, NULL, "apply the change", err);
	if (rc < 0)
		return rc;
	return verify(p, f, f->id == UW_FIX_ROUTE ? f->desktop_ip : f->nameservers[0], err);
}

int uw_phonefix_revert(struct uw_phone *p, const struct uw_phonefix *f, struct uw_error *err)
{
	if (!f->revert_shell)
		return uw_error_set(err, -EINVAL, "This fix was not prepared.");
	return run_checked(p, f->revert_shell, NULL, "undo the change", err);
}


int uw_phonecheck_fix_nameservers(const struct uw_choices *c, char (*ns)[64], size_t max)
{
	size_t n = 0;

	if (c->dns == UW_DNS_PROXY && max) {
		uw_ip4_str(c->host_ip, ns[n++]);
		return (int)n;
	}
	if (c->dns == UW_DNS_STATIC && c->n_dns_servers) {
		for (unsigned i = 0; i < c->n_dns_servers && n < max; i++)
			uw_ip4_str(c->dns_servers[i], ns[n++]);
		return (int)n;
	}
	return uw_phonecheck_host_nameservers(ns, max);
}
