/* The one way resources and the reconciler reach a host's files and
 * commands. Implemented by transport_local.c (this machine, optionally under
 * a root prefix) and transport_ssh.c (libssh2: SFTP for files, exec for
 * commands). Tests may fill a struct mr_transport_ops of their own. */
#ifndef MR_TRANSPORT_H
#define MR_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "util.h"

/* How strictly a host's key is checked against known_hosts. */
enum mr_host_key_check {
	MR_HOST_KEY_STRICT,     /* unknown and mismatching keys refused */
	MR_HOST_KEY_ACCEPT_NEW, /* unknown keys recorded; mismatches refused */
	MR_HOST_KEY_OFF,        /* nothing checked; warned on every use */
};

/* Where and how to connect: all the SSH transport knows of a host (the
 * inventory stays above it). Strings are borrowed for the call. */
struct mr_conn_spec {
	const char *name;        /* in messages, and a known_hosts name */
	const char *address;     /* NULL: name */
	unsigned port;           /* 0: 22 */
	const char *user;        /* NULL: root */
	const char *identity;    /* NULL: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa */
	const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
	const char *root;        /* prefix of every managed path on the host, or NULL */
	enum mr_host_key_check host_key_check;
	/* NULL, or become: every command runs as "sudo -n -u USER -- ARGV" and
	 * every file is read, staged and made by commands run so (no SFTP);
	 * a sudo that wants a password fails the operation, naming it. */
	const char *become_user;
};

struct mr_stat {
	int exists;
	int is_regular;
	int is_symlink;
	int is_dir;
	mode_t mode; /* permission bits only */
	uid_t uid;
	gid_t gid;
	off_t size;
	time_t mtime;
};

struct mr_transport;

/* Output of a command beyond this is refused (a runaway command must not
 * exhaust the controller's memory). */
#define MR_OUTPUT_MAX (8u << 20)
/* The line a held command prints when it is ready (see hold). */
#define MR_HELD_MARK "--migready-held--"
/* ... or this one instead when it also serves commands until released:
 * it reads its requests as shell text (mr_serve_request), each answered
 * with the command's output and then "\nTAG STATUS\n" (src/facts.sh, its
 * end). */
#define MR_SERVING_MARK "--migready-serving--"

struct mr_transport_ops {
	const char *name;
	/* Reads a whole regular file. An absent file is not an error: *data is
	 * NULL and st->exists is 0. A symlink is reported in st and read through
	 * only for reading. On success *data is the caller's, NUL-terminated. */
	int (*read_file)(struct mr_transport *t, const char *path, char **data, size_t *len,
	                 struct mr_stat *st, struct mr_error **err);
	/* lstat(2): st->exists is 0 for an absent path (not an error). */
	int (*stat)(struct mr_transport *t, const char *path, struct mr_stat *st,
	            struct mr_error **err);
	/* mkdir -p with this mode for the directories it creates. *made (made
	 * may be NULL) gets the shallowest one it created, the caller's, or
	 * NULL: those below it on path are new too (an abort removes them). */
	int (*mkdir_p)(struct mr_transport *t, const char *path, mode_t mode, char **made,
	               struct mr_error **err);
	/* Runs argv on the host (not under the root prefix), no shell: over SSH
	 * the transport quotes each word into one command line (the only place
	 * commands are quoted), locally it is executed directly. input (may be
	 * NULL) is its standard input. *out gets stdout (the caller's; may be
	 * NULL if out is NULL), at most MR_OUTPUT_MAX bytes: more is an error.
	 * *status is the exit status. A command that ran and failed is not an
	 * error of the call. While a held command serves (MR_SERVING_MARK), a
	 * command without input is sent to it: it runs there (still holding
	 * what the held command holds), not in a session of its own. */
	int (*run)(struct mr_transport *t, const char *const *argv, const char *input,
	           size_t input_len, char **out, size_t *out_len, int *status,
	           struct mr_error **err);
	/* Starts argv, writes input (may be NULL) to its standard input and
	 * leaves that open, and returns what it printed up to and including
	 * the line MR_HELD_MARK or MR_SERVING_MARK; the command goes on
	 * running (holding a lock, say) until release or close ends its input.
	 * If it exits before the mark, *status is its exit status, else -1. At
	 * most one held command per transport. */
	int (*hold)(struct mr_transport *t, const char *const *argv, const char *input,
	            size_t input_len, char **out, size_t *out_len, int *status,
	            struct mr_error **err);
	void (*release)(struct mr_transport *t);
	/* Writes data to a new hidden temporary file in path's directory (same
	 * file system, so a rename can make it the file): owner uid:gid and mode,
	 * fsync'd. (uid_t)-1 keeps the connecting user. A user who cannot give
	 * the file that owner is refused, never silently made the owner. The
	 * mode is given on the open file where the transport can (SFTP,
	 * locally); where a command stages (a root, become) the file stays
	 * 0600, and the commit script gives the mode on the file it opened.
	 * Mode MR_STAGE_MODE_LATER leaves it 0600 everywhere (a replaced
	 * file: the commit script copies its original's).
	 * *tmp gets the temporary file's full path on the host (with the root
	 * prefix), the caller's. */
	int (*stage)(struct mr_transport *t, const char *path, const char *data, size_t len,
	             mode_t mode, uid_t uid, gid_t gid, char **tmp, struct mr_error **err);
	/* Removes a staged file that will not be committed; best effort. */
	void (*unstage)(struct mr_transport *t, const char *tmp);
	/* Closes the connection and frees t; accepts NULL t via mr_transport_close. */
	void (*close)(struct mr_transport *t);
};

