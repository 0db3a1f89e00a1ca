/* Profiles: every value type, every error message with its place, includes,
 * merging of several -p, the long-line and line-number handling of
 * ini_lines, overrides and copies. */
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

#include "ini_lines.h"
#include "profile.h"
#include "profile_priv.h"

#define DIR MR_TEST_DATA "/profiles"

/* "{D}" in a want string stands for the data directory. */
static char *subst(const char *want)
{
	return mr_test_subst(want, DIR);
}


/* Loads the files (names relative to DIR) and checks the errors, one per
 * want line, in order. */
static void expect_errors(const char *const *files, size_t n, const char *want)
{
	char *paths[8];
	for (size_t i = 0; i < n; i++)
		paths[i] = mr_xasprintf("%s/%s", DIR, files[i]);
	struct mr_error *err = NULL;
	struct mr_profile *p = mr_profile_load((const char *const *)paths, n, &err);
	char *got = mr_test_all_errors(err);
	char *exp = subst(want);
	assert_null(p);
	assert_string_equal(got, exp);
	for (const struct mr_error *e = err; e; e = e->next)
		assert_int_equal(e->kind, MR_ERR_INPUT);
	free(got);
	free(exp);
	mr_error_free(err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
}

static void expect_error1(const char *file, const char *want)
{
	expect_errors(&file, 1, want);
}

static struct mr_profile *load(const char *const *files, size_t n)
{
	char *paths[8];
	for (size_t i = 0; i < n; i++)
		paths[i] = mr_xasprintf("%s/%s", DIR, files[i]);
	struct mr_error *err = NULL;
	struct mr_profile *p = mr_profile_load((const char *const *)paths, n, &err);
	if (err) {
		char *s = mr_test_all_errors(err);
		print_error("unexpected errors:\n%s", s);
		free(s);
	}
	assert_null(err);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return p;
}

static struct mr_profile *load1(const char *file)
{
	return load(&file, 1);
}

static const char *val(const struct mr_profile *p, const char *section, const char *key)
{
	const struct mr_setting *s = mr_profile_get(p, section, key);
	return s ? s->value : NULL;
}

static unsigned line_of(const struct mr_profile *p, const char *section, const char *key)
{
	const struct mr_setting *s = mr_profile_get(p, section, key);
	assert_non_null(s);
	return s->loc.line;
}

/* A pipe holding text, its write end closed; returns the read end. The
 * text is small enough for the pipe's buffer. */
static int pipe_of(const char *text)
{
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(write(fd[1], text, strlen(text)), (ssize_t)strlen(text));
	close(fd[1]);
	return fd[0];
}

/* ---- every type, good and bad, through mr_profile_check_setting ---- */

struct type_case {
	const char *section, *key, *value;
	const char *want; /* NULL: valid */
};

#define ED25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG33HxT1rXsupNE9Qyx6gaX3lrzpGS0EBNjG5RIllEEf"
#define KEY_TYPES "expected ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, " \
	"ecdsa-sha2-nistp521, ssh-rsa, sk-ssh-ed25519@openssh.com or " \
	"sk-ecdsa-sha2-nistp256@openssh.com"

static const struct type_case type_cases[] = {
	/* bool */
	{ "libvirtd", "listen_tcp", "yes", NULL },
	{ "libvirtd", "listen_tcp", "No", NULL },
	{ "libvirtd", "listen_tcp", "TRUE", NULL },
	{ "libvirtd", "listen_tcp", "false", NULL },
	{ "libvirtd", "listen_tcp", "1", NULL },
	{ "libvirtd", "listen_tcp", "0", NULL },
	{ "libvirtd", "listen_tcp", "on", NULL },
	{ "libvirtd", "listen_tcp", "OFF", NULL },
	{ "libvirtd", "listen_tcp", "maybe", "libvirtd.listen_tcp: expected yes or no, got 'maybe'" },
	{ "libvirtd", "listen_tcp", "2", "libvirtd.listen_tcp: expected yes or no, got '2'" },
	{ "libvirtd", "listen_tcp", "", "libvirtd.listen_tcp: expected yes or no, got ''" },
	/* enum */
	{ "libvirtd", "auth_tcp", "none", NULL },
	{ "libvirtd", "auth_tcp", "sasl", NULL },
	{ "libvirtd", "auth_tcp", "nope", "libvirtd.auth_tcp: expected none or sasl, got 'nope'" },
	{ "libvirtd", "auth_tcp", "NONE", "libvirtd.auth_tcp: expected none or sasl, got 'NONE'" },
	{ "libvirtd", "listener", "modular", NULL },
	{ "libvirtd", "listener", "systemd",
	  "libvirtd.listener: expected auto, legacy, socket or modular, got 'systemd'" },
	{ "qemu", "security_driver", "apparmor", NULL },
	{ "nova", "cpu_mode", "host-passthrough", NULL },
	{ "nfs", "role", "srv", "nfs.role: expected server, client, both or none, got 'srv'" },
	{ "ssh", "known_hosts", "off", NULL },
	{ "firewall", "backend", "nftables", NULL },
	{ "firewall", "backend", "pf",
	  "firewall.backend: expected auto, iptables, firewalld, ufw or nftables, got 'pf'" },
	{ "ssh", "replace_key", "any", NULL },
	{ "ssh", "replace_key", "SHA256:j8CS0p/McSlngNSJAZLCEeE4dQq/gGpvMAbhbDfTYg8", NULL },
	{ "ssh", "replace_key", "SHA256:j8CS0p/McSlngNSJAZLCEeE4dQq/gGpvMAbhbDfTYg",
	  "ssh.replace_key: expected a key's fingerprint as ssh-keygen -l prints it (SHA256:...), "
	  "or any, got 'SHA256:j8CS0p/McSlngNSJAZLCEeE4dQq/gGpvMAbhbDfTYg'" },
	{ "ssh", "replace_key", "MD5:0b:28:35:a9:a8:63:8b:1c:69:c7:b4:25:d9:bd:28:39",
	  "ssh.replace_key: expected a key's fingerprint as ssh-keygen -l prints it (SHA256:...), "
	  "or any, got 'MD5:0b:28:35:a9:a8:63:8b:1c:69:c7:b4:25:d9:bd:28:39'" },
	{ "firewall", "zone", "FedoraServer", NULL },
	{ "firewall", "zone", "../../etc/shadow",
	  "firewall.zone: expected a zone name (letters, digits, _ and -, at most 17), got "
	  "'../../etc/shadow'" },
	/* integer with a range */
	{ "nova", "live_migration_bandwidth", "0", NULL },
	{ "nova", "live_migration_bandwidth", "2147483647", NULL },
	{ "nova", "live_migration_bandwidth", "-1",
	  "nova.live_migration_bandwidth: expected an integer from 0 to 2147483647, got '-1'" },
	{ "nova", "live_migration_bandwidth", "12abc",
	  "nova.live_migration_bandwidth: expected an integer from 0 to 2147483647, got '12abc'" },
	{ "nova", "live_migration_bandwidth", "99999999999999999999999",
	  "nova.live_migration_bandwidth: expected an integer from 0 to 2147483647, got "
	  "'99999999999999999999999'" },
	{ "nova", "max_concurrent_live_migrations", "1000", NULL },
	{ "nova", "max_concurrent_live_migrations", "1001",
	  "nova.max_concurrent_live_migrations: expected an integer from 0 to 1000, got '1001'" },
	/* port */
	{ "libvirtd", "tcp_port", "1", NULL },
	{ "libvirtd", "tcp_port", "65535", NULL },
	{ "libvirtd", "tcp_port", "0", "libvirtd.tcp_port: expected a port number (1-65535), got '0'" },
	{ "libvirtd", "tcp_port", "65536",
	  "libvirtd.tcp_port: expected a port number (1-65535), got '65536'" },
	{ "libvirtd", "tcp_port", "-5", "libvirtd.tcp_port: expected a port number (1-65535), got '-5'" },
	{ "libvirtd", "tcp_port", "0x10",
	  "libvirtd.tcp_port: expected a port number (1-65535), got '0x10'" },
	{ "qemu", "migration_port_min", "49152", NULL },
	/* port range with protocol */
	{ "firewall", "allow", "16509/tcp", NULL },
	{ "firewall", "allow", "49152-49261/tcp", NULL },
	{ "firewall", "allow", "53/udp", NULL },
	{ "firewall", "allow", "1-65535/tcp", NULL },
	{ "firewall", "allow", "16509",
	  "firewall.allow: expected PORT[-PORT]/tcp or PORT[-PORT]/udp, got '16509'" },
	{ "firewall", "allow", "16509/sctp",
	  "firewall.allow: expected PORT[-PORT]/tcp or PORT[-PORT]/udp, got '16509/sctp'" },
	{ "firewall", "allow", "1-/tcp",
	  "firewall.allow: expected PORT[-PORT]/tcp or PORT[-PORT]/udp, got '1-/tcp'" },
	{ "firewall", "allow", "0/tcp", "firewall.allow: expected ports from 1 to 65535, got '0/tcp'" },
	{ "firewall", "allow", "100-70000/udp",
	  "firewall.allow: expected ports from 1 to 65535, got '100-70000/udp'" },
	{ "firewall", "allow", "200-100/tcp",
	  "firewall.allow: expected a port range whose start is not above its end, got "
	  "'200-100/tcp'" },
	/* absolute path */
	{ "nova", "instances_path", "/var/lib/nova/instances", NULL },
	{ "nova", "instances_path", "/", NULL },
	{ "nova", "instances_path", "var/lib",
	  "nova.instances_path: expected an absolute path, got 'var/lib'" },
	{ "nova", "instances_path", "/var/lib/../x",
	  "nova.instances_path: expected an absolute path, got '/var/lib/../x'" },
	{ "ssh", "shell", "/bin/ba sh", "ssh.shell: expected an absolute path, got '/bin/ba sh'" },
	/* path relative to the file */
	{ "ssh", "keypair", "keys/nova", NULL },
	{ "ssh", "keypair", "~/keys/nova", NULL },
	{ "ssh", "keypair", "a b", "ssh.keypair: expected a path, got 'a b'" },
	/* user and group names */
	{ "qemu", "user", "nova", NULL },
	{ "qemu", "group", "libvirt-qemu", NULL },
	{ "ssh", "user", "_nova", NULL },
	{ "qemu", "user", "9nova", "qemu.user: expected a user or group name, got '9nova'" },
	{ "qemu", "user", "no va", "qemu.user: expected a user or group name, got 'no va'" },
	{ "qemu", "user", "abcdefghijklmnopqrstuvwxyzabcdefg",
	  "qemu.user: expected a user or group name, got 'abcdefghijklmnopqrstuvwxyzabcdefg'" },
	/* CIDR */
	{ "firewall", "source", "10.20.0.0/24", NULL },
	{ "firewall", "source", "10.20.0.5", NULL },
	/* every address: "any" is no source at all, for both families */
	{ "firewall", "source", "0.0.0.0/0",
	  "firewall.source: '0.0.0.0/0' is every address, which the rules can only say as no "
	  "source at all, opening the ports to IPv4 and IPv6 alike; leave source out for that, or "
	  "list the networks" },
	{ "firewall", "source", "::/0",
	  "firewall.source: '::/0' is every address, which the rules can only say as no source at "
	  "all, opening the ports to IPv4 and IPv6 alike; leave source out for that, or list the "
	  "networks" },
	{ "firewall", "source", "0.0.0.0/1", NULL },
	{ "firewall", "source", "fd00:20::/64", NULL },
	{ "firewall", "source", "::1", NULL },
	{ "firewall", "source", "10.20.0.0/33",
	  "firewall.source: expected a prefix length from 0 to 32, got '10.20.0.0/33'" },
	{ "firewall", "source", "fd00::/129",
	  "firewall.source: expected a prefix length from 0 to 128, got 'fd00::/129'" },
	{ "firewall", "source", "10.20.0.5/24",
	  "firewall.source: expected a network without host bits, got '10.20.0.5/24'; did you "
	  "mean '10.20.0.0/24'?" },
	{ "firewall", "source", "fd00::1/64",
	  "firewall.source: expected a network without host bits, got 'fd00::1/64'; did you "
	  "mean 'fd00::/64'?" },
	{ "firewall", "source", "10.20.0/24",
	  "firewall.source: expected an IPv4 or IPv6 address or network (10.20.0.0/24), got "
	  "'10.20.0/24'" },
	{ "firewall", "source", "10.20.0.0/",
	  "firewall.source: expected a prefix length from 0 to 32, got '10.20.0.0/'" },
	/* nova set */
	{ "nova", "set", "libvirt/live_migration_completion_timeout 800", NULL },
	{ "nova", "set", "DEFAULT/debug true", NULL },
	{ "nova", "set", "libvirt/x", "nova.set: expected SECTION/KEY VALUE, got 'libvirt/x'" },
	{ "nova", "set", "debug true", "nova.set: expected SECTION/KEY VALUE, got 'debug true'" },
	{ "nova", "set", "DEFAULT/ true", "nova.set: expected SECTION/KEY VALUE, got 'DEFAULT/ true'" },
	{ "nova", "set", "DEFAULT/instances_path /srv",
	  "nova.set: 'DEFAULT/instances_path' is managed by the key 'instances_path'; set that "
	  "instead" },
	{ "nova", "set", "libvirt/block_migration_flag VIR_MIGRATE_LIVE",
	  "nova.set: 'libvirt/block_migration_flag' is managed by the key 'live_migration_flag'; "
	  "set that instead" },
	/* values nova/conf/libvirt.py refuses */
	{ "nova", "set", "libvirt/live_migration_downtime 50",
	  "nova.set: nova refuses [libvirt] live_migration_downtime = '50' from ocata (15) on: it "
	  "takes at least 100 (nova/conf/libvirt.py); before, it rounds it up to 100" },
	{ "nova", "set", "libvirt/live_migration_downtime 100", NULL },
	{ "nova", "set", "Libvirt/Live-Migration-Downtime-Steps 2",
	  "nova.set: nova refuses [libvirt] live_migration_downtime_steps = '2' from ocata (15) "
	  "on: it takes at least 3 (nova/conf/libvirt.py); before, it rounds it up to 3" },
	{ "nova", "set", "libvirt/live_migration_completion_timeout 8OO",
	  "nova.set: nova refuses [libvirt] live_migration_completion_timeout = '8OO': it takes a "
	  "whole number (nova/conf/libvirt.py)" },
	{ "nova", "set", "libvirt/live_migration_timeout_action Abort",
	  "nova.set: nova refuses [libvirt] live_migration_timeout_action = 'Abort': it takes "
	  "'abort' or 'force_complete' (case matters) (nova/conf/libvirt.py)" },
	{ "nova", "set", "libvirt/live_migration_timeout_action force_complete", NULL },
	/* oslo.config substitutes before it converts: what $NAME stands for
	 * is the host's files', which check judges */
	{ "nova", "set", "libvirt/live_migration_downtime $live_migration_downtime_steps", NULL },
	{ "nova", "set", "libvirt/live_migration_downtime ${DEFAULT.x}0", NULL },
	/* escaped, it is no substitution: the text itself is converted */
	{ "nova", "set", "libvirt/live_migration_downtime $$100",
	  "nova.set: nova refuses [libvirt] live_migration_downtime = '$$100': it takes a whole "
	  "number (nova/conf/libvirt.py)" },
	/* nfs export */
	{ "nfs", "export", "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash)",
	  NULL },
	{ "nfs", "export", "/srv a.example(rw) *.example(ro,rw) @compute(rw,sync)", NULL },
	/* read-only, said or by default (found by a review: green, and
	 * served ro) */
	{ "nfs", "export", "/srv host",
	  "nfs.export: client 'host' would get the directory read-only (exports(5) serves ro "
	  "unless the options say rw), and nova writes the instances there: give it rw" },
	/* the last of rw and ro wins, as exportfs reads them (found by a
	 * review); every sec= flavour must end rw: nova's mount may take any
	 * (found by a review of that) */
	{ "nfs", "export", "/srv a(rw,ro)",
	  "nfs.export: client 'a(rw,ro)' would get the directory read-only (exports(5) serves ro "
	  "unless the options say rw), and nova writes the instances there: give it rw" },
	{ "nfs", "export", "/srv a(sec=krb5p,rw,sec=sys,ro)",
	  "nfs.export: client 'a(sec=krb5p,rw,sec=sys,ro)' would get the directory read-only "
	  "(exports(5) serves ro unless the options say rw), and nova writes the instances there: "
	  "give it rw" },
	{ "nfs", "export", "/srv a(sec=krb5p,rw,sec=sys)", NULL },
	{ "nfs", "export", "/srv a(rw,sec=krb5p:sys)", NULL },
	{ "nfs", "export", "/srv a(sec=sys,ro)",
	  "nfs.export: client 'a(sec=sys,ro)' would get the directory read-only (exports(5) serves "
	  "ro unless the options say rw), and nova writes the instances there: give it rw" },
	{ "nfs", "export", "/srv a(rw) 10.20.0.0/24(ro,sync)",
	  "nfs.export: client '10.20.0.0/24(ro,sync)' would get the directory read-only "
	  "(exports(5) serves ro unless the options say rw), and nova writes the instances there: "
	  "give it rw" },
	/* mountd gives a peer the first network that holds it: a narrower
	 * one after it would get nothing (found by a review) */
	{ "nfs", "export", "/srv 10.0.0.0/8(rw) 10.20.0.0/24(rw,no_root_squash)",
	  "nfs.export: client '10.20.0.0/24' comes after '10.0.0.0/8', which holds its hosts: "
	  "mountd gives them the first network's options; list the narrower network first" },
	{ "nfs", "export", "/srv 10.0.0.0/255.0.0.0(rw) host(rw) 10.0.0.0/8(rw)",
	  "nfs.export: client '10.0.0.0/8' comes after '10.0.0.0/255.0.0.0', which holds its "
	  "hosts: mountd gives them the first network's options; list the narrower network first" },
	{ "nfs", "export", "/srv 10.20.0.0/24(rw) 10.0.0.0/8(rw) fd00::/64(rw) 192.168.0.0/24(rw)",
	  NULL },
	{ "nfs", "export", "srv host(rw)",
	  "nfs.export: expected PATH CLIENT(OPTIONS)... with an absolute PATH, got 'srv host(rw)'" },
	{ "nfs", "export", "/srv",
	  "nfs.export: expected PATH CLIENT(OPTIONS)... with at least one client, got '/srv'" },
	{ "nfs", "export", "/srv host (rw)",
	  "nfs.export: options '(rw)' are apart from their client, so they would apply to every "
	  "host: write CLIENT(OPTIONS) without a blank" },
	/* a "-" word is the line's defaults to exportfs, which the lens keeps
	 * apart from clients: no client is written so */
	{ "nfs", "export", "/srv -rw,sync host",
	  "nfs.export: '-rw,sync' would be the line's default options to exportfs, not a client: "
	  "give each client its options" },
	{ "nfs", "export", "/srv host(rw",
	  "nfs.export: expected PATH CLIENT(OPTIONS)..., got '/srv host(rw'" },
	{ "nfs", "export", "/srv host()", "nfs.export: expected PATH CLIENT(OPTIONS)..., got '/srv host()'" },
	{ "nfs", "export", "/srv 10.0.0.0/33(rw)",
	  "nfs.export: expected a prefix length from 0 to 32 or a netmask, got '10.0.0.0/33'" },
	/* a netmask, as exports(5) takes it (found refused); one that is no
	 * prefix is said so, not guessed at */
	{ "nfs", "export", "/srv 10.20.0.0/255.255.255.0(rw,no_root_squash)", NULL },
	{ "nfs", "export", "/srv 10.20.0.0/255.255.0.255(rw)",
	  "nfs.export: '10.20.0.0/255.255.0.255' has a netmask that is not ones then zeros: "
	  "exportfs takes it, but which addresses it covers is no network migready judges; write "
	  "ADDRESS/PREFIX" },
	{ "nfs", "export", "/srv 10.20.0.0/255.255.256.0(rw)",
	  "nfs.export: expected a prefix length from 0 to 32 or a netmask, got "
	  "'10.20.0.0/255.255.256.0'" },
	{ "nfs", "export", "/srv fd00::/255.255.255.0(rw)",
	  "nfs.export: expected a prefix length from 0 to 128, got 'fd00::/255.255.255.0'" },
	/* mount */
	{ "nfs", "mount", "nfs-server:/ /var/lib/nova/instances nfs4 defaults 0 0", NULL },
	{ "nfs", "mount", "nfs:/x /mnt nfs rw,hard", NULL },
	/* shared storage of instances: a local file system is none */
	{ "nfs", "mount", "/dev/sdb1 /srv ext4 defaults 0 2",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with TYPE nfs or nfs4, "
	  "got '/dev/sdb1 /srv ext4 defaults 0 2'" },
	{ "nfs", "mount", "s:/ /srv tmpfs defaults",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with TYPE nfs or nfs4, "
	  "got 's:/ /srv tmpfs defaults'" },
	/* compared as text with fstab's and nova's: one spelling */
	{ "nfs", "mount", "s:/ /var/lib/nova/instances/ nfs4 defaults",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with a MOUNTPOINT without "
	  "'//' or a trailing '/', got 's:/ /var/lib/nova/instances/ nfs4 defaults'" },
	{ "nfs", "mount", "s:/ /var//nova nfs4 defaults",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with a MOUNTPOINT without "
	  "'//' or a trailing '/', got 's:/ /var//nova nfs4 defaults'" },
	{ "nfs", "export", "/srv/ h(rw)",
	  "nfs.export: expected PATH CLIENT(OPTIONS)... with a PATH without '//' or a trailing '/', "
	  "got '/srv/ h(rw)'" },
	{ "nova", "instances_path", "/var/lib/nova/instances/",
	  "nova.instances_path: expected an absolute path without '//' or a trailing '/', got "
	  "'/var/lib/nova/instances/'" },
	{ "nova", "instances_path", "/", NULL },
	{ "nfs", "mount", "nfs-server:/ /var/lib nfs4",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]], got 'nfs-server:/ "
	  "/var/lib nfs4'" },
	{ "nfs", "mount", "a:/ /b c d 0 0 g",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]], got 'a:/ /b c d 0 0 g'" },
	{ "nfs", "mount", "s:/ mnt nfs4 defaults",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with an absolute "
	  "MOUNTPOINT, got 's:/ mnt nfs4 defaults'" },
	{ "nfs", "mount", "nfs-server /mnt nfs4 defaults",
	  "nfs.mount: expected an NFS source HOST:/PATH, got 'nfs-server /mnt nfs4 defaults'" },
	/* an IPv6 server in brackets, as mount.nfs takes it (found by a
	 * review: refused) */
	{ "nfs", "mount", "[fd00::5]:/srv/nova /var/lib/nova/instances nfs4 defaults 0 0", NULL },
	{ "nfs", "mount", "[fd00::5:/srv /mnt nfs4 defaults",
	  "nfs.mount: expected an NFS source HOST:/PATH, got '[fd00::5:/srv /mnt nfs4 defaults'" },
	{ "nfs", "mount", "[fd00::5]x:/srv /mnt nfs4 defaults",
	  "nfs.mount: expected an NFS source HOST:/PATH, got '[fd00::5]x:/srv /mnt nfs4 defaults'" },
	{ "nfs", "mount", "[]:/srv /mnt nfs4 defaults",
	  "nfs.mount: expected an NFS source HOST:/PATH, got '[]:/srv /mnt nfs4 defaults'" },
	{ "nfs", "mount", "s:/ /mnt nfs4 defaults 0 3",
	  "nfs.mount: expected DUMP 0 or 1 and PASS 0, 1 or 2, got 's:/ /mnt nfs4 defaults 0 3'" },
	{ "nfs", "mount", "s:/ /mnt nfs4 rw,,hard",
	  "nfs.mount: expected SPEC MOUNTPOINT TYPE OPTIONS [DUMP [PASS]] with OPTIONS "
	  "separated by commas, got 's:/ /mnt nfs4 rw,,hard'" },
	/* ssh public keys */
	{ "ssh", "authorized_key", ED25519, NULL },
	{ "ssh", "authorized_key", ED25519 " admin@bastion with words", NULL },
	{ "ssh", "authorized_key", "no-pty,command=\"a b ; c\" " ED25519 " x", NULL },
	{ "ssh", "authorized_key", "restrict " ED25519, NULL },
	{ "ssh", "authorized_key", "ssh-foo AAAA x", "ssh.authorized_key: unknown key type 'ssh-foo'; " KEY_TYPES },
	{ "ssh", "authorized_key", "ssh-ed25519", "ssh.authorized_key: expected [OPTIONS] TYPE BASE64 "
	  "[COMMENT], got 'ssh-ed25519'" },
	{ "ssh", "authorized_key", "ssh-ed25519 AAAA!!!!", "ssh.authorized_key: the key data is not valid base64" },
	{ "ssh", "authorized_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG33HxT1rXsupNE9Qyx6gaX3lrzpGS0EBNjG5RIllEE",
	  "ssh.authorized_key: the key data is not valid base64" },
	{ "ssh", "authorized_key", "ssh-ed25519 AAAA", "ssh.authorized_key: the key data is too short" },
	/* its type's head alone, the key itself cut off (found by a review) */
	{ "ssh", "authorized_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 truncated",
	  "ssh.authorized_key: the key data is not a whole ssh-ed25519 key (cut short, or more than "
	  "one?)" },
	{ "ssh", "authorized_key",
	  "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIG33HxT1rXsupNE9Qyx6gaX3lrzpGS0EBNjG5RIllEEf",
	  "ssh.authorized_key: the key data is not a ssh-rsa key" },
	{ "ssh", "authorized_key", "command=\"open " ED25519,
	  "ssh.authorized_key: expected OPTIONS with closed quotes, got 'command=\"open "
	  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG33HxT...'" },
	/* live_migration_flag */
	{ "nova", "live_migration_flag", "VIR_MIGRATE_LIVE", NULL },
	{ "nova", "live_migration_flag",
	  "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE", NULL },
	{ "nova", "live_migration_flag", "VIR_MIGRATE_LIV",
	  "nova.live_migration_flag: unknown flag 'VIR_MIGRATE_LIV'; did you mean "
	  "'VIR_MIGRATE_LIVE'?" },
	{ "nova", "live_migration_flag", "LIVE", "nova.live_migration_flag: unknown flag 'LIVE'" },
	{ "nova", "live_migration_flag", "VIR_MIGRATE_LIVE,,VIR_MIGRATE_PEER2PEER",
	  "nova.live_migration_flag: expected VIR_MIGRATE_* flags separated by commas, got "
	  "'VIR_MIGRATE_LIVE,,VIR_MIGRATE_PEER2PEER'" },
	{ "nova", "live_migration_flag", "VIR_MIGRATE_LIVE, VIR_MIGRATE_LIVE",
	  "nova.live_migration_flag: flag 'VIR_MIGRATE_LIVE' given twice" },
	{ "nova", "live_migration_flag", "VIR_MIGRATE_NON_SHARED_DISK,VIR_MIGRATE_NON_SHARED_INC",
	  "nova.live_migration_flag: VIR_MIGRATE_NON_SHARED_DISK and VIR_MIGRATE_NON_SHARED_INC "
	  "exclude each other" },
	{ "nova", "live_migration_flag", "VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED, VIR_MIGRATE_TLS",
	  "nova.live_migration_flag: VIR_MIGRATE_TUNNELLED and VIR_MIGRATE_TLS exclude each other: "
	  "nova-compute refuses to start with both; keep VIR_MIGRATE_TLS" },
	/* nova release */
	{ "nova", "release", "auto", NULL },
	{ "nova", "release", "icehouse", NULL },
	/* a release migready does not write for: the profile's error, found
	 * before a host is contacted (found by a review: exit 4, lint valid) */
	{ "nova", "release", "essex",
	  "nova.release: expected a release from icehouse (9) to gazpacho (33), which migready "
	  "writes nova.conf for, got 'essex'" },
	{ "nova", "release", "40",
	  "nova.release: expected a release from icehouse (9) to gazpacho (33), which migready "
	  "writes nova.conf for, got '40'" },
	{ "nova", "release", "zed", NULL },
	{ "nova", "release", "gazpacho", NULL },
	{ "nova", "release", "26", NULL },
	{ "nova", "release", "zedd",
	  "nova.release: expected auto, a release name or a major version (zed, 26), got 'zedd'; "
	  "did you mean 'zed'?" },
	{ "nova", "release", "100",
	  "nova.release: expected auto, a release name or a major version (zed, 26), got '100'" },
	/* cpu models */
	{ "nova", "cpu_model", "kvm64", NULL },
	{ "nova", "cpu_model", "Haswell-noTSX, Broadwell", NULL },
	{ "nova", "cpu_model", "kvm64,", "nova.cpu_model: expected CPU model names separated by "
	  "commas, got 'kvm64,'" },
	{ "nova", "cpu_model", "kvm 64", "nova.cpu_model: expected CPU model names separated by "
	  "commas, got 'kvm 64'" },
	/* [file PATH] keys */
	{ "file /etc/sysctl.conf", "lens", "Sysctl", NULL },
	{ "file /etc/sysctl.conf", "lens", "Sysctl.lns", NULL },
	{ "file /etc/sysctl.conf", "lens", "IniFile.lns_loose", NULL },
	{ "file /etc/sysctl.conf", "lens", "sysctl",
	  "lens: expected an Augeas lens (Name or Name.lns), got 'sysctl'" },
	{ "file /etc/sysctl.conf", "lens", "Sysctl.",
	  "lens: expected an Augeas lens (Name or Name.lns), got 'Sysctl.'" },
	{ "file /etc/sysctl.conf", "set", "net.ipv4.tcp_keepalive_time 600", NULL },
	{ "file /etc/hosts", "set", "*[canonical = \"a b\"]/alias[1] c", NULL },
	{ "file /etc/hosts", "set", "/files/etc/hosts/1 x",
	  "set: expected an Augeas path relative to the file, got '/files/etc/hosts/1 x'" },
	{ "file /etc/hosts", "set", "foo", "set: expected AUGPATH VALUE, got 'foo'" },
	{ "file /etc/hosts", "set", "a[1 x", "set: expected AUGPATH VALUE, got 'a[1 x'" },
	/* an escaped blank is the name's, as Augeas reads it */
	{ "file /etc/hosts", "set", "net.a\\ b 3", NULL },
	{ "file /etc/hosts", "set", "net.a\\ b", "set: expected AUGPATH VALUE, got 'net.a\\ b'" },
	{ "file /etc/hosts", "rm", "a\\", "rm: expected AUGPATH, got 'a\\'" },
	{ "file /etc/hosts", "rm", "net.ipv4.x", NULL },
	{ "file /etc/hosts", "rm", "a b", "rm: expected AUGPATH, got 'a b'" },
#define OUTSIDE "expected an Augeas path inside the file (no '..', parent:: or ancestor:: step, no path from '/'), got "
	{ "file /etc/hosts", "rm", "../x", "rm: " OUTSIDE "'../x'" },
	/* no step leaves the file's tree, wherever it stands */
	{ "file /etc/hosts", "rm", "a/../../../augeas", "rm: " OUTSIDE "'a/../../../augeas'" },
	{ "file /etc/hosts", "rm", "a/..", "rm: " OUTSIDE "'a/..'" },
	{ "file /etc/hosts", "set", "a/..[1]/b x", "set: " OUTSIDE "'a/..[1]/b x'" },
	{ "file /etc/hosts", "rm", "a/parent::*", "rm: " OUTSIDE "'a/parent::*'" },
	{ "file /etc/hosts", "rm", "a/ancestor::*/b", "rm: " OUTSIDE "'a/ancestor::*/b'" },
	{ "file /etc/hosts", "rm", "a[/augeas/root]", "rm: " OUTSIDE "'a[/augeas/root]'" },
	{ "file /etc/hosts", "rm", "a[. = ../b]", "rm: " OUTSIDE "'a[. = ../b]'" },
	/* dots inside names and values are no step */
	{ "file /etc/hosts", "rm", "net..x", NULL },
	{ "file /etc/hosts", "set", "a[. = '../x']/b ../y", NULL },
	{ "file /etc/hosts", "rm", "a//b[c = \"/x\"]", NULL },
#undef OUTSIDE
	/* sections and keys */
	{ "libvirtd", "lisen_tcp", "yes",
	  "unknown key 'lisen_tcp' in [libvirtd]; did you mean 'listen_tcp'?" },
	{ "libvirtd", "zzzzzz", "yes", "unknown key 'zzzzzz' in [libvirtd]" },
	{ "libvird", "listen_tcp", "yes", "unknown section [libvird]; did you mean [libvirtd]?" },
	{ "files /etc/x", "lens", "X", "unknown section [files /etc/x]; did you mean [file /etc/x]?" },
	{ "file", "lens", "X", "[file] needs the file's path: [file /etc/NAME]" },
	{ "file etc/x", "lens", "X", "[file PATH]: expected an absolute path, got 'etc/x'" },
	{ "file /etc/\xff", "lens", "X", "[file PATH]: invalid UTF-8 in the path" },
	/* its backup is backups/RUN/MANIFEST: overwritten by the MANIFEST
	 * (found by a review: a rollback gave /MANIFEST the run's own text) */
	{ "file /MANIFEST", "lens", "X",
	  "[file /MANIFEST]: its backup would be overwritten by the run's MANIFEST "
	  "(backups/RUN/MANIFEST); not managed" },
	{ "file /var/lib/migready/restart-pending", "lens", "X",
	  "[file /var/lib/migready/restart-pending]: migready's own state (its lock, backups and "
	  "owed restarts) is not a file to manage" },
	{ "file /var/lib/migready", "lens", "X",
	  "[file /var/lib/migready]: migready's own state (its lock, backups and owed restarts) is "
	  "not a file to manage" },
	{ "file /var/lib/migready-other", "lens", "X", NULL },
	{ "file /etc/x", "lenz", "X", "unknown key 'lenz' in [file /etc/x]; did you mean 'lens'?" },
	/* an empty list value clears the list; control characters are refused */
	{ "firewall", "allow", "", NULL },
	{ "libvirtd", "auth_tcp", "no\nne",
	  "libvirtd.auth_tcp: newline in value: a value is one line" },
	{ "nova", "set", "DEFAULT/x a\rb", "nova.set: newline in value: a value is one line" },
	{ "nova", "set", "DEFAULT/x a\x1b[0m", "nova.set: control character 0x1b in value" },
	{ "nova", "set", "DEFAULT/x a\x7f", "nova.set: control character 0x7f in value" },
	{ "nova", "set", "DEFAULT/x a\tb", NULL },
	/* UTF-8: valid text passes, anything else is refused with its byte */
	{ "nova", "set", "DEFAULT/x caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL },
	{ "nova", "set", "DEFAULT/x caf\xe9",
	  "nova.set: invalid UTF-8 in value at byte 14" },
	{ "nova", "set", "DEFAULT/x \xc0\xaf", "nova.set: invalid UTF-8 in value at byte 11" },
	{ "nova", "set", "DEFAULT/x \xed\xa0\x80", "nova.set: invalid UTF-8 in value at byte 11" },
	{ "nova", "set", "DEFAULT/x \xf4\x90\x80\x80",
	  "nova.set: invalid UTF-8 in value at byte 11" },
	{ "nova", "set", "DEFAULT/x \xe2\x82", "nova.set: invalid UTF-8 in value at byte 11" },
	{ "qemu", "user", "n\xc3\xb6va", "qemu.user: expected a user or group name, got "
	  "'n\xc3\xb6va'" },
	/* libvirt strings have no escapes: a '"' cannot be written there */
	{ "libvirtd", "auth_tcp", "\"none\"", "libvirtd.auth_tcp: a double quote cannot stand "
	  "in a libvirt string (write the value without quotes), got '\"none\"'" },
	{ "qemu", "user", "no\"va", "qemu.user: a double quote cannot stand in a libvirt string "
	  "(write the value without quotes), got 'no\"va'" },
	{ "libvirtd", "tcp_port", "\"16509\"", "libvirtd.tcp_port: a double quote cannot stand "
	  "in a libvirt string (write the value without quotes), got '\"16509\"'" },
	/* elsewhere a '"' is the file format's business */
	{ "nova", "set", "DEFAULT/x {\"a\": 1}", NULL },
	/* integers: decimal, leading zeros allowed (and dropped), range checked */
	{ "libvirtd", "tcp_port", "016509", NULL },
	{ "libvirtd", "tcp_port", "0x407d",
	  "libvirtd.tcp_port: expected a port number (1-65535), got '0x407d'" },
	{ "libvirtd", "tcp_port", "+16509",
	  "libvirtd.tcp_port: expected a port number (1-65535), got '+16509'" },
	{ "libvirtd", "tcp_port", "00000", "libvirtd.tcp_port: expected a port number (1-65535), "
	  "got '00000'" },
	{ "libvirtd", "tcp_port", "1 6509",
	  "libvirtd.tcp_port: expected a port number (1-65535), got '1 6509'" },
	{ "qemu", "migration_port_min", "065536",
	  "qemu.migration_port_min: expected a port number (1-65535), got '065536'" },
	{ "nova", "live_migration_bandwidth", "99999999999999999999",
	  "nova.live_migration_bandwidth: expected an integer from 0 to 2147483647, got "
	  "'99999999999999999999'" },
	{ "nova", "max_concurrent_live_migrations", "1e3", "nova.max_concurrent_live_migrations: "
	  "expected an integer from 0 to 1000, got '1e3'" },
};

static void test_types(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < MR_ARRAY_LEN(type_cases); i++) {
		const struct type_case *c = &type_cases[i];
		struct mr_error *err = NULL;
		struct mr_loc loc = { "t.ini", 7 };
		int r = mr_profile_check_setting(c->section, c->key, c->value, loc, &err);
		char *got = err ? mr_error_format(err) : NULL;
		char *want = c->want ? mr_xasprintf("t.ini:7: %s", c->want) : NULL;
		if ((r == 0) != !c->want || mr_error_count(err) != (c->want ? 1u : 0u) ||
		    (want && strcmp(got, want) != 0)) {
			print_error("case %zu [%s] %s = '%s'\n  want: %s\n  got:  %s\n", i, c->section,
			            c->key, c->value, want ? want : "(valid)", got ? got : "(valid)");
			failed++;
		}
		free(got);
		free(want);
		mr_error_free(err);
	}
	assert_int_equal(failed, 0);
}

