// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static uw_log_fn handler;
static void *handler_data;

void uw_log_set_handler(uw_log_fn fn, void *userdata)
{
	handler = fn;
	handler_data = userdata;
}

void uw_log(enum uw_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!handler)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	handler(level, buf, handler_data);
}
