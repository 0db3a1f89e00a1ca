/* Facts: the probe's key=value lines, and what follows from them. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facts.h"
#include "facts_sh.h"
#include "transport.h"

/* A sane probe prints a few hundred lines; a hostile or broken host must
 * not make the controller keep more. */
#define MAX_LINES 4096
#define MAX_PENDING 64

/* The strings live in a few large blocks, not two allocations a fact:
 * verify keeps every host's probe (facts on each peer) until the end. */
struct facts_block {
	struct facts_block *next;
	size_t used, size;
	char data[];
};

struct mr_facts {
	char **keys;
	char **values;
	size_t n, cap;
	struct facts_block *blocks; /* the newest first */
};

void mr_facts_free(struct mr_facts *f)
{
	if (!f)
		return;
	for (struct facts_block *b = f->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(f->keys);
	free(f->values);
	free(f);
}

/* A new block of at least size bytes, where the next strings go. */
static void new_block(struct mr_facts *f, size_t size)
{
	struct facts_block *b = mr_xmalloc(sizeof(*b) + size);
	b->used = 0;
	b->size = size;
	b->next = f->blocks;
	f->blocks = b;
}

/* A copy of s[0..n) and a NUL, in f's blocks. */
static char *store(struct mr_facts *f, const char *s, size_t n)
{
	struct facts_block *b = f->blocks;
	if (!b || b->size - b->used < n + 1) {
		size_t size = b ? 2 * b->size : 256;
		new_block(f, size > n + 1 ? size : n + 1);
		b = f->blocks;
	}
	char *p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

static void add(struct mr_facts *f, const char *k, size_t kn, const char *v, size_t vn)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->keys = mr_xreallocarray(f->keys, f->cap, sizeof(*f->keys));
		f->values = mr_xreallocarray(f->values, f->cap, sizeof(*f->values));
	}
	f->keys[f->n] = store(f, k, kn);
	f->values[f->n] = store(f, v, vn);
	f->n++;
}

struct mr_facts *mr_facts_copy(const struct mr_facts *f)
{
	if (!f)
		return NULL;
	struct mr_facts *c = mr_xcalloc(1, sizeof(*c));
	for (size_t i = 0; i < f->n; i++)
		add(c, f->keys[i], strlen(f->keys[i]), f->values[i], strlen(f->values[i]));
	return c;
}

static int key_valid(const char *k, size_t n)
{
	if (!n || n > 200)
		return 0;
	/* strchr finds a NUL in any set: test it apart, or "pending\0=..."
	 * would be kept as "pending", past the unit-name check. */
	for (size_t i = 0; i < n; i++)
		if (!k[i] || (!islower((unsigned char)k[i]) && !isdigit((unsigned char)k[i]) &&
		              !strchr("._/@+-", k[i])))
			return 0;
	return 1;
}

/* Whether key (n bytes) is a socket's ListenStream fact, socket.UNIT.listen. */
static int listen_key(const char *key, size_t n)
{
	return n > 14 && !memcmp(key, "socket.", 7) && !memcmp(key + n - 7, ".listen", 7);
}

static int already(const struct mr_facts *f, const char *key, const char *v, size_t vn)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->keys[i], key) && strlen(f->values[i]) == vn &&
		    !memcmp(f->values[i], v, vn))
			return 1;
	return 0;
}

