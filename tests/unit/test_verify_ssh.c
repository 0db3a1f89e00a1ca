/* verify's SSH side, the pure part: the probe's words read as verdicts,
 * addresses compared, and the join of what three hosts said into pairs
 * and findings, each check once passing and once failing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#include "facts.h"
#include "nova.h"
#include "verify_analysis.h"
#include "verify_ssh.h"

#define N 3

static void test_tcp_verdict(void **state)
{
	static const char *const lis = NULL;
	static const struct {
		const char *word, *listener;
		int want;
		const char *why;
	} cases[] = {
		{ "open", lis, 1, NULL },
		{ "open", "open", 1, NULL },
		{ "refused", lis, 0, "refused: nothing listens there, or a firewall resets it" },
		/* the migration range: open only if libvirt's port connected */
		{ "refused", "open", 1, NULL },
		{ "refused", "refused", -1,
		  "refused, as libvirt's port was: a firewall that resets it cannot be told from a "
		  "closed port" },
		{ "refused", "timeout", -1, NULL },
		{ "refused", "", -1, NULL },
		{ "timeout", "open", 0, "time-out: a firewall drops it" },
		{ "unreachable", lis, 0, "unreachable or prohibited: a firewall rejects it" },
		{ "unreachable", "open", 0, "unreachable or prohibited: a firewall rejects it" },
		{ "unknown no bash, nc or timeout on the host", lis, -1,
		  "unknown no bash, nc or timeout on the host" },
		{ "error bash: /dev/tcp: Invalid argument", lis, -1,
		  "error bash: /dev/tcp: Invalid argument" },
		{ NULL, lis, -1, "no answer from the probe" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = NULL;
		int v = mr_verify_tcp_verdict(cases[i].word, cases[i].listener, &why);
		assert_int_equal(v, cases[i].want);
		if (cases[i].why)
			assert_string_equal(why, cases[i].why);
	}
}

