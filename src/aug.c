/* The Augeas engine. The only file that includes augeas.h.
 *
 * Scratch trees live under /mr in each handle: /mr/text holds the input,
 * /mr/t its tree, /mr/out the serialised result and /mr/check the result
 * parsed again. Nothing is ever loaded from or saved to a real file. */
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <augeas.h>

#include "aug.h"
#include "aug_priv.h"
#include "config.h"
#include "diff.h"
#include "fold.h"

#define TEXT "/mr/text"
#define TREE "/mr/t"
#define OUT "/mr/out"
#define CHECK_TEXT "/mr/check_text"
#define CHECK "/mr/check"

/* Large enough for a fleet's few distinct versions of each file, small
 * enough to stay well inside the controller's memory budget. */
#define CACHE_BYTES_MAX (16u << 20)

struct cache_entry {
	uint64_t hash;
	char *lens;
	char *text;
	size_t len;
	struct mr_aug_op *ops;
	size_t nops;
	struct mr_aug_outcome *outcomes;
	char *out;
	size_t out_len;
	struct cache_entry *next; /* insertion order, for eviction */
};

/* Handles that parse at once. One slow parse (minutes for a few MB of
 * active keys) then holds its handle only, and the other hosts go on with
 * the next. Each handle keeps its own copy of every lens it used: 2 MB for
 * Migready_libvirt, 14 MB for Shellvars, 6.5 MB for Multipath, 25 MB in
 * all. So a second one is opened only once a parse has held the first for
 * SLOW_PARSE_MS of CPU time (a normal run never does and keeps one: 41 MB
 * at -j 32 on 200 hosts, under the 64 MB it may use); two at most. */
#define HANDLES_MAX 2
#define SLOW_PARSE_MS 1000

struct parser {
	augeas *handle;
	int busy;
	/* The CPU clock of the thread using it, and its reading when it took
	 * it: CPU time, since on a loaded machine a parse waits its turn. */
	clockid_t holder_cpu;
	long start_ms;
};

/* Augeas compiles its regexps with glibc's process-wide re_syntax_options:
 * set to this, compile, then put back what it found. Two handles doing so
 * at once stay correct only while the value they find is this one (set
 * once at start) and none sets it otherwise: with RE_ICASE, for a lens
 * with a case-insensitive regexp. Lenses known to have none (they and the
 * modules they use) parse side by side; any other parses alone. The value
 * is Augeas's own (src/regexp.c, 1.14). */
#define AUGEAS_RE_SYNTAX                                                                    \
	(RE_CONTEXT_INDEP_OPS | RE_CONTEXT_INVALID_OPS | RE_DOT_NOT_NULL | RE_INTERVALS |       \
	 RE_NO_BK_BRACES | RE_NO_BK_PARENS | RE_NO_BK_REFS | RE_NO_BK_VBAR | RE_NO_EMPTY_RANGES | \
	 RE_NO_POSIX_BACKTRACKING | RE_CONTEXT_INVALID_DUP | RE_NO_GNU_OPS)

static const char *const case_sensitive_modules[] = {
	"Exports",       "Fstab",     "Iptables",  "Migready_exports", "Migready_libvirt",
	"Migready_multipath", "Migready_oslo", "Multipath", "Shellvars",
};

struct mr_aug {
	char *lens_dirs;
	pthread_mutex_t lock; /* the parsers' busy flags, the cache, the counters */
	pthread_cond_t parser_freed;
	struct parser parsers[HANDLES_MAX];
	size_t n_parsers;
	unsigned slow_parse_ms;
	/* read: a lens of case_sensitive_modules; write: any other */
	pthread_rwlock_t regexp_syntax;
	struct cache_entry *oldest, *newest;
	size_t cache_bytes;
	unsigned long parses; /* requests that went to a handle */
	unsigned long hits;
};

const char *mr_aug_default_lens_dirs(void)
{
	/* A binary run from its build tree uses the source tree's lenses, so
	 * that an edited lens is tried at once; an installed binary only ever
	 * uses the installed ones. */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (mr_str_startswith(exe, MR_BUILD_DIR "/"))
			return MR_SOURCE_LENS_DIR;
	}
	return MR_LENS_DIR;
}

/* Where Augeas looks for a module after lens_dirs: AUGEAS_LENS_LIB, then
 * the library's own directories. */
static char *search_path(const char *lens_dirs)
{
	const char *env = getenv("AUGEAS_LENS_LIB");
	return mr_xasprintf("%s:%s:/usr/share/augeas/lenses/dist:/usr/share/augeas/lenses",
	                    lens_dirs ? lens_dirs : "", env ? env : "");
}

/* Whether the module file defines "let NAME" (a lens or any other value:
 * Augeas itself tells which at load). */
static int defines(const char *file, const char *name)
{
	size_t len;
	char *text = mr_file_read(file, &len);
	int found = 0;
	size_t n = strlen(name);
	for (const char *p = text; p && !found && (p = strstr(p, "let ")); p += 4) {
		const char *q = p + 4;
		while (*q == ' ' || *q == '\t')
			q++;
		found = (p == text || !isalnum((unsigned char)p[-1])) && !strncmp(q, name, n) &&
		        !(isalnum((unsigned char)q[n]) || q[n] == '_' || q[n] == '\'');
	}
	free(text);
	return found;
}

/* "module NAME =" of a module file, or NULL. */
static char *module_name(const char *file)
{
	size_t len;
	char *text = mr_file_read(file, &len);
	char *name = NULL;
	for (const char *p = text; p && (p = strstr(p, "module ")); p += 7) {
		if (p != text && p[-1] != '\n')
			continue;
		const char *q = p + 7;
		size_t n = 0;
		while (isalnum((unsigned char)q[n]) || q[n] == '_')
			n++;
		if (n)
			name = mr_xstrndup(q, n);
		break;
	}
	free(text);
	return name;
}

int mr_aug_lens_known(const char *lens_dirs, const char *lens, char **suggestion)
{
	*suggestion = NULL;
	const char *dot = strchr(lens, '.');
	char *module = dot ? mr_xstrndup(lens, (size_t)(dot - lens)) : mr_xstrdup(lens);
	const char *name = dot ? dot + 1 : "lns";
	/* Augeas's file name of a module: all lower case */
	char *file = mr_xasprintf("%s.aug", module);
	for (char *c = file; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	char *path = search_path(lens_dirs);
	char **modules = NULL;
	size_t n_modules = 0;
	int known = 0;
	for (char *save = NULL, *dir = strtok_r(path, ":", &save); dir && !known;
	     dir = strtok_r(NULL, ":", &save)) {
		char *full = mr_xasprintf("%s/%s", dir, file);
		known = access(full, R_OK) == 0 && defines(full, name);
		free(full);
		DIR *d = known ? NULL : opendir(dir);
		for (struct dirent *de; d && (de = readdir(d));) {
			size_t dn = strlen(de->d_name);
			if (dn < 5 || strcmp(de->d_name + dn - 4, ".aug") != 0)
				continue;
			modules = mr_xreallocarray(modules, n_modules + 1, sizeof(*modules));
			modules[n_modules++] = mr_xasprintf("%s/%s", dir, de->d_name);
		}
		if (d)
			closedir(d);
	}
	if (!known && n_modules) {
		/* compared as file names; shown as the module names itself */
		char **names = mr_xcalloc(n_modules, sizeof(*names));
		for (size_t i = 0; i < n_modules; i++) {
			names[i] = mr_xstrdup(strrchr(modules[i], '/') + 1);
			names[i][strlen(names[i]) - 4] = '\0';
		}
		file[strlen(file) - 4] = '\0';
		const char *best = mr_str_suggest(file, (const char *const *)names, n_modules);
		for (size_t i = 0; best && i < n_modules; i++) {
			if (names[i] != best)
				continue;
			char *shown = module_name(modules[i]);
			if (shown && (!dot || defines(modules[i], name)))
				*suggestion = dot ? mr_xasprintf("%s.%s", shown, name) : mr_xstrdup(shown);
			free(shown);
			break;
		}
		for (size_t i = 0; i < n_modules; i++)
			free(names[i]);
		free(names);
	}
	for (size_t i = 0; i < n_modules; i++)
		free(modules[i]);
	free(modules);
	free(path);
	free(file);
	free(module);
	return known;
}

static augeas *handle_open(const char *lens_dirs, struct mr_error **err)
{
	augeas *handle = aug_init(NULL, lens_dirs, AUG_NO_LOAD | AUG_NO_MODL_AUTOLOAD |
	                                             AUG_NO_ERR_CLOSE);
	if (!handle) {
		mr_error_add(err, MR_ERR_SYSTEM, NULL, "cannot start Augeas");
		return NULL;
	}
	if (aug_error(handle) != AUG_NOERROR) {
		mr_error_add(err, MR_ERR_SYSTEM, NULL, "cannot start Augeas: %s",
		             aug_error_message(handle));
		aug_close(handle);
		return NULL;
	}
	return handle;
}

struct mr_aug *mr_aug_new(const char *lens_dirs, struct mr_error **err)
{
	augeas *handle = handle_open(lens_dirs, err);
	if (!handle)
		return NULL;
	re_set_syntax(AUGEAS_RE_SYNTAX);
	struct mr_aug *aug = mr_xcalloc(1, sizeof(*aug));
	aug->lens_dirs = lens_dirs ? mr_xstrdup(lens_dirs) : NULL;
	aug->parsers[0].handle = handle;
	aug->n_parsers = 1;
	aug->slow_parse_ms = SLOW_PARSE_MS;
	pthread_mutex_init(&aug->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&aug->parser_freed, &attr);
	pthread_condattr_destroy(&attr);
	pthread_rwlock_init(&aug->regexp_syntax, NULL);
	return aug;
}

static void ops_free(struct mr_aug_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)ops[i].section);
		free((char *)ops[i].key);
		free((char *)ops[i].value);
		free((char *)ops[i].comment_re);
		free((char *)ops[i].deflt);
		free((char *)ops[i].children);
		free((char *)ops[i].create);
		free((char *)ops[i].cover);
		free((char *)ops[i].cover_want);
		free((char *)ops[i].stop);
		free((char *)ops[i].stop_scope);
		free((char *)ops[i].stop_comment);
		free((char *)ops[i].refuse);
		free((char *)ops[i].refuse_why);
		free((char *)ops[i].same_as);
		free((char *)ops[i].bare);
		free((char *)ops[i].defaults);
	}
	free(ops);
}

static void entry_free(struct cache_entry *e)
{
	free(e->lens);
	free(e->text);
	ops_free(e->ops, e->nops);
	mr_aug_outcomes_fini(e->outcomes, e->nops);
	free(e->outcomes);
	free(e->out);
	free(e);
}

void mr_aug_free(struct mr_aug *aug)
{
	if (!aug)
		return;
	while (aug->oldest) {
		struct cache_entry *next = aug->oldest->next;
		entry_free(aug->oldest);
		aug->oldest = next;
	}
	for (size_t i = 0; i < aug->n_parsers; i++)
		aug_close(aug->parsers[i].handle);
	pthread_rwlock_destroy(&aug->regexp_syntax);
	pthread_cond_destroy(&aug->parser_freed);
	pthread_mutex_destroy(&aug->lock);
	free(aug->lens_dirs);
	free(aug);
}

void mr_aug_stats(struct mr_aug *aug, unsigned long *parses, unsigned long *cache_hits)
{
	pthread_mutex_lock(&aug->lock);
	*parses = aug->parses;
	*cache_hits = aug->hits;
	pthread_mutex_unlock(&aug->lock);
}

void mr_aug_outcomes_fini(struct mr_aug_outcome *outcomes, size_t n)
{
	if (!outcomes)
		return;
	for (size_t i = 0; i < n; i++) {
		free(outcomes[i].old);
		outcomes[i].old = NULL;
		free(outcomes[i].note);
		outcomes[i].note = NULL;
	}
}

/* ---- cache ---- */

static uint64_t hash_str(uint64_t h, const char *s)
{
	/* The terminating NUL separates fields, and marks NULL apart from "". */
	if (!s)
		return mr_hash(h, "\1", 1);
	return mr_hash(h, s, strlen(s) + 1);
}

