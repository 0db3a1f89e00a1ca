#!/bin/sh
# Builds migready and runs its main job on a copy of the bundled example
# compute host: diff (what would change), apply (change it), check (now in
# the desired state).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -d build ] || meson setup build
ninja -C build
host=$(mktemp -d /tmp/migready-demo.XXXXXX)/host
cp -a examples/host "$host"
run() {
	echo "\$ migready $*"
	st=0
	./build/src/migready "$@" || st=$?
	echo "(exit status $st)"
	echo
}
run diff --local --root "$host" -p profiles/base-libvirt.ini
run apply --local --root "$host" -p profiles/base-libvirt.ini
run check --local --root "$host" -p profiles/base-libvirt.ini
echo "The example host is in $host; its backups in $host/var/lib/migready/backups."
