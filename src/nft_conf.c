/* nftables' configuration: the input chain's accept rules (nft_conf.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_conf.h"
#include "util.h"

char *mr_nft_ports_text(char *out, long lo, long hi, char sep)
{
	if (lo == hi)
		snprintf(out, MR_NFT_PORTS_SIZE, "%ld", lo);
	else
		snprintf(out, MR_NFT_PORTS_SIZE, "%ld%c%ld", lo, sep, hi);
	return out;
}

size_t mr_nft_parse_range(const char *s, char sep, long *lo, long *hi)
{
	char *end = NULL;
	if (!isdigit((unsigned char)*s))
		return 0;
	*lo = strtol(s, &end, 10);
	*hi = *lo;
	if (*end == sep && isdigit((unsigned char)end[1]))
		*hi = strtol(end + 1, &end, 10);
	if (*lo > *hi || *hi > 65535)
		return 0;
	return (size_t)(end - s);
}

char *mr_nft_rule_text(const struct mr_nft_want *w)
{
	char ports[MR_NFT_PORTS_SIZE];
	mr_nft_ports_text(ports, w->lo, w->hi, '-');
	if (!w->source)
		return mr_xasprintf("%s dport %s accept", w->proto, ports);
	return mr_xasprintf("%s saddr %s %s dport %s accept", strchr(w->source, ':') ? "ip6" : "ip",
	                    w->source, w->proto, ports);
}

/* ---- words of a rule ---------------------------------------------- */

/* The rule's words: a "..." string, or a { ... } set, is one word. */
static size_t split_words(const char *s, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		const char *start = s;
		if (*s == '"') {
			s++;
			while (*s && *s != '"')
				s++;
			if (*s)
				s++;
		} else if (*s == '{') {
			int depth = 0;
			do {
				depth += *s == '{';
				depth -= *s == '}';
				s++;
			} while (*s && depth > 0);
		} else {
			while (*s && !isspace((unsigned char)*s) && *s != '{' && *s != '"')
				s++;
		}
		v = mr_xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = mr_xstrndup(start, (size_t)(s - start));
	}
	*out = v;
	return n;
}

static void words_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Whether the word, or an item of the { a, b } set it is, passes test. */
static int any_item(const char *word, int (*test)(const char *item, const void *arg),
                    const void *arg)
{
	if (*word != '{')
		return test(word, arg);
	char *copy = mr_xstrdup(word + 1);
	char *close = strrchr(copy, '}');
	if (close)
		*close = '\0';
	int hit = 0;
	for (char *save = NULL, *item = strtok_r(copy, ",", &save); item && !hit;
	     item = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*item))
			item++;
		size_t l = strlen(item);
		while (l && isspace((unsigned char)item[l - 1]))
			item[--l] = '\0';
		hit = test(item, arg);
	}
	free(copy);
	return hit;
}

static int port_item_holds(const char *item, const void *arg)
{
	const struct mr_nft_want *w = arg;
	long lo = 0, hi = 0;
	size_t k = mr_nft_parse_range(item, '-', &lo, &hi);
	return k && !item[k] && lo <= w->lo && w->hi <= hi;
}

int mr_nft_prefix_holds(const char *prefix, const char *source)
{
	struct mr_cidr a, b;
	return mr_cidr_parse(prefix, &a) == MR_CIDR_OK && mr_cidr_parse(source, &b) == MR_CIDR_OK &&
	       mr_cidr_holds(&a, &b);
}

static int source_item_holds(const char *item, const void *arg)
{
	return mr_nft_prefix_holds(item, arg);
}

static int is_word(const char *w, const char *what)
{
	return !strcmp(w, what);
}

static int blank_tail(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* The index of the "{ KEY : VERDICT, ... }" of the verdict map at v[at]
 * ("vmap"): the next word, or after a named map's "@NAME" (the map's
 * elements put there, as the probe and the file reader do); 0 if none. */
static size_t vmap_body(char **v, size_t n, size_t at)
{
	if (at + 1 < n && v[at + 1][0] == '{')
		return at + 1;
	if (at + 2 < n && v[at + 1][0] == '@' && v[at + 2][0] == '{')
		return at + 2;
	return 0;
}

static int vmap_covers(const char *rule, const struct mr_nft_want *w);

int mr_nft_rule_covers(const char *rule, const struct mr_nft_want *w)
{
	char **v = NULL;
	size_t n_words = split_words(rule, &v), n = n_words;
	for (size_t i = 0; i < n; i++)
		if (is_word(v[i], "vmap")) {
			words_free(v, n_words);
			return vmap_covers(rule, w);
		}
	if (n >= 2 && is_word(v[n - 2], "comment") && v[n - 1][0] == '"')
		n -= 2; /* the rule's comment follows its verdict */
	/* no port condition: every port (of every protocol) */
	int port_ok = 1, source_ok = 1, ok = n > 0 && is_word(v[n - 1], "accept");
	for (size_t i = 0; ok && i + 1 < n;) {
		if ((is_word(v[i], "ip") || is_word(v[i], "ip6")) && i + 2 < n &&
		    is_word(v[i + 1], "saddr")) {
			/* an IPv6 rule does not see IPv4 packets, nor the reverse */
			int v6 = is_word(v[i], "ip6");
			source_ok = w->source && !!strchr(w->source, ':') == v6 &&
			            any_item(v[i + 2], source_item_holds, w->source);
			ok = source_ok;
			i += 3;
		} else if ((is_word(v[i], "tcp") || is_word(v[i], "udp")) && i + 2 < n &&
		           is_word(v[i + 1], "dport")) {
			port_ok = is_word(v[i], w->proto) && any_item(v[i + 2], port_item_holds, w);
			ok = port_ok;
			i += 3;
		} else if (is_word(v[i], "ct") && i + 2 < n && is_word(v[i + 1], "state") &&
		           (is_word(v[i + 2], "new") || is_word(v[i + 2], "{ new }"))) {
			i += 3;
		} else if (is_word(v[i], "counter")) {
			i++;
			if (i + 3 < n && is_word(v[i], "packets") && is_word(v[i + 2], "bytes"))
				i += 4;
		} else if (is_word(v[i], "comment") && i + 1 < n && v[i + 1][0] == '"') {
			i += 2;
		} else {
			ok = 0; /* a condition not understood: no cover */
		}
	}
	words_free(v, n_words);
	return ok && port_ok && source_ok;
}

