/* verify's analysis on capabilities and domain capabilities fixtures of
 * Intel and AMD generations (tests/data/verify): each check once passing
 * and once failing, then the XML readers and CPU sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#include "nova.h"
#include "verify_analysis.h"

#define DIR MR_TEST_DATA "/verify"
/* libvirt 9.0's cpu_map files for the models of the fixtures */
#define CPU_MAP MR_TEST_DATA "/cpu_map/verify"
static struct mr_cpu_map *cpu_map;
#define LV9 9000000ULL
#define QEMU72 7002000ULL

static char *fixture(const char *name)
{
	if (!name)
		return NULL;
	char *path = mr_xasprintf("%s/%s", DIR, name);
	char *s = mr_file_read(path, NULL);
	if (!s)
		fail_msg("cannot read %s", path);
	free(path);
	return s;
}

/* One host of a case. doms: "name uuid r|p [cpuset]" separated by ';'. */
struct hspec {
	const char *name, *caps, *domcaps;
	unsigned long long lv, hv; /* 0: 9.0.0 and QEMU 7.2.0 */
	const char *mode;          /* NULL: host-model */
	const char *models;        /* comma-separated */
	const char *doms;
	const char *dom_cpu;     /* the <cpu> of each of doms' live XML, or NULL */
	const char *dom_machine; /* their machine type, or NULL */
	const char *error;   /* could not be examined */
};

struct vcase {
	const char *title;
	struct hspec h[6];
	int status;
	const char *want[10]; /* lines of the digest */
	const char *not_want[3];
	int no_cpu_map; /* as when libvirt's map could not be read */
};

static void add_domains(struct mr_verify_host *h, const char *spec, const char *cpu,
			const char *machine)
{
	char *copy = mr_xstrdup(spec), *save = NULL;
	for (char *d = strtok_r(copy, ";", &save); d; d = strtok_r(NULL, ";", &save)) {
		char name[64], uuid[64], st[4], cpuset[64] = "";
		int n = sscanf(d, " %63s %63s %3s %63s", name, uuid, st, cpuset);
		assert_true(n >= 3);
		h->domains = mr_xreallocarray(h->domains, h->n_domains + 1, sizeof(*h->domains));
		struct mr_verify_domain *dom = &h->domains[h->n_domains++];
		dom->name = mr_xstrdup(name);
		dom->uuid = mr_xstrdup(uuid);
		dom->state = st[0] == 'p' ? MR_VERIFY_DOM_PAUSED : MR_VERIFY_DOM_RUNNING;
		char *os = machine ? mr_xasprintf("<os><type arch='x86_64' machine='%s'>hvm</type>"
						  "</os>",
						  machine)
				   : mr_xstrdup("");
		dom->xml = mr_xasprintf("<domain type='kvm'><name>%s</name><uuid>%s</uuid>"
					"<vcpu placement='static'>2</vcpu>%s%s%s%s%s</domain>",
					name, uuid, os, cpu ? cpu : "",
					*cpuset ? "<cputune><vcpupin vcpu='0' cpuset='" : "",
					cpuset, *cpuset ? "'/></cputune>" : "");
		free(os);
	}
	free(copy);
}

static void build(const struct vcase *c, struct mr_verify_input *in)
{
	memset(in, 0, sizeof(*in));
	while (in->n < MR_ARRAY_LEN(c->h) && c->h[in->n].name)
		in->n++;
	in->hosts = mr_xcalloc(in->n, sizeof(*in->hosts));
	in->cpus = c->no_cpu_map ? NULL : cpu_map;
	for (size_t i = 0; i < in->n; i++) {
		const struct hspec *s = &c->h[i];
		struct mr_verify_host *h = &in->hosts[i];
		h->name = mr_xstrdup(s->name);
		h->uri = mr_xasprintf("qemu+tcp://%s/system", s->name);
		if (s->error) {
			h->error = mr_xstrdup(s->error);
			continue;
		}
		h->caps_xml = fixture(s->caps);
		h->domcaps_xml = fixture(s->domcaps);
		if (!s->domcaps)
			h->domcaps_error = mr_xstrdup("not supported by the driver");
		h->libvirt_version = s->lv ? s->lv : LV9;
		h->hv_version = s->hv ? s->hv : QEMU72;
		h->hv_type = mr_xstrdup("QEMU");
		h->cpu_mode = s->mode ? mr_xstrdup(s->mode) : NULL;
		if (s->models) {
			char *copy = mr_xstrdup(s->models), *save = NULL;
			size_t n = 0;
			for (char *m = strtok_r(copy, ",", &save); m;
			     m = strtok_r(NULL, ",", &save)) {
				h->cpu_models =
					mr_xreallocarray(h->cpu_models, n + 2, sizeof(char *));
				h->cpu_models[n++] = mr_xstrdup(m);
				h->cpu_models[n] = NULL;
			}
			free(copy);
		}
		if (s->doms)
			add_domains(h, s->doms, s->dom_cpu, s->dom_machine);
	}
}

static const char *const sev_name[] = { "FAIL", "WARN", "INFO", "UNEXAMINED" };

/* Every pair ("a->b: ok", "a->b: REASON", "a->b: ?") and every finding
 * ("a: FAIL check: reason"), one per line. */
static char *digest(const struct mr_verify_result *res)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < res->n; i++) {
		for (size_t j = 0; j < res->n; j++) {
			const struct mr_verify_pair *p = &res->pairs[i * res->n + j];
			if (i == j)
				continue;
			if (!p->examined)
				mr_buf_printf(&b, "%s->%s: ?\n", res->hosts[i].name,
					      res->hosts[j].name);
			else if (!p->n_reasons)
				mr_buf_printf(&b, "%s->%s: ok\n", res->hosts[i].name,
					      res->hosts[j].name);
			for (size_t k = 0; k < p->n_reasons; k++)
				mr_buf_printf(&b, "%s->%s: %s\n", res->hosts[i].name,
					      res->hosts[j].name, p->reasons[k]);
			for (size_t k = 0; k < p->n_warnings; k++)
				mr_buf_printf(&b, "%s->%s: warning: %s\n", res->hosts[i].name,
					      res->hosts[j].name, p->warnings[k]);
		}
	}
	for (size_t i = 0; i < res->n; i++)
		for (size_t k = 0; k < res->hosts[i].n_findings; k++) {
			const struct mr_verify_finding *f = &res->hosts[i].findings[k];
			mr_buf_printf(&b, "%s: %s %s: %s\n", res->hosts[i].name,
				      sev_name[f->severity], f->check, f->reason);
		}
	return mr_buf_steal(&b, NULL);
}

/* a host-model guest started on a Skylake-SP host, as libvirt writes its
 * live XML */
