/* A host's plan and its execution: read, transform, report; for apply, back
 * up, write, restart, verify. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "plan.h"
#include "report.h"
#include "transport.h"

#define BACKUP_ROOT "/var/lib/migready/backups"
/* Backups belong to whoever connects (root in production): private. */
#define BACKUP_WRITE_OPTS { .mode = 0600, .uid = (uid_t)-1, .gid = (gid_t)-1 }

struct mr_plan_file {
	char *path;
	char *lens;
	char *service;
	struct mr_aug_op *ops; /* strings owned; handed to the engine as they are */
	char **settings;       /* for each op: "libvirtd.listen_tcp" */
	char **origins;        /* for each op: "profile.ini:3" */
	size_t n_ops;
};

struct mr_plan {
	struct mr_plan_file **files;
	size_t n_files;
};

/* What execution learnt about one file. */
struct file_state {
	struct mr_plan_file *pf;
	struct mr_file_report *fr;
	char *text;
	size_t len;
	struct mr_stat st;
	char *result;
	size_t result_len;
	int failed;
	int written;
};

struct mr_plan *mr_plan_new(void)
{
	return mr_xcalloc(1, sizeof(struct mr_plan));
}

static char *dup_or_null(const char *s)
{
	return s ? mr_xstrdup(s) : NULL;
}

void mr_plan_free(struct mr_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n_files; i++) {
		struct mr_plan_file *f = plan->files[i];
		for (size_t j = 0; j < f->n_ops; j++) {
			free((char *)f->ops[j].section);
			free((char *)f->ops[j].key);
			free((char *)f->ops[j].value);
			free((char *)f->ops[j].comment_re);
			free(f->settings[j]);
			free(f->origins[j]);
		}
		free(f->ops);
		free(f->settings);
		free(f->origins);
		free(f->path);
		free(f->lens);
		free(f->service);
		free(f);
	}
	free(plan->files);
	free(plan);
}

struct mr_plan_file *mr_plan_file(struct mr_plan *plan, const char *path, const char *lens,
                                  const char *service)
{
	for (size_t i = 0; i < plan->n_files; i++)
		if (strcmp(plan->files[i]->path, path) == 0)
			return plan->files[i];
	struct mr_plan_file *f = mr_xcalloc(1, sizeof(*f));
	f->path = mr_xstrdup(path);
	f->lens = mr_xstrdup(lens);
	f->service = dup_or_null(service);
	plan->files = mr_xreallocarray(plan->files, plan->n_files + 1, sizeof(*plan->files));
	plan->files[plan->n_files++] = f;
	return f;
}

