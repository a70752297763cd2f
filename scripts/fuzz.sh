#!/usr/bin/env bash
# Fuzzes Accord's targets (fuzz/fuzz_targets): one build of every target, then
# for each target
#   1. its regression inputs (fuzz/regressions/T) and seeds, each run once
#      (-runs=0), so any old crash fails;
#   2. N seconds of fuzzing into a temporary corpus (the seeds as extra,
#      read-only corpus dirs; artifacts to a temporary dir, never the repo),
# printing executions, execs/s, coverage (cov, ft) and corpus size per target.
# Exits non-zero on any crash, with the artifact's path.
#
#   scripts/fuzz.sh [--seconds N] [TARGET...]   CI: N=10, every target
#   scripts/fuzz.sh --seconds 600               the release run (10 minutes each)
#   scripts/fuzz.sh --release                   the same as --seconds 600
#
# Toolchain: nightly when installed; otherwise stable with RUSTC_BOOTSTRAP=1
# (cargo-fuzz passes -Z flags). ACCORD_FUZZ_TOOLCHAIN=stable forces the latter.
set -euo pipefail

SECS=10
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS="$2"; shift 2 ;;
    --seconds=*) SECS="${1#*=}"; shift ;;
    --release) SECS=600; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/fuzz"
ALL=(check format facts answers events facade ruleset case tables ide)
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
  [ -f "fuzz_targets/$t.rs" ] || { echo "fuzz.sh: no target $t" >&2; exit 2; }
done

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

TOOLCHAIN="${ACCORD_FUZZ_TOOLCHAIN:-}"
if [ -z "$TOOLCHAIN" ]; then
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then TOOLCHAIN=nightly; else TOOLCHAIN=stable; fi
fi
if [ "$TOOLCHAIN" != nightly ]; then
  export RUSTC_BOOTSTRAP=1
  # A stable build must not reuse the nightly build's artifacts.
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/fuzz/target-$TOOLCHAIN}"
fi
TRIPLE="$(rustc +"$TOOLCHAIN" -vV | sed -n 's/^host: //p')"
BIN="${CARGO_TARGET_DIR:-$ROOT/fuzz/target}/$TRIPLE/release"
echo "== toolchain $TOOLCHAIN${RUSTC_BOOTSTRAP:+ (RUSTC_BOOTSTRAP=1)}, $SECS s per target: ${TARGETS[*]}"

# One build of all the targets.
cargo +"$TOOLCHAIN" fuzz build

WORK="$(mktemp -d "${TMPDIR:-/tmp}/accord-fuzz.XXXXXX")"
echo "== work dir $WORK (corpora, logs, artifacts)"

# The repository's corpora, collected (flat) into a temporary seed dir: libFuzzer
# takes directories, and a file argument would make it run that file only.
collect() {
  local t="$1" dir="$WORK/repo-seeds/$t"
  mkdir -p "$dir"
  local files=()
  case "$t" in
    check|format|ide) files=($(find "$ROOT/tests/corpus" "$ROOT/examples" -name '*.accord' | sort)) ;;
    events) files=($(find "$ROOT/tests/cases" -name '*.jsonl' | sort)) ;;
    facts) files=($(find "$ROOT/tests/screening" -name 'facts.json' | sort)) ;;
    answers) files=($(find "$ROOT/tests/assessments" -name '*.json' ! -name expected.json | sort)) ;;
  esac
  for f in ${files[@]+"${files[@]}"}; do
    cp "$f" "$dir/$(echo "${f#$ROOT/}" | tr '/' '_')"
  done
  echo "$dir"
}

FAILED=()
printf '%-8s %10s %8s %7s %7s %7s  %s\n' target execs exec/s cov ft corpus result > "$WORK/summary"
for t in "${TARGETS[@]}"; do
  seeds=("$(collect "$t")")
  [ -d "seeds/$t" ] && seeds+=("$ROOT/fuzz/seeds/$t")
  mkdir -p "regressions/$t" "$WORK/corpus/$t" "$WORK/replay/$t" "$WORK/artifacts"
  art="$WORK/artifacts/$t-"
  # 1. Regressions and seeds, once each (an empty dir first: nothing is written
  #    into the repo).
  if ! "$BIN/$t" "$WORK/replay/$t" "$ROOT/fuzz/regressions/$t" "${seeds[@]}" -runs=0 \
      -artifact_prefix="$art" > "$WORK/$t.replay.log" 2>&1; then
    echo "!! $t: a regression or seed input fails; artifact: $(ls "$art"* 2>/dev/null | head -1)"
    tail -n 30 "$WORK/$t.replay.log"
    FAILED+=("$t")
    printf '%-8s %10s %8s %7s %7s %7s  %s\n' "$t" - - - - - "replay FAILED" >> "$WORK/summary"
    continue
  fi
  # 2. Fuzz: new inputs go to the temporary corpus, the first dir. The
  #    structured targets read their input through `arbitrary`: a longer input
  #    is a larger ruleset or log, so no slow ramp-up of the length.
  extra=()
  case "$t" in ruleset|case) extra=(-max_len=4096 -len_control=0) ;; esac
  rc=0
  "$BIN/$t" "$WORK/corpus/$t" "$ROOT/fuzz/regressions/$t" "${seeds[@]}" \
    -max_total_time="$SECS" -timeout=30 -print_final_stats=1 ${extra[@]+"${extra[@]}"} \
    -artifact_prefix="$art" > "$WORK/$t.log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORK/$t.log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$WORK/$t.log" | grep 'cov:' | tail -1 || true)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  size=$(find "$WORK/corpus/$t" -type f | wc -l)
  if [ "$rc" -ne 0 ]; then
    result="CRASH $(ls "$art"* 2>/dev/null | head -1)"
    FAILED+=("$t")
    grep -E 'panicked|ERROR|SUMMARY' "$WORK/$t.log" | head -5
  else
    result=ok
  fi
  printf '%-8s %10s %8s %7s %7s %7s  %s\n' "$t" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$size" "$result" | tee -a "$WORK/summary"
done

echo
cat "$WORK/summary"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "== FAILED: ${FAILED[*]} (logs and artifacts in $WORK)."
  echo "   Minimise with: cd fuzz && cargo +$TOOLCHAIN fuzz tmin TARGET ARTIFACT;"
  echo "   commit the input as fuzz/regressions/TARGET/<name>."
  exit 1
fi
rm -rf "$WORK/corpus" "$WORK/replay" "$WORK/repo-seeds"
echo "== all targets ok (logs in $WORK)"
