/* The one home of quoting (the SSH transport's): every word reaches a
 * POSIX shell byte for byte, whatever it holds. Judged by /bin/sh itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "transport.h"
#include "util.h"

static const char *const words[] = {
	"plain", "", " ", "it's", "''", "a \"b\" c", "$HOME", "`id`", "$(id)", "\\", "\\'",
	"; rm -rf /", "|&<>", "*", "~root", "#x", "two\nlines", "tab\there", "-n", "--",
	"libvirtd.service", "x' ; touch /tmp/pwned ; '", "\x01\x7f", "é ünïcode",
};

static void test_quote_words(void **state)
{
	(void)state;
	static const struct {
		const char *word, *quoted;
	} cases[] = {
		{ "plain", "'plain'" },
		{ "", "''" },
		{ "it's", "'it'\\''s'" },
		{ "$HOME", "'$HOME'" },
		{ "a b", "'a b'" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct mr_buf b;
		mr_buf_init(&b);
		mr_sh_quote(&b, cases[i].word);
		assert_string_equal(b.data, cases[i].quoted);
		mr_buf_fini(&b);
	}
}

/* printf '%s\0' WORDS... through sh -c: what comes back is what went in. */
static void test_round_trip_through_sh(void **state)
{
	(void)state;
	size_t n = MR_ARRAY_LEN(words);
	const char **argv = mr_xcalloc(n + 3, sizeof(*argv));
	argv[0] = "printf";
	argv[1] = "%s\\0";
	for (size_t i = 0; i < n; i++)
		argv[i + 2] = words[i];
	char *line = mr_sh_join(argv);
	FILE *p = NULL;
	/* the joined line is what sshd hands to the login shell */
	char tmpl[] = "/tmp/mr-quote-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(line, f);
	fclose(f);
	char *run = mr_xasprintf("/bin/sh '%s'", tmpl);
	p = popen(run, "r");
	assert_non_null(p);
	char buf[4096];
	size_t got = fread(buf, 1, sizeof(buf), p);
	pclose(p);
	unlink(tmpl);
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(off < got);
		assert_string_equal(buf + off, words[i]);
		off += strlen(words[i]) + 1;
	}
	assert_int_equal(off, got);
	free(run);
	free(line);
	free(argv);
}

/* A command as a report shows it: a word a shell would split or expand
 * quoted, so that it can be pasted; what a shell then gives printf is
 * every word as it was. */
static void test_display_pastes(void **state)
{
	(void)state;
	static const char *const argv[] = { "printf", "%s\\0", "--zone=public",
		                            "--add-rich-rule=rule family=\"ipv4\" accept",
		                            "a b", "it's", "$HOME", "", "--", NULL };
	char *shown = mr_argv_display(argv);
	assert_string_equal(shown, "printf '%s\\0' --zone=public '--add-rich-rule=rule "
	                           "family=\"ipv4\" accept' 'a b' 'it'\\''s' '$HOME' ''");
	FILE *p = popen(shown, "r");
	assert_non_null(p);
	char buf[512];
	size_t got = fread(buf, 1, sizeof(buf), p);
	pclose(p);
	size_t off = 0;
	for (size_t i = 2; i < 8; i++) {
		assert_true(off < got);
		assert_string_equal(buf + off, argv[i]);
		off += strlen(argv[i]) + 1;
	}
	assert_int_equal(off, got);
	free(shown);
}

/* A served request: one brace group, its command in a subshell; a
 * script for /bin/sh -c eval'd there with its own arguments, other
 * commands as they are; input as printf's format, every byte itself but
 * NUL, '%' and '\' (and quotes, as the shell's quoting has them), emptied
 * before the reply. */
static void test_serve_request(void **state)
{
	(void)state;
	char tag[MR_TAG_LEN + 1];
	size_t len;
	const char *script[] = { "/bin/sh", "-c", "echo \"$1\"", "migready-x", "it's", NULL };
	char *req = mr_serve_request(script, NULL, 0, tag, &len);
	assert_int_equal(strlen(tag), MR_TAG_LEN);
	char *want = mr_xasprintf("{ (cd / && set -- 'it'\\''s'; eval 'echo \"$1\"') </dev/null 9>&-; "
	                          "printf '\\n%%s %%s\\n' %s \"$?\"; }\n", tag);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(req, want, len);
	free(want);
	free(req);

	const char *bare[] = { "/bin/sh", "-c", "true", "x", NULL };
	req = mr_serve_request(bare, NULL, 0, tag, &len);
	want = mr_xasprintf("{ (cd / && set --; eval 'true') </dev/null 9>&-; "
	                    "printf '\\n%%s %%s\\n' %s \"$?\"; }\n", tag);
	assert_string_equal(req, want);
	free(want);
	free(req);

	const char *other[] = { "/bin/sh", "x", NULL };
	req = mr_serve_request(other, "a\0%\\'\n", 6, tag, &len);
	want = mr_xasprintf("{ printf -- 'a\\000%%%%\\\\'\\''\n' >\"$2/input\" || "
	                    "{ : >\"$2/input\"; exit 1; }; (cd / && '/bin/sh' 'x') <\"$2/input\" 9>&-; "
	                    "set -- \"$?\" \"$2\"; : >\"$2/input\"; printf '\\n%%s %%s\\n' %s \"$1\"; "
	                    "set -- migready-serve \"$2\"; }\n", tag);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(req, want, len);
	free(want);
	free(req);
}

/* resolve for contained(): NULL for everything, as when the host is gone;
 * breaks the transport when asked */
static char *resolve_none(void *ctx, const char *p)
{
	(void)p;
	struct mr_transport *t = ctx;
	if (t->timeout_s)
		t->broken = 1;
	return NULL;
}

static char *resolve_out(void *ctx, const char *p)
{
	(void)ctx;
	(void)p;
	return strdup("/etc");
}

/* A path that cannot be resolved because the connection went is said so,
 * never as a link out of the root (a false alarm of an attack). */
static void test_contained_connection_lost(void **state)
{
	(void)state;
	struct mr_transport t = { .host = "h1", .root = "/srv/img" };
	struct mr_error *err = NULL;
	assert_null(mr_transport_contained(&t, "/srv/img", "/etc/x.conf", 0, resolve_out, &t, &err));
	assert_int_equal(err->kind, MR_ERR_CONFLICT);
	assert_non_null(strstr(err->message, "a symbolic link leads out of the root"));
	mr_error_free(err);
	err = NULL;
	t.timeout_s = 1; /* resolve_none breaks it */
	assert_null(mr_transport_contained(&t, "/srv/img", "/etc/x.conf", 0, resolve_none, &t, &err));
	assert_int_equal(err->kind, MR_ERR_HOST);
	assert_non_null(strstr(err->message, "the connection was lost"));
	assert_null(strstr(err->message, "symbolic link"));
	mr_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_words),
		cmocka_unit_test(test_round_trip_through_sh),
		cmocka_unit_test(test_display_pastes),
		cmocka_unit_test(test_serve_request),
		cmocka_unit_test(test_contained_connection_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
