#!/bin/sh
# Makes the seed corpora of the fuzz targets, tests/fuzz/seeds/TARGET/, from
# the data the project ships (tests/data, lenses/tests/data, profiles,
# examples), for known_hosts from lines written here, and from the inputs
# in tests/fuzz/regressions/TARGET/ that once found a bug. Files over 8 KB
# are left out: small seeds fuzz faster. Run it again after adding data;
# the result is committed. A new target gets a "seed TARGET FILES..." line.
set -eu
cd "$(dirname "$0")/../.."
out=tests/fuzz/seeds

seed() { # TARGET FILE...: copies each small file in, named after its path
	t=$1
	shift
	mkdir -p "$out/$t"
	for f in "$@"; do
		[ -f "$f" ] && [ "$(wc -c <"$f")" -le 8192 ] || continue
		cp "$f" "$out/$t/$(printf '%s' "$f" | tr '/' '_')"
	done
}

rm -rf "$out"
seed profile tests/data/profiles/*.ini tests/data/profiles/*/*.ini profiles/*.ini \
	tests/data/e2e/*.ini tests/data/golden/*/profile.ini examples/nfs-server.ini
seed inventory_native tests/data/inventory/design.ini tests/data/inventory/errors.ini \
	tests/data/inventory/nohosts.ini tests/data/inventory/precedence.ini \
	tests/data/inventory/typo.ini tests/data/golden/lint-inventory/inventory.ini \
	examples/inventory.ini
