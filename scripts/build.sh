#!/usr/bin/env bash
# Configures and builds sanxiang into build/ (or $1 with preset $2).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
