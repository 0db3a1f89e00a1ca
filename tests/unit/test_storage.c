/* [nfs], [multipath] and [file PATH] on real files (a Debian 12 compute
 * node's, and the corpus's), planned by their resources and run by
 * mr_plan_run on a local transport under a temporary root, with real
 * Augeas and the real commit script; stand-ins for systemctl, mount and
 * exportfs on PATH log their argv. Each case: check finds the drift, apply
 * writes exactly the wanted file, a second apply changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aug.h"
#include "facts.h"
#include "inventory.h"
#include "plan.h"
#include "profile.h"
#include "report.h"
#include "res.h"
#include "transport.h"

#include "helpers.h"

/* Each test: a fresh root, and stand-ins that log what they were asked
 * to do. */
static int before(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_new(e, "storage");
	static const char *const names[] = { "systemctl", "mount", "exportfs" };
	for (size_t i = 0; i < MR_ARRAY_LEN(names); i++)
		mr_test_root_stub(e, names[i], names[i], "");
	return 0;
}

/* --no-restart for the runs that follow */
static int no_restart;

/* One run of the profile's resources on the tree, as a live host with
 * these facts. */
static void run(struct mr_test_root *e, const char *profile, const char *facts, enum mr_mode mode,
                struct mr_host_report *rep)
{
	struct mr_profile *p = mr_test_profile(profile);
	char *text = mr_xasprintf("probe=1\nmode=live\ninit=systemd\n%s", facts);
	struct mr_error *err = NULL;
	struct mr_facts *f = mr_facts_parse("h1", text, strlen(text), &err);
	assert_non_null(f);
	struct mr_plan *plan = mr_plan_new(f);
	struct mr_res_ctx ctx = { .profile = p };
	assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
	struct mr_transport *t = mr_transport_local_new(e->root, &err);
	assert_non_null(t);
	/* a run id of its own: each apply keeps its backups */
	static unsigned runs;
	char run_id[24];
	snprintf(run_id, sizeof(run_id), "RUN%u", ++runs);
	struct mr_run_opts opts = { .mode = mode, .run_id = run_id, .no_restart = no_restart };
	memset(rep, 0, sizeof(*rep));
	rep->name = mr_xstrdup("h1");
	assert_int_equal(mr_plan_run(plan, t, e->aug, &opts, rep, &err), 0);
	mr_transport_close(t);
	mr_plan_free(plan);
	mr_facts_free(f);
	mr_profile_free(p);
	free(text);
}

/* The same, with the facts the probe gathers from the tree itself. */
static void run_probed(struct mr_test_root *e, const char *profile, enum mr_mode mode,
                       struct mr_host_report *rep)
{
	struct mr_error *err = NULL;
	struct mr_transport *t = mr_transport_local_new(e->root, &err);
	assert_non_null(t);
	struct mr_facts *f = mr_facts_gather(t, NULL, NULL, NULL, NULL, NULL, -1, NULL, &err);
	if (!f)
		fail_msg("%s", err->message);
	mr_transport_close(t);
	struct mr_profile *p = mr_test_profile(profile);
	struct mr_plan *plan = mr_plan_new(f);
	struct mr_res_ctx ctx = { .profile = p };
	assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
	t = mr_transport_local_new(e->root, &err);
	assert_non_null(t);
	static unsigned runs;
	char run_id[24];
	snprintf(run_id, sizeof(run_id), "PROBED%u", ++runs);
	struct mr_run_opts opts = { .mode = mode, .run_id = run_id };
	memset(rep, 0, sizeof(*rep));
	rep->name = mr_xstrdup("h1");
	assert_int_equal(mr_plan_run(plan, t, e->aug, &opts, rep, &err), 0);
	mr_transport_close(t);
	mr_plan_free(plan);
	mr_facts_free(f);
	mr_profile_free(p);
}

static void report_free(struct mr_host_report *rep)
{
	struct mr_report r = { .command = "x", .n_hosts = 1 };
	r.hosts = mr_xcalloc(1, sizeof(*r.hosts));
	*r.hosts = *rep;
	mr_report_fini(&r);
}

/* The outcome of the one item named setting; fails if not exactly one. */
static int has_item(const struct mr_host_report *rep, const char *setting)
{
	for (size_t i = 0; i < rep->n_items; i++)
		if (!strcmp(rep->items[i].setting, setting))
			return 1;
	return 0;
}

static const struct mr_item *item(const struct mr_host_report *rep, const char *setting)
{
	const struct mr_item *found = NULL;
	for (size_t i = 0; i < rep->n_items; i++) {
		if (strcmp(rep->items[i].setting, setting) != 0)
			continue;
		if (found)
			fail_msg("two items %s", setting);
		found = &rep->items[i];
	}
	if (!found) {
		for (size_t i = 0; i < rep->n_items; i++)
			print_message("item %s: %d %s\n", rep->items[i].setting, rep->items[i].outcome,
			              rep->items[i].note ? rep->items[i].note : "");
		fail_msg("no item %s", setting);
	}
	return found;
}

static int changed_files(const struct mr_host_report *rep)
{
	int n = 0;
	for (size_t i = 0; i < rep->n_files; i++)
		n += rep->files[i].changed;
	return n;
}

/* The roles a shared profile gets from the inventory's groups ([group
 * storage] set = nfs.role server), applied as main.c applies a host's
 * overrides: the server plans exports, the computes fstab. */
static void test_role_from_inventory_group(void **state)
{
	(void)state;
	char path[] = "/tmp/mr-storage-inv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char inv[] = "[group compute]\nhosts = compute1\nset = nfs.role client\n"
	                          "[group storage]\nhosts = nfs1\nset = nfs.role server\n"
	                          "[host compute1]\n[host nfs1]\n";
	assert_int_equal(write(fd, inv, strlen(inv)), (ssize_t)strlen(inv));
	close(fd);
	struct mr_error *err = NULL;
	struct mr_inventory *inventory = mr_inventory_load(path, &err);
	unlink(path);
	assert_non_null(inventory);
	for (size_t i = 0; i < mr_inventory_count(inventory); i++) {
		const struct mr_host *h = mr_inventory_host(inventory, i);
		struct mr_profile *p = mr_test_profile(
			"[nfs]\nexport = /var/lib/nova/instances 10.20.0.0/24(rw,sync)\n"
			"mount = nfs1:/ /var/lib/nova/instances nfs4 defaults 0 0\n");
		for (size_t k = 0; k < h->n_overrides; k++) {
			const struct mr_override *o = &h->overrides[k];
			assert_int_equal(mr_profile_override(p, o->section, o->key, o->value, o->loc, &err), 0);
		}
		struct mr_plan *plan = mr_plan_new(NULL);
		struct mr_res_ctx ctx = { .profile = p };
		assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
		assert_int_equal(mr_plan_file_count(plan), 1);
		assert_string_equal(mr_plan_file_path(plan, 0),
		                    !strcmp(h->name, "nfs1") ? "/etc/exports" : "/etc/fstab");
		/* a server without facts: what it serves is not seen */
		int server = !strcmp(h->name, "nfs1");
		assert_int_equal(mr_plan_unchecked_count(plan), server);
		if (server)
			assert_string_equal(mr_plan_unchecked_setting(plan, 0), "nfs.active");
		mr_plan_free(plan);
		mr_profile_free(p);
	}
	/* without a role the lines are not examined, and say so */
	struct mr_profile *p = mr_test_profile("[nfs]\nexport = /srv 10.20.0.0/24(rw)\n");
	struct mr_plan *plan = mr_plan_new(NULL);
	struct mr_res_ctx ctx = { .profile = p };
	assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
	assert_int_equal(mr_plan_file_count(plan), 0);
	assert_int_equal(mr_plan_unchecked_count(plan), 1);
	assert_string_equal(mr_plan_unchecked_setting(plan, 0), "nfs.export");
	mr_plan_free(plan);
	mr_profile_free(p);
	mr_inventory_free(inventory);
}

static int any_failed(const struct mr_host_report *rep)
{
	for (size_t i = 0; i < rep->n_items; i++)
		if (rep->items[i].outcome == MR_OUTCOME_FAILED ||
		    (rep->items[i].outcome == MR_OUTCOME_UNCHECKED &&
		     /* said of every sysctl file (test_file_section) */
		     strcmp(rep->items[i].setting, "file.sysctl_running") != 0))
			return 1;
	return rep->error != NULL;
}

/* check: drift; apply: want; apply again: nothing. */
static void converge(struct mr_test_root *e, const char *profile, const char *facts, const char *path,
                     const char *want, const char *setting)
{
	struct mr_host_report rep;
	run(e, profile, facts, MR_MODE_CHECK, &rep);
	const struct mr_item *it = item(&rep, setting);
	if (it->outcome != MR_OUTCOME_DRIFT)
		fail_msg("%s: %d %s %s", setting, it->outcome, it->note ? it->note : "",
		         rep.n_files && rep.files[0].error ? rep.files[0].error : "");
	report_free(&rep);
	run(e, profile, facts, MR_MODE_APPLY, &rep);
	for (size_t i = 0; i < rep.n_items; i++)
		if (rep.items[i].outcome == MR_OUTCOME_FAILED)
			fail_msg("%s failed: %s", rep.items[i].setting,
			         rep.items[i].note ? rep.items[i].note : "");
	if (rep.error)
		fail_msg("%s", rep.error);
	assert_int_equal(item(&rep, setting)->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	char *got = mr_test_root_get(e, path);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("%s:\n%s\nwant\n%s", path, got, want);
	free(got);
	run(e, profile, facts, MR_MODE_APPLY, &rep);
	assert_false(any_failed(&rep));
	assert_int_equal(changed_files(&rep), 0);
	assert_int_equal(item(&rep, setting)->outcome, MR_OUTCOME_OK);
	report_free(&rep);
}

#define SERVER                                                                             \
	"[nfs]\nrole = server\n"                                                               \
	"export = /var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "     \
	"compute9(rw,sync)\n"
#define NFS_UP "unit.nfs-server.service=enabled active\n"
#define ACTIVE                                                                             \
	NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.0/24\n"           \
	"nfs.active=/var/lib/nova/instances compute9\n"

/* /etc/exports holding text, refused by apply of profile: the export
 * fails, the file's error names place and says what, and nothing is
 * written. */
static void refused_by(struct mr_test_root *e, const char *profile, const char *facts,
                       const char *text, const char *place, const char *what)
{
	struct mr_host_report rep;
	mr_test_root_put(e, "/etc/exports", text);
	run(e, profile, facts, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_FAILED);
	assert_int_equal(changed_files(&rep), 0);
	assert_true(rep.n_files > 0 && rep.files[0].error);
	assert_non_null(strstr(rep.files[0].error, place));
	assert_non_null(strstr(rep.files[0].error, what));
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/exports");
	assert_string_equal(got, text);
	free(got);
}

/* ... of SERVER. */
static void refused(struct mr_test_root *e, const char *text, const char *place,
                    const char *what)
{
	refused_by(e, SERVER, ACTIVE, text, place, what);
}

/* The export of the same path takes the profile's clients (added to its
 * line); its own other client, its other line for the path, comments and
 * the other export stay byte for byte: they are exports of the admin's.
 * exportfs -ra runs once, for the change. */
static void test_exports_merged(void **state)
{
	struct mr_test_root *e = *state;
	char *orig = mr_test_data("storage", "debian12.exports", NULL);
	mr_test_root_put(e, "/etc/exports", orig);
	char *cut = strstr(orig, "/var/lib/nova/instances\t10.0.0.0/8(ro,sync)\n");
	assert_non_null(cut);
	cut += strlen("/var/lib/nova/instances\t10.0.0.0/8(ro,sync)");
	/* the profile's network goes before 10.0.0.0/8, which holds it:
	 * mountd gives a peer the first network's options */
	char *line = strstr(orig, "/var/lib/nova/instances\t10.0.0.0/8(ro,sync)\n");
	size_t at = (size_t)(line - orig) + strlen("/var/lib/nova/instances\t");
	char *want = mr_xasprintf("%.*s10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	                          "10.0.0.0/8(ro,sync) compute9(rw,sync)%s",
	                          (int)at, orig, cut);
	converge(e, SERVER, ACTIVE, "/etc/exports", want, "nfs.export");
	char *log = mr_test_root_calls(e);
	assert_string_equal(log, "exportfs -ra\n");
	free(log);
	/* the exported directory is there for exportfs */
	char *dir = mr_xasprintf("%s/var/lib/nova/instances", e->root);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(dir);
	free(want);
	free(orig);
}

/* A client the profile names takes its options where it stands; the
 * line's other clients keep theirs and their places (which entry a host
 * matching two gets may depend on the order). The report shows each
 * client with its own options. */
static void test_export_keeps_other_clients(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances backup.example(ro) "
	                                    "10.20.0.0/24(rw) compute9(rw,sync) extra(ro,sync)\n");
	struct mr_host_report rep;
	run(e, SERVER, ACTIVE, MR_MODE_CHECK, &rep);
	assert_string_equal(item(&rep, "nfs.export")->old,
	                    "/var/lib/nova/instances backup.example(ro) 10.20.0.0/24(rw) "
	                    "compute9(rw,sync) extra(ro,sync)");
	report_free(&rep);
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/var/lib/nova/instances backup.example(ro) 10.20.0.0/24(rw,sync,fsid=0,"
	         "no_root_squash) compute9(rw,sync) extra(ro,sync)\n",
	         "nfs.export");
	/* two export lines of the profile for one path both hold */
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances backup.example(ro)\n");
#define TWO_UP                                                                             \
	NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.0/24\n"           \
	"nfs.active=/var/lib/nova/instances 10.30.0.0/24\n"
	const char *two = "[nfs]\nrole = server\nexport = /var/lib/nova/instances 10.20.0.0/24(rw)\n"
	                  "export = /var/lib/nova/instances 10.30.0.0/24(rw)\n";
	run(e, two, TWO_UP, MR_MODE_APPLY, &rep);
	for (size_t i = 0; i < rep.n_items; i++)
		if (rep.items[i].outcome == MR_OUTCOME_FAILED)
			fail_msg("%s failed: %s", rep.items[i].setting, rep.items[i].note ? rep.items[i].note : "");
	assert_false(any_failed(&rep));
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/exports");
	assert_string_equal(got, "/var/lib/nova/instances backup.example(ro) 10.20.0.0/24(rw) "
	                         "10.30.0.0/24(rw)\n");
	free(got);
	run(e, two, TWO_UP, MR_MODE_APPLY, &rep);
	assert_false(any_failed(&rep));
	assert_int_equal(changed_files(&rep), 0);
	report_free(&rep);
#undef TWO_UP
}

