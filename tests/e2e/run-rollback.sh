#!/bin/bash
# rollback on a host tree (--root): apply, then rollback puts back every
# file byte for byte with its mode and owner and removes the file the run
# created; a file edited after the run refuses the host with its diff and
# nothing written, --force restores it; rollback --list; a MANIFEST of the
# format before rollback existed; pruning by count and by age, never
# through a symbolic link; show -f json and -o.
set -u
. "$(dirname "$0")/../lib/e2e.sh" rollback e2e "$@"
cp -a "$DATA/host" "$WORK/host" && hosttree debian12-socket "$WORK/host"
export MIGREADY_RUN_DIR=$WORK/run
ROOT=$WORK/host
B=$ROOT/var/lib/migready/backups
cat > profile.ini <<INI
include = $DATA/profile.ini
[file /etc/sysctl.d/90-migration.conf]
lens = Sysctl
set = net.ipv4.tcp_keepalive_time 600
INI
# an extended attribute, which the backup keeps (both engines)
setfattr -n user.note -v keep "$ROOT/etc/libvirt/qemu.conf" 2>/dev/null || {
	skip_xattr=1; [ "${CI:-}" != true ] || not_ok "setfattr on the tree (attr, and a file system with xattrs)"; }
# owners and modes the run must give back (as root: any owner)
if [ "$(id -u)" = 0 ]; then chown 0:4242 "$ROOT/etc/libvirt/qemu.conf"; fi
chmod 0640 "$ROOT/etc/libvirt/qemu.conf"
files="etc/libvirt/libvirtd.conf etc/libvirt/qemu.conf"
snap() { for f in $files; do stat -c "$f %a %u:%g" "$ROOT/$f"; sha256sum < "$ROOT/$f"; done; }
before=$(snap)
cp -a "$ROOT/etc" before-etc
# backup_of OUTPUT [DIR]: the run id of the backup a run printed in DIR
# ($B) (not the last name in ls: two runs of one second sort by pid
# length there)
backup_of() { printf '%s\n' "$1" | sed -n "s|^  backup: ${2:-$B}/||p" | tail -n 1; }

# --- apply, then rollback ---
out=$(mr apply -l --root "$ROOT" -p profile.ini 2>&1); expect_status "apply" 2 $? "$out"
run1=$(ls "$B")
expect_grep "apply prints its backup under the root prefix" "^  backup: $B/$run1\$" "$out"
expect_grep "MANIFEST: the SHA-256 each file got" \
	"^existed 0640 0 [0-9]+ [0-9a-f]{64} 0640:0:[0-9]+ /etc/libvirt/qemu.conf\$" "$(cat "$B/$run1/MANIFEST")"
expect_grep "MANIFEST: the created file" "^created 0000 0 0 [0-9a-f]{64} /etc/sysctl.d/90-migration.conf\$" \
	"$(cat "$B/$run1/MANIFEST")"
if [ -z "${skip_xattr-}" ]; then
	expect_fixed "the backup keeps the file's extended attribute" "keep" \
		"$(getfattr --only-values -n user.note "$B/$run1/etc/libvirt/qemu.conf" 2>&1)"
fi
# A mode or owner set since, the content the run's: as much a change as an
# edit (a rollback would undo it silently); refused, nothing written.
chmod 0666 "$ROOT/etc/libvirt/qemu.conf"
[ "$(id -u)" = 0 ] && chown 1234:1234 "$ROOT/etc/libvirt/qemu.conf"
sum=$(tree_sum "$ROOT")
out=$(mr rollback -l --root "$ROOT" 2>&1); expect_status "rollback after a chmod" 4 $? "$out"
expect_grep "... names the mode and owner, and what the run left" \
	"/etc/libvirt/qemu.conf: changed after run $run1 \(mode and owner 0666 [0-9]+:[0-9]+, the run left 0640 0:[0-9]+; another tool or admin\?\); not restored without --force" "$out"
expect_tree "... and writes nothing" "$ROOT" "$sum"
chmod 0640 "$ROOT/etc/libvirt/qemu.conf"
[ "$(id -u)" = 0 ] && chown 0:4242 "$ROOT/etc/libvirt/qemu.conf"
out=$(mr rollback --list -l --root "$ROOT" 2>&1); expect_status "rollback --list" 0 $? "$out"
expect_grep "--list: the run, its time, its files and the unit it enabled" \
	"^  $run1  [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z  3 files  actions: enable libvirtd-tcp.socket\$" "$out"
