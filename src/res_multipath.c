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
