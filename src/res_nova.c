/* nova.conf, written in the option names the host's nova release reads
 * (nova.c holds the table of nova's option history): the release comes
 * from the profile, or with "auto" from the facts; options the release no
 * longer reads are removed; nova-compute restarts when the file changed. */
#include <stdlib.h>
#include <string.h>

#include "nova.h"
#include "res.h"

#define NOVA_CONF "/etc/nova/nova.conf"
#define OSLO_LENS "Migready_oslo.lns"

static const struct mr_conf_key nova_keys[] = {
	{ "release", MR_CONF_PLAN, NULL },
	{ "instances_path", MR_CONF_PLAN, NULL },
	{ "live_migration_flag", MR_CONF_PLAN, NULL },
	{ "cpu_mode", MR_CONF_PLAN, NULL },
	{ "cpu_model", MR_CONF_PLAN, NULL },
	{ "live_migration_bandwidth", MR_CONF_PLAN, NULL },
	{ "max_concurrent_live_migrations", MR_CONF_PLAN, NULL },
	{ "set", MR_CONF_PLAN, NULL },
};

/* Each problem becomes a failed item of its own: a host whose nova.conf
 * cannot be planned is never green, and its other concerns still run. */
static void fail_each(struct mr_plan *plan, const char *setting, const char *origin,
                      struct mr_error *err)
{
	for (struct mr_error *e = err; e; e = e->next)
		mr_plan_fail(plan, setting, e->where ? e->where : origin, "%s", e->message);
}

/* nova-compute's unit: Debian's name, or RHEL's. */
static const char *compute_unit(const struct mr_facts *facts)
{
	if (facts && mr_facts_unit(facts, "nova-compute.service").present != 1 &&
	    mr_facts_unit(facts, "openstack-nova-compute.service").present == 1)
		return "openstack-nova-compute.service";
	return "nova-compute.service";
}

/* A nova.other or nova.before fact: "FILE SECTION/KEY VALUE". */
struct other_line {
	const char *file, *section, *key, *value;
	int file_len, section_len, key_len;
};

static int parse_other(const char *line, struct other_line *o)
{
	struct mr_file_fact l;
	const char *slash = mr_file_fact_parse(line, &l) == 0 ? strchr(l.rest, '/') : NULL;
	const char *vp = slash ? strchr(slash, ' ') : NULL;
	if (!vp)
		return -1;
	*o = (struct other_line){ l.file, l.rest, slash + 1, vp + 1, l.file_len,
		                      (int)(slash - l.rest), (int)(vp - slash - 1) };
	return 0;
}

/* A nova.self fact's line number, and the rest as a nova.other line whose
 * FILE is the spelling found: "LINE [SECTION]KEY SECTION/KEY VALUE". */
static const char *self_line(const char *line, long *number)
{
	char *end;
	*number = strtol(line, &end, 10);
	return end != line && *end == ' ' ? end + 1 : NULL;
}

/* The line that sets the option e writes, as oslo.config picks it: the
 * last file that names it, and in a file its name before another of its
 * names. key: "nova.other" (files read after nova.conf), "nova.before"
 * (read before it: the conf.d directories when nova-compute is given
 * --config-file) or "nova.self" (nova.conf, one file). Returns 0 and
 * *found (and for nova.self *number, its line), or -1 if none sets it. */
static int last_setting(const struct mr_facts *facts, const char *key, unsigned major,
                        const char *e_section, const char *e_key, struct other_line *found,
                        long *number)
{
	const char **lines = NULL;
	size_t n = mr_facts_get_all(facts, key, &lines);
	int have = 0, have_exact = 0, one_file = !strcmp(key, "nova.self");
	for (size_t i = 0; i < n; i++) {
		struct other_line o;
		long at = 0;
		const char *l = one_file ? self_line(lines[i], &at) : lines[i];
		if (!l || parse_other(l, &o) < 0)
			continue;
		char *section = mr_xstrndup(o.section, (size_t)o.section_len);
		char *name = mr_xstrndup(o.key, (size_t)o.key_len);
		int same = mr_nova_same_option(major, section, name, e_section, e_key);
		int exact = same && !strcmp(section, e_section) && !strcmp(name, e_key);
		free(section);
		free(name);
		if (!same)
			continue;
		int same_file = have && (one_file || (found->file_len == o.file_len &&
		                                      !strncmp(found->file, o.file, (size_t)o.file_len)));
		if (same_file && have_exact && !exact)
			continue;
		*found = o;
		if (number)
			*number = at;
		have = 1;
		have_exact = exact;
	}
	free(lines);
	return have ? 0 : -1;
}

