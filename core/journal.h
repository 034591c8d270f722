/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The journal's record format (core/journal.c): a plan action as one line of
 * %XX-escaped key=value pairs, and back. Strict: a line that does not parse
 * is refused with a sentence, never half-read.
 */

#include <stddef.h>

#include "core/error.h"
#include "core/plan.h"

/* Serialize @a as one journal line (no newline); parse it back (strict). */
int uw_action_to_line(const struct uw_action *a, char *buf, size_t len);
int uw_action_from_line(const char *line, struct uw_action *a, struct uw_error *err);
