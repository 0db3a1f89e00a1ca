/* roundtrip: parse files with a lens and check that they come back byte for
 * byte.
 *
 *   roundtrip [-I LENSDIR]... LENS FILE...
 *
 * For each FILE: aug_text_store (parse into a tree), then aug_text_retrieve
 * (serialise the tree again), and compare with the original bytes.  LENSDIR
 * (migready's lenses/) is searched before Augeas' own lens directory; only
 * the module LENS needs is loaded.  Prints one line per file; on failure,
 * the parse error with its line and character, or the first byte where the
 * output differs.  Exits 0 if every file round-trips, 1 otherwise, 2 on
 * usage errors. */
#include <augeas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raw_aug.h"
#include "util.h"

#define MAX_DIRS 8




/* Where two texts first differ, as line and column of A. */
static void print_diff(const char *file, const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, line = 1, col = 1;
	size_t end = alen < blen ? alen : blen;

	while (i < end && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i++;
	}
	printf("FAIL %s: output differs from input at line %zu, char %zu (byte %zu; "
	       "input %zu bytes, output %zu bytes)\n",
	       file, line, col, i, alen, blen);
	printf("  input:  \"%.40s\"\n  output: \"%.40s\"\n", a + i, b + i);
}

static int roundtrip(augeas *aug, const char *lens, const char *file)
{
	const char *out = NULL;
	char *text = NULL;
	size_t len = 0;
	int r = -1;

	if (!(text = mr_file_read(file, &len))) {
		printf("FAIL %s: %s\n", file, strerror(errno));
		goto out;
	}
	if (strlen(text) != len) {
		printf("FAIL %s: contains a NUL byte\n", file);
		goto out;
	}
	if (aug_set(aug, "/text", text) < 0) {
		raw_aug_print_error(stdout, "FAIL ", aug, file, "aug_set");
		goto out;
	}
	if (aug_text_store(aug, lens, "/text", "/tree") < 0) {
		raw_aug_print_error(stdout, "FAIL ", aug, file, "does not parse");
		goto out;
	}
	if (aug_text_retrieve(aug, lens, "/text", "/tree", "/out") < 0) {
		raw_aug_print_error(stdout, "FAIL ", aug, file, "does not serialise");
		goto out;
	}
	if (aug_get(aug, "/out", &out) != 1 || !out) {
		printf("FAIL %s: no output\n", file);
		goto out;
	}
	if (strlen(out) != len || memcmp(out, text, len) != 0) {
		print_diff(file, text, len, out, strlen(out));
		goto out;
	}
	printf("ok   %s\n", file);
	r = 0;
out:
	free(text);
	return r;
}

int main(int argc, char **argv)
{
	char *dirs[MAX_DIRS];
	int ndirs = 0, argi = 1, failed = 0;
	char *loadpath = NULL;
	augeas *aug = NULL;
	const char *lens;

	while (argi + 1 < argc && strcmp(argv[argi], "-I") == 0) {
		if (ndirs == MAX_DIRS)
			break;
		dirs[ndirs++] = argv[argi + 1];
		argi += 2;
	}
	if (argc - argi < 2 || ndirs == 0) {
		fprintf(stderr, "usage: roundtrip -I LENSDIR [-I LENSDIR]... LENS FILE...\n");
		return 2;
	}
	lens = argv[argi++];
	if (!(loadpath = raw_aug_loadpath(dirs, ndirs)))
		return 2;
	/* Load no module up front; aug_text_store loads the one LENS names. */
	aug = aug_init(NULL, loadpath, AUG_NO_MODL_AUTOLOAD | AUG_NO_LOAD | AUG_NO_ERR_CLOSE);
	free(loadpath);
	if (!aug || aug_error(aug) != AUG_NOERROR) {
		fprintf(stderr, "roundtrip: aug_init failed\n");
		aug_close(aug);
		return 2;
	}
	for (; argi < argc; argi++)
		if (roundtrip(aug, lens, argv[argi]) < 0)
			failed++;
	aug_close(aug);
	if (failed)
		printf("%d file(s) failed with %s\n", failed, lens);
	return failed ? 1 : 0;
}
