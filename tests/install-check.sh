#!/bin/sh
# meson install puts the binary, lenses, profiles and man pages where the
# installed binary finds them: an installed migready checks the bundled
# example host with an installed profile, using only installed lenses.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/migready-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
meson setup "$work/build" --prefix="$work/prefix" -Dtests=disabled >/dev/null
ninja -C "$work/build" >/dev/null
meson install -C "$work/build" --quiet >/dev/null
p=$work/prefix
for f in bin/migready share/migready/lenses/migready_libvirt.aug share/migready/lenses/migready_oslo.aug \
         share/migready/lenses/migready_exports.aug share/migready/lenses/migready_multipath.aug \
         share/migready/profiles/base-libvirt.ini share/man/man1/migready.1 \
         share/man/man5/migready.profile.5 share/man/man5/migready.inventory.5; do
	[ -f "$p/$f" ] || { echo "install check: $f not installed"; exit 1; }
done
cp -a examples/host "$work/host"
st=0
# Outside the source tree, so only the installed lenses can serve it.
(cd / && "$p/bin/migready" check --local --root "$work/host" -p "$p/share/migready/profiles/base-libvirt.ini" -q) || st=$?
[ "$st" = 2 ] || { echo "install check: installed migready exited $st, expected 2 (drift)"; exit 1; }
mv "$work/build" "$work/gone"
st=0
"$p/bin/migready" apply --local --root "$work/host" -p "$p/share/migready/profiles/base-libvirt.ini" -q >/dev/null || st=$?
[ "$st" = 2 ] || { echo "install check: apply exited $st with the build tree gone, expected 2"; exit 1; }
echo "install check: 1 passed, 0 failed"
