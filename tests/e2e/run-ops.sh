#!/bin/bash
# The parts around the engine that cron and monitoring rely on, on host
# trees: the JSON report against its documented shape, the Prometheus
# textfile (promtool, and a strict line check), an unreachable host, -o that
# cannot be written, the run lock, --splay, --syslog, per-command help and
# show.
set -u
MIGREADY=$(realpath "${1:?usage: run-ops.sh MIGREADY SOURCE_DIR}")
SRC=$(realpath "${2:?usage: run-ops.sh MIGREADY SOURCE_DIR}")
DATA=$SRC/tests/data/e2e
CHECK=$SRC/tests/e2e/check-report.py
. "$SRC/tests/lib/hosttree.sh"
WORK=$(mktemp -d /tmp/migready-ops.XXXXXX)
holder=
trap '[ -z "$holder" ] || kill "$holder" 2>/dev/null; rm -rf "$WORK"' EXIT
. "$SRC/tests/lib/expect.sh"
cp -a "$DATA/host" "$WORK/host" && hosttree debian12-socket "$WORK/host"
cp "$DATA"/profile.ini "$WORK/"
cd "$WORK"
# The run lock's directory: this test's own (migready makes it).
export MIGREADY_RUN_DIR=$WORK/run
mr() { "$MIGREADY" --color never "$@"; }
ROOT=$WORK/host

# --- JSON ---
out=$(mr check -l --root "$ROOT" -p profile.ini -f json -o report.json 2>&1); st=$?
expect_status "json check of a drifted host" 2 "$st" "$out"
res=$(python3 "$CHECK" json report.json 2>&1) && ok "json report has the documented shape" \
	|| not_ok "json report has the documented shape" "$res"
sum=$(sha256sum < profile.ini | cut -d' ' -f1)
# A profile that warns (a firewall that leaves libvirt's port closed); the
# warning is in the report.
cat > partial.ini <<'INI'
include = profile.ini
[firewall]
allow = 22/tcp
INI
mr check -l --root "$ROOT" -p partial.ini -f json -o partial.json >/dev/null 2>&1
# What the assertions below look at, one python run (python starts slowly
# on a loaded machine).
seen=$(python3 - report.json partial.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = d["hosts"][0]
print("profile", d["profiles"][0]["path"], d["profiles"][0]["sha256"])
for s in h["settings"]:
    print("setting", s["setting"], s["status"], s["current"], s["desired"], s["origin"], s["default"])
print("host", h["reachable"], h["summary"]["os.id"], h["summary"]["os.version_id"])
for w in json.load(open(sys.argv[2]))["warnings"]:
    print("warning", w)
PY
)
expect_grep "json names the profile and its SHA-256" "^profile profile.ini $sum\$" "$seen"
expect_grep "json: the drifted setting with desired, actual and origin" \
	"^setting libvirtd.auth_tcp drift None none profile.ini:[0-9]+ sasl$" "$seen"
expect_grep "json: the host reached, with its OS" "^host True debian 12$" "$seen"
expect_grep "json lists the run's warnings" "^warning .*partial.ini:3: firewall.allow does not open " "$seen"

# --- an unreachable host: its own state, never 0 drift ---
cat > down.ini <<'INI'
[defaults]
port = 1
profile = profile.ini
[host down1]
address = 127.0.0.1
INI
out=$(mr check -i down.ini -f json -o down.json 2>&1); st=$?
expect_status "check of an unreachable host" 4 "$st" "$out"
res=$(python3 "$CHECK" json down.json 2>&1) && ok "json of an unreachable host has the documented shape" \
	|| not_ok "json of an unreachable host has the documented shape" "$res"
expect_grep "json: unreachable host not reachable, failed" '"reachable": ?false' "$(grep -E -A2 '"status": ?"failed"' down.json)"
mr check -i down.ini -f prom -o down.prom >/dev/null 2>&1
prom=$(cat down.prom)
expect_grep "prom: unreachable host has reachable 0" '^migready_host_reachable\{host="down1",command="check"\} 0$' "$prom"
expect_no_grep "prom: unreachable host has no drift count" '^migready_drift_settings\{host="down1"' "$prom"
expect_no_grep "prom: no last success after a failed run" '^migready_last_success_timestamp_seconds' "$prom"

# --- Prometheus ---
out=$(mr check -l --root "$ROOT" -p profile.ini -f prom -o check.prom 2>&1); st=$?
expect_status "prom check" 2 "$st" "$out"
prom=$(cat check.prom)
expect_grep "prom: a series names the drifted setting" \
	'^migready_setting_drift\{host="localhost",command="check",setting="libvirtd.auth_tcp"\} 1$' "$prom"
