// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/json.h"

#include <stdint.h>
#include <string.h>

#include "core/sanitize.h"

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
		uw_json_write_string(j->f, key);
		fputc(':', j->f);
	}
}

/*
 * The one JSON string writer: whatever @s holds (phone output, file names,
 * error texts), the output is valid UTF-8 and inert. Quotes, backslashes and
 * controls (C0, DEL, and C1 as U+0080..U+009F) are escaped; a malformed UTF-8
 * byte (a raw 0x9b, an overlong form, a surrogate, a cut sequence) becomes
 * U+FFFD. Valid characters are written as they are.
 */
void uw_json_write_string(FILE *f, const char *s)
{
	size_t n = strlen(s);

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = uw_utf8_decode(s + i, n - i, &cp);

		if (len == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (uw_is_control(cp))
				fprintf(f, "\\u%04x", (unsigned)cp);
			else
				fwrite(s + i, 1, len, f);
		}
		i += len;
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
		uw_json_write_string(j->f, val);
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

static struct {
	bool on, open, done;
	struct uw_json j;
	char msg[1024];
} doc;

void uw_cli_json_enable(void) { doc.on = true; }
bool uw_cli_json_on(void) { return doc.on; }
struct uw_json *uw_cli_json_doc(void) { return doc.open ? &doc.j : NULL; }

struct uw_json *uw_cli_json_begin(FILE *f)
{
	uw_json_init(&doc.j, f);
	uw_json_obj_begin(&doc.j, NULL);
	uw_json_int(&doc.j, "version", UW_JSON_VERSION);
	doc.open = true;
	return &doc.j;
}

void uw_cli_json_note_error(const char *fmt, va_list ap)
{
	vsnprintf(doc.msg, sizeof(doc.msg), fmt, ap);
}

void uw_cli_json_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	uw_cli_json_note_error(fmt, ap);
	va_end(ap);
}

void uw_cli_json_finish(int rc)
{
	if (!doc.on || doc.done)
		return;
	if (!doc.open)
		uw_cli_json_begin(stdout);
	uw_json_bool(&doc.j, "ok", rc == 0);
	if (rc) {
		char fallback[64];

		snprintf(fallback, sizeof(fallback), "failed with exit status %d", rc);
		uw_json_obj_begin(&doc.j, "error");
		uw_json_str(&doc.j, "message", doc.msg[0] ? doc.msg : fallback);
		uw_json_int(&doc.j, "exit", rc);
		uw_json_obj_end(&doc.j);
	}
	uw_json_obj_end(&doc.j);
	uw_json_end(&doc.j);
	doc.open = false;
	doc.done = true;
}
