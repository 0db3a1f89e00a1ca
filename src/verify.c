/* verify, the libvirt side: per host one connection (read-only unless
 * custom CPU models need domain capabilities) that reads capabilities,
 * domain capabilities, versions and the active guests; then the baseline
 * CPU of all hosts. Hosts run in parallel (-j). libvirt's errors become
 * mr_error here, naming the host and the URI. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "verify.h"

#define DEFAULT_JOBS 16

/* libvirt prints every error on stderr unless told otherwise; ours are
 * reported with the host they belong to. */
static void quiet_errors(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* No prompt, ever: a host that wants a password fails with libvirt's
 * message instead of waiting on a terminal in a worker thread. */
static int no_credentials(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
	(void)cred;
	(void)ncred;
	(void)cbdata;
	return -1;
}

static int cred_types[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_NOECHOPROMPT };

/* The last libvirt error of this thread as an mr_error on host. */
static void lv_error(struct mr_error **err, const char *host, const char *uri, const char *what)
{
	virErrorPtr e = virGetLastError();
	mr_error_add(err, MR_ERR_HOST, host, "%s: %s: %s", uri, what,
		     e && e->message ? e->message : "unknown libvirt error");
	virResetLastError();
}

/* ---- a time-limited TCP reach test before libvirt's own connect, which
 * has no time-out of its own ---- */

struct endpoint {
	char host[256];
	char port[8];
};

/* DRIVER[+TRANSPORT]://[USER@]HOST[:PORT]/...: 0 and *ep for a remote
 * TCP-based transport, 1 when there is nothing to reach over TCP (local
 * drivers, unix sockets, ext), -1 when the URI cannot be read. */
static int uri_endpoint(const char *uri, struct endpoint *ep)
{
	const char *sep = strstr(uri, "://");
	if (!sep)
		return -1;
	const char *plus = memchr(uri, '+', (size_t)(sep - uri));
	char transport[16] = "";
	if (plus) {
		size_t tl = (size_t)(sep - plus - 1);
		if (tl >= sizeof(transport))
			return -1;
		memcpy(transport, plus + 1, tl);
		transport[tl] = '\0';
	}
	const char *a = sep + 3, *end = a + strcspn(a, "/?");
	const char *at = memchr(a, '@', (size_t)(end - a));
	if (at)
		a = at + 1;
	if (a == end || !strcmp(transport, "unix") || !strcmp(transport, "ext"))
		return 1;
	const char *hs = a, *he;
	if (*a == '[') {
		hs = a + 1;
		he = memchr(hs, ']', (size_t)(end - hs));
		if (!he)
			return -1;
		a = he + 1;
	} else {
		he = memchr(a, ':', (size_t)(end - a));
		if (!he)
			he = end;
		a = he;
	}
	if ((size_t)(he - hs) >= sizeof(ep->host) || he == hs)
		return -1;
	memcpy(ep->host, hs, (size_t)(he - hs));
	ep->host[he - hs] = '\0';
	const char *port = !strcmp(transport, "tcp") ? "16509"
			   : !strcmp(transport, "ssh") || !strcmp(transport, "libssh") ||
					   !strcmp(transport, "libssh2")
				   ? "22"
				   : "16514";
	if (*a == ':' && end - a > 1 && end - a <= 6) {
		memcpy(ep->port, a + 1, (size_t)(end - a - 1));
		ep->port[end - a - 1] = '\0';
	} else {
		strcpy(ep->port, port);
	}
	return 0;
}

int mr_verify_uri_tcp_port(const char *uri, unsigned *port)
{
	struct endpoint ep;
	if (uri_endpoint(uri, &ep) != 0)
		return -1;
	*port = (unsigned)strtoul(ep.port, NULL, 10);
	return *port ? 0 : -1;
}

static int connect_within(const struct addrinfo *ai, int timeout_ms)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	int r = -1, soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		r = 0;
		goto out;
	}
	if (errno != EINPROGRESS)
		goto out;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int pr = poll(&p, 1, timeout_ms);
	if (pr == 0) {
		errno = ETIMEDOUT;
		goto out;
	}
	if (pr < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		goto out;
	if (soerr) {
		errno = soerr;
		goto out;
	}
	r = 0;
out:
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return r;
}

