/* Resources: one per concern of DESIGN.md. Each turns its profile section
 * and the host's facts (mr_plan_facts) into typed actions on a plan,
 * without I/O. */
#ifndef MR_RES_H
#define MR_RES_H

#include "facts.h"
#include "plan.h"
#include "profile.h"

struct mr_aug_op;
struct mr_conf_key;
struct mr_cpu_map;
struct mr_fleet_facts;
struct mr_ssh_keypairs;

/* What every resource plans from, beyond the host's facts (in the plan). */
struct mr_res_ctx {
	const struct mr_profile *profile; /* the host's effective profile */
	int explicit_defaults;            /* write defaults out even where absent */
	const struct mr_cpu_map *cpus;    /* libvirt's CPU models, or NULL */
	/* Every host's facts, when the run gathered them all first (else
	 * NULL), and this host's index among them. */
	const struct mr_fleet_facts *fleet;
	size_t self;
	const struct mr_ssh_keypairs *keypairs; /* the controller's, or NULL */
};

struct mr_res_ops {
	const char *name; /* the profile section it owns */
	/* Adds its actions; returns -1 with err set on a problem the schema
	 * could not catch (a host's own problem is an mr_plan_fail item). */
	int (*plan)(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err);
	/* The keys of its section it applies; others are reported unchecked. */
	const struct mr_conf_key *keys;
	size_t n_keys;
	/* Warns of what the profile asks that cannot work together (NULL:
	 * nothing to say); every command, lint included, hears it. */
	void (*lint)(const struct mr_profile *profile);
};

extern const struct mr_res_ops mr_res_file;
extern const struct mr_res_ops mr_res_firewall;
extern const struct mr_res_ops mr_res_libvirtd;
/* libvirtd's command line options, as its getopt_long reads them. */
extern const struct mr_optscan_spec mr_libvirtd_opts;
extern const struct mr_res_ops mr_res_multipath;
extern const struct mr_res_ops mr_res_nfs;
/* An export's operation on /etc/exports but its key, value and children:
 * how the engine reads a client's place and options (the fuzzer's too). */
extern const struct mr_aug_op mr_res_nfs_export;
extern const struct mr_res_ops mr_res_nova;
extern const struct mr_res_ops mr_res_qemu;
extern const struct mr_res_ops mr_res_ssh;

/* How one profile key of a libvirt-style conf file is written. */
enum mr_conf_type {
	MR_CONF_BOOL,   /* written 0 or 1 */
	MR_CONF_INT,    /* written bare */
	MR_CONF_STRING, /* written quoted */
	MR_CONF_STRINGS, /* written quoted; [ "that" ] reads the same */
	MR_CONF_USER,   /* a user's name, written quoted; "+UID" reads the same */
	MR_CONF_GROUP,  /* a group's name, written quoted; "+GID" reads the same */
	MR_CONF_PLAN,   /* planned by the resource itself (not a conf line) */
};

struct mr_conf_key {
	const char *key;   /* the same name in the profile and in the file */
	enum mr_conf_type type;
	/* What the consumer assumes when the file leaves it out (as written,
	 * booleans 0/1), or NULL where that depends on the build or host. */
	const char *deflt;
};

/* Plans "key = value" for each key of table that section sets, in the file
 * at path (a libvirt conf file read with Migready_libvirt.lns); a new entry
 * goes below its commented default. Changes notify unit (may be NULL). A
 * key set to its default and absent from the file is left out unless
 * explicit (the section's "explicit = yes", or the run's). Returns the
 * file, or NULL if the section sets none of the keys. */
struct mr_plan_file *mr_res_plan_conf(struct mr_plan *plan, const struct mr_profile *profile,
                                      const char *section, const char *path,
                                      struct mr_plan_unit *unit,
                                      const struct mr_conf_key *table, size_t n,
                                      int explicit_defaults);

/* "USER GROUP" of [qemu] user and group where they are names ("-" for
 * one that is not), for the facts probe to look up; NULL if neither. */
char *mr_res_qemu_ids(const struct mr_profile *profile);
/* One end of the migration ports QEMU takes on this host once applied
 * (key: migration_port_min or _max): the profile's, else the host's
 * qemu.conf (as the probe read it), else libvirt's default; *from (the
 * caller's) says where it comes from. 0 if the host's value is not a
 * port. */
long mr_res_qemu_port(const struct mr_profile *profile, const struct mr_facts *facts,
                      const char *key, char **from);

/* libvirt's two network listeners, [0] TCP and [1] TLS: the libvirtd.conf
 * key that turns one on, its port's key, and the port libvirt and its
 * socket units default to (as written); one table for every reader. */
struct mr_res_listener {
	const char *on, *port, *deflt, *what;
	int tls;
};
extern const struct mr_res_listener mr_res_listeners[2];

/* The TCP ports libvirt's listener (tls: its TLS one) offers the peers
 * on this host once the plan is applied: the profile's port, else where
 * the host's world reads it (a legacy libvirtd.conf, the socket unit and
 * its drop-ins), else libvirt's default; from[i] (the caller's, with the
 * rest: mr_res_listen_ports_fini) says what sets port[i]. Returns -1 with
 * unknown (what could not be read) where a port is not known. */
struct mr_res_listen_ports {
	size_t n;
	long port[8];
	char *from[8];
	char *unknown;
};
int mr_res_listen_ports(const struct mr_plan *plan, const struct mr_profile *profile, int tls,
                        struct mr_res_listen_ports *out);
void mr_res_listen_ports_fini(struct mr_res_listen_ports *p);

/* The lines (from 1) of migready's drop-in setting a socket's port key
 * (tcp_port, tls_port) to port that reports name: the one that empties
 * ListenStream (*reset) and the one that sets port (*set), found in the
 * text written. Exported for the tests. */
