/* lens_parse: how long Augeas takes to start and to parse one file.
 *
 *   lens_parse [-I LENSDIR]... LENS FILE [ITER]
 *
 * LENS is a lens name such as Migready_oslo.lns; LENSDIR (default: the
 * source tree's lenses/) is searched before Augeas' own lenses.  It prints:
 * - aug_init with no module loaded, then the one module LENS needs, which is
 *   how migready starts, against a default aug_init that loads every lens
 *   it can find (both with AUG_NO_LOAD, so no file of this machine is read);
 * - the median and minimum wall time of aug_text_store (parse FILE into a
 *   tree) and aug_text_retrieve (turn the tree back into text) over ITER
 *   runs (default 50), and whether the text came back byte for byte.
 * It exits 1 if FILE does not parse, 2 on usage errors. */
#include "config.h"

#include <augeas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "raw_aug.h"
#include "util.h"

#define MAX_DIRS 8

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}




/* aug_init with no module, then one aug_text_store of an empty string to
 * make Augeas load and compile the module of LENS. */
static augeas *init_one_lens(const char *loadpath, const char *lens, double *init_ms,
                             double *load_ms)
{
	double t0 = now_ms();
	augeas *aug = aug_init(NULL, loadpath, AUG_NO_MODL_AUTOLOAD | AUG_NO_LOAD | AUG_NO_ERR_CLOSE);

	*init_ms = now_ms() - t0;
	if (!aug || aug_error(aug) != AUG_NOERROR) {
		fprintf(stderr, "lens_parse: aug_init failed\n");
		aug_close(aug);
		return NULL;
	}
	t0 = now_ms();
	if (aug_set(aug, "/text", "") < 0 || aug_text_store(aug, lens, "/text", "/tree") < 0) {
		raw_aug_print_error(stderr, "lens_parse: ", aug, lens, "loading lens");
		aug_close(aug);
		return NULL;
	}
	*load_ms = now_ms() - t0;
	return aug;
}

int main(int argc, char **argv)
{
	char *dirs[MAX_DIRS];
	int ndirs = 0, argi = 1, iter = 50, r = 2;
	char *loadpath = NULL, *text = NULL;
	double *store_ms = NULL, *retr_ms = NULL;
	augeas *aug = NULL, *full = NULL;
	const char *lens, *file, *out = NULL;
	double init_ms, load_ms, full_ms, t0;
	size_t len = 0;
	int identical;

	while (argi + 1 < argc && strcmp(argv[argi], "-I") == 0) {
		if (ndirs == MAX_DIRS)
			goto usage;
		dirs[ndirs++] = argv[argi + 1];
		argi += 2;
	}
	if (ndirs == 0)
		dirs[ndirs++] = MR_SOURCE_LENS_DIR;
	if (argc - argi < 2 || argc - argi > 3)
		goto usage;
	lens = argv[argi];
	file = argv[argi + 1];
	if (argc - argi == 3 && (iter = atoi(argv[argi + 2])) < 1)
		goto usage;

	r = 1;
	if (!(text = mr_file_read(file, &len))) {
		fprintf(stderr, "lens_parse: %s: %s\n", file, strerror(errno));
		goto out;
	}
	if (!(loadpath = raw_aug_loadpath(dirs, ndirs)))
		goto out;
	store_ms = calloc(iter, sizeof(*store_ms));
	retr_ms = calloc(iter, sizeof(*retr_ms));
	if (!store_ms || !retr_ms)
		goto out;

	if (!(aug = init_one_lens(loadpath, lens, &init_ms, &load_ms)))
		goto out;

	t0 = now_ms();
	full = aug_init(NULL, loadpath, AUG_NO_LOAD | AUG_NO_ERR_CLOSE);
	full_ms = now_ms() - t0;
	if (!full || aug_error(full) != AUG_NOERROR) {
		fprintf(stderr, "lens_parse: default aug_init failed\n");
		goto out;
	}
	aug_close(full);
	full = NULL;

	if (aug_set(aug, "/text", text) < 0)
		goto out;
	for (int i = 0; i < iter; i++) {
		t0 = now_ms();
		if (aug_text_store(aug, lens, "/text", "/tree") < 0) {
			raw_aug_print_error(stderr, "lens_parse: ", aug, file, "aug_text_store");
			goto out;
		}
		store_ms[i] = now_ms() - t0;
		t0 = now_ms();
		if (aug_text_retrieve(aug, lens, "/text", "/tree", "/out") < 0) {
			raw_aug_print_error(stderr, "lens_parse: ", aug, file, "aug_text_retrieve");
			goto out;
		}
		retr_ms[i] = now_ms() - t0;
	}
	aug_get(aug, "/out", &out);
	identical = out && strlen(out) == len && memcmp(out, text, len) == 0;
	qsort(store_ms, iter, sizeof(*store_ms), cmp_double);
	qsort(retr_ms, iter, sizeof(*retr_ms), cmp_double);

	printf("file      %s (%zu bytes, %d runs)\n", file, len, iter);
	printf("lens      %s (load path %s)\n", lens, loadpath);
	printf("%-44s %10s %10s\n", "", "median ms", "min ms");
	printf("%-44s %10.2f\n", "aug_init, no module (AUG_NO_MODL_AUTOLOAD)", init_ms);
	printf("%-44s %10.2f\n", "  + load and compile this lens's module", load_ms);
	printf("%-44s %10.2f\n", "aug_init, every lens (default)", full_ms);
	printf("%-44s %10.2f %10.2f\n", "aug_text_store (parse)", store_ms[iter / 2], store_ms[0]);
	printf("%-44s %10.2f %10.2f\n", "aug_text_retrieve (serialise)", retr_ms[iter / 2],
	       retr_ms[0]);
	printf("%-44s %10s\n", "round trip byte for byte", identical ? "yes" : "NO");
	r = identical ? 0 : 1;
	goto out;

usage:
	fprintf(stderr, "usage: lens_parse [-I LENSDIR]... LENS FILE [ITER]\n");
out:
	aug_close(full);
	aug_close(aug);
	free(store_ms);
	free(retr_ms);
	free(loadpath);
	free(text);
	return r;
}
