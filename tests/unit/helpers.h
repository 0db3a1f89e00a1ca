/* Small helpers shared by the unit tests. Header-only: each test is its own
 * binary. */
#ifndef MR_TEST_HELPERS_H
#define MR_TEST_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* want with every "{D}" replaced by dir; the caller frees it. */
static inline char *mr_test_subst(const char *want, const char *dir)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (const char *p = want; *p;) {
		if (strncmp(p, "{D}", 3) == 0) {
			mr_buf_puts(&b, dir);
			p += 3;
		} else {
			mr_buf_putc(&b, *p++);
		}
	}
	return mr_buf_steal(&b, NULL);
}

/* Every error of the list, one formatted line each; the caller frees it. */
static inline char *mr_test_all_errors(const struct mr_error *err)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (; err; err = err->next) {
		char *s = mr_error_format(err);
		mr_buf_printf(&b, "%s\n", s);
		free(s);
	}
	return mr_buf_steal(&b, NULL);
}

#endif
