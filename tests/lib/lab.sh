# Sourced by the suites that run on tests/lab/lab.sh's lab: its start-up,
# in one place.
# lab_up LAB_SH up|netns-up N SUITE: starts a lab of N hosts in $DIR (the
# caller's, made with mktemp and chmod 755) and reads its env (LAB_*,
# PORT). Exits 77 (skip) where the machine cannot host it, but 1 under CI
# (CI set and not empty), where SUITE must run; 1 if it did not start.
lab_up() {
	local st
	bash "$1" "$2" "$DIR" "$3" >"$DIR/up.log" 2>&1
	st=$?
	if [ "$st" = 77 ]; then
		cat "$DIR/up.log"
		[ -z "${CI:-}" ] || { echo "FAIL: CI=$CI: the $4 suite must run here, not skip"; exit 1; }
		exit 77
	fi
	[ "$st" = 0 ] || { cat "$DIR/up.log"; echo "lab did not start"; exit 1; }
	. "$DIR/env"
}
# lab_sshd_reload PIDFILE LOG: a lab sshd reads its config again. On
# SIGHUP sshd re-executes itself (same pid, same namespaces) and closes
# its listening socket meanwhile; a login tried before it says "Server
# listening" again is refused, so wait for that (up to 30 s), not a time.
lab_sshd_reload() {
	local i
	: >"$2"
	kill -HUP "$(cat "$1")" || return 1
	for i in $(seq 1 600); do
		grep -q "Server listening" "$2" && return 0
		sleep 0.05
	done
	echo "the sshd of $1 did not listen again within 30 s" >&2
	return 1
}