wants=$ROOT/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket
[ -L "$wants" ] && ok "apply enabled libvirtd-tcp.socket in the tree" || not_ok "apply enabled libvirtd-tcp.socket in the tree"
expect_grep "--list: each file with its state" "^    created /etc/sysctl.d/90-migration.conf\$" "$out"
out=$(mr -v rollback -l --root "$ROOT" 2>&1); expect_status "rollback" 2 $? "$out"
expect_grep "rollback names the run" "^localhost: rolled back run $run1 \(3 files\)\$" "$out"
expect_grep "rollback -v: the diff of a file restored" \
	"^\+\+\+ localhost:/etc/libvirt/qemu.conf \(as before run $run1\)\$" "$out"
expect_grep "... and of the file removed" \
	"^\+\+\+ localhost:/etc/sysctl.d/90-migration.conf \(removed: made by run $run1\)\$" "$out"
expect_grep "rollback removes the created file" "^  removed +/etc/sysctl.d/90-migration.conf\$" "$out"
if [ "$(snap)" = "$before" ]; then ok "files byte-identical, with their modes and owners"
else not_ok "files byte-identical, with their modes and owners" "$(diff <(echo "$before") <(snap))"; fi
[ ! -e "$ROOT/etc/sysctl.d/90-migration.conf" ] && ok "the created file is gone" \
	|| not_ok "the created file is gone"
[ ! -L "$wants" ] && ok "rollback disables the unit the run enabled (systemctl --root)" \
	|| not_ok "rollback disables the unit the run enabled (systemctl --root)" "$out"
expect_grep "... and says so" "^  done +systemctl --root=$ROOT disable libvirtd-tcp.socket\$" "$out"
run2=$(backup_of "$out")
[ -n "$run2" ] && [ -f "$B/$run2/MANIFEST" ] && ok "rollback keeps backups of its own" \
	|| not_ok "rollback keeps backups of its own" "$out"
expect_grep "its MANIFEST says what it undid" "^of $run1\$" "$(cat "$B/$run2/MANIFEST")"
expect_grep "its MANIFEST: the mode and owner it gave back, for a rollback of it" \
	"^existed 0640 0 [0-9]+ [0-9a-f]{64} 0640:0:[0-9]+ /etc/libvirt/qemu.conf\$" "$(cat "$B/$run2/MANIFEST")"
expect_grep "its MANIFEST keeps the removed file's backup" \
	"^removed 0644 0 0 - /etc/sysctl.d/90-migration.conf\$" "$(cat "$B/$run2/MANIFEST")"
out=$(mr rollback -l --root "$ROOT" 2>&1); expect_status "rolling the rollback back" 2 $? "$out"
[ -f "$ROOT/etc/sysctl.d/90-migration.conf" ] && [ -L "$wants" ] && ok "rolling back the rollback redoes the run (files and unit)" \
	|| not_ok "rolling back the rollback redoes the run (files and unit)" "$out"
out=$(mr rollback -l --root "$ROOT" "$run1" 2>&1)
expect_status "rollback RUN-ID (its files as that run left them)" 2 $? "$out"
out=$(mr rollback -l --root "$ROOT" "$run1" 2>&1)
expect_status "rollback of a run already undone" 0 $? "$out"
expect_grep "... says every file is as before" "^localhost: every file is as before run $run1\$" "$out"

# --- an edit after the run: refused, with the diff; nothing written ---
out=$(mr apply -l --root "$ROOT" -p profile.ini 2>&1)
run3=$(backup_of "$out")
echo 'max_clients = 7' >> "$ROOT/etc/libvirt/libvirtd.conf"
sum=$(tree_sum "$ROOT")
out=$(mr rollback -l --root "$ROOT" 2>&1); expect_status "rollback after an outside edit" 4 $? "$out"
expect_grep "the refusal says why and how to override" \
	"error: 1 file changed after run $run3: nothing rolled back on this host \(--force" "$out"
