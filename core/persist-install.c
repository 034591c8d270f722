// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Install and uninstall generated files under a root prefix.
 *
 * The manifest is a journal: each step ("dir P", "backup P", "file P",
 * "link P") is appended and fsync'd *before* it is done, so an uninstall
 * after a crash in the middle of an install still finds everything. Files
 * are written to a temp file in the target directory and renamed over the
 * old one: a reader (NetworkManager, udev) never sees half a file.
 */
#include "core/nm.h"
#include "core/persist.h"
#include "core/sanitize.h"
#include "core/version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define BACKUP_DIR UW_PERSIST_STATE_DIR "/backup"
/* What to do about a manifest we cannot trust (said after the problem). */
#define MANIFEST_BY_HAND " Remove by hand the files it lists, put back the files saved under " \
	BACKUP_DIR ", then delete the manifest."
#define MAX_ENTRIES 256

/* Paths come from our generators or from the manifest; either way they
 * must be plain absolute paths, because uninstall deletes what they name. */
static bool path_ok(const char *p)
{
	size_t n = strlen(p);

	if (n < 2 || p[0] != '/' || p[n - 1] == '/' || n >= 256)
		return false;
	if (strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../") || !strcmp(p + n - 2, "/.") ||
	    (n >= 3 && !strcmp(p + n - 3, "/..")))
		return false;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return false;
	return true;
}

static const char *root_prefix(const char *root)
{
	return !root || !strcmp(root, "/") ? "" : root;
}

static void join(char *out, size_t len, const char *root, const char *path)
{
	snprintf(out, len, "%s%s", root_prefix(root), path);
}

struct manifest {
	FILE *f;
};

static int journal(struct manifest *m, const char *kind, const char *path, struct uw_error *err)
{
	if (fprintf(m->f, "%s %s\n", kind, path) < 0 || fflush(m->f) != 0 || fsync(fileno(m->f)) < 0)
		return uw_error_set(err, -errno, "Could not write the install manifest: %s.", strerror(errno));
	return 0;
}

/* mkdir -p of root+path's parent directories, journaling each one we create
 * (with @m NULL nothing is journaled). */
