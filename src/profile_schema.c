/* The profile schema (migready.profile(5)) and the checkers of each value
 * type. Messages leave out the key's name, which the caller puts in front:
 * "auth_tcp: expected none or sasl, got 'nope'". */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "firewalld_conf.h"
#include "ini_lines.h"
#include "nova.h"
#include "profile.h"
#include "profile_priv.h"

static const char *const w_auth[] = { "none", "sasl", NULL };
static const char *const w_listener[] = { "auto", "legacy", "socket", "modular", NULL };
static const char *const w_security[] = { "none", "selinux", "apparmor", NULL };
static const char *const w_cpu_mode[] = { "none", "host-model", "host-passthrough", "custom",
	                                  NULL };
static const char *const w_role[] = { "server", "client", "both", "none", NULL };
static const char *const w_known_hosts[] = { "cluster", "off", NULL };
static const char *const w_backend[] = { "auto", "iptables", "firewalld", "ufw", "nftables",
	                                 NULL };

#define INT_MAX_L 2147483647L

const struct mr_schema_key mr_schema[] = {
	{ "libvirtd", "listen_tcp", MR_PT_BOOL, 0, NULL, 0, 0 },
	{ "libvirtd", "listen_tls", MR_PT_BOOL, 0, NULL, 0, 0 },
	{ "libvirtd", "auth_tcp", MR_PT_ENUM,  MR_SK_QUOTED, w_auth, 0, 0 },
	{ "libvirtd", "tcp_port", MR_PT_PORT,  MR_SK_QUOTED, NULL, 0, 0 },
	{ "libvirtd", "tls_port", MR_PT_PORT,  MR_SK_QUOTED, NULL, 0, 0 },
	{ "libvirtd", "listener", MR_PT_ENUM, 0, w_listener, 0, 0 },
	{ "libvirtd", "explicit", MR_PT_BOOL, 0, NULL, 0, 0 },

	{ "qemu", "explicit", MR_PT_BOOL, 0, NULL, 0, 0 },
	{ "qemu", "dynamic_ownership", MR_PT_BOOL, 0, NULL, 0, 0 },
	{ "qemu", "security_driver", MR_PT_ENUM,  MR_SK_QUOTED, w_security, 0, 0 },
	{ "qemu", "user", MR_PT_NAME,  MR_SK_QUOTED, NULL, 0, 0 },
	{ "qemu", "group", MR_PT_NAME,  MR_SK_QUOTED, NULL, 0, 0 },
	{ "qemu", "migration_port_min", MR_PT_PORT, 0, NULL, 0, 0 },
	{ "qemu", "migration_port_max", MR_PT_PORT, 0, NULL, 0, 0 },

	{ "nova", "release", MR_PT_NOVA_RELEASE, 0, NULL, 0, 0 },
	{ "nova", "instances_path", MR_PT_ABS_PATH, 0, NULL, 0, 0 },
	{ "nova", "live_migration_flag", MR_PT_MIGRATE_FLAGS, 0, NULL, 0, 0 },
	{ "nova", "cpu_mode", MR_PT_ENUM, 0, w_cpu_mode, 0, 0 },
	{ "nova", "cpu_model", MR_PT_CPU_MODELS, 0, NULL, 0, 0 },
	{ "nova", "live_migration_bandwidth", MR_PT_INT, 0, NULL, 0, INT_MAX_L },
	{ "nova", "max_concurrent_live_migrations", MR_PT_INT, 0, NULL, 0, 1000 },
	{ "nova", "set", MR_PT_NOVA_SET, MR_SK_LIST, NULL, 0, 0 },

	{ "nfs", "role", MR_PT_ENUM, 0, w_role, 0, 0 },
	{ "nfs", "export", MR_PT_NFS_EXPORT, MR_SK_LIST, NULL, 0, 0 },
	{ "nfs", "mount", MR_PT_MOUNT, MR_SK_LIST, NULL, 0, 0 },
	{ "nfs", "force_mount", MR_PT_BOOL, 0, NULL, 0, 0 },

	{ "ssh", "user", MR_PT_NAME, 0, NULL, 0, 0 },
	{ "ssh", "shell", MR_PT_ABS_PATH, 0, NULL, 0, 0 },
	{ "ssh", "keypair", MR_PT_PATH, 0, NULL, 0, 0 },
	{ "ssh", "replace_key", MR_PT_KEY_FP, MR_SK_LIST, NULL, 0, 0 },
	{ "ssh", "authorized_key", MR_PT_SSH_KEY, MR_SK_LIST, NULL, 0, 0 },
	{ "ssh", "known_hosts", MR_PT_ENUM, 0, w_known_hosts, 0, 0 },
	{ "ssh", "exclusive", MR_PT_BOOL, 0, NULL, 0, 0 },

	{ "multipath", "user_friendly_names", MR_PT_BOOL, 0, NULL, 0, 0 },

	{ "firewall", "backend", MR_PT_ENUM, 0, w_backend, 0, 0 },
	{ "firewall", "allow", MR_PT_PORT_PROTO, MR_SK_LIST, NULL, 0, 0 },
	{ "firewall", "source", MR_PT_CIDR, MR_SK_LIST, NULL, 0, 0 },
	{ "firewall", "zone", MR_PT_FW_ZONE, 0, NULL, 0, 0 },

	{ "migready", "backup_keep_days", MR_PT_INT, 0, NULL, 0, 36500 },
	{ "migready", "backup_keep_runs", MR_PT_INT, 0, NULL, 0, 100000 },

	{ "file", "lens", MR_PT_LENS, 0, NULL, 0, 0 },
	{ "file", "set", MR_PT_AUG_SET, MR_SK_LIST, NULL, 0, 0 },
	{ "file", "rm", MR_PT_AUG_PATH, MR_SK_LIST, NULL, 0, 0 },
};
const size_t mr_schema_len = MR_ARRAY_LEN(mr_schema);

