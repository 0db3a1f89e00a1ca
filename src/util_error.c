#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void append(struct mr_error **err, struct mr_error *e)
{
	if (!err) {
		mr_error_free(e);
		return;
	}
	while (*err)
		err = &(*err)->next;
	*err = e;
}

/* printf-like, so that clang checks the callers' formats (-Wformat=2). */
static struct mr_error *error_new(enum mr_error_kind kind, char *where, const char *fmt,
                                  va_list ap) MR_PRINTF(3, 0);

/* Messages quote values from profiles, inventories (YAML and JSON strings
 * hold any byte) and hosts: one line, never raw to a terminal. */
static char *one_line(char *s)
{
	size_t n = strlen(s);
	if (mr_str_shown_as_is(s, n))
		return s;
	struct mr_buf b;
	mr_buf_init(&b);
	mr_buf_put_shown(&b, s, n);
	free(s);
	return mr_buf_steal(&b, NULL);
}

static struct mr_error *error_new(enum mr_error_kind kind, char *where, const char *fmt, va_list ap)
{
	struct mr_error *e = mr_xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->where = where ? one_line(where) : NULL;
	e->message = one_line(mr_xvasprintf(fmt, ap));
	return e;
}

void mr_error_add(struct mr_error **err, enum mr_error_kind kind, const char *where,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	append(err, error_new(kind, where ? mr_xstrdup(where) : NULL, fmt, ap));
	va_end(ap);
}

void mr_error_at(struct mr_error **err, enum mr_error_kind kind, const struct mr_loc *loc,
                 const char *fmt, ...)
{
	char *where = NULL;
	if (loc && loc->file)
		where = loc->line ? mr_xasprintf("%s:%u", loc->file, loc->line) : mr_xstrdup(loc->file);
	va_list ap;
	va_start(ap, fmt);
	append(err, error_new(kind, where, fmt, ap));
	va_end(ap);
}

void mr_error_free(struct mr_error *err)
{
	while (err) {
		struct mr_error *next = err->next;
		free(err->where);
		free(err->message);
		free(err);
		err = next;
	}
}

char *mr_error_format(const struct mr_error *err)
{
	if (err->where)
		return mr_xasprintf("%s: %s", err->where, err->message);
	return mr_xstrdup(err->message);
}

void mr_error_move(struct mr_error **dst, struct mr_error **src)
{
	if (!*src)
		return;
	append(dst, *src);
	*src = NULL;
}

size_t mr_error_count(const struct mr_error *err)
{
	size_t n = 0;
	for (; err; err = err->next)
		n++;
	return n;
}
