/* A host's plan: typed actions, and why each is wanted. The resources
 * (res_*.c) fill it from their profile section and the host's facts,
 * without I/O:
 *   - file edits (a lens and Augeas operations, or a whole file migready
 *     owns), each notifying the units that must restart when it changes;
 *   - unit states (enabled / disabled / masked, active / inactive), with
 *     the units that must be stopped while one starts;
 *   - items that could not be planned (the facts cannot tell), and settings
 *     this release does not examine.
 * mr_plan_run then observes each action (drift = observed != desired):
 * files through the transport, units from the facts; for apply it commits
 * everything as one transaction (commit.h) and reports what happened. */
#ifndef MR_PLAN_H
#define MR_PLAN_H

#include <stddef.h>
#include <sys/types.h>

#include "aug.h"
#include "profile.h"
#include "util.h"

struct mr_plan;
struct mr_plan_file;
struct mr_plan_unit;
struct mr_plan_cmd;
struct mr_facts;
struct mr_transport;
struct mr_host_report;

enum mr_mode {
	MR_MODE_CHECK,
	MR_MODE_DIFF,
	MR_MODE_APPLY,
};

struct mr_run_opts {
	enum mr_mode mode;
	int no_restart;
	int explicit_defaults; /* --explicit: a default must be written out */
	const char *run_id;    /* names the backup directory */
};

/* facts: borrowed, must outlive the plan; NULL plans as if nothing were
 * known. */
struct mr_plan *mr_plan_new(const struct mr_facts *facts);
void mr_plan_free(struct mr_plan *plan);
const struct mr_facts *mr_plan_facts(const struct mr_plan *plan);

/* The file at path (on the host, before any root prefix), edited with
 * lens. Asking twice for one path returns the same file. Borrowed. */
struct mr_plan_file *mr_plan_file(struct mr_plan *plan, const char *path, const char *lens);

/* Adds an operation. origin names the setting for the report
 * ("libvirtd.listen_tcp" and its profile line). Strings are copied. */
void mr_plan_add(struct mr_plan_file *f, const struct mr_setting *origin,
                 const struct mr_aug_op *op);
/* The same, with the setting's name and origin given apart (a setting
 * that is realised in another file, or under another key, than its own). */
void mr_plan_add_as(struct mr_plan_file *f, const char *setting, const char *origin,
                    const struct mr_aug_op *op);
/* Sets a note on the last operation added (how a value was translated);
 * the report shows it. */
void mr_plan_note(struct mr_plan_file *f, const char *note);

/* A whole file migready owns (a systemd drop-in): exactly content. With
 * absent_ok, a missing file is in the desired state too (content only
 * repeats the default). want: what the report shows as desired. */
struct mr_plan_file *mr_plan_file_owned(struct mr_plan *plan, const char *path,
                                        const char *content, int absent_ok,
                                        const char *setting, const char *origin,
                                        const char *want);

/* A file whose desired content is computed from what it holds now (an
 * absent file reads as ""): merge returns the content (the caller's) and
 * sets *found to what differs, for the report (the caller's, or NULL; where
 * nothing differs, what covers the want, or NULL); or
 * refuses a file it does not understand: NULL, and *found the reason
 * after the line it blames ("12: an include"), and the file fails.
 * data is the merge's, freed with free_data (may be NULL) with the plan,
 * or at once if path is already planned. want: what the report shows. */
typedef char *(*mr_plan_merge_fn)(const void *data, const char *old, size_t len,
                                  char **found);
struct mr_plan_file *mr_plan_file_merged(struct mr_plan *plan, const char *path,
                                         mr_plan_merge_fn merge, void *data,
                                         void (*free_data)(void *), const char *setting,
                                         const char *origin, const char *want);
/* What a merged file's result (its text, len bytes) leaves unexamined:
 * "LINE WHAT" lines, one per item, each reported as setting unchecked at
 * the file's path and that line ("/FILE:LINE WHAT": at another file's);
 * NULL if nothing. The caller's. Set
 * only where f is merged by merge (data is merge's). */
typedef char *(*mr_plan_doubt_fn)(const void *data, const char *text, size_t len);
void mr_plan_file_doubts(struct mr_plan_file *f, mr_plan_merge_fn merge, mr_plan_doubt_fn doubts,
                         const char *setting);
/* A merged file absent on the host starts from the host's file at
 * fallback (firewalld's /usr/lib zone under /etc): it is written only if
 * the merge changes that text. Neither there fails the file, naming both. */
void mr_plan_file_fallback(struct mr_plan_file *f, const char *fallback);
/* An owned or merged file must have this mode and owner: a difference is
 * drift, and the file is written (created, or rewritten) with them. */
