#!/bin/bash
# The facts probe's serving protocol (src/facts.sh, its end: the shell
# reads its requests as its script), driven with the requests the
# transports build (tests/e2e/serve_request, mr_serve_request) on a host
# tree: input reaches the command whole, whatever its bytes; a request cut
# short anywhere (the controller gone mid-request) runs nothing and ends
# the probe; a malformed one ends it too; a command that leaves its input
# unread does not have the rest taken for a request. A script for
# /bin/sh -c runs with its own arguments only; become.sh's stage, so
# served, makes its file O_EXCL and writes it through its descriptor.
set -u
REQ=$(realpath "${3:?usage: run-serving.sh MIGREADY SOURCE_DIR SERVE_REQUEST}") || exit 1
. "$(dirname "$0")/../lib/e2e.sh" serving e2e "$@"
ROOT=$WORK/host
# a host's root: facts.sh refuses a directory without etc
mkdir -p "$ROOT/etc"
probe() { sh "$SRC/src/facts.sh" "$ROOT" /var/lib/nova/instances 5 "serving test" ""; }
# request TAG [-i FILE] ARG...: the request for ARG... (FILE its input)
request() { "$REQ" "$@"; }
got=$ROOT/got
input=$ROOT/var/lib/migready/input

printf abcde >"$WORK/in5"
out=$({ request T1 -i "$WORK/in5" /bin/sh -c 'cat >"$1"' x "$got"; request T2 cat "$got"; } | probe 2>&1); st=$?
expect_status "two requests, then the end of input" 0 "$st" "$out"
expect_grep "the first command's status follows it" '^T1 0$' "$out"
expect_grep "the second command reads what the first was given" '^abcde$' "$out"
expect_grep "the second command's status follows it" '^T2 0$' "$out"
[ ! -s "$input" ] && ok "the input is not kept after its command" || not_ok "the input kept" "$(cat "$input")"

# every byte value, NUL, '%', '\\' and quotes among them, reaches the command
awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i; printf "%%s\\\\c'"'"'\"\n\n" }' >"$WORK/bytes"
out=$(request T3 -i "$WORK/bytes" sha256sum | probe 2>&1)
expect_grep "input: every byte as sent" "^$(sha256sum <"$WORK/bytes")\$" "$out"

