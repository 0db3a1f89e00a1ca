/* A host's plan and its execution: observe every action; for apply, one
 * commit (commit.h) of every changed file and the unit actions they
 * need. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "commit.h"
#include "diff.h"
#include "facts.h"
#include "plan.h"
#include "report.h"
#include "transport.h"
#include "util_sha256.h"

#define BACKUP_ROOT MR_BACKUP_ROOT
/* Units whose new configuration is written but not yet in effect: kept on
 * the host until restarted, so that an interrupted apply, a failed restart
 * or --no-restart is not forgotten by the next run (whose files already
 * look right). One unit a line; read back by the facts probe. */
#define PENDING "/var/lib/migready/restart-pending"

struct mr_plan_file {
	char *path;
	char *lens;            /* NULL: a file migready owns whole */
	char *content;         /* owned: its content */
	int absent_ok;         /* owned: a missing file is fine too */
	char *content_want;    /* owned: what the report shows */
	struct mr_aug_op *ops; /* strings owned; handed to the engine as they are */
	char **settings;       /* for each op (or the owned file): "libvirtd.listen_tcp" */
	char **origins;        /* likewise: "profile.ini:3" */
	char **notes;          /* for each op: a note, or NULL */
	size_t n_ops;
	struct mr_plan_unit **notify;
	size_t n_notify;
	struct mr_plan_cmd **notify_cmds;
	size_t n_notify_cmds;
	int daemon_reload;
	/* owned or merged: the mode and owner it must have (has_attrs) */
	int has_attrs;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int secret;            /* never in a diff or the report */
	mr_plan_merge_fn merge; /* merged: content from what is there */
	void *merge_data;
	void (*merge_free)(void *);
	mr_plan_doubt_fn doubts; /* merged: what the result leaves unchecked */
	const char *doubt_setting;
	char *fallback;        /* merged: read instead when absent */
};

struct mr_plan_unit {
	char *name;
	enum mr_unit_enable enable;
	int active;            /* -1 any */
	char *setting;
	char *origin;
	struct mr_plan_unit **stop_first;
	size_t n_stop_first;
};

struct failed_item {
	char *setting, *origin, *message;
};

struct plan_dir {
	char *path;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char *setting, *origin;
	int secure_only; /* mr_plan_dir_secure: observed, never acted on */
	int at_least;    /* mr_plan_dir_at_least: mode holds these bits */
};

struct mr_plan_cmd {
	char *name;
	char **argv;
	int service; /* a daemon's reload: not under --no-restart */
};

/* An item the resource observed in the facts, and the command (or NULL)
 * that makes it right; or, with a note, a cross-check that passed. */
struct plan_observed {
	char *setting, *origin, *old, *want;
	char *note; /* mr_plan_passed: what was examined; or NULL */
	int drift, tree_fails;
	struct mr_plan_cmd *cmd;
};

static void observed_fini(struct plan_observed *o)
{
	free(o->setting);
	free(o->origin);
	free(o->old);
	free(o->want);
	free(o->note);
}

struct plan_mount {
	char *path;
	int force;
	char *setting, *origin;
};

struct mr_plan {
	const struct mr_facts *facts;
	struct mr_plan_file **files;
	size_t n_files;
	struct mr_plan_unit **units;
	size_t n_units;
	struct failed_item *failed;
	size_t n_failed;
	struct failed_item *unchecked;
	size_t n_unchecked;
	struct plan_dir *dirs;
	size_t n_dirs;
	struct mr_plan_cmd **cmds;
	size_t n_cmds;
	struct plan_mount *mounts;
	size_t n_mounts;
	struct plan_observed *observed;
	size_t n_observed;
};

static char *dup_or_null(const char *s)
{
	return s ? mr_xstrdup(s) : NULL;
}

struct mr_plan *mr_plan_new(const struct mr_facts *facts)
{
	struct mr_plan *p = mr_xcalloc(1, sizeof(struct mr_plan));
	p->facts = facts;
	return p;
}

const struct mr_facts *mr_plan_facts(const struct mr_plan *plan)
{
	return plan->facts;
}

static void items_free(struct failed_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].setting);
		free(v[i].origin);
		free(v[i].message);
	}
	free(v);
}

static void op_fini(struct mr_aug_op *op)
{
	free((char *)op->section);
	free((char *)op->key);
	free((char *)op->value);
	free((char *)op->comment_re);
	free((char *)op->deflt);
	free((char *)op->children);
	free((char *)op->create);
	free((char *)op->cover);
	free((char *)op->cover_want);
	free((char *)op->stop);
	free((char *)op->stop_scope);
	free((char *)op->stop_comment);
	free((char *)op->refuse);
	free((char *)op->refuse_why);
	free((char *)op->same_as);
	free((char *)op->bare);
}

void mr_plan_free(struct mr_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n_files; i++) {
		struct mr_plan_file *f = plan->files[i];
		for (size_t j = 0; j < f->n_ops; j++)
			op_fini(&f->ops[j]);
		for (size_t j = 0; j < f->n_ops || (!f->lens && j < 1); j++) {
			free(f->settings[j]);
			free(f->origins[j]);
			if (f->notes)
				free(f->notes[j]);
		}
		free(f->notes);
		free(f->ops);
		free(f->settings);
		free(f->origins);
		free(f->path);
		free(f->lens);
		free(f->content);
		free(f->content_want);
		free(f->fallback);
		free(f->notify);
		free(f->notify_cmds);
		if (f->merge_free)
			f->merge_free(f->merge_data);
		free(f);
	}
	for (size_t i = 0; i < plan->n_units; i++) {
		struct mr_plan_unit *u = plan->units[i];
		free(u->name);
		free(u->setting);
		free(u->origin);
		free(u->stop_first);
		free(u);
	}
	for (size_t i = 0; i < plan->n_dirs; i++) {
		free(plan->dirs[i].path);
		free(plan->dirs[i].setting);
		free(plan->dirs[i].origin);
	}
	free(plan->dirs);
	for (size_t i = 0; i < plan->n_cmds; i++) {
		mr_strv_free(plan->cmds[i]->argv);
		free(plan->cmds[i]->name);
		free(plan->cmds[i]);
	}
	free(plan->cmds);
	for (size_t i = 0; i < plan->n_mounts; i++) {
		free(plan->mounts[i].path);
		free(plan->mounts[i].setting);
		free(plan->mounts[i].origin);
	}
	free(plan->mounts);
	for (size_t i = 0; i < plan->n_observed; i++)
		observed_fini(&plan->observed[i]);
	free(plan->observed);
	items_free(plan->failed, plan->n_failed);
	items_free(plan->unchecked, plan->n_unchecked);
	free(plan->files);
	free(plan->units);
	free(plan);
}

static struct mr_plan_file *find_file(struct mr_plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->n_files; i++)
		if (strcmp(plan->files[i]->path, path) == 0)
			return plan->files[i];
	return NULL;
}

static struct mr_plan_file *new_file(struct mr_plan *plan, const char *path)
{
	struct mr_plan_file *f = mr_xcalloc(1, sizeof(*f));
	f->path = mr_xstrdup(path);
	plan->files = mr_xreallocarray(plan->files, plan->n_files + 1, sizeof(*plan->files));
	plan->files[plan->n_files++] = f;
	return f;
}

struct mr_plan_file *mr_plan_file(struct mr_plan *plan, const char *path, const char *lens)
{
	struct mr_plan_file *f = find_file(plan, path);
	if (f)
		return f;
	f = new_file(plan, path);
	f->lens = mr_xstrdup(lens);
	return f;
}

struct mr_plan_file *mr_plan_file_owned(struct mr_plan *plan, const char *path,
                                        const char *content, int absent_ok,
                                        const char *setting, const char *origin,
                                        const char *want)
{
	struct mr_plan_file *f = find_file(plan, path);
	if (f)
		return f;
	f = new_file(plan, path);
	f->content = mr_xstrdup(content);
	f->absent_ok = absent_ok;
	f->content_want = mr_xstrdup(want);
	f->settings = mr_xcalloc(1, sizeof(*f->settings));
	f->origins = mr_xcalloc(1, sizeof(*f->origins));
	f->settings[0] = mr_xstrdup(setting);
	f->origins[0] = mr_xstrdup(origin);
	return f;
}

static struct mr_item *plain_item(struct mr_host_report *rep, const char *setting,
                                  const char *origin, enum mr_outcome outcome);

struct mr_plan_file *mr_plan_file_merged(struct mr_plan *plan, const char *path,
                                         mr_plan_merge_fn merge, void *data,
                                         void (*free_data)(void *), const char *setting,
                                         const char *origin, const char *want)
{
	if (find_file(plan, path)) {
		if (free_data)
			free_data(data);
		return find_file(plan, path);
	}
	struct mr_plan_file *f = mr_plan_file_owned(plan, path, "", 0, setting, origin, want);
	f->merge = merge;
	f->merge_data = data;
	f->merge_free = free_data;
	return f;
}

void mr_plan_file_doubts(struct mr_plan_file *f, mr_plan_merge_fn merge, mr_plan_doubt_fn doubts,
                         const char *setting)
{
	if (f->merge != merge) /* planned before by another merge: its data is no doubts' */
		return;
	f->doubts = doubts;
	f->doubt_setting = setting;
}

void mr_plan_file_fallback(struct mr_plan_file *f, const char *fallback)
{
	free(f->fallback);
	f->fallback = mr_xstrdup(fallback);
}

void mr_plan_file_attrs(struct mr_plan_file *f, mode_t mode, uid_t uid, gid_t gid)
{
	f->has_attrs = 1;
	f->mode = mode & 07777;
	f->uid = uid;
	f->gid = gid;
}

void mr_plan_file_secret(struct mr_plan_file *f)
{
	f->secret = 1;
}

char *mr_plan_origin_of(const struct mr_setting *s)
{
	return s->loc.line ? mr_xasprintf("%s:%u", s->loc.file, s->loc.line)
	                   : mr_xstrdup(s->loc.file ? s->loc.file : "");
}

/* An op's entry as a path of the file's tree: "libvirt/cpu_mode". */
static char *op_entry(const struct mr_aug_op *op)
{
	return op->section ? mr_xasprintf("%s/%s", op->section, op->key) : mr_xstrdup(op->key);
}

