#!/bin/bash
# The binary against a fleet of real sshd hosts (tests/lab/lab.sh):
#   local  ten simulated hosts behind one sshd on 127.0.0.1 (root prefixes)
#   netns  three hosts in network namespaces, each its own sshd and /etc,
#          reached with no root prefix, as in production
# Exits 77 (skip) where the machine cannot host the lab (not root, no netns).
set -u
MIGREADY=$(realpath "${1:?usage: run-fleet.sh MIGREADY LAB_SH SOURCE_DIR local|netns}")
LAB=${2:?}
SRC=${3:?}
MODE=${4:?}
PROFILE=$SRC/tests/data/e2e/profile.ini
DIR=$(mktemp -d /tmp/migready-fleet.XXXXXX)
chmod 755 "$DIR"
passed=0
failed=0

cleanup() { bash "$LAB" down "$DIR" >/dev/null 2>&1; rm -rf "$DIR"; }
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'; }
expect_status() { if [ "$2" = "$3" ]; then ok "$1 exits $2"; else not_ok "$1 exits $2 (got $3)" "$4"; fi; }
expect_grep() { if printf '%s\n' "$3" | grep -qE -- "$2"; then ok "$1"; else not_ok "$1: no '$2'" "$3"; fi; }
# Logins, not connections: the lab's own readiness probes never log in.
connections() { cat $LAB_LOGS 2>/dev/null | grep -c 'Accepted publickey' || true; }

if [ "$MODE" = netns ]; then
	bash "$LAB" netns-up "$DIR" 3 >"$DIR/up.log" 2>&1; st=$?
else
	bash "$LAB" up "$DIR" 10 >"$DIR/up.log" 2>&1; st=$?
fi
[ "$st" = 77 ] && { cat "$DIR/up.log"; exit 77; }
[ "$st" = 0 ] || { cat "$DIR/up.log"; echo "lab did not start"; exit 1; }
. "$DIR/env"
INV=$LAB_INVENTORY
mr() { $LAB_EXEC "$MIGREADY" --color never "$@"; }
host_file() { # HOST PATH: the host's copy of PATH
	if [ "$LAB_MODE" = netns ]; then echo "$DIR/netns/$1/upper/${2#/etc/}"; else echo "$DIR/hosts/$1$2"; fi
}

# Converge: check -> 2, apply -> 2, check -> 0, apply -> 0; one connection per host per run.
c0=$(connections)
out=$(mr check -i "$INV" -p "$PROFILE" 2>&1); expect_status "check of a drifted fleet" 2 $? "$out"
c1=$(connections)
[ $((c1 - c0)) = "$LAB_HOSTS" ] && ok "one SSH connection per host ($LAB_HOSTS)" \
	|| not_ok "one SSH connection per host: $((c1 - c0)) for $LAB_HOSTS hosts"
order=$(printf '%s\n' "$out" | grep -oE '^host[0-9]+' | tr '\n' ' ')
want=$(seq -f 'host%g' 1 "$LAB_HOSTS" | tr '\n' ' ')
[ "$order" = "$want" ] && ok "results in inventory order" || not_ok "results in inventory order" "$order"
out=$(mr apply -i "$INV" -p "$PROFILE" -j 4 2>&1); expect_status "apply on the fleet" 2 $? "$out"
expect_grep "every host changed" "^$LAB_HOSTS hosts?: 0 in the desired state, $LAB_HOSTS changed, 0 failed$" "$out"
f=$(host_file host1 /etc/libvirt/libvirtd.conf)
grep -A1 -x '#listen_tcp = 1' "$f" | tail -1 | grep -qx 'listen_tcp = 1' \
	&& ok "host1's libvirtd.conf has the line below its default" || not_ok "host1's libvirtd.conf" "$(cat "$f")"
if [ "$LAB_MODE" = netns ]; then
	# No root prefix, so apply restarts what changed: libvirtd, once.
	calls=$(cat "$DIR/netns/host1/systemctl.log")
	[ "$calls" = "--no-ask-password try-restart libvirtd" ] && ok "libvirtd restarted once" || not_ok "libvirtd restarted once" "$calls"