/* mountd gives a peer the options of the first export of the path
 * whose client holds it, hosts before networks, networks before
 * wildcards, and in file order within a kind. A network of the file that
 * holds the profile's and stands before it wins: check is not in the
 * state (it said ok), and apply puts the profile's network first; its
 * other peers keep the wider one. One inside the profile's would lose
 * its peers: refused, nothing written. A host, a network beside it, a
 * wildcard before it stay where they are. */
static void test_export_overlapping_network(void **state)
{
	struct mr_test_root *e = *state;
	const char *ours = "10.20.0.0/24(rw,sync,fsid=0,no_root_squash)";
	char *text = mr_xasprintf("# shared\n/var/lib/nova/instances 10.0.0.0/8(ro,sync) %s "
	                          "compute9(rw,sync)\n",
	                          ours);
	mr_test_root_put(e, "/etc/exports", text);
	struct mr_host_report rep;
	run(e, SERVER, ACTIVE, MR_MODE_CHECK, &rep);
	const struct mr_item *it = item(&rep, "nfs.export");
	assert_int_equal(it->outcome, MR_OUTCOME_DRIFT);
	assert_non_null(it->note);
	assert_non_null(strstr(it->note, "line 2: 10.0.0.0/8(ro,sync) stands before 10.20.0.0/24"));
	report_free(&rep);
	char *want = mr_xasprintf("# shared\n/var/lib/nova/instances %s 10.0.0.0/8(ro,sync) "
	                          "compute9(rw,sync)\n",
	                          ours);
	converge(e, SERVER, ACTIVE, "/etc/exports", want, "nfs.export");
	free(want);
	free(text);
	/* added: before the wider network, spelt with a netmask too */
	mr_test_root_put(e, "/etc/exports",
	                 "/var/lib/nova/instances compute9(rw,sync) 10.20.0.0/255.255.0.0(ro)\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/var/lib/nova/instances compute9(rw,sync) "
	         "10.20.0.0/24(rw,sync,fsid=0,no_root_squash) 10.20.0.0/255.255.0.0(ro)\n",
	         "nfs.export");
	/* other kinds, and a network beside it: where they stand */
	text = mr_xasprintf("/var/lib/nova/instances *.example(ro) 10.30.0.0/16(ro) @ops(ro) *(ro) %s "
	                    "compute9(rw,sync)\n",
	                    ours);
	mr_test_root_put(e, "/etc/exports", text);
	run(e, SERVER, ACTIVE, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	free(text);
	/* live, the file right but the kernel serving the wider network
	 * first (exportfs -ra not run since): drift, settled by exportfs -ra */
	mr_test_root_put(e, "/etc/exports",
	                 "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	                 "10.0.0.0/8(ro,sync) compute9(rw,sync)\n");
	run(e, SERVER,
	    NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances compute9\n"
	           "nfs.active=/var/lib/nova/instances 10.0.0.0/8\n"
	           "nfs.active=/var/lib/nova/instances 10.20.0.0/24\n",
	    MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
	assert_int_equal(item(&rep, "nfs.active")->outcome, MR_OUTCOME_DRIFT);
	assert_string_equal(item(&rep, "nfs.active")->old,
	                    "served otherwise: /var/lib/nova/instances 10.20.0.0/24 after "
	                    "10.0.0.0/8, which mountd takes first");
	report_free(&rep);
	run(e, SERVER,
	    NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances compute9\n"
	           "nfs.active=/var/lib/nova/instances 10.20.0.0/24\n"
	           "nfs.active=/var/lib/nova/instances 10.0.0.0/8\n",
	    MR_MODE_CHECK, &rep);
	for (size_t i = 0; i < rep.n_items; i++)
		assert_false(!strcmp(rep.items[i].setting, "nfs.active") &&
		             rep.items[i].outcome == MR_OUTCOME_DRIFT);
	report_free(&rep);
	/* a network inside the profile's, before it: refused, with its line */
	text = mr_xasprintf("# shared\n/var/lib/nova/instances 10.20.0.128/25(ro) %s "
	                    "compute9(rw,sync)\n",
	                    ours);
	refused(e, text, "/etc/exports:2", "10.20.0.128/25(ro) stands before 10.20.0.0/24");
	free(text);
	/* two networks of the profile's, the wider first in the file: its
	 * options reach the narrower's hosts (found by a review: green); the
	 * narrower goes first */
	mr_test_root_put(e, "/etc/exports",
	                 "/var/lib/nova/instances 10.0.0.0/8(rw,sync,no_root_squash) "
	                 "10.20.0.0/24(rw,sync)\n");
	converge(e,
	         "[nfs]\nrole = server\nexport = /var/lib/nova/instances 10.20.0.0/24(rw,sync) "
	         "10.0.0.0/8(rw,sync,no_root_squash)\n",
	         NFS_UP "nfs.exportfs=ok\n", "/etc/exports",
	         "/var/lib/nova/instances 10.20.0.0/24(rw,sync) 10.0.0.0/8(rw,sync,no_root_squash)\n",
	         "nfs.export");
}

/* Lines continued with a backslash (exports(5)): read as exportfs reads
 * them; a client the profile names is edited where it stands, one added
 * goes on the entry's last line, and every other line stays byte for byte
 * (the stock Exports lens refused the file: check and apply failed). */
static void test_exports_continued(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports",
	                 "/srv/x \\\n\t10.0.0.0/24(rw) \\\n\tother(ro)\n"
	                 "/var/lib/nova/instances \\\n    10.20.0.0/24(ro) \\\n    backup(ro) \\\n"
	                 "    other(ro) \\\n\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/srv/x \\\n\t10.0.0.0/24(rw) \\\n\tother(ro)\n"
	         "/var/lib/nova/instances \\\n    10.20.0.0/24(rw,sync,fsid=0,no_root_squash) \\\n"
	         "    backup(ro) \\\n    other(ro) compute9(rw,sync) \\\n\n",
	         "nfs.export");
	/* a path of its own: its line added whole, on one line */
	mr_test_root_put(e, "/etc/exports", "/srv/x \\\n\t10.0.0.0/24(rw)\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/srv/x \\\n\t10.0.0.0/24(rw)\n"
	         "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	         "compute9(rw,sync)\n",
	         "nfs.export");
}

/* The exported path spelt another way (a trailing '/', '//', quoted): the
 * same export to exportfs, so its line is edited, not a second added
 * (found by a review: exportfs -ra refused the pair as incompatible
 * duplicates). */
static void test_export_other_spelling(void **state)
{
	struct mr_test_root *e = *state;
	static const char *const spelt[] = { "/var/lib/nova/instances/", "\"/var/lib/nova//instances\"" };
	for (size_t i = 0; i < MR_ARRAY_LEN(spelt); i++) {
		char *text = mr_xasprintf("%s 10.20.0.0/24(ro,root_squash) backup(ro)\n", spelt[i]);
		mr_test_root_put(e, "/etc/exports", text);
		converge(e, SERVER, ACTIVE, "/etc/exports",
		         "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) backup(ro) "
		         "compute9(rw,sync)\n",
		         "nfs.export");
		free(text);
	}
}

/* A client of the profile's on a later line for the path: it goes from
 * there (the line too when nothing is left), since exportfs refuses a
 * client twice for one path (found by a review: apply failed, and the
 * stale line stayed). */
static void test_export_client_on_later_line(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports",
	                 "/var/lib/nova/instances 10.30.0.0/24(rw,no_subtree_check)\n"
	                 "# site\n"
	                 "/var/lib/nova/instances 10.20.0.0/24(ro,root_squash,no_subtree_check)\n"
	                 "/var/lib/nova/instances backup(ro) compute9(ro)\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/var/lib/nova/instances 10.30.0.0/24(rw,no_subtree_check) "
	         "10.20.0.0/24(rw,sync,fsid=0,no_root_squash) compute9(rw,sync)\n"
	         "# site\n"
	         "/var/lib/nova/instances backup(ro)\n",
	         "nfs.export");
	/* the first line's other clients are the admin's: on a later line
	 * they stay (found by a review: that line was deleted) */
	const char *two = "/var/lib/nova/instances backup(ro) 10.20.0.0/24(rw,sync,fsid=0,"
	                  "no_root_squash) compute9(rw,sync)\n"
	                  "/var/lib/nova/instances backup(rw,no_root_squash)\n";
	mr_test_root_put(e, "/etc/exports", two);
	struct mr_host_report rep;
	run(e, SERVER, ACTIVE, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/exports");
	assert_string_equal(got, two);
	free(got);
}

/* A client network the file spells otherwise than the profile (a netmask
 * for its prefix, or the reverse): one client to exportfs, so it takes the
 * profile's options where it stands, spelt as it is (found by a review: a
 * second spelling was added, and mountd served the first one's options).
 * Both spellings on the line already (an older run's): each takes them,
 * whichever mountd picks; on a later line: it goes, as the same text does.
 * Another network, or a netmask that is no prefix, is another client. */
static void test_export_network_spelt_otherwise(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances "
	                                    "10.20.0.0/255.255.255.0(rw,root_squash) backup(ro)\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/var/lib/nova/instances 10.20.0.0/255.255.255.0(rw,sync,fsid=0,no_root_squash) "
	         "backup(ro) compute9(rw,sync)\n",
	         "nfs.export");
	const char *masked = "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	                     "10.20.0.0/255.255.255.0(rw,no_root_squash)\n";
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(ro)\n");
	converge(e, masked, NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.0/24\n",
	         "/etc/exports",
	         "/var/lib/nova/instances 10.20.0.0/24(rw,no_root_squash)\n", "nfs.export");
	mr_test_root_put(e, "/etc/exports",
	                 "/var/lib/nova/instances 10.20.0.0/255.255.255.0(rw,root_squash) "
	                 "10.20.0.0/24(rw,sync,fsid=0,no_root_squash) compute9(rw,sync)\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/var/lib/nova/instances 10.20.0.0/255.255.255.0(rw,sync,fsid=0,no_root_squash) "
	         "10.20.0.0/24(rw,sync,fsid=0,no_root_squash) compute9(rw,sync)\n",
	         "nfs.export");
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances backup(ro)\n"
	                                    "/var/lib/nova/instances 10.20.0.0/255.255.255.0(ro)\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/var/lib/nova/instances backup(ro) 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	         "compute9(rw,sync)\n",
	         "nfs.export");
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/255.255.0.0(ro) "
	                                    "10.20.0.0/255.0.255.0(ro) 10.20.1.0/24(ro)\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	         "10.20.0.0/255.255.0.0(ro) 10.20.0.0/255.0.255.0(ro) 10.20.1.0/24(ro) "
	         "compute9(rw,sync)\n",
	         "nfs.export");
}