/* Do x and y name one entry, as section and key or as one path? */
static int same_entry(const struct mr_aug_op *x, const struct mr_aug_op *y)
{
	if (!x->section == !y->section)
		return (!x->section || !strcmp(x->section, y->section)) && !strcmp(x->key, y->key);
	const struct mr_aug_op *in = x->section ? x : y, *path = x->section ? y : x;
	size_t n = strlen(in->section);
	return !strncmp(path->key, in->section, n) && path->key[n] == '/' &&
	       !strcmp(path->key + n + 1, in->key);
}

/* Removes op i of f with its setting, origin and note. */
static void drop_op(struct mr_plan_file *f, size_t i)
{
	op_fini(&f->ops[i]);
	free(f->settings[i]);
	free(f->origins[i]);
	free(f->notes[i]);
	size_t rest = f->n_ops - i - 1;
	memmove(&f->ops[i], &f->ops[i + 1], rest * sizeof(*f->ops));
	memmove(&f->settings[i], &f->settings[i + 1], rest * sizeof(*f->settings));
	memmove(&f->origins[i], &f->origins[i + 1], rest * sizeof(*f->origins));
	memmove(&f->notes[i], &f->notes[i + 1], rest * sizeof(*f->notes));
	f->n_ops--;
}

void mr_plan_conflicts(struct mr_plan *plan)
{
	for (size_t i = 0; i < plan->n_files; i++) {
		struct mr_plan_file *f = plan->files[i];
		for (size_t a = 0; a < f->n_ops; a++) {
			const struct mr_aug_op *x = &f->ops[a];
			if (x->kind != MR_AUG_SET && x->kind != MR_AUG_RM)
				continue;
			int clash = 0;
			for (size_t b = a + 1; b < f->n_ops; b++) {
				const struct mr_aug_op *y = &f->ops[b];
				if ((y->kind != MR_AUG_SET && y->kind != MR_AUG_RM) || !same_entry(x, y) ||
				    (x->kind == y->kind && (x->kind == MR_AUG_RM || !strcmp(x->value, y->value))))
					continue;
				char *ex = op_entry(x);
				/* two sections of the profile edit one entry otherwise:
				 * each apply would undo the other; neither is written */
				for (size_t k = 0; k < 2; k++) {
					size_t mine = k ? b : a, theirs = k ? a : b;
					const struct mr_aug_op *other = &f->ops[theirs];
					char *does = other->kind == MR_AUG_RM
					                 ? mr_xstrdup("removed")
					                 : mr_xasprintf("set to '%s'", other->value);
					mr_plan_fail(plan, f->settings[mine], f->origins[mine],
					             "%s in %s is %s here and %s by %s (%s): they would undo "
					             "each other on every apply; neither is written",
					             ex, f->path, f->ops[mine].kind == MR_AUG_RM ? "removed" : "set",
					             does, f->settings[theirs], f->origins[theirs]);
					free(does);
				}
				free(ex);
				drop_op(f, b);
				clash = 1;
				b--;
			}
			if (clash) {
				drop_op(f, a);
				a--;
			}
		}
	}
}

void mr_plan_add_as(struct mr_plan_file *f, const char *setting, const char *origin,
                    const struct mr_aug_op *op)
{
	size_t n = f->n_ops + 1;
	f->ops = mr_xreallocarray(f->ops, n, sizeof(*f->ops));
	f->settings = mr_xreallocarray(f->settings, n, sizeof(*f->settings));
	f->origins = mr_xreallocarray(f->origins, n, sizeof(*f->origins));
	f->notes = mr_xreallocarray(f->notes, n, sizeof(*f->notes));
	f->notes[f->n_ops] = NULL;
	struct mr_aug_op *o = &f->ops[f->n_ops];
	*o = *op;
	o->section = dup_or_null(op->section);
	o->key = mr_xstrdup(op->key);
	o->value = dup_or_null(op->value);
	o->comment_re = dup_or_null(op->comment_re);
	o->deflt = dup_or_null(op->deflt);
	o->children = dup_or_null(op->children);
	o->create = dup_or_null(op->create);
	o->cover = dup_or_null(op->cover);
	o->cover_want = dup_or_null(op->cover_want);
	o->stop = dup_or_null(op->stop);
	o->stop_scope = dup_or_null(op->stop_scope);
	o->stop_comment = dup_or_null(op->stop_comment);
	o->refuse = dup_or_null(op->refuse);
	o->refuse_why = dup_or_null(op->refuse_why);
	o->same_as = dup_or_null(op->same_as);
	o->bare = dup_or_null(op->bare);
	f->settings[f->n_ops] = mr_xstrdup(setting);
	f->origins[f->n_ops] = mr_xstrdup(origin);
	f->n_ops = n;
}

void mr_plan_note(struct mr_plan_file *f, const char *note)
{
	if (!f->n_ops)
		return;
	free(f->notes[f->n_ops - 1]);
	f->notes[f->n_ops - 1] = dup_or_null(note);
}

void mr_plan_add(struct mr_plan_file *f, const struct mr_setting *origin,
                 const struct mr_aug_op *op)
{
	char *setting = mr_xasprintf("%s.%s", origin->section, origin->key);
	char *where = mr_plan_origin_of(origin);
	mr_plan_add_as(f, setting, where, op);
	free(setting);
	free(where);
}

void mr_plan_notify(struct mr_plan_file *f, struct mr_plan_unit *u)
{
	for (size_t i = 0; i < f->n_notify; i++)
		if (f->notify[i] == u)
			return;
	f->notify = mr_xreallocarray(f->notify, f->n_notify + 1, sizeof(*f->notify));
	f->notify[f->n_notify++] = u;
}

void mr_plan_dir(struct mr_plan *plan, const char *path, mode_t mode, uid_t uid, gid_t gid,
                 const char *setting, const char *origin)
{
	plan->dirs = mr_xreallocarray(plan->dirs, plan->n_dirs + 1, sizeof(*plan->dirs));
	plan->dirs[plan->n_dirs++] = (struct plan_dir){ mr_xstrdup(path), mode & 07777, uid, gid,
		                                            mr_xstrdup(setting), mr_xstrdup(origin), 0, 0 };
}

void mr_plan_dir_at_least(struct mr_plan *plan, const char *path, mode_t bits, uid_t uid,
                          gid_t gid, const char *setting, const char *origin)
{
	mr_plan_dir(plan, path, bits, uid, gid, setting, origin);
	plan->dirs[plan->n_dirs - 1].at_least = 1;
}

void mr_plan_dir_secure(struct mr_plan *plan, const char *path, uid_t uid, const char *setting,
                        const char *origin)
{
	mr_plan_dir(plan, path, 0, uid, (gid_t)-1, setting, origin);
	plan->dirs[plan->n_dirs - 1].secure_only = 1;
}

struct mr_plan_cmd *mr_plan_command(struct mr_plan *plan, const char *name,
                                    const char *const *argv)
{
	for (size_t i = 0; i < plan->n_cmds; i++)
		if (!strcmp(plan->cmds[i]->name, name))
			return plan->cmds[i];
	struct mr_plan_cmd *c = mr_xcalloc(1, sizeof(*c));
	c->name = mr_xstrdup(name);
	c->argv = mr_strv_copy(argv, mr_strv_len(argv));
	plan->cmds = mr_xreallocarray(plan->cmds, plan->n_cmds + 1, sizeof(*plan->cmds));
	plan->cmds[plan->n_cmds++] = c;
	return c;
}

void mr_plan_command_service(struct mr_plan_cmd *c)
{
	c->service = 1;
}

void mr_plan_notify_command(struct mr_plan_file *f, struct mr_plan_cmd *c)
{
	for (size_t i = 0; i < f->n_notify_cmds; i++)
		if (f->notify_cmds[i] == c)
			return;
	f->notify_cmds = mr_xreallocarray(f->notify_cmds, f->n_notify_cmds + 1,
	                                  sizeof(*f->notify_cmds));
	f->notify_cmds[f->n_notify_cmds++] = c;
}

static struct plan_observed *observe(struct mr_plan *plan, struct mr_plan_cmd *c,
                                     const char *setting, const char *origin, const char *old,
                                     const char *want, int drift, int tree_fails)
{
	struct plan_observed *o = NULL;
	for (size_t i = 0; c && i < plan->n_observed && !o; i++)
		if (plan->observed[i].cmd == c)
			o = &plan->observed[i];
	if (o) { /* a command settles one item */
		observed_fini(o);
	} else {
		plan->observed = mr_xreallocarray(plan->observed, plan->n_observed + 1,
		                                  sizeof(*plan->observed));
		o = &plan->observed[plan->n_observed++];
	}
	*o = (struct plan_observed){ mr_xstrdup(setting), mr_xstrdup(origin), dup_or_null(old),
		                         dup_or_null(want), NULL, drift, tree_fails, c };
	return o;
}

void mr_plan_observed(struct mr_plan *plan, struct mr_plan_cmd *c, const char *setting,
                      const char *origin, const char *old, const char *want, int drift,
                      int tree_fails)
{
	observe(plan, c, setting, origin, old, want, drift, tree_fails);
}

/* A pass and a failure of one item never stand together: the failure
 * wins, whichever came first. */
void mr_plan_passed(struct mr_plan *plan, const char *setting, const char *origin,
                    const char *value, const char *fmt, ...)
{
	for (size_t i = 0; i < plan->n_failed; i++)
		if (!strcmp(plan->failed[i].setting, setting))
			return;
	struct plan_observed *o = observe(plan, NULL, setting, origin, value, value, 0, 0);
	va_list ap;
	va_start(ap, fmt);
	o->note = mr_xvasprintf(fmt, ap);
	va_end(ap);
}

static void drop_passes(struct mr_plan *plan, const char *setting)
{
	size_t k = 0;
	for (size_t i = 0; i < plan->n_observed; i++) {
		struct plan_observed *o = &plan->observed[i];
		if (o->note && !strcmp(o->setting, setting)) {
			observed_fini(o);
			continue;
		}
		plan->observed[k++] = *o;
	}
	plan->n_observed = k;
}

void mr_plan_mount(struct mr_plan *plan, const char *path, int force, const char *setting,
                   const char *origin)
{
	plan->mounts = mr_xreallocarray(plan->mounts, plan->n_mounts + 1, sizeof(*plan->mounts));
	plan->mounts[plan->n_mounts++] = (struct plan_mount){ mr_xstrdup(path), force,
		                                                  mr_xstrdup(setting),
		                                                  mr_xstrdup(origin) };
}

