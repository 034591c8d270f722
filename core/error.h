/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Errors are values: every core function that can fail returns a negative
 * errno-style code and, when the caller passes one, fills a uw_error with a
 * sentence a person can act on ("what went wrong — what to do"). Core code
 * never prints and never exits.
 */

#include <stdarg.h>
#include <stddef.h>

#define UW_ERROR_MSG_MAX 512

struct uw_error {
	int code;                     /* negative errno, 0 = no error */
	char msg[UW_ERROR_MSG_MAX];   /* a human sentence, "" when code == 0; one line of valid
					 * UTF-8 without control characters (core/sanitize.h) */
};

/* Clear @err (may be NULL). */
void uw_error_clear(struct uw_error *err);

/*
 * Record an error. @code may be given positive or negative; the stored and
 * returned value is always negative (or -EINVAL when @code is 0). @err may be
 * NULL, in which case only the code is returned. Returns the negative code so
 * callers can write `return uw_error_set(err, -ENOENT, "...")`.
 */
int uw_error_set(struct uw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int uw_error_setv(struct uw_error *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Put context in front of an existing message: "prefix: old message".
 * Returns err->code (or -EINVAL if none was set).
 */
int uw_error_prefix(struct uw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
