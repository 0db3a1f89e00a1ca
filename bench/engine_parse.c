/* engine_parse LENS FILE [ITER]: what migready's engine spends on one file
 * (mr_aug_transform: parse, edit, serialise, verify), with the comment
 * prose folded away as the engine does it, against the raw Augeas parse
 * (lens_parse). A fresh engine each time, so the parse cache never serves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aug.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}


/* What the resources ask of these files. */
static const struct mr_aug_op nova_ops[] = {
	{ MR_AUG_SET, "DEFAULT", "instances_path", "/var/lib/nova/instances", MR_FMT_RAW, "instances_path[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, "libvirt", "cpu_mode", "custom", MR_FMT_RAW, "cpu_mode[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, "libvirt", "cpu_models", "kvm64", MR_FMT_RAW, "cpu_models[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, "libvirt", "live_migration_bandwidth", "0", MR_FMT_RAW, "live_migration_bandwidth[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, "DEFAULT", "max_concurrent_live_migrations", "1", MR_FMT_RAW, "max_concurrent_live_migrations[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
};

static const struct mr_aug_op libvirt_ops[] = {
	{ MR_AUG_SET, NULL, "user", "nova", MR_FMT_LIBVIRT_STR, "user[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, NULL, "group", "nova", MR_FMT_LIBVIRT_STR, "group[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, NULL, "dynamic_ownership", "0", MR_FMT_LIBVIRT_NUM, "dynamic_ownership[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, NULL, "security_driver", "none", MR_FMT_LIBVIRT_STR, "security_driver[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, NULL, "migration_port_min", "49152", MR_FMT_LIBVIRT_NUM, "migration_port_min[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, NULL, "migration_port_max", "49261", MR_FMT_LIBVIRT_NUM, "migration_port_max[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
};

/* Median milliseconds of one transform of text with ops, fresh engine. */
static double measure(const char *lens, const char *text, size_t len, const struct mr_aug_op *ops,
                      size_t nops, int iter, char **result, size_t *result_len)
{
	double *t = calloc((size_t)iter, sizeof(*t));
	for (int i = 0; i < iter; i++) {
		struct mr_error *err = NULL;
		struct mr_aug *aug = mr_aug_new(mr_aug_default_lens_dirs(), &err);
		if (!aug) {
			fprintf(stderr, "engine: %s\n", err->message);
			exit(1);
		}
		struct mr_aug_outcome oc[8];
		char *out = NULL;
		size_t out_len;
		/* Warm the lens: compiling it is start-up, not parsing. */
		struct mr_aug_op none = { MR_AUG_RM, NULL, "no_such_key", NULL, MR_FMT_RAW, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL };
		mr_aug_transform(aug, "bench", lens, "", 0, &none, 1, oc, &out, &out_len, &err);
		mr_aug_outcomes_fini(oc, 1);
		free(out);
		double start = now_ms();
		if (mr_aug_transform(aug, "bench", lens, text, len, ops, nops, oc, &out, &out_len, &err) < 0) {
			fprintf(stderr, "%s: %s\n", err->where ? err->where : "", err->message);
			exit(1);
		}
		t[i] = now_ms() - start;
		mr_aug_outcomes_fini(oc, nops);
		if (i == 0 && result) {
			*result = out;
			*result_len = out_len;
		} else {
			free(out);
		}
		mr_aug_free(aug);
	}
	qsort(t, (size_t)iter, sizeof(*t), cmp_double);
	double median = t[iter / 2];
	free(t);
	return median;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: engine_parse LENS FILE [ITER]\n");
		return 2;
	}
	const char *lens = argv[1];
	int iter = argc > 3 ? atoi(argv[3]) : 15;
	size_t len;
	char *text = mr_file_read(argv[2], &len);
	if (!text) {
		perror(argv[2]);
		return 1;
	}
	int nova = strstr(lens, "oslo") != NULL;
	const struct mr_aug_op *ops = nova ? nova_ops : libvirt_ops;
	size_t nops = nova ? MR_ARRAY_LEN(nova_ops) : MR_ARRAY_LEN(libvirt_ops);
	char *edited = NULL;
	size_t edited_len = 0;
	double drift = measure(lens, text, len, ops, nops, iter, &edited, &edited_len);
	/* The converged file: every operation already satisfied. */
	double converged = measure(lens, edited, edited_len, ops, nops, iter, NULL, NULL);
	int lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	printf("%s: %zu bytes, %d lines, %s, %zu operations, median of %d\n", argv[2], len, lines,
	       lens, nops, iter);
	printf("  drifted file  (parse, edit, serialise, re-parse, compare): %8.2f ms\n", drift);
	printf("  converged file (parse, compare values):                    %8.2f ms\n", converged);
	free(text);
	free(edited);
	return 0;
}
