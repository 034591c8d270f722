// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files in someone else's directory, never through a link they control.
 * The design and why are in core/userfile.h and docs/security.md.
 */
#include "core/userfile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/util.h"

#define MAX_LINKS 16

bool uw_sudo_user(uid_t *uid, gid_t *gid)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	char *end;
	unsigned long u, g;
	struct passwd *pw;

	if (geteuid() != 0 || !su || !*su)
		return false;
	errno = 0;
	u = strtoul(su, &end, 10);
	if (errno || *end || u == 0 || u >= (uid_t)-1)
		return false;
	*uid = (uid_t)u;
	if (sg && *sg) {
		errno = 0;
		g = strtoul(sg, &end, 10);
		if (!errno && !*end && g < (gid_t)-1) {
			*gid = (gid_t)g;
			return true;
		}
	}
	pw = getpwuid(*uid);
	*gid = pw ? pw->pw_gid : (gid_t)u;
	return true;
}

/* Owners whose directories we may work in: root, ourselves, the sudo user. */
static bool trusted_owner(uid_t u)
{
	uid_t su;
	gid_t sg;

	return u == 0 || u == geteuid() || (uw_sudo_user(&su, &sg) && u == su);
}

static gid_t owner_gid(const struct stat *st)
{
	uid_t su;
	gid_t sg;

	if (st->st_uid == geteuid())
		return getegid();
	if (uw_sudo_user(&su, &sg) && st->st_uid == su)
		return sg;
	return st->st_gid;
}

int uw_fsid_enter(uid_t uid, gid_t gid, struct uw_fsid *s, struct uw_error *err)
{
	memset(s, 0, sizeof(*s));
	/* Only root can become someone else, and then there is nothing to gain. */
	if (geteuid() != 0 || (uid == geteuid() && gid == getegid()))
		return 0;
	s->ngroups = getgroups(0, NULL);
	if (s->ngroups < 0)
		s->ngroups = 0;
	s->groups = uw_malloc0(((size_t)s->ngroups + 1) * sizeof(gid_t));
	if (getgroups(s->ngroups, s->groups) < 0)
		s->ngroups = 0;
	s->switched = true;
	/* Group first: once the fsuid is not 0, CAP_SETGID still lets us, but be plain. */
	if (setgroups(1, &gid) < 0) {
		int e = errno;

		free(s->groups);
		memset(s, 0, sizeof(*s));
		return uw_error_set(err, -e, "Cannot take on the groups of uid %u to work in "
				    "their files: %s.", (unsigned)uid, strerror(e));
	}
	setfsgid(gid);
	setfsuid(uid);
	/* setfsuid reports no error: ask it back (an invalid id returns the current one). */
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid) {
		uw_fsid_leave(s);
		return uw_error_set(err, -EPERM, "Cannot act as uid %u to work in their files, so "
				    "nothing was written.", (unsigned)uid);
	}
	return 0;
}

void uw_fsid_leave(struct uw_fsid *s)
{
	if (!s->switched)
		return;
	setfsuid(geteuid());
	setfsgid(getegid());
	if (setgroups((size_t)s->ngroups, s->groups) < 0) {
		/* Cannot happen as root; the run then goes on with one group only. */
	}
	free(s->groups);
	memset(s, 0, sizeof(*s));
}

static const char *type_name(mode_t m)
{
	if (S_ISDIR(m)) return "a directory";
	if (S_ISFIFO(m)) return "a FIFO (named pipe)";
	if (S_ISSOCK(m)) return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
	if (S_ISLNK(m)) return "a symbolic link";
	return "not a regular file";
}

/* The component @comp of @path could not be opened as a directory: say why. */
static int comp_error(int cur, const char *comp, const char *shown, int e, struct uw_error *err)
{
	struct stat st;

	if (e == ELOOP || e == ENOTDIR) {
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return uw_error_set(err, -ELOOP, "%s is a symbolic link (owned by uid %u). A "
					    "run as root does not follow links that others than root "
					    "can make. Replace the link with the directory itself, or "
					    "run without sudo.", shown, (unsigned)st.st_uid);
		return uw_error_set(err, -ENOTDIR, "%s is not a directory.", shown);
	}
	if (e == ENOENT)
		return uw_error_set(err, -ENOENT, "%s does not exist.", shown);
	return uw_error_set(err, -e, "Cannot open %s: %s.", shown, strerror(e));
}

/*
 * Walk @path from "/" (or ".") one component at a time. Returns the O_PATH
 * fd of the last directory and its stat, or < 0.
 */
