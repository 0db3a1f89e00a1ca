/* Inventories: migready's format (defaults, groups, hosts, precedence, set
 * overrides, paths, every error with its place) and Ansible INI ones
 * (groups, :vars, :children, ranges, ignored variables). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

#include "inventory.h"

#define DIR MR_TEST_DATA "/inventory"
#define HOME "/home/op"

static int setup(void **state)
{
	(void)state;
	/* "~" in the test inventories expands to a known place */
	setenv("HOME", HOME, 1);
	return 0;
}

static char *subst(const char *want)
{
	return mr_test_subst(want, DIR);
}


static struct mr_inventory *load(const char *name)
{
	char *path = mr_xasprintf("%s/%s", DIR, name);
	struct mr_error *err = NULL;
	struct mr_inventory *inv = mr_inventory_load(path, &err);
	if (err) {
		char *s = mr_test_all_errors(err);
		print_error("unexpected errors:\n%s", s);
		free(s);
	}
	assert_null(err);
	assert_non_null(inv);
	assert_string_equal(mr_inventory_path(inv), path);
	free(path);
	return inv;
}

static void expect_errors(const char *name, const char *want)
{
	char *path = mr_xasprintf("%s/%s", DIR, name);
	struct mr_error *err = NULL;
	struct mr_inventory *inv = mr_inventory_load(path, &err);
	char *got = mr_test_all_errors(err);
	char *exp = subst(want);
	assert_null(inv);
	assert_string_equal(got, exp);
	for (const struct mr_error *e = err; e; e = e->next)
		assert_int_equal(e->kind, MR_ERR_INPUT);
	free(got);
	free(exp);
	free(path);
	mr_error_free(err);
}

/* "a b c" for a NULL-terminated list. */
static char *join(char *const *v)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; v && v[i]; i++)
		mr_buf_printf(&b, "%s%s", i ? " " : "", v[i]);
	return mr_buf_steal(&b, NULL);
}

static void assert_list(char *const *v, const char *want)
{
	assert_non_null(v);
	char *got = join(v);
	char *exp = subst(want);
	assert_string_equal(got, exp);
	free(got);
	free(exp);
}

static char *overrides(const struct mr_host *h)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < h->n_overrides; i++) {
		const struct mr_override *o = &h->overrides[i];
		mr_buf_printf(&b, "%u:%s.%s=%s;", o->loc.line, o->section, o->key, o->value);
	}
	return mr_buf_steal(&b, NULL);
}

static void assert_overrides(const struct mr_host *h, const char *want)
{
	char *got = overrides(h);
	assert_string_equal(got, want);
	free(got);
}

/* The fields of one host, for a table of expectations. */
struct want_host {
	const char *name, *address;
	unsigned port;
	const char *user, *identity, *known_hosts, *root;
	enum mr_host_key_check hkc;
	const char *profiles, *groups, *overrides;
	unsigned line;
};

static void check_hosts(const struct mr_inventory *inv, const struct want_host *w, size_t n)
{
	assert_int_equal(mr_inventory_count(inv), n);
	for (size_t i = 0; i < n; i++) {
		const struct mr_host *h = mr_inventory_host(inv, i);
		assert_non_null(h);
		assert_string_equal(h->name, w[i].name);
		assert_string_equal(h->address, w[i].address);
		assert_int_equal(h->port, w[i].port);
		assert_string_equal(h->user, w[i].user);
		if (w[i].identity) {
			char *id = subst(w[i].identity);
			assert_non_null(h->identity);
			assert_string_equal(h->identity, id);
			free(id);
		} else {
			assert_null(h->identity);
		}
		char *kh = subst(w[i].known_hosts);
		assert_string_equal(h->known_hosts, kh);
		free(kh);
		if (w[i].root)
			assert_string_equal(h->root, w[i].root);
		else
			assert_null(h->root);
		assert_int_equal(h->host_key_check, w[i].hkc);
		assert_list(h->profiles, w[i].profiles);
		assert_list(h->groups, w[i].groups);
		assert_overrides(h, w[i].overrides);
		assert_string_equal(h->loc.file, mr_inventory_path(inv));
		assert_int_equal(h->loc.line, w[i].line);
	}
	assert_null(mr_inventory_host(inv, n));
}

#define KH HOME "/.ssh/known_hosts"

