#!/bin/bash
# verify by an operator libvirt lets in read-only: a real system-mode
# libvirtd, in mount and network namespaces of its own with tmpfs over
# libvirt's directories, serving libvirt's test driver, whose read-write
# socket the operator may not open and whose read-only socket anyone may.
# The operator is root without CAP_DAC_OVERRIDE, the socket nobody's 0700:
# the refusal a non-root operator meets (SYSTEM_ERROR, "Permission
# denied"), with the root-only system sockets the test driver is served on.
# Custom CPU models need domain capabilities, which need a read-write
# connection; the host must still be examined read-only, its custom models
# said not examined and why, not the host "cannot connect".
# verify_preload.so stands in for the test driver's capabilities and
# domain capabilities, as in run-verify.sh.
#   run-verify-ro.sh MIGREADY SOURCE_DIR PRELOAD
set -u
MIGREADY=$(realpath "${1:?usage: run-verify-ro.sh MIGREADY SOURCE_DIR PRELOAD}")
SRC=$(realpath "${2:?}")
PRELOAD=$(realpath "${3:?}")
. "$SRC/tests/lib/expect.sh"

[ "$(id -u)" = 0 ] || skip "needs root (namespaces, a system-mode libvirtd)"
command -v libvirtd >/dev/null || [ -x /usr/sbin/libvirtd ] ||
	skip "libvirtd not installed (apt-get install libvirt-daemon)"
command -v unshare >/dev/null && command -v setpriv >/dev/null || skip "needs unshare and setpriv (util-linux)"
unshare -m -n true 2>/dev/null || skip "cannot make mount and network namespaces"

DIR=$(mktemp -d /tmp/migready-verify-ro.XXXXXX)
chmod 755 "$DIR"
trap '[ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT

# The namespaces' side: libvirt's directories empty, the QEMU driver's
# user (libvirt-daemon-system makes it; this machine may not have it) in
# a copy of the account files, the daemon started and its sockets waited
# for, then the command given, then the daemon stopped.
cat >"$DIR/ns.sh" <<'EOF'
set -u
dir=$1
shift
ip link set lo up
cp /etc/passwd "$dir/passwd"; cp /etc/group "$dir/group"
getent passwd libvirt-qemu >/dev/null || echo 'libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin' >>"$dir/passwd"
getent group libvirt-qemu >/dev/null || echo 'libvirt-qemu:x:64055:' >>"$dir/group"
mount --bind "$dir/passwd" /etc/passwd && mount --bind "$dir/group" /etc/group || exit 1
for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /etc/libvirt; do
	mkdir -p "$d" && mount -t tmpfs migready-test "$d" || exit 1
done
cat >"$dir/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 0
unix_sock_rw_perms = "0700"
unix_sock_ro_perms = "0777"
auth_unix_ro = "none"
auth_unix_rw = "none"
CONF
PATH=/usr/sbin:/usr/bin:/sbin:/bin LIBVIRT_LOG_OUTPUTS="3:file:$dir/libvirtd.log" \
	libvirtd --config "$dir/libvirtd.conf" --pid-file /run/libvirt/test.pid >"$dir/libvirtd.out" 2>&1 </dev/null &
pid=$!
for _ in $(seq 1 100); do
	[ -S /run/libvirt/libvirt-sock-ro ] && [ -S /run/libvirt/libvirt-sock ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if ! [ -S /run/libvirt/libvirt-sock-ro ]; then
	echo "libvirtd did not start:"
	tail -n 20 "$dir/libvirtd.out" "$dir/libvirtd.log"
	kill "$pid" 2>/dev/null
	exit 1
fi
"$@"
st=$?
kill "$pid"
wait "$pid"
exit "$st"
EOF

DATA=$SRC/tests/data/verify
cp "$DATA/nodes/node4.xml" "$DIR/"
cp "$DATA/haswell-b.caps.xml" "$DIR/node4.caps.xml"
cp "$DATA/haswell.domcaps.xml" "$DIR/node4.domcaps.xml"
printf '[defaults]\nprofile = %s\n[host node4]\nlibvirt_uri = test+unix://%s/node4.xml\n' \
	"$DATA/profile-custom.ini" "$DIR" >"$DIR/inventory.ini"
chmod -R a+rX "$DIR"

# verify of the inventory, then its status; with "denied", by root
# without the capabilities that let it open any socket, the read-write
# one made nobody's
run() {
	local drop=()
	if [ "$1" != allowed ]; then
		chown nobody /run/libvirt/libvirt-sock || return 1
		drop=(setpriv --bounding-set -dac_override,-dac_read_search)
	fi
	if [ "$1" = "denied both" ]; then
		chown nobody /run/libvirt/libvirt-sock-ro && chmod 0700 /run/libvirt/libvirt-sock-ro ||
			return 1
	fi
	"${drop[@]}" env LD_PRELOAD="$PRELOAD" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$MIGREADY" --color never verify -i "$DIR/inventory.ini" --timeout 10
	echo "status $?"
}
export -f run
export MIGREADY DIR PRELOAD

out=$(unshare -m -n --propagation private bash "$DIR/ns.sh" "$DIR" bash -c 'run denied' 2>&1)
expect_no_fixed "read-write refused: the host is still examined" "cannot connect" "$out"
expect_fixed "... connected, read-only" "  libvirt: connection                                   : PASS" "$out"
expect_fixed "... its guests read" "1 active guest" "$out"
expect_fixed "... the custom model not examined, and why" \
	"cpu_model 'Haswell-noTSX': usability unknown on node4 (no domain capabilities: they need a read-write connection, which failed: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied)" "$out"
expect_fixed "... so the CPU check is not examined" "  libvirt: CPU compatible with the other hosts          : NOT EXAMINED" "$out"
# not examined (4), whatever else: this host has no sshd
expect_fixed "... exit 4" "status 4" "$out"

# both refused: the host cannot be examined, and both reasons are said
out=$(unshare -m -n --propagation private bash "$DIR/ns.sh" "$DIR" bash -c 'run "denied both"' 2>&1)
expect_fixed "both refused: cannot connect, with both reasons" \
	"node4: test+unix://$DIR/node4.xml: cannot connect: Failed to connect socket to '/var/run/libvirt/libvirt-sock-ro': Permission denied (read-write: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied)" "$out"

# the same daemon, the read-write socket open to the operator: domain
# capabilities read, the model usable
out=$(unshare -m -n --propagation private bash "$DIR/ns.sh" "$DIR" bash -c 'run allowed' 2>&1)
expect_fixed "read-write allowed: connected" "  libvirt: connection                                   : PASS" "$out"
expect_no_fixed "... not refused" "they need a read-write connection" "$out"
expect_fixed "... the custom model examined" "  libvirt: CPU compatible with the other hosts          : PASS" "$out"

summary
