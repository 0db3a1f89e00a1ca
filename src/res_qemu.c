/* The QEMU driver's settings that decide whether a guest can move: who
 * owns the disks, which security model confines it, and which ports the
 * migration stream uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Where the migration stream reaches this host: QEMU listens at
 * migration_address (every address by default) and the source connects
 * to migration_host (this host's name by default). The loopback in
 * either is no migration, so is a migration_address name this host's
 * /etc/hosts gives loopback addresses only (QEMU binds what it resolves
 * here; libvirt refuses only localhost names); migration_host is resolved
 * by the source, and another address is not compared with what the peers
 * reach. */
static void check_stream_address(struct mr_plan *plan, const char *origin)
{
	static const struct {
		const char *key, *does, *ips; /* ips: the probe's addresses of a name */
	} keys[] = {
		{ "migration_address", "QEMU listens for an incoming migration there only",
		  "qemu.migration_address_ip" },
		{ "migration_host", "the source host's QEMU connects there, to itself", NULL },
	};
	const struct mr_facts *facts = mr_plan_facts(plan);
	for (size_t i = 0; facts && i < MR_ARRAY_LEN(keys); i++) {
		char *fact = mr_xasprintf("qemu.%s", keys[i].key);
		const char *v = mr_facts_get(facts, fact);
		free(fact);
		if (!v)
			continue;
		size_t n;
		const char *bare = mr_res_conf_unquoted(v, &n);
		char *item = mr_xasprintf("qemu.%s", keys[i].key);
		const char *ip = keys[i].ips ? mr_res_name_loopback(facts, keys[i].ips) : NULL;
		if (mr_addr_is_loopback(bare, n))
			mr_plan_fail(plan, item, origin,
			             "/etc/libvirt/qemu.conf sets %s = %s, the loopback: %s; other hosts "
			             "cannot migrate to this one",
			             keys[i].key, v, keys[i].does);
		else if (ip)
			mr_plan_fail(plan, item, origin,
			             "/etc/libvirt/qemu.conf sets %s = %s, which this host's /etc/hosts "
			             "gives the loopback address %s only: %s; other hosts cannot migrate "
			             "to this one",
			             keys[i].key, v, ip, keys[i].does);
		else if (!mr_addr_is_any(bare, n)) {
			char *where = mr_xasprintf("/etc/libvirt/qemu.conf %s = %s", keys[i].key, v);
			mr_plan_unchecked(plan, item, where);
			free(where);
		}
		free(item);
	}
}

/* A [qemu] user or group value that is a name (not "+N" nor a number). */
static const char *id_name(const struct mr_profile *profile, const char *key)
{
	const struct mr_setting *s = mr_profile_get(profile, "qemu", key);
	if (!s || s->value[0] == '+' || strspn(s->value, "0123456789") == strlen(s->value))
		return NULL;
	return s->value;
}

char *mr_res_qemu_ids(const struct mr_profile *profile)
{
	const char *u = id_name(profile, "user"), *g = id_name(profile, "group");
	return u || g ? mr_xasprintf("%s %s", u ? u : "-", g ? g : "-") : NULL;
}

/* libvirt's QEMU driver does not start with a user or group the host
 * lacks: known missing only where the probe read the account files. */
static void check_ids_exist(struct mr_plan *plan, const struct mr_profile *profile)
{
	static const struct {
		const char *key, *file, *fact;
	} ids[] = { { "user", "passwd", "user" }, { "group", "group", "group" } };
	const struct mr_facts *facts = mr_plan_facts(plan);
	for (size_t i = 0; facts && i < MR_ARRAY_LEN(ids); i++) {
		const char *name = id_name(profile, ids[i].key);
		char *read = mr_xasprintf("ids.%s", ids[i].file);
		char *fact = name ? mr_xasprintf("%s.%s", ids[i].fact, name) : NULL;
		if (name && strcmp(name, "root") != 0 && mr_facts_get(facts, read) &&
		    !mr_facts_get(facts, fact)) {
			char *origin = mr_plan_origin_of(mr_profile_get(profile, "qemu", ids[i].key));
			char *item = mr_xasprintf("qemu.%s", ids[i].key);
			mr_plan_fail(plan, item, origin,
			             "this host has no %s '%s': libvirt's QEMU driver would not start",
			             ids[i].key, name);
			free(item);
			free(origin);
		}
		free(fact);
		free(read);
	}
}

