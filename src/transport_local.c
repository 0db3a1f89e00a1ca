/* This machine, every managed path under an optional root (chroots,
 * images, tests). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transport.h"

static void fill_stat(struct mr_stat *st, const struct stat *sb)
{
	st->exists = 1;
	st->is_regular = S_ISREG(sb->st_mode);
	st->is_symlink = S_ISLNK(sb->st_mode);
	st->mode = sb->st_mode & 07777;
	st->uid = sb->st_uid;
	st->gid = sb->st_gid;
	st->size = sb->st_size;
	st->mtime = sb->st_mtime;
}

static void sys_error(struct mr_error **err, const struct mr_transport *t, const char *path,
                      const char *what, int errnum)
{
	char *where = mr_xasprintf("%s:%s", t->host, path);
	mr_error_add(err, MR_ERR_SYSTEM, where, "%s: %s", what, strerror(errnum));
	free(where);
}

static char *local_realpath(void *ctx, const char *p)
{
	(void)ctx;
	return realpath(p, NULL);
}

/* root + path, refused if a link leads out of the root: an image's
 * absolute link such as /etc/libvirt -> /srv/libvirt would otherwise have
 * root edit this machine's own files. t->root is canonical. */
static char *rooted(struct mr_transport *t, const char *path, int follow_last,
                    struct mr_error **err)
{
	if (!t->root)
		return mr_transport_path(t, path);
	return mr_transport_contained(t, t->root, path, follow_last, local_realpath, NULL, err);
}

static int local_stat(struct mr_transport *t, const char *path, struct mr_stat *st,
                      struct mr_error **err)
{
	char *real = rooted(t, path, 0, err);
	if (!real)
		return -1;
	struct stat sb;
	int r = 0;
	memset(st, 0, sizeof(*st));
	if (lstat(real, &sb) == 0)
		fill_stat(st, &sb);
	else if (errno != ENOENT && errno != ENOTDIR) {
		sys_error(err, t, path, "cannot stat", errno);
		r = -1;
	}
	free(real);
	return r;
}

