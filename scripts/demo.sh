#!/usr/bin/env bash
# First README command: install what is missing, build, run the demo job on
# 2 ranks, and say where the outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
scripts/build.sh release
scripts/viewer-build.sh   # the map viewer the demo's one-map package carries
out=out/demo
mpirun --oversubscribe -np 2 build/bin/sanxiang run jobs/demo.yaml --out "$out"
echo
echo "demo outputs in $out/:"
ls -l "$out"
echo
echo "one-map package: $out/package (STAC catalog, COG, GeoPackage, styles, viewer)"
echo "look at it:      build/bin/sanxiang serve $out/package   (then open the printed http://127.0.0.1 address)"
