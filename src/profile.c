/* Profiles: loading (with includes), merging in -p order, cross-field
 * checks and the accessors. The schema and value checks live in
 * profile_schema.c.
 *
 * Layers. Each -p file, together with the files it includes, is read into
 * a layer of its own: an include is read in place, as if its lines stood
 * where the include line is, so within a layer repeated list keys
 * accumulate (an included base's "allow" lines and the includer's) and a
 * scalar key set twice is an error naming both lines, even when one of them
 * is in an included file. The layers are then merged in order: a later
 * layer's scalar replaces an earlier one's, and a later layer's list
 * replaces the earlier list as a whole. A list key written with an empty
 * value ("allow =") contributes no value, so a later profile can clear a
 * list with it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aug.h"
#include "ini_lines.h"
#include "profile.h"
#include "profile_priv.h"

#define MAX_INCLUDE_DEPTH 8

struct setting {
	struct mr_setting pub; /* first: a pointer to pub is one to the setting */
	char *value;
	unsigned seq;          /* order of arrival, for where cross-checks point */
	int from_override;
};

struct entry {
	char *key;
	int list;
	int bad; /* a value failed its check: cross-checks leave the key alone */
	struct mr_setting **vals;
	size_t n, cap;
};

struct section {
	char *name;
	struct mr_loc loc; /* its first header */
	struct entry **entries;
	size_t n, cap;
};

struct mr_profile {
	struct section **sections;
	size_t n, cap;
	char **files; /* the names that locations point to */
	size_t n_files, cap_files;
	unsigned seq;
};

static struct setting *S(const struct mr_setting *s)
{
	return (struct setting *)s;
}

/* ---- storage ---- */

struct mr_profile *mr_profile_new(void)
{
	return mr_xcalloc(1, sizeof(struct mr_profile));
}

static void entry_clear(struct entry *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(S(e->vals[i])->value);
		free(S(e->vals[i]));
	}
	e->n = 0;
}

static void entry_free(struct entry *e)
{
	entry_clear(e);
	free(e->vals);
	free(e->key);
	free(e);
}

static void section_free(struct section *s)
{
	for (size_t i = 0; i < s->n; i++)
		entry_free(s->entries[i]);
	free(s->entries);
	free(s->name);
	free(s);
}

void mr_profile_free(struct mr_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		section_free(p->sections[i]);
	free(p->sections);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	free(p);
}

static const char *add_file(struct mr_profile *p, const char *name)
{
	if (p->n_files == p->cap_files) {
		p->cap_files = p->cap_files ? 2 * p->cap_files : 4;
		p->files = mr_xreallocarray(p->files, p->cap_files, sizeof(*p->files));
	}
	p->files[p->n_files] = mr_xstrdup(name);
	return p->files[p->n_files++];
}

static struct section *section_find(const struct mr_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->sections[i]->name, name) == 0)
			return p->sections[i];
	}
	return NULL;
}

static struct section *section_get(struct mr_profile *p, const char *name, struct mr_loc loc)
{
	struct section *s = section_find(p, name);
	if (s)
		return s;
	s = mr_xcalloc(1, sizeof(*s));
	s->name = mr_xstrdup(name);
	s->loc = loc;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->sections = mr_xreallocarray(p->sections, p->cap, sizeof(*p->sections));
	}
	p->sections[p->n++] = s;
	return s;
}

static struct entry *entry_find(const struct section *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++) {
		if (strcmp(s->entries[i]->key, key) == 0)
			return s->entries[i];
	}
	return NULL;
}

static struct entry *entry_get(struct section *s, const char *key, int list)
{
	struct entry *e = entry_find(s, key);
	if (e)
		return e;
	e = mr_xcalloc(1, sizeof(*e));
	e->key = mr_xstrdup(key);
	e->list = list;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->entries = mr_xreallocarray(s->entries, s->cap, sizeof(*s->entries));
	}
	s->entries[s->n++] = e;
	return e;
}

static void entry_push(struct entry *e, struct mr_setting *s)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 4;
		e->vals = mr_xreallocarray(e->vals, e->cap, sizeof(*e->vals));
	}
	e->vals[e->n++] = s;
}

/* value is taken over. */
static struct setting *setting_add(struct mr_profile *p, struct section *sec, struct entry *e,
                                   char *value, struct mr_loc loc, int from_override)
{
	struct setting *s = mr_xcalloc(1, sizeof(*s));
	s->value = value;
	s->seq = ++p->seq;
	s->from_override = from_override;
	s->pub = (struct mr_setting){ sec->name, e->key, s->value, loc };
	entry_push(e, &s->pub);
	return s;
}