static int reach(const char *host, const char *uri, int timeout_s, struct mr_error **err)
{
	struct endpoint ep;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int r = uri_endpoint(uri, &ep);
	if (r == 1)
		return 0;
	if (r < 0) {
		mr_error_add(err, MR_ERR_HOST, host, "%s: not a libvirt URI", uri);
		return -1;
	}
	int gr = getaddrinfo(ep.host, ep.port, &hints, &ai);
	if (gr != 0) {
		mr_error_add(err, MR_ERR_HOST, host, "%s: cannot resolve '%s': %s", uri, ep.host,
			     gai_strerror(gr));
		return -1;
	}
	r = -1;
	for (const struct addrinfo *p = ai; p && r < 0; p = p->ai_next)
		r = connect_within(p, timeout_s * 1000);
	if (r < 0)
		mr_error_add(err, MR_ERR_HOST, host, "%s: cannot reach %s port %s within %d s: %s",
			     uri, ep.host, ep.port, timeout_s, strerror(errno));
	freeaddrinfo(ai);
	return r;
}

/* ---- one host ---- */

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_ABANDONED };

/* One host's examination. It owns copies of everything it reads, so that a
 * worker stuck in a libvirt call that never returns can be abandoned: the
 * job then belongs to that worker, which frees it if the call ever ends. */
struct job {
	struct mr_verify_host h;
	virConnectPtr conn;
	int timeout_s;
	int need_domcaps;     /* some host's cpu_mode is custom */
	enum job_state state; /* under the pool's lock */
	struct timespec started;
	pthread_t worker;
};

static int read_domains(struct job *j, struct mr_error **err)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(j->conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		lv_error(err, j->h.name, j->h.uri, "cannot list guests");
		return -1;
	}
	j->h.domains = mr_xcalloc(n ? (size_t)n : 1, sizeof(*j->h.domains));
	for (int i = 0; i < n; i++) {
		struct mr_verify_domain *d = &j->h.domains[j->h.n_domains];
		char uuid[VIR_UUID_STRING_BUFLEN];
		int state = 0, reason = 0;
		const char *name = virDomainGetName(doms[i]);
		if (!name || virDomainGetUUIDString(doms[i], uuid) < 0 ||
		    virDomainGetState(doms[i], &state, &reason, 0) < 0) {
			/* gone between the listing and now: not active any more */
			virResetLastError();
			virDomainFree(doms[i]);
			continue;
		}
		d->name = mr_xstrdup(name);
		d->uuid = mr_xstrdup(uuid);
		d->state = state == VIR_DOMAIN_RUNNING  ? MR_VERIFY_DOM_RUNNING
			   : state == VIR_DOMAIN_PAUSED ? MR_VERIFY_DOM_PAUSED
							: MR_VERIFY_DOM_OTHER;
		d->xml = virDomainGetXMLDesc(doms[i], 0);
		virResetLastError();
		j->h.n_domains++;
		virDomainFree(doms[i]);
	}
	free(doms);
	return 0;
}