/* oslo.config reads a boolean in any of the spellings a profile may use */
static int same_value(const char *a, const char *b)
{
	int ba = mr_parse_bool(a), bb = mr_parse_bool(b);
	return ba >= 0 && bb >= 0 ? ba == bb : !strcmp(a, b);
}

/* Does edit name the option o, as written? */
static int names_option(const struct mr_nova_edit *edit, const struct other_line *o)
{
	return (size_t)o->key_len == strlen(edit->key) && !strncmp(o->key, edit->key, (size_t)o->key_len) &&
	       (size_t)o->section_len == strlen(edit->section) &&
	       !strncmp(o->section, edit->section, (size_t)o->section_len);
}

/* Is the line o (an option by any of its names) the removal e's to
 * report? Not where the plan sets that name (a moved option: its set
 * compares the value), nor where another removal names it: each line
 * once. */
static int own_name(const struct mr_nova_edit *edits, size_t n, const struct mr_nova_edit *e,
                    const struct other_line *o)
{
	for (size_t i = 0; i < n; i++)
		if (edits[i].value && names_option(&edits[i], o))
			return 0;
	if (names_option(e, o))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (&edits[i] != e && !edits[i].value && names_option(&edits[i], o))
			return 0;
	return 1;
}

/* What nova's other files do to the option e writes. One read after
 * nova.conf that sets it otherwise wins, whatever nova.conf says: the
 * item fails and names the file (migready does not edit it). One read
 * before nova.conf is overridden by nova.conf only if nova.conf states
 * the option: returns 1 when e's value must then be written out even
 * where it is nova's default (op->explicit_default), with *why. */
static int check_other_files(struct mr_plan *plan, const struct mr_facts *facts, unsigned major,
                             const struct mr_nova_edit *edits, size_t n_edits,
                             const struct mr_nova_edit *e, const char *setting,
                             const char *where, char **why)
{
	struct other_line o;
	if (!facts || (!e->value && !e->origin))
		return 0; /* an option this release no longer reads: harmless anywhere */
	if (!e->value) {
		/* removed from nova.conf: where another file sets it,
		 * nova-compute uses that */
		const char *kinds[] = { "nova.other", "nova.before" };
		for (size_t k = 0; k < MR_ARRAY_LEN(kinds); k++)
			if (last_setting(facts, kinds[k], major, e->section, e->key, &o, NULL) == 0 &&
			    own_name(edits, n_edits, e, &o))
				mr_plan_fail(plan, setting, where,
				             "%s sets [%.*s] %.*s = '%s', read %s " NOVA_CONF
				             ": nova-compute uses that, where the profile has it removed "
				             "(migready edits " NOVA_CONF " only)",
				             mr_fact_path_shown(o.file, o.file_len), o.section_len, o.section,
				             o.key_len, o.key, o.value, k == 0 ? "after" : "before");
		return 0;
	}
	if (last_setting(facts, "nova.other", major, e->section, e->key, &o, NULL) == 0 &&
	    !same_value(o.value, e->value))
		mr_plan_fail(plan, setting, where,
		             "%s sets [%.*s] %.*s = '%s', read after " NOVA_CONF
		             ": nova-compute uses that, not '%s'",
		             mr_fact_path_shown(o.file, o.file_len), o.section_len, o.section,
		             o.key_len, o.key, o.value, e->value);
	if (last_setting(facts, "nova.before", major, e->section, e->key, &o, NULL) == 0 &&
	    !same_value(o.value, e->value)) {
		*why = mr_xasprintf("written out: %s, read before " NOVA_CONF ", sets '%s'",
		                    mr_fact_path_shown(o.file, o.file_len), o.value);
		return 1;
	}
	return 0;
}

static const char *file_sets(const struct other_line *o, char **because)
{
	char *shown = mr_nova_shown(o->value);
	*because = mr_xasprintf("%s sets [%.*s] %.*s = %s", mr_fact_path_shown(o->file, o->file_len),
	                        o->section_len, o->section, o->key_len, o->key, shown);
	free(shown);
	return o->value;
}

/* The value nova-compute reads for section/key once the plan is applied:
 * a file read after nova.conf, else (planned_too) the profile's set line
 * (written into nova.conf), else nova.conf unless the plan removes it, else a
 * file read before it; NULL if none sets it. *because: what sets it, the
 * caller's. */