static const struct entry *lookup(const struct mr_profile *p, const char *section, const char *key)
{
	return entry_find(section_find(p, section), key);
}

/* ---- checks shared by profile lines and overrides ---- */

/* Checks one setting; on success returns 0 and the value to store in
 * *stored (the caller's). prefix names the key in messages. */
static int check_one(const char *section, const char *key, const char *value,
                     const struct mr_loc *loc, const char *prefix, char **stored,
                     struct mr_error **err)
{
	const struct mr_schema_key *k = mr_schema_find(section, key);
	char *msg = NULL, *norm = NULL;
	*stored = NULL;
	if (!k) {
		msg = mr_schema_unknown_key(section, key);
		mr_error_at(err, MR_ERR_INPUT, loc, "%s", msg);
		free(msg);
		return -1;
	}
	if ((k->flags & MR_SK_LIST) && !*value) {
		*stored = mr_xstrdup("");
		return 0;
	}
	if (mr_schema_check(k, value, loc->file, &norm, &msg) < 0) {
		mr_error_at(err, MR_ERR_INPUT, loc, "%s: %s", prefix, msg);
		free(msg);
		return -1;
	}
	*stored = norm ? norm : mr_xstrdup(value);
	return 0;
}

static const struct setting *later(const struct mr_setting *a, const struct mr_setting *b)
{
	return S(a)->seq > S(b)->seq ? S(a) : S(b);
}

static void cross_ports(const struct mr_profile *p, struct mr_error **err)
{
	const struct entry *lo = lookup(p, "qemu", "migration_port_min");
	const struct entry *hi = lookup(p, "qemu", "migration_port_max");
	if (!lo || !hi || !lo->n || !hi->n || lo->bad || hi->bad)
		return;
	const struct mr_setting *a = lo->vals[0], *b = hi->vals[0];
	if (mr_setting_long(a) <= mr_setting_long(b))
		return;
	if (later(a, b) == S(a))
		mr_error_at(err, MR_ERR_INPUT, &a->loc,
		            "migration_port_min: '%s' is above migration_port_max '%s' set at %s:%u",
		            a->value, b->value, b->loc.file, b->loc.line);
	else
		mr_error_at(err, MR_ERR_INPUT, &b->loc,
		            "migration_port_max: '%s' is below migration_port_min '%s' set at %s:%u",
		            b->value, a->value, a->loc.file, a->loc.line);
}

static void cross_nfs(const struct mr_profile *p, struct mr_error **err)
{
	const struct entry *role = lookup(p, "nfs", "role");
	if (!role || !role->n || role->bad)
		return;
	const struct mr_setting *r = role->vals[0];
	int server = strcmp(r->value, "server") == 0 || strcmp(r->value, "both") == 0;
	int client = strcmp(r->value, "client") == 0 || strcmp(r->value, "both") == 0;
	const struct entry *ex = lookup(p, "nfs", "export");
	const struct entry *mo = lookup(p, "nfs", "mount");
	if (server && !(ex && ex->bad) && !(ex && ex->n))
		mr_error_at(err, MR_ERR_INPUT, &r->loc, "role: '%s' needs at least one export",
		            r->value);
	if (client && !(mo && mo->bad) && !(mo && mo->n))
		mr_error_at(err, MR_ERR_INPUT, &r->loc, "role: '%s' needs at least one mount",
		            r->value);
}

static void cross_nova(const struct mr_profile *p, struct mr_error **err)
{
	const struct entry *mode = lookup(p, "nova", "cpu_mode");
	const struct entry *model = lookup(p, "nova", "cpu_model");
	if (mode && mode->n && !mode->bad && strcmp(mode->vals[0]->value, "custom") == 0 &&
	    !(model && (model->n || model->bad)))
		mr_error_at(err, MR_ERR_INPUT, &mode->vals[0]->loc,
		            "cpu_mode: 'custom' needs cpu_model");

	const struct entry *set = lookup(p, "nova", "set");
	for (size_t i = 0; set && i < set->n; i++) {
		char a[128];
		mr_schema_nova_option(set->vals[i]->value, a, sizeof(a));
		for (size_t j = 0; j < i; j++) {
			char b[128];
			mr_schema_nova_option(set->vals[j]->value, b, sizeof(b));
			if (strcmp(a, b) == 0) {
				const struct mr_setting *first = set->vals[j];
				const char *v = set->vals[i]->value;
				mr_error_at(err, MR_ERR_INPUT, &set->vals[i]->loc,
				            "set: '%.*s' already set at %s:%u",
				            (int)strcspn(v, " \t"), v, first->loc.file,
				            first->loc.line);
				break;
			}
		}
	}
}

