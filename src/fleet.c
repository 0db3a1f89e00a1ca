#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "facts.h"
#include "rollback.h"
#include "inventory.h"
#include "fleet.h"
#include "nova.h"
#include "res.h"
#include "sshkeys.h"
#include "transport.h"

/* One host's state between the phases. */
struct host_state {
	struct mr_transport *t;
	struct mr_facts *facts;
	double seconds;
};

struct mr_fleet_gathered {
	struct host_state *hosts;
	struct mr_fleet_facts ff;
};

struct fleet {
	const struct mr_target *targets;
	size_t n;
	const struct mr_fleet_opts *opts;
	struct mr_aug *aug;
	struct mr_report *rep;
	struct host_state *hosts;
	const struct mr_fleet_facts *ff;    /* phase 2 of a fleet run, else NULL */
	const struct mr_ssh_keypairs *keypairs;
	int lock;                            /* take each host's lock */
	int phase;                           /* 1 gather, 2 plan, 3 both */
	pthread_mutex_t mutex; /* done, failed */
	size_t done;
	size_t failed;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail_with(struct mr_host_report *rep, struct mr_error *err)
{
	for (struct mr_error *e = err; e; e = e->next) {
		char *msg = mr_error_format(e);
		mr_host_report_fail(rep, msg);
		free(msg);
	}
}

/* What the facts say in a word, for `migready facts` (add_fact) and the
 * report's summary of every host (add_summary, with the OS too). */
static void derived_facts(struct mr_host_report *rep, const struct mr_facts *facts,
                          const char *world, const char *why,
                          void (*add)(struct mr_host_report *, const char *, const char *))
{
	if (add == mr_host_report_add_summary) {
		const char *os[] = { "os.id", "os.version_id" };
		for (size_t i = 0; i < MR_ARRAY_LEN(os); i++) {
			const char *v = mr_facts_get(facts, os[i]);
			add(rep, os[i], v && *v ? v : "unknown");
		}
	}
	char *v = mr_facts_libvirt_version(facts);
	add(rep, "libvirt.version", v ? v : "unknown");
	free(v);
	v = mr_facts_nova_version(facts);
	add(rep, "nova.version", v ? v : "unknown");
	free(v);
	char *w = mr_xasprintf("%s (%s)", world, why ? why : "");
	add(rep, "libvirt.listener", w);
	free(w);
	const char *d = mr_facts_libvirtd_defaults(facts);
	add(rep, "libvirtd.defaults", d ? d : "unknown");
}

/* Phase 1: connect and run the facts probe; the connection stays open
 * (holding the host's lock when asked) for phase 2. */
struct mr_transport *mr_fleet_connect(const struct mr_target *tg, int timeout_s, size_t max_file,
                                      struct mr_error **err)
{
	struct mr_transport *t;
	if (tg->host) {
		const struct mr_host *h = tg->host;
		struct mr_conn_spec spec = { h->name, h->address, h->port, h->user, h->identity,
			                         h->known_hosts, h->root, h->host_key_check,
			                         h->become ? h->become_user : NULL };
		t = mr_transport_ssh_new(&spec, timeout_s, err);
	} else {
		t = mr_transport_local_new(tg->root, err);
	}
	if (!t)
		return NULL;
	t->timeout_s = timeout_s;
	if (max_file)
		t->max_file = max_file;
	/* The target's root is the command line's --root, else the host's. */
	if (tg->host && tg->root) {
		free(t->root);
		t->root = strcmp(tg->root, "/") != 0 ? mr_xstrdup(tg->root) : NULL;
	}
	return t;
}

static void gather_host(struct fleet *f, size_t i)
{
	const struct mr_target *tg = &f->targets[i];
	struct mr_host_report *rep = &f->rep->hosts[i];
	struct host_state *hs = &f->hosts[i];
	const struct mr_fleet_opts *o = f->opts;
	struct mr_error *err = NULL;
	double start = now_s();

	hs->t = mr_fleet_connect(tg, o->timeout_s, o->max_file, &err);
	if (!hs->t) {
		fail_with(rep, err);
		goto out;
	}
	mr_log(MR_LOG_INFO, "%s: connected in %.3f s", tg->name, now_s() - start);
	const char *inst = mr_res_instances_path(tg->profile);
	char *holder = mr_xasprintf("migready %s (pid %ld)", o->run.run_id, (long)getpid());
	/* [ssh]'s user (nova by default): its account, and sshd's configuration */
	const struct mr_setting *ssh_user = mr_profile_get(tg->profile, "ssh", "user");
	const char *account = ssh_user                                      ? ssh_user->value
	                      : mr_profile_has_section(tg->profile, "ssh") ? "nova"
	                                                                    : NULL;
	const struct mr_setting *shell = mr_profile_get(tg->profile, "ssh", "shell");
	char *nova_keys = mr_nova_watch_keys(tg->profile);
	char *ids = mr_res_qemu_ids(tg->profile);
	hs->facts = mr_facts_gather(hs->t, inst, account, shell ? shell->value : NULL, nova_keys,
	                            ids, f->lock ? o->lock_wait_s : -1, holder, &err);
	free(ids);
	free(nova_keys);
	free(holder);
	if (!hs->facts) {
		fail_with(rep, err);
		mr_transport_close(hs->t); /* releases the host's lock */
		hs->t = NULL;
	} else {
		rep->reached = 1;
	}
out:
	mr_error_free(err);
	hs->seconds += now_s() - start;
}

/* Phase 2: plan from the facts (and the fleet's, if gathered) and run. */
static void plan_host(struct fleet *f, size_t i)
{
	const struct mr_target *tg = &f->targets[i];
	struct mr_host_report *rep = &f->rep->hosts[i];
	struct host_state *hs = &f->hosts[i];
	const struct mr_fleet_opts *o = f->opts;
	struct mr_error *err = NULL;
	struct mr_plan *plan = NULL;
	double start = now_s();

	if (!hs->facts)
		goto out;
	plan = mr_plan_new(hs->facts);
	const char *why = NULL;
	rep->world = mr_xstrdup(mr_libvirt_world_name(mr_res_world(plan, tg->profile, &why)));
	/* connected and probed: the gather phase's time */
	mr_log(MR_LOG_INFO, "%s: facts probed at %.3f s: libvirt listener %s", tg->name,
	       hs->seconds, rep->world);
	derived_facts(rep, hs->facts, rep->world, why, mr_host_report_add_summary);
	if (o->facts_only) {
		for (size_t k = 0; k < mr_facts_count(hs->facts); k++) {
			const char *key, *value;
			mr_facts_pair(hs->facts, k, &key, &value);
			mr_host_report_add_fact(rep, key, value);
		}
		derived_facts(rep, hs->facts, rep->world, why, mr_host_report_add_fact);
		goto out;
	}
	if (o->host_fn) {
		o->host_fn(o->host_ctx, i, hs->t, hs->facts, rep);
		goto out;
	}
	struct mr_res_ctx ctx = { tg->profile, o->run.explicit_defaults, o->cpus, f->ff, i,
		                      f->keypairs };
	if (mr_res_plan_all(plan, &ctx, &err) < 0) {
		fail_with(rep, err);
		goto out;
	}
	/* times since the host's start: its gather phase's, then this one's */
	mr_log(MR_LOG_INFO, "%s: planned at %.3f s: %zu files, %zu units", tg->name,
	       hs->seconds + now_s() - start, mr_plan_file_count(plan), mr_plan_unit_count(plan));
	if (mr_plan_run(plan, hs->t, f->aug, &o->run, rep, &err) < 0)
		fail_with(rep, err);
	else if (f->lock && !mr_host_report_failed(rep))
		/* f->lock: every apply, so that age limits hold on hosts that
		 * converged long ago too; in the probe's shell that holds the
		 * lock, as the commit was: no session of its own */
		mr_rollback_prune(hs->t, tg->profile, o->run.run_id);
	mr_log(MR_LOG_INFO, "%s: files read, parsed%s at %.3f s: %zu settings, %zu not as desired%s",
	       tg->name, o->run.mode == MR_MODE_APPLY ? " and committed" : " and compared",
	       hs->seconds + now_s() - start, mr_host_report_checked(rep), mr_host_report_drift(rep),
	       mr_host_report_failed(rep) ? ", failed" : "");
out:
	mr_error_free(err);
	mr_transport_close(hs->t); /* releases the host's lock */
	hs->t = NULL;
	mr_plan_free(plan);
	if (!f->ff) { /* else the other hosts' plans read them: freed after */
		mr_facts_free(hs->facts);
		hs->facts = NULL;
	}
	hs->seconds += now_s() - start;
	rep->seconds = hs->seconds;
}

/* The pool of workers: each takes the next index until none is left. */
struct pool {
	size_t n;
	void (*fn)(void *data, size_t i);
	void *data;
	pthread_mutex_t mutex; /* next */
	size_t next;
};

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mutex);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mutex);
		if (i >= p->n)
			return NULL;
		p->fn(p->data, i);
	}
}

