#!/bin/bash
# src/commit.pl run directly, as the controller runs it (its arguments,
# the contents on standard input), on cases the plan-level suites cannot
# make: a target named *.orig keeps its backup, an action runs a program
# written in the same run, actions ignore a hang-up, a default ACL's
# entries do not stay on a rewritten file, backups are not written through
# a link out of the root, a target that is a link is a conflict (exit 3).
#   run-commit-pl.sh SRCDIR
set -u
SRC=$1
. "$SRC/tests/lib/expect.sh"
PERL=/usr/bin/perl
[ -x "$PERL" ] || skip "no $PERL"
W=$(mktemp -d /tmp/migready-commit-pl.XXXXXX)
trap 'rm -rf "$W"' EXIT

# cpl INPUT ARG...: the commit's output in $out, its status in $st
cpl() {
	local input=$1
	shift
	out=$(printf '%s' "$input" | "$PERL" "$SRC/src/commit.pl" "$@" 2>&1)
	st=$?
}

# A backup whose name ends in .orig, like the rollback links, stays.
mkdir -p "$W/t1/etc"
printf 'old\n' >"$W/t1/etc/x.orig"
cpl "old
new
m
" 0 '' 1 "$W/t1/etc/x.orig" "$W/t1/etc/.x.orig.migready-aaaaaa" 4 4 "$W/t1/bk/r1/etc/x.orig" 644:-:- \
	"$W/t1/bk/r1/.MANIFEST.migready-bbbbbb" "$W/t1/bk/r1/MANIFEST" 2 - - 0 0
expect_status "a target named *.orig" 0 "$st" "$out"
expect_grep "committed" '^commit ok$' "$out"
[ "$(cat "$W/t1/etc/x.orig")" = new ] && ok "*.orig: written" || not_ok "*.orig: written"
[ "$(cat "$W/t1/bk/r1/etc/x.orig" 2>/dev/null)" = old ] && ok "*.orig: its backup kept" \
	|| not_ok "*.orig: its backup kept" "$(ls -laR "$W/t1/bk")"
[ -z "$(ls -A "$W/t1/etc" | grep migready)" ] && ok "*.orig: no temporary file left" \
	|| not_ok "*.orig: no temporary file left" "$(ls -a "$W/t1/etc")"

# An action runs the program the run wrote: no descriptor of it is open.
mkdir -p "$W/t2"
cpl "#!/bin/sh
exit 0
" 0 '' 1 "$W/t2/hook" "$W/t2/.hook.migready-cccccc" - 17 - 755:-:- - - 0 - - 0 \
	1 - 1 0 1 "$W/t2/hook"
expect_grep "the action ran the file written (no Text file busy)" '^action 0 0$' "$out"

# Actions keep hang-ups ignored, as the commit does: a dropped connection
# must not kill one half-way.
cpl "" 0 '' 0 - - 0 - - 0 1 - 0 3 sh -c 'kill -HUP $$; echo alive'
expect_grep "an action survives a hang-up" '^action 0 0$' "$out"

# A default ACL of the directory gives the new file entries the original
# did not have: they go, as cp --preserve=xattr removes them.
if command -v setfacl >/dev/null && command -v getfacl >/dev/null; then
	mkdir -p "$W/t3"
	printf 'a\n' >"$W/t3/f"
	if setfacl -d -m u:nobody:rw "$W/t3" 2>/dev/null; then
		cpl "a
b
" 0 '' 1 "$W/t3/f" "$W/t3/.f.migready-dddddd" 2 2 - 644:-:- - - 0 - - 0 0
		expect_grep "rewritten under a default ACL" '^commit ok$' "$out"
		acl=$(getfacl -c -- "$W/t3/f" 2>/dev/null)
		expect_no_grep "no ACL entry the original lacked" 'nobody' "$acl"
	else
		skip "setfacl -d fails on $W (no ACL support)"
	fi
else
	skip "setfacl and getfacl are needed (Debian package acl)"
fi

# Under a root, a link at ROOT/var out of it: the backup and MANIFEST are
# not written there, nothing is written, and it says so.
R=$W/t4/root
mkdir -p "$R/etc" "$W/t4/out/lib/migready/backups/r1/etc"
ln -s "$W/t4/out" "$R/var"
printf 'a\n' >"$R/etc/a"
cpl "a
b
m
" 1 "$R" 1 "$R/etc/a" "$R/etc/.a.migready-eeeeee" 2 2 "$R/var/lib/migready/backups/r1/etc/a" 644:-:- \
	"$R/var/lib/migready/backups/r1/.MANIFEST.migready-ffffff" "$R/var/lib/migready/backups/r1/MANIFEST" 2 - - 0 0
expect_no_grep "a link out of the root: not committed" '^commit ok$' "$out"
expect_grep "the escape is named" 'a symbolic link leads out of the root' "$out"
[ "$(cat "$R/etc/a")" = a ] && ok "the target is unchanged" || not_ok "the target is unchanged"
[ -z "$(find "$W/t4/out" -type f)" ] && ok "nothing written outside the root" \
	|| not_ok "nothing written outside the root" "$(find "$W/t4/out")"
[ -z "$(ls -A "$R/etc" | grep migready)" ] && ok "no temporary file left in the root" \
	|| not_ok "no temporary file left in the root" "$(ls -a "$R/etc")"

# A target that is a symbolic link: a conflict, exit 3, nothing written.
mkdir -p "$W/t5"
printf 'x\n' >"$W/t5/real"
ln -s real "$W/t5/l"
cpl "x
y
" 0 '' 1 "$W/t5/l" "$W/t5/.l.migready-gggggg" 2 2 - 644:-:- - - 0 - - 0 0
expect_status "a target that is a symbolic link" 3 "$st" "$out"
expect_grep "a conflict, named" '^file 0 conflict is a symbolic link; not written$' "$out"
[ "$(cat "$W/t5/real")" = x ] && ok "the link's target untouched" || not_ok "the link's target untouched"

summary
