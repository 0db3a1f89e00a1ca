/* The one writer of results: text for people, JSON for programs, and a
 * Prometheus textfile for node_exporter. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json.h>

#include "report.h"

void mr_report_init(struct mr_report *rep, const char *command, size_t n_hosts)
{
	rep->command = command;
	rep->n_hosts = n_hosts;
	rep->hosts = mr_xcalloc(n_hosts ? n_hosts : 1, sizeof(*rep->hosts));
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void host_fini(struct mr_host_report *h)
{
	for (size_t i = 0; i < h->n_items; i++) {
		free(h->items[i].setting);
		free(h->items[i].file);
		free(h->items[i].unit);
		free(h->items[i].deflt);
		free(h->items[i].note);
		free(h->items[i].old);
		free(h->items[i].want);
		free(h->items[i].origin);
	}
	for (size_t i = 0; i < h->n_files; i++) {
		free(h->files[i].path);
		free(h->files[i].diff);
		free(h->files[i].error);
	}
	for (size_t i = 0; i < h->n_services; i++)
		free(h->services[i]);
	for (size_t i = 0; i < h->n_planned; i++)
		free(h->planned[i]);
	free(h->planned);
	free(h->world);
	for (size_t i = 0; i < h->n_facts; i++)
		free(h->facts[i]);
	free(h->facts);
	free_strv(h->summary, h->n_summary);
	free(h->items);
	free(h->files);
	free(h->services);
	free(h->name);
	free(h->error);
	free(h->backup_dir);
	free(h->rolled_back);
	for (size_t i = 0; i < h->n_runs; i++) {
		free(h->runs[i].id);
		free(h->runs[i].time);
		free_strv(h->runs[i].files, h->runs[i].n_files);
		free_strv(h->runs[i].actions, h->runs[i].n_actions);
		free(h->runs[i].note);
	}
	free(h->runs);
	for (size_t i = 0; i < h->n_shown; i++) {
		free(h->shown[i].section);
		free(h->shown[i].key);
		free(h->shown[i].value);
		free(h->shown[i].origin);
	}
	free(h->shown);
}

void mr_report_fini(struct mr_report *rep)
{
	for (size_t i = 0; i < rep->n_hosts; i++)
		host_fini(&rep->hosts[i]);
	free(rep->hosts);
	rep->hosts = NULL;
	rep->n_hosts = 0;
	for (size_t i = 0; i < rep->n_profiles; i++) {
		free(rep->profiles[i].path);
		free(rep->profiles[i].sha256);
	}
	free(rep->profiles);
	rep->profiles = NULL;
	rep->n_profiles = 0;
	free_strv(rep->warnings, rep->n_warnings);
	rep->warnings = NULL;
	rep->n_warnings = 0;
	free(rep->run_id);
	rep->run_id = NULL;
}

void mr_report_add_profile(struct mr_report *rep, const char *path, const char *sha256)
{
	rep->profiles = mr_xreallocarray(rep->profiles, rep->n_profiles + 1,
	                                 sizeof(*rep->profiles));
	rep->profiles[rep->n_profiles++] = (struct mr_report_profile){
		mr_xstrdup(path), sha256 ? mr_xstrdup(sha256) : NULL
	};
}

void mr_report_add_warning_steal(struct mr_report *rep, char *message)
{
	rep->warnings = mr_xreallocarray(rep->warnings, rep->n_warnings + 1,
	                                 sizeof(*rep->warnings));
	rep->warnings[rep->n_warnings++] = message;
}

struct mr_item *mr_host_report_add_item(struct mr_host_report *h)
{
	h->items = mr_xreallocarray(h->items, h->n_items + 1, sizeof(*h->items));
	struct mr_item *it = &h->items[h->n_items++];
	memset(it, 0, sizeof(*it));
	return it;
}

struct mr_file_report *mr_host_report_add_file(struct mr_host_report *h, const char *path)
{
	h->files = mr_xreallocarray(h->files, h->n_files + 1, sizeof(*h->files));
	struct mr_file_report *f = &h->files[h->n_files++];
	memset(f, 0, sizeof(*f));
	f->path = mr_xstrdup(path);
	return f;
}

void mr_host_report_add_service(struct mr_host_report *h, const char *unit)
{
	h->services = mr_xreallocarray(h->services, h->n_services + 1, sizeof(*h->services));
	h->services[h->n_services++] = mr_xstrdup(unit);
}

void mr_host_report_add_planned(struct mr_host_report *h, const char *unit)
{
	for (size_t i = 0; i < h->n_planned; i++)
		if (!strcmp(h->planned[i], unit))
			return;
	h->planned = mr_xreallocarray(h->planned, h->n_planned + 1, sizeof(*h->planned));
	h->planned[h->n_planned++] = mr_xstrdup(unit);
}

void mr_host_report_add_fact(struct mr_host_report *h, const char *key, const char *value)
{
	h->facts = mr_xreallocarray(h->facts, h->n_facts + 1, sizeof(*h->facts));
	h->facts[h->n_facts++] = mr_xasprintf("%s=%s", key, value);
}

void mr_host_report_add_summary(struct mr_host_report *h, const char *key, const char *value)
{
	h->summary = mr_xreallocarray(h->summary, h->n_summary + 1, sizeof(*h->summary));
	h->summary[h->n_summary++] = mr_xasprintf("%s=%s", key, value);
}

void mr_host_report_add_shown(struct mr_host_report *h, const char *section, const char *key,
                              const char *value, const char *origin)
{
	h->shown = mr_xreallocarray(h->shown, h->n_shown + 1, sizeof(*h->shown));
	h->shown[h->n_shown++] = (struct mr_shown){ mr_xstrdup(section), mr_xstrdup(key),
		                                        mr_xstrdup(value), mr_xstrdup(origin) };
}

struct mr_run_entry *mr_host_report_add_run(struct mr_host_report *h, const char *id)
{
	h->runs = mr_xreallocarray(h->runs, h->n_runs + 1, sizeof(*h->runs));
	struct mr_run_entry *r = &h->runs[h->n_runs++];
	memset(r, 0, sizeof(*r));
	r->id = mr_xstrdup(id);
	return r;
}

void mr_host_report_fail(struct mr_host_report *h, const char *message)
{
	char *joined = h->error ? mr_xasprintf("%s; %s", h->error, message) : mr_xstrdup(message);
	free(h->error);
	h->error = joined;
}

static size_t count(const struct mr_host_report *h, enum mr_outcome o)
{
	size_t n = 0;
	for (size_t i = 0; i < h->n_items; i++)
		n += h->items[i].outcome == o;
	return n;
}

int mr_host_report_failed(const struct mr_host_report *h)
{
	if (h->error)
		return 1;
	for (size_t i = 0; i < h->n_files; i++)
		if (h->files[i].error)
			return 1;
	return count(h, MR_OUTCOME_FAILED) > 0 || count(h, MR_OUTCOME_UNKNOWN) > 0;
}

size_t mr_host_report_checked(const struct mr_host_report *h)
{
	return h->n_items - count(h, MR_OUTCOME_UNCHECKED);
}

size_t mr_host_report_drift(const struct mr_host_report *h)
{
	return count(h, MR_OUTCOME_DRIFT) + count(h, MR_OUTCOME_CHANGED);
}

/* apply and rollback change hosts; check and diff report drift. */
static int changes_hosts(const char *command)
{
	return !strcmp(command, "apply") || !strcmp(command, "rollback");
}