void mr_plan_add(struct mr_plan_file *f, const struct mr_setting *origin,
                 const struct mr_aug_op *op)
{
	size_t n = f->n_ops + 1;
	f->ops = mr_xreallocarray(f->ops, n, sizeof(*f->ops));
	f->settings = mr_xreallocarray(f->settings, n, sizeof(*f->settings));
	f->origins = mr_xreallocarray(f->origins, n, sizeof(*f->origins));
	struct mr_aug_op *o = &f->ops[f->n_ops];
	*o = *op;
	o->section = dup_or_null(op->section);
	o->key = mr_xstrdup(op->key);
	o->value = dup_or_null(op->value);
	o->comment_re = dup_or_null(op->comment_re);
	f->settings[f->n_ops] = mr_xasprintf("%s.%s", origin->section, origin->key);
	f->origins[f->n_ops] = origin->loc.line
	                           ? mr_xasprintf("%s:%u", origin->loc.file, origin->loc.line)
	                           : mr_xstrdup(origin->loc.file ? origin->loc.file : "");
	f->n_ops = n;
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

/* ---- execution ---- */

static char *where_of(const struct mr_transport *t, const char *path)
{
	return mr_xasprintf("%s:%s", t->host, path);
}

/* Records a file's failure; a host-wide one (connection gone) is returned
 * to the caller so that the other files are not tried in vain. */
static int file_failed(struct file_state *fs, struct mr_host_report *rep, struct mr_error **e,
                       struct mr_error **host_err)
{
	char *msg = mr_error_format(*e);
	fs->failed = 1;
	free(fs->fr->error);
	fs->fr->error = msg;
	int host_wide = (*e)->kind == MR_ERR_HOST;
	if (host_wide)
		mr_error_move(host_err, e);
	mr_error_free(*e);
	*e = NULL;
	for (size_t i = 0; i < rep->n_items; i++)
		if (strcmp(rep->items[i].file, fs->pf->path) == 0)
			rep->items[i].outcome = MR_OUTCOME_FAILED;
	return host_wide ? -1 : 0;
}

static void add_items(struct file_state *fs, const struct mr_aug_outcome *oc,
                      struct mr_host_report *rep)
{
	const struct mr_plan_file *pf = fs->pf;
	for (size_t i = 0; i < pf->n_ops; i++) {
		struct mr_item *it = mr_host_report_add_item(rep);
		it->setting = mr_xstrdup(pf->settings[i]);
		it->file = mr_xstrdup(pf->path);
		it->origin = mr_xstrdup(pf->origins[i]);
		it->want = dup_or_null(pf->ops[i].kind == MR_AUG_SET ? pf->ops[i].value : NULL);
		it->old = oc ? dup_or_null(oc[i].old) : NULL;
		it->outcome = !oc ? MR_OUTCOME_FAILED
		              : oc[i].changed ? MR_OUTCOME_DRIFT : MR_OUTCOME_OK;
	}
}

/* Reads and transforms one file; fills items and (diff, apply) the diff. */
static int examine(struct file_state *fs, struct mr_transport *t, struct mr_aug *aug,
                   const struct mr_run_opts *opts, struct mr_host_report *rep,
                   struct mr_error **host_err)
{
	struct mr_plan_file *pf = fs->pf;
	struct mr_error *e = NULL;
	char *where = where_of(t, pf->path);
	struct mr_aug_outcome *oc = mr_xcalloc(pf->n_ops, sizeof(*oc));
	int r = 0;

	if (mr_transport_read(t, pf->path, &fs->text, &fs->len, &fs->st, &e) < 0) {
		add_items(fs, NULL, rep);
		r = file_failed(fs, rep, &e, host_err);
		goto out;
	}
	if (!fs->st.exists) {
		fs->text = mr_xstrdup("");
		fs->len = 0;
		fs->fr->created = 1;
	}
	if (mr_aug_transform(aug, where, pf->lens, fs->text, fs->len, pf->ops, pf->n_ops, oc,
	                     &fs->result, &fs->result_len, &e) < 0) {
		add_items(fs, NULL, rep);
		r = file_failed(fs, rep, &e, host_err);
		goto out;
	}
	add_items(fs, oc, rep);
	fs->fr->changed = fs->result_len != fs->len || memcmp(fs->result, fs->text, fs->len) != 0;
	if (fs->fr->changed && fs->st.is_symlink && opts->mode == MR_MODE_APPLY) {
		/* Writing would replace the link with a file; its target is what
		 * the operator must fix. */
		mr_error_add(&e, MR_ERR_CONFLICT, where, "is a symbolic link; not written");
		r = file_failed(fs, rep, &e, host_err);
		goto out;
	}
	if (fs->fr->changed && opts->mode != MR_MODE_CHECK) {
		char *a = mr_xasprintf("a%s", pf->path), *b = mr_xasprintf("b%s", pf->path);
		fs->fr->diff = mr_diff_unified(fs->text, fs->len, fs->result, fs->result_len,
		                               fs->st.exists ? a : "/dev/null", b, 3);
		free(a);
		free(b);
	}
out:
	mr_aug_outcomes_fini(oc, pf->n_ops);
	free(oc);
	free(where);
	return r;
}

static char *dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return mr_xstrdup("/");
	return mr_xstrndup(path, (size_t)(slash - path));
}

/* The MANIFEST names every file the run changes (before the writes: a
 * crash must not hide one from rollback), then only those it wrote. */
static int write_manifest(struct file_state *fs, size_t n, struct mr_transport *t,
                          const char *dir, struct mr_error **err)
{
	struct mr_buf manifest;
	mr_buf_init(&manifest);
	mr_buf_puts(&manifest, "# migready backup: state, mode, uid, gid, path\n");
	for (size_t i = 0; i < n; i++) {
		if (fs[i].failed || !fs[i].fr->changed)
			continue;
		mr_buf_printf(&manifest, "%s %04o %u %u %s\n", fs[i].st.exists ? "existed" : "created",
		              (unsigned)fs[i].st.mode, (unsigned)fs[i].st.uid,
		              (unsigned)fs[i].st.gid, fs[i].pf->path);
	}
	char *mpath = mr_xasprintf("%s/MANIFEST", dir);
	struct mr_write_opts wo = BACKUP_WRITE_OPTS;
	int r = t->ops->mkdir_p(t, dir, 0700, err) == 0 &&
	                mr_transport_write(t, mpath, manifest.data, manifest.len, &wo, err) == 0
	            ? 0
	            : -1;
	free(mpath);
	mr_buf_fini(&manifest);
	return r;
}

