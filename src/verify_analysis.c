/* verify, the analysis: libvirt's XML read with libxml2, then every host
 * and every ordered pair (source -> destination) checked. No I/O here. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "nova.h"
#include "verify_analysis.h"

const char *const mr_verify_ssh_checks[] = {
	"SSH connection",        "pairwise TCP probes", "name resolution",
	"migration SSH",         "shared-storage marker", "local sanity",
	"uniform ids and settings", "drift from the profile",
};
const size_t mr_verify_n_ssh_checks = MR_ARRAY_LEN(mr_verify_ssh_checks);

const struct mr_verify_check mr_verify_libvirt_checks[] = {
	{ "libvirt", "connection" },
	{ "capabilities", "capabilities readable" },
	{ "cpu", "CPU compatible with the other hosts" },
	{ "secmodel", "same security driver and qemu ids everywhere" },
	{ "host-uuid", "host UUID unique" },
	{ "versions", "libvirt and QEMU no older than elsewhere" },
	{ "guests", "no guest active on two hosts" },
	{ "pinning", "pinned vCPUs on CPUs free elsewhere" },
};
const size_t mr_verify_n_libvirt_checks = MR_ARRAY_LEN(mr_verify_libvirt_checks);

enum mr_verify_status mr_verify_check_status(const struct mr_verify_result *res, size_t host,
					     const char *check)
{
	const struct mr_verify_host_result *h = &res->hosts[host];
	enum mr_verify_status st = MR_VERIFY_PASS;
	for (size_t k = 0; k < h->n_unexamined; k++)
		if (strcmp(h->unexamined[k], check) == 0)
			return MR_VERIFY_NOT_EXAMINED;
	for (size_t k = 0; k < h->n_findings; k++) {
		const struct mr_verify_finding *f = &h->findings[k];
		enum mr_verify_status fs = f->severity == MR_VERIFY_FAIL   ? MR_VERIFY_STATUS_FAIL
					   : f->severity == MR_VERIFY_WARN ? MR_VERIFY_STATUS_WARN
					   : f->severity == MR_VERIFY_UNEXAMINED
						   ? MR_VERIFY_NOT_EXAMINED
						   : MR_VERIFY_STATUS_INFO;
		/* a failure outranks "not examined"; that outranks a warning */
		static const int rank[] = { 0, 1, 2, 4, 3 };
		if (strcmp(f->check, check) == 0 && rank[fs] > rank[st])
			st = fs;
	}
	if (st != MR_VERIFY_PASS)
		return st;
	/* a side that could not examine the host: only its connection failed */
	int ssh_side = 0;
	for (size_t k = 0; k < mr_verify_n_ssh_checks; k++)
		ssh_side |= strcmp(mr_verify_ssh_checks[k], check) == 0;
	if (ssh_side ? h->ssh_failed : !h->examined)
		return MR_VERIFY_NOT_EXAMINED;
	return st;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void strv_push(char ***v, size_t *n, char *s)
{
	*v = mr_xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static int strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

void mr_verify_host_fini(struct mr_verify_host *h)
{
	if (!h)
		return;
	free(h->name);
	free(h->uri);
	free(h->error);
	free(h->caps_xml);
	free(h->domcaps_xml);
	free(h->domcaps_error);
	free(h->hv_type);
	for (size_t i = 0; i < h->n_domains; i++) {
		free(h->domains[i].name);
		free(h->domains[i].uuid);
		free(h->domains[i].xml);
	}
	free(h->domains);
	free(h->cpu_mode);
	strv_free(h->cpu_models);
	memset(h, 0, sizeof(*h));
}

void mr_verify_input_fini(struct mr_verify_input *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++)
		mr_verify_host_fini(&in->hosts[i]);
	free(in->hosts);
	free(in->baseline_xml);
	free(in->baseline_error);
	memset(in, 0, sizeof(*in));
}

/* ---- XML ---- */

/* libxml2 reports through a global handler by default: silence it, and
 * keep the message of the document's first error instead. */
static void xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static xmlDocPtr xml_read(const char *xml, const char *where, const char *what,
			  struct mr_error **err)
{
	xmlDocPtr doc = NULL;
	xmlParserCtxtPtr ctxt = NULL;
	if (!xml) {
		mr_error_add(err, MR_ERR_PARSE, where, "no %s", what);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		mr_error_add(err, MR_ERR_SYSTEM, where, "%s: cannot start the XML parser", what);
		return NULL;
	}
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	doc = xmlCtxtReadMemory(ctxt, xml, (int)strlen(xml), what, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char *msg = mr_xstrdup(e && e->message ? e->message : "not XML");
		size_t len = strlen(msg);
		while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
			msg[--len] = '\0';
		mr_error_add(err, MR_ERR_PARSE, where, "%s: line %d: %s", what, e ? e->line : 0,
			     msg);
		free(msg);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* The nodes an XPath expression selects under node; NULL when none. */
static xmlXPathObjectPtr xp_nodes(xmlXPathContextPtr xc, xmlNodePtr node, const char *expr)
{
	xc->node = node;
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, xc);
	if (o && (o->type != XPATH_NODESET || !o->nodesetval || o->nodesetval->nodeNr == 0)) {
		xmlXPathFreeObject(o);
		o = NULL;
	}
	return o;
}

/* string(expr) under node, trimmed; NULL when empty. */
static char *xp_string(xmlXPathContextPtr xc, xmlNodePtr node, const char *expr)
{
	char *wrapped = mr_xasprintf("normalize-space(%s)", expr);
	xc->node = node;
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)wrapped, xc);
	char *s = NULL;
	if (o && o->type == XPATH_STRING && o->stringval && o->stringval[0])
		s = mr_xstrdup((const char *)o->stringval);
	xmlXPathFreeObject(o);
	free(wrapped);
	return s;
}

static char *node_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? mr_xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void mr_verify_cpu_fini(struct mr_verify_cpu *c)
{
	free(c->arch);
	free(c->model);
	free(c->vendor);
	strv_free(c->features);
	strv_free(c->disabled);
	memset(c, 0, sizeof(*c));
}

/* A frequency in Hz as libvirt writes it (digits); 0 when absent or not
 * a number. */
static unsigned long long hz_value(const char *s)
{
	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return 0;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	return errno ? 0 : v;
}

/* A yes/no attribute: 1 yes, 0 no, -1 absent or another word. */
static int yes_no(const char *s)
{
	return !s ? -1 : !strcmp(s, "yes") ? 1 : !strcmp(s, "no") ? 0 : -1;
}

/* A <cpu> (host) or <mode name='host-model'> element: model, vendor, the
 * features it has (policy absent, require or force) and those it disables
 * (disable, forbid). */
static void cpu_read(xmlXPathContextPtr xc, xmlNodePtr n, struct mr_verify_cpu *c)
{
	c->arch = xp_string(xc, n, "arch");
	c->model = xp_string(xc, n, "model");
	c->vendor = xp_string(xc, n, "vendor");
	xmlXPathObjectPtr o = xp_nodes(xc, n, "feature");
	for (int i = 0; o && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr f = o->nodesetval->nodeTab[i];
		char *name = node_attr(f, "name");
		char *policy = node_attr(f, "policy");
		if (name && (!policy || !strcmp(policy, "require") || !strcmp(policy, "force")) &&
		    !strv_has(c->features, name))
			strv_push(&c->features, &c->n_features, name);
		else if (name && policy && (!strcmp(policy, "disable") || !strcmp(policy, "forbid")) &&
			 !strv_has(c->disabled, name))
			strv_push(&c->disabled, &c->n_disabled, name);
		else
			free(name);
		free(policy);
	}
	xmlXPathFreeObject(o);
	if (c->n_features)
		qsort(c->features, c->n_features, sizeof(*c->features), cmp_str);
}

int mr_verify_caps_parse(const char *xml, const char *where, struct mr_verify_caps *caps,
			 struct mr_error **err)
{
	int r = -1;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xc = NULL;
	xmlXPathObjectPtr o = NULL;
	memset(caps, 0, sizeof(*caps));
	doc = xml_read(xml, where, "capabilities", err);
	if (!doc)
		goto out;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (strcmp((const char *)root->name, "capabilities") != 0) {
		mr_error_add(err, MR_ERR_PARSE, where, "capabilities: root element is <%s>",
			     (const char *)root->name);
		goto out;
	}
	xc = xmlXPathNewContext(doc);
	if (!xc)
		goto out;
	caps->uuid = xp_string(xc, root, "host/uuid");
	o = xp_nodes(xc, root, "host/cpu");
	if (o)
		cpu_read(xc, o->nodesetval->nodeTab[0], &caps->cpu);
	xmlXPathFreeObject(o);
	char *hz = xp_string(xc, root, "host/cpu/counter[@name='tsc']/@frequency");
	char *scaling = xp_string(xc, root, "host/cpu/counter[@name='tsc']/@scaling");
	caps->tsc_hz = hz_value(hz);
	caps->tsc_scaling = yes_no(scaling);
	free(hz);
	free(scaling);
	o = xp_nodes(xc, root, "host/secmodel");
	for (int i = 0; o && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr sm = o->nodesetval->nodeTab[i];
		char *model = xp_string(xc, sm, "model");
		if (!model)
			continue;
		if (!strcmp(model, "dac") && !caps->dac_label) {
			caps->dac_label = xp_string(xc, sm, "baselabel[@type='kvm']");
			if (!caps->dac_label)
				caps->dac_label = xp_string(xc, sm, "baselabel");
		}
		strv_push(&caps->secmodels, &caps->n_secmodels, model);
	}
	xmlXPathFreeObject(o);
	/* an arch's machines serve every domain type; a domain type's own
	 * list adds to them */
	o = xp_nodes(xc, root,
		     "guest[os_type='hvm']/arch/machine | "
		     "guest[os_type='hvm']/arch/domain[@type='kvm']/machine");
	for (int i = 0; o && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr m = o->nodesetval->nodeTab[i];
		xmlNodePtr arch = m->parent;
		while (arch && strcmp((const char *)arch->name, "arch") != 0)
			arch = arch->parent;
		char *an = arch ? node_attr(arch, "name") : NULL;
		char *name = xp_string(xc, m, ".");
		if (an && name)
			strv_push(&caps->machines, &caps->n_machines,
				  mr_xasprintf("%s %s", an, name));
		free(an);
		free(name);
	}
	/* sorted, each once (a real list holds hundreds: no search per push) */
	if (caps->n_machines) {
		qsort(caps->machines, caps->n_machines, sizeof(*caps->machines), cmp_str);
		size_t k = 1;
		for (size_t m = 1; m < caps->n_machines; m++) {
			if (strcmp(caps->machines[m], caps->machines[k - 1]) != 0)
				caps->machines[k++] = caps->machines[m];
			else
				free(caps->machines[m]);
		}
		caps->machines[k] = NULL;
		caps->n_machines = k;
	}
	r = 0;
out:
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	if (r < 0)
		mr_verify_caps_fini(caps);
	return r;
}

