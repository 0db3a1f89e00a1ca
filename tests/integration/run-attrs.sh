#!/bin/bash
# What a rewrite must not lose, through either transport:
#   local  migready apply --local --root on host trees
#   ssh    the lab's hosts (tests/lab/lab.sh up: one sshd, the trees as
#          each host's root; the sessions run as the lab user)
# The trees live on an ext4 image mounted with a loop device (chattr needs
# a file system that has the flags):
#   host1  a user xattr, an ACL and an SELinux label (security.selinux):
#          kept on the rewritten files (local as root; over SSH the lab
#          user cannot write security.*, so there the label is host5's case)
#   host2  libvirtd.conf hard-linked elsewhere: refused, nothing written
#   host3  qemu.conf immutable (chattr +i): refused, nothing written
#   host4  libvirtd.conf append-only (chattr +a): refused, nothing written
#   host5  (ssh) a security.* xattr the session cannot copy: refused
# Needs root, losetup and mkfs.ext4; exits 77 (skip) without them, except
# under CI (CI set and not empty), where it fails.
set -u
MIGREADY=$(realpath "${1:?usage: run-attrs.sh MIGREADY LAB_SH SOURCE_DIR local|ssh}")
LAB=${2:?}
SRC=${3:?}
MODE=${4:?}
PROFILE=$SRC/tests/data/e2e/profile.ini
NODE=$SRC/tests/lab/node
. "$SRC/tests/lib/expect.sh"

[ "$(id -u)" = 0 ] || skip "needs root (mount, chattr)"
for c in mkfs.ext4 losetup setfattr getfattr setfacl getfacl chattr lsattr; do
	command -v "$c" >/dev/null 2>&1 || skip "no $c (scripts/deps.sh test)"
done

DIR=$(mktemp -d /tmp/migready-attrs.XXXXXX)
chmod 755 "$DIR"
HOSTS=$DIR/hosts
cleanup() {
	[ ! -d "$HOSTS" ] || chattr -R -ia "$HOSTS" >/dev/null 2>&1
	mountpoint -q "$HOSTS" && umount "$HOSTS"
	[ "$MODE" != ssh ] || bash "$LAB" down "$DIR" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT

nhosts=4
[ "$MODE" = local ] || nhosts=5
if [ "$MODE" = ssh ]; then
	bash "$LAB" up "$DIR" $nhosts >"$DIR/up.log" 2>&1; st=$?
	[ "$st" != 77 ] || { cat "$DIR/up.log"; skip "the lab cannot start here"; }
	[ "$st" = 0 ] || { cat "$DIR/up.log"; echo "lab did not start"; exit 1; }
	. "$DIR/env"
	mr() { "$MIGREADY" --color never -i "$LAB_INVENTORY" -H "$1" -p "$PROFILE" apply; }
else
	mkdir -p "$HOSTS"
	mr() { "$MIGREADY" --color never apply --local --root "$HOSTS/$1" -p "$PROFILE"; }
fi

# the hosts' trees onto an ext4 image, owners kept
truncate -s 32M "$DIR/ext4.img" && mkfs.ext4 -q -F "$DIR/ext4.img" || { echo "mkfs.ext4 failed"; exit 1; }
cp -a "$HOSTS" "$DIR/hosts.orig"
mount -o loop "$DIR/ext4.img" "$HOSTS" || skip "cannot mount a loop device here"
chmod 755 "$HOSTS"
if [ "$MODE" = ssh ]; then
	cp -a "$DIR/hosts.orig/." "$HOSTS/"
else
	for k in $(seq $nhosts); do cp -a "$NODE" "$HOSTS/host$k"; done
fi

lconf=/etc/libvirt/libvirtd.conf
qconf=/etc/libvirt/qemu.conf
f() { echo "$HOSTS/$1$2"; }
# the host's name in messages
name() { if [ "$MODE" = ssh ]; then echo "$1"; else echo localhost; fi; }
# changed: the file is no longer the node's
changed() { ! cmp -s "$(f "$1" "$2")" "$NODE$2"; }

# host1: user xattr, ACL, SELinux label
setfattr -n user.migready_test -v kept "$(f host1 $lconf)"
setfacl -m u:nobody:r "$(f host1 $qconf)"
[ "$MODE" = ssh ] || setfattr -n security.selinux -v system_u:object_r:virt_etc_t:s0 "$(f host1 $lconf)"
out=$(mr host1 2>&1); st=$?
expect_status "host1 (xattr, ACL, label): apply" 2 "$st" "$out"
changed host1 $lconf && changed host1 $qconf && ok "host1: both files rewritten" || not_ok "host1: both files rewritten" "$out"
expect_grep "host1: the user xattr kept" '^user.migready_test="kept"$' "$(getfattr -n user.migready_test "$(f host1 $lconf)" 2>&1)"
expect_grep "host1: the ACL kept" '^user:nobody:r--$' "$(getfacl -p "$(f host1 $qconf)" 2>&1)"
if [ "$MODE" = local ]; then
	expect_grep "host1: the SELinux label kept" '^security.selinux="system_u:object_r:virt_etc_t:s0' \
		"$(getfattr -n security.selinux "$(f host1 $lconf)" 2>&1)"
fi
expect_no_grep "host1: no temporary file left" 'migready-' "$(ls -a "$(f host1 /etc/libvirt)")"

# refusals: the file named with host and reason, the host's other file untouched
refused() { # HOST PATH REASON OTHER_PATH
	local out st
	out=$(mr "$1" 2>&1); st=$?
	expect_status "$1: apply refused" 4 "$st" "$out"
	expect_grep "$1: the refusal names host, path and reason" "$(name "$1"):$2: .*$3" "$out"
	changed "$1" "$2" && not_ok "$1: $2 untouched" || ok "$1: $2 untouched"
	changed "$1" "$4" && not_ok "$1: $4 untouched (all or none)" "$out" || ok "$1: $4 untouched (all or none)"
	expect_no_grep "$1: no temporary file left" 'migready-' "$(ls -a "$(f "$1" /etc/libvirt)")"
	[ -z "$(ls "$(f "$1" /var/lib/migready/backups)" 2>/dev/null)" ] && ok "$1: no backup left" \
		|| not_ok "$1: no backup left" "$(ls -R "$(f "$1" /var/lib/migready)")"
}

ln "$(f host2 $lconf)" "$(f host2 /libvirtd.conf.link)"
refused host2 $lconf 'has 2 hard links' $qconf
cmp -s "$(f host2 /libvirtd.conf.link)" "$NODE$lconf" && ok "host2: the other name untouched" || not_ok "host2: the other name untouched"

chattr +i "$(f host3 $qconf)"
refused host3 $qconf 'is immutable' $lconf
chattr -i "$(f host3 $qconf)"

chattr +a "$(f host4 $lconf)"
refused host4 $lconf 'is append-only' $qconf
chattr -a "$(f host4 $lconf)"

if [ "$MODE" = ssh ]; then
	setfattr -n security.migready_test -v x "$(f host5 $qconf)"
	refused host5 $qconf 'extended attributes.*would be lost' $lconf
fi

# once the obstacle is gone, apply goes through
out=$(mr host3 2>&1); st=$?
expect_status "host3 without the flag: apply" 2 "$st" "$out"

summary
[ "$failed" = 0 ]
