#!/usr/bin/env bash
# Builds `accord` and runs it on every example ruleset: each directory under
# examples/ is one ruleset (its *.accord files are loaded together). For each:
# `accord check`, `accord test` (its test blocks), `accord screen` on the facts
# documents in its `facts/` directory (a registry `*.jsonl` is screened as JSON
# lines), `accord assess` on the answers in `assessments/ASSESSMENT/`, and
# `accord plan` on assessment results there when it has a provider catalogue,
# `accord graph` on each protocol, `accord case` on each case log under
# `cases/` (compared with its expected states, or refused as its expected error
# says) and `accord caseload` on them.
# Screening uses a fixed as-of date so the output is reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "error: cargo not found; install Rust (https://rustup.rs) and run this again" >&2
  exit 2
fi
cargo build --release --locked -p accord-cli
accord="${CARGO_TARGET_DIR:-target}/release/accord"

shopt -s nullglob
# A directory of `.accord` files is a ruleset; others (the web screener) are not.
rulesets=()
for dir in examples/*/; do
  compgen -G "$dir*.accord" >/dev/null && rulesets+=("$dir")
done
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
  # Protocols: each one's workflow graph, and every case log on the dates its
  # expected states (cases/PROTOCOL/expected/LOG@DATE[@ROLE].json) were worked
  # out for, compared with them; then the caseload of all the logs.
  for protocol in $("$accord" graph "$dir" --list 2>/dev/null); do
    echo "== accord graph $dir --protocol $protocol --format mermaid"
    "$accord" graph "$dir" --protocol "$protocol" --format mermaid >/dev/null || status=1
  done
  catalogue=()
  [ -f "$dir/catalogue.json" ] && catalogue=(--catalogue "$dir/catalogue.json")
  # LOG@DATE[@ROLE[@PROVIDER]].json; an expected file that is an error (its
  # "kind" is set) is a log refused on purpose: the run must fail with exactly it.
  refusals=()
  for expected in "$dir"/cases/*/expected/*.json; do
    name="$(basename "$expected" .json)"
    log="$(dirname "$(dirname "$expected")")/${name%%@*}.jsonl"
    rest="${name#*@}"
    date="${rest%%@*}"
    view=()
    if [ "$rest" != "$date" ]; then
      who="${rest#*@}"
      view=(--role "${who%%@*}")
      [ "$who" != "${who%%@*}" ] && view+=(--provider "${who#*@}")
    fi
    refused="$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(" ".join(p["code"] + ":" + str(p.get("line")) for p in e["problems"]) if "kind" in e else "")' "$expected")"
    echo "== accord case $dir --events $log --as-of $date ${view[*]}"
    if [ -n "$refused" ]; then
      refusals+=($refused)
      if "$accord" case "$dir" --events "$log" --as-of "$date" "${view[@]}" "${catalogue[@]}"; then
        echo "error: $log should be refused as of $date ($refused)" >&2
        status=1
      fi
    else
      "$accord" case "$dir" --events "$log" --as-of "$date" "${view[@]}" "${catalogue[@]}" || status=1
    fi
    got="$("$accord" case "$dir" --events "$log" --as-of "$date" "${view[@]}" "${catalogue[@]}" --format json 2>/dev/null || true)"
    if ! python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1]) != json.load(open(sys.argv[2])))' "$got" "$expected"; then
      echo "error: the state differs from $expected" >&2
      status=1
    fi
  done
  logs=("$dir"/cases/*/*.jsonl)
  if [ ${#logs[@]} -gt 0 ]; then
    # A log refused on purpose is listed with its error: allowed when its error is
    # one of the expected refusals.
    echo "== accord caseload $dir --cases $dir/cases --as-of 2025-06-02"
    "$accord" caseload "$dir" --cases "$dir/cases" --as-of 2025-06-02 "${catalogue[@]}" || true
    load="$("$accord" caseload "$dir" --cases "$dir/cases" --as-of 2025-06-02 "${catalogue[@]}" --format json || true)"
    if ! python3 -c 'import json,sys; errs=json.loads(sys.argv[1])["errors"]; sys.exit(any(e["error"]["code"] + ":" + str(e["error"].get("line")) not in sys.argv[2:] for e in errs))' "$load" "${refusals[@]}"; then
      echo "error: the caseload of $dir has a log that cannot be replayed" >&2
      status=1
    fi
  fi
done
exit "$status"
