/* firewalld's zone files and running zone: the ports migready wants open
 * (firewalld_conf.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewalld_conf.h"
#include "util.h"

int mr_fwd_zone_name_ok(const char *name)
{
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	return n > 0 && n <= 17 && !name[n];
}

static const char *family_of(const char *source)
{
	return strchr(source, ':') ? "ipv6" : "ipv4";
}

char *mr_fwd_xml_text(const struct mr_nft_want *w)
{
	char ports[MR_NFT_PORTS_SIZE];
	mr_nft_ports_text(ports, w->lo, w->hi, '-');
	if (!w->source)
		return mr_xasprintf("<port protocol=\"%s\" port=\"%s\"/>", w->proto, ports);
	return mr_xasprintf("<rule family=\"%s\"><source address=\"%s\"/><port protocol=\"%s\" "
	                    "port=\"%s\"/><accept/></rule>",
	                    family_of(w->source), w->source, w->proto, ports);
}

char *mr_fwd_running_text(const struct mr_nft_want *w)
{
	char ports[MR_NFT_PORTS_SIZE];
	mr_nft_ports_text(ports, w->lo, w->hi, '-');
	if (!w->source)
		return mr_xasprintf("%s/%s", ports, w->proto);
	return mr_xasprintf("rule family=\"%s\" source address=\"%s\" port port=\"%s\" "
	                    "protocol=\"%s\" accept",
	                    family_of(w->source), w->source, ports, w->proto);
}

char **mr_fwd_add_argv(const char *zone, const struct mr_nft_want *want, size_t n)
{
	if (!n)
		return NULL;
	char **argv = mr_xcalloc(n + 3, sizeof(*argv));
	argv[0] = mr_xstrdup("firewall-cmd");
	argv[1] = mr_xasprintf("--zone=%s", zone);
	for (size_t i = 0; i < n; i++) {
		char *t = mr_fwd_running_text(&want[i]);
		argv[i + 2] = mr_xasprintf("--add-%s=%s", want[i].source ? "rich-rule" : "port", t);
		free(t);
	}
	return argv;
}

/* ---- what covers a need ------------------------------------------- */

/* An accept the zone has (or will have): protocol, ports (proto "": any
 * protocol and port), and from where: a network, else a family ("ipv4",
 * "ipv6") or anywhere. */
struct cover {
	char proto[8];
	long lo, hi;
	char *source;
	char family[8];
};

static int cover_set(struct cover *c, const char *proto, const char *ports, const char *source,
                     const char *family)
{
	memset(c, 0, sizeof(*c));
	int all = !proto && !ports; /* a rich rule without a port */
	size_t k = ports ? mr_nft_parse_range(ports, '-', &c->lo, &c->hi) : 0;
	if (!all && (!proto || !k || ports[k] || strlen(proto) >= sizeof(c->proto)))
		return 0;
	if (all)
		c->hi = 65535;
	if (family && strcmp(family, "ipv4") != 0 && strcmp(family, "ipv6") != 0)
		return 0;
	snprintf(c->proto, sizeof(c->proto), "%s", all ? "" : proto);
	snprintf(c->family, sizeof(c->family), "%s", family ? family : "");
	c->source = source ? mr_xstrdup(source) : NULL;
	return 1;
}

static int covers(const struct cover *c, const struct mr_nft_want *w)
{
	if ((*c->proto && strcmp(c->proto, w->proto) != 0) || c->lo > w->lo || c->hi < w->hi)
		return 0;
	if (c->source)
		return w->source && mr_nft_prefix_holds(c->source, w->source);
	if (*c->family)
		return w->source && !strcmp(family_of(w->source), c->family);
	return 1;
}

/* A rich rule read so far (from the zone file or firewall-cmd's listing). */
struct rule_state {
	int ok;             /* nothing seen that restricts or changes it */
	int n_port, n_accept;
	char *source, *family, *port, *proto;
};

static void rule_reset(struct rule_state *r);

