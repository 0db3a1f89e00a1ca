/* Unified diffs of two texts, line by line (Myers' algorithm). */
#ifndef MR_DIFF_H
#define MR_DIFF_H

#include <stddef.h>

/* Returns a unified diff of a into b with `context` lines around each change,
 * headed "--- label_a" / "+++ label_b", or NULL when the texts are equal. A
 * last line without newline is marked as diff(1) does. The caller frees it. */
char *mr_diff_unified(const char *a, size_t a_len, const char *b, size_t b_len,
                      const char *label_a, const char *label_b, int context);

#endif
