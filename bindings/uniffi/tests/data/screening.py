"""The part of the data recipes that runs beside the data, on Spark's executors and
Dask's workers (docs/guide-data.md). Ship this file with the job (Spark:
`--py-files screening.py` or `SparkContext.addPyFile`); the executors need the
`accord` wheel and pyarrow installed.

The ruleset travels as its source text (a few kilobytes, broadcast once) and is
loaded once per worker process, on its first batch, then kept in a module global:
Spark reuses its Python workers between tasks, so a registry of many partitions
loads it once per process, not once per partition."""

from typing import Any, Dict, Iterable, Iterator, Optional, Sequence, Tuple

import accord
import pyarrow as pa

# --8<-- [start:schema]
# The results table, one row per (household, programme, subject), as the
# recipes declare it to Spark (DDL) and to Dask (an empty pandas frame).
RESULTS = pa.schema([
    ("household_id", pa.int64()),
    ("program", pa.string()),
    ("label", pa.string()),
    ("subject", pa.string()),
    ("status", pa.string()),
    ("amount", pa.decimal128(38, 10)),
    ("missing", pa.list_(pa.string())),
    ("work_limit", pa.bool_()),
    ("error_code", pa.string()),
    ("error_path", pa.string()),
])
RESULTS_DDL = (
    "household_id BIGINT, program STRING, label STRING, subject STRING, status STRING, "
    "amount DECIMAL(38,10), missing ARRAY<STRING>, work_limit BOOLEAN, "
    "error_code STRING, error_path STRING"
)
# --8<-- [end:schema]

# --8<-- [start:screen]
Sources = Sequence[Tuple[str, str]]  # (file name, text) of each ruleset file
_rulesets: Dict[Sources, accord.Ruleset] = {}  # one per worker process


def ruleset_for(sources: Sources, loads: Any = None) -> accord.Ruleset:
    """The ruleset of these sources, loaded on first use in this process."""
    key = tuple(sources)
    ruleset = _rulesets.get(key)
    if ruleset is None:
        ruleset = accord.load([accord.SourceFile(name=name, text=text) for name, text in key])
        _rulesets[key] = ruleset
        if loads is not None:  # a Spark accumulator counting the loads
            loads.add(1)
    return ruleset


def screen_batches(batches: Iterable[pa.RecordBatch], sources: Any, as_of: Any,
                   loads: Any = None,
                   statuses: Optional[Sequence[str]] = None) -> Iterator[pa.RecordBatch]:
    """Screens households (one Arrow batch at a time, `household_id` carried
    through) and yields their results as batches of RESULTS: only those of
    `statuses` when given (["eligible", "undetermined"]), refusals always."""
    # `sources` is a Spark broadcast, or the list itself.
    ruleset = ruleset_for(getattr(sources, "value", sources), loads)
    for batch in batches:
        out = ruleset.screen_arrow(batch, as_of=as_of, id_column="household_id", threads=1,
                                   statuses=statuses)
        yield from out.select(RESULTS.names).cast(RESULTS).to_batches()
# --8<-- [end:screen]


def read_sources(paths: Iterable[Any]) -> Sources:
    """(name, text) of ruleset files, in name order as `accord.load_dir` takes them."""
    import pathlib

    files = sorted((pathlib.Path(p) for p in paths), key=lambda p: p.name)
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def recipe_arguments(parser: Any) -> None:
    """The arguments both recipes' drivers take (an argparse parser): the
    ruleset, the registry, the results folder, the as-of date and `--only`."""
    from datetime import date

    parser.add_argument("--rules", nargs="+", required=True, help="ruleset files (.accord)")
    parser.add_argument("--input", required=True, help="registry (Parquet file or folder)")
    parser.add_argument("--output", required=True, help="results folder (Parquet)")
    parser.add_argument("--as-of", required=True, type=date.fromisoformat)
    parser.add_argument("--only", type=lambda s: s.split(","), default=None,
                        help="keep only results of these statuses (eligible,undetermined)")