/* Values longer than MR_VALUE_MAX are refused, whatever the key. */
static void test_value_max(void **state)
{
	(void)state;
	static const size_t lens[] = { MR_VALUE_MAX, MR_VALUE_MAX + 1 };
	for (size_t i = 0; i < MR_ARRAY_LEN(lens); i++) {
		char *v = mr_xmalloc(lens[i] + 1);
		memcpy(v, "DEFAULT/x ", 10);
		memset(v + 10, 'a', lens[i] - 10);
		v[lens[i]] = '\0';
		struct mr_error *err = NULL;
		int r = mr_profile_check_setting("nova", "set", v, (struct mr_loc){ "t.ini", 3 },
		                                 &err);
		if (lens[i] <= MR_VALUE_MAX) {
			assert_int_equal(r, 0);
			assert_null(err);
		} else {
			char *got = mr_error_format(err);
			assert_int_equal(r, -1);
			assert_string_equal(got, "t.ini:3: nova.set: value of 65537 bytes is longer "
			                         "than the limit of 65536");
			free(got);
		}
		mr_error_free(err);
		free(v);
	}
}

/* Integers are stored, and so written, in canonical decimal. */
static void test_canonical(void **state)
{
	(void)state;
	static const struct {
		const char *section, *key, *value, *stored;
	} cases[] = {
		{ "libvirtd", "tcp_port", "016509", "16509" },
		{ "libvirtd", "tcp_port", "16509", "16509" },
		{ "qemu", "migration_port_min", "0049152", "49152" },
		{ "qemu", "migration_port_max", "049261", "49261" },
		{ "nova", "live_migration_bandwidth", "000", "0" },
		{ "nova", "live_migration_bandwidth", "-0", "0" },
		{ "nova", "max_concurrent_live_migrations", "01", "1" },
		{ "nova", "release", "026", "26" },
		{ "nova", "release", "zed", "zed" },
		{ "firewall", "allow", "016509/tcp", "16509/tcp" },
		{ "firewall", "allow", "049152-049261/tcp", "49152-49261/tcp" },
		{ "firewall", "allow", "22/udp", "22/udp" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct mr_profile *p = mr_profile_new();
		struct mr_error *err = NULL;
		assert_int_equal(mr_profile_override(p, cases[i].section, cases[i].key,
		                                     cases[i].value, (struct mr_loc){ "i.ini", 1 },
		                                     &err),
		                 0);
		assert_null(err);
		const char *got = val(p, cases[i].section, cases[i].key);
		if (strcmp(got, cases[i].stored) != 0)
			fail_msg("case %zu: %s = '%s': want '%s', got '%s'", i, cases[i].key,
			         cases[i].value, cases[i].stored, got);
		mr_profile_free(p);
	}
	/* and from a file: what a profile line says is what gets written */
	int fd = pipe_of("[libvirtd]\ntcp_port = 016509\n[qemu]\nmigration_port_min = 049152\n"
	                 "migration_port_max = 49153\n");
	char *path = mr_xasprintf("/dev/fd/%d", fd);
	const char *paths[] = { path };
	struct mr_error *err = NULL;
	struct mr_profile *p = mr_profile_load(paths, 1, &err);
	assert_null(err);
	assert_string_equal(val(p, "libvirtd", "tcp_port"), "16509");
	assert_string_equal(val(p, "qemu", "migration_port_min"), "49152");
	assert_int_equal(line_of(p, "libvirtd", "tcp_port"), 2);
	mr_profile_free(p);
	close(fd);
	free(path);
}

static void test_parse_bool(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "yes", 1 }, { "YES", 1 }, { "true", 1 }, { "True", 1 }, { "1", 1 }, { "on", 1 },
		{ "no", 0 },  { "No", 0 },  { "false", 0 }, { "0", 0 },   { "off", 0 }, { "OFF", 0 },
		{ "", -1 },   { "y", -1 },  { "2", -1 },    { "yes ", -1 }, { "nope", -1 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		if (mr_parse_bool(cases[i].s) != cases[i].want)
			fail_msg("mr_parse_bool('%s') = %d, want %d", cases[i].s,
			         mr_parse_bool(cases[i].s), cases[i].want);
	}
}