expect_grep "the diff shows the edit" "^-max_clients = 7\$" "$out"
expect_grep "the diff is headed by host and path" \
	"^--- localhost:/etc/libvirt/libvirtd.conf \(now: changed after run $run3\)\$" "$out"
expect_tree "a refused rollback writes nothing" "$ROOT" "$sum"
out=$(mr rollback -l --root "$ROOT" -f json 2>&1)
res=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin); h = d["hosts"][0]
print(d["command"], d["exit_status"], h["rolled_back"], h["status"])
for f in h["files"]:
    print("file", f["path"], f["changed"], bool(f["diff"]), f["error"] is not None)' 2>&1)
expect_grep "json: the run it refused to undo" "^rollback 4 $run3 failed\$" "$res"
expect_grep "json: the edited file, its diff and error" "^file /etc/libvirt/libvirtd.conf False True True\$" "$res"
# --force, the mode changed too: content, mode and owner of before the run
chmod 0600 "$ROOT/etc/libvirt/qemu.conf"
out=$(mr rollback --force -l --root "$ROOT" 2>&1); expect_status "rollback --force" 2 $? "$out"
expect_grep "... says what it overrode" \
	"/etc/libvirt/qemu.conf: changed after run $run3 \(mode and owner 0600 0:[0-9]+, the run left 0640 0:[0-9]+\); restored \(--force\)" "$out"
if [ "$(snap)" = "$before" ]; then ok "--force restores the originals"
else not_ok "--force restores the originals" "$(diff <(echo "$before") <(snap))"; fi

# --- a MANIFEST migready wrote before rollback existed ---
out=$(mr apply -l --root "$ROOT" -p profile.ini 2>&1)
run4=$(backup_of "$out")
sed -i -E 's/^(existed|created) ([0-7]+ [0-9]+ [0-9]+) [0-9a-f]{64} ([0-7]+:[0-9]+:[0-9]+ )?/\1 \2 /' "$B/$run4/MANIFEST"
out=$(mr rollback -l --root "$ROOT" 2>&1); expect_status "rollback of an old MANIFEST" 2 $? "$out"
expect_grep "... says edits cannot be detected" "MANIFEST has no content hashes" "$out"
if [ "$(snap)" = "$before" ]; then ok "an old MANIFEST restores too"
else not_ok "an old MANIFEST restores too" "$(diff <(echo "$before") <(snap))"; fi
out=$(mr rollback --list -l --root "$ROOT" 2>&1)
expect_grep "--list marks the old MANIFEST" "^  $run4 .*\(no content hashes" "$out"

# --- a directory beside the runs that is no run: nobody's MANIFEST ---
# A copy of a run under another name (RUN-2) holds a MANIFEST naming a
# file of the host: rollback undoes the run only, never that file.
printf 'UUID=0 / ext4 defaults 0 1\n' > "$ROOT/etc/fstab"
out=$(mr apply -l --root "$ROOT" -p profile.ini 2>&1)
run5=$(backup_of "$out")
cp -a "$B/$run5" "$B/$run5-2"
printf 'created 0644 0 0 %s /etc/fstab\n' "$(sha256sum < "$ROOT/etc/fstab" | cut -c 1-64)" > "$B/$run5-2/MANIFEST"
out=$(mr rollback --list -l --root "$ROOT" 2>&1)
expect_no_grep "--list: no run of another directory's name" "$run5-2" "$out"
out=$(mr rollback -l --root "$ROOT" 2>&1); expect_status "rollback beside a copy of the run" 2 $? "$out"
expect_grep "... undoes the run's own files" "^localhost: rolled back run $run5 \(3 files\)\$" "$out"
[ -f "$ROOT/etc/fstab" ] && ok "... and not the file the copy's MANIFEST names" \
	|| not_ok "... and not the file the copy's MANIFEST names" "$out"
rm -rf "$B/$run5-2"
# A MANIFEST over 1 MiB is not read in part (a cut last line could name
# a shorter path): that run is refused, saying why.
out=$(mr apply -l --root "$ROOT" -p profile.ini 2>&1)
run6=$(backup_of "$out")
cp "$B/$run6/MANIFEST" manifest.keep
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "created 0644 0 0 %064d /etc/padding/file%06d\n", 0, i }' >> "$B/$run6/MANIFEST"
sum=$(tree_sum "$ROOT")
out=$(mr rollback -l --root "$ROOT" 2>&1); expect_status "rollback of a MANIFEST over 1 MiB" 4 $? "$out"
expect_grep "... says why" "$run6/MANIFEST: larger than 1 MiB; not read" "$out"
expect_tree "... and writes nothing" "$ROOT" "$sum"
cp manifest.keep "$B/$run6/MANIFEST"
out=$(mr rollback -l --root "$ROOT" 2>&1); expect_status "... the same run, its MANIFEST whole again" 2 $? "$out"

