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

struct mr_facts;
struct mr_transport;

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
	/* Instead of planning (rollback): called for each gathered host on
	 * its open connection, with the host's lock held if host_lock. */
	void (*host_fn)(void *ctx, size_t i, struct mr_transport *t, const struct mr_facts *facts,
	                struct mr_host_report *rep);
	void *host_ctx;
	int host_lock;
};

#define MR_FLEET_DEFAULT_JOBS 16

/* Every host as the fleet knows it once gathered: the names and
 * addresses a peer may reach it by, the SSH host keys migready itself
 * verified, and its facts. Plans of fleet-wide concerns ([ssh]
 * known_hosts) and cross-host checks read it. Strings are borrowed from
 * the run. */
struct mr_fleet_host {
	const char *name;      /* the inventory name ("localhost" for --local) */
	const char *address;   /* the address connected to, or NULL (local) */
	unsigned port;         /* its SSH port (22 unless the inventory says) */
	const char *hostname;  /* what the host calls itself (facts), or NULL */
	/* "type base64": the key the SSH connection verified against
	 * known_hosts; locally, the host's own /etc/ssh/ssh_host_*_key.pub */
	char **host_keys;
	size_t n_host_keys;
	const struct mr_facts *facts; /* NULL: the host could not be gathered */
};

struct mr_fleet_facts {
	struct mr_fleet_host *hosts; /* in target order */
	size_t n;
};

/* Phase 1 alone: connects to every target and gathers its facts (-j
 * workers), keeping each connection open (and, with lock_wait_s >= 0,
 * the host's lock held) until mr_fleet_gathered_free. A host that fails
 * is recorded in its report (rep->hosts[i], named here) and has no facts
 * and no transport. */
struct mr_fleet_gathered;
struct mr_fleet_gathered *mr_fleet_gather(const struct mr_target *targets, size_t n,
                                          const struct mr_fleet_opts *opts, int lock,
                                          struct mr_report *rep);
/* Borrowed from g. */
const struct mr_fleet_facts *mr_fleet_gathered_facts(const struct mr_fleet_gathered *g);
/* Host i's open connection, or NULL if it failed. Borrowed from g. */
struct mr_transport *mr_fleet_gathered_transport(const struct mr_fleet_gathered *g, size_t i);
/* Closes every connection (releasing the locks); accepts NULL. */
void mr_fleet_gathered_free(struct mr_fleet_gathered *g);

/* Opens the target's transport (SSH to an inventory host, as its become
 * user if any; this machine for --local) with its root; max_file 0: the
 * transport's default. NULL with err set if it cannot. */
struct mr_transport *mr_fleet_connect(const struct mr_target *tg, int timeout_s, size_t max_file,
                                      struct mr_error **err);

/* The fleet's worker pool: fn(data, i) for every i in [0, n), on up to
 * jobs threads at once (0: MR_FLEET_DEFAULT_JOBS; one thread runs them in
 * turn when no other can start). Returns once every call has returned. */
void mr_fleet_each(size_t n, unsigned jobs, void (*fn)(void *data, size_t i), void *data);

/* The controller's cluster key pairs the targets' [ssh] keypair names,
 * once per path; generate: create a missing pair (apply). */
struct mr_ssh_keypairs;
void mr_fleet_keypairs_load(struct mr_ssh_keypairs *keypairs, const struct mr_target *targets,
                            size_t n, int generate);

/* Runs opts->run.mode on every target; fills rep (initialised by the caller
 * with n hosts). When a profile asks for fleet-wide facts ([ssh]
 * known_hosts = cluster), every host is gathered first, then each planned
 * knowing the others, on the same connection; else each host goes through
 * both phases on its own. A host's failure is recorded in its report and never stops
 * the others. */
void mr_fleet_run(const struct mr_target *targets, size_t n, const struct mr_fleet_opts *opts,
                  struct mr_aug *aug, struct mr_report *rep);

#endif
