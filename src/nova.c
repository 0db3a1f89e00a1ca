/* nova.conf across nova releases: one table of option names and the
 * releases that read them, and the [nova] section of a profile written
 * through it. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include <arpa/inet.h>

#include "nova.h"

enum {
	ICEHOUSE = 9,
	LIBERTY = 12,
	MITAKA = 13,
	NEWTON = 14,
	OCATA = 15,
	PIKE = 16,
	QUEENS = 17,
	ROCKY = 18,
	STEIN = 19,
	TRAIN = 20,
	USSURI = 21,
	WALLABY = 23,
	YOGA = 25,
	ZED = 26,
};

/* One name of a nova.conf option and the releases that read it under that
 * name, from nova's option definitions (each release's sample nova.conf
 * says "deprecated for removal since" and names the replacement) and its
 * release notes. Where the release that dropped an old name is not
 * certain, removed is one that surely ignores it, or 0: a stale option is
 * deleted only when it can no longer have an effect. */
struct opt {
	const char *section;
	const char *key;
	unsigned since;      /* first release reading this name; 1: always */
	unsigned deprecated; /* first release that warns of it; 0: none */
	unsigned removed;    /* first release that ignores it; 0: still read */
	/* "section/key": the option's next name, the one read from that row's
	 * since on; this name is then an alias until removed. */
	const char *renamed;
	/* What replaces a deprecated or removed option, for the notes. */
	const char *instead;
};

static const struct opt opts[] = {
	{ "DEFAULT", "instances_path", 1, 0, 0, NULL, NULL },
	/* read, for instances_path's default ($state_path/instances) */
	{ "DEFAULT", "state_path", 1, 0, 0, NULL, NULL },
	/* read: the address nova's peers reach this host at over SSH */
	{ "DEFAULT", "my_ip", 1, 0, 0, NULL, NULL },
	/* read: the name nova's peers migrate to over ssh when
	 * live_migration_inbound_addr is unset */
	{ "DEFAULT", "host", 1, 0, 0, NULL, NULL },
	{ "DEFAULT", "max_concurrent_live_migrations", MITAKA, 0, 0, NULL, NULL },

	/* Icehouse moved the libvirt driver's options to [libvirt]: its
	 * nova/virt/libvirt/driver.py declares these four with
	 * deprecated_group DEFAULT, Liberty's without, so Liberty ignores the
	 * [DEFAULT] names (Juno's and Kilo's were not checked: they keep
	 * them). */
	{ "DEFAULT", "live_migration_flag", 1, ICEHOUSE, LIBERTY, "libvirt/live_migration_flag",
	  NULL },
	{ "DEFAULT", "block_migration_flag", 1, ICEHOUSE, LIBERTY, "libvirt/block_migration_flag",
	  NULL },
	{ "DEFAULT", "live_migration_bandwidth", 1, ICEHOUSE, LIBERTY,
	  "libvirt/live_migration_bandwidth", NULL },
	{ "DEFAULT", "live_migration_uri", 1, ICEHOUSE, LIBERTY, "libvirt/live_migration_uri", NULL },

	/* Mitaka deprecated the raw libvirt flags for options of their own;
	 * Newton dropped them and sets the other flags itself (Newton's
	 * nova/conf/libvirt.py declares them deprecated at first, then
	 * neither, before Ocata's live_migration_scheme came). */
	{ "libvirt", "live_migration_flag", ICEHOUSE, MITAKA, NEWTON, NULL,
	  "live_migration_tunnelled, live_migration_permit_auto_converge and "
	  "live_migration_permit_post_copy" },
	{ "libvirt", "block_migration_flag", ICEHOUSE, MITAKA, NEWTON, NULL,
	  "the block migration nova chooses for each migration" },
	{ "libvirt", "live_migration_tunnelled", MITAKA, WALLABY, 0, NULL,
	  "live_migration_with_native_tls" },
	{ "libvirt", "live_migration_permit_post_copy", NEWTON, 0, 0, NULL, NULL },
	{ "libvirt", "live_migration_permit_auto_converge", NEWTON, 0, 0, NULL, NULL },
	{ "libvirt", "live_migration_with_native_tls", ROCKY, 0, 0, NULL, NULL },

	/* Ocata split the URI into a scheme and the target's address. */
	{ "libvirt", "live_migration_uri", ICEHOUSE, OCATA, 0, NULL,
	  "live_migration_scheme and live_migration_inbound_addr" },
	{ "libvirt", "live_migration_scheme", OCATA, 0, 0, NULL, NULL },
	{ "libvirt", "live_migration_inbound_addr", NEWTON, 0, 0, NULL, NULL },

	{ "libvirt", "live_migration_bandwidth", ICEHOUSE, 0, 0, NULL, NULL },
	{ "libvirt", "cpu_mode", ICEHOUSE, 0, 0, NULL, NULL },
	/* Train made the model a list; the old name stays an alias. */
	{ "libvirt", "cpu_model", ICEHOUSE, TRAIN, 0, "libvirt/cpu_models", NULL },
	{ "libvirt", "cpu_models", TRAIN, 0, 0, NULL, NULL },

	/* Liberty moved the VNC options to [vnc] (its libvirt driver imports
	 * them from group vnc), Queens renamed them. Rocky's nova/conf/vnc.py
	 * still lists both old names as deprecated_opts of the new ones; Zed's
	 * (nova 26, Debian 12's python3-nova, which the nova-conf suite's
	 * validator loads) lists none: stale from Zed; Stein to Yoga not
	 * established (unproven[]). */
	{ "DEFAULT", "vncserver_listen", 1, LIBERTY, ZED, "vnc/vncserver_listen", NULL },
	{ "vnc", "vncserver_listen", LIBERTY, QUEENS, ZED, "vnc/server_listen", NULL },
	{ "vnc", "server_listen", QUEENS, 0, 0, NULL, NULL },
	{ "DEFAULT", "vncserver_proxyclient_address", 1, LIBERTY, ZED,
	  "vnc/vncserver_proxyclient_address", NULL },
	{ "vnc", "vncserver_proxyclient_address", LIBERTY, QUEENS, ZED,
	  "vnc/server_proxyclient_address", NULL },
	{ "vnc", "server_proxyclient_address", QUEENS, 0, 0, NULL, NULL },
};

/* Old names nova's code was last seen reading at read_until and seen not
 * reading from gone_from on (where: the file that says so); in between,
 * whether nova still reads them is not established, so they are kept and
 * check says so. */
static const struct {
	const char *section, *key;
	unsigned read_until, gone_from;
	const char *where;
} unproven[] = {
	{ "DEFAULT", "vncserver_listen", ROCKY, ZED, "nova/conf/vnc.py" },
	{ "vnc", "vncserver_listen", ROCKY, ZED, "nova/conf/vnc.py" },
	{ "DEFAULT", "vncserver_proxyclient_address", ROCKY, ZED, "nova/conf/vnc.py" },
	{ "vnc", "vncserver_proxyclient_address", ROCKY, ZED, "nova/conf/vnc.py" },
};

/* The VIR_MIGRATE_* flags that have an option of their own from Newton on
 * (the option is true when the flag is listed). */
static const struct {
	const char *flag;
	const char *option;
	int only_when_listed; /* absent: the option is left alone */
} flag_options[] = {
	{ "VIR_MIGRATE_TUNNELLED", "live_migration_tunnelled", 0 },
	{ "VIR_MIGRATE_AUTO_CONVERGE", "live_migration_permit_auto_converge", 0 },
	{ "VIR_MIGRATE_POSTCOPY", "live_migration_permit_post_copy", 0 },
	/* Native TLS needs certificates on every host: never turned off
	 * behind the operator's back, only on when asked. */
	{ "VIR_MIGRATE_TLS", "live_migration_with_native_tls", 1 },
};

/* Flags nova sets itself from Newton on: always, or for a block migration
 * when the request asks for one. */
static const char *const flags_nova_sets[] = {
	"VIR_MIGRATE_LIVE",           "VIR_MIGRATE_PEER2PEER",      "VIR_MIGRATE_UNDEFINE_SOURCE",
	"VIR_MIGRATE_PERSIST_DEST",   "VIR_MIGRATE_NON_SHARED_INC", "VIR_MIGRATE_NON_SHARED_DISK",
};

/* Options that the help text of another option shows in examples
 * ("#     cpu_mode = custom" under cpu_model_extra_flags in the sample
 * nova.conf): a new line goes below the commented default only, which
 * shows the default as every sample prints it. */
static const struct {
	const char *key;
	const char *sample;
} sample_defaults[] = {
	{ "cpu_mode", "<None>" },
	{ "cpu_model", "<None>" },
	{ "cpu_models", "" },
};

enum vkind { V_ANY, V_INT, V_BOOL, V_CHOICE, V_HOST };