static const char *option_value(const struct mr_facts *facts, const struct mr_profile *profile,
                                unsigned major, const char *section, const char *key,
                                int planned_too, char **because)
{
	struct other_line o;
	long at = 0;
	const struct mr_setting *set = NULL;
	const char *planned;
	if (last_setting(facts, "nova.other", major, section, key, &o, NULL) == 0)
		return file_sets(&o, because);
	if (planned_too && (planned = mr_nova_set_value(profile, major, section, key, &set))) {
		char *origin = mr_plan_origin_of(set), *shown = mr_nova_shown(planned);
		*because = mr_xasprintf("%s sets [%s] %s = %s", origin, section, key, shown);
		free(origin);
		free(shown);
		return planned;
	}
	/* nova.conf's line goes, where the plan removes the option */
	if (!(planned_too && mr_nova_removes(profile, major, section, key)) &&
	    last_setting(facts, "nova.self", major, section, key, &o, &at) == 0) {
		char *shown = mr_nova_shown(o.value);
		*because = mr_xasprintf(NOVA_CONF ":%ld sets [%.*s] %.*s = %s", at, o.section_len,
		                        o.section, o.key_len, o.key, shown);
		free(shown);
		return o.value;
	}
	if (last_setting(facts, "nova.before", major, section, key, &o, NULL) == 0)
		return file_sets(&o, because);
	return NULL;
}

/* Once the profile is applied. */
static const char *effective_value(const struct mr_facts *facts, const struct mr_profile *profile,
                                   unsigned major, const char *section, const char *key,
                                   char **because)
{
	return option_value(facts, profile, major, section, key, 1, because);
}

/* The defaults of nova's that are templates themselves, for an option
 * that is unset: state_path is $pybasedir, the directory of nova's Python
 * package, which the probe does not know but is on the host's own disk:
 * kept as that word (literal). */
static const struct {
	const char *key, *value;
	int literal;
} template_defaults[] = {
	{ "state_path", "$pybasedir", 0 },
	{ "pybasedir", "$pybasedir", 1 },
};

/* Whether a $NAME in section's value names an option migready knows
 * nova declares: GROUP.KEY, or KEY in section or [DEFAULT] (or a
 * default above). */
static int option_declared(const char *section, const char *name)
{
	const char *dot = strchr(name, '.');
	if (dot) {
		char *grp = mr_xstrndup(name, (size_t)(dot - name));
		int known = mr_nova_known(grp, dot + 1);
		free(grp);
		return known;
	}
	for (size_t t = 0; t < MR_ARRAY_LEN(template_defaults); t++)
		if (!strcmp(name, template_defaults[t].key))
			return 1;
	return mr_nova_known(section, name) || mr_nova_known("DEFAULT", name);
}

/* value as oslo.config gives it: its quotes dropped, each $NAME or
 * ${NAME} (NAME an option of section where set there, else of [DEFAULT],
 * else a default above) replaced by that option's value as it reads it,
 * $$ and \$ a $. NULL where a name's value is not known (unset: nova's own
 * default, such as my_ip's guess; or no option the probe reports), with
 * *unknown its name; the caller's. */
static char *interpolated(const struct mr_facts *facts, const struct mr_profile *profile,
                          unsigned major, const char *section, const char *value, int depth,
                          char **unknown)
{
	struct mr_buf b;
	mr_buf_init(&b);
	char *unquoted = mr_nova_unquote(value);
	for (const char *p = unquoted; *p;) {
		const char *d = strchr(p, '$');
		if (!d) {
			mr_buf_add(&b, p, strlen(p));
			break;
		}
		/* cfg.py's _substitute reads \$ as $$ */
		int escaped = d > p && d[-1] == '\\';
		mr_buf_add(&b, p, (size_t)(d - p - escaped));
		if (escaped || d[1] == '$') {
			mr_buf_add(&b, "$", 1);
			p = d + 1 + !escaped;
			continue;
		}
		int braced = d[1] == '{';
		const char *name = d + 1 + braced;
		/* oslo's identifiers: [_a-z][._a-z0-9]* (a dot names a group) */
		size_t n = (*name == '_' || (*name >= 'a' && *name <= 'z'))
		               ? strspn(name, "_.abcdefghijklmnopqrstuvwxyz0123456789")
		               : 0;
		if (!n || (braced && name[n] != '}')) { /* oslo leaves it as it is */
			mr_buf_add(&b, "$", 1);
			p = d + 1;
			continue;
		}
		char *key = mr_xstrndup(name, n);
		char *because = NULL;
		const char *dot = strchr(key, '.');
		char *grp = dot ? mr_xstrndup(key, (size_t)(dot - key)) : NULL;
		const char *v = dot ? effective_value(facts, profile, major, grp, dot + 1, &because)
		                    : effective_value(facts, profile, major, section, key, &because);
		if (!v && !dot && strcmp(section, "DEFAULT") != 0) {
			free(because);
			because = NULL;
			v = effective_value(facts, profile, major, "DEFAULT", key, &because);
		}
		free(because);
		free(grp);
		int literal = 0;
		for (size_t t = 0; !v && !dot && t < MR_ARRAY_LEN(template_defaults); t++)
			if (!strcmp(key, template_defaults[t].key)) {
				v = template_defaults[t].value;
				literal = template_defaults[t].literal;
			}
		char *inner = NULL;
		if (v && literal)
			inner = mr_xstrdup(v);
		else if (v && depth < 8)
			inner = interpolated(facts, profile, major, section, v, depth + 1, unknown);
		if (!inner) {
			if (!*unknown)
				*unknown = key;
			else
				free(key);
			mr_buf_fini(&b);
			free(unquoted);
			return NULL;
		}
		free(key);
		mr_buf_add(&b, inner, strlen(inner));
		free(inner);
		p = name + n + braced;
	}
	free(unquoted);
	char *out = mr_buf_steal(&b, NULL);
	return out ? out : mr_xstrdup("");
}

