/* INI reading on top of libinih; see ini_lines.h for the syntax and the
 * placeholder scheme. */
#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini_lines.h"

/* Stands for "the full text of this field, which the reader kept". The
 * reader refuses every line holding a control character, so no real field
 * can contain it. */
#define PLACEHOLDER "\x01"

/* Fields longer than these (or holding other characters than the safe ones
 * below) travel as the placeholder; the longest canonical line stays far
 * under inih's 200 bytes and its 50-byte section buffer. */
#define SAFE_SECTION_MAX 40
#define SAFE_KEY_MAX 40
#define SAFE_VALUE_MAX 100

#define MAX_FILE_SIZE (4u << 20)

struct parse {
	const char *file;
	struct mr_ini_cursor cur;
	mr_ini_handler handler;
	void *user;
	struct mr_error **err;
	size_t n_err;
	char *section;    /* the current full section name */
	int bad_section;  /* the last header was broken: skip its keys */
	char *key;        /* the fields of the key line handed to inih */
	char *value;
	int pending;      /* inih has that line and has not called us back yet */
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void mr_ini_cursor_init(struct mr_ini_cursor *c, const char *text, size_t len)
{
	c->p = text;
	c->end = text + len;
	c->line = 0;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
}

int mr_ini_cursor_next(struct mr_ini_cursor *c, const char **line, size_t *n)
{
	if (c->p >= c->end)
		return 0;
	const char *start = c->p;
	const char *nl = memchr(start, '\n', (size_t)(c->end - start));
	const char *stop = nl ? nl : c->end;
	c->p = nl ? nl + 1 : c->end;
	if (stop > start && stop[-1] == '\r')
		stop--;
	*line = start;
	*n = (size_t)(stop - start);
	c->line++;
	return 1;
}

int mr_ini_control_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return c;
	}
	return -1;
}

int mr_ini_read_file(const char *path, const struct mr_loc *from, char **text, size_t *len,
                     struct mr_error **err)
{
	int r = -1;
	FILE *fp = NULL;
	struct mr_buf b = { 0 };
	const char *why = NULL;
	char chunk[8192];

	*text = NULL;
	*len = 0;
	/* A pipe is read like a file, to its end; only "-" needs a name. */
	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		why = strerror(errno);
		goto out;
	}
	mr_buf_init(&b);
	for (;;) {
		size_t got = fread(chunk, 1, sizeof(chunk), fp);
		mr_buf_add(&b, chunk, got);
		if (b.len > MAX_FILE_SIZE) {
			why = "file too large";
			goto out;
		}
		if (got < sizeof(chunk)) {
			if (ferror(fp)) {
				why = strerror(errno);
				goto out;
			}
			break;
		}
	}
	*text = mr_buf_steal(&b, len);
	r = 0;
out:
	if (why) {
		if (from)
			mr_error_at(err, MR_ERR_INPUT, from, "cannot open '%s': %s", path, why);
		else
			mr_error_add(err, MR_ERR_INPUT, path, "cannot open: %s", why);
	}
	if (fp && fp != stdin)
		fclose(fp);
	mr_buf_fini(&b);
	return r;
}

static void syntax_error(struct parse *st, const char *fmt, ...) MR_PRINTF(2, 3);
static void syntax_error(struct parse *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = mr_xvasprintf(fmt, ap);
	va_end(ap);
	struct mr_loc loc = { st->file, st->cur.line };
	mr_error_at(st->err, MR_ERR_INPUT, &loc, "%s", msg);
	free(msg);
	st->n_err++;
}

/* Where an inline comment starts in s[0..n): a ';' after a blank, outside
 * double quotes; n if there is none. */
static size_t comment_start(const char *s, size_t n)
{
	int quoted = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ';' && !quoted && i > 0 && is_blank(s[i - 1]))
			return i;
	}
	return n;
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Copies s[0..n) with every run of blanks made one space. */
static char *collapse(const char *s, size_t n)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (is_blank(s[i])) {
			if (b.len && b.data[b.len - 1] != ' ')
				mr_buf_putc(&b, ' ');
		} else {
			mr_buf_putc(&b, s[i]);
		}
	}
	return mr_buf_steal(&b, NULL);
}

/* A field inih may see verbatim: short, and made only of characters that
 * no setting of inih (comment prefixes, separators, brackets) treats
 * specially. */
