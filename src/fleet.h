/* Runs a command on many hosts at once: -j workers, each owning its
 * host's transport, plan and report; the Augeas engine is shared (it locks
 * itself). Results land in the report in inventory order. */
#ifndef MR_FLEET_H
#define MR_FLEET_H

#include <stddef.h>

#include "aug.h"
#include "plan.h"
#include "profile.h"
#include "report.h"

struct mr_host;
struct mr_cpu_map;

/* One target: this machine (host == NULL) or an inventory host. */
struct mr_target {
	const char *name;
	const struct mr_host *host;       /* borrowed; NULL for --local */
	const char *root;                 /* --root, or the host's own; may be NULL */
	const struct mr_profile *profile; /* borrowed: the host's effective profile */
};

struct mr_fleet_opts {
	unsigned jobs;       /* workers; 0 picks one per host up to MR_FLEET_DEFAULT_JOBS */
	int timeout_s;
	int lock_wait_s;     /* apply: how long to wait for a host's lock */
	int facts_only;      /* gather and report facts, plan nothing */
	const struct mr_cpu_map *cpus; /* libvirt's CPU models, or NULL */
	size_t max_file;     /* bytes; 0: the transport's default */
	int progress;        /* draw a progress line on stderr */
	struct mr_run_opts run;
};

#define MR_FLEET_DEFAULT_JOBS 16

/* Runs opts->run.mode on every target; fills rep (initialised by the caller
 * with n hosts). A host's failure is recorded in its report and never stops
 * the others. */
void mr_fleet_run(const struct mr_target *targets, size_t n, const struct mr_fleet_opts *opts,
                  struct mr_aug *aug, struct mr_report *rep);

#endif
