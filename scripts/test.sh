#!/usr/bin/env bash
# Every check CI runs: formatting, lints (warnings are errors), the whole Rust test
# suite (the conformance corpus through the facade and the CLI among it), every example
# protocol drawn to SVG with Graphviz (scripts/graphs.sh --check; Debian's graphviz is
# installed when `dot` is missing), every fuzz
# target briefly with its regression corpus (scripts/fuzz.sh, cargo-fuzz), then the
# front ends on the same corpus: the WebAssembly package under Node and the web
# screener in headless Chromium (bindings/wasm/test.sh), the playground in Chromium
# (examples/playground/test.sh), the VS Code extension
# packed as a .vsix and Neovim with `accord lsp` (editors/test.sh), and the Python wheel, Kotlin
# on the JVM and the generated Swift (bindings/uniffi/test.sh). Each of those installs
# what it needs (wasm-bindgen-cli, Debian's chromium, a JDK, JNA, npm and pip packages).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "error: cargo not found; install Rust (https://rustup.rs) and run this again" >&2
  exit 2
fi
# rustfmt and clippy ship with rustup's default profile; add them if this one lacks them.
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== graphs: every example protocol drawn with Graphviz, each a well-formed SVG"
if ! command -v dot >/dev/null; then
  sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_="sudo"
  $sudo_ apt-get update
  $sudo_ apt-get install -y --no-install-recommends graphviz
fi
ACCORD_GRAPHS_PROFILE=dev scripts/graphs.sh --check
echo "== fuzzing: every target's regressions and seeds once, then 10 s of fuzzing each"
scripts/fuzz.sh --seconds "${ACCORD_FUZZ_SECONDS:-10}"
echo "== WebAssembly: npm package, Node suite, web screener in Chromium"
bindings/wasm/test.sh
echo "== playground: the ide engine, the page, end to end in Chromium"
examples/playground/test.sh
echo "== editors: the VS Code extension (TextMate grammar on every example, client, .vsix), Neovim with accord lsp"
editors/test.sh
echo "== uniffi: Python wheel, Kotlin on the JVM, Swift generated"
bindings/uniffi/test.sh