/* Lines exportfs reads that the lens refused, failing the concern: a
 * comment after the entry (kept after it, the entry edited or not) and
 * options with no client, the world's to exportfs ("*"): the profile's
 * "*" is that client, edited where it stands; another client's export
 * keeps it, and live, the path served also to "*" is said. */
static void test_exports_comment_world(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/srv/x a(rw)  # site\n"
	                                    "/var/lib/nova/instances 10.20.0.0/24(ro) \\\n"
	                                    "  backup(ro)\t# nova's, see RT#12 \\\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "/srv/x a(rw)  # site\n"
	         "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) \\\n"
	         "  backup(ro) compute9(rw,sync)\t# nova's, see RT#12 \\\n",
	         "nfs.export");
	const char *world = "[nfs]\nrole = server\nexport = /var/lib/nova/instances *(rw,sync)\n";
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances (ro) backup(ro) # all\n");
	converge(e, world, NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances *\n",
	         "/etc/exports",
	         "/var/lib/nova/instances (rw,sync) backup(ro) # all\n", "nfs.export");
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances (ro)\n");
	struct mr_host_report rep;
	run(e, SERVER, ACTIVE "nfs.active=/var/lib/nova/instances *\n", MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_CHANGED);
	/* the world, tried after every network and host, takes none of the
	 * export's peers: nothing left not checked */
	assert_false(has_item(&rep, "nfs.other_client"));
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/exports");
	assert_string_equal(got, "/var/lib/nova/instances (ro) 10.20.0.0/24(rw,sync,fsid=0,"
	                         "no_root_squash) compute9(rw,sync)\n");
	free(got);
}

/* Blanks before the path, and a path with no client, which exportfs
 * exports to every host with its default options: the profile's clients
 * join the line, and every host keeps what it had, as "*". */
static void test_exports_bare_path(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "  /srv/x a(rw)\n"
	                                    "\t/var/lib/nova/instances   # nova's\n");
	converge(e, SERVER, ACTIVE, "/etc/exports",
	         "  /srv/x a(rw)\n"
	         "\t/var/lib/nova/instances * 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	         "compute9(rw,sync)   # nova's\n",
	         "nfs.export");
	const char *world = "[nfs]\nrole = server\nexport = /var/lib/nova/instances *(rw,sync)\n";
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances\n");
	converge(e, world, NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances *\n",
	         "/etc/exports", "/var/lib/nova/instances *(rw,sync)\n", "nfs.export");
	/* the path alone on a later line: the world's too, which mountd
	 * serves the first line's options (exportfs -v shows one <world>);
	 * that dead line goes when the profile's client is the world */
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances *(rw,sync)\n"
	                                    "/var/lib/nova/instances   # old\n");
	converge(e, world, NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances *\n",
	         "/etc/exports", "/var/lib/nova/instances *(rw,sync)\n", "nfs.export");
	/* ... and stays beside a network's (mountd serves a network's peers
	 * its own options before the world's, exports(5)) */
	const char *beside = "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	                     "compute9(rw,sync)\n/var/lib/nova/instances\n";
	mr_test_root_put(e, "/etc/exports", beside);
	struct mr_host_report rep;
	run(e, SERVER, ACTIVE "nfs.active=/var/lib/nova/instances *\n", MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/exports");
	assert_string_equal(got, beside);
	free(got);
}

/* A line's default options ("-opts", exports(5)), as exportfs reads them:
 * a client takes them, then its own, which win. A client of the profile's
 * is in the desired state where they give it what the profile's options
 * alone would (on exportfs's own defaults); one they do not, and a new
 * one, go before the line's first "-" word with the profile's options,
 * where no default reaches them; what every other client and host gets
 * stays. */
#define WORLD "[nfs]\nrole = server\nexport = /var/lib/nova/instances *(rw,sync)\n"
#define WORLD_UP NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances *\n"
#define NET "[nfs]\nrole = server\nexport = /var/lib/nova/instances 10.20.0.0/24(rw,sync)\n"
#define NET_UP NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.0/24\n"
#define C9 "[nfs]\nrole = server\nexport = /var/lib/nova/instances compute9(rw)\n"
#define C9_UP NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances compute9\n"
#define NETS                                                                               \
	"[nfs]\nrole = server\nexport = /var/lib/nova/instances 10.0.5.0/24(rw) 10.0.6.0/24(rw)\n"
#define NETS_UP                                                                            \
	NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.0.5.0/24\n"            \
	"nfs.active=/var/lib/nova/instances 10.0.6.0/24\n"
static const struct {
	const char *why, *profile, *facts, *text, *want;
} defaults_cases[] = {
	{ "a default ro, and async, that the client's own options do not undo: it goes "
	  "before them with the profile's; compute9's own options and the defaults give "
	  "what it asks, and stay; the other line too",
	  SERVER, ACTIVE,
	  "/var/lib/nova/instances -ro,async,no_subtree_check 10.20.0.0/24(no_root_squash,fsid=0) "
	  "compute9(sync,rw)\n/srv/images -ro 10.0.0.0/8\n",
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	  "-ro,async,no_subtree_check compute9(sync,rw)\n"
	  "/srv/images -ro 10.0.0.0/8\n" },
	{ "a \"-\" word after a client: the clients after it take it; left last by the "
	  "one going before it, it goes (it would export the path to every host)",
	  SERVER, ACTIVE,
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) -ro compute9(sync)\n",
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	  "compute9(rw,sync)\n" },
	{ "defaults the profile does not name are no profile's: all_squash, anonuid=0, "
	  "insecure, no_root_squash (found by a review: green, exportfs served them)",
	  C9, C9_UP, "/var/lib/nova/instances -all_squash,insecure,anonuid=0,no_root_squash "
	  "compute9(rw)\n",
	  "/var/lib/nova/instances compute9(rw)\n" },
	{ "... async", C9, C9_UP, "/var/lib/nova/instances -async compute9(rw)\n",
	  "/var/lib/nova/instances compute9(rw)\n" },
	{ "... an fsid, which no option of the client's undoes",
	  C9, C9_UP, "/var/lib/nova/instances -fsid=7 compute9(rw) backup\n",
	  "/var/lib/nova/instances compute9(rw) -fsid=7 backup\n" },
	{ "... a mountpoint", C9, C9_UP, "/var/lib/nova/instances -mountpoint compute9(rw)\n",
	  "/var/lib/nova/instances compute9(rw)\n" },
	{ "... nordirplus", C9, C9_UP, "/var/lib/nova/instances -nordirplus compute9(rw)\n",
	  "/var/lib/nova/instances compute9(rw)\n" },
	{ "... with a flavour named, the defaults too",
	  "[nfs]\nrole = server\nexport = /var/lib/nova/instances compute9(rw,sec=sys)\n", C9_UP,
	  "/var/lib/nova/instances -no_root_squash compute9(rw,sec=sys)\n",
	  "/var/lib/nova/instances compute9(rw,sec=sys)\n" },
	{ "a new client goes before the defaults, which it would take after them",
	  C9, C9_UP, "/var/lib/nova/instances -all_squash backup\n",
	  "/var/lib/nova/instances compute9(rw) -all_squash backup\n" },
	{ "the world's defaults the profile does not name: the world's client written, the "
	  "\"-\" word ending the line gone with it",
	  "[nfs]\nrole = server\nexport = /var/lib/nova/instances *(rw,sync)\n",
	  NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances *\n",
	  "/var/lib/nova/instances backup -rw,sync,all_squash\n",
	  "/var/lib/nova/instances backup *(rw,sync)\n" },
	{ "clients going before the first \"-\" word leave the others as they were: no "
	  "\"-\" word left last to export the path to every host (found by a review: the "
	  "world gained ro)",
	  NETS, NETS_UP,
	  "/var/lib/nova/instances 10.0.0.0/16(ro) -ro 10.0.5.0/24 -async 10.0.6.0/24\n",
	  "/var/lib/nova/instances 10.0.5.0/24(rw) 10.0.6.0/24(rw) 10.0.0.0/16(ro)\n" },
	{ "... and every host keeps what the one ending the line gave it, all the defaults "
	  "(found by a review: the world lost it)",
	  NETS, NETS_UP, "/var/lib/nova/instances 10.0.0.0/16(ro) -ro 10.0.5.0/24 -async\n",
	  "/var/lib/nova/instances 10.0.5.0/24(rw) 10.0.6.0/24(rw) 10.0.0.0/16(ro) -ro,async\n" },
	{ "a client of a later line goes to the first, before its \"-\" word (found by a "
	  "review: refused, naming the first line)",
	  C9, C9_UP,
	  "/var/lib/nova/instances -sec=krb5 x(rw)\n/var/lib/nova/instances compute9(ro)\n",
	  "/var/lib/nova/instances compute9(rw) -sec=krb5 x(rw)\n" },
	{ "one ending the line exports the path to every host with it: the profile's "
	  "clients go before it, and every host keeps what it had",
	  SERVER, ACTIVE, "/var/lib/nova/instances backup(ro) -ro,sync\n",
	  "/var/lib/nova/instances backup(ro) 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) "
	  "compute9(rw,sync) -ro,sync\n" },
	{ "the profile's world, judged with the defaults it takes there: written with the "
	  "profile's options where they do not give it those, the \"-\" word gone",
	  WORLD, WORLD_UP, "/var/lib/nova/instances backup(ro) -ro\n",
	  "/var/lib/nova/instances backup(ro) *(rw,sync)\n" },
	{ "a later line's last \"-\" word is the world's too, and a dead one: it goes; its "
	  "client stays",
	  WORLD, WORLD_UP, "/var/lib/nova/instances *(rw,sync)\n/var/lib/nova/instances a(ro) -ro\n",
	  "/var/lib/nova/instances *(rw,sync)\n/var/lib/nova/instances a(ro)\n" },
	{ "a \"-\" word left last by the client after it going to the first line would "
	  "export the path to every host: it goes too",
	  SERVER, ACTIVE,
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) compute9(rw,sync)\n"
	  "/var/lib/nova/instances backup(ro) -ro compute9(rw)\n",
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) compute9(rw,sync)\n"
	  "/var/lib/nova/instances backup(ro)\n" },
	{ "... or going before a network that mountd would take first for its peers",
	  NET, NET_UP, "/var/lib/nova/instances 10.0.0.0/8(ro,sync) -async 10.20.0.0/24(rw)\n",
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync) 10.0.0.0/8(ro,sync)\n" },
	{ "two \"-\" words left side by side so are one, the first's options then the "
	  "second's, as the clients after them took them (exportfs reads the word after one "
	  "as a client)",
	  SERVER, ACTIVE,
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) compute9(rw,sync)\n"
	  "/var/lib/nova/instances -ro compute9 -async backup\n",
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash) compute9(rw,sync)\n"
	  "/var/lib/nova/instances -ro,async backup\n" },
	{ "... on the first line too",
	  NET, NET_UP,
	  "/var/lib/nova/instances 10.0.0.0/8(ro,sync) -async 10.20.0.0/24(rw) -ro backup(ro)\n",
	  "/var/lib/nova/instances 10.20.0.0/24(rw,sync) 10.0.0.0/8(ro,sync) -async,ro backup(ro)\n" },
};

/* /etc/exports: before, then a line whose "-ro,ro..." and "-async,..."
 * words (818 characters as one) stand either side of client, then
 * backup and after. */
