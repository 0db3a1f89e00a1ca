#!/bin/bash
# The binary against a fleet of real sshd hosts (tests/lab/lab.sh):
#   local  ten simulated hosts behind one sshd on 127.0.0.1 (root prefixes)
#   netns  three hosts in network namespaces, each its own sshd and /etc,
#          reached with no root prefix, as in production
# The hosts are Debian 12 compute nodes whose libvirtd is socket-activated
# (tests/lab/node): the e2e profile must enable libvirtd-tcp.socket (local:
# `systemctl --root`, the symlink; netns: the lab's stand-in systemctl,
# which keeps the units' states and refuses to start a socket while its
# service runs). Also: two applies at once (the host's lock), a hostile
# restart-pending, the controller killed while it holds a lock, and a
# reply that reaches libssh2's queue while it reads stderr.
# Exits 77 (skip) where the machine cannot host the lab (not root, no netns),
# except under CI (CI set and not empty), where a suite that cannot run
# fails.
set -u
MIGREADY=$(realpath "${1:?usage: run-fleet.sh MIGREADY LAB_SH SOURCE_DIR local|netns SLOW_STDERR_SO}")
LAB=${2:?}
SRC=${3:?}
MODE=${4:?}
SLOW_STDERR=$(realpath "${5:?}")
PROFILE=$SRC/tests/data/e2e/profile.ini
DIR=$(mktemp -d /tmp/migready-fleet.XXXXXX)
chmod 755 "$DIR"
. "$SRC/tests/lib/expect.sh"

