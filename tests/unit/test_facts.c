/* Facts: the probe's output parsed (and refused where a broken or hostile
 * host could slip something in), the outputs of real hosts read into a
 * listener world, and the probe itself run on small trees, lock included. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "facts.h"
#include "transport.h"
#include "util.h"

#define TREES MR_TEST_DATA "/facts"

static struct mr_facts *parse_ok(const char *text)
{
	struct mr_error *err = NULL;
	struct mr_facts *f = mr_facts_parse("h1", text, strlen(text), &err);
	if (!f)
		fail_msg("refused: %s", err->message);
	assert_null(err);
	return f;
}

/* ---- parsing ---- */

struct parse_case {
	const char *name;
	const char *text;
	size_t len;        /* 0: strlen(text) */
	const char *key;   /* ok: this key ... */
	const char *value; /* ... has this value (NULL: absent) */
	unsigned bad_line; /* refused, naming this line */
	const char *bad_key; /* ... and this key */
};

static const struct parse_case parse_cases[] = {
	{ "plain", "probe=1\nmode=live\n", 0, "mode", "live", 0, NULL },
	{ "value holds '='", "hostkey=ssh-ed25519 AAAA==\n", 0, "hostkey", "ssh-ed25519 AAAA==", 0, NULL },
	{ "empty value", "probe=1\nos.id=\n", 0, "os.id", "", 0, NULL },
	{ "last line unterminated", "a=1\nb=2", 0, "b", "2", 0, NULL },
	{ "repeated key: the last", "a=1\na=2\n", 0, "a", "2", 0, NULL },
	{ "key charset", "unit.getty@tty1.service=static\n", 0, "unit.getty@tty1.service", "static", 0, NULL },
	{ "mark ends it", "a=1\n" MR_HELD_MARK "\nb=2\n", 0, "b", NULL, 0, NULL },
	/* What follows the mark is not the probe's: never read. */
	{ "garbage after mark", "a=1\n" MR_HELD_MARK "\nnot a fact\n\x01\n", 0, "a", "1", 0, NULL },
	{ "mark is a whole line", "a=1\n" MR_HELD_MARK "x\n", 0, NULL, NULL, 2, NULL },
	{ "no '='", "probe=1\njust text\n", 0, NULL, NULL, 2, NULL },
	{ "empty line", "a=1\n\nb=2\n", 0, NULL, NULL, 2, NULL },
	{ "upper case key", "probe=1\nProbe=1\n", 0, NULL, NULL, 2, NULL },
	{ "space in key", "a b=1\n", 0, NULL, NULL, 1, NULL },
	{ "empty key", "=1\n", 0, NULL, NULL, 1, NULL },
	{ "shell in key", "a;b=1\n", 0, NULL, NULL, 1, NULL },
	{ "control byte", "a=1\nb=x\x01y\n", 0, NULL, NULL, 2, "value of b " },
	{ "carriage return", "a=x\r\n", 0, NULL, NULL, 1, "value of a " },
	{ "tab", "a=x\ty\n", 0, NULL, NULL, 1, "(byte 9;" },
	{ "escape sequence", "a=\x1b[31mred\n", 0, NULL, NULL, 1, "a holds a control character (byte 27" },
	{ "DEL", "a=\x7f\n", 0, NULL, NULL, 1, "(byte 127;" },
	{ "NUL in value", "a=b\0c\n", 6, NULL, NULL, 1, "(byte 0;" },
	{ "NUL in key", "a\0b=c\n", 6, NULL, NULL, 1, NULL },
	/* Kept as "pending", it would skip the unit-name check. */
	{ "NUL smuggles pending", "pending\0=x; rm -rf /\n", 21, NULL, NULL, 1, NULL },
	/* A socket's ListenStream line: its file, line and value; an older
	 * probe's form (no line) was read once, the file alone named (found
	 * by a review: no run reads facts but this probe's) */
	{ "ListenStream line", "socket.x.socket.listen=/etc/x%20y.conf 3 [::]:16509\n", 0,
	  "socket.x.socket.listen", "/etc/x%20y.conf 3 [::]:16509", 0, NULL },
	{ "ListenStream reset", "socket.x.socket.listen=/etc/x.conf 2 \n", 0,
	  "socket.x.socket.listen", "/etc/x.conf 2 ", 0, NULL },
	{ "ListenStream without its line", "a=1\nsocket.x.socket.listen=/etc/x.conf 10.0.0.5:16509\n",
	  0, NULL, NULL, 2, "socket.x.socket.listen is not FILE LINE VALUE" },
	{ "... a port alone", "socket.x.socket.listen=/etc/x.conf 16509\n", 0, NULL, NULL, 1,
	  "socket.x.socket.listen " },
	{ "... a reset", "socket.x.socket.listen=/etc/x.conf \n", 0, NULL, NULL, 1,
	  "socket.x.socket.listen " },
	{ "... no file", "socket.x.socket.listen= 3 16509\n", 0, NULL, NULL, 1,
	  "socket.x.socket.listen " },
	{ "... line 0", "socket.x.socket.listen=/etc/x.conf 0 16509\n", 0, NULL, NULL, 1,
	  "socket.x.socket.listen " },
	{ "... no blank at all", "socket.x.socket.listen=/etc/x.conf\n", 0, NULL, NULL, 1,
	  "socket.x.socket.listen " },
	/* other facts of the same shape are not held to it */
	{ "socket.UNIT.file", "socket.x.socket.file=/etc/x.conf\n", 0, "socket.x.socket.file",
	  "/etc/x.conf", 0, NULL },
	{ "...listen elsewhere", "libvirtd.listen=1\n", 0, "libvirtd.listen", "1", 0, NULL },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct mr_error *err = NULL;
		size_t len = c->len ? c->len : strlen(c->text);
		struct mr_facts *f = mr_facts_parse("h1", c->text, len, &err);
		if (c->bad_line) {
			if (f)
				fail_msg("%s: accepted", c->name);
			assert_non_null(err);
			assert_int_equal(err->kind, MR_ERR_HOST);
			/* The operator must learn which host and where. */
			char *msg = mr_error_format(err);
			char *want = mr_xasprintf("h1: facts probe: line %u%s", c->bad_line, c->bad_key ? ":" : " ");
			if (strncmp(msg, want, strlen(want)) != 0)
				fail_msg("%s: '%s' does not start with '%s'", c->name, msg, want);
			free(want);
			/* a value's control character: the key named too */
			if (c->bad_key && !strstr(msg, c->bad_key))
				fail_msg("%s: '%s' does not name %s", c->name, msg, c->bad_key);
			free(msg);
			mr_error_free(err);
			continue;
		}
		if (!f)
			fail_msg("%s: refused: %s", c->name, err->message);
		const char *v = mr_facts_get(f, c->key);
		if (c->value && (!v || strcmp(v, c->value) != 0))
			fail_msg("%s: %s is '%s', want '%s'", c->name, c->key, v ? v : "(null)", c->value);
		if (!c->value && v)
			fail_msg("%s: %s is '%s', want absent", c->name, c->key, v);
		mr_facts_free(f);
	}
}

static void test_key_length_bounded(void **state)
{
	(void)state;
	char key[202];
	memset(key, 'k', sizeof(key));
	for (size_t n = 200; n <= 201; n++) {
		char *line = mr_xasprintf("%.*s=v\n", (int)n, key);
		struct mr_error *err = NULL;
		struct mr_facts *f = mr_facts_parse("h1", line, strlen(line), &err);
		if (n == 200) {
			assert_non_null(f);
			assert_int_equal(mr_facts_count(f), 1);
		} else {
			assert_null(f);
			assert_non_null(err);
		}
		mr_facts_free(f);
		mr_error_free(err);
		free(line);
	}
}

/* Every fact of a long probe, with long and empty values and a last line
 * without its newline, reads back as it was, also from a copy (whose
 * strings take several blocks). */
static void test_many_facts_read_back(void **state)
{
	(void)state;
	char pad[601];
	memset(pad, 'x', 600);
	pad[600] = '\0';
	struct mr_buf text;
	mr_buf_init(&text);
	for (int i = 0; i < 3000; i++)
		mr_buf_printf(&text, "k.%d=%s%d%s", i, i % 7 ? "" : pad, i, i < 2999 ? "\n" : "");
	mr_buf_puts(&text, "\nempty=");
	struct mr_error *err = NULL;
	struct mr_facts *f = mr_facts_parse("h1", text.data, text.len, &err);
	assert_non_null(f);
	struct mr_facts *c = mr_facts_copy(f);
	mr_facts_free(f);
	assert_int_equal(mr_facts_count(c), 3001);
	for (int i = 0; i < 3000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "k.%d", i);
		const char *v = mr_facts_get(c, key);
		assert_non_null(v);
		char want[32];
		snprintf(want, sizeof(want), "%d", i);
		size_t xs = i % 7 ? 0 : 600;
		assert_int_equal(strspn(v, "x"), xs);
		assert_string_equal(v + xs, want);
	}
	assert_string_equal(mr_facts_get(c, "empty"), "");
	mr_facts_free(c);
	mr_buf_fini(&text);
}

/* File names in messages: the blank and '%' back, control characters and
 * anything else left as sent. */
static void test_fact_path_shown(void **state)
{
	(void)state;
	const char *in = "/etc/a%20b/c%25d%1Be%2%x%";
	assert_string_equal(mr_fact_path_shown(in, (int)strlen(in)), "/etc/a b/c%d%1Be%2%x%");
	/* only len bytes, and a %XX cut by it is left */
	assert_string_equal(mr_fact_path_shown("ab%20c", 4), "ab%2");
	const char *a = mr_fact_path_shown("one%20", 6), *b = mr_fact_path_shown("two", 3);
	assert_string_equal(a, "one ");
	assert_string_equal(b, "two");
	/* a long name of control characters, each spelt %XX: shown whole */
	struct mr_buf lng;
	mr_buf_init(&lng);
	for (int i = 0; i < 2000; i++)
		mr_buf_puts(&lng, "%1B");
	assert_string_equal(mr_fact_path_shown(lng.data, (int)lng.len), lng.data);
	mr_buf_fini(&lng);
}

/* A sane probe prints a few hundred lines; 4096 is the bound. */
static void test_too_many_lines(void **state)
{
	(void)state;
	for (size_t n = 4096; n <= 4097; n++) {
		struct mr_buf b;
		mr_buf_init(&b);
		for (size_t i = 0; i < n; i++)
			mr_buf_printf(&b, "k%zu=v\n", i);
		mr_buf_puts(&b, MR_HELD_MARK "\n");
		struct mr_error *err = NULL;
		struct mr_facts *f = mr_facts_parse("h1", b.data, b.len, &err);
		if (n == 4096) {
			assert_non_null(f);
			assert_int_equal(mr_facts_count(f), 4096);
		} else {
			assert_null(f);
			char *msg = mr_error_format(err);
			assert_non_null(strstr(msg, "h1: facts probe: line 4097 "));
			free(msg);
		}
		mr_facts_free(f);
		mr_error_free(err);
		mr_buf_fini(&b);
	}
}

/* restart-pending is read back from the host, which may have been
 * tampered with: only unit names survive, once each, and few. */
static void test_pending_validated(void **state)
{
	(void)state;
	struct mr_facts *f = parse_ok("probe=1\n"
	                              "pending=libvirtd.service\n"
	                              "pending=x; rm -rf /\n"
	                              "pending=a'b\n"
	                              "pending=a'b.service\n"
	                              "pending=$(reboot).service\n"
	                              "pending=-H.service\n"
	                              "pending=../../etc/passwd\n"
	                              "pending=libvirtd\n"
	                              "pending=\n"
	                              "pending=libvirtd.service\n"
	                              "pending=virtqemud.service\n");
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, "pending", &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "libvirtd.service");
	assert_string_equal(v[1], "virtqemud.service");
	free(v);
	/* Not kept under any key either. */
	for (size_t i = 0; i < mr_facts_count(f); i++) {
		const char *k, *val;
		mr_facts_pair(f, i, &k, &val);
		assert_null(strpbrk(val, ";'$/ "));
	}
	/* and the next apply is told to rewrite the file without them */
	assert_string_equal(mr_facts_get(f, "pending.dropped"), "yes");
	assert_int_equal(mr_facts_count(f), 4);
	mr_facts_free(f);
}