expect_grep "prom: run duration" '^migready_run_duration_seconds\{command="check"\} [0-9.]+$' "$prom"
expect_grep "prom: last success" '^migready_last_success_timestamp_seconds\{command="check"\} [0-9.]+$' "$prom"
for f in check.prom down.prom; do
	res=$(python3 "$CHECK" prom "$f" 2>&1) && ok "$f: every line in the exposition format" \
		|| not_ok "$f: every line in the exposition format" "$res"
	if command -v promtool >/dev/null; then
		res=$(promtool check metrics < "$f" 2>&1) && ok "$f: promtool check metrics" \
			|| not_ok "$f: promtool check metrics" "$res"
	elif [ "${CI:-}" = true ]; then
		not_ok "$f: promtool check metrics: promtool missing (scripts/deps.sh test)"
	fi
done
if command -v promtool >/dev/null; then
	res=$(promtool check rules "$SRC/examples/prometheus/migready.rules.yml" 2>&1) \
		&& ok "the example alert rules pass promtool check rules" \
		|| not_ok "the example alert rules pass promtool check rules" "$res"
fi
# A failed run keeps the time of the last success from the file it replaces.
last=$(sed -n 's/^migready_last_success_timestamp_seconds{command="check"} //p' check.prom)
mr check -i down.ini -f prom -o check.prom >/dev/null 2>&1
expect_grep "prom: a failed run keeps the last success" \
	"^migready_last_success_timestamp_seconds\{command=\"check\"\} $last\$" "$(cat check.prom)"

# --- -o that cannot be written: its own exit status ---
# (root may write anywhere: a directory that is a file is what fails)
out=$(mr check -l --root "$ROOT" -p profile.ini -f prom -o "$WORK/profile.ini/m.prom" 2>&1); st=$?
expect_status "an unwritable -o" 8 "$st" "$out"
expect_grep "an unwritable -o is named" "cannot write the report to $WORK/profile.ini/m.prom" "$out"
# a name taken by a link or a directory is said before any host
ln -s elsewhere.prom "$WORK/link.prom"
out=$(mr check -l --root "$ROOT" -p profile.ini -f prom -o "$WORK/link.prom" 2>&1); st=$?
expect_status "-o at a symbolic link" 8 "$st" "$out"
expect_fixed "... said before any host" "cannot write the report to $WORK/link.prom; no host contacted" "$out"
out=$(mr check -l --root "$ROOT" -p profile.ini -f prom -o "$WORK" 2>&1); st=$?
expect_status "-o at a directory" 8 "$st" "$out"
expect_fixed "... said before any host" "migready: $WORK: is a directory" "$out"
# one that fails only once the run is done (its file system full): the
# run's outcome is not lost with it
mkdir -p "$WORK/full"
# shellcheck disable=SC2016 # expanded by that sh
out=$(unshare -m sh -c 'mount -t tmpfs -o size=4k mr "$1" && { dd if=/dev/zero of="$1/fill" bs=4096 count=4 2>/dev/null; true; } && shift && exec "$@"' \
	- "$WORK/full" "$MIGREADY" --color never check -l --root "$ROOT" -p profile.ini -f json -o "$WORK/full/r.json" 2>&1); st=$?
expect_status "-o on a full file system" 8 "$st" "$out"
expect_grep "... the summary and the status it would have had on stderr" \
	"cannot write the report to $WORK/full/r.json; check: 1 host: .* \(exit status [0-9] without the report's failure\)\$" "$out"
# a directory that is not there is a typo, not one to make
out=$(mr check -l --root "$ROOT" -p profile.ini -f prom -o "$WORK/no/such/m.prom" 2>&1); st=$?
expect_status "-o in a missing directory" 8 "$st" "$out"
expect_grep "... says which" "$WORK/no/such: no such directory for the report" "$out"
[ ! -e "$WORK/no" ] && ok "... and makes none" || not_ok "... made it" "$(ls -R "$WORK/no")"
# a file of the controller: no host before its name
out=$(mr check -l --root "$ROOT" -p profile.ini -o /proc/version 2>&1); st=$?
expect_status "-o where no file can be made" 8 "$st" "$out"
expect_grep "... names the file as given" '^migready: /proc/version: cannot create a temporary file' "$out"
expect_no_grep "... with no host before it" 'localhost:' "$out"

# --- the run lock ---
# run_lock KEY: its file, named after the inventory's real path or
# "local:" and the root's
run_lock() { echo "$MIGREADY_RUN_DIR/run-$(printf '%s' "$1" | sha256sum | cut -c1-16).lock"; }
# each run removes its lock file when done, still holding it
[ -d "$MIGREADY_RUN_DIR" ] && [ -z "$(ls -A "$MIGREADY_RUN_DIR")" ] \
	&& ok "no lock file is left behind" || not_ok "lock files left behind" "$(ls -AR "$MIGREADY_RUN_DIR")"
