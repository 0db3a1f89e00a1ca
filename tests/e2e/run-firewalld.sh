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
#   naming the file (and line), nothing written.
# Under CI=true anything missing is a failure.
set -u
MIGREADY=$(realpath "${1:?usage: run-firewalld.sh MIGREADY SOURCE_DIR}")
SRC=$(realpath "${2:?usage: run-firewalld.sh MIGREADY SOURCE_DIR}")
DATA=$SRC/tests/data/firewall
. "$SRC/tests/lib/hosttree.sh"
. "$SRC/tests/lib/expect.sh"

skip() {
	if [ "${CI:-}" = true ]; then
		echo "run-firewalld.sh: $* (CI: a suite that cannot run fails)" >&2
		exit 1
	fi
	echo "run-firewalld.sh: skipped: $*" >&2
	exit 77
}
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
{
	grep -vx '</zone>' "$STOCK"
	printf '  %s\n' '<rule family="ipv4"><source address="10.20.0.0/24"/><port protocol="tcp" port="16509"/><accept/></rule>' \
		'<rule family="ipv4"><source address="10.20.0.0/24"/><port protocol="tcp" port="49152-49261"/><accept/></rule>'
	echo '</zone>'
} > "$WORK/want.xml"
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

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
