#!/bin/bash
# The commit script (src/commit.sh) run as root, as the transports run it,
# against the moves of a directory's owner (nova in its ~/.ssh): a staged
# file or a target swapped for a link, or linked elsewhere, between the
# script's checks and its cp, chown, chmod and ln (a cp, chmod or ln
# first on the PATH makes the swap at that very moment); a directory
# reached through a link in a directory another user can write. Root must
# never give a mode, owner, ACL or content to what a link leads to, and
# never write through such a directory. Also: more files than one round of
# descriptors holds, and a conflict among them; a FIFO put at a target's
# name, which must not block the commit for good; a failed step 2.
set -u
. "$(dirname "$0")/../lib/e2e.sh" commit e2e "$@"
[ "$(id -u)" = 0 ] || skip "the commit's owners and the other user's directories need root"

sha() { sha256sum <"$1" | cut -d' ' -f1; }
shas() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
# stage DIR NAME CONTENT: a staged file as the transports make it (0600)
stage() { local t; t=$(mktemp "$1/.$2.migready-XXXXXX") && printf '%s' "$3" >"$t" && echo "$t"; }
# commit [ROOT] -- {TARGET TMP OLD NEW ATTRS}...: the script with no
# backup, MANIFEST, restarts or actions
commit() {
	local root=$1 args=() n=0
	shift 2
	while [ $# -ge 5 ]; do args+=("$1" "$2" "$3" "$4" - "$5"); shift 5; n=$((n + 1)); done
	/bin/sh "$SRC/src/commit.sh" 1 1 "$root" "$n" "${args[@]}" - - - - 0
}
# victim: a root-only file that nothing may touch
victim() { printf 'victim\n' >"$WORK/victim"; chmod 600 "$WORK/victim"; chown 0:0 "$WORK/victim"; setfacl -b "$WORK/victim"; }
victim_state() { echo "$(cat "$WORK/victim") $(stat -c '%a %u:%g' "$WORK/victim") $(getfacl -cp "$WORK/victim" 2>/dev/null | grep -c '^user:[0-9]')"; }
# evil CMD: CMD first on the PATH, which first swaps every staged file of
# $WORK/home for a link to the victim (the staged file kept aside)
mkdir -p "$WORK/evil"
evil() {
	rm -f "$WORK/evil"/*
	cat >"$WORK/evil/$1" <<EOF
#!/bin/sh
for f in "$WORK"/home/.*.migready-??????; do
	[ -f "\$f" ] && [ ! -L "\$f" ] || continue
	mv -- "\$f" "\$f.aside" && ln -s "$WORK/victim" "\$f" && echo "\$f" >>"$WORK/evil/swapped"
done
exec $(command -v "$1") "\$@"
EOF
	chmod 755 "$WORK/evil/$1"
}
# nova's home: another user's directory
home() {
	rm -rf "$WORK/home"; mkdir -p "$WORK/home"; chown 4243:4243 "$WORK/home"
	printf 'old key\n' >"$WORK/home/authorized_keys"; chown 4243:4243 "$WORK/home/authorized_keys"
	chmod 640 "$WORK/home/authorized_keys"; setfacl -m u:4244:r "$WORK/home/authorized_keys"
}

# 1. A replaced file's attributes (mode, owner, ACL) go onto the file the
# script opened, never through a link swapped in for the staged name.
home; victim; evil cp
t=$WORK/home/authorized_keys; n=$(stage "$WORK/home" authorized_keys 'new key')
out=$(PATH=$WORK/evil:$PATH commit '' -- "$t" "$n" "$(sha "$t")" "$(shas 'new key')" 640:-:- 2>&1); st=$?
[ -s "$WORK/evil/swapped" ] && ok "cp: the staged file swapped for a link" || not_ok "cp: no swap made" "$out"
expect_fixed "cp: the link's target keeps its mode, owner and ACL" "victim 600 0:0 0" "$(victim_state)"
expect_status "cp: the commit, its staged file gone at the rename" 5 "$st" "$out"
expect_grep "cp: the vanished file named" '^file 0 conflict the temporary file vanished; not written$' "$out"
expect_fixed "cp: the target kept" "old key" "$(cat "$t")"

# 2. The target swapped for a link to a set-user-ID file after its check:
# the target is looked at again before the rename, and the commit
# refuses it; nothing goes onto what the link leads to.
home; victim; rm -f "$WORK/evil"/*
cp /bin/true "$WORK/suid"; chmod 4755 "$WORK/suid"
cat >"$WORK/evil/cp" <<EOF
#!/bin/sh
mv -- "$WORK/home/authorized_keys" "$WORK/home/aside" && ln -s "$WORK/suid" "$WORK/home/authorized_keys"
exec $(command -v cp) "\$@"
EOF
chmod 755 "$WORK/evil/cp"
n=$(stage "$WORK/home" authorized_keys 'new key')
out=$(PATH=$WORK/evil:$PATH commit '' -- "$t" "$n" "$(sha "$t")" "$(shas 'new key')" 640:-:- 2>&1); st=$?
expect_status "the target swapped before cp: commit" 5 "$st" "$out"
expect_grep "the target swapped before cp: the conflict named" \
	'^file 0 conflict was removed or replaced since it was read; not overwritten$' "$out"
[ -L "$t" ] && ok "the target swapped before cp: the link left as it is" || not_ok "the target swapped before cp: the link replaced" "$(ls -la "$t")"
expect_fixed "the target swapped before cp: the set-user-ID file untouched" "4755 0:0" "$(stat -c '%a %u:%g' "$WORK/suid")"

# 2b. The same swap, to a link to root's secret, with a backup asked for:
# refused; no backup holds the secret (a rollback would give the backup's
# content to the file's owner).
home; rm -f "$WORK/evil"/*; rm -rf "$WORK/bk"; mkdir -m 700 "$WORK/bk"
printf 'root secret\n' >"$WORK/secret"; chmod 600 "$WORK/secret"
cat >"$WORK/evil/cp" <<EOF
#!/bin/sh
case " \$* " in *" --attributes-only "*)
	mv -- "$WORK/home/authorized_keys" "$WORK/home/aside" && ln -s "$WORK/secret" "$WORK/home/authorized_keys";;
esac
exec $(command -v cp) "\$@"
EOF
chmod 755 "$WORK/evil/cp"
t=$WORK/home/authorized_keys; n=$(stage "$WORK/home" authorized_keys 'new key')
out=$(PATH=$WORK/evil:$PATH /bin/sh "$SRC/src/commit.sh" 1 1 '' 1 "$t" "$n" "$(sha "$t")" "$(shas 'new key')" \
	"$WORK/bk/authorized_keys" 640:-:- - - - - 0 2>&1); st=$?
expect_status "the target swapped for a link to a secret: commit" 5 "$st" "$out"
expect_grep "the target swapped for a link to a secret: the conflict named" \
	'^file 0 conflict was removed or replaced since it was read; not overwritten$' "$out"
! grep -rqs 'root secret' "$WORK/bk" && ok "the target swapped for a link to a secret: no backup holds it" \
	|| not_ok "the target swapped for a link to a secret: a backup holds it" "$(ls -laR "$WORK/bk")"
expect_fixed "... the secret untouched" "root secret 600" "$(cat "$WORK/secret") $(stat -c %a "$WORK/secret")"
# a backup already there: refused, nothing written, the old backup kept
home; rm -f "$WORK/evil"/*
printf 'earlier backup\n' >"$WORK/bk/authorized_keys"
n=$(stage "$WORK/home" authorized_keys 'new key')
out=$(/bin/sh "$SRC/src/commit.sh" 1 1 '' 1 "$t" "$n" "$(sha "$t")" "$(shas 'new key')" \
	"$WORK/bk/authorized_keys" 640:-:- - - - - 0 2>&1); st=$?
expect_status "a backup already there: commit" 4 "$st" "$out"
expect_fixed "a backup already there: kept, the target too" "earlier backup old key" "$(cat "$WORK/bk/authorized_keys") $(cat "$t")"

# 3. A new file's mode and owner (the plan's; staged 0600 by a command) go
# onto the file opened, not through a link swapped in before chmod.
home; victim; evil chmod
t=$WORK/home/known_hosts; n=$(stage "$WORK/home" known_hosts 'peer key')
out=$(PATH=$WORK/evil:$PATH commit '' -- "$t" "$n" - "$(shas 'peer key')" 644:4243:4243 2>&1); st=$?
[ -s "$WORK/evil/swapped" ] && ok "chmod: the staged file swapped for a link" || not_ok "chmod: no swap made" "$out"
expect_fixed "chmod: the link's target keeps its mode and owner" "victim 600 0:0 0" "$(victim_state)"
expect_status "chmod: the commit" 5 "$st" "$out"
[ ! -e "$t" ] && ok "chmod: no new file" || not_ok "chmod: a new file" "$(ls -la "$WORK/home")"
# the same, undisturbed: the plan's mode and owner
home; rm -f "$WORK/evil"/*
n=$(stage "$WORK/home" known_hosts 'peer key')
out=$(commit '' -- "$t" "$n" - "$(shas 'peer key')" 644:4243:4243 2>&1); st=$?
expect_status "a new file staged 0600: commit" 0 "$st" "$out"
expect_fixed "a new file staged 0600: the plan's mode and owner" "peer key 644 4243:4243" "$(cat "$t") $(stat -c '%a %u:%g' "$t")"

# 4. The original's link cannot be made (an ln that plants a link at its
# name and fails): the copy made instead replaces that link, never writes
# through it.
home; victim; rm -f "$WORK/evil"/*
cat >"$WORK/evil/ln" <<EOF
#!/bin/sh
for a do l=\$a; done
case \$l in *.orig) $(command -v ln) -s "$WORK/victim" "\$l"; echo "\$l" >>"$WORK/evil/swapped"; exit 1;; esac
exec $(command -v ln) "\$@"
EOF
chmod 755 "$WORK/evil/ln"
t=$WORK/home/authorized_keys; n=$(stage "$WORK/home" authorized_keys 'new key')
out=$(PATH=$WORK/evil:$PATH commit '' -- "$t" "$n" "$(sha "$t")" "$(shas 'new key')" 640:-:- 2>&1); st=$?
[ -s "$WORK/evil/swapped" ] && ok "ln: a link planted at the original's copy" || not_ok "ln: nothing planted" "$out"
expect_status "ln: commit, the original copied" 0 "$st" "$out"
expect_fixed "ln: the link's target keeps its content" "victim 600 0:0 0" "$(victim_state)"
expect_fixed "ln: the new file in place" "new key" "$(cat "$t")"

# 5. A staged file with a second name (linked by the directory's owner):
# refused, not given attributes.
home; rm -f "$WORK/evil"/*
n=$(stage "$WORK/home" authorized_keys 'new key'); ln "$n" "$WORK/home/second"
out=$(commit '' -- "$t" "$n" "$(sha "$t")" "$(shas 'new key')" 640:-:- 2>&1); st=$?
expect_status "a staged file with two names: commit" 3 "$st" "$out"
expect_grep "a staged file with two names: named" '^file 0 conflict the temporary file vanished$' "$out"
expect_fixed "a staged file with two names: its mode untouched" 600 "$(stat -c %a "$WORK/home/second")"

# 6. A directory reached through a link that its directory's owner (not
# root) put there, pointing at root's own: refused, nothing written. The
# same link in root's directory is followed.
home; rm -f "$WORK/evil"/*
mkdir -p "$WORK/rootssh"; chmod 700 "$WORK/rootssh"; printf 'root key\n' >"$WORK/rootssh/authorized_keys"
ln -s "$WORK/rootssh" "$WORK/home/.ssh"; chown -h 4243:4243 "$WORK/home/.ssh"
t=$WORK/home/.ssh/authorized_keys; n=$(stage "$WORK/home/.ssh" authorized_keys 'new key')
out=$(commit '' -- "$t" "$n" "$(sha "$t")" "$(shas 'new key')" 600:4243:4243 2>&1); st=$?
expect_status "a link in another user's directory: commit" 3 "$st" "$out"
expect_grep "a link in another user's directory: named" "^file 0 conflict it is reached through a symbolic link in $WORK/home, which another user can write; not written\$" "$out"
expect_fixed "a link in another user's directory: root's file untouched" "root key 644 0:0" \
	"$(cat "$WORK/rootssh/authorized_keys") $(stat -c '%a %u:%g' "$WORK/rootssh/authorized_keys")"
[ -z "$(ls -A "$WORK/rootssh" | grep -v '^authorized_keys$')" ] && ok "a link in another user's directory: the staged file removed" \
	|| not_ok "a link in another user's directory: left behind" "$(ls -la "$WORK/rootssh")"
# the link owned by root but in that user's directory: the same
rm "$WORK/home/.ssh"; ln -s "$WORK/rootssh" "$WORK/home/.ssh"
n=$(stage "$WORK/home/.ssh" authorized_keys 'new key')
out=$(commit '' -- "$t" "$n" "$(sha "$t")" "$(shas 'new key')" 600:4243:4243 2>&1); st=$?
expect_status "root's link in another user's directory: commit" 3 "$st" "$out"
# a link owned by another user in root's directory (a sticky one, as
# /tmp; the test reaches root's files by their own path: a kernel with
# fs.protected_symlinks follows no such link, and refuses it itself)
mkdir -p "$WORK/sticky"; chmod 1777 "$WORK/sticky"
ln -s "$WORK/rootssh" "$WORK/sticky/ssh"; chown -h 4243:4243 "$WORK/sticky/ssh"
n=$(stage "$WORK/rootssh" authorized_keys 'new key')
out=$(commit '' -- "$WORK/sticky/ssh/authorized_keys" "$WORK/sticky/ssh/${n##*/}" "$(sha "$WORK/rootssh/authorized_keys")" \
	"$(shas 'new key')" 600:0:0 2>&1); st=$?
expect_status "another user's link in a sticky directory: commit" 3 "$st" "$out"
if [ "$(cat /proc/sys/fs/protected_symlinks 2>/dev/null)" = 1 ]; then
	expect_grep "another user's link: not followed (protected_symlinks)" "^file 0 conflict its directory cannot be entered; not written\$" "$out"
else
	expect_grep "another user's link: named" "^file 0 conflict it is reached through the symbolic link $WORK/sticky/ssh, which another user owns; not written\$" "$out"
fi
expect_fixed "another user's link: root's file untouched" "root key" "$(cat "$WORK/rootssh/authorized_keys")"
# a chain: root's link in root's directory leads to a link that the other
# user put in its own directory: each link of the chain is examined
mkdir -p "$WORK/etc" "$WORK/varlib/nova"; chown 4243:4243 "$WORK/varlib/nova"
ln -s ../varlib/nova/ssh "$WORK/etc/nova-ssh"
ln -s "$WORK/rootssh" "$WORK/varlib/nova/ssh"; chown -h 4243:4243 "$WORK/varlib/nova/ssh"
n=$(stage "$WORK/rootssh" authorized_keys 'new key')
out=$(commit '' -- "$WORK/etc/nova-ssh/authorized_keys" "$WORK/etc/nova-ssh/${n##*/}" "$(sha "$WORK/rootssh/authorized_keys")" \
	"$(shas 'new key')" 600:4243:4243 2>&1); st=$?
expect_status "a chain of links, the second in another user's directory: commit" 3 "$st" "$out"
expect_grep "a chain of links: named" "^file 0 conflict it is reached through a symbolic link in $WORK/varlib/nova, which another user can write; not written\$" "$out"
expect_fixed "a chain of links: root's file untouched" "root key 644 0:0" \
	"$(cat "$WORK/rootssh/authorized_keys") $(stat -c '%a %u:%g' "$WORK/rootssh/authorized_keys")"
# root's link in root's directory: followed
mkdir -p "$WORK/etc" "$WORK/srv/conf"; printf 'a = 1\n' >"$WORK/srv/conf/app.conf"
ln -s ../srv/conf "$WORK/etc/conf"
t=$WORK/etc/conf/app.conf; n=$(stage "$WORK/etc/conf" app.conf 'a = 2')
out=$(commit '' -- "$t" "$n" "$(sha "$t")" "$(shas 'a = 2')" 644:-:- 2>&1); st=$?
expect_status "root's link in root's directory: commit" 0 "$st" "$out"
expect_fixed "root's link in root's directory: written where it leads" "a = 2" "$(cat "$WORK/srv/conf/app.conf")"
# under a root, a link inside the tree in another user's directory
mkdir -p "$WORK/img/etc" "$WORK/img/srv/conf"; printf 'a = 1\n' >"$WORK/img/srv/conf/app.conf"
chown 4243 "$WORK/img/etc"; ln -s ../srv/conf "$WORK/img/etc/conf"
t=$WORK/img/etc/conf/app.conf; n=$(stage "$WORK/img/etc/conf" app.conf 'a = 2')
out=$(commit "$WORK/img" -- "$t" "$n" "$(sha "$t")" "$(shas 'a = 2')" 644:-:- 2>&1); st=$?
expect_status "under a root, a link in another user's directory: commit" 3 "$st" "$out"
expect_grep "under a root: named" "which another user can write; not written\$" "$out"
expect_fixed "under a root: nothing written" "a = 1" "$(cat "$WORK/img/srv/conf/app.conf")"

# the root '/' (the host itself, as an inventory may say): every path is
# inside it (bash once took none for inside: "${root%/}"/* is empty there)
mkdir -p "$WORK/slash"; printf 'a = 1\n' >"$WORK/slash/app.conf"
t=$WORK/slash/app.conf; n=$(stage "$WORK/slash" app.conf 'a = 3')
out=$(commit / -- "$t" "$n" "$(sha "$t")" "$(shas 'a = 3')" 644:-:- 2>&1); st=$?
expect_status "the root '/': commit" 0 "$st" "$out"
expect_fixed "the root '/': written" "a = 3" "$(cat "$t")"

# 7. More files than one round of descriptors (3-8) holds: 8 files in two
# directories, new and replaced, each with its mode.
mkdir -p "$WORK/many/a" "$WORK/many/b"
args=()
for i in 1 2 3 4 5 6 7 8; do
	d=$WORK/many/a; [ $((i % 2)) = 0 ] && d=$WORK/many/b
	if [ $((i % 3)) = 0 ]; then
		args+=("$d/f$i" "$(stage "$d" "f$i" "new $i")" - "$(shas "new $i")" 640:-:-)
	else
		printf 'old %s\n' $i >"$d/f$i"; chmod 604 "$d/f$i"
		args+=("$d/f$i" "$(stage "$d" "f$i" "new $i")" "$(sha "$d/f$i")" "$(shas "new $i")" 604:-:-)
	fi
done
before=$(tree_sum "$WORK/many")
# a conflict in the second round: nothing written at all
printf 'changed\n' >"$WORK/many/b/f8"; before=$(tree_sum "$WORK/many")
out=$(commit '' -- "${args[@]}" 2>&1); st=$?
expect_status "8 files, the last changed since read: commit" 3 "$st" "$out"
expect_grep "8 files: the conflict named" '^file 7 conflict changed since it was read' "$out"
[ "$(tree_sum "$WORK/many" | grep -v migready)" = "$(printf '%s\n' "$before" | grep -v migready)" ] \
	&& ok "8 files: nothing written" || not_ok "8 files: written" "$(ls -laR "$WORK/many")"
[ -z "$(find "$WORK/many" -name '*.migready-*')" ] && ok "8 files: the staged files removed" || not_ok "8 files: left" "$(find "$WORK/many" -name '*.migready-*')"
# again, undisturbed
args=()
printf 'old 8\n' >"$WORK/many/b/f8"
for i in 1 2 3 4 5 6 7 8; do
	d=$WORK/many/a; [ $((i % 2)) = 0 ] && d=$WORK/many/b
	o=-; [ -e "$d/f$i" ] && o=$(sha "$d/f$i")
	m=604:-:-; [ $o = - ] && m=640:-:-
	args+=("$d/f$i" "$(stage "$d" "f$i" "new $i")" "$o" "$(shas "new $i")" "$m")
done
out=$(commit '' -- "${args[@]}" 2>&1); st=$?
expect_status "8 files: commit" 0 "$st" "$out"
got=; for i in 1 2 3 4 5 6 7 8; do d=$WORK/many/a; [ $((i % 2)) = 0 ] && d=$WORK/many/b; got="$got$(cat "$d/f$i") $(stat -c %a "$d/f$i");"; done
expect_fixed "8 files: each written with its mode" "new 1 604;new 2 604;new 3 640;new 4 604;new 5 604;new 6 640;new 7 604;new 8 604;" "$got"
[ -z "$(find "$WORK/many" -name '*.migready-*')" ] && ok "8 files: nothing left behind" || not_ok "8 files: left" "$(find "$WORK/many" -name '*.migready-*')"
# 8. The directory's owner swaps a name between the script's tests and
# its open (fault point open), or after the renames.
# swap_at POINT ACTION: run the commit in the background (killed after
# 30 s), paused at POINT, run ACTION there, then let it go; its output in
# $out, its status in $st, its seconds in $secs
swap_at() {
	local f="$WORK/faults/migready-fault.$1" w=0 t0
	mkdir -p "$WORK/faults"; rm -f "$f"
	t0=$(date +%s)
	(MIGREADY_FAULT=$1:pause MIGREADY_FAULT_DIR=$WORK/faults \
		timeout -s KILL 30 /bin/sh "$SRC/src/commit.sh" 1 1 '' 1 "$t" "$n" "$(sha "$t")" "$(shas 'new key')" - 640:-:- \
		- - - - 0 >"$WORK/swap.out" 2>&1; echo $? >"$WORK/swap.st") &
	while [ ! -s "$f" ] && [ $w -lt 200 ]; do sleep 0.05; w=$((w + 1)); done
	$2
	rm -f "$f"; wait
	out=$(cat "$WORK/swap.out"); st=$(cat "$WORK/swap.st"); secs=$(($(date +%s) - t0))
	# a process still blocked opening a FIFO (a commit that failed this) goes
	[ ! -p "$t" ] || timeout 2 /bin/sh -c ': >"$1"' - "$t" 2>/dev/null
}
to_fifo() { mv "$t" "$WORK/home/aside" && mkfifo "$t" && chown 4243:4243 "$t"; }
# A FIFO at the target's name blocks an open: the commit's watchdog ends
# the wait (dash: the open fails; bash restarts it: the commit is ended,
# having changed nothing), well before the test's 30 s.
home; t=$WORK/home/authorized_keys; n=$(stage "$WORK/home" authorized_keys 'new key')
swap_at open to_fifo
[ "$secs" -lt 25 ] && ok "a FIFO swapped in before the open blocks the commit 10 to 15 s, not for good" \
	|| not_ok "a FIFO swapped in before the open blocks the commit" "$out"
if [ "$st" = 137 ]; then
	ok "... the shell restarts the open (bash): the watchdog ended the commit"
else
	expect_status "... the commit" 3 "$st" "$out"
	expect_grep "... the conflict named" '^file 0 conflict did not open within 10 s' "$out"
fi
[ -p "$t" ] && ok "... nothing written" || not_ok "... written" "$(ls -la "$WORK/home")"
home; n=$(stage "$WORK/home" authorized_keys 'new key')
swap_at after-rename to_fifo
[ "$st" != 137 ] && ok "a FIFO swapped in after the renames does not block the verify" \
	|| not_ok "a FIFO swapped in after the renames blocks the verify" "$out"
expect_grep "... verify fails" '^file 0 failed verify: not what was written' "$out"
expect_fixed "... the file written is the one set aside" "new key 640 4243:4243" \
	"$(cat "$WORK/home/aside") $(stat -c '%a %u:%g' "$WORK/home/aside")"
# A link that leads nowhere, at the target's name: the open makes no file
# where it leads (a root-owned /etc/nologin would lock users out).
to_dangling() { mv "$t" "$WORK/home/aside" && ln -s "$WORK/nologin" "$t"; }
rm -f "$WORK/nologin"; home; n=$(stage "$WORK/home" authorized_keys 'new key')
swap_at open to_dangling
expect_status "a dangling link swapped in before the open: the commit" 3 "$st" "$out"
[ ! -e "$WORK/nologin" ] && ok "... no file made where the link leads" \
	|| not_ok "... a file made where the link leads" "$(ls -la "$WORK/nologin")"
# The staged name swapped for a link to a root file of the same content,
# before its open: the names must be the files opened, or root would give
# the original's owner and mode to what the link leads to.
to_twin() {
	printf 'new key' >"$WORK/twin"; chmod 600 "$WORK/twin"; chown 0:0 "$WORK/twin"
	mv "$n" "$n.aside" && ln -s "$WORK/twin" "$n"
}
home; n=$(stage "$WORK/home" authorized_keys 'new key')
swap_at open to_twin
expect_status "a link to a twin swapped in for the staged file: the commit" 3 "$st" "$out"
expect_grep "... the conflict named" '^file 0 conflict was replaced while it was opened' "$out"
expect_fixed "... the twin keeps its mode and owner" "600 0:0" "$(stat -c '%a %u:%g' "$WORK/twin")"
expect_fixed "... the target untouched" "old key" "$(cat "$WORK/home/authorized_keys")"

# 9. MANIFEST cannot be moved into place (step 2): restart-pending, moved
# just before it, is put back as it was.
mkdir -p "$WORK/st"; printf 'old\n' >"$WORK/st/f"; printf 'owed.service\n' >"$WORK/st/pending"
printf 'new.service\n' >"$WORK/st/pending.tmp"; printf 'm\n' >"$WORK/st/manifest.tmp"
n=$(stage "$WORK/st" f 'new')
out=$(/bin/sh "$SRC/src/commit.sh" 1 1 '' 1 "$WORK/st/f" "$n" "$(sha "$WORK/st/f")" "$(shas new)" - 644:-:- \
	"$WORK/st/manifest.tmp" "$WORK/st/no/such/dir/MANIFEST" "$WORK/st/pending.tmp" "$WORK/st/pending" 0 2>&1); st=$?
expect_status "MANIFEST not moved: the commit" 4 "$st" "$out"
expect_fixed "... restart-pending as it was" "owed.service" "$(cat "$WORK/st/pending")"
[ ! -e "$WORK/st/pending.prev" ] && ok "... no restart-pending.prev left" || not_ok "... restart-pending.prev left"
expect_fixed "... the file not written" "old" "$(cat "$WORK/st/f")"

# 9b. A MANIFEST of this run already there: the machine is in the
# inventory twice (two names or addresses); the second commit must not
# orphan the first's backups. Refused, nothing written, that MANIFEST kept.
mkdir -p "$WORK/tw/bk/r1"; printf 'old\n' >"$WORK/tw/f"; printf 'first\n' >"$WORK/tw/bk/r1/MANIFEST"
printf 'second\n' >"$WORK/tw/manifest.tmp"
n=$(stage "$WORK/tw" f 'new')
out=$(/bin/sh "$SRC/src/commit.sh" 1 1 '' 1 "$WORK/tw/f" "$n" "$(sha "$WORK/tw/f")" "$(shas new)" - 644:-:- \
	"$WORK/tw/manifest.tmp" "$WORK/tw/bk/r1/MANIFEST" - - 0 2>&1); st=$?
expect_status "a MANIFEST of the run already there: the commit" 4 "$st" "$out"
expect_grep "... says why" "MANIFEST is there already: this machine is in the inventory twice" "$out"
expect_fixed "... the first's MANIFEST kept" "first" "$(cat "$WORK/tw/bk/r1/MANIFEST")"
expect_fixed "... the file not written" "old" "$(cat "$WORK/tw/f")"
[ ! -e "$n" ] && [ ! -e "$WORK/tw/manifest.tmp" ] && ok "... its staged files removed" || not_ok "... its staged files removed" "$(ls -a "$WORK/tw")"

# 9c. A file created by a commit killed between its link into place and
# the removal of its temporary name has two links: that name is no other
# name of the file; the next commit removes it and goes on.
mkdir -p "$WORK/kl"; printf 'made\n' >"$WORK/kl/b"; ln "$WORK/kl/b" "$WORK/kl/.b.migready-Ab3dE9"
n=$(stage "$WORK/kl" b 'new')
out=$(commit '' -- "$WORK/kl/b" "$n" "$(sha "$WORK/kl/b")" "$(shas new)" 644:-:- 2>&1); st=$?
expect_status "a target linked to a dead commit's temporary name" 0 "$st" "$out"
[ "$(cat "$WORK/kl/b")" = new ] && [ ! -e "$WORK/kl/.b.migready-Ab3dE9" ] \
	&& ok "... written, that name gone" || not_ok "... written, that name gone" "$out $(ls -a "$WORK/kl")"

# 10. The directory step (src/set_dir.sh, apply's and a rollback's): the
# mode and owner go to the directory at that name in another user's
# directory, never to what a link put there leads to, even one swapped in
# at the very moment (a mkdir or chown first on the PATH makes the swap).
setdir() { /bin/sh "$SRC/src/set_dir.sh" "" 1 "$@"; }
vdir() { rm -rf "$WORK/vdir"; mkdir "$WORK/vdir"; chmod 750 "$WORK/vdir"; chown 0:0 "$WORK/vdir"; }
home; vdir; rm -f "$WORK/evil"/*
out=$(setdir 0700 4243 4243 "$WORK/home/.ssh" 2>&1)
expect_status "set_dir: a missing directory" 0 $? "$out"
expect_fixed "... made with its mode and owner" "700 4243:4243" "$(stat -c '%a %u:%g' "$WORK/home/.ssh")"
chmod 755 "$WORK/home/.ssh"
out=$(setdir 0711 - 4244 "$WORK/home/.ssh" 2>&1)
expect_fixed "set_dir: '-' leaves the owner" "711 4243:4244" "$(stat -c '%a %u:%g' "$WORK/home/.ssh")"
rmdir "$WORK/home/.ssh"; ln -s "$WORK/vdir" "$WORK/home/.ssh"
out=$(setdir 0700 4243 4243 "$WORK/home/.ssh" 2>&1); st=$?
expect_status "set_dir: a link at the name" 1 "$st" "$out"
expect_grep "... is refused" "is a symbolic link: not changed" "$out"
expect_fixed "... its target untouched" "750 0:0" "$(stat -c '%a %u:%g' "$WORK/vdir")"
rm "$WORK/home/.ssh"; mkfifo "$WORK/home/.ssh"
out=$(timeout 10 /bin/sh "$SRC/src/set_dir.sh" "" 1 0700 4243 4243 "$WORK/home/.ssh" 2>&1); st=$?
expect_status "set_dir: a FIFO at the name fails at once, not blocked" 1 "$st" "$out"
rm "$WORK/home/.ssh"
# the directory made, then swapped for a link before the script enters it
printf '#!/bin/sh\n%s "$@" || exit\nrmdir %s && ln -s %s %s && echo swapped >>%s\n' \
	"$(command -v mkdir)" "$WORK/home/.ssh" "$WORK/vdir" "$WORK/home/.ssh" "$WORK/evil/swapped" \
	>"$WORK/evil/mkdir"
chmod 755 "$WORK/evil/mkdir"
out=$(PATH=$WORK/evil:$PATH setdir 0700 4243 4243 "$WORK/home/.ssh" 2>&1); st=$?
[ -s "$WORK/evil/swapped" ] && ok "set_dir: mkdir: the new directory swapped for a link" || not_ok "set_dir: mkdir: no swap made" "$out"
expect_status "... the script refuses" 1 "$st" "$out"
expect_grep "... saying so" "became a symbolic link while it was being changed: not changed" "$out"
expect_fixed "... the link's target untouched" "750 0:0" "$(stat -c '%a %u:%g' "$WORK/vdir")"
# swapped after the script entered it: the directory it is in is changed,
# never the link's target
rm -f "$WORK/home/.ssh" "$WORK/evil"/*; mkdir "$WORK/home/.ssh"
printf '#!/bin/sh\nmv %s %s && ln -s %s %s && echo swapped >>%s\nexec %s "$@"\n' \
	"$WORK/home/.ssh" "$WORK/home/ssh.aside" "$WORK/vdir" "$WORK/home/.ssh" "$WORK/evil/swapped" \
	"$(command -v chown)" >"$WORK/evil/chown"
chmod 755 "$WORK/evil/chown"
out=$(PATH=$WORK/evil:$PATH setdir 0700 4243 4243 "$WORK/home/.ssh" 2>&1); st=$?
[ -s "$WORK/evil/swapped" ] && ok "set_dir: chown: the directory swapped for a link" || not_ok "set_dir: chown: no swap made" "$out"
expect_status "... the script" 0 "$st" "$out"
expect_fixed "... the link's target untouched" "750 0:0" "$(stat -c '%a %u:%g' "$WORK/vdir")"
expect_fixed "... the directory entered changed" "700 4243:4243" "$(stat -c '%a %u:%g' "$WORK/home/ssh.aside")"
rm -f "$WORK/evil"/*
# a link on the way: followed where root made it in a directory only root
# writes; refused in another user's directory
rm -rf "$WORK/home/.ssh" "$WORK/home/ssh.aside" "$WORK/rootdir"; mkdir -p "$WORK/rootdir/real"
ln -s real "$WORK/rootdir/via"
out=$(setdir 0700 4243 4243 "$WORK/rootdir/via/d" 2>&1)
expect_status "set_dir: through root's link in root's directory" 0 $? "$out"
expect_fixed "... the directory made there" "700 4243:4243" "$(stat -c '%a %u:%g' "$WORK/rootdir/real/d")"
ln -s "$WORK/vdir" "$WORK/home/sub"
out=$(setdir 0700 4243 4243 "$WORK/home/sub/x" 2>&1); st=$?
expect_status "set_dir: through a link in another user's directory" 1 "$st" "$out"
expect_grep "... refused, saying so" "reached through the symbolic link $WORK/home/sub, which another user could have made" "$out"
[ ! -e "$WORK/vdir/x" ] && ok "... nothing made there" || not_ok "... nothing made there"
rm "$WORK/home/sub"
# under a root: never out of it, whatever links the tree holds; an
# absolute link leads from the root of the tree, as on the host it is
rm -rf "$WORK/tree"; mkdir -p "$WORK/tree/var/lib"; ln -s / "$WORK/tree/var/lib/nova"
out=$(/bin/sh "$SRC/src/set_dir.sh" "$WORK/tree" 1 0777 4243 4243 "/var/lib/nova$WORK/vdir/.ssh" 2>&1); st=$?
expect_status "set_dir: a tree's link to /" 0 "$st" "$out"
[ ! -e "$WORK/vdir/.ssh" ] && ok "... nothing made outside" || not_ok "... nothing made outside" "$(ls -la "$WORK/vdir")"
expect_fixed "... the directory made in the tree" "777 4243:4243" "$(stat -c '%a %u:%g' "$WORK/tree$WORK/vdir/.ssh")"
rm "$WORK/tree/var/lib/nova"; ln -s "../../../../$WORK/vdir" "$WORK/tree/var/lib/nova"
out=$(/bin/sh "$SRC/src/set_dir.sh" "$WORK/tree" 1 0777 4243 4243 /var/lib/nova/x 2>&1); st=$?
expect_status "set_dir: a tree's link climbing out with .." 0 "$st" "$out"
[ ! -e "$WORK/vdir/x" ] && ok "... stops at the root of the tree" || not_ok "... stops at the root of the tree" "$(ls -la "$WORK/vdir")"
rm "$WORK/tree/var/lib/nova"; ln -s "$WORK/vdir" "$WORK/tree/var/lib/nova"
out=$(/bin/sh "$SRC/src/set_dir.sh" "$WORK/tree" 1 0777 4243 4243 /var/lib/nova 2>&1); st=$?
expect_status "set_dir: the directory itself a link" 1 "$st" "$out"
expect_fixed "... its target untouched" "750 0:0" "$(stat -c '%a %u:%g' "$WORK/vdir")"
# a root-owned link whose text leads through another user's directory,
# where that user put a link: refused there (the kernel is never left to
# resolve a link's text)
rm -rf "$WORK/srvn"; mkdir -p "$WORK/srvn/nova" "$WORK/rootdir2"; chown 4243 "$WORK/srvn/nova"
ln -s "$WORK/srvn/nova/home" "$WORK/rootdir2/nova"
ln -s "$WORK/vdir" "$WORK/srvn/nova/home"; chown -h 4243 "$WORK/srvn/nova/home"
out=$(setdir 0700 4243 4243 "$WORK/rootdir2/nova/.ssh" 2>&1); st=$?
expect_status "set_dir: a link of root's leading through another user's link" 1 "$st" "$out"
[ ! -e "$WORK/vdir/.ssh" ] && ok "... nothing made at its target" || not_ok "... nothing made at its target"
# a directory made on the way, swapped for a link before the next step
rm -f "$WORK/evil"/*; rm -rf "$WORK/home/new"
printf '#!/bin/sh
%s "$@" || exit
[ -d %s ] && mv %s %s.aside && ln -s %s %s && echo swapped >>%s
' \
	"$(command -v mkdir)" "$WORK/home/new" "$WORK/home/new" "$WORK/home/new" "$WORK/rootdir" "$WORK/home/new" "$WORK/evil/swapped" \
	>"$WORK/evil/mkdir"
chmod 755 "$WORK/evil/mkdir"
out=$(PATH=$WORK/evil:$PATH setdir 0700 4243 4243 "$WORK/home/new/via/d" 2>&1); st=$?
[ -s "$WORK/evil/swapped" ] && ok "set_dir: a directory made on the way swapped for a link" || not_ok "set_dir: no swap made on the way" "$out"
expect_status "... refused at once" 1 "$st" "$out"
[ ! -e "$WORK/rootdir/real/d/via" ] && [ "$(stat -c '%a %u:%g' "$WORK/rootdir/real/d")" = "700 4243:4243" ] \
	&& ok "... nothing made or changed past it" || not_ok "... nothing made or changed past it" "$(ls -laR "$WORK/rootdir")"
rm -f "$WORK/evil"/*
# a rollback's step (MAKE 0): a directory gone is not made again
out=$(/bin/sh "$SRC/src/set_dir.sh" "$WORK/tree" 0 0755 0 0 /var/lib/gone/.ssh 2>&1); st=$?
expect_status "set_dir: a rollback's directory gone" 3 "$st" "$out"
[ ! -e "$WORK/tree/var/lib/gone" ] && ok "... not made again" || not_ok "... not made again"
summary
[ "$failed" = 0 ]
