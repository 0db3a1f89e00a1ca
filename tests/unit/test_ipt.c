/* iptables coverage (ipt_rules.h): whether a rule the host has already
 * accepts what [firewall] wants. Digests as the facts probe writes them,
 * and the rules files (Debian's rules.v4 and rules.v6, ufw's user.rules,
 * tests/data/firewall) with a wider rule added, planned by the real
 * [firewall] resource and transformed by the Augeas engine: a wider rule
 * above the chain's first stop of its traffic counts (the file is left as
 * it is, the rule named), one below it is never reached and does not; a
 * stop is a rule that may drop or reject some of the wanted traffic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aug.h"
#include "facts.h"
#include "ipt_rules.h"
#include "plan.h"
#include "profile.h"
#include "helpers.h"
#include "res.h"

/* A rule's digest against a wanted one's, and the answer expected. */
struct digest_case {
	const char *have, *want;
	int expect;
};

/* Each case through judge. */
static void check_digests(const struct digest_case *cases, size_t n,
                          int (*judge)(const char *have, const char *want))
{
	for (size_t i = 0; i < n; i++) {
		print_message("case: '%s' for '%s'\n", cases[i].have, cases[i].want);
		assert_int_equal(judge(cases[i].have, cases[i].want), cases[i].expect);
	}
}

static const struct digest_case digest_cases[] = {
	{ "tcp 16509 10.20.0.0/24", "tcp 16509 10.20.0.0/24", 1 },
	{ "tcp 49152:65535 any", "tcp 49152:49261 10.20.0.0/24", 1 },
	{ "tcp 49152:65535 10.0.0.0/8", "tcp 49152:49261 10.20.0.0/24", 1 },
	{ "tcp 49152:65535 10.0.0.0/8", "tcp 49152:49261 any", 0 },
	{ "tcp 49152:49200 any", "tcp 49152:49261 any", 0 },
	{ "tcp 22,16509,49152:49261 any", "tcp 49152:49261 any", 1 },
	{ "tcp 22,16509,49152:49261 any", "tcp 16509 any", 1 },
	/* each item must hold the whole range */
	{ "tcp 49152:49200,49201:49261 any", "tcp 49152:49261 any", 0 },
	{ "udp 16509 any", "tcp 16509 any", 0 },
	{ "tcp 16509 10.20.0.0/25", "tcp 16509 10.20.0.0/24", 0 },
	{ "tcp 16509 10.20.0.5", "tcp 16509 10.20.0.5/32", 1 },
	{ "tcp 16509 fd00::/16", "tcp 16509 fd00:20::/64", 1 },
	{ "tcp 16509 fd00::/16", "tcp 16509 10.20.0.0/24", 0 },
	{ "tcp 16509", "tcp 16509 any", 0 },
	{ "tcp 16509:x any", "tcp 16509 any", 0 },
	{ "tcp 70000 any", "tcp 16509 any", 0 },
	/* an accept of everything from the source: every port */
	{ "any any 10.20.0.0/24", "tcp 49152:49215 10.20.0.5/32", 1 },
	{ "any any any", "udp 16509 any", 1 },
	{ "any any 10.20.0.0/24", "tcp 16509 any", 0 },
	{ "any any 10.20.1.0/24", "tcp 16509 10.20.0.0/24", 0 },
	{ "any 16509 any", "tcp 16509 any", 0 },
};

static void test_digests(void **state)
{
	(void)state;
	check_digests(digest_cases, sizeof(digest_cases) / sizeof(digest_cases[0]),
	              mr_ipt_accept_covers);
}

/* A stop's digest: whether it may take some of the wanted traffic. */
static const struct digest_case stop_cases[] = {
	{ "any any any", "tcp 16509 10.20.0.0/24", 1 },
	{ "tcp 16509 any", "tcp 16509 10.20.0.0/24", 1 },
	{ "udp 16509 any", "tcp 16509 any", 0 },
	{ "tcp 22 any", "tcp 16509 any", 0 },
	/* a deny of one port inside the range stops part of it */
	{ "tcp 49160 any", "tcp 49152:49215 any", 1 },
	{ "tcp 22,49200:49300 any", "tcp 49152:49215 any", 1 },
	{ "tcp 22,49216:49300 any", "tcp 49152:49215 any", 0 },
	{ "any any 10.30.0.0/16", "tcp 16509 10.20.0.0/24", 0 },
	{ "any any 10.0.0.0/8", "tcp 16509 10.20.0.0/24", 1 },
	{ "any any 10.20.0.7", "tcp 16509 10.20.0.0/24", 1 },
	{ "any any 10.20.0.7", "tcp 16509 any", 1 },
	{ "any any fd00::/16", "tcp 16509 10.20.0.0/24", 1 },
	/* what it cannot read rules nothing out; nor does a protocol by
	 * number, which may be TCP's */
	{ "tcp 22:x any", "tcp 16509 any", 1 },
	{ "6 any any", "tcp 16509 any", 1 },
	/* -p in a rules file as iptables takes it: any case, "all" */
	{ "all any any", "tcp 16509 any", 1 },
	{ "TCP 16509 any", "tcp 16509 any", 1 },
	{ "ipv6-icmp any any", "tcp 16509 any", 0 },
	{ "udp any any", "tcp 16509 any", 0 },
	{ "any any host.example", "tcp 16509 10.20.0.0/24", 1 },
	{ "garbage", "tcp 16509 any", 1 },
};