static char *long_defaults(const char *before, const char *client, const char *after)
{
	struct mr_buf t;
	mr_buf_init(&t);
	mr_buf_printf(&t, "%s/var/lib/nova/instances -ro", before);
	for (int i = 0; i < 150; i++)
		mr_buf_puts(&t, ",ro");
	mr_buf_printf(&t, " %s -async", client);
	for (int i = 0; i < 60; i++)
		mr_buf_puts(&t, ",async");
	mr_buf_printf(&t, " backup%s\n", after);
	return mr_buf_steal(&t, NULL);
}

static void test_exports_defaults(void **state)
{
	struct mr_test_root *e = *state;
	struct mr_host_report rep;
	/* the defaults give both clients what the profile asks, and the
	 * world's what it asks there: no drift (the lens refused the comma;
	 * "-rw" alone was a client) */
	static const char *const given[][2] = {
		{ SERVER, "# nova's\n/var/lib/nova/instances -rw,sync "
		          "10.20.0.0/24(fsid=0,no_root_squash) \\\n\tcompute9\n" },
		{ WORLD, "/var/lib/nova/instances backup(ro) -rw,sync\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(given); i++) {
		mr_test_root_put(e, "/etc/exports", given[i][1]);
		run(e, given[i][0], i ? WORLD_UP : ACTIVE, MR_MODE_APPLY, &rep);
		assert_false(any_failed(&rep));
		assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
		assert_int_equal(changed_files(&rep), 0);
		report_free(&rep);
		char *got = mr_test_root_get(e, "/etc/exports");
		assert_string_equal(got, given[i][1]);
		free(got);
	}
	/* the report shows the line as it stands, defaults and all */
	mr_test_root_put(e, "/etc/exports", defaults_cases[0].text);
	run(e, SERVER, ACTIVE, MR_MODE_CHECK, &rep);
	assert_string_equal(item(&rep, "nfs.export")->old,
	                    "/var/lib/nova/instances -ro,async,no_subtree_check "
	                    "10.20.0.0/24(no_root_squash,fsid=0) compute9(sync,rw)");
	report_free(&rep);
	for (size_t i = 0; i < MR_ARRAY_LEN(defaults_cases); i++) {
		print_message("case: %s\n", defaults_cases[i].why);
		mr_test_root_put(e, "/etc/exports", defaults_cases[i].text);
		converge(e, defaults_cases[i].profile, defaults_cases[i].facts, "/etc/exports",
		         defaults_cases[i].want, "nfs.export");
	}
	/* a client that must go before the defaults, past a network it
	 * would take peers of: refused, with that one's line; nothing
	 * written */
	refused(e, "/var/lib/nova/instances -sec=krb5p compute9(rw,sync) \\\n"
	           "\t10.20.0.0/25(ro) 10.20.0.0/24(rw)\n",
	        "/etc/exports:2", "10.20.0.0/25(ro)");
	/* a wider network of the profile's going before the defaults would
	 * take the hosts of a narrower one of the profile's that they serve
	 * as asked (found by a review: apply gave 10.20.0.0/24's hosts
	 * no_root_squash, and check was green) */
	refused_by(e,
	           "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	           "10.20.0.0/24(rw,sync,no_subtree_check) "
	           "10.0.0.0/8(rw,sync,no_root_squash,no_subtree_check)\n",
	           NFS_UP "nfs.exportfs=ok\n",
	           "/var/lib/nova/instances -rw,async 10.20.0.0/24(sync,no_subtree_check) "
	           "10.0.0.0/8(no_root_squash)\n",
	           "/etc/exports:1", "10.20.0.0/24(sync,no_subtree_check)");
	/* "-" words left side by side are one word to exportfs, which reads
	 * 511 characters at most */
	char *t = long_defaults("", "compute9(ro)", " 10.20.0.0/24(rw,sync,fsid=0,no_root_squash)");
	refused(e, t, "/etc/exports:1", "511");
	free(t);
	/* a run too long for exportfs that apply drops (left last by the
	 * clients going before it) is no refusal (found by a review) */
	struct mr_buf lt;
	mr_buf_init(&lt);
	mr_buf_puts(&lt, "/var/lib/nova/instances 10.30.0.0/24 -anonuid=");
	for (int i = 0; i < 300; i++)
		mr_buf_putc(&lt, '0');
	mr_buf_puts(&lt, "1 10.40.0.0/24 -anongid=");
	for (int i = 0; i < 300; i++)
		mr_buf_putc(&lt, '0');
	mr_buf_puts(&lt, "2 10.20.0.0/24\n");
	mr_test_root_put(e, "/etc/exports", lt.data);
	mr_buf_fini(&lt);
	converge(e,
	         "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	         "10.20.0.0/24(rw,sync,no_subtree_check) 10.40.0.0/24(rw,sync,no_subtree_check)\n",
	         NFS_UP "nfs.exportfs=ok\n", "/etc/exports",
	         "/var/lib/nova/instances 10.30.0.0/24 10.20.0.0/24(rw,sync,no_subtree_check) "
	         "10.40.0.0/24(rw,sync,no_subtree_check)\n",
	         "nfs.export");
	/* ... on a later line, left so by its client going to the first */
	t = long_defaults("/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash)\n",
	                  "compute9(rw)", "");
	refused(e, t, "/etc/exports:2", "511");
	free(t);
}
#undef WORLD
#undef WORLD_UP
#undef NET
#undef NET_UP
#undef C9
#undef C9_UP
#undef NETS
#undef NETS_UP

/* A network with host bits set, or an IPv6 one spelt otherwise: mountd
 * masks the peer with the prefix and compares, so it is the profile's
 * network, edited where it stands. */
static void test_exports_host_bits(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.5/24(ro) "
	                                    "fd00:0:0::/64(ro)\n");
	const char *six = "[nfs]\nrole = server\n"
	                  "export = /var/lib/nova/instances 10.20.0.0/24(rw,sync) fd00::/64(rw)\n";
	converge(e, six, NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.5/24\n"
	         "nfs.active=/var/lib/nova/instances fd00:0:0::/64\n", "/etc/exports",
	         "/var/lib/nova/instances 10.20.0.5/24(rw,sync) fd00:0:0::/64(rw)\n", "nfs.export");
}

/* Configured but not served: drift that exportfs -ra settles, though the
 * file is right; unknown without exportfs. */
static void test_export_not_active(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,"
	                            "no_root_squash) compute9(rw,sync)\n");
	struct mr_host_report rep;
	run(e, SERVER, NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances compute9\n",
	    MR_MODE_CHECK, &rep);
	const struct mr_item *it = item(&rep, "nfs.active");
	assert_int_equal(it->outcome, MR_OUTCOME_DRIFT);
	assert_string_equal(it->old, "not active: /var/lib/nova/instances 10.20.0.0/24");
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	run(e, SERVER, NFS_UP "nfs.exportfs=ok\n", MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.active")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	char *log = mr_test_root_calls(e);
	assert_string_equal(log, "exportfs -ra\n");
	free(log);
	/* all served: nothing to run */
	run(e, SERVER, ACTIVE, MR_MODE_CHECK, &rep);
	assert_false(any_failed(&rep));
	for (size_t i = 0; i < rep.n_items; i++)
		assert_int_equal(rep.items[i].outcome, MR_OUTCOME_OK);
	assert_int_equal(rep.n_planned, 0);
	report_free(&rep);
	run(e, SERVER, "", MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.active")->outcome, MR_OUTCOME_FAILED);
	report_free(&rep);
}

/* The path served also to a client the export does not name (another
 * line, an exports.d file): which entry applies to a peer both match is
 * not examined, and said; another path's clients are no concern. */
static void test_export_other_client(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,"
	                            "no_root_squash) compute9(rw,sync)\n");
	struct mr_host_report rep;
	run(e, SERVER, ACTIVE "nfs.active=/var/lib/nova/instances 10.20.0.7\n"
	    "nfs.active=/srv/cinder 10.20.0.8\n", MR_MODE_CHECK, &rep);
	size_t n = 0;
	for (size_t i = 0; i < rep.n_items; i++) {
		const struct mr_item *it = &rep.items[i];
		if (it->outcome == MR_OUTCOME_UNCHECKED && !strcmp(it->setting, "nfs.other_client")) {
			n++;
			assert_non_null(strstr(it->origin, "served also to /var/lib/nova/instances 10.20.0.7"));
		}
	}
	assert_int_equal(n, 1);
	report_free(&rep);
}

/* A client network with a netmask (exports(5)): taken as its prefix, so
 * exportfs -v showing it either way serves the export; another network,
 * wider or beside it, does not (found refused by the profile's check). */
static void test_export_netmask(void **state)
{
	struct mr_test_root *e = *state;
	const char *profile = "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	                      "10.20.0.0/255.255.255.0(rw,no_root_squash)\n";
	mr_test_root_put(e, "/etc/exports", "/srv 10.9.0.0/16(ro)\n");
	converge(e, profile, NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.0/24\n",
	         "/etc/exports",
	         "/srv 10.9.0.0/16(ro)\n"
	         "/var/lib/nova/instances 10.20.0.0/255.255.255.0(rw,no_root_squash)\n",
	         "nfs.export");
	static const char *const same[] = { "10.20.0.0/24", "10.20.0.0/255.255.255.0" };
	struct mr_host_report rep;
	for (size_t i = 0; i < MR_ARRAY_LEN(same); i++) {
		char *facts = mr_xasprintf(NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances "
		                           "%s\nnfs.active_opts=/var/lib/nova/instances %s "
		                           "rw,no_root_squash\n",
		                           same[i], same[i]);
		run(e, profile, facts, MR_MODE_CHECK, &rep);
		for (size_t k = 0; k < rep.n_items; k++)
			if (rep.items[k].outcome != MR_OUTCOME_OK)
				fail_msg("served as %s: %s %d %s", same[i], rep.items[k].setting,
				         rep.items[k].outcome, rep.items[k].old ? rep.items[k].old : "");
		report_free(&rep);
		free(facts);
	}
	static const char *const other[] = { "10.20.1.0/24", "10.20.0.0/23", "10.20.0.0/255.255.0.0" };
	for (size_t i = 0; i < MR_ARRAY_LEN(other); i++) {
		char *facts = mr_xasprintf(NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances "
		                           "%s\n",
		                           other[i]);
		run(e, profile, facts, MR_MODE_CHECK, &rep);
		const struct mr_item *it = item(&rep, "nfs.active");
		assert_int_equal(it->outcome, MR_OUTCOME_DRIFT);
		assert_string_equal(it->old,
		                    "not active: /var/lib/nova/instances 10.20.0.0/255.255.255.0");
		/* a network beside the export's is judged by its order
		 * (served_before), not left not checked */
		assert_false(has_item(&rep, "nfs.other_client"));
		report_free(&rep);
		free(facts);
	}
}

/* The server stopped serves nothing, whatever exportfs -v lists (its
 * etab): its unit is enabled and started. */
