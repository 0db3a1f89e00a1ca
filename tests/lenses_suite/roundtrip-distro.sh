#!/bin/sh
# Round-trip the configuration files that Debian ships through migready's
# lenses, byte for byte.
#
#   roundtrip-distro.sh ROUNDTRIP LENSDIR CACHEDIR
#
# ROUNDTRIP is the tests/lenses_suite/roundtrip program, LENSDIR migready's
# lenses/ directory, CACHEDIR where the .deb files are kept between runs.
# The packages are fetched with "apt-get download" (package lists must
# exist: CI runs apt-get update first).  Exits 77, which meson reports as
# SKIP, when they cannot be downloaded.
#
# Debian 12 (bookworm) ships:
#   libvirt-daemon-system  /etc/libvirt/libvirtd.conf, qemu.conf, and
#                          virtlockd.conf, virtlogd.conf, lxc.conf, ... in the
#                          same format
#   libvirt-clients        /etc/libvirt/libvirt.conf, libvirt-admin.conf
#   nova-common            /usr/share/nova-common/nova.conf, the full sample
#                          that its postinst installs as /etc/nova/nova.conf
# It has no virtproxyd.conf: bookworm's libvirt 9.0 is built without the
# modular daemons (trixie has them, in libvirt-daemon-driver-*); the lens
# unit tests and lenses/tests/data cover that file.
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 ROUNDTRIP LENSDIR CACHEDIR" >&2
	exit 2
fi
roundtrip=$1
lensdir=$2
cache=$3

skip() {
	echo "SKIP: $*"
	exit 77
}

command -v apt-get >/dev/null 2>&1 || skip "apt-get not found: not a Debian system"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb not found"
mkdir -p "$cache" || exit 1

# Downloads PACKAGE into the cache unless a .deb of it is there already.
fetch() {
	if ls "$cache/$1"_*.deb >/dev/null 2>&1; then
		return 0
	fi
	echo "apt-get download $1"
	(cd "$cache" && apt-get download "$1" 2>&1) || return 1
	ls "$cache/$1"_*.deb >/dev/null 2>&1
}

for p in libvirt-daemon-system libvirt-clients nova-common; do
	fetch "$p" || skip "cannot download Debian package '$p' (no network, or no package lists: run apt-get update)"
done

root=$cache/root
rm -rf "$root"
mkdir -p "$root" || exit 1
for deb in "$cache"/*.deb; do
	echo "extracting $(basename "$deb")"
	dpkg-deb -x "$deb" "$root" || { echo "FAIL: dpkg-deb -x $deb"; exit 1; }
done

libvirt_files=$(find "$root/etc/libvirt" -maxdepth 1 -name '*.conf' -type f | sort)
nova_files=$(find "$root/usr/share/nova-common" "$root/etc/nova" -maxdepth 1 \
	-name 'nova*.conf' -type f 2>/dev/null | sort)
for want in libvirtd.conf qemu.conf; do
	echo "$libvirt_files" | grep -q "/$want\$" || { echo "FAIL: no $want in the packages"; exit 1; }
done
[ -n "$nova_files" ] || { echo "FAIL: no nova.conf in nova-common"; exit 1; }
echo "$libvirt_files" | grep -q '/virtproxyd.conf$' ||
	echo "note: no virtproxyd.conf in these packages (bookworm does not ship it)"

status=0
# shellcheck disable=SC2086 # one argument per file; the paths have no blanks
"$roundtrip" -I "$lensdir" Migready_libvirt.lns $libvirt_files || status=1
# shellcheck disable=SC2086
"$roundtrip" -I "$lensdir" Migready_oslo.lns $nova_files || status=1
exit $status
