/* The report writers on hand-built reports: the summary line of a host that
 * failed and drifted (exit 6), the Prometheus series per setting and per
 * owed restart, labels escaped, a host not reached left out of the counts,
 * and the JSON's run fields, parsed back with json-c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json.h>

#include "report.h"
#include "util.h"

static struct mr_item *item(struct mr_host_report *h, const char *setting,
                            enum mr_outcome outcome)
{
	struct mr_item *it = mr_host_report_add_item(h);
	it->setting = mr_xstrdup(setting);
	it->origin = mr_xstrdup("p.ini:1");
	it->outcome = outcome;
	return it;
}

/* up1: reached, two drifts (one planned twice), one owed restart; down1:
 * not reached. */
static void two_hosts(struct mr_report *rep, const char *command)
{
	mr_report_init(rep, command, 2);
	struct mr_host_report *up = &rep->hosts[0], *down = &rep->hosts[1];
	up->name = mr_xstrdup("up\"1\\");
	up->reached = 1;
	item(up, "libvirtd.auth_tcp", MR_OUTCOME_DRIFT);
	item(up, "libvirtd.auth_tcp", MR_OUTCOME_DRIFT);
	item(up, "qemu.user", MR_OUTCOME_OK);
	item(up, "qemu.group", MR_OUTCOME_FAILED);
	item(up, "nfs", MR_OUTCOME_UNCHECKED);
	struct mr_item *r = item(up, "restart.libvirtd.service", MR_OUTCOME_DRIFT);
	r->unit = mr_xstrdup("libvirtd.service");
	mr_host_report_add_summary(up, "os.id", "debian");
	down->name = mr_xstrdup("down1");
	mr_host_report_fail(down, "down1: connection refused");
	rep->run_id = mr_xstrdup("20261123T021500Z-4242-137");
	rep->started = 1795400100.137;
	rep->seconds = 2.5;
	mr_report_add_profile(rep, "p.ini", "ab");
	mr_report_add_warning_steal(rep, mr_xstrdup("p.ini:4: [nfs] is validated but not applied"));
}

static char *render(const struct mr_report *rep, enum mr_format format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct mr_render_opts o = { .format = format };
	assert_int_equal(mr_report_write(rep, &o, mem), 0);
	fclose(mem);
	return buf;
}

static void test_summary_says_failed_with_drift(void **state)
{
	(void)state;
	struct mr_report rep = { 0 };
	two_hosts(&rep, "check");
	assert_int_equal(mr_report_exit_status(&rep), 6);
	char *line = mr_report_summary(&rep);
	assert_string_equal(line, "check: 2 hosts: 0 in the desired state, 0 drifted, 2 failed "
	                          "(1 with drift)");
	free(line);
	char *text = render(&rep, MR_FORMAT_TEXT);
	assert_non_null(strstr(text, "\n2 hosts: 0 in the desired state, 0 drifted, 2 failed "
	                             "(1 with drift)\n"));
	free(text);
	mr_report_fini(&rep);
}

static void test_prom_series(void **state)
{
	(void)state;
	struct mr_report rep = { 0 };
	two_hosts(&rep, "check");
	char *p = render(&rep, MR_FORMAT_PROM);
	const char *host = "host=\"up\\\"1\\\\\",command=\"check\"";
	char *want[] = {
		mr_xasprintf("\nmigready_setting_drift{%s,setting=\"libvirtd.auth_tcp\"} 1\n", host),
		mr_xasprintf("\nmigready_setting_failed{%s,setting=\"qemu.group\"} 1\n", host),
		mr_xasprintf("\nmigready_setting_unchecked{%s,setting=\"nfs\"} 1\n", host),
		mr_xasprintf("\nmigready_restart_owed{%s,unit=\"libvirtd.service\"} 1\n", host),
		mr_xasprintf("\nmigready_drift_settings{%s} 3\n", host),
		mr_xstrdup("\nmigready_host_reachable{host=\"down1\",command=\"check\"} 0\n"),
		mr_xstrdup("\nmigready_run_duration_seconds{command=\"check\"} 2.500\n"),
		mr_xstrdup("\nmigready_last_run_timestamp_seconds{command=\"check\"} 1795400100.137\n"),
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(want); i++) {
		if (!strstr(p, want[i]))
			fail_msg("no '%s' in:\n%s", want[i], p);
		free(want[i]);
	}
	/* one series per setting, a host not reached has no counts, nor a
	 * last success that was not set */
	const char *first = strstr(p, "setting=\"libvirtd.auth_tcp\"");
	assert_null(strstr(first + 1, "setting=\"libvirtd.auth_tcp\""));
	assert_null(strstr(p, "migready_drift_settings{host=\"down1\""));
	assert_null(strstr(p, "migready_setting_drift{host=\"up\\\"1\\\\\",command=\"check\","
	                      "setting=\"qemu.user\""));
	assert_null(strstr(p, "migready_last_success_timestamp_seconds{"));
	free(p);
	mr_report_fini(&rep);
}

