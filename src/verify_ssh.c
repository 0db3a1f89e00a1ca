/* verify, the SSH side: what the hosts say about each other (verify_ssh.h).
 * First the join, pure; then the gathering, over the fleet's transports. */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "fleet.h"
#include "sshkeys.h"
#include "inventory.h"
#include "nova.h"
#include "report.h"
#include "res.h"
#include "transport.h"
#include "verify_probe_sh.h"
#include "verify_tcp_py.h"
#include "verify_ssh.h"

/* ---- the join ---- */

static const char CHECK_CONN[] = "SSH connection";
static const char CHECK_TCP[] = "pairwise TCP probes";
static const char CHECK_DNS[] = "name resolution";
static const char CHECK_SSH[] = "migration SSH";
static const char CHECK_SHARED[] = "shared-storage marker";
static const char CHECK_LOCAL[] = "local sanity";
static const char CHECK_UNIFORM[] = "uniform ids and settings";
static const char CHECK_DRIFT[] = "drift from the profile";

/* The checks that need the probe's output. */
static const char *const probe_checks[] = { CHECK_TCP, CHECK_DNS, CHECK_SSH, CHECK_SHARED,
	                                        CHECK_LOCAL };

int mr_verify_tcp_verdict(const char *word, const char *listener, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = "no answer from the probe";
	if (!word)
		return -1;
	if (!strcmp(word, "open"))
		return 1;
	if (!strcmp(word, "refused")) {
		if (!listener) {
			*why = "refused: nothing listens there, or a firewall resets it";
			return 0;
		}
		/* nothing listens there between migrations; libvirt's port on
		 * the same address connecting shows no firewall resets the host */
		if (!strcmp(listener, "open"))
			return 1;
		*why = "refused, as libvirt's port was: a firewall that resets it cannot be told "
		       "from a closed port";
		return -1;
	}
	if (!strcmp(word, "timeout")) {
		*why = "time-out: a firewall drops it";
		return 0;
	}
	if (!strcmp(word, "unreachable")) {
		*why = "unreachable or prohibited: a firewall rejects it";
		return 0;
	}
	*why = word;
	return -1;
}

/* An IP literal in canonical form into buf; 0, or -1 for a name. */
static int canonical_ip(const char *s, char *buf, size_t len)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, s, b) == 1)
		return inet_ntop(AF_INET, b, buf, (socklen_t)len) ? 0 : -1;
	if (inet_pton(AF_INET6, s, b) == 1)
		return inet_ntop(AF_INET6, b, buf, (socklen_t)len) ? 0 : -1;
	return -1;
}

int mr_verify_addr_match(const char *list, const char *want)
{
	char w[64], a[64];
	if (!list || !strncmp(list, "unknown", 7))
		return -1;
	int want_ip = canonical_ip(want, w, sizeof(w)) == 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");
		char *word = mr_xstrndup(p, n);
		int same = want_ip ? canonical_ip(word, a, sizeof(a)) == 0 && !strcmp(a, w)
		                   : !strcmp(word, want);
		free(word);
		if (same)
			return 1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

/* The probe's PREFIX.K[.SUFFIX] for peer k. */
static const char *probe_value(const struct mr_verify_ssh_host *h, const char *prefix, size_t k,
                               const char *suffix)
{
	char key[64];
	snprintf(key, sizeof(key), "%s.%zu%s%s", prefix, k, suffix ? "." : "", suffix ? suffix : "");
	return h->probe ? mr_facts_get(h->probe, key) : NULL;
}

/* "a, b" of the names in a list being built. */
static void list_add(struct mr_buf *b, const char *fmt, ...) MR_PRINTF(2, 3);

static void list_add(struct mr_buf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->len)
		mr_buf_puts(b, ", ");
	va_start(ap, fmt);
	char *s = mr_xvasprintf(fmt, ap);
	va_end(ap);
	mr_buf_puts(b, s);
	free(s);
}

static int probed(const struct mr_verify_ssh_host *h)
{
	return !h->error && h->probe && mr_facts_get(h->probe, "done");
}

static void join_connection(struct mr_verify_result *res, const struct mr_verify_ssh_host *h,
                            size_t i)
{
	if (h->error) {
		/* -l: no inventory, no connection; the probe itself failed */
		char *opt = mr_verify_host_option(res, h->name);
		char *fix = res->local ? mr_xasprintf("see what migready facts %s says", opt)
		                       : mr_xasprintf("check the inventory's address, port, user and "
		                                      "key of %s (migready facts %s)",
		                                      h->name, opt);
		free(opt);
		mr_verify_result_add_finding(res, i, MR_VERIFY_FAIL, CHECK_CONN, fix, "%s", h->error);
		free(fix);
		for (size_t k = 0; k < MR_ARRAY_LEN(probe_checks); k++)
			mr_verify_result_add_finding(res, i, MR_VERIFY_UNEXAMINED, probe_checks[k], NULL,
			                             "not examined: no SSH connection");
		mr_verify_result_add_finding(res, i, MR_VERIFY_UNEXAMINED, CHECK_DRIFT, NULL,
		                             "not examined: no SSH connection");
		res->hosts[i].ssh_failed = 1;
		return;
	}
	if (!probed(h)) {
		for (size_t k = 0; k < MR_ARRAY_LEN(probe_checks); k++)
			mr_verify_result_add_finding(res, i, MR_VERIFY_UNEXAMINED, probe_checks[k], NULL,
			                             "not examined: the probe failed: %s",
			                             h->probe_error ? h->probe_error
			                                            : "its output ends early");
		res->hosts[i].ssh_failed = 1;
	}
}

static const char *tcp_tool(const struct mr_verify_ssh_host *h)
{
	const char *t = mr_facts_get(h->probe, "tcp.tool");
	return t ? t : "none";
}

/* The first port of d's migration range, as its qemu.conf says. */
static const char *migration_port(const struct mr_verify_ssh_host *d)
{
	return d->conf[MR_VCONF_PORT_MIN] && *d->conf[MR_VCONF_PORT_MIN] ? d->conf[MR_VCONF_PORT_MIN]
	                                                                   : "49152";
}

/* TCP from every source to each destination j; findings on j, where the
 * fix is. */