static void test_nova_major(void **state)
{
	(void)state;
	assert_int_equal(mr_profile_nova_major("auto"), 0);
	assert_int_equal(mr_profile_nova_major("austin"), 1);
	assert_int_equal(mr_profile_nova_major("kilo"), 11);
	assert_int_equal(mr_profile_nova_major("liberty"), 12);
	assert_int_equal(mr_profile_nova_major("zed"), 26);
	assert_int_equal(mr_profile_nova_major("antelope"), 27);
	assert_int_equal(mr_profile_nova_major("gazpacho"), 33);
	assert_int_equal(mr_profile_nova_major("29"), 29);
	assert_int_equal(mr_profile_nova_major("Zed"), -1);
	assert_int_equal(mr_profile_nova_major("0"), -1);
	assert_int_equal(mr_profile_key_is_list("firewall", "allow"), 1);
	assert_int_equal(mr_profile_key_is_list("firewall", "backend"), 0);
	assert_int_equal(mr_profile_key_is_list("file /etc/x", "rm"), 1);
	assert_int_equal(mr_profile_key_is_list("firewall", "nope"), -1);
}

/* ---- whole files ---- */

static void test_full(void **state)
{
	(void)state;
	struct mr_profile *p = load1("full.ini");
	static const char *const order[] = {
		"libvirtd", "qemu", "nova", "nfs", "ssh", "multipath", "firewall",
		"file /etc/sysctl.d/90-migration.conf",
	};
	assert_int_equal(mr_profile_section_count(p), MR_ARRAY_LEN(order));
	for (size_t i = 0; i < MR_ARRAY_LEN(order); i++)
		assert_string_equal(mr_profile_section_name(p, i), order[i]);
	assert_null(mr_profile_section_name(p, 99));
	assert_true(mr_profile_has_section(p, "multipath"));
	assert_false(mr_profile_has_section(p, "nope"));
	assert_int_equal(mr_profile_setting_count(p), 35);

	/* inline comments go, the line numbers stay */
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "none");
	assert_int_equal(line_of(p, "libvirtd", "auth_tcp"), 5);
	const struct mr_setting *s = mr_profile_get(p, "libvirtd", "auth_tcp");
	assert_string_equal(s->section, "libvirtd");
	assert_string_equal(s->key, "auth_tcp");
	assert_string_equal(s->loc.file, DIR "/full.ini");
	assert_string_equal(val(p, "libvirtd", "listener"), "auto");
	assert_true(mr_setting_bool(mr_profile_get(p, "libvirtd", "listen_tcp")));
	assert_false(mr_setting_bool(mr_profile_get(p, "libvirtd", "listen_tls")));
	assert_int_equal(mr_setting_long(mr_profile_get(p, "libvirtd", "tcp_port")), 16509);
	assert_int_equal(mr_setting_long(mr_profile_get(p, "qemu", "migration_port_max")), 49261);
	assert_int_equal(line_of(p, "qemu", "migration_port_max"), 15);
	assert_string_equal(val(p, "nova", "live_migration_flag"),
	                    "VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, "
	                    "VIR_MIGRATE_TUNNELLED");
	assert_string_equal(val(p, "nova", "set"), "libvirt/live_migration_completion_timeout 800");
	assert_string_equal(val(p, "nfs", "export"),
	                    "/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash)");
	/* keypair: relative to the profile's directory */
	assert_string_equal(val(p, "ssh", "keypair"), DIR "/keys/nova_migration");
	assert_string_equal(val(p, "ssh", "authorized_key"), ED25519 " admin@bastion");

	size_t n = 0;
	const struct mr_setting *const *allow = mr_profile_get_all(p, "firewall", "allow", &n);
	assert_int_equal(n, 2);
	assert_string_equal(allow[0]->value, "16509/tcp");
	assert_string_equal(allow[1]->value, "49152-49261/tcp");
	assert_int_equal(allow[0]->loc.line, 44);
	assert_int_equal(allow[1]->loc.line, 45);
	/* a scalar is a list of one; nothing is NULL */
	assert_non_null(mr_profile_get_all(p, "libvirtd", "tcp_port", &n));
	assert_int_equal(n, 1);
	assert_null(mr_profile_get_all(p, "libvirtd", "nope", &n));
	assert_int_equal(n, 0);
	assert_null(mr_profile_get(p, "nope", "nope"));

	const char *file = "file /etc/sysctl.d/90-migration.conf";
	assert_string_equal(val(p, file, "lens"), "Sysctl");
	assert_string_equal(val(p, file, "set"), "net.ipv4.tcp_keepalive_time 600");
	assert_string_equal(val(p, file, "rm"), "net.ipv4.tcp_keepalive_intvl");
	assert_string_equal(mr_profile_get(p, file, "rm")->section, file);
	mr_profile_free(p);
}