static void test_addr_match(void **state)
{
	static const struct {
		const char *list, *want;
		int match;
	} cases[] = {
		{ "10.0.0.1", "10.0.0.1", 1 },
		{ "10.0.0.2 10.0.0.1", "10.0.0.1", 1 },
		{ "10.0.0.2", "10.0.0.1", 0 },
		{ "none", "10.0.0.1", 0 },
		{ "fd00:0:0::1", "fd00::1", 1 },        /* canonical forms */
		{ "fd00::2 10.0.0.1", "fd00::1", 0 },
		{ "unknown no getent on the host", "10.0.0.1", -1 },
		{ NULL, "10.0.0.1", -1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(mr_verify_addr_match(cases[i].list, cases[i].want), cases[i].match);
}

/* One host of a case: what differs from a ready host. */
struct hspec {
	const char *probe_extra; /* key=value lines appended (the last value counts) */
	const char *facts_extra;
	const char *conf_dyn;    /* qemu.conf dynamic_ownership; NULL: unknown */
	int no_marker;
	int not_shared;          /* the profile does not ask for shared storage */
	const char *drift;
	const char *error;
	int no_probe;
};

struct scase {
	const char *title;
	struct hspec h[N];
	int status;
	const char *want[4];
	const char *not_want[2];
};

static const char *const addr[N] = { "10.1.0.1", "10.1.0.2", "10.1.0.3" };

/* What a ready host's probe prints about its peers. */
static char *good_probe(size_t i, const char *extra)
{
	struct mr_buf b;
	mr_buf_init(&b);
	mr_buf_puts(&b, "probe=1\nuser=nova\nlocal.kvm=yes\nlocal.vhost-net=yes\nlocal.net/tun=yes\n"
	                "local.cgroup=v2 cpuset cpu io memory hugetlb pids\ntcp.tool=bash\n"
	                "ssh.as=runuser\n");
	if (!extra || !strstr(extra, "local.nested="))
		mr_buf_puts(&b, "local.nested=on kvm_intel\n");
	for (size_t j = 0; j < N; j++) {
		if (j == i)
			continue;
		mr_buf_printf(&b, "tcp.%zu.listener=open\ntcp.%zu.migration=refused\n"
		                  "resolve.%zu.name=%s\nssh.%zu=ok\nmarker.%zu=seen\n",
		              j, j, j, addr[j], j, j);
	}
	if (extra)
		mr_buf_puts(&b, extra);
	mr_buf_puts(&b, "done=1\n");
	return mr_buf_steal(&b, NULL);
}

static struct mr_facts *parse(const char *name, const char *text)
{
	struct mr_error *err = NULL;
	struct mr_facts *f = mr_facts_parse(name, text, strlen(text), &err);
	if (!f)
		fail_msg("%s", err->message);
	return f;
}

static struct mr_verify_ssh_host *hosts_of(const struct scase *c)
{
	struct mr_verify_ssh_host *hs = mr_xcalloc(N, sizeof(*hs));
	for (size_t i = 0; i < N; i++) {
		const struct hspec *s = &c->h[i];
		struct mr_verify_ssh_host *h = &hs[i];
		h->name = mr_xasprintf("host%zu", i + 1);
		h->address = mr_xstrdup(addr[i]);
		h->ssh_port = 22;
		h->listener_port = 16509;
		h->ssh_user = mr_xstrdup("nova");
		if (s->error) {
			h->error = mr_xstrdup(s->error);
			continue;
		}
		char *facts = mr_xasprintf("probe=1\nuser.nova=64060:64060:/var/lib/nova:/bin/sh\n"
		                           "group.kvm=104\n%s",
		                           s->facts_extra ? s->facts_extra : "");
		h->facts = parse(h->name, facts);
		free(facts);
		if (!s->no_probe) {
			char *p = good_probe(i, s->probe_extra);
			h->probe = parse(h->name, p);
			free(p);
		} else {
			h->probe_error = mr_xstrdup("exit 127");
		}
		h->conf[MR_VCONF_QEMU_USER] = mr_xstrdup("nova");
		h->conf[MR_VCONF_QEMU_GROUP] = mr_xstrdup("nova");
		h->conf[MR_VCONF_DYNAMIC_OWNERSHIP] = s->conf_dyn ? mr_xstrdup(s->conf_dyn) : NULL;
		if (!s->conf_dyn)
			h->conf_error = mr_xstrdup("qemu.conf: line 3: parse error");
		h->conf[MR_VCONF_PORT_MIN] = mr_xstrdup("");
		h->conf[MR_VCONF_PORT_MAX] = mr_xstrdup("");
		h->conf[MR_VCONF_INSTANCES_PATH] = mr_xstrdup("/var/lib/nova/instances");
		if (!s->no_marker)
			h->marker = mr_xasprintf(".migready-verify.%zu", i);
		else
			h->marker_error = mr_xstrdup("cannot write in /var/lib/nova/instances");
		h->shared_expected = !s->not_shared;
		if (s->drift) {
			h->drift = mr_xcalloc(1, sizeof(char *));
			h->drift[h->n_drift++] = mr_xstrdup(s->drift);
		}
	}
	return hs;
}

/* libvirt's side with nothing against any pair. */
static struct mr_verify_result *libvirt_ok(void)
{
	struct mr_verify_input in = { 0 };
	char *path = mr_xasprintf("%s/verify/haswell-a.caps.xml", MR_TEST_DATA);
	char *caps = mr_file_read(path, NULL);
	assert_non_null(caps);
	/* one host UUID each: one not known is a check not examined */
	char *uuid = strstr(caps, "b3c04f333032</uuid>");
	assert_non_null(uuid);
	in.n = N;
	in.hosts = mr_xcalloc(N, sizeof(*in.hosts));
	for (size_t i = 0; i < N; i++) {
		in.hosts[i].name = mr_xasprintf("host%zu", i + 1);
		in.hosts[i].uri = mr_xstrdup("test:///default");
		uuid[11] = (char)('0' + i);
		in.hosts[i].caps_xml = mr_xstrdup(caps);
		in.hosts[i].libvirt_version = 9000000;
		in.hosts[i].hv_version = 7002000;
	}
	/* host-model CPUs are compared by libvirt's map */
	struct mr_cpu_map *cpus = mr_cpu_map_load(MR_TEST_DATA "/cpu_map/verify", "x86", NULL);
	assert_non_null(cpus);
	in.cpus = cpus;
	struct mr_verify_result *res = mr_verify_analyze(&in);
	mr_verify_input_fini(&in);
	mr_cpu_map_free(cpus);
	free(caps);
	free(path);
	return res;
}

static const char *const sev[] = { "FAIL", "WARN", "INFO", "NOT EXAMINED" };

/* "host1 -> host3: REASON" per pair reason, "host3 FAIL check: REASON"
 * per finding of the SSH side, "host3 not examined" per such pair. */
static char *digest(const struct mr_verify_result *res)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < res->n; i++) {
		for (size_t k = 0; k < res->hosts[i].n_findings; k++) {
			const struct mr_verify_finding *f = &res->hosts[i].findings[k];
			for (size_t c = 0; c < mr_verify_n_ssh_checks; c++)
				if (!strcmp(f->check, mr_verify_ssh_checks[c]))
					mr_buf_printf(&b, "%s %s %s: %s\n", res->hosts[i].name,
					              sev[f->severity], f->check, f->reason);
		}
		for (size_t j = 0; j < res->n; j++) {
			const struct mr_verify_pair *p = &res->pairs[i * res->n + j];
			if (i != j && !p->examined)
				mr_buf_printf(&b, "%s -> %s not examined\n", res->hosts[i].name,
				              res->hosts[j].name);
			for (size_t k = 0; k < p->n_reasons; k++)
				mr_buf_printf(&b, "%s -> %s: %s\n", res->hosts[i].name,
				              res->hosts[j].name, p->reasons[k]);
		}
	}
	return mr_buf_steal(&b, NULL);
}