static int examine(struct job *j, struct mr_error **err)
{
	const struct mr_verify_host *t = &j->h;
	virConnectAuth auth = { cred_types, MR_ARRAY_LEN(cred_types), no_credentials, NULL };
	unsigned long lv = 0, hv = 0;
	if (reach(t->name, t->uri, j->timeout_s, err) < 0)
		return -1;
	/* Read-only, unless custom CPU models must be checked: libvirt gives
	 * domain capabilities to read-write connections only. Either way
	 * nothing is written. If the server refuses the one, try the other. */
	char *rw_refused = NULL, *ro_refused = NULL;
	j->conn = virConnectOpenAuth(t->uri, &auth, j->need_domcaps ? 0 : VIR_CONNECT_RO);
	if (!j->conn && j->need_domcaps) {
		/* however libvirt words the refusal (a socket the user may not
		 * open is SYSTEM_ERROR, polkit without an agent
		 * AUTH_UNAVAILABLE), read-only still examines all but the
		 * custom models */
		virErrorPtr e = virGetLastError();
		rw_refused = mr_xstrdup(e && e->message ? e->message : "unknown libvirt error");
		virResetLastError();
		j->conn = virConnectOpenAuth(t->uri, &auth, VIR_CONNECT_RO);
	} else if (!j->conn) {
		int code = virGetLastErrorCode();
		if (code == VIR_ERR_AUTH_FAILED || code == VIR_ERR_OPERATION_DENIED ||
		    code == VIR_ERR_ACCESS_DENIED) {
			virErrorPtr e = virGetLastError();
			ro_refused = mr_xstrdup(e && e->message ? e->message : "unknown libvirt error");
			virResetLastError();
			j->conn = virConnectOpenAuth(t->uri, &auth, 0);
		}
	}
	if (!j->conn) {
		/* both failed: the first one's reason too, where it differs */
		virErrorPtr e = virGetLastError();
		const char *last = e && e->message ? e->message : "unknown libvirt error";
		const char *first = rw_refused ? rw_refused : ro_refused;
		if (first && strcmp(first, last) != 0)
			mr_error_add(err, MR_ERR_HOST, t->name, "%s: cannot connect: %s (%s: %s)",
				     t->uri, last, rw_refused ? "read-write" : "read-only", first);
		else
			mr_error_add(err, MR_ERR_HOST, t->name, "%s: cannot connect: %s", t->uri,
				     last);
		virResetLastError();
		free(rw_refused);
		free(ro_refused);
		return -1;
	}
	free(ro_refused);
	if (rw_refused) {
		j->h.domcaps_error = mr_xasprintf(
			"they need a read-write connection, which failed: %s", rw_refused);
		free(rw_refused);
	}
	/* A peer that stops answering closes the connection after about
	 * timeout_s instead of hanging a worker (remote drivers only). */
	int ka = j->timeout_s / 3 > 0 ? j->timeout_s / 3 : 1;
	if (virConnectSetKeepAlive(j->conn, ka, 2) < 0)
		virResetLastError();
	if (virConnectGetLibVersion(j->conn, &lv) < 0 || virConnectGetVersion(j->conn, &hv) < 0) {
		lv_error(err, t->name, t->uri, "cannot read versions");
		return -1;
	}
	j->h.libvirt_version = lv;
	j->h.hv_version = hv;
	const char *type = virConnectGetType(j->conn);
	j->h.hv_type = type ? mr_xstrdup(type) : NULL;
	virResetLastError();
	/* libvirt's strings are malloc'ed: ours to free() */
	j->h.caps_xml = virConnectGetCapabilities(j->conn);
	if (!j->h.caps_xml) {
		lv_error(err, t->name, t->uri, "cannot read capabilities");
		return -1;
	}
	if (!j->need_domcaps) {
		j->h.domcaps_error = mr_xstrdup("not asked: no host's cpu_mode is custom");
		return read_domains(j, err);
	}
	if (j->h.domcaps_error) /* read-only: the read-write open was refused */
		return read_domains(j, err);
	j->h.domcaps_xml = virConnectGetDomainCapabilities(j->conn, NULL, NULL, NULL, NULL, 0);
	if (!j->h.domcaps_xml) {
		virErrorPtr e = virGetLastError();
		j->h.domcaps_error = mr_xstrdup(e && e->message ? e->message : "unknown error");
		virResetLastError();
	}
	return read_domains(j, err);
}

static void run_job(struct job *j)
{
	struct mr_error *err = NULL;
	if (examine(j, &err) < 0) {
		j->h.error = mr_error_format(err);
		if (j->conn)
			virConnectClose(j->conn);
		j->conn = NULL;
	}
	mr_error_free(err);
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->conn)
		virConnectClose(j->conn);
	mr_verify_host_fini(&j->h);
	free(j);
}

