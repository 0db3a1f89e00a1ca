/* nova.conf across releases: versions to releases, the [nova] section
 * written for each release, libvirt's CPU map, and the edits through the
 * engine on nova.conf text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aug.h"
#include "helpers.h"
#include "nova.h"
#include "profile.h"

#define CPU_MAP MR_TEST_DATA "/cpu_map"
#define MAXL 6

/* ---- versions ---- */

static void test_release_from_version(void **state)
{
	(void)state;
	static const struct {
		const char *version;
		int major; /* -1: no release */
	} cases[] = {
		{ "2:26.2.2-1~deb12u5", 26 }, /* Debian 12 */
		{ "27.1.0", 27 },
		{ "13.1.4-1.el7", 13 },       /* RDO mitaka */
		{ "2:12.0.0-0ubuntu1", 12 },  /* liberty, the first semantic version */
		{ "1:2014.1-0ubuntu1", 9 },   /* icehouse */
		{ "2014.2.4", 10 },
		{ "2015.1.4", 11 },           /* kilo */
		{ "2012.2", 6 },              /* folsom */
		{ "2011.3", 4 },              /* diablo */
		{ "2010.1", 1 },              /* austin */
		{ "33.0.0~rc1", 33 },         /* the newest the schema names */
		{ "34.0.0", -1 },             /* newer than migready knows */
		{ "11.0.0", -1 },             /* never a nova version */
		{ "2015.2", -1 },
		{ "2016.1", -1 },
		{ "26x", -1 },
		{ "", -1 },
		{ "abc", -1 },
		{ "2:", -1 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		unsigned major = 0;
		int r = mr_nova_release_from_version(cases[i].version, &major);
		print_message("version '%s'\n", cases[i].version);
		if (cases[i].major < 0) {
			assert_int_equal(r, -1);
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(major, cases[i].major);
		}
	}
	unsigned major = 0;
	assert_int_equal(mr_nova_release_from_version(NULL, &major), -1);
}

/* A [nova] profile from "key = value" lines, line i at t.ini:i+1. */
static struct mr_profile *profile_of(const char *const *lines)
{
	struct mr_profile *p = mr_profile_new();
	for (unsigned i = 0; i < MAXL && lines[i]; i++) {
		const char *eq = strchr(lines[i], '=');
		assert_non_null(eq);
		char *key = mr_xstrndup(lines[i], (size_t)(eq - lines[i] - 1));
		struct mr_error *err = NULL;
		if (mr_profile_override(p, "nova", key, eq + 2, (struct mr_loc){ "t.ini", i + 1 },
		                        &err) < 0)
			fail_msg("profile line '%s': %s", lines[i], err->message);
		free(key);
	}
	return p;
}

static void test_release(void **state)
{
	(void)state;
	static const struct {
		const char *line; /* "release = ..." or NULL */
		const char *version;
		int major;        /* -1: error */
		const char *error;
	} cases[] = {
		{ "release = auto", "2:26.2.2-1~deb12u5", 26, NULL },
		{ NULL, "27.1.0", 27, NULL },
		{ "release = zed", NULL, 26, NULL },
		{ "release = 13", "13.1.4-1.el7", 13, NULL },
		{ "release = zed", "27.1.0", -1,
		  "t.ini:1: release: 'zed' is nova 26, but the host runs nova '27.1.0'\n" },
		{ "release = auto", NULL, -1,
		  "t.ini:1: release: 'auto', but no nova is installed on the host; name the release "
		  "(release = zed)\n" },
		{ "release = auto", "unknown", -1,
		  "t.ini:1: release: 'auto', but the host's nova version 'unknown' names no release\n" },
		/* a release out of range is refused with the profile
		 * (test_profile) */
		{ "release = auto", "2013.2", -1,
		  "t.ini:1: release: the host runs nova havana (8): migready writes nova.conf for "
		  "icehouse (9) to gazpacho (33)\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		const char *lines[] = { cases[i].line, NULL };
		struct mr_profile *p = profile_of(lines);
		struct mr_error *err = NULL;
		unsigned major = 0;
		int r = mr_nova_release(p, cases[i].version, &major, &err);
		if (cases[i].major < 0) {
			assert_int_equal(r, -1);
			char *all = mr_test_all_errors(err);
			assert_string_equal(all, cases[i].error);
			free(all);
		} else {
			assert_int_equal(r, 0);
			assert_null(err);
			assert_int_equal(major, cases[i].major);
		}
		mr_error_free(err);
		mr_profile_free(p);
	}
}

/* ---- the plan ---- */

#define FLAGS_GUIDE "live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, " \
	"VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED"

/* What a release no longer reads, removed after everything else. */
#define STALE_NEWTON "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n" \
	"DEFAULT/live_migration_bandwidth -\nDEFAULT/live_migration_uri -\n" \
	"libvirt/live_migration_flag -\nlibvirt/block_migration_flag -\n"
/* ... where the URI's own [DEFAULT] name went with it */
#define STALE_NEWTON_BUT_URI "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n" \
	"DEFAULT/live_migration_bandwidth -\n" \
	"libvirt/live_migration_flag -\nlibvirt/block_migration_flag -\n"
#define STALE_ZED_VNC "DEFAULT/vncserver_listen -\nvnc/vncserver_listen -\n" \
	"DEFAULT/vncserver_proxyclient_address -\nvnc/vncserver_proxyclient_address -\n"

struct plan_case {
	const char *name;
	unsigned major;
	const char *lines[MAXL];
	/* One line per edit: "section/key = value", "section/key -" for a
	 * removal, " (deprecated)" when so; or the errors, when error is 1. */
	const char *want;
	int error;
};

static const struct plan_case plan_cases[] = {
	{ "mitaka keeps live_migration_flag, deprecated", 13, { FLAGS_GUIDE },
	  "libvirt/live_migration_tunnelled = true\n"
	  "libvirt/live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
	  "VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED (deprecated)\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_bandwidth -\nDEFAULT/live_migration_uri -\n", 0 },
	{ "kilo: live_migration_flag, not deprecated yet", 11,
	  { "live_migration_flag = VIR_MIGRATE_LIVE,VIR_MIGRATE_PEER2PEER" },
	  "libvirt/live_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_PEER2PEER\n"
	  "DEFAULT/live_migration_flag -\n", 0 },
	{ "kilo: block migration flags apart", 11,
	  { "live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
	    "VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC" },
	  "libvirt/live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
	  "VIR_MIGRATE_LIVE\n"
	  "DEFAULT/live_migration_flag -\n"
	  "libvirt/block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
	  "VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC\n"
	  "DEFAULT/block_migration_flag -\n", 0 },
	{ "newton: flags become options", 14, { FLAGS_GUIDE },
	  "libvirt/live_migration_tunnelled = true\n"
	  "libvirt/live_migration_permit_auto_converge = false\n"
	  "libvirt/live_migration_permit_post_copy = false\n"
	  "libvirt/live_migration_flag -\nlibvirt/block_migration_flag -\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_bandwidth -\nDEFAULT/live_migration_uri -\n", 0 },
	{ "zed loses live_migration_flag; tunnelled is deprecated", 26, { FLAGS_GUIDE },
	  "libvirt/live_migration_tunnelled = true (deprecated)\n"
	  "libvirt/live_migration_permit_auto_converge = false\n"
	  "libvirt/live_migration_permit_post_copy = false\n"
	  "libvirt/live_migration_flag -\nlibvirt/block_migration_flag -\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_bandwidth -\nDEFAULT/live_migration_uri -\n" STALE_ZED_VNC, 0 },
	{ "wallaby: no TUNNELLED leaves the deprecated option at its default", 23,
	  { "live_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_AUTO_CONVERGE, "
	    "VIR_MIGRATE_POSTCOPY, VIR_MIGRATE_NON_SHARED_INC" },
	  "libvirt/live_migration_tunnelled -\n"
	  "libvirt/live_migration_permit_auto_converge = true\n"
	  "libvirt/live_migration_permit_post_copy = true\n"
	  "libvirt/live_migration_flag -\nlibvirt/block_migration_flag -\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_bandwidth -\nDEFAULT/live_migration_uri -\n", 0 },
	{ "rocky: VIR_MIGRATE_TLS is native TLS", 18,
	  { "live_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_TLS" },
	  "libvirt/live_migration_tunnelled = false\n"
	  "libvirt/live_migration_permit_auto_converge = false\n"
	  "libvirt/live_migration_permit_post_copy = false\n"
	  "libvirt/live_migration_with_native_tls = true\n"
	  "libvirt/live_migration_flag -\nlibvirt/block_migration_flag -\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_bandwidth -\nDEFAULT/live_migration_uri -\n", 0 },
	{ "pike has no native TLS", 16,
	  { "live_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_TLS" },
	  "t.ini:1: live_migration_flag: nova pike (16) has no option "
	  "'libvirt/live_migration_with_native_tls'; it came in rocky (18)\n", 1 },
	{ "a flag nova neither has nor sets", 26,
	  { "live_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_COMPRESSED" },
	  "t.ini:1: live_migration_flag: nova zed (26) has no option for "
	  "'VIR_MIGRATE_COMPRESSED' and does not set it; leave it out\n", 1 },

	{ "stein: one model as cpu_model", 19,
	  { "cpu_model = kvm64", "cpu_mode = custom" },
	  "libvirt/cpu_mode = custom\nlibvirt/cpu_model = kvm64\n" STALE_NEWTON, 0 },
	{ "train: cpu_model becomes cpu_models", 20,
	  { "cpu_model = Haswell-noTSX,kvm64", "cpu_mode = custom" },
	  "libvirt/cpu_mode = custom\nlibvirt/cpu_models = Haswell-noTSX, kvm64\n"
	  "libvirt/cpu_model -\n" STALE_NEWTON, 0 },
	{ "stein reads one model only", 19,
	  { "cpu_model = Haswell-noTSX, kvm64", "cpu_mode = custom" },
	  "t.ini:1: cpu_model: nova stein (19) reads one CPU model; a list needs train (20) or "
	  "later\n", 1 },
	{ "host-model takes no model", 26,
	  { "cpu_model = kvm64", "cpu_mode = host-model" },
	  "t.ini:1: cpu_model: nova takes a CPU model only with cpu_mode = custom, not "
	  "'host-model'\n", 1 },
	{ "a model needs a mode", 26, { "cpu_model = kvm64" },
	  "t.ini:1: cpu_model: nova takes a CPU model only with cpu_mode = custom (unset, it "
	  "picks host-model on kvm)\n", 1 },
	{ "host-passthrough removes a model left in the file", 26,
	  { "cpu_mode = host-passthrough" },
	  "libvirt/cpu_mode = host-passthrough\nlibvirt/cpu_models -\nlibvirt/cpu_model -\n"
	  STALE_NEWTON STALE_ZED_VNC, 0 },
	{ "a model libvirt does not know", 26,
	  { "cpu_model = Haswell-noTSx, cortex-a57", "cpu_mode = custom" },
	  "t.ini:1: cpu_model: libvirt knows no CPU model 'Haswell-noTSx'; did you mean "
	  "'Haswell-noTSX'?\n"
	  "t.ini:1: cpu_model: libvirt knows no CPU model 'cortex-a57'\n", 1 },

	{ "mitaka: the simple keys", 13,
	  { "instances_path = /var/lib/nova/instances", "max_concurrent_live_migrations = 2",
	    "live_migration_bandwidth = 100" },
	  "DEFAULT/instances_path = /var/lib/nova/instances\n"
	  "DEFAULT/max_concurrent_live_migrations = 2\n"
	  "libvirt/live_migration_bandwidth = 100\nDEFAULT/live_migration_bandwidth -\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_uri -\n", 0 },
	{ "liberty has no max_concurrent_live_migrations", 12,
	  { "max_concurrent_live_migrations = 2" },
	  "t.ini:1: max_concurrent_live_migrations: nova liberty (12) has no option "
	  "'DEFAULT/max_concurrent_live_migrations'; it came in mitaka (13)\n", 1 },

	{ "zed: the guide's vncserver_listen is server_listen", 26,
	  { "set = DEFAULT/vncserver_listen 0.0.0.0" },
	  "vnc/server_listen = 0.0.0.0\nDEFAULT/vncserver_listen -\nvnc/vncserver_listen -\n"
	  STALE_NEWTON "DEFAULT/vncserver_proxyclient_address -\n"
	  "vnc/vncserver_proxyclient_address -\n", 0 },
	{ "pike: server_listen back to its old name", 16,
	  { "set = vnc/server_listen 0.0.0.0" },
	  "vnc/vncserver_listen = 0.0.0.0\nDEFAULT/vncserver_listen -\n" STALE_NEWTON, 0 },
	{ "kilo: vncserver_listen still in [DEFAULT]", 11,
	  { "set = vnc/server_listen 0.0.0.0" },
	  "DEFAULT/vncserver_listen = 0.0.0.0\n", 0 },
	{ "ocata: a plain URI becomes live_migration_scheme", 15,
	  { "set = libvirt/live_migration_uri qemu+tcp://%s/system" },
	  "libvirt/live_migration_scheme = tcp\nDEFAULT/live_migration_uri -\n"
	  "libvirt/live_migration_uri -\n" STALE_NEWTON_BUT_URI, 0 },
	/* nova takes the scheme from the URI while one is set */
	{ "zed: live_migration_scheme removes every name of the URI", 26,
	  { "set = libvirt/live_migration_scheme tls" },
	  "libvirt/live_migration_scheme = tls\nDEFAULT/live_migration_uri -\n"
	  "libvirt/live_migration_uri -\n" STALE_NEWTON_BUT_URI STALE_ZED_VNC, 0 },
	{ "... and a URI beside it is the profile's error", 26,
	  { "set = libvirt/live_migration_uri qemu+tcp://%s:16510/system",
	    "set = libvirt/live_migration_scheme tls" },
	  "t.ini:2: set: 'libvirt/live_migration_uri' set to 'qemu+tcp://%s:16510/system' by "
	  "t.ini:1 and removed by t.ini:2\n", 1 },
	{ "mitaka keeps the URI", 13,
	  { "set = libvirt/live_migration_uri qemu+tcp://%s/system" },
	  "libvirt/live_migration_uri = qemu+tcp://%s/system\nDEFAULT/live_migration_uri -\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_bandwidth -\n", 0 },
	{ "zed: a URI with a user has no equivalent: kept, deprecated", 26,
	  { "set = libvirt/live_migration_uri qemu+ssh://nova@%s/system" },
	  "libvirt/live_migration_uri = qemu+ssh://nova@%s/system (deprecated)\n"
	  "DEFAULT/live_migration_uri -\n" STALE_NEWTON_BUT_URI STALE_ZED_VNC, 0 },
	{ "an option the table does not know is written as asked, in oslo's spelling", 13,
	  { "set = Libvirt/Live-Migration-Downtime 500", "set = default/my_ip 10.0.0.1" },
	  "libvirt/live_migration_downtime = 500\nDEFAULT/my_ip = 10.0.0.1\n"
	  "DEFAULT/live_migration_flag -\nDEFAULT/block_migration_flag -\n"
	  "DEFAULT/live_migration_bandwidth -\nDEFAULT/live_migration_uri -\n", 0 },
	{ "mitaka has no native TLS", 13,
	  { "set = libvirt/live_migration_with_native_tls true" },
	  "t.ini:1: set: nova mitaka (13) has no option "
	  "'libvirt/live_migration_with_native_tls'; it came in rocky (18)\n", 1 },
	{ "a removed option is refused, with its replacement", 26,
	  { "set = DEFAULT/live_migration_flag VIR_MIGRATE_LIVE" },
	  "t.ini:1: set: nova zed (26) no longer reads 'libvirt/live_migration_flag' (removed "
	  "in newton (14)); use live_migration_tunnelled, live_migration_permit_auto_converge "
	  "and live_migration_permit_post_copy\n", 1 },
	{ "two names of one option that disagree", 26,
	  { "set = DEFAULT/vncserver_listen 0.0.0.0", "set = vnc/server_listen 127.0.0.1" },
	  "t.ini:2: set: 'vnc/server_listen' set to '0.0.0.0' by t.ini:1 and set to "
	  "'127.0.0.1' by t.ini:2\n", 1 },
	{ "two names of one option that agree", 26,
	  { "set = DEFAULT/vncserver_listen 0.0.0.0", "set = vnc/server_listen 0.0.0.0" },
	  "vnc/server_listen = 0.0.0.0\nDEFAULT/vncserver_listen -\nvnc/vncserver_listen -\n"
	  STALE_NEWTON "DEFAULT/vncserver_proxyclient_address -\n"
	  "vnc/vncserver_proxyclient_address -\n", 0 },
	{ "a key against a set line", 26,
	  { "live_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_TLS",
	    "set = libvirt/live_migration_with_native_tls false" },
	  "t.ini:2: set: 'libvirt/live_migration_with_native_tls' set to 'true' by t.ini:1 "
	  "and set to 'false' by t.ini:2\n", 1 },
	{ "icehouse is the oldest", 8, { "instances_path = /srv/i" },
	  "nova havana (8): migready writes nova.conf for icehouse (9) to gazpacho (33)\n",
	  1 },
	{ "no [nova] section, no edit", 26, { NULL }, "", 0 },
};

static char *edits_text(const struct mr_nova_edit *e, size_t n)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (e[i].value)
			mr_buf_printf(&b, "%s/%s = %s%s\n", e[i].section, e[i].key, e[i].value,
			              e[i].deprecated ? " (deprecated)" : "");
		else
			mr_buf_printf(&b, "%s/%s -\n", e[i].section, e[i].key);
	}
	return mr_buf_steal(&b, NULL);
}

