/* The MANIFEST of a run's backups: the current format and the one before
 * it (no SHA-256 column) parse, format gives back what parsed, bad lines
 * are refused naming the line; run ids and the systemctl actions kept;
 * what a run does outside files (units, commands, firewall rules, mounts)
 * recorded and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backup.h"
#include "util.h"

#define SHA_A "6f93057565845069fadb376cf9a534b9f3fc5a9e8a9fa8b56a11eac24075a21d"
#define SHA_B "a4ffcd770325bc0045336a2e30cfcd7a464690859655fdcd65e4c950a97051c7"

static struct mr_manifest *parse(const char *text, char **msg)
{
	struct mr_error *err = NULL;
	struct mr_manifest *m = mr_manifest_parse(text, strlen(text), "h:/M", &err);
	*msg = err ? mr_error_format(err) : NULL;
	mr_error_free(err);
	return m;
}

/* What migready wrote before rollback existed: no SHA-256, no actions. */
static void test_old_format(void **state)
{
	(void)state;
	char *msg = NULL;
	struct mr_manifest *m = parse("# migready backup: state, mode, uid, gid, path\n"
	                              "existed 0640 0 116 /etc/libvirt/libvirtd.conf\n"
	                              "created 0000 0 0 /etc/systemd/system/x.d/my file.conf\n",
	                              &msg);
	assert_non_null(m);
	assert_int_equal(m->n_files, 2);
	assert_int_equal(m->has_sha, 0);
	assert_int_equal(m->files[0].state, MR_BACKUP_EXISTED);
	assert_int_equal(m->files[0].mode, 0640);
	assert_int_equal(m->files[0].gid, 116);
	assert_int_equal(m->files[0].has_sha, 0);
	assert_string_equal(m->files[0].path, "/etc/libvirt/libvirtd.conf");
	assert_int_equal(m->files[1].state, MR_BACKUP_CREATED);
	assert_string_equal(m->files[1].path, "/etc/systemd/system/x.d/my file.conf");
	assert_int_equal(m->n_actions, 0);
	/* Formatted again, it is the current format: '-' for the unknown hash
	 * would claim a removal, so the round trip is through parse only. */
	mr_manifest_free(m);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct mr_manifest *m = mr_xcalloc(1, sizeof(*m));
	m->rollback_of = mr_xstrdup("20261202T033902Z-4242-123");
	mr_manifest_add_file(m, MR_BACKUP_EXISTED, 0600, 0, 64055, SHA_A, "/etc/libvirt/qemu.conf");
	mr_manifest_file_left(m, 0640, 0, 64055);
	mr_manifest_add_file(m, MR_BACKUP_CREATED, 0, 0, 0, SHA_B, "/etc/sysctl.d/90 m.conf");
	mr_manifest_file_left(m, 0644, (uid_t)-1, 0); /* the connecting user's: not known */
	mr_manifest_add_file(m, MR_BACKUP_REMOVED, 0644, 0, 0, NULL, "/etc/gone.conf");
	const char *restart[] = { "systemctl", "--no-ask-password", "try-restart", "--",
		                  "libvirtd.service", NULL };
	const char *reload[] = { "systemctl", "--no-ask-password", "daemon-reload", NULL };
	const char *enable[] = { "systemctl", "--no-ask-password", "enable", "--", "x.socket", NULL };
	const char *other[] = { "exportfs", "-ra", NULL };
	assert_int_equal(mr_manifest_add_argv(m, reload, 0), 1);
	assert_int_equal(mr_manifest_add_argv(m, restart, 0), 1);
	assert_int_equal(mr_manifest_add_argv(m, restart, 0), 1); /* once */
	assert_int_equal(mr_manifest_add_argv(m, enable, 0), 1);
	assert_int_equal(mr_manifest_add_argv(m, other, 0), 1);
	mr_manifest_add_action(m, "try-restart", "virtqemud.service", 1);
	mr_manifest_add_dir(m, 0755, 0, 0, "/var/lib/nova/.ssh");
	mr_manifest_dir_left(m, 0700, 64060, 64060);
	mr_manifest_add_dir(m, 0750, 0, 0, "/srv/old");
	char *text = mr_manifest_format(m);
	assert_string_equal(text,
	                    "# migready backup: existed|created|removed MODE UID GID SHA256-WRITTEN "
	                    "[MODE:UID:GID-LEFT] PATH; action|owed VERB [UNIT]; unit VERB UNIT; "
	                    "command ARGV; rule "
	                    "iptables|ip6tables CHAIN SPEC; rule nft FAMILY TABLE CHAIN RULE; mount "
	                    "PATH; dir MODE UID GID [MODE:UID:GID-LEFT] PATH; of RUN-ID\n"
	                    "of 20261202T033902Z-4242-123\n"
	                    "existed 0600 0 64055 " SHA_A " 0640:0:64055 /etc/libvirt/qemu.conf\n"
	                    "created 0000 0 0 " SHA_B " /etc/sysctl.d/90 m.conf\n"
	                    "removed 0644 0 0 - /etc/gone.conf\n"
	                    "action daemon-reload\n"
	                    "action try-restart libvirtd.service\n"
	                    "unit enable x.socket\n"
	                    "command exportfs -ra\n"
	                    "owed try-restart virtqemud.service\n"
	                    "dir 0755 0 0 0700:64060:64060 /var/lib/nova/.ssh\n"
	                    "dir 0750 0 0 /srv/old\n");
	char *msg = NULL;
	struct mr_manifest *back = parse(text, &msg);
	assert_null(msg);
	assert_non_null(back);
	assert_int_equal(back->has_sha, 1);
	assert_int_equal(back->n_files, 3);
	assert_string_equal(back->files[0].sha, SHA_A);
	assert_int_equal(back->files[0].uid, 0);
	assert_int_equal(back->files[0].gid, 64055);
	assert_int_equal(back->files[0].has_left, 1);
	assert_int_equal(back->files[0].left_mode, 0640);
	assert_int_equal(back->files[0].left_gid, 64055);
	assert_string_equal(back->files[0].path, "/etc/libvirt/qemu.conf");
	assert_int_equal(back->files[1].has_left, 0);
	assert_int_equal(back->files[2].state, MR_BACKUP_REMOVED);
	assert_string_equal(back->files[2].sha, "");
	assert_int_equal(back->files[2].has_sha, 1);
	assert_string_equal(back->rollback_of, "20261202T033902Z-4242-123");
	assert_int_equal(back->n_actions, 7);
	assert_int_equal(back->actions[5].kind, MR_BACKUP_DIR);
	assert_int_equal(back->actions[5].mode, 0755);
	assert_string_equal(back->actions[5].unit, "/var/lib/nova/.ssh");
	assert_int_equal(back->actions[5].has_left, 1);
	assert_int_equal(back->actions[5].left_mode, 0700);
	assert_int_equal(back->actions[5].left_uid, 64060);
	assert_int_equal(back->actions[5].left_gid, 64060);
	assert_int_equal(back->actions[6].has_left, 0); /* an older MANIFEST's line */
	assert_null(back->actions[0].unit);
	assert_string_equal(back->actions[1].unit, "libvirtd.service");
	assert_int_equal(back->actions[2].kind, MR_BACKUP_UNIT);
	assert_int_equal(back->actions[3].kind, MR_BACKUP_COMMAND);
	assert_int_equal(back->actions[4].owed, 1);
	char *again = mr_manifest_format(back);
	assert_string_equal(again, text);
	free(again);
	free(text);
	mr_manifest_free(back);
	mr_manifest_free(m);
}