static void test_pending_capped(void **state)
{
	(void)state;
	struct mr_buf b;
	mr_buf_init(&b);
	for (int round = 0; round < 2; round++) /* every name twice */
		for (int i = 0; i < 100; i++)
			mr_buf_printf(&b, "pending=u%d.service\n", i);
	struct mr_error *err = NULL;
	struct mr_facts *f = mr_facts_parse("h1", b.data, b.len, &err);
	assert_non_null(f);
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, "pending", &v);
	assert_int_equal(n, 64);
	assert_string_equal(v[0], "u0.service");
	assert_string_equal(v[63], "u63.service");
	free(v);
	mr_facts_free(f);
	mr_buf_fini(&b);
}

static void test_unit_name_valid(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int valid;
	} cases[] = {
		{ "libvirtd.service", 1 },
		{ "libvirtd-tcp.socket", 1 },
		{ "getty@tty1.service", 1 },
		{ "var-lib-nova-instances.mount", 1 },
		{ "sockets.target", 1 },
		{ "fstrim.timer", 1 },
		{ "cups.path", 1 },
		{ "systemd:x.service", 1 },
		{ "", 0 },
		{ "libvirtd", 0 },             /* no suffix */
		{ ".service", 0 },             /* nothing before it */
		{ "-x.service", 0 },           /* would read as an option */
		{ ".hidden.service", 0 },
		{ "x.device", 0 },             /* not a kind migready acts on */
		{ "x.Service", 0 },
		{ "x.service.d", 0 },
		{ "x.service ", 0 },
		{ "a b.service", 0 },
		{ "a;b.service", 0 },
		{ "a'b.service", 0 },
		{ "a\"b.service", 0 },
		{ "$(x).service", 0 },
		{ "`x`.service", 0 },
		{ "a/b.service", 0 },
		{ "../x.service", 0 },
		{ "x\\x2d.service", 0 },
		{ "x\n.service", 0 },
		{ "x.service\n", 0 },
		{ "caf\xc3\xa9.service", 0 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++)
		if (mr_unit_name_valid(cases[i].name) != cases[i].valid)
			fail_msg("'%s': want %d", cases[i].name, cases[i].valid);
	/* 255 bytes is systemd's bound. */
	char name[300];
	memset(name, 'a', sizeof(name));
	strcpy(name + 255 - strlen(".service"), ".service");
	assert_int_equal(strlen(name), 255);
	assert_true(mr_unit_name_valid(name));
	memset(name, 'a', sizeof(name));
	strcpy(name + 256 - strlen(".service"), ".service");
	assert_false(mr_unit_name_valid(name));
}

/* ---- what the probe printed on real hosts ---- */

struct want_unit {
	const char *unit;
	int present;
	const char *enabled;
	const char *active;
};

struct host_case {
	const char *name;
	const char *text;
	enum mr_libvirt_world world;
	const char *why;      /* a part of the reason */
	const char *libvirt;  /* upstream version, or NULL */
	long libvirt_num;
	const char *nova;
	const char *defaults; /* libvirtd's options file */
	int live;
	struct want_unit units[4];
};

/* Debian 12 as installed: socket-activated libvirtd 9.0, no TCP socket;
 * live, so the probe ran `systemctl show` (UnitFileState ActiveState). */
#define DEBIAN12_LIVE                                                                           \
	"lock=held\nprobe=1\nmode=live\nos.id=debian\nos.version_id=12\ninit=systemd\n"              \
	"pkg.libvirt-daemon=9.0.0-4+deb12u2\npkg.libvirt-daemon-system=9.0.0-4+deb12u2\n"         \
	"pkg.nova-compute=2:26.2.2-1~deb12u5\npkg.qemu-system-x86=1:7.2+dfsg-7+deb12u18+b3\n"      \
	"unit.libvirtd.service=enabled active\nunit.libvirtd.socket=enabled active\n"              \
	"unit.libvirtd-ro.socket=enabled active\nunit.libvirtd-admin.socket=enabled active\n"      \
	"unit.libvirtd-tcp.socket=disabled inactive\nunit.libvirtd-tls.socket=disabled inactive\n" \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n"                          \
	"unit.virtqemud.service=absent\nunit.nova-compute.service=enabled active\n"                \
	"file./etc/default/libvirtd=present\nuser.nova=64060:64060:/var/lib/nova:/bin/sh\n"        \
	"user.libvirt-qemu=64055:103:/var/lib/libvirt:/usr/sbin/nologin\ngroup.kvm=103\n"          \
	"mount.instances=none\nhostkey=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA\n" MR_HELD_MARK "\n"

/* RHEL 9: modular daemons; libvirtd is installed but off. */
#define RHEL9_LIVE                                                                            \
	"probe=1\nmode=live\nos.id=rhel\nos.id_like=fedora\nos.version_id=9.2\ninit=systemd\n"     \
	"pkg.libvirt-daemon=9.0.0-10.3.el9_2\npkg.libvirt-daemon-driver-qemu=9.0.0-10.3.el9_2\n" \
	"pkg.openstack-nova-compute=27.1.0-1.el9\npkg.qemu-kvm=7.2.0-14.el9_2\n"                  \
	"unit.libvirtd.service=disabled inactive\nunit.libvirtd.socket=disabled inactive\n"      \
	"unit.libvirtd-tcp.socket=disabled inactive\n"                                            \
	"unit.virtproxyd.service=disabled inactive\nunit.virtproxyd.socket=enabled active\n"     \
	"unit.virtproxyd-tcp.socket=disabled inactive\nunit.virtqemud.service=enabled active\n"  \
	"unit.virtqemud.socket=enabled active\nunit.openstack-nova-compute.service=enabled active\n" \
	"file./etc/sysconfig/libvirtd=present\nfile./etc/libvirt/virtproxyd.conf=present\n"      \
	"user.nova=162:162:/var/lib/nova:/sbin/nologin\nuser.qemu=107:107:/:/sbin/nologin\n"       \
	"group.kvm=36\n"

/* Ubuntu 20.04: libvirt 6.0, sockets masked as libvirt documents for the
 * traditional mode; no defaults file reported, the OS tells. */
#define UBUNTU2004_LIVE                                                                      \
	"probe=1\nmode=live\nos.id=ubuntu\nos.id_like=debian\nos.version_id=20.04\ninit=systemd\n" \
	"pkg.libvirt-daemon-system=6.0.0-0ubuntu8.16\npkg.nova-compute=2:21.2.4-0ubuntu2.7\n"    \
	"unit.libvirtd.service=enabled active\nunit.libvirtd.socket=masked inactive\n"           \
	"unit.libvirtd-ro.socket=masked inactive\nunit.libvirtd-admin.socket=masked inactive\n"  \
	"unit.libvirtd-tcp.socket=disabled inactive\nunit.virtproxyd.service=absent\n"           \
	"unit.virtproxyd.socket=absent\n"

/* A controller: Debian, no libvirt, no nova-compute. */
#define NO_LIBVIRT_LIVE                                                                   \
	"probe=1\nmode=live\nos.id=debian\nos.version_id=12\ninit=systemd\n"                   \
	"unit.libvirtd.service=absent\nunit.libvirtd.socket=absent\n"                         \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n"

/* Debian 10: libvirt 5.0 ships libvirtd.socket, but not the TCP sockets
 * nor socket activation of the listener. */
#define DEBIAN10_LIVE                                                                   \
	"probe=1\nmode=live\nos.id=debian\nos.version_id=10\ninit=systemd\n"                 \
	"pkg.libvirt-daemon-system=5.0.0-4+deb10u1\n"                                         \
	"unit.libvirtd.service=enabled active\nunit.libvirtd.socket=enabled active\n"       \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n"

/* Alpine (OpenRC): no systemd, so no unit facts at all. */
#define ALPINE_LIVE "probe=1\nmode=live\nos.id=alpine\nos.version_id=3.19.1\n"

static const struct host_case host_cases[] = {
	{ "debian12", DEBIAN12_LIVE, MR_WORLD_SOCKET, "socket-activated", "9.0.0", 9000, "26.2.2",
	  "/etc/default/libvirtd", 1,
	  { { "libvirtd.service", 1, "enabled", "active" },
	    { "libvirtd-tcp.socket", 1, "disabled", "inactive" },
	    { "virtproxyd.socket", 0, NULL, NULL },
	    { "multipathd.service", -1, NULL, NULL } } },
	{ "rhel9", RHEL9_LIVE, MR_WORLD_MODULAR, "virtproxyd is in use", "9.0.0", 9000, "27.1.0",
	  "/etc/sysconfig/libvirtd", 1,
	  { { "virtproxyd.socket", 1, "enabled", "active" },
	    { "libvirtd.service", 1, "disabled", "inactive" },
	    { "virtqemud.service", 1, "enabled", "active" },
	    { "nova-compute.service", -1, NULL, NULL } } },
	{ "ubuntu2004", UBUNTU2004_LIVE, MR_WORLD_LEGACY, "masked", "6.0.0", 6000, "21.2.4",
	  "/etc/default/libvirtd", 1,
	  { { "libvirtd.socket", 1, "masked", "inactive" },
	    { "libvirtd.service", 1, "enabled", "active" } } },
	{ "no libvirt", NO_LIBVIRT_LIVE, MR_WORLD_UNKNOWN, "not installed", NULL, -1, NULL,
	  "/etc/default/libvirtd", 1, { { "libvirtd.service", 0, NULL, NULL } } },
	{ "debian10", DEBIAN10_LIVE, MR_WORLD_LEGACY, "older than 5.6", "5.0.0", 5000, NULL,
	  "/etc/default/libvirtd", 1, { { "libvirtd.socket", 1, "enabled", "active" } } },
	/* A disabled, unmasked libvirtd.socket is still started by
	 * libvirtd.service's Wants=: socket activation all the same. */
	{ "debian12, socket disabled", "probe=1\nmode=live\ninit=systemd\nos.id=debian\n"
	  "pkg.libvirt-daemon-system=9.0.0-4+deb12u2\nunit.libvirtd.service=enabled active\n"
	  "unit.libvirtd.socket=disabled inactive\nunit.virtproxyd.service=absent\n" MR_HELD_MARK "\n",
	  MR_WORLD_SOCKET, "not masked", "9.0.0", 9000, NULL, "/etc/default/libvirtd", 1,
	  { { "libvirtd.socket", 1, "disabled", "inactive" } } },
	/* virtqemud on, libvirtd off (found by a review: taken for the socket
	 * world, libvirtd-tcp.socket enabled beside virtqemud) */
	{ "modular, virtproxyd not yet on", "probe=1\nmode=live\ninit=systemd\nos.id=debian\n"
	  "pkg.libvirt-daemon-system=9.0.0-4+deb12u2\nunit.libvirtd.service=disabled inactive\n"
	  "unit.libvirtd.socket=disabled inactive\nunit.virtproxyd.service=disabled inactive\n"
	  "unit.virtproxyd.socket=disabled inactive\nunit.virtqemud.service=disabled inactive\n"
	  "unit.virtqemud.socket=enabled active\n" MR_HELD_MARK "\n",
	  MR_WORLD_MODULAR, "virtqemud is in use", "9.0.0", 9000, NULL, "/etc/default/libvirtd", 1,
	  { { "virtqemud.socket", 1, "enabled", "active" } } },
	{ "... libvirtd masked", "probe=1\nmode=live\ninit=systemd\nos.id=debian\n"
	  "pkg.libvirt-daemon-system=9.0.0-4+deb12u2\nunit.libvirtd.service=masked inactive\n"
	  "unit.libvirtd.socket=disabled inactive\nunit.virtproxyd.service=disabled inactive\n"
	  "unit.virtqemud.service=enabled active\n" MR_HELD_MARK "\n",
	  MR_WORLD_MODULAR, "virtqemud is in use", "9.0.0", 9000, NULL, "/etc/default/libvirtd", 1,
	  { { "libvirtd.service", 1, "masked", "inactive" } } },
	/* libvirtd enabled beside the modular daemons (old instructions on a
	 * RHEL 9 host): they conflict and serve the same sockets; no world
	 * guessed (found by a review: the socket world, two TCP listeners) */
	{ "both worlds on", "probe=1\nmode=live\ninit=systemd\nos.id=rhel\n"
	  "pkg.libvirt-daemon=9.0.0-10.3.el9_2\nunit.libvirtd.service=enabled active\n"
	  "unit.libvirtd.socket=enabled active\nunit.virtproxyd.service=disabled inactive\n"
	  "unit.virtproxyd.socket=enabled active\nunit.virtqemud.service=enabled inactive\n"
	  MR_HELD_MARK "\n",
	  MR_WORLD_UNKNOWN, "both enabled or running", "9.0.0", 9000, NULL, "/etc/sysconfig/libvirtd",
	  1, { { "virtproxyd.socket", 1, "enabled", "active" } } },
	/* nothing of libvirt's on: no world guessed */
	{ "all off", "probe=1\nmode=live\ninit=systemd\nos.id=debian\n"
	  "pkg.libvirt-daemon-system=9.0.0-4+deb12u2\nunit.libvirtd.service=disabled inactive\n"
	  "unit.libvirtd.socket=disabled inactive\nunit.virtproxyd.service=absent\n"
	  "unit.virtqemud.service=absent\n" MR_HELD_MARK "\n",
	  MR_WORLD_UNKNOWN, "neither libvirtd nor", "9.0.0", 9000, NULL, "/etc/default/libvirtd", 1,
	  { { "libvirtd.socket", 1, "disabled", "inactive" } } },
	/* The options file is the one libvirtd.service reads, where the probe
	 * saw its EnvironmentFile=, whatever the family and files say. */
	{ "debian12, unit reads sysconfig", "probe=1\nmode=live\ninit=systemd\nos.id=debian\n"
	  "pkg.libvirt-daemon-system=9.0.0-4+deb12u2\nunit.libvirtd.service=enabled active\n"
	  "unit.libvirtd.socket=enabled active\nunit.virtproxyd.service=absent\n"
	  "file./etc/default/libvirtd=present\nlibvirtd.envfile=/etc/site/libvirtd\n"
	  "libvirtd.envfile=/etc/sysconfig/libvirtd\n" MR_HELD_MARK "\n",
	  MR_WORLD_SOCKET, "socket-activated", "9.0.0", 9000, NULL, "/etc/sysconfig/libvirtd", 1,
	  { { "libvirtd.socket", 1, "enabled", "active" } } },
	{ "no systemd", ALPINE_LIVE, MR_WORLD_UNKNOWN, "could not be read", NULL, -1, NULL, NULL, 1,
	  { { "libvirtd.service", -1, NULL, NULL } } },
};

