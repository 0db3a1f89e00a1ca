/* Shared by the fuzz targets: a broken promise is a crash, so that
 * libFuzzer keeps the input that shows it. Header-only: each target is its
 * own binary. */
#ifndef MR_FUZZ_H
#define MR_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void __attribute__((noreturn, format(printf, 1, 2))) mr_fuzz_fail(const char *fmt,
                                                                                 ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz: broken promise: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* Whether a host's file holds a NUL byte: the transport refuses such a
 * file before any merge sees it. */
static inline int mr_fuzz_has_nul(const uint8_t *data, size_t size)
{
	return memchr(data, '\0', size) != NULL;
}

/* The lines of s (len bytes) that start with the byte c; with c < 0,
 * every line (one more than its newlines). */
static inline size_t mr_fuzz_lines(const char *s, size_t len, int c)
{
	size_t n = c < 0;
	for (size_t i = 0; i < len; i++)
		n += c < 0 ? s[i] == '\n' : (i == 0 || s[i - 1] == '\n') && s[i] == c;
	return n;
}

/* A parser's answer: a result and no error, or no result and at least one
 * error, each of which names a place (DESIGN.md: every message that blames
 * input names it) and has a one-line message. */
static inline void mr_fuzz_check_errors(const void *result, const struct mr_error *err,
                                        const char *what)
{
	if (!result == !err)
		mr_fuzz_fail("%s: %s and %s", what, result ? "a result" : "no result",
		             err ? "errors" : "no error");
	for (const struct mr_error *e = err; e; e = e->next) {
		if (!e->where || !*e->where)
			mr_fuzz_fail("%s: an error without a place: %s", what, e->message);
		if (!e->message || !*e->message || strchr(e->message, '\n'))
			mr_fuzz_fail("%s: an empty or multi-line message at %s", what, e->where);
	}
}

static inline int mr_fuzz_rm_one(const char *path, const struct stat *st, int flag,
                                 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static char mr_fuzz_dir[64];

static inline void mr_fuzz_rm_dir(void)
{
	nftw(mr_fuzz_dir, mr_fuzz_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* A private directory for the files a target writes, removed at exit. */
static inline const char *mr_fuzz_tmpdir(void)
{
	if (!*mr_fuzz_dir) {
		snprintf(mr_fuzz_dir, sizeof(mr_fuzz_dir), "/tmp/mr-fuzz-XXXXXX");
		if (!mkdtemp(mr_fuzz_dir))
			mr_fuzz_fail("cannot make a temporary directory");
		atexit(mr_fuzz_rm_dir);
	}
	return mr_fuzz_dir;
}

/* Writes len bytes to path, replacing it. */
static inline void mr_fuzz_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		mr_fuzz_fail("cannot write %s", path);
}

#endif
