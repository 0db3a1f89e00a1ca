#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "facts.h"
#include "inventory.h"
#include "fleet.h"
#include "res.h"
#include "res.h"
#include "transport.h"

struct fleet {
	const struct mr_target *targets;
	size_t n;
	const struct mr_fleet_opts *opts;
	struct mr_aug *aug;
	struct mr_report *rep;
	pthread_mutex_t lock; /* next, done, failed */
	size_t next;
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

static void run_host(struct fleet *f, size_t i)
{
	const struct mr_target *tg = &f->targets[i];
	struct mr_host_report *rep = &f->rep->hosts[i];
	const struct mr_fleet_opts *o = f->opts;
	struct mr_error *err = NULL;
	struct mr_transport *t = NULL;
	struct mr_facts *facts = NULL;
	struct mr_plan *plan = NULL;
	double start = now_s();

	if (tg->host) {
		const struct mr_host *h = tg->host;
		struct mr_conn_spec spec = { h->name, h->address, h->port, h->user, h->identity,
			                         h->known_hosts, h->root, h->host_key_check };
		t = mr_transport_ssh_new(&spec, o->timeout_s, &err);
	} else {
		t = mr_transport_local_new(tg->root, &err);
	}
	if (!t) {
		fail_with(rep, err);
		goto out;
	}
	mr_log(MR_LOG_INFO, "%s: connected in %.3f s", tg->name, now_s() - start);
	t->timeout_s = o->timeout_s;
	t->max_file = o->max_file;
	/* The target's root is the command line's --root, else the host's. */
	if (tg->host && tg->root) {
		free(t->root);
		t->root = strcmp(tg->root, "/") != 0 ? mr_xstrdup(tg->root) : NULL;
	}
	const struct mr_setting *inst = mr_profile_get(tg->profile, "nova", "instances_path");
	int lock = o->run.mode == MR_MODE_APPLY && !o->facts_only;
	char *holder = mr_xasprintf("migready %s (pid %ld)", o->run.run_id, (long)getpid());
	facts = mr_facts_gather(t, inst ? inst->value : NULL, lock ? o->lock_wait_s : -1, holder,
	                        &err);
	free(holder);
	if (!facts) {
		fail_with(rep, err);
		goto out;
	}
	rep->reached = 1;
	plan = mr_plan_new(facts);
	const char *why = NULL;
	rep->world = mr_xstrdup(mr_libvirt_world_name(mr_res_world(plan, tg->profile, &why)));
	mr_log(MR_LOG_INFO, "%s: facts probed at %.3f s: libvirt listener %s", tg->name,
	       now_s() - start, rep->world);
	derived_facts(rep, facts, rep->world, why, mr_host_report_add_summary);
	if (o->facts_only) {
		for (size_t k = 0; k < mr_facts_count(facts); k++) {
			const char *key, *value;
			mr_facts_pair(facts, k, &key, &value);
			mr_host_report_add_fact(rep, key, value);
		}
		derived_facts(rep, facts, rep->world, why, mr_host_report_add_fact);
		goto out;
	}
	struct mr_res_ctx ctx = { tg->profile, o->run.explicit_defaults, o->cpus };
	if (mr_res_plan_all(plan, &ctx, &err) < 0) {
		fail_with(rep, err);
		goto out;
	}
	mr_log(MR_LOG_INFO, "%s: planned at %.3f s: %zu files, %zu units", tg->name,
	       now_s() - start, mr_plan_file_count(plan), mr_plan_unit_count(plan));
	if (mr_plan_run(plan, t, f->aug, &o->run, rep, &err) < 0)
		fail_with(rep, err);
	mr_log(MR_LOG_INFO, "%s: files read, parsed%s at %.3f s: %zu settings, %zu not as desired%s",
	       tg->name, o->run.mode == MR_MODE_APPLY ? " and committed" : " and compared",
	       now_s() - start, mr_host_report_checked(rep), mr_host_report_drift(rep),
	       mr_host_report_failed(rep) ? ", failed" : "");
out:
	mr_error_free(err);
	mr_transport_close(t); /* releases the host's lock */
	mr_plan_free(plan);
	mr_facts_free(facts);
	rep->seconds = now_s() - start;
}

static void *worker(void *data)
{
	struct fleet *f = data;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		size_t i = f->next++;
		pthread_mutex_unlock(&f->lock);
		if (i >= f->n)
			return NULL;
		run_host(f, i);
		pthread_mutex_lock(&f->lock);
		f->done++;
		f->failed += mr_host_report_failed(&f->rep->hosts[i]);
		if (f->opts->progress)
			mr_log_progress("migready: %zu/%zu hosts done, %zu failed", f->done, f->n,
			                f->failed);
		pthread_mutex_unlock(&f->lock);
	}
}

void mr_fleet_run(const struct mr_target *targets, size_t n, const struct mr_fleet_opts *opts,
                  struct mr_aug *aug, struct mr_report *rep)
{
	struct fleet f = {
		.targets = targets, .n = n, .opts = opts, .aug = aug, .rep = rep,
	};
	pthread_mutex_init(&f.lock, NULL);
	for (size_t i = 0; i < n; i++)
		rep->hosts[i].name = mr_xstrdup(targets[i].name);

	size_t jobs = opts->jobs ? opts->jobs : MR_FLEET_DEFAULT_JOBS;
	if (jobs > n)
		jobs = n;
	if (jobs <= 1) {
		worker(&f);
	} else {
		pthread_t *tids = mr_xcalloc(jobs, sizeof(*tids));
		size_t started = 0;
		for (; started < jobs; started++)
			if (pthread_create(&tids[started], NULL, worker, &f) != 0)
				break;
		if (started == 0)
			worker(&f);
		for (size_t i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
		free(tids);
	}
	if (opts->progress)
		mr_log_progress_end();
	pthread_mutex_destroy(&f.lock);
}