/* A lower bound nova declares from some release on (cfg.IntOpt min=:
 * oslo.config refuses a lower value and nova-compute stops), and what the
 * releases before it do with one. */
struct bound {
	long min;
	unsigned since;   /* first release seen declaring it */
	unsigned plain;   /* last release seen without it; between: not known */
	long floor;       /* those releases, with a value below floor, */
	const char *then; /* do this ("rounds it up to 100"); NULL: use it */
	unsigned domain;  /* V_HOST: first release seen taking a _ (HostDomainOpt) */
};

/* Defaults nova has kept since the option came: an option absent from
 * the file already has this value, and is left absent. kind, bound and
 * choices: the values nova declares (cfg.IntOpt, cfg.BoolOpt, cfg.StrOpt
 * choices=) in where, any other of which oslo.config refuses when nova
 * reads the option, and nova-compute stops.
 * The bounds, from nova's own declarations: Liberty's
 * nova/virt/libvirt/driver.py and Newton's first nova/conf/libvirt.py
 * declare no min= and round a downtime up to 100 ms, its steps to 3 and
 * its delay to 10 s (LIVE_MIGRATION_DOWNTIME_*_MIN); Ocata's
 * nova/conf/libvirt.py declares min=100, 3 and 3. Ocata's has no min for
 * the completion timeout, Train's min=0. nova/conf/compute.py declares
 * max_concurrent_live_migrations without min (a negative counts as 0,
 * unlimited) as late as Pike's, with min=0 in Ussuri's. */
static const struct {
	const char *section, *key;
	unsigned since;
	const char *value;
	enum vkind kind;
	/* V_INT: NULL for none; V_HOST: from which release (min unused) */
	const struct bound *bound;
	const char *const *choices; /* V_CHOICE: compared case-sensitively */
	const char *where;
} defaults[] = {
	{ "DEFAULT", "max_concurrent_live_migrations", MITAKA, "1", V_INT,
	  &(const struct bound){ 0, USSURI, PIKE, 0, "counts it as 0: no limit", 0 }, NULL,
	  "nova/conf/compute.py" },
	{ "libvirt", "live_migration_bandwidth", ICEHOUSE, "0", V_INT, NULL, NULL,
	  "nova/conf/libvirt.py" },
	/* Mitaka's had none: unset, the flags decided. */
	{ "libvirt", "live_migration_tunnelled", NEWTON, "false", V_BOOL, NULL, NULL,
	  "nova/conf/libvirt.py" },
	{ "libvirt", "live_migration_permit_post_copy", NEWTON, "false", V_BOOL, NULL, NULL,
	  "nova/conf/libvirt.py" },
	{ "libvirt", "live_migration_permit_auto_converge", NEWTON, "false", V_BOOL, NULL, NULL,
	  "nova/conf/libvirt.py" },
	{ "libvirt", "live_migration_with_native_tls", ROCKY, "false", V_BOOL, NULL, NULL,
	  "nova/conf/libvirt.py" },
	/* for set lines: the migration's time limits, as every sample since */
	{ "libvirt", "live_migration_completion_timeout", MITAKA, "800", V_INT,
	  &(const struct bound){ 0, TRAIN, OCATA, 0, NULL, 0 }, NULL, "nova/conf/libvirt.py" },
	{ "libvirt", "live_migration_downtime", MITAKA, "500", V_INT,
	  &(const struct bound){ 100, OCATA, MITAKA, 100, "rounds it up to 100", 0 }, NULL,
	  "nova/conf/libvirt.py" },
	{ "libvirt", "live_migration_downtime_steps", MITAKA, "10", V_INT,
	  &(const struct bound){ 3, OCATA, MITAKA, 3, "rounds it up to 3", 0 }, NULL,
	  "nova/conf/libvirt.py" },
	{ "libvirt", "live_migration_downtime_delay", MITAKA, "75", V_INT,
	  &(const struct bound){ 3, OCATA, MITAKA, 10, "rounds it up to 10", 0 }, NULL,
	  "nova/conf/libvirt.py" },
	{ "libvirt", "live_migration_timeout_action", STEIN, "abort", V_CHOICE, NULL,
	  (const char *const[]){ "abort", "force_complete", NULL }, "nova/conf/libvirt.py" },
	/* Addresses, no default kept here. HostAddressOpt (an IP address or
	 * a host name) in Rocky's nova/conf/vnc.py (the one listing both old
	 * names as deprecated_opts); Queens's, where these names came, not
	 * seen. Newton's first nova/conf/libvirt.py declares the inbound
	 * address a StrOpt, Train's a HostAddressOpt. No nova/conf/netconf.py
	 * seen declares my_ip or host other than StrOpt (any value), nor any
	 * of these an IPOpt. */
	{ "vnc", "server_listen", QUEENS, NULL, V_HOST,
	  &(const struct bound){ 0, ROCKY, 0, 0, NULL, 0 }, NULL, "nova/conf/vnc.py" },
	{ "vnc", "server_proxyclient_address", QUEENS, NULL, V_HOST,
	  &(const struct bound){ 0, ROCKY, 0, 0, NULL, 0 }, NULL, "nova/conf/vnc.py" },
	{ "libvirt", "live_migration_inbound_addr", NEWTON, NULL, V_HOST,
	  &(const struct bound){ 0, TRAIN, NEWTON, 0, NULL, ZED }, NULL, "nova/conf/libvirt.py" },
	/* Zed's nova/conf/netconf.py (nova 26, read by CI's validator)
	 * declares host, like the inbound address, a HostDomainOpt: a host
	 * name that may hold a _; earlier ones seen declare it a StrOpt, from
	 * which release the change is not established */
	{ "DEFAULT", "host", 1, NULL, V_HOST, &(const struct bound){ 0, ZED, 0, 0, NULL, ZED },
	  NULL, "nova/conf/netconf.py" },
};

/* ---- releases ---- */

/* "zed (26)"; buf of 32 bytes. */
static const char *rel(unsigned major, char *buf)
{
	const char *name = mr_profile_nova_release_name(major);
	if (name)
		snprintf(buf, 32, "%s (%u)", name, major);
	else
		snprintf(buf, 32, "%u", major);
	return buf;
}

/* The major version a package version starts with, unchecked. */
static int parse_major(const char *v, unsigned *major)
{
	const char *p = v;
	/* A Debian epoch ("2:") says nothing of the release. */
	size_t d = strspn(p, "0123456789");
	if (d && p[d] == ':')
		p += d + 1;
	d = strspn(p, "0123456789");
	if (d == 0 || d > 4)
		return -1;
	unsigned long a = strtoul(p, NULL, 10);
	p += d;
	if (*p && !strchr(".~-+", *p))
		return -1;
	if (a < 2010) {
		/* Liberty (12.0.0) was the first semantic version. */
		if (a < 12)
			return -1;
		*major = (unsigned)a;
		return 0;
	}
	/* Before Liberty: YEAR.N, two releases a year from 2012 (essex). */
	if (*p != '.' || !isdigit((unsigned char)p[1]))
		return -1;
	unsigned long b = strtoul(p + 1, NULL, 10);
	if (a == 2010 && b == 1)
		*major = 1;
	else if (a == 2011 && b >= 1 && b <= 3)
		*major = (unsigned)(1 + b);
	else if (a >= 2012 && a <= 2015 && b >= 1 && b <= 2 && !(a == 2015 && b == 2))
		*major = (unsigned)(5 + (a - 2012) * 2 + (b - 1));
	else
		return -1;
	return 0;
}

int mr_nova_release_from_version(const char *pkg_version, unsigned *major)
{
	unsigned m;
	if (!pkg_version || parse_major(pkg_version, &m) < 0 || m > mr_profile_nova_newest())
		return -1;
	*major = m;
	return 0;
}

static int known_range(unsigned major)
{
	return major >= MR_NOVA_OLDEST && major <= mr_profile_nova_newest();
}

static void range_error(struct mr_error **err, enum mr_error_kind kind,
                        const struct mr_loc *loc, const char *what, unsigned major)
{
	char a[32], b[32], c[32];
	mr_error_at(err, kind, loc, "%snova %s: migready writes nova.conf for %s to %s", what,
	            rel(major, a), rel(MR_NOVA_OLDEST, b), rel(mr_profile_nova_newest(), c));
}

int mr_nova_release(const struct mr_profile *p, const char *pkg_version, unsigned *major,
                    struct mr_error **err)
{
	const struct mr_setting *s = mr_profile_get(p, "nova", "release");
	int want = s ? mr_profile_nova_major(s->value) : 0;
	unsigned have = 0;
	int have_ok = pkg_version && parse_major(pkg_version, &have) == 0;

