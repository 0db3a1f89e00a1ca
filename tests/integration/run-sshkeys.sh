#!/bin/bash
# [ssh] end to end: first on a host tree (--root), then on two lab hosts in
# network namespaces (tests/lab/lab.sh), each its own sshd and /etc. After
# apply, the nova user of host1 logs in to host2 with real OpenSSH, using
# only what migready distributed (the cluster key, known_hosts), with
# StrictHostKeyChecking=yes and BatchMode=yes, by address and by name. A
# second apply changes nothing; drift (an extra key with exclusive, a
# wrong mode, a stale known_hosts entry) is reported by check.
# In the lab migready logs in as the lab user, not root, so nova is that
# user's uid under another name (listed first, so nova's ssh finds its
# home), with its home on the host's private /run.
# Exits 77 (skip) where the machine cannot host the lab, except under CI.
set -u
MIGREADY=$(realpath "${1:?usage: run-sshkeys.sh MIGREADY LAB_SH SOURCE_DIR}")
LAB=${2:?}
SRC=${3:?}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (files owned by nova, the lab)"
	[ -z "${CI:-}" ] || { echo "FAIL: CI=$CI: the sshkeys suite must run here, not skip"; exit 1; }
	exit 77
fi
DIR=$(mktemp -d /tmp/migready-sshkeys.XXXXXX)
chmod 755 "$DIR"
cleanup() {
	bash "$LAB" down "$DIR" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT
. "$SRC/tests/lib/expect.sh"
mr() { "$MIGREADY" --color never "$@"; }
K_OPS=$(ssh-keygen -q -t ed25519 -N '' -C ops@bastion -f "$DIR/ops" && cut -d' ' -f1-2 "$DIR/ops.pub")

# ---- a host tree ----
T=$DIR/tree
mkdir -p "$T/host/etc/ssh" "$T/host/var/lib/nova/.ssh"
printf 'root:x:0:0:root:/root:/bin/bash\nnova:x:64060:64060::/var/lib/nova:/usr/sbin/nologin\n' > "$T/host/etc/passwd"
printf 'root:x:0:\nnova:x:64060:\n' > "$T/host/etc/group"
echo compute7 > "$T/host/etc/hostname"
ssh-keygen -q -t ed25519 -N '' -C tree-host -f "$T/host/etc/ssh/ssh_host_ed25519_key"
printf '# break glass\nfrom="10.20.0.5",no-pty %s ops@bastion\n' "$K_OPS" > "$T/host/var/lib/nova/.ssh/authorized_keys"
chmod 644 "$T/host/var/lib/nova/.ssh/authorized_keys"
cat > "$T/profile.ini" <<EOF
[ssh]
user = nova
shell = /bin/sh
keypair = keys/nova_migration
known_hosts = cluster
EOF
cd "$T"
out=$(mr check --local --root host -p profile.ini 2>&1); st=$?
expect_status "tree: check before any key pair" 6 "$st" "$out"
expect_grep "tree: check says apply generates the pair" "ssh\.keypair +failed .*does not exist yet \(apply generates it\)" "$out"
[ ! -e keys ] && ok "tree: check generates nothing" || not_ok "tree: check generates nothing"
out=$(mr -v -v apply --local --root host -p profile.ini 2>&1); st=$?
expect_status "tree: apply (the shell cannot change in a tree)" 6 "$st" "$out"
expect_grep "tree: the shell is refused clearly" "ssh\.shell +failed +not changed in a tree: usermod runs on a live host only" "$out"
secret=$(sed -n 3p keys/nova_migration 2>/dev/null | cut -c 1-24)
case $out in *"PRIVATE KEY"*|*"${secret:-none}"*) not_ok "tree: the private key is never printed, even at -v -v" ;; *) ok "tree: the private key is never printed, even at -v -v" ;; esac
s=$(stat -c '%a' keys/nova_migration 2>/dev/null)
[ "$s" = 600 ] && ok "tree: generated private key is 0600" || not_ok "tree: generated private key is 0600 (got $s)"
H=host/var/lib/nova/.ssh
for f in $H/id_ed25519 $H/id_ed25519.pub $H/authorized_keys $H/known_hosts; do
	ssh-keygen -lf "$f" >/dev/null 2>&1 && ok "tree: ssh-keygen -lf reads $(basename "$f")" || not_ok "tree: ssh-keygen -lf reads $(basename "$f")" "$(cat "$f")"
