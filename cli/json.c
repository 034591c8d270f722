// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/json.h"

#include <string.h>

void uw_json_init(struct uw_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

static void sep(struct uw_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		fputc('"', j->f);
		for (const unsigned char *p = (const unsigned char *)key; *p; p++)
			fputc(*p, j->f);
		fputs("\":", j->f);
	}
}

static void str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void open_(struct uw_json *j, const char *key, char c)
{
	sep(j, key);
	fputc(c, j->f);
	if (j->depth < 31)
		j->depth++;
	j->first[j->depth] = true;
}

void uw_json_obj_begin(struct uw_json *j, const char *key) { open_(j, key, '{'); }
void uw_json_arr_begin(struct uw_json *j, const char *key) { open_(j, key, '['); }
void uw_json_obj_end(struct uw_json *j) { j->depth--; fputc('}', j->f); }
void uw_json_arr_end(struct uw_json *j) { j->depth--; fputc(']', j->f); }

void uw_json_str(struct uw_json *j, const char *key, const char *val)
{
	sep(j, key);
	if (val)
		str(j->f, val);
	else
		fputs("null", j->f);
}

void uw_json_int(struct uw_json *j, const char *key, long long v)
{
	sep(j, key);
	fprintf(j->f, "%lld", v);
}

void uw_json_bool(struct uw_json *j, const char *key, bool v)
{
	sep(j, key);
	fputs(v ? "true" : "false", j->f);
}

void uw_json_end(struct uw_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