/* Why nova-compute does not read nova.conf (or may not), or NULL: given
 * --config-file, it reads the files named and no other (nova.conf_unread);
 * without, the first nova.conf oslo.config finds, and the probe found one
 * before it (nova.conf_first); its arguments not known (nova.args_unknown,
 * *unknown set). The caller's. */
static char *nova_conf_hidden(const struct mr_facts *facts, int *unknown)
{
	const char *unread = facts ? mr_facts_get(facts, "nova.conf_unread") : NULL;
	const char *first = facts ? mr_facts_get(facts, "nova.conf_first") : NULL;
	if (unknown)
		*unknown = 0;
	if (unread)
		return mr_xasprintf("nova-compute reads %s, not " NOVA_CONF ": its unit's ExecStart "
		                    "gives it --config-file (or --config-dir), and oslo.config then "
		                    "reads only the files named",
		                    *unread ? unread : "no file");
	if (first)
		return mr_xasprintf("nova-compute reads %s, not " NOVA_CONF ": started without "
		                    "--config-file, it takes the first nova.conf oslo.config finds in "
		                    "~/.nova/, ~/ (its user's home), /etc/nova/ and /etc/",
		                    first);
	if (facts && mr_facts_get(facts, "nova.args_unknown")) {
		if (unknown)
			*unknown = 1;
		return mr_xstrdup("the files nova-compute reads: its unit's --config-file and "
		                  "--config-dir arguments are not known here (a $VARIABLE, a relative "
		                  "path, or CONFIG_FILE or DAEMON_ARGS in /etc/default/nova-compute or "
		                  "/etc/default/openstack, for Debian's init script)");
	}
	return NULL;
}

/* [libvirt] key as nova-compute reads it once the plan is applied (a
 * copy), and *because what sets it; NULL (and *because NULL) when unset
 * or empty. */
static char *libvirt_option(const struct mr_plan *plan, const struct mr_profile *profile,
                            unsigned major, const char *key, char **because, int *unknown)
{
	*because = NULL;
	*unknown = 0;
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *v = effective_value(facts, profile, major, "libvirt", key, because);
	if (v && *v) {
		char *name = NULL;
		char *value = interpolated(facts, profile, major, "libvirt", v, 0, &name);
		if (value)
			return value;
		/* a $NAME whose value nova knows and the probe does not */
		char *why = mr_xasprintf("%s, whose $%s is not known here", *because, name);
		free(*because);
		*because = why;
		free(name);
		*unknown = 1;
		return NULL;
	}
	free(*because);
	*because = NULL;
	return NULL;
}

/* Whether the host has nova-compute (a package, or a unit: a
 * virtualenv's has no package), and *major its release (the newest where
 * it cannot be told: nova.release says why). */
static int nova_here(const struct mr_facts *facts, const struct mr_profile *profile,
                     unsigned *major)
{
	char *version = facts ? mr_facts_nova_version(facts) : NULL;
	*major = 0;
	if (!version && !(facts && mr_facts_unit(facts, compute_unit(facts)).present == 1))
		return 0;
	struct mr_error *e = NULL;
	if (mr_nova_release(profile, version, major, &e) < 0)
		*major = mr_profile_nova_newest();
	mr_error_free(e);
	free(version);
	return 1;
}