static const char *const sections[] = {
	"libvirtd", "qemu", "nova", "nfs", "ssh", "multipath", "firewall", "file", "migready",
};

/* Nova releases in order; the index + 1 is the major version (liberty, the
 * first with semantic versions, was 12.0.0). */
static const char *const nova_releases[] = {
	"austin", "bexar", "cactus", "diablo", "essex", "folsom", "grizzly", "havana",
	"icehouse", "juno", "kilo", "liberty", "mitaka", "newton", "ocata", "pike",
	"queens", "rocky", "stein", "train", "ussuri", "victoria", "wallaby", "xena",
	"yoga", "zed", "antelope", "bobcat", "caracal", "dalmatian", "epoxy", "flamingo",
	"gazpacho",
};

/* libvirt's virDomainMigrateFlags. */
static const char *const migrate_flags[] = {
	"VIR_MIGRATE_LIVE", "VIR_MIGRATE_PEER2PEER", "VIR_MIGRATE_TUNNELLED",
	"VIR_MIGRATE_PERSIST_DEST", "VIR_MIGRATE_UNDEFINE_SOURCE", "VIR_MIGRATE_PAUSED",
	"VIR_MIGRATE_NON_SHARED_DISK", "VIR_MIGRATE_NON_SHARED_INC",
	"VIR_MIGRATE_CHANGE_PROTECTION", "VIR_MIGRATE_UNSAFE", "VIR_MIGRATE_OFFLINE",
	"VIR_MIGRATE_COMPRESSED", "VIR_MIGRATE_ABORT_ON_ERROR", "VIR_MIGRATE_AUTO_CONVERGE",
	"VIR_MIGRATE_RDMA_PIN_ALL", "VIR_MIGRATE_POSTCOPY", "VIR_MIGRATE_TLS",
	"VIR_MIGRATE_PARALLEL", "VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES",
	"VIR_MIGRATE_POSTCOPY_RESUME", "VIR_MIGRATE_ZEROCOPY",
};

static const char *const ssh_key_types[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"ssh-rsa", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
};

/* nova.conf options that a key of [nova] manages: "set" may not touch them,
 * or two lines would fight over one option. */
static const struct {
	const char *option;
	const char *key;
} nova_managed[] = {
	{ "default/instances_path", "instances_path" },
	{ "default/max_concurrent_live_migrations", "max_concurrent_live_migrations" },
	{ "libvirt/live_migration_flag", "live_migration_flag" },
	{ "libvirt/block_migration_flag", "live_migration_flag" },
	{ "libvirt/live_migration_tunnelled", "live_migration_flag" },
	{ "libvirt/live_migration_permit_post_copy", "live_migration_flag" },
	{ "libvirt/live_migration_permit_auto_converge", "live_migration_flag" },
	{ "libvirt/cpu_mode", "cpu_mode" },
	{ "libvirt/cpu_model", "cpu_model" },
	{ "libvirt/cpu_models", "cpu_model" },
	{ "libvirt/live_migration_bandwidth", "live_migration_bandwidth" },
};

const char *const *mr_schema_sections(size_t *n)
{
	*n = MR_ARRAY_LEN(sections);
	return sections;
}

const char *mr_schema_class(const char *section)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(sections); i++) {
		if (strcmp(section, sections[i]) == 0)
			return strcmp(section, "file") == 0 ? NULL : sections[i];
	}
	if (strncmp(section, "file ", 5) == 0)
		return "file";
	return NULL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int has_blank(const char *s)
{
	return strchr(s, ' ') || strchr(s, '\t');
}

/* An absolute path without blanks, "." or ".." components. */
static int good_abs_path(const char *s)
{
	if (s[0] != '/' || has_blank(s))
		return 0;
	for (const char *p = s; (p = strchr(p, '/')); p++) {
		if (strcmp(p, "/.") == 0 || strncmp(p, "/./", 3) == 0 || strcmp(p, "/..") == 0 ||
		    strncmp(p, "/../", 4) == 0)
			return 0;
	}
	return 1;
}

/* A good_abs_path the profile compares as text (a mount point, an
 * export, nova's instances_path) has one spelling only: no '//' and no
 * trailing '/'. */
static int one_spelling(const char *s)
{
	size_t n = strlen(s);
	return !strstr(s, "//") && (n == 1 || s[n - 1] != '/');
}

#define CANONICAL "without '//' or a trailing '/'"

int mr_schema_check_section(const char *section, char **msg)
{
	*msg = NULL;
	if (strcmp(section, "file") == 0) {
		*msg = mr_xstrdup("[file] needs the file's path: [file /etc/NAME]");
		return -1;
	}
	if (strncmp(section, "file ", 5) == 0) {
		const char *path = section + 5;
		if (mr_str_utf8_invalid(path, strlen(path)) >= 0) {
			*msg = mr_xstrdup("[file PATH]: invalid UTF-8 in the path");
			return -1;
		}
		if (!good_abs_path(path)) {
			char *q = mr_ini_quote(path);
			*msg = mr_xasprintf("[file PATH]: expected an absolute path, got %s", q);
			free(q);
			return -1;
		}
		/* a run keeps a file's backup at backups/RUN/PATH, beside its
		 * MANIFEST: /MANIFEST's would be overwritten by it */
		if (!strcmp(path, "/MANIFEST") || !strcmp(path, "/var/lib/migready") ||
		    mr_str_startswith(path, "/var/lib/migready/")) {
			*msg = mr_xasprintf("[file %s]: %s", path,
			                    strcmp(path, "/MANIFEST")
			                        ? "migready's own state (its lock, backups and owed "
			                          "restarts) is not a file to manage"
			                        : "its backup would be overwritten by the run's MANIFEST "
			                          "(backups/RUN/MANIFEST); not managed");
			return -1;
		}
		return 0;
	}
	if (mr_schema_class(section))
		return 0;

	/* Compare the first word only, so that "[files /etc/x]" suggests
	 * "[file /etc/x]". */
	const char *sp = strchr(section, ' ');
	char *word = sp ? mr_xstrndup(section, (size_t)(sp - section)) : mr_xstrdup(section);
	const char *best = mr_str_suggest(word, sections, MR_ARRAY_LEN(sections));
	free(word);
	if (best && strcmp(best, "file") == 0 && !sp)
		best = NULL;
	if (best && sp && strcmp(best, "file") != 0)
		best = NULL;
	if (best)
		*msg = mr_xasprintf("unknown section [%s]; did you mean [%s%s]?", section, best,
		                    sp ? sp : "");
	else
		*msg = mr_xasprintf("unknown section [%s]", section);
	return -1;
}

