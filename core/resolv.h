/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A resolv.conf parser: pure (no system access except uw_resolv_read), and
 * hardened for anything a file may hold (it will be fuzzed): bounded counts,
 * bounded lengths, garbage lines counted and skipped, never an error for
 * content. It follows resolv.conf(5) as glibc reads it: "#" or ";" start a
 * comment line, a keyword and its values are separated by blanks, the last
 * "search"/"domain" line wins, nameservers may be IPv6 (with a %scope).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define UW_RESOLV_MAX_NS      8       /* glibc uses only the first 3 (MAXNS) */
#define UW_RESOLV_MAX_SEARCH  8
#define UW_RESOLV_DOMAIN_MAX  254     /* 253 + NUL */
#define UW_RESOLV_OPTIONS_MAX 256
#define UW_RESOLV_MAX_BYTES   (256 * 1024) /* uw_resolv_read reads no more */
#define UW_RESOLV_NS_STRLEN   64      /* IPv6 text + %scope */

struct uw_resolv_ns {
	int family;                 /* AF_INET or AF_INET6 */
	struct in_addr v4;
	struct in6_addr v6;
	char text[UW_RESOLV_NS_STRLEN]; /* as written (canonical for IPv4) */
	bool loopback;              /* 127.0.0.0/8 or ::1 (a local stub) */
};

struct uw_resolv {
	struct uw_resolv_ns ns[UW_RESOLV_MAX_NS];
	size_t n_ns;
	size_t n_ns_dropped;        /* nameserver lines beyond UW_RESOLV_MAX_NS */
	char search[UW_RESOLV_MAX_SEARCH][UW_RESOLV_DOMAIN_MAX];
	size_t n_search;
	char options[UW_RESOLV_OPTIONS_MAX]; /* all "options" tokens, blank-separated */
	size_t n_bad_lines;         /* lines we could not understand */
	size_t first_bad_line;      /* 1-based line number of the first, 0 if none */
	bool truncated;             /* input was longer than UW_RESOLV_MAX_BYTES */
};

/*
 * Parse @len bytes of @buf (need not be NUL-terminated; may contain NULs)
 * into @out. Never fails on content; returns 0, or -EINVAL for NULL
 * arguments.
 */
int uw_resolv_parse(const char *buf, size_t len, struct uw_resolv *out, struct uw_error *err);

/*
 * Read and parse the file at @path, at most UW_RESOLV_MAX_BYTES of it
 * (out->truncated says so). Returns 0, or <0 (-ENOENT...) with a sentence.
 */
int uw_resolv_read(const char *path, struct uw_resolv *out, struct uw_error *err);

/* True when @r names at least one nameserver and every one is a loopback
 * address (systemd-resolved's 127.0.0.53, dnsmasq on 127.0.0.1, ::1):
 * useless to a phone, and not a DNAT target. */
bool uw_resolv_only_loopback(const struct uw_resolv *r);

/* Number of nameservers in @r that are not loopback. */
size_t uw_resolv_count_usable(const struct uw_resolv *r);
