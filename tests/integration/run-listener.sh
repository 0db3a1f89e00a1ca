#!/bin/bash
# A real libvirtd, started from the files migready wrote, must accept a
# libvirt client on TCP after apply and not before: a green listener item
# means the port is open. libvirt's test driver needs no hypervisor
# (test+tcp://127.0.0.1:PORT/default).
#
# The host trees come from tests/lib/hosttree.sh. This script plays the
# part of systemd for a tree, reading only what systemd would read:
#  - the options variable the unit's ExecStart names, from the defaults
#    file (LIBVIRTD_ARGS, libvirtd_opts);
#  - for socket activation, whether libvirtd-tcp.socket is enabled (its
#    sockets.target.wants link) and its ListenStream after drop-ins; then
#    systemd-socket-activate hands libvirtd the listening socket by name,
#    as systemd does.
# libvirtd runs unprivileged (its own unix socket directory, listen_addr
# 127.0.0.1 added to a copy of the conf), so tests never touch this
# machine's libvirt. Under CI=true anything missing is a failure.
set -u
MIGREADY=$(realpath "${1:?usage: run-listener.sh MIGREADY SOURCE_DIR}")
SRC=$(realpath "${2:?usage: run-listener.sh MIGREADY SOURCE_DIR}")
. "$SRC/tests/lib/hosttree.sh"
. "$SRC/tests/lib/expect.sh"
USER_=mrlibvirt
[ "$(id -u)" = 0 ] || skip "needs root (to run libvirtd as its own user)"
for p in libvirtd virsh systemd-socket-activate; do
	command -v $p >/dev/null || skip "no $p (apt-get install libvirt-daemon libvirt-clients systemd)"
done
id "$USER_" >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /bin/sh "$USER_" || skip "cannot create user $USER_"

WORK=$(mktemp -d /tmp/migready-listener.XXXXXX)
chmod 755 "$WORK"
PIDS=
cleanup() {
	for p in $PIDS; do kill -TERM -- "-$p" 2>/dev/null; done
	sleep 0.2
	for p in $PIDS; do kill -KILL -- "-$p" 2>/dev/null; done
	pkill -KILL -u "$USER_" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		ss -Hltn "sport = :$p" | grep -q . || { echo $p; return; }
	done
	echo 16999
}

# The options the unit passes: ExecStart's variable, from the defaults file.
unit_args() { # ROOT
	local root=$1 var file
	var=$(sed -n 's/^ExecStart=.*\$\([A-Za-z_]*\).*/\1/p' "$root"/lib/systemd/system/libvirtd.service \
		"$root"/usr/lib/systemd/system/libvirtd.service 2>/dev/null | head -n 1)
	file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$root"/lib/systemd/system/libvirtd.service \
		"$root"/usr/lib/systemd/system/libvirtd.service 2>/dev/null | head -n 1)
	[ -n "$var" ] && [ -f "$root$file" ] || return 0
	(set +u; . "$root$file"; eval "printf '%s' \"\${$var}\"")
}