/* The end of a rich rule, whichever reader saw it: it covers when it is a
 * plain accept of one port, or of no port: all the traffic of its source
 * or family (logging or auditing changes nothing of that). */
static int rule_cover(const struct rule_state *r, struct cover *c)
{
	if (!r->ok || r->n_accept != 1 || r->n_port > 1 ||
	    (r->n_port && (!r->proto || !r->port))) /* a port without one: not read */
		return 0;
	return cover_set(c, r->proto, r->port, r->source, r->family);
}

/* ---- firewall-cmd's listing --------------------------------------- */

/* The words of a rich rule: key="value" (quotes kept) and keywords. */
static size_t rich_words(const char *s, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *start = s;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s++ == '"') {
				while (*s && *s != '"')
					s++;
				if (*s)
					s++;
			}
		}
		v = mr_xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = mr_xstrndup(start, (size_t)(s - start));
	}
	*out = v;
	return n;
}

/* The value of a key="value" word named key, or NULL (the caller's). */
static char *word_value(const char *word, const char *key)
{
	size_t k = strlen(key), n = strlen(word);
	if (strncmp(word, key, k) != 0 || word[k] != '=' || word[k + 1] != '"' || n < k + 3 ||
	    word[n - 1] != '"')
		return NULL;
	return mr_xstrndup(word + k + 2, n - k - 3);
}

/* Whether v[i] is the "limit" of a "limit value=..." pair. */
static int is_limit(char **v, size_t n, size_t i)
{
	if (i + 1 >= n || strcmp(v[i], "limit") != 0)
		return 0;
	char *value = word_value(v[i + 1], "value");
	int is = value != NULL;
	free(value);
	return is;
}

/* A rich rule as firewall-cmd lists it: as the zone file's <rule>, read
 * into a rule_state: a family, a priority, a plain source address, one
 * port, a log or audit clause (with its limit), and accept last. */
static int rich_cover(const char *rule, struct cover *c)
{
	char **v = NULL;
	size_t n = rich_words(rule, &v);
	struct rule_state r = { .ok = n >= 2 && !strcmp(v[0], "rule") &&
	                              !strcmp(v[n - 1], "accept") };
	char *x = NULL;
	r.n_accept = r.ok;
	for (size_t i = 1; r.ok && i + 1 < n; i++) {
		if (!r.family && (r.family = word_value(v[i], "family")))
			continue;
		if ((x = word_value(v[i], "priority"))) {
			free(x);
			continue;
		}
		if (!strcmp(v[i], "source") && !r.source && i + 2 < n &&
		    (r.source = word_value(v[i + 1], "address"))) {
			i++;
			continue;
		}
		if (!strcmp(v[i], "port") && !r.n_port++ && i + 3 < n) {
			for (int k = 1; k <= 2; k++) {
				if (!r.port && (r.port = word_value(v[i + k], "port")))
					continue;
				if (!r.proto)
					r.proto = word_value(v[i + k], "protocol");
			}
			i += 2;
			r.ok = r.port && r.proto;
			continue;
		}
		if (!strcmp(v[i], "log") || !strcmp(v[i], "audit")) {
			int log = !strcmp(v[i], "log");
			while (log && i + 2 < n &&
			       ((x = word_value(v[i + 1], "prefix")) ||
			        (x = word_value(v[i + 1], "level")))) {
				free(x);
				i++;
			}
			if (i + 2 < n && is_limit(v, n, i + 1))
				i += 2;
			continue;
		}
		r.ok = 0;
	}
	int ok = rule_cover(&r, c);
	rule_reset(&r);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return ok;
}

int mr_fwd_running_covers(const char *entry, const struct mr_nft_want *w)
{
	struct cover c = { .source = NULL };
	int r = 0;
	if (!strncmp(entry, "rule ", 5)) {
		r = rich_cover(entry, &c) && covers(&c, w);
	} else {
		const char *slash = strchr(entry, '/');
		if (!slash)
			return 0;
		char *ports = mr_xstrndup(entry, (size_t)(slash - entry));
		r = cover_set(&c, slash + 1, ports, NULL, NULL) && covers(&c, w);
		free(ports);
	}
	free(c.source);
	return r;
}

