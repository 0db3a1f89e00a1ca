#!/bin/bash
# End to end, [nfs], [multipath] and [file PATH] on Debian 12 host trees
# (--local --root): an NFS server and a compute node, from the node's own
# files. check -> 2, apply -> 2, check -> 0, a second apply touches
# nothing; other exports, fstab lines and multipath sections kept. Then the
# files' real consumers read what was written: exportfs (in a mount
# namespace of its own, over the tree's exports), findmnt --verify, and
# multipath -t. Those need root and unshare: skipped (77) without, except
# under CI, where that fails.
set -u
. "$(dirname "$0")/../lib/e2e.sh" storage storage "$@"

new_host() { # DIR
	hosttree debian12-socket "$1"
	mkdir -p "$1/etc/sysctl.d"
	cp "$DATA/debian12.exports" "$1/etc/exports"
	cp "$DATA/debian12.fstab" "$1/etc/fstab"
	cp "$DATA/debian12.multipath.conf" "$1/etc/multipath.conf"
	printf 'root:x:0:0:root:/root:/bin/bash\nnova:x:64060:64060::/var/lib/nova:/bin/sh\n' > "$1/etc/passwd"
	printf 'root:x:0:\nnova:x:64060:\n' > "$1/etc/group"
	printf '# tuned\nnet.ipv4.tcp_keepalive_intvl = 30\n' > "$1/etc/sysctl.d/90-migration.conf"
	# nova-common's nova.conf sets state_path (nova's own default is its
	# Python package's directory)
	mkdir -p "$1/etc/nova"
	printf '[DEFAULT]\nstate_path = /var/lib/nova\n' > "$1/etc/nova/nova.conf"
}

# Only these lines may differ from the original file.
changed_lines() { diff "$1" "$2" | grep '^[<>]' ; }

# DIR's exports set to BEFORE, converged to PROFILE (NAME), then AFTER.
exports_converge() { # NAME DIR PROFILE BEFORE AFTER
	local got
	printf '%s\n' "$4" > "$2/etc/exports"
	converge "$1" "$2" "$3"
	got=$(cat "$2/etc/exports")
	[ "$got" = "$5" ] && ok "$1: the file as it should be" || not_ok "$1: the file" "$got"
}

# In a mount namespace of its own (a tmpfs /var/lib for the exported
# directories and nfs's state, the lab's systemctl under a /run of its own).
live_exportfs() { # EXPORTS PROFILE: exportfs -ra, exportfs -v, a live check
	PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
		mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances &&
		touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra &&
		echo "exportfs: $?" && exportfs -v && "$2" --color never check --local -p "$3"
		echo "check: $?"' sh "$1" "$MIGREADY" "$2" 2>&1
}

SERVER=$WORK/nfs1
new_host "$SERVER"
# the server's package leaves its unit, disabled (Debian enables it; the
# tree is to show apply doing so)
printf '[Unit]\nDescription=NFS server and services\n[Service]\nType=oneshot\nExecStart=/usr/sbin/rpc.nfsd\n[Install]\nWantedBy=multi-user.target\n' \
	> "$SERVER/lib/systemd/system/nfs-server.service"
converge server "$SERVER" "$DATA/profiles/server.ini"
expect_no_grep "server: nothing left unapplied" 'not applied' "$CHECK_OUT"
[ -L "$SERVER/etc/systemd/system/multi-user.target.wants/nfs-server.service" ] &&
	ok "server: the NFS server's unit enabled in the tree" ||
	not_ok "server: the NFS server's unit enabled in the tree" "$(ls -la "$SERVER/etc/systemd/system" 2>&1)"
expect_grep "server: what a tree serves is said not checked" 'not checked \(1\): nfs\.active' "$CHECK_OUT"
out=$(mr check -v --local --root "$SERVER" -p "$DATA/profiles/server.ini" 2>&1)
expect_grep "server: the export in place is shown, not 'absent'" \
	"nfs\.export +ok +'/var/lib/nova/instances 10\.20\.0\.0/24\(rw,sync,fsid=0,no_root_squash,no_subtree_check\)'" "$out"
# (before 10.0.0.0/8, which holds its peers: mountd takes the first)
want=$'< /var/lib/nova/instances\t10.0.0.0/8(ro,sync)\n> /var/lib/nova/instances\t10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check) 10.0.0.0/8(ro,sync)'
got=$(changed_lines "$DATA/debian12.exports" "$SERVER/etc/exports")
[ "$got" = "$want" ] && ok "exports: the client added to the path's line, its other client, its other line and the rest kept" \
	|| not_ok "exports: the client added to the path's line" "$got"
[ -d "$SERVER/var/lib/nova/instances" ] && ok "the exported directory exists" || not_ok "the exported directory exists"
want=$'< \tuser_friendly_names yes\n> \tuser_friendly_names no'
got=$(changed_lines "$DATA/debian12.multipath.conf" "$SERVER/etc/multipath.conf")
[ "$got" = "$want" ] && ok "multipath.conf: one line changed, blacklist and devices kept" \
	|| not_ok "multipath.conf: one line changed" "$got"

# multipathd reads conf.d after multipath.conf; a device section wins over
# defaults, overrides over both, a multipath section over all: each in
# effect that names LUNs otherwise fails the item and names its file.
printf '[multipath]\nuser_friendly_names = no\n' > mp.ini
mkdir -p "$SERVER/etc/multipath/conf.d"
printf 'defaults {\n\tuser_friendly_names yes\n}\n' > "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_status "multipath: conf.d's defaults read later fail check" 4 "$st" "$out"
expect_grep "... naming the file" "multipath\.user_friendly_names +failed +/etc/multipath/conf\.d/vendor\.conf sets user_friendly_names yes in defaults, read after /etc/multipath\.conf: multipathd uses that, not 'no'" "$out"
printf 'overrides {\n\tuser_friendly_names "yes"\n}\n' > "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_grep "multipath: an overrides section" 'vendor\.conf sets user_friendly_names yes in overrides, which win over defaults and device sections for every LUN' "$out"
printf 'devices {\n\tdevice {\n\t\tvendor "DGC"\n\t\tuser_friendly_names yes\n\t}\n}\n' > "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_grep "multipath: a device section" "vendor\.conf sets user_friendly_names yes in a device section, which wins over defaults for that array's LUNs" "$out"
printf 'defaults {\n\tuser_friendly_names no\n}\n' > "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_status "multipath: conf.d saying the same: in the desired state" 0 "$st" "$out"
# a file name with a blank: a fact is "FILE REST", so it travels as %20,
# and is shown as it is
printf 'defaults {\n\tuser_friendly_names yes\n}\n' > "$SERVER/etc/multipath/conf.d/zz local.conf"
chk "$SERVER" mp.ini
expect_status "multipath: a file whose name holds a blank is read" 4 "$st" "$out"
expect_grep "... and named" "/etc/multipath/conf\.d/zz local\.conf sets user_friendly_names yes in defaults" "$out"
rm "$SERVER/etc/multipath/conf.d/zz local.conf"
# multipathd reads a line by its first word: what follows a section's
# keyword there it ignores; a brace alone on the next line it skips, and
# the section is read (found by a review: not seen)
printf 'devices { device { vendor "DGC#1" user_friendly_names yes } }\n' > "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_status "multipath: what follows a section's keyword on its line is not read" 0 "$st" "$out"
printf 'devices\n{\n\tdevice\n\t{\n\t\tvendor "DGC#1"\n\t\tuser_friendly_names yes\n\t}\n}\n' > "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_grep "multipath: a brace on the next line" "vendor\.conf sets user_friendly_names yes in a device section" "$out"
# overrides win over a device section: one that agrees leaves it moot;
# a multipath section wins over overrides
printf 'devices {\n\tdevice {\n\t\tvendor "DGC"\n\t\tuser_friendly_names yes\n\t}\n}\noverrides {\n\tuser_friendly_names no\n}\n' \
	> "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_status "multipath: overrides that agree win over a device section: in the desired state" 0 "$st" "$out"
