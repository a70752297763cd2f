#!/usr/bin/env python3
"""Writes a registry of generated households for `rules/twenty.accord`, one JSON
document per line, for timing `accord screen --facts-jsonl` end to end:

    python3 bench/scripts/make_registry.py 1000000 > /tmp/registry.jsonl
    accord screen bench/rules/twenty.accord --facts-jsonl /tmp/registry.jsonl \\
        --as-of 2025-03-01 --format jsonl --threads 2 > /dev/null

Households have 1 to 6 members (3.5 on average), every fact known; the same seed
gives the same file (about 730 bytes a household)."""

import random
import sys

REGIONS = ["yerevan", "shirak", "lori", "tavush", "syunik"]
SETTLEMENTS = ["urban", "rural", "mountainous"]
DISABILITY = ["none", "none", "none", "none", "group_1", "group_2", "group_3"]


def person(r: random.Random) -> str:
    return (
        '{"birth_date":"%d-%02d-%02d","disability":"%s","monthly_income":%d,'
        '"insurance_years":%d,"employed":%s,"in_school":%s,"pregnant":%s,'
        '"receives_insurance_pension":%s}'
        % (
            1940 + r.randrange(86),
            1 + r.randrange(12),
            1 + r.randrange(28),
            r.choice(DISABILITY),
            r.randrange(20) * 10000,
            r.randrange(40),
            "true" if r.randrange(2) == 0 else "false",
            "true" if r.randrange(2) == 0 else "false",
            "true" if r.randrange(10) == 0 else "false",
            "true" if r.randrange(4) == 0 else "false",
        )
    )


def household(r: random.Random) -> str:
    members = ",".join(person(r) for _ in range(1 + r.randrange(6)))
    return (
        '{"region":"%s","settlement":"%s","vulnerability_score":%d.%d,'
        '"owns_dwelling":%s,"members":[%s]}'
        % (
            r.choice(REGIONS),
            r.choice(SETTLEMENTS),
            r.randrange(50),
            r.randrange(10),
            "true" if r.randrange(2) == 0 else "false",
            members,
        )
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2025
    r = random.Random(seed)
    out = sys.stdout
    for _ in range(n):
        out.write(household(r))
        out.write("\n")


if __name__ == "__main__":
    main()
