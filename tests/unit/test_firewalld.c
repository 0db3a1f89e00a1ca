/* firewalld_conf: ports and rich rules added to real zone files (Debian's
 * stock public.xml and operators' from the corpus, tests/data/firewall/
 * README), every other byte kept; what covers a need, in the file and in
 * firewall-cmd's listing; the files it must refuse, with the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firewalld_conf.h"
#include "helpers.h"
#include "util.h"


static const struct mr_nft_want want_pair[] = {
	{ "tcp", 16509, 16509, NULL },
	{ "tcp", 49152, 49261, "10.20.0.0/24" },
};

#define PORT_16509 "<port protocol=\"tcp\" port=\"16509\"/>"
#define RULE_RANGE                                                                           \
	"<rule family=\"ipv4\"><source address=\"10.20.0.0/24\"/><port protocol=\"tcp\" "       \
	"port=\"49152-49261\"/><accept/></rule>"

/* text with lines inserted at the start of the last line equal to before. */
static char *expected(const char *text, const char *before, const char *lines)
{
	const char *hit = NULL;
	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\n");
		if (strlen(before) <= l && !strncmp(p, before, strlen(before)) &&
		    (l == strlen(before) || (l == strlen(before) + 1 && p[l - 1] == '\r')))
			hit = p;
		p += l + (p[l] == '\n');
	}
	assert_non_null(hit);
	return mr_xasprintf("%.*s%s%s", (int)(hit - text), text, lines, hit);
}

/* Merges want into file; the result must be text with lines before
 * </zone>, and a second merge of it must change nothing. */
static void merge_case(const char *file, const struct mr_nft_want *want, size_t n,
                       const char *lines)
{
	size_t len = 0;
	char *text = mr_test_data("firewall/firewalld", file, &len);
	char *found = NULL;
	char *out = mr_fwd_zone_merge(text, len, want, n, &found);
	assert_non_null(out);
	char *want_text = lines ? expected(text, "</zone>", lines) : mr_xstrdup(text);
	assert_string_equal(out, want_text);
	if (lines) {
		assert_non_null(found);
		assert_non_null(strstr(found, "missing: "));
	} else {
		assert_null(found);
	}
	free(found);
	char *again = mr_fwd_zone_merge(out, strlen(out), want, n, &found);
	assert_non_null(again);
	assert_null(found);
	assert_string_equal(again, out);
	free(again);
	free(want_text);
	free(out);
	free(text);
}

static void test_added_before_the_zone_ends(void **state)
{
	(void)state;
	merge_case("debian12-public.xml", want_pair, 2, "  " PORT_16509 "\n  " RULE_RANGE "\n");
	merge_case("home-ports-source.xml", want_pair, 2, "  " PORT_16509 "\n  " RULE_RANGE "\n");
	/* comments, blank lines and four spaces kept; the placeholder port
	 * (!!victoria-logs.port!!) covers nothing */
	merge_case("incoming-commented.xml", want_pair, 2,
	           "    " PORT_16509 "\n    " RULE_RANGE "\n");
	/* rich rules accepting a service are not looked into */
	merge_case("public-rich-rules.xml", want_pair, 2, "  " PORT_16509 "\n  " RULE_RANGE "\n");
}

static void test_operator_zone_crlf(void **state)
{
	(void)state;
	/* 16509 is there; a wider rule from 10.20.0.0/16 takes the range */
	merge_case("operator-crlf.xml", want_pair, 2, NULL);
	/* what is missing goes in with its tab and CRLF */
	static const struct mr_nft_want more[] = {
		{ "tcp", 16509, 16509, NULL },
		{ "tcp", 16514, 16514, "10.20.0.0/24" },
		{ "tcp", 49152, 49261, "fd00:20::/64" },
	};
	merge_case("operator-crlf.xml", more, 3,
	           "\t<rule family=\"ipv4\"><source address=\"10.20.0.0/24\"/><port protocol=\"tcp\" "
	           "port=\"16514\"/><accept/></rule>\r\n"
	           "\t<rule family=\"ipv6\"><source address=\"fd00:20::/64\"/><port protocol=\"tcp\" "
	           "port=\"49152-49261\"/><accept/></rule>\r\n");
}

