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
#include "undo_rule_sh.h"
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
		for (size_t k = 0; k < m->n_actions; k++)
			e->actions[e->n_actions++] = mr_backup_action_text(&m->actions[k]);
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
	char *meta_edit;      /* how its mode or owner differ from what the run left */
	int in_commit;
	size_t item;          /* its item in the report */
	size_t file;          /* its file in the report */
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
	/* a mode or owner set since (chmod 0600 by an admin) would be lost
	 * as surely as an edit */
	if (bf->has_left && r->st.exists &&
	    (r->st.mode != bf->left_mode || r->st.uid != bf->left_uid ||
	     r->st.gid != bf->left_gid)) {
		r->edited = 1;
		r->meta_edit = mr_xasprintf("mode and owner %04o %u:%u, the run left %04o %u:%u",
		                            (unsigned)r->st.mode, (unsigned)r->st.uid,
		                            (unsigned)r->st.gid, (unsigned)bf->left_mode,
		                            (unsigned)bf->left_uid, (unsigned)bf->left_gid);
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

/* One command of the rollback after its files: a service action repeated,
 * a unit state inverted, a command run again, a rule removed. */
struct step {
	char **argv;          /* owned */
	const char *unit;     /* its success clears this unit's owed restart */
	int needs_files;      /* only if every file verified */
	int gone_ok;          /* exit 3: what it undoes is gone already (a rule, a directory) */
	size_t item;          /* its item in the report */
};

struct steps {
	struct step *v;
	size_t n;
	struct mr_commit_action *acts;
};

/* A unit's state as the rollback goes: what the facts said, then what
 * each step planned made it ('?': unknown). */
struct sim_unit {
	const char *name;
	char enabled;         /* 'e' enabled, 'd' not, 'm' masked */
	char active;          /* 'a' active, 'i' not */
};

static struct sim_unit *sim_of(struct sim_unit **v, size_t *n, const struct mr_facts *facts,
                               const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return &(*v)[i];
	struct mr_unit_state st = facts ? mr_facts_unit(facts, name)
	                                : (struct mr_unit_state){ -1, NULL, NULL };
	*v = mr_xreallocarray(*v, *n + 1, sizeof(**v));
	struct sim_unit *u = &(*v)[(*n)++];
	u->name = name;
	u->enabled = !st.enabled                        ? '?'
	             : !strncmp(st.enabled, "enabled", 7) ? 'e'
	             : !strncmp(st.enabled, "masked", 6)  ? 'm'
	                                                  : 'd';
	u->active = !st.active ? '?' : !strcmp(st.active, "active") ? 'a' : 'i';
	return u;
}

/* Whether verb would leave u as it is; then marks u as verb leaves it. */
static int sim_step(struct sim_unit *u, const char *verb)
{
	char *part = !strcmp(verb, "start") || !strcmp(verb, "stop") ? &u->active : &u->enabled;
	char want = !strcmp(verb, "start")    ? 'a'
	            : !strcmp(verb, "stop")   ? 'i'
	            : !strcmp(verb, "enable") ? 'e'
	            : !strcmp(verb, "mask")   ? 'm'
	                                      : 'd'; /* disable, unmask */
	int same = *part == want || (!strcmp(verb, "disable") && *part == 'm');
	if (!strcmp(verb, "unmask") && *part != '?' && *part != 'm')
		same = 1;
	if (!same)
		*part = want;
	return same;
}

/* Whether undoing the run's unit steps in order leaves name as active
 * or inactive as it is now: its stop and start are then only a restart,
 * of no use when no file was restored. */
static int active_unchanged(const struct mr_manifest *m, const struct mr_facts *facts,
                            const char *name)
{
	struct sim_unit *v = NULL;
	size_t n = 0;
	char before = sim_of(&v, &n, facts, name)->active;
	for (size_t i = m->n_actions; i-- > 0;)
		if (m->actions[i].kind == MR_BACKUP_UNIT && !strcmp(m->actions[i].unit, name))
			sim_step(&v[0], mr_backup_unit_undo(m->actions[i].verb));
	int same = before != '?' && v[0].active == before;
	free(v);
	return same;
}

/* Under --no-restart: unit's restart owed by this rollback, once. */
static void owe_restart(struct mr_manifest *mine, const char *verb, const char *unit)
{
	for (size_t i = 0; i < mine->n_actions; i++)
		if (mine->actions[i].owed && mine->actions[i].unit && !strcmp(mine->actions[i].unit, unit))
			return;
	mr_manifest_add_action(mine, verb, unit, 1);
}

/* "systemctl disable x.socket", "iptables -D INPUT ...": the step as the
 * report names it; the caller's. */
static char *step_words(char *const *argv, const struct mr_backup_action *a)
{
	if (a && a->kind == MR_BACKUP_RULE) {
		struct mr_buf b;
		mr_buf_init(&b);
		char *const *w = a->words;
		int nft = !strcmp(w[0], "nft");
		size_t first = nft ? 4 : 2;
		if (nft)
			mr_buf_printf(&b, "nft delete rule %s %s %s '", w[1], w[2], w[3]);
		else
			mr_buf_printf(&b, "%s -D %s", w[0], w[1]);
		for (size_t i = first; w[i]; i++)
			mr_buf_printf(&b, "%s%s", nft && i == first ? "" : " ", w[i]);
		if (nft)
			mr_buf_putc(&b, '\'');
		return mr_buf_steal(&b, NULL);
	}
	return mr_argv_display((const char *const *)argv);
}

static void add_step(struct steps *s, char **argv, const struct mr_backup_action *a,
                     struct mr_manifest *mine, struct mr_host_report *rep)
{
	s->v = mr_xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	struct step *st = &s->v[s->n++];
	*st = (struct step){ .argv = argv, .item = rep->n_items };
	st->needs_files = a->kind == MR_BACKUP_COMMAND || a->kind == MR_BACKUP_SERVICE;
	st->gone_ok = a->kind == MR_BACKUP_RULE || a->kind == MR_BACKUP_DIR;
	if (a->kind == MR_BACKUP_SERVICE && a->unit && restart_kind(a->verb))
		st->unit = a->unit;
	struct mr_item *it = mr_host_report_add_item(rep);
	it->setting = step_words(argv, a);
	it->unit = a->unit && a->kind != MR_BACKUP_MOUNT && a->kind != MR_BACKUP_DIR
	                   ? mr_xstrdup(a->unit)
	                   : NULL;
	it->origin = mr_xstrdup("rollback");
	it->outcome = MR_OUTCOME_DRIFT;
	/* What this rollback did, for a rollback of it: units and commands;
	 * a rule it removed is not inserted again (apply does that). */
	if (a->kind == MR_BACKUP_SERVICE) /* repeated as it was, start and stop of old ones too */
		mr_manifest_add_action(mine, a->verb, a->unit, 0);
	else if (a->kind != MR_BACKUP_RULE)
		mr_manifest_add_argv(mine, (const char *const *)argv, 0);
}

/* An item of what the rollback leaves as it is, and why (note, taken). */
static void left_item(struct mr_host_report *rep, const char *what, const char *path, char *note)
{
	struct mr_item *it = mr_host_report_add_item(rep);
	it->setting = mr_xasprintf("%s %s", what, path);
	it->origin = mr_xstrdup("rollback");
	it->outcome = MR_OUTCOME_OK;
	it->note = note;
}

/* Whether path is a directory (not a link to one) now, its stat in now. */
static int dir_now(struct mr_transport *t, const char *path, struct mr_stat *now)
{
	struct mr_error *e = NULL;
	*now = (struct mr_stat){ 0 };
	int seen = t->ops->stat(t, path, now, &e) == 0 && now->exists && now->is_dir &&
	           !now->is_symlink;
	mr_error_free(e);
	return seen;
}

/* Did the run mount a file system at path? */
static int mounted_by(const struct mr_manifest *m, const char *path)
{
	for (size_t i = 0; i < m->n_actions; i++)
		if (m->actions[i].kind == MR_BACKUP_MOUNT && !strcmp(m->actions[i].unit, path))
			return 1;
	return 0;
}

/* The commands after the n_files files (see mr_rollback_host); a mount
 * the run made is only reported. Restarts, reloads, commands and a
 * unit's stop-and-start only follow restored files (none: the run is
 * undone already); under --no-restart a restart is owed instead. A
 * MANIFEST from before "unit" lines repeats its service actions in their
 * order, as the rollback of that release did. */
static void plan_steps(const struct mr_manifest *m, struct mr_transport *t,
                       const struct mr_facts *facts, int live, size_t n_files,
                       const struct mr_rollback_opts *o, const char *run_id,
                       struct mr_manifest *mine, struct steps *s, struct mr_host_report *rep)
{
	struct sim_unit *sim = NULL;
	size_t n_sim = 0;
	int legacy = 0;
	for (size_t i = 0; i < m->n_actions; i++)
		legacy |= m->actions[i].kind == MR_BACKUP_SERVICE && !m->actions[i].owed &&
		          (!strcmp(m->actions[i].verb, "start") || !strcmp(m->actions[i].verb, "stop"));
	for (size_t i = 0; live && n_files && i < m->n_actions; i++) {
		const struct mr_backup_action *a = &m->actions[i];
		if (a->kind == MR_BACKUP_SERVICE && !a->owed && a->unit && o->no_restart &&
		    restart_kind(a->verb))
			owe_restart(mine, a->verb, a->unit);
		else if (a->kind == MR_BACKUP_SERVICE && !a->owed && !a->unit)
			add_step(s, mr_strv_of("systemctl", "--no-ask-password", "daemon-reload", NULL), a,
			         mine, rep);
		else if (legacy && a->kind == MR_BACKUP_SERVICE && !a->owed && !o->no_restart)
			add_step(s, mr_strv_of("systemctl", "--no-ask-password", a->verb, "--", a->unit, NULL),
			         a, mine, rep);
	}
	char *root_opt = !live && t->root ? mr_xasprintf("--root=%s", t->root) : NULL;
	for (size_t i = m->n_actions; !legacy && i-- > 0;) {
		const struct mr_backup_action *a = &m->actions[i];
		switch (a->kind) {
		case MR_BACKUP_SERVICE:
			if (live && n_files && !a->owed && a->unit && !o->no_restart)
				add_step(s, mr_strv_of("systemctl", "--no-ask-password", a->verb, "--", a->unit,
				                    NULL), a, mine, rep);
			break;
		case MR_BACKUP_UNIT: {
			const char *undo = mr_backup_unit_undo(a->verb);
			int state = strcmp(undo, "start") && strcmp(undo, "stop");
			/* a stop and a start that end as the unit is: a restart */
			int bounce = !state && live && active_unchanged(m, facts, a->unit);
			if (bounce && o->no_restart && n_files)
				owe_restart(mine, "try-restart", a->unit);
			if ((!live && !(state && root_opt)) || (!state && o->no_restart) ||
			    (bounce && !n_files) ||
			    sim_step(sim_of(&sim, &n_sim, facts, a->unit), undo))
				break;
			add_step(s, mr_strv_of("systemctl", root_opt ? root_opt : "--no-ask-password", undo,
			                    "--", a->unit, NULL), a, mine, rep);
			break;
		}
		case MR_BACKUP_COMMAND:
			if (live && n_files)
				add_step(s, mr_strv_dup(a->words), a, mine, rep);
			break;
		case MR_BACKUP_RULE:
			if (!live)
				break;
			size_t nw = mr_strv_len((const char *const *)a->words);
			const char **argv = mr_xcalloc(nw + 5, sizeof(*argv));
			argv[0] = "/bin/sh";
			argv[1] = "-c";
			argv[2] = MR_UNDO_RULE_SH;
			argv[3] = "migready-undo-rule";
			memcpy(argv + 4, a->words, nw * sizeof(*argv));
			add_step(s, mr_strv_copy(argv, nw + 4), a, mine, rep);
			free(argv);
			break;
		case MR_BACKUP_DIR: {
			/* The run set the mount point's mode and owner, then mounted
			 * there: the mount stays (below), and the directory now is
			 * the share's top, every host's; not the one recorded. */
			if (mounted_by(m, a->unit)) {
				left_item(rep, "dir", a->unit,
				          mr_xasprintf("mode and owner left: run %s mounted a file system "
				                       "there, which stays mounted; the directory recorded "
				                       "is under it",
				                       run_id));
				break;
			}
			/* its mode and owner as they were, if it is still there; as it
			 * is now in this rollback's MANIFEST, for a rollback of it */
			struct mr_stat now;
			int seen = dir_now(t, a->unit, &now);
			/* already as it was: nothing to do, nothing to record (a
			 * rollback that changes nothing makes no run) */
			if (seen && now.mode == a->mode && now.uid == a->uid && now.gid == a->gid)
				break;
			if (seen)
				mr_manifest_add_dir(mine, now.mode, now.uid, now.gid, a->unit);
			add_step(s, mr_set_dir_argv(t->root, 0, a->mode, (long)a->uid, (long)a->gid, a->unit),
			         a, mine, rep);
			break;
		}
		case MR_BACKUP_MOUNT: {
			/* Never unmounted: instances may be running on it. */
			left_item(rep, "mount", a->unit,
			          mr_xasprintf("left mounted: run %s mounted it, and instances may be "
			                       "running on it; unmount it by hand if it must go",
			                       run_id));
			mr_log(MR_LOG_WARN, "%s: %s left mounted: run %s mounted it, and instances may be "
			       "running on it; unmount it by hand if it must go", t->host, a->unit,
			       run_id);
			break;
		}
		}
	}
	free(root_opt);
	free(sim);
}

static void steps_commit(struct steps *s, size_t n_files)
{
	s->acts = mr_xcalloc(s->n + 1, sizeof(*s->acts));
	for (size_t i = 0; i < s->n; i++) {
		size_t *needs = s->v[i].needs_files ? mr_xcalloc(n_files + 1, sizeof(*needs)) : NULL;
		for (size_t f = 0; needs && f < n_files; f++)
			needs[f] = f;
		s->acts[i] = (struct mr_commit_action){
			.argv = (const char *const *)s->v[i].argv,
			.unit = s->v[i].unit,
			.needs = needs,
			.n_needs = needs ? n_files : 0,
		};
	}
}

static void steps_fini(struct steps *s)
{
	for (size_t i = 0; i < s->n; i++) {
		mr_strv_free(s->v[i].argv);
		if (s->acts)
			free(s->acts[i].needs);
	}
	free(s->v);
	free(s->acts);
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
		if (a->kind != MR_BACKUP_SERVICE || !a->unit || !restart_kind(a->verb) ||
		    has_line(b.data, a->unit))
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
                   const struct steps *s, const char *dir, struct mr_host_report *rep)
{
	for (size_t i = 0; i < n; i++) {
		if (!rs[i].in_commit)
			continue;
		const struct mr_commit_file *cf = &c->files[rs[i].in_commit - 1];
		struct mr_item *it = &rep->items[rs[i].item];
		struct mr_file_report *fr = &rep->files[rs[i].file];
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
	for (size_t i = 0; i < s->n; i++) {
		const struct mr_commit_action *a = &c->actions[i];
		struct mr_item *it = &rep->items[s->v[i].item];
		if (!c->committed) {
			it->outcome = c->n_files && c->files[0].state == MR_COMMIT_UNKNOWN
			                      ? MR_OUTCOME_UNKNOWN
			                      : MR_OUTCOME_FAILED;
			it->note = mr_xstrdup("not run: the commit did not complete");
			continue;
		}
		if (a->ran && a->status == 0) {
			it->outcome = MR_OUTCOME_CHANGED;
			if (s->v[i].unit)
				mr_host_report_add_service(rep, s->v[i].unit);
			continue;
		}
		if (a->ran && a->status == 3 && s->v[i].gone_ok) {
			it->outcome = MR_OUTCOME_OK;
			it->note = mr_xstrdup(a->output ? a->output : "not there any more");
			continue;
		}
		it->outcome = MR_OUTCOME_FAILED;
		it->note = !a->ran ? mr_xstrdup("not run: a file it needs did not verify")
		                   : mr_xasprintf("failed with status %d%s%s", a->status,
		                                  a->output ? ": " : "", a->output ? a->output : "");
		char *msg = mr_xasprintf("%s: %s %s", t->host, it->setting, it->note);
		mr_host_report_fail(rep, msg);
		free(msg);
	}
	if (c->committed)
		rep->backup_dir = mr_transport_path(t, dir);
}

/* The file as it is, then as the rollback writes it (or removes it);
 * NULL for a file only its owner may read, now or as the run found it
 * (nova's private key): its content never goes into a report. */
static char *restore_diff(const struct mr_transport *t, const struct restore *r,
                          const char *run_id)
{
	if ((r->st.exists && !(r->st.mode & 044)) ||
	    (r->bf->state != MR_BACKUP_CREATED && !(r->bf->mode & 044)))
		return NULL;
	char *now = r->edited ? mr_xasprintf("%s:%s (now: changed after run %s)", t->host,
	                                     r->bf->path, run_id)
	                      : mr_xasprintf("%s:%s (now)", t->host, r->bf->path);
	char *then = r->want ? mr_xasprintf("%s:%s (as before run %s)", t->host, r->bf->path, run_id)
	                     : mr_xasprintf("%s:%s (removed: made by run %s)", t->host, r->bf->path,
	                                    run_id);
	char *d = mr_diff_unified(r->now ? r->now : "", r->now_len, r->want ? r->want : "",
	                          r->want_len, now, then, 3);
	free(now);
	free(then);
	return d;
}

/* Directories whose mode or owner was set since the run (chmod 0750 of
 * ~/.ssh by an admin): undone as surely as an edit, so refused without
 * --force, as files are; their number. */
static size_t dirs_changed_since(struct mr_transport *t, const struct mr_manifest *m,
                                 const struct mr_rollback_opts *o, const char *run_id,
                                 struct mr_host_report *rep)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n_actions; i++) {
		const struct mr_backup_action *a = &m->actions[i];
		if (a->kind != MR_BACKUP_DIR || !a->has_left || mounted_by(m, a->unit))
			continue;
		struct mr_stat now;
		int seen = dir_now(t, a->unit, &now);
		if (!seen || (now.mode == a->left_mode && now.uid == a->left_uid &&
		              now.gid == a->left_gid) ||
		    (now.mode == a->mode && now.uid == a->uid && now.gid == a->gid))
			continue;
		char *was = mr_xasprintf("mode and owner %04o %u:%u, the run left %04o %u:%u",
		                         (unsigned)now.mode, (unsigned)now.uid, (unsigned)now.gid,
		                         (unsigned)a->left_mode, (unsigned)a->left_uid,
		                         (unsigned)a->left_gid);
		if (o->force) {
			mr_log(MR_LOG_WARN, "%s: %s changed after run %s (%s); restored (--force)",
			       t->host, a->unit, run_id, was);
		} else {
			struct mr_item *it = mr_host_report_add_item(rep);
			it->setting = mr_xasprintf("dir %s", a->unit);
			it->origin = mr_xstrdup("rollback");
			it->outcome = MR_OUTCOME_FAILED;
			it->note = mr_xasprintf("changed after run %s (%s; another tool or admin?); not "
			                        "restored without --force",
			                        run_id, was);
			n++;
		}
		free(was);
	}
	return n;
}

