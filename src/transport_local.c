/* This machine, every managed path under an optional root (chroots,
 * images, tests). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"

struct local_transport {
	struct mr_transport base; /* first: the common part */
	struct child {
		pid_t pid;
		int in, out, err;
	} held; /* a command kept running (the host's lock) */
	int serving; /* ... which serves commands (MR_SERVING_MARK) */
};

static void fill_stat(struct mr_stat *st, const struct stat *sb)
{
	st->exists = 1;
	st->is_regular = S_ISREG(sb->st_mode);
	st->is_symlink = S_ISLNK(sb->st_mode);
	st->is_dir = S_ISDIR(sb->st_mode);
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
	size_t cap = mr_transport_max_file(t);
	if (stat(real, &sb) == 0 && (size_t)sb.st_size > cap) {
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, MR_ERR_HOST, where, "larger than %zu bytes (--max-file-size); not read",
		             cap);
		free(where);
		goto out;
	}
	if (!(*data = mr_file_read(real, len))) {
		sys_error(err, t, path, "cannot read", errno);
		goto out;
	}
	if (*len > cap) { /* it grew while read */
		free(*data);
		*data = NULL;
		*len = 0;
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, MR_ERR_HOST, where, "larger than %zu bytes (--max-file-size); not read",
		             cap);
		free(where);
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

/* A pause for the fault tests, like src/commit.sh's fault points: with
 * MIGREADY_FAULT=POINT:pause, writes the pid to
 * $MIGREADY_FAULT_DIR/migready-fault.POINT and waits while that file exists
 * (2 minutes at most). */
static void fault_pause(const char *point)
{
	if (!mr_fault_is(point, "pause", NULL))
		return;
	const char *dir = getenv("MIGREADY_FAULT_DIR");
	char *file = mr_xasprintf("%s/migready-fault.%s", dir ? dir : "/tmp", point);
	FILE *f = fopen(file, "w");
	if (f) {
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	for (int i = 0; i < 1200 && access(file, F_OK) == 0; i++)
		nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
	free(file);
}

/* dir (relative to the directory root) opened one component at a time,
 * never through a symbolic link (ELOOP) nor up (EXDEV); with mkdir_mode
 * not (mode_t)-1, a missing component is made so first (*made_out, if
 * made_out is not NULL: the first made, as a path under the root). */
static int walk_nofollow(int root, const char *dir, mode_t mkdir_mode, char **made_out)
{
	char *copy = mr_xstrdup(dir);
	int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c && fd >= 0;
	     c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		int next = -1, e = EXDEV;
		if (strcmp(c, "..") != 0) {
			int made = mkdir_mode != (mode_t)-1 && mkdirat(fd, c, mkdir_mode) == 0;
			if (made && made_out && !*made_out)
				*made_out = mr_xasprintf("/%.*s", (int)(c - copy + strlen(c)), dir);
			/* one it made is opened for reading: fchmod gives it the
			 * mode asked for, not what the umask left of it (cron's 077
			 * made /etc/nova/nova.conf.d root's alone) */
			int how = (made ? O_RDONLY : O_PATH) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
			if (mkdir_mode != (mode_t)-1 && !made && errno != EEXIST)
				e = errno;
			else if ((next = openat(fd, c, how)) < 0)
				e = errno;
			else if (made && fchmod(next, mkdir_mode) < 0) {
				e = errno;
				close(next);
				next = -1;
			}
			struct stat sb;
			/* O_PATH|O_NOFOLLOW makes a link ENOTDIR: say what it is */
			if (next < 0 && e == ENOTDIR && fstatat(fd, c, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(sb.st_mode))
				e = ELOOP;
		}
		close(fd);
		fd = next;
		errno = e;
	}
	free(copy);
	return fd;
}

/* The directory dir of path, under the root, opened so that no symbolic
 * link on the way is followed: one swapped in after rooted()'s check must
 * not take a write out of the root. openat2 (RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS) where the kernel has it (5.6), else a walk of
 * O_NOFOLLOW opens. Without a root, dir as it is (links followed), and
 * mkdir_mode must be (mode_t)-1; else as walk_nofollow's. A descriptor, or
 * -1 with err naming host:path. */
static int open_dir(struct mr_transport *t, const char *path, const char *dir, mode_t mkdir_mode,
                    char **made, const char *what, struct mr_error **err)
{
	int fd = -1;
	if (!t->root) {
		if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			sys_error(err, t, path, what, errno);
		return fd;
	}
	int root = open(t->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		sys_error(err, t, path, what, errno);
		return -1;
	}
	while (*dir == '/')
		dir++;
	if (mkdir_mode == (mode_t)-1) {
		struct open_how how = {
			.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
		};
		fd = (int)syscall(SYS_openat2, root, *dir ? dir : ".", &how, sizeof(how));
	}
	if (mkdir_mode != (mode_t)-1 || (fd < 0 && errno == ENOSYS))
		fd = walk_nofollow(root, dir, mkdir_mode, made);
	int e = errno;
	close(root);
	if (fd < 0 && (e == ELOOP || e == EXDEV)) {
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, MR_ERR_CONFLICT, where,
		             "a symbolic link on the way under the root '%s'; not followed, nothing "
		             "written",
		             t->root);
		free(where);
	} else if (fd < 0) {
		sys_error(err, t, path, what, e);
	}
	return fd;
}

