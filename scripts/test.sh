#!/usr/bin/env bash
# Second README command: install what is missing, build, and run the whole
# test suite with ctest (release build, then the ASan+UBSan build; the Slurm
# tests check job scripts, not compiled code, so they run in the release build),
# then a short run of every fuzzer (scripts/fuzz.sh, docs/fuzzing.md).
# Exits non-zero on any failure. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
status=0
for preset in release sanitize; do
  echo "== build and test: $preset"
  scripts/build.sh "$preset"
  ctest --preset "$preset" || status=1
done
# The fuzzing slice (its own clang build; about 5 minutes): 45 s per harness
# keeps the whole run inside the CI budget. SX_FUZZ_SECONDS overrides.
scripts/fuzz.sh "${SX_FUZZ_SECONDS:-45}" || status=1
exit $status
