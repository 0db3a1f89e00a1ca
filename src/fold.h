/* Folding: the comment prose of a configuration file, set aside while a
 * lens parses the rest. Augeas matches every byte of a file several times
 * with sub-match registers; Debian's nova.conf is 350 KB, nearly all of it
 * comments that no operation looks at. Each run of such lines becomes one
 * token comment line, and comes back byte for byte afterwards. */
#ifndef MR_FOLD_H
#define MR_FOLD_H

#include <stddef.h>

struct mr_fold;

/* Folds text (len bytes): every run of two or more lines that are blank or
 * start with one of comment_chars, except comment lines that contain one of
 * the keep words (the commented defaults an operation places entries
 * below). Returns NULL when there is nothing worth folding, or when the
 * text already holds the tokens' marker. */
struct mr_fold *mr_fold_new(const char *text, size_t len, const char *comment_chars,
                            const char *const *keep, size_t n_keep);

/* The folded text, NUL-terminated; borrowed. */
const char *mr_fold_text(const struct mr_fold *f, size_t *len);

/* Puts the folded runs back into out_text (the folded text after edits).
 * Returns the caller's string, or NULL if a token is missing or repeated
 * (the edit touched a folded run: fold nothing and try again). */
char *mr_fold_restore(const struct mr_fold *f, const char *out_text, size_t out_len,
                      size_t *len);

/* Folded runs, for figures. */
size_t mr_fold_runs(const struct mr_fold *f);

/* Accepts NULL. */
void mr_fold_free(struct mr_fold *f);

#endif