/* QEMU opens /dev/kvm as qemu.conf's user, with the user's primary group,
 * the groups that list it and qemu.conf's group (libvirt's
 * virGetGroupList): a user none of them lets in starts no guest, nor
 * takes one in (found by a review: user = nova on Debian 12, whose
 * /dev/kvm is 0660 root:kvm, was green). The device as the host makes it:
 * live, its node; in a tree, its udev rules. Known shut out, the user is
 * not written and its item fails; not known, it is not checked. Returns
 * the key refused, or NULL. */
static const char *kvm_refused(struct mr_plan *plan, const struct mr_profile *profile)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *user = id_name(profile, "user");
	if (!facts || !user || !strcmp(user, "root"))
		return NULL;
	const struct mr_setting *us = mr_profile_get(profile, "qemu", "user");
	const struct mr_setting *gs = mr_profile_get(profile, "qemu", "group");
	uid_t uid;
	gid_t primary, gid;
	int known_user = mr_facts_user_ids(facts, user, &uid, &primary) == 0;
	if (known_user && uid == 0)
		return NULL;
	int known_gid = gs && mr_facts_group_gid(facts, gs->value, &gid) == 0;
	long mode = -1, dev_gid = -1, dev_uid = 0;
	const char *dev_group = NULL;
	const char *dev = mr_facts_get(facts, "kvm.dev");
	const char *rules = mr_facts_get(facts, "kvm.rules");
	char *group_name = NULL;
	if (dev && !strcmp(dev, "absent")) {
		mr_plan_unchecked(plan, "qemu.kvm_access",
		                  "/dev/kvm: this host has none (KVM not loaded?), so whether QEMU's "
		                  "user opens it is not examined");
		return NULL;
	}
	/* "MODE GID UID" (an older probe: no UID, root's) */
	if (dev && sscanf(dev, "%lo %ld %ld", &mode, &dev_gid, &dev_uid) < 2)
		mode = -1;
	/* "? FILE": a rule there that may or may not apply (an ENV match...) */
	if (!dev && rules && rules[0] == '?') {
		mr_plan_uncheckedf(plan, "qemu.kvm_access",
		                   "/dev/kvm: the mode and group this image's udev rules give "
		                   "it (%s has a rule for it that may or may not apply, or one "
		                   "not read)",
		                   rules[1] ? rules + 2 : "a file");
		return NULL;
	}
	if (!dev && rules) {
		/* "MODE GROUP": udev gives a node with a group 0660 unless told */
		const char *sp = strchr(rules, ' ');
		int grouped = sp && strcmp(sp + 1, "-") != 0;
		if (grouped) {
			group_name = mr_xstrdup(sp + 1);
			dev_group = group_name;
			gid_t g;
			dev_gid = mr_facts_group_gid(facts, dev_group, &g) == 0 ? (long)g : -1;
		}
		mode = rules[0] != '-' ? strtol(rules, NULL, 8) : grouped ? 0660 : -1;
	}
	gid_t kvm;
	if (dev_gid >= 0 && !dev_group && mr_facts_group_gid(facts, "kvm", &kvm) == 0 &&
	    (long)kvm == dev_gid)
		dev_group = "kvm";
	const char *refused = NULL;
	char *origin = mr_plan_origin_of(us);
	if (mode < 0 || (dev_gid < 0 && (mode & 06) != 06)) {
		mr_plan_unchecked(plan, "qemu.kvm_access",
		                  mr_facts_live(facts) ? "/dev/kvm: its mode and group (not read)"
		                                       : "/dev/kvm: the mode and group this image's udev "
		                                         "rules give it (none found)");
		goto out;
	}
	/* the owner's bits, or the group's for the user's primary group, the
	 * groups listing it (kvm's members alone are read) and qemu.conf's */
	int opens = (mode & 06) == 06 ||
	            (known_user && dev_uid == (long)uid && (mode & 0600) == 0600);
	if (!opens && (mode & 060) == 060 && known_user)
		opens = dev_gid == (long)primary || (known_gid && dev_gid == (long)gid) ||
		        (dev_group && !strcmp(dev_group, "kvm") &&
		         mr_facts_in_group(facts, "kvm", 3, user, primary));
	int whole = mr_facts_get(facts, "ids.passwd") && mr_facts_get(facts, "ids.group") &&
	            known_user && known_gid && dev_group && !strcmp(dev_group, "kvm");
	if (opens)
		goto out;
	if (!whole) {
		/* members are read of kvm alone (the probe's account files) */
		char *why = dev_group && strcmp(dev_group, "kvm") != 0
		                    ? mr_xasprintf("/dev/kvm: whether QEMU's user is in its group %s, "
		                                   "whose members the probe does not read",
		                                   dev_group)
		                    : mr_xstrdup("/dev/kvm: whether QEMU's user is in its group (the "
		                                 "accounts, qemu.conf's group or the device's group "
		                                 "are not all known)");
		mr_plan_unchecked(plan, "qemu.kvm_access", why);
		free(why);
		goto out;
	}
	refused = "user";
	char mode_text[16], owner[32];
	snprintf(mode_text, sizeof(mode_text), "%04lo", mode & 07777);
	if (dev_uid == 0)
		snprintf(owner, sizeof(owner), "root");
	else
		snprintf(owner, sizeof(owner), "uid %ld", dev_uid);
	mr_plan_fail(plan, "qemu.user", origin,
	             "QEMU would run as %s%s%s, who is not in group %s, and /dev/kvm is %s "
	             "%s:%s on this host: QEMU cannot open it, so no guest starts here nor "
	             "arrives by migration; not written (add %s to group %s, or set [qemu] "
	             "group = %s)",
	             user, gs ? ":" : "", gs ? gs->value : "", dev_group, mode_text, owner,
	             dev_group, user, dev_group, dev_group);