struct mr_facts *mr_facts_parse(const char *host, const char *text, size_t len,
                                struct mr_error **err)
{
	struct mr_facts *f = mr_xcalloc(1, sizeof(*f));
	/* each line's key and value, with their NULs, take no more room
	 * than the line and its newline; a last line may lack the newline,
	 * and pending.dropped=yes may come */
	new_block(f, len + 32);
	size_t lineno = 0, n_pending = 0, n_dropped = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if ((n == strlen(MR_HELD_MARK) && !memcmp(p, MR_HELD_MARK, n)) ||
		    (n == strlen(MR_SERVING_MARK) && !memcmp(p, MR_SERVING_MARK, n)))
			break;
		const char *eq = memchr(p, '=', n);
		int bad = !eq || !key_valid(p, (size_t)(eq - p)) || lineno > MAX_LINES;
		if (bad) {
			mr_error_add(err, MR_ERR_HOST, host,
			             "facts probe: line %zu is not key=value (or too many lines)", lineno);
			mr_facts_free(f);
			return NULL;
		}
		for (const char *c = eq + 1; c < p + n; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				/* A value copied from one of the host's files. Not
				 * dropped: a missing value of a list (a dropping
				 * chain, a refusing sshd line) would read as none. */
				mr_error_add(err, MR_ERR_HOST, host,
				             "facts probe: line %zu: the value of %.*s holds a control "
				             "character (byte %u; in one of the host's files?); nothing "
				             "examined",
				             lineno, (int)(eq - p), p, (unsigned char)*c);
				mr_facts_free(f);
				return NULL;
			}
		size_t kn = (size_t)(eq - p), vn = n - kn - 1;
		if (listen_key(p, kn)) {
			/* reports name a ListenStream line's file and line: a fact
			 * without its line is no output of this probe */
			char *v = mr_xstrndup(eq + 1, vn);
			struct mr_file_fact l;
			long ln;
			int ok = mr_listen_fact_parse(v, &l, &ln) == 0;
			free(v);
			if (!ok) {
				mr_error_add(err, MR_ERR_HOST, host,
				             "facts probe: line %zu: %.*s is not FILE LINE VALUE (its "
				             "ListenStream line's file, line number and value); nothing "
				             "examined",
				             lineno, (int)kn, p);
				mr_facts_free(f);
				return NULL;
			}
		}
		if (kn == 7 && !memcmp(p, "pending", 7)) {
			/* Unit names read back from a host: validated, deduplicated,
			 * bounded (a 3,000-line file must not mean 3,000 restarts). */
			char *u = mr_xstrndup(eq + 1, vn);
			if (!mr_unit_name_valid(u)) {
				mr_log(MR_LOG_WARN, "%s: restart-pending names '%s', not a unit name; ignored",
				       host, u);
				n_dropped++;
			}
			else if (!already(f, "pending", u, vn) && n_pending++ < MAX_PENDING)
				add(f, p, kn, eq + 1, vn);
			free(u);
		} else {
			add(f, p, kn, eq + 1, vn);
		}
		p = nl ? nl + 1 : end;
	}
	/* The next apply rewrites restart-pending without them. */
	if (n_dropped)
		add(f, "pending.dropped", 15, "yes", 3);
	return f;
}

const char *mr_facts_get(const struct mr_facts *f, const char *key)
{
	for (size_t i = f->n; i-- > 0;)
		if (!strcmp(f->keys[i], key))
			return f->values[i];
	return NULL;
}

size_t mr_facts_get_all(const struct mr_facts *f, const char *key, const char ***values)
{
	size_t n = 0;
	*values = NULL;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->keys[i], key) != 0)
			continue;
		*values = mr_xreallocarray(*values, n + 1, sizeof(**values));
		(*values)[n++] = f->values[i];
	}
	return n;
}

size_t mr_facts_count(const struct mr_facts *f)
{
	return f->n;
}

void mr_facts_pair(const struct mr_facts *f, size_t i, const char **key, const char **value)
{
	*key = f->keys[i];
	*value = f->values[i];
}