static void test_nfs_server_stopped(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,"
	                            "no_root_squash) compute9(rw,sync)\n");
	const char *facts = "unit.nfs-server.service=disabled inactive\nnfs.exportfs=ok\n"
	                    "nfs.active=/var/lib/nova/instances 10.20.0.0/24\n"
	                    "nfs.active=/var/lib/nova/instances compute9\n";
	struct mr_host_report rep;
	run(e, SERVER, facts, MR_MODE_CHECK, &rep);
	const struct mr_item *it = item(&rep, "nfs.server");
	assert_int_equal(it->outcome, MR_OUTCOME_DRIFT);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	run(e, SERVER, facts, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.server")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	char *log = mr_test_root_calls(e);
	if (!strstr(log, "enable") || !strstr(log, "nfs-server.service"))
		fail_msg("calls:\n%s", log);
	free(log);
	/* not installed: failed, never green */
	run(e, SERVER, "unit.nfs-server.service=absent\nnfs.exportfs=ok\n", MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.server")->outcome, MR_OUTCOME_FAILED);
	report_free(&rep);
}

/* A check of profile on facts has no nfs.active item: served as asked. */
static void assert_served_as_asked(struct mr_test_root *e, const char *profile, const char *facts)
{
	struct mr_host_report rep;
	run(e, profile, facts, MR_MODE_CHECK, &rep);
	for (size_t i = 0; i < rep.n_items; i++)
		assert_false(rep.items[i].setting && !strcmp(rep.items[i].setting, "nfs.active"));
	report_free(&rep);
}

/* Served, but with an option that undoes one the export asks for (the
 * file changed since exportfs -ra): drift that names it. Options exportfs
 * -v adds, or the same under another spelling, are no drift. */
static void test_export_served_otherwise(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,"
	                            "no_root_squash) compute9(rw,sync)\n");
	struct mr_host_report rep;
	run(e, SERVER,
	    ACTIVE "nfs.active_opts=/var/lib/nova/instances 10.20.0.0/24 sync,wdelay,hide,"
	           "no_subtree_check,fsid=1,sec=sys,rw,root_squash,no_all_squash\n"
	           "nfs.active_opts=/var/lib/nova/instances compute9 async,ro,root_squash\n",
	    MR_MODE_CHECK, &rep);
	const struct mr_item *it = item(&rep, "nfs.active");
	assert_int_equal(it->outcome, MR_OUTCOME_DRIFT);
	assert_string_equal(it->old, "served otherwise: /var/lib/nova/instances 10.20.0.0/24 fsid=1, "
	                             "not fsid=0, /var/lib/nova/instances 10.20.0.0/24 root_squash, "
	                             "not no_root_squash, /var/lib/nova/instances compute9 ro, not rw, "
	                             "/var/lib/nova/instances compute9 async, not sync");
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	run(e, SERVER,
	    "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances compute9\n"
	    "nfs.active_opts=/var/lib/nova/instances compute9 ro,sync\n",
	    MR_MODE_CHECK, &rep);
	assert_string_equal(item(&rep, "nfs.active")->old,
	                    "not active: /var/lib/nova/instances 10.20.0.0/24; served otherwise: "
	                    "/var/lib/nova/instances compute9 ro, not rw");
	report_free(&rep);
	/* no_auth_nlm served, which exportfs -v shows as insecure_locks only
	 * (it never prints auth_nlm): auth_nlm is undone */
	const char *locks = "[nfs]\nrole = server\n"
	                    "export = /var/lib/nova/instances compute9(rw,sync,auth_nlm)\n";
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances compute9(rw,sync,auth_nlm)\n");
	run(e, locks,
	    "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances compute9\n"
	    "nfs.active_opts=/var/lib/nova/instances compute9 sync,rw,insecure_locks\n",
	    MR_MODE_CHECK, &rep);
	assert_string_equal(item(&rep, "nfs.active")->old,
	                    "served otherwise: /var/lib/nova/instances compute9 insecure_locks, "
	                    "not auth_nlm");
	report_free(&rep);
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,"
	                            "no_root_squash) compute9(rw,sync)\n");
	/* exportfs -v shows a host by its canonical name: compute9 served as
	 * compute9.example.com is served as asked, and no other client
	 * (found by a review: drift every run, exportfs -ra for nothing);
	 * another host of that name's beginning is not it */
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,"
	                            "no_root_squash) compute9(rw,sync)\n");
	const char *fqdn = NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.0/24\n"
	                   "nfs.active=/var/lib/nova/instances compute9.example.com\n"
	                   "nfs.active_opts=/var/lib/nova/instances compute9.example.com rw,sync\n";
	assert_served_as_asked(e, SERVER, fqdn);
	run(e, SERVER, fqdn, MR_MODE_CHECK, &rep);
	for (size_t i = 0; i < rep.n_items; i++)
		assert_false(rep.items[i].outcome == MR_OUTCOME_UNCHECKED &&
		             !strcmp(rep.items[i].setting, "nfs.other_client"));
	report_free(&rep);
	run(e, SERVER,
	    NFS_UP "nfs.exportfs=ok\nnfs.active=/var/lib/nova/instances 10.20.0.0/24\n"
	    "nfs.active=/var/lib/nova/instances compute91.example.com\n",
	    MR_MODE_CHECK, &rep);
	assert_string_equal(item(&rep, "nfs.active")->old,
	                    "not active: /var/lib/nova/instances compute9");
	report_free(&rep);
	/* fsid=root is shown fsid=0; a list (sec=) in another order is the
	 * same list */
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,fsid=root,"
	                            "sec=krb5:sys,anonuid=64060) compute9(rw,sync)\n");
	assert_served_as_asked(e,
	                       "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	                       "10.20.0.0/24(rw,fsid=root,sec=krb5:sys,anonuid=64060) "
	                       "compute9(rw,sync)\n",
	                       ACTIVE "nfs.active_opts=/var/lib/nova/instances 10.20.0.0/24 sync,"
	                              "wdelay,fsid=0,sec=sys:krb5,rw,root_squash,anonuid=64060\n");
	/* ... but other flavours are served otherwise: a client mounting with
	 * sys is refused where only krb5 is served */
	run(e,
	    "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	    "10.20.0.0/24(rw,fsid=root,sec=krb5:sys,anonuid=64060) compute9(rw,sync)\n",
	    ACTIVE "nfs.active_opts=/var/lib/nova/instances 10.20.0.0/24 sync,wdelay,fsid=0,"
	           "sec=krb5,rw,root_squash,anonuid=64060\n",
	    MR_MODE_CHECK, &rep);
	assert_string_equal(item(&rep, "nfs.active")->old,
	                    "served otherwise: /var/lib/nova/instances 10.20.0.0/24 sec=krb5, not "
	                    "sec=krb5:sys");
	report_free(&rep);
	/* one group per flavour, as exportfs -v shows sec=krb5p,...,sec=sys */
	assert_served_as_asked(e,
	                       "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	                       "10.20.0.0/24(rw,fsid=root,sec=sys:krb5p,anonuid=64060) "
	                       "compute9(rw,sync)\n",
	                       ACTIVE "nfs.active_opts=/var/lib/nova/instances 10.20.0.0/24 sync,"
	                              "wdelay,fsid=0,sec=krb5p,rw,root_squash,sec=sys,rw,"
	                              "root_squash,anonuid=64060\n");
	run(e,
	    "[nfs]\nrole = server\nexport = /var/lib/nova/instances "
	    "10.20.0.0/24(rw,fsid=root,anonuid=64060) compute9(rw,sync)\n",
	    ACTIVE "nfs.active_opts=/var/lib/nova/instances 10.20.0.0/24 fsid=1,rw,anonuid=65\n",
	    MR_MODE_CHECK, &rep);
	assert_string_equal(item(&rep, "nfs.active")->old,
	                    "served otherwise: /var/lib/nova/instances 10.20.0.0/24 fsid=1, not "
	                    "fsid=root, /var/lib/nova/instances 10.20.0.0/24 anonuid=65, not "
	                    "anonuid=64060");
	report_free(&rep);
	run(e, SERVER,
	    ACTIVE "nfs.active_opts=/var/lib/nova/instances 10.20.0.0/24 sync,wdelay,hide,"
	           "no_subtree_check,fsid=0,sec=sys,rw,secure,no_root_squash,no_all_squash\n"
	           "nfs.active_opts=/var/lib/nova/instances compute9 sync,wdelay,rw,root_squash\n",
	    MR_MODE_CHECK, &rep);
	/* nfs.active in state: no item (the exported directory is drift here) */
	for (size_t i = 0; i < rep.n_items; i++)
		assert_false(rep.items[i].setting && !strcmp(rep.items[i].setting, "nfs.active"));
	report_free(&rep);
}

#define CLIENT                                                                          \
	"[nfs]\nrole = client\n"                                                            \
	"mount = nfs1:/ /var/lib/nova/instances nfs4 rw,vers=4.2,_netdev 0 0\n"
#define NOVA_USER "user.nova=64060:64060:/var/lib/nova:/bin/sh\n"
#define CLIENT_FACTS(MOUNTED, DIR)                                                   \
	NOVA_USER "instances=/var/lib/nova/instances\nmount.instances=" MOUNTED "\n"      \
	"dir.instances=" DIR "\n"
#define FSTAB_LINE "nfs1:/\t/var/lib/nova/instances\tnfs4\trw,vers=4.2,_netdev\t0 0\n"
#define HARD_CLIENT                                                                     \
	"[nfs]\nrole = client\n"                                                            \
	"mount = nfs1:/ /var/lib/nova/instances nfs4 rw,hard,vers=4.2,_netdev 0 0\n"
#define MOUNTED_FACTS(SUPER)                                                            \
	CLIENT_FACTS("nfs1:/ nfs4", "nonempty")                                             \
	"mount.instances_opts=rw,relatime\nmount.instances_super=" SUPER "\n"
#define V42_SUPER                                                                       \
	"rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,"      \
	"retrans=2,sec=sys,clientaddr=10.20.0.11,local_lock=none,addr=10.20.0.5"

/* A new fstab entry at the end; the instances directory made and given
 * to nova; mounted once. findmnt reads the result. */
static void test_fstab_added_and_mounted(void **state)
{
	struct mr_test_root *e = *state;
	char *orig = mr_test_data("storage", "debian12.fstab", NULL);
	mr_test_root_put(e, "/etc/fstab", orig);
	char *want = mr_xasprintf("%s%s", orig, FSTAB_LINE);
	converge(e, CLIENT, CLIENT_FACTS("none", "empty"), "/etc/fstab", want, "nfs.mount");
	char *log = mr_test_root_calls(e);
	/* systemd's unit of the line reloaded before it is mounted */
	assert_non_null(strstr(log, "systemctl --no-ask-password daemon-reload\n"
	                            "mount -- /var/lib/nova/instances\n"));
	free(log);
	char *dir = mr_xasprintf("%s/var/lib/nova/instances", e->root);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_uid, 64060);
	free(dir);
	/* util-linux reads the entry back as written */
	char *cmd = mr_xasprintf("findmnt --verify --tab-file '%s/etc/fstab' 2>&1 | "
	                         "grep -q '^0 parse errors' && "
	                         "test \"$(findmnt --tab-file '%s/etc/fstab' -n -o "
	                         "SOURCE,FSTYPE,OPTIONS /var/lib/nova/instances)\" = "
	                         "'nfs1:/ nfs4   rw,vers=4.2,_netdev'",
	                         e->root, e->root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(want);
	free(orig);
}

/* Modes are the admin's beyond what migration needs: an exported
 * directory's setgid bit and group write stay; the instances directory
 * gets nova's u+rwx and QEMU's o+x added to the bits it has. */