out:
	free(origin);
	free(group_name);
	return refused;
}

long mr_res_qemu_port(const struct mr_profile *profile, const struct mr_facts *facts,
                      const char *key, char **from)
{
	const struct mr_setting *s = mr_profile_get(profile, "qemu", key);
	if (s) {
		*from = mr_plan_origin_of(s);
		return mr_setting_long(s);
	}
	char *fact = mr_xasprintf("qemu.%s", key);
	const char *v = facts ? mr_facts_get(facts, fact) : NULL;
	free(fact);
	for (size_t i = 0; !v && i < MR_ARRAY_LEN(qemu_keys); i++)
		if (!strcmp(qemu_keys[i].key, key)) {
			*from = mr_xasprintf("libvirt's default %s = %s", key, qemu_keys[i].deflt);
			return strtol(qemu_keys[i].deflt, NULL, 10);
		}
	if (!v) {
		*from = mr_xasprintf("no %s", key);
		return 0;
	}
	char *where = mr_res_conf_where(facts, "qemu", "/etc/libvirt/qemu.conf", key);
	*from = mr_xasprintf("%s sets %s = %s", where, key, v);
	free(where);
	char *end;
	long port = strtol(v, &end, 10);
	return end != v && !*end && port > 0 && port <= 65535 ? port : 0;
}

