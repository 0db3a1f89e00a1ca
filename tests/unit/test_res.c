/* Resources turn profiles into plans: which file, which keys, how spelt,
 * where a new line goes, and nothing for sections a profile leaves out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "plan.h"
#include "profile.h"
#include "res.h"

static struct mr_profile *load_text(const char *text)
{
	char path[] = "/tmp/mr-res-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	const char *paths[] = { path };
	struct mr_error *err = NULL;
	struct mr_profile *p = mr_profile_load(paths, 1, &err);
	if (!p)
		fail_msg("%s: %s", err->where ? err->where : "", err->message);
	unlink(path);
	return p;
}

struct want_op {
	const char *key;
	const char *value;
	enum mr_value_fmt fmt;
};

static void assert_ops(const struct mr_plan *plan, size_t file, const char *path,
                       const struct want_op *want, size_t n)
{
	assert_string_equal(mr_plan_file_path(plan, file), path);
	assert_int_equal(mr_plan_op_count(plan, file), n);
	for (size_t i = 0; i < n; i++) {
		const struct mr_aug_op *op = mr_plan_op(plan, file, i);
		assert_int_equal(op->kind, MR_AUG_SET);
		assert_null(op->section);
		assert_string_equal(op->key, want[i].key);
		assert_string_equal(op->value, want[i].value);
		assert_int_equal(op->fmt, want[i].fmt);
		/* A new line goes below the key's own commented default. */
		char *re = mr_xasprintf("%s[ \t]*=.*", want[i].key);
		assert_string_equal(op->comment_re, re);
		free(re);
	}
}

static void test_full_profile(void **state)
{
	(void)state;
	struct mr_profile *p = load_text("[qemu]\n"
	                                 "migration_port_max = 49261\n"
	                                 "dynamic_ownership = no\n"
	                                 "security_driver = none\n"
	                                 "user = nova\n"
	                                 "group = nova\n"
	                                 "migration_port_min = 49152\n"
	                                 "[libvirtd]\n"
	                                 "auth_tcp = none\n"
	                                 "listen_tcp = yes\n"
	                                 "listen_tls = false\n"
	                                 "tcp_port = 16509\n"
	                                 "listener = auto\n");
	struct mr_plan *plan = mr_plan_new(NULL);
	struct mr_error *err = NULL;
	assert_int_equal(mr_res_plan_all(plan, &(struct mr_res_ctx){ p, 0, NULL }, &err), 0);
	assert_int_equal(mr_plan_file_count(plan), 2);
	static const struct want_op libvirtd[] = {
		{ "listen_tls", "0", MR_FMT_LIBVIRT_NUM },
		{ "listen_tcp", "1", MR_FMT_LIBVIRT_NUM },
		{ "tcp_port", "16509", MR_FMT_LIBVIRT_STR },
		{ "auth_tcp", "none", MR_FMT_LIBVIRT_STR },
	};
	static const struct want_op qemu[] = {
		{ "user", "nova", MR_FMT_LIBVIRT_STR },
		{ "group", "nova", MR_FMT_LIBVIRT_STR },
		{ "dynamic_ownership", "0", MR_FMT_LIBVIRT_NUM },
		{ "security_driver", "none", MR_FMT_LIBVIRT_STR },
		{ "migration_port_min", "49152", MR_FMT_LIBVIRT_NUM },
		{ "migration_port_max", "49261", MR_FMT_LIBVIRT_NUM },
	};
	assert_ops(plan, 0, "/etc/libvirt/libvirtd.conf", libvirtd, 4);
	assert_ops(plan, 1, "/etc/libvirt/qemu.conf", qemu, 6);
	mr_plan_free(plan);
	mr_profile_free(p);
}

static void test_sections_left_out_plan_nothing(void **state)
{
	(void)state;
	struct mr_profile *p = load_text("[multipath]\nuser_friendly_names = no\n");
	struct mr_plan *plan = mr_plan_new(NULL);
	struct mr_error *err = NULL;
	assert_int_equal(mr_res_plan_all(plan, &(struct mr_res_ctx){ p, 0, NULL }, &err), 0);
	assert_int_equal(mr_plan_file_count(plan), 0);
	mr_plan_free(plan);
	mr_profile_free(p);
}

static void test_only_the_keys_given(void **state)
{
	(void)state;
	struct mr_profile *p = load_text("[libvirtd]\nlisten_tcp = 1\n");
	struct mr_plan *plan = mr_plan_new(NULL);
	struct mr_error *err = NULL;
	assert_int_equal(mr_res_plan_all(plan, &(struct mr_res_ctx){ p, 0, NULL }, &err), 0);
	static const struct want_op one[] = { { "listen_tcp", "1", MR_FMT_LIBVIRT_NUM } };
	assert_int_equal(mr_plan_file_count(plan), 1);
	assert_ops(plan, 0, "/etc/libvirt/libvirtd.conf", one, 1);
	mr_plan_free(plan);
	mr_profile_free(p);
}

static void test_registry_sorted(void **state)
{
	(void)state;
	size_t n;
	const struct mr_res_ops *const *all = mr_res_all(&n);
	assert_true(n >= 2);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1]->name, all[i]->name) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_profile),
		cmocka_unit_test(test_sections_left_out_plan_nothing),
		cmocka_unit_test(test_only_the_keys_given),
		cmocka_unit_test(test_registry_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