int mr_facts_user_ids(const struct mr_facts *f, const char *name, uid_t *uid, gid_t *gid)
{
	char *key = mr_xasprintf("user.%s", name);
	const char *v = f ? mr_facts_get(f, key) : NULL;
	free(key);
	unsigned long u, g;
	if (!v || sscanf(v, "%lu:%lu:", &u, &g) != 2)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

int mr_facts_group_gid(const struct mr_facts *f, const char *name, gid_t *gid)
{
	char *key = mr_xasprintf("group.%s", name);
	const char *v = f ? mr_facts_get(f, key) : NULL;
	free(key);
	char *end;
	unsigned long g = v ? strtoul(v, &end, 10) : 0;
	if (!v || end == v || *end)
		return -1;
	*gid = (gid_t)g;
	return 0;
}

int mr_facts_in_group(const struct mr_facts *f, const char *name, size_t n, const char *user,
                      gid_t gid)
{
	char *key = mr_xasprintf("group.%.*s", (int)n, name);
	char *mkey = mr_xasprintf("%s.members", key);
	const char *g = mr_facts_get(f, key), *members = mr_facts_get(f, mkey);
	char *end;
	int in = g && strtoul(g, &end, 10) == (unsigned long)gid && end != g && !*end;
	size_t ul = strlen(user);
	for (const char *p = members; p && *p && !in;) {
		size_t mn = strcspn(p, ",");
		in = mn == ul && !strncmp(p, user, ul);
		p += mn + (p[mn] == ',');
	}
	free(mkey);
	free(key);
	return in;
}

int mr_facts_live(const struct mr_facts *f)
{
	const char *m = mr_facts_get(f, "mode");
	return m && !strcmp(m, "live");
}

int mr_facts_has_systemd(const struct mr_facts *f)
{
	const char *i = mr_facts_get(f, "init");
	return i && (!strcmp(i, "systemd") || !strcmp(i, "systemd-offline"));
}

struct mr_unit_state mr_facts_unit(const struct mr_facts *f, const char *unit)
{
	static const char *const enabled_words[] = { "enabled", "enabled-runtime", "disabled",
		                                         "masked", "masked-runtime", "static",
		                                         "indirect", "generated", "transient",
		                                         "alias", "linked", "linked-runtime" };
	static const char *const active_words[] = { "active", "inactive", "failed", "activating",
		                                        "deactivating", "reloading" };
	struct mr_unit_state s = { -1, NULL, NULL };
	char *key = mr_xasprintf("unit.%s", unit);
	const char *v = mr_facts_get(f, key);
	free(key);
	if (!v)
		return s;
	if (!strcmp(v, "absent")) {
		s.present = 0;
		return s;
	}
	s.present = 1;
	/* "ENABLED ACTIVE": the words are matched against the known ones, so
	 * what is returned is static text, never the host's. */
	const char *sp = strchr(v, ' ');
	size_t en = sp ? (size_t)(sp - v) : strlen(v);
	for (size_t i = 0; i < MR_ARRAY_LEN(enabled_words); i++)
		if (strlen(enabled_words[i]) == en && !strncmp(v, enabled_words[i], en))
			s.enabled = enabled_words[i];
	if (sp)
		for (size_t i = 0; i < MR_ARRAY_LEN(active_words); i++)
			if (!strcmp(sp + 1, active_words[i]))
				s.active = active_words[i];
	return s;
}

/* "2:26.2.2-1~deb12u5" -> "26.2.2": no epoch, no packaging revision. */
static char *upstream_version(const char *v)
{
	if (!v || !*v)
		return NULL;
	const char *colon = strchr(v, ':');
	if (colon)
		v = colon + 1;
	size_t n = strcspn(v, "-~+");
	return n ? mr_xstrndup(v, n) : NULL;
}

static char *first_version(const struct mr_facts *f, const char *const *pkgs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *key = mr_xasprintf("pkg.%s", pkgs[i]);
		char *v = upstream_version(mr_facts_get(f, key));
		free(key);
		if (v)
			return v;
	}
	return NULL;
}

char *mr_facts_libvirt_version(const struct mr_facts *f)
{
	static const char *const pkgs[] = { "libvirt-daemon-system", "libvirt-daemon",
		                                "libvirt-daemon-common",
		                                "libvirt-daemon-driver-qemu" };
	return first_version(f, pkgs, MR_ARRAY_LEN(pkgs));
}

long mr_facts_libvirt_num(const struct mr_facts *f)
{
	char *v = mr_facts_libvirt_version(f);
	long major = -1, minor = 0;
	if (v) {
		char *end = NULL;
		major = strtol(v, &end, 10);
		if (end == v)
			major = -1;
		else if (*end == '.')
			minor = strtol(end + 1, NULL, 10);
	}
	free(v);
	/* a number no libvirt has (the host's text) is no version: unknown */
	if (major < 0 || major > 100000 || minor < 0 || minor > 999)
		return -1;
	return major * 1000 + minor;
}

