#!/usr/bin/env bash
# The fuzzing slice: builds the `fuzz` preset (clang-14, libFuzzer, ASan +
# UBSan; build-fuzz/) and runs every harness of tests/fuzz over its corpus,
# two at a time (ctest --preset fuzz, label `fuzz`). Non-zero exit on any
# crash, leak, undefined behaviour, hang (10 s per input), memory blow-up
# (2 GiB) or failed harness property; the input that did it is left in
# build-fuzz/fuzz/<harness>/artifacts/ (replay: build-fuzz/bin/fuzz_<harness> FILE).
#
#   scripts/fuzz.sh [SECONDS]     SECONDS per harness (default 60; 0 replays the corpus only)
#   scripts/fuzz.sh --runs N      N executions per harness instead (the long runs in docs/fuzzing.md)
#
# scripts/test.sh calls it after the release and sanitize suites.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --runs ]; then
  export SX_FUZZ_RUNS=${2:?--runs needs a number of executions}
  unset SX_FUZZ_SECONDS
  timeout=604800
else
  export SX_FUZZ_SECONDS=${1:-60}
  unset SX_FUZZ_RUNS
  timeout=$((SX_FUZZ_SECONDS + 600))
fi
echo "== build and fuzz: fuzz (${SX_FUZZ_RUNS:+$SX_FUZZ_RUNS runs}${SX_FUZZ_SECONDS:+$SX_FUZZ_SECONDS s} per harness)"
scripts/build.sh fuzz
rm -f build-fuzz/fuzz/*/summary
status=0
ctest --preset fuzz --timeout "$timeout" || status=1
cat build-fuzz/fuzz/*/summary 2>/dev/null || true
exit $status