	if (want < 0) {
		mr_error_at(err, MR_ERR_INPUT, s ? &s->loc : NULL, "release: unknown release '%s'",
		            s ? s->value : "");
		return -1;
	}
	if (want > 0) {
		if (!known_range((unsigned)want)) {
			range_error(err, MR_ERR_INPUT, &s->loc, "release: ", (unsigned)want);
			return -1;
		}
		/* Writing names another release reads is silently wrong. */
		if (have_ok && have != (unsigned)want) {
			mr_error_at(err, MR_ERR_HOST, &s->loc,
			            "release: '%s' is nova %u, but the host runs nova '%s'", s->value,
			            (unsigned)want, pkg_version);
			return -1;
		}
		*major = (unsigned)want;
		return 0;
	}
	if (!pkg_version) {
		mr_error_at(err, MR_ERR_HOST, s ? &s->loc : NULL,
		            "release: 'auto', but no nova is installed on the host; name the "
		            "release (release = zed)");
		return -1;
	}
	if (!have_ok) {
		mr_error_at(err, MR_ERR_HOST, s ? &s->loc : NULL,
		            "release: 'auto', but the host's nova version '%s' names no release",
		            pkg_version);
		return -1;
	}
	if (!known_range(have)) {
		range_error(err, MR_ERR_HOST, s ? &s->loc : NULL, "release: the host runs ", have);
		return -1;
	}
	*major = have;
	return 0;
}

/* ---- libvirt's CPU models ---- */

/* Far above libvirt's map (about 60 x86 models and 210 features), so a
 * stray or hostile directory cannot grow the map without bound. */
#define CPU_MAP_MAX_MODELS 1024
#define CPU_MAP_MAX_FEATURES 2048
/* Models inherit (<model name='X'/> inside a model, older maps): depth. */
#define CPU_MAP_MAX_DEPTH 16

struct cpu_model {
	char *name;
	char *vendor; /* or NULL */
	char *parent; /* the model it inherits, or NULL */
	size_t *feat; /* indexes into the map's features */
	size_t n_feat;
};

struct mr_cpu_map {
	struct cpu_model *models;
	size_t n;
	char **features;
	unsigned char *unmigratable; /* per feature: migratable='no' */
	size_t n_features;
};

/* Blanks out XML comments, so that a commented-out include or model does
 * not count. */
static void strip_comments(char *s)
{
	char *p = s;
	while ((p = strstr(p, "<!--"))) {
		char *end = strstr(p + 4, "-->");
		char *stop = end ? end + 3 : p + strlen(p);
		memset(p, ' ', (size_t)(stop - p));
		p = stop;
	}
}

/* The value of attribute attr of the tag that starts at tag (just after
 * its name), or NULL. *end gets the tag's '>'. */
static char *tag_attr(const char *tag, const char *attr, const char **end)
{
	*end = strchr(tag, '>');
	if (!*end)
		return NULL;
	size_t an = strlen(attr);
	for (const char *p = tag; p < *end; p++) {
		if (!isspace((unsigned char)p[0]) || strncmp(p + 1, attr, an) != 0 ||
		    p[1 + an] != '=')
			continue;
		char q = p[2 + an];
		if (q != '\'' && q != '"')
			return NULL;
		const char *v = p + 3 + an;
		const char *close = strchr(v, q);
		if (!close || close > *end)
			return NULL;
		return mr_xstrndup(v, (size_t)(close - v));
	}
	return NULL;
}

static int plain_file_name(const char *s)
{
	if (!*s || s[0] == '.')
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!(isalnum(c) || strchr("_.+-", c)))
			return 0;
	}
	return 1;
}

/* The feature's index, added when new; -1 past the bound. */
static ssize_t cpu_map_feature(struct mr_cpu_map *map, const char *name)
{
	for (size_t i = 0; i < map->n_features; i++)
		if (strcmp(map->features[i], name) == 0)
			return (ssize_t)i;
	if (map->n_features >= CPU_MAP_MAX_FEATURES)
		return -1;
	map->features = mr_xreallocarray(map->features, map->n_features + 1,
	                                 sizeof(*map->features));
	map->unmigratable = mr_xreallocarray(map->unmigratable, map->n_features + 1,
	                                     sizeof(*map->unmigratable));
	map->features[map->n_features] = mr_xstrdup(name);
	map->unmigratable[map->n_features] = 0;
	return (ssize_t)map->n_features++;
}

/* Adds the models that file defines, each with its vendor, features and
 * the model it inherits (a self-closing <model name=.../> inside one), and
 * the features a features file marks migratable='no'. */
static int cpu_map_read_models(struct mr_cpu_map *map, const char *path, struct mr_error **err)
{
	char *text = mr_file_read(path, NULL);
	if (!text) {
		mr_error_add(err, MR_ERR_SYSTEM, path, "cannot read libvirt's CPU map: %s",
		             strerror(errno));
		return -1;
	}
	strip_comments(text);
	struct cpu_model *cur = NULL; /* the model being read */
	int r = 0;
	for (const char *p = text; r == 0 && (p = strchr(p, '<')); p++) {
		const char *end;
		if (strncmp(p, "</model>", 8) == 0) {
			cur = NULL;
			continue;
		}
		if (strncmp(p, "<model", 6) == 0 && isspace((unsigned char)p[6])) {
			char *name = tag_attr(p + 6, "name", &end);
			if (name && end[-1] == '/') {
				if (cur && !cur->parent) {
					cur->parent = name;
					name = NULL;
				}
			} else if (name && map->n >= CPU_MAP_MAX_MODELS) {
				mr_error_add(err, MR_ERR_SYSTEM, path,
				             "libvirt's CPU map has more than %d models",
				             CPU_MAP_MAX_MODELS);
				r = -1;
			} else if (name) {
				map->models = mr_xreallocarray(map->models, map->n + 1,
				                               sizeof(*map->models));
				cur = &map->models[map->n++];
				*cur = (struct cpu_model){ .name = name };
				name = NULL;
			}
			free(name);
		} else if (cur && strncmp(p, "<vendor", 7) == 0 && isspace((unsigned char)p[7])) {
			char *name = tag_attr(p + 7, "name", &end);
			if (!cur->vendor)
				cur->vendor = name;
			else
				free(name);
		} else if (strncmp(p, "<feature", 8) == 0 && isspace((unsigned char)p[8])) {
			char *name = tag_attr(p + 8, "name", &end);
			ssize_t f = name ? cpu_map_feature(map, name) : 0;
			if (f < 0) {
				mr_error_add(err, MR_ERR_SYSTEM, path,
				             "libvirt's CPU map has more than %d features",
				             CPU_MAP_MAX_FEATURES);
				r = -1;
			} else if (name && cur) {
				size_t k = 0;
				while (k < cur->n_feat && cur->feat[k] != (size_t)f)
					k++;
				if (k == cur->n_feat) {
					cur->feat = mr_xreallocarray(cur->feat, cur->n_feat + 1,
					                             sizeof(*cur->feat));
					cur->feat[cur->n_feat++] = (size_t)f;
				}
			} else if (name) {
				/* a definition: features.xml */
				char *mig = tag_attr(p + 8, "migratable", &end);
				if (mig && strcmp(mig, "no") == 0)
					map->unmigratable[f] = 1;
				free(mig);
			}
			free(name);
		}
	}
	free(text);
	return r;
}

struct mr_cpu_map *mr_cpu_map_load(const char *dir, const char *arch, struct mr_error **err)
{
	struct mr_cpu_map *map = mr_xcalloc(1, sizeof(*map));
	char *index = mr_xasprintf("%s/index.xml", dir);
	char *text = mr_file_read(index, NULL);
	int found_arch = 0;
	if (!text) {
		mr_error_add(err, MR_ERR_SYSTEM, index, "cannot read libvirt's CPU map: %s",
		             strerror(errno));
		goto fail;
	}
	strip_comments(text);
	for (const char *p = text; (p = strstr(p, "<arch")); p++) {
		const char *end;
		char *name = tag_attr(p + 5, "name", &end);
		int ours = name && strcmp(name, arch) == 0;
		free(name);
		if (!ours)
			continue;
		found_arch = 1;
		const char *stop = strstr(end, "</arch>");
		if (!stop)
			stop = end + strlen(end);
		for (const char *q = end; (q = strstr(q, "<include")) && q < stop; q++) {
			const char *qend;
			char *file = tag_attr(q + 8, "filename", &qend);
			if (!file || !plain_file_name(file)) {
				mr_error_add(err, MR_ERR_SYSTEM, index,
				             "an include names no plain file in the directory: '%s'",
				             file ? file : "");
				free(file);
				goto fail;
			}
			char *path = mr_xasprintf("%s/%s", dir, file);
			free(file);
			int r = cpu_map_read_models(map, path, err);
			free(path);
			if (r < 0)
				goto fail;
		}
	}
	if (!found_arch || map->n == 0) {
		mr_error_add(err, MR_ERR_SYSTEM, index, "libvirt's CPU map has no %s CPU models",
		             arch);
		goto fail;
	}
	free(text);
	free(index);
	return map;
fail:
	free(text);
	free(index);
	mr_cpu_map_free(map);
	return NULL;
}