static void test_stops(void **state)
{
	(void)state;
	check_digests(stop_cases, sizeof(stop_cases) / sizeof(stop_cases[0]), mr_ipt_stop_blocks);
	/* a negated condition ('!' from the engine) rules nothing out */
	assert_int_equal(mr_ipt_node_stop_blocks("protocol\ttcp\ndport\t22\njump\tDROP\n",
	                                         "tcp 16509 any", NULL), 0);
	assert_int_equal(mr_ipt_node_stop_blocks("protocol\ttcp\ndport\t!22\njump\tDROP\n",
	                                         "tcp 16509 any", NULL), 1);
	assert_int_equal(mr_ipt_node_stop_blocks("source\t!10.30.0.0/16\njump\tREJECT\n",
	                                         "tcp 16509 10.20.0.0/24", NULL), 1);
	assert_int_equal(mr_ipt_node_stop_blocks("source\t10.30.0.0/16\njump\tREJECT\n",
	                                         "tcp 16509 10.20.0.0/24", NULL), 0);
	assert_int_equal(mr_ipt_node_stop_blocks("protocol\ttcp\njump\tACCEPT\n", "tcp 16509 any",
	                                         NULL), 0);
	/* a jump stops where its chain leads to a stop, however deep, by jump
	 * or goto (the scope: the table's rules, chain by chain) */
	static const char scope[] = "ufw-user-limit\nmatch\tlimit\njump\tLOG\n\n"
	                            "INPUT\n\n" /* a rule without options */
	                            "ufw-user-limit\njump\tREJECT\n\n"
	                            "site\nsource\t10.0.0.0/8\njump\tblock\n\n"
	                            "block\nprotocol\ttcp\ngoto\tlast\n\n"
	                            "last\njump\tDROP\n\n"
	                            "log\njump\tLOG\n\n";
	assert_int_equal(mr_ipt_node_stop_blocks("protocol\ttcp\nmatch\tmultiport\n"
	                                         "dports\t49152:49160\njump\tufw-user-limit\n",
	                                         "tcp 49152:49215 any", scope),
	                 1);
	assert_int_equal(mr_ipt_node_stop_blocks("protocol\ttcp\nmatch\tmultiport\n"
	                                         "dports\t49152:49160\njump\tufw-user-limit\n",
	                                         "tcp 49152:49215 any", NULL),
	                 0);
	assert_int_equal(mr_ipt_node_stop_blocks("jump\tsite\n", "tcp 16509 any", scope), 1);
	assert_int_equal(mr_ipt_node_stop_blocks("goto\tblock\n", "tcp 16509 any", scope), 1);
	assert_int_equal(mr_ipt_node_stop_blocks("jump\tlog\n", "tcp 16509 any", scope), 0);
	assert_int_equal(mr_ipt_node_stop_blocks("jump\t!DROP\n", "tcp 16509 any", NULL), 0);
	/* a goto from a chain with policy DROP (its declaration in the scope)
	 * stops whatever the chain gone to: what that does not accept meets
	 * the policy; a jump there returns, and a goto under ACCEPT too */
	static const char drop_scope[] = "INPUT\npolicy\tDROP\n\n"
	                                 "INPUT\nsource\t10.0.0.0/8\ngoto\tmgmt\n\n"
	                                 "mgmt\nprotocol\ttcp\ndport\t22\njump\tACCEPT\n\n";
	static const char accept_scope[] = "INPUT\npolicy\tACCEPT\n\n"
	                                   "mgmt\nprotocol\ttcp\ndport\t22\njump\tACCEPT\n\n";
	assert_int_equal(mr_ipt_node_stop_blocks("source\t10.0.0.0/8\ngoto\tmgmt\n",
	                                         "tcp 16509 10.20.0.0/24", drop_scope),
	                 1);
	assert_int_equal(mr_ipt_node_stop_blocks("source\t10.30.0.0/16\ngoto\tmgmt\n",
	                                         "tcp 16509 10.20.0.0/24", drop_scope),
	                 0);
	assert_int_equal(mr_ipt_node_stop_blocks("source\t10.0.0.0/8\njump\tmgmt\n",
	                                         "tcp 16509 10.20.0.0/24", drop_scope),
	                 0);
	assert_int_equal(mr_ipt_node_stop_blocks("source\t10.0.0.0/8\ngoto\tmgmt\n",
	                                         "tcp 16509 10.20.0.0/24", accept_scope),
	                 0);
	/* a goto or jump to a chain that accepts the traffic first stops none
	 * of it, under policy DROP too; one whose accepts come after a rule
	 * that goes elsewhere, or take other ports, still stops */
	static const char allowed_scope[] =
		"INPUT\npolicy\tDROP\n\n"
		"allowed\nprotocol\ttcp\nmatch\ttcp\ndport\t22\njump\tACCEPT\n\n"
		"allowed\nprotocol\ttcp\njump\tLOG\n\n"
		"allowed\nsource\t10.20.0.0/16\nprotocol\ttcp\nmatch\ttcp\ndport\t16509\njump\tACCEPT\n\n"
		"allowed\njump\tREJECT\n\n"
		"late\nsource\t10.20.0.0/16\njump\tRETURN\n\n"
		"late\nprotocol\ttcp\nmatch\ttcp\ndport\t16509\njump\tACCEPT\n\n"
		"late\njump\tDROP\n\n";
	assert_int_equal(mr_ipt_node_stop_blocks("goto\tallowed\n", "tcp 16509 10.20.0.0/24",
	                                         allowed_scope),
	                 0);
	assert_int_equal(mr_ipt_node_stop_blocks("source\t10.0.0.0/8\njump\tallowed\n",
	                                         "tcp 16509 10.20.0.0/24", allowed_scope),
	                 0);
	assert_int_equal(mr_ipt_node_stop_blocks("goto\tallowed\n", "tcp 16509 10.30.0.0/24",
	                                         allowed_scope),
	                 1);
	assert_int_equal(mr_ipt_node_stop_blocks("goto\tallowed\n", "tcp 49152:49215 10.20.0.0/24",
	                                         allowed_scope),
	                 1);
	assert_int_equal(mr_ipt_node_stop_blocks("goto\tlate\n", "tcp 16509 10.20.0.0/24",
	                                         allowed_scope),
	                 1);
	/* INPUT's stops too: a REJECT of UDP stops no TCP */
	assert_int_equal(mr_ipt_node_stop_blocks("protocol\tudp\njump\tREJECT\n", "udp 16509 any",
	                                         NULL), 1);
	assert_int_equal(mr_ipt_node_stop_blocks("protocol\tudp\njump\tREJECT\n", "tcp 16509 any",
	                                         NULL), 0);
}