# the runs this script starts in the background (some stopped): never left
bg_pids=
cleanup() {
	[ -z "$bg_pids" ] || kill -KILL $bg_pids 2>/dev/null
	bash "$LAB" down "$DIR" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT

# Logins, not connections: the lab's own readiness probes never log in.
connections() { cat $LAB_LOGS 2>/dev/null | grep -c 'Accepted publickey' || true; }
# SSH sessions (an exec or the SFTP subsystem each; LogLevel VERBOSE)
sessions() { cat $LAB_LOGS 2>/dev/null | grep -c 'Starting session:' || true; }

run_systemd_before=0
[ ! -e /run/systemd/system ] || run_systemd_before=1
. "$SRC/tests/lib/lab.sh"
if [ "$MODE" = netns ]; then lab_up "$LAB" netns-up 3 fleet; else lab_up "$LAB" up 10 fleet; fi
INV=$LAB_INVENTORY
# A CI machine running other suites beside this one can leave a session
# silent for seconds: what is tested here is behaviour, not timing, so the
# silence limit is generous (tests of time-outs pass their own, which wins).
T=60
mr() { $LAB_EXEC "$MIGREADY" --color never --timeout $T "$@"; }
host_file() { # HOST PATH: the host's copy of PATH
	if [ "$LAB_MODE" = netns ]; then echo "$DIR/netns/$1/upper/${2#/etc/}"; else echo "$DIR/hosts/$1$2"; fi
}

hosts=$(seq -f 'host%g' 1 "$LAB_HOSTS")
# netns: the stand-in systemctl's calls on HOST, but for the facts probe's
# "show" (one per run), and a unit's state ("enabled active")
calls() { grep -v '^show ' "$DIR/netns/$1/systemctl.log"; }
shows() { grep -c '^show ' "$DIR/netns/$1/systemctl.log"; }
unit_state() { cat "$DIR/netns/$1/units/$2"; }
# the host's /var/lib/migready
state_dir() { if [ "$LAB_MODE" = netns ]; then echo "$DIR/netns/$1/state"; else echo "$DIR/hosts/$1/var/lib/migready"; fi; }
# a digest of the host's managed files, inode and time included: "not
# rewritten" means the same inodes, not only the same bytes
files_id() {
	local h f
	for h in $hosts; do
		for f in /etc/libvirt/libvirtd.conf /etc/libvirt/qemu.conf /etc/default/libvirtd; do
			stat -c "$h %n %i %Y" "$(host_file "$h" "$f")"
			sha256sum < "$(host_file "$h" "$f")"
		done
		ls "$(state_dir "$h")/backups" 2>/dev/null
	done
}

# The facts: a Debian 12 host whose libvirtd is socket-activated.
out=$(mr facts -i "$INV" -H host1 2>&1); expect_status "facts" 0 $? "$out"
expect_grep "facts: socket-activated libvirtd" '^  libvirt.listener +socket \(libvirtd.socket is enabled' "$out"
expect_grep "facts: libvirtd-tcp.socket disabled" '^  unit.libvirtd-tcp.socket +disabled ' "$out"
expect_grep "facts: Debian 12" '^  os.id +debian$' "$out"
if [ "$LAB_MODE" = netns ]; then
	expect_grep "facts: a running host" '^  mode +live$' "$out"
	expect_grep "facts: systemd runs there (the host's own /run)" '^  init +systemd$' "$out"
	expect_grep "facts: the units' states from the stand-in systemctl" '^  unit.libvirtd.service +enabled active$' "$out"
	[ "$(calls host1)" = "" ] && [ "$(shows host1)" = 1 ] && ok "facts: one systemctl call, a show" \
		|| not_ok "facts: one systemctl call, a show" "$(cat "$DIR/netns/host1/systemctl.log")"
	[ "$run_systemd_before" = 1 ] || [ ! -e /run/systemd/system ] \
		&& ok "no /run/systemd/system on the real machine" || not_ok "the lab created /run/systemd/system on the real machine"
else
	expect_grep "facts: a tree" '^  mode +tree$' "$out"
	expect_grep "facts: systemd units read offline" '^  init +systemd-offline$' "$out"
	expect_grep "facts: libvirt's version from the tree's dpkg database" '^  libvirt.version +9.0.0$' "$out"
fi

# Converge: check -> 2, apply -> 2, check -> 0, apply -> 0; one connection per host per run.
declare -A shows_before
if [ "$LAB_MODE" = netns ]; then for h in $hosts; do shows_before[$h]=$(($(shows "$h") + 1)); done; fi
c0=$(connections)
out=$(mr check -i "$INV" -p "$PROFILE" 2>&1); expect_status "check of a drifted fleet" 2 $? "$out"
c1=$(connections)
[ $((c1 - c0)) = "$LAB_HOSTS" ] && ok "one SSH connection per host ($LAB_HOSTS)" \
	|| not_ok "one SSH connection per host: $((c1 - c0)) for $LAB_HOSTS hosts"
order=$(printf '%s\n' "$out" | grep -oE '^host[0-9]+' | tr '\n' ' ')
want=$(seq -f 'host%g' 1 "$LAB_HOSTS" | tr '\n' ' ')
[ "$order" = "$want" ] && ok "results in inventory order" || not_ok "results in inventory order" "$order"
n=$(printf '%s\n' "$out" | grep -cE "^  libvirtd.listener +drift +'disabled(, inactive)?' -> 'enabled(, active)?'  \(unit libvirtd-tcp.socket")
[ "$n" = "$LAB_HOSTS" ] && ok "check: libvirtd-tcp.socket drifts on every host" || not_ok "check: the listener's drift ($n hosts)" "$out"
printf '%s\n' "$out" | grep -q 'listen_tcp' && not_ok "check: listen_tcp is not a setting of socket-activated libvirtd" "$out" \
	|| ok "check: listen_tcp is not a setting of socket-activated libvirtd"
if [ "$LAB_MODE" = netns ]; then
	expect_grep "check: says apply would restart libvirtd" '^  apply would restart: libvirtd.service$' "$out"
	bad=
	for h in $hosts; do [ "$(calls "$h")" = "" ] && [ "$(shows "$h")" = "${shows_before[$h]}" ] || bad="$bad $h"; done
	[ -z "$bad" ] && ok "check: one systemctl show per host, nothing else" || not_ok "check ran systemctl on:$bad"
fi
s0=$(sessions)
out=$(mr apply -i "$INV" -p "$PROFILE" -j 4 2>&1); expect_status "apply on the fleet" 2 $? "$out"
expect_grep "every host changed" "^$LAB_HOSTS hosts?: 0 in the desired state, $LAB_HOSTS changed, 0 failed$" "$out"
# The commit and the pruning run in the facts probe's shell, which holds
# the lock: an apply costs the SFTP session and that one exec per host.
s1=$(sessions)
[ $((s1 - s0)) = $((2 * LAB_HOSTS)) ] && ok "apply: two SSH sessions per host (SFTP, one exec)" \
	|| not_ok "apply: two SSH sessions per host: $((s1 - s0)) for $LAB_HOSTS hosts"
f=$(host_file host1 /etc/libvirt/libvirtd.conf)
grep -A1 -x '#auth_tcp = "sasl"' "$f" | tail -1 | grep -qx 'auth_tcp = "none"' \
	&& ok "host1's libvirtd.conf has auth_tcp below its default" || not_ok "host1's libvirtd.conf: auth_tcp" "$(cat "$f")"
grep -qE '^[[:space:]]*(listen_tcp|listen_tls|tcp_port)[[:space:]]*=' "$f" \
	&& not_ok "listen_tcp, listen_tls, tcp_port not written (socket-activated libvirtd ignores them)" "$(cat "$f")" \
	|| ok "listen_tcp, listen_tls, tcp_port not written (socket-activated libvirtd ignores them)"
f=$(host_file host1 /etc/libvirt/qemu.conf)
grep -qx 'user = "nova"' "$f" && grep -qx 'migration_port_max = 49261' "$f" \
	&& ok "host1's qemu.conf written" || not_ok "host1's qemu.conf written" "$(cat "$f")"
grep -qE -- '^[^#]*--listen' "$(host_file host1 /etc/default/libvirtd)" \
	&& not_ok "no --listen in /etc/default/libvirtd" || ok "no --listen in /etc/default/libvirtd"
bad=
if [ "$LAB_MODE" = netns ]; then
	# No root prefix: the socket enabled, libvirtd stopped before the socket
	# starts (the stand-in refuses otherwise) and started after it, and
	# that start is its restart: no try-restart besides.
	want_calls='--no-ask-password enable -- libvirtd-tcp.socket
--no-ask-password stop -- libvirtd.service
--no-ask-password start -- libvirtd-tcp.socket
--no-ask-password start -- libvirtd.service'
	for h in $hosts; do
		[ "$(calls "$h")" = "$want_calls" ] || { bad="$bad $h"; not_ok "$h: systemctl calls" "$(calls "$h")"; }
		[ "$(unit_state "$h" libvirtd-tcp.socket)" = "enabled active" ] || bad="$bad $h:tcp"
		[ "$(unit_state "$h" libvirtd.service)" = "enabled active" ] || bad="$bad $h:service"
		[ "$(unit_state "$h" libvirtd-tls.socket)" = "disabled inactive" ] || bad="$bad $h:tls"
	done
	[ -z "$bad" ] && ok "every host: libvirtd-tcp.socket enabled and started, libvirtd stopped before it and started after" \
		|| not_ok "units after apply:$bad"
	expect_grep "the report names the restarts" '^  restarted: libvirtd-tcp.socket$' "$out"
	n=$(printf '%s\n' "$out" | grep -c '^  restarted: libvirtd.service$')
	[ "$n" = "$LAB_HOSTS" ] && ok "libvirtd.service restarted once per host" || not_ok "libvirtd.service restarted once per host ($n)" "$out"
else
	# Under a root prefix: enabled offline (systemctl --root), as
	# systemctl makes the link; nothing else enabled.
	for h in $hosts; do
		l=$DIR/hosts/$h/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket
		[ "$(readlink "$l")" = /etc/systemd/system/libvirtd-tcp.socket ] || bad="$bad $h"
		[ ! -e "$DIR/hosts/$h/etc/systemd/system/sockets.target.wants/libvirtd-tls.socket" ] || bad="$bad $h:tls"
	done
	[ -z "$bad" ] && ok "every host: libvirtd-tcp.socket enabled in the tree (sockets.target.wants)" \
		|| not_ok "enablement links after apply:$bad"
	printf '%s\n' "$out" | grep -q 'restarted:' && not_ok "nothing restarted under a root prefix" "$out" \
		|| ok "nothing restarted under a root prefix"
fi
out=$(mr check -i "$INV" -p "$PROFILE" 2>&1); expect_status "check of the converged fleet" 0 $? "$out"
before=$(files_id)
out=$(mr apply -i "$INV" -p "$PROFILE" 2>&1); expect_status "second apply" 0 $? "$out"
expect_grep "second apply changes nothing" "^$LAB_HOSTS hosts?: $LAB_HOSTS in the desired state, 0 changed, 0 failed$" "$out"
[ "$(files_id)" = "$before" ] && ok "second apply rewrites no file and makes no backup" \
	|| not_ok "second apply rewrote something" "$(diff <(echo "$before") <(files_id))"
if [ "$LAB_MODE" = netns ]; then
	bad=
	for h in $hosts; do [ "$(calls "$h")" = "$want_calls" ] || bad="$bad $h"; done
	[ -z "$bad" ] && ok "second apply runs nothing" || not_ok "second apply ran systemctl on:$bad"
	# A file changed, and only that: libvirtd restarted once, if it runs.
	printf '\n[qemu]\nmigration_port_max = 49300\n' >"$DIR/ports.ini"
	out=$(mr apply -i "$INV" -p "$PROFILE" -p "$DIR/ports.ini" -H host1 2>&1); expect_status "apply of a qemu.conf change" 2 $? "$out"
	new=$(calls host1 | tail -n +5)
	[ "$new" = "--no-ask-password try-restart -- libvirtd.service" ] && ok "a changed file: try-restart of libvirtd, once" \
		|| not_ok "a changed file: try-restart of libvirtd, once" "$new"
	out=$(mr apply -i "$INV" -p "$PROFILE" -H host1 2>&1); expect_status "apply back" 2 $? "$out"
	new=$(calls host1 | tail -n +6)
	[ "$new" = "--no-ask-password try-restart -- libvirtd.service" ] && ok "and back: try-restart once more" \
		|| not_ok "and back: try-restart once more" "$new"
	# A stopped libvirtd stays stopped: try-restart.
	echo "enabled inactive" >"$DIR/netns/host1/units/libvirtd.service"
	out=$(mr apply -i "$INV" -p "$PROFILE" -p "$DIR/ports.ini" -H host1 2>&1); expect_status "apply with libvirtd stopped" 2 $? "$out"
	[ "$(unit_state host1 libvirtd.service)" = "enabled inactive" ] && ok "a stopped libvirtd is not started by a file change" \
		|| not_ok "a stopped libvirtd is not started by a file change" "$(unit_state host1 libvirtd.service)"
	echo "enabled active" >"$DIR/netns/host1/units/libvirtd.service"
	out=$(mr apply -i "$INV" -p "$PROFILE" -H host1 2>&1); expect_status "apply back" 2 $? "$out"
	# The listener turned off: stopping the socket leaves libvirtd its
	# copy of the listening descriptor, so libvirtd stops and starts
	# after it (found by a review: the port stayed open)
	printf '\n[libvirtd]\nlisten_tcp = no\n' >"$DIR/off.ini"
	out=$(mr check -i "$INV" -p "$PROFILE" -p "$DIR/off.ini" -H host1 2>&1)
	expect_grep "check: turning the listener off restarts libvirtd" '^  apply would restart: libvirtd.service$' "$out"
	n0=$(calls host1 | wc -l)
	out=$(mr apply -i "$INV" -p "$PROFILE" -p "$DIR/off.ini" -H host1 2>&1); expect_status "apply of listen_tcp = no" 2 $? "$out"
	new=$(calls host1 | tail -n +$((n0 + 1)))
	# (the socket first: while it listened, a connection could activate
	# libvirtd again and hand it the descriptor; found by a review)
	want='--no-ask-password disable -- libvirtd-tcp.socket
--no-ask-password stop -- libvirtd-tcp.socket
--no-ask-password stop -- libvirtd.service
--no-ask-password start -- libvirtd.service'
	[ "$new" = "$want" ] && ok "listener off: the socket stopped, then libvirtd stopped and started" \
		|| not_ok "listener off: the socket stopped, then libvirtd stopped and started" "$new"
	[ "$(unit_state host1 libvirtd-tcp.socket) $(unit_state host1 libvirtd.service)" = "disabled inactive enabled active" ] \
		&& ok "listener off: the socket off, libvirtd running" \
		|| not_ok "listener off: the socket off, libvirtd running" "$(unit_state host1 libvirtd-tcp.socket) / $(unit_state host1 libvirtd.service)"
	out=$(mr apply -i "$INV" -p "$PROFILE" -H host1 2>&1); expect_status "apply back" 2 $? "$out"
fi
out=$(mr check -i "$INV" -p "$PROFILE" 2>&1 >/dev/null)
[ -z "$out" ] && ok "no progress line when stderr is not a terminal" || not_ok "stderr is quiet" "$out"
out=$(script -qec "$LAB_EXEC $MIGREADY check -i $INV -p $PROFILE" /dev/null 2>&1)
expect_grep "progress line on a terminal" "$LAB_HOSTS/$LAB_HOSTS hosts done, 0 failed" "$out"

# A host whose sshd is down fails alone.
sed -e 's/^\[host host2\]/[host ghost]\naddress = 127.0.0.1\nport = 1\n\n&/' "$INV" >"$DIR/with-ghost.ini"
[ "$LAB_MODE" = netns ] && sed -i 's/^address = 127.0.0.1$/address = 10.199.0.250/' "$DIR/with-ghost.ini"
# --timeout bounds the others too: 6 s of silence, not reached by a loaded lab
out=$(mr check -i "$DIR/with-ghost.ini" -p "$PROFILE" --timeout 6 2>&1); st=$?
expect_status "check with an unreachable host" 4 "$st" "$out"
expect_grep "the unreachable host is named" '^ghost: failed' "$out"
expect_grep "the others are still checked" "^$((LAB_HOSTS + 1)) hosts: $LAB_HOSTS in the desired state, 0 drifted, 1 failed$" "$out"

# A wrong host key: refused with both fingerprints, nothing read or written.
ssh-keygen -q -t ed25519 -N '' -f "$DIR/other_key" >/dev/null
if [ "$LAB_MODE" = netns ]; then target="10.199.0.11"; else target="[127.0.0.1]:$PORT"; fi
awk -v t="$target" -v k="$(cut -d' ' -f1,2 "$DIR/other_key.pub")" '$1 == t { print t, k; next } { print }' \
	"$LAB_KNOWN_HOSTS" >"$DIR/wrong_known_hosts"
sed "s|^known_hosts = .*|known_hosts = $DIR/wrong_known_hosts|" "$INV" >"$DIR/wrong.ini"
printf '\n[qemu]\nuser = libvirt-qemu\n' >"$DIR/change.ini"
before=$(cat "$(host_file host1 /etc/libvirt/qemu.conf)" | sha256sum)
out=$(mr apply -i "$DIR/wrong.ini" -p "$PROFILE" -p "$DIR/change.ini" -H host1 2>&1); st=$?
expect_status "apply with a wrong host key" 4 "$st" "$out"
expect_grep "mismatch shows both fingerprints" 'SHA256:[A-Za-z0-9+/]{43}.*SHA256:[A-Za-z0-9+/]{43}' "$out"
[ "$(cat "$(host_file host1 /etc/libvirt/qemu.conf)" | sha256sum)" = "$before" ] \
	&& ok "nothing written on the host with the wrong key" || not_ok "nothing written with a wrong key"

# An unknown host key: refused under strict, accepted and recorded under accept-new.
: >"$DIR/empty_known_hosts"
sed "s|^known_hosts = .*|known_hosts = $DIR/empty_known_hosts|" "$INV" >"$DIR/unknown.ini"
out=$(mr check -i "$DIR/unknown.ini" -p "$PROFILE" -H host1 2>&1); st=$?
expect_status "unknown host key under strict" 4 "$st" "$out"
expect_grep "unknown key is named" 'unknown|not known' "$out"
sed -i 's/^\[defaults\]$/[defaults]\nhost_key_check = accept-new/' "$DIR/unknown.ini"
out=$(mr check -i "$DIR/unknown.ini" -p "$PROFILE" -H host1 2>&1); st=$?
expect_status "unknown host key under accept-new" 0 "$st" "$out"
[ -s "$DIR/empty_known_hosts" ] && ok "accept-new recorded the key" || not_ok "accept-new recorded the key"
sed -i 's/^host_key_check = accept-new$/host_key_check = strict/' "$DIR/unknown.ini"
out=$(mr check -i "$DIR/unknown.ini" -p "$PROFILE" -H host1 2>&1); st=$?
expect_status "the recorded key is then trusted under strict" 0 "$st" "$out"

# A remote symlink target is refused; the other hosts are fixed.
q=$(host_file host2 /etc/libvirt/qemu.conf)
if [ "$LAB_MODE" = netns ]; then
	# Through the host's own sshd: its /etc is an overlay only it sees whole.
	$LAB_EXEC ssh -q -o BatchMode=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -i "$LAB_IDENTITY" \
		"$LAB_USER@$LAB_NET.12" 'cd /etc/libvirt && mv qemu.conf qemu.conf.real && ln -s qemu.conf.real qemu.conf'
else
	mv "$q" "$q.real" && ln -s qemu.conf.real "$q"
fi
out=$(mr apply -i "$INV" -p "$PROFILE" -p "$DIR/change.ini" 2>&1); st=$?
expect_status "apply with a symlinked qemu.conf on host2" 6 "$st" "$out"
expect_grep "symlink refusal names host2" 'host2:/etc/libvirt/qemu.conf: is a symbolic link' "$out"
grep -qx 'user = "nova"' "$q.real" && ok "the link's target is untouched" || not_ok "the link's target is untouched" "$(cat "$q.real")"
grep -qx 'user = "libvirt-qemu"' "$(host_file host1 /etc/libvirt/qemu.conf)" && ok "host1 still changed" || not_ok "host1 still changed"

# A host root whose /etc/libvirt is an absolute link out of it: refused,
# nothing written where it points.
if [ "$LAB_MODE" = local ]; then
	mkdir -p "$DIR/outside"
	cp -a "$DIR/hosts/host3/etc/libvirt" "$DIR/outside/"
	chown -R "$LAB_USER:" "$DIR/outside"
	rm -rf "$DIR/hosts/host3/etc/libvirt"
	ln -s "$DIR/outside/libvirt" "$DIR/hosts/host3/etc/libvirt"
	before=$(cat "$DIR/outside/libvirt/qemu.conf" | sha256sum)
	out=$(mr apply -i "$INV" -p "$PROFILE" -H host3 2>&1); st=$?
	expect_status "apply where a link leads out of a host's root" 4 "$st" "$out"
	expect_grep "the escape is named" 'host3:/etc/libvirt/qemu.conf: a symbolic link leads out of the root' "$out"
	[ "$(cat "$DIR/outside/libvirt/qemu.conf" | sha256sum)" = "$before" ] \
		&& ok "nothing written outside the host's root" || not_ok "nothing written outside the host's root"
	rm "$DIR/hosts/host3/etc/libvirt"
	mv "$DIR/outside/libvirt" "$DIR/hosts/host3/etc/libvirt"
fi

# A link swapped in after the check (issue 11, item 8): the commit paused
# before its renames (src/commit.sh's fault point), host3's /etc/libvirt
# moved out of its root and a link to it put in its place; the renames
# must not follow it. Over SSH (the lab's sshd passes MIGREADY_FAULT on)
# and through the local transport. Then over SSH paused before the
# temporary file is made (src/become.sh's stage): no file may be made
# outside the root.
if [ "$LAB_MODE" = local ]; then
	mkdir -p "$DIR/faults" "$DIR/outside2"
	chown "$LAB_USER:" "$DIR/faults"
	lv=$DIR/hosts/host3/etc/libvirt
	# swap_test POINT NAME COMMAND...: runs COMMAND in the background, swaps
	# when it pauses at POINT, checks
	swap_test() {
		local fault_file=$DIR/faults/migready-fault.$1 name=$2 pid st out before
		shift 2
		"$@" >"$DIR/swap.out" 2>&1 & pid=$!; bg_pids="$bg_pids $pid"
		for i in $(seq 1 600); do [ -s "$fault_file" ] && break; sleep 0.1; done
		[ -s "$fault_file" ] || not_ok "$name: the commit never paused" "$(cat "$DIR/swap.out")"
		mv "$lv" "$DIR/outside2/libvirt" && ln -s "$DIR/outside2/libvirt" "$lv"
		before=$(cat "$DIR/outside2/libvirt/qemu.conf" | sha256sum)
		rm -f "$fault_file"
		wait $pid; st=$?; bg_pids=
		out=$(cat "$DIR/swap.out")
		expect_status "$name" 4 "$st" "$out"
		expect_grep "$name: the escape is named" 'host3:/etc/libvirt/[a-z]+\.conf: a symbolic link leads out of the root|localhost:/etc/libvirt/[a-z]+\.conf: a symbolic link leads out of the root' "$out"
		[ "$(cat "$DIR/outside2/libvirt/qemu.conf" | sha256sum)" = "$before" ] \
			&& ok "$name: nothing written outside the root" || not_ok "$name: qemu.conf outside the root rewritten"
		ls -a "$DIR/outside2/libvirt" | grep -q '\.migready-.*\.orig' && not_ok "$name: an original kept outside the root" || ok "$name: nothing kept outside the root"
		[ "$fault_file" = "${fault_file%.stage}" ] || ! ls -a "$DIR/outside2/libvirt" | grep -q '\.migready-' \
			&& ok "$name: no temporary file made outside the root" || not_ok "$name: a temporary file made outside the root" "$(ls -a "$DIR/outside2/libvirt")"
		rm "$lv"
		mv "$DIR/outside2/libvirt" "$lv"
	}
	printf '\n[qemu]\nuser = swapped\n' >"$DIR/swap.ini"
	# the lab's sshd reads its config again (same pid)
	sshd_reload() { lab_sshd_reload "$DIR/sshd.pid" "$DIR/sshd.log" || not_ok "the lab's sshd reloaded"; }
	# sshd_fault SPEC: the lab's sshd gives its sessions MIGREADY_FAULT=SPEC
	# ('' for none)
	sshd_fault() {
		sed -i '/^SetEnv MIGREADY_FAULT=/d' "$DIR/sshd_config"
		[ -z "$1" ] || sed -i "\$a SetEnv MIGREADY_FAULT=$1 MIGREADY_FAULT_DIR=$DIR/faults" "$DIR/sshd_config"
		sshd_reload
	}
	sshd_fault before-rename:pause
	swap_test before-rename "a link swapped in before the renames, over SSH" mr apply -i "$INV" -p "$PROFILE" -p "$DIR/swap.ini" -H host3
	sshd_fault stage:pause
	swap_test stage "a link swapped in before the temporary file, over SSH" mr apply -i "$INV" -p "$PROFILE" -p "$DIR/swap.ini" -H host3
	sshd_fault ''
	swap_test before-rename "a link swapped in before the renames, locally" env MIGREADY_FAULT=before-rename:pause MIGREADY_FAULT_DIR="$DIR/faults" \
		"$MIGREADY" --color never apply -l --root "$DIR/hosts/host3" -p "$PROFILE" -p "$DIR/swap.ini"
	out=$(mr check -i "$INV" -p "$PROFILE" -p "$DIR/change.ini" -H host3 2>&1); expect_status "host3 as it was after the swaps" 0 $? "$out"
	# An sshd with no SFTP subsystem: the host fails, named, with what to set.
	sed -i '/^Subsystem sftp /d' "$DIR/sshd_config"; sshd_reload
	out=$(mr check -i "$INV" -p "$PROFILE" -H host3 2>&1); expect_status "check where sshd has no SFTP" 4 $? "$out"
	expect_grep "the missing SFTP subsystem is named, with what to set" "host3: its sshd offers no SFTP subsystem.*add 'Subsystem sftp internal-sftp'" "$out"
	echo 'Subsystem sftp internal-sftp' >>"$DIR/sshd_config"; sshd_reload
fi

# Host selection by glob, and the Ansible form of the same inventory.
out=$(mr check -i "$INV" -p "$PROFILE" -H 'host1*' -q 2>&1)
n=$(printf '%s\n' "$out" | tail -1 | grep -oE '^[0-9]+')
want=1; [ "$LAB_HOSTS" -ge 10 ] && want=2
[ "$n" = "$want" ] && ok "-H 'host1*' selects $want hosts" || not_ok "-H glob" "$out"
{
	echo "[compute]"
	awk '/^\[host /{h=$2; sub(/\]/,"",h)} /^address =/{a=$3} /^root =/{r=$3} /^$/{ if (h) { print h, "ansible_host=" a (r ? " migready_root=" r : ""); h=""; r="" } } END { if (h) print h, "ansible_host=" a (r ? " migready_root=" r : "") }' "$INV"
	echo "[all:vars]"
	echo "ansible_user=$LAB_USER"
	[ "$LAB_MODE" = local ] && echo "ansible_port=$PORT"
	echo "ansible_ssh_private_key_file=$LAB_IDENTITY"
	echo "migready_known_hosts=$LAB_KNOWN_HOSTS"
} >"$DIR/ansible-hosts"
out=$(mr check -i "$DIR/ansible-hosts" -p "$PROFILE" -p "$DIR/change.ini" -H 'host[3-9]' 2>&1); st=$?
expect_status "check through an Ansible inventory" 0 "$st" "$out"

# ---- The host's lock: two applies at once, a stopped and a killed holder ----
# Hosts but host2 (its qemu.conf is a symbolic link now). P1 and P2 differ
# in both files: each host must end with both files from one of them.
sel=$(printf '%s\n' $hosts | grep -vx host2 | tr '\n' ' ')
hsel=(); for h in $sel; do hsel+=(-H "$h"); done
printf '[libvirtd]\nauth_tcp = none\n[qemu]\nuser = nova\ngroup = nova\n' >"$DIR/p1.ini"
printf '[libvirtd]\nauth_tcp = sasl\n[qemu]\nuser = libvirt-qemu\ngroup = libvirt-qemu\n' >"$DIR/p2.ini"
lock_file() { echo "$(state_dir "$1")/lock"; }
reset_files() { # the node's own libvirtd.conf and qemu.conf, in place
	local h f
	for h in $sel; do
		for f in libvirtd.conf qemu.conf; do
			cat "$SRC/tests/lab/node/etc/libvirt/$f" >"$(host_file "$h" /etc/libvirt/$f)"
		done
	done
}
# profile_of HOST: p1, p2, or what is mixed
profile_of() {
	local a u
	a=$(sed -n 's/^auth_tcp = "\(.*\)"$/\1/p' "$(host_file "$1" /etc/libvirt/libvirtd.conf)")
	u=$(sed -n 's/^user = "\(.*\)"$/\1/p' "$(host_file "$1" /etc/libvirt/qemu.conf)")
	case "$a/$u" in none/nova) echo p1 ;; sasl/libvirt-qemu) echo p2 ;; *) echo "mixed(auth_tcp=$a user=$u)" ;; esac
}
# exec: run in the background, its $! is migready's own pid (ip netns exec
# execs too), the pid the lock's holder names and the one to stop or kill
# Each run as from a controller of its own (its own runtime directory):
# runs of one inventory on one controller wait for each other at the run
# lock (migready(1), FILES) before any host's lock is reached.
own_controller() { MIGREADY_RUN_DIR=$(mktemp -d "$DIR/controller.XXXXXX")/migready "$@"; }
mra() { exec env MIGREADY_RUN_DIR="$(mktemp -d "$DIR/controller.XXXXXX")/migready" $LAB_EXEC "$MIGREADY" --color never --timeout $T -i "$INV" "${hsel[@]}" --explicit apply "$@"; }
# held_lock: the first selected host whose lock someone holds
held_lock() {
	local h l
	for h in $sel; do
		l=$(lock_file "$h")
		[ -e "$l" ] || continue
		flock -n "$l" true 2>/dev/null || { echo "$h"; return 0; }
	done
	return 1
}
# stop_holding PID: stops PID (SIGSTOP) at a moment it holds a host's
# lock; prints that host. Fails if PID ends first.
stop_holding() {
	local h
	while kill -0 "$1" 2>/dev/null; do
		h=$(held_lock) || continue
		kill -STOP "$1"
		if flock -n "$(lock_file "$h")" true 2>/dev/null; then
			kill -CONT "$1"
			continue
		fi
		echo "$h"
		return 0
	done
	return 1
}