void mr_verify_caps_fini(struct mr_verify_caps *caps)
{
	if (!caps)
		return;
	free(caps->uuid);
	mr_verify_cpu_fini(&caps->cpu);
	strv_free(caps->secmodels);
	strv_free(caps->machines);
	free(caps->dac_label);
	memset(caps, 0, sizeof(*caps));
}

static int supported_attr(xmlNodePtr n)
{
	char *s = node_attr(n, "supported");
	int v = !s ? -1 : !strcmp(s, "yes");
	free(s);
	return v;
}

int mr_verify_domcaps_parse(const char *xml, const char *where, struct mr_verify_domcaps *dc,
			    struct mr_error **err)
{
	int r = -1;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xc = NULL;
	xmlXPathObjectPtr o = NULL;
	memset(dc, 0, sizeof(*dc));
	dc->host_model_supported = -1;
	dc->passthrough_supported = -1;
	doc = xml_read(xml, where, "domain capabilities", err);
	if (!doc)
		goto out;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (strcmp((const char *)root->name, "domainCapabilities") != 0) {
		mr_error_add(err, MR_ERR_PARSE, where, "domain capabilities: root element is <%s>",
			     (const char *)root->name);
		goto out;
	}
	xc = xmlXPathNewContext(doc);
	if (!xc)
		goto out;
	o = xp_nodes(xc, root, "cpu/mode[@name='host-model']");
	if (o) {
		xmlNodePtr m = o->nodesetval->nodeTab[0];
		dc->host_model_supported = supported_attr(m);
		cpu_read(xc, m, &dc->host_model);
	}
	xmlXPathFreeObject(o);
	o = xp_nodes(xc, root, "cpu/mode[@name='host-passthrough']");
	if (o)
		dc->passthrough_supported = supported_attr(o->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(o);
	o = xp_nodes(xc, root, "cpu/mode[@name='custom']/model");
	size_t n = o ? (size_t)o->nodesetval->nodeNr : 0;
	dc->models = mr_xcalloc(n ? n : 1, sizeof(*dc->models));
	for (size_t i = 0; i < n; i++) {
		xmlNodePtr m = o->nodesetval->nodeTab[i];
		struct mr_verify_model *md = &dc->models[dc->n_models];
		xmlChar *name = xmlNodeGetContent(m);
		char *usable = node_attr(m, "usable");
		if (!name || !*name) {
			xmlFree(name);
			free(usable);
			continue;
		}
		md->name = mr_xstrdup((const char *)name);
		xmlFree(name);
		md->usable = yes_no(usable);
		free(usable);
		char *expr = mr_xasprintf("../blockers[@model='%s']/feature", md->name);
		if (!strchr(md->name, '\'')) {
			xmlXPathObjectPtr b = xp_nodes(xc, m, expr);
			struct mr_buf buf;
			mr_buf_init(&buf);
			for (int k = 0; b && k < b->nodesetval->nodeNr; k++) {
				char *f = node_attr(b->nodesetval->nodeTab[k], "name");
				if (f)
					mr_buf_printf(&buf, "%s%s", buf.len ? ", " : "", f);
				free(f);
			}
			md->blockers = buf.len ? mr_buf_steal(&buf, NULL) : NULL;
			mr_buf_fini(&buf);
			xmlXPathFreeObject(b);
		}
		free(expr);
		dc->n_models++;
	}
	r = 0;
out:
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	if (r < 0)
		mr_verify_domcaps_fini(dc);
	return r;
}

void mr_verify_domcaps_fini(struct mr_verify_domcaps *dc)
{
	if (!dc)
		return;
	mr_verify_cpu_fini(&dc->host_model);
	for (size_t i = 0; i < dc->n_models; i++) {
		free(dc->models[i].name);
		free(dc->models[i].blockers);
	}
	free(dc->models);
	memset(dc, 0, sizeof(*dc));
}

int mr_verify_domcaps_usable(const struct mr_verify_domcaps *dc, const char *model,
			     const char **blockers)
{
	if (blockers)
		*blockers = NULL;
	for (size_t i = 0; dc && i < dc->n_models; i++) {
		if (strcmp(dc->models[i].name, model) == 0) {
			if (blockers)
				*blockers = dc->models[i].blockers;
			return dc->models[i].usable;
		}
	}
	return -1;
}

char *mr_verify_caps_cpu_xml(const char *caps_xml)
{
	char *s = NULL;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xc = NULL;
	xmlXPathObjectPtr o = NULL;
	xmlBufferPtr buf = NULL;
	doc = xml_read(caps_xml, NULL, "capabilities", NULL);
	if (!doc)
		goto out;
	xc = xmlXPathNewContext(doc);
	if (!xc)
		goto out;
	o = xp_nodes(xc, xmlDocGetRootElement(doc), "/capabilities/host/cpu[model]");
	if (!o)
		goto out;
	buf = xmlBufferCreate();
	if (!buf || xmlNodeDump(buf, doc, o->nodesetval->nodeTab[0], 0, 0) < 0)
		goto out;
	s = mr_xstrdup((const char *)xmlBufferContent(buf));
out:
	xmlBufferFree(buf);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	return s;
}

/* ---- CPU sets ---- */

static void set_bit(struct mr_verify_cpuset *s, unsigned long i)
{
	s->w[i / 64] |= UINT64_C(1) << (i % 64);
}

static void clear_bit(struct mr_verify_cpuset *s, unsigned long i)
{
	s->w[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

static int get_bit(const struct mr_verify_cpuset *s, unsigned long i)
{
	return (s->w[i / 64] >> (i % 64)) & 1;
}

static int read_cpu(const char **p, unsigned long *v)
{
	char *end = NULL;
	if (!isdigit((unsigned char)**p))
		return -1;
	*v = strtoul(*p, &end, 10);
	if (*v >= MR_VERIFY_MAX_CPUS)
		return -1;
	*p = end;
	return 0;
}

/* libvirt's cpuset syntax: "0-3,^2,8", blanks allowed around items. */
int mr_verify_cpuset_parse(const char *s, struct mr_verify_cpuset *set)
{
	memset(set, 0, sizeof(*set));
	const char *p = s;
	int any = 0;
	for (;;) {
		unsigned long a, b;
		int neg = 0;
		while (*p == ' ')
			p++;
		if (*p == '^') {
			neg = 1;
			p++;
		}
		if (read_cpu(&p, &a) < 0)
			return -1;
		b = a;
		if (*p == '-') {
			p++;
			if (neg || read_cpu(&p, &b) < 0 || b < a)
				return -1;
		}
		for (unsigned long i = a; i <= b; i++) {
			if (neg)
				clear_bit(set, i);
			else
				set_bit(set, i);
		}
		any = 1;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p++ != ',')
			return -1;
	}
	if (!any)
		return -1;
	/* "^4" alone leaves no CPU: a guest pinned to nothing, which libvirt
	 * refuses; malformed here too */
	for (size_t i = 0; i < MR_ARRAY_LEN(set->w); i++)
		if (set->w[i])
			return 0;
	return -1;
}

char *mr_verify_cpuset_format(const struct mr_verify_cpuset *set)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (unsigned long i = 0; i < MR_VERIFY_MAX_CPUS; i++) {
		if (!set->w[i / 64]) {
			i |= 63; /* a word with no CPU: skip it whole */
			continue;
		}
		if (!get_bit(set, i))
			continue;
		unsigned long j = i;
		while (j + 1 < MR_VERIFY_MAX_CPUS && get_bit(set, j + 1))
			j++;
		if (j == i)
			mr_buf_printf(&b, "%s%lu", b.len ? "," : "", i);
		else
			mr_buf_printf(&b, "%s%lu-%lu", b.len ? "," : "", i, j);
		i = j;
	}
	return mr_buf_steal(&b, NULL);
}

static int cpuset_overlap(const struct mr_verify_cpuset *a, const struct mr_verify_cpuset *b,
			  struct mr_verify_cpuset *both)
{
	int any = 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(a->w); i++) {
		both->w[i] = a->w[i] & b->w[i];
		any |= both->w[i] != 0;
	}
	return any;
}

/* mr_verify_domain_pins of a parsed domain. */
static int pins_read(xmlXPathContextPtr xc, xmlNodePtr root, struct mr_verify_cpuset *set)
{
	int r = -1;
	xmlXPathObjectPtr o = NULL;
	char *cs = NULL;
	memset(set, 0, sizeof(*set));
	o = xp_nodes(xc, root, "/domain/cputune/vcpupin[@cpuset]");
	for (int i = 0; o && i < o->nodesetval->nodeNr; i++) {
		struct mr_verify_cpuset one;
		char *v = node_attr(o->nodesetval->nodeTab[i], "cpuset");
		int bad = !v || mr_verify_cpuset_parse(v, &one) < 0;
		free(v);
		if (bad)
			goto out;
		for (size_t k = 0; k < MR_ARRAY_LEN(set->w); k++)
			set->w[k] |= one.w[k];
	}
	if (o) {
		r = 1;
		goto out;
	}
	cs = xp_string(xc, root, "/domain/vcpu/@cpuset");
	if (!cs) {
		r = 0;
		goto out;
	}
	r = mr_verify_cpuset_parse(cs, set) < 0 ? -1 : 1;
out:
	free(cs);
	xmlXPathFreeObject(o);
	return r;
}

int mr_verify_domain_pins(const char *domain_xml, struct mr_verify_cpuset *set)
{
	int r = -1;
	memset(set, 0, sizeof(*set));
	xmlDocPtr doc = xml_read(domain_xml, NULL, "domain", NULL);
	xmlXPathContextPtr xc = doc ? xmlXPathNewContext(doc) : NULL;
	if (xc)
		r = pins_read(xc, xmlDocGetRootElement(doc), set);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	return r;
}

