/* Resources: one per concern of DESIGN.md. Each turns its profile section
 * into operations on a plan, without I/O. */
#ifndef MR_RES_H
#define MR_RES_H

#include "plan.h"
#include "profile.h"

struct mr_conf_key;

struct mr_res_ops {
	const char *name; /* the profile section it owns */
	/* Adds its operations; returns -1 with err set on a problem the schema
	 * could not catch. */
	int (*plan)(struct mr_plan *plan, const struct mr_profile *profile,
	            struct mr_error **err);
	/* The keys of its section it applies; others are only validated. */
	const struct mr_conf_key *keys;
	size_t n_keys;
};

extern const struct mr_res_ops mr_res_libvirtd;
extern const struct mr_res_ops mr_res_qemu;

/* How one profile key of a libvirt-style conf file is written. */
enum mr_conf_type {
	MR_CONF_BOOL,   /* written 0 or 1 */
	MR_CONF_INT,    /* written bare */
	MR_CONF_STRING, /* written quoted */
};

struct mr_conf_key {
	const char *key;   /* the same name in the profile and in the file */
	enum mr_conf_type type;
};

/* Plans "key = value" for each key of table that section sets, in the file
 * at path (a libvirt conf file read with Migready_libvirt.lns); a new entry
 * goes below its commented default. service: restarted when it changes. */
void mr_res_plan_conf(struct mr_plan *plan, const struct mr_profile *profile,
                      const char *section, const char *path, const char *service,
                      const struct mr_conf_key *table, size_t n);

/* Warns, once per profile, of each section and key the profile sets that
 * no resource applies yet (validated, not applied): a check must not look
 * as if it covered them. */
void mr_res_warn_unapplied(const struct mr_profile *profile);

/* All resources, sorted by name. */
const struct mr_res_ops *const *mr_res_all(size_t *n);

/* Plans every resource for one host's profile. */
int mr_res_plan_all(struct mr_plan *plan, const struct mr_profile *profile,
                    struct mr_error **err);

#endif