int mr_report_exit_status(const struct mr_report *rep)
{
	/* 2 means drift for check and diff, but changes made for apply: drift
	 * that apply could not fix on a host that failed is its failure, not
	 * a change. */
	int apply = changes_hosts(rep->command);
	int settings = !strcmp(rep->command, "check") || !strcmp(rep->command, "diff") ||
	               !strcmp(rep->command, "apply");
	int status = 0;
	for (size_t i = 0; i < rep->n_hosts; i++) {
		const struct mr_host_report *h = &rep->hosts[i];
		int failed = mr_host_report_failed(h);
		if (failed)
			status |= 4;
		if (count(h, apply ? MR_OUTCOME_CHANGED : MR_OUTCOME_DRIFT))
			status |= 2;
		/* an apply that left drift (--no-restart: a restart owed) did
		 * not bring the host to the desired state */
		if (apply && !failed && count(h, MR_OUTCOME_DRIFT))
			status |= 2;
		/* a host of which nothing could be examined is not known to be
		 * in the desired state */
		if (settings && !failed && !mr_host_report_checked(h))
			status |= 4;
	}
	return status;
}

static const char *outcome_word(enum mr_outcome o)
{
	switch (o) {
	case MR_OUTCOME_OK:
		return "ok";
	case MR_OUTCOME_DRIFT:
		return "drift";
	case MR_OUTCOME_CHANGED:
		return "changed";
	case MR_OUTCOME_FAILED:
		return "failed";
	case MR_OUTCOME_UNKNOWN:
		return "unknown";
	case MR_OUTCOME_UNCHECKED:
		return "unchecked";
	}
	return "?";
}

static const char *outcome_color(enum mr_outcome o)
{
	switch (o) {
	case MR_OUTCOME_OK:
		return MR_C_GREEN;
	case MR_OUTCOME_DRIFT:
		return MR_C_YELLOW;
	case MR_OUTCOME_CHANGED:
		return MR_C_CYAN;
	case MR_OUTCOME_FAILED:
	case MR_OUTCOME_UNKNOWN:
		return MR_C_RED;
	case MR_OUTCOME_UNCHECKED:
		return MR_C_YELLOW;
	}
	return "";
}

/* ---- text ---- */

/* Host files are not trusted to hold only text: a control byte would reach
 * the operator's terminal as an escape sequence. */
void mr_report_put_text(FILE *out, const char *s, size_t n)
{
	if (mr_str_shown_as_is(s, n)) {
		fwrite(s, 1, n, out);
		return;
	}
	struct mr_buf b;
	mr_buf_init(&b);
	mr_buf_put_shown(&b, s, n);
	fwrite(b.data, 1, b.len, out);
	mr_buf_fini(&b);
}

static void put_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	mr_report_put_text(out, s, strlen(s));
	fputc('\'', out);
}

static void text_diff(FILE *out, const char *diff, int color)
{
	const char *line = diff;
	while (*line) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);
		const char *c = "";
		if (color) {
			if (!strncmp(line, "---", 3) || !strncmp(line, "+++", 3))
				c = MR_C_BOLD;
			else if (line[0] == '@')
				c = MR_C_CYAN;
			else if (line[0] == '-')
				c = MR_C_RED;
			else if (line[0] == '+')
				c = MR_C_GREEN;
		}
		fputs(c, out);
		mr_report_put_text(out, line, (size_t)len);
		fprintf(out, "%s\n", *c ? MR_C_RESET : "");
		if (!nl)
			break;
		line = nl + 1;
	}
}