void mr_plan_daemon_reload(struct mr_plan_file *f)
{
	f->daemon_reload = 1;
}

struct mr_plan_unit *mr_plan_unit(struct mr_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_units; i++)
		if (!strcmp(plan->units[i]->name, name))
			return plan->units[i];
	struct mr_plan_unit *u = mr_xcalloc(1, sizeof(*u));
	u->name = mr_xstrdup(name);
	u->active = -1;
	plan->units = mr_xreallocarray(plan->units, plan->n_units + 1, sizeof(*plan->units));
	plan->units[plan->n_units++] = u;
	return u;
}

void mr_plan_unit_want(struct mr_plan_unit *u, enum mr_unit_enable enable, int active,
                       const char *setting, const char *origin)
{
	u->enable = enable;
	u->active = active;
	free(u->setting);
	free(u->origin);
	u->setting = mr_xstrdup(setting);
	u->origin = mr_xstrdup(origin);
}

void mr_plan_unit_stop_first(struct mr_plan_unit *u, struct mr_plan_unit *other)
{
	/* Asked once per setting that needs it (listen_tcp, tcp_port): the
	 * stop and the start again must each run once. */
	for (size_t i = 0; i < u->n_stop_first; i++)
		if (u->stop_first[i] == other)
			return;
	u->stop_first = mr_xreallocarray(u->stop_first, u->n_stop_first + 1,
	                                 sizeof(*u->stop_first));
	u->stop_first[u->n_stop_first++] = other;
}

static void add_failed(struct failed_item **v, size_t *n, const char *setting,
                       const char *origin, char *message)
{
	*v = mr_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n] = (struct failed_item){ mr_xstrdup(setting), mr_xstrdup(origin), message };
	(*n)++;
}

void mr_plan_fail(struct mr_plan *plan, const char *setting, const char *origin,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = mr_xvasprintf(fmt, ap);
	va_end(ap);
	drop_passes(plan, setting);
	add_failed(&plan->failed, &plan->n_failed, setting, origin, msg);
}

void mr_plan_unchecked(struct mr_plan *plan, const char *setting, const char *origin)
{
	/* said once: two checks may meet the same file (cacert.pem, the
	 * server's and the client's) */
	for (size_t i = 0; i < plan->n_unchecked; i++)
		if (!strcmp(plan->unchecked[i].setting, setting) &&
		    !strcmp(plan->unchecked[i].origin, origin))
			return;
	add_failed(&plan->unchecked, &plan->n_unchecked, setting, origin, NULL);
}

void mr_plan_uncheckedf(struct mr_plan *plan, const char *setting, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *origin = mr_xvasprintf(fmt, ap);
	va_end(ap);
	mr_plan_unchecked(plan, setting, origin);
	free(origin);
}

void mr_plan_unchecked_each(struct mr_plan *plan, const char *fact, const char *setting,
                            const char *before, const char *after)
{
	const char **values = NULL;
	size_t n = plan->facts ? mr_facts_get_all(plan->facts, fact, &values) : 0;
	for (size_t i = 0; i < n; i++) {
		char *where = mr_xasprintf("%s%s%s", before, values[i], after);
		mr_plan_unchecked(plan, setting, where);
		free(where);
	}
	free(values);
}

size_t mr_plan_file_count(const struct mr_plan *plan)
{
	return plan->n_files;
}

const char *mr_plan_file_path(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->path;
}

size_t mr_plan_op_count(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->n_ops;
}

const struct mr_aug_op *mr_plan_op(const struct mr_plan *plan, size_t i, size_t j)
{
	return &plan->files[i]->ops[j];
}

size_t mr_plan_unit_count(const struct mr_plan *plan)
{
	return plan->n_units;
}

const char *mr_plan_unit_name(const struct mr_plan *plan, size_t i)
{
	return plan->units[i]->name;
}

const char *mr_plan_file_lens(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->lens;
}

const char *mr_plan_file_content(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->content;
}

int mr_plan_file_absent_ok(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->absent_ok;
}

int mr_plan_file_daemon_reload(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->daemon_reload;
}

const char *mr_plan_file_fallback_path(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->fallback;
}

const char *mr_plan_op_setting(const struct mr_plan *plan, size_t i, size_t j)
{
	return plan->files[i]->settings[j];
}

size_t mr_plan_notify_count(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->n_notify;
}

const char *mr_plan_notify_name(const struct mr_plan *plan, size_t i, size_t k)
{
	return plan->files[i]->notify[k]->name;
}

enum mr_unit_enable mr_plan_unit_enable(const struct mr_plan *plan, size_t i)
{
	return plan->units[i]->enable;
}

int mr_plan_unit_active(const struct mr_plan *plan, size_t i)
{
	return plan->units[i]->active;
}

size_t mr_plan_stop_first_count(const struct mr_plan *plan, size_t i)
{
	return plan->units[i]->n_stop_first;
}

const char *mr_plan_stop_first_name(const struct mr_plan *plan, size_t i, size_t k)
{
	return plan->units[i]->stop_first[k]->name;
}

size_t mr_plan_failed_count(const struct mr_plan *plan)
{
	return plan->n_failed;
}

const char *mr_plan_failed_setting(const struct mr_plan *plan, size_t i)
{
	return plan->failed[i].setting;
}

const char *mr_plan_failed_origin(const struct mr_plan *plan, size_t i)
{
	return plan->failed[i].origin;
}

const char *mr_plan_failed_message(const struct mr_plan *plan, size_t i)
{
	return plan->failed[i].message;
}

size_t mr_plan_unchecked_count(const struct mr_plan *plan)
{
	return plan->n_unchecked;
}

const char *mr_plan_unchecked_setting(const struct mr_plan *plan, size_t i)
{
	return plan->unchecked[i].setting;
}

const char *mr_plan_unchecked_origin(const struct mr_plan *plan, size_t i)
{
	return plan->unchecked[i].origin;
}

size_t mr_plan_notify_cmd_count(const struct mr_plan *plan, size_t i)
{
	return plan->files[i]->n_notify_cmds;
}

const char *mr_plan_notify_cmd_name(const struct mr_plan *plan, size_t i, size_t k)
{
	return plan->files[i]->notify_cmds[k]->name;
}

size_t mr_plan_observed_count(const struct mr_plan *plan)
{
	return plan->n_observed;
}

const char *mr_plan_observed_setting(const struct mr_plan *plan, size_t i)
{
	return plan->observed[i].setting;
}

const char *mr_plan_observed_old(const struct mr_plan *plan, size_t i)
{
	return plan->observed[i].old;
}

int mr_plan_observed_drift(const struct mr_plan *plan, size_t i)
{
	return plan->observed[i].drift;
}

const char *mr_plan_observed_note(const struct mr_plan *plan, size_t i)
{
	return plan->observed[i].note;
}

const char *mr_plan_observed_cmd(const struct mr_plan *plan, size_t i)
{
	return plan->observed[i].cmd ? plan->observed[i].cmd->name : NULL;
}

/* ---- observing ---- */

static char *where_of(const struct mr_transport *t, const char *path)
{
	return mr_xasprintf("%s:%s", t->host, path);
}

/* What execution learnt about one file. */
struct file_state {
	struct mr_plan_file *pf;
	size_t fr;            /* index of its mr_file_report */
	size_t first_item;    /* its items in the report */
	size_t n_items;
	char *text;
	size_t len;
	struct mr_stat st;
	char *result;         /* the desired content */
	size_t result_len;
	int failed;
	int changed;
	const char *text_from; /* the host file text was read from: the file, or
	                        * its fallback when absent; NULL: neither */
};

/* What execution learnt about one unit. */
struct unit_state {
	struct mr_plan_unit *pu;
	struct mr_unit_state now;
	int item;             /* its item in the report, or -1 */
	int enable_drift;
	int active_drift;
	int restart;          /* owed a restart: a file it depends on changed, or pending */
	int pending_item;     /* its restart.UNIT item, or -1 */
	int started;          /* apply: started (or restarted) by a state action */
	int ok;               /* apply: every action for it succeeded */
	int bounced;          /* apply: a start or restart of it ran (ok or not) */
};

/* The items of fs become outcome, with note; with only_drift those that
 * were to change (a commit that did not write the file leaves a setting
 * already right as it was). */
static void fail_items(struct file_state *fs, struct mr_host_report *rep,
                       enum mr_outcome outcome, const char *note, int only_drift)
{
	for (size_t i = 0; i < fs->n_items; i++) {
		struct mr_item *it = &rep->items[fs->first_item + i];
		if (only_drift && it->outcome != MR_OUTCOME_DRIFT)
			continue;
		it->outcome = outcome;
		if (note && !it->note)
			it->note = mr_xstrdup(note);
	}
}

static void file_error(struct file_state *fs, struct mr_host_report *rep, char *msg)
{
	struct mr_file_report *fr = &rep->files[fs->fr];
	fs->failed = 1;
	free(fr->error);
	fr->error = msg;
	fail_items(fs, rep, MR_OUTCOME_FAILED, "see the file's error", 0);
}

/* Records a file's failure; a broken connection is host-wide, and is
 * returned so that the other files are not tried in vain. */
static int file_failed(struct file_state *fs, struct mr_transport *t,
                       struct mr_host_report *rep, struct mr_error **e,
                       struct mr_error **host_err)
{
	file_error(fs, rep, mr_error_format(*e));
	if (t->broken) {
		mr_error_move(host_err, e);
		return -1;
	}
	mr_error_free(*e);
	*e = NULL;
	return 0;
}

