/* Folding comment prose away and back: exact round trips, kept lines,
 * refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fold.h"

struct fold_case {
	const char *name;
	const char *text;
	const char *folded; /* NULL: nothing to fold */
};

#define T "#@migready-fold-"
#define E "@"

static const struct fold_case cases[] = {
	{ "one comment line is not worth a token", "# a\nx = 1\n", NULL },
	{ "a run of comments and blanks", "# a\n\n# b\nx = 1\n", T "0" E "\nx = 1\n" },
	{ "runs at both ends, no final newline", "# a\n# b\nx = 1\n#c\n\n#d",
	  T "0" E "\nx = 1\n" T "1" E },
	{ "a commented default that an edit needs stays", "# a\n# b\n#listen_tcp = 1\n# c\n# d\n",
	  T "0" E "\n#listen_tcp = 1\n" T "1" E "\n" },
	{ "indented comments are not folded", "  # a\n  # b\nx = 1\n", NULL },
	{ "';' is not a comment here", "; a\n; b\n", NULL },
	{ "blank lines with spaces and tabs", "x = 1\n  \n\t\ny = 2\n", "x = 1\n" T "0" E "\ny = 2\n" },
	/* The lenses reject a lone CR: folding must not hide it from them. */
	{ "a CR line is not blank", "x = 1\n\r\n\r\ny = 2\n", NULL },
};

static void test_cases(void **state)
{
	(void)state;
	const char *keep[] = { "listen_tcp" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fold_case *c = &cases[i];
		print_message("case: %s\n", c->name);
		struct mr_fold *f = mr_fold_new(c->text, strlen(c->text), "#", keep, 1);
		if (!c->folded) {
			assert_null(f);
			continue;
		}
		assert_non_null(f);
		size_t len;
		const char *folded = mr_fold_text(f, &len);
		assert_string_equal(folded, c->folded);
		/* Unchanged, it comes back byte for byte. */
		char *back = mr_fold_restore(f, folded, len, &len);
		assert_non_null(back);
		assert_int_equal(len, strlen(c->text));
		assert_memory_equal(back, c->text, len);
		free(back);
		mr_fold_free(f);
	}
}

static void test_edits_around_tokens(void **state)
{
	(void)state;
	const char *text = "# a\n# b\n#listen_tcp = 1\n# c\n# d";
	const char *keep[] = { "listen_tcp" };
	struct mr_fold *f = mr_fold_new(text, strlen(text), "#", keep, 1);
	assert_non_null(f);
	/* What the lens writes after inserting below the default and at the
	 * end of a file without a final newline. */
	const char *edited = T "0" E "\n#listen_tcp = 1\nlisten_tcp = 1\n" T "1" E "\nauth_tcp = \"none\"";
	size_t len;
	char *back = mr_fold_restore(f, edited, strlen(edited), &len);
	assert_string_equal(back, "# a\n# b\n#listen_tcp = 1\nlisten_tcp = 1\n# c\n# d\nauth_tcp = \"none\"");
	free(back);
	/* A token lost or repeated: refused. */
	const char *lost = T "0" E "\n#listen_tcp = 1\n";
	assert_null(mr_fold_restore(f, lost, strlen(lost), &len));
	const char *twice = T "0" E "\n" T "0" E "\n" T "1" E;
	assert_null(mr_fold_restore(f, twice, strlen(twice), &len));
	mr_fold_free(f);
}

static void test_marker_in_text_refuses(void **state)
{
	(void)state;
	const char *text = "# a @migready-fold-\n# b\nx = 1\n";
	assert_null(mr_fold_new(text, strlen(text), "#", NULL, 0));
}

static void test_oslo_semicolons(void **state)
{
	(void)state;
	const char *text = "[DEFAULT]\n; a\n# b\n;c\nx = 1\n";
	struct mr_fold *f = mr_fold_new(text, strlen(text), "#;", NULL, 0);
	assert_non_null(f);
	assert_string_equal(mr_fold_text(f, NULL), "[DEFAULT]\n" T "0" E "\nx = 1\n");
	assert_int_equal(mr_fold_runs(f), 1);
	mr_fold_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_edits_around_tokens),
		cmocka_unit_test(test_marker_in_text_refuses),
		cmocka_unit_test(test_oslo_semicolons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
