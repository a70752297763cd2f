#!/usr/bin/env bash
# Everything the WebAssembly package is held to, from a clean checkout on a
# fresh Debian machine: installs what is missing (idempotently), builds the
# package (size budget included), then runs tsc --noEmit, the Node suite
# (conformance corpus, API, the guide's snippets), the new-user npm test, and
# the web screener end to end in headless Chromium. Exits non-zero on any
# failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
screener="$root/examples/web-screener"
cd "$root"
step() { printf '\n== %s\n' "$*"; }
started=$SECONDS

step "tools"
for tool in cargo rustup node npm python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 2; }
done
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
want="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;q}' Cargo.lock)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  # Without --locked: a locked dependency of the CLI is not on the registry here.
  cargo install wasm-bindgen-cli --version "$want"
fi
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_="sudo"
  $sudo_ apt-get update
  $sudo_ apt-get install -y --no-install-recommends chromium
fi
# The lockfiles may record no download address but the npm registry's.
for lock in "$here/package-lock.json" "$screener/package-lock.json"; do
  if grep -o '"resolved": *"[^"]*"' "$lock" | grep -v '"https://registry.npmjs.org/'; then
    echo "error: $lock records a download address outside the npm registry" >&2
    exit 1
  fi
done
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$screener" && npm ci --no-audit --no-fund --loglevel=error)

step "build the package (bindings/wasm/build.sh)"
"$here/build.sh"

step "tsc --noEmit (strict): the API in use, and every corpus output against index.d.ts"
node "$here/test/lib/corpus-types.mjs"
"$here/node_modules/.bin/tsc" -p "$here/test/types/tsconfig.json"

step "node --test: conformance corpus, API, guide snippets"
(cd "$here" && node --test test/conformance.mjs test/api.mjs test/guide.mjs)

step "new user: npm install the tarball build.sh packed, ten lines of JS"
"$here/test/new-user.sh"

step "web screener: build, then end to end in headless Chromium"
node "$screener/build.mjs"
(cd "$screener" && node --test test/schema.mjs test/e2e.mjs)

step "ok ($((SECONDS - started)) s)"