static int port_item_overlaps(const char *item, const void *arg)
{
	const struct mr_nft_want *w = arg;
	long lo = 0, hi = 0;
	size_t k = mr_nft_parse_range(item, '-', &lo, &hi);
	return !k || item[k] || (lo <= w->hi && w->lo <= hi); /* unread: may */
}

static int source_item_overlaps(const char *item, const void *arg)
{
	struct mr_cidr c, w;
	if (mr_cidr_parse(item, &c) != MR_CIDR_OK)
		return 1; /* not an address: may */
	return mr_cidr_parse(arg, &w) == MR_CIDR_OK &&
	       (mr_cidr_holds(&c, &w) || mr_cidr_holds(&w, &c));
}

/* "new", or a list of states with it ("new,established" as nft lists it) */
static int is_new_state(const char *item, const void *arg)
{
	(void)arg;
	for (const char *p = item; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 3 && !strncmp(p, "new", 3))
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

int mr_nft_family_sees(const char *family, const struct mr_nft_want *w)
{
	int v6 = w->source && strchr(w->source, ':');
	if (!strcmp(family, "inet"))
		return 1;
	if (!strcmp(family, "ip"))
		return !w->source || !v6;
	if (!strcmp(family, "ip6"))
		return !w->source || v6;
	return 0;
}

int mr_nft_rule_may_match(const char *rule, const struct mr_nft_want *w)
{
	char **v = NULL;
	size_t n = split_words(rule, &v);
	int may = 1;
	for (size_t i = 0; may && i < n;) {
		/* a named set, a variable or a negation (!= x): what it takes is
		 * not worked out */
		int known = i + 2 < n && !strchr("@$!", v[i + 2][0]) && !is_word(v[i + 2], "vmap") &&
		            !is_word(v[i + 2], "map");
		if ((is_word(v[i], "ip") || is_word(v[i], "ip6")) && i + 2 < n &&
		    is_word(v[i + 1], "saddr")) {
			int v6 = is_word(v[i], "ip6");
			if (w->source && !!strchr(w->source, ':') != v6)
				may = 0;
			else if (w->source && known)
				may = any_item(v[i + 2], source_item_overlaps, w->source);
			i += 3;
		} else if ((is_word(v[i], "tcp") || is_word(v[i], "udp")) && i + 2 < n &&
		           is_word(v[i + 1], "dport")) {
			may = is_word(v[i], w->proto) && (!known || any_item(v[i + 2], port_item_overlaps, w));
			i += 3;
		} else if (is_word(v[i], "ct") && i + 2 < n && is_word(v[i + 1], "state")) {
			may = !known || any_item(v[i + 2], is_new_state, NULL);
			i += 3;
		} else {
			i++;
		}
	}
	words_free(v, n);
	return may;
}

static int ends_with(const char *s, const char *tail)
{
	size_t ls = strlen(s), lt = strlen(tail);
	return ls >= lt && !strcmp(s + ls - lt, tail);
}

/* Whether the verdict words v (of one map element) drop: drop, reject,
 * or a jump or goto to a chain drops says holds a stop. */
static int verdict_drops(const char *verdict, int (*drops)(const char *, int, const void *),
                         const void *arg)
{
	char **v = NULL;
	size_t n = split_words(verdict, &v);
	int r = n && (is_word(v[0], "drop") || is_word(v[0], "reject"));
	if (n >= 2 && (is_word(v[0], "jump") || is_word(v[0], "goto")))
		r = !drops || drops(v[1], is_word(v[0], "goto"), arg);
	words_free(v, n);
	return r;
}

int mr_nft_vmap_may_stop(const char *rule, const struct mr_nft_want *w,
                         int (*drops)(const char *chain, int is_goto, const void *arg),
                         const void *arg)
{
	char **v = NULL;
	size_t n = split_words(rule, &v), at = 0;
	while (at < n && !is_word(v[at], "vmap"))
		at++;
	int may = 0;
	size_t body_at = at < n ? vmap_body(v, n, at) : 0;
	if (!body_at) {
		may = at < n; /* a named map: its verdicts are not seen */
		words_free(v, n);
		return may;
	}
	struct mr_buf cond;
	mr_buf_init(&cond);
	for (size_t i = 0; i < at; i++)
		mr_buf_printf(&cond, "%s ", v[i]);
	/* "{ KEY : VERDICT, ... }": the verdict follows the last colon (an
	 * IPv6 key holds colons of its own) */
	char *body = mr_xstrndup(v[body_at] + 1, strlen(v[body_at]) - 1);
	char *close = strrchr(body, '}');
	if (close)
		*close = '\0';
	for (char *save = NULL, *e = strtok_r(body, ",", &save); e && !may;
	     e = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(e, ':');
		if (!colon || !verdict_drops(colon + 1, drops, arg))
			continue;
		*colon = '\0';
		char *pseudo = mr_xasprintf("%s%s", cond.data ? cond.data : "", e);
		if (w) {
			may = mr_nft_rule_may_match(pseudo, w);
		} else { /* any new connection: only a ct state without new rules it out */
			char *key = e;
			while (isspace((unsigned char)*key))
				key++;
			key[strcspn(key, " \t\n")] = '\0';
			may = !cond.data || !ends_with(cond.data, "ct state ") ||
			      any_item(key, is_new_state, NULL);
		}
		free(pseudo);
	}
	free(body);
	mr_buf_fini(&cond);
	words_free(v, n);
	return may;
}

/* A verdict map covers w where an element accepting takes all of it (the
 * rule's conditions and the element's key, as an accept rule of both
 * would) and no element may send some of it elsewhere than accept (a drop,
 * a jump: a map's keys may overlap). Anything after the map but a
 * comment: no cover. */
static int vmap_covers(const char *rule, const struct mr_nft_want *w)
{
	char **v = NULL;
	size_t n = split_words(rule, &v), at = 0;
	while (at < n && !is_word(v[at], "vmap"))
		at++;
	size_t body_at = at < n ? vmap_body(v, n, at) : 0;
	size_t tail = n - body_at - 1;
	int covers = 0;
	if (body_at && (tail == 0 || (tail == 2 && is_word(v[body_at + 1], "comment"))) &&
	    !mr_nft_vmap_may_stop(rule, w, NULL, NULL)) {
		struct mr_buf cond;
		mr_buf_init(&cond);
		for (size_t i = 0; i < at; i++)
			mr_buf_printf(&cond, "%s ", v[i]);
		char *body = mr_xstrdup(v[body_at] + 1);
		char *close = strrchr(body, '}');
		if (close)
			*close = '\0';
		for (char *save = NULL, *e = strtok_r(body, ",", &save); e && !covers;
		     e = strtok_r(NULL, ",", &save)) {
			char *colon = strrchr(e, ':'), *verdict = colon ? colon + 1 : NULL;
			while (verdict && isspace((unsigned char)*verdict))
				verdict++;
			if (!verdict || strncmp(verdict, "accept", 6) != 0 || !blank_tail(verdict + 6))
				continue;
			*colon = '\0';
			char *pseudo = mr_xasprintf("%s%s accept", cond.data ? cond.data : "", e);
			covers = mr_nft_rule_covers(pseudo, w);
			free(pseudo);
		}
		free(body);
		mr_buf_fini(&cond);
	}
	words_free(v, n);
	return covers;
}

/* ---- the file ------------------------------------------------------ */

struct line {
	const char *start; /* in the text */
	size_t len;        /* without its newline */
	int depth_in, depth_out;
	char *code;        /* without comment, strings blanked */
};

struct rule {
	size_t first, last; /* lines */
	char *text;         /* the statement, code only */
	int stop;
	char **jumps;       /* jump or goto targets (not its verdict map's) */
	size_t n_jumps;
	int gotos;          /* one of them is a goto */
	int vmap;           /* it has a verdict map */
};

struct chain {
	char *family, *table, *name;
	size_t line, close;   /* its header and closing lines */
	int close_has_code;
	int base_input;       /* type filter hook input */
	int policy_drop;
	int drops;            /* holds a stop itself (for jumps to it) */
	struct rule *rules;
	size_t n_rules;
	size_t decl_line;     /* the type ... hook line, for indentation */
};

struct conf;

/* A chain and its file, for chain_drops. */
struct conf_chain_ref {
	const struct conf *c;
	const struct chain *ch;
};

/* A named verdict map declared in a table's block, with its elements
 * ("{ KEY : VERDICT, ... }", NULL: none declared there). */
struct vmap_decl {
	char *family, *table, *name, *elements;
};

struct conf {
	struct line *lines;
	size_t n_lines;
	struct chain *chains;
	size_t n_chains;
	struct vmap_decl *maps;
	size_t n_maps;
	int elements_elsewhere; /* a line outside a table adds or takes elements */
	char *why; /* "LINE: reason" once refused */
};

static void refuse(struct conf *c, size_t line, const char *fmt, ...) MR_PRINTF(3, 4);
static void refuse(struct conf *c, size_t line, const char *fmt, ...)
{
	if (c->why)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = mr_xvasprintf(fmt, ap);
	va_end(ap);
	c->why = mr_xasprintf("%zu: %s", line + 1, msg);
	free(msg);
}

static void conf_fini(struct conf *c)
{
	for (size_t i = 0; i < c->n_lines; i++)
		free(c->lines[i].code);
	free(c->lines);
	for (size_t i = 0; i < c->n_chains; i++) {
		struct chain *ch = &c->chains[i];
		for (size_t k = 0; k < ch->n_rules; k++) {
			free(ch->rules[k].text);
			for (size_t j = 0; j < ch->rules[k].n_jumps; j++)
				free(ch->rules[k].jumps[j]);
			free(ch->rules[k].jumps);
		}
		free(ch->rules);
		free(ch->family);
		free(ch->table);
		free(ch->name);
	}
	free(c->chains);
	for (size_t i = 0; i < c->n_maps; i++) {
		free(c->maps[i].family);
		free(c->maps[i].table);
		free(c->maps[i].name);
		free(c->maps[i].elements);
	}
	free(c->maps);
	free(c->why);
}

/* Lines, their code and brace depths; refuses an unbalanced brace or an
 * unterminated string. */
static void read_lines(struct conf *c, const char *text, size_t len)
{
	int depth = 0;
	size_t open_at[64]; /* the line of each open block */
	const char *p = text, *end = text + len;
	while (p < end && !c->why) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		c->lines = mr_xreallocarray(c->lines, c->n_lines + 1, sizeof(*c->lines));
		struct line *ln = &c->lines[c->n_lines];
		ln->start = p;
		ln->len = l;
		ln->depth_in = depth;
		ln->code = mr_xcalloc(l + 1, 1);
		size_t k = 0;
		int in_str = 0;
		for (size_t i = 0; i < l && !c->why; i++) {
			char ch = p[i];
			if (in_str) {
				if (ch == '"')
					in_str = 0;
				ln->code[k++] = ch == '"' ? '"' : 'x';
				continue;
			}
			if (ch == '#')
				break;
			if (ch == '"')
				in_str = 1;
			if (ch == '{' && depth == (int)MR_ARRAY_LEN(open_at))
				refuse(c, c->n_lines, "blocks nested too deep");
			else if (ch == '{')
				open_at[depth++] = c->n_lines;
			if (ch == '}' && --depth < 0)
				refuse(c, c->n_lines, "a '}' closes no block");
			ln->code[k++] = ch;
		}
		if (in_str)
			refuse(c, c->n_lines, "a string without its closing quote");
		/* nft joins a line ending in '\' with the next: a rule put
		 * between them would split one rule in two (its last words
		 * alone: "drop", for everything) */
		while (k && strchr(" \t\r", ln->code[k - 1]))
			k--;
		if (k && ln->code[k - 1] == '\\')
			refuse(c, c->n_lines,
			       "a line continued with '\\' (nft joins it with the next line), which "
			       "migready does not edit; join the two lines");
		ln->depth_out = depth;
		c->n_lines++;
		p = nl ? nl + 1 : end;
	}
	if (!c->why && depth > 0)
		refuse(c, open_at[depth - 1], "a '{' that is never closed");
}