# (a) Two applies started together, several times: each host's files all
# from one profile; the loser waited (both succeed).
bad=
for round in 1 2 3; do
	reset_files
	mra -p "$DIR/p1.ini" --lock-wait 60 -j 2 >"$DIR/race1.out" 2>&1 & pa=$!; bg_pids="$bg_pids $pa"
	mra -p "$DIR/p2.ini" --lock-wait 60 -j 2 >"$DIR/race2.out" 2>&1 & pb=$!; bg_pids="$bg_pids $pb"
	wait $pa; sa=$?
	wait $pb; sb=$?
	bg_pids=
	if [ "$sa" != 2 ] || [ "$sb" != 2 ]; then
		bad="$bad round$round:exit=$sa,$sb"
		cat "$DIR/race1.out" "$DIR/race2.out" >"$DIR/race-bad.out"
	fi
	for h in $sel; do
		case $(profile_of "$h") in p1 | p2) ;; *) bad="$bad round$round:$h:$(profile_of "$h")" ;; esac
	done
done
[ -z "$bad" ] && ok "two applies at once: every host's files from one profile, the other run waited" \
	|| not_ok "two applies at once:$bad" "$(cat "$DIR/race-bad.out" 2>/dev/null || cat "$DIR/race1.out" "$DIR/race2.out")"