int mr_fwd_running_denies(const char *entry, const struct mr_nft_want *w)
{
	char **v = NULL;
	size_t n = strncmp(entry, "rule ", 5) ? 0 : rich_words(entry, &v);
	/* the action: the last reject (with its type) or drop */
	size_t act = n;
	for (size_t i = 1; i < n; i++)
		if (!strcmp(v[i], "reject") || !strcmp(v[i], "drop"))
			act = i;
	int r = act < n ? 1 : 0;
	char *port = NULL, *proto = NULL, *x = NULL;
	for (size_t i = 1; r && i < act; i++) {
		if ((x = word_value(v[i], "family"))) {
			/* a rule of the other family passes w by; of one family,
			 * it stops part of a rule from any source */
			if (w->source && strcmp(x, family_of(w->source)) != 0)
				r = 0;
			else if (!w->source)
				r = -1;
		} else if ((x = word_value(v[i], "priority"))) {
			if (strtol(x, NULL, 10) > 0)
				r = 0; /* after the accepts, of priority 0 */
		} else if (!strcmp(v[i], "source") && i + 1 < act &&
		           (x = word_value(v[i + 1], "address"))) {
			i++;
			/* all of w's source; part of it (or of any source); or none:
			 * prefixes nest or are apart */
			if (!w->source || mr_nft_prefix_holds(w->source, x))
				r = w->source && mr_nft_prefix_holds(x, w->source) ? r : -1;
			else if (!mr_nft_prefix_holds(x, w->source))
				r = 0;
		} else if (!strcmp(v[i], "port") && i + 2 < act) {
			for (int k = 1; k <= 2; k++) {
				if (!port && (port = word_value(v[i + k], "port")))
					continue;
				if (!proto)
					proto = word_value(v[i + k], "protocol");
			}
			i += 2;
		} else if (!strcmp(v[i], "log") || !strcmp(v[i], "audit") || !strcmp(v[i], "limit") ||
		           (x = word_value(v[i], "prefix")) || (x = word_value(v[i], "level")) ||
		           (x = word_value(v[i], "value"))) {
			/* logging changes nothing of it */
		} else {
			r = -1; /* a condition not read here (NOT, a service, an ipset) */
		}
		free(x);
		x = NULL;
	}
	if (r && (port || proto)) {
		long lo = 0, hi = -1;
		size_t k = port ? mr_nft_parse_range(port, '-', &lo, &hi) : 0;
		if (!port || !proto || !k || port[k])
			r = -1;
		else if (strcmp(proto, w->proto) != 0 || hi < w->lo || lo > w->hi)
			r = 0;
		else if (lo > w->lo || hi < w->hi)
			r = -1;
	}
	free(port);
	free(proto);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return r;
}

/* ---- the zone file ------------------------------------------------ */

struct attr {
	char *name, *value;
};

/* A start tag: its name, attributes, and whether it closes itself. */
struct tag {
	char name[64];
	struct attr *attrs;
	size_t n_attrs;
	int empty;
};

static void tag_fini(struct tag *t)
{
	for (size_t i = 0; i < t->n_attrs; i++) {
		free(t->attrs[i].name);
		free(t->attrs[i].value);
	}
	free(t->attrs);
	memset(t, 0, sizeof(*t));
}

static const char *tag_attr(const struct tag *t, const char *name)
{
	for (size_t i = 0; i < t->n_attrs; i++)
		if (!strcmp(t->attrs[i].name, name))
			return t->attrs[i].value;
	return NULL;
}

/* Whether t has no attribute outside the NULL-terminated list allowed. */
static int only_attrs(const struct tag *t, const char *const *allowed)
{
	for (size_t i = 0; i < t->n_attrs; i++) {
		size_t k = 0;
		while (allowed[k] && strcmp(allowed[k], t->attrs[i].name) != 0)
			k++;
		if (!allowed[k])
			return 0;
	}
	return 1;
}