static void add_items(struct file_state *fs, const struct mr_aug_outcome *oc,
                      struct mr_host_report *rep)
{
	const struct mr_plan_file *pf = fs->pf;
	fs->first_item = rep->n_items;
	for (size_t i = 0; i < pf->n_ops; i++) {
		const struct mr_aug_op *op = &pf->ops[i];
		struct mr_item *it = mr_host_report_add_item(rep);
		it->setting = mr_xstrdup(pf->settings[i]);
		it->file = mr_xstrdup(pf->path);
		it->origin = mr_xstrdup(pf->origins[i]);
		switch (op->kind) {
		case MR_AUG_SET:
			it->want = dup_or_null(op->value);
			it->deflt = dup_or_null(op->deflt);
			break;
		case MR_AUG_ENTRY:
			it->want = dup_or_null(op->value);
			break;
		case MR_AUG_RM:
			break;
		case MR_AUG_TOKEN_ADD:
			it->want = mr_xasprintf("with %s", op->value);
			break;
		case MR_AUG_TOKEN_DEL:
			it->want = mr_xasprintf("without %s", op->value);
			break;
		case MR_AUG_INSERT: /* the note says what */
			it->want = mr_xstrdup("present");
			break;
		}
		/* a cover's line, as nftables.conf's and a zone file's say it */
		if (op->kind == MR_AUG_INSERT && oc && oc[i].present && oc[i].old && oc[i].line)
			it->old = mr_xasprintf("covered by '%s' (line %zu)", oc[i].old, oc[i].line);
		else if (op->kind == MR_AUG_INSERT && oc && oc[i].present)
			it->old = oc[i].old ? mr_xasprintf("covered by '%s'", oc[i].old)
			                    : mr_xstrdup("present");
		else
			it->old = oc ? dup_or_null(oc[i].old) : NULL;
		it->note = pf->notes ? dup_or_null(pf->notes[i]) : NULL;
		if (!it->note && oc && oc[i].note) /* what the edit found (an entry moved) */
			it->note = mr_xstrdup(oc[i].note);
		if (!it->note && oc && oc[i].misspelt && op->fmt == MR_FMT_LIBVIRT_STR)
			it->note = mr_xstrdup("libvirt reads a quoted string here, and refuses a bare word "
			                      "or number");
		else if (!it->note && oc && oc[i].misspelt && op->fmt == MR_FMT_LIBVIRT_NUM)
			it->note = mr_xstrdup("libvirt reads a bare number here, and refuses a quoted one");
		it->outcome = !oc ? MR_OUTCOME_FAILED : oc[i].changed ? MR_OUTCOME_DRIFT : MR_OUTCOME_OK;
	}
	fs->n_items = pf->n_ops;
}

static void owned_item(struct file_state *fs, struct mr_host_report *rep, int drift,
                       const char *found)
{
	const struct mr_plan_file *pf = fs->pf;
	fs->first_item = rep->n_items;
	fs->n_items = 1;
	struct mr_item *it = mr_host_report_add_item(rep);
	it->setting = mr_xstrdup(pf->settings[0]);
	it->file = mr_xstrdup(pf->path);
	it->origin = mr_xstrdup(pf->origins[0]);
	it->want = mr_xstrdup(pf->content_want);
	/* in the desired state, found may say what covers the want */
	it->old = fs->text_from ? mr_xstrdup(found ? found
	                                     : !drift ? pf->content_want
	                                              : "other content")
	                        : NULL;
	it->outcome = drift ? MR_OUTCOME_DRIFT : MR_OUTCOME_OK;
}

/* An absent merged file's starting text: its fallback on the host. */
static int read_fallback(struct file_state *fs, struct mr_transport *t, const char *where,
                         struct mr_error **e)
{
	struct mr_stat st;
	if (mr_transport_read(t, fs->pf->fallback, &fs->text, &fs->len, &st, e) < 0)
		return -1;
	if (!st.exists) {
		free(fs->text);
		fs->text = NULL;
		char *fb = where_of(t, fs->pf->fallback);
		mr_error_add(e, MR_ERR_PARSE, NULL, "%s: no such file, nor %s to start it from", where,
		             fb);
		free(fb);
		return -1;
	}
	fs->text_from = fs->pf->fallback;
	return 0;
}

/* Reads and transforms one file; fills items and (diff, apply) the diff. */
static int examine(struct file_state *fs, struct mr_transport *t, struct mr_aug *aug,
                   const struct mr_run_opts *opts, struct mr_host_report *rep,
                   struct mr_error **host_err)
{
	struct mr_plan_file *pf = fs->pf;
	struct mr_error *e = NULL;
	char *where = where_of(t, pf->path);
	struct mr_aug_outcome *oc = mr_xcalloc(pf->n_ops ? pf->n_ops : 1, sizeof(*oc));
	int r = 0;

	if (mr_transport_read(t, pf->path, &fs->text, &fs->len, &fs->st, &e) < 0) {
		if (pf->lens)
			add_items(fs, NULL, rep);
		else
			owned_item(fs, rep, 1, NULL);
		r = file_failed(fs, t, rep, &e, host_err);
		goto out;
	}
	if (fs->st.exists) {
		fs->text_from = pf->path;
	} else {
		rep->files[fs->fr].created = 1;
		if (pf->fallback && read_fallback(fs, t, where, &e) < 0) {
			owned_item(fs, rep, 1, NULL);
			r = file_failed(fs, t, rep, &e, host_err);
			goto out;
		}
		if (!fs->text)
			fs->text = mr_xstrdup("");
	}
	if (fs->text_from && fs->text_from != pf->path) { /* lines blamed are the fallback's */
		free(where);
		where = where_of(t, fs->text_from);
	}
	if (!pf->lens) {
		char *found = NULL;
		fs->result = pf->merge ? pf->merge(pf->merge_data, fs->text, fs->len, &found)
		                       : mr_xstrdup(pf->content);
		if (!fs->result) { /* a file the merge does not understand: found says where */
			owned_item(fs, rep, 1, NULL);
			mr_error_add(&e, MR_ERR_PARSE, NULL, "%s:%s; not written", where,
			             found ? found : "not understood");
			free(found);
			r = file_failed(fs, t, rep, &e, host_err);
			goto out;
		}
		fs->result_len = strlen(fs->result);
		char *doubts = pf->doubts ? pf->doubts(pf->merge_data, fs->result, fs->result_len)
		                          : NULL;
		for (char *d = doubts, *next; d && *d; d = next) {
			next = d + strcspn(d, "\n");
			if (*next)
				*next++ = '\0';
			/* "/FILE:LINE ...": a line of another file the merge read */
			char *at = *d == '/' ? mr_xasprintf("%s:%s", t->host, d)
			                     : mr_xasprintf("%s:%s", where, d);
			plain_item(rep, pf->doubt_setting, at, MR_OUTCOME_UNCHECKED);
			free(at);
		}
		free(doubts);
		int same = fs->text_from
		                   ? fs->len == fs->result_len && !memcmp(fs->text, fs->result, fs->len)
		                   : pf->absent_ok;
		if (same && fs->st.exists && pf->has_attrs &&
		    (fs->st.mode != pf->mode || fs->st.uid != pf->uid || fs->st.gid != pf->gid)) {
			same = 0;
			free(found);
			found = mr_xasprintf("mode %04o owner %ld:%ld", (unsigned)fs->st.mode,
			                     (long)fs->st.uid, (long)fs->st.gid);
		}
		owned_item(fs, rep, !same, found);
		free(found);
		fs->changed = !same;
	} else {
		if (mr_aug_transform(aug, where, pf->lens, fs->text, fs->len, pf->ops, pf->n_ops, oc,
		                     &fs->result, &fs->result_len, &e) < 0) {
			add_items(fs, NULL, rep);
			r = file_failed(fs, t, rep, &e, host_err);
			goto out;
		}
		add_items(fs, oc, rep);
		fs->changed = fs->result_len != fs->len || memcmp(fs->result, fs->text, fs->len) != 0;
	}
	rep->files[fs->fr].changed = fs->changed;
	if (fs->changed && fs->st.is_symlink && opts->mode == MR_MODE_APPLY) {
		/* Writing would replace the link with a file; its target is what
		 * the operator must fix. */
		mr_error_add(&e, MR_ERR_CONFLICT, where, "is a symbolic link; not written");
		r = file_failed(fs, t, rep, &e, host_err);
		goto out;
	}
	if (fs->changed && opts->mode != MR_MODE_CHECK && !pf->secret) {
		char *a = fs->text_from ? mr_xasprintf("a%s", fs->text_from) : mr_xstrdup("/dev/null");
		char *b = mr_xasprintf("b%s", pf->path);
		rep->files[fs->fr].diff = mr_diff_unified(fs->text, fs->len, fs->result,
		                                          fs->result_len, a, b, 3);
		free(a);
		free(b);
	}
out:
	mr_aug_outcomes_fini(oc, pf->n_ops);
	free(oc);
	free(where);
	return r;
}

static int enabled_word(const char *w)
{
	return w && !strncmp(w, "enabled", 7);
}

static int masked_word(const char *w)
{
	return w && !strncmp(w, "masked", 6);
}

static const char *enable_want_word(enum mr_unit_enable e)
{
	switch (e) {
	case MR_ENABLE_YES:
		return "enabled";
	case MR_ENABLE_NO:
		return "disabled";
	case MR_ENABLE_MASK:
		return "masked";
	case MR_ENABLE_ANY:
		break;
	}
	return NULL;
}

/* "enabled, active" from the parts that matter. */
static char *unit_words(const char *enabled, const char *active)
{
	if (enabled && active)
		return mr_xasprintf("%s, %s", enabled, active);
	return mr_xstrdup(enabled ? enabled : active ? active : "?");
}

/* Observes a unit from the facts: drift, or a failure when the facts
 * cannot tell (never a guess). */