static uint64_t request_hash(const char *lens, const char *text, size_t len,
                             const struct mr_aug_op *ops, size_t nops)
{
	uint64_t h = hash_str(MR_HASH_SEED, lens);
	h = mr_hash(h, text, len);
	for (size_t i = 0; i < nops; i++) {
		unsigned char kind[6] = { (unsigned char)ops[i].kind, (unsigned char)ops[i].fmt,
			                      (unsigned char)ops[i].explicit_default,
			                      (unsigned char)ops[i].one_item_list,
			                      (unsigned char)ops[i].keep_others,
			                      (unsigned char)ops[i].single_valued };
		h = mr_hash(h, kind, sizeof(kind));
		h = hash_str(h, ops[i].section);
		h = hash_str(h, ops[i].key);
		h = hash_str(h, ops[i].value);
		h = hash_str(h, ops[i].comment_re);
		h = hash_str(h, ops[i].deflt);
		h = hash_str(h, ops[i].children);
		h = hash_str(h, ops[i].create);
		h = hash_str(h, ops[i].cover);
		h = hash_str(h, ops[i].cover_want);
		h = hash_str(h, ops[i].stop);
		h = hash_str(h, ops[i].stop_scope);
		h = hash_str(h, ops[i].stop_comment);
		h = hash_str(h, ops[i].refuse);
		h = hash_str(h, ops[i].refuse_why);
		h = hash_str(h, ops[i].same_as);
		h = hash_str(h, ops[i].bare);
		h = hash_str(h, ops[i].defaults);
		h = mr_hash(h, &ops[i].covers, sizeof(ops[i].covers));
		h = mr_hash(h, &ops[i].stops, sizeof(ops[i].stops));
		h = mr_hash(h, &ops[i].opts, sizeof(ops[i].opts));
		h = mr_hash(h, &ops[i].same, sizeof(ops[i].same));
		h = mr_hash(h, &ops[i].ahead, sizeof(ops[i].ahead));
		h = mr_hash(h, &ops[i].with_defaults, sizeof(ops[i].with_defaults));
	}
	return h;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int entry_matches(const struct cache_entry *e, uint64_t hash, const char *lens,
                         const char *text, size_t len, const struct mr_aug_op *ops, size_t nops)
{
	if (e->hash != hash || e->len != len || e->nops != nops || strcmp(e->lens, lens) != 0 ||
	    memcmp(e->text, text, len) != 0)
		return 0;
	for (size_t i = 0; i < nops; i++) {
		const struct mr_aug_op *a = &e->ops[i], *b = &ops[i];
		if (a->kind != b->kind || a->fmt != b->fmt ||
		    a->explicit_default != b->explicit_default || !str_eq(a->section, b->section) ||
		    !str_eq(a->key, b->key) || !str_eq(a->value, b->value) ||
		    !str_eq(a->comment_re, b->comment_re) || !str_eq(a->deflt, b->deflt) ||
		    !str_eq(a->children, b->children) || !str_eq(a->create, b->create) ||
		    !str_eq(a->cover, b->cover) || !str_eq(a->cover_want, b->cover_want) ||
		    a->covers != b->covers || a->opts != b->opts || !str_eq(a->stop, b->stop) ||
		    !str_eq(a->stop_scope, b->stop_scope) ||
		    !str_eq(a->stop_comment, b->stop_comment) || a->stops != b->stops ||
		    !str_eq(a->refuse, b->refuse) || !str_eq(a->refuse_why, b->refuse_why) ||
		    a->one_item_list != b->one_item_list || a->keep_others != b->keep_others ||
		    !str_eq(a->same_as, b->same_as) || a->same != b->same ||
		    !str_eq(a->bare, b->bare) || a->ahead != b->ahead ||
		    !str_eq(a->defaults, b->defaults) || a->with_defaults != b->with_defaults ||
		    a->single_valued != b->single_valued)
			return 0;
	}
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s ? mr_xstrdup(s) : NULL;
}

static void copy_outcomes(struct mr_aug_outcome *dst, const struct mr_aug_outcome *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		dst[i] = src[i];
		dst[i].old = dup_or_null(src[i].old);
		dst[i].note = dup_or_null(src[i].note);
	}
}

static const struct cache_entry *cache_find(const struct mr_aug *aug, uint64_t hash,
                                            const char *lens, const char *text, size_t len,
                                            const struct mr_aug_op *ops, size_t nops)
{
	for (const struct cache_entry *e = aug->oldest; e; e = e->next)
		if (entry_matches(e, hash, lens, text, len, ops, nops))
			return e;
	return NULL;
}

static void cache_add(struct mr_aug *aug, uint64_t hash, const char *lens, const char *text,
                      size_t len, const struct mr_aug_op *ops, size_t nops,
                      const struct mr_aug_outcome *outcomes, const char *out, size_t out_len)
{
	size_t bytes = len + out_len;
	if (bytes > CACHE_BYTES_MAX / 4)
		return;
	struct cache_entry *e = mr_xcalloc(1, sizeof(*e));
	e->hash = hash;
	e->lens = mr_xstrdup(lens);
	e->text = mr_xstrndup(text, len);
	e->len = len;
	e->nops = nops;
	e->ops = mr_xcalloc(nops, sizeof(*e->ops));
	for (size_t i = 0; i < nops; i++) {
		e->ops[i] = ops[i];
		e->ops[i].section = dup_or_null(ops[i].section);
		e->ops[i].key = dup_or_null(ops[i].key);
		e->ops[i].value = dup_or_null(ops[i].value);
		e->ops[i].comment_re = dup_or_null(ops[i].comment_re);
		e->ops[i].deflt = dup_or_null(ops[i].deflt);
		e->ops[i].children = dup_or_null(ops[i].children);
		e->ops[i].create = dup_or_null(ops[i].create);
		e->ops[i].cover = dup_or_null(ops[i].cover);
		e->ops[i].cover_want = dup_or_null(ops[i].cover_want);
		e->ops[i].stop = dup_or_null(ops[i].stop);
		e->ops[i].stop_scope = dup_or_null(ops[i].stop_scope);
		e->ops[i].stop_comment = dup_or_null(ops[i].stop_comment);
		e->ops[i].refuse = dup_or_null(ops[i].refuse);
		e->ops[i].refuse_why = dup_or_null(ops[i].refuse_why);
		e->ops[i].same_as = dup_or_null(ops[i].same_as);
		e->ops[i].bare = dup_or_null(ops[i].bare);
		e->ops[i].defaults = dup_or_null(ops[i].defaults);
	}
	e->outcomes = mr_xcalloc(nops, sizeof(*e->outcomes));
	copy_outcomes(e->outcomes, outcomes, nops);
	e->out = mr_xstrndup(out, out_len);
	e->out_len = out_len;
	if (aug->newest)
		aug->newest->next = e;
	else
		aug->oldest = e;
	aug->newest = e;
	aug->cache_bytes += bytes;
	while (aug->cache_bytes > CACHE_BYTES_MAX && aug->oldest != e) {
		struct cache_entry *old = aug->oldest;
		aug->oldest = old->next;
		aug->cache_bytes -= old->len + old->out_len;
		entry_free(old);
	}
}

/* ---- values ---- */

/* The value as the profile would spell it: libvirt strings lose quotes. */
static char *decode_value(const char *raw, enum mr_value_fmt fmt)
{
	if (!raw)
		return NULL;
	size_t n = strlen(raw);
	if (fmt != MR_FMT_RAW && n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n - 1] == raw[0])
		return mr_xstrndup(raw + 1, n - 2);
	return mr_xstrdup(raw);
}

/* libvirt reads a quoted number, or a bare string, as an error: a value
 * spelt the wrong way is not the desired value, whatever it says. */
static int quoting_fits(const char *raw, enum mr_value_fmt fmt)
{
	size_t n = strlen(raw);
	int quoted = n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n - 1] == raw[0];
	switch (fmt) {
	case MR_FMT_LIBVIRT_STR:
		return quoted;
	case MR_FMT_LIBVIRT_NUM:
		return !quoted;
	case MR_FMT_RAW:
		break;
	}
	return 1;
}

/* Two libvirt integers that libvirt reads as one (virconf reads "01" as
 * 1: decimal digits, a sign). */
static int same_number(const char *a, const char *b)
{
	int neg_a = *a == '-', neg_b = *b == '-';
	a += neg_a;
	b += neg_b;
	if (!*a || !*b || a[strspn(a, "0123456789")] || b[strspn(b, "0123456789")])
		return 0;
	a += strspn(a, "0");
	b += strspn(b, "0");
	return strcmp(a, b) == 0 && (neg_a == neg_b || !*a);
}

/* What the report shows for a value that is not the desired one: as
 * written, or a list's items as [ ... ]. */
static char *list_or_raw(augeas *h, const char *node, const char *cur)
{
	if (cur)
		return mr_xstrdup(cur);
	char *expr = mr_xasprintf("%s/*[label() != '#comment']", node);
	char **items = NULL;
	int n = aug_match(h, expr, &items);
	free(expr);
	struct mr_buf b;
	mr_buf_init(&b);
	mr_buf_puts(&b, "[");
	for (int i = 0; i < n; i++) {
		const char *v = NULL;
		aug_get(h, items[i], &v);
		mr_buf_printf(&b, "%s %s", i ? "," : "", v ? v : "");
		free(items[i]);
	}
	free(items);
	mr_buf_puts(&b, " ]");
	return mr_buf_steal(&b, NULL);
}

static char *encode_value(const char *value, enum mr_value_fmt fmt, const char *where,
                          struct mr_error **err)
{
	if (fmt != MR_FMT_LIBVIRT_STR)
		return mr_xstrdup(value);
	/* virconf has no escapes inside quotes: pick the quote the value lacks. */
	if (!strchr(value, '"'))
		return mr_xasprintf("\"%s\"", value);
	if (!strchr(value, '\''))
		return mr_xasprintf("'%s'", value);
	mr_error_add(err, MR_ERR_INPUT, where,
	             "value '%s' holds both kinds of quote; libvirt cannot read it", value);
	return NULL;
}

/* ---- tree operations (lock held) ---- */

static char *escape_label(augeas *h, const char *label)
{
	char *escaped = NULL;
	if (aug_escape_name(h, label, &escaped) < 0)
		return mr_xstrdup(label);
	return escaped ? escaped : mr_xstrdup(label);
}

static char *section_path(augeas *h, const struct mr_aug_op *op)
{
	if (!op->section)
		return mr_xstrdup(TREE);
	char *label = escape_label(h, op->section);
	char *path = mr_xasprintf(TREE "/%s", label);
	free(label);
	return path;
}

static void free_matches(char **m, int n)
{
	for (int i = 0; i < n; i++)
		free(m[i]);
	free(m);
}

static void engine_error(augeas *h, const char *where, const char *what, struct mr_error **err)
{
	const char *minor = aug_error_minor_message(h);
	const char *details = aug_error_details(h);
	mr_error_add(err, MR_ERR_PARSE, where, "%s: %s%s%s%s%s", what, aug_error_message(h),
	             minor ? ": " : "", minor ? minor : "", details ? ": " : "",
	             details ? details : "");
}

/* A new entry with no existing match: below the last commented default
 * that matches comment_re, else at the end of its section. */
static int insert_new(augeas *h, const char *base, const char *key, const char *raw,
                      const char *comment_re)
{
	char *path = mr_xasprintf("%s/%s", base, key);
	int r = -1;
	if (comment_re && !strchr(comment_re, '\'')) {
		char *expr = mr_xasprintf("%s/#comment[. =~ regexp('%s')]", base, comment_re);
		char **m = NULL;
		int n = aug_match(h, expr, &m);
		free(expr);
		if (n > 0) {
			int ins = aug_insert(h, m[n - 1], key, 0);
			free_matches(m, n);
			if (ins < 0)
				goto out;
			/* The inserted node is the only one with this label here. */
			r = aug_set(h, path, raw);
			goto out;
		}
		free_matches(m, n > 0 ? n : 0);
	}
	/* A section that appears twice is one to oslo.config: the key goes
	 * into the last, where a new one would have gone. */
	if (aug_match(h, base, NULL) > 1) {
		free(path);
		path = mr_xasprintf("%s[last()]/%s", base, key);
	}
	r = aug_set(h, path, raw);
out:
	free(path);
	return r;
}

/* oslo.config's groups: [DEFAULT] as spelt, any other section in any
 * case ([LIBVIRT] is [libvirt]). */
static int oslo_group(const char *label, const char *group)
{
	if (!strcmp(label, "DEFAULT") || !strcmp(group, "DEFAULT"))
		return !strcmp(label, group);
	return !strcasecmp(label, group);
}

/* The entries op's key names, in document order: those of its section as
 * spelt, or with oslo_groups of every section that oslo.config reads as
 * that group. Returns their number, or -1 (the engine's error). */
static int match_entries(augeas *h, const struct mr_aug_op *op, int oslo_groups, char ***m)
{
	*m = NULL;
	if (!oslo_groups || !op->section) {
		char *base = section_path(h, op);
		char *path = mr_xasprintf("%s/%s", base, op->key);
		int n = aug_match(h, path, m);
		free(path);
		free(base);
		return n;
	}
	char **secs = NULL;
	int ns = aug_match(h, TREE "/*", &secs), n = 0;
	for (int i = 0; i < ns && n >= 0; i++) {
		const char *label = NULL;
		if (aug_label(h, secs[i], &label) != 1 || !label || !oslo_group(label, op->section))
			continue;
		char *path = mr_xasprintf("%s/%s", secs[i], op->key);
		char **e = NULL;
		int ne = aug_match(h, path, &e);
		free(path);
		if (ne < 0) {
			free_matches(*m, n);
			*m = NULL;
			n = -1;
			break;
		}
		if (ne > 0) { /* none: aug_match leaves e NULL, which memcpy may not take */
			*m = mr_xreallocarray(*m, (size_t)(n + ne) + 1, sizeof(**m));
			memcpy(*m + n, e, (size_t)ne * sizeof(*e));
			n += ne;
		}
		free(e);
	}
	free_matches(secs, ns > 0 ? ns : 0);
	return ns < 0 ? -1 : n;
}

/* The item of a list of one ([ "apparmor" ]) as written, or NULL. */
static const char *one_item(augeas *h, const char *node)
{
	char *expr = mr_xasprintf("%s/*[label() != '#comment']", node);
	char **items = NULL;
	int n = aug_match(h, expr, &items);
	free(expr);
	const char *v = NULL;
	if (n == 1)
		aug_get(h, items[0], &v);
	free_matches(items, n > 0 ? n : 0);
	return v;
}

/* Refuses to set a key whose n lines m hold different values: rewriting
 * them all to one would lose the others where the option takes every line
 * (oslo.config's MultiStrOpt), which the engine cannot tell from a value
 * and dead copies (libvirt's virConf reads the first line). */
static int refuse_multi(augeas *h, const char *where, const struct mr_aug_op *op, char **m,
                        int n, struct mr_error **err)
{
	const char *first = NULL;
	aug_get(h, m[0], &first);
	for (int i = 1; i < n; i++) {
		const char *cur = NULL;
		aug_get(h, m[i], &cur);
		if ((cur && first && strcmp(cur, first) != 0) || !cur != !first) {
			mr_error_add(err, MR_ERR_CONFLICT, where,
			             "%s is set %d times%s%s%s (a multi-valued option?): not "
			             "rewritten",
			             op->key, n, op->section ? " in [" : "",
			             op->section ? op->section : "", op->section ? "]" : "");
			return -1;
		}
	}
	return 0;
}

