// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/error.h"
#include "core/sanitize.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void uw_error_clear(struct uw_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

int uw_error_setv(struct uw_error *err, int code, const char *fmt, va_list ap)
{
	if (code > 0)
		code = -code;
	if (code == 0)
		code = -EINVAL;
	if (err) {
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		/*
		 * Messages quote what others wrote (the phone's ssh banner in
		 * libssh's errors, file names, nft's answers): one line of
		 * inert, valid UTF-8, whatever they held. A cut made above in
		 * the middle of a character is cleaned too.
		 */
		uw_sanitize(err->msg, UW_SAN_SPACES);
	}
	return code;
}

int uw_error_set(struct uw_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = uw_error_setv(err, code, fmt, ap);
	va_end(ap);
	return r;
}

int uw_error_prefix(struct uw_error *err, const char *fmt, ...)
{
	char prefix[UW_ERROR_MSG_MAX];
	char old[UW_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation is fine: the message is for people and stays bounded. */
	size_t n = strnlen(prefix, sizeof(err->msg) - 1);
	memcpy(err->msg, prefix, n);
	if (n + 2 < sizeof(err->msg)) {
		err->msg[n++] = ':';
		err->msg[n++] = ' ';
	}
	uw_strlcpy(err->msg + n, old, sizeof(err->msg) - n);
	uw_sanitize(err->msg, UW_SAN_SPACES);
	if (err->code == 0)
		err->code = -EINVAL;
	return err->code;
}