static void observe_unit(struct unit_state *us, const struct mr_facts *facts, int live,
                         struct mr_host_report *rep)
{
	struct mr_plan_unit *u = us->pu;
	us->item = -1;
	us->now = facts ? mr_facts_unit(facts, u->name)
	                : (struct mr_unit_state){ -1, NULL, NULL };
	if (u->enable == MR_ENABLE_ANY && u->active < 0)
		return;
	struct mr_item *it = mr_host_report_add_item(rep);
	us->item = (int)(rep->n_items - 1);
	it->setting = mr_xstrdup(u->setting ? u->setting : u->name);
	it->unit = mr_xstrdup(u->name);
	it->origin = mr_xstrdup(u->origin ? u->origin : "");
	int want_active = live ? u->active : -1;
	it->want = unit_words(enable_want_word(u->enable),
	                      want_active < 0 ? NULL : want_active ? "active" : "inactive");
	if (us->now.present == 0) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xasprintf("%s is not installed on the host", u->name);
		return;
	}
	if (us->now.present < 0 || (u->enable != MR_ENABLE_ANY && !us->now.enabled)) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xasprintf("the state of %s is unknown", u->name);
		return;
	}
	if (want_active >= 0 && !us->now.active) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xasprintf("cannot tell whether %s runs: systemd does not answer on the host",
		                        u->name);
		return;
	}
	/* a unit without [Install] cannot be enabled: systemctl enable would
	 * do nothing, and a "changed" would be a lie */
	if (u->enable == MR_ENABLE_YES && us->now.enabled && !strcmp(us->now.enabled, "static")) {
		it->old = mr_xstrdup("static");
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xasprintf("%s has no [Install] section: it cannot be enabled, only "
		                        "started by a unit that wants it",
		                        u->name);
		return;
	}
	switch (u->enable) {
	case MR_ENABLE_YES:
		us->enable_drift = !enabled_word(us->now.enabled);
		break;
	case MR_ENABLE_NO:
		us->enable_drift = enabled_word(us->now.enabled);
		break;
	case MR_ENABLE_MASK:
		us->enable_drift = !masked_word(us->now.enabled);
		break;
	case MR_ENABLE_ANY:
		break;
	}
	if (want_active >= 0)
		us->active_drift = want_active != !strcmp(us->now.active, "active");
	it->old = unit_words(u->enable != MR_ENABLE_ANY ? us->now.enabled : NULL,
	                     want_active >= 0 ? us->now.active : NULL);
	it->outcome = us->enable_drift || us->active_drift ? MR_OUTCOME_DRIFT : MR_OUTCOME_OK;
}

static int unit_is_active(const struct unit_state *us)
{
	return us->now.active && !strcmp(us->now.active, "active");
}

/* ---- applying ---- */

struct actions {
	struct mr_commit_action *v;
	size_t n;
	char ***argvs;        /* owned argv of each action */
	int *unit_of;         /* index into units, or -1 */
	int *item_of;         /* report item it settles (dir, mount), or -1 */
};

/* Appends argv (the actions' own from now) with what it needs: the
 * commit's files by index (copied). */
static void act_push(struct actions *a, char **argv, int unit, const char *unit_name, int item,
                     const size_t *needs, size_t n_needs)
{
	a->v = mr_xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->argvs = mr_xreallocarray(a->argvs, a->n + 1, sizeof(*a->argvs));
	a->unit_of = mr_xreallocarray(a->unit_of, a->n + 1, sizeof(*a->unit_of));
	a->item_of = mr_xreallocarray(a->item_of, a->n + 1, sizeof(*a->item_of));
	size_t *nd = n_needs ? mr_xcalloc(n_needs, sizeof(*nd)) : NULL;
	if (n_needs)
		memcpy(nd, needs, n_needs * sizeof(*nd));
	a->v[a->n] = (struct mr_commit_action){ .argv = (const char *const *)argv,
		                                    .unit = unit_name, .needs = nd,
		                                    .n_needs = n_needs };
	a->argvs[a->n] = argv;
	a->unit_of[a->n] = unit;
	a->item_of[a->n] = item;
	a->n++;
}

static void act_add(struct actions *a, int unit, const char *unit_name, size_t *needs,
                    size_t n_needs, ...)
{
	va_list ap;
	va_start(ap, n_needs);
	char **argv = mr_strv_vof(ap);
	va_end(ap);
	act_push(a, argv, unit, unit_name, -1, needs, n_needs);
}

static void actions_fini(struct actions *a)
{
	for (size_t i = 0; i < a->n; i++) {
		mr_strv_free(a->argvs[i]);
		free(a->v[i].needs);
	}
	free(a->v);
	free(a->argvs);
	free(a->unit_of);
	free(a->item_of);
}

/* An action from an argv the plan holds (a command's). */
static void act_add_argv(struct actions *a, int item, char *const *argv, const size_t *needs,
                         size_t n_needs)
{
	act_push(a, mr_strv_dup(argv), -1, NULL, item, needs, n_needs);
}

/* What execution learnt about the plan's other actions. */
struct extra_state {
	int *dir_item;        /* per dir: its item, -1 if not to be changed */
	struct mr_stat *dir_was; /* per dir: as observed */
	int *mount_item;      /* per mount: its item, -1 if not to be mounted */
	int *cmd_run;         /* per command: a file notifying it changed, or it drifts */
	int *cmd_item;        /* per command: the observed item it settles, or -1 */
};

static int unit_index(struct unit_state *us, size_t n, const struct mr_plan_unit *u)
{
	for (size_t i = 0; i < n; i++)
		if (us[i].pu == u)
			return (int)i;
	return -1;
}

/* The commit's files that notify unit u, or command c, or with neither
 * all of them (by index in the commit). */
static size_t needs_of(const struct file_state *fs, size_t n_fs, const size_t *commit_idx,
                       const struct mr_plan_unit *u, const struct mr_plan_cmd *c,
                       size_t *needs)
{
	size_t n = 0;
	for (size_t i = 0; i < n_fs; i++) {
		if (commit_idx[i] == (size_t)-1)
			continue;
		int notified = !u && !c; /* every file of the commit */
		for (size_t j = 0; u && !notified && j < fs[i].pf->n_notify; j++)
			notified = fs[i].pf->notify[j] == u;
		for (size_t j = 0; c && !notified && j < fs[i].pf->n_notify_cmds; j++)
			notified = fs[i].pf->notify_cmds[j] == c;
		if (notified)
			needs[n++] = commit_idx[i];
	}
	return n;
}

/* The MANIFEST of the run's backups: what each file was, the SHA-256 of
 * what this run writes there (a rollback refuses a file edited since), and
 * what it does besides, in order (backup.h), or owes (--no-restart). NULL
 * when there is nothing a rollback could undo. */
/* The mode and owner the commit gives a file it writes: the plan's where
 * it owns them, else the file's own (0644 root's for a new one). */
static struct mr_stat file_left(const struct file_state *f)
{
	struct mr_stat left = { .exists = 1, .is_regular = 1 };
	left.mode = f->pf->has_attrs ? f->pf->mode : f->st.exists ? f->st.mode : 0644;
	left.uid = f->pf->has_attrs ? f->pf->uid : f->st.exists ? f->st.uid : 0;
	left.gid = f->pf->has_attrs ? f->pf->gid : f->st.exists ? f->st.gid : 0;
	return left;
}

/* The mode and owner the run gives directory d, as it was before (was):
 * at_least adds the bits to those it has (a new one 0755); an id of -1
 * keeps its own. */
static struct mr_stat dir_left(const struct plan_dir *d, const struct mr_stat *was)
{
	struct mr_stat left = { .exists = 1, .is_dir = 1 };
	left.mode = !d->at_least ? d->mode : was->exists ? (was->mode | d->mode) : (0755 | d->mode);
	left.uid = d->uid == (uid_t)-1 ? was->uid : d->uid;
	left.gid = d->gid == (gid_t)-1 ? was->gid : d->gid;
	return left;
}

static char *manifest_text(const struct file_state *fs, size_t n, const struct actions *a,
                           const struct unit_state *us, size_t n_us, const struct mr_plan *plan,
                           const struct extra_state *x)
{
	struct mr_manifest *m = mr_xcalloc(1, sizeof(*m));
	int undoable = 0;
	/* an existing directory whose mode or owner changes: as it was */
	for (size_t i = 0; i < plan->n_dirs; i++)
		if (x->dir_item[i] >= 0 && x->dir_was[i].exists) {
			mr_manifest_add_dir(m, x->dir_was[i].mode, x->dir_was[i].uid, x->dir_was[i].gid,
			                    plan->dirs[i].path);
			/* what a rollback would give another mode back */
			struct mr_stat left = dir_left(&plan->dirs[i], &x->dir_was[i]);
			mr_manifest_dir_left(m, left.mode, left.uid, left.gid);
		}
	for (size_t i = 0; i < n; i++) {
		if (fs[i].failed || !fs[i].changed)
			continue;
		char hex[2 * MR_SHA256_LEN + 1];
		mr_sha256_hex_of(fs[i].result, fs[i].result_len, hex);
		mr_manifest_add_file(m, fs[i].st.exists ? MR_BACKUP_EXISTED : MR_BACKUP_CREATED,
		                     fs[i].st.mode, fs[i].st.uid, fs[i].st.gid, hex, fs[i].pf->path);
		struct mr_stat left = file_left(&fs[i]);
		if (fs[i].st.exists) /* what a rollback would give another mode back */
			mr_manifest_file_left(m, left.mode, left.uid, left.gid);
	}
	for (size_t i = 0; i < a->n; i++)
		mr_manifest_add_argv(m, a->v[i].argv, 0);
	for (size_t i = 0; i < m->n_actions; i++)
		undoable |= m->actions[i].kind == MR_BACKUP_UNIT ||
		            m->actions[i].kind == MR_BACKUP_RULE ||
		            m->actions[i].kind == MR_BACKUP_MOUNT || m->actions[i].kind == MR_BACKUP_DIR;
	for (size_t i = 0; i < n_us; i++) {
		/* restarted by a service action or a start or stop; enabling
		 * it is not restarting it */
		int ran = 0;
		for (size_t k = 0; k < m->n_actions && !ran; k++) {
			const struct mr_backup_action *act = &m->actions[k];
			ran = act->unit && !strcmp(act->unit, us[i].pu->name) &&
			      (act->kind == MR_BACKUP_SERVICE ||
			       (act->kind == MR_BACKUP_UNIT &&
			        (!strcmp(act->verb, "start") || !strcmp(act->verb, "stop"))));
		}
		if (us[i].restart && !ran)
			mr_manifest_add_action(m, "try-restart", us[i].pu->name, 1);
	}
	char *text = m->n_files || undoable ? mr_manifest_format(m) : NULL;
	mr_manifest_free(m);
	return text;
}

/* The unit actions, in order: systemd's unit files reloaded, enablement,
 * starts and stops (with the units that must stop meanwhile), then the
 * restarts owed. Under a root prefix only enablement, offline. */
/* systemctl VERB UNIT on the enablement: offline in a tree (--root), else
 * on the running system */