static enum mr_outcome host_outcome(const struct mr_host_report *h)
{
	if (mr_host_report_failed(h))
		return MR_OUTCOME_FAILED;
	if (count(h, MR_OUTCOME_CHANGED))
		return MR_OUTCOME_CHANGED;
	return count(h, MR_OUTCOME_DRIFT) ? MR_OUTCOME_DRIFT : MR_OUTCOME_OK;
}

static void put_value(FILE *out, const struct mr_item *it)
{
	if (it->old)
		put_quoted(out, it->old);
	else if (it->deflt)
		fprintf(out, "absent (default %s)", it->deflt);
	else
		fputs("absent", out);
	if (it->want) {
		fputs(" -> ", out);
		put_quoted(out, it->want);
	} else {
		fputs(" -> removed", out);
	}
}

/* Everything this release does not examine, on one line per host (also
 * under -q): a clean check must never be mistaken for coverage. */
static void text_unchecked(FILE *out, const struct mr_host_report *h,
                           const struct mr_render_opts *o)
{
	size_t n = count(h, MR_OUTCOME_UNCHECKED);
	if (!n)
		return;
	fprintf(out, "  %snot checked%s (%zu):", o->color ? MR_C_YELLOW : "", o->color ? MR_C_RESET : "",
	        n);
	for (size_t i = 0; i < h->n_items; i++) {
		const struct mr_item *it = &h->items[i];
		if (it->outcome == MR_OUTCOME_UNCHECKED)
			fprintf(out, " %s (%s)", it->setting, it->origin);
	}
	fputc('\n', out);
}

static void text_host(FILE *out, const struct mr_host_report *h,
                      const struct mr_render_opts *o)
{
	enum mr_outcome ho = host_outcome(h);
	const char *on = o->color ? outcome_color(ho) : "", *off = o->color ? MR_C_RESET : "";
	size_t drift = mr_host_report_drift(h), checked = mr_host_report_checked(h);
	/* -q leaves out the hosts in the desired state only */
	if (o->quiet && ho == MR_OUTCOME_OK && checked && !count(h, MR_OUTCOME_UNCHECKED))
		return;
	fprintf(out, "%s%s%s: ", o->color ? MR_C_BOLD : "", h->name, off);
	switch (ho) {
	case MR_OUTCOME_OK:
		if (checked)
			fprintf(out, "%sin the desired state%s (%zu settings)\n", on, off, checked);
		else
			fprintf(out, "%snothing checked%s\n", o->color ? MR_C_YELLOW : "", off);
		break;
	case MR_OUTCOME_DRIFT:
		fprintf(out, "%s%zu of %zu settings drifted%s\n", on, drift, checked, off);
		break;
	case MR_OUTCOME_CHANGED:
		fprintf(out, "%s%zu of %zu settings changed%s\n", on, drift, checked, off);
		break;
	default:
		fprintf(out, "%sfailed%s\n", on, off);
		break;
	}
	/* Error text can quote a host's output: escaped like its files. */
	if (h->error) {
		fprintf(out, "  %serror:%s ", o->color ? MR_C_RED : "", off);
		mr_report_put_text(out, h->error, strlen(h->error));
		fputc('\n', out);
	}
	for (size_t i = 0; i < h->n_files; i++) {
		/* a lost connection is the host's error and its file's: said once */
		if (!h->files[i].error || (h->error && !strcmp(h->files[i].error, h->error)))
			continue;
		fprintf(out, "  %serror:%s ", o->color ? MR_C_RED : "", off);
		mr_report_put_text(out, h->files[i].error, strlen(h->files[i].error));
		fputc('\n', out);
	}
	for (size_t i = 0; i < h->n_items; i++) {
		const struct mr_item *it = &h->items[i];
		if ((it->outcome == MR_OUTCOME_OK && !o->verbose) ||
		    it->outcome == MR_OUTCOME_UNCHECKED)
			continue;
		const char *c = o->color ? outcome_color(it->outcome) : "";
		fprintf(out, "  %-32s %s%-8s%s", it->setting, c, outcome_word(it->outcome), off);
		if (it->outcome == MR_OUTCOME_DRIFT || it->outcome == MR_OUTCOME_CHANGED ||
		    it->outcome == MR_OUTCOME_UNKNOWN)
			put_value(out, it);
		else if (it->outcome == MR_OUTCOME_OK && it->old)
			put_quoted(out, it->old);
		else if (it->outcome == MR_OUTCOME_OK)
			fputs(it->deflt ? "absent (the default)" : "absent", out);
		if (it->note) {
			fputs(it->outcome == MR_OUTCOME_FAILED ? "" : ": ", out);
			mr_report_put_text(out, it->note, strlen(it->note));
		}
		if (it->unit || it->file)
			fprintf(out, "  (%s%s, %s)\n", it->unit ? "unit " : "",
			        it->unit ? it->unit : it->file, it->origin);
		else
			fprintf(out, "  (%s)\n", it->origin);
	}
	text_unchecked(out, h, o);
	int diffs = 0;
	for (size_t i = 0; o->show_diffs && i < h->n_files; i++)
		diffs += h->files[i].diff != NULL;
	/* a host that fails gets nothing: its diffs show what a good run would
	 * write, not what this one does */
	if (diffs && ho == MR_OUTCOME_FAILED && !h->backup_dir)
		fprintf(out, "  %s written while this host fails (one commit per host)\n",
		        diffs == 1 ? "this change is not" : "none of these changes is");
	if (diffs)
		for (size_t i = 0; i < h->n_files; i++)
			if (h->files[i].diff)
				text_diff(out, h->files[i].diff, o->color);
	if (h->backup_dir)
		fprintf(out, "  backup: %s\n", h->backup_dir);
	for (size_t i = 0; i < h->n_services; i++)
		fprintf(out, "  restarted: %s\n", h->services[i]);
	for (size_t i = 0; i < h->n_planned; i++) {
		if (!strncmp(h->planned[i], "run ", 4))
			fprintf(out, "  apply would run: %s\n", h->planned[i] + 4);
		else
			fprintf(out, "  apply would restart: %s\n", h->planned[i]);
	}
}