static void cross_files(const struct mr_profile *p, struct mr_error **err)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct section *s = p->sections[i];
		const char *cls = mr_schema_class(s->name);
		if (!cls || strcmp(cls, "file") != 0)
			continue;
		const struct entry *lens = entry_find(s, "lens");
		if (!lens || (!lens->n && !lens->bad)) {
			mr_error_at(err, MR_ERR_INPUT, &s->loc, "[%s] needs a lens (lens = Name)",
			            s->name);
			continue;
		}
		char *like = NULL;
		const struct mr_setting *l = lens->n ? lens->vals[0] : NULL;
		if (l && !lens->bad && !mr_aug_lens_known(mr_aug_default_lens_dirs(), l->value, &like))
			mr_error_at(err, MR_ERR_INPUT, &l->loc, "lens: no Augeas lens '%s'%s%s%s", l->value,
			            like ? "; did you mean '" : "", like ? like : "", like ? "'?" : "");
		free(like);
	}
}

static void cross_check(const struct mr_profile *p, struct mr_error **err)
{
	cross_ports(p, err);
	cross_nfs(p, err);
	cross_nova(p, err);
	cross_files(p, err);
}

/* ---- loading ---- */

/* One -p file and its includes. */
struct unit {
	struct mr_profile *layer;
	struct mr_profile *result; /* hands out the sequence numbers */
	struct mr_error **err;
	const char *stack[MAX_INCLUDE_DEPTH + 1]; /* names from the -p file down */
	char *stack_real[MAX_INCLUDE_DEPTH + 1];
	unsigned depth;
	char **seen_real; /* every file of the unit, and where it was included */
	struct mr_loc *seen_from;
	size_t n_seen;
};

/* One file being read. */
struct frame {
	struct unit *u;
	const char *file;
	int in_section;
	int skip; /* the current section is unknown: its keys are not checked */
	struct section *sec;
};

static void read_file(struct unit *u, const char *path, const struct mr_loc *from);

/* "dir/of/includer/" + name, or name made absolute for "~". */
static char *include_path(const char *file, const char *name)
{
	if (name[0] == '/' || name[0] == '~')
		return mr_ini_path_resolve(file, name);
	const char *slash = strrchr(file, '/');
	if (!slash || mr_ini_is_stream(file))
		return mr_xstrdup(name);
	return mr_xasprintf("%.*s/%s", (int)(slash - file), file, name);
}

static void on_include(struct frame *f, const struct mr_ini_entry *e)
{
	struct unit *u = f->u;
	if (f->in_section) {
		mr_error_at(u->err, MR_ERR_INPUT, &e->loc,
		            "include must come before the first section");
		return;
	}
	if (!*e->value) {
		mr_error_at(u->err, MR_ERR_INPUT, &e->loc, "include: expected a file name, got ''");
		return;
	}
	char *path = include_path(f->file, e->value);
	if (!path) {
		mr_error_at(u->err, MR_ERR_INPUT, &e->loc, "include: cannot expand '%s'", e->value);
		return;
	}
	read_file(u, path, &e->loc);
	free(path);
}

