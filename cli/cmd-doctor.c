// SPDX-License-Identifier: GPL-2.0-or-later
/* `doctor`: what stands between the phone and the outside, explained; fixes journaled. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/doctor.h"
#include "cli/cli.h"
#include "core/text.h"
#include "cli/json.h"

static const char doctor_usage[] =
	"usage: usbnet-wizard doctor [--json] [--iface IF] [--fix ID [--yes]]\n\n"
	"Check everything that stops a USB-networked phone from getting online through\n"
	"this desktop: the phone's interface, the setup, ip_forward, the nat table\n"
	"(our masquerade, other programs' masquerades), FORWARD drops (Docker, ufw,\n"
	"firewalld), rules split between nftables and legacy iptables, rp_filter and\n"
	"the route to the phone, subnet overlap, a loopback DNS stub, NetworkManager,\n"
	"and the kernel options (NF_CONNTRACK, NF_NAT, NF_TABLES / IP_NF_IPTABLES,\n"
	"USB_USBNET, USB_NET_CDCETHER, USB_NET_RNDIS_HOST). Reading only.\n\n"
	"Each finding has an id, a severity (ok, info, warn, error), the evidence, an\n"
	"explanation and, where one exists, a fix. '--fix ID' shows the fix's steps\n"
	"with their shell commands and applies them after one confirmation (--yes:\n"
	"without asking). Fixes are journaled: 'usbnet-wizard revert' undoes them.\n"
	"Phone-side problems (no default route, resolv.conf): 'usbnet-wizard check --fix'.\n\n"
	"  --json        machine-readable findings\n"
	"  --iface IF    the phone's interface (default: the live setup's, or detected)\n"
	"  --fix ID      apply the fix of finding ID\n"
	"  --yes         do not ask\n\n"
	"Environment: USBNET_WIZARD_KERNEL_CONFIG names the kernel config to read\n"
	"(default /boot/config-$(uname -r)).\n"
	"Exit status: 0 no error found (or the fix worked), 1 an error was found (or the\n"
	"fix failed), 2 bad usage, no such fix, or the fix not confirmed (no terminal\n"
	"to ask and no --yes), 3 not root, 5 busy.\n";

static void print_text(const struct uw_doctor *d)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	printf("usbnet-wizard doctor: phone interface %s%s\n\n", d->iface[0] ? d->iface : "(none)",
	       d->live ? ", setup live" : "");
	uw_text_doctor_findings(d, &b);
	fputs(uw_strbuf_str(&b), stdout);
	printf("The phone's own side (its default route via the desktop, its resolv.conf) is checked\n"
	       "over ssh by 'usbnet-wizard check'; 'usbnet-wizard check --fix' repairs it.\n");
}

static void print_json(const struct uw_doctor *d)
{
	struct uw_json *jp = uw_cli_json_begin(stdout);
	struct uw_json j = *jp;

	if (d->iface[0])
		uw_json_str(&j, "iface", d->iface);
	uw_json_bool(&j, "live", d->live);
	uw_json_arr_begin(&j, "findings");
	for (size_t i = 0; i < d->n; i++) {
		const struct uw_finding *f = &d->findings[i];
		uw_json_obj_begin(&j, NULL);
		uw_json_str(&j, "id", f->id);
		uw_json_str(&j, "severity", uw_doctor_severity_name(f->severity));
		uw_json_str(&j, "title", f->title);
		if (f->evidence[0])
			uw_json_str(&j, "evidence", f->evidence);
		if (f->explanation[0])
			uw_json_str(&j, "explanation", f->explanation);
		uw_json_bool(&j, "fixable", f->fixable);
		if (f->fix[0])
			uw_json_str(&j, "fix", f->fix);
		uw_json_obj_end(&j);
	}
	uw_json_arr_end(&j);
	*jp = j;
}

static void on_step(void *ud, size_t idx, const struct uw_action *a, enum uw_step_event ev,
		    const struct uw_error *e)
{
	char d[512];

	uw_action_describe(a, d, sizeof(d));
	if (ev == UW_STEP_DONE)
		printf("  done: %s\n", d);
	else if (ev == UW_STEP_FAILED)
		printf("  FAILED: %s: %s\n", d, e ? e->msg : "");
	else if (ev == UW_STEP_UNDONE)
		printf("  undone: %s\n", d);
	else if (ev == UW_STEP_GONE)
		printf("  already gone: %s\n", d);
	fflush(stdout);
}

static int do_fix(struct uw_doctor *d, const char *id, bool yes, const struct uw_doctor_opts *o)
{
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_error err;
	bool revert_first;
	int r, rc = UW_EXIT_OK;

	uw_error_clear(&err);
	if (!plan)
		return UW_EXIT_FAIL;
	r = uw_doctor_fix_plan(d, id, plan, &revert_first, &err);
	if (r == -EALREADY) {
		/* already fine: nothing to do is success */
		printf("%s\n", err.msg);
		free(plan);
		return UW_EXIT_OK;
	}
	if (r < 0) {
		uw_cli_error("doctor", "%s", err.msg);
		free(plan);
		return UW_EXIT_USAGE;
	}
	printf("Fix for \"%s\": %s\n", id, uw_doctor_find(d, id)->fix);
	if (revert_first)
		printf("First the live setup is reverted ('usbnet-wizard revert'), then:\n");
	{
		_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

		uw_text_plan_steps(plan, &b);
		fputs(uw_strbuf_str(&b), stdout);
	}
	if (!revert_first && d->live)
		printf("(steps of the live setup that are still in place are left as they are)\n");
	/* Not confirmed is bad usage (exit 2, as the man page says), not a failed fix. */
	if (!yes && !uw_cli_can_ask()) {
		uw_cli_error("doctor", "there is no terminal to ask whether to apply this fix: add --yes "
			     "to apply it ('usbnet-wizard doctor --fix %s --yes'). Nothing was changed.", id);
		free(plan);
		return UW_EXIT_USAGE;
	}
	if (!yes && !uw_cli_ask("Apply this fix? 'usbnet-wizard revert' undoes it.", false)) {
		printf("Not confirmed: nothing was changed.\n");
		free(plan);
		return UW_EXIT_USAGE;
	}
	if (revert_first && uw_revert(NULL, on_step, NULL, &err) < 0) {
		uw_cli_error("doctor", "%s", err.msg);
		free(plan);
		return err.code == -EBUSY ? UW_EXIT_BUSY : UW_EXIT_FAIL;
	}
	r = uw_apply(plan, NULL, on_step, NULL, &err);
	if (r < 0) {
		uw_cli_error("doctor", "%s", err.msg);
		rc = r == -EBUSY ? UW_EXIT_BUSY : r == -EACCES || r == -EPERM ? UW_EXIT_NOPERM : UW_EXIT_FAIL;
	} else {
		const struct uw_finding *f;
		if (uw_doctor_run(o, d, &err) == 0 && (f = uw_doctor_find(d, id)))
			printf("Now: [%s] %s\n", uw_doctor_severity_name(f->severity), f->title);
		printf("Fixed. 'usbnet-wizard revert' undoes it.\n");
	}
	free(plan);
	return rc;
}