void mr_cpu_map_free(struct mr_cpu_map *map)
{
	if (!map)
		return;
	for (size_t i = 0; i < map->n; i++) {
		free(map->models[i].name);
		free(map->models[i].vendor);
		free(map->models[i].parent);
		free(map->models[i].feat);
	}
	free(map->models);
	for (size_t i = 0; i < map->n_features; i++)
		free(map->features[i]);
	free(map->features);
	free(map->unmigratable);
	free(map);
}

static const struct cpu_model *cpu_map_model(const struct mr_cpu_map *map, const char *model)
{
	for (size_t i = 0; map && i < map->n; i++)
		if (strcmp(map->models[i].name, model) == 0)
			return &map->models[i];
	return NULL;
}

int mr_cpu_map_has(const struct mr_cpu_map *map, const char *model)
{
	return cpu_map_model(map, model) != NULL;
}

size_t mr_cpu_map_count(const struct mr_cpu_map *map)
{
	return map->n;
}

const char *mr_cpu_map_vendor(const struct mr_cpu_map *map, const char *model)
{
	for (int depth = 0; depth < CPU_MAP_MAX_DEPTH; depth++) {
		const struct cpu_model *m = cpu_map_model(map, model);
		if (!m)
			return NULL;
		if (m->vendor || !m->parent)
			return m->vendor;
		model = m->parent;
	}
	return NULL;
}

const char **mr_cpu_map_features(const struct mr_cpu_map *map, const char *model, size_t *n)
{
	const char **v = NULL;
	size_t k = 0;
	for (int depth = 0; model; depth++) {
		const struct cpu_model *m = depth < CPU_MAP_MAX_DEPTH ? cpu_map_model(map, model)
		                                                      : NULL;
		if (!m) {
			free(v);
			return NULL;
		}
		v = mr_xreallocarray(v, k + m->n_feat + 1, sizeof(*v));
		for (size_t i = 0; i < m->n_feat; i++) {
			const char *name = map->features[m->feat[i]];
			size_t j = 0;
			while (j < k && strcmp(v[j], name) != 0)
				j++;
			if (j == k)
				v[k++] = name;
		}
		v[k] = NULL;
		model = m->parent;
	}
	if (n)
		*n = k;
	return v;
}

int mr_cpu_map_migratable(const struct mr_cpu_map *map, const char *feature)
{
	for (size_t i = 0; map && i < map->n_features; i++)
		if (strcmp(map->features[i], feature) == 0)
			return !map->unmigratable[i];
	return 1;
}

/* ---- the table ---- */

static int opt_is(const struct opt *o, const char *section, const char *key)
{
	return strcmp(o->section, section) == 0 && strcmp(o->key, key) == 0;
}

static int opt_named(const struct opt *o, const char *name)
{
	size_t sn = strlen(o->section);
	return strncmp(name, o->section, sn) == 0 && name[sn] == '/' &&
	       strcmp(name + sn + 1, o->key) == 0;
}

static const struct opt *opt_find(const char *section, const char *key)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(opts); i++)
		if (opt_is(&opts[i], section, key))
			return &opts[i];
	return NULL;
}

static const struct opt *successor(const struct opt *o)
{
	for (size_t i = 0; o->renamed && i < MR_ARRAY_LEN(opts); i++)
		if (opt_named(&opts[i], o->renamed))
			return &opts[i];
	return NULL;
}

static const struct opt *predecessor(const struct opt *o)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(opts); i++)
		if (opts[i].renamed && successor(&opts[i]) == o)
			return &opts[i];
	return NULL;
}

/* The newest name of the option, which identifies it. */
static const struct opt *newest_name(const struct opt *o)
{
	const struct opt *s;
	while ((s = successor(o)))
		o = s;
	return o;
}

/* The name release major reads the option under: newer names forward,
 * older ones back. Its since is above major if the release has none. */
static const struct opt *name_for(unsigned major, const struct opt *o)
{
	const struct opt *x;
	while ((x = successor(o)) && major >= x->since)
		o = x;
	while (major < o->since && (x = predecessor(o)))
		o = x;
	return o;
}

/* ---- planning ---- */

struct plan {
	unsigned major;
	struct mr_nova_edit *v;
	size_t n, cap;
	struct mr_error **err;
	int failed;
};

static void push(struct plan *pl, const char *section, const char *key, const char *value,
                 const struct mr_setting *origin, char *note, int deprecated)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 16;
		pl->v = mr_xreallocarray(pl->v, pl->cap, sizeof(*pl->v));
	}
	struct mr_nova_edit *e = &pl->v[pl->n++];
	e->section = mr_xstrdup(section);
	e->key = mr_xstrdup(key);
	e->value = value ? mr_xstrdup(value) : NULL;
	e->origin = origin;
	e->note = note;
	e->deprecated = deprecated;
	e->comment_re = NULL;
	for (size_t i = 0; value && i < MR_ARRAY_LEN(sample_defaults); i++)
		if (strcmp(key, sample_defaults[i].key) == 0)
			e->comment_re = mr_xasprintf("%s[ \t]*=[ \t]*%s", key,
			                             sample_defaults[i].sample);
	if (value && !e->comment_re)
		e->comment_re = mr_xasprintf("%s[ \t]*=.*", key);
	e->deflt = NULL;
	for (size_t i = 0; value && i < MR_ARRAY_LEN(defaults); i++)
		if (strcmp(section, defaults[i].section) == 0 && strcmp(key, defaults[i].key) == 0 &&
		    pl->major >= defaults[i].since)
			e->deflt = defaults[i].value;
}

static void fail_at(struct plan *pl, const struct mr_setting *s, const char *fmt, ...)
	MR_PRINTF(3, 4);

static void fail_at(struct plan *pl, const struct mr_setting *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = mr_xvasprintf(fmt, ap);
	va_end(ap);
	mr_error_at(pl->err, MR_ERR_INPUT, s ? &s->loc : NULL, "%s: %s", s ? s->key : "nova", m);
	free(m);
	pl->failed = 1;
}

/* "a; b" from two optional parts; takes both. */
static char *join_notes(char *a, char *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	char *j = mr_xasprintf("%s; %s", a, b);
	free(a);
	free(b);
	return j;
}

/* Writes section/key = value in the name the release reads, and removes
 * the option's other names that the release knows: an alias set beside
 * the real name would fight with it. Takes note. */
static void write_opt(struct plan *pl, const char *section, const char *key, const char *value,
                      const struct mr_setting *origin, char *note)
{
	char a[32], b[32];
	const struct opt *o = opt_find(section, key);
	if (!o) {
		push(pl, section, key, value, origin, note, 0);
		return;
	}
	const struct opt *r = name_for(pl->major, o);
	if (pl->major < r->since) {
		fail_at(pl, origin, "nova %s has no option '%s/%s'; it came in %s",
		        rel(pl->major, a), section, key, rel(r->since, b));
		free(note);
		return;
	}
	if (r->removed && pl->major >= r->removed) {
		fail_at(pl, origin, "nova %s no longer reads '%s/%s' (removed in %s)%s%s",
		        rel(pl->major, a), r->section, r->key, rel(r->removed, b),
		        r->instead ? "; use " : "", r->instead ? r->instead : "");
		free(note);
		return;
	}
	if (r != o)
		note = join_notes(note, mr_xasprintf("%s/%s -> %s/%s, the name nova %s reads",
		                                     o->section, o->key, r->section, r->key,
		                                     rel(pl->major, a)));
	int deprecated = r->deprecated && pl->major >= r->deprecated;
	if (deprecated)
		note = join_notes(note, mr_xasprintf("%s is deprecated since %s%s%s", r->key,
		                                     rel(r->deprecated, b),
		                                     r->instead ? " in favour of " : "",
		                                     r->instead ? r->instead : ""));
	push(pl, r->section, r->key, value, origin, note, deprecated);
	const struct opt *id = newest_name(r);
	for (size_t i = 0; i < MR_ARRAY_LEN(opts); i++) {
		const struct opt *x = &opts[i];
		if (x != r && x->since <= pl->major && newest_name(x) == id)
			push(pl, x->section, x->key, NULL, origin,
			     mr_xasprintf("%s/%s is an older name of %s/%s", x->section, x->key,
			                  r->section, r->key),
			     0);
	}
}

/* Removes section/key (a name the release knows) for the profile line s. */
static void remove_opt(struct plan *pl, const char *section, const char *key,
                       const struct mr_setting *s, char *note)
{
	const struct opt *o = opt_find(section, key);
	if (o && pl->major < o->since) {
		free(note);
		return;
	}
	push(pl, section, key, NULL, s, note, 0);
}

