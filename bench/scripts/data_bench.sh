#!/usr/bin/env bash
# The Spark target of issue 20 measured in one run (figures for bench/README.md):
#
#   bench/scripts/data_bench.sh VENV CLI WORK
#
# VENV: the venv of bindings/uniffi/data-test.sh (pyspark, dask, pyarrow, pandas, the
# accord wheel of a release build); CLI: a release `accord`; WORK: a folder holding
# data-test.sh's registry.jsonl and registry.parquet (200 000 households). The CLI
# screens the registry as JSON lines and as Parquet (to Parquet); Spark (local[2],
# mapInArrow, two runs in one session, the second timed) and Dask (2 threads) screen
# the Parquet; each with every result and with `--only eligible,undetermined`. Then
# Spark's own floor: the same job with a Python function that screens nothing (reads
# the batches, yields no row), two runs, the second timed.
set -euo pipefail
VENV=$1 CLI=$2 WORK=$3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RULES=$ROOT/bench/rules/twenty.accord
DATA=$ROOT/bindings/uniffi/tests/data
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1} PYTHONDONTWRITEBYTECODE=1
seconds() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -n 1; }
for only in all eligible,undetermined; do
  args=()
  [ "$only" = all ] || args=(--only "$only")
  jsonl=$(seconds "$CLI" screen "$RULES" --facts-jsonl "$WORK/registry.jsonl" --as-of 2025-03-01 \
    --format jsonl --threads 2 --no-progress "${args[@]}")
  parquet=$(seconds "$CLI" screen "$RULES" --input "$WORK/registry.parquet" --output "$WORK/bench-cli.parquet" \
    --id-column household_id --as-of 2025-03-01 --threads 2 --no-progress "${args[@]}")
  rm -rf "$WORK/bench-spark" "$WORK/bench-dask"
  spark=$("$VENV/bin/python" "$DATA/spark_recipe.py" --rules "$RULES" --input "$WORK/registry.parquet" \
    --output "$WORK/bench-spark" --as-of 2025-03-01 --master 'local[2]' "${args[@]}" 2>/dev/null | tail -n 1)
  dask=$("$VENV/bin/python" "$DATA/dask_recipe.py" --rules "$RULES" --input "$WORK/registry.parquet" \
    --output "$WORK/bench-dask" --as-of 2025-03-01 --workers 2 "${args[@]}" | tail -n 1)
  "$VENV/bin/python" - "$only" "$jsonl" "$parquet" "$spark" "$dask" <<'PY'
import json, sys
only, jsonl, parquet = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
spark, dask = json.loads(sys.argv[4]), json.loads(sys.argv[5])
job = spark["job_s"]
print(f"| {only} | {spark['results']:,} | CLI JSON lines {jsonl:.2f} s | CLI Parquet {parquet:.2f} s "
      f"| Spark {job:.2f} s (first run {spark['runs_s'][0]:.2f} s; {job / jsonl:.1f}x JSON lines, "
      f"{job / parquet:.1f}x Parquet) | Dask {dask['job_s']:.2f} s |")
PY
done

"$VENV/bin/python" - "$WORK/registry.parquet" "$DATA" 2>/dev/null <<'PY'
import os, sys, time
registry, data = sys.argv[1], sys.argv[2]
sys.path.insert(0, data)
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
import screening
from pyspark.sql import SparkSession

spark = (SparkSession.builder.master("local[2]").appName("floor")
         .config("spark.sql.files.maxPartitionBytes", "1m")
         .config("spark.sql.execution.arrow.maxRecordsPerBatch", 4096).getOrCreate())
spark.sparkContext.addPyFile(screening.__file__)


def nothing(batches):
    import pyarrow as pa
    for _ in batches:
        pass
    yield pa.RecordBatch.from_pylist([], schema=screening.RESULTS)


runs = []
for _ in range(2):
    started = time.perf_counter()
    spark.read.parquet(registry).mapInArrow(nothing, screening.RESULTS_DDL) \
        .write.format("noop").mode("overwrite").save()
    runs.append(time.perf_counter() - started)
spark.stop()
print(f"Spark's floor (the batches handed to Python, nothing screened): {runs[1]:.2f} s "
      f"(first run {runs[0]:.2f} s)")
PY
