/* Resources turn a profile and a host's facts into typed actions, per
 * listener world: which files and keys, how spelt, which default each
 * key has, which units must be enabled, started, stopped first or masked,
 * which restarts a change owes, and what cannot be planned or is not
 * examined. Each case renders the whole plan as text and compares it: an
 * action too many is as wrong as one missing. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "facts.h"
#include "fleet.h"
#include "plan.h"
#include "profile.h"
#include "helpers.h"
#include "res.h"

static struct mr_facts *facts_of(const char *text)
{
	struct mr_error *err = NULL;
	struct mr_facts *f = mr_facts_parse("h1", text, strlen(text), &err);
	if (!f)
		fail_msg("%s", err->message);
	return f;
}

/* ---- hosts, as the probe reports them ---- */

/* libvirt's TLS files, which the probe always reports: here all there */
#define TLS_FILES                                                  \
	"tls.file=/etc/pki/CA/cacert.pem present\n"                     \
	"tls.file=/etc/pki/libvirt/servercert.pem present\n"            \
	"tls.file=/etc/pki/libvirt/private/serverkey.pem present\n"     \
	"tls.file=/etc/pki/libvirt/clientcert.pem present\n"            \
	"tls.file=/etc/pki/libvirt/private/clientkey.pem present\n"

/* Ubuntu 20.04: libvirt 6.0, sockets masked (the tls one not shipped). */
#define LEGACY_DEBIAN                                                                          \
	"probe=1\nmode=live\ninit=systemd\nos.id=ubuntu\nos.id_like=debian\n"                       \
	"pkg.libvirt-daemon-system=6.0.0-0ubuntu8.16\n"                                             \
	"unit.libvirtd.service=enabled active\nunit.libvirtd.socket=masked inactive\n"             \
	"unit.libvirtd-ro.socket=masked inactive\nunit.libvirtd-admin.socket=masked inactive\n"    \
	"unit.libvirtd-tcp.socket=disabled inactive\nunit.libvirtd-tls.socket=absent\n"            \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n"                          \
	"file./etc/default/libvirtd=present\n" TLS_FILES

/* CentOS 7: libvirt 4.5, no socket units at all. */
#define LEGACY_RHEL                                                                      \
	"probe=1\nmode=live\ninit=systemd\nos.id=centos\nos.id_like=rhel fedora\n"            \
	"pkg.libvirt-daemon=4.5.0-33.el7\n"                                                   \
	"unit.libvirtd.service=enabled active\nunit.libvirtd.socket=absent\n"                \
	"unit.libvirtd-ro.socket=absent\nunit.libvirtd-admin.socket=absent\n"                \
	"unit.libvirtd-tcp.socket=absent\nunit.libvirtd-tls.socket=absent\n"                 \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n"                    \
	"file./etc/sysconfig/libvirtd=present\n" TLS_FILES

/* Debian 10: libvirt 5.0, whose libvirtd.service reads VAR from
 * /etc/default/libvirtd (libvirtd_opts there). */
#define LEGACY_DEBIAN10(VAR)                                                           \
	"probe=1\nmode=live\ninit=systemd\nos.id=debian\n"                                    \
	"pkg.libvirt-daemon-system=5.0.0-4+deb10u1\nunit.libvirtd.service=enabled active\n" \
	"unit.libvirtd.socket=absent\nunit.virtproxyd.service=absent\n"                     \
	"unit.virtproxyd.socket=absent\nfile./etc/default/libvirtd=present\n"               \
	"libvirtd.args_var=" VAR "\n" TLS_FILES

/* Debian 12 as installed: socket-activated libvirtd 9.0. */
#define SOCKET_DEBIAN                                                                         \
	"probe=1\nmode=live\ninit=systemd\nos.id=debian\npkg.libvirt-daemon-system=9.0.0-4+deb12u2\n" \
	"unit.libvirtd.service=enabled active\nunit.libvirtd.socket=enabled active\n"            \
	"unit.libvirtd-ro.socket=enabled active\nunit.libvirtd-admin.socket=enabled active\n"    \
	"unit.libvirtd-tcp.socket=disabled inactive\nunit.libvirtd-tls.socket=disabled inactive\n" \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n"                        \
	"file./etc/default/libvirtd=present\n" TLS_FILES

/* Rocky 8 image: socket-activated, and no /etc/sysconfig/libvirtd. */
#define SOCKET_RHEL_NO_DEFAULTS                                                          \
	"probe=1\nmode=tree\ninit=systemd-offline\nos.id=rocky\nos.id_like=rhel centos fedora\n" \
	"unit.libvirtd.service=enabled unknown\nunit.libvirtd.socket=enabled unknown\n"      \
	"unit.libvirtd-tcp.socket=disabled unknown\nunit.libvirtd-tls.socket=disabled unknown\n" \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n" TLS_FILES

/* RHEL 9: modular daemons. */
#define MODULAR_RHEL                                                                         \
	"probe=1\nmode=live\ninit=systemd\nos.id=rhel\nos.id_like=fedora\n"                       \
	"pkg.libvirt-daemon=9.0.0-10.3.el9_2\n"                                                   \
	"unit.libvirtd.service=disabled inactive\nunit.libvirtd.socket=disabled inactive\n"     \
	"unit.virtproxyd.service=disabled inactive\nunit.virtproxyd.socket=enabled active\n"    \
	"unit.virtproxyd-tcp.socket=disabled inactive\nunit.virtqemud.service=enabled active\n" \
	"file./etc/sysconfig/libvirtd=present\nfile./etc/libvirt/virtproxyd.conf=present\n" \
	TLS_FILES
/* a live host whose kernel enables AppArmor, libvirt's template there,
 * the kernel's profiles read */
#define AA_LIVE                                                                   \
	"apparmor=Y\nselinux=disabled\n"                                               \
	"apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu present\n"            \
	"apparmor.profiles=read\n"

/* A host without libvirt: the world cannot be told. */
#define NO_LIBVIRT                                                             \
	"probe=1\nmode=live\ninit=systemd\nos.id=debian\n"                          \
	"unit.libvirtd.service=absent\nunit.libvirtd.socket=absent\n"              \
	"unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n"

/* ---- profiles ---- */

#define LIBVIRTD_FULL                                                                     \
	"[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\ntcp_port = 16509\n"
#define QEMU_FULL                                                                      \
	"[qemu]\nuser = nova\ngroup = nova\ndynamic_ownership = no\nsecurity_driver = none\n" \
	"migration_port_min = 49152\nmigration_port_max = 49261\n"
/* Lines that no resource examines: [nfs] without a role. */
#define OTHERS "[nfs]\nexport = /srv/nova 10.0.0.0/24(rw)\n\n\n"

/* The qemu.conf lines of QEMU_FULL, notifying unit U. */
#define QEMU_PLAN(U)                                                        \
	"file /etc/libvirt/qemu.conf Migready_libvirt.lns -> " U "\n"            \
	"  set user \"nova\"\n"                                                  \
	"  set group \"nova\"\n"                                                 \
	"  set dynamic_ownership 0 (default 1)\n"                                \
	"  set security_driver \"none\"\n"                                       \
	"  set migration_port_min 49152 (default 49152)\n"                       \
	"  set migration_port_max 49261 (default 49215)\n"

#define LIBVIRTD_CONF_LEGACY                                                      \
	"file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n" \
	"  set listen_tls 0 (default 1)\n"                                             \
	"  set listen_tcp 1 (default 0)\n"                                             \
	"  set tcp_port \"16509\" (default 16509)\n"                                   \
	"  set auth_tcp \"none\" (default sasl)\n"

#define DROPIN(S, PORT, ABSENT)                                                             \
	"owned /etc/systemd/system/" S ".d/migready-port.conf" ABSENT " +daemon-reload -> " S "\n" \
	"  | # Written by migready: the port of [libvirtd] tcp_port\n"                          \
	"  | [Socket]\n"                                                                           \
	"  | ListenStream=\n"                                                                      \
	"  | ListenStream=" PORT "\n"

#define UNCHECKED_OTHERS "unchecked nfs.export line 21\n"

struct res_case {
	const char *name;
	const char *facts; /* NULL: none known */
	const char *profile;
	int explicit_defaults;
	const char *want; /* the rendered plan */
};

/* Profiles are padded to put [nfs] on line 20 whatever comes before. */
static const struct res_case cases[] = {
	/* nova.conf in the names the installed nova reads; nova-compute restarts
	 * when it changes (its RHEL name where that is the unit there). */
	{ "nova, Debian 12", SOCKET_DEBIAN "pkg.nova-compute=2:26.2.2-1~deb12u5\n"
	  "unit.nova-compute.service=enabled active\n",
	  "[nova]\ninstances_path = /srv/instances\ncpu_mode = custom\ncpu_model = kvm64\n", 0,
	  "file /etc/nova/nova.conf Migready_oslo.lns -> nova-compute.service\n"
	  "  set instances_path /srv/instances [nova.DEFAULT.instances_path]\n"
	  "  set cpu_mode custom [nova.libvirt.cpu_mode]\n"
	  "  set cpu_models kvm64 [nova.libvirt.cpu_models]\n"
	  "  rm cpu_model\n"
	  "  rm live_migration_flag\n"
	  "  rm block_migration_flag\n"
	  "  rm live_migration_bandwidth\n"
	  "  rm live_migration_uri\n"
	  "  rm live_migration_flag\n"
	  "  rm block_migration_flag\n"
	  "  rm vncserver_listen\n"
	  "  rm vncserver_listen\n"
	  "  rm vncserver_proxyclient_address\n"
	  "  rm vncserver_proxyclient_address\n"
	  "unit nova-compute.service\n" },
	{ "nova, RHEL", SOCKET_RHEL_NO_DEFAULTS "pkg.openstack-nova-compute=27.1.0-1.el9\n"
	  "unit.nova-compute.service=absent\nunit.openstack-nova-compute.service=enabled unknown\n",
	  "[nova]\ninstances_path = /srv/instances\n", 0,
	  "file /etc/nova/nova.conf Migready_oslo.lns -> openstack-nova-compute.service\n"
	  "  set instances_path /srv/instances [nova.DEFAULT.instances_path]\n"
	  "  rm live_migration_flag\n"
	  "  rm block_migration_flag\n"
	  "  rm live_migration_bandwidth\n"
	  "  rm live_migration_uri\n"
	  "  rm live_migration_flag\n"
	  "  rm block_migration_flag\n"
	  "  rm vncserver_listen\n"
	  "  rm vncserver_listen\n"
	  "  rm vncserver_proxyclient_address\n"
	  "  rm vncserver_proxyclient_address\n"
	  "unit openstack-nova-compute.service\n" },
	/* given --config-file (devstack's unit), nova-compute reads only the
	 * files named: without nova.conf, writing it changes nothing */
	{ "nova, --config-file without nova.conf", SOCKET_DEBIAN "pkg.nova-compute=2:26.2.2-1~deb12u5\n"
	  "unit.nova-compute.service=enabled active\nnova.conf_unread=/etc/nova/nova-cpu.conf\n"
	  "nova.other=/etc/nova/nova-cpu.conf libvirt/cpu_mode host-passthrough\n",
	  "[nova]\ncpu_mode = host-model\n", 0,
	  "failed nova.conf line ?: nova-compute reads /etc/nova/nova-cpu.conf, not "
	  "/etc/nova/nova.conf: its unit's ExecStart gives it --config-file (or --config-dir), and "
	  "oslo.config then reads only the files named; nothing written\n" },
	/* its arguments not known: neither written nor green */
	{ "nova, its arguments not known", SOCKET_DEBIAN "pkg.nova-compute=2:26.2.2-1~deb12u5\n"
	  "unit.nova-compute.service=enabled active\nnova.args_unknown=yes\n",
	  "[nova]\ncpu_mode = host-model\n", 0,
	  "unchecked nova.conf line  its unit's --config-file and --config-dir arguments are not "
	  "known here (a $VARIABLE, a relative path, or CONFIG_FILE or DAEMON_ARGS in "
	  "/etc/default/nova-compute or /etc/default/openstack, for Debian's init script)\n" },
	{ "legacy, Debian family", LEGACY_DEBIAN, LIBVIRTD_FULL QEMU_FULL "\n\n\n\n\n\n\n" OTHERS, 0,
	  LIBVIRTD_CONF_LEGACY
	  "file /etc/default/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  add LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  QEMU_PLAN("libvirtd.service")
	  "unit libvirtd.service enable start\n"
	  /* --listen refuses to start under socket activation: every socket
	   * of libvirtd the host has is masked, none it lacks. */
	  "unit libvirtd.socket mask stop\n"
	  "unit libvirtd-ro.socket mask stop\n"
	  "unit libvirtd-admin.socket mask stop\n"
	  "unit libvirtd-tcp.socket mask stop\n"
	  UNCHECKED_OTHERS },
	{ "legacy, RHEL family", LEGACY_RHEL, LIBVIRTD_FULL QEMU_FULL "\n\n\n\n\n\n\n" OTHERS, 0,
	  LIBVIRTD_CONF_LEGACY
	  "file /etc/sysconfig/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  add LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  QEMU_PLAN("libvirtd.service")
	  "unit libvirtd.service enable start\n"
	  UNCHECKED_OTHERS },
	/* --listen goes into the variable the host's unit reads... */
	{ "legacy, libvirtd_opts", LEGACY_DEBIAN10("libvirtd_opts"), "[libvirtd]\nlisten_tcp = yes\n", 0,
	  "file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set listen_tcp 1 (default 0)\n"
	  "file /etc/default/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  add libvirtd_opts --listen [libvirtd.listen_flag]\n"
	  "unit libvirtd.service enable start\n"
	  "observed libvirtd.listener_tls: the server's TLS files\n" },
	/* ... when it is one of the two known: a name read back from a host
	 * is not trusted to pick what is edited. */
	{ "legacy, unknown variable", LEGACY_DEBIAN10("LD_PRELOAD"), "[libvirtd]\nlisten_tcp = yes\n", 0,
	  "file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set listen_tcp 1 (default 0)\n"
	  "file /etc/default/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  add LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  "unit libvirtd.service enable start\n"
	  "observed libvirtd.listener_tls: the server's TLS files\n" },
	/* Only auth_tcp of libvirtd.conf is still read; the socket listens,
	 * after libvirtd.service stopped; --listen goes. */
	{ "socket, Debian 12", SOCKET_DEBIAN, LIBVIRTD_FULL QEMU_FULL "\n\n\n\n\n\n\n" OTHERS, 0,
	  "file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set auth_tcp \"none\" (default sasl)\n"
	  DROPIN("libvirtd-tcp.socket", "16509", " (absent ok)")
	  "file /etc/default/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  del LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  QEMU_PLAN("libvirtd.service")
	  "unit libvirtd.service\n"
	  "unit libvirtd-tcp.socket enable start (stop first: libvirtd.service)\n"
	  "unit libvirtd-tls.socket disable stop (stop first: libvirtd.service)\n"
	  UNCHECKED_OTHERS },
	/* Another port: the drop-in must exist, and resets ListenStream. */
	{ "socket, port 16510", SOCKET_DEBIAN, "[libvirtd]\nlisten_tcp = yes\ntcp_port = 16510\n", 0,
	  DROPIN("libvirtd-tcp.socket", "16510", "")
	  "file /etc/default/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  del LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  "unit libvirtd.service\n"
	  "unit libvirtd-tcp.socket enable start (stop first: libvirtd.service)\n" },
	/* No defaults file on the host: none is created to remove a flag. */
	{ "socket, no defaults file", SOCKET_RHEL_NO_DEFAULTS, "[libvirtd]\nlisten_tcp = yes\n", 0,
	  "unit libvirtd.service\n"
	  "unit libvirtd-tcp.socket enable start (stop first: libvirtd.service)\n" },
	/* auth_tcp alone: the conf file, no listener units. */
	{ "socket, auth only", SOCKET_DEBIAN, "[libvirtd]\nauth_tcp = sasl\n", 0,
	  "file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set auth_tcp \"sasl\" (default sasl)\n"
	  "unit libvirtd.service\n" },
	{ "modular, RHEL 9", MODULAR_RHEL, LIBVIRTD_FULL QEMU_FULL, 0,
	  "file /etc/libvirt/virtproxyd.conf Migready_libvirt.lns -> virtproxyd.service\n"
	  "  set auth_tcp \"none\" (default sasl)\n"
	  DROPIN("virtproxyd-tcp.socket", "16509", " (absent ok)")
	  /* qemu.conf is virtqemud's there, not libvirtd's. */
	  QEMU_PLAN("virtqemud.service")
	  "unit virtproxyd.service\n"
	  "unit virtproxyd-tcp.socket enable start (stop first: virtproxyd.service)\n"
	  "unit virtproxyd-tls.socket disable stop (stop first: virtproxyd.service)\n"
	  "unit virtqemud.service\n" },
	/* Never green without the listener: a failed item, with the reason. */
	{ "unknown world", NO_LIBVIRT, LIBVIRTD_FULL QEMU_FULL, 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns\n"
	  "  set user \"nova\"\n"
	  "  set group \"nova\"\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "  set security_driver \"none\"\n"
	  "  set migration_port_min 49152 (default 49152)\n"
	  "  set migration_port_max 49261 (default 49215)\n"
	  "failed libvirtd.listener line 2: cannot tell how this host runs libvirt (libvirt's "
	  "daemon is not installed); set listener = legacy, socket or modular\n" },
	{ "no facts", NULL, "[libvirtd]\nauth_tcp = none\n", 0,
	  "failed libvirtd.listener line 2: cannot tell how this host runs libvirt (no facts); "
	  "set listener = legacy, socket or modular\n" },
	/* The profile's listener wins over the facts: a socket-activated host
	 * forced to legacy has all its libvirtd sockets masked. */
	{ "forced legacy", SOCKET_DEBIAN, "[libvirtd]\nlisten_tcp = yes\nlistener = legacy\n", 0,
	  "file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set listen_tcp 1 (default 0)\n"
	  "file /etc/default/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  add LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  "unit libvirtd.service enable start\n"
	  "unit libvirtd.socket mask stop\n"
	  "unit libvirtd-ro.socket mask stop\n"
	  "unit libvirtd-admin.socket mask stop\n"
	  "unit libvirtd-tcp.socket mask stop\n"
	  "unit libvirtd-tls.socket mask stop\n"
	  "observed libvirtd.listener_tls: the server's TLS files\n" },
	/* ... and back: the local socket the legacy world masked is
	 * unmasked, or systemd starts no TCP socket bound to it (found by a
	 * review: green, nothing listening); -ro and -admin, which the TCP
	 * socket does not need, keep their masks */
	{ "forced socket on a legacy host", LEGACY_DEBIAN,
	  "[libvirtd]\nlisten_tcp = yes\nlistener = socket\n", 0,
	  "file /etc/default/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  del LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  "unit libvirtd.service\n"
	  "unit libvirtd.socket enable start (stop first: libvirtd.service)\n"
	  "unit libvirtd-tcp.socket enable start (stop first: libvirtd.service)\n" },
	{ "forced modular, no facts", NULL,
	  "[libvirtd]\nlisten_tcp = yes\nlistener = modular\n[qemu]\nuser = nova\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> virtqemud.service\n"
	  "  set user \"nova\"\n"
	  "unit virtproxyd.service\n"
	  "unit virtproxyd-tcp.socket enable start (stop first: virtproxyd.service)\n"
	  "unit virtqemud.service\n" },
	/* explicit = yes in a section: its defaults are written out, the
	 * other section's are not. */
	{ "explicit section", LEGACY_RHEL,
	  "[libvirtd]\nexplicit = yes\nlisten_tcp = no\nauth_tcp = sasl\n[qemu]\ndynamic_ownership = yes\n",
	  0,
	  "file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set listen_tcp 0 (default 0) explicit\n"
	  "  set auth_tcp \"sasl\" (default sasl) explicit\n"
	  "file /etc/sysconfig/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  del LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 1 (default 1)\n"
	  "unit libvirtd.service\n" },
	{ "explicit run", LEGACY_RHEL, "[libvirtd]\nlisten_tcp = no\n[qemu]\ndynamic_ownership = yes\n", 1,
	  "file /etc/libvirt/libvirtd.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set listen_tcp 0 (default 0) explicit\n"
	  "file /etc/sysconfig/libvirtd Shellvars.lns -> libvirtd.service\n"
	  "  del LIBVIRTD_ARGS --listen [libvirtd.listen_flag]\n"
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 1 (default 1) explicit\n"
	  "unit libvirtd.service\n" },
	/* Where the migration stream reaches the host: qemu.conf's address
	 * and host, the loopback failed, another address not examined */
	{ "qemu: migration_address on the loopback", SOCKET_DEBIAN
	  "qemu.migration_address=\"::1\"\nqemu.migration_host=\"0.0.0.0\"\n",
	  "[qemu]\ndynamic_ownership = no\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "unit libvirtd.service\n"
	  "failed qemu.migration_address line 1: /etc/libvirt/qemu.conf sets migration_address = "
	  "\"::1\", the loopback: QEMU listens for an incoming migration there only; other hosts "
	  "cannot migrate to this one\n" },
	{ "qemu: migration_host a name", SOCKET_DEBIAN
	  "qemu.migration_address=\"0.0.0.0\"\nqemu.migration_host=cmp1-mig\n",
	  "[qemu]\ndynamic_ownership = no\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "unit libvirtd.service\n"
	  "unchecked qemu.migration_host line ?\n" },
	/* a name this host's /etc/hosts gives the loopback only (Debian's
	 * installer: 127.0.1.1 for the host's own name): QEMU binds it there */
	{ "qemu: migration_address a name /etc/hosts gives the loopback", SOCKET_DEBIAN
	  "qemu.migration_address=\"compute1\"\nqemu.migration_address_ip=127.0.1.1\n",
	  "[qemu]\ndynamic_ownership = no\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "unit libvirtd.service\n"
	  "failed qemu.migration_address line 1: /etc/libvirt/qemu.conf sets migration_address = "
	  "\"compute1\", which this host's /etc/hosts gives the loopback address 127.0.1.1 only: "
	  "QEMU listens for an incoming migration there only; other hosts cannot migrate to this "
	  "one\n" },
	{ "qemu: ... one address of it not the loopback", SOCKET_DEBIAN
	  "qemu.migration_address=\"compute1\"\nqemu.migration_address_ip=127.0.1.1\n"
	  "qemu.migration_address_ip=10.0.0.5\n",
	  "[qemu]\ndynamic_ownership = no\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "unit libvirtd.service\n"
	  "unchecked qemu.migration_address line ?\n" },
	{ "qemu: ... a name /etc/hosts does not list", SOCKET_DEBIAN
	  "qemu.migration_address=\"compute1\"\n",
	  "[qemu]\ndynamic_ownership = no\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "unit libvirtd.service\n"
	  "unchecked qemu.migration_address line ?\n" },
	/* security_driver: libvirt refuses a module the host has not enabled,
	 * and its daemon does not start: failed and not written; where the
	 * facts do not tell, written and not checked */
	{ "qemu: selinux, the host's SELinux disabled", SOCKET_DEBIAN "selinux=disabled\n",
	  "[qemu]\ndynamic_ownership = no\nsecurity_driver = selinux\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "unit libvirtd.service\n"
	  "failed qemu.security_driver line 3: security_driver = selinux, but this host does not "
	  "enable SELinux (no selinuxfs mounted, or /etc/selinux/config missing or "
	  "SELINUX=disabled): libvirt refuses it, and libvirtd would not start; not written\n" },
	{ "qemu: selinux, permissive", SOCKET_DEBIAN "selinux=0\n",
	  "[qemu]\nsecurity_driver = selinux\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"selinux\"\n"
	  "unit libvirtd.service\n" },
	{ "qemu: selinux, SELinux not told", SOCKET_DEBIAN, "[qemu]\nsecurity_driver = selinux\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"selinux\"\n"
	  "unit libvirtd.service\n"
	  "unchecked qemu.security_driver line ?\n" },
	{ "qemu: apparmor on RHEL 9, the kernel's off", MODULAR_RHEL "selinux=1\napparmor=N\n"
	  "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu present\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "unit virtqemud.service\n"
	  "failed qemu.security_driver line 2: security_driver = apparmor, but this host's kernel "
	  "does not enable AppArmor (/sys/module/apparmor/parameters/enabled is not Y): libvirt "
	  "refuses it, and virtqemud would not start; not written\n" },
	{ "qemu: apparmor without libvirt's template", SOCKET_DEBIAN "apparmor=Y\n"
	  "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu absent\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "unit libvirtd.service\n"
	  "failed qemu.security_driver line 2: security_driver = apparmor, but this host has no "
	  "/etc/apparmor.d/libvirt/TEMPLATE.qemu, without which libvirt turns its AppArmor driver "
	  "off: libvirt refuses it, and libvirtd would not start; not written\n" },
	{ "qemu: apparmor in a tree, the template there: the kernel's not told", SOCKET_DEBIAN
	  "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu present\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"apparmor\"\n"
	  "unit libvirtd.service\n"
	  "unchecked qemu.security_driver line ?\n" },
	/* libvirt's AppArmor driver is off unless its daemon runs confined:
	 * the kernel's profiles list its path or one named libvirtd, in
	 * either mode */
	{ "qemu: apparmor there", SOCKET_DEBIAN AA_LIVE "apparmor.profile=libvirtd (enforce)\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"apparmor\"\n"
	  "unit libvirtd.service\n" },
	{ "qemu: apparmor, libvirtd's profile by its path, complaining", SOCKET_DEBIAN AA_LIVE
	  "apparmor.profile=/usr/sbin/libvirtd (complain)\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"apparmor\"\n"
	  "unit libvirtd.service\n" },
	{ "qemu: apparmor, libvirtd unconfined", SOCKET_DEBIAN AA_LIVE
	  "apparmor.profile=virtqemud (enforce)\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "unit libvirtd.service\n"
	  "failed qemu.security_driver line 2: security_driver = apparmor, but libvirtd runs under "
	  "no AppArmor profile of its own (/sys/kernel/security/apparmor/profiles names neither its "
	  "path nor libvirtd), and libvirt then turns its AppArmor driver off: libvirt refuses it, "
	  "and libvirtd would not start; not written\n" },
	{ "qemu: apparmor, the profiles not read", SOCKET_DEBIAN "apparmor=Y\n"
	  "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu present\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"apparmor\"\n"
	  "unit libvirtd.service\n"
	  "unchecked qemu.security_driver line ?\n" },
	/* virtqemud: libvirt looks for its path or libvirtd; its own profile
	 * named virtqemud is not known to do */
	{ "qemu: apparmor, virtqemud's profile by its path", MODULAR_RHEL AA_LIVE
	  "apparmor.profile=/usr/sbin/virtqemud (enforce)\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> virtqemud.service\n"
	  "  set security_driver \"apparmor\"\n"
	  "unit virtqemud.service\n" },
	{ "qemu: apparmor, virtqemud's profile named virtqemud", MODULAR_RHEL AA_LIVE
	  "apparmor.profile=virtqemud (enforce)\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> virtqemud.service\n"
	  "  set security_driver \"apparmor\"\n"
	  "unit virtqemud.service\n"
	  "unchecked qemu.security_driver line ?\n" },
	{ "qemu: apparmor, virtqemud unconfined", MODULAR_RHEL AA_LIVE
	  "apparmor.profile=libvirtd//qemu_bridge_helper (enforce)\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "unit virtqemud.service\n"
	  "failed qemu.security_driver line 2: security_driver = apparmor, but virtqemud runs under "
	  "no AppArmor profile of its own (/sys/kernel/security/apparmor/profiles names neither its "
	  "path nor libvirtd), and libvirt then turns its AppArmor driver off: libvirt refuses it, "
	  "and virtqemud would not start; not written\n" },
	/* in a tree: the profile files apparmor loads at boot */
	{ "qemu: apparmor in a tree, libvirtd's profile disabled", SOCKET_DEBIAN "mode=tree\n"
	  "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu present\n"
	  "apparmor.file=/etc/apparmor.d/usr.sbin.libvirtd disabled\n"
	  "apparmor.file=/etc/apparmor.d/usr.sbin.virtqemud absent\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "unit libvirtd.service\n"
	  "failed qemu.security_driver line 2: security_driver = apparmor, but this host's "
	  "AppArmor loads no profile for libvirtd at boot (/etc/apparmor.d/usr.sbin.libvirtd is "
	  "missing or disabled), and libvirt then turns its AppArmor driver off: libvirt refuses "
	  "it, and libvirtd would not start; not written\n" },
	{ "qemu: apparmor in a tree, libvirtd's profile there", SOCKET_DEBIAN "mode=tree\n"
	  "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu present\n"
	  "apparmor.file=/etc/apparmor.d/usr.sbin.libvirtd complain\n"
	  "apparmor.file=/etc/apparmor.d/usr.sbin.virtqemud absent\n",
	  "[qemu]\nsecurity_driver = apparmor\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"apparmor\"\n"
	  "unit libvirtd.service\n"
	  "unchecked qemu.security_driver line ?\n" },
	/* the host's own value, the profile leaving it */
	{ "qemu: the host's apparmor, libvirtd unconfined", SOCKET_DEBIAN AA_LIVE
	  "qemu.security_driver=\"apparmor\"\nqemu.line.security_driver=7\n",
	  "[qemu]\ndynamic_ownership = no\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set dynamic_ownership 0 (default 1)\n"
	  "unit libvirtd.service\n"
	  "failed qemu.security_driver line 1: /etc/libvirt/qemu.conf:7 sets security_driver = "
	  "\"apparmor\", but libvirtd runs under no AppArmor profile of its own "
	  "(/sys/kernel/security/apparmor/profiles names neither its path nor libvirtd), and "
	  "libvirt then turns its AppArmor driver off: libvirt refuses it, and libvirtd would not "
	  "start; the profile does not manage it: set [qemu] security_driver (none, or the module "
	  "this host enables), or edit the file\n" },
	{ "qemu: none, whatever the modules", SOCKET_DEBIAN "apparmor=N\nselinux=disabled\n"
	  "apparmor.template=/etc/apparmor.d/libvirt/TEMPLATE.qemu absent\n",
	  "[qemu]\nsecurity_driver = none\n", 0,
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns -> libvirtd.service\n"
	  "  set security_driver \"none\"\n"
	  "unit libvirtd.service\n" },
	/* Lines no resource examines are unchecked, never silently green. */
	{ "only unexamined lines", SOCKET_DEBIAN,
	  "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n" OTHERS, 0,
	  /* no action at all, not even an idle unit */
	  UNCHECKED_OTHERS },
};

/* [firewall]: the backend from the facts (none, or several, fail with the
 * reason), one insert per allow and source in the host's rules file;
 * what cannot be done is a failed item. */
