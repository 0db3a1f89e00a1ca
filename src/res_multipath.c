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
 * files by name after multipath.conf (their defaults win); above
 * defaults, a device section (for its array's LUNs); above both,
 * overrides (for all, the last read); above all, a multipath section
 * (for its LUN). Each in effect that names LUNs otherwise fails the item,
 * naming the file: migready does not edit them. Facts:
 * "multipath.ufn=FILE SECTION VALUE", in the order read. */
/* A fact of section: its file, and as the rest the value. */
static int ufn_section(const char *line, const char *section, struct mr_file_fact *u)
{
	size_t n = strlen(section);
	if (mr_file_fact_parse(line, u) < 0 || strncmp(u->rest, section, n) != 0 || u->rest[n] != ' ')
		return 0;
	u->rest += n + 1;
	return 1;
}

/* A value as multipathd's set_yes_no_undef reads it: "yes" or "1", "no"
 * or "0", so spelt; another it ignores with a warning (older releases
 * reset the setting to unset instead): -1. */
static int ufn_value(const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "no") || !strcmp(v, "0"))
		return 0;
	return -1;
}

static void check_other_sections(struct mr_plan *plan, const struct mr_setting *s)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **lines = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "multipath.ufn", &lines) : 0;
	int want = mr_setting_bool(s);
	char *origin = mr_plan_origin_of(s);
	struct mr_file_fact u, defaults = { 0 }, overrides = { 0 }, def_ign = { 0 }, ovr_ign = { 0 };
	/* defaults and overrides in effect as multipathd reads a value it
	 * ignores, and as older releases do (unset: defaults' built-in no);
	 * defaults start as multipath.conf's, which migready writes */
	int def = want, def_old = want, ovr = -1, ovr_old = -1;
	for (size_t i = 0; i < n; i++) {
		int v = -1;
		if (ufn_section(lines[i], "defaults", &u)) {
			if (mr_file_fact_is(&u, MULTIPATH_CONF))
				continue;
			if ((v = ufn_value(u.rest)) >= 0)
				def = v, defaults = u;
			else
				def_ign = u;
			def_old = v >= 0 ? v : 0;
		} else if (ufn_section(lines[i], "overrides", &u)) {
			if ((v = ufn_value(u.rest)) >= 0)
				ovr = v, overrides = u;
			else
				ovr_ign = u;
			ovr_old = v;
		} else if (ufn_section(lines[i], "multipath", &u) && (v = ufn_value(u.rest)) >= 0 &&
		           v != want)
			mr_plan_fail(plan, "multipath.user_friendly_names", origin,
			             "%s sets user_friendly_names %s in a multipath section, which "
			             "wins over defaults and overrides for that LUN",
			             mr_fact_path_shown(u.file, u.file_len), u.rest);
	}
	if (ovr != ovr_old || (ovr < 0 && def != def_old)) {
		/* which multipathd reads the host's files tells */
		const struct mr_file_fact *ign = ovr != ovr_old ? &ovr_ign : &def_ign;
		mr_plan_uncheckedf(plan, "multipath.user_friendly_names",
		                   "%s sets user_friendly_names %s in %s, which multipathd "
		                   "ignores (yes, no, 1 or 0 only), and older releases "
		                   "take as unset",
		                   mr_fact_path_shown(ign->file, ign->file_len), ign->rest,
		                   ovr != ovr_old ? "overrides" : "defaults");
	} else if (ovr >= 0 && ovr != want) {
		mr_plan_fail(plan, "multipath.user_friendly_names", origin,
		             "%s sets user_friendly_names %s in overrides, which win over defaults "
		             "and device sections for every LUN",
		             mr_fact_path_shown(overrides.file, overrides.file_len), overrides.rest);
	} else if (ovr < 0) {
		for (size_t i = 0; i < n; i++) {
			int v;
			if (ufn_section(lines[i], "device", &u) && (v = ufn_value(u.rest)) >= 0 &&
			    v != want)
				mr_plan_fail(plan, "multipath.user_friendly_names", origin,
				             "%s sets user_friendly_names %s in a device section, which "
				             "wins over defaults for that array's LUNs",
				             mr_fact_path_shown(u.file, u.file_len), u.rest);
		}
		if (def != want)
			mr_plan_fail(plan, "multipath.user_friendly_names", origin,
			             "%s sets user_friendly_names %s in defaults, read after " MULTIPATH_CONF
			             ": multipathd uses that, not '%s'",
			             mr_fact_path_shown(defaults.file, defaults.file_len), defaults.rest,
			             want ? "yes" : "no");
	}
	free(origin);
	free(lines);
}

/* The maps multipathd runs (live): named as the file now says, or they
 * still carry the names of before (multipathd not reloaded since), which
 * differ between hosts. A name that is neither the WWID nor mpathN is an
 * alias of the multipaths section: not examined. */