#define READY { NULL, NULL, "", 0, 0, NULL, NULL, 0 }

static const struct scase cases[] = {
	{ "ready hosts", { READY, READY, READY }, 0, { NULL }, { "->", " FAIL " } },
	{ "a firewall drops host3's ports",
	  { { "tcp.2.listener=timeout\ntcp.2.migration=unreachable\n", NULL, "", 0, 0, NULL, NULL, 0 },
	    READY, READY },
	  2,
	  { "host1 -> host3: libvirt's port 16509 on host3 not reachable: time-out: a firewall drops it",
	    "host1 -> host3: migration port 49152 on host3 not reachable: unreachable or prohibited",
	    "host3 FAIL pairwise TCP probes: libvirt's port 16509 here not reachable from host1 (time-out" },
	  { "host2 -> host3" } },
	{ "host3 resets libvirt's port and the migration range",
	  { { "tcp.2.listener=refused\ntcp.2.migration=refused\n", NULL, "", 0, 0, NULL, NULL, 0 },
	    READY, READY },
	  2,
	  { "host1 -> host3: libvirt's port 16509 on host3 not reachable: refused: nothing listens "
	    "there, or a firewall resets it",
	    "host1 NOT EXAMINED pairwise TCP probes: TCP to host3 port 49152 unknown: refused, as "
	    "libvirt's port was" },
	  { "migration port 49152 on host3 not reachable", "host2 -> host3" } },
	{ "both peers reset everything: one unknown finding naming both",
	  { { "tcp.1.listener=refused\ntcp.1.migration=refused\ntcp.2.listener=refused\n"
	      "tcp.2.migration=refused\n",
	      NULL, "", 0, 0, NULL, NULL, 0 },
	    READY, READY },
	  2,
	  { "host1 NOT EXAMINED pairwise TCP probes: TCP to host2, host3 port 49152 unknown: "
	    "refused, as libvirt's port was",
	    "host1 -> host2: libvirt's port 16509 on host2 not reachable" },
	  { "TCP to host2 port", "TCP to host3 port" } },
	/* its pairs as the source are not examined, never "can migrate"
	 * (found by a review: exit 0); its peers' probes to it did run */
	{ "no TCP tool on host2",
	  { READY, { "tcp.tool=none\n", NULL, "", 0, 0, NULL, NULL, 0 }, READY },
	  4,
	  { "host2 NOT EXAMINED pairwise TCP probes: TCP probes not run: no python3, bash, nc or timeout here",
	    "host2 -> host1 not examined", "host2 -> host3 not examined" },
	  { "host1 -> host2", "host3 -> host2" } },
	{ "host1 resolves host2 elsewhere",
	  { { "resolve.1.name=10.1.0.9\nresolve.2.name=none\n", NULL, "", 0, 0, NULL, NULL, 0 },
	    READY, READY },
	  2,
	  { "host1 -> host2: 'host2' resolves to 10.1.0.9 on host1, not 10.1.0.2",
	    "host1 -> host3: 'host3' resolves to nothing on host1, not 10.1.0.3",
	    "host1 FAIL name resolution: names resolve here 'host2' to 10.1.0.9 (the inventory: "
	    "10.1.0.2), 'host3' to nothing" },
	  { "host2 -> " } },
	{ "migration SSH refused, and not testable",
	  { { "ssh.2=fail Host key verification failed.\nssh.1=shell 1\n", NULL, "", 0, 0, NULL,
	      NULL, 0 },
	    { "ssh.as=unknown logged in as mrlab: only root can act as nova\n", NULL, "", 0, 0,
	      NULL, NULL, 0 },
	    READY },
	  6,
	  { "host1 -> host3: nova cannot log in by SSH: Host key verification failed.",
	    "host1 -> host2: nova cannot log in by SSH: logged in, but its login shell refused a "
	    "command (exit 1)",
	    "host2 NOT EXAMINED migration SSH: migration SSH not tested: logged in as mrlab: only "
	    "root can act as nova",
	    "host2 -> host3 not examined" },
	  { "host2 -> host1:", "host2 -> host3:" } },
	{ "host3 does not see host1's marker",
	  { READY, READY, { "marker.0=absent\n", NULL, "", 0, 0, NULL, NULL, 0 } },
	  2,
	  { "host1 -> host3: instances not shared: host1's marker not seen on host3",
	    "host1 FAIL shared-storage marker: a file written in /var/lib/nova/instances here is "
	    "not seen on host3; seen on host2" },
	  { "host2 -> " } },
	{ "not shared, and not asked to be",
	  { { NULL, NULL, "", 0, 1, NULL, NULL, 0 }, READY, { "marker.0=absent\n", NULL, "", 0, 0, NULL, NULL, 0 } },
	  0,
	  { "host1 INFO shared-storage marker: /var/lib/nova/instances here is shared with host2; "
	    "is not shared with host3" },
	  { "->" } },
	{ "no marker written on host2",
	  { READY, { NULL, NULL, "", 1, 0, NULL, NULL, 0 }, READY },
	  4,
	  { "host2 NOT EXAMINED shared-storage marker: no marker written: cannot write in",
	    "host2 -> host1 not examined", "host1 -> host2 not examined" },
	  { "host1 -> host3", "host3 -> host1" } },
	{ "no /dev/kvm on host2",
	  { READY, { "local.kvm=no\nlocal.vhost-net=no\nlocal.cgroup=v2 cpu memory\n", NULL, "", 0,
	             0, NULL, NULL, 0 },
	    READY },
	  2,
	  { "host1 -> host2: no /dev/kvm on host2", "host3 -> host2: no /dev/kvm on host2",
	    "host2 WARN local sanity: no /dev/vhost-net here",
	    "host2 WARN local sanity: cgroup v2 controllers missing here: cpuset, io, pids" },
	  { "host2 -> " } },
	{ "nova's uid differs on host3, qemu.conf unknown on host2",
	  { READY, { NULL, NULL, NULL, 0, 0, NULL, NULL, 0 },
	    { NULL, "user.nova=997:997:/var/lib/nova:/bin/sh\n", "", 0, 0, NULL, NULL, 0 } },
	  6,
	  { "host1 -> host3: nova's uid:gid '997:997', not '64060:64060'",
	    "host3 FAIL uniform ids and settings: nova's uid:gid '997:997' here, '64060:64060' on "
	    "host1, '64060:64060' on host2",
	    "host2 NOT EXAMINED uniform ids and settings: qemu.conf dynamic_ownership unknown here",
	    "host1 -> host2 not examined" },
	  { "host1 -> host2:" } },
	{ "dynamic_ownership set on one host only, and drifted",
	  { READY, READY, { NULL, NULL, "0", 0, 0, "qemu.dynamic_ownership '0' -> '1'", NULL, 0 } },
	  2,
	  { "host2 -> host3: qemu.conf dynamic_ownership '0', not '(not set)'",
	    "host3 -> host1: qemu.conf dynamic_ownership '(not set)', not '0'",
	    "host3 WARN drift from the profile: 1 setting drifted from the profile: "
	    "qemu.dynamic_ownership '0' -> '1'" },
	  { NULL } },
	{ "host3 unreachable over SSH",
	  { { "tcp.2.listener=timeout\n", NULL, "", 0, 0, NULL, NULL, 0 }, READY,
	    { NULL, NULL, NULL, 0, 0, NULL, "host3: cannot connect to '10.1.0.3' port 22", 0 } },
	  6,
	  { "host3 FAIL SSH connection: host3: cannot connect to '10.1.0.3' port 22",
	    "host3 NOT EXAMINED migration SSH: not examined: no SSH connection",
	    "host2 -> host3 not examined", "host1 -> host3: libvirt's port 16509 on host3" },
	  { "host1 -> host3 not examined", "host1 -> host2 not examined" } },
	{ "the probe failed on host2",
	  { READY, { NULL, NULL, "", 0, 0, NULL, NULL, 1 }, READY },
	  4,
	  { "host2 NOT EXAMINED name resolution: not examined: the probe failed: exit 127",
	    "host2 -> host1 not examined", "host1 -> host2 not examined" },
	  { "host1 -> host3 not examined" } },
};

