#!/bin/bash
# Golden tests: each tests/data/golden/CASE holds the arguments of one run
# (args), run in that directory (its root/ given the systemd layer that its
# "world" file names, tests/lib/hosttree.sh), and the exact output (expected: stdout then
# stderr) and exit status (status) it must give. With --update, rewrites the
# expected files from what the binary does now (review the diff!). A case
# with a file named stdin gets it on standard input through a pipe, as
# "cat profile.ini | migready -p /dev/stdin" would. The times of -v's
# step lines read N.NNN.
set -u
MIGREADY=$(realpath "${1:?usage: run.sh MIGREADY SOURCE_DIR [--update]}")
SRC=$(realpath "${2:?}")
GOLDEN=$SRC/tests/data/golden
. "$SRC/tests/lib/hosttree.sh"
update=${3:-}
passed=0
failed=0
for dir in "$GOLDEN"/*/; do
	name=$(basename "$dir")
	work=$(mktemp -d /tmp/migready-golden.XXXXXX)
	cp -a "$dir." "$work/"
	# A case's "world" file names the systemd layer its root gets.
	[ ! -f "$dir/world" ] || hosttree "$(cat "$dir/world")" "$work/root"
	read -r -a args < "$dir/args"
	if [ -f "$dir/stdin" ]; then
		out=$(cd "$work" && cat stdin | "$MIGREADY" --color never "${args[@]}" 2>&1; echo "status $?")
	else
		out=$(cd "$work" && "$MIGREADY" --color never "${args[@]}" 2>&1 < /dev/null; echo "status $?")
	fi
	rm -rf "$work"
	# -v's step times vary from run to run
	out=$(printf '%s\n' "$out" | sed -E 's/(in|at) [0-9]+\.[0-9]{3} s/\1 N.NNN s/')
	if [ "$update" = --update ]; then
		printf '%s\n' "$out" > "$dir/expected"
		continue
	fi
	if diff -u "$dir/expected" <(printf '%s\n' "$out") > /tmp/golden-diff.$$; then
		passed=$((passed + 1)); echo "ok - $name"
	else
		failed=$((failed + 1)); echo "not ok - $name"; sed 's/^/#   /' /tmp/golden-diff.$$
	fi
	rm -f /tmp/golden-diff.$$
done
summary
[ "$failed" = 0 ]
