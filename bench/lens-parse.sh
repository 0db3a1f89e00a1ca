#!/bin/sh
# How long Augeas takes to parse Debian's own nova.conf (10,000 lines) and
# qemu.conf with migready's lenses, against the stock IniFile-based lenses.
#
#   bench/lens-parse.sh LENS_PARSE [CACHEDIR [ITER]]
#
# LENS_PARSE is the bench/lens_parse program of a build directory
# (e.g. build-lens/bench/lens_parse, or: ninja -C build-lens bench-lens).
# The packages are fetched with "apt-get download" into CACHEDIR (default: a
# temporary directory, removed afterwards).
set -u

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	echo "usage: $0 LENS_PARSE [CACHEDIR [ITER]]" >&2
	exit 2
fi
lens_parse=$1
iter=${3:-30}
lensdir=$(cd "$(dirname "$0")/../lenses" && pwd) || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cache=${2:-$tmp/cache}
mkdir -p "$cache" || exit 1

for p in nova-common libvirt-daemon-system; do
	if ! ls "$cache/$p"_*.deb >/dev/null 2>&1; then
		(cd "$cache" && apt-get download "$p" >/dev/null 2>&1) || {
			echo "cannot download Debian package '$p' (no network, or no package lists: run apt-get update)" >&2
			exit 1
		}
	fi
	dpkg-deb -x "$cache/$p"_*.deb "$tmp/root" || exit 1
done
nova=$tmp/root/usr/share/nova-common/nova.conf
qemu=$tmp/root/etc/libvirt/qemu.conf

# The cheapest lens that makes one node per line: what Augeas' parser costs
# before a lens does anything clever (each iteration of a "*" is matched
# with registers, which glibc's regex engine does slowly).
mkdir -p "$tmp/floor"
cat >"$tmp/floor/bench_floor.aug" <<'EOF'
module Bench_floor =
let lns = [ label "line" . store /[^\n]*/ . del "\n" "\n" ]*
EOF

run() {
	echo
	echo "== $1"
	shift
	"$lens_parse" "$@" || echo "(failed)"
}

run "migready's oslo lens, Debian's nova.conf" \
	-I "$lensdir" Migready_oslo.lns "$nova" "$iter"
run "stock Puppet.lns (IniFile.lns with indented entries), same file" \
	-I "$lensdir" Puppet.lns "$nova" "$iter"
run "stock IniFile.lns_loose_multiline (continuation lines, like oslo), same file" \
	-I "$lensdir" IniFile.lns_loose_multiline "$nova" "$iter"
run "floor: one node per line, no structure at all, same file" \
	-I "$tmp/floor" -I "$lensdir" Bench_floor.lns "$nova" "$iter"
run "migready's libvirt lens, Debian's qemu.conf" \
	-I "$lensdir" Migready_libvirt.lns "$qemu" "$iter"
