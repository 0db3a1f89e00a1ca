/* The registry of resources and what they share. */
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "util.h"

#define LIBVIRT_LENS "Migready_libvirt.lns"

/* Sorted by name. */
static const struct mr_res_ops *const registry[] = {
	&mr_res_libvirtd,
	&mr_res_qemu,
};

const struct mr_res_ops *const *mr_res_all(size_t *n)
{
	*n = MR_ARRAY_LEN(registry);
	return registry;
}

int mr_res_plan_all(struct mr_plan *plan, const struct mr_profile *profile,
                    struct mr_error **err)
{
	int r = 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(registry); i++)
		if (registry[i]->plan(plan, profile, err) < 0)
			r = -1;
	return r;
}

static const struct mr_res_ops *find(const char *section)
{
	for (size_t i = 0; i < MR_ARRAY_LEN(registry); i++)
		if (strcmp(registry[i]->name, section) == 0)
			return registry[i];
	return NULL;
}

static int applies(const struct mr_res_ops *res, const char *key)
{
	for (size_t i = 0; i < res->n_keys; i++)
		if (strcmp(res->keys[i].key, key) == 0)
			return 1;
	return 0;
}

void mr_res_warn_unapplied(const struct mr_profile *profile)
{
	for (size_t i = 0; i < mr_profile_section_count(profile); i++) {
		const char *section = mr_profile_section_name(profile, i);
		const struct mr_res_ops *res = find(section);
		if (!res) {
			struct mr_loc loc = mr_profile_section_loc(profile, i);
			mr_log(MR_LOG_WARN, "%s:%u: [%s] is validated but not applied by this release",
			       loc.file, loc.line, section);
			continue;
		}
		for (size_t j = 0; j < mr_profile_key_count(profile, i); j++) {
			const char *key = mr_profile_key_name(profile, i, j);
			const struct mr_setting *s = mr_profile_get(profile, section, key);
			if (s && !applies(res, key))
				mr_log(MR_LOG_WARN,
				       "%s:%u: %s.%s is validated but not applied by this release",
				       s->loc.file, s->loc.line, section, key);
		}
	}
}

void mr_res_plan_conf(struct mr_plan *plan, const struct mr_profile *profile,
                      const char *section, const char *path, const char *service,
                      const struct mr_conf_key *table, size_t n)
{
	struct mr_plan_file *f = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct mr_setting *s = mr_profile_get(profile, section, table[i].key);
		if (!s)
			continue;
		if (!f)
			f = mr_plan_file(plan, path, LIBVIRT_LENS, service);
		char *re = mr_xasprintf("%s[ \t]*=.*", table[i].key);
		struct mr_aug_op op = {
			.kind = MR_AUG_SET,
			.key = table[i].key,
			.value = table[i].type == MR_CONF_BOOL ? (mr_setting_bool(s) ? "1" : "0")
			                                       : s->value,
			.fmt = table[i].type == MR_CONF_STRING ? MR_FMT_LIBVIRT_STR
			                                       : MR_FMT_LIBVIRT_NUM,
			.comment_re = re,
		};
		mr_plan_add(f, s, &op);
		free(re);
	}
}
