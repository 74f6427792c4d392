#!/usr/bin/env bash
# Builds the web viewer of one-map packages: installs the npm packages pinned
# in viewer/package-lock.json (OpenLayers, esbuild, playwright-core for the
# browser test) and bundles viewer/src into viewer/dist (no CDN at run time).
# `sanxiang publish` copies viewer/dist into every package.
set -euo pipefail
cd "$(dirname "$0")/../viewer"
command -v npm >/dev/null || { echo "viewer-build: npm is missing; run scripts/setup.sh" >&2; exit 1; }
# npm ci again only when the lock file changed since the last install
if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
