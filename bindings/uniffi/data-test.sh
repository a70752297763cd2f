#!/usr/bin/env bash
# The data recipes of docs/guide-data.md, run for real (called by bindings/uniffi/test.sh
# once the wheel is built; runs on its own too, after it):
#   1. a venv under target/data-test/ with pinned pyspark, dask[dataframe], pyarrow and
#      pandas (pip skips what is installed) and the wheel test.sh built;
#   2. a generated registry (bench/scripts/make_registry.py, seeded, 1 % of the facts
#      unknown) as JSON lines and as Parquet;
#   3. the CLI screens the JSON lines (keeping the eligible and undetermined results,
#      as a team screening for families does: ACCORD_DATA_ONLY); Spark (local[2],
#      mapInArrow) and Dask
#      (map_partitions) screen the Parquet; every results table is compared row for row
#      with the CLI's (compare.py); households/s printed for each;
#   4. docs/guide-data.md's snippets run, asserting what they show, and its recipe blocks
#      are checked to be the recipe files' own text.
# Needs Java 17+ (test.sh installs default-jdk-headless), python3 with venv, cargo.
# ACCORD_DATA_HOUSEHOLDS (default 200000), ACCORD_WHEEL (default: the one test.sh built),
# ACCORD_WHEEL_PROFILE (as test.sh: the CLI is built in the same profile, dev by
# default), ACCORD_DATA_CLI (a CLI binary to use instead).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET/data-test
DATA=$ROOT/bindings/uniffi/tests/data
HOUSEHOLDS=${ACCORD_DATA_HOUSEHOLDS:-200000}
ID_BASE=7000000000
AS_OF=2025-03-01
RULES=$ROOT/bench/rules/twenty.accord
# What a team screening for families to reach keeps (`--only`, `statuses=`): the
# eligible and the undetermined, about 1 in 8 of the results; ACCORD_DATA_ONLY=all
# keeps every result.
ONLY=${ACCORD_DATA_ONLY:-eligible,undetermined}
PYSPARK_VERSION=4.3.0
DASK_VERSION=2026.8.0
PYARROW_VERSION=26.0.1
PANDAS_VERSION=2.3.3  # pyspark 4.3 warns that it does not fully support pandas 3
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Spark binds to the loopback interface; no UI server in CI.
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
mkdir -p "$WORK"

started=$(date +%s)
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }

echo "== data: venv (pyspark $PYSPARK_VERSION, dask $DASK_VERSION, pyarrow $PYARROW_VERSION, pandas $PANDAS_VERSION)"
command -v java >/dev/null || { echo "error: Spark needs Java (apt-get install default-jdk-headless)" >&2; exit 2; }
VENV=$WORK/venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
t=$(now)
"$VENV/bin/pip" install -q "pyspark==$PYSPARK_VERSION" "dask[dataframe]==$DASK_VERSION" \
  "pyarrow==$PYARROW_VERSION" "pandas==$PANDAS_VERSION"
install_s=$(since "$t")
venv_size=$(du -sh "$VENV" | cut -f1)
WHEEL=${ACCORD_WHEEL:-$(ls "$TARGET"/uniffi-test/wheels/accord-*.whl 2>/dev/null | head -n 1)}
[ -n "$WHEEL" ] && [ -f "$WHEEL" ] || { echo "error: no wheel (run bindings/uniffi/test.sh, or set ACCORD_WHEEL)" >&2; exit 2; }
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$WHEEL"
"$VENV/bin/python" -c 'import accord; assert hasattr(accord.Ruleset, "screen_arrow")' \
  || { echo "error: the wheel has no screen_arrow" >&2; exit 1; }
echo "installed in ${install_s}s (pip; 0 when already there); venv $venv_size"

echo "== data: CLI"
# The CLI in the wheel's profile (dev by default: `cargo test` has built it already, so
# this is a no-op in CI; a release build would cost minutes of CI for a faster figure).
PROFILE=${ACCORD_WHEEL_PROFILE:-dev}
if [ -n "${ACCORD_DATA_CLI:-}" ]; then
  CLI=$ACCORD_DATA_CLI
