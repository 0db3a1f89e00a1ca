/* The SSH transport against real OpenSSH sshd hosts of tests/lab/lab.sh.
 * Run by run-ssh.sh, which starts the lab and exports its env file
 * (LAB_MODE, LAB_DIR, PORT, ...). In a "local" lab the hosts are trees
 * behind one sshd on 127.0.0.1 (a root prefix per host); in a "netns" lab
 * each host is a network namespace with its own sshd and /etc, reached with
 * no prefix, and the files are checked through the overlay's upper layer. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libssh2.h>

#include "inventory.h"
#include "known_hosts.h"
#include "commit.h"
#include "facts.h"
#include "transport.h"

/* A shell snippet as the one word of /bin/sh -c: these tests exercise the
 * transport's plumbing, not quoting (test_argv_words does that). */
static int sh_run(struct mr_transport *t, const char *script, char **out, size_t *len,
                  int *status, struct mr_error **err)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	return t->ops->run(t, argv, NULL, 0, out, len, status, err);
}
#include "util.h"

#define TIMEOUT_S 10

static const char *lab_dir, *lab_mode, *lab_user, *lab_identity, *lab_known_hosts, *lab_net;
static unsigned lab_port;
static int lab_hosts;

static int netns(void)
{
	return strcmp(lab_mode, "netns") == 0;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		fprintf(stderr, "test_ssh: %s not set: run me through run-ssh.sh\n", name);
		exit(1);
	}
	return v;
}

/* ---- the lab ---- */

struct lab_host {
	struct mr_conn_spec h;
	char name[32], address[64], root[512];
};

static void lab_host_init(struct lab_host *lh, int k)
{
	memset(lh, 0, sizeof(*lh));
	snprintf(lh->name, sizeof(lh->name), "host%d", k);
	if (netns())
		snprintf(lh->address, sizeof(lh->address), "%s.%d", lab_net, 10 + k);
	else
		snprintf(lh->address, sizeof(lh->address), "127.0.0.1");
	snprintf(lh->root, sizeof(lh->root), "%s/hosts/host%d", lab_dir, k);
	lh->h.name = lh->name;
	lh->h.address = lh->address;
	lh->h.port = lab_port;
	lh->h.user = (char *)lab_user;
	lh->h.identity = (char *)lab_identity;
	lh->h.known_hosts = (char *)lab_known_hosts;
	lh->h.root = netns() ? NULL : lh->root;
	lh->h.host_key_check = MR_HOST_KEY_STRICT;
}

/* Where host k's file (a path under /etc) is on this machine. */
static char *local_path(int k, const char *path)
{
	if (netns()) {
		assert_true(mr_str_startswith(path, "/etc/"));
		return mr_xasprintf("%s/netns/host%d/upper%s", lab_dir, k, path + 4);
	}
	return mr_xasprintf("%s/hosts/host%d%s", lab_dir, k, path);
}

static char *sshd_log(int k)
{
	if (netns())
		return mr_xasprintf("%s/netns/host%d/sshd.log", lab_dir, k);
	return mr_xasprintf("%s/sshd.log", lab_dir);
}

static char *host_pub(int k)
{
	if (netns())
		return mr_xasprintf("%s/netns/host%d/ssh_host_ed25519_key.pub", lab_dir, k);
	return mr_xasprintf("%s/ssh_host_ed25519_key.pub", lab_dir);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct mr_buf b;
	char chunk[65536];
	size_t n;
	if (!f)
		return NULL;
	mr_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mr_buf_add(&b, chunk, n);
	fclose(f);
	return mr_buf_steal(&b, len);
}

static void spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int count_lines(const char *path, const char *needle)
{
	size_t len;
	char *text = slurp(path, &len);
	int n = 0;
	for (char *p = text; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(text);
	return n;
}

/* Runs a shell command here and returns its first output line. */
static char *shell_line(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[1024] = "";
	assert_non_null(p);
	if (!fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	pclose(p);
	buf[strcspn(buf, "\n")] = '\0';
	return mr_xstrdup(buf);
}

/* The host key's fingerprint as OpenSSH's ssh-keygen prints it. */
static char *openssh_fp(int k)
{
	char *pub = host_pub(k);
	char *cmd = mr_xasprintf("ssh-keygen -lf '%s' | cut -d' ' -f2", pub);
	char *fp = shell_line(cmd);
	free(cmd);
	free(pub);
	assert_true(mr_str_startswith(fp, "SHA256:"));
	return fp;
}

static uid_t lab_uid(void)
{
	struct passwd *pw = getpwnam(lab_user);
	assert_non_null(pw);
	return pw->pw_uid;
}

static struct mr_transport *open_host(struct lab_host *lh)
{
	struct mr_error *err = NULL;
	struct mr_transport *t = mr_transport_ssh_new(&lh->h, TIMEOUT_S, &err);
	if (!t) {
		char *m = mr_error_format(err);
		fail_msg("cannot connect: %s", m);
	}
	assert_null(err);
	return t;
}

/* The error as a user sees it; printed with MR_TEST_VERBOSE=1. */
static char *err_text(struct mr_error *err)
{
	assert_non_null(err);
	char *m = mr_error_format(err);
	if (getenv("MR_TEST_VERBOSE"))
		fprintf(stderr, "  error: %s\n", m);
	return m;
}

/* Connecting to the host must fail: returns the error's text (the
 * caller's) and, in *kind if wanted, its kind. */
static char *refused(const struct mr_conn_spec *h, int timeout_s, enum mr_error_kind *kind)
{
	struct mr_error *err = NULL;
	assert_null(mr_transport_ssh_new(h, timeout_s, &err));
	char *m = err_text(err);
	if (kind)
		*kind = err->kind;
	mr_error_free(err);
	return m;
}

static int temp_leftovers(int k, const char *dir, const char *name)
{
	char *d = local_path(k, dir);
	char *prefix = mr_xasprintf(".%s.migready-", name);
	DIR *dh = opendir(d);
	struct dirent *de;
	int n = 0;
	assert_non_null(dh);
	while ((de = readdir(dh)))
		if (mr_str_startswith(de->d_name, prefix))
			n++;
	closedir(dh);
	free(prefix);
	free(d);
	return n;
}

/* ---- reading ---- */

static void test_read(void **state)
{
	struct lab_host lh;
	struct mr_stat st;
	struct mr_error *err = NULL;
	char *data;
	size_t len, want_len;
	(void)state;
	lab_host_init(&lh, 1);
	struct mr_transport *t = open_host(&lh);
	assert_string_equal(t->ops->name, "ssh");
	assert_string_equal(t->host, "host1");
	static const char *const files[] = { "/etc/libvirt/qemu.conf", "/etc/libvirt/libvirtd.conf",
		                             "/etc/nova/nova.conf" };
	for (size_t i = 0; i < MR_ARRAY_LEN(files); i++) {
		char *lp = local_path(1, files[i]);
		char *want = slurp(lp, &want_len);
		assert_non_null(want);
		assert_int_equal(mr_transport_read(t, files[i], &data, &len, &st, &err), 0);
		assert_null(err);
		assert_int_equal(len, want_len);
		assert_memory_equal(data, want, len);
		assert_int_equal(data[len], '\0');
		assert_true(st.exists);
		assert_true(st.is_regular);
		assert_false(st.is_symlink);
		assert_int_equal(st.size, (off_t)len);
		assert_int_equal(st.uid, lab_uid());
		struct stat sb;
		assert_int_equal(stat(lp, &sb), 0);
		assert_int_equal(st.mode, sb.st_mode & 07777);
		assert_int_equal(st.mtime, sb.st_mtime);
		free(data);
		free(want);
		free(lp);
	}
	mr_transport_close(t);
}

static void test_read_big(void **state)
{
	/* 3 MB crosses many SFTP read-ahead windows */
	struct lab_host lh;
	struct mr_stat st;
	struct mr_error *err = NULL;
	char *data;
	size_t len, n = 3 * 1024 * 1024 + 123;
	(void)state;
	lab_host_init(&lh, 1);
	char *lp = local_path(1, "/etc/nova/big.bin");
	char *want = mr_xmalloc(n);
	for (size_t i = 0; i < n; i++)
		want[i] = (char)(i * 2654435761u >> 13);
	spit(lp, want, n);
	struct mr_transport *t = open_host(&lh);
	assert_int_equal(mr_transport_read(t, "/etc/nova/big.bin", &data, &len, &st, &err), 0);
	assert_int_equal(len, n);
	assert_memory_equal(data, want, n);
	mr_transport_close(t);
	unlink(lp);
	free(lp);
	free(want);
	free(data);
}

static void test_read_absent_and_stat(void **state)
{
	struct lab_host lh;
	struct mr_stat st;
	struct mr_error *err = NULL;
	char *data = (char *)1;
	size_t len = 7;
	(void)state;
	lab_host_init(&lh, 2);
	struct mr_transport *t = open_host(&lh);
	assert_int_equal(mr_transport_read(t, "/etc/libvirt/absent.conf", &data, &len, &st, &err), 0);
	assert_null(err);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_false(st.exists);
	assert_int_equal(t->ops->stat(t, "/etc/nova/no/such/file", &st, &err), 0);
	assert_false(st.exists);
	assert_int_equal(t->ops->stat(t, "/etc/libvirt", &st, &err), 0);
	assert_true(st.exists);
	assert_false(st.is_regular);
	assert_int_equal(t->ops->stat(t, "/etc/nova/nova.conf", &st, &err), 0);
	assert_true(st.exists && st.is_regular);
	assert_int_equal(st.uid, lab_uid());
	/* a directory is not read */
	assert_int_equal(mr_transport_read(t, "/etc/libvirt", &data, &len, &st, &err), -1);
	char *m = err_text(err);
	assert_non_null(strstr(m, "host2:/etc/libvirt"));
	assert_non_null(strstr(m, "not a regular file"));
	free(m);
	mr_error_free(err);
	mr_transport_close(t);
}

/* ---- writing ---- */

static void test_write_atomic(void **state)
{
	struct lab_host lh;
	struct mr_stat st;
	struct mr_error *err = NULL;
	char *data, *got;
	size_t len, got_len;
	struct stat before, after;
	(void)state;
	lab_host_init(&lh, 1);
	char *lp = local_path(1, "/etc/libvirt/qemu.conf");
	assert_int_equal(chmod(lp, 0640), 0);
	assert_int_equal(stat(lp, &before), 0);
	struct mr_transport *t = open_host(&lh);
	assert_int_equal(mr_transport_read(t, "/etc/libvirt/qemu.conf", &data, &len, &st, &err), 0);
	struct mr_write_expect ex = { .existed = 1, .data = data, .len = len };
	struct mr_write_opts opts = { .mode = 0600, .uid = (uid_t)-1, .gid = (gid_t)-1, .expect = &ex };
	char *new = mr_xasprintf("%s\n# it's migready's\ndynamic_ownership = 0\n", data);
	assert_int_equal(mr_commit_write(t, "/etc/libvirt/qemu.conf", new, strlen(new), &opts, &err), 0);
	assert_null(err);
	got = slurp(lp, &got_len);
	assert_int_equal(got_len, strlen(new));
	assert_memory_equal(got, new, got_len);
	assert_int_equal(stat(lp, &after), 0);
	assert_int_equal(after.st_mode & 07777, 0640); /* the original's, not opts' */
	assert_int_equal(after.st_uid, before.st_uid);
	assert_int_equal(after.st_gid, before.st_gid);
	assert_int_not_equal(after.st_ino, before.st_ino); /* replaced by rename */
	assert_int_equal(temp_leftovers(1, "/etc/libvirt", "qemu.conf"), 0);
	/* write back the original bytes, through the same connection */
	struct mr_write_expect ex2 = { .existed = 1, .data = new, .len = strlen(new) };
	opts.expect = &ex2;
	assert_int_equal(mr_commit_write(t, "/etc/libvirt/qemu.conf", data, len, &opts, &err), 0);
	free(got);
	got = slurp(lp, &got_len);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, data, len);
	chmod(lp, 0644);
	mr_transport_close(t);
	free(got);
	free(new);
	free(data);
	free(lp);
}

static void test_write_new_file(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	struct stat sb;
	size_t len;
	(void)state;
	lab_host_init(&lh, 2);
	char *lp = local_path(2, "/etc/nova/it's new.conf");
	unlink(lp);
	struct mr_transport *t = open_host(&lh);
	struct mr_write_expect ex = { .existed = 0 };
	struct mr_write_opts opts = { .mode = 0604, .uid = (uid_t)-1, .gid = (gid_t)-1, .expect = &ex };
	const char *text = "[DEFAULT]\n";
	assert_int_equal(mr_commit_write(t, "/etc/nova/it's new.conf", text, strlen(text), &opts,
	                                    &err), 0);
	assert_null(err);
	char *got = slurp(lp, &len);
	assert_string_equal(got, text);
	assert_int_equal(stat(lp, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0604);
	assert_int_equal(sb.st_uid, lab_uid());
	assert_int_equal(sb.st_nlink, 1); /* the temporary name is gone */
	/* "must still be absent" now fails: a conflict, file untouched */
	assert_int_equal(mr_commit_write(t, "/etc/nova/it's new.conf", "x", 1, &opts, &err), -1);
	assert_int_equal(err->kind, MR_ERR_CONFLICT);
	mr_error_free(err);
	err = NULL;
	free(got);
	got = slurp(lp, &len);
	assert_string_equal(got, text);
	/* no expectation: plain replace, mode kept */
	opts.expect = NULL;
	assert_int_equal(mr_commit_write(t, "/etc/nova/it's new.conf", "y\n", 2, &opts, &err), 0);
	free(got);
	got = slurp(lp, &len);
	assert_string_equal(got, "y\n");
	assert_int_equal(stat(lp, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0604);
	assert_int_equal(temp_leftovers(2, "/etc/nova", "it's new.conf"), 0);
	mr_transport_close(t);
	unlink(lp);
	free(lp);
	free(got);
}

static void test_write_symlink_refused(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	struct mr_stat st;
	char *data;
	size_t len, before_len;
	(void)state;
	lab_host_init(&lh, 1);
	char *target = local_path(1, "/etc/libvirt/libvirtd.conf");
	char *link = local_path(1, "/etc/libvirt/link.conf");
	unlink(link);
	assert_int_equal(symlink("libvirtd.conf", link), 0);
	char *before = slurp(target, &before_len);
	struct mr_transport *t = open_host(&lh);
	/* read through the link, reported as one */
	assert_int_equal(mr_transport_read(t, "/etc/libvirt/link.conf", &data, &len, &st, &err), 0);
	assert_true(st.is_symlink);
	assert_true(st.is_regular);
	assert_int_equal(len, before_len);
	assert_int_equal(t->ops->stat(t, "/etc/libvirt/link.conf", &st, &err), 0);
	assert_true(st.is_symlink);
	struct mr_write_opts opts = { .mode = 0644, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	assert_int_equal(mr_commit_write(t, "/etc/libvirt/link.conf", "evil\n", 5, &opts, &err), -1);
	char *m = err_text(err);
	print_message("refused: %s\n", m);
	assert_non_null(strstr(m, "host1:/etc/libvirt/link.conf"));
	assert_non_null(strstr(m, "symbolic link"));
	free(m);
	mr_error_free(err);
	char *after = slurp(target, &len);
	assert_int_equal(len, before_len);
	assert_memory_equal(after, before, len);
	struct stat sb;
	assert_int_equal(lstat(link, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(temp_leftovers(1, "/etc/libvirt", "link.conf"), 0);
	mr_transport_close(t);
	unlink(link);
	free(data);
	free(before);
	free(after);
	free(target);
	free(link);
}

static void test_write_conflict(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	struct mr_stat st;
	char *data;
	size_t len;
	(void)state;
	lab_host_init(&lh, 2);
	char *lp = local_path(2, "/etc/nova/nova.conf");
	struct mr_transport *t = open_host(&lh);
	assert_int_equal(mr_transport_read(t, "/etc/nova/nova.conf", &data, &len, &st, &err), 0);
	/* another admin edits the file meanwhile, same size even */
	char *edited = mr_xstrdup(data);
	edited[len - 2] = edited[len - 2] == 'x' ? 'y' : 'x';
	spit(lp, edited, len);
	struct mr_write_expect ex = { .existed = 1, .data = data, .len = len };
	struct mr_write_opts opts = { .mode = 0644, .uid = (uid_t)-1, .gid = (gid_t)-1, .expect = &ex };
	assert_int_equal(mr_commit_write(t, "/etc/nova/nova.conf", "ours\n", 5, &opts, &err), -1);
	assert_int_equal(err->kind, MR_ERR_CONFLICT);
	assert_string_equal(err->where, "host2:/etc/nova/nova.conf");
	mr_error_free(err);
	err = NULL;
	size_t got_len;
	char *got = slurp(lp, &got_len);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, edited, len);
	assert_int_equal(temp_leftovers(2, "/etc/nova", "nova.conf"), 0);
	/* removed since read: a conflict too */
	char *moved = mr_xasprintf("%s.moved", lp);
	assert_int_equal(rename(lp, moved), 0);
	assert_int_equal(mr_commit_write(t, "/etc/nova/nova.conf", "ours\n", 5, &opts, &err), -1);
	assert_int_equal(err->kind, MR_ERR_CONFLICT);
	mr_error_free(err);
	assert_int_equal(rename(moved, lp), 0);
	spit(lp, data, len);
	mr_transport_close(t);
	free(moved);
	free(got);
	free(edited);
	free(data);
	free(lp);
}

/* ---- a proxy that cuts the connection after some bytes ---- */

struct proxy {
	int listen_fd;
	unsigned port;
	char upstream[64];
	unsigned upstream_port;
	atomic_long budget; /* client->server bytes still allowed; <0: unlimited */
	atomic_int cut;
	pthread_t thread;
};

static void *proxy_main(void *arg)
{
	struct proxy *p = arg;
	int c = accept(p->listen_fd, NULL, NULL);
	if (c < 0)
		return NULL;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p->upstream_port) };
	inet_pton(AF_INET, p->upstream, &sa.sin_addr);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(c);
		return NULL;
	}
	char buf[16384];
	for (;;) {
		struct pollfd fds[2] = { { .fd = c, .events = POLLIN }, { .fd = s, .events = POLLIN } };
		if (poll(fds, 2, 30000) <= 0)
			break;
		if (fds[0].revents) {
			ssize_t n = read(c, buf, sizeof(buf));
			if (n <= 0)
				break;
			long b = atomic_load(&p->budget);
			if (b >= 0) {
				if (n > b) {
					atomic_store(&p->cut, 1);
					break; /* the rest never arrives */
				}
				atomic_store(&p->budget, b - n);
			}
			if (write(s, buf, (size_t)n) != n)
				break;
		}
		if (fds[1].revents) {
			ssize_t n = read(s, buf, sizeof(buf));
			if (n <= 0 || write(c, buf, (size_t)n) != n)
				break;
		}
	}
	close(c);
	close(s);
	return NULL;
}

static void proxy_start(struct proxy *p, const char *upstream, unsigned port)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->upstream, sizeof(p->upstream), "%s", upstream);
	p->upstream_port = port;
	atomic_store(&p->budget, -1);
	p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(p->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(p->listen_fd, 1), 0);
	assert_int_equal(getsockname(p->listen_fd, (struct sockaddr *)&sa, &sl), 0);
	p->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&p->thread, NULL, proxy_main, p), 0);
}

static void proxy_stop(struct proxy *p)
{
	pthread_join(p->thread, NULL);
	close(p->listen_fd);
}

static void test_write_connection_dropped(void **state)
{
	struct lab_host lh;
	struct proxy p;
	struct mr_error *err = NULL;
	struct mr_stat st;
	char *data;
	size_t len;
	(void)state;
	lab_host_init(&lh, 3);
	char *lp = local_path(3, "/etc/libvirt/qemu.conf");
	size_t before_len;
	char *before = slurp(lp, &before_len);
	struct stat sb_before;
	assert_int_equal(stat(lp, &sb_before), 0);

	proxy_start(&p, lh.address, lab_port);
	/* known_hosts names the real address and port: keep those for the check
	 * by recording the proxy's [127.0.0.1]:port as an alias of the key */
	char *kh = mr_xasprintf("%s/kh-proxy", lab_dir);
	char *pub = host_pub(3);
	char *cmd = mr_xasprintf("printf '[127.0.0.1]:%u ' > '%s' && cut -d' ' -f1,2 '%s' >> '%s'",
	                         p.port, kh, pub, kh);
	assert_int_equal(system(cmd), 0);
	lh.h.address = "127.0.0.1";
	lh.h.port = p.port;
	lh.h.known_hosts = kh;
	struct mr_transport *t = open_host(&lh);
	assert_int_equal(mr_transport_read(t, "/etc/libvirt/qemu.conf", &data, &len, &st, &err), 0);

	/* 4 MB of new content; the connection dies after 1 MB of it */
	size_t n = 4 * 1024 * 1024;
	char *big = mr_xmalloc(n);
	memset(big, '#', n);
	atomic_store(&p.budget, 1024 * 1024);
	struct mr_write_expect ex = { .existed = 1, .data = data, .len = len };
	struct mr_write_opts opts = { .mode = 0644, .uid = (uid_t)-1, .gid = (gid_t)-1, .expect = &ex };
	time_t t0 = time(NULL);
	assert_int_equal(mr_commit_write(t, "/etc/libvirt/qemu.conf", big, n, &opts, &err), -1);
	assert_true(atomic_load(&p.cut));
	assert_true(time(NULL) - t0 <= TIMEOUT_S + 2);
	char *m = err_text(err);
	assert_int_equal(err->kind, MR_ERR_HOST);
	assert_non_null(strstr(m, "host3:/etc/libvirt/qemu.conf"));
	free(m);
	mr_error_free(err);
	err = NULL;
	/* the transport knows it is dead */
	assert_int_equal(t->ops->stat(t, "/etc/libvirt/qemu.conf", &st, &err), -1);
	m = err_text(err);
	assert_non_null(strstr(m, "connection lost"));
	free(m);
	mr_error_free(err);
	err = NULL;
	mr_transport_close(t);
	proxy_stop(&p);

	/* the target is byte-identical, the same file even */
	size_t after_len;
	char *after = slurp(lp, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, after_len);
	struct stat sb_after;
	assert_int_equal(stat(lp, &sb_after), 0);
	assert_int_equal(sb_after.st_ino, sb_before.st_ino);

	/* the interrupted temporary file may remain; a later write removes it
	 * once it is a day old, and leaves younger ones (a concurrent writer's) */
	int left = temp_leftovers(3, "/etc/libvirt", "qemu.conf");
	assert_true(left <= 1);
	char *dir = local_path(3, "/etc/libvirt");
	char *young = mr_xasprintf("%s/.qemu.conf.migready-young1", dir);
	char *old = mr_xasprintf("%s/.qemu.conf.migready-old123", dir);
	spit(young, "y", 1);
	spit(old, "o", 1);
	char *touch = mr_xasprintf("touch -d '2 days ago' '%s'", old);
	assert_int_equal(system(touch), 0);
	lab_host_init(&lh, 3);
	t = open_host(&lh);
	ex.data = before;
	ex.len = before_len;
	assert_int_equal(mr_commit_write(t, "/etc/libvirt/qemu.conf", before, before_len, &opts,
	                                    &err), 0);
	assert_int_equal(access(old, F_OK), -1);
	assert_int_equal(access(young, F_OK), 0);
	mr_transport_close(t);
	/* clean what the cut left */
	char *rm = mr_xasprintf("rm -f '%s'/.qemu.conf.migready-*", dir);
	assert_int_equal(system(rm), 0);

	free(rm);
	free(touch);
	free(young);
	free(old);
	free(dir);
	unlink(kh);
	free(kh);
	free(pub);
	free(cmd);
	free(big);
	free(after);
	free(before);
	free(data);
	free(lp);
}

static void test_mkdir_p(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	struct stat sb;
	(void)state;
	lab_host_init(&lh, 1);
	struct mr_transport *t = open_host(&lh);
	char *made = NULL;
	assert_int_equal(t->ops->mkdir_p(t, "/etc/nova/mr-test/a/b/", 0750, &made, &err), 0);
	assert_null(err);
	/* the first it made, as a host path (an abort of the commit removes it) */
	assert_string_equal(made, "/etc/nova/mr-test");
	free(made);
	char *lp = local_path(1, "/etc/nova/mr-test/a/b");
	assert_int_equal(stat(lp, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0750);
	char *mid = local_path(1, "/etc/nova/mr-test");
	assert_int_equal(stat(mid, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0750);
	/* again: nothing to do */
	assert_int_equal(t->ops->mkdir_p(t, "/etc/nova/mr-test/a/b", 0700, &made, &err), 0);
	assert_null(made);
	assert_int_equal(stat(lp, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0750);
	/* a file in the way */
	assert_int_equal(t->ops->mkdir_p(t, "/etc/nova/nova.conf/x", 0755, NULL, &err), -1);
	char *m = err_text(err);
	assert_non_null(strstr(m, "host1:/etc/nova/nova.conf/x: '/etc/nova/nova.conf' is not a directory"));
	free(m);
	mr_error_free(err);
	err = NULL;
	mr_transport_close(t);
	if (lh.h.root) {
		/* a root written with trailing slashes: the same place */
		strcat(lh.root, "//");
		t = open_host(&lh);
		assert_int_equal(t->ops->mkdir_p(t, "/etc/nova/mr-test/c", 0750, NULL, &err), 0);
		assert_null(err);
		mr_transport_close(t);
		char *c = local_path(1, "/etc/nova/mr-test/c");
		assert_int_equal(stat(c, &sb), 0);
		assert_true(S_ISDIR(sb.st_mode));
		free(c);
	}
	char *rm = mr_xasprintf("rm -rf '%s'", mid);
	assert_int_equal(system(rm), 0);
	free(rm);
	free(mid);
	free(lp);
}

/* ---- commands ---- */

/* Every byte of every word reaches the command as it was: the SSH
 * transport's quoting is the only thing between them. */
static void test_argv_words(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len = 0;
	int status = -1;
	(void)state;
	lab_host_init(&lh, 2);
	struct mr_transport *t = open_host(&lh);
	const char *argv[] = { "printf", "[%s]\\n", "it's", "a \"b\" $HOME `id` \\ ;|&", "",
		                   "two\nlines", "'", "*", NULL };
	assert_int_equal(t->ops->run(t, argv, NULL, 0, &out, &len, &status, &err), 0);
	assert_int_equal(status, 0);
	assert_string_equal(out, "[it's]\n[a \"b\" $HOME `id` \\ ;|&]\n[]\n[two\nlines]\n[']\n[*]\n");
	free(out);
	mr_transport_close(t);
}

static void test_run(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	char *out;
	size_t len;
	int status;
	(void)state;
	lab_host_init(&lh, 2);
	struct mr_transport *t = open_host(&lh);
	assert_int_equal(sh_run(t, "echo hello; echo oops >&2; exit 3", &out, &len, &status, &err), 0);
	assert_null(err);
	assert_string_equal(out, "hello\n");
	assert_int_equal(len, 6);
	assert_int_equal(status, 3);
	free(out);
	assert_int_equal(sh_run(t, "id -un", &out, &len, &status, &err), 0);
	assert_int_equal(status, 0);
	char *want = mr_xasprintf("%s\n", lab_user);
	assert_string_equal(out, want);
	free(want);
	free(out);
	/* lots on both streams at once must not stall either */
	assert_int_equal(sh_run(t, "i=0; while [ $i -lt 2000 ]; do echo err$i >&2; i=$((i+1)); "
	                                "done & head -c 3000000 /dev/zero; wait", &out, &len,
	                             &status, &err), 0);
	assert_int_equal(status, 0);
	assert_int_equal(len, 3000000);
	free(out);
	/* out may be NULL */
	assert_int_equal(sh_run(t, "true", NULL, NULL, &status, &err), 0);
	assert_int_equal(status, 0);
	/* killed by a signal */
	assert_int_equal(sh_run(t, "kill -9 $$", &out, &len, &status, &err), 0);
	assert_int_not_equal(status, 0);
	free(out);
	mr_transport_close(t);
}

/* The facts probe goes on standard input: with long arguments (a path,
 * nova's keys) it and they together exceed what one SSH request carries
 * (about 35,000 bytes with libssh2), which failed every host. Held, it
 * then serves commands from the same input. */
static void test_facts_long_arguments(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	(void)state;
	lab_host_init(&lh, 2);
	struct mr_transport *t = open_host(&lh);
	char inst[8001];
	inst[0] = '/';
	memset(inst + 1, 'i', sizeof(inst) - 2);
	inst[sizeof(inst) - 1] = '\0';
	struct mr_facts *f = mr_facts_gather(t, inst, NULL, NULL, NULL, NULL, -1, NULL, &err);
	if (!f)
		fail_msg("%s", mr_error_format(err));
	assert_string_equal(mr_facts_get(f, "instances"), inst);
	mr_facts_free(f);
	f = mr_facts_gather(t, inst, NULL, NULL, NULL, NULL, 5, "test_ssh", &err);
	if (!f)
		fail_msg("%s", mr_error_format(err));
	assert_string_equal(mr_facts_get(f, "lock"), "held");
	mr_facts_free(f);
	const char *argv[] = { "echo", "served", NULL };
	char *out = NULL;
	size_t len = 0;
	int status = -1;
	assert_int_equal(t->ops->run(t, argv, NULL, 0, &out, &len, &status, &err), 0);
	assert_int_equal(status, 0);
	assert_string_equal(out, "served\n");
	free(out);
	mr_transport_close(t);
}

static void test_run_timeout(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	int status;
	(void)state;
	lab_host_init(&lh, 1);
	struct mr_error *e2 = NULL;
	struct mr_transport *t = mr_transport_ssh_new(&lh.h, 2, &e2);
	assert_non_null(t);
	time_t t0 = time(NULL);
	assert_int_equal(sh_run(t, "sleep 20", NULL, NULL, &status, &err), -1);
	assert_true(time(NULL) - t0 <= 4);
	char *m = err_text(err);
	assert_non_null(strstr(m, "timed out"));
	free(m);
	mr_error_free(err);
	mr_transport_close(t);
}

/* --timeout is a limit on silence: a command that keeps writing runs on
 * past it (the man page says so), one silent as long fails. */
static void test_run_timeout_is_silence(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	char *out = NULL;
	int status = -1;
	(void)state;
	lab_host_init(&lh, 1);
	struct mr_transport *t = mr_transport_ssh_new(&lh.h, 2, &err);
	assert_non_null(t);
	time_t t0 = time(NULL);
	if (sh_run(t, "for i in 1 2 3 4 5; do echo $i; sleep 1; done", &out, NULL, &status, &err) < 0)
		fail_msg("a command still writing was cut: %s", err_text(err));
	assert_true(time(NULL) - t0 >= 4);
	assert_int_equal(status, 0);
	assert_string_equal(out, "1\n2\n3\n4\n5\n");
	free(out);
	assert_int_equal(sh_run(t, "echo 1; sleep 4; echo 2", NULL, NULL, &status, &err), -1);
	char *m = err_text(err);
	if (!strstr(m, "timed out after 2 s"))
		fail_msg("got '%s'", m);
	free(m);
	mr_error_free(err);
	mr_transport_close(t);
}

/* Stops the lab's sshd processes serving established connections (this
 * test's own: the lab's port is its own) for seconds: a host too loaded to
 * answer. */
static void stall_sessions(int seconds)
{
	/* netns: host1's sshd is in its own network namespace */
	char *in = netns() ? mr_xasprintf("ip netns exec '%s1' ", env("LAB_NETNS_PREFIX"))
	                   : mr_xstrdup("");
	char *cmd = mr_xasprintf(
		"pids=$(%sss -tnpH state established '( sport = :%u )' | grep -o 'pid=[0-9]*' | "
		"cut -d= -f2 | sort -u); [ -n \"$pids\" ] || exit 1; kill -STOP $pids || exit 1; "
		"(sleep %d; kill -CONT $pids) >/dev/null 2>&1 &",
		in, lab_port, seconds);
	free(in);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Every blocking step of a run (opening the channel, exec, closing) has
 * the operation's silence limit, t->timeout_s, which a commit raises
 * above the connection's: a host that answers late within it is no
 * failure; past it, the message names the step and the limit that
 * applied. */
static void test_run_timeout_raised(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len;
	int status = -1;
	(void)state;
	lab_host_init(&lh, 1);
	struct mr_transport *t = mr_transport_ssh_new(&lh.h, 3, &err);
	if (!t)
		fail_msg("connect: %s", err_text(err));
	t->timeout_s = 20;
	stall_sessions(6);
	if (sh_run(t, "echo late", &out, &len, &status, &err) < 0)
		fail_msg("a late answer within the limit: %s", err_text(err));
	assert_string_equal(out, "late\n");
	free(out);
	t->timeout_s = 2;
	stall_sessions(6);
	time_t t0 = time(NULL);
	assert_int_equal(sh_run(t, "echo late", NULL, NULL, &status, &err), -1);
	assert_true(time(NULL) - t0 < 5);
	char *m = err_text(err);
	if (!strstr(m, "/bin/sh: opening a channel: timed out after 2 s"))
		fail_msg("got '%s'", m);
	free(m);
	mr_error_free(err);
	sleep(5); /* the stopped processes go on before the lab ends */
	mr_transport_close(t);
}

/* ---- one connection ---- */

static void test_one_connection_per_transport(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	struct mr_stat st;
	char *data, *out;
	size_t len;
	int status;
	(void)state;
	lab_host_init(&lh, 1);
	char *log = sshd_log(1);
	int before = count_lines(log, "Connection from");
	int auth_before = count_lines(log, "Accepted publickey");
	struct mr_transport *t = open_host(&lh);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(mr_transport_read(t, "/etc/nova/nova.conf", &data, &len, &st, &err), 0);
		struct mr_write_expect ex = { .existed = 1, .data = data, .len = len };
		struct mr_write_opts opts = { .mode = 0644, .uid = (uid_t)-1, .gid = (gid_t)-1, .expect = &ex };
		assert_int_equal(mr_commit_write(t, "/etc/nova/nova.conf", data, len, &opts, &err), 0);
		assert_int_equal(t->ops->stat(t, "/etc/libvirt", &st, &err), 0);
		assert_int_equal(sh_run(t, "true", &out, NULL, &status, &err), 0);
		free(out);
		free(data);
	}
	mr_transport_close(t);
	assert_int_equal(count_lines(log, "Connection from") - before, 1);
	assert_int_equal(count_lines(log, "Accepted publickey") - auth_before, 1);
	free(log);
}

struct worker {
	int k;
	int ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct lab_host lh;
	struct mr_error *err = NULL;
	struct mr_stat st;
	char *data = NULL;
	size_t len;
	lab_host_init(&lh, w->k);
	struct mr_transport *t = mr_transport_ssh_new(&lh.h, TIMEOUT_S, &err);
	if (!t)
		goto out;
	for (int i = 0; i < 5; i++) {
		if (mr_transport_read(t, "/etc/libvirt/libvirtd.conf", &data, &len, &st, &err) < 0)
			goto out;
		char *new = mr_xasprintf("%s# worker %d pass %d\n", data, w->k, i);
		struct mr_write_expect ex = { .existed = 1, .data = data, .len = len };
		struct mr_write_opts opts = { .mode = 0644, .uid = (uid_t)-1, .gid = (gid_t)-1, .expect = &ex };
		int rc = mr_commit_write(t, "/etc/libvirt/libvirtd.conf", new, strlen(new), &opts, &err);
		free(new);
		free(data);
		data = NULL;
		if (rc < 0)
			goto out;
	}
	w->ok = 1;
out:
	if (err) {
		char *m = mr_error_format(err);
		fprintf(stderr, "worker %d: %s\n", w->k, m);
		free(m);
	}
	mr_error_free(err);
	free(data);
	mr_transport_close(t);
	return NULL;
}

static void test_parallel_hosts(void **state)
{
	/* one worker per host, all at once, as migready -j does */
	int n = lab_hosts > 256 ? 256 : lab_hosts;
	pthread_t th[256];
	struct worker w[256];
	(void)state;
	char **saved = mr_xcalloc((size_t)n, sizeof(char *));
	size_t *saved_len = mr_xcalloc((size_t)n, sizeof(size_t));
	for (int i = 0; i < n; i++) {
		char *lp = local_path(i + 1, "/etc/libvirt/libvirtd.conf");
		saved[i] = slurp(lp, &saved_len[i]);
		free(lp);
		w[i].k = i + 1;
		w[i].ok = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		assert_true(w[i].ok);
		char *lp = local_path(i + 1, "/etc/libvirt/libvirtd.conf");
		size_t len;
		char *got = slurp(lp, &len);
		char *want = mr_xasprintf("%s# worker %d pass 0\n# worker %d pass 1\n# worker %d pass 2\n"
		                          "# worker %d pass 3\n# worker %d pass 4\n", saved[i], i + 1,
		                          i + 1, i + 1, i + 1, i + 1);
		assert_string_equal(got, want);
		spit(lp, saved[i], saved_len[i]);
		free(got);
		free(want);
		free(lp);
		free(saved[i]);
	}
	free(saved);
	free(saved_len);
}

/* ---- host keys ---- */

static char *write_kh(const char *name, const char *text)
{
	char *path = mr_xasprintf("%s/%s", lab_dir, name);
	spit(path, text, strlen(text));
	return path;
}

static char *lab_key_line(int k, const char *host_field)
{
	char *pub = host_pub(k);
	size_t len;
	char *text = slurp(pub, &len);
	text[strcspn(text, "\n")] = '\0';
	char *sp = strchr(text, ' ');
	sp = strchr(sp + 1, ' ');
	if (sp)
		*sp = '\0';
	char *line = mr_xasprintf("%s %s\n", host_field, text);
	free(text);
	free(pub);
	return line;
}

static char *kh_name(int k)
{
	struct lab_host lh;
	lab_host_init(&lh, k);
	return mr_known_hosts_name(lh.address, lab_port);
}

static void test_host_key_mismatch(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	(void)state;
	lab_host_init(&lh, 1);
	/* a key that is not the host's */
	char *other = mr_xasprintf("%s/other_key", lab_dir);
	char *cmd = mr_xasprintf("rm -f '%s' '%s.pub'; ssh-keygen -q -t ed25519 -N '' -f '%s'", other,
	                         other, other);
	assert_int_equal(system(cmd), 0);
	char *pubpath = mr_xasprintf("%s.pub", other);
	size_t len;
	char *pub = slurp(pubpath, &len);
	char *name = kh_name(1);
	char *text = mr_xasprintf("%s %s", name, pub);
	char *kh = write_kh("kh-mismatch", text);
	char *fpcmd = mr_xasprintf("ssh-keygen -lf '%s' | cut -d' ' -f2", pubpath);
	char *other_fp = shell_line(fpcmd);
	char *host_fp = openssh_fp(1);
	char *log = sshd_log(1);
	int conns = count_lines(log, "Connection from");
	int auths = count_lines(log, "Accepted publickey");
	int tries = count_lines(log, "Failed publickey");

	lh.h.known_hosts = kh;
	for (int policy = 0; policy < 2; policy++) {
		/* accept-new refuses a mismatch just the same */
		lh.h.host_key_check = policy ? MR_HOST_KEY_ACCEPT_NEW : MR_HOST_KEY_STRICT;
		assert_null(mr_transport_ssh_new(&lh.h, TIMEOUT_S, &err));
		assert_int_equal(err->kind, MR_ERR_HOST);
		char *m = err_text(err);
		char *want = mr_xasprintf("host1: host key mismatch: expected %s, got %s", other_fp,
		                          host_fp);
		if (!strstr(m, want))
			fail_msg("'%s' lacks '%s'", m, want);
		free(want);
		free(m);
		mr_error_free(err);
		err = NULL;
	}
	/* connected, but never authenticated: nothing was read or written */
	assert_int_equal(count_lines(log, "Connection from") - conns, 2);
	assert_int_equal(count_lines(log, "Accepted publickey"), auths);
	assert_int_equal(count_lines(log, "Failed publickey"), tries);
	/* and the file was not changed */
	char *after = slurp(kh, &len);
	assert_string_equal(after, text);

	free(after);
	free(log);
	free(host_fp);
	free(other_fp);
	free(fpcmd);
	unlink(kh);
	free(kh);
	free(text);
	free(name);
	free(pub);
	free(pubpath);
	free(cmd);
	free(other);
}

static void test_host_key_unknown_strict_and_accept_new(void **state)
{
	struct lab_host lh;
	size_t len;
	(void)state;
	lab_host_init(&lh, 2);
	char *kh = mr_xasprintf("%s/kh-tofu", lab_dir);
	unlink(kh);
	lh.h.known_hosts = kh;
	char *log = sshd_log(2);
	int auths = count_lines(log, "Accepted publickey");

	/* strict: refused, file not created */
	char *m = refused(&lh.h, TIMEOUT_S, NULL);
	char *fp = openssh_fp(2);
	assert_non_null(strstr(m, "host2: host key unknown"));
	assert_non_null(strstr(m, fp));
	free(m);
	assert_int_equal(access(kh, F_OK), -1);
	assert_int_equal(count_lines(log, "Accepted publickey"), auths);

	/* accept-new: accepted and recorded as OpenSSH would */
	lh.h.host_key_check = MR_HOST_KEY_ACCEPT_NEW;
	struct mr_transport *t = open_host(&lh);
	mr_transport_close(t);
	char *name = kh_name(2);
	char *want = lab_key_line(2, name);
	char *got = slurp(kh, &len);
	assert_string_equal(got, want);
	if (!netns())
		assert_true(mr_str_startswith(got, "[127.0.0.1]:"));
	/* OpenSSH agrees with what was recorded */
	struct lab_host l2;
	lab_host_init(&l2, 2);
	char *cmd = mr_xasprintf("ssh-keygen -F '%s' -f '%s' >/dev/null", name, kh);
	assert_int_equal(system(cmd), 0);
	/* next time strict is happy, and nothing is appended twice */
	lh.h.host_key_check = MR_HOST_KEY_STRICT;
	t = open_host(&lh);
	mr_transport_close(t);
	lh.h.host_key_check = MR_HOST_KEY_ACCEPT_NEW;
	t = open_host(&lh);
	mr_transport_close(t);
	free(got);
	got = slurp(kh, &len);
	assert_string_equal(got, want);

	free(cmd);
	free(got);
	free(want);
	free(name);
	free(fp);
	unlink(kh);
	free(kh);
	free(log);
}

static void test_host_key_revoked_and_off(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	(void)state;
	lab_host_init(&lh, 1);
	char *name = kh_name(1);
	char *known = lab_key_line(1, name);
	char *revoked = lab_key_line(1, "@revoked *");
	char *text = mr_xasprintf("%s%s", known, revoked);
	char *kh = write_kh("kh-revoked", text);
	lh.h.known_hosts = kh;
	char *m = refused(&lh.h, TIMEOUT_S, NULL);
	assert_non_null(strstr(m, "revoked"));
	free(m);

	/* off: anything goes, with a warning each time */
	char *empty = write_kh("kh-empty", "");
	lh.h.known_hosts = empty;
	lh.h.host_key_check = MR_HOST_KEY_OFF;
	struct mr_transport *t = open_host(&lh);
	int status;
	assert_int_equal(sh_run(t, "true", NULL, NULL, &status, &err), 0);
	mr_transport_close(t);

	unlink(kh);
	unlink(empty);
	free(empty);
	free(kh);
	free(text);
	free(revoked);
	free(known);
	free(name);
}

static void test_hashed_known_hosts(void **state)
{
	struct lab_host lh;
	(void)state;
	lab_host_init(&lh, 1);
	char *name = kh_name(1);
	char *line = lab_key_line(1, name);
	char *kh = write_kh("kh-hashed", line);
	char *cmd = mr_xasprintf("ssh-keygen -q -H -f '%s' >/dev/null 2>&1 && rm -f '%s.old' && "
	                         "grep -q '^|1|' '%s'", kh, kh, kh);
	assert_int_equal(system(cmd), 0);
	lh.h.known_hosts = kh;
	struct mr_transport *t = open_host(&lh);
	mr_transport_close(t);
	unlink(kh);
	free(cmd);
	free(kh);
	free(line);
	free(name);
}

/* known by its inventory name only (from "ssh host1"), not its address */
static void test_known_by_name(void **state)
{
	struct lab_host lh;
	(void)state;
	lab_host_init(&lh, 1);
	char *name = mr_known_hosts_name("host1", lab_port);
	char *line = lab_key_line(1, name);
	char *kh = write_kh("kh-name", line);
	lh.h.known_hosts = kh;
	mr_transport_close(open_host(&lh));
	/* a wrong key under the name is a mismatch, not "unknown" */
	char *wrong = mr_xasprintf("%s ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJEeYdI8U9iTpaKT6CkFl+"
	                           "dxwXEtcc70jNlNe1XQ7k35\n", name);
	spit(kh, wrong, strlen(wrong));
	lh.h.host_key_check = MR_HOST_KEY_ACCEPT_NEW;
	char *m = refused(&lh.h, TIMEOUT_S, NULL);
	assert_non_null(strstr(m, "host key mismatch: expected SHA256:vKrvCjgJa/M7G8ZjVhqFn8gBstPBjB1TWPEnULg2zik"));
	free(m);
	size_t len;
	char *after = slurp(kh, &len);
	assert_string_equal(after, wrong);
	unlink(kh);
	free(after);
	free(wrong);
	free(kh);
	free(line);
	free(name);
}

/* ---- failures to connect ---- */

static void test_sshd_down(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	(void)state;
	lab_host_init(&lh, 1);
	/* a port nobody listens on: bound then closed */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	close(s);
	lh.h.address = "127.0.0.1";
	lh.h.port = ntohs(sa.sin_port);
	time_t t0 = time(NULL);
	assert_null(mr_transport_ssh_new(&lh.h, TIMEOUT_S, &err));
	assert_true(time(NULL) - t0 <= 1);
	assert_int_equal(err->kind, MR_ERR_HOST);
	char *m = err_text(err);
	char want[80];
	snprintf(want, sizeof(want), "host1: connection refused by '127.0.0.1' port %u",
	         (unsigned)lh.h.port);
	assert_string_equal(m, want);
	free(m);
	mr_error_free(err);
}

static void test_banner_timeout(void **state)
{
	struct lab_host lh;
	struct mr_error *err = NULL;
	(void)state;
	lab_host_init(&lh, 1);
	/* listens, never speaks */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	lh.h.address = "127.0.0.1";
	lh.h.port = ntohs(sa.sin_port);
	time_t t0 = time(NULL);
	assert_null(mr_transport_ssh_new(&lh.h, 1, &err));
	assert_true(time(NULL) - t0 <= 3);
	char *m = err_text(err);
	assert_non_null(strstr(m, "host1: SSH handshake"));
	assert_non_null(strstr(m, "timed out"));
	free(m);
	mr_error_free(err);
	close(s);
}

static void test_unresolvable(void **state)
{
	struct lab_host lh;
	(void)state;
	lab_host_init(&lh, 1);
	lh.h.address = "no-such-host.invalid";
	char *m = refused(&lh.h, TIMEOUT_S, NULL);
	assert_non_null(strstr(m, "host1: cannot resolve 'no-such-host.invalid'"));
	free(m);
}

/* ---- user keys ---- */

static void test_rsa_key(void **state)
{
	struct lab_host lh;
	(void)state;
	lab_host_init(&lh, 1);
	char *rsa = mr_xasprintf("%s/id_rsa", lab_dir);
	char *log = sshd_log(1);
	const char *why = "signature algorithm ssh-rsa not in PubkeyAcceptedAlgorithms";
	int refusals = count_lines(log, why);
	lh.h.identity = rsa;
	/* libssh2 1.10 signs with ssh-rsa (SHA-1); OpenSSH 9.2 refuses it even
	 * though the key is in authorized_keys */
	char *m = refused(&lh.h, TIMEOUT_S, NULL);
	assert_non_null(strstr(m, "host1: authentication as 'mrlab' refused"));
	assert_non_null(strstr(m, "RSA"));
	assert_non_null(strstr(m, "use an ed25519 key"));
	assert_int_equal(count_lines(log, why) - refusals, 1); /* sshd says why */
	free(m);
	free(log);
	free(rsa);
}

static void test_ecdsa_key(void **state)
{
	struct lab_host lh;
	(void)state;
	lab_host_init(&lh, 1);
	char *key = mr_xasprintf("%s/id_ecdsa", lab_dir);
	lh.h.identity = key;
	mr_transport_close(open_host(&lh));
	free(key);
}

static void test_missing_identity(void **state)
{
	struct lab_host lh;
	(void)state;
	lab_host_init(&lh, 1);
	lh.h.identity = "/nonexistent/id_ed25519";
	char *m = refused(&lh.h, TIMEOUT_S, NULL);
	assert_non_null(strstr(m, "cannot read identity '/nonexistent/id_ed25519'"));
	free(m);
}

/* identity unset: ~/.ssh/id_ed25519 of $HOME, then ssh-agent */
static void test_default_identity_and_agent(void **state)
{
	struct lab_host lh;
	(void)state;
	char *key = mr_xstrdup(lab_identity);
	lab_host_init(&lh, 1);
	lh.h.identity = NULL;
	char *home = mr_xasprintf("%s/home", lab_dir);
	char *cmd = mr_xasprintf("rm -rf '%s' && mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/id_ed25519'",
	                         home, home, lab_identity, home);
	assert_int_equal(system(cmd), 0);
	char *saved_home = mr_xstrdup(getenv("HOME"));
	setenv("HOME", home, 1);
	unsetenv("SSH_AUTH_SOCK");
	mr_transport_close(open_host(&lh));

	/* an empty home: nothing to log in with */
	char *empty = mr_xasprintf("%s/empty-home", lab_dir);
	mkdir(empty, 0700);
	setenv("HOME", empty, 1);
	char *m = refused(&lh.h, TIMEOUT_S, NULL);
	assert_non_null(strstr(m, "no key to log in as 'mrlab' with"));
	free(m);

	/* the same empty home with an agent holding the key */
	char *sock = mr_xasprintf("%s/agent.sock", lab_dir);
	char *envf = mr_xasprintf("%s/agent.env", lab_dir);
	struct mr_buf cmdb;
	mr_buf_init(&cmdb);
	mr_buf_printf(&cmdb, "rm -f '%s' && ssh-agent -a '%s' > '%s' && ", sock, sock, envf);
	mr_buf_printf(&cmdb, "SSH_AUTH_SOCK='%s' ssh-add -q '%s' 2>/dev/null", sock, key);
	char *agent = mr_buf_steal(&cmdb, NULL);
	if (system(agent) == 0) {
		setenv("SSH_AUTH_SOCK", sock, 1);
		mr_transport_close(open_host(&lh));
		char *kill = mr_xasprintf(". '%s' >/dev/null && ssh-agent -k >/dev/null", envf);
		assert_int_equal(system(kill), 0);
		free(kill);
	} else {
		fprintf(stderr, "no ssh-agent: agent part skipped\n");
	}
	unsetenv("SSH_AUTH_SOCK");
	setenv("HOME", saved_home, 1);
	char *rm = mr_xasprintf("rm -rf '%s' '%s'", home, empty);
	assert_int_equal(system(rm), 0);
	free(rm);
	free(agent);
	free(key);
	free(envf);
	free(sock);
	free(empty);
	free(saved_home);
	free(cmd);
	free(home);
}

int main(void)
{
	lab_mode = env("LAB_MODE");
	lab_dir = env("LAB_DIR");
	lab_user = env("LAB_USER");
	lab_identity = env("LAB_IDENTITY");
	lab_known_hosts = env("LAB_KNOWN_HOSTS");
	lab_port = (unsigned)atoi(env("PORT"));
	lab_hosts = atoi(env("LAB_HOSTS"));
	lab_net = netns() ? env("LAB_NET") : "";
	if (lab_hosts < 3) {
		fprintf(stderr, "test_ssh: the lab needs 3 hosts or more\n");
		return 1;
	}
	/* main() does this in migready; a transport requires it */
	struct mr_error *err = NULL;
	if (mr_transport_ssh_global_init(&err) < 0)
		return 1;
	mr_log_set_level(MR_LOG_WARN);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_big),
		cmocka_unit_test(test_read_absent_and_stat),
		cmocka_unit_test(test_write_atomic),
		cmocka_unit_test(test_write_new_file),
		cmocka_unit_test(test_write_symlink_refused),
		cmocka_unit_test(test_write_conflict),
		cmocka_unit_test(test_write_connection_dropped),
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_facts_long_arguments),
		cmocka_unit_test(test_argv_words),
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test(test_run_timeout_raised),
		cmocka_unit_test(test_run_timeout_is_silence),
		cmocka_unit_test(test_one_connection_per_transport),
		cmocka_unit_test(test_parallel_hosts),
		cmocka_unit_test(test_host_key_mismatch),
		cmocka_unit_test(test_host_key_unknown_strict_and_accept_new),
		cmocka_unit_test(test_host_key_revoked_and_off),
		cmocka_unit_test(test_hashed_known_hosts),
		cmocka_unit_test(test_known_by_name),
		cmocka_unit_test(test_sshd_down),
		cmocka_unit_test(test_banner_timeout),
		cmocka_unit_test(test_unresolvable),
		cmocka_unit_test(test_rsa_key),
		cmocka_unit_test(test_ecdsa_key),
		cmocka_unit_test(test_missing_identity),
		cmocka_unit_test(test_default_identity_and_agent),
	};
	/* MR_TEST_FILTER=test_run* runs only the matching tests */
	if (getenv("MR_TEST_FILTER"))
		cmocka_set_test_filter(getenv("MR_TEST_FILTER"));
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	mr_transport_ssh_global_exit();
	return r;
}