static void restore_run(struct mr_transport *t, const struct mr_facts *facts,
                        const struct mr_backup_run *run, const struct mr_rollback_opts *o,
                        struct mr_host_report *rep)
{
	const struct mr_manifest *m = run->manifest;
	size_t n = m->n_files, n_c = 0, n_edited = 0, n_failed = 0;
	struct restore *rs = mr_xcalloc(n + 1, sizeof(*rs));
	struct mr_commit_file *cf = mr_xcalloc(n + 1, sizeof(*cf));
	struct mr_manifest *mine = mr_xcalloc(1, sizeof(*mine));
	struct steps steps = { 0 };
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
		r->file = rep->n_files;
		mr_host_report_add_file(rep, r->bf->path);
		r->item = rep->n_items;
		struct mr_item *it = file_item(rep, r, run->id);
		if (examine(t, run->id, r, &msg) < 0) {
			it->outcome = MR_OUTCOME_FAILED;
			it->note = msg;
			rep->files[r->file].error = mr_xasprintf("%s:%s: %s", t->host, r->bf->path, msg);
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
			rep->files[r->file].diff = restore_diff(t, r, run->id);
			if (!o->force) {
				it->outcome = MR_OUTCOME_FAILED;
				it->note = mr_xasprintf("changed after run %s (%s%sanother tool or "
				                        "admin?); not restored without --force",
				                        run->id, r->meta_edit ? r->meta_edit : "",
				                        r->meta_edit ? "; " : "");
				rep->files[r->file].error = mr_xasprintf("%s:%s: %s", t->host, r->bf->path,
				                                         it->note);
				n_edited++;
				continue;
			}
			it->note = mr_xasprintf("changed after run %s%s%s%s; restored (--force)",
			                        run->id, r->meta_edit ? " (" : "",
			                        r->meta_edit ? r->meta_edit : "",
			                        r->meta_edit ? ")" : "");
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
		if (r->st.exists && r->want)
			mr_manifest_file_left(mine, r->bf->mode, r->bf->uid, r->bf->gid);
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
	size_t n_dirs_edited = dirs_changed_since(t, m, o, run->id, rep);
	if (n_edited || n_failed || n_dirs_edited) {
		char *dirs = n_dirs_edited ? mr_xasprintf("%s%zu director%s", n_edited ? " and " : "",
		                                          n_dirs_edited,
		                                          n_dirs_edited == 1 ? "y" : "ies")
		                           : mr_xstrdup("");
		char *files = n_edited ? mr_xasprintf("%zu file%s", n_edited, n_edited == 1 ? "" : "s")
		                       : mr_xstrdup("");
		char *msg = n_edited || n_dirs_edited
		                ? mr_xasprintf("%s%s changed after run %s: nothing rolled back on this "
		                               "host (--force restores them anyway)",
		                               files, dirs, run->id)
		                : mr_xstrdup("nothing rolled back on this host: one of its files "
		                             "failed");
		free(files);
		free(dirs);
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
	for (size_t i = 0; i < n; i++)
		if (rs[i].in_commit && !rep->files[rs[i].file].diff) /* -v prints them */
			rep->files[rs[i].file].diff = restore_diff(t, &rs[i], run->id);
	int live = facts ? mr_facts_live(facts) : !t->root;
	plan_steps(m, t, facts, live, n_c, o, run->id, mine, &steps, rep);
	if (!n_c && !steps.n)
		goto out;
	steps_commit(&steps, n_c);
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
		.actions = steps.acts,
		.n_actions = steps.n,
		.locked = lock && !strcmp(lock, "held"),
		.perl = mr_commit_perl(facts ? mr_facts_get(facts, "commit.perl") : NULL),
	};
	if (mr_commit_run(t, &c, &e) < 0) {
		char *msg = mr_error_format(e);
		char *full = cf[0].state == MR_COMMIT_UNKNOWN ? mr_xasprintf("outcome unknown: %s", msg)
		                                              : mr_xasprintf("nothing written: %s", msg);
		mr_host_report_fail(rep, full);
		free(full);
		free(msg);
	}
	record(t, &c, rs, n, &steps, dir, rep);
	mr_commit_fini(&c);
out:
	steps_fini(&steps);
	for (size_t i = 0; i < n; i++) {
		free(rs[i].now);
		free(rs[i].want);
		free(rs[i].backup);
		free(rs[i].meta_edit);
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
