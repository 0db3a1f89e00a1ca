/* Small helpers shared by the unit tests. Header-only: each test is its own
 * binary. */
#ifndef MR_TEST_HELPERS_H
#define MR_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aug.h"
#include "profile.h"
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

/* The test data file MR_TEST_DATA/dir/name, whole and NUL-terminated
 * (*len its length when len); the caller frees it. A missing file ends
 * the test. */
static inline char *mr_test_data(const char *dir, const char *name, size_t *len)
{
	char *path = mr_xasprintf("%s/%s/%s", MR_TEST_DATA, dir, name);
	size_t n;
	char *d = mr_file_read(path, &n);
	if (!d)
		fail_msg("cannot read %s", path);
	free(path);
	if (len)
		*len = n;
	return d;
}

/* The profile that text holds, loaded from a temporary file (removed
 * before a failure ends the test). */
static inline struct mr_profile *mr_test_profile(const char *text)
{
	char path[] = "/tmp/mr-profile-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	const char *paths[] = { path };
	struct mr_error *err = NULL;
	struct mr_profile *p = mr_profile_load(paths, 1, &err);
	unlink(path);
	if (!p)
		fail_msg("%s: %s", err->where ? err->where : "", err->message);
	return p;
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

/* A host's files under a fresh root, for tests that run plans on real
 * files with the local transport: one Augeas engine for the binary (the
 * lenses compile once), and per test a root under /tmp and stand-in
 * commands first on PATH that log to log. */
struct mr_test_root {
	struct mr_aug *aug;
	char root[64];
	char log[128];
};

/* Group set-up and tear-down (cmocka): *state is a struct mr_test_root. */
static inline int mr_test_root_setup(void **state)
{
	struct mr_test_root *r = mr_xcalloc(1, sizeof(*r));
	struct mr_error *err = NULL;
	r->aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(r->aug);
	*state = r;
	return 0;
}

static inline int mr_test_root_teardown(void **state)
{
	struct mr_test_root *r = *state;
	mr_aug_free(r->aug);
	free(r);
	return 0;
}

/* A fresh root /tmp/mr-NAME-XXXXXX, its log (ROOT.log) and the directory
 * of stand-ins (ROOT.bin) first on PATH. */
static inline void mr_test_root_new(struct mr_test_root *r, const char *name)
{
	snprintf(r->root, sizeof(r->root), "/tmp/mr-%s-XXXXXX", name);
	assert_non_null(mkdtemp(r->root));
	snprintf(r->log, sizeof(r->log), "%s.log", r->root);
	char *bin = mr_xasprintf("%s.bin", r->root);
	assert_int_equal(mkdir(bin, 0755), 0);
	char *path = mr_xasprintf("%s:%s", bin, getenv("PATH"));
	setenv("PATH", path, 1);
	free(path);
	free(bin);
}

/* A stand-in command NAME that logs "WORDS ARGV..." (WORDS: "" logs the
 * arguments alone), then runs the shell text more (may be ""). */
static inline void mr_test_root_stub(struct mr_test_root *r, const char *name, const char *words,
                                     const char *more)
{
	char *p = mr_xasprintf("%s.bin/%s", r->root, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\necho \"%s%s$*\" >> '%s'\n%s", words, *words ? " " : "", r->log,
	        more);
	fclose(f);
	assert_int_equal(chmod(p, 0755), 0);
	free(p);
}

/* Per-test tear-down (cmocka): the root, its log and stand-ins go. */
static inline int mr_test_root_after(void **state)
{
	struct mr_test_root *r = *state;
	char *cmd = mr_xasprintf("rm -rf '%s' '%s.bin' '%s'", r->root, r->root, r->log);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* root + path; the caller frees it. */
static inline char *mr_test_root_path(const struct mr_test_root *r, const char *path)
{
	return mr_xasprintf("%s%s", r->root, path);
}

/* Writes the host's file path (its directories made). */
static inline void mr_test_root_put(const struct mr_test_root *r, const char *path,
                                    const char *data)
{
	char *p = mr_test_root_path(r, path);
	char *cmd = mr_xasprintf("mkdir -p \"$(dirname '%s')\"", p);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	free(cmd);
	free(p);
}

/* The host's file path, or NULL if absent; the caller's. */
static inline char *mr_test_root_get(const struct mr_test_root *r, const char *path)
{
	char *p = mr_test_root_path(r, path);
	size_t len;
	char *data = mr_file_read(p, &len);
	free(p);
	return data;
}

/* What the stand-ins logged ("" for nothing); the caller's. */
static inline char *mr_test_root_calls(const struct mr_test_root *r)
{
	size_t len;
	char *d = mr_file_read(r->log, &len);
	return d ? d : mr_xstrdup("");
}

#endif
