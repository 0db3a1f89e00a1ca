#!/bin/sh
# Installs what the tests need, then builds with warnings as errors and runs
# every suite (unit, lens, man, e2e, integration) and the install check,
# then the suites again under
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
meson setup build-ci --wipe -Dwerror=true -Dtests=enabled >/dev/null 2>&1 ||
	meson setup build-ci -Dwerror=true -Dtests=enabled
ninja -C build-ci
meson test -C build-ci --print-errorlogs
sh tests/install-check.sh
meson setup build-asan --wipe -Dwerror=true -Dtests=enabled -Db_sanitize=address,undefined \
	-Db_lundef=false >/dev/null 2>&1 ||
	meson setup build-asan -Dwerror=true -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --print-errorlogs