# --- a run that set a mount point's mode, then mounted there ---
# The mount stays, so the directory is now the share's top, every host's:
# its mode and owner are not put back (the recorded ones were the local
# directory's, under the mount).
mid=20261201T000000Z-1-001
mkdir -p "$ROOT/var/lib/nova/instances" "$B/$mid"
chmod 0755 "$ROOT/var/lib/nova/instances"
printf 'dir 0750 0 0 /var/lib/nova/instances\nmount /var/lib/nova/instances\n' > "$B/$mid/MANIFEST"
out=$(mr rollback -l --root "$ROOT" "$mid" 2>&1); expect_status "rollback of a run that mounted" 0 $? "$out"
expect_grep "... says the mount point is left" "^  left +dir /var/lib/nova/instances: mode and owner left: run $mid mounted" "$out"
[ "$(stat -c %a "$ROOT/var/lib/nova/instances")" = 755 ] && ok "... and leaves its mode" \
	|| not_ok "... and leaves its mode" "$(stat -c %a "$ROOT/var/lib/nova/instances")"
rm -rf "$B/$mid"

# --- usage ---
out=$(mr rollback -l --root "$ROOT" ../etc 2>&1); expect_status "a RUN-ID that is no run id" 1 $? "$out"
out=$(mr rollback -l --root "$ROOT" 20200101T000000Z-1-001 2>&1)
expect_status "a run the host does not have" 4 $? "$out"
expect_grep "... named with the backups' place" "$B/20200101T000000Z-1-001: no such run" "$out"
out=$(mr check --force -l --root "$ROOT" -p profile.ini 2>&1); expect_status "--force outside rollback" 1 $? "$out"