static void on_key(struct frame *f, const struct mr_ini_entry *e)
{
	struct unit *u = f->u;
	if (!*e->section) {
		if (strcmp(e->key, "include") == 0) {
			on_include(f, e);
			return;
		}
		static const char *const top[] = { "include" };
		const char *best = mr_str_suggest(e->key, top, 1);
		mr_error_at(u->err, MR_ERR_INPUT, &e->loc, "unknown key '%s' outside any section%s",
		            e->key, best ? "; did you mean 'include'?" : "");
		return;
	}
	if (f->skip)
		return;
	if (strcmp(e->key, "include") == 0) {
		mr_error_at(u->err, MR_ERR_INPUT, &e->loc,
		            "include must come before the first section");
		return;
	}
	char *stored = NULL;
	const struct mr_schema_key *k = mr_schema_find(e->section, e->key);
	if (check_one(e->section, e->key, e->value, &e->loc, e->key, &stored, u->err) < 0) {
		if (k)
			entry_get(f->sec, e->key, (k->flags & MR_SK_LIST) != 0)->bad = 1;
		return;
	}
	struct entry *ent = entry_get(f->sec, e->key, (k->flags & MR_SK_LIST) != 0);
	if (!ent->list && ent->n) {
		const struct mr_setting *first = ent->vals[0];
		mr_error_at(u->err, MR_ERR_INPUT, &e->loc,
		            "duplicate key '%s' in [%s], first set at %s:%u", e->key, e->section,
		            first->loc.file, first->loc.line);
		free(stored);
		return;
	}
	if (ent->list && !*stored) {
		free(stored);
		return;
	}
	struct setting *s = setting_add(u->layer, f->sec, ent, stored, e->loc, 0);
	s->seq = ++u->result->seq;
}

static void on_entry(void *user, const struct mr_ini_entry *e)
{
	struct frame *f = user;
	if (e->key) {
		on_key(f, e);
		return;
	}
	char *msg = NULL;
	f->in_section = 1;
	f->sec = NULL;
	f->skip = mr_schema_check_section(e->section, &msg) < 0;
	if (f->skip) {
		mr_error_at(f->u->err, MR_ERR_INPUT, &e->loc, "%s", msg);
		free(msg);
		return;
	}
	f->sec = section_get(f->u->layer, e->section, e->loc);
}

static void include_cycle(struct unit *u, unsigned from_i, const char *path,
                          const struct mr_loc *from)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (unsigned i = from_i; i < u->depth; i++)
		mr_buf_printf(&b, "%s -> ", u->stack[i]);
	mr_buf_puts(&b, path);
	mr_error_at(u->err, MR_ERR_INPUT, from, "include cycle: %s", b.data);
	mr_buf_fini(&b);
}

static void read_file(struct unit *u, const char *path, const struct mr_loc *from)
{
	char *text = NULL;
	size_t len = 0;
	char *real = realpath(path, NULL);
	/* A pipe (/dev/stdin, <(...)) has no real path; its own name tells
	 * it apart, and it cannot be included again anyway. */
	if (!real && mr_ini_is_stream(path))
		real = mr_xstrdup(path);
	if (!real) {
		if (from)
			mr_error_at(u->err, MR_ERR_INPUT, from, "cannot open '%s': %s", path,
			            strerror(errno));
		else
			mr_error_add(u->err, MR_ERR_INPUT, path, "cannot open: %s", strerror(errno));
		return;
	}
	for (unsigned i = 0; i < u->depth; i++) {
		if (strcmp(u->stack_real[i], real) == 0) {
			include_cycle(u, i, path, from);
			goto out;
		}
	}
	for (size_t i = 0; i < u->n_seen; i++) {
		if (strcmp(u->seen_real[i], real) == 0) {
			mr_error_at(u->err, MR_ERR_INPUT, from, "'%s' is already included at %s:%u",
			            path, u->seen_from[i].file, u->seen_from[i].line);
			goto out;
		}
	}
	if (u->depth > MAX_INCLUDE_DEPTH) {
		mr_error_at(u->err, MR_ERR_INPUT, from, "includes nested more than %d deep",
		            MAX_INCLUDE_DEPTH);
		goto out;
	}
	if (mr_ini_read_file(path, from, &text, &len, u->err) < 0)
		goto out;

	const char *name = add_file(u->layer, strcmp(path, "-") == 0 ? MR_INI_STDIN : path);
	u->seen_real = mr_xreallocarray(u->seen_real, u->n_seen + 1, sizeof(*u->seen_real));
	u->seen_from = mr_xreallocarray(u->seen_from, u->n_seen + 1, sizeof(*u->seen_from));
	u->seen_real[u->n_seen] = mr_xstrdup(real);
	u->seen_from[u->n_seen++] = from ? *from : (struct mr_loc){ name, 0 };
	u->stack[u->depth] = name;
	u->stack_real[u->depth++] = real;
	real = NULL;

	struct frame f = { .u = u, .file = name };
	mr_ini_parse(name, text, len, on_entry, &f, u->err);

	free(u->stack_real[--u->depth]);
out:
	free(real);
	free(text);
}

/* Moves layer's sections, settings and file names into p, each layer key
 * replacing p's. */