static void join_tcp(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs, size_t n,
                     size_t j)
{
	const struct mr_verify_ssh_host *d = &hs[j];
	const char *mp = migration_port(d);
	struct mr_buf lis, mig;
	mr_buf_init(&lis);
	mr_buf_init(&mig);
	for (size_t i = 0; i < n; i++) {
		const char *why;
		if (i == j || !probed(&hs[i]) || !strcmp(tcp_tool(&hs[i]), "none"))
			continue;
		const char *lw = probe_value(&hs[i], "tcp", j, "listener");
		int l = mr_verify_tcp_verdict(lw, NULL, &why);
		if (l == 0) {
			list_add(&lis, "%s (%s)", hs[i].name, why);
			mr_verify_result_fail_pair(res, i, j, "libvirt's port %u on %s not reachable: %s",
			                           d->listener_port, d->name, why);
		}
		int m = mr_verify_tcp_verdict(probe_value(&hs[i], "tcp", j, "migration"),
		                              lw ? lw : "", &why);
		if (m == 0) {
			list_add(&mig, "%s (%s)", hs[i].name, why);
			mr_verify_result_fail_pair(res, i, j, "migration port %s on %s not reachable: %s",
			                           mp, d->name, why);
		}
	}
	if (lis.len)
		mr_verify_result_add_finding(
			res, j, MR_VERIFY_FAIL, CHECK_TCP,
			"let the migration network reach libvirt's port here (firewall), and libvirtd "
			"listen on it (migready apply)",
			"libvirt's port %u here not reachable from %s", d->listener_port, lis.data);
	if (mig.len)
		mr_verify_result_add_finding(
			res, j, MR_VERIFY_FAIL, CHECK_TCP,
			"let the migration network reach the migration port range here (firewall)",
			"migration port %s here not reachable from %s", mp, mig.data);
	mr_buf_fini(&lis);
	mr_buf_fini(&mig);
}

/* The connections from source i that no verdict came of, one finding per
 * port and reason, naming every destination: a fleet whose ports all
 * refuse would otherwise say it n - 1 times on each host. */
struct tcp_unknown {
	char *port;
	const char *why;
	struct mr_buf to;
};

static void unknown_add(struct tcp_unknown **g, size_t *n_g, const char *port, const char *why,
                        const char *dest)
{
	size_t k = 0;
	while (k < *n_g && (strcmp((*g)[k].port, port) || strcmp((*g)[k].why, why)))
		k++;
	if (k == *n_g) {
		*g = mr_xreallocarray(*g, *n_g + 1, sizeof(**g));
		(*g)[k].port = mr_xstrdup(port);
		(*g)[k].why = why;
		mr_buf_init(&(*g)[k].to);
		(*n_g)++;
	}
	list_add(&(*g)[k].to, "%s", dest);
}

static void join_tcp_unknown(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                             size_t n, size_t i)
{
	struct tcp_unknown *g = NULL;
	size_t n_g = 0;
	if (!probed(&hs[i]) || !strcmp(tcp_tool(&hs[i]), "none"))
		return;
	for (size_t j = 0; j < n; j++) {
		const char *why;
		char port[16];
		if (j == i)
			continue;
		const char *lw = probe_value(&hs[i], "tcp", j, "listener");
		if (mr_verify_tcp_verdict(lw, NULL, &why) < 0) {
			snprintf(port, sizeof(port), "%u", hs[j].listener_port);
			unknown_add(&g, &n_g, port, why, hs[j].name);
			mr_verify_result_unexamine_pair(res, i, j);
		}
		if (mr_verify_tcp_verdict(probe_value(&hs[i], "tcp", j, "migration"), lw ? lw : "",
		                          &why) < 0) {
			unknown_add(&g, &n_g, migration_port(&hs[j]), why, hs[j].name);
			mr_verify_result_unexamine_pair(res, i, j);
		}
	}
	for (size_t k = 0; k < n_g; k++) {
		mr_verify_result_add_pair_unexamined(res, i, CHECK_TCP, "TCP to %s port %s unknown: %s",
		                                     g[k].to.data, g[k].port, g[k].why);
		mr_buf_fini(&g[k].to);
		free(g[k].port);
	}
	free(g);
}

/* Each peer's name, resolved on source i, against the inventory. */
static void join_dns(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs, size_t n,
                     size_t i)
{
	struct mr_buf bad;
	mr_buf_init(&bad);
	char ip[64];
	for (size_t j = 0; j < n; j++) {
		if (j == i)
			continue;
		const struct mr_verify_ssh_host *d = &hs[j];
		const char *got = probe_value(&hs[i], "resolve", j, "name");
		int ok;
		if (canonical_ip(d->address, ip, sizeof(ip)) == 0) {
			ok = mr_verify_addr_match(got, d->address);
		} else if (!strcmp(d->address, d->name)) {
			ok = !got || !strncmp(got, "unknown", 7) ? -1 : strcmp(got, "none") != 0;
		} else {
			/* the inventory gives another name: they must meet */
			const char *want = probe_value(&hs[i], "resolve", j, "address");
			ok = -1;
			for (const char *p = want; p && strncmp(want, "unknown", 7) && *p && ok != 1;) {
				size_t len = strcspn(p, " ");
				char *w = mr_xstrndup(p, len);
				ok = mr_verify_addr_match(got, w);
				free(w);
				p += len;
				p += strspn(p, " ");
			}
		}
		if (ok < 0) {
			mr_verify_result_add_pair_unexamined(res, i, CHECK_DNS, "'%s' not resolved: %s",
			                                     d->name,
			                                     got ? got : "no answer from the probe");
			mr_verify_result_unexamine_pair(res, i, j);
		} else if (!ok) {
			const char *shown = !strcmp(got, "none") ? "nothing" : got;
			list_add(&bad, "'%s' to %s (the inventory: %s)", d->name, shown, d->address);
			mr_verify_result_fail_pair(res, i, j, "'%s' resolves to %s on %s, not %s",
			                           d->name, shown, hs[i].name, d->address);
		}
	}
	if (bad.len)
		mr_verify_result_add_finding(res, i, MR_VERIFY_FAIL, CHECK_DNS,
		                             "make each host's name resolve to its migration address "
		                             "here (/etc/hosts or DNS)",
		                             "names resolve here %s", bad.data);
	mr_buf_fini(&bad);
}

