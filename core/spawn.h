/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * The detached helpers a change leaves behind it (the firewalld keeper, the
 * automatic revert's timer) are started one way: this binary again
 * (/proc/self/exe, never a shell), in a session of its own with no
 * controlling terminal (a closing terminal's SIGHUP never reaches it),
 * reparented to init by a double fork (no zombie in apply or watch), with a
 * clean signal mask and dispositions (the wizard blocks some signals, and a
 * blocked SIGTERM would survive exec), stdio on /dev/null, cwd "/", and
 * nothing else of ours open but a readiness pipe on fd 3.
 */
#include <stddef.h>

#include "core/error.h"

/*
 * Start argv (argv[0] is only its name) detached as above and read what it
 * says on fd 3 until its first newline, or until it closes fd 3 or dies,
 * into @msg (NUL-terminated, @size >= 2). @what names the helper in the
 * error ("the firewalld keeper"). Returns 0 with @msg filled (possibly
 * empty: it died before saying anything), or a negative errno with @err
 * set when it could not even be started.
 */
int uw_spawn_detached(char *const argv[], const char *what, char *msg, size_t size, struct uw_error *err);