int mr_res_nova_migration(const struct mr_plan *plan, const struct mr_profile *profile,
                          struct mr_nova_migration *m)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	*m = (struct mr_nova_migration){ 0 };
	unsigned major;
	if (!nova_here(facts, profile, &major))
		return 0; /* no migration of nova's to connect */
	if ((m->because = nova_conf_hidden(facts, NULL)))
		return -1;
	int unknown = 0;
	m->inbound = libvirt_option(plan, profile, major, "live_migration_inbound_addr",
	                            &m->inbound_because, &m->inbound_unknown);
	/* nova's URI, when set, wins over the scheme */
	char *because = NULL;
	char *uri = libvirt_option(plan, profile, major, "live_migration_uri", &because, &unknown);
	if (unknown) {
		m->because = because;
		return -1;
	}
	if (uri) {
		int rc = mr_nova_uri_transport(uri, &m->transport, &m->port);
		free(uri);
		if (rc < 0) {
			m->because = mr_xasprintf(
				"%s, %s", because,
				rc == MR_NOVA_URI_NO_DEST
					? "which lacks the one %s nova puts the destination in (with no other "
					  "% but %%): nova fails every live migration"
				: rc == MR_NOVA_URI_TRANSPORT ? "whose transport libvirt does not know"
				                              : "which is no libvirt URI");
			free(because);
			free(m->transport);
			m->transport = NULL;
			return -1;
		}
		m->because = because;
		return 1;
	}
	m->transport =
		libvirt_option(plan, profile, major, "live_migration_scheme", &m->because, &unknown);
	if (unknown)
		return -1;
	if (!m->transport) {
		m->transport = mr_xstrdup("tcp");
		m->because = mr_xstrdup("live_migration_scheme is not set: nova's default, tcp");
	} else if (!mr_nova_transport_known(m->transport)) {
		/* nova puts it in qemu+SCHEME://: libvirt refuses the URI */
		char *why = mr_xasprintf("%s, which is no transport of libvirt's (tcp, tls, ssh, "
		                         "libssh2, libssh, unix, ext)",
		                         m->because);
		free(m->because);
		m->because = why;
		free(m->transport);
		m->transport = NULL;
		return -1;
	}
	return 1;
}

/* nova_here, where its nova-compute reads /etc/nova/nova.conf (else
 * nova.conf fails already, naming the file it reads). */
static int nova_reads_here(const struct mr_facts *facts, const struct mr_profile *profile,
                           unsigned *major)
{
	if (!facts || !nova_here(facts, profile, major))
		return 0;
	char *hidden = nova_conf_hidden(facts, NULL);
	int reads = !hidden;
	free(hidden);
	return reads;
}

int mr_res_nova_option(const struct mr_facts *facts, const struct mr_profile *profile,
                       const char *section, const char *key, int planned, char **value)
{
	unsigned major;
	*value = NULL;
	if (!nova_reads_here(facts, profile, &major))
		return 0;
	char *because = NULL;
	const char *v = option_value(facts, profile, major, section, key, planned, &because);
	free(because);
	if (v && *v)
		*value = mr_xstrdup(v);
	return 1;
}

char *mr_res_nova_unread(const struct mr_facts *facts, const struct mr_profile *profile)
{
	unsigned major;
	return facts && nova_here(facts, profile, &major) ? nova_conf_hidden(facts, NULL) : NULL;
}

char *mr_res_nova_instances(const struct mr_plan *plan, const struct mr_profile *profile,
                            char **because)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	*because = NULL;
	unsigned major;
	if (!nova_reads_here(facts, profile, &major))
		return NULL;
	char *state_because = NULL;
	const char *state = effective_value(facts, profile, major, "DEFAULT", "state_path",
	                                    &state_because);
	free(state_because);
	const char *inst = effective_value(facts, profile, major, "DEFAULT", "instances_path", because);
	if (!inst || !*inst) {
		free(*because);
		*because = NULL;
		inst = "$state_path/instances";
	}
	char *name = NULL;
	char *path = interpolated(facts, profile, major, "DEFAULT", inst, 0, &name);
	if (path)
		mr_path_tidy(path); /* state_path = /var/lib/nova/: one directory */
	if (path && !strncmp(path, "$pybasedir", 10)) {
		/* nova's package directory, on this host's own disk */
		char *why = mr_xasprintf("%s%s%s", *because ? *because : "", *because ? "; " : "",
		                         !state || !*state
		                             ? "state_path is not set: nova's default is $pybasedir, "
		                               "its Python package's directory on this host's disk"
		                             : "$pybasedir is nova's Python package's directory, on "
		                               "this host's disk");
		free(*because);
		*because = why;
	} else if (!path) {
		char *why = mr_xasprintf("%s%s$%s is not known here", *because ? *because : "",
		                         *because ? ", whose " : "instances_path's ", name);
		free(*because);
		*because = why;
	}
	free(name);
	return path;
}

void mr_nova_migration_fini(struct mr_nova_migration *m)
{
	free(m->transport);
	free(m->because);
	free(m->inbound);
	free(m->inbound_because);
	*m = (struct mr_nova_migration){ 0 };
}

/* The value of [libvirt] key once the plan is applied: its edit's (NULL
 * for a removal; *from its profile line), else the files'. *because: what
 * sets it, when the files do; the caller's. Returns 1 if an edit sets it. */
