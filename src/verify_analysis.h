/* verify, the analysis: which host can take a live migration from which,
 * from what libvirt told about each host. Pure: no I/O and no libvirt
 * calls (verify.c gathers the input); the XML is read with libxml2.
 *
 * Joining other facts (verify_ssh.h: SSH probes, name resolution,
 * migration SSH, shared storage): run mr_verify_analyze, then add to its result with
 * mr_verify_result_add_finding (check = one of mr_verify_ssh_checks),
 * mr_verify_result_fail_pair and mr_verify_result_warn_pair, and drop each
 * check that ran from the "not examined" lists with
 * mr_verify_result_mark_examined; mr_verify_check_status and the report
 * then show it as PASS, WARN or FAIL. */
#ifndef MR_VERIFY_ANALYSIS_H
#define MR_VERIFY_ANALYSIS_H

#include <stdio.h>

#include "util.h"

struct mr_cpu_map;

enum mr_verify_dom_state {
	MR_VERIFY_DOM_OTHER,
	MR_VERIFY_DOM_RUNNING,
	MR_VERIFY_DOM_PAUSED,
};

/* One active guest. */
struct mr_verify_domain {
	char *name;
	char *uuid;
	enum mr_verify_dom_state state;
	char *xml; /* its live domain XML (for <cputune>), or NULL */
};

/* What libvirt told about one host; every string is owned by the struct. */
struct mr_verify_host {
	char *name;                         /* inventory name */
	char *uri;                          /* libvirt URI */
	char *error;                        /* could not be examined: why; NULL when it was */
	char *caps_xml;                     /* capabilities */
	char *domcaps_xml;                  /* domain capabilities, or NULL */
	char *domcaps_error;                /* why there are none, or NULL */
	unsigned long long libvirt_version; /* major * 1000000 + minor * 1000 + micro; 0 unknown */
	unsigned long long hv_version;      /* the same for the hypervisor (QEMU) */
	char *hv_type;                      /* "QEMU", or NULL */
	struct mr_verify_domain *domains;
	size_t n_domains;
	/* The profile's [nova] cpu_mode (NULL: nova's default for KVM,
	 * host-model) and its cpu_model list (NULL-terminated, may be NULL). */
	char *cpu_mode;
	char **cpu_models;
};

/* Everything the analysis needs. */
struct mr_verify_input {
	struct mr_verify_host *hosts;
	size_t n;
	char *baseline_xml;   /* libvirt's baseline <cpu> of all examined hosts, or NULL */
	char *baseline_error; /* why there is none, or NULL */
	int local;            /* -l: the fixes say -l, not -H HOST */
	/* libvirt's CPU map (nova.h), borrowed; NULL: host-model CPUs are not
	 * compared. */
	const struct mr_cpu_map *cpus;
};

/* Frees every host and the arrays; accepts a zeroed input. */
void mr_verify_input_fini(struct mr_verify_input *in);
void mr_verify_host_fini(struct mr_verify_host *h);

/* ---- parsed views of libvirt's XML ---- */

struct mr_verify_cpu {
	char *arch;
	char *model;
	char *vendor;
	char **features; /* sorted, NULL-terminated */
	size_t n_features;
	char **disabled; /* policy disable or forbid; NULL-terminated */
	size_t n_disabled;
};

struct mr_verify_caps {
	char *uuid; /* host UUID, or NULL */
	struct mr_verify_cpu cpu;
	char **secmodels; /* in document order, NULL-terminated: "selinux", "dac" */
	size_t n_secmodels;
	char *dac_label; /* the dac model's kvm (else first) baselabel, or NULL */
	/* <counter name='tsc'>: the host's TSC frequency (0 unknown) and
	 * whether it can scale a guest's (1 yes, 0 no, -1 not said) */
	unsigned long long tsc_hz;
	int tsc_scaling;
	/* the machine types KVM guests may have, "ARCH NAME" (aliases too),
	 * sorted, NULL-terminated; none when the capabilities list none */
	char **machines;
	size_t n_machines;
};

struct mr_verify_model {
	char *name;
	int usable;     /* 1 yes, 0 no, -1 unknown */
	char *blockers; /* "hle, rtm", or NULL */
};

struct mr_verify_domcaps {
	int host_model_supported; /* -1 not said */
	struct mr_verify_cpu host_model;
	int passthrough_supported;      /* -1 not said */
	struct mr_verify_model *models; /* the custom mode's models */
	size_t n_models;
};

/* Parse capabilities or domain capabilities XML; on failure -1 with one
 * MR_ERR_PARSE error naming where ("HOST: capabilities"). The structs are
 * the caller's; _fini accepts a zeroed one. */
int mr_verify_caps_parse(const char *xml, const char *where, struct mr_verify_caps *caps,
			 struct mr_error **err);
