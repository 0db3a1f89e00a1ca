/* The backups apply keeps on each host, and what reads them: a run's
 * directory ROOT/var/lib/migready/backups/RUN-ID holds the originals it
 * replaced (under their own paths) and a MANIFEST of what it changed; the
 * rollback command restores them through the commit (commit.h), and apply
 * prunes old runs. Pure parsing and formatting here are for the unit tests
 * as well. */
#ifndef MR_BACKUP_H
#define MR_BACKUP_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct mr_transport;
struct mr_host_report;

/* Where the runs live on a host, before the root prefix. */
#define MR_BACKUP_ROOT "/var/lib/migready/backups"

enum mr_backup_state {
	MR_BACKUP_EXISTED, /* the run replaced it: the original is in the backup */
	MR_BACKUP_CREATED, /* the run created it */
	MR_BACKUP_REMOVED, /* the run removed it (a rollback): the original is kept */
};

/* One MANIFEST line: "STATE MODE UID GID SHA256 [LMODE:LUID:LGID] PATH".
 * MODE UID GID are the original's (for a created file, zero); SHA256 is
 * what the run left there ('-': nothing, a removal), LMODE:LUID:LGID the
 * mode and owner it left the file with. A MANIFEST of migready before 0.x
 * has no SHA256 column: has_sha is 0 and an edit after the run cannot be
 * seen; one written before the left mode and owner were recorded has no
 * LMODE:LUID:LGID (has_left 0): a change of those alone cannot be seen. */
struct mr_backup_file {
	enum mr_backup_state state;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int has_sha;
	char sha[65];   /* lowercase hex; "" for '-' */
	char *path;
	int has_left;
	mode_t left_mode;
	uid_t left_uid;
	gid_t left_gid;
};

/* What a run did besides its files, one MANIFEST line each, in the
 * order it did them:
 *   action VERB [UNIT]  a service action (daemon-reload, restart,
 *                       try-restart, reload; start and stop in MANIFESTs
 *                       written before "unit" lines existed) a rollback
 *                       repeats so that daemons read the restored files
 *   owed VERB UNIT      one it left owed (--no-restart): restart-pending
 *   unit VERB UNIT      a unit state it changed (enable, disable, mask,
 *                       unmask, start, stop): a rollback does the inverse
 *   command WORD...     a command that puts a file in effect (exportfs
 *                       -ra, ufw reload): a rollback runs it again
 *   rule iptables|ip6tables CHAIN SPEC...  a running firewall rule it
 *   rule nft FAMILY TABLE CHAIN RULE...    inserted: a rollback removes
 *                       that rule, and no other
 *   mount PATH          a file system it mounted: a rollback leaves it
 *                       mounted (instances may run on it) and says so
 *   dir MODE UID GID [LMODE:LUID:LGID] PATH  an existing directory whose
 *                       mode or owner it changed, as it was (and as it left
 *                       it): a rollback gives them back */
enum mr_backup_kind {
	MR_BACKUP_SERVICE,
	MR_BACKUP_UNIT,
	MR_BACKUP_COMMAND,
	MR_BACKUP_RULE,
	MR_BACKUP_MOUNT,
	MR_BACKUP_DIR,
};

struct mr_backup_action {
	char *verb;     /* SERVICE, UNIT: the systemctl verb; NULL otherwise */
	char *unit;     /* SERVICE (NULL for daemon-reload), UNIT; MOUNT, DIR: the path */
	int owed;       /* not run by that run (--no-restart): restart-pending */
	enum mr_backup_kind kind;
	char **words;   /* COMMAND: its argv; RULE: the line's words after
	                 * "rule"; NULL-terminated; NULL for the others */
	mode_t mode;    /* DIR: as it was */
	uid_t uid;
	gid_t gid;
	/* DIR: the mode and owner the run left it with ("dir MODE UID GID
	 * LMODE:LUID:LGID PATH"); 0 in a MANIFEST from before they were kept */
	int has_left;
	mode_t left_mode;
	uid_t left_uid;
	gid_t left_gid;
};

struct mr_manifest {
	struct mr_backup_file *files;
	size_t n_files;
	struct mr_backup_action *actions;
	size_t n_actions;
	char *rollback_of; /* "of RUN-ID": this run was a rollback */
	int has_sha;       /* every file line has its SHA256 */
};

