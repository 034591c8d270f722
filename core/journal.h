/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The journal's record format (core/journal.c): a plan action as one line of
 * %XX-escaped key=value pairs, and back. Strict: a line that does not parse
 * is refused with a sentence, never half-read.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/plan.h"

/* Serialize @a as one journal line (no newline); parse it back (strict). */
int uw_action_to_line(const struct uw_action *a, char *buf, size_t len);
int uw_action_from_line(const char *line, struct uw_action *a, struct uw_error *err);

/*
 * The journal's writer (core/apply.c journals every step with it): records
 * are appended with one write() each, so a record is there whole or not at
 * all; uw_journal_writer_lines writes several (a firewall batch) as one.
 * _open begins a fresh journal with its header (@fresh says so), or after a
 * torn last record starts a new line. The reader is uw_journal_read
 * (core/apply.h).
 */
struct uw_journal_writer {
	int fd;
};

int uw_journal_writer_open(struct uw_journal_writer *j, bool *fresh, struct uw_error *err);
int uw_journal_writer_line(struct uw_journal_writer *j, const char *line, struct uw_error *err);
int uw_journal_writer_lines(struct uw_journal_writer *j, char **lines, size_t n, struct uw_error *err);
void uw_journal_writer_close(struct uw_journal_writer *j);

/* Remove the journal (everything in it undone or confirmed). */
void uw_journal_remove(void);

struct uw_choices;

/* The "C" record: the plan's choices as one line (see core/journal.c), and back. */
int uw_journal_choices_record(const struct uw_choices *c0, char *buf, size_t len);
int uw_journal_choices_parse(const char *rec, struct uw_choices *out, struct uw_error *err);
