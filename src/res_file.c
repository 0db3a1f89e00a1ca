/* [file PATH] sections: generic edits of any file Augeas has a lens for,
 * "set = AUGPATH VALUE" and "rm = AUGPATH" on the file's own tree (the
 * schema keeps every path inside it: no "..", no axis upwards, nothing
 * from "/"). No service is told: the profile names none. A sysctl file
 * is read by the kernel at boot only: what the running kernel has is not
 * examined, and said. */
#include <stdlib.h>
#include <string.h>

#include "res.h"

static const struct mr_conf_key file_keys[] = {
	{ "lens", MR_CONF_PLAN, NULL },
	{ "set", MR_CONF_PLAN, NULL },
	{ "rm", MR_CONF_PLAN, NULL },
};

static void plan_section(struct mr_plan *plan, const struct mr_profile *profile,
                         const char *section)
{
	const struct mr_setting *lens = mr_profile_get(profile, section, "lens");
	if (!lens)
		return; /* the profile's cross-check refuses this */
	char *lns = strchr(lens->value, '.') ? mr_xstrdup(lens->value)
	                                     : mr_xasprintf("%s.lns", lens->value);
	struct mr_plan_file *f = mr_plan_file(plan, section + strlen("file "), lns);
	static const char *const keys[] = { "rm", "set" };
	/* Removals first: "rm = a" then "set = a/b 1" builds a fresh a. */
	for (size_t k = 0; k < MR_ARRAY_LEN(keys); k++) {
		size_t n = 0;
		const struct mr_setting *const *v = mr_profile_get_all(profile, section, keys[k], &n);
		for (size_t i = 0; i < n; i++) {
			size_t pn = mr_profile_aug_path_len(v[i]->value);
			char *path = mr_xstrndup(v[i]->value, pn);
			const char *value = v[i]->value + pn + strspn(v[i]->value + pn, " \t");
			struct mr_aug_op op = {
				.kind = k ? MR_AUG_SET : MR_AUG_RM,
				.key = path,
				.value = k ? value : NULL,
				.fmt = MR_FMT_RAW,
			};
			char *setting = mr_xasprintf("file.%s", path);
			char *origin = mr_plan_origin_of(v[i]);
			mr_plan_add_as(f, setting, origin, &op);
			free(origin);
			free(setting);
			free(path);
		}
	}
	if (!strcmp(lns, "Sysctl.lns")) {
		mr_plan_uncheckedf(plan, "file.sysctl_running",
		                   "%s: the running kernel's values (it reads the file at boot, "
		                   "or at sysctl --system)",
		                   section + strlen("file "));
	}
	free(lns);
}

static int file_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	(void)err;
	for (size_t i = 0; i < mr_profile_section_count(ctx->profile); i++) {
		const char *section = mr_profile_section_name(ctx->profile, i);
		if (!strncmp(section, "file ", 5))
			plan_section(plan, ctx->profile, section);
	}
	return 0;
}

const struct mr_res_ops mr_res_file = {
	.name = "file",
	.plan = file_plan,
	.keys = file_keys,
	.n_keys = MR_ARRAY_LEN(file_keys),
};