static void test_design(void **state)
{
	(void)state;
	struct mr_inventory *inv = load("design.ini");
	static const struct want_host want[] = {
		{ "compute1", "10.20.0.11", 22, "root", HOME "/.ssh/id_ed25519", KH, NULL,
		  MR_HOST_KEY_STRICT, "{D}/profiles/shared-nfs-tcp.ini", "compute", "", 14 },
		{ "compute2", "10.20.0.12", 2222, "root", HOME "/.ssh/id_ed25519", KH,
		  "/srv/images/compute2", MR_HOST_KEY_STRICT, "{D}/profiles/shared-nfs-tcp.ini",
		  "compute", "", 16 },
		{ "nfs1", "10.20.0.5", 22, "root", HOME "/.ssh/id_ed25519", KH, NULL,
		  MR_HOST_KEY_STRICT, "{D}/profiles/shared-nfs-tcp.ini", "storage",
		  "12:nfs.role=server;", 20 },
	};
	check_hosts(inv, want, MR_ARRAY_LEN(want));
	const struct mr_host *nfs1 = mr_inventory_host(inv, 2);
	/* the override's place names the inventory, which owns the string */
	assert_string_equal(nfs1->overrides[0].loc.file, mr_inventory_path(inv));
	mr_inventory_free(inv);
}

static void test_precedence(void **state)
{
	(void)state;
	struct mr_inventory *inv = load("precedence.ini");
	/* host > group (the later group wins) > defaults; lists (profile) come
	 * whole from the most specific level that names them; set overrides
	 * are the groups' in group order, then the host's */
	static const struct want_host want[] = {
		{ "h1", "h1", 2200, "ga", NULL, KH, NULL, MR_HOST_KEY_ACCEPT_NEW, "{D}/base.ini", "a",
		  "10:libvirtd.auth_tcp=sasl;11:firewall.allow=16509/tcp;", 8 },
		{ "h2", "h2", 2201, "own", "{D}/keys/h2", "/etc/ssh/known", NULL, MR_HOST_KEY_OFF,
		  "{D}/b1.ini {D}/b2.ini", "a b",
		  "10:libvirtd.auth_tcp=sasl;11:firewall.allow=16509/tcp;19:libvirtd.auth_tcp=none;"
		  "23:firewall.allow=22/tcp;",
		  21 },
		{ "h3", "h3", 2200, "ga", NULL, KH, NULL, MR_HOST_KEY_ACCEPT_NEW, "{D}/base.ini", "a",
		  "10:libvirtd.auth_tcp=sasl;11:firewall.allow=16509/tcp;", 8 },
		{ "h4", "h4", 2201, "gb", NULL, KH, NULL, MR_HOST_KEY_ACCEPT_NEW,
		  "{D}/b1.ini {D}/b2.ini", "b", "19:libvirtd.auth_tcp=none;", 14 },
		{ "h5", "192.0.2.5", 2200, "admin", NULL, KH, NULL, MR_HOST_KEY_ACCEPT_NEW,
		  "{D}/base.ini", "", "", 28 },
	};
	check_hosts(inv, want, MR_ARRAY_LEN(want));
	mr_inventory_free(inv);
}

static void test_errors(void **state)
{
	(void)state;
	expect_errors("errors.ini",
	              "{D}/errors.ini:2: unknown key 'usr' in [defaults]; did you mean 'user'?\n"
	              "{D}/errors.ini:3: port: expected a port number (1-65535), got '99999'\n"
	              "{D}/errors.ini:4: host_key_check: expected strict, accept-new or off, got "
	              "'maybe'\n"
	              "{D}/errors.ini:7: hosts: 'w1' is already in [group web]\n"
	              "{D}/errors.ini:8: set: expected 'section.key value', got 'nfsrole server'\n"
	              "{D}/errors.ini:9: nfs.role: expected server, client, both or none, got 'srv'\n"
	              "{D}/errors.ini:11: set: duplicate 'libvirtd.auth_tcp' in [group web], first "
	              "set at {D}/errors.ini:10\n"
	              "{D}/errors.ini:13: address: expected a host name or an IP address, got 'not "
	              "an address'\n"
	              "{D}/errors.ini:15: duplicate key 'port' in [host w1], first set at "
	              "{D}/errors.ini:14\n"
	              "{D}/errors.ini:16: duplicate [host w1], first at {D}/errors.ini:12\n"
	              "{D}/errors.ini:17: unknown section [hots w2]; did you mean [host w2]?\n"
	              "{D}/errors.ini:18: unknown section [default]; did you mean [defaults]?\n"
	              "{D}/errors.ini:19: [host bad name]: expected a host name, got 'bad name'\n"
	              "{D}/errors.ini:21: address: expected a host name or an IP address, got '-x'\n"
	              "{D}/errors.ini:22: unknown key 'adress' in [host w3]; did you mean "
	              "'address'?\n"
	              "{D}/errors.ini:5: [group empty] names no hosts\n");
	/* a misspelt [defaults] keeps the file in migready's format */
	expect_errors("typo.ini",
	              "{D}/typo.ini:1: unknown section [defualts]; did you mean [defaults]?\n");
	expect_errors("nohosts.ini", "{D}/nohosts.ini: no hosts\n");
	expect_errors("nope.ini", "{D}/nope.ini: cannot open: No such file or directory\n");
}

