#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "util.h"

/* A token line is "#" MARK "N@": printable, because lenses refuse control
 * bytes in comments, and never folded from a file that holds MARK. */
#define MARK "@migready-fold-"

struct run {
	size_t start; /* offset of the run's first byte in the original */
	size_t len;   /* its bytes, without the newline ending its last line */
};

struct mr_fold {
	const char *orig;
	struct run *runs;
	size_t n_runs;
	char *text;
	size_t len;
};

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t') /* not '\r': the lenses reject it */
			return 0;
	return 1;
}

static int foldable(const char *s, size_t n, const char *comment_chars,
                    const char *const *keep, size_t n_keep)
{
	if (blank_line(s, n))
		return 1;
	if (!strchr(comment_chars, s[0]))
		return 0;
	for (size_t i = 0; i < n_keep; i++)
		if (memmem(s, n, keep[i], strlen(keep[i])))
			return 0;
	return 1;
}

static void add_token(struct mr_buf *b, size_t i)
{
	mr_buf_printf(b, "#" MARK "%zu@", i);
}

struct mr_fold *mr_fold_new(const char *text, size_t len, const char *comment_chars,
                            const char *const *keep, size_t n_keep)
{
	if (memmem(text, len, MARK, strlen(MARK)))
		return NULL;
	struct mr_fold *f = mr_xcalloc(1, sizeof(*f));
	struct mr_buf out;
	size_t cap = 0;
	mr_buf_init(&out);
	f->orig = text;
	size_t i = 0;
	while (i < len) {
		/* A run: consecutive foldable lines from i. */
		size_t j = i, lines = 0, end = i;
		while (j < len) {
			const char *nl = memchr(text + j, '\n', len - j);
			size_t n = nl ? (size_t)(nl - (text + j)) : len - j;
			if (!foldable(text + j, n, comment_chars, keep, n_keep))
				break;
			lines++;
			end = j + n;
			j = nl ? j + n + 1 : len;
		}
		if (lines >= 2) {
			if (f->n_runs == cap) {
				cap = cap ? cap * 2 : 64;
				f->runs = mr_xreallocarray(f->runs, cap, sizeof(*f->runs));
			}
			f->runs[f->n_runs] = (struct run){ i, end - i };
			add_token(&out, f->n_runs++);
			/* The newline ending the run stays in the text. */
			i = end;
			if (i < len) {
				mr_buf_putc(&out, '\n');
				i++;
			}
			continue;
		}
		/* Copy one line as it is. */
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
		mr_buf_add(&out, text + i, n);
		i += n;
	}
	if (f->n_runs == 0) {
		mr_buf_fini(&out);
		mr_fold_free(f);
		return NULL;
	}
	f->text = mr_buf_steal(&out, &f->len);
	return f;
}

const char *mr_fold_text(const struct mr_fold *f, size_t *len)
{
	if (len)
		*len = f->len;
	return f->text;
}

size_t mr_fold_runs(const struct mr_fold *f)
{
	return f->n_runs;
}

char *mr_fold_restore(const struct mr_fold *f, const char *out_text, size_t out_len,
                      size_t *len)
{
	struct mr_buf b;
	unsigned char *seen = mr_xcalloc(f->n_runs, 1);
	char *r = NULL;
	mr_buf_init(&b);
	size_t i = 0;
	while (i < out_len) {
		const char *t = memmem(out_text + i, out_len - i, "#" MARK, strlen("#" MARK));
		if (!t) {
			mr_buf_add(&b, out_text + i, out_len - i);
			break;
		}
		size_t at = (size_t)(t - out_text);
		const char *digits = t + strlen("#" MARK);
		char *digits_end = NULL;
		unsigned long k = strtoul(digits, &digits_end, 10);
		if (digits_end == digits || (size_t)(digits_end - out_text) >= out_len ||
		    *digits_end != '@' || k >= f->n_runs || seen[k])
			goto out;
		seen[k] = 1;
		mr_buf_add(&b, out_text + i, at - i);
		mr_buf_add(&b, f->orig + f->runs[k].start, f->runs[k].len);
		i = (size_t)(digits_end - out_text) + 1;
	}
	for (size_t k = 0; k < f->n_runs; k++)
		if (!seen[k])
			goto out;
	r = mr_buf_steal(&b, len);
out:
	mr_buf_fini(&b);
	free(seen);
	return r;
}

void mr_fold_free(struct mr_fold *f)
{
	if (!f)
		return;
	free(f->runs);
	free(f->text);
	free(f);
}