void mr_verify_domain_guest(const char *domain_xml, struct mr_verify_guest *g,
			    struct mr_verify_cpuset *pins)
{
	memset(g, 0, sizeof(*g));
	memset(pins, 0, sizeof(*pins));
	g->kind = MR_VERIFY_GUEST_CPU_UNREADABLE;
	g->pinned = -1;
	xmlDocPtr doc = xml_read(domain_xml, NULL, "domain", NULL);
	xmlXPathContextPtr xc = doc ? xmlXPathNewContext(doc) : NULL;
	if (!xc)
		goto out;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	g->pinned = pins_read(xc, root, pins);
	char *arch = xp_string(xc, root, "/domain/os/type/@arch");
	char *machine = xp_string(xc, root, "/domain/os/type/@machine");
	if (arch && machine)
		g->machine = mr_xasprintf("%s %s", arch, machine);
	free(arch);
	free(machine);
	char *tsc = xp_string(xc, root, "/domain/clock/timer[@name='tsc']/@frequency");
	g->tsc_hz = hz_value(tsc);
	free(tsc);
	/* in any CPU mode: QEMU enables it where it is asked for, and
	 * leaves it out where it is disabled, migratable='off' or not */
	char *policy = xp_string(xc, root, "/domain/cpu/feature[@name='invtsc']/@policy");
	char *named = xp_string(xc, root, "/domain/cpu/feature[@name='invtsc']/@name");
	g->invtsc = !named ? 0
		    : policy && (!strcmp(policy, "disable") || !strcmp(policy, "forbid")) ? -1
		    : !policy || !strcmp(policy, "require") || !strcmp(policy, "force") ? 1
											: 0;
	free(policy);
	free(named);
	xmlXPathObjectPtr o = xp_nodes(xc, root, "/domain/cpu");
	xmlNodePtr n = o ? o->nodesetval->nodeTab[0] : NULL;
	xmlXPathFreeObject(o);
	char *mode = n ? node_attr(n, "mode") : NULL;
	if (!n)
		g->kind = MR_VERIFY_GUEST_CPU_DEFAULT;
	else if (mode && (!strcmp(mode, "host-passthrough") || !strcmp(mode, "maximum"))) {
		g->kind = MR_VERIFY_GUEST_CPU_PASSTHROUGH;
		/* QEMU leaves out what cannot migrate (invtsc) unless told */
		char *m = node_attr(n, "migratable");
		g->cpu_all_features = m && !strcmp(m, "off");
		free(m);
	}
	else if (mode && !strcmp(mode, "host-model"))
		g->kind = MR_VERIFY_GUEST_CPU_HOST_MODEL;
	else if (!mode || !strcmp(mode, "custom")) {
		cpu_read(xc, n, &g->cpu);
		g->kind = g->cpu.model ? MR_VERIFY_GUEST_CPU_CUSTOM : MR_VERIFY_GUEST_CPU_DEFAULT;
	}
	free(mode);
out:
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
}

void mr_verify_guest_fini(struct mr_verify_guest *g)
{
	mr_verify_cpu_fini(&g->cpu);
	free(g->machine);
	memset(g, 0, sizeof(*g));
}

/* ---- the result ---- */

static void finding_add(struct mr_verify_host_result *h, enum mr_verify_severity sev,
			const char *check, const char *fix, char *reason)
{
	h->findings = mr_xreallocarray(h->findings, h->n_findings + 1, sizeof(*h->findings));
	h->findings[h->n_findings++] = (struct mr_verify_finding){
		sev,
		mr_xstrdup(check),
		reason,
		fix ? mr_xstrdup(fix) : NULL,
		0,
	};
}

static void add_finding(struct mr_verify_result *res, size_t host, enum mr_verify_severity sev,
			const char *check, const char *fix, const char *fmt, ...) MR_PRINTF(6, 7);

static void add_finding(struct mr_verify_result *res, size_t host, enum mr_verify_severity sev,
			const char *check, const char *fix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	finding_add(&res->hosts[host], sev, check, fix, mr_xvasprintf(fmt, ap));
	va_end(ap);
}

void mr_verify_result_add_finding(struct mr_verify_result *res, size_t host,
				  enum mr_verify_severity sev, const char *check, const char *fix,
				  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	finding_add(&res->hosts[host], sev, check, fix, mr_xvasprintf(fmt, ap));
	va_end(ap);
}

static void strv_add_once(char ***v, size_t *n, char *s)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i], s) == 0) {
			free(s);
			return;
		}
	}
	strv_push(v, n, s);
}

static void pair_fail(struct mr_verify_result *res, size_t src, size_t dst, char *reason)
{
	struct mr_verify_pair *p = &res->pairs[src * res->n + dst];
	strv_add_once(&p->reasons, &p->n_reasons, reason);
}

static void pair_warn(struct mr_verify_result *res, size_t src, size_t dst, char *warning)
{
	struct mr_verify_pair *p = &res->pairs[src * res->n + dst];
	strv_add_once(&p->warnings, &p->n_warnings, warning);
}

void mr_verify_result_warn_pair(struct mr_verify_result *res, size_t src, size_t dst,
				const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pair_warn(res, src, dst, mr_xvasprintf(fmt, ap));
	va_end(ap);
}

void mr_verify_result_fail_pair(struct mr_verify_result *res, size_t src, size_t dst,
				const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pair_fail(res, src, dst, mr_xvasprintf(fmt, ap));
	va_end(ap);
}

static void fail_pair(struct mr_verify_result *res, size_t src, size_t dst, const char *fmt, ...)
	MR_PRINTF(4, 5);

static void fail_pair(struct mr_verify_result *res, size_t src, size_t dst, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pair_fail(res, src, dst, mr_xvasprintf(fmt, ap));
	va_end(ap);
}

void mr_verify_result_mark_examined(struct mr_verify_result *res, const char *check)
{
	for (size_t i = 0; res && i < res->n; i++) {
		struct mr_verify_host_result *h = &res->hosts[i];
		size_t k = 0;
		for (size_t j = 0; j < h->n_unexamined; j++)
			if (strcmp(h->unexamined[j], check) != 0)
				h->unexamined[k++] = h->unexamined[j];
		h->n_unexamined = k;
	}
}

void mr_verify_result_free(struct mr_verify_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n; i++) {
		struct mr_verify_host_result *h = &res->hosts[i];
		free(h->name);
		free(h->uri);
		free(h->summary);
		for (size_t k = 0; k < h->n_findings; k++) {
			free(h->findings[k].check);
			free(h->findings[k].reason);
			free(h->findings[k].fix);
		}
		free(h->findings);
		free(h->unexamined);
	}
	for (size_t i = 0; i < res->n * res->n; i++) {
		strv_free(res->pairs[i].reasons);
		strv_free(res->pairs[i].warnings);
	}
	free(res->hosts);
	free(res->pairs);
	free(res->baseline);
	free(res->baseline_xml);
	free(res->baseline_error);
	free(res);
}

int mr_verify_host_unexamined(const struct mr_verify_host_result *h)
{
	for (size_t k = 0; k < h->n_findings; k++)
		if (h->findings[k].severity == MR_VERIFY_UNEXAMINED && !h->findings[k].scoped)
			return 1;
	return 0;
}

void mr_verify_result_unexamine_pair(struct mr_verify_result *res, size_t src, size_t dst)
{
	struct mr_verify_pair *p = &res->pairs[src * res->n + dst];
	if (!p->n_reasons)
		p->examined = 0;
}

void mr_verify_result_unexamine_from(struct mr_verify_result *res, size_t src)
{
	for (size_t j = 0; j < res->n; j++)
		if (j != src)
			mr_verify_result_unexamine_pair(res, src, j);
}

void mr_verify_result_unexamine_into(struct mr_verify_result *res, size_t dst)
{
	for (size_t i = 0; i < res->n; i++)
		if (i != dst)
			mr_verify_result_unexamine_pair(res, i, dst);
}

void mr_verify_result_unexamine_host(struct mr_verify_result *res, size_t host)
{
	mr_verify_result_unexamine_from(res, host);
	mr_verify_result_unexamine_into(res, host);
}

void mr_verify_result_add_pair_unexamined(struct mr_verify_result *res, size_t host,
					  const char *check, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	finding_add(&res->hosts[host], MR_VERIFY_UNEXAMINED, check, NULL, mr_xvasprintf(fmt, ap));
	va_end(ap);
	res->hosts[host].findings[res->hosts[host].n_findings - 1].scoped = 1;
}

int mr_verify_pair_ok(const struct mr_verify_result *res, size_t src, size_t dst)
{
	const struct mr_verify_pair *p = &res->pairs[src * res->n + dst];
	return p->examined && p->n_reasons == 0;
}

int mr_verify_exit_status(const struct mr_verify_result *res)
{
	int st = 0;
	for (size_t i = 0; i < res->n; i++) {
		if (!res->hosts[i].examined || res->hosts[i].ssh_failed)
			st |= 4;
		for (size_t j = 0; j < res->n; j++) {
			const struct mr_verify_pair *p = &res->pairs[i * res->n + j];
			if (i != j && p->examined && p->n_reasons)
				st |= 2;
			/* a pair not examined is no pair that can migrate */
			if (i != j && !p->examined)
				st |= 4;
		}
	}
	return st;
}

/* ---- the analysis ---- */

/* Parsed views of one host, for the checks. */
struct view {
	int examined;
	int have_caps;
	struct mr_verify_caps caps;
	int have_domcaps;
	struct mr_verify_domcaps dc;
	const char *secmodel;          /* the first non-dac model, or NULL */
	const char *mode;              /* cpu_mode, host-model when unset */
	struct mr_verify_cpuset *pins; /* per domain; NULL when none */
	size_t n_domains;
	struct mr_verify_guest *guests; /* per domain: its CPU, machine, pinning */
	/* host-model, from libvirt's CPU map, by capabilities [0] and by
	 * domain capabilities [1]: the guest CPU this host starts (guest,
	 * sorted; NULL when the map does not know guest_model) and the
	 * features this host has (offer, sorted): all of them when the map
	 * knows its model (offer_all), else the extra ones only. */
	int have_host_model; /* [1] is there */
	const char *guest_model[2];
	const char *guest_vendor[2];
	char **guest[2];
	size_t n_guest[2];
	char **offer[2];
	size_t n_offer[2];
	int offer_all[2];
};

static char *version_str(unsigned long long v)
{
	return mr_xasprintf("%llu.%llu.%llu", v / 1000000, v / 1000 % 1000, v % 1000);
}

/* "a, b, c" of hosts idx[0..n) by name. */
static char *host_list(const struct mr_verify_input *in, const size_t *idx, size_t n)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		mr_buf_printf(&b, "%s%s", i ? ", " : "", in->hosts[idx[i]].name);
	return mr_buf_steal(&b, NULL);
}

