/* The transaction of one host: stage, then one run of commit.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commit.h"
#include "commit_pl.h"
#include "commit_sh.h"
#include "set_dir_sh.h"
#include "util_sha256.h"

/* Seconds of silence the commit run may have (see mr_commit_run). */
#define MR_COMMIT_SILENCE_S 300

struct argv_buf {
	char **v;
	size_t n;
};

static void push(struct argv_buf *a, char *owned)
{
	a->v = mr_xreallocarray(a->v, a->n + 2, sizeof(*a->v));
	a->v[a->n++] = owned;
	a->v[a->n] = NULL;
}

static void push_str(struct argv_buf *a, const char *s)
{
	push(a, mr_xstrdup(s));
}

static void push_num(struct argv_buf *a, size_t n)
{
	push(a, mr_xasprintf("%zu", n));
}

static char *sha_hex(const char *data, size_t len)
{
	char hex[2 * MR_SHA256_LEN + 1];
	mr_sha256_hex_of(data, len, hex);
	return mr_xstrdup(hex);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void argv_free(struct argv_buf *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* Whether dir is sub or one of its parents (so made with sub); sub may be
 * NULL. */
static int is_ancestor(const char *dir, const char *sub)
{
	size_t n = strlen(dir);
	return sub && strncmp(dir, sub, n) == 0 && (sub[n] == '\0' || sub[n] == '/');
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return mr_xstrdup("/");
	return mr_xstrndup(path, (size_t)(slash - path));
}

/* The root for the script's containment check (it resolves it itself). */
static char *root_arg(struct mr_transport *t)
{
	return mr_xstrdup(t->root ? t->root : "");
}

static void set_file(struct mr_commit_file *f, enum mr_commit_state state, const char *msg)
{
	f->state = state;
	free(f->message);
	f->message = msg ? mr_xstrdup(msg) : NULL;
}

/* Reads the script's report: "file K ...", "action K ...", "out K ...";
 * commit.pl's first line, "begin", says perl ran it. */
static void parse_reply(struct mr_commit *c, const char *out, int *saw_done, int *began)
{
	*saw_done = 0;
	*began = 0;
	for (const char *line = out; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char *l = mr_xstrndup(line, n);
		size_t k = 0;
		int used = 0;
		char word[16] = "";
		if (sscanf(l, "file %zu %15s %n", &k, word, &used) == 2 && k < c->n_files) {
			const char *msg = used ? l + used : "";
			if (!strcmp(word, "ok"))
				set_file(&c->files[k], MR_COMMIT_WRITTEN, NULL);
			else if (!strcmp(word, "conflict"))
				set_file(&c->files[k], MR_COMMIT_CONFLICT, msg);
			else if (!strcmp(word, "restored"))
				set_file(&c->files[k], MR_COMMIT_RESTORED,
				         "written, then put back as it was: another file of this host failed");
			else if (!strcmp(word, "stranded"))
				set_file(&c->files[k], MR_COMMIT_STRANDED, msg);
			else
				set_file(&c->files[k], MR_COMMIT_FAILED, msg);
		} else if (!strncmp(l, "file - failed ", 14)) {
			for (size_t i = 0; i < c->n_files; i++)
				if (c->files[i].state == MR_COMMIT_UNKNOWN)
					set_file(&c->files[i], MR_COMMIT_FAILED, l + 14);
		} else if (sscanf(l, "action %zu %15s", &k, word) == 2 && k < c->n_actions) {
			struct mr_commit_action *a = &c->actions[k];
			a->ran = strcmp(word, "skipped") != 0;
			a->status = a->ran ? atoi(word) : -1;
		} else if (sscanf(l, "out %zu %n", &k, &used) == 1 && used && k < c->n_actions) {
			struct mr_commit_action *a = &c->actions[k];
			char *joined = a->output ? mr_xasprintf("%s; %s", a->output, l + used)
			                         : mr_xstrdup(l + used);
			free(a->output);
			a->output = joined;
		} else if (!strcmp(l, "commit ok")) {
			c->committed = 1;
		} else if (!strcmp(l, "done")) {
			*saw_done = 1;
		} else if (!strcmp(l, "begin")) {
			*began = 1;
		}
		free(l);
		line = nl ? nl + 1 : NULL;
	}
}

/* "MODE:UID:GID" as stat -c %a:%u:%g prints them, '-' for the
 * connecting user's ids; "=MODE:UID:GID": the target's as read, which it
 * must still have */
static char *attrs_arg(const struct mr_commit_file *f)
{
	char u[32] = "-", g[32] = "-";
	if (f->uid != (uid_t)-1)
		snprintf(u, sizeof(u), "%lu", (unsigned long)f->uid);
	if (f->gid != (gid_t)-1)
		snprintf(g, sizeof(g), "%lu", (unsigned long)f->gid);
	return mr_xasprintf("%s%o:%s:%s", f->attrs_as_read ? "=" : "", (unsigned)(f->mode & 07777),
	                    u, g);
}

static int stage_one(struct mr_transport *t, const char *path, const char *data, size_t len,
                     mode_t mode, uid_t uid, gid_t gid, char **tmp, struct mr_error **err)
{
	return t->ops->stage(t, path, data, len, mode, uid, gid, tmp, err);
}

/* The actions' words, as both scripts take them. */
static void push_actions(struct argv_buf *a, struct mr_commit *c)
{
	push_num(a, c->n_actions);
	for (size_t i = 0; i < c->n_actions; i++) {
		struct mr_commit_action *act = &c->actions[i];
		act->ran = 0;
		act->status = -1;
		push_str(a, act->unit ? act->unit : "-");
		push_num(a, act->n_needs);
		for (size_t j = 0; j < act->n_needs; j++)
			push_num(a, act->needs[j]);
		size_t argc = 0;
		while (act->argv[argc])
			argc++;
		push_num(a, argc);
		for (size_t j = 0; j < argc; j++)
			push_str(a, act->argv[j]);
	}
}

/* Runs the commit argv (input on its standard input) and reads its
 * reply into c: 0 when the host said what happened, -1 with err when the
 * reply was lost, -2 (for commit.pl) when perl did not run it (no
 * "begin", no reply: nothing was done). */
static int commit_exec(struct mr_transport *t, struct mr_commit *c, char **argv,
                       const char *input, size_t input_len, double start, struct mr_error **err)
{
	char *out = NULL;
	size_t out_len = 0;
	int status = -1, saw_done = 0, began = 0;
	/* From here the staged files are the script's: it removes them. */
	for (size_t i = 0; i < c->n_files; i++)
		set_file(&c->files[i], MR_COMMIT_UNKNOWN, NULL);
	/* A unit's start may take long and say nothing (systemd allows 90 s
	 * a unit): the commit's silence limit is longer than --timeout. */
	int saved_timeout = t->timeout_s;
	if (t->timeout_s > 0 && t->timeout_s < MR_COMMIT_SILENCE_S)
		t->timeout_s = MR_COMMIT_SILENCE_S;
	double staged = now_s();
	int rc = t->ops->run(t, (const char *const *)argv, input, input_len, &out, &out_len, &status,
	                     err);
	t->timeout_s = saved_timeout;
	if (rc == 0)
		parse_reply(c, out ? out : "", &saw_done, &began);
	free(out);
	/* commit.pl (its input is there, maybe empty) stages the files
	 * itself: one time; none where perl did not run it */
	if (rc < 0)
		mr_log(MR_LOG_INFO, "%s: commit: %zu files, no reply to the request after %.3f s",
		       t->host, c->n_files, now_s() - staged);
	else if (!input)
		mr_log(MR_LOG_INFO, "%s: commit: %zu files staged in %.3f s, committed in %.3f s",
		       t->host, c->n_files, staged - start, now_s() - staged);
	else if (began)
		mr_log(MR_LOG_INFO, "%s: commit: %zu files sent (%zu bytes), staged and committed in %.3f s",
		       t->host, c->n_files, input_len, now_s() - start);
	if (rc < 0) {
		/* The script ignores hang-ups: it ran to its end, or never ran. */
		for (size_t i = 0; i < c->n_files; i++)
			set_file(&c->files[i], MR_COMMIT_UNKNOWN,
			         "the host's reply was lost; the next run will show the state");
		return -1;
	}
	if (!saw_done) {
		if (c->perl && !began)
			return -2;
		char *where = mr_xstrdup(t->host);
		mr_error_add(err, MR_ERR_HOST, where,
		             "the commit ended without a reply (exit %d); the next run will show the "
		             "state",
		             status);
		free(where);
		for (size_t i = 0; i < c->n_files; i++)
			if (c->files[i].state == MR_COMMIT_UNKNOWN)
				set_file(&c->files[i], MR_COMMIT_UNKNOWN, "no reply from the commit");
		return -1;
	}
	/* Files the script did not name were left alone. */
	for (size_t i = 0; i < c->n_files; i++)
		if (c->files[i].state == MR_COMMIT_UNKNOWN)
			set_file(&c->files[i], MR_COMMIT_UNTOUCHED, NULL);
	return 0;
}

/* commit.pl: the whole transaction in one perl process, the contents (as
 * read, and new) on its standard input. commit_exec's result: -2 when
 * perl did not run it (nothing was done: the shell's commit may run). */
static int commit_perl(struct mr_transport *t, struct mr_commit *c, struct mr_error **err)
{
	struct argv_buf a = { 0 };
	struct mr_buf in;
	double start = now_s();
	mr_buf_init(&in);
	push_str(&a, c->perl);
	push_str(&a, "-e");
	push_str(&a, MR_COMMIT_PL);
	push_str(&a, "--");
	push_str(&a, c->locked ? "1" : "0");
	push(&a, root_arg(t));
	push_num(&a, c->n_files);
	for (size_t i = 0; i < c->n_files; i++) {
		struct mr_commit_file *f = &c->files[i];
		char *target = mr_transport_path(t, f->path);
		push(&a, target);
		push(&a, mr_temp_name(target));
		if (f->existed) {
			push_num(&a, f->old_len);
			mr_buf_add(&in, f->old, f->old_len);
		} else {
			push_str(&a, "-");
		}
		if (f->remove) {
			push_str(&a, "-");
		} else {
			push_num(&a, f->len);
			mr_buf_add(&in, f->data, f->len);
		}
		push(&a, f->backup ? mr_transport_path(t, f->backup) : mr_xstrdup("-"));
		push(&a, attrs_arg(f));
	}
	const char *side_path[2] = { c->manifest_path, c->pending_path };
	const char *side_data[2] = { c->manifest, c->pending };
	for (int k = 0; k < 2; k++) {
		if (!side_path[k]) {
			push_str(&a, "-");
			push_str(&a, "-");
			push_str(&a, "0");
			continue;
		}
		char *path = mr_transport_path(t, side_path[k]);
		push(&a, mr_temp_name(path));
		push(&a, path);
		push_num(&a, strlen(side_data[k]));
		mr_buf_add(&in, side_data[k], strlen(side_data[k]));
	}
	push_actions(&a, c);
	int r = commit_exec(t, c, a.v, in.data ? in.data : "", in.len, start, err);
	argv_free(&a);
	mr_buf_fini(&in);
	return r;
}

/* mkdir -p of dir; the directories it made onto made, shallowest first,
 * with the root prefix (commit.sh removes them, deepest first, if it
 * aborts, as commit.pl removes those it makes). */
static int mkdir_noted(struct mr_transport *t, const char *dir, mode_t mode,
                       struct argv_buf *made, struct mr_error **err)
{
	char *first = NULL;
	if (t->ops->mkdir_p(t, dir, mode, &first, err) < 0)
		return -1;
	if (first && is_ancestor(first, dir))
		for (size_t n = strlen(first); n <= strlen(dir); n++)
			if (dir[n] == '/' || dir[n] == '\0') {
				char *d = mr_xstrndup(dir, n);
				push(made, mr_transport_path(t, d));
				free(d);
			}
	free(first);
	return 0;
}

/* commit.sh, after every file was staged by the transport. */
static int commit_sh(struct mr_transport *t, struct mr_commit *c, struct mr_error **err)
{
	struct argv_buf a = { 0 }, made = { 0 };
	char **tmps = mr_xcalloc(c->n_files + 2, sizeof(*tmps));
	char *backup_dir = NULL; /* the last one made */
	int r = -1;
	double start = now_s();

	push_str(&a, "/bin/sh");
	push_str(&a, "-c");
	push_str(&a, MR_COMMIT_SH);
	push_str(&a, "migready-commit");
	push_str(&a, c->locked ? "1" : "0");
	/* whether the staged files are on disk: known once staged (a server
	 * without fsync@openssh.com is found out by the first one) */
	size_t synced_arg = a.n;
	push_str(&a, "0");
	push(&a, root_arg(t));
	push_num(&a, c->n_files);
	for (size_t i = 0; i < c->n_files; i++) {
		struct mr_commit_file *f = &c->files[i];
		/* A new file may need its directory (a systemd drop-in's). */
		char *dir = f->existed ? NULL : dir_of(f->path);
		int ok = !dir || mkdir_noted(t, dir, 0755, &made, err) == 0;
		free(dir);
		/* A removal stages an empty file: its name carries the original's
		 * link until the end, as for a replaced file. A replacing file
		 * takes the original's attributes in the script; a new one its
		 * mode here where the transport can set it on the open file (SFTP,
		 * locally), else in the script, on the file it opened. */
		mode_t mode = f->existed ? MR_STAGE_MODE_LATER : f->mode;
		if (!ok || stage_one(t, f->path, f->remove ? "" : f->data, f->remove ? 0 : f->len,
		                     mode, f->uid, f->gid, &tmps[i], err) < 0) {
			set_file(f, MR_COMMIT_FAILED, NULL);
			goto unstage;
		}
		push(&a, mr_transport_path(t, f->path));
		push_str(&a, tmps[i]);
		push(&a, f->existed ? sha_hex(f->old, f->old_len) : mr_xstrdup("-"));
		push(&a, f->remove ? mr_xstrdup("-") : sha_hex(f->data, f->len));
		push(&a, f->backup ? mr_transport_path(t, f->backup) : mr_xstrdup("-"));
		push(&a, attrs_arg(f));
	}
	if (!t->stage_unsynced) {
		free(a.v[synced_arg]);
		a.v[synced_arg] = mr_xstrdup("1");
	}
	/* The backups' directories, once the files are staged (a failed
	 * staging leaves none), made here (over SFTP, or one mkdir under a root
	 * or become); the script removes them if it aborts. Before the
	 * MANIFEST's, their parent: one call makes them all. */
	for (size_t i = 0; i < c->n_files; i++) {
		char *dir = c->files[i].backup ? dir_of(c->files[i].backup) : NULL;
		if (!dir || (backup_dir && !strcmp(dir, backup_dir))) {
			free(dir);
			continue;
		}
		free(backup_dir);
		backup_dir = dir;
		if (mkdir_noted(t, dir, 0700, &made, err) < 0)
			goto unstage;
	}
	/* MANIFEST and restart-pending travel as staged files too. */
	const char *side_path[2] = { c->manifest_path, c->pending_path };
	const char *side_data[2] = { c->manifest, c->pending };
	for (int k = 0; k < 2; k++) {
		char **tmp = &tmps[c->n_files + (size_t)k];
		if (!side_path[k]) {
			push_str(&a, "-");
			push_str(&a, "-");
			continue;
		}
		char *dir = dir_of(side_path[k]);
		int ok = (is_ancestor(dir, backup_dir) || mkdir_noted(t, dir, 0700, &made, err) == 0) &&
		         stage_one(t, side_path[k], side_data[k], strlen(side_data[k]), 0600,
		                   (uid_t)-1, (gid_t)-1, tmp, err) == 0;
		free(dir);
		if (!ok)
			goto unstage;
		push_str(&a, *tmp);
		push(&a, mr_transport_path(t, side_path[k]));
	}
	push_actions(&a, c);
	for (size_t i = 0; i < made.n; i++)
		push_str(&a, made.v[i]);
	r = commit_exec(t, c, a.v, NULL, 0, start, err);
	goto out;
unstage:
	for (size_t i = 0; i < c->n_files + 2; i++)
		if (tmps[i])
			t->ops->unstage(t, tmps[i]);
out:
	for (size_t i = 0; i < c->n_files + 2; i++)
		free(tmps[i]);
	free(tmps);
	free(backup_dir);
	argv_free(&a);
	argv_free(&made);
	return r;
}

static void files_untouched(struct mr_commit *c)
{
	for (size_t i = 0; i < c->n_files; i++)
		set_file(&c->files[i], MR_COMMIT_UNTOUCHED, NULL);
}

int mr_commit_run(struct mr_transport *t, struct mr_commit *c, struct mr_error **err)
{
	c->committed = 0;
	files_untouched(c);
	if (c->perl) {
		int r = commit_perl(t, c, err);
		if (r != -2)
			return r;
		mr_log(MR_LOG_INFO, "%s: commit: %s did not run the commit; the shell's commit runs",
		       t->host, c->perl);
		/* commit_exec marked them unknown: perl did nothing */
		files_untouched(c);
	}
	return commit_sh(t, c, err);
}

const char *mr_commit_perl(const char *fact)
{
	const char *engine = getenv("MIGREADY_COMMIT_ENGINE");
	if (engine && strcmp(engine, "sh") == 0)
		return NULL;
	return fact && fact[0] == '/' ? fact : NULL;
}

void mr_commit_fini(struct mr_commit *c)
{
	for (size_t i = 0; i < c->n_files; i++) {
		free(c->files[i].message);
		c->files[i].message = NULL;
	}
	for (size_t i = 0; i < c->n_actions; i++) {
		free(c->actions[i].output);
		c->actions[i].output = NULL;
	}
}

int mr_commit_write(struct mr_transport *t, const char *path, const char *data, size_t len,
                    const struct mr_write_opts *opts, struct mr_error **err)
{
	struct mr_stat st;
	if (t->ops->stat(t, path, &st, err) < 0)
		return -1;
	if (st.is_symlink) {
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, MR_ERR_CONFLICT, where, "is a symbolic link; not written");
		free(where);
		return -1;
	}
	struct mr_commit_file f = {
		.path = path,
		.data = data,
		.len = len,
		.mode = st.exists ? st.mode : opts->mode,
		.uid = st.exists ? st.uid : opts->uid,
		.gid = st.exists ? st.gid : opts->gid,
	};
	char *current = NULL;
	size_t current_len = 0;
	if (opts->expect) {
		f.existed = opts->expect->existed;
		f.old = opts->expect->data;
		f.old_len = opts->expect->len;
	} else if (st.exists) {
		/* No expectation: replace whatever is there now. */
		struct mr_stat st2;
		if (mr_transport_read(t, path, &current, &current_len, &st2, err) < 0)
			return -1;
		f.existed = st2.exists;
		f.old = current;
		f.old_len = current_len;
	}
	struct mr_commit c = { .files = &f, .n_files = 1 };
	int r = mr_commit_run(t, &c, err);
	if (r == 0 && f.state != MR_COMMIT_WRITTEN) {
		char *where = mr_xasprintf("%s:%s", t->host, path);
		mr_error_add(err, f.state == MR_COMMIT_CONFLICT ? MR_ERR_CONFLICT : MR_ERR_HOST, where,
		             "%s", f.message ? f.message : "not written");
		free(where);
		r = -1;
	}
	mr_commit_fini(&c);
	free(current);
	return r;
}

char **mr_set_dir_argv(const char *root, int make, mode_t mode, long uid, long gid,
                       const char *path)
{
	char m[16], u[24] = "-", g[24] = "-";
	snprintf(m, sizeof(m), "%04o", (unsigned)(mode & 07777));
	if (uid >= 0)
		snprintf(u, sizeof(u), "%ld", uid);
	if (gid >= 0)
		snprintf(g, sizeof(g), "%ld", gid);
	return mr_strv_of("/bin/sh", "-c", MR_SET_DIR_SH, "migready-set-dir", root ? root : "",
	                  make ? "1" : "0", m, u, g, path, NULL);
}