struct scan {
	const char *text;
	size_t len;
	size_t p;
	char *why;          /* "LINE: reason" */
	/* open elements */
	char (*stack)[64];
	size_t *stack_at;   /* offset of each one's '<' */
	size_t depth, cap;
	int n_roots;
	size_t zone_close;  /* offset of </zone>'s '<', or 0 */
	size_t zone_slash;  /* offset of '/' of <zone/>, or 0 */
	size_t accept_at;   /* offset of <zone target="ACCEPT">, +1 (0: not so) */
	int has_indent;
	size_t indent_at, indent_len;
	struct cover *have;
	size_t n_have;
	struct rule_state rule;
	/* the rule being read as firewall-cmd lists it ("?" for what is not
	 * read here), and the zone's reject and drop rules so written, with
	 * the offset of each one's start tag */
	struct mr_buf rich;
	char verdict[8]; /* its action: listed last, wherever the file has it */
	size_t rule_at;
	char **denies;
	size_t *deny_at, n_denies;
};

static void scan_fini(struct scan *s)
{
	for (size_t k = 0; k < s->n_have; k++)
		free(s->have[k].source);
	free(s->have);
	free(s->stack);
	free(s->stack_at);
	free(s->why);
	rule_reset(&s->rule);
	mr_buf_fini(&s->rich);
	for (size_t k = 0; k < s->n_denies; k++)
		free(s->denies[k]);
	free(s->denies);
	free(s->deny_at);
}

static size_t line_at(const struct scan *s, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off && i < s->len; i++)
		line += s->text[i] == '\n';
	return line;
}

static int refuse(struct scan *s, size_t off, const char *fmt, ...) MR_PRINTF(3, 4);
static int refuse(struct scan *s, size_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = mr_xvasprintf(fmt, ap);
	va_end(ap);
	s->why = mr_xasprintf("%zu: %s", line_at(s, off), msg);
	free(msg);
	return -1;
}

static int name_char(char c, int first)
{
	return isalpha((unsigned char)c) || c == '_' || c == ':' ||
	       (!first && (isdigit((unsigned char)c) || c == '-' || c == '.'));
}

/* The start tag at s->p ('<' then a name); s->p after its '>'. */
static int read_tag(struct scan *s, struct tag *t)
{
	size_t start = s->p, i = s->p + 1, n = 0;
	memset(t, 0, sizeof(*t));
	while (i < s->len && name_char(s->text[i], n == 0) && n + 1 < sizeof(t->name))
		t->name[n++] = s->text[i++];
	if (!n)
		return refuse(s, start, "a '<' that starts no tag");
	for (;;) {
		size_t ws = i;
		while (i < s->len && isspace((unsigned char)s->text[i]))
			i++;
		if (i >= s->len)
			return refuse(s, start, "<%s is never closed by '>'", t->name);
		if (s->text[i] == '>' || (s->text[i] == '/' && i + 1 < s->len && s->text[i + 1] == '>')) {
			t->empty = s->text[i] == '/';
			s->p = i + 1 + t->empty;
			return 0;
		}
		size_t a = i;
		while (i < s->len && name_char(s->text[i], i == a))
			i++;
		if (i == a || ws == a)
			return refuse(s, a, "<%s: not an attribute", t->name);
		char *name = mr_xstrndup(s->text + a, i - a);
		while (i < s->len && isspace((unsigned char)s->text[i]))
			i++;
		if (i < s->len && s->text[i] == '=')
			i++;
		else
			i = s->len;
		while (i < s->len && isspace((unsigned char)s->text[i]))
			i++;
		char q = i < s->len ? s->text[i] : 0;
		if (q != '"' && q != '\'') {
			free(name);
			return refuse(s, a, "<%s: attribute without a quoted value", t->name);
		}
		size_t v = i + 1, e = v;
		while (e < s->len && s->text[e] != q && s->text[e] != '<')
			e++;
		if (e >= s->len || s->text[e] != q) {
			free(name);
			return refuse(s, a, "<%s: unterminated attribute value", t->name);
		}
		t->attrs = mr_xreallocarray(t->attrs, t->n_attrs + 1, sizeof(*t->attrs));
		t->attrs[t->n_attrs].name = name;
		t->attrs[t->n_attrs++].value = mr_xstrndup(s->text + v, e - v);
		i = e + 1;
	}
}

