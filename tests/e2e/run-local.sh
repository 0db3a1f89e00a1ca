#!/bin/bash
# End to end, the binary on a realistic host tree under --root:
# check -> 2, diff shows the change, apply -> 2, check -> 0, apply -> 0 with
# nothing touched, comments intact; a bad profile -> 1 and a malformed file
# -> 4, both with nothing written; the live facts of the accounts with NSS
# answering and silent.
set -u
MIGREADY=$(realpath "${1:?usage: run-local.sh MIGREADY SOURCE_DIR}")
SRC=$(realpath "${2:?usage: run-local.sh MIGREADY SOURCE_DIR}")
DATA=$SRC/tests/data/e2e
. "$SRC/tests/lib/hosttree.sh"
WORK=$(mktemp -d /tmp/migready-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
. "$SRC/tests/lib/expect.sh"
# A Debian 12 compute node: socket-activated libvirtd.
new_host() { cp -a "$DATA/host" "$1" && hosttree debian12-socket "$1"; }

ROOT=$WORK/host
new_host "$ROOT"
cp "$DATA"/*.ini "$WORK/"
cd "$WORK"
mr() { "$MIGREADY" --color never "$@"; }

out=$(mr lint -p profile.ini 2>&1); expect_status "lint of a good profile" 0 $? "$out"
# A listener turned off needs no port open, whatever its port says (a
# TLS-only layer over a profile that set tcp_port).
printf '[libvirtd]\nlisten_tcp = no\ntcp_port = 16509\nlisten_tls = yes\n[firewall]\nallow = 16514/tcp\nallow = 49152-49215/tcp\n' >"$WORK/tlsonly.ini"
out=$(mr lint -p "$WORK/tlsonly.ini" 2>&1); expect_status "lint of a TLS-only profile" 0 $? "$out"
expect_no_grep "lint: listen_tcp = no wants no tcp_port open" "does not open" "$out"
# A cpu_model libvirt's CPU map (this machine's) does not know: lint's
# error, at its line, not every host's failure at check.
printf '[nova]\ncpu_mode = custom\ncpu_model = Skylake-Clientx\n' >"$WORK/cpu.ini"
out=$(mr lint -p "$WORK/cpu.ini" 2>&1); expect_status "lint of a misspelt cpu_model" 1 $? "$out"
expect_fixed "... names it, with the model meant" "migready: $WORK/cpu.ini:3: cpu_model: libvirt knows no CPU model 'Skylake-Clientx'; did you mean 'Skylake-Client'?" "$out"
# ... and check's, before any host is contacted: the command's error (1),
# not every host's (4; found by a review)
out=$(mr check --local --root "$ROOT" -p "$WORK/cpu.ini" 2>&1); expect_status "check with a misspelt cpu_model" 1 $? "$out"
expect_fixed "... the same error" "cpu_model: libvirt knows no CPU model 'Skylake-Clientx'" "$out"
expect_no_grep "... and no host line" "^localhost:" "$out"
# A profile the inventory names that does not open: said at the
# inventory's line.
printf '[defaults]\nprofile = nosuch.ini\n[host a]\n' >"$WORK/noprof.ini"
out=$(mr lint -i "$WORK/noprof.ini" 2>&1); expect_status "lint of an inventory whose profile is missing" 1 $? "$out"
expect_fixed "... names the inventory's line" "migready: $WORK/noprof.ini:2: cannot open '$WORK/nosuch.ini': No such file or directory" "$out"

out=$(mr check --local --root "$ROOT" -p profile.ini 2>&1); st=$?
expect_status "check of a drifted host" 2 "$st" "$out"
expect_grep "check names the drifted setting" "libvirtd\.auth_tcp +drift +absent \(default sasl\) -> 'none'" "$out"
expect_grep "check names the listener as its socket" "libvirtd\.listener +drift +'disabled' -> 'enabled'  \(unit libvirtd-tcp\.socket" "$out"
expect_grep "check names the profile line that asked" 'profile\.ini:3\)' "$out"
expect_grep "check shows the value found" "qemu.security_driver.*absent -> 'none'" "$out"
before=$(tree_sum "$ROOT")

out=$(mr diff --local --root "$ROOT" -p profile.ini 2>&1); st=$?
expect_status "diff of a drifted host" 2 "$st" "$out"
expect_grep "diff heads the file" '^--- a/etc/libvirt/libvirtd.conf$' "$out"
expect_grep "diff adds the active line" '^\+dynamic_ownership = 0$' "$out"
expect_grep "diff adds the quoted string" '^\+auth_tcp = "none"$' "$out"
[ "$(tree_sum "$ROOT")" = "$before" ] && ok "check and diff write nothing" || not_ok "check and diff write nothing"

out=$(mr --color always diff --local --root "$ROOT" -p profile.ini 2>&1)
expect_grep "diff in colour when asked" $'\033\\[32m\\+auth_tcp = "none"' "$out"

out=$(mr apply --local --root "$ROOT" -p profile.ini 2>&1); st=$?
expect_status "apply on a drifted host" 2 "$st" "$out"
expect_grep "apply reports the change" 'libvirtd\.auth_tcp +changed' "$out"
expect_grep "apply enables the listener's socket" 'libvirtd\.listener +changed' "$out"
[ "$(readlink "$ROOT/etc/systemd/system/sockets.target.wants/libvirtd-tcp.socket")" = /lib/systemd/system/libvirtd-tcp.socket ] \
	&& ok "libvirtd-tcp.socket enabled in the image" || not_ok "libvirtd-tcp.socket enabled in the image"
conf=$ROOT/etc/libvirt/libvirtd.conf
qconf=$ROOT/etc/libvirt/qemu.conf
grep -A1 -x '#auth_tcp = "sasl"' "$conf" | tail -1 | grep -qx 'auth_tcp = "none"' \
	&& ok "active line right below its commented default" || not_ok "active line right below its commented default" "$(cat "$conf")"
grep -A1 -x '#migration_port_max = 49215' "$qconf" | tail -1 | grep -qx 'migration_port_max = 49261' \
	&& ok "qemu.conf line below its default" || not_ok "qemu.conf line below its default" "$(cat "$qconf")"
# Only additions: every original line is still there, in order.
for f in libvirtd.conf qemu.conf; do
	removed=$(diff "$DATA/host/etc/libvirt/$f" "$ROOT/etc/libvirt/$f" | grep -c '^<')
	[ "$removed" = 0 ] && ok "$f: every original line kept" || not_ok "$f: every original line kept" "$(diff "$DATA/host/etc/libvirt/$f" "$ROOT/etc/libvirt/$f")"
done
backup=$(ls -d "$ROOT"/var/lib/migready/backups/*/ 2>/dev/null | head -1)
if [ -n "$backup" ] && cmp -s "$backup/etc/libvirt/libvirtd.conf" "$DATA/host/etc/libvirt/libvirtd.conf"; then
	ok "apply kept the original as a backup"
