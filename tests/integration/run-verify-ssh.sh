#!/bin/bash
# migready verify, the SSH side, on the lab's network-namespace hosts
# (tests/lab/lab.sh netns-up): each host its own address, sshd, /etc, and
# here also its own /dev (a tmpfs with the devices virt-host-validate looks
# for), /etc/hosts, home directory for the lab user (who plays nova: [ssh]
# user = mrlab) with the lab's key and known_hosts, instances directory
# (one directory bind-mounted into the hosts that share it), and a
# stand-in for libvirtd's TCP listener. libvirt's side reads the test
# driver (test:///, one empty node per host), its capabilities those of
# a real host (verify_preload.so, each host its own UUID: a document the
# test driver cannot vary leaves checks not examined). First every check passes
# (exit 0); then each is broken on one host, and verify must say which
# pairs fail and why (exit 2), then it is mended.
#   run-verify-ssh.sh MIGREADY LAB_SH SOURCE_DIR PRELOAD
# Exits 77 (skip) where the machine cannot host the lab, except under CI.
set -u
MIGREADY=$(realpath "${1:?usage: run-verify-ssh.sh MIGREADY LAB_SH SOURCE_DIR}")
LAB=${2:?}
SRC=${3:?}
PRELOAD=$(realpath "${4:?}")
# migready with verify_preload.so (before ASan's runtime, as run-verify.sh
# has it); that alone: in the lab's sshd or ssh an ASan build's preload
# would break them
MRV=(env LD_PRELOAD="$PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$MIGREADY")
. "$SRC/tests/lib/expect.sh"
DIR=$(mktemp -d /tmp/migready-vssh.XXXXXX)
chmod 755 "$DIR"
listeners=

cleanup() {
	[ -z "$listeners" ] || kill $listeners 2>/dev/null
	[ -n "${KEEP:-}" ] && return
	bash "$LAB" down "$DIR" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT

. "$SRC/tests/lib/lab.sh"
lab_up "$LAB" netns-up 3 verify-ssh
command -v iptables >/dev/null || { echo "no iptables (scripts/deps.sh installs it): cannot block a port"; exit 1; }
[ -u /usr/bin/sudo ] || { echo "no sudo (scripts/deps.sh test installs it): cannot become root"; exit 1; }
command -v python3 >/dev/null || { echo "no python3: no stand-in listener"; exit 1; }

# Runs a shell command inside host K: its sshd's mount and network
# namespaces, where its /etc, /dev and /var/lib/migready are its own.
in_host() { local k=$1; shift; nsenter -t "$(cat "$DIR/netns/host$k/sshd.pid")" -m -n sh -c "$@"; }

mkdir -p "$DIR/shared"
chown "$LAB_USER:" "$DIR/shared"
for k in 1 2 3; do
	h=$DIR/netns/host$k
	# /dev: the devices libvirt's QEMU driver needs, and what sessions open
	in_host "$k" 'mount -t tmpfs -o mode=755 mrlab-dev /dev && cd /dev &&
		mknod -m 666 null c 1 3 && mknod -m 666 zero c 1 5 && mknod -m 666 urandom c 1 9 &&
		mknod -m 666 random c 1 8 && mknod -m 666 tty c 5 0 && ln -s /proc/self/fd fd &&
		mkdir net && mknod -m 666 net/tun c 10 200 && mknod -m 660 kvm c 10 232 &&
		mknod -m 600 vhost-net c 10 238' || { echo "host$k: cannot make its /dev"; exit 1; }
	# names, as each host resolves them
	in_host "$k" "printf '127.0.0.1 localhost\n' >/etc/hosts"
	for p in 1 2 3; do in_host "$k" "echo '$LAB_NET.$((10 + p)) host$p' >>/etc/hosts"; done
	# the lab user's home (nova's, in production): its key, the peers' host keys
	mkdir -p "$h/home/.ssh"
	cp "$LAB_IDENTITY" "$h/home/.ssh/id_ed25519"
	cp "$LAB_KNOWN_HOSTS" "$h/home/.ssh/known_hosts"
	chown -R "$LAB_USER:" "$h/home"
	chmod 700 "$h/home/.ssh"
	in_host "$k" "sed -i 's#^\\($LAB_USER:[^:]*:[^:]*:[^:]*:[^:]*:\\)[^:]*:#\\1$h/home:#' /etc/passwd"
	# the instances directory, shared by all three to begin with
	mkdir -p "$h/state/instances"
	chown "$LAB_USER:" "$h/state/instances"
	in_host "$k" "mount --bind '$DIR/shared' /var/lib/migready/instances &&
		sed -i 's#^instances_path = .*#instances_path = /var/lib/migready/instances#' /etc/nova/nova.conf"
	# libvirtd's TCP port answers (nothing more is asked of it)
	ip netns exec "$LAB_NETNS_PREFIX$k" python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 16509)); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' &
	listeners="$listeners $!"
	for i in $(seq 1 100); do
		$LAB_EXEC bash -c "exec 3<>/dev/tcp/$LAB_NET.$((10 + k))/16509" 2>/dev/null && break
		sleep 0.1
	done
	printf '<node><cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads><active>2</active><mhz>2000</mhz><model>Haswell</model></cpu><memory>4194304</memory></node>\n' >"$DIR/node$k.xml"
	sed "s#b3c04f333032</uuid>#b3c04f33303$k</uuid>#" "$SRC/tests/data/verify/haswell-a.caps.xml" >"$DIR/node$k.caps.xml"
	cp "$SRC/tests/data/verify/haswell.domcaps.xml" "$DIR/node$k.domcaps.xml"
