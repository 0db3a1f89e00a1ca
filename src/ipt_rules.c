/* iptables accept rules: coverage (ipt_rules.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipt_rules.h"
#include "nft_conf.h"
#include "util.h"

int mr_ipt_accept_covers(const char *have, const char *want)
{
	char proto[32], ports[256], source[64], w_proto[32], w_ports[16], w_source[64];
	long want_lo, want_hi;
	if (sscanf(have, "%31s %255s %63s", proto, ports, source) != 3 ||
	    sscanf(want, "%31s %15s %63s", w_proto, w_ports, w_source) != 3)
		return 0;
	/* no protocol nor port: every port of every protocol */
	int all = !strcmp(proto, "any") && !strcmp(ports, "any");
	if (!all && strcasecmp(proto, w_proto) != 0)
		return 0;
	size_t k = mr_nft_parse_range(w_ports, ':', &want_lo, &want_hi);
	if (!k || w_ports[k])
		return 0;
	int held = all;
	for (const char *p = ports; *p && !held;) {
		size_t len = strcspn(p, ",");
		long lo, hi;
		held = len && mr_nft_parse_range(p, ':', &lo, &hi) == len && lo <= want_lo &&
		       want_hi <= hi;
		p += len + (p[len] == ',');
	}
	if (!held)
		return 0;
	if (!strcmp(source, "any"))
		return 1;
	return strcmp(w_source, "any") != 0 && mr_nft_prefix_holds(source, w_source);
}

char *mr_ipt_node_digest(const char *children)
{
	char proto[32] = "", ports[256] = "", source[64] = "any";
	int accept = 0, other = 0;
	for (const char *l = children; *l && !other;) {
		size_t len = strcspn(l, "\n");
		const char *tab = memchr(l, '\t', len);
		if (!tab)
			return NULL;
		size_t klen = (size_t)(tab - l), vlen = len - klen - 1;
		const char *v = tab + 1;
#define IS(k) (klen == strlen(k) && !strncmp(l, k, klen))
#define VALUE(s) (vlen == strlen(s) && !strncmp(v, s, vlen))
		if (IS("jump"))
			accept = VALUE("ACCEPT");
		else if (IS("protocol") && vlen < sizeof(proto))
			snprintf(proto, sizeof(proto), "%.*s", (int)vlen, v);
		else if ((IS("dport") || IS("dports")) && vlen < sizeof(ports))
			snprintf(ports, sizeof(ports), "%.*s", (int)vlen, v);
		else if (IS("source") && vlen < sizeof(source))
			snprintf(source, sizeof(source), "%.*s", (int)vlen, v);
		else if (IS("match"))
			other = !(VALUE("tcp") || VALUE("udp") || VALUE("state") || VALUE("conntrack") ||
			          VALUE("multiport") || VALUE("comment"));
		else if (IS("state") || IS("ctstate"))
			other = !(vlen >= 3 && !strncmp(v, "NEW", 3) && (vlen == 3 || v[3] == ','));
		else if (!IS("comment"))
			other = 1;
#undef IS
#undef VALUE
		l += len + (l[len] == '\n');
	}
	/* a protocol without ports takes some ports only: not read */
	if (other || !accept || !*proto != !*ports)
		return NULL;
	return mr_xasprintf("%s %s %s", *proto ? proto : "any", *ports ? ports : "any", source);
}

static int chain_accepts(const char *scope, const char *name, size_t len, const char *want);

/* A jump or goto's chain and the rule's children with it as an ACCEPT
 * (the caller's), or NULL when it goes to no user chain. */
static char *as_accept(const char *children, const char **chain, size_t *len)
{
	struct mr_buf b;
	mr_buf_init(&b);
	*chain = NULL;
	for (const char *l = children; *l;) {
		size_t n = strcspn(l, "\n");
		if ((n > 5 && !strncmp(l, "jump\t", 5)) || (n > 5 && !strncmp(l, "goto\t", 5))) {
			*chain = l + 5;
			*len = n - 5;
			mr_buf_puts(&b, "jump\tACCEPT\n");
		} else {
			mr_buf_add(&b, l, n);
			mr_buf_putc(&b, '\n');
		}
		l += n + (l[n] == '\n');
	}
	static const char *const builtin[] = { "ACCEPT", "DROP", "REJECT", "RETURN", "LOG", NULL };
	for (size_t i = 0; *chain && builtin[i]; i++)
		if (*len == strlen(builtin[i]) && !strncmp(*chain, builtin[i], *len))
			*chain = NULL;
	if (!*chain) {
		mr_buf_fini(&b);
		return NULL;
	}
	return mr_buf_steal(&b, NULL);
}

