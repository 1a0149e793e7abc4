#!/usr/bin/env bash
# Builds akhbar with its C++ tests, installs the Python package, runs every C++ test (ctest), every Python
# test (pytest), the C++ tests again under ASan+UBSan and under TSan, and each libFuzzer target for a minute.
# Run from anywhere: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
source scripts/python.sh  # (after the Debian packages: it may make a venv)
build=${AKHBAR_BUILD_DIR:-build/test}
# One CMake build serves both: the wheel's extension and the C++ test binary share the tree.
$py -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-build-isolation \
  --config-settings=build-dir=$build --config-settings=cmake.define.AKHBAR_BUILD_TESTS=ON ".[test]"
echo "== C++ tests (ctest)"
ctest --test-dir $build --output-on-failure -j2
echo "== Python tests (pytest)"
$py -m pytest -q -p no:cacheprovider tests/python
echo "== C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer, then ThreadSanitizer"
bash scripts/sanitize.sh
echo "== Fuzzing (libFuzzer, ${FUZZ_SECONDS:-60}s a target)"
bash scripts/fuzz.sh
