/* migready rollback: per host, the files a run changed put back from its
 * backups (backup.h), byte for byte with owner and mode, through the same
 * commit as apply (commit.h), then that run's service actions repeated;
 * rollback --list shows the runs each host keeps. And the pruning of old
 * runs after an apply. */
#ifndef MR_ROLLBACK_H
#define MR_ROLLBACK_H

#include <stddef.h>

struct mr_facts;
struct mr_host_report;
struct mr_profile;
struct mr_transport;

/* The defaults of [migready] backup_keep_days and backup_keep_runs. */
#define MR_BACKUP_KEEP_DAYS 90
#define MR_BACKUP_KEEP_RUNS 20

struct mr_rollback_opts {
	const char *run_id;  /* the run to undo, or NULL: each host's latest */
	const char *new_run; /* this run's id: names its own backups */
	int force;           /* restore files edited since that run as well */
	int no_restart;      /* write files, repeat no service action */
	int list;            /* only list the runs */
};

/* A fleet host_fn (fleet.h): ctx is a const struct mr_rollback_opts *.
 * Fills rep: per file an item (setting: the path; changed, ok when it is
 * already as before, failed), the diff of each file edited since the run,
 * the backup directory of this rollback and the units restarted; with
 * list, rep->runs. A file edited since the run (and not --force) fails
 * the host with nothing written on it. */
void mr_rollback_host(void *ctx, size_t i, struct mr_transport *t, const struct mr_facts *facts,
                      struct mr_host_report *rep);

/* After an apply that made backups on t: removes old runs as profile's
 * [migready] backup_keep_days and backup_keep_runs say, never current. A
 * failure is a warning naming the host; nothing else changes. */
void mr_rollback_prune(struct mr_transport *t, const struct mr_profile *profile,
                       const char *current);

#endif