static int planned_value(const struct mr_facts *facts, const struct mr_profile *profile,
                         unsigned major, const struct mr_nova_edit *edits, size_t n,
                         const char *section, const char *key, const char **value,
                         const struct mr_setting **from, char **because)
{
	*value = NULL;
	*from = NULL;
	*because = NULL;
	int edited = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(edits[i].section, section) && !strcmp(edits[i].key, key)) {
			*value = edits[i].value;
			*from = edits[i].origin;
			edited = 1;
		}
	if (!edited)
		*value = effective_value(facts, profile, major, section, key, because);
	return edited;
}

/* nova-compute refuses to start with both tunnelled and native TLS
 * migration (its driver's init_host raises Invalid,
 * nova/virt/libvirt/driver.py); the profile's own lines are lint's. */
static void check_tunnel_tls(struct mr_plan *plan, const struct mr_profile *profile,
                             unsigned major, const struct mr_nova_edit *edits, size_t n)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *tun, *tls;
	const struct mr_setting *tun_from, *tls_from;
	char *tun_why, *tls_why;
	/* a release without native TLS ignores the line */
	if (!facts || !nova_here(facts, profile, &(unsigned){ 0 }) ||
	    !mr_nova_reads(major, "libvirt", "live_migration_with_native_tls"))
		return;
	planned_value(facts, profile, major, edits, n, "libvirt", "live_migration_tunnelled", &tun,
	              &tun_from, &tun_why);
	planned_value(facts, profile, major, edits, n, "libvirt", "live_migration_with_native_tls",
	              &tls, &tls_from, &tls_why);
	if (tun && tls && mr_parse_bool(tun) == 1 && mr_parse_bool(tls) == 1) {
		const struct mr_setting *from = tls_from ? tls_from : tun_from;
		char *origin = from ? mr_plan_origin_of(from) : mr_xstrdup("[nova]");
		mr_plan_fail(plan, "nova.libvirt.live_migration_tunnelled", origin,
		             "live_migration_tunnelled and live_migration_with_native_tls are both "
		             "true (%s; %s): nova-compute refuses to start; keep native TLS",
		             tun_why ? tun_why : "as planned", tls_why ? tls_why : "as planned");
		free(origin);
	}
	free(tun_why);
	free(tls_why);
}

/* An old name in nova.conf that the plan neither writes nor removes,
 * where nova's code is not known to read it at this release: kept, and
 * never green (mr_nova_unproven). */
static void check_unproven(struct mr_plan *plan, const struct mr_profile *profile,
                           unsigned major, const struct mr_nova_edit *edits, size_t n)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *section, *key;
	char *why;
	int rc;
	if (!facts || !nova_here(facts, profile, &(unsigned){ 0 }))
		return;
	const char **lines = NULL;
	size_t nl = mr_facts_get_all(facts, "nova.self", &lines);
	for (size_t i = 0; (rc = mr_nova_unproven(i, major, &section, &key, &why)) >= 0; i++) {
		int edited = 0;
		for (size_t j = 0; j < n && !edited; j++)
			edited = !strcmp(edits[j].section, section) && !strcmp(edits[j].key, key);
		for (size_t j = 0; rc == 0 && !edited && j < nl; j++) {
			struct other_line o;
			long at = 0;
			const char *l = self_line(lines[j], &at);
			if (!l || parse_other(l, &o) < 0 || strlen(section) != (size_t)o.section_len ||
			    strncmp(o.section, section, (size_t)o.section_len) ||
			    strlen(key) != (size_t)o.key_len || strncmp(o.key, key, (size_t)o.key_len))
				continue;
			char *setting = mr_xasprintf("nova.%s.%s", section, key);
			char *origin = mr_xasprintf("%s:%ld sets it: %s", NOVA_CONF, at, why);
			mr_plan_unchecked(plan, setting, origin);
			free(origin);
			free(setting);
			break;
		}
		free(why);
	}
	free(lines);
}

/* A value nova refuses (a downtime below its minimum) in the files, for
 * an option the plan leaves alone: nova-compute stops on it. One that
 * this release may refuse or not is not checked; one it rounds up, a
 * warning. */
