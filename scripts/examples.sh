#!/usr/bin/env bash
# Builds `accord` and checks every example ruleset: each directory under
# examples/ is one ruleset (its *.accord files are loaded together).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "error: cargo not found; install Rust (https://rustup.rs) and run this again" >&2
  exit 2
fi
cargo build --release --locked -p accord-cli
accord="${CARGO_TARGET_DIR:-target}/release/accord"

shopt -s nullglob
rulesets=(examples/*/)
if [ ${#rulesets[@]} -eq 0 ]; then
  echo "error: no example rulesets (directories) under examples/" >&2
  exit 2
fi
status=0
for ruleset in "${rulesets[@]}"; do
  echo "== accord check ${ruleset%/}"
  "$accord" check "${ruleset%/}" || status=1
done
exit "$status"