# (a) A run that holds a host's lock (stopped while it holds it): another
# run with --lock-wait 0 fails that host with the holder's name; one with a
# longer wait waits, then applies after it.
reset_files
held=
for attempt in 1 2 3 4 5; do
	reset_files
	mra -p "$DIR/p1.ini" -j 1 >"$DIR/holder.out" 2>&1 & pa=$!; bg_pids="$bg_pids $pa"
	if held=$(stop_holding $pa); then break; fi
	wait $pa
	bg_pids=
	held=
done
if [ -z "$held" ]; then
	not_ok "could not catch a run holding a host's lock (5 attempts)"
else
	ok "a run stopped while it holds $held's lock"
	out=$(own_controller $LAB_EXEC "$MIGREADY" --color never --timeout $T -i "$INV" -H "$held" --explicit apply -p "$DIR/p2.ini" --lock-wait 0 2>&1); st=$?
	expect_status "apply on a locked host with --lock-wait 0" 4 "$st" "$out"
	expect_grep "the loser names the holder" "^ +error: $held: locked by migready [^ ]+ \(pid $pa\) since 20[0-9-]+T[0-9:]+Z; not changed \(waited 0 s\)" "$out"
	expect_grep "the loser changed nothing" "^1 host: 0 in the desired state, 0 changed, 1 failed$" "$out"
	# (an apply: check takes no host lock) its settings are unknown: not
	# reachable in JSON (migready(1))
	out=$(own_controller $LAB_EXEC "$MIGREADY" -f json --timeout $T -i "$INV" -H "$held" --explicit apply -p "$DIR/p2.ini" --lock-wait 0 2>&1 | tr -d '\n ')
	expect_grep "JSON: the locked host is not reachable, its error the lock's" '"reachable":false,"error":"[^"]*lockedbymigready' "$out"
	# the wait outlasts --timeout: silence times out, not a wait for a lock.
	# Twice the timeout, and a timeout that a loaded CI machine's fsync
	# cannot reach once the waiter has the lock.
	(MIGREADY_RUN_DIR=$(mktemp -d "$DIR/controller.XXXXXX")/migready exec $LAB_EXEC "$MIGREADY" --color never -i "$INV" -H "$held" --explicit --timeout 5 apply -p "$DIR/p2.ini" --lock-wait 60) >"$DIR/waiter.out" 2>&1 & pw=$!; bg_pids="$bg_pids $pw"
	sleep 10
	kill -0 $pw 2>/dev/null && ok "apply with --lock-wait 60 waits for the lock, past --timeout 5" || not_ok "apply with --lock-wait 60 waits for the lock, past --timeout 5" "$(cat "$DIR/waiter.out")"
	kill -CONT $pa
	wait $pa; sa=$?
	wait $pw; sw=$?
	bg_pids=
	[ "$sa" = 2 ] && [ "$sw" = 2 ] && ok "holder and waiter both apply" \
		|| not_ok "holder and waiter both apply (exits $sa, $sw)" "$(cat "$DIR/holder.out" "$DIR/waiter.out")"
	bad=
	for h in $sel; do
		want=p1; [ "$h" = "$held" ] && want=p2
		[ "$(profile_of "$h")" = "$want" ] || bad="$bad $h:$(profile_of "$h")"
	done
	[ -z "$bad" ] && ok "the waiter's files on $held, the holder's elsewhere" || not_ok "files after the wait:$bad"
