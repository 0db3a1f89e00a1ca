#!/bin/bash
# The fault matrix (tests/README), rows made for real against a lab of three
# network-namespace hosts (tests/lab/lab.sh): iptables and tc in a host's
# namespace, a stopped or killed sshd (pids from its pidfile), a tiny tmpfs,
# a read-only bind mount, chattr +i, the stand-in systemctl failing on
# demand, and the commit script's fault points (src/commit.sh:
# MIGREADY_FAULT, set on a host through its sshd's SetEnv). The fault is
# always on host1; host2 and host3 must be changed as if nothing happened.
# Every row ends with: a message naming host1 (and the file), every file
# its old or its new bytes, the documented exit code, and a rerun (the
# fault gone) that converges and leaves no temporary file behind.
#   run-faults.sh MIGREADY LAB_SH SOURCE_DIR net|disk|proc
# One group per meson test, each with its own lab, so they run in parallel.
# Exits 77 (skip) where the lab cannot run, 1 under CI instead.
set -u
MIGREADY=$(realpath "${1:?usage: run-faults.sh MIGREADY LAB_SH SOURCE_DIR net|disk|proc}")
LAB=${2:?}
SRC=${3:?}
GROUP=${4:?}
. "$SRC/tests/lib/expect.sh"
PROFILE=$SRC/tests/data/e2e/profile.ini
NODE=$SRC/tests/lab/node
DIR=$(mktemp -d /tmp/migready-faults.XXXXXX)
chmod 755 "$DIR"
bg_pids=
cleanup() {
	[ -z "$bg_pids" ] || kill -KILL $bg_pids 2>/dev/null
	undo_faults
	bash "$LAB" down "$DIR" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT
undo=()
undo_faults() { local u; for u in "${undo[@]}"; do eval "$u" 2>/dev/null; done; undo=(); }

. "$SRC/tests/lib/lab.sh"
lab_up "$LAB" netns-up 3 fault
for tool in iptables tc nsenter chattr; do
	command -v $tool >/dev/null || { echo "FAIL: no $tool (scripts/deps.sh installs it)"; exit 1; }
done
# --timeout: long by default (a loaded machine's handshakes are slow), a
# few seconds (TMO) where a row waits for host1 to time out
mr() { $LAB_EXEC "$MIGREADY" --color never --timeout "${TMO:-60}" -i "$LAB_INVENTORY" "$@"; }
FILES="/etc/libvirt/libvirtd.conf /etc/libvirt/qemu.conf"
# where the commit script's fault points write their pid (the lab user's)
FAULTS=$DIR/faults
mkdir -p "$FAULTS"; chown "$LAB_USER:" "$FAULTS"
H=$DIR/netns/host1
sshd_pid() { cat "$DIR/netns/$1/sshd.pid"; }
# in HOST's network namespace, or its mount namespace (its sshd's)
in_net() { local h=$1; shift; ip netns exec "$LAB_NETNS_PREFIX${h#host}" "$@"; }
in_mnt() { local h=$1; shift; nsenter -t "$(sshd_pid "$h")" -m -- "$@"; }
# the host's file as the host sees it (mounts made in its namespace too)
host_sum() { in_mnt "$1" sha256sum "$2" 2>/dev/null | cut -d" " -f1; }
# every process of HOST's SSH sessions (not its listening sshd)
session_pids() {
	local p
	for p in $(pgrep -P "$(sshd_pid "$1")"); do tree "$p"; done
}
tree() { local c; echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }

# The old bytes (the node's) and the new (what apply makes of them), per file.
declare -A OLD NEW
for f in $FILES; do OLD[$f]=$(sha256sum <"$NODE$f" | cut -d' ' -f1); done
reset_files() { # every host's managed files back to the node's, in place
	local h f
	for h in host1 host2 host3; do
		for f in $FILES; do in_mnt "$h" sh -c 'cat "$1" > "$2"' sh "$NODE$f" "$f"; done
		rm -f "$DIR/netns/$h/state/restart-pending"
	done
}
t0=$(date +%s)
out=$(mr apply -p "$PROFILE" 2>&1); expect_status "the first apply" 2 $? "$out"
T_APPLY=$(($(date +%s) - t0))
for f in $FILES; do NEW[$f]=$(host_sum host3 "$f"); done
[ "${NEW[/etc/libvirt/qemu.conf]}" != "${OLD[/etc/libvirt/qemu.conf]}" ] && ok "apply changes qemu.conf" \
	|| not_ok "apply changes qemu.conf"

# intact NAME: on every host, each file its old or its new bytes; host2
# and host3 (never faulted) the new.
intact() {
	local h f s bad=
	for h in host1 host2 host3; do
		for f in $FILES; do
			s=$(host_sum "$h" "$f")
			if [ "$h" = host1 ]; then
				[ "$s" = "${OLD[$f]}" ] || [ "$s" = "${NEW[$f]}" ] || bad="$bad $h:$f"
			else
				[ "$s" = "${NEW[$f]}" ] || bad="$bad $h:$f(not new)"
			fi
		done
	done
	[ -z "$bad" ] && ok "$1: every file old or new, host2 and host3 changed" || not_ok "$1: files:$bad"
}
# leftovers HOST: temporary files of migready in the managed directories
leftovers() { in_mnt "$1" sh -c 'ls -a /etc/libvirt | grep "\.migready-" || true'; }
# converge NAME: the fault gone, a rerun converges and leaves no temporary file
converge() {
	local out st
	out=$(mr apply -p "$PROFILE" 2>&1); st=$?
	case $st in 0 | 2) ok "$1: the rerun succeeds ($st)" ;; *) not_ok "$1: the rerun exits $st" "$out" ;; esac
	out=$(mr check -p "$PROFILE" 2>&1); expect_status "$1: check after the rerun" 0 $? "$out"
	local l; l=$(leftovers host1)
	[ -z "$l" ] && ok "$1: no temporary file left" || not_ok "$1: temporary files left" "$l"
}
# others_changed NAME OUTPUT: host2 and host3 changed by the faulted run
others_changed() {
	expect_grep "$1: host2 changed" '^host2: [0-9]+ of [0-9]+ settings changed' "$2"
	expect_grep "$1: host3 changed" '^host3: [0-9]+ of [0-9]+ settings changed' "$2"
}
# faulted NAME STATUS OUTPUT WHAT PATTERN: what every row checks of its
# faulted run: exit 6, the output names host1 (WHAT: it matches PATTERN),
# host2 and host3 changed, every file its old or its new bytes
faulted() {
	expect_status "$1" 6 "$2" "$3"
	expect_grep "$1: $4" "$5" "$3"
	others_changed "$1" "$3"
	intact "$1"
}
# A host's sshd gives its sessions MIGREADY_FAULT (src/commit.sh): SetEnv
# in its config, then SIGHUP (sshd re-executes itself, same pid, same
# namespaces). set_fault HOST SPEC ('' for none).
set_fault() {
	local c=$DIR/netns/$1/sshd_config
	sed -i "s| MIGREADY_FAULT=.*||; /^SetEnv PATH=/s|\$| MIGREADY_FAULT=$2 MIGREADY_FAULT_DIR=$FAULTS|" "$c"
	[ -n "$2" ] || sed -i "s| MIGREADY_FAULT=.*||" "$c"
	lab_sshd_reload "$DIR/netns/$1/sshd.pid" "$DIR/netns/$1/sshd.log"
}
# wait_for FILE: up to 60 s
wait_for() { local i; for i in $(seq 1 600); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
# lock_held HOST: a run holds the host's lock (its session is up)
lock_held() { ! flock -n "$DIR/netns/$1/state/lock" true 2>/dev/null; }
# start_apply ARGS...: apply in the background, $APPLY its (migready's own) pid
start_apply() {
	(exec $LAB_EXEC "$MIGREADY" --color never --timeout "${TMO:-60}" -i "$LAB_INVENTORY" apply -p "$PROFILE" "$@") >"$DIR/bg.out" 2>&1 &
	APPLY=$!
	bg_pids="$bg_pids $APPLY"
}
finish_apply() { wait "$APPLY"; APPLY_ST=$?; bg_pids=; APPLY_OUT=$(cat "$DIR/bg.out"); }

net_rows() {
	# host refuses TCP: a reset for every SYN to port 22
	reset_files
	in_net host1 iptables -I INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset
	undo+=("in_net host1 iptables -F INPUT")
	out=$(TMO=15 mr apply -p "$PROFILE" 2>&1); st=$?
	faulted "refused TCP" "$st" "$out" "host1 named, refused" '^host1: failed.*|^ +error: host1.*[Rr]efused'
	undo_faults; converge "refused TCP"

	# host black-holed: every packet dropped; the others go on in parallel
	reset_files
	in_net host1 iptables -I INPUT -j DROP
	undo+=("in_net host1 iptables -F INPUT")
	t0=$(date +%s)
	out=$(TMO=15 mr apply -p "$PROFILE" -j 3 2>&1); st=$?
	t=$(($(date +%s) - t0))
	faulted "black-holed host" "$st" "$out" "host1 named, timed out" 'host1.*(timed out|time-out|timeout)'
	# bounded by --timeout, not by the black hole (TCP's own retries, over
	# two minutes): the timeout, twice the first apply's time (the machine
	# may be loaded) and a margin
	[ "$t" -le $((15 + 2 * T_APPLY + 10)) ] && ok "black-holed host: the run ends in $t s (--timeout 15; an apply: $T_APPLY s)" \
		|| not_ok "black-holed host: the run took $t s (an apply: $T_APPLY s)"
	undo_faults; converge "black-holed host"

	# TCP up but no SSH banner: the listening sshd stopped (the kernel
	# still completes the handshake)
	reset_files
	kill -STOP "$(sshd_pid host1)"
	undo+=("kill -CONT $(sshd_pid host1)")
	out=$(TMO=15 mr apply -p "$PROFILE" 2>&1); st=$?
	faulted "no SSH banner" "$st" "$out" "host1 named" '^host1: failed'
	undo_faults; converge "no SSH banner"

	# peer frozen mid-session: host1's facts probe held (the stand-in
	# systemctl pauses on demand), then every process of its session
	# stopped, then the probe let go: nothing more comes
	reset_files
	: >"$H/systemctl.paused"; chown "$LAB_USER:" "$H/systemctl.paused"; : >"$H/systemctl.pause"
	TMO=15 start_apply
	until [ -s "$H/systemctl.paused" ] || ! kill -0 $APPLY 2>/dev/null; do sleep 0.05; done
	pids=$(session_pids host1)
	kill -STOP $pids 2>/dev/null
	rm -f "$H/systemctl.pause"
	finish_apply
	kill -KILL $pids 2>/dev/null
	faulted "peer frozen mid-session" "$APPLY_ST" "$APPLY_OUT" "host1 named, timed out" 'host1.*timed out'
	converge "peer frozen mid-session"

	# connection dropped mid-upload: once a temporary file appears, the
	# session killed (its peer gets a reset) or its packets dropped. The
	# uploads are caught in the middle on host1's link slowed to 8 kbit/s
	# each way (tbf), so that a temporary file exists for seconds; the
	# rerun runs at full speed.
	for how in reset silent; do
		reset_files
		in_net host1 tc qdisc add dev eth0 root tbf rate 8kbit burst 1600 latency 2s
		tc -n "$LAB_NETNS" qdisc add dev v1 root tbf rate 8kbit burst 1600 latency 2s
		TMO=15 start_apply
		until in_mnt host1 sh -c 'ls -a /etc/libvirt | grep -q "\.migready-"' || ! kill -0 $APPLY 2>/dev/null; do sleep 0.02; done
		if [ $how = reset ]; then
			kill -KILL $(session_pids host1) 2>/dev/null
		else
			in_net host1 iptables -I INPUT -j DROP
		fi
		finish_apply
		in_net host1 iptables -F INPUT
		in_net host1 tc qdisc del dev eth0 root
		tc -n "$LAB_NETNS" qdisc del dev v1 root
		faulted "dropped mid-upload ($how)" "$APPLY_ST" "$APPLY_OUT" "host1 named" '^host1: failed'
		expect_no_grep "dropped mid-upload ($how): nothing blamed on a symbolic link" 'symbolic link' "$APPLY_OUT"
		converge "dropped mid-upload ($how)"
	done

	# connection dropped mid-request: the controller's fault point
	# (MIGREADY_FAULT=mid-request:drop, for host1 only) sends host1's
	# serving shell the first half of a request, then shuts the connection,
	# as a controller that dies mid-way leaves it. The request is the
	# perl commit's (the files in it), or under the shell's commit the first
	# file's upload. The shell runs none of it: host1 keeps every old byte,
	# and no input is left.
	reset_files
	out=$(MIGREADY_FAULT=mid-request:drop MIGREADY_FAULT_HOST=host1 TMO=15 mr -vv apply -p "$PROFILE" 2>&1); st=$?
	faulted "dropped mid-request" "$st" "$out" "host1 named" '^host1: failed'
	if [ "${MIGREADY_COMMIT_ENGINE:-}" = sh ]; then req=/bin/sh; else req=/usr/bin/perl; fi
	# one request sent (the session gone after it), $req's, and cut
	sent=$(printf '%s\n' "$out" | grep 'host1: sending a request')
	[ "$(printf '%s\n' "$sent" | wc -l)" = 1 ] && ok "dropped mid-request: one request sent to host1" \
		|| not_ok "dropped mid-request: one request sent to host1" "$sent"
	expect_grep "dropped mid-request: host1's request was $req's" \
		"host1: sending a request to the held session: $req, [0-9]+ bytes" "$sent"
	expect_grep "dropped mid-request: host1's request cut in half" \
		'host1: fault point mid-request: the connection shut after [0-9]+ of [0-9]+ bytes' "$out"
	bad=
	for f in $FILES; do [ "$(host_sum host1 "$f")" = "${OLD[$f]}" ] || bad="$bad $f"; done
	[ -z "$bad" ] && ok "dropped mid-request: host1 keeps every old byte" \
		|| not_ok "dropped mid-request: host1 rewritten:$bad"
	[ ! -s "$DIR/netns/host1/state/input" ] && ok "dropped mid-request: no input left" \
		|| not_ok "dropped mid-request: input left" "$(wc -c <"$DIR/netns/host1/state/input")"
	# said once: the line is the one error, not followed by it again
	expect_grep "dropped mid-request: the host's error said once" \
		"^  error: (outcome unknown|nothing written): host1[^;]*: $req: connection lost \\([^;]*\\)\$" "$out"
	converge "dropped mid-request"

	# dropped after the rename, before the reply: the commit paused after
	# its renames, its session killed, then let go; the outcome is unknown
	# and said so; the rerun settles it
	reset_files
	set_fault host1 after-rename:pause
	undo+=("set_fault host1 ''")
	start_apply
	wait_for "$FAULTS/migready-fault.after-rename"
	for p in $(session_pids host1); do [ "$(cat /proc/$p/comm 2>/dev/null)" = sshd ] && kill -KILL "$p"; done
	rm -f "$FAULTS/migready-fault.after-rename"
	finish_apply
	faulted "dropped before the reply" "$APPLY_ST" "$APPLY_OUT" "host1's outcome is unknown" 'host1.*(unknown|lost)'
	undo_faults
	[ "$(host_sum host1 /etc/libvirt/qemu.conf)" = "${NEW[/etc/libvirt/qemu.conf]}" ] \
		&& ok "dropped before the reply: the renames were done" || not_ok "dropped before the reply: the renames were done"
	converge "dropped before the reply"
}

# disk_row NAME MESSAGE: apply with a fault on host1's /etc/libvirt
disk_row() {
	out=$(mr apply -p "$PROFILE" 2>&1); st=$?
	faulted "$1" "$st" "$out" "host1 and the file named" "host1:/etc/libvirt/[a-z]+\.conf: .*$2"
	local h=$(host_sum host1 /etc/libvirt/qemu.conf)
	[ "$h" = "${OLD[/etc/libvirt/qemu.conf]}" ] && ok "$1: nothing written on host1" || not_ok "$1: host1's qemu.conf changed"
}
disk_rows() {
	# remote disk full: /etc/libvirt a 64 KiB tmpfs, filled
	reset_files
	in_mnt host1 sh -c 'mkdir -p /tmp/mr-keep-$$ && cp -a /etc/libvirt/. /tmp/mr-keep-$$/ &&
		mount -t tmpfs -o size=64k mrlab-full /etc/libvirt && cp -a /tmp/mr-keep-$$/. /etc/libvirt/ &&
		rm -rf /tmp/mr-keep-$$ && (dd if=/dev/zero of=/etc/libvirt/.filler bs=4k 2>/dev/null; true)'
	undo+=("in_mnt host1 umount /etc/libvirt")
	disk_row "disk full" '(No space|space left|disk full|quota|write: failure)'
	in_mnt host1 rm -f /etc/libvirt/.filler
	converge "disk full"; undo_faults

	# a new file cut short on the host after staging (a short write the
	# transport did not see): refused by its hash before any rename
	reset_files
	set_fault host1 start:pause
	undo+=("set_fault host1 ''")
	start_apply
	wait_for "$FAULTS/migready-fault.start"
	in_mnt host1 sh -c 'for f in /etc/libvirt/.qemu.conf.migready-*; do truncate -s 10 "$f"; done'
	rm -f "$FAULTS/migready-fault.start"
	finish_apply
	faulted "new file cut short" "$APPLY_ST" "$APPLY_OUT" "host1 and the file named" \
		'host1:/etc/libvirt/qemu.conf: .*not what was sent'
	bad=; for f in $FILES; do [ "$(host_sum host1 "$f")" = "${OLD[$f]}" ] || bad="$bad $f"; done
	[ -z "$bad" ] && ok "new file cut short: host1's files all old" || not_ok "new file cut short: host1 changed:$bad"
	undo_faults; converge "new file cut short"

	# read-only filesystem: /etc/libvirt bound read-only
	reset_files
	in_mnt host1 sh -c 'mount --bind /etc/libvirt /etc/libvirt && mount -o remount,bind,ro /etc/libvirt'
	undo+=("in_mnt host1 umount /etc/libvirt")
	disk_row "read-only filesystem" '(Read-only|read-only|temporary file in the directory: failure)'
	undo_faults; converge "read-only filesystem"

	# immutable file: chattr +i on qemu.conf (the overlay's upper file)
	reset_files
	in_mnt host1 chattr +i /etc/libvirt/qemu.conf
	undo+=("in_mnt host1 chattr -i /etc/libvirt/qemu.conf")
	disk_row "immutable file" '(not permitted|immutable|[Pp]ermission)'
	undo_faults; converge "immutable file"

	# permission denied: /etc/libvirt root's, the session's user may not
	# create a file in it
	reset_files
	in_mnt host1 chown root: /etc/libvirt
	undo+=("in_mnt host1 chown $LAB_USER: /etc/libvirt")
	disk_row "permission denied" '[Pp]ermission denied'
	undo_faults; converge "permission denied"

	# a backup that cannot be made: the backups directory not writable
	reset_files
	mkdir -p "$H/state/backups"; chown root: "$H/state/backups"; chmod 755 "$H/state/backups"
	undo+=("chown -R $LAB_USER: $H/state/backups")
	out=$(mr apply -p "$PROFILE" 2>&1); st=$?
	faulted "backup cannot be made" "$st" "$out" "host1 and the backup named" 'host1.*(backup|/var/lib/migready/backups)'
	[ "$(host_sum host1 /etc/libvirt/qemu.conf)" = "${OLD[/etc/libvirt/qemu.conf]}" ] \
		&& ok "backup cannot be made: nothing written on host1" || not_ok "backup cannot be made: host1's qemu.conf changed"
	undo_faults; converge "backup cannot be made"

	# a flood of command output: a 9 MiB restart-pending makes the facts
	# probe's output pass the 8 MiB cap; host1 fails, the others are checked
	awk 'BEGIN { for (i = 0; i < 300000; i++) printf "flood-%024d.service\n", i }' >"$H/state/restart-pending"
	chown "$LAB_USER:" "$H/state/restart-pending"
	out=$(mr check -p "$PROFILE" 2>&1); st=$?
	expect_status "a flood of command output" 4 "$st" "$out"
	expect_grep "a flood of command output: host1 named, the cap said" '^ +error: host1: .*more than 8 MiB of output; stopped' "$out"
	expect_grep "a flood of command output: host2 and host3 checked" '^3 hosts: 2 in the desired state, 0 drifted, 1 failed$' "$out"
	rm -f "$H/state/restart-pending"
	out=$(mr check -p "$PROFILE" 2>&1); expect_status "a flood of command output: check once it is gone" 0 $? "$out"

	# a controller private key readable by others: refused for that host,
	# as OpenSSH refuses it, and said once
	cp "$LAB_IDENTITY" "$DIR/loose_key"; chmod 644 "$DIR/loose_key"
	sed "s|^identity = .*|identity = $DIR/loose_key|" "$LAB_INVENTORY" >"$DIR/loose.ini"
	out=$($LAB_EXEC "$MIGREADY" --color never --timeout 60 -i "$DIR/loose.ini" check -p "$PROFILE" -H host1 2>&1); st=$?
	expect_status "an identity readable by others" 4 "$st" "$out"
	expect_grep "an identity readable by others is refused, named" "error: host1: identity '$DIR/loose_key' can be read by others \(mode 0644\): chmod 600 it" "$out"
	n=$(printf '%s\n' "$out" | grep -c 'can be read by others')
	[ "$n" = 1 ] && ok "an identity readable by others: said once" || not_ok "an identity readable by others: said $n times" "$out"
}

# signal_row SIG: the controller gets SIG while host1's commit is paused
# before its renames; the commit, which ignores hang-ups, ends on its own
proc_rows() {
	for sig in INT TERM KILL; do
		reset_files
		set_fault host1 before-rename:pause
		start_apply
		wait_for "$FAULTS/migready-fault.before-rename"
		kill -$sig $APPLY
		sleep 0.5
		rm -f "$FAULTS/migready-fault.before-rename"
		finish_apply
		case $APPLY_ST in 0 | 2) not_ok "SIG$sig: the interrupted run exits $APPLY_ST" "$APPLY_OUT" ;; *) ok "SIG$sig: the interrupted run fails ($APPLY_ST)" ;; esac
		sleep 1
		set_fault host1 ''
		# host2 and host3 may not have been reached: files old or new everywhere
		bad=
		for h in host1 host2 host3; do
			for f in $FILES; do
				s=$(host_sum "$h" "$f"); [ "$s" = "${OLD[$f]}" ] || [ "$s" = "${NEW[$f]}" ] || bad="$bad $h:$f"
			done
		done
		[ -z "$bad" ] && ok "SIG$sig: every file old or new" || not_ok "SIG$sig: files:$bad"
		converge "SIG$sig"
	done

	# SIGKILL of the commit itself on the host, before its renames
	reset_files
	set_fault host1 before-rename:pause
	undo+=("set_fault host1 ''")
	start_apply
	wait_for "$FAULTS/migready-fault.before-rename"
	kill -KILL "$(cat "$FAULTS/migready-fault.before-rename")"
	rm -f "$FAULTS/migready-fault.before-rename"
	finish_apply
	faulted "commit killed on the host" "$APPLY_ST" "$APPLY_OUT" "host1 named" 'host1.*(without a reply|unknown|lost)'
	# the commit's own process, not the serving shell around it, which
	# lives on to report the kill (128 + 9)
	expect_grep "commit killed on the host: the commit itself, its status reported" 'host1.*without a reply \(exit 137\)' "$APPLY_OUT"
	undo_faults; converge "commit killed on the host"

	# file changed between read and write: edited while the commit waits
	reset_files
	set_fault host1 start:pause
	undo+=("set_fault host1 ''")
	start_apply
	wait_for "$FAULTS/migready-fault.start"
	in_mnt host1 sh -c 'echo "# an admin was here" >> /etc/libvirt/qemu.conf'
	edited=$(host_sum host1 /etc/libvirt/qemu.conf)
	rm -f "$FAULTS/migready-fault.start"
	finish_apply
	expect_status "file changed between read and write" 6 "$APPLY_ST" "$APPLY_OUT"
	expect_grep "changed between read and write: host1 and the file named" 'host1:/etc/libvirt/qemu.conf: changed since it was read' "$APPLY_OUT"
	others_changed "changed between read and write" "$APPLY_OUT"
	[ "$(host_sum host1 /etc/libvirt/qemu.conf)" = "$edited" ] && [ "$(host_sum host1 /etc/libvirt/libvirtd.conf)" = "${OLD[/etc/libvirt/libvirtd.conf]}" ] \
		&& ok "changed between read and write: the edit kept, nothing written on host1" || not_ok "changed between read and write: host1's files"
	undo_faults; converge "changed between read and write"
	in_mnt host1 grep -qx '# an admin was here' /etc/libvirt/qemu.conf && ok "changed between read and write: the rerun keeps the edit" \
		|| not_ok "changed between read and write: the rerun lost the edit"

	# the second file of a host failing: the first restored
	reset_files
	set_fault host1 rename:1
	undo+=("set_fault host1 ''")
	out=$(mr apply -p "$PROFILE" 2>&1); st=$?
	faulted "second file failing" "$st" "$out" "host1 and the file named" 'host1:/etc/libvirt/[a-z]+\.conf: .*cannot rename'
	expect_grep "second file failing: the first put back" 'put back as it was' "$out"
	bad=; for f in $FILES; do [ "$(host_sum host1 "$f")" = "${OLD[$f]}" ] || bad="$bad $f"; done
	[ -z "$bad" ] && ok "second file failing: host1's files all old" || not_ok "second file failing: host1 half-changed:$bad"
	undo_faults; converge "second file failing"

	# a service restart that fails after the write: named, still owed
	reset_files
	echo "try-restart libvirtd.service" >"$H/systemctl.fail"
	undo+=("rm -f $H/systemctl.fail")
	out=$(mr apply -p "$PROFILE" 2>&1); st=$?
	expect_status "restart fails" 6 "$st" "$out"
	expect_grep "restart fails: host1 and the unit named" 'libvirtd.service' "$(printf '%s\n' "$out" | sed -n '/^host1:/,/^host2:/p')"
	intact "restart fails"
	grep -qx libvirtd.service "$H/state/restart-pending" && ok "restart fails: the restart stays owed" \
		|| not_ok "restart fails: the restart stays owed" "$(cat "$H/state/restart-pending" 2>&1)"
	undo_faults
	n0=$(wc -l <"$H/systemctl.log")
	converge "restart fails"
	tail -n +$((n0 + 1)) "$H/systemctl.log" | grep -q 'restart -- libvirtd.service' && ok "restart fails: the rerun restarts libvirtd" \
		|| not_ok "restart fails: the rerun restarts libvirtd" "$(tail -n +$((n0 + 1)) "$H/systemctl.log")"

	# aborted between write and restart: the owed restart remembered
	reset_files
	set_fault host1 before-restart:exit
	undo+=("set_fault host1 ''")
	n0=$(wc -l <"$H/systemctl.log")
	out=$(mr apply -p "$PROFILE" 2>&1); st=$?
	expect_status "aborted before the restart" 6 "$st" "$out"
	expect_grep "aborted before the restart: host1 named" 'host1.*(without a reply|unknown)' "$out"
	intact "aborted before the restart"
	grep -qx libvirtd.service "$H/state/restart-pending" && ok "aborted before the restart: the restart is owed" \
		|| not_ok "aborted before the restart: the restart is owed" "$(cat "$H/state/restart-pending" 2>&1)"
	undo_faults
	converge "aborted before the restart"
	tail -n +$((n0 + 1)) "$H/systemctl.log" | grep -q 'restart -- libvirtd.service' && ok "aborted before the restart: the rerun restarts libvirtd" \
		|| not_ok "aborted before the restart: the rerun restarts libvirtd" "$(tail -n +$((n0 + 1)) "$H/systemctl.log")"
}

case $GROUP in
net) net_rows ;;
disk) disk_rows ;;
proc) proc_rows ;;
*) echo "unknown group $GROUP"; exit 2 ;;
esac
summary
[ "$failed" = 0 ]