static void assert_str_or_null(const char *what, const char *got, const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want) != 0)
		fail_msg("%s: '%s', want '%s'", what, got ? got : "(null)", want ? want : "(null)");
}

static void check_units(const char *name, const struct mr_facts *f, const struct want_unit *u,
                        size_t n)
{
	for (size_t j = 0; j < n && u[j].unit; j++) {
		struct mr_unit_state s = mr_facts_unit(f, u[j].unit);
		char *what = mr_xasprintf("%s: %s", name, u[j].unit);
		if (s.present != u[j].present)
			fail_msg("%s: present %d, want %d", what, s.present, u[j].present);
		assert_str_or_null(what, s.enabled, u[j].enabled);
		assert_str_or_null(what, s.active, u[j].active);
		free(what);
	}
}

static void test_real_outputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(host_cases); i++) {
		const struct host_case *c = &host_cases[i];
		struct mr_facts *f = parse_ok(c->text);
		const char *why = NULL;
		enum mr_libvirt_world w = mr_facts_libvirt_world(f, &why);
		if (w != c->world)
			fail_msg("%s: world %s (%s), want %s", c->name, mr_libvirt_world_name(w),
			         why ? why : "", mr_libvirt_world_name(c->world));
		if (!why || !strstr(why, c->why))
			fail_msg("%s: why '%s', want '%s'", c->name, why ? why : "(null)", c->why);
		char *v = mr_facts_libvirt_version(f);
		assert_str_or_null(c->name, v, c->libvirt);
		free(v);
		assert_int_equal(mr_facts_libvirt_num(f), c->libvirt_num);
		v = mr_facts_nova_version(f);
		assert_str_or_null(c->name, v, c->nova);
		free(v);
		assert_str_or_null(c->name, mr_facts_libvirtd_defaults(f), c->defaults);
		assert_int_equal(mr_facts_live(f), c->live);
		check_units(c->name, f, c->units, MR_ARRAY_LEN(c->units));
		mr_facts_free(f);
	}
}

/* The words of a unit's state are matched against systemd's: what comes
 * back is never the host's text. */
static void test_unit_words(void **state)
{
	(void)state;
	struct mr_facts *f = parse_ok("init=systemd\n"
	                              "unit.a.service=enabled-runtime reloading\n"
	                              "unit.b.service=bogus active\n"
	                              "unit.c.service=static\n"
	                              "unit.d.service=enabled unknown\n"
	                              "unit.e.service=masked-runtime failed\n");
	static const struct want_unit want[] = {
		{ "a.service", 1, "enabled-runtime", "reloading" },
		{ "b.service", 1, NULL, "active" },
		{ "c.service", 1, "static", NULL },
		{ "d.service", 1, "enabled", NULL },
		{ "e.service", 1, "masked-runtime", "failed" },
		{ "f.service", -1, NULL, NULL },
	};
	check_units("words", f, want, MR_ARRAY_LEN(want));
	mr_facts_free(f);
}

static void test_versions(void **state)
{
	(void)state;
	static const struct {
		const char *facts;
		const char *libvirt;
		long num;
	} cases[] = {
		{ "pkg.libvirt-daemon-system=10.10.0-3\n", "10.10.0", 10010 },
		{ "pkg.libvirt-daemon=1:8.0.0-1ubuntu7\n", "8.0.0", 8000 },
		{ "pkg.libvirt-daemon-common=9.5.0+git1\n", "9.5.0", 9005 },
		/* The daemon package first: a client library says nothing. */
		{ "pkg.libvirt-daemon-driver-qemu=7.0.0-3\npkg.libvirt-daemon-system=7.6.0-1\n", "7.6.0",
		  7006 },
		{ "pkg.libvirt-daemon=\n", NULL, -1 },
		{ "pkg.libvirt-daemon=garbage\n", "garbage", -1 },
		{ "pkg.libvirt-daemon=-1\n", NULL, -1 },
		/* numbers no libvirt has: unknown, not an overflow (the fuzzer) */
		{ "pkg.libvirt-daemon=9.99999999999999999999999\n", "9.99999999999999999999999", -1 },
		{ "pkg.libvirt-daemon=99999999999999999999.1\n", "99999999999999999999.1", -1 },
		{ "", NULL, -1 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct mr_facts *f = parse_ok(cases[i].facts);
		char *v = mr_facts_libvirt_version(f);
		assert_str_or_null(cases[i].facts, v, cases[i].libvirt);
		free(v);
		if (mr_facts_libvirt_num(f) != cases[i].num)
			fail_msg("'%s': %ld, want %ld", cases[i].facts, mr_facts_libvirt_num(f),
			         cases[i].num);
		mr_facts_free(f);
	}
}

/* ---- the probe on trees ---- */

struct tree_case {
	const char *tree;
	enum mr_libvirt_world world;
	const char *libvirt;
	const char *nova;
	const char *defaults;
	/* "key=value" present with this value; "key" absent. */
	const char *facts[20];
};

static const struct tree_case tree_cases[] = {
	{ "debian12", MR_WORLD_SOCKET, "9.0.0", "26.2.2", "/etc/default/libvirtd",
	  { "probe=1", "mode=tree", "init=systemd-offline", "os.id=debian", "os.version_id=12",
	    "pkg.libvirt-daemon-system=9.0.0-4+deb12u2", "pkg.nova-compute=2:26.2.2-1~deb12u5",
	    "pkg.ufw", /* config files left, not installed */
	    "unit.libvirtd.service=enabled unknown", "unit.libvirtd.socket=enabled unknown",
	    "unit.libvirtd-tcp.socket=disabled unknown", "unit.virtproxyd.socket=absent",
	    "user.nova=64060:64060:/var/lib/nova:/bin/sh", "group.kvm=103",
	    "hostkey=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly0000000000000000000",
	    "mount.instances" /* a tree's mounts are not the controller's */,
	    "libvirtd.args_var=LIBVIRTD_ARGS", "libvirtd.envfile=/etc/default/libvirtd",
	    /* the file sets nothing, only comments */ "libvirtd.args_value" } },
	{ "rhel", MR_WORLD_SOCKET, NULL, NULL, "/etc/sysconfig/libvirtd",
	  { "mode=tree", "init=systemd-offline", "os.id=rocky", "os.id_like=rhel centos fedora",
	    /* No package database the probe can read: unknown, not a guess. */
	    "pkg.libvirt-daemon", "pkg.libvirt-daemon-system", "pkg.openstack-nova-compute",
	    "unit.libvirtd.service=enabled unknown", "unit.libvirtd.socket=enabled unknown",
	    "unit.openstack-nova-compute.service=disabled unknown",
	    "file./etc/sysconfig/libvirtd=present", "file./etc/default/libvirtd",
	    "user.nova=162:162:/var/lib/nova:/sbin/nologin", "group.qemu=107", "hostkey",
	    "libvirtd.args_var=LIBVIRTD_ARGS", "libvirtd.envfile=/etc/sysconfig/libvirtd" } },
	{ "modular", MR_WORLD_MODULAR, NULL, NULL, "/etc/sysconfig/libvirtd",
	  { "os.id=rhel", "unit.libvirtd.service=absent", "unit.libvirtd.socket=absent",
	    "unit.virtproxyd.socket=enabled unknown", "unit.virtproxyd.service=disabled unknown",
	    "unit.virtproxyd-tcp.socket=disabled unknown", "unit.virtqemud.service=enabled unknown",
	    "file./etc/libvirt/virtproxyd.conf=present", "user.nova", "libvirtd.args_var" } },
	{ "masked", MR_WORLD_LEGACY, "6.0.0", "21.2.4", "/etc/default/libvirtd",
	  { "os.id=ubuntu", "os.id_like=debian", "os.version_id=20.04",
	    /* masked wins over a stale sockets.target.wants link */
	    "unit.libvirtd.socket=masked unknown", "unit.libvirtd-ro.socket=masked unknown",
	    "unit.libvirtd-tcp.socket=disabled unknown", "unit.libvirtd.service=enabled unknown",
	    "pending=libvirtd.service", "libvirtd.args_var=libvirtd_opts" /* ${...} form */,
	    "libvirtd.args_value=libvirtd_opts /etc/default/libvirtd --listen" } },
};

static void check_facts(const char *name, const struct mr_facts *f, const char *const *want,
                        size_t n)
{
	for (size_t j = 0; j < n && want[j]; j++) {
		const char *eq = strchr(want[j], '=');
		char *key = eq ? mr_xstrndup(want[j], (size_t)(eq - want[j])) : mr_xstrdup(want[j]);
		const char *v = mr_facts_get(f, key);
		if (eq && (!v || strcmp(v, eq + 1) != 0))
			fail_msg("%s: %s is '%s', want '%s'", name, key, v ? v : "(absent)", eq + 1);
		if (!eq && v)
			fail_msg("%s: %s is '%s', want absent", name, key, v);
		free(key);
	}
}

static struct mr_facts *gather_tree(const char *tree)
{
	char *root = mr_xasprintf("%s/%s", TREES, tree);
	struct mr_error *err = NULL;
	struct mr_transport *t = mr_transport_local_new(root, &err);
	assert_non_null(t);
	struct mr_facts *f =
		mr_facts_gather(t, "/var/lib/nova/instances", NULL, NULL, NULL, NULL, -1, NULL, &err);
	if (!f)
		fail_msg("%s: %s", tree, err->message);
	mr_transport_close(t);
	free(root);
	return f;
}

/* The [ssh] user is reported beside nova and the qemu users, from a
 * tree's passwd and from the running system's getent, and only when asked. */
static void test_probe_extra_user(void **state)
{
	(void)state;
	struct mr_error *err = NULL;
	char *root = mr_xasprintf("%s/debian12", TREES);
	const char *roots[] = { root, NULL };
	for (size_t i = 0; i < MR_ARRAY_LEN(roots); i++) {
		struct mr_transport *t = mr_transport_local_new(roots[i], &err);
		assert_non_null(t);
		struct mr_facts *plain = mr_facts_gather(t, NULL, NULL, NULL, NULL, NULL, -1, NULL, &err);
		struct mr_facts *asked = mr_facts_gather(t, NULL, "root", NULL, NULL, NULL, -1, NULL, &err);
		if (!plain || !asked)
			fail_msg("%s: %s", roots[i] ? roots[i] : "/", err->message);
		assert_null(mr_facts_get(plain, "user.root"));
		const char *entry = mr_facts_get(asked, "user.root");
		if (!entry || strncmp(entry, "0:0:", 4) != 0)
			fail_msg("%s: user.root = %s", roots[i] ? roots[i] : "/", entry ? entry : "(none)");
		mr_facts_free(plain);
		mr_facts_free(asked);
		mr_transport_close(t);
	}
	free(root);
}

static void test_probe_on_trees(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(tree_cases); i++) {
		const struct tree_case *c = &tree_cases[i];
		struct mr_facts *f = gather_tree(c->tree);
		check_facts(c->tree, f, c->facts, MR_ARRAY_LEN(c->facts));
		const char *why = NULL;
		enum mr_libvirt_world w = mr_facts_libvirt_world(f, &why);
		if (w != c->world)
			fail_msg("%s: world %s (%s), want %s", c->tree, mr_libvirt_world_name(w),
			         why ? why : "", mr_libvirt_world_name(c->world));
		char *v = mr_facts_libvirt_version(f);
		assert_str_or_null(c->tree, v, c->libvirt);
		free(v);
		v = mr_facts_nova_version(f);
		assert_str_or_null(c->tree, v, c->nova);
		free(v);
		assert_str_or_null(c->tree, mr_facts_libvirtd_defaults(f), c->defaults);
		assert_false(mr_facts_live(f));
		assert_true(mr_facts_has_systemd(f));
		mr_facts_free(f);
	}
}