#define FW_PROFILE "[firewall]\nallow = 16509/tcp\nallow = 49152-49261/tcp\nsource = 10.20.0.0/24\n"
/* firewalld running, and iptables-nft's INPUT chain ending in a reject */
#define FWD_IPT_CHAIN                                                                      \
	"fw.firewalld.live=ok\nfw.firewalld.accept=public 16509/tcp\nfw.nft.live=ok\n"           \
	"fw.nft.input=ip filter INPUT accept 40\n"                                               \
	"fw.nft.after=ip filter INPUT 1 reject with icmp host-prohibited\n"
#define FW_PROFILE_NFT "[firewall]\nbackend = nftables\n" \
	"allow = 16509/tcp\nallow = 49152-49261/tcp\nsource = 10.20.0.0/24\n"
#define FW_PROFILE_IPT "[firewall]\nbackend = iptables\n" \
	"allow = 16509/tcp\nallow = 49152-49261/tcp\nsource = 10.20.0.0/24\n"
#define FW_DEBIAN                                                                          \
	"probe=1\nmode=tree\ninit=systemd-offline\nos.id=debian\n"                             \
	"unit.netfilter-persistent.service=enabled unknown\nfile./etc/iptables/rules.v4=present\n"
#define FW_INSERTS                                                                                 \
	"file /etc/iptables/rules.v4 Iptables.lns\n"                                                   \
	"  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"   \
	"  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49261 -j ACCEPT [firewall.allow]\n"