static void rule_reset(struct rule_state *r)
{
	free(r->source);
	free(r->family);
	free(r->port);
	free(r->proto);
	memset(r, 0, sizeof(*r));
}

static void have_add(struct scan *s, const struct cover *c)
{
	s->have = mr_xreallocarray(s->have, s->n_have + 1, sizeof(*s->have));
	s->have[s->n_have++] = *c;
}

static void add_cover(struct scan *s, const char *proto, const char *ports, const char *source,
                      const char *family)
{
	struct cover c;
	if (cover_set(&c, proto, ports, source, family))
		have_add(s, &c);
}

static void rich_clear(struct scan *s)
{
	s->verdict[0] = '\0';
	s->rich.len = 0;
	if (s->rich.data)
		s->rich.data[0] = '\0';
}

/* A child of a <rule>, as firewall-cmd lists it; "?" for what
 * mr_fwd_running_denies does not read (a NOT, a service, a destination). */
static void rich_add(struct scan *s, const struct tag *t)
{
	static const char *const port_attrs[] = { "port", "protocol", NULL };
	static const char *const source_attrs[] = { "address", NULL };
	static const char *const verdict_attrs[] = { "type", NULL };
	const char *address = tag_attr(t, "address");
	if (!strcmp(t->name, "source") && address && only_attrs(t, source_attrs))
		mr_buf_printf(&s->rich, " source address=\"%s\"", address);
	else if (!strcmp(t->name, "port") && only_attrs(t, port_attrs) && tag_attr(t, "port") &&
	         tag_attr(t, "protocol"))
		mr_buf_printf(&s->rich, " port port=\"%s\" protocol=\"%s\"", tag_attr(t, "port"),
		              tag_attr(t, "protocol"));
	else if ((!strcmp(t->name, "reject") || !strcmp(t->name, "drop")) &&
	         only_attrs(t, verdict_attrs))
		snprintf(s->verdict, sizeof(s->verdict), "%s",
		         !strcmp(t->name, "drop") ? "drop" : "reject");
	else if (!strcmp(t->name, "accept"))
		snprintf(s->verdict, sizeof(s->verdict), "accept");
	else if (!strcmp(t->name, "log") || !strcmp(t->name, "audit"))
		mr_buf_printf(&s->rich, " %s", t->name);
	else
		mr_buf_puts(&s->rich, " ?");
}