const struct mr_schema_key *mr_schema_find(const char *section, const char *key)
{
	const char *cls = mr_schema_class(section);
	if (!cls)
		return NULL;
	for (size_t i = 0; i < mr_schema_len; i++) {
		if (strcmp(mr_schema[i].section, cls) == 0 && strcmp(mr_schema[i].key, key) == 0)
			return &mr_schema[i];
	}
	return NULL;
}

char *mr_schema_unknown_key(const char *section, const char *key)
{
	const char *cls = mr_schema_class(section);
	const char *cands[32];
	size_t n = 0;
	for (size_t i = 0; cls && i < mr_schema_len && n < MR_ARRAY_LEN(cands); i++) {
		if (strcmp(mr_schema[i].section, cls) == 0)
			cands[n++] = mr_schema[i].key;
	}
	const char *best = mr_str_suggest(key, cands, n);
	if (best)
		return mr_xasprintf("unknown key '%s' in [%s]; did you mean '%s'?", key, section,
		                    best);
	return mr_xasprintf("unknown key '%s' in [%s]", key, section);
}

/* ---- value checkers: each returns NULL when good, else the message ---- */

static char *expected(const char *what, const char *value)
{
	char *q = mr_ini_quote(value);
	char *m = mr_xasprintf("expected %s, got %s", what, q);
	free(q);
	return m;
}

int mr_parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "1", "on" };
	static const char *const no[] = { "no", "false", "0", "off" };
	for (size_t i = 0; i < MR_ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* A decimal integer, optionally negative, that fits a long. */
static int parse_long(const char *s, long *out)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
	}
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno)
		return -1;
	*out = v;
	return 0;
}

/* The canonical decimal spelling of an integer the checks accepted:
 * "016509" -> "16509", "-0" -> "0"; NULL when value is already canonical.
 * Leading zeros never mean octal here. */
static char *canonical_int(const char *value)
{
	long v = strtol(value, NULL, 10);
	char *c = mr_xasprintf("%ld", v);
	if (strcmp(c, value) == 0) {
		free(c);
		return NULL;
	}
	return c;
}

static char *check_enum(const char *const *words, const char *value)
{
	for (size_t i = 0; words[i]; i++) {
		if (strcmp(value, words[i]) == 0)
			return NULL;
	}
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; words[i]; i++) {
		if (i)
			mr_buf_puts(&b, words[i + 1] ? ", " : " or ");
		mr_buf_puts(&b, words[i]);
	}
	char *m = expected(b.data, value);
	mr_buf_fini(&b);
	return m;
}

static char *check_int(const char *value, long min, long max)
{
	long v;
	if (parse_long(value, &v) < 0 || v < min || v > max) {
		char *what = mr_xasprintf("an integer from %ld to %ld", min, max);
		char *m = expected(what, value);
		free(what);
		return m;
	}
	return NULL;
}

static int parse_port(const char *s, size_t n, long *out)
{
	char buf[16];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '-' || parse_long(buf, out) < 0)
		return -1;
	return 0;
}

static char *check_port(const char *value)
{
	long v;
	if (parse_port(value, strlen(value), &v) < 0 || v < 1 || v > 65535)
		return expected("a port number (1-65535)", value);
	return NULL;
}

static char *check_port_proto(const char *value)
{
	const char *slash = strchr(value, '/');
	if (!slash || (strcmp(slash + 1, "tcp") != 0 && strcmp(slash + 1, "udp") != 0))
		return expected("PORT[-PORT]/tcp or PORT[-PORT]/udp", value);
	const char *dash = memchr(value, '-', (size_t)(slash - value));
	long lo, hi;
	if (dash) {
		if (parse_port(value, (size_t)(dash - value), &lo) < 0 ||
		    parse_port(dash + 1, (size_t)(slash - dash - 1), &hi) < 0)
			return expected("PORT[-PORT]/tcp or PORT[-PORT]/udp", value);
	} else {
		if (parse_port(value, (size_t)(slash - value), &lo) < 0)
			return expected("PORT[-PORT]/tcp or PORT[-PORT]/udp", value);
		hi = lo;
	}
	if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535)
		return expected("ports from 1 to 65535", value);
	if (lo > hi)
		return expected("a port range whose start is not above its end", value);
	return NULL;
}

/* PORT[-PORT]/PROTO of a checked value, in canonical decimal. */
static char *canonical_port_proto(const char *value)
{
	const char *slash = strchr(value, '/');
	const char *dash = memchr(value, '-', (size_t)(slash - value));
	long lo = strtol(value, NULL, 10);
	char *c = dash ? mr_xasprintf("%ld-%ld%s", lo, strtol(dash + 1, NULL, 10), slash)
	               : mr_xasprintf("%ld%s", lo, slash);
	if (strcmp(c, value) == 0) {
		free(c);
		return NULL;
	}
	return c;
}

