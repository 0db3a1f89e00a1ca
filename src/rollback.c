/* A run undone on one host: its MANIFEST read, every file it changed
 * compared with what the run left there (an edit since then refuses the
 * host, with the diff), then one commit that puts the originals back
 * (and removes the files it created), keeps this rollback's own backups,
 * and repeats the run's service actions. */
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "commit.h"
#include "diff.h"
#include "facts.h"
#include "profile.h"
#include "report.h"
#include "rollback.h"
#include "transport.h"
#include "util_sha256.h"

static const char *state_word(enum mr_backup_state s)
{
	return s == MR_BACKUP_EXISTED ? "existed" : s == MR_BACKUP_CREATED ? "created" : "removed";
}

static void list_runs(const struct mr_backup_run *runs, size_t n, struct mr_host_report *rep)
{
	for (size_t i = 0; i < n; i++) {
		struct mr_run_entry *e = mr_host_report_add_run(rep, runs[i].id);
		const struct mr_manifest *m = runs[i].manifest;
		e->time = mr_backup_run_time(runs[i].id);
		if (runs[i].error)
			e->note = mr_xstrdup(runs[i].error);
		else if (!m)
			e->note = mr_xstrdup("no MANIFEST: its commit did not complete; nothing to roll back");
		if (!m)
			continue;
		if (m->rollback_of)
			e->note = mr_xasprintf("rollback of %s", m->rollback_of);
		else if (!m->has_sha)
			e->note = mr_xstrdup("no content hashes (an older migready): edits since are not "
			                     "detected");
		e->files = mr_xcalloc(m->n_files + 1, sizeof(*e->files));
		for (size_t k = 0; k < m->n_files; k++)
			e->files[e->n_files++] = mr_xasprintf("%s %s", state_word(m->files[k].state),
			                                      m->files[k].path);
		e->actions = mr_xcalloc(m->n_actions + 1, sizeof(*e->actions));
		for (size_t k = 0; k < m->n_actions; k++) {
			const struct mr_backup_action *a = &m->actions[k];
			e->actions[e->n_actions++] = mr_xasprintf("%s%s%s%s", a->owed ? "owed " : "",
			                                          a->verb, a->unit ? " " : "",
			                                          a->unit ? a->unit : "");
		}
	}
}

/* One file of the run: what is there now, what the rollback puts back. */
struct restore {
	const struct mr_backup_file *bf;
	char *now;            /* current content, NULL if absent */
	size_t now_len;
	struct mr_stat st;
	char *want;           /* the original, NULL: the file must go */
	size_t want_len;
	char *backup;         /* this rollback's backup of it (host path) */
	int edited;           /* not what the run left there */
	int in_commit;
	size_t item;
};

/* Reads file k's current state and its original; -1 with *msg. */
static int examine(struct mr_transport *t, const char *run_id, struct restore *r, char **msg)
{
	struct mr_error *e = NULL;
	const struct mr_backup_file *bf = r->bf;
	if (mr_transport_read(t, bf->path, &r->now, &r->now_len, &r->st, &e) < 0)
		goto failed;
	if (r->st.exists && (r->st.is_symlink || !r->st.is_regular)) {
		*msg = mr_xstrdup(r->st.is_symlink ? "is a symbolic link now; not restored"
		                                   : "is not a regular file now; not restored");
		return -1;
	}
	if (bf->state != MR_BACKUP_CREATED) {
		char *bpath = mr_xasprintf("%s/%s%s", MR_BACKUP_ROOT, run_id, bf->path);
		struct mr_stat bst;
		int rc = mr_transport_read(t, bpath, &r->want, &r->want_len, &bst, &e);
		if (rc == 0 && !bst.exists)
			*msg = mr_xasprintf("its backup %s is missing; not restored", bpath);
		free(bpath);
		if (rc < 0)
			goto failed;
		if (!bst.exists)
			return -1;
	}
	if (bf->has_sha) {
		char hex[2 * MR_SHA256_LEN + 1] = "";
		if (r->st.exists)
			mr_sha256_hex_of(r->now, r->now_len, hex);
		r->edited = strcmp(hex, bf->sha) != 0;
	}
	return 0;
failed:
	*msg = mr_error_format(e);
	mr_error_free(e);
	return -1;
}