/* oslo: the file is oslo.config's (its groups, its multi-valued options) */
static int apply_set(augeas *h, const char *where, const struct mr_aug_op *op, int oslo,
                     struct mr_aug_outcome *oc, struct mr_error **err)
{
	char *base = section_path(h, op);
	char *raw = NULL;
	char **m = NULL;
	int r = -1;
	int n = match_entries(h, op, oslo, &m);
	if (n < 0) {
		engine_error(h, where, op->key, err);
		goto out;
	}
	if (oslo && !op->single_valued && n > 1 && refuse_multi(h, where, op, m, n, err) < 0)
		goto out;
	raw = encode_value(op->value, op->fmt, where, err);
	if (!raw)
		goto out;
	oc->present = n > 0;
	for (int i = 0; i < n; i++) {
		const char *cur = NULL;
		aug_get(h, m[i], &cur);
		if (!cur && op->one_item_list)
			cur = one_item(h, m[i]);
		int fits = cur && quoting_fits(cur, op->fmt);
		oc->misspelt |= cur && !fits;
		/* A value in the wrong kind of spelling is shown as written. */
		char *decoded = fits ? decode_value(cur, op->fmt) : list_or_raw(h, m[i], cur);
		int same = fits && (strcmp(decoded, op->value) == 0 ||
		                    (op->same_as && (!strcmp(decoded, op->same_as) ||
		                                     (op->same_as[0] == '+' &&
		                                      !strcmp(decoded, op->same_as + 1)))) ||
		                    (op->fmt == MR_FMT_LIBVIRT_NUM && same_number(decoded, op->value)) ||
		                    (op->same && op->same(decoded, op->value)));
		if (!oc->old || (!same && !oc->changed)) {
			free(oc->old);
			oc->old = decoded;
			decoded = NULL;
		}
		free(decoded);
		if (same)
			continue;
		/* A list ([ "a", "b" ]) becomes a plain value: its items go; a
		 * comment on the entry's line (#comment child) stays. */
		char *items = mr_xasprintf("%s/*[label() != '#comment']", m[i]);
		int removed = aug_rm(h, items);
		free(items);
		if (removed < 0 || aug_set(h, m[i], raw) < 0) {
			engine_error(h, where, op->key, err);
			goto out;
		}
		oc->changed = 1;
	}
	if (n == 0 && op->deflt && !op->explicit_default && strcmp(op->value, op->deflt) == 0) {
		r = 0; /* absent means the default, which is what is wanted */
		goto out;
	}
	if (n == 0) {
		if (insert_new(h, base, op->key, raw, op->comment_re) < 0) {
			engine_error(h, where, op->key, err);
			goto out;
		}
		oc->changed = 1;
	}
	r = 0;
out:
	free_matches(m, n > 0 ? n : 0);
	free(raw);
	free(base);
	return r;
}

static int apply_rm(augeas *h, const char *where, const struct mr_aug_op *op, int oslo_groups,
                    struct mr_aug_outcome *oc, struct mr_error **err)
{
	char **m = NULL;
	int r = -1;
	int n = match_entries(h, op, oslo_groups, &m);
	if (n < 0) {
		engine_error(h, where, op->key, err);
		goto out;
	}
	const char *cur = NULL;
	if (n == 1 && aug_get(h, m[0], &cur) == 1)
		oc->old = decode_value(cur, op->fmt);
	/* last first: a removal renumbers the later nodes of its label */
	for (int i = n - 1; i >= 0; i--)
		if (aug_rm(h, m[i]) < 0) {
			engine_error(h, where, op->key, err);
			goto out;
		}
	oc->present = n > 0;
	oc->changed = n > 0;
	r = 0;
out:
	free_matches(m, n > 0 ? n : 0);
	return r;
}

/* Calls fn for each "PATH\tVALUE" line of an entry's children. */
static int each_child(const char *children, int (*fn)(augeas *h, const char *node,
                                                      const char *path, const char *value),
                      augeas *h, const char *node)
{
	int r = 0;
	for (const char *p = children; p && *p && r == 0;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *tab = memchr(p, '\t', n);
		if (tab) {
			char *path = mr_xstrndup(p, (size_t)(tab - p));
			char *value = mr_xstrndup(tab + 1, n - (size_t)(tab - p) - 1);
			r = fn(h, node, path, value);
			free(value);
			free(path);
		}
		p += n + (nl != NULL);
	}
	return r;
}

static char *child_path(const char *node, const char *path)
{
	return strcmp(path, ".") == 0 ? mr_xstrdup(node) : mr_xasprintf("%s/%s", node, path);
}

/* 0 if the node at path holds value, 1 otherwise (as each_child counts). */
static int child_differs(augeas *h, const char *node, const char *path, const char *value)
{
	char *full = child_path(node, path);
	const char *cur = NULL;
	int n = aug_get(h, full, &cur);
	free(full);
	return n != 1 || !cur || strcmp(cur, value) != 0;
}

static int child_set(augeas *h, const char *node, const char *path, const char *value)
{
	char *full = child_path(node, path);
	int r = aug_set(h, full, value) < 0 ? -1 : 0;
	free(full);
	return r;
}

static size_t child_count(const char *children)
{
	size_t n = 0;
	for (const char *p = children; p && *p; p++)
		if (*p == '\t' && !(p[-1] == '.' && (p - 1 == children || p[-2] == '\n')))
			n++;
	return n;
}

/* The entry as it stands: its values in document order, for the report. */
static char *entry_text(augeas *h, const char *node)
{
	struct mr_buf b;
	mr_buf_init(&b);
	const char *v = NULL;
	if (aug_get(h, node, &v) == 1 && v)
		mr_buf_puts(&b, v);
	char *expr = mr_xasprintf("%s/descendant::*[label() != '#comment']", node);
	char **m = NULL;
	int n = aug_match(h, expr, &m);
	for (int i = 0; i < n; i++) {
		v = NULL;
		if (aug_get(h, m[i], &v) == 1 && v)
			mr_buf_printf(&b, "%s%s", b.len ? " " : "", v);
	}
	free_matches(m, n > 0 ? n : 0);
	free(expr);
	return mr_buf_steal(&b, NULL);
}

/* The values of node's children, joined by commas (an exports client's
 * options); *count: their number. */
static char *node_values(augeas *h, const char *node, int *count)
{
	struct mr_buf b;
	mr_buf_init(&b);
	char *sub = mr_xasprintf("%s/*", node);
	char **o = NULL;
	int no = aug_match(h, sub, &o);
	for (int i = 0; i < no; i++) {
		const char *ov = NULL;
		aug_get(h, o[i], &ov);
		mr_buf_printf(&b, "%s%s", i ? "," : "", ov ? ov : "");
	}
	free_matches(o, no > 0 ? no : 0);
	free(sub);
	*count = no;
	return mr_buf_steal(&b, NULL);
}

/* A child of an exports line as it stands, "CLIENT(OPT,OPT)", appended
 * to b; one labelled defaults (non-NULL) as "-OPT,OPT". */
static void child_text(augeas *h, const char *child, const char *defaults, struct mr_buf *b)
{
	const char *v = NULL, *label = NULL;
	aug_get(h, child, &v);
	if (defaults && aug_label(h, child, &label) == 1 && label && !strcmp(label, defaults))
		mr_buf_putc(b, '-');
	mr_buf_puts(b, v ? v : "");
	int no;
	char *opts = node_values(h, child, &no);
	if (no > 0)
		mr_buf_printf(b, "(%s)", opts);
	free(opts);
}

/* An exports line as it stands: "PATH CLIENT(OPT,OPT) CLIENT", for the
 * report (entry_text would run the options of every client together). */
static char *entry_text_clients(augeas *h, const char *node, const char *defaults)
{
	struct mr_buf b;
	mr_buf_init(&b);
	const char *v = NULL;
	if (aug_get(h, node, &v) == 1 && v)
		mr_buf_puts(&b, v);
	char *expr = mr_xasprintf("%s/*[label() != '#comment']", node);
	char **m = NULL;
	int n = aug_match(h, expr, &m);
	for (int i = 0; i < n; i++) {
		if (b.len)
			mr_buf_putc(&b, ' ');
		child_text(h, m[i], defaults, &b);
	}
	free_matches(m, n > 0 ? n : 0);
	free(expr);
	return mr_buf_steal(&b, NULL);
}

/* The number of the line of text that offset at is on. */
static size_t line_number(const char *text, size_t at)
{
	size_t line = 1;
	for (size_t i = 0; i < at; i++)
		line += text[i] == '\n';
	return line;
}

/* The line of text where node starts, 0 if not known (a node added). */
static unsigned node_line(augeas *h, const char *node, const char *text)
{
	unsigned ls, le, vs, ve, ss, se, line = 0;
	char *file = NULL;
	if (text && aug_span(h, node, &file, &ls, &le, &vs, &ve, &ss, &se) == 0 &&
	    ss <= strlen(text))
		line = (unsigned)line_number(text, ss);
	free(file);
	return line;
}

/* One top-level child of an entry's children: "LABEL[K]\tVALUE", then
 * its own lines ("LABEL[K]/option[1]\trw") as what follows "LABEL[K]". */
struct top_child {
	char *label, *value;
	struct mr_buf rest; /* "/option[1]\trw\n"... */
	int placed, moved;
	int early;          /* to go before the entry's first defaults child */
	const char *spelt;  /* its value as the entry spells it, or NULL */
};

static size_t top_children(const char *children, struct top_child **out)
{
	struct top_child *v = NULL;
	size_t n = 0;
	for (const char *p = children; p && *p;) {
		size_t pn = strcspn(p, "\n");
		const char *tab = memchr(p, '\t', pn);
		size_t kn = tab ? (size_t)(tab - p) : 0;
		const char *slash = tab ? memchr(p, '/', kn) : NULL;
		if (tab && !(kn == 1 && p[0] == '.') && !slash) {
			v = mr_xreallocarray(v, n + 1, sizeof(*v));
			v[n].label = mr_xstrndup(p, strcspn(p, "["));
			v[n].value = mr_xstrndup(tab + 1, pn - kn - 1);
			mr_buf_init(&v[n].rest);
			v[n].placed = v[n].moved = v[n].early = 0;
			v[n].spelt = NULL;
			n++;
		} else if (slash && n) {
			mr_buf_printf(&v[n - 1].rest, "%.*s\n", (int)(pn - (size_t)(slash - p)), slash);
		}
		p += pn + (p[pn] == '\n');
	}
	*out = v;
	return n;
}

/* The state of children_keeping: the children written so far, each
 * label's last position, and the defaults the next child takes. */
struct keeping {
	augeas *h;
	const struct mr_aug_op *op;
	const char *where, *text;
	struct mr_buf b;
	struct label_pos {
		char *label;
		unsigned pos;
	} *lp;
	size_t n_lp;
	size_t run_at;  /* where the defaults children written last start, or
	                 * SIZE_MAX if a child other than those is last */
	size_t run_len; /* their values' length, joined by commas */
	/* the first of them that made the run longer than exportfs reads
	 * (its node and value), refused unless the run goes */
	const char *long_node;
	char *long_v;
	struct mr_error **err;
	int refused;
};

/* The next position of a child labelled label[0..ln): each label counts
 * its own (a "client" after a "defaults" is still client[1]). */
static unsigned next_pos(struct keeping *k, const char *label, size_t ln)
{
	for (size_t i = 0; i < k->n_lp; i++)
		if (strlen(k->lp[i].label) == ln && !strncmp(k->lp[i].label, label, ln))
			return ++k->lp[i].pos;
	k->lp = mr_xreallocarray(k->lp, k->n_lp + 1, sizeof(*k->lp));
	k->lp[k->n_lp].label = mr_xstrndup(label, ln);
	k->lp[k->n_lp].pos = 1;
	return k->lp[k->n_lp++].pos;
}

/* An error of the file's at the line of node, the entry's child. */
static void refuse_at(struct keeping *k, const char *node, const char *what, const char *why)
{
	unsigned line = node_line(k->h, node, k->text);
	char *place = line ? mr_xasprintf("%s:%u", k->where, line) : mr_xstrdup(k->where);
	mr_error_add(k->err, MR_ERR_PARSE, place, "%s %s; not written", what, why);
	free(place);
	k->refused = 1;
}

/* The longest word exportfs reads (getexportent's buffer). */
#define EXPORTS_WORD_MAX 511

/* The run of defaults children written last ends, or (keep) stays last:
 * one too long for exportfs is refused. */
static void run_stays(struct keeping *k)
{
	k->run_at = SIZE_MAX;
	if (!k->long_node)
		return;
	char *what = mr_xasprintf("-%s", k->long_v);
	char *why = mr_xasprintf("would be one word with the default options before it, longer "
	                         "than the %d characters exportfs reads",
	                         EXPORTS_WORD_MAX);
	refuse_at(k, k->long_node, what, why);
	free(why);
	free(what);
	free(k->long_v);
	k->long_v = NULL;
	k->long_node = NULL;
}

/* A wanted child next in the entry, with its own lines; value as it is
 * spelt there (NULL: as children spells it). */
static void put_child(struct keeping *k, const struct top_child *c, const char *value)
{
	unsigned pos = next_pos(k, c->label, strlen(c->label));
	run_stays(k);
	mr_buf_printf(&k->b, "%s[%u]\t%s\n", c->label, pos, value ? value : c->value);
	for (const char *q = c->rest.data; q && *q; q += strcspn(q, "\n") + 1)
		mr_buf_printf(&k->b, "%s[%u]%.*s\n", c->label, pos, (int)strcspn(q, "\n"), q);
}

/* The entry's child at node (labelled label[0..ln), value v) next, as it
 * stands, its own children too. */
static void put_as_is(struct keeping *k, const char *node, const char *label, size_t ln,
                      const char *v)
{
	unsigned pos = next_pos(k, label, ln);
	run_stays(k);
	mr_buf_printf(&k->b, "%.*s[%u]\t%s\n", (int)ln, label, pos, v ? v : "");
	char *sub = mr_xasprintf("%s/*", node);
	char **o = NULL;
	int no = aug_match(k->h, sub, &o);
	for (int i = 0; i < no; i++) {
		const char *ov = NULL, *ol = strrchr(o[i], '/') + 1;
		aug_get(k->h, o[i], &ov);
		mr_buf_printf(&k->b, "%.*s[%u]/%.*s[%d]\t%s\n", (int)ln, label, pos,
		              (int)strcspn(ol, "["), ol, i + 1, ov ? ov : "");
	}
	free_matches(o, no > 0 ? no : 0);
	free(sub);
}