static char *check_abs_path(const char *value)
{
	if (!good_abs_path(value))
		return expected("an absolute path", value);
	if (!one_spelling(value))
		return expected("an absolute path " CANONICAL, value);
	return NULL;
}

int mr_profile_is_user_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return 0;
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '_' || c == '-' || c == '.' || (c == '$' && i == n - 1)))
			return 0;
	}
	return 1;
}

static char *check_name(const char *value)
{
	if (!mr_profile_is_user_name(value))
		return expected("a user or group name", value);
	return NULL;
}

/* addr[/prefix], IPv4 or IPv6. With require_net, host bits must be 0;
 * with netmask, an IPv4 prefix may be a netmask too (exports(5)). */
static char *check_cidr_(const char *value, int require_net, int netmask)
{
	struct mr_cidr c;
	enum mr_cidr_status st = netmask ? mr_cidr_parse_mask(value, &c) : mr_cidr_parse(value, &c);
	if (st == MR_CIDR_BAD_ADDR)
		goto bad;
	if (st == MR_CIDR_BAD_MASK)
		return mr_xasprintf("'%s' has a netmask that is not ones then zeros: exportfs takes "
		                    "it, but which addresses it covers is no network migready judges; "
		                    "write ADDRESS/PREFIX",
		                    value);
	if (st == MR_CIDR_BAD_PREFIX) {
		char *what = mr_xasprintf("a prefix length from 0 to %d%s", c.max,
		                          netmask && c.max == 32 ? " or a netmask" : "");
		char *m = expected(what, value);
		free(what);
		return m;
	}
	if (!require_net || c.bits == c.max)
		return NULL;
	int set = 0;
	for (int i = c.bits; i < c.max; i++) {
		unsigned char bit = (unsigned char)(0x80u >> (i % 8));
		if (c.addr[i / 8] & bit) {
			set = 1;
			c.addr[i / 8] &= (unsigned char)~bit;
		}
	}
	if (set) {
		char *net = mr_cidr_format(&c);
		char *q = mr_ini_quote(value);
		char *m = mr_xasprintf("expected a network without host bits, got %s; did you "
		                       "mean '%s'?", q, net);
		free(net);
		free(q);
		return m;
	}
	return NULL;
bad:
	return expected("an IPv4 or IPv6 address or network (10.20.0.0/24)", value);
}

/* [firewall] source: a network; a /0 is refused, since no source at all
 * is how every backend writes "any", for both families (a source ::/0
 * beside 10.20.0.0/24 opened the ports to any IPv4 address too) */
static char *check_cidr(const char *value)
{
	char *m = check_cidr_(value, 1, 0);
	const char *slash = strchr(value, '/');
	if (!m && slash && !strcmp(slash, "/0"))
		m = mr_xasprintf("'%s' is every address, which the rules can only say as no source at "
		                 "all, opening the ports to IPv4 and IPv6 alike; leave source out for "
		                 "that, or list the networks",
		                 value);
	return m;
}

void mr_schema_nova_option(const char *value, char *buf, size_t n)
{
	size_t i = 0;
	for (; value[i] && !is_blank(value[i]) && i + 1 < n; i++) {
		char c = (char)tolower((unsigned char)value[i]);
		buf[i] = c == '-' ? '_' : c;
	}
	buf[i] = '\0';
}

static int oslo_word(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

static char *check_nova_set(const char *value)
{
	const char *slash = strchr(value, '/');
	const char *sp = value + strcspn(value, " \t");
	if (!slash || slash > sp || !*sp || !oslo_word(value, (size_t)(slash - value)) ||
	    !oslo_word(slash + 1, (size_t)(sp - slash - 1)))
		return expected("SECTION/KEY VALUE", value);
	char opt[128];
	mr_schema_nova_option(value, opt, sizeof(opt));
	for (size_t i = 0; i < MR_ARRAY_LEN(nova_managed); i++) {
		if (strcmp(opt, nova_managed[i].option) == 0)
			return mr_xasprintf("'%.*s' is managed by the key '%s'; set that instead",
			                    (int)(sp - value), value, nova_managed[i].key);
	}
	char *slash_at = strchr(opt, '/');
	if (!slash_at)
		return NULL;
	*slash_at = '\0';
	return mr_nova_value_refused(opt, slash_at + 1, sp + strspn(sp, " \t"));
}

/* The next blank-separated word of *p, or 0 at the end. */
static size_t next_word(const char **p)
{
	while (is_blank(**p))
		(*p)++;
	return strcspn(*p, " \t");
}

static int good_host_pattern(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || strchr("._-*?@:/[]", c)))
			return 0;
	}
	return 1;
}

static int good_options(const char *s, size_t n)
{
	/* word or word=value, comma-separated, none empty */
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == ',') {
			if (i == start)
				return 0;
			start = i + 1;
		} else if (is_blank(s[i]) || s[i] == '(' || s[i] == ')') {
			return 0;
		}
	}
	return 1;
}

