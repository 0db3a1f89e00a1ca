/* nova.conf, written in the option names the host's nova release reads
 * (nova.c holds the table of nova's option history): the release comes
 * from the profile, or with "auto" from the facts; options the release no
 * longer reads are removed; nova-compute restarts when the file changed. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nova.h"
#include "res.h"

#define NOVA_CONF "/etc/nova/nova.conf"
#define OSLO_LENS "Migready_oslo.lns"

static const struct mr_conf_key nova_keys[] = {
	{ "release", MR_CONF_PLAN, NULL },
	{ "instances_path", MR_CONF_PLAN, NULL },
	{ "live_migration_flag", MR_CONF_PLAN, NULL },
	{ "cpu_mode", MR_CONF_PLAN, NULL },
	{ "cpu_model", MR_CONF_PLAN, NULL },
	{ "live_migration_bandwidth", MR_CONF_PLAN, NULL },
	{ "max_concurrent_live_migrations", MR_CONF_PLAN, NULL },
	{ "set", MR_CONF_PLAN, NULL },
};

/* Each problem becomes a failed item of its own: a host whose nova.conf
 * cannot be planned is never green, and its other concerns still run. */
static void fail_each(struct mr_plan *plan, const char *setting, const char *origin,
                      struct mr_error *err)
{
	for (struct mr_error *e = err; e; e = e->next)
		mr_plan_fail(plan, setting, e->where ? e->where : origin, "%s", e->message);
}

/* nova-compute's unit: Debian's name, or RHEL's. */
static const char *compute_unit(const struct mr_facts *facts)
{
	if (facts && mr_facts_unit(facts, "nova-compute.service").present != 1 &&
	    mr_facts_unit(facts, "openstack-nova-compute.service").present == 1)
		return "openstack-nova-compute.service";
	return "nova-compute.service";
}

/* oslo.config's booleans, spelt any of its ways */
static const char *bool_word(const char *v)
{
	static const char *const yes[] = { "true", "1", "yes", "on" }, *const no[] = { "false", "0", "no", "off" };
	for (size_t i = 0; i < MR_ARRAY_LEN(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return "true";
		if (!strcasecmp(v, no[i]))
			return "false";
	}
	return NULL;
}

static int same_value(const char *a, const char *b)
{
	const char *ba = bool_word(a), *bb = bool_word(b);
	return ba && bb ? ba == bb : !strcmp(a, b);
}

/* An option that another of nova's files, read after nova.conf, sets to
 * something else: nova-compute uses that value, whatever nova.conf says,
 * so the item fails and names the file (migready does not edit it). */
static void check_overrides(struct mr_plan *plan, const struct mr_facts *facts,
                            const struct mr_nova_edit *e, const char *setting, const char *where)
{
	if (!facts || !e->value)
		return;
	const char **lines = NULL;
	size_t n = mr_facts_get_all(facts, "nova.other", &lines);
	char *opt = mr_xasprintf("%s/%s", e->section, e->key);
	const char *last = NULL;
	size_t file_len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *sp = strchr(lines[i], ' ');
		if (!sp || strncmp(sp + 1, opt, strlen(opt)) != 0 || sp[1 + strlen(opt)] != ' ')
			continue;
		last = lines[i];
		file_len = (size_t)(sp - lines[i]);
	}
	if (last) {
		const char *value = last + file_len + 1 + strlen(opt) + 1;
		if (!same_value(value, e->value))
			mr_plan_fail(plan, setting, where,
			             "%.*s sets [%s] %s = '%s', read after " NOVA_CONF
			             ": nova-compute uses that, not '%s'",
			             (int)file_len, last, e->section, e->key, value, e->value);
	}
	free(opt);
	free(lines);
}

static int nova_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	(void)err;
	const struct mr_profile *profile = ctx->profile;
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_error *e = NULL;
	struct mr_nova_edit *edits = NULL;
	size_t n = 0;
	unsigned major = 0;
	if (!mr_profile_has_section(profile, "nova"))
		return 0;
	const struct mr_setting *rel = mr_profile_get(profile, "nova", "release");
	char *origin = rel ? mr_plan_origin_of(rel) : mr_xstrdup("[nova]");
	char *version = facts ? mr_facts_nova_version(facts) : NULL;
	if (mr_nova_release(profile, version, &major, &e) < 0) {
		fail_each(plan, "nova.release", origin, e);
		goto out;
	}
	if (mr_nova_plan(major, profile, ctx->cpus, &edits, &n, &e) < 0) {
		fail_each(plan, "nova", origin, e);
		goto out;
	}
	if (!n)
		goto out;
	struct mr_plan_file *f = mr_plan_file(plan, NOVA_CONF, OSLO_LENS);
	for (size_t i = 0; i < n; i++) {
		struct mr_aug_op op;
		mr_nova_edit_op(&edits[i], &op);
		char *setting = mr_xasprintf("nova.%s.%s", edits[i].section, edits[i].key);
		char *where = edits[i].origin ? mr_plan_origin_of(edits[i].origin)
		                              : mr_xasprintf("not read by nova %u", major);
		mr_plan_add_as(f, setting, where, &op);
		if (edits[i].deprecated) {
			char *note = mr_xasprintf("deprecated in this release%s%s",
			                          edits[i].note ? ": " : "",
			                          edits[i].note ? edits[i].note : "");
			mr_log(MR_LOG_WARN, "%s: [%s] %s is deprecated in nova %u%s%s", where,
			       edits[i].section, edits[i].key, major, edits[i].note ? ": " : "",
			       edits[i].note ? edits[i].note : "");
			mr_plan_note(f, note);
			free(note);
		} else {
			mr_plan_note(f, edits[i].note);
		}
		check_overrides(plan, facts, &edits[i], setting, where);
		free(where);
		free(setting);
	}
	mr_plan_notify(f, mr_plan_unit(plan, compute_unit(facts)));
out:
	mr_nova_edits_free(edits, n);
	mr_error_free(e);
	free(version);
	free(origin);
	return 0;
}

const struct mr_res_ops mr_res_nova = {
	.name = "nova",
	.plan = nova_plan,
	.keys = nova_keys,
	.n_keys = MR_ARRAY_LEN(nova_keys),
};