/* A node's children as the engine offers them. */
static void test_node_digest(void **state)
{
	(void)state;
	char *d = mr_ipt_node_digest("source\t10.0.0.0/8\nprotocol\ttcp\nmatch\tmultiport\n"
	                             "dports\t22,49152:65535\nmatch\tcomment\n"
	                             "comment\t\"qemu migration\"\njump\tACCEPT\n");
	assert_string_equal(d, "tcp 22,49152:65535 10.0.0.0/8");
	free(d);
	d = mr_ipt_node_digest("protocol\ttcp\nmatch\tconntrack\nctstate\tNEW\nmatch\ttcp\n"
	                       "dport\t16509\njump\tACCEPT\n");
	assert_string_equal(d, "tcp 16509 any");
	free(d);
	assert_null(mr_ipt_node_digest("in-interface\teth1\nprotocol\ttcp\ndport\t16509\n"
	                               "jump\tACCEPT\n"));
	assert_null(mr_ipt_node_digest("match\tstate\nstate\tRELATED,ESTABLISHED\njump\tACCEPT\n"));
	assert_null(mr_ipt_node_digest("protocol\ttcp\ndport\t16509\njump\tDROP\n"));
	/* neither protocol nor ports: everything from the source */
	d = mr_ipt_node_digest("source\t10.0.0.0/8\njump\tACCEPT\n");
	assert_string_equal(d, "any any 10.0.0.0/8");
	free(d);
	d = mr_ipt_node_digest("match\tstate\nstate\tNEW\njump\tACCEPT\n");
	assert_string_equal(d, "any any any");
	free(d);
	assert_null(mr_ipt_node_digest("protocol\ttcp\njump\tACCEPT\n"));
	assert_null(mr_ipt_node_digest("in-interface\teth1\nsource\t10.0.0.0/8\njump\tACCEPT\n"));
	assert_null(mr_ipt_node_digest("match\trecent\nprotocol\ttcp\ndport\t16509\njump\tACCEPT\n"));
}

/* ---- rules files ---- */

