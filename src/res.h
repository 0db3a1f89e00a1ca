/* Resources: one per concern of DESIGN.md. Each turns its profile section
 * into operations on a plan, without I/O. */
#ifndef MR_RES_H
#define MR_RES_H

#include "plan.h"
#include "profile.h"

struct mr_res_ops {
	const char *name; /* the profile section it owns */
	/* Adds its operations; returns -1 with err set on a problem the schema
	 * could not catch. */
	int (*plan)(struct mr_plan *plan, const struct mr_profile *profile,
	            struct mr_error **err);
};

extern const struct mr_res_ops mr_res_libvirtd;
extern const struct mr_res_ops mr_res_qemu;

/* All resources, sorted by name. */
const struct mr_res_ops *const *mr_res_all(size_t *n);

/* Plans every resource for one host's profile. */
int mr_res_plan_all(struct mr_plan *plan, const struct mr_profile *profile,
                    struct mr_error **err);

#endif