void mr_fleet_each(size_t n, unsigned jobs, void (*fn)(void *data, size_t i), void *data)
{
	struct pool p = { .n = n, .fn = fn, .data = data };
	size_t workers = jobs ? jobs : MR_FLEET_DEFAULT_JOBS;
	if (workers > n)
		workers = n;
	pthread_mutex_init(&p.mutex, NULL);
	pthread_t *tids = mr_xcalloc(workers ? workers : 1, sizeof(*tids));
	size_t started = 0;
	for (; workers > 1 && started < workers; started++)
		if (pthread_create(&tids[started], NULL, pool_worker, &p) != 0)
			break;
	if (started == 0)
		pool_worker(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	pthread_mutex_destroy(&p.mutex);
}

static void phase_host(void *data, size_t i)
{
	struct fleet *f = data;
	if (f->phase & 1)
		gather_host(f, i);
	if (f->phase & 2)
		plan_host(f, i);
	pthread_mutex_lock(&f->mutex);
	f->done++;
	f->failed += mr_host_report_failed(&f->rep->hosts[i]);
	if (f->opts->progress)
		mr_log_progress("migready: %zu/%zu hosts %s, %zu failed", f->done, f->n,
		                f->phase == 1 ? "gathered" : "done", f->failed);
	pthread_mutex_unlock(&f->mutex);
}

/* Runs one phase (or both) over every target with -j workers. */
static void run_phase(struct fleet *f, int phase)
{
	f->phase = phase;
	f->done = f->failed = 0;
	mr_fleet_each(f->n, f->opts->jobs, phase_host, f);
	if (f->opts->progress)
		mr_log_progress_end();
}

/* The fleet's view of host i once gathered. */
static void fleet_host(const struct mr_target *tg, const struct host_state *hs,
                       struct mr_fleet_host *fh)
{
	fh->name = tg->name;
	fh->address = tg->host ? (tg->host->address ? tg->host->address : tg->host->name) : NULL;
	fh->port = tg->host && tg->host->port ? tg->host->port : 22;
	fh->facts = hs->facts;
	fh->hostname = hs->facts ? mr_facts_get(hs->facts, "hostname") : NULL;
	/* Only the key the connection verified, not the host's other
	 * /etc/ssh/ssh_host_*_key.pub: sshd may not serve those (HostKey).
	 * The client does not learn the others (UpdateHostKeys skips a key
	 * listed under several names, as ours are); it asks for the type
	 * listed, unless another known_hosts file lists another (res_ssh). */
	char *verified = mr_transport_verified_host_key(hs->t);
	if (verified) {
		fh->host_keys = mr_xcalloc(1, sizeof(*fh->host_keys));
		fh->host_keys[fh->n_host_keys++] = verified;
	} else if (!tg->host && hs->facts) {
		/* this machine: its keys as the probe read them from /etc/ssh */
		const char **keys = NULL;
		size_t n = mr_facts_get_all(hs->facts, "hostkey", &keys);
		fh->host_keys = mr_xcalloc(n + 1, sizeof(*fh->host_keys));
		for (size_t k = 0; k < n; k++)
			fh->host_keys[fh->n_host_keys++] = mr_xstrdup(keys[k]);
		free(keys);
	}
}

static void fleet_init(struct fleet *f, const struct mr_target *targets, size_t n,
                       const struct mr_fleet_opts *opts, struct mr_report *rep)
{
	*f = (struct fleet){ .targets = targets, .n = n, .opts = opts, .rep = rep };
	f->hosts = mr_xcalloc(n + 1, sizeof(*f->hosts));
	pthread_mutex_init(&f->mutex, NULL);
	for (size_t i = 0; i < n; i++)
		if (!rep->hosts[i].name)
			rep->hosts[i].name = mr_xstrdup(targets[i].name);
}

static void gathered_fill(struct mr_fleet_gathered *g, const struct mr_target *targets,
                          size_t n)
{
	g->ff.n = n;
	g->ff.hosts = mr_xcalloc(n + 1, sizeof(*g->ff.hosts));
	for (size_t i = 0; i < n; i++)
		fleet_host(&targets[i], &g->hosts[i], &g->ff.hosts[i]);
}

struct mr_fleet_gathered *mr_fleet_gather(const struct mr_target *targets, size_t n,
                                          const struct mr_fleet_opts *opts, int lock,
                                          struct mr_report *rep)
{
	struct fleet f;
	fleet_init(&f, targets, n, opts, rep);
	f.lock = lock;
	run_phase(&f, 1);
	pthread_mutex_destroy(&f.mutex);
	struct mr_fleet_gathered *g = mr_xcalloc(1, sizeof(*g));
	g->hosts = f.hosts;
	gathered_fill(g, targets, n);
	return g;
}

const struct mr_fleet_facts *mr_fleet_gathered_facts(const struct mr_fleet_gathered *g)
{
	return &g->ff;
}

struct mr_transport *mr_fleet_gathered_transport(const struct mr_fleet_gathered *g, size_t i)
{
	return g->hosts[i].t;
}

static void fleet_facts_fini(struct mr_fleet_facts *ff)
{
	for (size_t i = 0; i < ff->n; i++) {
		for (size_t k = 0; k < ff->hosts[i].n_host_keys; k++)
			free(ff->hosts[i].host_keys[k]);
		free(ff->hosts[i].host_keys);
	}
	free(ff->hosts);
}

void mr_fleet_gathered_free(struct mr_fleet_gathered *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->ff.n; i++) {
		mr_transport_close(g->hosts[i].t);
		mr_facts_free(g->hosts[i].facts);
	}
	fleet_facts_fini(&g->ff);
	free(g->hosts);
	free(g);
}