#define DEBIAN "probe=1\nmode=tree\nfile./etc/iptables/rules.v4=present\n"
#define DEBIAN6 DEBIAN "file./etc/iptables/rules.v6=present\n"
#define UFW "probe=1\nmode=tree\nfw.ufw.enabled=yes\n"
#define RANGE "[firewall]\nbackend = iptables\nallow = 49152-49215/tcp\nsource = 10.20.0.0/24\n"
#define UFW_RANGE "[firewall]\nbackend = ufw\nallow = 49152-49215/tcp\nsource = 10.20.0.0/24\n"
#define V6 "[firewall]\nbackend = iptables\nallow = 16509/tcp\nsource = fd00:20::/64\n"
#define REJECT4 "-A INPUT -j REJECT --reject-with icmp-host-prohibited"
#define REJECT6 "-A INPUT -j REJECT --reject-with icmp6-adm-prohibited"
#define END_RULES "### END RULES ###"

struct file_case {
	const char *name, *facts, *profile, *path, *data;
	const char *anchor; /* a line of the file */
	const char *added;  /* lines added before it (after, when below) */
	int below;
	const char *cover; /* the rule that covers, or NULL: none does */
};

static const struct file_case file_cases[] = {
	{ "a wider range from a wider network, above the REJECT", DEBIAN, RANGE,
	  "/etc/iptables/rules.v4", "debian12-rules.v4", REJECT4,
	  "-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 49152:65535 -j ACCEPT", 0,
	  "-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 49152:65535 -j ACCEPT" },
	{ "the same below the REJECT: never reached", DEBIAN, RANGE, "/etc/iptables/rules.v4",
	  "debian12-rules.v4", REJECT4,
	  "-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 49152:65535 -j ACCEPT", 1, NULL },
	{ "a multiport list from anywhere, commented", DEBIAN, RANGE, "/etc/iptables/rules.v4",
	  "debian12-rules.v4", REJECT4,
	  "-A INPUT -p tcp -m multiport --dports 22,49152:49261 -m comment --comment \"qemu\" "
	  "-j ACCEPT", 0,
	  "-A INPUT -p tcp -m multiport --dports 22,49152:49261 -m comment --comment \"qemu\" "
	  "-j ACCEPT" },
	{ "a NEW state only", DEBIAN, RANGE, "/etc/iptables/rules.v4", "debian12-rules.v4", REJECT4,
	  "-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 49000:50000 -j ACCEPT", 0,
	  "-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 49000:50000 -j ACCEPT" },
	{ "everything from the source's network", DEBIAN, RANGE, "/etc/iptables/rules.v4",
	  "debian12-rules.v4", REJECT4, "-A INPUT -s 10.20.0.0/16 -j ACCEPT", 0,
	  "-A INPUT -s 10.20.0.0/16 -j ACCEPT" },
	{ "everything from the source, below the REJECT", DEBIAN, RANGE, "/etc/iptables/rules.v4",
	  "debian12-rules.v4", REJECT4, "-A INPUT -s 10.20.0.0/24 -j ACCEPT", 1, NULL },
	{ "all of tcp from the source: not read", DEBIAN, RANGE, "/etc/iptables/rules.v4",
	  "debian12-rules.v4", REJECT4, "-A INPUT -s 10.20.0.0/24 -p tcp -j ACCEPT", 0, NULL },
	{ "a network beside the source", DEBIAN, RANGE, "/etc/iptables/rules.v4",
	  "debian12-rules.v4", REJECT4,
	  "-A INPUT -s 10.20.1.0/24 -p tcp -m tcp --dport 49152:65535 -j ACCEPT", 0, NULL },
	{ "a negated source", DEBIAN, RANGE, "/etc/iptables/rules.v4", "debian12-rules.v4", REJECT4,
	  "-A INPUT ! -s 192.168.0.0/16 -p tcp -m tcp --dport 49152:65535 -j ACCEPT", 0, NULL },
	{ "the very line, negated", DEBIAN, RANGE, "/etc/iptables/rules.v4", "debian12-rules.v4",
	  REJECT4, "-A INPUT ! -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49215 -j ACCEPT", 0, NULL },
	{ "an interface", DEBIAN, RANGE, "/etc/iptables/rules.v4", "debian12-rules.v4", REJECT4,
	  "-A INPUT -i eth1 -p tcp -m tcp --dport 49152:65535 -j ACCEPT", 0, NULL },
	{ "a range short of the allow", DEBIAN, RANGE, "/etc/iptables/rules.v4",
	  "debian12-rules.v4", REJECT4, "-A INPUT -p tcp -m tcp --dport 49152:49200 -j ACCEPT", 0,
	  NULL },
	{ "udp", DEBIAN, RANGE, "/etc/iptables/rules.v4", "debian12-rules.v4", REJECT4,
	  "-A INPUT -p udp -m udp --dport 49152:65535 -j ACCEPT", 0, NULL },
	{ "rules.v6: a wider IPv6 network", DEBIAN6, V6, "/etc/iptables/rules.v6",
	  "debian12-rules.v6", REJECT6, "-A INPUT -s fd00::/16 -p tcp -m tcp --dport 16509 -j ACCEPT",
	  0, "-A INPUT -s fd00::/16 -p tcp -m tcp --dport 16509 -j ACCEPT" },
	{ "rules.v6: below the REJECT", DEBIAN6, V6, "/etc/iptables/rules.v6", "debian12-rules.v6",
	  REJECT6, "-A INPUT -s fd00::/16 -p tcp -m tcp --dport 16509 -j ACCEPT", 1, NULL },
	{ "ufw: a wider rule before a deny", UFW, UFW_RANGE, "/etc/ufw/user.rules",
	  "ufw-user.rules", END_RULES,
	  "### tuple ### allow tcp 49152:65535 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp -m multiport --dports 49152:65535 -j ACCEPT\n\n"
	  "### tuple ### deny tcp 49160 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp --dport 49160 -j DROP\n",
	  0, "-A ufw-user-input -p tcp -m multiport --dports 49152:65535 -j ACCEPT" },
	{ "ufw: allow from the source's network", UFW, UFW_RANGE, "/etc/ufw/user.rules",
	  "ufw-user.rules", END_RULES,
	  "### tuple ### allow any any 0.0.0.0/0 any 10.20.0.0/16 in\n"
	  "-A ufw-user-input -s 10.20.0.0/16 -j ACCEPT\n",
	  0, "-A ufw-user-input -s 10.20.0.0/16 -j ACCEPT" },
	{ "ufw: a wider rule after a deny", UFW, UFW_RANGE, "/etc/ufw/user.rules", "ufw-user.rules",
	  END_RULES,
	  "### tuple ### deny tcp 49160 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp --dport 49160 -j DROP\n\n"
	  "### tuple ### allow tcp 49152:65535 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp -m multiport --dports 49152:65535 -j ACCEPT\n",
	  0, NULL },
};

