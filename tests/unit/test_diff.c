/* Unified diffs: exact output for small cases, and for random edits, patch(1)
 * must turn the old text into the new one with our diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diff.h"
#include "util.h"

struct diff_case {
	const char *a, *b, *expect;
};

static const struct diff_case cases[] = {
	{ "x\n", "x\n", NULL },
	{ "a\nb\nc\n", "a\nB\nc\n",
	  "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n" },
	{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n5\nnew\n6\n7\n8\n9\n",
	  "--- a\n+++ b\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n" },
	{ "", "a\n", "--- a\n+++ b\n@@ -0,0 +1 @@\n+a\n" },
	{ "a\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n" },
	{ "a\nb", "a\nb\nc\n",
	  "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n" },
	/* Two changes far apart make two hunks. */
	{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "X\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nY\n",
	  "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+Y\n" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct diff_case *c = &cases[i];
		char *d = mr_diff_unified(c->a, strlen(c->a), c->b, strlen(c->b), "a", "b", 3);
		if (!c->expect) {
			assert_null(d);
			continue;
		}
		assert_non_null(d);
		assert_string_equal(d, c->expect);
		free(d);
	}
}

/* The step l is op, on the line at off in text (a for EQ and DEL, b for
 * INS), len bytes long. */
static void assert_step(const struct mr_diff_line *l, enum mr_diff_op op, const char *text,
                        size_t off, size_t len)
{
	assert_int_equal(l->op, op);
	assert_ptr_equal(l->s, text + off);
	assert_int_equal(l->len, len);
}

static void test_script(void **state)
{
	(void)state;
	static const char a[] = "a\nb\n", b[] = "a\nc\n";
	size_t n = 99;
	struct mr_diff_line *s = mr_diff_script(a, strlen(a), b, strlen(b), &n);
	assert_int_equal(n, 3);
	assert_step(&s[0], MR_DIFF_EQ, a, 0, 2);
	assert_step(&s[1], MR_DIFF_DEL, a, 2, 2);
	assert_step(&s[2], MR_DIFF_INS, b, 2, 2);
	free(s);

	/* a last line that gains its newline is a different line */
	static const char x[] = "x", xn[] = "x\n";
	s = mr_diff_script(x, strlen(x), xn, strlen(xn), &n);
	assert_int_equal(n, 2);
	assert_step(&s[0], MR_DIFF_DEL, x, 0, 1);
	assert_step(&s[1], MR_DIFF_INS, xn, 0, 2);
	free(s);

	n = 99;
	assert_null(mr_diff_script("", 0, "", 0, &n));
	assert_int_equal(n, 0);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}


/* A text of n lines from a small alphabet, so that lines repeat. */
static void random_text(struct mr_buf *b, unsigned *seed, int n)
{
	for (int i = 0; i < n; i++)
		mr_buf_printf(b, "line %d\n", rand_r(seed) % 8);
}

static void test_patch_roundtrip(void **state)
{
	(void)state;
	char dir[] = "/tmp/mr-diff-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *pa = mr_xasprintf("%s/a", dir), *pd = mr_xasprintf("%s/d", dir);
	unsigned seed = 42;
	for (int round = 0; round < 60; round++) {
		struct mr_buf a, b;
		mr_buf_init(&a);
		mr_buf_init(&b);
		random_text(&a, &seed, rand_r(&seed) % 40);
		random_text(&b, &seed, rand_r(&seed) % 40);
		/* Half the rounds: b is a with a few local edits. */
		if (round % 2) {
			mr_buf_fini(&b);
			mr_buf_init(&b);
			mr_buf_add(&b, a.data, a.len);
			mr_buf_puts(&b, "tail\n");
			if (b.len > 10)
				b.data[b.len / 2] = 'X';
		}
		char *d = mr_diff_unified(a.data, a.len, b.data, b.len, "a", "b", round % 4);
		if (a.len == b.len && memcmp(a.data, b.data, a.len) == 0) {
			assert_null(d);
		} else {
			assert_non_null(d);
			write_file(pa, a.data, a.len);
			write_file(pd, d, strlen(d));
			char *cmd = mr_xasprintf("patch -s -u %s < %s", pa, pd);
			assert_int_equal(system(cmd), 0);
			free(cmd);
			size_t len;
			char *patched = mr_file_read(pa, &len);
			assert_int_equal(len, b.len);
			assert_memory_equal(patched, b.data, len);
			free(patched);
		}
		free(d);
		mr_buf_fini(&a);
		mr_buf_fini(&b);
	}
	unlink(pa);
	unlink(pd);
	char *orig = mr_xasprintf("%s/a.orig", dir);
	unlink(orig);
	free(orig);
	rmdir(dir);
	free(pa);
	free(pd);
}

static void test_large_file_small_change(void **state)
{
	(void)state;
	struct mr_buf a, b;
	mr_buf_init(&a);
	mr_buf_init(&b);
	for (int i = 0; i < 10000; i++) {
		mr_buf_printf(&a, "#option_%d = <None>\n", i);
		mr_buf_printf(&b, "#option_%d = <None>\n", i);
		if (i == 5000)
			mr_buf_puts(&b, "option_5000 = 1\n");
	}
	char *d = mr_diff_unified(a.data, a.len, b.data, b.len, "a", "b", 3);
	assert_non_null(d);
	assert_non_null(strstr(d, "@@ -4999,6 +4999,7 @@\n"));
	assert_non_null(strstr(d, "+option_5000 = 1\n"));
	free(d);
	mr_buf_fini(&a);
	mr_buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_patch_roundtrip),
		cmocka_unit_test(test_large_file_small_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