static void test_join(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct scase *sc = &cases[c];
		struct mr_verify_result *res = libvirt_ok();
		struct mr_verify_ssh_host *hs = hosts_of(sc);
		mr_verify_ssh_join(res, hs, N);
		char *d = digest(res);
		for (size_t k = 0; k < 4 && sc->want[k]; k++)
			if (!strstr(d, sc->want[k]))
				fail_msg("%s: no '%s' in\n%s", sc->title, sc->want[k], d);
		for (size_t k = 0; k < 2 && sc->not_want[k]; k++)
			if (strstr(d, sc->not_want[k]))
				fail_msg("%s: '%s' in\n%s", sc->title, sc->not_want[k], d);
		if (mr_verify_exit_status(res) != sc->status)
			fail_msg("%s: exit %d, not %d\n%s", sc->title, mr_verify_exit_status(res),
			         sc->status, d);
		/* every SSH-side check ran: none is left "not examined" in bulk */
		assert_int_equal(res->hosts[0].n_unexamined, 0);
		free(d);
		mr_verify_ssh_hosts_free(hs, N);
		mr_verify_result_free(res);
	}
}

/* Where host3's peers migrate to is not known (live_migration_inbound_addr
 * = $my_ip, or nova.conf not read): the TCP tests into it knocked at the
 * inventory's address, so the pairs into it are not examined; set, it is
 * what they test (found by a review: a firewall on the migration network
 * was never probed). */