/* The values of a wanted child's own lines, joined by commas. */
static char *rest_values(const struct top_child *c)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (const char *q = c->rest.data; q && *q; q += strcspn(q, "\n") + 1) {
		size_t qn = strcspn(q, "\n");
		const char *tab = memchr(q, '\t', qn);
		if (tab)
			mr_buf_printf(&b, "%s%.*s", b.len ? "," : "", (int)(q + qn - tab - 1), tab + 1);
	}
	return mr_buf_steal(&b, NULL);
}

/* The defaults child at node (value v) next: the children after it take
 * it. Those left side by side are one word to exportfs, which reads a
 * word of 511 characters at most: refused beyond, unless they go (a run
 * left last, run_stays). */
static void put_defaults(struct keeping *k, const char *node, const char *v)
{
	size_t ln = strlen(k->op->defaults), vn = strlen(v ? v : "");
	if (k->run_at == SIZE_MAX) {
		k->run_at = k->b.len;
		k->run_len = vn;
	} else {
		k->run_len += vn + 1;
	}
	if (k->run_len + 1 > EXPORTS_WORD_MAX && !k->long_node) {
		k->long_node = node;
		k->long_v = mr_xstrdup(v ? v : "");
	}
	mr_buf_printf(&k->b, "%s[%u]\t%s\n", k->op->defaults, next_pos(k, k->op->defaults, ln),
	              v ? v : "");
}

/* Whether the entry's child at path node is a defaults child of op's. */
static int is_defaults(const struct mr_aug_op *op, const char *node)
{
	const char *label = strrchr(node, '/') + 1;
	size_t ln = strcspn(label, "[");
	return op->defaults && strlen(op->defaults) == ln && !strncmp(op->defaults, label, ln);
}

/* Whether the entry's child (label[0..ln), value have) is w: its label,
 * and its value or one same reads as it (an exports network spelt with a
 * netmask for a prefix). */
static int child_is(const struct top_child *w, const char *label, size_t ln, const char *have,
                    int (*same)(const char *have, const char *want))
{
	return have && strlen(w->label) == ln && !strncmp(w->label, label, ln) &&
	       (!strcmp(w->value, have) || (same && same(have, w->value)));
}

/* The wanted child that an entry with no child stands for (op->bare,
 * "LABEL\tVALUE"), or NULL; *ln and *v: bare's label length and value. */
static struct top_child *bare_wanted(struct top_child *want, size_t n_want, const char *bare,
                                     int (*same)(const char *have, const char *want),
                                     size_t *ln, const char **v)
{
	*ln = strcspn(bare, "\t");
	*v = bare + *ln + (bare[*ln] != '\0');
	for (size_t k = 0; k < n_want; k++)
		if (child_is(&want[k], bare, *ln, *v, same))
			return &want[k];
	return NULL;
}

/* The wanted child that the entry's child (labelled label[0..ln), value v)
 * is, or NULL. */
static const struct top_child *wanted_at(const struct top_child *want, size_t n_want,
                                         const char *label, size_t ln, const char *v,
                                         int (*same)(const char *have, const char *want))
{
	for (size_t j = 0; j < n_want; j++)
		if (child_is(&want[j], label, ln, v, same))
			return &want[j];
	return NULL;
}

/* The values of op's defaults children among m[0..upto), joined by
 * commas: what exportfs gives a client standing at upto before its own. */
static char *defaults_before(augeas *h, const struct mr_aug_op *op, char **m, int upto)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (int i = 0; i < upto; i++) {
		const char *v = NULL;
		if (!is_defaults(op, m[i]))
			continue;
		aug_get(h, m[i], &v);
		mr_buf_printf(&b, "%s%s", b.len ? "," : "", v ? v : "");
	}
	return mr_buf_steal(&b, NULL);
}


/* The first of the entry's children m[from..end), not defaults nor w,
 * that op->ahead says w would be taken for (passing: a child not wanted
 * either way, a wanted one only where it holds w's peers, so that w goes
 * before it) or would take peers from (refusing, <0: a wanted one too,
 * whose hosts w would take once before it), *why (if not NULL, malloc'd)
 * saying so; -1 if none. */
static int ahead_between(struct keeping *k, char **m, int from, int end,
                         const struct top_child *w, const struct top_child *want,
                         size_t n_want, int refusing, char **why)
{
	const struct mr_aug_op *op = k->op;
	for (int x = from; x < end && op->ahead; x++) {
		const char *l = strrchr(m[x], '/') + 1, *v = NULL;
		size_t ln = strcspn(l, "[");
		aug_get(k->h, m[x], &v);
		const struct top_child *wc = wanted_at(want, n_want, l, ln, v, op->same);
		if (is_defaults(op, m[x]) || wc == w)
			continue;
		char *aw = NULL;
		int r = op->ahead(v ? v : "", w->value, &aw);
		if (refusing ? r < 0 : wc ? r > 0 : r != 0) {
			if (why)
				*why = aw;
			else
				free(aw);
			return x;
		}
		free(aw);
	}
	return -1;
}

/* With op->defaults, whether each wanted child stays where it is, among
 * the entry's children m[0..n), the first defaults one at f: one before
 * f takes no defaults, and is judged as ever; one after, by
 * with_defaults on those before it and its own options; the world's
 * (op->bare) that a defaults child ending the entry stands for, by all
 * the defaults. Any other goes before f with its wanted children, early
 * (where no default reaches it: options of its own cannot undo every
 * one, fsid or sec=), and so does one a network between f and it would
 * be taken for (op->ahead). It cannot pass a network after f that it
 * would take peers of: the file is refused with that one's line. 1 if
 * the world's is early (the defaults ending the entry go: they gave
 * nobody else any). */
static int plan_defaults(struct keeping *k, char **m, int n, int f, struct top_child *want,
                         size_t n_want)
{
	const struct mr_aug_op *op = k->op;
	size_t bln;
	const char *bv;
	struct top_child *bw =
		op->bare ? bare_wanted(want, n_want, op->bare, op->same, &bln, &bv) : NULL;
	int trailing = is_defaults(op, m[n - 1]), world_early = 0;
	for (size_t j = 0; j < n_want && !k->refused; j++) {
		struct top_child *w = &want[j];
		int i = -1, no;
		for (int x = 0; x < n && i < 0; x++) {
			const char *l = strrchr(m[x], '/') + 1, *v = NULL;
			aug_get(k->h, m[x], &v);
			if (child_is(w, l, strcspn(l, "["), v, op->same)) {
				i = x;
				w->spelt = v;
			}
		}
		if (i >= 0 && i < f)
			continue;
		int end = i < 0 ? n : i, r = 0;
		char *have = i >= 0 ? node_values(k->h, m[i], &no)
		                    : w == bw && trailing ? mr_xstrdup("") : NULL;
		char *why = NULL;
		if (have && op->with_defaults) {
			char *dflt = defaults_before(k->h, op, m, end);
			char *opts = rest_values(w);
			r = op->with_defaults(dflt, have, opts, &why);
			free(opts);
			free(dflt);
		}
		free(have);
		if (r < 0) {
			refuse_at(k, m[i >= 0 ? i : f], w->value,
			          why ? why : "cannot undo the line's default options");
			free(why);
			break;
		}
		/* a network between that it would be taken for */
		int x = ahead_between(k, m, f + 1, end, w, want, n_want, 0, NULL);
		free(why);
		if (r > 0 && x < 0) {
			w->placed = i < 0; /* the world's: the defaults ending the entry */
			continue;
		}
		w->early = 1;
		world_early |= w == bw && i < 0;
		/* one it would take peers from */
		char *aw = NULL;
		x = ahead_between(k, m, f + 1, end, w, want, n_want, 1, &aw);
		if (x >= 0) {
			struct mr_buf t;
			mr_buf_init(&t);
			child_text(k->h, m[x], op->defaults, &t);
			char *what = mr_xasprintf("%s goes before the line's default options, as they "
			                          "are not what it asks, and cannot pass",
			                          w->value);
			char *because = mr_xasprintf("%s: %s", t.data, aw ? aw : "stands before it");
			refuse_at(k, m[x], what, because);
			free(because);
			free(what);
			mr_buf_fini(&t);
		}
		free(aw);
	}
	return world_early;
}

/* children as the entry at node must hold them with keep_others: in the
 * entry's order, each of its children that children names (child_is) as
 * children gives it but spelt as it stands, each other as it stands (its
 * own children too), then those of children the entry lacks; positions
 * renumbered. An entry with no child holds bare (when given) first. A
 * wanted child the entry holds twice (one network spelt two ways) is
 * given its children at each: exportfs takes either. With op->ahead, a
 * wanted child goes right before the first child standing before it that
 * would be taken instead (*note says which, on which line of text); NULL
 * if one cannot be passed, *err says why. With op->defaults, the wanted
 * children the defaults do not give what they want go before the first
 * of them (plan_defaults), and a defaults child left last goes, unless
 * the entry ended with one the world's export keeps: what every other
 * child and host gets stays. */
static char *children_keeping(augeas *h, const char *where, const char *text, const char *node,
                              const struct mr_aug_op *op, char **note, struct mr_error **err)
{
	const char *children = op->children, *bare = op->bare;
	int (*same)(const char *have, const char *want) = op->same;
	struct keeping k = { .h = h, .op = op, .where = where, .text = text, .err = err,
		                 .run_at = SIZE_MAX };
	mr_buf_init(&k.b);
	if (!strncmp(children, ".\t", 2))
		mr_buf_printf(&k.b, "%.*s\n", (int)strcspn(children, "\n"), children);
	struct top_child *want = NULL;
	size_t n_want = top_children(children, &want);
	char *expr = mr_xasprintf("%s/*[label() != '#comment']", node);
	char **m = NULL;
	int n = aug_match(h, expr, &m);
	free(expr);
	if (n == 0 && bare) {
		/* the child the bare entry stands for, written out */
		size_t ln;
		const char *v;
		struct top_child *w = bare_wanted(want, n_want, bare, same, &ln, &v);
		if (w) {
			w->placed = 1;
			put_child(&k, w, v);
		} else {
			mr_buf_printf(&k.b, "%.*s[%u]\t%s\n", (int)ln, bare, next_pos(&k, bare, ln), v);
		}
	}
	/* the first defaults child, and whether one ends the entry (the
	 * world's export) to stay so */
	int f = -1, keep_last = 0;
	for (int i = 0; i < n && f < 0; i++)
		if (is_defaults(op, m[i]))
			f = i;
	if (f >= 0) {
		int world_early = plan_defaults(&k, m, n, f, want, n_want);
		keep_last = is_defaults(op, m[n - 1]) && !world_early;
	}
	for (int i = 0; i < n && !k.refused; i++) {
		const char *v = NULL, *label = strrchr(m[i], '/') + 1;
		size_t ln = strcspn(label, "[");
		aug_get(h, m[i], &v);
		if (is_defaults(op, m[i])) {
			for (size_t j = 0; j < n_want && i == f; j++)
				if (want[j].early && !want[j].placed) {
					want[j].placed = want[j].moved = 1;
					put_child(&k, &want[j], want[j].spelt);
				}
			put_defaults(&k, m[i], v);
			continue;
		}
		struct top_child *w = NULL;
		for (size_t j = 0; j < n_want && !w; j++)
			if (child_is(&want[j], label, ln, v, same))
				w = &want[j];
		if (w && w->moved)
			continue; /* put before one that stood before it */
		/* a wanted child not yet placed that this one would be taken
		 * for: placed here, spelt as it stands further on, if it does
		 * (past the defaults, plan_defaults has placed them). This one
		 * wanted too, only where it would be taken for all of the
		 * other's peers: the narrower goes first; one narrower than the
		 * other standing first is the order mountd needs */
		for (size_t j = 0; j < n_want && op->ahead && !k.refused && (f < 0 || i < f); j++) {
			if (want[j].placed || &want[j] == w)
				continue;
			char *why = NULL;
			int r = op->ahead(v ? v : "", want[j].value, &why);
			if (w && r < 0)
				r = 0;
			if (r != 0) {
				struct mr_buf t;
				mr_buf_init(&t);
				child_text(h, m[i], op->defaults, &t);
				unsigned line = node_line(h, m[i], text);
				if (r < 0) {
					refuse_at(&k, m[i], t.data, why ? why : "stands before it");
				} else {
					if (!*note)
						*note = line ? mr_xasprintf("line %u: %s %s", line, t.data,
						                            why ? why : "stands before it")
						             : mr_xasprintf("%s %s", t.data,
						                            why ? why : "stands before it");
					const char *spelt = NULL;
					for (int x = i + 1; x < n && !spelt; x++) {
						const char *xv = NULL, *xl = strrchr(m[x], '/') + 1;
						aug_get(h, m[x], &xv);
						if (child_is(&want[j], xl, strcspn(xl, "["), xv, same))
							spelt = xv;
					}
					want[j].placed = want[j].moved = 1;
					put_child(&k, &want[j], spelt);
				}
				mr_buf_fini(&t);
			}
			free(why);
		}
		if (k.refused)
			break;
		if (w && f >= 0 && i > f) {
			w->placed = 1; /* the defaults give it what it wants */
			put_as_is(&k, m[i], label, ln, v);
		} else if (w) {
			w->placed = 1;
			put_child(&k, w, v);
		} else {
			put_as_is(&k, m[i], label, ln, v);
		}
	}
	for (size_t j = 0; j < n_want && !k.refused; j++)
		if (!want[j].placed) {
			want[j].placed = 1;
			put_child(&k, &want[j], NULL);
		}
	/* defaults children left last by the children after them going
	 * would export the path to every host: they go, as they gave nobody
	 * any */
	if (k.run_at != SIZE_MAX && !keep_last) {
		k.b.len = k.run_at;
		k.b.data[k.run_at] = '\0';
		free(k.long_v);
		k.long_v = NULL;
		k.long_node = NULL;
	} else if (!k.refused) {
		run_stays(&k);
	}
	free(k.long_v);
	free_matches(m, n > 0 ? n : 0);
	for (size_t j = 0; j < n_want; j++) {
		free(want[j].label);
		free(want[j].value);
		mr_buf_fini(&want[j].rest);
	}
	free(want);
	for (size_t j = 0; j < k.n_lp; j++)
		free(k.lp[j].label);
	free(k.lp);
	if (k.refused) {
		mr_buf_fini(&k.b);
		return NULL;
	}
	return mr_buf_steal(&k.b, NULL);
}

