#!/bin/bash
# meson test wrapper: starts a lab (tests/lab/lab.sh), runs the cmocka
# binary against it with the lab's env exported, stops the lab and removes
# its directory whatever happens. Exit 77 (skip) where the machine cannot
# host the lab (no root, no network namespaces, no sshd), except under CI
# (CI set and not empty), where a suite that cannot run fails (exit 1).
#   run-ssh.sh TEST_BINARY LAB_SH local|netns
set -u
bin=$1
lab=$2
mode=${3:-local}
skip() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: CI=$CI: the SSH suite must run here, not skip: $1"
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}
if [ "$(id -u)" != 0 ]; then
	skip "the SSH lab needs root (sshd switches to a lab user)"
fi
dir=$(mktemp -d /tmp/mr-ssh-test-XXXXXX) || exit 1
chmod 755 "$dir"
cleanup() {
	"$lab" down "$dir/lab" >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$mode" = netns ]; then
	"$lab" netns-up "$dir/lab" 3
else
	"$lab" up "$dir/lab" 4
fi
rc=$?
[ "$rc" != 77 ] || skip "the lab cannot run here (lab.sh above says why)"
[ "$rc" = 0 ] || exit "$rc"

set -a
# shellcheck disable=SC1091
. "$dir/lab/env"
set +a
unset SSH_AUTH_SOCK
export CMOCKA_MESSAGE_OUTPUT=stdout
# for sanitizer builds: full stacks, so that the suppressions can match
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp:print_suppressions=0"
# LAB_EXEC: empty, or "ip netns exec NS" to run where the hosts are
# shellcheck disable=SC2086
$LAB_EXEC "$bin"
rc=$?
if [ "$rc" != 0 ]; then
	for log in $LAB_LOGS; do
		echo "---- $log (last lines)"
		tail -n 30 "$log"
	done
fi
exit "$rc"