static void test_errors_all_reported(void **state)
{
	(void)state;
	expect_error1("errors.ini",
	              "{D}/errors.ini:3: unknown key 'lisen_tcp' in [libvirtd]; did you mean 'listen_tcp'?\n"
	              "{D}/errors.ini:4: auth_tcp: expected none or sasl, got 'nope'\n"
	              "{D}/errors.ini:5: tcp_port: expected a port number (1-65535), got '70000'\n"
	              "{D}/errors.ini:6: listen_tls: expected yes or no, got 'maybe'\n"
	              "{D}/errors.ini:7: unknown section [libvird]; did you mean [libvirtd]?\n"
	              "{D}/errors.ini:11: duplicate key 'user' in [qemu], first set at {D}/errors.ini:10\n"
	              "{D}/errors.ini:12: expected 'key = value', got 'this line has no equals'\n"
	              "{D}/errors.ini:14: release: expected auto, a release name or a major version "
	              "(zed, 26), got 'zedd'; did you mean 'zed'?\n"
	              "{D}/errors.ini:15: [file PATH]: expected an absolute path, got 'etc/x.conf'\n"
	              "{D}/errors.ini:18: set: expected AUGPATH VALUE, got 'foo'\n"
	              "{D}/errors.ini:17: [file /etc/y.conf] needs a lens (lens = Name)\n");
}