static void test_dir_modes_kept(void **state)
{
	struct mr_test_root *e = *state;
	char *dir = mr_xasprintf("%s/var/lib/nova/instances", e->root);
	char *mk = mr_xasprintf("mkdir -p '%s' && chown 64060:64060 '%s' && chmod 2770 '%s'", dir,
	                        dir, dir);
	assert_int_equal(system(mk), 0);
	free(mk);
	struct stat st;
	struct mr_host_report rep;
	mr_test_root_put(e, "/etc/exports", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,"
	                                    "no_root_squash) compute9(rw,sync)\n");
	run(e, SERVER, ACTIVE, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.export_dir")->outcome, MR_OUTCOME_OK);
	assert_string_equal(item(&rep, "nfs.export_dir")->want, "present");
	report_free(&rep);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 02770);
	/* the client: o+x added, the rest kept */
	mr_test_root_put(e, "/etc/fstab", FSTAB_LINE);
	run(e, CLIENT, CLIENT_FACTS("nfs1:/ nfs4", "nonempty"), MR_MODE_CHECK, &rep);
	const struct mr_item *it = item(&rep, "nfs.instances_dir");
	assert_int_equal(it->outcome, MR_OUTCOME_DRIFT);
	assert_string_equal(it->want, "at least 0701 64060:64060");
	report_free(&rep);
	run(e, CLIENT, CLIENT_FACTS("nfs1:/ nfs4", "nonempty"), MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.instances_dir")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 02771);
	run(e, CLIENT, CLIENT_FACTS("nfs1:/ nfs4", "nonempty"), MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.instances_dir")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	free(dir);
}

/* A failed item of setting whose note holds what, in rep. */
static int failed_with(const struct mr_host_report *rep, const char *setting, const char *what)
{
	for (size_t i = 0; i < rep->n_items; i++)
		if (rep->items[i].outcome == MR_OUTCOME_FAILED && !strcmp(rep->items[i].setting, setting) &&
		    rep->items[i].note && strstr(rep->items[i].note, what))
			return 1;
	return 0;
}

/* A share that cannot hold the instances fails, never green: read-only,
 * not mounted at boot, or mounted where nova does not keep them. */
static void test_client_mount_refusals(void **state)
{
	struct mr_test_root *e = *state;
	struct mr_host_report rep;
	mr_test_root_put(e, "/etc/fstab", "");
	run(e, "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 ro,_netdev 0 0\n",
	    CLIENT_FACTS("none", "empty"), MR_MODE_CHECK, &rep);
	assert_true(failed_with(&rep, "nfs.mount", "'ro' mounts /var/lib/nova/instances read-only"));
	report_free(&rep);
	run(e, "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 noauto 0 0\n",
	    CLIENT_FACTS("none", "empty"), MR_MODE_CHECK, &rep);
	assert_true(failed_with(&rep, "nfs.mount", "'noauto' leaves /var/lib/nova/instances unmounted"));
	report_free(&rep);
	/* [nova] instances_path elsewhere than the share */
	run(e, "[nova]\ninstances_path = /srv/nova/instances\n" CLIENT, CLIENT_FACTS("none", "empty"),
	    MR_MODE_CHECK, &rep);
	assert_true(failed_with(&rep, "nfs.mount", "no mount line mounts the share at /srv/nova/instances"));
	report_free(&rep);
	/* another mount point: its fstab line is kept, whether it is mounted
	 * is not examined (the probe looks at the instances directory), and
	 * nothing of the instances mount is said of it */
	run(e, CLIENT "mount = nfs1:/glance /var/lib/glance nfs4 rw 0 0\n",
	    CLIENT_FACTS("nfs1:/ nfs4", "nonempty"), MR_MODE_CHECK, &rep);
	int unchecked = 0;
	for (size_t i = 0; i < rep.n_items; i++) {
		const struct mr_item *it = &rep.items[i];
		if (it->origin && strstr(it->origin, "/var/lib/glance") && !strcmp(it->setting, "nfs.mounted"))
			unchecked += it->outcome == MR_OUTCOME_UNCHECKED;
		assert_false(it->outcome == MR_OUTCOME_FAILED && it->note &&
		             strstr(it->note, "/var/lib/glance"));
	}
	assert_int_equal(unchecked, 1);
	report_free(&rep);
	/* ... and where it is: no such failure */
	run(e, "[nova]\ninstances_path = /var/lib/nova/instances\n" CLIENT,
	    CLIENT_FACTS("none", "empty"), MR_MODE_CHECK, &rep);
	assert_false(failed_with(&rep, "nfs.mount", "no mount line"));
	report_free(&rep);
}

/* An entry of the same mount point is corrected in place (RHEL's file,
 * its comments and other NFS entries kept). */
static void test_fstab_corrected(void **state)
{
	struct mr_test_root *e = *state;
	char *orig = mr_test_data("storage", "rhel.fstab", NULL);
	char *text = mr_xasprintf("%s10.0.0.5:/old /var/lib/nova/instances nfs defaults 0 0\n"
	                          "# kept\n", orig);
	mr_test_root_put(e, "/etc/fstab", text);
	/* the line keeps its own spacing */
	char *want = mr_xasprintf("%snfs1:/ /var/lib/nova/instances nfs4 rw,vers=4.2,_netdev 0 0\n"
	                          "# kept\n", orig);
	converge(e, CLIENT, MOUNTED_FACTS(V42_SUPER), "/etc/fstab", want,
	         "nfs.mount");
	free(want);
	free(text);
	free(orig);
}

/* Two entries for the mount point: the first corrected, the second
 * gone, the entries after them numbered again as a re-read would. */
static void test_fstab_duplicate(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/fstab", "/dev/sda1 / ext4 defaults 0 1\n"
	                          "old:/ /var/lib/nova/instances nfs defaults 0 0\n"
	                          "older:/ /var/lib/nova/instances nfs defaults 0 0\n"
	                          "tmpfs /tmp tmpfs defaults 0 0\n");
	converge(e, CLIENT, MOUNTED_FACTS(V42_SUPER), "/etc/fstab",
	         "/dev/sda1 / ext4 defaults 0 1\n"
	         "nfs1:/ /var/lib/nova/instances nfs4 rw,vers=4.2,_netdev 0 0\n"
	         "tmpfs /tmp tmpfs defaults 0 0\n",
	         "nfs.mount");
}

/* The mount point spelt another way (a trailing '/', '//'): the same
 * entry to the kernel, so it is corrected, not a second one added beside
 * it (found by a review: mount -T fstab took the old one). */
static void test_fstab_other_spelling(void **state)
{
	struct mr_test_root *e = *state;
	static const char *const spelt[] = { "/var/lib/nova/instances/", "/var//lib/nova/instances" };
	for (size_t i = 0; i < MR_ARRAY_LEN(spelt); i++) {
		char *text = mr_xasprintf("/dev/sda1 / ext4 defaults 0 1\nold:/ %s nfs4 ro 0 0\n",
		                          spelt[i]);
		mr_test_root_put(e, "/etc/fstab", text);
		converge(e, CLIENT, MOUNTED_FACTS(V42_SUPER), "/etc/fstab",
		         "/dev/sda1 / ext4 defaults 0 1\n"
		         "nfs1:/ /var/lib/nova/instances nfs4 rw,vers=4.2,_netdev 0 0\n",
		         "nfs.mount");
		free(text);
	}
}

/* Never mounted over files unless forced; a directory mounted from
 * elsewhere fails, though fstab is right. */
static void test_mount_refusals(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/fstab", FSTAB_LINE);
	struct mr_host_report rep;
	run(e, CLIENT, CLIENT_FACTS("none", "nonempty"), MR_MODE_APPLY, &rep);
	const struct mr_item *it = item(&rep, "nfs.mounted");
	assert_int_equal(it->outcome, MR_OUTCOME_FAILED);
	assert_non_null(strstr(it->note, "holds files"));
	report_free(&rep);
	char *log = mr_test_root_calls(e);
	assert_null(strstr(log, "mount --"));
	free(log);
	run(e, CLIENT "force_mount = yes\n", CLIENT_FACTS("none", "nonempty"), MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.mounted")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	run(e, CLIENT, CLIENT_FACTS("/dev/sdb1 ext4", "nonempty"), MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.mount")->outcome, MR_OUTCOME_OK);
	int failed = 0;
	for (size_t i = 0; i < rep.n_items; i++)
		failed += rep.items[i].outcome == MR_OUTCOME_FAILED &&
		          strstr(rep.items[i].note, "mounted from '/dev/sdb1 ext4'") != NULL;
	assert_int_equal(failed, 1);
	report_free(&rep);
	/* the share mounted there, but read-only, or a directory of it bound
	 * there: not what the peers share */
	run(e, CLIENT, CLIENT_FACTS("nfs1:/ nfs4", "nonempty") "mount.instances_opts=ro,relatime\n",
	    MR_MODE_CHECK, &rep);
	it = item(&rep, "nfs.mounted");
	assert_int_equal(it->outcome, MR_OUTCOME_FAILED);
	assert_string_equal(it->note, "/var/lib/nova/instances is mounted read-only (ro,relatime): "
	                              "nova-compute cannot write instances there; remount it "
	                              "read-write");
	report_free(&rep);
	run(e, CLIENT, CLIENT_FACTS("nfs1:/ nfs4", "nonempty") "mount.instances_opts=rw,noatime\n"
	    "mount.instances_root=/hostb\n", MR_MODE_CHECK, &rep);
	it = item(&rep, "nfs.mounted");
	assert_int_equal(it->outcome, MR_OUTCOME_FAILED);
	assert_string_equal(it->note, "/var/lib/nova/instances is a bind mount of the directory "
	                              "/hostb of 'nfs1:/', not the share itself: the hosts do not "
	                              "share their instances; unmount it");
	report_free(&rep);
	run(e, CLIENT, CLIENT_FACTS("nfs1:/ nfs4", "nonempty") "mount.instances_opts=rw,noatime\n",
	    MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.mounted")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	/* no nova user: the instances directory cannot be given to it */
	run(e, CLIENT, "instances=/var/lib/nova/instances\nmount.instances=none\n"
	    "dir.instances=empty\n", MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.instances_dir")->outcome, MR_OUTCOME_FAILED);
	report_free(&rep);
}

/* The item of setting with this outcome (one), or NULL. */
static const struct mr_item *item_of(const struct mr_host_report *rep, const char *setting,
                                     enum mr_outcome outcome)
{
	const struct mr_item *found = NULL;
	for (size_t i = 0; i < rep->n_items; i++) {
		if (strcmp(rep->items[i].setting, setting) != 0 || rep->items[i].outcome != outcome)
			continue;
		if (found)
			fail_msg("two items %s of outcome %d", setting, (int)outcome);
		found = &rep->items[i];
	}
	return found;
}

/* The live mount's options against the line's (found by a review: a
 * share mounted vers=3,soft,proto=udp,nolock was green against
 * rw,hard,vers=4.2): a difference fails, saying it takes effect at the
 * next mount only, and nothing is unmounted or remounted. */
static void test_mount_options_live(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/fstab",
	                 "nfs1:/\t/var/lib/nova/instances\tnfs4\trw,hard,vers=4.2,_netdev\t0 0\n");
	struct mr_host_report rep;
	run(e, HARD_CLIENT,
	    MOUNTED_FACTS("rw,vers=3,rsize=32768,wsize=32768,namlen=255,soft,nolock,proto=udp,"
	                  "timeo=11,retrans=3,sec=sys,mountaddr=10.20.0.5,mountvers=3,"
	                  "mountproto=udp,local_lock=all,addr=10.20.0.5"),
	    MR_MODE_APPLY, &rep);
	const struct mr_item *it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_FAILED);
	assert_non_null(it);
	assert_string_equal(it->note, "/var/lib/nova/instances is mounted with vers=3,soft, not "
	                              "vers=4.2,hard as the line asks: that takes effect only when "
	                              "it is mounted again (apply does not unmount or remount it "
	                              "under running guests)");
	/* nolock the line leaves to the defaults: not judged, said */
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_UNCHECKED);
	assert_non_null(it);
	assert_non_null(strstr(it->origin, "proto=udp (mounted so; the line leaves it to "
	                                   "nfsmount.conf and the defaults), nolock (mounted so; "
	                                   "the line leaves it to nfsmount.conf and the defaults)"));
	assert_int_equal(item(&rep, "nfs.mounted")->outcome, MR_OUTCOME_OK);
	report_free(&rep);
	char *log = mr_test_root_calls(e);
	assert_null(strstr(log, "mount"));
	free(log);
	/* as the line asks: examined, in state; proto tcp is tcp6 over IPv6 */
	run(e, HARD_CLIENT, MOUNTED_FACTS(V42_SUPER), MR_MODE_CHECK, &rep);
	it = item(&rep, "nfs.mount_options");
	assert_int_equal(it->outcome, MR_OUTCOME_OK);
	assert_string_equal(it->old, "vers=4.2,hard");
	report_free(&rep);
	run(e,
	    "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 "
	    "rw,vers=4,proto=tcp,nolock,sec=krb5:sys,timeo=600,_netdev,x-systemd.automount 0 0\n",
	    MOUNTED_FACTS("rw,vers=4.1,namlen=255,hard,proto=tcp6,timeo=600,retrans=2,sec=sys,"
	                  "clientaddr=fd00::11,local_lock=none,addr=fd00::5"),
	    MR_MODE_CHECK, &rep);
	assert_null(item_of(&rep, "nfs.mount_options", MR_OUTCOME_FAILED));
	/* NFSv4: whether the kernel would show nolock is not known */
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_UNCHECKED);
	assert_non_null(it);
	assert_non_null(strstr(it->origin, "nolock (not shown by the kernel for NFSv4)"));
	report_free(&rep);
	/* a value the kernel shows otherwise; one the server may lower; one
	 * the kernel does not show */
	run(e,
	    "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 "
	    "rw,vers=4.2,timeo=100,rsize=4194304,actimeo=30,noexec 0 0\n",
	    MOUNTED_FACTS(V42_SUPER), MR_MODE_CHECK, &rep);
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_FAILED);
	assert_non_null(it);
	assert_non_null(strstr(it->note, "mounted with timeo=600,(no noexec), not timeo=100,noexec "));
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_UNCHECKED);
	assert_non_null(it);
	assert_non_null(strstr(it->origin, "rsize=4194304 (the server may lower it), "
	                                   "actimeo=30 (not shown by the kernel)"));
	report_free(&rep);
	/* a value shown spelt otherwise (lookupcache=positive is pos): not
	 * compared; a flag of the mount's own, compared with them */
	run(e,
	    "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 "
	    "rw,vers=4.2,lookupcache=positive,exec,nosuid 0 0\n",
	    CLIENT_FACTS("nfs1:/ nfs4", "nonempty") "mount.instances_opts=rw,nosuid,noexec\n"
	    "mount.instances_super=" V42_SUPER ",lookupcache=pos\n", MR_MODE_CHECK, &rep);
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_FAILED);
	assert_non_null(it);
	assert_non_null(strstr(it->note, "mounted with noexec, not exec "));
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_UNCHECKED);
	assert_non_null(it);
	assert_non_null(strstr(it->origin, "lookupcache=positive (shown otherwise: not compared)"));
	report_free(&rep);
	/* a probe that did not read them: not examined, never green */
	run(e, HARD_CLIENT, CLIENT_FACTS("nfs1:/ nfs4", "nonempty") "mount.instances_opts=rw\n",
	    MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "nfs.mount_options")->outcome, MR_OUTCOME_UNCHECKED);
	report_free(&rep);
}

