/* The registry of resources and what they share. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "util.h"

#define LIBVIRT_LENS "Migready_libvirt.lns"

/* Sorted by name. */
static const struct mr_res_ops *const registry[] = {
	&mr_res_file,
	&mr_res_firewall,
	&mr_res_libvirtd,
	&mr_res_multipath,
	&mr_res_nfs,
	&mr_res_nova,
	&mr_res_qemu,
	&mr_res_ssh,
};

const struct mr_res_ops *const *mr_res_all(size_t *n)
{
	*n = MR_ARRAY_LEN(registry);
	return registry;
}

static const struct mr_res_ops *find(const char *section)
{
	if (!strncmp(section, "file ", 5)) /* [file PATH] */
		section = "file";
	for (size_t i = 0; i < MR_ARRAY_LEN(registry); i++)
		if (strcmp(registry[i]->name, section) == 0)
			return registry[i];
	return NULL;
}

static int applies(const struct mr_res_ops *res, const char *key)
{
	if (!strcmp(key, "explicit"))
		return 1;
	for (size_t i = 0; i < res->n_keys; i++)
		if (strcmp(res->keys[i].key, key) == 0)
			return 1;
	return 0;
}

/* Calls fn for every section or key of the profile no resource applies. */
static void each_unapplied(const struct mr_profile *profile,
                           void (*fn)(void *ctx, const char *what, struct mr_loc loc), void *ctx)
{
	for (size_t i = 0; i < mr_profile_section_count(profile); i++) {
		const char *section = mr_profile_section_name(profile, i);
		const struct mr_res_ops *res = find(section);
		if (!strcmp(section, "migready"))
			continue; /* the run's own settings (backups), no resource's */
		if (!res) {
			char *what = mr_xasprintf("[%s]", section);
			fn(ctx, what, mr_profile_section_loc(profile, i));
			free(what);
			continue;
		}
		for (size_t j = 0; j < mr_profile_key_count(profile, i); j++) {
			const char *key = mr_profile_key_name(profile, i, j);
			const struct mr_setting *s = mr_profile_get(profile, section, key);
			if (s && !applies(res, key)) {
				char *what = mr_xasprintf("%s.%s", section, key);
				fn(ctx, what, s->loc);
				free(what);
			}
		}
	}
}

static void warn_one(void *ctx, const char *what, struct mr_loc loc)
{
	(void)ctx;
	mr_log(MR_LOG_WARN, "%s:%u: %s is validated but not applied by this release", loc.file,
	       loc.line, what);
}

void mr_res_warn_unapplied(const struct mr_profile *profile)
{
	each_unapplied(profile, warn_one, NULL);
	for (size_t i = 0; i < MR_ARRAY_LEN(registry); i++)
		if (registry[i]->lint)
			registry[i]->lint(profile);
}

const struct mr_res_listener mr_res_listeners[2] = {
	{ "listen_tcp", "tcp_port", "16509", "libvirtd's tcp_port", 0 },
	{ "listen_tls", "tls_port", "16514", "libvirtd's tls_port", 1 },
};

const char *mr_res_name_loopback(const struct mr_facts *facts, const char *fact)
{
	const char **ips = NULL;
	size_t n = facts ? mr_facts_get_all(facts, fact, &ips) : 0, n_loop = 0;
	for (size_t i = 0; i < n; i++)
		n_loop += (size_t)mr_addr_is_loopback(ips[i], strlen(ips[i]));
	const char *first = n && n_loop == n ? ips[0] : NULL;
	free(ips);
	return first;
}

const char *mr_res_conf_unquoted(const char *v, size_t *len)
{
	size_t n = strlen(v);
	int quoted = n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0];
	*len = n - 2 * (size_t)quoted;
	return v + quoted;
}

/* virconf: a number is an optional sign and digits (a '-' makes it
 * signed), a string is quoted; anything else is a list or no value. */
const char *mr_res_conf_refused(enum mr_conf_type type, const char *v)
{
	size_t n;
	int quoted = mr_res_conf_unquoted(v, &n) != v;
	const char *d = v + (*v == '+' || *v == '-');
	int number = *d && strspn(d, "0123456789") == strlen(d);
	errno = 0;
	unsigned long long value = number ? strtoull(d, NULL, 10) : 0;
	int big = errno == ERANGE;
	switch (type) {
	case MR_CONF_BOOL:
		if (!number || big || value > 1 || (*v == '-' && value))
			return "not a bare 0 or 1, the only booleans libvirt reads";
		return NULL;
	case MR_CONF_INT:
		if (!number || *v == '-' || big || value > 4294967295ULL)
			return "not a bare number from 0 to 4294967295, the only unsigned integers "
			       "libvirt reads";
		return NULL;
	case MR_CONF_STRING:
		return quoted ? NULL : "not a quoted string, the only strings libvirt reads";
	default:
		return NULL;
	}
}

char *mr_res_conf_where(const struct mr_facts *facts, const char *daemon, const char *path,
                        const char *key)
{
	char *fact = mr_xasprintf("%s.line.%s", daemon, key);
	const char *line = facts ? mr_facts_get(facts, fact) : NULL;
	free(fact);
	return line ? mr_xasprintf("%s:%s", path, line) : mr_xstrdup(path);
}

static int conf_key_in(const struct mr_conf_key *table, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(table[i].key, key))
			return 1;
	return 0;
}

