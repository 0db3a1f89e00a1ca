# Sourced by the shell test suites: TAP-like lines and the assertions they
# share; the caller ends with summary.
passed=0
failed=0
failed_names=

# skip REASON: the suite cannot run on this machine: exit 77, meson's
# skip; but under CI (CI set, not empty) 1, since there a suite that
# cannot run must fail.
skip() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: CI=$CI: ${0##*/} must run here, not skip: $*" >&2
		exit 1
	fi
	echo "SKIP: ${0##*/}: $*" >&2
	exit 77
}

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	failed_names="$failed_names
not ok - $1"
	echo "not ok - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
# summary [NOTE]: the counts, and the failed checks named again: a log cut
# to its tail (meson keeps the last 100 lines) still says what failed.
# Its status is the suite's: a suite that ends with it fails on any failed
# check (e2e-commit once ended so without a status of its own).
summary() {
	[ "$failed" = 0 ] || printf 'failed:%s\n' "$failed_names"
	echo "$passed passed, $failed failed${1:+ ($1)}"
	[ "$failed" = 0 ]
}
expect_status() { # NAME WANT GOT OUTPUT
	if [ "$2" = "$3" ]; then ok "$1 exits $2"; else not_ok "$1 exits $2 (got $3)" "$4"; fi
}
expect_grep() { # NAME PATTERN TEXT
	if printf '%s\n' "$3" | grep -qE -- "$2"; then ok "$1"; else not_ok "$1: no '$2'" "$3"; fi
}
expect_no_grep() { # NAME PATTERN TEXT (a pattern grep refuses fails: it proves nothing)
	printf '%s\n' "$3" | grep -qE -- "$2"
	case $? in
	0) not_ok "$1: found '$2'" "$3" ;;
	1) ok "$1" ;;
	*) not_ok "$1: grep refused the pattern '$2'" "$3" ;;
	esac
}
expect_fixed() { # NAME STRING TEXT: STRING as it is, no pattern
	if printf '%s\n' "$3" | grep -qF -- "$2"; then ok "$1"; else not_ok "$1: no '$2'" "$3"; fi
}
expect_no_fixed() { # NAME STRING TEXT
	if printf '%s\n' "$3" | grep -qF -- "$2"; then not_ok "$1: found '$2'" "$3"; else ok "$1"; fi
}
# Every file's content, mode, link target and mtime (directories: mode),
# to tell "nothing written". The host's lock (and who held it last) is
# migready's own bookkeeping, left out, and so is the serving shell's
# input file beside it (emptied after each request).
tree_sum() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum; find . -type d -printf '%p %m\n'; find . ! -type d -printf '%p %l %T@ %m\n') | sort | grep -vE '^(\S+  )?\./var/lib/migready( |/lock|/input|$)'; }