static struct mr_cpu_map *test_cpu_map(void)
{
	struct mr_error *err = NULL;
	struct mr_cpu_map *map = mr_cpu_map_load(CPU_MAP, "x86", &err);
	assert_null(err);
	assert_non_null(map);
	return map;
}

static void test_plan_cases(void **state)
{
	(void)state;
	struct mr_cpu_map *cpus = test_cpu_map();
	for (size_t i = 0; i < MR_ARRAY_LEN(plan_cases); i++) {
		const struct plan_case *c = &plan_cases[i];
		print_message("case: %s\n", c->name);
		struct mr_profile *p = profile_of(c->lines);
		struct mr_nova_edit *edits = NULL;
		size_t n = 99;
		struct mr_error *err = NULL;
		int r = mr_nova_plan(c->major, p, cpus, &edits, &n, &err);
		if (c->error) {
			assert_int_equal(r, -1);
			assert_null(edits);
			assert_int_equal(n, 0);
			char *all = mr_test_all_errors(err);
			assert_string_equal(all, c->want);
			free(all);
		} else {
			if (r != 0)
				fail_msg("%s: %s", c->name, err->message);
			char *got = edits_text(edits, n);
			assert_string_equal(got, c->want);
			free(got);
		}
		mr_error_free(err);
		mr_nova_edits_free(edits, n);
		mr_profile_free(p);
	}
	mr_cpu_map_free(cpus);
}