/* The last of node's children but comments, if it is a defaults child
 * of op's (one that stands for bare): its path, malloc'd, else NULL. */
static char *last_defaults(augeas *h, const char *node, const struct mr_aug_op *op)
{
	if (!op->defaults)
		return NULL;
	char *expr = mr_xasprintf("%s/*[label() != '#comment'][last()]", node);
	char **c = NULL;
	int nc = aug_match(h, expr, &c);
	free(expr);
	char *last = nc == 1 && is_defaults(op, c[0]) ? mr_xstrdup(c[0]) : NULL;
	free_matches(c, nc > 0 ? nc : 0);
	return last;
}

/* Two defaults children of op's side by side in the entry at node, left
 * so by a child between them gone, as one: the first's values, then the
 * second's (exportfs adds each to those before it, and reads the word
 * after one as a client, whatever it starts with). 0; -1 (the engine's
 * error); -2 if one would be longer than exportfs reads (left as is). */
static int merge_defaults(augeas *h, const char *node, const struct mr_aug_op *op)
{
	if (!op->defaults)
		return 0;
	char *expr = mr_xasprintf("%s/*[label() != '#comment']", node);
	int r = 0, merged = 1;
	while (r == 0 && merged) {
		char **c = NULL;
		int nc = aug_match(h, expr, &c);
		merged = 0;
		r = nc < 0 ? -1 : 0;
		for (int i = 0; i + 1 < nc && !merged; i++) {
			if (!is_defaults(op, c[i]) || !is_defaults(op, c[i + 1]))
				continue;
			const char *a = NULL, *b = NULL;
			aug_get(h, c[i], &a);
			aug_get(h, c[i + 1], &b);
			if (strlen(a ? a : "") + strlen(b ? b : "") + 2 > EXPORTS_WORD_MAX) {
				r = -2;
				break;
			}
			char *v = mr_xasprintf("%s%s%s", a ? a : "", a && *a && b && *b ? "," : "",
			                       b ? b : "");
			r = aug_set(h, c[i + 1], v) < 0 || aug_rm(h, c[i]) < 0 ? -1 : 0;
			free(v);
			merged = 1;
		}
		free_matches(c, nc > 0 ? nc : 0);
	}
	free(expr);
	return r;
}

/* With keep_others, the wanted children (an export's clients) that later
 * entries of the key hold too (another line for the same path): exportfs
 * takes the first for a client named twice for one path and complains,
 * and exportfs -ra then fails (found by a review). A later entry with no
 * child, or ending with a defaults child, holds bare (an exports path
 * alone is the world's, and a dead one: exportfs -v and mountd keep the
 * first line's options for the world). With rm, each goes (a defaults
 * child so left last with it: it gave nobody else any), and an entry left
 * with nothing but comments too; defaults children left side by side
 * are one. The number found, -1 on an engine error, -2 if two would be
 * one word longer than exportfs reads (*long_at: in m[*long_at]). */
static int later_wanted(augeas *h, char **m, int n, const char *children, int rm,
                        const struct mr_aug_op *op, int *long_at)
{
	struct top_child *want = NULL;
	size_t n_want = top_children(children, &want);
	int found = 0;
	for (int i = n - 1; i >= 1 && found >= 0; i--) {
		char *expr = mr_xasprintf("%s/*[label() != '#comment']", m[i]);
		char **c = NULL;
		int nc = aug_match(h, expr, &c), here = 0, last_gone = 0;
		free(expr);
		char *last = last_defaults(h, m[i], op);
		size_t bln;
		const char *bv;
		if ((nc == 0 || last) && op->bare &&
		    bare_wanted(want, n_want, op->bare, op->same, &bln, &bv)) {
			here++;
			last_gone = 1;
			if (rm && aug_rm(h, nc == 0 ? m[i] : last) < 0)
				found = -1;
		}
		for (int k = nc - 1; k >= 0 && found >= 0; k--) {
			const char *v = NULL, *label = strrchr(c[k], '/') + 1;
			size_t ln = strcspn(label, "[");
			aug_get(h, c[k], &v);
			int wanted = 0;
			for (size_t w = 0; w < n_want && !wanted; w++)
				wanted = child_is(&want[w], label, ln, v, op->same);
			if (!wanted)
				continue;
			here++;
			if (rm && aug_rm(h, c[k]) < 0)
				found = -1;
		}
		free_matches(c, nc > 0 ? nc : 0);
		if (rm && here && found >= 0 && nc > 0) {
			/* a defaults child left last by the removals: it goes */
			char *now = last_defaults(h, m[i], op);
			if (now && (!last || last_gone) && aug_rm(h, now) < 0)
				found = -1;
			free(now);
			int mr = found >= 0 ? merge_defaults(h, m[i], op) : 0;
			if (mr < 0) {
				found = mr;
				*long_at = i;
			}
			expr = mr_xasprintf("%s/*[label() != '#comment']", m[i]);
			int left = aug_match(h, expr, NULL);
			free(expr);
			if (left == 0 && found >= 0 && aug_rm(h, m[i]) < 0)
				found = -1;
		}
		free(last);
		if (found >= 0)
			found += here;
	}
	for (size_t w = 0; w < n_want; w++) {
		free(want[w].label);
		free(want[w].value);
		mr_buf_fini(&want[w].rest);
	}
	free(want);
	return found;
}

/* Whether the labels of the entry's children at node, comments left
 * out, come in the order of children's: a defaults child is not in the
 * same place before a client as after it, though each label's children
 * are in theirs. */
static int labels_in_order(augeas *h, const char *node, const char *children)
{
	char *expr = mr_xasprintf("%s/*[label() != '#comment']", node);
	char **m = NULL;
	int n = aug_match(h, expr, &m), same = n >= 0, i = 0;
	free(expr);
	for (const char *p = children; same && p && *p;) {
		size_t pn = strcspn(p, "\n"), ln = strcspn(p, "[\t\n/");
		const char *line = p;
		p += pn + (p[pn] == '\n');
		if (line[ln] != '[' || memchr(line, '/', strcspn(line, "\t\n")))
			continue; /* the entry's own value, or a child's child */
		const char *l = i < n ? strrchr(m[i], '/') + 1 : NULL;
		same = l && strcspn(l, "[") == ln && !strncmp(l, line, ln);
		i++;
	}
	same = same && i == n;
	free_matches(m, n > 0 ? n : 0);
	return same;
}

static int entry_is(augeas *h, const char *node, const struct mr_aug_op *op)
{
	char *expr = mr_xasprintf("%s/descendant::*[label() != '#comment']", node);
	int n = aug_match(h, expr, NULL);
	free(expr);
	if (n < 0 || (size_t)n != child_count(op->children))
		return 0;
	/* the entry's own value too: "." in children, else none */
	const char *own = NULL;
	aug_get(h, node, &own);
	int has_own = strncmp(op->children, ".\t", 2) == 0 || strstr(op->children, "\n.\t");
	if (!has_own && own)
		return 0;
	return each_child(op->children, child_differs, h, node) == 0 &&
	       (!op->defaults || labels_in_order(h, node, op->children));
}

/* The #comment children that end the entry at node (an exports line's
 * "# text"): their number, -1 on an engine error. */
static int trailing_comments(augeas *h, const char *node)
{
	char *expr = mr_xasprintf("%s/*", node);
	char **m = NULL;
	int n = aug_match(h, expr, &m), t = 0;
	free(expr);
	for (int i = n - 1; i >= 0; i--) {
		const char *label = NULL;
		if (aug_label(h, m[i], &label) != 1 || !label || strcmp(label, "#comment") != 0)
			break;
		t++;
	}
	free_matches(m, n > 0 ? n : 0);
	return n < 0 ? -1 : t;
}

/* The last t #comment children of node moved after its other children
 * again (new children go last, and the lens writes the comment after the
 * entry's clients), in their order. */
static int comments_last(augeas *h, const char *node, int t)
{
	char *all = mr_xasprintf("%s/#comment", node);
	int c = aug_match(h, all, NULL);
	free(all);
	if (c < t)
		return -1;
	char *src = mr_xasprintf("%s/#comment[%d]", node, c - t + 1);
	char *tmp = mr_xasprintf("%s/mr-comment", node);
	int r = 0;
	for (int i = 0; i < t && r == 0; i++)
		r = aug_mv(h, src, tmp) < 0 || aug_rename(h, tmp, "#comment") < 0 ? -1 : 0;
	free(tmp);
	free(src);
	return r;
}

#define NUMBERED TREE "/*[label() =~ regexp('[0-9]+')]"

/* Entries a lens numbers (seq): 1..n again after some went, as a re-read
 * would number them. */
static int renumber(augeas *h)
{
	char **m = NULL;
	int n = aug_match(h, NUMBERED, &m);
	int r = n < 0 ? -1 : 0;
	for (int i = 0; i < n && r == 0; i++) {
		char label[24];
		snprintf(label, sizeof(label), "%d", i + 1);
		r = aug_rename(h, m[i], label) < 0 ? -1 : 0;
	}
	free_matches(m, n > 0 ? n : 0);
	return r;
}

static int apply_entry(augeas *h, const char *where, const char *text,
                       const struct mr_aug_op *op, struct mr_aug_outcome *oc,
                       struct mr_error **err)
{
	char *path = mr_xasprintf(TREE "/%s", op->key);
	char *node = NULL, *kept_children = NULL;
	char **m = NULL;
	int r = -1, trailing = 0, long_at = 0;
	int n = aug_match(h, path, &m);
	if (n < 0) {
		engine_error(h, where, op->key, err);
		goto out;
	}
	oc->present = n > 0;
	/* with keep_others, what the first entry must hold is its own
	 * children kept, the profile's in place */
	/* the profile's own children, before they are merged with the
	 * entry's: only those leave later entries (found by a review: every
	 * client of the first line went from later lines) */
	const char *wanted = op->children;
	struct mr_aug_op kept;
	if (n > 0 && op->keep_others) {
		kept = *op;
		kept.children = kept_children = children_keeping(h, where, text, m[0], op, &oc->note,
		                                                 err);
		if (!kept_children)
			goto out;
		op = &kept;
	}
	int later = n > 1 && op->keep_others
	                ? later_wanted(h, m, n, wanted, 0, op, &long_at)
	                : 0;
	if (later < 0)
		goto engine;
	if (n > 0 && (n == 1 || op->keep_others) && !later && entry_is(h, m[0], op)) {
		/* the report shows the entry there, as the profile spells it */
		oc->old = op->value ? mr_xstrdup(op->value) : entry_text(h, m[0]);
		r = 0;
		goto out;
	}
	if (n > 0) {
		oc->old = op->keep_others ? entry_text_clients(h, m[0], op->defaults) : entry_text(h, m[0]);
		/* with keep_others, the wanted children go from later entries
		 * (from the last: the paths stay valid) */
		int lr = later ? later_wanted(h, m, n, wanted, 1, op, &long_at) : 0;
		if (lr == -2) {
			unsigned line = node_line(h, m[long_at], text);
			char *place = line ? mr_xasprintf("%s:%u", where, line) : mr_xstrdup(where);
			mr_error_add(err, MR_ERR_PARSE, place,
			             "the default options left side by side there, by the export's "
			             "clients going, would be one word longer than the %d characters "
			             "exportfs reads; not written",
			             EXPORTS_WORD_MAX);
			free(place);
			goto out;
		}
		if (lr < 0)
			goto engine;
		/* later duplicates go (in reverse, so the paths stay valid) */
		for (int i = n - 1; i >= 1 && !op->keep_others; i--)
			if (aug_rm(h, m[i]) < 0)
				goto engine;
		if (n > 1 && !op->keep_others && !strcmp(op->create, "#") && renumber(h) < 0)
			goto engine;
		trailing = trailing_comments(h, m[0]);
		char *items = mr_xasprintf("%s/*[label() != '#comment']", m[0]);
		int rm = trailing < 0 ? -1 : aug_rm(h, items);
		free(items);
		if (rm < 0 || aug_set(h, m[0], NULL) < 0)
			goto engine;
		node = mr_xstrdup(m[0]);
	} else if (!strcmp(op->create, "#")) {
		int last = aug_match(h, NUMBERED, NULL);
		node = mr_xasprintf(TREE "/%d", last < 0 ? 1 : last + 1);
		if (last < 0 || aug_set(h, node, NULL) < 0)
			goto engine;
	} else {
		char *add = mr_xasprintf(TREE "/%s[last()+1]", op->create);
		int set = aug_set(h, add, NULL);
		free(add);
		if (set < 0)
			goto engine;
		node = mr_xasprintf(TREE "/%s[last()]", op->create);
	}
	if (each_child(op->children, child_set, h, node) < 0 ||
	    (op->keep_others && merge_defaults(h, node, op) < 0) ||
	    (trailing > 0 && comments_last(h, node, trailing) < 0))
		goto engine;
	oc->changed = 1;
	r = 0;
	goto out;
engine:
	engine_error(h, where, op->key, err);
out:
	free_matches(m, n > 0 ? n : 0);
	free(kept_children);
	free(node);
	free(path);
	return r;
}

/* A shell variable's words (VAR="--a --b"): a word added or removed,
 * keeping its quoting. Values with expansions or escapes are refused:
 * their words cannot be known without a shell. */