# cut short anywhere but after its closing brace: the probe ends, no status,
# the command has not run and no input was written
rm -f "$got"
full=$(request T4 -i "$WORK/in5" /bin/sh -c 'cat >"$1"' x "$got"; echo x); full=${full%x}
cut_ran=; cut_status=; cuts=0
for ((n = 1; n < ${#full} - 1; n += 3)); do
	# stdout only: a shell may echo the broken line on stderr
	out=$(printf '%s' "${full:0:n}" | probe 2>/dev/null); st=$?; cuts=$((cuts + 1))
	[ "$st" != 0 ] || cut_status="$cut_status $n"
	! printf '%s\n' "$out" | grep -q '^T4 ' || cut_status="$cut_status $n"
	[ ! -e "$got" ] && [ ! -s "$input" ] || { cut_ran="$cut_ran $n"; rm -f "$got"; : >"$input"; }
done
[ -z "$cut_status" ] && [ "$cuts" -gt 30 ] && ok "a request cut short ends the probe, with no status for it ($cuts cuts)" \
	|| not_ok "a request cut short answered or ended well" "cut at:$cut_status"
[ -z "$cut_ran" ] && ok "a request cut short ran nothing, wrote no input" \
	|| not_ok "a request cut short ran its command" "cut at:$cut_ran"
out=$(printf '%s' "${full%?}" | probe 2>&1); st=$?
expect_grep "whole but for its last newline: it runs" '^T4 0$' "$out"

# the controller gone before the reply: the input is emptied all the same
out=$({ request T13 -i "$WORK/in5" /bin/sh -c 'sleep 1; cat >/dev/null' x; sleep 2; } | probe | sed -n '/--migready-serving--/q')
[ ! -s "$input" ] && ok "the controller gone before the reply: the input emptied" \
	|| not_ok "the controller gone before the reply: the input kept" "$(cat "$input")"

out=$({ printf '{ echo !; ) }\n'; request T5 echo after; } | probe 2>&1); st=$?
[ "$st" != 0 ] && ok "a malformed request ends the probe" || not_ok "a malformed request: exit 0" "$out"
expect_no_grep "a malformed request ran nothing, nor what followed" '^!$|^after$' "$out"

# the input looks like a request: in a file of its own, it cannot be taken for one
printf '{ echo hijacked; }\n' >"$WORK/looks"
out=$({ request T6 -i "$WORK/looks" head -c 2; request T7 echo after; } | probe 2>&1); st=$?
expect_status "input left unread" 0 "$st" "$out"
expect_grep "input left unread: its command read what it read" '^{ $' "$out"
expect_no_grep "input left unread: not taken for a request" '^hijacked$' "$out"
expect_grep "input left unread: the next request runs" '^after$' "$out"

# /bin/sh -c SCRIPT NAME ARG...: the script runs in the serving shell's
# subshell with its own arguments, sees none of the probe's variables nor
# the lock's descriptor, and its exit ends only itself
script='echo "[$r][$inst][$lockarg][$d][$#][$1][$2]"; [ -e /proc/self/fd/9 ] && echo lock-open; exit 3'
out=$({ request T10 /bin/sh -c "$script" migready-x 'a b' c; request T11 echo next; } | probe 2>&1); st=$?
expect_status "a script for /bin/sh -c" 0 "$st" "$out"
expect_fixed "a script: its own arguments, no probe variable" '[][][][][2][a b][c]' "$out"
expect_no_grep "a script: the lock's descriptor is not the script's" '^lock-open$' "$out"
expect_grep "a script: its exit is its status" '^T10 3$' "$out"
expect_grep "a script: the next request runs" '^next$' "$out"
# the lock is still held while the shell serves: after exec, fd 9 stays
out=$(request T12 /bin/sh -c 'flock -n "$1" true && echo free || echo held' x "$ROOT/var/lib/migready/lock" | probe 2>&1)
expect_grep "the serving shell still holds the lock" '^held$' "$out"

# become.sh's stage, served: the new file, by the name the controller
# picked, made O_EXCL, 0600 and the running user's whatever its owner and
# mode will be (the commit script gives them, on the file it opened)
BECOME=$(cat "$SRC/src/become.sh")
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$WORK/plain" "$WORK/sgid"
	chgrp 4242 "$WORK/sgid" && chmod 2755 "$WORK/sgid"
	printf new >"$WORK/new"
	for d in plain sgid; do
		out=$(request S1 -i "$WORK/new" /bin/sh -c "$BECOME" migready-file stage '' "$WORK/$d/a" .a.migready-Ab12Cd | probe 2>&1)
		expect_grep "stage in $d: the new file's path" "^$WORK/$d/\\.a\\.migready-Ab12Cd\$" "$out"
		expect_fixed "stage in $d: the content, 0600, root's" "new 600 0" \
			"$(cat "$WORK/$d/.a.migready-Ab12Cd") $(stat -c '%a %u' "$WORK/$d/.a.migready-Ab12Cd")"
	done
else
	skip "stage's owners need root"
fi

# stage with its content as an argument (what the controller sends in the
# serving shell): written by the shell byte for byte, 0600 also where the
# directory's default ACL grants all (the shell's > makes it 0666 there,
# writable by others until the commit); never over an existing file
mkdir -p "$WORK/inline"
# stage_inline NAME TMPNAME CONTENT: the request's output
stage_inline() {
	request S2 /bin/sh -c "$BECOME" migready-file stage '' "$WORK/inline/$1" "$2" "$3" | probe 2>&1
}
content=$(printf "a 'quoted' \\line\n\n\tand \$HOME \$(id) \`x\`\n\nx"); content=${content%x}
out=$(stage_inline f1 .f1.migready-aaaaaa "$content")
f1=$(printf '%s\n' "$out" | grep -m1 "^$WORK/inline/\.f1\.migready-aaaaaa\$")
[ -n "$f1" ] && ok "stage, content inline: the new file's path" || not_ok "stage, content inline: no path" "$out"
expect_fixed "stage, content inline: every byte, trailing newlines too" \
	"$(printf '%s' "$content" | sha256sum)" "$(sha256sum <"$f1" 2>&1)"
expect_fixed "stage, content inline: mode 0600" 600 "$(stat -c %a "$f1" 2>&1)"
out=$(stage_inline f1 .f1.migready-aaaaaa "other")
expect_grep "stage, content inline: a name taken is refused" '^error cannot create a temporary file in the directory: ' "$out"
expect_fixed "stage, content inline: the first file untouched" \
	"$(printf '%s' "$content" | sha256sum)" "$(sha256sum <"$f1" 2>&1)"
out=$(stage_inline f1 ../x.migready-aaaaaa "other")
expect_grep "stage: a name with a slash is refused" "^error '../x.migready-aaaaaa' is not a temporary file's name" "$out"
# A link at the name (the directory's owner guessed it) is never written
# through; one swapped in once the file is made (by a chmod first on the
# PATH) leaves its target untouched: the content and the mode go through
# the descriptor. Both ways of sending the content.
mkdir -p "$WORK/evil" "$WORK/home"
cat > "$WORK/evil/chmod" <<EOF
#!/bin/sh
for t in "$WORK"/home/.*.migready-??????; do mv -- "\$t" "\$t.moved"; ln -s "$WORK/victim" "\$t"; done
exec $(command -v chmod) "\$@"
EOF
chmod 755 "$WORK/evil/chmod"
printf 'key line\n' >"$WORK/new"
for how in inline input; do
	printf 'victim\n' >"$WORK/victim"; chmod 640 "$WORK/victim"
	rm -f "$WORK/home"/.*.migready-*
	if [ $how = inline ]; then
		out=$(request S4 /bin/sh -c "$BECOME" migready-file stage '' "$WORK/home/authorized_keys" .authorized_keys.migready-bbbbbb 'key line' | PATH=$WORK/evil:$PATH probe 2>&1)
	else
		out=$(request S4 -i "$WORK/new" /bin/sh -c "$BECOME" migready-file stage '' "$WORK/home/authorized_keys" .authorized_keys.migready-bbbbbb | PATH=$WORK/evil:$PATH probe 2>&1)
	fi
	expect_fixed "stage, content $how, a link swapped in: nothing written through it, its mode kept" "victim 640 0:0" \
		"$(cat "$WORK/victim") $(stat -c '%a %u:%g' "$WORK/victim")"
	expect_fixed "stage, content $how, a link swapped in: the file made has it" "key line 600" \
		"$(cat "$WORK/home/.authorized_keys.migready-bbbbbb.moved") $(stat -c %a "$WORK/home/.authorized_keys.migready-bbbbbb.moved")"
	rm -f "$WORK/home"/.*.migready-*
	ln -s "$WORK/victim" "$WORK/home/.authorized_keys.migready-cccccc"
	out=$(request S5 /bin/sh -c "$BECOME" migready-file stage '' "$WORK/home/authorized_keys" .authorized_keys.migready-cccccc 'key line' | probe 2>&1)
	expect_grep "stage, a link already at the name: refused" '^S5 [1-9]' "$out"
	expect_fixed "stage, a link already at the name: nothing written through it" "victim 640 0:0" \
		"$(cat "$WORK/victim") $(stat -c '%a %u:%g' "$WORK/victim")"
done

mkdir -p "$WORK/acl"
if setfacl -d -m u::rw,g::rw,o::rw "$WORK/acl"; then
	out=$(request S3 /bin/sh -c "$BECOME" migready-file stage '' "$WORK/acl/k" .k.migready-dddddd secret | probe 2>&1)
	f=$(printf '%s\n' "$out" | grep -m1 "^$WORK/acl/\.k\.migready-")
	expect_fixed "stage, content inline, under a default ACL granting all: 0600" 600 "$(stat -c %a "$f" 2>&1)"
else
	not_ok "setfacl -d on a test directory"
fi

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
