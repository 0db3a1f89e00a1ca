# Sourced by the suites that run the binary on host trees (--local --root),
# with the suite's own arguments: their start-up and the convergence they
# all check, in one place.
#   . "$(dirname "$0")/../lib/e2e.sh" NAME DATA MIGREADY SOURCE_DIR
# Sets MIGREADY and SRC (real paths), DATA ($SRC/tests/data/DATA), WORK (a
# fresh directory, removed at exit, made the current one); loads expect.sh
# and hosttree.sh; defines mr (the binary, no colour).
MIGREADY=$(realpath "${3:?usage: ${0##*/} MIGREADY SOURCE_DIR}")
SRC=$(realpath "${4:?usage: ${0##*/} MIGREADY SOURCE_DIR}")
DATA=$SRC/tests/data/$2
. "$SRC/tests/lib/hosttree.sh"
. "$SRC/tests/lib/expect.sh"
WORK=$(mktemp -d "/tmp/migready-$1.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
mr() { "$MIGREADY" --color never "$@"; }
# chk ROOT PROFILE: check of ROOT under PROFILE; out its output, st its status
chk() { out=$(mr check --local --root "$1" -p "$2" 2>&1); st=$?; }

# expect_tree NAME DIR SUM: DIR's tree_sum is still SUM (nothing written)
expect_tree() {
	local now
	now=$(tree_sum "$2")
	if [ "$now" = "$3" ]; then ok "$1"; else not_ok "$1" "$(diff <(echo "$3") <(echo "$now"))"; fi
}

# converge NAME ROOT PROFILE: check drifts, apply changes, check is then
# green, a second apply changes nothing (the tree summed before and after).
# CHECK_OUT and APPLY_OUT keep what the first check and apply printed.
converge() {
	local name=$1 root=$2 profile=$3 out st after
	out=$(mr check --local --root "$root" -p "$profile" 2>&1); st=$?
	expect_status "$name: check" 2 "$st" "$out"
	CHECK_OUT=$out
	out=$(mr apply --local --root "$root" -p "$profile" 2>&1); st=$?
	expect_status "$name: apply" 2 "$st" "$out"
	APPLY_OUT=$out
	out=$(mr check --local --root "$root" -p "$profile" 2>&1); st=$?
	expect_status "$name: check after apply" 0 "$st" "$out"
	after=$(tree_sum "$root")
	out=$(mr apply --local --root "$root" -p "$profile" 2>&1); st=$?
	expect_status "$name: second apply" 0 "$st" "$out"
	expect_tree "$name: second apply touches nothing" "$root" "$after"
}