fi

# (c) The controller killed (SIGKILL) while it holds a host's lock: the
# lock is free at once, the next apply takes it and converges.
held=
for attempt in 1 2 3 4 5; do
	reset_files
	mra -p "$DIR/p2.ini" -j 1 >"$DIR/killed.out" 2>&1 & pa=$!; bg_pids="$bg_pids $pa"
	if held=$(stop_holding $pa); then break; fi
	wait $pa
	bg_pids=
	held=
done
if [ -z "$held" ]; then
	not_ok "could not catch a run holding a host's lock (5 attempts)"
else
	kill -KILL $pa
	wait $pa 2>/dev/null
	bg_pids=
	free=0
	for i in $(seq 1 50); do
		flock -n "$(lock_file "$held")" true 2>/dev/null && { free=1; break; }
		sleep 0.1
	done
	[ "$free" = 1 ] && ok "$held's lock released within 5 s of the controller's SIGKILL" \
		|| not_ok "$held's lock still held 5 s after the controller's SIGKILL"
	out=$(mra -p "$DIR/p2.ini" --lock-wait 0 2>&1); st=$?
	expect_status "apply after the kill, --lock-wait 0" 2 "$st" "$out"
	printf '%s\n' "$out" | grep -q 'locked by' && not_ok "no host locked after the kill" "$out" || ok "no host locked after the kill"
	out=$($LAB_EXEC "$MIGREADY" --color never --timeout $T -i "$INV" "${hsel[@]}" --explicit check -p "$DIR/p2.ini" 2>&1)
	expect_status "check after the kill and the rerun" 0 $? "$out"
	bad=
	for h in $sel; do [ "$(profile_of "$h")" = p2 ] || bad="$bad $h:$(profile_of "$h")"; done
	[ -z "$bad" ] && ok "converged after the kill" || not_ok "converged after the kill:$bad"