/* The first words of s (up to max) into w[]; their count. */
static size_t first_words(const char *s, char w[][64], size_t max)
{
	size_t n = 0;
	while (n < max) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		size_t l = 0;
		while (s[l] && !isspace((unsigned char)s[l]))
			l++;
		snprintf(w[n++], 64, "%.*s", (int)(l < 63 ? l : 63), s);
		s += l;
	}
	return n;
}

static int blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* The words of a statement outside any { } (a verdict map's verdicts are
 * not the rule's). */
static char *top_level(const char *s)
{
	char *out = mr_xcalloc(strlen(s) + 1, 1);
	size_t k = 0;
	int depth = 0;
	for (; *s; s++) {
		if (*s == '{')
			depth++;
		else if (*s == '}')
			depth--;
		else if (depth == 0)
			out[k++] = *s;
		else if (k && out[k - 1] != ' ')
			out[k++] = ' ';
	}
	return out;
}

static void add_statement(struct conf *c, struct chain *ch, const char *stmt, size_t first,
                          size_t last)
{
	char w[8][64];
	size_t n = first_words(stmt, w, 8);
	if (!n)
		return;
	if (!strcmp(w[0], "type")) {
		/* type T hook H [device D] priority P */
		for (size_t i = 1; i + 1 < n; i++)
			if (!strcmp(w[i], "hook"))
				ch->base_input = !strcmp(w[1], "filter") && !strcmp(w[i + 1], "input");
		ch->decl_line = first;
		return;
	}
	if (!strcmp(w[0], "policy")) {
		ch->policy_drop = n > 1 && !strcmp(w[1], "drop");
		return;
	}
	if (!strcmp(w[0], "comment") || !strcmp(w[0], "devices"))
		return;
	/* nft splices an included file in place, in a chain's block too */
	if (!strcmp(w[0], "include")) {
		refuse(c, first, "include: the rules it adds are not read");
		return;
	}
	ch->rules = mr_xreallocarray(ch->rules, ch->n_rules + 1, sizeof(*ch->rules));
	struct rule *r = &ch->rules[ch->n_rules++];
	*r = (struct rule){ first, last, mr_xstrdup(stmt), 0, NULL, 0, 0, 0 };
	char *top = top_level(stmt);
	char **v = NULL;
	size_t nv = split_words(top, &v);
	for (size_t i = 0; i < nv; i++) {
		if (!strcmp(v[i], "drop") || !strcmp(v[i], "reject"))
			r->stop = 1;
		if ((!strcmp(v[i], "jump") || !strcmp(v[i], "goto")) && i + 1 < nv) {
			r->jumps = mr_xreallocarray(r->jumps, r->n_jumps + 1, sizeof(*r->jumps));
			r->jumps[r->n_jumps++] = mr_xstrdup(v[i + 1]);
			r->gotos |= !strcmp(v[i], "goto");
		}
		r->vmap |= !strcmp(v[i], "vmap");
	}
	ch->drops |= r->stop;
	words_free(v, nv);
	free(top);
}

/* A chain's body: its statements (';' apart, a { } may span lines). */
static size_t read_chain(struct conf *c, struct chain *ch, size_t i)
{
	struct mr_buf stmt;
	mr_buf_init(&stmt);
	size_t first = i;
	for (; i < c->n_lines && !c->why; i++) {
		struct line *ln = &c->lines[i];
		if (!stmt.len)
			first = i;
		if (ln->depth_out < 2 && stmt.len == 0) { /* the closing line */
			char *brace = strchr(ln->code, '}');
			*brace = '\0';
			ch->close_has_code = !blank(ln->code) || ln->depth_out < 1;
			*brace = '}';
			ch->close = i;
			break;
		}
		if (ln->depth_out < 2) {
			refuse(c, i, "a block closes the chain '%s' inside a statement", ch->name);
			break;
		}
		/* split on ';' outside braces */
		int depth = ln->depth_in - 2;
		for (const char *s = ln->code; *s; s++) {
			depth += *s == '{';
			depth -= *s == '}';
			if (*s == ';' && depth == 0) {
				add_statement(c, ch, stmt.data ? stmt.data : "", first, i);
				stmt.len = 0;
				if (stmt.data)
					stmt.data[0] = '\0';
				first = i;
				continue;
			}
			mr_buf_putc(&stmt, *s);
		}
		mr_buf_putc(&stmt, ' ');
		if (ln->depth_out == 2) {
			if (!blank(stmt.data))
				add_statement(c, ch, stmt.data, first, i);
			stmt.len = 0;
			stmt.data[0] = '\0';
		}
	}
	mr_buf_fini(&stmt);
	if (i == c->n_lines)
		refuse(c, ch->line, "the chain '%s' is never closed", ch->name);
	return i;
}

/* A chain of the file, or NULL (refused) when it is there already. */
static struct chain *new_chain(struct conf *c, const char *family, const char *table,
                               const char *name, size_t line)
{
	for (size_t k = 0; k < c->n_chains; k++)
		if (!strcmp(c->chains[k].name, name) && !strcmp(c->chains[k].table, table) &&
		    !strcmp(c->chains[k].family, family)) {
			/* nft merges the two: which rule comes first is not plain */
			refuse(c, line, "the chain '%s' again (first on line %zu)", name,
			       c->chains[k].line + 1);
			return NULL;
		}
	c->chains = mr_xreallocarray(c->chains, c->n_chains + 1, sizeof(*c->chains));
	struct chain *ch = &c->chains[c->n_chains++];
	*ch = (struct chain){ 0 };
	ch->family = mr_xstrdup(family);
	ch->table = mr_xstrdup(table);
	ch->name = mr_xstrdup(name);
	ch->line = line;
	ch->close = line;
	ch->close_has_code = 1;
	ch->decl_line = (size_t)-1;
	return ch;
}

/* The statements of code[from, to) on line i (';' apart, outside braces)
 * into ch, up to the last ';'. */
static void add_statements(struct conf *c, struct chain *ch, size_t i, const char *from,
                          const char *to)
{
	struct mr_buf stmt;
	mr_buf_init(&stmt);
	int depth = 0;
	for (const char *s = from; s < to; s++) {
		depth += *s == '{';
		depth -= *s == '}';
		if (*s == ';' && depth == 0) {
			if (stmt.len && !blank(stmt.data))
				add_statement(c, ch, stmt.data, i, i);
			stmt.len = 0;
			stmt.data[0] = '\0';
			continue;
		}
		mr_buf_putc(&stmt, *s);
	}
	mr_buf_fini(&stmt);
}

/* A regular chain whose body is on its header's line ("chain ssh { tcp
 * dport 22 drop; }"): its statements, so that a jump to it is judged. */
static void read_one_line_chain(struct conf *c, struct chain *ch, size_t i)
{
	const char *code = c->lines[i].code;
	const char *open = strchr(code, '{'), *close = strrchr(code, '}');
	if (!open || !close || close < open)
		return;
	/* the last statement needs no ';' before the brace */
	struct mr_buf body;
	mr_buf_init(&body);
	mr_buf_add(&body, open + 1, (size_t)(close - open - 1));
	mr_buf_putc(&body, ';');
	add_statements(c, ch, i, body.data, body.data + body.len);
	mr_buf_fini(&body);
}

static const char *const families[] = { "ip", "ip6", "inet", "arp", "bridge", "netdev", NULL };

static int is_family(const char *w)
{
	for (size_t i = 0; families[i]; i++)
		if (!strcmp(w, families[i]))
			return 1;
	return 0;
}

/* A map's block from line i ("map NAME { ... }", on one line or several):
 * its elements, where it is a verdict map. Returns its last line. */
static size_t read_map(struct conf *c, const char *family, const char *table, const char *name,
                       size_t i)
{
	struct mr_buf body;
	mr_buf_init(&body);
	size_t j = i;
	for (; j < c->n_lines; j++) {
		/* from the brace after its name (read_conf saw one) */
		mr_buf_printf(&body, "%s ", j == i ? strchr(c->lines[j].code, '{') : c->lines[j].code);
		if (c->lines[j].depth_out <= 1)
			break;
	}
	const char *el = body.data ? strstr(body.data, "elements") : NULL;
	const char *open = el ? el + strlen("elements") + strspn(el + strlen("elements"), " \t=") : NULL;
	if (body.data && strstr(body.data, ": verdict") && open && *open == '{') {
		size_t k = 0;
		int depth = 0;
		do {
			depth += open[k] == '{';
			depth -= open[k] == '}';
			k++;
		} while (open[k] && depth > 0);
		c->maps = mr_xreallocarray(c->maps, c->n_maps + 1, sizeof(*c->maps));
		c->maps[c->n_maps++] = (struct vmap_decl){ mr_xstrdup(family), mr_xstrdup(table),
			                                       mr_xstrdup(name), mr_xstrndup(open, k) };
	}
	mr_buf_fini(&body);
	return j < c->n_lines ? j : c->n_lines - 1;
}

/* A rule's "vmap @NAME" with NAME's elements put after it, where the
 * file declares them in its table and adds none elsewhere: the rule is
 * then judged element by element, as an anonymous map. */
static void expand_maps(struct conf *c)
{
	for (size_t i = 0; i < c->n_chains && !c->elements_elsewhere; i++) {
		struct chain *ch = &c->chains[i];
		for (size_t k = 0; k < ch->n_rules; k++) {
			struct rule *r = &ch->rules[k];
			if (!r->vmap)
				continue;
			char **v = NULL;
			size_t n = split_words(r->text, &v);
			struct mr_buf b;
			mr_buf_init(&b);
			int done = 0;
			for (size_t w = 0; w < n; w++) {
				mr_buf_printf(&b, "%s%s", w ? " " : "", v[w]);
				if (!w || !is_word(v[w - 1], "vmap") || v[w][0] != '@')
					continue;
				for (size_t m = 0; m < c->n_maps && !done; m++)
					if (!strcmp(c->maps[m].name, v[w] + 1) &&
					    !strcmp(c->maps[m].table, ch->table) &&
					    !strcmp(c->maps[m].family, ch->family)) {
						mr_buf_printf(&b, " %s", c->maps[m].elements);
						done = 1;
					}
			}
			if (done) {
				free(r->text);
				r->text = mr_buf_steal(&b, NULL);
			}
			mr_buf_fini(&b);
			words_free(v, n);
		}
	}
}

static void read_conf(struct conf *c)
{
	char table[64] = "", family[64] = "";
	for (size_t i = 0; i < c->n_lines && !c->why; i++) {
		struct line *ln = &c->lines[i];
		char w[4][64];
		size_t n = first_words(ln->code, w, 4);
		if (ln->depth_in == 0 && n) {
			if (!strcmp(w[0], "include")) {
				refuse(c, i, "include: the rules it adds are not read");
				return;
			}
			if ((!strcmp(w[0], "add") || !strcmp(w[0], "insert") || !strcmp(w[0], "replace") ||
			     !strcmp(w[0], "create")) &&
			    n > 1 && (!strcmp(w[1], "rule") || !strcmp(w[1], "chain"))) {
				refuse(c, i, "a %s added outside its table's block is not read", w[1]);
				return;
			}
			/* "chain FAMILY TABLE NAME { ... }" is add chain: a base
			 * chain of its own; "delete" and "flush chain" take rules
			 * away */
			if (!strcmp(w[0], "chain") || !strcmp(w[0], "rule")) {
				refuse(c, i, "a %s outside its table's block is not read", w[0]);
				return;
			}
			/* elements a map gains or loses outside its block: its
			 * declared ones are not all it holds */
			if (n > 1 && (!strcmp(w[1], "element") || !strcmp(w[1], "map")))
				c->elements_elsewhere = 1;
			if ((!strcmp(w[0], "delete") || !strcmp(w[0], "flush")) && n > 1 &&
			    (!strcmp(w[1], "rule") || !strcmp(w[1], "chain"))) {
				refuse(c, i, "'%s %s' outside a table's block is not read", w[0],
				       n > 1 ? w[1] : "");
				return;
			}
			if (!strcmp(w[0], "table") && ln->depth_out == 1) {
				int fam = n > 2 && is_family(w[1]);
				snprintf(family, sizeof(family), "%s", fam ? w[1] : "ip");
				snprintf(table, sizeof(table), "%s", fam ? w[2] : w[1]);
				char *b = strchr(table, '{');
				if (b)
					*b = '\0';
				continue;
			}
			if (strstr(ln->code, "hook") && ln->depth_out == 0 && strchr(ln->code, '{')) {
				refuse(c, i, "a table on one line is not read");
				return;
			}
			if (ln->depth_out > 0)
				table[0] = '\0'; /* a block of another kind (a define's set) */
			continue;
		}
		if (ln->depth_in == 1 && *table && n >= 2 && !strcmp(w[0], "map") &&
		    ln->depth_out >= 1 && strchr(ln->code, '{')) {
			char *b = strchr(w[1], '{');
			if (b)
				*b = '\0';
			i = read_map(c, family, table, w[1], i);
			continue;
		}
		if (ln->depth_in == 1 && *table && n >= 2 && !strcmp(w[0], "chain")) {
			if (ln->depth_out != 2 && strstr(ln->code, "hook")) {
				refuse(c, i, "a base chain on one line is not read");
				return;
			}
			if (ln->depth_out != 2 && (ln->depth_out != 1 || !strchr(ln->code, '{')))
				continue; /* a declaration without a body */
			char *b = strchr(w[1], '{');
			if (b)
				*b = '\0';
			struct chain *ch = new_chain(c, family, table, w[1], i);
			if (!ch)
				return;
			if (ln->depth_out != 2) {
				read_one_line_chain(c, ch, i);
				continue;
			}
			/* statements after the header's brace ("chain input { type
			 * filter hook input priority 0; policy drop"), the line's end
			 * ending the last, are its own */
			struct mr_buf rest;
			mr_buf_init(&rest);
			mr_buf_printf(&rest, "%s;", strchr(ln->code, '{') + 1);
			add_statements(c, ch, i, rest.data, rest.data + rest.len);
			mr_buf_fini(&rest);
			i = read_chain(c, ch, i + 1);
		}
	}
}

/* Whether the chain named name of ch's table (arg) holds a stop, or a
 * goto to it (is_goto) from an input chain with policy drop stops: what
 * the chain gone to does not accept meets that policy. */
static int chain_drops(const char *name, int is_goto, const void *arg)
{
	const struct conf_chain_ref *ref = arg;
	if (is_goto && ref->ch->base_input && ref->ch->policy_drop)
		return 1;
	for (size_t j = 0; j < ref->c->n_chains; j++) {
		const struct chain *o = &ref->c->chains[j];
		if (o->drops && !strcmp(o->name, name) && !strcmp(o->table, ref->ch->table) &&
		    !strcmp(o->family, ref->ch->family))
			return 1;
	}
	return 0;
}

/* Chains whose rules jump to a chain holding a stop stop too; a chain
 * whose verdict map may drop, or jump to such a chain, holds one for the
 * chains that jump to it (its elements are not weighed there). A goto
 * from an input chain with policy drop is a stop whatever its target:
 * a packet the target does not accept meets the policy, not the rules
 * below the goto. */
static void resolve_jumps(struct conf *c)
{
	for (size_t i = 0; i < c->n_chains; i++)
		for (size_t k = 0; k < c->chains[i].n_rules; k++)
			if (c->chains[i].base_input && c->chains[i].policy_drop &&
			    c->chains[i].rules[k].gotos) {
				c->chains[i].rules[k].stop = 1;
				c->chains[i].drops = 1;
			}
	for (int changed = 1, round = 0; changed && round < 64; round++) {
		changed = 0;
		for (size_t i = 0; i < c->n_chains; i++)
			for (size_t k = 0; k < c->chains[i].n_rules; k++) {
				struct rule *r = &c->chains[i].rules[k];
				struct conf_chain_ref ref = { c, &c->chains[i] };
				if (r->vmap && !c->chains[i].drops &&
				    mr_nft_vmap_may_stop(r->text, NULL, chain_drops, &ref)) {
					c->chains[i].drops = 1;
					changed = 1;
				}
				for (size_t t = 0; t < r->n_jumps && !r->stop; t++)
					for (size_t j = 0; j < c->n_chains && !r->stop; j++)
						if (c->chains[j].drops && !strcmp(c->chains[j].name, r->jumps[t]) &&
						    !strcmp(c->chains[j].table, c->chains[i].table) &&
						    !strcmp(c->chains[j].family, c->chains[i].family)) {
							r->stop = 1;
							c->chains[i].drops = 1;
							changed = 1;
						}
			}
	}
}

static struct chain *input_chain(struct conf *c)
{
	struct chain *first = NULL, *drop = NULL;
	size_t n = 0, n_drop = 0;
	for (size_t i = 0; i < c->n_chains; i++) {
		if (!c->chains[i].base_input)
			continue;
		n++;
		first = first ? first : &c->chains[i];
		if (c->chains[i].policy_drop) {
			n_drop++;
			drop = &c->chains[i];
		}
	}
	if (!n) {
		refuse(c, c->n_lines ? c->n_lines - 1 : 0,
		       "no filter chain hooked on input in the file");
		return NULL;
	}
	if (n == 1)
		return first;
	if (n_drop == 1)
		return drop;
	refuse(c, first->line,
	       "%zu filter chains hooked on input, and %s with policy drop: cannot tell which to "
	       "add to",
	       n, n_drop ? "several" : "none");
	return NULL;
}

/* Whether the chain r (of ch) jumps or goes to accepts all of w first: a
 * rule that covers it above any that may end the chain otherwise (a stop,
 * a jump, a goto, a verdict map, a return: past it what becomes of the
 * traffic is not weighed). Then r stops none of it, whatever the policy. */
static int target_accepts(const struct conf *c, const struct chain *ch, const struct rule *r,
                          const struct mr_nft_want *w)
{
	if (r->n_jumps != 1 || r->vmap)
		return 0;
	for (size_t j = 0; j < c->n_chains; j++) {
		const struct chain *t = &c->chains[j];
		if (t == ch || strcmp(t->name, r->jumps[0]) != 0 || strcmp(t->table, ch->table) != 0 ||
		    strcmp(t->family, ch->family) != 0)
			continue;
		for (size_t k = 0; k < t->n_rules; k++) {
			const struct rule *a = &t->rules[k];
			if (a->stop || a->n_jumps || a->vmap || strstr(a->text, "return"))
				return 0;
			if (mr_nft_rule_covers(a->text, w))
				return 1;
		}
		return 0;
	}
	return 0;
}

/* Whether r (of ch) may stop some of the traffic of want[0..n): a drop,
 * a reject or a jump to a chain holding one whose conditions may match it
 * (any at all with any_stop: where rules go, above the first) unless
 * that chain accepts it first, or a verdict map element that may send it
 * to one. */
static int rule_may_stop(const struct conf *c, const struct chain *ch, const struct rule *r,
                         const struct mr_nft_want *want, size_t n, int any_stop)
{
	struct conf_chain_ref ref = { c, ch };
	for (size_t i = 0; i < n; i++)
		if ((r->stop && !target_accepts(c, ch, r, &want[i]) &&
		     (any_stop || mr_nft_rule_may_match(r->text, &want[i]))) ||
		    (r->vmap && mr_nft_vmap_may_stop(r->text, &want[i], chain_drops, &ref)))
			return 1;
	return 0;
}

/* Every chain hooked on input sees the packet (an accept ends only its own
 * chain; a drop ends all): in each but mine, w's traffic must meet an
 * accept that covers it before any stop that may match it, or the end of
 * a chain with policy accept. Else refused at the rule (or the chain) that
 * drops it: migready adds to one chain. */
static void other_chains_pass(struct conf *c, const struct chain *mine,
                              const struct mr_nft_want *w)
{
	for (size_t i = 0; i < c->n_chains && !c->why; i++) {
		const struct chain *ch = &c->chains[i];
		if (ch == mine || !ch->base_input || !mr_nft_family_sees(ch->family, w))
			continue;
		const struct rule *blocker = NULL;
		int pass = 0;
		for (size_t k = 0; k < ch->n_rules && !pass && !blocker; k++) {
			if (rule_may_stop(c, ch, &ch->rules[k], w, 1, 0))
				blocker = &ch->rules[k];
			else if (!ch->rules[k].stop)
				pass = mr_nft_rule_covers(ch->rules[k].text, w);
		}
		if (pass || (!blocker && !ch->policy_drop))
			continue;
		char *rule = mr_nft_rule_text(w);
		char *how = mr_xstrdup("policy drop");
		if (blocker) { /* its line as written, strings and all */
			const struct line *ln = &c->lines[blocker->first];
			size_t a = 0, z = ln->len;
			while (a < z && isspace((unsigned char)ln->start[a]))
				a++;
			while (z > a && isspace((unsigned char)ln->start[z - 1]))
				z--;
			free(how);
			how = mr_xasprintf("'%.*s'", (int)(z - a), ln->start + a);
		}
		refuse(c, blocker ? blocker->first : ch->line,
		       "the chain %s %s %s, also hooked on input, drops (%s) before it accepts '%s': "
		       "a packet must pass every input chain; accept it there too",
		       ch->family, ch->table, ch->name, how, rule);
		free(how);
		free(rule);
	}
}

static void put_indent(struct mr_buf *b, const struct line *ln)
{
	size_t k = 0;
	while (k < ln->len && (ln->start[k] == ' ' || ln->start[k] == '\t'))
		k++;
	mr_buf_add(b, ln->start, k);
}

/* One merge; where it inserted, *at_line (1-based) and *chain_name (the
 * caller's). */
static char *merge_once(const char *text, size_t len, const struct mr_nft_want *want, size_t n,
                        char **found, size_t *at_line, char **chain_name)
{
	struct conf c = { 0 };
	char *out = NULL;
	*found = NULL;
	read_lines(&c, text, len);
	if (!c.why)
		read_conf(&c);
	if (!c.why) {
		expand_maps(&c);
		resolve_jumps(&c);
	}
	struct chain *ch = c.why ? NULL : input_chain(&c);
	if (!ch)
		goto refused;
	size_t stop = 0;
	while (stop < ch->n_rules && !rule_may_stop(&c, ch, &ch->rules[stop], want, n, 1))
		stop++;
	if (stop == ch->n_rules && ch->close_has_code) {
		refuse(&c, ch->close, "a statement on the line closing the chain '%s'", ch->name);
		goto refused;
	}
	size_t at = stop < ch->n_rules ? ch->rules[stop].first : ch->close;
	/* a new rule is indented as the stop, or the chain's last statement */
	const struct line *like = stop < ch->n_rules ? &c.lines[at]
	                          : ch->n_rules      ? &c.lines[ch->rules[ch->n_rules - 1].first]
	                          : ch->decl_line != (size_t)-1 ? &c.lines[ch->decl_line]
	                                                        : NULL;
	/* new lines end as the line they go above (a file saved on Windows) */
	const char *eol = c.lines[at].len && c.lines[at].start[c.lines[at].len - 1] == '\r' ? "\r\n"
	                                                                                    : "\n";
	struct mr_buf add, missing, covers;
	mr_buf_init(&add);
	mr_buf_init(&missing);
	mr_buf_init(&covers);
	for (size_t i = 0; i < n; i++) {
		int v6 = want[i].source && strchr(want[i].source, ':');
		if (want[i].source && (!strcmp(ch->family, v6 ? "ip" : "ip6") ||
		                       !strcmp(ch->family, "arp") || !strcmp(ch->family, "bridge"))) {
			refuse(&c, ch->line, "the chain '%s' of family %s cannot match the source '%s'",
			       ch->name, ch->family, want[i].source);
			mr_buf_fini(&add);
			mr_buf_fini(&missing);
			mr_buf_fini(&covers);
			goto refused;
		}
		other_chains_pass(&c, ch, &want[i]);
		if (c.why) {
			mr_buf_fini(&add);
			mr_buf_fini(&missing);
			mr_buf_fini(&covers);
			goto refused;
		}
		/* an accept counts above the first stop that may take this
		 * traffic ('ct state invalid drop' takes no new connection); a
		 * new one goes above the chain's first stop all the same */
		int covered = 0;
		size_t k = 0;
		for (; k < ch->n_rules && !covered; k++) {
			if (k >= stop && rule_may_stop(&c, ch, &ch->rules[k], &want[i], 1, 0))
				break;
			covered = !ch->rules[k].stop && mr_nft_rule_covers(ch->rules[k].text, &want[i]);
		}
		if (covered) { /* named by its first line as written, and its number */
			const struct line *ln = &c.lines[ch->rules[k - 1].first];
			size_t a = 0, z = ln->len;
			while (a < z && isspace((unsigned char)ln->start[a]))
				a++;
			while (z > a && isspace((unsigned char)ln->start[z - 1]))
				z--;
			mr_buf_printf(&covers, "%scovered by '%.*s' (line %zu)", covers.len ? "; " : "",
			              (int)(z - a), ln->start + a, ch->rules[k - 1].first + 1);
			continue;
		}
		char *rule = mr_nft_rule_text(&want[i]);
		if (like)
			put_indent(&add, like);
		else
			mr_buf_puts(&add, "\t\t");
		mr_buf_printf(&add, "%s%s", rule, eol);
		mr_buf_printf(&missing, "%s%s", missing.len ? "; " : "", rule);
		free(rule);
	}
	if (!add.len) {
		out = mr_xstrndup(text, len);
		/* nothing missing: what covers each (no line inserted) */
		*found = covers.len ? mr_buf_steal(&covers, NULL) : NULL;
	} else {
		struct mr_buf b;
		mr_buf_init(&b);
		size_t off = (size_t)(c.lines[at].start - text);
		mr_buf_add(&b, text, off);
		mr_buf_add(&b, add.data, add.len);
		mr_buf_add(&b, text + off, len - off);
		out = mr_buf_steal(&b, NULL);
		*found = mr_xasprintf("missing in %s %s %s: %s", ch->family, ch->table, ch->name,
		                      missing.data);
		*at_line = at + 1;
		*chain_name = mr_xstrdup(ch->name);
	}
	mr_buf_fini(&add);
	mr_buf_fini(&missing);
	mr_buf_fini(&covers);
	conf_fini(&c);
	return out;
refused:
	*found = c.why;
	c.why = NULL;
	conf_fini(&c);
	return NULL;
}

char *mr_nft_conf_merge(const char *text, size_t len, const struct mr_nft_want *want, size_t n,
                        char **found)
{
	size_t at_line = 0;
	char *chain = NULL;
	char *out = merge_once(text, len, want, n, found, &at_line, &chain);
	if (!out || !at_line)
		return out; /* refused, or nothing inserted */
	/* The rules must be found where they were put: above a line that
	 * holds a stop after other text (a closing brace, statements of
	 * another block), they can land outside the chain. Refused, rather
	 * than inserted again by every apply. */
	char *again_found = NULL, *again_chain = NULL;
	size_t again_line = 0;
	char *again = merge_once(out, strlen(out), want, n, &again_found, &again_line, &again_chain);
	int settled = again && !again_line; /* nothing inserted again */
	free(again);
	free(again_found);
	free(again_chain);
	if (!settled) {
		free(out);
		out = NULL;
		free(*found);
		*found = mr_xasprintf("%zu: rules inserted above this line would not be read back in "
		                      "the chain '%s'",
		                      at_line, chain);
	}
	free(chain);
	return out;
}