fi
out=$(mr check -i "$INV" -p "$PROFILE" 2>&1); expect_status "check of the converged fleet" 0 $? "$out"
out=$(mr apply -i "$INV" -p "$PROFILE" 2>&1); expect_status "second apply" 0 $? "$out"
if [ "$LAB_MODE" = netns ]; then
	calls=$(cat "$DIR/netns/host1/systemctl.log")
	[ "$calls" = "--no-ask-password try-restart libvirtd" ] && ok "no restart when nothing changed" || not_ok "no restart when nothing changed" "$calls"
fi
out=$(mr check -i "$INV" -p "$PROFILE" 2>&1 >/dev/null)
[ -z "$out" ] && ok "no progress line when stderr is not a terminal" || not_ok "stderr is quiet" "$out"
out=$(script -qec "$LAB_EXEC $MIGREADY check -i $INV -p $PROFILE" /dev/null 2>&1)
expect_grep "progress line on a terminal" "$LAB_HOSTS/$LAB_HOSTS hosts done, 0 failed" "$out"

# A host whose sshd is down fails alone.
sed -e 's/^\[host host2\]/[host ghost]\naddress = 127.0.0.1\nport = 1\n\n&/' "$INV" >"$DIR/with-ghost.ini"
[ "$LAB_MODE" = netns ] && sed -i 's/^address = 127.0.0.1$/address = 10.199.0.250/' "$DIR/with-ghost.ini"
out=$(mr check -i "$DIR/with-ghost.ini" -p "$PROFILE" --timeout 3 2>&1); st=$?
expect_status "check with an unreachable host" 4 "$st" "$out"
expect_grep "the unreachable host is named" '^ghost: failed' "$out"
expect_grep "the others are still checked" "^$((LAB_HOSTS + 1)) hosts: $LAB_HOSTS in the desired state, 0 drifted, 1 failed$" "$out"

# A wrong host key: refused with both fingerprints, nothing read or written.
ssh-keygen -q -t ed25519 -N '' -f "$DIR/other_key" >/dev/null
if [ "$LAB_MODE" = netns ]; then target="10.199.0.11"; else target="[127.0.0.1]:$PORT"; fi
awk -v t="$target" -v k="$(cut -d' ' -f1,2 "$DIR/other_key.pub")" '$1 == t { print t, k; next } { print }' \
	"$LAB_KNOWN_HOSTS" >"$DIR/wrong_known_hosts"
sed "s|^known_hosts = .*|known_hosts = $DIR/wrong_known_hosts|" "$INV" >"$DIR/wrong.ini"
printf '\n[qemu]\nuser = qemu\n' >"$DIR/change.ini"
before=$(cat "$(host_file host1 /etc/libvirt/qemu.conf)" | sha256sum)
out=$(mr apply -i "$DIR/wrong.ini" -p "$PROFILE" -p "$DIR/change.ini" -H host1 2>&1); st=$?
expect_status "apply with a wrong host key" 4 "$st" "$out"
expect_grep "mismatch shows both fingerprints" 'SHA256:[A-Za-z0-9+/]{43}.*SHA256:[A-Za-z0-9+/]{43}' "$out"
[ "$(cat "$(host_file host1 /etc/libvirt/qemu.conf)" | sha256sum)" = "$before" ] \
	&& ok "nothing written on the host with the wrong key" || not_ok "nothing written with a wrong key"

# An unknown host key: refused under strict, accepted and recorded under accept-new.
: >"$DIR/empty_known_hosts"
sed "s|^known_hosts = .*|known_hosts = $DIR/empty_known_hosts|" "$INV" >"$DIR/unknown.ini"
out=$(mr check -i "$DIR/unknown.ini" -p "$PROFILE" -H host1 2>&1); st=$?
expect_status "unknown host key under strict" 4 "$st" "$out"
expect_grep "unknown key is named" 'unknown|not known' "$out"
sed -i 's/^\[defaults\]$/[defaults]\nhost_key_check = accept-new/' "$DIR/unknown.ini"
out=$(mr check -i "$DIR/unknown.ini" -p "$PROFILE" -H host1 2>&1); st=$?
expect_status "unknown host key under accept-new" 0 "$st" "$out"
[ -s "$DIR/empty_known_hosts" ] && ok "accept-new recorded the key" || not_ok "accept-new recorded the key"
sed -i 's/^host_key_check = accept-new$/host_key_check = strict/' "$DIR/unknown.ini"
out=$(mr check -i "$DIR/unknown.ini" -p "$PROFILE" -H host1 2>&1); st=$?
expect_status "the recorded key is then trusted under strict" 0 "$st" "$out"

