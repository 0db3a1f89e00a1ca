/* nova.conf for one nova release: the [nova] section of a profile turned
 * into edits written in the option names that release reads, plus the
 * removal of options that release no longer reads. One table of nova's
 * option history (nova.c) drives it. Pure: only mr_cpu_map_load reads
 * files.
 *
 * A plan uses it so: once per run, mr_cpu_map_load on the controller;
 * per host whose profile has [nova], mr_nova_release (profile + the facts'
 * nova package version), mr_nova_plan, then one file edit of
 * /etc/nova/nova.conf with Migready_oslo.lns and mr_nova_edit_op of each
 * edit, in order; each edit is reported with its origin and note, a
 * deprecated one warned of, and nova-compute restarted when the file
 * changed. */
#ifndef MR_NOVA_H
#define MR_NOVA_H

#include <stddef.h>

#include "aug.h"
#include "profile.h"
#include "util.h"

/* One change to nova.conf. All strings are owned by the edit. */
struct mr_nova_edit {
	char *section;  /* as nova.conf spells it: "DEFAULT", "libvirt", "vnc" */
	char *key;      /* "live_migration_tunnelled" */
	char *value;    /* as written; NULL: remove every such option */
	/* The profile line that asked for it, borrowed from the profile;
	 * NULL for the removal of an option the release no longer reads. */
	const struct mr_setting *origin;
	/* Why the option differs from what the profile says, one line:
	 * "VIR_MIGRATE_TUNNELLED in live_migration_flag -> live_migration_tunnelled
	 * (live_migration_flag removed in newton, 14)"; or NULL. */
	char *note;
	/* 1: the option is deprecated in this release but still read; the
	 * caller warns (the note says what replaces it). */
	int deprecated;
	/* An Augeas regexp for the option's commented default
	 * ("live_migration_tunnelled[ \t]*=.*"), where a new line goes; NULL
	 * for a removal. */
	char *comment_re;
	/* The value the release assumes when the option is absent ("false"),
	 * static; NULL when absent differs from any value written. */
	const char *deflt;
};

/* The CPU models libvirt knows on the controller (its cpu_map): names,
 * each one's vendor and features, and which features are not
 * migratable. */
struct mr_cpu_map;

/* Reads dir/index.xml and the files it includes for arch ("x86", "arm",
 * "ppc64"), as libvirt >= 4.7 lays out /usr/share/libvirt/cpu_map.
 * Returns the caller's map, or NULL with an MR_ERR_SYSTEM error naming
 * the file that cannot be read or holds no model. */
struct mr_cpu_map *mr_cpu_map_load(const char *dir, const char *arch, struct mr_error **err);
/* Accepts NULL. */
void mr_cpu_map_free(struct mr_cpu_map *map);
/* 1 if libvirt knows the model by exactly this name. */
int mr_cpu_map_has(const struct mr_cpu_map *map, const char *model);
size_t mr_cpu_map_count(const struct mr_cpu_map *map);
/* The model's vendor ("Intel"), inherited if need be; NULL when the model
 * is unknown or names none. */
const char *mr_cpu_map_vendor(const struct mr_cpu_map *map, const char *model);
/* The model's features with those of the models it inherits: a
 * NULL-terminated array of names borrowed from the map (the caller frees
 * the array only), *n its length (n may be NULL); NULL when the map (which
 * may be NULL) does not know the model or one it inherits. */
const char **mr_cpu_map_features(const struct mr_cpu_map *map, const char *model, size_t *n);
/* 0 when libvirt marks the feature migratable='no' (invtsc), which a
 * host-model guest never gets; 1 otherwise, unknown features too. */
int mr_cpu_map_migratable(const struct mr_cpu_map *map, const char *feature);

/* The major version of a nova package version as the facts probe reads
 * it: "2:26.2.2-1~deb12u5" -> 26, "27.1.0" -> 27, "1:2014.1-0ubuntu1" (the
 * year-based versions up to kilo) -> 9. Returns 0, or -1 if the version
 * says no release that migready knows (unparsable, older than austin,
 * newer than the last name the schema knows). */
int mr_nova_release_from_version(const char *pkg_version, unsigned *major);

/* The release a host's nova.conf is written for: the profile's
 * [nova] release, or with "auto" (or none) the installed one,
 * pkg_version (NULL when the facts found no nova). Returns 0 and sets
 * *major, or -1 with an error: MR_ERR_INPUT at the profile line for a
 * release outside MR_NOVA_OLDEST .. the newest known, or one that
 * disagrees with the installed package; MR_ERR_HOST for "auto" when the
 * installed version is missing or unknown. */
int mr_nova_release(const struct mr_profile *p, const char *pkg_version, unsigned *major,
                    struct mr_error **err);

/* The edits that make nova.conf say what p's [nova] section says, for
 * release major (from mr_nova_release), in order: the keys of [nova]
 * (instances_path, max_concurrent_live_migrations, live_migration_flag,
 * cpu_mode, cpu_model, live_migration_bandwidth), then each "set" line,
 * then the removal of every option the release no longer reads. An
 * option written under a newer name also removes its older names. cpus:
 * libvirt's CPU models, to check cpu_model against; NULL skips that
 * check. On success returns 0 and sets *edits (the caller's, free with
 * mr_nova_edits_free; NULL when *n is 0). On failure returns -1 with one
 * MR_ERR_INPUT error per problem, each at its profile line, and *edits
 * NULL. */
int mr_nova_plan(unsigned major, const struct mr_profile *p, const struct mr_cpu_map *cpus,
                 struct mr_nova_edit **edits, size_t *n, struct mr_error **err);

/* An oslo.config list ("Haswell-noTSX, Broadwell"): its items split at
 * commas, blanks around them dropped, empty ones left out;
 * NULL-terminated, NULL when there are none (*n 0). The caller's
 * (mr_strv_free). */
