#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan), replays their regression inputs, then fuzzes each
# for FUZZ_SECONDS (default 60). A crash fails the script; its input is kept in build/fuzz/artifacts/.
# The mutation seed is fixed (FUZZ_SEED, default 1) so that a CI run is reproducible.
# Longer runs: FUZZ_SECONDS=3600 FUZZ_SEED=$RANDOM bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python.sh
secs=${FUZZ_SECONDS:-60}
build=${AKHBAR_FUZZ_BUILD_DIR:-build/fuzz}
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DAKHBAR_BUILD_FUZZERS=ON -DAKHBAR_SANITIZE=address,undefined >/dev/null
cmake --build $build
ctest --test-dir $build --output-on-failure
$py scripts/fuzz_seeds.py $build/seeds >/dev/null
mkdir -p $build/artifacts
for bin in $build/tests/fuzz/*_fuzzer; do
  name=$(basename "$bin")
  seeds=$build/seeds/$name; mkdir -p "$seeds" $build/corpus/$name
  echo "== fuzzing $name for ${secs}s"
  "$bin" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix=$build/artifacts/$name- $build/corpus/$name "$seeds" 2>&1 \
    | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|Done)" || true
  if ls $build/artifacts/$name-* >/dev/null 2>&1; then
    echo "fuzzer $name found a failure: $(ls $build/artifacts/$name-*)" >&2
    exit 1
  fi
done
