#!/bin/bash
# [firewall] with firewalld on host trees, the zone files taken by their
# real consumer: firewall-offline-cmd --check-config, run in a mount
# namespace with the tree's /etc/firewalld bound over this machine's.
#   Debian 12 (backend = auto, firewalld.service enabled, no zone under
#   /etc): the zone file created from /usr/lib's public.xml plus the rich
#   rules, which firewalld lists back; that fallback untouched; a second
#   apply changes nothing. An operator's zone (zone = compute: CRLF, tabs,
#   comments, the port already open, a wider rule): only what is missing
#   added, every other byte kept. The host's DefaultZone chooses the zone.
#   A zone in neither place, and a zone file that does not balance, fail
#   naming the file (and line), nothing written. A reject of all the
#   peers fails with its line; of part of them, it is reported not
#   checked, with its line, before and after apply. A rich rule accepting
#   all of the peers' network covers every port (another network's none);
#   a zone bound to their network with target ACCEPT fails nothing; the
#   zone's own target ACCEPT, permanent or running, covers every port.
#   Live, a real firewalld: apply adds what the running zone lacks at run
#   time, without a reload, so rules added at run time only survive it; a
#   zone firewalld has not loaded yet is loaded by a reload, said so.
# Under CI=true anything missing is a failure.
set -u
MIGREADY=$(realpath "${1:?usage: run-firewalld.sh MIGREADY SOURCE_DIR}")
SRC=$(realpath "${2:?usage: run-firewalld.sh MIGREADY SOURCE_DIR}")
DATA=$SRC/tests/data/firewall
. "$SRC/tests/lib/hosttree.sh"
. "$SRC/tests/lib/expect.sh"

[ "$(id -u)" = 0 ] || skip "needs root (a mount namespace)"
for p in firewall-offline-cmd unshare mount; do
	command -v $p >/dev/null || skip "no $p (scripts/deps.sh test)"
