#!/usr/bin/env bash
# Builds `accord` and runs it on every example ruleset: each directory under
# examples/ is one ruleset (its *.accord files are loaded together). For each:
# `accord check`, `accord test` (its test blocks), `accord screen` on the facts
# documents in its `facts/` directory (a registry `*.jsonl` is screened as JSON
# lines), `accord assess` on the answers in `assessments/ASSESSMENT/`, and
# `accord plan` on assessment results there when it has a provider catalogue. Screening uses a fixed as-of date so the output is reproducible.
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
as_of=2025-03-01
for ruleset in "${rulesets[@]}"; do
  dir="${ruleset%/}"
  echo "== accord check $dir"
  "$accord" check "$dir" || status=1
  echo "== accord test $dir"
  "$accord" test "$dir" || status=1
  for facts in "$dir"/facts/*.json; do
    echo "== accord screen $dir --facts $facts --as-of $as_of"
    "$accord" screen "$dir" --facts "$facts" --as-of "$as_of" || status=1
  done
  for answers in "$dir"/assessments/*/*.json; do
    assessment="$(basename "$(dirname "$answers")")"
    echo "== accord assess $dir --assessment $assessment --answers $answers"
    "$accord" assess "$dir" --assessment "$assessment" --answers "$answers" || status=1
  done
  for results in "$dir"/assessments/*/results.jsonl; do
    [ -f "$dir/catalogue.json" ] || continue
    echo "== accord plan $dir --catalogue $dir/catalogue.json --results $results"
    "$accord" plan "$dir" --catalogue "$dir/catalogue.json" --results "$results" || status=1
  done
  for registry in "$dir"/facts/*.jsonl; do
    out="${CARGO_TARGET_DIR:-target}/$(basename "$dir")-$(basename "$registry" .jsonl).out.jsonl"
    echo "== accord screen $dir --facts-jsonl $registry --as-of $as_of --format jsonl > $out"
    "$accord" screen "$dir" --facts-jsonl "$registry" --as-of "$as_of" --format jsonl >"$out" || status=1
  done
done
exit "$status"