# --- pruning: by count, by age; the run just made stays; no link followed ---
rm -rf "$B"/*
mkdir -p outside/20200101T000000Z-9-000 && echo keep > outside/20200101T000000Z-9-000/f
for id in 20240101T000000Z-1-001 20240102T000000Z-1-001 20240103T000000Z-1-001; do
	mkdir -p "$B/$id" && echo 'existed 0644 0 0 /etc/x' > "$B/$id/MANIFEST"
done
ln -s "$WORK/outside/20200101T000000Z-9-000" "$B/20200101T000000Z-9-000"
cat > prune.ini <<'INI'
include = profile.ini
[migready]
backup_keep_runs = 2
backup_keep_days = 0
INI
sed -i 's/^user = "nova"/user = "root"/' "$ROOT/etc/libvirt/qemu.conf"
out=$(mr apply -l --root "$ROOT" -p prune.ini 2>&1); expect_status "apply that prunes" 2 $? "$out"
left=$(cd "$B" && ls | tr '\n' ' ')
expect_grep "by count: the 2 newest runs stay" "^20200101T000000Z-9-000 20240103T000000Z-1-001 [0-9]{8}T" "$left"
[ -f outside/20200101T000000Z-9-000/f ] && ok "a symbolic link is never followed" \
	|| not_ok "a symbolic link is never followed"
# two runs of one second: the older by its millisecond has the longer pid,
# so it sorts after the newer by name; the older goes
find "$B" -mindepth 1 -maxdepth 1 ! -type l -exec rm -rf {} +
for id in 20240104T000000Z-9867-001 20240104T000000Z-10234-500; do
	mkdir -p "$B/$id" && echo 'existed 0644 0 0 /etc/x' > "$B/$id/MANIFEST"
done
sed -i 's/^user = "nova"/user = "root"/' "$ROOT/etc/libvirt/qemu.conf"
out=$(mr apply -l --root "$ROOT" -p prune.ini 2>&1); expect_status "apply that prunes runs of one second" 2 $? "$out"
left=$(cd "$B" && ls | tr '\n' ' ')
expect_grep "... by millisecond, not by name" "^20200101T000000Z-9-000 20240104T000000Z-10234-500 [0-9]{8}T" "$left"
mkdir -p "$B/20240103T000000Z-1-001"
touch -d '40 days ago' "$B"/2024*
cat > prune.ini <<'INI'
include = profile.ini
[migready]
backup_keep_runs = 0
backup_keep_days = 30
INI
sed -i 's/^user = "nova"/user = "root"/' "$ROOT/etc/libvirt/qemu.conf"
out=$(mr apply -l --root "$ROOT" -p prune.ini 2>&1); expect_status "apply that prunes by age" 2 $? "$out"
# the runs this test made (not the seeded ones of 2020 and 2024), oldest first
made_runs() { (cd "$B" && ls | grep -vE '^(20200101|20240103)T'); }
n=$(made_runs | wc -l)
[ ! -e "$B/20240103T000000Z-1-001" ] && [ "$n" = 2 ] && ok "by age: the old run goes, the recent ones stay" \
	|| not_ok "by age: the old run goes, the recent ones stay" "$(ls -l "$B")"
# an apply that changes nothing prunes too (in the probe's shell, under
# the lock): the age limit holds on a host that converged long ago
oldest=$(made_runs | head -n 1)
touch -d '40 days ago' "$B/$oldest"
out=$(mr apply -l --root "$ROOT" -p prune.ini 2>&1); expect_status "apply that changes nothing" 0 $? "$out"
n=$(made_runs | wc -l)
[ ! -e "$B/$oldest" ] && [ "$n" = 1 ] && ok "an apply that changes nothing prunes by age" \
	|| not_ok "an apply that changes nothing prunes by age" "$(ls -l "$B")"
# ... but never the last run: where every run is too old, the newest
# (the one a rollback would undo) stays
last=$(made_runs)
mkdir -p "$B/20240103T000000Z-1-001"
touch -d '40 days ago' "$B/$last" "$B/20240103T000000Z-1-001"
for i in 1 2; do
	out=$(mr apply -l --root "$ROOT" -p prune.ini 2>&1); expect_status "apply that changes nothing, every run old ($i)" 0 $? "$out"
	[ -d "$B/$last" ] && [ ! -e "$B/20240103T000000Z-1-001" ] && ok "by age: the newest run stays, alone ($i)" \
		|| not_ok "by age: the newest run stays, alone ($i)" "$(ls -l "$B")"
done
out=$(mr lint -p prune.ini 2>&1); expect_status "lint of [migready]" 0 $? "$out"
expect_no_grep "[migready] is applied, not 'validated only'" "not applied" "$out"
printf '[migready]\nbackup_keep_runs = many\n' > bad.ini
out=$(mr lint -p bad.ini 2>&1); expect_status "a bad backup_keep_runs" 1 $? "$out"
expect_grep "... names its line" "bad.ini:2: backup_keep_runs" "$out"

# --- runs named by controllers whose clocks differ ---
# The first run's controller is 10 minutes ahead of the second's: the
# first id sorts after the second. Rollback and prune go by the number the
# host gave each run under its lock (MANIFEST "# seq N"), not by the ids.
C=$WORK/clocks
cp -a "$DATA/host" "$C" && hosttree debian12-socket "$C"
CB=$C/var/lib/migready/backups
printf '[file /etc/sysctl.d/91-a.conf]\nlens = Sysctl\nset = net.ipv4.tcp_keepalive_time 600\n' > a.ini
printf 'include = a.ini\n[file /etc/sysctl.d/92-b.conf]\nlens = Sysctl\nset = net.ipv4.tcp_keepalive_intvl 30\n' > b.ini
out=$(mr apply -l --root "$C" -p a.ini 2>&1); expect_status "apply from the controller ahead" 2 $? "$out"
first=$(backup_of "$out" "$CB")
ahead=$(date -u -d '+10 min' +%Y%m%dT%H%M%SZ)-1-001
mv "$CB/$first" "$CB/$ahead"
out=$(mr apply -l --root "$C" -p b.ini 2>&1); expect_status "apply from the controller behind, after it" 2 $? "$out"
second=$(backup_of "$out" "$CB")
expect_grep "the first run's MANIFEST has its number on the host" "^# seq 1\$" "$(cat "$CB/$ahead/MANIFEST")"
expect_grep "... the second's the next one" "^# seq 2\$" "$(cat "$CB/$second/MANIFEST")"
out=$(mr rollback --list -l --root "$C" 2>&1); expect_status "rollback --list, clocks apart" 0 $? "$out"
expect_fixed "--list: the run made last is listed last" "$ahead $second " \
	"$(printf '%s\n' "$out" | sed -n 's/^  \([0-9]\{8\}T[0-9]\{6\}Z-[0-9-]*\)  .*/\1/p' | tr '\n' ' ')"
