"""Registries as tables from Python: the tables corpus (tests/tables/README.md,
expected.csv worked out by hand) through ``screen_file`` and ``screen_arrow``,
and what a Python developer relies on around them."""

import csv
import datetime
import decimal
import threading
from typing import Any, Dict, List

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import accord
from conftest import ROOT

TABLES = ROOT / "tests" / "tables"
AS_OF = datetime.date(2025, 3, 1)


def ruleset() -> accord.Ruleset:
    return accord.load([accord.SourceFile("rules.accord",
                                          (TABLES / "rules.accord").read_text(encoding="utf-8"))])


def expected_rows() -> List[Dict[str, str]]:
    with open(TABLES / "expected.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def typed_tables() -> Any:
    """The corpus as typed Arrow tables: households and members joined by id,
    and the same households with members as a list<struct> column."""
    households = pa.table({
        "household_id": ["h1", "h2", "h3", "h4", "h5"],
        "region": ["shirak", "yerevan", "shirak", "paris", "yerevan"],
        "owns_dwelling": [False, True, None, False, True],
    })
    members = pa.table({
        "household_id": ["h1", "h1", "h2", "h3", "h3", "h4"],
        "birth_date": [datetime.date(1980, 5, 1), datetime.date(2015, 1, 1),
                       datetime.date(1950, 1, 1), datetime.date(1990, 2, 2),
                       datetime.date(2020, 6, 1), datetime.date(1970, 1, 1)],
        "monthly_income": pa.array([60000, 0, 40000, 150000, 0, 10000], pa.int64()),
    })
    nested = households.append_column("members", pa.array([
        [{"birth_date": datetime.date(1980, 5, 1), "monthly_income": 60000},
         {"birth_date": datetime.date(2015, 1, 1), "monthly_income": 0}],
        [{"birth_date": datetime.date(1950, 1, 1), "monthly_income": 40000}],
        [{"birth_date": datetime.date(1990, 2, 2), "monthly_income": 150000},
         {"birth_date": datetime.date(2020, 6, 1), "monthly_income": 0}],
        [{"birth_date": datetime.date(1970, 1, 1), "monthly_income": 10000}],
        [],
    ]))
    return households, members, nested


def as_csv_row(row: Dict[str, Any]) -> Dict[str, str]:
    """A result row as expected.csv writes it."""
    def text(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, decimal.Decimal):
            return format(v.normalize(), "f")
        if isinstance(v, list):
            return ";".join(v)
        return str(v)
    return {k: text(v) for k, v in row.items()}


def test_screen_file_gives_the_hand_worked_csv(tmp_path: Any) -> None:
    out = tmp_path / "results.csv"
    seen = []
    counts = ruleset().screen_file(TABLES / "households.csv", out, AS_OF,
                                   id_column="household_id", members=TABLES / "members.csv",
                                   threads=2, progress=lambda done, total: seen.append((done, total)))
    assert out.read_text(encoding="utf-8") == (TABLES / "expected.csv").read_text(encoding="utf-8")
    # 5 households, 14 rows, h4 refused (README).
    assert counts == {"households": 5, "rows": 14, "bad": 1, "work_limit": 0}
    # One batch; a CSV file does not say its length.
    assert seen == [(5, None)]


def test_screen_parquet_streams_to_parquet(tmp_path: Any) -> None:
    _, _, nested = typed_tables()
    pq.write_table(nested, tmp_path / "registry.parquet")
    counts = accord.screen_parquet(ruleset(), tmp_path / "registry.parquet",
                                   tmp_path / "results.parquet", AS_OF, id_column="household_id")
    assert counts["rows"] == 14
    rows = pq.read_table(tmp_path / "results.parquet").to_pylist()
    assert [as_csv_row(r) for r in rows] == expected_rows()


def test_screen_arrow_typed_and_joined_give_the_same_rows() -> None:
    households, members, nested = typed_tables()
    r = ruleset()
    joined = r.screen_arrow(households, AS_OF, id_column="household_id", members=members)
    listed = r.screen_arrow(nested, AS_OF, id_column="household_id", threads=2)
    assert joined.equals(listed)
    assert [as_csv_row(row) for row in listed.to_pylist()] == expected_rows()
    # Amounts are exact decimals: h1's child benefit is 10 000.
    assert listed.schema.field("amount").type == pa.decimal128(38, 10)
    assert listed.to_pylist()[0]["amount"] == decimal.Decimal("10000")


def test_pandas_and_record_batches_are_tables_too() -> None:
    _, _, nested = typed_tables()
    r = ruleset()
    expected = r.screen_arrow(nested, AS_OF, id_column="household_id")
    from_pandas = r.screen_arrow(nested.to_pandas(), AS_OF, id_column="household_id")
    # The id column keeps the type it came with (pandas' strings may arrive
    # as large_string); everything else is the same table.
    assert from_pandas.column("household_id").to_pylist() == \
        expected.column("household_id").to_pylist()
    assert from_pandas.drop_columns(["household_id"]).equals(
        expected.drop_columns(["household_id"]))
    batch = nested.to_batches()[0]
    assert r.screen_arrow(batch, AS_OF, id_column="household_id").equals(expected)


def test_without_an_id_rows_are_numbered_and_explanations_come_on_request() -> None:
    _, _, nested = typed_tables()
    out = ruleset().screen_arrow(nested.drop_columns(["household_id"]), AS_OF, explain=True)
    assert out.column_names[0] == "row"
    assert out.column_names[-1] == "explanation"
    first = out.to_pylist()[0]
    assert first["row"] == 1 and first["program"] == "child_benefit"
    assert "Child benefit: eligible" in first["explanation"]


def test_batches_stream_lazily() -> None:
    _, _, nested = typed_tables()
    reader = ruleset().screen_arrow_batches(nested, AS_OF, id_column="household_id")
    assert isinstance(reader, pa.RecordBatchReader)
    assert sum(b.num_rows for b in reader) == 14


def test_statuses_keep_the_rows_a_team_screens_for(tmp_path: Any) -> None:
    # expected.csv's eligible rows (h1 child_benefit and housing_support, h2
    # old_age_pension), h3's undetermined housing_support, and h4's error row,
    # which is always kept: 5 of the 14 rows, in the same order.
    _, _, nested = typed_tables()
    r = ruleset()
    kept = ["eligible", "undetermined", "error"]
    want = [row for row in expected_rows() if row["status"] in kept]
    assert len(want) == 5
    table = r.screen_arrow(nested, AS_OF, id_column="household_id",
                           statuses=["eligible", "undetermined"], threads=2)
    assert [as_csv_row(row) for row in table.to_pylist()] == want
    out = tmp_path / "results.csv"
    counts = r.screen_file(TABLES / "households.csv", out, AS_OF, id_column="household_id",
                           members=TABLES / "members.csv",
                           statuses=("eligible", "undetermined"))
    assert counts == {"households": 5, "rows": 5, "bad": 1, "work_limit": 0}
    with open(out, newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == want
    # One name alone is a list of one: h3's undetermined row and h4's error.
    alone = r.screen_arrow(nested, AS_OF, id_column="household_id", statuses="undetermined")
    assert alone.column("status").to_pylist() == ["undetermined", "error"]
    # A name that is not a status: refused with U0045 before anything is read.
    with pytest.raises(accord.AccordError) as error:
        r.screen_arrow(nested, AS_OF, statuses=["eligble"])
    assert error.value.code == "U0045"
    assert str(error.value) == "U0045: `eligble` is not a status of a result"
    assert (error.value.problems[0].help or "").startswith("did you mean `eligible`?")


def test_a_python_generator_feeds_the_stream_and_may_be_left_half_read() -> None:
    # The households come from a Python generator (the engine reads them on a
    # thread of its own, a chunk ahead, taking the interpreter's lock to run
    # it): 40 copies of the 5 households give 40 x 14 rows.
    _, _, nested = typed_tables()

    def households() -> Any:
        for _ in range(40):
            yield from nested.to_batches()

    r = ruleset()
    reader = pa.RecordBatchReader.from_batches(nested.schema, households())
    out = r.screen_arrow_batches(reader, AS_OF, id_column="household_id")
    assert sum(b.num_rows for b in out) == 40 * 14
    # Read one batch and leave the rest: nothing waits for the screening
    # still ahead, and the next call works.
    reader = pa.RecordBatchReader.from_batches(nested.schema, households())
    out = r.screen_arrow_batches(reader, AS_OF, id_column="household_id")
    assert out.read_next_batch().num_rows == 14
    out.close()
    del out
    assert r.screen_arrow(nested, AS_OF, id_column="household_id").num_rows == 14


def test_errors_are_accord_errors_with_codes() -> None:
    _, _, nested = typed_tables()
    with pytest.raises(accord.AccordError) as error:
        ruleset().screen_arrow(nested, AS_OF, id_column="hh")
    assert error.value.code == "U0040"
    with pytest.raises(TypeError):
        ruleset().screen_arrow([{"region": "shirak"}], AS_OF)
    households, members, _ = typed_tables()
    # Members out of the households' order: refused whole, with its code.
    backwards = members.take([2, 0, 1, 3, 4, 5])
    with pytest.raises(accord.AccordError) as error:
        ruleset().screen_arrow(households, AS_OF, id_column="household_id", members=backwards)
    assert error.value.code == "U0043"


def test_the_gil_is_released_while_the_engine_works() -> None:
    # Two Python threads screen at once; each gets the same table (the engine
    # holds no Python state), and neither blocks the other from finishing.
    _, _, nested = typed_tables()
    big = pa.concat_tables([nested] * 2000)
    r = ruleset()
    results: List[Any] = []
    threads = [threading.Thread(target=lambda: results.append(
        r.screen_arrow(big, AS_OF, id_column="household_id", threads=1))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0].equals(results[1])
    assert results[0].num_rows == 14 * 2000
