/* util_str.c's string vectors and suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ini_lines.h"
#include "util.h"

/* OpenSSH's patterns: '*' and '?' only; '[' is a character like any */
static void test_str_wild(void **state)
{
	(void)state;
	assert_true(mr_str_wild("nova", "nova"));
	assert_true(mr_str_wild("n*", "nova"));
	assert_true(mr_str_wild("*", ""));
	assert_true(mr_str_wild("n?va", "nova"));
	assert_true(mr_str_wild("*a*a*", "banana"));
	assert_true(mr_str_wild("ssh-*", "ssh-ed25519"));
	assert_false(mr_str_wild("[n]ova", "nova"));
	assert_true(mr_str_wild("[n]ova", "[n]ova"));
	assert_false(mr_str_wild("n?va", "nva"));
	assert_false(mr_str_wild("nova", "Nova"));
	assert_false(mr_str_wild("*b", "banana"));
	assert_false(mr_str_wild("", "a"));
}

static void test_strv(void **state)
{
	(void)state;
	char **v = mr_strv_of("systemctl", "--", "a b.service", NULL);
	assert_int_equal(mr_strv_len((const char *const *)v), 3);
	assert_string_equal(v[0], "systemctl");
	assert_string_equal(v[2], "a b.service");
	assert_null(v[3]);
	const char *words[] = { "iptables", "INPUT", "-j", "ACCEPT" };
	char **c = mr_strv_copy(words, 2);
	assert_int_equal(mr_strv_len((const char *const *)c), 2);
	assert_string_equal(c[1], "INPUT");
	assert_ptr_not_equal(c[1], words[1]);
	char **one = mr_strv_of("alone", NULL);
	assert_int_equal(mr_strv_len((const char *const *)one), 1);
	char **none = mr_strv_copy(words, 0);
	assert_null(none[0]);
	char **all = mr_strv_dup(c);
	assert_int_equal(mr_strv_len((const char *const *)all), 2);
	assert_string_equal(all[0], "iptables");
	assert_ptr_not_equal(all[0], c[0]);
	mr_strv_free(all);
	mr_strv_free(v);
	mr_strv_free(c);
	mr_strv_free(one);
	mr_strv_free(none);
	mr_strv_free(NULL);
}

static void test_distance_and_suggest(void **state)
{
	(void)state;
	assert_int_equal(mr_str_distance("check", "check"), 0);
	assert_int_equal(mr_str_distance("chek", "check"), 1);
	assert_int_equal(mr_str_distance("chekc", "check"), 1); /* a swap is one slip */
	assert_int_equal(mr_str_distance("ab", "ba"), 1);
	assert_int_equal(mr_str_distance("", "abc"), 3);
	assert_int_equal(mr_str_distance("kitten", "sitting"), 3);
	const char *commands[] = { "check", "diff", "apply", "verify", "rollback", "lint", "facts" };
	assert_string_equal(mr_str_suggest("chekc", commands, 7), "check");
	assert_string_equal(mr_str_suggest("aplpy", commands, 7), "apply");
	assert_null(mr_str_suggest("zzzzz", commands, 7));
	/* another case is the nearest, however far in edits */
	assert_string_equal(mr_str_suggest("CHECK", commands, 7), "check");
}

static void test_loopback(void **state)
{
	(void)state;
	static const char *const loopback[] = { "127.0.0.1", "127.1.2.3", "::1", "[::1]",
		                                    "[::1%lo]", "0:0:0:0:0:0:0:1", "[0000::0001]",
		                                    "::ffff:127.0.0.1", "[::ffff:7f00:1]", "localhost",
		                                    "LocalHost", "127.1", "0x7f000001", "2130706433",
		                                    "localhost.localdomain", "ip6-localhost",
		                                    "localhost4.localdomain4" };
	static const char *const other[] = { "10.0.0.5", "::", "0.0.0.0", "[::2]", "::ffff:10.0.0.1",
		                                 "localhost.example", "128.0.0.1", "", "[]", "fe80::1%eth0",
		                                 "10.1", "0x0a000001" };
	for (size_t i = 0; i < MR_ARRAY_LEN(loopback); i++)
		if (!mr_addr_is_loopback(loopback[i], strlen(loopback[i])))
			fail_msg("'%s' is the loopback", loopback[i]);
	for (size_t i = 0; i < MR_ARRAY_LEN(other); i++)
		if (mr_addr_is_loopback(other[i], strlen(other[i])))
			fail_msg("'%s' is not the loopback", other[i]);
	/* only the n bytes count: "127.0.0.1:16509" cut before the port */
	assert_true(mr_addr_is_loopback("[::1]:16509", 5));
	assert_false(mr_addr_is_loopback("10.0.0.5 127.0.0.1", 8));
}