static void test_errors_of_all_files(void **state)
{
	(void)state;
	static const char *const files[] = { "errors2.ini", "long_key_bad.ini", "nope.ini" };
	expect_errors(files, 3,
	              "{D}/errors2.ini:2: unknown key 'alow' in [firewall]; did you mean 'allow'?\n"
	              "{D}/errors2.ini:3: expected '[section]', got '[libvirtd'\n"
	              "{D}/long_key_bad.ini:4: authorized_key: the key data is not valid base64\n"
	              "{D}/long_key_bad.ini:8: auth_tcp: expected none or sasl, got 'nope'\n"
	              "{D}/nope.ini: cannot open: No such file or directory\n");
}

static void test_cross_checks(void **state)
{
	(void)state;
	expect_error1("cross.ini",
	              "{D}/cross.ini:3: migration_port_min: '50000' is above migration_port_max "
	              "'49261' set at {D}/cross.ini:2\n"
	              "{D}/cross.ini:5: role: 'both' needs at least one export\n"
	              "{D}/cross.ini:5: role: 'both' needs at least one mount\n"
	              "{D}/cross.ini:7: cpu_mode: 'custom' needs cpu_model\n"
	              "{D}/cross.ini:9: set: 'LIBVIRT/live-migration-completion-timeout' already "
	              "set at {D}/cross.ini:8\n"
	              "{D}/cross.ini:10: [file /etc/sysctl.d/90-migration.conf] needs a lens "
	              "(lens = Name)\n"
	              /* a lens Augeas does not have, named with the nearest one */
	              "{D}/cross.ini:13: lens: no Augeas lens 'Sysctrl'; did you mean 'Sysctl'?\n"
	              "{D}/cross.ini:15: lens: no Augeas lens 'Fstab.nolens'\n");
}