printf 'multipaths {\n\tmultipath {\n\t\twwid 3600a0b80\n\t\tuser_friendly_names yes\n\t}\n}\n' \
	>> "$SERVER/etc/multipath/conf.d/vendor.conf"
chk "$SERVER" mp.ini
expect_status "multipath: ... a multipath section still fails check" 4 "$st" "$out"
expect_grep "... naming it" "vendor\.conf sets user_friendly_names yes in a multipath section, which wins over defaults and overrides for that LUN" "$out"
# multipath.conf may name another config_dir: that one is read, not conf.d
cp "$SERVER/etc/multipath.conf" "$WORK/multipath.conf.keep"
sed -i 's|^defaults {|defaults {\n\tconfig_dir "/etc/multipath.d" # the site'"'"'s|' "$SERVER/etc/multipath.conf"
mkdir -p "$SERVER/etc/multipath.d"
printf 'defaults {\n\tuser_friendly_names yes\n}\n' > "$SERVER/etc/multipath.d/site.conf"
chk "$SERVER" mp.ini
expect_status "multipath: the config_dir multipath.conf names is read" 4 "$st" "$out"
expect_grep "... naming its file" "/etc/multipath\.d/site\.conf sets user_friendly_names yes in defaults, read after" "$out"
expect_no_grep "... and not conf.d's" "conf\.d/vendor\.conf" "$out"
cp "$WORK/multipath.conf.keep" "$SERVER/etc/multipath.conf"
rm -r "$SERVER/etc/multipath" "$SERVER/etc/multipath.d"
# multipath.conf a link: still the file migready edits (named by the link),
# its defaults drift, never "read after" itself
cp "$SERVER/etc/multipath.conf" "$SERVER/etc/multipath.conf.keep"
mv "$SERVER/etc/multipath.conf" "$SERVER/etc/multipath.site.conf"
sed -i 's/user_friendly_names no/user_friendly_names yes/' "$SERVER/etc/multipath.site.conf"
ln -s multipath.site.conf "$SERVER/etc/multipath.conf"
chk "$SERVER" mp.ini
expect_status "multipath: through a link, defaults yes is drift" 2 "$st" "$out"
expect_no_grep "... not a file read after itself" 'read after' "$out"
rm "$SERVER/etc/multipath.conf" "$SERVER/etc/multipath.site.conf"
mv "$SERVER/etc/multipath.conf.keep" "$SERVER/etc/multipath.conf"

# No multipath.conf, and a RHEL-layout multipathd.service that runs only
# with one: multipath is off there, a new file would switch it on (every
# disk not blacklisted taken at the next boot): apply fails, writes
# nothing; Debian's unit, without that condition: the file is created
MPOFF=$WORK/mpoff
new_host "$MPOFF"
rm "$MPOFF/etc/multipath.conf"
mkdir -p "$MPOFF/usr/lib/systemd/system"
printf '[Unit]\nDescription=Device-Mapper Multipath Device Controller\nConditionPathExists=/etc/multipath.conf\n[Service]\nExecStart=/sbin/multipathd -d -s\n' \
	> "$MPOFF/usr/lib/systemd/system/multipathd.service"
out=$(mr apply --local --root "$MPOFF" -p mp.ini 2>&1); st=$?
expect_status "multipath: no file where the unit needs one: apply fails" 4 "$st" "$out"
expect_grep "... saying multipath is not configured, and how to enable it" 'ConditionPathExists=\): multipath is not configured on this host.*mpathconf --enable' "$out"
[ ! -e "$MPOFF/etc/multipath.conf" ] && ok "... and no multipath.conf written" || not_ok "... and no multipath.conf written"
printf '[Unit]\nDescription=Device-Mapper Multipath Device Controller\n[Service]\nExecStart=/sbin/multipathd -d -s\n' \
	> "$MPOFF/usr/lib/systemd/system/multipathd.service"
out=$(mr apply --local --root "$MPOFF" -p mp.ini 2>&1); st=$?
expect_status "multipath: no file, Debian's unit: apply creates it" 2 "$st" "$out"
[ "$(cat "$MPOFF/etc/multipath.conf" 2>&1)" = $'defaults {\nuser_friendly_names no\n}' ] && ok "... with its defaults" ||
	not_ok "... with its defaults" "$(cat "$MPOFF/etc/multipath.conf" 2>&1)"

CLIENT=$WORK/compute1
new_host "$CLIENT"
converge client "$CLIENT" "$DATA/profiles/client.ini"
expect_no_grep "client: nothing left unapplied" 'not applied' "$CHECK_OUT"
expect_grep "client: only what a tree cannot mount, and the kernel's sysctl values, are not checked" \
	'not checked \(2\): file\.sysctl_running \(/etc/sysctl\.d/90-migration\.conf: the running kernel.s values .*\) nfs\.mounted ' "$CHECK_OUT"
got=$(changed_lines "$DATA/debian12.fstab" "$CLIENT/etc/fstab")
[ "$got" = $'> nfs1:/\t/var/lib/nova/instances\tnfs4\trw,vers=4.2,_netdev\t0 0' ] \
	&& ok "fstab: one entry added, the rest kept" || not_ok "fstab: one entry added" "$got"
out=$(mr check -v --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1)
expect_grep "client: the entry in place is shown, not 'absent'" \
	"nfs\.mount +ok +'nfs1:/ /var/lib/nova/instances nfs4 rw,vers=4\.2,_netdev 0 0'" "$out"
[ "$(stat -c '%a %u:%g' "$CLIENT/var/lib/nova/instances")" = "755 64060:64060" ] \
	&& ok "instances directory 0755, the nova user's" \
	|| not_ok "instances directory 0755, the nova user's" "$(stat -c '%a %u:%g' "$CLIENT/var/lib/nova/instances" 2>&1)"
[ "$(cat "$CLIENT/etc/sysctl.d/90-migration.conf")" = $'# tuned\nnet.ipv4.tcp_keepalive_time = 600' ] \
	&& ok "[file]: set and rm" || not_ok "[file]: set and rm" "$(cat "$CLIENT/etc/sysctl.d/90-migration.conf")"