void mr_plan_file_attrs(struct mr_plan_file *f, mode_t mode, uid_t uid, gid_t gid);
/* Its content is secret (a private key): never shown in a diff or the
 * report. */
void mr_plan_file_secret(struct mr_plan_file *f);

/* Edits that change f leave these to do: restart (or reload) u; reload
 * systemd's unit files first. */
void mr_plan_notify(struct mr_plan_file *f, struct mr_plan_unit *u);
void mr_plan_daemon_reload(struct mr_plan_file *f);

enum mr_unit_enable {
	MR_ENABLE_ANY,
	MR_ENABLE_YES,
	MR_ENABLE_NO,   /* disabled or masked */
	MR_ENABLE_MASK,
};

/* The systemd unit name (validated by the caller). Asking twice returns
 * the same unit. Borrowed. */
struct mr_plan_unit *mr_plan_unit(struct mr_plan *plan, const char *name);
/* Desired state: enable one of MR_ENABLE_*, active -1 (any), 0 or 1.
 * setting/origin name the item in the report. */
void mr_plan_unit_want(struct mr_plan_unit *u, enum mr_unit_enable enable, int active,
                       const char *setting, const char *origin);
/* other is stopped while u starts or restarts (a socket cannot bind while
 * its service runs), and started again after if it was running. */
void mr_plan_unit_stop_first(struct mr_plan_unit *u, struct mr_plan_unit *other);

/* Two ops of one file that set one entry to different values (or set
 * and remove it), from two sections of the profile: both fail, naming
 * each other, and neither is written. Once every resource has planned. */
void mr_plan_conflicts(struct mr_plan *plan);

/* A directory that must exist with this mode and owner ((uid_t)-1 and
 * (gid_t)-1: any owner). Observed with the transport's stat; made right
 * with install -d in the host's commit. */
void mr_plan_dir(struct mr_plan *plan, const char *path, mode_t mode, uid_t uid, gid_t gid,
                 const char *setting, const char *origin);
/* The same where the mode need only hold bits (0: any mode): the bits
 * are added to those it has, a missing one is made 0755 with them (a
 * mount point, an export: its setgid bit and group's write are the
 * admin's). */
void mr_plan_dir_at_least(struct mr_plan *plan, const char *path, mode_t bits, uid_t uid,
                          gid_t gid, const char *setting, const char *origin);

/* A directory sshd's StrictModes checks (the home that holds ~/.ssh):
 * owned by uid or root, writable by neither group nor others. Observed
 * only, never changed: failed when it is not so; absent, it is made with
 * what it holds (mr_plan_dir), root's. */
void mr_plan_dir_secure(struct mr_plan *plan, const char *path, uid_t uid, const char *setting,
                        const char *origin);

/* A command (argv, copied) run once in the host's commit, after the unit
 * actions, when a file that notifies it changed (mr_plan_notify_command);
 * only on a live host. name identifies it ("exportfs -ra"). */
struct mr_plan_cmd *mr_plan_command(struct mr_plan *plan, const char *name,
                                    const char *const *argv);
void mr_plan_notify_command(struct mr_plan_file *f, struct mr_plan_cmd *c);
/* c reloads a daemon (multipathd): not run under --no-restart, which
 * leaves the drift it settles for a later apply. */
void mr_plan_command_service(struct mr_plan_cmd *c);
/* The file system of fstab's entry for path must be mounted there (mount
 * PATH on a live host). Never over a directory that holds anything: an
 * instance's disks could hide behind the mount; force overrides. The
 * facts tell what is mounted only for the instances directory they were
 * asked about; any other path fails as unknown. */
void mr_plan_mount(struct mr_plan *plan, const char *path, int force, const char *setting,
                   const char *origin);

/* An item the resource observed itself in the facts (a login shell, a
 * running firewall rule, an export configured but not active): old and
 * want as the report shows them (old NULL: absent), drift whether they
 * differ. On drift apply runs c (mr_plan_command) once, on a live host,
 * whether or not a file notifying it changed, and its exit status settles
 * the item; c NULL: another step settles it (a key pair apply generates
 * on the controller). A command settles one item: observing it again
 * replaces the first. In a tree nothing runs: the item stays drift, or
 * with tree_fails fails, saying c runs on a live host only. */
void mr_plan_observed(struct mr_plan *plan, struct mr_plan_cmd *c, const char *setting,
                      const char *origin, const char *old, const char *want, int drift,
                      int tree_fails);

/* A cross-check the facts passed (sshd takes the key, the TLS files are
 * there): an item in the desired state, value and the note saying what
 * was examined, so -v and JSON show it was examined, not only failures.
 * Not recorded beside a failure of the same item (mr_plan_fail drops it). */
