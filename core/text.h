/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What more than one front end shows, rendered once (kconfig's
 * menu_get_ext_help()): the CLI, the wizard and the report present these
 * bytes and never format the same thing themselves.
 */

#include <stdio.h>

#include "core/plan.h"

/*
 * The plan's steps as every front end shows them: numbered, each with why it
 * is needed (when the plan says) and its shell command, into @f (a terminal,
 * a file or an open_memstream buffer of the caller's).
 */
void uw_text_plan_steps(const struct uw_plan *plan, FILE *f);

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
void uw_text_plan_script(const struct uw_plan *plan, FILE *f);