static void enablement_act(struct actions *a, int unit, const char *root_opt, const char *verb,
                           const char *name)
{
	if (root_opt)
		act_add(a, unit, NULL, NULL, 0, "systemctl", root_opt, verb, "--", name, (char *)NULL);
	else
		act_add(a, unit, NULL, NULL, 0, "systemctl", "--no-ask-password", verb, "--", name,
		        (char *)NULL);
}

static void plan_actions(struct actions *a, const struct mr_plan *plan,
                         const struct extra_state *x, struct mr_transport *t,
                         struct unit_state *us, size_t n_us,
                         const struct file_state *fs, size_t n_fs, const size_t *commit_idx,
                         int live, int offline_root, const char *root,
                         const struct mr_run_opts *opts)
{
	size_t *needs = mr_xcalloc(n_fs + 1, sizeof(*needs));
	/* Directories first: made, and given mode and owner. */
	for (size_t i = 0; i < plan->n_dirs; i++) {
		if (x->dir_item[i] < 0)
			continue;
		const struct plan_dir *d = &plan->dirs[i];
		mode_t mode = dir_left(d, &x->dir_was[i]).mode;
		char **argv = mr_set_dir_argv(t->root, 1, mode,
		                              d->uid == (uid_t)-1 ? -1 : (long)d->uid,
		                              d->gid == (gid_t)-1 ? -1 : (long)d->gid, d->path);
		act_add_argv(a, x->dir_item[i], argv, NULL, 0);
		mr_strv_free(argv);
	}
	int reload = 0;
	for (size_t i = 0; i < n_fs; i++)
		reload |= commit_idx[i] != (size_t)-1 && fs[i].pf->daemon_reload;
	if (reload && live)
		act_add(a, -1, NULL, NULL, 0, "systemctl", "--no-ask-password", "daemon-reload",
		        (char *)NULL);
	char *root_opt = offline_root ? mr_xasprintf("--root=%s", root) : NULL;
	for (size_t i = 0; i < n_us; i++) {
		struct unit_state *u = &us[i];
		if (!u->enable_drift || (!live && !offline_root))
			continue;
		const char *verb = u->pu->enable == MR_ENABLE_YES    ? "enable"
		                   : u->pu->enable == MR_ENABLE_MASK ? "mask"
		                                                     : "disable";
		/* a masked unit cannot be enabled: the profile wants it on (one
		 * a forced legacy world masked, now in the socket world) */
		if (u->pu->enable == MR_ENABLE_YES && masked_word(u->now.enabled))
			enablement_act(a, (int)i, root_opt, "unmask", u->pu->name);
		enablement_act(a, (int)i, root_opt, verb, u->pu->name);
	}
	free(root_opt);
	if (!live) {
		free(needs);
		return;
	}
	if (opts->no_restart)
		goto after_units;
	/* Units to start (or, sockets, to restart) go in one group: the units
	 * they need stopped meanwhile (libvirtd.service for both its TCP and
	 * TLS sockets) stop once before all of them and start once after. */
	int *todo = mr_xcalloc(n_us + 1, sizeof(*todo)); /* 1 start, 2 restart, 3 stop */
	int *held = mr_xcalloc(n_us + 1, sizeof(*held)); /* stopped meanwhile */
	for (size_t i = 0; i < n_us; i++) {
		struct unit_state *u = &us[i];
		/* A socket stopped closes systemd's copy of the listening
		 * descriptor, not the one its daemon was handed: the daemon
		 * listens until it restarts, so it stops meanwhile too. */
		if (u->active_drift && u->pu->active == 0 && u->pu->n_stop_first)
			todo[i] = 3;
		else if (u->active_drift && u->pu->active == 0) {
			act_add(a, (int)i, NULL, NULL, 0, "systemctl", "--no-ask-password", "stop", "--",
			        u->pu->name, (char *)NULL);
			continue;
		} else if (u->active_drift && u->pu->active == 1)
			todo[i] = 1;
		else if (u->restart && u->pu->n_stop_first && unit_is_active(u))
			todo[i] = 2;
		for (size_t k = 0; todo[i] && k < u->pu->n_stop_first; k++) {
			int o = unit_index(us, n_us, u->pu->stop_first[k]);
			if (o >= 0 && unit_is_active(&us[o]))
				held[o] = 1;
		}
	}
	/* The group goes only if every file of the commit verified. Sockets
	 * to stop go first: while one still listened, a connection could
	 * activate the held daemon again and hand it the descriptor. */
	size_t group_nn = needs_of(fs, n_fs, commit_idx, NULL, NULL, needs);
	for (size_t i = 0; i < n_us; i++)
		if (todo[i] == 3 && !held[i])
			act_add(a, (int)i, NULL, needs, group_nn, "systemctl", "--no-ask-password", "stop",
			        "--", us[i].pu->name, (char *)NULL);
	for (size_t i = 0; i < n_us; i++)
		if (held[i])
			act_add(a, -1, NULL, needs, group_nn, "systemctl", "--no-ask-password", "stop",
			        "--", us[i].pu->name, (char *)NULL);
	for (size_t i = 0; i < n_us; i++) {
		if (!todo[i] || todo[i] == 3 || held[i])
			continue;
		act_add(a, (int)i, us[i].pu->name, needs, group_nn, "systemctl", "--no-ask-password",
		        todo[i] == 1 ? "start" : "restart", "--", us[i].pu->name, (char *)NULL);
		us[i].started = 1;
	}
	for (size_t i = 0; i < n_us; i++) {
		if (!held[i])
			continue;
		act_add(a, (int)i, us[i].pu->name, needs, group_nn, "systemctl", "--no-ask-password",
		        "start", "--", us[i].pu->name, (char *)NULL);
		us[i].started = 1;
	}
	free(todo);
	free(held);
	for (size_t i = 0; i < n_us; i++) {
		struct unit_state *u = &us[i];
		if (!u->restart || u->started)
			continue;
		size_t nn = needs_of(fs, n_fs, commit_idx, u->pu, NULL, needs);
		/* try-restart: a daemon that is stopped stays stopped, and reads
		 * the new configuration when it starts. */
		act_add(a, (int)i, u->pu->name, needs, nn, "systemctl", "--no-ask-password",
		        "try-restart", "--", u->pu->name, (char *)NULL);
	}
after_units:
	for (size_t i = 0; i < plan->n_mounts; i++) {
		if (x->mount_item[i] < 0)
			continue;
		char *argv[] = { "mount", "--", plan->mounts[i].path, NULL };
		act_add_argv(a, x->mount_item[i], argv, NULL, 0);
	}
	for (size_t i = 0; i < plan->n_cmds; i++) {
		if (!x->cmd_run[i] || (opts->no_restart && plan->cmds[i]->service))
			continue;
		/* run only once the files that call for it verified */
		size_t nn = needs_of(fs, n_fs, commit_idx, NULL, plan->cmds[i], needs);
		act_add_argv(a, x->cmd_item[i], plan->cmds[i]->argv, needs, nn);
	}
	free(needs);
}

static void record_actions(const struct actions *a, struct unit_state *us, size_t n_us,
                           struct mr_transport *t, struct mr_host_report *rep)
{
	for (size_t i = 0; i < n_us; i++)
		us[i].ok = 1;
	for (size_t i = 0; i < a->n; i++) {
		const struct mr_commit_action *ca = &a->v[i];
		int ok = ca->ran && ca->status == 0;
		int bounce = ca->unit && (!strcmp(ca->argv[2], "try-restart") ||
		                          !strcmp(ca->argv[2], "restart") ||
		                          !strcmp(ca->argv[2], "start"));
		if (a->unit_of[i] >= 0) {
			us[a->unit_of[i]].ok &= ok;
			us[a->unit_of[i]].bounced |= bounce;
		}
		if (a->item_of[i] >= 0 && rep->items[a->item_of[i]].outcome == MR_OUTCOME_DRIFT)
			rep->items[a->item_of[i]].outcome = ok ? MR_OUTCOME_CHANGED : MR_OUTCOME_FAILED;
		if (ok && !ca->unit && a->unit_of[i] < 0 && a->item_of[i] < 0 &&
		    strcmp(ca->argv[0], "systemctl") != 0)
			mr_host_report_add_service(rep, ca->argv[0]); /* a command that ran */
		if (ok && bounce)
			mr_host_report_add_service(rep, ca->unit);
		if (ok)
			continue;
		char *cmd = mr_argv_display(ca->argv);
		char *msg = !ca->ran ? mr_xasprintf("%s: %s not run: a file it needs did not verify",
		                                    t->host, cmd)
		            : mr_xasprintf("%s: %s failed with status %d%s%s", t->host, cmd, ca->status,
		                           ca->output ? ": " : "", ca->output ? ca->output : "");
		mr_host_report_fail(rep, msg);
		free(msg);
		free(cmd);
	}
	for (size_t i = 0; i < n_us; i++) {
		struct unit_state *u = &us[i];
		if (u->item >= 0 && rep->items[u->item].outcome == MR_OUTCOME_DRIFT)
			rep->items[u->item].outcome = u->ok ? MR_OUTCOME_CHANGED : MR_OUTCOME_FAILED;
		/* an owed restart not made (--no-restart) stays owed: drift */
		if (u->pending_item >= 0 && u->bounced)
			rep->items[u->pending_item].outcome = u->ok ? MR_OUTCOME_CHANGED
			                                            : MR_OUTCOME_FAILED;
	}
}

static void record_files(struct file_state *fs, size_t n, const struct mr_commit *c,
                         const size_t *commit_idx, struct mr_transport *t,
                         struct mr_host_report *rep)
{
	for (size_t i = 0; i < n; i++) {
		if (commit_idx[i] == (size_t)-1)
			continue;
		const struct mr_commit_file *cf = &c->files[commit_idx[i]];
		struct mr_file_report *fr = &rep->files[fs[i].fr];
		char *where = where_of(t, fs[i].pf->path);
		switch (cf->state) {
		case MR_COMMIT_WRITTEN:
			for (size_t k = 0; k < fs[i].n_items; k++)
				if (rep->items[fs[i].first_item + k].outcome == MR_OUTCOME_DRIFT)
					rep->items[fs[i].first_item + k].outcome = MR_OUTCOME_CHANGED;
			break;
		case MR_COMMIT_UNKNOWN:
			fr->changed = 0;
			fr->error = mr_xasprintf("%s: outcome unknown: %s", where,
			                         cf->message ? cf->message : "no reply");
			fail_items(&fs[i], rep, MR_OUTCOME_UNKNOWN, "outcome unknown: see the file's error",
			           1);
			break;
		case MR_COMMIT_STRANDED:
			/* written: the backup and its MANIFEST stay for rollback */
			fr->error = mr_xasprintf("%s: written, but another file of this host failed and "
			                         "this one %s; migready rollback undoes it",
			                         where, cf->message);
			fail_items(&fs[i], rep, MR_OUTCOME_FAILED,
			           "written, not put back: see the file's error", 1);
			break;
		case MR_COMMIT_UNTOUCHED:
			fr->changed = 0;
			fr->error = mr_xasprintf("%s: not written: another file of this host failed", where);
			fail_items(&fs[i], rep, MR_OUTCOME_FAILED,
			           "not written: another file of this host failed", 1);
			break;
		default:
			fr->changed = 0;
			fr->error = mr_xasprintf("%s: %s", where, cf->message ? cf->message : "failed");
			fail_items(&fs[i], rep, MR_OUTCOME_FAILED, "not written: see the file's error", 1);
			break;
		}
		free(where);
	}
}

