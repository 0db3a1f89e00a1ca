#!/bin/bash
# A real libvirtd for tests, kept inside one test-owned directory:
#   libvirtd.sh start DIR PORT   start it, listening on 127.0.0.1:PORT (TCP,
#                                auth_tcp none); returns once the port accepts
#   libvirtd.sh stop DIR         stop the libvirtd started with DIR
#   libvirtd.sh port             print a TCP port free on 127.0.0.1
#
# DIR holds everything: DIR/libvirtd.conf (written unless the caller put one
# there, e.g. one written by migready apply: then it is used as it is and
# must listen on PORT), the runtime dir DIR/run (sockets, pid file), the
# config, cache and state dirs, and the log DIR/libvirtd.log. As root the
# daemon runs as nobody, in libvirt's session mode, so that it never
# touches the machine's own /run/libvirt or /var/lib/libvirt; the caller
# makes what it serves (test driver node files) readable by nobody.
#
# Exit status: 0 done; 77 libvirtd is not installed (not under CI=true,
# where that is 1: a skip must never pass for a run); 1 it did not start,
# with the tail of its log on stderr.
set -u

die() { echo "libvirtd.sh: $*" >&2; exit 1; }

usage() { die "usage: libvirtd.sh start DIR PORT | stop DIR | port"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		port_free "$p" && { echo "$p"; return 0; }
	done
	die "no free port found"
}

start() {
	local dir=$1 port=$2 bin user=() pid i
	bin=$(command -v libvirtd || echo /usr/sbin/libvirtd)
	if [ ! -x "$bin" ]; then
		if [ "${CI:-}" = true ]; then
			die "libvirtd not installed (CI=true: this is a failure, not a skip)"
		fi
		echo "SKIP: libvirtd not installed (apt-get install libvirt-daemon)" >&2
		exit 77
	fi
	[ -n "$dir" ] && [ -n "$port" ] || usage
	port_free "$port" || die "port $port is already in use"
	mkdir -p "$dir/run" "$dir/config" "$dir/cache" "$dir/state" || die "cannot create $dir"
	dir=$(cd "$dir" && pwd)
	if [ ! -e "$dir/libvirtd.conf" ]; then
		cat >"$dir/libvirtd.conf" <<-EOF
		listen_tls = 0
		listen_tcp = 1
		listen_addr = "127.0.0.1"
		tcp_port = "$port"
		auth_tcp = "none"
		unix_sock_dir = "$dir/run"
		EOF
	fi
	if [ "$(id -u)" = 0 ]; then
		chown -R nobody: "$dir" || die "cannot give $dir to nobody"
		chmod 755 "$dir"
		user=(setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups)
		"${user[@]}" test -w "$dir/run" ||
			die "nobody cannot reach $dir: make its parent directories world-searchable"
	fi
	# Session-mode paths all under DIR; the log goes beside the config
	# without editing it.
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$dir" XDG_RUNTIME_DIR="$dir/run" \
		XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" \
		XDG_STATE_HOME="$dir/state" LIBVIRT_LOG_OUTPUTS="3:file:$dir/libvirtd.log" \
		"${user[@]}" "$bin" --listen --config "$dir/libvirtd.conf" \
		--pid-file "$dir/run/libvirtd.pid" >"$dir/libvirtd.out" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/libvirtd.started"
	for i in $(seq 1 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$dir/libvirtd.out" "$dir/libvirtd.log" >&2 2>/dev/null
			die "libvirtd exited at start"
		fi
		port_free "$port" || return 0
		sleep 0.1
	done
	tail -n 20 "$dir/libvirtd.out" "$dir/libvirtd.log" >&2 2>/dev/null
	kill "$pid" 2>/dev/null
	die "libvirtd did not listen on 127.0.0.1:$port within 10 s"
}

stop() {
	local dir=$1 pid i
	[ -f "$dir/libvirtd.started" ] || return 0
	pid=$(cat "$dir/libvirtd.started")
	rm -f "$dir/libvirtd.started"
	kill -0 "$pid" 2>/dev/null || return 0
	kill "$pid"
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

case "${1:-}" in
start) [ $# = 3 ] || usage; start "$2" "$3" ;;
stop) [ $# = 2 ] || usage; stop "$2" ;;
port) free_port ;;
*) usage ;;
esac