static const struct res_case firewall_cases[] = {
	/* QEMU's migration ports: the profile's, else the host's qemu.conf,
	 * else libvirt's default range, against allow */
	{ "migration ports: libvirt's default range, open", FW_DEBIAN,
	  "[firewall]\nallow = 16509/tcp\nallow = 49100-49215/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 49100:49215 -j ACCEPT [firewall.allow]\n"
	  "observed firewall.backend: iptables\n" },
	{ "migration ports: the host's qemu.conf wider than allow", FW_DEBIAN
	  "qemu.migration_port_max=49261\n",
	  "[firewall]\nallow = 16509/tcp\nallow = 49152-49215/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 49152:49215 -j ACCEPT [firewall.allow]\n"
	  "unchecked firewall.migration_ports line 2\n"
	  "observed firewall.backend: iptables\n" },
	{ "migration ports: ... the profile's qemu range is what counts", FW_DEBIAN
	  "qemu.migration_port_max=49261\n",
	  "[firewall]\nallow = 16509/tcp\nallow = 49152-49215/tcp\n[qemu]\nmigration_port_max = 49215\n",
	  0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 49152:49215 -j ACCEPT [firewall.allow]\n"
	  "file /etc/libvirt/qemu.conf Migready_libvirt.lns\n"
	  "  set migration_port_max 49215 (default 49215)\n"
	  "observed firewall.backend: iptables\n" },
	{ "migration ports: tunnelled migrations need none", FW_DEBIAN,
	  "[firewall]\nallow = 16509/tcp\n[nova]\nrelease = ussuri\n"
	  "live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_TUNNELLED\n",
	  0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "file /etc/nova/nova.conf Migready_oslo.lns -> nova-compute.service\n"
	  "  set live_migration_tunnelled true (default false) "
	  "[nova.libvirt.live_migration_tunnelled]\n"
	  "  set live_migration_permit_auto_converge false (default false) "
	  "[nova.libvirt.live_migration_permit_auto_converge]\n"
	  "  set live_migration_permit_post_copy false (default false) "
	  "[nova.libvirt.live_migration_permit_post_copy]\n"
	  "  rm live_migration_flag\n  rm block_migration_flag\n"
	  "  rm live_migration_flag\n  rm block_migration_flag\n"
	  "  rm live_migration_bandwidth\n  rm live_migration_uri\n"
	  "unit nova-compute.service\n"
	  "observed firewall.backend: iptables\n" },
	{ "migration ports: a qemu.conf value that is no port", FW_DEBIAN
	  "qemu.migration_port_min=\"49152\"\n",
	  "[firewall]\nallow = 16509/tcp\nallow = 49152-49261/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 49152:49261 -j ACCEPT [firewall.allow]\n"
	  "unchecked firewall.migration_ports line 2\n"
	  "observed firewall.backend: iptables\n" },
	{ "firewall: iptables-persistent", FW_DEBIAN, FW_PROFILE, 0, FW_INSERTS
	  "observed firewall.backend: iptables\n" },
	{ "firewall: RHEL's iptables-services",
	  "probe=1\nmode=tree\nos.id=rhel\nunit.iptables.service=enabled unknown\n"
	  "file./etc/sysconfig/iptables=present\n",
	  "[firewall]\nallow = 16509/tcp\nsource = 10.20.0.5\n", 0,
	  "file /etc/sysconfig/iptables Iptables.lns\n"
	  "  insert -A INPUT -s 10.20.0.5/32 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "observed firewall.backend: iptables\n" },
	/* RHEL's nftables.service loads /etc/sysconfig/nftables.conf: on */
	{ "firewall: RHEL's nftables.service beside iptables.service",
	  "probe=1\nmode=tree\nos.id=rhel\nunit.iptables.service=enabled unknown\n"
	  "file./etc/sysconfig/iptables=present\nunit.nftables.service=enabled unknown\n"
	  "file./etc/sysconfig/nftables.conf=present\n",
	  "[firewall]\nallow = 16509/tcp\nsource = 10.20.0.5\n", 0,
	  "failed firewall.backend line 2: cannot tell which firewall this host uses (iptables and "
	  "nftables are all switched on); leave one on: each one's rules filter the peers\n" },
	/* the running nft input chains beside iptables' own filter it too */
	{ "firewall: iptables running, an nft input chain drops all",
	  "probe=1\nmode=live\ninit=systemd\nos.id=rhel\nunit.iptables.service=enabled active\n"
	  "file./etc/sysconfig/iptables=present\nunit.nftables.service=enabled active\n"
	  "fw.iptables.live=ok\nfw.iptables.accept=1 tcp 16509 10.20.0.0/24\n"
	  "fw.iptables.accept=2 tcp 49152:49215 10.20.0.0/24\nfw.iptables.stop=3 any any any\n"
	  "fw.nft.live=ok\nfw.nft.input=ip filter INPUT drop 9\n"
	  "fw.nft.after=ip filter INPUT 1 drop\nfw.nft.input=inet guard input drop none\n",
	  "[firewall]\nallow = 16509/tcp\nallow = 49152-49215/tcp\nsource = 10.20.0.0/24\n", 0,
	  "file /etc/sysconfig/iptables Iptables.lns\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49215 -j ACCEPT "
	  "[firewall.allow]\n"
	  "failed firewall.running line 2: the chain inet guard input, also hooked on input,"
	  " drops (policy drop) before it accepts 'ip saddr 10.20.0.0/24 tcp dport 16509 accept'"
	  ": a packet must pass every input chain; accept it there too\n"
	  "failed firewall.running line 3: the chain inet guard input, also hooked on input,"
	  " drops (policy drop) before it accepts 'ip saddr 10.20.0.0/24 tcp dport 49152-49215 accept'"
	  ": a packet must pass every input chain; accept it there too\n"
	  "observed firewall.backend: iptables\n"
	  "observed firewall.running by iptables -I INPUT 3 -s 10.20.0.0/24 -p tcp -m tcp --dport "
	  "16509 -j ACCEPT: -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\n"
	  "observed firewall.running by iptables -I INPUT 3 -s 10.20.0.0/24 -p tcp -m tcp --dport "
	  "49152:49215 -j ACCEPT: -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49215 -j ACCEPT\n" },
	{ "firewall: iptables running, nft listing failed",
	  "probe=1\nmode=live\ninit=systemd\nunit.iptables.service=enabled active\n"
	  "file./etc/sysconfig/iptables=present\n"
	  "fw.iptables.live=ok\nfw.iptables.accept=1 tcp 16509 any\nfw.nft.live=error\n",
	  "[firewall]\nallow = 16509/tcp\n", 0,
	  "file /etc/sysconfig/iptables Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "unchecked firewall.nft_chains line ?\n"
	  "observed firewall.backend: iptables\n"
	  "observed firewall.running by iptables -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT: "
	  "-p tcp -m tcp --dport 16509 -j ACCEPT\n" },
	/* an accept of everything from the source covers every port */
	{ "firewall: iptables running, an accept of everything from the source",
	  "probe=1\nmode=live\ninit=systemd\nunit.iptables.service=enabled active\n"
	  "file./etc/sysconfig/iptables=present\nfw.iptables.live=ok\n"
	  "fw.iptables.accept=1 any any 10.20.0.0/16\nfw.iptables.stop=2 any any any\n",
	  FW_PROFILE, 0,
	  "file /etc/sysconfig/iptables Iptables.lns\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49261 -j ACCEPT "
	  "[firewall.allow]\n"
	  "observed firewall.backend: iptables\n"
	  "observed firewall.running by iptables -I INPUT 2 -s 10.20.0.0/24 -p tcp -m tcp --dport "
	  "16509 -j ACCEPT: covered by '-s 10.20.0.0/16 -j ACCEPT'\n"
	  "observed firewall.running by iptables -I INPUT 2 -s 10.20.0.0/24 -p tcp -m tcp --dport "
	  "49152:49261 -j ACCEPT: covered by '-s 10.20.0.0/16 -j ACCEPT'\n" },
	/* a jump to a chain that accepts the traffic covers it, if the jump
	 * takes all of it; one of another network does not */
	{ "firewall: iptables running, a jump to a chain that accepts",
	  "probe=1\nmode=live\ninit=systemd\nunit.iptables.service=enabled active\n"
	  "file./etc/sysconfig/iptables=present\nfw.iptables.live=ok\n"
	  "fw.iptables.via=1 tcp 16509 any\nfw.iptables.via=1 tcp 49152:65535 10.0.0.0/8\n"
	  "fw.iptables.jump=1 any any 10.20.0.0/16 MIGRATION\n"
	  "fw.iptables.via=2 tcp 16509 any\nfw.iptables.via=2 tcp 49152:65535 10.0.0.0/8\n"
	  "fw.iptables.jump=2 any any 10.30.0.0/16 MIGRATION\n"
	  "fw.iptables.stop=3 any any any\n",
	  FW_PROFILE, 0,
	  "file /etc/sysconfig/iptables Iptables.lns\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49261 -j ACCEPT "
	  "[firewall.allow]\n"
	  "observed firewall.backend: iptables\n"
	  "observed firewall.running by iptables -I INPUT 3 -s 10.20.0.0/24 -p tcp -m tcp --dport "
	  "16509 -j ACCEPT: covered by '-s 10.20.0.0/16 -j MIGRATION', whose chain accepts it (rule "
	  "1 of the running INPUT chain)\n"
	  "observed firewall.running by iptables -I INPUT 3 -s 10.20.0.0/24 -p tcp -m tcp --dport "
	  "49152:49261 -j ACCEPT: covered by '-s 10.20.0.0/16 -j MIGRATION', whose chain accepts "
	  "it (rule 1 of the running INPUT chain)\n" },
	{ "firewall: iptables running, a jump of other traffic to that chain",
	  "probe=1\nmode=live\ninit=systemd\nunit.iptables.service=enabled active\n"
	  "file./etc/sysconfig/iptables=present\nfw.iptables.live=ok\n"
	  "fw.iptables.via=1 tcp 16509 any\nfw.iptables.jump=1 tcp 22 any MIGRATION\n"
	  "fw.iptables.stop=2 any any any\n",
	  "[firewall]\nallow = 16509/tcp\n", 0,
	  "file /etc/sysconfig/iptables Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "observed firewall.backend: iptables\n"
	  "observed firewall.running drift by iptables -I INPUT 2 -p tcp -m tcp --dport 16509 -j "
	  "ACCEPT: (none)\n" },
	{ "firewall: backend given, another firewall switched on",
	  "probe=1\nmode=tree\nfile./etc/iptables/rules.v4=present\n"
	  "unit.firewalld.service=enabled unknown\nunit.netfilter-persistent.service=disabled unknown\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "failed firewall.backend line 2: backend = iptables, but this host switches on firewalld, "
	  "not iptables: the rules written are not what filters the peers\n" },
	{ "firewall: backend given, another firewall switched on beside it",
	  "probe=1\nmode=tree\nfile./etc/iptables/rules.v4=present\nfile./etc/nftables.conf=present\n"
	  "unit.nftables.service=enabled unknown\nunit.netfilter-persistent.service=enabled unknown\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "failed firewall.backend line 2: backend = iptables, but this host also switches on "
	  "nftables, whose rules filter the peers too and are not examined\n" },
	{ "firewall: ... live, firewalld running",
	  "probe=1\nmode=live\ninit=systemd\nfile./etc/iptables/rules.v4=present\n"
	  "unit.firewalld.service=enabled active\n"
	  "unit.netfilter-persistent.service=disabled inactive\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "failed firewall.backend line 2: backend = iptables, but this host switches on firewalld, "
	  "not iptables: the rules written are not what filters the peers\n"
	  "failed firewall.running line 2: cannot read the running rules: no iptables-save on the "
	  "host\n" },
	{ "firewall: ... live, no systemd answering: what runs is not known",
	  "probe=1\nmode=live\ninit=systemd-offline\nfile./etc/iptables/rules.v4=present\n"
	  "unit.firewalld.service=enabled unknown\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "failed firewall.running line 2: cannot read the running rules: no iptables-save on the "
	  "host\n"
	  "unchecked firewall.backend_on line ?\n" },
	{ "firewall: backend given, no source",
	  "probe=1\nmode=tree\nfile./etc/iptables/rules.v4=present\n",
	  "[firewall]\nbackend = iptables\nallow = 53/udp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p udp -m udp --dport 53 -j ACCEPT [firewall.allow]\n"
	  "observed firewall.backend: iptables\n" },
	{ "firewall: an IPv6 source", FW_DEBIAN, FW_PROFILE "source = fd00:20::/64\n", 0,
	  FW_INSERTS
	  "failed firewall.source line 5: IPv6 source 'fd00:20::/64': no /etc/iptables/rules.v6 "
	  "nor /etc/sysconfig/ip6tables on the host to write it to\n"
	  "observed firewall.backend: iptables\n" },
	{ "firewall: IPv6 in rules.v6, IPv4 in rules.v4",
	  FW_DEBIAN "file./etc/iptables/rules.v6=present\n",
	  "[firewall]\nallow = 16509/tcp\nsource = fd00:20::5\nsource = 10.20.0.0/24\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "file /etc/iptables/rules.v6 Iptables.lns\n"
	  "  insert -A INPUT -s fd00:20::5/128 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "observed firewall.backend: iptables\n" },
	{ "firewall: no source, a rule from anywhere in both",
	  FW_DEBIAN "file./etc/iptables/rules.v6=present\n", "[firewall]\nallow = 16509/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "file /etc/iptables/rules.v6 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "observed firewall.backend: iptables\n" },
	{ "firewall: two switched on", FW_DEBIAN "fw.ufw.enabled=yes\n", FW_PROFILE, 0,
	  "failed firewall.backend line 2: cannot tell which firewall this host uses (iptables and "
	  "ufw are all switched on); leave one on: each one's rules filter the peers\n" },
	{ "firewall: none switched on", "probe=1\nmode=tree\nfw.ufw.enabled=no\n"
	  "unit.firewalld.service=disabled unknown\n", FW_PROFILE, 0,
	  "failed firewall.backend line 2: cannot tell which firewall this host uses (none of "
	  "firewalld, ufw, nftables.service, netfilter-persistent with rules.v4 or iptables.service "
	  "with /etc/sysconfig/iptables is switched on); set backend\n" },
	{ "firewall: no facts", NULL, FW_PROFILE, 0,
	  "failed firewall.backend line 2: cannot tell which firewall this host uses (no facts); "
	  "set backend\n" },
	{ "firewall: ufw, IPv4 and IPv6", "probe=1\nmode=live\nfw.ufw.enabled=yes\n",
	  "[firewall]\nallow = 16509/tcp\nsource = 10.20.0.0/24\nsource = fd00:20::/64\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 10.20.0.0/24 in [firewall.allow]\n"
	  "file /etc/ufw/user6.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 ::/0 any fd00:20::/64 in [firewall.allow]\n"
	  "failed firewall.running line 2: cannot read the running rules: no iptables-save\n"
	  "unchecked firewall.backend_on line ?\n" },
	/* IPV6=no: ufw never loads user6.rules (found by a review) */
	{ "firewall: ufw with IPV6=no", "probe=1\nmode=tree\nfw.ufw.enabled=yes\nfw.ufw.ipv6=no\n",
	  "[firewall]\nallow = 16509/tcp\nsource = 10.20.0.0/24\nsource = fd00:20::/64\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 10.20.0.0/24 in [firewall.allow]\n"
	  "failed firewall.source line 2: IPv6 source 'fd00:20::/64': ufw's /etc/default/ufw says "
	  "IPV6=no, so ufw never loads user6.rules and drops IPv6; set IPV6=yes there\n"
	  "observed firewall.backend: ufw\n" },
	/* ufw's init script loads user6.rules for yes or YES only: another
	 * value, or none, is no */
	{ "firewall: ufw without IPV6=", "probe=1\nmode=tree\nfw.ufw.enabled=yes\nfw.ufw.ipv6=unset\n",
	  "[firewall]\nallow = 16509/tcp\nsource = fd00:20::/64\n", 0,
	  "failed firewall.source line 2: IPv6 source 'fd00:20::/64': ufw's /etc/default/ufw sets "
	  "no IPV6, so ufw never loads user6.rules and drops IPv6; set IPV6=yes there\n"
	  "observed firewall.backend: ufw\n" },
	{ "firewall: ufw with IPV6=true, any source: IPv4 only",
	  "probe=1\nmode=tree\nfw.ufw.enabled=yes\nfw.ufw.ipv6=true\n", "[firewall]\nallow = 16509/tcp\n",
	  0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 0.0.0.0/0 in [firewall.allow]\n"
	  "observed firewall.backend: ufw\n" },
	{ "firewall: ufw with IPV6=YES, any source: both",
	  "probe=1\nmode=tree\nfw.ufw.enabled=yes\nfw.ufw.ipv6=YES\n", "[firewall]\nallow = 16509/tcp\n",
	  0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 0.0.0.0/0 in [firewall.allow]\n"
	  "file /etc/ufw/user6.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 ::/0 any ::/0 in [firewall.allow]\n"
	  "observed firewall.backend: ufw\n" },
	{ "firewall: ufw with IPV6=no, any source: IPv4 only",
	  "probe=1\nmode=tree\nfw.ufw.enabled=yes\nfw.ufw.ipv6=no\n",
	  "[firewall]\nallow = 16509/tcp\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 0.0.0.0/0 in [firewall.allow]\n"
	  "observed firewall.backend: ufw\n" },
	/* IPV6=no, running: ufw reload never loads user6.rules, so the IPv6
	 * chain's lack of the any-source rule is no drift (it was, forever) */
	{ "firewall: ufw running with IPV6=no, any source: IPv4 only",
	  "probe=1\nmode=live\nfw.ufw.enabled=yes\nfw.ufw.ipv6=no\nfw.iptables.live=ok\n"
	  "fw.ip6tables.live=ok\nfw.iptables.ufw=tcp 16509 any\n",
	  "[firewall]\nallow = 16509/tcp\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 0.0.0.0/0 in [firewall.allow]\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by ufw reload: the rules loaded\n" },
	{ "firewall: ufw running, its accept below a deny of its port",
	  "probe=1\nmode=live\nfw.ufw.enabled=yes\nfw.iptables.live=ok\nfw.ip6tables.live=ok\n"
	  "fw.iptables.ufw=stop tcp 22 any\nfw.iptables.ufw=stop any any 10.30.0.0/16\n"
	  "fw.iptables.ufw=tcp 49152:49261 10.20.0.0/24\n"
	  "fw.iptables.ufw=stop tcp 16509 any\nfw.iptables.ufw=tcp 16509 10.20.0.0/24\n",
	  "[firewall]\nallow = 16509/tcp\nallow = 49152-49261/tcp\nsource = 10.20.0.0/24\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 10.20.0.0/24 in [firewall.allow]\n"
	  "  insert ### tuple ### allow tcp 49152:49261 0.0.0.0/0 any 10.20.0.0/24 in "
	  "[firewall.allow]\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running drift by ufw reload: missing: tcp 16509 from 10.20.0.0/24\n" },
	{ "firewall: ufw running, a deny of a network holding the source",
	  "probe=1\nmode=live\nfw.ufw.enabled=yes\nfw.iptables.live=ok\nfw.ip6tables.live=ok\n"
	  "fw.iptables.ufw=stop any any 10.0.0.0/8\nfw.iptables.ufw=tcp 16509 10.20.0.0/24\n",
	  "[firewall]\nallow = 16509/tcp\nsource = 10.20.0.0/24\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 10.20.0.0/24 in [firewall.allow]\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running drift by ufw reload: missing: tcp 16509 from 10.20.0.0/24\n" },
	{ "firewall: ufw running, the accept above the deny",
	  "probe=1\nmode=live\nfw.ufw.enabled=yes\nfw.iptables.live=ok\nfw.ip6tables.live=ok\n"
	  "fw.iptables.ufw=tcp 16509 10.20.0.0/24\nfw.iptables.ufw=stop any any any\n",
	  "[firewall]\nallow = 16509/tcp\nsource = 10.20.0.0/24\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 10.20.0.0/24 in [firewall.allow]\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by ufw reload: the rules loaded\n" },
	{ "firewall: ufw running, an nft input chain drops all",
	  "probe=1\nmode=live\nfw.ufw.enabled=yes\nfw.ufw.ipv6=no\nfw.iptables.live=ok\n"
	  "fw.iptables.ufw=tcp 16509 10.20.0.0/24\nfw.nft.live=ok\n"
	  "fw.nft.input=ip filter INPUT drop none\nfw.nft.input=inet guard input drop none\n",
	  "[firewall]\nallow = 16509/tcp\nsource = 10.20.0.0/24\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 16509 0.0.0.0/0 any 10.20.0.0/24 in [firewall.allow]\n"
	  "failed firewall.running line 2: the chain inet guard input, also hooked on input,"
	  " drops (policy drop) before it accepts 'ip saddr 10.20.0.0/24 tcp dport 16509 accept'"
	  ": a packet must pass every input chain; accept it there too\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by ufw reload: the rules loaded\n" },
	{ "firewall: ufw, any source", "probe=1\nmode=tree\nfw.ufw.enabled=yes\n",
	  "[firewall]\nallow = 49152-49261/tcp\n", 0,
	  "file /etc/ufw/user.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 49152:49261 0.0.0.0/0 any 0.0.0.0/0 in [firewall.allow]\n"
	  "file /etc/ufw/user6.rules Iptables.lns runs ufw reload\n"
	  "  insert ### tuple ### allow tcp 49152:49261 ::/0 any ::/0 in [firewall.allow]\n"
	  "observed firewall.backend: ufw\n" },
	{ "firewall: firewalld, the host's DefaultZone",
	  "probe=1\nmode=tree\nunit.firewalld.service=enabled unknown\nfw.firewalld.zone=work\n",
	  FW_PROFILE, 0,
	  "owned /etc/firewalld/zones/work.xml else /usr/lib/firewalld/zones/work.xml\n"
	  "unchecked firewall.zone line ?\n"
	  "observed firewall.backend: firewalld\n" },
	{ "firewall: firewalld, the profile's zone", "probe=1\nmode=tree\nfw.firewalld.zone=work\n",
	  "[firewall]\nbackend = firewalld\nzone = internal\nallow = 16509/tcp\n", 0,
	  "owned /etc/firewalld/zones/internal.xml else /usr/lib/firewalld/zones/internal.xml\n"
	  "unchecked firewall.zone line  whether connections reach it (interfaces bound outside "
	  "the zone files (NetworkManager, ifcfg ZONE=), read from the running firewalld only)\n"
	  "observed firewall.backend: firewalld\n" },
	{ "firewall: firewalld, no DefaultZone", NULL, "[firewall]\nbackend = firewalld\nallow = 16509/tcp\n",
	  0, "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n" },
	{ "firewall: firewalld, a DefaultZone that is no name",
	  "probe=1\nmode=tree\nfw.firewalld.zone=../../shadow\n",
	  "[firewall]\nbackend = firewalld\nallow = 16509/tcp\n", 0,
	  "failed firewall.zone line 2: the host's DefaultZone '../../shadow' "
	  "(/etc/firewalld/firewalld.conf) is not a zone name; set zone\n"
	  "observed firewall.backend: firewalld\n" },
	{ "firewall: firewalld running, firewall-cmd silent",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n",
	  FW_PROFILE, 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "failed firewall.running line 2: cannot read the running zone: firewall-cmd does not "
	  "answer on the host\n"
	  "unchecked firewall.backend_on line ?\n" },
	/* the running zone: a rich rule (logged) covers 16509, another zone's
	 * port and a port of public outside the range do not cover the rest,
	 * which alone is added at run time (no reload: it would drop what
	 * was added at run time only), once the zone file verified */
#define FWD_ADD_RANGE                                                                       \
	"firewall-cmd --zone=public '--add-rich-rule=rule family=\"ipv4\" source "               \
	"address=\"10.20.0.0/24\" port port=\"49152-49261\" protocol=\"tcp\" accept'"
	{ "firewall: firewalld running, one need covered and one missing",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\n"
	  "fw.firewalld.accept=public rule family=\"ipv4\" source address=\"10.20.0.0/16\" port "
	  "port=\"16509\" protocol=\"tcp\" log prefix=\"m\" level=\"info\" accept\n"
	  "fw.firewalld.accept=public 49152-49200/tcp\n"
	  "fw.firewalld.accept=work 49152-49261/tcp\n",
	  FW_PROFILE, 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml runs "
	  FWD_ADD_RANGE "\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running drift by " FWD_ADD_RANGE ": missing in the running zone: "
	  "rule family=\"ipv4\" source address=\"10.20.0.0/24\" port port=\"49152-49261\" "
	  "protocol=\"tcp\" accept\n" },
	/* ports without a source: --add-port, each missing one, in the
	 * profile's zone */
	{ "firewall: firewalld running, ports missing in the running zone",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.bind=internal interfaces: eth1\n"
	  "fw.firewalld.accept=internal 22/tcp\n",
	  "[firewall]\nzone = internal\nallow = 16509/tcp\nallow = 49152-49261/tcp\n", 0,
	  "owned /etc/firewalld/zones/internal.xml else /usr/lib/firewalld/zones/internal.xml runs "
	  "firewall-cmd --zone=internal --add-port=16509/tcp --add-port=49152-49261/tcp\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running drift by firewall-cmd --zone=internal --add-port=16509/tcp "
	  "--add-port=49152-49261/tcp: missing in the running zone: 16509/tcp; 49152-49261/tcp\n" },
	/* a zone the running firewalld has not loaded (made since it
	 * started): only a reload loads it and what it binds, said so */
	{ "firewall: firewalld running, the profile's zone not loaded",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.running_zone=public\n"
	  "fw.firewalld.running_zone=internal\nfw.firewalld.accept=public 16509/tcp\n",
	  "[firewall]\nzone = migration\nallow = 16509/tcp\n", 0,
	  "owned /etc/firewalld/zones/migration.xml else /usr/lib/firewalld/zones/migration.xml "
	  "runs firewall-cmd --reload\n"
	  "unchecked firewall.backend_on line ?\n"
	  "unchecked firewall.zone line ?\n"
	  "observed firewall.running drift by firewall-cmd --reload: zone migration not loaded by "
	  "the running firewalld: apply reloads it, which drops the rules added at run time "
	  "only\n" },
	/* in the running zone already: no command at all */
	{ "firewall: firewalld running, all covered",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.accept=public 16509/tcp\n"
	  "fw.firewalld.accept=public 49152-49261/tcp\n",
	  FW_PROFILE, 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: the rules loaded\n" },
	/* the zone's own target ACCEPT takes every port of what it takes */
	{ "firewall: firewalld running, the zone's target accepts all",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.target=public ACCEPT\n"
	  "fw.firewalld.accept=work 49152-49261/tcp\n",
	  FW_PROFILE, 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: covered by the running zone "
	  "public's target ACCEPT (live ruleset)\n" },
	{ "firewall: ... another zone's target does not",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.target=trusted ACCEPT\n"
	  "fw.firewalld.accept=public 16509/tcp\nfw.firewalld.accept=public 49152-49261/tcp\n",
	  FW_PROFILE, 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: the rules loaded\n" },
	{ "firewall: firewalld running, an nft input chain drops all",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.accept=public 16509/tcp\n"
	  "fw.nft.live=ok\nfw.nft.input=inet firewalld filter_INPUT accept 40\n"
	  "fw.nft.after=inet firewalld filter_INPUT 1 reject with icmpx admin-prohibited\n"
	  "fw.nft.input=inet guard input drop none\n",
	  "[firewall]\nallow = 16509/tcp\n", 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "failed firewall.running line 2: the chain inet guard input, also hooked on input,"
	  " drops (policy drop) before it accepts 'tcp dport 16509 accept'"
	  ": a packet must pass every input chain; accept it there too\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: the rules loaded\n" },
	/* on its iptables backend, firewalld's own rules are iptables' chains
	 * (iptables-nft lists them as ip filter INPUT): not another firewall's;
	 * on its nftables backend that chain is another's */
	{ "firewall: firewalld on its iptables backend, its iptables chain",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.backend=iptables\n" FWD_IPT_CHAIN,
	  "[firewall]\nallow = 16509/tcp\n", 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: the rules loaded\n" },
	{ "firewall: firewalld on its nftables backend, an iptables chain beside it",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.backend=nftables\n" FWD_IPT_CHAIN,
	  "[firewall]\nallow = 16509/tcp\n", 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "failed firewall.running line 2: the chain ip filter INPUT, also hooked on input,"
	  " drops ('reject with icmp host-prohibited') before it accepts 'tcp dport 16509 accept'"
	  ": a packet must pass every input chain; accept it there too\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: the rules loaded\n" },
	{ "firewall: firewalld running, a reject rule of the zone before its accepts",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.accept=public 16509/tcp\n"
	  "fw.firewalld.accept=public 49152-49261/tcp\n"
	  "fw.firewalld.accept=public rule family=\"ipv4\" source address=\"10.0.0.0/8\" reject\n"
	  "fw.firewalld.accept=public rule source address=\"10.20.0.9\" drop\n"
	  "fw.firewalld.accept=work rule family=\"ipv4\" reject\n",
	  FW_PROFILE, 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "failed firewall.running line 2: zone public has 'rule family=\"ipv4\" source "
	  "address=\"10.0.0.0/8\" reject': firewalld applies it before the zone's accepts, so the "
	  "peers are refused whatever they allow\n"
	  "unchecked firewall.backend_on line ?\n"
	  "unchecked firewall.deny_rule line  rule source address=\"10.20.0.9\" drop\n"
	  "observed firewall.running: the rules loaded\n" },
	{ "firewall: the zone chosen binds other sources only: the peers reach another zone",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.bind=trusted sources: 10.30.0.0/24\n"
	  "fw.firewalld.accept=trusted 16509/tcp\nfw.firewalld.accept=trusted 49152-49261/tcp\n",
	  FW_PROFILE "zone = trusted\n", 0,
	  "owned /etc/firewalld/zones/trusted.xml else /usr/lib/firewalld/zones/trusted.xml\n"
	  "failed firewall.running line 2: firewalld zone trusted binds the sources 10.30.0.0/24 "
	  "only, and no interface: connections from 10.20.0.0/24 reach another zone, not its rules\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: the rules loaded\n" },
	{ "firewall: ... a source of it holds the peers'",
	  "probe=1\nmode=live\nunit.firewalld.service=enabled active\nfw.firewalld.zone=public\n"
	  "fw.firewalld.live=ok\nfw.firewalld.bind=trusted sources: 10.30.0.0/24 10.20.0.0/16\n"
	  "fw.firewalld.accept=trusted 16509/tcp\nfw.firewalld.accept=trusted 49152-49261/tcp\n",
	  FW_PROFILE "zone = trusted\n", 0,
	  "owned /etc/firewalld/zones/trusted.xml else /usr/lib/firewalld/zones/trusted.xml\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running: the rules loaded\n" },
	{ "firewall: firewalld, systemd silent",
	  "probe=1\nmode=live\nfw.firewalld.zone=public\n",
	  "[firewall]\nbackend = firewalld\nallow = 16509/tcp\n", 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "failed firewall.running line 2: cannot tell whether firewalld runs: systemd does not "
	  "answer on the host\n"
	  "unchecked firewall.backend_on line ?\n" },
	{ "firewall: firewalld stopped", "probe=1\nmode=live\ninit=systemd\n"
	  "unit.firewalld.service=disabled inactive\n",
	  "[firewall]\nbackend = firewalld\nallow = 16509/tcp\n", 0,
	  "owned /etc/firewalld/zones/public.xml else /usr/lib/firewalld/zones/public.xml\n"
	  "unchecked firewall.zone line ?\n"
	  "observed firewall.backend: firewalld\n" },
	{ "firewall: no rules file", "probe=1\nmode=tree\n", "[firewall]\nbackend = iptables\n"
	  "allow = 16509/tcp\n", 0,
	  "failed firewall.allow line 2: no /etc/iptables/rules.v4 nor /etc/sysconfig/iptables on "
	  "the host: no saved rules to add to (save the running ones there first)\n"
	  "observed firewall.backend: iptables\n" },
	{ "firewall: live, no iptables-save",
	  "probe=1\nmode=live\nfile./etc/iptables/rules.v4=present\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "failed firewall.running line 2: cannot read the running rules: no iptables-save on the "
	  "host\n"
	  "unchecked firewall.backend_on line ?\n" },
	{ "firewall: backend given, no facts", NULL, "[firewall]\nbackend = iptables\nallow = 16509/tcp\n",
	  0,
	  "failed firewall.allow line 2: no /etc/iptables/rules.v4 nor /etc/sysconfig/iptables on "
	  "the host: no saved rules to add to (save the running ones there first)\n" },
	{ "firewall: a rule number that is none",
	  "probe=1\nmode=live\nfile./etc/iptables/rules.v4=present\nfw.iptables.live=ok\n"
	  "fw.iptables.stop=6;reboot\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "failed firewall.running line 2: cannot read the running rules: the probe's digest of "
	  "iptables-save is not one\n"
	  "unchecked firewall.backend_on line ?\n" },
	/* the running chain: a DROP of SSH from one network stops none of
	 * 16509's traffic (the accept below it counts); the REJECT does,
	 * and the range goes right above it */
	{ "firewall: live iptables, each rule's own stop",
	  "probe=1\nmode=live\nfile./etc/iptables/rules.v4=present\nfw.iptables.live=ok\n"
	  "fw.iptables.stop=1 tcp 22 10.99.0.0/16\nfw.iptables.accept=2 tcp 16509 any\n"
	  "fw.iptables.stop=3 any any any\nfw.iptables.accept=4 tcp 49152:49261 any\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\nallow = 49152-49261/tcp\n", 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -p tcp -m tcp --dport 49152:49261 -j ACCEPT [firewall.allow]\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by iptables -I INPUT 3 -p tcp -m tcp --dport 16509 -j ACCEPT: "
	  "-p tcp -m tcp --dport 16509 -j ACCEPT\n"
	  "observed firewall.running drift by iptables -I INPUT 3 -p tcp -m tcp --dport 49152:49261 "
	  "-j ACCEPT: (none)\n" },
	/* a goto to a chain that accepts 16509 from the peers first stops
	 * none of it (the accept below counts); the range it does not accept,
	 * so the range goes above the goto */
	{ "firewall: live iptables, a goto to a chain that accepts",
	  "probe=1\nmode=live\nfile./etc/iptables/rules.v4=present\nfw.iptables.live=ok\n"
	  "fw.iptables.via=1 tcp 22 any\nfw.iptables.via=1 tcp 16509 10.20.0.0/16\n"
	  "fw.iptables.stop=1 any any any\nfw.iptables.accept=2 tcp 16509 10.20.0.0/24\n"
	  "fw.iptables.stop=3 any any any\n",
	  FW_PROFILE_IPT, 0,
	  "file /etc/iptables/rules.v4 Iptables.lns\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "  insert -A INPUT -s 10.20.0.0/24 -p tcp -m tcp --dport 49152:49261 -j ACCEPT "
	  "[firewall.allow]\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by iptables -I INPUT 3 -s 10.20.0.0/24 -p tcp -m tcp --dport "
	  "16509 -j ACCEPT: -s 10.20.0.0/24 -p tcp -m tcp --dport 16509 -j ACCEPT\n"
	  "observed firewall.running drift by iptables -I INPUT 1 -s 10.20.0.0/24 -p tcp -m tcp "
	  "--dport 49152:49261 -j ACCEPT: (none)\n" },
	/* ip6tables-save's protocol names are longer than tcp's */
	{ "firewall: live ip6tables, a stop of ICMPv6",
	  "probe=1\nmode=live\nfile./etc/iptables/rules.v4=present\n"
	  "file./etc/iptables/rules.v6=present\nfw.iptables.live=ok\nfw.ip6tables.live=ok\n"
	  "fw.ip6tables.stop=1 ipv6-icmp any any\nfw.ip6tables.accept=2 tcp 16509 fd00:20::/64\n",
	  "[firewall]\nbackend = iptables\nallow = 16509/tcp\nsource = fd00:20::/64\n", 0,
	  "file /etc/iptables/rules.v6 Iptables.lns\n"
	  "  insert -A INPUT -s fd00:20::/64 -p tcp -m tcp --dport 16509 -j ACCEPT [firewall.allow]\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by ip6tables -A INPUT -s fd00:20::/64 -p tcp -m tcp --dport 16509 "
	  "-j ACCEPT: -s fd00:20::/64 -p tcp -m tcp --dport 16509 -j ACCEPT\n" },
	{ "firewall: nftables, from the facts",
	  "probe=1\nmode=tree\nunit.nftables.service=enabled unknown\n"
	  "file./etc/nftables.conf=present\n",
	  FW_PROFILE, 0, "owned /etc/nftables.conf\n"
	  "observed firewall.backend: nftables\n" },
	{ "firewall: nftables without its file", "probe=1\nmode=tree\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\n", 0,
	  "failed firewall.allow line 2: no /etc/nftables.conf nor /etc/sysconfig/nftables.conf on "
	  "the host\n"
	  "observed firewall.backend: nftables\n" },
	/* the file the host's nftables.service loads is the one edited:
	 * RHEL's, which the family's unit names where both are there */
	{ "firewall: nftables, RHEL's file",
	  "probe=1\nmode=tree\nunit.nftables.service=enabled unknown\n"
	  "file./etc/sysconfig/nftables.conf=present\n",
	  FW_PROFILE, 0, "owned /etc/sysconfig/nftables.conf\n"
	  "observed firewall.backend: nftables\n" },
	{ "firewall: nftables, both files on RHEL",
	  "probe=1\nmode=tree\nunit.nftables.service=enabled unknown\nos.id=rocky\n"
	  "os.id_like=rhel centos fedora\nfile./etc/nftables.conf=present\n"
	  "file./etc/sysconfig/nftables.conf=present\n",
	  FW_PROFILE, 0, "owned /etc/sysconfig/nftables.conf\n"
	  "observed firewall.backend: nftables\n" },
	{ "firewall: nftables, both files on Debian",
	  "probe=1\nmode=tree\nunit.nftables.service=enabled unknown\nos.id=debian\n"
	  "file./etc/nftables.conf=present\nfile./etc/sysconfig/nftables.conf=present\n",
	  FW_PROFILE, 0, "owned /etc/nftables.conf\n"
	  "observed firewall.backend: nftables\n" },
	{ "firewall: nftables, both files, no family",
	  "probe=1\nmode=tree\nunit.nftables.service=enabled unknown\nos.id=arch\n"
	  "file./etc/nftables.conf=present\nfile./etc/sysconfig/nftables.conf=present\n",
	  FW_PROFILE, 0,
	  "failed firewall.allow line 2: both /etc/nftables.conf and /etc/sysconfig/nftables.conf "
	  "on the host, and its os-release names neither the Debian nor the RHEL family: which one "
	  "nftables.service loads is not known\n"
	  "observed firewall.backend: nftables\n" },
	{ "firewall: nftables running, an accept of everything from the source",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop 9\n"
	  "fw.nft.rule=inet filter input ip saddr 10.20.0.0/16 counter packets 0 bytes 0 accept\n"
	  "fw.nft.after=inet filter input 1 drop\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\nsource = 10.20.0.0/24\n", 0,
	  "owned /etc/nftables.conf\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by nft insert rule inet filter input handle 9 ip saddr "
	  "10.20.0.0/24 tcp dport 16509 accept: covered by 'ip saddr 10.20.0.0/16 counter packets 0 "
	  "bytes 0 accept'\n" },
	/* a goto under policy drop to a chain that accepts 16509 first is no
	 * stop for it: the accept below counts; the range it does not accept */
	{ "firewall: nftables running, a goto to a chain that accepts",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop 9\n"
	  "fw.nft.after=inet filter input 1 iifname \"eth1\" goto allowed\n"
	  "fw.nft.after=inet filter input 0 ip saddr 10.20.0.0/24 tcp dport 16509 accept\n"
	  "fw.nft.after=inet filter input 0 ip saddr 10.20.0.0/24 tcp dport 49152-49261 accept\n"
	  "fw.nft.accepts=inet filter allowed tcp dport 22 accept\n"
	  "fw.nft.accepts=inet filter allowed ip saddr 10.20.0.0/16 tcp dport 16509 accept\n",
	  FW_PROFILE_NFT, 0,
	  "owned /etc/nftables.conf\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by nft insert rule inet filter input handle 9 ip saddr "
	  "10.20.0.0/24 tcp dport 16509 accept: ip saddr 10.20.0.0/24 tcp dport 16509 accept\n"
	  "observed firewall.running drift by nft insert rule inet filter input handle 9 ip saddr "
	  "10.20.0.0/24 tcp dport 49152-49261 accept: (none)\n" },
	{ "firewall: nftables, two input chains, none with policy drop",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input accept none\nfw.nft.input=ip other in accept none\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\n", 0,
	  "owned /etc/nftables.conf\n"
	  "failed firewall.running line 2: cannot read the running rules: 2 filter chains are "
	  "hooked on input and none has policy drop\n"
	  "unchecked firewall.backend_on line ?\n" },
	{ "firewall: nftables, a chain name nft would parse",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter in;flush drop 4\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\n", 0,
	  "owned /etc/nftables.conf\n"
	  "failed firewall.running line 2: cannot read the running rules: the probe's digest of the "
	  "ruleset is not one\n"
	  "unchecked firewall.backend_on line ?\n" },
	{ "firewall: nftables, no nft on a live host",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\n", 0,
	  "owned /etc/nftables.conf\n"
	  "failed firewall.running line 2: cannot read the running rules: no nft on the host\n"
	  "unchecked firewall.backend_on line ?\n" },
	{ "firewall: allow emptied by a layer", FW_DEBIAN, "[firewall]\nallow =\n", 0, "" },
	{ "firewall: nftables, another input chain drops first",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop 7\nfw.nft.input=ip guard in accept 12\n"
	  "fw.nft.rule=inet filter input tcp dport 16509 accept\n"
	  "fw.nft.rule=ip guard in tcp dport 49152-49215 accept\n"
	  "fw.nft.after=ip guard in 1 tcp dport { 22, 16509 } drop\n"
	  "fw.nft.input=ip quiet in accept none\n"
	  /* fail2ban's: rejects the banned on another port only */
	  "fw.nft.input=inet f2b-table f2b-chain accept 5\n"
	  "fw.nft.after=inet f2b-table f2b-chain 1 tcp dport 22 ip saddr @addr-set-sshd reject\n"
	  /* a drop of what is not new, then an accept of it */
	  "fw.nft.input=inet extra in accept 9\n"
	  "fw.nft.after=inet extra in 1 ct state invalid,untracked drop\n"
	  "fw.nft.after=inet extra in 0 tcp dport 16509 accept\n"
	  "fw.nft.after=inet extra in 1 iifname \"eth9\" drop\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\nallow = 49152-49215/tcp\n", 0,
	  "owned /etc/nftables.conf\n"
	  "failed firewall.running line 3: the chain ip guard in, also hooked on input, drops ('tcp "
	  "dport { 22, 16509 } drop') before it accepts 'tcp dport 16509 accept': a packet must pass "
	  "every input chain; accept it there too\n"
	  "failed firewall.running line 4: the chain inet extra in, also hooked on input, drops "
	  "('iifname \"eth9\" drop') before it accepts 'tcp dport 49152-49215 accept': a packet must "
	  "pass every input chain; accept it there too\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by nft insert rule inet filter input handle 7 tcp dport 16509 "
	  "accept: tcp dport 16509 accept\n"
	  "observed firewall.running drift by nft insert rule inet filter input handle 7 tcp dport "
	  "49152-49215 accept: (none)\n" },
	{ "firewall: nftables, a verdict map that drops the source above the accept",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop none\n"
	  "fw.nft.rule=inet filter input ct state vmap { established : accept, invalid : drop }\n"
	  "fw.nft.vmap=inet filter input 4 ct state vmap { established : accept, invalid : drop }\n"
	  "fw.nft.rule=inet filter input ip saddr vmap { 10.20.0.0/16 : drop }\n"
	  "fw.nft.vmap=inet filter input 5 ip saddr vmap { 10.20.0.0/16 : drop }\n"
	  "fw.nft.rule=inet filter input tcp dport 16509 accept\n"
	  "fw.nft.rule=inet filter input iifname vmap { \"eth9\" : jump quiet, \"eth8\" : jump "
	  "block }\n"
	  "fw.nft.vmap=inet filter input 8 iifname vmap { \"eth9\" : jump quiet, \"eth8\" : jump "
	  "block }\n"
	  "fw.nft.drops=inet filter block\n"
	  /* IPv6 only: IPv4 traffic never meets it */
	  "fw.nft.input=ip6 guard in accept 3\nfw.nft.after=ip6 guard in 1 reject\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\nallow = 49152-49215/tcp\n"
	  "source = 10.20.0.0/24\n", 0,
	  "owned /etc/nftables.conf\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running drift by nft insert rule inet filter input handle 5 ip saddr "
	  "10.20.0.0/24 tcp dport 16509 accept: (none)\n"
	  "observed firewall.running drift by nft insert rule inet filter input handle 5 ip saddr "
	  "10.20.0.0/24 tcp dport 49152-49215 accept: (none)\n" },
	/* an accept below a drop that takes no new connection counts */
	{ "firewall: nftables, the accept below 'ct state invalid drop'",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop 4\n"
	  "fw.nft.after=inet filter input 1 ct state invalid drop\n"
	  "fw.nft.after=inet filter input 0 tcp dport 16509 accept\n"
	  "fw.nft.after=inet filter input 1 drop\n"
	  "fw.nft.after=inet filter input 0 tcp dport 49152-49215 accept\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\nallow = 49152-49215/tcp\n", 0,
	  "owned /etc/nftables.conf\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by nft insert rule inet filter input handle 4 tcp dport 16509 "
	  "accept: tcp dport 16509 accept\n"
	  "observed firewall.running drift by nft insert rule inet filter input handle 4 tcp dport "
	  "49152-49215 accept: (none)\n" },
	/* sources as nft lists them: no /32, IPv6 compressed in lower case
	 * (a rollback finds its rule by that text; found by a review) */
	{ "firewall: nftables, sources in nft's own spelling",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop none\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\nsource = 10.20.0.5/32\n"
	  "source = FD00:20:0:0::5\nsource = fd00:30::/64\n", 0,
	  "owned /etc/nftables.conf\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running drift by nft add rule inet filter input ip saddr 10.20.0.5 "
	  "tcp dport 16509 accept: (none)\n"
	  "observed firewall.running drift by nft add rule inet filter input ip6 saddr fd00:20::5 "
	  "tcp dport 16509 accept: (none)\n"
	  "observed firewall.running drift by nft add rule inet filter input ip6 saddr fd00:30::/64 "
	  "tcp dport 16509 accept: (none)\n" },
	{ "firewall: nftables, another input chain with policy accept drops by a map",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop none\n"
	  "fw.nft.rule=inet filter input tcp dport 16509 accept\n"
	  "fw.nft.input=ip guard in accept none\n"
	  "fw.nft.rule=ip guard in tcp dport vmap { 16509 : drop, 22 : accept }\n"
	  "fw.nft.vmap=ip guard in 3 tcp dport vmap { 16509 : drop, 22 : accept }\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\n", 0,
	  "owned /etc/nftables.conf\n"
	  "failed firewall.running line 3: the chain ip guard in, also hooked on input, drops ('tcp "
	  "dport vmap { 16509 : drop, 22 : accept }') before it accepts 'tcp dport 16509 accept': a "
	  "packet must pass every input chain; accept it there too\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by nft add rule inet filter input tcp dport 16509 accept: tcp "
	  "dport 16509 accept\n" },
	{ "firewall: nftables, a map's jump to a chain that drops, after the accept",
	  "probe=1\nmode=live\nfile./etc/nftables.conf=present\nfw.nft.live=ok\n"
	  "fw.nft.input=inet filter input drop none\n"
	  "fw.nft.rule=inet filter input ip saddr 10.20.0.0/24 tcp dport 16509 accept\n"
	  "fw.nft.rule=inet filter input iifname vmap { \"eth8\" : jump block }\n"
	  "fw.nft.vmap=inet filter input 8 iifname vmap { \"eth8\" : jump block }\n"
	  "fw.nft.drops=inet filter block\n",
	  "[firewall]\nbackend = nftables\nallow = 16509/tcp\nallow = 49152-49215/tcp\n"
	  "source = 10.20.0.0/24\n", 0,
	  "owned /etc/nftables.conf\n"
	  "unchecked firewall.backend_on line ?\n"
	  "observed firewall.running by nft add rule inet filter input ip saddr "
	  "10.20.0.0/24 tcp dport 16509 accept: ip saddr 10.20.0.0/24 tcp dport 16509 accept\n"
	  "observed firewall.running drift by nft insert rule inet filter input handle 8 ip saddr "
	  "10.20.0.0/24 tcp dport 49152-49215 accept: (none)\n" },
};

static const char *enable_word(enum mr_unit_enable e)
{
	switch (e) {
	case MR_ENABLE_YES:
		return " enable";
	case MR_ENABLE_NO:
		return " disable";
	case MR_ENABLE_MASK:
		return " mask";
	case MR_ENABLE_ANY:
		break;
	}
	return "";
}

/* Items said with most plans (the TLS files' contents, never examined;
 * /dev/kvm, which facts of other tests leave out): shown only where a
 * case asks for them by name or by the whole "qemu." prefix. */
static int is_said_apart(const char *setting, const char *prefix)
{
	static const char *const apart[] = { ".tls_contents", "qemu.kvm_access" };
	for (size_t i = 0; i < MR_ARRAY_LEN(apart); i++) {
		size_t n = strlen(setting), a = strlen(apart[i]);
		if (n >= a && !strcmp(setting + n - a, apart[i]) && !strstr(prefix, apart[i] + 1) &&
		    strcmp(prefix, "qemu.") != 0)
			return 1;
	}
	return 0;
}

static const char *line_of(const char *origin)
{
	const char *colon = strrchr(origin, ':');
	return colon ? colon + 1 : "?";
}

/* setting is "SECTION.key". */
static int named_after(const char *setting, const char *key)
{
	const char *dot = strchr(setting, '.');
	return dot && !strcmp(dot + 1, key);
}

static void render_op(struct mr_buf *b, const struct mr_plan *plan, size_t i, size_t j)
{
	const struct mr_aug_op *op = mr_plan_op(plan, i, j);
	switch (op->kind) {
	case MR_AUG_SET:
		if (op->fmt == MR_FMT_LIBVIRT_STR)
			mr_buf_printf(b, "  set %s \"%s\"", op->key, op->value);
		else
			mr_buf_printf(b, "  set %s %s", op->key, op->value);
		if (op->deflt)
			mr_buf_printf(b, " (default %s)", op->deflt);
		/* The default is still shown, and wanted in the file. */
		if (op->explicit_default)
			mr_buf_puts(b, " explicit");
		/* A conf key's item is named after it; show any other name. */
		if (!named_after(mr_plan_op_setting(plan, i, j), op->key))
			mr_buf_printf(b, " [%s]", mr_plan_op_setting(plan, i, j));
		break;
	case MR_AUG_RM:
		mr_buf_printf(b, "  rm %s", op->key);
		break;
	case MR_AUG_ENTRY:
		mr_buf_printf(b, "  entry %s (new %s) [%s]", op->key, op->create,
		              mr_plan_op_setting(plan, i, j));
		for (const char *p = op->children, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			mr_buf_printf(b, "\n    %.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
			if (!nl)
				break;
		}
		break;
	case MR_AUG_TOKEN_ADD:
	case MR_AUG_TOKEN_DEL:
		mr_buf_printf(b, "  %s %s %s [%s]", op->kind == MR_AUG_TOKEN_ADD ? "add" : "del",
		              op->key, op->value, mr_plan_op_setting(plan, i, j));
		break;
	case MR_AUG_INSERT: /* the node's first line: what it is */
		mr_buf_printf(b, "  insert %.*s [%s]", (int)strcspn(op->value, "\n"), op->value,
		              mr_plan_op_setting(plan, i, j));
		break;
	}
	mr_buf_putc(b, '\n');
}

/* Files in the order planned, then units, then the items that are not
 * actions. */
static char *render(const struct mr_plan *plan)
{
	struct mr_buf b;
	mr_buf_init(&b);
	for (size_t i = 0; i < mr_plan_file_count(plan); i++) {
		const char *lens = mr_plan_file_lens(plan, i);
		if (lens)
			mr_buf_printf(&b, "file %s %s", mr_plan_file_path(plan, i), lens);
		else
			mr_buf_printf(&b, "owned %s%s%s%s", mr_plan_file_path(plan, i),
			              mr_plan_file_absent_ok(plan, i) ? " (absent ok)" : "",
			              mr_plan_file_fallback_path(plan, i) ? " else " : "",
			              mr_plan_file_fallback_path(plan, i) ? mr_plan_file_fallback_path(plan, i)
			                                                  : "");
		if (mr_plan_file_daemon_reload(plan, i))
			mr_buf_puts(&b, " +daemon-reload");
		for (size_t k = 0; k < mr_plan_notify_count(plan, i); k++)
			mr_buf_printf(&b, "%s%s", k ? ", " : " -> ", mr_plan_notify_name(plan, i, k));
		for (size_t k = 0; k < mr_plan_notify_cmd_count(plan, i); k++)
			mr_buf_printf(&b, " runs %s", mr_plan_notify_cmd_name(plan, i, k));
		mr_buf_putc(&b, '\n');
		for (size_t j = 0; j < mr_plan_op_count(plan, i); j++)
			render_op(&b, plan, i, j);
		const char *content = mr_plan_file_content(plan, i);
		for (const char *p = content, *nl; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p) - 1;
			mr_buf_printf(&b, "  | %.*s\n", (int)(nl - p), p);
		}
	}
	for (size_t i = 0; i < mr_plan_unit_count(plan); i++) {
		int active = mr_plan_unit_active(plan, i);
		mr_buf_printf(&b, "unit %s%s%s", mr_plan_unit_name(plan, i),
		              enable_word(mr_plan_unit_enable(plan, i)),
		              active == 1 ? " start" : active == 0 ? " stop" : "");
		for (size_t k = 0; k < mr_plan_stop_first_count(plan, i); k++)
			mr_buf_printf(&b, "%s%s", k ? ", " : " (stop first: ",
			              mr_plan_stop_first_name(plan, i, k));
		mr_buf_puts(&b, mr_plan_stop_first_count(plan, i) ? ")\n" : "\n");
	}
	for (size_t i = 0; i < mr_plan_failed_count(plan); i++)
		mr_buf_printf(&b, "failed %s line %s: %s\n", mr_plan_failed_setting(plan, i),
		              line_of(mr_plan_failed_origin(plan, i)), mr_plan_failed_message(plan, i));
	for (size_t i = 0; i < mr_plan_unchecked_count(plan); i++)
		if (!is_said_apart(mr_plan_unchecked_setting(plan, i), ""))
			mr_buf_printf(&b, "unchecked %s line %s\n", mr_plan_unchecked_setting(plan, i),
			              line_of(mr_plan_unchecked_origin(plan, i)));
	for (size_t i = 0; i < mr_plan_observed_count(plan); i++) {
		const char *old = mr_plan_observed_old(plan, i);
		const char *cmd = mr_plan_observed_cmd(plan, i);
		mr_buf_printf(&b, "observed %s%s%s%s: %s\n", mr_plan_observed_setting(plan, i),
		              mr_plan_observed_drift(plan, i) ? " drift" : "", cmd ? " by " : "",
		              cmd ? cmd : "", old ? old : "(none)");
	}
	return mr_buf_steal(&b, NULL);
}

static void test_worlds(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(cases); i++) {
		const struct res_case *c = &cases[i];
		struct mr_profile *p = mr_test_profile(c->profile);
		struct mr_facts *f = c->facts ? facts_of(c->facts) : NULL;
		struct mr_plan *plan = mr_plan_new(f);
		struct mr_error *err = NULL;
		struct mr_res_ctx ctx = { .profile = p, .explicit_defaults = c->explicit_defaults };
		assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
		assert_null(err);
		char *got = render(plan);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: plan\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
		mr_plan_free(plan);
		mr_facts_free(f);
		mr_profile_free(p);
	}
}

static void test_firewall(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(firewall_cases); i++) {
		const struct res_case *c = &firewall_cases[i];
		struct mr_profile *p = mr_test_profile(c->profile);
		struct mr_facts *f = c->facts ? facts_of(c->facts) : NULL;
		struct mr_plan *plan = mr_plan_new(f);
		struct mr_error *err = NULL;
		struct mr_res_ctx ctx = { .profile = p };
		assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
		char *got = render(plan);
		/* the rules' cases leave QEMU's ports to the cases about them */
		const char *ports = "unchecked firewall.migration_ports";
		char *at = !strncmp(c->name, "migration ports", 15) ? NULL : strstr(got, ports);
		if (at)
			memmove(at, strchr(at, '\n') + 1, strlen(strchr(at, '\n') + 1) + 1);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: plan\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
		mr_plan_free(plan);
		mr_facts_free(f);
		mr_profile_free(p);
	}
}

/* ---- the libvirtd items that fail: the listener nova-compute connects
 * to, the conf file libvirtd reads ---- */

#define NOVA_DEB "pkg.nova-compute=2:26.2.2-1~deb12u5\n"
#define NOVA_RPM "pkg.openstack-nova-compute=26.2.1-1.el9\n"
#define SCHEME_SELF(V) \
	"nova.self=12 [libvirt]live_migration_scheme libvirt/live_migration_scheme " V "\n"
#define INBOUND_SELF(V) \
	"nova.self=20 [libvirt]live_migration_inbound_addr libvirt/live_migration_inbound_addr " V "\n"
#define TLS_SOCKET_AT(A)                                                           \
	TLS_FILES                                                                         \
	"socket.virtproxyd-tls.socket.file=/usr/lib/systemd/system/virtproxyd-tls.socket\n" \
	"socket.virtproxyd-tls.socket.listen=/usr/lib/systemd/system/virtproxyd-tls.socket 9 " A \
	":16514\n"                                                                          \
	"socket.virtproxyd-tls.socket.opt=/usr/lib/systemd/system/virtproxyd-tls.socket 11 " \
	"Service=virtproxyd.service\n"
#define AUTH_KEY(L) "libvirt.auth_key=" L "\n"
#define AUTH_DEFAULT(C) AUTH_KEY("auth-libvirt-default credentials " C)
#define URI_SELF(V) "nova.self=14 [libvirt]live_migration_uri libvirt/live_migration_uri " V "\n"

struct transport_case {
	const char *name;
	const char *facts;
	const char *profile;
	const char *want; /* the libvirtd items that fail, as render prints them */
};

static const struct transport_case transport_cases[] = {
	{ "no nova on the host: nothing to cross", SOCKET_DEBIAN SCHEME_SELF("tls"),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n", "" },
	{ "nova-compute without a package (a virtualenv): its unit says it is there",
	  SOCKET_DEBIAN SCHEME_SELF("tls") "unit.nova-compute.service=enabled active\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.listener_tls line 3: nova-compute connects to the destination's libvirt "
	  "over tls (/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tls'), but "
	  "listen_tls = no keeps it closed: live migration cannot connect\n" },
	{ "nova-compute reads another nova.conf", SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tcp")
	  "nova.conf_first=/var/lib/nova/.nova/nova.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: cannot tell which libvirt listener nova-compute connects "
	  "to: nova-compute reads /var/lib/nova/.nova/nova.conf, not /etc/nova/nova.conf: started "
	  "without --config-file, it takes the first nova.conf oslo.config finds in ~/.nova/, ~/ "
	  "(its user's home), /etc/nova/ and /etc/\n" },
	{ "nova on its default, tcp, and the TCP listener on", SOCKET_DEBIAN NOVA_DEB,
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n", "" },
	{ "... SASL by libvirt's default, no credentials", SOCKET_DEBIAN NOVA_DEB,
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.auth_tcp line 2: nova-compute connects to the destination's libvirt over "
	  "tcp (live_migration_scheme is not set: nova's default, tcp), and auth_tcp = sasl "
	  "(libvirt's default) wants SASL credentials of the migrating libvirtd: neither "
	  "/etc/libvirt/auth.conf nor /root/.config/libvirt/auth.conf is on this host\n" },
	{ "... SASL with root's credentials", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.auth_conf=/root/.config/libvirt/auth.conf\n" AUTH_DEFAULT("mig")
	  AUTH_KEY("credentials-mig authname nova") AUTH_KEY("credentials-mig password set"),
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = sasl\n",
	  "unchecked libvirtd.sasl_credentials /root/.config/libvirt/auth.conf: the peers' SASL "
	  "users and passwords\n" },
	{ "... auth.conf without a default group", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.auth_conf=/etc/libvirt/auth.conf\n"
	  AUTH_KEY("credentials-mig authname nova") AUTH_KEY("credentials-mig password set"),
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = sasl\n",
	  "failed libvirtd.auth_tcp line 3: nova-compute connects to the destination's libvirt over "
	  "tcp (live_migration_scheme is not set: nova's default, tcp), and auth_tcp = sasl wants "
	  "the migrating libvirtd's SASL credentials from /etc/libvirt/auth.conf, but no "
	  "[auth-libvirt-default] group names credentials: it cannot log in to its peers\n" },
	{ "... naming credentials it does not have", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.auth_conf=/etc/libvirt/auth.conf\n" AUTH_DEFAULT("migration")
	  AUTH_KEY("credentials-mig authname nova") AUTH_KEY("credentials-mig password set"),
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = sasl\n",
	  "failed libvirtd.auth_tcp line 3: nova-compute connects to the destination's libvirt over "
	  "tcp (live_migration_scheme is not set: nova's default, tcp), and auth_tcp = sasl wants "
	  "the migrating libvirtd's SASL credentials from /etc/libvirt/auth.conf, but "
	  "[auth-libvirt-default] names credentials 'migration', and there is no "
	  "[credentials-migration] group: it cannot log in to its peers\n" },
	{ "... credentials without a password (a username is not an authname)", SOCKET_DEBIAN
	  NOVA_DEB "libvirt.auth_conf=/etc/libvirt/auth.conf\n" AUTH_DEFAULT("mig")
	  AUTH_KEY("credentials-mig username nova"),
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = sasl\n",
	  "failed libvirtd.auth_tcp line 3: nova-compute connects to the destination's libvirt over "
	  "tcp (live_migration_scheme is not set: nova's default, tcp), and auth_tcp = sasl wants "
	  "the migrating libvirtd's SASL credentials from /etc/libvirt/auth.conf, but "
	  "[credentials-mig] gives no authname and no password: it cannot log in to its peers\n" },
	{ "... credentials of one peer's own: not examined", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.auth_conf=/etc/libvirt/auth.conf\n"
	  AUTH_KEY("auth-libvirt-cmp2 credentials mig") AUTH_KEY("credentials-mig authname nova"),
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = sasl\n",
	  "unchecked libvirtd.sasl_credentials /etc/libvirt/auth.conf: the peers' SASL users and "
	  "passwords, and the credentials of a peer's own group\n" },
	{ "... auth.conf that cannot be read", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.auth_conf=/etc/libvirt/auth.conf\nlibvirt.auth_unread=yes\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = sasl\n",
	  "unchecked libvirtd.sasl_credentials /etc/libvirt/auth.conf cannot be read\n" },
	/* the mechanisms /etc/sasl2/libvirt.conf offers */
	{ "... SASL by Kerberos (libvirt's shipped mech_list), no keytab", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.sasl_mechs= gssapi\nlibvirt.sasl_keytab=/etc/krb5.keytab absent\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.auth_tcp line 2: nova-compute connects to the destination's libvirt over "
	  "tcp (live_migration_scheme is not set: nova's default, tcp), and auth_tcp = sasl "
	  "(libvirt's default) asks for Kerberos (/etc/sasl2/libvirt.conf mech_list: gssapi), but "
	  "the keytab /etc/krb5.keytab is not on this host: its libvirt accepts no Kerberos "
	  "login\n" },
	{ "... Kerberos with a keytab: tickets not examined", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.sasl_mechs= GSSAPI\nlibvirt.sasl_keytab=/etc/libvirt/krb5.tab present\n"
	  "libvirt.auth_conf=/etc/libvirt/auth.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "unchecked libvirtd.sasl_kerberos /etc/sasl2/libvirt.conf mech_list: GSSAPI\n" },
	{ "... Kerberos or SCRAM, with credentials for SCRAM", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.sasl_mechs=gssapi, scram-sha-256\nlibvirt.sasl_keytab=/etc/krb5.keytab absent\n"
	  "libvirt.auth_conf=/etc/libvirt/auth.conf\n" AUTH_DEFAULT("m")
	  AUTH_KEY("credentials-m authname nova") AUTH_KEY("credentials-m password set"),
	  "[libvirtd]\nlisten_tls = no\nlisten_tcp = yes\n",
	  "unchecked libvirtd.sasl_credentials /etc/libvirt/auth.conf: the peers' SASL users and "
	  "passwords\n" },
	{ "... SCRAM only, no credentials", SOCKET_DEBIAN NOVA_DEB
	  "libvirt.sasl_mechs= scram-sha-256\nlibvirt.sasl_keytab=/etc/krb5.keytab absent\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = sasl\n",
	  "failed libvirtd.auth_tcp line 4: nova-compute connects to the destination's libvirt over "
	  "tcp (live_migration_scheme is not set: nova's default, tcp), and auth_tcp = sasl (the "
	  "profile's) wants SASL credentials of the migrating libvirtd: neither "
	  "/etc/libvirt/auth.conf nor /root/.config/libvirt/auth.conf is on this host\n" },
	{ "... none in libvirtd.conf, the profile silent", SOCKET_DEBIAN NOVA_DEB
	  "libvirtd.auth_tcp=\"none\"\n", "[libvirtd]\nlisten_tcp = yes\n", "" },
	{ "nova.conf on tls, the profile keeps TLS closed", SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tls"),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.listener_tls line 3: nova-compute connects to the destination's libvirt "
	  "over tls (/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tls'), but "
	  "listen_tls = no keeps it closed: live migration cannot connect\n" },
	{ "tls, the socket left alone and disabled", SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tls"),
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener_tls line 2: nova-compute connects to the destination's libvirt "
	  "over tls (/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tls'), but "
	  "the profile does not set listen_tls, and libvirtd-tls.socket is neither enabled nor "
	  "active on this host: live migration cannot connect\n" },
	{ "tls, the socket left alone and enabled",
	  "probe=1\nmode=live\ninit=systemd\nos.id=debian\npkg.libvirt-daemon-system=9.0.0-4+deb12u2\n"
	  "unit.libvirtd.service=enabled active\nunit.libvirtd.socket=enabled active\n"
	  "unit.libvirtd-tcp.socket=disabled inactive\nunit.libvirtd-tls.socket=enabled active\n"
	  "unit.virtproxyd.service=absent\nunit.virtproxyd.socket=absent\n" TLS_FILES NOVA_DEB
	  SCHEME_SELF("tls"),
	  "[libvirtd]\nlisten_tcp = yes\n", "" },
	{ "the profile's set line wins over nova.conf", SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tcp"),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n[nova]\nrelease = zed\n"
	  "set = libvirt/live_migration_scheme tls\n",
	  "failed libvirtd.listener_tls line 3: nova-compute connects to the destination's libvirt "
	  "over tls (PROFILE:6 sets [libvirt] live_migration_scheme = 'tls'), but listen_tls = no "
	  "keeps it closed: live migration cannot connect\n" },
	/* nova reads the scheme only without a URI, which the plan removes */
	{ "the profile's scheme removes nova.conf's URI", SOCKET_DEBIAN NOVA_DEB
	  URI_SELF("qemu+tcp://%s/system"),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n[nova]\nrelease = zed\n"
	  "set = libvirt/live_migration_scheme tls\n",
	  "failed libvirtd.listener_tls line 3: nova-compute connects to the destination's libvirt "
	  "over tls (PROFILE:6 sets [libvirt] live_migration_scheme = 'tls'), but listen_tls = no "
	  "keeps it closed: live migration cannot connect\n" },
	{ "a conf.d file read after nova.conf wins over the set line",
	  SOCKET_DEBIAN NOVA_DEB "nova.other=/etc/nova/nova.conf.d/50-ssh.conf "
	                         "libvirt/live_migration_scheme ssh\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n[nova]\nrelease = zed\n"
	  "set = libvirt/live_migration_scheme tls\n",
	  /* ssh: no listener of libvirt's to judge, and a login not examined */
	  "unchecked libvirtd.transport nova-compute connects to the destination's libvirt over ssh "
	  "(/etc/nova/nova.conf.d/50-ssh.conf sets [libvirt] live_migration_scheme = 'ssh'), a "
	  "login not examined\n" },
	/* no listener claimed (auth_tcp alone): the ssh login is still
	 * said not examined, not left out of the check */
	{ "ssh with no listener claimed", SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("ssh"),
	  "[libvirtd]\nauth_tcp = none\n",
	  "unchecked libvirtd.transport nova-compute connects to the destination's libvirt over ssh "
	  "(/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'ssh'), a login not "
	  "examined\n" },
	/* nova makes qemu+SCHEME:// of it: anything else than a transport
	 * of libvirt's fails the URI (an inline comment is part of the value
	 * for oslo; found by a review) */
	{ "a scheme libvirt does not know",
	  SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tcp # migration net"),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: cannot tell which libvirt listener nova-compute "
	  "connects to: /etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tcp # "
	  "migration net', which is no transport of libvirt's (tcp, tls, ssh, libssh2, libssh, "
	  "unix, ext)\n" },
	/* nova fills the URI with Python's %: without a %s it fails */
	{ "a URI without the destination",
	  SOCKET_DEBIAN NOVA_DEB URI_SELF("qemu+tcp://10.20.0.5/system"),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: cannot tell which libvirt listener nova-compute "
	  "connects to: /etc/nova/nova.conf:14 sets [libvirt] live_migration_uri = "
	  "'qemu+tcp://10.20.0.5/system', which lacks the one %s nova puts the destination in "
	  "(with no other % but %%): nova fails every live migration\n" },
	{ "the URI wins over the scheme, from any file",
	  SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tcp")
	  "nova.before=/etc/nova/nova.conf.d/10.conf libvirt/live_migration_uri qemu://%s/system\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.listener_tls line 3: nova-compute connects to the destination's libvirt "
	  "over tls (/etc/nova/nova.conf.d/10.conf sets [libvirt] live_migration_uri = "
	  "'qemu://%s/system'), but listen_tls = no keeps it closed: live migration cannot "
	  "connect\n" },
	/* Zed has no [DEFAULT] name of it (Mitaka dropped it; found by a
	 * review): such a line decides nothing */
	{ "a [DEFAULT] live_migration_uri is not read",
	  SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tcp")
	  "nova.before=/etc/nova/nova.conf.d/10.conf DEFAULT/live_migration_uri qemu://%s/system\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.auth_tcp line 2: nova-compute connects to the destination's libvirt over "
	  "tcp (/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tcp'), and auth_tcp = "
	  "sasl (libvirt's default) wants SASL credentials of the migrating libvirtd: neither "
	  "/etc/libvirt/auth.conf nor /root/.config/libvirt/auth.conf is on this host\n" },
	{ "a URI that is none", SOCKET_DEBIAN NOVA_DEB URI_SELF("qemu+tcp://%s:99999/system"),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.listener line 2: cannot tell which libvirt listener nova-compute "
	  "connects to: /etc/nova/nova.conf:14 sets [libvirt] live_migration_uri = "
	  "'qemu+tcp://%s:99999/system', which is no libvirt URI\n" },
	{ "modular: the URI's port against tcp_port",
	  MODULAR_RHEL NOVA_RPM URI_SELF("qemu+tcp://nova@%s:16510/system?no_verify=1"),
	  "[libvirtd]\nlisten_tcp = yes\ntcp_port = 16511\nauth_tcp = none\n",
	  "failed libvirtd.listen_port line 3: nova-compute connects to port 16510 "
	  "(/etc/nova/nova.conf:14 sets [libvirt] live_migration_uri = "
	  "'qemu+tcp://nova@%s:16510/system?no_verify=1'), but libvirt listens on 16511: live "
	  "migration cannot connect\n" },
	{ "ssh: no listener of libvirt's", MODULAR_RHEL NOVA_RPM URI_SELF("qemu+ssh://nova@%s/system"),
	  "[libvirtd]\nlisten_tcp = no\nlisten_tls = no\n",
	  "unchecked libvirtd.transport nova-compute connects to the destination's libvirt over ssh "
	  "(/etc/nova/nova.conf:14 sets [libvirt] live_migration_uri = "
	  "'qemu+ssh://nova@%s/system'), a login not examined\n" },
	{ "legacy: tls by libvirt's default once --listen", LEGACY_DEBIAN NOVA_DEB SCHEME_SELF("tls"),
	  "[libvirtd]\nlisten_tcp = yes\n", "" },
	/* the legacy daemon's port is its file's where the profile sets
	 * none (found by a review: green, libvirtd on 16600) */
	{ "legacy: the host's tcp_port",
	  LEGACY_DEBIAN NOVA_DEB SCHEME_SELF("tcp") "libvirtd.tcp_port=\"16600\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n",
	  "failed libvirtd.listen_port line 2: nova-compute connects to port 16509 "
	  "(/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tcp'; no port in the "
	  "URI: libvirt's default), but libvirt listens on 16600, as /etc/libvirt/libvirtd.conf "
	  "sets it: live migration cannot connect\n" },
	{ "legacy: ... the profile's wins",
	  LEGACY_DEBIAN NOVA_DEB SCHEME_SELF("tcp") "libvirtd.tcp_port=\"16600\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\ntcp_port = 16509\n", "" },
	{ "legacy: ... a name: not examined",
	  LEGACY_DEBIAN NOVA_DEB SCHEME_SELF("tcp") "libvirtd.tcp_port='libvirt'\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n",
	  "unchecked libvirtd.listen_port /etc/libvirt/libvirtd.conf's tcp_port = 'libvirt'\n" },
	{ "legacy: ... a number, which libvirtd refuses",
	  LEGACY_DEBIAN NOVA_DEB SCHEME_SELF("tcp") "libvirtd.tcp_port=16509\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n",
	  "failed libvirtd.tcp_port line 2: /etc/libvirt/libvirtd.conf sets tcp_port = 16509, not a "
	  "quoted string, the only strings libvirt reads: libvirtd refuses its configuration and "
	  "does not start\n" },
	{ "socket: libvirtd.conf's tcp_port is not read",
	  SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tcp") "libvirtd.tcp_port=\"16600\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n", "" },
	{ "legacy: ... unless libvirtd.conf turns it off",
	  LEGACY_DEBIAN NOVA_DEB SCHEME_SELF("tls") "libvirtd.listen_tls=0\n",
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener_tls line 2: nova-compute connects to the destination's libvirt "
	  "over tls (/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tls'), but "
	  "the profile does not set listen_tls, and /etc/libvirt/libvirtd.conf sets it to 0: live "
	  "migration cannot connect\n" },
	{ "legacy: tcp is off by libvirt's default", LEGACY_DEBIAN NOVA_DEB,
	  "[libvirtd]\nlisten_tls = yes\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: nova-compute connects to the destination's libvirt "
	  "over tcp (live_migration_scheme is not set: nova's default, tcp), but the profile does "
	  "not set listen_tcp, and libvirt's default is 0: live migration cannot connect\n" },
	{ "legacy: ... unless libvirtd.conf turns it on",
	  LEGACY_DEBIAN NOVA_DEB "libvirtd.listen_tcp=1\n",
	  "[libvirtd]\nlisten_tls = yes\nauth_tcp = none\n", "" },
	{ "legacy: without --listen nothing listens", LEGACY_DEBIAN NOVA_DEB "libvirtd.listen_tcp=1\n",
	  "[libvirtd]\nlisten_tls = no\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: nova-compute connects to the destination's libvirt "
	  "over tcp (live_migration_scheme is not set: nova's default, tcp), but the profile does "
	  "not set listen_tcp, and with listen_tls = no libvirtd runs without --listen: live "
	  "migration cannot connect\n" },
	/* where the peers connect: live_migration_inbound_addr */
	{ "the peers sent to their own loopback", SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("127.0.0.1"),
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: nova's peers migrate to this host at 127.0.0.1 "
	  "(/etc/nova/nova.conf:20 sets [libvirt] live_migration_inbound_addr = '127.0.0.1'), the "
	  "loopback, each peer's own: live migration to this host cannot connect\n" },
	{ "... also over ssh", SOCKET_DEBIAN NOVA_DEB URI_SELF("qemu+ssh://nova@%s/system")
	  INBOUND_SELF("localhost"), "[libvirtd]\nlisten_tcp = no\n",
	  "failed libvirtd.listener line 2: nova's peers migrate to this host at localhost "
	  "(/etc/nova/nova.conf:20 sets [libvirt] live_migration_inbound_addr = 'localhost'), the "
	  "loopback, each peer's own: live migration to this host cannot connect\n"
	  "unchecked libvirtd.transport nova-compute connects to the destination's libvirt over ssh "
	  "(/etc/nova/nova.conf:14 sets [libvirt] live_migration_uri = "
	  "'qemu+ssh://nova@%s/system'), a login not examined\n" },
	/* oslo.config substitutes $NAME (found by a review) */
	{ "an inbound address of $my_ip, the loopback",
	  SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("$my_ip")
	  "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip 127.0.0.1\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: nova's peers migrate to this host at 127.0.0.1 "
	  "(/etc/nova/nova.conf:20 sets [libvirt] live_migration_inbound_addr = '$my_ip'), the "
	  "loopback, each peer's own: live migration to this host cannot connect\n" },
	/* oslo.config's parser drops the quotes of each */
	{ "... of '$my_ip', my_ip quoted",
	  SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("'$my_ip'")
	  "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip \"127.0.0.1\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: nova's peers migrate to this host at 127.0.0.1 "
	  "(/etc/nova/nova.conf:20 sets [libvirt] live_migration_inbound_addr = '$my_ip'), the "
	  "loopback, each peer's own: live migration to this host cannot connect\n" },
	{ "... of ${my_ip} unset: nova's guess, not known here",
	  SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("${my_ip}"),
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "unchecked libvirtd.inbound where nova's peers migrate to this host: /etc/nova/nova.conf:20 "
	  "sets [libvirt] live_migration_inbound_addr = '${my_ip}', whose $my_ip is not known here\n" },
	{ "legacy: listen_addr is another address", LEGACY_DEBIAN NOVA_DEB INBOUND_SELF("10.0.1.5")
	  "libvirtd.listen_addr=\"10.0.0.5\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.listen_addr line 2: /etc/libvirt/libvirtd.conf sets listen_addr = "
	  "\"10.0.0.5\": libvirtd listens there only, but nova's peers connect to this host at "
	  "10.0.1.5 (/etc/nova/nova.conf:20 sets [libvirt] live_migration_inbound_addr = "
	  "'10.0.1.5'): live migration to this host cannot connect\n" },
	{ "legacy: ... the same address otherwise spelled", LEGACY_DEBIAN NOVA_DEB
	  INBOUND_SELF("[fd00::0:5]") "libvirtd.listen_addr=\"fd00::5\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	{ "legacy: ... every address", LEGACY_DEBIAN NOVA_DEB INBOUND_SELF("10.0.1.5")
	  "libvirtd.listen_addr=\"0.0.0.0\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	{ "legacy: ... a name that resolves here to another", LEGACY_DEBIAN NOVA_DEB
	  INBOUND_SELF("10.0.1.5") "libvirtd.listen_addr=\"cmp1-mgmt\"\n"
	  "libvirtd.listen_addr_ip=10.0.0.5\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n[nova]\nrelease = zed\n"
	  "set = libvirt/live_migration_inbound_addr 10.0.1.5\n",
	  "failed libvirtd.listen_addr line 2: /etc/libvirt/libvirtd.conf sets listen_addr = "
	  "\"cmp1-mgmt\" (10.0.0.5 here): libvirtd listens there only, but nova's peers connect to "
	  "this host at 10.0.1.5 (PROFILE:6 sets [libvirt] live_migration_inbound_addr = "
	  "'10.0.1.5'): live migration to this host cannot connect\n" },
	{ "legacy: ... a name that resolves here to it", LEGACY_DEBIAN NOVA_DEB
	  INBOUND_SELF("10.0.1.5") "libvirtd.listen_addr=\"cmp1-mig\"\n"
	  "libvirtd.listen_addr_ip=10.0.0.5\nlibvirtd.listen_addr_ip=10.0.1.5\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	{ "legacy: ... names the peers resolve: not examined", LEGACY_DEBIAN NOVA_DEB
	  INBOUND_SELF("cmp1-mig.example") "libvirtd.listen_addr=\"10.0.0.5\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "unchecked libvirtd.listen_addr /etc/libvirt/libvirtd.conf listen_addr = \"10.0.0.5\", "
	  "live_migration_inbound_addr = cmp1-mig.example\n" },
	{ "legacy: ... the same name", LEGACY_DEBIAN NOVA_DEB INBOUND_SELF("CMP1-mig")
	  "libvirtd.listen_addr=\"cmp1-mig\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	{ "legacy: ... no inbound address: the peers connect to the host's name",
	  LEGACY_DEBIAN NOVA_DEB "libvirtd.listen_addr=\"10.0.0.5\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "unchecked libvirtd.listen_addr /etc/libvirt/libvirtd.conf listen_addr = \"10.0.0.5\", "
	  "live_migration_inbound_addr unset (the peers connect to this host's name)\n" },
	{ "legacy: ... every address, no inbound address", LEGACY_DEBIAN NOVA_DEB
	  "libvirtd.listen_addr=\"::\"\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	{ "modular: the TLS socket bound to another address than the inbound one",
	  MODULAR_RHEL NOVA_RPM SCHEME_SELF("tls") INBOUND_SELF("10.0.1.5") TLS_SOCKET_AT("10.0.0.5"),
	  "[libvirtd]\nlisten_tls = yes\n",
	  "failed libvirtd.listener_tls line 2: virtproxyd-tls.socket listens at 10.0.0.5:16514 "
	  "(ListenStream in /usr/lib/systemd/system/virtproxyd-tls.socket:9), but nova's peers "
	  "connect to this host at 10.0.1.5 (/etc/nova/nova.conf:20 sets [libvirt] "
	  "live_migration_inbound_addr = '10.0.1.5'): live migration to this host cannot "
	  "connect\n" },
	{ "modular: ... to it, spelt otherwise", MODULAR_RHEL NOVA_RPM SCHEME_SELF("tls")
	  INBOUND_SELF("::ffff:10.0.0.5") TLS_SOCKET_AT("10.0.0.5"),
	  "[libvirtd]\nlisten_tls = yes\n", "" },
	{ "modular: ... an inbound name: not examined", MODULAR_RHEL NOVA_RPM SCHEME_SELF("tls")
	  INBOUND_SELF("cmp1-mig") TLS_SOCKET_AT("10.0.0.5"), "[libvirtd]\nlisten_tls = yes\n",
	  "unchecked libvirtd.listener_tls /usr/lib/systemd/system/virtproxyd-tls.socket:9 "
	  "ListenStream = 10.0.0.5:16514, live_migration_inbound_addr = cmp1-mig\n" },
	{ "modular: ... the profile's port drop-in listens everywhere", MODULAR_RHEL NOVA_RPM
	  SCHEME_SELF("tls") INBOUND_SELF("10.0.1.5") TLS_SOCKET_AT("10.0.0.5"),
	  "[libvirtd]\nlisten_tls = yes\ntls_port = 16515\n",
	  "failed libvirtd.listen_tls_port line 3: nova-compute connects to port 16514 "
	  "(/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tls'; no port in the "
	  "URI: libvirt's default), but libvirt listens on 16515: live migration cannot connect\n" },
	{ "no listener in the profile: nothing claimed", SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tls"),
	  "[libvirtd]\nauth_tcp = none\n", "" },

	/* libvirt's TLS files, the server's and the client's */
	{ "a TLS listener without the server's files",
	  SOCKET_DEBIAN "tls.file=/etc/pki/CA/cacert.pem present\n"
	  "tls.file=/etc/pki/libvirt/servercert.pem absent\n"
	  "tls.file=/etc/pki/libvirt/private/serverkey.pem absent\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = yes\n",
	  "failed libvirtd.listener_tls line 3: libvirt's daemon would not start to answer on its "
	  "TLS port: /etc/pki/libvirt/servercert.pem, /etc/pki/libvirt/private/serverkey.pem are "
	  "missing (migready does not manage certificates); apply does not turn that listener on "
	  "until they are there\n" },
	{ "legacy: --listen opens TLS by libvirt's default: the server's files needed",
	  LEGACY_DEBIAN "tls.file=/etc/pki/CA/cacert.pem absent\n"
	  "tls.file=/etc/pki/libvirt/servercert.pem absent\n"
	  "tls.file=/etc/pki/libvirt/private/serverkey.pem present\n",
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener_tls line 2: libvirtd --listen also listens on TLS (listen_tls "
	  "is 1, libvirt's default; set listen_tls = 0 for TCP only), and would not start: "
	  "/etc/pki/CA/cacert.pem, /etc/pki/libvirt/servercert.pem are missing (migready does "
	  "not manage certificates); apply does not turn that listener on "
	  "until they are there\n" },
	{ "legacy: ... as when libvirtd.conf turns it on",
	  LEGACY_DEBIAN "libvirtd.listen_tls=1\ntls.file=/etc/pki/CA/cacert.pem absent\n",
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener_tls line 2: libvirtd --listen also listens on TLS (listen_tls "
	  "is 1 in /etc/libvirt/libvirtd.conf; set listen_tls = 0 for TCP only), and would not "
	  "start: /etc/pki/CA/cacert.pem is missing (migready does not manage certificates); apply does not turn that listener on "
	  "until they are there\n" },
	{ "legacy: ... not where libvirtd.conf turns it off",
	  LEGACY_DEBIAN "libvirtd.listen_tls=0\ntls.file=/etc/pki/CA/cacert.pem absent\n",
	  "[libvirtd]\nlisten_tcp = yes\n", "" },
	{ "legacy: ... nor where the profile does", LEGACY_DEBIAN "tls.file=/etc/pki/CA/cacert.pem absent\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n", "" },
	{ "legacy: ... nor without --listen", LEGACY_DEBIAN "tls.file=/etc/pki/CA/cacert.pem absent\n",
	  "[libvirtd]\nlisten_tcp = no\n", "" },
	{ "... files libvirtd.conf names elsewhere: not examined",
	  LEGACY_DEBIAN "libvirtd.cert_file=\"/srv/pki/cert.pem\"\n"
	  "tls.file=/etc/pki/libvirt/servercert.pem absent\n",
	  "[libvirtd]\nlisten_tcp = no\nlisten_tls = yes\n",
	  "unchecked libvirtd.tls_files /etc/libvirt/libvirtd.conf "
	  "cert_file = \"/srv/pki/cert.pem\"\n" },
	{ "modular: files virtproxyd.conf names elsewhere: not examined",
	  MODULAR_RHEL "virtproxyd.key_file=\"/srv/k.pem\"\nlibvirtd.cert_file=\"/x\"\n"
	  "tls.file=/etc/pki/libvirt/servercert.pem absent\n",
	  "[libvirtd]\nlisten_tcp = no\nlisten_tls = yes\n",
	  "failed libvirtd.listener_tls line 3: libvirt's daemon would not start to answer on its "
	  "TLS port: /etc/pki/libvirt/servercert.pem is missing (migready does not manage "
	  "certificates); apply does not turn that listener on "
	  "until they are there\n"
	  "unchecked libvirtd.tls_files /etc/libvirt/virtproxyd.conf key_file = \"/srv/k.pem\"\n" },
	{ "nova over TLS without the client's files",
	  SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tls") "tls.file=/etc/pki/CA/cacert.pem present\n"
	  "tls.file=/etc/pki/libvirt/clientcert.pem absent\n"
	  "tls.file=/etc/pki/libvirt/private/clientkey.pem present\n",
	  "[libvirtd]\nlisten_tls = yes\n",
	  "failed libvirtd.tls_client line 2: nova-compute connects to the destination's libvirt "
	  "over tls (/etc/nova/nova.conf:12 sets [libvirt] live_migration_scheme = 'tls'), as this "
	  "host's client: /etc/pki/libvirt/clientcert.pem is missing (migready does not manage "
	  "certificates)\n" },

	/* libvirtd --config FILE reads FILE, not libvirtd.conf */
	{ "legacy: --config in the options file fails every key written",
	  LEGACY_DEBIAN10("LIBVIRTD_ARGS")
	  "libvirtd.args_value=LIBVIRTD_ARGS /etc/default/libvirtd --config=/etc/libvirt/site.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\nlistener = auto\n",
	  "failed libvirtd.listen_tcp line 2: libvirtd.service starts libvirtd with --config "
	  "/etc/libvirt/site.conf (LIBVIRTD_ARGS from /etc/default/libvirtd): libvirtd reads that "
	  "file, not /etc/libvirt/libvirtd.conf, where listen_tcp is written\n"
	  "failed libvirtd.auth_tcp line 3: libvirtd.service starts libvirtd with --config "
	  "/etc/libvirt/site.conf (LIBVIRTD_ARGS from /etc/default/libvirtd): libvirtd reads that "
	  "file, not /etc/libvirt/libvirtd.conf, where auth_tcp is written\n" },
	{ "socket: -f in a drop-in's ExecStart fails auth_tcp, the key still read",
	  SOCKET_DEBIAN "service.libvirtd.service.exec=/lib/systemd/system/libvirtd.service "
	                "/usr/sbin/libvirtd $LIBVIRTD_ARGS\n"
	  "service.libvirtd.service.exec=/etc/systemd/system/libvirtd.service.d/o.conf \n"
	  "service.libvirtd.service.exec=/etc/systemd/system/libvirtd.service.d/o.conf "
	  "/usr/sbin/libvirtd -t 120 -f /srv/libvirtd.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.auth_tcp line 3: libvirtd.service starts libvirtd with --config "
	  "/srv/libvirtd.conf (ExecStart in /etc/systemd/system/libvirtd.service.d/o.conf): libvirtd "
	  "reads that file, not /etc/libvirt/libvirtd.conf, where auth_tcp is written\n" },
	{ "modular: virtproxyd given --config fails auth_tcp",
	  MODULAR_RHEL "virtproxyd.args=--timeout 120 --conf=/etc/libvirt/site-proxy.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.auth_tcp line 3: virtproxyd.service starts virtproxyd with --config "
	  "/etc/libvirt/site-proxy.conf (its ExecStart, with VIRTPROXYD_ARGS): virtproxyd reads that "
	  "file, not /etc/libvirt/virtproxyd.conf, where auth_tcp is written\n" },
	{ "modular: ... -f in a cluster", MODULAR_RHEL "virtproxyd.args=-vf /srv/p.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.auth_tcp line 3: virtproxyd.service starts virtproxyd with --config "
	  "/srv/p.conf (its ExecStart, with VIRTPROXYD_ARGS): virtproxyd reads that file, not "
	  "/etc/libvirt/virtproxyd.conf, where auth_tcp is written\n" },
	{ "modular: ... -f as another option's argument", MODULAR_RHEL "virtproxyd.args=-p -f\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	{ "modular: ... its options not known",
	  MODULAR_RHEL "virtproxyd.args=--timeout 120\nvirtproxyd.args_unknown=yes\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "unchecked libvirtd.virtproxyd_config the options virtproxyd.service starts virtproxyd "
	  "with\n" },
	{ "modular: ... naming virtproxyd.conf itself",
	  MODULAR_RHEL "virtproxyd.args=--config /etc/libvirt/virtproxyd.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	/* virtproxyd has no --listen: it would not start (found by a review) */
	{ "modular: virtproxyd given --listen", MODULAR_RHEL "virtproxyd.args=--timeout 120 -l\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.listen_flag line 2: virtproxyd.service starts virtproxyd with '--timeout "
	  "120 -l': virtproxyd has no --listen, refuses it and does not start; remove it from "
	  "VIRTPROXYD_ARGS\n" },
	{ "modular: ... -l as another option's argument", MODULAR_RHEL "virtproxyd.args=-p -l\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	/* an argv the daemon's option parsing refuses: it exits, in every
	 * world, whatever listens (found by a review) */
#define ARGS_DEB(V)                                                                         \
	"service.libvirtd.service.exec=/lib/systemd/system/libvirtd.service "                  \
	"/usr/sbin/libvirtd $LIBVIRTD_ARGS\nlibvirtd.args_var=LIBVIRTD_ARGS\n"                 \
	"libvirtd.envfile=/etc/default/libvirtd\n"                                             \
	"libvirtd.args_value=LIBVIRTD_ARGS /etc/default/libvirtd " V "\n"
	{ "socket: text after the closing quote gives libvirtd a non-option word",
	  SOCKET_DEBIAN ARGS_DEB("--timeout 120# keep")
	  "libvirtd.args_trailer=LIBVIRTD_ARGS /etc/default/libvirtd\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: libvirtd.service would start libvirtd with '--timeout "
	  "120# keep' (LIBVIRTD_ARGS from /etc/default/libvirtd, text after its closing quote part "
	  "of the value to systemd): 'keep' is no option (libvirtd: \"unexpected, non-option, "
	  "command line arguments\"), and libvirtd exits at once\n" },
	{ "socket: an option libvirtd does not know",
	  SOCKET_DEBIAN ARGS_DEB("--timeout 120 --foo"), "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener line 2: libvirtd.service would start libvirtd with '--timeout "
	  "120 --foo' (LIBVIRTD_ARGS from /etc/default/libvirtd): libvirtd has no option '--foo', "
	  "and libvirtd exits at once\n" },
	{ "socket: a --timeout libvirt cannot read", SOCKET_DEBIAN ARGS_DEB("-t two"),
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener line 2: libvirtd.service would start libvirtd with '-t two' "
	  "(LIBVIRTD_ARGS from /etc/default/libvirtd): --timeout takes a number of seconds, not "
	  "'two' (libvirtd: \"Invalid value for timeout\"), and libvirtd exits at once\n" },
	/* virStrToLong_i with an end pointer: 2m is 2 seconds */
	{ "socket: --timeout=2m, read as 2", SOCKET_DEBIAN ARGS_DEB("--timeout=2m -v"),
	  "[libvirtd]\nlisten_tcp = yes\n", "" },
	{ "socket: a drop-in's ExecStart ends wanting --timeout's argument",
	  SOCKET_DEBIAN "service.libvirtd.service.exec=/etc/systemd/system/libvirtd.service.d/o.conf "
	  "/usr/sbin/libvirtd --timeout\n",
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener line 2: libvirtd.service would start libvirtd with '--timeout' "
	  "(ExecStart in /etc/systemd/system/libvirtd.service.d/o.conf): '--timeout' wants an "
	  "argument, and none follows, and libvirtd exits at once\n" },
	{ "socket: the options libvirtd.service gives, all known",
	  SOCKET_DEBIAN ARGS_DEB("--time 120 -vp /run/l.pid -- "), "[libvirtd]\nlisten_tcp = yes\n",
	  "" },
	{ "legacy: the same rules", LEGACY_DEBIAN10("libvirtd_opts")
	  "service.libvirtd.service.exec=/lib/systemd/system/libvirtd.service "
	  "/usr/sbin/libvirtd $libvirtd_opts\nlibvirtd.envfile=/etc/default/libvirtd\n"
	  "libvirtd.args_value=libvirtd_opts /etc/default/libvirtd -d keep\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\n",
	  "failed libvirtd.listener line 2: libvirtd.service would start libvirtd with '-d keep' "
	  "(libvirtd_opts from /etc/default/libvirtd): 'keep' is no option (libvirtd: \"unexpected, "
	  "non-option, command line arguments\"), and libvirtd exits at once\n" },
	{ "modular: text after the closing quote of VIRTPROXYD_ARGS",
	  MODULAR_RHEL "virtproxyd.args=--timeout 120# keep\n", "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener line 2: virtproxyd.service would start virtproxyd with "
	  "'--timeout 120# keep' (its ExecStart, with VIRTPROXYD_ARGS): 'keep' is no option "
	  "(virtproxyd: \"unexpected, non-option, command line arguments\"), and virtproxyd exits "
	  "at once\n" },
	{ "modular: an option virtproxyd does not know", MODULAR_RHEL "virtproxyd.args=-t 120 -x\n",
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.listener line 2: virtproxyd.service would start virtproxyd with '-t 120 "
	  "-x' (its ExecStart, with VIRTPROXYD_ARGS): virtproxyd has no option '-x', and virtproxyd "
	  "exits at once\n" },
#undef ARGS_DEB
	{ "--config naming libvirtd.conf itself", LEGACY_DEBIAN10("libvirtd_opts")
	  "libvirtd.args_value=libvirtd_opts /etc/default/libvirtd -d -f /etc/libvirt/libvirtd.conf\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	{ "-f as another option's argument", LEGACY_DEBIAN10("libvirtd_opts")
	  "libvirtd.args_value=libvirtd_opts /etc/default/libvirtd --pid-file -f\n",
	  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
};

/* The failed and unchecked items of the plan of profile on the facts
 * whose setting starts with prefix, one per line ("failed SETTING line
 * N: MESSAGE", "unchecked SETTING ORIGIN"), then with passes its
 * cross-checks passed ("passed SETTING: VALUE: NOTE"), the profile's
 * temporary name as PROFILE. */
static char *items_in_fleet(const char *facts, const char *profile,
                            const struct mr_fleet_facts *fleet, const char *prefix, int passes)
{
	struct mr_profile *p = mr_test_profile(profile);
	struct mr_facts *f = facts_of(facts);
	struct mr_plan *plan = mr_plan_new(f);
	struct mr_error *err = NULL;
	struct mr_res_ctx ctx = { .profile = p, .fleet = fleet };
	assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
	struct mr_buf b;
	mr_buf_init(&b);
	size_t pn = strlen(prefix);
	for (size_t k = 0; k < mr_plan_failed_count(plan); k++)
		if (!strncmp(mr_plan_failed_setting(plan, k), prefix, pn))
			mr_buf_printf(&b, "failed %s line %s: %s\n", mr_plan_failed_setting(plan, k),
			              line_of(mr_plan_failed_origin(plan, k)), mr_plan_failed_message(plan, k));
	for (size_t k = 0; k < mr_plan_unchecked_count(plan); k++)
		if (!strncmp(mr_plan_unchecked_setting(plan, k), prefix, pn) &&
		    !is_said_apart(mr_plan_unchecked_setting(plan, k), prefix))
			mr_buf_printf(&b, "unchecked %s %s\n", mr_plan_unchecked_setting(plan, k),
			              mr_plan_unchecked_origin(plan, k));
	for (size_t k = 0; passes && k < mr_plan_observed_count(plan); k++)
		if (!strncmp(mr_plan_observed_setting(plan, k), prefix, pn) &&
		    mr_plan_observed_note(plan, k))
			mr_buf_printf(&b, "passed %s: %s: %s\n", mr_plan_observed_setting(plan, k),
			              mr_plan_observed_old(plan, k), mr_plan_observed_note(plan, k));
	char *got = mr_buf_steal(&b, NULL);
	for (char *t; (t = strstr(got, "/tmp/mr-profile-"));) {
		size_t n = strcspn(t, ":");
		memcpy(t, "PROFILE", 7);
		memmove(t + 7, t + n, strlen(t + n) + 1);
	}
	mr_plan_free(plan);
	mr_facts_free(f);
	mr_profile_free(p);
	return got;
}

static char *items_of(const char *facts, const char *profile, const char *prefix, int passes)
{
	return items_in_fleet(facts, profile, NULL, prefix, passes);
}

/* firewalld's zone bindings: the running firewalld's, or where it does
 * not run its zone files' (the probe's); what neither tells (a source
 * that is no address, an interface NetworkManager binds, a file that
 * cannot be read) is not checked, never green. */
#define FWD_TREE "probe=1\nmode=tree\nfw.firewalld.zone=public\n"
#define FWD_LIVE                                                                               \
	"probe=1\nmode=live\ninit=systemd\nunit.firewalld.service=enabled active\n"             \
	"fw.firewalld.zone=public\nfw.firewalld.live=ok\nfw.firewalld.accept=public 16509/tcp\n"
#define FWD_PROFILE "[firewall]\nbackend = firewalld\nallow = 16509/tcp\nsource = 10.20.0.0/24\n"
static const struct transport_case fwd_bind_cases[] = {
	{ "offline: another zone's source takes the peers", FWD_TREE
	  "fw.firewalld.bind=drop sources: 10.20.0.0/16\n",
	  FWD_PROFILE "zone = public\n",
	  "failed firewall.zone line 3: firewalld zone drop (sources: 10.20.0.0/16) binds source "
	  "10.20.0.0/16: connections from 10.20.0.0/24 reach that zone, not public, and its "
	  "rules\n" },
	/* a zone whose target is ACCEPT accepts the peers' connections it
	 * takes; another zone's target says nothing of the one binding them */
	{ "offline: another zone's source takes the peers, and accepts all", FWD_TREE
	  "fw.firewalld.bind=trusted sources: 10.20.0.0/16\nfw.firewalld.target=trusted ACCEPT\n",
	  FWD_PROFILE "zone = public\n", "" },
	{ "offline: ... another zone accepting all does not count", FWD_TREE
	  "fw.firewalld.bind=drop sources: 10.20.0.0/16\nfw.firewalld.target=trusted ACCEPT\n",
	  FWD_PROFILE "zone = public\n",
	  "failed firewall.zone line 3: firewalld zone drop (sources: 10.20.0.0/16) binds source "
	  "10.20.0.0/16: connections from 10.20.0.0/24 reach that zone, not public, and its "
	  "rules\n" },
	{ "offline: ... one of another network does not", FWD_TREE
	  "fw.firewalld.bind=drop sources: 10.30.0.0/16\n",
	  FWD_PROFILE "zone = public\n", "" },
	{ "offline, the default zone: interfaces NetworkManager binds not known", FWD_TREE,
	  FWD_PROFILE,
	  "unchecked firewall.zone interfaces bound outside the zone files (NetworkManager, ifcfg "
	  "ZONE=), read from the running firewalld only\n" },
	{ "offline: a zone file that cannot be read", FWD_TREE
	  "fw.firewalld.unread=/etc/firewalld/zones/drop.xml\n",
	  FWD_PROFILE "zone = public\n",
	  "unchecked firewall.zone the bindings of /etc/firewalld/zones/drop.xml, which cannot be "
	  "read\n" },
	{ "offline: the zone bound to other sources only", FWD_TREE
	  "fw.firewalld.bind=trusted sources: 10.30.0.0/24\n",
	  FWD_PROFILE "zone = trusted\n",
	  "unchecked firewall.zone firewalld zone trusted, bound to the sources 10.30.0.0/24 only: "
	  "whether connections from 10.20.0.0/24 reach it (interfaces bound outside the zone files "
	  "(NetworkManager, ifcfg ZONE=), read from the running firewalld only)\n" },
	{ "live: an ipset and a MAC address as another zone's sources", FWD_LIVE
	  "fw.firewalld.bind=block sources: ipset:blocklist 00:11:22:33:44:55 10.30.0.0/16\n",
	  FWD_PROFILE "zone = public\n",
	  "unchecked firewall.zone firewalld zone block (sources: ipset:blocklist 00:11:22:33:44:55 "
	  "10.30.0.0/16): whether source ipset:blocklist (no address) holds 10.20.0.0/24\n"
	  "unchecked firewall.zone firewalld zone block (sources: ipset:blocklist 00:11:22:33:44:55 "
	  "10.30.0.0/16): whether source 00:11:22:33:44:55 (no address) holds 10.20.0.0/24\n" },
	{ "live: the zone bound to an ipset only", FWD_LIVE
	  "fw.firewalld.bind=trusted sources: ipset:peers\nfw.firewalld.accept=trusted 16509/tcp\n",
	  FWD_PROFILE "zone = trusted\n",
	  "unchecked firewall.zone firewalld zone trusted, bound to the sources ipset:peers only: "
	  "whether connections from 10.20.0.0/24 reach it (a source is no address)\n" },
};

static void test_firewalld_bindings(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(fwd_bind_cases); i++) {
		const struct transport_case *c = &fwd_bind_cases[i];
		char *got = items_of(c->facts, c->profile, "firewall.zone", 0);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: items\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
	}
}

static void test_nova_transport(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(transport_cases); i++) {
		const struct transport_case *c = &transport_cases[i];
		char *got = items_of(c->facts, c->profile, "libvirtd.", 0);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: failures\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
	}
}

/* virconf's types as libvirt reads them: booleans bare 0 or 1, unsigned
 * integers bare digits, strings quoted; anything else is refused. */
static void test_conf_refused(void **state)
{
	(void)state;
	static const struct {
		enum mr_conf_type type;
		const char *value;
		int refused;
	} values[] = {
		{ MR_CONF_BOOL, "0", 0 },       { MR_CONF_BOOL, "1", 0 },
		{ MR_CONF_BOOL, "+1", 0 },      { MR_CONF_BOOL, "-0", 0 },
		{ MR_CONF_BOOL, "2", 1 },       { MR_CONF_BOOL, "-1", 1 },
		{ MR_CONF_BOOL, "\"1\"", 1 },   { MR_CONF_BOOL, "yes", 1 },
		{ MR_CONF_BOOL, "[ 1 ]", 1 },   { MR_CONF_BOOL, "", 1 },
		{ MR_CONF_INT, "49152", 0 },    { MR_CONF_INT, "4294967295", 0 },
		{ MR_CONF_INT, "4294967296", 1 }, { MR_CONF_INT, "\"49152\"", 1 },
		{ MR_CONF_INT, "'49152'", 1 },  { MR_CONF_INT, "-1", 1 },
		{ MR_CONF_INT, "0x10", 1 },     { MR_CONF_INT, "99999999999999999999999", 1 },
		{ MR_CONF_STRING, "\"16509\"", 0 }, { MR_CONF_STRING, "'sasl'", 0 },
		{ MR_CONF_STRING, "\"\"", 0 },  { MR_CONF_STRING, "16509", 1 },
		{ MR_CONF_STRING, "sasl", 1 },  { MR_CONF_STRING, "\"sasl", 1 },
		{ MR_CONF_STRING, "[ \"sasl\" ]", 1 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(values); i++) {
		const char *why = mr_res_conf_refused(values[i].type, values[i].value);
		if (!why != !values[i].refused)
			fail_msg("case %zu (%s): %s", i, values[i].value, why ? why : "read");
	}
}

/* The daemon's conf file as the host has it, in every world: a value
 * libvirtd (virtproxyd) or the QEMU driver refuses fails its item with
 * the file, line, key and value, unless the plan writes that key anew;
 * auth_tcp other than none or sasl fails (the profile silent on it). */
#define LINE(D, K, N) D ".line." K "=" #N "\n"
static const struct transport_case host_conf_cases[] = {
	{ "socket: listen_tcp quoted", SOCKET_DEBIAN "libvirtd.listen_tcp=\"1\"\n"
	  LINE("libvirtd", "listen_tcp", 7), "[libvirtd]\nlisten_tls = yes\n",
	  "failed libvirtd.listen_tcp line 2: /etc/libvirt/libvirtd.conf:7 sets listen_tcp = \"1\", "
	  "not a bare 0 or 1, the only booleans libvirt reads: libvirtd refuses its configuration "
	  "and does not start\n" },
	{ "socket: ... set by the profile too: the sockets take it, the file stays",
	  SOCKET_DEBIAN "libvirtd.listen_tcp=\"1\"\n" LINE("libvirtd", "listen_tcp", 7),
	  "[libvirtd]\nauth_tcp = none\nlisten_tcp = yes\n",
	  "failed libvirtd.listen_tcp line 3: /etc/libvirt/libvirtd.conf:7 sets listen_tcp = \"1\", "
	  "not a bare 0 or 1, the only booleans libvirt reads: libvirtd refuses its configuration "
	  "and does not start\n" },
	{ "socket: listen_tls 2", SOCKET_DEBIAN "libvirtd.listen_tls=2\n"
	  LINE("libvirtd", "listen_tls", 9), "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.listen_tls line 3: /etc/libvirt/libvirtd.conf:9 sets listen_tls = 2, "
	  "not a bare 0 or 1, the only booleans libvirt reads: libvirtd refuses its configuration "
	  "and does not start\n" },
	{ "socket: tcp_port a bare number", SOCKET_DEBIAN "libvirtd.tcp_port=16509\n"
	  LINE("libvirtd", "tcp_port", 12), "[libvirtd]\nauth_tcp = none\n",
	  "failed libvirtd.tcp_port line 2: /etc/libvirt/libvirtd.conf:12 sets tcp_port = 16509, "
	  "not a quoted string, the only strings libvirt reads: libvirtd refuses its configuration "
	  "and does not start\n" },
	{ "socket: the values libvirtd reads", SOCKET_DEBIAN "libvirtd.listen_tcp=1\n"
	  "libvirtd.listen_tls=0\nlibvirtd.tcp_port=\"16600\"\nlibvirtd.tls_port='16514'\n"
	  "libvirtd.auth_tcp=\"none\"\n",
	  "[libvirtd]\nlisten_tcp = yes\n", "" },
	{ "modular: virtproxyd.conf's tls_port a bare number", MODULAR_RHEL
	  "virtproxyd.tls_port=16514\n" LINE("virtproxyd", "tls_port", 4)
	  "libvirtd.tls_port=16514\n",
	  "[libvirtd]\nlisten_tls = yes\n",
	  "failed libvirtd.tls_port line 2: /etc/libvirt/virtproxyd.conf:4 sets tls_port = 16514, "
	  "not a quoted string, the only strings libvirt reads: virtproxyd refuses its "
	  "configuration and does not start\n" },
	{ "legacy: the profile's tcp_port replaces the host's", LEGACY_DEBIAN
	  "libvirtd.tcp_port=16509\nlibvirtd.listen_tls=\"0\"\n" LINE("libvirtd", "listen_tls", 3),
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\ntcp_port = 16509\n",
	  "" },
	/* auth_tcp: libvirt takes none, sasl and polkit, in lower case */
	{ "socket: auth_tcp in upper case", SOCKET_DEBIAN "libvirtd.auth_tcp=\"SASL\"\n"
	  LINE("libvirtd", "auth_tcp", 20), "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.auth_tcp line 2: /etc/libvirt/libvirtd.conf:20 sets auth_tcp = \"SASL\", "
	  "which libvirt does not know (only none, sasl or polkit, in lower case): libvirtd "
	  "refuses its configuration and does not start\n" },
	{ "socket: auth_tcp tls", SOCKET_DEBIAN "libvirtd.auth_tcp='tls'\n"
	  LINE("libvirtd", "auth_tcp", 20), "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.auth_tcp line 2: /etc/libvirt/libvirtd.conf:20 sets auth_tcp = 'tls', "
	  "which libvirt does not know (only none, sasl or polkit, in lower case): libvirtd "
	  "refuses its configuration and does not start\n" },
	{ "socket: auth_tcp polkit", SOCKET_DEBIAN NOVA_DEB "libvirtd.auth_tcp=\"polkit\"\n"
	  LINE("libvirtd", "auth_tcp", 20), "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.auth_tcp line 2: /etc/libvirt/libvirtd.conf:20 sets auth_tcp = "
	  "\"polkit\": polkit cannot identify a client over TCP, so every TCP login, a live "
	  "migration's included, fails to authenticate; set auth_tcp = none or sasl\n" },
	{ "modular: virtproxyd.conf's auth_tcp polkit", MODULAR_RHEL
	  "virtproxyd.auth_tcp=\"polkit\"\n" LINE("virtproxyd", "auth_tcp", 5)
	  "libvirtd.auth_tcp=\"none\"\n",
	  "[libvirtd]\nlisten_tcp = yes\n",
	  "failed libvirtd.auth_tcp line 2: /etc/libvirt/virtproxyd.conf:5 sets auth_tcp = "
	  "\"polkit\": polkit cannot identify a client over TCP, so every TCP login, a live "
	  "migration's included, fails to authenticate; set auth_tcp = none or sasl\n" },
	{ "legacy: auth_tcp bare: its type fails, once", LEGACY_DEBIAN "libvirtd.auth_tcp=sasl\n",
	  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n",
	  "failed libvirtd.auth_tcp line 2: /etc/libvirt/libvirtd.conf sets auth_tcp = sasl, not a "
	  "quoted string, the only strings libvirt reads: libvirtd refuses its configuration and "
	  "does not start\n" },
	{ "socket: the profile's auth_tcp replaces the host's", SOCKET_DEBIAN
	  "libvirtd.auth_tcp=\"polkit\"\n", "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "" },
	/* qemu.conf: the QEMU driver reads the ports as unsigned integers */
	{ "qemu: migration_port_min quoted, the profile silent on it", SOCKET_DEBIAN
	  "qemu.migration_port_min=\"49152\"\n" LINE("qemu", "migration_port_min", 30),
	  "[qemu]\ndynamic_ownership = no\n",
	  "failed qemu.migration_port_min line 1: /etc/libvirt/qemu.conf:30 sets migration_port_min "
	  "= \"49152\", not a bare number from 0 to 4294967295, the only unsigned integers libvirt "
	  "reads: libvirt refuses qemu.conf, and its QEMU driver does not load\n" },
	{ "qemu: migration_port_max a name", SOCKET_DEBIAN
	  "qemu.migration_port_max=high\n" LINE("qemu", "migration_port_max", 31),
	  "[qemu]\ndynamic_ownership = no\n",
	  "failed qemu.migration_port_max line 1: /etc/libvirt/qemu.conf:31 sets migration_port_max "
	  "= high, not a bare number from 0 to 4294967295, the only unsigned integers libvirt "
	  "reads: libvirt refuses qemu.conf, and its QEMU driver does not load\n" },
	{ "qemu: ... the profile's replaces it", SOCKET_DEBIAN
	  "qemu.migration_port_min=\"49152\"\nqemu.migration_port_max=49215\n",
	  "[qemu]\nmigration_port_min = 49152\n", "" },
};

static void test_host_conf(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(host_conf_cases); i++) {
		const struct transport_case *c = &host_conf_cases[i];
		const char *prefix = !strncmp(c->profile, "[qemu]", 6) ? "qemu." : "libvirtd.";
		char *got = items_of(c->facts, c->profile, prefix, 0);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: failures\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
	}
}

/* QEMU opens /dev/kvm as qemu.conf's user, with its primary group, the
 * groups listing it and qemu.conf's group (found by a review: user =
 * nova, group = nova on Debian 12's 0660 root:kvm was green). */
static void test_kvm_access(void **state)
{
	(void)state;
#define KVM_IDS                                                                          \
	"ids.passwd=read\nids.group=read\nuser.nova=64060:64060:/var/lib/nova:/bin/sh\n" \
	"group.nova=64060\ngroup.kvm=103\n"
	static const struct {
		const char *name, *facts, *profile, *want;
	} kvm_cases[] = {
		{ "live 0660 root:kvm, nova:nova", SOCKET_DEBIAN KVM_IDS "kvm.dev=660 103\n",
		  "[qemu]\nuser = nova\ngroup = nova\n",
		  "failed qemu.user line 2: QEMU would run as nova:nova, who is not in group kvm, and "
		  "/dev/kvm is 0660 root:kvm on this host: QEMU cannot open it, so no guest starts "
		  "here nor arrives by migration; not written (add nova to group kvm, or set [qemu] "
		  "group = kvm)\n" },
		{ "... the user alone (qemu.conf's group is the host's): not known",
		  SOCKET_DEBIAN KVM_IDS "kvm.dev=660 103\n", "[qemu]\nuser = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: whether QEMU's user is in its group (the "
		  "accounts, qemu.conf's group or the device's group are not all known)\n" },
		{ "... group = kvm", SOCKET_DEBIAN KVM_IDS "kvm.dev=660 103\n",
		  "[qemu]\nuser = nova\ngroup = kvm\n", "" },
		{ "... nova listed in kvm", SOCKET_DEBIAN KVM_IDS "group.kvm.members=libvirt-qemu,nova\n"
		  "kvm.dev=660 103\n", "[qemu]\nuser = nova\ngroup = nova\n", "" },
		{ "... a name that only starts so", SOCKET_DEBIAN KVM_IDS
		  "group.kvm.members=novax,xnova\nkvm.dev=660 103\n",
		  "[qemu]\nuser = nova\ngroup = nova\n",
		  "failed qemu.user line 2: QEMU would run as nova:nova, who is not in group kvm, and "
		  "/dev/kvm is 0660 root:kvm on this host: QEMU cannot open it, so no guest starts "
		  "here nor arrives by migration; not written (add nova to group kvm, or set [qemu] "
		  "group = kvm)\n" },
		{ "... kvm its primary group", SOCKET_DEBIAN "ids.passwd=read\nids.group=read\n"
		  "user.nova=64060:103:/var/lib/nova:/bin/sh\ngroup.nova=64060\ngroup.kvm=103\n"
		  "kvm.dev=660 103\n", "[qemu]\nuser = nova\ngroup = nova\n", "" },
		/* owned by the user: its owner bits (found by a review) */
		{ "... owned by nova", SOCKET_DEBIAN KVM_IDS "kvm.dev=600 0 64060\n",
		  "[qemu]\nuser = nova\ngroup = nova\n", "" },
		{ "... owned by another", SOCKET_DEBIAN KVM_IDS "kvm.dev=660 103 107\n",
		  "[qemu]\nuser = nova\ngroup = nova\n",
		  "failed qemu.user line 2: QEMU would run as nova:nova, who is not in group kvm, and "
		  "/dev/kvm is 0660 uid 107:kvm on this host: QEMU cannot open it, so no guest starts "
		  "here nor arrives by migration; not written (add nova to group kvm, or set [qemu] "
		  "group = kvm)\n" },
		/* another group's members are not read: said so, not failed */
		{ "a tree's rules: another group", "probe=1\nmode=root\n" KVM_IDS
		  "group.libvirt-qemu=64055\nkvm.rules=0660 libvirt-qemu\n",
		  "[qemu]\nuser = nova\ngroup = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: whether QEMU's user is in its group "
		  "libvirt-qemu, whose members the probe does not read\n" },
		{ "0666: anyone", SOCKET_DEBIAN KVM_IDS "kvm.dev=666 103\n",
		  "[qemu]\nuser = nova\ngroup = nova\n", "" },
		{ "root", SOCKET_DEBIAN KVM_IDS "kvm.dev=600 0\n", "[qemu]\nuser = root\n", "" },
		{ "no /dev/kvm", SOCKET_DEBIAN KVM_IDS "kvm.dev=absent\n",
		  "[qemu]\nuser = nova\ngroup = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: this host has none (KVM not loaded?), so "
		  "whether QEMU's user opens it is not examined\n" },
		{ "the device not read", SOCKET_DEBIAN KVM_IDS, "[qemu]\nuser = nova\ngroup = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: its mode and group (not read)\n" },
		{ "the accounts not whole (sssd)", SOCKET_DEBIAN
		  "user.nova=64060:64060:/var/lib/nova:/bin/sh\ngroup.nova=64060\ngroup.kvm=103\n"
		  "kvm.dev=660 103\n", "[qemu]\nuser = nova\ngroup = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: whether QEMU's user is in its group (the "
		  "accounts, qemu.conf's group or the device's group are not all known)\n" },
		{ "a tree's udev rules, no mode: 0660", "probe=1\nmode=root\n" KVM_IDS
		  "kvm.rules=- kvm\n", "[qemu]\nuser = nova\ngroup = nova\n",
		  "failed qemu.user line 2: QEMU would run as nova:nova, who is not in group kvm, and "
		  "/dev/kvm is 0660 root:kvm on this host: QEMU cannot open it, so no guest starts "
		  "here nor arrives by migration; not written (add nova to group kvm, or set [qemu] "
		  "group = kvm)\n" },
		{ "... 0666", "probe=1\nmode=root\n" KVM_IDS "kvm.rules=0666 kvm\n",
		  "[qemu]\nuser = nova\ngroup = nova\n", "" },
		{ "... 0666 and no group", "probe=1\nmode=root\n" KVM_IDS "kvm.rules=0666 -\n",
		  "[qemu]\nuser = nova\ngroup = nova\n", "" },
		{ "... 0660 and no group: not known", "probe=1\nmode=root\n" KVM_IDS
		  "kvm.rules=0660 -\n", "[qemu]\nuser = nova\ngroup = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: the mode and group this image's udev rules give "
		  "it (none found)\n" },
		{ "... a rule that may or may not apply: not known (found by a review: was 0 root:FILE)",
		  "probe=1\nmode=root\n" KVM_IDS "kvm.rules=? 99-kvm.rules\n",
		  "[qemu]\nuser = nova\ngroup = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: the mode and group this image's udev rules give "
		  "it (99-kvm.rules has a rule for it that may or may not apply, or one not read)\n" },
		{ "... no rules", "probe=1\nmode=root\n" KVM_IDS, "[qemu]\nuser = nova\ngroup = nova\n",
		  "unchecked qemu.kvm_access /dev/kvm: the mode and group this image's udev rules give "
		  "it (none found)\n" },
	};
#undef KVM_IDS
	for (size_t i = 0; i < MR_ARRAY_LEN(kvm_cases); i++) {
		char *got = items_of(kvm_cases[i].facts, kvm_cases[i].profile, "qemu.", 0);
		if (strcmp(got, kvm_cases[i].want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", kvm_cases[i].name, got, kvm_cases[i].want);
		free(got);
	}
}

/* A sysctl file is the kernel's at boot only: its running values are
 * said to be unexamined (found by a review: written and green, while the
 * running kernel kept its old value); another lens says nothing more. */
static void test_file_sysctl(void **state)
{
	(void)state;
	char *got = items_of(SOCKET_DEBIAN,
	                     "[file /etc/sysctl.d/90-m.conf]\nlens = Sysctl\n"
	                     "set = net.ipv4.tcp_keepalive_time 600\n"
	                     "[file /etc/default/x]\nlens = Shellvars\nset = A 1\n",
	                     "file.", 0);
	assert_string_equal(got, "unchecked file.sysctl_running /etc/sysctl.d/90-m.conf: the running "
	                         "kernel's values (it reads the file at boot, or at sysctl "
	                         "--system)\n");
	free(got);
}

/* The cross-checks that pass say so (-v, JSON), and only when they ran:
 * the TLS files the probe found, an unknown one not examined. */
static void test_passes(void **state)
{
	(void)state;
	static const struct {
		const char *name, *facts, *profile, *prefix, *want;
	} pass_cases[] = {
		{ "the server's TLS files there", SOCKET_DEBIAN, "[libvirtd]\nlisten_tls = yes\n",
		  "libvirtd.listener_tls",
		  "passed libvirtd.listener_tls: the server's TLS files: /etc/pki/CA/cacert.pem, "
		  "/etc/pki/libvirt/servercert.pem, /etc/pki/libvirt/private/serverkey.pem are on the "
		  "host\n" },
		{ "... their contents not examined, and said", SOCKET_DEBIAN,
		  "[libvirtd]\nlisten_tls = yes\n", "libvirtd.tls_contents",
		  "unchecked libvirtd.tls_contents /etc/pki/CA/cacert.pem, "
		  "/etc/pki/libvirt/servercert.pem, /etc/pki/libvirt/private/serverkey.pem: whether "
		  "libvirt loads them (certificates, their key pair, CA chain, expiry, the peers' "
		  "names)\n" },
		{ "... one missing: failed, no pass",
		  SOCKET_DEBIAN "tls.file=/etc/pki/libvirt/servercert.pem absent\n",
		  "[libvirtd]\nlisten_tls = yes\n", "libvirtd.listener_tls",
		  "failed libvirtd.listener_tls line 2: libvirt's daemon would not start to answer on its "
		  "TLS port: /etc/pki/libvirt/servercert.pem is missing (migready does not manage "
		  "certificates); apply does not turn that listener on "
		  "until they are there\n" },
		{ "... the probe silent on them: not examined",
		  "probe=1\nmode=live\ninit=systemd\nos.id=debian\n"
		  "unit.libvirtd.service=enabled active\nunit.libvirtd.socket=enabled active\n"
		  "unit.libvirtd-tls.socket=disabled inactive\nunit.virtproxyd.service=absent\n"
		  "unit.virtproxyd.socket=absent\n",
		  "[libvirtd]\nlisten_tls = yes\n", "libvirtd.tls",
		  "unchecked libvirtd.tls_files /etc/pki/CA/cacert.pem\n"
		  "unchecked libvirtd.tls_files /etc/pki/libvirt/servercert.pem\n"
		  "unchecked libvirtd.tls_files /etc/pki/libvirt/private/serverkey.pem\n" },
		{ "legacy: listen_addr where the peers connect",
		  LEGACY_DEBIAN NOVA_DEB INBOUND_SELF("[fd00::0:5]") "libvirtd.listen_addr=\"fd00::5\"\n",
		  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "libvirtd.listen_addr",
		  "passed libvirtd.listen_addr: \"fd00::5\": nova's peers connect to this host at "
		  "[fd00::0:5] (/etc/nova/nova.conf:20 sets [libvirt] live_migration_inbound_addr = "
		  "'[fd00::0:5]'), where libvirtd listens\n" },
		{ "... another address: failed, no pass",
		  LEGACY_DEBIAN NOVA_DEB INBOUND_SELF("10.0.1.5") "libvirtd.listen_addr=\"10.0.0.5\"\n",
		  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "libvirtd.listen_addr",
		  "failed libvirtd.listen_addr line 2: /etc/libvirt/libvirtd.conf sets listen_addr = "
		  "\"10.0.0.5\": libvirtd listens there only, but nova's peers connect to this host at "
		  "10.0.1.5 (/etc/nova/nova.conf:20 sets [libvirt] live_migration_inbound_addr = "
		  "'10.0.1.5'): live migration to this host cannot connect\n" },
		{ "legacy: listen_addr the peers' name, which resolves here to the loopback: failed only",
		  LEGACY_DEBIAN NOVA_DEB INBOUND_SELF("compute1") "libvirtd.listen_addr=\"compute1\"\n"
		  "libvirtd.listen_addr_ip=127.0.1.1\n",
		  "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n", "libvirtd.listen_addr",
		  "failed libvirtd.listen_addr line 2: /etc/libvirt/libvirtd.conf sets listen_addr = "
		  "\"compute1\", which this host resolves to 127.0.1.1 (its /etc/hosts or DNS): libvirtd "
		  "would listen on the loopback only, and other hosts cannot connect\n" },
		{ "the one firewall switched on",
		  "probe=1\nmode=tree\ninit=systemd-offline\nunit.ufw.service=enabled unknown\n"
		  "fw.ufw.enabled=yes\nfile./etc/ufw/user.rules=present\n",
		  "[firewall]\nallow = 16509/tcp\n", "firewall.backend",
		  "passed firewall.backend: ufw: the one firewall this host switches on\n" },
		{ "the backend set, another switched on beside it: failed, no pass",
		  "probe=1\nmode=tree\ninit=systemd-offline\nunit.ufw.service=enabled unknown\n"
		  "fw.ufw.enabled=yes\nunit.nftables.service=enabled unknown\n"
		  "file./etc/nftables.conf=present\n",
		  "[firewall]\nbackend = ufw\nallow = 16509/tcp\n", "firewall.backend",
		  "failed firewall.backend line 2: backend = ufw, but this host also switches on "
		  "nftables, whose rules filter the peers too and are not examined\n" },
		{ "the one detected, live, no systemd answering: not examined, no pass",
		  "probe=1\nmode=live\nfw.ufw.enabled=yes\n", "[firewall]\nallow = 16509/tcp\n",
		  "firewall.backend",
		  "unchecked firewall.backend_on the firewalls the host switches on\n" },
		{ "the backend set, live, no systemd answering: not examined",
		  "probe=1\nmode=live\n", "[firewall]\nbackend = ufw\nallow = 16509/tcp\n",
		  "firewall.backend",
		  "unchecked firewall.backend_on the firewalls the host switches on\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(pass_cases); i++) {
		char *got = items_of(pass_cases[i].facts, pass_cases[i].profile, pass_cases[i].prefix, 1);
		if (strcmp(got, pass_cases[i].want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", pass_cases[i].name, got, pass_cases[i].want);
		free(got);
	}
}

/* The plan of profile on facts, rendered: needle in it (present) or not. */
static void plan_has(const char *name, const char *facts, const char *profile,
                     const char *needle, int present)
{
	struct mr_profile *p = mr_test_profile(profile);
	struct mr_facts *f = facts_of(facts);
	struct mr_plan *plan = mr_plan_new(f);
	struct mr_error *err = NULL;
	struct mr_res_ctx ctx = { .profile = p };
	assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
	char *got = render(plan);
	if ((strstr(got, needle) != NULL) != present)
		fail_msg("%s: '%s' %s in\n%s", name, needle, present ? "missing" : "present", got);
	free(got);
	mr_plan_free(plan);
	mr_facts_free(f);
	mr_profile_free(p);
}

/* A TLS listener without the server's files would stop libvirt's daemon
 * from starting: apply does not turn it on (its failure says why). */
static void test_tls_held_back(void **state)
{
	(void)state;
	static const struct {
		const char *name, *facts, *profile, *needle;
		int present;
	} held[] = {
		{ "socket: the TLS socket turned on with its files", SOCKET_DEBIAN,
		  "[libvirtd]\nlisten_tls = yes\n", "unit libvirtd-tls.socket enable start", 1 },
		{ "... not without them", SOCKET_DEBIAN "tls.file=/etc/pki/libvirt/servercert.pem absent\n",
		  "[libvirtd]\nlisten_tls = yes\n", "libvirtd-tls.socket", 0 },
		{ "legacy: --listen added, the files there", LEGACY_DEBIAN, "[libvirtd]\nlisten_tcp = yes\n",
		  "add LIBVIRTD_ARGS --listen", 1 },
		{ "... not where TLS, on by libvirt's default, has no files",
		  LEGACY_DEBIAN "tls.file=/etc/pki/CA/cacert.pem absent\n",
		  "[libvirtd]\nlisten_tcp = yes\n", "LIBVIRTD_ARGS --listen", 0 },
		{ "... added where the profile turns TLS off",
		  LEGACY_DEBIAN "tls.file=/etc/pki/CA/cacert.pem absent\n",
		  "[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\n", "add LIBVIRTD_ARGS --listen", 1 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(held); i++)
		plan_has(held[i].name, held[i].facts, held[i].profile, held[i].needle,
		         held[i].present);
}

/* One end of QEMU's migration ports against the other in effect (the
 * host's, else libvirt's default): a range libvirt refuses is not
 * written (found by a review: the QEMU driver would not start). */
static void test_qemu_port_range(void **state)
{
	(void)state;
	static const struct {
		const char *name, *facts, *profile, *needle;
		int present;
	} ranges[] = {
		{ "max below libvirt's default min", SOCKET_DEBIAN, "[qemu]\nmigration_port_max = 49100\n",
		  "failed qemu.migration_port_max line 2: migration_port_max = 49100, and libvirt's "
		  "default migration_port_min = 49152: libvirt refuses a migration_port_max below "
		  "migration_port_min, and its QEMU driver would not start; not written",
		  1 },
		{ "... not written", SOCKET_DEBIAN, "[qemu]\nmigration_port_max = 49100\n",
		  "set migration_port_max", 0 },
		{ "max below the host's min", SOCKET_DEBIAN "qemu.migration_port_min=49300\n",
		  "[qemu]\nmigration_port_max = 49261\n",
		  "and /etc/libvirt/qemu.conf sets migration_port_min = 49300: libvirt refuses", 1 },
		{ "min above the host's max", SOCKET_DEBIAN "qemu.migration_port_max=49200\n",
		  "[qemu]\nmigration_port_min = 49300\ndynamic_ownership = 0\n",
		  "failed qemu.migration_port_min line 2", 1 },
		{ "... the other keys still written", SOCKET_DEBIAN "qemu.migration_port_max=49200\n",
		  "[qemu]\nmigration_port_min = 49300\ndynamic_ownership = 0\n",
		  "set dynamic_ownership 0", 1 },
		{ "a range that holds", SOCKET_DEBIAN "qemu.migration_port_min=49100\n",
		  "[qemu]\nmigration_port_max = 49120\n", "set migration_port_max 49120", 1 },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(ranges); i++)
		plan_has(ranges[i].name, ranges[i].facts, ranges[i].profile, ranges[i].needle,
		         ranges[i].present);
}

/* ---- sshd's own configuration and nova's key login ---- */

#define NOVA_ACCOUNT "probe=1\nmode=live\ninit=systemd\nos.id=debian\nsshd.main=read\n" \
	"user.nova=64060:64060:/var/lib/nova:/bin/sh\ngroup.nova=64060\ngroup.kvm=994\n"
#define SSHD(FILE, LINE, TEXT) "sshd.line=" FILE " " #LINE " " TEXT "\n"
#define MAIN "/etc/ssh/sshd_config"
#define GROUPS_READ "ids.group=read\nids.group_asked=wheel nova ssh kvm sftponly\n"
#define PASSED                                                                                \
	"passed ssh.sshd: takes the key: no line of /etc/ssh/sshd_config or its Includes refuses " \
	"nova's key login\n"

struct sshd_case {
	const char *name;
	const char *lines; /* sshd.line facts */
	const char *want;  /* ssh.sshd failures and ssh.sshd_* unchecked items */
};

static const struct sshd_case sshd_cases[] = {
	{ "Debian's: nothing", SSHD(MAIN, 12, "Include /etc/ssh/sshd_config.d/*.conf"), PASSED },
	{ "the first value wins",
	  SSHD(MAIN, 3, "PubkeyAuthentication yes") SSHD(MAIN, 9, "PubkeyAuthentication no"),
	  PASSED },
	{ "a key alone, among the alternatives",
	  SSHD(MAIN, 3, "AuthenticationMethods publickey,password publickey"), PASSED },
	{ "any method", SSHD(MAIN, 3, "AuthenticationMethods any"), PASSED },
	{ "two methods each time",
	  SSHD(MAIN, 3, "AuthenticationMethods publickey,keyboard-interactive password"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:3 sets AuthenticationMethods "
	  "publickey,keyboard-interactive password: a key alone does not log nova in, and nova's "
	  "commands cannot ask for more\n" },
	/* sshd takes no key twice in one login: two keys wanted, and the
	 * cluster has one (found by a review: green) */
	{ "two keys each time",
	  SSHD(MAIN, 3, "AuthenticationMethods publickey,publickey"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:3 sets AuthenticationMethods "
	  "publickey,publickey: a key alone does not log nova in, and nova's commands cannot ask "
	  "for more\n" },
	/* lines sshd refuses: it does not start with them */
	{ "an empty method", SSHD(MAIN, 3, "AuthenticationMethods publickey,"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:3 sets AuthenticationMethods publickey,: a "
	  "key alone does not log nova in, and nova's commands cannot ask for more\n" },
	{ "any among other lists", SSHD(MAIN, 3, "AuthenticationMethods password any"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:3 sets AuthenticationMethods password any: "
	  "a key alone does not log nova in, and nova's commands cannot ask for more\n" },
	{ "publickey with a submethod", SSHD(MAIN, 3, "AuthenticationMethods publickey:x"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:3 sets AuthenticationMethods publickey:x: a "
	  "key alone does not log nova in, and nova's commands cannot ask for more\n" },
	{ "the home's authorized_keys, spelt %h",
	  SSHD(MAIN, 4, "AuthorizedKeysFile /x %h/.ssh/authorized_keys"), PASSED },
	{ "... or relative",
	  SSHD(MAIN, 4, "AuthorizedKeysFile .ssh/authorized_keys2 .ssh/authorized_keys"), PASSED },
	{ "keys kept elsewhere", SSHD(MAIN, 4, "AuthorizedKeysFile /etc/ssh/keys/%u"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:4 sets AuthorizedKeysFile /etc/ssh/keys/%u: "
	  "sshd "
	  "does not read /var/lib/nova/.ssh/authorized_keys, where the cluster key is\n" },
	{ "no keys file", SSHD(MAIN, 4, "AuthorizedKeysFile none"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:4 sets AuthorizedKeysFile none: sshd does "
	  "not read "
	  "/var/lib/nova/.ssh/authorized_keys, where the cluster key is\n" },
	{ "AllowUsers adds up", SSHD(MAIN, 5, "AllowUsers root") SSHD(MAIN, 6, "AllowUsers no?a"), PASSED },
	{ "AllowUsers without nova", SSHD(MAIN, 5, "AllowUsers root admin"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets AllowUsers without nova: sshd "
	  "refuses nova\n" },
	{ "AllowUsers with nova from some hosts", SSHD(MAIN, 5, "AllowUsers root nova@10.0.0.*"),
	  "unchecked ssh.sshd_users /etc/ssh/sshd_config:5\n" },
	{ "DenyUsers by a pattern", SSHD(MAIN, 5, "DenyUsers n*"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets DenyUsers n*: sshd refuses nova\n" },
	/* the words as sshd reads them: quoted, a comment after, no
	 * brackets in its patterns (found by a review) */
	{ "DenyUsers quoted", SSHD(MAIN, 5, "DenyUsers \"nova\""),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets DenyUsers nova: sshd refuses nova\n" },
	{ "AllowUsers, nova only in a comment", SSHD(MAIN, 5, "AllowUsers admin # nova, gone"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets AllowUsers without nova: sshd "
	  "refuses nova\n" },
	{ "AllowUsers with brackets, which sshd takes as they are",
	  SSHD(MAIN, 5, "AllowUsers [n]ova"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets AllowUsers without nova: sshd "
	  "refuses nova\n" },
	{ "AllowGroups with nova's own group", GROUPS_READ SSHD(MAIN, 5, "AllowGroups wheel nova"),
	  PASSED },
	{ "AllowGroups of groups it is not in",
	  GROUPS_READ SSHD(MAIN, 5, "AllowGroups ssh wheel")
	  "group.ssh=120\ngroup.ssh.members=admin,novak\n",
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets AllowGroups without a group of "
	  "nova's: sshd refuses nova\n" },
	{ "AllowGroups of a group it is a member of",
	  GROUPS_READ SSHD(MAIN, 5, "AllowGroups ssh")
	  "group.ssh=120\ngroup.ssh.members=admin,nova\n",
	  PASSED },
	{ "AllowGroups by a pattern: not looked up", GROUPS_READ SSHD(MAIN, 5, "AllowGroups ssh*"),
	  "unchecked ssh.sshd_groups /etc/ssh/sshd_config:5\n" },
	{ "DenyGroups with its own group", GROUPS_READ SSHD(MAIN, 5, "DenyGroups nova"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets DenyGroups nova: sshd refuses nova, "
	  "a member\n" },
	{ "DenyGroups of another group", GROUPS_READ SSHD(MAIN, 5, "DenyGroups kvm"), PASSED },
	/* what the facts cannot tell (found by a review): a group absent
	 * from them is none of nova's only where the probe looked it up */
	{ "DenyGroups, the group database not read", SSHD(MAIN, 5, "DenyGroups ssh"),
	  "unchecked ssh.sshd_groups /etc/ssh/sshd_config:5\n" },
	{ "AllowGroups, the group database not read", SSHD(MAIN, 5, "AllowGroups ssh"),
	  "unchecked ssh.sshd_groups /etc/ssh/sshd_config:5\n" },
	{ "DenyGroups of a name the probe does not look up",
	  GROUPS_READ SSHD(MAIN, 5, "DenyGroups ad+users"),
	  "unchecked ssh.sshd_groups /etc/ssh/sshd_config:5\n" },
	{ "DenyGroups quoted, as sshd reads it", GROUPS_READ SSHD(MAIN, 5, "DenyGroups \"ssh\"")
	  "group.ssh=120\ngroup.ssh.members=nova\n",
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:5 sets DenyGroups ssh: sshd refuses nova, a "
	  "member\n" },
	/* a name the probe did not ask for as sshd reads it (found by a
	 * review): "users"x is usersx to sshd; "domain users" one group */
	{ "DenyGroups of a name the probe did not ask for",
	  GROUPS_READ SSHD(MAIN, 5, "DenyGroups \"users\"x"),
	  "unchecked ssh.sshd_groups /etc/ssh/sshd_config:5\n" },
	{ "AllowGroups of a quoted name with a blank",
	  GROUPS_READ "group.users=100\ngroup.users.members=nova\n"
	  SSHD(MAIN, 5, "AllowGroups \"domain users\""),
	  "unchecked ssh.sshd_groups /etc/ssh/sshd_config:5\n" },
	{ "DenyGroups of an escaped blank",
	  GROUPS_READ "group.users=100\ngroup.users.members=nova\n"
	  SSHD(MAIN, 5, "DenyGroups domain\\ users"),
	  "unchecked ssh.sshd_groups /etc/ssh/sshd_config:5\n" },
	{ "AllowUsers of a quoted pattern with a blank", SSHD(MAIN, 5, "AllowUsers \"nova admin\""),
	  "unchecked ssh.sshd_users /etc/ssh/sshd_config:5\n" },
	{ "a Match of a quoted group list: the names as sshd reads them",
	  GROUPS_READ "group.sftponly=1001\ngroup.sftponly.members=nova\n"
	  SSHD(MAIN, 7, "Match Group \"sftponly,!wheel\"") SSHD(MAIN, 8, "ChrootDirectory /srv/%u"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:8 sets ChrootDirectory /srv/%u: sshd shuts "
	  "nova in there, away from its shell and the instances directory\n" },
	{ "after a Match on the connection: not checked, until Match all",
	  SSHD(MAIN, 7, "Match Address 10.0.0.0/8") SSHD(MAIN, 8, "PubkeyAuthentication no")
	  SSHD(MAIN, 9, "Match all") SSHD(MAIN, 10, "DenyUsers nova"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:10 sets DenyUsers nova: sshd refuses nova\n"
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:8\n" },
	/* a Match on the user or its groups holds for it or never does,
	 * whoever connects: judged as sshd does for it */
	{ "a Match for another user is never read",
	  SSHD(MAIN, 7, "Match User backup,admin") SSHD(MAIN, 8, "PubkeyAuthentication no")
	  SSHD(MAIN, 9, "ForceCommand internal-sftp"),
	  PASSED },
	{ "... nor one that excludes it, whatever else it names",
	  SSHD(MAIN, 7, "Match User *,!nova Address 10.0.0.0/8") SSHD(MAIN, 8, "ForceCommand x")
	  SSHD(MAIN, 9, "Match Invalid-User") SSHD(MAIN, 10, "ForceCommand y"),
	  PASSED },
	{ "a Match for the user: its first value wins",
	  SSHD(MAIN, 7, "Match User n?va") SSHD(MAIN, 8, "ForceCommand internal-sftp")
	  SSHD(MAIN, 9, "ForceCommand /bin/true"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:8 sets ForceCommand internal-sftp: sshd runs "
	  "it in place of each of nova's commands over SSH (its mkdir, rm, rsync of an instance's "
	  "files), for nova\n" },
	{ "... over the file's",
	  SSHD(MAIN, 3, "PubkeyAuthentication no") SSHD(MAIN, 7, "Match User nova")
	  SSHD(MAIN, 8, "PubkeyAuthentication yes"),
	  PASSED },
	{ "... and its lists, which replace the file's",
	  SSHD(MAIN, 3, "AllowUsers nova") SSHD(MAIN, 7, "Match User nova")
	  SSHD(MAIN, 8, "AllowUsers root"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:8 sets AllowUsers without nova: sshd "
	  "refuses nova\n" },
	{ "... a Deny list as well",
	  SSHD(MAIN, 3, "DenyUsers nova") SSHD(MAIN, 7, "Match User nova")
	  SSHD(MAIN, 8, "DenyUsers backup"),
	  PASSED },
	/* "Match all" is the per-connection pass too: it overrides (found by a
	 * review; sshd -T says pubkeyauthentication no) */
	{ "Match all overrides the file's first values",
	  SSHD(MAIN, 3, "PubkeyAuthentication yes") SSHD(MAIN, 7, "Match all")
	  SSHD(MAIN, 8, "PubkeyAuthentication no"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:8 sets PubkeyAuthentication no: sshd takes "
	  "no key, and nova cannot log in with the cluster key\n" },
	/* ... and is active in sshd's first pass as well: StrictModes and
	 * UsePAM count there (found by a review; sshd -T: usepam yes) */
	{ "Match all: UsePAM counts",
	  "account.shadow=yes - 19000 99999 -\n" SSHD(MAIN, 7, "Match all") SSHD(MAIN, 8, "UsePAM yes"), PASSED },
	/* a Match on the connection that sets a keyword may override the
	 * file's: no verdict, its line not checked (found by a review) */
	{ "a list a Match on the connection may replace",
	  SSHD(MAIN, 3, "AllowUsers admin") SSHD(MAIN, 7, "Match Address 10.0.0.0/8")
	  SSHD(MAIN, 8, "AllowUsers nova admin"),
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:8\n" },
	{ "... a first value likewise",
	  SSHD(MAIN, 3, "PubkeyAuthentication no") SSHD(MAIN, 7, "Match Address 10.0.0.0/8")
	  SSHD(MAIN, 8, "PubkeyAuthentication yes"),
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:8\n" },
	/* a Match in a file included under a Match that never holds never
	 * holds (sshd's SSHCFG_NEVERMATCH); under one that may, it may only */
	{ "a Match in a file included under a Match for another user",
	  SSHD(MAIN, 7, "Match User backup")
	  SSHD(MAIN, 8, "Include /etc/ssh/sshd_config.d/backup.conf")
	  SSHD("/etc/ssh/sshd_config.d/backup.conf", 1, "Match User nova,backup")
	  SSHD("/etc/ssh/sshd_config.d/backup.conf", 2, "ForceCommand /usr/local/bin/backup-only"),
	  PASSED },
	{ "... under a Match on the connection",
	  SSHD(MAIN, 7, "Match Address 10.0.0.0/8")
	  SSHD(MAIN, 8, "Include /etc/ssh/sshd_config.d/backup.conf")
	  SSHD("/etc/ssh/sshd_config.d/backup.conf", 1, "Match User nova")
	  SSHD("/etc/ssh/sshd_config.d/backup.conf", 2, "ForceCommand /usr/local/bin/backup-only"),
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config.d/backup.conf:2\n" },
	{ "a Match for a group nova is not in",
	  SSHD(MAIN, 7, "Match Group sftponly") SSHD(MAIN, 8, "ChrootDirectory /srv/%u")
	  GROUPS_READ "group.sftponly=1001\ngroup.sftponly.members=alice\n",
	  PASSED },
	{ "... or that no host has",
	  SSHD(MAIN, 7, "Match Group sftponly") SSHD(MAIN, 8, "ChrootDirectory /srv/%u")
	  GROUPS_READ, PASSED },
	/* ... said only where the group database was read (found by a
	 * review: /etc/group unreadable, the Match skipped, green) */
	{ "... the groups not read: not checked",
	  SSHD(MAIN, 7, "Match Group sftponly") SSHD(MAIN, 8, "ChrootDirectory /srv/%u")
	  "ids.group=unreadable\n",
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:8\n" },
	{ "a Match for a group nova is in",
	  SSHD(MAIN, 7, "Match Group sftponly,wheel") SSHD(MAIN, 8, "ChrootDirectory /srv/%u")
	  GROUPS_READ "group.sftponly=1001\ngroup.sftponly.members=alice,nova\n",
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:8 sets ChrootDirectory /srv/%u: sshd shuts "
	  "nova in there, away from its shell and the instances directory\n" },
	{ "... its own group negated",
	  SSHD(MAIN, 7, "Match Group wheel,!nova") SSHD(MAIN, 8, "ChrootDirectory /srv/%u")
	  GROUPS_READ, PASSED },
	{ "a group pattern, or the user and the connection: not checked",
	  SSHD(MAIN, 7, "Match Group sftp*") SSHD(MAIN, 8, "ChrootDirectory /srv/%u")
	  SSHD(MAIN, 9, "Match User nova Address 10.0.0.0/8") SSHD(MAIN, 10, "ForceCommand x"),
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:8\n"
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:10\n" },
	{ "a Match sshd would refuse: not checked",
	  SSHD(MAIN, 7, "Match Color blue") SSHD(MAIN, 8, "ForceCommand x")
	  SSHD(MAIN, 9, "Match User") SSHD(MAIN, 10, "ForceCommand y"),
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:8\n"
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config:10\n" },
	/* an included file's Match ends with the file: sshd gives the main
	 * file its own state back, and the next included file starts in it
	 * (found by a review) */
	{ "a Match in an included file ends with it",
	  GROUPS_READ SSHD(MAIN, 1, "Include /etc/ssh/sshd_config.d/*.conf")
	  SSHD("/etc/ssh/sshd_config.d/10-backup.conf", 1, "Match LocalPort 2222")
	  SSHD("/etc/ssh/sshd_config.d/10-backup.conf", 2, "AllowUsers backup")
	  SSHD("/etc/ssh/sshd_config.d/20-x.conf", 1, "DenyGroups kvm")
	  SSHD(MAIN, 2, "PubkeyAuthentication no"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:2 sets PubkeyAuthentication no: sshd "
	  "takes no key, and nova cannot log in with the cluster key\n"
	  "unchecked ssh.sshd_match /etc/ssh/sshd_config.d/10-backup.conf:2\n" },
	{ "an Include inside an included file",
	  SSHD(MAIN, 1, "Include /etc/ssh/sshd_config.d/*.conf")
	  SSHD("/etc/ssh/sshd_config.d/a%20b.conf", 2, "Include more.conf"),
	  "unchecked ssh.sshd_include /etc/ssh/sshd_config.d/a b.conf:2\n" },
	{ "sshd given -f: its file's Include is the main file's",
	  "sshd.config=/etc/ssh/site_config\n"
	  SSHD("/etc/ssh/site_config", 1, "Include /etc/ssh/sshd_config.d/*.conf")
	  SSHD("/etc/ssh/sshd_config.d/a.conf", 1, "PubkeyAuthentication no"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config.d/a.conf:1 sets PubkeyAuthentication no: "
	  "sshd takes no key, and nova cannot log in with the cluster key\n" },
	{ "sshd's options not known: nothing judged", "sshd.config=unknown\n",
	  "unchecked ssh.sshd_config the options sshd's unit starts it with\n" },
	/* sshd exits without its file (found by a review: nothing was said) */
	{ "no sshd_config: sshd does not start", "sshd.main=absent\n",
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config is missing: sshd does not start without its "
	  "configuration file, and nova's peers cannot log in\n" },
	{ "sshd_config the probe cannot read: not examined", "sshd.main=unreadable\n",
	  "unchecked ssh.sshd_config /etc/ssh/sshd_config, which the probe cannot read\n" },
	{ "an included file the probe cannot read: not examined",
	  SSHD(MAIN, 1, "Include /etc/ssh/sshd_config.d/*.conf")
	  "sshd.include_unreadable=/etc/ssh/sshd_config.d/x.conf\n",
	  "unchecked ssh.sshd_include /etc/ssh/sshd_config.d/x.conf, which the probe cannot read\n" },
	{ "an Include pattern with a wildcard in a directory",
	  "sshd.unread=/etc/ssh/sshd_config 3 /etc/ssh/*.d/x.conf\n",
	  "unchecked ssh.sshd_include /etc/ssh/sshd_config:3\n" },
	/* what sshd runs, and where: nova's commands must run as sent */
	{ "ForceCommand", SSHD(MAIN, 3, "ForceCommand /usr/bin/true"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:3 sets ForceCommand /usr/bin/true: sshd runs "
	  "it in place of each of nova's commands over SSH (its mkdir, rm, rsync of an instance's "
	  "files), for nova as for every user\n" },
	{ "ForceCommand none", SSHD(MAIN, 3, "ForceCommand none"), PASSED },
	{ "ChrootDirectory", SSHD(MAIN, 3, "ChrootDirectory /srv/jail"),
	  "failed ssh.sshd line 2: /etc/ssh/sshd_config:3 sets ChrootDirectory /srv/jail: sshd shuts "
	  "nova in there, away from its shell and the instances directory\n" },
	{ "RevokedKeys: not read", SSHD(MAIN, 6, "RevokedKeys /etc/ssh/revoked_keys"),
	  "unchecked ssh.sshd_revoked /etc/ssh/sshd_config:6\n" },
	/* nova's shadow entry: a locked password refuses it without PAM */
	{ "locked, UsePAM yes", "account.shadow=yes - 19000 99999 -\n" SSHD(MAIN, 2, "UsePAM yes"), PASSED },
	{ "locked, UsePAM no",
	  "account.shadow=yes - 19000 99999 -\n" SSHD(MAIN, 2, "UsePAM no") SSHD(MAIN, 3, "UsePAM yes"),
	  "failed ssh.sshd line 2: nova's password is locked ('!' in /etc/shadow) and "
	  "/etc/ssh/sshd_config:2 sets UsePAM no: sshd refuses a locked account without PAM; set its "
	  "password to '*' (usermod -p '*' nova) or UsePAM yes\n" },
	{ "locked, no UsePAM (sshd's default: no)", "account.shadow=yes - 19000 99999 -\n",
	  "failed ssh.sshd line 2: nova's password is locked ('!' in /etc/shadow) and "
	  "/etc/ssh/sshd_config sets no UsePAM (sshd's default: no): sshd refuses a locked account "
	  "without PAM; set its password to '*' (usermod -p '*' nova) or UsePAM yes\n" },
	{ "locked, sshd's options not known",
	  "account.shadow=yes - 19000 99999 -\nsshd.config=unknown\n",
	  "unchecked ssh.sshd_config the options sshd's unit starts it with\n"
	  "unchecked ssh.sshd_account whether sshd, whose options are not known, lets nova in with "
	  "its password locked ('!' in /etc/shadow)\n" },
	{ "an expired account", "account.shadow=no 100 19000 99999 -\n" SSHD(MAIN, 2, "UsePAM yes"),
	  "failed ssh.sshd line 2: nova's account expired (day 100 in /etc/shadow): sshd refuses "
	  "it; chage -E -1 nova\n" },
	{ "an account that expires later", "account.shadow=no 900000 19000 99999 -\n", PASSED },
	/* pam_unix wants a new password where the last change is 0 or the
	 * password is older than its maximum age, and sshd runs no command
	 * without a terminal then (found by a review: green) */
	{ "a password change forced (last change 0), UsePAM yes",
	  "account.shadow=no - 0 99999 -\n" SSHD(MAIN, 2, "UsePAM yes"),
	  "failed ssh.sshd line 2: nova: its last password change is 0 in /etc/shadow, and "
	  "/etc/ssh/sshd_config:2 sets UsePAM yes: pam_unix wants a new password (or refuses the "
	  "account), and sshd runs none of nova's commands, which have no terminal; chage -d "
	  "$(date +%F) -M -1 nova\n" },
	{ "a password older than its maximum age, UsePAM yes",
	  "account.shadow=no - 100 90 -\n" SSHD(MAIN, 2, "UsePAM yes"),
	  "failed ssh.sshd line 2: nova: its password is older than its maximum age (90 days) in "
	  "/etc/shadow, and /etc/ssh/sshd_config:2 sets UsePAM yes: pam_unix wants a new password "
	  "(or refuses the account), and sshd runs none of nova's commands, which have no "
	  "terminal; chage -d $(date +%F) -M -1 nova\n" },
	{ "... and past its inactive period",
	  "account.shadow=yes - 100 90 7\n" SSHD(MAIN, 2, "UsePAM yes"),
	  "failed ssh.sshd line 2: nova: its password is older than its maximum age and inactive "
	  "period (90 + 7 days) in /etc/shadow, and /etc/ssh/sshd_config:2 sets UsePAM yes: "
	  "pam_unix wants a new password (or refuses the account), and sshd runs none of nova's "
	  "commands, which have no terminal; chage -d $(date +%F) -M -1 nova\n" },
	{ "a password within its maximum age, or changed in the future",
	  "account.shadow=no - 900000 90 -\n" SSHD(MAIN, 2, "UsePAM yes"), PASSED },
	{ "no maximum age", "account.shadow=no - 100 - 7\n" SSHD(MAIN, 2, "UsePAM yes"), PASSED },
	/* sshd without PAM ages only the passwords it checks (auth-passwd.c) */
	{ "an aged password, UsePAM no", "account.shadow=no - 0 90 -\n" SSHD(MAIN, 2, "UsePAM no"),
	  PASSED },
	{ "an aged password, sshd's options not known",
	  "account.shadow=no - 0 90 -\nsshd.config=unknown\n",
	  "unchecked ssh.sshd_config the options sshd's unit starts it with\n"
	  "unchecked ssh.sshd_account whether sshd, whose options are not known, uses PAM, whose "
	  "pam_unix wants a new password of nova ('no - 0 90 -' in /etc/shadow)\n" },
	/* an empty last change: pam_unix 1.5.2 takes it as day -1, newer ones
	 * age nothing */
	{ "an empty last change with a maximum age: not checked",
	  "account.shadow=no - - 90 -\n" SSHD(MAIN, 2, "UsePAM yes"),
	  "unchecked ssh.sshd_account whether pam_unix wants a new password of nova today (last "
	  "changed on day -1, maximum age 90 in /etc/shadow): its versions differ\n" },
	{ "an empty last change, no maximum age",
	  "account.shadow=no - - - -\n" SSHD(MAIN, 2, "UsePAM yes"), PASSED },
	{ "a digest not of that form", "account.shadow=no 100\n",
	  "unchecked ssh.sshd_account the probe's /etc/shadow digest\n" },
	{ "shadow unreadable: not examined", "account.shadow=unreadable\n",
	  "unchecked ssh.sshd_account nova's lock and expiry: /etc/shadow, which the probe cannot "
	  "read\n" },
	{ "nova not in /etc/shadow: not examined", "account.shadow=none\n",
	  "unchecked ssh.sshd_account nova's lock and expiry: not in /etc/shadow\n" },
	{ "no /etc/shadow (a tree): nothing to lock", "account.shadow=absent\n", PASSED },
};

static void test_sshd(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(sshd_cases); i++) {
		const struct sshd_case *c = &sshd_cases[i];
		char *facts = mr_xasprintf("%s%s", NOVA_ACCOUNT, c->lines);
		char *got = items_of(facts, "[ssh]\nuser = nova\nknown_hosts = off\n", "ssh.sshd", 1);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
		free(facts);
	}
}

/* sshd must listen where nova's peers' ssh connects: my_ip, port 22
 * (found by a review: ListenAddress elsewhere, green) */
#define MY_IP(V) NOVA_DEB "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip " V "\n"
static void test_sshd_listen(void **state)
{
	(void)state;
	static const struct {
		const char *facts, *want;
	} ls_cases[] = {
		{ "", PASSED }, /* sshd's defaults: every address, port 22 */
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress 10.20.0.11"), PASSED },
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress 192.0.2.10"),
		  "failed ssh.sshd line 2: sshd listens on 192.0.2.10 port 22 (/etc/ssh/sshd_config:2), "
		  "not on 10.20.0.11 port 22, nova's my_ip, where its peers' ssh connects to resize and "
		  "cold-migrate\n" },
		/* the ports it takes shown (found by a review: "on 192.0.2.10,
		 * not on 192.0.2.10 port 22") */
		{ MY_IP("192.0.2.10") "sshd.cmdline_port=2222\nsshd.cmdline_port=2223\n"
		  SSHD("ssh.service%20-o", 0, "ListenAddress 192.0.2.10"),
		  "failed ssh.sshd line 2: sshd listens on 192.0.2.10 ports 2222 2223 (ssh.service -o), "
		  "not on 192.0.2.10 port 22, nova's my_ip, where its peers' ssh connects to resize and "
		  "cold-migrate\n" },
		/* several add up; a port of its own; the first one without a
		 * port takes each Port, which add up */
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress 192.0.2.10")
		  SSHD(MAIN, 3, "ListenAddress 10.20.0.11:22"), PASSED },
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress 10.20.0.11:2222"),
		  "failed ssh.sshd line 2: sshd listens on 10.20.0.11:2222 (/etc/ssh/sshd_config:2), "
		  "not on 10.20.0.11 port 22, nova's my_ip, where its peers' ssh connects to resize and "
		  "cold-migrate\n" },
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "Port 2222") SSHD(MAIN, 3, "Port 22")
		  SSHD(MAIN, 4, "ListenAddress 10.20.0.11"), PASSED },
		{ SSHD(MAIN, 2, "Port 2222"),
		  "failed ssh.sshd line 2: sshd listens on port 2222 only (/etc/ssh/sshd_config:2), not "
		  "22, where nova's peers' ssh connects to resize and cold-migrate\n" },
		{ "sshd.cmdline_port=2222\n" SSHD(MAIN, 2, "Port 22"),
		  "failed ssh.sshd line 2: sshd listens on port 2222 only (sshd -p), not 22, where "
		  "nova's peers' ssh connects to resize and cold-migrate\n" },
		{ SSHD("ssh.service%20-o", 0, "Port 2222"),
		  "failed ssh.sshd line 2: sshd listens on port 2222 only (ssh.service -o), not 22, "
		  "where nova's peers' ssh connects to resize and cold-migrate\n" },
		/* the wildcard of my_ip's family; AddressFamily's first wins */
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress 0.0.0.0"), PASSED },
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress [::]:22"),
		  "failed ssh.sshd line 2: sshd listens on [::]:22 (/etc/ssh/sshd_config:2), not on "
		  "10.20.0.11 port 22, nova's my_ip, where its peers' ssh connects to resize and "
		  "cold-migrate\n" },
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "AddressFamily inet6")
		  SSHD(MAIN, 3, "AddressFamily inet"),
		  "failed ssh.sshd line 2: sshd listens on IPv6 only, port 22 (sshd's default), "
		  "AddressFamily of /etc/ssh/sshd_config:2, not on 10.20.0.11 port 22, nova's my_ip, "
		  "where its peers' ssh connects to resize and cold-migrate\n" },
		{ MY_IP("10.20.0.11") "sshd.cmdline_family=inet\n", PASSED },
		/* Match takes none of them but "Match all" (sshd refuses the file) */
		{ SSHD(MAIN, 7, "Match all") SSHD(MAIN, 8, "Port 2200"),
		  "failed ssh.sshd line 2: sshd listens on port 2200 only (/etc/ssh/sshd_config:8), not "
		  "22, where nova's peers' ssh connects to resize and cold-migrate\n" },
		{ SSHD(MAIN, 7, "Match User backup") SSHD(MAIN, 8, "Port 2200"),
		  "unchecked ssh.sshd_listen /etc/ssh/sshd_config:8\n" },
		/* what cannot be told here */
		{ MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress ctl.example"),
		  "unchecked ssh.sshd_listen whether sshd's ListenAddress ctl.example port 22 "
		  "(/etc/ssh/sshd_config:2) takes nova's my_ip 10.20.0.11, port 22\n" },
		{ NOVA_DEB SSHD(MAIN, 2, "ListenAddress 10.20.0.11"),
		  "unchecked ssh.sshd_listen whether sshd (ListenAddress) listens where nova's peers "
		  "connect: my_ip is not set in nova, and its route's address not known here\n" },
		/* nova reads another file: my_ip not known (found by a review:
		 * green) */
		{ MY_IP("10.20.0.11") "nova.conf_unread=/etc/nova/nova-cpu.conf\n"
		  SSHD(MAIN, 2, "ListenAddress 192.0.2.10"),
		  "unchecked ssh.sshd_listen whether sshd (ListenAddress) listens where nova's peers "
		  "connect: nova's my_ip is not known here: nova-compute reads /etc/nova/nova-cpu.conf, "
		  "not /etc/nova/nova.conf: its unit's ExecStart gives it --config-file (or "
		  "--config-dir), and oslo.config then reads only the files named\n" },
		/* a Port in nova's ssh client configuration: the port not
		 * judged, the address still (found by a review: sshd's Port
		 * 2222 failed, the client's Port 2222 not read) */
#define CPORT "ssh.client=/var/lib/nova/.ssh/config 2 Port\n"
		{ CPORT SSHD(MAIN, 2, "Port 2222"),
		  "unchecked ssh.sshd_listen whether sshd's port (2222, /etc/ssh/sshd_config:2) is the "
		  "one nova's ssh connects to: /var/lib/nova/.ssh/config:2 sets the ssh client's Port\n" },
		{ CPORT, "unchecked ssh.sshd_listen whether sshd's port (22, sshd's default) is the one "
		         "nova's ssh connects to: /var/lib/nova/.ssh/config:2 sets the ssh client's "
		         "Port\n" },
		{ CPORT MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress 10.20.0.11:2222"),
		  "unchecked ssh.sshd_listen whether sshd's port (10.20.0.11:2222 "
		  "(/etc/ssh/sshd_config:2)) is the one nova's ssh connects to: "
		  "/var/lib/nova/.ssh/config:2 sets the ssh client's Port\n" },
		{ CPORT MY_IP("10.20.0.11") SSHD(MAIN, 2, "Port 2222"),
		  "unchecked ssh.sshd_listen whether sshd's port (every address, port 2222 "
		  "(/etc/ssh/sshd_config:2)) is the one nova's ssh connects to: "
		  "/var/lib/nova/.ssh/config:2 sets the ssh client's Port\n" },
		{ CPORT MY_IP("10.20.0.11") SSHD(MAIN, 2, "ListenAddress 192.0.2.10:2222"),
		  "failed ssh.sshd line 2: sshd listens on 192.0.2.10:2222 (/etc/ssh/sshd_config:2), "
		  "not on 10.20.0.11, nova's my_ip, where its peers' ssh connects to resize and "
		  "cold-migrate\n" },
		{ "unit.ssh.socket=enabled active\n" CPORT MY_IP("10.20.0.11")
		  "ssh.socket_listen=10.20.0.11:2222\n",
		  "unchecked ssh.sshd_listen whether sshd's port (ssh.socket's ListenStream "
		  "10.20.0.11:2222) is the one nova's ssh connects to: /var/lib/nova/.ssh/config:2 sets "
		  "the ssh client's Port\n" },
		{ "unit.ssh.socket=enabled active\n" CPORT MY_IP("10.20.0.11")
		  "ssh.socket_listen=192.0.2.10:2222\n",
		  "failed ssh.sshd line 2: ssh.socket, where sshd takes its connections, listens on "
		  "192.0.2.10:2222, not on 10.20.0.11, nova's my_ip, where its peers' ssh connects to "
		  "resize and cold-migrate\n" },
#undef CPORT
		/* ssh.socket, enabled, listens for sshd: its ListenStream, not
		 * sshd_config (Debian's: a port alone, dual-stack by default) */
#define SOCK "unit.ssh.socket=enabled active\n"
		{ SOCK "ssh.socket_listen=22\nnet.bindv6only=0\n" SSHD(MAIN, 2, "Port 2222"), PASSED },
		{ SOCK "ssh.socket_listen=22\n", PASSED }, /* no nova here: it is never reached */
		{ SOCK NOVA_DEB "ssh.socket_listen=22\n",
		  "unchecked ssh.sshd_listen whether ssh.socket's ListenStream 22 takes where nova's "
		  "peers connect: my_ip is not set in nova, and its route's address not known here\n" },
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=22\n",
		  "unchecked ssh.sshd_listen whether ssh.socket's ListenStream 22 takes nova's my_ip "
		  "10.20.0.11, port 22\n" },
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=22\nssh.socket_bindipv6only=both\n",
		  PASSED },
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=22\nssh.socket_bindipv6only=ipv6-only\n",
		  "failed ssh.sshd line 2: ssh.socket, where sshd takes its connections, listens on "
		  "22 (IPv6 only), not on 10.20.0.11 port 22, nova's my_ip, where its peers' ssh "
		  "connects to resize and cold-migrate\n" },
		/* no IPv6 in the kernel: [::]:22 binds nothing, a port alone
		 * IPv4 (found by a review: [::]:22 taken as dual-stack) */
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=[::]:22\nnet.bindv6only=noipv6\n",
		  "failed ssh.sshd line 2: ssh.socket, where sshd takes its connections, listens on "
		  "[::]:22 (no IPv6 here: not bound), not on 10.20.0.11 port 22, nova's my_ip, where its "
		  "peers' ssh connects to resize and cold-migrate\n" },
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=22\nnet.bindv6only=noipv6\n"
		  "ssh.socket_bindipv6only=ipv6-only\n", PASSED },
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=10.20.0.11:22\n", PASSED },
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=192.0.2.10:22\n",
		  "failed ssh.sshd line 2: ssh.socket, where sshd takes its connections, listens on "
		  "192.0.2.10:22, not on 10.20.0.11 port 22, nova's my_ip, where its peers' ssh "
		  "connects to resize and cold-migrate\n" },
		{ SOCK "ssh.socket_listen=2222\n",
		  "failed ssh.sshd line 2: ssh.socket, where sshd takes its connections, listens on "
		  "2222: not on port 22, where nova's peers' ssh connects to resize and cold-migrate\n" },
		{ SOCK MY_IP("10.20.0.11") "ssh.socket_listen=0.0.0.0:22\n"
		  "ssh.socket_bindtodevice=eth1\n",
		  "unchecked ssh.sshd_listen ssh.socket's BindToDevice=eth1: whether nova's my_ip is on "
		  "that interface\n" },
		{ SOCK, "unchecked ssh.sshd_listen ssh.socket's ListenStream (where sshd takes its "
		        "connections), which the probe did not read\n" },
		/* Ubuntu's generator, in a tree: its listeners come from
		 * sshd_config at boot (found by a review: port 22 judged) */
#define GEN "ssh.socket_generator=/usr/lib/systemd/system-generators/sshd-socket-generator\n"
		{ SOCK GEN MY_IP("10.20.0.11") "ssh.socket_listen=0.0.0.0:22\n"
		  SSHD(MAIN, 2, "Port 2222"),
		  "unchecked ssh.sshd_listen ssh.socket's ListenStream, which "
		  "/usr/lib/systemd/system-generators/sshd-socket-generator makes from sshd_config's "
		  "Port and ListenAddress at boot (not run here)\n" },
		{ SOCK GEN MY_IP("10.20.0.11") "ssh.socket_listen=0.0.0.0:22\n", PASSED },
#undef GEN
#undef SOCK
		/* RHEL's sshd.socket: sshd -i ignores sshd_config's listeners
		 * (found by a review: sshd_config judged) */
		{ "unit.sshd.socket=enabled active\n" MY_IP("10.20.0.11")
		  SSHD(MAIN, 2, "ListenAddress 10.20.0.11"),
		  "unchecked ssh.sshd_listen sshd.socket's ListenStream (sshd -i started for each "
		  "connection), which the probe does not read\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(ls_cases); i++) {
		char *facts = mr_xasprintf("%s%s", NOVA_ACCOUNT, ls_cases[i].facts);
		const char *profile = "[ssh]\nuser = nova\nknown_hosts = off\n";
		char *got = items_of(facts, profile, "ssh.sshd", 1);
		if (strcmp(got, ls_cases[i].want) != 0)
			fail_msg("case %zu: got\n%s\nwant\n%s", i, got, ls_cases[i].want);
		free(got);
		free(facts);
	}
	/* sshd.socket conflicts with sshd.service (starting that stops it):
	 * that one not wanted */
	char *facts = mr_xasprintf("%s%s", NOVA_ACCOUNT,
	                           "unit.sshd.socket=enabled active\n"
	                           "unit.sshd.service=disabled inactive\n");
	plan_has("sshd.socket", facts, "[ssh]\nuser = nova\nknown_hosts = off\n",
	         "unit sshd.service", 0);
	free(facts);
}

/* nova's ssh and rsync run as nova-compute does: [ssh] user must be that
 * user, or its keys go unused (found by a review: green with
 * User=stack) */
static void test_ssh_nova_user(void **state)
{
	(void)state;
	static const struct {
		const char *facts, *want;
	} nu_cases[] = {
		{ "nova.user=nova\n", "" },
		{ "nova.user=64060\n", "" },
		{ "", "" }, /* not probed */
		{ "nova.user=stack\n",
		  "failed ssh.user line 2: nova-compute runs as stack (its unit's User=), not nova: its "
		  "ssh and rsync to the peers use stack's keys and known_hosts, not these; set [ssh] "
		  "user = stack\n" },
		{ "nova.user=root\n",
		  "failed ssh.user line 2: nova-compute runs as root (its unit's User=), not nova: its "
		  "ssh and rsync to the peers use root's keys and known_hosts, not these; set [ssh] "
		  "user = root\n" },
		{ "nova.user=0\n",
		  "failed ssh.user line 2: nova-compute runs as uid 0 (its unit's User=), not nova: its "
		  "ssh and rsync to the peers use that user's keys and known_hosts, not these; set [ssh] "
		  "user = its name\n" },
		{ "nova.user=unknown\n",
		  "unchecked ssh.nova_user the user nova-compute runs as, whose ssh logs in to the peers: "
		  "its unit's User= is not one plain name\n" },
		{ "nova.user=none\n",
		  "unchecked ssh.nova_user the user nova-compute runs as, whose ssh logs in to the peers: "
		  "no nova-compute unit on this host\n" },
		/* root by default only where the unit was read (found by a
		 * review: a masked unit advised user = root) */
		{ "nova.user=root\nnova.user_default=yes\n",
		  "failed ssh.user line 2: nova-compute runs as root (its unit names no User=), not "
		  "nova: its ssh and rsync to the peers use root's keys and known_hosts, not these; set "
		  "[ssh] user = root\n" },
		{ "nova.user=unread\n",
		  "unchecked ssh.nova_user the user nova-compute runs as, whose ssh logs in to the peers: "
		  "its unit is masked or cannot be read\n" },
		{ "nova.user=generated\n",
		  "unchecked ssh.nova_user the user nova-compute runs as, whose ssh logs in to the peers: "
		  "its unit runs an init script, which picks the user\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(nu_cases); i++) {
		char *facts = mr_xasprintf("%s%s", NOVA_ACCOUNT, nu_cases[i].facts);
		const char *profile = "[ssh]\nuser = nova\nknown_hosts = off\n";
		char *failed = items_of(facts, profile, "ssh.user", 0);
		char *unchecked = items_of(facts, profile, "ssh.nova_user", 0);
		char *got = mr_xasprintf("%s%s", failed, unchecked);
		if (strcmp(got, nu_cases[i].want) != 0)
			fail_msg("case %zu: got\n%s\nwant\n%s", i, got, nu_cases[i].want);
		free(got);
		free(unchecked);
		free(failed);
		free(facts);
	}
}

/* The days of /etc/shadow counted from today: an account expires on its
 * day with pam_unix, the day after with sshd alone (auth-shadow.c; found
 * by a review: failed on the day, UsePAM no); a password of its maximum
 * age exactly is aged by some pam_unix versions only. */
static void test_sshd_shadow_today(void **state)
{
	(void)state;
	long today = (long)(time(NULL) / 86400);
	static const struct {
		long expire, chg, max; /* from today; LONG_MIN: '-' */
		const char *lines, *want;
	} day_cases[] = {
		{ 0, 100, LONG_MIN, SSHD(MAIN, 2, "UsePAM no"), PASSED },
		{ 0, 100, LONG_MIN, "",  PASSED }, /* sshd's default: no PAM */
		{ -1, 100, LONG_MIN, SSHD(MAIN, 2, "UsePAM no"),
		  "failed ssh.sshd line 2: nova's account expired (day @ in /etc/shadow): sshd "
		  "refuses it; chage -E -1 nova\n" },
		{ 0, 100, LONG_MIN, SSHD(MAIN, 2, "UsePAM yes"),
		  "failed ssh.sshd line 2: nova's account expired (day @ in /etc/shadow): sshd "
		  "refuses it; chage -E -1 nova\n" },
		{ 0, 100, LONG_MIN, "sshd.config=unknown\n",
		  "unchecked ssh.sshd_config the options sshd's unit starts it with\n"
		  "unchecked ssh.sshd_account whether sshd, whose options are not known, lets nova in "
		  "on its account's last day (@ in /etc/shadow): pam_unix refuses it, sshd without "
		  "PAM does not\n" },
		{ LONG_MIN, -90, 90, SSHD(MAIN, 2, "UsePAM yes"),
		  "unchecked ssh.sshd_account whether pam_unix wants a new password of nova today (last "
		  "changed on day @, maximum age 90 in /etc/shadow): its versions differ\n" },
		{ LONG_MIN, -89, 90, SSHD(MAIN, 2, "UsePAM yes"), PASSED },
		{ LONG_MIN, -91, 90, SSHD(MAIN, 2, "UsePAM yes"),
		  "failed ssh.sshd line 2: nova: its password is older than its maximum age (90 days) "
		  "in /etc/shadow, and /etc/ssh/sshd_config:2 sets UsePAM yes: pam_unix wants a new "
		  "password (or refuses the account), and sshd runs none of nova's commands, which "
		  "have no terminal; chage -d $(date +%F) -M -1 nova\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(day_cases); i++) {
		char expire[24] = "-", max[24] = "-";
		if (day_cases[i].expire != LONG_MIN)
			snprintf(expire, sizeof(expire), "%ld", today + day_cases[i].expire);
		if (day_cases[i].max != LONG_MIN)
			snprintf(max, sizeof(max), "%ld", day_cases[i].max);
		long chg = day_cases[i].chg == 100 ? 100 : today + day_cases[i].chg;
		char *facts = mr_xasprintf("%saccount.shadow=no %s %ld %s -\n%s", NOVA_ACCOUNT, expire,
		                           chg, max, day_cases[i].lines);
		/* '@': the day the message names */
		const char *w = day_cases[i].want, *at = strchr(w, '@');
		char *want = at ? mr_xasprintf("%.*s%ld%s", (int)(at - w), w,
		                               day_cases[i].expire != LONG_MIN
		                                       ? today + day_cases[i].expire
		                                       : chg,
		                               at + 1)
		                : mr_xstrdup(w);
		char *got = items_of(facts, "[ssh]\nuser = nova\nknown_hosts = off\n", "ssh.sshd", 1);
		if (strcmp(got, want) != 0)
			fail_msg("case %zu: got\n%s\nwant\n%s", i, got, want);
		free(got);
		free(want);
		free(facts);
	}
}

/* A native TLS migration needs QEMU's TLS files on both ends (found by a
 * review: green without them) */
/* nova's option as it reads it now, or once the profile is applied: the
 * profile's set line sits between nova.conf and the files read after it */
static void test_nova_option_now(void **state)
{
	(void)state;
	struct mr_facts *f = facts_of(SOCKET_DEBIAN NOVA_DEB SCHEME_SELF("tcp")
	                              "nova.self=7 [libvirt]cpu_mode libvirt/cpu_mode custom\n");
	struct mr_profile *p = mr_test_profile("[nova]\nrelease = zed\n"
	                                       "set = libvirt/live_migration_scheme tls\n");
	char *v = NULL;
	assert_int_equal(mr_res_nova_option(f, p, "libvirt", "live_migration_scheme", 1, &v), 1);
	assert_string_equal(v, "tls");
	free(v);
	assert_int_equal(mr_res_nova_option(f, p, "libvirt", "live_migration_scheme", 0, &v), 1);
	assert_string_equal(v, "tcp");
	free(v);
	assert_int_equal(mr_res_nova_option(f, p, "libvirt", "cpu_mode", 0, &v), 1);
	assert_string_equal(v, "custom");
	free(v);
	assert_int_equal(mr_res_nova_option(f, p, "libvirt", "cpu_models", 0, &v), 1);
	assert_null(v);
	mr_facts_free(f);
	/* no nova-compute here: nothing to read */
	f = facts_of(SOCKET_DEBIAN);
	assert_int_equal(mr_res_nova_option(f, p, "libvirt", "cpu_mode", 0, &v), 0);
	assert_null(v);
	mr_facts_free(f);
	mr_profile_free(p);
}

static void test_native_tls(void **state)
{
	(void)state;
#define QEMU_TLS(STATE)                                                                        \
	"qemu.tls_file=/etc/pki/qemu/ca-cert.pem " STATE "\n"                                   \
	"qemu.tls_file=/etc/pki/qemu/server-cert.pem present\n"                                 \
	"qemu.tls_file=/etc/pki/qemu/server-key.pem present\n"                                  \
	"qemu.tls_file=/etc/pki/qemu/client-cert.pem present\n"                                 \
	"qemu.tls_file=/etc/pki/qemu/client-key.pem present\n"
	static const char flags[] =
		"[nova]\nlive_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_TLS\n";
	static const struct {
		const char *name, *facts, *profile, *want;
	} tls_cases[] = {
		{ "a file missing", SOCKET_DEBIAN NOVA_DEB QEMU_TLS("absent"), flags,
		  "failed qemu.tls_files line 2: nova migrates over QEMU's native TLS (PROFILE:2 gives "
		  "live_migration_with_native_tls = true), and /etc/pki/qemu/ca-cert.pem is missing: the "
		  "migration fails (migready does not manage certificates)\n" },
		{ "all there", SOCKET_DEBIAN NOVA_DEB QEMU_TLS("present"), flags,
		  "passed qemu.tls_files: QEMU's TLS files: /etc/pki/qemu holds them, for native TLS\n" },
		{ "... their contents not examined, and said", SOCKET_DEBIAN NOVA_DEB
		  QEMU_TLS("present"), flags,
		  "unchecked qemu.tls_contents /etc/pki/qemu: whether QEMU loads its TLS files "
		  "(certificates, their key pair, CA chain, expiry, the peers' names)\n" },
		{ "another directory: not examined",
		  SOCKET_DEBIAN NOVA_DEB QEMU_TLS("absent") "qemu.migrate_tls_x509_cert_dir=\"/srv/pki\"\n",
		  flags,
		  "unchecked qemu.tls_files QEMU's TLS files in qemu.conf's migrate_tls_x509_cert_dir = "
		  "\"/srv/pki\" (PROFILE:2 gives live_migration_with_native_tls = true)\n" },
		{ "nova.conf's own setting counts too",
		  SOCKET_DEBIAN NOVA_DEB QEMU_TLS("absent")
		  "nova.self=30 [libvirt]live_migration_with_native_tls "
		  "libvirt/live_migration_with_native_tls True\n",
		  "[nova]\nrelease = zed\n",
		  "failed qemu.tls_files line ?: nova migrates over QEMU's native TLS "
		  "(/etc/nova/nova.conf:30 sets [libvirt] live_migration_with_native_tls = 'True'), and "
		  "/etc/pki/qemu/ca-cert.pem is missing: the migration fails (migready does not manage "
		  "certificates)\n" },
		{ "no native TLS: nothing said", SOCKET_DEBIAN NOVA_DEB QEMU_TLS("absent"),
		  "[nova]\nlive_migration_flag = VIR_MIGRATE_LIVE, VIR_MIGRATE_PEER2PEER\n", "" },
	};
#undef QEMU_TLS
	for (size_t i = 0; i < MR_ARRAY_LEN(tls_cases); i++) {
		char *got = items_of(tls_cases[i].facts, tls_cases[i].profile,
		                     strstr(tls_cases[i].name, "contents") ? "qemu.tls_contents"
		                                                          : "qemu.tls",
		                     1);
		if (strcmp(got, tls_cases[i].want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", tls_cases[i].name, got, tls_cases[i].want);
		free(got);
	}
}

/* What nova-compute refuses to start with, in the host's files: a value
 * outside what nova declares, tunnelled and native TLS migration both. */
static void test_nova_refuses(void **state)
{
	(void)state;
	static const struct {
		const char *name, *facts, *profile, *want;
	} refusals[] = {
		{ "a downtime below nova's minimum",
		  SOCKET_DEBIAN NOVA_DEB
		  "nova.self=7 [libvirt]live_migration_downtime libvirt/live_migration_downtime 50\n",
		  "[nova]\nrelease = zed\n",
		  "failed nova.libvirt.live_migration_downtime line ?: nova zed (26) refuses [libvirt] "
		  "live_migration_downtime = '50': it takes at least 100 (nova/conf/libvirt.py); "
		  "/etc/nova/nova.conf:7 sets [libvirt] live_migration_downtime = '50'\n" },
		/* older releases round it up, or are not known to refuse it */
		{ "a low downtime on mitaka", SOCKET_DEBIAN "pkg.nova-compute=2:13.1.4-1\n"
		  "nova.self=7 [libvirt]live_migration_downtime libvirt/live_migration_downtime 50\n",
		  "[nova]\nrelease = mitaka\n", "" },
		{ "a low downtime on newton", SOCKET_DEBIAN "pkg.nova-compute=2:14.1.0-1\n"
		  "nova.self=7 [libvirt]live_migration_downtime libvirt/live_migration_downtime 50\n",
		  "[nova]\nrelease = newton\n",
		  "unchecked nova.libvirt.live_migration_downtime /etc/nova/nova.conf:7 sets [libvirt] "
		  "live_migration_downtime = '50'; whether nova newton (14) refuses [libvirt] "
		  "live_migration_downtime = '50' is not established: nova/conf/libvirt.py declares at "
		  "least 100 from ocata (15) on, and mitaka (13) rounds it up to 100\n" },
		{ "a choice in the wrong case",
		  SOCKET_DEBIAN NOVA_DEB
		  "nova.self=8 [libvirt]live_migration_timeout_action "
		  "libvirt/live_migration_timeout_action Abort\n",
		  "[nova]\nrelease = zed\n",
		  "failed nova.libvirt.live_migration_timeout_action line ?: nova zed (26) refuses "
		  "[libvirt] live_migration_timeout_action = 'Abort': it takes 'abort' or "
		  "'force_complete' (case matters) (nova/conf/libvirt.py); /etc/nova/nova.conf:8 sets "
		  "[libvirt] live_migration_timeout_action = 'Abort'\n" },
		{ "a value the profile's set line replaces is no failure",
		  SOCKET_DEBIAN NOVA_DEB
		  "nova.self=7 [libvirt]live_migration_downtime libvirt/live_migration_downtime 50\n",
		  "[nova]\nrelease = zed\nset = libvirt/live_migration_downtime 400\n", "" },
		{ "tunnelled in the file, native TLS from the profile",
		  SOCKET_DEBIAN NOVA_DEB
		  "nova.self=3 [libvirt]live_migration_tunnelled libvirt/live_migration_tunnelled "
		  "true\n",
		  "[nova]\nrelease = zed\nset = libvirt/live_migration_with_native_tls true\n",
		  "failed nova.libvirt.live_migration_tunnelled line 3: live_migration_tunnelled and "
		  "live_migration_with_native_tls are both true (/etc/nova/nova.conf:3 sets [libvirt] "
		  "live_migration_tunnelled = 'true'; as planned): nova-compute refuses to start; keep "
		  "native TLS\n" },
		{ "both in the files of a release without native TLS",
		  SOCKET_DEBIAN "pkg.nova-compute=2:16.1.0-1\n"
		  "nova.self=3 [libvirt]live_migration_tunnelled libvirt/live_migration_tunnelled "
		  "true\n"
		  "nova.self=4 [libvirt]live_migration_with_native_tls "
		  "libvirt/live_migration_with_native_tls true\n",
		  "[nova]\nrelease = pike\n", "" },
		{ "native TLS alone", SOCKET_DEBIAN NOVA_DEB,
		  "[nova]\nrelease = zed\nset = libvirt/live_migration_with_native_tls true\n", "" },
		/* oslo.config converts an address once it has substituted it */
		{ "an inbound address of $my_ip, my_ip no address",
		  SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("$my_ip")
		  "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip 10.0.0.300\n",
		  "[nova]\nrelease = zed\n",
		  "failed nova.libvirt.live_migration_inbound_addr line ?: nova zed (26) refuses "
		  "[libvirt] live_migration_inbound_addr = '$my_ip' (substituted: '10.0.0.300'): not "
		  "an IP address or a host name, and nova-compute refuses it (HostDomainOpt, "
		  "nova/conf/libvirt.py); /etc/nova/nova.conf:20 sets [libvirt] "
		  "live_migration_inbound_addr = '$my_ip'\n" },
		{ "... of ${host}, the profile's host no name",
		  SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("${host}"),
		  "[nova]\nrelease = zed\nset = DEFAULT/host compute 1\n",
		  "failed nova.libvirt.live_migration_inbound_addr line ?: nova zed (26) refuses "
		  "[libvirt] live_migration_inbound_addr = '${host}' (substituted: 'compute 1'): not "
		  "an IP address or a host name, and nova-compute refuses it (HostDomainOpt, "
		  "nova/conf/libvirt.py); /etc/nova/nova.conf:20 sets [libvirt] "
		  "live_migration_inbound_addr = '${host}'\n" },
		/* oslo.config fails on a name nova declares no option of: not
		 * taken as an address whose value is not known */
		{ "... of $my_ipp, no such option",
		  SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("$my_ipp")
		  "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip 10.0.0.5\n",
		  "[nova]\nrelease = zed\n",
		  "unchecked nova.libvirt.live_migration_inbound_addr /etc/nova/nova.conf:20 sets "
		  "[libvirt] live_migration_inbound_addr = '$my_ipp'; its $my_ipp names no option "
		  "migready knows nova to declare\n" },
		/* oslo.config's parser drops my_ip's quotes before */
		{ "... of $my_ip, my_ip quoted", SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("'$my_ip'")
		  "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip \"10.0.0.5\"\n",
		  "[nova]\nrelease = zed\n", "" },
		/* nova's guess: taken, as oslo.config gives an address */
		{ "... of $my_ip, my_ip unset", SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("$my_ip"),
		  "[nova]\nrelease = zed\n", "" },
		/* \$ is $$ to oslo.config: no substitution */
		{ "... of \\$my_ip", SOCKET_DEBIAN NOVA_DEB INBOUND_SELF("\\$my_ip")
		  "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip 10.0.0.5\n",
		  "[nova]\nrelease = zed\n",
		  "failed nova.libvirt.live_migration_inbound_addr line ?: nova zed (26) refuses "
		  "[libvirt] live_migration_inbound_addr = '\\$my_ip' (substituted: '$my_ip'): not an "
		  "IP address or a host name, and nova-compute refuses it (HostDomainOpt, "
		  "nova/conf/libvirt.py); /etc/nova/nova.conf:20 sets [libvirt] "
		  "live_migration_inbound_addr = '\\$my_ip'\n" },
		/* a whole number substituted, or whose name is not known */
		{ "a downtime of $NAME", SOCKET_DEBIAN NOVA_DEB
		  "nova.self=7 [libvirt]live_migration_downtime libvirt/live_migration_downtime "
		  "$live_migration_downtime_steps\n"
		  "nova.self=8 [libvirt]live_migration_downtime_steps "
		  "libvirt/live_migration_downtime_steps 50\n",
		  "[nova]\nrelease = zed\n",
		  "failed nova.libvirt.live_migration_downtime line ?: nova zed (26) refuses [libvirt] "
		  "live_migration_downtime = '$live_migration_downtime_steps' (substituted: '50'): it "
		  "takes at least 100 (nova/conf/libvirt.py); /etc/nova/nova.conf:7 sets [libvirt] "
		  "live_migration_downtime = '$live_migration_downtime_steps'\n" },
		{ "a downtime of $NAME not known", SOCKET_DEBIAN NOVA_DEB
		  "nova.self=7 [libvirt]live_migration_downtime libvirt/live_migration_downtime "
		  "$downtime\n",
		  "[nova]\nrelease = zed\n",
		  "unchecked nova.libvirt.live_migration_downtime /etc/nova/nova.conf:7 sets [libvirt] "
		  "live_migration_downtime = '$downtime'; its $downtime is not known here\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(refusals); i++) {
		char *got = items_of(refusals[i].facts, refusals[i].profile, "nova.libvirt.live_migration_",
		                     1);
		if (strcmp(got, refusals[i].want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", refusals[i].name, got, refusals[i].want);
		free(got);
	}
	/* the profile's own $NAME, which lint cannot substitute: its line
	 * named */
	char *got = items_of(SOCKET_DEBIAN NOVA_DEB
	                     "nova.self=3 [DEFAULT]my_ip DEFAULT/my_ip 10.0.0.300\n",
	                     "[nova]\nrelease = zed\nset = libvirt/live_migration_inbound_addr $my_ip\n",
	                     "nova.libvirt.", 1);
	assert_string_equal(got, "failed nova.libvirt.live_migration_inbound_addr line 3: nova zed "
	                         "(26) refuses [libvirt] live_migration_inbound_addr = '$my_ip' "
	                         "(substituted: '10.0.0.300'): not an IP address or a host name, "
	                         "and nova-compute refuses it (HostDomainOpt, nova/conf/libvirt.py); "
	                         "PROFILE:3 sets [libvirt] live_migration_inbound_addr = '$my_ip'\n");
	free(got);
	/* nova/conf/compute.py's bound, from Ussuri on; Pike counts it as 0 */
#define MCLM_SELF "nova.self=5 [DEFAULT]max_concurrent_live_migrations " \
	"DEFAULT/max_concurrent_live_migrations -1\n"
	got = items_of(SOCKET_DEBIAN NOVA_DEB MCLM_SELF, "[nova]\nrelease = zed\n",
	                     "nova.DEFAULT.", 1);
	assert_string_equal(got, "failed nova.DEFAULT.max_concurrent_live_migrations line ?: nova "
	                         "zed (26) refuses [DEFAULT] max_concurrent_live_migrations = "
	                         "'-1': it takes at least 0 (nova/conf/compute.py); "
	                         "/etc/nova/nova.conf:5 sets [DEFAULT] "
	                         "max_concurrent_live_migrations = '-1'\n");
	free(got);
	got = items_of(SOCKET_DEBIAN "pkg.nova-compute=2:16.1.0-1\n" MCLM_SELF,
	               "[nova]\nrelease = pike\n", "nova.DEFAULT.", 1);
	assert_string_equal(got, "");
	free(got);
#undef MCLM_SELF
	/* an address nova/conf/vnc.py declares a HostAddressOpt: a name with
	 * an underscore stops nova-compute; an IPv6 literal is an address */
	got = items_of(SOCKET_DEBIAN NOVA_DEB "nova.self=9 [vnc]server_listen vnc/server_listen "
	               "node_1\n",
	               "[nova]\nrelease = zed\n", "nova.vnc.", 1);
	assert_string_equal(got, "failed nova.vnc.server_listen line ?: nova zed (26) refuses "
	                         "[vnc] server_listen = 'node_1': not an IP address or a host "
	                         "name, and nova-compute refuses it (HostAddressOpt, "
	                         "nova/conf/vnc.py); /etc/nova/nova.conf:9 sets [vnc] "
	                         "server_listen = 'node_1'\n");
	free(got);
	got = items_of(SOCKET_DEBIAN NOVA_DEB "nova.self=9 [vnc]server_listen vnc/server_listen "
	               "fd00::12\n",
	               "[nova]\nrelease = zed\n", "nova.vnc.", 1);
	assert_string_equal(got, "");
	free(got);
}

/* An old VNC name nova's code was last seen reading at Rocky: past it,
 * kept and never green; up to it, or rewritten by the profile, nothing
 * to say. */
static void test_nova_unproven(void **state)
{
	(void)state;
#define VNC_SELF "nova.self=4 [DEFAULT]vncserver_proxyclient_address " \
	"DEFAULT/vncserver_proxyclient_address 10.20.0.12\n"
	static const struct {
		const char *name, *facts, *profile, *want;
	} unproven[] = {
		{ "yoga", SOCKET_DEBIAN "pkg.nova-compute=2:25.2.1-0ubuntu2\n" VNC_SELF,
		  "[nova]\nrelease = yoga\n",
		  "unchecked nova.DEFAULT.vncserver_proxyclient_address /etc/nova/nova.conf:4 sets it: "
		  "nova reads [DEFAULT] vncserver_proxyclient_address up to rocky (18) at least and "
		  "no longer from zed (26) (nova/conf/vnc.py); whether nova yoga (25) still does is "
		  "not established, so it is kept\n" },
		/* Zed reads it no more: a stale line the plan removes, not a doubt */
		{ "zed", SOCKET_DEBIAN NOVA_DEB VNC_SELF, "[nova]\nrelease = zed\n", "" },
		{ "rocky", SOCKET_DEBIAN "pkg.nova-compute=2:18.3.0-1\n" VNC_SELF,
		  "[nova]\nrelease = rocky\n", "" },
		{ "yoga, the profile writes the new name",
		  SOCKET_DEBIAN "pkg.nova-compute=2:25.2.1-0ubuntu2\n" VNC_SELF,
		  "[nova]\nrelease = yoga\nset = vnc/server_proxyclient_address 10.20.0.12\n",
		  "" },
	};
#undef VNC_SELF
	for (size_t i = 0; i < MR_ARRAY_LEN(unproven); i++) {
		char *got = items_of(unproven[i].facts, unproven[i].profile, "nova.", 1);
		if (strcmp(got, unproven[i].want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", unproven[i].name, got, unproven[i].want);
		free(got);
	}
}

/* nova's login shell, and the profile's, must be on the host: sshd runs
 * it for each command */
static void test_shell(void **state)
{
	(void)state;
	static const struct {
		const char *name, *facts, *profile, *want;
	} shell_cases[] = {
		{ "a shell that is there", "shell.exec=/bin/sh yes\n", "", "" },
		{ "nothing said of it: not known, not failed", "", "",
		  "unchecked ssh.shell_exec [ssh]: whether /bin/sh is on this host (the probe found no "
		  "directory of it)\n" },
		{ "nova's shell missing, the profile silent", "shell.exec=/bin/sh no\n", "",
		  "failed ssh.shell line ?: nova's login shell is '/bin/sh', which is not on this host "
		  "(or not executable): nova cannot run commands over SSH to migrate; set shell\n" },
		{ "... the profile's, which is there, instead",
		  "shell.exec=/bin/sh no\nshell.exec=/bin/bash yes\n", "shell = /bin/bash\n", "" },
		{ "the profile's shell missing where nova's refuses",
		  "user.nova=64060:64060:/var/lib/nova:/usr/sbin/nologin\nshell.exec=/bin/zsh no\n",
		  "shell = /bin/zsh\n",
		  "failed ssh.shell line 4: '/bin/zsh' is not on this host (or not executable): nova "
		  "could not log in with it; nova's login shell '/usr/sbin/nologin' is left as it is\n" },
		{ "the profile's shell missing, and nova's",
		  "shell.exec=/bin/sh no\nshell.exec=/bin/zsh no\n", "shell = /bin/zsh\n",
		  "failed ssh.shell line 4: '/bin/zsh' is not on this host (or not executable): nova "
		  "could not log in with it; nova's login shell '/bin/sh', not there either, is left as "
		  "it is\n" },
		{ "the profile's shell is nova's, and missing", "shell.exec=/bin/sh no\n",
		  "shell = /bin/sh\n",
		  "failed ssh.shell line 4: nova's login shell '/bin/sh' is not on this host (or not "
		  "executable): nova cannot run commands over SSH to migrate; install it, or set shell "
		  "to one that is there\n" },
		{ "... not asked for where nova's works",
		  "shell.exec=/bin/sh yes\nshell.exec=/bin/zsh no\n",
		  "shell = /bin/zsh\n", "" },
		/* an empty shell field is /bin/sh to sshd: it works */
		{ "an empty shell field", "user.nova=64060:64060:/var/lib/nova:\nshell.exec=/bin/sh yes\n",
		  "", "" },
		/* a shell that refuses commands, asked for: never set nor green
		 * (it was set, then judged as nova's own; found by a review) */
		{ "the profile's shell refuses commands",
		  "user.nova=64060:64060:/var/lib/nova:/bin/false\nshell.exec=/usr/sbin/nologin yes\n",
		  "shell = /usr/sbin/nologin\n",
		  "failed ssh.shell line 4: shell = /usr/sbin/nologin refuses every command: nova could "
		  "not run its migration commands over SSH; give a shell that runs them (/bin/sh, "
		  "/bin/bash)\n" },
	};
	for (size_t i = 0; i < MR_ARRAY_LEN(shell_cases); i++) {
		char *facts = mr_xasprintf("%s%s", NOVA_ACCOUNT, shell_cases[i].facts);
		char *profile =
			mr_xasprintf("[ssh]\nuser = nova\nknown_hosts = off\n%s", shell_cases[i].profile);
		char *got = items_of(facts, profile, "ssh.shell", 0);
		if (strcmp(got, shell_cases[i].want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", shell_cases[i].name, got, shell_cases[i].want);
		free(got);
		free(profile);
		free(facts);
	}
}

/* The other world's TCP socket left enabled beside this one's (a RHEL 9
 * host that once ran libvirtd): both bind libvirt's port at boot; green
 * before (found by a review). */
static void test_other_world_listener(void **state)
{
	(void)state;
	const char *profile = "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n";
	char *got = items_of(MODULAR_RHEL "unit.libvirtd-tcp.socket=enabled inactive\n", profile,
	                     "libvirtd.listener", 0);
	assert_string_equal(got, "failed libvirtd.listener line 2: libvirtd-tcp.socket is enabled too, "
	                         "beside virtproxyd.service: both listen on libvirt's port, and which "
	                         "daemon answers depends on the boot; disable and stop it\n");
	free(got);
	got = items_of(MODULAR_RHEL "unit.libvirtd-tcp.socket=disabled inactive\n", profile,
	               "libvirtd.listener", 0);
	assert_string_equal(got, "");
	free(got);
}

/* The TCP/TLS socket's keys that limit who connects, or what takes the
 * connection (found by a review: IPAddressDeny=any in a drop-in, green). */
#define SOCK_UNIT(U, SVC)                                                      \
	"unit." U "=enabled active\nsocket." U ".file=/lib/systemd/system/" U "\n" \
	"socket." U ".listen=/lib/systemd/system/" U " 7 16509\n"                  \
	"socket." U ".opt=/lib/systemd/system/" U " 10 Service=" SVC "\n"
#define SOCK_OPT(U, L, KV) "socket." U ".opt=/etc/systemd/system/" U ".d/h.conf " #L " " KV "\n"
#define TCP_D "libvirtd-tcp.socket"
#define TCP_P "virtproxyd-tcp.socket"
#define SOCK_D SOCK_UNIT(TCP_D, "libvirtd.service")
#define SOCK_P SOCK_UNIT(TCP_P, "virtproxyd.service")
static const struct transport_case sock_opt_cases[] = {
	{ "as shipped", SOCKET_DEBIAN SOCK_D, NULL, "" },
	{ "IPAddressDeny=any, loopback allowed: fails",
	  SOCKET_DEBIAN SOCK_D SOCK_OPT(TCP_D, 2, "IPAddressDeny=any")
	  SOCK_OPT(TCP_D, 3, "IPAddressAllow=localhost ::1/128"), NULL,
	  "failed libvirtd.listener line 2: libvirtd-tcp.socket would accept connections from the "
	  "loopback alone: other hosts are refused (/etc/systemd/system/libvirtd-tcp.socket.d/"
	  "h.conf:2 IPAddressDeny=any, IPAddressAllow= lists only loopback)\n" },
	{ "... emptied again in a later drop-in: nothing",
	  SOCKET_DEBIAN SOCK_D SOCK_OPT(TCP_D, 2, "IPAddressDeny=::/0")
	  SOCK_OPT(TCP_D, 4, "IPAddressDeny="), NULL, "" },
	{ "... a network allowed too: not checked",
	  SOCKET_DEBIAN SOCK_D SOCK_OPT(TCP_D, 2, "IPAddressDeny=0.0.0.0/0")
	  SOCK_OPT(TCP_D, 3, "IPAddressAllow=localhost 10.0.0.0/8"), NULL,
	  "unchecked libvirtd.listener /etc/systemd/system/libvirtd-tcp.socket.d/h.conf:2 "
	  "IPAddressDeny=0.0.0.0/0\n" },
	{ "IPAddressAllow alone: not checked",
	  SOCKET_DEBIAN SOCK_D SOCK_OPT(TCP_D, 3, "IPAddressAllow=10.0.0.0/8"),
	  NULL,
	  "unchecked libvirtd.listener /etc/systemd/system/libvirtd-tcp.socket.d/h.conf:3 "
	  "IPAddressAllow=10.0.0.0/8\n" },
	{ "modular: BindIPv6Only=ipv6-only fails",
	  MODULAR_RHEL SOCK_P SOCK_OPT(TCP_P, 5, "BindIPv6Only=ipv6-only"),
	  NULL,
	  "failed libvirtd.listener line 2: virtproxyd-tcp.socket would accept IPv6 alone: peers "
	  "connecting over IPv4 are refused (/etc/systemd/system/virtproxyd-tcp.socket.d/h.conf:5 "
	  "BindIPv6Only=ipv6-only)\n" },
	{ "... not on IPv4 addresses alone",
	  MODULAR_RHEL SOCK_P "socket." TCP_P ".listen=/etc/systemd/system/" TCP_P ".d/h.conf 2 \n"
	  "socket." TCP_P ".listen=/etc/systemd/system/" TCP_P ".d/h.conf 3 0.0.0.0:16509\n"
	  SOCK_OPT(TCP_P, 5, "BindIPv6Only=ipv6-only"), NULL, "" },
	{ "modular: BindToDevice=lo fails, another device not checked",
	  MODULAR_RHEL SOCK_P SOCK_OPT(TCP_P, 5, "BindToDevice=lo"),
	  NULL,
	  "failed libvirtd.listener line 2: virtproxyd-tcp.socket would accept connections on the "
	  "loopback device alone: other hosts cannot connect (/etc/systemd/system/virtproxyd-tcp."
	  "socket.d/h.conf:5 BindToDevice=lo)\n" },
	{ "... another device",
	  MODULAR_RHEL SOCK_P SOCK_OPT(TCP_P, 5, "BindToDevice=eth1"),
	  NULL,
	  "unchecked libvirtd.listener /etc/systemd/system/virtproxyd-tcp.socket.d/h.conf:5 "
	  "BindToDevice=eth1\n" },
	{ "FileDescriptorName= of another name fails, its own passes",
	  SOCKET_DEBIAN SOCK_D
	  SOCK_OPT(TCP_D, 2, "FileDescriptorName=" TCP_D) SOCK_OPT(TCP_D, 3, "FileDescriptorName=tcp"),
	  NULL,
	  "failed libvirtd.listener line 2: libvirtd-tcp.socket would pass its socket named other "
	  "than libvirtd-tcp.socket: libvirtd.service finds no listener there and will not start "
	  "(/etc/systemd/system/libvirtd-tcp.socket.d/h.conf:3 FileDescriptorName=tcp)\n" },
	{ "Service= another daemon fails",
	  SOCKET_DEBIAN SOCK_D SOCK_OPT(TCP_D, 2, "Service=virtproxyd.service"),
	  NULL,
	  "failed libvirtd.listener line 2: libvirtd-tcp.socket would hand its connections to "
	  "virtproxyd.service, not libvirtd.service: no daemon takes them (/etc/systemd/system/"
	  "libvirtd-tcp.socket.d/h.conf:2 Service=virtproxyd.service)\n" },
	{ "SocketUser=, Accept=yes: not checked; Accept=no nothing",
	  SOCKET_DEBIAN SOCK_D SOCK_OPT(TCP_D, 2, "SocketUser=nobody")
	  SOCK_OPT(TCP_D, 3, "Accept=no"), NULL,
	  "unchecked libvirtd.listener /etc/systemd/system/libvirtd-tcp.socket.d/h.conf:2 "
	  "SocketUser=nobody\n" },
	{ "TLS: IPAddressDeny=any alone fails",
	  SOCKET_DEBIAN SOCK_UNIT("libvirtd-tls.socket", "libvirtd.service")
	  SOCK_OPT("libvirtd-tls.socket", 2, "IPAddressDeny=any"),
	  "[libvirtd]\nlisten_tls = yes\n",
	  "failed libvirtd.listener_tls line 2: libvirtd-tls.socket would accept connections from the "
	  "loopback alone: other hosts are refused (/etc/systemd/system/libvirtd-tls.socket.d/"
	  "h.conf:2 IPAddressDeny=any)\n" },
};

static void test_socket_opts(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(sock_opt_cases); i++) {
		const struct transport_case *c = &sock_opt_cases[i];
		const char *tcp = "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n";
		char *got = items_of(c->facts, c->profile ? c->profile : tcp, "libvirtd.listener", 0);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
	}
}

/* A socket's ListenStream values are named with their file and line
 * (found by a review: the file alone). */
#define SOCK_LISTEN(U, L, V) "socket." U ".listen=/etc/systemd/system/" U ".d/h.conf " L V "\n"
static const struct transport_case sock_listen_cases[] = {
	{ "the loopback in a drop-in: its line",
	  SOCKET_DEBIAN SOCK_D SOCK_LISTEN(TCP_D, "2 ", "") SOCK_LISTEN(TCP_D, "3 ", "127.0.0.1:16509"),
	  NULL,
	  "failed libvirtd.listen_port line 2: libvirtd-tcp.socket would listen on 127.0.0.1:16509, "
	  "the loopback: other hosts cannot connect (ListenStream in /etc/systemd/system/"
	  "libvirtd-tcp.socket.d/h.conf:3)\n" },
	{ "another port: its line", SOCKET_DEBIAN SOCK_D SOCK_LISTEN(TCP_D, "4 ", "16600"), NULL,
	  "failed libvirtd.listen_port line 2: libvirtd-tcp.socket would listen on 16600, not 16509 "
	  "alone (ListenStream in /etc/systemd/system/libvirtd-tcp.socket.d/h.conf:4)\n" },
	{ "emptied: its line", SOCKET_DEBIAN SOCK_D SOCK_LISTEN(TCP_D, "5 ", ""), NULL,
	  "failed libvirtd.listen_port line 2: libvirtd-tcp.socket would listen on nothing "
	  "(ListenStream emptied in /etc/systemd/system/libvirtd-tcp.socket.d/h.conf:5)\n" },
};

static void test_socket_listen_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < MR_ARRAY_LEN(sock_listen_cases); i++) {
		const struct transport_case *c = &sock_listen_cases[i];
		char *got = items_of(c->facts, "[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n",
		                     "libvirtd.listen_port", 0);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", c->name, got, c->want);
		free(got);
	}
}

/* Line no (from 1) of text, without its newline; the caller's. */
static char *text_line(const char *text, long no)
{
	for (; no > 1 && text; no--)
		if ((text = strchr(text, '\n')))
			text++;
	if (!text || !*text)
		return mr_xstrdup("(none)");
	return mr_xstrndup(text, strcspn(text, "\n"));
}

/* The lines of migready's port drop-in that reports name are those of
 * the text the plan writes (found by a review: "lines 3 and 4" written
 * by hand beside the text): its ListenStream lines, no other. */
static void test_port_dropin_lines(void **state)
{
	(void)state;
	struct mr_profile *p = mr_test_profile("[libvirtd]\nlisten_tcp = yes\nauth_tcp = none\n"
	                                       "tcp_port = 16600\n");
	struct mr_facts *f = facts_of(SOCKET_DEBIAN);
	struct mr_plan *plan = mr_plan_new(f);
	struct mr_error *err = NULL;
	struct mr_res_ctx ctx = { .profile = p };
	assert_int_equal(mr_res_plan_all(plan, &ctx, &err), 0);
	const char *text = NULL;
	for (size_t i = 0; i < mr_plan_file_count(plan); i++)
		if (!strcmp(mr_plan_file_path(plan, i),
		            "/etc/systemd/system/libvirtd-tcp.socket.d/migready-port.conf"))
			text = mr_plan_file_content(plan, i);
	assert_non_null(text);
	long reset, set;
	mr_res_port_dropin_lines("tcp_port", "16600", &reset, &set);
	char *line = text_line(text, reset);
	assert_string_equal(line, "ListenStream=");
	free(line);
	line = text_line(text, set);
	assert_string_equal(line, "ListenStream=16600");
	free(line);
	/* and no ListenStream line elsewhere: the two named are all there are */
	long n = 0;
	for (const char *t = text; (t = strstr(t, "ListenStream=")); t++)
		n++;
	assert_int_equal(n, 2);
	assert_true(reset < set);
	mr_plan_free(plan);
	mr_facts_free(f);
	mr_profile_free(p);
}

static void test_registry_sorted(void **state)
{
	(void)state;
	size_t n;
	const struct mr_res_ops *const *all = mr_res_all(&n);
	assert_true(n >= 2);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1]->name, all[i]->name) < 0);
}

/* A peer whose sshd migready reached on another port than 22: nova's ssh
 * connects to 22, and whether sshd listens there too is not known (found
 * by a review: [name]:2222 entries alone, green). */
static void test_known_hosts_port(void **state)
{
	(void)state;
	char *keys[] = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuEx8WSoAyPVRwiCLDUaRHcz2s1p1uZ1+jXDP0dq4+X" };
	struct mr_fleet_host hosts[] = {
		{ "compute1", "10.0.0.1", 2222, NULL, keys, 1, NULL },
		{ "compute2", "10.0.0.2", 22, NULL, keys, 1, NULL },
	};
	struct mr_fleet_facts fleet = { hosts, 2 };
	char *got = items_in_fleet(NOVA_ACCOUNT, "[ssh]\nknown_hosts = cluster\n", &fleet,
	                           "ssh.known_hosts_port", 0);
	assert_string_equal(got, "unchecked ssh.known_hosts_port migready reached sshd on compute1 "
	                         "port 2222: whether it listens on port 22 too, where nova's ssh "
	                         "connects, is not known here\n");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worlds),
		cmocka_unit_test(test_firewall),
		cmocka_unit_test(test_firewalld_bindings),
		cmocka_unit_test(test_nova_transport),
		cmocka_unit_test(test_conf_refused),
		cmocka_unit_test(test_host_conf),
		cmocka_unit_test(test_passes),
		cmocka_unit_test(test_file_sysctl),
		cmocka_unit_test(test_kvm_access),
		cmocka_unit_test(test_tls_held_back),
		cmocka_unit_test(test_qemu_port_range),
		cmocka_unit_test(test_sshd),
		cmocka_unit_test(test_sshd_shadow_today),
		cmocka_unit_test(test_ssh_nova_user),
		cmocka_unit_test(test_sshd_listen),
		cmocka_unit_test(test_known_hosts_port),
		cmocka_unit_test(test_other_world_listener),
		cmocka_unit_test(test_socket_opts),
		cmocka_unit_test(test_socket_listen_lines),
		cmocka_unit_test(test_port_dropin_lines),
		cmocka_unit_test(test_shell),
		cmocka_unit_test(test_native_tls),
		cmocka_unit_test(test_nova_refuses),
		cmocka_unit_test(test_nova_unproven),
		cmocka_unit_test(test_nova_option_now),
		cmocka_unit_test(test_registry_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