void mr_res_check_host_conf(struct mr_plan *plan, const struct mr_profile *profile,
                            const char *section, const char *daemon, const char *path,
                            const struct mr_conf_key *typed, size_t n_typed,
                            const struct mr_conf_key *written, size_t n_written,
                            const char *origin, const char *what)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	for (size_t i = 0; facts && i < n_typed; i++) {
		const char *key = typed[i].key;
		const struct mr_setting *s = mr_profile_get(profile, section, key);
		if (s && conf_key_in(written, n_written, key))
			continue; /* the plan writes it anew */
		char *fact = mr_xasprintf("%s.%s", daemon, key);
		const char *v = mr_facts_get(facts, fact);
		const char *why = v ? mr_res_conf_refused(typed[i].type, v) : NULL;
		free(fact);
		if (!why)
			continue;
		char *where = mr_res_conf_where(facts, daemon, path, key);
		char *item = mr_xasprintf("%s.%s", section, key);
		char *o = s ? mr_plan_origin_of(s) : mr_xstrdup(origin);
		mr_plan_fail(plan, item, o, "%s sets %s = %s, %s: %s", where, key, v, why, what);
		free(o);
		free(item);
		free(where);
	}
}

static char *loc_origin(struct mr_loc loc)
{
	return loc.line ? mr_xasprintf("%s:%u", loc.file, loc.line)
	                : mr_xstrdup(loc.file ? loc.file : "");
}

char *mr_res_section_origin(const struct mr_profile *profile, const char *section)
{
	for (size_t i = 0; i < mr_profile_section_count(profile); i++)
		if (!strcmp(mr_profile_section_name(profile, i), section))
			return loc_origin(mr_profile_section_loc(profile, i));
	return mr_xstrdup("");
}

static void mark_unchecked(void *ctx, const char *what, struct mr_loc loc)
{
	char *origin = loc_origin(loc);
	mr_plan_unchecked(ctx, what, origin);
	free(origin);
}

int mr_res_plan_all(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	int r = 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(registry); i++)
		if (registry[i]->plan(plan, ctx, err) < 0)
			r = -1;
	mr_plan_conflicts(plan);
	each_unapplied(ctx->profile, mark_unchecked, plan);
	return r;
}

enum mr_libvirt_world mr_res_world(const struct mr_plan *plan, const struct mr_profile *profile,
                                   const char **why)
{
	const struct mr_setting *l = mr_profile_get(profile, "libvirtd", "listener");
	static const struct {
		const char *name;
		enum mr_libvirt_world world;
	} forced[] = {
		{ "legacy", MR_WORLD_LEGACY },
		{ "socket", MR_WORLD_SOCKET },
		{ "modular", MR_WORLD_MODULAR },
	};
	for (size_t i = 0; l && i < MR_ARRAY_LEN(forced); i++) {
		if (!strcmp(l->value, forced[i].name)) {
			*why = "the profile's listener";
			return forced[i].world;
		}
	}
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (!facts) {
		*why = "no facts";
		return MR_WORLD_UNKNOWN;
	}
	return mr_facts_libvirt_world(facts, why);
}

/* libvirt reads "+N" in qemu.conf's user and group as the id N: the
 * spelling of name's id, from the host's facts (root's is 0), or NULL */
static char *id_spelling(const struct mr_plan *plan, enum mr_conf_type type, const char *name)
{
	if (!strcmp(name, "root"))
		return mr_xstrdup("+0");
	const struct mr_facts *facts = mr_plan_facts(plan);
	char *key = mr_xasprintf("%s.%s", type == MR_CONF_USER ? "user" : "group", name);
	const char *v = facts ? mr_facts_get(facts, key) : NULL;
	free(key);
	if (!v || !*v)
		return NULL;
	return mr_xasprintf("+%.*s", (int)strcspn(v, ":"), v);
}

static int explicit_for(const struct mr_profile *profile, const char *section, int run_explicit)
{
	const struct mr_setting *e = mr_profile_get(profile, section, "explicit");
	return run_explicit || (e && mr_setting_bool(e));
}

struct mr_plan_file *mr_res_plan_conf(struct mr_plan *plan, const struct mr_profile *profile,
                                      const char *section, const char *path,
                                      struct mr_plan_unit *unit,
                                      const struct mr_conf_key *table, size_t n,
                                      int explicit_defaults)
{
	struct mr_plan_file *f = NULL;
	int explicit = explicit_for(profile, section, explicit_defaults);
	for (size_t i = 0; i < n; i++) {
		const struct mr_setting *s = mr_profile_get(profile, section, table[i].key);
		if (!s || table[i].type == MR_CONF_PLAN)
			continue;
		if (!f)
			f = mr_plan_file(plan, path, LIBVIRT_LENS);
		char *re = mr_xasprintf("%s[ \t]*=.*", table[i].key);
		enum mr_conf_type type = table[i].type;
		char *id = type == MR_CONF_USER || type == MR_CONF_GROUP
		                   ? id_spelling(plan, type, s->value)
		                   : NULL;
		struct mr_aug_op op = {
			.kind = MR_AUG_SET,
			.key = table[i].key,
			.value = table[i].type == MR_CONF_BOOL ? (mr_setting_bool(s) ? "1" : "0")
			                                       : s->value,
			.fmt = type == MR_CONF_BOOL || type == MR_CONF_INT ? MR_FMT_LIBVIRT_NUM
			                                                   : MR_FMT_LIBVIRT_STR,
			.comment_re = re,
			.deflt = table[i].deflt,
			.explicit_default = explicit,
			.one_item_list = type == MR_CONF_STRINGS,
			.same_as = id,
		};
		mr_plan_add(f, s, &op);
		free(id);
		free(re);
	}
	if (f && unit)
		mr_plan_notify(f, unit);
	return f;
}
