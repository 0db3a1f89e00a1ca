#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs each for SECONDS (default 20), one
# per CPU at a time, starting from its committed seeds. Fails on any crash,
# leak, time-out or broken promise; the input that shows it is kept in
# build-fuzz/fuzz-artifacts/TARGET/ and its base64 is printed.
#   scripts/fuzz.sh [SECONDS]
# Environment: BUILD (default build-fuzz), CC (default clang), TARGETS
# (names without fuzz_, space-separated; default all), JOBS (targets run
# at once; default the CPUs).
# Columns: libFuzzer's final figures: runs, execs/s, cov (edges of the
# instrumented code reached, and their share of all its edges), ft
# (features), the corpus size in inputs, peak RSS.
# Longer runs with figures: bench/fuzz.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-20}
build=${BUILD:-build-fuzz}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 1 ;; esac

opts="-Dfuzz=enabled -Db_sanitize=address,undefined -Db_lundef=false -Dtests=disabled -Dwerror=true"
if [ -f "$build/build.ninja" ]; then
	# shellcheck disable=SC2086
	meson setup --reconfigure "$build" $opts >/dev/null
else
	rm -rf "$build"
	# shellcheck disable=SC2086
	CC=${CC:-clang} meson setup "$build" $opts
fi
ninja -C "$build" fuzz >"$build/fuzz-build.log" 2>&1 || { cat "$build/fuzz-build.log"; exit 1; }

# Every target built, found the way meson.build lists them.
targets=$(cd "$build/tests/fuzz" && for f in fuzz_*; do
	if [ -f "$f" ] && [ -x "$f" ]; then echo "${f#fuzz_}"; fi
done)
[ -n "$targets" ] || { echo "fuzz: no target built" >&2; exit 1; }

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1"
# One target per CPU at a time (JOBS, default nproc): libFuzzer is single-
# threaded, so each gets the same executions as alone, in less wall time.
jobs=${JOBS:-$(nproc)}
case $jobs in '' | *[!0-9]* | 0) echo "fuzz: JOBS must be a positive number" >&2; exit 1 ;; esac
# shellcheck disable=SC2086,SC2116
want=" $(echo ${TARGETS:-$targets}) "
chosen=
for t in $targets; do
	case $want in *" $t "*) chosen="$chosen $t" ;; esac
done

# Runs target $1; its result ("ok" or "FAILED") and seconds go to
# $build/fuzz-logs/$1.result, for the table below.
fuzz_one() {
	t=$1
	# A scratch corpus: what the run learns does not touch the committed
	# seeds, and a later run (bench/fuzz) starts from it.
	corpus=$build/fuzz-corpus/$t
	art=$build/fuzz-artifacts/$t
	log=$build/fuzz-logs/$t.log
	mkdir -p "$corpus" "$art" "$(dirname "$log")"
	rm -f "$art"/* # what is shown below is this run's
	seeds=tests/fuzz/seeds/$t
	[ -d "$seeds" ] || seeds=
	start=$(date +%s)
	st=ok
	# shellcheck disable=SC2086
	"$build/tests/fuzz/fuzz_$t" "$corpus" $seeds -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$art/" \
		</dev/null >"$log" 2>&1 || st=FAILED
	echo "$st $(($(date +%s) - start))" >"$build/fuzz-logs/$t.result"
}

running=0
for t in $chosen; do
	rm -f "$build/fuzz-logs/$t.result"
	fuzz_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

failed=0
passed=0
printf '%-18s %-6s %5s %9s %8s %13s %6s %7s %6s\n' target result s runs execs/s "cov (of PCs)" ft corpus "rss MB"
for t in $chosen; do
	log=$build/fuzz-logs/$t.log
	art=$build/fuzz-artifacts/$t
	read -r st took <"$build/fuzz-logs/$t.result" || { st=FAILED; took='?'; }
	if [ "$st" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	stat() { sed -n "s/^stat::$1: *//p" "$log"; }
	pcs=$(grep -oE '\(([0-9]+) PCs\)' "$log" | head -1 | tr -dc 0-9)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s' "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	pct=
	[ -n "$cov" ] && [ -n "$pcs" ] && pct=" ($((100 * cov / pcs))%)"
	printf '%-18s %-6s %5s %9s %8s %13s %6s %7s %6s\n' "$t" "$st" "$took" \
		"$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "${cov:-?}$pct" \
		"${ft:-?}" "${corp:-?}" "$(stat peak_rss_mb)"
	if [ "$st" = FAILED ]; then
		grep -E 'ERROR|broken promise|SUMMARY|^    #[0-9]' "$log" | head -40 | sed 's/^/#   /'
		for a in "$art"/*; do
			[ -f "$a" ] && echo "#   input $a: $(base64 -w0 <"$a" | head -c 2000)"
		done
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