/* The facts probe took the host's lock, held until the transport closes. */
static int lock_held(const struct mr_facts *facts)
{
	const char *lock = facts ? mr_facts_get(facts, "lock") : NULL;
	return lock && strcmp(lock, "held") == 0;
}

static int apply_host(const struct mr_plan *plan, const struct extra_state *x,
                      struct file_state *fs, size_t n, struct unit_state *us, size_t n_us,
                      struct mr_transport *t, int live, const struct mr_run_opts *opts,
                      const char *pending, struct mr_host_report *rep, struct mr_error **err)
{
	size_t *commit_idx = mr_xcalloc(n + 1, sizeof(*commit_idx));
	struct mr_commit_file *cf = mr_xcalloc(n + 1, sizeof(*cf));
	char **backups = mr_xcalloc(n + 1, sizeof(*backups));
	char *dir = mr_xasprintf(BACKUP_ROOT "/%s", opts->run_id);
	char *manifest = NULL, *manifest_path = NULL;
	struct actions a = { 0 };
	struct mr_error *e = NULL;
	size_t n_c = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		commit_idx[i] = (size_t)-1;
		if (fs[i].failed || !fs[i].changed)
			continue;
		size_t k = n_c++;
		commit_idx[i] = k;
		backups[k] = fs[i].st.exists ? mr_xasprintf("%s%s", dir, fs[i].pf->path) : NULL;
		cf[k] = (struct mr_commit_file){
			.path = fs[i].pf->path,
			.data = fs[i].result,
			.len = fs[i].result_len,
			.existed = fs[i].st.exists,
			.old = fs[i].text,
			.old_len = fs[i].len,
			.mode = file_left(&fs[i]).mode,
			.uid = file_left(&fs[i]).uid,
			.gid = file_left(&fs[i]).gid,
			.attrs_as_read = fs[i].st.exists && !fs[i].pf->has_attrs,
			.backup = backups[k],
		};
	}
	plan_actions(&a, plan, x, t, us, n_us, fs, n, commit_idx, live, !live && t->root, t->root,
	             opts);
	if (!n_c && !a.n && !pending)
		goto out;
	struct mr_commit c = {
		.files = cf,
		.n_files = n_c,
		.pending_path = pending ? PENDING : NULL,
		.pending = pending,
		.actions = a.v,
		.n_actions = a.n,
		.locked = lock_held(plan->facts),
		.perl = mr_commit_perl(plan->facts ? mr_facts_get(plan->facts, "commit.perl") : NULL),
	};
	manifest = manifest_text(fs, n, &a, us, n_us, plan, x);
	if (manifest) {
		manifest_path = mr_xasprintf("%s/MANIFEST", dir);
		c.manifest = manifest;
		c.manifest_path = manifest_path;
	}
	if (mr_commit_run(t, &c, &e) < 0) {
		int unknown = n_c && cf[0].state == MR_COMMIT_UNKNOWN;
		char *msg = mr_error_format(e);
		char *full = unknown ? mr_xasprintf("outcome unknown: %s", msg)
		                     : mr_xasprintf("nothing written: %s", msg);
		mr_host_report_fail(rep, full);
		free(full);
		free(msg);
		record_files(fs, n, &c, commit_idx, t, rep);
		for (size_t i = 0; i < n_us; i++)
			if (us[i].item >= 0 && rep->items[us[i].item].outcome == MR_OUTCOME_DRIFT)
				rep->items[us[i].item].outcome = unknown ? MR_OUTCOME_UNKNOWN
				                                         : MR_OUTCOME_FAILED;
		for (size_t i = 0; i < a.n; i++)
			if (a.item_of[i] >= 0 && rep->items[a.item_of[i]].outcome == MR_OUTCOME_DRIFT)
				rep->items[a.item_of[i]].outcome = unknown ? MR_OUTCOME_UNKNOWN
				                                           : MR_OUTCOME_FAILED;
		/* The report has the failure (a lost session's too): the
		 * caller must not report it again, and skips the pruning of a
		 * failed host. */
		mr_commit_fini(&c);
		goto out;
	}
	record_files(fs, n, &c, commit_idx, t, rep);
	if (c.committed) {
		if (manifest)
			rep->backup_dir = mr_transport_path(t, dir);
		record_actions(&a, us, n_us, t, rep);
	}
	mr_commit_fini(&c);
out:
	mr_error_free(e);
	actions_fini(&a);
	for (size_t i = 0; i < n_c; i++)
		free(backups[i]);
	free(backups);
	free(cf);
	free(commit_idx);
	free(manifest);
	free(manifest_path);
	free(dir);
	return r;
}

static struct mr_item *plain_item(struct mr_host_report *rep, const char *setting,
                                  const char *origin, enum mr_outcome outcome)
{
	struct mr_item *it = mr_host_report_add_item(rep);
	it->setting = mr_xstrdup(setting);
	it->origin = mr_xstrdup(origin ? origin : "");
	it->outcome = outcome;
	return it;
}

static char *mode_owner(mode_t mode, long uid, long gid)
{
	if (uid < 0 && gid < 0)
		return mr_xasprintf("%04o", (unsigned)mode);
	return mr_xasprintf("%04o %ld:%ld", (unsigned)mode, uid, gid);
}

/* The item of a directory sshd's StrictModes checks, from its stat. */
static int observe_secure_dir(const struct plan_dir *d, const struct mr_stat *st,
                              struct mr_item *it)
{
	if (!st->exists) {
		/* made with ~/.ssh, root's and writable by root alone: as sshd
		 * wants it (that ~/.ssh is missing is the plan's drift) */
		it->old = mr_xstrdup("absent");
		it->note = mr_xstrdup("made with what it holds, root's");
		return 0;
	}
	if (st->is_symlink) {
		/* sshd checks where it leads, which a stat of the link does not */
		it->outcome = MR_OUTCOME_UNCHECKED;
		it->note = mr_xstrdup("is a symbolic link: where it leads is not examined");
		return 0;
	}
	it->old = mode_owner(st->mode, (long)st->uid, (long)st->gid);
	if ((st->mode & 022) || (st->uid != d->uid && st->uid != 0)) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xasprintf("%s: sshd (StrictModes) refuses the keys under a directory %s; "
		                        "chmod go-w it, or chown it to the user",
		                        it->old,
		                        (st->mode & 022) ? "that group or others can write"
		                                         : "that another user owns");
	}
	return 0;
}

/* A directory, observed with stat; its item, and whether to act. */
static int observe_dir(const struct plan_dir *d, struct mr_transport *t,
                       struct mr_host_report *rep, int *act, struct mr_stat *was,
                       struct mr_error **host_err)
{
	struct mr_stat st;
	struct mr_error *e = NULL;
	memset(was, 0, sizeof(*was));
	struct mr_item *it = plain_item(rep, d->setting, d->origin, MR_OUTCOME_OK);
	int item = (int)(rep->n_items - 1);
	it->file = mr_xstrdup(d->path);
	long want_uid = d->uid == (uid_t)-1 ? -1 : (long)d->uid;
	long want_gid = d->gid == (gid_t)-1 ? -1 : (long)d->gid;
	if (d->secure_only)
		it->want = mr_xasprintf("owned by %ld or 0, not writable by group or others",
		                        (long)d->uid);
	else if (d->at_least && d->mode) {
		char *owner = mode_owner(d->mode, want_uid, want_gid);
		it->want = mr_xasprintf("at least %s", owner);
		free(owner);
	} else if (d->at_least) {
		it->want = want_uid < 0 && want_gid < 0
		               ? mr_xstrdup("present")
		               : mr_xasprintf("present %ld:%ld", want_uid, want_gid);
	} else
		it->want = mode_owner(d->mode, want_uid, want_gid);
	*act = -1;
	if (t->ops->stat(t, d->path, &st, &e) < 0) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_error_format(e);
		if (t->broken) {
			mr_error_move(host_err, &e);
			return -1;
		}
		mr_error_free(e);
		return 0;
	}
	if (d->secure_only)
		return observe_secure_dir(d, &st, it);
	if (st.exists && (st.is_symlink || !st.is_dir)) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xstrdup(st.is_symlink ? "is a symbolic link; not changed"
		                                    : "is not a directory; not changed");
		return 0;
	}
	*was = st;
	if (st.exists)
		it->old = mode_owner(st.mode, d->uid == (uid_t)-1 ? -1 : (long)st.uid,
		                     d->gid == (gid_t)-1 ? -1 : (long)st.gid);
	int mode_ok = d->at_least ? (st.mode & d->mode) == d->mode : st.mode == d->mode;
	if (!st.exists || !mode_ok || (d->uid != (uid_t)-1 && st.uid != d->uid) ||
	    (d->gid != (gid_t)-1 && st.gid != d->gid)) {
		it->outcome = MR_OUTCOME_DRIFT;
		*act = item;
	}
	return 0;
}