/* text with added next to the anchor line. */
static char *with_lines(const char *text, const struct file_case *c)
{
	const char *at = strstr(text, c->anchor);
	assert_non_null(at);
	if (c->below)
		at += strlen(c->anchor) + 1;
	size_t len = strlen(c->added);
	return mr_xasprintf("%.*s%s%s%s", (int)(at - text), text, c->added,
	                    len && c->added[len - 1] == '\n' ? "" : "\n", at);
}

/* The line the last transform's cover is on (its outcome's), 0: none. */
static size_t cover_line;

/* The [firewall] ops for path, applied to text: 0, or -1 with err. */
static int transform(struct mr_aug *aug, const struct file_case *c, const char *text, char **out,
                     int *present, char **old)
{
	struct mr_profile *p = mr_test_profile(c->profile);
	struct mr_error *err = NULL;
	struct mr_facts *facts = mr_facts_parse("h1", c->facts, strlen(c->facts), &err);
	assert_non_null(facts);
	struct mr_plan *plan = mr_plan_new(facts);
	struct mr_res_ctx ctx = { .profile = p };
	assert_int_equal(mr_res_firewall.plan(plan, &ctx, &err), 0);
	size_t file = mr_plan_file_count(plan);
	for (size_t i = 0; i < mr_plan_file_count(plan); i++)
		if (!strcmp(mr_plan_file_path(plan, i), c->path))
			file = i;
	assert_true(file < mr_plan_file_count(plan));
	size_t nops = mr_plan_op_count(plan, file);
	assert_int_equal(nops, 1);
	struct mr_aug_outcome oc[1];
	size_t len = 0;
	int r = mr_aug_transform(aug, c->path, mr_plan_file_lens(plan, file), text, strlen(text),
	                         mr_plan_op(plan, file, 0), nops, oc, out, &len, &err);
	if (r < 0)
		fail_msg("%s: %s", c->name, err->message);
	*present = oc[0].present;
	*old = oc[0].old ? mr_xstrdup(oc[0].old) : NULL;
	cover_line = oc[0].line;
	mr_aug_outcomes_fini(oc, nops);
	mr_plan_free(plan);
	mr_facts_free(facts);
	mr_profile_free(p);
	return r;
}

/* The number of the line of text that starts with start. */
static size_t line_of(const char *text, const char *start)
{
	size_t line = 1;
	for (const char *p = text; *p; line++) {
		if (!strncmp(p, start, strlen(start)))
			return line;
		p += strcspn(p, "\n");
		p += *p == '\n';
	}
	fail_msg("no line starts with '%s'", start);
	return 0;
}

/* A second transform of out finds the line by itself and changes
 * nothing: apply converged. */
static void assert_settled(struct mr_aug *aug, const struct file_case *c, const char *out)
{
	char *again = NULL, *old = NULL;
	int present = 0;
	transform(aug, c, out, &again, &present, &old);
	assert_int_equal(present, 1);
	assert_null(old); /* found by its own line, not a cover */
	assert_int_equal(cover_line, 0);
	assert_string_equal(again, out);
	free(again);
}

