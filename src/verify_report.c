/* verify's results as text (per-host findings, then the source x
 * destination matrix) or JSON (hosts with their findings, then pairs).
 * Its colours and JSON strings are report.c's. */
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "report.h"
#include "verify_analysis.h"


static const char *const sev_word[] = { "FAIL", "WARN", "INFO", "NOT EXAMINED" };
static const char *const sev_json[] = { "fail", "warn", "info", "not-examined" };
static const char *const sev_color[] = { MR_C_RED, MR_C_YELLOW, "", MR_C_CYAN };

struct counts {
	size_t pairs, ok, warned, failed, unexamined, hosts_bad;
};

static struct counts count(const struct mr_verify_result *res)
{
	struct counts c = { 0 };
	for (size_t i = 0; i < res->n; i++) {
		c.hosts_bad += !res->hosts[i].examined || res->hosts[i].ssh_failed;
		for (size_t j = 0; j < res->n; j++) {
			if (i == j)
				continue;
			const struct mr_verify_pair *p = &res->pairs[i * res->n + j];
			c.pairs++;
			if (!p->examined)
				c.unexamined++;
			else if (p->n_reasons)
				c.failed++;
			else
				c.ok++;
			c.warned += p->examined && !p->n_reasons && p->n_warnings;
		}
	}
	return c;
}

/* s padded to width (0: as is), in colour c when colours are on. */
static void colored(FILE *out, int color, const char *c, int width, const char *s)
{
	if (color && *c)
		fputs(c, out);
	fprintf(out, "%-*s", width, s);
	if (color && *c)
		fputs(MR_C_RESET, out);
}

static const char *const status_word[] = { "PASS", "INFO", "WARN", "FAIL", "NOT EXAMINED" };
static const char *const status_json[] = { "pass", "info", "warn", "fail", "not-examined" };
static const char *const status_color[] = { MR_C_GREEN, "", MR_C_YELLOW, MR_C_RED, MR_C_CYAN };

/* "  libvirt: host UUID unique ........ : PASS", as virt-host-validate. */
static void check_line(FILE *out, int color, const char *side, const char *title,
		       enum mr_verify_status st)
{
	int pad = 52 - (int)strlen(side) - (int)strlen(title);
	fprintf(out, "  %s: %s%*s: ", side, title, pad > 1 ? pad : 1, "");
	colored(out, color, status_color[st], 0, status_word[st]);
	fputc('\n', out);
}

/* Text from libvirt, the hosts or the inventory (a guest's name may hold
 * an escape sequence): never raw to the terminal, as report.c's. */
static void put(FILE *out, const char *s)
{
	mr_report_put_text(out, s, strlen(s));
}

static void text_host(const struct mr_verify_result *res, size_t i, int color, int quiet, FILE *out)
{
	const struct mr_verify_host_result *h = &res->hosts[i];
	if (color)
		fputs(MR_C_BOLD, out);
	put(out, h->name);
	if (color)
		fputs(MR_C_RESET, out);
	fputs("  ", out);
	put(out, h->uri);
	fputc('\n', out);
	if (h->summary) {
		fputs("  ", out);
		put(out, h->summary);
		fputc('\n', out);
	}
	for (size_t c = 0; c < mr_verify_n_libvirt_checks; c++) {
		const struct mr_verify_check *ck = &mr_verify_libvirt_checks[c];
		enum mr_verify_status st = mr_verify_check_status(res, i, ck->name);
		if (!quiet || st != MR_VERIFY_PASS)
			check_line(out, color, "libvirt", ck->title, st);
	}
	for (size_t c = 0; c < mr_verify_n_ssh_checks; c++) {
		enum mr_verify_status st = mr_verify_check_status(res, i, mr_verify_ssh_checks[c]);
		if (!quiet || st != MR_VERIFY_PASS)
			check_line(out, color, "ssh", mr_verify_ssh_checks[c], st);
	}
	for (size_t k = 0; k < h->n_findings; k++) {
		const struct mr_verify_finding *f = &h->findings[k];
		fputs("  ", out);
		colored(out, color, sev_color[f->severity], 12, sev_word[f->severity]);
		fprintf(out, "  %s: ", f->check);
		put(out, f->reason);
		fputc('\n', out);
		if (f->fix) {
			fprintf(out, "  %-12s  fix: ", "");
			put(out, f->fix);
			fputc('\n', out);
		}
	}
	if (h->n_unexamined)
		fputs("  (the SSH-side checks did not run: not examined is never a pass)\n", out);
}

