/* Inventories: migready's own INI format, read through ini_lines (libinih),
 * or an Ansible INI inventory, read by a small line parser of its own since
 * its host lines are not key = value.
 *
 * Which format a file is in (see is_ansible): it is Ansible when none of
 * its section headers is one of migready's ([defaults], [group NAME],
 * [host NAME]) and either a header has Ansible's form [NAME:vars] or
 * [NAME:children], or a line outside the headers is a host line: its first
 * word holds no '=' and the next character after it is not '='
 * ("web1 ansible_host=10.0.0.1", or a bare "web1"). A plain [NAME] header
 * alone does not decide, so that a misspelt "[defualts]" in a migready file
 * still gets "did you mean [defaults]?".
 *
 * In both formats a relative path is taken relative to the inventory's
 * directory and "~" is expanded; every host gets port 22, user root,
 * known_hosts ~/.ssh/known_hosts and host_key_check strict unless told
 * otherwise. Host order is the order of first appearance. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "ini_lines.h"
#include "inventory.h"
#include "inventory_priv.h"
#include "profile.h"

struct mr_inventory {
	char *path;
	struct mr_host **hosts;
	size_t n, cap;
};

/* ---- pieces both formats use ---- */

enum field {
	F_ADDRESS,
	F_PORT,
	F_USER,
	F_IDENTITY,
	F_KNOWN_HOSTS,
	F_ROOT,
	F_HOST_KEY_CHECK,
	F_LIBVIRT_URI,
	F_BECOME,
	F_BECOME_USER,
	F_BECOME_METHOD, /* Ansible's only: checked, sudo is all there is */
	F_N,
};

static const char *const field_names[F_N] = {
	"address", "port", "user", "identity", "known_hosts", "root", "host_key_check",
	"libvirt_uri", "become", "become_user", "become_method",
};

static const char *const hkc_words[] = { "strict", "accept-new", "off" };

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void strv_push(char ***v, size_t *n, char *s)
{
	*v = mr_xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static int strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++) {
		if (strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

static char *expected(const char *what, const char *value)
{
	char *q = mr_ini_quote(value);
	char *m = mr_xasprintf("expected %s, got %s", what, q);
	free(q);
	return m;
}


/* A host name (labels of letters, digits, '-' and '_') or an IP address. */
static int good_address(const char *s)
{
	unsigned char buf[16];
	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return 1;
	size_t label = 0;
	if (!*s || strlen(s) > 253)
		return 0;
	for (const char *p = s;; p++) {
		if (*p == '.' || !*p) {
			if (label == 0 || p[-1] == '-')
				return 0;
			if (!*p)
				return 1;
			label = 0;
			continue;
		}
		unsigned char c = (unsigned char)*p;
		if (!(isalnum(c) || c == '-' || c == '_') || (label == 0 && c == '-'))
			return 0;
		label++;
	}
}

/* SCHEME://..., SCHEME:///... or SCHEME:/// with a lower-case driver
 * scheme; no blanks or control characters (the URI reaches libvirt as is). */
static int good_libvirt_uri(const char *s)
{
	const char *p = s;
	if (!islower((unsigned char)*p))
		return 0;
	while (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '+')
		p++;
	if (strncmp(p, "://", 3) != 0)
		return 0;
	for (; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* A name for a host or group: no blanks, nothing a shell glob or INI would
 * trip on. */
static int good_name(const char *s, int colon)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!(isalnum(c) || c == '.' || c == '_' || c == '-' || (colon && c == ':')))
			return 0;
	}
	return 1;
}

/* Checks a value for one of the host fields; on success *stored is what
 * to keep (paths resolved against the inventory). name is the key as
 * written, for the message. */
static int check_field(enum field f, const char *name, const char *value, const char *file,
                       const struct mr_loc *loc, char **stored, struct mr_error **err)
{
	char *m = NULL;
	*stored = NULL;
	switch (f) {
	case F_ADDRESS:
		if (!good_address(value))
			m = expected("a host name or an IP address", value);
		break;
	case F_PORT: {
		char *end = NULL;
		long v = strtol(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end || v < 1 || v > 65535)
			m = expected("a port number (1-65535)", value);
		break;
	}
	case F_USER:
	case F_BECOME_USER:
		if (!mr_profile_is_user_name(value))
			m = expected("a user name", value);
		break;
	case F_BECOME:
		/* Ansible's is a boolean; migready's names the method */
		if (strcmp(name, "ansible_become") == 0) {
			int b = mr_parse_bool(value);
			if (b < 0)
				m = expected("a boolean (yes/no, true/false)", value);
			else
				*stored = mr_xstrdup(b ? "sudo" : "no");
		} else if (strcmp(value, "sudo") != 0 && strcmp(value, "no") != 0) {
			m = expected("sudo or no", value);
		}
		break;
	case F_BECOME_METHOD:
		if (strcmp(value, "sudo") != 0) {
			char *q = mr_ini_quote(value);
			m = mr_xasprintf("only sudo is supported (passwordless: NOPASSWD), got %s", q);
			free(q);
		}
		break;
	case F_ROOT:
		/* It names a directory on the host: "~" or a relative path
		 * would be resolved on the controller instead. */
		if (value[0] != '/') {
			m = expected("an absolute path (a directory on the host)", value);
			break;
		}
		/* fall through */
	case F_IDENTITY:
	case F_KNOWN_HOSTS:
		if (!*value) {
			m = expected("a path", value);
			break;
		}
		*stored = mr_ini_path_resolve(file, value);
		if (!*stored)
			m = expected("a path whose '~' names a known user", value);
		break;
	case F_HOST_KEY_CHECK:
		m = expected("strict, accept-new or off", value);
		for (size_t i = 0; i < MR_ARRAY_LEN(hkc_words); i++) {
			if (strcmp(value, hkc_words[i]) == 0) {
				free(m);
				m = NULL;
			}
		}
		break;
	case F_LIBVIRT_URI:
		if (!good_libvirt_uri(value))
			m = expected("a libvirt URI such as qemu+tcp://HOST/system", value);
		break;
	case F_N:
		break;
	}
	if (m) {
		mr_error_at(err, MR_ERR_INPUT, loc, "%s: %s", name, m);
		free(m);
		free(*stored);
		*stored = NULL;
		return -1;
	}
	if (!*stored)
		*stored = mr_xstrdup(value);
	return 0;
}

static void host_set_field(struct mr_host *h, enum field f, const char *v)
{
	char **dst = NULL;
	switch (f) {
	case F_ADDRESS:
		dst = &h->address;
		break;
	case F_USER:
		dst = &h->user;
		break;
	case F_IDENTITY:
		dst = &h->identity;
		break;
	case F_KNOWN_HOSTS:
		dst = &h->known_hosts;
		break;
	case F_ROOT:
		dst = &h->root;
		break;
	case F_LIBVIRT_URI:
		dst = &h->libvirt_uri;
		break;
	case F_BECOME_USER:
		dst = &h->become_user;
		break;
	case F_BECOME:
		h->become = strcmp(v, "sudo") == 0;
		return;
	case F_BECOME_METHOD:
		return;
	case F_PORT:
		h->port = (unsigned)strtoul(v, NULL, 10);
		return;
	case F_HOST_KEY_CHECK:
		h->host_key_check = strcmp(v, "off") == 0          ? MR_HOST_KEY_OFF
		                    : strcmp(v, "accept-new") == 0 ? MR_HOST_KEY_ACCEPT_NEW
		                                                   : MR_HOST_KEY_STRICT;
		return;
	case F_N:
		return;
	}
	free(*dst);
	*dst = mr_xstrdup(v);
}

static struct mr_host *host_new(const char *name, struct mr_loc loc)
{
	struct mr_host *h = mr_xcalloc(1, sizeof(*h));
	h->name = mr_xstrdup(name);
	h->address = mr_xstrdup(name);
	h->port = 22;
	h->user = mr_xstrdup("root");
	h->become_user = mr_xstrdup("root");
	h->known_hosts = mr_ini_path_resolve(NULL, "~/.ssh/known_hosts");
	if (!h->known_hosts)
		h->known_hosts = mr_xstrdup("~/.ssh/known_hosts");
	h->host_key_check = MR_HOST_KEY_STRICT;
	h->profiles = mr_xcalloc(1, sizeof(*h->profiles));
	h->groups = mr_xcalloc(1, sizeof(*h->groups));
	h->loc = loc;
	return h;
}

static void host_free(struct mr_host *h)
{
	if (!h)
		return;
	free(h->name);
	free(h->address);
	free(h->user);
	free(h->become_user);
	free(h->identity);
	free(h->known_hosts);
	free(h->root);
	free(h->libvirt_uri);
	mr_strv_free(h->profiles);
	mr_strv_free(h->groups);
	for (size_t i = 0; i < h->n_overrides; i++) {
		free(h->overrides[i].section);
		free(h->overrides[i].key);
		free(h->overrides[i].value);
	}
	free(h->overrides);
	free(h);
}

static void host_add_override(struct mr_host *h, const struct mr_override *o)
{
	h->overrides = mr_xreallocarray(h->overrides, h->n_overrides + 1, sizeof(*h->overrides));
	h->overrides[h->n_overrides++] = (struct mr_override){
		mr_xstrdup(o->section), mr_xstrdup(o->key), mr_xstrdup(o->value), o->loc,
	};
}

static void inv_add_host(struct mr_inventory *inv, struct mr_host *h)
{
	if (inv->n == inv->cap) {
		inv->cap = inv->cap ? 2 * inv->cap : 8;
		inv->hosts = mr_xreallocarray(inv->hosts, inv->cap, sizeof(*inv->hosts));
	}
	inv->hosts[inv->n++] = h;
}

/* ---- migready's format ---- */

enum level_kind { L_DEFAULTS, L_GROUP, L_HOST };

struct val {
	char *v; /* NULL: not set at this level */
	struct mr_loc loc;
};

/* [defaults], a [group NAME] or a [host NAME]. */
struct level {
	enum level_kind kind;
	char *name;
	struct mr_loc loc;
	struct val f[F_N];
	char **profiles;
	size_t n_profiles;
	struct mr_loc profiles_loc; /* line 0: profile not given here */
	struct mr_override *sets;
	size_t n_sets;
	char **members; /* a group's hosts */
	size_t n_members;
};

struct nparse {
	const char *file;
	struct mr_error **err;
	struct level **levels;
	size_t n_levels;
	struct level *cur; /* NULL inside a refused section */
	char **order;      /* host names in order of first appearance */
	struct mr_loc *first;
	size_t n_order;
};

static const char *const keys_defaults[] = {
	"user", "port", "identity", "known_hosts", "profile", "host_key_check", "root",
	"become", "become_user",
};
static const char *const keys_group[] = {
	"hosts", "set", "user", "port", "identity", "known_hosts", "profile", "host_key_check",
	"root", "become", "become_user",
};
static const char *const keys_host[] = {
	"address", "port", "user", "identity", "known_hosts", "root", "host_key_check",
	"profile", "set", "libvirt_uri", "become", "become_user",
};

static void level_free(struct level *l)
{
	free(l->name);
	for (int i = 0; i < F_N; i++)
		free(l->f[i].v);
	mr_strv_free(l->profiles);
	for (size_t i = 0; i < l->n_sets; i++) {
		free(l->sets[i].section);
		free(l->sets[i].key);
		free(l->sets[i].value);
	}
	free(l->sets);
	mr_strv_free(l->members);
	free(l);
}

static char *level_title(const struct level *l)
{
	if (l->kind == L_DEFAULTS)
		return mr_xstrdup("[defaults]");
	return mr_xasprintf("[%s %s]", l->kind == L_GROUP ? "group" : "host", l->name);
}

static struct level *find_level(const struct nparse *np, enum level_kind kind, const char *name)
{
	for (size_t i = 0; i < np->n_levels; i++) {
		struct level *l = np->levels[i];
		if (l->kind == kind && (kind == L_DEFAULTS || strcmp(l->name, name) == 0))
			return l;
	}
	return NULL;
}

static void note_host(struct nparse *np, const char *name, struct mr_loc loc)
{
	for (size_t i = 0; i < np->n_order; i++) {
		if (strcmp(np->order[i], name) == 0)
			return;
	}
	np->order = mr_xreallocarray(np->order, np->n_order + 1, sizeof(*np->order));
	np->first = mr_xreallocarray(np->first, np->n_order + 1, sizeof(*np->first));
	np->order[np->n_order] = mr_xstrdup(name);
	np->first[np->n_order++] = loc;
}

static int by_char(const void *a, const void *b)
{
	return *(const char *)a - *(const char *)b;
}

/* mr_str_suggest, and also a candidate with the same letters in another
 * order ("hots" for "host"), the commonest slip in a short word. */
static const char *suggest_word(const char *word, const char *const *cands, size_t n)
{
	const char *best = mr_str_suggest(word, cands, n);
	if (best)
		return best;
	char *a = mr_xstrdup(word);
	qsort(a, strlen(a), 1, by_char);
	for (size_t i = 0; i < n && !best; i++) {
		char *b = mr_xstrdup(cands[i]);
		qsort(b, strlen(b), 1, by_char);
		if (strcmp(a, b) == 0)
			best = cands[i];
		free(b);
	}
	free(a);
	return best;
}

static void on_header(struct nparse *np, const struct mr_ini_entry *e)
{
	enum level_kind kind;
	const char *name = NULL;
	const char *sp = strchr(e->section, ' ');
	np->cur = NULL;
	if (strcmp(e->section, "defaults") == 0) {
		kind = L_DEFAULTS;
	} else if (sp && (size_t)(sp - e->section) == 5 && strncmp(e->section, "group", 5) == 0) {
		kind = L_GROUP;
		name = sp + 1;
	} else if (sp && (size_t)(sp - e->section) == 4 && strncmp(e->section, "host", 4) == 0) {
		kind = L_HOST;
		name = sp + 1;
	} else {
		static const char *const words[] = { "defaults", "group", "host" };
		char *word = sp ? mr_xstrndup(e->section, (size_t)(sp - e->section))
		                : mr_xstrdup(e->section);
		const char *best = suggest_word(word, words, MR_ARRAY_LEN(words));
		free(word);
		if (best && (strcmp(best, "defaults") == 0) == !sp)
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc,
			            "unknown section [%s]; did you mean [%s%s]?", e->section, best,
			            sp ? sp : "");
		else if (!sp && (strcmp(e->section, "group") == 0 || strcmp(e->section, "host") == 0))
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc, "[%s] needs a name: [%s NAME]",
			            e->section, e->section);
		else
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc,
			            "unknown section [%s]; expected [defaults], [group NAME] or "
			            "[host NAME]", e->section);
		return;
	}
	if (name && !good_name(name, kind == L_HOST)) {
		char *q = mr_ini_quote(name);
		mr_error_at(np->err, MR_ERR_INPUT, &e->loc, "[%s]: expected a %s name, got %s",
		            e->section, kind == L_HOST ? "host" : "group", q);
		free(q);
		return;
	}
	struct level *old = find_level(np, kind, name);
	if (old) {
		char *t = level_title(old);
		mr_error_at(np->err, MR_ERR_INPUT, &e->loc, "duplicate %s, first at %s:%u", t,
		            old->loc.file, old->loc.line);
		free(t);
		return;
	}
	struct level *l = mr_xcalloc(1, sizeof(*l));
	l->kind = kind;
	l->name = name ? mr_xstrdup(name) : NULL;
	l->loc = e->loc;
	np->levels = mr_xreallocarray(np->levels, np->n_levels + 1, sizeof(*np->levels));
	np->levels[np->n_levels++] = l;
	np->cur = l;
	if (kind == L_HOST)
		note_host(np, name, e->loc);
}

