"""Screens a Parquet registry on Apache Spark with `mapInArrow` (docs/guide-data.md):

    python spark_recipe.py --rules bench/rules/twenty.accord \\
        --input registry.parquet --output results/ --as-of 2025-03-01 [--master local[2]]

The households are read by Spark, handed to Python as Arrow batches, screened by the
`accord` wheel on the executors (screening.py, shipped with the job; the ruleset
broadcast as its source text and loaded once per Python worker) and written back as
a Parquet results table. Prints one JSON line of figures: the job's time (run twice in
the session, the second timed: the session's start and the first run start the JVM, warm
its compiled code and start the Python workers), households, results, partitions and how
many times the ruleset was loaded. Needs pyspark, pyarrow, pandas (Spark's Arrow path imports it) and Java 17+."""

import argparse
import json
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import screening  # noqa: E402 (the executor-side half, next to this file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    screening.recipe_arguments(parser)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--runs", type=int, default=2, choices=range(1, 10), metavar="N",
                        help="run the job N times in the session; the last is timed (the "
                             "first starts the Python workers and warms the JVM)")
    parser.add_argument("--batch-rows", type=int, default=4096,
                        help="spark.sql.execution.arrow.maxRecordsPerBatch: households a batch")
    parser.add_argument("--partition-bytes", default="1m",
                        help="spark.sql.files.maxPartitionBytes (Parquet splits by row group)")
    args = parser.parse_args()

    # Local mode: the Python workers run this same interpreter (venv). On a cluster,
    # ship a packed venv instead (docs/guide-data.md, "On a cluster").
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

    from pyspark.sql import SparkSession

    started = time.perf_counter()
    # --8<-- [start:spark]
    spark = (
        SparkSession.builder.master(args.master)
        .appName("accord-screen")
        .config("spark.sql.files.maxPartitionBytes", args.partition_bytes)
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", args.batch_rows)
        .getOrCreate()
    )
    sc = spark.sparkContext
    sc.addPyFile(screening.__file__)  # the executors import it
    sources = sc.broadcast(screening.read_sources(args.rules))  # the ruleset, as text
    loads = sc.accumulator(0)

    def screen(batches):
        return screening.screen_batches(batches, sources, args.as_of, loads, args.only)

    registry = spark.read.parquet(args.input)
    results = registry.mapInArrow(screen, screening.RESULTS_DDL)
    # --8<-- [end:spark]
    session = time.perf_counter() - started

    partitions = registry.rdd.getNumPartitions()
    # Start-up aside, as for the JVM: the first run starts the Python workers
    # (each imports pyarrow and the wheel, and loads the ruleset) and warms the
    # JVM's compiled code; a long-lived session screens on warm workers. Each
    # run writes the whole results table; the last is timed as the job.
    runs = []
    for _ in range(args.runs):
        job_started = time.perf_counter()
        results.write.mode("overwrite").parquet(args.output)
        runs.append(round(time.perf_counter() - job_started, 2))
    job = runs[-1]

    households = registry.count()
    rows = spark.read.parquet(args.output).count()
    figures = {
        "engine": "spark",
        "master": args.master,
        "only": args.only,
        "households": households,
        "results": rows,
        "partitions": partitions,
        "ruleset_loads": loads.value,
        "session_s": round(session, 2),
        "runs_s": runs,
        "job_s": job,
        "households_per_s": round(households / job),
    }
    spark.stop()
    print(json.dumps(figures))
    # Loaded once per Python worker, not once per partition.
    assert 1 <= figures["ruleset_loads"] <= max(2, partitions), figures
    assert rows > 0 and households > 0, figures


if __name__ == "__main__":
    main()
