/* Fuzz target: a host's facts (mr_facts_parse of the probe's output, which
 * the host writes: never trusted), then every resource planning from them
 * (mr_res_plan_all) under profiles that use every section.
 *
 * Input: the probe's output.
 *
 * Promises checked: a refusal is one error naming the host; parsed facts
 * have keys of the probe's alphabet and values without control bytes; a
 * copy holds the same pairs; planning never fails for a host's own facts
 * (a host's problem is a failed item, not an error of the run), and the
 * sanitizers watch every parser the resources run on fact values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "fuzz.h"
#include "plan.h"
#include "profile.h"
#include "res.h"

static struct mr_profile *profiles[8];
static size_t n_profiles;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char *const paths[] = {
		MR_FUZZ_SRC "/tests/data/profiles/full.ini",   MR_FUZZ_SRC "/profiles/base-libvirt.ini",
		MR_FUZZ_SRC "/profiles/shared-nfs-tcp.ini",    MR_FUZZ_SRC "/profiles/tls.ini",
		MR_FUZZ_SRC "/profiles/block-migration.ini",   MR_FUZZ_SRC "/tests/data/firewall/profile.ini",
		MR_FUZZ_SRC "/tests/data/storage/profiles/server.ini",
	};
	_Static_assert(sizeof(paths) / sizeof(paths[0]) <= sizeof(profiles) / sizeof(profiles[0]),
	               "profiles[] holds every path");
	for (size_t i = 0; i < MR_ARRAY_LEN(paths); i++) {
		struct mr_error *err = NULL;
		struct mr_profile *p = mr_profile_load(&paths[i], 1, &err);
		if (!p)
			mr_fuzz_fail("profile %s: %s", paths[i], err ? err->message : "not loaded");
		profiles[n_profiles++] = p;
	}
	return 0;
}

static int fact_key_ok(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || strchr("._/@+-", *k)))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_error *err = NULL;
	struct mr_facts *f = mr_facts_parse("host1", (const char *)data, size, &err);
	mr_fuzz_check_errors(f, err, "facts");
	mr_error_free(err);
	if (!f)
		return 0;
	struct mr_facts *copy = mr_facts_copy(f);
	if (mr_facts_count(copy) != mr_facts_count(f))
		mr_fuzz_fail("a copy of %zu facts holds %zu", mr_facts_count(f), mr_facts_count(copy));
	for (size_t i = 0; i < mr_facts_count(f); i++) {
		const char *k, *v, *ck, *cv;
		mr_facts_pair(f, i, &k, &v);
		mr_facts_pair(copy, i, &ck, &cv);
		if (strcmp(k, ck) != 0 || strcmp(v, cv) != 0)
			mr_fuzz_fail("fact %zu copied as %s=%s, not %s=%s", i, ck, cv, k, v);
		if (!fact_key_ok(k))
			mr_fuzz_fail("a fact key outside the probe's alphabet: '%s'", k);
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				mr_fuzz_fail("a control byte in the value of %s", k);
		struct mr_file_fact ff;
		if (mr_file_fact_parse(v, &ff) == 0)
			(void)mr_fact_path_shown(ff.file, ff.file_len);
	}
	mr_facts_free(copy);
	const char *why = NULL;
	(void)mr_libvirt_world_name(mr_facts_libvirt_world(f, &why));
	free(mr_facts_libvirt_version(f));
	free(mr_facts_nova_version(f));
	(void)mr_facts_libvirtd_defaults(f);
	(void)mr_facts_unit(f, "libvirtd-tcp.socket");
	for (size_t i = 0; i < n_profiles; i++) {
		struct mr_plan *plan = mr_plan_new(f);
		struct mr_res_ctx ctx = { .profile = profiles[i] };
		err = NULL;
		if (mr_res_plan_all(plan, &ctx, &err) < 0)
			mr_fuzz_fail("planning failed on a host's facts: %s",
			             err ? err->message : "no error");
		mr_error_free(err);
		mr_plan_free(plan);
	}
	mr_facts_free(f);
	return 0;
}