static char *check_nfs_export(const char *value)
{
	const char *p = value;
	size_t n = next_word(&p);
	char *path = mr_xstrndup(p, n);
	int ok = good_abs_path(path), canonical = one_spelling(path);
	free(path);
	if (!ok)
		return expected("PATH CLIENT(OPTIONS)... with an absolute PATH", value);
	if (!canonical)
		return expected("PATH CLIENT(OPTIONS)... with a PATH " CANONICAL, value);
	p += n;
	int clients = 0;
	const char *ro_client = NULL; /* the first, said once the line is read */
	size_t ro_len = 0;
	/* the network clients so far: mountd gives a peer the first that
	 * holds it */
	struct net_client {
		struct mr_cidr net;
		const char *w;
		size_t n;
	} *nets = NULL;
	size_t n_nets = 0;
	char *err = NULL;
	while ((n = next_word(&p))) {
		const char *w = p;
		p += n;
		if (w[0] == '(') {
			err = mr_xasprintf("options '%.*s' are apart from their client, so "
			                   "they would apply to every host: write "
			                   "CLIENT(OPTIONS) without a blank", (int)n, w);
			break;
		}
		if (w[0] == '-') {
			err = mr_xasprintf("'%.*s' would be the line's default options to exportfs, "
			                   "not a client: give each client its options",
			                   (int)n, w);
			break;
		}
		const char *open = memchr(w, '(', n);
		size_t hn = open ? (size_t)(open - w) : n;
		if (!good_host_pattern(w, hn) ||
		    (open && (w[n - 1] != ')' || !good_options(open + 1, (size_t)(w + n - open - 2))))) {
			err = expected("PATH CLIENT(OPTIONS)...", value);
			break;
		}
		/* exports(5) serves a client read-only unless it says rw, the
		 * last of rw and ro winning, each sec= flavour from what stood
		 * before it: nova and QEMU write the instances there, by
		 * whichever flavour their mount takes, so every one ends rw */
		int state = 0, rw = 1, flavours = 0;
		for (const char *o = open ? open + 1 : NULL; o && o < w + n - 1;) {
			size_t on = strcspn(o, ",)");
			if (on > 4 && !strncmp(o, "sec=", 4)) {
				rw &= !flavours || state;
				flavours++;
			} else if (on == 2 && (!strncmp(o, "rw", 2) || !strncmp(o, "ro", 2))) {
				state = o[1] == 'w';
			}
			o += on + 1;
		}
		rw &= state;
		if (!rw && !ro_client) {
			ro_client = w;
			ro_len = n;
		}
		/* A network client is checked as one. */
		char *host = mr_xstrndup(w, hn);
		struct mr_cidr net;
		if (strchr(host, '/'))
			err = check_cidr_(host, 0, 1);
		if (!err && strchr(host, '/') && mr_cidr_parse_mask(host, &net) == MR_CIDR_OK) {
			for (size_t i = 0; i < n_nets && !err; i++)
				if (mr_cidr_holds(&nets[i].net, &net))
					err = mr_xasprintf("client '%.*s' comes after '%.*s', which holds "
					                   "its hosts: mountd gives them the first "
					                   "network's options; list the narrower network "
					                   "first",
					                   (int)hn, w, (int)nets[i].n, nets[i].w);
			nets = mr_xreallocarray(nets, n_nets + 1, sizeof(*nets));
			nets[n_nets++] = (struct net_client){ net, w, hn };
		}
		free(host);
		if (err)
			break;
		clients++;
	}
	free(nets);
	if (err)
		return err;
	if (!clients)
		return expected("PATH CLIENT(OPTIONS)... with at least one client", value);
	if (ro_client)
		return mr_xasprintf("client '%.*s' would get the directory read-only (exports(5) "
		                    "serves ro unless the options say rw), and nova writes the "
		                    "instances there: give it rw",
		                    (int)ro_len, ro_client);
	return NULL;
}

static char *check_mount(const char *value)
{
	const char *f[7];
	size_t fn[7];
	size_t n = 0;
	const char *p = value;
	size_t w;
	while ((w = next_word(&p))) {
		if (n == 6)
			return expected("SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]]", value);
		f[n] = p;
		fn[n++] = w;
		p += w;
	}
	if (n < 4)
		return expected("SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]]", value);
	char *mp = mr_xstrndup(f[1], fn[1]);
	int ok = good_abs_path(mp), canonical = one_spelling(mp);
	free(mp);
	if (!ok)
		return expected("SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with an absolute "
		                "MOUNTPOINT", value);
	if (!canonical)
		return expected("SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with a MOUNTPOINT " CANONICAL,
		                value);
	/* the shared storage of instances: a local file system is none */
	if (!((fn[2] == 3 && !strncmp(f[2], "nfs", 3)) || (fn[2] == 4 && !strncmp(f[2], "nfs4", 4))))
		return expected("SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with TYPE nfs or nfs4", value);
	if (!good_options(f[3], fn[3]))
		return expected("SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with OPTIONS "
		                "separated by commas", value);
	for (size_t i = 4; i < n; i++) {
		if (fn[i] != 1 || f[i][0] < '0' || f[i][0] > (i == 4 ? '1' : '2'))
			return expected("DUMP 0 or 1 and PASS 0, 1 or 2", value);
	}
	/* an IPv6 server in brackets, as mount.nfs takes it: [fd00::5]:/srv */
	const char *host_end = f[0];
	if (f[0][0] == '[') {
		const char *close = memchr(f[0], ']', fn[0]);
		host_end = close && close > f[0] + 1 ? close : f[0] + fn[0];
	}
	const char *colon = memchr(host_end, ':', fn[0] - (size_t)(host_end - f[0]));
	if (!colon || colon == f[0] || colon + 1 >= f[0] + fn[0] || colon[1] != '/' ||
	    (f[0][0] == '[' && colon != host_end + 1))
		return expected("an NFS source HOST:/PATH", value);
	return NULL;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 (padded, no blanks); returns the decoded length or -1. The
 * first out_n bytes are stored in out. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t out_n)
{
	if (n == 0 || n % 4)
		return -1;
	size_t len = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			unsigned char c = (unsigned char)s[i + (size_t)j];
			if (c == '=' && i + 4 == n && j >= 2) {
				v[j] = 0;
				pad++;
			} else if (pad || (v[j] = b64val(c)) < 0) {
				return -1;
			}
		}
		unsigned long t = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
		                  ((unsigned long)v[2] << 6) | (unsigned long)v[3];
		unsigned char b[3] = { (unsigned char)(t >> 16), (unsigned char)(t >> 8),
			               (unsigned char)t };
		for (int j = 0; j < 3 - pad; j++, len++) {
			if (len < out_n)
				out[len] = b[j];
		}
	}
	return (long)len;
}