/* libvirt refuses a qemu.conf whose migration_port_max is below its
 * migration_port_min (the QEMU driver then does not start). Where the
 * profile sets one end only (both: the profile's own check), a value that
 * makes such a range with the other end in effect fails its item and is
 * not written. Returns that key, or NULL. */
static const char *port_end_refused(struct mr_plan *plan, const struct mr_profile *profile)
{
	static const char *const ends[2] = { "migration_port_min", "migration_port_max" };
	const struct mr_setting *set[2] = { mr_profile_get(profile, "qemu", ends[0]),
		                            mr_profile_get(profile, "qemu", ends[1]) };
	if (!set[0] == !set[1])
		return NULL;
	char *from[2];
	long port[2];
	for (int k = 0; k < 2; k++)
		port[k] = mr_res_qemu_port(profile, mr_plan_facts(plan), ends[k], &from[k]);
	int ours = set[0] ? 0 : 1;
	const char *refused = NULL;
	if (port[0] && port[1] && port[0] > port[1]) {
		refused = ends[ours];
		char *item = mr_xasprintf("qemu.%s", refused);
		mr_plan_fail(plan, item, from[ours],
		             "%s = %ld, and %s: libvirt refuses a migration_port_max below "
		             "migration_port_min, and its QEMU driver would not start; not written",
		             refused, port[ours], from[!ours]);
		free(item);
	}
	free(from[0]);
	free(from[1]);
	return refused;
}

/* Whether a profile name (len bytes) ends in word. */
static int name_ends(const char *name, size_t len, const char *word)
{
	size_t w = strlen(word);
	return len >= w && !strncmp(name + len - w, word, w);
}

/* Whether libvirt's AppArmor driver finds daemon (libvirtd, virtqemud)
 * confined, as its probe asks at start: a name in the kernel's list of
 * loaded profiles ends in the daemon's path, or in libvirtd (it searches
 * the list for "PATH " or "libvirtd "), in any mode; else it turns the
 * driver off. 1 yes; 0 no, *why saying so;
 * -1 not known, *why saying what (the caller frees *why). */
static int daemon_confined(const struct mr_facts *facts, const char *daemon, char **why)
{
	*why = NULL;
	int modular = !strcmp(daemon, "virtqemud");
	int on = 0, own = 0;
	if (mr_facts_live(facts)) {
		if (!mr_facts_get(facts, "apparmor.profiles")) {
			*why = mr_xasprintf("whether %s runs under an AppArmor profile (the probe could "
			                    "not read /sys/kernel/security/apparmor/profiles), which "
			                    "security_driver = apparmor needs",
			                    daemon);
			return -1;
		}
		const char **v = NULL;
		size_t n = mr_facts_get_all(facts, "apparmor.profile", &v);
		char *path = mr_xasprintf("/%s", daemon);
		for (size_t i = 0; i < n; i++) { /* "NAME (MODE)" */
			const char *mode = strrchr(v[i], '(');
			size_t len = mode && mode > v[i] ? (size_t)(mode - v[i] - 1) : strlen(v[i]);
			on |= name_ends(v[i], len, "libvirtd") || name_ends(v[i], len, path);
			own |= len == strlen(daemon) && !strncmp(v[i], daemon, len);
		}
		free(path);
		free(v);
		if (on)
			return 1;
		if (own) {
			*why = mr_xasprintf("whether libvirt takes %s's profile named %s for its own "
			                    "(libvirt looks for the daemon's path or libvirtd)",
			                    daemon, daemon);
			return -1;
		}
		*why = mr_xasprintf("%s runs under no AppArmor profile of its own "
		                    "(/sys/kernel/security/apparmor/profiles names neither its path nor "
		                    "libvirtd), and libvirt then turns its AppArmor driver off",
		                    daemon);
		return 0;
	}
	/* a tree: the profile files apparmor loads at boot */
	static const char lv[] = "/etc/apparmor.d/usr.sbin.libvirtd",
	                  qd[] = "/etc/apparmor.d/usr.sbin.virtqemud";
	const char **v = NULL;
	size_t n = mr_facts_get_all(facts, "apparmor.file", &v);
	int known = 0;
	for (size_t i = 0; i < n; i++) { /* "FILE STATE" */
		struct mr_file_fact f;
		if (mr_file_fact_parse(v[i], &f) < 0)
			continue;
		int loads = !strcmp(f.rest, "present") || !strcmp(f.rest, "complain");
		if (mr_file_fact_is(&f, lv)) {
			known = 1;
			on |= loads;
		} else if (modular && mr_file_fact_is(&f, qd))
			own |= loads;
	}
	free(v);
	if (on)
		return 1;
	if (!known || own) {
		*why = own ? mr_xasprintf("whether libvirt takes %s's profile named %s for its own "
		                          "(libvirt looks for the daemon's path or libvirtd)",
		                          daemon, daemon)
		           : mr_xasprintf("whether %s runs under an AppArmor profile, which "
		                          "security_driver = apparmor needs",
		                          daemon);
		return -1;
	}
	*why = mr_xasprintf("this host's AppArmor loads no profile for %s at boot (%s%s%s%s "
	                    "missing or disabled), and libvirt then turns its AppArmor driver off",
	                    daemon, lv, modular ? " and " : "", modular ? qd : "",
	                    modular ? " are" : " is");
	return 0;
}

