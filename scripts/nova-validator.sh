#!/bin/sh
# Prepares oslo-config-validator with Debian 12's nova (26) in DIR, without
# installing python3-nova (it pulls in systemd, udev and open-iscsi): its
# python3 packages are downloaded and unpacked. Prints the PYTHONPATH to
# use with /usr/bin/python3. Used by scripts/test.sh for the nova-conf test.
set -eu
dir=${1:?usage: nova-validator.sh DIR}
mkdir -p "$dir"
cd "$dir"
if [ ! -f root/.complete ]; then
	rm -rf root debs
	mkdir -p debs
	(cd debs && apt-get download $(apt-get install -s python3-nova | awk '/^Inst python3/ {print $2}')) >&2
	for d in debs/*.deb; do dpkg -x "$d" root; done
	: > root/.complete
fi
echo "$(pwd)/root/usr/lib/python3/dist-packages"