/* A start tag at depth (1: a child of <zone>): what it opens or covers. */
static void see_tag(struct scan *s, const struct tag *t, size_t depth)
{
	static const char *const port_attrs[] = { "port", "protocol", NULL };
	static const char *const rule_attrs[] = { "family", "priority", NULL };
	static const char *const source_attrs[] = { "address", NULL };
	struct rule_state *r = &s->rule;
	if (depth == 1 && !strcmp(t->name, "port") && only_attrs(t, port_attrs))
		add_cover(s, tag_attr(t, "protocol"), tag_attr(t, "port"), NULL, NULL);
	if (depth == 1 && !strcmp(t->name, "rule")) {
		rule_reset(r);
		r->ok = only_attrs(t, rule_attrs);
		r->family = tag_attr(t, "family") ? mr_xstrdup(tag_attr(t, "family")) : NULL;
		rich_clear(s);
		mr_buf_puts(&s->rich, "rule");
		for (size_t i = 0; i < t->n_attrs; i++)
			mr_buf_printf(&s->rich, " %s=\"%s\"", t->attrs[i].name, t->attrs[i].value);
		if (!r->ok)
			mr_buf_puts(&s->rich, " ?");
		s->rule_at = s->p;
	}
	if (depth == 2)
		rich_add(s, t);
	if (depth == 2 && !strcmp(t->name, "source") && !r->source && only_attrs(t, source_attrs) &&
	    tag_attr(t, "address")) {
		r->source = mr_xstrdup(tag_attr(t, "address"));
	} else if (depth == 2 && !strcmp(t->name, "port") && !r->n_port++ &&
	           only_attrs(t, port_attrs)) {
		r->port = tag_attr(t, "port") ? mr_xstrdup(tag_attr(t, "port")) : NULL;
		r->proto = tag_attr(t, "protocol") ? mr_xstrdup(tag_attr(t, "protocol")) : NULL;
	} else if (depth == 2 && !strcmp(t->name, "accept") && !t->n_attrs) {
		r->n_accept++;
	} else if (depth == 2 && (!strcmp(t->name, "log") || !strcmp(t->name, "audit"))) {
		/* logging changes nothing of what is accepted */
	} else if (depth == 2 || (depth == 3 && !strcmp(s->stack[2], "accept"))) {
		r->ok = 0;        /* a destination, a limit, a service ...: not a plain accept */
	}
}

/* </rule> of a child of <zone>: the rule covers if it is a plain accept. */
static void end_rule(struct scan *s)
{
	struct cover c;
	if (rule_cover(&s->rule, &c))
		have_add(s, &c);
	rule_reset(&s->rule);
	if (s->verdict[0])
		mr_buf_printf(&s->rich, " %s", s->verdict);
	const char *rich = s->rich.data ? s->rich.data : "";
	if (!strcmp(s->verdict, "reject") || !strcmp(s->verdict, "drop")) {
		s->denies = mr_xreallocarray(s->denies, s->n_denies + 1, sizeof(*s->denies));
		s->deny_at = mr_xreallocarray(s->deny_at, s->n_denies + 1, sizeof(*s->deny_at));
		s->denies[s->n_denies] = mr_xstrdup(rich);
		s->deny_at[s->n_denies++] = s->rule_at;
	}
	rich_clear(s);
}

static void push(struct scan *s, const char *name, size_t at)
{
	if (s->depth == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->stack = mr_xreallocarray(s->stack, s->cap, sizeof(*s->stack));
		s->stack_at = mr_xreallocarray(s->stack_at, s->cap, sizeof(*s->stack_at));
	}
	snprintf(s->stack[s->depth], sizeof(*s->stack), "%s", name);
	s->stack_at[s->depth++] = at;
}

/* Whether only blanks precede off on its line; *bol its line's start. */
static int starts_line(const struct scan *s, size_t off, size_t *bol)
{
	size_t b = off;
	while (b > 0 && s->text[b - 1] != '\n')
		b--;
	*bol = b;
	for (size_t i = b; i < off; i++)
		if (s->text[i] != ' ' && s->text[i] != '\t')
			return 0;
	return 1;
}

static int skip_to(struct scan *s, const char *end, const char *what)
{
	const char *hit = memmem(s->text + s->p, s->len - s->p, end, strlen(end));
	if (!hit)
		return refuse(s, s->p, "%s never ends", what);
	s->p = (size_t)(hit - s->text) + strlen(end);
	return 0;
}