static void on_hosts(struct nparse *np, struct level *l, const struct mr_ini_entry *e)
{
	const char *p = e->value;
	if (!*p)
		mr_error_at(np->err, MR_ERR_INPUT, &e->loc, "hosts: expected host names, got ''");
	while (*p) {
		while (is_blank(*p))
			p++;
		size_t n = strcspn(p, " \t");
		if (!n)
			break;
		char *name = mr_xstrndup(p, n);
		p += n;
		if (!good_name(name, 1)) {
			char *m = expected("a host name", name);
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc, "hosts: %s", m);
			free(m);
			free(name);
		} else if (strv_has(l->members, name)) {
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc,
			            "hosts: '%s' is already in [group %s]", name, l->name);
			free(name);
		} else {
			note_host(np, name, e->loc);
			strv_push(&l->members, &l->n_members, name);
		}
	}
}

/* Splits "section.key value" into *o (at loc). With err, also checks it
 * against the profile schema, blaming eloc (name is the key as written);
 * returns -1 on a problem, with *o left empty. */
static int split_set(const char *v, const char *name, struct mr_loc loc,
                     const struct mr_loc *eloc, struct mr_override *o, struct mr_error **err)
{
	size_t wn = strcspn(v, " \t");
	const char *dot = memchr(v, '.', wn);
	*o = (struct mr_override){ 0 };
	if (!dot || dot == v || dot + 1 == v + wn) {
		char *m = expected("'section.key value'", v);
		mr_error_at(err, MR_ERR_INPUT, eloc, "%s: %s", name, m);
		free(m);
		return -1;
	}
	const char *val = v + wn;
	while (is_blank(*val))
		val++;
	*o = (struct mr_override){
		mr_xstrndup(v, (size_t)(dot - v)),
		mr_xstrndup(dot + 1, (size_t)(v + wn - dot - 1)),
		mr_xstrdup(val),
		loc,
	};
	if (err && mr_profile_check_setting(o->section, o->key, o->value, *eloc, err) < 0) {
		free(o->section);
		free(o->key);
		free(o->value);
		*o = (struct mr_override){ 0 };
		return -1;
	}
	return 0;
}

static void on_set(struct nparse *np, struct level *l, const struct mr_ini_entry *e)
{
	struct mr_override o;
	if (split_set(e->value, "set", e->loc, &e->loc, &o, np->err) < 0)
		return;
	int bad = 0;
	for (size_t i = 0; !bad && i < l->n_sets; i++) {
		const struct mr_override *s = &l->sets[i];
		if (strcmp(s->section, o.section) == 0 && strcmp(s->key, o.key) == 0 &&
		    mr_profile_key_is_list(o.section, o.key) == 0) {
			char *t = level_title(l);
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc,
			            "set: duplicate '%s.%s' in %s, first set at %s:%u", o.section, o.key,
			            t, s->loc.file, s->loc.line);
			free(t);
			bad = 1;
		}
	}
	if (bad) {
		free(o.section);
		free(o.key);
		free(o.value);
		return;
	}
	l->sets = mr_xreallocarray(l->sets, l->n_sets + 1, sizeof(*l->sets));
	l->sets[l->n_sets++] = o;
}

static void on_native(void *user, const struct mr_ini_entry *e)
{
	struct nparse *np = user;
	if (!e->key) {
		on_header(np, e);
		return;
	}
	if (!*e->section) {
		mr_error_at(np->err, MR_ERR_INPUT, &e->loc, "key '%s' outside any section", e->key);
		return;
	}
	struct level *l = np->cur;
	if (!l)
		return;
	const char *const *keys = l->kind == L_DEFAULTS ? keys_defaults
	                          : l->kind == L_GROUP  ? keys_group
	                                                : keys_host;
	size_t nkeys = l->kind == L_DEFAULTS ? MR_ARRAY_LEN(keys_defaults)
	               : l->kind == L_GROUP  ? MR_ARRAY_LEN(keys_group)
	                                     : MR_ARRAY_LEN(keys_host);
	int known = 0;
	for (size_t i = 0; i < nkeys; i++)
		known |= strcmp(keys[i], e->key) == 0;
	if (!known) {
		const char *best = mr_str_suggest(e->key, keys, nkeys);
		char *t = level_title(l);
		if (best)
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc,
			            "unknown key '%s' in %s; did you mean '%s'?", e->key, t, best);
		else
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc, "unknown key '%s' in %s", e->key, t);
		free(t);
		return;
	}
	if (strcmp(e->key, "hosts") == 0) {
		on_hosts(np, l, e);
		return;
	}
	if (strcmp(e->key, "set") == 0) {
		on_set(np, l, e);
		return;
	}
	if (strcmp(e->key, "profile") == 0) {
		char *path = NULL;
		if (check_field(F_IDENTITY, "profile", e->value, np->file, &e->loc, &path,
		                np->err) == 0)
			strv_push(&l->profiles, &l->n_profiles, path);
		if (!l->profiles_loc.line)
			l->profiles_loc = e->loc;
		return;
	}
	for (int f = 0; f < F_N; f++) {
		if (strcmp(field_names[f], e->key) != 0)
			continue;
		if (l->f[f].v) {
			char *t = level_title(l);
			mr_error_at(np->err, MR_ERR_INPUT, &e->loc,
			            "duplicate key '%s' in %s, first set at %s:%u", e->key, t,
			            l->f[f].loc.file, l->f[f].loc.line);
			free(t);
			return;
		}
		char *stored = NULL;
		if (check_field((enum field)f, e->key, e->value, np->file, &e->loc, &stored,
		                np->err) == 0) {
			l->f[f].v = stored;
			l->f[f].loc = e->loc;
		}
		return;
	}
}

static void apply_level(struct mr_host *h, const struct level *l)
{
	for (int f = 0; f < F_N; f++) {
		if (l->f[f].v)
			host_set_field(h, (enum field)f, l->f[f].v);
	}
	if (l->profiles_loc.line) {
		size_t n = 0;
		mr_strv_free(h->profiles);
		h->profiles = mr_xcalloc(1, sizeof(*h->profiles));
		for (size_t i = 0; i < l->n_profiles; i++)
			strv_push(&h->profiles, &n, mr_xstrdup(l->profiles[i]));
		h->profiles_loc = l->profiles_loc;
	}
	for (size_t i = 0; i < l->n_sets; i++)
		host_add_override(h, &l->sets[i]);
}

