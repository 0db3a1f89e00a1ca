/* The QEMU driver's settings that decide whether a guest can move: who
 * owns the disks, which security model confines it, and which ports the
 * migration stream uses. */
#include "res.h"

static const struct mr_conf_key qemu_keys[] = {
	{ "user", MR_CONF_STRING },
	{ "group", MR_CONF_STRING },
	{ "dynamic_ownership", MR_CONF_BOOL },
	{ "security_driver", MR_CONF_STRING },
	{ "migration_port_min", MR_CONF_INT },
	{ "migration_port_max", MR_CONF_INT },
};

static int qemu_plan(struct mr_plan *plan, const struct mr_profile *profile,
                     struct mr_error **err)
{
	(void)err;
	/* qemu.conf is read by libvirtd's QEMU driver: restarting libvirtd
	 * applies it. */
	mr_res_plan_conf(plan, profile, "qemu", "/etc/libvirt/qemu.conf", "libvirtd", qemu_keys,
	                 MR_ARRAY_LEN(qemu_keys));
	return 0;
}

const struct mr_res_ops mr_res_qemu = {
	.name = "qemu",
	.plan = qemu_plan,
	.keys = qemu_keys,
	.n_keys = MR_ARRAY_LEN(qemu_keys),
};