else
	not_ok "apply kept the original as a backup" "$(ls -R "$ROOT/var" 2>&1)"
fi
expect_grep "backup manifest lists the file" '^existed 0644 [0-9]+ [0-9]+ [0-9a-f]{64} 0644:[0-9]+:[0-9]+ /etc/libvirt/qemu.conf$' "$(cat "$backup/MANIFEST" 2>&1)"
[ "$(stat -c %a "$conf")" = 644 ] && ok "mode kept" || not_ok "mode kept"

out=$(mr check --local --root "$ROOT" -p profile.ini 2>&1); st=$?
expect_status "check after apply" 0 "$st" "$out"

after=$(tree_sum "$ROOT")
sleep 1
out=$(mr apply --local --root "$ROOT" -p profile.ini 2>&1); st=$?
expect_status "second apply" 0 "$st" "$out"
[ "$(tree_sum "$ROOT")" = "$after" ] && ok "second apply touches nothing (content, mtime, mode)" \
	|| not_ok "second apply touches nothing" "$(diff <(echo "$after") <(tree_sum "$ROOT"))"

out=$(mr check --local --root "$ROOT" -p profile.ini -f json 2>&1); st=$?
expect_status "json check" 0 "$st" "$out"
expect_grep "json names the host status" '"status": ?"ok"' "$out"
mr check --local --root "$ROOT" -p profile.ini -f prom -o "$WORK/out.prom" >/dev/null 2>&1; st=$?
expect_status "prom report to a file" 0 "$st" ""
expect_grep "prom textfile has the drift gauge" '^migready_drift_settings\{host="localhost",command="check"\} 0$' "$(cat "$WORK/out.prom" 2>&1)"

# A report over 4 MiB (the cap of a host's files) is replaced as any
# other: the last run's is read before it is, whatever its size.
# (9,000 settings of 400-byte values: few, as the sanitizer builds make
# each one dear)
awk 'BEGIN { v = sprintf("%0400d", 0); print "[file /etc/big.conf]\nlens = Sysctl"; for (i = 0; i < 9000; i++) printf "set = key%06d %s\n", i, v }' > big.ini
for n in 1 2; do
	out=$(mr show -p big.ini -f json -o "$WORK/big.json" 2>&1); expect_status "a report over 4 MiB to -o ($n)" 0 $? "$out"
done
[ "$(wc -c < "$WORK/big.json")" -gt 4194304 ] && ok "... it is over 4 MiB" || not_ok "... it is over 4 MiB" "$(wc -c < "$WORK/big.json")"

# -o into a directory that does not exist: exit 8 before any host is
# touched, not an apply whose report is lost.
new_host "$WORK/noreport"
before=$(tree_sum "$WORK/noreport")
out=$(mr apply --local --root "$WORK/noreport" -p profile.ini -o "$WORK/nosuch/r.txt" 2>&1); st=$?
expect_status "apply -o into a missing directory" 8 "$st" "$out"
expect_fixed "... says so before any host" "migready: cannot write the report to $WORK/nosuch/r.txt; no host contacted" "$out"
[ "$(tree_sum "$WORK/noreport")" = "$before" ] && ok "... and writes nothing" || not_ok "... and writes nothing" "$out"

# A bad profile: exit 1, every problem named, nothing written.
new_host "$WORK/fresh"
before=$(tree_sum "$WORK/fresh")
out=$(mr apply --local --root "$WORK/fresh" -p bad-profile.ini 2>&1); st=$?
expect_status "apply with a bad profile" 1 "$st" "$out"
expect_grep "misspelt key named with a suggestion" "bad-profile\.ini:2: .*'lisen_tcp'.*listen_tcp" "$out"
expect_grep "bad enum value named" "bad-profile\.ini:3: .*auth_tcp" "$out"
expect_grep "out-of-range port named" "bad-profile\.ini:6: .*migration_port_min" "$out"
[ "$(tree_sum "$WORK/fresh")" = "$before" ] && ok "bad profile: nothing written" || not_ok "bad profile: nothing written"

# A malformed libvirtd.conf: exit 4, the file and position named, nothing written.
printf 'listen_tcp = 1\nauth_tcp = "sasl\n' >> "$WORK/fresh/etc/libvirt/libvirtd.conf"
before=$(tree_sum "$WORK/fresh")
out=$(mr apply --local --root "$WORK/fresh" -p profile.ini 2>&1); st=$?
expect_status "apply with a malformed libvirtd.conf" 4 "$st" "$out"
expect_grep "the parse error names file and line" 'localhost:/etc/libvirt/libvirtd.conf:5[0-9]:[0-9]+: .*does not parse' "$out"
[ "$(tree_sum "$WORK/fresh")" = "$before" ] && ok "malformed file: nothing written" || not_ok "malformed file: nothing written" "$(ls -R "$WORK/fresh")"

# A symlinked config is never written through.
new_host "$WORK/link"
mv "$WORK/link/etc/libvirt/qemu.conf" "$WORK/link/qemu.conf.real"
ln -s ../../qemu.conf.real "$WORK/link/etc/libvirt/qemu.conf"
out=$(mr apply --local --root "$WORK/link" -p profile.ini 2>&1); st=$?
expect_status "apply on a symlinked qemu.conf" 4 "$st" "$out"
expect_grep "symlink refusal named" 'qemu.conf: is a symbolic link' "$out"
cmp -s "$WORK/link/qemu.conf.real" "$DATA/host/etc/libvirt/qemu.conf" && ok "symlink target untouched" || not_ok "symlink target untouched"