/* ".NAME.migready-XXXXXX" made new (O_EXCL, not through a link) in the
 * directory dirfd; its name in *name (the caller's). */
static int create_temp(int dirfd, const char *base, char **name)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		char *n = mr_temp_name(base);
		int fd = openat(dirfd, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*name = n;
			return fd;
		}
		free(n);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static int local_stage(struct mr_transport *t, const char *path, const char *data, size_t len,
                       mode_t mode, uid_t uid, gid_t gid, char **tmp_out, struct mr_error **err)
{
	char *real = rooted(t, path, 0, err);
	char *dir = NULL, *name = NULL;
	int dirfd = -1, fd = -1, r = -1;
	*tmp_out = NULL;
	if (!real)
		return -1;
	free(real);
	const char *slash = strrchr(path, '/');
	dir = slash ? mr_xstrndup(path, (size_t)(slash - path + 1)) : mr_xstrdup(".");
	const char *base = slash ? slash + 1 : path;
	fault_pause("stage");
	dirfd = open_dir(t, path, dir, (mode_t)-1, NULL, "cannot create a temporary file", err);
	if (dirfd < 0)
		goto out;
	fd = create_temp(dirfd, base, &name);
	if (fd < 0) {
		sys_error(err, t, path, "cannot create a temporary file", errno);
		goto out;
	}
	if (write_all(fd, data, len) < 0) {
		sys_error(err, t, path, "cannot write", errno);
		goto out;
	}
	/* Owner before mode: chown clears set-id bits. A user who cannot give
	 * the file its owner is refused: a run as someone else must never make
	 * that user the owner of root's configuration. */
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0) {
		if (errno == EPERM) {
			char *where = mr_xasprintf("%s:%s", t->host, path);
			mr_error_add(err, MR_ERR_HOST, where,
			             "cannot keep its owner %ld:%ld as user %ld; run as root",
			             (long)uid, (long)gid, (long)geteuid());
			free(where);
		} else {
			sys_error(err, t, path, "cannot set owner", errno);
		}
		goto out;
	}
	if (mode != MR_STAGE_MODE_LATER && fchmod(fd, mode) < 0) {
		sys_error(err, t, path, "cannot set mode", errno);
		goto out;
	}
	if (fsync(fd) < 0) {
		sys_error(err, t, path, "cannot sync", errno);
		goto out;
	}
	int closed = close(fd);
	fd = -1;
	if (closed < 0) {
		sys_error(err, t, path, "cannot write", errno);
		goto out;
	}
	char *full_dir = mr_transport_path(t, dir);
	*tmp_out = mr_xasprintf("%s%s", full_dir, name);
	free(full_dir);
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (r < 0 && name)
		unlinkat(dirfd, name, 0);
	if (dirfd >= 0)
		close(dirfd);
	free(name);
	free(dir);
	return r;
}

static void local_unstage(struct mr_transport *t, const char *tmp)
{
	(void)t;
	unlink(tmp);
}

