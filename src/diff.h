/* Unified diffs of two texts, line by line (Myers' algorithm). */
#ifndef MR_DIFF_H
#define MR_DIFF_H

#include <stddef.h>

/* Returns a unified diff of a into b with `context` lines around each change,
 * headed "--- label_a" / "+++ label_b", or NULL when the texts are equal. A
 * last line without newline is marked as diff(1) does. The caller frees it. */
char *mr_diff_unified(const char *a, size_t a_len, const char *b, size_t b_len,
                      const char *label_a, const char *label_b, int context);

enum mr_diff_op { MR_DIFF_EQ, MR_DIFF_DEL, MR_DIFF_INS };

/* One step of an edit script: a line of a kept (EQ) or removed (DEL), or
 * a line of b added (INS). s points into a or b; len counts the newline,
 * if the line has one. */
struct mr_diff_line {
	enum mr_diff_op op;
	const char *s;
	size_t len;
};

/* The edit script of a into b, the one mr_diff_unified shows: every line
 * of both texts once, each text's lines in their order. *n gets its length (0 for empty texts); the array is the caller's
 * (NULL when *n is 0). */
struct mr_diff_line *mr_diff_script(const char *a, size_t a_len, const char *b, size_t b_len,
                                    size_t *n);

#endif
