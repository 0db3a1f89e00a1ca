/* verify, the SSH side: one connection per host, the fleet's (its phase 1,
 * mr_fleet_gather: connect and the facts probe, hosts in parallel), then
 * three rounds over the same connections on the fleet's workers:
 *   1. qemu.conf and nova.conf read, the profile checked (drift, as
 *      `check`), and a marker file written in the instances directory;
 *   2. verify_probe.sh on each host, testing every peer at once: TCP to
 *      libvirt's port and the migration range, name resolution, migration
 *      SSH as the [ssh] user, the peers' markers, local sanity;
 *   3. the markers removed.
 * mr_verify_ssh_join then adds what was found to verify's result: the
 * gathered data is plain, so the join is pure and unit-tested. */
#ifndef MR_VERIFY_SSH_H
#define MR_VERIFY_SSH_H

#include <stddef.h>

#include "aug.h"
#include "fleet.h"
#include "verify_analysis.h"

struct mr_facts;

/* The settings compared across hosts, read from each host's files. */
enum mr_verify_conf {
	MR_VCONF_QEMU_USER,
	MR_VCONF_QEMU_GROUP,
	MR_VCONF_DYNAMIC_OWNERSHIP,
	MR_VCONF_PORT_MIN,
	MR_VCONF_PORT_MAX,
	MR_VCONF_INSTANCES_PATH,
	MR_VCONF_N,
};

/* What the SSH side found on one host; every string is owned. */
struct mr_verify_ssh_host {
	char *name;
	char *address;         /* the inventory's (the name when it has none) */
	/* where its peers migrate to: nova.conf's live_migration_inbound_addr,
	 * NULL where it sets none (the address), "" where it cannot be told
	 * (an interpolation, the file not read) */
	char *inbound;
	/* where nova's own ssh reaches it (a resize, a cold migration):
	 * nova.conf's my_ip, on the port nova's ssh configuration gives;
	 * NULL where it sets none (the address and the inventory's port,
	 * as oslo's guess is not known here), "" where it cannot be told */
	char *my_ip;
	unsigned ssh_port;     /* for the peers' migration SSH */
	char *ssh_user;        /* who migrates over SSH ([ssh] user, else nova) */
	unsigned listener_port; /* libvirt's TCP port, probed by the peers */
	char *error;           /* the host could not be examined over SSH, or NULL */
	struct mr_facts *facts; /* the facts probe, or NULL */
	struct mr_facts *probe; /* verify_probe.sh's output, or NULL */
	char *probe_error;     /* why there is none, or NULL */
	/* Each file's value; "" when the file leaves it out (the default),
	 * NULL when unknown (conf_error says why). */
	char *conf[MR_VCONF_N];
	char *conf_error;
	char *marker;          /* this host's marker (a file name), or NULL */
	char *marker_error;    /* why there is none, or NULL */
	int shared_expected;   /* the profile mounts shared instances, no block migration */
	/* nova's [libvirt] cpu_mode and cpu_models (a list) as nova-compute
	 * reads them now where it reads its nova.conf here (cpu_from_host),
	 * else the profile's [nova] ones; NULL: unset (nova's default). */
	char *cpu_mode;
	char *cpu_models;
	int cpu_from_host;
	/* `check` of the profile: settings drifted ("key: 'old' -> 'want'"),
	 * and those that could not be checked. */
	char **drift;
	size_t n_drift;
	char **unchecked;
	size_t n_unchecked;
};

struct mr_verify_ssh_opts {
	unsigned jobs;   /* hosts in parallel; 0: MR_FLEET_DEFAULT_JOBS */
	int timeout_s;   /* the transports'; each network test gets a quarter */
	struct mr_aug *aug;
	const struct mr_cpu_map *cpus;
	const char *run_id;
};

/* Each host's CPU configuration for the analysis (in->hosts[i], which
 * gathering gave the profile's): nova's own where hs[i] read it. Domain
 * capabilities are asked for by the profiles: where a nova.conf alone
 * sets cpu_mode custom, the hosts' lack of them says why. */
void mr_verify_ssh_cpu_config(const struct mr_verify_ssh_host *hs, size_t n,
                              struct mr_verify_input *in);

/* Examines targets[i] (listener_ports[i] is libvirt's TCP port on it) and
 * fills (*hosts)[i]; a host that fails carries its error and never stops
 * the others. The array is the caller's (mr_verify_ssh_hosts_free). */
void mr_verify_ssh_gather(const struct mr_target *targets, const unsigned *listener_ports,
                          size_t n, const struct mr_verify_ssh_opts *opts,
                          struct mr_verify_ssh_host **hosts);
void mr_verify_ssh_hosts_free(struct mr_verify_ssh_host *hosts, size_t n);

/* Adds the SSH side's findings and pair reasons to res, whose hosts are
 * hosts[0..n) in the same order, and marks its checks examined (a host
 * that could not be examined over SSH keeps them not examined). */
void mr_verify_ssh_join(struct mr_verify_result *res, const struct mr_verify_ssh_host *hosts,
                        size_t n);

/* One TCP test's word from the probe, as a verdict: 1 the path is open,
 * 0 blocked or closed, -1 unknown. listener is NULL for the test of
 * libvirt's port, where a refusal fails; for a migration port it is the
 * word of libvirt's port on the same address: a refusal there is open
 * (nothing listens between migrations) only if libvirt's port connected,
 * else unknown (a firewall's tcp-reset looks like a closed port). *why
 * gets a short reason (static text) when not 1. */
int mr_verify_tcp_verdict(const char *word, const char *listener, const char **why);

/* 1 when one of the space-separated addresses equals want (IP literals
 * compared in canonical form), 0 when none does, -1 when list is NULL or
 * an "unknown ..." word. */
int mr_verify_addr_match(const char *list, const char *want);

#endif