static void merge(struct mr_profile *p, struct mr_profile *layer)
{
	for (size_t i = 0; i < layer->n; i++) {
		struct section *ls = layer->sections[i];
		struct section *ps = section_get(p, ls->name, ls->loc);
		for (size_t j = 0; j < ls->n; j++) {
			struct entry *le = ls->entries[j];
			struct entry *pe = entry_get(ps, le->key, le->list);
			if (le->bad) {
				pe->bad = 1;
				if (!le->n)
					continue;
			}
			entry_clear(pe);
			for (size_t k = 0; k < le->n; k++) {
				le->vals[k]->section = ps->name;
				le->vals[k]->key = pe->key;
				entry_push(pe, le->vals[k]);
			}
			le->n = 0;
		}
	}
	for (size_t i = 0; i < layer->n_files; i++) {
		if (p->n_files == p->cap_files) {
			p->cap_files = p->cap_files ? 2 * p->cap_files : 4;
			p->files = mr_xreallocarray(p->files, p->cap_files, sizeof(*p->files));
		}
		p->files[p->n_files++] = layer->files[i];
	}
	layer->n_files = 0;
}

struct mr_profile *mr_profile_load(const char *const *paths, size_t n, struct mr_error **err)
{
	return mr_profile_load_from(paths, n, NULL, err);
}

struct mr_profile *mr_profile_load_from(const char *const *paths, size_t n,
                                        const struct mr_loc *from, struct mr_error **err)
{
	struct mr_error *errs = NULL;
	struct mr_profile *p = mr_profile_new();

	for (size_t i = 0; i < n; i++) {
		struct unit u = { .layer = mr_profile_new(), .result = p, .err = &errs };
		size_t errs_before = mr_error_count(errs);
		read_file(&u, paths[i], from);
		/* an empty file (truncated by a failed copy, say) would check
		 * nothing and read as a host in the desired state */
		if (mr_error_count(errs) == errs_before && u.layer->n == 0)
			mr_error_add(&errs, MR_ERR_INPUT, paths[i],
			             "no section: a profile that sets nothing checks nothing (an empty "
			             "or truncated file?)");
		merge(p, u.layer);
		mr_profile_free(u.layer);
		for (size_t j = 0; j < u.n_seen; j++)
			free(u.seen_real[j]);
		free(u.seen_real);
		free(u.seen_from);
	}
	cross_check(p, &errs);
	if (errs) {
		mr_error_move(err, &errs);
		mr_profile_free(p);
		return NULL;
	}
	return p;
}

/* ---- copies and overrides ---- */

static const char *remap(const struct mr_profile *from, struct mr_profile *to, const char *file)
{
	for (size_t i = 0; i < from->n_files; i++) {
		if (from->files[i] == file)
			return to->files[i];
	}
	return file; /* an override's file, which outlives the profile */
}

struct mr_profile *mr_profile_dup(const struct mr_profile *p)
{
	struct mr_profile *q = mr_profile_new();
	if (!p)
		return q;
	for (size_t i = 0; i < p->n_files; i++)
		add_file(q, p->files[i]);
	for (size_t i = 0; i < p->n; i++) {
		const struct section *ps = p->sections[i];
		struct mr_loc loc = { remap(p, q, ps->loc.file), ps->loc.line };
		struct section *qs = section_get(q, ps->name, loc);
		for (size_t j = 0; j < ps->n; j++) {
			const struct entry *pe = ps->entries[j];
			struct entry *qe = entry_get(qs, pe->key, pe->list);
			qe->bad = pe->bad;
			for (size_t k = 0; k < pe->n; k++) {
				const struct setting *s = S(pe->vals[k]);
				struct mr_loc sl = { remap(p, q, s->pub.loc.file), s->pub.loc.line };
				struct setting *c = setting_add(q, qs, qe, mr_xstrdup(s->value), sl,
				                                s->from_override);
				c->seq = s->seq;
			}
		}
	}
	q->seq = p->seq;
	return q;
}

static char *override_prefix(const char *section, const char *key)
{
	const char *cls = mr_schema_class(section);
	if (cls && strcmp(cls, "file") == 0)
		return mr_xstrdup(key);
	return mr_xasprintf("%s.%s", section, key);
}