# The tree's own lock, held by another process.
export MIGREADY_RUN_DIR=$WORK/run2
mkdir -m 700 "$MIGREADY_RUN_DIR"
lock=$(run_lock "local:$(realpath "$ROOT")")
printf 'migready 20261123T021500Z-4242-137 (pid 4242)\n' > "$lock"
# -o: flock itself holds the lock, so killing it releases the lock
flock -o "$lock" sleep 30 & holder=$!
for _ in $(seq 50); do flock -n "$lock" true || break; sleep 0.1; done
start=$(date +%s.%N)
out=$(mr check -l --root "$ROOT" -p profile.ini --lock-wait 1 2>&1); st=$?
end=$(date +%s.%N)
expect_status "a second run while the lock is held" 9 "$st" "$out"
expect_grep "the held lock names its holder and its file, in the runtime directory" \
	"another run holds its lock \(migready 20261123T021500Z-4242-137 \(pid 4242\), $lock\)" "$out"
# A lock per inventory: with the tree's held, a run of down.ini goes on
# (its unreachable host: 4), not locked out (9).
out=$(mr check -i down.ini --lock-wait 0 2>&1); st=$?
expect_status "one lock per inventory or root: another inventory's run is not held up" 4 "$st" "$out"
python3 -c "import sys; sys.exit(not (float(sys.argv[2]) - float(sys.argv[1]) >= 1))" "$start" "$end" \
	&& ok "the second run waited --lock-wait" || not_ok "the second run waited --lock-wait"
