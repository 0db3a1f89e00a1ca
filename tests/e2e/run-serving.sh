#!/bin/bash
# The facts probe's serving protocol (src/facts.sh, its end), driven by
# hand on a host tree: a request "LENGTH TAG INPUT", the command line, then
# INPUT bytes for its standard input and the line TAG. Input reaches the command whole;
# input cut short (the controller gone mid-request) runs nothing and ends
# the probe; a malformed request ends it too; a command that leaves its
# input unread does not have the rest taken for the next request. A script
# sent as mr_sh runs with its own arguments only; become.sh's stage, so
# served, gives the owner and mode asked for.
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

# become.sh's stage, served: the new file gets the owner and mode asked
# for; a chown left out only where the file was made with that owner (not
# in a set-group-ID directory, whose group a new file takes)
# q WORD: WORD quoted for the shell, trailing newlines kept
q() { local s; s=$(printf '%s' "$1" | sed "s/'/'\\\\''/g"; echo x); printf "'%s'" "${s%x}"; }
BECOME=$(q "$(cat "$SRC/src/become.sh")")
# stage_as NAME MODE UID GID DIR: stages "new" into DIR/NAME; prints "MODE UID GID" of it
stage_as() {
	local out tmp
	out=$({ request S1 3 "mr_sh $BECOME migready-file stage $2 $3 $4 '' $(q "$5/$1")"; printf 'newS1\n'; } | probe 2>&1)
	tmp=$(printf '%s\n' "$out" | grep -m1 '^/') || { echo "no staged file: $out"; return; }
	[ "$(cat "$tmp")" = new ] || echo "content: $(cat "$tmp")"
	stat -c '%a %u %g' "$tmp"
}
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$WORK/plain" "$WORK/sgid"
	chgrp 4242 "$WORK/sgid" && chmod 2755 "$WORK/sgid"
	expect_fixed "stage: own ids, 0600" "600 0 0" "$(stage_as a 0600 0 0 "$WORK/plain")"
	expect_fixed "stage: own ids, 0644" "644 0 0" "$(stage_as b 0644 0 0 "$WORK/plain")"
	expect_fixed "stage: another owner and group" "640 4243 4244" "$(stage_as c 0640 4243 4244 "$WORK/plain")"
	expect_fixed "stage: owner kept ('-'), group given" "644 0 4244" "$(stage_as d 0644 - 4244 "$WORK/plain")"
	expect_fixed "stage: in a set-group-ID directory, the group asked for" "644 0 0" "$(stage_as e 0644 0 0 "$WORK/sgid")"
	expect_fixed "stage: in a set-group-ID directory, '-' keeps its group" "644 0 4242" "$(stage_as f 0644 0 - "$WORK/sgid")"
else
	skip "stage's owners need root"
fi

# stage with its content as an argument (what the controller sends in the
# serving shell): written by the shell byte for byte, under the name asked
# for, never over an existing one
mkdir -p "$WORK/inline"
# stage_inline NAME SUFFIX CONTENT: the request's output
stage_inline() {
	{ request S2 0 "mr_sh $BECOME migready-file stage 0600 - - '' $(q "$WORK/inline/$1") $2 $(q "$3")"; } | probe 2>&1
}
content=$(printf "a 'quoted' \\line\n\n\tand \$HOME \$(id) \`x\`\n\nx"); content=${content%x}
out=$(stage_inline f1 Abc123 "$content")
expect_grep "stage, content inline: the new file's path" "^$WORK/inline/.f1.migready-Abc123\$" "$out"
expect_fixed "stage, content inline: every byte, trailing newlines too" \
	"$(printf '%s' "$content" | sha256sum)" "$(sha256sum <"$WORK/inline/.f1.migready-Abc123" 2>&1)"
expect_fixed "stage, content inline: mode 0600" 600 "$(stat -c %a "$WORK/inline/.f1.migready-Abc123" 2>&1)"
out=$(stage_inline f1 Abc123 "other")
expect_grep "stage, content inline: an existing name refused" '^error .*exists' "$out"
expect_fixed "stage, content inline: the existing file untouched" \
	"$(printf '%s' "$content" | sha256sum)" "$(sha256sum <"$WORK/inline/.f1.migready-Abc123" 2>&1)"
ln -s "$WORK/inline/elsewhere" "$WORK/inline/.f2.migready-Lnk000"
out=$(stage_inline f2 Lnk000 "x")
expect_grep "stage, content inline: a link at the name refused" '^error ' "$out"
[ ! -e "$WORK/inline/elsewhere" ] && ok "stage, content inline: nothing made through the link" \
	|| not_ok "stage, content inline: a file made through the link"
out=$(stage_inline f3 'a/../b' "x")
expect_grep "stage, content inline: a suffix that is not letters and digits refused" '^error bad temporary suffix' "$out"

# become.sh's mkdir under a root: the missing rest of a path made at once,
# every directory with MODE; '..' refused before anything is made; a link
# out of the root on the way refused, nothing made beyond it
R=$WORK/mkroot
mkdir -p "$R/etc" "$WORK/outside"
ln -s "$WORK/outside" "$R/out"
modes() { local d=$1 m=; shift; for x do d=$d/$x; m="$m $(stat -c %a "$d" 2>&1)"; done; echo "${m# }"; }
out=$(sh "$SRC/src/become.sh" mkdir 0755 "$R" etc/a/b//./c 2>&1)
expect_fixed "mkdir under a root: three new directories, each 0755" "755 755 755" "$(modes "$R/etc" a b c)"
out=$(sh "$SRC/src/become.sh" mkdir 0700 "$R" var/x/y 2>&1)
expect_fixed "mkdir under a root: each 0700" "700 700 700" "$(modes "$R" var x y)"
out=$(sh "$SRC/src/become.sh" mkdir 2750 "$R" etc/s/t 2>&1)
expect_fixed "mkdir under a root: a set-group-ID mode, each directory" "2750 2750" "$(modes "$R/etc" s t)"
for m in 0755 2750; do
	out=$(sh "$SRC/src/become.sh" mkdir $m "$R" etc/n/../m 2>&1)
	expect_grep "mkdir $m under a root: '..' refused" "^error '..' in" "$out"
	[ ! -e "$R/etc/n" ] && ok "mkdir $m under a root: nothing made before the '..'" || not_ok "mkdir $m under a root: etc/n made"
done
out=$(sh "$SRC/src/become.sh" mkdir 0755 "$R" out/z/w 2>&1)
expect_grep "mkdir under a root: a link out of the root refused" '^error a symbolic link leads out of the root' "$out"
[ ! -e "$WORK/outside/z" ] && ok "mkdir under a root: nothing made beyond the link" || not_ok "mkdir under a root: made beyond the link"

summary
[ "$failed" = 0 ]
