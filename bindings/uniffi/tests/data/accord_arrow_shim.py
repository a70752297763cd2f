"""TEMPORARY test scaffolding, not product code: the Arrow entry points of issue 20
(`Ruleset.screen_arrow`, `Ruleset.screen_arrow_batches`, `accord.screen_parquet`)
written over the JSON batch call `Ruleset.screen_many`, for a wheel that does not
have them yet.

bindings/uniffi/data-test.sh installs it into its venv (as a `.pth` hook, so Spark's
Python workers get it too) only when `accord.Ruleset` has no `screen_arrow`; with a
wheel that has the real entry points it is never loaded, and it can be deleted.

It follows the contract the recipes are written against: one row per household; the
id column carried through (not a fact), or `row` (int64, from 1) without one; the
other columns are the root entity's facts, `members` a list<struct> column; nulls are
unknown facts. Output columns: id, program, label, subject, status, amount
(decimal128(38, 10)), missing (list<utf8>), work_limit (bool), error_code, error_path,
and explanation (JSON text) with explain=True. Values are the engine's JSON values as
they are (status `ineligible`, subjects `members[0]`); it is slow (JSON both ways).
"""

from __future__ import annotations

import decimal
import json
import re
from typing import Any, Callable, Dict, Iterator, List, Optional

import accord

_CHUNK = 4096  # households per JSON call


def _schema(id_field: Any, explain: bool) -> Any:
    import pyarrow as pa

    fields = [
        id_field,
        pa.field("program", pa.string()),
        pa.field("label", pa.string()),
        pa.field("subject", pa.string()),
        pa.field("status", pa.string()),
        pa.field("amount", pa.decimal128(38, 10)),
        pa.field("missing", pa.list_(pa.string())),
        pa.field("work_limit", pa.bool_()),
        pa.field("error_code", pa.string()),
        pa.field("error_path", pa.string()),
    ]
    if explain:
        fields.append(pa.field("explanation", pa.string()))
    return pa.schema(fields)


def _known(value: Any) -> Any:
    """Nulls are unknown facts: left out of the document."""
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return value


_CODE = re.compile(r"^([A-Z][0-9]{4}): ")


def _reader(data: Any) -> Any:
    import pyarrow as pa

    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.RecordBatchReader.from_batches(data.schema, [data])
    if not isinstance(data, pa.Table):
        data = pa.table(data)
    return data.to_reader()


def _screen_batch(ruleset: Any, batch: Any, first_row: int, as_of: Any,
                  id_column: Optional[str], explain: bool, lang: Optional[str], schema: Any) -> Any:
    import pyarrow as pa

    rows = batch.to_pylist()
    ids: List[Any] = []
    docs = []
    for n, row in enumerate(rows):
        ids.append(row.pop(id_column) if id_column else first_row + n)
        docs.append(_known(row))
    cols: Dict[str, List[Any]] = {f.name: [] for f in schema}
    id_name = schema.field(0).name
    for start in range(0, len(docs), _CHUNK):
        out = ruleset.screen_many(docs[start:start + _CHUNK], as_of, explain=explain, lang=lang)
        for k, line in enumerate(out):
            hid = ids[start + k]
            if "error" in line:
                text = line["error"]
                m = _CODE.match(text)
                cols[id_name].append(hid)
                for name in ("program", "label", "subject", "amount", "error_path"):
                    cols[name].append(None)
                cols["status"].append("error")
                cols["missing"].append([])
                cols["work_limit"].append(False)
                cols["error_code"].append(m.group(1) if m else "")
                if explain:
                    cols["explanation"].append(None)
                continue
            limited = bool(line.get("work_limit", False))
            for r in line["results"]:
                cols[id_name].append(hid)
                cols["program"].append(r["program"])
                cols["label"].append(r["label"])
                cols["subject"].append(r["subject"])
                cols["status"].append(r["status"])
                cols["amount"].append(None if r.get("amount") is None else
                                      decimal.Decimal(r["amount"]))
                cols["missing"].append(list(r.get("missing", [])))
                cols["work_limit"].append(limited)
                cols["error_code"].append(None)
                cols["error_path"].append(None)
                if explain:
                    cols["explanation"].append(
                        json.dumps(r.get("explanation"), default=str, ensure_ascii=False))
    return pa.table({f.name: pa.array(cols[f.name], f.type) for f in schema}, schema=schema)


def _batches(ruleset: Any, data: Any, as_of: Any, id_column: Optional[str] = None,
             explain: bool = False, lang: Optional[str] = None,
             threads: Optional[int] = None) -> Iterator[Any]:
    import pyarrow as pa

    reader = _reader(data)
    if id_column is not None:
        id_field = reader.schema.field(id_column)
    else:
        id_field = pa.field("row", pa.int64())
    schema = _schema(id_field, explain)
    first = 1
    for batch in reader:
        table = _screen_batch(ruleset, batch, first, as_of, id_column, explain, lang, schema)
        first += batch.num_rows
        for out in table.to_batches():
            yield out


def screen_arrow(self: Any, data: Any, as_of: Any, id_column: Optional[str] = None,
                 explain: bool = False, lang: Optional[str] = None,
                 threads: Optional[int] = None) -> Any:
    import pyarrow as pa

    reader = screen_arrow_batches(self, data, as_of, id_column, explain, lang, threads)
    return pa.Table.from_batches(list(reader), schema=reader.schema)


def screen_arrow_batches(self: Any, data: Any, as_of: Any, id_column: Optional[str] = None,
                         explain: bool = False, lang: Optional[str] = None,
                         threads: Optional[int] = None) -> Any:
    import pyarrow as pa

    reader = _reader(data)
    id_field = (reader.schema.field(id_column) if id_column is not None
                else pa.field("row", pa.int64()))
    return pa.RecordBatchReader.from_batches(
        _schema(id_field, explain),
        _batches(self, reader, as_of, id_column, explain, lang, threads))


def screen_parquet(ruleset: Any, source: Any, destination: Any, as_of: Any,
                   id_column: Optional[str] = None, explain: bool = False,
                   lang: Optional[str] = None, threads: Optional[int] = None,
                   progress: Optional[Callable[..., Any]] = None) -> Dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    infile = pq.ParquetFile(str(source))
    total = infile.metadata.num_rows
    id_field = (infile.schema_arrow.field(id_column) if id_column is not None
                else pa.field("row", pa.int64()))
    schema = _schema(id_field, explain)
    done = results = 0
    with pq.ParquetWriter(str(destination), schema) as writer:
        for batch in infile.iter_batches(batch_size=8192):
            table = _screen_batch(ruleset, batch, done + 1, as_of, id_column, explain,
                                  lang, schema)
            writer.write_table(table)
            done += batch.num_rows
            results += table.num_rows
            if progress is not None:
                progress(done, total)
    return {"households": done, "rows": results, "bad": 0, "work_limit": 0}


def install() -> bool:
    """Adds the entry points to `accord` when the wheel lacks them; True if it did."""
    if hasattr(accord.Ruleset, "screen_arrow"):
        return False
    accord.Ruleset.screen_arrow = screen_arrow  # type: ignore[attr-defined]
    accord.Ruleset.screen_arrow_batches = screen_arrow_batches  # type: ignore[attr-defined]
    accord.screen_parquet = screen_parquet  # type: ignore[attr-defined]
    return True


install()
