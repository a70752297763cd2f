#!/usr/bin/env python3
"""Issue 20's table targets, measured in one run (figures for bench/README.md):

    python3 bench/scripts/tables_bench.py --cli target/release/accord \\
        --python VENV/bin/python --households 1000000 --work /tmp/tables-bench

VENV has the accord wheel (a release build) and pyarrow. The registry is
bench/scripts/make_registry.py's (twenty.accord, seeded), written once as JSON
lines and as Parquet. Each measurement is one process, timed from outside
(wall seconds) with its peak resident memory (ru_maxrss of the child):

1. the CLI, `--facts-jsonl` to /dev/null (the reference throughput);
2. the CLI, `--input registry.parquet --output results.parquet`;
3. Python over Arrow: the Parquet file read in batches, screened by
   `screen_arrow_batches` and consumed batch by batch (rows and eligible
   results counted with pyarrow.compute, as a pipeline would aggregate);
4. Python `accord.screen_parquet` to a Parquet file.

Every run uses 2 threads (the machines have 2 cores)."""

import argparse
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "bench", "rules", "twenty.accord")
AS_OF = "2025-03-01"

PYTHON_ARROW = r"""
import sys, accord, pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
rules, registry = sys.argv[1], sys.argv[2]
r = accord.load([accord.SourceFile("twenty.accord", open(rules).read())])
f = pq.ParquetFile(registry)
households = pa.RecordBatchReader.from_batches(f.schema_arrow, f.iter_batches(batch_size=65536))
rows = eligible = 0
for batch in r.screen_arrow_batches(households, "%s", id_column="household_id", threads=2):
    rows += batch.num_rows
    eligible += pc.sum(pc.equal(batch.column("status"), "eligible")).as_py() or 0
print(rows, eligible)
""" % AS_OF

PYTHON_PARQUET = r"""
import sys, accord
rules, registry, out = sys.argv[1], sys.argv[2], sys.argv[3]
r = accord.load([accord.SourceFile("twenty.accord", open(rules).read())])
print(accord.screen_parquet(r, registry, out, "%s", id_column="household_id", threads=2))
""" % AS_OF


def measure(label, argv, stdout=subprocess.PIPE):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        sys.exit(f"{label} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure the
    # small ones first, or read it per run with /usr/bin/time.
    return seconds, peak_kib, before, done


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--households", type=int, default=1_000_000)
    p.add_argument("--work", default="/tmp/tables-bench")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    jsonl = os.path.join(a.work, f"registry-{a.households}.jsonl")
    parquet = os.path.join(a.work, f"registry-{a.households}.parquet")
    if not (os.path.exists(jsonl) and os.path.exists(parquet)):
        subprocess.run([a.python, os.path.join(ROOT, "bench", "scripts", "make_registry.py"),
                        str(a.households), "--jsonl", jsonl, "--parquet", parquet], check=True)
    n = a.households
    runs = [
        ("CLI --facts-jsonl (JSON lines to /dev/null)",
         ["/usr/bin/time", "-f", "%M", a.cli, "screen", RULES, "--facts-jsonl", jsonl,
          "--as-of", AS_OF, "--format", "jsonl", "--threads", "2", "--no-progress"],
         subprocess.DEVNULL),
        ("CLI --input .parquet --output .parquet",
         ["/usr/bin/time", "-f", "%M", a.cli, "screen", RULES, "--input", parquet,
          "--output", os.path.join(a.work, "cli-results.parquet"), "--id-column", "household_id",
          "--as-of", AS_OF, "--threads", "2", "--no-progress"], subprocess.PIPE),
        ("Python screen_arrow_batches over Parquet batches",
         ["/usr/bin/time", "-f", "%M", a.python, "-c", PYTHON_ARROW, RULES, parquet],
         subprocess.PIPE),
        ("Python accord.screen_parquet to .parquet",
         ["/usr/bin/time", "-f", "%M", a.python, "-c", PYTHON_PARQUET, RULES, parquet,
          os.path.join(a.work, "py-results.parquet")], subprocess.PIPE),
    ]
    print(f"| {n:,} households, twenty.accord, 2 threads | seconds | households/s | peak RSS |")
    print("|---|---:|---:|---:|")
    reference = None
    for label, argv, out in runs:
        seconds, _, _, done = measure(label, argv, out)
        # /usr/bin/time prints the child's peak RSS (KiB) on the last line of stderr.
        peak = int(done.stderr.decode().strip().splitlines()[-1])
        rate = n / seconds
        if reference is None:
            reference = rate
        share = f" ({rate / reference:.2f}× the CLI's JSON lines)" if reference != rate else ""
        print(f"| {label} | {seconds:.2f} | {rate:,.0f}{share} | {peak / 1024:.0f} MiB |")
        if out == subprocess.PIPE and done.stdout:
            print(f"<!-- {label}: {done.stdout.decode().strip()} -->")


if __name__ == "__main__":
    main()