fi
# back to the e2e profile for what follows
out=$(mr apply -i "$INV" -p "$PROFILE" "${hsel[@]}" 2>&1); expect_status "apply of the e2e profile again" 2 $? "$out"

# (b) A hostile restart-pending runs nothing: each line is validated as a
# unit name on the controller, the bad ones are ignored with a warning.
rm -f /tmp/pwned /tmp/pwned2
pf=$(state_dir host1)/restart-pending
printf '%s\n' 'libvirtd.service; touch /tmp/pwned' "x' ; touch /tmp/pwned2 ; '" >"$pf"
chown "$LAB_USER:" "$pf"
[ "$LAB_MODE" = netns ] && n0=$(calls host1 | wc -l)
out=$(mr apply -i "$INV" -p "$PROFILE" -H host1 2>&1); st=$?
expect_status "apply with a hostile restart-pending" 0 "$st" "$out"
expect_grep "the first hostile line is named and ignored" "restart-pending names 'libvirtd.service; touch /tmp/pwned', not a unit name; ignored" "$out"
expect_grep "the second hostile line is named and ignored" "restart-pending names 'x' ; touch /tmp/pwned2 ; '', not a unit name; ignored" "$out"
out=$(mr check -i "$INV" -p "$PROFILE" -H host1 2>&1); expect_status "check with a hostile restart-pending" 0 $? "$out"
if [ "$LAB_MODE" = netns ]; then
	[ "$(calls host1 | wc -l)" = "$n0" ] && ok "a hostile restart-pending: no systemctl call" \
		|| not_ok "a hostile restart-pending: no systemctl call" "$(calls host1 | tail -n +$((n0 + 1)))"
	# with a valid line besides: that restart, and only it
	printf '%s\n' 'libvirtd.service; touch /tmp/pwned' 'libvirtd.service' "x' ; touch /tmp/pwned2 ; '" >"$pf"
	out=$(mr apply -i "$INV" -p "$PROFILE" -H host1 2>&1); st=$?
	expect_status "apply owing a restart, among hostile lines" 2 "$st" "$out"
	new=$(calls host1 | tail -n +$((n0 + 1)))
	[ "$new" = "--no-ask-password try-restart -- libvirtd.service" ] && ok "the owed restart, and nothing else, is run" \
		|| not_ok "the owed restart, and nothing else, is run" "$new"