static void test_inbound_unknown(void **state)
{
	(void)state;
	struct mr_verify_result *res = libvirt_ok();
	struct mr_verify_ssh_host *hs = hosts_of(&cases[0]);
	hs[2].inbound = mr_xstrdup("");
	mr_verify_ssh_join(res, hs, N);
	char *d = digest(res);
	if (!strstr(d, "host1 -> host3 not examined") || !strstr(d, "host2 -> host3 not examined") ||
	    strstr(d, "host3 -> host1") || !strstr(d, "host3 NOT EXAMINED pairwise TCP probes: "
	                                             "live_migration_inbound_addr here not known"))
		fail_msg("%s", d);
	assert_int_equal(mr_verify_exit_status(res), 4);
	free(d);
	mr_verify_ssh_hosts_free(hs, N);
	mr_verify_result_free(res);
}

/* A device the probe did not answer for on host2: /dev/kvm, which would
 * fail the pairs into it, leaves them not examined; /dev/vhost-net, only
 * ever a warning, none (found by a review: every pair '?'). */
static void test_local_no_answer(void **state)
{
	(void)state;
	static const struct {
		const char *line, *dev;
		int status;
	} gone[] = {
		{ "local.vhost-net=yes\n", "/dev/vhost-net", 0 },
		{ "local.kvm=yes\n", "/dev/kvm", 4 },
	};
	for (size_t c = 0; c < MR_ARRAY_LEN(gone); c++) {
		struct mr_verify_result *res = libvirt_ok();
		struct mr_verify_ssh_host *hs = hosts_of(&cases[0]);
		char *p = good_probe(1, NULL), *at = strstr(p, gone[c].line);
		assert_non_null(at);
		memmove(at, at + strlen(gone[c].line), strlen(at + strlen(gone[c].line)) + 1);
		mr_facts_free(hs[1].probe);
		hs[1].probe = parse("host2", p);
		free(p);
		mr_verify_ssh_join(res, hs, N);
		char *d = digest(res);
		char *want = mr_xasprintf("host2 NOT EXAMINED local sanity: %s: no answer", gone[c].dev);
		if (!strstr(d, want) || mr_verify_exit_status(res) != gone[c].status ||
		    (gone[c].status == 4) != (strstr(d, "host1 -> host2 not examined") != NULL) ||
		    strstr(d, "host2 -> host1"))
			fail_msg("%s: exit %d\n%s", gone[c].dev, mr_verify_exit_status(res), d);
		free(want);
		free(d);
		mr_verify_ssh_hosts_free(hs, N);
		mr_verify_result_free(res);
	}
}