# An image whose /etc/libvirt is an absolute link: it must not lead root
# into this machine's own files.
mkdir -p "$WORK/escape/img/etc" "$WORK/escape/outside"
cp -a "$DATA/host/etc/libvirt" "$WORK/escape/outside/"
ln -s "$WORK/escape/outside/libvirt" "$WORK/escape/img/etc/libvirt"
out=$(mr apply --local --root "$WORK/escape/img" -p profile.ini 2>&1); st=$?
expect_status "apply where a link leads out of the root" 4 "$st" "$out"
expect_grep "the escape is named" 'a symbolic link leads out of the root' "$out"
cmp -s "$WORK/escape/outside/libvirt/qemu.conf" "$DATA/host/etc/libvirt/qemu.conf" \
	&& ok "nothing written outside the root" || not_ok "nothing written outside the root"
[ ! -e "$WORK/escape/img/var/lib/migready/backups" ] && ok "no backup made for a refused host" || not_ok "no backup for a refused host"
# An image whose /var/lib/migready is a link out of it (a container's
# root may put one there): the lock, its holder and a request's input
# would be made where it leads. Refused; nothing made there.
new_host "$WORK/lockesc"
mkdir -p "$WORK/lockesc-outside"
rm -rf "$WORK/lockesc/var/lib/migready"; ln -s "$WORK/lockesc-outside" "$WORK/lockesc/var/lib/migready"
out=$(mr apply --local --root "$WORK/lockesc" -p profile.ini 2>&1); st=$?
expect_status "apply where the lock's directory is a link out of the root" 4 "$st" "$out"
expect_grep "the lock's escape is named" "a symbolic link leads $WORK/lockesc/var/lib/migready out of the root" "$out"
[ -z "$(ls -A "$WORK/lockesc-outside")" ] && ok "no lock made outside the root" || not_ok "made outside the root" "$(ls -la "$WORK/lockesc-outside")"
# A link at the lock's, its holder's or the input's name in the tree's
# lock directory: root would write (or quote) what it leads to (found by
# a review: a file outside the root overwritten, another truncated).
for c in lock lock.holder input; do
	new_host "$WORK/lockfile-$c"
	mkdir -p "$WORK/lockfile-$c/var/lib/migready"
	printf 'precious\n' >"$WORK/victim-$c"
	ln -s "$WORK/victim-$c" "$WORK/lockfile-$c/var/lib/migready/$c"
	out=$(mr apply --local --root "$WORK/lockfile-$c" -p profile.ini 2>&1); st=$?
	expect_status "apply with a link at the lock directory's $c" 4 "$st" "$out"
	expect_grep "... named" "$WORK/lockfile-$c/var/lib/migready/$c is a symbolic link or not a regular file: not opened" "$out"
	expect_fixed "... what it leads to untouched" "precious" "$(cat "$WORK/victim-$c")"
done
# A link swapped in after that check (issue 11, item 8): the run paused
# where the temporary file is made (MIGREADY_FAULT=stage:pause), /etc/libvirt
# moved out of the root and a link to it put in its place. The file is
# made relative to a directory opened without following links: refused.
new_host "$WORK/swap"
mkdir -p "$WORK/swap-faults" "$WORK/swap-outside"
MIGREADY_FAULT=stage:pause MIGREADY_FAULT_DIR="$WORK/swap-faults" \
	"$MIGREADY" --color never apply --local --root "$WORK/swap" -p profile.ini >"$WORK/swap.out" 2>&1 &
pid=$!
for i in $(seq 1 600); do [ -s "$WORK/swap-faults/migready-fault.stage" ] && break; sleep 0.1; done
[ -s "$WORK/swap-faults/migready-fault.stage" ] && ok "the run paused before its temporary file" || not_ok "the run never paused" "$(cat "$WORK/swap.out")"
mv "$WORK/swap/etc/libvirt" "$WORK/swap-outside/libvirt" && ln -s "$WORK/swap-outside/libvirt" "$WORK/swap/etc/libvirt"
before=$(tree_sum "$WORK/swap-outside")
rm -f "$WORK/swap-faults/migready-fault.stage"
wait $pid; st=$?; out=$(cat "$WORK/swap.out")
expect_status "apply with a link swapped in before its temporary file" 4 "$st" "$out"
# staged by the transport (the shell's commit), or by commit.pl
expect_grep "the swapped link is named" "localhost:/etc/libvirt/[a-z]+\.conf: (a symbolic link on the way under the root '[^']*/swap'; not followed, nothing written|a symbolic link leads out of the root; not written)" "$out"
[ "$(tree_sum "$WORK/swap-outside")" = "$before" ] && ! ls -a "$WORK/swap-outside/libvirt" | grep -q migready \
	&& ok "nothing written outside the root through the swapped link" || not_ok "written outside the root" "$(ls -la "$WORK/swap-outside/libvirt")"
# A commit's request cut mid-way (the controller's fault point
# MIGREADY_FAULT=mid-request:drop: the serving shell gets the first half
# of the request, then the end of its input, as when the controller dies
# mid-way), under either commit: perl's request carries the files; the
# shell's comes once they are staged beside their targets. What the
# controller makes of it: the outcome unknown and said so, every old byte
# kept, no input left, and the next apply converges and clears what was
# staged. (That a cut request runs none of itself is e2e-serving's.)
for engine in perl sh; do
	h=$WORK/cut-$engine
	new_host "$h"
	# the shell's commit stands in where the host has no perl
	prog=/bin/sh; [ "$engine" = sh ] || [ ! -x /usr/bin/perl ] || prog=/usr/bin/perl
	sums=$(cd "$h/etc/libvirt" && sha256sum libvirtd.conf qemu.conf)
	out=$(MIGREADY_COMMIT_ENGINE=$engine MIGREADY_FAULT=mid-request:drop mr apply --local --root "$h" -p profile.ini 2>&1); st=$?
	expect_status "$engine: apply whose commit's request is cut mid-way" 4 "$st" "$out"
	expect_fixed "$engine: the commit's ($prog) outcome is unknown" \
		"error: outcome unknown: localhost: $prog: the held command ended before it answered" "$out"
	[ "$(cd "$h/etc/libvirt" && sha256sum libvirtd.conf qemu.conf)" = "$sums" ] \
		&& ok "$engine: a cut request changes no byte" || not_ok "$engine: a cut request changed a file" "$out"
	[ ! -s "$h/var/lib/migready/input" ] && ok "$engine: no input left by a cut request" \
		|| not_ok "$engine: input left by a cut request" "$(wc -c <"$h/var/lib/migready/input")"
	out=$(MIGREADY_COMMIT_ENGINE=$engine mr apply --local --root "$h" -p profile.ini 2>&1)
	expect_status "$engine: the apply after a cut request" 2 $? "$out"
	out=$(mr check --local --root "$h" -p profile.ini 2>&1)
	expect_status "$engine: check after it" 0 $? "$out"
	left=$(ls -a "$h/etc/libvirt" | grep '\.migready-')
	[ -z "$left" ] && ok "$engine: nothing staged is left" || not_ok "$engine: staged files left" "$left"
