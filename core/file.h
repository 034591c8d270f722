/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Files read and written once, ell-style (ell/file.h): the one bounded
 * reader and the one atomic writer every module uses.
 *
 * The atomic writer has two callers' policies on top of the same steps
 * (a fresh temp file next to the name, filled, fsync'd, renamed over it):
 *  - uw_file_replace(): a file of the system's that root writes (the persist
 *    files, the profile): a link at the name is replaced, never written
 *    through; the directories on the way belong to root.
 *  - core/userfile.c: a file in a directory someone else owns (~/.ssh, a
 *    report path), opened without following their links and written as
 *    them (docs/security.md); it uses uw_file_tmp_at / uw_file_fill /
 *    uw_file_commit_at below, never a path.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

/*
 * Read all of @fd, at most @max bytes, into a NUL-terminated malloc'd *@out.
 * A longer file: with @cut, its first @max bytes and *@cut = true; without,
 * -EFBIG with a sentence naming @shown. Returns the length or <0 with @err.
 */
ssize_t uw_file_read_fd(int fd, size_t max, char **out, bool *cut, const char *shown,
			struct uw_error *err);

/*
 * Read the regular file @path as uw_file_read_fd does (uw_open_regular: a
 * FIFO or device is refused, never read; @what names it in the error, "The
 * profile"). -ENOENT when there is none.
 */
ssize_t uw_file_read(const char *path, const char *what, size_t max, char **out, bool *cut,
		     struct uw_error *err);

/*
 * A new temp file for @name in @dirfd (".NAME.uw-XXXXXXXX", O_CREAT|O_EXCL|
 * O_NOFOLLOW, mode 0600): its name into @tmp. Returns the fd or -errno.
 */
int uw_file_tmp_at(int dirfd, const char *name, char *tmp, size_t tmpsz);

/* Give @fd mode @mode (fchmod: the umask does not apply), write @data, fsync. 0 or -errno. */
int uw_file_fill(int fd, const void *data, size_t len, mode_t mode);

/*
 * Rename @tmp over @name in @dirfd (with @excl: only if @name does not
 * exist, -EEXIST otherwise); on failure @tmp is removed. 0 or -errno.
 */
int uw_file_commit_at(int dirfd, const char *tmp, const char *name, bool excl);

/*
 * Make the system file @path hold exactly @data, mode @mode, atomically: a
 * crash leaves the old file or the new one, and a link or hard link at
 * @path is replaced, not written through. Returns 0, or <0 with a sentence.
 */
int uw_file_replace(const char *path, const void *data, size_t len, mode_t mode,
		    struct uw_error *err);