static void test_ansible(void **state)
{
	(void)state;
	struct mr_inventory *inv = load("ansible.ini");
	/* variables: all < cluster < compute (deeper groups win) < the host's
	 * own, later lines over earlier ones */
	static const struct want_host want[] = {
		{ "bastion", "203.0.113.10", 22, "admin", NULL, KH, NULL, MR_HOST_KEY_STRICT,
		  "{D}/profiles/a.ini {D}/profiles/b.ini", "", "", 2 },
		{ "compute1", "10.20.0.11", 2201, "ubuntu", HOME "/.ssh/compute_key", KH, NULL,
		  MR_HOST_KEY_STRICT, "{D}/profiles/a.ini {D}/profiles/b.ini", "cluster compute", "",
		  5 },
		{ "compute2", "10.20.0.12", 2222, "cloud", HOME "/.ssh/compute_key", KH, NULL,
		  MR_HOST_KEY_STRICT, "{D}/profiles/a.ini {D}/profiles/b.ini", "cluster compute", "",
		  6 },
		{ "web01.example.com", "web01.example.com", 2022, "cloud", HOME "/.ssh/compute_key",
		  KH, NULL, MR_HOST_KEY_STRICT, "{D}/profiles/a.ini {D}/profiles/b.ini",
		  "cluster compute", "", 7 },
		{ "web02.example.com", "web02.example.com", 2022, "cloud", HOME "/.ssh/compute_key",
		  KH, NULL, MR_HOST_KEY_STRICT, "{D}/profiles/a.ini {D}/profiles/b.ini",
		  "cluster compute", "", 7 },
		{ "web03.example.com", "web03.example.com", 2022, "cloud", HOME "/.ssh/compute_key",
		  KH, NULL, MR_HOST_KEY_STRICT, "{D}/profiles/a.ini {D}/profiles/b.ini",
		  "cluster compute", "", 7 },
		{ "nfs1", "10.20.0.5", 2200, "cloud", "{D}/keys/nfs", KH, NULL, MR_HOST_KEY_STRICT,
		  "{D}/profiles/a.ini {D}/profiles/b.ini", "cluster storage", "", 10 },
		{ "db1", "db1", 2300, "cloud", NULL, KH, NULL, MR_HOST_KEY_STRICT,
		  "{D}/profiles/a.ini {D}/profiles/b.ini", "cluster storage", "", 32 },
		{ "db2", "db2", 2300, "cloud", NULL, KH, NULL, MR_HOST_KEY_STRICT,
		  "{D}/profiles/a.ini {D}/profiles/b.ini", "cluster storage", "", 32 },
	};
	check_hosts(inv, want, MR_ARRAY_LEN(want));
	mr_inventory_free(inv);
}

static void test_ansible_errors(void **state)
{
	(void)state;
	expect_errors("ansible_bad.ini",
	              "{D}/ansible_bad.ini:2: ansible_port: expected a port number (1-65535), got "
	              "'http'\n"
	              "{D}/ansible_bad.ini:3: ansible_host: cannot evaluate a Jinja template "
	              "'{{ lookup('env', 'X') }}'\n"
	              "{D}/ansible_bad.ini:4: expected VAR=VALUE after the host name, got 'stray'\n"
	              "{D}/ansible_bad.ini:5: expected a host name or a range like web[01:20], got "
	              "'w[1:x]'\n"
	              "{D}/ansible_bad.ini:6: expected [GROUP], [GROUP:vars] or [GROUP:children], got "
	              "'[web:foo]'\n"
	              "{D}/ansible_bad.ini:8: expected VAR=VALUE, got 'novalue'\n"
	              "{D}/ansible_bad.ini:9: ansible_user: expected a user name, got '9bad'\n"
	              "{D}/ansible_bad.ini:15: unclosed quote\n"
	              "{D}/ansible_bad.ini:11: [a:children]: 'b' is a descendant of 'a' itself\n"
	              "{D}/ansible_bad.ini:13: [b:children]: 'a' is a descendant of 'b' itself\n");
}

/* Loads text from a temporary file: the host names ("a b") or the first
 * error without its place. */
static char *load_text(const char *text)
{
	char path[] = "/tmp/mr-inv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct mr_error *err = NULL;
	struct mr_inventory *inv = mr_inventory_load(path, &err);
	unlink(path);
	struct mr_buf b;
	mr_buf_init(&b);
	if (err) {
		mr_buf_printf(&b, "error: %s", err->message);
	} else {
		for (size_t i = 0; i < mr_inventory_count(inv); i++) {
			const struct mr_host *h = mr_inventory_host(inv, i);
			mr_buf_printf(&b, "%s%s:%u", i ? " " : "", h->name, h->port);
		}
	}
	mr_error_free(err);
	mr_inventory_free(inv);
	return mr_buf_steal(&b, NULL);
}

