/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Text field with inline validation: "Label: [text      ]" and, under it,
 * the sentence the validate callback returned when the text is not
 * acceptable (shown in the error colour). While invalid the field reports
 * itself invalid, so the frame disables "Next" and shows why. A secret
 * field echoes nothing (password prompts), edits at the end only, and
 * Ctrl-U wipes it. The modal prompts (tui/input.h) are this field in a box.
 *
 * Syntax is checked here through the callback; meaning (does this netmask
 * overlap the LAN?) belongs to core/, which the callback may ask.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tui/widget.h"

struct uw_widget_field;

/*
 * Return true when @text is acceptable; otherwise write a sentence saying
 * what to fix into @why (@n bytes) and return false.
 */
typedef bool (*uw_widget_field_validate_fn)(const char *text, char *why, size_t n, void *ud);

/* A new field labelled @label with initial @text (may be NULL), at most
 * @max_chars characters (0: up to the buffer, 255 bytes). */
struct uw_widget_field *uw_widget_field_new(const char *label, const char *text, size_t max_chars);

/* Set the validator (NULL: everything is valid) and re-validate. */
void uw_widget_field_set_validate(struct uw_widget_field *f, uw_widget_field_validate_fn fn, void *ud);

/* Echo nothing (password entry). */
void uw_widget_field_set_secret(struct uw_widget_field *f, bool secret);

/* Show at most @cols columns of text (0: the default, 32). */
void uw_widget_field_set_cols(struct uw_widget_field *f, int cols);

/* Replace the text (cursor to the end) and re-validate. */
void uw_widget_field_set_text(struct uw_widget_field *f, const char *text);

/* The current text (owned by the field). */
const char *uw_widget_field_text(const struct uw_widget_field *f);

/* NULL when valid, else the validator's sentence. */
const char *uw_widget_field_error(const struct uw_widget_field *f);

/* Wipe the text from memory (passwords) before freeing or reuse. */
void uw_widget_field_wipe(struct uw_widget_field *f);

/* The base widget. */
struct uw_widget *uw_widget_field_widget(struct uw_widget_field *f);