static int local_mkdir_p(struct mr_transport *t, const char *path, mode_t mode, char **made,
                         struct mr_error **err)
{
	char *real = rooted(t, path, 1, err);
	int r = -1;
	if (made)
		*made = NULL;
	if (!real)
		return -1;
	if (t->root) {
		int fd = open_dir(t, path, path, mode, made, "cannot create directory", err);
		if (fd >= 0)
			close(fd);
		r = fd >= 0 ? 0 : -1;
		goto out;
	}
	for (char *p = real + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(real, mode) == 0) {
			if (made && !*made)
				*made = mr_xstrdup(real);
			if (chmod(real, mode) < 0) { /* the mode, not the umask's part of it */
				sys_error(err, t, path, "cannot give the new directory its mode", errno);
				goto out;
			}
		} else if (errno != EEXIST) {
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

/* struct child: a process running argv, with its stdin (a pipe, or -1
 * for /dev/null), stdout and stderr pipes. */

static int spawn(struct mr_transport *t, const char *const *argv, int want_stdin,
                 struct child *c, struct mr_error **err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	c->pid = -1;
	c->in = c->out = c->err = -1;
	if ((want_stdin && pipe2(pin, O_CLOEXEC) < 0) || pipe2(pout, O_CLOEXEC) < 0 ||
	    pipe2(perr, O_CLOEXEC) < 0)
		goto fail;
	c->pid = fork();
	if (c->pid < 0)
		goto fail;
	if (c->pid == 0) {
		/* Its own process group, so that a time-out ends what it started. */
		setpgid(0, 0);
		int null = open("/dev/null", O_RDONLY);
		dup2(want_stdin ? pin[0] : null, STDIN_FILENO);
		dup2(pout[1], STDOUT_FILENO);
		dup2(perr[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (want_stdin)
		close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	c->in = want_stdin ? pin[1] : -1;
	c->out = pout[0];
	c->err = perr[0];
	signal(SIGPIPE, SIG_IGN);
	return 0;
fail:
	sys_error(err, t, argv[0], "cannot run", errno);
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	return -1;
}

static int reap(pid_t pid)
{
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Feeds input, reads stdout and stderr until both close (or, with until,
 * until until(out, arg) says stdout is complete: returns 1), within
 * t->timeout_s of silence; 0 at the end, -1 with err on a time-out (the
 * child's group is killed) or too much output. With keep_in, its stdin
 * stays open once input is written. */
static int pump(struct mr_transport *t, struct child *c, const char *input, size_t input_len,
                int keep_in, size_t out_max, struct mr_buf *out, struct mr_buf *errtext,
                int (*until)(const struct mr_buf *out, void *arg), void *arg, const char *what,
                struct mr_error **err)
{
	size_t off = 0;
	char buf[65536];
	if (c->in >= 0 && !keep_in && input_len == 0) {
		close(c->in);
		c->in = -1;
	}
	while (c->out >= 0 || c->err >= 0) {
		struct pollfd p[3];
		int n = 0, io = -1, ie = -1, ii = -1;
		if (c->out >= 0)
			p[io = n++] = (struct pollfd){ .fd = c->out, .events = POLLIN };
		if (c->err >= 0)
			p[ie = n++] = (struct pollfd){ .fd = c->err, .events = POLLIN };
		if (c->in >= 0 && off < input_len)
			p[ii = n++] = (struct pollfd){ .fd = c->in, .events = POLLOUT };
		int rc = poll(p, (nfds_t)n, t->timeout_s > 0 ? t->timeout_s * 1000 : -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			kill(-c->pid, SIGKILL);
			mr_error_add(err, MR_ERR_HOST, t->host, "%s: %s after %d s", what,
			             rc == 0 ? "timed out" : "poll failed", t->timeout_s);
			return -1;
		}
		if (ii >= 0 && p[ii].revents) {
			ssize_t w = write(c->in, input + off, input_len - off);
			if (w > 0)
				off += (size_t)w;
			if (w < 0 || (off == input_len && !keep_in)) {
				close(c->in);
				c->in = -1;
			}
		}
		for (int k = 0; k < 2; k++) {
			int idx = k == 0 ? io : ie;
			int *fd = k == 0 ? &c->out : &c->err;
			if (idx < 0 || !p[idx].revents)
				continue;
			ssize_t got = read(*fd, buf, sizeof(buf));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(*fd);
				*fd = -1;
				continue;
			}
			if (k == 1) {
				if (errtext->len < 16384)
					mr_buf_add(errtext, buf, (size_t)got);
				continue;
			}
			if (out->len + (size_t)got > out_max) {
				kill(-c->pid, SIGKILL);
				mr_error_add(err, MR_ERR_HOST, t->host,
				             "%s: more than %zu MiB of output; stopped", what, out_max >> 20);
				return -1;
			}
			mr_buf_add(out, buf, (size_t)got);
			if (until && until(out, arg))
				return 1;
		}
	}
	return 0;
}

static void child_close(struct child *c)
{
	if (c->in >= 0)
		close(c->in);
	if (c->out >= 0)
		close(c->out);
	if (c->err >= 0)
		close(c->err);
	c->in = c->out = c->err = -1;
}

/* Runs argv to its end, or with hold until it prints the held mark (then
 * returns 1 and *held keeps it, its stdin open: it holds what it holds
 * until that closes; *serving says whether it serves, its stdout and
 * stderr then kept open too). stdout lands in o, stderr is logged; 0 when
 * it ended (*status), -1 with err. */
static int start(struct mr_transport *t, const char *const *argv, const char *input,
                 size_t input_len, int hold, struct mr_buf *o, int *status, struct child *held,
                 int *serving, struct mr_error **err)
{
	struct child c;
	struct mr_buf e;
	if (spawn(t, argv, hold || input != NULL, &c, err) < 0)
		return -1;
	mr_buf_init(&e);
	int rc = pump(t, &c, input, input_len, hold, MR_OUTPUT_MAX, o, &e,
	              hold ? mr_held_mark_done : NULL, serving, argv[0], err);
	if (rc == 1) {
		if (!*serving) {
			close(c.out);
			close(c.err);
			c.out = c.err = -1;
		}
		*held = c;
	} else {
		child_close(&c);
		int st = reap(c.pid);
		if (rc == 0)
			*status = st;
	}
	if (rc >= 0)
		mr_transport_log_stderr(t, argv[0], *status, &e);
	mr_buf_fini(&e);
	return rc;
}


static void local_release(struct mr_transport *base);

/* Runs argv in the held command that serves, input on its standard
 * input. 0 when it ended (*status), -1 with err; on any failure the held
 * command is released. */
static int served_run(struct local_transport *t, const char *const *argv, const char *input,
                      size_t input_len, struct mr_buf *o, int *status, struct mr_error **err)
{
	char tag[MR_TAG_LEN + 1];
	size_t len;
	struct mr_serve_reply r = { tag, -1, 0 };
	struct mr_buf e;
	char *req = mr_serve_request(argv, input, input_len, tag, &len);
	/* MIGREADY_FAULT=mid-request:drop: half the request, then its end of
	 * input, as a controller that dies mid-way leaves the serving shell */
	int cut = mr_fault_is("mid-request", "drop", t->base.host);
	mr_buf_init(&e);
	int rc = pump(&t->base, &t->held, req, cut ? len / 2 : len, !cut,
	              MR_OUTPUT_MAX + MR_SERVE_TRAILER_MAX, o, &e, mr_serve_reply_done, &r, argv[0], err);
	rc = mr_serve_finish(&t->base, rc, argv[0], t->base.host, MR_OUTPUT_MAX, &r, o, &e, status,
	                     err);
	if (rc < 0)
		local_release(&t->base);
	free(req);
	mr_buf_fini(&e);
	return rc;
}

static int local_run(struct mr_transport *t, const char *const *argv, const char *input,
                     size_t input_len, char **out, size_t *out_len, int *status,
                     struct mr_error **err)
{
	struct mr_buf o;
	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	*status = -1;
	mr_buf_init(&o);
	struct local_transport *lt = (struct local_transport *)t;
	int rc = lt->held.pid > 0 && lt->serving
	             ? served_run(lt, argv, input, input_len, &o, status, err)
	             : start(t, argv, input, input_len, 0, &o, status, NULL, NULL, err);
	if (rc == 0 && out)
		*out = mr_buf_steal(&o, out_len);
	mr_buf_fini(&o);
	return rc < 0 ? -1 : 0;
}

static int local_hold(struct mr_transport *base, const char *const *argv, const char *input,
                      size_t input_len, char **out, size_t *out_len, int *status,
                      struct mr_error **err)
{
	struct local_transport *t = (struct local_transport *)base;
	struct mr_buf o;
	*out = NULL;
	*out_len = 0;
	*status = -1;
	mr_buf_init(&o);
	int rc = start(base, argv, input, input_len, 1, &o, status, &t->held, &t->serving, err);
	if (rc >= 0)
		*out = mr_buf_steal(&o, out_len);
	mr_buf_fini(&o);
	return rc < 0 ? -1 : 0;
}

static void local_release(struct mr_transport *base)
{
	struct local_transport *t = (struct local_transport *)base;
	if (t->held.pid <= 0)
		return;
	child_close(&t->held);
	reap(t->held.pid);
	t->held.pid = -1;
	t->serving = 0;
}

static void local_close(struct mr_transport *t)
{
	local_release(t);
	free(t->host);
	free(t->root);
	free(t);
}

static const struct mr_transport_ops local_ops = {
	.name = "local",
	.read_file = local_read,
	.stat = local_stat,
	.mkdir_p = local_mkdir_p,
	.run = local_run,
	.hold = local_hold,
	.release = local_release,
	.stage = local_stage,
	.unstage = local_unstage,
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
	struct local_transport *t = mr_xcalloc(1, sizeof(*t));
	t->base.ops = &local_ops;
	t->base.host = mr_xstrdup("localhost");
	t->base.root = canonical;
	t->held.pid = -1;
	return &t->base;
}