/* The tree's restart-pending holds a hostile line: the probe passes it on,
 * the parser drops it. */
static void test_probe_pending_from_tree(void **state)
{
	(void)state;
	struct mr_facts *f = gather_tree("masked");
	const char **v = NULL;
	assert_int_equal(mr_facts_get_all(f, "pending", &v), 1);
	assert_string_equal(v[0], "libvirtd.service");
	free(v);
	mr_facts_free(f);
}

/* The facts of a tree made by setup (a shell command, "$R" the tree),
 * the probe asked for user's account and shell, nova's options novakeys
 * and the QEMU ids ("USER GROUP"), each may be NULL; root the tree (a
 * mkdtemp template), removed by tree_facts_done. */
static struct mr_facts *tree_facts_with(char *root, const char *setup, const char *user,
                                        const char *shell, const char *novakeys,
                                        const char *ids, struct mr_transport **t)
{
	assert_non_null(mkdtemp(root));
	assert_int_equal(setenv("R", root, 1), 0);
	assert_int_equal(system(setup), 0);
	struct mr_error *err = NULL;
	*t = mr_transport_local_new(root, &err);
	assert_non_null(*t);
	struct mr_facts *f = mr_facts_gather(*t, NULL, user, shell, novakeys, ids, -1, NULL, &err);
	if (!f)
		fail_msg("no facts: %s", err ? err->message : "");
	return f;
}

static struct mr_facts *tree_facts(char *root, const char *setup, const char *user,
                                   const char *shell, struct mr_transport **t)
{
	return tree_facts_with(root, setup, user, shell, NULL, NULL, t);
}