out=$(mr rollback -l --root "$C" 2>&1); expect_status "rollback without a run id, clocks apart" 2 $? "$out"
expect_grep "... undoes the run made last, whose id sorts first" "^localhost: rolled back run $second " "$out"
[ ! -e "$C/etc/sysctl.d/92-b.conf" ] && [ -f "$C/etc/sysctl.d/91-a.conf" ] \
	&& ok "... its file gone, the first run's kept" || not_ok "... its file gone, the first run's kept" "$(ls "$C/etc/sysctl.d")"
undo=$(backup_of "$out" "$CB")
# an apply that changes nothing prunes to 1 run: the rollback just made
# stays, though 2 ids sort after its own
printf 'include = a.ini\n[migready]\nbackup_keep_runs = 1\nbackup_keep_days = 0\n' > keep1.ini
out=$(mr apply -l --root "$C" -p keep1.ini 2>&1); expect_status "apply that changes nothing, keeping 1 run" 0 $? "$out"
expect_fixed "... keeps the run made last, not the one whose id sorts last" "$undo " \
	"$(cd "$CB" && ls | tr '\n' ' ')"

# --- nova's private key never in a report ---
# apply makes nova's key pair; its rollback removes it and the rollback
# of that puts it back: no report of either carries the key, JSON (which
# always has each file's diff) included; the public key's diff is shown.
K=$WORK/keyhost
cp -a "$DATA/host" "$K" && hosttree debian12-socket "$K"
grep -q '^nova:' "$K/etc/passwd" 2>/dev/null || printf 'nova:x:64060:64060::/var/lib/nova:/bin/sh\n' >>"$K/etc/passwd"
grep -q '^nova:' "$K/etc/group" 2>/dev/null || printf 'nova:x:64060:\n' >>"$K/etc/group"
mkdir -p "$K/var/lib/nova" "$WORK/keys"
[ "$(id -u)" != 0 ] || chown 64060:64060 "$K/var/lib/nova"
# ~/.ssh there already, as root left it: apply gives it to nova, 0700
mkdir -m 0555 "$K/var/lib/nova/.ssh"
was=$(stat -c '%a %u:%g' "$K/var/lib/nova/.ssh")
printf '[ssh]\nkeypair = %s/keys/id\nknown_hosts = off\n' "$WORK" > key.ini
out=$(mr apply -l --root "$K" -p key.ini 2>&1); expect_status "apply that makes nova's key pair" 2 $? "$out"
made=$(stat -c '%a %u:%g' "$K/var/lib/nova/.ssh")
KB=$K/var/lib/migready/backups
for how in undone redone; do
	had=$(ls "$KB")
	out=$(mr -v rollback -l --root "$K" -f json 2>&1); expect_status "rollback, the key pair $how" 2 $? "$out"
	# the run this rollback made
	[ "$how" = undone ] && undone=$(ls "$KB" | grep -vxF "$had")
	expect_no_grep "rollback ($how): no private key in the report" 'PRIVATE KEY' "$out"
	expect_grep "rollback ($how): the public key's diff is there" '\+\+\+ localhost:/var/lib/nova/\.ssh/id_ed25519\.pub' "$out"
	[ "$how" = undone ] && want=$was || want=$made
	got=$(stat -c '%a %u:%g' "$K/var/lib/nova/.ssh")
	[ "$got" = "$want" ] && ok "rollback ($how): ~/.ssh's mode and owner $how ($got)" \
		|| not_ok "rollback ($how): ~/.ssh's mode and owner $how" "got $got, want $want"
