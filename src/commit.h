/* One host's changes as one transaction: a single run of the commit on
 * the host checks, backs up, renames all or none, verifies, and runs the
 * actions. Where the host has perl, commit.pl does all of it in one
 * process, the files staged by it from its standard input; elsewhere
 * every file is staged next to its target first (SFTP, or a command),
 * then commit.sh runs. Locally and over SSH alike, through the
 * transport's run (argv; only the SSH transport quotes). */
#ifndef MR_COMMIT_H
#define MR_COMMIT_H

#include <stddef.h>
#include <sys/types.h>

#include "transport.h"
#include "util.h"

enum mr_commit_state {
	MR_COMMIT_UNTOUCHED, /* not written: another file's failure, or never tried */
	MR_COMMIT_WRITTEN,   /* renamed into place and verified */
	MR_COMMIT_CONFLICT,  /* changed since it was read: nothing written */
	MR_COMMIT_FAILED,    /* this file's own failure */
	MR_COMMIT_RESTORED,  /* written, then its original put back */
	MR_COMMIT_STRANDED,  /* written, another file failed, and it could not
	                      * be put back (or removed): rollback undoes it */
	MR_COMMIT_UNKNOWN,   /* the reply was lost: the next run will see */
};

struct mr_commit_file {
	const char *path;     /* on the host, before the root prefix */
	const char *data;     /* the new content */
	size_t len;
	/* What was read: a write happens only if the target is still that. */
	int existed;
	const char *old;
	size_t old_len;
	mode_t mode;          /* the original's, or for a new file */
	uid_t uid;            /* (uid_t)-1: the connecting user */
	gid_t gid;
	/* mode, uid and gid are the target's as read, not the plan's: the
	 * target must still have them (an admin's chmod since wins) */
	int attrs_as_read;
	const char *backup;   /* where the original is kept (host path), or NULL */
	int remove;           /* remove the target instead (data unused): it existed */
	/* result */
	enum mr_commit_state state;
	char *message;        /* why, for anything but WRITTEN/UNTOUCHED */
};

struct mr_commit_action {
	const char *const *argv; /* NULL-terminated */
	const char *unit;     /* its success clears this unit's owed restart */
	size_t *needs;        /* indices of files that must have verified */
	size_t n_needs;
	/* result */
	int ran;
	int status;
	char *output;         /* the start of its output when it failed */
};

struct mr_commit {
	struct mr_commit_file *files;
	size_t n_files;
	/* Optional: written before any rename (paths on the host). */
	const char *manifest_path;
	const char *manifest;
	const char *pending_path;
	const char *pending;
	struct mr_commit_action *actions;
	size_t n_actions;
	/* The host's lock is held: leftover temporary files are dead runs'. */
	int locked;
	/* The host's perl (mr_commit_perl), or NULL for the shell's commit. */
	const char *perl;
	/* result */
	int committed;        /* every file renamed and the actions tried */
};

/* Stages and commits c on t. Per-file and per-action results land in c;
 * returns 0 when the host said what happened (even if nothing could be
 * written), -1 with err when staging failed (nothing written) or the
 * reply was lost (files then MR_COMMIT_UNKNOWN). */
int mr_commit_run(struct mr_transport *t, struct mr_commit *c, struct mr_error **err);

/* The perl the commit runs on a host whose facts name it (the fact
 * "commit.perl"), or NULL for the shell's commit: also when the
 * environment's MIGREADY_COMMIT_ENGINE is "sh" (the shell's commit, for
 * hosts without perl, is tested on hosts that have one that way). */
const char *mr_commit_perl(const char *fact);

/* The command that gives the directory path (from the host's /, under
 * root: NULL for none) mode and owner (uid, gid: -1 to leave): apply's
 * directory action (make: made if missing) and a rollback's (exit 3 if it
 * is gone), never through a symbolic link another user could have put on
 * the way, never outside root (set_dir.sh). The caller's (mr_strv_free). */
char **mr_set_dir_argv(const char *root, int make, mode_t mode, long uid, long gid,
                       const char *path);

/* Frees the results held in c (not c itself). */
void mr_commit_fini(struct mr_commit *c);

/* What the original file was when it was read, so that a write can refuse to
 * overwrite a file that changed since (another admin, another tool). */
struct mr_write_expect {
	int existed;          /* 0: the target must still be absent */
	const char *data;     /* the bytes that were read */
	size_t len;
};

struct mr_write_opts {
	mode_t mode; /* for a new file; an existing one keeps its own */
	uid_t uid;   /* likewise; (uid_t)-1 keeps the connecting user's */
	gid_t gid;
	const struct mr_write_expect *expect; /* NULL: do not compare */
};

/* One file written atomically on its own (reports, backups): a commit of
 * one file, no actions. With opts->expect, refuses (MR_ERR_CONFLICT) a
 * target that is no longer what was read. */
int mr_commit_write(struct mr_transport *t, const char *path, const char *data, size_t len,
                    const struct mr_write_opts *opts, struct mr_error **err);

#endif