fi
[ ! -e /tmp/pwned ] && [ ! -e /tmp/pwned2 ] && ok "a hostile restart-pending ran nothing (no /tmp/pwned, /tmp/pwned2)" \
	|| not_ok "a hostile restart-pending ran a command: $(ls -l /tmp/pwned /tmp/pwned2 2>&1)"
rm -f "$pf" /tmp/pwned /tmp/pwned2

# Under CI a suite that cannot run fails: this script and run-ssh.sh, run
# by a user who is not root, exit 1 with CI=true and 77 (skip) without.
# ---- A reply queued by libssh2 while it reads stderr ----
# Any libssh2 read takes every packet waiting: stdout that comes while
# stderr is read lands in the queue, and the socket then stays silent (the
# probe's held shell, having answered, waits). slow_stderr_preload makes
# that happen on every read; the check (the probe's mark) and the apply
# (its commit, served by the probe) must not wait for --timeout.
cat "$SRC/tests/lab/node/etc/libvirt/libvirtd.conf" >"$(host_file host1 /etc/libvirt/libvirtd.conf)"
slow() { LD_PRELOAD=$SLOW_STDERR ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	$LAB_EXEC "$MIGREADY" --color never --timeout 20 -i "$INV" -H host1 --explicit "$@"; }
for step in "check 2" "apply 2" "check 0"; do
	read -r verb want <<<"$step"
	out=$(slow "$verb" -p "$DIR/p1.ini" 2>&1); st=$?
	[ "$st" = "$want" ] && ! printf '%s\n' "$out" | grep -q 'timed out' \
		&& ok "stdout queued while stderr is read: $verb exits $want" \
		|| not_ok "stdout queued while stderr is read: $verb exits $want without waiting for --timeout (exit $st)" "$out"
