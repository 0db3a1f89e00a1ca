/* Plan execution against a fake in-memory host: drift, apply with backup
 * and restart, idempotence, and every refusal. Real Augeas, real lenses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aug.h"
#include "plan.h"
#include "report.h"
#include "transport.h"

#define LIBVIRTD "/etc/libvirt/libvirtd.conf"
#define QEMU "/etc/libvirt/qemu.conf"
#define PENDING "/var/lib/migready/restart-pending"

struct fake_file {
	char *path;
	char *data;
	size_t len;
	mode_t mode;
	int symlink;
};

struct fake {
	struct mr_transport base;
	struct fake_file files[32];
	size_t n;
	char *runs[8];
	size_t n_runs;
	size_t writes;
	const char *change_after_read; /* simulates another admin */
	int fail_reads;                /* simulates a lost connection */
};

static struct fake_file *find(struct fake *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->files[i].path, path))
			return &f->files[i];
	return NULL;
}

static void put(struct fake *f, const char *path, const char *data)
{
	struct fake_file *ff = find(f, path);
	if (!ff) {
		ff = &f->files[f->n++];
		ff->path = mr_xstrdup(path);
		ff->mode = 0644;
	}
	free(ff->data);
	ff->data = mr_xstrdup(data);
	ff->len = strlen(data);
}

static int fake_stat(struct mr_transport *t, const char *path, struct mr_stat *st,
                     struct mr_error **err)
{
	(void)err;
	struct fake_file *ff = find((struct fake *)t, path);
	memset(st, 0, sizeof(*st));
	if (ff) {
		st->exists = 1;
		st->is_regular = !ff->symlink;
		st->is_symlink = ff->symlink;
		st->mode = ff->mode;
		st->size = (off_t)ff->len;
	}
	return 0;
}

static int fake_read(struct mr_transport *t, const char *path, char **data, size_t *len,
                     struct mr_stat *st, struct mr_error **err)
{
	struct fake *f = (struct fake *)t;
	if (f->fail_reads) {
		mr_error_add(err, MR_ERR_HOST, "fake", "connection lost");
		return -1;
	}
	fake_stat(t, path, st, err);
	struct fake_file *ff = find(f, path);
	*data = ff ? mr_xstrndup(ff->data, ff->len) : NULL;
	*len = ff ? ff->len : 0;
	if (f->change_after_read && !strcmp(f->change_after_read, path))
		put(f, path, "listen_tcp = 0\n# edited by someone else\n");
	return 0;
}

static int fake_write(struct mr_transport *t, const char *path, const char *data, size_t len,
                      const struct mr_write_opts *opts, struct mr_error **err)
{
	struct fake *f = (struct fake *)t;
	struct fake_file *ff = find(f, path);
	if (ff && ff->symlink) {
		mr_error_add(err, MR_ERR_CONFLICT, path, "is a symbolic link; not written");
		return -1;
	}
	if (opts->expect) {
		int same = ff ? opts->expect->existed && ff->len == opts->expect->len &&
		                    !memcmp(ff->data, opts->expect->data, ff->len)
		              : !opts->expect->existed;
		if (!same) {
			mr_error_add(err, MR_ERR_CONFLICT, path, "changed since it was read");
			return -1;
		}
	}
	char *copy = mr_xstrndup(data, len);
	put(f, path, copy);
	free(copy);
	find(f, path)->mode = ff ? ff->mode : opts->mode;
	f->writes++;
	return 0;
}

static int fake_mkdir(struct mr_transport *t, const char *path, mode_t mode,
                      struct mr_error **err)
{
	(void)t, (void)path, (void)mode, (void)err;
	return 0;
}

static int fake_run(struct mr_transport *t, const char *cmd, char **out, size_t *out_len,
                    int *status, struct mr_error **err)
{
	(void)err;
	struct fake *f = (struct fake *)t;
	f->runs[f->n_runs++] = mr_xstrdup(cmd);
	if (out)
		*out = mr_xstrdup("");
	if (out_len)
		*out_len = 0;
	*status = 0;
	return 0;
}

static void fake_close(struct mr_transport *t)
{
	struct fake *f = (struct fake *)t;
	for (size_t i = 0; i < f->n; i++) {
		free(f->files[i].path);
		free(f->files[i].data);
	}
	for (size_t i = 0; i < f->n_runs; i++)
		free(f->runs[i]);
	free(f);
}

static const struct mr_transport_ops fake_ops = {
	"fake", fake_read, fake_stat, fake_write, fake_mkdir, fake_run, fake_close,
};