void mr_verify_caps_fini(struct mr_verify_caps *caps);
int mr_verify_domcaps_parse(const char *xml, const char *where, struct mr_verify_domcaps *dc,
			    struct mr_error **err);
void mr_verify_domcaps_fini(struct mr_verify_domcaps *dc);
/* The model usable on this host: 1, 0, or -1 when unknown or not listed. */
int mr_verify_domcaps_usable(const struct mr_verify_domcaps *dc, const char *model,
			     const char **blockers);

/* The <host><cpu> element of a capabilities document, serialised, for
 * libvirt's baseline API; NULL (no error) when there is none or it has no
 * model. The caller frees it. */
char *mr_verify_caps_cpu_xml(const char *caps_xml);

/* Host CPUs a guest's vCPUs are pinned to, from its domain XML: the union
 * of <cputune><vcpupin cpuset>, else <vcpu cpuset>. */
#define MR_VERIFY_MAX_CPUS 4096
struct mr_verify_cpuset {
	uint64_t w[MR_VERIFY_MAX_CPUS / 64];
};
/* 1 pinned (set filled), 0 not pinned, -1 unparsable XML or cpuset. */
int mr_verify_domain_pins(const char *domain_xml, struct mr_verify_cpuset *set);

/* A running guest's CPU, from its live XML: libvirt writes a host-model
 * guest's CPU out as custom (model and features) when it starts it, and
 * the guest keeps that CPU until it is shut down, whatever cpu_mode says
 * since. */
enum mr_verify_guest_cpu {
	MR_VERIFY_GUEST_CPU_UNREADABLE = -1,
	MR_VERIFY_GUEST_CPU_DEFAULT,     /* no model: QEMU's default CPU */
	MR_VERIFY_GUEST_CPU_CUSTOM,      /* a model and features (cpu filled) */
	MR_VERIFY_GUEST_CPU_HOST_MODEL,  /* not yet written out: the host's */
	MR_VERIFY_GUEST_CPU_PASSTHROUGH, /* host-passthrough or maximum */
};
struct mr_verify_guest {
	enum mr_verify_guest_cpu kind;
	struct mr_verify_cpu cpu; /* when custom */
	int cpu_all_features;     /* host-passthrough with migratable='off' */
	int invtsc;               /* 1 its CPU asks for invtsc, -1 disables it, 0 neither */
	unsigned long long tsc_hz; /* <timer name='tsc' frequency=...>, or 0 */
	int pinned;               /* as mr_verify_domain_pins */
	char *machine;            /* "x86_64 pc-q35-7.2", or NULL when not said */
};
/* A running guest's CPU, machine type and pinning (pins), from one parse
 * of its live XML. */
void mr_verify_domain_guest(const char *domain_xml, struct mr_verify_guest *g,
			    struct mr_verify_cpuset *pins);
void mr_verify_guest_fini(struct mr_verify_guest *g);
void mr_verify_cpu_fini(struct mr_verify_cpu *cpu);
/* "0-3,8"; -1 on a malformed list, a CPU beyond MR_VERIFY_MAX_CPUS, or a
 * list that leaves no CPU ("^4"). */
int mr_verify_cpuset_parse(const char *s, struct mr_verify_cpuset *set);
/* The caller frees it. */
char *mr_verify_cpuset_format(const struct mr_verify_cpuset *set);

/* ---- the result ---- */

enum mr_verify_severity {
	MR_VERIFY_FAIL,       /* a migration will fail */
	MR_VERIFY_WARN,       /* it may fail, or something is off */
	MR_VERIFY_INFO,       /* worth knowing */
	MR_VERIFY_UNEXAMINED, /* a check that did not run: never a pass */
};

struct mr_verify_finding {
	enum mr_verify_severity severity;
	char *check; /* "cpu", "secmodel", "host-uuid", "versions", "guests", "pinning", ... */
	char *reason;
	char *fix; /* or NULL */
	int scoped; /* not examined for the pairs that say so only (none:
	             * of the host's own, as its profile's drift) */
};

struct mr_verify_host_result {
	char *name;
	char *uri;
	int examined;  /* libvirt answered */
	int ssh_failed; /* the SSH side could not examine it (verify_ssh.h) */
	char *summary; /* "libvirt 9.0.0, QEMU 7.2.0, Intel Skylake-Client, selinux", or NULL */
	struct mr_verify_finding *findings;
	size_t n_findings;
	const char **unexamined; /* names from mr_verify_ssh_checks not run yet */
	size_t n_unexamined;
};

/* source -> destination; reasons say why it cannot migrate, warnings what
 * goes wrong if it does. */
struct mr_verify_pair {
	int examined; /* both hosts examined, or a reason found against it */
	char **reasons;
	size_t n_reasons;
	char **warnings; /* it can migrate, but: (pinned CPUs shared) */
	size_t n_warnings;
};