static int walk(const char *path, unsigned flags, int *out, struct stat *out_st,
		struct uw_error *err)
{
	_auto_(free) char *todo = uw_strdup(path);
	_auto_(free) char *shown = NULL;
	_auto_(free) char *base = uw_strdup(*path == '/' ? "" : ".");
	char *p = todo;
	int cur, links = 0;
	struct stat st;

	cur = open(*p == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0 || fstat(cur, &st) < 0) {
		int e = errno;

		if (cur >= 0)
			close(cur);
		return uw_error_set(err, -e, "Cannot open %s: %s.", path, strerror(e));
	}
	for (;;) {
		char *comp, *slash;
		bool last;
		int fd;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		slash = strchr(p, '/');
		if (slash) {
			*slash = '\0';
			p = slash + 1;
		} else {
			p += strlen(p);
		}
		last = !p[strspn(p, "/")];
		if (!strcmp(comp, "."))
			continue;
		free(shown);
		shown = uw_strdup_printf("%s/%s", base, comp);
		fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && last && (flags & UW_USERDIR_CREATE)) {
			struct uw_fsid fs;
			int rc, e;

			/* Made as the parent's owner: the new directory is theirs. */
			rc = uw_fsid_enter(st.st_uid, owner_gid(&st), &fs, err);
			if (rc < 0) {
				close(cur);
				return rc;
			}
			rc = mkdirat(cur, comp, 0700);
			e = errno;
			uw_fsid_leave(&fs);
			if (rc < 0 && e != EEXIST) {
				close(cur);
				return uw_error_set(err, -e, "Cannot create %s: %s. Check that its "
						    "parent is yours and writable.", shown, strerror(e));
			}
			fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
			struct stat lst;
			char target[4096];
			ssize_t n;

			/* Only a link root made, or one of our own identity's, is followed. */
			if (fstatat(cur, comp, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode) &&
			    (lst.st_uid == 0 || lst.st_uid == geteuid()) && ++links <= MAX_LINKS &&
			    (n = readlinkat(cur, comp, target, sizeof(target) - 1)) > 0) {
				char *rest = uw_strdup(p);

				target[n] = '\0';
				free(todo);
				todo = uw_strdup_printf("%s/%s", target, rest);
				free(rest);
				p = todo;
				if (target[0] == '/') {
					free(base);
					base = uw_strdup("");
					close(cur);
					cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
					if (cur < 0 || fstat(cur, &st) < 0)
						return uw_error_set(err, -EIO, "Cannot open /.");
				}
				continue;
			}
			{
				int rc = links > MAX_LINKS ?
					uw_error_set(err, -ELOOP, "%s: too many levels of symbolic "
						     "links.", shown) :
					comp_error(cur, comp, shown, ELOOP, err);

				close(cur);
				return rc;
			}
		}
		if (fd < 0) {
			int rc = comp_error(cur, comp, shown, errno, err);

			close(cur);
			return rc;
		}
		close(cur);
		cur = fd;
		free(base);
		base = uw_strdup(shown);
		if (fstat(cur, &st) < 0) {
			int e = errno;

			close(cur);
			return uw_error_set(err, -e, "Cannot look at %s: %s.", shown, strerror(e));
		}
		if (!(flags & UW_USERDIR_STRICT))
			continue;
		if (!trusted_owner(st.st_uid)) {
			close(cur);
			return uw_error_set(err, -EPERM, "%s belongs to uid %u, which is neither you "
					    "nor root, so nothing is written there. Check its owner "
					    "(ls -ld).", shown, (unsigned)st.st_uid);
		}
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    (last || !(st.st_mode & S_ISVTX) || st.st_uid != 0)) {
			close(cur);
			return uw_error_set(err, -EPERM, "%s can be written by others (mode %04o), so "
					    "anything in it could be swapped behind our back. Make it "
					    "yours alone: chmod go-w %s.", shown,
					    (unsigned)(st.st_mode & 07777), shown);
		}
	}
	*out = cur;
	*out_st = st;
	return 0;
}

int uw_userdir_open(const char *path, unsigned flags, struct uw_userdir *d,
		    struct uw_error *err)
{
	struct stat st;
	int rc;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->path = uw_strdup(path && *path ? path : ".");
	rc = walk(d->path, flags, &d->fd, &st, err);
	if (rc < 0) {
		/* -ENOENT keeps the path for messages: uw_userdir_close frees it. */
		if (rc != -ENOENT)
			uw_userdir_close(d);
		d->fd = -1;
		return rc;
	}
	d->uid = st.st_uid;
	d->gid = owner_gid(&st);
	return 0;
}

