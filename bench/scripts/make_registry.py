#!/usr/bin/env python3
"""Writes a registry of generated households for `rules/twenty.accord`, for timing
`accord screen` end to end and for the data recipes (docs/guide-data.md).

JSON lines (one facts document per line; needs only Python 3):

    python3 bench/scripts/make_registry.py 1000000 > /tmp/registry.jsonl
    accord screen bench/rules/twenty.accord --facts-jsonl /tmp/registry.jsonl \\
        --as-of 2025-03-01 --format jsonl --threads 2 > /dev/null

Parquet (needs `pyarrow`): one row per household, a `household_id` int64 column, the
household's facts as columns and `members` as a list<struct> column, dates as date32:

    python3 bench/scripts/make_registry.py 1000000 --parquet /tmp/registry.parquet

Households have 1 to 6 members (3.5 on average), every fact known unless `--unknown
RATE` leaves some out (absent from the JSON, null in Parquet); the same seed gives
the same households in both formats (about 730 bytes a household as JSON). The
n-th JSON line (from 1) is the household whose `household_id` is `ID_BASE + n`, so
the ids are carried through, not row numbers: `--id-base` changes the base."""

import argparse
import datetime
import random
import sys

REGIONS = ["yerevan", "shirak", "lori", "tavush", "syunik"]
SETTLEMENTS = ["urban", "rural", "mountainous"]
DISABILITY = ["none", "none", "none", "none", "group_1", "group_2", "group_3"]
# Wider than 32 bits, so an id column that lost its type would show.
ID_BASE = 7_000_000_000
# Households per Parquet row group (and per batch built in memory).
ROW_GROUP = 65_536


def person(r: random.Random) -> tuple:
    """One member's facts, drawn in a fixed order (the seed's contract)."""
    return (
        1940 + r.randrange(86),  # birth year
        1 + r.randrange(12),  # birth month
        1 + r.randrange(28),  # birth day
        r.choice(DISABILITY),
        r.randrange(20) * 10000,  # monthly_income
        r.randrange(40),  # insurance_years
        r.randrange(2) == 0,  # employed
        r.randrange(2) == 0,  # in_school
        r.randrange(10) == 0,  # pregnant
        r.randrange(4) == 0,  # receives_insurance_pension
    )


def household(r: random.Random) -> tuple:
    """(region, settlement, score units, score tenths, owns_dwelling, members)."""
    members = [person(r) for _ in range(1 + r.randrange(6))]
    return (
        r.choice(REGIONS),
        r.choice(SETTLEMENTS),
        r.randrange(50),
        r.randrange(10),
        r.randrange(2) == 0,
        members,
    )


def _b(value: bool) -> str:
    return "true" if value else "false"


def forget(h: tuple, u: random.Random, rate: float) -> tuple:
    """The same household with each fact unknown (None) with probability `rate`,
    drawn from a generator of its own, so the households are otherwise the same."""

    def keep() -> bool:
        return u.random() >= rate

    members = []
    for p in h[5]:
        birth = p[:3] if keep() else (None, None, None)
        members.append(birth + tuple(v if keep() else None for v in p[3:]))
    score = h[2:4] if keep() else (None, None)
    return (h[0] if keep() else None, h[1] if keep() else None) + score + (
        h[4] if keep() else None, members)


def _fields(pairs) -> str:
    return ",".join('"%s":%s' % (k, v) for k, v in pairs if v is not None)


def person_json(p: tuple) -> str:
    if None in p:
        return "{%s}" % _fields([
            ("birth_date", None if p[0] is None else '"%d-%02d-%02d"' % p[:3]),
            ("disability", None if p[3] is None else '"%s"' % p[3]),
            ("monthly_income", None if p[4] is None else "%d" % p[4]),
            ("insurance_years", None if p[5] is None else "%d" % p[5]),
            ("employed", None if p[6] is None else _b(p[6])),
            ("in_school", None if p[7] is None else _b(p[7])),
            ("pregnant", None if p[8] is None else _b(p[8])),
            ("receives_insurance_pension", None if p[9] is None else _b(p[9])),
        ])
    return (
        '{"birth_date":"%d-%02d-%02d","disability":"%s","monthly_income":%d,'
        '"insurance_years":%d,"employed":%s,"in_school":%s,"pregnant":%s,'
        '"receives_insurance_pension":%s}'
        % (p[0], p[1], p[2], p[3], p[4], p[5], _b(p[6]), _b(p[7]), _b(p[8]), _b(p[9]))
    )


def household_json(h: tuple) -> str:
    members = ",".join(person_json(p) for p in h[5])
    if None in h[:5]:
        return "{%s}" % _fields([
            ("region", None if h[0] is None else '"%s"' % h[0]),
            ("settlement", None if h[1] is None else '"%s"' % h[1]),
            ("vulnerability_score", None if h[2] is None else "%d.%d" % h[2:4]),
            ("owns_dwelling", None if h[4] is None else _b(h[4])),
            ("members", "[%s]" % members),
        ])
    return (
        '{"region":"%s","settlement":"%s","vulnerability_score":%d.%d,'
        '"owns_dwelling":%s,"members":[%s]}'
        % (h[0], h[1], h[2], h[3], _b(h[4]), members)
    )


