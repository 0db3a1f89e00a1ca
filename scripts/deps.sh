#!/bin/sh
# Installs what migready needs to build, and with "test" what its test
# suites need too, from Debian's packages. The one list of dependencies.
set -eu
build="meson ninja-build pkgconf gcc libaugeas-dev augeas-lenses libssh2-1-dev libinih-dev
       libvirt-dev libjson-c-dev libyaml-dev libxml2-dev"
tests="libcmocka-dev augeas-tools openssh-server openssh-client mandoc valgrind iproute2
       libvirt-daemon libvirt-clients patch diffutils util-linux procps systemd python3 passwd
       coreutils login sudo clang clang-14 libclang-rt-14-dev libtsan2
       nfs-kernel-server multipath-tools iptables ufw nftables firewalld prometheus attr acl
       e2fsprogs strace"
want=$build
[ "${1:-}" = test ] && want="$build $tests"
missing=
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