char **mr_nova_split_list(const char *value, size_t *n);

/* lint's look at [nova] cpu_model: each name libvirt's map (on the
 * controller) lacks is an error at its line; 0 when none, or no map. */
int mr_nova_lint_cpu_models(const struct mr_profile *p, const struct mr_cpu_map *cpus,
                            struct mr_error **err);

/* Whether SECTION/KEY, in a file that nova release major reads, sets the
 * option that an edit of E_SECTION/E_KEY writes: the same name, or
 * another of that option's names that the release still reads. */
int mr_nova_same_option(unsigned major, const char *section, const char *key,
                        const char *e_section, const char *e_key);
/* Whether p's plan for release major removes the option SECTION/KEY (by
 * every name the release reads) from nova.conf, for a line of the profile:
 * a CPU model beside cpu_mode = host-model, the URI beside a
 * live_migration_scheme. */
int mr_nova_removes(const struct mr_profile *p, unsigned major, const char *section,
                    const char *key);
/* The options whose values in nova's configuration files the facts probe
 * reports: every name of nova.c's table and of the profile's set lines,
 * "SECTION/KEY" apart by spaces; NULL without a [nova] or a [libvirtd]
 * section ([libvirtd] needs the migration URI nova uses). The caller's. */
char *mr_nova_watch_keys(const struct mr_profile *p);
/* Whether mr_nova_watch_keys gives any: nova's options reported. */
int mr_nova_watched(const struct mr_profile *p);

/* The i-th old name (from 0) whose last release nova reads it is not
 * established: 0 and *why (the caller's) if release major is past the
 * newest one known to read it and before the first known not to, 1 if
 * not, -1 past the last. */
int mr_nova_unproven(size_t i, unsigned major, const char **section, const char **key,
                     char **why);

/* What release major (0: not known) does with value for SECTION/KEY, an
 * option whose type, bound or choices nova declares: takes it, refuses it
 * (nova-compute stops), adjusts it (an older release rounding a low
 * downtime up), or not known (a release between the last seen without a
 * bound and the first seen with it). *why (the caller's) says so, but for
 * MR_NOVA_TAKES; with major 0, from which release a bound holds. */
enum mr_nova_verdict { MR_NOVA_TAKES, MR_NOVA_REFUSES, MR_NOVA_ADJUSTS, MR_NOVA_UNKNOWN };
enum mr_nova_verdict mr_nova_value_verdict(const char *section, const char *key,
                                           const char *value, unsigned major, char **why);
/* The same for the value written, judged as as: written once oslo.config
 * has substituted its $NAMEs (its quotes dropped); NULL: not known, and
 * written is judged itself, an address with a $NAME taken. */
enum mr_nova_verdict mr_nova_value_verdict_as(const char *section, const char *key,
                                              const char *written, const char *as,
                                              unsigned major, char **why);
/* oslo.config's reading of a value: one pair of matching quotes around
 * it dropped. The caller's. */
char *mr_nova_unquote(const char *have);
/* A value as written, for a message: in its own quotes, else in '';
 * the caller's. */
char *mr_nova_shown(const char *written);
/* Whether SECTION/KEY is an option of migready's tables (of any release). */
int mr_nova_known(const char *section, const char *key);
/* Whether release major reads SECTION/KEY, an option of the table. */
int mr_nova_reads(unsigned major, const char *section, const char *key);

/* Why nova, its release not known, would refuse value for SECTION/KEY
 * (a downtime below 100 from Ocata on, "Abort" for
 * live_migration_timeout_action); NULL when it takes the value or
 * declares nothing migready knows. The caller's. */
char *mr_nova_value_refused(const char *section, const char *key, const char *value);
/* The i-th option (from 0) of those migready knows: 0 if release major
 * reads it and nova declares its values (mr_nova_value_refused), 1 if
 * not, -1 past the last. */
int mr_nova_declared(size_t i, unsigned major, const char **section, const char **key);

/* The transport of a libvirt URI as nova's live_migration_uri gives it
 * ("qemu+tcp://%s:16510/system" -> "tcp", 16510; "qemu://%s/system" ->
 * "tls", libvirt's remote default; no host -> "unix"). *port: 0 when the
 * URI names none. Returns 0; -1 if uri is no libvirt URI or its port is
 * no port; MR_NOVA_URI_NO_DEST if it lacks the one %s (and no other %
 * conversion but %%) that nova fills with the destination, by Python's %
 * operator, which fails every migration otherwise; MR_NOVA_URI_TRANSPORT
 * if it names a transport libvirt does not know. *transport, set unless
 * -1, is the caller's. */
#define MR_NOVA_URI_NO_DEST (-2)
#define MR_NOVA_URI_TRANSPORT (-3)
int mr_nova_uri_transport(const char *uri, char **transport, long *port);

/* Whether libvirt knows t as a remote transport (the '+' part of a URI,
 * and nova's live_migration_scheme). */
int mr_nova_transport_known(const char *t);

/* The value of the profile's last [nova] set line for the option
 * section/key under any name nova `major` reads it by ("tls" of "set =
 * libvirt/live_migration_scheme tls"), borrowed from the profile, with
 * *origin its line; NULL if no set line names it. */
const char *mr_nova_set_value(const struct mr_profile *p, unsigned major, const char *section,
                              const char *key, const struct mr_setting **origin);

/* Accepts NULL. */
void mr_nova_edits_free(struct mr_nova_edit *edits, size_t n);

/* The engine's operation for an edit, on Migready_oslo.lns (MR_FMT_RAW);
 * its strings are borrowed from e. */
void mr_nova_edit_op(const struct mr_nova_edit *e, struct mr_aug_op *op);

#endif