static void check_running_maps(struct mr_plan *plan, const struct mr_setting *s,
                               struct mr_plan_cmd *reload)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char **maps = NULL;
	size_t n = facts ? mr_facts_get_all(facts, "mpath.map", &maps) : 0;
	int want = mr_setting_bool(s);
	struct mr_buf off, alias;
	mr_buf_init(&off);
	mr_buf_init(&alias);
	for (size_t i = 0; i < n; i++) {
		size_t nn = strcspn(maps[i], " ");
		const char *wwid = maps[i][nn] ? maps[i] + nn + 1 : "";
		int by_wwid = strlen(wwid) == nn && !strncmp(maps[i], wwid, nn);
		int friendly = nn > 5 && !strncmp(maps[i], "mpath", 5) &&
		               strspn(maps[i] + 5, "abcdefghijklmnopqrstuvwxyz") == nn - 5;
		if (!by_wwid && !friendly)
			mr_buf_printf(&alias, "%s%.*s", alias.len ? ", " : "", (int)nn, maps[i]);
		else if (by_wwid == want)
			mr_buf_printf(&off, "%s%.*s", off.len ? ", " : "", (int)nn, maps[i]);
	}
	char *origin = mr_plan_origin_of(s);
	if (off.len) {
		char *old = mr_xasprintf("maps named %s", off.data);
		mr_plan_observed(plan, reload, "multipath.running", origin, old,
		                 want ? "named mpathN" : "named by WWID", 1, 0);
		free(old);
	}
	if (alias.len) {
		mr_plan_uncheckedf(plan, "multipath.alias",
		                   "multipathd's maps named by an alias: %s", alias.data);
	}
	free(origin);
	mr_buf_fini(&off);
	mr_buf_fini(&alias);
	free(maps);
}

/* Whether multipath.conf may be edited (1), or, missing, be created: not
 * where multipathd.service runs only with one (the RHEL family's
 * ConditionPathExists=; there, without the file, its built-in blacklist
 * is every device): multipath is off, and a new file would switch it on,
 * multipathd taking every disk not blacklisted at the next boot. The item
 * fails then, nothing written (0); so too where the unit's conditions are
 * not known. Facts: "multipath.conf=present|absent",
 * "multipath.unit_cond=yes|no|unknown". */
static int may_edit(struct mr_plan *plan, const struct mr_setting *s)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *conf = facts ? mr_facts_get(facts, "multipath.conf") : NULL;
	const char *cond = facts ? mr_facts_get(facts, "multipath.unit_cond") : NULL;
	if (conf && !strcmp(conf, "present"))
		return 1;
	if (cond && !strcmp(cond, "no"))
		return 1;
	char *origin = mr_plan_origin_of(s);
	mr_plan_fail(plan, "multipath.user_friendly_names", origin,
	             "%s: multipath is not configured on this host, and a new " MULTIPATH_CONF
	             " would switch it on (multipathd taking every disk not blacklisted at the "
	             "next boot); enable it first (mpathconf --enable on the RHEL family), then "
	             "apply again",
	             !conf ? "whether " MULTIPATH_CONF " is there cannot be told"
	             : cond && !strcmp(cond, "yes")
	                 ? "no " MULTIPATH_CONF ", and " MULTIPATHD " runs only where it is "
	                   "(ConditionPathExists=)"
	                 : "no " MULTIPATH_CONF ", and whether " MULTIPATHD " runs without it "
	                   "cannot be told");
	free(origin);
	return 0;
}

static int multipath_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx,
                          struct mr_error **err)
{
	(void)err;
	const struct mr_setting *s = mr_profile_get(ctx->profile, "multipath",
	                                            "user_friendly_names");
	if (!s)
		return 0;
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (!may_edit(plan, s))
		return 0;
	struct mr_plan_file *f = mr_plan_file(plan, MULTIPATH_CONF, "Migready_multipath.lns");
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
	struct mr_unit_state u = facts ? mr_facts_unit(facts, MULTIPATHD)
	                               : (struct mr_unit_state){ -1, NULL, NULL };
	struct mr_plan_cmd *reload = NULL;
	if (u.active && !strcmp(u.active, "active")) {
		static const char *const argv[] = { "systemctl", "--no-ask-password", "reload",
			                                "--", MULTIPATHD, NULL };
		reload = mr_plan_command(plan, "reload " MULTIPATHD, argv);
		/* it may rename the maps under running guests */
		mr_plan_command_service(reload);
		mr_plan_notify_command(f, reload);
	}
	check_running_maps(plan, s, reload);
	/* the maps are multipathd's: stopped, it names nothing and reads no
	 * change (found by a review: its maps' old names drifted with no
	 * item saying why). Starting it is the admin's call: it takes the
	 * paths of every multipath device. */
	if (facts && mr_facts_live(facts)) {
		char *origin = mr_plan_origin_of(s);
		if (u.present == 0)
			mr_plan_fail(plan, "multipath.daemon", origin,
			             "no %s on this host (multipath-tools not installed?)", MULTIPATHD);
		else if (u.active && (!strcmp(u.active, "inactive") || !strcmp(u.active, "failed") ||
		                      !strcmp(u.active, "deactivating")))
			mr_plan_fail(plan, "multipath.daemon", origin,
			             "%s is %s: it makes and names the multipath devices, and reads "
			             "multipath.conf only when it starts; start it",
			             MULTIPATHD, u.active);
		else if (!u.active || strcmp(u.active, "active") != 0)
			/* unknown, or on its way (activating, reloading) */
			mr_plan_unchecked(plan, "multipath.daemon", origin);
		free(origin);
	}
	return 0;
}

const struct mr_res_ops mr_res_multipath = {
	.name = "multipath",
	.plan = multipath_plan,
	.keys = multipath_keys,
	.n_keys = MR_ARRAY_LEN(multipath_keys),
};
