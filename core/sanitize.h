/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Untrusted text made safe to show: the one sanitizer for everything that
 * comes from the phone (command output, the ssh banner inside libssh's error
 * texts), from file names and from any other place a stranger can write.
 *
 * A terminal obeys escape sequences (ESC, CSI as the raw byte 0x9b or as
 * U+009B, OSC 52 writes the clipboard, others clear the screen or set the
 * title). The result of every function here is valid UTF-8 in which C0
 * controls (except the newline and tab the caller allows), DEL, C1 controls
 * (raw bytes 0x80-0x9f and U+0080..U+009F) and every malformed sequence
 * (stray continuation bytes, overlong forms, surrogates, code points past
 * U+10FFFF, a sequence cut short) are each replaced by one '?'. Valid
 * multibyte characters are kept as they are. The output is never longer
 * than the input, so cleaning in place and into a buffer of the input's
 * size always fits.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum uw_sanitize_flags {
	UW_SAN_NEWLINE = 1 << 0, /* keep '\n' (a "\r\n" becomes "\n") */
	UW_SAN_TAB = 1 << 1,     /* keep '\t' */
	UW_SAN_SPACES = 1 << 2,  /* '\n', '\r', '\t' not kept become ' ', not '?' */
};

/* The placeholder put where something unsafe or malformed was. */
#define UW_SAN_PLACEHOLDER '?'

/*
 * Decode the UTF-8 character at @s (@n bytes available). Returns its length
 * (1-4) and the code point in *@cp, or 0 when the bytes at @s do not start a
 * well-formed character (then the first byte is the bad one).
 */
size_t uw_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Is code point @cp a control character (C0, DEL or C1)? */
bool uw_is_control(uint32_t cp);

/* Clean the NUL-terminated @s in place; returns its new length. */
size_t uw_sanitize(char *s, unsigned flags);

/*
 * Clean @n bytes of @src (NUL bytes in it count as controls) into @dst of
 * size @size (> 0), NUL-terminated; a character that does not fit whole is
 * left out, never cut. Returns @dst.
 */
char *uw_sanitize_copy(char *dst, size_t size, const char *src, size_t n, unsigned flags);

/* A malloc'd clean copy of the NUL-terminated @src. */
char *uw_sanitize_dup(const char *src, unsigned flags);

/* True when @s is already what uw_sanitize(@s, @flags) would leave. */
bool uw_sanitize_is_clean(const char *s, unsigned flags);