/* KVM's nested virtualization off on host2, on on the others: the guests
 * of host1 and host3, given the host's CPU, see vmx and cannot move to
 * host2; the other way round they can. Not so with a custom CPU model;
 * and a host whose probe does not tell leaves the pairs not examined. */
static void test_nested(void **state)
{
	(void)state;
	static const struct {
		const char *title, *host2, *mode;
		int status;
		const char *want, *not_want;
	} nc[] = {
		{ "off on host2", "off kvm_intel", NULL, 2,
		  "host1 -> host2: nested virtualization off on host2: guests started on host1 see "
		  "vmx",
		  "host2 -> host1:" },
		{ "... the finding", "off kvm_intel", "host-passthrough", 2,
		  "host2 FAIL local sanity: nested virtualization off here (kvm_intel), on on host1, "
		  "host3: guests started there with the host's CPU see vmx and cannot move here",
		  NULL },
		{ "no such module on host2", "none", "host-model", 2,
		  "host3 -> host2: nested virtualization not available on host2", NULL },
		{ "a custom CPU model has no vmx", "off kvm_intel", "custom", 0, NULL, "nested" },
		{ "on everywhere", "on kvm_intel", NULL, 0, NULL, "nested" },
		{ "not told by host2", "", NULL, 4,
		  "host2 NOT EXAMINED local sanity: nested virtualization on kvm_intel on host1, not "
		  "told here: host1 -> host2",
		  "host2 -> host1 not examined" },
	};
	for (size_t c = 0; c < MR_ARRAY_LEN(nc); c++) {
		struct mr_verify_result *res = libvirt_ok();
		struct mr_verify_ssh_host *hs = hosts_of(&cases[0]);
		char *extra = *nc[c].host2 ? mr_xasprintf("local.nested=%s\n", nc[c].host2)
		                           : mr_xstrdup("local.nested=\n");
		char *p = good_probe(1, extra);
		if (!*nc[c].host2) { /* the line left out */
			char *at = strstr(p, "local.nested=\n");
			memmove(at, at + 14, strlen(at + 14) + 1);
		}
		mr_facts_free(hs[1].probe);
		hs[1].probe = parse("host2", p);
		for (size_t i = 0; i < N; i++)
			hs[i].cpu_mode = nc[c].mode ? mr_xstrdup(nc[c].mode) : NULL;
		mr_verify_ssh_join(res, hs, N);
		char *d = digest(res);
		if (mr_verify_exit_status(res) != nc[c].status || (nc[c].want && !strstr(d, nc[c].want)) ||
		    (nc[c].not_want && strstr(d, nc[c].not_want)))
			fail_msg("%s: exit %d\n%s", nc[c].title, mr_verify_exit_status(res), d);
		free(d);
		free(p);
		free(extra);
		mr_verify_ssh_hosts_free(hs, N);
		mr_verify_result_free(res);
	}
}

/* The analysis judges the CPU configuration nova reads on each host now,
 * where that is known; the profile's elsewhere. */
