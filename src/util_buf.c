#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void mr_buf_init(struct mr_buf *b)
{
	b->cap = 64;
	b->len = 0;
	b->data = mr_xmalloc(b->cap);
	b->data[0] = '\0';
}

void mr_buf_fini(struct mr_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static void reserve(struct mr_buf *b, size_t extra)
{
	if (!b->data)
		mr_buf_init(b);
	if (b->len + extra + 1 <= b->cap)
		return;
	while (b->len + extra + 1 > b->cap)
		b->cap *= 2;
	b->data = mr_xreallocarray(b->data, b->cap, 1);
}

void mr_buf_add(struct mr_buf *b, const void *data, size_t len)
{
	reserve(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void mr_buf_puts(struct mr_buf *b, const char *s)
{
	mr_buf_add(b, s, strlen(s));
}

void mr_buf_putc(struct mr_buf *b, char c)
{
	mr_buf_add(b, &c, 1);
}

void mr_buf_printf(struct mr_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = mr_xvasprintf(fmt, ap);
	va_end(ap);
	mr_buf_puts(b, s);
	free(s);
}

char *mr_buf_steal(struct mr_buf *b, size_t *len)
{
	if (!b->data)
		mr_buf_init(b);
	char *s = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}