static int apply_token(augeas *h, const char *where, const struct mr_aug_op *op,
                       struct mr_aug_outcome *oc, struct mr_error **err)
{
	char *base = section_path(h, op);
	char *path = mr_xasprintf("%s/%s", base, op->key);
	struct mr_buf words;
	const char *cur = NULL;
	int r = -1, add = op->kind == MR_AUG_TOKEN_ADD;
	mr_buf_init(&words);
	int n = aug_get(h, path, &cur);
	if (n < 0) {
		mr_error_add(err, MR_ERR_PARSE, where, "%s is set more than once; not changed",
		             op->key);
		goto out;
	}
	oc->present = n == 1;
	char quote = '"';
	const char *v = cur ? cur : "";
	size_t len = strlen(v);
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		quote = v[0];
		v++;
		len -= 2;
	}
	if (strcspn(v, "$`\\\"'") < len) {
		mr_error_add(err, MR_ERR_PARSE, where,
		             "%s holds shell expansions or quotes; migready does not edit it", op->key);
		goto out;
	}
	oc->old = cur ? mr_xstrndup(v, len) : NULL;
	int found = 0;
	struct mr_optscan scan = { .spec = op->opts };
	char *keep = mr_xmalloc(len + 1);
	size_t options_end = (size_t)-1; /* where "--" ends the options, in words */
	for (size_t i = 0; i < len;) {
		i += strspn(v + i, " \t");
		size_t wl = strcspn(v + i, " \t");
		if (i + wl > len)
			wl = len - i;
		if (!wl)
			break;
		const char *w = v + i;
		size_t kl = 0;
		int match, was_ended = scan.ended;
		if (op->opts && !strncmp(op->value, "--", 2))
			match = mr_optscan_word(&scan, op->value + 2, w, wl, keep, &kl);
		else
			match = strlen(op->value) == wl && !strncmp(w, op->value, wl);
		if (scan.ended && !was_ended) /* this word is the "--" */
			options_end = words.len;
		found |= match;
		i += wl;
		/* removed: the word, or its letter from a cluster (-dl: -d) */
		if (match && !add) {
			w = keep;
			wl = kl;
		}
		if (wl) {
			if (words.len)
				mr_buf_putc(&words, ' ');
			mr_buf_add(&words, w, wl);
		}
	}
	free(keep);
	if (found == add) {
		r = 0;
		goto out;
	}
	if (add && options_end != (size_t)-1) {
		/* an option after "--" would be a word of another kind */
		struct mr_buf b;
		mr_buf_init(&b);
		mr_buf_add(&b, words.data, options_end);
		mr_buf_printf(&b, "%s%s %s", options_end ? " " : "", op->value,
		              words.data + options_end + (options_end ? 1 : 0));
		mr_buf_fini(&words);
		words = b;
	} else if (add) {
		if (words.len)
			mr_buf_putc(&words, ' ');
		mr_buf_puts(&words, op->value);
	}
	char *raw = mr_xasprintf("%c%s%c", quote, words.data ? words.data : "", quote);
	/* a new variable goes below its commented default, as a new key does */
	int rc = cur ? aug_set(h, path, raw) : add ? insert_new(h, base, op->key, raw, op->comment_re)
	                                           : 0;
	free(raw);
	if (rc < 0) {
		engine_error(h, where, op->key, err);
		goto out;
	}
	oc->changed = 1;
	r = 0;
out:
	mr_buf_fini(&words);
	free(path);
	free(base);
	return r;
}

/* Where a line goes in the text: an offset, and the op it comes from. */
struct splice {
	size_t at;
	size_t op;
};

/* The text offset just before the first node expr matches (first), or
 * just after the last; -1 if none matches. Needs spans on. */
static long anchor_offset(augeas *h, const char *expr, int first)
{
	if (!expr)
		return -1;
	char *path = mr_xasprintf(TREE "/%s", expr);
	char **m = NULL;
	long at = -1;
	int n = aug_match(h, path, &m);
	free(path);
	if (n > 0) {
		unsigned ls, le, vs, ve, ss, se;
		char *file = NULL;
		if (aug_span(h, m[first ? 0 : n - 1], &file, &ls, &le, &vs, &ve, &ss, &se) == 0)
			at = first ? (long)ss : (long)se;
		free(file);
	}
	free_matches(m, n > 0 ? n : 0);
	return at;
}

/* The node's children as "LABEL\tVALUE" lines, in order; with mark_not,
 * a child holding a "not" node (iptables' "! -s NET") as "LABEL\t!VALUE". */
static char *children_text(augeas *h, const char *node, int mark_not)
{
	char *pattern = mr_xasprintf("%s/*", node);
	char **m = NULL;
	int n = aug_match(h, pattern, &m);
	free(pattern);
	struct mr_buf b;
	mr_buf_init(&b);
	for (int i = 0; i < n; i++) {
		const char *label = NULL, *value = NULL;
		aug_label(h, m[i], &label);
		aug_get(h, m[i], &value);
		int negated = 0;
		if (mark_not) {
			char *not = mr_xasprintf("%s/not", m[i]);
			negated = aug_match(h, not, NULL) > 0;
			free(not);
		}
		mr_buf_printf(&b, "%s\t%s%s\n", label ? label : "", negated ? "!" : "",
		              value ? value : "");
	}
	free_matches(m, n > 0 ? n : 0);
	return mr_buf_steal(&b, NULL);
}

static int stop_scope_text(augeas *h, const char *where, const char *expr, char **out,
                           struct mr_error **err);

/* The first node of op->cover above stop_at (-1: anywhere) that
 * op->covers takes: its line of text (in oc->old). 1 found, 0 none, -1 an
 * error. Needs spans on. */
static int find_cover(augeas *h, const char *where, const char *text,
                      const struct mr_aug_op *op, long stop_at, struct mr_aug_outcome *oc,
                      struct mr_error **err)
{
	if (!op->cover || !op->covers)
		return 0;
	char *scope = NULL;
	if (op->stop_scope && stop_scope_text(h, where, op->stop_scope, &scope, err) < 0)
		return -1;
	char *path = mr_xasprintf(TREE "/%s", op->cover);
	char **m = NULL;
	int n = aug_match(h, path, &m), found = 0;
	size_t text_len = strlen(text);
	free(path);
	if (n < 0) {
		engine_error(h, where, op->cover, err);
		free(scope);
		return -1;
	}
	for (int i = 0; i < n && !found; i++) {
		char *children = children_text(h, m[i], 0);
		unsigned ls, le, vs, ve, ss, se;
		char *file = NULL;
		if (op->covers(children, op->cover_want ? op->cover_want : "", scope) &&
		    aug_span(h, m[i], &file, &ls, &le, &vs, &ve, &ss, &se) == 0 && se <= text_len &&
		    (stop_at < 0 || (long)ss < stop_at)) {
			size_t len = se - ss;
			while (len && (text[ss + len - 1] == '\n' || text[ss + len - 1] == '\r'))
				len--;
			oc->old = mr_xstrndup(text + ss, len);
			oc->line = line_number(text, ss);
			found = 1;
		}
		free(file);
		free(children);
	}
	free_matches(m, n > 0 ? n : 0);
	free(scope);
	return found;
}

/* The line of text holding offset at, without its newline. */
static char *line_at(const char *text, size_t at)
{
	size_t start = at;
	while (start && text[start - 1] != '\n')
		start--;
	return mr_xstrndup(text + start, strcspn(text + start, "\r\n"));
}

/* The nodes expr matches as struct mr_aug_op's stops gets them: each
 * node's value on a line, its children's lines, a blank line. */
static int stop_scope_text(augeas *h, const char *where, const char *expr, char **out,
                           struct mr_error **err)
{
	char *path = mr_xasprintf(TREE "/%s", expr);
	char **m = NULL;
	int n = aug_match(h, path, &m);
	free(path);
	if (n < 0) {
		engine_error(h, where, expr, err);
		return -1;
	}
	struct mr_buf b;
	mr_buf_init(&b);
	for (int i = 0; i < n; i++) {
		const char *value = NULL;
		aug_get(h, m[i], &value);
		char *children = children_text(h, m[i], 1);
		mr_buf_printf(&b, "%s\n%s\n", value ? value : "", children);
		free(children);
	}
	free_matches(m, n > 0 ? n : 0);
	*out = mr_buf_steal(&b, NULL);
	return 0;
}

/* Where op's first stop starts (its comment's line, op->stop_comment),
 * and its line, or -1 when nothing stops the line's traffic. */
static int first_stop(augeas *h, const char *where, const char *text,
                      const struct mr_aug_op *op, long *stop_at, char **stop_line,
                      struct mr_error **err)
{
	*stop_at = -1;
	if (!op->stop || !op->stops)
		return 0;
	char *scope = NULL;
	if (op->stop_scope && stop_scope_text(h, where, op->stop_scope, &scope, err) < 0)
		return -1;
	char *path = mr_xasprintf(TREE "/%s", op->stop);
	char **m = NULL;
	int n = aug_match(h, path, &m);
	size_t text_len = strlen(text);
	free(path);
	if (n < 0) {
		engine_error(h, where, op->stop, err);
		free(scope);
		return -1;
	}
	for (int i = 0; i < n && *stop_at < 0; i++) {
		char *children = children_text(h, m[i], 1);
		unsigned ls, le, vs, ve, ss, se;
		char *file = NULL;
		if (op->stops(children, op->cover_want ? op->cover_want : "", scope) &&
		    aug_span(h, m[i], &file, &ls, &le, &vs, &ve, &ss, &se) == 0 && ss <= text_len) {
			*stop_line = line_at(text, ss);
			size_t at = ss;
			while (at && text[at - 1] != '\n')
				at--;
			/* the comment that heads its lines is its own (ufw's tuple,
			 * over one rule per protocol, or the three of a limit) */
			for (size_t up = at; op->stop_comment && up;) {
				size_t prev = up - 1;
				while (prev && text[prev - 1] != '\n')
					prev--;
				if (!strncmp(text + prev, op->stop_comment, strlen(op->stop_comment))) {
					at = prev;
					break;
				}
				if (text[prev] == '\n' || text[prev] == '\r' || text[prev] == '#')
					break; /* a blank line or another comment: none */
				up = prev;
			}
			*stop_at = (long)at;
		}
		free(file);
		free(children);
	}
	free_matches(m, n > 0 ? n : 0);
	free(scope);
	return 0;
}

/* How many nodes key matches above stop_at (-1: anywhere); *below says
 * whether any matched under it. -1 on an error. */
static int matches_above(augeas *h, const char *key, long stop_at, int *below)
{
	char *path = mr_xasprintf(TREE "/%s", key);
	char **m = NULL;
	int n = aug_match(h, path, stop_at < 0 ? NULL : &m);
	free(path);
	if (n <= 0 || stop_at < 0)
		return n;
	int above = 0;
	for (int i = 0; i < n; i++) {
		unsigned ls, le, vs, ve, ss, se;
		char *file = NULL;
		if (aug_span(h, m[i], &file, &ls, &le, &vs, &ve, &ss, &se) == 0 && (long)ss < stop_at)
			above++;
		else
			*below = 1;
		free(file);
	}
	free_matches(m, n);
	return above;
}

/* A line the tree lacks (no node matches key): where value goes. The text
 * is spliced, not the tree edited: a node inserted among its like would
 * make Augeas write every later one with its neighbour's layout (each
 * '--in-interface' of a file turned '-i'). */
static int plan_insert(augeas *h, const char *where, const char *text,
                       const struct mr_aug_op *op, struct mr_aug_outcome *oc, long *at,
                       struct mr_error **err)
{
	if (op->refuse) {
		char *path = mr_xasprintf(TREE "/%s", op->refuse);
		char **m = NULL;
		int n = aug_match(h, path, &m);
		free(path);
		if (n < 0) {
			engine_error(h, where, op->refuse, err);
			return -1;
		}
		unsigned ls, le, vs, ve, ss, se;
		char *file = NULL;
		if (n > 0) {
			unsigned line = 0;
			if (aug_span(h, m[0], &file, &ls, &le, &vs, &ve, &ss, &se) == 0 &&
			    ss <= strlen(text)) {
				line = 1;
				for (unsigned i = 0; i < ss; i++)
					line += text[i] == '\n';
			}
			char *place = line ? mr_xasprintf("%s:%u", where, line) : mr_xstrdup(where);
			mr_error_add(err, MR_ERR_PARSE, place, "%s; not written", op->refuse_why);
			free(place);
			free(file);
			free_matches(m, n);
			return -1;
		}
	}
	long stop_at = -1;
	char *stop_line = NULL;
	if (first_stop(h, where, text, op, &stop_at, &stop_line, err) < 0)
		return -1;
	int below = 0;
	int n = matches_above(h, op->key, stop_at, &below);
	*at = -1;
	if (n < 0) {
		engine_error(h, where, op->key, err);
		free(stop_line);
		return -1;
	}
	if (n == 0)
		n = find_cover(h, where, text, op, stop_at, oc, err);
	if (n == 0 && !below && stop_at >= 0) {
		struct mr_aug_outcome under = { 0 };
		int found = find_cover(h, where, text, op, -1, &under, err);
		free(under.old);
		if (found < 0)
			n = -1;
		below = found > 0;
	}
	if (n < 0) {
		free(stop_line);
		return -1;
	}
	oc->present = n > 0;
	if (n > 0) {
		free(stop_line);
		return 0;
	}
	if (below) /* in the file, but never reached */
		oc->old = mr_xasprintf("below '%s', which stops it", stop_line);
	free(stop_line);
	*at = stop_at >= 0 ? stop_at : anchor_offset(h, op->comment_re, 1);
	if (*at < 0)
		*at = anchor_offset(h, op->deflt, 0);
	if (*at < 0) {
		mr_error_add(err, MR_ERR_PARSE, where, "nowhere to add '%s': nothing matches '%s'",
		             op->value, op->deflt ? op->deflt : op->comment_re ? op->comment_re : "");
		return -1;
	}
	oc->changed = 1;
	return 0;
}