static struct fake *fake_new(void)
{
	struct fake *f = mr_xcalloc(1, sizeof(*f));
	f->base.ops = &fake_ops;
	f->base.host = "h1";
	return f;
}

static const char *read_back(struct fake *f, const char *path)
{
	struct fake_file *ff = find(f, path);
	return ff ? ff->data : NULL;
}

/* A plan like the libvirtd and qemu resources make. */
static struct mr_plan *sample_plan(void)
{
	static const struct mr_setting listen = { "libvirtd", "listen_tcp", "yes", { "p.ini", 2 } };
	static const struct mr_setting auth = { "libvirtd", "auth_tcp", "none", { "p.ini", 3 } };
	static const struct mr_setting owner = { "qemu", "dynamic_ownership", "no", { "p.ini", 6 } };
	struct mr_plan *plan = mr_plan_new();
	struct mr_plan_file *lf = mr_plan_file(plan, LIBVIRTD, "Migready_libvirt.lns", "libvirtd");
	struct mr_aug_op op1 = { MR_AUG_SET, NULL, "listen_tcp", "1", MR_FMT_LIBVIRT_NUM,
	                         "listen_tcp[ \t]*=.*" };
	struct mr_aug_op op2 = { MR_AUG_SET, NULL, "auth_tcp", "none", MR_FMT_LIBVIRT_STR,
	                         "auth_tcp[ \t]*=.*" };
	mr_plan_add(lf, &listen, &op1);
	mr_plan_add(lf, &auth, &op2);
	struct mr_plan_file *qf = mr_plan_file(plan, QEMU, "Migready_libvirt.lns", "libvirtd");
	struct mr_aug_op op3 = { MR_AUG_SET, NULL, "dynamic_ownership", "0", MR_FMT_LIBVIRT_NUM,
	                         "dynamic_ownership[ \t]*=.*" };
	mr_plan_add(qf, &owner, &op3);
	assert_ptr_equal(mr_plan_file(plan, QEMU, "Migready_libvirt.lns", "libvirtd"), qf);
	return plan;
}

static struct fake *drifted_host(void)
{
	struct fake *f = fake_new();
	put(f, LIBVIRTD, "# libvirtd\n#listen_tcp = 1\n#auth_tcp = \"sasl\"\n");
	put(f, QEMU, "#dynamic_ownership = 1\n");
	return f;
}

struct ctx {
	struct mr_aug *aug;
};

static int setup(void **state)
{
	struct ctx *c = mr_xcalloc(1, sizeof(*c));
	struct mr_error *err = NULL;
	c->aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(c->aug);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	mr_aug_free(c->aug);
	free(c);
	return 0;
}

static int run(struct ctx *c, struct fake *f, enum mr_mode mode, int no_restart,
               struct mr_host_report *rep)
{
	struct mr_plan *plan = sample_plan();
	struct mr_run_opts opts = { mode, no_restart, "RUN1" };
	struct mr_error *err = NULL;
	memset(rep, 0, sizeof(*rep));
	rep->name = mr_xstrdup("h1");
	int r = mr_plan_run(plan, &f->base, c->aug, &opts, rep, &err);
	mr_error_free(err);
	mr_plan_free(plan);
	return r;
}

static void report_free(struct mr_host_report *rep)
{
	struct mr_report r = { "x", rep, 1 };
	struct mr_host_report *copy = mr_xcalloc(1, sizeof(*copy));
	*copy = *rep;
	r.hosts = copy;
	mr_report_fini(&r);
}

static void test_check_reports_drift_and_writes_nothing(void **state)
{
	struct fake *f = drifted_host();
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_CHECK, 0, &rep), 0);
	assert_int_equal(f->writes, 0);
	assert_int_equal(f->n_runs, 0);
	assert_int_equal(rep.n_items, 3);
	assert_int_equal(mr_host_report_drift(&rep), 3);
	assert_string_equal(rep.items[0].setting, "libvirtd.listen_tcp");
	assert_string_equal(rep.items[0].origin, "p.ini:2");
	assert_null(rep.items[0].old);
	assert_string_equal(rep.items[0].want, "1");
	assert_int_equal(rep.items[0].outcome, MR_OUTCOME_DRIFT);
	assert_null(rep.files[0].diff); /* check shows no diff */
	assert_false(mr_host_report_failed(&rep));
	report_free(&rep);
	fake_close(&f->base);
}