void mr_res_port_dropin_lines(const char *key, const char *port, long *reset, long *set);

/* A value of a libvirt conf file as the probe reports it, without its
 * one pair of quotes: its start, and *len its length. */
const char *mr_res_conf_unquoted(const char *v, size_t *len);

/* A conf value that names a host: the first address this host resolves it
 * to when every address the probe found for it in /etc/hosts (fact's
 * values) is a loopback one, where a daemon binding it listens for no
 * other host; NULL when none is found or one is not. Borrowed. */
const char *mr_res_name_loopback(const struct mr_facts *facts, const char *fact);

/* Why libvirt's virconf getter of type (virConfGetValueBool, String,
 * UInt) refuses v, a value of a conf file as the probe reports it, or
 * NULL where it reads it; a type migready does not probe gets NULL. */
const char *mr_res_conf_refused(enum mr_conf_type type, const char *v);

/* Fails item SECTION.KEY for each key of typed that the host's conf file
 * (path, facts "DAEMON.KEY" and "DAEMON.line.KEY") sets to a value its
 * reader refuses (what: who refuses, and what follows), unless the plan
 * rewrites that key (the profile sets it and it is in written). origin:
 * the item's origin where the profile does not set the key. */
void mr_res_check_host_conf(struct mr_plan *plan, const struct mr_profile *profile,
                            const char *section, const char *daemon, const char *path,
                            const struct mr_conf_key *typed, size_t n_typed,
                            const struct mr_conf_key *written, size_t n_written,
                            const char *origin, const char *what);

/* "PATH:LINE" of key in the host's conf file of daemon, from the facts
 * ("PATH" where the probe gave no line); the caller's. */
char *mr_res_conf_where(const struct mr_facts *facts, const char *daemon, const char *path,
                        const char *key);

/* "FILE:LINE" of the section's first header in the profile ("" if none),
 * as an origin for items that are the section's, not one key's. */
char *mr_res_section_origin(const struct mr_profile *profile, const char *section);

/* The libvirt listener world of the profile's host: the profile's
 * listener if it forces one, else the facts'; why explains. */
enum mr_libvirt_world mr_res_world(const struct mr_plan *plan, const struct mr_profile *profile,
                                   const char **why);

/* Warns, once per profile, of each section and key the profile sets that
 * no resource applies yet (validated, not applied), and what each
 * resource's lint finds. */
void mr_res_warn_unapplied(const struct mr_profile *profile);
/* The [nfs] lines that a profile without a role leaves unexamined: this
 * host's share of them is unknown. fn gets "nfs.export" or "nfs.mount"
 * and the setting, for each key that has lines. */
void mr_res_nfs_roleless(const struct mr_profile *profile,
                         void (*fn)(void *ctx, const char *what, const struct mr_setting *s),
                         void *ctx);

/* The instances directory the profile's host keeps: [nova] instances_path,
 * else nova's default where [nfs] shares it; NULL if neither says.
 * Borrowed from profile. */
const char *mr_res_instances_path(const struct mr_profile *profile);

/* How nova-compute on the plan's host reaches the destination's libvirt
 * for a live migration, once the plan is applied: the transport of its
 * URI ("tcp", "tls", "ssh", ...), the port the URI names (0: the
 * transport's default) and what says so, one phrase ("/etc/nova/nova.conf:31
 * sets [libvirt] live_migration_scheme = 'tls'"). */
struct mr_nova_migration {
	char *transport;
	long port;
	char *because;
	/* [libvirt] live_migration_inbound_addr, where the peers migrate to
	 * this host (NULL: at its name, or not known: inbound_unknown), and
	 * what sets it */
	char *inbound;
	char *inbound_because;
	int inbound_unknown; /* it names an option whose value is not known */
};
/* Returns 1 and fills *m (mr_nova_migration_fini frees it), 0 when the
 * facts show no nova-compute on the host (neither its package nor its
 * unit; without a package, nova's newest option names), or -1 when its
 * live_migration_uri is no libvirt URI, or it reads another nova.conf
 * (m->because says why, the rest NULL). */
int mr_res_nova_migration(const struct mr_plan *plan, const struct mr_profile *profile,
                          struct mr_nova_migration *m);
void mr_nova_migration_fini(struct mr_nova_migration *m);

/* [section] key as nova-compute on the host of facts reads it once the
 * profile is applied (planned), or as it does now: 1 and *value (NULL
 * when unset or empty; the caller's), or 0 when the host has no
 * nova-compute, or its nova.conf is not the one read. */
int mr_res_nova_option(const struct mr_facts *facts, const struct mr_profile *profile,
                       const char *section, const char *key, int planned, char **value);
/* Why nova-compute's options are not known here (it reads another
 * nova.conf, or its files are not known): a sentence (the caller's), or
 * NULL where they are, or the host has no nova-compute. */
char *mr_res_nova_unread(const struct mr_facts *facts, const struct mr_profile *profile);

/* Where nova-compute keeps its instances on this host once the plan is
 * applied: instances_path as it reads it (oslo's $NAME substituted), else
 * $state_path/instances, "$pybasedir/..." where state_path is unset
 * (nova's package directory: the local disk); *because says what sets it
 * (NULL: nova's defaults). NULL where the host has no nova-compute, or
 * its nova.conf is not the one read, or (with *because) where a $NAME in
 * it is not known. */
char *mr_res_nova_instances(const struct mr_plan *plan, const struct mr_profile *profile,
                            char **because);

/* All resources, sorted by name. */
const struct mr_res_ops *const *mr_res_all(size_t *n);

/* Plans every resource for one host's profile, and marks what none of
 * them examines as unchecked. */
int mr_res_plan_all(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err);

#endif