struct pool {
	struct job **jobs;
	size_t n, next, settled; /* settled: done or abandoned */
	int limit_s;             /* a host's whole examination */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a job settled */
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (p->next < p->n) {
		struct job *j = p->jobs[p->next++];
		j->state = JOB_RUNNING;
		j->worker = pthread_self();
		clock_gettime(CLOCK_MONOTONIC, &j->started);
		pthread_mutex_unlock(&p->lock);
		run_job(j);
		pthread_mutex_lock(&p->lock);
		if (j->state == JOB_ABANDONED) {
			/* too late: the host was reported, and a new worker took
			 * this one's place */
			pthread_mutex_unlock(&p->lock);
			job_free(j);
			return NULL;
		}
		j->state = JOB_DONE;
		p->settled++;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ---- libvirt's event loop, which keepalive needs ---- */

struct evloop {
	pthread_t thread;
	atomic_int stop;
	int running;
};

static void *evloop_main(void *arg)
{
	struct evloop *e = arg;
	while (!atomic_load(&e->stop))
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

static void evloop_wake(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
}

static pthread_once_t libvirt_once = PTHREAD_ONCE_INIT;
static int libvirt_ok;

/* Process-wide libvirt set-up, once: thread safety, the event loop
 * implementation, and silence on stderr. */
static void libvirt_init(void)
{
	mr_verify_xml_init();
	libvirt_ok = virInitialize() == 0 && virEventRegisterDefaultImpl() == 0;
	virSetErrorFunc(NULL, quiet_errors);
}

/* ---- the baseline ---- */

static void baseline(struct mr_verify_input *in, struct job **jobs, size_t n)
{
	const char **xmls = mr_xcalloc(n ? n : 1, sizeof(*xmls));
	size_t nx = 0;
	size_t first = n;
	for (size_t i = 0; i < n; i++) {
		if (!jobs[i] || !jobs[i]->conn)
			continue;
		if (first == n)
			first = i;
		char *x = mr_verify_caps_cpu_xml(in->hosts[i].caps_xml);
		if (!x) {
			in->baseline_error = mr_xasprintf("%s: capabilities name no host CPU model",
							  in->hosts[i].name);
			goto out;
		}
		xmls[nx++] = x;
	}
	if (first == n) {
		in->baseline_error = mr_xstrdup("no host examined");
		goto out;
	}
	virConnectPtr conn = jobs[first]->conn;
	char *b = virConnectBaselineHypervisorCPU(conn, NULL, NULL, NULL, NULL, xmls, (unsigned)nx,
						  0);
	/* The hypervisor's view needs a read-write connection; libvirt 9.0's
	 * test driver lacks it. Then the older call, which needs neither. */
	if (!b && (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT ||
		   virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED)) {
		virResetLastError();
		b = virConnectBaselineCPU(conn, xmls, (unsigned)nx, 0);
	}
	if (b) {
		in->baseline_xml = b;
	} else {
		struct mr_error *err = NULL;
		lv_error(&err, in->hosts[first].name, in->hosts[first].uri, "baseline CPU");
		in->baseline_error = mr_error_format(err);
		mr_error_free(err);
	}
out:
	for (size_t i = 0; i < nx; i++)
		free((char *)xmls[i]);
	free(xmls);
}

/* The workers, and the ones given up on (detached, left to finish). */
struct crew {
	pthread_t *threads;
	int *detached;
	size_t n;
};

static int crew_add(struct crew *c, struct pool *p)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, p) != 0)
		return -1;
	c->threads = mr_xreallocarray(c->threads, c->n + 1, sizeof(*c->threads));
	c->detached = mr_xreallocarray(c->detached, c->n + 1, sizeof(*c->detached));
	c->threads[c->n] = t;
	c->detached[c->n++] = 0;
	return 0;
}

/* No thread to run them: the jobs still queued fail as they are. */
static void settle_queued(struct pool *p, const char *why)
{
	for (; p->next < p->n; p->next++) {
		struct job *j = p->jobs[p->next];
		j->h.error = mr_xasprintf("%s: %s: %s", j->h.name, j->h.uri, why);
		j->state = JOB_DONE;
		p->settled++;
	}
}

static double elapsed(const struct timespec *since, const struct timespec *now)
{
	return (double)(now->tv_sec - since->tv_sec) + (now->tv_nsec - since->tv_nsec) / 1e9;
}

/* Waits for every job; a job running longer than the limit is abandoned:
 * its host goes into in as not answering, the job stays its worker's, and
 * another worker takes the queue on. Called with the lock held. */
static void supervise(struct pool *p, struct crew *c, struct mr_verify_input *in)
{
	while (p->settled < p->n) {
		struct timespec now, wake;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double next = 1.0;
		for (size_t i = 0; i < p->n; i++) {
			struct job *j = p->jobs[i];
			if (!j || j->state != JOB_RUNNING)
				continue;
			double left = p->limit_s - elapsed(&j->started, &now);
			if (left > 0) {
				next = left < next ? left : next;
				continue;
			}
			/* under the lock: the worker frees j once it sees this */
			in->hosts[i].name = mr_xstrdup(j->h.name);
			in->hosts[i].uri = mr_xstrdup(j->h.uri);
			in->hosts[i].error = mr_xasprintf("%s: %s: no answer within %d s",
							  j->h.name, j->h.uri, p->limit_s);
			j->state = JOB_ABANDONED;
			p->jobs[i] = NULL;
			p->settled++;
			for (size_t k = 0; k < c->n; k++)
				if (!c->detached[k] && pthread_equal(c->threads[k], j->worker)) {
					pthread_detach(c->threads[k]);
					c->detached[k] = 1;
				}
			if (p->next < p->n && crew_add(c, p) < 0)
				settle_queued(p, "cannot start a worker thread");
		}
		wake = now;
		wake.tv_sec += (time_t)next;
		wake.tv_nsec += (long)((next - (double)(time_t)next) * 1e9) + 1000000;
		if (wake.tv_nsec >= 1000000000L) {
			wake.tv_sec++;
			wake.tv_nsec -= 1000000000L;
		}
		if (p->settled < p->n)
			pthread_cond_timedwait(&p->cond, &p->lock, &wake);
	}
}

