#!/usr/bin/env bash
# Second README command: install what is missing, build, and run the whole
# test suite with ctest (release build, then the ASan+UBSan build; the Slurm
# tests check job scripts, not compiled code, so they run in the release build).
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
exit $status