static void text_matrix(const struct mr_verify_result *res, int color, FILE *out)
{
	size_t w = strlen("source \\ destination");
	for (size_t i = 0; i < res->n; i++)
		if (strlen(res->hosts[i].name) > w)
			w = strlen(res->hosts[i].name);
	fprintf(out, "%-*s", (int)w, "source \\ destination");
	for (size_t j = 0; j < res->n; j++)
		fprintf(out, "  %-4s", res->hosts[j].name);
	fputc('\n', out);
	for (size_t i = 0; i < res->n; i++) {
		fprintf(out, "%-*s", (int)w, res->hosts[i].name);
		for (size_t j = 0; j < res->n; j++) {
			const struct mr_verify_pair *p = &res->pairs[i * res->n + j];
			int cw = (int)(strlen(res->hosts[j].name) > 4 ? strlen(res->hosts[j].name)
								      : 4);
			const char *cell = i == j          ? "-"
					   : !p->examined  ? "?"
					   : p->n_reasons  ? "FAIL"
					   : p->n_warnings ? "warn"
							   : "ok";
			const char *c = i == j          ? ""
					: !p->examined  ? MR_C_CYAN
					: p->n_reasons  ? MR_C_RED
					: p->n_warnings ? MR_C_YELLOW
							: MR_C_GREEN;
			fputs("  ", out);
			if (color && *c)
				fputs(c, out);
			fprintf(out, "%-*s", cw, cell);
			if (color && *c)
				fputs(MR_C_RESET, out);
		}
		fputc('\n', out);
	}
}

static int write_text(const struct mr_verify_result *res, int color, int quiet, FILE *out)
{
	struct counts c = count(res);
	for (size_t i = 0; i < res->n; i++) {
		text_host(res, i, color, quiet, out);
		fputc('\n', out);
	}
	if (res->n > 1) {
		text_matrix(res, color, out);
		int header = 0;
		for (size_t i = 0; i < res->n; i++) {
			for (size_t j = 0; j < res->n; j++) {
				const struct mr_verify_pair *p = &res->pairs[i * res->n + j];
				if (i == j || (p->examined && !p->n_reasons && !p->n_warnings))
					continue;
				if (!header++)
					fputc('\n', out);
				put(out, res->hosts[i].name);
				fputs(" -> ", out);
				put(out, res->hosts[j].name);
				fputs(": ", out);
				if (!p->examined)
					fputs("not examined", out);
				else if (!p->n_reasons)
					fputs("can migrate", out);
				for (size_t k = 0; k < p->n_reasons; k++) {
					fputs(k ? "; " : "", out);
					put(out, p->reasons[k]);
				}
				for (size_t k = 0; k < p->n_warnings; k++) {
					fputs(k ? "; " : "; warning: ", out);
					put(out, p->warnings[k]);
				}
				fputc('\n', out);
			}
		}
		fputc('\n', out);
	}
	if (res->baseline || res->baseline_error) {
		fputs("baseline CPU of all hosts: ", out);
		fputs(res->baseline ? "" : "none (", out);
		put(out, res->baseline ? res->baseline : res->baseline_error);
		fputs(res->baseline ? "\n" : ")\n", out);
	}
	fprintf(out,
		"%zu pair%s: %zu can migrate (%zu with warnings), %zu cannot, %zu not examined; "
		"%zu host%s, %zu not examined\n",
		c.pairs, c.pairs == 1 ? "" : "s", c.ok, c.warned, c.failed, c.unexamined, res->n,
		res->n == 1 ? "" : "s", c.hosts_bad);
	return ferror(out) ? -1 : 0;
}

static json_object *host_json(const struct mr_verify_result *res, size_t i)
{
	const struct mr_verify_host_result *h = &res->hosts[i];
	json_object *o = json_object_new_object();
	json_object *fs = json_object_new_array();
	json_object *ne = json_object_new_array();
	json_object_object_add(o, "name", mr_report_json_str(h->name));
	json_object_object_add(o, "uri", mr_report_json_str(h->uri));
	json_object_object_add(o, "examined", json_object_new_boolean(h->examined));
	json_object_object_add(o, "ssh_examined", json_object_new_boolean(!h->ssh_failed));
	json_object_object_add(o, "summary", mr_report_json_str(h->summary));
	for (size_t k = 0; k < h->n_findings; k++) {
		const struct mr_verify_finding *f = &h->findings[k];
		json_object *fo = json_object_new_object();
		json_object_object_add(fo, "severity",
				       json_object_new_string(sev_json[f->severity]));
		json_object_object_add(fo, "check", mr_report_json_str(f->check));
		json_object_object_add(fo, "reason", mr_report_json_str(f->reason));
		json_object_object_add(fo, "fix", mr_report_json_str(f->fix));
		json_object_array_add(fs, fo);
	}
	for (size_t k = 0; k < h->n_unexamined; k++)
		json_object_array_add(ne, mr_report_json_str(h->unexamined[k]));
	json_object *cs = json_object_new_object();
	for (size_t k = 0; k < mr_verify_n_libvirt_checks; k++) {
		const char *name = mr_verify_libvirt_checks[k].name;
		enum mr_verify_status st = mr_verify_check_status(res, i, name);
		json_object_object_add(cs, name, json_object_new_string(status_json[st]));
	}
	for (size_t k = 0; k < mr_verify_n_ssh_checks; k++) {
		const char *name = mr_verify_ssh_checks[k];
		enum mr_verify_status st = mr_verify_check_status(res, i, name);
		json_object_object_add(cs, name, json_object_new_string(status_json[st]));
	}
	json_object_object_add(o, "checks", cs);
	json_object_object_add(o, "findings", fs);
	json_object_object_add(o, "not_examined", ne);
	return o;
}