char *mr_facts_nova_version(const struct mr_facts *f)
{
	static const char *const pkgs[] = { "nova-compute", "python3-nova",
		                                "openstack-nova-compute" };
	return first_version(f, pkgs, MR_ARRAY_LEN(pkgs));
}

int mr_unit_state_on(struct mr_unit_state s)
{
	return s.present == 1 &&
	       ((s.enabled && !strncmp(s.enabled, "enabled", 7)) || (s.active && !strcmp(s.active, "active")));
}

int mr_unit_state_masked(struct mr_unit_state s)
{
	return s.present == 1 && s.enabled && !strncmp(s.enabled, "masked", 6);
}

enum mr_libvirt_world mr_facts_libvirt_world(const struct mr_facts *f, const char **why)
{
	struct mr_unit_state lsvc = mr_facts_unit(f, "libvirtd.service");
	struct mr_unit_state lsock = mr_facts_unit(f, "libvirtd.socket");
	struct mr_unit_state psvc = mr_facts_unit(f, "virtproxyd.service");
	struct mr_unit_state psock = mr_facts_unit(f, "virtproxyd.socket");
	struct mr_unit_state qsvc = mr_facts_unit(f, "virtqemud.service");
	struct mr_unit_state qsock = mr_facts_unit(f, "virtqemud.socket");
	long version = mr_facts_libvirt_num(f);
	const char *dummy;
	if (!why)
		why = &dummy;
	if (!mr_facts_has_systemd(f) || lsvc.present < 0) {
		*why = "the host's systemd units could not be read";
		return MR_WORLD_UNKNOWN;
	}
	int libvirtd_on = mr_unit_state_on(lsvc);
	/* the modular daemons conflict with libvirtd (Conflicts=) and serve
	 * the same sockets: which one answers depends on the boot's order */
	if (libvirtd_on && (mr_unit_state_on(psock) || mr_unit_state_on(psvc) ||
	                    mr_unit_state_on(qsock) || mr_unit_state_on(qsvc))) {
		*why = "libvirtd and libvirt's modular daemons (virtqemud, virtproxyd) are both "
		       "enabled or running, and conflict: disable one, or set [libvirtd] listener";
		return MR_WORLD_UNKNOWN;
	}
	if ((mr_unit_state_on(psock) || mr_unit_state_on(psvc)) && !libvirtd_on) {
		*why = "virtproxyd is in use and libvirtd is not";
		return MR_WORLD_MODULAR;
	}
	/* the QEMU driver in its own daemon: the host is modular, whether or
	 * not its virtproxyd is on yet */
	if ((mr_unit_state_on(qsock) || mr_unit_state_on(qsvc)) && !libvirtd_on) {
		*why = "virtqemud is in use and libvirtd is not";
		return MR_WORLD_MODULAR;
	}
	if (lsvc.present == 0) {
		if (psvc.present == 1) {
			*why = "only libvirt's modular daemons are installed";
			return MR_WORLD_MODULAR;
		}
		*why = "libvirt's daemon is not installed";
		return MR_WORLD_UNKNOWN;
	}
	if (version >= 0 && version < 5006) {
		*why = "libvirt older than 5.6 has no socket activation";
		return MR_WORLD_LEGACY;
	}
	if (lsock.present == 0) {
		*why = "libvirtd has no socket units";
		return MR_WORLD_LEGACY;
	}
	if (mr_unit_state_masked(lsock)) {
		*why = "libvirtd.socket is masked";
		return MR_WORLD_LEGACY;
	}
	if (mr_unit_state_on(lsock)) {
		*why = "libvirtd.socket is enabled: libvirtd is socket-activated";
		return MR_WORLD_SOCKET;
	}
	if (lsock.present == 1 && lsock.enabled && libvirtd_on) {
		/* libvirtd.service Wants= its sockets: started with it unless
		 * masked, so libvirtd is socket-activated all the same. */
		*why = "libvirtd.socket is not masked: libvirtd.service starts it";
		return MR_WORLD_SOCKET;
	}
	if (lsock.present == 1 && lsock.enabled) {
		*why = "neither libvirtd nor libvirt's modular daemons are enabled or running";
		return MR_WORLD_UNKNOWN;
	}
	*why = "the state of libvirtd.socket is unknown";
	return MR_WORLD_UNKNOWN;
}