static void join_ssh(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs, size_t n,
                     size_t i)
{
	const struct mr_verify_ssh_host *s = &hs[i];
	const char *how = mr_facts_get(s->probe, "ssh.as");
	const char *user = s->ssh_user ? s->ssh_user : "the [ssh] user";
	if (!how || (strcmp(how, "self") && strcmp(how, "runuser"))) {
		/* the logins from this host, as the source */
		mr_verify_result_add_pair_unexamined(res, i, CHECK_SSH, "migration SSH not tested: %s",
		                                     how && !strncmp(how, "unknown ", 8) ? how + 8
		                                                                         : "no answer");
		mr_verify_result_unexamine_from(res, i);
		return;
	}
	struct mr_buf bad;
	mr_buf_init(&bad);
	for (size_t j = 0; j < n; j++) {
		if (j == i)
			continue;
		const char *v = probe_value(s, "ssh", j, NULL);
		const char *why = NULL;
		char *tmp = NULL;
		if (hs[j].my_ip && !*hs[j].my_ip) {
			/* tested where migready reaches it, maybe not where nova's
			 * ssh goes */
			mr_verify_result_add_pair_unexamined(res, i, CHECK_SSH,
			                                     "nova's my_ip on %s not known (nova.conf not "
			                                     "read, or a $ interpolation): SSH was tested "
			                                     "to %s port %u, maybe not where nova's ssh goes",
			                                     hs[j].name, hs[j].address, hs[j].ssh_port);
			mr_verify_result_unexamine_pair(res, i, j);
			continue;
		}
		if (!v)
			why = "no answer from the probe";
		else if (!strcmp(v, "ok"))
			continue;
		else if (!strcmp(v, "timeout"))
			why = "time-out";
		else if (!strncmp(v, "fail ", 5))
			why = v + 5;
		else if (!strncmp(v, "shell ", 6))
			why = tmp = mr_xasprintf("logged in, but its login shell refused a command "
			                         "(exit %s)",
			                         v + 6);
		else
			why = v;
		if (!v) {
			mr_verify_result_add_pair_unexamined(res, i, CHECK_SSH, "SSH to %s not tested: %s",
			                                     hs[j].name, why);
			mr_verify_result_unexamine_pair(res, i, j);
		} else {
			list_add(&bad, "%s (%s)", hs[j].name, why);
			mr_verify_result_fail_pair(res, i, j, "%s cannot log in by SSH: %s", user, why);
		}
		free(tmp);
	}
	if (bad.len) {
		char *fix = mr_xasprintf("give %s the cluster's key and every peer's host key "
		                         "([ssh] keypair, known_hosts = cluster; migready apply)",
		                         user);
		mr_verify_result_add_finding(res, i, MR_VERIFY_FAIL, CHECK_SSH, fix,
		                             "%s cannot log in from here to %s (BatchMode, strict "
		                             "host keys)",
		                             user, bad.data);
		free(fix);
	}
	mr_buf_fini(&bad);
}

/* Host i's marker, looked for by every other host. */
static void join_shared(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                        size_t n, size_t i)
{
	const struct mr_verify_ssh_host *s = &hs[i];
	const char *inst = s->conf[MR_VCONF_INSTANCES_PATH];
	if (!s->marker) {
		mr_verify_result_add_finding(res, i, MR_VERIFY_UNEXAMINED, CHECK_SHARED, NULL,
		                             "no marker written: %s",
		                             s->marker_error ? s->marker_error : "unknown");
		return;
	}
	struct mr_buf seen, unseen;
	mr_buf_init(&seen);
	mr_buf_init(&unseen);
	for (size_t j = 0; j < n; j++) {
		if (j == i || !probed(&hs[j]))
			continue;
		const char *v = probe_value(&hs[j], "marker", i, NULL);
		if (v && !strcmp(v, "seen")) {
			list_add(&seen, "%s", hs[j].name);
			continue;
		}
		list_add(&unseen, "%s", hs[j].name);
		if (s->shared_expected && hs[j].shared_expected)
			mr_verify_result_fail_pair(res, i, j,
			                           "instances not shared: %s's marker not seen on %s",
			                           s->name, hs[j].name);
	}
	if (unseen.len && s->shared_expected)
		mr_verify_result_add_finding(
			res, i, MR_VERIFY_FAIL, CHECK_SHARED,
			"mount the shared instances directory on every host ([nfs] mount; migready "
			"apply), or declare block migration",
			"a file written in %s here is not seen on %s%s%s", inst ? inst : "?", unseen.data,
			seen.len ? "; seen on " : "", seen.len ? seen.data : "");
	else if (!s->shared_expected && (unseen.len || seen.len))
		mr_verify_result_add_finding(res, i, MR_VERIFY_INFO, CHECK_SHARED, NULL,
		                             "%s here%s%s%s%s%s", inst ? inst : "?",
		                             seen.len ? " is shared with " : "", seen.data ? seen.data : "",
		                             seen.len && unseen.len ? ";" : "",
		                             unseen.len ? " is not shared with " : "",
		                             unseen.data ? unseen.data : "");
	mr_buf_fini(&seen);
	mr_buf_fini(&unseen);
}

/* virt-host-validate's checks of the QEMU driver, on destination j. */
static void join_local(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                       size_t n, size_t j)
{
	static const struct {
		const char *key, *dev, *fix;
		int fatal;
	} devs[] = {
		{ "local.kvm", "/dev/kvm", "enable virtualization in the firmware, load kvm_intel or "
		                           "kvm_amd", 1 },
		{ "local.net/tun", "/dev/net/tun", "load the tun module", 1 },
		{ "local.vhost-net", "/dev/vhost-net", "load the vhost_net module", 0 },
	};
	const struct mr_verify_ssh_host *d = &hs[j];
	for (size_t k = 0; k < MR_ARRAY_LEN(devs); k++) {
		const char *v = mr_facts_get(d->probe, devs[k].key);
		if (!v) {
			/* what would fail the pairs into it leaves them not
			 * examined; what would only warn, none */
			mr_verify_result_add_pair_unexamined(res, j, CHECK_LOCAL,
			                                     "%s: no answer from the probe", devs[k].dev);
			if (devs[k].fatal)
				mr_verify_result_unexamine_into(res, j);
			continue;
		}
		if (!strcmp(v, "yes"))
			continue;
		mr_verify_result_add_finding(res, j, devs[k].fatal ? MR_VERIFY_FAIL : MR_VERIFY_WARN,
		                             CHECK_LOCAL, devs[k].fix, "no %s here", devs[k].dev);
		for (size_t i = 0; devs[k].fatal && i < n; i++)
			if (i != j)
				mr_verify_result_fail_pair(res, i, j, "no %s on %s", devs[k].dev, d->name);
	}
	/* libvirt's QEMU driver puts guests in these controllers */
	static const char *const v2[] = { "cpu", "cpuset", "memory", "io", "pids" };
	static const char *const v1[] = { "cpu", "cpuacct", "cpuset", "memory", "devices", "blkio" };
	const char *cg = mr_facts_get(d->probe, "local.cgroup");
	struct mr_buf missing;
	mr_buf_init(&missing);
	int isv2 = cg && !strncmp(cg, "v2 ", 3), isv1 = cg && !strncmp(cg, "v1 ", 3);
	for (size_t k = 0; isv2 && k < MR_ARRAY_LEN(v2); k++)
		if (!mr_str_has_word(cg + 3, v2[k]))
			list_add(&missing, "%s", v2[k]);
	for (size_t k = 0; isv1 && k < MR_ARRAY_LEN(v1); k++)
		if (!mr_str_has_word(cg + 3, v1[k]))
			list_add(&missing, "%s", v1[k]);
	if (!cg)
		mr_verify_result_add_pair_unexamined(res, j, CHECK_LOCAL,
		                                     "cgroups: no answer from the probe");
	else if (!isv1 && !isv2)
		mr_verify_result_add_finding(res, j, MR_VERIFY_WARN, CHECK_LOCAL,
		                             "mount the cgroup file system", "no cgroups here");
	else if (missing.len)
		mr_verify_result_add_finding(res, j, MR_VERIFY_WARN, CHECK_LOCAL,
		                             "enable the controllers (kernel command line, systemd)",
		                             "cgroup %s controllers missing here: %s", isv2 ? "v2" : "v1",
		                             missing.data);
	mr_buf_fini(&missing);
}