static void load_native(struct mr_inventory *inv, const char *text, size_t len,
                        struct mr_error **err)
{
	struct nparse np = { .file = inv->path, .err = err };
	mr_ini_parse(inv->path, text, len, on_native, &np, err);

	for (size_t i = 0; i < np.n_levels; i++) {
		const struct level *l = np.levels[i];
		if (l->kind == L_GROUP && !l->n_members)
			mr_error_at(err, MR_ERR_INPUT, &l->loc, "[group %s] names no hosts", l->name);
	}
	const struct level *defaults = find_level(&np, L_DEFAULTS, NULL);
	for (size_t i = 0; i < np.n_order; i++) {
		const char *name = np.order[i];
		const struct level *own = find_level(&np, L_HOST, name);
		struct mr_host *h = host_new(name, own ? own->loc : np.first[i]);
		size_t ng = 0;
		if (defaults)
			apply_level(h, defaults);
		for (size_t j = 0; j < np.n_levels; j++) {
			const struct level *g = np.levels[j];
			if (g->kind != L_GROUP || !strv_has(g->members, name))
				continue;
			apply_level(h, g);
			strv_push(&h->groups, &ng, mr_xstrdup(g->name));
		}
		if (own)
			apply_level(h, own);
		inv_add_host(inv, h);
	}

	for (size_t i = 0; i < np.n_levels; i++)
		level_free(np.levels[i]);
	free(np.levels);
	for (size_t i = 0; i < np.n_order; i++)
		free(np.order[i]);
	free(np.order);
	free(np.first);
}

/* ---- Ansible's format ---- */

struct avar {
	char *key;
	char *value;
	struct mr_loc loc;
	unsigned assign; /* the items of one list share their assignment */
};

struct agroup {
	char *name;
	struct avar *vars;
	size_t n_vars;
	char **children;
	struct mr_loc *child_loc;
	size_t n_children;
	int depth;
};

struct ahost {
	char *name;
	struct mr_loc loc;
	struct avar *vars; /* its own, from every line that names it */
	size_t n_vars;
	char **groups; /* direct */
	size_t n_groups;
};

struct aparse {
	const char *file;
	const char *where; /* for JSON, which has no lines: "inv.json: host 'c1'" */
	int ini;           /* Ansible's INI format, whose messages name [g:children] */
	char **ignored;    /* variables already reported as unused */
	size_t n_ignored;
	unsigned n_assign; /* assignments so far */
	unsigned list_id;  /* while adding a list's items: their assignment */
	struct mr_error **err;
	struct agroup **groups;
	size_t n_groups;
	struct ahost **hosts;
	size_t n_hosts;
};

enum avar_target { AV_IGNORED, AV_FIELD, AV_PROFILE, AV_SET };

/* What an Ansible variable sets. */
static enum avar_target avar_field(const char *key, enum field *f)
{
	static const struct {
		const char *var;
		enum field f;
	} map[] = {
		{ "ansible_host", F_ADDRESS },
		{ "ansible_ssh_host", F_ADDRESS },
		{ "ansible_port", F_PORT },
		{ "ansible_ssh_port", F_PORT },
		{ "ansible_user", F_USER },
		{ "ansible_ssh_user", F_USER },
		{ "ansible_ssh_private_key_file", F_IDENTITY },
		{ "ansible_private_key_file", F_IDENTITY },
		{ "ansible_become", F_BECOME },
		{ "ansible_become_user", F_BECOME_USER },
		{ "ansible_become_method", F_BECOME_METHOD },
		{ "migready_root", F_ROOT },
		{ "migready_known_hosts", F_KNOWN_HOSTS },
		{ "migready_host_key_check", F_HOST_KEY_CHECK },
		{ "migready_libvirt_uri", F_LIBVIRT_URI },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(map); i++) {
		if (strcmp(key, map[i].var) == 0) {
			*f = map[i].f;
			return AV_FIELD;
		}
	}
	if (strcmp(key, "migready_profile") == 0)
		return AV_PROFILE;
	if (strcmp(key, "migready_set") == 0)
		return AV_SET;
	return AV_IGNORED;
}

static struct agroup *agroup_get(struct aparse *ap, const char *name)
{
	for (size_t i = 0; i < ap->n_groups; i++) {
		if (strcmp(ap->groups[i]->name, name) == 0)
			return ap->groups[i];
	}
	struct agroup *g = mr_xcalloc(1, sizeof(*g));
	g->name = mr_xstrdup(name);
	ap->groups = mr_xreallocarray(ap->groups, ap->n_groups + 1, sizeof(*ap->groups));
	ap->groups[ap->n_groups++] = g;
	return g;
}

static struct ahost *ahost_get(struct aparse *ap, const char *name, struct mr_loc loc)
{
	for (size_t i = 0; i < ap->n_hosts; i++) {
		if (strcmp(ap->hosts[i]->name, name) == 0)
			return ap->hosts[i];
	}
	struct ahost *h = mr_xcalloc(1, sizeof(*h));
	h->name = mr_xstrdup(name);
	h->loc = loc;
	ap->hosts = mr_xreallocarray(ap->hosts, ap->n_hosts + 1, sizeof(*ap->hosts));
	ap->hosts[ap->n_hosts++] = h;
	return h;
}

/* "file:line", or "file" for a place without lines; the caller frees it. */
static char *loc_text(const struct mr_loc *loc)
{
	return loc->line ? mr_xasprintf("%s:%u", loc->file, loc->line) : mr_xstrdup(loc->file);
}

/* An Ansible variable migready does not use is said once per inventory (one
 * per run), at -v: not dropped silently, not repeated for every host. */
static void note_ignored(struct aparse *ap, const char *key, const struct mr_loc *where)
{
	if (strv_has(ap->ignored, key))
		return;
	strv_push(&ap->ignored, &ap->n_ignored, mr_xstrdup(key));
	char *w = loc_text(where);
	mr_log(MR_LOG_INFO, "%s: Ansible variable '%s' is not used by migready", w, key);
	free(w);
}

/* Why a value cannot be used as text, or NULL: control characters or
 * invalid UTF-8 (an embedded NUL is refused where the value is read). */
static const char *bad_text(const char *v)
{
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return "control character in value";
	}
	if (mr_str_utf8_invalid(v, strlen(v)) >= 0)
		return "invalid UTF-8 in value";
	return NULL;
}

/* Checks an Ansible variable and keeps it in *vars when it matters. value is
 * taken over. Errors name ap->where when set, else loc. */
static void add_avar(struct aparse *ap, struct avar **vars, size_t *n, const char *key,
                     char *value, struct mr_loc loc)
{
	enum field f = F_N;
	enum avar_target t = avar_field(key, &f);
	struct mr_loc eloc = ap->where ? (struct mr_loc){ ap->where, 0 } : loc;
	if (t == AV_IGNORED) {
		note_ignored(ap, key, &eloc);
		free(value);
		return;
	}
	if (strstr(value, "{{")) {
		char *q = mr_ini_quote(value);
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: cannot evaluate a Jinja template %s",
		            key, q);
		free(q);
		free(value);
		return;
	}
	/* YAML and JSON strings can hold what no INI line can. */
	const char *why = bad_text(value);
	if (why) {
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: %s", key, why);
		free(value);
		return;
	}
	char *stored = NULL;
	if (t == AV_SET && !*value) {
		stored = value; /* no overrides: it still replaces less precedent ones */
		value = NULL;
	} else if (t == AV_SET) {
		struct mr_override o;
		if (split_set(value, key, loc, &eloc, &o, ap->err) < 0) {
			free(value);
			return;
		}
		free(o.section);
		free(o.key);
		free(o.value);
		stored = value;
		value = NULL;
	} else if (t == AV_PROFILE) {
		/* Several profiles: separated by commas. */
		struct mr_buf b;
		mr_buf_init(&b);
		int bad = 0;
		for (const char *p = value; *p;) {
			size_t wn = strcspn(p, ",");
			char *one = mr_xstrndup(p, wn);
			char *path = NULL;
			if (check_field(F_IDENTITY, key, one, ap->file, &eloc, &path, ap->err) < 0)
				bad = 1;
			else
				mr_buf_printf(&b, "%s%s", b.len ? "," : "", path);
			free(path);
			free(one);
			p += wn;
			if (*p)
				p++;
		}
		if (bad || !*value) {
			if (!*value)
				mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: expected a path, got ''",
				            key);
			mr_buf_fini(&b);
			free(value);
			return;
		}
		stored = mr_buf_steal(&b, NULL);
	} else if (check_field(f, key, value, ap->file, &eloc, &stored, ap->err) < 0) {
		free(value);
		return;
	}
	free(value);
	*vars = mr_xreallocarray(*vars, *n + 1, sizeof(**vars));
	(*vars)[(*n)++] = (struct avar){ mr_xstrdup(key), stored, loc,
		                         ap->list_id ? ap->list_id : ++ap->n_assign };
}

/* A list value (YAML, JSON, or an INI "[...]"): each item of migready_set
 * one override, all of one assignment; migready_profile's items joined
 * with commas. items[i] is at locs[i]; both are the caller's. */
static void add_avar_list(struct aparse *ap, struct avar **vars, size_t *n, const char *key,
                          char *const *items, const struct mr_loc *locs, size_t count,
                          struct mr_loc loc)
{
	enum field f = F_N;
	enum avar_target t = avar_field(key, &f);
	struct mr_loc eloc = ap->where ? (struct mr_loc){ ap->where, 0 } : loc;
	if (t == AV_IGNORED) {
		note_ignored(ap, key, &eloc);
	} else if (t == AV_SET) {
		ap->list_id = ++ap->n_assign;
		if (!count)
			add_avar(ap, vars, n, key, mr_xstrdup(""), loc);
		for (size_t i = 0; i < count; i++)
			add_avar(ap, vars, n, key, mr_xstrdup(items[i]), locs[i]);
		ap->list_id = 0;
	} else if (t == AV_PROFILE) {
		struct mr_buf b;
		mr_buf_init(&b);
		for (size_t i = 0; i < count; i++)
			mr_buf_printf(&b, "%s%s", i ? "," : "", items[i]);
		add_avar(ap, vars, n, key, mr_buf_steal(&b, NULL), loc);
	} else {
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: expected a single value", key);
	}
}

/* An INI value: a list when it is one of migready's list variables written
 * as a JSON list, as Ansible (which evaluates INI values as Python
 * literals) would take it; else one value. */