int mr_profile_check_setting(const char *section, const char *key, const char *value,
                             struct mr_loc loc, struct mr_error **err)
{
	char *msg = NULL, *stored = NULL;
	if (mr_schema_check_section(section, &msg) < 0) {
		mr_error_at(err, MR_ERR_INPUT, &loc, "%s", msg);
		free(msg);
		return -1;
	}
	char *prefix = override_prefix(section, key);
	int r = check_one(section, key, value, &loc, prefix, &stored, err);
	free(prefix);
	free(stored);
	return r;
}

int mr_profile_override(struct mr_profile *p, const char *section, const char *key,
                        const char *value, struct mr_loc loc, struct mr_error **err)
{
	struct mr_error *errs = NULL;
	char *msg = NULL, *stored = NULL, *prefix = NULL;
	struct mr_profile *q = NULL;
	int r = -1;

	if (mr_schema_check_section(section, &msg) < 0) {
		mr_error_at(&errs, MR_ERR_INPUT, &loc, "%s", msg);
		goto out;
	}
	prefix = override_prefix(section, key);
	if (check_one(section, key, value, &loc, prefix, &stored, &errs) < 0)
		goto out;

	/* Applied to a copy, so that p stays as it was if the result fails
	 * a cross-check. */
	q = mr_profile_dup(p);
	const struct mr_schema_key *k = mr_schema_find(section, key);
	struct section *sec = section_get(q, section, loc);
	struct entry *e = entry_get(sec, key, (k->flags & MR_SK_LIST) != 0);
	/* A list is replaced, as a later profile would, except that the
	 * "set" lines of one inventory (a host's groups', then its own) add
	 * up, like repeated keys of one profile file. */
	if (!(e->list && e->n && S(e->vals[0])->from_override && e->vals[0]->loc.file &&
	      loc.file && strcmp(e->vals[0]->loc.file, loc.file) == 0))
		entry_clear(e);
	if (!e->list || *stored)
		setting_add(q, sec, e, stored, loc, 1);
	else
		free(stored);
	stored = NULL;
	cross_check(q, &errs);
	if (errs)
		goto out;

	struct mr_profile tmp = *p;
	*p = *q;
	*q = tmp;
	r = 0;
out:
	mr_error_move(err, &errs);
	mr_profile_free(q);
	free(msg);
	free(stored);
	free(prefix);
	return r;
}

/* ---- accessors ---- */

const struct mr_setting *mr_profile_get(const struct mr_profile *p, const char *section,
                                        const char *key)
{
	const struct entry *e = p ? lookup(p, section, key) : NULL;
	return e && e->n ? e->vals[0] : NULL;
}

const struct mr_setting *const *mr_profile_get_all(const struct mr_profile *p,
                                                   const char *section, const char *key,
                                                   size_t *n)
{
	const struct entry *e = p ? lookup(p, section, key) : NULL;
	*n = e ? e->n : 0;
	return e && e->n ? (const struct mr_setting *const *)e->vals : NULL;
}

size_t mr_profile_section_count(const struct mr_profile *p)
{
	return p ? p->n : 0;
}

const char *mr_profile_section_name(const struct mr_profile *p, size_t i)
{
	return p && i < p->n ? p->sections[i]->name : NULL;
}

struct mr_loc mr_profile_section_loc(const struct mr_profile *p, size_t i)
{
	return p->sections[i]->loc;
}

size_t mr_profile_key_count(const struct mr_profile *p, size_t i)
{
	return p->sections[i]->n;
}

const char *mr_profile_key_name(const struct mr_profile *p, size_t i, size_t j)
{
	return p->sections[i]->entries[j]->key;
}

int mr_profile_has_section(const struct mr_profile *p, const char *section)
{
	return p && section_find(p, section) != NULL;
}

size_t mr_profile_setting_count(const struct mr_profile *p)
{
	size_t n = 0;
	for (size_t i = 0; p && i < p->n; i++) {
		for (size_t j = 0; j < p->sections[i]->n; j++)
			n += p->sections[i]->entries[j]->n;
	}
	return n;
}

int mr_profile_key_is_list(const char *section, const char *key)
{
	const struct mr_schema_key *k = mr_schema_find(section, key);
	if (!k)
		return -1;
	return (k->flags & MR_SK_LIST) != 0;
}

int mr_setting_bool(const struct mr_setting *s)
{
	return s && mr_parse_bool(s->value) == 1;
}

long mr_setting_long(const struct mr_setting *s)
{
	return s ? strtol(s->value, NULL, 10) : 0;
}