/* KVM's nested virtualization, into destination j: a guest started where
 * it is on, given the host's CPU (cpu_mode host-model, nova's default for
 * KVM, or host-passthrough), sees vmx or svm, which a host where it is off
 * (or whose KVM has no such module) cannot give it: QEMU there refuses
 * the incoming guest. */
static void join_nested(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                        size_t n, size_t j)
{
	const struct mr_verify_ssh_host *d = &hs[j];
	const char *dv = mr_facts_get(d->probe, "local.nested");
	int d_on = dv && !strncmp(dv, "on ", 3);
	int d_known = dv && (d_on || !strncmp(dv, "off ", 4) || !strcmp(dv, "none"));
	struct mr_buf from;
	mr_buf_init(&from);
	const char *feature = NULL;
	for (size_t i = 0; i < n && !d_on; i++) {
		const struct mr_verify_ssh_host *s = &hs[i];
		if (i == j || !probed(s) ||
		    (s->cpu_mode && strcmp(s->cpu_mode, "host-model") != 0 &&
		     strcmp(s->cpu_mode, "host-passthrough") != 0))
			continue;
		const char *sv = mr_facts_get(s->probe, "local.nested");
		int s_on = sv && !strncmp(sv, "on ", 3);
		int s_known = sv && (s_on || !strncmp(sv, "off ", 4) || !strcmp(sv, "none"));
		if (s_known && !s_on)
			continue;
		if (!s_known || !d_known) {
			mr_verify_result_add_pair_unexamined(
				res, j, CHECK_LOCAL, "nested virtualization %s on %s, %s here: %s -> %s",
				sv ? sv : "not told", s->name, dv ? dv : "not told", s->name, d->name);
			mr_verify_result_unexamine_pair(res, i, j);
			continue;
		}
		feature = strstr(sv, "kvm_amd") ? "svm" : "vmx";
		mr_verify_result_fail_pair(res, i, j,
		                           "nested virtualization %s on %s: guests started on %s "
		                           "see %s",
		                           !strcmp(dv, "none") ? "not available" : "off", d->name,
		                           s->name, feature);
		list_add(&from, "%s", s->name);
	}
	if (from.len)
		mr_verify_result_add_finding(
			res, j, MR_VERIFY_FAIL, CHECK_LOCAL,
			"turn nested virtualization on here too (options kvm_intel nested=1, or "
			"kvm_amd, in /etc/modprobe.d, then reload the module with no guest running), "
			"or set [nova] cpu_mode = custom",
			"nested virtualization %s here (%s), on on %s: guests started there with the "
			"host's CPU see %s and cannot move here",
			!strcmp(dv, "none") ? "not available" : "off",
			!strcmp(dv, "none") ? "no kvm_intel or kvm_amd" : dv + 4, from.data, feature);
	mr_buf_fini(&from);
}

/* One value compared across hosts: a host unknown is not compared, and
 * says so; each host that differs fails the pairs into it. */
static void join_uniform(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                         size_t n, const char *what, const char *fix, char **values)
{
	for (size_t i = 0; i < n; i++) {
		if (hs[i].error)
			continue;
		const char *mine = values[i];
		if (!mine) {
			mr_verify_result_add_finding(res, i, MR_VERIFY_UNEXAMINED, CHECK_UNIFORM, NULL,
			                             "%s unknown here: not compared", what);
			continue;
		}
		struct mr_buf b;
		mr_buf_init(&b);
		for (size_t j = 0; j < n; j++) {
			const char *theirs = j == i ? NULL : values[j];
			if (!theirs || !strcmp(theirs, mine))
				continue;
			list_add(&b, "'%s' on %s", *theirs ? theirs : "(not set)", hs[j].name);
			mr_verify_result_fail_pair(res, j, i, "%s '%s', not '%s'", what,
			                           *mine ? mine : "(not set)",
			                           *theirs ? theirs : "(not set)");
		}
		if (b.len)
			mr_verify_result_add_finding(res, i, MR_VERIFY_FAIL, CHECK_UNIFORM, fix,
			                             "%s '%s' here, %s", what, *mine ? mine : "(not set)",
			                             b.data);
		mr_buf_fini(&b);
	}
}

/* "uid:gid" of a user, the gid of a group, "(none)" when the host has no
 * such account; NULL without facts. */
static char *account(const struct mr_verify_ssh_host *h, const char *key)
{
	if (!h->facts)
		return NULL;
	const char *v = mr_facts_get(h->facts, key);
	if (!v)
		return mr_xstrdup("(none)");
	if (!strncmp(key, "user.", 5)) {
		const char *c = strchr(v, ':');
		c = c ? strchr(c + 1, ':') : NULL;
		return c ? mr_xstrndup(v, (size_t)(c - v)) : mr_xstrdup(v);
	}
	return mr_xstrdup(v);
}