done
got=$(stat -c '%n %a %u:%g' $H $H/id_ed25519 $H/id_ed25519.pub $H/authorized_keys $H/known_hosts | sed "s|$H|~|")
want="~ 700 64060:64060
~/id_ed25519 600 64060:64060
~/id_ed25519.pub 644 64060:64060
~/authorized_keys 600 64060:64060
~/known_hosts 644 64060:64060"
[ "$got" = "$want" ] && ok "tree: modes and owner" || not_ok "tree: modes and owner" "$got"
cmp -s keys/nova_migration $H/id_ed25519 && ok "tree: the cluster key installed" || not_ok "tree: the cluster key installed"
grep -qxF "from=\"10.20.0.5\",no-pty $K_OPS ops@bastion" $H/authorized_keys && ok "tree: the break-glass key and its options kept" || not_ok "tree: the break-glass key and its options kept" "$(cat $H/authorized_keys)"
grep -qxF "$(cat keys/nova_migration.pub)" $H/authorized_keys && ok "tree: the cluster key authorized" || not_ok "tree: the cluster key authorized" "$(cat $H/authorized_keys)"
grep -qxF "compute7 $(cut -d' ' -f1-2 host/etc/ssh/ssh_host_ed25519_key.pub)" $H/known_hosts && ok "tree: known_hosts under the host's own name" || not_ok "tree: known_hosts under the host's own name" "$(cat $H/known_hosts)"
before=$(tree_sum host)
out=$(mr apply --local --root host -p profile.ini 2>&1); st=$?
expect_status "tree: second apply (only the shell left)" 4 "$st" "$out"
[ "$(tree_sum host)" = "$before" ] && ok "tree: second apply writes nothing" || not_ok "tree: second apply writes nothing"
# drift: a wrong mode, a stale known_hosts entry, an extra key with exclusive
chmod 644 $H/id_ed25519
sed -i "s|^compute7 .*|compute7 $K_OPS|" $H/known_hosts
printf 'exclusive = yes\n' >> profile.ini
out=$(mr diff --local --root host -p profile.ini 2>&1); st=$?
expect_status "tree: diff of drifted keys" 6 "$st" "$out"
expect_grep "tree: a wrong mode is drift" "ssh\.keypair +drift +'mode 0644 owner 64060:64060'" "$out"
expect_grep "tree: a stale known_hosts entry is drift" "ssh\.known_hosts +drift +'stale compute7 ssh-ed25519 SHA256:" "$out"
expect_grep "tree: an extra key with exclusive is drift" "ssh\.authorized_key +drift +'extra ops@bastion \(SHA256:" "$out"
expect_grep "tree: diff shows the extra key going" "^-from=\"10.20.0.5\",no-pty ssh-ed25519" "$out"
expect_no_grep "tree: no diff of the private key" "^\+\+\+ b/var/lib/nova/.ssh/id_ed25519$" "$out"
out=$(mr apply --local --root host -p profile.ini 2>&1)
s=$(stat -c '%a' $H/id_ed25519)
[ "$s" = 600 ] && ok "tree: apply puts the mode back" || not_ok "tree: apply puts the mode back ($s)" "$out"
grep -q ops@bastion $H/authorized_keys && not_ok "tree: exclusive drops the extra key" || ok "tree: exclusive drops the extra key"
grep -q "$K_OPS" $H/known_hosts && not_ok "tree: the stale entry is gone" || ok "tree: the stale entry is gone"
cd "$DIR"

# ---- two lab hosts ----
bash "$LAB" netns-up "$DIR/lab" 2 >"$DIR/up.log" 2>&1; st=$?
if [ "$st" = 77 ]; then
	cat "$DIR/up.log"
	[ -z "${CI:-}" ] || { echo "FAIL: CI=$CI: the sshkeys suite must run here, not skip"; exit 1; }
	echo "$passed passed, $failed failed (lab skipped)"
	[ "$failed" = 0 ] || exit 1
	exit 77