else
  t=$(now)
  cargo build --locked -q -p accord-cli --profile "$PROFILE"
  CLI=$TARGET/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")/accord
  echo "CLI ($PROFILE) up to date in $(since "$t")s"
fi

echo "== data: a registry of $HOUSEHOLDS households"
t=$(now)
"$VENV/bin/python" bench/scripts/make_registry.py "$HOUSEHOLDS" --unknown 0.01 --row-group 8192 \
  --jsonl "$WORK/registry.jsonl" --parquet "$WORK/registry.parquet" --id-base "$ID_BASE"
echo "generated in $(since "$t")s: $(du -h "$WORK/registry.jsonl" | cut -f1) JSON lines, $(du -h "$WORK/registry.parquet" | cut -f1) Parquet"

echo "== data: the CLI ($CLI) screens the JSON lines (--threads 2, results: $ONLY)"
t=$(now)
only_args=()
[ "$ONLY" = all ] || only_args=(--only "$ONLY")
"$CLI" screen "$RULES" --facts-jsonl "$WORK/registry.jsonl" --as-of "$AS_OF" --format jsonl \
  --threads 2 --no-progress "${only_args[@]}" >"$WORK/cli.jsonl"
cli_s=$(since "$t")
cli_rate=$(python3 -c "import sys; print(round(int(sys.argv[1]) / float(sys.argv[2])))" "$HOUSEHOLDS" "$cli_s")
echo "cli: ${cli_s}s, $cli_rate households/s ($(du -h "$WORK/cli.jsonl" | cut -f1) of JSON lines written)"

echo "== data: Spark local[2], mapInArrow"
rm -rf "$WORK/results-spark"
# Spark's own log goes to a file, shown when the job fails.
if ! "$VENV/bin/python" "$DATA/spark_recipe.py" --rules "$RULES" --input "$WORK/registry.parquet" \
  --output "$WORK/results-spark" --as-of "$AS_OF" --master "local[2]" "${only_args[@]}" 2>"$WORK/spark.log" \
  | tee "$WORK/spark.json"; then
  tail -n 60 "$WORK/spark.log" >&2
  exit 1
fi

echo "== data: Dask, map_partitions"
rm -rf "$WORK/results-dask"
"$VENV/bin/python" "$DATA/dask_recipe.py" --rules "$RULES" --input "$WORK/registry.parquet" \
  --output "$WORK/results-dask" --as-of "$AS_OF" --workers 2 "${only_args[@]}" | tee "$WORK/dask.json"

echo "== data: row for row against the CLI"
"$VENV/bin/python" "$DATA/compare.py" --cli "$WORK/cli.jsonl" --id-base "$ID_BASE" \
  "$WORK/results-spark" "$WORK/results-dask"

echo "== data: docs/guide-data.md"
"$VENV/bin/python" "$DATA/run_guide.py"

echo
"$VENV/bin/python" - "$WORK" "$HOUSEHOLDS" "$cli_s" <<'EOF'
import json, sys
work, households, cli_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
spark = json.load(open(f"{work}/spark.json"))
dask = json.load(open(f"{work}/dask.json"))
kept = "every result" if spark["only"] is None else "results " + "/".join(spark["only"])
print(f"data: {households} households, {spark['results']} {kept}, identical across the CLI, Spark and Dask")
print(f"  CLI --threads 2 (JSON lines): {cli_s:8.2f} s  {households / cli_s:10.0f} households/s")
print(f"  Spark local[2], job only:     {spark['job_s']:8.2f} s  {spark['households_per_s']:10.0f} households/s"
      f"  (the second run; the first {spark['runs_s'][0]} s, session start {spark['session_s']} s;"
      f" {spark['partitions']} partitions, ruleset loaded {spark['ruleset_loads']}x)")
print(f"  Dask, 2 threads:              {dask['job_s']:8.2f} s  {dask['households_per_s']:10.0f} households/s"
      f"  ({dask['partitions']} partitions)")
EOF
echo "data: done in $(($(date +%s) - started))s"