# What mounts the instances directory besides fstab: a mount unit of its
# name in /etc wins over fstab's line (masked, nothing mounts it); autofs
# maps are not examined, and said so.
u=$CLIENT/etc/systemd/system/var-lib-nova-instances.mount
mkdir -p "${u%/*}"
printf '[Mount]\nWhat=nfs2:/scratch\nWhere=/var/lib/nova/instances\nType=nfs4\n' > "$u"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_status "client: a mount unit of the instances directory fails check" 4 "$st" "$out"
expect_grep "... naming it" "nfs\.mount +failed +/etc/systemd/system/var-lib-nova-instances\.mount defines the mount of /var/lib/nova/instances: systemd mounts it with that unit, not with the line of /etc/fstab" "$out"
rm "$u"; ln -s /dev/null "$u"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1)
expect_grep "... masked: nothing mounts it" "nfs\.mount +failed +/etc/systemd/system/var-lib-nova-instances\.mount masks the mount" "$out"
rm "$u"
printf '/- /etc/auto.direct --timeout=60\n+auto.master\n' > "$CLIENT/etc/auto.master"
printf '/var/lib/nova/instances -fstype=nfs4 nfs1:/\n' > "$CLIENT/etc/auto.direct"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_status "client: an autofs direct map of it: its exit" 0 "$st" "$out"
expect_grep "... not examined, and said" 'not checked \(3\): file\.sysctl_running .* nfs\.autofs \(autofs: /etc/auto\.direct /var/lib/nova/instances\)' "$out"
rm "$CLIENT/etc/auto.master" "$CLIENT/etc/auto.direct"
# a '-' in the path is \x2d in the unit's name, as systemd-escape writes it
sed 's|/var/lib/nova/instances|/srv/nova-inst|' "$DATA/profiles/client.ini" > dash.ini
printf '[nova]\ninstances_path = /srv/nova-inst\n' >> dash.ini
u=$CLIENT/etc/systemd/system/$(systemd-escape --path /srv/nova-inst).mount
printf '[Mount]\nWhat=nfs2:/x\nWhere=/srv/nova-inst\n' > "$u"
out=$(mr check --local --root "$CLIENT" -p dash.ini 2>&1)
expect_grep "client: ... a path with a dash" 'nfs\.mount +failed +/etc/systemd/system/srv-nova\\x2dinst\.mount defines the mount of /srv/nova-inst' "$out"
rm "$u"
# the instances path through a link (an absolute one, inside the tree):
# systemd names the unit of fstab's line by the path it leads to
sed 's|/var/lib/nova/instances|/srv/link/instances|' "$DATA/profiles/client.ini" > linked.ini
printf '[nova]\ninstances_path = /srv/link/instances\n' >> linked.ini
mkdir -p "$CLIENT/srv/real/instances"; ln -s /srv/real "$CLIENT/srv/link"
u=$CLIENT/etc/systemd/system/srv-real-instances.mount
printf '[Mount]\nWhat=nfs2:/x\nWhere=/srv/real/instances\n' > "$u"
out=$(mr check --local --root "$CLIENT" -p linked.ini 2>&1)
expect_grep "client: ... the unit of the path a link leads to, inside the tree" 'nfs\.mount +failed +/etc/systemd/system/srv-real-instances\.mount defines the mount of /srv/link/instances' "$out"
rm -r "$u" "$CLIENT/srv/link" "$CLIENT/srv/real"
# a drop-in of the mount unit systemd makes of fstab's line: what it sets
# (What=, Options=) is not read, and said (found by a review: green)
dd=$CLIENT/lib/systemd/system/var-lib-nova-instances.mount.d
mkdir -p "$dd"
printf '[Mount]\nWhat=nfs2:/scratch\nOptions=ro\n' > "$dd/site.conf"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_grep "client: a drop-in of the mount unit is said not checked" \
	'nfs\.mount_dropin \(/lib/systemd/system/var-lib-nova-instances\.mount\.d/site\.conf: a drop-in of the mount unit, not read\)' "$out"
rm -r "$dd"

# Where nova keeps its instances, when the profile leaves it to the host:
# nova.conf's instances_path ($state_path substituted) must be where the
# share is mounted.
nc=$CLIENT/etc/nova/nova.conf
mkdir -p "${nc%/*}"; [ ! -e "$nc" ] || cp "$nc" "$WORK/nova.conf.keep"
printf '[DEFAULT]\nstate_path = /srv/nova\ninstances_path = $state_path/instances\n' > "$nc"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_status "client: nova keeps its instances elsewhere: check fails" 4 "$st" "$out"
expect_grep "... naming where, and why" "nfs\.mount +failed +nova-compute keeps its instances in /srv/nova/instances \(/etc/nova/nova\.conf:3 sets \[DEFAULT\] instances_path = '\\\$state_path/instances'\), not in /var/lib/nova/instances where the share is mounted" "$out"
printf '[DEFAULT]\nstate_path = /var/lib/nova\n' > "$nc"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_status "client: ... its default, where the share is: in the desired state" 0 "$st" "$out"
# ... spelt with a trailing slash: the same directory (found by a review)
printf '[DEFAULT]\nstate_path = /var/lib/nova/\n' > "$nc"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_status "client: state_path with a trailing slash: in the desired state" 0 "$st" "$out"
# the share mounted where nova.conf keeps the instances, the profile
# silent: its options judged as the instances directory's (found by a
# review: green, ro and noauto unseen), what is mounted there not checked
printf '[DEFAULT]\ninstances_path = /srv/nova/instances\n' > "$nc"
printf '[nfs]\nrole = client\nmount = nfs1:/ /srv/nova/instances nfs4 ro,noauto 0 0\n' > novapath.ini
out=$(mr check --local --root "$CLIENT" -p novapath.ini 2>&1); st=$?
expect_status "client: the share at nova.conf's instances_path: check fails (and drifts)" 6 "$st" "$out"
expect_grep "... its ro refused" "nfs\.mount +failed +'ro' mounts /srv/nova/instances read-only" "$out"
expect_grep "... its noauto refused" "nfs\.mount +failed +'noauto' leaves /srv/nova/instances unmounted" "$out"
expect_grep "... whether it is mounted, not checked, and how to have it" \
	"nfs\.mounted \(novapath\.ini:3: whether /srv/nova/instances, nova\.conf's instances_path, is mounted \(set \[nova\] instances_path = /srv/nova/instances" "$out"
# the share mounted where nova keeps nothing
printf '[DEFAULT]\nstate_path = /var/lib/nova\n' > "$nc"
printf '[nfs]\nrole = client\nmount = nfs1:/ /mnt/share nfs4 rw 0 0\n' > elsewhere.ini
out=$(mr check --local --root "$CLIENT" -p elsewhere.ini 2>&1); st=$?
expect_status "client: the share mounted where nova keeps nothing: check fails (and drifts)" 6 "$st" "$out"
expect_grep "... saying where nova keeps them" "nfs\.mount +failed +no mount line mounts the share at /var/lib/nova/instances, where nova-compute keeps its instances" "$out"
# ... but a share mounted above the instances directory holds them (found
# by a review: failed), its options judged as theirs
printf '[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova nfs4 ro,_netdev 0 0\n' > above.ini
out=$(mr check --local --root "$CLIENT" -p above.ini 2>&1); st=$?
expect_no_grep "client: the share mounted above the instances directory holds them" "no mount line mounts" "$out"
expect_grep "... its ro refused" "nfs\.mount +failed +'ro' mounts /var/lib/nova read-only" "$out"
# ... above the default instances directory where nova.conf names another:
# nova's are not on it (found by a review: green)
printf '[DEFAULT]\ninstances_path = /srv/instances\n' > "$nc"
printf '[nfs]\nrole = client\nmount = nfs1:/ /var/lib/nova nfs4 rw,_netdev 0 0\n' > above.ini
out=$(mr check --local --root "$CLIENT" -p above.ini 2>&1); st=$?
expect_grep "client: a share above the default, nova's elsewhere: fails" \
	"nfs\.mount +failed +no mount line mounts the share at /srv/instances, where nova-compute keeps its instances" "$out"