/* `migready facts`: what the probe found, key = value. */
static void text_facts(FILE *out, const struct mr_host_report *h, const struct mr_render_opts *o)
{
	fprintf(out, "%s%s%s:%s\n", o->color ? MR_C_BOLD : "", h->name, o->color ? MR_C_RESET : "",
	        h->error ? " failed" : "");
	if (h->error) {
		fputs("  error: ", out);
		mr_report_put_text(out, h->error, strlen(h->error));
		fputc('\n', out);
	}
	for (size_t i = 0; i < h->n_facts; i++) {
		const char *eq = strchr(h->facts[i], '=');
		fprintf(out, "  %-32.*s ", (int)(eq - h->facts[i]), h->facts[i]);
		mr_report_put_text(out, eq + 1, strlen(eq + 1));
		fputc('\n', out);
	}
}

/* "3 hosts: 1 in the desired state, 1 drifted, 1 failed". A failed host
 * that also drifted (exit status 6) says so: "(1 with drift)". */
static char *summary_line(const struct mr_report *rep)
{
	size_t counts[MR_OUTCOME_UNCHECKED + 1] = { 0 }, failed_drift = 0, unexamined = 0;
	int apply = changes_hosts(rep->command);
	int rollback = !strcmp(rep->command, "rollback");
	for (size_t i = 0; i < rep->n_hosts; i++) {
		const struct mr_host_report *h = &rep->hosts[i];
		enum mr_outcome ho = host_outcome(h);
		/* a host of which nothing was examined is not in the desired state */
		if (!rollback && ho == MR_OUTCOME_OK && !mr_host_report_checked(h)) {
			unexamined++;
			continue;
		}
		counts[ho]++;
		failed_drift += ho == MR_OUTCOME_FAILED &&
		                count(h, apply ? MR_OUTCOME_CHANGED : MR_OUTCOME_DRIFT) > 0;
	}
	/* apply: a host with drift left and nothing changed is not "changed" */
	size_t left = apply && !rollback ? counts[MR_OUTCOME_DRIFT] : 0;
	char *line = mr_xasprintf("%zu host%s: %zu %s, %zu %s, %zu failed", rep->n_hosts,
	                          rep->n_hosts == 1 ? "" : "s", counts[MR_OUTCOME_OK],
	                          rollback ? "unchanged" : "in the desired state",
	                          counts[MR_OUTCOME_DRIFT] + counts[MR_OUTCOME_CHANGED] - left,
	                          rollback ? "rolled back" : apply ? "changed" : "drifted",
	                          counts[MR_OUTCOME_FAILED]);
	if (failed_drift) {
		char *with = mr_xasprintf("%s (%zu with %s)", line, failed_drift,
		                          apply ? "changes" : "drift");
		free(line);
		line = with;
	}
	if (left) {
		char *with = mr_xasprintf("%s, %zu with drift left", line, left);
		free(line);
		line = with;
	}
	if (unexamined) {
		char *with = mr_xasprintf("%s, %zu with nothing checked", line, unexamined);
		free(line);
		line = with;
	}
	return line;
}

char *mr_report_summary(const struct mr_report *rep)
{
	char *line = summary_line(rep);
	char *full = mr_xasprintf("%s: %s", rep->command, line);
	free(line);
	return full;
}

static size_t files_changed(const struct mr_host_report *h)
{
	size_t n = 0;
	for (size_t i = 0; i < h->n_items; i++)
		n += h->items[i].file && h->items[i].outcome == MR_OUTCOME_CHANGED;
	return n;
}

/* rollback: what each file became, the diffs of files edited since the
 * run (always), its own backup and the restarts. */