void uw_userdir_close(struct uw_userdir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
}

static int bad_name(const char *name, struct uw_error *err)
{
	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return uw_error_set(err, -EINVAL, "'%s' is not a file name.", name ? name : "");
	return 0;
}

int uw_userdir_open_read(struct uw_userdir *d, const char *name, struct uw_error *err)
{
	struct uw_fsid fs;
	struct stat st;
	int fd, e, rc;

	if ((rc = bad_name(name, err)) < 0)
		return rc;
	if (d->fd < 0)
		return uw_error_set(err, -ENOENT, "%s/%s does not exist.", d->path, name);
	rc = uw_fsid_enter(d->uid, d->gid, &fs, err);
	if (rc < 0)
		return rc;
	fd = openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	e = errno;
	uw_fsid_leave(&fs);
	if (fd < 0) {
		if (e == ENOENT)
			return uw_error_set(err, -ENOENT, "%s/%s does not exist.", d->path, name);
		if (e == ELOOP)
			return uw_error_set(err, -ELOOP, "%s/%s is a symbolic link; it is never "
					    "followed (a run as root must not read or write through "
					    "a link). Replace the link with the file itself.", d->path,
					    name);
		return uw_error_set(err, -e, "Cannot read %s/%s: %s.", d->path, name, strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return uw_error_set(err, -EINVAL, "%s/%s is %s, not a regular file; it was not "
				    "read. Remove it or replace it with a file.", d->path, name,
				    type_name(st.st_mode));
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

ssize_t uw_userdir_read(struct uw_userdir *d, const char *name, size_t max, char **out,
			mode_t *mode, struct uw_error *err)
{
	_auto_fd_ int fd = uw_userdir_open_read(d, name, err);
	_auto_(free) char *shown = NULL;
	struct stat st;

	*out = NULL;
	if (fd < 0)
		return fd;
	if (mode)
		*mode = fstat(fd, &st) == 0 ? st.st_mode & 0777 : 0600;
	shown = uw_strdup_printf("%s/%s", d->path, name);
	return uw_file_read_fd(fd, max, out, NULL, shown, err);
}

DIR *uw_userdir_opendir(struct uw_userdir *d, struct uw_error *err)
{
	struct uw_fsid fs;
	DIR *dh;
	int fd, e;

	if (d->fd < 0) {
		uw_error_set(err, -ENOENT, "%s does not exist.", d->path);
		return NULL;
	}
	if (uw_fsid_enter(d->uid, d->gid, &fs, err) < 0)
		return NULL;
	fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e = errno;
	uw_fsid_leave(&fs);
	dh = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dh) {
		if (fd >= 0) {
			e = errno;
			close(fd);
		}
		uw_error_set(err, -e, "Cannot list %s: %s.", d->path, strerror(e));
	}
	return dh;
}

/* A fresh temp file next to the target, never an existing name. */
/* What is at @name now: 0 (nothing or a regular file), else a refusal. */
static int check_target(int dirfd, const char *name, const char *shown, bool excl,
			struct uw_error *err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (excl)
		return uw_error_set(err, -EEXIST, "%s already exists%s; it was left as it is.",
				    shown, S_ISLNK(st.st_mode) ? " (as a symbolic link)" : "");
	if (S_ISLNK(st.st_mode))
		return uw_error_set(err, -ELOOP, "%s is a symbolic link; a run as root never "
				    "writes through a link. Replace the link with the file itself "
				    "(or remove it) and try again.", shown);
	if (!S_ISREG(st.st_mode))
		return uw_error_set(err, -EINVAL, "%s is %s, not a regular file; it was left as "
				    "it is.", shown, type_name(st.st_mode));
	return 0;
}

int uw_userdir_replace(struct uw_userdir *d, const char *name, const void *data, size_t len,
		       mode_t mode, unsigned flags, struct uw_error *err)
{
	_auto_(free) char *shown = NULL;
	struct uw_fsid fs;
	char tmp[128];
	int fd, rc, e;

	if ((rc = bad_name(name, err)) < 0)
		return rc;
	shown = uw_strdup_printf("%s/%s", d->path, name);
	if (d->fd < 0)
		return uw_error_set(err, -ENOENT, "Cannot write %s: the directory does not exist.",
				    shown);
	rc = uw_fsid_enter(d->uid, d->gid, &fs, err);
	if (rc < 0)
		return rc;
	rc = check_target(d->fd, name, shown, flags & UW_USERDIR_EXCL, err);
	if (rc < 0)
		goto out;
	fd = uw_file_tmp_at(d->fd, name, tmp, sizeof(tmp));
	if (fd < 0) {
		e = -fd;
		rc = uw_error_set(err, -e, "Cannot write in %s: %s. Check that the directory is "
				  "yours and writable.", d->path, strerror(e));
		goto out;
	}
	/* Ours by creation already (fsuid); say it explicitly, on the fd. */
	if (fchown(fd, d->uid, d->gid) < 0 || (rc = uw_file_fill(fd, data, len, mode)) < 0) {
		e = rc < 0 ? -rc : errno;
		close(fd);
		unlinkat(d->fd, tmp, 0);
		rc = uw_error_set(err, -e, "Cannot write %s: %s.", shown, strerror(e));
		goto out;
	}
	close(fd);
	rc = uw_file_commit_at(d->fd, tmp, name, flags & UW_USERDIR_EXCL);
	if (rc < 0) {
		e = -rc;
		rc = e == EEXIST ? uw_error_set(err, -EEXIST, "%s already exists; it was left as it "
						"is.", shown) :
			uw_error_set(err, -e, "Cannot write %s: %s.", shown, strerror(e));
		goto out;
	}
	rc = 0;
out:
	uw_fsid_leave(&fs);
	return rc;
}

int uw_open_regular(const char *path, const char *what, struct uw_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		return uw_error_set(err, -e, "%s %s cannot be read: %s.", what, path, strerror(e));
	}
	/* O_NONBLOCK: opening a FIFO returns at once, and fstat then tells what it is. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return uw_error_set(err, -EINVAL, "%s %s is %s, not a regular file; it was not "
				    "read. Give the path of a file.", what, path, type_name(st.st_mode));
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int uw_write_file_safely(const char *path, const void *data, size_t len, mode_t mode,
			 unsigned flags, struct uw_error *err)
{
	_auto_(free) char *dir = uw_strdup(path ? path : "");
	struct uw_userdir d;
	struct uw_fsid fs;
	char *slash = strrchr(dir, '/'), tmp[128];
	const char *name;
	uid_t su;
	gid_t sg;
	struct stat dst;
	int fd, rc;

	if (slash) {
		name = path + (slash - dir) + 1;
		*slash = '\0';
		if (!*dir) {
			free(dir);
			dir = uw_strdup("/");
		}
	} else {
		name = path;
		free(dir);
		dir = uw_strdup(".");
	}
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return uw_error_set(err, -EINVAL, "'%s' names a directory; give a file name.", path);
	rc = uw_userdir_open(dir, 0, &d, err);
	if (rc < 0)
		return rc == -ENOENT ? uw_error_set(err, rc, "%s cannot be written: %s", path,
						     err ? err->msg : "") : rc;
	rc = uw_fsid_enter(d.uid, d.gid, &fs, err);
	if (rc < 0)
		goto out_dir;
	rc = check_target(d.fd, name, path, false, err);
	fd = rc < 0 ? -1 : uw_file_tmp_at(d.fd, name, tmp, sizeof(tmp));
	uw_fsid_leave(&fs);
	if (rc < 0)
		goto out_dir;
	if (fd < 0) {
		rc = uw_error_set(err, fd, "Cannot write in %s: %s.", dir, strerror(-fd));
		goto out_dir;
	}
	/* Under sudo the report is the user's: on the fd, never on a path. */
	if ((flags & UW_WRITE_FOR_USER) && uw_sudo_user(&su, &sg) && fstat(d.fd, &dst) == 0 &&
	    (dst.st_uid == su || (dst.st_mode & S_ISVTX)) && fchown(fd, su, sg) < 0) {
		/* Keep going: it stays root's, still mode @mode. */
	}
	if ((rc = uw_file_fill(fd, data, len, mode)) < 0) {
		rc = uw_error_set(err, rc, "Cannot write %s: %s.", path, strerror(-rc));
		close(fd);
		goto out_tmp;
	}
	close(fd);
	rc = uw_fsid_enter(d.uid, d.gid, &fs, err);
	if (rc < 0)
		goto out_tmp;
	rc = uw_file_commit_at(d.fd, tmp, name, false);
	uw_fsid_leave(&fs);
	if (rc < 0) {
		rc = uw_error_set(err, rc, "Cannot write %s: %s.", path, strerror(-rc));
		goto out_dir;
	}
	rc = 0;
	goto out_dir;
out_tmp:
	if (uw_fsid_enter(d.uid, d.gid, &fs, NULL) == 0) {
		unlinkat(d.fd, tmp, 0);
		uw_fsid_leave(&fs);
	}
out_dir:
	uw_userdir_close(&d);
	return rc;
}
