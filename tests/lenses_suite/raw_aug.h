/* What the raw-Augeas tools (roundtrip, bench/lens_parse) share: they use
 * libaugeas directly, below migready's engine, to measure and test the
 * lenses alone. */
#ifndef MR_RAW_AUG_H
#define MR_RAW_AUG_H

#include <stdio.h>

#include <augeas.h>

/* The -I directories joined with ':' as aug_init wants them; the caller's. */
char *raw_aug_loadpath(char **dirs, int ndirs);

/* Prints prefix, file, what failed, and Augeas' reason: the parse error of
 * the tree at /tree with its line and character, or the library's error. */
void raw_aug_print_error(FILE *out, const char *prefix, augeas *aug, const char *file,
                         const char *what);

#endif
