/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Files written or read on someone's behalf, without ever following a link
 * they control (docs/security.md).
 *
 * Run under sudo, usbnet-wizard is root working in the invoking user's
 * ~/.ssh. Anyone who can plant a link there (the user, or whatever runs as
 * the user) must not be able to make root write, truncate, chown or read a
 * file elsewhere (a link known_hosts -> /etc/shadow). The design, as in
 * OpenSSH and sudoedit, has two layers that each suffice on their own:
 *
 *  1. No link is followed. The directory is opened one component at a time
 *     from "/" with O_PATH|O_DIRECTORY|O_NOFOLLOW; a link is followed only
 *     when root owns it (only root can make one: Silverblue's /home ->
 *     var/home) or when it belongs to the identity we run as anyway (no
 *     privilege is gained). Files inside are opened relative to that fd with
 *     O_NOFOLLOW, and written as a new temp file (O_CREAT|O_EXCL) renamed
 *     over the name, so neither a link nor a hard link at the name is ever
 *     written through. Readers use O_NONBLOCK and refuse anything but a
 *     regular file (a FIFO would hang the run).
 *  2. Every access inside the directory is made as the directory's owner:
 *     setfsuid/setfsgid and the owner's one group, so the kernel refuses what
 *     the user could not do themselves, whatever slipped past layer 1. New
 *     files belong to that owner (fchown on the fd, never chown on a path).
 *
 * A strict directory (the ssh directory) must also belong to root or to the
 * invoking user (SUDO_UID under sudo, else the effective uid), and neither it
 * nor any component above it may be writable by group or others (a
 * root-owned sticky directory such as /tmp excepted, above the last two).
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

struct uw_userdir {
	int fd;            /* O_PATH fd of the directory; -1 when it does not exist */
	char *path;        /* as given, for messages */
	uid_t uid;         /* the owner: accesses inside are made as this identity */
	gid_t gid;
};

enum {
	UW_USERDIR_CREATE = 1 << 0,  /* make the last component (mode 0700) if missing */
	UW_USERDIR_STRICT = 1 << 1,  /* owner root or the invoking user; not group/world-writable */
};

/*
 * The invoking user under sudo: true when running as root with SUDO_UID
 * naming another user; *uid and *gid are then that user's (SUDO_GID, or the
 * passwd entry's group).
 */
bool uw_sudo_user(uid_t *uid, gid_t *gid);

/*
 * Open @path as above. Returns 0, or -ENOENT (d->fd = -1, d->path set) when
 * the last component does not exist and UW_USERDIR_CREATE is not given, or
 * another negative errno with a sentence naming the component at fault.
 */
int uw_userdir_open(const char *path, unsigned flags, struct uw_userdir *d,
		    struct uw_error *err);
void uw_userdir_close(struct uw_userdir *d);

/*
 * Open the regular file @name in @d for reading (O_NOFOLLOW, never blocks).
 * Returns the fd, -ENOENT when there is none, or another negative errno
 * with a sentence (a link, a FIFO, a directory...).
 */
int uw_userdir_open_read(struct uw_userdir *d, const char *name, struct uw_error *err);

/*
 * Read all of @name (at most @max bytes, else -EFBIG) into a NUL-terminated
 * *out, and its permission bits into *mode (may be NULL). Returns the
 * length, -ENOENT when there is none, or < 0 with @err.
 */
ssize_t uw_userdir_read(struct uw_userdir *d, const char *name, size_t max, char **out,
			mode_t *mode, struct uw_error *err);

/* List @d (the caller closedir()s it), opened as its owner. NULL with @err. */
#include <dirent.h>
DIR *uw_userdir_opendir(struct uw_userdir *d, struct uw_error *err);

enum {
	UW_USERDIR_EXCL = 1 << 0,    /* fail with -EEXIST if @name exists (even as a link) */
};

/*
 * Make @name in @d hold exactly @data: a new file written next to it and
 * renamed over it, owned by the directory's owner, mode @mode (0600, 0644).
 * An existing link or non-regular file at @name is refused, never followed.
 */
int uw_userdir_replace(struct uw_userdir *d, const char *name, const void *data, size_t len,
		       mode_t mode, unsigned flags, struct uw_error *err);

/*
 * Become @uid/@gid for file-system access (setfsuid, setfsgid, one group)
 * until uw_fsid_leave; nothing happens when that is already who we are.
 */
struct uw_fsid {
	bool switched;
	int ngroups;
	gid_t *groups;
};
int uw_fsid_enter(uid_t uid, gid_t gid, struct uw_fsid *s, struct uw_error *err);
void uw_fsid_leave(struct uw_fsid *s);

/*
 * Open a file named by the user for reading: follows links (the name is
 * the caller's own choice) but refuses anything that is not a regular file,
 * without blocking on a FIFO. @what names it in the error ("The profile").
 */
int uw_open_regular(const char *path, const char *what, struct uw_error *err);

enum {
	/*
	 * Under sudo, give the file to the invoking user (a report they asked
	 * for), when it lands in a directory of theirs or a shared sticky one
	 * (/tmp). In a directory only root can write it stays root's: a
	 * user-owned file in /etc could be edited into something root runs.
	 */
	UW_WRITE_FOR_USER = 1 << 0,
};

/*
 * Write @data to @path the safe way for a file a root run makes on request
 * (report --output, the wizard's Save): the directory is opened as
 * uw_userdir_open does (links only if root's), a link or non-regular file at
 * @path is refused, an existing file is replaced by rename (never truncated
 * or written through, so a hard link elsewhere keeps its content), the
 * result has mode @mode always (also when a file with other modes was
 * there), owned as UW_WRITE_FOR_USER says (fchown on the fd), else by us.
 */
int uw_write_file_safely(const char *path, const void *data, size_t len, mode_t mode,
			 unsigned flags, struct uw_error *err);