static void join_uniformity(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                            size_t n)
{
	static const struct {
		const char *key, *what;
	} ids[] = {
		{ "user.nova", "nova's uid:gid" },
		{ "group.nova", "group nova's gid" },
		{ "user.libvirt-qemu", "libvirt-qemu's uid:gid" },
		{ "user.qemu", "qemu's uid:gid" },
		{ "group.kvm", "group kvm's gid" },
		{ "group.libvirt-qemu", "group libvirt-qemu's gid" },
		{ "group.qemu", "group qemu's gid" },
	};
	static const struct {
		enum mr_verify_conf c;
		const char *what, *fix;
	} confs[] = {
		{ MR_VCONF_QEMU_USER, "qemu.conf user", "set [qemu] user alike on every host" },
		{ MR_VCONF_QEMU_GROUP, "qemu.conf group", "set [qemu] group alike on every host" },
		{ MR_VCONF_DYNAMIC_OWNERSHIP, "qemu.conf dynamic_ownership",
		  "set [qemu] dynamic_ownership alike on every host" },
		{ MR_VCONF_PORT_MIN, "migration_port_min", "set [qemu] migration_port_min alike" },
		{ MR_VCONF_PORT_MAX, "migration_port_max", "set [qemu] migration_port_max alike" },
		{ MR_VCONF_INSTANCES_PATH, "nova's instances_path",
		  "set [nova] instances_path alike on every host" },
	};
	char **values = mr_xcalloc(n ? n : 1, sizeof(*values));
	for (size_t k = 0; k < MR_ARRAY_LEN(ids); k++) {
		for (size_t i = 0; i < n; i++)
			values[i] = account(&hs[i], ids[k].key);
		join_uniform(res, hs, n, ids[k].what,
		             "give it one id on every host (shared storage keeps numeric owners)",
		             values);
		for (size_t i = 0; i < n; i++)
			free(values[i]);
	}
	for (size_t k = 0; k < MR_ARRAY_LEN(confs); k++) {
		for (size_t i = 0; i < n; i++)
			values[i] = hs[i].conf[confs[k].c];
		join_uniform(res, hs, n, confs[k].what, confs[k].fix, values);
	}
	free(values);
	for (size_t i = 0; i < n; i++)
		if (!hs[i].error && hs[i].conf_error)
			mr_verify_result_add_finding(res, i, MR_VERIFY_UNEXAMINED, CHECK_UNIFORM, NULL,
			                             "%s", hs[i].conf_error);
}

/* Where host j's peers migrate to, not known (nova.conf not read, or an
 * oslo $NAME in live_migration_inbound_addr): the TCP tests into it
 * reached the inventory's address, maybe not that one. */
static void join_inbound(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                         size_t j)
{
	if (!hs[j].inbound || *hs[j].inbound || hs[j].error)
		return;
	mr_verify_result_add_pair_unexamined(res, j, CHECK_TCP,
	                                     "live_migration_inbound_addr here not known (nova.conf "
	                                     "not read, or a $ interpolation): the peers' TCP tests "
	                                     "reached %s, maybe not where they migrate to",
	                                     hs[j].address);
	mr_verify_result_unexamine_into(res, j);
}

static void join_drift(struct mr_verify_result *res, const struct mr_verify_ssh_host *h, size_t i)
{
	if (h->error)
		return;
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t k = 0; k < h->n_drift && k < 5; k++)
		list_add(&b, "%s", h->drift[k]);
	if (h->n_drift > 5)
		mr_buf_printf(&b, " (+%zu more)", h->n_drift - 5);
	if (h->n_drift) {
		char *opt = mr_verify_host_option(res, h->name);
		char *fix = mr_xasprintf("migready diff %s, then migready apply %s", opt, opt);
		free(opt);
		mr_verify_result_add_finding(res, i, MR_VERIFY_WARN, CHECK_DRIFT, fix,
		                             "%zu setting%s drifted from the profile: %s", h->n_drift,
		                             h->n_drift == 1 ? "" : "s", b.data);
		free(fix);
	}
	mr_buf_fini(&b);
	/* the profile's items check does not examine: not a pass of this
	 * check, but of no pair (check itself is green with them) */
	for (size_t k = 0; k < h->n_unchecked; k++)
		mr_verify_result_add_pair_unexamined(res, i, CHECK_DRIFT, "%s", h->unchecked[k]);
}

void mr_verify_ssh_join(struct mr_verify_result *res, const struct mr_verify_ssh_host *hs,
                        size_t n)
{
	for (size_t i = 0; i < n; i++)
		join_connection(res, &hs[i], i);
	for (size_t i = 0; i < n; i++) {
		if (probed(&hs[i])) {
			if (!strcmp(tcp_tool(&hs[i]), "none")) {
				/* its peers' probes to it ran: its pairs as the source
				 * alone are not examined */
				mr_verify_result_add_pair_unexamined(res, i, CHECK_TCP,
				                                     "TCP probes not run: no python3, "
				                                     "bash, nc or timeout here");
				mr_verify_result_unexamine_from(res, i);
			}
			join_dns(res, hs, n, i);
			join_ssh(res, hs, n, i);
			join_local(res, hs, n, i);
			join_nested(res, hs, n, i);
		}
		join_tcp(res, hs, n, i);
		join_tcp_unknown(res, hs, n, i);
		join_inbound(res, hs, i);
		if (!hs[i].error)
			join_shared(res, hs, n, i);
		join_drift(res, &hs[i], i);
	}
	join_uniformity(res, hs, n);
	/* a check not examined on a host, on either side, leaves every pair
	 * of the host not examined: never "can migrate" (found by a review) */
	for (size_t i = 0; i < n; i++)
		if (res->hosts[i].ssh_failed || mr_verify_host_unexamined(&res->hosts[i]))
			mr_verify_result_unexamine_host(res, i);
	/* a pair the SSH side found a reason against fails, whatever
	 * libvirt could tell of it */
	for (size_t k = 0; k < n * n; k++)
		if (res->pairs[k].n_reasons)
			res->pairs[k].examined = 1;
	for (size_t k = 0; k < mr_verify_n_ssh_checks; k++)
		mr_verify_result_mark_examined(res, mr_verify_ssh_checks[k]);
}

/* ---- the gathering ---- */

#define LIBVIRT_LENS "Migready_libvirt.lns"
#define OSLO_LENS "Migready_oslo.lns"
#define NOVA_DEFAULT_STATE "/var/lib/nova"

struct gather {
	const struct mr_target *targets;
	size_t n;
	const struct mr_verify_ssh_opts *opts;
	struct mr_verify_ssh_host *hosts;
	struct mr_fleet_gathered *fleet; /* the connections and facts */
	struct mr_ssh_keypairs keypairs; /* the controller's, for [ssh] drift */
	char **marker_paths; /* on the host, for the clean-up */
	struct mr_report rep;  /* the fleet's gathering, then `check` of each host's profile */
};

struct conf_key {
	const char *section, *key;
	enum mr_value_fmt fmt;
};

/* The values of keys in one host file, through its lens: removals on a
 * copy that is thrown away, so Augeas reads and nothing is written. "" for
 * a key the file leaves out (or the file is absent), NULL if unknown. */
