"""Compares results tables (Parquet, from the Spark and Dask recipes) row for row with
what the CLI printed for the same registry as JSON lines:

    python compare.py --cli cli.jsonl --id-base 7000000000 results-spark/ results-dask/

The CLI's n-th line (from 1) is the household whose id is ID_BASE + n (make_registry.py).
Both sides are sorted by (household_id, program, subject) and compared column by
column: label, status, amount (as decimals, exactly), missing, work_limit, error_code,
error_path. Exits 1 on the first difference, printed in full."""

import argparse
import decimal
import json
import pathlib
import re
import sys
from typing import Any, Dict, List

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import screening  # noqa: E402 (next to this file)

# The recipes' results schema: what every side is compared as.
SCHEMA = screening.RESULTS
KEYS = [("household_id", "ascending"), ("program", "ascending"), ("subject", "ascending")]
_CODE = re.compile(r"^([A-Z][0-9]{4}): ")


def cli_table(path: str, id_base: int) -> pa.Table:
    """The CLI's JSON lines as a table of SCHEMA."""
    chunks: List[pa.Table] = []
    cols: Dict[str, List[Any]] = {f.name: [] for f in SCHEMA}

    def flush() -> None:
        chunks.append(pa.table({f.name: pa.array(cols[f.name], f.type) for f in SCHEMA},
                               schema=SCHEMA))
        for values in cols.values():
            values.clear()

    with open(path, encoding="utf-8") as lines:
        for n, text in enumerate(lines, start=1):
            line = json.loads(text)
            assert line["line"] == n, (line.get("line"), n)
            hid = id_base + n
            if "error" in line:
                code = _CODE.match(line["error"])
                row = {"household_id": hid, "status": "error", "missing": [],
                       "work_limit": False, "error_code": code.group(1) if code else ""}
                for f in SCHEMA:
                    cols[f.name].append(row.get(f.name))
                continue
            limited = bool(line.get("work_limit", False))
            for r in line["results"]:
                cols["household_id"].append(hid)
                cols["program"].append(r["program"])
                cols["label"].append(r["label"])
                cols["subject"].append(r["subject"])
                cols["status"].append(r["status"])
                amount = r.get("amount")
                cols["amount"].append(None if amount is None else decimal.Decimal(amount))
                cols["missing"].append(r.get("missing", []))
                cols["work_limit"].append(limited)
                cols["error_code"].append(None)
                cols["error_path"].append(None)
            if len(cols["household_id"]) >= 500_000:
                flush()
    flush()
    return pa.concat_tables(chunks)


def results_table(path: str) -> pa.Table:
    table = pq.read_table(path, columns=SCHEMA.names)
    return table.select(SCHEMA.names).cast(SCHEMA)


def first_difference(a: pa.Table, b: pa.Table, column: str) -> int:
    step = 100_000
    for start in range(0, a.num_rows, step):
        left = a.column(column).slice(start, step).to_pylist()
        right = b.column(column).slice(start, step).to_pylist()
        for k, (x, y) in enumerate(zip(left, right)):
            if x != y:
                return start + k
    return -1


def compare(cli: pa.Table, other: pa.Table, name: str) -> bool:
    if cli.num_rows != other.num_rows:
        print(f"{name}: {other.num_rows} rows, the CLI {cli.num_rows}")
    statuses = set(other.column("status").unique().to_pylist())
    if "not_eligible" in statuses and "ineligible" not in statuses:
        # The Arrow column names the status `not_eligible`; the JSON `ineligible`.
        cli = cli.set_column(cli.schema.get_field_index("status"), "status",
                             pa.array([("not_eligible" if s == "ineligible" else s)
                                       for s in cli.column("status").to_pylist()], pa.string()))
        print(f"{name}: status `not_eligible` compared with the CLI's `ineligible`")
    if cli.num_rows != other.num_rows:
        return False
    for column in SCHEMA.names:
        if not cli.column(column).equals(other.column(column)):
            k = first_difference(cli, other, column)
            print(f"{name}: first difference in `{column}` at sorted row {k}:")
            print("  CLI:  ", cli.slice(k, 1).to_pylist())
            print(f"  {name}:", other.slice(k, 1).to_pylist())
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", required=True, help="the CLI's JSON lines")
    parser.add_argument("--id-base", type=int, required=True)
    parser.add_argument("results", nargs="+", help="results tables (Parquet file or folder)")
    args = parser.parse_args()
    cli = cli_table(args.cli, args.id_base).sort_by(KEYS)
    households = len(cli.column("household_id").unique())
    counts = dict(zip(*_counts(cli)))
    print(f"CLI: {households} households with a result row, {cli.num_rows} results {counts}")
    ok = True
    for path in args.results:
        other = results_table(path).sort_by(KEYS)
        same = compare(cli, other, path)
        print(f"{path}: {other.num_rows} results, "
              + ("identical to the CLI, row for row" if same else "DIFFERENT"))
        ok = ok and same
    sys.exit(0 if ok else 1)


def _counts(table: pa.Table) -> List[List[Any]]:
    pairs = table.column("status").value_counts().to_pylist()
    pairs = sorted((p["values"], p["counts"]) for p in pairs)
    return [[k for k, _ in pairs], [v for _, v in pairs]]


if __name__ == "__main__":
    main()