#define SKYLAKE_GUEST_CPU                                                                        \
	"<cpu mode='custom' match='exact' check='full'><model "                                   \
	"fallback='forbid'>Skylake-Server-IBRS</model><vendor>Intel</vendor><feature "            \
	"policy='require' name='ss'/><feature policy='require' name='hypervisor'/><feature "      \
	"policy='require' name='pku'/><feature policy='disable' name='mpx'/></cpu>"

static const struct vcase cases[] = {
	{ .title = "host-model, the same CPU: every pair ok",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "b", .caps = "haswell-b.caps.xml", .domcaps = "haswell.domcaps.xml" } },
	  .status = 0,
	  .want = { "a->b: ok", "b->a: ok" },
	  .not_want = { "a: FAIL", "b: FAIL" } },
	/* invtsc is not migratable: no host-model guest has it */
	{ .title = "host-model, a destination without two of the source's features",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml" },
		 { .name = "n", .caps = "haswell-noinvtsc.caps.xml" } },
	  .status = 2,
	  .want = { "a->n: CPU lacks 'pdpe1gb'", "n->a: ok",
		    "a: FAIL cpu: cpu_mode host-model: guests started here cannot move to n" },
	  .not_want = { "invtsc" } },
	{ .title = "host-model, Intel to AMD",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "r", .caps = "rome.caps.xml", .domcaps = "rome.domcaps.xml" } },
	  .status = 2,
	  .want = { "a->r: CPU vendor 'AMD', not 'Intel'",
		    "r->a: CPU vendor 'Intel', not 'AMD'" } },
	{ .title = "host-passthrough, Haswell and Skylake",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "host-passthrough" },
		 { .name = "s",
		   .caps = "skylake.caps.xml",
		   .domcaps = "skylake.domcaps.xml",
		   .mode = "host-passthrough" } },
	  .status = 2,
	  .want = { "a->s: CPU 'Skylake-Server-IBRS', not 'Haswell-noTSX' (host-passthrough)",
		    "s->a: CPU 'Haswell-noTSX', not 'Skylake-Server-IBRS' (host-passthrough)" } },
	{ .title = "custom Haswell-noTSX, usable on Haswell and Skylake",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX" },
		 { .name = "s",
		   .caps = "skylake.caps.xml",
		   .domcaps = "skylake.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX" } },
	  .status = 0,
	  .want = { "a->s: ok", "s->a: ok" },
	  .not_want = { "FAIL cpu" } },
	{ .title = "custom Skylake-Server-IBRS, blocked on Haswell",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "custom",
		   .models = "Skylake-Server-IBRS" },
		 { .name = "s",
		   .caps = "skylake.caps.xml",
		   .domcaps = "skylake.domcaps.xml",
		   .mode = "custom",
		   .models = "Skylake-Server-IBRS" } },
	  .status = 2,
	  .want = { "s->a: CPU model 'Skylake-Server-IBRS' not usable", "a->s: ok",
		    "a: FAIL cpu: cpu_model 'Skylake-Server-IBRS' not usable on a (blockers: "
		    "3dnowprefetch, adx, avx512bw" } },
	{ .title = "custom on AMD and Intel: kvm64 runs on both, Haswell-noTSX does not",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX" },
		 { .name = "r",
		   .caps = "rome.caps.xml",
		   .domcaps = "rome.domcaps.xml",
		   .mode = "custom",
		   .models = "kvm64" } },
	  .status = 2,
	  .want = { "a->r: CPU model 'Haswell-noTSX' not usable", "r->a: ok" } },
	{ .title = "custom without domain capabilities: not examined, never passed",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX" } },
	  .status = 4,
	  .want = { "a: UNEXAMINED cpu: cpu_model 'Haswell-noTSX': usability unknown on a (no "
		    "domain capabilities: not supported by the driver), b (no domain capabilities: "
		    "not supported by the driver)",
		    "a->b: ?" },
	  .not_want = { "FAIL" } },
	{ .title = "security driver apparmor and none",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "n",
		   .caps = "haswell-none.caps.xml",
		   .domcaps = "haswell.domcaps.xml" } },
	  .status = 2,
	  .want = { "a->n: security driver 'none', not 'apparmor'",
		    "n->a: security driver 'apparmor', not 'none'",
		    "n: FAIL secmodel: security driver 'none' here, 'apparmor' on a" } },
	{ .title = "qemu's uid and gid differ (Debian 12 and 13)",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "d",
		   .caps = "haswell-dac993.caps.xml",
		   .domcaps = "haswell.domcaps.xml" } },
	  .status = 2,
	  .want = { "a->d: qemu runs as '+993:+993', not '+64055:+64055'" },
	  { "security driver" } },
	{ .title = "selinux AMD against apparmor AMD",
	  .h = { { .name = "r", .caps = "rome.caps.xml", .domcaps = "rome.domcaps.xml" },
		 { .name = "m", .caps = "milan-selinux.caps.xml" } },
	  .status = 2,
	  .want = { "r->m: security driver 'selinux', not 'apparmor'",
		    "m->r: CPU lacks 'erms', 'fsrm', 'invpcid'" } },
	{ .title = "cloned host UUID",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "c",
		   .caps = "haswell-clone.caps.xml",
		   .domcaps = "haswell.domcaps.xml" },
		 { .name = "b", .caps = "haswell-b.caps.xml", .domcaps = "haswell.domcaps.xml" } },
	  .status = 2,
	  .want = { "a->c: same host UUID", "c->a: same host UUID", "a->b: ok", "b->c: ok",
		    "a: FAIL host-uuid: host UUID 4c4c4544-0031-3510-8036-b3c04f333032 also on c "
		    "(cloned SMBIOS UUID): libvirt refuses with 'Attempt to migrate guest to the "
		    "same host'" } },
	{ .title = "host UUID unknown",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "u", .caps = "nouuid.caps.xml", .domcaps = "haswell.domcaps.xml" } },
	  .status = 4,
	  .want = { "u: UNEXAMINED host-uuid: host UUID unknown", "a->u: ?", "u->a: ?" } },
	{ .title = "older libvirt and QEMU on the destination",
	  .h = { { .name = "new",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .lv = 10000000,
		   .hv = 8002000 },
		 { .name = "old",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .lv = 8000000,
		   .hv = 6002000 } },
	  .status = 2,
	  .want = { "new->old: libvirt 8.0.0, older than 10.0.0",
		    "new->old: QEMU 6.2.0, older than 8.2.0", "old->new: ok",
		    "old: FAIL versions: libvirt 8.0.0 here, 10.0.0 on new" } },
	{ .title = "equal versions",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .lv = 9000000,
		   .hv = 7002000 },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .lv = 9000000,
		   .hv = 7002000 } },
	  .status = 0,
	  .want = { "a->b: ok" },
	  .not_want = { "versions" } },
	{ .title = "one guest UUID running on two hosts",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "vm1 11111111-2222-3333-4444-555555555555 r" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "vm1 11111111-2222-3333-4444-555555555555 r;"
			   "vm2 aaaaaaaa-2222-3333-4444-555555555555 r" } },
	  .status = 2,
	  .want = { "a->b: guest 'vm1' active on both", "b->a: guest 'vm1' active on both",
		    "a: FAIL guests: guest 'vm1' (11111111-2222-3333-4444-555555555555) active here and "
		    "on b: a migration in progress, or one that half failed" } },
	{ .title = "one guest paused on both ends",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "vm1 11111111-2222-3333-4444-555555555555 p" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "vm1 11111111-2222-3333-4444-555555555555 p" } },
	  .status = 2,
	  .want = { "a->b: guest 'vm1' paused on both",
		    "b: FAIL guests: guest 'vm1' (11111111-2222-3333-4444-555555555555) paused here and "
		    "on a: a migration stopped half-way" } },
	{ .title = "different guests on each host",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "vm1 11111111-2222-3333-4444-555555555555 p" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "vm2 21111111-2222-3333-4444-555555555555 r" } },
	  .status = 0,
	  .want = { "a->b: ok", "b->a: ok" },
	  .not_want = { "guests" } },
	{ .title = "pinned guests overlapping on the destination",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "p1 31111111-2222-3333-4444-555555555555 r 2-3" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "p2 41111111-2222-3333-4444-555555555555 r 3-5;"
			   "free 51111111-2222-3333-4444-555555555555 r" } },
	  .status = 0, /* it migrates; the guests then share CPU 3 */
	  .want = { "a->b: warning: guest 'p1' pinned to CPUs 3 of guest 'p2'",
		    "b->a: warning: guest 'p2' pinned to CPUs 3 of guest 'p1'", "a->b: ok",
		    "a: WARN pinning: guest 'p1' pinned to CPUs 2-3 would share them with pinned "
		    "guests 'p2' on b (CPUs 3)" } },
	{ .title = "pinned guests overlapping on many hosts: three named",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .doms = "p1 31111111-2222-3333-4444-555555555555 r 0-1" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .doms = "p2 41111111-2222-3333-4444-555555555555 r 1" },
		 { .name = "c",
		   .caps = "haswell-dac993.caps.xml",
		   .doms = "p3 51111111-2222-3333-4444-555555555555 r 0" },
		 { .name = "d",
		   .caps = "haswell-none.caps.xml",
		   .doms = "p4 61111111-2222-3333-4444-555555555555 r 1" },
		 { .name = "e",
		   .caps = "haswell-noinvtsc.caps.xml",
		   .doms = "p5 71111111-2222-3333-4444-555555555555 r 0-7" } },
	  .status = 2,
	  .want = { "a: WARN pinning: guest 'p1' pinned to CPUs 0-1 would share them with pinned "
		    "guests 'p2' on b (CPUs 1), 'p3' on c (CPUs 0), 'p4' on d (CPUs 1) and guests on "
		    "1 more hosts" } },
	{ .title = "pinned guests on disjoint CPUs",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "p1 31111111-2222-3333-4444-555555555555 r 0-1" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "p2 41111111-2222-3333-4444-555555555555 r 2-3,^3" } },
	  .status = 0,
	  .want = { "a->b: ok", "b->a: ok" },
	  .not_want = { "pinning" } },
	{ .title = "one pinned guest on two hosts is not its own neighbour",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "p1 31111111-2222-3333-4444-555555555555 r 2-3" },
		 { .name = "b",
		   .caps = "haswell-b.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "p1 31111111-2222-3333-4444-555555555555 r 2-3" } },
	  .status = 2,
	  .want = { "a->b: guest 'p1' active on both" },
	  .not_want = { "pinning", "pinned to" } },
	{ .title = "capabilities that do not parse: the host is not examined, never passed",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml" },
		 { .name = "t", .caps = "truncated.caps.xml" } },
	  .status = 4,
	  .want = { "a->t: ?", "t->a: ?",
		    "t: FAIL capabilities: capabilities of qemu+tcp://t/system unreadable: "
		    "capabilities: line 5: Premature end of data" } },
	{ .title = "a host that could not be examined",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "down", .error = "down: qemu+tcp://down/system: cannot connect" } },
	  .status = 4,
	  .want = { "a->down: ?", "down->a: ?",
		    "down: FAIL libvirt: down: qemu+tcp://down/system" } },
	/* a host's own nova.conf may say anything: a mode nova does not
	 * know is no CPU check passed (the pairs not "ok") */
	{ .title = "a cpu_mode nova does not know",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .mode = "Host-Model" },
		 { .name = "b", .caps = "haswell-b.caps.xml" } },
	  .status = 4,
	  .want = { "a: UNEXAMINED cpu: cpu_mode 'Host-Model' is none of nova's: CPU "
		    "compatibility not examined",
		    "a->b: ?", "b->a: ?" } },
	{ .title = "cpu_mode none: QEMU's default CPU goes anywhere",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .mode = "none" },
		 { .name = "s", .caps = "skylake.caps.xml", .mode = "none" } },
	  .status = 0,
	  .want = { "a->s: ok", "s->a: ok" } },
	{ .title = "a host CPU libvirt did not name",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "x", .caps = "nomodel.caps.xml", .domcaps = "haswell.domcaps.xml" } },
	  /* never "can migrate" (found by a review: both ok, exit 0) */
	  .status = 4,
	  .want = { "a: UNEXAMINED cpu: cpu_mode host-model: CPU model or vendor unknown on x",
		    "x: UNEXAMINED cpu: cpu_mode host-model: CPU model or vendor unknown here",
		    "a->x: ?", "x->a: ?" } },
	/* host-model across generations, by the features of the host-model
	 * CPU (libvirt's map): older to newer migrates, newer to older not */
	{ .title = "host-model, Haswell to Skylake-Server (capabilities)",
	  .h = { { .name = "h", .caps = "xeon-e5-2650v3.caps.xml" },
		 { .name = "s", .caps = "xeon-gold-6148.caps.xml" } },
	  .status = 2,
	  .want = { "h->s: ok", "s->h: CPU lacks '3dnowprefetch', 'adx', 'avx512bw' (+14 more)",
		    "s: FAIL cpu: cpu_mode host-model: guests started here cannot move to h" },
	  .not_want = { "h: FAIL", "h->s: CPU" } },
	{ .title = "host-model, Haswell to Skylake-Server (domain capabilities)",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "s", .caps = "skylake.caps.xml", .domcaps = "skylake.domcaps.xml" } },
	  .status = 2,
	  .want = { "a->s: ok", "s->a: CPU lacks '3dnowprefetch', 'adx', 'avx512bw' (+15 more)" },
	  .not_want = { "a: FAIL", "a->s: CPU" } },
	/* capabilities list the physical CPU: acpi, ht, monitor, est... no
	 * guest has, so a nested destination need not; the nested host's
	 * hypervisor flag every guest has, so a bare-metal one need not */
	{ .title = "host-model by capabilities, to a nested host without bare-metal flags",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml" },
		 { .name = "n", .caps = "haswell-nested.caps.xml" } },
	  .status = 0,
	  .want = { "a->n: ok", "n->a: ok" },
	  .not_want = { "FAIL", "lacks" } },
	{ .title = "host-model by capabilities, to a nested host also without avx2",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml" },
		 { .name = "n", .caps = "haswell-nested-noavx2.caps.xml" } },
	  .status = 2,
	  .want = { "a->n: CPU lacks 'avx2'\n",
		    "a: FAIL cpu: cpu_mode host-model: guests started here cannot move to n" } },
	/* KVM gives ds and dtes64 only with PEBS virtualised (Granite Rapids'
	 * host-model has them, no Haswell guest): capabilities cannot tell */
	{ .title = "host-model by capabilities, to a nested host without ds",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml" },
		 { .name = "n", .caps = "haswell-nested-nods.caps.xml" } },
	  .status = 4,
	  .want = { "a->n: ?", "n->a: ok",
		    "a: UNEXAMINED cpu: cpu_mode host-model: n: CPU lacks 'ds', 'dtes64' by its "
		    "capabilities, which KVM gives a guest only where it virtualises them (PEBS, "
		    "Intel PT): CPU compatibility not examined" },
	  .not_want = { "FAIL" } },
	{ .title = "host-model, invtsc (not migratable) on one host only",
	  .h = { { .name = "h", .caps = "xeon-e5-2650v3.caps.xml" },
		 { .name = "n", .caps = "xeon-e5-2650v3-noinvtsc.caps.xml" } },
	  .status = 0,
	  .want = { "h->n: ok", "n->h: ok" },
	  .not_want = { "FAIL", "invtsc" } },
	{ .title = "host-model, a CPU model libvirt's map does not know",
	  .h = { { .name = "h", .caps = "xeon-e5-2650v3.caps.xml" },
		 { .name = "b", .caps = "xeon-e5-2650v4.caps.xml" },
		 { .name = "s", .caps = "xeon-gold-6148.caps.xml" } },
	  .status = 6,
	  .want = { "h->b: ?", "b->h: ?", "b->s: ?", "h->s: ok",
		    "b: UNEXAMINED cpu: cpu_mode host-model: CPU model 'Broadwell' not in "
		    "libvirt's CPU map: CPU compatibility with h, s not examined",
		    "h: UNEXAMINED cpu: cpu_mode host-model: CPU model not in libvirt's CPU map "
		    "on b ('Broadwell'): CPU compatibility not examined" },
	  .not_want = { "b: FAIL cpu", "h: FAIL cpu", "b->h: CPU" } },
	/* Cooperlake is not in the tests' map: its domain capabilities call
	 * Haswell-noTSX-IBRS usable, but which of the extra features it has
	 * beyond its model's is not known */
	{ .title = "host-model, a usable model on a CPU the map does not know",
	  .h = { { .name = "a", .caps = "haswell-a.caps.xml", .domcaps = "haswell.domcaps.xml" },
		 { .name = "c", .caps = "cooperlake.caps.xml", .domcaps = "cooperlake.domcaps.xml" } },
	  .status = 4,
	  .want = { "a->c: ?", "c->a: ?",
		    "c: UNEXAMINED cpu: cpu_mode host-model: CPU model 'Cooperlake' not in "
		    "libvirt's CPU map: CPU compatibility with a not examined" },
	  .not_want = { "FAIL" } },
	/* running guests keep the CPU they started with: judged apart from
	 * the CPU cpu_mode gives new guests now */
	{ .title = "a running guest keeps a CPU the destination lacks",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS" },
		 { .name = "s",
		   .caps = "skylake.caps.xml",
		   .domcaps = "skylake.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS",
		   .doms = "g1 51111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = SKYLAKE_GUEST_CPU } },
	  .status = 2,
	  .want = { "a->s: ok", "s->a: guest 'g1': CPU lacks '",
		    "s: FAIL cpu: guest 'g1' runs with the CPU it started with "
		    "(Skylake-Server-IBRS), which a cannot give it: CPU lacks '" } },
	{ .title = "a running guest with the cluster's CPU moves",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS" },
		 { .name = "s",
		   .caps = "skylake.caps.xml",
		   .domcaps = "skylake.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS",
		   .doms = "g2 61111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='custom' match='exact' check='full'><model "
			      "fallback='forbid'>Haswell-noTSX-IBRS</model><vendor>Intel</vendor>"
			      "<feature policy='require' name='hypervisor'/><feature "
			      "policy='disable' name='pcid'/></cpu>" } },
	  .status = 0,
	  .want = { "a->s: ok", "s->a: ok" },
	  .not_want = { "guest", "FAIL" } },
	{ .title = "a running guest whose CPU model the map does not know",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS" },
		 { .name = "s",
		   .caps = "skylake.caps.xml",
		   .domcaps = "skylake.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS",
		   .doms = "g3 71111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='custom' match='exact'><model>Icelake-Server</model></cpu>" } },
	  .status = 4,
	  .want = { "s->a: ?", "a->s: ok",
		    "s: UNEXAMINED cpu: guest 'g3' (CPU Icelake-Server): its CPU model not in "
		    "libvirt's CPU map: its move to a not examined" },
	  .not_want = { "FAIL" } },
	/* by capabilities only: what KVM makes up (hypervisor, amd-ssbd) is
	 * no host's hardware, so not held against a destination */
	{ .title = "a running guest by capabilities, features KVM makes up",
	  .h = { { .name = "h",
		   .caps = "xeon-e5-2650v3.caps.xml",
		   .doms = "g4 81111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='custom' match='exact' check='full'><model "
			      "fallback='forbid'>Haswell-noTSX</model><feature "
			      "policy='require' name='hypervisor'/><feature policy='require' "
			      "name='amd-ssbd'/></cpu>" },
		 { .name = "s", .caps = "xeon-gold-6148.caps.xml" } },
	  .status = 2,
	  .want = { "h->s: ok" },
	  .not_want = { "guest 'g4'", "h: FAIL", "h: UNEXAMINED" } },
	/* the host-level check failed the pair already: no second reason */
	{ .title = "a running guest on a pair already failed",
	  .h = { { .name = "h", .caps = "xeon-e5-2650v3.caps.xml" },
		 { .name = "s",
		   .caps = "xeon-gold-6148.caps.xml",
		   .doms = "g5 91111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = SKYLAKE_GUEST_CPU } },
	  .status = 2,
	  .want = { "s->h: CPU lacks" },
	  .not_want = { "guest 'g5'" } },
	/* QEMU leaves invtsc (not migratable) out of a host-passthrough CPU
	 * unless it is migratable='off', and then refuses to migrate it
	 * without a TSC frequency; with one, the destination needs invtsc */
	{ .title = "a host-passthrough guest on a host-model host",
	  .h = { { .name = "h",
		   .caps = "xeon-e5-2650v3.caps.xml",
		   .doms = "g6 a1111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-passthrough' check='none' migratable='off'/>"
			      "<clock offset='utc'><timer name='tsc' frequency='2300000000'/>"
			      "</clock>" },
		 { .name = "n", .caps = "xeon-e5-2650v3-noinvtsc.caps.xml" },
		 { .name = "s", .caps = "xeon-gold-6148.caps.xml" } },
	  .status = 2,
	  .want = { "h->n: guest 'g6': CPU lacks 'invtsc'",
		    "h: FAIL cpu: guest 'g6' runs with the CPU it started with "
		    "(host-passthrough), which n, s cannot give it: CPU lacks 'invtsc'",
		    "h->s: guest 'g6': CPU 'Skylake-Server', not 'Haswell-noTSX' (host-passthrough)",
		    "n->h: ok" } },
	{ .title = "a host-passthrough guest with invtsc and no TSC frequency",
	  .h = { { .name = "h",
		   .caps = "haswell-a.caps.xml",
		   .doms = "g9 a9111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-passthrough' check='none' migratable='off'/>" },
		 { .name = "t", .caps = "haswell-b.caps.xml" } },
	  .status = 2,
	  .want = { "h->t: guest 'g9': host-passthrough with migratable='off' keeps invtsc, which "
		    "QEMU does not migrate without a TSC frequency",
		    "t->h: ok" } },
	/* the destination's libvirt starts a guest with a TSC frequency only
	 * within 250 ppm of its own, or with TSC scaling */
	{ .title = "a guest with a TSC frequency, hosts at others",
	  .h = { { .name = "h",
		   .caps = "haswell-a.caps.xml",
		   .doms = "g1 a2111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-passthrough' check='none' migratable='on'/>"
			      "<clock offset='utc'><timer name='tsc' frequency='2300000000'/>"
			      "</clock>" },
		 { .name = "near", .caps = "haswell-b-tsc-near.caps.xml" },
		 { .name = "far", .caps = "haswell-b-tsc-far.caps.xml" },
		 { .name = "scales", .caps = "haswell-b-tsc-scaling.caps.xml" },
		 { .name = "unsaid", .caps = "haswell-b-tsc-unsaid.caps.xml" },
		 { .name = "t", .caps = "haswell-b.caps.xml" } },
	  .status = 6,
	  .want = { "h->near: ok", "h->scales: ok",
		    "h->far: guest 'g1': TSC frequency 2600000000 Hz, not within 250 ppm of the "
		    "guest's 2300000000 Hz, and no TSC scaling",
		    "h->unsaid: ?", "h->t: ?",
		    "h: FAIL cpu: guest 'g1' runs at a TSC frequency of 2300000000 Hz, which far "
		    "(2600000000 Hz, no TSC scaling) neither run at (within 250 ppm) nor can scale to",
		    "h: UNEXAMINED cpu: guest 'g1' (TSC frequency 2300000000 Hz): whether unsaid "
		    "(2600000000 Hz, TSC scaling not said), t (no TSC frequency in its capabilities) "
		    "can run it is not known: its moves there not examined",
		    "far->h: ok", "t->h: ok" } },
	/* the tolerance is 250 ppm of the host's frequency: 575025 Hz of
	 * near's 2300100000 */
	{ .title = "a guest's TSC frequency at the edge of the tolerance",
	  .h = { { .name = "h",
		   .caps = "haswell-a.caps.xml",
		   .doms = "g1 a2111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-passthrough' check='none' migratable='on'/>"
			      "<clock offset='utc'><timer name='tsc' frequency='2300675025'/>"
			      "</clock>" },
		 { .name = "near", .caps = "haswell-b-tsc-near.caps.xml" } },
	  .status = 0,
	  .want = { "h->near: ok" } },
	{ .title = "a guest's TSC frequency 1 Hz beyond the tolerance",
	  .h = { { .name = "h",
		   .caps = "haswell-a.caps.xml",
		   .doms = "g1 a2111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-passthrough' check='none' migratable='on'/>"
			      "<clock offset='utc'><timer name='tsc' frequency='2299524974'/>"
			      "</clock>" },
		 { .name = "near", .caps = "haswell-b-tsc-near.caps.xml" } },
	  .status = 2,
	  .want = { "h->near: guest 'g1': TSC frequency 2300100000 Hz, not within 250 ppm of the "
		    "guest's 2299524974 Hz, and no TSC scaling" } },
	/* QEMU leaves invtsc out where the guest disables it: nothing to
	 * block, nothing the destination must have */
	{ .title = "a host-passthrough guest, migratable='off', invtsc disabled",
	  .h = { { .name = "h",
		   .caps = "xeon-e5-2650v3.caps.xml",
		   .doms = "g3 a4111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-passthrough' check='none' migratable='off'>"
			      "<feature policy='disable' name='invtsc'/></cpu>" },
		 { .name = "n", .caps = "xeon-e5-2650v3-noinvtsc.caps.xml" } },
	  .status = 0,
	  .want = { "h->n: ok", "n->h: ok" },
	  .not_want = { "g3" } },
	{ .title = "a custom guest with invtsc and no TSC frequency",
	  .h = { { .name = "h",
		   .caps = "haswell-a.caps.xml",
		   .doms = "g2 a3111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='custom' match='exact' check='full'><model "
			      "fallback='forbid'>Haswell-noTSX</model><feature policy='require' "
			      "name='invtsc'/></cpu>" },
		 { .name = "t", .caps = "haswell-b.caps.xml" } },
	  .status = 2,
	  .want = { "h->t: guest 'g2': its CPU has invtsc, which QEMU does not migrate without a "
		    "TSC frequency",
		    "h: FAIL cpu: guest 'g2' cannot migrate to t: its CPU has invtsc, which QEMU "
		    "does not migrate without a TSC frequency",
		    "t->h: ok" } },
	{ .title = "a migratable host-passthrough guest",
	  .h = { { .name = "h",
		   .caps = "xeon-e5-2650v3.caps.xml",
		   .doms = "g6 a1111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-passthrough' check='none' migratable='on'/>" },
		 { .name = "n", .caps = "xeon-e5-2650v3-noinvtsc.caps.xml" } },
	  .status = 0,
	  .want = { "h->n: ok", "n->h: ok" },
	  .not_want = { "g6" } },
	/* every guest named, not only the first one that failed the pair */
	{ .title = "every running guest that cannot move is named",
	  .h = { { .name = "a",
		   .caps = "haswell-a.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS" },
		 { .name = "s",
		   .caps = "skylake.caps.xml",
		   .domcaps = "skylake.domcaps.xml",
		   .mode = "custom",
		   .models = "Haswell-noTSX-IBRS",
		   .doms = "u1 f1111111-2222-3333-4444-555555555555 r;"
			   "g1 f2111111-2222-3333-4444-555555555555 r;"
			   "g2 f3111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = SKYLAKE_GUEST_CPU } },
	  .status = 2,
	  .want = { "s->a: guest 'g1': CPU lacks", "s->a: guest 'g2': CPU lacks",
		    "s: FAIL cpu: guest 'g1' runs", "s: FAIL cpu: guest 'g2' runs",
		    "s: FAIL cpu: guest 'u1' runs" } },
	{ .title = "a running guest whose CPU mode is unreadable",
	  .h = { { .name = "h",
		   .caps = "xeon-e5-2650v3.caps.xml",
		   .doms = "g7 b1111111-2222-3333-4444-555555555555 r",
		   .dom_cpu = "<cpu mode='host-something'/>" },
		 { .name = "n", .caps = "xeon-e5-2650v3-noinvtsc.caps.xml" } },
	  .status = 4,
	  .want = { "h->n: ?", "n->h: ok",
		    "h: UNEXAMINED cpu: guest 'g7': its XML or its CPU unreadable: its move to n not "
		    "examined" } },
	/* a running guest's machine type against the destination's QEMU */
	{ .title = "a running guest whose machine type a newer QEMU dropped",
	  .h = { { .name = "a",
		   .caps = "haswell-a-machines.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "m1 c1111111-2222-3333-4444-555555555555 r",
		   .dom_machine = "pc-i440fx-1.4" },
		 { .name = "b",
		   .caps = "haswell-b-machines.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "m2 d1111111-2222-3333-4444-555555555555 r",
		   .dom_machine = "pc-q35-7.2" } },
	  .status = 2,
	  .want = { "a->b: guest 'm1': machine type 'pc-i440fx-1.4' unknown there", "b->a: ok",
		    "a: FAIL versions: guest 'm1' runs with machine type 'pc-i440fx-1.4', which "
		    "the QEMU of b does not offer" },
	  .not_want = { "m2" } },
	/* the machine type whatever the CPUs: not lost to a pair whose CPU
	 * is not examined */
	{ .title = "a dropped machine type without libvirt's CPU map",
	  .h = { { .name = "a",
		   .caps = "haswell-a-machines.caps.xml",
		   .doms = "m1 c1111111-2222-3333-4444-555555555555 r",
		   .dom_machine = "pc-i440fx-1.4" },
		 { .name = "b", .caps = "haswell-b-machines.caps.xml" } },
	  .no_cpu_map = 1,
	  .status = 6,
	  .want = { "a->b: guest 'm1': machine type 'pc-i440fx-1.4' unknown there",
		    "a: FAIL versions: guest 'm1' runs with machine type 'pc-i440fx-1.4'" } },
	{ .title = "a running guest's machine type, a destination that lists none",
	  .h = { { .name = "a",
		   .caps = "haswell-a-machines.caps.xml",
		   .domcaps = "haswell.domcaps.xml",
		   .doms = "m3 e1111111-2222-3333-4444-555555555555 r",
		   .dom_machine = "pc-q35-7.2" },
		 { .name = "b", .caps = "haswell-b.caps.xml", .domcaps = "haswell.domcaps.xml" } },
	  .status = 4,
	  .want = { "a->b: ?", "b->a: ok",
		    "a: UNEXAMINED versions: guest 'm3' (machine type 'pc-q35-7.2'): the "
		    "capabilities of b list no machine types: its move there not examined" },
	  .not_want = { "FAIL" } },
	{ .title = "host-model without libvirt's CPU map",
	  .h = { { .name = "h", .caps = "xeon-e5-2650v3.caps.xml" },
		 { .name = "s", .caps = "xeon-gold-6148.caps.xml" } },
	  .no_cpu_map = 1,
	  .status = 4,
	  .want = { "h->s: ?", "s->h: ?",
		    "h: UNEXAMINED cpu: cpu_mode host-model: libvirt's CPU map not read: CPU "
		    "compatibility with s not examined" },
	  .not_want = { "FAIL" } },
};

/* A fix names the host as migready's command line would: -H NAME, or
 * -l for a local run (where -H has no meaning). */
static void test_fix_names_host(void **state)
{
	(void)state;
	const struct vcase *down = NULL;
	for (size_t c = 0; c < MR_ARRAY_LEN(cases); c++)
		if (!strcmp(cases[c].title, "a host that could not be examined"))
			down = &cases[c];
	assert_non_null(down);
	for (int local = 0; local <= 1; local++) {
		struct mr_verify_input in;
		build(down, &in);
		in.local = local;
		struct mr_verify_result *res = mr_verify_analyze(&in);
		const struct mr_verify_host_result *h = &res->hosts[1];
		const char *fix = NULL;
		for (size_t k = 0; k < h->n_findings; k++)
			if (!strcmp(h->findings[k].check, "libvirt"))
				fix = h->findings[k].fix;
		assert_non_null(fix);
		assert_non_null(strstr(fix, local ? "(migready apply -l)" : "(migready apply -H down)"));
		mr_verify_result_free(res);
		mr_verify_input_fini(&in);
	}
}

static void test_analysis(void **state)
{
	(void)state;
	for (size_t c = 0; c < MR_ARRAY_LEN(cases); c++) {
		struct mr_verify_input in;
		build(&cases[c], &in);
		struct mr_verify_result *res = mr_verify_analyze(&in);
		char *d = digest(res);
		int st = mr_verify_exit_status(res);
		if (st != cases[c].status)
			fail_msg("%s: exit status %d, want %d\n%s", cases[c].title, st,
				 cases[c].status, d);
		for (size_t k = 0; k < MR_ARRAY_LEN(cases[c].want) && cases[c].want[k]; k++)
			if (!strstr(d, cases[c].want[k]))
				fail_msg("%s: no '%s' in\n%s", cases[c].title, cases[c].want[k], d);
		for (size_t k = 0; k < MR_ARRAY_LEN(cases[c].not_want) && cases[c].not_want[k]; k++)
			if (strstr(d, cases[c].not_want[k]))
				fail_msg("%s: unexpected '%s' in\n%s", cases[c].title,
					 cases[c].not_want[k], d);
		/* the SSH side is never reported as passed */
		for (size_t i = 0; i < res->n; i++)
			assert_int_equal(res->hosts[i].n_unexamined, mr_verify_n_ssh_checks);
		free(d);
		mr_verify_result_free(res);
		mr_verify_input_fini(&in);
	}
}

/* The report: the matrix and the JSON pairs. */
static void test_report(void **state)
{
	(void)state;
	struct mr_verify_input in;
	build(&cases[2], &in); /* Intel and AMD */
	struct mr_verify_result *res = mr_verify_analyze(&in);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(mr_verify_report_write(res, MR_VERIFY_TEXT, 0, 0, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "source \\ destination  a     r   \n"));
	assert_non_null(strstr(buf, "a                     -     FAIL\n"));
	assert_non_null(strstr(buf, "a -> r: CPU vendor 'AMD', not 'Intel'\n"));
	assert_non_null(strstr(buf, "  ssh: pairwise TCP probes                              : NOT "
				    "EXAMINED\n"));
	assert_non_null(
		strstr(buf, "  libvirt: CPU compatible with the other hosts          : FAIL\n"));
	assert_non_null(
		strstr(buf, "  libvirt: host UUID unique                             : PASS\n"));
	assert_non_null(strstr(buf, "2 pairs: 0 can migrate (0 with warnings), 2 cannot, 0 not "
				    "examined; 2 hosts, 0 not examined\n"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(mr_verify_report_write(res, MR_VERIFY_JSON, 0, 0, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"source\":\"a\""));
	assert_non_null(strstr(buf, "\"destination\":\"r\""));
	assert_non_null(strstr(buf, "\"ok\":false"));
	assert_non_null(strstr(buf, "\"reasons\":[\n        \"CPU vendor 'AMD', not 'Intel'\""));
	assert_non_null(strstr(buf, "\"not_examined\":["));
	assert_non_null(strstr(buf, "\"cpu\":\"fail\""));
	assert_non_null(strstr(buf, "\"host-uuid\":\"pass\""));
	assert_non_null(strstr(buf, "\"migration SSH\":\"not-examined\""));
	free(buf);
	/* once an SSH-side check has run, it is no longer listed */
	mr_verify_result_mark_examined(res, "name resolution");
	assert_int_equal(res->hosts[0].n_unexamined, mr_verify_n_ssh_checks - 1);
	mr_verify_result_fail_pair(res, 0, 1, "port %d filtered", 49152);
	mr_verify_result_add_finding(res, 1, MR_VERIFY_FAIL, "probes", NULL, "x");
	assert_string_equal(res->pairs[1].reasons[res->pairs[1].n_reasons - 1],
			    "port 49152 filtered");
	/* a guest's name, a host's text: no escape sequence reaches the
	 * terminal (found by a review) */
	mr_verify_result_fail_pair(res, 0, 1, "guest 'web\033[2J\033]0;owned\a' active twice");
	mr_verify_result_add_finding(res, 1, MR_VERIFY_FAIL, "guests", "stop \033[2J", "guest "
				     "'web\033[2J'");
	f = open_memstream(&buf, &len);
	assert_int_equal(mr_verify_report_write(res, MR_VERIFY_TEXT, 0, 0, f), 0);
	fclose(f);
	assert_null(strchr(buf, '\033'));
	assert_null(strchr(buf, '\a'));
	assert_non_null(strstr(buf, "guest 'web\\x1b[2J\\x1b]0;owned\\x07' active twice"));
	assert_non_null(strstr(buf, "fix: stop \\x1b[2J\n"));
	free(buf);
	mr_verify_result_free(res);
	mr_verify_input_fini(&in);

	/* a pair that migrates with a warning */
	size_t c = 0;
	while (strcmp(cases[c].title, "pinned guests overlapping on the destination") != 0)
		c++;
	build(&cases[c], &in);
	res = mr_verify_analyze(&in);
	f = open_memstream(&buf, &len);
	assert_int_equal(mr_verify_report_write(res, MR_VERIFY_TEXT, 0, 0, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "a                     -     warn\n"));
	assert_non_null(strstr(buf, "a -> b: can migrate; warning: guest 'p1' pinned to CPUs 3 of "
				    "guest 'p2'\n"));
	assert_non_null(strstr(buf, "2 pairs: 2 can migrate (2 with warnings), 0 cannot"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(mr_verify_report_write(res, MR_VERIFY_JSON, 0, 0, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"ok\":true"));
	assert_non_null(strstr(buf,
			       "\"warnings\":[\n        \"guest 'p1' pinned to CPUs 3 of guest "
			       "'p2'\""));
	free(buf);
	mr_verify_result_free(res);
	mr_verify_input_fini(&in);
}

static void test_caps(void **state)
{
	(void)state;
	static const struct {
		const char *file, *uuid, *model, *vendor, *secmodels, *dac;
		size_t n_features;
	} want[] = {
		{ "haswell-a.caps.xml", "4c4c4544-0031-3510-8036-b3c04f333032", "Haswell-noTSX",
		  "Intel", "apparmor dac", "+64055:+64055", 30 },
		{ "milan-selinux.caps.xml", "7b2f4a10-1c2d-11ed-8000-3cecef1a2b31", "EPYC-Milan",
		  "AMD", "selinux dac", "+107:+107", 16 },
		{ "haswell-none.caps.xml", "4c4c4544-0031-3510-8036-b3c04f333035", "Haswell-noTSX",
		  "Intel", "none dac", "+64055:+64055", 30 },
		{ "nouuid.caps.xml", NULL, "Haswell-noTSX", "Intel", "apparmor dac",
		  "+64055:+64055", 30 },
		{ "nomodel.caps.xml", "4c4c4544-0031-3510-8036-b3c04f333037", NULL, NULL,
		  "apparmor dac", "+64055:+64055", 0 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(want); i++) {
		struct mr_verify_caps caps;
		struct mr_error *err = NULL;
		char *xml = fixture(want[i].file);
		assert_int_equal(mr_verify_caps_parse(xml, "h", &caps, &err), 0);
		assert_null(err);
		if (want[i].uuid)
			assert_string_equal(caps.uuid, want[i].uuid);
		else
			assert_null(caps.uuid);
		if (want[i].model) {
			assert_string_equal(caps.cpu.model, want[i].model);
			assert_string_equal(caps.cpu.vendor, want[i].vendor);
		} else {
			assert_null(caps.cpu.model);
		}
		assert_int_equal(caps.cpu.n_features, want[i].n_features);
		char sm[64] = "";
		for (size_t k = 0; k < caps.n_secmodels; k++)
			snprintf(sm + strlen(sm), sizeof(sm) - strlen(sm), "%s%s", k ? " " : "",
				 caps.secmodels[k]);
		assert_string_equal(sm, want[i].secmodels);
		assert_string_equal(caps.dac_label, want[i].dac);
		char *cpu = mr_verify_caps_cpu_xml(xml);
		if (want[i].model)
			assert_non_null(strstr(cpu, want[i].model));
		else
			assert_null(cpu);
		free(cpu);
		mr_verify_caps_fini(&caps);
		free(xml);
	}
}

static void test_domcaps(void **state)
{
	(void)state;
	static const struct {
		const char *file, *model;
		int usable;
		const char *blockers, *host_model;
	} want[] = {
		{ "haswell.domcaps.xml", "Haswell-noTSX", 1, NULL, "Haswell-noTSX-IBRS" },
		{ "haswell.domcaps.xml", "Broadwell-noTSX", 0, "3dnowprefetch, adx, rdseed, smap",
		  "Haswell-noTSX-IBRS" },
		{ "haswell.domcaps.xml", "Cascadelake-Server", -1, NULL, "Haswell-noTSX-IBRS" },
		{ "haswell.domcaps.xml", "NoSuchModel", -1, NULL, "Haswell-noTSX-IBRS" },
		{ "rome.domcaps.xml", "EPYC-Milan", 0, "erms, fsrm, pcid, pku", "EPYC-Rome" },
		{ "rome.domcaps.xml", "kvm64", 1, NULL, "EPYC-Rome" },
		{ "skylake.domcaps.xml", "Skylake-Server-IBRS", 1, NULL, "Skylake-Server-IBRS" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(want); i++) {
		struct mr_verify_domcaps dc;
		struct mr_error *err = NULL;
		const char *bl = NULL;
		char *xml = fixture(want[i].file);
		assert_int_equal(mr_verify_domcaps_parse(xml, "h", &dc, &err), 0);
		assert_int_equal(mr_verify_domcaps_usable(&dc, want[i].model, &bl), want[i].usable);
		if (want[i].blockers)
			assert_string_equal(bl, want[i].blockers);
		else
			assert_null(bl);
		assert_string_equal(dc.host_model.model, want[i].host_model);
		assert_int_equal(dc.host_model_supported, 1);
		assert_int_equal(dc.passthrough_supported, 1);
		mr_verify_domcaps_fini(&dc);
		free(xml);
	}
}

static void test_parse_errors(void **state)
{
	(void)state;
	static const struct {
		int domcaps;
		const char *xml, *want;
	} cases_[] = {
		{ 0, "<capabilities><host>", "h1: capabilities: line 1: " },
		{ 0, "<domainCapabilities/>",
		  "h1: capabilities: root element is <domainCapabilities>" },
		{ 1, "<capabilities/>", "h1: domain capabilities: root element is <capabilities>" },
		{ 1, NULL, "h1: no domain capabilities" },
		{ 0, "", "h1: capabilities: line " },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases_); i++) {
		struct mr_error *err = NULL;
		struct mr_verify_caps caps;
		struct mr_verify_domcaps dc;
		int r = cases_[i].domcaps ? mr_verify_domcaps_parse(cases_[i].xml, "h1", &dc, &err)
					  : mr_verify_caps_parse(cases_[i].xml, "h1", &caps, &err);
		assert_int_equal(r, -1);
		assert_non_null(err);
		assert_int_equal(err->kind, MR_ERR_PARSE);
		char *got = mr_error_format(err);
		if (strncmp(got, cases_[i].want, strlen(cases_[i].want)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, got, cases_[i].want);
		free(got);
		mr_error_free(err);
	}
}

static void test_cpuset(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} cs[] = {
		{ "0", "0" },          { "0-3", "0-3" },
		{ "0-3,^2", "0-1,3" }, { " 1 , 5-6 ,8", "1,5-6,8" },
		{ "4095", "4095" },    { "4096", NULL },
		{ "3-1", NULL },       { "", NULL },
		{ "1,", NULL },        { "a", NULL },
		{ "^1-2", NULL },
		/* no CPU left: a guest pinned to nothing (found by the fuzzer) */
		{ "^4", NULL },        { "2,^2", NULL },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cs); i++) {
		struct mr_verify_cpuset set;
		int r = mr_verify_cpuset_parse(cs[i].in, &set);
		if (!cs[i].out) {
			if (r != -1)
				fail_msg("'%s' accepted", cs[i].in);
			continue;
		}
		assert_int_equal(r, 0);
		char *s = mr_verify_cpuset_format(&set);
		assert_string_equal(s, cs[i].out);
		free(s);
	}
	static const struct {
		const char *xml;
		int r;
		const char *pins;
	} ds[] = {
		{ "<domain><vcpu>2</vcpu></domain>", 0, NULL },
		{ "<domain><vcpu cpuset='4-7'>2</vcpu></domain>", 1, "4-7" },
		{ "<domain><vcpu cpuset='4-7'>2</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/>"
		  "<vcpupin vcpu='1' cpuset='9'/></cputune></domain>",
		  1, "1,9" },
		{ "<domain><cputune><vcpupin vcpu='0' cpuset='x'/></cputune></domain>", -1, NULL },
		{ "<domain>", -1, NULL },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(ds); i++) {
		struct mr_verify_cpuset set;
		assert_int_equal(mr_verify_domain_pins(ds[i].xml, &set), ds[i].r);
		if (ds[i].pins) {
			char *s = mr_verify_cpuset_format(&set);
			assert_string_equal(s, ds[i].pins);
			free(s);
		}
	}
}

static int load_cpu_map(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	cpu_map = mr_cpu_map_load(CPU_MAP, "x86", &err);
	if (!cpu_map)
		print_error("%s: %s\n", CPU_MAP, err->message);
	mr_error_free(err);
	return cpu_map ? 0 : -1;
}

static int free_cpu_map(void **state)
{
	(void)state;
	mr_cpu_map_free(cpu_map);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_analysis),
		cmocka_unit_test(test_fix_names_host),     cmocka_unit_test(test_report),
		cmocka_unit_test(test_caps),         cmocka_unit_test(test_domcaps),
		cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_cpuset),
	};
	return cmocka_run_group_tests(tests, load_cpu_map, free_cpu_map);
}
