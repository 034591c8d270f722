// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/userfile.h"
#include "core/util.h"

ssize_t uw_file_read_fd(int fd, size_t max, char **out, bool *cut, const char *shown,
			struct uw_error *err)
{
	size_t len = 0, cap = max < 4096 ? max + 1 : 4096;
	char *buf = uw_malloc0(cap + 1);
	ssize_t n;

	*out = NULL;
	if (cut)
		*cut = false;
	/* One byte more than @max tells that the file is longer. */
	while (len <= max) {
		if (len == cap) {
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = uw_realloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			return uw_error_set(err, -e, "Cannot read %s: %s.", shown, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		if (!cut) {
			free(buf);
			return uw_error_set(err, -EFBIG, "%s is larger than %zu bytes: not the file "
					    "expected here.", shown, max);
		}
		*cut = true;
		len = max;
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

ssize_t uw_file_read(const char *path, const char *what, size_t max, char **out, bool *cut,
		     struct uw_error *err)
{
	_auto_fd_ int fd = uw_open_regular(path, what, err);

	*out = NULL;
	if (fd < 0)
		return fd;
	return uw_file_read_fd(fd, max, out, cut, path, err);
}

int uw_file_tmp_at(int dirfd, const char *name, char *tmp, size_t tmpsz)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned r = 0;
		int fd;

		if (getrandom(&r, sizeof(r), 0) < 0)
			r = (unsigned)getpid() ^ (unsigned)tries * 2654435761u;
		snprintf(tmp, tmpsz, ".%.64s.uw-%08x", name, r);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int uw_file_fill(int fd, const void *data, size_t len, mode_t mode)
{
	const char *p = data;

	/* fchmod, not the open mode: the umask would change it, and the mode
	 * matters (NetworkManager ignores a keyfile others can read). */
	if (fchmod(fd, mode & 07777) < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	/* Before the rename: a crash leaves the old file or the whole new one. */
	return fsync(fd) < 0 ? -errno : 0;
}

int uw_file_commit_at(int dirfd, const char *tmp, const char *name, bool excl)
{
	/* rename replaces the name itself: a link or hard link there is never written through. */
	int rc = excl ? renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) :
		renameat(dirfd, tmp, dirfd, name);
	int e = errno;

	if (rc == 0)
		return 0;
	unlinkat(dirfd, tmp, 0);
	return -e;
}

int uw_file_replace(const char *path, const void *data, size_t len, mode_t mode,
		    struct uw_error *err)
{
	_auto_(free) char *dir = uw_strdup(path);
	char *slash = strrchr(dir, '/'), tmp[128];
	const char *name = slash ? slash + 1 : dir;
	_auto_fd_ int dfd = -1;
	int fd, rc;

	if (!*name)
		return uw_error_set(err, -EINVAL, "'%s' names a directory; give a file name.", path);
	if (slash)
		*slash = '\0';
	dfd = open(!slash ? "." : *dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return uw_error_set(err, -errno, "Could not write %s: %s.", path, strerror(errno));
	fd = uw_file_tmp_at(dfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		return uw_error_set(err, fd, "Could not write %s: %s.", path, strerror(-fd));
	rc = uw_file_fill(fd, data, len, mode);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(dfd, tmp, 0);
		return uw_error_set(err, rc, "Could not write %s: %s.", path, strerror(-rc));
	}
	rc = uw_file_commit_at(dfd, tmp, name, false);
	if (rc < 0)
		return uw_error_set(err, rc, "Could not put %s in place: %s.", path, strerror(-rc));
	return 0;
}