static void check_declared(struct mr_plan *plan, const struct mr_profile *profile,
                           unsigned major, const struct mr_nova_edit *edits, size_t n)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	const char *section, *key;
	if (!facts || !nova_here(facts, profile, &(unsigned){ 0 }))
		return;
	int rc;
	for (size_t i = 0; (rc = mr_nova_declared(i, major, &section, &key)) >= 0; i++) {
		const char *value;
		const struct mr_setting *from;
		char *because;
		if (rc > 0)
			continue;
		/* the plan's own values are lint's, but for a $NAME, whose
		 * value only the host's files tell */
		int planned = planned_value(facts, profile, major, edits, n, section, key, &value,
		                            &from, &because);
		if (!value || (planned && !strchr(value, '$'))) {
			free(because);
			continue;
		}
		char *origin = planned && from ? mr_plan_origin_of(from) : mr_xstrdup("[nova]");
		if (planned) {
			char *shown = mr_nova_shown(value);
			because = mr_xasprintf("%s sets [%s] %s = %s", origin, section, key, shown);
			free(shown);
		}
		/* judged as oslo.config converts it, once substituted; where a
		 * $NAME's value is not known here (nova's own default, such as
		 * my_ip's guess), an address is taken, another value unchecked */
		char *why, *name = NULL;
		char *as = strchr(value, '$')
		               ? interpolated(facts, profile, major, section, value, 0, &name)
		               : NULL;
		enum mr_nova_verdict v = mr_nova_value_verdict_as(section, key, value, as, major, &why);
		if (name && v != MR_NOVA_TAKES) {
			free(why);
			why = mr_xasprintf("its $%s is not known here", name);
			v = MR_NOVA_UNKNOWN;
		} else if (name && !option_declared(section, name)) {
			/* oslo.config fails on a name nova declares no option of
			 * (NoSuchOptError, which safe_substitute lets through) */
			free(why);
			why = mr_xasprintf("its $%s names no option migready knows nova to declare",
			                   name);
			v = MR_NOVA_UNKNOWN;
		}
		free(as);
		free(name);
		char *setting = mr_xasprintf("nova.%s.%s", section, key);
		if (v == MR_NOVA_REFUSES)
			mr_plan_fail(plan, setting, origin, "%s; %s", why, because);
		else if (v == MR_NOVA_UNKNOWN) {
			char *where = mr_xasprintf("%s; %s", because, why);
			mr_plan_unchecked(plan, setting, where);
			free(where);
		} else if (v == MR_NOVA_ADJUSTS)
			mr_log(MR_LOG_WARN, "%s; %s", because, why);
		free(origin);
		free(setting);
		free(why);
		free(because);
	}
}

/* QEMU's TLS files, which a native TLS migration needs on both ends
 * (live_migration_with_native_tls, as the plan leaves it): in qemu.conf's
 * migrate_tls_x509_cert_dir, else default_tls_x509_cert_dir, else
 * /etc/pki/qemu, the one the probe looks in. */
static void check_native_tls(struct mr_plan *plan, const struct mr_profile *profile,
                             unsigned major, const struct mr_nova_edit *edits, size_t n)
{
	const struct mr_facts *facts = mr_plan_facts(plan);
	if (!facts || !nova_here(facts, profile, &(unsigned){ 0 }))
		return;
	const char *value;
	char *because;
	const struct mr_setting *from;
	planned_value(facts, profile, major, edits, n, "libvirt", "live_migration_with_native_tls",
	              &value, &from, &because);
	if (!value || mr_parse_bool(value) != 1) {
		free(because);
		return;
	}
	char *origin = from ? mr_plan_origin_of(from) : mr_xstrdup("[nova]");
	if (!because)
		because = mr_xasprintf("%s gives live_migration_with_native_tls = %s", origin, value);
	const char *dir_key = "migrate_tls_x509_cert_dir";
	const char *dir = mr_facts_get(facts, "qemu.migrate_tls_x509_cert_dir");
	if (!dir) {
		dir_key = "default_tls_x509_cert_dir";
		dir = mr_facts_get(facts, "qemu.default_tls_x509_cert_dir");
	}
	if (dir) {
		mr_plan_uncheckedf(plan, "qemu.tls_files",
		                   "QEMU's TLS files in qemu.conf's %s = %s (%s)", dir_key, dir,
		                   because);
		goto out;
	}
	static const char *const qemu_tls[] = { "/etc/pki/qemu/ca-cert.pem",
		                                    "/etc/pki/qemu/server-cert.pem",
		                                    "/etc/pki/qemu/server-key.pem",
		                                    "/etc/pki/qemu/client-cert.pem",
		                                    "/etc/pki/qemu/client-key.pem" };
	struct mr_buf missing;
	mr_buf_init(&missing);
	size_t n_missing = 0, n_unknown = 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(qemu_tls); i++) {
		int st = mr_facts_file_state(facts, "qemu.tls_file", qemu_tls[i]);
		if (st == 0)
			mr_buf_printf(&missing, "%s%s", n_missing++ ? ", " : "", qemu_tls[i]);
		n_unknown += st < 0;
	}
	if (n_missing)
		mr_plan_fail(plan, "qemu.tls_files", origin,
		             "nova migrates over QEMU's native TLS (%s), and %s %s missing: the "
		             "migration fails (migready does not manage certificates)",
		             because, missing.data, n_missing > 1 ? "are" : "is");
	else if (n_unknown)
		mr_plan_unchecked(plan, "qemu.tls_files", "QEMU's TLS files (no probe of them)");
	else {
		mr_plan_passed(plan, "qemu.tls_files", origin, "QEMU's TLS files",
		               "/etc/pki/qemu holds them, for native TLS");
		mr_plan_unchecked(plan, "qemu.tls_contents",
		                  "/etc/pki/qemu: whether QEMU loads its TLS files (certificates, "
		                  "their key pair, CA chain, expiry, the peers' names)");
	}
	mr_buf_fini(&missing);