static int element(struct scan *s)
{
	size_t at = s->p;
	struct tag t;
	if (read_tag(s, &t) < 0) {
		tag_fini(&t);
		return -1;
	}
	if (s->depth == 0) {
		int r = 0;
		if (s->n_roots++)
			r = refuse(s, at, "a second root element <%s>: one <zone> only", t.name);
		else if (strcmp(t.name, "zone") != 0)
			r = refuse(s, at, "the root element is <%s>, not <zone>", t.name);
		if (r < 0) {
			tag_fini(&t);
			return -1;
		}
		if (t.empty)
			s->zone_slash = s->p - 2;
		/* the zone accepts all it takes that no deny rule stops */
		const char *target = tag_attr(&t, "target");
		if (target && !strcmp(target, "ACCEPT"))
			s->accept_at = at + 1;
	} else {
		size_t bol;
		if (s->depth == 1 && !s->has_indent && starts_line(s, at, &bol)) {
			s->has_indent = 1;
			s->indent_at = bol;
			s->indent_len = at - bol;
		}
		see_tag(s, &t, s->depth);
	}
	if (!t.empty)
		push(s, t.name, at);
	else if (s->depth == 1 && !strcmp(t.name, "rule"))
		end_rule(s);
	tag_fini(&t);
	return 0;
}

static int end_tag(struct scan *s)
{
	size_t at = s->p, i = s->p + 2, n = 0;
	char name[64];
	while (i < s->len && name_char(s->text[i], n == 0) && n + 1 < sizeof(name))
		name[n++] = s->text[i++];
	name[n] = '\0';
	while (i < s->len && isspace((unsigned char)s->text[i]))
		i++;
	if (!n || i >= s->len || s->text[i] != '>')
		return refuse(s, at, "a malformed end tag");
	if (!s->depth)
		return refuse(s, at, "</%s> closes nothing", name);
	if (strcmp(s->stack[s->depth - 1], name) != 0)
		return refuse(s, at, "</%s> closes <%s> of line %zu", name, s->stack[s->depth - 1],
		              line_at(s, s->stack_at[s->depth - 1]));
	s->depth--;
	if (s->depth == 0)
		s->zone_close = at;
	if (s->depth == 1 && !strcmp(name, "rule"))
		end_rule(s);
	s->p = i + 1;
	return 0;
}

static int scan_zone(struct scan *s)
{
	if (s->len >= 3 && !memcmp(s->text, "\xef\xbb\xbf", 3))
		s->p = 3;
	if (memchr(s->text, '\0', s->len))
		return refuse(s, (size_t)((const char *)memchr(s->text, '\0', s->len) - s->text),
		              "a NUL byte");
	while (s->p < s->len) {
		const char *c = s->text + s->p;
		size_t left = s->len - s->p;
		int r = 0;
		if (*c != '<') {
			if (!s->depth && !isspace((unsigned char)*c))
				return refuse(s, s->p, "text outside <zone>");
			s->p++;
		} else if (left >= 4 && !memcmp(c, "<!--", 4)) {
			s->p += 4;
			r = skip_to(s, "-->", "a comment");
		} else if (left >= 2 && c[1] == '?') {
			s->p += 2;
			r = skip_to(s, "?>", "a processing instruction");
		} else if (left >= 9 && !memcmp(c, "<![CDATA[", 9) && s->depth) {
			s->p += 9;
			r = skip_to(s, "]]>", "a CDATA section");
		} else if (left >= 2 && c[1] == '!') {
			r = refuse(s, s->p, "a DOCTYPE or declaration: its entities could change the zone");
		} else if (left >= 2 && c[1] == '/') {
			r = end_tag(s);
		} else {
			r = element(s);
		}
		if (r < 0)
			return -1;
	}
	if (s->depth)
		return refuse(s, s->len, "<%s> of line %zu is never closed", s->stack[s->depth - 1],
		              line_at(s, s->stack_at[s->depth - 1]));
	if (!s->n_roots)
		return refuse(s, s->len, "no <zone> element");
	return 0;
}