static int local_read(struct mr_transport *t, const char *path, char **data, size_t *len,
                      struct mr_stat *st, struct mr_error **err)
{
	char *real = NULL;
	struct stat sb;
	int r = -1;
	*data = NULL;
	*len = 0;
	if (local_stat(t, path, st, err) < 0)
		return -1;
	if (!st->exists)
		return 0;
	/* Reading follows a last symlink, so it too must stay inside. */
	real = rooted(t, path, 1, err);
	if (!real)
		goto out;
	if (st->is_symlink && stat(real, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		sys_error(err, t, path, "not a regular file", EINVAL);
		goto out;
	}
	if (!st->is_symlink && !st->is_regular) {
		sys_error(err, t, path, "not a regular file", EINVAL);
		goto out;
	}
	if (!(*data = mr_file_read(real, len))) {
		sys_error(err, t, path, "cannot read", errno);
		goto out;
	}
	r = 0;
out:
	free(real);
	return r;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Is the target still what was read? Checked right before the rename. */
static int unchanged_since_read(const char *real, const struct mr_write_expect *expect)
{
	struct stat sb;
	if (lstat(real, &sb) < 0)
		return errno == ENOENT && !expect->existed;
	if (!expect->existed || !S_ISREG(sb.st_mode) || (size_t)sb.st_size != expect->len)
		return 0;
	size_t n = 0;
	char *now = mr_file_read(real, &n);
	int same = now && n == expect->len && memcmp(now, expect->data, n) == 0;
	free(now);
	return same;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

static int local_write(struct mr_transport *t, const char *path, const char *data, size_t len,
                       const struct mr_write_opts *opts, struct mr_error **err)
{
	char *real = rooted(t, path, 0, err);
	char *tmp = NULL, *dir = NULL;
	int fd = -1, r = -1;
	if (!real)
		return -1;
	struct stat sb;
	mode_t mode = opts->mode;
	uid_t uid = opts->uid;
	gid_t gid = opts->gid;

	if (lstat(real, &sb) == 0) {
		if (S_ISLNK(sb.st_mode)) {
			char *where = mr_xasprintf("%s:%s", t->host, path);
			mr_error_add(err, MR_ERR_CONFLICT, where, "is a symbolic link; not written");
			free(where);
			goto out;
		}
		if (!S_ISREG(sb.st_mode)) {
			sys_error(err, t, path, "not a regular file", EINVAL);
			goto out;
		}
		mode = sb.st_mode & 07777;
		uid = sb.st_uid;
		gid = sb.st_gid;
	}
	const char *slash = strrchr(real, '/');
	dir = slash ? mr_xstrndup(real, (size_t)(slash - real) + (slash == real)) : mr_xstrdup(".");
	tmp = mr_xasprintf("%s/.%s.migready-XXXXXX", dir, slash ? slash + 1 : real);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		sys_error(err, t, path, "cannot create a temporary file", errno);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (write_all(fd, data, len) < 0) {
		sys_error(err, t, path, "cannot write", errno);
		goto out;
	}
	/* Owner before mode: chown clears set-id bits. A user who is not root
	 * cannot give files away; the file stays theirs. */
	if (uid != (uid_t)-1 && fchown(fd, uid, gid) < 0 && errno != EPERM) {
		sys_error(err, t, path, "cannot set owner", errno);
		goto out;
	}
	if (fchmod(fd, mode) < 0) {
		sys_error(err, t, path, "cannot set mode", errno);
		goto out;
	}
	if (fsync(fd) < 0) {
		sys_error(err, t, path, "cannot sync", errno);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		sys_error(err, t, path, "cannot write", errno);
		goto out;
	}
	fd = -1;
	if (opts->expect && !unchanged_since_read(real, opts->expect)) {
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, MR_ERR_CONFLICT, where,
		             "changed since it was read (another tool or admin?); not overwritten");
		free(where);
		goto out;
	}
	if (opts->expect && !opts->expect->existed) {
		/* A new file: link(2) fails if one appeared since the check,
		 * where rename(2) would replace it. */
		if (link(tmp, real) < 0) {
			if (errno == EEXIST) {
				char *where = mr_xasprintf("%s:%s", t->host, path);
				mr_error_add(err, MR_ERR_CONFLICT, where,
				             "appeared since it was read; not overwritten");
				free(where);
			} else {
				sys_error(err, t, path, "cannot create", errno);
			}
			goto out;
		}
		unlink(tmp);
	} else if (rename(tmp, real) < 0) {
		sys_error(err, t, path, "cannot replace", errno);
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (fsync_dir(dir) < 0) {
		sys_error(err, t, path, "cannot sync its directory", errno);
		goto out;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	free(real);
	return r;
}

static int local_mkdir_p(struct mr_transport *t, const char *path, mode_t mode,
                         struct mr_error **err)
{
	char *real = rooted(t, path, 1, err);
	int r = -1;
	if (!real)
		return -1;
	for (char *p = real + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(real, mode) < 0 && errno != EEXIST) {
			sys_error(err, t, path, "cannot create directory", errno);
			goto out;
		}
		*p = saved;
		if (!saved)
			break;
	}
	r = 0;
out:
	free(real);
	return r;
}

static int local_run(struct mr_transport *t, const char *command, char **out, size_t *out_len,
                     int *status, struct mr_error **err)
{
	int fds[2];
	if (out)
		*out = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		sys_error(err, t, command, "cannot run", errno);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		sys_error(err, t, command, "cannot run", errno);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	struct mr_buf buf;
	mr_buf_init(&buf);
	mr_fd_read(fds[0], &buf);
	close(fds[0]);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	if (out)
		*out = mr_buf_steal(&buf, out_len);
	mr_buf_fini(&buf);
	return 0;
}

static void local_close(struct mr_transport *t)
{
	free(t->host);
	free(t->root);
	free(t);
}

static const struct mr_transport_ops local_ops = {
	.name = "local",
	.read_file = local_read,
	.stat = local_stat,
	.write_file = local_write,
	.mkdir_p = local_mkdir_p,
	.run = local_run,
	.close = local_close,
};

struct mr_transport *mr_transport_local_new(const char *root, struct mr_error **err)
{
	char *canonical = NULL;
	if (root) {
		/* An empty root is a wrapper's unset variable, not "this machine". */
		canonical = *root ? realpath(root, NULL) : NULL;
		struct stat sb;
		if (!canonical || stat(canonical, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			mr_error_add(err, MR_ERR_INPUT, NULL, "root '%s': %s", root,
			             !*root ? "empty" : canonical ? strerror(ENOTDIR) : strerror(errno));
			free(canonical);
			return NULL;
		}
		if (strcmp(canonical, "/") == 0) {
			free(canonical);
			canonical = NULL;
		}
	}
	struct mr_transport *t = mr_xcalloc(1, sizeof(*t));
	t->ops = &local_ops;
	t->host = mr_xstrdup("localhost");
	t->root = canonical;
	return t;
}
