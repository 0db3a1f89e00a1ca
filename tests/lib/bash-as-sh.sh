#!/bin/bash
# bash-as-sh.sh SUITE ARG...: runs a test suite with bash as /bin/sh, as
# on the RHEL family, where bash (in its POSIX mode) runs the facts probe,
# its serving shell and the commit; Debian's dash reads a script from a
# pipe in blocks, bash byte by byte, and their builtins differ. bash is
# bound over what /bin/sh leads to in a mount namespace of the suite's
# own: nothing outside it changes. Needs root (exit 77 otherwise, 1
# under CI, where the suite must run).
set -u
suite=${1:?usage: bash-as-sh.sh SUITE ARG...}
shift
. "$(dirname "$0")/expect.sh"
[ "$(id -u)" = 0 ] || skip "bash as /bin/sh needs root (a mount namespace)"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
exec unshare -m sh -c '
	mount --bind "$1" "$2" || exit 1
	v=$(/bin/sh -c "echo \"\${BASH_VERSION:-}\"")
	[ -n "$v" ] || { echo "not ok - /bin/sh is not bash after the bind mount"; exit 1; }
	echo "# /bin/sh is bash $v here"
	shift 2
	exec "$@"' sh "$(realpath /bin/bash)" "$(realpath /bin/sh)" "$suite" "$@"
