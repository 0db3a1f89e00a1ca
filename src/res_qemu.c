/* The QEMU driver's settings that decide whether a guest can move: who
 * owns the disks, which security model confines it, and which ports the
 * migration stream uses. */
#include "res.h"

/* user, group and security_driver default to what the distribution built
 * libvirt with (root, libvirt-qemu, qemu; apparmor or selinux): no fixed
 * default, so absent is drift. */
static const struct mr_conf_key qemu_keys[] = {
	{ "user", MR_CONF_USER, NULL },
	{ "group", MR_CONF_GROUP, NULL },
	{ "dynamic_ownership", MR_CONF_BOOL, "1" },
	{ "security_driver", MR_CONF_STRINGS, NULL },
	{ "migration_port_min", MR_CONF_INT, "49152" },
	{ "migration_port_max", MR_CONF_INT, "49215" },
};

static int qemu_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	const struct mr_profile *profile = ctx->profile;
	int explicit_defaults = ctx->explicit_defaults;
	(void)err;
	const char *why;
	if (!mr_profile_has_section(profile, "qemu"))
		return 0;
	/* qemu.conf is read by the daemon that runs QEMU: virtqemud on hosts
	 * with modular daemons, libvirtd elsewhere. */
	enum mr_libvirt_world w = mr_res_world(plan, profile, &why);
	struct mr_plan_unit *unit = NULL;
	if (w == MR_WORLD_MODULAR)
		unit = mr_plan_unit(plan, "virtqemud.service");
	else if (w != MR_WORLD_UNKNOWN)
		unit = mr_plan_unit(plan, "libvirtd.service");
	else if (mr_plan_facts(plan) && mr_facts_unit(mr_plan_facts(plan), "libvirtd.service").present == 1)
		unit = mr_plan_unit(plan, "libvirtd.service");
	mr_res_plan_conf(plan, profile, "qemu", "/etc/libvirt/qemu.conf", unit, qemu_keys,
	                 MR_ARRAY_LEN(qemu_keys), explicit_defaults);
	return 0;
}

const struct mr_res_ops mr_res_qemu = {
	.name = "qemu",
	.plan = qemu_plan,
	.keys = qemu_keys,
	.n_keys = MR_ARRAY_LEN(qemu_keys),
};