#define MR_STAGE_MODE_LATER ((mode_t)-1)

/* The common part every transport starts with. */
struct mr_transport {
	const struct mr_transport_ops *ops;
	char *host;  /* name used in messages */
	char *root;  /* prefix of every managed path, or NULL */
	/* The connection is gone (time-out, lost): every later operation fails
	 * at once, and the host's other files are not tried in vain. Set by
	 * the transport; the one test of "host-wide" failure. */
	int broken;
	int timeout_s; /* silence allowed from a command; 0: none */
	/* stage leaves its files unsynced (made by a command on the host):
	 * the commit fsyncs them, all in one process, before any rename */
	int stage_unsynced;
	/* A host file larger than this is not read (that file fails, never
	 * the run); 0: MR_FILE_MAX_DEFAULT. */
	size_t max_file;
};

#define MR_FILE_MAX_DEFAULT (4u << 20)

/* The cap in force for t. */
size_t mr_transport_max_file(const struct mr_transport *t);

/* argv as one shell command line (mr_sh_quote); the caller frees it. */
char *mr_sh_join(const char *const *argv);

/* Opens the local transport; root may be NULL, else must be an existing
 * directory (MR_ERR_INPUT otherwise). Paths that a symbolic link leads out
 * of the root are refused (MR_ERR_CONFLICT). */
struct mr_transport *mr_transport_local_new(const char *root, struct mr_error **err);

/* Opens one SSH connection as spec says, with timeout_s for connect and
 * each operation. Errors are MR_ERR_HOST and name the host. */
struct mr_transport *mr_transport_ssh_new(const struct mr_conn_spec *host, int timeout_s,
                                          struct mr_error **err);

/* The host key an SSH transport checked against known_hosts when it
 * connected ("type base64", the caller's), or NULL for another transport
 * or with host_key_check = off (nothing was verified). */
char *mr_transport_verified_host_key(const struct mr_transport *t);

/* libssh2's process-wide set-up and tear-down, once per process, in main,
 * before any thread opens a transport and after every one is closed. */
int mr_transport_ssh_global_init(struct mr_error **err);
void mr_transport_ssh_global_exit(void);

/* Calls ops->close; accepts NULL. */
void mr_transport_close(struct mr_transport *t);