done
# the run the second rollback undid is as before again: rolling it back
# once more changes nothing, ~/.ssh included, and makes no run
runs=$(ls "$KB" | wc -l)
out=$(mr rollback -l --root "$K" "$undone" 2>&1); expect_status "rollback of a run already undone, ~/.ssh too" 0 $? "$out"
expect_grep "... every file as before" "^localhost: every file is as before run $undone\$" "$out"
[ "$(ls "$KB" | wc -l)" = "$runs" ] && ok "... and no run made" || not_ok "... and no run made" "$(ls "$KB")"

# --- a commit that cannot put an original back (status 6) ---
# The third file's rename fails and the second's original cannot be put
# back (MIGREADY_FAULT=rename:2:stuck, in the engine this suite runs):
# the second stays written; the report says so, not "not written"; its
# run's MANIFEST stays, so rollback restores it, even after a next apply
# that swept the kept .orig.
S=$WORK/stuck
cp -a "$DATA/host" "$S" && hosttree debian12-socket "$S"
stuck_before=$(cd "$S" && sha256sum etc/libvirt/libvirtd.conf etc/libvirt/qemu.conf)
SB=$S/var/lib/migready/backups
out=$(MIGREADY_FAULT=rename:2:stuck mr apply -l --root "$S" -p profile.ini 2>&1); st=$?
expect_status "an apply whose original cannot be put back" 4 "$st" "$out"
expect_grep "... the file written says so, and what restores it" \
	"/etc/libvirt/libvirtd\.conf: written, but another file of this host failed and this one cannot put the original back; it is kept at .*; migready rollback undoes it" "$out"
expect_grep "... its items too" "libvirtd\.auth_tcp +failed +written, not put back" "$out"
srun=$(ls "$SB" 2>/dev/null)
[ -n "$srun" ] && [ -f "$SB/$srun/MANIFEST" ] && ok "... its MANIFEST stays" \
	|| not_ok "... its MANIFEST stays" "$(ls -R "$S/var/lib/migready" 2>&1)"
out=$(mr apply -l --root "$S" -p profile.ini 2>&1); st=$?
expect_status "the next apply (which sweeps the kept .orig)" 2 "$st" "$out"
nrun=$(ls "$SB" | grep -vxF "$srun")
out=$(mr rollback -l --root "$S" "$nrun" 2>&1); st=$?
expect_status "rollback of the next run" 2 "$st" "$out"
out=$(mr rollback -l --root "$S" "$srun" 2>&1); st=$?
expect_status "rollback of the stranded run" 2 "$st" "$out"
[ "$(cd "$S" && sha256sum etc/libvirt/libvirtd.conf etc/libvirt/qemu.conf)" = "$stuck_before" ] \
	&& ok "... every file as before the stranded run" || not_ok "... every file as before the stranded run" "$out"

# --- directories a run makes, under cron's umask ---
# The mode asked for (0755), not what umask 077 leaves of it: a service
# reading the file as another user must reach it (both engines; found by
# a review).
N=$WORK/newdir
cp -a "$DATA/host" "$N" && hosttree debian12-socket "$N"
printf '[file /etc/mr-newdir/sub/91-b.conf]\nlens = Sysctl\nset = net.ipv4.tcp_keepalive_time 600\n' > newdir.ini
out=$( (umask 077; mr apply -l --root "$N" -p newdir.ini) 2>&1); st=$?
expect_status "apply making directories under umask 077" 2 "$st" "$out"
expect_fixed "... each made 0755" "755 755" "$(stat -c %a "$N/etc/mr-newdir" "$N/etc/mr-newdir/sub" | tr '\n' ' ' | sed 's/ $//')"

# --- show -f json, -o ---
out=$(mr show -p profile.ini -f json -o show.json 2>&1); expect_status "show -f json -o" 0 $? "$out"
res=$(python3 -c '
import json, sys
d = json.load(open("show.json"))
for s in d["hosts"][0]["settings"]:
    print(d["command"], s["section"], s["key"], s["value"], s["origin"])' 2>&1)
expect_grep "show json: a value from an include, with its line" "^show libvirtd auth_tcp none .*/profile.ini:5\$" "$res"
expect_grep "show json: a [file PATH] section" "^show file /etc/sysctl.d/90-migration.conf lens Sysctl profile.ini:3\$" "$res"

summary
[ "$failed" = 0 ]