/* Whether the zone (a one-line body) already covers w. */
static int zone_covers(const char *body, const struct mr_nft_want *w)
{
	char *text = mr_xasprintf("<?xml version=\"1.0\"?>\n<zone>\n%s\n</zone>\n", body);
	char *found = NULL;
	char *out = mr_fwd_zone_merge(text, strlen(text), w, 1, &found);
	assert_non_null(out);
	int same = !strcmp(out, text);
	assert_true(same == (found == NULL));
	free(found);
	free(out);
	free(text);
	return same;
}

static void test_what_covers_in_the_file(void **state)
{
	(void)state;
	const struct mr_nft_want any = { "tcp", 16509, 16509, NULL };
	const struct mr_nft_want from = { "tcp", 49152, 49261, "10.20.0.0/24" };
	const struct mr_nft_want from6 = { "tcp", 16509, 16509, "fd00:20::/64" };
	assert_true(zone_covers("<port port=\"16000-17000\" protocol=\"tcp\"/>", &any));
	assert_true(zone_covers("<port port=\"49152-49261\" protocol=\"tcp\"></port>", &from));
	assert_false(zone_covers("<port port=\"16509\" protocol=\"udp\"/>", &any));
	assert_false(zone_covers("<port port=\"49152-49215\" protocol=\"tcp\"/>", &from));
	assert_false(zone_covers("<!-- <port port=\"16509\" protocol=\"tcp\"/> -->", &any));
	assert_false(zone_covers("<service name=\"libvirt\"/>", &any));
	/* a rule from a network covers what comes from inside it only */
	const char *rule16 = "<rule family=\"ipv4\"><source address=\"10.20.0.0/16\"/>"
	                     "<port port=\"49152-49261\" protocol=\"tcp\"/><accept/></rule>";
	assert_true(zone_covers(rule16, &from));
	assert_false(zone_covers(rule16, &any));
	assert_false(zone_covers("<rule><source address=\"10.20.0.0/25\"/><port port=\"49152-49261\" "
	                         "protocol=\"tcp\"/><accept/></rule>",
	                         &from));
	/* a rule of a family and no source: anything of that family */
	assert_true(zone_covers("<rule family=\"ipv6\"><port port=\"16509\" protocol=\"tcp\"/>"
	                        "<accept/></rule>",
	                        &from6));
	assert_false(zone_covers("<rule family=\"ipv4\"><port port=\"16509\" protocol=\"tcp\"/>"
	                         "<accept/></rule>",
	                         &from6));
	/* a rule with no port accepts all of its source's traffic; another
	 * source's, or one narrowed (a service, a port element without a
	 * port), does not cover */
	assert_true(zone_covers("<rule family=\"ipv4\"><source address=\"10.20.0.0/24\"/><accept/>"
	                        "</rule>",
	                        &from));
	assert_true(zone_covers("<rule family=\"ipv6\"><accept/></rule>", &from6));
	assert_false(zone_covers("<rule family=\"ipv4\"><source address=\"10.30.0.0/24\"/><accept/>"
	                         "</rule>",
	                         &from));
	assert_false(zone_covers("<rule family=\"ipv4\"><source address=\"10.20.0.0/24\"/><accept/>"
	                         "</rule>",
	                         &any));
	assert_false(zone_covers("<rule family=\"ipv4\"><source address=\"10.20.0.0/24\"/>"
	                         "<service name=\"ssh\"/><accept/></rule>",
	                         &from));
	assert_false(zone_covers("<rule family=\"ipv4\"><source address=\"10.20.0.0/24\"/>"
	                         "<port protocol=\"tcp\"/><accept/></rule>",
	                         &from));
	/* anything that narrows or changes the rule: no cover */
	static const char *const not_plain[] = {
		"<rule><source address=\"10.20.0.0/16\" invert=\"true\"/><port port=\"49152-49261\" "
		"protocol=\"tcp\"/><accept/></rule>",
		"<rule><source address=\"10.20.0.0/16\"/><destination address=\"10.20.0.5\"/>"
		"<port port=\"49152-49261\" protocol=\"tcp\"/><accept/></rule>",
		"<rule><source address=\"10.20.0.0/16\"/><port port=\"49152-49261\" protocol=\"tcp\"/>"
		"<accept><limit value=\"1/m\"/></accept></rule>",
		"<rule><source ipset=\"migration\"/><port port=\"49152-49261\" protocol=\"tcp\"/>"
		"<accept/></rule>",
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(not_plain); i++)
		assert_false(zone_covers(not_plain[i], &from));
	/* the same rule rejecting is no cover, and stops it (refused) */
	const char *reject = "<zone>\n<rule><source address=\"10.20.0.0/16\"/><port port=\"49152-49261\" "
	                     "protocol=\"tcp\"/><reject/></rule>\n</zone>\n";
	char *why = NULL;
	assert_null(mr_fwd_zone_merge(reject, strlen(reject), &from, 1, &why));
	assert_non_null(strstr(why, "stops all of"));
	free(why);
	/* a log element changes nothing that is accepted */
	assert_true(zone_covers("<rule><source address=\"10.20.0.0/16\"/><log prefix=\"m\"><limit "
	                        "value=\"1/m\"/></log><port port=\"49152-49261\" protocol=\"tcp\"/>"
	                        "<accept/></rule>",
	                        &from));
	/* a need the merge adds covers the needs after it */
	const struct mr_nft_want twice[] = { { "tcp", 49152, 49261, NULL }, { "tcp", 49152, 49200, NULL } };
	char *found = NULL;
	const char *zone = "<zone>\n</zone>\n";
	char *out = mr_fwd_zone_merge(zone, strlen(zone), twice, 2, &found);
	assert_string_equal(out, "<zone>\n  <port protocol=\"tcp\" port=\"49152-49261\"/>\n</zone>\n");
	free(out);
	free(found);
}