/* A mount, observed from the facts of the instances directory. */
static void observe_mount(const struct plan_mount *m, const struct mr_facts *facts, int live,
                          struct mr_host_report *rep, int *act)
{
	*act = -1;
	if (!live) {
		/* an image has nothing mounted, by its nature */
		plain_item(rep, m->setting, m->origin, MR_OUTCOME_UNCHECKED);
		return;
	}
	struct mr_item *it = plain_item(rep, m->setting, m->origin, MR_OUTCOME_OK);
	int item = (int)(rep->n_items - 1);
	it->file = mr_xstrdup(m->path);
	it->want = mr_xstrdup("mounted");
	const char *inst = facts ? mr_facts_get(facts, "instances") : NULL;
	const char *now = facts ? mr_facts_get(facts, "mount.instances") : NULL;
	const char *dir = facts ? mr_facts_get(facts, "dir.instances") : NULL;
	if (!inst || strcmp(inst, m->path) != 0 || !now || !dir) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xasprintf("cannot tell what is mounted at %s", m->path);
		return;
	}
	if (strcmp(now, "none") != 0) {
		it->old = mr_xstrdup(now);
		return;
	}
	it->old = mr_xstrdup("not mounted");
	if (!strcmp(dir, "nonempty") && !m->force) {
		it->outcome = MR_OUTCOME_FAILED;
		it->note = mr_xasprintf("%s holds files: not mounted over them (they could be an "
		                        "instance's disks); force to do it anyway",
		                        m->path);
		return;
	}
	it->outcome = MR_OUTCOME_DRIFT;
	*act = item;
}

/* An item the resource observed in the facts: on drift, its command runs
 * once on a live host (k: the command's index); in a tree nothing runs. */
static void observe_item(const struct plan_observed *o, size_t k, int live,
                         const struct mr_run_opts *opts, struct extra_state *x,
                         struct mr_host_report *rep, size_t *n_drift)
{
	struct mr_item *it = plain_item(rep, o->setting, o->origin,
	                                o->drift ? MR_OUTCOME_DRIFT : MR_OUTCOME_OK);
	it->old = dup_or_null(o->old);
	it->want = dup_or_null(o->want);
	it->note = dup_or_null(o->note);
	if (!o->drift || !o->cmd) /* in the desired state, or settled elsewhere */
		return;
	if (!live) {
		if (o->tree_fails) {
			it->outcome = MR_OUTCOME_FAILED;
			free(it->note);
			it->note = mr_xasprintf("not changed in a tree: %s runs on a live host only",
			                        o->cmd->argv[0]);
		}
		return;
	}
	x->cmd_item[k] = (int)(rep->n_items - 1);
	if (x->cmd_run[k])
		return;
	x->cmd_run[k] = 1;
	(*n_drift)++;
	if (opts->mode != MR_MODE_APPLY) {
		char *w = mr_xasprintf("run %s", o->cmd->name);
		mr_host_report_add_planned(rep, w);
		free(w);
	}
}

/* restart-pending as it must be before the renames: what was owed, and
 * what this run will owe until its restarts succeed. NULL: nothing. */
static char *pending_text(const struct unit_state *us, size_t n)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		if (us[i].restart)
			mr_buf_printf(&b, "%s\n", us[i].pu->name);
	if (!b.len) {
		mr_buf_fini(&b);
		return NULL;
	}
	return mr_buf_steal(&b, NULL);
}

int mr_plan_run(struct mr_plan *plan, struct mr_transport *t, struct mr_aug *aug,
                const struct mr_run_opts *opts, struct mr_host_report *rep,
                struct mr_error **err)
{
	const struct mr_facts *facts = plan->facts;
	int live = facts ? mr_facts_live(facts) : !t->root;
	struct file_state *fs = NULL;
	struct unit_state *us = NULL;
	struct extra_state x = { 0 };
	char *pending = NULL;
	int r = -1;

	for (size_t i = 0; i < plan->n_failed; i++) {
		struct mr_item *it = plain_item(rep, plan->failed[i].setting, plan->failed[i].origin,
		                                MR_OUTCOME_FAILED);
		it->note = mr_xstrdup(plan->failed[i].message);
	}
	for (size_t i = 0; i < plan->n_unchecked; i++)
		plain_item(rep, plan->unchecked[i].setting, plan->unchecked[i].origin,
		           MR_OUTCOME_UNCHECKED);
	/* Restarts an earlier apply owes (the facts read them back, validated). */
	const char **owed = NULL;
	size_t n_owed = live && facts ? mr_facts_get_all(facts, "pending", &owed) : 0;
	for (size_t i = 0; i < n_owed; i++)
		mr_plan_unit(plan, owed[i]);

	fs = mr_xcalloc(plan->n_files + 1, sizeof(*fs));
	us = mr_xcalloc(plan->n_units + 1, sizeof(*us));
	size_t first = rep->n_files;
	for (size_t i = 0; i < plan->n_files; i++)
		mr_host_report_add_file(rep, plan->files[i]->path);
	size_t n_changed = 0, n_failed = 0;
	for (size_t i = 0; i < plan->n_files; i++) {
		fs[i].pf = plan->files[i];
		fs[i].fr = first + i;
		if (examine(&fs[i], t, aug, opts, rep, err) < 0)
			goto out;
		n_changed += !fs[i].failed && fs[i].changed;
		n_failed += fs[i].failed;
	}
	size_t n_drift_units = 0;
	for (size_t i = 0; i < plan->n_units; i++) {
		us[i].pu = plan->units[i];
		us[i].pending_item = -1;
		observe_unit(&us[i], facts, live, rep);
		n_drift_units += us[i].enable_drift || us[i].active_drift;
	}
	x.dir_item = mr_xcalloc(plan->n_dirs + 1, sizeof(*x.dir_item));
	x.dir_was = mr_xcalloc(plan->n_dirs + 1, sizeof(*x.dir_was));
	x.mount_item = mr_xcalloc(plan->n_mounts + 1, sizeof(*x.mount_item));
	x.cmd_run = mr_xcalloc(plan->n_cmds + 1, sizeof(*x.cmd_run));
	x.cmd_item = mr_xcalloc(plan->n_cmds + 1, sizeof(*x.cmd_item));
	for (size_t k = 0; k < plan->n_cmds; k++)
		x.cmd_item[k] = -1;
	for (size_t i = 0; i < plan->n_observed; i++) {
		size_t k = 0;
		while (k < plan->n_cmds && plan->cmds[k] != plan->observed[i].cmd)
			k++;
		observe_item(&plan->observed[i], k, live, opts, &x, rep, &n_drift_units);
	}
	for (size_t i = 0; i < plan->n_dirs; i++) {
		if (observe_dir(&plan->dirs[i], t, rep, &x.dir_item[i], &x.dir_was[i], err) < 0)
			goto out;
		n_drift_units += x.dir_item[i] >= 0;
	}
	for (size_t i = 0; i < plan->n_mounts; i++) {
		observe_mount(&plan->mounts[i], facts, live, rep, &x.mount_item[i]);
		n_drift_units += x.mount_item[i] >= 0;
	}
	for (size_t i = 0; live && i < plan->n_files; i++)
		for (size_t j = 0; fs[i].changed && !fs[i].failed && j < fs[i].pf->n_notify_cmds; j++)
			for (size_t k = 0; k < plan->n_cmds; k++)
				if (plan->cmds[k] == fs[i].pf->notify_cmds[j] && !x.cmd_run[k]) {
					x.cmd_run[k] = 1;
					n_drift_units++;
					if (opts->mode != MR_MODE_APPLY) {
						char *w = mr_xasprintf("run %s", plan->cmds[k]->name);
						mr_host_report_add_planned(rep, w);
						free(w);
					}
				}
	if (live) {
		for (size_t i = 0; i < plan->n_files; i++)
			for (size_t j = 0; fs[i].changed && !fs[i].failed && j < fs[i].pf->n_notify; j++)
				us[unit_index(us, plan->n_units, fs[i].pf->notify[j])].restart = 1;
		for (size_t i = 0; i < n_owed; i++) {
			int k = unit_index(us, plan->n_units, mr_plan_unit(plan, owed[i]));
			us[k].restart = 1;
			struct mr_item *it = plain_item(rep, "", "written by an earlier apply",
			                                MR_OUTCOME_DRIFT);
			free(it->setting);
			it->setting = mr_xasprintf("restart.%s", owed[i]);
			it->unit = mr_xstrdup(owed[i]);
			it->old = mr_xstrdup("pending");
			it->want = mr_xstrdup("restarted");
			us[k].pending_item = (int)(rep->n_items - 1);
		}
	}
	/* What apply would restart: a restart aborts migrations in progress. */
	for (size_t i = 0; opts->mode != MR_MODE_APPLY && i < plan->n_units; i++) {
		if (us[i].restart || (us[i].active_drift && us[i].pu->active == 1))
			mr_host_report_add_planned(rep, us[i].pu->name);
		if (!us[i].active_drift && !(us[i].restart && us[i].pu->n_stop_first))
			continue;
		for (size_t k = 0; k < us[i].pu->n_stop_first; k++) {
			int o = unit_index(us, plan->n_units, us[i].pu->stop_first[k]);
			if (o >= 0 && unit_is_active(&us[o]))
				mr_host_report_add_planned(rep, us[o].pu->name);
		}
	}
	if (opts->mode != MR_MODE_APPLY) {
		r = 0;
		goto out;
	}
	if (n_failed) {
		/* A host's files go together (the listener and the QEMU settings
		 * make one migration path): if one cannot be read or parsed, none
		 * is written. */
		if (n_changed || n_drift_units)
			mr_host_report_fail(rep, "nothing written on this host: one of its files failed");
		for (size_t i = 0; i < plan->n_files; i++)
			rep->files[fs[i].fr].changed = 0;
		r = 0;
		goto out;
	}
	pending = pending_text(us, plan->n_units);
	/* Lines that are no unit name were ignored: rewrite the file without
	 * them, so the warning does not come back on every run. */
	if (!pending && live && facts && mr_facts_get(facts, "pending.dropped"))
		pending = mr_xstrdup("");
	if (n_changed || n_drift_units || pending)
		r = apply_host(plan, &x, fs, plan->n_files, us, plan->n_units, t, live, opts, pending,
		               rep, err);
	else
		r = 0;
out:
	for (size_t i = 0; i < plan->n_files; i++) {
		free(fs[i].text);
		free(fs[i].result);
	}
	free(fs);
	free(us);
	free(x.dir_item);
	free(x.dir_was);
	free(x.mount_item);
	free(x.cmd_run);
	free(x.cmd_item);
	free(owed);
	free(pending);
	return r;
}