static void test_files(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const struct file_case *c = &file_cases[i];
		print_message("case: %s\n", c->name);
		char *orig = mr_test_data("firewall", c->data, NULL);
		char *text = with_lines(orig, c);
		char *out = NULL, *old = NULL;
		int present = 0;
		transform(aug, c, text, &out, &present, &old);
		if (c->cover) {
			assert_int_equal(present, 1);
			assert_string_equal(out, text);
			assert_non_null(old);
			assert_string_equal(old, c->cover);
			/* named with its line (check -v: "(FILE:LINE)") */
			assert_int_equal(cover_line, line_of(text, c->cover));
		} else {
			/* one line added (ufw: its tuple comment too), then in state */
			assert_int_equal(present, 0);
			assert_string_not_equal(out, text);
			assert_non_null(strstr(out, c->added));
			assert_settled(aug, c, out);
		}
		free(old);
		free(out);
		free(text);
		free(orig);
	}
	mr_aug_free(aug);
}

/* The rule lands above the REJECT when the wider one is below it. */
static void test_below_stop_inserts_above(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	const struct file_case *c = &file_cases[1];
	char *orig = mr_test_data("firewall", c->data, NULL);
	char *text = with_lines(orig, c);
	char *out = NULL, *old = NULL;
	int present = 0;
	transform(aug, c, text, &out, &present, &old);
	assert_non_null(strstr(out, "-A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49215 "
	                            "-j ACCEPT\n" REJECT4 "\n" ));
	/* the wider rule below it is named */
	assert_string_equal(old, "below '" REJECT4 "', which stops it");
	free(old);
	free(out);
	free(text);
	free(orig);
	mr_aug_free(aug);
}

/* ufw-user-input read in order: the wanted rule (16509/tcp from
 * 10.20.0.0/24) counts only above the first rule that may drop or reject
 * some of its traffic; a missing one goes above that rule's tuple, as ufw
 * insert writes it, and is found there the next time. */
#define UFW_ONE "[firewall]\nbackend = ufw\nallow = 16509/tcp\nsource = 10.20.0.0/24\n"
#define UFW_LINE "-A ufw-user-input -p tcp --dport 16509 -s 10.20.0.0/24 -j ACCEPT"
#define UFW_TUPLE "### tuple ### allow tcp 16509 0.0.0.0/0 any 10.20.0.0/24 in\n" UFW_LINE "\n"

struct order_case {
	const char *name;
	const char *rules;  /* before ### END RULES ### */
	int present;        /* in the desired state as it is */
	const char *above;  /* else: the new tuple goes right above this */
	const char *old;    /* and what it said was there */
};

static const struct order_case order_cases[] = {
	{ "a deny of its port above it",
	  "### tuple ### deny tcp 16509 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp --dport 16509 -j DROP\n\n" UFW_TUPLE,
	  0, "### tuple ### deny tcp 16509",
	  "below '-A ufw-user-input -p tcp --dport 16509 -j DROP', which stops it" },
	{ "a reject of its source, without a tuple",
	  "-A ufw-user-input -s 10.0.0.0/8 -j REJECT --reject-with tcp-reset\n" UFW_TUPLE, 0,
	  "-A ufw-user-input -s 10.0.0.0/8 -j REJECT",
	  "below '-A ufw-user-input -s 10.0.0.0/8 -j REJECT --reject-with tcp-reset', which stops it" },
	{ "a negated source's deny", "-A ufw-user-input ! -s 10.30.0.0/16 -j DROP\n" UFW_TUPLE, 0,
	  "-A ufw-user-input ! -s 10.30.0.0/16 -j DROP",
	  "below '-A ufw-user-input ! -s 10.30.0.0/16 -j DROP', which stops it" },
	{ "a deny of another network above it",
	  "### tuple ### deny any any 0.0.0.0/0 any 10.30.0.0/16 in\n"
	  "-A ufw-user-input -s 10.30.0.0/16 -j DROP\n\n" UFW_TUPLE, 1, NULL, NULL },
	{ "ssh rate-limited above it (ufw limit)",
	  "### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --set\n"
	  "-A ufw-user-input -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --update "
	  "--seconds 30 --hitcount 6 -j ufw-user-limit\n"
	  "-A ufw-user-input -p tcp --dport 22 -j ufw-user-limit-accept\n\n" UFW_TUPLE
	  "### RATE LIMITING ###\n-A ufw-user-limit -j REJECT\n-A ufw-user-limit-accept -j ACCEPT\n"
	  "### END RATE LIMITING ###\n",
	  1, NULL, NULL },
	/* a limit of its port: the stop is the tuple's second rule, and the
	 * new tuple goes above the whole of that one */
	{ "its port rate-limited above it (ufw limit 16509/tcp)",
	  "### tuple ### limit tcp 16509 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp --dport 16509 -m conntrack --ctstate NEW -m recent --set\n"
	  "-A ufw-user-input -p tcp --dport 16509 -m conntrack --ctstate NEW -m recent --update "
	  "--seconds 30 --hitcount 6 -j ufw-user-limit\n"
	  "-A ufw-user-input -p tcp --dport 16509 -j ufw-user-limit-accept\n\n" UFW_TUPLE
	  "### RATE LIMITING ###\n-A ufw-user-limit -j REJECT\n-A ufw-user-limit-accept -j ACCEPT\n"
	  "### END RATE LIMITING ###\n",
	  0, "### tuple ### limit tcp 16509",
	  "below '-A ufw-user-input -p tcp --dport 16509 -m conntrack --ctstate NEW -m recent --update "
	  "--seconds 30 --hitcount 6 -j ufw-user-limit', which stops it" },
	{ "a deny below it", UFW_TUPLE "\n### tuple ### deny tcp 16509 0.0.0.0/0 any 0.0.0.0/0 in\n"
	  "-A ufw-user-input -p tcp --dport 16509 -j DROP\n", 1, NULL, NULL },
	{ "a wider allow below a deny of part of it",
	  "### tuple ### deny tcp 16509 0.0.0.0/0 any 10.20.0.128/25 in\n"
	  "-A ufw-user-input -p tcp --dport 16509 -s 10.20.0.128/25 -j DROP\n\n"
	  "### tuple ### allow tcp 16509 0.0.0.0/0 any 10.0.0.0/8 in\n"
	  "-A ufw-user-input -p tcp --dport 16509 -s 10.0.0.0/8 -j ACCEPT\n",
	  0, "### tuple ### deny tcp 16509 0.0.0.0/0 any 10.20.0.128/25",
	  "below '-A ufw-user-input -p tcp --dport 16509 -s 10.20.0.128/25 -j DROP', which stops "
	  "it" },
};