const char *mr_libvirt_world_name(enum mr_libvirt_world w)
{
	switch (w) {
	case MR_WORLD_LEGACY:
		return "legacy";
	case MR_WORLD_SOCKET:
		return "socket";
	case MR_WORLD_MODULAR:
		return "modular";
	case MR_WORLD_UNKNOWN:
		break;
	}
	return "unknown";
}

int mr_file_fact_parse(const char *value, struct mr_file_fact *out)
{
	const char *sp = strchr(value, ' ');
	if (!sp)
		return -1;
	*out = (struct mr_file_fact){ value, (int)(sp - value), sp + 1 };
	return 0;
}

int mr_listen_fact_parse(const char *value, struct mr_file_fact *out, long *line)
{
	if (mr_file_fact_parse(value, out) < 0 || !out->file_len)
		return -1;
	/* the probe's FNR: no sign, no leading 0, well within a long */
	size_t digits = strspn(out->rest, "0123456789");
	if (!digits || digits > 9 || *out->rest == '0' || out->rest[digits] != ' ')
		return -1;
	*line = strtol(out->rest, NULL, 10);
	out->rest += digits + 1;
	return 0;
}

const char *mr_fact_path_shown(const char *s, int len)
{
	/* room for a whole path whose every byte is spelt %XX: no name is cut */
	static _Thread_local char ring[4][3 * PATH_MAX + 1];
	static _Thread_local unsigned next;
	char *o = ring[next++ % 4];
	size_t k = 0;
	for (int i = 0; i < len && k + 1 < sizeof(ring[0]); i++) {
		if (s[i] == '%' && i + 2 < len && s[i + 1] == '2' && (s[i + 2] == '0' || s[i + 2] == '5')) {
			o[k++] = s[i + 2] == '0' ? ' ' : '%';
			i += 2;
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	return o;
}

int mr_file_fact_is(const struct mr_file_fact *f, const char *path)
{
	return path && (size_t)f->file_len == strlen(path) &&
	       !strncmp(f->file, path, (size_t)f->file_len);
}

int mr_facts_has(const struct mr_facts *f, const char *key, const char *value)
{
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, key, &v);
	size_t i = 0;
	while (i < n && strcmp(v[i], value) != 0)
		i++;
	free(v);
	return i < n;
}

int mr_facts_file_state(const struct mr_facts *f, const char *key, const char *path)
{
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, key, &v), pl = strlen(path);
	int st = -1;
	for (size_t i = 0; i < n; i++) /* the last word on it, as mr_facts_get */
		if (!strncmp(v[i], path, pl) && v[i][pl] == ' ')
			st = !strcmp(v[i] + pl + 1, "present")  ? 1
			     : !strcmp(v[i] + pl + 1, "absent") ? 0
			                                        : -1;
	free(v);
	return st;
}

const char *mr_facts_libvirtd_defaults(const struct mr_facts *f)
{
	/* the one libvirtd.service reads, where the probe could tell */
	static const char *const known[] = { "/etc/default/libvirtd", "/etc/sysconfig/libvirtd" };
	for (size_t i = 0; i < MR_ARRAY_LEN(known); i++)
		if (mr_facts_has(f, "libvirtd.envfile", known[i]))
			return known[i];
	if (mr_facts_get(f, "file./etc/default/libvirtd"))
		return "/etc/default/libvirtd";
	if (mr_facts_get(f, "file./etc/sysconfig/libvirtd"))
		return "/etc/sysconfig/libvirtd";
	int rhel = mr_facts_rhel_family(f);
	return rhel < 0 ? NULL : rhel ? "/etc/sysconfig/libvirtd" : "/etc/default/libvirtd";
}

int mr_facts_rhel_family(const struct mr_facts *f)
{
	const char *id = mr_facts_get(f, "os.id"), *like = mr_facts_get(f, "os.id_like");
	if ((id && (mr_str_has_word("debian ubuntu", id))) || (like && mr_str_has_word(like, "debian")))
		return 0;
	if ((id && mr_str_has_word("rhel centos fedora rocky almalinux ol", id)) ||
	    (like && (mr_str_has_word(like, "rhel") || mr_str_has_word(like, "fedora"))))
		return 1;
	return -1;
}

