#!/bin/bash
# migready verify, the real binary, against libvirt's test driver:
#   test      each host a node file, test:///DIR/nodeN.xml
#   libvirtd  the same nodes served by a real libvirtd started here
#             (tests/lib/libvirtd.sh), test+tcp://127.0.0.1:PORT/DIR/nodeN.xml
# The nodes (tests/data/verify/nodes) differ in guests: one guest UUID
# running on two hosts, one paused on two, pinned vCPUs overlapping. The
# test driver's capabilities are the same for every host (no host UUID, no
# CPU model, security model 'testSecurity') and it has no domain
# capabilities, so verify_preload.so stands in for those two documents
# with fixtures beside each node (different CPUs, security drivers, a cloned
# host UUID); one run goes without it, to show what libvirt alone gives.
#   run-verify.sh MIGREADY SOURCE_DIR PRELOAD LIBVIRTD_SH test|libvirtd
set -u
MIGREADY=$(realpath "${1:?usage: run-verify.sh MIGREADY SOURCE_DIR PRELOAD LIBVIRTD_SH MODE}")
SRC=${2:?}
PRELOAD=$(realpath "${3:?}")
LIBVIRTD_SH=${4:?}
MODE=${5:?}
DATA=$SRC/tests/data/verify
DIR=$(mktemp -d /tmp/migready-verify.XXXXXX)
chmod 755 "$DIR" # the libvirtd of mode libvirtd runs as nobody and reads the nodes
. "$SRC/tests/lib/expect.sh"

cleanup() { [ -n "${KEEP:-}" ] && return; bash "$LIBVIRTD_SH" stop "$DIR/libvirtd" >/dev/null 2>&1; rm -rf "$DIR"; }
trap cleanup EXIT


# The nodes, world-readable, and beside each one the documents that stand in
# for the test driver's: which real-host shape each node plays.
cp "$DATA"/nodes/node*.xml "$DIR/"
standin() { cp "$DATA/$2" "$DIR/$1"; }
standin node1.caps.xml haswell-a.caps.xml      # Intel Haswell, apparmor
standin node2.caps.xml haswell-clone.caps.xml  # node1's SMBIOS UUID
standin node3.caps.xml milan-selinux.caps.xml  # AMD Milan, selinux, qemu 107
standin node4.caps.xml haswell-b.caps.xml
standin node4.domcaps.xml haswell.domcaps.xml
standin node5.caps.xml skylake.caps.xml
standin node5.domcaps.xml skylake.domcaps.xml
standin node6.caps.xml haswell-a.caps.xml     # a guest with a TSC frequency
standin node7.caps.xml haswell-b-tsc-far.caps.xml # its host runs at another
chmod -R a+rX "$DIR"

if [ "$MODE" = libvirtd ]; then
	PORT=$(bash "$LIBVIRTD_SH" port) || exit 1
	bash "$LIBVIRTD_SH" start "$DIR/libvirtd" "$PORT"
	st=$?
	# libvirtd.sh already turns a missing daemon under CI=true into 1
	[ "$st" = 77 ] && exit 77
	[ "$st" = 0 ] || { echo "libvirtd did not start"; exit 1; }
	uri() { echo "test+tcp://127.0.0.1:$PORT$DIR/$1.xml"; }
else
	uri() { echo "test://$DIR/$1.xml"; }
fi

inventory() { # FILE PROFILE NODE...
	local f=$1 p=$2
	shift 2
	{
		echo "[defaults]"
		echo "profile = $DATA/$p"
		for n in "$@"; do
			printf '[host %s]\nlibvirt_uri = %s\n' "$n" "$(uri "$n")"
		done
	} >"$DIR/$f"
}
mr() { LD_PRELOAD=$PRELOAD ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	"$MIGREADY" --color never "$@"; }

