/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What more than one front end shows, rendered once (kconfig's
 * menu_get_ext_help()): the CLI, the wizard and the report present these
 * bytes and never format the same thing themselves.
 */

#include <stdio.h>

#include "core/plan.h"

struct uw_strbuf;

/*
 * The plan's steps as every front end shows them: numbered, each with why it
 * is needed (when the plan says) and its shell command. Appended to @b.
 */
void uw_text_plan_steps(const struct uw_plan *plan, struct uw_strbuf *b);

/*
 * The plan as the wizard's Review, `apply --dry-run` and the report show it:
 * the interface and addresses, sharing and DNS, the plan's notes, then the
 * steps (uw_text_plan_steps). Appended to @b.
 */
void uw_text_plan_summary(const struct uw_plan *plan, struct uw_strbuf *b);

struct uw_facts;

/*
 * What to tell someone whose phone answered only over IPv6 link-local (the
 * rescue path of the phone check): the phone holds the IPv4 addresses
 * @v4[0..@nv4) while @expected did not answer on @iface. Says why, from the
 * desktop's routes in @facts (the overlap trap: the desktop routes the
 * phone's address out of another interface; no address on @iface yet), and
 * suggests --phone-ip only with an address the desktop can really reach (not
 * one it already uses or routes elsewhere). One paragraph into @buf.
 */
void uw_text_rescue_advice(const struct uw_facts *facts, const char *iface, const char *expected,
			   const char (*v4)[64], int nv4, char *buf, size_t len);

/*
 * The plan as a shell script: `sh FILE` applies it, `sh FILE undo` undoes it,
 * restoring what was there when the plan was made (a step already in place,
 * such as forwarding already on, is left as it was).
 */
void uw_text_plan_script(const struct uw_plan *plan, struct uw_strbuf *b);

#include "core/doctor.h"
#include "core/persist.h"
#include "core/phonecheck.h"
#include "core/strbuf.h"

/*
 * The doctor's findings, worst first (the doctor's order within a
 * severity), as `doctor`, the wizard's
 * Doctor box and the report show them: "[WARN ] title  (id)", then for any
 * finding not ok what was seen, why it matters and the fix (with the command
 * that applies it), and after a blank line "N error(s), M warning(s).". Appended to @b.
 */
void uw_text_doctor_findings(const struct uw_doctor *d, struct uw_strbuf *b);

/*
 * One phone check's detail, as the wizard shows under its checklist and
 * `check` and the report indent under the check's title: the explanation,
 * the evidence of a check that did not pass (at most 8 lines, each "| ..."),
 * and the suggested fix as a command to type. Lines end in "\n".
 */
void uw_text_check_detail(const struct uw_check *c, struct uw_strbuf *b);

/*
 * The phone checks @c[0..@n) as `check` and the report show them: "[FAIL]
 * title" and the detail (uw_text_check_detail) indented by seven spaces.
 */
void uw_text_checks(const struct uw_check *c, int n, struct uw_strbuf *b);

/*
 * A phone fix as it is offered, by `check --fix` before it asks and by the
 * wizard's Show commands: what it does in plain words, then "Runs on the
 * phone:" and "Undone by:", each followed by its shell text, paragraphs apart.
 * Ends in "\n". Appended to @b.
 */
void uw_text_phonefix(const struct uw_phonefix *f, struct uw_strbuf *b);

/*
 * The persist files before they are installed (`persist --show` and the
 * wizard's "Files to install"): the target and, when @why is not NULL, why
 * it was chosen; then each file with its mode and content, or the link.
 */
void uw_text_persist_files(const struct uw_persist_file *files, size_t n, enum uw_persist_target t,
			   const char *why, struct uw_strbuf *b);