int mr_unit_name_valid(const char *name)
{
	static const char *const suffixes[] = { ".service", ".socket", ".target", ".mount",
		                                    ".timer", ".path" };
	size_t n = strlen(name);
	if (!n || n > 255 || name[0] == '-' || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr(":_.@-", name[i]))
			return 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(suffixes); i++) {
		size_t s = strlen(suffixes[i]);
		if (n > s && !strcmp(name + n - s, suffixes[i]))
			return 1;
	}
	return 0;
}

struct mr_facts *mr_facts_gather(struct mr_transport *t, const char *instances,
                                 const char *user, const char *shell, const char *nova_keys,
                                 const char *ids, int lock_wait_s, const char *holder,
                                 struct mr_error **err)
{
	char wait[32], since[32] = "";
	snprintf(wait, sizeof(wait), "%d", lock_wait_s);
	/* The controller's clock says since when: no date(1) on the host. */
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm))
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	char *who = mr_xasprintf("%s since %s", holder ? holder : "migready", since);
	/* The script goes on standard input, not in the command line: an SSH
	 * request carries at most about 35,000 bytes (libssh2), which the probe
	 * and its arguments come close to. The serving shell it becomes reads
	 * the same input after it. */
	const char *argv[] = { "/bin/sh", "-s", "--", t->root ? t->root : "",
		                   instances ? instances : "", lock_wait_s < 0 ? "-" : wait, who,
		                   user ? user : "", nova_keys ? nova_keys : "", "\r",
		                   shell ? shell : "", ids ? ids : "", NULL };
	char *out = NULL;
	size_t len = 0;
	int status = -1;
	struct mr_facts *f = NULL;
	size_t script_len = sizeof(MR_FACTS_SH) - 1;
	int rc = lock_wait_s < 0
	             ? t->ops->run(t, argv, MR_FACTS_SH, script_len, &out, &len, &status, err)
	             : t->ops->hold(t, argv, MR_FACTS_SH, script_len, &out, &len, &status, err);
	free(who);
	if (rc < 0)
		return NULL;
	f = mr_facts_parse(t->host, out ? out : "", len, err);
	if (!f)
		goto out;
	const char *probe_error = mr_facts_get(f, "error");
	if (probe_error) {
		mr_error_add(err, MR_ERR_HOST, t->host, "%s", probe_error);
		mr_facts_free(f);
		f = NULL;
		goto out;
	}
	const char *lock = mr_facts_get(f, "lock");
	if (lock_wait_s >= 0 && (!lock || strcmp(lock, "held") != 0)) {
		const char *holder_found = mr_facts_get(f, "lock.holder");
		const char *named = mr_facts_get(f, "lock.holder_unconfirmed");
		if (lock && !strcmp(lock, "busy") && holder_found && *holder_found)
			mr_error_add(err, MR_ERR_HOST, t->host, "locked by %s; not changed (waited %d s)",
			             holder_found, lock_wait_s);
		else if (lock && !strcmp(lock, "busy") && named && *named)
			/* a run that has ended, or one that cannot be confirmed */
			mr_error_add(err, MR_ERR_HOST, t->host,
			             "locked by another process (lock.holder names %s, not confirmed to "
			             "hold it); not changed (waited %d s)",
			             named, lock_wait_s);
		else if (lock && !strcmp(lock, "busy"))
			mr_error_add(err, MR_ERR_HOST, t->host,
			             "locked by another process; not changed (waited %d s)", lock_wait_s);
		else
			mr_error_add(err, MR_ERR_HOST, t->host, "cannot take the host's lock: %s",
			             lock && !strncmp(lock, "error ", 6) ? lock + 6 : "the probe failed");
		mr_facts_free(f);
		f = NULL;
		goto out;
	}
	if (!mr_facts_get(f, "probe")) {
		mr_error_add(err, MR_ERR_HOST, t->host, "facts probe failed (exit %d)", status);
		mr_facts_free(f);
		f = NULL;
	}
out:
	free(out);
	return f;
}