done

if [ "$LAB_MODE" = local ]; then
	mkdir -p "$DIR/ci"
	cp "$0" "$SRC/tests/integration/run-ssh.sh" "$LAB" "$DIR/ci/"
	chmod -R a+rX "$DIR/ci"
	for ci in "" true; do
		want=77; [ -n "$ci" ] && want=1
		runuser -u "$LAB_USER" -- env CI="$ci" bash "$DIR/ci/run-fleet.sh" "$MIGREADY" "$DIR/ci/lab.sh" "$SRC" local >"$DIR/ci/out" 2>&1; st=$?
		[ "$st" = "$want" ] && ok "run-fleet.sh without root, CI='$ci': exit $want" || not_ok "run-fleet.sh without root, CI='$ci': exit $st, not $want" "$(cat "$DIR/ci/out")"
		runuser -u "$LAB_USER" -- env CI="$ci" bash "$DIR/ci/run-ssh.sh" /bin/true "$DIR/ci/lab.sh" local >"$DIR/ci/out" 2>&1; st=$?
		[ "$st" = "$want" ] && ok "run-ssh.sh without root, CI='$ci': exit $want" || not_ok "run-ssh.sh without root, CI='$ci': exit $st, not $want" "$(cat "$DIR/ci/out")"
	done
fi

if [ "$failed" != 0 ]; then
	# what the hosts' sshd saw, for a failure that does not come back
	for l in $LAB_LOGS; do echo "# --- $l"; tail -n 30 "$l" | sed 's/^/#   /'; done
fi
summary
[ "$failed" = 0 ]