printf '[DEFAULT]\nstate_path = /var/lib/nova\n' > "$nc"
# ${NAME} as oslo.config substitutes it, from the option's own section
printf '[DEFAULT]\nstate_path = /var/lib/nova\ninstances_path = ${state_path}/instances\n' > "$nc"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_status "client: \${state_path} substituted, where the share is" 0 "$st" "$out"
# ... and where the profile sets instances_path, nova.conf's
# $state_path/instances that resolves to it is in the desired state
{ cat "$DATA/profiles/client.ini"; printf '[nova]\ninstances_path = /var/lib/nova/instances\n'; } > inst.ini
out=$(mr check --local --root "$CLIENT" -p inst.ini 2>&1); st=$?
expect_status "client: the profile's instances_path, spelt \${state_path}/instances in nova.conf" 0 "$st" "$out"
# no state_path: nova's default is \$pybasedir, its Python package's
# directory, on the local disk (found by a review)
printf '[DEFAULT]\n' > "$nc"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_status "client: no state_path: check fails" 4 "$st" "$out"
expect_grep "... the instances are in nova's package directory" "nfs\.mount +failed +nova-compute keeps its instances in \\\$pybasedir/instances \(state_path is not set: nova's default is \\\$pybasedir" "$out"
# a name the probe does not know: not checked, never green
printf '[DEFAULT]\ninstances_path = $site_root/instances\n' > "$nc"
out=$(mr check --local --root "$CLIENT" -p "$DATA/profiles/client.ini" 2>&1); st=$?
expect_grep "client: an unknown \$NAME: not checked" "nfs\.nova_instances .*instances_path = '\\\$site_root/instances', whose \\\$site_root is not known here" "$out"
if [ -e "$WORK/nova.conf.keep" ]; then cp "$WORK/nova.conf.keep" "$nc"; else rm "$nc"; fi

# Refusals: a lens that does not exist and a path out of the file's tree
# are lint errors (exit 1), and nothing is written.
printf '[file /etc/x.conf]\nlens = Sysctrl\nrm = a/../../../augeas\n' > bad.ini
out=$(mr lint -p bad.ini 2>&1); st=$?
expect_status "lint of a bad [file]" 1 "$st" "$out"
expect_grep "lint suggests the lens" "bad.ini:2: lens: no Augeas lens 'Sysctrl'; did you mean 'Sysctl'\\?" "$out"
expect_grep "lint refuses the path" "bad.ini:3: rm: expected an Augeas path inside the file" "$out"
# An exports file the lens cannot read: exit 4, nothing written.
BROKEN=$WORK/broken
new_host "$BROKEN"
printf '/srv \\\n  host(rw\n' > "$BROKEN/etc/exports"
before=$(tree_sum "$BROKEN")
out=$(mr apply --local --root "$BROKEN" -p "$DATA/profiles/server.ini" 2>&1); st=$?
expect_status "apply on an unreadable exports" 4 "$st" "$out"
expect_grep "the file is named" '/etc/exports' "$out"
expect_tree "nothing written on that host" "$BROKEN" "$before"

# The consumers.
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null || ! command -v exportfs >/dev/null ||
	! command -v multipath >/dev/null || [ ! -e /etc/exports ]; then
	summary
	echo "# exportfs and multipath -t need root, unshare -m, nfs-kernel-server and multipath-tools (scripts/deps.sh test)"
	[ -n "${CI:-}" ] && exit 1
	[ "$failed" = 0 ] || exit 1
	exit 77
fi
findmnt --verify --tab-file "$CLIENT/etc/fstab" > findmnt.out 2>&1
expect_grep "findmnt parses the fstab" '^0 parse errors' "$(cat findmnt.out)"
got=$(findmnt --tab-file "$CLIENT/etc/fstab" -n -o SOURCE,FSTYPE,OPTIONS /var/lib/nova/instances)
[ "$got" = "nfs1:/ nfs4   rw,vers=4.2,_netdev" ] && ok "findmnt reads the entry back" || not_ok "findmnt reads the entry back" "$got"

# exportfs reads the written file as nfsd would: /var/lib is a tmpfs of
# this namespace only, holding the exported directories (the other export
# moved there: exportfs wants each to exist) and nfs's state.
sed 's|^/orionsbelt/cinder |/var/lib/cinder |' "$SERVER/etc/exports" > exports
out=$(unshare -m sh -c 'mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances /var/lib/cinder &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra && cat /var/lib/nfs/etab' sh "$WORK/exports" 2>&1); st=$?
expect_status "exportfs -ra on the written exports" 0 "$st" "$out"
expect_grep "exportfs exports the instances directory" $'^/var/lib/nova/instances\t10.20.0.0/24\\(rw,sync,.*fsid=0' "$out"
expect_grep "exportfs exports the other one" $'^/var/lib/cinder\t192.168.178.0/24\\(rw,sync' "$out"
# (of the admin's own lines it may: they lack subtree_check)
expect_no_grep "exportfs has nothing to say of the export written" 'exportfs:.*"10\.20\.0\.0/24:' "$out"
expect_grep "exportfs exports the path's other clients still" $'^/var/lib/nova/instances\t10.9.9.9\\(rw' "$out"
# mountd gives a peer the options of the first of the path's exports
# whose client holds it, in etab's order, which exportfs -v lists: hosts
# (an address alone is one) first, then networks in file order: the
# profile's network before 10.0.0.0/8
got=$(printf '%s\n' "$out" | sed -n 's|^/var/lib/nova/instances\t\([0-9./]*\)(.*|\1|p' | tr '\n' ' ')
[ "$got" = "10.9.9.9 10.20.0.0/24 10.0.0.0/8 " ] && ok "etab: the profile's network first, the wider one after" ||
	not_ok "etab: the profile's network first" "$got"
out=$(unshare -m sh -c 'mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances /var/lib/cinder &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra 2>/dev/null && exportfs -v' sh "$WORK/exports" 2>&1)
# (a long path on a line of its own, its clients on the next ones)
got=$(printf '%s\n' "$out" | awk '/^\// { path = $1 } path == "/var/lib/nova/instances" && match($0, /[0-9][0-9.\/]*\(/) {
	mode = ($0 ~ /[(,]rw[,)]/) ? "rw" : "ro"; printf "%s %s ", substr($0, RSTART, RLENGTH - 1), mode }')
[ "$got" = "10.9.9.9 rw 10.20.0.0/24 rw 10.0.0.0/8 ro " ] && ok "exportfs -v: the profile's network rw, first; 10.0.0.0/8 ro after" ||
	not_ok "exportfs -v: the profile's network first" "$got $out"
# Live, the probe reads what the kernel serves from exportfs -v: an
# export the file has right but that is served with root_squash (exportfs
# -ra not run since the file changed) is drift, naming the option, and
# exportfs -ra settles it.
# No systemd runs here: the lab's stand-in systemctl answers for the
# server's unit (active), under a /run of the namespace's own.
printf '[nfs]\nrole = server\nexport = %s\n' \
	'/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check)' > live.ini