/* Options the kernel never shows back as written (found by a review: each
 * failed nfs.mount_options, "takes effect only when it is mounted again"):
 * strictatime (show_mnt_opts shows no flag for it: judged by relatime and
 * noatime absent), timeo above the transport's maximum (shown clamped,
 * nfs_init_timeout_values), timeo=0 and retrans=0 (kernels differ),
 * local_lock on NFSv4 (dropped by nfs_fs_context_validate). */
static void test_mount_options_kernel_forms(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/fstab", FSTAB_LINE);
	struct mr_host_report rep;
	run(e,
	    "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 "
	    "rw,vers=4.2,strictatime,timeo=9000,local_lock=flock 0 0\n",
	    CLIENT_FACTS("nfs1:/ nfs4", "nonempty") "mount.instances_opts=rw\n"
	    "mount.instances_super=rw,vers=4.2,hard,proto=tcp,timeo=6000,retrans=2,sec=sys,"
	    "local_lock=none,addr=10.20.0.5\n", MR_MODE_CHECK, &rep);
	assert_null(item_of(&rep, "nfs.mount_options", MR_OUTCOME_FAILED));
	const struct mr_item *it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_UNCHECKED);
	assert_non_null(it);
	assert_null(strstr(it->origin, "strictatime"));
	assert_null(strstr(it->origin, "timeo"));
	assert_non_null(strstr(it->origin, "local_lock=flock (NFSv4: "));
	report_free(&rep);
	/* relatime shown: not strictatime; over UDP the maximum is 600 */
	run(e,
	    "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs "
	    "rw,vers=3,proto=udp,strictatime,timeo=900,local_lock=flock 0 0\n",
	    MOUNTED_FACTS("rw,vers=3,hard,proto=udp,timeo=600,retrans=3,sec=sys,"
	                  "local_lock=none,addr=10.20.0.5"),
	    MR_MODE_CHECK, &rep);
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_FAILED);
	assert_non_null(it);
	assert_non_null(strstr(it->note, "mounted with relatime,local_lock=none, not "
	                                 "strictatime,local_lock=flock "));
	report_free(&rep);
	/* timeo=0, retrans=0: not compared */
	run(e,
	    "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 "
	    "rw,vers=4.2,timeo=0,retrans=0 0 0\n",
	    MOUNTED_FACTS(V42_SUPER), MR_MODE_CHECK, &rep);
	assert_null(item_of(&rep, "nfs.mount_options", MR_OUTCOME_FAILED));
	it = item_of(&rep, "nfs.mount_options", MR_OUTCOME_UNCHECKED);
	assert_non_null(it);
	assert_non_null(strstr(it->origin, "timeo=0 ("));
	assert_non_null(strstr(it->origin, "retrans=0 ("));
	report_free(&rep);
}

/* An automount point where the share is mounted on demand (found by a
 * review: "mounted from 'systemd-1 autofs' ... unmount it first"), and a
 * mount a later one over a directory above hides: not examined, nothing
 * mounted, no advice to unmount. */
static void test_mount_automount_hidden(void **state)
{
	struct mr_test_root *e = *state;
	const char *profile = "[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova/instances nfs4 "
	                      "rw,_netdev,x-systemd.automount 0 0\n";
	mr_test_root_put(e, "/etc/fstab", "nfs1:/\t/var/lib/nova/instances\tnfs4\t"
	                                  "rw,_netdev,x-systemd.automount\t0 0\n");
	struct mr_host_report rep;
	run(e, profile, CLIENT_FACTS("systemd-1 autofs", "empty") "mount.instances_opts=rw\n",
	    MR_MODE_APPLY, &rep);
	const struct mr_item *it = item(&rep, "nfs.mounted");
	assert_int_equal(it->outcome, MR_OUTCOME_UNCHECKED);
	assert_non_null(strstr(it->origin, "mounts on demand (x-systemd.automount"));
	for (size_t i = 0; i < rep.n_items; i++)
		assert_true(!rep.items[i].note || !strstr(rep.items[i].note, "unmount"));
	report_free(&rep);
	run(e, CLIENT, MOUNTED_FACTS(V42_SUPER) "mount.instances_hidden=/var/lib\n", MR_MODE_APPLY,
	    &rep);
	it = item(&rep, "nfs.mounted");
	assert_int_equal(it->outcome, MR_OUTCOME_UNCHECKED);
	assert_non_null(strstr(it->origin, "a mount at /var/lib covers 'nfs1:/ nfs4' there"));
	report_free(&rep);
	char *log = mr_test_root_calls(e);
	assert_null(strstr(log, "mount --"));
	free(log);
}

#define MULTIPATH "[multipath]\nuser_friendly_names = no\n"
/* multipathd running, its file there */
#define MP_UP "unit.multipathd.service=enabled active\nmultipath.conf=present\n"

/* Only the defaults' line changes; blacklist and devices stay; a running
 * multipathd reloads. */
static void test_multipath(void **state)
{
	struct mr_test_root *e = *state;
	char *orig = mr_test_data("storage", "debian12.multipath.conf", NULL);
	mr_test_root_put(e, "/etc/multipath.conf", orig);
	char *at = strstr(orig, "user_friendly_names yes");
	assert_non_null(at);
	char *want = mr_xasprintf("%.*suser_friendly_names no%s", (int)(at - orig), orig,
	                          at + strlen("user_friendly_names yes"));
	converge(e, MULTIPATH, MP_UP, "/etc/multipath.conf",
	         want, "multipath.user_friendly_names");
	char *log = mr_test_root_calls(e);
	assert_string_equal(log, "systemctl --no-ask-password reload -- multipathd.service\n");
	free(log);
	free(want);
	free(orig);
}

/* The file right, but multipathd still runs maps of the names of before
 * (not reloaded since): drift that the reload settles; a map named by an
 * alias is not examined. */
static void test_multipath_running(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/multipath.conf", "defaults {\nuser_friendly_names no\n}\n");
	const char *facts = MP_UP
	                    "mpath.map=mpatha 3600508b1001c5ae72f0f7e8a2b6c9d01\n"
	                    "mpath.map=3600508b1001c5ae72f0f7e8a2b6c9d02 "
	                    "3600508b1001c5ae72f0f7e8a2b6c9d02\n"
	                    "mpath.map=oradata 3600508b1001c5ae72f0f7e8a2b6c9d03\n";
	struct mr_host_report rep;
	run(e, MULTIPATH, facts, MR_MODE_CHECK, &rep);
	const struct mr_item *it = item(&rep, "multipath.running");
	assert_int_equal(it->outcome, MR_OUTCOME_DRIFT);
	assert_string_equal(it->old, "maps named mpatha");
	assert_int_equal(item(&rep, "multipath.user_friendly_names")->outcome, MR_OUTCOME_OK);
	int alias = 0;
	for (size_t i = 0; i < rep.n_items; i++)
		alias += rep.items[i].outcome == MR_OUTCOME_UNCHECKED &&
		         !strcmp(rep.items[i].setting, "multipath.alias");
	assert_int_equal(alias, 1);
	report_free(&rep);
	run(e, MULTIPATH, facts, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "multipath.running")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	char *log = mr_test_root_calls(e);
	assert_string_equal(log, "systemctl --no-ask-password reload -- multipathd.service\n");
	free(log);
}

/* --no-restart: the file is written, multipathd not reloaded (it may
 * rename the maps under running guests): its maps stay drift, which the
 * next apply's reload settles; and a reload waits for its file to verify. */
static void test_multipath_no_restart(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/multipath.conf", "defaults {\nuser_friendly_names yes\n}\n");
	const char *facts = MP_UP
	                    "mpath.map=mpatha 3600508b1001c5ae72f0f7e8a2b6c9d01\n";
	struct mr_host_report rep;
	no_restart = 1;
	run(e, MULTIPATH, facts, MR_MODE_APPLY, &rep);
	no_restart = 0;
	assert_int_equal(item(&rep, "multipath.user_friendly_names")->outcome, MR_OUTCOME_CHANGED);
	assert_int_equal(item(&rep, "multipath.running")->outcome, MR_OUTCOME_DRIFT);
	report_free(&rep);
	char *log = mr_test_root_calls(e);
	assert_string_equal(log, "");
	free(log);
	run(e, MULTIPATH, facts, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "multipath.running")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	log = mr_test_root_calls(e);
	assert_string_equal(log, "systemctl --no-ask-password reload -- multipathd.service\n");
	free(log);
}

/* A section's name touching its brace ("defaults{"), which multipathd
 * takes: read, the value changed in place, the rest byte for byte (the
 * stock Multipath lens refused the file: check and apply failed). */
static void test_multipath_brace(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/multipath.conf",
	                 "defaults{\n    user_friendly_names yes\n}\nmultipaths{\n    multipath{\n"
	                 "        wwid    3600a0b8000123456\n        alias   \"data1\"\n    }\n}\n");
	converge(e, MULTIPATH, MP_UP, "/etc/multipath.conf",
	         "defaults{\n    user_friendly_names no\n}\nmultipaths{\n    multipath{\n"
	         "        wwid    3600a0b8000123456\n        alias   \"data1\"\n    }\n}\n",
	         "multipath.user_friendly_names");
	/* no defaults section: one added, in the stock lens's layout */
	mr_test_root_put(e, "/etc/multipath.conf", "blacklist{\n\twwid \".*\"\n}\n");
	converge(e, MULTIPATH, MP_UP, "/etc/multipath.conf",
	         "blacklist{\n\twwid \".*\"\n}\ndefaults {\nuser_friendly_names no\n}\n",
	         "multipath.user_friendly_names");
}

/* The file RHEL 8/9's mpathconf writes, with keywords the stock lens did
 * not know, and overrides: read, one
 * value changed, the rest byte for byte (found by a review: the lens
 * refused it, and check failed). */
static void test_multipath_rhel_keywords(void **state)
{
	struct mr_test_root *e = *state;
	static const char head[] = "# mpathconf\ndefaults {\n\tuser_friendly_names ";
	static const char tail[] = "\n\tfind_multipaths yes\n\tenable_foreign \"^$\"\n"
	                           "\trecheck_wwid yes # 0.8.8\n\tskip_kpartx no\n}\n\n"
	                           "blacklist_exceptions {\n        property \"(SCSI_IDENT_|ID_WWN)\"\n}\n"
	                           "overrides {\n\tno_path_retry queue\n}\n";
	char *was = mr_xasprintf("%syes%s", head, tail);
	char *want = mr_xasprintf("%sno%s", head, tail);
	mr_test_root_put(e, "/etc/multipath.conf", was);
	converge(e, MULTIPATH, MP_UP, "/etc/multipath.conf",
	         want, "multipath.user_friendly_names");
	free(was);
	free(want);
}

/* conf.d's values as multipathd's set_yes_no_undef reads them: "yes",
 * "1", "no", "0", so spelt; another ("Yes", "on") it ignores with a
 * warning, where older releases reset the setting to unset (found by a
 * review: judged by the profile's booleans, "on" failed check). */
