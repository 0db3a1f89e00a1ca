/* multipath.conf's user_friendly_names, in its defaults section: with
 * "no", a LUN is named by its WWID, the same on every host, so a guest's
 * disk path means the same device after migration. The section and the
 * file are created when missing; blacklist and multipaths sections (and
 * their aliases) are left as they are. multipathd reloads when it runs. */
#include <stdlib.h>
#include <string.h>

#include "res.h"

#define MULTIPATH_CONF "/etc/multipath.conf"
#define MULTIPATHD "multipathd.service"

static const struct mr_conf_key multipath_keys[] = {
	{ "user_friendly_names", MR_CONF_PLAN, NULL },
};

/* What multipathd reads besides the defaults migready writes: conf.d's
 * files by name after multipath.conf (their defaults win), a device or
 * multipath section (for its LUNs), overrides (for all). Each that names
 * LUNs otherwise fails the item, naming the file: migready does not edit
 * them. Facts: "multipath.ufn=FILE SECTION VALUE", in the order read. */
static void check_other_sections(struct mr_plan *plan, const struct mr_setting *s)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "multipath.ufn", &lines) : 0;
	int want = mr_setting_bool(s);
	char *origin = mr_plan_origin_of(s);
	const char *last_defaults = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *sp = strchr(lines[i], ' ');
		const char *vp = sp ? strchr(sp + 1, ' ') : NULL;
		if (!vp)
			continue;
		int file_len = (int)(sp - lines[i]);
		int sec_len = (int)(vp - sp - 1);
		int mine = file_len == (int)strlen(MULTIPATH_CONF) &&
		           !strncmp(lines[i], MULTIPATH_CONF, (size_t)file_len);
		int is_defaults = sec_len == 8 && !strncmp(sp + 1, "defaults", 8);
		if (is_defaults) {
			last_defaults = mine ? NULL : lines[i];
			continue;
		}
		if (mr_parse_bool(vp + 1) == want)
			continue;
		const char *where = sec_len == 9 && !strncmp(sp + 1, "overrides", 9)
		                            ? "overrides, which win over defaults for every LUN"
		                    : sec_len == 6 && !strncmp(sp + 1, "device", 6)
		                            ? "a device section, which wins over defaults for that "
		                              "array's LUNs"
		                            : "a multipath section, which wins over defaults for that LUN";
		mr_plan_fail(plan, "multipath.user_friendly_names", origin,
		             "%.*s sets user_friendly_names %s in %s", file_len, lines[i], vp + 1,
		             where);
	}
	if (last_defaults) {
		const char *sp = strchr(last_defaults, ' ');
		const char *vp = strchr(sp + 1, ' ');
		if (mr_parse_bool(vp + 1) != want)
			mr_plan_fail(plan, "multipath.user_friendly_names", origin,
			             "%.*s sets user_friendly_names %s in defaults, read after "
			             MULTIPATH_CONF ": multipathd uses that, not '%s'",
			             (int)(sp - last_defaults), last_defaults, vp + 1,
			             want ? "yes" : "no");
	}
	free(origin);
	free(lines);
}

static int multipath_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx,
                          struct mr_error **err)
{
	(void)err;
	const struct mr_setting *s = mr_profile_get(ctx->profile, "multipath",
	                                            "user_friendly_names");
	if (!s)
		return 0;
	struct mr_plan_file *f = mr_plan_file(plan, MULTIPATH_CONF, "Multipath.lns");
	struct mr_aug_op op = {
		.kind = MR_AUG_SET,
		.section = "defaults",
		.key = "user_friendly_names",
		.value = mr_setting_bool(s) ? "yes" : "no",
		.fmt = MR_FMT_RAW,
	};
	mr_plan_add(f, s, &op);
	check_other_sections(plan, s);
	/* A reload, not a restart: multipathd keeps its maps and rereads the
	 * file; a stopped multipathd reads it when it starts. */
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_unit_state u = facts ? mr_facts_unit(facts, MULTIPATHD)
	                               : (struct mr_unit_state){ -1, NULL, NULL };
	if (u.active && !strcmp(u.active, "active")) {
		static const char *const argv[] = { "systemctl", "--no-ask-password", "reload",
			                                "--", MULTIPATHD, NULL };
		mr_plan_notify_command(f, mr_plan_command(plan, "reload " MULTIPATHD, argv));
	}
	return 0;
}

const struct mr_res_ops mr_res_multipath = {
	.name = "multipath",
	.plan = multipath_plan,
	.keys = multipath_keys,
	.n_keys = MR_ARRAY_LEN(multipath_keys),
};