static void test_include(void **state)
{
	(void)state;
	struct mr_profile *p = load1("inc_main.ini");
	size_t n = 0;
	/* lists accumulate over a file and its includes, in reading order */
	const struct mr_setting *const *allow = mr_profile_get_all(p, "firewall", "allow", &n);
	assert_int_equal(n, 2);
	assert_string_equal(allow[0]->value, "16509/tcp");
	assert_string_equal(allow[0]->loc.file, DIR "/inc/base.ini");
	assert_int_equal(allow[0]->loc.line, 5);
	assert_string_equal(allow[1]->value, "49152-49261/tcp");
	assert_string_equal(allow[1]->loc.file, DIR "/inc_main.ini");
	assert_int_equal(allow[1]->loc.line, 4);
	assert_string_equal(val(p, "libvirtd", "listen_tcp"), "yes");
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "none");
	/* sections in order of first appearance, the include's first */
	assert_string_equal(mr_profile_section_name(p, 0), "libvirtd");
	assert_string_equal(mr_profile_section_name(p, 1), "firewall");
	mr_profile_free(p);
}

static void test_include_errors(void **state)
{
	(void)state;
	expect_error1("inc_dup.ini", "{D}/inc_dup.ini:3: duplicate key 'listen_tcp' in [libvirtd], "
	                             "first set at {D}/inc/base.ini:3\n");
	expect_error1("inc_missing.ini", "{D}/inc_missing.ini:2: cannot open '{D}/nope.ini': No such "
	                                 "file or directory\n");
	expect_error1("inc_late.ini",
	              "{D}/inc_late.ini:3: include must come before the first section\n");
	expect_error1("inc_twice.ini", "{D}/inc_twice.ini:2: '{D}/inc/../inc/base.ini' is already "
	                               "included at {D}/inc_twice.ini:1\n");
	expect_error1("cycle_a.ini", "{D}/cycle_b.ini:1: include cycle: {D}/cycle_a.ini -> "
	                             "{D}/cycle_b.ini -> {D}/cycle_a.ini\n");
	expect_error1("deep/depth0.ini",
	              "{D}/deep/depth8.ini:1: includes nested more than 8 deep\n");
	/* eight levels are fine */
	struct mr_profile *p = load1("deep/depth1.ini");
	assert_string_equal(val(p, "multipath", "user_friendly_names"), "no");
	assert_string_equal(mr_profile_get(p, "multipath", "user_friendly_names")->loc.file,
	                    DIR "/deep/depth9.ini");
	mr_profile_free(p);
}