/* The commands of a run and the MANIFEST line each leaves (NULL: none). */
static const struct {
	const char *argv[20];
	const char *line;
} outside[] = {
	{ { "systemctl", "--no-ask-password", "enable", "--", "libvirtd-tcp.socket" },
	  "unit enable libvirtd-tcp.socket" },
	{ { "systemctl", "--root=/srv/img", "mask", "--", "libvirtd.service" },
	  "unit mask libvirtd.service" },
	{ { "systemctl", "--no-ask-password", "stop", "--", "libvirtd.service" },
	  "unit stop libvirtd.service" },
	{ { "systemctl", "--no-ask-password", "restart", "--", "libvirtd-tcp.socket" },
	  "action restart libvirtd-tcp.socket" },
	{ { "exportfs", "-ra" }, "command exportfs -ra" },
	{ { "ufw", "reload" }, "command ufw reload" },
	{ { "iptables", "-w", "-I", "INPUT", "5", "-s", "10.20.0.0/24", "-p", "tcp", "-m", "tcp",
	    "--dport", "49152:49261", "-j", "ACCEPT" },
	  "rule iptables INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49261 -j ACCEPT" },
	{ { "ip6tables", "-w", "-A", "INPUT", "-s", "fd00::/64", "-p", "tcp", "-m", "tcp", "--dport",
	    "16509", "-j", "ACCEPT" },
	  "rule ip6tables INPUT -s fd00::/64 -p tcp -m tcp --dport 16509 -j ACCEPT" },
	{ { "nft", "insert", "rule", "inet", "filter", "input", "handle", "7", "ip", "saddr",
	    "10.20.0.0/24", "tcp", "dport", "16509", "accept" },
	  "rule nft inet filter input ip saddr 10.20.0.0/24 tcp dport 16509 accept" },
	{ { "nft", "add", "rule", "inet", "filter", "input", "tcp", "dport", "16509", "accept" },
	  "rule nft inet filter input tcp dport 16509 accept" },
	{ { "mount", "--", "/var/lib/nova/instances" }, "mount /var/lib/nova/instances" },
	{ { "install", "-d", "-m", "0711", "--", "/var/lib/nova/instances" }, NULL },
	{ { "usermod", "-s", "/bin/bash", "--", "nova" }, NULL },
	{ { "exportfs", "-a" }, NULL },
	{ { "iptables", "-w", "-I", "INPUT", "-j", "ACCEPT;reboot" }, NULL },
};

