/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Tiny JSON writer for the CLI's --json output (strings escaped per RFC 8259). */

#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>

struct uw_json {
	FILE *f;
	int depth;
	bool first[32];
};

/* One JSON string, quoted: always valid UTF-8, controls escaped (see json.c). */
void uw_json_write_string(FILE *f, const char *s);

void uw_json_init(struct uw_json *j, FILE *f);
void uw_json_obj_begin(struct uw_json *j, const char *key);   /* key NULL inside arrays / at top */
void uw_json_obj_end(struct uw_json *j);
void uw_json_arr_begin(struct uw_json *j, const char *key);
void uw_json_arr_end(struct uw_json *j);
void uw_json_str(struct uw_json *j, const char *key, const char *val); /* val NULL -> null */
void uw_json_int(struct uw_json *j, const char *key, long long v);
void uw_json_bool(struct uw_json *j, const char *key, bool v);
/* Finish: newline after the top-level value. */
void uw_json_end(struct uw_json *j);

/*
 * The one JSON document of a command (docs/json.md): an object with
 * "version" (UW_JSON_VERSION), the command's fields, "ok" and, on failure,
 * "error": {"message": the sentence the text output gives, "exit": the exit
 * status}. main() turns --json on before the command parses its options (so
 * a usage error is a document too), and closes the document with the exit
 * status when the command returns; a command only writes its own fields.
 */
#define UW_JSON_VERSION 1

/* Set by main() when argv holds --json. */
void uw_cli_json_enable(void);
bool uw_cli_json_on(void);
/* Open the document on @f (stdout, or report's --output file): writes "version". */
struct uw_json *uw_cli_json_begin(FILE *f);
/* The open document, or NULL. */
struct uw_json *uw_cli_json_doc(void);
/* The error sentence for the document when it is not said by uw_cli_error(). */
void uw_cli_json_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record the sentence uw_cli_error() printed (called by it). */
void uw_cli_json_note_error(const char *fmt, va_list ap);
/* Close the document with "ok" and "error" for exit status @rc (opening a bare
 * one on stdout first if the command wrote none). No-op without --json or once done. */
void uw_cli_json_finish(int rc);