/* "root" + path, or a copy of path if there is no root; the caller frees it. */
char *mr_transport_path(const struct mr_transport *t, const char *path);

/* root + path for a transport whose canonical root is canon_root, or NULL
 * with an MR_ERR_CONFLICT error naming host:path if a symbolic link leads
 * out of the root on the way (or at the end too, with follow_last).
 * resolve(ctx, p) returns the host's realpath of p (the caller's), or NULL
 * if p does not exist; the deepest existing part of the path decides. A
 * resolve that broke the transport (no answer) is MR_ERR_HOST instead. */
char *mr_transport_contained(const struct mr_transport *t, const char *canon_root,
                             const char *path, int follow_last,
                             char *(*resolve)(void *ctx, const char *p), void *ctx,
                             struct mr_error **err);

/* A fault point for the tests (src/commit.sh has the host's): 1 when
 * the environment's MIGREADY_FAULT is "POINT:ACTION" and, for a host
 * (not NULL), MIGREADY_FAULT_HOST is unset or names it. */
int mr_fault_is(const char *point, const char *action, const char *host);

/* The serving protocol (MR_SERVING_MARK), for the transports: the
 * request for argv with input_len bytes of input under a new tag (tag
 * gets MR_TAG_LEN hex digits, random, else the pid and a counter, and a NUL; *len the request's length; the caller
 * frees it; shell text for the serving shell, which reads its requests as
 * its script: "/bin/sh -c SCRIPT NAME ARG..." is SCRIPT eval'd in its
 * subshell, no sh of its own), and whether out (len bytes)
 * ends the reply to tag:
 * then 1, with *status and *body (the length of the command's own output).
 * Only stdout is framed: stderr still in flight when the trailer arrives is
 * read, and logged, with the next command's. */
#define MR_TAG_LEN 32
char *mr_serve_request(const char *const *argv, const char *input, size_t input_len, char *tag,
                       size_t *len);
int mr_serve_reply_end(const char *out, size_t len, const char *tag, int *status, size_t *body);
/* The same as the transports' "is stdout complete" tests: a reply
 * (arg a struct mr_serve_reply whose tag is set), and the held or serving
 * mark (arg an int, set to whether it serves). */
struct mr_serve_reply {
	const char *tag;
	int status;
	size_t body;
};
int mr_serve_reply_done(const struct mr_buf *out, void *reply);
int mr_held_mark_done(const struct mr_buf *out, void *serving);
/* The longest reply trailer, "\nTAG STATUS\n": a served run reads at most
 * its output limit + this, so that the command's own output has the same
 * limit as when it runs on its own. */
#define MR_SERVE_TRAILER_MAX (MR_TAG_LEN + 6)
/* The end of a served run, after the transport read the reply: rc its read
 * (1 the reply came, 0 the held command ended first, -1 err set). 0 with o
 * trimmed to the command's output (at most out_max bytes), *status set and
 * stderr e logged; -1 with err naming where (the host, or host:path), and
 * the caller releases the held command. */
int mr_serve_finish(const struct mr_transport *t, int rc, const char *what, const char *where,
                    size_t out_max, const struct mr_serve_reply *r, struct mr_buf *o,
                    const struct mr_buf *e, int *status, struct mr_error **err);
/* Logs a command's stderr e, if any: at debug level if it exited 0. */
void mr_transport_log_stderr(const struct mr_transport *t, const char *what, int status,
                             const struct mr_buf *e);

/* A temporary name beside full, the same directory: ".NAME.migready-XXXXXX"
 * (six random letters or digits). Hidden, and recognisable: the commit
 * removes such leftovers. The caller's. */
char *mr_temp_name(const char *full);

/* Shorthands for t->ops->fn(t, ...). */
int mr_transport_run(struct mr_transport *t, const char *const *argv, char **out,
                     size_t *out_len, int *status, struct mr_error **err);
int mr_transport_read(struct mr_transport *t, const char *path, char **data, size_t *len,
                      struct mr_stat *st, struct mr_error **err);

#endif