/* A host reached of which nothing was checked fails the run (exit 4): it
 * is not up in Prometheus, and -q does not leave it out (found by a
 * review: host_up 1, no host line under -q). */
static void test_nothing_checked_is_no_success(void **state)
{
	(void)state;
	struct mr_report rep = { 0 };
	mr_report_init(&rep, "check", 2);
	rep.hosts[0].name = mr_xstrdup("idle");
	rep.hosts[0].reached = 1;
	rep.hosts[1].name = mr_xstrdup("fine");
	rep.hosts[1].reached = 1;
	item(&rep.hosts[1], "qemu.user", MR_OUTCOME_OK);
	rep.run_id = mr_xstrdup("r");
	assert_int_equal(mr_report_exit_status(&rep), 4);
	char *p = render(&rep, MR_FORMAT_PROM);
	if (!strstr(p, "\nmigready_host_up{host=\"idle\",command=\"check\"} 0\n") ||
	    !strstr(p, "\nmigready_host_up{host=\"fine\",command=\"check\"} 1\n"))
		fail_msg("host_up:\n%s", p);
	free(p);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct mr_render_opts o = { .format = MR_FORMAT_TEXT, .quiet = 1 };
	assert_int_equal(mr_report_write(&rep, &o, mem), 0);
	fclose(mem);
	if (!strstr(buf, "idle: nothing checked\n") || strstr(buf, "fine:"))
		fail_msg("-q:\n%s", buf);
	free(buf);
	mr_report_fini(&rep);
}

static void test_json_run_fields(void **state)
{
	(void)state;
	struct mr_report rep = { 0 };
	two_hosts(&rep, "check");
	char *text = render(&rep, MR_FORMAT_JSON);
	json_object *root = json_tokener_parse(text), *v = NULL, *h = NULL;
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "schema_version", &v));
	assert_int_equal(json_object_get_int(v), MR_REPORT_SCHEMA_VERSION);
	assert_true(json_object_object_get_ex(root, "started", &v));
	assert_string_equal(json_object_get_string(v), "2026-11-23T02:15:00.137Z");
	assert_true(json_object_object_get_ex(root, "run_id", &v));
	assert_string_equal(json_object_get_string(v), "20261123T021500Z-4242-137");
	assert_true(json_object_object_get_ex(root, "warnings", &v));
	assert_int_equal(json_object_array_length(v), 1);
	assert_true(json_object_object_get_ex(root, "profiles", &v));
	assert_string_equal(json_object_get_string(json_object_object_get(
		                    json_object_array_get_idx(v, 0), "sha256")), "ab");
	assert_true(json_object_object_get_ex(root, "hosts", &v));
	h = json_object_array_get_idx(v, 1);
	assert_false(json_object_get_boolean(json_object_object_get(h, "reachable")));
	h = json_object_array_get_idx(v, 0);
	assert_true(json_object_get_boolean(json_object_object_get(h, "reachable")));
	assert_string_equal(json_object_get_string(json_object_object_get(
		                    json_object_object_get(h, "summary"), "os.id")), "debian");
	json_object_put(root);
	free(text);
	mr_report_fini(&rep);
}

static void test_put_text_escapes_control_bytes(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	mr_report_put_text(mem, "a\033[31mb\tc\x7f", 10);
	fclose(mem);
	assert_string_equal(buf, "a\\x1b[31mb\tc\\x7f");
	free(buf);
}

/* JSON strings are Unicode: a host file's stray byte (a Latin-1 comment in
 * a diff) becomes U+FFFD, valid UTF-8 stays as it is. */
static void test_json_str_is_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "caf\xe9 x", "caf\xef\xbf\xbd x" },
		{ "\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd" },         /* overlong NUL */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* a surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "ok \xe2\x82", "ok \xef\xbf\xbd\xef\xbf\xbd" },   /* cut short */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_object *j = mr_report_json_str(cases[i].in);
		assert_string_equal(json_object_get_string(j), cases[i].want);
		/* and its serialisation parses back */
		json_object *back = json_tokener_parse(json_object_to_json_string(j));
		assert_non_null(back);
		json_object_put(back);
		json_object_put(j);
	}
	assert_null(mr_report_json_str(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_says_failed_with_drift),
		cmocka_unit_test(test_prom_series),
		cmocka_unit_test(test_nothing_checked_is_no_success),
		cmocka_unit_test(test_json_run_fields),
		cmocka_unit_test(test_put_text_escapes_control_bytes),
		cmocka_unit_test(test_json_str_is_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