static void add_ini_value(struct aparse *ap, struct avar **vars, size_t *n, const char *key,
                          const char *value, struct mr_loc loc)
{
	enum field f = F_N;
	enum avar_target t = avar_field(key, &f);
	if (!((t == AV_SET || t == AV_PROFILE) && value[0] == '[')) {
		add_avar(ap, vars, n, key, mr_xstrdup(value), loc);
		return;
	}
	struct json_object *list = json_tokener_parse(value);
	size_t count = list && json_object_is_type(list, json_type_array)
	                       ? json_object_array_length(list) : 0;
	char **items = mr_xcalloc(count + 1, sizeof(*items));
	struct mr_loc *locs = mr_xcalloc(count + 1, sizeof(*locs));
	int ok = list && json_object_is_type(list, json_type_array);
	for (size_t i = 0; ok && i < count; i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		ok = json_object_is_type(e, json_type_string) &&
		     strlen(json_object_get_string(e)) == (size_t)json_object_get_string_len(e);
		items[i] = ok ? mr_xstrdup(json_object_get_string(e)) : NULL;
		locs[i] = loc;
	}
	if (ok) {
		add_avar_list(ap, vars, n, key, items, locs, count, loc);
	} else {
		char *q = mr_ini_quote(value);
		mr_error_at(ap->err, MR_ERR_INPUT, &loc,
		            "%s: expected a JSON list of strings like [\"a\", \"b\"], got %s", key,
		            q);
		free(q);
	}
	mr_strv_free(items);
	free(locs);
	json_object_put(list);
}

/* Splits a line as Python's shlex does for Ansible: blanks separate words,
 * quotes group and are removed, a word starting with '#' starts a comment.
 * Returns -1 on an open quote. */
static int split_words(const char *s, size_t n, char ***words, size_t *nw)
{
	size_t i = 0;
	*words = NULL;
	*nw = 0;
	for (;;) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i >= n || s[i] == '#')
			return 0;
		struct mr_buf b;
		mr_buf_init(&b);
		char quote = 0;
		for (; i < n && (quote || !is_blank(s[i])); i++) {
			if (quote) {
				if (s[i] == quote)
					quote = 0;
				else
					mr_buf_putc(&b, s[i]);
			} else if (s[i] == '"' || s[i] == '\'') {
				quote = s[i];
			} else {
				mr_buf_putc(&b, s[i]);
			}
		}
		if (quote) {
			mr_buf_fini(&b);
			return -1;
		}
		strv_push(words, nw, mr_buf_steal(&b, NULL));
	}
}

/* Hosts one line may name. Each range is bounded, but ranges multiply:
 * "h[0:9999]x[0:9999]" would be 10^8 hosts, and an inventory that size
 * takes the controller's memory and hours before any host is contacted. */
#define RANGE_HOSTS_MAX 10000

/* Expands Ansible host ranges: "web[01:03]" -> web01 web02 web03,
 * "db-[a:c]" -> db-a db-b db-c, with an optional stride "[1:9:2]".
 * Returns -1 on a malformed range, -2 past RANGE_HOSTS_MAX names. */
static int expand_range(const char *pat, char ***out, size_t *n)
{
	const char *open = strchr(pat, '[');
	if (!open) {
		if (*n >= RANGE_HOSTS_MAX)
			return -2;
		strv_push(out, n, mr_xstrdup(pat));
		return 0;
	}
	const char *close = strchr(open, ']');
	if (!close)
		return -1;
	char *inner = mr_xstrndup(open + 1, (size_t)(close - open - 1));
	char *parts[3] = { NULL, NULL, NULL };
	size_t np = 0;
	int r = -1;
	for (char *tok = inner, *c; np < 3; tok = c + 1) {
		parts[np++] = tok;
		c = strchr(tok, ':');
		if (!c)
			break;
		*c = '\0';
	}
	if (np < 2 || strchr(parts[np - 1], ':'))
		goto out;
	long stride = 1;
	if (np == 3) {
		char *end;
		stride = strtol(parts[2], &end, 10);
		if (!*parts[2] || *end || stride < 1)
			goto out;
	}
	const char *a = parts[0], *b = parts[1];
	int numeric = *a && *b && strspn(a, "0123456789") == strlen(a) &&
	              strspn(b, "0123456789") == strlen(b);
	int alpha = strlen(a) == 1 && strlen(b) == 1 && isalpha((unsigned char)*a) &&
	            isalpha((unsigned char)*b);
	long lo, hi;
	int width = 0;
	if (numeric) {
		errno = 0;
		lo = strtol(a, NULL, 10);
		hi = strtol(b, NULL, 10);
		/* A bound past LONG_MAX would be read as another number. */
		if (errno == ERANGE)
			goto out;
		if (a[0] == '0' && a[1])
			width = (int)strlen(a);
	} else if (alpha) {
		lo = (unsigned char)*a;
		hi = (unsigned char)*b;
	} else {
		goto out;
	}
	if (lo > hi || (hi - lo) / stride > 10000)
		goto out;
	r = 0;
	for (long v = lo; r == 0; v += stride) {
		char *one = numeric ? mr_xasprintf("%.*s%0*ld%s", (int)(open - pat), pat, width, v,
		                                   close + 1)
		                    : mr_xasprintf("%.*s%c%s", (int)(open - pat), pat, (int)v,
		                                   close + 1);
		r = expand_range(one, out, n);
		free(one);
		/* Stop before v + stride could pass hi: near LONG_MAX it would
		 * overflow, wrap, and the loop would never end. */
		if (hi - v < stride)
			break;
	}
out:
	free(inner);
	return r;
}

/* A host pattern of any Ansible format: name[:port], the name maybe a
 * range. Stores the names in *names and the port as an ansible_port
 * variable in *vars; -1 (reported) if it is none. */
static int host_pattern(struct aparse *ap, const char *pattern, struct mr_loc loc,
                        char ***names, size_t *nn, struct avar **vars, size_t *n_vars)
{
	struct mr_loc eloc = ap->where ? (struct mr_loc){ ap->where, 0 } : loc;
	char *pat = mr_xstrdup(pattern);
	char *port = NULL;
	char *colon = NULL;
	int colons = 0, depth = 0, r = -1;
	/* a ':' inside brackets is a range's, and an IPv6 address has several
	 * outside them */
	for (char *p = pat; *p; p++) {
		depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
		if (*p == ':' && depth == 0) {
			colon = p;
			colons++;
		}
	}
	if (colons == 1) {
		*colon = '\0';
		port = colon + 1;
	}
	int ranged = expand_range(pat, names, nn);
	if (ranged == -2) {
		char *q = mr_ini_quote(pat);
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s names more than %d hosts", q,
		            RANGE_HOSTS_MAX);
		free(q);
		goto out;
	}
	if (ranged < 0) {
		char *m = expected("a host name or a range like web[01:20]", pat);
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s", m);
		free(m);
		goto out;
	}
	for (size_t i = 0; i < *nn; i++) {
		if (!good_name((*names)[i], 1)) {
			char *m = expected("a host name", (*names)[i]);
			mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s", m);
			free(m);
			goto out;
		}
	}
	if (port)
		add_avar(ap, vars, n_vars, "ansible_port", mr_xstrdup(port), loc);
	r = 0;
out:
	free(pat);
	return r;
}

/* Puts each of names into group with copies of vars; frees vars. */
static void hosts_join(struct aparse *ap, const char *group, char *const *names,
                       struct avar *vars, size_t n_vars, struct mr_loc loc)
{
	for (size_t i = 0; names && names[i]; i++) {
		struct ahost *h = ahost_get(ap, names[i], loc);
		for (size_t j = 0; j < n_vars; j++) {
			h->vars = mr_xreallocarray(h->vars, h->n_vars + 1, sizeof(*h->vars));
			h->vars[h->n_vars++] = (struct avar){ mr_xstrdup(vars[j].key),
				                              mr_xstrdup(vars[j].value), vars[j].loc,
				                              vars[j].assign };
		}
		if (!strv_has(h->groups, group))
			strv_push(&h->groups, &h->n_groups, mr_xstrdup(group));
	}
	agroup_get(ap, group);
	for (size_t j = 0; j < n_vars; j++) {
		free(vars[j].key);
		free(vars[j].value);
	}
	free(vars);
}

static void ansible_host_line(struct aparse *ap, const char *group, const char *s, size_t n,
                              struct mr_loc loc)
{
	char **w = NULL;
	size_t nw = 0;
	char **names = NULL;
	size_t nn = 0;
	if (split_words(s, n, &w, &nw) < 0) {
		mr_error_at(ap->err, MR_ERR_INPUT, &loc, "unclosed quote");
		goto out;
	}
	if (!nw)
		goto out;

	struct avar *vars = NULL;
	size_t n_vars = 0;
	if (host_pattern(ap, w[0], loc, &names, &nn, &vars, &n_vars) < 0)
		goto out;
	for (size_t i = 1; i < nw; i++) {
		char *eq = strchr(w[i], '=');
		if (!eq || eq == w[i]) {
			char *m = expected("VAR=VALUE after the host name", w[i]);
			mr_error_at(ap->err, MR_ERR_INPUT, &loc, "%s", m);
			free(m);
			continue;
		}
		*eq = '\0';
		add_ini_value(ap, &vars, &n_vars, w[i], eq + 1, loc);
	}
	hosts_join(ap, group, names, vars, n_vars, loc);
out:
	mr_strv_free(w);
	mr_strv_free(names);
}

static void ansible_var_line(struct aparse *ap, struct agroup *g, const char *s, size_t n,
                             struct mr_loc loc)
{
	const char *eq = memchr(s, '=', n);
	if (!eq) {
		char *line = mr_xstrndup(s, n);
		char *m = expected("VAR=VALUE", line);
		mr_error_at(ap->err, MR_ERR_INPUT, &loc, "%s", m);
		free(m);
		free(line);
		return;
	}
	const char *k = s, *v = eq + 1;
	size_t kn = (size_t)(eq - s), vn = (size_t)(s + n - v);
	while (kn && is_blank(k[kn - 1]))
		kn--;
	while (vn && is_blank(*v)) {
		v++;
		vn--;
	}
	if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
		v++;
		vn -= 2;
	}
	char *key = mr_xstrndup(k, kn);
	if (!kn || strcspn(key, " \t") != kn) {
		char *line = mr_xstrndup(s, n);
		char *m = expected("VAR=VALUE", line);
		mr_error_at(ap->err, MR_ERR_INPUT, &loc, "%s", m);
		free(m);
		free(line);
	} else {
		char *value = mr_xstrndup(v, vn);
		add_ini_value(ap, &g->vars, &g->n_vars, key, value, loc);
		free(value);
	}
	free(key);
}

static void ansible_child_line(struct aparse *ap, struct agroup *g, const char *s, size_t n,
                               struct mr_loc loc)
{
	char **w = NULL;
	size_t nw = 0;
	if (split_words(s, n, &w, &nw) < 0 || nw != 1 || !good_name(w[0], 0)) {
		char *line = mr_xstrndup(s, n);
		char *m = expected("a group name", line);
		mr_error_at(ap->err, MR_ERR_INPUT, &loc, "%s", m);
		free(m);
		free(line);
	} else {
		agroup_get(ap, w[0]);
		g->child_loc = mr_xreallocarray(g->child_loc, g->n_children + 1,
		                                sizeof(*g->child_loc));
		g->child_loc[g->n_children] = loc;
		strv_push(&g->children, &g->n_children, mr_xstrdup(w[0]));
	}
	mr_strv_free(w);
}