/* What a run does outside files: each command's line, written and read
 * back in the run's order. */
static void test_outside_files(void **state)
{
	(void)state;
	struct mr_manifest *m = mr_xcalloc(1, sizeof(*m));
	struct mr_buf want;
	mr_buf_init(&want);
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		int added = mr_manifest_add_argv(m, outside[i].argv, 0);
		if (added != (outside[i].line != NULL))
			fail_msg("case %zu: %s recorded", i, added ? "" : "not");
		if (outside[i].line)
			mr_buf_printf(&want, "%s\n", outside[i].line);
	}
	char *text = mr_manifest_format(m);
	const char *body = strchr(text, '\n') + 1;
	assert_string_equal(body, want.data);
	char *msg = NULL;
	struct mr_manifest *back = parse(text, &msg);
	assert_null(msg);
	assert_int_equal(back->n_actions, m->n_actions);
	assert_int_equal(back->actions[0].kind, MR_BACKUP_UNIT);
	assert_string_equal(back->actions[0].verb, "enable");
	assert_int_equal(back->actions[6].kind, MR_BACKUP_RULE);
	assert_string_equal(back->actions[6].words[1], "INPUT");
	assert_string_equal(back->actions[10].unit, "/var/lib/nova/instances");
	char *again = mr_manifest_format(back);
	assert_string_equal(again, text);
	assert_string_equal(mr_backup_unit_undo("enable"), "disable");
	assert_string_equal(mr_backup_unit_undo("stop"), "start");
	assert_string_equal(mr_backup_unit_undo("unmask"), "mask");
	assert_null(mr_backup_unit_undo("restart"));
	free(again);
	free(text);
	mr_buf_fini(&want);
	mr_manifest_free(back);
	mr_manifest_free(m);
}

/* The MANIFEST of the release before "unit" lines: start and stop were
 * action lines, and still read as such (a rollback repeats them). */