static int read_conf(struct mr_transport *t, struct mr_aug *aug, const char *path,
                     const char *lens, const struct conf_key *keys, size_t n, char **values,
                     struct mr_error **err)
{
	char *text = NULL, *out = NULL, *where = NULL;
	size_t len = 0, out_len = 0;
	struct mr_stat st;
	struct mr_aug_op *ops = mr_xcalloc(n, sizeof(*ops));
	struct mr_aug_outcome *oc = mr_xcalloc(n, sizeof(*oc));
	int r = -1;
	if (mr_transport_read(t, path, &text, &len, &st, err) < 0)
		goto out;
	if (!st.exists) {
		for (size_t k = 0; k < n; k++)
			values[k] = mr_xstrdup("");
		r = 0;
		goto out;
	}
	for (size_t k = 0; k < n; k++)
		ops[k] = (struct mr_aug_op){ .kind = MR_AUG_RM, .section = keys[k].section,
			                         .key = keys[k].key, .fmt = keys[k].fmt };
	where = mr_xasprintf("%s:%s", t->host, path);
	if (mr_aug_transform(aug, where, lens, text, len, ops, n, oc, &out, &out_len, err) < 0)
		goto out;
	/* set twice: which one counts is the consumer's business, unknown here */
	for (size_t k = 0; k < n; k++)
		values[k] = oc[k].old ? mr_xstrdup(oc[k].old) : oc[k].present ? NULL : mr_xstrdup("");
	r = 0;
out:
	mr_aug_outcomes_fini(oc, n);
	free(oc);
	free(ops);
	free(out);
	free(text);
	free(where);
	return r;
}

/* "$state_path/instances", as oslo.config expands it. */
static char *expand_state_path(const char *v, const char *state_path)
{
	const char *sp = state_path && *state_path ? state_path : NOVA_DEFAULT_STATE;
	const char *forms[] = { "${state_path}", "$state_path" };
	for (size_t k = 0; k < MR_ARRAY_LEN(forms); k++)
		if (mr_str_startswith(v, forms[k]))
			return mr_xasprintf("%s%s", sp, v + strlen(forms[k]));
	return mr_xstrdup(v);
}

static void read_confs(struct gather *g, size_t i, struct mr_transport *t)
{
	static const struct conf_key qemu[] = {
		{ NULL, "user", MR_FMT_LIBVIRT_STR },
		{ NULL, "group", MR_FMT_LIBVIRT_STR },
		{ NULL, "dynamic_ownership", MR_FMT_LIBVIRT_NUM },
		{ NULL, "migration_port_min", MR_FMT_LIBVIRT_NUM },
		{ NULL, "migration_port_max", MR_FMT_LIBVIRT_NUM },
	};
	static const struct conf_key nova[] = {
		{ "DEFAULT", "instances_path", MR_FMT_RAW },
		{ "DEFAULT", "state_path", MR_FMT_RAW },
		{ "libvirt", "live_migration_inbound_addr", MR_FMT_RAW },
		{ "DEFAULT", "my_ip", MR_FMT_RAW },
	};
	struct mr_verify_ssh_host *h = &g->hosts[i];
	struct mr_error *err = NULL;
	char *nv[4] = { NULL, NULL, NULL, NULL };
	if (read_conf(t, g->opts->aug, "/etc/libvirt/qemu.conf", LIBVIRT_LENS, qemu,
	              MR_ARRAY_LEN(qemu), h->conf, &err) < 0 ||
	    read_conf(t, g->opts->aug, "/etc/nova/nova.conf", OSLO_LENS, nova, MR_ARRAY_LEN(nova),
	              nv, &err) < 0) {
		h->conf_error = mr_error_format(err);
		mr_error_free(err);
	}
	/* oslo's $NAME is not followed here: the address not known */
	if (!nv[2] || strchr(nv[2], '$'))
		h->inbound = mr_xstrdup("");
	else if (*nv[2])
		h->inbound = mr_xstrdup(nv[2]);
	if (!nv[3] || strchr(nv[3], '$'))
		h->my_ip = mr_xstrdup("");
	else if (*nv[3])
		h->my_ip = mr_xstrdup(nv[3]);
	if (nv[0])
		h->conf[MR_VCONF_INSTANCES_PATH] =
			*nv[0] ? expand_state_path(nv[0], nv[1]) : mr_xasprintf("%s/instances",
			                                                         nv[1] && *nv[1] ? nv[1]
			                                                                         : NOVA_DEFAULT_STATE);
	free(nv[0]);
	free(nv[1]);
	free(nv[2]);
	free(nv[3]);
}

/* `check` of the host's profile, in words. */
static void check_drift(struct gather *g, size_t i, struct mr_transport *t)
{
	const struct mr_target *tg = &g->targets[i];
	struct mr_verify_ssh_host *h = &g->hosts[i];
	struct mr_host_report *rep = &g->rep.hosts[i];
	struct mr_error *err = NULL;
	struct mr_plan *plan = mr_plan_new(h->facts);
	/* planned as check plans it: knowing every host and the key pair */
	struct mr_res_ctx ctx = { .profile = tg->profile, .cpus = g->opts->cpus,
		                      .fleet = mr_fleet_gathered_facts(g->fleet), .self = i,
		                      .keypairs = &g->keypairs };
	struct mr_run_opts ro = { .mode = MR_MODE_CHECK, .run_id = g->opts->run_id };
	if (mr_res_plan_all(plan, &ctx, &err) < 0 ||
	    mr_plan_run(plan, t, g->opts->aug, &ro, rep, &err) < 0) {
		char *msg = mr_error_format(err);
		h->unchecked = mr_xreallocarray(h->unchecked, h->n_unchecked + 1, sizeof(char *));
		h->unchecked[h->n_unchecked++] = mr_xasprintf("profile not checked: %s", msg);
		free(msg);
	}
	for (size_t k = 0; k < rep->n_items; k++) {
		const struct mr_item *it = &rep->items[k];
		if (it->outcome == MR_OUTCOME_DRIFT) {
			h->drift = mr_xreallocarray(h->drift, h->n_drift + 1, sizeof(char *));
			h->drift[h->n_drift++] = mr_xasprintf(
				"%s %s%s%s -> %s%s%s", it->setting, it->old ? "'" : "",
				it->old ? it->old : "absent", it->old ? "'" : "", it->want ? "'" : "",
				it->want ? it->want : "absent", it->want ? "'" : "");
		} else if (it->outcome == MR_OUTCOME_FAILED) {
			h->unchecked = mr_xreallocarray(h->unchecked, h->n_unchecked + 1, sizeof(char *));
			h->unchecked[h->n_unchecked++] =
				mr_xasprintf("%s not checked: %s", it->setting,
				             it->note ? it->note : "failed");
		} else if (it->outcome == MR_OUTCOME_UNCHECKED) {
			/* what check says it did not examine (found by a review:
			 * a PASS for a profile check would not pass) */
			h->unchecked = mr_xreallocarray(h->unchecked, h->n_unchecked + 1, sizeof(char *));
			h->unchecked[h->n_unchecked++] =
				mr_xasprintf("%s not checked (%s)", it->setting,
				             it->origin ? it->origin : "the profile");
		}
	}
	if (!err && !mr_host_report_checked(rep)) {
		h->unchecked = mr_xreallocarray(h->unchecked, h->n_unchecked + 1, sizeof(char *));
		h->unchecked[h->n_unchecked++] = mr_xstrdup("nothing of the profile checked");
	}
	for (size_t k = 0; k < rep->n_files; k++) {
		if (!rep->files[k].error)
			continue;
		h->unchecked = mr_xreallocarray(h->unchecked, h->n_unchecked + 1, sizeof(char *));
		h->unchecked[h->n_unchecked++] =
			mr_xasprintf("%s not checked: %s", rep->files[k].path, rep->files[k].error);
	}
	mr_error_free(err);
	mr_plan_free(plan);
}