sed 's|no_root_squash|root_squash|' exports > exports.squash
mkdir -p sysd/bin sysd/units && cp "$SRC/tests/lab/systemctl" sysd/bin/systemctl && chmod 755 sysd/bin/systemctl
echo 'enabled active' > sysd/units/nfs-server.service
out=$(PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
	mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances /var/lib/cinder &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra && umount /etc/exports &&
	mount --bind "$2" /etc/exports && "$3" facts --local -p live.ini && "$3" --color never check --local -p live.ini
	echo "check: $?"; exportfs -ra && "$3" --color never check --local -p live.ini; echo "check again: $?"' \
	sh "$WORK/exports.squash" "$WORK/exports" "$MIGREADY" 2>&1)
expect_grep "live facts: the options served, from exportfs -v" \
	'nfs\.active_opts +/var/lib/nova/instances 10\.20\.0\.0/24 .*,root_squash' "$out"
expect_no_grep "live check: the file is right" "nfs\.export " "$out"
expect_grep "live check: ... yet the host drifted" "^check: 2" "$out"
expect_grep "live check: served with root_squash is drift, naming it" \
	"nfs\.active +drift +'served otherwise: /var/lib/nova/instances 10\.20\.0\.0/24 root_squash, not no_root_squash' -> 'active'" "$out"
expect_grep "live check: exportfs -ra settles it" "^check again: 0" "$out"
# exportfs -v leaves secure and insecure out (nfs-utils 2.6): the options
# served are read from etab, so an export served insecure while the file
# and the profile say secure is drift (found by a review: green before)
printf '[nfs]\nrole = server\nexport = %s\n' \
	'/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check,secure)' > secure.ini
sed 's|no_root_squash,no_subtree_check)|no_root_squash,no_subtree_check,secure)|' exports > exports.secure
sed 's|,secure)|,insecure)|' exports.secure > exports.insecure
out=$(PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
	mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances /var/lib/cinder &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra && umount /etc/exports &&
	mount --bind "$2" /etc/exports && exportfs -v && "$3" --color never check --local -p secure.ini
	echo "check: $?"; exportfs -ra && "$3" --color never check --local -p secure.ini; echo "check again: $?"' \
	sh "$WORK/exports.insecure" "$WORK/exports.secure" "$MIGREADY" 2>&1)
expect_no_grep "etab: exportfs -v does not show insecure" '10\.20\.0\.0/24\(.*insecure' "$(printf '%s\n' "$out" | grep -v migready | grep '^/var')"
expect_grep "live check: served insecure is drift, from etab" \
	"nfs\.active +drift +'served otherwise: /var/lib/nova/instances 10\.20\.0\.0/24 insecure, not secure' -> 'active'" "$out"
expect_grep "live check: ... exportfs -ra settles it" "^check again: 0" "$out"

# An entry continued with a backslash, a client with a netmask (exports(5)
# takes both; the stock lens refused the first, the profile's check the
# second): the client's options rewritten where it stands, the rest kept;
# exportfs reads the result, and live, its client, shown with the netmask,
# is the export's; a network beside it is not served.
CONT=$WORK/cont
new_host "$CONT"
cp "$SERVER/lib/systemd/system/nfs-server.service" "$CONT/lib/systemd/system/"
printf '/var/lib/nova/instances \\\n    10.9.9.9(rw,no_subtree_check) \\\n    10.20.0.0/255.255.255.0(ro,no_subtree_check)\n' \
	> cont.exports
cp cont.exports "$CONT/etc/exports"
printf '[nfs]\nrole = server\nexport = %s\n' \
	'/var/lib/nova/instances 10.20.0.0/255.255.255.0(rw,sync,no_root_squash,no_subtree_check)' > mask.ini
converge continued "$CONT" mask.ini
want=$'<     10.20.0.0/255.255.255.0(ro,no_subtree_check)\n>     10.20.0.0/255.255.255.0(rw,sync,no_root_squash,no_subtree_check)'
got=$(changed_lines cont.exports "$CONT/etc/exports")
[ "$got" = "$want" ] && ok "continued exports: the client's line rewritten, the others kept" \
	|| not_ok "continued exports: the client's line rewritten" "$got"
printf '[nfs]\nrole = server\nexport = %s\n' \
	'/var/lib/nova/instances 10.20.1.0/255.255.255.0(rw,sync,no_root_squash,no_subtree_check)' > beside.ini
out=$(PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
	mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra &&
	echo "exportfs: $?" && cat /var/lib/nfs/etab && "$2" --color never check --local -p mask.ini
	echo "check: $?"; "$2" --color never check --local -p beside.ini; echo "check beside: $?"' \
	sh "$CONT/etc/exports" "$MIGREADY" 2>&1)
expect_grep "exportfs reads the continued entry" "^exportfs: 0" "$out"
expect_grep "exportfs exports to the netmask client" \
	$'^/var/lib/nova/instances\t10.20.0.0/255.255.255.0\\(rw,sync,.*no_root_squash' "$out"
expect_grep "live check: the netmask client served is the export's" "^check: 0" "$out"
expect_grep "live check: a network beside it is not served" \
	"nfs\.active +drift +'not active: /var/lib/nova/instances 10\.20\.1\.0/255\.255\.255\.0'" "$out"
expect_grep "live check: ... and the host drifted" "^check beside: 2" "$out"

# A line's default options ("-opts", exports(5)), anywhere on it, as
# exportfs reads them: the profile's client after a default ro goes
# before them with its own options; the other client keeps the defaults,
# and the "-" word ending the line still exports the path to every host,
# with every default of the line.
DFLT=$WORK/dflt
new_host "$DFLT"
cp "$SERVER/lib/systemd/system/nfs-server.service" "$DFLT/lib/systemd/system/"
printf '%s\n' '/var/lib/nova/instances 10.9.9.9(rw,no_subtree_check) -ro,async,no_subtree_check 10.20.0.0/24(no_root_squash) 10.30.0.0/24 -sync' \
	> dflt.exports
cp dflt.exports "$DFLT/etc/exports"
converge defaults "$DFLT" live.ini
got=$(cat "$DFLT/etc/exports")
[ "$got" = '/var/lib/nova/instances 10.9.9.9(rw,no_subtree_check) 10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check) -ro,async,no_subtree_check 10.30.0.0/24 -sync' ] &&
	ok "defaults: the profile's client before them with its own options, the line kept" ||
	not_ok "defaults: the profile's client given its own options" "$got"
out=$(live_exportfs "$DFLT/etc/exports" live.ini)
expect_grep "defaults: exportfs reads the line" "^exportfs: 0" "$out"
# (exportfs -v puts a long path on a line of its own)
expect_grep "defaults: exportfs serves the profile's client rw, sync" \
	$'^[ \t]+10\\.20\\.0\\.0/24\\(sync,.*,rw,no_root_squash,' "$out"
expect_grep "defaults: ... the other one the defaults" $'^[ \t]+10\\.30\\.0\\.0/24\\(async,.*,ro,' "$out"
expect_grep "defaults: ... every host, after the last \"-\" word, all of them" \
	$'^[ \t]+<world>\\(sync,.*,ro,' "$out"
expect_grep "defaults: live check: what is served is the export's" "^check: 0" "$out"
# A default the profile does not name (all_squash, anonuid=0), which the
# client's own options do not undo, is drift, not green (found by a
# review: exportfs served the client squashed to root); apply puts the
# client before it, and the "-" word, left last, goes.
printf '%s\n' '/var/lib/nova/instances -all_squash,insecure,anonuid=0,no_root_squash 10.20.0.0/24(rw,sync,fsid=0,no_subtree_check)' \
	> "$DFLT/etc/exports"
out=$(live_exportfs "$DFLT/etc/exports" live.ini)
expect_grep "squashing defaults: exportfs serves the client all_squash" \
	$'^[ \t]+10\\.20\\.0\\.0/24\\(.*anonuid=0,.*,all_squash\\)' "$out"
expect_grep "... and the live check says drift" "^check: 2" "$out"
# (the client before them, the word left last gone)
exports_converge "squashing defaults" "$DFLT" live.ini "$(cat "$DFLT/etc/exports")" \
	'/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check)'
out=$(live_exportfs "$DFLT/etc/exports" live.ini)
expect_grep "squashing defaults: exportfs serves the client the profile's options" \
	$'^[ \t]+10\\.20\\.0\\.0/24\\(sync,.*,rw,.*no_root_squash,no_all_squash\\)' "$out"
expect_no_grep "... not anonuid=0" 'anonuid=0' "$out"
expect_no_grep "... and no other host" '<world>' "$out"
expect_grep "... live check in the desired state" "^check: 0" "$out"
# Clients going before the first "-" word leave every other host as it
# was (found by a review: the world gained a "-" word's options, or lost
# the line's last): 10.30.0.0/24 keeps ro and async, no world is made;
# a line ending with one keeps the world's export, with all of them.
# (the client first, the defaults one word before the other)
exports_converge "world kept" "$DFLT" live.ini \
	'/var/lib/nova/instances 10.0.0.0/8(ro) -ro 10.20.0.0/24 -async 10.30.0.0/24' \
	'/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check) 10.0.0.0/8(ro) -ro,async 10.30.0.0/24'
out=$(live_exportfs "$DFLT/etc/exports" live.ini)
expect_grep "world kept: exportfs serves the other client its defaults" $'^[ \t]+10\\.30\\.0\\.0/24\\(async,.*,ro,' "$out"
expect_no_grep "... and no other host" '<world>' "$out"
expect_grep "... live check in the desired state" "^check: 0" "$out"
# (the defaults one word ending it)
exports_converge "world kept, ending the line" "$DFLT" live.ini \
	'/var/lib/nova/instances 10.0.0.0/8(ro) -ro 10.20.0.0/24 -async' \
	'/var/lib/nova/instances 10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check) 10.0.0.0/8(ro) -ro,async'
out=$(live_exportfs "$DFLT/etc/exports" live.ini)
expect_grep "world kept, ending the line: exportfs serves every host both defaults" \
	$'^[ \t]+<world>\\(async,.*,ro,' "$out"
expect_grep "... live check in the desired state" "^check: 0" "$out"

# The profile's network spelt with a prefix, the file's with a netmask
# (and an older run's line holding both): one client to exportfs, so its
# options are rewritten where it stands, spelt as it is, not a second
# spelling added (whose options mountd would not serve: it takes the
# first). exportfs -v then serves the profile's options only.
NET=$WORK/net
new_host "$NET"
cp "$SERVER/lib/systemd/system/nfs-server.service" "$NET/lib/systemd/system/"
old='10.20.0.0/255.255.255.0(rw,root_squash,no_subtree_check)'
new='10.20.0.0/255.255.255.0(rw,sync,fsid=0,no_root_squash,no_subtree_check)'
ours='10.20.0.0/24(rw,sync,fsid=0,no_root_squash,no_subtree_check)'
for pair in "$old|$new" "$old $ours|$new $ours"; do
	printf '/var/lib/nova/instances %s\n' "${pair%|*}" > "$NET/etc/exports"
	converge "network spelt otherwise" "$NET" live.ini
	got=$(cat "$NET/etc/exports")
	[ "$got" = "/var/lib/nova/instances ${pair#*|}" ] &&
		ok "network spelt otherwise: the file's client rewritten, spelt as it is" ||
		not_ok "network spelt otherwise: the file's client rewritten" "$got"
	out=$(PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
		mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances &&
		touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra &&
		echo "exportfs: $?" && exportfs -v && "$2" --color never check --local -p live.ini
		echo "check: $?"' sh "$NET/etc/exports" "$MIGREADY" 2>&1)
	expect_grep "network spelt otherwise: exportfs reads it" "^exportfs: 0" "$out"
	# (exportfs -v puts a long path on a line of its own)
	expect_grep "... and serves the netmask client no_root_squash" \
		$'^(/var/lib/nova/instances)?[ \t]+10\\.20\\.0\\.0/255\\.255\\.255\\.0\\(.*,no_root_squash' "$out"
	expect_no_grep "... with no root_squash left for that network" '[(,]root_squash' "$out"
	expect_grep "network spelt otherwise: live check in the desired state" "^check: 0" "$out"
done

# The network with host bits set: rpc.mountd masks a peer with the
# prefix, so 10.20.0.5/24 is 10.20.0.0/24, edited where it stands; live,
# exportfs -v shows it as written and the check holds.
printf '/var/lib/nova/instances 10.20.0.5/24(rw,root_squash,no_subtree_check)\n' > "$NET/etc/exports"
converge "host bits" "$NET" live.ini
got=$(cat "$NET/etc/exports")
[ "$got" = "/var/lib/nova/instances 10.20.0.5/24(rw,sync,fsid=0,no_root_squash,no_subtree_check)" ] &&
	ok "host bits: the file's client rewritten, spelt as it is" ||
	not_ok "host bits: the file's client rewritten" "$got"
out=$(PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
	mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra &&
	echo "exportfs: $?" && exportfs -v && "$2" --color never check --local -p live.ini
	echo "check: $?"' sh "$NET/etc/exports" "$MIGREADY" 2>&1)
expect_grep "host bits: exportfs reads it" "^exportfs: 0" "$out"
expect_grep "... and serves it no_root_squash" \
	$'^(/var/lib/nova/instances)?[ \t]+10\\.20\\.0\\.5/24\\(.*,no_root_squash' "$out"
expect_grep "host bits: live check in the desired state" "^check: 0" "$out"

# A wider network before the profile's on its line (the false green: the
# file said in state, exportfs -v served both, and mountd gives the peers
# the wider one's options, read-only): live, check is drift, naming the
# line; apply puts the profile's first and the live check holds. A
# narrower one before it would lose its peers: refused, nothing written.
printf '/var/lib/nova/instances 10.0.0.0/8(ro,sync,no_subtree_check) %s\n' "$ours" > "$NET/etc/exports"
live_check() {
	PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
		mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances &&
		touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra &&
		echo "exportfs: $?" && exportfs -v && "$2" --color never check --local -p live.ini
		echo "check: $?"' sh "$NET/etc/exports" "$MIGREADY" 2>&1
}
out=$(live_check)
expect_grep "wider network first: exportfs reads it" "^exportfs: 0" "$out"
expect_grep "wider network first: live check is drift" "^check: 2" "$out"
expect_grep "... naming the line and the network that wins" \
	'nfs\.export +drift .*line 1: 10\.0\.0\.0/8\(ro,sync,no_subtree_check\) stands before 10\.20\.0\.0/24' "$out"
cp "$NET/etc/exports" wider.exports
converge "wider network first" "$NET" live.ini
got=$(cat "$NET/etc/exports")
[ "$got" = "/var/lib/nova/instances $ours 10.0.0.0/8(ro,sync,no_subtree_check)" ] &&
	ok "wider network first: the profile's put before it, the wider one kept" ||
	not_ok "wider network first: the profile's put before it" "$got"
out=$(live_check)
expect_grep "wider network after: live check in the desired state" "^check: 0" "$out"
# the file right, but the kernel serving what exportfs -ra made of the old
# one (the wider network first, in exportfs -v): drift, which exportfs -ra
# settles
out=$(PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
	mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra && umount /etc/exports &&
	mount --bind "$2" /etc/exports && "$3" --color never check --local -p live.ini
	echo "check: $?"' sh "$WORK/wider.exports" "$NET/etc/exports" "$MIGREADY" 2>&1)
expect_grep "stale etab: live check is drift" "^check: 2" "$out"
expect_grep "... saying the wider network is served first" \
	'nfs\.active +drift +.served otherwise: /var/lib/nova/instances 10\.20\.0\.0/24 after 10\.0\.0\.0/8, which mountd takes first' "$out"
narrow='/var/lib/nova/instances 10.20.0.128/25(ro,sync,no_subtree_check) '"$ours"
printf '%s\n' "$narrow" > "$NET/etc/exports"
out=$(mr apply --local --root "$NET" -p live.ini 2>&1); st=$?
expect_status "narrower network first: apply refused" 4 "$st" "$out"
expect_grep "... naming the file, the line and the network" \
	'/etc/exports:1: 10\.20\.0\.128/25\(ro,sync,no_subtree_check\) stands before 10\.20\.0\.0/24' "$out"
[ "$(cat "$NET/etc/exports")" = "$narrow" ] && ok "narrower network first: nothing written" ||
	not_ok "narrower network first: nothing written" "$(cat "$NET/etc/exports")"

# A comment after an entry and options with no client (the world's to
# exportfs, which warns): lines exportfs reads, which the lens refused
# (the concern failed). The export's client is edited, the comment stays
# after the entry, and exportfs reads the result; live, the path served
# also to the world (exportfs -v's <world>, "*") is said.
printf '/var/lib/nova/instances (ro,no_subtree_check) 10.20.0.0/24(ro,no_subtree_check)\t# nova, RT#7\n' \
	> "$NET/etc/exports"
converge "comment and world" "$NET" live.ini
got=$(cat "$NET/etc/exports")
[ "$got" = "/var/lib/nova/instances (ro,no_subtree_check) $ours"$'\t# nova, RT#7' ] &&
	ok "comment and world: the client rewritten, the comment and the world's options kept" ||
	not_ok "comment and world: the client rewritten" "$got"
out=$(PATH=$WORK/sysd/bin:$PATH unshare -m sh -c 'mount -t tmpfs mr /run && mkdir -p /run/systemd/system &&
	mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra &&
	echo "exportfs: $?" && exportfs -v && "$2" --color never check --local -p live.ini
	echo "check: $?"' sh "$NET/etc/exports" "$MIGREADY" 2>&1)
expect_grep "comment and world: exportfs reads it" "^exportfs: 0" "$out"
expect_grep "... serves the client no_root_squash" \
	$'^(/var/lib/nova/instances)?[ \t]+10\\.20\\.0\\.0/24\\(.*,no_root_squash' "$out"
expect_grep "... and the world" $'^(/var/lib/nova/instances)?[ \t]+<world>\\(.*,ro,' "$out"
# mountd tries the world after every network: it takes none of the peers
expect_no_grep "comment and world: the world beside the network is not left not checked" \
	'nfs\.other_client' "$out"
expect_grep "comment and world: live check passes" "^check: 0" "$out"

# Blanks before the path, and a path with no client (exported to every
# host with default options by exportfs, which warns): the lens refused
# them. The client joins after an explicit '*', so exportfs still serves
# the world read-only beside it.
printf '  /var/lib/cinder 10.9.0.0/16(ro)\n\t/var/lib/nova/instances   # nova, RT#8\n' > "$NET/etc/exports"
converge "bare path" "$NET" live.ini
got=$(cat "$NET/etc/exports")
[ "$got" = "  /var/lib/cinder 10.9.0.0/16(ro)"$'\n\t'"/var/lib/nova/instances * $ours   # nova, RT#8" ] &&
	ok "bare path: the client added after '*', the blanks and the comment kept" ||
	not_ok "bare path: the client added after '*'" "$got"
out=$(unshare -m sh -c 'mount -t tmpfs mr /var/lib && mkdir -p /var/lib/nfs /var/lib/nova/instances /var/lib/cinder &&
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab && mount --bind "$1" /etc/exports && exportfs -ra &&
	echo "exportfs: $?" && exportfs -v' sh "$NET/etc/exports" 2>&1)
expect_grep "bare path: exportfs reads it" "^exportfs: 0" "$out"
expect_grep "... serves the client" $'^(/var/lib/nova/instances)?[ \t]+10\\.20\\.0\\.0/24\\(.*,rw,' "$out"
expect_grep "... and the world still, read-only" $'^(/var/lib/nova/instances)?[ \t]+<world>\\(.*,ro,' "$out"

# The path alone on a later line is the world's too: exportfs -ra says
# "No options for PATH : suggest (sync)" and writes it to etab, where
# exportfs -v and mountd read it back as "*" and keep the first line's
# options for the world (bare first, it is the profile's "*(rw,...)" that
# is dropped, silently: live check says so). With the profile's client
# "*", the later line goes, and the world is served the profile's options
# with nothing said. Beside a network's, the world's line stays: a peer of
# the network gets the network's options before the world's (exports(5)).
world='/var/lib/nova/instances *(rw,sync,no_root_squash,no_subtree_check)'
printf '[nfs]\nrole = server\nexport = %s\n' "$world" > world.ini
printf '/var/lib/nova/instances\n%s\n' "$world" > bare-first.exports
out=$(live_exportfs "$WORK/bare-first.exports" world.ini)
expect_grep "bare line first: exportfs serves the world its defaults" $'^(/var/lib/nova/instances)?[ \t]+<world>\\(.*,ro,root_squash' "$out"
expect_grep "... and live check says so" \
	"nfs\.active +drift +'served otherwise: /var/lib/nova/instances \* ro, not rw, /var/lib/nova/instances \* root_squash, not no_root_squash'" "$out"
expect_grep "... drift" "^check: 2" "$out"
printf '%s\n/var/lib/nova/instances\t# old\n' "$world" > "$NET/etc/exports"
converge "later bare line" "$NET" world.ini
got=$(cat "$NET/etc/exports")
[ "$got" = "$world" ] && ok "later bare line: it goes, the world's line is the profile's" ||
	not_ok "later bare line: it goes" "$got"
out=$(live_exportfs "$NET/etc/exports" world.ini)
expect_grep "later bare line gone: exportfs reads it" "^exportfs: 0" "$out"
expect_no_grep "... with no line without options or client" 'No options for|No host name given' "$out"
expect_grep "... serves the world the profile's options" \
	$'^(/var/lib/nova/instances)?[ \t]+<world>\\(.*,rw,no_root_squash' "$out"
expect_grep "... live check in the desired state" "^check: 0" "$out"
printf '/var/lib/nova/instances %s\n/var/lib/nova/instances\n' "$ours" > "$NET/etc/exports"
out=$(mr apply --local --root "$NET" -p live.ini 2>&1); st=$?
expect_status "network and a later bare line: apply changes nothing" 0 "$st" "$out"
got=$(cat "$NET/etc/exports")
[ "$got" = "/var/lib/nova/instances $ours"$'\n'"/var/lib/nova/instances" ] &&
	ok "network and a later bare line: the world's line kept" ||
	not_ok "network and a later bare line: the world's line kept" "$got"
out=$(live_exportfs "$NET/etc/exports" live.ini)
expect_grep "... exportfs serves the network its options" \
	$'^(/var/lib/nova/instances)?[ \t]+10\\.20\\.0\\.0/24\\(.*,rw,no_root_squash' "$out"
expect_grep "... and the world its defaults" $'^(/var/lib/nova/instances)?[ \t]+<world>\\(.*,ro,root_squash' "$out"
expect_grep "... live check in the desired state" "^check: 0" "$out"

# Live, the instances share as the kernel shows it: no NFS server here, so
# in a mount namespace a tmpfs "nfs1:/" is mounted at /var/lib/real/instances
# (/var/lib/link a link to real), SETUP runs, and the share's mountinfo line
# is given TYPE SOURCE SUPER-OPTIONS, read from a tmpfs /proc (its device
# numbers the mount's own); then migready ARGS.
cat > fakenfs.sh <<'EOF'
set -e
mount -t tmpfs mr /var/lib
mkdir -p /var/lib/real/instances
ln -s real /var/lib/link
mount -t tmpfs nfs1:/ /var/lib/real/instances
eval "$1"
awk -v t="$2" '$5 == "/var/lib/real/instances" { sub(/ - tmpfs nfs1:\/ .*/, " - " t) } { print }' \
	/proc/self/mountinfo > /var/lib/mountinfo
mount -t tmpfs p /proc
mkdir /proc/self
cp /var/lib/mountinfo /proc/self/mountinfo
shift 2
set +e
"$@"
echo "status: $?"
EOF
fake_nfs() { unshare -m sh "$WORK/fakenfs.sh" "$@" 2>&1; }
V42='nfs4 nfs1:/ rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.20.0.11,local_lock=none,addr=10.20.0.5'
printf '[nova]\ninstances_path = /var/lib/link/instances\n[nfs]\nrole = client\nmount = nfs1:/ /var/lib/link/instances nfs4 rw,hard,vers=4.2,_netdev 0 0\n' > link.ini
# the instances path through a link (found by a review: its mount was
# looked for at the link's name: "not mounted", or "holds files")
out=$(fake_nfs 'touch /var/lib/real/instances/disk' "$V42" "$MIGREADY" facts --local -p link.ini)
expect_grep "live facts: the instances path's links resolved" 'mount\.instances_real +/var/lib/real/instances' "$out"
expect_grep "... the share found mounted there" 'mount\.instances +nfs1:/ nfs4' "$out"
expect_grep "... with the file system's options" 'mount\.instances_super +rw,vers=4\.2,.*,hard,proto=tcp,' "$out"
out=$(fake_nfs 'touch /var/lib/real/instances/disk' "$V42" "$MIGREADY" --color never check -v --local -p link.ini)
expect_grep "live check: the share through a link mounted" 'nfs\.mounted +ok ' "$out"
expect_grep "... its options examined, as the line asks" "nfs\.mount_options +ok +'vers=4\.2,hard'" "$out"
expect_no_grep "... never 'holds files'" 'holds files|not mounted' "$out"
# mounted otherwise than the line asks (found by a review: green):
# failed, at the next mount only; nothing unmounted
out=$(fake_nfs : 'nfs4 nfs1:/ rw,vers=3,rsize=32768,wsize=32768,namlen=255,soft,nolock,proto=udp,timeo=11,retrans=3,sec=sys,local_lock=all,addr=10.20.0.5' \
	"$MIGREADY" --color never check --local -p link.ini)
expect_grep "live check: the mount's options against the line's" \
	'nfs\.mount_options +failed +/var/lib/link/instances is mounted with vers=3,soft, not vers=4\.2,hard as the line asks: that takes effect only when it is mounted again' "$out"
expect_grep "... what the line leaves to the defaults not checked" \
	'nfs\.mount_options \(link\.ini:5: /var/lib/link/instances.s options proto=udp \(mounted so' "$out"
# an automount point (x-systemd.automount) not mounted yet (found by a
# review: "unmount it first"): not checked
printf '[nova]\ninstances_path = /var/lib/link/instances\n[nfs]\nrole = client\nmount = nfs1:/ /var/lib/link/instances nfs4 rw,_netdev,x-systemd.automount 0 0\n' > auto.ini
out=$(fake_nfs : 'autofs systemd-1 rw,fd=53,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=1' \
	"$MIGREADY" --color never check --local -p auto.ini)
expect_grep "live check: an automount point is not checked" \
	'nfs\.mounted \(auto\.ini:5: what /var/lib/link/instances mounts on demand \(x-systemd\.automount' "$out"
expect_no_grep "... never unmounted" 'unmount' "$out"
# a mount over a directory above hides the share (found by a review)
out=$(fake_nfs 'mount -t tmpfs cover /var/lib/real && mkdir /var/lib/real/instances' "$V42" \
	"$MIGREADY" --color never check --local -p link.ini)
expect_grep "live check: a share a later mount hides is not checked" \
	"nfs\.mounted \(link\.ini:5: what /var/lib/link/instances reaches \(a mount at /var/lib/real covers 'nfs1:/ nfs4' there" "$out"
expect_no_grep "... nor mounted again" 'nfs\.mounted +drift' "$out"

# Live, multipathd's running maps come from sysfs (a tmpfs of this
# namespace stands in for /sys/block): one of multipath's (uuid mpath-),
# one of LVM's, which is no map of multipathd's.
out=$(unshare -m sh -c 'mount -t tmpfs mr /sys/block && mkdir -p /sys/block/dm-0/dm /sys/block/dm-1/dm &&
	echo mpatha > /sys/block/dm-0/dm/name && echo mpath-3600508b1001c5ae72f > /sys/block/dm-0/dm/uuid &&
	echo vg-root > /sys/block/dm-1/dm/name && echo LVM-x9 > /sys/block/dm-1/dm/uuid &&
	"$1" facts --local -p "$2"' sh "$MIGREADY" "$DATA/profiles/client.ini" 2>&1)
expect_grep "live facts: multipathd's maps from sysfs" 'mpath\.map +mpatha 3600508b1001c5ae72f' "$out"
expect_no_grep "... not LVM's" 'vg-root' "$out"

# multipath -t reads the written file as multipathd would: /etc is a
# directory of this test in this namespace.
mkdir -p mpetc
cp /etc/ld.so.cache mpetc/ 2>/dev/null
cp "$SERVER/etc/multipath.conf" mpetc/multipath.conf
out=$(unshare -m sh -c 'mount --bind "$1" /etc && multipath -t' sh "$WORK/mpetc" 2>&1); st=$?
expect_status "multipath -t" 0 "$st" "$out"
expect_no_grep "multipath finds no error in the file" 'multipath.conf line' "$out"
expect_grep "multipath reads user_friendly_names no" $'^\tuser_friendly_names "no"' "$(printf '%s\n' "$out" | sed -n '/^defaults {/,/^}/p')"
expect_grep "multipath keeps the blacklist" $'wwid "3600508b1001c5ae72f0f7e8a2b6c9d01"' "$out"
# A block's name touching its brace, as multipathd takes it (the stock
# lens refused the file): the value changed, and multipath -t reads it.
BRACE=$WORK/brace
new_host "$BRACE"
printf 'defaults{\n    user_friendly_names yes\n}\nmultipaths{\n    multipath{\n        wwid 3600a0b800012345600000000\n        alias "shared-1"\n    }\n}\n' \
	> brace.conf
cp brace.conf "$BRACE/etc/multipath.conf"
printf '[multipath]\nuser_friendly_names = no\n' > brace.ini
out=$(mr apply --local --root "$BRACE" -p brace.ini 2>&1); st=$?
expect_status "multipath: apply on defaults{" 2 "$st" "$out"
want=$'<     user_friendly_names yes\n>     user_friendly_names no'
got=$(changed_lines brace.conf "$BRACE/etc/multipath.conf")
[ "$got" = "$want" ] && ok "multipath.conf with defaults{: one line changed" \
	|| not_ok "multipath.conf with defaults{: one line changed" "$got"
cp "$BRACE/etc/multipath.conf" mpetc/multipath.conf
out=$(unshare -m sh -c 'mount --bind "$1" /etc && multipath -t' sh "$WORK/mpetc" 2>&1); st=$?
expect_status "multipath -t on defaults{" 0 "$st" "$out"
expect_no_grep "multipath finds no error in defaults{" 'multipath.conf line' "$out"
expect_grep "multipath reads the multipaths{ block" 'alias "shared-1"' "$out"

summary
[ "$failed" = 0 ]
