"""Screens a Parquet registry with Dask's `map_partitions` (docs/guide-data.md):

    python dask_recipe.py --rules bench/rules/twenty.accord \\
        --input registry.parquet --output results/ --as-of 2025-03-01 [--workers 2]

Each partition (a pandas frame backed by Arrow) goes to the `accord` wheel as an Arrow
table and comes back as one; Dask schedules the partitions on a local thread pool (the
wheel releases the GIL while it screens). Prints one JSON line of figures: the job's
time, households, results and partitions. Needs dask[dataframe], pandas, pyarrow."""

import argparse
import json
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import screening  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    screening.recipe_arguments(parser)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", default="threads", choices=["threads", "processes"])
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    import pandas as pd
    import pyarrow as pa

    sources = screening.read_sources(args.rules)
    # --8<-- [start:dask]
    def screen_frame(frame: pd.DataFrame) -> pd.DataFrame:
        households = pa.Table.from_pandas(frame, preserve_index=False)
        batches = screening.screen_batches(households.to_batches(), sources, args.as_of,
                                           statuses=args.only)
        results = pa.Table.from_batches(batches, schema=screening.RESULTS)
        return results.to_pandas(types_mapper=pd.ArrowDtype)

    registry = dd.read_parquet(args.input, dtype_backend="pyarrow", split_row_groups=True)
    meta = screening.RESULTS.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    results = registry.map_partitions(screen_frame, meta=meta)
    # --8<-- [end:dask]

    started = time.perf_counter()
    with dask.config.set(scheduler=args.scheduler, num_workers=args.workers):
        results.to_parquet(args.output, write_index=False, overwrite=True)
    job = time.perf_counter() - started

    import pyarrow.parquet as pq

    households = pq.ParquetFile(args.input).metadata.num_rows if pathlib.Path(
        args.input).is_file() else pq.read_table(args.input, columns=[]).num_rows
    rows = pq.read_table(args.output, columns=["household_id"]).num_rows
    figures = {
        "engine": "dask",
        "scheduler": args.scheduler,
        "only": args.only,
        "workers": args.workers,
        "households": households,
        "results": rows,
        "partitions": registry.npartitions,
        "job_s": round(job, 2),
        "households_per_s": round(households / job),
    }
    print(json.dumps(figures))
    assert rows > 0 and households > 0, figures


if __name__ == "__main__":
    main()