static void test_ufw_order(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	for (size_t i = 0; i < sizeof(order_cases) / sizeof(order_cases[0]); i++) {
		const struct order_case *oc = &order_cases[i];
		print_message("case: %s\n", oc->name);
		struct file_case c = { oc->name, UFW, UFW_ONE, "/etc/ufw/user.rules", "ufw-user.rules",
			                   END_RULES, oc->rules, 0, NULL };
		char *orig = mr_test_data("firewall", c.data, NULL);
		char *text = with_lines(orig, &c);
		char *out = NULL, *old = NULL;
		int present = 0;
		transform(aug, &c, text, &out, &present, &old);
		assert_int_equal(present, oc->present);
		if (oc->present) {
			assert_string_equal(out, text);
		} else {
			char *want = mr_xasprintf(UFW_TUPLE "\n%s", oc->above);
			assert_non_null(strstr(out, want));
			free(want);
			assert_non_null(old);
			assert_string_equal(old, oc->old);
			assert_settled(aug, &c, out);
		}
		free(old);
		free(out);
		free(text);
		free(orig);
	}
	mr_aug_free(aug);
}

/* INPUT's stop however deep: a jump to a chain that goes to one that
 * drops is the stop, the rule goes above it and is found there; a jump to
 * a chain that only logs is none. */