static void text_rollback(FILE *out, const struct mr_host_report *h,
                          const struct mr_render_opts *o)
{
	enum mr_outcome ho = host_outcome(h);
	const char *off = o->color ? MR_C_RESET : "";
	if (o->quiet && ho == MR_OUTCOME_OK)
		return;
	fprintf(out, "%s%s%s: ", o->color ? MR_C_BOLD : "", h->name, off);
	fputs(o->color ? outcome_color(ho) : "", out);
	if (ho == MR_OUTCOME_FAILED)
		fputs("failed", out);
	else if (ho == MR_OUTCOME_CHANGED)
		fprintf(out, "rolled back run %s (%zu file%s)", h->rolled_back, files_changed(h),
		        files_changed(h) == 1 ? "" : "s");
	else if (h->rolled_back)
		fprintf(out, "every file is as before run %s", h->rolled_back);
	else
		fputs("nothing to roll back", out);
	fprintf(out, "%s\n", off);
	if (h->error) {
		fprintf(out, "  %serror:%s ", o->color ? MR_C_RED : "", off);
		mr_report_put_text(out, h->error, strlen(h->error));
		fputc('\n', out);
	}
	for (size_t i = 0; i < h->n_items; i++) {
		const struct mr_item *it = &h->items[i];
		/* a file, or a step after the files (it->file NULL): one left
		 * as it is says why (a mount left mounted) */
		if (it->outcome == MR_OUTCOME_OK && !o->verbose && (it->file || !it->note))
			continue;
		const char *word = it->outcome == MR_OUTCOME_OK && !it->file   ? "left"
		                   : it->outcome == MR_OUTCOME_CHANGED && !it->file ? "done"
		                   : it->outcome == MR_OUTCOME_CHANGED ? (it->want ? "restored" : "removed")
		                   : it->outcome == MR_OUTCOME_OK    ? "unchanged"
		                   : it->outcome == MR_OUTCOME_UNKNOWN ? "unknown"
		                                                       : "failed";
		fprintf(out, "  %s%-9s%s %s", o->color ? outcome_color(it->outcome) : "", word, off,
		        it->setting);
		if (it->note) {
			fputs(": ", out);
			mr_report_put_text(out, it->note, strlen(it->note));
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < h->n_files; i++)
		if (h->files[i].diff && (o->show_diffs || h->files[i].error))
			text_diff(out, h->files[i].diff, o->color);
	if (h->backup_dir)
		fprintf(out, "  backup: %s\n", h->backup_dir);
	for (size_t i = 0; i < h->n_services; i++)
		fprintf(out, "  restarted: %s\n", h->services[i]);
}

/* rollback --list: the runs each host keeps, oldest first. */
static void text_runs(FILE *out, const struct mr_host_report *h, const struct mr_render_opts *o)
{
	fprintf(out, "%s%s%s:", o->color ? MR_C_BOLD : "", h->name, o->color ? MR_C_RESET : "");
	if (h->error) {
		fputs(" failed\n  error: ", out);
		mr_report_put_text(out, h->error, strlen(h->error));
		fputc('\n', out);
		return;
	}
	fprintf(out, " %zu run%s\n", h->n_runs, h->n_runs == 1 ? "" : "s");
	for (size_t i = 0; i < h->n_runs; i++) {
		const struct mr_run_entry *r = &h->runs[i];
		fprintf(out, "  %s  %s  %zu file%s", r->id, r->time ? r->time : "?", r->n_files,
		        r->n_files == 1 ? "" : "s");
		for (size_t k = 0; k < r->n_actions; k++)
			fprintf(out, "%s%s", k ? ", " : "  actions: ", r->actions[k]);
		if (r->note) {
			fputs("  (", out);
			mr_report_put_text(out, r->note, strlen(r->note));
			fputc(')', out);
		}
		fputc('\n', out);
		for (size_t k = 0; k < r->n_files; k++) {
			fputs("    ", out);
			mr_report_put_text(out, r->files[k], strlen(r->files[k]));
			fputc('\n', out);
		}
	}
}

/* show: "[section]" then "key = value ; origin" lines. */
static void text_shown(FILE *out, const struct mr_host_report *h)
{
	fprintf(out, "%s:\n", h->name);
	for (size_t i = 0; i < h->n_shown; i++) {
		const struct mr_shown *v = &h->shown[i];
		if (!i || strcmp(v->section, h->shown[i - 1].section) != 0)
			fprintf(out, "  [%s]\n", v->section);
		char *line = mr_xasprintf("%s = %s", v->key, v->value);
		fprintf(out, "  %-46s ; %s\n", line, v->origin);
		free(line);
	}
}

static int write_text(const struct mr_report *rep, const struct mr_render_opts *o, FILE *out)
{
	if (!strcmp(rep->command, "show")) {
		for (size_t i = 0; i < rep->n_hosts; i++)
			text_shown(out, &rep->hosts[i]);
		return 0;
	}
	/* each host, then a count of them (listings) or the run's summary */
	void (*each)(FILE *, const struct mr_host_report *, const struct mr_render_opts *) = text_host;
	const char *counted = NULL;
	if (rep->list_runs) {
		each = text_runs;
		counted = "listed";
	} else if (!strcmp(rep->command, "rollback")) {
		each = text_rollback;
	} else if (!strcmp(rep->command, "facts")) {
		each = text_facts;
		counted = "examined";
	}
	size_t failed = 0;
	for (size_t i = 0; i < rep->n_hosts; i++) {
		each(out, &rep->hosts[i], o);
		failed += rep->hosts[i].error != NULL;
	}
	if (counted) {
		fprintf(out, "%zu host%s: %zu %s, %zu failed\n", rep->n_hosts,
		        rep->n_hosts == 1 ? "" : "s", rep->n_hosts - failed, counted, failed);
	} else {
		char *line = summary_line(rep);
		fprintf(out, "%s\n", line);
		free(line);
	}
	return 0;
}

/* ---- json ---- */

/* A JSON string of s; a byte of a host's file that is no UTF-8 (a Latin-1
 * comment) becomes U+FFFD, as JSON must be Unicode (the text report shows
 * it as \xNN). */
json_object *mr_report_json_str(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s), i, k;
	if (mr_str_utf8_invalid(s, n) < 0)
		return json_object_new_string(s);
	struct mr_buf b;
	mr_buf_init(&b);
	for (i = 0; i < n; i += k ? k : 1) {
		k = mr_utf8_seq(s + i, n - i);
		if (k)
			mr_buf_add(&b, s + i, k);
		else
			mr_buf_puts(&b, "\xef\xbf\xbd");
	}
	json_object *j = json_object_new_string_len(b.data, (int)b.len);
	mr_buf_fini(&b);
	return j;
}

/* "key=value" strings as an object; a repeated key (hostkey, pending)
 * becomes a list. */