/* The marker: a hidden file of the transport's own naming, written in
 * the instances directory as any file migready stages. 0600: the peers
 * only look for its name, and where a command stages it (become) no mode
 * could be given but by name, in a directory nova owns. */
static void write_marker(struct gather *g, size_t i, struct mr_transport *t)
{
	struct mr_verify_ssh_host *h = &g->hosts[i];
	const char *inst = h->conf[MR_VCONF_INSTANCES_PATH];
	struct mr_error *err = NULL;
	char *tmp = NULL;
	if (!inst || inst[0] != '/') {
		h->marker_error = mr_xstrdup("the instances directory is unknown");
		return;
	}
	char *path = mr_xasprintf("%s/migready-verify", inst);
	char *data = mr_xasprintf("migready verify %s from %s\n", g->opts->run_id, h->name);
	if (t->ops->stage(t, path, data, strlen(data), 0600, (uid_t)-1, (gid_t)-1, &tmp, &err) < 0) {
		char *msg = mr_error_format(err);
		h->marker_error = mr_xasprintf("cannot write in %s: %s", inst, msg);
		free(msg);
	} else {
		const char *base = strrchr(tmp, '/');
		h->marker = mr_xstrdup(base ? base + 1 : tmp);
		g->marker_paths[i] = tmp;
		tmp = NULL;
	}
	mr_error_free(err);
	free(tmp);
	free(data);
	free(path);
}

static int shared_expected(const struct mr_profile *p)
{
	const struct mr_setting *role = mr_profile_get(p, "nfs", "role");
	size_t nm = 0, nf = 0;
	mr_profile_get_all(p, "nfs", "mount", &nm);
	int shared = nm > 0 || (role && (!strcmp(role->value, "client") || !strcmp(role->value, "both")));
	const struct mr_setting *const *flags = mr_profile_get_all(p, "nova", "live_migration_flag", &nf);
	for (size_t k = 0; k < nf; k++)
		if (strstr(flags[k]->value, "VIR_MIGRATE_NON_SHARED_"))
			shared = 0; /* block migration copies the disks */
	return shared;
}

/* nova's CPU configuration as it reads it now, where it reads its
 * nova.conf here: the analysis judges the migrations the hosts would make
 * today, and a profile may leave the CPU to the deployment tool. */
static void nova_cpu(struct mr_verify_ssh_host *h, const struct mr_profile *profile)
{
	char *mode = NULL, *models = NULL;
	/* the probe reports nova's options for such profiles only: else
	 * unknown, not unset */
	if (!mr_nova_watched(profile) ||
	    !mr_res_nova_option(h->facts, profile, "libvirt", "cpu_mode", 0, &mode))
		return;
	mr_res_nova_option(h->facts, profile, "libvirt", "cpu_models", 0, &models);
	free(h->cpu_mode);
	h->cpu_mode = mode;
	h->cpu_models = models;
	h->cpu_from_host = 1;
}

void mr_verify_ssh_cpu_config(const struct mr_verify_ssh_host *hs, size_t n,
                              struct mr_verify_input *in)
{
	int custom_now = 0;
	for (size_t i = 0; i < n && i < in->n; i++) {
		struct mr_verify_host *vh = &in->hosts[i];
		if (!hs[i].cpu_from_host)
			continue;
		free(vh->cpu_mode);
		vh->cpu_mode = hs[i].cpu_mode ? mr_xstrdup(hs[i].cpu_mode) : NULL;
		mr_strv_free(vh->cpu_models);
		size_t k = 0;
		vh->cpu_models = hs[i].cpu_models ? mr_nova_split_list(hs[i].cpu_models, &k) : NULL;
		custom_now |= vh->cpu_mode && !strcmp(vh->cpu_mode, "custom");
	}
	/* the libvirt side asked for domain capabilities by the profiles */
	for (size_t i = 0; custom_now && i < in->n; i++) {
		struct mr_verify_host *vh = &in->hosts[i];
		if (vh->domcaps_xml || vh->error || !vh->domcaps_error ||
		    !mr_str_startswith(vh->domcaps_error, "not asked"))
			continue;
		free(vh->domcaps_error);
		vh->domcaps_error = mr_xstrdup("not asked: some nova.conf sets cpu_mode = custom, no "
		                               "profile does (set [nova] cpu_mode = custom to have "
		                               "them read)");
	}
}

/* After the fleet's gathering: the files, the check of the profile and
 * the marker, on the connection the facts came through. */
static void round_files(void *data, size_t i)
{
	struct gather *g = data;
	struct mr_verify_ssh_host *h = &g->hosts[i];
	struct mr_transport *t = mr_fleet_gathered_transport(g->fleet, i);
	if (!t) {
		const char *why = g->rep.hosts[i].error;
		h->error = why ? mr_xstrdup(why) : mr_xasprintf("%s: not reached", h->name);
		return;
	}
	h->facts = mr_facts_copy(mr_fleet_gathered_facts(g->fleet)->hosts[i].facts);
	nova_cpu(h, g->targets[i].profile);
	read_confs(g, i, t);
	check_drift(g, i, t);
	if (!t->broken)
		write_marker(g, i, t);
	if (t->broken)
		h->error = mr_xasprintf("%s: the connection was lost", h->name);
}

