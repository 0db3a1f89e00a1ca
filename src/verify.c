/* verify, the libvirt side: per host one read-only connection that reads
 * capabilities, domain capabilities, versions and the active guests; then
 * the baseline CPU of all hosts. Hosts run in parallel (-j). libvirt's
 * errors become mr_error here, naming the host and the URI. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	const char *port = !strcmp(transport, "tcp")                                ? "16509"
	                   : !strcmp(transport, "ssh") || !strcmp(transport, "libssh") ||
	                             !strcmp(transport, "libssh2")                    ? "22"
	                                                                              : "16514";
	if (*a == ':' && end - a > 1 && end - a <= 6) {
		memcpy(ep->port, a + 1, (size_t)(end - a - 1));
		ep->port[end - a - 1] = '\0';
	} else {
		strcpy(ep->port, port);
	}
	return 0;
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
		mr_error_add(err, MR_ERR_HOST, host, "%s: cannot reach %s port %s within %d s: %s", uri,
		             ep.host, ep.port, timeout_s, strerror(errno));
	freeaddrinfo(ai);
	return r;
}

/* ---- one host ---- */

struct job {
	const struct mr_verify_target *t;
	struct mr_verify_host *h;
	virConnectPtr conn;
	int timeout_s;
	int need_domcaps; /* some host's cpu_mode is custom */
};

static int read_domains(struct job *j, struct mr_error **err)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(j->conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		lv_error(err, j->t->name, j->t->uri, "cannot list guests");
		return -1;
	}
	j->h->domains = mr_xcalloc(n ? (size_t)n : 1, sizeof(*j->h->domains));
	for (int i = 0; i < n; i++) {
		struct mr_verify_domain *d = &j->h->domains[j->h->n_domains];
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
		d->state = state == VIR_DOMAIN_RUNNING ? MR_VERIFY_DOM_RUNNING
		           : state == VIR_DOMAIN_PAUSED ? MR_VERIFY_DOM_PAUSED
		                                        : MR_VERIFY_DOM_OTHER;
		d->xml = virDomainGetXMLDesc(doms[i], 0);
		virResetLastError();
		j->h->n_domains++;
		virDomainFree(doms[i]);
	}
	free(doms);
	return 0;
}

static int examine(struct job *j, struct mr_error **err)
{
	const struct mr_verify_target *t = j->t;
	virConnectAuth auth = { cred_types, MR_ARRAY_LEN(cred_types), no_credentials, NULL };
	unsigned long lv = 0, hv = 0;
	if (reach(t->name, t->uri, j->timeout_s, err) < 0)
		return -1;
	/* Read-only, unless custom CPU models must be checked: libvirt gives
	 * domain capabilities to read-write connections only. Either way
	 * nothing is written. If the server refuses the one, try the other. */
	unsigned flags = j->need_domcaps ? 0 : VIR_CONNECT_RO;
	j->conn = virConnectOpenAuth(t->uri, &auth, flags);
	if (!j->conn) {
		int code = virGetLastErrorCode();
		if (code == VIR_ERR_AUTH_FAILED || code == VIR_ERR_OPERATION_DENIED ||
		    code == VIR_ERR_ACCESS_DENIED) {
			virResetLastError();
			j->conn = virConnectOpenAuth(t->uri, &auth, flags ^ VIR_CONNECT_RO);
		}
	}
	if (!j->conn) {
		lv_error(err, t->name, t->uri, "cannot connect");
		return -1;
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
	j->h->libvirt_version = lv;
	j->h->hv_version = hv;
	const char *type = virConnectGetType(j->conn);
	j->h->hv_type = type ? mr_xstrdup(type) : NULL;
	virResetLastError();
	/* libvirt's strings are malloc'ed: ours to free() */
	j->h->caps_xml = virConnectGetCapabilities(j->conn);
	if (!j->h->caps_xml) {
		lv_error(err, t->name, t->uri, "cannot read capabilities");
		return -1;
	}
	if (!j->need_domcaps) {
		j->h->domcaps_error = mr_xstrdup("not asked: no host's cpu_mode is custom");
		return read_domains(j, err);
	}
	j->h->domcaps_xml = virConnectGetDomainCapabilities(j->conn, NULL, NULL, NULL, NULL, 0);
	if (!j->h->domcaps_xml) {
		virErrorPtr e = virGetLastError();
		j->h->domcaps_error = mr_xstrdup(e && e->message ? e->message : "unknown error");
		virResetLastError();
	}
	return read_domains(j, err);
}

static void run_job(struct job *j)
{
	struct mr_error *err = NULL;
	j->h->name = mr_xstrdup(j->t->name);
	j->h->uri = mr_xstrdup(j->t->uri);
	j->h->cpu_mode = j->t->cpu_mode ? mr_xstrdup(j->t->cpu_mode) : NULL;
	if (j->t->cpu_models) {
		size_t n = 0;
		while (j->t->cpu_models[n])
			n++;
		j->h->cpu_models = mr_xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			j->h->cpu_models[i] = mr_xstrdup(j->t->cpu_models[i]);
	}
	if (examine(j, &err) < 0) {
		j->h->error = mr_error_format(err);
		if (j->conn)
			virConnectClose(j->conn);
		j->conn = NULL;
	}
	mr_error_free(err);
}

struct pool {
	struct job *jobs;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		size_t i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->lock);
		if (i == p->n)
			return NULL;
		run_job(&p->jobs[i]);
	}
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
	libvirt_ok = virInitialize() == 0 && virEventRegisterDefaultImpl() == 0;
	virSetErrorFunc(NULL, quiet_errors);
}