static int safe(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n > max)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("_-.", c) || (c && strchr(extra, c))))
			return 0;
	}
	return 1;
}

static char *emit(char *str, int num, const char *a, const char *b, const char *c)
{
	int w = snprintf(str, (size_t)num, "%s%s%s\n", a, b, c);
	if (w < 0 || w >= num) {
		/* Not even the placeholder line fits: hand inih a blank line. */
		if (num >= 2)
			strcpy(str, "\n");
		else if (num == 1)
			str[0] = '\0';
	}
	return str;
}

static void on_header(struct parse *st, const char *s, size_t n)
{
	n = comment_start(s, n);
	trim(&s, &n);
	if (s[n - 1] != ']') {
		char *text = mr_xstrndup(s, n);
		char *q = mr_ini_quote(text);
		syntax_error(st, "expected '[section]', got %s", q);
		free(q);
		free(text);
		st->bad_section = 1;
		return;
	}
	const char *in = s + 1;
	size_t in_n = n - 2;
	trim(&in, &in_n);
	if (in_n == 0) {
		syntax_error(st, "empty section name '[]'");
		st->bad_section = 1;
		return;
	}
	free(st->section);
	st->section = collapse(in, in_n);
	st->bad_section = 0;
	struct mr_ini_entry e = { { st->file, st->cur.line }, st->section, NULL, NULL };
	st->handler(st->user, &e);
}

static char *reader(char *str, int num, void *stream)
{
	struct parse *st = stream;
	const char *s;
	size_t n;

	if (st->pending) {
		struct mr_loc loc = { st->file, st->cur.line };
		mr_error_at(st->err, MR_ERR_SYSTEM, &loc, "libinih skipped this line");
		st->n_err++;
		st->pending = 0;
	}
	if (num < 2 || !mr_ini_cursor_next(&st->cur, &s, &n))
		return NULL;

	int ctl = mr_ini_control_char(s, n);
	if (ctl >= 0) {
		syntax_error(st, "control character 0x%02x in line", (unsigned)ctl);
		return emit(str, num, "", "", "");
	}
	trim(&s, &n);
	if (n == 0 || *s == ';' || *s == '#')
		return emit(str, num, "", "", "");
	if (*s == '[') {
		on_header(st, s, n);
		if (st->bad_section)
			return emit(str, num, "", "", "");
		return emit(str, num, "[", safe(st->section, SAFE_SECTION_MAX, "/ ") ?
		                                   st->section : PLACEHOLDER, "]");
	}

	const char *eq = memchr(s, '=', comment_start(s, n));
	if (!eq) {
		char *text = mr_xstrndup(s, n);
		char *q = mr_ini_quote(text);
		syntax_error(st, "expected 'key = value', got %s", q);
		free(q);
		free(text);
		return emit(str, num, "", "", "");
	}
	const char *k = s;
	size_t kn = (size_t)(eq - s);
	trim(&k, &kn);
	const char *v = eq + 1;
	size_t vn = (size_t)(s + n - v);
	/* The comment test needs the character before the value: pass the
	 * line from '=' on. */
	vn = comment_start(eq, vn + 1) - 1;
	trim(&v, &vn);
	if (kn == 0) {
		syntax_error(st, "missing key before '='");
		return emit(str, num, "", "", "");
	}
	if (st->bad_section)
		return emit(str, num, "", "", "");

	free(st->key);
	free(st->value);
	st->key = mr_xstrndup(k, kn);
	st->value = mr_xstrndup(v, vn);
	st->pending = 1;
	return emit(str, num, safe(st->key, SAFE_KEY_MAX, "") ? st->key : PLACEHOLDER,
	            "=", safe(st->value, SAFE_VALUE_MAX, " /,:@+=%~()*") ? st->value : PLACEHOLDER);
}

static int same(const char *got, const char *want)
{
	return strcmp(got, PLACEHOLDER) == 0 || strcmp(got, want) == 0;
}

static int on_inih(void *user, const char *section, const char *name, const char *value)
{
	struct parse *st = user;
	struct mr_loc loc = { st->file, st->cur.line };

	if (!st->pending || !same(section, st->section) || !same(name, st->key) ||
	    !value || !same(value, st->value)) {
		mr_error_at(st->err, MR_ERR_SYSTEM, &loc, "libinih read this line differently");
		st->n_err++;
		st->pending = 0;
		return 1;
	}
	st->pending = 0;
	struct mr_ini_entry e = { loc, st->section, st->key, st->value };
	st->handler(st->user, &e);
	return 1;
}

