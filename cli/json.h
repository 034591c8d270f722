/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Tiny JSON writer for the CLI's --json output (strings escaped per RFC 8259). */

#include <stdbool.h>
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
