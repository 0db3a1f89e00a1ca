#!/bin/sh
# Installs what the tests need, then builds with warnings as errors and runs
# the unit, lens, man and end-to-end suites, the fault suite (nova.conf
# results also through oslo-config-validator) and the install check; then
# every suite but the fault suite under AddressSanitizer and
# UndefinedBehaviorSanitizer, then the fuzz targets for a short budget each
# (scripts/fuzz.sh), then the unit and integration suites under
# ThreadSanitizer. The SSH labs (the integration suite) thus run under
# both sanitizers, of the same -O2 code, and not a third time plain: CI
# stays within 30 minutes on two cores. Under CI=true a stage whose tests
# skip fails: a green CI means they ran.
set -eu
cd "$(dirname "$0")/.."

# Fails, under CI=true, if a test of the last "meson test" in BUILDDIR
# was skipped (exit 77: no root, no network namespaces, ...).
no_skips() { # BUILDDIR
	[ "${CI:-}" = true ] || return 0
	skipped=$(grep '"result": "SKIP"' "$1/meson-logs/testlog.json" |
		grep -o '"name": "[^"]*"' || true)
	[ -z "$skipped" ] && return 0
	echo "CI: tests skipped in $1, which CI must run:"
	echo "$skipped"
	return 1
}
stage_start=$(date +%s)
stage_done() { # NAME: how long the stage took, for the CI log
	now=$(date +%s)
	echo "stage $1: $((now - stage_start)) s"
	stage_start=$now
}
sh scripts/deps.sh test
meson setup build-ci --wipe -Dwerror=true -Dtests=enabled >/dev/null 2>&1 ||
	meson setup build-ci -Dwerror=true -Dtests=enabled
ninja -C build-ci
meson test -C build-ci --print-errorlogs --no-suite integration
no_skips build-ci
meson test -C build-ci --print-errorlogs --suite faults
no_skips build-ci
# nova.conf results also judged by oslo-config-validator of Debian 12's
# nova, unpacked (not installed) by scripts/nova-validator.sh.
nova_path=$(sh scripts/nova-validator.sh "$(pwd)/build-ci/nova-validator")
MR_NOVA_VALIDATOR_PYTHON=/usr/bin/python3 PYTHONPATH=$nova_path \
	meson test -C build-ci --print-errorlogs nova-conf
sh tests/install-check.sh
stage_done build
meson setup build-asan --wipe -Dwerror=true -Dtests=enabled -Db_sanitize=address,undefined \
	-Db_lundef=false >/dev/null 2>&1 ||
	meson setup build-asan -Dwerror=true -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --print-errorlogs --no-suite faults
no_skips build-asan
stage_done asan

# Fuzzing: every parser and lens target, about 20 s each.
sh scripts/fuzz.sh
stage_done fuzz

# ThreadSanitizer: the engine shared by threads (test_aug), the SSH
# transport's workers and migready -j against the lab (integration).
meson setup build-tsan --wipe -Dwerror=true -Dtests=enabled -Db_sanitize=thread \
	-Db_lundef=false >/dev/null 2>&1 ||
	meson setup build-tsan -Dwerror=true -Dtests=enabled -Db_sanitize=thread -Db_lundef=false
ninja -C build-tsan
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/tests/tsan.supp" \
	meson test -C build-tsan --print-errorlogs --suite unit --suite integration --no-suite faults
no_skips build-tsan
stage_done tsan
