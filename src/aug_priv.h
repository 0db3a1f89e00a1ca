/* Internals of the Augeas engine for its unit tests. */
#ifndef MR_AUG_PRIV_H
#define MR_AUG_PRIV_H

struct mr_aug;

/* How long every handle must have been busy with one parse before another
 * handle is opened (default SLOW_PARSE_MS of aug.c). Call before any
 * transform. */
void mr_aug_set_slow_parse_ms(struct mr_aug *aug, unsigned ms);

#endif