static void test_multipath_conf_d_values(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/multipath.conf", "defaults {\nuser_friendly_names no\n}\n");
	static const struct {
		const char *profile, *facts;
		enum mr_outcome want;
		const char *note;
	} cases[] = {
		/* ignored: multipath.conf's no, or (older) the built-in no */
		{ MULTIPATH, "defaults Yes", MR_OUTCOME_OK, NULL },
		{ MULTIPATH, "device on", MR_OUTCOME_OK, NULL },
		{ MULTIPATH, "overrides true", MR_OUTCOME_OK, NULL },
		{ MULTIPATH, "multipath YES", MR_OUTCOME_OK, NULL },
		{ MULTIPATH, "defaults 1", MR_OUTCOME_FAILED, "sets user_friendly_names 1 in defaults" },
		{ MULTIPATH, "device 1", MR_OUTCOME_FAILED, "in a device section" },
		{ MULTIPATH, "overrides 1", MR_OUTCOME_FAILED, "in overrides" },
		/* a later value it ignores leaves the yes before it (older:
		 * unset, the built-in no): not known */
		{ MULTIPATH, "defaults yes\nmultipath.ufn=/etc/multipath/conf.d/b.conf defaults Yes",
		  MR_OUTCOME_UNCHECKED, "b.conf sets user_friendly_names Yes in defaults" },
		{ MULTIPATH, "overrides yes\nmultipath.ufn=/etc/multipath/conf.d/b.conf overrides on",
		  MR_OUTCOME_UNCHECKED, "b.conf sets user_friendly_names on in overrides" },
		/* wanted yes: multipath.conf's, or (older) the built-in no */
		{ "[multipath]\nuser_friendly_names = yes\n", "defaults on", MR_OUTCOME_UNCHECKED,
		  "a.conf sets user_friendly_names on in defaults" },
		{ "[multipath]\nuser_friendly_names = yes\n", "defaults 0", MR_OUTCOME_FAILED,
		  "sets user_friendly_names 0 in defaults" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *facts = mr_xasprintf(MP_UP
		                           "multipath.ufn=/etc/multipath/conf.d/a.conf %s\n",
		                           cases[i].facts);
		struct mr_host_report rep;
		run(e, cases[i].profile, facts, MR_MODE_CHECK, &rep);
		const struct mr_item *it = NULL;
		for (size_t j = 0; j < rep.n_items; j++)
			if (rep.items[j].outcome == cases[i].want &&
			    !strcmp(rep.items[j].setting, "multipath.user_friendly_names"))
				it = &rep.items[j];
		if (cases[i].want == MR_OUTCOME_OK) {
			for (size_t j = 0; j < rep.n_items; j++)
				if (rep.items[j].outcome != MR_OUTCOME_OK)
					fail_msg("case %zu: %s %d %s", i, rep.items[j].setting,
					         rep.items[j].outcome, rep.items[j].note ? rep.items[j].note : "");
		} else if (!it || !strstr(it->outcome == MR_OUTCOME_UNCHECKED ? it->origin
		                                                          : it->note ? it->note : "",
		                          cases[i].note)) {
			for (size_t j = 0; j < rep.n_items; j++)
				print_message("item %s: %d %s\n", rep.items[j].setting, rep.items[j].outcome,
				              rep.items[j].note ? rep.items[j].note : "");
			fail_msg("case %zu: no item %d with '%s'", i, cases[i].want, cases[i].note);
		}
		report_free(&rep);
		free(facts);
	}
}

/* No multipath.conf where multipathd.service runs only with one (the RHEL
 * family's ConditionPathExists=; its built-in blacklist is then every
 * device): multipath is off there, and a file would switch it on, taking
 * every disk not blacklisted at the next boot. The item fails, saying so,
 * and nothing is written; where that cannot be told either. Read by the
 * probe from the tree's units (found by a review: the file was created). */
static void test_multipath_not_configured(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/hostname", "h1\n");
	mr_test_root_put(e, "/usr/lib/systemd/system/multipathd.service",
	                 "[Unit]\nDescription=Device-Mapper Multipath Device Controller\n"
	                 "ConditionPathExists=/etc/multipath.conf\n"
	                 "ConditionKernelCommandLine=!nompath\n[Service]\nType=notify\n"
	                 "ExecStart=/sbin/multipathd -d -s\n");
	struct mr_host_report rep;
	for (int mode = 0; mode < 2; mode++) {
		run_probed(e, MULTIPATH, mode ? MR_MODE_APPLY : MR_MODE_CHECK, &rep);
		const struct mr_item *it = item(&rep, "multipath.user_friendly_names");
		assert_int_equal(it->outcome, MR_OUTCOME_FAILED);
		if (!strstr(it->note, "multipath is not configured on this host") ||
		    !strstr(it->note, "ConditionPathExists=") || !strstr(it->note, "mpathconf --enable"))
			fail_msg("%s", it->note);
		assert_int_equal(changed_files(&rep), 0);
		report_free(&rep);
	}
	char *conf = mr_test_root_path(e, "/etc/multipath.conf");
	assert_int_equal(access(conf, F_OK), -1);
	/* a unit the probe cannot read (masked): not known either */
	mr_test_root_put(e, "/usr/lib/systemd/system/multipathd.service", "[Unit]\n");
	char *mask = mr_test_root_path(e, "/etc/systemd/system/multipathd.service");
	char *cmd = mr_xasprintf("mkdir -p \"$(dirname '%s')\" && ln -s /dev/null '%s'", mask, mask);
	assert_int_equal(system(cmd), 0);
	run_probed(e, MULTIPATH, MR_MODE_APPLY, &rep);
	const struct mr_item *it = item(&rep, "multipath.user_friendly_names");
	assert_int_equal(it->outcome, MR_OUTCOME_FAILED);
	assert_non_null(strstr(it->note, "cannot be told"));
	report_free(&rep);
	assert_int_equal(access(conf, F_OK), -1);
	assert_int_equal(unlink(mask), 0);
	/* Debian's unit has no such condition: the file is created */
	mr_test_root_put(e, "/usr/lib/systemd/system/multipathd.service",
	                 "[Unit]\nConditionKernelCommandLine=!nompath\n[Service]\n"
	                 "ExecStart=/sbin/multipathd -d -s\n");
	run_probed(e, MULTIPATH, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "multipath.user_friendly_names")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/multipath.conf");
	assert_string_equal(got, "defaults {\nuser_friendly_names no\n}\n");
	free(got);
	/* the file there: edited whatever the unit says */
	mr_test_root_put(e, "/usr/lib/systemd/system/multipathd.service",
	                 "[Unit]\nConditionPathExists=/etc/multipath.conf\n");
	mr_test_root_put(e, "/etc/multipath.conf", "defaults {\n\tuser_friendly_names yes\n}\n");
	run_probed(e, MULTIPATH, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "multipath.user_friendly_names")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	got = mr_test_root_get(e, "/etc/multipath.conf");
	assert_string_equal(got, "defaults {\n\tuser_friendly_names no\n}\n");
	free(got);
	free(cmd);
	free(mask);
	free(conf);
}

/* No file, or a file without defaults: created; multipathd not running
 * is not reloaded. */
static void test_multipath_created(void **state)
{
	struct mr_test_root *e = *state;
	converge(e, MULTIPATH, "unit.multipathd.service=enabled active\nmultipath.unit_cond=no\n",
	         "/etc/multipath.conf", "defaults {\nuser_friendly_names no\n}\n",
	         "multipath.user_friendly_names");
	/* (the log keeps this reload: counted at the end) */
	char *conf = mr_test_root_path(e, "/etc/multipath.conf");
	assert_int_equal(unlink(conf), 0);
	free(conf);
	/* multipathd stopped on a live host: it makes and names the maps, so
	 * that fails (found by a review: the maps' old names drifted, and
	 * nothing said why); the file is still written, and nothing started */
	struct mr_host_report rep;
	run(e, MULTIPATH, "unit.multipathd.service=disabled inactive\nmultipath.unit_cond=no\n",
	    MR_MODE_APPLY, &rep);
	const struct mr_item *it = item(&rep, "multipath.daemon");
	assert_int_equal(it->outcome, MR_OUTCOME_FAILED);
	assert_non_null(strstr(it->note, "multipathd.service is inactive"));
	assert_int_equal(item(&rep, "multipath.user_friendly_names")->outcome, MR_OUTCOME_CHANGED);
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/multipath.conf");
	assert_string_equal(got, "defaults {\nuser_friendly_names no\n}\n");
	free(got);
	/* on its way (activating, reloading): not a failure, not known */
	run(e, MULTIPATH, "unit.multipathd.service=enabled activating\nmultipath.unit_cond=no\n",
	    MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "multipath.daemon")->outcome, MR_OUTCOME_UNCHECKED);
	report_free(&rep);
	mr_test_root_put(e, "/etc/multipath.conf", "blacklist {\n\twwid \".*\"\n}\n");
	converge(e, MULTIPATH, MP_UP, "/etc/multipath.conf",
	         "blacklist {\n\twwid \".*\"\n}\ndefaults {\nuser_friendly_names no\n}\n",
	         "multipath.user_friendly_names");
	/* a reload for each file written while it ran; none while stopped */
	char *log = mr_test_root_calls(e);
	assert_string_equal(log, "systemctl --no-ask-password reload -- multipathd.service\n"
	                         "systemctl --no-ask-password reload -- multipathd.service\n");
	free(log);
}

/* Generic edits: set and rm on the file's tree. */
static void test_file_section(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/sysctl.d/90-migration.conf",
	         "# tuned for migration\nnet.ipv4.tcp_keepalive_intvl = 30\nvm.swappiness=10\n");
	converge(e, "[file /etc/sysctl.d/90-migration.conf]\nlens = Sysctl\n"
	            "set = net.ipv4.tcp_keepalive_time 600\nrm = net.ipv4.tcp_keepalive_intvl\n",
	         "", "/etc/sysctl.d/90-migration.conf",
	         "# tuned for migration\nvm.swappiness=10\nnet.ipv4.tcp_keepalive_time = 600\n",
	         "file.net.ipv4.tcp_keepalive_time");
	/* the running kernel's value is not examined, and said */
	struct mr_host_report rep;
	run(e, "[file /etc/sysctl.d/90-migration.conf]\nlens = Sysctl\n"
	       "set = net.ipv4.tcp_keepalive_time 600\n",
	    "", MR_MODE_CHECK, &rep);
	assert_int_equal(item(&rep, "file.sysctl_running")->outcome, MR_OUTCOME_UNCHECKED);
	report_free(&rep);
}

/* A file the lens cannot read fails, and nothing is written. */
static void test_unparsable_exports(void **state)
{
	struct mr_test_root *e = *state;
	mr_test_root_put(e, "/etc/exports", "/srv \\\n  host(rw\n");
	struct mr_host_report rep;
	run(e, SERVER, ACTIVE, MR_MODE_APPLY, &rep);
	assert_int_equal(item(&rep, "nfs.export")->outcome, MR_OUTCOME_FAILED);
	assert_int_equal(changed_files(&rep), 0);
	report_free(&rep);
	char *got = mr_test_root_get(e, "/etc/exports");
	assert_string_equal(got, "/srv \\\n  host(rw\n");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_from_inventory_group),
		cmocka_unit_test_setup_teardown(test_exports_merged, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_keeps_other_clients, before,
		                                mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_not_active, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_served_otherwise, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_nfs_server_stopped, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_other_client, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_netmask, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_fstab_added_and_mounted, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_dir_modes_kept, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_client_mount_refusals, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_fstab_corrected, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_fstab_other_spelling, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_other_spelling, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_network_spelt_otherwise, before,
		                                mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_exports_comment_world, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_exports_bare_path, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_exports_host_bits, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_exports_defaults, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_exports_continued, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_overlapping_network, before,
		                                mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_export_client_on_later_line, before,
		                                mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_fstab_duplicate, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_mount_refusals, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_mount_options_live, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_mount_options_kernel_forms, before,
		                                mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_mount_automount_hidden, before,
		                                mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath_created, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath_brace, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath_rhel_keywords, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath_conf_d_values, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath_not_configured, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath_running, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_multipath_no_restart, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_file_section, before, mr_test_root_after),
		cmocka_unit_test_setup_teardown(test_unparsable_exports, before, mr_test_root_after),
	};
	return cmocka_run_group_tests(tests, mr_test_root_setup, mr_test_root_teardown);
}