# A remote symlink target is refused; the other hosts are fixed.
q=$(host_file host2 /etc/libvirt/qemu.conf)
if [ "$LAB_MODE" = netns ]; then
	# Through the host's own sshd: its /etc is an overlay only it sees whole.
	$LAB_EXEC ssh -q -o BatchMode=yes -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -i "$LAB_IDENTITY" \
		"$LAB_USER@$LAB_NET.12" 'cd /etc/libvirt && mv qemu.conf qemu.conf.real && ln -s qemu.conf.real qemu.conf'
else
	mv "$q" "$q.real" && ln -s qemu.conf.real "$q"
fi
out=$(mr apply -i "$INV" -p "$PROFILE" -p "$DIR/change.ini" 2>&1); st=$?
expect_status "apply with a symlinked qemu.conf on host2" 6 "$st" "$out"
expect_grep "symlink refusal names host2" 'host2:/etc/libvirt/qemu.conf: is a symbolic link' "$out"
grep -qx 'user = "nova"' "$q.real" && ok "the link's target is untouched" || not_ok "the link's target is untouched" "$(cat "$q.real")"
grep -qx 'user = "qemu"' "$(host_file host1 /etc/libvirt/qemu.conf)" && ok "host1 still changed" || not_ok "host1 still changed"

# A host root whose /etc/libvirt is an absolute link out of it: refused,
# nothing written where it points.
if [ "$LAB_MODE" = local ]; then
	mkdir -p "$DIR/outside"
	cp -a "$DIR/hosts/host3/etc/libvirt" "$DIR/outside/"
	chown -R "$LAB_USER:" "$DIR/outside"
	rm -rf "$DIR/hosts/host3/etc/libvirt"
	ln -s "$DIR/outside/libvirt" "$DIR/hosts/host3/etc/libvirt"
	before=$(cat "$DIR/outside/libvirt/qemu.conf" | sha256sum)
	out=$(mr apply -i "$INV" -p "$PROFILE" -H host3 2>&1); st=$?
	expect_status "apply where a link leads out of a host's root" 4 "$st" "$out"
	expect_grep "the escape is named" 'host3:/etc/libvirt/qemu.conf: a symbolic link leads out of the root' "$out"
	[ "$(cat "$DIR/outside/libvirt/qemu.conf" | sha256sum)" = "$before" ] \
		&& ok "nothing written outside the host's root" || not_ok "nothing written outside the host's root"
	rm "$DIR/hosts/host3/etc/libvirt"
	mv "$DIR/outside/libvirt" "$DIR/hosts/host3/etc/libvirt"
fi

# Host selection by glob, and the Ansible form of the same inventory.
out=$(mr check -i "$INV" -p "$PROFILE" -H 'host1*' -q 2>&1)
n=$(printf '%s\n' "$out" | tail -1 | grep -oE '^[0-9]+')
want=1; [ "$LAB_HOSTS" -ge 10 ] && want=2
[ "$n" = "$want" ] && ok "-H 'host1*' selects $want hosts" || not_ok "-H glob" "$out"
{
	echo "[compute]"
	awk '/^\[host /{h=$2; sub(/\]/,"",h)} /^address =/{a=$3} /^root =/{r=$3} /^$/{ if (h) { print h, "ansible_host=" a (r ? " migready_root=" r : ""); h=""; r="" } } END { if (h) print h, "ansible_host=" a (r ? " migready_root=" r : "") }' "$INV"
	echo "[all:vars]"
	echo "ansible_user=$LAB_USER"
	[ "$LAB_MODE" = local ] && echo "ansible_port=$PORT"
	echo "ansible_ssh_private_key_file=$LAB_IDENTITY"
	echo "migready_known_hosts=$LAB_KNOWN_HOSTS"
} >"$DIR/ansible-hosts"
out=$(mr check -i "$DIR/ansible-hosts" -p "$PROFILE" -p "$DIR/change.ini" -H 'host[3-9]' 2>&1); st=$?
expect_status "check through an Ansible inventory" 0 "$st" "$out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