enum asection { AS_HOSTS, AS_VARS, AS_CHILDREN, AS_BAD };

/* "[name]", "[name:vars]" or "[name:children]", then maybe a comment. */
static enum asection ansible_header(struct aparse *ap, const char *s, size_t n,
                                    struct mr_loc loc, char **name)
{
	const char *close = memchr(s, ']', n);
	const char *after = close ? close + 1 : s + n;
	while (after < s + n && is_blank(*after))
		after++;
	char *inner = close ? mr_xstrndup(s + 1, (size_t)(close - s - 1)) : NULL;
	char *colon = inner ? strchr(inner, ':') : NULL;
	enum asection kind = AS_HOSTS;
	if (colon) {
		*colon = '\0';
		kind = strcmp(colon + 1, "vars") == 0       ? AS_VARS
		       : strcmp(colon + 1, "children") == 0 ? AS_CHILDREN
		                                            : AS_BAD;
	}
	if (!inner || (after < s + n && *after != '#' && *after != ';') || kind == AS_BAD ||
	    !good_name(inner, 0)) {
		char *line = mr_xstrndup(s, n);
		char *m = expected("[GROUP], [GROUP:vars] or [GROUP:children]", line);
		mr_error_at(ap->err, MR_ERR_INPUT, &loc, "%s", m);
		free(m);
		free(line);
		free(inner);
		return AS_BAD;
	}
	*name = inner;
	return kind;
}

static size_t agroup_index(const struct aparse *ap, const char *name)
{
	for (size_t i = 0; i < ap->n_groups; i++) {
		if (strcmp(ap->groups[i]->name, name) == 0)
			return i;
	}
	return ap->n_groups;
}

/* Whether target is reachable from group i through [g:children]. */
static int reaches(const struct aparse *ap, size_t i, size_t target, char *seen)
{
	if (i == target)
		return 1;
	if (i >= ap->n_groups || seen[i])
		return 0;
	seen[i] = 1;
	const struct agroup *g = ap->groups[i];
	for (size_t k = 0; k < g->n_children; k++) {
		if (reaches(ap, agroup_index(ap, g->children[k]), target, seen))
			return 1;
	}
	return 0;
}

/* Reports each group that is its own descendant, at the [g:children]
 * line that leads back to it. */
static int children_cycles(struct aparse *ap)
{
	int found = 0;
	char *seen = mr_xcalloc(ap->n_groups + 1, 1);
	for (size_t i = 0; i < ap->n_groups; i++) {
		const struct agroup *g = ap->groups[i];
		for (size_t k = 0; k < g->n_children; k++) {
			memset(seen, 0, ap->n_groups);
			if (reaches(ap, agroup_index(ap, g->children[k]), i, seen)) {
				mr_error_at(ap->err, MR_ERR_INPUT, &g->child_loc[k],
				            ap->ini ? "[%s:children]: '%s' is a descendant of '%s' itself"
				                    : "group '%s': child '%s' is a descendant of '%s' "
				                      "itself",
				            g->name, g->children[k], g->name);
				found = 1;
				break;
			}
		}
	}
	free(seen);
	return found;
}

static int is_parent(const struct agroup *p, const char *child)
{
	return strv_has(p->children, child);
}

/* Ansible's order for group variables: by depth below "all", then by name;
 * a child's variables override its parents'. */
static int group_order(const void *a, const void *b)
{
	const struct agroup *x = *(struct agroup *const *)a, *y = *(struct agroup *const *)b;
	if (x->depth != y->depth)
		return x->depth - y->depth;
	return strcmp(x->name, y->name);
}

/* *set_id is the assignment the host's migready_set came from. */
static void apply_avar(struct mr_host *h, const struct avar *v, unsigned *set_id)
{
	enum field f = F_N;
	enum avar_target t = avar_field(v->key, &f);
	if (t == AV_FIELD) {
		host_set_field(h, f, v->value);
	} else if (t == AV_SET) {
		/* Like any Ansible variable, a later assignment replaces the
		 * whole of an earlier one (so that the formats, and Ansible's
		 * own --list of them, agree); a list's items add up. */
		if (*set_id != v->assign) {
			for (size_t i = 0; i < h->n_overrides; i++) {
				free(h->overrides[i].section);
				free(h->overrides[i].key);
				free(h->overrides[i].value);
			}
			h->n_overrides = 0;
			*set_id = v->assign;
		}
		struct mr_override o;
		if (*v->value && split_set(v->value, v->key, v->loc, &v->loc, &o, NULL) == 0) {
			host_add_override(h, &o);
			free(o.section);
			free(o.key);
			free(o.value);
		}
	} else if (t == AV_PROFILE) {
		size_t n = 0;
		mr_strv_free(h->profiles);
		h->profiles = mr_xcalloc(1, sizeof(*h->profiles));
		h->profiles_loc = v->loc;
		for (const char *p = v->value; *p;) {
			size_t wn = strcspn(p, ",");
			strv_push(&h->profiles, &n, mr_xstrndup(p, wn));
			p += wn;
			if (*p)
				p++;
		}
	}
}

static void resolve_ansible(struct mr_inventory *inv, struct aparse *ap)
{
	if (children_cycles(ap))
		return;

	/* depth: 1 below "all" for top groups, one more than the deepest
	 * parent otherwise; the loop ends since there is no cycle. */
	for (size_t i = 0; i < ap->n_groups; i++)
		ap->groups[i]->depth = strcmp(ap->groups[i]->name, "all") == 0 ? 0 : 1;
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < ap->n_groups; i++) {
			for (size_t j = 0; j < ap->n_groups; j++) {
				struct agroup *p = ap->groups[i], *c = ap->groups[j];
				if (is_parent(p, c->name) && c->depth < p->depth + 1) {
					c->depth = p->depth + 1;
					changed = 1;
				}
			}
		}
	}

	struct agroup **mine = mr_xcalloc(ap->n_groups + 1, sizeof(*mine));
	for (size_t i = 0; i < ap->n_hosts; i++) {
		const struct ahost *ah = ap->hosts[i];
		struct mr_host *h = host_new(ah->name, ah->loc);
		unsigned set_id = 0;
		size_t nm = 0;
		/* The host's groups and all their ancestors. */
		for (size_t j = 0; j < ap->n_groups; j++) {
			if (strv_has(ah->groups, ap->groups[j]->name) ||
			    strcmp(ap->groups[j]->name, "all") == 0)
				mine[nm++] = ap->groups[j];
		}
		for (size_t k = 0; k < nm; k++) {
			for (size_t j = 0; j < ap->n_groups; j++) {
				struct agroup *p = ap->groups[j];
				int have = 0;
				for (size_t m = 0; m < nm; m++)
					have |= mine[m] == p;
				if (!have && is_parent(p, mine[k]->name))
					mine[nm++] = p;
			}
		}
		qsort(mine, nm, sizeof(*mine), group_order);
		size_t ng = 0;
		for (size_t k = 0; k < nm; k++) {
			for (size_t v = 0; v < mine[k]->n_vars; v++)
				apply_avar(h, &mine[k]->vars[v], &set_id);
			if (strcmp(mine[k]->name, "all") != 0 && strcmp(mine[k]->name, "ungrouped") != 0)
				strv_push(&h->groups, &ng, mr_xstrdup(mine[k]->name));
		}
		for (size_t v = 0; v < ah->n_vars; v++)
			apply_avar(h, &ah->vars[v], &set_id);
		inv_add_host(inv, h);
	}
	free(mine);
}

static void free_avars(struct avar *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static void aparse_fini(struct aparse *ap)
{
	for (size_t i = 0; i < ap->n_groups; i++) {
		struct agroup *g = ap->groups[i];
		free(g->name);
		free_avars(g->vars, g->n_vars);
		mr_strv_free(g->children);
		free(g->child_loc);
		free(g);
	}
	free(ap->groups);
	for (size_t i = 0; i < ap->n_hosts; i++) {
		struct ahost *h = ap->hosts[i];
		free(h->name);
		free_avars(h->vars, h->n_vars);
		mr_strv_free(h->groups);
		free(h);
	}
	free(ap->hosts);
	mr_strv_free(ap->ignored);
}

static void load_ansible(struct mr_inventory *inv, const char *text, size_t len,
                         struct mr_error **err)
{
	struct aparse ap = { .file = inv->path, .err = err, .ini = 1 };
	struct mr_ini_cursor c;
	const char *s;
	size_t n;
	char *group = mr_xstrdup("ungrouped");
	enum asection kind = AS_HOSTS;

	mr_ini_cursor_init(&c, text, len);
	while (mr_ini_cursor_next(&c, &s, &n)) {
		struct mr_loc loc = { inv->path, c.line };
		int ctl = mr_ini_control_char(s, n);
		if (ctl >= 0) {
			mr_error_at(err, MR_ERR_INPUT, &loc, "control character 0x%02x in line",
			            (unsigned)ctl);
			continue;
		}
		while (n && is_blank(*s)) {
			s++;
			n--;
		}
		while (n && is_blank(s[n - 1]))
			n--;
		if (!n || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *name = NULL;
			kind = ansible_header(&ap, s, n, loc, &name);
			if (kind != AS_BAD) {
				free(group);
				group = name;
				agroup_get(&ap, group);
			}
			continue;
		}
		switch (kind) {
		case AS_HOSTS:
			ansible_host_line(&ap, group, s, n, loc);
			break;
		case AS_VARS:
			ansible_var_line(&ap, agroup_get(&ap, group), s, n, loc);
			break;
		case AS_CHILDREN:
			ansible_child_line(&ap, agroup_get(&ap, group), s, n, loc);
			break;
		case AS_BAD:
			break;
		}
	}
	free(group);
	resolve_ansible(inv, &ap);
	aparse_fini(&ap);
}

/* ---- Ansible's YAML format (libyaml) ---- */

static void group_unknown_key(struct aparse *ap, const struct mr_loc *loc, const char *group,
                              const char *key)
{
	static const char *const keys[] = { "hosts", "vars", "children" };
	const char *best = suggest_word(key, keys, MR_ARRAY_LEN(keys));
	char *g = group ? mr_xasprintf("group '%s': ", group) : mr_xstrdup("");
	if (best)
		mr_error_at(ap->err, MR_ERR_INPUT, loc, "%sunknown key '%s'; did you mean '%s'?", g,
		            key, best);
	else
		mr_error_at(ap->err, MR_ERR_INPUT, loc,
		            "%sunknown key '%s'; expected hosts, vars or children", g, key);
	free(g);
}

/* Aliases can make a YAML tree refer to itself: bound the walk. */
#define YAML_MAX_DEPTH 64

struct yload {
	struct aparse *ap;
	yaml_document_t *doc;
	/* each group definition walked once under each name: aliases share
	 * nodes, and a chain of them (g2: {a: *g1, b: *g1}, ...) would be
	 * walked exponentially often */
	struct ywalked {
		const char *name;
		const yaml_node_t *def;
	} *walked;
	size_t n_walked;
	/* the mappings whose keys were checked (by node index): an alias
	 * walks one again */
	unsigned char *keys_checked;
	size_t n_nodes;
};

/* Was def walked as group name before? Marks it walked. */
static int y_walked(struct yload *y, const char *name, const yaml_node_t *def)
{
	for (size_t i = 0; i < y->n_walked; i++)
		if (y->walked[i].def == def && !strcmp(y->walked[i].name, name))
			return 1;
	y->walked = mr_xreallocarray(y->walked, y->n_walked + 1, sizeof(*y->walked));
	y->walked[y->n_walked++] = (struct ywalked){ name, def };
	return 0;
}

static struct mr_loc yloc(const struct yload *y, const yaml_node_t *n)
{
	return (struct mr_loc){ y->ap->file, (unsigned)n->start_mark.line + 1 };
}

/* scalar keys by text, then by place */
static int ykey_cmp(const void *a, const void *b)
{
	const yaml_node_t *x = *(const yaml_node_t *const *)a, *y = *(const yaml_node_t *const *)b;
	size_t lx = x->data.scalar.length, ly = y->data.scalar.length;
	int c = memcmp(x->data.scalar.value, y->data.scalar.value, lx < ly ? lx : ly);
	if (c || lx != ly)
		return c ? c : lx < ly ? -1 : 1;
	return x->start_mark.index < y->start_mark.index ? -1 : 1;
}

/* A mapping's keys are unique in YAML. Ansible warns of a repeated one and
 * keeps its last value only, so a group's hosts or a host's settings given
 * first would be dropped without a word: each repeat is an error at its
 * line, naming the first. Sorted, not compared pairwise: a group may hold
 * thousands of hosts. */
static void y_unique_keys(struct yload *y, const yaml_node_t *map)
{
	size_t idx = (size_t)(map - y->doc->nodes.start);
	if (idx < y->n_nodes) {
		if (y->keys_checked[idx])
			return;
		y->keys_checked[idx] = 1;
	}
	size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	if (n < 2)
		return;
	const yaml_node_t **keys = mr_xcalloc(n, sizeof(*keys));
	size_t m = 0;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE)
			keys[m++] = k;
	}
	qsort(keys, m, sizeof(*keys), ykey_cmp);
	for (size_t i = 1, first = 0; i < m; i++) {
		const yaml_node_t *a = keys[first], *b = keys[i];
		if (a->data.scalar.length != b->data.scalar.length ||
		    memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length)) {
			first = i;
			continue;
		}
		struct mr_loc loc = yloc(y, b);
		mr_error_at(y->ap->err, MR_ERR_INPUT, &loc,
		            "duplicate key '%.*s', first at %s:%u (YAML keys are unique; Ansible keeps "
		            "the last one only)",
		            (int)b->data.scalar.length, (const char *)b->data.scalar.value, y->ap->file,
		            yloc(y, a).line);
	}
	free(keys);
}