static int already_restored(const struct restore *r)
{
	if (!r->want)
		return !r->st.exists;
	return r->st.exists && r->now_len == r->want_len &&
	       !memcmp(r->now, r->want, r->want_len) && r->st.mode == r->bf->mode &&
	       r->st.uid == r->bf->uid && r->st.gid == r->bf->gid;
}

static struct mr_item *file_item(struct mr_host_report *rep, const struct restore *r,
                                 const char *run_id)
{
	struct mr_item *it = mr_host_report_add_item(rep);
	it->setting = mr_xstrdup(r->bf->path);
	it->file = mr_xstrdup(r->bf->path);
	it->origin = mr_xasprintf("backup %s", run_id);
	it->old = mr_xasprintf("as run %s left it", run_id);
	it->want = r->bf->state == MR_BACKUP_CREATED ? NULL
	                                             : mr_xasprintf("as before run %s", run_id);
	return it;
}

static int restart_kind(const char *verb)
{
	return !strcmp(verb, "restart") || !strcmp(verb, "try-restart") || !strcmp(verb, "start");
}

/* The commit's actions: the run's own (not the ones it owed), in order;
 * each only if every file verified. */
static struct mr_commit_action *plan_actions(const struct mr_manifest *m, size_t n_files,
                                             size_t *n_out, char ****argvs_out)
{
	struct mr_commit_action *v = mr_xcalloc(m->n_actions + 1, sizeof(*v));
	char ***argvs = mr_xcalloc(m->n_actions + 1, sizeof(*argvs));
	size_t n = 0;
	for (size_t i = 0; i < m->n_actions; i++) {
		const struct mr_backup_action *a = &m->actions[i];
		if (a->owed)
			continue;
		char **argv = mr_xcalloc(6, sizeof(*argv));
		size_t k = 0;
		argv[k++] = mr_xstrdup("systemctl");
		argv[k++] = mr_xstrdup("--no-ask-password");
		argv[k++] = mr_xstrdup(a->verb);
		if (a->unit) {
			argv[k++] = mr_xstrdup("--");
			argv[k++] = mr_xstrdup(a->unit);
		}
		size_t *needs = mr_xcalloc(n_files + 1, sizeof(*needs));
		for (size_t f = 0; f < n_files; f++)
			needs[f] = f;
		argvs[n] = argv;
		v[n++] = (struct mr_commit_action){
			.argv = (const char *const *)argv,
			.unit = a->unit && restart_kind(a->verb) ? a->unit : NULL,
			.needs = needs,
			.n_needs = n_files,
		};
	}
	*n_out = n;
	*argvs_out = argvs;
	return v;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/* restart-pending before the renames: what was owed, and the units this
 * rollback restarts until they have. NULL: leave it alone. */
static char *pending_text(const struct mr_facts *facts, const struct mr_manifest *mine)
{
	struct mr_buf b;
	const char **owed = NULL;
	size_t n_owed = facts ? mr_facts_get_all(facts, "pending", &owed) : 0;
	int any = 0;
	mr_buf_init(&b);
	for (size_t i = 0; i < n_owed; i++)
		mr_buf_printf(&b, "%s\n", owed[i]);
	for (size_t i = 0; i < mine->n_actions; i++) {
		const struct mr_backup_action *a = &mine->actions[i];
		if (!a->unit || !restart_kind(a->verb) || has_line(b.data, a->unit))
			continue;
		mr_buf_printf(&b, "%s\n", a->unit);
		any = 1;
	}
	free(owed);
	if (!any) {
		mr_buf_fini(&b);
		return NULL;
	}
	return mr_buf_steal(&b, NULL);
}

static void record(struct mr_transport *t, struct mr_commit *c, struct restore *rs, size_t n,
                   const char *dir, struct mr_host_report *rep)
{
	for (size_t i = 0; i < n; i++) {
		if (!rs[i].in_commit)
			continue;
		const struct mr_commit_file *cf = &c->files[rs[i].in_commit - 1];
		struct mr_item *it = &rep->items[rs[i].item];
		struct mr_file_report *fr = &rep->files[rs[i].item];
		if (cf->state == MR_COMMIT_WRITTEN) {
			it->outcome = MR_OUTCOME_CHANGED;
			fr->changed = 1;
			continue;
		}
		it->outcome = cf->state == MR_COMMIT_UNKNOWN ? MR_OUTCOME_UNKNOWN : MR_OUTCOME_FAILED;
		it->note = mr_xstrdup(cf->state == MR_COMMIT_UNTOUCHED
		                          ? "not written: another file of this host failed"
		                          : cf->message ? cf->message : "failed");
		fr->error = mr_xasprintf("%s:%s: %s", t->host, cf->path, it->note);
	}
	if (!c->committed)
		return;
	rep->backup_dir = mr_transport_path(t, dir);
	for (size_t i = 0; i < c->n_actions; i++) {
		const struct mr_commit_action *a = &c->actions[i];
		const char *verb = a->argv[2], *unit = a->argv[3] ? a->argv[4] : NULL;
		if (a->ran && a->status == 0) {
			if (unit && restart_kind(verb))
				mr_host_report_add_service(rep, unit);
			continue;
		}
		char *msg = !a->ran ? mr_xasprintf("%s: systemctl %s%s%s not run: a file it needs did "
		                                   "not verify", t->host, verb, unit ? " " : "",
		                                   unit ? unit : "")
		            : mr_xasprintf("%s: systemctl %s%s%s failed with status %d%s%s", t->host,
		                           verb, unit ? " " : "", unit ? unit : "", a->status,
		                           a->output ? ": " : "", a->output ? a->output : "");
		mr_host_report_fail(rep, msg);
		free(msg);
	}
}

static void restore_run(struct mr_transport *t, const struct mr_facts *facts,
                        const struct mr_backup_run *run, const struct mr_rollback_opts *o,
                        struct mr_host_report *rep)
{
	const struct mr_manifest *m = run->manifest;
	size_t n = m->n_files, n_c = 0, n_edited = 0, n_failed = 0, n_act = 0;
	struct restore *rs = mr_xcalloc(n + 1, sizeof(*rs));
	struct mr_commit_file *cf = mr_xcalloc(n + 1, sizeof(*cf));
	struct mr_manifest *mine = mr_xcalloc(1, sizeof(*mine));
	struct mr_commit_action *acts = NULL;
	char ***argvs = NULL;
	char *dir = mr_xasprintf("%s/%s", MR_BACKUP_ROOT, o->new_run);
	char *manifest = NULL, *manifest_path = NULL, *pending = NULL;
	struct mr_error *e = NULL;

	rep->rolled_back = mr_xstrdup(run->id);
	if (!m->has_sha)
		mr_log(MR_LOG_WARN, "%s: run %s's MANIFEST has no content hashes (written by an older "
		       "migready): files edited since that run are not detected", t->host, run->id);
	mine->rollback_of = mr_xstrdup(run->id);
	for (size_t i = 0; i < n; i++) {
		struct restore *r = &rs[i];
		char *msg = NULL;
		r->bf = &m->files[i];
		mr_host_report_add_file(rep, r->bf->path);
		r->item = rep->n_items;
		struct mr_item *it = file_item(rep, r, run->id);
		if (examine(t, run->id, r, &msg) < 0) {
			it->outcome = MR_OUTCOME_FAILED;
			it->note = msg;
			rep->files[r->item].error = mr_xasprintf("%s:%s: %s", t->host, r->bf->path, msg);
			n_failed++;
			if (t->broken)
				break;
			continue;
		}
		if (already_restored(r)) {
			it->outcome = MR_OUTCOME_OK;
			it->note = mr_xstrdup("already as before");
			continue;
		}
		if (r->edited) {
			char *a = mr_xasprintf("%s:%s (now: changed after run %s)", t->host, r->bf->path,
			                       run->id);
			char *b = mr_xasprintf("%s:%s (%s)", t->host, r->bf->path,
			                       r->want ? "as before that run" : "removed");
			rep->files[r->item].diff = mr_diff_unified(r->now ? r->now : "", r->now_len,
			                                           r->want ? r->want : "", r->want_len,
			                                           a, b, 3);
			free(a);
			free(b);
			if (!o->force) {
				it->outcome = MR_OUTCOME_FAILED;
				it->note = mr_xasprintf("changed after run %s (another tool or admin?); not "
				                        "restored without --force", run->id);
				rep->files[r->item].error = mr_xasprintf("%s:%s: %s", t->host, r->bf->path,
				                                         it->note);
				n_edited++;
				continue;
			}
			it->note = mr_xasprintf("changed after run %s; restored (--force)", run->id);
		}
		r->backup = r->st.exists ? mr_xasprintf("%s%s", dir, r->bf->path) : NULL;
		char hex[2 * MR_SHA256_LEN + 1];
		mr_sha256_hex_of(r->want, r->want_len, hex);
		mr_manifest_add_file(mine,
		                     !r->st.exists ? MR_BACKUP_CREATED
		                     : r->want     ? MR_BACKUP_EXISTED
		                                   : MR_BACKUP_REMOVED,
		                     r->st.mode, r->st.uid, r->st.gid, r->want ? hex : NULL,
		                     r->bf->path);
		cf[n_c] = (struct mr_commit_file){
			.path = r->bf->path,
			.data = r->want,
			.len = r->want_len,
			.existed = r->st.exists,
			.old = r->now,
			.old_len = r->now_len,
			.mode = r->want ? r->bf->mode : r->st.mode,
			.uid = r->want ? r->bf->uid : r->st.uid,
			.gid = r->want ? r->bf->gid : r->st.gid,
			.backup = r->backup,
			.remove = !r->want,
		};
		r->in_commit = ++n_c;
	}
	if (n_edited || n_failed) {
		char *msg = n_edited ? mr_xasprintf("%zu file%s changed after run %s: nothing rolled back "
		                                    "on this host (--force restores them anyway)",
		                                    n_edited, n_edited == 1 ? "" : "s", run->id)
		                     : mr_xstrdup("nothing rolled back on this host: one of its files "
		                                  "failed");
		mr_host_report_fail(rep, msg);
		free(msg);
		for (size_t i = 0; i < n; i++)
			if (rs[i].in_commit && i < rep->n_items) {
				rep->items[rs[i].item].outcome = MR_OUTCOME_FAILED;
				free(rep->items[rs[i].item].note);
				rep->items[rs[i].item].note = mr_xstrdup("not restored: another file of this "
				                                         "host is refused");
			}
		goto out;
	}
	if (!n_c)
		goto out;
	int live = facts ? mr_facts_live(facts) : !t->root;
	for (size_t i = 0; live && i < m->n_actions; i++)
		if (!m->actions[i].owed)
			mr_manifest_add_action(mine, m->actions[i].verb, m->actions[i].unit, o->no_restart);
	if (live && !o->no_restart)
		acts = plan_actions(m, n_c, &n_act, &argvs);
	pending = live ? pending_text(facts, mine) : NULL;
	manifest = mr_manifest_format(mine);
	manifest_path = mr_xasprintf("%s/MANIFEST", dir);
	const char *lock = facts ? mr_facts_get(facts, "lock") : NULL;
	struct mr_commit c = {
		.files = cf,
		.n_files = n_c,
		.manifest_path = manifest_path,
		.manifest = manifest,
		.pending_path = pending ? "/var/lib/migready/restart-pending" : NULL,
		.pending = pending,
		.actions = acts,
		.n_actions = n_act,
		.locked = lock && !strcmp(lock, "held"),
	};
	if (mr_commit_run(t, &c, &e) < 0) {
		char *msg = mr_error_format(e);
		char *full = cf[0].state == MR_COMMIT_UNKNOWN ? mr_xasprintf("outcome unknown: %s", msg)
		                                              : mr_xasprintf("nothing written: %s", msg);
		mr_host_report_fail(rep, full);
		free(full);
		free(msg);
	}
	record(t, &c, rs, n, dir, rep);
	mr_commit_fini(&c);
out:
	for (size_t i = 0; i < n_act; i++) {
		for (size_t k = 0; argvs[i][k]; k++)
			free(argvs[i][k]);
		free(argvs[i]);
		free(acts[i].needs);
	}
	free(argvs);
	free(acts);
	for (size_t i = 0; i < n; i++) {
		free(rs[i].now);
		free(rs[i].want);
		free(rs[i].backup);
	}
	free(rs);
	free(cf);
	mr_manifest_free(mine);
	mr_error_free(e);
	free(manifest);
	free(manifest_path);
	free(pending);
	free(dir);
}

void mr_rollback_host(void *ctx, size_t i, struct mr_transport *t, const struct mr_facts *facts,
                      struct mr_host_report *rep)
{
	const struct mr_rollback_opts *o = ctx;
	struct mr_backup_run *runs = NULL;
	struct mr_error *err = NULL;
	size_t n = 0;
	(void)i;
	if (mr_backup_list(t, &runs, &n, &err) < 0) {
		char *msg = mr_error_format(err);
		mr_host_report_fail(rep, msg);
		free(msg);
		mr_error_free(err);
		return;
	}
	if (o->list) {
		list_runs(runs, n, rep);
		goto out;
	}
	/* The run asked for, or the latest that has a MANIFEST. */
	const struct mr_backup_run *run = NULL;
	for (size_t k = n; k-- > 0 && !run;)
		if (o->run_id ? !strcmp(runs[k].id, o->run_id) : runs[k].manifest || runs[k].error)
			run = &runs[k];
	char *where = mr_transport_path(t, MR_BACKUP_ROOT);
	const char *id = run ? run->id : o->run_id;
	char *msg = NULL;
	if (run && run->error)
		msg = mr_xstrdup(run->error);
	else if (!run || !run->manifest)
		msg = mr_xasprintf("%s:%s%s%s: %s", t->host, where, id ? "/" : "", id ? id : "",
		                   !id    ? "no backups"
		                   : !run ? "no such run"
		                          : "no MANIFEST: that run's commit did not complete");
	if (msg)
		mr_host_report_fail(rep, msg);
	else
		restore_run(t, facts, run, o, rep);
	free(msg);
	free(where);
out:
	mr_backup_runs_free(runs, n);
}

static long keep_setting(const struct mr_profile *p, const char *key, long deflt)
{
	const struct mr_setting *s = p ? mr_profile_get(p, "migready", key) : NULL;
	return s ? mr_setting_long(s) : deflt;
}

void mr_rollback_prune(struct mr_transport *t, const struct mr_profile *profile,
                       const char *current)
{
	struct mr_error *err = NULL;
	long days = keep_setting(profile, "backup_keep_days", MR_BACKUP_KEEP_DAYS);
	long runs = keep_setting(profile, "backup_keep_runs", MR_BACKUP_KEEP_RUNS);
	if (!days && !runs)
		return;
	int n = mr_backup_prune(t, days, runs, current, &err);
	if (n < 0) {
		char *msg = mr_error_format(err);
		mr_log(MR_LOG_WARN, "old backups not pruned: %s", msg);
		free(msg);
	} else if (n > 0) {
		mr_log(MR_LOG_INFO, "%s: %d old backup runs pruned", t->host, n);
	}
	mr_error_free(err);
}