# libvirtd-tcp.socket's port after its drop-ins (an empty ListenStream=
# resets the list), or nothing if the socket is not enabled.
socket_port() { # ROOT
	local root=$1 port=
	[ -L "$root/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket" ] || return 0
	for f in "$root/lib/systemd/system/libvirtd-tcp.socket" \
		"$root"/etc/systemd/system/libvirtd-tcp.socket.d/*.conf; do
		[ -f "$f" ] || continue
		while IFS= read -r line; do
			case $line in ListenStream=*) port=${line#ListenStream=} ;; esac
		done < "$f"
	done
	echo "$port"
}

# Starts the host's libvirtd as systemd would; returns at once.
start_libvirtd() { # ROOT WORLD NAME
	local root=$1 world=$2 run=$WORK/run-$3 args port
	mkdir -p "$run"
	{ cat "$root/etc/libvirt/libvirtd.conf"; printf '\nunix_sock_dir = "%s"\nlisten_addr = "127.0.0.1"\n' "$run"; } \
		> "$run/libvirtd.conf"
	chown -R "$USER_" "$run"
	args=$(unit_args "$root")
	local cmd="cd '$run' && XDG_RUNTIME_DIR='$run' HOME='$run' exec"
	if [ "$world" = socket ] && port=$(socket_port "$root") && [ -n "$port" ]; then
		cmd="$cmd systemd-socket-activate -l 127.0.0.1:$port --fdname=libvirtd-tcp.socket"
	fi
	setsid su -s /bin/sh "$USER_" -c "$cmd libvirtd $args --config '$run/libvirtd.conf' --pid-file '$run/pid'" \
		> "$run/log" 2>&1 &
	PIDS="$PIDS $!"
	LAST_LOG=$run/log
	LAST_RUN=$run
}

# A libvirtd that is not socket-activated is up once its own unix socket
# exists: then one attempt on TCP tells whether it listens.
wait_up() {
	for _ in $(seq 100); do
		[ -S "$LAST_RUN/libvirt-sock" ] && return 0
		sleep 0.1
	done
}

# su -c puts its command in a session of its own, so the process group
# signalled may end before the listener it started: wait until no process
# of the test's user is left (it runs nothing else), whose sockets then
# are closed, or the next libvirtd finds the port in use.
stop_all() {
	for p in $PIDS; do kill -TERM -- "-$p" 2>/dev/null; done
	pkill -TERM -u "$USER_" 2>/dev/null
	for _ in $(seq 100); do
		pgrep -u "$USER_" >/dev/null || break
		sleep 0.1
	done
	pkill -KILL -u "$USER_" 2>/dev/null
	for _ in $(seq 20); do pgrep -u "$USER_" >/dev/null || break; sleep 0.1; done
	PIDS=
}

# Can a libvirt client talk to the test driver on PORT? TRIES attempts
# (a socket-activated libvirtd starts on the first connection).
connects() { # PORT [TRIES]
	for _ in $(seq "${2:-30}"); do
		if timeout 10 virsh -c "test+tcp://127.0.0.1:$1/default" list >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

profile() { # PORT
	printf '[libvirtd]\nlisten_tcp = yes\nlisten_tls = no\nauth_tcp = none\ntcp_port = %s\n' "$1" \
		> "$WORK/profile.ini"
}

# nova-compute of ROOT connects to PORT, where the profile listens (check
# fails the port when nova would connect to another)
nova_port() { # ROOT PORT
	mkdir -p "$1/etc/nova"
	printf '[libvirt]\nlive_migration_uri = qemu+tcp://%%s:%s/system\n' "$2" > "$1/etc/nova/nova.conf"
}

run_world() { # TREE WORLD
	local tree=$1 world=$2 root=$WORK/$1 port out st
	port=$(free_port)
	profile "$port"
	cp -a "$SRC/tests/data/e2e/host" "$root"
	hosttree "$tree" "$root"
	nova_port "$root" "$port"
	chmod -R a+rX "$root"

	start_libvirtd "$root" "$world" "$tree-before"
	wait_up
	if connects "$port" 2; then
		not_ok "$tree: no TCP listener before apply" "$(cat "$LAST_LOG")"
	else
		ok "$tree: no TCP listener before apply"
	fi
	stop_all

	out=$("$MIGREADY" --color never apply --local --root "$root" -p "$WORK/profile.ini" 2>&1); st=$?
	[ "$st" = 2 ] && ok "$tree: apply exits 2" || not_ok "$tree: apply exits 2 (got $st)" "$out"

	start_libvirtd "$root" "$world" "$tree-after"
	if connects "$port"; then
		ok "$tree: a libvirt client connects on TCP $port after apply"
	else
		not_ok "$tree: a libvirt client connects on TCP $port after apply" \
			"$(cat "$LAST_LOG"; echo; cat "$root/etc/libvirt/libvirtd.conf" | grep -v '^#' | grep .)"
	fi
	stop_all

	out=$("$MIGREADY" --color never check --local --root "$root" -p "$WORK/profile.ini" 2>&1); st=$?
	[ "$st" = 0 ] && ok "$tree: check is green" || not_ok "$tree: check is green (got $st)" "$out"
}

run_world debian12-socket socket
run_world debian10-legacy legacy
run_world centos7-legacy legacy

# The harness is not lenient: socket-activated libvirtd refuses --listen,
# so a host where it was left would not listen; migready removes it.
port=$(free_port)
profile "$port"
root=$WORK/stale
cp -a "$SRC/tests/data/e2e/host" "$root"
hosttree debian12-socket "$root"
nova_port "$root" "$port"
printf 'LIBVIRTD_ARGS="--timeout 120 --listen"\n' >> "$root/etc/default/libvirtd"
ln -s /lib/systemd/system/libvirtd-tcp.socket "$root/etc/systemd/system/sockets.target.wants/"
mkdir -p "$root/etc/systemd/system/libvirtd-tcp.socket.d"
printf '[Socket]\nListenStream=\nListenStream=%s\n' "$port" > "$root/etc/systemd/system/libvirtd-tcp.socket.d/migready-port.conf"
chmod -R a+rX "$root"
start_libvirtd "$root" socket stale-before
if connects "$port" 2; then
	not_ok "stale --listen: libvirtd refuses it under socket activation"
else
	ok "stale --listen: libvirtd refuses it under socket activation"
fi
stop_all
out=$("$MIGREADY" --color never apply --local --root "$root" -p "$WORK/profile.ini" 2>&1); st=$?
[ "$st" = 2 ] && ok "stale --listen: apply exits 2" || not_ok "stale --listen: apply exits 2 (got $st)" "$out"
grep -qx 'LIBVIRTD_ARGS="--timeout 120"' "$root/etc/default/libvirtd" \
	&& ok "stale --listen: removed, other options kept" || not_ok "stale --listen: removed" "$(cat "$root/etc/default/libvirtd")"
start_libvirtd "$root" socket stale-after
connects "$port" && ok "stale --listen: connects after apply" \
	|| not_ok "stale --listen: connects after apply" "$(cat "$LAST_LOG")"
stop_all

summary
[ "$failed" = 0 ]