fi
[ "$st" = 0 ] || { cat "$DIR/up.log"; echo "lab did not start"; exit 1; }
. "$DIR/lab/env"
uid=$(id -u "$LAB_USER")
gid=$(id -g "$LAB_USER")
# inside host K's own mount and network namespaces (those of its sshd)
in_host() { local k=$1; shift; nsenter -t "$(cat "$LAB_DIR/netns/host$k/sshd.pid")" -m -n -- "$@"; }
for k in 1 2; do
	in_host $k sh -c "{ echo 'nova:x:$uid:$gid::/run/nova:/bin/sh'; cat /etc/passwd; } > /etc/passwd.new && mv /etc/passwd.new /etc/passwd &&
		printf '$LAB_NET.11 host1\n$LAB_NET.12 host2\n' >> /etc/hosts &&
		mkdir -m 755 /run/nova && chown $uid:$gid /run/nova" || not_ok "lab: nova set up on host$k"
	# sshd lets nova in with its own authorized_keys
	c=$LAB_DIR/netns/host$k/sshd_config
	sed -i "s|^AllowUsers .*|AllowUsers $LAB_USER nova|; s|^AuthorizedKeysFile \(.*\)|AuthorizedKeysFile \1 .ssh/authorized_keys|" "$c"
	kill -HUP "$(cat "$LAB_DIR/netns/host$k/sshd.pid")"
done
cat > "$DIR/lab.ini" <<EOF
[ssh]
user = nova
shell = /bin/sh
keypair = keys/nova_migration
authorized_key = from="10.20.0.5",no-pty $K_OPS ops@bastion
known_hosts = cluster
EOF
labmr() { $LAB_EXEC "$MIGREADY" --color never "$@"; }
sleep 1
out=$(labmr -i "$LAB_INVENTORY" -p "$DIR/lab.ini" check 2>&1); st=$?
expect_status "lab: check before the key pair" 6 "$st" "$out"
out=$(labmr -i "$LAB_INVENTORY" -p "$DIR/lab.ini" apply 2>&1); st=$?
expect_status "lab: apply" 2 "$st" "$out"
expect_grep "lab: known_hosts changed on both hosts" "ssh\.known_hosts +changed" "$out"
for k in 1 2; do
	for f in id_ed25519 id_ed25519.pub authorized_keys known_hosts; do
		in_host $k ssh-keygen -lf "/run/nova/.ssh/$f" >/dev/null 2>&1 || not_ok "lab: host$k: ssh-keygen -lf $f"
	done
done
kh=$(in_host 1 cat /run/nova/.ssh/known_hosts)
line="host2,$LAB_NET.12 $(cut -d' ' -f1-2 "$LAB_DIR/netns/host2/ssh_host_ed25519_key.pub")"
printf '%s\n' "$kh" | grep -qxF "$line" && ok "lab: host2's verified key under its name and address" || not_ok "lab: host2's verified key under its name and address" "$kh"
own=$(cut -d' ' -f2 /etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null)
case $kh in *"${own:-none}"*) not_ok "lab: not this machine's own host keys" "$kh" ;; *) ok "lab: not this machine's own host keys" ;; esac
login() { # NAME: nova on host1 runs a command on host2, as nova's ssh would
	in_host 1 setpriv --reuid "$uid" --regid "$gid" --clear-groups env HOME=/run/nova \
		ssh -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 "nova@$1" \
		'echo "$(id -un) on $(cat /proc/sys/kernel/hostname 2>/dev/null) $SSH_CONNECTION"' 2>&1
}
for name in "$LAB_NET.12" host2; do
	out=$(login "$name"); st=$?
	expect_status "lab: nova on host1 logs in to host2 as '$name'" 0 "$st" "$out"
	expect_grep "lab: the login lands on host2 as nova" "^nova on .* $LAB_NET\.12 22$" "$out"
done
out=$(labmr -i "$LAB_INVENTORY" -p "$DIR/lab.ini" apply 2>&1); st=$?
expect_status "lab: second apply changes nothing" 0 "$st" "$out"
out=$(labmr -i "$LAB_INVENTORY" -p "$DIR/lab.ini" check 2>&1); st=$?
expect_status "lab: check after apply" 0 "$st" "$out"
# a peer that cannot be reached: it fails alone, and the others say that
# its key is missing rather than being green
{ cat "$LAB_INVENTORY"; printf '\n[host ghost]\naddress = %s.99\n' "$LAB_NET"; } > "$DIR/ghost.ini"
out=$(labmr --timeout 5 -i "$DIR/ghost.ini" -p "$DIR/lab.ini" check 2>&1); st=$?
expect_status "lab: check with an unreachable peer" 4 "$st" "$out"
expect_grep "lab: the peer without a verified key is named" "ssh\.known_hosts +failed +no verified host key of peer 'ghost'" "$out"
expect_grep "lab: host1 is still checked" "^host1: failed" "$out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