done
# An admin's save between the commit's comparison and its rename (the
# run paused there, MIGREADY_FAULT=before-rename:pause), by a rename over
# the file or a write in place: the file is looked at again before it is
# replaced, the edit kept, nothing of the run written (found by a review:
# the edit was lost, no copy kept).
# A chmod or chown (a file the profile gives no mode) at the commit's
# start or there: the admin's mode and owner win, not the ones read (they
# were put back, and recorded as the original).
for engine in perl sh; do
	for edit in rename inplace chmod-start chmod; do
		h=$WORK/race-$engine-$edit
		new_host "$h"
		mkdir -p "$h-faults"
		point=before-rename; [ $edit != chmod-start ] || point=start
		MIGREADY_COMMIT_ENGINE=$engine MIGREADY_FAULT=$point:pause MIGREADY_FAULT_DIR="$h-faults" \
			"$MIGREADY" --color never apply --local --root "$h" -p profile.ini >"$h.out" 2>&1 &
		pid=$!
		for i in $(seq 1 600); do [ -s "$h-faults/migready-fault.$point" ] && break; sleep 0.1; done
		[ -s "$h-faults/migready-fault.$point" ] || not_ok "$engine/$edit: the run never paused" "$(cat "$h.out")"
		f=$h/etc/libvirt/qemu.conf
		case $edit in
		rename) { cat "$f"; echo '# ADMIN EDIT'; } >"$f.new" && mv "$f.new" "$f" ;;
		inplace) echo '# ADMIN EDIT' >>"$f" ;;
		*) chmod 0600 "$f" && chown 0:5 "$f" ;;
		esac
		sums=$(cd "$h/etc/libvirt" && sha256sum libvirtd.conf qemu.conf && stat -c '%a %u:%g' qemu.conf)
		rm -f "$h-faults/migready-fault.$point"
		wait $pid; st=$?; out=$(cat "$h.out")
		expect_status "$engine/$edit: apply with the file changed by an admin at $point" 4 "$st" "$out"
		case $edit in
		inplace) why='changed since it was read \(another tool or admin\?\)' ;;
		rename) why='was removed or replaced since it was read' ;;
		*) why='its mode or owner changed since it was read \(another tool or admin\?\)' ;;
		esac
		expect_grep "$engine/$edit: ... the conflict named" "localhost:/etc/libvirt/qemu\.conf: $why; not overwritten" "$out"
		[ "$(cd "$h/etc/libvirt" && sha256sum libvirtd.conf qemu.conf && stat -c '%a %u:%g' qemu.conf)" = "$sums" ] \
			&& ok "$engine/$edit: ... the admin's change kept, nothing written" \
			|| not_ok "$engine/$edit: ... a file changed" "$(stat -c '%a %u:%g' "$f"; tail -3 "$f") $out"
	done
done
# An abort (a conflict found at the commit's start, a rename that fails)
# leaves no directory the run made: neither the new drop-in's (a port
# other than the socket's) nor the backups' (found by a review: the
# shell's commit left them, empty, under /etc and the backups). The
# controller's lock directory stays, as after any run.
sed 's/^tcp_port = 16509$/tcp_port = 16510/' profile.ini >port.ini
dirs_of() { (cd "$1" && find . -type d ! -path ./var/lib/migready | sort); }
for engine in perl sh; do
	for how in conflict rename; do
		h=$WORK/dirs-$engine-$how
		new_host "$h"
		mkdir -p "$h-faults"
		before=$(dirs_of "$h")
		point=start:pause; [ $how = conflict ] || point=rename:0
		MIGREADY_COMMIT_ENGINE=$engine MIGREADY_FAULT=$point MIGREADY_FAULT_DIR="$h-faults" \
			"$MIGREADY" --color never apply --local --root "$h" -p port.ini >"$h.out" 2>&1 &
		pid=$!
		if [ $how = conflict ]; then
			for i in $(seq 1 600); do [ -s "$h-faults/migready-fault.start" ] && break; sleep 0.1; done
			[ -d "$h/etc/systemd/system/libvirtd-tcp.socket.d" ] && ok "$engine/$how: the drop-in's directory made" \
				|| not_ok "$engine/$how: no drop-in directory at the pause" "$(cat "$h.out")"
			echo '# ADMIN EDIT' >>"$h/etc/libvirt/qemu.conf"
			rm -f "$h-faults/migready-fault.start"
		fi
		wait $pid; st=$?; out=$(cat "$h.out")
		expect_status "$engine/$how: apply that aborts" 4 "$st" "$out"
		expect_grep "$engine/$how: ... why" \
			"localhost:/etc/libvirt/[a-z]+\.conf: (changed since it was read|cannot rename the new file into place \(fault injected\))" "$out"
		left=$(diff <(echo "$before") <(dirs_of "$h"))
		[ -z "$left" ] && ok "$engine/$how: ... no directory left that it made" \
			|| not_ok "$engine/$how: ... directories left that it made" "$left"
	done