static json_object *key_values(char *const *kv, size_t n)
{
	json_object *obj = json_object_new_object();
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		char *key = mr_xstrndup(kv[i], (size_t)(eq - kv[i]));
		json_object *prev = NULL;
		if (json_object_object_get_ex(obj, key, &prev)) {
			if (!json_object_is_type(prev, json_type_array)) {
				json_object *arr = json_object_new_array();
				json_object_array_add(arr, json_object_get(prev));
				json_object_object_add(obj, key, arr);
				prev = arr;
			}
			json_object_array_add(prev, mr_report_json_str(eq + 1));
		} else {
			json_object_object_add(obj, key, mr_report_json_str(eq + 1));
		}
		free(key);
	}
	return obj;
}

static json_object *json_strv(char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, mr_report_json_str(v[i]));
	return a;
}

/* rollback --list: [{id, time, files: ["existed /etc/..."], actions, note}] */
static json_object *json_runs(const struct mr_host_report *h)
{
	json_object *runs = json_object_new_array();
	for (size_t i = 0; i < h->n_runs; i++) {
		const struct mr_run_entry *r = &h->runs[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "id", mr_report_json_str(r->id));
		json_object_object_add(j, "time", mr_report_json_str(r->time));
		json_object_object_add(j, "files", json_strv(r->files, r->n_files));
		json_object_object_add(j, "actions", json_strv(r->actions, r->n_actions));
		json_object_object_add(j, "note", mr_report_json_str(r->note));
		json_object_array_add(runs, j);
	}
	return runs;
}

/* settings_run: check, diff or apply, whose hosts have settings */
static json_object *json_host(const struct mr_host_report *h, int settings_run)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", mr_report_json_str(h->name));
	enum mr_outcome ho = host_outcome(h);
	/* nothing examined is no "ok", as the text's "nothing checked" */
	int none = settings_run && ho == MR_OUTCOME_OK && !mr_host_report_checked(h);
	json_object_object_add(o, "status", mr_report_json_str(none ? "unchecked" : outcome_word(ho)));
	json_object_object_add(o, "reachable", json_object_new_boolean(h->reached));
	json_object_object_add(o, "error", mr_report_json_str(h->error));
	json_object_object_add(o, "summary", key_values(h->summary, h->n_summary));
	json_object *items = json_object_new_array();
	for (size_t i = 0; i < h->n_items; i++) {
		const struct mr_item *it = &h->items[i];
		if (it->outcome == MR_OUTCOME_UNCHECKED)
			continue;
		json_object *j = json_object_new_object();
		json_object_object_add(j, "setting", mr_report_json_str(it->setting));
		json_object_object_add(j, "file", mr_report_json_str(it->file));
		json_object_object_add(j, "unit", mr_report_json_str(it->unit));
		json_object_object_add(j, "status", mr_report_json_str(outcome_word(it->outcome)));
		json_object_object_add(j, "current", mr_report_json_str(it->old));
		json_object_object_add(j, "desired", mr_report_json_str(it->want));
		json_object_object_add(j, "default", mr_report_json_str(it->deflt));
		json_object_object_add(j, "origin", mr_report_json_str(it->origin));
		json_object_object_add(j, "note", mr_report_json_str(it->note));
		json_object_array_add(items, j);
	}
	json_object_object_add(o, "settings", items);
	json_object *unchecked = json_object_new_array();
	for (size_t i = 0; i < h->n_items; i++) {
		const struct mr_item *it = &h->items[i];
		if (it->outcome != MR_OUTCOME_UNCHECKED)
			continue;
		json_object *j = json_object_new_object();
		json_object_object_add(j, "setting", mr_report_json_str(it->setting));
		json_object_object_add(j, "origin", mr_report_json_str(it->origin));
		json_object_array_add(unchecked, j);
	}
	json_object_object_add(o, "unchecked", unchecked);
	json_object_object_add(o, "listener_world", mr_report_json_str(h->world));
	if (h->n_facts)
		json_object_object_add(o, "facts", key_values(h->facts, h->n_facts));
	json_object *files = json_object_new_array();
	for (size_t i = 0; i < h->n_files; i++) {
		const struct mr_file_report *f = &h->files[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "path", mr_report_json_str(f->path));
		json_object_object_add(j, "changed", json_object_new_boolean(f->changed));
		/* created: made by this run, or to be; an absent file left absent is not */
		json_object_object_add(j, "created", json_object_new_boolean(f->created && f->changed));
		json_object_object_add(j, "error", mr_report_json_str(f->error));
		json_object_object_add(j, "diff", mr_report_json_str(f->diff));
		json_object_array_add(files, j);
	}
	json_object_object_add(o, "files", files);
	json_object *svc = json_object_new_array();
	for (size_t i = 0; i < h->n_services; i++)
		json_object_array_add(svc, mr_report_json_str(h->services[i]));
	json_object_object_add(o, "restarted", svc);
	json_object *planned = json_object_new_array();
	for (size_t i = 0; i < h->n_planned; i++)
		json_object_array_add(planned, mr_report_json_str(h->planned[i]));
	json_object_object_add(o, "would_restart", planned);
	json_object_object_add(o, "backup", mr_report_json_str(h->backup_dir));
	if (h->rolled_back)
		json_object_object_add(o, "rolled_back", mr_report_json_str(h->rolled_back));
	json_object_object_add(o, "seconds", json_object_new_double(h->seconds));
	return o;
}

