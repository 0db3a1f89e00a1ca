/* Fuzz target: one of migready's own lenses (MR_FUZZ_LENS, from
 * meson.build) through the engine, mr_aug_transform, as a run uses it.
 *
 * Promises checked ("nothing lost"):
 * - with no operation, the result is the input byte for byte, or a clean
 *   error (a parse error with its place, no text);
 * - with a fixed set of set/rm operations, a result parses again and reads
 *   back as itself, and the same operations on it change nothing (apply
 *   converges: the next check finds no drift);
 * - no crash, no leak, no undefined behaviour (the sanitizers). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aug.h"
#include "fuzz.h"
#include "res.h"

#ifndef MR_FUZZ_LENS
#error "MR_FUZZ_LENS: the lens this target feeds, e.g. \"Migready_libvirt.lns\""
#endif

#define WHERE "fuzz:/etc/fuzz.conf"

/* The operations a run makes on such files (res_libvirtd.c, res_qemu.c,
 * nova's options), plus a removal. */
static const struct mr_aug_op libvirt_ops[] = {
	{ MR_AUG_SET, NULL, "listen_tcp", "1", MR_FMT_LIBVIRT_NUM, "listen_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, NULL, "auth_tcp", "none", MR_FMT_LIBVIRT_STR, "auth_tcp[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_RM, NULL, "max_clients", NULL, MR_FMT_LIBVIRT_NUM, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
};
static const struct mr_aug_op oslo_ops[] = {
	{ MR_AUG_SET, "libvirt", "cpu_mode", "custom", MR_FMT_RAW, "cpu_mode[ \t]*=.*", NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_SET, "DEFAULT", "instances_path", "/var/lib/nova/instances", MR_FMT_RAW, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
	{ MR_AUG_RM, "libvirt", "live_migration_flag", NULL, MR_FMT_RAW, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL },
};

/* res_nfs.c's export of the instances directory (its hooks, which read
 * "-opts" words and a network's place, as a run has them: filled in by
 * LLVMFuzzerInitialize), res_multipath.c's value */
static struct mr_aug_op exports_ops[1];
static const struct mr_aug_op multipath_ops[] = {
	{ .kind = MR_AUG_SET, .section = "defaults", .key = "user_friendly_names", .value = "no",
	  .fmt = MR_FMT_RAW },
};

static struct mr_aug *aug;
static const struct mr_aug_op *ops;
static size_t nops;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct mr_error *err = NULL;
	aug = mr_aug_new(MR_LENS_DIRS, &err);
	if (!aug)
		mr_fuzz_fail("cannot start the engine: %s", err ? err->message : "?");
	if (strcmp(MR_FUZZ_LENS, "Migready_oslo.lns") == 0) {
		ops = oslo_ops;
		nops = MR_ARRAY_LEN(oslo_ops);
	} else if (strcmp(MR_FUZZ_LENS, "Migready_exports.lns") == 0) {
		exports_ops[0] = mr_res_nfs_export;
		exports_ops[0].key = "dir[. = '/var/lib/nova/instances']";
		exports_ops[0].value = "/var/lib/nova/instances 10.20.0.0/255.255.255.0(rw,sync) *(ro)";
		exports_ops[0].children = ".\t/var/lib/nova/instances\nclient[1]\t10.20.0.0/255.255.255.0\n"
		                          "client[1]/option[1]\trw\nclient[1]/option[2]\tsync\n"
		                          "client[2]\t*\nclient[2]/option[1]\tro\n";
		ops = exports_ops;
		nops = MR_ARRAY_LEN(exports_ops);
	} else if (strcmp(MR_FUZZ_LENS, "Migready_multipath.lns") == 0) {
		ops = multipath_ops;
		nops = MR_ARRAY_LEN(multipath_ops);
	} else {
		ops = libvirt_ops;
		nops = MR_ARRAY_LEN(libvirt_ops);
	}
	return 0;
}

static int transform(const char *text, size_t len, const struct mr_aug_op *o, size_t n,
                     struct mr_aug_outcome *outcomes, char **out, size_t *out_len,
                     struct mr_error **err)
{
	int r = mr_aug_transform(aug, WHERE, MR_FUZZ_LENS, text, len, o, n, outcomes, out,
	                         out_len, err);
	if ((r == 0) != (*out != NULL) || (r == 0) == (*err != NULL))
		mr_fuzz_fail("transform returned %d with %s text and %s error", r,
		             *out ? "a" : "no", *err ? "an" : "no");
	if (r < 0) {
		for (const struct mr_error *e = *err; e; e = e->next)
			if (!e->where || strncmp(e->where, WHERE, strlen(WHERE)) != 0)
				mr_fuzz_fail("an error that does not name the file: %s", e->message);
	} else if (*out_len != strlen(*out)) {
		mr_fuzz_fail("result of %zu bytes said to be %zu", strlen(*out), *out_len);
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The engine takes a NUL-terminated text, as the transports hand it. */
	char *text = mr_xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct mr_aug_outcome none[1], outcomes[8], again[8];
	struct mr_error *err = NULL;
	char *out = NULL, *out2 = NULL, *out3 = NULL;
	size_t out_len = 0, out2_len = 0, out3_len = 0;

	if (transform(text, size, NULL, 0, none, &out, &out_len, &err) < 0)
		goto out;
	if (out_len != size || memcmp(out, text, size) != 0)
		mr_fuzz_fail("no operation, yet the text changed");

	free(out);
	out = NULL;
	if (transform(text, size, ops, nops, outcomes, &out, &out_len, &err) < 0)
		goto out;
	/* What would be written must read back as itself... */
	if (transform(out, out_len, NULL, 0, none, &out2, &out2_len, &err) < 0) {
		mr_fuzz_fail("the result does not parse again: %s\n--- input\n%s\n--- result\n%s",
		             err->message, text, out);
	}
	if (out2_len != out_len || memcmp(out2, out, out_len) != 0)
		mr_fuzz_fail("the result does not read back as itself");
	/* ...and be where the operations leave it. */
	if (transform(out, out_len, ops, nops, again, &out3, &out3_len, &err) < 0)
		mr_fuzz_fail("the operations fail on their own result: %s\n--- input\n%s\n"
		             "--- result\n%s", err->message, text, out);
	for (size_t i = 0; i < nops; i++)
		if (again[i].changed)
			mr_fuzz_fail("operation %zu (%s) changes its own result again\n--- input\n%s\n"
			             "--- result\n%s\n--- again\n%s", i, ops[i].key, text, out, out3);
	if (out3_len != out_len || memcmp(out3, out, out_len) != 0)
		mr_fuzz_fail("the operations rewrite their own result");
	mr_aug_outcomes_fini(again, nops);
	mr_aug_outcomes_fini(outcomes, nops);
out:
	free(out);
	free(out2);
	free(out3);
	mr_error_free(err);
	free(text);
	return 0;
}