done
chmod -R a+rX "$DIR"/node*.xml

{
	echo "[defaults]"
	echo "user = $LAB_USER"
	echo "identity = $LAB_IDENTITY"
	echo "known_hosts = $LAB_KNOWN_HOSTS"
	echo "profile = $DIR/profile.ini"
	for k in 1 2 3; do
		printf '[host host%s]\naddress = %s\nlibvirt_uri = test://%s/node%s.xml\n' \
			"$k" "$LAB_NET.$((10 + k))" "$DIR" "$k"
	done
} >"$DIR/inventory.ini"
cat >"$DIR/profile.ini" <<'EOF'
[qemu]
dynamic_ownership = 1
[nfs]
role = client
mount = nfs1:/ /var/lib/migready/instances nfs4 defaults 0 0
[ssh]
user = mrlab
EOF
# the test user reads the lab's files as it would its own
chmod 644 "$DIR/inventory.ini" "$DIR/profile.ini"

# --timeout 40: each network test gets 10 s, which a loaded two-core
# machine running every host of the lab needs for an SSH login
mr() { $LAB_EXEC "${MRV[@]}" --color never --timeout 40 verify -i "$DIR/inventory.ini" "$@"; }
# ok of the pair SRC -> DST in verify's JSON on stdin: True or False
pair_ok() { python3 -c 'import json, sys
d = json.load(sys.stdin)
print([p["ok"] for p in d["pairs"] if p["source"] == sys.argv[1] and p["destination"] == sys.argv[2]][0])' "$@"; }
ssh_line() { printf '  ssh: %s%*s: %s' "$1" $((52 - 3 - ${#1})) '' "$2"; }

# ---- every check passes ----
start=$(date +%s)
out=$(mr 2>&1); st=$?
echo "# first run: $(($(date +%s) - start)) s"
expect_status "verify of three ready hosts" 0 "$st" "$out"
for c in "SSH connection" "pairwise TCP probes" "name resolution" "migration SSH" \
	"shared-storage marker" "uniform ids and settings"; do
	expect_fixed "$c passes" "$(ssh_line "$c" PASS)" "$out"
done
# [nfs] and [ssh] are applied sections: the lab's hosts have no fstab line
# for the share and no known_hosts for the [ssh] user (drift, a warning),
# checked as check does: knowing every host's verified key
expect_fixed "drift from the profile: the missing fstab line" \
	"nfs.mount absent -> 'nfs1:/ /var/lib/migready/instances nfs4 defaults 0 0'" "$out"
expect_fixed "drift from the profile: known_hosts against every host's key" \
	"ssh.known_hosts 'missing host1 ssh-ed25519; missing host2 ssh-ed25519; missing host3 ssh-ed25519' -> '3 peers, every name'" "$out"
expect_no_fixed "drift from the profile: the [ssh] user is known" "ssh.user not checked" "$out"
expect_no_fixed "local sanity: no FAIL" "$(ssh_line "local sanity" FAIL)" "$out"
expect_fixed "every pair can migrate" "6 pairs: 6 can migrate" "$out"
left=$(ls -A "$DIR/shared")
[ -z "$left" ] && ok "markers removed" || not_ok "markers left: $left"
n=$(cat $LAB_LOGS | grep -c 'Accepted publickey')
# migready: one login per host; the probes' migration SSH: one per ordered pair
[ "$n" = $((3 + 6)) ] && ok "one SSH connection per host, plus the pairs' own" ||
	not_ok "logins: $n, not 9"
out=$(mr -f json 2>&1)
expect_fixed "json: the SSH checks" '"migration SSH":"pass",' "$out"
expect_fixed "json: ssh_examined" '"ssh_examined":true,' "$out"

# ---- firewalls (iptables in the host's namespace) ----
fw() { local k=$1; shift; ip netns exec "$LAB_NETNS_PREFIX$k" iptables "$@"; }
# host3 drops libvirt's port and rejects the migration range with an ICMP
# "administratively prohibited"
fw 3 -A INPUT -p tcp --dport 16509 -j DROP
fw 3 -A INPUT -p tcp --dport 49152 -j REJECT --reject-with icmp-admin-prohibited
out=$(mr 2>&1); st=$?
expect_status "verify with host3's ports dropped and prohibited" 2 "$st" "$out"
expect_fixed "pair reason: listener dropped" "host1 -> host3: libvirt's port 16509 on host3 not reachable: time-out: a firewall drops it" "$out"
expect_fixed "pair reason: migration range prohibited" "; migration port 49152 on host3 not reachable: unreachable or prohibited: a firewall rejects it" "$out"
expect_fixed "finding on the destination" "libvirt's port 16509 here not reachable from host1 (time-out: a firewall drops it), host2" "$out"
v=$(mr -f json 2>/dev/null | pair_ok host3 host1)
[ "$v" = True ] && ok "the other way is open" || not_ok "host3 -> host1 not ok ($v)"
# the probe on a host without python3: a process per test, the same words
mkdir -p "$DIR/nopy"
for t in bash timeout getent id awk cat tr sed tail; do ln -s "$(command -v $t)" "$DIR/nopy/$t"; done
out=$($LAB_EXEC env PATH="$DIR/nopy" /bin/sh "$SRC/src/verify_probe.sh" 2 "" "" "" \
	1 host1 "$LAB_NET.11" 16509 49152 22 - "$LAB_NET.11" "$LAB_NET.11" \
	3 host3 "$LAB_NET.13" 16509 49152 - - "$LAB_NET.13" "$LAB_NET.13" 2>&1)
for w in tcp.tool=bash tcp.1.listener=open tcp.1.migration=refused tcp.3.listener=timeout \
	tcp.3.migration=unreachable resolve.3.name=none done=1; do
	expect_grep "probe without python3: $w" "^$w\$" "$out"
done
fw 3 -F INPUT
# host2 resets libvirt's port: refused, as when libvirtd does not listen;
# its migration port, refused too, cannot be told from a closed one
fw 2 -A INPUT -p tcp --dport 16509 -j REJECT --reject-with tcp-reset
out=$(mr 2>&1); st=$?
expect_status "verify with host2's listener reset" 2 "$st" "$out"
expect_fixed "reset listener" "host1 -> host2: libvirt's port 16509 on host2 not reachable: refused: nothing listens there, or a firewall resets it" "$out"
expect_no_fixed "refused migration port: no verdict of its own" "migration port 49152 on host2" "$out"
expect_fixed "refused migration port: unknown, said why" "TCP to host2 port 49152 unknown: refused, as libvirt's port was: a firewall that resets it cannot be told from a closed port" "$out"
fw 2 -F INPUT

# ---- host3's peers migrate to live_migration_inbound_addr: tested there ----
in_host 3 "sed -i 's/^\[libvirt\]\$/[libvirt]\nlive_migration_inbound_addr = $LAB_NET.99/' /etc/nova/nova.conf"
out=$(mr 2>&1); st=$?
expect_status "verify with host3's inbound address where nothing answers" 2 "$st" "$out"
expect_fixed "inbound address: the listener tested there" "host1 -> host3: libvirt's port 16509 on host3 not reachable" "$out"
in_host 3 "sed -i 's/^live_migration_inbound_addr = .*/live_migration_inbound_addr = \$my_ip/' /etc/nova/nova.conf"
out=$(mr 2>&1); st=$?
expect_status "verify with host3's inbound address an interpolation" 4 "$st" "$out"
expect_fixed "inbound address not known: the pairs into host3 not examined" "host1 -> host3: not examined" "$out"
in_host 3 "sed -i '/^live_migration_inbound_addr = /d' /etc/nova/nova.conf"

# ---- nova's ssh goes to host3's my_ip, on its own port: tested there ----
in_host 3 "sed -i 's/^my_ip = .*/my_ip = $LAB_NET.99/' /etc/nova/nova.conf"
out=$(mr 2>&1); st=$?
expect_status "verify with host3's my_ip where nothing answers" 2 "$st" "$out"
expect_fixed "my_ip: the migration SSH tested there" "host1 -> host3: mrlab cannot log in by SSH: " "$out"
in_host 3 "sed -i 's/^my_ip = .*/my_ip = \$state_path/' /etc/nova/nova.conf"
out=$(mr 2>&1); st=$?
expect_fixed "my_ip not known: the SSH pairs into host3 not examined, said why" \
	"nova's my_ip on host3 not known (nova.conf not read, or a \$ interpolation): SSH was tested to $LAB_NET.13 port 22" "$out"
in_host 3 "sed -i 's/^my_ip = .*/my_ip = $LAB_NET.13/' /etc/nova/nova.conf"

# ---- host3's nova.conf sets its CPU, the profile does not: judged as set ----
# (where nova-compute runs: its unit, as the stand-in systemctl and the
# probe see it)
in_host 3 "printf '[Unit]\nDescription=nova-compute\n[Service]\nExecStart=/usr/bin/nova-compute --config-file=/etc/nova/nova.conf\n[Install]\nWantedBy=multi-user.target\n' >/etc/systemd/system/nova-compute.service"
echo "enabled active" >"$DIR/netns/host3/units/nova-compute.service"
in_host 3 "sed -i 's/^\[libvirt\]\$/[libvirt]\ncpu_mode = custom\ncpu_models = Haswell-noTSX/' /etc/nova/nova.conf"
out=$(mr 2>&1); st=$?
expect_status "verify with host3's own custom CPU" 4 "$st" "$out"
expect_fixed "nova.conf's custom models: domain capabilities not asked, said why" \
	"cpu_model 'Haswell-noTSX': usability unknown on host1 (no domain capabilities: not asked: some nova.conf sets cpu_mode = custom, no profile does" "$out"
in_host 3 "sed -i 's/^cpu_mode = custom/cpu_mode = Host-Model/' /etc/nova/nova.conf"
out=$(mr 2>&1); st=$?
expect_status "verify with a cpu_mode nova does not know on host3" 4 "$st" "$out"
expect_fixed "a cpu_mode nova does not know: not examined" \
	"cpu_mode 'Host-Model' is none of nova's: CPU compatibility not examined" "$out"
in_host 3 "sed -i '/^cpu_mode = /d; /^cpu_models = /d' /etc/nova/nova.conf && rm /etc/systemd/system/nova-compute.service"
rm "$DIR/netns/host3/units/nova-compute.service"

# ---- host1 resolves host3's name elsewhere ----
in_host 1 "sed -i 's/^$LAB_NET.13 host3/$LAB_NET.99 host3/' /etc/hosts"
out=$(mr 2>&1); st=$?
expect_status "verify with a wrong name on host1" 2 "$st" "$out"
expect_fixed "name resolution reason" "host1 -> host3: 'host3' resolves to $LAB_NET.99 on host1, not $LAB_NET.13" "$out"
expect_fixed "name resolution failed" "$(ssh_line "name resolution" FAIL)" "$out"
in_host 1 "sed -i 's/^$LAB_NET.99 host3/$LAB_NET.13 host3/' /etc/hosts"

# ---- host2's migration user does not know host3's host key ----
kh=$DIR/netns/host2/home/.ssh/known_hosts
cp "$kh" "$DIR/kh.saved"
grep -v "^$LAB_NET.13 " "$DIR/kh.saved" >"$kh"
out=$(mr 2>&1); st=$?
expect_status "verify with a host key unknown to host2" 2 "$st" "$out"
expect_fixed "migration SSH reason" "host2 -> host3: mrlab cannot log in by SSH: " "$out"
expect_fixed "strict host keys" "Host key verification failed" "$out"
expect_fixed "migration SSH failed" "$(ssh_line "migration SSH" FAIL)" "$out"
cp "$DIR/kh.saved" "$kh"

# ---- host3's instances directory is its own ----
in_host 3 "umount /var/lib/migready/instances"
out=$(mr 2>&1); st=$?
expect_status "verify with host3 not sharing" 2 "$st" "$out"
expect_fixed "shared storage reason" "host1 -> host3: instances not shared: host1's marker not seen on host3" "$out"
expect_fixed "shared storage finding" "a file written in /var/lib/migready/instances here is not seen on host3; seen on host2" "$out"
left=$(ls -A "$DIR/shared" "$DIR/netns/host3/state/instances")
[ -z "$(ls -A "$DIR/shared")$(ls -A "$DIR/netns/host3/state/instances")" ] && ok "markers removed" ||
	not_ok "markers left" "$left"
# block migration declared: not shared is no reason
printf '[qemu]\ndynamic_ownership = 1\n[ssh]\nuser = mrlab\n[nova]\nlive_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC\n' >"$DIR/block.ini"
chmod 644 "$DIR/block.ini"
out=$($LAB_EXEC "${MRV[@]}" --color never --timeout 40 verify -i "$DIR/inventory.ini" -p "$DIR/block.ini" 2>&1)
expect_no_fixed "block migration: no shared-storage reason" "instances not shared" "$out"
expect_fixed "block migration: said as information" "INFO          shared-storage marker: /var/lib/migready/instances here is shared with host2; is not shared with host3" "$out"
in_host 3 "mount --bind '$DIR/shared' /var/lib/migready/instances"

# ---- host3 has no /dev/kvm ----
in_host 3 "rm /dev/kvm"
out=$(mr 2>&1); st=$?
expect_status "verify with no /dev/kvm on host3" 2 "$st" "$out"
expect_fixed "kvm reason" "host1 -> host3: no /dev/kvm on host3" "$out"
expect_fixed "local sanity failed" "$(ssh_line "local sanity" FAIL)" "$out"
in_host 3 "mknod -m 660 /dev/kvm c 10 232"

# ---- host3's qemu.conf differs from the others and from the profile ----
in_host 3 "echo 'dynamic_ownership = 0' >>/etc/libvirt/qemu.conf"
out=$(mr 2>&1); st=$?
expect_status "verify with host3's dynamic_ownership off" 2 "$st" "$out"
expect_fixed "uniformity reason" "host1 -> host3: qemu.conf dynamic_ownership '0', not '(not set)'" "$out"
expect_fixed "uniformity finding" "qemu.conf dynamic_ownership '0' here, '(not set)' on host1, '(not set)' on host2" "$out"
expect_fixed "drift finding" "qemu.dynamic_ownership '0' -> '1'" "$(printf '%s\n' "$out" | grep -F 'settings drifted from the profile:')"
expect_fixed "drift's fix" "fix: migready diff -H host3, then migready apply -H host3" "$out"
in_host 3 "sed -i '\$d' /etc/libvirt/qemu.conf"

# ---- a host that SSH cannot reach ----
sed "s/^address = $LAB_NET.13/address = $LAB_NET.99/" "$DIR/inventory.ini" >"$DIR/down.ini"
chmod 644 "$DIR/down.ini"
out=$($LAB_EXEC "${MRV[@]}" --color never --timeout 40 verify -i "$DIR/down.ini" 2>&1); st=$?
expect_status "verify with host3 unreachable" 6 "$st" "$out"
expect_fixed "the SSH connection fails" "FAIL          SSH connection: host3" "$out"
expect_fixed "its checks not examined" "$(ssh_line "migration SSH" "NOT EXAMINED")" "$out"
v=$($LAB_EXEC "${MRV[@]}" --timeout 40 verify -i "$DIR/down.ini" -f json 2>/dev/null | pair_ok host1 host2)
[ "$v" = True ] && ok "the others still examined" || not_ok "host1 -> host2 not ok ($v)"

# ---- all mended; host1 reached as root (become = sudo) ----
# Logged in as root, the probe becomes the [ssh] user with runuser for the
# migration SSH: a runuser first on the PATH of host1's sudo logs its calls.
h1=$DIR/netns/host1
in_host 1 "umask 077; printf '%s\n' 'Defaults:$LAB_USER secure_path=\"$h1/bin:/usr/sbin:/usr/bin:/sbin:/bin\"' '$LAB_USER ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/mrlab-become && chmod 0440 /etc/sudoers.d/mrlab-become && visudo -cq" ||
	{ echo "cannot set up sudo on host1"; exit 1; }
real_runuser=$(command -v runuser)
printf '#!/bin/sh\necho "$*" >>%s/runuser.log\nexec %s "$@"\n' "$h1" "$real_runuser" >"$h1/bin/runuser"
chmod 755 "$h1/bin/runuser"
sed 's/^\[host host1\]$/&\nbecome = sudo/' "$DIR/inventory.ini" >"$DIR/become.ini"
chmod 644 "$DIR/become.ini"
out=$($LAB_EXEC "${MRV[@]}" --color never --timeout 40 verify -i "$DIR/become.ini" 2>&1); st=$?
expect_status "verify once all is mended, host1 as root" 0 "$st" "$out"
n=$(grep -c -- "-u $LAB_USER -- ssh .* -l $LAB_USER -- " "$h1/runuser.log" 2>/dev/null)
[ "$n" = 2 ] && ok "host1's migration SSH through runuser, once per peer" ||
	not_ok "runuser calls on host1: $n, not 2" "$(cat "$h1/runuser.log" 2>&1)"

summary
[ "$failed" = 0 ]