static const struct mr_nova_edit *find_edit(const struct mr_nova_edit *e, size_t n,
                                            const char *section, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].section, section) == 0 && strcmp(e[i].key, key) == 0)
			return &e[i];
	fail_msg("no edit of %s/%s", section, key);
	return NULL;
}

/* Every translation names the profile line it came from and says why. */
static void test_notes_and_origins(void **state)
{
	(void)state;
	const char *lines[] = { FLAGS_GUIDE, "set = DEFAULT/vncserver_listen 0.0.0.0", NULL };
	struct mr_profile *p = profile_of(lines);
	struct mr_nova_edit *e = NULL;
	size_t n = 0;
	struct mr_error *err = NULL;
	assert_int_equal(mr_nova_plan(26, p, NULL, &e, &n, &err), 0);
	static const struct {
		const char *section, *key;
		unsigned line; /* 0: no profile line */
		const char *note;
	} want[] = {
		{ "libvirt", "live_migration_tunnelled", 1,
		  "VIR_MIGRATE_TUNNELLED in live_migration_flag -> live_migration_tunnelled = true; "
		  "live_migration_tunnelled is deprecated since wallaby (23) in favour of "
		  "live_migration_with_native_tls" },
		{ "libvirt", "live_migration_permit_post_copy", 1,
		  "VIR_MIGRATE_POSTCOPY not in live_migration_flag -> "
		  "live_migration_permit_post_copy = false" },
		{ "libvirt", "live_migration_flag", 1,
		  "live_migration_flag removed in newton (14); nova sets "
		  "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE itself" },
		{ "vnc", "server_listen", 2,
		  "DEFAULT/vncserver_listen -> vnc/server_listen, the name nova zed (26) reads" },
		{ "vnc", "vncserver_listen", 2,
		  "vnc/vncserver_listen is an older name of vnc/server_listen" },
		{ "DEFAULT", "block_migration_flag", 0,
		  "removed in liberty (12); replaced by the block migration nova chooses for each "
		  "migration" },
		{ "vnc", "vncserver_proxyclient_address", 0,
		  "removed in zed (26); nova reads vnc/server_proxyclient_address instead" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(want); i++) {
		const struct mr_nova_edit *x = find_edit(e, n, want[i].section, want[i].key);
		if (want[i].line) {
			assert_non_null(x->origin);
			assert_string_equal(x->origin->loc.file, "t.ini");
			assert_int_equal(x->origin->loc.line, want[i].line);
		} else {
			assert_null(x->origin);
		}
		assert_string_equal(x->note, want[i].note);
	}
	mr_nova_edits_free(e, n);
	mr_profile_free(p);
}

/* ---- libvirt's CPU map ---- */

/* lint's look at cpu_model: every unknown name at its line, with a
 * suggestion; none for known names, nor without a map. */
static void test_lint_cpu_models(void **state)
{
	(void)state;
	struct mr_cpu_map *cpus = test_cpu_map();
	static const char *const bad[] = { "cpu_model = kvm64, Haswell-noTSx", "cpu_mode = custom",
		                               NULL };
	static const char *const good[] = { "cpu_model = kvm64", "cpu_mode = custom", NULL };
	struct mr_profile *p = profile_of(bad);
	struct mr_error *err = NULL;
	assert_int_equal(mr_nova_lint_cpu_models(p, cpus, &err), -1);
	char *all = mr_test_all_errors(err);
	assert_string_equal(all, "t.ini:1: cpu_model: libvirt knows no CPU model 'Haswell-noTSx'; "
	                         "did you mean 'Haswell-noTSX'?\n");
	free(all);
	mr_error_free(err);
	err = NULL;
	assert_int_equal(mr_nova_lint_cpu_models(p, NULL, &err), 0);
	assert_null(err);
	mr_profile_free(p);
	p = profile_of(good);
	assert_int_equal(mr_nova_lint_cpu_models(p, cpus, &err), 0);
	assert_null(err);
	mr_profile_free(p);
	mr_cpu_map_free(cpus);
}

static void test_cpu_map_load(void **state)
{
	(void)state;
	struct mr_cpu_map *map = test_cpu_map();
	/* Commented-out files and models, and a model's reference to its
	 * base, are not models. */
	assert_int_equal(mr_cpu_map_count(map), 3);
	assert_true(mr_cpu_map_has(map, "kvm64"));
	assert_true(mr_cpu_map_has(map, "Haswell-noTSX"));
	assert_true(mr_cpu_map_has(map, "Skylake-Server"));
	assert_false(mr_cpu_map_has(map, "Haswell-commented"));
	assert_false(mr_cpu_map_has(map, "haswell-notsx"));
	assert_false(mr_cpu_map_has(map, "cortex-a57"));
	/* an older map's inherited model: its features and vendor too */
	size_t n = 0;
	const char **f = mr_cpu_map_features(map, "Skylake-Server", &n);
	assert_non_null(f);
	assert_int_equal(n, 2);
	assert_string_equal(f[0], "avx512f");
	assert_string_equal(f[1], "avx2");
	assert_null(f[2]);
	free(f);
	assert_string_equal(mr_cpu_map_vendor(map, "Skylake-Server"), "Intel");
	assert_null(mr_cpu_map_vendor(map, "kvm64"));
	assert_null(mr_cpu_map_features(map, "Haswell-commented", &n));
	assert_null(mr_cpu_map_features(NULL, "kvm64", &n));
	mr_cpu_map_free(map);

	struct mr_error *err = NULL;
	map = mr_cpu_map_load(CPU_MAP, "arm", &err);
	assert_non_null(map);
	assert_int_equal(mr_cpu_map_count(map), 1);
	assert_true(mr_cpu_map_has(map, "cortex-a57"));
	mr_cpu_map_free(map);

	assert_null(mr_cpu_map_load(CPU_MAP, "ppc64", &err));
	assert_string_equal(err->message, "libvirt's CPU map has no ppc64 CPU models");
	mr_error_free(err);
	err = NULL;
	assert_null(mr_cpu_map_load(MR_TEST_DATA "/no-such-dir", "x86", &err));
	assert_int_equal(err->kind, MR_ERR_SYSTEM);
	assert_string_equal(err->where, MR_TEST_DATA "/no-such-dir/index.xml");
	mr_error_free(err);
	mr_cpu_map_free(NULL);
}

/* The controller's own map, when libvirt is installed: the models that
 * operators' guides name are there. */
/* The transport and port of nova's live_migration_uri, as libvirt's
 * remote driver reads them. */
static void test_uri_transport(void **state)
{
	(void)state;
	static const struct {
		const char *uri;
		int rc;
		const char *transport;
		long port;
	} cases[] = {
		{ "qemu+tcp://%s/system", 0, "tcp", 0 },
		{ "qemu+tls://%s:16515/system", 0, "tls", 16515 },
		{ "qemu://%s/system", 0, "tls", 0 },  /* a host and no transport: TLS */
		/* nova fills the URI with Python's %: one %s, no other
		 * conversion (found by a review) */
		{ "qemu:///system", MR_NOVA_URI_NO_DEST, "unix", 0 },
		{ "qemu+tcp://10.20.0.5/system", MR_NOVA_URI_NO_DEST, "tcp", 0 },
		{ "qemu+tcp://%s/system?name=%d", MR_NOVA_URI_NO_DEST, "tcp", 0 },
		{ "qemu+tcp://%s/%s", MR_NOVA_URI_NO_DEST, "tcp", 0 },
		{ "qemu+tcp://%s/system?x=100%%", 0, "tcp", 0 },
		{ "qemu+tcp://%s/system%", MR_NOVA_URI_NO_DEST, "tcp", 0 },
		{ "qemu+rdma://%s/system", MR_NOVA_URI_TRANSPORT, "rdma", 0 },
		{ "qemu+ssh://nova@%s/system", 0, "ssh", 0 },
		{ "qemu+tcp://nova@[%s]:16510/system?no_verify=1", 0, "tcp", 16510 },
		{ "qemu+tcp://%s:16510", 0, "tcp", 16510 },
		{ "qemu+tcp://%s:0/system", -1, NULL, 0 },
		{ "qemu+tcp://%s:65536/system", -1, NULL, 0 },
		{ "qemu+tcp://%s:16a/system", -1, NULL, 0 },
		{ "qemu+tcp://%s:/system", -1, NULL, 0 },
		{ "qemu+://%s/system", -1, NULL, 0 },
		{ "tcp://%s/system", 0, "tls", 0 },  /* a driver named tcp */
		{ "%s", -1, NULL, 0 },
		{ "", -1, NULL, 0 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *transport = NULL;
		long port = -1;
		int rc = mr_nova_uri_transport(cases[i].uri, &transport, &port);
		if (rc != cases[i].rc)
			fail_msg("%s: returned %d", cases[i].uri, rc);
		if (rc != -1) {
			assert_string_equal(transport, cases[i].transport);
			assert_int_equal(port, cases[i].port);
		}
		free(transport);
	}
}

static void test_cpu_map_system(void **state)
{
	(void)state;
	const char *dir = "/usr/share/libvirt/cpu_map";
	if (access("/usr/share/libvirt/cpu_map/index.xml", R_OK) != 0) {
		print_message("no %s: skipped\n", dir);
		return;
	}
	struct mr_error *err = NULL;
	struct mr_cpu_map *map = mr_cpu_map_load(dir, "x86", &err);
	assert_null(err);
	assert_true(mr_cpu_map_count(map) > 20);
	assert_true(mr_cpu_map_has(map, "kvm64"));
	assert_true(mr_cpu_map_has(map, "Haswell-noTSX"));
	const char **f = mr_cpu_map_features(map, "Skylake-Server", NULL);
	assert_non_null(f);
	int avx512f = 0;
	for (size_t i = 0; f[i]; i++)
		avx512f |= !strcmp(f[i], "avx512f");
	assert_true(avx512f);
	free(f);
	assert_string_equal(mr_cpu_map_vendor(map, "EPYC-Rome"), "AMD");
	assert_false(mr_cpu_map_migratable(map, "invtsc"));
	assert_true(mr_cpu_map_migratable(map, "avx2"));
	mr_cpu_map_free(map);
}

/* ---- through the engine ---- */

static char *apply(struct mr_aug *aug, unsigned major, const char *const *lines, const char *text)
{
	struct mr_profile *p = profile_of(lines);
	struct mr_nova_edit *e = NULL;
	size_t n = 0;
	struct mr_error *err = NULL;
	if (mr_nova_plan(major, p, NULL, &e, &n, &err) < 0)
		fail_msg("plan: %s", err->message);
	struct mr_aug_op *ops = mr_xcalloc(n, sizeof(*ops));
	struct mr_aug_outcome *oc = mr_xcalloc(n, sizeof(*oc));
	for (size_t i = 0; i < n; i++)
		mr_nova_edit_op(&e[i], &ops[i]);
	char *out = NULL;
	size_t len = 0;
	if (mr_aug_transform(aug, "h:/etc/nova/nova.conf", "Migready_oslo.lns", text, strlen(text),
	                     ops, n, oc, &out, &len, &err) < 0)
		fail_msg("transform: %s: %s", err->where, err->message);
	mr_aug_outcomes_fini(oc, n);
	free(oc);
	free(ops);
	mr_nova_edits_free(e, n);
	mr_profile_free(p);
	return out;
}

/* An upgraded host: the guide's options, stale since Newton, with the
 * guide's commented examples around them. */
static const char mitaka_text[] =
	"[DEFAULT]\n"
	"#vncserver_listen=127.0.0.1\n"
	"vncserver_listen = 0.0.0.0\n"
	"\n"
	"[libvirt]\n"
	"# Example:\n"
	"#live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n"
	"live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n"
	";block_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_NON_SHARED_INC\n"
	"#live_migration_tunnelled = false\n"
	"cpu_mode = custom\n"
	"cpu_model = kvm64\n";

static void test_engine_zed_host(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	const char *lines[] = { "cpu_model = kvm64", "cpu_mode = custom", FLAGS_GUIDE, NULL };

	/* Zed: the stale lines go, the comments stay, the modern options go
	 * below their commented defaults or at the end of [libvirt]; those
	 * whose default is the value wanted need no line. */
	char *out = apply(aug, 26, lines, mitaka_text);
	assert_string_equal(out,
		"[DEFAULT]\n"
		"#vncserver_listen=127.0.0.1\n"
		"\n"
		"[libvirt]\n"
		"# Example:\n"
		"#live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n"
		";block_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_NON_SHARED_INC\n"
		"#live_migration_tunnelled = false\n"
		"live_migration_tunnelled = true\n"
		"cpu_mode = custom\n"
		"cpu_models = kvm64\n");
	free(out);

	/* Absent is already false; a true that the flags do not ask for is
	 * not. */
	out = apply(aug, 26, lines,
	            "[libvirt]\nlive_migration_permit_post_copy = true\n"
	            "live_migration_tunnelled = true\ncpu_mode = custom\ncpu_models = kvm64\n");
	assert_string_equal(out, "[libvirt]\nlive_migration_permit_post_copy = false\n"
	                         "live_migration_tunnelled = true\ncpu_mode = custom\n"
	                         "cpu_models = kvm64\n");
	free(out);

	/* Mitaka: the flags as listed, and the tunnelled option it reads
	 * beside them agreeing with them. */
	out = apply(aug, 13, lines, mitaka_text);
	assert_string_equal(out,
		"[DEFAULT]\n"
		"#vncserver_listen=127.0.0.1\n"
		"vncserver_listen = 0.0.0.0\n"
		"\n"
		"[libvirt]\n"
		"# Example:\n"
		"#live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE\n"
		"live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, "
		"VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED\n"
		";block_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_NON_SHARED_INC\n"
		"#live_migration_tunnelled = false\n"
		"live_migration_tunnelled = true\n"
		"cpu_mode = custom\n"
		"cpu_model = kvm64\n");
	free(out);

	/* A set line at nova's default adds nothing; another value is
	 * written, below the commented default. */
	static const char *const at_default[] = {
		"set = libvirt/live_migration_completion_timeout 800", NULL
	};
	static const char *const other[] = { "set = libvirt/live_migration_completion_timeout 900",
		                                 NULL };
	const char *text = "[libvirt]\n#live_migration_completion_timeout = 800\n";
	out = apply(aug, 26, at_default, text);
	assert_string_equal(out, text);
	free(out);
	out = apply(aug, 26, other, text);
	assert_string_equal(out, "[libvirt]\n#live_migration_completion_timeout = 800\n"
	                         "live_migration_completion_timeout = 900\n");
	free(out);
	mr_aug_free(aug);
}

/* The sample nova.conf shows cpu_mode and cpu_models again in the help of
 * cpu_model_extra_flags, below their defaults: new lines go below the
 * defaults, never into another option's help. */
static void test_engine_below_the_default(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	const char *lines[] = { "cpu_model = kvm64", "cpu_mode = custom", NULL };
	const char *text =
		"[libvirt]\n"
		"# The CPU mode.\n"
		"#cpu_mode = <None>\n"
		"\n"
		"# The CPU models.\n"
		"#cpu_models =\n"
		"\n"
		"# Extra flags, for example:\n"
		"#\n"
		"#     cpu_mode = custom\n"
		"#     cpu_models = Haswell-noTSX\n"
		"#cpu_model_extra_flags =\n";
	char *out = apply(aug, 26, lines, text);
	assert_string_equal(out,
		"[libvirt]\n"
		"# The CPU mode.\n"
		"#cpu_mode = <None>\n"
		"cpu_mode = custom\n"
		"\n"
		"# The CPU models.\n"
		"#cpu_models =\n"
		"cpu_models = kvm64\n"
		"\n"
		"# Extra flags, for example:\n"
		"#\n"
		"#     cpu_mode = custom\n"
		"#     cpu_models = Haswell-noTSX\n"
		"#cpu_model_extra_flags =\n");
	free(out);
	mr_aug_free(aug);
}

/* A value nova declares, at a release (0: not known), and its verdict. */
struct verdict_case {
	const char *section, *key, *value;
	unsigned major;
	int verdict;
	const char *why; /* NULL: taken */
};

/* A case's verdict and words, its value judged as as (once oslo.config
 * substitutes it) where as is not NULL. */
static void check_verdict(const struct verdict_case *c, const char *as)
{
	char *why = NULL;
	print_message("[%s] %s = '%s' at %u%s%s\n", c->section, c->key, c->value, c->major,
	              as ? " as " : "", as ? as : "");
	int v = (int)(as ? mr_nova_value_verdict_as(c->section, c->key, c->value, as, c->major,
	                                            &why)
	                 : mr_nova_value_verdict(c->section, c->key, c->value, c->major, &why));
	assert_int_equal(v, c->verdict);
	if (!c->why)
		assert_null(why);
	else
		assert_string_equal(why, c->why);
	free(why);
}

/* Each case's verdict and words, and lint's words for one refused where
 * the release is not known. */
static void check_verdicts(const struct verdict_case *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		check_verdict(&vals[i], NULL);
		char *lint = mr_nova_value_refused(vals[i].section, vals[i].key, vals[i].value);
		if (vals[i].major == 0 && vals[i].verdict == MR_NOVA_REFUSES)
			assert_string_equal(lint, vals[i].why);
		free(lint);
	}
}

/* The values nova declares, as oslo.config reads them, release by
 * release (0: not known). */
static void test_value_refused(void **state)
{
	(void)state;
	enum { T = MR_NOVA_TAKES, R = MR_NOVA_REFUSES, A = MR_NOVA_ADJUSTS, U = MR_NOVA_UNKNOWN };
	static const struct verdict_case vals[] = {
		{ "libvirt", "live_migration_downtime", "100", 0, T, NULL },
		{ "libvirt", "live_migration_downtime", "'150'", 0, T, NULL },
		{ "libvirt", "live_migration_downtime", "99", 0, R,
		  "nova refuses [libvirt] live_migration_downtime = '99' from ocata (15) on: it takes "
		  "at least 100 (nova/conf/libvirt.py); before, it rounds it up to 100" },
		{ "libvirt", "live_migration_downtime", "99", 26, R,
		  "nova zed (26) refuses [libvirt] live_migration_downtime = '99': it takes at least "
		  "100 (nova/conf/libvirt.py)" },
		{ "libvirt", "live_migration_downtime", "50", 13, A,
		  "nova mitaka (13) takes [libvirt] live_migration_downtime = '50' but rounds it up to "
		  "100; from ocata (15) on it refuses less than 100 (nova/conf/libvirt.py)" },
		{ "libvirt", "live_migration_downtime", "50", 14, U,
		  "whether nova newton (14) refuses [libvirt] live_migration_downtime = '50' is not "
		  "established: nova/conf/libvirt.py declares at least 100 from ocata (15) on, and "
		  "mitaka (13) rounds it up to 100" },
		{ "libvirt", "live_migration_downtime_delay", "5", 13, A,
		  "nova mitaka (13) takes [libvirt] live_migration_downtime_delay = '5' but rounds it "
		  "up to 10; from ocata (15) on it refuses less than 3 (nova/conf/libvirt.py)" },
		{ "libvirt", "live_migration_downtime_delay", "5", 15, T, NULL },
		{ "libvirt", "live_migration_downtime", "5s", 13, R,
		  "nova mitaka (13) refuses [libvirt] live_migration_downtime = '5s': it takes a whole "
		  "number (nova/conf/libvirt.py)" },
		{ "libvirt", "live_migration_downtime", "", 26, T, NULL },
		{ "libvirt", "live_migration_completion_timeout", "-1", 15, T, NULL },
		{ "libvirt", "live_migration_completion_timeout", "-1", 17, U,
		  "whether nova queens (17) refuses [libvirt] live_migration_completion_timeout = '-1' "
		  "is not established: nova/conf/libvirt.py declares at least 0 from train (20) on, "
		  "and ocata (15) uses it" },
		{ "libvirt", "live_migration_completion_timeout", "-1", 20, R,
		  "nova train (20) refuses [libvirt] live_migration_completion_timeout = '-1': it takes "
		  "at least 0 (nova/conf/libvirt.py)" },
		{ "libvirt", "live_migration_bandwidth", "-5", 26, T, NULL },
		{ "libvirt", "live_migration_timeout_action", "abort", 26, T, NULL },
		{ "libvirt", "live_migration_timeout_action", "ABORT", 0, R,
		  "nova refuses [libvirt] live_migration_timeout_action = 'ABORT': it takes 'abort' or "
		  "'force_complete' (case matters) (nova/conf/libvirt.py)" },
		{ "libvirt", "live_migration_tunnelled", "Yes", 26, T, NULL },
		{ "libvirt", "live_migration_tunnelled", "enabled", 0, R,
		  "nova refuses [libvirt] live_migration_tunnelled = 'enabled': it takes true or false "
		  "(nova/conf/libvirt.py)" },
		{ "libvirt", "cpu_mode", "anything", 26, T, NULL },
		/* nova/conf/compute.py */
		{ "DEFAULT", "max_concurrent_live_migrations", "0", 26, T, NULL },
		{ "DEFAULT", "max_concurrent_live_migrations", "-1", 21, R,
		  "nova ussuri (21) refuses [DEFAULT] max_concurrent_live_migrations = '-1': it takes "
		  "at least 0 (nova/conf/compute.py)" },
		{ "DEFAULT", "max_concurrent_live_migrations", "-1", 16, A,
		  "nova pike (16) takes [DEFAULT] max_concurrent_live_migrations = '-1' but counts it "
		  "as 0: no limit; from ussuri (21) on it refuses less than 0 (nova/conf/compute.py)" },
		{ "DEFAULT", "max_concurrent_live_migrations", "-1", 18, U,
		  "whether nova rocky (18) refuses [DEFAULT] max_concurrent_live_migrations = '-1' is "
		  "not established: nova/conf/compute.py declares at least 0 from ussuri (21) on, and "
		  "pike (16) counts it as 0: no limit" },
		{ "DEFAULT", "max_concurrent_live_migrations", "two", 13, R,
		  "nova mitaka (13) refuses [DEFAULT] max_concurrent_live_migrations = 'two': it takes "
		  "a whole number (nova/conf/compute.py)" },
		{ "DEFAULT", "live_migration_downtime", "1", 26, T, NULL },
	};
	check_verdicts(vals, MR_ARRAY_LEN(vals));
}

/* Zed's verdict on value, its words dropped. */
static int zed_verdict(const char *section, const char *key, const char *value)
{
	char *why = NULL;
	int v = (int)mr_nova_value_verdict(section, key, value, 26, &why);
	free(why);
	return v;
}

/* The addresses nova declares: HostAddressOpt (an IP address, v4 or v6,
 * or a host name) where nova's code was seen declaring it, StrOpt (any
 * value) before and for my_ip and host; between, not established. */
static void test_address_types(void **state)
{
	(void)state;
	enum { T = MR_NOVA_TAKES, R = MR_NOVA_REFUSES, U = MR_NOVA_UNKNOWN };
	static const struct verdict_case vals[] = {
		{ "vnc", "server_listen", "10.0.0.5", 26, T, NULL },
		{ "vnc", "server_listen", "fd00::5", 26, T, NULL },
		{ "vnc", "server_listen", "::", 26, T, NULL },
		{ "vnc", "server_listen", "0.0.0.0", 0, T, NULL },
		{ "vnc", "server_listen", "compute-1.example.org", 26, T, NULL },
		{ "vnc", "server_listen", "compute-1.example.org.", 26, T, NULL },
		{ "vnc", "server_proxyclient_address", "$my_ip", 26, T, NULL },
		/* oslo.config refuses an empty value too */
		{ "vnc", "server_listen", "", 26, R,
		  "nova zed (26) refuses [vnc] server_listen = '': not an IP address or a host "
		  "name, and nova-compute refuses it (HostAddressOpt, nova/conf/vnc.py)" },
		{ "DEFAULT", "host", "", 26, R,
		  "nova zed (26) refuses [DEFAULT] host = '': not an IP address or a host name, and "
		  "nova-compute refuses it (HostDomainOpt, nova/conf/netconf.py)" },
		/* host: no HostAddressOpt seen before Zed's HostDomainOpt */
		{ "DEFAULT", "host", "compute_1", 25, T, NULL },
		{ "vnc", "server_listen", "node_1", 26, R,
		  "nova zed (26) refuses [vnc] server_listen = 'node_1': not an IP address or a host "
		  "name, and nova-compute refuses it (HostAddressOpt, nova/conf/vnc.py)" },
		/* quoted in the file: shown in its own quotes */
		{ "vnc", "server_listen", "\"node_1\"", 26, R,
		  "nova zed (26) refuses [vnc] server_listen = \"node_1\": not an IP address or a "
		  "host name, and nova-compute refuses it (HostAddressOpt, nova/conf/vnc.py)" },
		{ "vnc", "server_listen", "[fd00::5]", 18, R,
		  "nova rocky (18) refuses [vnc] server_listen = '[fd00::5]': not an IP address or a "
		  "host name, and nova-compute refuses it (HostAddressOpt, nova/conf/vnc.py)" },
		{ "vnc", "server_proxyclient_address", "-node", 26, R,
		  "nova zed (26) refuses [vnc] server_proxyclient_address = '-node': not an IP address "
		  "or a host name, and nova-compute refuses it (HostAddressOpt, nova/conf/vnc.py)" },
		{ "vnc", "server_proxyclient_address", "node_1", 17, U,
		  "whether nova queens (17) refuses [vnc] server_proxyclient_address = 'node_1' is not "
		  "established: nova/conf/vnc.py declares an IP address or a host name "
		  "(HostAddressOpt) from rocky (18) on" },
		{ "vnc", "server_listen", "node_1", 0, R,
		  "nova refuses [vnc] server_listen = 'node_1' from rocky (18) on: not an IP address or "
		  "a host name, and nova-compute refuses it (HostAddressOpt, nova/conf/vnc.py); "
		  "before, not established" },
		{ "libvirt", "live_migration_inbound_addr", "node_1", 14, T, NULL },
		{ "libvirt", "live_migration_inbound_addr", "node.1", 15, U,
		  "whether nova ocata (15) refuses [libvirt] live_migration_inbound_addr = 'node.1' is "
		  "not established: nova/conf/libvirt.py declares an IP address or a host name "
		  "(HostAddressOpt) from train (20) on, and newton (14) uses it" },
		{ "libvirt", "live_migration_inbound_addr", "node.1", 20, R,
		  "nova train (20) refuses [libvirt] live_migration_inbound_addr = 'node.1': not an IP "
		  "address or a host name, and nova-compute refuses it (HostAddressOpt, "
		  "nova/conf/libvirt.py)" },
		/* Zed (nova 26, read by CI's validator) declares it a
		 * HostDomainOpt: a _ is taken there; from when, not known */
		{ "libvirt", "live_migration_inbound_addr", "node_1", 26, T, NULL },
		{ "libvirt", "live_migration_inbound_addr", "node_1", 0, T, NULL },
		{ "libvirt", "live_migration_inbound_addr", "node_1", 20, U,
		  "whether nova train (20) takes [libvirt] live_migration_inbound_addr = 'node_1' is "
		  "not established: nova/conf/libvirt.py declares a host name with _ (HostDomainOpt) "
		  "from zed (26) on, one without before" },
		{ "libvirt", "live_migration_inbound_addr", "-node", 26, R,
		  "nova zed (26) refuses [libvirt] live_migration_inbound_addr = '-node': not an IP "
		  "address or a host name, and nova-compute refuses it (HostDomainOpt, "
		  "nova/conf/libvirt.py)" },
		/* oslo.config: a last label of digits alone is no host name */
		{ "vnc", "server_listen", "10.0.0.300", 26, R,
		  "nova zed (26) refuses [vnc] server_listen = '10.0.0.300': not an IP address or a "
		  "host name, and nova-compute refuses it (HostAddressOpt, nova/conf/vnc.py)" },
		{ "vnc", "server_listen", "compute1.1a", 26, T, NULL },
		{ "libvirt", "live_migration_inbound_addr", "fe80::1:2", 26, T, NULL },
		{ "libvirt", "live_migration_inbound_addr", "compute1", 26, T, NULL },
		/* my_ip: StrOpt in every nova/conf/netconf.py seen: any value */
		{ "DEFAULT", "my_ip", "compute1", 26, T, NULL },
		/* host: a HostDomainOpt in Zed's, a StrOpt in older ones seen */
		{ "DEFAULT", "host", "node_1", 26, T, NULL },
		{ "DEFAULT", "host", "compute 1", 26, R,
		  "nova zed (26) refuses [DEFAULT] host = 'compute 1': not an IP address or a host "
		  "name, and nova-compute refuses it (HostDomainOpt, nova/conf/netconf.py)" },
		{ "DEFAULT", "host", "compute 1", 25, U,
		  "whether nova yoga (25) refuses [DEFAULT] host = 'compute 1' is not established: "
		  "nova/conf/netconf.py declares an IP address or a host name (HostDomainOpt) from zed "
		  "(26) on" },
	};
	check_verdicts(vals, MR_ARRAY_LEN(vals));
	/* a label of 64 characters is no host name */
	char label[80];
	memset(label, 'a', 64);
	label[64] = '\0';
	assert_int_equal(zed_verdict("vnc", "server_listen", label), MR_NOVA_REFUSES);
	label[63] = '\0';
	assert_int_equal(zed_verdict("vnc", "server_listen", label), MR_NOVA_TAKES);
	/* 253 characters in all, a final dot counted (oslo.config measures
	 * the name before it drops the dot); the HostDomainOpt too */
	char name[260];
	memset(name, 'a', 253);
	for (size_t at = 63; at < 253; at += 64)
		name[at] = '.';
	name[253] = '\0';
	assert_int_equal(zed_verdict("vnc", "server_listen", name), MR_NOVA_TAKES);
	name[252] = '.';
	assert_int_equal(zed_verdict("vnc", "server_listen", name), MR_NOVA_TAKES);
	name[252] = 'a';
	name[253] = '.';
	name[254] = '\0';
	assert_int_equal(zed_verdict("vnc", "server_listen", name), MR_NOVA_REFUSES);
	name[10] = '_';
	assert_int_equal(zed_verdict("libvirt", "live_migration_inbound_addr", name),
	                 MR_NOVA_REFUSES);
	name[253] = '\0';
	assert_int_equal(zed_verdict("libvirt", "live_migration_inbound_addr", name), MR_NOVA_TAKES);
}

/* A value with a $NAME, judged once oslo.config has substituted it
 * (cfg.py converts after _substitute), where the caller knows that. */
static void test_substituted(void **state)
{
	(void)state;
	enum { T = MR_NOVA_TAKES, R = MR_NOVA_REFUSES };
	static const struct {
		const char *as;
		struct verdict_case c;
	} vals[] = {
		{ "10.0.0.5", { "vnc", "server_proxyclient_address", "$my_ip", 26, T, NULL } },
		{ "10.0.0.300",
		  { "vnc", "server_proxyclient_address", "$my_ip", 26, R,
		    "nova zed (26) refuses [vnc] server_proxyclient_address = '$my_ip' (substituted: "
		    "'10.0.0.300'): not an IP address or a host name, and nova-compute refuses it "
		    "(HostAddressOpt, nova/conf/vnc.py)" } },
		{ "cmp 1",
		  { "libvirt", "live_migration_inbound_addr", "${host}", 0, R,
		    "nova refuses [libvirt] live_migration_inbound_addr = '${host}' (substituted: "
		    "'cmp 1') from train (20) on: not an IP address or a host name, and nova-compute "
		    "refuses it (HostAddressOpt, nova/conf/libvirt.py); before, it uses it" } },
		/* a $ left once substituted ($$) is no address */
		{ "cmp$1",
		  { "vnc", "server_listen", "cmp$$1", 26, R,
		    "nova zed (26) refuses [vnc] server_listen = 'cmp$$1' (substituted: 'cmp$1'): not "
		    "an IP address or a host name, and nova-compute refuses it (HostAddressOpt, "
		    "nova/conf/vnc.py)" } },
		/* any type: a whole number too */
		{ "99",
		  { "libvirt", "live_migration_downtime", "$d", 26, R,
		    "nova zed (26) refuses [libvirt] live_migration_downtime = '$d' (substituted: "
		    "'99'): it takes at least 100 (nova/conf/libvirt.py)" } },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(vals); i++)
		check_verdict(&vals[i].c, vals[i].as);
	/* not known: an address with a $NAME taken, as before */
	char *why = NULL;
	assert_int_equal(mr_nova_value_verdict_as("libvirt", "live_migration_inbound_addr",
	                                          "$my_ip", NULL, 26, &why),
	                 MR_NOVA_TAKES);
	assert_null(why);
}

/* Old names nova is not known to drop: said so past the last release
 * seen reading them. */
static void test_unproven(void **state)
{
	(void)state;
	const char *section, *key;
	char *why = NULL;
	int found = 0;
	for (size_t i = 0; mr_nova_unproven(i, 18, &section, &key, &why) >= 0; i++) {
		assert_int_equal(mr_nova_unproven(i, 18, &section, &key, &why), 1);
		assert_null(why);
		/* Zed's vnc.py reads none of them (the nova-conf validator's) */
		assert_int_equal(mr_nova_unproven(i, 26, &section, &key, &why), 1);
		assert_null(why);
		assert_int_equal(mr_nova_unproven(i, 25, &section, &key, &why), 0);
		if (!strcmp(section, "DEFAULT") && !strcmp(key, "vncserver_listen")) {
			found = 1;
			assert_string_equal(why, "nova reads [DEFAULT] vncserver_listen up to rocky (18) "
			                         "at least and no longer from zed (26) "
			                         "(nova/conf/vnc.py); whether nova yoga (25) still does is "
			                         "not established, so it is kept");
		}
		free(why);
	}
	assert_true(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_from_version),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_plan_cases),
		cmocka_unit_test(test_notes_and_origins),
		cmocka_unit_test(test_cpu_map_load),
		cmocka_unit_test(test_lint_cpu_models),
		cmocka_unit_test(test_cpu_map_system),
		cmocka_unit_test(test_uri_transport),
		cmocka_unit_test(test_engine_zed_host),
		cmocka_unit_test(test_engine_below_the_default),
		cmocka_unit_test(test_value_refused),
		cmocka_unit_test(test_address_types),
		cmocka_unit_test(test_substituted),
		cmocka_unit_test(test_unproven),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