static int is_key_type(const char *s, size_t n)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(ssh_key_types); i++) {
		if (strlen(ssh_key_types[i]) == n && memcmp(s, ssh_key_types[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Length of the options field: up to a blank outside double quotes; -1 if
 * a quote is left open. */
static long options_len(const char *s)
{
	int quoted = 0;
	size_t i = 0;
	for (; s[i] && (quoted || !is_blank(s[i])); i++) {
		if (s[i] == '\\' && quoted && s[i + 1])
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
	}
	return quoted ? -1 : (long)i;
}

static char *check_ssh_key(const char *value)
{
	static const char *const form = "[OPTIONS] TYPE BASE64 [COMMENT]";
	const char *p = value;
	size_t n = next_word(&p);
	if (n == 0)
		return expected(form, value);
	if (!is_key_type(p, n)) {
		/* Not a type: authorized_keys options, then the type. When no
		 * type follows either, the first word was meant as the type. */
		const char *first = p;
		size_t first_n = n;
		long on = options_len(p);
		if (on < 0)
			return expected("OPTIONS with closed quotes", value);
		p += on;
		size_t tn = next_word(&p);
		if (tn == 0 || !is_key_type(p, tn)) {
			if (first_n > 60)
				first_n = 60;
			return mr_xasprintf("unknown key type '%.*s'; expected ssh-ed25519, "
			                    "ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, "
			                    "ecdsa-sha2-nistp521, ssh-rsa, "
			                    "sk-ssh-ed25519@openssh.com or "
			                    "sk-ecdsa-sha2-nistp256@openssh.com",
			                    (int)first_n, first);
		}
		n = tn;
	}
	const char *type = p;
	size_t type_n = n;
	p += n;
	size_t bn = next_word(&p);
	if (bn == 0)
		return expected(form, value);
	unsigned char *blob = mr_xmalloc(bn / 4 * 3 + 4);
	long len = b64_decode(p, bn, blob, bn / 4 * 3 + 4);
	char *why = NULL;
	if (len < 0) {
		why = mr_xstrdup("the key data is not valid base64");
		goto out;
	}
	/* The blob: SSH strings, its own type first, then the key's parts,
	 * exactly filling it (a key cut short is no key: ssh-keygen and sshd
	 * skip its line) */
	if (len < 4) {
		why = mr_xstrdup("the key data is too short");
		goto out;
	}
	size_t parts = 0, at = 0, first_len = 0, last_len = 0;
	while (at + 4 <= (size_t)len) {
		size_t sl = (size_t)blob[at] << 24 | (size_t)blob[at + 1] << 16 |
		            (size_t)blob[at + 2] << 8 | blob[at + 3];
		if (sl > (size_t)len - at - 4)
			break;
		if (!parts)
			first_len = sl;
		last_len = sl;
		at += 4 + sl;
		parts++;
	}
	if (!parts || first_len != type_n || memcmp(blob + 4, type, type_n) != 0) {
		why = mr_xasprintf("the key data is not a %.*s key", (int)type_n, type);
		goto out;
	}
	/* parts after the type: ed25519 its 32 bytes; ECDSA curve and point;
	 * RSA e and n; the FIDO kinds their application too */
	static const struct {
		const char *type;
		size_t parts;
	} shapes[] = { { "ssh-ed25519", 2 },
		           { "sk-ssh-ed25519@openssh.com", 3 },
		           { "sk-ecdsa-sha2-nistp256@openssh.com", 4 } };
	size_t want = 3;
	for (size_t i = 0; i < MR_ARRAY_LEN(shapes); i++)
		if (strlen(shapes[i].type) == type_n && !memcmp(shapes[i].type, type, type_n))
			want = shapes[i].parts;
	if (at != (size_t)len || parts != want || (want == 2 && last_len != 32))
		why = mr_xasprintf("the key data is not a whole %.*s key (cut short, or more than "
		                   "one?)",
		                   (int)type_n, type);
out:
	free(blob);
	return why;
}

/* Steps through a comma-separated list: sets *w and *wn to the next item
 * without its blanks; returns 0 after the last item. */
static int next_item(const char **p, const char **w, size_t *wn)
{
	if (!*p)
		return 0;
	size_t n = strcspn(*p, ",");
	*w = *p;
	*wn = n;
	while (*wn && is_blank(**w)) {
		(*w)++;
		(*wn)--;
	}
	while (*wn && is_blank((*w)[*wn - 1]))
		(*wn)--;
	*p = (*p)[n] ? *p + n + 1 : NULL;
	return 1;
}

static char *check_flags(const char *value)
{
	const char *p = value, *w;
	size_t count = 0, wn;
	const char *seen[MR_ARRAY_LEN(migrate_flags)];
	while (next_item(&p, &w, &wn)) {
		if (wn == 0)
			return expected("VIR_MIGRATE_* flags separated by commas", value);
		char *flag = mr_xstrndup(w, wn);
		const char *known = NULL;
		for (size_t i = 0; i < MR_ARRAY_LEN(migrate_flags); i++) {
			if (strcmp(flag, migrate_flags[i]) == 0)
				known = migrate_flags[i];
		}
		char *m = NULL;
		if (!known) {
			const char *best = mr_str_suggest(flag, migrate_flags,
			                                  MR_ARRAY_LEN(migrate_flags));
			if (best)
				m = mr_xasprintf("unknown flag '%s'; did you mean '%s'?", flag, best);
			else
				m = mr_xasprintf("unknown flag '%s'", flag);
		} else {
			for (size_t i = 0; i < count; i++) {
				if (seen[i] == known)
					m = mr_xasprintf("flag '%s' given twice", flag);
			}
			if (count < MR_ARRAY_LEN(seen))
				seen[count++] = known;
		}
		free(flag);
		if (m)
			return m;
	}
	int disk = 0, inc = 0, tun = 0, tls = 0;
	for (size_t i = 0; i < count; i++) {
		disk |= strcmp(seen[i], "VIR_MIGRATE_NON_SHARED_DISK") == 0;
		inc |= strcmp(seen[i], "VIR_MIGRATE_NON_SHARED_INC") == 0;
		tun |= strcmp(seen[i], "VIR_MIGRATE_TUNNELLED") == 0;
		tls |= strcmp(seen[i], "VIR_MIGRATE_TLS") == 0;
	}
	if (disk && inc)
		return mr_xstrdup("VIR_MIGRATE_NON_SHARED_DISK and VIR_MIGRATE_NON_SHARED_INC "
		                  "exclude each other");
	/* nova/virt/libvirt/driver.py's init_host raises Invalid for both
	 * live_migration_tunnelled and live_migration_with_native_tls */
	if (tun && tls)
		return mr_xstrdup("VIR_MIGRATE_TUNNELLED and VIR_MIGRATE_TLS exclude each other: "
		                  "nova-compute refuses to start with both; keep VIR_MIGRATE_TLS");
	return NULL;
}

int mr_profile_nova_major(const char *release)
{
	if (strcmp(release, "auto") == 0)
		return 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(nova_releases); i++) {
		if (strcmp(release, nova_releases[i]) == 0)
			return (int)i + 1;
	}
	long v;
	if (parse_long(release, &v) == 0 && v >= 1 && v <= 99)
		return (int)v;
	return -1;
}

const char *mr_profile_nova_release_name(unsigned major)
{
	if (major < 1 || major > MR_ARRAY_LEN(nova_releases))
		return NULL;
	return nova_releases[major - 1];
}

unsigned mr_profile_nova_newest(void)
{
	return (unsigned)MR_ARRAY_LEN(nova_releases);
}

/* A key's fingerprint as ssh-keygen -l prints it (SHA256: and 43
 * characters of unpadded base64), or "any". */
static char *check_key_fp(const char *value)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (!strcmp(value, "any") ||
	    (!strncmp(value, "SHA256:", 7) && strlen(value) == 7 + 43 && strspn(value + 7, b64) == 43))
		return NULL;
	return expected("a key's fingerprint as ssh-keygen -l prints it (SHA256:...), or any",
	                value);
}

static char *check_release(const char *value)
{
	int major = mr_profile_nova_major(value);
	/* a release migready does not write for is the profile's error, not
	 * each host's failure at check */
	if (major > 0 && ((unsigned)major < MR_NOVA_OLDEST || (unsigned)major > mr_profile_nova_newest()))
		return mr_xasprintf("expected a release from %s (%d) to %s (%u), which migready writes "
		                    "nova.conf for, got '%s'",
		                    mr_profile_nova_release_name(MR_NOVA_OLDEST), MR_NOVA_OLDEST,
		                    mr_profile_nova_release_name(mr_profile_nova_newest()),
		                    mr_profile_nova_newest(), value);
	if (major >= 0)
		return NULL;
	const char *best = mr_str_suggest(value, nova_releases, MR_ARRAY_LEN(nova_releases));
	char *m = expected("auto, a release name or a major version (zed, 26)", value);
	if (best) {
		char *s = mr_xasprintf("%s; did you mean '%s'?", m, best);
		free(m);
		m = s;
	}
	return m;
}

static char *check_cpu_models(const char *value)
{
	const char *p = value, *w;
	size_t wn;
	while (next_item(&p, &w, &wn)) {
		int ok = wn > 0;
		for (size_t i = 0; i < wn; i++) {
			unsigned char c = (unsigned char)w[i];
			if (!(isalnum(c) || strchr("_.+-", c)))
				ok = 0;
		}
		if (!ok)
			return expected("CPU model names separated by commas", value);
	}
	return NULL;
}

static char *check_lens(const char *value)
{
	/* Module or Module.lens: a capitalised module name, then a lens. */
	const char *p = value;
	int ok = isupper((unsigned char)*p);
	for (p++; ok && *p && *p != '.'; p++)
		ok = isalnum((unsigned char)*p) || *p == '_';
	if (ok && *p == '.') {
		p++;
		ok = islower((unsigned char)*p) || *p == '_';
		for (; ok && *p; p++)
			ok = isalnum((unsigned char)*p) || *p == '_';
	}
	if (!ok || !*value)
		return expected("an Augeas lens (Name or Name.lns)", value);
	return NULL;
}

/* Length of an Augeas path at the start of s: up to a blank outside
 * brackets and quotes; -1 if they do not balance. */
static long aug_path_len(const char *s)
{
	int depth = 0;
	char quote = 0;
	size_t i = 0;
	for (; s[i]; i++) {
		char c = s[i];
		if (quote) {
			if (c == '\\' && s[i + 1])
				i++;
			else if (c == quote)
				quote = 0;
		} else if (c == '\\') {
			/* an escaped character (a blank too) is part of the name,
			 * as Augeas reads it; nothing to escape is no path */
			if (!s[++i])
				return -1;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '[') {
			depth++;
		} else if (c == ']') {
			if (--depth < 0)
				return -1;
		} else if (is_blank(c) && depth == 0) {
			break;
		}
	}
	if (quote || depth)
		return -1;
	return (long)i;
}

size_t mr_profile_aug_path_len(const char *value)
{
	long n = aug_path_len(value);
	return n < 0 ? strlen(value) : (size_t)n;
}

/* A step or axis of an Augeas path that leaves the node it starts from
 * upwards or from the root: "..", "parent::", "ancestor::", or a path that
 * begins with "/" (also inside a predicate). Quoted text is a value, not a
 * path. Returns the offending text's offset, or -1. */
static long aug_path_escape(const char *s, size_t n)
{
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (quote) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '"' || c == '\'') {
			quote = c;
			continue;
		}
		/* where a path may begin: the start, or after an operator */
		int starts = i == 0 || strchr("[(,=<>|!+ \t", s[i - 1]) != NULL;
		int after_sep = starts || s[i - 1] == '/';
		if (c == '/' && starts)
			return (long)i;
		if (c == '.' && after_sep && i + 1 < n && s[i + 1] == '.' &&
		    (i + 2 == n || strchr("/[]) \t", s[i + 2])))
			return (long)i;
		if (after_sep && (strncmp(s + i, "parent::", 8) == 0 ||
		                  strncmp(s + i, "ancestor::", 10) == 0 ||
		                  strncmp(s + i, "ancestor-or-self::", 18) == 0))
			return (long)i;
	}
	return -1;
}