/* o as json-c prints it nested at that depth (every line after the
 * first indented by depth * 2 spaces: a string holds no line break); o
 * freed */
static void json_nested(FILE *out, json_object *o, int depth)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
	for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1)
		fprintf(out, "%.*s\n%*s", (int)(nl - s), s, depth * 2, "");
	fputs(s, out);
	json_object_put(o);
}

/* "KEY":VALUE of the top-level object; VALUE freed */
static void json_member(FILE *out, const char *key, json_object *value, int last)
{
	fprintf(out, "  \"%s\":", key);
	json_nested(out, value, 1);
	fputs(last ? "\n" : ",\n", out);
}

static json_object *pair_json(const struct mr_verify_result *res, size_t i, size_t j)
{
	const struct mr_verify_pair *p = &res->pairs[i * res->n + j];
	json_object *o = json_object_new_object();
	json_object *rs = json_object_new_array();
	json_object_object_add(o, "source", mr_report_json_str(res->hosts[i].name));
	json_object_object_add(o, "destination", mr_report_json_str(res->hosts[j].name));
	json_object_object_add(o, "ok", json_object_new_boolean(mr_verify_pair_ok(res, i, j)));
	json_object_object_add(o, "examined", json_object_new_boolean(p->examined));
	if (!p->examined)
		json_object_array_add(rs, json_object_new_string("not examined"));
	for (size_t k = 0; k < p->n_reasons; k++)
		json_object_array_add(rs, mr_report_json_str(p->reasons[k]));
	json_object_object_add(o, "reasons", rs);
	json_object *ws = json_object_new_array();
	for (size_t k = 0; k < p->n_warnings; k++)
		json_object_array_add(ws, mr_report_json_str(p->warnings[k]));
	json_object_object_add(o, "warnings", ws);
	return o;
}

/* An element of a top-level array, written as it goes; o freed */
static void json_element(FILE *out, int *first, json_object *o)
{
	fputs(*first ? "\n    " : ",\n    ", out);
	json_nested(out, o, 2);
	*first = 0;
}

/* The document json-c would print of the whole tree, written a member at
 * a time, and hosts and pairs an element at a time: a fleet has N*(N-1)
 * pairs (39,800 at 200 hosts) and as many findings of its probes, whose
 * tree took ten times the memory of the text. */
static int write_json(const struct mr_verify_result *res, FILE *out)
{
	struct counts c = count(res);
	int first = 1;
	fputs("{\n  \"command\":\"verify\",\n  \"hosts\":[", out);
	for (size_t i = 0; i < res->n; i++)
		json_element(out, &first, host_json(res, i));
	fputs(first ? "\n  ],\n" : "\n  ],\n", out);
	first = 1;
	fputs("  \"pairs\":[", out);
	for (size_t i = 0; i < res->n; i++)
		for (size_t j = 0; j < res->n; j++)
			if (i != j)
				json_element(out, &first, pair_json(res, i, j));
	fputs("\n  ],\n", out);
	json_object *bl = json_object_new_object();
	json_object_object_add(bl, "cpu", mr_report_json_str(res->baseline));
	json_object_object_add(bl, "xml", mr_report_json_str(res->baseline_xml));
	json_object_object_add(bl, "error", mr_report_json_str(res->baseline_error));
	json_member(out, "baseline", bl, 0);
	json_object *sum = json_object_new_object();
	json_object_object_add(sum, "pairs", json_object_new_int64((int64_t)c.pairs));
	json_object_object_add(sum, "ok", json_object_new_int64((int64_t)c.ok));
	json_object_object_add(sum, "ok_with_warnings", json_object_new_int64((int64_t)c.warned));
	json_object_object_add(sum, "failed", json_object_new_int64((int64_t)c.failed));
	json_object_object_add(sum, "not_examined", json_object_new_int64((int64_t)c.unexamined));
	json_object_object_add(sum, "hosts_not_examined",
			       json_object_new_int64((int64_t)c.hosts_bad));
	json_member(out, "summary", sum, 1);
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}

int mr_verify_report_write(const struct mr_verify_result *res, enum mr_verify_format format,
			   int color, int quiet, FILE *out)
{
	if (format == MR_VERIFY_JSON)
		return write_json(res, out);
	return write_text(res, color, quiet, out);
}