# Three hosts that cannot reach each other, each for its own reasons.
# These hosts have no sshd: the SSH side fails on each (4), on top of the
# pairs libvirt fails (2); run-verify-ssh.sh tests that side.
inventory mixed.ini profile-host-model.ini node1 node2 node3
out=$(mr verify -i "$DIR/mixed.ini" 2>&1); st=$?
expect_status "verify of three mismatched hosts" 6 "$st" "$out"
expect_fixed "the SSH side names its failure" "FAIL          SSH connection: node1:" "$out"
expect_fixed "matrix header" "source \\ destination  node1  node2  node3" "$out"
expect_fixed "matrix row" "node1                 -      FAIL   FAIL " "$out"
expect_fixed "cloned host UUID" "node1 -> node2: same host UUID" "$out"
expect_fixed "libvirt's own message is quoted" "libvirt refuses with 'Attempt to migrate guest to the same host'" "$out"
expect_fixed "guest running on two hosts" "guest 'web1' active on both" "$out"
expect_fixed "guest paused on both ends" "guest 'stuck' paused on both" "$out"
expect_fixed "pinned vCPUs would be shared" "node1 -> node2: same host UUID; guest 'web1' active on both; guest 'stuck' paused on both; warning: guest 'web1' pinned to CPUs 3 of guest 'batch'" "$out"
expect_fixed "pinning finding" "WARN          pinning: guest 'web1' pinned to CPUs 2-3 would share them with pinned guests 'batch' on node2 (CPUs 3)" "$out"
expect_fixed "Intel to AMD" "node1 -> node3: CPU vendor 'AMD', not 'Intel'" "$out"
expect_fixed "security drivers differ" "security driver 'selinux', not 'apparmor'" "$out"
expect_fixed "qemu's ids differ" "qemu runs as '+107:+107', not '+64055:+64055'" "$out"
expect_fixed "versions come from libvirt" "libvirt 9.0.0, TEST 0.0.2; CPU Intel Haswell-noTSX; security apparmor; 3 active guests" "$out"
expect_fixed "no baseline across vendors" "baseline CPU of all hosts: none (node1: $(uri node1): baseline CPU: operation failed: CPU vendors do not match)" "$out"
expect_fixed "the SSH side is not examined" "  ssh: pairwise TCP probes                              : NOT EXAMINED" "$out"
expect_fixed "a check line that passed" "  libvirt: libvirt and QEMU no older than elsewhere     : PASS" "$out"
expect_fixed "a check line that failed" "  libvirt: host UUID unique                             : FAIL" "$out"
out=$(mr verify -q -i "$DIR/mixed.ini" 2>&1)
expect_no_fixed "-q leaves out what passed" ": PASS" "$out"
expect_fixed "-q keeps what is not examined" "  ssh: migration SSH                                    : NOT EXAMINED" "$out"
expect_fixed "summary" "6 pairs: 0 can migrate (0 with warnings), 6 cannot, 0 not examined; 3 hosts, 3 not examined" "$out"

out=$(mr verify -i "$DIR/mixed.ini" -f json 2>/dev/null); st=$?
expect_status "verify -f json" 6 "$st" "$out"
expect_fixed "json: a pair" '"source":"node1",
      "destination":"node2",
      "ok":false,' "$out"
expect_fixed "json: its reasons" '"reasons":[
        "same host UUID",' "$out"
expect_fixed "json: per-host findings" '"check":"host-uuid",' "$out"
expect_fixed "json: not examined, never passed" '"not_examined":[
        "pairwise TCP probes",' "$out"