static char *check_aug_path_(const char *value, int with_value)
{
	const char *what = with_value ? "AUGPATH VALUE" : "AUGPATH";
	long n = aug_path_len(value);
	if (n <= 0)
		return expected(what, value);
	const char *rest = value + n;
	while (is_blank(*rest))
		rest++;
	if (with_value ? !*rest : *rest != '\0')
		return expected(what, value);
	if (value[0] == '/')
		return expected("an Augeas path relative to the file", value);
	if (aug_path_escape(value, (size_t)n) >= 0)
		return expected("an Augeas path inside the file (no '..', parent:: or ancestor:: "
		                "step, no path from '/')", value);
	return NULL;
}

static char *check_path(const char *value, const char *file, char **norm)
{
	if (!*value || has_blank(value))
		return expected("a path", value);
	char *full = mr_ini_path_resolve(file, value);
	if (!full)
		return expected("a path whose '~' names a known user", value);
	if (strcmp(full, value) == 0)
		free(full);
	else
		*norm = full;
	return NULL;
}

int mr_schema_check(const struct mr_schema_key *k, const char *value, const char *file,
                    char **norm, char **msg)
{
	char *m = NULL;
	*norm = NULL;
	*msg = NULL;
	/* What no file format migready writes can hold, whatever the key. */
	size_t len = strlen(value);
	long bad;
	if (len > MR_VALUE_MAX) {
		*msg = mr_xasprintf("value of %zu bytes is longer than the limit of %u", len,
		                    MR_VALUE_MAX);
		return -1;
	}
	for (const char *p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n' || c == '\r') {
			*msg = mr_xstrdup("newline in value: a value is one line");
			return -1;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			*msg = mr_xasprintf("control character 0x%02x in value", (unsigned)c);
			return -1;
		}
	}
	if ((bad = mr_str_utf8_invalid(value, len)) >= 0) {
		*msg = mr_xasprintf("invalid UTF-8 in value at byte %ld", bad + 1);
		return -1;
	}
	if ((k->flags & MR_SK_QUOTED) && strchr(value, '"')) {
		char *q = mr_ini_quote(value);
		*msg = mr_xasprintf("a double quote cannot stand in a libvirt string (write the "
		                    "value without quotes), got %s", q);
		free(q);
		return -1;
	}
	switch (k->type) {
	case MR_PT_BOOL:
		if (mr_parse_bool(value) < 0)
			m = expected("yes or no", value);
		break;
	case MR_PT_ENUM:
		m = check_enum(k->words, value);
		break;
	case MR_PT_INT:
		m = check_int(value, k->min, k->max);
		break;
	case MR_PT_PORT:
		m = check_port(value);
		break;
	case MR_PT_PORT_PROTO:
		m = check_port_proto(value);
		break;
	case MR_PT_ABS_PATH:
		m = check_abs_path(value);
		break;
	case MR_PT_PATH:
		m = check_path(value, file, norm);
		break;
	case MR_PT_NAME:
		m = check_name(value);
		break;
	case MR_PT_CIDR:
		m = check_cidr(value);
		break;
	case MR_PT_NOVA_SET:
		m = check_nova_set(value);
		break;
	case MR_PT_NFS_EXPORT:
		m = check_nfs_export(value);
		break;
	case MR_PT_MOUNT:
		m = check_mount(value);
		break;
	case MR_PT_SSH_KEY:
		m = check_ssh_key(value);
		break;
	case MR_PT_MIGRATE_FLAGS:
		m = check_flags(value);
		break;
	case MR_PT_NOVA_RELEASE:
		m = check_release(value);
		break;
	case MR_PT_CPU_MODELS:
		m = check_cpu_models(value);
		break;
	case MR_PT_LENS:
		m = check_lens(value);
		break;
	case MR_PT_AUG_SET:
		m = check_aug_path_(value, 1);
		break;
	case MR_PT_AUG_PATH:
		m = check_aug_path_(value, 0);
		break;
	case MR_PT_KEY_FP:
		m = check_key_fp(value);
		break;
	case MR_PT_FW_ZONE:
		m = mr_fwd_zone_name_ok(value) ? NULL
		                               : expected("a zone name (letters, digits, _ and -, "
		                                          "at most 17)",
		                                          value);
		break;
	}
	if (m) {
		*msg = m;
		return -1;
	}
	/* What is written is canonical: "tcp_port = 016509" gives 16509. */
	if (k->type == MR_PT_INT || k->type == MR_PT_PORT ||
	    (k->type == MR_PT_NOVA_RELEASE && isdigit((unsigned char)value[0])))
		*norm = canonical_int(value);
	else if (k->type == MR_PT_PORT_PROTO)
		*norm = canonical_port_proto(value);
	return 0;
}