/* The zone's own target="ACCEPT" accepts every port of what it takes:
 * nothing added, the line named; a deny rule still goes first. */
static void test_zone_target_accept(void **state)
{
	(void)state;
	const char *zone = "<?xml version=\"1.0\"?>\n<zone target=\"ACCEPT\">\n  <short>x</short>\n"
	                   "</zone>\n";
	char *found = NULL;
	char *out = mr_fwd_zone_merge(zone, strlen(zone), want_pair, 2, &found);
	assert_non_null(out);
	assert_string_equal(out, zone);
	assert_non_null(found);
	assert_string_equal(found, "covered by the zone's target=\"ACCEPT\" (line 2)");
	free(found);
	free(out);
	/* another target covers nothing */
	const char *drop = "<zone target=\"DROP\">\n</zone>\n";
	out = mr_fwd_zone_merge(drop, strlen(drop), want_pair, 1, &found);
	assert_non_null(out);
	assert_non_null(strstr(out, PORT_16509));
	assert_non_null(strstr(found, "missing: "));
	free(found);
	free(out);
	const char *deny = "<zone target=\"ACCEPT\">\n  <rule><source address=\"10.0.0.0/8\"/>"
	                   "<reject/></rule>\n</zone>\n";
	assert_null(mr_fwd_zone_merge(deny, strlen(deny), want_pair, 2, &found));
	assert_non_null(strstr(found, "2: the zone's rule"));
	free(found);
}

static void test_zone_shapes(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "<zone/>\n", "<zone>\n  " PORT_16509 "\n</zone>\n" },
		{ "<zone target=\"DROP\" />", "<zone target=\"DROP\" >\n  " PORT_16509 "\n</zone>" },
		{ "<zone><short>x</short></zone>", "<zone><short>x</short>\n  " PORT_16509 "\n</zone>" },
		{ "\xef\xbb\xbf<zone>\n</zone>", "\xef\xbb\xbf<zone>\n  " PORT_16509 "\n</zone>" },
		{ "<zone>\n\t<short a = 'b'>x</short>\n  </zone>",
		  "<zone>\n\t<short a = 'b'>x</short>\n\t" PORT_16509 "\n  </zone>" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *found = NULL;
		char *out = mr_fwd_zone_merge(cases[i].in, strlen(cases[i].in), want_pair, 1, &found);
		assert_non_null(out);
		assert_string_equal(out, cases[i].out);
		assert_non_null(found);
		free(found);
		free(out);
	}
}

