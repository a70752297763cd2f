#!/usr/bin/env bash
# Everything the VS Code extension is held to, from a clean checkout on a fresh
# Debian machine with Node.js 20 and npm (the npm registry the only network used):
# installs the locked development dependencies, runs the Node suite (the TextMate
# grammar on every example ruleset and on a snippet per construct, the manifest,
# the client's start-up under a stand-in `vscode`), then packs accord.vsix with
# vsce and checks what it holds. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
step() { printf '\n== %s\n' "$*"; }
started=$SECONDS

step "tools"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 2; }
done
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error(`error: Node.js ${process.version}, 20 or later needed`); process.exit(2) }'

step "npm ci"
# The lockfile may record no download address but the npm registry's.
if grep -o '"resolved": *"[^"]*"' package-lock.json | grep -v '"https://registry.npmjs.org/'; then
  echo "error: package-lock.json records a download address outside the npm registry" >&2
  exit 1
fi
# --ignore-scripts: no install script is needed (vscode-oniguruma ships its
# WebAssembly), and vsce's optional keytar would otherwise try to download a
# prebuilt binary from GitHub.
npm ci --no-audit --no-fund --loglevel=error --ignore-scripts

step "node --test: grammar, manifest, extension"
node --test test/*.test.mjs

step "package accord.vsix (vsce)"
rm -f accord.vsix
# Offline: vsce reads package.json (repository, license: no question asked) and
# lists the production dependencies with npm; nothing is fetched.
# stdin closed: a question from vsce fails the run rather than waiting.
npx --no-install vsce package --out accord.vsix </dev/null
node test/vsix.mjs accord.vsix

step "ok ($((SECONDS - started)) s)"