int mr_ipt_node_covers(const char *children, const char *want, const char *scope)
{
	char *have = mr_ipt_node_digest(children);
	int r = have && mr_ipt_accept_covers(have, want);
	free(have);
	const char *chain = NULL;
	size_t len = 0;
	char *acc = r || !scope ? NULL : as_accept(children, &chain, &len);
	if (acc)
		r = mr_ipt_node_covers(acc, want, NULL) && chain_accepts(scope, chain, len, want);
	free(acc);
	return r;
}

/* Whether the port list ports ("22,49152:65535") shares a port with
 * lo..hi; a list it cannot read may. */
static int ports_meet(const char *ports, long lo, long hi)
{
	for (const char *p = ports; *p;) {
		size_t len = strcspn(p, ",");
		long a, b;
		if (!len || mr_nft_parse_range(p, ':', &a, &b) != len || (a <= hi && lo <= b))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

int mr_ipt_stop_blocks(const char *stop, const char *want)
{
	char proto[32], ports[256], source[64], w_proto[32], w_ports[16], w_source[64];
	long lo, hi;
	if (sscanf(stop, "%31s %255s %63s", proto, ports, source) != 3 ||
	    sscanf(want, "%31s %15s %63s", w_proto, w_ports, w_source) != 3)
		return 1;
	/* iptables takes -p in any case, "all" for any; a protocol by number
	 * (one /etc/protocols does not name) may be it */
	if (strcasecmp(proto, "any") != 0 && strcasecmp(proto, "all") != 0 &&
	    strcasecmp(proto, w_proto) != 0 && !(proto[0] >= '0' && proto[0] <= '9'))
		return 0;
	size_t k = mr_nft_parse_range(w_ports, ':', &lo, &hi);
	if (k && !w_ports[k] && strcmp(ports, "any") != 0 && !ports_meet(ports, lo, hi))
		return 0;
	/* disjoint networks (a prefix holds itself only when it reads) */
	if (strcmp(source, "any") != 0 && strcmp(w_source, "any") != 0 &&
	    mr_nft_prefix_holds(source, source) && mr_nft_prefix_holds(w_source, w_source) &&
	    !!strchr(source, ':') == !!strchr(w_source, ':') &&
	    !mr_nft_prefix_holds(source, w_source) && !mr_nft_prefix_holds(w_source, source))
		return 0;
	return 1;
}

/* The value of the first child labelled label, its length in *len, or
 * NULL (a negated one too). */
static const char *child_value(const char *children, const char *label, size_t *len)
{
	for (const char *l = children; *l && *l != '\n';) {
		size_t n = strcspn(l, "\n");
		const char *tab = memchr(l, '\t', n);
		if (tab && (size_t)(tab - l) == strlen(label) && !strncmp(l, label, strlen(label)) &&
		    tab[1] != '!') {
			*len = n - (size_t)(tab - l) - 1;
			return tab + 1;
		}
		l += n + (l[n] == '\n');
	}
	return NULL;
}

/* Whether a rule (children) may take a new connection: a state match
 * (-m state --state, -m conntrack --ctstate) without NEW takes none, as
 * nft's 'ct state invalid drop' (nft_conf.c); a negated one may. */
static int takes_new(const char *children)
{
	static const char *const labels[] = { "state", "ctstate" };
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		size_t n = 0;
		const char *v = child_value(children, labels[i], &n);
		if (!v)
			continue;
		int new_one = 0;
		for (size_t k = 0; k < n && !new_one;) {
			size_t len = strcspn(v + k, ",\n");
			len = len < n - k ? len : n - k;
			new_one = len == 3 && !strncasecmp(v + k, "NEW", 3);
			k += len + 1;
		}
		if (!new_one)
			return 0;
	}
	return 1;
}

/* Whether a rule's jump or goto (children) leads to DROP or REJECT, or to
 * a chain that does, however deep (scope: the table's rules, each its
 * chain's line, its children, a blank line). */
static int jumps_to_stop(const char *children, const char *scope)
{
	size_t jn = 0;
	const char *j = child_value(children, "jump", &jn);
	if (!j)
		j = child_value(children, "goto", &jn);
	if (!j)
		return 0;
	if ((jn == 4 && !strncmp(j, "DROP", 4)) || (jn == 6 && !strncmp(j, "REJECT", 6)))
		return 1;
	if (!scope)
		return 0;
	/* chains that stop, found round by round (each round adds one level) */
	char **stops = NULL;
	size_t n_stops = 0;
	for (int more = 1, round = 0; more && round < 64; round++) {
		more = 0;
		for (const char *b = scope; *b;) {
			size_t cn = strcspn(b, "\n");
			const char *kids = b + cn + (b[cn] == '\n');
			/* a rule without options ("-A INPUT") has no children */
			const char *end = *kids == '\n' ? kids : strstr(kids, "\n\n");
			end = end ? end + (*kids == '\n' ? 1 : 2) : kids + strlen(kids);
			size_t tn = 0;
			const char *t = child_value(kids, "jump", &tn);
			if (!t)
				t = child_value(kids, "goto", &tn);
			int stop = t && takes_new(kids) && ((tn == 4 && !strncmp(t, "DROP", 4)) ||
			                 (tn == 6 && !strncmp(t, "REJECT", 6)));
			for (size_t k = 0; t && k < n_stops && !stop; k++)
				stop = strlen(stops[k]) == tn && !strncmp(stops[k], t, tn);
			int known = 0;
			for (size_t k = 0; k < n_stops && !known; k++)
				known = strlen(stops[k]) == cn && !strncmp(stops[k], b, cn);
			if (stop && !known) {
				stops = mr_xreallocarray(stops, n_stops + 1, sizeof(*stops));
				stops[n_stops++] = mr_xstrndup(b, cn);
				more = 1;
			}
			b = end;
		}
	}
	int r = 0;
	for (size_t k = 0; k < n_stops; k++) {
		r |= strlen(stops[k]) == jn && !strncmp(stops[k], j, jn);
		free(stops[k]);
	}
	free(stops);
	return r;
}

/* Whether the chain name (len bytes) of scope (as jumps_to_stop reads it)
 * accepts all of want before any of its rules jumps or goes elsewhere than
 * ACCEPT or LOG (a drop, a return, another chain: past it what the chain
 * does with the traffic is not weighed): a jump or goto there, by its
 * conditions or not, stops none of want's traffic. */
static int chain_accepts(const char *scope, const char *name, size_t len, const char *want)
{
	for (const char *b = scope; *b;) {
		size_t cn = strcspn(b, "\n");
		const char *kids = b + cn + (b[cn] == '\n');
		const char *end = *kids == '\n' ? kids : strstr(kids, "\n\n");
		end = end ? end + (*kids == '\n' ? 1 : 2) : kids + strlen(kids);
		if (cn == len && !strncmp(b, name, len)) {
			size_t tn = 0;
			const char *t = child_value(kids, "jump", &tn);
			int goes = child_value(kids, "goto", &tn) != NULL;
			if (goes || (t && !(tn == 6 && !strncmp(t, "ACCEPT", 6)) &&
			             !(tn == 3 && !strncmp(t, "LOG", 3))))
				return 0;
			/* its own lines, without the blank line that ends them */
			const char *blank = strstr(kids, "\n\n");
			char *own = mr_xstrndup(kids, blank ? (size_t)(blank - kids) + 1 : strlen(kids));
			int covers = t && mr_ipt_node_covers(own, want, NULL);
			free(own);
			if (covers)
				return 1;
		}
		b = end;
	}
	return 0;
}

/* Whether scope declares a chain with policy DROP (a declaration has no
 * rule's children: only its policy). */
static int scope_policy_drops(const char *scope)
{
	for (const char *l = scope; l && *l;) {
		size_t n = strcspn(l, "\n");
		if (n == strlen("policy\tDROP") && !strncmp(l, "policy\tDROP", n))
			return 1;
		l += n + (l[n] == '\n');
	}
	return 0;
}

int mr_ipt_node_stop_blocks(const char *children, const char *want, const char *scope)
{
	size_t gn = 0;
	int goes = child_value(children, "goto", &gn) != NULL;
	if (!takes_new(children))
		return 0;
	size_t tn = 0;
	const char *t = child_value(children, "jump", &tn);
	if (!t)
		t = child_value(children, "goto", &tn);
	if (t && scope && chain_accepts(scope, t, tn, want))
		return 0;
	if (!jumps_to_stop(children, scope) && !(goes && scope && scope_policy_drops(scope)))
		return 0;
	char proto[32] = "any", ports[256] = "any", source[64] = "any";
	for (const char *l = children; *l;) {
		size_t len = strcspn(l, "\n");
		const char *tab = memchr(l, '\t', len);
		if (tab && tab[1] != '!') {
			size_t klen = (size_t)(tab - l), vlen = len - klen - 1;
			const char *v = tab + 1;
#define IS(k) (klen == strlen(k) && !strncmp(l, k, klen))
			if (IS("protocol") && vlen < sizeof(proto))
				snprintf(proto, sizeof(proto), "%.*s", (int)vlen, v);
			else if ((IS("dport") || IS("dports")) && vlen < sizeof(ports))
				snprintf(ports, sizeof(ports), "%.*s", (int)vlen, v);
			else if (IS("source") && vlen < sizeof(source))
				snprintf(source, sizeof(source), "%.*s", (int)vlen, v);
#undef IS
		}
		l += len + (l[len] == '\n');
	}
	char *stop = mr_xasprintf("%s %s %s", proto, ports, source);
	int r = mr_ipt_stop_blocks(stop, want);
	free(stop);
	return r;
}