static void test_refused_with_the_line(void **state)
{
	(void)state;
	static const struct {
		const char *in, *why;
	} cases[] = {
		{ "", "1: no <zone> element" },
		{ "<?xml version=\"1.0\"?>\n<!-- <zone> -->\n", "3: no <zone> element" },
		{ "<zone>\n</zone>\n<zone>\n</zone>\n", "3: a second root element <zone>: one <zone> only" },
		{ "<service name=\"x\"/>\n", "1: the root element is <service>, not <zone>" },
		{ "<zone>\n  <short>x\n</zone>\n", "3: </zone> closes <short> of line 2" },
		{ "<zone>\n  <port port=\"1\" protocol=\"tcp\"/>\n", "3: <zone> of line 1 is never closed" },
		{ "<zone>\n  <!-- x\n</zone>\n", "2: a comment never ends" },
		{ "<!DOCTYPE zone [<!ENTITY x \"y\">]>\n<zone/>\n",
		  "1: a DOCTYPE or declaration: its entities could change the zone" },
		{ "<zone>\n</zone>\ntrailing\n", "3: text outside <zone>" },
		{ "<zone>\n  <port port=16509 protocol=\"tcp\"/>\n</zone>\n",
		  "2: <port: attribute without a quoted value" },
		{ "<zone>\n  <port port=\"16509/>\n</zone>\n", "2: <port: unterminated attribute value" },
		/* after an attribute read (fuzz_firewalld found it leaked) */
		{ "<zone>\n  <port port=\"53\" protocol=tcp/>\n</zone>\n",
		  "2: <port: attribute without a quoted value" },
		{ "<zone>\n  </port>\n</zone>\n", "2: </port> closes <zone> of line 1" },
		{ "<zone>\n  < port/>\n</zone>\n", "2: a '<' that starts no tag" },
		/* a reject or drop rule takes all of a need: firewalld applies it
		 * before any accept */
		{ "<zone>\n  <port port=\"16509\" protocol=\"tcp\"/>\n"
		  "  <rule family=\"ipv4\">\n    <source address=\"10.0.0.0/8\"/>\n"
		  "    <reject type=\"icmp-host-prohibited\"/>\n  </rule>\n</zone>\n",
		  "3: the zone's rule 'rule family=\"ipv4\" source address=\"10.0.0.0/8\" reject' stops "
		  "all of 'rule family=\"ipv4\" source address=\"10.20.0.0/24\" port port=\"49152-49261\" "
		  "protocol=\"tcp\" accept' before any accept (firewalld applies reject and drop rules "
		  "first): remove it" },
		{ "<zone>\n  <rule family=\"ipv4\">\n    <source address=\"10.20.0.0/16\"/>\n"
		  "    <port port=\"49000-50000\" protocol=\"tcp\"/>\n    <log prefix=\"x\"/>\n"
		  "    <drop/>\n  </rule>\n</zone>\n",
		  "2: the zone's rule 'rule family=\"ipv4\" source address=\"10.20.0.0/16\" port "
		  "port=\"49000-50000\" protocol=\"tcp\" log drop' stops all of 'rule family=\"ipv4\" "
		  "source address=\"10.20.0.0/24\" port port=\"49152-49261\" protocol=\"tcp\" accept' "
		  "before any accept (firewalld applies reject and drop rules first): remove it" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *found = NULL;
		char *out = mr_fwd_zone_merge(cases[i].in, strlen(cases[i].in), want_pair, 2, &found);
		assert_null(out);
		assert_non_null(found);
		assert_string_equal(found, cases[i].why);
		free(found);
	}
	/* a deny of part of it, of another port, another family, a later
	 * priority or with a condition not read here: no refusal */
	static const char *const partial[] = {
		"<zone>\n  <rule family=\"ipv4\">\n    <source address=\"10.20.0.128/25\"/>\n"
		"    <drop/>\n  </rule>\n</zone>\n",
		"<zone>\n  <rule>\n    <port port=\"22\" protocol=\"tcp\"/>\n    <reject/>\n"
		"  </rule>\n</zone>\n",
		"<zone>\n  <rule family=\"ipv6\">\n    <drop/>\n  </rule>\n</zone>\n",
		"<zone>\n  <rule family=\"ipv4\" priority=\"10\">\n    <drop/>\n  </rule>\n</zone>\n",
		/* the action first, the port after it: still port 22's */
		"<zone>\n  <rule family=\"ipv4\">\n    <reject/>\n    <port port=\"22\" protocol=\"tcp\"/>\n"
		"  </rule>\n</zone>\n",
		"<zone>\n  <rule family=\"ipv4\">\n    <source invert=\"true\" address=\"10.30.0.0/16\"/>"
		"\n    <drop/>\n  </rule>\n</zone>\n",
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(partial); i++) {
		char *found = NULL;
		char *out = mr_fwd_zone_merge(partial[i], strlen(partial[i]), want_pair + 1, 1, &found);
		if (!out)
			fail_msg("partial %zu refused: %s", i, found);
		free(out);
		free(found);
	}
	/* a NUL byte */
	char *found = NULL;
	assert_null(mr_fwd_zone_merge("<zone>\n\0</zone>", 15, want_pair, 2, &found));
	assert_string_equal(found, "2: a NUL byte");
	free(found);
}

static void test_running_listing(void **state)
{
	(void)state;
	const struct mr_nft_want any = { "tcp", 16509, 16509, NULL };
	const struct mr_nft_want from = { "tcp", 49152, 49261, "10.20.0.0/24" };
	char *t = mr_fwd_running_text(&any);
	assert_string_equal(t, "16509/tcp");
	assert_true(mr_fwd_running_covers(t, &any));
	free(t);
	t = mr_fwd_running_text(&from);
	assert_string_equal(t, "rule family=\"ipv4\" source address=\"10.20.0.0/24\" port "
	                       "port=\"49152-49261\" protocol=\"tcp\" accept");
	assert_true(mr_fwd_running_covers(t, &from));
	assert_false(mr_fwd_running_covers(t, &any));
	free(t);
	assert_true(mr_fwd_running_covers("16000-17000/tcp", &any));
	assert_true(mr_fwd_running_covers("49152-49261/tcp", &from));
	assert_false(mr_fwd_running_covers("16509/udp", &any));
	assert_false(mr_fwd_running_covers("ssh", &any));
	assert_true(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.0.0.0/8\" port "
	                                  "port=\"49000-50000\" protocol=\"tcp\" accept",
	                                  &from));
	assert_true(mr_fwd_running_covers("rule priority=\"-10\" port protocol=\"tcp\" "
	                                  "port=\"16509\" accept",
	                                  &any));
	assert_false(mr_fwd_running_covers("rule family=\"ipv4\" source NOT address=\"10.0.0.0/8\" "
	                                   "port port=\"49000-50000\" protocol=\"tcp\" accept",
	                                   &from));
	assert_false(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.0.0.0/8\" port "
	                                   "port=\"49000-50000\" protocol=\"tcp\" accept limit "
	                                   "value=\"1/m\"",
	                                   &from));
	assert_false(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.20.0.0/24\" "
	                                   "service name=\"libvirt\" accept",
	                                   &from));
	/* no port: all the traffic of its source */
	assert_true(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.20.0.0/16\" "
	                                  "accept",
	                                  &from));
	assert_false(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.30.0.0/16\" "
	                                   "accept",
	                                   &from));
	assert_false(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.20.0.0/16\" "
	                                   "accept",
	                                   &any));
	assert_false(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.20.0.0/16\" "
	                                   "drop",
	                                   &from));
	/* as the zone file's <rule> with <log>/<audit>: logging changes nothing accepted */
	const struct mr_nft_want from_lan = { "tcp", 16509, 16509, "10.0.0.0/24" };
	assert_true(mr_fwd_running_covers("rule family=\"ipv4\" source address=\"10.0.0.0/24\" "
	                                  "port port=\"16509\" protocol=\"tcp\" log prefix=\"m\" "
	                                  "level=\"info\" limit value=\"1/m\" accept",
	                                  &from_lan));
	assert_true(mr_fwd_running_covers("rule port port=\"16509\" protocol=\"tcp\" audit limit "
	                                  "value=\"1/m\" accept",
	                                  &any));
	assert_true(mr_fwd_running_covers("rule port port=\"16509\" protocol=\"tcp\" log audit "
	                                  "accept",
	                                  &any));
	assert_false(mr_fwd_running_covers("rule port port=\"16509\" protocol=\"tcp\" log "
	                                   "prefix=\"m\" accept limit value=\"1/m\"",
	                                   &any));
	assert_false(mr_fwd_running_covers("rule port port=\"16509\" protocol=\"tcp\" log "
	                                   "destination address=\"10.0.0.1\" accept",
	                                   &any));
}