n=$(printf '%s\n' "$out" | grep -c '"destination":')
[ "$n" = 6 ] && ok "json: one entry per ordered pair" || not_ok "json: one entry per ordered pair ($n)"
# written a host and a pair at a time, it is still one JSON document
parsed=$(printf '%s' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(list(d), len(d["hosts"]), len(d["pairs"]), d["summary"]["pairs"])' 2>&1)
expect_fixed "json: one document, as written" "['command', 'hosts', 'pairs', 'baseline', 'summary'] 3 6 6" "$parsed"

out=$(mr verify -i "$DIR/mixed.ini" -j 1 2>&1)
out3=$(mr verify -i "$DIR/mixed.ini" -j 3 2>&1)
[ "$out" = "$out3" ] && ok "-j 1 and -j 3 give the same report" || not_ok "-j 1 and -j 3 differ" "$(diff <(echo "$out") <(echo "$out3"))"

out=$(mr verify -i "$DIR/mixed.ini" -f prom 2>&1); st=$?
expect_status "verify -f prom" 1 "$st" "$out"
expect_fixed "prom refused" "verify: --format is text or json" "$out"
mr verify -i "$DIR/mixed.ini" -f json -o "$DIR/report.json" >/dev/null 2>&1; st=$?
expect_status "verify -o FILE" 6 "$st" ""
grep -q '"pairs":\[' "$DIR/report.json" && ok "-o wrote the report" || not_ok "-o wrote the report"
out=$(mr lint -i "$DIR/mixed.ini" 2>&1); st=$?
expect_status "lint of an inventory with libvirt_uri" 0 "$st" "$out"

# libvirt's test driver alone: what it cannot say is not examined, not passed.
out=$(LD_PRELOAD= "$MIGREADY" --color never verify -i "$DIR/mixed.ini" 2>&1); st=$?
expect_status "verify without stand-ins" 6 "$st" "$out"
expect_fixed "host UUID not examined" "NOT EXAMINED  host-uuid: host UUID unknown (not in capabilities): uniqueness not examined" "$out"
expect_fixed "CPU not examined" "CPU model or vendor unknown here (not in capabilities): CPU compatibility not examined" "$out"
expect_fixed "the test driver's security model" "security testSecurity" "$out"
expect_fixed "guests still compared" "guest 'web1' active on both" "$out"
expect_no_fixed "no clone found from nothing" "same host UUID" "$out"

# Two hosts that can migrate both ways: a custom model usable on both.
inventory good.ini profile-custom.ini node4 node5
out=$(mr verify -i "$DIR/good.ini" 2>&1); st=$?
# libvirt finds nothing against them; without the SSH side they are not
# called ok (4)
expect_status "verify of two compatible hosts" 4 "$st" "$out"
expect_fixed "libvirt's side passes" "  libvirt: CPU compatible with the other hosts          : PASS" "$out"
expect_fixed "no pair ok without the SSH side" "2 pairs: 0 can migrate (0 with warnings), 0 cannot, 2 not examined; 2 hosts, 2 not examined" "$out"
expect_fixed "baseline from libvirt" "baseline CPU of all hosts: Haswell-noTSX (Intel)" "$out"
expect_fixed "ok even so, SSH side not examined" "  ssh: shared-storage marker                            : NOT EXAMINED" "$out"

# The same hosts with a model the Haswell host cannot run.
sed 's/^cpu_model = .*/cpu_model = Skylake-Server-IBRS/' "$DATA/profile-custom.ini" >"$DIR/skylake.ini"
sed "s|^profile = .*|profile = $DIR/skylake.ini|" "$DIR/good.ini" >"$DIR/skylake-inv.ini"
out=$(mr verify -i "$DIR/skylake-inv.ini" 2>&1); st=$?
expect_status "verify with a model blocked on one host" 6 "$st" "$out"
expect_fixed "blocked model" "node5 -> node4: CPU model 'Skylake-Server-IBRS' not usable" "$out"
expect_fixed "its blockers" "cpu_model 'Skylake-Server-IBRS' not usable on node4 (blockers: 3dnowprefetch, adx, avx512bw" "$out"

# A guest started with a TSC frequency (its live XML, as libvirt gives it):
# a host at another frequency that cannot scale fails, one whose
# capabilities give none is not examined.
inventory tsc.ini profile-host-model.ini node6 node4 node7
out=$(mr verify -i "$DIR/tsc.ini" 2>&1); st=$?
expect_status "verify of a guest with a TSC frequency" 6 "$st" "$out"
expect_fixed "another frequency, no scaling" "node6 -> node7: guest 'timed': TSC frequency 2600000000 Hz, not within 250 ppm of the guest's 2300000000 Hz, and no TSC scaling" "$out"
expect_fixed "no frequency known: not examined" "guest 'timed' (TSC frequency 2300000000 Hz): whether node4 (no TSC frequency in its capabilities) can run it is not known: its moves there not examined" "$out"
expect_fixed "the matrix row of its host" "node6                 -      ?      FAIL " "$out"

# Hosts that cannot be examined: refused, and a name that does not resolve.
cp "$DIR/good.ini" "$DIR/down.ini"
printf '[host refused]\nlibvirt_uri = qemu+tcp://127.0.0.1:1/system\n[host nowhere]\naddress = nowhere.invalid\n' >>"$DIR/down.ini"
start=$(date +%s)
out=$(mr verify -i "$DIR/down.ini" --timeout 10 2>&1); st=$?
expect_status "verify with unreachable hosts" 4 "$st" "$out"
expect_fixed "refused names host and URI" "refused: qemu+tcp://127.0.0.1:1/system: cannot reach 127.0.0.1 port 1 within 10 s: Connection refused" "$out"
expect_fixed "default URI from the address" "nowhere: qemu+tcp://nowhere.invalid/system: cannot resolve 'nowhere.invalid'" "$out"
expect_fixed "pairs with them not examined" "refused -> node4: not examined" "$out"
# refused and unresolvable are answers: no waiting for the time-out
[ $(($(date +%s) - start)) -lt 9 ] && ok "no wait for the time-out" || not_ok "took $(($(date +%s) - start)) s"

if [ "$MODE" = libvirtd ]; then
	# A daemon that accepts connections and never answers (stopped, as a
	# deadlocked libvirtd would be): given up on, not waited for.
	pid=$(cat "$DIR/libvirtd/libvirtd.started")
	kill -STOP "$pid"
	start=$(date +%s)
	out=$(mr verify -i "$DIR/good.ini" --timeout 1 2>&1); st=$?
	took=$(($(date +%s) - start))
	# with one worker: the hung host is given up on, a new worker does the rest
	printf '[defaults]\nprofile = %s\n[host hung]\nlibvirt_uri = %s\n[host direct]\nlibvirt_uri = test://%s\n' \
		"$DATA/profile-host-model.ini" "$(uri node4)" "$DIR/node5.xml" >"$DIR/hung.ini"
	out2=$(mr verify -i "$DIR/hung.ini" -j 1 --timeout 1 2>&1); st2=$?
	kill -CONT "$pid"
	expect_status "verify -j 1 with a hung host first" 4 "$st2" "$out2"
	expect_fixed "the next host is still examined" "  libvirt: connection                                   : PASS" "$out2"
	expect_status "verify against a hung libvirtd" 4 "$st" "$out"
	expect_fixed "the hung host is named" "node4: test+tcp://127.0.0.1:$PORT$DIR/node4.xml: no answer within 3 s" "$out"
	[ "$took" -le 6 ] && ok "given up on after the time-out ($took s)" || not_ok "hung for $took s"
	out=$(mr verify -i "$DIR/good.ini" 2>&1); st=$?
	expect_status "the same daemon, running again (the SSH side aside)" 4 "$st" "$out"
	expect_no_fixed "libvirt answers again" "libvirt: connection                                   : FAIL" "$out"

	bash "$LIBVIRTD_SH" stop "$DIR/libvirtd"
	out=$(mr verify -i "$DIR/good.ini" 2>&1); st=$?
	expect_status "verify once libvirtd is stopped" 4 "$st" "$out"
	expect_fixed "the stopped daemon is named" "node4: test+tcp://127.0.0.1:$PORT$DIR/node4.xml: cannot reach 127.0.0.1 port $PORT" "$out"
fi

summary
[ "$failed" = 0 ]