/* The items of a comma-separated list, trimmed; the caller frees each and
 * the array. */
char **mr_nova_split_list(const char *value, size_t *n)
{
	char **items = NULL;
	*n = 0;
	for (const char *p = value; p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len) {
			items = mr_xreallocarray(items, *n + 2, sizeof(*items));
			items[(*n)++] = mr_xstrndup(p, len);
			items[*n] = NULL;
		}
		p = comma ? comma + 1 : NULL;
	}
	return items;
}

static void free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* Why libvirt's map would refuse CPU model name, or NULL; the caller
 * frees it. */
static char *unknown_model(const struct mr_cpu_map *cpus, const char *name)
{
	if (mr_cpu_map_has(cpus, name))
		return NULL;
	const char **names = mr_xcalloc(cpus->n + 1, sizeof(*names));
	for (size_t i = 0; i < cpus->n; i++)
		names[i] = cpus->models[i].name;
	const char *best = mr_str_suggest(name, names, cpus->n);
	free(names);
	return mr_xasprintf("libvirt knows no CPU model '%s'%s%s%s", name,
	                    best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
}

int mr_nova_lint_cpu_models(const struct mr_profile *p, const struct mr_cpu_map *cpus,
                            struct mr_error **err)
{
	const struct mr_setting *model = mr_profile_get(p, "nova", "cpu_model");
	if (!model || !cpus)
		return 0;
	size_t n;
	char **items = mr_nova_split_list(model->value, &n);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		char *why = unknown_model(cpus, items[i]);
		if (why)
			mr_error_at(err, MR_ERR_INPUT, &model->loc, "%s: %s", model->key, why);
		r |= why ? -1 : 0;
		free(why);
	}
	free_list(items, n);
	return r;
}

static int in_list(char *const *items, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i], s) == 0)
			return 1;
	return 0;
}

/* items joined by ", ", leaving out skip (or NULL). */
static char *join_list(char *const *items, size_t n, const char *skip)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (skip && strcmp(items[i], skip) == 0)
			continue;
		mr_buf_printf(&b, "%s%s", b.len ? ", " : "", items[i]);
	}
	return mr_buf_steal(&b, NULL);
}

/* Up to Mitaka: the flags as they are, the block migration ones apart. */
static void plan_flags_listed(struct plan *pl, const struct mr_setting *s, char **items,
                              size_t n)
{
	static const char *const inc = "VIR_MIGRATE_NON_SHARED_INC";
	static const char *const tun = "VIR_MIGRATE_TUNNELLED";
	char a[32];
	/* Mitaka's live_migration_tunnelled, when set, adds or strips the
	 * flag: a value left in the file must not undo the list. */
	if (pl->major >= MITAKA) {
		int listed = in_list(items, n, tun);
		write_opt(pl, "libvirt", "live_migration_tunnelled", listed ? "true" : "false", s,
		          mr_xasprintf("%s %s live_migration_flag -> also live_migration_tunnelled "
		                       "= %s, which %s reads beside the flags", tun,
		                       listed ? "in" : "not in", listed ? "true" : "false",
		                       rel(pl->major, a)));
	}
	char *all = join_list(items, n, NULL);
	if (!in_list(items, n, inc)) {
		write_opt(pl, "libvirt", "live_migration_flag", all, s, NULL);
		free(all);
		return;
	}
	/* nova takes the flags of every live migration from the first, and
	 * those of a block migration from the second. */
	char *live = join_list(items, n, inc);
	if (*live)
		write_opt(pl, "libvirt", "live_migration_flag", live, s,
		          mr_xasprintf("without %s, which block_migration_flag carries", inc));
	write_opt(pl, "libvirt", "block_migration_flag", all, s,
	          mr_xasprintf("the flags with %s (block migration)", inc));
	free(live);
	free(all);
}

/* From Newton: each flag as its option, the rest left to nova. */
static void plan_flags_options(struct plan *pl, const struct mr_setting *s, char **items,
                               size_t n)
{
	char a[32];
	struct mr_buf nova_sets;
	mr_buf_init(&nova_sets);
	for (size_t i = 0; i < n; i++) {
		int known = 0;
		for (size_t j = 0; j < MR_ARRAY_LEN(flag_options); j++)
			known |= strcmp(items[i], flag_options[j].flag) == 0;
		for (size_t j = 0; j < MR_ARRAY_LEN(flags_nova_sets); j++) {
			if (strcmp(items[i], flags_nova_sets[j]) == 0) {
				mr_buf_printf(&nova_sets, "%s%s", nova_sets.len ? ", " : "",
				              items[i]);
				known = 1;
			}
		}
		if (!known)
			fail_at(pl, s, "nova %s has no option for '%s' and does not set it; "
			        "leave it out", rel(pl->major, a), items[i]);
	}
	for (size_t j = 0; j < MR_ARRAY_LEN(flag_options); j++) {
		const char *flag = flag_options[j].flag, *option = flag_options[j].option;
		int listed = in_list(items, n, flag);
		if (!listed && flag_options[j].only_when_listed)
			continue;
		const struct opt *o = opt_find("libvirt", option);
		/* false is the default; a deprecated option is better absent. */
		if (!listed && o->deprecated && pl->major >= o->deprecated) {
			remove_opt(pl, "libvirt", option, s,
			           mr_xasprintf("%s not in live_migration_flag: %s left at its "
			                        "default, false (deprecated since %s)", flag, option,
			                        rel(o->deprecated, a)));
			continue;
		}
		write_opt(pl, "libvirt", option, listed ? "true" : "false", s,
		          mr_xasprintf("%s %s live_migration_flag -> %s = %s", flag,
		                       listed ? "in" : "not in", option,
		                       listed ? "true" : "false"));
	}
	char b[32];
	remove_opt(pl, "libvirt", "live_migration_flag", s,
	           mr_xasprintf("live_migration_flag removed in %s%s%s%s", rel(NEWTON, b),
	                        nova_sets.len ? "; nova sets " : "",
	                        nova_sets.len ? nova_sets.data : "",
	                        nova_sets.len ? " itself" : ""));
	remove_opt(pl, "libvirt", "block_migration_flag", s,
	           mr_xasprintf("block_migration_flag removed in %s", rel(NEWTON, b)));
	mr_buf_fini(&nova_sets);
}

static void plan_flags(struct plan *pl, const struct mr_profile *p)
{
	const struct mr_setting *s = mr_profile_get(p, "nova", "live_migration_flag");
	if (!s)
		return;
	size_t n;
	char **items = mr_nova_split_list(s->value, &n);
	if (pl->major < NEWTON)
		plan_flags_listed(pl, s, items, n);
	else
		plan_flags_options(pl, s, items, n);
	free_list(items, n);
}

/* As nova-compute checks them when it starts (Train and later refuse to
 * start; older releases ignore a model they cannot use). */
static void plan_cpu(struct plan *pl, const struct mr_profile *p, const struct mr_cpu_map *cpus)
{
	char a[32], b[32];
	const struct mr_setting *mode = mr_profile_get(p, "nova", "cpu_mode");
	const struct mr_setting *model = mr_profile_get(p, "nova", "cpu_model");
	int custom = mode && strcmp(mode->value, "custom") == 0;
	if (mode)
		write_opt(pl, "libvirt", "cpu_mode", mode->value, mode, NULL);
	if (mode && !custom && !model) {
		/* A model left in the file beside such a mode stops nova. */
		remove_opt(pl, "libvirt", "cpu_models", mode,
		           mr_xasprintf("cpu_mode '%s' takes no CPU model", mode->value));
		remove_opt(pl, "libvirt", "cpu_model", mode,
		           mr_xasprintf("cpu_mode '%s' takes no CPU model", mode->value));
	}
	if (custom && !model)
		fail_at(pl, mode, "'custom' needs cpu_model");
	if (!model)
		return;
	if (!custom) {
		if (mode)
			fail_at(pl, model, "nova takes a CPU model only with cpu_mode = custom, not "
			        "'%s'", mode->value);
		else
			fail_at(pl, model, "nova takes a CPU model only with cpu_mode = custom "
			        "(unset, it picks host-model on kvm)");
		return;
	}
	size_t n;
	char **items = mr_nova_split_list(model->value, &n);
	if (n > 1 && pl->major < TRAIN)
		fail_at(pl, model, "nova %s reads one CPU model; a list needs %s or later",
		        rel(pl->major, a), rel(TRAIN, b));
	int bad = 0;
	for (size_t i = 0; cpus && i < n; i++) {
		char *why = unknown_model(cpus, items[i]);
		if (why)
			fail_at(pl, model, "%s", why);
		bad |= why != NULL;
		free(why);
	}
	if (!bad && !(n > 1 && pl->major < TRAIN)) {
		char *list = join_list(items, n, NULL);
		write_opt(pl, "libvirt", "cpu_model", list, model, NULL);
		free(list);
	}
	free_list(items, n);
}