/* ---- the baseline ---- */

static void baseline(struct mr_verify_input *in, struct job *jobs, size_t n)
{
	const char **xmls = mr_xcalloc(n ? n : 1, sizeof(*xmls));
	size_t nx = 0;
	struct job *first = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!jobs[i].conn)
			continue;
		if (!first)
			first = &jobs[i];
		char *x = mr_verify_caps_cpu_xml(jobs[i].h->caps_xml);
		if (!x) {
			in->baseline_error = mr_xasprintf("%s: capabilities name no host CPU model",
			                                  jobs[i].t->name);
			goto out;
		}
		xmls[nx++] = x;
	}
	if (!first) {
		in->baseline_error = mr_xstrdup("no host examined");
		goto out;
	}
	char *b = virConnectBaselineHypervisorCPU(first->conn, NULL, NULL, NULL, NULL, xmls,
	                                          (unsigned)nx, 0);
	/* The hypervisor's view needs a read-write connection; libvirt 9.0's
	 * test driver lacks it. Then the older call, which needs neither. */
	if (!b && (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT ||
	           virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED)) {
		virResetLastError();
		b = virConnectBaselineCPU(first->conn, xmls, (unsigned)nx, 0);
	}
	if (b) {
		in->baseline_xml = b;
	} else {
		struct mr_error *err = NULL;
		lv_error(&err, first->t->name, first->t->uri, "baseline CPU");
		in->baseline_error = mr_error_format(err);
		mr_error_free(err);
	}
out:
	for (size_t i = 0; i < nx; i++)
		free((char *)xmls[i]);
	free(xmls);
}

int mr_verify_gather(const struct mr_verify_target *targets, size_t n,
                     const struct mr_verify_opts *opts, struct mr_verify_input *in,
                     struct mr_error **err)
{
	int r = -1;
	struct pool pool = { 0 };
	struct evloop ev = { 0 };
	pthread_t *threads = NULL;
	size_t started = 0;
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
	pthread_mutex_init(&pool.lock, NULL);
	int need_domcaps = 0;
	for (size_t i = 0; i < n; i++)
		need_domcaps |= targets[i].cpu_mode && !strcmp(targets[i].cpu_mode, "custom");
	for (size_t i = 0; i < n; i++)
		pool.jobs[i] = (struct job){ &targets[i], &in->hosts[i], NULL,
			                     opts->timeout_s > 0 ? opts->timeout_s : 10, need_domcaps };
	if (pthread_create(&ev.thread, NULL, evloop_main, &ev) != 0) {
		mr_error_add(err, MR_ERR_SYSTEM, NULL, "cannot start libvirt's event thread");
		goto out;
	}
	ev.running = 1;
	size_t jobs = opts->jobs ? opts->jobs : DEFAULT_JOBS;
	if (jobs > n)
		jobs = n;
	threads = mr_xcalloc(jobs ? jobs : 1, sizeof(*threads));
	for (; started < jobs; started++)
		if (pthread_create(&threads[started], NULL, worker, &pool) != 0)
			break;
	if (started == 0 && n)
		worker(&pool); /* no thread to be had: do the work here */
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	baseline(in, pool.jobs, n);
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		if (pool.jobs[i].conn)
			virConnectClose(pool.jobs[i].conn);
	if (ev.running) {
		atomic_store(&ev.stop, 1);
		if (virEventAddTimeout(0, evloop_wake, NULL, NULL) >= 0)
			pthread_join(ev.thread, NULL);
		else
			pthread_detach(ev.thread);
	}
	pthread_mutex_destroy(&pool.lock);
	free(pool.jobs);
	free(threads);
	if (r < 0)
		mr_verify_input_fini(in);
	return r;
}