static void test_diff_shows_the_change(void **state)
{
	struct fake *f = drifted_host();
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_DIFF, 0, &rep), 0);
	assert_int_equal(f->writes, 0);
	assert_non_null(rep.files[0].diff);
	assert_non_null(strstr(rep.files[0].diff, "+listen_tcp = 1\n"));
	assert_non_null(strstr(rep.files[0].diff, "+auth_tcp = \"none\"\n"));
	assert_non_null(strstr(rep.files[0].diff, "--- a" LIBVIRTD "\n"));
	report_free(&rep);
	fake_close(&f->base);
}

static void test_apply_backs_up_writes_restarts_once(void **state)
{
	struct fake *f = drifted_host();
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_false(mr_host_report_failed(&rep));
	assert_string_equal(read_back(f, LIBVIRTD),
	                    "# libvirtd\n#listen_tcp = 1\nlisten_tcp = 1\n#auth_tcp = \"sasl\"\n"
	                    "auth_tcp = \"none\"\n");
	assert_string_equal(read_back(f, QEMU), "#dynamic_ownership = 1\ndynamic_ownership = 0\n");
	/* The originals are kept, with a manifest, before anything changed. */
	assert_string_equal(read_back(f, "/var/lib/migready/backups/RUN1" LIBVIRTD),
	                    "# libvirtd\n#listen_tcp = 1\n#auth_tcp = \"sasl\"\n");
	const char *manifest = read_back(f, "/var/lib/migready/backups/RUN1/MANIFEST");
	assert_non_null(manifest);
	assert_non_null(strstr(manifest, "existed 0644 0 0 " LIBVIRTD "\n"));
	assert_non_null(strstr(manifest, "existed 0644 0 0 " QEMU "\n"));
	assert_string_equal(rep.backup_dir, "/var/lib/migready/backups/RUN1");
	/* Two files of one service: one restart. */
	assert_int_equal(f->n_runs, 1);
	assert_string_equal(f->runs[0], "systemctl --no-ask-password try-restart 'libvirtd' </dev/null");
	/* Restarted: no restart is owed any more. */
	assert_string_equal(read_back(f, PENDING), "");
	assert_int_equal(rep.n_services, 1);
	for (size_t i = 0; i < rep.n_items; i++)
		assert_int_equal(rep.items[i].outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);

	/* A second apply finds nothing to do. */
	size_t writes = f->writes;
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_int_equal(f->writes, writes);
	assert_int_equal(f->n_runs, 1);
	assert_int_equal(mr_host_report_drift(&rep), 0);
	assert_null(rep.backup_dir);
	report_free(&rep);
	fake_close(&f->base);
}

static size_t count_outcome(const struct mr_host_report *rep, const char *setting,
                            enum mr_outcome o)
{
	size_t n = 0;
	for (size_t i = 0; i < rep->n_items; i++)
		n += !strcmp(rep->items[i].setting, setting) && rep->items[i].outcome == o;
	return n;
}

/* --no-restart writes, and the restart it leaves owed is not forgotten:
 * check reports it, the next apply does it, though the files look right. */
static void test_no_restart_leaves_a_restart_owed(void **state)
{
	struct fake *f = drifted_host();
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 1, &rep), 0);
	assert_int_equal(f->n_runs, 0);
	assert_non_null(strstr(read_back(f, LIBVIRTD), "\nlisten_tcp = 1\n"));
	assert_string_equal(read_back(f, PENDING), "libvirtd\n");
	report_free(&rep);

	assert_int_equal(run(*state, f, MR_MODE_CHECK, 0, &rep), 0);
	assert_int_equal(count_outcome(&rep, "restart.libvirtd", MR_OUTCOME_DRIFT), 1);
	assert_int_equal(mr_host_report_drift(&rep), 1);
	report_free(&rep);

	size_t writes = f->writes;
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_int_equal(f->n_runs, 1);
	assert_int_equal(count_outcome(&rep, "restart.libvirtd", MR_OUTCOME_CHANGED), 1);
	assert_string_equal(read_back(f, PENDING), "");
	assert_int_equal(f->writes, writes + 1); /* only the marker */
	report_free(&rep);

	assert_int_equal(run(*state, f, MR_MODE_CHECK, 0, &rep), 0);
	assert_int_equal(mr_host_report_drift(&rep), 0);
	report_free(&rep);
	fake_close(&f->base);
}

static void test_root_prefix_never_restarts(void **state)
{
	struct fake *f = drifted_host();
	struct mr_host_report rep;
	f->base.root = "/srv/image";
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_int_equal(f->n_runs, 0);
	report_free(&rep);
	fake_close(&f->base);
}