static int splice_cmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->op < y->op ? -1 : x->op > y->op;
}

/* The text with each planned line in place (lines for one place in the
 * order of their ops), then read again: every added line's key must match. */
static char *spliced(augeas *h, const char *where, const char *lens, const char *text,
                     const struct mr_aug_op *ops, size_t nops, const long *at,
                     struct mr_error **err)
{
	struct splice *v = mr_xcalloc(nops + 1, sizeof(*v));
	size_t n = 0, done = 0, len = strlen(text);
	for (size_t i = 0; i < nops; i++)
		if (at[i] >= 0)
			v[n++] = (struct splice){ (size_t)at[i], i };
	qsort(v, n, sizeof(*v), splice_cmp);
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		mr_buf_add(&b, text + done, v[i].at - done);
		done = v[i].at;
		if (b.len && b.data[b.len - 1] != '\n')
			mr_buf_putc(&b, '\n');
		mr_buf_printf(&b, "%s\n", ops[v[i].op].value);
	}
	mr_buf_add(&b, text + done, len - done);
	free(v);
	char *out = mr_buf_steal(&b, NULL);
	if (aug_set(h, CHECK_TEXT, out) < 0 || aug_text_store(h, lens, CHECK_TEXT, CHECK) < 0) {
		mr_error_add(err, MR_ERR_PARSE, where,
		             "the edited file would not parse again with %s; not written", lens);
		goto fail;
	}
	for (size_t i = 0; i < nops; i++) {
		if (at[i] < 0) /* there already, by its key or a cover */
			continue;
		char *path = mr_xasprintf(CHECK "/%s", ops[i].key);
		int m = aug_match(h, path, NULL);
		free(path);
		if (m <= 0) {
			mr_error_add(err, MR_ERR_PARSE, where,
			             "'%s' would not read back as wanted; not written", ops[i].value);
			goto fail;
		}
	}
	return out;
fail:
	free(out);
	return NULL;
}

/* What in text a lens commonly stumbles on, said after its message
 * ("Iterated lens matched less than it should" tells an operator
 * nothing); "" if none. line: where the lens stopped, 1-based, or 0. */
static const char *parse_hint(const char *text, long line)
{
	/* (a missing last newline is no cause: the file was read with it) */
	if (strstr(text, "\r\n"))
		return "; its lines end in CR LF (a file from Windows?; most lenses do not read them)";
	/* the line where it stopped, or the one before, continued with '\' */
	const char *l = text;
	for (long k = 1; l && k < line - 1; k++)
		l = (l = strchr(l, '\n')) ? l + 1 : NULL;
	for (int k = 0; l && k < 2 && line > 0; k++) {
		const char *e = strchr(l, '\n');
		if (e && e > l && e[-1] == '\\')
			return "; a line continued with '\\' (few lenses read one)";
		l = e ? e + 1 : NULL;
	}
	return "";
}

/* Position of a parse error, "where:line:column: message". */
static void store_error(augeas *h, const char *where, const char *lens, const char *tree,
                        const char *text, struct mr_error **err)
{
	char *base = mr_xasprintf("/augeas/text%s/error", tree);
	char *p;
	const char *line = NULL, *col = NULL, *msg = NULL, *kind = NULL;
	aug_get(h, base, &kind);
	p = mr_xasprintf("%s/line", base);
	aug_get(h, p, &line);
	free(p);
	p = mr_xasprintf("%s/char", base);
	aug_get(h, p, &col);
	free(p);
	p = mr_xasprintf("%s/message", base);
	aug_get(h, p, &msg);
	free(p);
	free(base);
	if (line) {
		/* Augeas counts columns from 0; editors and compilers from 1. */
		long c = col ? strtol(col, NULL, 10) + 1 : 1;
		char *at = mr_xasprintf("%s:%s:%ld", where, line, c);
		mr_error_add(err, MR_ERR_PARSE, at, "%s does not parse: %s%s", lens,
		             msg ? msg : kind ? kind : "syntax error",
		             parse_hint(text, strtol(line, NULL, 10)));
		free(at);
	} else if (aug_error(h) != AUG_NOERROR) {
		engine_error(h, where, lens, err);
	} else {
		mr_error_add(err, MR_ERR_PARSE, where, "%s does not parse: %s%s", lens,
		             msg ? msg : kind ? kind : "unknown error", parse_hint(text, 0));
	}
}

/* Augeas leaves the reason a tree cannot be written under the tree's
 * error node, not in aug_error. */
static void retrieve_error(augeas *h, const char *where, const char *lens,
                           struct mr_error **err)
{
	const char *msg = NULL;
	aug_get(h, "/augeas/text" TREE "/error/message", &msg);
	mr_error_add(err, MR_ERR_PARSE, where, "%s cannot write the edited file: %s; not written",
	             lens, msg ? msg : aug_error_message(h));
}

/* Two trees read the same: same labels and values in document order. */
static int trees_equal(augeas *h, const char *a, const char *b, char **first_diff)
{
	char *expr_a = mr_xasprintf("%s/descendant::*", a);
	char *expr_b = mr_xasprintf("%s/descendant::*", b);
	int equal = 0;
	*first_diff = NULL;
	if (aug_defvar(h, "mra", expr_a) < 0 || aug_defvar(h, "mrb", expr_b) < 0)
		goto out;
	int na = aug_ns_count(h, "mra"), nb = aug_ns_count(h, "mrb");
	int n = na < nb ? na : nb;
	for (int i = 0; i < n; i++) {
		const char *la = NULL, *lb = NULL, *va = NULL, *vb = NULL;
		aug_ns_label(h, "mra", i, &la, NULL);
		aug_ns_label(h, "mrb", i, &lb, NULL);
		aug_ns_value(h, "mra", i, &va);
		aug_ns_value(h, "mrb", i, &vb);
		if (!str_eq(la, lb) || !str_eq(va, vb)) {
			*first_diff = mr_xasprintf("'%s' = '%s' reads back as '%s' = '%s'",
			                           la ? la : "", va ? va : "", lb ? lb : "",
			                           vb ? vb : "");
			goto out;
		}
	}
	if (na != nb) {
		*first_diff = mr_xasprintf("%d entries read back as %d", na, nb);
		goto out;
	}
	equal = 1;
out:
	aug_defvar(h, "mra", NULL);
	aug_defvar(h, "mrb", NULL);
	free(expr_a);
	free(expr_b);
	return equal;
}

static void set_spans(augeas *h, int on)
{
	aug_set(h, "/augeas/span", on ? "enable" : "disable");
	aug_load(h);
}

static int transform_locked(struct parser *p, const char *where, const char *lens,
                            const char *text, const struct mr_aug_op *ops, size_t nops,
                            struct mr_aug_outcome *outcomes, char **out,
                            struct mr_error **err)
{
	augeas *h = p->handle;
	int r = -1, changed = 0;
	size_t inserts = 0, ordered = 0;
	long *at = NULL;
	char *diff = NULL, *padded = NULL;

	if (aug_set(h, TEXT, text) < 0) {
		engine_error(h, where, "cannot hold the file", err);
		goto out;
	}
	/* Inserts splice the text: they need to know where each node was. */
	for (size_t i = 0; i < nops; i++)
		inserts += ops[i].kind == MR_AUG_INSERT;
	if (inserts && inserts != nops) {
		mr_error_add(err, MR_ERR_SYSTEM, where, "inserts mixed with other edits");
		goto out;
	}
	/* an entry's order examined names the line of what stood first */
	for (size_t i = 0; i < nops; i++)
		ordered += ops[i].kind == MR_AUG_ENTRY && ops[i].ahead;
	if (inserts || ordered) /* aug_load is what reads the option; there are no files to load */
		set_spans(h, 1);
	const char *original = text;
	if (aug_text_store(h, lens, TEXT, TREE) < 0) {
		/* most lenses need the last line's newline, which editors and
		 * tools often leave out: read with it (a file written gets it) */
		size_t tl = strlen(text);
		int read_padded = 0;
		if (tl && text[tl - 1] != '\n') {
			padded = mr_xasprintf("%s\n", text);
			read_padded = aug_set(h, TEXT, padded) == 0 &&
			              aug_text_store(h, lens, TEXT, TREE) == 0;
			if (!read_padded && aug_set(h, TEXT, text) == 0) /* its error as read */
				aug_text_store(h, lens, TEXT, TREE);
		}
		if (!read_padded) {
			store_error(h, where, lens, TREE, text, err);
			goto out;
		}
		text = padded;
	}
	at = mr_xcalloc(nops + 1, sizeof(*at));
	/* a section is a group of oslo.config's, whose names it normalises */
	int oslo = strcmp(lens, "Migready_oslo.lns") == 0;
	for (size_t i = 0; i < nops; i++) {
		int rc = ops[i].kind == MR_AUG_RM    ? apply_rm(h, where, &ops[i], oslo, &outcomes[i], err)
		         : ops[i].kind == MR_AUG_SET ? apply_set(h, where, &ops[i], oslo, &outcomes[i], err)
		         : ops[i].kind == MR_AUG_ENTRY  ? apply_entry(h, where, text, &ops[i], &outcomes[i], err)
		         : ops[i].kind == MR_AUG_INSERT ? plan_insert(h, where, text, &ops[i],
		                                                      &outcomes[i], &at[i], err)
		                                        : apply_token(h, where, &ops[i], &outcomes[i], err);
		if (rc < 0)
			goto out;
		changed |= outcomes[i].changed;
	}
	if (!changed) {
		*out = mr_xstrdup(original);
		r = 0;
		goto out;
	}
	if (inserts) {
		*out = spliced(h, where, lens, text, ops, nops, at, err);
		r = *out ? 0 : -1;
		goto out;
	}
	/* Retrieving a tree that is gone yields "" without complaint: that
	 * would wipe the file. */
	if (aug_match(h, TREE, NULL) != 1) {
		mr_error_add(err, MR_ERR_PARSE, where, "the edit removed the whole file; not written");
		goto out;
	}
	if (aug_text_retrieve(h, lens, TEXT, TREE, OUT) < 0) {
		retrieve_error(h, where, lens, err);
		goto out;
	}
	const char *result = NULL;
	if (aug_get(h, OUT, &result) != 1 || !result) {
		mr_error_add(err, MR_ERR_PARSE, where, "%s produced no text; not written", lens);
		goto out;
	}
	/* The result must read back as the tree it came from; anything else
	 * (lost content, a value that breaks the syntax) is never written. */
	if (aug_set(h, CHECK_TEXT, result) < 0 || aug_text_store(h, lens, CHECK_TEXT, CHECK) < 0) {
		mr_error_add(err, MR_ERR_PARSE, where,
		             "the edited file would not parse again with %s; not written", lens);
		goto out;
	}
	if (!trees_equal(h, TREE, CHECK, &diff)) {
		mr_error_add(err, MR_ERR_PARSE, where,
		             "the edited file would not read back the same (%s); not written",
		             diff ? diff : "?");
		goto out;
	}
	*out = mr_xstrdup(result);
	r = 0;
out:
	if (inserts || ordered)
		set_spans(h, 0);
	free(at);
	free(diff);
	free(padded);
	aug_rm(h, "/mr");
	aug_rm(h, "/augeas/text/mr");
	return r;
}

/* migready's own lenses, whose comment syntax is known: their comment
 * prose can be folded away while Augeas parses (fold.h). */
static const struct {
	const char *lens;
	const char *comment_chars;
} foldable_lenses[] = {
	{ "Migready_libvirt.lns", "#" },
	{ "Migready_oslo.lns", "#;" },
};

static struct mr_fold *fold_for(const char *lens, const char *text, size_t len,
                                const struct mr_aug_op *ops, size_t nops)
{
	const char *comment_chars = NULL;
	for (size_t i = 0; i < MR_ARRAY_LEN(foldable_lenses); i++)
		if (strcmp(lens, foldable_lenses[i].lens) == 0)
			comment_chars = foldable_lenses[i].comment_chars;
	if (!comment_chars)
		return NULL;
	const char **keep = mr_xcalloc(nops ? nops : 1, sizeof(*keep));
	size_t n_keep = 0;
	struct mr_fold *f = NULL;
	for (size_t i = 0; i < nops; i++) {
		/* An operation on comments must see them all. */
		if (strstr(ops[i].key, "#comment"))
			goto out;
		if (ops[i].kind == MR_AUG_SET && ops[i].comment_re)
			keep[n_keep++] = ops[i].key;
	}
	f = mr_fold_new(text, len, comment_chars, keep, n_keep);
out:
	free(keep);
	return f;
}

/* Tries the folded text first; on any failure the whole text is parsed
 * again, so errors name the file's real lines. */
static int transform_folding(struct parser *p, const char *where, const char *lens,
                             const char *text, size_t len, const struct mr_aug_op *ops,
                             size_t nops, struct mr_aug_outcome *outcomes, char **out,
                             size_t *out_len, struct mr_error **err)
{
	struct mr_fold *fold = fold_for(lens, text, len, ops, nops);
	if (fold) {
		struct mr_error *ignored = NULL;
		char *folded_out = NULL;
		int r = transform_locked(p, where, lens, mr_fold_text(fold, NULL), ops, nops,
		                         outcomes, &folded_out, &ignored);
		if (r == 0) {
			*out = mr_fold_restore(fold, folded_out, strlen(folded_out), out_len);
			free(folded_out);
			/* lines of the folded text are not the file's: unknown */
			for (size_t i = 0; *out && i < nops; i++)
				outcomes[i].line = 0;
			if (*out) {
				mr_fold_free(fold);
				return 0;
			}
		}
		mr_error_free(ignored);
		mr_aug_outcomes_fini(outcomes, nops);
		memset(outcomes, 0, nops * sizeof(*outcomes));
		mr_fold_free(fold);
	}
	if (transform_locked(p, where, lens, text, ops, nops, outcomes, out, err) < 0)
		return -1;
	*out_len = strlen(*out);
	return 0;
}