static void test_addr_parse(void **state)
{
	(void)state;
	/* the same address, however spelt */
	static const char *const same[][2] = { { "10.0.0.5", "::ffff:10.0.0.5" },
		                                   { "10.1", "10.0.0.1" },
		                                   { "[fd00::0:5]", "fd00::5" },
		                                   { "fe80::1%eth0", "FE80:0::1" } };
	for (size_t i = 0; i < MR_ARRAY_LEN(same); i++) {
		unsigned char a[16], b[16];
		if (!mr_addr_parse(same[i][0], strlen(same[i][0]), a) ||
		    !mr_addr_parse(same[i][1], strlen(same[i][1]), b) || memcmp(a, b, 16))
			fail_msg("'%s' and '%s' are one address", same[i][0], same[i][1]);
	}
	unsigned char a[16], b[16];
	assert_true(mr_addr_parse("10.0.0.5", 8, a) && mr_addr_parse("10.0.0.6", 8, b));
	assert_memory_not_equal(a, b, 16);
	static const char *const names[] = { "cmp1", "cmp1.example", "", "[]", "10.0.0.5:16509",
		                                 "::g" };
	for (size_t i = 0; i < MR_ARRAY_LEN(names); i++)
		if (mr_addr_parse(names[i], strlen(names[i]), a))
			fail_msg("'%s' is no address", names[i]);
	static const char *const any[] = { "0.0.0.0", "::", "[::]", "0", "::ffff:0.0.0.0" };
	for (size_t i = 0; i < MR_ARRAY_LEN(any); i++)
		if (!mr_addr_is_any(any[i], strlen(any[i])))
			fail_msg("'%s' is every address", any[i]);
	assert_false(mr_addr_is_any("0.0.0.1", 7));
	assert_false(mr_addr_is_any("localhost", 9));
	assert_false(mr_addr_is_any("::1", 3));
}

/* A network read and written back as nft lists it; what is not one */
static void test_cidr(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		enum mr_cidr_status st;
		const char *out; /* mr_cidr_format's, when read */
	} cases[] = {
		{ "10.20.0.0/24", MR_CIDR_OK, "10.20.0.0/24" },
		{ "10.20.0.5/32", MR_CIDR_OK, "10.20.0.5" },
		{ "10.20.0.5", MR_CIDR_OK, "10.20.0.5" },
		{ "FD00:0020:0::/64", MR_CIDR_OK, "fd00:20::/64" },
		{ "fd00::5/128", MR_CIDR_OK, "fd00::5" },
		{ "0.0.0.0/0", MR_CIDR_OK, "0.0.0.0/0" },
		{ "10.20.0.0/33", MR_CIDR_BAD_PREFIX, NULL },
		{ "fd00::/129", MR_CIDR_BAD_PREFIX, NULL },
		{ "10.20.0.0/", MR_CIDR_BAD_PREFIX, NULL },
		{ "10.20.0.0/+24", MR_CIDR_BAD_PREFIX, NULL },
		{ "10.20.0.0/0024", MR_CIDR_BAD_PREFIX, NULL },
		{ "10.20.0.0/24x", MR_CIDR_BAD_PREFIX, NULL },
		{ "10.20.0/24", MR_CIDR_BAD_ADDR, NULL },
		{ "/24", MR_CIDR_BAD_ADDR, NULL },
		{ "compute1/24", MR_CIDR_BAD_ADDR, NULL },
		{ "", MR_CIDR_BAD_ADDR, NULL },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct mr_cidr c;
		enum mr_cidr_status st = mr_cidr_parse(cases[i].in, &c);
		if (st != cases[i].st)
			fail_msg("'%s': status %d, not %d", cases[i].in, st, cases[i].st);
		if (!cases[i].out)
			continue;
		char *out = mr_cidr_format(&c);
		if (strcmp(out, cases[i].out) != 0)
			fail_msg("'%s' written '%s', not '%s'", cases[i].in, out, cases[i].out);
		free(out);
	}
	/* containment: the network's prefix bits, one family */
	static const struct {
		const char *net, *c;
		int holds;
	} within[] = {
		{ "10.20.0.0/16", "10.20.3.0/24", 1 }, { "10.20.0.0/24", "10.20.0.0/16", 0 },
		{ "10.20.0.0/24", "10.21.0.5", 0 },    { "0.0.0.0/0", "10.0.0.1", 1 },
		{ "fd00::/8", "fd00:20::/64", 1 },     { "::/0", "10.0.0.1", 0 },
		{ "10.20.0.5", "10.20.0.5", 1 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(within); i++) {
		struct mr_cidr a, b;
		assert_int_equal(mr_cidr_parse(within[i].net, &a), MR_CIDR_OK);
		assert_int_equal(mr_cidr_parse(within[i].c, &b), MR_CIDR_OK);
		if (mr_cidr_holds(&a, &b) != within[i].holds)
			fail_msg("'%s' holds '%s': not %d", within[i].net, within[i].c, within[i].holds);
	}
}

