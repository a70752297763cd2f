#!/usr/bin/env bash
# Draws every example protocol as an SVG: for each ruleset directory under
# examples/ and each protocol in it (`accord graph --list`), writes
# docs/graphs/<example>-<protocol>.svg from `accord graph --format dot` with
# Graphviz's `dot -Tsvg`. New examples and protocols are picked up as they
# appear; when every example drew, SVGs of protocols that no longer exist are
# removed. Needs Graphviz (`dot`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dot >/dev/null; then
  echo "error: Graphviz's \`dot\` not found; install Graphviz (e.g. \`apt-get install graphviz\`, \`brew install graphviz\`) and run this again" >&2
  exit 2
fi
if ! command -v cargo >/dev/null; then
  echo "error: cargo not found; install Rust (https://rustup.rs) and run this again" >&2
  exit 2
fi
cargo build --release --locked -p accord-cli
accord="${CARGO_TARGET_DIR:-target}/release/accord"

shopt -s nullglob
out=docs/graphs
mkdir -p "$out"
status=0
written=()
for ruleset in examples/*/; do
  compgen -G "$ruleset*.accord" >/dev/null || continue # not a ruleset (the web screener)
  dir="${ruleset%/}"
  example="$(basename "$dir")"
  if ! protocols="$("$accord" graph "$dir" --list)"; then
    echo "error: $dir does not check; its graphs were not drawn" >&2
    status=1
    continue
  fi
  for protocol in $protocols; do
    svg="$out/$example-$protocol.svg"
    echo "== $svg"
    if "$accord" graph "$dir" --protocol "$protocol" --format dot | dot -Tsvg -o "$svg"; then
      written+=("$svg")
    else
      echo "error: drawing $protocol of $dir failed" >&2
      status=1
    fi
  done
done
if [ "$status" -eq 0 ]; then
  for svg in "$out"/*.svg; do
    keep=0
    for w in ${written[@]+"${written[@]}"}; do
      [ "$w" = "$svg" ] && keep=1
    done
    if [ "$keep" -eq 0 ]; then
      echo "== removed $svg (no such protocol any more)"
      rm -f "$svg"
    fi
  done
fi
echo "${#written[@]} graph(s) in $out/"
exit "$status"