out:
	free(origin);
	free(because);
}

static int nova_plan(struct mr_plan *plan, const struct mr_res_ctx *ctx, struct mr_error **err)
{
	(void)err;
	const struct mr_profile *profile = ctx->profile;
	const struct mr_facts *facts = mr_plan_facts(plan);
	struct mr_error *e = NULL;
	struct mr_nova_edit *edits = NULL;
	size_t n = 0;
	unsigned major = 0;
	if (!mr_profile_has_section(profile, "nova"))
		return 0;
	const struct mr_setting *rel = mr_profile_get(profile, "nova", "release");
	char *origin = rel ? mr_plan_origin_of(rel) : mr_xstrdup("[nova]");
	char *version = facts ? mr_facts_nova_version(facts) : NULL;
	if (mr_nova_release(profile, version, &major, &e) < 0) {
		fail_each(plan, "nova.release", origin, e);
		goto out;
	}
	int unknown;
	char *hidden = nova_conf_hidden(facts, &unknown);
	if (hidden && unknown) { /* whether nova reads what would be written */
		mr_plan_unchecked(plan, "nova.conf", hidden);
		free(hidden);
		goto out;
	}
	if (hidden) { /* what would be written is not read: nothing is */
		mr_plan_fail(plan, "nova.conf", origin, "%s; nothing written", hidden);
		free(hidden);
		goto out;
	}
	if (mr_nova_plan(major, profile, ctx->cpus, &edits, &n, &e) < 0) {
		fail_each(plan, "nova", origin, e);
		goto out;
	}
	check_native_tls(plan, profile, major, edits, n);
	check_tunnel_tls(plan, profile, major, edits, n);
	check_declared(plan, profile, major, edits, n);
	check_unproven(plan, profile, major, edits, n);
	if (!n)
		goto out;
	struct mr_plan_file *f = mr_plan_file(plan, NOVA_CONF, OSLO_LENS);
	for (size_t i = 0; i < n; i++) {
		struct mr_aug_op op;
		mr_nova_edit_op(&edits[i], &op);
		/* nova.conf's own line names the value through oslo's $NAME
		 * ($state_path/instances): in state where that resolves to it */
		struct other_line own;
		long own_at = 0;
		if (edits[i].value && facts &&
		    last_setting(facts, "nova.self", major, edits[i].section, edits[i].key, &own,
		                 &own_at) == 0 &&
		    strchr(own.value, '$')) {
			char *name = NULL;
			char *v = interpolated(facts, profile, major, edits[i].section, own.value, 0, &name);
			if (v && !strcmp(v, edits[i].value))
				op.same_as = own.value;
			free(v);
			free(name);
		}
		char *setting = mr_xasprintf("nova.%s.%s", edits[i].section, edits[i].key);
		char *where = edits[i].origin ? mr_plan_origin_of(edits[i].origin)
		                              : mr_xasprintf("not read by nova %u", major);
		char *why = NULL;
		if (check_other_files(plan, facts, major, edits, n, &edits[i], setting, where, &why))
			op.explicit_default = 1;
		mr_plan_add_as(f, setting, where, &op);
		if (edits[i].deprecated) {
			char *note = mr_xasprintf("deprecated in this release%s%s",
			                          edits[i].note ? ": " : "",
			                          edits[i].note ? edits[i].note : "");
			mr_log(MR_LOG_WARN, "%s: [%s] %s is deprecated in nova %u%s%s", where,
			       edits[i].section, edits[i].key, major, edits[i].note ? ": " : "",
			       edits[i].note ? edits[i].note : "");
			mr_plan_note(f, note);
			free(note);
		} else {
			mr_plan_note(f, why ? why : edits[i].note);
		}
		free(why);
		free(where);
		free(setting);
	}
	mr_plan_notify(f, mr_plan_unit(plan, compute_unit(facts)));
out:
	mr_nova_edits_free(edits, n);
	mr_error_free(e);
	free(version);
	free(origin);
	return 0;
}

const struct mr_res_ops mr_res_nova = {
	.name = "nova",
	.plan = nova_plan,
	.keys = nova_keys,
	.n_keys = MR_ARRAY_LEN(nova_keys),
};