static int mkdirs(const char *root, const char *path, struct manifest *m, struct uw_error *err)
{
	char rel[256], full[512];
	struct stat st;

	uw_strlcpy(rel, path, sizeof(rel));
	for (char *s = rel + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		join(full, sizeof(full), root, rel);
		if (lstat(full, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return uw_error_set(err, -ENOTDIR, "%s is not a directory: cannot install %s.",
						    full, path);
		} else {
			if (m && journal(m, "dir", rel, err) < 0)
				return err ? err->code : -EIO;
			if (mkdir(full, 0755) < 0 && errno != EEXIST)
				return uw_error_set(err, -errno, "Could not create %s: %s.", full, strerror(errno));
		}
		*s = '/';
	}
	return 0;
}

/* Copy @src (a file or symlink) to a fresh temp next to @dst and rename it
 * over @dst, with the same mode. */
static int copy_atomic(const char *src, const char *dst, struct uw_error *err)
{
	char tmp[600], buf[8192], lt[512];
	struct stat st;
	ssize_t r;
	int in = -1, out = -1, e = 0;

	if (lstat(src, &st) < 0)
		return uw_error_set(err, -errno, "Could not read %s: %s.", src, strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s.uw-tmp-%d", dst, (int)getpid());
	unlink(tmp);
	if (S_ISLNK(st.st_mode)) {
		r = readlink(src, lt, sizeof(lt) - 1);
		if (r < 0)
			return uw_error_set(err, -errno, "Could not read the link %s: %s.", src, strerror(errno));
		lt[r] = '\0';
		if (symlink(lt, tmp) < 0)
			return uw_error_set(err, -errno, "Could not create %s: %s.", tmp, strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (in < 0)
			return uw_error_set(err, -errno, "Could not read %s: %s.", src, strerror(errno));
		out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (out < 0) {
			e = errno;
			close(in);
			return uw_error_set(err, -e, "Could not create %s: %s.", tmp, strerror(e));
		}
		while ((r = read(in, buf, sizeof(buf))) > 0) {
			if (write(out, buf, (size_t)r) != r) {
				e = errno ? errno : EIO;
				break;
			}
		}
		if (r < 0)
			e = errno;
		if (!e && (fchmod(out, st.st_mode & 07777) < 0 || fsync(out) < 0))
			e = errno;
		close(in);
		if (close(out) < 0 && !e)
			e = errno;
		if (e) {
			unlink(tmp);
			return uw_error_set(err, -e, "Could not copy %s: %s.", src, strerror(e));
		}
	} else {
		return uw_error_set(err, -EINVAL, "%s is neither a file nor a link: it is not replaced.", src);
	}
	if (rename(tmp, dst) < 0) {
		e = errno;
		unlink(tmp);
		return uw_error_set(err, -e, "Could not put %s in place: %s.", dst, strerror(e));
	}
	return 0;
}

static int write_atomic(const char *dst, const struct uw_persist_file *f, struct uw_error *err)
{
	char tmp[600];
	size_t len, off = 0;
	int fd, e = 0;

	snprintf(tmp, sizeof(tmp), "%s.uw-tmp-%d", dst, (int)getpid());
	unlink(tmp);
	if (f->link_target[0]) {
		if (symlink(f->link_target, tmp) < 0)
			return uw_error_set(err, -errno, "Could not create the link %s: %s.", tmp, strerror(errno));
	} else {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return uw_error_set(err, -errno, "Could not create %s: %s.", tmp, strerror(errno));
		len = f->content ? strlen(f->content) : 0;
		while (off < len) {
			ssize_t w = write(fd, f->content + off, len - off);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				e = errno;
				break;
			}
			off += (size_t)w;
		}
		/* fchmod, not the open mode: the umask would change it, and the
		 * mode matters (NetworkManager ignores a keyfile others can read). */
		if (!e && (fchmod(fd, f->mode & 07777) < 0 || fsync(fd) < 0))
			e = errno;
		if (close(fd) < 0 && !e)
			e = errno;
		if (e) {
			unlink(tmp);
			return uw_error_set(err, -e, "Could not write %s: %s.", dst, strerror(e));
		}
	}
	if (rename(tmp, dst) < 0) {
		e = errno;
		unlink(tmp);
		return uw_error_set(err, -e, "Could not put %s in place: %s.", dst, strerror(e));
	}
	return 0;
}

static bool is_nm_keyfile(const char *path)
{
	return !strncmp(path, UW_PERSIST_NM_CONN_DIR "/", strlen(UW_PERSIST_NM_CONN_DIR) + 1);
}

/*
 * NetworkManager does not notice a new or removed keyfile by itself: a
 * running one is asked to load the ones just written (Settings.LoadConnections,
 * what `nmcli connection load` does), so the phone's connection works on the
 * next plug without a restart. Best effort and silent: NetworkManager loads
 * only files in its own directories (an install under another root is not
 * its business), and a NetworkManager that is not running reads them when it
 * starts.
 */
static void nm_load(const struct uw_persist_file *files, size_t n, const char *root)
{
	char paths[4][512];
	const char *pp[4];
	size_t k = 0;

	for (size_t i = 0; i < n && k < 4; i++) {
		if (files[i].link_target[0] || !is_nm_keyfile(files[i].path))
			continue;
		join(paths[k], sizeof(paths[k]), root, files[i].path);
		pp[k] = paths[k];
		k++;
	}
	if (k)
		uw_nm_load_connections(pp, k, NULL, NULL);
}

bool uw_persist_installed(const char *root)
{
	char full[512];
	struct stat st;

	join(full, sizeof(full), root, UW_PERSIST_MANIFEST);
	return lstat(full, &st) == 0;
}

int uw_persist_install(const struct uw_persist_file *files, size_t n, const char *root,
		       struct uw_error *err)
{
	char full[512], bak[512], mpath[512];
	struct manifest m = { 0 };
	struct stat st;
	int r = 0, fd;

	if (root && root[0] != '/')
		return uw_error_set(err, -EINVAL, "The root directory \"%.100s\" must be an absolute path.", root);
	if (root && (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)))
		return uw_error_set(err, -ENOENT, "The root directory %.200s does not exist.", root);
	if (n == 0 || n > MAX_ENTRIES / 4)
		return uw_error_set(err, -EINVAL, "Nothing to install.");
	for (size_t i = 0; i < n; i++) {
		if (!path_ok(files[i].path) || !strncmp(files[i].path, UW_PERSIST_STATE_DIR "/",
							 strlen(UW_PERSIST_STATE_DIR) + 1))
			return uw_error_set(err, -EINVAL, "Refusing to install to \"%.200s\": not a plain "
					    "absolute path.", files[i].path);
		if (!files[i].link_target[0] && !files[i].content)
			return uw_error_set(err, -EINVAL, "%s has no content.", files[i].path);
	}
	if (uw_persist_installed(root))
		return uw_error_set(err, -EEXIST, "A permanent setup is already installed (%s%s): run "
				    "'usbnet-wizard persist --uninstall' first.", root_prefix(root),
				    UW_PERSIST_MANIFEST);

	/* The state directory itself: created (unjournaled) before the manifest
	 * can exist; uninstall removes it when it is empty. */
	const char *state_dirs[] = { "/var", "/var/lib", UW_PERSIST_STATE_DIR };
	bool made[3];

	for (size_t i = 0; i < 3; i++) {
		join(full, sizeof(full), root, state_dirs[i]);
		made[i] = lstat(full, &st) < 0;
	}
	r = mkdirs(root, UW_PERSIST_MANIFEST, NULL, err);
	if (r < 0)
		return r;
	join(mpath, sizeof(mpath), root, UW_PERSIST_MANIFEST);
	fd = open(mpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return uw_error_set(err, -errno, "Could not create %s: %s.", mpath, strerror(errno));
	m.f = fdopen(fd, "w");
	if (!m.f) {
		close(fd);
		return uw_error_set(err, -ENOMEM, "Out of memory.");
	}
	fprintf(m.f, "# usbnet-wizard persist manifest: what 'persist --install' did, in order.\n");
	for (size_t i = 0; i < 3 && r == 0; i++)
		if (made[i])
			r = journal(&m, "dir", state_dirs[i], err);

	for (size_t i = 0; i < n && r == 0; i++) {
		const struct uw_persist_file *f = &files[i];

		join(full, sizeof(full), root, f->path);
		r = mkdirs(root, f->path, &m, err);
		if (r < 0)
			break;
		if (lstat(full, &st) == 0) {
			/* Someone else's file: keep a copy first, or do not touch it. */
			char bakrel[300];

			snprintf(bakrel, sizeof(bakrel), "%s%s", BACKUP_DIR, f->path);
			join(bak, sizeof(bak), root, bakrel);
			if (lstat(bak, &st) == 0) {
				r = uw_error_set(err, -EEXIST, "A backup of %s already exists (%s) from an earlier "
						 "install: move it away, then try again. %s was not replaced.",
						 f->path, bak, f->path);
				break;
			}
			r = mkdirs(root, bakrel, &m, err);
			if (r < 0)
				break;
			r = journal(&m, "backup", f->path, err);
			if (r < 0)
				break;
			r = copy_atomic(full, bak, err);
			if (r < 0) {
				uw_error_prefix(err, "Could not back up %s, so it was not replaced", f->path);
				break;
			}
		}
		r = journal(&m, f->link_target[0] ? "link" : "file", f->path, err);
		if (r < 0)
			break;
		r = write_atomic(full, f, err);
	}
	fclose(m.f);
	if (r < 0) {
		struct uw_error e2;
		uw_persist_uninstall(root, &e2);
		return r;
	}
	nm_load(files, n, root);
	return r;
}

struct entry {
	char kind[8];
	char path[256];
};

int uw_persist_uninstall(const char *root, struct uw_error *err)
{
	char mpath[512], full[512], bak[600], line[600];
	struct entry *ents;
	size_t n = 0;
	FILE *f;
	int r = 0;

	join(mpath, sizeof(mpath), root, UW_PERSIST_MANIFEST);
	f = fopen(mpath, "re");
	if (!f) {
		if (errno == ENOENT)
			return uw_error_set(err, -ENOENT, "No permanent setup is installed (no %s).", mpath);
		return uw_error_set(err, -errno, "Could not read %s: %s.", mpath, strerror(errno));
	}
	ents = uw_malloc0(MAX_ENTRIES * sizeof(*ents));
	/* Read and check everything before removing anything. */
	while (fgets(line, sizeof(line), f)) {
		char *sp, *nl = strchr(line, '\n');

		if (!nl) {
			r = uw_error_set(err, -EINVAL, "%s has an overlong line: not touching anything."
					 MANIFEST_BY_HAND, mpath);
			break;
		}
		*nl = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		sp = strchr(line, ' ');
		if (!sp || n >= MAX_ENTRIES) {
			r = uw_error_set(err, -EINVAL, "%s is damaged (\"%.80s\"): not touching anything."
					 MANIFEST_BY_HAND, mpath, line);
			break;
		}
		*sp = '\0';
		if ((strcmp(line, "dir") && strcmp(line, "file") && strcmp(line, "link") &&
		     strcmp(line, "backup")) || !path_ok(sp + 1)) {
			r = uw_error_set(err, -EINVAL, "%s has a line that is not ours (\"%.20s %.80s\"): not "
					 "touching anything." MANIFEST_BY_HAND, mpath, line, sp + 1);
			break;
		}
		uw_strlcpy(ents[n].kind, line, sizeof(ents[n].kind));
		uw_strlcpy(ents[n].path, sp + 1, sizeof(ents[n].path));
		n++;
	}
	fclose(f);
	if (r < 0) {
		free(ents);
		return r;
	}

	/* Files, links and backups in reverse order: a backed-up file is first
	 * removed (our version), then its backup is put back. */
	for (size_t i = n; i-- > 0;) {
		struct entry *e = &ents[i];

		join(full, sizeof(full), root, e->path);
		if (!strcmp(e->kind, "file") || !strcmp(e->kind, "link")) {
			if (unlink(full) < 0 && errno != ENOENT && r == 0)
				r = uw_error_set(err, -errno, "Could not remove %s: %s.", full, strerror(errno));
		} else if (!strcmp(e->kind, "backup")) {
			char bakrel[300];
			struct stat st;

			snprintf(bakrel, sizeof(bakrel), "%s%s", BACKUP_DIR, e->path);
			join(bak, sizeof(bak), root, bakrel);
			if (lstat(bak, &st) < 0)
				continue; /* crashed before the copy: the original was never replaced */
			/* Copy, not rename: /var and /etc may be different file systems. */
			if (copy_atomic(bak, full, r == 0 ? err : NULL) < 0) {
				if (r == 0)
					r = err ? err->code : -EIO;
				continue;
			}
			unlink(bak);
		}
	}
	if (r < 0) {
		/* Keep the manifest: another uninstall can finish the job. */
		free(ents);
		return uw_error_prefix(err, "Uninstall incomplete (run it again once fixed)");
	}
	unlink(mpath);
	/* A removed keyfile: NetworkManager forgets its connection on a reload. */
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(ents[i].kind, "file") && is_nm_keyfile(ents[i].path)) {
			uw_nm_reload_connections(NULL);
			break;
		}
	}
	for (size_t i = n; i-- > 0;) {
		if (strcmp(ents[i].kind, "dir"))
			continue;
		join(full, sizeof(full), root, ents[i].path);
		rmdir(full); /* only when empty: someone may have put files there since */
	}
	join(full, sizeof(full), root, BACKUP_DIR);
	rmdir(full);
	join(full, sizeof(full), root, UW_PERSIST_STATE_DIR);
	rmdir(full);
	free(ents);
	return 0;
}