static int ynull(const yaml_node_t *n)
{
	if (!n)
		return 1;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* A scalar's text, or NULL (reported) for another node or one holding a
 * NUL, which a C string would silently cut. what names it in messages. */
static const char *yscalar(struct yload *y, const yaml_node_t *n, const char *what)
{
	struct mr_loc loc = yloc(y, n);
	if (n->type != YAML_SCALAR_NODE) {
		mr_error_at(y->ap->err, MR_ERR_INPUT, &loc, "%s: expected a single value", what);
		return NULL;
	}
	const char *v = (const char *)n->data.scalar.value;
	if (strlen(v) != n->data.scalar.length) {
		mr_error_at(y->ap->err, MR_ERR_INPUT, &loc, "%s: NUL character in value", what);
		return NULL;
	}
	return v;
}

/* YAML 1.1, which Ansible's PyYAML reads, takes 022 for octal 18 and 1:30
 * for 90: a port must be plain decimal, or quoted. */
static int yaml_ambiguous_port(const yaml_node_t *n, const char *v)
{
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	/* what YAML 1.1 reads as a number: a sign or a digit first */
	if (!(isdigit((unsigned char)v[0]) || v[0] == '+' || v[0] == '-'))
		return 0;
	if (v[0] == '0' && v[1])
		return 1;
	return strspn(v, "0123456789") != strlen(v);
}

static void y_vars(struct yload *y, struct avar **vars, size_t *n, const yaml_node_t *map,
                   const char *owner)
{
	if (ynull(map))
		return;
	struct mr_loc mloc = yloc(y, map);
	if (map->type != YAML_MAPPING_NODE) {
		mr_error_at(y->ap->err, MR_ERR_INPUT, &mloc, "%s: vars: expected a mapping", owner);
		return;
	}
	y_unique_keys(y, map);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *key = yscalar(y, k, "variable name");
		if (!key)
			continue;
		enum field f = F_N;
		enum avar_target t = avar_field(key, &f);
		struct mr_loc loc = yloc(y, k);
		if (t == AV_IGNORED) {
			note_ignored(y->ap, key, &loc);
			continue;
		}
		if (v->type == YAML_SEQUENCE_NODE) {
			size_t count = (size_t)(v->data.sequence.items.top -
			                        v->data.sequence.items.start);
			char **items = mr_xcalloc(count + 1, sizeof(*items));
			struct mr_loc *locs = mr_xcalloc(count + 1, sizeof(*locs));
			size_t got = 0;
			int bad = 0;
			for (yaml_node_item_t *i = v->data.sequence.items.start;
			     i < v->data.sequence.items.top; i++) {
				yaml_node_t *item = yaml_document_get_node(y->doc, *i);
				const char *s = yscalar(y, item, key);
				if (!s) {
					bad = 1;
					continue;
				}
				locs[got] = yloc(y, item);
				items[got++] = mr_xstrdup(s);
			}
			if (!bad)
				add_avar_list(y->ap, vars, n, key, items, locs, got, loc);
			mr_strv_free(items);
			free(locs);
			continue;
		}
		const char *s = ynull(v) ? "" : yscalar(y, v, key);
		if (!s)
			continue;
		if (f == F_PORT && !ynull(v) && yaml_ambiguous_port(v, s)) {
			char *q = mr_ini_quote(s);
			mr_error_at(y->ap->err, MR_ERR_INPUT, &loc,
			            "%s: %s is not a plain decimal number in YAML 1.1 (022 is octal "
			            "there); write the port in decimal", key, q);
			free(q);
			continue;
		}
		add_avar(y->ap, vars, n, key, mr_xstrdup(s), yloc(y, v));
	}
}

static void y_group(struct yload *y, const char *name, const yaml_node_t *def, int depth);

static void y_hosts(struct yload *y, const char *group, const yaml_node_t *map)
{
	if (ynull(map))
		return;
	struct mr_loc mloc = yloc(y, map);
	if (map->type != YAML_MAPPING_NODE) {
		mr_error_at(y->ap->err, MR_ERR_INPUT, &mloc,
		            "group '%s': hosts: expected a mapping of host names", group);
		return;
	}
	y_unique_keys(y, map);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *pat = yscalar(y, k, "host name");
		if (!pat)
			continue;
		char **names = NULL;
		size_t nn = 0;
		struct avar *vars = NULL;
		size_t n_vars = 0;
		struct mr_loc loc = yloc(y, k);
		if (host_pattern(y->ap, pat, loc, &names, &nn, &vars, &n_vars) == 0) {
			char *owner = mr_xasprintf("host '%s'", pat);
			y_vars(y, &vars, &n_vars, v, owner);
			free(owner);
			hosts_join(y->ap, group, names, vars, n_vars, loc);
		} else {
			free_avars(vars, n_vars);
		}
		mr_strv_free(names);
	}
}

static void y_children(struct yload *y, const char *parent, const yaml_node_t *map, int depth)
{
	if (ynull(map))
		return;
	struct mr_loc mloc = yloc(y, map);
	if (map->type != YAML_MAPPING_NODE) {
		mr_error_at(y->ap->err, MR_ERR_INPUT, &mloc,
		            "group '%s': children: expected a mapping of group names", parent);
		return;
	}
	y_unique_keys(y, map);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *child = yscalar(y, k, "group name");
		if (!child)
			continue;
		struct mr_loc loc = yloc(y, k);
		if (!good_name(child, 0)) {
			char *m = expected("a group name", child);
			mr_error_at(y->ap->err, MR_ERR_INPUT, &loc, "%s", m);
			free(m);
			continue;
		}
		struct agroup *g = agroup_get(y->ap, parent);
		if (!strv_has(g->children, child)) {
			g->child_loc = mr_xreallocarray(g->child_loc, g->n_children + 1,
			                                sizeof(*g->child_loc));
			g->child_loc[g->n_children] = loc;
			strv_push(&g->children, &g->n_children, mr_xstrdup(child));
		}
		y_group(y, child, v, depth + 1);
	}
}

/* One group's definition: hosts, vars and children, each optional. */
static void y_group(struct yload *y, const char *name, const yaml_node_t *def, int depth)
{
	struct agroup *g = agroup_get(y->ap, name);
	if (ynull(def))
		return;
	struct mr_loc dloc = yloc(y, def);
	if (y_walked(y, name, def))
		return;
	if (depth > YAML_MAX_DEPTH) {
		mr_error_at(y->ap->err, MR_ERR_INPUT, &dloc, "group '%s': nested too deep", name);
		return;
	}
	if (def->type != YAML_MAPPING_NODE) {
		mr_error_at(y->ap->err, MR_ERR_INPUT, &dloc,
		            "group '%s': expected a mapping of hosts, vars and children", name);
		return;
	}
	y_unique_keys(y, def);
	for (yaml_node_pair_t *p = def->data.mapping.pairs.start; p < def->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *key = yscalar(y, k, "key");
		struct mr_loc loc = yloc(y, k);
		if (!key)
			continue;
		if (strcmp(key, "hosts") == 0) {
			y_hosts(y, name, v);
		} else if (strcmp(key, "vars") == 0) {
			char *owner = mr_xasprintf("group '%s'", name);
			y_vars(y, &g->vars, &g->n_vars, v, owner);
			free(owner);
		} else if (strcmp(key, "children") == 0) {
			y_children(y, name, v, depth);
		} else {
			group_unknown_key(y->ap, &loc, name, key);
		}
	}
}

static void load_yaml(struct mr_inventory *inv, const char *text, size_t len,
                      struct mr_error **err)
{
	struct aparse ap = { .file = inv->path, .err = err };
	yaml_parser_t parser;
	yaml_document_t doc;
	int have_doc = 0;