static void test_merge(void **state)
{
	(void)state;
	static const char *const files[] = { "merge_base.ini", "merge_over.ini" };
	struct mr_profile *p = load(files, 2);
	/* a later scalar overrides */
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "none");
	assert_string_equal(mr_profile_get(p, "libvirtd", "auth_tcp")->loc.file,
	                    DIR "/merge_over.ini");
	assert_int_equal(line_of(p, "libvirtd", "auth_tcp"), 5);
	/* what the later file does not name stays */
	assert_string_equal(val(p, "libvirtd", "listen_tcp"), "yes");
	assert_string_equal(val(p, "firewall", "backend"), "firewalld");
	/* a later list replaces the earlier one; an empty value clears it */
	size_t n = 0;
	const struct mr_setting *const *allow = mr_profile_get_all(p, "firewall", "allow", &n);
	assert_int_equal(n, 1);
	assert_string_equal(allow[0]->value, "16514/tcp");
	assert_null(mr_profile_get_all(p, "firewall", "source", &n));
	assert_int_equal(n, 0);
	assert_int_equal(mr_profile_section_count(p), 3);
	assert_string_equal(mr_profile_section_name(p, 2), "multipath");
	assert_int_equal(mr_profile_setting_count(p), 5);
	mr_profile_free(p);

	/* the other order */
	static const char *const rev[] = { "merge_over.ini", "merge_base.ini" };
	p = load(rev, 2);
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "sasl");
	mr_profile_get_all(p, "firewall", "allow", &n);
	assert_int_equal(n, 2);
	assert_string_equal(val(p, "firewall", "source"), "10.20.0.0/24");
	assert_string_equal(mr_profile_section_name(p, 0), "firewall");
	mr_profile_free(p);
}

static void test_long_line(void **state)
{
	(void)state;
	struct mr_profile *p = load1("long_key.ini");
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(mr_ini_read_file(DIR "/long_key.ini", NULL, &text, &len, NULL), 0);
	/* line 4 is the 900-character one */
	char *l4 = strchr(strchr(strchr(text, '\n') + 1, '\n') + 1, '\n') + 1;
	*strchr(l4, '\n') = '\0';
	assert_int_equal(strlen(l4), 900);
	const struct mr_setting *k = mr_profile_get(p, "ssh", "authorized_key");
	assert_non_null(k);
	assert_int_equal(k->loc.line, 4);
	assert_int_equal(strlen(k->value), 900 - strlen("authorized_key = "));
	assert_string_equal(k->value, l4 + strlen("authorized_key = "));
	/* its ';' inside quotes is kept, and the lines after it keep their numbers */
	assert_non_null(strstr(k->value, "migrate-shell ; logger"));
	assert_int_equal(line_of(p, "ssh", "known_hosts"), 5);
	assert_int_equal(line_of(p, "libvirtd", "auth_tcp"), 8);
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "sasl");
	free(text);
	mr_profile_free(p);
}

static void test_quirks(void **state)
{
	(void)state;
	struct mr_profile *p = load1("quirks.ini");
	const char *f = "file /etc/a/very/long/directory/name/that/goes/past/fifty/bytes.conf";
	assert_string_equal(mr_profile_section_name(p, 0), f);
	assert_string_equal(val(p, f, "lens"), "Shellvars.lns");
	size_t n = 0;
	const struct mr_setting *const *set = mr_profile_get_all(p, f, "set", &n);
	assert_int_equal(n, 2);
	assert_string_equal(set[0]->value, "KEY \"value ; not a comment\"");
	assert_string_equal(set[1]->value, "OTHER a;b#c");
	/* an indented line is an ordinary line, not a continuation */
	assert_string_equal(val(p, f, "rm"), "INDENTED");
	assert_int_equal(line_of(p, f, "rm"), 5);
	assert_string_equal(val(p, "ssh", "authorized_key"),
	                    "command=\"echo a ; b\" " ED25519 " admin@bastion");
	const char *nova = val(p, "nova", "set");
	assert_int_equal(strlen(nova), 18 + 40 * 8 - 1);
	assert_true(mr_str_startswith(nova, "DEFAULT/my_option item000,item001,"));
	assert_non_null(strstr(nova, "item039"));
	assert_int_equal(line_of(p, "multipath", "user_friendly_names"), 13);
	mr_profile_free(p);
}

static void test_crlf_bom_control(void **state)
{
	(void)state;
	struct mr_profile *p = load1("crlf.ini");
	assert_string_equal(val(p, "libvirtd", "listen_tcp"), "yes");
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "none");
	assert_string_equal(val(p, "qemu", "user"), "nova");
	assert_int_equal(line_of(p, "qemu", "user"), 6);
	mr_profile_free(p);

	p = load1("bom.ini");
	assert_string_equal(mr_profile_section_name(p, 0), "libvirtd");
	assert_int_equal(line_of(p, "libvirtd", "listen_tcp"), 2);
	mr_profile_free(p);

	expect_error1("control.ini", "{D}/control.ini:3: control character 0x1b in line\n"
	                             "{D}/control.ini:4: control character 0x00 in line\n");
}

/* ---- ini_lines directly ---- */

struct seen {
	struct mr_buf b;
};

static void record(void *user, const struct mr_ini_entry *e)
{
	struct seen *s = user;
	if (e->key)
		mr_buf_printf(&s->b, "%u [%s] %s=<%s>\n", e->loc.line, e->section, e->key, e->value);
	else
		mr_buf_printf(&s->b, "%u [%s]\n", e->loc.line, e->section);
}

static void test_ini_lines(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *want;
		const char *errors;
	} cases[] = {
		{ "a=1\n[s]\nb = 2 ; c\n", "1 [] a=<1>\n2 [s]\n3 [s] b=<2>\n", "" },
		{ "[ file   /x  ]\nk=v\n", "1 [file /x]\n2 [file /x] k=<v>\n", "" },
		{ "[s]\nk=yes;no comment\n", "1 [s]\n2 [s] k=<yes;no comment>\n", "" },
		{ "[s]\nk = a # b\n", "1 [s]\n2 [s] k=<a # b>\n", "" },
		{ "[s]\nk = \"x ; y\" ; z\n", "1 [s]\n2 [s] k=<\"x ; y\">\n", "" },
		{ "[s]\nk =\nj = ;only a comment\n", "1 [s]\n2 [s] k=<>\n3 [s] j=<>\n", "" },
		{ "[s]\nweird:key = v\n", "1 [s]\n2 [s] weird:key=<v>\n", "" },
		{ "[s]\nk: v\n= v\n", "1 [s]\n",
		  "t:2: expected 'key = value', got 'k: v'\nt:3: missing key before '='\n" },
		{ "[s\nk=v\n[]\nk=v\n[t] ; c\nk=v\n", "5 [t]\n6 [t] k=<v>\n",
		  "t:1: expected '[section]', got '[s'\nt:3: empty section name '[]'\n" },
		{ "\xef\xbb\xbf; c\r\n\r\n  [s]  \r\nk=v\r\n", "3 [s]\n4 [s] k=<v>\n", "" },
		{ "[s]\nk=v", "1 [s]\n2 [s] k=<v>\n", "" },
		{ "[s]\n\tk\t=\tv\t\n", "1 [s]\n2 [s] k=<v>\n", "" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		struct seen s;
		struct mr_error *err = NULL;
		mr_buf_init(&s.b);
		size_t n = mr_ini_parse("t", cases[i].text, strlen(cases[i].text), record, &s, &err);
		char *errs = mr_test_all_errors(err);
		if (strcmp(s.b.data, cases[i].want) != 0 || strcmp(errs, cases[i].errors) != 0)
			fail_msg("case %zu:\nwant:\n%sgot:\n%swant errors:\n%sgot errors:\n%s", i,
			         cases[i].want, s.b.data, cases[i].errors, errs);
		assert_int_equal(n, mr_error_count(err));
		free(errs);
		mr_error_free(err);
		mr_buf_fini(&s.b);
	}
}

static void test_ini_long_fields(void **state)
{
	(void)state;
	/* a 5000-byte value, a 300-byte key and a 300-byte section name */
	struct mr_buf t, want;
	mr_buf_init(&t);
	mr_buf_init(&want);
	char big[5001], key[301], sec[301];
	for (int i = 0; i < 5000; i++)
		big[i] = (char)('a' + i % 26);
	big[5000] = '\0';
	memset(key, 'k', 300);
	key[300] = '\0';
	memset(sec, 's', 300);
	sec[300] = '\0';
	mr_buf_printf(&t, "[%s]\nv = %s\n%s = 1\nafter = 2\n", sec, big, key);
	mr_buf_printf(&want, "1 [%s]\n2 [%s] v=<%s>\n3 [%s] %s=<1>\n4 [%s] after=<2>\n", sec, sec,
	              big, sec, key, sec);
	struct seen s;
	mr_buf_init(&s.b);
	assert_int_equal(mr_ini_parse("t", t.data, t.len, record, &s, NULL), 0);
	assert_string_equal(s.b.data, want.data);
	mr_buf_fini(&s.b);
	mr_buf_fini(&t);
	mr_buf_fini(&want);
}