/* Unix time as RFC 3339 in UTC, to the millisecond. */
static json_object *json_time(double t)
{
	char stamp[64];
	long long ms = (long long)(t * 1000 + 0.5);
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof(stamp) - n, ".%03dZ", (int)(ms % 1000));
	return json_object_new_string(stamp);
}

/* show: {"schema_version", "command", "hosts": [{"name", "settings":
 * [{"section", "key", "value", "origin"}]}]}; no run, no status. */
static int write_json_shown(const struct mr_report *rep, FILE *out)
{
	json_object *root = json_object_new_object();
	json_object_object_add(root, "schema_version",
	                       json_object_new_int(MR_REPORT_SCHEMA_VERSION));
	json_object_object_add(root, "command", mr_report_json_str(rep->command));
	json_object *hosts = json_object_new_array();
	for (size_t i = 0; i < rep->n_hosts; i++) {
		const struct mr_host_report *h = &rep->hosts[i];
		json_object *hj = json_object_new_object();
		json_object_object_add(hj, "name", mr_report_json_str(h->name));
		json_object *values = json_object_new_array();
		for (size_t k = 0; k < h->n_shown; k++) {
			json_object *v = json_object_new_object();
			json_object_object_add(v, "section", mr_report_json_str(h->shown[k].section));
			json_object_object_add(v, "key", mr_report_json_str(h->shown[k].key));
			json_object_object_add(v, "value", mr_report_json_str(h->shown[k].value));
			json_object_object_add(v, "origin", mr_report_json_str(h->shown[k].origin));
			json_object_array_add(values, v);
		}
		json_object_object_add(hj, "settings", values);
		json_object_array_add(hosts, hj);
	}
	json_object_object_add(root, "hosts", hosts);
	fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	                                               JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
	fputc('\n', out);
	json_object_put(root);
	return 0;
}

static int write_json(const struct mr_report *rep, FILE *out)
{
	if (!strcmp(rep->command, "show"))
		return write_json_shown(rep, out);
	json_object *root = json_object_new_object();
	json_object_object_add(root, "schema_version",
	                       json_object_new_int(MR_REPORT_SCHEMA_VERSION));
	json_object_object_add(root, "command", mr_report_json_str(rep->command));
	json_object_object_add(root, "run_id", mr_report_json_str(rep->run_id));
	json_object_object_add(root, "started", rep->started > 0 ? json_time(rep->started) : NULL);
	json_object_object_add(root, "duration_seconds", json_object_new_double(rep->seconds));
	json_object *profiles = json_object_new_array();
	for (size_t i = 0; i < rep->n_profiles; i++) {
		json_object *p = json_object_new_object();
		json_object_object_add(p, "path", mr_report_json_str(rep->profiles[i].path));
		json_object_object_add(p, "sha256", mr_report_json_str(rep->profiles[i].sha256));
		json_object_array_add(profiles, p);
	}
	json_object_object_add(root, "profiles", profiles);
	json_object *warnings = json_object_new_array();
	for (size_t i = 0; i < rep->n_warnings; i++)
		json_object_array_add(warnings, mr_report_json_str(rep->warnings[i]));
	json_object_object_add(root, "warnings", warnings);
	json_object *hosts = json_object_new_array();
	int settings_run = !strcmp(rep->command, "check") || !strcmp(rep->command, "diff") ||
	                   !strcmp(rep->command, "apply");
	for (size_t i = 0; i < rep->n_hosts; i++) {
		json_object *h = json_host(&rep->hosts[i], settings_run);
		if (rep->list_runs)
			json_object_object_add(h, "runs", json_runs(&rep->hosts[i]));
		json_object_array_add(hosts, h);
	}
	json_object_object_add(root, "hosts", hosts);
	json_object_object_add(root, "exit_status",
	                       json_object_new_int(mr_report_exit_status(rep)));
	fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	                                               JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
	fputc('\n', out);
	json_object_put(root);
	return 0;
}

/* ---- prometheus ---- */