static void parse_host(const struct mr_verify_host *h, struct view *v, struct mr_verify_result *res,
		       size_t i)
{
	struct mr_error *err = NULL;
	v->examined = !h->error;
	v->mode = h->cpu_mode ? h->cpu_mode : "host-model";
	if (!v->examined)
		return;
	if (mr_verify_caps_parse(h->caps_xml, h->name, &v->caps, &err) == 0) {
		v->have_caps = 1;
		for (size_t k = 0; k < v->caps.n_secmodels && !v->secmodel; k++)
			if (strcmp(v->caps.secmodels[k], "dac") != 0)
				v->secmodel = v->caps.secmodels[k];
		if (!v->secmodel && v->caps.n_secmodels)
			v->secmodel = "none";
	} else {
		add_finding(res, i, MR_VERIFY_FAIL, "capabilities", NULL,
			    "capabilities of %s unreadable: %s", h->uri, err->message);
	}
	mr_error_free(err);
	err = NULL;
	if (h->domcaps_xml) {
		if (mr_verify_domcaps_parse(h->domcaps_xml, h->name, &v->dc, &err) == 0)
			v->have_domcaps = 1;
		else
			add_finding(res, i, MR_VERIFY_WARN, "capabilities", NULL,
				    "domain capabilities of %s unreadable: %s", h->uri,
				    err->message);
		mr_error_free(err);
	}
	v->pins = mr_xcalloc(h->n_domains ? h->n_domains : 1, sizeof(*v->pins));
	v->guests = mr_xcalloc(h->n_domains ? h->n_domains : 1, sizeof(*v->guests));
	v->n_domains = h->n_domains;
	for (size_t d = 0; d < h->n_domains; d++) {
		const struct mr_verify_domain *dom = &h->domains[d];
		if (!dom->xml) {
			add_finding(res, i, MR_VERIFY_UNEXAMINED, "pinning", NULL,
				    "guest '%s': libvirt gave no XML: pinning not examined",
				    dom->name);
			v->guests[d].kind = MR_VERIFY_GUEST_CPU_UNREADABLE;
			continue;
		}
		/* one parse of its XML for its pinning, CPU and machine */
		mr_verify_domain_guest(dom->xml, &v->guests[d], &v->pins[d]);
		if (v->guests[d].pinned < 0)
			add_finding(res, i, MR_VERIFY_WARN, "pinning", NULL,
				    "guest '%s': its XML or vCPU cpuset is unreadable: pinning not "
				    "examined",
				    dom->name);
	}
}

static void view_fini(struct view *v)
{
	for (int k = 0; k < 2; k++) {
		strv_free(v->guest[k]);
		strv_free(v->offer[k]);
	}
	mr_verify_caps_fini(&v->caps);
	mr_verify_domcaps_fini(&v->dc);
	free(v->pins);
	for (size_t d = 0; v->guests && d < v->n_domains; d++)
		mr_verify_guest_fini(&v->guests[d]);
	free(v->guests);
}

/* Adds to v each of from (NULL-terminated) but those in except. */
static void add_features(char *const *from, char *const *except, char ***v, size_t *n)
{
	for (size_t k = 0; from && from[k]; k++)
		if (!strv_has(except, from[k]) && !strv_has(*v, from[k]))
			strv_push(v, n, mr_xstrdup(from[k]));
}

/* Adds to v the features the map gives model, but those in except; -1
 * when the map does not know model. */
static int add_model_features(const struct mr_cpu_map *map, const char *model,
			      char *const *except, char ***v, size_t *n)
{
	const char **f = model ? mr_cpu_map_features(map, model, NULL) : NULL;
	if (!f)
		return -1;
	add_features((char *const *)f, except, v, n);
	free(f);
	return 0;
}

