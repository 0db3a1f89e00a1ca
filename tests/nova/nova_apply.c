/* nova_apply LENS_DIRS CPU_MAP_DIR RELEASE PROFILE NOVA_CONF
 *
 * Writes NOVA_CONF as migready would for nova RELEASE (a name or a major
 * version) and PROFILE's [nova] section: mr_nova_plan, then the edits
 * through the engine with Migready_oslo.lns. The result goes to stdout;
 * one line per edit to stderr, fields separated by tabs:
 *   section/key  set|removed  value  deprecated|-  file:line|stale  note
 * Exit 0, or 1 with the errors on stderr. For check_conf.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aug.h"
#include "nova.h"
#include "profile.h"

static void print_errors(const struct mr_error *err)
{
	for (; err; err = err->next) {
		char *s = mr_error_format(err);
		fprintf(stderr, "error: %s\n", s);
		free(s);
	}
}

int main(int argc, char **argv)
{
	struct mr_error *err = NULL;
	struct mr_profile *p = NULL;
	struct mr_cpu_map *cpus = NULL;
	struct mr_aug *aug = NULL;
	struct mr_nova_edit *edits = NULL;
	struct mr_aug_op *ops = NULL;
	struct mr_aug_outcome *oc = NULL;
	char *text = NULL, *out = NULL;
	size_t n = 0, len = 0, out_len = 0;
	int r = 1;

	if (argc != 6) {
		fprintf(stderr, "usage: nova_apply LENS_DIRS CPU_MAP_DIR RELEASE PROFILE NOVA_CONF\n");
		return 2;
	}
	int major = mr_profile_nova_major(argv[3]);
	if (major <= 0) {
		fprintf(stderr, "error: release '%s'\n", argv[3]);
		goto out;
	}
	const char *paths[] = { argv[4] };
	if (!(p = mr_profile_load(paths, 1, &err)) ||
	    !(cpus = mr_cpu_map_load(argv[2], "x86", &err)) ||
	    mr_nova_plan((unsigned)major, p, cpus, &edits, &n, &err) < 0)
		goto out;
	if (!(text = mr_file_read(argv[5], &len))) {
		perror(argv[5]);
		goto out;
	}
	ops = mr_xcalloc(n ? n : 1, sizeof(*ops));
	oc = mr_xcalloc(n ? n : 1, sizeof(*oc));
	for (size_t i = 0; i < n; i++) {
		const struct mr_nova_edit *e = &edits[i];
		mr_nova_edit_op(e, &ops[i]);
		fprintf(stderr, "%s/%s\t%s\t%s\t%s\t", e->section, e->key,
		        e->value ? "set" : "removed", e->value ? e->value : "",
		        e->deprecated ? "deprecated" : "-");
		if (e->origin)
			fprintf(stderr, "%s:%u", e->origin->loc.file, e->origin->loc.line);
		else
			fprintf(stderr, "stale");
		fprintf(stderr, "\t%s\n", e->note ? e->note : "");
	}
	if (!(aug = mr_aug_new(argv[1], &err)) ||
	    mr_aug_transform(aug, argv[5], "Migready_oslo.lns", text, len, ops, n, oc, &out,
	                     &out_len, &err) < 0)
		goto out;
	fwrite(out, 1, out_len, stdout);
	r = 0;
out:
	print_errors(err);
	mr_error_free(err);
	mr_aug_outcomes_fini(oc, n);
	free(oc);
	free(ops);
	free(out);
	free(text);
	mr_nova_edits_free(edits, n);
	mr_aug_free(aug);
	mr_cpu_map_free(cpus);
	mr_profile_free(p);
	return r;
}