/* The label an operation addresses: the key, or a path's last step
 * without its predicate. */
static size_t op_label(const struct mr_aug_op *op, const char **label)
{
	const char *k = strrchr(op->key, '/');
	k = k ? k + 1 : op->key;
	*label = k;
	return strcspn(k, "[");
}

/* Whether a blank-separated word of line is all of the extended regular
 * expression re (n bytes). */
static int a_word_matches(const char *line, size_t n, const char *re, size_t rn)
{
	char *anchored = mr_xasprintf("^(%.*s)$", (int)rn, re);
	regex_t rx;
	int hit = 0;
	if (regcomp(&rx, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
		for (size_t i = 0; i < n && !hit;) {
			size_t w = i;
			while (w < n && line[w] != ' ' && line[w] != '\t')
				w++;
			char *word = mr_xstrndup(line + i, w - i);
			hit = w > i && regexec(&rx, word, 0, NULL, 0) == 0;
			free(word);
			i = w + 1;
		}
		regfree(&rx);
	}
	free(anchored);
	return hit;
}

/* Whether line holds a quoted literal of key: an entry selected by its
 * value (dir[. = '/srv'], *[file = '/mnt']) names its line by it; one
 * selected by a regexp('...') of its value, by a word it matches. */
static int mentions_a_literal(const char *line, size_t n, const char *key)
{
	for (const char *p = key; (p = strpbrk(p, "'\"")); ) {
		const char *end = strchr(p + 1, *p);
		if (!end)
			break;
		int is_re = p - key >= 7 && !strncmp(p - 7, "regexp(", 7);
		if (end > p + 1 && (is_re ? a_word_matches(line, n, p + 1, (size_t)(end - p - 1))
		                          : memmem(line, n, p + 1, (size_t)(end - p - 1)) != NULL))
			return 1;
		p = end + 1;
	}
	return 0;
}

static int mentions_an_op_key(const char *line, size_t n, const struct mr_aug_op *ops,
                              size_t nops)
{
	for (size_t i = 0; i < nops; i++) {
		const char *label;
		size_t ln = op_label(&ops[i], &label);
		if (ln && memmem(line, n, label, ln))
			return 1;
		/* a field of a one-line entry (nova/shell in passwd): the line
		 * names the entry, not the field */
		size_t en = strcspn(ops[i].key, "/[");
		if (ops[i].key[en] == '/' && en && memmem(line, n, ops[i].key, en))
			return 1;
		if (ops[i].kind == MR_AUG_ENTRY && mentions_a_literal(line, n, ops[i].key))
			return 1;
	}
	return 0;
}

/* The bracket depth a line leaves open ([ ( { less ] ) }, outside quotes
 * and before a comment), added to *depth; whether the entry goes on on
 * the next line (still open, or a final backslash). */
static int entry_goes_on(const char *s, size_t n, int *depth)
{
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (quote) {
			if (c == '\\')
				i++;
			else if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '#') {
			break;
		} else if (c && strchr("[({", c)) {
			(*depth)++;
		} else if (c && strchr("])}", c) && *depth > 0) {
			(*depth)--;
		}
	}
	return *depth > 0 || (n && s[n - 1] == '\\');
}

/* An indented line with no '=' goes on the value above it (INI files such
 * as nova.conf continue a value so); an indented "key = value" is an entry
 * of its own. */
static int continues_value(const char *s, size_t n)
{
	size_t ws = 0;
	while (ws < n && (s[ws] == ' ' || s[ws] == '\t'))
		ws++;
	return ws > 0 && ws < n && !memchr(s, '=', n);
}

/* Whether the removed line s is among the lines added in script[from, to). */
static int re_added(const struct mr_diff_line *script, size_t from, size_t to, const char *s,
                    size_t n)
{
	for (size_t k = from; k < to; k++) {
		size_t m = script[k].len - (script[k].len && script[k].s[script[k].len - 1] == '\n');
		if (script[k].op == MR_DIFF_INS && m == n && !memcmp(script[k].s, s, n))
			return 1;
	}
	return 0;
}

/* Script line k without its newline; its length in *n. */
static const char *script_line(const struct mr_diff_line *script, size_t k, size_t *n)
{
	*n = script[k].len - (script[k].len && script[k].s[script[k].len - 1] == '\n');
	return script[k].s;
}

/* A change that starts inside an entry continued with '\\' whose earlier
 * lines stay or changed before (an exports(5) entry's later clients): the
 * state those lines of before leave. */
static void entry_above(const struct mr_diff_line *script, size_t i,
                        const struct mr_aug_op *ops, size_t nops, int *depth, int *goes_on,
                        int *kept_on)
{
	size_t k = i, n;
	const char *s;
	while (k > 0) {
		s = script_line(script, k - 1, &n);
		if (script[k - 1].op != MR_DIFF_INS && (!n || s[n - 1] != '\\'))
			break;
		k--;
	}
	for (; k < i; k++) {
		if (script[k].op == MR_DIFF_INS)
			continue;
		s = script_line(script, k, &n);
		if (!*goes_on && !mentions_an_op_key(s, n, ops, nops))
			return;
		*goes_on = entry_goes_on(s, n, depth);
		*kept_on = 1;
	}
}

/* Lenses can drop text that leaves no trace in the tree (a layout-only
 * line, say), which the tree comparison cannot see. So, byte-level, each
 * line the edit removes or rewrites on its own: it must hold a key the
 * operations manage, go on an entry such a line starts (a list spanning
 * lines, an INI value continued on indented lines), or come back among the
 * lines added in its place (a last line that only gained its newline). */
static int only_managed_lines_go(const char *where, const char *before, size_t before_len,
                                 const char *after, size_t after_len,
                                 const struct mr_aug_op *ops, size_t nops,
                                 struct mr_error **err)
{
	size_t n = 0;
	struct mr_diff_line *script = mr_diff_script(before, before_len, after, after_len, &n);
	const char *bad = NULL;
	size_t bad_len = 0;
	for (size_t i = 0; i < n && !bad;) {
		if (script[i].op == MR_DIFF_EQ) {
			i++;
			continue;
		}
		/* One change: the removed lines (consecutive in before) and the
		 * added ones around them. */
		size_t end = i;
		while (end < n && script[end].op != MR_DIFF_EQ)
			end++;
		/* goes_on: the next line is inside the entry a managed line
		 * started; kept_on: an indented line may still continue it */
		int depth = 0, goes_on = 0, kept_on = 0;
		entry_above(script, i, ops, nops, &depth, &goes_on, &kept_on);
		for (size_t k = i; k < end && !bad; k++) {
			if (script[k].op != MR_DIFF_DEL)
				continue;
			size_t len;
			const char *s = script_line(script, k, &len);
			if (goes_on || mentions_an_op_key(s, len, ops, nops)) {
				goes_on = entry_goes_on(s, len, &depth);
				kept_on = 1;
			} else if (kept_on && continues_value(s, len)) {
				goes_on = 0;
			} else if (re_added(script, i, end, s, len)) {
				goes_on = kept_on = 0;
				depth = 0;
			} else {
				bad = s;
				bad_len = len;
			}
		}
		i = end;
	}
	if (bad)
		mr_error_add(err, MR_ERR_PARSE, where,
		             "the edit would remove '%.*s', which no setting manages; not written",
		             (int)(bad_len > 60 ? 60 : bad_len), bad);
	free(script);
	return bad ? -1 : 0;
}

int mr_aug_only_managed_lines_go(const char *where, const char *before, size_t before_len,
                                 const char *after, size_t after_len,
                                 const struct mr_aug_op *ops, size_t nops,
                                 struct mr_error **err)
{
	return only_managed_lines_go(where, before, before_len, after, after_len, ops, nops, err);
}

/* Augeas keeps bytes 0x01-0x04 for its own bookkeeping (its encoding of
 * trees): a file holding one in a value can make aug_text_retrieve abort
 * the whole process (an assertion in lens.c, with "a = 1 #\004"), every
 * host's run with it. Such a file is refused before Augeas sees it. */
static int reserved_byte(const char *where, const char *text, size_t len,
                         struct mr_error **err)
{
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < len; i++, col++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n') {
			line++;
			col = 0;
		} else if (c >= 0x01 && c <= 0x04) {
			char *at = mr_xasprintf("%s:%u:%u", where, line, col);
			mr_error_add(err, MR_ERR_PARSE, at,
			             "control byte 0x%02x, which Augeas cannot handle; not parsed", c);
			free(at);
			return -1;
		}
	}
	return 0;
}

static int case_sensitive(const char *lens)
{
	size_t n = strcspn(lens, ".");
	for (size_t i = 0; i < MR_ARRAY_LEN(case_sensitive_modules); i++)
		if (strlen(case_sensitive_modules[i]) == n &&
		    strncmp(lens, case_sensitive_modules[i], n) == 0)
			return 1;
	return 0;
}

static long clock_ms(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) < 0)
		return 0;
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct parser *parser_busy(struct parser *p)
{
	p->busy = 1;
	if (pthread_getcpuclockid(pthread_self(), &p->holder_cpu) != 0)
		p->holder_cpu = CLOCK_MONOTONIC;
	p->start_ms = clock_ms(p->holder_cpu);
	return p;
}

void mr_aug_set_slow_parse_ms(struct mr_aug *aug, unsigned ms)
{
	aug->slow_parse_ms = ms;
}

/* A free handle; else, once every handle has been busy with one parse for
 * slow_parse_ms, a new one if there may be more; else the first to be
 * freed. Called and returns with aug->lock held. */
static struct parser *parser_take(struct mr_aug *aug)
{
	for (;;) {
		long wait_ms = 0; /* until the least busy may have used its time */
		for (size_t i = 0; i < aug->n_parsers; i++) {
			struct parser *p = &aug->parsers[i];
			if (!p->busy)
				return parser_busy(p);
			long left = (long)aug->slow_parse_ms - (clock_ms(p->holder_cpu) - p->start_ms);
			if (left > wait_ms)
				wait_ms = left;
		}
		if (aug->n_parsers == HANDLES_MAX) {
			pthread_cond_wait(&aug->parser_freed, &aug->lock);
			continue;
		}
		if (wait_ms > 0) {
			/* CPU time grows no faster than the clock on the wall */
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += wait_ms / 1000;
			until.tv_nsec += (wait_ms % 1000) * 1000000L;
			until.tv_sec += until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&aug->parser_freed, &aug->lock, &until);
			continue;
		}
		/* mr_aug_new opened one already: a handle that cannot open now
		 * only means waiting for the others */
		struct mr_error *ignored = NULL;
		augeas *h = handle_open(aug->lens_dirs, &ignored);
		mr_error_free(ignored);
		if (!h) {
			pthread_cond_wait(&aug->parser_freed, &aug->lock);
			continue;
		}
		struct parser *p = &aug->parsers[aug->n_parsers++];
		p->handle = h;
		return parser_busy(p);
	}
}

static void parser_give_back(struct mr_aug *aug, struct parser *p)
{
	p->busy = 0;
	pthread_cond_signal(&aug->parser_freed);
}

/* The cached result of the same request, if any. aug->lock held. */
static int cache_serve(struct mr_aug *aug, uint64_t hash, const char *lens, const char *text,
                       size_t len, const struct mr_aug_op *ops, size_t nops,
                       struct mr_aug_outcome *outcomes, char **out, size_t *out_len)
{
	const struct cache_entry *hit = cache_find(aug, hash, lens, text, len, ops, nops);
	if (!hit)
		return 0;
	aug->hits++;
	copy_outcomes(outcomes, hit->outcomes, nops);
	*out = mr_xstrndup(hit->out, hit->out_len);
	*out_len = hit->out_len;
	return 1;
}

int mr_aug_transform(struct mr_aug *aug, const char *where, const char *lens, const char *text,
                     size_t len, const struct mr_aug_op *ops, size_t nops,
                     struct mr_aug_outcome *outcomes, char **out, size_t *out_len,
                     struct mr_error **err)
{
	*out = NULL;
	*out_len = 0;
	memset(outcomes, 0, nops * sizeof(*outcomes));
	if (memchr(text, '\0', len)) {
		mr_error_add(err, MR_ERR_PARSE, where, "file holds a NUL byte; not a text file");
		return -1;
	}
	if (reserved_byte(where, text, len, err) < 0)
		return -1;
	uint64_t hash = request_hash(lens, text, len, ops, nops);
	pthread_mutex_lock(&aug->lock);
	int served = cache_serve(aug, hash, lens, text, len, ops, nops, outcomes, out, out_len);
	pthread_mutex_unlock(&aug->lock);
	if (served)
		return 0;

	int alone = !case_sensitive(lens);
	if (alone)
		pthread_rwlock_wrlock(&aug->regexp_syntax);
	else
		pthread_rwlock_rdlock(&aug->regexp_syntax);
	pthread_mutex_lock(&aug->lock);
	struct parser *p = parser_take(aug);
	/* while this waited, another may have parsed the same */
	served = cache_serve(aug, hash, lens, text, len, ops, nops, outcomes, out, out_len);
	if (served)
		parser_give_back(aug, p);
	else
		aug->parses++;
	pthread_mutex_unlock(&aug->lock);
	if (served) {
		pthread_rwlock_unlock(&aug->regexp_syntax);
		return 0;
	}
	int r = -1;
	if (transform_folding(p, where, lens, text, len, ops, nops, outcomes, out, out_len, err) <
	        0 ||
	    only_managed_lines_go(where, text, len, *out, *out_len, ops, nops, err) < 0) {
		mr_aug_outcomes_fini(outcomes, nops);
		free(*out);
		*out = NULL;
		*out_len = 0;
	} else {
		r = 0;
	}
	pthread_mutex_lock(&aug->lock);
	if (r == 0)
		cache_add(aug, hash, lens, text, len, ops, nops, outcomes, *out, *out_len);
	parser_give_back(aug, p);
	pthread_mutex_unlock(&aug->lock);
	pthread_rwlock_unlock(&aug->regexp_syntax);
	return r;
}