static void test_unparsable_file_stops_all_writes_on_the_host(void **state)
{
	struct fake *f = drifted_host();
	put(f, LIBVIRTD, "listen_tcp = \"unterminated\n");
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_true(mr_host_report_failed(&rep));
	assert_non_null(rep.files[0].error);
	assert_non_null(strstr(rep.files[0].error, "h1:" LIBVIRTD ":"));
	assert_int_equal(rep.items[0].outcome, MR_OUTCOME_FAILED);
	assert_int_equal(rep.items[1].outcome, MR_OUTCOME_FAILED);
	/* Nothing of the host is written: not the broken file, not the other. */
	assert_string_equal(read_back(f, LIBVIRTD), "listen_tcp = \"unterminated\n");
	assert_string_equal(read_back(f, QEMU), "#dynamic_ownership = 1\n");
	assert_int_equal(rep.items[2].outcome, MR_OUTCOME_DRIFT);
	assert_false(rep.files[1].changed);
	assert_int_equal(f->writes, 0);
	assert_int_equal(f->n_runs, 0);
	report_free(&rep);
	fake_close(&f->base);
}

static void test_file_changed_since_read_is_not_overwritten(void **state)
{
	struct fake *f = drifted_host();
	f->change_after_read = LIBVIRTD;
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_true(mr_host_report_failed(&rep));
	assert_non_null(strstr(rep.files[0].error, "changed since it was read"));
	assert_string_equal(read_back(f, LIBVIRTD), "listen_tcp = 0\n# edited by someone else\n");
	/* Reported as not written, and absent from the manifest. */
	assert_false(rep.files[0].changed);
	assert_true(rep.files[1].changed);
	const char *manifest = read_back(f, "/var/lib/migready/backups/RUN1/MANIFEST");
	assert_null(strstr(manifest, LIBVIRTD));
	assert_non_null(strstr(manifest, QEMU));
	/* libvirtd's configuration is half new: no restart, and one owed. */
	assert_int_equal(f->n_runs, 0);
	assert_string_equal(read_back(f, PENDING), "libvirtd\n");
	report_free(&rep);
	fake_close(&f->base);
}

static void test_symlink_is_refused_on_apply(void **state)
{
	struct fake *f = drifted_host();
	find(f, LIBVIRTD)->symlink = 1;
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_CHECK, 0, &rep), 0);
	assert_false(mr_host_report_failed(&rep));
	report_free(&rep);
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_true(mr_host_report_failed(&rep));
	assert_non_null(strstr(rep.files[0].error, "symbolic link"));
	assert_string_equal(read_back(f, LIBVIRTD), "# libvirtd\n#listen_tcp = 1\n#auth_tcp = \"sasl\"\n");
	report_free(&rep);
	fake_close(&f->base);
}

static void test_absent_file_is_created(void **state)
{
	struct fake *f = fake_new();
	put(f, QEMU, "dynamic_ownership = 0\n");
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_APPLY, 0, &rep), 0);
	assert_false(mr_host_report_failed(&rep));
	assert_string_equal(read_back(f, LIBVIRTD), "listen_tcp = 1\nauth_tcp = \"none\"\n");
	assert_int_equal(find(f, LIBVIRTD)->mode, 0644);
	assert_true(rep.files[0].created);
	const char *manifest = read_back(f, "/var/lib/migready/backups/RUN1/MANIFEST");
	assert_non_null(strstr(manifest, "created 0000 0 0 " LIBVIRTD "\n"));
	report_free(&rep);
	fake_close(&f->base);
}

static void test_lost_connection_fails_the_host(void **state)
{
	struct fake *f = drifted_host();
	f->fail_reads = 1;
	struct mr_host_report rep;
	assert_int_equal(run(*state, f, MR_MODE_CHECK, 0, &rep), -1);
	assert_true(mr_host_report_failed(&rep));
	report_free(&rep);
	fake_close(&f->base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_reports_drift_and_writes_nothing),
		cmocka_unit_test(test_diff_shows_the_change),
		cmocka_unit_test(test_apply_backs_up_writes_restarts_once),
		cmocka_unit_test(test_no_restart_leaves_a_restart_owed),
		cmocka_unit_test(test_root_prefix_never_restarts),
		cmocka_unit_test(test_unparsable_file_stops_all_writes_on_the_host),
		cmocka_unit_test(test_file_changed_since_read_is_not_overwritten),
		cmocka_unit_test(test_symlink_is_refused_on_apply),
		cmocka_unit_test(test_absent_file_is_created),
		cmocka_unit_test(test_lost_connection_fails_the_host),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