static void round_probe(void *data, size_t i)
{
	struct gather *g = data;
	struct mr_verify_ssh_host *h = &g->hosts[i];
	struct mr_transport *t = mr_fleet_gathered_transport(g->fleet, i);
	struct mr_error *err = NULL;
	char *out = NULL;
	size_t len = 0;
	int status = -1;
	if (h->error || !t)
		return;
	int d = g->opts->timeout_s / 4 > 0 ? g->opts->timeout_s / 4 : 1;
	/* argv: the script, then 4 words and 9 per peer */
	size_t na = 9 + 9 * g->n;
	const char **argv = mr_xcalloc(na, sizeof(*argv));
	char **owned = mr_xcalloc(4 * g->n + 1, sizeof(*owned));
	size_t a = 0, o = 0;
	argv[a++] = "/bin/sh";
	argv[a++] = "-c";
	argv[a++] = MR_VERIFY_PROBE_SH;
	argv[a++] = "migready-verify";
	argv[a++] = owned[o++] = mr_xasprintf("%d", d);
	argv[a++] = h->ssh_user ? h->ssh_user : "";
	argv[a++] = h->conf[MR_VCONF_INSTANCES_PATH] ? h->conf[MR_VCONF_INSTANCES_PATH] : "";
	argv[a++] = MR_VERIFY_TCP_PY;
	for (size_t j = 0; j < g->n; j++) {
		const struct mr_verify_ssh_host *p = &g->hosts[j];
		if (j == i)
			continue;
		const char *mp = p->conf[MR_VCONF_PORT_MIN] && *p->conf[MR_VCONF_PORT_MIN]
		                         ? p->conf[MR_VCONF_PORT_MIN]
		                         : "49152";
		argv[a++] = owned[o++] = mr_xasprintf("%zu", j);
		argv[a++] = p->name;
		argv[a++] = p->address;
		argv[a++] = owned[o++] = mr_xasprintf("%u", p->listener_port);
		argv[a++] = mp;
		/* nova's ssh: to its my_ip, on the port its own configuration
		 * gives ("-"); my_ip not set: the inventory's address and port */
		int nova_path = p->my_ip && *p->my_ip;
		argv[a++] = nova_path ? "-" : (owned[o++] = mr_xasprintf("%u", p->ssh_port));
		argv[a++] = p->marker ? p->marker : "-";
		/* the TCP tests where the migration goes (one not known: the
		 * address, its pairs not examined in the join) */
		argv[a++] = p->inbound && *p->inbound ? p->inbound : p->address;
		argv[a++] = nova_path ? p->my_ip : p->address;
	}
	argv[a] = NULL;
	if (mr_transport_run(t, argv, &out, &len, &status, &err) < 0) {
		h->probe_error = mr_error_format(err);
	} else {
		h->probe = mr_facts_parse(h->name, out ? out : "", len, &err);
		if (!h->probe)
			h->probe_error = mr_error_format(err);
		else if (!mr_facts_get(h->probe, "done"))
			h->probe_error = mr_xasprintf("the probe stopped early (exit %d)", status);
	}
	for (size_t k = 0; k < o; k++)
		free(owned[k]);
	free(owned);
	free(argv);
	free(out);
	mr_error_free(err);
}

static void round_clean(void *data, size_t i)
{
	struct gather *g = data;
	struct mr_transport *t = mr_fleet_gathered_transport(g->fleet, i);
	if (t && g->marker_paths[i])
		t->ops->unstage(t, g->marker_paths[i]);
}

void mr_verify_ssh_gather(const struct mr_target *targets, const unsigned *listener_ports,
                          size_t n, const struct mr_verify_ssh_opts *opts,
                          struct mr_verify_ssh_host **hosts)
{
	struct gather g = { .targets = targets, .n = n, .opts = opts };
	g.hosts = mr_xcalloc(n ? n : 1, sizeof(*g.hosts));
	g.marker_paths = mr_xcalloc(n ? n : 1, sizeof(*g.marker_paths));
	mr_report_init(&g.rep, "verify", n);
	for (size_t i = 0; i < n; i++) {
		const struct mr_target *tg = &targets[i];
		struct mr_verify_ssh_host *h = &g.hosts[i];
		const struct mr_setting *user = mr_profile_get(tg->profile, "ssh", "user");
		h->name = mr_xstrdup(tg->name);
		h->address = mr_xstrdup(tg->host && tg->host->address ? tg->host->address : tg->name);
		h->ssh_port = tg->host && tg->host->port ? tg->host->port : 22;
		h->listener_port = listener_ports[i];
		h->ssh_user = mr_xstrdup(user ? user->value : "nova");
		h->shared_expected = shared_expected(tg->profile);
		const struct mr_setting *mode = mr_profile_get(tg->profile, "nova", "cpu_mode");
		h->cpu_mode = mode ? mr_xstrdup(mode->value) : NULL;
		g.rep.hosts[i].name = mr_xstrdup(tg->name);
	}
	/* the fleet's phase 1 (no lock: verify changes nothing), then our
	 * rounds on its connections and its workers */
	struct mr_fleet_opts fo = { .jobs = opts->jobs, .timeout_s = opts->timeout_s,
		                        .lock_wait_s = -1, .cpus = opts->cpus,
		                        .run = { .mode = MR_MODE_CHECK, .run_id = opts->run_id } };
	g.fleet = mr_fleet_gather(targets, n, &fo, 0, &g.rep);
	mr_fleet_keypairs_load(&g.keypairs, targets, n, 0);
	mr_fleet_each(n, opts->jobs, round_files, &g);
	mr_fleet_each(n, opts->jobs, round_probe, &g);
	mr_fleet_each(n, opts->jobs, round_clean, &g);
	mr_fleet_gathered_free(g.fleet); /* closes the connections */
	mr_ssh_keypairs_fini(&g.keypairs);
	/* What the workers freed stays in their malloc arenas, where the
	 * analysis (the main thread's, n * n pairs) cannot reuse it: given
	 * back, it is not counted twice at the peak. */
	malloc_trim(0);
	for (size_t i = 0; i < n; i++)
		free(g.marker_paths[i]);
	free(g.marker_paths);
	mr_report_fini(&g.rep);
	*hosts = g.hosts;
}

static void strv_free_n(char **v, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(v[k]);
	free(v);
}

void mr_verify_ssh_hosts_free(struct mr_verify_ssh_host *hosts, size_t n)
{
	for (size_t i = 0; hosts && i < n; i++) {
		struct mr_verify_ssh_host *h = &hosts[i];
		free(h->name);
		free(h->address);
		free(h->inbound);
		free(h->my_ip);
		free(h->ssh_user);
		free(h->cpu_mode);
		free(h->cpu_models);
		free(h->error);
		mr_facts_free(h->facts);
		mr_facts_free(h->probe);
		free(h->probe_error);
		for (size_t k = 0; k < MR_VCONF_N; k++)
			free(h->conf[k]);
		free(h->conf_error);
		free(h->marker);
		free(h->marker_error);
		strv_free_n(h->drift, h->n_drift);
		strv_free_n(h->unchecked, h->n_unchecked);
	}
	free(hosts);
}