int mr_verify_gather(const struct mr_verify_target *targets, size_t n,
		     const struct mr_verify_opts *opts, struct mr_verify_input *in,
		     struct mr_error **err)
{
	int r = -1;
	struct pool pool = { 0 };
	struct crew crew = { 0 };
	struct evloop ev = { 0 };
	pthread_condattr_t ca;
	int timeout_s = opts->timeout_s > 0 ? opts->timeout_s : 10;
	memset(in, 0, sizeof(*in));
	pthread_once(&libvirt_once, libvirt_init);
	if (!libvirt_ok) {
		mr_error_add(err, MR_ERR_SYSTEM, NULL, "libvirt: cannot initialise the library");
		return -1;
	}
	in->n = n;
	in->hosts = mr_xcalloc(n ? n : 1, sizeof(*in->hosts));
	pool.jobs = mr_xcalloc(n ? n : 1, sizeof(*pool.jobs));
	pool.n = n;
	/* connect, then a handful of calls; domain capabilities may make
	 * libvirt probe QEMU first */
	pool.limit_s = 3 * timeout_s;
	pthread_mutex_init(&pool.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool.cond, &ca);
	pthread_condattr_destroy(&ca);
	int need_domcaps = 0;
	for (size_t i = 0; i < n; i++)
		need_domcaps |= targets[i].cpu_mode && !strcmp(targets[i].cpu_mode, "custom");
	for (size_t i = 0; i < n; i++) {
		struct job *j = mr_xcalloc(1, sizeof(*j));
		const struct mr_verify_target *t = &targets[i];
		j->h.name = mr_xstrdup(t->name);
		j->h.uri = mr_xstrdup(t->uri);
		j->h.cpu_mode = t->cpu_mode ? mr_xstrdup(t->cpu_mode) : NULL;
		size_t nm = 0;
		while (t->cpu_models && t->cpu_models[nm])
			nm++;
		j->h.cpu_models = t->cpu_models ? mr_xcalloc(nm + 1, sizeof(char *)) : NULL;
		for (size_t k = 0; k < nm; k++)
			j->h.cpu_models[k] = mr_xstrdup(t->cpu_models[k]);
		j->timeout_s = timeout_s;
		j->need_domcaps = need_domcaps;
		pool.jobs[i] = j;
	}
	if (pthread_create(&ev.thread, NULL, evloop_main, &ev) != 0) {
		mr_error_add(err, MR_ERR_SYSTEM, NULL, "cannot start libvirt's event thread");
		goto out;
	}
	ev.running = 1;
	size_t jobs = opts->jobs ? opts->jobs : DEFAULT_JOBS;
	if (jobs > n)
		jobs = n;
	pthread_mutex_lock(&pool.lock);
	for (size_t i = 0; i < jobs; i++)
		if (crew_add(&crew, &pool) < 0)
			break;
	if (crew.n == 0)
		settle_queued(&pool, "cannot start a worker thread");
	supervise(&pool, &crew, in);
	pthread_mutex_unlock(&pool.lock);
	for (size_t i = 0; i < crew.n; i++)
		if (!crew.detached[i])
			pthread_join(crew.threads[i], NULL);
	/* Hand the results over (abandoned jobs are gone from the pool). */
	for (size_t i = 0; i < n; i++) {
		struct job *j = pool.jobs[i];
		if (j) {
			in->hosts[i] = j->h;
			memset(&j->h, 0, sizeof(j->h));
		}
	}
	baseline(in, pool.jobs, n);
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		job_free(pool.jobs[i]);
	if (ev.running) {
		atomic_store(&ev.stop, 1);
		if (virEventAddTimeout(0, evloop_wake, NULL, NULL) >= 0)
			pthread_join(ev.thread, NULL);
		else
			pthread_detach(ev.thread);
	}
	pthread_cond_destroy(&pool.cond);
	pthread_mutex_destroy(&pool.lock);
	free(pool.jobs);
	free(crew.threads);
	free(crew.detached);
	if (r < 0)
		mr_verify_input_fini(in);
	return r;
}