seed inventory_ansible tests/data/inventory/ansible*.ini examples/ansible-hosts.ini
# named as they are (not after their path), as they were first committed
mkdir -p "$out/inventory_json" "$out/inventory_yaml"
cp tests/data/inventory/equiv.json tests/data/inventory/equiv_list.json "$out/inventory_json/"
cp tests/data/inventory/equiv.yml "$out/inventory_yaml/"
seed lens_libvirt lenses/tests/data/libvirt*.conf lenses/tests/data/qemu*.conf \
	lenses/tests/data/virtproxyd*.conf tests/data/e2e/host/etc/libvirt/*.conf \
	tests/data/golden/*/root/etc/libvirt/*.conf examples/host/etc/libvirt/*.conf
seed lens_oslo lenses/tests/data/nova*.conf examples/host/etc/nova/nova.conf
seed lens_exports lenses/tests/data/*.exports tests/data/storage/*.exports
seed lens_multipath lenses/tests/data/multipath*.conf tests/data/storage/*multipath.conf
seed firewalld tests/data/firewall/firewalld/*.xml
seed nft tests/data/firewall/nft/*.conf
seed caps tests/data/verify/*.xml
printf '%s\n' '<domain type="kvm">' '  <name>g1</name>' \
	'  <vcpu placement="static" cpuset="0-3,8">4</vcpu>' '  <cputune>' \
	'    <vcpupin vcpu="0" cpuset="1,3-5"/>' '    <vcpupin vcpu="1" cpuset="^4,6"/>' \
	'  </cputune>' '</domain>' >"$out/caps/domain-pinned"

# known_hosts: the first line is the key host:port presents (HOST PORT BASE64
# blob), the rest the file (fuzz_known_hosts.c). Blobs are made up: a type
# name and 32 bytes, all a parser looks at.
kh=$out/known_hosts
mkdir -p "$kh"
blob() { # TYPE BYTE: a key blob of type TYPE, its 32 bytes all BYTE (octal)
	{
		printf "\\000\\000\\000\\$(printf '%03o' "${#1}")%s\\000\\000\\000\\040" "$1"
		i=0
		while [ $i -lt 32 ]; do printf "\\$2"; i=$((i + 1)); done
	} | base64 -w0
}
ed1=$(blob ssh-ed25519 001)
ed2=$(blob ssh-ed25519 002)
ec1=$(blob ecdsa-sha2-nistp256 003)
printf 'compute1 22 %s\ncompute1 ssh-ed25519 %s\n' "$ed1" "$ed1" >"$kh/match"
printf 'compute1 22 %s\n# a comment\ncompute1,10.0.0.1 ssh-ed25519 %s\n' "$ed1" "$ed2" >"$kh/mismatch"
printf 'compute1 22 %s\ncompute1 ecdsa-sha2-nistp256 %s\n' "$ed1" "$ec1" >"$kh/other-type"
printf 'compute1 2222 %s\n[compute1]:2222 ssh-ed25519 %s\ncompute1 ssh-ed25519 %s\n' \
	"$ed1" "$ed1" "$ed2" >"$kh/port"
printf 'web3.example 22 %s\n*.example,!web2.example ssh-ed25519 %s\nweb?.example ssh-ed25519 %s\n' \
	"$ed1" "$ed1" "$ed2" >"$kh/wildcards"
printf 'compute1 22 %s\n@revoked * ssh-ed25519 %s\n@cert-authority *.example ssh-ed25519 %s\ncompute1 ssh-ed25519 %s\n' \
	"$ed1" "$ed1" "$ed2" "$ed1" >"$kh/markers"
printf 'compute1 22 %s\r\ncompute1 ssh-ed25519 %s x@y\r\n\r\n  \t# indented comment\r\ncompute1 ssh-ed25519 %s' \
	"$ed1" "$ed2" "$ed1" >"$kh/crlf-no-final-newline"
# A hashed entry, hashed the way OpenSSH does it (random salts: these two
# files differ on every run; keep the committed ones unless they must change).
tmp=$(mktemp -d)
printf 'compute1 ssh-ed25519 %s\n[10.0.0.5]:2222 ssh-ed25519 %s\n' "$ed1" "$ed2" >"$tmp/kh"
if ssh-keygen -H -f "$tmp/kh" >/dev/null 2>&1; then
	{ printf 'compute1 22 %s\n' "$ed1"; cat "$tmp/kh"; } >"$kh/hashed"
	{ printf '10.0.0.5 2222 %s\n' "$ed1"; cat "$tmp/kh"; } >"$kh/hashed-port"
fi
rm -rf "$tmp"
# known_hosts_merge: the file alone (fuzz_known_hosts_merge.c has its
# peers): the known_hosts seeds, and a stale entry of each peer among
# other hosts, a pattern and a comment
khm=$out/known_hosts_merge
mkdir -p "$khm"
cp "$kh"/* "$khm/"
k3=AAAAC3NzaC1lZDI1NTE5AAAAIGOGfbBYQz5xswrpRa2C0Z4QcHvcor/SI2B+6PvMeIQU
printf 'compute1,10.20.0.11 ssh-ed25519 %s\n# mine\nbastion ssh-ed25519 %s\n*.example.org ssh-ed25519 %s\n[compute2]:2222 ssh-ed25519 %s\n' \
	"$k3" "$k3" "$k3" "$k3" >"$khm/stale"
# authorized_keys: a first line "NOW EXCLUSIVE", the profile's lines, "--",
# then the file (fuzz_authorized_keys.c). Keys: the unit tests' (valid
# ed25519 public keys); NOW 2026-12-05 12:00 UTC.
ak=$out/authorized_keys
mkdir -p "$ak"
k1=AAAAC3NzaC1lZDI1NTE5AAAAIM05D5RUfBBaKw8OGS8kPORBfN8us6qjbnrb+x4h6/RN
k2=AAAAC3NzaC1lZDI1NTE5AAAAIFQDYJDf8j34czi1Xy863c87H3n4WQjOZnRVHVDtldcU
printf '1796472000 0\nssh-ed25519 %s nova\n--\n# ops\nfrom="10.0.0.5",no-pty ssh-ed25519 %s ops\n' \
	"$k1" "$k2" >"$ak/kept"
printf '1796472000 1\nssh-ed25519 %s nova\nssh-ed25519 %s b\n--\nssh-ed25519 %s x\nssh-ed25519 %s y\n' \
	"$k1" "$k2" "$k2" "$k2" >"$ak/exclusive"
printf '1796472000 0\nssh-ed25519 %s nova\n--\nexpiry-time="20240101" ssh-ed25519 %s a\ncommand="/bin/false" ssh-ed25519 %s b' \
	"$k1" "$k1" "$k1" >"$ak/refused"
printf '1796472000 0\ncommand="/usr/bin/x",expiry-time="202612051159Z" ssh-ed25519 %s nova\n--\ncommand="/usr/bin/y" ssh-ed25519 %s a\r\n' \
	"$k1" "$k1" >"$ak/profile-options"
# manifest: the current format with every kind of line (the run's number
# last), and the oldest
mf=$out/manifest
mkdir -p "$mf"
sha_a=6f93057565845069fadb376cf9a534b9f3fc5a9e8a9fa8b56a11eac24075a21d
printf '%s\n' '# migready backup' 'of 20261202T033902Z-4242-123' \
	"existed 0600 0 64055 $sha_a 0640:0:64055 /etc/libvirt/qemu.conf" "created 0000 0 0 $sha_a /etc/sysctl.d/90 m.conf" \
	'removed 0644 0 0 - /etc/gone.conf' 'action daemon-reload' 'action try-restart libvirtd.service' \
	'unit enable x.socket' 'command exportfs -ra' 'owed try-restart virtqemud.service' \
	'dir 0755 0 0 /var/lib/nova/.ssh' 'rule iptables INPUT -p tcp --dport 16509 -j ACCEPT' \
	'rule nft inet filter input tcp dport 16509 accept' 'mount /var/lib/nova/instances' '# seq 7' >"$mf/current"
printf '%s\n' '# migready backup: state, mode, uid, gid, path' \
	'existed 0640 0 116 /etc/libvirt/libvirtd.conf' 'created 0000 0 0 /etc/systemd/system/x.d/my file.conf' \
	>"$mf/old-format"
# facts: what the probe says of the test trees (from migready facts, as
# key=value), and one as a live host would say it
fa=$out/facts
mkdir -p "$fa"
mr=${MIGREADY:-build/src/migready}
if [ -x "$mr" ]; then
	for d in tests/data/facts/debian12 tests/data/facts/masked tests/data/facts/modular \
		tests/data/facts/rhel examples/host; do
		"$mr" facts --local --root "$d" 2>/dev/null | awk 'NR > 1 { sub(/^  /, ""); k = $1
			v = substr($0, length($1) + 1); sub(/^ +/, "", v); print k "=" v }' \
			>"$fa/$(printf '%s' "$d" | tr '/' '_')"
	done
	sed -e 's/^mode=tree/mode=live/' -e 's/^init=systemd-offline/init=systemd/' \
		"$fa/tests_data_facts_debian12" >"$fa/live-debian12"
	# with what a profile's [ssh] and [nova] and a running firewalld add:
	# sshd's lines, nova's migration URI and inbound address, libvirtd's
	# listen_addr, the zones' bindings, nftables' rules after the input chain's,
	# the exports served
	{
		cat "$fa/live-debian12"
		printf '%s\n' 'sshd.line=/etc/ssh/sshd_config 1 Include /etc/ssh/sshd_config.d/*.conf' \
			'sshd.line=/etc/ssh/sshd_config.d/50%20x.conf 1 PubkeyAuthentication no' \
			'sshd.line=/etc/ssh/sshd_config 4 AllowUsers root nova@10.*' \
			'sshd.line=/etc/ssh/sshd_config 5 AuthorizedKeysFile .ssh/authorized_keys %h/k' \
			'sshd.line=/etc/ssh/sshd_config 6 Match User backup' \
			'sshd.line=/etc/ssh/sshd_config 7 StrictModes no' \
			'nova.self=12 [libvirt]live_migration_uri libvirt/live_migration_uri qemu+tcp://%s:16510/system' \
			'nova.before=/etc/nova/nova.conf.d/1.conf libvirt/live_migration_scheme tls' \
			'libvirtd.listen_tls=0' 'fw.firewalld.live=ok' 'fw.firewalld.zone=public' \
			'fw.firewalld.bind=internal sources: 10.20.0.0/16 ::/0' \
			'fw.firewalld.bind=work interfaces: eth1' 'fw.firewalld.accept=public 16509/tcp' \
			'fw.nft.live=ok' 'fw.nft.input=inet filter input drop 7' 'fw.nft.input=ip guard in accept 3' \
			'fw.nft.after=ip guard in 1 tcp dport { 22, 16509 } drop' \
			'fw.nft.after=ip guard in 0 ip saddr 10.0.0.0/8 tcp dport 49152-49261 accept' \
			'nova.self=20 [libvirt]live_migration_inbound_addr libvirt/live_migration_inbound_addr 10.0.1.5' \
			'libvirtd.listen_addr="cmp1-mgmt"' 'libvirtd.listen_addr_ip=10.0.0.5' \
			'nfs.exportfs=ok' 'nfs.active=/var/lib/nova/instances 10.20.0.0/24' \
			'nfs.active_opts=/var/lib/nova/instances 10.20.0.0/24 sync,wdelay,fsid=1,rw,root_squash'
	} >"$fa/live-debian12-more"
	# and what makes other checks give up or fail, in a seed of its own
	# (each would mask paths of the one above): shells missing, sshd and
	# virtproxyd given other files, Kerberos, a nova.conf in nova's home
	{
		cat "$fa/live-debian12"
		printf '%s\n' 'shell.exec=/bin/sh no' 'shell.exec=/bin/zsh yes' \
			'sshd.config=/etc/ssh/site_config' 'sshd.line=/etc/ssh/site_config 1 Include x.conf' \
			'virtproxyd.args=-t 5 $X' 'virtproxyd.args_unknown=yes' \
			'libvirt.sasl_mechs= gssapi, scram-sha-1' \
			'libvirt.sasl_keytab=/etc/krb5.keytab absent' 'nova.conf_first=/var/lib/nova/.nova/nova.conf'
	} >"$fa/live-debian12-odd"
	# the facts of December 5's checks: a mount that is no share, mount
	# units and autofs, multipath's running maps, QEMU's stream address and
	# accounts, sshd's -o options, the ssh client's files, auth.conf, a
	# socket bound to one address, a firewalld reject rule, nova's my_ip
	{
		cat "$fa/live-debian12"
		printf '%s\n' 'mount.instances_opts=ro,relatime' 'mount.instances_root=/hostb' \
			'mount.unit=/etc/systemd/system/var-lib-nova-instances.mount masked' \
			'mount.autofs=/etc/auto.master /var/lib' \
			'mpath.map=mpatha 3600508b1001c5ae72f' 'mpath.map=data 3600508b1001c5ae730' \
			'qemu.migration_address="127.0.0.1"' 'qemu.migration_host=cmp1-mig' \
			'qemu.migration_port_max=49300' 'ids.passwd=read' 'ids.group=read' \
			'sshd.line=ssh.service%20-o 0 PubkeyAcceptedKeyTypes -ssh-ed25519*' \
			'ssh.client=/var/lib/nova/.ssh/config 3 IdentityFile' \
			'libvirt.auth_conf=/etc/libvirt/auth.conf' \
			'libvirt.auth_key=auth-libvirt-default credentials mig' \
			'libvirt.auth_key=credentials-mig authname nova' \
			'socket.libvirtd-tcp.socket.listen=/etc/systemd/system/libvirtd-tcp.socket.d/x.conf 2 10.0.0.5:16509' \
			'fw.firewalld.accept=public rule family="ipv4" source address="10.0.0.0/8" reject' \
			'nova.self=30 [DEFAULT]my_ip DEFAULT/my_ip 10.20.0.7' \
			'nova.self=31 [DEFAULT]state_path DEFAULT/state_path /srv/nova'
	} >"$fa/live-debian12-checks"
fi
# Inputs that once broke a promise (each also a unit test): seeds too. One
# that is slow by nature (a line of 10000 hosts) stays a unit test only: as
# a seed, its mutations would take most of a target's budget.
for d in tests/fuzz/regressions/*/; do
	[ -d "$d" ] || continue
	t=$(basename "$d")
	mkdir -p "$out/$t"
	cp "$d"* "$out/$t/"
done
echo "seeds: $(find "$out" -type f | wc -l) files, $(du -sk "$out" | cut -f1) KB in $out"