kill "$holder"; wait "$holder" 2>/dev/null; holder=
# The default directory depends on the user alone: a login's
# XDG_RUNTIME_DIR (cron has none) does not move the lock.
if [ "$(id -u)" = 0 ]; then dflt=/run/migready; else dflt=/tmp/migready-$(id -u); fi
mkdir -p -m 700 "$dflt"
dlock=$dflt/${lock##*/}
flock -o "$dlock" sleep 30 & holder=$!
for _ in $(seq 50); do flock -n "$dlock" true || break; sleep 0.1; done
out=$(env -u MIGREADY_RUN_DIR XDG_RUNTIME_DIR="$WORK/run2" "$MIGREADY" --color never check -l --root "$ROOT" -p profile.ini --lock-wait 0 2>&1); st=$?
expect_status "a run from a login (XDG_RUNTIME_DIR set) meets the lock of one without" 9 "$st" "$out"
expect_grep "... in the user's directory" "another run holds its lock \(holder unknown, $dlock\)" "$out"
kill "$holder"; wait "$holder" 2>/dev/null; holder=
rm -f "$dlock"
# Two real runs at once: the second waits for the first, then runs.
mr apply -l --root "$ROOT" -p profile.ini > first.out 2>&1 & first=$!
# the check starts once the apply holds the lock (or is done)
while kill -0 "$first" 2>/dev/null && flock -n "$lock" true; do sleep 0.05; done
mr check -l --root "$ROOT" -p profile.ini --lock-wait 60 > second.out 2>&1; st=$?
wait "$first"; st1=$?
expect_status "concurrent runs: the apply" 2 "$st1" "$(cat first.out)"
expect_status "concurrent runs: the check, after the apply" 0 "$st" "$(cat second.out)"
# under a root prefix, the backup path printed is the prefixed one
bdir=$(sed -n 's/^  backup: //p' first.out)
case $bdir in "$ROOT"/var/lib/migready/backups/*) [ -f "$bdir/MANIFEST" ] ;; *) false ;; esac \
	&& ok "apply prints the backup directory with the root prefix" \
	|| not_ok "apply prints the backup directory with the root prefix" "$(cat first.out)"

# Runs waiting on a lock file that its holder then removes take the new
# one: each runs in turn, and none leaves its file behind.
for i in 1 2 3; do (mr check -l --root "$ROOT" -p profile.ini --lock-wait 60 >/dev/null 2>&1; echo $? >"lockrun.$i") & done
wait
[ "$(cat lockrun.1 lockrun.2 lockrun.3 | tr -d '\n')" = 000 ] && ok "three runs at once all run" \
	|| not_ok "three runs at once" "$(cat lockrun.*)"
[ -z "$(ls -A "$MIGREADY_RUN_DIR")" ] && ok "... and leave no lock file" \
	|| not_ok "... left" "$(ls -A "$MIGREADY_RUN_DIR")"

# --- --splay ---
start=$(date +%s.%N)
out=$(mr check -v -l --root "$ROOT" -p profile.ini --splay 2 2>&1); st=$?
end=$(date +%s.%N)
expect_status "check with --splay" 0 "$st" "$out"
wait_s=$(printf '%s\n' "$out" | sed -n 's/^migready: info: splay: waiting \([0-9.]*\) s$/\1/p')
python3 -c "import sys; w = float(sys.argv[1]); sys.exit(not (0 <= w <= 2 and float(sys.argv[3]) - float(sys.argv[2]) >= w))" \
	"${wait_s:--1}" "$start" "$end" && ok "--splay waits a bounded random time" || not_ok "--splay waits a bounded random time" "$out"
out=$(mr check -l --root "$ROOT" -p profile.ini --splay 3601 2>&1)
expect_status "--splay past its bound" 1 $? "$out"

# --- per-command help, did you mean ---
out=$(mr apply --help 2>&1); expect_status "apply --help" 0 $? "$out"
expect_grep "apply --help is apply's" "^usage: migready \[OPTIONS\] apply$" "$out"
out=$(mr help check 2>&1); expect_status "help check" 0 $? "$out"
expect_grep "help check is check's" "^usage: migready \[OPTIONS\] check$" "$out"
out=$(mr chek -l 2>&1); expect_status "a mistyped command" 1 $? "$out"
expect_grep "a mistyped command gets a suggestion" "unknown command 'chek'; did you mean 'check'\?" "$out"
out=$(mr chekc -l 2>&1)
expect_grep "two letters swapped get one too" "unknown command 'chekc'; did you mean 'check'\?" "$out"
# -v: each step of a host at its time since the host's start, in order
out=$(mr -v check -l --root "$ROOT" -p "$SRC/profiles/base-libvirt.ini" 2>&1 >/dev/null)
times=$(printf '%s\n' "$out" | sed -n 's/^migready: info: localhost: [a-z ,]* \(at\|in\) \([0-9.]*\) s.*/\2/p')
[ "$(printf '%s\n' "$times" | wc -l)" -ge 4 ] && [ "$(printf '%s\n' "$times" | sort -n)" = "$times" ] \
	&& ok "-v: the steps' times never go back" || not_ok "-v: the steps' times never go back" "$out"
out=$(mr help help 2>&1); expect_status "help help" 0 $? "$out"
expect_grep "... is the general help" "^usage: migready \[OPTIONS\] COMMAND$" "$out"
out=$(mr help rollback 2>&1 | tr '\n' ' ')
expect_grep "help rollback names every exit status" "Exit status: 0 .* 2 .* 4 .* 6 both; 1 invalid input, 8 the report not written, 9 another run holds the lock" "$out"
out=$(mr --bogus check 2>&1); expect_status "an unknown option" 1 $? "$out"
expect_fixed "... said as migready, whatever path ran it" "migready: unrecognized option '--bogus'" "$out"

# --- show: the merged desired state with origins ---
cat > inv.ini <<'INI'
[defaults]
profile = partial.ini
[host c1]
address = 10.20.0.11
set = qemu.user libvirt-qemu
INI
out=$(mr show -i inv.ini 2>&1); expect_status "show" 0 $? "$out"
line=$(grep -n '^auth_tcp' profile.ini | cut -d: -f1)
expect_grep "show: a value from an include, with its line" "^  auth_tcp = none +; (.*/)?profile.ini:$line\$" "$out"
expect_grep "show: a value of the profile itself" "^  allow = 22/tcp +; (.*/)?partial.ini:3\$" "$out"
expect_grep "show: an inventory override, with its line" "^  user = libvirt-qemu +; inv.ini:5\$" "$out"

# --- --syslog: one summary line, read from a socket at /dev/log ---
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	mkdir dev && for n in null zero urandom random; do : > "dev/$n"; done
	python3 - "$WORK/dev/log" > syslog.out 2>&1 <<'PY' & reader=$!
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(30)
print(s.recv(4096).decode())
PY
	for _ in $(seq 50); do [ -S dev/log ] && break; sleep 0.1; done
	unshare -m sh -c 'for n in null zero urandom random; do mount --bind "/dev/$n" "dev/$n"; done &&
		mount --bind dev /dev && exec "$0" --color never -q --syslog -l --root "$1" -p profile.ini check' \
		"$MIGREADY" "$ROOT" >/dev/null 2>&1
	wait "$reader"
	expect_grep "--syslog: the run's summary" \
		'migready\[[0-9]+\]: check: 1 host: 1 in the desired state, 0 drifted, 0 failed \(run [0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9]{3}, exit status 0\)' \
		"$(cat syslog.out)"
elif [ "${CI:-}" = true ]; then
	not_ok "--syslog: needs root and unshare"
fi

summary
[ "$failed" = 0 ]