static void test_detection(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		/* migready's format */
		{ "[host a]\n[host b]\nport = 2\n", "a:22 b:2" },
		{ "[defaults]\nport=3\n[group g]\nhosts = x y\n", "x:3 y:3" },
		{ "[host a]\r\nport = 2222\r\n", "a:2222" },
		{ "\xef\xbb\xbf[host a]\nport = 7   ; inline comment\n", "a:7" },
		{ "[compute]\nhosts = a b\n",
		  "error: unknown section [compute]; expected [defaults], [group NAME] or [host NAME]" },
		{ "[host a]\nweb1 ansible_host=x\n",
		  "error: unknown key 'web1 ansible_host' in [host a]" },
		{ "[host a]\nweb1\n", "error: expected 'key = value', got 'web1'" },
		{ "[group g]\n", "error: [group g] names no hosts" },
		{ "[host]\n", "error: [host] needs a name: [host NAME]" },
		{ "port = 2\n[host a]\n", "error: key 'port' outside any section" },
		{ "[host a]\nport = \x01\n", "error: control character 0x01 in line" },
		/* Ansible's */
		{ "a\nb:2200\n", "a:22 b:2200" },
		{ "[web]\nw1\n; comment\n# comment\nw2 ansible_port=5\n", "w1:22 w2:5" },
		{ "[all:vars]\nansible_port=3\n", "error: no hosts" },
		{ "[web]\nw[8:10]\n[web:vars]\nansible_port=4\n", "w8:4 w9:4 w10:4" },
		{ "[web]\nw[a:c]\n", "wa:22 wb:22 wc:22" },
		{ "[web]\nw[01:05:2]\n", "w01:22 w03:22 w05:22" },
		{ "[web]\n2001:db8::1 ansible_port=9\n", "2001:db8::1:9" },
		{ "[web]\nw1 ansible_port=9 ansible_port=10\n", "w1:10" },
		{ "[p:children]\nc\n[c]\nh\n[p:vars]\nansible_port=1\n[c:vars]\nansible_port=2\n",
		  "h:2" },
		{ "[web]\nw1 migready_host_key_check=sometimes\n",
		  "error: migready_host_key_check: expected strict, accept-new or off, got "
		  "'sometimes'" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *got = load_text(cases[i].text);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].want, got);
		free(got);
	}
}

/* Ranges multiply: one line may not name more than 10000 hosts (the
 * controller would run out of memory before contacting any). */
static void test_ansible_range_bound(void **state)
{
	(void)state;
	char *got = load_text("[g]\nh[0:9999]x[0:99]\n");
	assert_string_equal(got, "error: 'h[0:9999]x[0:99]' names more than 10000 hosts");
	free(got);
	/* The most a line may name; each host was once looked up among all
	 * those before it, which fuzz_inventory_ansible timed out on. */
	got = load_text("[g]\nh[0:99]x[0:99]\n");
	assert_non_null(strstr(got, "h0x0:22 "));
	assert_non_null(strstr(got, " h99x99:22"));
	assert_null(strstr(got, "error"));
	free(got);
	got = load_text("[g]\nh[0:9999]xb0:&9]\n");
	assert_string_equal(got, "error: ansible_port: expected a port number (1-65535), got '&9]'");
	free(got);
}

/* Bounds near LONG_MAX: the loop once overflowed there and never ended
 * (UBSan: signed integer overflow, shown by fuzz_inventory_ansible). */
static void test_ansible_range_limits(void **state)
{
	(void)state;
	char *got = load_text("[g]\nh[9223372036854775806:9223372036854775807]\n");
	assert_string_equal(got, "h9223372036854775806:22 h9223372036854775807:22");
	free(got);
	got = load_text("[g]\nh[9223372036854775806:99999999999999999999]\n");
	assert_string_equal(got, "error: expected a host name or a range like web[01:20], got "
	                         "'h[9223372036854775806:99999999999999999999]'");
	free(got);
	got = load_text("[g]\nh[1:7:3]\n");
	assert_string_equal(got, "h1:22 h4:22 h7:22");
	free(got);
}

static void test_free_null(void **state)
{
	(void)state;
	mr_inventory_free(NULL);
	assert_int_equal(mr_inventory_count(NULL), 0);
	assert_null(mr_inventory_host(NULL, 0));
	assert_null(mr_inventory_path(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ansible),
		cmocka_unit_test(test_ansible_errors),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_ansible_range_bound),
		cmocka_unit_test(test_ansible_range_limits),
		cmocka_unit_test(test_free_null),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