	if (!yaml_parser_initialize(&parser)) {
		mr_error_add(err, MR_ERR_SYSTEM, inv->path, "cannot start the YAML parser");
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		struct mr_loc loc = { inv->path, (unsigned)parser.problem_mark.line + 1 };
		mr_error_at(err, MR_ERR_INPUT, &loc, "YAML: %s%s%s",
		            parser.problem ? parser.problem : "cannot parse",
		            parser.context ? " " : "", parser.context ? parser.context : "");
		goto out;
	}
	have_doc = 1;
	size_t n_nodes = (size_t)(doc.nodes.top - doc.nodes.start);
	struct yload y = { &ap, &doc, NULL, 0, mr_xcalloc(n_nodes + 1, 1), n_nodes };
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root || ynull(root))
		goto out;
	if (root->type != YAML_MAPPING_NODE) {
		struct mr_loc loc = yloc(&y, root);
		mr_error_at(err, MR_ERR_INPUT, &loc, "expected a mapping of groups (all: ...)");
		goto out;
	}
	y_unique_keys(&y, root);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		const char *name = yscalar(&y, k, "group name");
		if (!name)
			continue;
		if (!good_name(name, 0)) {
			struct mr_loc loc = yloc(&y, k);
			char *m = expected("a group name", name);
			mr_error_at(err, MR_ERR_INPUT, &loc, "%s", m);
			free(m);
			continue;
		}
		y_group(&y, name, yaml_document_get_node(&doc, p->value), 0);
	}
	free(y.walked);
	resolve_ansible(inv, &ap);
out:
	if (have_doc) {
		free(y.keys_checked);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	aparse_fini(&ap);
}

/* ---- ansible-inventory --list JSON (json-c) ---- */

/* A JSON value as a variable's text: strings as they are, numbers and
 * booleans as Ansible would print them. NULL (reported) for the rest, or
 * for a string holding a NUL. */
static char *json_text(struct aparse *ap, struct json_object *v, const char *key)
{
	struct mr_loc eloc = { ap->where, 0 };
	switch (json_object_get_type(v)) {
	case json_type_null:
		return mr_xstrdup("");
	case json_type_string: {
		const char *s = json_object_get_string(v);
		if (strlen(s) != (size_t)json_object_get_string_len(v)) {
			mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: NUL character in value", key);
			return NULL;
		}
		return mr_xstrdup(s);
	}
	case json_type_int:
		return mr_xasprintf("%lld", (long long)json_object_get_int64(v));
	case json_type_boolean:
		return mr_xstrdup(json_object_get_boolean(v) ? "true" : "false");
	default:
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: expected a single value", key);
		return NULL;
	}
}

static void j_vars(struct aparse *ap, struct avar **vars, size_t *n, struct json_object *obj)
{
	struct mr_loc eloc = { ap->where, 0 };
	struct mr_loc loc = { ap->file, 0 };
	if (!obj || json_object_is_type(obj, json_type_null))
		return;
	if (!json_object_is_type(obj, json_type_object)) {
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "vars: expected an object");
		return;
	}
	json_object_object_foreach(obj, key, v)
	{
		enum field f = F_N;
		enum avar_target t = avar_field(key, &f);
		if (t == AV_IGNORED) {
			note_ignored(ap, key, &eloc);
			continue;
		}
		if (json_object_is_type(v, json_type_array)) {
			size_t count = json_object_array_length(v);
			char **items = mr_xcalloc(count + 1, sizeof(*items));
			struct mr_loc *locs = mr_xcalloc(count + 1, sizeof(*locs));
			size_t got = 0;
			int bad = 0;
			for (size_t i = 0; i < count; i++) {
				char *s = json_text(ap, json_object_array_get_idx(v, i), key);
				if (!s) {
					bad = 1;
					continue;
				}
				locs[got] = loc;
				items[got++] = s;
			}
			if (!bad)
				add_avar_list(ap, vars, n, key, items, locs, got, loc);
			mr_strv_free(items);
			free(locs);
			continue;
		}
		char *s = json_text(ap, v, key);
		if (s)
			add_avar(ap, vars, n, key, s, loc);
	}
}

/* A list of names in a JSON array; each checked. */
static char **j_names(struct aparse *ap, struct json_object *arr, const char *what, int host)
{
	struct mr_loc eloc = { ap->where, 0 };
	char **v = mr_xcalloc(1, sizeof(*v));
	size_t n = 0;
	if (!json_object_is_type(arr, json_type_array)) {
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: expected an array of names", what);
		return v;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *s = json_object_is_type(e, json_type_string) ? json_object_get_string(e)
		                                                         : NULL;
		if (!s || strlen(s) != (size_t)json_object_get_string_len(e) || !good_name(s, host)) {
			char *m = expected(host ? "a host name" : "a group name",
			                   s ? s : json_object_to_json_string(e));
			mr_error_at(ap->err, MR_ERR_INPUT, &eloc, "%s: %s", what, m);
			free(m);
			continue;
		}
		strv_push(&v, &n, mr_xstrdup(s));
	}
	return v;
}

static void j_group(struct aparse *ap, const char *name, struct json_object *def)
{
	struct mr_loc loc = { ap->file, 0 };
	struct mr_loc eloc = { ap->where, 0 };
	struct agroup *g = agroup_get(ap, name);
	char **hosts = NULL, **children = NULL;
	/* an inventory script may give a group as its list of hosts */
	if (json_object_is_type(def, json_type_array)) {
		hosts = j_names(ap, def, "hosts", 1);
	} else if (json_object_is_type(def, json_type_object)) {
		json_object_object_foreach(def, key, v)
		{
			if (strcmp(key, "hosts") == 0 && !hosts)
				hosts = j_names(ap, v, "hosts", 1);
			else if (strcmp(key, "children") == 0 && !children)
				children = j_names(ap, v, "children", 0);
			else if (strcmp(key, "vars") == 0)
				j_vars(ap, &g->vars, &g->n_vars, v);
			else
				group_unknown_key(ap, &eloc, NULL, key);
		}
	} else if (!json_object_is_type(def, json_type_null)) {
		mr_error_at(ap->err, MR_ERR_INPUT, &eloc,
		            "expected an object with hosts, vars and children");
	}
	for (size_t i = 0; hosts && hosts[i]; i++) {
		struct ahost *h = ahost_get(ap, hosts[i], loc);
		if (!strv_has(h->groups, name))
			strv_push(&h->groups, &h->n_groups, mr_xstrdup(name));
	}
	for (size_t i = 0; children && children[i]; i++) {
		agroup_get(ap, children[i]);
		if (strv_has(g->children, children[i]))
			continue;
		g->child_loc = mr_xreallocarray(g->child_loc, g->n_children + 1,
		                                sizeof(*g->child_loc));
		g->child_loc[g->n_children] = loc;
		strv_push(&g->children, &g->n_children, mr_xstrdup(children[i]));
	}
	mr_strv_free(hosts);
	mr_strv_free(children);
}

/* A key of a JSON object: its text (escapes decoded), its line, and its
 * place, to sort repeats after the first. */
struct jkey {
	char *name;
	unsigned line;
	size_t at;
};

static int jkey_cmp(const void *a, const void *b)
{
	const struct jkey *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : x->at < y->at ? -1 : 1;
}

/* A repeated key: the repeat, and the line of the first. */
struct jdup {
	struct jkey key;
	unsigned first_line;
};

static int jdup_cmp(const void *a, const void *b)
{
	const struct jdup *x = a, *y = b;
	return x->key.at < y->key.at ? -1 : x->key.at > y->key.at;
}

/* One object's keys: each repeat into dups, the others freed. */
static void jkeys_check(struct jkey *keys, size_t n, struct jdup **dups, size_t *n_dups)
{
	if (n > 1) /* an empty object has no array at all */
		qsort(keys, n, sizeof(*keys), jkey_cmp);
	for (size_t i = 0, first = 0; i < n; i++) {
		if (i == 0 || strcmp(keys[i].name, keys[first].name) != 0) {
			first = i;
			continue;
		}
		*dups = mr_xreallocarray(*dups, *n_dups + 1, sizeof(**dups));
		(*dups)[(*n_dups)++] = (struct jdup){ keys[i], keys[first].line };
		keys[i].name = NULL;
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i].name);
}

/* json-c keeps the last of a key given twice in one object, as Ansible
 * does, without a word: a group's hosts or a host's settings given first
 * would be dropped. So the text (valid JSON: json-c read it) is walked
 * once more for the keys of each object. */
static void json_unique_keys(const char *text, size_t len, const char *file,
                             struct mr_error **err)
{
	struct frame {
		int object, want_key;
		struct jkey *keys;
		size_t n, cap;
	} *stack = NULL;
	size_t depth = 0, cap = 0, n_dups = 0;
	struct jdup *dups = NULL;
	unsigned line = 1;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		struct frame *top = depth ? &stack[depth - 1] : NULL;
		if (c == '\n') {
			line++;
		} else if (c == '{' || c == '[') {
			if (depth == cap) {
				cap = cap ? cap * 2 : 16;
				stack = mr_xreallocarray(stack, cap, sizeof(*stack));
			}
			stack[depth++] = (struct frame){ c == '{', c == '{', NULL, 0, 0 };
		} else if ((c == '}' || c == ']') && top) {
			if (top->object)
				jkeys_check(top->keys, top->n, &dups, &n_dups);
			free(top->keys);
			depth--;
		} else if (c == ',' && top && top->object) {
			top->want_key = 1;
		} else if (c == '"') {
			size_t start = i++;
			int escaped = 0;
			for (; i < len && text[i] != '"'; i++)
				if (text[i] == '\\') {
					escaped = 1;
					i++;
				}
			if (i >= len) /* not reached for valid JSON */
				break;
			if (!top || !top->object || !top->want_key)
				continue;
			top->want_key = 0;
			char *name = mr_xstrndup(text + start + 1, i - start - 1);
			if (escaped) { /* as json-c reads it: "\u0061" is "a" */
				char *quoted = mr_xstrndup(text + start, i - start + 1);
				struct json_object *o = json_tokener_parse(quoted);
				if (o && json_object_is_type(o, json_type_string)) {
					free(name);
					name = mr_xstrdup(json_object_get_string(o));
				}
				json_object_put(o);
				free(quoted);
			}
			if (top->n == top->cap) {
				top->cap = top->cap ? top->cap * 2 : 8;
				top->keys = mr_xreallocarray(top->keys, top->cap, sizeof(*top->keys));
			}
			top->keys[top->n++] = (struct jkey){ name, line, start };
		}
	}
	while (depth--) { /* not reached for valid JSON */
		for (size_t k = 0; k < stack[depth].n; k++)
			free(stack[depth].keys[k].name);
		free(stack[depth].keys);
	}
	free(stack);
	/* in the file's order (inner objects close first) */
	if (n_dups)
		qsort(dups, n_dups, sizeof(*dups), jdup_cmp);
	for (size_t i = 0; i < n_dups; i++) {
		struct mr_loc loc = { file, dups[i].key.line };
		mr_error_at(err, MR_ERR_INPUT, &loc,
		            "duplicate key '%s', first at %s:%u (JSON keys should be unique; "
		            "Ansible keeps the last one only)",
		            dups[i].key.name, file, dups[i].first_line);
		free(dups[i].key.name);
	}
	free(dups);
}

