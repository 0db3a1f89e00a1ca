#!/bin/bash
# The facts probe's serving protocol (src/facts.sh, its end), driven by
# hand on a host tree: a request "LENGTH TAG INPUT", the command line, then
# INPUT bytes for its standard input and the line TAG. Input reaches the command whole;
# input cut short (the controller gone mid-request) runs nothing and ends
# the probe; a malformed request ends it too; a command that leaves its
# input unread does not have the rest taken for the next request.
set -u
. "$(dirname "$0")/../lib/e2e.sh" serving e2e "$@"
ROOT=$WORK/host
mkdir -p "$ROOT"
probe() { sh "$SRC/src/facts.sh" "$ROOT" /var/lib/nova/instances 5 "serving test" ""; }
# request TAG INPUT-LENGTH COMMAND: the request's head and command line
request() { printf '%s %s %s\n%s' "${#3}" "$1" "$2" "$3"; }
got=$ROOT/got

out=$({ request T1 5 "cat >$got"; printf 'abcdeT1\n'; request T2 0 "cat $got"; } | probe 2>&1); st=$?
expect_status "two requests, then the end of input" 0 "$st" "$out"
expect_grep "the first command's status follows it" '^T1 0$' "$out"
expect_grep "the second command reads what the first was given" '^abcde$' "$out"
expect_grep "the second command's status follows it" '^T2 0$' "$out"

rm -f "$got"
out=$({ request T3 9 "cat >$got"; printf abc; } | probe 2>&1); st=$?
expect_status "input cut short: the probe ends" 1 "$st" "$out"
expect_no_grep "input cut short: no status for it" '^T3 ' "$out"
[ ! -e "$got" ] && ok "input cut short: the command did not run" || not_ok "input cut short: the command ran" "$(cat "$got")"
[ ! -s "$ROOT/var/lib/migready/input" ] && ok "input cut short: nothing of it kept" \
	|| not_ok "input cut short: its bytes kept" "$(cat "$ROOT/var/lib/migready/input")"
out=$({ request T8 3 "cat >$got"; printf 'abcT9\n'; } | probe 2>&1); st=$?
expect_status "input not followed by its tag: the probe ends" 1 "$st" "$out"
[ ! -e "$got" ] && ok "input not followed by its tag: the command did not run" \
	|| not_ok "input not followed by its tag: the command ran" "$(cat "$got")"

out=$({ printf '5 T4 x\necho!'; } | probe 2>&1); st=$?
expect_status "an input length that is not a number: the probe ends" 1 "$st" "$out"
expect_no_grep "that request ran nothing" '^T4 |^!$' "$out"

# the input looks like a request: read whole, it cannot be taken for one
out=$({ request T5 7 "head -c 2"; printf '0 T6 0\nT5\n'; request T7 0 "echo after"; } | probe 2>&1); st=$?
expect_status "input left unread" 0 "$st" "$out"
expect_grep "input left unread: its command read what it read" '^0 $' "$out"
expect_no_grep "input left unread: not taken for a request" '^T6 ' "$out"
expect_grep "input left unread: the next request runs" '^after$' "$out"

# mr_sh SCRIPT NAME ARG...: the script runs in the serving shell's subshell
# with its own arguments, sees none of the probe's variables nor the lock's
# descriptor, and its exit ends only itself
script='echo "[$r][$inst][$lockarg][$d][$#][$1][$2]"; [ -e /proc/self/fd/9 ] && echo lock-open; exit 3'
out=$({ request T10 0 "mr_sh '$script' migready-x 'a b' c"; request T11 0 "echo next"; } | probe 2>&1); st=$?
expect_status "a script through mr_sh" 0 "$st" "$out"
expect_fixed "mr_sh: the script's own arguments, no probe variable" '[][][][][2][a b][c]' "$out"
expect_no_grep "mr_sh: the lock's descriptor is not the script's" '^lock-open$' "$out"
expect_grep "mr_sh: the script's exit is its status" '^T10 3$' "$out"
expect_grep "mr_sh: the next request runs" '^next$' "$out"
# the lock is still held while the loop serves: after exec, fd 9 stays
out=$({ request T12 0 "flock -n $ROOT/var/lib/migready/lock true && echo free || echo held"; } | probe 2>&1)
expect_grep "the serving loop still holds the lock" '^held$' "$out"

summary
[ "$failed" = 0 ]
