#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
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

static void run_host(struct fleet *f, size_t i)
{
	const struct mr_target *tg = &f->targets[i];
	struct mr_host_report *rep = &f->rep->hosts[i];
	struct mr_error *err = NULL;
	struct mr_transport *t = NULL;
	struct mr_plan *plan = mr_plan_new();
	double start = now_s();

	if (mr_res_plan_all(plan, tg->profile, &err) < 0) {
		fail_with(rep, err);
		goto out;
	}
	t = tg->host ? mr_transport_ssh_new(tg->host, f->opts->timeout_s, &err)
	             : mr_transport_local_new(tg->root, &err);
	if (!t) {
		fail_with(rep, err);
		goto out;
	}
	/* The target's root is the command line's --root, else the host's. */
	if (tg->host && tg->root) {
		free(t->root);
		t->root = mr_xstrdup(tg->root);
	}
	if (mr_plan_run(plan, t, f->aug, &f->opts->run, rep, &err) < 0)
		fail_with(rep, err);
out:
	mr_error_free(err);
	mr_transport_close(t);
	mr_plan_free(plan);
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
