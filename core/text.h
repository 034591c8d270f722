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

/*
 * The plan as a shell script: `sh FILE` applies it, `sh FILE undo` undoes it,
 * restoring what was there when the plan was made (a step already in place,
 * such as forwarding already on, is left as it was).
 */
void uw_text_plan_script(const struct uw_plan *plan, FILE *f);