def households(n: int, seed: int, unknown: float = 0.0):
    """The n households of a seed, with facts forgotten at the rate `unknown`."""
    r = random.Random(seed)
    u = random.Random(seed + 1_000_003)
    for _ in range(n):
        h = household(r)
        yield forget(h, u, unknown) if unknown > 0 else h


def arrow_schema():  # -> pyarrow.Schema
    import pyarrow as pa

    member = pa.struct(
        [
            ("birth_date", pa.date32()),
            ("disability", pa.string()),
            ("monthly_income", pa.int64()),
            ("insurance_years", pa.int64()),
            ("employed", pa.bool_()),
            ("in_school", pa.bool_()),
            ("pregnant", pa.bool_()),
            ("receives_insurance_pension", pa.bool_()),
        ]
    )
    return pa.schema(
        [
            ("household_id", pa.int64()),
            ("region", pa.string()),
            ("settlement", pa.string()),
            ("vulnerability_score", pa.decimal128(5, 1)),
            ("owns_dwelling", pa.bool_()),
            ("members", pa.list_(member)),
        ]
    )


def arrow_batches(n: int, seed: int, id_base: int = ID_BASE, size: int = ROW_GROUP,
                  unknown: float = 0.0):
    """The registry as pyarrow RecordBatches of `size` households."""
    import decimal

    import pyarrow as pa

    schema = arrow_schema()
    epoch = datetime.date(1970, 1, 1).toordinal()
    ordinal = datetime.date.toordinal
    day = datetime.date
    tenth = decimal.Decimal(1).scaleb(-1)
    source = households(n, seed, unknown)
    done = 0
    while done < n:
        count = min(size, n - done)
        cols = [[] for _ in range(5)]
        members = []
        for _ in range(count):
            h = next(source)
            cols[0].append(h[0])
            cols[1].append(h[1])
            cols[2].append(None if h[2] is None else decimal.Decimal(h[2] * 10 + h[3]) * tenth)
            cols[3].append(h[4])
            members.append(
                [
                    {
                        "birth_date": None if p[0] is None else ordinal(day(*p[:3])) - epoch,
                        "disability": p[3],
                        "monthly_income": p[4],
                        "insurance_years": p[5],
                        "employed": p[6],
                        "in_school": p[7],
                        "pregnant": p[8],
                        "receives_insurance_pension": p[9],
                    }
                    for p in h[5]
                ]
            )
        ids = pa.array(range(id_base + done + 1, id_base + done + count + 1), pa.int64())
        yield pa.RecordBatch.from_arrays(
            [
                ids,
                pa.array(cols[0], pa.string()),
                pa.array(cols[1], pa.string()),
                pa.array(cols[2], schema.field("vulnerability_score").type),
                pa.array(cols[3], pa.bool_()),
                pa.array(members, schema.field("members").type),
            ],
            schema=schema,
        )
        done += count


def write_parquet(path: str, n: int, seed: int, id_base: int = ID_BASE,
                  unknown: float = 0.0, row_group: int = ROW_GROUP) -> None:
    import pyarrow.parquet as pq

    with pq.ParquetWriter(path, arrow_schema()) as writer:
        for batch in arrow_batches(n, seed, id_base, row_group, unknown):
            writer.write_batch(batch, row_group_size=row_group)


def write_jsonl(out, n: int, seed: int, unknown: float = 0.0) -> None:
    for h in households(n, seed, unknown):
        out.write(household_json(h))
        out.write("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("households", nargs="?", type=int, default=1_000_000)
    parser.add_argument("seed", nargs="?", type=int, default=2025)
    parser.add_argument("--parquet", metavar="OUT.parquet", help="write Parquet here")
    parser.add_argument("--jsonl", metavar="OUT.jsonl", help="write JSON lines here (default: stdout)")
    parser.add_argument("--id-base", type=int, default=ID_BASE,
                        help="household_id of the n-th household is ID_BASE + n (Parquet)")
    parser.add_argument("--unknown", type=float, default=0.0, metavar="RATE",
                        help="leave each fact unknown with this probability (absent from "
                        "the JSON, null in Parquet); 0 by default: every fact known")
    parser.add_argument("--row-group", type=int, default=ROW_GROUP,
                        help="households per Parquet row group")
    args = parser.parse_args()
    if args.parquet:
        write_parquet(args.parquet, args.households, args.seed, args.id_base, args.unknown,
                      args.row_group)
    if args.jsonl:
        with open(args.jsonl, "w", encoding="utf-8") as out:
            write_jsonl(out, args.households, args.seed, args.unknown)
    if not args.parquet and not args.jsonl:
        write_jsonl(sys.stdout, args.households, args.seed, args.unknown)


if __name__ == "__main__":
    main()
