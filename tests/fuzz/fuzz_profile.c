/* Fuzz target: profiles through mr_profile_load, as `-p FILE` reads them.
 *
 * The input is written to a file in a private directory that also holds
 * base.ini, so that "include = base.ini" (and includes of the input itself,
 * a cycle) are followed for real. An input with a line "%%" is split there
 * into two profiles loaded in order, to reach the merging of -p files.
 *
 * Promises checked: a profile or errors, never both nor neither; every
 * error names its place; every value of a loaded profile passes the
 * schema's check again (what lint accepts, an inventory's "set" accepts);
 * a copy holds the same settings. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "profile.h"

static char *first_path, *second_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = mr_fuzz_tmpdir();
	char *base = mr_xasprintf("%s/base.ini", dir);
	static const char base_text[] = "[libvirtd]\nlisten_tcp = yes\n"
	                                "[firewall]\nallow = 16509/tcp\n";
	mr_fuzz_write(base, base_text, sizeof(base_text) - 1);
	free(base);
	first_path = mr_xasprintf("%s/fuzz.ini", dir);
	second_path = mr_xasprintf("%s/over.ini", dir);
	/* "~" in paths expands somewhere known and harmless. */
	setenv("HOME", dir, 1);
	mr_log_set_level(MR_LOG_ERROR);
	return 0;
}

static void check_profile(const struct mr_profile *p)
{
	size_t total = 0;
	for (size_t i = 0; i < mr_profile_section_count(p); i++) {
		const char *section = mr_profile_section_name(p, i);
		for (size_t j = 0; j < mr_profile_key_count(p, i); j++) {
			const char *key = mr_profile_key_name(p, i, j);
			size_t n = 0;
			const struct mr_setting *const *all = mr_profile_get_all(p, section, key, &n);
			/* "key =" with nothing: an emptied list ("source =" clears
			 * what an earlier profile allowed). */
			if (!n && (all || mr_profile_get(p, section, key) ||
			           mr_profile_key_is_list(section, key) != 1))
				mr_fuzz_fail("[%s] %s: listed with no value", section, key);
			if (n && (!all || mr_profile_get(p, section, key) != all[0]))
				mr_fuzz_fail("[%s] %s: listed but not found", section, key);
			if (n > 1 && mr_profile_key_is_list(section, key) != 1)
				mr_fuzz_fail("[%s] %s: a scalar key with %zu values", section, key, n);
			for (size_t k = 0; k < n; k++) {
				struct mr_error *err = NULL;
				const struct mr_setting *s = all[k];
				if (!s->loc.file || !s->loc.line)
					mr_fuzz_fail("[%s] %s: a value without its place", section, key);
				if (mr_profile_check_setting(section, key, s->value, s->loc, &err) < 0) {
					char *m = mr_error_format(err);
					mr_fuzz_fail("[%s] %s = '%s' loaded, then refused: %s", section,
					             key, s->value, m);
				}
				mr_error_free(err);
			}
			total += n;
		}
	}
	if (total != mr_profile_setting_count(p))
		mr_fuzz_fail("%zu settings listed, %zu counted", total, mr_profile_setting_count(p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *split = NULL;
	for (size_t i = 0; i + 3 <= size && !split; i++)
		if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "%%\n", 3) == 0)
			split = text + i;
	const char *paths[2] = { first_path, second_path };
	size_t n = 1;
	if (split) {
		mr_fuzz_write(first_path, text, (size_t)(split - text));
		mr_fuzz_write(second_path, split + 3, size - (size_t)(split - text) - 3);
		n = 2;
	} else {
		mr_fuzz_write(first_path, text, size);
	}

	struct mr_error *err = NULL;
	struct mr_profile *p = mr_profile_load(paths, n, &err);
	mr_fuzz_check_errors(p, err, "profile");
	if (p) {
		check_profile(p);
		struct mr_profile *copy = mr_profile_dup(p);
		if (mr_profile_setting_count(copy) != mr_profile_setting_count(p))
			mr_fuzz_fail("a copy holds another number of settings");
		check_profile(copy);
		mr_profile_free(copy);
	}
	mr_profile_free(p);
	mr_error_free(err);
	return 0;
}