void mr_report_prom_label(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void prom_family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{host="...",command="..." then the caller's labels, if any. */
static void prom_series(FILE *out, const struct mr_report *rep, const char *name,
                        const struct mr_host_report *h)
{
	fprintf(out, "%s{host=\"", name);
	mr_report_prom_label(out, h->name);
	fprintf(out, "\",command=\"%s\"", rep->command);
}

/* One series per host; hosts_reached: only hosts that answered, since a
 * count of a host that was never examined would read as 0 (none). */
static void prom_metric(FILE *out, const struct mr_report *rep, const char *name,
                        const char *help, int hosts_reached,
                        double (*value)(const struct mr_host_report *))
{
	prom_family(out, name, help);
	for (size_t i = 0; i < rep->n_hosts; i++) {
		if (hosts_reached && !rep->hosts[i].reached)
			continue;
		prom_series(out, rep, name, &rep->hosts[i]);
		fprintf(out, "} %g\n", value(&rep->hosts[i]));
	}
}

static int outcome_in(enum mr_outcome o, unsigned mask)
{
	return (mask >> o) & 1;
}

#define OUTCOMES(a) (1u << (a))
#define OUTCOMES2(a, b) (OUTCOMES(a) | OUTCOMES(b))

/* One series, value 1, per setting of a host whose outcome is in mask; a
 * setting planned twice (two files) is one series. */
static void prom_settings(FILE *out, const struct mr_report *rep, const char *name,
                          const char *help, unsigned mask)
{
	prom_family(out, name, help);
	for (size_t i = 0; i < rep->n_hosts; i++) {
		const struct mr_host_report *h = &rep->hosts[i];
		for (size_t k = 0; k < h->n_items; k++) {
			const struct mr_item *it = &h->items[k];
			int seen = 0;
			for (size_t j = 0; j < k && !seen; j++)
				seen = outcome_in(h->items[j].outcome, mask) &&
				       !strcmp(h->items[j].setting, it->setting);
			if (!outcome_in(it->outcome, mask) || seen)
				continue;
			prom_series(out, rep, name, h);
			fputs(",setting=\"", out);
			mr_report_prom_label(out, it->setting);
			fputs("\"} 1\n", out);
		}
	}
}

/* Restarts the host recorded as owed (restart-pending) and not done. */
static void prom_restarts(FILE *out, const struct mr_report *rep)
{
	prom_family(out, "migready_restart_owed",
	            "1 for a unit whose new configuration is written but not yet running");
	unsigned owed = OUTCOMES(MR_OUTCOME_DRIFT) | OUTCOMES2(MR_OUTCOME_FAILED, MR_OUTCOME_UNKNOWN);
	for (size_t i = 0; i < rep->n_hosts; i++) {
		const struct mr_host_report *h = &rep->hosts[i];
		for (size_t k = 0; k < h->n_items; k++) {
			const struct mr_item *it = &h->items[k];
			if (strncmp(it->setting, "restart.", 8) != 0 || !it->unit ||
			    !outcome_in(it->outcome, owed))
				continue;
			prom_series(out, rep, "migready_restart_owed", h);
			fputs(",unit=\"", out);
			mr_report_prom_label(out, it->unit);
			fputs("\"} 1\n", out);
		}
	}
}

/* as the exit status counts it: a host of which nothing was examined is
 * not up */
static double host_up(const struct mr_host_report *h)
{
	return mr_host_report_failed(h) || !mr_host_report_checked(h) ? 0 : 1;
}

static double host_reachable(const struct mr_host_report *h)
{
	return h->reached;
}

static double host_drift(const struct mr_host_report *h)
{
	return (double)count(h, MR_OUTCOME_DRIFT);
}

static double host_changed(const struct mr_host_report *h)
{
	return (double)count(h, MR_OUTCOME_CHANGED);
}

static double host_settings(const struct mr_host_report *h)
{
	return (double)mr_host_report_checked(h);
}

static double host_unchecked(const struct mr_host_report *h)
{
	return (double)count(h, MR_OUTCOME_UNCHECKED);
}

static double host_seconds(const struct mr_host_report *h)
{
	return h->seconds;
}

static void prom_run_metric(FILE *out, const struct mr_report *rep, const char *name,
                            const char *help, double value)
{
	prom_family(out, name, help);
	fprintf(out, "%s{command=\"%s\"} %.3f\n", name, rep->command, value);
}

static int write_prom(const struct mr_report *rep, FILE *out)
{
	prom_metric(out, rep, "migready_host_up",
	            "1 if the host was reached, something of it checked, and nothing failed on it",
	            0, host_up);
	prom_metric(out, rep, "migready_host_reachable",
	            "1 if the host answered the facts probe; 0: its settings are unknown", 0,
	            host_reachable);
	prom_metric(out, rep, "migready_drift_settings",
	            "Settings that differ from the profile (hosts reached only)", 1, host_drift);
	prom_metric(out, rep, "migready_changed_settings",
	            "Settings that apply changed (hosts reached only)", 1, host_changed);
	prom_metric(out, rep, "migready_managed_settings",
	            "Settings the profile manages on the host (hosts reached only)", 1,
	            host_settings);
	prom_metric(out, rep, "migready_unchecked_settings",
	            "Settings of the profile this release does not examine (hosts reached only)",
	            1, host_unchecked);
	prom_settings(out, rep, "migready_setting_drift",
	              "1 for each setting that differs from the profile", OUTCOMES(MR_OUTCOME_DRIFT));
	prom_settings(out, rep, "migready_setting_changed", "1 for each setting that apply changed",
	              OUTCOMES(MR_OUTCOME_CHANGED));
	prom_settings(out, rep, "migready_setting_failed",
	              "1 for each setting that could not be checked or changed",
	              OUTCOMES2(MR_OUTCOME_FAILED, MR_OUTCOME_UNKNOWN));
	prom_settings(out, rep, "migready_setting_unchecked",
	              "1 for each setting of the profile this release does not examine",
	              OUTCOMES(MR_OUTCOME_UNCHECKED));
	prom_restarts(out, rep);
	prom_metric(out, rep, "migready_host_duration_seconds", "Time spent on the host", 0,
	            host_seconds);
	prom_run_metric(out, rep, "migready_run_duration_seconds", "Time the whole run took",
	                rep->seconds);
	prom_run_metric(out, rep, "migready_last_run_timestamp_seconds", "When migready last ran",
	                rep->started > 0 ? rep->started : (double)time(NULL));
	if (rep->last_success > 0)
		prom_run_metric(out, rep, "migready_last_success_timestamp_seconds",
		                "When a run last ended without a failed host", rep->last_success);
	return 0;
}

int mr_report_write(const struct mr_report *rep, const struct mr_render_opts *opts, FILE *out)
{
	switch (opts->format) {
	case MR_FORMAT_JSON:
		write_json(rep, out);
		break;
	case MR_FORMAT_PROM:
		write_prom(rep, out);
		break;
	case MR_FORMAT_TEXT:
		write_text(rep, opts, out);
		break;
	}
	return ferror(out) || fflush(out) != 0 ? -1 : 0;
}
