#!/usr/bin/env bash
# The playground's tests: npm's packages (pinned by package-lock.json), the
# engine with the editor questions (built once: bindings/wasm/build.sh
# --features ide into engine/, when missing), the page (build.mjs into dist/),
# then the unit tests and the end-to-end tests in headless Chromium
# (/usr/bin/chromium, or CHROMIUM). The end-to-end tests rewrite the
# screenshots in docs/screenshots/playground-*.png.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
# The lockfile may record no download address but the npm registry's.
if grep -o '"resolved": *"[^"]*"' package-lock.json | grep -v '"https://registry.npmjs.org/'; then
  echo "error: package-lock.json records a download address outside the npm registry" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
# Built every run (cargo rebuilds only what changed), so the page never runs an
# engine older than the sources. The budget here is the engine build's own
# ceiling; build.mjs holds the playground's real budget and fails when over it.
bash "$root/bindings/wasm/build.sh" --features ide --out "$here/engine" --budget 2000000
node build.mjs
node --test test/*.mjs
