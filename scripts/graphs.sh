#!/usr/bin/env bash
# Draws every example protocol as an SVG: for each ruleset directory under
# examples/ and each protocol in it (`accord graph --list`), writes
# docs/graphs/<example>-<protocol>.svg from `accord graph --format dot` with
# Graphviz's `dot -Tsvg`. New examples and protocols are picked up as they
# appear; when every example drew, SVGs of protocols that no longer exist are
# removed. Every SVG is checked to be well-formed XML (Python's XML parser).
# Needs Graphviz (`dot`) and python3.
#
# `--check` (what CI runs, scripts/test.sh): draws into a temporary directory and
# only checks that every protocol draws to a well-formed SVG; docs/graphs/ is left
# alone (Graphviz versions lay out differently, so the SVGs are not compared).
# ACCORD_GRAPHS_PROFILE picks the cargo profile `accord` is built with (`release`
# by default; CI uses `dev`, which its tests have already built).
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
  check=1
fi

if ! command -v dot >/dev/null; then
  echo "error: Graphviz's \`dot\` not found; install Graphviz (e.g. \`apt-get install graphviz\`, \`brew install graphviz\`) and run this again" >&2
  exit 2
fi
if ! command -v cargo >/dev/null; then
  echo "error: cargo not found; install Rust (https://rustup.rs) and run this again" >&2
  exit 2
fi
if ! command -v python3 >/dev/null; then
  echo "error: python3 not found (it checks that each SVG is well-formed); install Python 3 and run this again" >&2
  exit 2
fi
profile="${ACCORD_GRAPHS_PROFILE:-release}"
cargo build --profile "$profile" --locked -p accord-cli
case "$profile" in
  dev) profile_dir=debug ;;
  *) profile_dir="$profile" ;;
esac
accord="${CARGO_TARGET_DIR:-target}/$profile_dir/accord"

# Well-formed XML whose root is an <svg> element.
well_formed() {
  python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
if root.tag != "{http://www.w3.org/2000/svg}svg":
    sys.exit(f"{sys.argv[1]}: the root element is {root.tag}, not svg")
PY
}

shopt -s nullglob
out=docs/graphs
if [ "$check" -eq 1 ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
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
    if "$accord" graph "$dir" --protocol "$protocol" --format dot | dot -Tsvg -o "$svg" \
      && well_formed "$svg"; then
      written+=("$svg")
    else
      echo "error: drawing $protocol of $dir failed" >&2
      status=1
    fi
  done
done
if [ "$status" -eq 0 ] && [ "$check" -eq 0 ]; then
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
if [ "$check" -eq 1 ]; then
  echo "${#written[@]} graph(s) drawn, each a well-formed SVG"
else
  echo "${#written[@]} graph(s) in $out/"
fi
exit "$status"
