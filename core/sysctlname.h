/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The one rule for a sysctl name, wherever one comes from (the plan, a
 * journal line, a generated hook script) and wherever it goes (/proc/sys,
 * a shell line, a file name): a network setting in the dotted form
 * ("net.ipv4.conf.usb0.rp_filter"), each component 1 to 64 of the
 * characters of kernel settings and interface names ([A-Za-z0-9_@:-]).
 * No '/', no empty component (so no ".."), nothing a shell would read as
 * more than a word.
 */

#include <stdbool.h>

#include "core/error.h"

/* The longest name accepted (the whole dotted string). */
#define UW_SYSCTL_NAME_MAX 200

/* 0 when @name follows the rule; else -EINVAL with a sentence saying what is wrong. */
int uw_sysctl_name_check(const char *name, struct uw_error *err);

/* uw_sysctl_name_check() as a yes or no. */
bool uw_sysctl_name_ok(const char *name);