/* Parses a MANIFEST (old and current format). Returns NULL with an
 * MR_ERR_HOST error naming where:LINE on a line it cannot read (a path not
 * absolute or with "..", an unknown action verb, a unit name systemd would
 * refuse). */
struct mr_manifest *mr_manifest_parse(const char *text, size_t len, const char *where,
                                      struct mr_error **err);
void mr_manifest_free(struct mr_manifest *m);
/* An action as rollback --list shows it, its MANIFEST line without the
 * keyword: "try-restart libvirtd.service", "owed try-restart ...",
 * "enable x.socket", "exportfs -ra", "rule iptables INPUT ...", "mount
 * /path". The caller's. */
char *mr_backup_action_text(const struct mr_backup_action *a);

/* Adds a file or an action to m (strings copied); sha NULL: '-'. */
void mr_manifest_add_file(struct mr_manifest *m, enum mr_backup_state state, mode_t mode,
                          uid_t uid, gid_t gid, const char *sha, const char *path);
/* The mode and owner the run leaves the file last added with; not called
 * (or with an id of (uid_t)-1 or (gid_t)-1: the connecting user's, not
 * known here) they are not recorded. */
void mr_manifest_file_left(struct mr_manifest *m, mode_t mode, uid_t uid, gid_t gid);
void mr_manifest_add_action(struct mr_manifest *m, const char *verb, const char *unit, int owed);
/* An existing directory whose mode or owner the run changes: as it was. */
/* The mode and owner the run left the last directory added with. */
void mr_manifest_dir_left(struct mr_manifest *m, mode_t mode, uid_t uid, gid_t gid);
void mr_manifest_add_dir(struct mr_manifest *m, mode_t mode, uid_t uid, gid_t gid,
                         const char *path);
/* Adds what argv, a command of the run, did (see mr_backup_action): a
 * systemctl call (service action or unit state), exportfs -ra or ufw
 * reload, an iptables/ip6tables -I or -A, an nft insert or add rule, a
 * mount; 0 for any other command (not recorded). */
int mr_manifest_add_argv(struct mr_manifest *m, const char *const *argv, int owed);
/* The inverse of a unit verb (enable <-> disable, mask <-> unmask,
 * start <-> stop), or NULL. */
const char *mr_backup_unit_undo(const char *verb);
/* The MANIFEST text (current format, with its header line); the caller's. */
char *mr_manifest_format(const struct mr_manifest *m);

/* A run id as make_run_id writes it: 20261202T033902Z-PID-MS. */
int mr_backup_run_id_valid(const char *id);
/* Orders two valid run ids by when the run started: the second, then the
 * millisecond, then the pid. Their names alone misorder two runs of one
 * second whose pids differ in length ("-10234-" sorts before "-9867-"). */
int mr_backup_run_id_cmp(const char *a, const char *b);
/* "2026-12-02T03:39:02Z" from a run id (the caller's), NULL if invalid. */
char *mr_backup_run_time(const char *id);

/* One run directory on a host, as listed. */
struct mr_backup_run {
	char *id;
	struct mr_manifest *manifest; /* NULL: no MANIFEST (a commit that failed) */
	char *error;                  /* why the MANIFEST could not be read */
	/* its number on the host, from 1 (a MANIFEST line "# seq N" the
	 * commit adds under the host's lock: the order the host saw, whatever
	 * the controllers' clocks); 0: none (an older migready's run) */
	unsigned long long seq;
};

/* Orders two runs as the host made them: by seq, a run without one
 * before any with one, then by id (mr_backup_run_id_cmp). */
int mr_backup_run_cmp(const struct mr_backup_run *a, const struct mr_backup_run *b);

/* Every run directory on t, oldest first (mr_backup_run_cmp), in one
 * command. Returns -1
 * with err if the listing failed; an absent backup directory is no run. */
int mr_backup_list(struct mr_transport *t, struct mr_backup_run **runs, size_t *n,
                   struct mr_error **err);
void mr_backup_runs_free(struct mr_backup_run *runs, size_t n);

/* Removes run directories older than keep_days days (by their mtime) and
 * all but the keep_runs newest (as mr_backup_run_cmp orders them), never
 * current; 0 turns a limit
 * off. Symbolic links are never followed. One command on t; returns the
 * number removed, -1 with err on failure. */
int mr_backup_prune(struct mr_transport *t, long keep_days, long keep_runs, const char *current,
                    struct mr_error **err);

#endif