static int run_doctor(int argc, char **argv)
{
	struct uw_doctor *d = calloc(1, sizeof(*d));
	struct uw_doctor_opts o = { 0 };
	struct uw_error err;
	const char *fix = NULL;
	bool json = false, yes = false;
	int rc = UW_EXIT_OK;

	if (!d)
		return UW_EXIT_FAIL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
			yes = true;
		else if (!strcmp(argv[i], "--fix") && i + 1 < argc)
			fix = argv[++i];
		else if (!strcmp(argv[i], "--iface") && i + 1 < argc)
			o.iface = argv[++i];
		else {
			uw_cli_error("doctor", "unknown option or missing value \"%s\" (see --help).", argv[i]);
			free(d);
			return UW_EXIT_USAGE;
		}
	}
	uw_error_clear(&err);
	if (fix && geteuid() != 0) {
		uw_cli_error("doctor", "fixing needs root: run 'sudo usbnet-wizard doctor --fix %s'. Nothing "
			     "was changed.", fix);
		free(d);
		return UW_EXIT_NOPERM;
	}
	if (fix && json) {
		uw_cli_error("doctor", "--json reports the findings; --fix talks to you (leave one out).");
		free(d);
		return UW_EXIT_USAGE;
	}
	if (uw_doctor_run(&o, d, &err) < 0) {
		uw_cli_error("doctor", "%s", err.msg);
		free(d);
		return UW_EXIT_FAIL;
	}
	if (fix) {
		rc = do_fix(d, fix, yes, &o);
	} else {
		if (json)
			print_json(d);
		else
			print_text(d);
		unsigned n_err = 0, n_warn = 0;

		for (size_t i = 0; i < d->n; i++) {
			n_err += d->findings[i].severity == UW_DOC_ERROR;
			n_warn += d->findings[i].severity == UW_DOC_WARN;
		}
		if (n_err) {
			rc = UW_EXIT_FAIL;
			/* the text's summary line, as the JSON error sentence */
			uw_cli_json_set_error("%u error(s), %u warning(s).", n_err, n_warn);
		}
	}
	free(d);
	return rc;
}

const struct uw_command uw_cmd_doctor = {
	.name = "doctor", .summary = "find and explain what stops the phone getting online; fix it",
	.usage = doctor_usage, .run = run_doctor,
};
