/* libvirtd's network listener, as libvirtd.conf declares it. */
#include "res.h"

static const struct mr_conf_key libvirtd_keys[] = {
	{ "listen_tls", MR_CONF_BOOL },
	{ "listen_tcp", MR_CONF_BOOL },
	{ "tcp_port", MR_CONF_STRING }, /* libvirtd.conf spells the port as a string */
	{ "auth_tcp", MR_CONF_STRING },
};

static int libvirtd_plan(struct mr_plan *plan, const struct mr_profile *profile,
                         struct mr_error **err)
{
	(void)err;
	mr_res_plan_conf(plan, profile, "libvirtd", "/etc/libvirt/libvirtd.conf", "libvirtd",
	                 libvirtd_keys, MR_ARRAY_LEN(libvirtd_keys));
	return 0;
}

const struct mr_res_ops mr_res_libvirtd = {
	.name = "libvirtd",
	.plan = libvirtd_plan,
	.keys = libvirtd_keys,
	.n_keys = MR_ARRAY_LEN(libvirtd_keys),
};
