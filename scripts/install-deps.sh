#!/usr/bin/env bash
# Installs what building and testing akhbar needs: Debian packages (once; skipped when present) and the
# Python build tools. Usage: scripts/install-deps.sh [--test] [--bench]
set -euo pipefail
want_test=0; want_bench=0
for a in "$@"; do
  case "$a" in --test) want_test=1 ;; --bench) want_bench=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac
done
# libicu-dev: Unicode; libeigen3-dev: linear algebra; libstemmer-dev: Snowball stemmers; python3-dev and
# python3-venv: the headers to build the extension, and a virtual environment where the system Python refuses
# pip installs (scripts/python.sh).
pkgs=(g++ libicu-dev libeigen3-dev libstemmer-dev python3-dev python3-venv)
# GoogleTest, Google Benchmark, nlohmann-json + zlib (read the shared corpora), clang + compiler-rt (libFuzzer).
if [ $want_test = 1 ] || [ $want_bench = 1 ]; then
  pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev zlib1g-dev clang)
fi
updated=0
install_missing() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  local SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  [ $updated = 1 ] || $SUDO apt-get update -qq
  updated=1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
}
install_missing "${pkgs[@]}"
# compiler-rt for the clang just installed: its package carries clang's major version (Debian 12: 14, 13: 19).
if [ $want_test = 1 ] || [ $want_bench = 1 ]; then
  install_missing "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
fi
cd "$(dirname "$0")/.."
source scripts/python.sh
$py -m pip install -q --disable-pip-version-check --root-user-action=ignore "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja
