/* The SSH transport: one libssh2 session per host, SFTP for files, exec
 * channels for commands. The only file that includes libssh2.h.
 *
 * Blocking mode with libssh2_session_set_timeout(): every wait for the host
 * is bounded by the operation's silence limit (base.timeout_s, set again at
 * the start of each operation: a commit raises it), so a silent host fails
 * the operation instead of hanging a worker. Command output is read in non-blocking mode so that a
 * command filling stderr cannot stall stdout (and the other way round).
 * After a time-out or a lost connection the session's state is unknown: the
 * transport is marked broken and every later operation fails at once.
 *
 * libssh2 1.10 (Debian 12) with its OpenSSL 3 back-end:
 *  - loads OpenSSH-format ed25519 and ecdsa private keys (unencrypted;
 *    encrypted ones belong in ssh-agent) with a NULL public key file;
 *  - signs user authentication with RSA keys as "ssh-rsa" (SHA-1) only,
 *    which OpenSSH 8.8 and later refuse by default: an RSA key is tried,
 *    and its refusal named in the error with the advice to use ed25519;
 *  - speaks SFTP version 3, where rename onto an existing file fails and
 *    posix-rename@openssh.com is not exposed: the final rename of a write
 *    runs in one exec channel (see write_file);
 *  - offers fsync@openssh.com (libssh2_sftp_fsync).
 * known_hosts is checked by known_hosts.c (see there for why not libssh2's
 * knownhost API).
 *
 * become (sudo): every command runs as "sudo -n -u USER -- ARGV", and the
 * files are read, staged (content on standard input) and made by
 * become.sh run so; SFTP is not opened. A sudo that would ask for a
 * password fails the operation with a message saying so.
 *
 * Threads: one transport per worker thread, nothing shared. libssh2_init()
 * is not thread-safe: mr_transport_ssh_global_init() must have run once, in
 * main, before any mr_transport_ssh_new(). OpenSSL 3 needs no locking
 * callbacks. libssh2 sends with MSG_NOSIGNAL: a dropped connection is an
 * error, not a SIGPIPE. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "become_sh.h"
#include "known_hosts.h"
#include "transport.h"

/* libssh2 asks for this much per SFTP read call and pipelines the requests
 * (read-ahead); likewise for writes. */
#define IO_CHUNK (256 * 1024)
/* stderr kept for messages */
#define STDERR_KEEP (16 * 1024)
#define KEEPALIVE_S 15

struct ssh_transport {
	struct mr_transport base; /* first: the common part */
	char *address;
	unsigned port;
	char *user;
	char *become_user; /* NULL, or every command and file operation via sudo -n -u */
	int timeout_s;     /* connecting */
	int op_timeout_s;  /* what libssh2's blocking calls are bounded by now */
	int sock;
	LIBSSH2_SESSION *session;
	LIBSSH2_SFTP *sftp; /* opened on the first file operation */
	LIBSSH2_CHANNEL *held; /* a command kept running (the host's lock) */
	int serving;           /* ... which serves commands (MR_SERVING_MARK) */
	char *canon_root;   /* base.root as the host resolves it, once known */
	int key_verified;   /* the host key was checked against known_hosts */
};

static const struct mr_transport_ops ssh_ops;
static void ssh_release(struct mr_transport *base);
static char *become_realpath(struct ssh_transport *t, const char *full);
static int become_stat(struct ssh_transport *t, const char *path, const char *full,
                       struct mr_stat *st, struct mr_error **err);
static int become_read(struct ssh_transport *t, const char *path, const char *full,
                       char **data, size_t *len, struct mr_stat *st, struct mr_error **err);

int mr_transport_ssh_global_init(struct mr_error **err)
{
	int rc = libssh2_init(0);
	if (rc != 0) {
		mr_error_add(err, MR_ERR_SYSTEM, NULL, "cannot initialise libssh2 (error %d)", rc);
		return -1;
	}
	return 0;
}

void mr_transport_ssh_global_exit(void)
{
	libssh2_exit();
}

/* ---- errors ---- */

static char *where_of(const struct ssh_transport *t, const char *path)
{
	return path ? mr_xasprintf("%s:%s", t->base.host, path) : mr_xstrdup(t->base.host);
}

static const char *sftp_status_text(unsigned long code)
{
	switch (code) {
	case LIBSSH2_FX_NO_SUCH_FILE:
	case LIBSSH2_FX_NO_SUCH_PATH:
		return "no such file or directory";
	case LIBSSH2_FX_PERMISSION_DENIED:
		return "permission denied";
	case LIBSSH2_FX_OP_UNSUPPORTED:
		return "operation not supported by the SFTP server";
	case LIBSSH2_FX_FILE_ALREADY_EXISTS:
		return "file exists";
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
		return "no space left on device";
	case LIBSSH2_FX_QUOTA_EXCEEDED:
		return "quota exceeded";
	case LIBSSH2_FX_WRITE_PROTECT:
		return "read-only file system";
	case LIBSSH2_FX_NOT_A_DIRECTORY:
		return "not a directory";
	case LIBSSH2_FX_BAD_MESSAGE:
		return "bad message (invalid argument)";
	default:
		return "failure"; /* OpenSSH's sftp-server says no more for EEXIST, ENOSPC... */
	}
}

/* Errors that leave the session usable: a refused request, an SFTP status. */
static int recoverable(int rc)
{
	switch (rc) {
	case LIBSSH2_ERROR_SFTP_PROTOCOL:
	case LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED:
	case LIBSSH2_ERROR_CHANNEL_FAILURE:
	case LIBSSH2_ERROR_REQUEST_DENIED:
	case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
	case LIBSSH2_ERROR_AUTHENTICATION_FAILED:
	case LIBSSH2_ERROR_FILE:
	case LIBSSH2_ERROR_METHOD_NONE:
	case LIBSSH2_ERROR_KEYFILE_AUTH_FAILED:
		return 1;
	default:
		return 0;
	}
}

/* The session cannot be trusted any more: shut the socket so that whatever
 * libssh2 still tries (closing handles and channels to free them) fails at
 * once instead of waiting for the host. */
static void mark_broken(struct ssh_transport *t)
{
	if (!t->base.broken && t->sock >= 0)
		shutdown(t->sock, SHUT_RDWR);
	t->base.broken = 1;
}

/* The one place libssh2's errors become mr_errors: MR_ERR_HOST naming the
 * host (and path), "what: reason". Marks the transport broken when the
 * session cannot be trusted any more. */
static void ssh_error(struct ssh_transport *t, const char *path, struct mr_error **err,
                      const char *what)
{
	char *msg = NULL;
	int rc = t->session ? libssh2_session_last_error(t->session, &msg, NULL, 0) : 0;
	char *where = where_of(t, path);
	if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL && t->sftp) {
		unsigned long code = libssh2_sftp_last_error(t->sftp);
		mr_error_add(err, MR_ERR_HOST, where, "%s: %s", what, sftp_status_text(code));
	} else if (rc == LIBSSH2_ERROR_TIMEOUT || rc == LIBSSH2_ERROR_SOCKET_TIMEOUT) {
		mr_error_add(err, MR_ERR_HOST, where, "%s: timed out after %d s", what,
		             t->op_timeout_s);
	} else if (rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_RECV ||
	           rc == LIBSSH2_ERROR_SOCKET_SEND || rc == LIBSSH2_ERROR_CHANNEL_CLOSED) {
		mr_error_add(err, MR_ERR_HOST, where, "%s: connection lost (%s)", what,
		             msg && *msg ? msg : "closed by the host");
	} else {
		mr_error_add(err, MR_ERR_HOST, where, "%s: %s", what,
		             msg && *msg ? msg : "unknown libssh2 error");
	}
	if (!recoverable(rc))
		mark_broken(t);
	free(where);
}

static unsigned long sftp_code(struct ssh_transport *t)
{
	char *msg;
	if (libssh2_session_last_error(t->session, &msg, NULL, 0) != LIBSSH2_ERROR_SFTP_PROTOCOL)
		return LIBSSH2_FX_OK;
	return libssh2_sftp_last_error(t->sftp);
}

static int is_absent(unsigned long code)
{
	return code == LIBSSH2_FX_NO_SUCH_FILE || code == LIBSSH2_FX_NO_SUCH_PATH;
}

/* libssh2's blocking calls (opening a channel, exec, close, SFTP) wait as
 * long as a command may be silent: base.timeout_s, which the caller may
 * raise for one operation (a commit's unit restarts), so that no step of an
 * operation has a shorter limit than the wait for its output. */
static void apply_timeout(struct ssh_transport *t)
{
	if (t->op_timeout_s == t->base.timeout_s)
		return;
	t->op_timeout_s = t->base.timeout_s;
	libssh2_session_set_timeout(t->session, t->op_timeout_s > 0 ? t->op_timeout_s * 1000L : 0);
}

/* Every operation starts here: refuses a broken transport, bounds the
 * waits to come, sends an SSH keep-alive if one is due (libssh2 only sends
 * them when asked). */
static int op_begin(struct ssh_transport *t, const char *path, struct mr_error **err)
{
	if (t->base.broken) {
		char *where = where_of(t, path);
		mr_error_add(err, MR_ERR_HOST, where, "connection lost earlier; not retried");
		free(where);
		return -1;
	}
	apply_timeout(t);
	int next;
	if (libssh2_keepalive_send(t->session, &next) < 0) {
		ssh_error(t, path, err, "keep-alive");
		return -1;
	}
	return 0;
}

static int need_sftp(struct ssh_transport *t, const char *path, struct mr_error **err)
{
	if (op_begin(t, path, err) < 0)
		return -1;
	/* With become, files go through the become user's commands only. */
	if (t->sftp || t->become_user)
		return 0;
	t->sftp = libssh2_sftp_init(t->session);
	if (!t->sftp) {
		char *msg = NULL;
		/* libssh2's words when sshd refuses the subsystem request */
		if (libssh2_session_last_error(t->session, &msg, NULL, 0) ==
		        LIBSSH2_ERROR_CHANNEL_FAILURE &&
		    msg && strstr(msg, "SFTP subsystem")) {
			mr_error_add(err, MR_ERR_HOST, t->base.host,
			             "its sshd offers no SFTP subsystem, which migready needs for the "
			             "host's files; add 'Subsystem sftp internal-sftp' (or the path of "
			             "sftp-server) to its sshd_config and reload sshd");
			return -1;
		}
		ssh_error(t, path, err, "cannot start SFTP");
		return -1;
	}
	return 0;
}

/* ---- connecting ---- */

static int connect_addr(const struct addrinfo *ai, int timeout_s, int *saved_errno)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	                ai->ai_protocol);
	if (fd < 0) {
		*saved_errno = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			*saved_errno = errno;
			close(fd);
			return -1;
		}
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int n;
		do
			n = poll(&p, 1, timeout_s * 1000);
		while (n < 0 && errno == EINTR);
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (n == 0)
			soerr = ETIMEDOUT;
		else if (n < 0)
			soerr = errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr) {
			*saved_errno = soerr;
			close(fd);
			return -1;
		}
	}
	/* back to blocking: libssh2's blocking mode polls with its own timeout */
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	int one = 1, idle = 30, intvl = 10, cnt = 3;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	return fd;
}

/* libssh2's recv, acknowledging at once what it received (TCP_QUICKACK).
 *
 * Until a session starts, sshd leaves Nagle's algorithm on, and after
 * authentication it sends a few small packets in a row (hostkeys-00 notice,
 * debug messages, the channel-open confirmation): each one after the first
 * waits in sshd until the previous one is acknowledged. The client, with
 * nothing to send while it waits for the confirmation, delays that
 * acknowledgement (Linux: 40 ms), and the connection stalls for as long.
 * Quick acknowledgements are not sticky, so they are asked for after every
 * read. On the lab (bench/fleet), per host at -j 1: 106 ms before, 63 ms
 * after. */
static ssize_t recv_quickack(libssh2_socket_t sock, void *buffer, size_t length, int flags,
                             void **abstract)
{
	(void)abstract;
	ssize_t n = recv(sock, buffer, length, flags);
	if (n < 0) {
		int e = errno;
		/* as libssh2's own: "try again" is -EAGAIN, other errors -errno */
		return e == EAGAIN || e == EWOULDBLOCK || e == EINTR ? -EAGAIN : -e;
	}
	if (n > 0) {
		int one = 1;
		setsockopt(sock, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	}
	return n;
}

static int tcp_connect(struct ssh_transport *t, struct mr_error **err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
	struct addrinfo *res = NULL;
	char port[16];
	snprintf(port, sizeof(port), "%u", t->port);
	int rc = getaddrinfo(t->address, port, &hints, &res);
	if (rc != 0) {
		mr_error_add(err, MR_ERR_HOST, t->base.host, "cannot resolve '%s': %s", t->address,
		             gai_strerror(rc));
		return -1;
	}
	int e = 0;
	for (struct addrinfo *ai = res; ai && t->sock < 0; ai = ai->ai_next)
		t->sock = connect_addr(ai, t->timeout_s, &e);
	freeaddrinfo(res);
	if (t->sock >= 0)
		return 0;
	/* the address and port tried: a host's name may hide a typo in either */
	if (e == ECONNREFUSED)
		mr_error_add(err, MR_ERR_HOST, t->base.host, "connection refused by '%s' port %u",
		             t->address, t->port);
	else if (e == ETIMEDOUT)
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "connection to '%s' port %u timed out after %d s", t->address, t->port,
		             t->timeout_s);
	else
		mr_error_add(err, MR_ERR_HOST, t->base.host, "cannot connect to '%s' port %u: %s",
		             t->address, t->port, strerror(e));
	return -1;
}

/* ---- host key ---- */

static char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return mr_xstrdup(h);
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
		return mr_xstrdup(res->pw_dir);
	return mr_xstrdup("/");
}

/* Host key algorithms, those this host is known by first: OpenSSH does the
 * same, so that a host known by its ed25519 key is not asked for ecdsa. */
static void prefer_known_types(struct ssh_transport *t, const char *kh, size_t kh_len)
{
	static const char defaults[] = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	                               "ecdsa-sha2-nistp521,ssh-rsa";
	char *known = kh ? mr_known_hosts_types(kh, kh_len, t->address, t->port) : NULL;
	if (!known && kh) /* known by inventory name only: see verify_host_key */
		known = mr_known_hosts_types(kh, kh_len, t->base.host, t->port);
	char *pref = known ? mr_xasprintf("%s,%s", known, defaults) : mr_xstrdup(defaults);
	/* libssh2 drops names it does not support; repeats are harmless */
	if (libssh2_session_method_pref(t->session, LIBSSH2_METHOD_HOSTKEY, pref) < 0)
		libssh2_session_method_pref(t->session, LIBSSH2_METHOD_HOSTKEY, defaults);
	free(known);
	free(pref);
}

static int verify_host_key(struct ssh_transport *t, const struct mr_conn_spec *host, const char *kh_path,
                           const char *kh, size_t kh_len, struct mr_error **err)
{
	size_t klen = 0;
	int ktype = 0;
	const char *key = libssh2_session_hostkey(t->session, &klen, &ktype);
	const char *hash = libssh2_hostkey_hash(t->session, LIBSSH2_HOSTKEY_HASH_SHA256);
	char type[64], fp[MR_KNOWN_HOSTS_FP_LEN];
	if (!key || !hash ||
	    mr_known_hosts_blob_type((const unsigned char *)key, klen, type, sizeof(type)) < 0) {
		mr_error_add(err, MR_ERR_HOST, t->base.host, "no usable host key received");
		return -1;
	}
	mr_known_hosts_fingerprint_digest((const unsigned char *)hash, fp);
	if (host->host_key_check == MR_HOST_KEY_OFF) {
		mr_log(MR_LOG_WARN, "%s: host key NOT checked (host_key_check = off): %s %s",
		       t->base.host, type, fp);
		return 0;
	}
	struct mr_known_hosts_result res;
	enum mr_known_hosts_status st = mr_known_hosts_check(
		kh, kh_len, t->address, t->port, type, (const unsigned char *)key, klen, &res);
	/* OpenSSH looks a host up by the address it connects to (HostName).
	 * Operators' files often know compute nodes by their inventory name
	 * (from "ssh compute1"), so an address unknown there is looked up by
	 * name too: a match or a mismatch under the name counts the same. */
	if (st == MR_KNOWN_HOSTS_UNKNOWN && strcmp(t->base.host, t->address) != 0) {
		struct mr_known_hosts_result by_name;
		enum mr_known_hosts_status s2 = mr_known_hosts_check(
			kh, kh_len, t->base.host, t->port, type, (const unsigned char *)key, klen, &by_name);
		if (s2 != MR_KNOWN_HOSTS_UNKNOWN) {
			st = s2;
			res = by_name;
		}
	}
	if (st == MR_KNOWN_HOSTS_UNKNOWN && host->host_key_check == MR_HOST_KEY_ACCEPT_NEW) {
		if (mr_known_hosts_add(kh_path, t->address, t->port, type, (const unsigned char *)key,
		                       klen, &st, err) < 0)
			return -1;
		if (st == MR_KNOWN_HOSTS_UNKNOWN) {
			char *name = mr_known_hosts_name(t->address, t->port);
			mr_log(MR_LOG_INFO, "%s: added host key of '%s' to %s: %s %s", t->base.host,
			       name, kh_path, type, fp);
			free(name);
			return 0;
		}
		/* another worker recorded a key meanwhile: judge against that */
		char *text = NULL;
		size_t len = 0;
		if (mr_known_hosts_load(kh_path, &text, &len, err) < 0)
			return -1;
		st = mr_known_hosts_check(text, len, t->address, t->port, type,
		                          (const unsigned char *)key, klen, &res);
		free(text);
	}
	switch (st) {
	case MR_KNOWN_HOSTS_MATCH:
		return 0;
	case MR_KNOWN_HOSTS_REVOKED:
		mr_error_add(err, MR_ERR_HOST, t->base.host, "host key %s %s is revoked (%s:%u)", type,
		             fp, kh_path, res.line);
		return -1;
	case MR_KNOWN_HOSTS_MISMATCH: {
		char *name = mr_known_hosts_name(t->address, t->port);
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "host key mismatch: expected %s, got %s (%s key, %s:%u); if the host "
		             "was reinstalled, check the new key and run ssh-keygen -R '%s' -f '%s'",
		             res.stored_fp, fp, type, kh_path, res.line, name, kh_path);
		free(name);
		return -1;
	}
	case MR_KNOWN_HOSTS_UNKNOWN:
		break;
	}
	char *name = mr_known_hosts_name(t->address, t->port);
	mr_error_add(err, MR_ERR_HOST, t->base.host,
	             "host key unknown: '%s' is not in %s with a %s key (got %s)%s; check the "
	             "fingerprint and add it (host_key_check = accept-new records it on first use)",
	             name, kh_path, type, fp,
	             res.other_types ? "; it is known with keys of other types" : "");
	free(name);
	return -1;
}

/* ---- authentication ---- */

struct auth_state {
	struct mr_buf tried;   /* "ssh-agent (2 keys), /root/.ssh/id_ed25519" */
	int rsa_refused;
	struct mr_buf notes;   /* skipped identities, why */
};

static void add_tried(struct auth_state *a, const char *what)
{
	if (a->tried.len)
		mr_buf_puts(&a->tried, ", ");
	mr_buf_puts(&a->tried, what);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads a string of an SSH buffer; -1 past the end. */
static int get_string(const unsigned char **p, const unsigned char *end, const unsigned char **s,
                      size_t *n)
{
	if (end - *p < 4)
		return -1;
	size_t len = get_u32(*p);
	if ((size_t)(end - *p - 4) < len)
		return -1;
	*s = *p + 4;
	*n = len;
	*p += 4 + len;
	return 0;
}

/* What kind of private key a file holds, without libssh2 (whose errors do
 * not tell): type "ssh-rsa", "ssh-ed25519", "ecdsa", ... or "" if unknown;
 * *encrypted if it needs a passphrase. -1 if unreadable. */
static int sniff_key(const char *path, char *type, size_t type_size, int *encrypted)
{
	static const char openssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	char buf[16384];
	*encrypted = 0;
	type[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strstr(buf, "-----BEGIN RSA PRIVATE KEY-----"))
		snprintf(type, type_size, "ssh-rsa");
	else if (strstr(buf, "-----BEGIN EC PRIVATE KEY-----"))
		snprintf(type, type_size, "ecdsa");
	else if (strstr(buf, "-----BEGIN DSA PRIVATE KEY-----"))
		snprintf(type, type_size, "ssh-dss");
	else if (strstr(buf, "-----BEGIN ENCRYPTED PRIVATE KEY-----"))
		*encrypted = 1;
	if (strstr(buf, "Proc-Type: 4,ENCRYPTED"))
		*encrypted = 1;
	const char *b = strstr(buf, openssh);
	if (!b)
		return 0;
	/* openssh-key-v1: magic, cipher, kdf, kdf options, count, public key */
	b += sizeof(openssh) - 1;
	const char *e = strstr(b, "-----END");
	if (!e)
		return 0;
	struct mr_buf b64;
	mr_buf_init(&b64);
	for (const char *c = b; c < e; c++)
		if (*c != '\n' && *c != '\r' && *c != ' ')
			mr_buf_putc(&b64, *c);
	unsigned char *raw = NULL;
	size_t rl = 0;
	if (mr_known_hosts_b64_decode(b64.data, b64.len, &raw, &rl) == 0 && rl > 15 &&
	    memcmp(raw, "openssh-key-v1", 15) == 0) {
		const unsigned char *p = raw + 15, *end = raw + rl, *s;
		size_t sl;
		if (get_string(&p, end, &s, &sl) == 0) {
			*encrypted = !(sl == 4 && memcmp(s, "none", 4) == 0);
			if (get_string(&p, end, &s, &sl) == 0 && get_string(&p, end, &s, &sl) == 0 &&
			    end - p >= 4) {
				p += 4;
				if (get_string(&p, end, &s, &sl) == 0)
					mr_known_hosts_blob_type(s, sl, type, type_size);
			}
		}
	}
	free(raw);
	mr_buf_fini(&b64);
	return 0;
}

/* 0: authenticated; 1: refused (try the next way); -1: session failed. */
static int auth_agent(struct ssh_transport *t, struct auth_state *a, struct mr_error **err)
{
	const char *sock = getenv("SSH_AUTH_SOCK");
	if (!sock || !*sock)
		return 1;
	LIBSSH2_AGENT *agent = libssh2_agent_init(t->session);
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	int r = 1, n = 0;
	if (!agent)
		return 1;
	if (libssh2_agent_connect(agent) < 0 || libssh2_agent_list_identities(agent) < 0) {
		mr_log(MR_LOG_DEBUG, "%s: ssh-agent at '%s' not usable", t->base.host, sock);
		goto out;
	}
	while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
		char type[64] = "";
		prev = id;
		n++;
		mr_known_hosts_blob_type(id->blob, id->blob_len, type, sizeof(type));
		int rc = libssh2_agent_userauth(agent, t->user, id);
		if (rc == 0) {
			r = 0;
			goto out;
		}
		if (!recoverable(rc) && rc != LIBSSH2_ERROR_AGENT_PROTOCOL) {
			ssh_error(t, NULL, err, "authentication with ssh-agent");
			r = -1;
			goto out;
		}
		if (strcmp(type, "ssh-rsa") == 0)
			a->rsa_refused = 1;
	}
out:
	if (n) {
		char what[64];
		snprintf(what, sizeof(what), "ssh-agent (%d key%s)", n, n == 1 ? "" : "s");
		add_tried(a, what);
	}
	libssh2_agent_disconnect(agent);
	libssh2_agent_free(agent);
	return r;
}

static int auth_file(struct ssh_transport *t, struct auth_state *a, const char *path, int explicit,
                     struct mr_error **err)
{
	char type[64];
	int encrypted;
	if (sniff_key(path, type, sizeof(type), &encrypted) < 0) {
		if (explicit) {
			mr_error_add(err, MR_ERR_HOST, t->base.host, "cannot read identity '%s': %s",
			             path, strerror(errno));
			return -1;
		}
		return 1; /* the defaults need not exist */
	}
	if (encrypted) {
		mr_buf_printf(&a->notes, "; '%s' needs a passphrase: add it to ssh-agent", path);
		return 1;
	}
	/* As OpenSSH does: a private key others can read is not used. */
	struct stat sb;
	if (stat(path, &sb) == 0 && (sb.st_mode & 077)) {
		char msg[600];
		snprintf(msg, sizeof(msg), "identity '%s' can be read by others (mode %04o): chmod 600 it",
		         path, (unsigned)(sb.st_mode & 07777));
		if (explicit) {
			mr_error_add(err, MR_ERR_HOST, t->base.host, "%s", msg);
			return -1;
		}
		mr_buf_printf(&a->notes, "; %s", msg);
		return 1;
	}
	add_tried(a, path);
	int rc = libssh2_userauth_publickey_fromfile_ex(t->session, t->user,
	                                                (unsigned)strlen(t->user), NULL, path, NULL);
	if (rc == 0)
		return 0;
	if (!recoverable(rc)) {
		ssh_error(t, NULL, err, "authentication");
		return -1;
	}
	char *msg = NULL;
	libssh2_session_last_error(t->session, &msg, NULL, 0);
	mr_log(MR_LOG_DEBUG, "%s: key '%s' (%s) refused: %s", t->base.host, path,
	       *type ? type : "unknown type", msg ? msg : "");
	if (strcmp(type, "ssh-rsa") == 0)
		a->rsa_refused = 1;
	else if (rc == LIBSSH2_ERROR_FILE)
		mr_buf_printf(&a->notes, "; libssh2 cannot load '%s'%s%s", path, msg ? ": " : "",
		              msg ? msg : "");
	return 1;
}

static int authenticate(struct ssh_transport *t, const struct mr_conn_spec *host, struct mr_error **err)
{
	struct auth_state a;
	char *home = NULL;
	int r = -1, rc;
	mr_buf_init(&a.tried);
	mr_buf_init(&a.notes);
	a.rsa_refused = 0;

	char *methods = libssh2_userauth_list(t->session, t->user, (unsigned)strlen(t->user));
	if (!methods) {
		if (libssh2_userauth_authenticated(t->session)) {
			r = 0;
			goto out;
		}
		ssh_error(t, NULL, err, "authentication");
		goto out;
	}
	if (!strstr(methods, "publickey")) {
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "the host offers no public key authentication (only '%s')", methods);
		goto out;
	}
	if ((rc = auth_agent(t, &a, err)) <= 0) {
		r = rc;
		goto out;
	}
	if (host->identity) {
		if ((rc = auth_file(t, &a, host->identity, 1, err)) <= 0) {
			r = rc;
			goto out;
		}
	} else {
		static const char *const defaults[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
		home = home_dir();
		for (size_t i = 0; i < MR_ARRAY_LEN(defaults); i++) {
			char *path = mr_xasprintf("%s/.ssh/%s", home, defaults[i]);
			rc = auth_file(t, &a, path, 0, err);
			free(path);
			if (rc <= 0) {
				r = rc;
				goto out;
			}
		}
	}
	if (!a.tried.len)
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "no key to log in as '%s' with: no ssh-agent, no identity, none of "
		             "~/.ssh/id_ed25519, id_ecdsa, id_rsa%s", t->user, a.notes.data);
	else
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "authentication as '%s' refused (tried %s)%s%s", t->user, a.tried.data,
		             a.rsa_refused ? "; the host refused an RSA key: libssh2 1.10 can only "
		                             "sign with ssh-rsa (SHA-1), which OpenSSH 8.8 and later "
		                             "refuse; use an ed25519 key (ssh-keygen -t ed25519)"
		                           : "",
		             a.notes.data);
out:
	free(home);
	mr_buf_fini(&a.tried);
	mr_buf_fini(&a.notes);
	return r;
}

/* ---- open and close ---- */

static void ssh_close(struct mr_transport *base)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	if (!t)
		return;
	ssh_release(base);
	if (t->sftp)
		libssh2_sftp_shutdown(t->sftp);
	if (t->session) {
		if (!t->base.broken)
			libssh2_session_disconnect(t->session, "migready: done");
		libssh2_session_free(t->session);
	}
	if (t->sock >= 0)
		close(t->sock);
	free(t->address);
	free(t->user);
	free(t->become_user);
	free(t->base.host);
	free(t->base.root);
	free(t->canon_root);
	free(t);
}

struct mr_transport *mr_transport_ssh_new(const struct mr_conn_spec *host, int timeout_s,
                                          struct mr_error **err)
{
	struct ssh_transport *t = mr_xcalloc(1, sizeof(*t));
	char *kh_path = NULL, *kh = NULL, *home = NULL;
	size_t kh_len = 0;
	struct mr_transport *r = NULL;

	t->base.ops = &ssh_ops;
	t->base.host = mr_xstrdup(host->name);
	/* root "/" is the host itself: live, services restarted. */
	t->base.root = host->root && *host->root && strcmp(host->root, "/") != 0
	                   ? mr_xstrdup(host->root)
	                   : NULL;
	t->address = mr_xstrdup(host->address ? host->address : host->name);
	t->port = host->port ? host->port : 22;
	t->user = mr_xstrdup(host->user ? host->user : "root");
	t->become_user = host->become_user ? mr_xstrdup(host->become_user) : NULL;
	t->timeout_s = timeout_s > 0 ? timeout_s : 30;
	t->base.timeout_s = t->timeout_s;
	t->base.stage_unsynced = t->become_user || t->base.root; /* become.sh's stage */
	t->sock = -1;

	if (host->known_hosts) {
		kh_path = mr_xstrdup(host->known_hosts);
	} else {
		home = home_dir();
		kh_path = mr_xasprintf("%s/.ssh/known_hosts", home);
	}
	if (host->host_key_check != MR_HOST_KEY_OFF &&
	    mr_known_hosts_load(kh_path, &kh, &kh_len, err) < 0)
		goto out;
	if (tcp_connect(t, err) < 0)
		goto out;
	t->session = libssh2_session_init_ex(NULL, NULL, NULL, t);
	if (!t->session) {
		mr_error_add(err, MR_ERR_SYSTEM, t->base.host, "cannot create an SSH session");
		goto out;
	}
	libssh2_session_callback_set(t->session, LIBSSH2_CALLBACK_RECV, (void *)recv_quickack);
	libssh2_session_set_blocking(t->session, 1);
	t->op_timeout_s = t->timeout_s;
	libssh2_session_set_timeout(t->session, (long)t->timeout_s * 1000);
	prefer_known_types(t, kh, kh_len);
	if (libssh2_session_handshake(t->session, t->sock) < 0) {
		ssh_error(t, NULL, err, "SSH handshake");
		goto out;
	}
	/* Nothing is sent to a host whose key is refused: checked before auth. */
	if (verify_host_key(t, host, kh_path, kh, kh_len, err) < 0) {
		mark_broken(t); /* not even the polite disconnect */
		goto out;
	}
	t->key_verified = host->host_key_check != MR_HOST_KEY_OFF;
	if (authenticate(t, host, err) < 0)
		goto out;
	libssh2_keepalive_config(t->session, 1, KEEPALIVE_S);
	r = &t->base;
out:
	if (!r)
		ssh_close(&t->base);
	free(kh_path);
	free(kh);
	free(home);
	return r;
}

/* ---- files ---- */

static void fill_stat(const LIBSSH2_SFTP_ATTRIBUTES *a, struct mr_stat *st)
{
	st->exists = 1;
	if (a->flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) {
		st->is_regular = LIBSSH2_SFTP_S_ISREG(a->permissions);
		st->is_symlink = LIBSSH2_SFTP_S_ISLNK(a->permissions);
		st->is_dir = LIBSSH2_SFTP_S_ISDIR(a->permissions);
		st->mode = (mode_t)(a->permissions & 07777);
	}
	if (a->flags & LIBSSH2_SFTP_ATTR_UIDGID) {
		st->uid = (uid_t)a->uid;
		st->gid = (gid_t)a->gid;
	}
	if (a->flags & LIBSSH2_SFTP_ATTR_SIZE)
		st->size = (off_t)a->filesize;
	if (a->flags & LIBSSH2_SFTP_ATTR_ACMODTIME)
		st->mtime = (time_t)a->mtime;
}

/* lstat or stat of a full path: 1 found, 0 absent, -1 error. */
static int sftp_stat(struct ssh_transport *t, const char *full, int follow,
                     LIBSSH2_SFTP_ATTRIBUTES *a, const char *path, struct mr_error **err)
{
	memset(a, 0, sizeof(*a));
	if (libssh2_sftp_stat_ex(t->sftp, full, (unsigned)strlen(full),
	                         follow ? LIBSSH2_SFTP_STAT : LIBSSH2_SFTP_LSTAT, a) == 0)
		return 1;
	if (is_absent(sftp_code(t)))
		return 0;
	ssh_error(t, path, err, follow ? "stat" : "lstat");
	return -1;
}

/* The host's realpath of full, or NULL (absent, or an error). */
static char *sftp_realpath(struct ssh_transport *t, const char *full)
{
	char buf[4096];
	int n = libssh2_sftp_symlink_ex(t->sftp, full, (unsigned)strlen(full), buf,
	                                sizeof(buf) - 1, LIBSSH2_SFTP_REALPATH);
	if (n < 0) {
		/* a path that is not there is an answer; a connection lost or
		 * silent is none: the caller must not read it as a link out of
		 * the root */
		int rc = libssh2_session_last_error(t->session, NULL, NULL, 0);
		if (!recoverable(rc))
			mark_broken(t);
		return NULL;
	}
	buf[n] = '\0';
	return mr_xstrdup(buf);
}

static char *ssh_realpath(void *ctx, const char *p)
{
	struct ssh_transport *t = ctx;
	return t->become_user ? become_realpath(t, p) : sftp_realpath(t, p);
}

/* root + path, refused if a link on the host leads out of the root. */
static char *rooted_path(struct ssh_transport *t, const char *path, int follow_last,
                         struct mr_error **err)
{
	if (!t->base.root)
		return mr_transport_path(&t->base, path);
	if (t->base.broken) {
		/* A failed resolution would read as a link out of the root. */
		char *where = where_of(t, path);
		mr_error_add(err, MR_ERR_HOST, where, "connection lost earlier; not retried");
		free(where);
		return NULL;
	}
	if (!t->canon_root && !(t->canon_root = ssh_realpath(t, t->base.root))) {
		char *where = where_of(t, path);
		if (t->base.broken)
			mr_error_add(err, MR_ERR_HOST, where,
			             "the connection was lost (or the host fell silent, --timeout) "
			             "while the root was resolved");
		else
			mr_error_add(err, MR_ERR_HOST, where, "root '%s' does not exist on the host",
			             t->base.root);
		free(where);
		return NULL;
	}
	return mr_transport_contained(&t->base, t->canon_root, path, follow_last, ssh_realpath, t,
	                              err);
}

static int ssh_stat(struct mr_transport *base, const char *path, struct mr_stat *st,
                    struct mr_error **err)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	LIBSSH2_SFTP_ATTRIBUTES a;
	memset(st, 0, sizeof(*st));
	if (need_sftp(t, path, err) < 0)
		return -1;
	char *full = rooted_path(t, path, 0, err);
	if (!full)
		return -1;
	if (t->become_user) {
		int r = become_stat(t, path, full, st, err);
		free(full);
		return r;
	}
	int rc = sftp_stat(t, full, 0, &a, path, err);
	free(full);
	if (rc > 0)
		fill_stat(&a, st);
	return rc < 0 ? -1 : 0;
}

/* A symlink is followed for reading: st says is_symlink, and its other
 * fields describe the file read. */
static int ssh_read_file(struct mr_transport *base, const char *path, char **data, size_t *len,
                         struct mr_stat *st, struct mr_error **err)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	LIBSSH2_SFTP_ATTRIBUTES a;
	LIBSSH2_SFTP_HANDLE *h = NULL;
	struct mr_buf b = { 0 };
	char *full = NULL, *chunk = NULL, *where = NULL;
	int r = -1, rc;

	*data = NULL;
	*len = 0;
	memset(st, 0, sizeof(*st));
	if (need_sftp(t, path, err) < 0)
		return -1;
	if (!(full = rooted_path(t, path, 1, err)))
		goto out;
	if (t->become_user) {
		r = become_read(t, path, full, data, len, st, err);
		goto out;
	}
	if ((rc = sftp_stat(t, full, 0, &a, path, err)) <= 0) {
		r = rc; /* absent: not an error */
		goto out;
	}
	fill_stat(&a, st);
	if (st->is_symlink) {
		if ((rc = sftp_stat(t, full, 1, &a, path, err)) < 0)
			goto out;
		where = where_of(t, path);
		if (rc == 0) {
			mr_error_add(err, MR_ERR_HOST, where, "symbolic link to a missing file");
			goto out;
		}
		fill_stat(&a, st);
		st->is_symlink = 1;
	}
	if (!st->is_regular) {
		if (!where)
			where = where_of(t, path);
		mr_error_add(err, MR_ERR_HOST, where, "not a regular file");
		goto out;
	}
	size_t cap = mr_transport_max_file(base);
	if ((a.flags & LIBSSH2_SFTP_ATTR_SIZE) && a.filesize > cap) {
		if (!where)
			where = where_of(t, path);
		mr_error_add(err, MR_ERR_HOST, where,
		             "larger than %zu bytes (--max-file-size); not read", cap);
		goto out;
	}
	h = libssh2_sftp_open_ex(t->sftp, full, (unsigned)strlen(full), LIBSSH2_FXF_READ, 0,
	                         LIBSSH2_SFTP_OPENFILE);
	if (!h) {
		ssh_error(t, path, err, "open");
		goto out;
	}
	mr_buf_init(&b);
	chunk = mr_xmalloc(IO_CHUNK);
	for (;;) {
		ssize_t n = libssh2_sftp_read(h, chunk, IO_CHUNK);
		if (n < 0) {
			ssh_error(t, path, err, "read");
			goto out;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > cap) {
			/* It grew while read: the session stays usable. */
			if (!where)
				where = where_of(t, path);
			mr_error_add(err, MR_ERR_HOST, where,
			             "larger than %zu bytes (--max-file-size); not read", cap);
			goto out;
		}
		mr_buf_add(&b, chunk, (size_t)n);
	}
	rc = libssh2_sftp_close_handle(h);
	h = NULL;
	if (rc < 0) {
		ssh_error(t, path, err, "close");
		goto out;
	}
	st->size = (off_t)b.len;
	*data = mr_buf_steal(&b, len);
	r = 0;
out:
	if (h)
		libssh2_sftp_close_handle(h); /* frees it; fails fast if broken */
	if (r < 0)
		memset(st, 0, sizeof(*st));
	mr_buf_fini(&b);
	free(chunk);
	free(full);
	free(where);
	return r;
}

char *mr_sh_join(const char *const *argv)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			mr_buf_putc(&b, ' ');
		mr_sh_quote(&b, argv[i]);
	}
	return mr_buf_steal(&b, NULL);
}

static int wait_socket(struct ssh_transport *t, time_t deadline)
{
	int dir = libssh2_session_block_directions(t->session);
	struct pollfd p = { .fd = t->sock };
	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		p.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		p.events |= POLLOUT;
	if (!p.events)
		p.events = POLLIN;
	time_t now = time(NULL);
	if (now >= deadline)
		return 0;
	int n = poll(&p, 1, (int)(deadline - now) * 1000);
	return n < 0 && errno == EINTR ? 1 : n;
}

/* Opens an exec channel for argv (quoted here, the one place) and feeds
 * it input; with eof, closes its standard input afterwards. Messages name
 * what and the step that failed. */
static LIBSSH2_CHANNEL *exec_open(struct ssh_transport *t, const char *const *argv,
                                  const char *input, size_t input_len, int eof,
                                  const char *what, const char *path,
                                  struct mr_error **err)
{
	char *command = mr_sh_join(argv);
	const char *step = "opening a channel";
	LIBSSH2_CHANNEL *ch = libssh2_channel_open_session(t->session);
	if (!ch)
		goto fail;
	step = "starting the command";
	if (libssh2_channel_exec(ch, command) < 0)
		goto fail;
	step = "sending its input";
	for (size_t off = 0; input && off < input_len;) {
		ssize_t n = libssh2_channel_write(ch, input + off, input_len - off);
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (eof && libssh2_channel_send_eof(ch) < 0)
		goto fail;
	free(command);
	return ch;
fail:;
	char *msg = mr_xasprintf("%s: %s", what, step);
	ssh_error(t, path, err, msg);
	free(msg);
	if (ch)
		libssh2_channel_free(ch);
	free(command);
	return NULL;
}


/* Reads both streams as data comes (non-blocking: a command filling stderr
 * cannot stall stdout) until the command ends, or with until until
 * until(out, arg) says stdout is complete (returns 1 then). stdout beyond
 * out_max, or no end within timeout_s, is an error; the time-out breaks
 * the transport. */
static int drain(struct ssh_transport *t, LIBSSH2_CHANNEL *ch, struct mr_buf *out,
                 size_t out_max, struct mr_buf *errtext,
                 int (*until)(const struct mr_buf *out, void *arg), void *arg, const char *what,
                 const char *path, struct mr_error **err)
{
	char *buf = mr_xmalloc(IO_CHUNK);
	time_t deadline = time(NULL) + t->base.timeout_s;
	int r = -1, rechecked = 0;
	libssh2_session_set_blocking(t->session, 0);
	for (;;) {
		int progress = 0, closed = 0;
		for (int stream = 0; stream < 2; stream++) {
			ssize_t n;
			while ((n = libssh2_channel_read_ex(ch, stream, buf, IO_CHUNK)) > 0) {
				progress = 1;
				if (stream == 1) {
					if (errtext->len < STDERR_KEEP)
						mr_buf_add(errtext, buf, (size_t)n);
					continue;
				}
				if (out->len + (size_t)n > out_max) {
					char *where = where_of(t, path);
					mr_error_add(err, MR_ERR_HOST, where,
					             "%s: more than %zu MiB of output; stopped", what,
					             out_max >> 20);
					free(where);
					mark_broken(t); /* the rest would still arrive */
					goto out;
				}
				mr_buf_add(out, buf, (size_t)n);
				if (until && until(out, arg)) {
					r = 1;
					goto out;
				}
			}
			if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
				libssh2_session_set_blocking(t->session, 1);
				ssh_error(t, path, err, what);
				goto out;
			}
			if (n == 0 && libssh2_channel_eof(ch))
				closed++;
		}
		if ((closed == 2 || libssh2_channel_eof(ch)) && !progress) {
			r = 0;
			break;
		}
		if (progress) {
			deadline = time(NULL) + t->base.timeout_s; /* silence is what times out */
			rechecked = 0;
			continue;
		}
		/* A read of either stream takes every packet waiting into
		 * libssh2's queue: stdout that came during the read of stderr is
		 * there, and the socket may stay silent (a held shell waits for
		 * its next request). One more pass reads it. */
		unsigned long queued = 0;
		libssh2_channel_window_read_ex(ch, &queued, NULL);
		if (queued && !rechecked) {
			rechecked = 1;
			continue;
		}
		if (wait_socket(t, deadline) == 0) {
			libssh2_session_set_blocking(t->session, 1);
			char *where = where_of(t, path);
			mr_error_add(err, MR_ERR_HOST, where, "%s: timed out after %d s", what,
			             t->base.timeout_s);
			free(where);
			mark_broken(t);
			goto out;
		}
	}
out:
	libssh2_session_set_blocking(t->session, 1);
	free(buf);
	return r;
}

/* Closes a finished channel and returns the command's exit status. */
static int exec_finish(struct ssh_transport *t, LIBSSH2_CHANNEL *ch, int *status,
                       const char *what, const char *path, struct mr_error **err)
{
	if (libssh2_channel_close(ch) < 0 || libssh2_channel_wait_closed(ch) < 0) {
		char *msg = mr_xasprintf("%s: waiting for its exit", what);
		ssh_error(t, path, err, msg);
		free(msg);
		return -1;
	}
	char *sig = NULL;
	libssh2_channel_get_exit_signal(ch, &sig, NULL, NULL, NULL, NULL, NULL);
	if (sig) {
		mr_log(MR_LOG_DEBUG, "%s: command killed by signal %s", t->base.host, sig);
		libssh2_free(t->session, sig);
		*status = 255;
	} else {
		*status = libssh2_channel_get_exit_status(ch);
	}
	return 0;
}

/* sudo's own refusals (sudo -n never asks): the one it printed, or NULL. */
static const char *sudo_refusal(const struct mr_buf *e)
{
	static const char *const said[] = {
		"a password is required", "a terminal is required", "is not in the sudoers file",
		"is not allowed to execute", "may not run sudo", "must have a tty", "no tty present",
		"must be owned by uid 0",
	};
	if (!e->data)
		return NULL;
	for (size_t i = 0; i < MR_ARRAY_LEN(said); i++) {
		const char *m = strstr(e->data, said[i]);
		if (!m)
			continue;
		const char *line = m;
		while (line > e->data && line[-1] != '\n')
			line--;
		if (strncmp(line, "sudo: ", 6) == 0 || strncmp(line, "Sorry, user ", 12) == 0)
			return said[i];
	}
	return NULL;
}

/* With become, a command that sudo did not run fails the operation with a
 * message saying why (rather than "exit 1" of a command that never ran).
 * Returns -1 with err then. */
static int check_sudo(struct ssh_transport *t, int status, const struct mr_buf *e,
                      struct mr_error **err)
{
	const char *why = status == 1 ? sudo_refusal(e) : NULL;
	if (why && strcmp(why, "a password is required") == 0) {
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "become: sudo asks '%s' for a password; migready needs passwordless "
		             "sudo (NOPASSWD) to run commands as '%s'",
		             t->user, t->become_user);
		return -1;
	}
	if (why) {
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "become: sudo refuses to run commands as '%s' for '%s': %s",
		             t->become_user, t->user, why);
		return -1;
	}
	if (status == 127 && e->data && strstr(e->data, "sudo") && strstr(e->data, "not found")) {
		mr_error_add(err, MR_ERR_HOST, t->base.host,
		             "become: sudo is not installed on the host");
		return -1;
	}
	return 0;
}

/* Runs argv (with become: sudo -n -u USER -- argv) to its end, feeding it
 * input; or with hold, until it prints the held mark: then returns 1 and
 * *held keeps the channel, its stdin open. stdout lands in o (more than
 * out_max bytes: an error); stderr is
 * logged. 0 when it ended (*status), -1 with err, naming host:path when
 * path (the file a file operation is for) is not NULL. */
static int start(struct ssh_transport *t, const char *const *argv, const char *input,
                 size_t input_len, int hold, struct mr_buf *o, size_t out_max, int *status,
                 LIBSSH2_CHANNEL **held, const char *path, struct mr_error **err)
{
	LIBSSH2_CHANNEL *ch = NULL;
	const char **wrapped = NULL;
	const char *what = argv[0];
	struct mr_buf e;
	int rc = -1;
	if (op_begin(t, path, err) < 0)
		return -1;
	mr_buf_init(&e);
	if (t->become_user) {
		static const char *const sudo[] = { "sudo", "-n", "-u", NULL, "--" };
		size_t n = 0;
		while (argv[n])
			n++;
		wrapped = mr_xcalloc(MR_ARRAY_LEN(sudo) + n + 1, sizeof(*wrapped));
		for (size_t i = 0; i < MR_ARRAY_LEN(sudo); i++)
			wrapped[i] = sudo[i] ? sudo[i] : t->become_user;
		memcpy(wrapped + MR_ARRAY_LEN(sudo), argv, n * sizeof(*argv));
		argv = wrapped;
	}
	if (!(ch = exec_open(t, argv, input, input_len, !hold, what, path, err)))
		goto out;
	rc = drain(t, ch, o, out_max, &e, hold ? mr_held_mark_done : NULL, &t->serving, what, path,
	           err);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		*held = ch;
		ch = NULL;
	} else if (exec_finish(t, ch, status, what, path, err) < 0) {
		rc = -1;
		goto out;
	}
	mr_transport_log_stderr(&t->base, what, *status, &e);
	if (rc == 0 && t->become_user && check_sudo(t, *status, &e, err) < 0)
		rc = -1;
out:
	if (ch)
		libssh2_channel_free(ch);
	free(wrapped);
	mr_buf_fini(&e);
	return rc;
}


/* Runs argv in the held command that serves (already the become user, if
 * any), input on its standard input: no session of its own. 0 when it
 * ended (*status), -1 with err naming host:path when path is not NULL; a
 * failure releases the held command. */
static int served_run(struct ssh_transport *t, const char *const *argv, const char *input,
                      size_t input_len, size_t out_max, struct mr_buf *o, int *status,
                      const char *path, struct mr_error **err)
{
	char tag[MR_TAG_LEN + 1];
	size_t len;
	const char *what = argv[0];
	struct mr_serve_reply r = { tag, -1, 0 };
	struct mr_buf e;
	if (op_begin(t, path, err) < 0) {
		ssh_release(&t->base);
		return -1;
	}
	char *where = where_of(t, path);
	char *req = mr_serve_request(argv, input, input_len, tag, &len);
	/* a large request (a commit's contents) is seconds on a slow link */
	mr_log(MR_LOG_DEBUG, "%s: sending a request to the held session: %s, %zu bytes",
	       t->base.host, what, len);
	/* MIGREADY_FAULT=mid-request:drop: half the request, then the
	 * connection shut, as a controller that dies mid-way leaves the host */
	int cut = mr_fault_is("mid-request", "drop", t->base.host);
	size_t send = cut ? len / 2 : len;
	mr_buf_init(&e);
	int rc = -1;
	for (size_t off = 0; off < send;) {
		ssize_t n = libssh2_channel_write(t->held, req + off, send - off);
		if (n < 0) {
			ssh_error(t, path, err, "sending a command to the held session");
			goto out;
		}
		off += (size_t)n;
	}
	if (cut) {
		mr_log(MR_LOG_DEBUG, "%s: fault point mid-request: the connection shut after %zu of %zu bytes",
		       t->base.host, send, len);
		mark_broken(t);
	}
	rc = drain(t, t->held, o, out_max + MR_SERVE_TRAILER_MAX, &e, mr_serve_reply_done, &r, what,
	           path, err);
	rc = mr_serve_finish(&t->base, rc, what, where, out_max, &r, o, &e, status, err);
out:
	/* the rest of a failed command's output would reach the next one */
	if (rc < 0)
		ssh_release(&t->base);
	free(where);
	free(req);
	mr_buf_fini(&e);
	return rc;
}

static int ssh_run(struct mr_transport *base, const char *const *argv, const char *input,
                   size_t input_len, char **out, size_t *out_len, int *status,
                   struct mr_error **err)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	struct mr_buf o;
	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	*status = -1;
	mr_buf_init(&o);
	int rc = t->held && t->serving
	             ? served_run(t, argv, input, input_len, MR_OUTPUT_MAX, &o, status, NULL, err)
	             : start(t, argv, input, input_len, 0, &o, MR_OUTPUT_MAX, status, NULL, NULL, err);
	if (rc == 0 && out)
		*out = mr_buf_steal(&o, out_len);
	mr_buf_fini(&o);
	return rc < 0 ? -1 : 0;
}

static int ssh_hold(struct mr_transport *base, const char *const *argv, const char *input,
                    size_t input_len, char **out, size_t *out_len, int *status,
                    struct mr_error **err)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	struct mr_buf o;
	*out = NULL;
	*out_len = 0;
	*status = -1;
	mr_buf_init(&o);
	/* its stdin stays open after the input: it keeps what it holds */
	int rc = start(t, argv, input, input_len, 1, &o, MR_OUTPUT_MAX, status, &t->held, NULL,
	               err);
	if (rc >= 0)
		*out = mr_buf_steal(&o, out_len);
	mr_buf_fini(&o);
	return rc < 0 ? -1 : 0;
}

static void ssh_release(struct mr_transport *base)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	if (!t->held)
		return;
	if (!t->base.broken) {
		apply_timeout(t);
		/* End of input ends the holder; its exit is of no interest. */
		libssh2_channel_send_eof(t->held);
		libssh2_channel_close(t->held);
	}
	libssh2_channel_free(t->held);
	t->held = NULL;
	t->serving = 0;
}

/* ---- files through commands: become, and creation under a root ---- */

/* Runs one operation of become.sh (as the become user, if any); o gets what it
 * printed. A failure it reports ("error MESSAGE") becomes an error naming
 * host:path. */
static int become_op(struct ssh_transport *t, const char *const *args, const char *input,
                     size_t input_len, size_t out_max, const char *path, struct mr_buf *o,
                     struct mr_error **err)
{
	const char *argv[16] = { "/bin/sh", "-c", MR_BECOME_SH, "migready-file" };
	size_t n = 4;
	for (size_t i = 0; args[i] && n + 1 < MR_ARRAY_LEN(argv); i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int status = -1;
	/* in the held command's shell when it serves: no session of its own */
	if ((t->held && t->serving
	         ? served_run(t, argv, input, input_len, out_max, o, &status, path, err)
	         : start(t, argv, input, input_len, 0, o, out_max, &status, NULL, path, err)) < 0)
		return -1;
	if (status == 0)
		return 0;
	size_t end = o->len;
	while (end && o->data[end - 1] == '\n')
		end--;
	size_t line = end;
	while (line && o->data[line - 1] != '\n')
		line--;
	char *where = where_of(t, path);
	if (end - line > 6 && memcmp(o->data + line, "error ", 6) == 0)
		mr_error_add(err, MR_ERR_HOST, where, "%.*s", (int)(end - line - 6),
		             o->data + line + 6);
	else
		mr_error_add(err, MR_ERR_HOST, where, "%s failed (exit %d)", args[0], status);
	free(where);
	return -1;
}

/* The next line of *p (n bytes left), without its newline; NULL at the end. */
static char *next_line(const char **p, size_t *n)
{
	const char *nl = memchr(*p, '\n', *n);
	if (!nl)
		return NULL;
	char *line = mr_xstrndup(*p, (size_t)(nl - *p));
	*n -= (size_t)(nl + 1 - *p);
	*p = nl + 1;
	return line;
}

/* "MODE UID GID SIZE MTIME" (become.sh's stat line) into st; -1 if it is
 * not one. */
static int parse_stat(const char *line, struct mr_stat *st)
{
	unsigned long mode, uid, gid;
	long long size, mtime;
	char extra;
	if (!line || sscanf(line, "%lx %lu %lu %lld %lld %c", &mode, &uid, &gid, &size, &mtime,
	                    &extra) != 5)
		return -1;
	st->exists = 1;
	st->is_regular = S_ISREG(mode);
	st->is_symlink = S_ISLNK(mode);
	st->is_dir = S_ISDIR(mode);
	st->mode = (mode_t)(mode & 07777);
	st->uid = (uid_t)uid;
	st->gid = (gid_t)gid;
	st->size = (off_t)size;
	st->mtime = (time_t)mtime;
	return 0;
}

static void bad_reply(struct ssh_transport *t, const char *path, const char *op,
                      struct mr_error **err)
{
	char *where = where_of(t, path);
	mr_error_add(err, MR_ERR_HOST, where, "%s: unexpected reply from the host", op);
	free(where);
}

static char *become_realpath(struct ssh_transport *t, const char *full)
{
	const char *args[] = { "realpath", full, NULL };
	struct mr_buf o;
	struct mr_error *e = NULL;
	char *r = NULL;
	mr_buf_init(&o);
	if (become_op(t, args, NULL, 0, MR_OUTPUT_MAX, full, &o, &e) == 0 && o.len > 1 &&
	    o.data[o.len - 1] == '\n')
		r = mr_xstrndup(o.data, o.len - 1);
	mr_error_free(e); /* unknown, as for SFTP: the caller says what it means */
	mr_buf_fini(&o);
	return r;
}

static int become_stat(struct ssh_transport *t, const char *path, const char *full,
                       struct mr_stat *st, struct mr_error **err)
{
	const char *args[] = { "stat", full, NULL };
	struct mr_buf o;
	int r = -1;
	mr_buf_init(&o);
	if (become_op(t, args, NULL, 0, MR_OUTPUT_MAX, path, &o, err) < 0)
		goto out;
	const char *p = o.data;
	size_t n = o.len;
	char *line = next_line(&p, &n);
	if (line && strcmp(line, "absent") == 0)
		r = 0;
	else if (parse_stat(line, st) == 0)
		r = 0;
	else
		bad_reply(t, path, "stat", err);
	free(line);
out:
	mr_buf_fini(&o);
	return r;
}

/* As ssh_read_file, read by the become user: one exec prints the file's
 * lstat, its target's stat for a link, then its bytes. */
static int become_read(struct ssh_transport *t, const char *path, const char *full,
                       char **data, size_t *len, struct mr_stat *st, struct mr_error **err)
{
	size_t cap = mr_transport_max_file(&t->base);
	char capbuf[32];
	snprintf(capbuf, sizeof(capbuf), "%zu", cap);
	const char *args[] = { "read", capbuf, full, NULL };
	struct mr_buf o;
	char *line = NULL, *where = where_of(t, path);
	int r = -1;
	mr_buf_init(&o);
	/* room for the stat lines and one byte past the cap */
	if (become_op(t, args, NULL, 0, cap + 4096, path, &o, err) < 0)
		goto out;
	const char *p = o.data;
	size_t n = o.len;
	line = next_line(&p, &n);
	if (line && strcmp(line, "absent") == 0) {
		r = 0; /* absent: not an error */
		goto out;
	}
	if (parse_stat(line, st) < 0) {
		bad_reply(t, path, "read", err);
		goto out;
	}
	if (st->is_symlink) {
		free(line);
		line = next_line(&p, &n);
		if (line && strcmp(line, "dangling") == 0) {
			mr_error_add(err, MR_ERR_HOST, where, "symbolic link to a missing file");
			goto out;
		}
		if (parse_stat(line, st) < 0) {
			bad_reply(t, path, "read", err);
			goto out;
		}
		st->is_symlink = 1;
	}
	if (!st->is_regular) {
		mr_error_add(err, MR_ERR_HOST, where, "not a regular file");
		goto out;
	}
	free(line);
	line = next_line(&p, &n);
	if ((size_t)st->size > cap || (line && n > cap)) {
		/* too large, or it grew while read */
		mr_error_add(err, MR_ERR_HOST, where,
		             "larger than %zu bytes (--max-file-size); not read", cap);
		goto out;
	}
	if (!line || strcmp(line, "data") != 0) {
		bad_reply(t, path, "read", err);
		goto out;
	}
	*data = mr_xmalloc(n + 1);
	memcpy(*data, p, n);
	(*data)[n] = '\0';
	*len = n;
	st->size = (off_t)n;
	r = 0;
out:
	if (r < 0)
		memset(st, 0, sizeof(*st));
	free(line);
	free(where);
	mr_buf_fini(&o);
	return r;
}

/* The root prefix for become.sh's operations that create, '' for none. */
static const char *root_arg(const struct ssh_transport *t)
{
	return t->base.root ? t->base.root : "";
}

/* become.sh gets the path under the root, as it walks it from the root;
 * it says "made DIR", the first directory it made, last. */
static int cmd_mkdir_p(struct ssh_transport *t, const char *path, mode_t mode, char **made,
                       struct mr_error **err)
{
	char m[16];
	snprintf(m, sizeof(m), "%04o", (unsigned)(mode & 07777));
	const char *args[] = { "mkdir", m, root_arg(t), path, NULL };
	struct mr_buf o;
	mr_buf_init(&o);
	int r = become_op(t, args, NULL, 0, MR_OUTPUT_MAX, path, &o, err);
	if (r == 0 && made && o.len > 6 && memcmp(o.data, "made ", 5) == 0 && o.data[o.len - 1] == '\n')
		*made = mr_xstrndup(o.data + 5, o.len - 6);
	mr_buf_fini(&o);
	return r;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The new content travels on the command's standard input, and the
 * command writes it beside the target, in the directory it entered and
 * checked to be inside the root: the same guarantees as over SFTP, and no
 * file made outside the root through a link swapped in on the way. The
 * name is ours (mr_temp_name), made O_EXCL; the file stays 0600 and the
 * become user's: the commit script gives it the plan's owner and mode on
 * the file it opened. */
static int cmd_stage(struct ssh_transport *t, const char *path, const char *full,
                     const char *data, size_t len, char **tmp, struct mr_error **err)
{
	char *name = mr_temp_name(full);
	const char *args[] = { "stage", root_arg(t), full, base_name(name), NULL, NULL };
	/* In the serving shell the content can be an argument (no exec, so no
	 * size limit): the shell writes it, no cat. A shell variable holds no
	 * NUL byte; such content goes on standard input. */
	char *inline_data = NULL;
	int inline_ok = t->held && t->serving && (!data || !memchr(data, '\0', len));
	if (inline_ok) {
		inline_data = mr_xstrndup(data ? data : "", len);
		args[4] = inline_data;
	}
	struct mr_buf o;
	int r = -1;
	mr_buf_init(&o);
	if (become_op(t, args, inline_ok ? NULL : data ? data : "", inline_ok ? 0 : len,
	              MR_OUTPUT_MAX, path, &o, err) < 0)
		goto out;
	const char *p = o.data;
	size_t n = o.len;
	char *line = next_line(&p, &n);
	if (!line || line[0] != '/') {
		free(line);
		bad_reply(t, path, "stage", err);
		goto out;
	}
	*tmp = line;
	r = 0;
out:
	free(name);
	free(inline_data);
	mr_buf_fini(&o);
	return r;
}

static int set_attrs(struct ssh_transport *t, LIBSSH2_SFTP_HANDLE *h, uid_t uid, gid_t gid,
                     mode_t mode, int chown_too, const char *path, struct mr_error **err)
{
	LIBSSH2_SFTP_ATTRIBUTES a;
	if (chown_too) {
		/* owner first: chown may clear set-id bits that chmod then sets */
		memset(&a, 0, sizeof(a));
		a.flags = LIBSSH2_SFTP_ATTR_UIDGID;
		a.uid = uid;
		a.gid = gid;
		if (libssh2_sftp_fsetstat(h, &a) < 0) {
			ssh_error(t, path, err, "cannot give the new file the owner of the old one");
			return -1;
		}
	}
	if (mode == MR_STAGE_MODE_LATER)
		return 0;
	memset(&a, 0, sizeof(a));
	a.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
	a.permissions = mode & 07777;
	if (libssh2_sftp_fsetstat(h, &a) < 0) {
		ssh_error(t, path, err, "chmod");
		return -1;
	}
	return 0;
}

static int ssh_stage(struct mr_transport *base, const char *path, const char *data, size_t len,
                     mode_t mode, uid_t uid, gid_t gid, char **tmp_out, struct mr_error **err)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	LIBSSH2_SFTP_HANDLE *h = NULL;
	char *full = NULL, *tmp = NULL;
	int r = -1, rc;

	*tmp_out = NULL;
	if (need_sftp(t, path, err) < 0)
		goto out;
	if (!(full = rooted_path(t, path, 0, err)))
		goto out;
	/* Under a root the file is made by a command: an SFTP open follows
	 * whatever link was swapped in on the way since rooted_path's check. */
	if (t->become_user || t->base.root) {
		r = cmd_stage(t, path, full, data, len, tmp_out, err);
		goto out;
	}
	/* O_EXCL with a fresh random name; a clash (FAILURE in SFTP v3) retries */
	for (int tries = 0; !h && tries < 5; tries++) {
		free(tmp);
		tmp = mr_temp_name(full);
		h = libssh2_sftp_open_ex(t->sftp, tmp, (unsigned)strlen(tmp),
		                         LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL, 0600,
		                         LIBSSH2_SFTP_OPENFILE);
		if (!h && sftp_code(t) != LIBSSH2_FX_FAILURE)
			break;
	}
	if (!h) {
		ssh_error(t, path, err, "cannot create a temporary file in the directory");
		free(tmp);
		tmp = NULL;
		goto out;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = libssh2_sftp_write(h, data + off, len - off);
		if (n < 0) {
			ssh_error(t, path, err, "write");
			goto out;
		}
		off += (size_t)n;
	}
	int chown_too = 0;
	if (uid != (uid_t)-1 || gid != (gid_t)-1) {
		LIBSSH2_SFTP_ATTRIBUTES cur;
		if (libssh2_sftp_fstat_ex(h, &cur, 0) < 0) {
			ssh_error(t, path, err, "fstat");
			goto out;
		}
		if (uid == (uid_t)-1)
			uid = (uid_t)cur.uid;
		if (gid == (gid_t)-1)
			gid = (gid_t)cur.gid;
		chown_too = cur.uid != uid || cur.gid != gid;
	}
	if (set_attrs(t, h, uid, gid, mode, chown_too, path, err) < 0)
		goto out;
	/* Without fsync@openssh.com (OpenSSH has had it since 6.5) the commit
	 * script syncs the staged files. */
	if (libssh2_sftp_fsync(h) < 0) {
		if (sftp_code(t) != LIBSSH2_FX_OP_UNSUPPORTED) {
			ssh_error(t, path, err, "fsync");
			goto out;
		}
		t->base.stage_unsynced = 1;
	}
	rc = libssh2_sftp_close_handle(h);
	h = NULL;
	if (rc < 0) {
		ssh_error(t, path, err, "close");
		goto out;
	}
	*tmp_out = tmp;
	tmp = NULL;
	r = 0;
out:
	if (h)
		libssh2_sftp_close_handle(h); /* frees it; fails fast if broken */
	if (tmp && !t->base.broken)
		libssh2_sftp_unlink_ex(t->sftp, tmp, (unsigned)strlen(tmp));
	free(tmp);
	free(full);
	return r;
}

static void ssh_unstage(struct mr_transport *base, const char *tmp)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	if (t->become_user && !t->base.broken) {
		const char *args[] = { "unstage", tmp, NULL };
		struct mr_buf o;
		struct mr_error *e = NULL;
		mr_buf_init(&o);
		become_op(t, args, NULL, 0, MR_OUTPUT_MAX, NULL, &o, &e); /* best effort */
		mr_error_free(e);
		mr_buf_fini(&o);
	} else if (t->sftp && !t->base.broken) {
		libssh2_sftp_unlink_ex(t->sftp, tmp, (unsigned)strlen(tmp));
	}
}

/* mkdir -p: walks up to the deepest existing directory, then creates the
 * rest with the mode set exactly (the server's umask applies to mkdir). */
static int ssh_mkdir_p(struct mr_transport *base, const char *path, mode_t mode, char **made,
                       struct mr_error **err)
{
	struct ssh_transport *t = (struct ssh_transport *)base;
	LIBSSH2_SFTP_ATTRIBUTES a;
	char *full = NULL, *where = NULL;
	int r = -1, rc;
	if (made)
		*made = NULL;
	if (need_sftp(t, path, err) < 0)
		return -1;
	if (!(full = rooted_path(t, path, 1, err)))
		return -1;
	if (t->become_user || t->base.root) { /* as ssh_stage, for the same reason */
		r = cmd_mkdir_p(t, path, mode, made, err);
		free(full);
		return r;
	}
	where = where_of(t, path);
	size_t n = strlen(full);
	/* messages name host paths, without the root prefix */
	size_t skip = n > strlen(path) ? n - strlen(path) : 0;
	while (n > 1 && full[n - 1] == '/')
		full[--n] = '\0';
	/* find the deepest existing prefix */
	size_t end = n;
	for (;;) {
		char save = full[end];
		full[end] = '\0';
		rc = sftp_stat(t, full, 1, &a, path, err);
		full[end] = save;
		if (rc < 0)
			goto out;
		if (rc > 0) {
			if (!LIBSSH2_SFTP_S_ISDIR(a.permissions)) {
				mr_error_add(err, MR_ERR_HOST, where, "'%.*s' is not a directory",
				             (int)(end - skip), full + skip);
				goto out;
			}
			break;
		}
		while (end > 0 && full[end - 1] != '/')
			end--;
		while (end > 1 && full[end - 1] == '/')
			end--;
		if (end == 0 || (end == 1 && full[0] == '/'))
			break;
	}
	/* create each missing component below it */
	while (end < n) {
		end++;
		while (end < n && full[end] != '/')
			end++;
		char save = full[end];
		full[end] = '\0';
		if (libssh2_sftp_mkdir_ex(t->sftp, full, (unsigned)end, (long)(mode & 07777)) < 0) {
			char *msg;
			if (libssh2_session_last_error(t->session, &msg, NULL, 0) !=
			    LIBSSH2_ERROR_SFTP_PROTOCOL) {
				ssh_error(t, path, err, "mkdir");
				goto out;
			}
			unsigned long code = libssh2_sftp_last_error(t->sftp);
			/* raced with another creator? fine if it is a directory now */
			if ((rc = sftp_stat(t, full, 1, &a, path, err)) < 0)
				goto out;
			if (rc == 0 || !LIBSSH2_SFTP_S_ISDIR(a.permissions)) {
				mr_error_add(err, MR_ERR_HOST, where, "cannot create directory '%s': %s",
				             full + (end > skip ? skip : 0), sftp_status_text(code));
				goto out;
			}
		} else {
			if (made && !*made)
				*made = mr_xstrdup(full + (end > skip ? skip : 0));
			memset(&a, 0, sizeof(a));
			a.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
			a.permissions = mode & 07777;
			if (libssh2_sftp_setstat(t->sftp, full, &a) < 0) {
				ssh_error(t, path, err, "chmod");
				goto out;
			}
		}
		full[end] = save;
	}
	r = 0;
out:
	free(full);
	free(where);
	return r;
}

char *mr_transport_verified_host_key(const struct mr_transport *base)
{
	if (!base || base->ops != &ssh_ops)
		return NULL;
	const struct ssh_transport *t = (const struct ssh_transport *)base;
	size_t len = 0;
	int ktype = 0;
	const char *key = t->key_verified ? libssh2_session_hostkey(t->session, &len, &ktype) : NULL;
	char type[64];
	if (!key || mr_known_hosts_blob_type((const unsigned char *)key, len, type, sizeof(type)) < 0)
		return NULL;
	char *b64 = mr_known_hosts_b64_encode((const unsigned char *)key, len, 1);
	char *line = mr_xasprintf("%s %s", type, b64);
	free(b64);
	return line;
}

static const struct mr_transport_ops ssh_ops = {
	.name = "ssh",
	.read_file = ssh_read_file,
	.stat = ssh_stat,
	.mkdir_p = ssh_mkdir_p,
	.run = ssh_run,
	.hold = ssh_hold,
	.release = ssh_release,
	.stage = ssh_stage,
	.unstage = ssh_unstage,
	.close = ssh_close,
};