static void test_previous_format(void **state)
{
	(void)state;
	char *msg = NULL;
	struct mr_manifest *m = parse("# migready backup: existed|created|removed MODE UID GID "
	                              "SHA256-WRITTEN PATH; action|owed VERB [UNIT]; of RUN-ID\n"
	                              "existed 0644 0 0 " SHA_A " /etc/libvirt/libvirtd.conf\n"
	                              "action stop libvirtd.service\n"
	                              "action start libvirtd-tcp.socket\n"
	                              "action start libvirtd.service\n",
	                              &msg);
	assert_null(msg);
	assert_int_equal(m->files[0].has_left, 0); /* a chmod since cannot be seen */
	assert_int_equal(m->n_actions, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(m->actions[i].kind, MR_BACKUP_SERVICE);
	assert_string_equal(m->actions[1].verb, "start");
	assert_string_equal(m->actions[1].unit, "libvirtd-tcp.socket");
	mr_manifest_free(m);
}

static const struct {
	const char *text, *error;
} bad[] = {
	/* ids as chown reads them: (uid_t)-1 is "leave it", beyond it wraps */
	/* a line that stops at its word (found by fuzz_manifest) */
	{ "existed 0640 0 116 /etc/x\ncreated", "h:/M:2: expected MODE UID GID" },
	{ "created\n", "h:/M:1: expected MODE UID GID" },
	{ "existed 0644 4294967295 0 " SHA_A " /etc/x\n", "h:/M:1: expected MODE UID GID" },
	{ "existed 0644 0 99999999999999999999 " SHA_A " /etc/x\n", "h:/M:1: expected MODE UID GID" },
	{ "existed 0644 -1 0 " SHA_A " /etc/x\n", "h:/M:1: expected MODE UID GID" },
	{ "existed 010000 0 0 " SHA_A " /etc/x\n", "h:/M:1: expected MODE UID GID" },
	{ "dir 0700 4294967295 0 /var/lib/nova/.ssh\n", "h:/M:1: expected dir MODE UID GID [MODE:UID:GID-LEFT] PATH" },
	{ "existed 0644 0 0 " SHA_A " relative/path\n", "h:/M:1: expected an absolute path" },
	{ "existed 0644 0 0 " SHA_A " /etc/../shadow\n", "h:/M:1: expected an absolute path" },
	/* the mode and owner left: the three, in range, or no path follows */
	{ "existed 0644 0 0 " SHA_A " 0644:0 /etc/x\n", "h:/M:1: expected an absolute path" },
	{ "existed 0644 0 0 " SHA_A " 0644:0:4294967295 /etc/x\n",
	  "h:/M:1: expected an absolute path" },
	{ "existed 0644 0 0 " SHA_A " 010000:0:0 /etc/x\n", "h:/M:1: expected an absolute path" },
	{ "existed 0644 0 0 " SHA_A " 0644:0:0:/etc/x\n", "h:/M:1: expected an absolute path" },
	{ "# header\nchanged 0644 0 0 /etc/x\n",
	  "h:/M:2: expected existed, created, removed, action, owed, unit, command, rule, mount "
	  "or of" },
	{ "unit restart x.service\n",
	  "h:/M:1: expected unit enable|disable|mask|unmask|start|stop UNIT" },
	{ "unit enable x;reboot\n", "h:/M:1: not a systemd unit name" },
	{ "command rm -rf /\n",
	  "h:/M:1: not a command migready runs again (exportfs -ra, ufw reload)" },
	{ "command exportfs -ra -v\n",
	  "h:/M:1: not a command migready runs again (exportfs -ra, ufw reload)" },
	{ "rule sh -c reboot\n", "h:/M:1: expected rule iptables|ip6tables CHAIN SPEC or rule nft "
	                         "FAMILY TABLE CHAIN RULE" },
	{ "rule iptables INPUT\n", "h:/M:1: expected rule iptables|ip6tables CHAIN SPEC or rule nft "
	                           "FAMILY TABLE CHAIN RULE" },
	{ "rule iptables INPUT -j $(reboot)\n", "h:/M:1: expected rule iptables|ip6tables CHAIN "
	                                        "SPEC or rule nft FAMILY TABLE CHAIN RULE" },
	{ "rule nft inet filter -input accept\n", "h:/M:1: expected rule iptables|ip6tables CHAIN "
	                                          "SPEC or rule nft FAMILY TABLE CHAIN RULE" },
	{ "mount relative\n", "h:/M:1: expected mount PATH" },
	{ "existed 0644 0 /etc/x\n", "h:/M:1: expected MODE UID GID" },
	{ "existed 0644 0 0 abc /etc/x\n", "h:/M:1: expected a SHA-256 or '-'" },
	{ "existed 0644 0 0 - /etc/x\n", "h:/M:1: a file written has a SHA-256" },
	{ "removed 0644 0 0 " SHA_A " /etc/x\n", "h:/M:1: a removed file has no SHA-256 ('-')" },
	{ "action enable x.service\n", "h:/M:1: unknown service action" },
	{ "action restart x;reboot\n", "h:/M:1: not a systemd unit name" },
	{ "action restart\n", "h:/M:1: not a systemd unit name" },
	{ "action restart a.service b.service\n", "h:/M:1: unknown service action" },
	{ "of ../../etc\n", "h:/M:1: not a run id" },
	{ "dir 0755 0 0 relative\n", "h:/M:1: expected dir MODE UID GID [MODE:UID:GID-LEFT] PATH" },
	{ "dir 0755 0 0 /a/../etc\n", "h:/M:1: expected dir MODE UID GID [MODE:UID:GID-LEFT] PATH" },
	{ "dir 17777 0 0 /etc\n", "h:/M:1: expected dir MODE UID GID [MODE:UID:GID-LEFT] PATH" },
	{ "dir 0755 -1 0 /etc\n", "h:/M:1: expected dir MODE UID GID [MODE:UID:GID-LEFT] PATH" },
	{ "dir 0755 0\n", "h:/M:1: expected dir MODE UID GID [MODE:UID:GID-LEFT] PATH" },
};

static void test_bad_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *msg = NULL;
		struct mr_manifest *m = parse(bad[i].text, &msg);
		assert_null(m);
		assert_non_null(msg);
		if (strcmp(msg, bad[i].error) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, msg, bad[i].error);
		free(msg);
	}
	/* a NUL byte inside a line */
	struct mr_error *err = NULL;
	assert_null(mr_manifest_parse("existed 0644 0 0 /etc/a\0b\n", 24, "h:/M", &err));
	assert_non_null(err);
	mr_error_free(err);
}