static void test_cpu_config(void **state)
{
	(void)state;
	struct mr_verify_ssh_host hs[3] = { { .cpu_from_host = 1 }, { .cpu_from_host = 1 },
		                                { .cpu_from_host = 0 } };
	hs[0].cpu_mode = mr_xstrdup("custom");
	hs[0].cpu_models = mr_xstrdup(" Haswell-noTSX ,Broadwell-IBRS,, ");
	hs[2].cpu_mode = mr_xstrdup("host-passthrough"); /* not read there: left */
	struct mr_verify_input in = { .n = 3 };
	in.hosts = mr_xcalloc(3, sizeof(*in.hosts));
	for (size_t i = 0; i < 3; i++) {
		in.hosts[i].cpu_mode = mr_xstrdup(i == 1 ? "custom" : "host-model");
		in.hosts[i].cpu_models = mr_strv_of("Nehalem", NULL);
		in.hosts[i].domcaps_error = mr_xstrdup("not asked: no host's cpu_mode is custom");
	}
	mr_verify_ssh_cpu_config(hs, 3, &in);
	/* nova.conf's custom and its list, the profile's host-model gone;
	 * its models not asked of libvirt: said why */
	assert_string_equal(in.hosts[0].cpu_mode, "custom");
	assert_int_equal(mr_strv_len((const char *const *)in.hosts[0].cpu_models), 2);
	assert_string_equal(in.hosts[0].cpu_models[0], "Haswell-noTSX");
	assert_string_equal(in.hosts[0].cpu_models[1], "Broadwell-IBRS");
	for (size_t i = 0; i < 3; i++)
		assert_non_null(strstr(in.hosts[i].domcaps_error, "some nova.conf sets cpu_mode = custom"));
	/* nova.conf sets nothing: nova's default, whatever the profile says */
	assert_null(in.hosts[1].cpu_mode);
	assert_null(in.hosts[1].cpu_models);
	/* not read: the profile's as gathered */
	assert_string_equal(in.hosts[2].cpu_mode, "host-model");
	assert_string_equal(in.hosts[2].cpu_models[0], "Nehalem");
	mr_verify_input_fini(&in);
	for (size_t i = 0; i < 3; i++) {
		free(hs[i].cpu_mode);
		free(hs[i].cpu_models);
	}
}

/* A ready cluster: every SSH-side check passes on every host. */
static void test_status(void **state)
{
	(void)state;
	struct mr_verify_result *res = libvirt_ok();
	struct mr_verify_ssh_host *hs = hosts_of(&cases[0]);
	mr_verify_ssh_join(res, hs, N);
	for (size_t i = 0; i < N; i++)
		for (size_t c = 0; c < mr_verify_n_ssh_checks; c++)
			if (mr_verify_check_status(res, i, mr_verify_ssh_checks[c]) != MR_VERIFY_PASS)
				fail_msg("host%zu: %s not PASS", i + 1, mr_verify_ssh_checks[c]);
	mr_verify_ssh_hosts_free(hs, N);
	mr_verify_result_free(res);
	/* unjoined, they are not examined: never a pass */
	res = libvirt_ok();
	assert_int_equal(mr_verify_check_status(res, 0, "migration SSH"), MR_VERIFY_NOT_EXAMINED);
	mr_verify_result_free(res);
}

/* libvirt could not examine host3, the SSH side found host1 -> host3
 * blocked: that pair fails; the others with host3 stay not examined. */
static void test_certain_failure(void **state)
{
	(void)state;
	struct mr_verify_input in = { 0 };
	in.n = N;
	in.hosts = mr_xcalloc(N, sizeof(*in.hosts));
	for (size_t i = 0; i < N; i++) {
		in.hosts[i].name = mr_xasprintf("host%zu", i + 1);
		in.hosts[i].uri = mr_xstrdup("qemu+tcp://10.1.0.9/system");
		in.hosts[i].error = mr_xstrdup("cannot reach 10.1.0.9 port 16509");
	}
	struct mr_verify_result *res = mr_verify_analyze(&in);
	mr_verify_input_fini(&in);
	struct scase c = { "blocked", { { "tcp.2.listener=timeout\n", NULL, "", 0, 0, NULL, NULL, 0 },
	                                READY, READY },
	                   6, { NULL }, { NULL } };
	struct mr_verify_ssh_host *hs = hosts_of(&c);
	mr_verify_ssh_join(res, hs, N);
	assert_true(res->pairs[0 * N + 2].examined);
	assert_false(mr_verify_pair_ok(res, 0, 2));
	assert_false(res->pairs[1 * N + 2].examined);
	assert_int_equal(mr_verify_exit_status(res), 6);
	mr_verify_ssh_hosts_free(hs, N);
	mr_verify_result_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_verdict),
		cmocka_unit_test(test_addr_match),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_inbound_unknown),
		cmocka_unit_test(test_local_no_answer),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_cpu_config),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_certain_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