/* Keeps every original about to change, and the MANIFEST, before any of
 * them is written: rollback must never miss a file. */
static int backup(struct file_state *fs, size_t n, struct mr_transport *t,
                  const struct mr_run_opts *opts, struct mr_host_report *rep,
                  struct mr_error **err)
{
	char *dir = mr_xasprintf(BACKUP_ROOT "/%s", opts->run_id);
	int r = -1;
	for (size_t i = 0; i < n; i++) {
		if (fs[i].failed || !fs[i].fr->changed)
			continue;
		const char *path = fs[i].pf->path;
		if (fs[i].st.exists) {
			char *copy = mr_xasprintf("%s%s", dir, path);
			char *parent = dirname_of(copy);
			struct mr_write_opts wo = BACKUP_WRITE_OPTS;
			int ok = t->ops->mkdir_p(t, parent, 0700, err) == 0 &&
			         mr_transport_write(t, copy, fs[i].text, fs[i].len, &wo, err) == 0;
			free(parent);
			free(copy);
			if (!ok)
				goto out;
		}
	}
	if (write_manifest(fs, n, t, dir, err) < 0)
		goto out;
	rep->backup_dir = dir;
	dir = NULL;
	r = 0;
out:
	free(dir);
	return r;
}

static void note_service(const char *unit, char ***units, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*units)[i], unit) == 0)
			return;
	*units = mr_xreallocarray(*units, *n + 1, sizeof(**units));
	(*units)[(*n)++] = mr_xstrdup(unit);
}

static int write_changed(struct file_state *fs, size_t n, struct mr_transport *t,
                         struct mr_host_report *rep, struct mr_error **host_err)
{
	for (size_t i = 0; i < n; i++) {
		if (fs[i].failed || !fs[i].fr->changed)
			continue;
		struct mr_write_expect expect = { fs[i].st.exists, fs[i].text, fs[i].len };
		struct mr_write_opts wo = {
			.mode = fs[i].st.exists ? fs[i].st.mode : 0644,
			.uid = fs[i].st.exists ? fs[i].st.uid : 0,
			.gid = fs[i].st.exists ? fs[i].st.gid : 0,
			.expect = &expect,
		};
		struct mr_error *e = NULL;
		if (mr_transport_write(t, fs[i].pf->path, fs[i].result, fs[i].result_len, &wo, &e) < 0) {
			/* Not written: apply reports what it did, not what it meant to. */
			fs[i].fr->changed = 0;
			if (file_failed(&fs[i], rep, &e, host_err) < 0)
				return -1;
			continue;
		}
		fs[i].written = 1;
		for (size_t j = 0; j < rep->n_items; j++)
			if (strcmp(rep->items[j].file, fs[i].pf->path) == 0 &&
			    rep->items[j].outcome == MR_OUTCOME_DRIFT)
				rep->items[j].outcome = MR_OUTCOME_CHANGED;
	}
	return 0;
}

/* Restarts each unit; ok[i] tells which did. */
static int restart(struct mr_transport *t, char **units, size_t n, int *ok,
                   struct mr_host_report *rep, struct mr_error **host_err)
{
	for (size_t i = 0; i < n; i++) {
		ok[i] = 0;
		/* try-restart: a daemon that is stopped stays stopped, and reads
		 * the new configuration when it starts. */
		char *cmd = mr_xasprintf("systemctl --no-ask-password try-restart '%s' </dev/null",
		                         units[i]);
		char *out = NULL;
		size_t out_len = 0;
		int status = 0;
		struct mr_error *e = NULL;
		int rc = t->ops->run(t, cmd, &out, &out_len, &status, &e);
		free(cmd);
		free(out);
		if (rc < 0) {
			if (e->kind == MR_ERR_HOST) {
				mr_error_move(host_err, &e);
				return -1;
			}
			char *msg = mr_error_format(e);
			mr_host_report_fail(rep, msg);
			free(msg);
			mr_error_free(e);
			continue;
		}
		if (status != 0) {
			char *msg = mr_xasprintf("%s: systemctl try-restart %s failed with status %d",
			                         t->host, units[i], status);
			mr_host_report_fail(rep, msg);
			free(msg);
			continue;
		}
		mr_host_report_add_service(rep, units[i]);
		ok[i] = 1;
	}
	return 0;
}