size_t mr_ini_parse(const char *file, const char *text, size_t len, mr_ini_handler handler,
                    void *user, struct mr_error **err)
{
	struct parse st = {
		.file = file,
		.handler = handler,
		.user = user,
		.err = err,
		.section = mr_xstrdup(""),
	};
	mr_ini_cursor_init(&st.cur, text, len);
	int rc = ini_parse_stream(reader, &st, on_inih, &st);
	if (st.pending) {
		mr_error_at(err, MR_ERR_SYSTEM, &(struct mr_loc){ file, st.cur.line },
		            "libinih skipped this line");
		st.n_err++;
	}
	if (rc > 0) {
		/* Every line handed over is well-formed, so this is inih and
		 * us disagreeing about a line. */
		mr_error_at(err, MR_ERR_SYSTEM, &(struct mr_loc){ file, (unsigned)rc },
		            "libinih refused this line");
		st.n_err++;
	} else if (rc < 0) {
		mr_error_add(err, MR_ERR_SYSTEM, file, "libinih failed (%d)", rc);
		st.n_err++;
	}
	free(st.section);
	free(st.key);
	free(st.value);
	return st.n_err;
}

static char *home_of(const char *user, size_t n)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (n == 0) {
		const char *h = getenv("HOME");
		if (h && *h)
			return mr_xstrdup(h);
		if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) != 0 || !res)
			return NULL;
		return mr_xstrdup(res->pw_dir);
	}
	char *name = mr_xstrndup(user, n);
	int rc = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	free(name);
	if (rc != 0 || !res)
		return NULL;
	return mr_xstrdup(res->pw_dir);
}

/* Drops "." components and doubled or trailing slashes; keeps "..", which
 * symbolic links make impossible to resolve by text alone. */
static char *clean(const char *path)
{
	struct mr_buf b;
	mr_buf_init(&b);
	int absolute = path[0] == '/';
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && !(n == 1 && p[0] == '.')) {
			if (b.len || absolute)
				mr_buf_putc(&b, '/');
			mr_buf_add(&b, p, n);
		}
		p += n;
	}
	if (!b.len)
		mr_buf_puts(&b, absolute ? "/" : ".");
	return mr_buf_steal(&b, NULL);
}

int mr_ini_is_stream(const char *file)
{
	struct stat sb;
	if (strcmp(file, "-") == 0 || strcmp(file, MR_INI_STDIN) == 0)
		return 1;
	return stat(file, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
}

char *mr_ini_path_resolve(const char *file, const char *path)
{
	char *full = NULL;
	if (path[0] == '~') {
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path - 1) : strlen(path + 1);
		char *home = home_of(path + 1, n);
		if (!home)
			return NULL;
		full = mr_xasprintf("%s/%s", home, slash ? slash + 1 : "");
		free(home);
	} else if (path[0] == '/') {
		full = mr_xstrdup(path);
	} else {
		const char *slash = file && !mr_ini_is_stream(file) ? strrchr(file, '/') : NULL;
		char *dir = slash ? mr_xstrndup(file, (size_t)(slash - file) + 1) : mr_xstrdup("");
		if (dir[0] != '/') {
			char *cwd = getcwd(NULL, 0);
			char *abs = mr_xasprintf("%s/%s", cwd ? cwd : ".", dir);
			free(cwd);
			free(dir);
			dir = abs;
		}
		full = mr_xasprintf("%s/%s", dir, path);
		free(dir);
	}
	char *r = clean(full);
	free(full);
	return r;
}

char *mr_ini_quote(const char *value)
{
	/* YAML and JSON strings can hold any byte: a message stays one line.
	 * A long value is cut between characters. */
	struct mr_buf b;
	size_t n = strlen(value), shown = n;
	if (n > 60) {
		shown = 0;
		for (size_t k; shown < n; shown += k) {
			k = mr_utf8_seq(value + shown, n - shown);
			k = k ? k : 1;
			if (shown + k > 57)
				break;
		}
	}
	mr_buf_init(&b);
	mr_buf_putc(&b, '\'');
	mr_buf_put_shown(&b, value, shown);
	mr_buf_puts(&b, shown < n ? "...'" : "'");
	return mr_buf_steal(&b, NULL);
}