struct mr_verify_result {
	size_t n;
	struct mr_verify_host_result *hosts;
	struct mr_verify_pair *pairs; /* n * n, [src * n + dst]; the diagonal is unused */
	char *baseline;               /* "Haswell-noTSX (Intel)", or NULL */
	char *baseline_xml;
	char *baseline_error; /* why there is no baseline, or NULL */
	int local;            /* as the input's */
};

/* How a fix names host name on migready's command line: "-l" for a
 * local run, else "-H NAME". The caller frees it. */
char *mr_verify_host_option(const struct mr_verify_result *res, const char *name);

/* Analyses every host and ordered pair. Never fails: what could not be
 * read becomes a finding. The caller frees the result. */
struct mr_verify_result *mr_verify_analyze(const struct mr_verify_input *in);

/* libxml2's global state, set up once in the main thread before any worker
 * (libvirt's client parses XML in each): libxml2 creates its locks lazily,
 * and two threads doing it at once race. */
void mr_verify_xml_init(void);
void mr_verify_result_free(struct mr_verify_result *res);

/* For joining other facts. fix may be NULL. */
void mr_verify_result_add_finding(struct mr_verify_result *res, size_t host,
				  enum mr_verify_severity sev, const char *check, const char *fix,
				  const char *fmt, ...) MR_PRINTF(6, 7);
void mr_verify_result_fail_pair(struct mr_verify_result *res, size_t src, size_t dst,
				const char *fmt, ...) MR_PRINTF(4, 5);
void mr_verify_result_warn_pair(struct mr_verify_result *res, size_t src, size_t dst,
				const char *fmt, ...) MR_PRINTF(4, 5);
/* The checks run on the hosts over SSH (verify_ssh.h); mr_verify_analyze
 * notes them "not examined" on every host until they have run. */
extern const char *const mr_verify_ssh_checks[];
extern const size_t mr_verify_n_ssh_checks;
/* Drops check from every host's "not examined" note (once it has run). */
void mr_verify_result_mark_examined(struct mr_verify_result *res, const char *check);

/* The libvirt checks, in report order: each finding's check is one of
 * these names (or, joined later, one of the SSH-side ones). */
struct mr_verify_check {
	const char *name;  /* "cpu" */
	const char *title; /* "CPU compatible with the other hosts" */
};
extern const struct mr_verify_check mr_verify_libvirt_checks[];
extern const size_t mr_verify_n_libvirt_checks;

/* One check's outcome on one host, like virt-host-validate's. */
enum mr_verify_status {
	MR_VERIFY_PASS,
	MR_VERIFY_STATUS_INFO,
	MR_VERIFY_STATUS_WARN,
	MR_VERIFY_STATUS_FAIL,
	MR_VERIFY_NOT_EXAMINED,
};
/* The worst finding of that check on the host (FAIL over WARN over not
 * examined); PASS when it ran and found nothing; NOT_EXAMINED when the host
 * was not examined or the check is still in the host's unexamined list. */
enum mr_verify_status mr_verify_check_status(const struct mr_verify_result *res, size_t host,
					     const char *check);

/* A pair can migrate: examined and no reason against it. */
int mr_verify_pair_ok(const struct mr_verify_result *res, size_t src, size_t dst);
/* Whether a check of the host was not examined for all its pairs (a
 * finding says so). */
int mr_verify_host_unexamined(const struct mr_verify_host_result *h);
/* A check not examined for the pair src -> dst alone: the pair is not
 * examined, unless a reason fails it. */
void mr_verify_result_unexamine_pair(struct mr_verify_result *res, size_t src, size_t dst);
/* Likewise every pair from src, every pair into dst, every pair of host. */
void mr_verify_result_unexamine_from(struct mr_verify_result *res, size_t src);
void mr_verify_result_unexamine_into(struct mr_verify_result *res, size_t dst);
void mr_verify_result_unexamine_host(struct mr_verify_result *res, size_t host);
/* A not-examined finding on host of the pairs that say so only (scoped). */
void mr_verify_result_add_pair_unexamined(struct mr_verify_result *res, size_t host,
					  const char *check, const char *fmt, ...) MR_PRINTF(4, 5);
/* 0 every pair can migrate; | 2 some cannot; | 4 some host or pair was not
 * examined (by libvirt or over SSH, or a check of a host's not). */
int mr_verify_exit_status(const struct mr_verify_result *res);

/* verify_report.c: text (matrix and findings) or JSON (pairs and
 * findings); -1 if the stream failed. */
enum mr_verify_format { MR_VERIFY_TEXT, MR_VERIFY_JSON };
/* quiet: text without the lines of checks that passed. */
int mr_verify_report_write(const struct mr_verify_result *res, enum mr_verify_format format,
			   int color, int quiet, FILE *out);

#endif