int uw_persist_service_binary(const char *root, char *out, size_t len, struct uw_error *err)
{
	static const char *const system_dirs[] = { "/usr/", "/sbin/", "/bin/" };
	bool real = !root || !root[0] || !strcmp(root, "/");
	_auto_(free) char *at = uw_strdup_printf("%s%s", real ? "" : root, UW_INSTALLED_BIN);
	_auto_(free) char *shown = NULL;
	char self[512];
	struct stat st;
	ssize_t n;

	if (lstat(at, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 && (st.st_mode & 0111) &&
	    !(st.st_mode & 022)) {
		uw_strlcpy(out, UW_INSTALLED_BIN, len);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		uw_strlcpy(self, "an unknown place", sizeof(self));
	else
		self[n] = '\0';
	for (size_t i = 0; real && n > 0 && i < UW_ARRAY_SIZE(system_dirs); i++) {
		if (!strncmp(self, system_dirs[i], strlen(system_dirs[i])) &&
		    stat(self, &st) == 0 && st.st_uid == 0 && !(st.st_mode & 022)) {
			uw_strlcpy(out, self, len);
			return 0;
		}
	}
	shown = uw_sanitize_dup(self, 0);
	return uw_error_set(err, -ENOENT, "usbnet-wizard is not installed where a system service can "
			    "run it: this one runs from %s, and a service pointing there breaks when that "
			    "tree moves. Install it first ('sudo make install' puts it in %s, or install "
			    "the package), then choose this again. Nothing was changed.", shown,
			    UW_INSTALLED_BIN);
}
