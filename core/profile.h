/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The saved profile: the user's choices (struct uw_choices) plus which gadget
 * they are for, in a small key=value text file that `watch` applies every time
 * that gadget is plugged in.
 *
 *   # comment lines and blank lines are allowed
 *   preset=openmoko
 *   host-ip=192.168.0.200
 *   ...
 *   match-usb=1457:5122
 *
 * Parsing is strict: every value goes through the same uw_choices_set_*
 * setters as the command line, and an unknown key, a repeated key (except
 * dns-server), a line without '=' or a bad value is an error naming the line.
 * The default path is /etc/usbnet-wizard/profile, or $USBNET_WIZARD_PROFILE.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/choices.h"
#include "core/detect.h"
#include "core/error.h"

#define UW_PROFILE_PATTERN_MAX 32

struct uw_profile {
	struct uw_choices choices;

	/* Which gadget the profile is for. Every criterion given must match; with
	 * none given, any interface detection calls "likely" matches. */
	bool match_usb;
	unsigned usb_vendor, usb_product;
	char match_driver[32];                    /* "" = any */
	char match_name[UW_PROFILE_PATTERN_MAX];  /* fnmatch pattern, "" = any */
};

/* The profile path in use: $USBNET_WIZARD_PROFILE or the default (never NULL). */
const char *uw_profile_path(void);

/* Default choices (uw_choices_init) and no match criteria. */
void uw_profile_init(struct uw_profile *p);

/* Set the USB match from "VVVV:PPPP" (hex). -EINVAL with a sentence otherwise. */
int uw_profile_set_match_usb(struct uw_profile *p, const char *s, struct uw_error *err);
/* Set the driver match (a kernel driver name: [A-Za-z0-9_-], 1..31 bytes). */
int uw_profile_set_match_driver(struct uw_profile *p, const char *s, struct uw_error *err);
/* Set the interface name pattern (fnmatch: usb*, enx*; [A-Za-z0-9_.*?[]-], 1..31 bytes). */
int uw_profile_set_match_name(struct uw_profile *p, const char *s, struct uw_error *err);

/*
 * Write @p as text into a malloc'd string (*out). Always succeeds for a
 * profile made by the setters.
 */
char *uw_profile_format(const struct uw_profile *p);

/*
 * Parse profile text @text (as written by uw_profile_format, or by hand) into
 * @p. @where names the source in error sentences ("/etc/usbnet-wizard/profile").
 * Returns 0, or -EINVAL with "WHERE line N: ..." and @p unchanged.
 */
int uw_profile_parse(const char *text, const char *where, struct uw_profile *p, struct uw_error *err);

/* Read and parse @path (NULL = uw_profile_path()). -ENOENT says how to make one. */
int uw_profile_load(const char *path, struct uw_profile *p, struct uw_error *err);

/*
 * Write @p to @path (NULL = uw_profile_path()) atomically: a temporary file in
 * the same directory, fsync, rename. The directory is created (0755) if missing;
 * the file is 0644.
 */
int uw_profile_save(const char *path, const struct uw_profile *p, struct uw_error *err);

/* Does candidate @c match @p's gadget criteria? */
bool uw_profile_match(const struct uw_profile *p, const struct uw_candidate *c);

/* One line of plain words for the match criteria ("USB 1457:5122, driver cdc_ether"). */
void uw_profile_describe_match(const struct uw_profile *p, char *buf, size_t len);
