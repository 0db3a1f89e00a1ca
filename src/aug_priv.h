/* Internals of the Augeas engine for its unit tests. */
#ifndef MR_AUG_PRIV_H
#define MR_AUG_PRIV_H

#include <stddef.h>

#include "aug.h"

struct mr_aug;

/* How long every handle must have been busy with one parse before another
 * handle is opened (default SLOW_PARSE_MS of aug.c). Call before any
 * transform. */
void mr_aug_set_slow_parse_ms(struct mr_aug *aug, unsigned ms);

/* The byte-level guard every result passes (aug.c): 0 if each run of lines
 * after removes or rewrites holds a key one of ops manages, else -1 with an
 * MR_ERR_PARSE error naming where and the first such line. */
int mr_aug_only_managed_lines_go(const char *where, const char *before, size_t before_len,
                                 const char *after, size_t after_len,
                                 const struct mr_aug_op *ops, size_t nops,
                                 struct mr_error **err);

#endif