static void tree_facts_done(const char *root, struct mr_facts *f, struct mr_transport *t)
{
	mr_facts_free(f);
	mr_transport_close(t);
	char *cmd = mr_xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Case i: the facts of a tree made by setup hold want (n of them). */
static void check_tree_case(size_t i, const char *setup, const char *const *want, size_t n)
{
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts(root, setup, NULL, NULL, &t);
	char *name = mr_xasprintf("case %zu", i);
	check_facts(name, f, want, n);
	free(name);
	tree_facts_done(root, f, t);
}

/* An image may link etc/os-release to an absolute path: under a root it
 * means the tree's file, never the controller's. Made here, where the
 * link's target on this machine exists and differs. */
static void test_probe_absolute_link_stays_in_tree(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts(root,
	                                "mkdir -p $R/etc $R/usr/lib && "
	                                "printf 'ID=\"testos\"\\nVERSION_ID=\"1.2\"\\n' > $R/usr/lib/os-release && "
	                                "ln -s /usr/lib/os-release $R/etc/os-release",
	                                NULL, NULL, &t);
	const char *want[] = { "os.id=testos", "os.version_id=1.2" };
	check_facts("absolute link", f, want, MR_ARRAY_LEN(want));
	tree_facts_done(root, f, t);
}

/* The login shell looked for in the tree: an absolute link there is the
 * tree's, not the controller's (/bin/zsh -> /bin/bash with no bash in the
 * tree is missing; found by a review) */
static void test_probe_shell_in_tree(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts(root,
	                                "mkdir -p $R/etc $R/bin && "
	                                "printf 'nova:x:64060:64060::/var/lib/nova:/bin/zsh\\n' > $R/etc/passwd && "
	                                "ln -s /bin/bash $R/bin/zsh && ln -s /bin/sh $R/bin/dash && "
	                                "printf '#!/bin/sh\\n' > $R/bin/sh && chmod 755 $R/bin/sh",
	                                "nova", "/bin/dash", &t);
	assert_true(mr_facts_has(f, "shell.exec", "/bin/zsh no"));
	assert_true(mr_facts_has(f, "shell.exec", "/bin/dash yes"));
	tree_facts_done(root, f, t);
}

/* firewalld.conf's last DefaultZone= and FirewallBackend= (CRLF ends
 * off); no FirewallBackend=, none said */
static void test_probe_firewalld_conf(void **state)
{
	(void)state;
	const char *want[] = { "fw.firewalld.zone=work", "fw.firewalld.backend=iptables" };
	check_tree_case(0,
	                "mkdir -p $R/etc/firewalld && printf 'DefaultZone=public\\r\\n"
	                "FirewallBackend=nftables\\r\\nDefaultZone=work\\r\\n"
	                "FirewallBackend=iptables\\r\\n' > $R/etc/firewalld/firewalld.conf",
	                want, MR_ARRAY_LEN(want));
	const char *none[] = { "fw.firewalld.zone=public", "fw.firewalld.backend",
		                   "fw.firewalld.target" };
	check_tree_case(1,
	                "mkdir -p $R/etc/firewalld && echo DefaultZone=public > "
	                "$R/etc/firewalld/firewalld.conf",
	                none, MR_ARRAY_LEN(none));
}

/* where firewalld is enabled, a zone file's target="ACCEPT" (not DROP) */
static void test_probe_firewalld_target(void **state)
{
	(void)state;
	const char *want[] = { "fw.firewalld.target=trusted ACCEPT",
		                   "fw.firewalld.bind=trusted sources: 10.20.0.0/16" };
	check_tree_case(0,
	                "mkdir -p $R/etc/firewalld/zones $R/etc/systemd/system/multi-user.target.wants && "
	                ": > $R/etc/systemd/system/multi-user.target.wants/firewalld.service && "
	                "printf '<?xml version=\"1.0\"?>\\n<zone target=\"ACCEPT\">\\n  <source "
	                "address=\"10.20.0.0/16\"/>\\n</zone>\\n' > $R/etc/firewalld/zones/trusted.xml && "
	                "printf '<zone target=\"DROP\"><source address=\"10.30.0.0/16\"/></zone>' > "
	                "$R/etc/firewalld/zones/drop.xml",
	                want, MR_ARRAY_LEN(want));
	const char *none[] = { "fw.firewalld.bind=drop sources: 10.30.0.0/16", "fw.firewalld.target" };
	check_tree_case(1,
	                "mkdir -p $R/etc/firewalld/zones $R/etc/systemd/system/multi-user.target.wants && "
	                ": > $R/etc/systemd/system/multi-user.target.wants/firewalld.service && "
	                "printf '<zone target=\"DROP\"><source address=\"10.30.0.0/16\"/></zone>' > "
	                "$R/etc/firewalld/zones/drop.xml",
	                none, MR_ARRAY_LEN(none));
}

/* RHEL's nftables.service loads /etc/sysconfig/nftables.conf: reported */
static void test_probe_nftables_conf(void **state)
{
	(void)state;
	const char *want[] = { "file./etc/sysconfig/nftables.conf=present", "file./etc/nftables.conf" };
	check_tree_case(0, "mkdir -p $R/etc/sysconfig && : > $R/etc/sysconfig/nftables.conf", want,
	                MR_ARRAY_LEN(want));
}

/* ufw's IPV6=, the last one, quotes and a CR end dropped */
static void test_probe_ufw_ipv6(void **state)
{
	(void)state;
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "IPV6=yes\nIPV6=\"no\"\r\nDEFAULT_INPUT_POLICY=\"DROP\"", "no" },
		/* single quotes too (the init script sources the file) */
		{ "IPV6='yes'\n", "yes" },
		/* none set: ufw takes it as no */
		{ "ENABLED=yes\n", "unset" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char root[] = "/tmp/mr-facts-XXXXXX";
		struct mr_transport *t;
		assert_int_equal(setenv("UFW_DEFAULTS", cases[i].file, 1), 0);
		struct mr_facts *f = tree_facts(
			root, "mkdir -p $R/etc/default && printf '%s' \"$UFW_DEFAULTS\" > $R/etc/default/ufw",
			NULL, NULL, &t);
		const char *got = mr_facts_get(f, "fw.ufw.ipv6");
		if (!got || strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s', not '%s'", i, got ? got : "(none)", cases[i].want);
		tree_facts_done(root, f, t);
	}
	unsetenv("UFW_DEFAULTS");
}

/* libvirt's conf files as virconf reads them: a CR ends a line (one such
 * line failed the whole host; found by a review), the first of a key
 * wins, the ports of --listen read, with the line of each (a value
 * libvirt refuses is named there); virtproxyd.conf's listeners and ports
 * too, which virtproxyd refuses mistyped */
static void test_probe_libvirt_conf_lines(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	assert_int_equal(
		setenv("LCONF", "listen_tcp = 1\r\ntcp_port = \"16600\" # site\r\ntcp_port = \"1\"\n", 1),
		0);
	struct mr_facts *f = tree_facts(root,
	                                "mkdir -p $R/etc/libvirt && "
	                                "printf '%s' \"$LCONF\" > $R/etc/libvirt/libvirtd.conf && "
	                                "printf 'migration_port_min = 49152\\r\\n' > "
	                                "$R/etc/libvirt/qemu.conf && "
	                                "printf '# x\\nlisten_tcp = \"1\"\\ntcp_port = 16509\\n' > "
	                                "$R/etc/libvirt/virtproxyd.conf",
	                                NULL, NULL, &t);
	unsetenv("LCONF");
	const char *want[] = { "libvirtd.listen_tcp=1", "libvirtd.line.listen_tcp=1",
		               "libvirtd.tcp_port=\"16600\"", "libvirtd.line.tcp_port=2",
		               "qemu.migration_port_min=49152", "qemu.line.migration_port_min=1",
		               "virtproxyd.listen_tcp=\"1\"", "virtproxyd.line.listen_tcp=2",
		               "virtproxyd.tcp_port=16509", "virtproxyd.line.tcp_port=3" };
	check_facts("CR line ends", f, want, MR_ARRAY_LEN(want));
	tree_facts_done(root, f, t);
}

/* /dev/kvm in a tree: its udev rules, asked where the profile names a
 * QEMU user: a file name read from the first directory that has it
 * (/etc before /usr/lib), the files in name order, a := value final,
 * comments and other devices not; the kvm group's members with it. */
static void test_probe_kvm_rules(void **state)
{
	(void)state;
	static const struct {
		const char *setup, *want;
	} cases[] = {
		{ "mkdir -p $R/etc", NULL },
		{ "mkdir -p $R/etc $R/usr/lib/udev/rules.d && printf 'KERNEL==\"kvm\", GROUP=\"kvm\", "
		  "MODE=\"0660\"\n# KERNEL==\"kvm\", MODE=\"0666\"\nKERNEL==\"kvmx\", MODE=\"0600\"\n' "
		  "> $R/usr/lib/udev/rules.d/50-udev-default.rules",
		  "kvm.rules=0660 kvm" },
		{ "mkdir -p $R/etc $R/usr/lib/udev/rules.d $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", "
		  "GROUP=\"kvm\", MODE=\"0660\"\n' > $R/usr/lib/udev/rules.d/50-udev-default.rules && "
		  "printf 'SUBSYSTEM==\"misc\", KERNEL==\"kvm\", MODE=\"0666\"\n' > "
		  "$R/usr/lib/udev/rules.d/65-kvm.rules && : > $R/etc/udev/rules.d/65-kvm.rules",
		  "kvm.rules=0660 kvm" },
		{ "mkdir -p $R/etc $R/usr/lib/udev/rules.d && printf 'KERNEL==\"kvm\", GROUP:=\"kvm\", "
		  "MODE=\"0660\"\n' > $R/usr/lib/udev/rules.d/50-a.rules && printf 'KERNEL==\"kvm\", "
		  "GROUP=\"other\", MODE=\"0666\"\n' > $R/usr/lib/udev/rules.d/90-b.rules",
		  "kvm.rules=0666 kvm" },
		{ "mkdir -p $R/etc/udev/rules.d $R/usr/lib/udev/rules.d && printf 'KERNEL==\"kvm\", "
		  "GROUP=\"kvm\"\n' > $R/usr/lib/udev/rules.d/50-udev-default.rules && "
		  "ln -s /dev/null $R/etc/udev/rules.d/50-udev-default.rules",
		  NULL },
		/* found by a review: blanks around operators, globs and "|"
		 * alternatives, as udev reads them; SUBSYSTEM and ACTION judged
		 * against /dev/kvm added, a GOTO taken */
		{ "mkdir -p $R/etc/udev/rules.d $R/usr/lib/udev/rules.d && printf 'KERNEL==\"kvm\", "
		  "GROUP=\"kvm\", MODE=\"0660\"\n' > $R/usr/lib/udev/rules.d/50-udev-default.rules && "
		  "printf 'KERNEL == \"kvm\" , MODE = \"0666\"\n' > $R/etc/udev/rules.d/99-kvm.rules",
		  "kvm.rules=0666 kvm" },
		{ "mkdir -p $R/etc/udev/rules.d && printf 'ACTION!=\"add\", GOTO=\"end\"\n"
		  "SUBSYSTEM==\"misc\", KERNEL==\"kv[m]\", GROUP=\"kvm\"\n"
		  "SUBSYSTEM==\"block\", GROUP=\"disk\"\nKERNEL==\"tty*|kvm*\", MODE=\"0666\"\n"
		  "KERNEL!=\"kvm\", MODE=\"0600\"\nACTION==\"remove\", MODE=\"0600\"\n"
		  "SUBSYSTEM==\"misc\", GOTO=\"end\"\nKERNEL==\"kvm\", MODE=\"0600\"\n"
		  "LABEL=\"end\"\n' > $R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=0666 kvm" },
		/* a rule that may or may not apply, or one not read: unknown */
		{ "mkdir -p $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", GROUP=\"kvm\"\n"
		  "KERNEL==\"kvm\", ENV{X}==\"1\", MODE=\"0666\"\n' > $R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=? 50-a.rules" },
		{ "mkdir -p $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", GROUP=\"kvm\"\n"
		  "TEST==\"/x\", GOTO=\"e\"\nKERNEL==\"kvm\", MODE=\"0600\"\nLABEL=\"e\"\n' > "
		  "$R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=? 50-a.rules" },
		{ "mkdir -p $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", GROUP=\"kvm\"\n"
		  "KERNEL==\"kvm\", MODE=\"$env{M}\"\n' > $R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=? 50-a.rules" },
		{ "mkdir -p $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", GROUP=\"kvm\"\n"
		  "KERNEL==kvm, MODE=\"0666\"\n' > $R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=? 50-a.rules" },
		/* a rule that may apply, setting only what is final; a GOTO
		 * to a label above it, which udev ignores */
		{ "mkdir -p $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", MODE:=\"0666\"\n"
		  "ENV{X}==\"1\", MODE=\"0600\"\nLABEL=\"b\"\nKERNEL==\"kvm\", GOTO=\"b\"\n"
		  "KERNEL==\"kvm\", GROUP=\"kvm\"\n' > $R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=0666 kvm" },
		{ "mkdir -p $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", GROUP=\"kvm\"\n"
		  "KERNEL==\"kvm\", IMPORT{program}=\"/bin/x\", MODE=\"0666\"\n' > "
		  "$R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=? 50-a.rules" },
		/* a continued line (a comment line inside skipped), a := final */
		{ "mkdir -p $R/etc/udev/rules.d && printf 'KERNEL==\"kvm\", \\\n# MODE=\"0600\"\n  MODE:=\"0666\"\n"
		  "KERNEL==\"kvm\", MODE=\"0600\", GROUP=\"kvm\"\n' > $R/etc/udev/rules.d/50-a.rules",
		  "kvm.rules=0666 kvm" },
		/* an owner other than root: its bits not judged, not known */
		{ "mkdir -p $R/etc $R/usr/lib/udev/rules.d && printf 'KERNEL==\"kvm\", OWNER=\"nova\", "
		  "MODE=\"0600\"\n' > $R/usr/lib/udev/rules.d/50-a.rules",
		  "kvm.rules=? 50-a.rules" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char root[] = "/tmp/mr-facts-XXXXXX";
		struct mr_transport *t;
		struct mr_facts *f = tree_facts_with(root, cases[i].setup, NULL, NULL, NULL,
		                                     "nova nova", &t);
		const char *want[] = { cases[i].want ? cases[i].want : "kvm.rules" };
		char *name = mr_xasprintf("case %zu", i);
		check_facts(name, f, want, 1);
		free(name);
		tree_facts_done(root, f, t);
	}
}

/* A list over several lines (virconf reads on to its "]"): joined onto
 * its first line, comments off, its line the first's (found by a
 * review: only the first line's "[" was kept, and a refused driver in
 * the list was never judged); a file ending inside one ends it there,
 * and what follows in the next file is that file's */
static void test_probe_conf_list_lines(void **state)
{
	(void)state;
	static const struct {
		const char *setup, *want[4];
	} cases[] = {
		{ "mkdir -p $R/etc/libvirt && printf 'user = \"x\"\nsecurity_driver = [ # mine\n"
		  "  \"selinux\", # first\n\n  \"none\"\n]\nmigration_port_min = 49300\n' > "
		  "$R/etc/libvirt/qemu.conf",
		  { "qemu.security_driver=[ \"selinux\", \"none\" ]", "qemu.line.security_driver=2",
		    "qemu.migration_port_min=49300", "qemu.line.migration_port_min=7" } },
		{ "mkdir -p $R/etc/libvirt && printf 'security_driver = [\n\"apparmor\" ]\n"
		  "security_driver = \"none\"\n' > $R/etc/libvirt/qemu.conf",
		  { "qemu.security_driver=[ \"apparmor\" ]", "qemu.line.security_driver=1" } },
		{ "mkdir -p $R/etc/libvirt && printf 'security_driver = [ \"selinux\",\n' > "
		  "$R/etc/libvirt/qemu.conf && printf '127.0.0.1 localhost\n' > $R/etc/hosts && "
		  "printf 'listen_addr = \"localhost\"\n' > $R/etc/libvirt/libvirtd.conf",
		  { "qemu.security_driver=[ \"selinux\",", "qemu.line.security_driver=1",
		    "libvirtd.listen_addr_ip=127.0.0.1" } },
		/* blanks are a space or a tab, as virconf skips them (a review:
		 * a tab reached the fact, and the probe was refused) */
		{ "mkdir -p $R/etc/libvirt && printf 'security_driver = [\\n\\t\"selinux\",\\t\"none\"\\n]\\n"
		  "migration_host\\t=\\t\"a\\tb\" \\t# x\\n' > $R/etc/libvirt/qemu.conf",
		  { "qemu.security_driver=[ \"selinux\", \"none\" ]", "qemu.line.security_driver=1",
		    "qemu.migration_host=\"a b\"" } },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++)
		check_tree_case(i, cases[i].setup, cases[i].want, MR_ARRAY_LEN(cases[i].want));
}

/* multipath.conf's sections as multipathd reads a line (libmultipath's
 * process_stream): its first word decides. A section's keyword opens it,
 * its brace on the line or the next (a line "{" is skipped; found by a
 * review: "defaults\n{" in conf.d was not seen); overrides and protocol
 * only with a word after it (a lone protocol is dropped, its "{" too, and
 * what follows is the enclosing section's: found by a review); a keyword where it is no section, or what follows one on
 * its line, is ignored; "}" closes one only as a line's first word; a
 * setting where multipathd takes none (blacklist's device, protocol) is
 * no fact. */
static void test_probe_multipath_sections(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	assert_int_equal(setenv("MPC",
	                        "defaults\n{\n\tuser_friendly_names yes\n}\n"
	                        "overrides\n{\n\tuser_friendly_names 1\n}\n"
	                        "devices {\n\tdevice\n\t{\n\t\tvendor X\n"
	                        "\t\tprotocol {\n\t\t\tuser_friendly_names P\n\t\t}\n"
	                        "\t\tuser_friendly_names \"yes\" }\n\t}\n}\n"
	                        "blacklist {\n\tdevice {\n\t\tuser_friendly_names B\n\t}\n}\n"
	                        "device {\n\tuser_friendly_names D\n}\n"
	                        "defaults { user_friendly_names E }\n\tuser_friendly_names F\n}\n"
	                        "overrides {\n\tuser_friendly_names 0\n}\n"
	                        "multipaths\n\tmultipath\n\t\tuser_friendly_names G\n\t}\n}\n"
	                        "overrides {\n\tprotocol\n\t{\n\t\tuser_friendly_names H\n\t}\n}\n",
	                        1),
	                 0);
	struct mr_facts *f = tree_facts(root,
	                                "mkdir -p $R/etc/multipath/conf.d && "
	                                "printf 'defaults {\n}\n' > $R/etc/multipath.conf && "
	                                "printf '%s' \"$MPC\" > $R/etc/multipath/conf.d/a.conf",
	                                NULL, NULL, &t);
	unsetenv("MPC");
	static const char *const want[] = {
		"/etc/multipath/conf.d/a.conf defaults yes",
		"/etc/multipath/conf.d/a.conf device yes",
		"/etc/multipath/conf.d/a.conf defaults F",
		"/etc/multipath/conf.d/a.conf overrides 0",
		"/etc/multipath/conf.d/a.conf multipath G",
		"/etc/multipath/conf.d/a.conf overrides H",
	};
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, "multipath.ufn", &v);
	for (size_t i = 0; i < n; i++)
		print_message("multipath.ufn=%s\n", v[i]);
	assert_int_equal(n, MR_ARRAY_LEN(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i], want[i]);
	free(v);
	tree_facts_done(root, f, t);
}

/* Whether multipath.conf is there, and whether multipathd.service runs
 * only where it is: the RHEL family's unit (ConditionPathExists=, under
 * /usr/lib), Debian's (none, under /lib), a drop-in that adds it or
 * resets the conditions, a masked unit, none at all (found by a review:
 * the file was created where its absence is multipath switched off). */
static void test_probe_multipath_unit_condition(void **state)
{
	(void)state;
	static const struct {
		const char *setup, *conf, *cond;
	} cases[] = {
		{ "mkdir -p $R/usr/lib/systemd/system && printf '[Unit]\\nDescription=x\\n"
		  "ConditionPathExists=/etc/multipath.conf\\nConditionKernelCommandLine=!nompath\\n"
		  "[Service]\\nExecStart=/sbin/multipathd -d -s\\n' > "
		  "$R/usr/lib/systemd/system/multipathd.service",
		  "absent", "yes" },
		{ "mkdir -p $R/lib/systemd/system && printf '[Unit]\\nConditionKernelCommandLine=!nompath\\n"
		  "[Service]\\nExecStart=/sbin/multipathd -d -s\\n' > "
		  "$R/lib/systemd/system/multipathd.service && printf 'defaults {\\n}\\n' > "
		  "$R/etc/multipath.conf",
		  "present", "no" },
		{ "mkdir -p $R/lib/systemd/system $R/etc/systemd/system/multipathd.service.d && "
		  "printf '[Unit]\\n' > $R/lib/systemd/system/multipathd.service && "
		  "printf '[Unit]\\nConditionPathExists=|!/etc/multipath.conf\\n' > "
		  "$R/etc/systemd/system/multipathd.service.d/site.conf",
		  "absent", "yes" },
		{ "mkdir -p $R/usr/lib/systemd/system $R/etc/systemd/system/multipathd.service.d && "
		  "printf '[Unit]\\nConditionPathExists=/etc/multipath.conf\\n' > "
		  "$R/usr/lib/systemd/system/multipathd.service && "
		  "printf '[Unit]\\nConditionPathExists=\\n' > "
		  "$R/etc/systemd/system/multipathd.service.d/site.conf",
		  "absent", "unknown" },
		{ "mkdir -p $R/lib/systemd/system $R/etc/systemd/system && "
		  "printf '[Unit]\\n' > $R/lib/systemd/system/multipathd.service && "
		  "ln -s /dev/null $R/etc/systemd/system/multipathd.service",
		  "absent", "unknown" },
		{ "mkdir -p $R/lib/systemd/system", "absent", "unknown" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *conf = mr_xasprintf("multipath.conf=%s", cases[i].conf);
		char *cond = mr_xasprintf("multipath.unit_cond=%s", cases[i].cond);
		char *setup = mr_xasprintf("mkdir -p $R/etc && %s", cases[i].setup);
		const char *want[] = { conf, cond };
		check_tree_case(i, setup, want, MR_ARRAY_LEN(want));
		free(setup);
		free(conf);
		free(cond);
	}
}

/* A TCP socket's keys that limit who connects, in systemd's order with
 * their lines (a continued line: where it starts); other keys, another
 * section and comments not (found by a review: IPAddressDeny=any in a
 * drop-in, unread) */
static void test_probe_socket_opts(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts(
		root,
		"mkdir -p $R/lib/systemd/system $R/etc/systemd/system/libvirtd-tcp.socket.d && "
		"printf '[Unit]\\nService=x\\n[Socket]\\nListenStream=16509\\nService=libvirtd.service\\n"
		"[Install]\\nWantedBy=sockets.target\\n' > $R/lib/systemd/system/libvirtd-tcp.socket && "
		"printf '[Socket]\\n# IPAddressDeny=none\\nIPAddressDeny = any\\nIPAddressAllow=\\\\\\n"
		"localhost\\nBindIPv6Only=ipv6-only\\nBacklog=5\\n' > "
		"$R/etc/systemd/system/libvirtd-tcp.socket.d/b.conf && "
		"printf '[Socket]\\nBindToDevice=lo\\nFileDescriptorName=tcp\\n' > "
		"$R/etc/systemd/system/libvirtd-tcp.socket.d/a.conf",
		NULL, NULL, &t);
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, "socket.libvirtd-tcp.socket.opt", &v);
	static const char *const want[] = {
		"/lib/systemd/system/libvirtd-tcp.socket 5 Service=libvirtd.service",
		"/etc/systemd/system/libvirtd-tcp.socket.d/a.conf 2 BindToDevice=lo",
		"/etc/systemd/system/libvirtd-tcp.socket.d/a.conf 3 FileDescriptorName=tcp",
		"/etc/systemd/system/libvirtd-tcp.socket.d/b.conf 3 IPAddressDeny=any",
		"/etc/systemd/system/libvirtd-tcp.socket.d/b.conf 4 IPAddressAllow=localhost",
		"/etc/systemd/system/libvirtd-tcp.socket.d/b.conf 6 BindIPv6Only=ipv6-only",
	};
	for (size_t i = 0; i < n || i < MR_ARRAY_LEN(want); i++)
		if (i >= n || i >= MR_ARRAY_LEN(want) || strcmp(v[i], want[i]) != 0)
			fail_msg("opt %zu: '%s', want '%s'", i, i < n ? v[i] : "(none)",
			         i < MR_ARRAY_LEN(want) ? want[i] : "(none)");
	free(v);
	tree_facts_done(root, f, t);
}

/* /etc/hosts, read once for every conf name bound on this host: the
 * addresses of qemu.conf's migration_address (without a libvirtd.conf)
 * and of libvirtd.conf's listen_addr, each its own fact */
static void test_probe_hosts_names(void **state)
{
	(void)state;
	static const struct {
		const char *setup, *want[4];
	} cases[] = {
		{ "mkdir -p $R/etc/libvirt && "
		  "printf 'migration_address = \"compute1\"\\nmigration_host = \"compute1\"\\n' > "
		  "$R/etc/libvirt/qemu.conf && printf '127.0.0.1 localhost\\n127.0.1.1 "
		  "compute1.example compute1\\n# 10.0.0.5 compute1\\n' > $R/etc/hosts",
		  { "qemu.migration_address_ip=127.0.1.1", "libvirtd.listen_addr_ip",
		    "qemu.migration_host_ip" } },
		{ "mkdir -p $R/etc/libvirt && printf 'migration_address = \"c1\"\\n' > "
		  "$R/etc/libvirt/qemu.conf && printf 'listen_addr = \"lb\"\\n' > "
		  "$R/etc/libvirt/libvirtd.conf && printf '10.0.0.5 c1\\n::1 lb\\n' > $R/etc/hosts",
		  { "qemu.migration_address_ip=10.0.0.5", "libvirtd.listen_addr_ip=::1" } },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++)
		check_tree_case(i, cases[i].setup, cases[i].want, MR_ARRAY_LEN(cases[i].want));
}

/* virtproxyd's options as systemd reads its EnvironmentFile: text after
 * the closing quote is part of the value (glued on, blanks skipped), quotes
 * and escapes off, as libvirtd.service's options are read */
static void test_probe_virtproxyd_args(void **state)
{
	(void)state;
	static const struct {
		const char *line, *want, *exec;
	} cases[] = {
		{ "VIRTPROXYD_ARGS=\"--timeout 120\" # keep", "virtproxyd.args=--timeout 120# keep",
		  " $VIRTPROXYD_ARGS" },
		{ "VIRTPROXYD_ARGS='-t 5'", "virtproxyd.args=-t 5", " $VIRTPROXYD_ARGS" },
		{ "VIRTPROXYD_ARGS=-f\\ x  ", "virtproxyd.args=-f x", " $VIRTPROXYD_ARGS" },
		/* the program alone: no argument (it was taken for one) */
		{ "VIRTPROXYD_ARGS=-v", "virtproxyd.args=", "" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char root[] = "/tmp/mr-facts-XXXXXX";
		struct mr_transport *t;
		assert_int_equal(setenv("LINE", cases[i].line, 1), 0);
		assert_int_equal(setenv("EXEC", cases[i].exec, 1), 0);
		/* virtproxyd.service is read where [nova] keys are watched */
		struct mr_facts *f = tree_facts_with(
			root,
			"d=$R/usr/lib/systemd/system && mkdir -p $d $R/etc/sysconfig && "
			"printf '[Service]\\nEnvironmentFile=-/etc/sysconfig/virtproxyd\\n"
			"ExecStart=/usr/sbin/virtproxyd%s\\n' \"$EXEC\" > $d/virtproxyd.service && "
			"printf '%s\\n' \"$LINE\" > $R/etc/sysconfig/virtproxyd",
			NULL, NULL, "libvirt/live_migration_uri", NULL, &t);
		unsetenv("LINE");
		unsetenv("EXEC");
		const char *want[] = { cases[i].want };
		check_facts(cases[i].line, f, want, 1);
		tree_facts_done(root, f, t);
	}
}

/* The files nova-compute reads and in which order, from its unit's
 * ExecStart as oslo.config takes its arguments: "b:" the files read
 * before nova.conf, "o:" after it (each that sets libvirt/cpu_mode),
 * "u:" nova.conf_unread, "?" nova.args_unknown */
static void test_probe_nova_config_files(void **state)
{
	(void)state;
	static const struct {
		const char *unit, *setup, *want;
	} cases[] = {
		/* devstack's: nova.conf is not read at all */
		{ "ExecStart = /usr/local/bin/nova-compute --config-file /etc/nova/nova-cpu.conf",
		  "mv $R/etc/nova/override.conf $R/etc/nova/nova-cpu.conf",
		  "o: /etc/nova/nova.conf.d/1.conf /etc/nova/nova-cpu.conf u:/etc/nova/nova-cpu.conf" },
		{ "ExecStart=/usr/bin/nova-compute --config-file=/etc/nova/nova.conf "
		  "--config-file=/etc/nova/override.conf",
		  "", "b: /etc/nova/nova.conf.d/1.conf o: /etc/nova/override.conf" },
		{ "ExecStart=/usr/bin/nova-compute --config-file=/etc/nova/override.conf "
		  "--config-file=/etc/nova/nova.conf",
		  "", "b: /etc/nova/nova.conf.d/1.conf /etc/nova/override.conf" },
		/* a --config-dir: its files by name, in its place; oslo.config's
		 * own directories then unread */
		{ "ExecStart=/usr/bin/nova-compute --config-dir /etc/nova/d --config-file "
		  "/etc/nova/nova.conf --config-dir=/etc/nova/e",
		  "mkdir -p $R/etc/nova/d $R/etc/nova/e && cp $C $R/etc/nova/d/2.conf && "
		  "cp $C $R/etc/nova/d/1.conf && cp $C $R/etc/nova/e/1.conf",
		  "b: /etc/nova/d/1.conf /etc/nova/d/2.conf o: /etc/nova/e/1.conf" },
		/* RDO's: no argument, oslo.config's search */
		{ "ExecStart=/usr/bin/nova-compute", "mv $R/etc/nova/override.conf "
		  "$R/etc/nova/nova-compute.conf",
		  "o: /etc/nova/nova-compute.conf /etc/nova/nova.conf.d/1.conf" },
		/* Debian's init script: nova.conf, nova-compute.conf */
		{ "ExecStart=/etc/init.d/nova-compute systemd-start", "mv $R/etc/nova/override.conf "
		  "$R/etc/nova/nova-compute.conf",
		  "b: /etc/nova/nova.conf.d/1.conf o: /etc/nova/nova-compute.conf" },
		{ "ExecStart=/etc/init.d/nova-compute systemd-start",
		  "mkdir -p $R/etc/default && echo 'DAEMON_ARGS=\"--config-file=/etc/nova/x.conf\"' > "
		  "$R/etc/default/nova-compute",
		  "b: /etc/nova/nova.conf.d/1.conf ?" },
		/* the unit's environment */
		{ "Environment=CPU=/etc/nova/override.conf\n"
		  "ExecStart=/usr/bin/nova-compute --config-file ${CPU}",
		  "", "o: /etc/nova/nova.conf.d/1.conf /etc/nova/override.conf u:/etc/nova/override.conf" },
		{ "ExecStart=/usr/bin/nova-compute --config-file $CPU", "", "o: /etc/nova/nova.conf.d/1.conf ?" },
		{ "ExecStart=/usr/bin/nova-compute --config-file nova.conf", "", "o: /etc/nova/nova.conf.d/1.conf ?" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char root[] = "/tmp/mr-facts-XXXXXX";
		struct mr_transport *t;
		assert_int_equal(setenv("UNIT", cases[i].unit, 1), 0);
		assert_int_equal(setenv("SETUP", cases[i].setup, 1), 0);
		assert_int_equal(setenv("C", "/dev/null", 1), 0);
		struct mr_facts *f = tree_facts_with(
			root,
			"d=$R/lib/systemd/system && mkdir -p $d $R/etc/nova/nova.conf.d && "
			"printf '[Service]\\n%s\\n' \"$UNIT\" > $d/nova-compute.service && "
			"C=$R/etc/nova/override.conf && "
			"printf '[libvirt]\\ncpu_mode = custom\\n' > $C && "
			"printf '[libvirt]\\ncpu_mode = host-model\\n' > $R/etc/nova/nova.conf && "
			"cp $C $R/etc/nova/nova.conf.d/1.conf && eval \"$SETUP\"",
			NULL, NULL, "libvirt/cpu_mode", NULL, &t);
		unsetenv("UNIT");
		unsetenv("SETUP");
		struct mr_buf b;
		mr_buf_init(&b);
		const char *kinds[] = { "nova.before", "nova.other" };
		for (size_t k = 0; k < MR_ARRAY_LEN(kinds); k++) {
			const char **lines = NULL;
			size_t n = mr_facts_get_all(f, kinds[k], &lines);
			for (size_t j = 0; j < n; j++)
				mr_buf_printf(&b, "%s %.*s", j ? "" : k ? " o:" : " b:",
				              (int)strcspn(lines[j], " "), lines[j]);
			free(lines);
		}
		const char *unread = mr_facts_get(f, "nova.conf_unread");
		if (unread)
			mr_buf_printf(&b, " u:%s", unread);
		if (mr_facts_get(f, "nova.args_unknown"))
			mr_buf_printf(&b, " ?");
		char *got = mr_buf_steal(&b, NULL);
		if (strcmp(got ? got + 1 : "", cases[i].want) != 0)
			fail_msg("case %zu (%s): '%s', want '%s'", i, cases[i].unit, got ? got + 1 : "",
			         cases[i].want);
		free(got);
		tree_facts_done(root, f, t);
	}
}

/* The security modules a security_driver needs, in a tree: SELinux from
 * /etc/selinux/config's first SELINUX= line (disabled without the file,
 * unknown without the line), libvirt's AppArmor template; the kernel's
 * AppArmor never (a tree does not tell) */
static void test_probe_security_modules(void **state)
{
	(void)state;
	static const struct {
		const char *setup, *want[3];
	} cases[] = {
		{ "mkdir -p $R/etc", { "selinux=disabled", "apparmor",
			"apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu absent" } },
		{ "mkdir -p $R/etc/selinux $R/etc/apparmor.d/libvirt && "
		  "printf '# SELINUX=enforcing\\nSELINUX=permissive\\nSELINUX=disabled\\n' > "
		  "$R/etc/selinux/config && : > $R/etc/apparmor.d/libvirt/TEMPLATE.qemu",
		  { "selinux=0", "apparmor",
		    "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu present" } },
		{ "mkdir -p $R/etc/selinux && printf 'SELINUX=disabled\\n' > $R/etc/selinux/config",
		  { "selinux=disabled" } },
		{ "mkdir -p $R/etc/selinux && printf 'SELINUXTYPE=targeted\\n' > "
		  "$R/etc/selinux/config", { "selinux" } },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++)
		check_tree_case(i, cases[i].setup, cases[i].want, MR_ARRAY_LEN(cases[i].want));
}

/* A tree's account files are the whole database only where its
 * nsswitch.conf reads nothing else for them (sssd, LDAP: a group the
 * files lack may still be there, which getent alone would tell). */
static void test_probe_nss_sources(void **state)
{
	(void)state;
#define ACCOUNTS "mkdir -p $R/etc && printf 'root:x:0:0::/root:/bin/sh\\n' > $R/etc/passwd && " \
	         "printf 'root:x:0:\\n' > $R/etc/group"
	static const struct {
		const char *setup, *want[2];
	} cases[] = {
		{ ACCOUNTS, { "ids.passwd=read", "ids.group=read" } },
		{ ACCOUNTS " && printf 'passwd: files systemd\\ngroup:          files [SUCCESS=merge] "
		  "systemd # local\\nhosts: files dns ldap\\n' > $R/etc/nsswitch.conf",
		  { "ids.passwd=read", "ids.group=read" } },
		{ ACCOUNTS " && printf 'passwd:     sss files systemd\\ngroup:files sss\\n' > "
		  "$R/etc/nsswitch.conf", { "ids.passwd", "ids.group" } },
		{ ACCOUNTS " && printf 'passwd: compat\\ngroup: files\\ngroup: ldap\\n' > "
		  "$R/etc/nsswitch.conf", { "ids.passwd=read", "ids.group" } },
		/* after an action, another source still counts */
		{ ACCOUNTS " && printf 'group: files [NOTFOUND=return] nis\\n' > $R/etc/nsswitch.conf",
		  { "ids.passwd=read", "ids.group" } },
	};
#undef ACCOUNTS
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++)
		check_tree_case(i, cases[i].setup, cases[i].want, MR_ARRAY_LEN(cases[i].want));
}

/* libvirt's daemons' AppArmor profiles in a tree: each file apparmor
 * loads at boot, present, disabled (a link in disable/, absolute links
 * read inside the tree), complaining (force-complain/) or absent; the
 * kernel's list of profiles never (a tree does not tell) */
static void test_probe_apparmor_files(void **state)
{
	(void)state;
	static const struct {
		const char *setup, *libvirtd, *virtqemud;
	} cases[] = {
		{ "mkdir -p $R/etc", "absent", "absent" },
		{ "mkdir -p $R/etc/apparmor.d/disable $R/etc/apparmor.d/force-complain && "
		  "cd $R/etc/apparmor.d && : > usr.sbin.libvirtd && : > usr.sbin.virtqemud && "
		  "ln -s ../usr.sbin.libvirtd disable/usr.sbin.libvirtd && "
		  "ln -s ../usr.sbin.virtqemud force-complain/usr.sbin.virtqemud",
		  "disabled", "complain" },
		{ "mkdir -p $R/etc/apparmor.d/disable && cd $R/etc/apparmor.d && "
		  ": > usr.sbin.libvirtd && : > usr.sbin.virtqemud && "
		  "ln -s /etc/apparmor.d/usr.sbin.virtqemud disable/usr.sbin.virtqemud",
		  "present", "disabled" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char root[] = "/tmp/mr-facts-XXXXXX";
		struct mr_transport *t;
		struct mr_facts *f = tree_facts(root, cases[i].setup, NULL, NULL, &t);
		char *lv = mr_xasprintf("/etc/apparmor.d/usr.sbin.libvirtd %s", cases[i].libvirtd);
		char *qd = mr_xasprintf("/etc/apparmor.d/usr.sbin.virtqemud %s", cases[i].virtqemud);
		if (!mr_facts_has(f, "apparmor.file", lv) || !mr_facts_has(f, "apparmor.file", qd))
			fail_msg("case %zu: no apparmor.file=%s and %s", i, lv, qd);
		if (mr_facts_get(f, "apparmor.profiles") || mr_facts_get(f, "apparmor.profile"))
			fail_msg("case %zu: a tree has no kernel's list of profiles", i);
		free(lv);
		free(qd);
		tree_facts_done(root, f, t);
	}
}

/* The [ssh] user's /etc/shadow entry: locked or not, its expiry day and
 * its password's ageing */
static void test_probe_shadow(void **state)
{
	(void)state;
	static const struct {
		const char *shadow, *want; /* NULL shadow: no file */
	} cases[] = {
		{ "root:*:19000:0:99999:7:::\nnova:!*:19000:0:99999:7::20000:\n",
		  "yes 20000 19000 99999 -" },
		{ "nova:*:19000:0:99999:7:::", "no - 19000 99999 -" }, /* no newline at the end */
		{ "nova::19000::::::\n", "no - 19000 - -" },
		/* its ageing: last change, maximum age, inactive period */
		{ "nova:*:0:0:90:7:14::\n", "no - 0 90 14" },
		{ "root:*:19000:0:99999:7:::\n", "none" },
		{ NULL, "absent" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char root[] = "/tmp/mr-facts-XXXXXX";
		struct mr_transport *t;
		char *setup = cases[i].shadow
		                  ? mr_xasprintf("mkdir -p $R/etc && printf '%s' > $R/etc/shadow",
		                                 cases[i].shadow)
		                  : mr_xstrdup("mkdir -p $R/etc");
		struct mr_facts *f = tree_facts(root, setup, "nova", NULL, &t);
		const char *got = mr_facts_get(f, "account.shadow");
		if (!got || strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s', not '%s'", i, got ? got : "(none)", cases[i].want);
		tree_facts_done(root, f, t);
		free(setup);
	}
}

/* The user nova-compute runs as, for [ssh]: its unit's User= (a drop-in's
 * last), root where it names none; unknown where User= is not one plain
 * word; none without a unit */
static void test_probe_nova_user(void **state)
{
	(void)state;
	static const struct {
		const char *setup, *want;
	} cases[] = {
		{ "printf '[Service]\\nUser=nova\\n' > $U", "nova" },
		{ "printf '[Service]\\nExecStart=/usr/bin/nova-compute\\n' > $U", "root" },
		{ "printf '[Service]\\nUser=nova\\n' > $U && mkdir $U.d && "
		  "printf '[Service]\\nUser=stack \\n' > $U.d/x.conf",
		  "stack" },
		{ "printf '[Service]\\nUser=64060\\n' > $U", "64060" },
		{ "printf '[Service]\\nUser=%%i\\n' > $U", "unknown" },
		{ "printf '[Service]\\nUser=nova x\\n' > $U", "unknown" },
		{ "rm -r $R/lib", "none" },
		/* masked or not readable: not known (found by a review: root) */
		{ "ln -s /dev/null $U", "unread" },
		{ "mkdir $U", "unread" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char root[] = "/tmp/mr-facts-XXXXXX";
		struct mr_transport *t;
		char *setup = mr_xasprintf("mkdir -p $R/etc $R/lib/systemd/system && "
		                           "U=$R/lib/systemd/system/nova-compute.service && %s",
		                           cases[i].setup);
		struct mr_facts *f = tree_facts_with(root, setup, "nova", NULL, "DEFAULT/my_ip", NULL, &t);
		const char *got = mr_facts_get(f, "nova.user");
		if (!got || strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s', not '%s'", i, got ? got : "(none)", cases[i].want);
		/* root by default only where the unit names no User= */
		if (!mr_facts_get(f, "nova.user_default") != (i != 1))
			fail_msg("case %zu: nova.user_default", i);
		tree_facts_done(root, f, t);
		free(setup);
	}
}

/* Where sshd listens: its Port, ListenAddress and AddressFamily lines,
 * and its unit's -p (ports that replace every Port line) and -4/-6 */
static void test_probe_sshd_listen(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts_with(root,
		"mkdir -p $R/etc/ssh $R/lib/systemd/system && "
		"printf '[Service]\\nExecStart=/usr/sbin/sshd -D -6 -4p 2222 -p 2223 -oPort=2200\\n' "
		"> $R/lib/systemd/system/ssh.service && "
		"printf 'ListenAddress 10.0.0.1:22\\nport 22\\nAddressFamily inet\\n' > "
		"$R/etc/ssh/sshd_config",
		"nova", NULL, "DEFAULT/my_ip", NULL, &t);
	static const char *const want[][2] = {
		{ "sshd.cmdline_port", "2222" },
		{ "sshd.cmdline_port", "2223" },
		{ "sshd.cmdline_family", "inet" },
		{ "sshd.line", "ssh.service%20-o 0 Port 2200" },
		{ "sshd.line", "/etc/ssh/sshd_config 1 ListenAddress 10.0.0.1:22" },
		{ "sshd.line", "/etc/ssh/sshd_config 2 port 22" },
		{ "sshd.line", "/etc/ssh/sshd_config 3 AddressFamily inet" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(want); i++)
		if (!mr_facts_has(f, want[i][0], want[i][1]))
			fail_msg("no %s=%s", want[i][0], want[i][1]);
	tree_facts_done(root, f, t);
}

/* ssh.socket's listeners, as systemd reads them: its lines add up, an
 * empty one clears them, drop-ins after the file */
static void test_probe_ssh_socket(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts_with(root,
		"mkdir -p $R/etc/ssh $R/lib/systemd/system $R/etc/systemd/system/ssh.socket.d && "
		"printf '[Socket]\\nListenStream=22\\nListenStream=\\nListenStream = 0.0.0.0:22\\n"
		"BindIPv6Only=both\\n' > $R/lib/systemd/system/ssh.socket && "
		"printf '[Socket]\\nListenStream=10.0.0.1:22\\nBindToDevice=eth1\\n' > "
		"$R/etc/systemd/system/ssh.socket.d/x.conf",
		"nova", NULL, "DEFAULT/my_ip", NULL, &t);
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, "ssh.socket_listen", &v);
	if (n != 2 || strcmp(v[0], "0.0.0.0:22") != 0 || strcmp(v[1], "10.0.0.1:22") != 0)
		fail_msg("ssh.socket_listen: %zu values, %s", n, n ? v[0] : "");
	free(v);
	assert_true(mr_facts_has(f, "ssh.socket_bindipv6only", "both"));
	assert_true(mr_facts_has(f, "ssh.socket_bindtodevice", "eth1"));
	tree_facts_done(root, f, t);
}

/* Generators' units and drop-ins read in systemd's order (found by a
 * review: Ubuntu's sshd-socket-generator's listeners unread); in a tree,
 * that generator named (it runs at boot) */
static void test_probe_ssh_socket_generated(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts_with(root,
		"mkdir -p $R/etc/ssh $R/usr/lib/systemd/system $R/usr/lib/systemd/system-generators "
		"$R/run/systemd/generator/ssh.socket.d $R/run/systemd/generator.late && "
		"printf '[Socket]\\nListenStream=0.0.0.0:22\\n' > $R/usr/lib/systemd/system/ssh.socket && "
		"printf '[Socket]\\nListenStream=\\nListenStream=10.0.0.1:2222\\n' > "
		"$R/run/systemd/generator/ssh.socket.d/addresses.conf && "
		"printf '[Service]\\nExecStart=/etc/init.d/nova-compute start\\n' > "
		"$R/run/systemd/generator.late/nova-compute.service && "
		"touch $R/usr/lib/systemd/system-generators/sshd-socket-generator",
		"nova", NULL, "DEFAULT/my_ip", NULL, &t);
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, "ssh.socket_listen", &v);
	if (n != 1 || strcmp(v[0], "10.0.0.1:2222") != 0)
		fail_msg("ssh.socket_listen: %zu values, %s", n, n ? v[0] : "");
	free(v);
	assert_true(mr_facts_has(f, "ssh.socket_generator",
	                         "/usr/lib/systemd/system-generators/sshd-socket-generator"));
	/* a unit made of an init script: the script picks the user */
	assert_true(mr_facts_has(f, "nova.user", "generated"));
	tree_facts_done(root, f, t);
}

/* ssh's other known_hosts files: a file's first 256 key lines read, a
 * file of more said cut, and that file only (found by a review: the
 * count ran across the files, every later one said cut) */
static void test_probe_known_other_cut(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts_with(root,
		"mkdir -p $R/etc/ssh && i=0 && while [ $i -lt 300 ]; do "
		"echo \"h$i ssh-ed25519 AAAA$i\"; i=$((i + 1)); done > $R/etc/ssh/ssh_known_hosts && "
		"printf 'peer ssh-ed25519 AAAAx\\n' > $R/etc/ssh/ssh_known_hosts2",
		"nova", NULL, "DEFAULT/my_ip", NULL, &t);
	const char **v = NULL;
	size_t n = mr_facts_get_all(f, "ssh.known_other_cut", &v);
	if (n != 1 || strcmp(v[0], "/etc/ssh/ssh_known_hosts") != 0)
		fail_msg("ssh.known_other_cut: %zu values, %s", n, n ? v[0] : "");
	free(v);
	assert_true(mr_facts_has(f, "ssh.known_other", "/etc/ssh/ssh_known_hosts2 1 peer ssh-ed25519 AAAAx"));
	n = mr_facts_get_all(f, "ssh.known_other", &v);
	assert_int_equal(n, 257);
	free(v);
	tree_facts_done(root, f, t);
}

/* A tab in ssh.socket's or sshd_config's values: systemd and sshd strip
 * trailing blanks and tabs; one inside reaches no fact (found by a
 * review: the facts refused, the host unexamined; "ipv6-only " judged
 * as not known) */
static void test_probe_ssh_tabs(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	struct mr_transport *t;
	struct mr_facts *f = tree_facts_with(root,
		"mkdir -p $R/etc/ssh $R/lib/systemd/system && "
		"printf '[Socket]\\nListenStream=10.0.0.1:22\\t\\nListenStream=10.0.0.2\\t:22\\n"
		"BindIPv6Only=ipv6-only \\t\\nBindToDevice=eth\\t1\\n' > $R/lib/systemd/system/ssh.socket && "
		"printf '[Service]\\nExecStart=/usr/sbin/sshd -D -p 22\\001\\n' > "
		"$R/lib/systemd/system/ssh.service && "
		"printf 'Port 22\\t\\nAllowUsers nova\\tbob \\nListenAddress 10.0.0.1\\001\\n' > "
		"$R/etc/ssh/sshd_config",
		"nova", NULL, "DEFAULT/my_ip", NULL, &t);
	static const char *const want[][2] = {
		{ "ssh.socket_listen", "10.0.0.1:22" },
		{ "ssh.socket_listen", "(a value holding a control character)" },
		{ "ssh.socket_bindipv6only", "ipv6-only" },
		{ "ssh.socket_bindtodevice", "(a value holding a control character)" },
		{ "sshd.cmdline_port", "(a control character)" },
		{ "sshd.line", "/etc/ssh/sshd_config 1 Port 22" },
		{ "sshd.line", "/etc/ssh/sshd_config 2 AllowUsers nova bob" },
		{ "sshd.unread", "/etc/ssh/sshd_config 3 ListenAddress" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(want); i++)
		if (!mr_facts_has(f, want[i][0], want[i][1]))
			fail_msg("no %s=%s", want[i][0], want[i][1]);
	tree_facts_done(root, f, t);
}

/* ---- the host's lock ---- */

static char *read_text(const char *path)
{
	size_t len;
	return mr_file_read(path, &len);
}

/* A host's root: the probe refuses one without etc. */
static void make_root(char *root)
{
	assert_non_null(mkdtemp(root));
	char *etc = mr_xasprintf("%s/etc", root);
	assert_int_equal(mkdir(etc, 0755), 0);
	free(etc);
}

static void test_lock(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	make_root(root);
	struct mr_error *err = NULL;
	struct mr_transport *t1 = mr_transport_local_new(root, &err);
	struct mr_transport *t2 = mr_transport_local_new(root, &err);
	assert_non_null(t1);
	assert_non_null(t2);

	struct mr_facts *f1 =
		mr_facts_gather(t1, NULL, NULL, NULL, NULL, NULL, 0, "migready run R1 on ctl", &err);
	if (!f1)
		fail_msg("%s", err->message);
	assert_string_equal(mr_facts_get(f1, "lock"), "held");
	char *dir = mr_xasprintf("%s/var/lib/migready", root);
	char *lock = mr_xasprintf("%s/lock", dir);
	char *holder = mr_xasprintf("%s/lock.holder", dir);
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0); /* only root reads who holds it */
	assert_int_equal(stat(lock, &sb), 0);
	char *h = read_text(holder);
	assert_non_null(h);
	assert_int_equal(strncmp(h, "migready run R1 on ctl since 20", 31), 0);
	free(h);

	/* While it holds the lock, t1's commands run in the probe's serving
	 * shell (its arguments, or an ancestor's, name it), without the lock's
	 * descriptor, their output and status as they were, whatever they
	 * print. */
	const char *served[] = {
		"/bin/sh", "-c",
		"p=$$; w=own; while [ \"$p\" -gt 1 ]; do "
		"grep -q migready-serve /proc/$p/cmdline && w=served; "
		"read -r _ _ _ p _ < /proc/$p/stat; done; "
		"[ -e /proc/self/fd/9 ] && w=\"$w, fd 9 open\"; "
		"printf '%s\\n\\n%s 0\\nno newline' \"$w\" \"$1\"; exit 3",
		"x", "--migready-held--", NULL
	};
	char *out = NULL;
	size_t len = 0;
	int status = -1;
	assert_int_equal(t1->ops->run(t1, served, NULL, 0, &out, &len, &status, &err), 0);
	assert_int_equal(status, 3);
	assert_string_equal(out, "served\n\n--migready-held-- 0\nno newline");
	assert_int_equal(len, strlen(out));
	free(out);
	/* and the next one too */
	const char *second[] = { "/bin/sh", "-c", "printf 'a\\n'", NULL };
	assert_int_equal(t1->ops->run(t1, second, NULL, 0, &out, &len, &status, &err), 0);
	assert_int_equal(status, 0);
	assert_string_equal(out, "a\n");
	free(out);
	/* Input reaches the command whole; input a command leaves unread is
	 * never taken for the next request. */
	const char *cat[] = { "/bin/sh", "-c", "cat; printf '|'", NULL };
	static const char data[] = "line 1\n5 abcd 0\nexit 9\n";
	assert_int_equal(t1->ops->run(t1, cat, data, strlen(data), &out, &len, &status, &err), 0);
	assert_int_equal(status, 0);
	assert_string_equal(out, "line 1\n5 abcd 0\nexit 9\n|");
	free(out);
	const char *deaf[] = { "/bin/sh", "-c", "exit 4", NULL };
	size_t big_len = 300000;
	char *big = mr_xmalloc(big_len);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (i % 20 == 19) ? '\n' : "0123456789 touch x"[i % 18];
	assert_int_equal(t1->ops->run(t1, deaf, big, big_len, &out, &len, &status, &err), 0);
	assert_int_equal(status, 4);
	free(out);
	free(big);
	assert_int_equal(t1->ops->run(t1, second, NULL, 0, &out, &len, &status, &err), 0);
	assert_int_equal(status, 0);
	assert_string_equal(out, "a\n");
	free(out);

	/* Held by t1: a second run is refused at once, naming the holder. */
	struct mr_facts *f2 =
		mr_facts_gather(t2, NULL, NULL, NULL, NULL, NULL, 0, "migready run R2 on ctl", &err);
	assert_null(f2);
	assert_non_null(err);
	char *msg = mr_error_format(err);
	if (!strstr(msg, "locked by migready run R1 on ctl since 20"))
		fail_msg("message: %s", msg);
	free(msg);
	mr_error_free(err);
	err = NULL;

	/* t1's end closes: the lock is free, and the same connection that
	 * lost can take it. */
	mr_transport_close(t1);
	f2 = mr_facts_gather(t2, NULL, NULL, NULL, NULL, NULL, 0, "migready run R2 on ctl", &err);
	if (!f2)
		fail_msg("%s", err->message);
	assert_string_equal(mr_facts_get(f2, "lock"), "held");
	h = read_text(holder);
	assert_int_equal(strncmp(h, "migready run R2 on ctl since ", 29), 0);
	free(h);
	mr_transport_close(t2);

	/* Held by a process that is not migready's (an operator's flock):
	 * the holder file still names R2, which has ended; not named. */
	int held[2];
	assert_int_equal(pipe(held), 0);
	pid_t other = fork();
	assert_true(other >= 0);
	if (other == 0) {
		int fd = open(lock, O_WRONLY | O_APPEND);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		close(held[0]);
		if (write(held[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(held[1]);
	char c;
	assert_int_equal(read(held[0], &c, 1), 1);
	close(held[0]);
	struct mr_transport *t3 = mr_transport_local_new(root, &err);
	assert_non_null(t3);
	struct mr_facts *f3 =
		mr_facts_gather(t3, NULL, NULL, NULL, NULL, NULL, 0, "migready run R3 on ctl", &err);
	assert_null(f3);
	msg = mr_error_format(err);
	if (!strstr(msg, "locked by another process (lock.holder names migready run R2 on ctl "
	                 "since 20") ||
	    !strstr(msg, ", not confirmed to hold it); not changed"))
		fail_msg("message: %s", msg);
	free(msg);
	mr_error_free(err);
	err = NULL;
	mr_transport_close(t3);
	kill(other, SIGTERM);
	waitpid(other, NULL, 0);

	mr_facts_free(f1);
	mr_facts_free(f2);
	char *cmd = mr_xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
	free(lock);
	free(holder);
}

/* No place for the lock: the run stops there, saying why. */
static void test_lock_cannot_be_made(void **state)
{
	(void)state;
	char root[] = "/tmp/mr-facts-XXXXXX";
	make_root(root);
	char *var = mr_xasprintf("%s/var", root);
	FILE *fp = fopen(var, "w"); /* a file where a directory must go */
	assert_non_null(fp);
	fclose(fp);
	struct mr_error *err = NULL;
	struct mr_transport *t = mr_transport_local_new(root, &err);
	assert_non_null(t);
	struct mr_facts *f = mr_facts_gather(t, NULL, NULL, NULL, NULL, NULL, 0, "migready run R1", &err);
	assert_null(f);
	char *msg = mr_error_format(err);
	if (!strstr(msg, "cannot take the host's lock: cannot create "))
		fail_msg("message: %s", msg);
	free(msg);
	mr_error_free(err);
	mr_transport_close(t);
	unlink(var);
	char *etc = mr_xasprintf("%s/etc", root);
	rmdir(etc);
	free(etc);
	rmdir(root);
	free(var);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_key_length_bounded),
		cmocka_unit_test(test_many_facts_read_back),
		cmocka_unit_test(test_fact_path_shown),
		cmocka_unit_test(test_too_many_lines),
		cmocka_unit_test(test_pending_validated),
		cmocka_unit_test(test_pending_capped),
		cmocka_unit_test(test_unit_name_valid),
		cmocka_unit_test(test_real_outputs),
		cmocka_unit_test(test_unit_words),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_probe_on_trees),
		cmocka_unit_test(test_probe_extra_user),
		cmocka_unit_test(test_probe_pending_from_tree),
		cmocka_unit_test(test_probe_absolute_link_stays_in_tree),
		cmocka_unit_test(test_probe_shell_in_tree),
		cmocka_unit_test(test_probe_security_modules),
		cmocka_unit_test(test_probe_nss_sources),
		cmocka_unit_test(test_probe_apparmor_files),
		cmocka_unit_test(test_probe_nftables_conf),
		cmocka_unit_test(test_probe_firewalld_conf),
		cmocka_unit_test(test_probe_firewalld_target),
		cmocka_unit_test(test_probe_ufw_ipv6),
		cmocka_unit_test(test_probe_shadow),
		cmocka_unit_test(test_probe_nova_user),
		cmocka_unit_test(test_probe_sshd_listen),
		cmocka_unit_test(test_probe_ssh_socket),
		cmocka_unit_test(test_probe_ssh_tabs),
		cmocka_unit_test(test_probe_known_other_cut),
		cmocka_unit_test(test_probe_ssh_socket_generated),
		cmocka_unit_test(test_probe_libvirt_conf_lines),
		cmocka_unit_test(test_probe_conf_list_lines),
		cmocka_unit_test(test_probe_kvm_rules),
		cmocka_unit_test(test_probe_multipath_sections),
		cmocka_unit_test(test_probe_multipath_unit_condition),
		cmocka_unit_test(test_probe_virtproxyd_args),
		cmocka_unit_test(test_probe_nova_config_files),
		cmocka_unit_test(test_probe_hosts_names),
		cmocka_unit_test(test_probe_socket_opts),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_lock_cannot_be_made),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
