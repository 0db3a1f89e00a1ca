/* A program's options as getopt_long(3) reads them from its argv, so that
 * a flag is found (or removed) in every spelling the program accepts:
 * --listen, -l, a cluster -dl, an unambiguous prefix --lis. */
#ifndef MR_OPTSCAN_H
#define MR_OPTSCAN_H

#include <stddef.h>

struct mr_optscan_long {
	const char *name; /* without its dashes */
	int has_arg;      /* 1: required argument (in the next word or after '=') */
	char letter;      /* its short option, 0 for none */
};

struct mr_optscan_spec {
	const char *shortopts; /* getopt(3)'s optstring, without a leading '+', '-' or ':' */
	const struct mr_optscan_long *longopts;
	size_t n_longopts;
};

/* One pass over argv's words, in order (GNU getopt permutes: options may
 * follow other words, until "--"). */
struct mr_optscan {
	const struct mr_optscan_spec *spec;
	int arg_next; /* the next word is an option's argument */
	int arg_mine; /* ... of the option mr_optscan_arg looks for */
	int ended;    /* "--" was seen */
};

/* Whether word (len bytes, the next of argv) gives the long option named
 * flag, a flag without argument. keep (len + 1 bytes) gets the word
 * without it and *keep_len its length: 0 when nothing of the word is left,
 * the word itself when it does not give the flag. */
int mr_optscan_word(struct mr_optscan *s, const char *flag, const char *word, size_t len,
                    char *keep, size_t *keep_len);

/* Whether word (len bytes, the next of argv) gives the long option named
 * name, one that takes an argument: 1, with *arg and *arg_len its
 * argument, when the word holds it (--config=F, -fF, a cluster -dfF) or is
 * it (the word before named the option alone); else 0. Use one scan for
 * either this or mr_optscan_word. */
int mr_optscan_arg(struct mr_optscan *s, const char *name, const char *word, size_t len,
                   const char **arg, size_t *arg_len);

/* What getopt_long makes of word (len bytes, the next of argv): options
 * it knows or an option's argument (OK), a non-option word the program
 * then refuses (OPERAND: "--" itself is none), or an option it does not
 * know: unknown, an ambiguous prefix, an argument given with '=' to a long
 * option that takes none (UNKNOWN). After the last word, s->arg_next
 * says an option still wants its argument. */
enum mr_optscan_verdict { MR_OPTSCAN_OK, MR_OPTSCAN_OPERAND, MR_OPTSCAN_UNKNOWN };
enum mr_optscan_verdict mr_optscan_check(struct mr_optscan *s, const char *word, size_t len);

#endif