static void load_json(struct mr_inventory *inv, const char *text, size_t len,
                      struct mr_error **err)
{
	struct aparse ap = { .file = inv->path, .err = err };
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL;
	char *where = NULL;

	root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error je = json_tokener_get_error(tok);
	if (!root || je != json_tokener_success) {
		/* the line of the offset where the parse stopped */
		size_t off = json_tokener_get_parse_end(tok);
		unsigned line = 1;
		for (size_t i = 0; i < off && i < len; i++)
			line += text[i] == '\n';
		struct mr_loc loc = { inv->path, line };
		mr_error_at(err, MR_ERR_INPUT, &loc, "JSON: %s",
		            je == json_tokener_success    ? "empty document"
		            : je == json_tokener_continue ? "unexpected end of data"
		                                          : json_tokener_error_desc(je));
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		mr_error_add(err, MR_ERR_INPUT, inv->path,
		             "expected an object of groups, as ansible-inventory --list prints");
		goto out;
	}
	json_unique_keys(text, len, inv->path, err);
	/* hosts in the order of _meta.hostvars, then those only in groups */
	struct json_object *meta = NULL, *hostvars = NULL;
	if (json_object_object_get_ex(root, "_meta", &meta) &&
	    json_object_object_get_ex(meta, "hostvars", &hostvars)) {
		if (!json_object_is_type(hostvars, json_type_object)) {
			mr_error_add(err, MR_ERR_INPUT, inv->path,
			             "_meta.hostvars: expected an object of hosts");
		} else {
			json_object_object_foreach(hostvars, name, vars)
			{
				free(where);
				where = mr_xasprintf("%s: host '%s'", inv->path, name);
				ap.where = where;
				if (!good_name(name, 1)) {
					char *m = expected("a host name", name);
					mr_error_add(err, MR_ERR_INPUT, inv->path, "_meta.hostvars: %s", m);
					free(m);
					continue;
				}
				struct ahost *h = ahost_get(&ap, name, (struct mr_loc){ inv->path, 0 });
				j_vars(&ap, &h->vars, &h->n_vars, vars);
			}
		}
	}
	json_object_object_foreach(root, gname, def)
	{
		if (strcmp(gname, "_meta") == 0)
			continue;
		free(where);
		where = mr_xasprintf("%s: group '%s'", inv->path, gname);
		ap.where = where;
		if (!good_name(gname, 0)) {
			char *m = expected("a group name", gname);
			mr_error_add(err, MR_ERR_INPUT, inv->path, "%s", m);
			free(m);
			continue;
		}
		j_group(&ap, gname, def);
	}
	resolve_ansible(inv, &ap);
out:
	free(where);
	json_object_put(root);
	json_tokener_free(tok);
	aparse_fini(&ap);
}

/* ---- the format test and the entry points ---- */

static int is_ansible(const char *text, size_t len)
{
	struct mr_ini_cursor c;
	const char *s;
	size_t n;
	int ours = 0, theirs = 0;
	mr_ini_cursor_init(&c, text, len);
	while (mr_ini_cursor_next(&c, &s, &n)) {
		while (n && is_blank(*s)) {
			s++;
			n--;
		}
		if (!n || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *close = memchr(s, ']', n);
			size_t in = close ? (size_t)(close - s - 1) : n - 1;
			const char *inner = s + 1;
			while (in && is_blank(*inner)) {
				inner++;
				in--;
			}
			if ((in == 8 && strncmp(inner, "defaults", 8) == 0) ||
			    (in > 6 && strncmp(inner, "group", 5) == 0 && is_blank(inner[5])) ||
			    (in > 5 && strncmp(inner, "host", 4) == 0 && is_blank(inner[4])))
				ours = 1;
			else if (memchr(inner, ':', in))
				theirs = 1;
			continue;
		}
		size_t w = strcspn(s, " \t=");
		if (w > n)
			w = n;
		const char *after = s + w;
		while (after < s + n && is_blank(*after))
			after++;
		if (after >= s + n || *after != '=')
			theirs = 1;
	}
	return theirs && !ours;
}


static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The format of an inventory, by its content first: JSON starts with '{';
 * YAML with "---", "%YAML" or a top-level "key:" line (a colon at the end
 * or before a blank, and no '=', '[', blank or other colon before it), which
 * no INI host line or header looks like. Otherwise the name may say
 * .json, .yml or .yaml, and failing that it is one of the INI formats. */
enum mr_inventory_format mr_inventory_detect(const char *path, const char *text, size_t len)
{
	struct mr_ini_cursor c;
	const char *s;
	size_t n;
	mr_ini_cursor_init(&c, text, len);
	while (mr_ini_cursor_next(&c, &s, &n)) {
		while (n && (is_blank(*s))) {
			s++;
			n--;
		}
		while (n && is_blank(s[n - 1]))
			n--;
		if (!n || *s == '#')
			continue;
		if (*s == '{')
			return MR_INVENTORY_JSON;
		if ((n >= 3 && memcmp(s, "---", 3) == 0) || (n >= 5 && memcmp(s, "%YAML", 5) == 0))
			return MR_INVENTORY_YAML;
		size_t k = strcspn(s, ":= \t[");
		if (k && k < n && s[k] == ':' && (k + 1 == n || is_blank(s[k + 1])))
			return MR_INVENTORY_YAML;
		break;
	}
	if (ends_with(path, ".json"))
		return MR_INVENTORY_JSON;
	if (ends_with(path, ".yml") || ends_with(path, ".yaml"))
		return MR_INVENTORY_YAML;
	return is_ansible(text, len) ? MR_INVENTORY_ANSIBLE : MR_INVENTORY_NATIVE;
}

struct mr_inventory *mr_inventory_parse(const char *path, const char *text, size_t len,
                                        enum mr_inventory_format fmt, struct mr_error **err)
{
	struct mr_error *errs = NULL;
	struct mr_inventory *inv = mr_xcalloc(1, sizeof(*inv));
	inv->path = mr_xstrdup(strcmp(path, "-") == 0 ? MR_INI_STDIN : path);
	if (fmt == MR_INVENTORY_AUTO)
		fmt = mr_inventory_detect(path, text, len);
	switch (fmt) {
	case MR_INVENTORY_JSON:
		load_json(inv, text, len, &errs);
		break;
	case MR_INVENTORY_YAML:
		load_yaml(inv, text, len, &errs);
		break;
	case MR_INVENTORY_ANSIBLE:
		load_ansible(inv, text, len, &errs);
		break;
	case MR_INVENTORY_NATIVE:
	case MR_INVENTORY_AUTO:
		load_native(inv, text, len, &errs);
		break;
	}
	if (!errs && !inv->n)
		mr_error_add(&errs, MR_ERR_INPUT, inv->path, "no hosts");
	if (errs) {
		mr_error_move(err, &errs);
		mr_inventory_free(inv);
		return NULL;
	}
	return inv;
}

struct mr_inventory *mr_inventory_load(const char *path, struct mr_error **err)
{
	char *text = NULL;
	size_t len = 0;
	if (mr_ini_read_file(path, NULL, &text, &len, err) < 0)
		return NULL;
	struct mr_inventory *inv = mr_inventory_parse(path, text, len, MR_INVENTORY_AUTO, err);
	free(text);
	return inv;
}

/* An address as a key for comparing machines: an IP literal in its
 * canonical text (an IPv4-mapped IPv6 address as IPv4), a name in lower
 * case. Nothing is resolved: no DNS before the run. */
static char *machine_address(const char *addr)
{
	unsigned char b[16];
	char text[INET6_ADDRSTRLEN];
	/* every spelling getaddrinfo reads as one address (127.1, 0x7f000001,
	 * ::ffff:127.0.0.1) is that address */
	if (mr_addr_parse(addr, strlen(addr), b)) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(b, mapped, sizeof(mapped)) == 0)
			inet_ntop(AF_INET, b + 12, text, sizeof(text));
		else
			inet_ntop(AF_INET6, b, text, sizeof(text));
		return mr_xstrdup(text);
	}
	char *s = mr_xstrdup(addr);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

int mr_inventory_check_distinct(const struct mr_inventory *inv, const char *cli_root,
                                int (*selected)(const char *name, const void *user),
                                const void *user, struct mr_error **err)
{
	size_t n = 0;
	const struct mr_host **h = NULL;
	char **addr = NULL, **root = NULL;
	char *croot = NULL;
	int r = 0;

	if (!inv)
		return 0;
	if (cli_root && !(croot = mr_ini_path_resolve(NULL, cli_root)))
		croot = mr_xstrdup(cli_root);
	h = mr_xcalloc(inv->n + 1, sizeof(*h));
	addr = mr_xcalloc(inv->n + 1, sizeof(*addr));
	root = mr_xcalloc(inv->n + 1, sizeof(*root));
	for (size_t i = 0; i < inv->n; i++) {
		const struct mr_host *x = inv->hosts[i];
		if (selected && !selected(x->name, user))
			continue;
		h[n] = x;
		addr[n] = machine_address(x->address);
		/* host roots are already absolute and cleaned; "/" is no root */
		root[n] = mr_xstrdup(croot ? croot : x->root ? x->root : "/");
		n++;
	}
	for (size_t j = 1; j < n; j++) {
		for (size_t i = 0; i < j; i++) {
			if (h[i]->port != h[j]->port || strcmp(addr[i], addr[j]) != 0 ||
			    strcmp(root[i], root[j]) != 0)
				continue;
			char *first = loc_text(&h[i]->loc);
			mr_error_at(err, MR_ERR_INPUT, &h[j]->loc,
			            "host '%s' is the same machine as '%s' (%s): %s port %u, %s %s",
			            h[j]->name, h[i]->name, first, addr[j], h[j]->port,
			            croot ? "--root" : "root", croot ? cli_root : root[j]);
			free(first);
			r = -1;
			break; /* one message per host, naming the first it repeats */
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(addr[i]);
		free(root[i]);
	}
	free(addr);
	free(root);
	free(h);
	free(croot);
	return r;
}

void mr_inventory_free(struct mr_inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->n; i++)
		host_free(inv->hosts[i]);
	free(inv->hosts);
	free(inv->path);
	free(inv);
}

size_t mr_inventory_count(const struct mr_inventory *inv)
{
	return inv ? inv->n : 0;
}

const struct mr_host *mr_inventory_host(const struct mr_inventory *inv, size_t i)
{
	return inv && i < inv->n ? inv->hosts[i] : NULL;
}

const char *mr_inventory_path(const struct mr_inventory *inv)
{
	return inv ? inv->path : NULL;
}

char *mr_host_libvirt_uri(const struct mr_host *h, unsigned port)
{
	if (h->libvirt_uri)
		return mr_xstrdup(h->libvirt_uri);
	char at[16] = "";
	if (port && port != 16509)
		snprintf(at, sizeof(at), ":%u", port);
	/* An IPv6 literal needs brackets in a URI. */
	if (strchr(h->address, ':'))
		return mr_xasprintf("qemu+tcp://[%s]%s/system", h->address, at);
	return mr_xasprintf("qemu+tcp://%s%s/system", h->address, at);
}