static void test_path_resolve(void **state)
{
	(void)state;
	char *home = getenv("HOME") ? mr_xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", "/home/op", 1);
	static const struct {
		const char *file, *path, *want;
	} cases[] = {
		{ "/etc/m/inv.ini", "keys/id", "/etc/m/keys/id" },
		{ "/etc/m/inv.ini", "./keys//id/", "/etc/m/keys/id" },
		{ "/etc/m/inv.ini", "../id", "/etc/m/../id" },
		{ "/etc/m/inv.ini", "/abs/id", "/abs/id" },
		{ "/etc/m/inv.ini", "~/.ssh/id", "/home/op/.ssh/id" },
		{ "/etc/m/inv.ini", "~", "/home/op" },
		{ "/etc/m/inv.ini", "~root/x", "/root/x" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		char *got = mr_ini_path_resolve(cases[i].file, cases[i].path);
		assert_non_null(got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("'%s' in %s: want %s, got %s", cases[i].path, cases[i].file,
			         cases[i].want, got);
		free(got);
	}
	assert_null(mr_ini_path_resolve("/x", "~no-such-user-here/x"));
	/* relative to a relative file: made absolute from the current directory */
	char *got = mr_ini_path_resolve("inv.ini", "id");
	assert_true(got[0] == '/');
	assert_true(strlen(got) > 3 && strcmp(got + strlen(got) - 3, "/id") == 0);
	free(got);
	if (home)
		setenv("HOME", home, 1);
	free(home);
}

/* -p /dev/stdin and -p <(...): a pipe has no real path and its directory
 * (/dev/fd) means nothing, yet it loads, names itself in messages, and
 * resolves its relative paths from the current directory. */
static void test_pipe(void **state)
{
	(void)state;
	char *cwd = getcwd(NULL, 0);
	int fd = pipe_of("[libvirtd]\nlisten_tcp = yes\n[ssh]\nkeypair = keys/k\n");
	char *path = mr_xasprintf("/dev/fd/%d", fd);
	const char *paths[] = { path };
	struct mr_error *err = NULL;
	struct mr_profile *p = mr_profile_load(paths, 1, &err);
	assert_null(err);
	assert_non_null(p);
	assert_string_equal(val(p, "libvirtd", "listen_tcp"), "yes");
	assert_string_equal(mr_profile_get(p, "libvirtd", "listen_tcp")->loc.file, path);
	char *want = mr_xasprintf("%s/keys/k", cwd);
	assert_string_equal(val(p, "ssh", "keypair"), want);
	free(want);
	mr_profile_free(p);
	close(fd);
	free(path);

	/* errors name the pipe and the line */
	fd = pipe_of("[libvirtd]\nlisten_tcp = maybe\n");
	path = mr_xasprintf("/dev/fd/%d", fd);
	paths[0] = path;
	assert_null(mr_profile_load(paths, 1, &err));
	char *got = mr_test_all_errors(err);
	want = mr_xasprintf("%s:2: listen_tcp: expected yes or no, got 'maybe'\n", path);
	assert_string_equal(got, want);
	free(got);
	free(want);
	mr_error_free(err);
	err = NULL;
	close(fd);
	free(path);

	/* an include from a pipe is relative to the current directory */
	fd = pipe_of("include = no-such-base.ini\n");
	path = mr_xasprintf("/dev/fd/%d", fd);
	paths[0] = path;
	assert_null(mr_profile_load(paths, 1, &err));
	got = mr_test_all_errors(err);
	want = mr_xasprintf("%s:1: cannot open 'no-such-base.ini': No such file or directory\n",
	                    path);
	assert_string_equal(got, want);
	free(got);
	free(want);
	mr_error_free(err);
	close(fd);
	free(path);
	free(cwd);
}

/* ---- overrides and copies ---- */

static void test_override(void **state)
{
	(void)state;
	struct mr_profile *p = load1("full.ini");
	struct mr_error *err = NULL;
	struct mr_loc loc = { "inv.ini", 9 };

	assert_int_equal(mr_profile_override(p, "nfs", "role", "server", loc, &err), 0);
	assert_null(err);
	const struct mr_setting *s = mr_profile_get(p, "nfs", "role");
	assert_string_equal(s->value, "server");
	assert_string_equal(s->loc.file, "inv.ini");
	assert_int_equal(s->loc.line, 9);
	assert_int_equal(mr_profile_setting_count(p), 35);

	/* lists: the first override replaces the profile's list, the same
	 * inventory's next ones add to it */
	size_t n = 0;
	loc.line = 10;
	assert_int_equal(mr_profile_override(p, "firewall", "allow", "22/tcp", loc, &err), 0);
	loc.line = 11;
	assert_int_equal(mr_profile_override(p, "firewall", "allow", "16514/tcp", loc, &err), 0);
	const struct mr_setting *const *allow = mr_profile_get_all(p, "firewall", "allow", &n);
	assert_int_equal(n, 2);
	assert_string_equal(allow[0]->value, "22/tcp");
	assert_string_equal(allow[1]->value, "16514/tcp");
	struct mr_loc other = { "other.ini", 1 };
	assert_int_equal(mr_profile_override(p, "firewall", "allow", "1/udp", other, &err), 0);
	mr_profile_get_all(p, "firewall", "allow", &n);
	assert_int_equal(n, 1);
	/* a relative path is relative to the file of the override */
	assert_int_equal(mr_profile_override(p, "ssh", "keypair", "k/x", (struct mr_loc){ "/etc/m/inv.ini", 3 }, &err), 0);
	assert_string_equal(val(p, "ssh", "keypair"), "/etc/m/k/x");
	/* a new section and a [file] one */
	assert_int_equal(mr_profile_override(p, "file /etc/x.conf", "lens", "Shellvars", loc, &err), 0);
	assert_true(mr_profile_has_section(p, "file /etc/x.conf"));
	assert_null(err);

	/* refused: unknown key, bad value, a result that fails a cross-check;
	 * p is left as it was */
	loc.line = 12;
	assert_int_equal(mr_profile_override(p, "nfs", "rol", "server", loc, &err), -1);
	assert_int_equal(mr_profile_override(p, "nfs", "role", "srv", loc, &err), -1);
	assert_int_equal(mr_profile_override(p, "qemu", "migration_port_max", "49000", loc, &err), -1);
	assert_int_equal(mr_profile_override(p, "nova", "cpu_mode", "custom", loc, &err), 0);
	assert_int_equal(mr_profile_override(p, "libvird", "listen_tcp", "no", loc, &err), -1);
	char *got = mr_test_all_errors(err);
	assert_string_equal(got,
	                    "inv.ini:12: unknown key 'rol' in [nfs]; did you mean 'role'?\n"
	                    "inv.ini:12: nfs.role: expected server, client, both or none, got 'srv'\n"
	                    "inv.ini:12: migration_port_max: '49000' is below migration_port_min "
	                    "'49152' set at " DIR "/full.ini:14\n"
	                    "inv.ini:12: unknown section [libvird]; did you mean [libvirtd]?\n");
	free(got);
	mr_error_free(err);
	assert_string_equal(val(p, "nfs", "role"), "server");
	assert_string_equal(val(p, "qemu", "migration_port_max"), "49261");
	mr_profile_free(p);

	/* on an empty profile, and the cross-check names the override */
	p = mr_profile_new();
	err = NULL;
	assert_int_equal(mr_profile_override(p, "nfs", "role", "client", loc, &err), -1);
	got = mr_test_all_errors(err);
	assert_string_equal(got, "inv.ini:12: role: 'client' needs at least one mount\n");
	free(got);
	mr_error_free(err);
	assert_int_equal(mr_profile_section_count(p), 0);
	assert_int_equal(mr_profile_override(p, "libvirtd", "auth_tcp", "sasl", loc, NULL), 0);
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "sasl");
	mr_profile_free(p);
}

static void test_dup(void **state)
{
	(void)state;
	struct mr_profile *p = load1("inc_main.ini");
	struct mr_profile *q = mr_profile_dup(p);
	struct mr_loc loc = { "inv.ini", 2 };
	assert_int_equal(mr_profile_override(q, "libvirtd", "auth_tcp", "sasl", loc, NULL), 0);
	/* the copy changed, the original did not */
	assert_string_equal(val(p, "libvirtd", "auth_tcp"), "none");
	assert_string_equal(val(q, "libvirtd", "auth_tcp"), "sasl");
	mr_profile_free(p);
	/* the copy owns its strings and file names: valgrind checks */
	size_t n = 0;
	const struct mr_setting *const *allow = mr_profile_get_all(q, "firewall", "allow", &n);
	assert_int_equal(n, 2);
	assert_string_equal(allow[0]->loc.file, DIR "/inc/base.ini");
	assert_string_equal(allow[1]->value, "49152-49261/tcp");
	assert_string_equal(allow[1]->section, "firewall");
	assert_string_equal(mr_profile_section_name(q, 0), "libvirtd");
	assert_int_equal(mr_profile_setting_count(q), 4);
	mr_profile_free(q);
	mr_profile_free(NULL);
	q = mr_profile_dup(NULL);
	assert_int_equal(mr_profile_section_count(q), 0);
	mr_profile_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_value_max),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_parse_bool),
		cmocka_unit_test(test_nova_major),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors_all_reported),
		cmocka_unit_test(test_errors_of_all_files),
		cmocka_unit_test(test_cross_checks),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_errors),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_crlf_bom_control),
		cmocka_unit_test(test_ini_lines),
		cmocka_unit_test(test_ini_long_fields),
		cmocka_unit_test(test_path_resolve),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_dup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
