#!/usr/bin/env bash
# Builds the C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer and runs them, then under
# ThreadSanitizer (the vectorisers, analysers and index run on several threads and share memos).
set -euo pipefail
cd "$(dirname "$0")/.."

# sanitized BUILD_DIR SANITIZERS [VAR=value ...]: configures, builds and runs ctest with that environment.
sanitized() {
  local build=$1 sanitizers=$2
  shift 2
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
    -DAKHBAR_BUILD_TESTS=ON -DAKHBAR_SANITIZE="$sanitizers" >/dev/null
  cmake --build "$build"
  env "$@" ctest --test-dir "$build" --output-on-failure -j2
}

sanitized "${AKHBAR_ASAN_BUILD_DIR:-build/asan}" address,undefined \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== C++ tests under ThreadSanitizer"
sanitized "${AKHBAR_TSAN_BUILD_DIR:-build/tsan}" thread TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
