#!/usr/bin/env bash
# Builds the C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer and runs them, then under
# ThreadSanitizer (the vectorisers, analysers and index run on several threads and share memos).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${AKHBAR_ASAN_BUILD_DIR:-build/asan}
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DAKHBAR_BUILD_TESTS=ON -DAKHBAR_SANITIZE=address,undefined >/dev/null
cmake --build $build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir $build --output-on-failure -j2
echo "== C++ tests under ThreadSanitizer"
tsan=${AKHBAR_TSAN_BUILD_DIR:-build/tsan}
cmake -S . -B $tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DAKHBAR_BUILD_TESTS=ON -DAKHBAR_SANITIZE=thread >/dev/null
cmake --build $tsan
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir $tsan --output-on-failure -j2
