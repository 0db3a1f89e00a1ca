/* Fuzz target: a backup run's MANIFEST (mr_manifest_parse), as a host
 * hands it back to rollback: the host's text, never trusted.
 *
 * Input: the MANIFEST's text.
 *
 * Promises checked: a refusal names its line (an error, no result); every
 * path read is absolute without ".."; a MANIFEST with every SHA-256 (the
 * current format) is formatted and read back to the very same text, and
 * every action has its text (rollback --list). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Whether path has a component "..". */
static int climbs(const char *path)
{
	for (const char *c = path; (c = strstr(c, "..")); c += 2)
		if ((c == path || c[-1] == '/') && (c[2] == '/' || !c[2]))
			return 1;
	return 0;
}

static void check_paths(const struct mr_manifest *m)
{
	for (size_t i = 0; i < m->n_files; i++)
		if (m->files[i].path[0] != '/' || climbs(m->files[i].path))
			mr_fuzz_fail("a path read that is not absolute or climbs: '%s'",
			             m->files[i].path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_error *err = NULL;
	struct mr_manifest *m = mr_manifest_parse((const char *)data, size, "host:/MANIFEST", &err);
	mr_fuzz_check_errors(m, err, "MANIFEST");
	mr_error_free(err);
	if (!m)
		return 0;
	check_paths(m);
	for (size_t i = 0; i < m->n_actions; i++)
		free(mr_backup_action_text(&m->actions[i]));
	if (m->has_sha) {
		char *text = mr_manifest_format(m);
		err = NULL;
		struct mr_manifest *back = mr_manifest_parse(text, strlen(text), "again", &err);
		if (!back)
			mr_fuzz_fail("a formatted MANIFEST does not read back: %s",
			             err ? err->message : "no error");
		char *again = mr_manifest_format(back);
		if (strcmp(again, text) != 0)
			mr_fuzz_fail("a MANIFEST formatted, read and formatted again differs:\n%s---\n%s",
			             text, again);
		free(again);
		mr_manifest_free(back);
		free(text);
	}
	mr_manifest_free(m);
	return 0;
}