static void test_deep_stop(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	static const char head[] = "*filter\n:INPUT DROP [0:0]\n:site - [0:0]\n:block - [0:0]\n"
	                           ":last - [0:0]\n:log - [0:0]\n:inval - [0:0]\n"
	                           "-A INPUT -i lo -j ACCEPT\n";
	static const char tail[] = "-A site -s 10.0.0.0/8 -j block\n-A block -p tcp -g last\n"
	                           "-A last -j DROP\n-A log -j LOG\n"
	                           "-A inval -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n";
#define LINE "-A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\n"
	static const char line[] = LINE;
	static const struct {
		const char *input; /* INPUT's rules after lo's */
		int present;
		const char *above; /* else the rule goes right above this line */
	} cases[] = {
		{ "-A INPUT -j site\n-A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\n", 0,
		  "-A INPUT -j site\n" },
		{ "-A INPUT -j log\n-A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\n", 1,
		  NULL },
		{ "-A INPUT -g block\n", 0, "-A INPUT -g block\n" },
		/* a stop whose state match lacks NEW takes no new connection,
		 * nor does a chain whose only stop is one; with NEW, or
		 * negated, it does */
		{ "-A INPUT -m conntrack --ctstate INVALID -j DROP\n" LINE, 1, NULL },
		{ "-A INPUT -m state --state RELATED,ESTABLISHED,UNTRACKED -j REJECT\n" LINE, 1, NULL },
		{ "-A INPUT -j inval\n" LINE, 1, NULL },
		{ "-A INPUT -m conntrack --ctstate INVALID,NEW -j DROP\n" LINE, 0,
		  "-A INPUT -m conntrack --ctstate INVALID,NEW -j DROP\n" },
		{ "-A INPUT -m conntrack ! --ctstate ESTABLISHED -j DROP\n" LINE, 0,
		  "-A INPUT -m conntrack ! --ctstate ESTABLISHED -j DROP\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		char *text = mr_xasprintf("%s%s%s", head, cases[i].input, tail);
		struct file_case c = { "deep", DEBIAN, "[firewall]\nbackend = iptables\nallow = 16509/tcp\n"
		                       "source = 10.20.0.0/24\n", "/etc/iptables/rules.v4", NULL, NULL,
		                       NULL, 0, NULL };
		char *out = NULL, *old = NULL;
		int present = 0;
		transform(aug, &c, text, &out, &present, &old);
		assert_int_equal(present, cases[i].present);
		if (cases[i].present) {
			assert_string_equal(out, text);
		} else {
			if (strstr(cases[i].input, "16509")) { /* there, but below */
				char *said = mr_xasprintf("below '%.*s', which stops it",
				                          (int)strlen(cases[i].above) - 1, cases[i].above);
				assert_string_equal(old, said);
				free(said);
			}
			char *want = mr_xasprintf("%s%s", line, cases[i].above);
			if (!strstr(out, want))
				fail_msg("case %zu:\n%s", i, out);
			free(want);
			assert_settled(aug, &c, out);
		}
		free(old);
		free(out);
		free(text);
	}
	mr_aug_free(aug);
}
#undef LINE

/* A jump or goto from INPUT to a chain that accepts the wanted traffic
 * (the jump's own conditions taking all of it, the chain's accept above
 * any RETURN, DROP or other jump) covers it, the jump named; a jump of
 * other traffic, or a chain that returns or drops first, does not. */
static void test_jump_cover(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	struct mr_aug *aug = mr_aug_new(MR_LENS_DIRS, &err);
	assert_non_null(aug);
	static const char head[] = "*filter\n:INPUT DROP [0:0]\n:mig - [0:0]\n:ret - [0:0]\n"
	                           ":drp - [0:0]\n-A INPUT -i lo -j ACCEPT\n";
	static const char tail[] = "-A mig -p tcp -m tcp --dport 49152:49261 -j ACCEPT\n"
	                           "-A mig -p tcp -m tcp --dport 16509 -j ACCEPT\n"
	                           "-A ret -s 10.20.0.0/24 -j RETURN\n"
	                           "-A ret -p tcp -m tcp --dport 16509 -j ACCEPT\n"
	                           "-A drp -s 10.0.0.0/8 -j DROP\n"
	                           "-A drp -p tcp -m tcp --dport 16509 -j ACCEPT\nCOMMIT\n";
	static const struct {
		const char *input; /* INPUT's rules after lo's */
		const char *cover; /* the line named as covering, or NULL */
		const char *above; /* else the rule goes right above this line */
	} cases[] = {
		{ "-A INPUT -s 10.20.0.0/16 -j mig\n", "-A INPUT -s 10.20.0.0/16 -j mig", NULL },
		{ "-A INPUT -p tcp -m tcp --dport 16509 -g mig\n",
		  "-A INPUT -p tcp -m tcp --dport 16509 -g mig", NULL },
		/* no stop: after INPUT's last rule */
		{ "-A INPUT -p tcp -m tcp --dport 22 -j mig\n", NULL, "-A mig " },
		{ "-A INPUT -s 10.30.0.0/16 -j mig\n", NULL, "-A mig " },
		{ "-A INPUT -j ret\n", NULL, "-A mig " },
		{ "-A INPUT -j drp\n", NULL, "-A INPUT -j drp\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		char *text = mr_xasprintf("%s%s%s", head, cases[i].input, tail);
		struct file_case c = { "jump", DEBIAN, "[firewall]\nbackend = iptables\nallow = 16509/tcp\n"
		                       "source = 10.20.0.0/24\n", "/etc/iptables/rules.v4", NULL, NULL,
		                       NULL, 0, NULL };
		char *out = NULL, *old = NULL;
		int present = 0;
		transform(aug, &c, text, &out, &present, &old);
		assert_int_equal(present, cases[i].cover != NULL);
		if (cases[i].cover) {
			assert_string_equal(out, text);
			assert_string_equal(old, cases[i].cover);
			assert_int_equal(cover_line, 7); /* after head's 6 lines */
		} else {
			char *want = mr_xasprintf("-A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j "
			                          "ACCEPT\n%s",
			                          cases[i].above);
			if (!strstr(out, want))
				fail_msg("case %zu:\n%s", i, out);
			free(want);
		}
		free(old);
		free(out);
		free(text);
	}
	mr_aug_free(aug);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_node_digest),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_below_stop_inserts_above),
		cmocka_unit_test(test_stops),
		cmocka_unit_test(test_ufw_order),
		cmocka_unit_test(test_deep_stop),
		cmocka_unit_test(test_jump_cover),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