static void argv_is(char **argv, const char *const *want)
{
	assert_non_null(argv);
	size_t i = 0;
	for (; want[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
}

/* The run-time add: one argv, a word per need, as firewall-cmd parses
 * them (a rich rule is one word, its quotes its own); nothing to add, no
 * command. */
static void test_add_argv(void **state)
{
	(void)state;
	const struct mr_nft_want ports[] = { { "tcp", 16509, 16509, NULL },
		                             { "tcp", 49152, 49261, NULL } };
	char **argv = mr_fwd_add_argv("public", ports, 2);
	const char *const want_ports[] = { "firewall-cmd", "--zone=public", "--add-port=16509/tcp",
		                           "--add-port=49152-49261/tcp", NULL };
	argv_is(argv, want_ports);
	mr_strv_free(argv);
	const struct mr_nft_want from[] = { { "tcp", 16509, 16509, "10.20.0.0/24" },
		                            { "tcp", 49152, 49261, "fd00:20::/64" } };
	argv = mr_fwd_add_argv("compute", from, 2);
	const char *const want_from[] = {
		"firewall-cmd", "--zone=compute",
		"--add-rich-rule=rule family=\"ipv4\" source address=\"10.20.0.0/24\" port "
		"port=\"16509\" protocol=\"tcp\" accept",
		"--add-rich-rule=rule family=\"ipv6\" source address=\"fd00:20::/64\" port "
		"port=\"49152-49261\" protocol=\"tcp\" accept",
		NULL
	};
	argv_is(argv, want_from);
	mr_strv_free(argv);
	assert_null(mr_fwd_add_argv("public", ports, 0));
}

static void test_zone_names(void **state)
{
	(void)state;
	assert_true(mr_fwd_zone_name_ok("public"));
	assert_true(mr_fwd_zone_name_ok("Compute_net-2"));
	assert_false(mr_fwd_zone_name_ok(""));
	assert_false(mr_fwd_zone_name_ok("../public"));
	assert_false(mr_fwd_zone_name_ok("a b"));
	assert_false(mr_fwd_zone_name_ok("a-zone-name-too-long"));
}

/* Rich rules that reject or drop, as firewall-cmd lists them, against
 * what the profile opens: all of it stopped, part of it (or perhaps), or
 * none. */
static void test_running_denies(void **state)
{
	(void)state;
	const struct mr_nft_want from = { "tcp", 16509, 16509, "10.20.0.0/24" };
	const struct mr_nft_want range = { "tcp", 49152, 49261, "10.20.0.0/24" };
	const struct mr_nft_want any = { "tcp", 16509, 16509, NULL };
	static const struct {
		const char *rule;
		int from, range, any;
	} cases[] = {
		{ "rule family=\"ipv4\" source address=\"10.20.0.0/16\" reject", 1, 1, -1 },
		{ "rule family=\"ipv4\" source address=\"10.20.0.0/16\" drop", 1, 1, -1 },
		{ "rule family=\"ipv4\" source address=\"10.20.0.5\" reject type=\"icmp-host-prohibited\"",
		  -1, -1, -1 },
		{ "rule family=\"ipv4\" source address=\"10.30.0.0/16\" reject", 0, 0, -1 },
		{ "rule family=\"ipv6\" reject", 0, 0, -1 },
		{ "rule port port=\"16509\" protocol=\"tcp\" reject", 1, 0, 1 },
		{ "rule port port=\"49152-49300\" protocol=\"tcp\" drop", 0, 1, 0 },
		{ "rule port port=\"49200\" protocol=\"tcp\" drop", 0, -1, 0 },
		{ "rule port port=\"16509\" protocol=\"udp\" reject", 0, 0, 0 },
		{ "rule priority=\"10\" source address=\"10.20.0.0/16\" reject", 0, 0, 0 },
		{ "rule priority=\"-5\" source address=\"10.20.0.0/16\" log prefix=\"x\" level=\"info\" "
		  "reject",
		  1, 1, -1 },
		{ "rule source NOT address=\"10.20.0.0/16\" reject", -1, -1, -1 },
		{ "rule service name=\"libvirt\" reject", -1, -1, -1 },
		{ "rule family=\"ipv4\" source address=\"10.20.0.0/24\" port port=\"16509\" "
		  "protocol=\"tcp\" accept",
		  0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got[3] = { mr_fwd_running_denies(cases[i].rule, &from),
			           mr_fwd_running_denies(cases[i].rule, &range),
			           mr_fwd_running_denies(cases[i].rule, &any) };
		if (got[0] != cases[i].from || got[1] != cases[i].range || got[2] != cases[i].any)
			fail_msg("%s: %d %d %d, want %d %d %d", cases[i].rule, got[0], got[1], got[2],
			         cases[i].from, cases[i].range, cases[i].any);
	}
}

/* A zone file's deny rules that may take part of a wanted rule: one line
 * each, numbered; none for a rule apart, nor for no deny at all. */
static void test_zone_doubts(void **state)
{
	(void)state;
	const struct mr_nft_want from = { "tcp", 16509, 16509, "10.20.0.0/24" };
	static const char zone[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<zone>\n"
	                           "  <rule family=\"ipv4\">\n"
	                           "    <source address=\"10.30.0.0/16\"/>\n    <reject/>\n"
	                           "  </rule>\n"
	                           "  <rule family=\"ipv4\">\n"
	                           "    <source address=\"10.20.0.64/26\"/>\n    <drop/>\n"
	                           "  </rule>\n</zone>\n";
	char *d = mr_fwd_zone_doubts(zone, strlen(zone), &from, 1);
	assert_non_null(d);
	assert_string_equal(d, "7 the zone's rule 'rule family=\"ipv4\" source "
	                       "address=\"10.20.0.64/26\" drop' may refuse part of 'rule "
	                       "family=\"ipv4\" source address=\"10.20.0.0/24\" port port=\"16509\" "
	                       "protocol=\"tcp\" accept' before any accept\n");
	free(d);
	static const char apart[] = "<zone>\n  <rule family=\"ipv4\">\n"
	                            "    <source address=\"10.30.0.0/16\"/>\n    <reject/>\n"
	                            "  </rule>\n</zone>\n";
	assert_null(mr_fwd_zone_doubts(apart, strlen(apart), &from, 1));
	assert_null(mr_fwd_zone_doubts("<zone/>\n", 8, &from, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added_before_the_zone_ends),
		cmocka_unit_test(test_operator_zone_crlf),
		cmocka_unit_test(test_what_covers_in_the_file),
		cmocka_unit_test(test_zone_target_accept),
		cmocka_unit_test(test_zone_shapes),
		cmocka_unit_test(test_refused_with_the_line),
		cmocka_unit_test(test_running_listing),
		cmocka_unit_test(test_add_argv),
		cmocka_unit_test(test_running_denies),
		cmocka_unit_test(test_zone_names),
		cmocka_unit_test(test_zone_doubts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