done
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
WORK=$(mktemp -d /tmp/migready-fwd.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mr() { "$MIGREADY" --color never "$@"; }
# firewall-offline-cmd ARGS... on the tree's /etc/firewalld
offline() { # ROOT ARGS...
	local root=$1
	shift
	unshare -m sh -c 'mount --bind "$1" /etc/firewalld && shift && exec firewall-offline-cmd "$@"' \
		sh "$root/etc/firewalld" "$@" 2>&1
}

# A Debian 12 node with firewalld enabled, its stock zones in /usr/lib and
# none of its own.
firewalld_host() { # DIR DEFAULTZONE
	hosttree debian12-socket "$1"
	hosttree_dpkg "$1" firewalld 1.3.3-1~deb12u2
	hosttree_unit "$1/lib/systemd/system" firewalld.service multi-user.target
	hosttree_enable "$1" /lib/systemd/system firewalld.service multi-user.target
	mkdir -p "$1/etc/firewalld/zones" "$1/usr/lib/firewalld/zones"
	printf 'DefaultZone=%s\nFirewallBackend=nftables\n' "$2" > "$1/etc/firewalld/firewalld.conf"
	cp "$DATA/firewalld/debian12-public.xml" "$1/usr/lib/firewalld/zones/public.xml"
}

ROOT=$WORK/deb
STOCK=$DATA/firewalld/debian12-public.xml
ZONE=$ROOT/etc/firewalld/zones/public.xml
firewalld_host "$ROOT" public
out=$(offline "$ROOT" --check-config); st=$?
expect_status "firewall-offline-cmd --check-config of the tree as it is" 0 "$st" "$out"

out=$(mr check --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "check of a Debian 12 node with firewalld" 2 "$st" "$out"
expect_grep "check wants the rich rules in the zone" "firewall\.allow +drift .*in zone public: <rule family=\"ipv4\"><source address=\"10\.20\.0\.0/24\"/><port protocol=\"tcp\" port=\"16509\"/><accept/></rule>" "$out"
out=$(mr diff --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_fixed "the diff starts from /usr/lib's zone" "--- a/usr/lib/firewalld/zones/public.xml" "$out"
expect_fixed "the diff writes /etc's" "+++ b/etc/firewalld/zones/public.xml" "$out"

out=$(mr apply --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "apply" 2 "$st" "$out"
with_rules() { # ZONE_FILE: it with profile.ini's rich rules before </zone>
	grep -vx '</zone>' "$1"
	printf '  %s\n' '<rule family="ipv4"><source address="10.20.0.0/24"/><port protocol="tcp" port="16509"/><accept/></rule>' \
		'<rule family="ipv4"><source address="10.20.0.0/24"/><port protocol="tcp" port="49152-49261"/><accept/></rule>'
	echo '</zone>'
}
with_rules "$STOCK" > "$WORK/want.xml"
cmp -s "$ZONE" "$WORK/want.xml" && ok "the zone file: /usr/lib's and the rules before </zone>" \
	|| not_ok "the zone file: /usr/lib's and the rules before </zone>" "$(diff "$WORK/want.xml" "$ZONE")"
cmp -s "$ROOT/usr/lib/firewalld/zones/public.xml" "$STOCK" && ok "/usr/lib's zone untouched" \
	|| not_ok "/usr/lib's zone untouched"
out=$(offline "$ROOT" --check-config); st=$?
expect_status "firewall-offline-cmd --check-config takes the result" 0 "$st" "$out"
out=$(offline "$ROOT" --zone=public --list-rich-rules)
expect_fixed "firewalld lists the listener's rule" 'rule family="ipv4" source address="10.20.0.0/24" port port="16509" protocol="tcp" accept' "$out"
expect_fixed "firewalld lists the migration range's rule" 'rule family="ipv4" source address="10.20.0.0/24" port port="49152-49261" protocol="tcp" accept' "$out"
out=$(offline "$ROOT" --zone=public --list-services)
expect_grep "firewalld keeps the zone's services" "ssh" "$out"
before=$(tree_sum "$ROOT")
out=$(mr apply --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "a second apply" 0 "$st" "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "a second apply writes nothing" || not_ok "a second apply writes nothing"

# An operator's zone, chosen by the profile: only what is missing added.
ROOT=$WORK/op
firewalld_host "$ROOT" public
OP=$DATA/firewalld/operator-crlf.xml
cp "$OP" "$ROOT/etc/firewalld/zones/compute.xml"
printf '[firewall]\nbackend = firewalld\nzone = compute\nallow = 16509/tcp\nallow = 16514/tcp\n' > op.ini
out=$(mr apply --local --root "$ROOT" -p op.ini 2>&1); st=$?
expect_status "apply to the operator's zone" 2 "$st" "$out"
R=$ROOT/etc/firewalld/zones/compute.xml
grep -vxF $'\t<port protocol="tcp" port="16514"/>\r' "$R" | cmp -s - "$OP" \
	&& ok "the operator's bytes kept, CRLF and all" || not_ok "the operator's bytes kept" "$(diff "$OP" "$R" | cat -A)"
[ "$(grep -c 'port="16509"' "$R")" = 1 ] && ok "the port already open is not added again" \
	|| not_ok "the port already open is not added again" "$(cat "$R")"
[ "$(tail -n 2 "$R" | head -n 1)" = $'\t<port protocol="tcp" port="16514"/>\r' ] \
	&& ok "the new port right before </zone>, with a tab and CRLF" || not_ok "the new port right before </zone>" "$(cat -A "$R")"
out=$(offline "$ROOT" --check-config); st=$?
expect_status "firewall-offline-cmd --check-config takes the operator's zone" 0 "$st" "$out"
out=$(offline "$ROOT" --zone=compute --list-ports)
expect_grep "firewalld lists both ports" "16509/tcp.*16514/tcp|16514/tcp.*16509/tcp" "$out"
printf '[firewall]\nbackend = firewalld\nzone = compute\nallow = 49152-49261/tcp\nsource = 10.20.0.0/24\n' > wide.ini
before=$(tree_sum "$ROOT")
out=$(mr apply --local --root "$ROOT" -p wide.ini 2>&1); st=$?
expect_status "apply where a wider rule covers" 0 "$st" "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "a wider rule from a wider network counts" || not_ok "a wider rule from a wider network counts"

# A rich rule accepting all of the peers' network (no port) holds every
# port: nothing to add; the same from another network holds none.
ROOT=$WORK/all
firewalld_host "$ROOT" public
allfrom() { # NET
	grep -vx '</zone>' "$STOCK"
	printf '  <rule family="ipv4"><source address="%s"/><accept/></rule>\n</zone>\n' "$1"
}
allfrom 10.20.0.0/16 > "$ROOT/etc/firewalld/zones/public.xml"
out=$(offline "$ROOT" --zone=public --list-rich-rules)
expect_fixed "firewalld lists the accept of all from the network" 'rule family="ipv4" source address="10.20.0.0/16" accept' "$out"
before=$(tree_sum "$ROOT")
out=$(mr check --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "check where a rich rule accepts all of the peers' network" 0 "$st" "$out"
out=$(mr apply --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "apply where a rich rule accepts all of the peers' network" 0 "$st" "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "an accept of all from the network counts" || not_ok "an accept of all from the network counts"
allfrom 10.30.0.0/16 > "$ROOT/etc/firewalld/zones/public.xml"
out=$(mr check --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "check where the rich rule accepts all of another network" 2 "$st" "$out"
expect_grep "... the rules still wanted" "firewall\.allow +drift .*in zone public: <rule family=\"ipv4\"><source address=\"10\.20\.0\.0/24\"/><port protocol=\"tcp\" port=\"16509\"/>" "$out"

# The zone's own target ACCEPT (firewalld's --set-target writes it) takes
# every port of what reaches the zone: nothing to add, check -v names the
# line; another target (DROP) covers nothing.
ROOT=$WORK/target
firewalld_host "$ROOT" public
out=$(offline "$ROOT" --zone=public --set-target=ACCEPT); st=$?
expect_status "target: firewall-offline-cmd --set-target=ACCEPT" 0 "$st" "$out"
ZONE=$ROOT/etc/firewalld/zones/public.xml
line=$(grep -n '<zone[^>]*target="ACCEPT"' "$ZONE" | cut -d: -f1)
[ -n "$line" ] && ok "target: firewalld writes it in the zone file" || not_ok "target: firewalld writes it in the zone file" "$(cat "$ZONE")"
before=$(tree_sum "$ROOT")
out=$(mr check -v --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "target: check where the zone's target is ACCEPT" 0 "$st" "$out"
expect_grep "target: check -v names the target and its line" "firewall\.allow +ok +'covered by the zone's target=\"ACCEPT\" \(line $line\)'" "$out"
out=$(mr apply --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "target: apply" 0 "$st" "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "target: apply writes nothing" || not_ok "target: apply writes nothing"
out=$(offline "$ROOT" --zone=public --set-target=DROP); st=$?
out=$(mr check --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "target: check where the zone's target is DROP" 2 "$st" "$out"

# The host's DefaultZone, when the profile names none.
ROOT=$WORK/work
firewalld_host "$ROOT" work
sed 's/Public/Work/' "$STOCK" > "$ROOT/usr/lib/firewalld/zones/work.xml"
out=$(mr apply --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "apply to the DefaultZone" 2 "$st" "$out"
[ -f "$ROOT/etc/firewalld/zones/work.xml" ] && [ ! -e "$ROOT/etc/firewalld/zones/public.xml" ] \
	&& ok "the DefaultZone's file written, not public's" || not_ok "the DefaultZone's file written" "$(ls -R "$ROOT/etc/firewalld")"

# Failures: nothing written, the file (and line) named.
ROOT=$WORK/bad
firewalld_host "$ROOT" public
printf '[firewall]\nbackend = firewalld\nzone = nosuch\nallow = 16509/tcp\n' > nosuch.ini
before=$(tree_sum "$ROOT")
out=$(mr apply --local --root "$ROOT" -p nosuch.ini 2>&1); st=$?
expect_status "apply to a zone known nowhere" 4 "$st" "$out"
expect_fixed "names both paths" "/etc/firewalld/zones/nosuch.xml: no such file, nor localhost:/usr/lib/firewalld/zones/nosuch.xml to start it from" "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "nothing written for a zone known nowhere" || not_ok "nothing written for a zone known nowhere"
printf '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public\n</zone>\n' > "$ROOT/etc/firewalld/zones/public.xml"
before=$(tree_sum "$ROOT")
out=$(mr apply --local --root "$ROOT" -p "$DATA/profile.ini" 2>&1); st=$?
expect_status "apply to a zone file that does not balance" 4 "$st" "$out"
expect_fixed "names the file and line" "/etc/firewalld/zones/public.xml:4: </zone> closes <short> of line 3; not written" "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "nothing written on failure" || not_ok "nothing written on failure"
# A rich rule that rejects the peers' network: firewalld applies it before
# any accept, so none would help; refused with its line, firewalld itself
# taking the zone as valid.
ROOT=$WORK/deny
firewalld_host "$ROOT" public
cp "$STOCK" "$ROOT/etc/firewalld/zones/public.xml"
sed -i 's|</zone>|  <rule family="ipv4">\n    <source address="10.20.0.0/16"/>\n    <reject/>\n  </rule>\n</zone>|' "$ROOT/etc/firewalld/zones/public.xml"
out=$(offline "$ROOT" --check-config); st=$?
expect_status "deny: firewall-offline-cmd --check-config takes the zone" 0 "$st" "$out"
printf '[firewall]\nbackend = firewalld\nallow = 16509/tcp\nsource = 10.20.0.0/24\n' > deny.ini
before=$(tree_sum "$ROOT")
out=$(mr check --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "deny: check" 4 "$st" "$out"
line=$(grep -n '<rule family="ipv4">' "$ROOT/etc/firewalld/zones/public.xml" | cut -d: -f1)
expect_fixed "deny: the rule named with its line" "/etc/firewalld/zones/public.xml:$line: the zone's rule 'rule family=\"ipv4\" source address=\"10.20.0.0/16\" reject' stops all of" "$out"
out=$(mr apply --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "deny: apply" 4 "$st" "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "deny: nothing written" || not_ok "deny: nothing written"
# A reject of part of the peers' network (one /26 of the /24 allowed):
# which peers it refuses is not known, so that rule is reported not
# checked, with its line, also once the accept is written.
ROOT=$WORK/partdeny
firewalld_host "$ROOT" public
cp "$STOCK" "$ROOT/etc/firewalld/zones/public.xml"
sed -i 's|</zone>|  <rule family="ipv4">\n    <source address="10.20.0.64/26"/>\n    <reject/>\n  </rule>\n</zone>|' "$ROOT/etc/firewalld/zones/public.xml"
line=$(grep -n '<rule family="ipv4">' "$ROOT/etc/firewalld/zones/public.xml" | cut -d: -f1)
unchecked="firewall\.deny_rule \(localhost:/etc/firewalld/zones/public\.xml:$line the zone's rule 'rule family=\"ipv4\" source address=\"10\.20\.0\.64/26\" reject' may refuse part of 'rule family=\"ipv4\" source address=\"10\.20\.0\.0/24\" port port=\"16509\" protocol=\"tcp\" accept' before any accept\)"
out=$(mr check --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "partial deny: check" 2 "$st" "$out"
expect_grep "partial deny: the rule, its line, not checked" "not checked .*$unchecked" "$out"
out=$(mr apply --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "partial deny: apply" 2 "$st" "$out"
out=$(mr check --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "partial deny: check after apply" 0 "$st" "$out"
expect_grep "... the rule still not checked" "not checked .*$unchecked" "$out"
out=$(mr -f json check --local --root "$ROOT" -p deny.ini 2>&1)
expect_grep "... in JSON too" '"setting": *"firewall\.deny_rule"' "$out"

# Offline, the zone files' bindings: a zone bound to a source holding the
# peers' network takes their connections before the zone edited (the rules
# there reach none of them): failed, firewalld itself taking the zones as
# valid; a source that is no address (an ipset) is not checked.
ROOT=$WORK/bound
firewalld_host "$ROOT" public
cp "$STOCK" "$ROOT/etc/firewalld/zones/public.xml"
out=$(mr apply --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "bound: apply the rules" 2 "$st" "$out"
printf '<zone target="DROP"><source address="10.20.0.0/16"/></zone>\n' > "$ROOT/etc/firewalld/zones/drop.xml"
out=$(offline "$ROOT" --check-config); st=$?
expect_status "bound: firewall-offline-cmd --check-config takes the zones" 0 "$st" "$out"
out=$(offline "$ROOT" --zone=drop --list-sources)
expect_fixed "bound: firewalld binds the source to drop" "10.20.0.0/16" "$out"
out=$(mr check --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "bound: check" 4 "$st" "$out"
expect_grep "bound: the zone binding the peers' network fails" \
	'firewall\.zone +failed +firewalld zone drop \(sources: 10\.20\.0\.0/16\) binds source 10\.20\.0\.0/16: connections from 10\.20\.0\.0/24 reach that zone, not public' "$out"
# ... the same network bound to a zone whose target is ACCEPT: accepted there
rm "$ROOT/etc/firewalld/zones/drop.xml"
printf '<zone target="ACCEPT"><source address="10.20.0.0/16"/></zone>\n' > "$ROOT/etc/firewalld/zones/peers.xml"
out=$(offline "$ROOT" --check-config); st=$?
expect_status "bound: firewall-offline-cmd --check-config takes the ACCEPT zone" 0 "$st" "$out"
out=$(offline "$ROOT" --zone=peers --get-target)
expect_fixed "bound: firewalld takes its target" "ACCEPT" "$out"
out=$(mr check --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "bound: check, the peers' network bound to a zone that accepts all" 0 "$st" "$out"
rm "$ROOT/etc/firewalld/zones/peers.xml"
mkdir -p "$ROOT/etc/firewalld/ipsets"
printf '<?xml version="1.0" encoding="utf-8"?>\n<ipset type="hash:net">\n  <entry>10.20.0.0/16</entry>\n</ipset>\n' \
	> "$ROOT/etc/firewalld/ipsets/blocklist.xml"
printf '<zone target="DROP">\n  <source ipset="blocklist"/>\n</zone>\n' > "$ROOT/etc/firewalld/zones/drop.xml"
out=$(offline "$ROOT" --check-config); st=$?
expect_status "bound: firewall-offline-cmd --check-config takes the ipset's" 0 "$st" "$out"
out=$(mr check --local --root "$ROOT" -p deny.ini 2>&1); st=$?
expect_status "bound: check, an ipset bound" 0 "$st" "$out"
expect_grep "bound: ... not checked, naming the zone and source" \
	'not checked .*firewall\.zone \(firewalld zone drop \(sources: ipset:blocklist\): whether source ipset:blocklist \(no address\) holds 10\.20\.0\.0/24\)' "$out"

# Live: a real firewalld in a mount and network namespace of the test (its
# own /run, a private system bus, the tree's /etc/firewalld and a scratch
# /var/lib/migready bound over this machine's), systemd stood in for by
# the lab's systemctl. The probe digests the running zones; check reports
# the rules missing there; apply writes the zone file and adds to the
# running zone only what it lacks (firewall-cmd --add-rich-rule, or
# --add-port; no reload), after which check finds them running, and what
# was added at run time only (a port, a rich rule) still runs. A rule
# added since the probe read the zone (firewall-cmd: ALREADY_ENABLED, a
# warning) fails nothing.
live() { # ROOT OUT
	local root=$1 out=$2
	mkdir -p "$out/host/bin" "$out/host/units" "$out/var"
	cp "$SRC/tests/lab/systemctl" "$out/host/bin/systemctl"
	chmod 755 "$out/host/bin/systemctl"
	# firewall-cmd as it is, each call listed: what the probe asks; with
	# $out/hide, its listing lacks the rule for 16509 (added since the probe)
	cat > "$out/host/bin/firewall-cmd" <<-EOS
		#!/bin/sh
		echo "\$*" >> "$out/firewall-cmd.log"
		if [ -e "$out/hide" ] && [ "\$1" = --list-all-zones ]; then
			z=\$($(command -v firewall-cmd) "\$@") || exit
			printf '%s\\n' "\$z" | grep -v 'port port="16509"'
			exit 0
		fi
		exec $(command -v firewall-cmd) "\$@"
	EOS
	chmod 755 "$out/host/bin/firewall-cmd"
	echo 'enabled active' > "$out/host/units/firewalld.service"
	printf '[firewall]\nbackend = auto\nallow = 16509/tcp\nallow = 49152-49261/tcp\nsource = 10.20.0.0/24\n' > "$out/live.ini"
	unshare -m -n sh -c '
		root=$1 out=$2 mig=$3 probe=$4
		mount -t tmpfs tmpfs /run && mkdir -p /run/dbus /run/systemd/system &&
		mount --bind "$root/etc/firewalld" /etc/firewalld &&
		mkdir -p /var/lib/migready && mount --bind "$out/var" /var/lib/migready || exit 1
		ip link set lo up
		PATH=$out/host/bin:$PATH; export PATH
		dbus-daemon --system --fork --print-pid > "$out/dbus.pid" || exit 1
		firewalld --nofork --nopid > "$out/firewalld.log" 2>&1 &
		fw=$!
		i=0
		until [ "$(firewall-cmd --state 2>/dev/null)" = running ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
		: > "$out/firewall-cmd.log"
		sh "$probe" "" "" - > "$out/facts1" 2>&1
		cp "$out/firewall-cmd.log" "$out/probe1.calls"
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check1" 2>&1; echo $? > "$out/check1.st"
		"$mig" --color never apply --local -p "$out/live.ini" > "$out/apply" 2>&1; echo $? > "$out/apply.st"
		sh "$probe" "" "" - > "$out/facts2" 2>&1
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check2" 2>&1; echo $? > "$out/check2.st"
		# another zone bound to the peers network takes their connections;
		# one bound to an interface may
		firewall-cmd -q --zone=internal --add-source=10.20.0.0/16
		sh "$probe" "" "" - > "$out/facts4" 2>&1
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check4" 2>&1; echo $? > "$out/check4.st"
		firewall-cmd -q --zone=internal --remove-source=10.20.0.0/16
		firewall-cmd -q --zone=work --add-interface=lo
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check5" 2>&1; echo $? > "$out/check5.st"
		firewall-cmd -q --zone=work --remove-interface=lo
		# the zone target ACCEPT, the rules removed: it takes every port
		cp "$root/etc/firewalld/zones/public.xml" "$out/zone-applied.xml"
		# firewalld takes a zone file written behind its back into its
		# permanent configuration by an inotify watcher, a moment later:
		# wait for it, or the removals below find nothing to remove
		i=0
		until firewall-cmd --permanent --zone=public --list-rich-rules 2>/dev/null | grep -q 49152-49261 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
		for p in 16509 49152-49261; do
			firewall-cmd -q --permanent --zone=public --remove-rich-rule="rule family=ipv4 source address=10.20.0.0/24 port port=$p protocol=tcp accept"
		done
		firewall-cmd -q --permanent --zone=public --set-target=ACCEPT
		firewall-cmd -q --reload
		sh "$probe" "" "" - > "$out/facts6" 2>&1
		"$mig" --color never check -v --local -p "$out/live.ini" > "$out/check6" 2>&1; echo $? > "$out/check6.st"
		# changes made at run time only (no --permanent) survive apply: the
		# zone as its file has it (target default, none of the rules), then
		# a port, a rich rule and one rule of the two wanted added at run time
		firewall-cmd -q --permanent --zone=public --set-target=default
		firewall-cmd -q --reload
		firewall-cmd -q --zone=public --add-port=5000/tcp
		firewall-cmd -q --zone=public --add-rich-rule="rule family=ipv4 source address=192.0.2.0/24 service name=ssh accept"
		firewall-cmd -q --zone=public --add-rich-rule="rule family=ipv4 source address=10.20.0.0/24 port port=16509 protocol=tcp accept"
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check7" 2>&1; echo $? > "$out/check7.st"
		: > "$out/firewall-cmd.log"
		"$mig" --color never apply --local -p "$out/live.ini" > "$out/apply7" 2>&1; echo $? > "$out/apply7.st"
		cp "$out/firewall-cmd.log" "$out/apply7.calls"
		sh "$probe" "" "" - > "$out/facts7" 2>&1
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check7b" 2>&1; echo $? > "$out/check7b.st"
		# a port, with no source: --add-port
		printf "[firewall]\nbackend = auto\nallow = 16514/tcp\n" > "$out/port.ini"
		: > "$out/firewall-cmd.log"
		"$mig" --color never apply --local -p "$out/port.ini" > "$out/apply8" 2>&1; echo $? > "$out/apply8.st"
		cp "$out/firewall-cmd.log" "$out/apply8.calls"
		"$mig" --color never check --local -p "$out/port.ini" > "$out/check8" 2>&1; echo $? > "$out/check8.st"
		# a rule added after the probe read the zone: firewall-cmd warns
		# ALREADY_ENABLED for it and adds the other, exit 0
		firewall-cmd -q --zone=public --remove-rich-rule="rule family=ipv4 source address=10.20.0.0/24 port port=49152-49261 protocol=tcp accept"
		touch "$out/hide"
		: > "$out/firewall-cmd.log"
		"$mig" --color never apply --local -p "$out/live.ini" > "$out/apply9" 2>&1; echo $? > "$out/apply9.st"
		cp "$out/firewall-cmd.log" "$out/apply9.calls"
		rm "$out/hide"
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check9" 2>&1; echo $? > "$out/check9.st"
		# a zone made since firewalld started (--permanent only): only a
		# reload loads it, and its source binding
		firewall-cmd -q --permanent --new-zone=migration
		firewall-cmd -q --permanent --zone=migration --add-source=10.20.0.0/24
		printf "[firewall]\nbackend = auto\nzone = migration\nallow = 16509/tcp\nsource = 10.20.0.0/24\n" > "$out/mz.ini"
		"$mig" --color never check --local -p "$out/mz.ini" > "$out/check10" 2>&1; echo $? > "$out/check10.st"
		: > "$out/firewall-cmd.log"
		"$mig" --color never apply --local -p "$out/mz.ini" > "$out/apply10" 2>&1; echo $? > "$out/apply10.st"
		cp "$out/firewall-cmd.log" "$out/apply10.calls"
		"$mig" --color never check --local -p "$out/mz.ini" > "$out/check10b" 2>&1; echo $? > "$out/check10b.st"
		# systemd says firewalld is stopped: the probe asks it nothing, and
		# check says what it cannot see rather than green
		echo "disabled inactive" > "$out/host/units/firewalld.service"
		: > "$out/firewall-cmd.log"
		sh "$probe" "" "" - > "$out/facts3" 2>&1
		cp "$out/firewall-cmd.log" "$out/probe3.calls"
		"$mig" --color never check --local -p "$out/live.ini" > "$out/check3" 2>&1; echo $? > "$out/check3.st"
		kill "$fw"
		i=0
		while kill -0 "$fw" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$fw" 2>/dev/null
		kill "$(cat "$out/dbus.pid")"
	' sh "$root" "$out" "$MIGREADY" "$SRC/src/facts.sh"
}
for p in firewalld firewall-cmd dbus-daemon ip; do
	command -v $p >/dev/null || { [ "${CI:-}" = true ] && not_ok "no $p (scripts/deps.sh test)" || echo "# no $p: the live part skipped"; LIVE=no; }
done
if [ "${LIVE:-yes}" = yes ]; then
	ROOT=$WORK/live
	firewalld_host "$ROOT" public
	# the operator opened VNC's ports in /etc's copy of the zone
	sed 's|^</zone>$|  <port protocol="tcp" port="5900-5999"/>\n&|' "$STOCK" > "$ROOT/etc/firewalld/zones/public.xml"
	with_rules "$ROOT/etc/firewalld/zones/public.xml" > "$WORK/want-live.xml"
	live "$ROOT" "$WORK/lv"
	facts=$(cat "$WORK/lv/facts1")
	expect_grep "facts: firewalld answers" '^fw\.firewalld\.live=ok$' "$facts"
	expect_grep "facts: the running zone's port" '^fw\.firewalld\.accept=public 5900-5999/tcp$' "$facts"
	expect_no_grep "facts: no rich rule runs yet" '^fw\.firewalld\.accept=public rule' "$facts"
	got=$(cat "$WORK/lv/probe1.calls")
	[ "$got" = --list-all-zones ] && ok "facts: one firewall-cmd, --list-all-zones (systemd told it runs)" \
		|| not_ok "facts: one firewall-cmd, --list-all-zones (systemd told it runs)" "$got"
	expect_status "live check" 2 "$(cat "$WORK/lv/check1.st")" "$(cat "$WORK/lv/check1")"
	expect_grep "live check: the rules missing in the running zone" 'firewall\.running +drift .*missing in the running zone: rule family="ipv4" source address="10\.20\.0\.0/24" port port="16509" protocol="tcp" accept' "$(cat "$WORK/lv/check1")"
	expect_status "live apply" 2 "$(cat "$WORK/lv/apply.st")" "$(cat "$WORK/lv/apply")"
	RR16509='rule family="ipv4" source address="10.20.0.0/24" port port="16509" protocol="tcp" accept'
	RRRANGE='rule family="ipv4" source address="10.20.0.0/24" port port="49152-49261" protocol="tcp" accept'
	expect_fixed "live check names what apply adds at run time" \
		"apply would run: firewall-cmd --zone=public '--add-rich-rule=$RR16509' '--add-rich-rule=$RRRANGE'" "$(cat "$WORK/lv/check1")"
	expect_no_grep "... and no reload" 'firewall-cmd --reload' "$(cat "$WORK/lv/check1")"
	facts=$(cat "$WORK/lv/facts2")
	expect_fixed "facts: the rule running after the reload" 'fw.firewalld.accept=public rule family="ipv4" source address="10.20.0.0/24" port port="49152-49261" protocol="tcp" accept' "$facts"
	expect_status "live check after apply" 0 "$(cat "$WORK/lv/check2.st")" "$(cat "$WORK/lv/check2")"
	expect_grep "facts: a zone's source binding" '^fw\.firewalld\.bind=internal sources: 10\.20\.0\.0/16$' "$(cat "$WORK/lv/facts4")"
	expect_status "live check: another zone binds the peers' network" 4 "$(cat "$WORK/lv/check4.st")" "$(cat "$WORK/lv/check4")"
	expect_grep "... it fails, naming the zone" \
		'firewall\.running +failed +firewalld zone internal \(sources: 10\.20\.0\.0/16\) binds source 10\.20\.0\.0/16: connections from 10\.20\.0\.0/24 reach that zone, not public' "$(cat "$WORK/lv/check4")"
	expect_status "live check: another zone binds an interface" 0 "$(cat "$WORK/lv/check5.st")" "$(cat "$WORK/lv/check5")"
	expect_grep "... not checked, naming it" 'not checked \(1\): firewall\.zone \(firewalld zone work \(interfaces: lo\)\)' "$(cat "$WORK/lv/check5")"
	expect_grep "facts: the running zone target" '^fw\.firewalld\.target=public ACCEPT$' "$(cat "$WORK/lv/facts6")"
	expect_no_grep "facts: ... and no rich rule" '^fw\.firewalld\.accept=public rule' "$(cat "$WORK/lv/facts6")"
	expect_status "live check: the zone target accepts all" 0 "$(cat "$WORK/lv/check6.st")" "$(cat "$WORK/lv/check6")"
	expect_grep "... named in check -v" "firewall\.running +ok +'covered by the running zone public's target ACCEPT \(live ruleset\)'" "$(cat "$WORK/lv/check6")"
	# what was added at run time only is still there after apply
	expect_status "run time: check, one of the two rules running" 2 "$(cat "$WORK/lv/check7.st")" "$(cat "$WORK/lv/check7")"
	expect_fixed "run time: check names the one rule apply adds" \
		"apply would run: firewall-cmd --zone=public '--add-rich-rule=$RRRANGE'" "$(cat "$WORK/lv/check7")"
	expect_status "run time: apply" 2 "$(cat "$WORK/lv/apply7.st")" "$(cat "$WORK/lv/apply7")"
	got=$(grep -vx -- --list-all-zones "$WORK/lv/apply7.calls")
	[ "$got" = "--zone=public --add-rich-rule=$RRRANGE" ] && ok "run time: apply adds the missing rule only, no reload" \
		|| not_ok "run time: apply adds the missing rule only, no reload" "$got"
	facts=$(cat "$WORK/lv/facts7")
	expect_grep "run time: the port added at run time still runs" '^fw\.firewalld\.accept=public 5000/tcp$' "$facts"
	expect_fixed "run time: ... the rich rule added at run time too" \
		'fw.firewalld.accept=public rule family="ipv4" source address="192.0.2.0/24" service name="ssh" accept' "$facts"
	expect_fixed "run time: ... beside the rule apply added" "fw.firewalld.accept=public $RRRANGE" "$facts"
	expect_status "run time: check after apply" 0 "$(cat "$WORK/lv/check7b.st")" "$(cat "$WORK/lv/check7b")"
	expect_status "run time: apply of a port" 2 "$(cat "$WORK/lv/apply8.st")" "$(cat "$WORK/lv/apply8")"
	got=$(grep -vx -- --list-all-zones "$WORK/lv/apply8.calls")
	[ "$got" = "--zone=public --add-port=16514/tcp" ] && ok "run time: a port added with --add-port" \
		|| not_ok "run time: a port added with --add-port" "$got"
	expect_status "run time: check of the port after apply" 0 "$(cat "$WORK/lv/check8.st")" "$(cat "$WORK/lv/check8")"
	expect_status "run time: apply where a rule came since the probe (ALREADY_ENABLED)" 2 "$(cat "$WORK/lv/apply9.st")" "$(cat "$WORK/lv/apply9")"
	got=$(grep -vx -- --list-all-zones "$WORK/lv/apply9.calls")
	[ "$got" = "--zone=public --add-rich-rule=$RR16509 --add-rich-rule=$RRRANGE" ] && ok "run time: ... both asked for" \
		|| not_ok "run time: ... both asked for" "$got"
	expect_status "run time: check after it" 0 "$(cat "$WORK/lv/check9.st")" "$(cat "$WORK/lv/check9")"
	expect_status "new zone: check" 2 "$(cat "$WORK/lv/check10.st")" "$(cat "$WORK/lv/check10")"
	expect_grep "new zone: check says it is not loaded, and that apply reloads" \
		'firewall\.running +drift .*zone migration not loaded by the running firewalld: apply reloads it' "$(cat "$WORK/lv/check10")"
	expect_no_grep "new zone: ... no false word on its bindings" 'binds no interface nor source' "$(cat "$WORK/lv/check10")"
	expect_status "new zone: apply" 2 "$(cat "$WORK/lv/apply10.st")" "$(cat "$WORK/lv/apply10")"
	got=$(grep -vx -- --list-all-zones "$WORK/lv/apply10.calls")
	[ "$got" = "--reload" ] && ok "new zone: apply reloads firewalld" || not_ok "new zone: apply reloads firewalld" "$got"
	expect_status "new zone: check after apply" 0 "$(cat "$WORK/lv/check10b.st")" "$(cat "$WORK/lv/check10b")"
	facts=$(cat "$WORK/lv/facts3")
	expect_grep "facts: systemd's word that firewalld is stopped" '^unit\.firewalld\.service=disabled inactive$' "$facts"
	expect_no_grep "facts: nothing of a running firewalld when systemd says it is stopped" '^fw\.firewalld\.(live|accept)=' "$facts"
	got=$(cat "$WORK/lv/probe3.calls")
	[ -z "$got" ] && ok "facts: no firewall-cmd (a Python start) for a stopped firewalld" \
		|| not_ok "facts: no firewall-cmd (a Python start) for a stopped firewalld" "$got"
	expect_no_grep "live check of a stopped firewalld: the running zone not compared" 'firewall\.running' "$(cat "$WORK/lv/check3")"
	cmp -s "$WORK/lv/zone-applied.xml" "$WORK/want-live.xml" && ok "live: the zone file written in the namespace's /etc" \
		|| not_ok "live: the zone file written" "$(cat "$ROOT/etc/firewalld/zones/public.xml" 2>&1)"
fi

summary
[ "$failed" = 0 ]