char *mr_fwd_zone_merge(const char *text, size_t len, const struct mr_nft_want *want, size_t n,
                        char **found)
{
	struct scan s = { .text = text, .len = len };
	struct mr_buf add, missing, out;
	char *result = NULL;
	*found = NULL;
	mr_buf_init(&add);
	mr_buf_init(&missing);
	mr_buf_init(&out);
	if (scan_zone(&s) < 0) {
		*found = s.why;
		s.why = NULL;
		goto out;
	}
	const char *nl = memchr(text, '\n', len);
	const char *eol = nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
	char *indent = s.has_indent ? mr_xstrndup(text + s.indent_at, s.indent_len) : mr_xstrdup("  ");
	size_t bol = 0;
	int own_line = !s.zone_slash && starts_line(&s, s.zone_close, &bol);
	for (size_t i = 0; i < n; i++) {
		/* firewalld applies a zone's reject and drop rules before its
		 * accepts: no accept helps against one that takes all of it */
		for (size_t k = 0; k < s.n_denies; k++) {
			if (mr_fwd_running_denies(s.denies[k], &want[i]) != 1)
				continue;
			char *need = mr_fwd_running_text(&want[i]);
			refuse(&s, s.deny_at[k],
			       "the zone's rule '%s' stops all of '%s' before any accept (firewalld "
			       "applies reject and drop rules first): remove it",
			       s.denies[k], need);
			free(need);
			free(indent);
			*found = s.why;
			s.why = NULL;
			goto out;
		}
		int have = s.accept_at != 0;
		for (size_t k = 0; k < s.n_have && !have; k++)
			have = covers(&s.have[k], &want[i]);
		if (have)
			continue;
		char *elt = mr_fwd_xml_text(&want[i]);
		if (own_line)
			mr_buf_printf(&add, "%s%s%s", indent, elt, eol);
		else
			mr_buf_printf(&add, "%s%s%s", eol, indent, elt);
		mr_buf_printf(&missing, "%s%s", missing.len ? "; " : "missing: ", elt);
		free(elt);
		/* what is added covers the needs after it */
		struct cover added = { .lo = want[i].lo, .hi = want[i].hi };
		added.source = want[i].source ? mr_xstrdup(want[i].source) : NULL;
		snprintf(added.proto, sizeof(added.proto), "%s", want[i].proto);
		have_add(&s, &added);
	}
	free(indent);
	if (!add.len) {
		result = mr_xstrndup(text, len);
		if (s.accept_at && n)
			*found = mr_xasprintf("covered by the zone's target=\"ACCEPT\" (line %zu)",
			                      line_at(&s, s.accept_at - 1));
		goto out;
	}
	if (s.zone_slash) { /* <zone/>: opened, filled and closed */
		mr_buf_add(&out, text, s.zone_slash);
		mr_buf_puts(&out, ">");
		mr_buf_add(&out, add.data, add.len);
		mr_buf_printf(&out, "%s</zone>", eol);
		mr_buf_add(&out, text + s.zone_slash + 2, len - s.zone_slash - 2);
	} else {
		size_t at = own_line ? bol : s.zone_close;
		mr_buf_add(&out, text, at);
		mr_buf_add(&out, add.data, add.len);
		if (!own_line)
			mr_buf_puts(&out, eol);
		mr_buf_add(&out, text + at, len - at);
	}
	result = mr_buf_steal(&out, NULL);
	*found = mr_buf_steal(&missing, NULL);
out:
	scan_fini(&s);
	mr_buf_fini(&add);
	mr_buf_fini(&missing);
	mr_buf_fini(&out);
	return result;
}

char *mr_fwd_zone_doubts(const char *text, size_t len, const struct mr_nft_want *want, size_t n)
{
	struct scan s = { .text = text, .len = len };
	struct mr_buf out;
	mr_buf_init(&out);
	if (scan_zone(&s) == 0) {
		for (size_t k = 0; k < s.n_denies; k++) {
			size_t i = 0;
			while (i < n && mr_fwd_running_denies(s.denies[k], &want[i]) != -1)
				i++;
			if (i == n)
				continue;
			char *need = mr_fwd_running_text(&want[i]);
			mr_buf_printf(&out, "%zu the zone's rule '%s' may refuse part of '%s' before "
			              "any accept\n", line_at(&s, s.deny_at[k]), s.denies[k], need);
			free(need);
		}
	}
	scan_fini(&s);
	if (!out.len) {
		mr_buf_fini(&out);
		return NULL;
	}
	return mr_buf_steal(&out, NULL);
}