done
# The backups' and the MANIFEST's directory entries reach the disk before
# the first target is replaced (found by a review: only the targets'
# directories were synced, after the renames; a crash could keep a
# replaced file and lose its backup): commit.pl fsyncs the run's backup
# directory before its first rename of a target.
if [ -x /usr/bin/perl ] && [ "${MIGREADY_COMMIT_ENGINE-}" != sh ]; then
	command -v strace >/dev/null 2>&1 || not_ok "strace is needed here (scripts/deps.sh test)"
	h=$WORK/durable
	new_host "$h"
	strace -f -qq -o "$WORK/durable.trace" -e trace=openat,fsync,rename \
		"$MIGREADY" --color never apply --local --root "$h" -p profile.ini >/dev/null 2>&1
	trace=$(awk '/openat\(.*backups\/[^\/"]*\/etc\/libvirt\/", .*O_DIRECTORY/ { split($0, a, "= "); fd = a[2]; next }
		fd != "" && $0 ~ "fsync\\(" fd "\\)" { print "synced"; fd = "" }
		/rename\(".*migready-.*", "\.\/qemu\.conf"\)/ { print "renamed" }' "$WORK/durable.trace" | head -2 | tr '\n' ' ')
	expect_fixed "the backups' directory synced before the first rename" "synced renamed " "$trace"
fi
# The mount point of an image not mounted: an empty directory is no
# host's root; nothing is read there, and apply writes nothing into it.
mkdir "$WORK/unmounted"
out=$(mr apply --local --root "$WORK/unmounted" -p profile.ini 2>&1); st=$?
expect_status "apply on an empty directory" 4 "$st" "$out"
expect_fixed "... says it is no host's root" "error: localhost: root $WORK/unmounted has no etc directory: not the root of a host (an image not mounted?)" "$out"
[ -z "$(ls -A "$WORK/unmounted")" ] && ok "... and writes nothing into it" || not_ok "written into an empty root" "$(find "$WORK/unmounted")"
out=$(mr check --local --root "" -p profile.ini 2>&1); expect_status "an empty --root" 1 $? "$out"
out=$(mr check --local --root "$WORK/nonexistent" -p profile.ini 2>&1); expect_status "a missing --root" 1 $? "$out"

# An insecure profile is warned about: auth_tcp = none with listen_tcp on
# a host with a public address, naming host and profile line; a private
# address is not.
printf '[host pub1]\naddress = 203.0.113.5\n[host priv1]\naddress = 10.20.0.11\n' >"$WORK/public.ini"
out=$(mr lint -i "$WORK/public.ini" -p profile.ini 2>&1); expect_status "lint with a public host" 0 $? "$out"
expect_grep "auth_tcp = none on a public address warned" "warning: pub1: auth_tcp = none \(profile\.ini:5\) on public address 203\.0\.113\.5" "$out"
printf '%s\n' "$out" | grep -q 'priv1: auth_tcp' && not_ok "a private address warned" "$out" || ok "a private address not warned"
# Each --host must match a host: a misspelt one is an error, not a host
# left out of a cron check unseen.
out=$(mr lint -i "$WORK/public.ini" -p profile.ini -H pub1 -H prv1 2>&1)
expect_status "a --host that matches no host, beside one that does" 1 $? "$out"
expect_fixed "... named" "migready: $WORK/public.ini: no host matches --host prv1" "$out"
out=$(mr lint -i "$WORK/public.ini" -p profile.ini -H pub1 -H 'priv*' 2>&1)
expect_status "... every --host matching" 0 $? "$out"
# A quoted number is what libvirtd refuses: drift, not ok.
new_host "$WORK/quoted"
printf 'migration_port_min = "49152"\n' >> "$WORK/quoted/etc/libvirt/qemu.conf"
out=$(mr check --local --root "$WORK/quoted" -p profile.ini 2>&1)
expect_grep "a quoted number is drift" "qemu\.migration_port_min +drift +'\"49152\"' -> '49152'" "$out"

# A control byte in a host's file is shown escaped, never sent raw.
printf 'user = "a\033[31mb"\n' >> "$WORK/quoted/etc/libvirt/qemu.conf"
out=$(mr check --local --root "$WORK/quoted" -p profile.ini 2>&1)
expect_grep "control bytes escaped" "qemu\.user +drift +'a\\\\x1b\\[31mb' -> 'nova'" "$out"

# A user who is not root may not make itself the owner of root's files:
# apply refuses the host, and writes nothing.
if [ "$(id -u)" = 0 ]; then
	id mrnonroot >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /bin/sh mrnonroot
	new_host "$WORK/nonroot"
	cp profile.ini "$WORK/nonroot.ini"
	find "$WORK/nonroot" -type d -exec chown mrnonroot {} +
	chmod 755 "$WORK"
	before=$(tree_sum "$WORK/nonroot")
	out=$(su -s /bin/sh mrnonroot -c "'$MIGREADY' --color never apply --local --root '$WORK/nonroot' -p '$WORK/nonroot.ini'" 2>&1); st=$?
	expect_status "apply as a user who is not root" 4 "$st" "$out"
	expect_grep "the refusal says why" 'cannot keep its owner 0:0 as user [0-9]+; run as root' "$out"
	[ "$(tree_sum "$WORK/nonroot" | grep -v '^[^ ]*  \./var')" = "$(echo "$before" | grep -v '^[^ ]*  \./var')" ] \
		&& ok "not root: nothing written" || not_ok "not root: nothing written" "$(diff <(echo "$before") <(tree_sum "$WORK/nonroot"))"
	[ "$(stat -c %U "$WORK/nonroot/etc/libvirt/qemu.conf")" = root ] && ok "not root: owner kept" \
		|| not_ok "not root: owner kept"
fi

# The commit's engine: perl where the host has it (the facts say so), the
# shell where not, and the shell when perl cannot run the commit (here a
# module perl cannot load, PERL5OPT): that run writes nothing, the shell's
# commit does the apply.
new_host "$WORK/engine"
out=$(mr facts --local --root "$WORK/engine" 2>&1)
if [ -x /usr/bin/perl ]; then
	expect_grep "the facts name the host's perl" '^ *commit\.perl +/usr/bin/perl$' "$out"
fi
if [ -x /usr/bin/perl ] && [ "${MIGREADY_COMMIT_ENGINE-}" != sh ]; then
	out=$(mr apply -v --local --root "$WORK/engine" -p profile.ini 2>&1); st=$?
	expect_status "apply committed by perl" 2 "$st" "$out"
	expect_no_grep "perl ran the commit" "the shell's commit runs" "$out"
	expect_grep "... its time said whole (it stages the files itself)" \
		"commit: [0-9]+ files sent \([0-9]+ bytes\), staged and committed in [0-9.]+ s" "$out"
	new_host "$WORK/engine2"
	out=$(PERL5OPT=-MNo::Such::Module mr apply -v --local --root "$WORK/engine2" -p profile.ini 2>&1); st=$?
	expect_status "apply where perl cannot start" 2 "$st" "$out"
	expect_grep "the shell commits instead, said" "/usr/bin/perl did not run the commit; the shell's commit runs" "$out"
	expect_no_grep "... no time said for a perl commit that did not run" "files sent \(" "$out"
	expect_grep "... the shell's own time said" "commit: [0-9]+ files staged in [0-9.]+ s, committed in" "$out"
	out=$(mr check --local --root "$WORK/engine2" -p profile.ini 2>&1)
	expect_status "check after the shell's commit" 0 $? "$out"
	cmp -s "$WORK/engine/etc/libvirt/qemu.conf" "$WORK/engine2/etc/libvirt/qemu.conf" &&
		cmp -s "$WORK/engine/etc/libvirt/libvirtd.conf" "$WORK/engine2/etc/libvirt/libvirtd.conf" &&
		ok "both engines wrote the same files" || not_ok "the engines wrote different files"
fi
[ -x /usr/bin/perl ] || expect_no_grep "no perl, none named" 'commit.perl' "$(mr facts --local --root "$WORK/engine" 2>&1)"

# A live host's accounts come from NSS. Where it answers nothing, not
# even for root (an nsswitch.conf without a source that answers: here
# bound over in a mount namespace), no account file is said read, and a
# qemu user that NSS did not name is unknown, not missing.
printf '[qemu]\nuser = mr-nosuch\n' > "$WORK/qemu-user.ini"
out=$(mr facts --local 2>&1)
expect_grep "live facts: the accounts read through NSS" '^ *ids\.passwd +read$' "$out"
out=$(mr check --local -p "$WORK/qemu-user.ini" 2>&1)
expect_grep "live check: a user NSS does not know is missing" "qemu\.user +failed +this host has no user 'mr-nosuch'" "$out"
printf 'passwd: nosuchservice\ngroup: nosuchservice\n' > "$WORK/nsswitch.conf"
# silent_nss CMD...: CMD with NSS answering nothing for accounts
silent_nss() {
	# shellcheck disable=SC2016 # expanded by that sh
	unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf && shift && exec "$@"' - "$WORK/nsswitch.conf" "$@"
}
if silent_nss true 2>/dev/null; then
	out=$(silent_nss "$MIGREADY" --color never facts --local 2>&1)
	expect_grep "live facts with NSS silent: the probe ran" '^ *probe +1$' "$out"
	expect_no_grep "... no account file said read" 'ids\.(passwd|group)' "$out"
	out=$(silent_nss "$MIGREADY" --color never check --local -p "$WORK/qemu-user.ini" 2>&1)
	expect_no_grep "... the qemu user not called missing" "has no user" "$out"
elif [ -n "${CI:-}" ]; then
	not_ok "cannot bind a file over /etc/nsswitch.conf in a mount namespace (unshare -m)"
else
	echo "# not root: NSS not silenced, its part left out"
fi

# A huge host file fails that file with a clear message; nothing aborts.
new_host "$WORK/huge"
head -c 2000000 /dev/zero | tr '\0' '#' >> "$WORK/huge/etc/libvirt/qemu.conf"
out=$(mr check --local --root "$WORK/huge" -p profile.ini --max-file-size 1 2>&1); st=$?
expect_status "a file over --max-file-size" 6 "$st" "$out"
expect_grep "the cap names the file" 'localhost:/etc/libvirt/qemu\.conf: larger than 1048576 bytes \(--max-file-size\); not read' "$out"
expect_grep "the other file is still checked" 'libvirtd\.auth_tcp +drift' "$out"

# With an inventory, --root names a path on each host: never relative.
printf '[host h1]\naddress = 192.0.2.1\n' > inv-root.ini
out=$(mr check -i inv-root.ini -p profile.ini --root some/dir 2>&1); st=$?
expect_status "a relative --root with an inventory" 1 "$st" "$out"
expect_grep "the refusal says why" "--root: 'some/dir' is relative" "$out"

# sshd's own configuration, as sshd reads it (Include, the first value
# wins, a Match makes what follows conditional): what refuses nova's key
# login fails [ssh]; what depends on who connects is not checked
SSHD=$WORK/sshd-host
new_host "$SSHD"
mkdir -p "$SSHD/etc/ssh/sshd_config.d" "$SSHD/bin"
# nova's shell there, so that whether it is is examined (not said unknown)
printf '#!/bin/sh\n' > "$SSHD/bin/sh" && chmod 0755 "$SSHD/bin/sh"
grep -q '^nova:' "$SSHD/etc/passwd" 2>/dev/null ||
	printf 'nova:x:64060:64060::/var/lib/nova:/bin/sh\n' >> "$SSHD/etc/passwd"
grep -q '^nova:' "$SSHD/etc/group" 2>/dev/null || printf 'nova:x:64060:\n' >> "$SSHD/etc/group"
printf 'Include "/etc/ssh/sshd_config.d/*.conf"\nPubkeyAuthentication yes\nDenyUsers backup nova\nMatch Address 10.0.0.0/8\n\tAuthorizedKeysFile /etc/ssh/keys/%%u\n' > "$SSHD/etc/ssh/sshd_config"
printf 'PubkeyAuthentication no\r\n' > "$SSHD/etc/ssh/sshd_config.d/50 site.conf"
printf '[ssh]\nknown_hosts = off\n' > ssh.ini
# nova's ssh runs as nova-compute does: its unit's User= must be nova
# (found by a review: green with another user); without a unit, not known
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "nova's user: no nova-compute unit, not checked" \
	'ssh\.nova_user \(the user nova-compute runs as, whose ssh logs in to the peers: no nova-compute unit on this host\)' "$out"
printf '[Service]\nUser=stack\nExecStart=/usr/bin/nova-compute\n' > "$SSHD/lib/systemd/system/nova-compute.service"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "nova's user: another User= fails" \
	"ssh\.user +failed +nova-compute runs as stack \(its unit's User=\), not nova" "$out"
printf '[Service]\nUser=nova\nExecStart=/usr/bin/nova-compute\n' > "$SSHD/lib/systemd/system/nova-compute.service"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1); st=$?
expect_status "sshd: check of a host whose sshd refuses nova" 6 "$st" "$out"
expect_no_grep "nova's user: ... User=nova is [ssh]'s" 'ssh\.nova_user|nova-compute runs as' "$out"
expect_grep "sshd: an included file read first wins" \
	'ssh\.sshd +failed +/etc/ssh/sshd_config\.d/50 site\.conf:1 sets PubkeyAuthentication no: sshd takes no key' "$out"
