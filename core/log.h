/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Messages from core/ reach the user through a handler the front end sets
 * (kconfig's conf_message_callback): the TUI shows them, the CLI prints them.
 * With no handler set, messages are dropped.
 */

enum uw_log_level { UW_LOG_DEBUG, UW_LOG_INFO, UW_LOG_WARN, UW_LOG_ERROR };

typedef void (*uw_log_fn)(enum uw_log_level level, const char *msg, void *userdata);

/* Install @fn as the message handler (NULL to drop messages). */
void uw_log_set_handler(uw_log_fn fn, void *userdata);

/* Send a message to the handler. */
void uw_log(enum uw_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