/* What a message or a text report shows of a value: one line, and no
 * byte a terminal could take for part of an escape sequence. */
static void test_shown(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "tab\tkept", "tab\tkept" },
		{ "esc\033[31m", "esc\\x1b[31m" },
		{ "new\nline", "new\\x0aline" },
		{ "del\x7f", "del\\x7f" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },                /* UTF-8 stays */
		{ "caf\xe9", "caf\\xe9" },                        /* Latin-1 */
		{ "csi\xc2\x9b" "2J", "csi\\xc2\\x9b2J" },            /* C1 as UTF-8 */
		{ "csi\x9b" "2J", "csi\\x9b2J" },                    /* C1 raw */
		{ "cut\xe2\x82", "cut\\xe2\\x82" },               /* a sequence cut short */
		{ "overlong\xc0\xaf", "overlong\\xc0\\xaf" },
		{ "surrogate\xed\xa0\x80", "surrogate\\xed\\xa0\\x80" },
		{ "\xf0\x9f\x99\x82", "\xf0\x9f\x99\x82" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct mr_buf b;
		mr_buf_init(&b);
		size_t n = strlen(cases[i].in);
		mr_buf_put_shown(&b, cases[i].in, n);
		mr_buf_putc(&b, '\0');
		if (strcmp(b.data, cases[i].want))
			fail_msg("'%s' shown as '%s', want '%s'", cases[i].in, b.data, cases[i].want);
		int same = !strcmp(cases[i].in, cases[i].want);
		if (mr_str_shown_as_is(cases[i].in, n) != same)
			fail_msg("'%s': shown as is %d, want %d", cases[i].in, !same, same);
		mr_buf_fini(&b);
	}
	/* a long value quoted in a message is cut between characters */
	char *long_value = mr_xstrdup("");
	for (int i = 0; i < 35; i++) {
		char *next = mr_xasprintf("%s\xc3\xa9", long_value);
		free(long_value);
		long_value = next;
	}
	char *q = mr_ini_quote(long_value);
	assert_int_equal(strlen(q), 1 + 28 * 2 + 4);
	assert_true(mr_str_shown_as_is(q, strlen(q)));
	free(q);
	free(long_value);
	/* an error's message and place are shown so */
	struct mr_error *err = NULL;
	mr_error_add(&err, MR_ERR_INPUT, "h\x9b" "1", "bad '%s'", "x\033y\xff");
	char *msg = mr_error_format(err);
	assert_string_equal(msg, "h\\x9b1: bad 'x\\x1by\\xff'");
	free(msg);
	mr_error_free(err);
}

static void test_path_tidy(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "/var/lib/nova//instances", "/var/lib/nova/instances" },
		{ "/var/lib/nova/instances/", "/var/lib/nova/instances" },
		{ "//srv///nova/", "/srv/nova" },
		{ "/", "/" },
		{ "///", "/" },
		{ "/a", "/a" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *p = mr_xstrdup(cases[i][0]);
		mr_path_tidy(p);
		assert_string_equal(p, cases[i][1]);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_wild),
		cmocka_unit_test(test_path_tidy),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_distance_and_suggest),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