void mr_plan_passed(struct mr_plan *plan, const char *setting, const char *origin,
                    const char *value, const char *fmt, ...) MR_PRINTF(5, 6);

/* An item that cannot be planned (the facts do not tell): reported as
 * failed with message, so a check is never green without it. */
void mr_plan_fail(struct mr_plan *plan, const char *setting, const char *origin,
                  const char *fmt, ...) MR_PRINTF(4, 5);
/* A profile setting this release does not examine. */
void mr_plan_unchecked(struct mr_plan *plan, const char *setting, const char *origin);
/* mr_plan_unchecked with what was not examined given as printf does. */
void mr_plan_uncheckedf(struct mr_plan *plan, const char *setting, const char *fmt, ...)
	MR_PRINTF(3, 4);
/* One such for each value of the fact, "before VALUE after" its origin. */
void mr_plan_unchecked_each(struct mr_plan *plan, const char *fact, const char *setting,
                            const char *before, const char *after);

/* For tests: the files and their operations. */
size_t mr_plan_file_count(const struct mr_plan *plan);
const char *mr_plan_file_path(const struct mr_plan *plan, size_t i);
size_t mr_plan_op_count(const struct mr_plan *plan, size_t i);
const struct mr_aug_op *mr_plan_op(const struct mr_plan *plan, size_t i, size_t j);
size_t mr_plan_unit_count(const struct mr_plan *plan);
const char *mr_plan_unit_name(const struct mr_plan *plan, size_t i);
/* For tests: what file i is (lens NULL and content set for an owned file),
 * the units it notifies, each unit's wanted state and the units stopped
 * first, and the items that could not be planned or are not examined. */
const char *mr_plan_file_lens(const struct mr_plan *plan, size_t i);
const char *mr_plan_file_content(const struct mr_plan *plan, size_t i);
int mr_plan_file_absent_ok(const struct mr_plan *plan, size_t i);
int mr_plan_file_daemon_reload(const struct mr_plan *plan, size_t i);
const char *mr_plan_file_fallback_path(const struct mr_plan *plan, size_t i);
const char *mr_plan_op_setting(const struct mr_plan *plan, size_t i, size_t j);
size_t mr_plan_notify_count(const struct mr_plan *plan, size_t i);
const char *mr_plan_notify_name(const struct mr_plan *plan, size_t i, size_t k);
enum mr_unit_enable mr_plan_unit_enable(const struct mr_plan *plan, size_t i);
int mr_plan_unit_active(const struct mr_plan *plan, size_t i);
size_t mr_plan_stop_first_count(const struct mr_plan *plan, size_t i);
const char *mr_plan_stop_first_name(const struct mr_plan *plan, size_t i, size_t k);
size_t mr_plan_failed_count(const struct mr_plan *plan);
const char *mr_plan_failed_setting(const struct mr_plan *plan, size_t i);
const char *mr_plan_failed_origin(const struct mr_plan *plan, size_t i);
const char *mr_plan_failed_message(const struct mr_plan *plan, size_t i);
size_t mr_plan_unchecked_count(const struct mr_plan *plan);
const char *mr_plan_unchecked_setting(const struct mr_plan *plan, size_t i);
const char *mr_plan_unchecked_origin(const struct mr_plan *plan, size_t i);
/* For tests: the commands file i notifies, and the items commands and
 * observations settle (cmd NULL: none runs). */
size_t mr_plan_notify_cmd_count(const struct mr_plan *plan, size_t i);
const char *mr_plan_notify_cmd_name(const struct mr_plan *plan, size_t i, size_t k);
size_t mr_plan_observed_count(const struct mr_plan *plan);
const char *mr_plan_observed_setting(const struct mr_plan *plan, size_t i);
const char *mr_plan_observed_old(const struct mr_plan *plan, size_t i);
int mr_plan_observed_drift(const struct mr_plan *plan, size_t i);
const char *mr_plan_observed_note(const struct mr_plan *plan, size_t i);
const char *mr_plan_observed_cmd(const struct mr_plan *plan, size_t i);

/* "profile.ini:3", or the file alone; the caller's. */
char *mr_plan_origin_of(const struct mr_setting *s);

/* Executes the plan on a host and fills rep. Failures of one file are
 * recorded in rep and do not stop the other files; returns -1 only if the
 * host as a whole failed (err set). */
int mr_plan_run(struct mr_plan *plan, struct mr_transport *t, struct mr_aug *aug,
                const struct mr_run_opts *opts, struct mr_host_report *rep,
                struct mr_error **err);

#endif