/* Why libvirt refuses security driver name (len bytes) on this host, its
 * module not enabled (*off), or what is not known about it (*unknown);
 * none is always there. daemon runs QEMU. The caller frees both. */
static void driver_judged(const struct mr_facts *facts, const char *name, size_t len,
                          const char *daemon, char **off, char **unknown)
{
	static const char template[] = "/etc/apparmor.d/libvirt/TEMPLATE.qemu";
	const char *o = NULL, *u = NULL;
	*off = *unknown = NULL;
	if (len == 7 && !strncmp(name, "selinux", 7)) {
		const char *se = mr_facts_get(facts, "selinux");
		if (!se)
			u = "whether this host enables SELinux (/etc/selinux/config), which "
			    "security_driver = selinux needs";
		else if (!strcmp(se, "disabled"))
			o = "this host does not enable SELinux (no selinuxfs mounted, or "
			    "/etc/selinux/config missing or SELINUX=disabled)";
	} else if (len == 8 && !strncmp(name, "apparmor", 8)) {
		const char *aa = mr_facts_get(facts, "apparmor");
		int t = mr_facts_file_state(facts, "apparmor.template", template);
		char *why;
		int confined = daemon_confined(facts, daemon, &why);
		if (t == 0)
			o = "this host has no /etc/apparmor.d/libvirt/TEMPLATE.qemu, without which "
			    "libvirt turns its AppArmor driver off";
		else if (aa && strcmp(aa, "Y") != 0)
			o = "this host's kernel does not enable AppArmor "
			    "(/sys/module/apparmor/parameters/enabled is not Y)";
		else if (confined == 0) {
			*off = why;
			why = NULL;
		} else if (!aa)
			u = "whether this host's kernel enables AppArmor (a tree does not tell), "
			    "which security_driver = apparmor needs";
		else if (t < 0)
			u = "whether this host has /etc/apparmor.d/libvirt/TEMPLATE.qemu, which "
			    "security_driver = apparmor needs";
		else if (confined < 0) {
			*unknown = why;
			why = NULL;
		}
		free(why);
	}
	if (o)
		*off = mr_xstrdup(o);
	if (u)
		*unknown = mr_xstrdup(u);
}

/* The host's own security_driver, where the profile leaves it (apply does
 * not write it): each driver its value names (a string, or a list, over
 * one line or several) fails where the facts know its module is off; not
 * known, it is the host's as it runs, and not reported. */