/* oslo.config reads [DEFAULT] by that name and any other section in lower
 * case, and an option by its name with '_' for '-'. */
static char *norm_section(const char *s, size_t n)
{
	if (n == 7 && strncasecmp(s, "DEFAULT", 7) == 0)
		return mr_xstrdup("DEFAULT");
	char *r = mr_xstrndup(s, n);
	for (char *q = r; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return r;
}

static char *norm_key(const char *s, size_t n)
{
	char *r = mr_xstrndup(s, n);
	for (char *q = r; *q; q++)
		*q = *q == '-' ? '_' : (char)tolower((unsigned char)*q);
	return r;
}

/* "qemu+SCHEME://%s/system" names nothing but a scheme: nova builds the
 * same URI from live_migration_scheme and the target's address. */
static char *uri_scheme(const char *uri)
{
	if (strncmp(uri, "qemu+", 5) != 0)
		return NULL;
	size_t n = strspn(uri + 5, "abcdefghijklmnopqrstuvwxyz0123456789");
	if (n == 0 || strcmp(uri + 5 + n, "://%s/system") != 0)
		return NULL;
	return mr_xstrndup(uri + 5, n);
}

/* A set line's option, "SECTION/KEY VALUE": its section and key as nova
 * reads them, and where its value starts; -1 if it names none. */
static int set_option(const char *v, char **section, char **key, const char **value)
{
	const char *slash = strchr(v, '/');
	size_t optlen = strcspn(v, " \t");
	if (!slash || (size_t)(slash - v) >= optlen)
		return -1;
	*section = norm_section(v, (size_t)(slash - v));
	*key = norm_key(slash + 1, (size_t)(v + optlen - slash - 1));
	*value = v + optlen + strspn(v + optlen, " \t");
	return 0;
}

static void plan_set(struct plan *pl, const struct mr_setting *s)
{
	char a[32];
	char *section, *key;
	const char *value;
	if (set_option(s->value, &section, &key, &value) < 0) {
		fail_at(pl, s, "expected SECTION/KEY VALUE, got '%s'", s->value);
		return;
	}
	const struct opt *o = opt_find(section, key);
	const struct opt *uri = opt_find("libvirt", "live_migration_uri");
	char *scheme = NULL;
	const char *why = NULL;
	if (o && pl->major >= OCATA && newest_name(o) == uri && (scheme = uri_scheme(value))) {
		write_opt(pl, "libvirt", "live_migration_scheme", scheme, s,
		          mr_xasprintf("live_migration_uri '%s' -> live_migration_scheme (the URI "
		                       "is deprecated since %s); live_migration_inbound_addr, "
		                       "per host, picks the network", value, rel(OCATA, a)));
		why = "replaced by live_migration_scheme";
	} else {
		write_opt(pl, section, key, value, s, NULL);
		if (o && pl->major >= OCATA &&
		    newest_name(o) == opt_find("libvirt", "live_migration_scheme"))
			why = "nova takes the scheme from the URI while one is set, not from "
			      "live_migration_scheme";
	}
	/* Any name of the URI would override the scheme. */
	for (size_t i = 0; why && i < MR_ARRAY_LEN(opts); i++)
		if (newest_name(&opts[i]) == uri)
			remove_opt(pl, opts[i].section, opts[i].key, s, mr_xstrdup(why));
	free(scheme);
	free(section);
	free(key);
}

/* Options the release no longer reads, wherever they are: removed. */
static void plan_stale(struct plan *pl)
{
	char a[32];
	for (size_t i = 0; i < MR_ARRAY_LEN(opts); i++) {
		const struct opt *o = &opts[i];
		if (!o->removed || pl->major < o->removed)
			continue;
		const struct opt *now = name_for(pl->major, o);
		char *note;
		if (now != o && now->since <= pl->major &&
		    !(now->removed && pl->major >= now->removed))
			note = mr_xasprintf("removed in %s; nova reads %s/%s instead",
			                    rel(o->removed, a), now->section, now->key);
		else {
			const char *instead = o->instead ? o->instead : newest_name(o)->instead;
			note = mr_xasprintf("removed in %s%s%s", rel(o->removed, a),
			                    instead ? "; replaced by " : "", instead ? instead : "");
		}
		push(pl, o->section, o->key, NULL, NULL, note, 0);
	}
}

static void edit_fini(struct mr_nova_edit *e)
{
	free(e->section);
	free(e->key);
	free(e->value);
	free(e->note);
	free(e->comment_re);
}

static char *describe(const struct mr_nova_edit *e)
{
	char *what = e->value ? mr_xasprintf("set to '%s'", e->value) : mr_xstrdup("removed");
	if (!e->origin)
		return what;
	char *d = mr_xasprintf("%s by %s:%u", what, e->origin->loc.file, e->origin->loc.line);
	free(what);
	return d;
}

/* One edit per option: the same edit twice is kept once, two that
 * disagree are an error. */
static void merge(struct plan *pl)
{
	size_t out = 0;
	for (size_t j = 0; j < pl->n; j++) {
		struct mr_nova_edit *e = &pl->v[j];
		struct mr_nova_edit *same = NULL;
		for (size_t i = 0; i < out && !same; i++)
			if (strcmp(pl->v[i].section, e->section) == 0 &&
			    strcmp(pl->v[i].key, e->key) == 0)
				same = &pl->v[i];
		if (!same) {
			pl->v[out++] = *e;
			continue;
		}
		int agree = (!same->value && !e->value) ||
		            (same->value && e->value && strcmp(same->value, e->value) == 0);
		if (!agree) {
			char *x = describe(same), *y = describe(e);
			fail_at(pl, e->origin ? e->origin : same->origin, "'%s/%s' %s and %s",
			        e->section, e->key, x, y);
			free(x);
			free(y);
		}
		edit_fini(e);
	}
	pl->n = out;
}

int mr_nova_plan(unsigned major, const struct mr_profile *p, const struct mr_cpu_map *cpus,
                 struct mr_nova_edit **edits, size_t *n, struct mr_error **err)
{
	struct plan pl = { .major = major, .err = err };
	*edits = NULL;
	*n = 0;
	if (!known_range(major)) {
		range_error(err, MR_ERR_INPUT, NULL, "", major);
		return -1;
	}
	if (!mr_profile_has_section(p, "nova"))
		return 0;

	const struct mr_setting *s;
	if ((s = mr_profile_get(p, "nova", "instances_path")))
		write_opt(&pl, "DEFAULT", "instances_path", s->value, s, NULL);
	if ((s = mr_profile_get(p, "nova", "max_concurrent_live_migrations")))
		write_opt(&pl, "DEFAULT", "max_concurrent_live_migrations", s->value, s, NULL);
	plan_flags(&pl, p);
	plan_cpu(&pl, p, cpus);
	if ((s = mr_profile_get(p, "nova", "live_migration_bandwidth")))
		write_opt(&pl, "libvirt", "live_migration_bandwidth", s->value, s, NULL);
	size_t nset = 0;
	const struct mr_setting *const *sets = mr_profile_get_all(p, "nova", "set", &nset);
	for (size_t i = 0; i < nset; i++)
		plan_set(&pl, sets[i]);
	plan_stale(&pl);
	merge(&pl);

	if (pl.failed) {
		mr_nova_edits_free(pl.v, pl.n);
		return -1;
	}
	if (pl.n == 0) {
		free(pl.v);
		pl.v = NULL;
	}
	*edits = pl.v;
	*n = pl.n;
	return 0;
}

int mr_nova_same_option(unsigned major, const char *section, const char *key,
                        const char *e_section, const char *e_key)
{
	if (!strcmp(section, e_section) && !strcmp(key, e_key))
		return 1;
	const struct opt *o = opt_find(section, key), *e = opt_find(e_section, e_key);
	if (!o || !e || newest_name(o) != newest_name(e))
		return 0;
	return o->since <= major && (!o->removed || major < o->removed);
}

int mr_nova_removes(const struct mr_profile *p, unsigned major, const char *section,
                    const char *key)
{
	struct mr_nova_edit *edits = NULL;
	struct mr_error *err = NULL;
	size_t n = 0;
	int removes = 0, sets = 0;
	if (mr_nova_plan(major, p, NULL, &edits, &n, &err) == 0)
		for (size_t i = 0; i < n; i++)
			if (mr_nova_same_option(major, section, key, edits[i].section, edits[i].key)) {
				sets |= edits[i].value != NULL;
				removes |= !edits[i].value && edits[i].origin;
			}
	mr_nova_edits_free(edits, n);
	mr_error_free(err);
	return removes && !sets;
}

int mr_nova_watched(const struct mr_profile *p)
{
	return mr_profile_has_section(p, "nova") || mr_profile_has_section(p, "libvirtd") ||
	       mr_profile_has_section(p, "nfs") || mr_profile_has_section(p, "ssh");
}

char *mr_nova_watch_keys(const struct mr_profile *p)
{
	if (!mr_nova_watched(p))
		return NULL;
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < MR_ARRAY_LEN(opts); i++)
		mr_buf_printf(&b, "%s%s/%s", b.len ? " " : "", opts[i].section, opts[i].key);
	/* a value nova refuses stops it, whoever wrote it */
	for (size_t i = 0; i < MR_ARRAY_LEN(defaults); i++)
		if (defaults[i].kind != V_ANY && !opt_find(defaults[i].section, defaults[i].key))
			mr_buf_printf(&b, " %s/%s", defaults[i].section, defaults[i].key);
	size_t nset = 0;
	const struct mr_setting *const *sets = mr_profile_get_all(p, "nova", "set", &nset);
	for (size_t i = 0; i < nset; i++) {
		char *section, *key;
		const char *value;
		if (set_option(sets[i]->value, &section, &key, &value) < 0)
			continue;
		mr_buf_printf(&b, " %s/%s", section, key);
		free(section);
		free(key);
	}
	return mr_buf_steal(&b, NULL);
}