/* Sorted, and never NULL: NULL means unknown. */
static char **feature_set(char **v, size_t n)
{
	if (!v)
		return mr_xcalloc(1, sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

static int set_has(char *const *v, size_t n, const char *s)
{
	return v && bsearch(&s, v, n, sizeof(*v), cmp_str) != NULL;
}

/* Features of a physical CPU (capabilities) that a destination need not
 * have, as no KVM guest has them (a nested host lacks them): Linux's
 * kvm_set_cpu_caps never offers them (4.19 to 6.16), and ht QEMU sets from
 * the guest's own topology; no real domain capabilities' host-model lists
 * any. Not ds nor dtes64 (offered with PEBS: Granite Rapids' host-model
 * has them), nor vmx, svm, pdcm, intel-pt (offered by kvm-intel, kvm-amd).
 * And hypervisor, a nested source's: every KVM guest has it on any host. */
static const char *const not_wanted[] = {
	"acpi", "cid", "cmt", "dca", "ds_cpl", "est", "extapic", "ht", "hypervisor", "ibs",
	"lwp", "mbm_local", "mbm_total", "monitor", "nodeid_msr", "osxsave", "ospke", "pbe",
	"perfctr_nb", "pn", "skinit", "smx", "tce", "tm", "tm2", "wdt", "xtpr", NULL,
};

/* The features of the CPU cpu of a guest started in host-model: the
 * model's (libvirt's map), the extra ones, without the disabled ones and
 * those that cannot migrate; NULL when the map does not know the model.
 * physical: cpu is capabilities' (the host's CPU, not a guest's). */
static char **guest_set(const struct mr_cpu_map *map, const struct mr_verify_cpu *cpu,
			int physical, size_t *n)
{
	char **g = NULL;
	size_t ng = 0, k = 0;
	if (add_model_features(map, cpu->model, cpu->disabled, &g, &ng) < 0)
		return NULL;
	add_features(cpu->features, cpu->disabled, &g, &ng);
	for (size_t f = 0; f < ng; f++) {
		if (mr_cpu_map_migratable(map, g[f]) &&
		    !(physical && strv_has((char *const *)not_wanted, g[f])))
			g[k++] = g[f];
		else
			free(g[f]);
	}
	if (g)
		g[k] = NULL;
	*n = k;
	return feature_set(g, k);
}

/* host-model: the guest CPU this host starts is its host-model CPU, by its
 * capabilities' CPU and, where gathered, by its domain capabilities'
 * host-model (what KVM gives: "hypervisor", emulated features). Each is
 * compared with the same kind on the other host (capabilities' CPU without
 * not_wanted). What this host offers:
 * its CPU model's features and extra ones (and its host-model's). */
static void cpu_sets(const struct mr_cpu_map *map, struct view *v)
{
	if (!v->have_caps)
		return;
	const struct mr_verify_cpu *c = &v->caps.cpu, *hm = &v->dc.host_model;
	v->have_host_model = v->have_domcaps && v->dc.host_model_supported != 0 && hm->model;
	v->guest_model[0] = c->model;
	v->guest_vendor[0] = c->vendor;
	v->guest[0] = guest_set(map, c, 1, &v->n_guest[0]);
	char **o = NULL;
	size_t no = 0;
	v->offer_all[0] = add_model_features(map, c->model, c->disabled, &o, &no) == 0;
	add_features(c->features, NULL, &o, &no);
	v->offer[0] = feature_set(o, no);
	v->n_offer[0] = no;
	if (!v->have_host_model)
		return;
	v->guest_model[1] = hm->model;
	v->guest_vendor[1] = hm->vendor ? hm->vendor : c->vendor;
	v->guest[1] = guest_set(map, hm, 0, &v->n_guest[1]);
	o = NULL;
	no = 0;
	v->offer_all[1] = add_model_features(map, hm->model, hm->disabled, &o, &no) == 0 ||
			  v->offer_all[0];
	add_features(hm->features, hm->disabled, &o, &no);
	add_features(v->offer[0], NULL, &o, &no);
	v->offer[1] = feature_set(o, no);
	v->n_offer[1] = no;
}

static char *summary(const struct mr_verify_host *h, const struct view *v)
{
	struct mr_buf b;
	mr_buf_init(&b);
	char *lv = version_str(h->libvirt_version);
	char *hv = version_str(h->hv_version);
	mr_buf_printf(&b, "libvirt %s, %s %s", h->libvirt_version ? lv : "?",
		      h->hv_type ? h->hv_type : "hypervisor", h->hv_version ? hv : "?");
	free(lv);
	free(hv);
	if (v->have_caps) {
		const struct mr_verify_cpu *c = &v->caps.cpu;
		mr_buf_printf(&b, "; CPU %s%s%s", c->vendor ? c->vendor : "", c->vendor ? " " : "",
			      c->model  ? c->model
			      : c->arch ? c->arch
					: "?");
		mr_buf_printf(&b, "; security %s", v->secmodel ? v->secmodel : "?");
	}
	mr_buf_printf(&b, "; %zu active guest%s; cpu_mode %s%s", h->n_domains,
		      h->n_domains == 1 ? "" : "s", v->mode,
		      h->cpu_mode ? "" : " (not set: nova's default)");
	return mr_buf_steal(&b, NULL);
}

static const char *baseline_fix(const struct mr_verify_result *res, char *buf, size_t len)
{
	if (res->baseline)
		snprintf(
			buf, len,
			"set [nova] cpu_mode = custom and cpu_model = %.*s on every host (the baseline "
			"of all hosts), then migready apply",
			(int)strcspn(res->baseline, " "), res->baseline);
	else
		snprintf(buf, len, "set [nova] cpu_mode = custom and a cpu_model every host runs");
	return buf;
}

/* A cpu_mode nova does not know (from a host's nova.conf: the profile's
 * are checked by lint), where no CPU check below applies: not examined,
 * never passed. none gives guests QEMU's default CPU, which migrates
 * anywhere. */
static void check_cpu_mode_known(const struct view *v, struct mr_verify_result *res, size_t i)
{
	static const char *const modes[] = { "host-model", "host-passthrough", "custom", "none" };
	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
		if (!strcmp(v[i].mode, modes[k]))
			return;
	add_finding(res, i, MR_VERIFY_UNEXAMINED, "cpu",
		    "set cpu_mode to host-model, host-passthrough, custom or none",
		    "cpu_mode '%s' is none of nova's: CPU compatibility not examined", v[i].mode);
}

/* The configured custom models, on every host that has domain
 * capabilities. */
static void check_cpu_custom(const struct mr_verify_input *in, const struct view *v,
			     struct mr_verify_result *res, size_t i)
{
	const struct mr_verify_host *h = &in->hosts[i];
	char fixbuf[256];
	if (strcmp(v[i].mode, "custom") != 0)
		return;
	if (!h->cpu_models || !h->cpu_models[0]) {
		add_finding(res, i, MR_VERIFY_FAIL, "cpu", "set [nova] cpu_model",
			    "cpu_mode custom without a cpu_model");
		return;
	}
	for (size_t m = 0; h->cpu_models[m]; m++) {
		const char *model = h->cpu_models[m];
		size_t *no = mr_xcalloc(in->n, sizeof(*no)), n_no = 0;
		struct mr_buf unk;
		const char *blockers = NULL;
		mr_buf_init(&unk);
		for (size_t j = 0; j < in->n; j++) {
			if (!v[j].examined)
				continue;
			const char *bl = NULL;
			int u = v[j].have_domcaps ? mr_verify_domcaps_usable(&v[j].dc, model, &bl)
						  : -1;
			if (u == 0) {
				no[n_no++] = j;
				if (!blockers)
					blockers = bl;
				if (j != i)
					fail_pair(res, i, j, "CPU model '%s' not usable", model);
			} else if (u < 0) {
				mr_buf_printf(
					&unk, "%s%s (%s%s)", unk.len ? ", " : "", in->hosts[j].name,
					v[j].have_domcaps ? "not listed in its domain capabilities"
							  : "no domain capabilities: ",
					v[j].have_domcaps            ? ""
					: in->hosts[j].domcaps_error ? in->hosts[j].domcaps_error
								     : "unreadable");
			}
		}
		if (n_no) {
			char *list = host_list(in, no, n_no);
			add_finding(res, i, MR_VERIFY_FAIL, "cpu",
				    baseline_fix(res, fixbuf, sizeof(fixbuf)),
				    "cpu_model '%s' not usable on %s%s%s%s", model, list,
				    blockers ? " (blockers: " : "", blockers ? blockers : "",
				    blockers ? ")" : "");
			free(list);
		}
		if (unk.len)
			add_finding(res, i, MR_VERIFY_UNEXAMINED, "cpu", NULL,
				    "cpu_model '%s': usability unknown on %s", model, unk.data);
		free(no);
		mr_buf_fini(&unk);
	}
}

/* Hosts a guest's finding names; the rest counted. */
#define GUEST_HOSTS_NAMED 3

/* Features a guest has only where the host's KVM offers them, which
 * capabilities cannot tell: ds and dtes64 come with PEBS virtualised
 * (Ice Lake-SP on: Granite Rapids' host-model has them, Haswell's never),
 * intel-pt with kvm_intel's pt_mode=1. Where a host's physical CPU has
 * them, a destination that lacks them leaves the pair not examined. */
static const char *const kvm_optional[] = { "ds", "dtes64", "intel-pt", NULL };

/* "a, b, c and N more hosts" of hosts idx[0..n). */
static char *hosts_named(const struct mr_verify_input *in, const size_t *idx, size_t n)
{
	char *list = host_list(in, idx, n < GUEST_HOSTS_NAMED ? n : GUEST_HOSTS_NAMED);
	if (n <= GUEST_HOSTS_NAMED)
		return list;
	char *s = mr_xasprintf("%s and %zu more hosts", list, n - GUEST_HOSTS_NAMED);
	free(list);
	return s;
}

/* Whether host dst can run a guest CPU (its model, vendor and sorted
 * features want; NULL when the map does not know the model): the same
 * vendor, and every feature, by dst's offer [k] or, with by_model, as a
 * feature of model where dst's domain capabilities call model usable.
 * physical: want is a host's CPU by its capabilities, whose kvm_optional
 * features a guest may lack. 0 it can, 1 it cannot (*why says why), 2 not
 * known (*why says why, or NULL: the map does not know a model). */
static int cpu_fits(const struct mr_cpu_map *map, const struct view *dst, int k, int by_model,
		    int physical, const char *model, const char *vendor, char *const *want,
		    size_t n_want, char **why)
{
	const char *dv = dst->caps.cpu.vendor;
	*why = NULL;
	if (vendor && dv && strcmp(vendor, dv) != 0) {
		*why = mr_xasprintf("CPU vendor '%s', not '%s'", dv, vendor);
		return 1;
	}
	if (!want)
		return 2;
	const char **model_features = NULL;
	if (by_model && dst->have_domcaps && mr_verify_domcaps_usable(&dst->dc, model, NULL) == 1)
		model_features = mr_cpu_map_features(map, model, NULL);
	if (!dst->offer_all[k] && !model_features)
		return 2;
	struct mr_buf b, opt;
	size_t missing = 0, n_opt = 0;
	mr_buf_init(&b);
	mr_buf_init(&opt);
	for (size_t f = 0; f < n_want; f++) {
		const char *name = want[f];
		if (set_has(dst->offer[k], dst->n_offer[k], name) ||
		    strv_has((char *const *)model_features, name))
			continue;
		if (physical && strv_has((char *const *)kvm_optional, name)) {
			mr_buf_printf(&opt, "%s'%s'", n_opt++ ? ", " : "", name);
			continue;
		}
		if (missing < 3)
			mr_buf_printf(&b, "%s'%s'", missing ? ", " : "", name);
		missing++;
	}
	free(model_features);
	if (missing > 3)
		mr_buf_printf(&b, " (+%zu more)", missing - 3);
	int r = 0;
	/* the usable model and dst's extra features may not be all it has:
	 * unknown, not red */
	if (missing && !dst->offer_all[k])
		r = 2;
	else if (missing) {
		*why = mr_xasprintf("CPU lacks %s", b.data);
		r = 1;
	} else if (n_opt) {
		*why = mr_xasprintf("CPU lacks %s by its capabilities, which KVM gives a guest only "
				    "where it virtualises them (PEBS, Intel PT)",
				    opt.data);
		r = 2;
	}
	mr_buf_fini(&b);
	mr_buf_fini(&opt);
	return r;
}

/* host-model, guests started on host i moving to host j: j fits i's
 * host-model CPU (cpu_fits); by domain capabilities when both hosts have
 * them, else by capabilities. A newer CPU takes an older one's guests; an
 * older one lacks the newer features. As cpu_fits. */
static int host_model_pair(const struct mr_cpu_map *map, const struct view *v, size_t i,
			   size_t j, char **why)
{
	int k = v[i].have_host_model && v[j].have_host_model;
	return cpu_fits(map, &v[j], k, k, !k, v[i].guest_model[k], v[i].guest_vendor[k],
			v[i].guest[k], v[i].n_guest[k], why);
}

/* host-passthrough: the guest sees the source's very CPU, model and every
 * feature, not a migratable subset: the destination must have the same
 * model and all of them; but those the map marks not migratable (invtsc)
 * QEMU leaves out unless the CPU is migratable='off'. 0 it can, 1 it
 * cannot (*why). */
static int passthrough_pair(const struct mr_cpu_map *map, const struct view *v, size_t i,
			    size_t j, int all_features, char **why)
{
	const struct mr_verify_cpu *s = &v[i].caps.cpu, *d = &v[j].caps.cpu;
	*why = NULL;
	if (strcmp(s->vendor, d->vendor) != 0) {
		*why = mr_xasprintf("CPU vendor '%s', not '%s'", d->vendor, s->vendor);
		return 1;
	}
	if (strcmp(s->model, d->model) != 0) {
		*why = mr_xasprintf("CPU '%s', not '%s' (host-passthrough)", d->model, s->model);
		return 1;
	}
	struct mr_buf b;
	size_t missing = 0;
	mr_buf_init(&b);
	for (size_t f = 0; f < s->n_features; f++) {
		if (strv_has(d->features, s->features[f]) ||
		    (!all_features && map && !mr_cpu_map_migratable(map, s->features[f])))
			continue;
		if (missing < 3)
			mr_buf_printf(&b, "%s'%s'", missing ? ", " : "", s->features[f]);
		missing++;
	}
	if (missing > 3)
		mr_buf_printf(&b, " (+%zu more)", missing - 3);
	if (missing)
		*why = mr_xasprintf("CPU lacks %s", b.data);
	mr_buf_fini(&b);
	return missing ? 1 : 0;
}

/* host-model and host-passthrough: can guests started here move to each
 * other host. Pairs the CPU map cannot judge are marked in unexamined
 * (n * n). */
static void check_cpu_host(const struct mr_verify_input *in, const struct view *v,
			   struct mr_verify_result *res, size_t i, unsigned char *unexamined)
{
	char fixbuf[256];
	int host_model = !strcmp(v[i].mode, "host-model");
	if (!host_model && strcmp(v[i].mode, "host-passthrough") != 0)
		return;
	if (!v[i].have_caps)
		return;
	const struct mr_verify_cpu *s = &v[i].caps.cpu;
	size_t *bad = mr_xcalloc(in->n, sizeof(*bad)), n_bad = 0;
	size_t *unk = mr_xcalloc(in->n, sizeof(*unk)), n_unk = 0;
	size_t *nomap = mr_xcalloc(in->n, sizeof(*nomap)), n_nomap = 0;
	for (size_t j = 0; j < in->n; j++) {
		if (j == i || !v[j].examined || !v[j].have_caps)
			continue;
		const struct mr_verify_cpu *d = &v[j].caps.cpu;
		if (!s->model || !d->model || !s->vendor || !d->vendor) {
			unk[n_unk++] = j;
			continue;
		}
		char *why = NULL;
		int r = host_model ? host_model_pair(in->cpus, v, i, j, &why)
				   : passthrough_pair(in->cpus, v, i, j, 0, &why);
		if (r == 1) {
			pair_fail(res, i, j, why);
			why = NULL;
			bad[n_bad++] = j;
		} else if (r == 2 && why) {
			mr_verify_result_add_pair_unexamined(
				res, i, "cpu", "cpu_mode %s: %s: %s: CPU compatibility not examined",
				v[i].mode, in->hosts[j].name, why);
			unexamined[i * in->n + j] = 1;
		} else if (r == 2) {
			nomap[n_nomap++] = j;
			unexamined[i * in->n + j] = 1;
		}
		free(why);
	}
	if (n_bad) {
		char *list = host_list(in, bad, n_bad);
		add_finding(
			res, i, MR_VERIFY_FAIL, "cpu", baseline_fix(res, fixbuf, sizeof(fixbuf)),
			"cpu_mode %s: guests started here cannot move to %s (their CPU differs)",
			v[i].mode, list);
		free(list);
	}
	if (n_nomap && !in->cpus) {
		char *list = host_list(in, nomap, n_nomap);
		mr_verify_result_add_pair_unexamined(
			res, i, "cpu",
			"cpu_mode host-model: libvirt's CPU map not read: CPU compatibility with %s "
			"not examined",
			list);
		free(list);
	} else if (n_nomap && (!v[i].guest[0] || (v[i].have_host_model && !v[i].guest[1]))) {
		char *list = host_list(in, nomap, n_nomap);
		mr_verify_result_add_pair_unexamined(
			res, i, "cpu",
			"cpu_mode host-model: CPU model '%s' not in libvirt's CPU map: CPU "
			"compatibility with %s not examined",
			v[i].guest[0] ? v[i].guest_model[1] : v[i].guest_model[0], list);
		free(list);
	} else if (n_nomap) {
		struct mr_buf b;
		mr_buf_init(&b);
		for (size_t k = 0; k < n_nomap; k++)
			mr_buf_printf(&b, "%s%s ('%s')", k ? ", " : "", in->hosts[nomap[k]].name,
				      v[nomap[k]].caps.cpu.model);
		mr_verify_result_add_pair_unexamined(
			res, i, "cpu",
			"cpu_mode host-model: CPU model not in libvirt's CPU map on %s: CPU "
			"compatibility not examined",
			b.data);
		mr_buf_fini(&b);
	}
	if (n_unk || !s->model) {
		char *list = host_list(in, unk, n_unk);
		add_finding(res, i, MR_VERIFY_UNEXAMINED, "cpu", NULL,
			    "cpu_mode %s: CPU model or vendor unknown %s%s: CPU compatibility not "
			    "examined",
			    v[i].mode, s->model ? "on " : "here (not in capabilities)",
			    s->model ? list : "");
		free(list);
	}
	free(bad);
	free(unk);
	free(nomap);
}

/* Of a running guest's features (want, sorted), those a destination's
 * capabilities can be held to: its model's (libvirt's map) and those the
 * source's capabilities list, but what every KVM guest has on any host
 * (not_wanted: hypervisor...). The rest KVM makes up (amd-ssbd on
 * Intel...), which no capabilities show: only domain capabilities can
 * judge them. Borrows want's strings. */
static char **hardware_set(const struct mr_cpu_map *map, const char *model, const struct view *src,
			   char *const *want, size_t n_want, size_t *n)
{
	const char **mf = mr_cpu_map_features(map, model, NULL);
	char **hw = mr_xcalloc(n_want + 1, sizeof(*hw));
	*n = 0;
	for (size_t f = 0; f < n_want; f++)
		if ((strv_has((char *const *)mf, want[f]) ||
		     set_has(src->offer[0], src->n_offer[0], want[f])) &&
		    !strv_has((char *const *)not_wanted, want[f]))
			hw[(*n)++] = want[f];
	free(mf);
	return hw;
}

/* QEMU refuses to migrate a CPU with invtsc unless the guest has a TSC
 * frequency: one that asks for it, or host-passthrough with
 * migratable='off' on a host that has it. */
static int invtsc_blocked(const struct mr_verify_guest *gu, const struct view *src)
{
	if (gu->tsc_hz || gu->invtsc < 0)
		return 0;
	return gu->invtsc > 0 ||
	       (gu->kind == MR_VERIFY_GUEST_CPU_PASSTHROUGH && gu->cpu_all_features &&
		strv_has(src->caps.cpu.features, "invtsc"));
}

/* Running guests keep the CPU they started with (a cpu_mode changed
 * since, a microcode update that took features away, a guest moved in
 * from elsewhere): each is compared with every destination the host-level
 * checks let through (skip: n * n, the pairs they failed or left not
 * examined). A guest that cannot go fails that pair; one that cannot be
 * judged leaves it not examined (marked in unexamined). */
static const char fix_guest_cpu[] =
	"shut the guest down and start it again (a reboot inside it keeps its CPU), so that it "
	"gets the CPU cpu_mode gives now; until then keep it off those hosts";

static void check_running_cpus(const struct mr_verify_input *in, const struct view *v,
			       struct mr_verify_result *res, size_t i, const unsigned char *skip,
			       unsigned char *unexamined)
{
	const struct mr_verify_host *h = &in->hosts[i];
	const struct mr_cpu_map *map = in->cpus;
	if (!v[i].examined || !v[i].have_caps)
		return;
	for (size_t d = 0; d < v[i].n_domains; d++) {
		const char *name = h->domains[d].name;
		const struct mr_verify_guest *gu = &v[i].guests[d];
		const struct mr_verify_cpu *g = &gu->cpu;
		/* the host-level check judged these already; check_tsc those
		 * that can go nowhere */
		if (invtsc_blocked(gu, &v[i]) || gu->kind == MR_VERIFY_GUEST_CPU_DEFAULT ||
		    (gu->kind == MR_VERIFY_GUEST_CPU_PASSTHROUGH && !gu->cpu_all_features &&
		     !strcmp(v[i].mode, "host-passthrough")) ||
		    (gu->kind == MR_VERIFY_GUEST_CPU_HOST_MODEL && !strcmp(v[i].mode, "host-model")))
			continue;
		char **want = NULL, **hw = NULL;
		size_t n_want = 0, n_hw = 0;
		const char *vendor = NULL, *why_not = NULL, *cpu_name = "host-passthrough";
		if (gu->kind == MR_VERIFY_GUEST_CPU_UNREADABLE)
			why_not = "its XML or its CPU unreadable";
		else if (gu->kind == MR_VERIFY_GUEST_CPU_CUSTOM) {
			cpu_name = g->model;
			want = map ? guest_set(map, g, 0, &n_want) : NULL;
			vendor = g->vendor ? g->vendor : map ? mr_cpu_map_vendor(map, g->model) : NULL;
			if (!map)
				why_not = "libvirt's CPU map not read";
			else if (!want)
				why_not = "its CPU model not in libvirt's CPU map";
			else
				hw = hardware_set(map, g->model, &v[i], want, n_want, &n_hw);
		} else if (gu->kind == MR_VERIFY_GUEST_CPU_HOST_MODEL) {
			cpu_name = "host-model";
			if (!map)
				why_not = "libvirt's CPU map not read";
		} else if (!v[i].caps.cpu.model || !v[i].caps.cpu.vendor) {
			why_not = "this host's CPU model or vendor unknown";
		}
		size_t *bad = mr_xcalloc(in->n, sizeof(*bad)), n_bad = 0;
		size_t *unk = mr_xcalloc(in->n, sizeof(*unk)), n_unk = 0;
		char *first_why = NULL, *unk_why = NULL;
		for (size_t j = 0; j < in->n; j++) {
			if (j == i || skip[i * in->n + j])
				continue;
			int r = 2;
			char *why = NULL;
			const struct mr_verify_cpu *dc = &v[j].caps.cpu;
			if (why_not || !v[j].have_caps || !dc->vendor || !dc->model)
				r = 2;
			else if (gu->kind == MR_VERIFY_GUEST_CPU_CUSTOM) {
				int k = v[j].have_host_model;
				r = cpu_fits(map, &v[j], k, 1, 0, g->model, vendor, k ? want : hw,
					     k ? n_want : n_hw, &why);
			} else if (gu->kind == MR_VERIFY_GUEST_CPU_HOST_MODEL)
				r = host_model_pair(map, v, i, j, &why);
			else
				/* invtsc is the one feature libvirt's map marks not
				 * migratable: disabled, the guest keeps none */
				r = passthrough_pair(map, v, i, j,
						     gu->cpu_all_features && gu->invtsc >= 0, &why);
			if (r == 1) {
				fail_pair(res, i, j, "guest '%s': %s", name, why);
				bad[n_bad++] = j;
				if (!first_why) {
					first_why = why;
					why = NULL;
				}
			} else if (r == 2) {
				unexamined[i * in->n + j] = 1;
				unk[n_unk++] = j;
				if (!unk_why && why) {
					unk_why = why;
					why = NULL;
				}
			}
			free(why);
		}
		if (n_bad) {
			char *list = hosts_named(in, bad, n_bad);
			add_finding(res, i, MR_VERIFY_FAIL, "cpu", fix_guest_cpu,
				    "guest '%s' runs with the CPU it started with (%s), which %s "
				    "cannot give it: %s",
				    name, cpu_name, list, first_why);
			free(list);
		}
		if (n_unk) {
			char *list = hosts_named(in, unk, n_unk);
			if (gu->kind == MR_VERIFY_GUEST_CPU_UNREADABLE)
				mr_verify_result_add_pair_unexamined(
					res, i, "cpu", "guest '%s': %s: its move to %s not examined",
					name, why_not, list);
			else
				mr_verify_result_add_pair_unexamined(
					res, i, "cpu", "guest '%s' (CPU %s): %s: its move to %s not examined",
					name, cpu_name,
					why_not ? why_not
					: unk_why ? unk_why
						  : "a destination's CPU not in libvirt's CPU map, or its "
						    "CPU unknown",
					list);
			free(list);
		}
		free(first_why);
		free(unk_why);
		free(bad);
		free(unk);
		strv_free(want);
		free(hw);
	}
}

/* The destination's libvirt starts a guest that has a TSC frequency only
 * where its host runs within 250 ppm of it or can scale it
 * (qemuProcessStartValidateTSC); a guest with invtsc and no frequency
 * QEMU does not migrate at all. Pairs as check_machines. */
#define TSC_TOLERANCE_PPM 250ULL

static const char fix_invtsc_passthrough[] =
	"shut the guest down and start it again with migratable='on' (or invtsc disabled: "
	"<feature policy='disable' name='invtsc'/>), or with a TSC frequency (<timer name='tsc' "
	"frequency='HZ'/> in <clock>)";
static const char fix_invtsc_named[] =
	"shut the guest down and start it again without invtsc (nova: take it out of [libvirt] "
	"cpu_model_extra_flags), or with a TSC frequency (<timer name='tsc' frequency='HZ'/> in "
	"<clock>; nova writes none)";
static const char fix_tsc[] =
	"keep the guest off those hosts, or shut it down and start it again with a TSC frequency "
	"they run at or can scale to";

/* 0 a host (capabilities c) can run a guest at hz; 1 it cannot, 2 not
 * known: *why the pair's reason, *note the host's part of the finding. */
static int tsc_fits(const struct mr_verify_caps *c, unsigned long long hz, char **why,
		    char **note)
{
	if (!c->tsc_hz) {
		*why = mr_xstrdup("its TSC frequency unknown (no <counter name='tsc'> in its "
				  "capabilities)");
		*note = mr_xstrdup("no TSC frequency in its capabilities");
		return 2;
	}
	unsigned long long tol = c->tsc_hz * TSC_TOLERANCE_PPM / 1000000ULL;
	if ((hz >= c->tsc_hz - tol && hz <= c->tsc_hz + tol) || c->tsc_scaling == 1)
		return 0;
	const char *scaling = c->tsc_scaling ? "TSC scaling not said" : "no TSC scaling";
	*why = mr_xasprintf("TSC frequency %llu Hz, not within %llu ppm of the guest's %llu Hz, and %s",
			    c->tsc_hz, TSC_TOLERANCE_PPM, hz, scaling);
	*note = mr_xasprintf("%llu Hz, %s", c->tsc_hz, scaling);
	return c->tsc_scaling ? 2 : 1;
}

/* "NAME (NOTE)" added to a list of hosts. */
static void host_noted(struct mr_buf *b, const char *name, const char *note)
{
	mr_buf_printf(b, "%s%s (%s)", b->len ? ", " : "", name, note);
}

static void check_tsc(const struct mr_verify_input *in, const struct view *v,
		      struct mr_verify_result *res, size_t i, const unsigned char *skip,
		      unsigned char *unexamined)
{
	const struct mr_verify_host *h = &in->hosts[i];
	if (!v[i].examined || !v[i].have_caps)
		return;
	for (size_t d = 0; d < v[i].n_domains; d++) {
		const struct mr_verify_guest *gu = &v[i].guests[d];
		const char *name = h->domains[d].name;
		int blocked = invtsc_blocked(gu, &v[i]);
		if (!blocked && !gu->tsc_hz)
			continue;
		/* by host-passthrough migratable='off', or asked for by name */
		int passthrough = gu->kind == MR_VERIFY_GUEST_CPU_PASSTHROUGH && gu->invtsc <= 0;
		const char *blocked_why =
			passthrough ? "host-passthrough with migratable='off' keeps invtsc, which QEMU "
				      "does not migrate without a TSC frequency"
				    : "its CPU has invtsc, which QEMU does not migrate without a TSC "
				      "frequency";
		struct mr_buf bad, unk;
		mr_buf_init(&bad);
		mr_buf_init(&unk);
		for (size_t j = 0; j < in->n; j++) {
			if (j == i || skip[i * in->n + j])
				continue;
			char *why = NULL, *note = NULL;
			const char *dst = in->hosts[j].name;
			int r = 1;
			if (blocked)
				why = mr_xstrdup(blocked_why);
			else if (!v[j].have_caps)
				r = 2, note = mr_xstrdup("its capabilities not read");
			else
				r = tsc_fits(&v[j].caps, gu->tsc_hz, &why, &note);
			if (r == 1) {
				fail_pair(res, i, j, "guest '%s': %s", name, why);
				if (blocked)
					mr_buf_printf(&bad, "%s%s", bad.len ? ", " : "", dst);
				else
					host_noted(&bad, dst, note);
			} else if (r == 2) {
				unexamined[i * in->n + j] = 1;
				host_noted(&unk, dst, note);
			}
			free(why);
			free(note);
		}
		if (bad.len && blocked)
			add_finding(res, i, MR_VERIFY_FAIL, "cpu",
				    passthrough ? fix_invtsc_passthrough : fix_invtsc_named,
				    "guest '%s' cannot migrate to %s: %s", name, bad.data, blocked_why);
		else if (bad.len)
			add_finding(res, i, MR_VERIFY_FAIL, "cpu", fix_tsc,
				    "guest '%s' runs at a TSC frequency of %llu Hz, which %s neither "
				    "run at (within %llu ppm) nor can scale to",
				    name, gu->tsc_hz, bad.data, TSC_TOLERANCE_PPM);
		if (unk.len)
			mr_verify_result_add_pair_unexamined(
				res, i, "cpu",
				"guest '%s' (TSC frequency %llu Hz): whether %s can run it is not known: "
				"its moves there not examined",
				name, gu->tsc_hz, unk.data);
		mr_buf_fini(&bad);
		mr_buf_fini(&unk);
	}
}

/* A running guest keeps its machine type (pc-i440fx-2.11...) until it is
 * shut down, and a newer QEMU drops old ones: a destination whose
 * capabilities do not list it cannot start the incoming guest, however
 * new it is. Pairs as check_running_cpus. */
static const char fix_machine[] =
	"stop the guest, give it a newer version of its machine type that every host has (nova-manage "
	"libvirt update_machine_type), then start it; or keep it off those hosts";

static void check_machines(const struct mr_verify_input *in, const struct view *v,
			   struct mr_verify_result *res, size_t i, const unsigned char *skip,
			   unsigned char *unexamined)
{
	const struct mr_verify_host *h = &in->hosts[i];
	if (!v[i].examined)
		return;
	for (size_t d = 0; d < v[i].n_domains; d++) {
		const char *machine = v[i].guests[d].machine;
		if (!machine)
			continue;
		const char *type = strchr(machine, ' ') + 1;
		size_t *bad = mr_xcalloc(in->n, sizeof(*bad)), n_bad = 0;
		size_t *unk = mr_xcalloc(in->n, sizeof(*unk)), n_unk = 0;
		for (size_t j = 0; j < in->n; j++) {
			if (j == i || skip[i * in->n + j])
				continue;
			if (!v[j].have_caps || !v[j].caps.n_machines) {
				unexamined[i * in->n + j] = 1;
				unk[n_unk++] = j;
			} else if (!set_has(v[j].caps.machines, v[j].caps.n_machines, machine)) {
				fail_pair(res, i, j, "guest '%s': machine type '%s' unknown there",
					  h->domains[d].name, type);
				bad[n_bad++] = j;
			}
		}
		if (n_bad) {
			char *list = hosts_named(in, bad, n_bad);
			add_finding(res, i, MR_VERIFY_FAIL, "versions", fix_machine,
				    "guest '%s' runs with machine type '%s', which the QEMU of %s "
				    "does not offer",
				    h->domains[d].name, type, list);
			free(list);
		}
		if (n_unk) {
			char *list = hosts_named(in, unk, n_unk);
			mr_verify_result_add_pair_unexamined(
				res, i, "versions",
				"guest '%s' (machine type '%s'): the capabilities of %s list no machine "
				"types: its move there not examined",
				h->domains[d].name, type, list);
			free(list);
		}
		free(bad);
		free(unk);
	}
}

/* Hosts whose value (by getter) differs from host i's; one finding. */
static void check_uniform(const struct mr_verify_input *in, const struct view *v,
			  struct mr_verify_result *res, size_t i, const char *check,
			  const char *(*get)(const struct view *), const char *what,
			  const char *pair_what, const char *fix)
{
	const char *mine = get(&v[i]);
	if (!v[i].examined || !v[i].have_caps)
		return;
	if (!mine) {
		add_finding(res, i, MR_VERIFY_UNEXAMINED, check, NULL,
			    "%s unknown (not in capabilities): not compared", what);
		return;
	}
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t j = 0; j < in->n; j++) {
		const char *theirs = j == i || !v[j].examined ? NULL : get(&v[j]);
		if (!theirs || strcmp(theirs, mine) == 0)
			continue;
		mr_buf_printf(&b, "%s'%s' on %s", b.len ? ", " : "", theirs, in->hosts[j].name);
		/* i as the destination of j's guests */
		fail_pair(res, j, i, "%s '%s', not '%s'", pair_what, mine, theirs);
	}
	if (b.len)
		add_finding(res, i, MR_VERIFY_FAIL, check, fix, "%s '%s' here, %s", what, mine,
			    b.data);
	mr_buf_fini(&b);
}

static const char *get_secmodel(const struct view *v)
{
	return v->have_caps ? v->secmodel : NULL;
}

static const char *get_dac(const struct view *v)
{
	return v->have_caps ? v->caps.dac_label : NULL;
}

static void check_uuid(const struct mr_verify_input *in, const struct view *v,
		       struct mr_verify_result *res, size_t i)
{
	if (!v[i].examined || !v[i].have_caps)
		return;
	const char *u = v[i].caps.uuid;
	if (!u) {
		add_finding(res, i, MR_VERIFY_UNEXAMINED, "host-uuid", NULL,
			    "host UUID unknown (not in capabilities): uniqueness not examined");
		return;
	}
	size_t *same = mr_xcalloc(in->n, sizeof(*same)), n_same = 0;
	for (size_t j = 0; j < in->n; j++) {
		if (j == i || !v[j].examined || !v[j].have_caps || !v[j].caps.uuid ||
		    strcasecmp(v[j].caps.uuid, u) != 0)
			continue;
		same[n_same++] = j;
		fail_pair(res, i, j, "same host UUID");
	}
	if (n_same) {
		char *list = host_list(in, same, n_same);
		add_finding(
			res, i, MR_VERIFY_FAIL, "host-uuid",
			"give each host its own UUID: host_uuid in libvirtd.conf (from uuidgen), "
			"then restart libvirtd",
			"host UUID %s also on %s (cloned SMBIOS UUID): libvirt refuses with "
			"'Attempt to migrate guest to the same host'",
			u, list);
		free(list);
	}
	free(same);
}

/* Destinations older than their sources: libvirt, then the hypervisor. */
static void check_versions(const struct mr_verify_input *in, const struct view *v,
			   struct mr_verify_result *res, size_t j)
{
	const struct mr_verify_host *d = &in->hosts[j];
	if (!v[j].examined)
		return;
	for (int hv = 0; hv < 2; hv++) {
		unsigned long long mine = hv ? d->hv_version : d->libvirt_version, newest = 0;
		size_t from = 0;
		const char *name = hv ? (d->hv_type ? d->hv_type : "hypervisor") : "libvirt";
		if (!mine) {
			/* not a pass: whether guests can come here is not known */
			add_finding(res, j, MR_VERIFY_UNEXAMINED, "versions", NULL,
			            "%s version unknown here: not compared", name);
			continue;
		}
		for (size_t i = 0; i < in->n; i++) {
			unsigned long long theirs =
				hv ? in->hosts[i].hv_version : in->hosts[i].libvirt_version;
			if (i == j || !v[i].examined || theirs <= mine)
				continue;
			char *a = version_str(mine), *b = version_str(theirs);
			fail_pair(res, i, j, "%s %s, older than %s", name, a, b);
			free(a);
			free(b);
			if (theirs > newest) {
				newest = theirs;
				from = i;
			}
		}
		if (newest) {
			char *a = version_str(mine), *b = version_str(newest);
			char *fix = mr_xasprintf("upgrade %s here to %s or later", name, b);
			add_finding(
				res, j, MR_VERIFY_FAIL, "versions", fix,
				"%s %s here, %s on %s: guests from newer hosts cannot come here",
				name, a, b, in->hosts[from].name);
			free(fix);
			free(a);
			free(b);
		}
	}
}

struct dom_ref {
	const char *uuid;
	size_t host, dom;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct dom_ref *x = a, *y = b;
	int c = strcasecmp(x->uuid, y->uuid);
	if (c)
		return c;
	return x->host < y->host ? -1 : x->host > y->host;
}

static const char fix_paused[] =
	"find the copy that is current: virsh resume it, virsh destroy the other";
static const char fix_active[] =
	"keep the copy that is current, virsh destroy the other (never run both on shared disks)";

/* The same guest UUID active on two hosts. */
static void check_guests(const struct mr_verify_input *in, const struct view *v,
			 struct mr_verify_result *res)
{
	size_t n = 0;
	for (size_t i = 0; i < in->n; i++)
		n += v[i].examined ? in->hosts[i].n_domains : 0;
	struct dom_ref *refs = mr_xcalloc(n ? n : 1, sizeof(*refs));
	n = 0;
	for (size_t i = 0; i < in->n; i++) {
		for (size_t d = 0; v[i].examined && d < in->hosts[i].n_domains; d++) {
			if (in->hosts[i].domains[d].uuid)
				refs[n++] = (struct dom_ref){ in->hosts[i].domains[d].uuid, i, d };
		}
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t a = 0; a < n; a++) {
		for (size_t b = a + 1; b < n && !strcasecmp(refs[a].uuid, refs[b].uuid); b++) {
			if (refs[a].host == refs[b].host)
				continue;
			size_t ha = refs[a].host, hb = refs[b].host;
			const struct mr_verify_domain *da = &in->hosts[ha].domains[refs[a].dom];
			const struct mr_verify_domain *db = &in->hosts[hb].domains[refs[b].dom];
			int paused = da->state == MR_VERIFY_DOM_PAUSED &&
				     db->state == MR_VERIFY_DOM_PAUSED;
			for (int k = 0; k < 2; k++) {
				size_t me = k ? hb : ha, other = k ? ha : hb;
				const struct mr_verify_domain *dm = k ? db : da;
				if (paused)
					add_finding(res, me, MR_VERIFY_FAIL, "guests", fix_paused,
						    "guest '%s' (%s) paused here and on %s: a "
						    "migration stopped half-way",
						    dm->name, dm->uuid, in->hosts[other].name);
				else
					add_finding(res, me, MR_VERIFY_FAIL, "guests", fix_active,
						    "guest '%s' (%s) active here and on %s: a "
						    "migration in progress, or one that half "
						    "failed",
						    dm->name, dm->uuid, in->hosts[other].name);
				fail_pair(res, me, other, "guest '%s' %s on both", dm->name,
					  paused ? "paused" : "active");
			}
		}
	}
	free(refs);
}

/* Pinned guests of the source against pinned guests of the destination.
 * The migration itself succeeds; libvirt keeps the pinning as it was, so
 * two guests then share host CPUs (nova 20 Train and later repins on
 * migration): a warning on the pair, not a failure. */
#define PIN_HOSTS_NAMED 3

/* The first pinned guest of host j whose CPUs meet those of guest d of
 * host i (not another copy of d itself); *both gets the shared CPUs. */
static const struct mr_verify_domain *pin_clash(const struct mr_verify_input *in,
						const struct view *v, size_t i, size_t d, size_t j,
						struct mr_verify_cpuset *both)
{
	const struct mr_verify_domain *dom = &in->hosts[i].domains[d];
	for (size_t e = 0; e < in->hosts[j].n_domains; e++) {
		const struct mr_verify_domain *other = &in->hosts[j].domains[e];
		/* another copy of the same guest is the guests check's business */
		if (v[j].guests[e].pinned == 1 && cpuset_overlap(&v[i].pins[d], &v[j].pins[e], both) &&
		    !(other->uuid && dom->uuid && !strcasecmp(other->uuid, dom->uuid)))
			return other;
	}
	return NULL;
}

static void check_pinning(const struct mr_verify_input *in, const struct view *v,
			  struct mr_verify_result *res, size_t i)
{
	const struct mr_verify_host *s = &in->hosts[i];
	size_t nd = s->n_domains;
	if (!v[i].examined || !nd)
		return;
	size_t *hosts = mr_xcalloc(nd, sizeof(*hosts));
	struct mr_buf *where = mr_xcalloc(nd, sizeof(*where));
	for (size_t d = 0; d < nd; d++)
		mr_buf_init(&where[d]);
	for (size_t j = 0; j < in->n; j++) {
		char *first = NULL;
		size_t clashes = 0;
		if (j == i || !v[j].examined)
			continue;
		for (size_t d = 0; d < nd; d++) {
			struct mr_verify_cpuset both;
			const struct mr_verify_domain *other =
				v[i].guests[d].pinned == 1 ? pin_clash(in, v, i, d, j, &both) : NULL;
			if (!other)
				continue;
			char *cpus = mr_verify_cpuset_format(&both);
			if (!clashes++)
				first = mr_xasprintf("guest '%s' pinned to CPUs %s of guest '%s'",
						     s->domains[d].name, cpus, other->name);
			if (hosts[d]++ < PIN_HOSTS_NAMED)
				mr_buf_printf(&where[d], "%s'%s' on %s (CPUs %s)",
					      where[d].len ? ", " : "", other->name,
					      in->hosts[j].name, cpus);
			free(cpus);
		}
		/* one warning per pair, however many guests: a cluster pinned
		 * the nova way has them on every pair */
		if (clashes > 1)
			pair_warn(res, i, j,
				  mr_xasprintf("%s (+%zu more pinned guests)", first, clashes - 1));
		else if (clashes)
			pair_warn(res, i, j, mr_xstrdup(first));
		free(first);
	}
	for (size_t d = 0; d < nd; d++) {
		if (hosts[d] > PIN_HOSTS_NAMED)
			mr_buf_printf(&where[d], " and guests on %zu more hosts",
				      hosts[d] - PIN_HOSTS_NAMED);
		if (hosts[d]) {
			char *cpus = mr_verify_cpuset_format(&v[i].pins[d]);
			add_finding(
				res, i, MR_VERIFY_WARN, "pinning",
				"pin it to CPUs free on the destination (virsh vcpupin --live), "
				"or let nova repin it (NUMA live migration, nova 20 Train and "
				"later)",
				"guest '%s' pinned to CPUs %s would share them with pinned guests "
				"%s",
				s->domains[d].name, cpus, where[d].data);
			free(cpus);
		}
		mr_buf_fini(&where[d]);
	}
	free(where);
	free(hosts);
}

static char *baseline_name(const char *xml)
{
	char *s = NULL;
	xmlDocPtr doc = xml_read(xml, NULL, "baseline", NULL);
	xmlXPathContextPtr xc = doc ? xmlXPathNewContext(doc) : NULL;
	if (xc) {
		char *model = xp_string(xc, xmlDocGetRootElement(doc), "/cpu/model");
		char *vendor = xp_string(xc, xmlDocGetRootElement(doc), "/cpu/vendor");
		if (model)
			s = vendor ? mr_xasprintf("%s (%s)", model, vendor) : mr_xstrdup(model);
		free(model);
		free(vendor);
	}
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	return s;
}

char *mr_verify_host_option(const struct mr_verify_result *res, const char *name)
{
	return res->local ? mr_xstrdup("-l") : mr_xasprintf("-H %s", name);
}

struct mr_verify_result *mr_verify_analyze(const struct mr_verify_input *in)
{
	struct mr_verify_result *res = mr_xcalloc(1, sizeof(*res));
	size_t n = in->n;
	struct view *v = mr_xcalloc(n ? n : 1, sizeof(*v));
	res->n = n;
	res->local = in->local;
	res->hosts = mr_xcalloc(n ? n : 1, sizeof(*res->hosts));
	res->pairs = mr_xcalloc(n ? n * n : 1, sizeof(*res->pairs));
	unsigned char *cpu_unexamined = mr_xcalloc(n ? n * n : 1, 1);
	if (in->baseline_xml) {
		res->baseline = baseline_name(in->baseline_xml);
		res->baseline_xml = mr_xstrdup(in->baseline_xml);
	}
	for (size_t i = 0; i < n; i++) {
		const struct mr_verify_host *h = &in->hosts[i];
		struct mr_verify_host_result *hr = &res->hosts[i];
		hr->name = mr_xstrdup(h->name);
		hr->uri = mr_xstrdup(h->uri ? h->uri : "");
		hr->examined = !h->error;
		hr->unexamined = mr_xcalloc(mr_verify_n_ssh_checks, sizeof(*hr->unexamined));
		for (size_t k = 0; k < mr_verify_n_ssh_checks; k++)
			hr->unexamined[hr->n_unexamined++] = mr_verify_ssh_checks[k];
		if (h->error) {
			char *opt = mr_verify_host_option(res, h->name);
			char *fix = mr_xasprintf(
				"check that libvirtd listens at %s (migready apply %s) "
				"and that the firewall lets its port in",
				h->uri, opt);
			free(opt);
			add_finding(res, i, MR_VERIFY_FAIL, "libvirt", fix, "%s", h->error);
			free(fix);
		}
		parse_host(h, &v[i], res, i);
		cpu_sets(in->cpus, &v[i]);
		/* without capabilities most checks cannot run: not a pass */
		if (v[i].examined && !v[i].have_caps)
			hr->examined = 0;
		if (hr->examined)
			hr->summary = summary(h, &v[i]);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			res->pairs[i * n + j].examined =
				i != j && res->hosts[i].examined && res->hosts[j].examined;
	for (size_t i = 0; i < n; i++) {
		check_cpu_mode_known(v, res, i);
		check_cpu_custom(in, v, res, i);
		check_cpu_host(in, v, res, i, cpu_unexamined);
		check_uniform(
			in, v, res, i, "secmodel", get_secmodel, "security driver",
			"security driver",
			"set [qemu] security_driver to one value on every host, then migready "
			"apply");
		check_uniform(in, v, res, i, "secmodel", get_dac, "qemu runs as (DAC)",
			      "qemu runs as",
			      "give the qemu user and group one uid and gid on every host (shared "
			      "storage keeps numeric owners)");
		check_uuid(in, v, res, i);
		check_versions(in, v, res, i);
		check_pinning(in, v, res, i);
	}
	/* running guests, on the pairs every host-level check let through (a
	 * machine type whatever their CPUs) */
	unsigned char *skip = mr_xcalloc(n ? n * n : 1, 1);
	unsigned char *skip_cpu = mr_xcalloc(n ? n * n : 1, 1);
	for (size_t k = 0; k < n * n; k++) {
		skip[k] = !res->pairs[k].examined || res->pairs[k].n_reasons;
		skip_cpu[k] = skip[k] || cpu_unexamined[k];
	}
	for (size_t i = 0; i < n; i++) {
		check_running_cpus(in, v, res, i, skip_cpu, cpu_unexamined);
		check_machines(in, v, res, i, skip, cpu_unexamined);
		check_tsc(in, v, res, i, skip, cpu_unexamined);
	}
	free(skip);
	free(skip_cpu);
	check_guests(in, v, res);
	/* a check not examined on a host: its pairs are not either */
	for (size_t i = 0; i < n; i++)
		if (mr_verify_host_unexamined(&res->hosts[i]))
			mr_verify_result_unexamine_host(res, i);
	for (size_t k = 0; k < n * n; k++)
		if (cpu_unexamined[k])
			mr_verify_result_unexamine_pair(res, k / n, k % n);
	free(cpu_unexamined);
	if (!res->baseline && in->baseline_error)
		res->baseline_error = mr_xstrdup(in->baseline_error);
	for (size_t i = 0; i < n; i++)
		view_fini(&v[i]);
	free(v);
	return res;
}

void mr_verify_xml_init(void)
{
	xmlInitParser();
}