static void test_run_ids(void **state)
{
	(void)state;
	assert_true(mr_backup_run_id_valid("20261202T033902Z-4242-123"));
	assert_false(mr_backup_run_id_valid("20261202T033902Z-4242"));
	assert_false(mr_backup_run_id_valid("20261202T033902Z-4242-123/.."));
	assert_false(mr_backup_run_id_valid("2026120T033902Z-4242-123"));
	assert_false(mr_backup_run_id_valid("20261202T033902Z--123"));
	assert_false(mr_backup_run_id_valid(""));
	char *t = mr_backup_run_time("20261202T033902Z-4242-123");
	assert_string_equal(t, "2026-12-02T03:39:02Z");
	free(t);
	assert_null(mr_backup_run_time("latest"));
	/* one second: the millisecond orders, not the pid's digits */
	assert_true(mr_backup_run_id_cmp("20261202T033902Z-9867-534", "20261202T033902Z-10234-812") < 0);
	assert_true(mr_backup_run_id_cmp("20261202T033902Z-10234-812", "20261202T033902Z-9867-534") > 0);
	assert_true(mr_backup_run_id_cmp("20261202T033901Z-99999-999", "20261202T033902Z-1-0") < 0);
	assert_true(mr_backup_run_id_cmp("20261202T033902Z-7-5", "20261202T033902Z-12-5") < 0);
	assert_int_equal(mr_backup_run_id_cmp("20261202T033902Z-7-5", "20261202T033902Z-7-5"), 0);
}

static int by_run(const void *a, const void *b)
{
	return mr_backup_run_cmp(a, b);
}

/* Runs in the order the host made them: numbered ones by their number
 * whatever their ids (two controllers' clocks apart), those without one
 * (an older migready's) first and by id. */
static void test_run_order(void **state)
{
	(void)state;
	struct mr_backup_run ahead = { .id = "20261202T034902Z-7-5", .seq = 1 };
	struct mr_backup_run behind = { .id = "20261202T034002Z-8-5", .seq = 2 };
	assert_true(mr_backup_run_cmp(&ahead, &behind) < 0);
	assert_true(mr_backup_run_cmp(&behind, &ahead) > 0);
	assert_int_equal(mr_backup_run_cmp(&ahead, &ahead), 0);
	/* without numbers: by id, the millisecond before the pid's digits */
	struct mr_backup_run old1 = { .id = "20261202T033902Z-10234-812" };
	struct mr_backup_run old2 = { .id = "20261202T033902Z-9867-534" };
	assert_true(mr_backup_run_cmp(&old2, &old1) < 0);
	/* mixed: one without a number first, even with a later id */
	struct mr_backup_run late_old = { .id = "20991231T235959Z-1-999" };
	assert_true(mr_backup_run_cmp(&late_old, &ahead) < 0);
	assert_true(mr_backup_run_cmp(&behind, &late_old) > 0);
	struct mr_backup_run v[] = { behind, late_old, ahead, old1, old2 };
	qsort(v, MR_ARRAY_LEN(v), sizeof(*v), by_run);
	const char *want[] = { old2.id, old1.id, late_old.id, ahead.id, behind.id };
	for (size_t i = 0; i < MR_ARRAY_LEN(v); i++)
		assert_string_equal(v[i].id, want[i]);
	/* the number's line is a comment to the MANIFEST parser (an older
	 * migready's too) */
	char *msg = NULL;
	struct mr_manifest *m = parse("existed 0644 0 0 " SHA_A " /etc/a\n# seq 12\n", &msg);
	assert_non_null(m);
	assert_int_equal(m->n_files, 1);
	mr_manifest_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_format),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_outside_files),
		cmocka_unit_test(test_previous_format),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_run_ids),
		cmocka_unit_test(test_run_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