int mr_nova_transport_known(const char *t)
{
	static const char *const known[] = { "tcp", "tls", "unix", "ssh", "libssh2", "libssh", "ext" };
	for (size_t i = 0; i < MR_ARRAY_LEN(known); i++)
		if (!strcmp(t, known[i]))
			return 1;
	return 0;
}

/* One %s, and no other conversion of Python's % operator (%% is a %). */
static int one_dest(const char *uri)
{
	int n = 0;
	for (const char *p = strchr(uri, '%'); p; p = strchr(p + 2, '%')) {
		if (p[1] == '%')
			continue;
		if (p[1] != 's')
			return 0;
		n++;
	}
	return n == 1;
}

int mr_nova_uri_transport(const char *uri, char **transport, long *port)
{
	const char *sep = strstr(uri, "://");
	size_t driver = strspn(uri, "abcdefghijklmnopqrstuvwxyz0123456789");
	if (!sep || driver == 0)
		return -1;
	const char *plus = uri + driver;
	size_t tn = 0;
	if (*plus == '+') {
		tn = strspn(plus + 1, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (tn == 0 || plus + 1 + tn != sep)
			return -1;
	} else if (plus != sep) {
		return -1;
	}
	/* the authority: [user@]host[:port], host "%s", "[%s]" or a name */
	const char *auth = sep + 3;
	size_t an = strcspn(auth, "/?");
	const char *at = memchr(auth, '@', an);
	if (at) {
		an -= (size_t)(at + 1 - auth);
		auth = at + 1;
	}
	const char *close = an && auth[0] == '[' ? memchr(auth, ']', an) : NULL;
	const char *colon = NULL;
	for (const char *q = close ? close : auth; q < auth + an; q++)
		if (*q == ':')
			colon = q;
	long p = 0;
	if (colon) {
		size_t dn = (size_t)(auth + an - colon - 1);
		if (dn == 0 || dn > 5 || strspn(colon + 1, "0123456789") < dn)
			return -1;
		p = strtol(colon + 1, NULL, 10);
		if (p < 1 || p > 65535)
			return -1;
	}
	/* libvirt's remote driver: TLS unless the URI names a transport, and
	 * no network at all without a host */
	if (tn)
		*transport = mr_xstrndup(plus + 1, tn);
	else
		*transport = mr_xstrdup(an ? "tls" : "unix");
	*port = p;
	if (!one_dest(uri))
		return MR_NOVA_URI_NO_DEST;
	return mr_nova_transport_known(*transport) ? 0 : MR_NOVA_URI_TRANSPORT;
}

const char *mr_nova_set_value(const struct mr_profile *p, unsigned major, const char *section,
                              const char *key, const struct mr_setting **origin)
{
	size_t nset = 0;
	const struct mr_setting *const *sets = mr_profile_get_all(p, "nova", "set", &nset);
	const char *found = NULL;
	for (size_t i = 0; i < nset; i++) {
		char *s_section, *s_key;
		const char *value;
		if (set_option(sets[i]->value, &s_section, &s_key, &value) < 0)
			continue;
		if (mr_nova_same_option(major, s_section, s_key, section, key)) {
			found = value;
			*origin = sets[i];
		}
		free(s_section);
		free(s_key);
	}
	return found;
}

void mr_nova_edits_free(struct mr_nova_edit *edits, size_t n)
{
	if (!edits)
		return;
	for (size_t i = 0; i < n; i++)
		edit_fini(&edits[i]);
	free(edits);
}

char *mr_nova_unquote(const char *have)
{
	size_t n = strlen(have);
	return n >= 2 && (have[0] == '"' || have[0] == '\'') && have[n - 1] == have[0]
	               ? mr_xstrndup(have + 1, n - 2)
	               : mr_xstrdup(have);
}

/* A boolean as oslo.config reads it, any case: 1, 0, or -1 for none. */
static int oslo_bool(const char *v)
{
	static const char *const yes[] = { "true", "1", "on", "yes" };
	static const char *const no[] = { "false", "0", "off", "no" };
	for (size_t i = 0; i < MR_ARRAY_LEN(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

/* For a boolean (the table writes true or false) any spelling of it. */
static int oslo_same(const char *have, const char *want)
{
	char *v = mr_nova_unquote(have);
	int same = !strcmp(v, want);
	if (!same && (!strcmp(want, "true") || !strcmp(want, "false")))
		same = oslo_bool(v) == !strcmp(want, "true");
	free(v);
	return same;
}

int mr_nova_declared(size_t i, unsigned major, const char **section, const char **key)
{
	if (i >= MR_ARRAY_LEN(defaults))
		return -1;
	*section = defaults[i].section;
	*key = defaults[i].key;
	return defaults[i].kind != V_ANY && major >= defaults[i].since ? 0 : 1;
}

int mr_nova_unproven(size_t i, unsigned major, const char **section, const char **key,
                     char **why)
{
	char a[32], b[32], c[32];
	if (i >= MR_ARRAY_LEN(unproven))
		return -1;
	*section = unproven[i].section;
	*key = unproven[i].key;
	*why = NULL;
	if (major <= unproven[i].read_until || major >= unproven[i].gone_from)
		return 1;
	*why = mr_xasprintf("nova reads [%s] %s up to %s at least and no longer from %s (%s); "
	                    "whether nova %s still does is not established, so it is kept",
	                    unproven[i].section, unproven[i].key, rel(unproven[i].read_until, a),
	                    rel(unproven[i].gone_from, c), unproven[i].where, rel(major, b));
	return 0;
}

/* oslo.config's host name: dot-separated labels of 1 to 63 letters,
 * digits and hyphens (and _ for a domain name: HostDomainOpt), none at a
 * label's ends; a final dot; 253 in all, that dot counted (types.py
 * measures the name before it drops the dot); a last label not all
 * digits. */
static int host_name(const char *v, int domain)
{
	size_t n = strlen(v);
	if (n > 253)
		return 0;
	if (n && v[n - 1] == '.')
		n--;
	if (n == 0)
		return 0;
	for (size_t i = 0; i <= n;) {
		size_t l = strspn(v + i, domain ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                                  "0123456789-_"
		                                : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                                  "0123456789-");
		if (l == 0 || l > 63 || v[i] == '-' || v[i + l - 1] == '-' ||
		    (i + l < n && v[i + l] != '.'))
			return 0;
		/* oslo.config: the last label needs a letter or a hyphen */
		if (i + l >= n && strspn(v + i, "0123456789_") >= l)
			return 0;
		i += l + 1;
	}
	return 1;
}

/* Whether oslo.config's HostAddressOpt takes v: an IPv4 or IPv6 address
 * (no brackets) or a host name. */
static int host_address(const char *v)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1 ||
	       host_name(v, 0);
}

/* The oslo.config type an address option has at release at. */
static const char *host_type(const struct bound *bd, unsigned at)
{
	return bd->domain && at >= bd->domain ? "HostDomainOpt" : "HostAddressOpt";
}

/* mr_nova_value_verdict for an address option (V_HOST) of defaults[i]:
 * v judged, value as shown (quoted, and what oslo.config substitutes). */
static enum mr_nova_verdict host_verdict(size_t i, const char *value, const char *v,
                                         int substituted, unsigned major, char **why)
{
	char a[32], b[32], c[32];
	const struct bound *bd = defaults[i].bound;
	const char *section = defaults[i].section, *key = defaults[i].key;
	/* a $NAME not substituted is only known once oslo.config does; an
	 * empty value is no address (oslo.config refuses it) */
	if ((!substituted && strchr(v, '$')) || host_address(v) || (major && major <= bd->plain))
		return MR_NOVA_TAKES;
	/* a name with a _: a HostDomainOpt takes it, a HostAddressOpt not
	 * (where none was seen before the HostDomainOpt, taken) */
	if (bd->domain && host_name(v, 1)) {
		if (!major || major >= bd->domain || bd->since >= bd->domain)
			return MR_NOVA_TAKES;
		*why = mr_xasprintf("whether nova %s takes [%s] %s = %s is not established: %s "
		                    "declares a host name with _ (HostDomainOpt) from %s on, one "
		                    "without before",
		                    rel(major, a), section, key, value, defaults[i].where,
		                    rel(bd->domain, b));
		return MR_NOVA_UNKNOWN;
	}
	const char *type = host_type(bd, major ? major : bd->since);
	if (major && major < bd->since) {
		*why = mr_xasprintf("whether nova %s refuses [%s] %s = %s is not established: %s "
		                    "declares an IP address or a host name (%s) from %s on%s%s%s",
		                    rel(major, a), section, key, value, defaults[i].where,
		                    host_type(bd, bd->since),
		                    rel(bd->since, b), bd->plain ? ", and " : "",
		                    bd->plain ? rel(bd->plain, c) : "", bd->plain ? " uses it" : "");
		return MR_NOVA_UNKNOWN;
	}
	if (major)
		*why = mr_xasprintf("nova %s refuses [%s] %s = %s: not an IP address or a host "
		                    "name, and nova-compute refuses it (%s, %s)",
		                    rel(major, a), section, key, value, type, defaults[i].where);
	else
		*why = mr_xasprintf("nova refuses [%s] %s = %s from %s on: not an IP address or a "
		                    "host name, and nova-compute refuses it (%s, %s); "
		                    "before, %s",
		                    section, key, value, rel(bd->since, a), type, defaults[i].where,
		                    bd->plain ? "it uses it" : "not established");
	return MR_NOVA_REFUSES;
}

enum mr_nova_verdict mr_nova_value_verdict(const char *section, const char *key,
                                           const char *value, unsigned major, char **why)
{
	return mr_nova_value_verdict_as(section, key, value, NULL, major, why);
}

enum mr_nova_verdict mr_nova_value_verdict_as(const char *section, const char *key,
                                              const char *written, const char *as,
                                              unsigned major, char **why)
{
	char a[32], b[32], c[32];
	size_t i = 0;
	*why = NULL;
	while (i < MR_ARRAY_LEN(defaults) &&
	       (strcmp(defaults[i].section, section) || strcmp(defaults[i].key, key)))
		i++;
	if (i == MR_ARRAY_LEN(defaults) || defaults[i].kind == V_ANY)
		return MR_NOVA_TAKES;
	const struct bound *bd = defaults[i].bound;
	/* oslo.config converts the value once it has substituted it */
	char *v = as ? mr_xstrdup(as) : mr_nova_unquote(written);
	char *shown = mr_nova_shown(written);
	char *value = as ? mr_xasprintf("%s (substituted: '%s')", shown, as) : mr_xstrdup(shown);
	free(shown);
	if (defaults[i].kind == V_HOST) {
		enum mr_nova_verdict h = host_verdict(i, value, v, as != NULL, major, why);
		free(value);
		free(v);
		return h;
	}
	char *takes = NULL, *before = NULL;
	const char *p = v + strspn(v, " \t");
	enum mr_nova_verdict r = MR_NOVA_REFUSES;
	if (defaults[i].kind == V_BOOL && oslo_bool(v) < 0) {
		takes = mr_xstrdup("true or false");
	} else if (defaults[i].kind == V_CHOICE) {
		int found = 0;
		for (const char *const *ch = defaults[i].choices; *ch; ch++)
			found |= !strcmp(v, *ch);
		if (!found) {
			struct mr_buf buf;
			mr_buf_init(&buf);
			for (const char *const *ch = defaults[i].choices; *ch; ch++)
				mr_buf_printf(&buf, "%s'%s'", buf.len ? " or " : "", *ch);
			mr_buf_printf(&buf, " (case matters)");
			takes = mr_buf_steal(&buf, NULL);
		}
	} else if (defaults[i].kind == V_INT && *p) { /* empty: unset */
		char *end;
		errno = 0;
		long n = strtol(p, &end, 10);
		end += strspn(end, " \t");
		if (*end || errno || !(isdigit((unsigned char)*p) || strchr("+-", *p)))
			takes = mr_xstrdup("a whole number");
		else if (bd && major && major <= bd->plain) {
			if (n < bd->floor && bd->then) {
				takes = mr_xasprintf("at least %ld", bd->min);
				r = MR_NOVA_ADJUSTS;
			}
		} else if (bd && n < bd->min) {
			takes = mr_xasprintf("at least %ld", bd->min);
			if (!major) /* the release is not known: from when, and before */
				before = mr_xasprintf(" from %s on", rel(bd->since, a));
			else if (major < bd->since)
				r = MR_NOVA_UNKNOWN;
		}
	}
	if (!takes)
		r = MR_NOVA_TAKES;
	if (r == MR_NOVA_REFUSES && major)
		*why = mr_xasprintf("nova %s refuses [%s] %s = %s: it takes %s (%s)", rel(major, a),
		                    section, key, value, takes, defaults[i].where);
	else if (r == MR_NOVA_REFUSES)
		*why = mr_xasprintf("nova refuses [%s] %s = %s%s: it takes %s (%s)%s%s", section,
		                    key, value, before ? before : "", takes, defaults[i].where,
		                    before ? "; before, it " : "",
		                    before ? (bd->then ? bd->then : "uses it") : "");
	else if (r == MR_NOVA_ADJUSTS)
		*why = mr_xasprintf("nova %s takes [%s] %s = %s but %s; from %s on it refuses "
		                    "less than %ld (%s)",
		                    rel(major, a), section, key, value, bd->then, rel(bd->since, b),
		                    bd->min, defaults[i].where);
	else if (r == MR_NOVA_UNKNOWN)
		*why = mr_xasprintf("whether nova %s refuses [%s] %s = %s is not established: %s "
		                    "declares at least %ld from %s on, and %s %s",
		                    rel(major, a), section, key, value, defaults[i].where, bd->min,
		                    rel(bd->since, b), rel(bd->plain, c),
		                    bd->then ? bd->then : "uses it");
	free(takes);
	free(before);
	free(value);
	free(v);
	return r;
}

char *mr_nova_shown(const char *written)
{
	char *bare = mr_nova_unquote(written);
	int quoted = strcmp(bare, written) != 0;
	free(bare);
	return quoted ? mr_xstrdup(written) : mr_xasprintf("'%s'", written);
}

/* Whether oslo.config substitutes something in value: a $NAME or ${NAME}
 * not escaped ($$, \$). */
static int substitutes(const char *value)
{
	for (const char *d = strchr(value, '$'); d; d = strchr(d + 1, '$')) {
		if (d > value && d[-1] == '\\')
			continue;
		if (d[1] == '$') {
			d++;
			continue;
		}
		/* string.Template matches a name in either case */
		const char *name = d + 1 + (d[1] == '{');
		if (*name == '_' || isalpha((unsigned char)*name))
			return 1;
	}
	return 0;
}

char *mr_nova_value_refused(const char *section, const char *key, const char *value)
{
	char *why;
	/* what it stands for is the host's files': check judges it there */
	if (substitutes(value))
		return NULL;
	if (mr_nova_value_verdict(section, key, value, 0, &why) != MR_NOVA_REFUSES) {
		free(why);
		return NULL;
	}
	return why;
}

int mr_nova_reads(unsigned major, const char *section, const char *key)
{
	const struct opt *o = opt_find(section, key);
	return o && major >= o->since && !(o->removed && major >= o->removed);
}

int mr_nova_known(const char *section, const char *key)
{
	if (opt_find(section, key))
		return 1;
	for (size_t i = 0; i < MR_ARRAY_LEN(defaults); i++)
		if (!strcmp(defaults[i].section, section) && !strcmp(defaults[i].key, key))
			return 1;
	return 0;
}

void mr_nova_edit_op(const struct mr_nova_edit *e, struct mr_aug_op *op)
{
	memset(op, 0, sizeof(*op));
	op->kind = e->value ? MR_AUG_SET : MR_AUG_RM;
	op->section = e->section;
	op->key = e->key;
	op->value = e->value;
	op->fmt = MR_FMT_RAW;
	op->comment_re = e->comment_re;
	op->deflt = e->deflt;
	op->same = oslo_same;
	/* every option of the two tables is a single value (none is a
	 * MultiStrOpt): repeated lines of one are dead copies but the last */
	op->single_valued = mr_nova_known(e->section, e->key);
}