/* Reads each written file again: it must now be in the desired state. */
static void verify(struct file_state *fs, size_t n, struct mr_transport *t, struct mr_aug *aug,
                   struct mr_host_report *rep)
{
	for (size_t i = 0; i < n; i++) {
		if (!fs[i].written)
			continue;
		struct mr_plan_file *pf = fs[i].pf;
		struct mr_error *e = NULL;
		char *text = NULL, *result = NULL, *where = where_of(t, pf->path);
		size_t len = 0, result_len = 0;
		struct mr_stat st;
		struct mr_aug_outcome *oc = mr_xcalloc(pf->n_ops, sizeof(*oc));
		if (mr_transport_read(t, pf->path, &text, &len, &st, &e) < 0 || !st.exists ||
		    mr_aug_transform(aug, where, pf->lens, text, len, pf->ops, pf->n_ops, oc, &result,
		                     &result_len, &e) < 0) {
			char *msg = e ? mr_error_format(e) : mr_xasprintf("%s: vanished after writing", where);
			fs[i].fr->error = mr_xasprintf("verify: %s", msg);
			free(msg);
		} else if (result_len != len || memcmp(result, text, len) != 0) {
			fs[i].fr->error = mr_xasprintf("verify: %s is still not in the desired state", where);
		}
		mr_error_free(e);
		mr_aug_outcomes_fini(oc, pf->n_ops);
		free(oc);
		free(text);
		free(result);
		free(where);
	}
}

/* Units whose new configuration is written but not yet in effect: kept on
 * the host until restarted, so that an interrupted apply, a failed restart
 * or --no-restart is not forgotten by the next run (whose files already
 * look right). One unit a line. */
#define PENDING "/var/lib/migready/restart-pending"

static void read_pending(struct mr_transport *t, char ***units, size_t *n,
                         struct mr_host_report *rep)
{
	char *text = NULL;
	size_t len = 0;
	struct mr_stat st;
	struct mr_error *e = NULL;
	if (mr_transport_read(t, PENDING, &text, &len, &st, &e) < 0) {
		mr_error_free(e);
		return;
	}
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!*line)
			continue;
		note_service(line, units, n);
		struct mr_item *it = mr_host_report_add_item(rep);
		it->setting = mr_xasprintf("restart.%s", line);
		it->file = mr_xstrdup(PENDING);
		it->old = mr_xstrdup("pending");
		it->want = mr_xstrdup("restarted");
		it->origin = mr_xstrdup("written by an earlier apply");
		it->outcome = MR_OUTCOME_DRIFT;
	}
	free(text);
}

static int write_pending(struct mr_transport *t, char **units, size_t n, const int *done,
                         struct mr_error **err)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		if (!done || !done[i])
			mr_buf_printf(&b, "%s\n", units[i]);
	char *dir = dirname_of(PENDING);
	struct mr_write_opts wo = BACKUP_WRITE_OPTS;
	int r = t->ops->mkdir_p(t, dir, 0700, err) == 0 &&
	                mr_transport_write(t, PENDING, b.data, b.len, &wo, err) == 0
	            ? 0
	            : -1;
	free(dir);
	mr_buf_fini(&b);
	return r;
}

static void set_pending_items(struct mr_host_report *rep, char **units, size_t n, const int *ok)
{
	for (size_t i = 0; i < n; i++) {
		char *name = mr_xasprintf("restart.%s", units[i]);
		for (size_t j = 0; j < rep->n_items; j++)
			if (strcmp(rep->items[j].setting, name) == 0)
				rep->items[j].outcome = ok[i] ? MR_OUTCOME_CHANGED : MR_OUTCOME_FAILED;
		free(name);
	}
}

/* Writes, verifies, then restarts what the verified files need: a unit
 * whose file did not verify keeps its old configuration running. */