/* A profile that plans from every host's facts. */
static int needs_fleet(const struct mr_profile *p)
{
	const struct mr_setting *kh = mr_profile_get(p, "ssh", "known_hosts");
	return mr_profile_has_section(p, "ssh") && (!kh || strcmp(kh->value, "off") != 0);
}

void mr_fleet_keypairs_load(struct mr_ssh_keypairs *keypairs, const struct mr_target *targets,
                            size_t n, int generate)
{
	for (size_t i = 0; i < n; i++) {
		const struct mr_setting *kp = mr_profile_get(targets[i].profile, "ssh", "keypair");
		if (kp && mr_profile_has_section(targets[i].profile, "ssh"))
			mr_ssh_keypairs_add(keypairs, kp, generate);
	}
}

void mr_fleet_run(const struct mr_target *targets, size_t n, const struct mr_fleet_opts *opts,
                  struct mr_aug *aug, struct mr_report *rep)
{
	struct fleet f;
	struct mr_ssh_keypairs keypairs = { 0 };
	fleet_init(&f, targets, n, opts, rep);
	f.aug = aug;
	f.lock = opts->host_fn ? opts->host_lock : opts->run.mode == MR_MODE_APPLY && !opts->facts_only;
	int fleet_wide = 0;
	for (size_t i = 0; !opts->facts_only && !opts->host_fn && i < n; i++)
		fleet_wide |= needs_fleet(targets[i].profile);
	/* before any host: apply creates the pair */
	if (!opts->facts_only && !opts->host_fn)
		mr_fleet_keypairs_load(&keypairs, targets, n, opts->run.mode == MR_MODE_APPLY);
	f.keypairs = &keypairs;
	if (!fleet_wide) {
		run_phase(&f, 3);
	} else {
		struct mr_fleet_gathered g = { .hosts = f.hosts };
		run_phase(&f, 1);
		gathered_fill(&g, targets, n);
		f.ff = &g.ff;
		run_phase(&f, 2); /* closes each host's connection */
		fleet_facts_fini(&g.ff);
		for (size_t i = 0; i < n; i++)
			mr_facts_free(f.hosts[i].facts);
	}
	mr_ssh_keypairs_fini(&keypairs);
	free(f.hosts);
	pthread_mutex_destroy(&f.mutex);
}