static void host_driver_refused(struct mr_plan *plan, const char *daemon, const char *origin)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *v = mr_facts_get(facts, "qemu.security_driver");
	if (!v)
		return;
	char *where = mr_res_conf_where(facts, "qemu", "/etc/libvirt/qemu.conf", "security_driver");
	/* its quoted words: "selinux", [ "selinux", "none" ] */
	for (const char *p = v; (p = strpbrk(p, "\"'"));) {
		const char *end = strchr(p + 1, *p);
		if (!end)
			break;
		char *off, *unknown;
		driver_judged(facts, p + 1, (size_t)(end - p - 1), daemon, &off, &unknown);
		if (off)
			mr_plan_fail(plan, "qemu.security_driver", origin,
			             "%s sets security_driver = %s, but %s: libvirt refuses it, and %s "
			             "would not start; the profile does not manage it: set [qemu] "
			             "security_driver (none, or the module this host enables), or edit "
			             "the file",
			             where, v, off, daemon);
		free(off);
		free(unknown);
		p = end + 1;
	}
	free(where);
}

/* libvirt refuses a security_driver whose module the host has not
 * enabled (none is always there), and the daemon running QEMU (named)
 * then does not start: known so, its item fails and is not written;
 * where the facts do not tell, it is written and not checked. The host's
 * value, where the profile does not set one, is judged too. Returns the
 * key refused, or NULL. */
static const char *driver_refused(struct mr_plan *plan, const struct mr_profile *profile,
                                  const char *daemon, const char *section_origin)
{
	const struct mr_setting *s = mr_profile_get(profile, "qemu", "security_driver");
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (!facts)
		return NULL;
	if (!s) {
		host_driver_refused(plan, daemon, section_origin);
		return NULL;
	}
	char *off, *unknown;
	driver_judged(facts, s->value, strlen(s->value), daemon, &off, &unknown);
	char *origin = mr_plan_origin_of(s);
	if (off)
		mr_plan_fail(plan, "qemu.security_driver", origin,
		             "security_driver = %s, but %s: libvirt refuses it, and %s would not start; "
		             "not written",
		             s->value, off, daemon);
	else if (unknown)
		mr_plan_unchecked(plan, "qemu.security_driver", unknown);
	free(origin);
	const char *refused = off ? "security_driver" : NULL;
	free(off);
	free(unknown);
	return refused;
}

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
	struct mr_conf_key keys[MR_ARRAY_LEN(qemu_keys)];
	size_t n = 0;
	char *origin = mr_res_section_origin(profile, "qemu");
	const char *refused[] = {
		port_end_refused(plan, profile),
		driver_refused(plan, profile, w == MR_WORLD_MODULAR ? "virtqemud" : "libvirtd",
		               origin),
		kvm_refused(plan, profile),
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(qemu_keys); i++) {
		int keep = 1;
		for (size_t k = 0; k < MR_ARRAY_LEN(refused); k++)
			keep = keep && (!refused[k] || strcmp(qemu_keys[i].key, refused[k]) != 0);
		if (keep)
			keys[n++] = qemu_keys[i];
	}
	mr_res_plan_conf(plan, profile, "qemu", "/etc/libvirt/qemu.conf", unit, keys, n,
	                 explicit_defaults);
	check_ids_exist(plan, profile);
	/* the host's values the plan leaves: a port quoted is refused too */
	mr_res_check_host_conf(plan, profile, "qemu", "qemu", "/etc/libvirt/qemu.conf", qemu_keys,
	                       MR_ARRAY_LEN(qemu_keys), keys, n, origin,
	                       "libvirt refuses qemu.conf, and its QEMU driver does not load");
	check_stream_address(plan, origin);
	free(origin);
	return 0;
}

const struct mr_res_ops mr_res_qemu = {
	.name = "qemu",
	.plan = qemu_plan,
	.keys = qemu_keys,
	.n_keys = MR_ARRAY_LEN(qemu_keys),
};