static int apply_host(struct file_state *fs, size_t n, size_t n_changed, struct mr_transport *t,
                      struct mr_aug *aug, const struct mr_run_opts *opts, char ***units,
                      size_t *n_units, struct mr_host_report *rep, struct mr_error **err)
{
	int services = !t->root;
	size_t n_pending = *n_units;
	struct mr_error *e = NULL;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		if (!fs[i].failed && fs[i].fr->changed && fs[i].pf->service && services)
			note_service(fs[i].pf->service, units, n_units);
	if (n_changed && backup(fs, n, t, opts, rep, &e) < 0)
		goto refused;
	if (*n_units > n_pending && write_pending(t, *units, *n_units, NULL, &e) < 0)
		goto refused;
	if (write_changed(fs, n, t, rep, err) < 0)
		return -1;
	verify(fs, n, t, aug, rep);
	if (n_changed && write_manifest(fs, n, t, rep->backup_dir, &e) < 0)
		goto failed;
	if (!*n_units || opts->no_restart)
		return 0;
	/* Restart a unit only if none of its files failed to be written or
	 * verified; else it keeps its old configuration running, and owes a
	 * restart. */
	int *ok = mr_xcalloc(*n_units, sizeof(*ok));
	int *todo_ok = mr_xcalloc(*n_units, sizeof(*todo_ok));
	char **todo = mr_xcalloc(*n_units, sizeof(*todo));
	size_t *idx = mr_xcalloc(*n_units, sizeof(*idx));
	size_t n_todo = 0;
	for (size_t u = 0; u < *n_units; u++) {
		int ready = 1;
		for (size_t i = 0; i < n; i++)
			if (fs[i].fr->error && fs[i].pf->service && !strcmp(fs[i].pf->service, (*units)[u]))
				ready = 0;
		if (ready) {
			idx[n_todo] = u;
			todo[n_todo++] = (*units)[u];
		}
	}
	r = restart(t, todo, n_todo, todo_ok, rep, err);
	for (size_t k = 0; k < n_todo; k++)
		ok[idx[k]] = todo_ok[k];
	set_pending_items(rep, *units, n_pending, ok);
	if (r == 0 && write_pending(t, *units, *n_units, ok, &e) < 0) {
		char *msg = mr_error_format(e);
		mr_host_report_fail(rep, msg);
		free(msg);
		mr_error_free(e);
	}
	free(idx);
	free(todo);
	free(todo_ok);
	free(ok);
	return r;
failed:
	{
		char *msg = mr_error_format(e);
		mr_host_report_fail(rep, msg);
		free(msg);
		mr_error_free(e);
	}
	return 0;
refused:
	{
		/* Without a backup, or a record of the restart owed, nothing is
		 * written. */
		char *msg = mr_error_format(e);
		char *full = mr_xasprintf("nothing written: %s", msg);
		mr_host_report_fail(rep, full);
		free(full);
		free(msg);
		mr_error_free(e);
		for (size_t i = 0; i < n; i++)
			fs[i].fr->changed = 0;
	}
	return 0;
}

int mr_plan_run(struct mr_plan *plan, struct mr_transport *t, struct mr_aug *aug,
                const struct mr_run_opts *opts, struct mr_host_report *rep,
                struct mr_error **err)
{
	struct file_state *fs = mr_xcalloc(plan->n_files ? plan->n_files : 1, sizeof(*fs));
	char **units = NULL;
	size_t n_units = 0, n_changed = 0, n_failed = 0;
	int r = -1;

	/* All file reports first: examining adds items, and pointers into an
	 * array that grows would not survive. */
	size_t first = rep->n_files;
	for (size_t i = 0; i < plan->n_files; i++)
		mr_host_report_add_file(rep, plan->files[i]->path);
	if (!t->root)
		read_pending(t, &units, &n_units, rep);
	for (size_t i = 0; i < plan->n_files; i++) {
		fs[i].pf = plan->files[i];
		fs[i].fr = &rep->files[first + i];
		if (examine(&fs[i], t, aug, opts, rep, err) < 0)
			goto out;
		n_changed += !fs[i].failed && fs[i].fr->changed;
		n_failed += fs[i].failed;
	}
	if (opts->mode == MR_MODE_APPLY && n_failed) {
		/* A host's files go together (the listener and the QEMU settings
		 * make one migration path): if one cannot be read or parsed, none
		 * is written. */
		for (size_t i = 0; i < plan->n_files; i++) {
			if (fs[i].fr->changed) {
				mr_host_report_fail(rep, "nothing written on this host: one of its files failed");
				break;
			}
		}
		for (size_t i = 0; i < plan->n_files; i++)
			fs[i].fr->changed = 0;
	} else if (opts->mode == MR_MODE_APPLY && (n_changed || n_units)) {
		if (apply_host(fs, plan->n_files, n_changed, t, aug, opts, &units, &n_units, rep,
		               err) < 0)
			goto out;
	}
	r = 0;
out:
	for (size_t i = 0; i < plan->n_files; i++) {
		free(fs[i].text);
		free(fs[i].result);
	}
	free(fs);
	for (size_t i = 0; i < n_units; i++)
		free(units[i]);
	free(units);
	return r;
}