expect_grep "sshd: DenyUsers names nova" 'ssh\.sshd +failed +/etc/ssh/sshd_config:3 sets DenyUsers backup nova: sshd refuses nova' "$out"
expect_grep "sshd: a line after a Match is not checked" 'not checked \(1\): ssh\.sshd_match \(/etc/ssh/sshd_config:5\)' "$out"
printf 'Include /etc/ssh/sshd_config.d/*.conf\nAllowUsers root nova\n' > "$SSHD/etc/ssh/sshd_config"
rm "$SSHD/etc/ssh/sshd_config.d/50 site.conf"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_no_grep "sshd: nothing of sshd's when it lets nova in" 'ssh\.sshd' "$out"
out=$(mr -v check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: ... but -v says it was examined" \
	"ssh\.sshd +ok +'takes the key': no line of /etc/ssh/sshd_config or its Includes refuses nova's key login" "$out"
printf 'Match Address 10.0.0.0/8\n\tPubkeyAuthentication no\n' >> "$SSHD/etc/ssh/sshd_config"
out=$(mr -v check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_no_grep "sshd: ... and not once a line is left unexamined" 'ssh\.sshd +ok' "$out"
# where sshd listens: nova's peers connect to my_ip, port 22 (found by a
# review: ListenAddress elsewhere, green)
mkdir -p "$SSHD/etc/nova"
printf '[DEFAULT]\nmy_ip = 10.20.0.11\n' > "$SSHD/etc/nova/nova.conf"
printf 'ListenAddress 192.0.2.10\n' > "$SSHD/etc/ssh/sshd_config"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: a ListenAddress that is not my_ip fails" \
	"ssh\.sshd +failed +sshd listens on 192\.0\.2\.10 port 22 \(/etc/ssh/sshd_config:1\), not on 10\.20\.0\.11 port 22, nova's my_ip" "$out"
printf 'Port 2222\nPort 22\nListenAddress 192.0.2.10\nListenAddress 10.20.0.11\n' > "$SSHD/etc/ssh/sshd_config"
out=$(mr -v check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: ... with my_ip among them, and port 22 among the Ports, passes" "ssh\.sshd +ok +'takes the key'" "$out"
rm -r "$SSHD/etc/nova"
# AllowGroups: the group's members looked up (nova's own group is known)
printf 'sshusers:x:120:admin,nova\n' >> "$SSHD/etc/group"
printf 'AllowGroups sshusers\n' > "$SSHD/etc/ssh/sshd_config"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_no_grep "sshd: AllowGroups of a group nova is a member of" 'ssh\.sshd' "$out"
sed -i 's/^sshusers:x:120:admin,nova$/sshusers:x:120:admin/' "$SSHD/etc/group"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: ... not once it is not" \
	"ssh\.sshd +failed +/etc/ssh/sshd_config:1 sets AllowGroups without a group of nova's: sshd refuses nova" "$out"
# DenyGroups quoted: the probe looks the group up as sshd reads the word
sed -i 's/^sshusers:x:120:admin$/sshusers:x:120:admin,nova/' "$SSHD/etc/group"
printf 'DenyGroups "sshusers"\n' > "$SSHD/etc/ssh/sshd_config"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: DenyGroups of a group of nova's, quoted" \
	"ssh\.sshd +failed +/etc/ssh/sshd_config:1 sets DenyGroups sshusers: sshd refuses nova, a member" "$out"
# ... a quoted name with a blank is one group to sshd, not two: not
# judged by the groups its words name (nova is in sshusers)
printf 'AllowGroups "domain sshusers"\n' > "$SSHD/etc/ssh/sshd_config"
out=$(mr -v check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: AllowGroups of a quoted name with a blank is not checked" \
	"not checked \(1\): ssh\.sshd_groups \(/etc/ssh/sshd_config:1\)" "$out"
expect_no_grep "... and not judged by its words" "ssh\.sshd +ok" "$out"
sed -i 's/^sshusers:x:120:admin,nova$/sshusers:x:120:admin/' "$SSHD/etc/group"
# Match Group: the group looked up, the block judged for nova
printf 'Match Group sshusers,!wheel\n\tChrootDirectory /srv/%%u\n' > "$SSHD/etc/ssh/sshd_config"
out=$(mr -v check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: a Match for a group nova is not in is never read" "ssh\.sshd +ok +'takes the key'" "$out"
sed -i 's/^sshusers:x:120:admin$/sshusers:x:120:admin,nova/' "$SSHD/etc/group"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: ... one for a group nova is in is" \
	"ssh\.sshd +failed +/etc/ssh/sshd_config:2 sets ChrootDirectory /srv/%u: sshd shuts nova in there" "$out"
rm "$SSHD/etc/ssh/sshd_config"
# StrictModes: sshd refuses keys under a home others can write; one
# still to be made (with ~/.ssh, root's) is not refused
rm -rf "$SSHD/var/lib/nova"
out=$(mr -v check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: a home still to be made is no failure" "ssh\.home +ok +'absent': made with what it holds" "$out"
mkdir -p "$SSHD/var/lib/nova" && chown 64060:64060 "$SSHD/var/lib/nova" && chmod 0775 "$SSHD/var/lib/nova"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: a home its group can write fails" \
	'ssh\.home +failed +0775 64060:64060: sshd \(StrictModes\) refuses the keys under a directory that group or others can write' "$out"
printf 'StrictModes no\n' >> "$SSHD/etc/ssh/sshd_config"
out=$(mr check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_no_grep "sshd: ... not with StrictModes no" 'ssh\.home' "$out"
chmod 0755 "$SSHD/var/lib/nova"
sed -i '/^StrictModes/d' "$SSHD/etc/ssh/sshd_config"
out=$(mr -v check --local --root "$SSHD" -p ssh.ini 2>&1)
expect_grep "sshd: ... 0755, the user's: ok" "ssh\.home +ok +'0755 64060:64060'" "$out"

out=$(mr verify --local --root "$ROOT" -p profile.ini 2>&1); expect_status "verify under --root" 1 $? "$out"
expect_fixed "... refused: a tree has no libvirt of its own" "migready: verify: --root: verify examines running hosts" "$out"
printf '[host img1]\nprofile = profile.ini\nroot = /srv/img1\n' >"$WORK/img.ini"
out=$(mr verify -i "$WORK/img.ini" 2>&1); expect_status "verify of an inventory host under a root" 1 $? "$out"
expect_fixed "... refused at its line" "migready: $WORK/img.ini:1: verify: host 'img1' has root = /srv/img1: verify examines running hosts" "$out"
out=$(mr facts --local -f prom 2>&1); expect_status "facts -f prom" 1 $? "$out"
expect_fixed "... refused: its metrics would read as a clean check" "migready: facts: --format is text or json" "$out"
# This machine's host keys are its tree's files: a tree without them is
# said so, not blamed on a connection (there is none).
printf '[ssh]\nknown_hosts = cluster\n' > kh.ini
out=$(mr check --local --root "$SSHD" -p kh.ini 2>&1)
expect_grep "known_hosts: a tree without host keys says so" \
	"ssh\.known_hosts +failed +no host key of 'localhost': its /etc/ssh has no ssh_host_\*_key\.pub" "$out"
expect_no_grep "... and writes no empty known_hosts for it" "ssh\.known_hosts +(drift|changed)" "$out"
# A tree with a host key but no name of its own (no etc/hostname, no
# my_ip; 'localhost' is every host's own): no line of it would ever be
# looked up, so the item fails rather than pass on an empty file.
KH=$WORK/khtree
mkdir -p "$KH/etc/ssh" "$KH/var/lib/nova"
printf 'root:x:0:0::/root:/bin/sh\nnova:x:64060:64060::/var/lib/nova:/bin/sh\n' > "$KH/etc/passwd"
printf 'root:x:0:\nnova:x:64060:\n' > "$KH/etc/group"
ssh-keygen -q -t ed25519 -N '' -f "$KH/etc/ssh/ssh_host_ed25519_key"
out=$(mr check --local --root "$KH" -p kh.ini 2>&1)
expect_grep "known_hosts: a host without a name of its own fails" \
	"ssh\.known_hosts +failed +no name by which nova's ssh reaches 'localhost' is known" "$out"
expect_no_grep "... and does not pass" "ssh\.known_hosts +(ok|drift)" "$out"
echo kh-host1 > "$KH/etc/hostname"
out=$(mr check --local --root "$KH" -p kh.ini 2>&1)
expect_grep "... with its host name: the line to write" "ssh\.known_hosts +drift +absent -> '1 peer, every name'" "$out"
# A [file] section and [qemu] setting one key of one file otherwise: each
# apply would undo the other. Both fail, naming each other; the file is
# not written.
CF=$WORK/conflict-host
new_host "$CF"
printf '[file /etc/libvirt/qemu.conf]\nlens = Migready_libvirt\nset = user root\n[qemu]\nuser = nova\n' > conflict.ini
sum=$(sha256sum < "$CF/etc/libvirt/qemu.conf")
out=$(mr apply --local --root "$CF" -p conflict.ini 2>&1); expect_status "two sections setting one key otherwise" 4 $? "$out"
expect_grep "... the [file] line fails, naming the other" \
	"file\.user +failed +user in /etc/libvirt/qemu\.conf is set here and set to 'nova' by qemu\.user \(conflict\.ini:5\)" "$out"
expect_grep "... and the [qemu] one" "qemu\.user +failed +user in /etc/libvirt/qemu\.conf is set here and set to 'root' by file\.user" "$out"
[ "$(sha256sum < "$CF/etc/libvirt/qemu.conf")" = "$sum" ] && ok "... neither is written" \
	|| not_ok "... neither is written" "$(grep -n '^user' "$CF/etc/libvirt/qemu.conf")"
# diff on a host that fails: the other files' diffs say that none is
# written (apply writes nothing there, one commit per host)
DF=$WORK/failing-host
new_host "$DF"
mkdir -p "$DF/etc/sysctl.d"
printf 'a b c\n' > "$DF/etc/sysctl.d/90-m.conf"
printf '[file /etc/sysctl.d/90-m.conf]\nlens = Sysctl\nset = net.ipv4.ip_forward 1\n[libvirtd]\nauth_tcp = none\n' > failing.ini
out=$(mr diff --local --root "$DF" -p failing.ini 2>&1); expect_status "diff of a host with a file that does not parse (failed, with drift)" 6 $? "$out"
expect_grep "... its other file's diff is said not written" \
	'^  this change is not written while this host fails \(one commit per host\)$' "$out"
expect_grep "... and shown" '^\+auth_tcp = "none"$' "$out"
printf 'net.ipv4.ip_forward = 0\n' > "$DF/etc/sysctl.d/90-m.conf"
out=$(mr diff --local --root "$DF" -p failing.ini 2>&1); expect_status "... mended" 2 $? "$out"
expect_no_grep "... the diffs are what apply writes" 'while this host fails' "$out"
out=$(mr check 2>&1); expect_status "no hosts given" 1 $? "$out"
out=$(mr frobnicate --local 2>&1); expect_status "unknown command" 1 $? "$out"
out=$(mr --help 2>&1); expect_status "--help" 0 $? "$out"
expect_grep "--help lists apply" '^  apply ' "$out"
out=$(mr --version 2>&1); expect_grep "--version" '^migready [0-9]+\.[0-9]+' "$out"

summary
[ "$failed" = 0 ]
