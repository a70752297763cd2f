#!/usr/bin/env bash
# Adversarial inputs against the release CLI, each past one of the limits of
# docs/language.md §18: every run must end with its documented error code, in
# bounded time and memory. Prints a table (seconds, peak memory) for the release
# note; exits 1 if any run gives another answer.
#
#   scripts/adversarial.sh            # builds the release CLI, writes the inputs
#                                     # to a temporary directory, runs them
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked -p accord-cli >/dev/null
ACCORD="$PWD/target/release/accord"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== writing the inputs to $WORK"
python3 - "$WORK" <<'EOF'
import os, sys
w = sys.argv[1]
def write(name, text):
    with open(os.path.join(w, name), "w") as f:
        f.write(text)
head = "ruleset r { languages en }\n"
# Deeply nested expressions: 100 000 brackets, a chain of a million `+`.
write("deep.accord", head + "entity E { x: Integer\n  let y = " + "(" * 100_000 + "x" + ")" * 100_000 + "\n}\n")
write("chain.accord", head + "entity E { x: Integer\n  let y = x" + " + 1" * 1_000_000 + "\n}\n")
# A million-row table (about 21 MB: past a file's 8 MiB), and one of 200 000
# rows inside 8 MiB (past the rows a table may have).
def table(rows):
    return head + "table t(n: Integer) -> Integer hit first {\n  n | result\n" + "".join(f"  <= {k} | {k}\n" for k in range(rows)) + "}\n"
write("table_million.accord", table(1_000_000))
write("table_rows.accord", table(200_000))
# A million declarations.
write("decls.accord", head + "enum E { a }\n" * 1_000_000)
# Ten thousand misspelt names among ten thousand declarations (suggestions),
# and nine thousand unknown variants of a nine-thousand-variant enum (helps).
write("misspelt.accord", head + "".join(f"entity Person{i} {{ x: Persn{i}x }}\n" for i in range(9999)))
write("variants.accord", head + "enum Big { " + " ".join(f"v{i}" for i in range(9000)) + " }\n"
      + "entity E { b: Big\n" + "".join(f"  let l{i} = b = qq{i}\n" for i in range(9000)) + "}\n")
# A ruleset that checks, whose evaluation would take a billion row tests for a
# household of 10 000 members (the work limit stops it), and its facts.
os.makedirs(os.path.join(w, "heavy"), exist_ok=True)
rows = "".join(f"  <= {k} | {k}\n" for k in range(99_999))
write("heavy/r.accord", head +
      "entity H { members: list of P\n  let heavy = count(members where band(age) > 2) }\n"
      "entity P { age: Integer }\n"
      "table band(n: Integer) -> Integer hit first {\n  n | result\n" + rows + "  * | 0\n}\n"
      "program p { for H\n  eligible when heavy > 0 }\n")
write("heavy.json", '{"members": [' + ",".join(['{"age": 99999}'] * 10_000) + "]}")
# A 100 MB facts document, and a registry whose second line is 100 MB.
member = '{"birth_date": "1990-01-01", "monthly_income": 10000},'
n = 100_000_000 // len(member)
write("facts_100mb.json", '{"region": "shirak", "members": [' + member * n + '{}]}')
with open(os.path.join(w, "registry_100mb.jsonl"), "w") as f:
    ok = '{"region": "shirak", "members": []}\n'
    f.write(ok)
    f.write('{"region": "shirak", "members": [' + member * n + '{}]}\n')
    f.write(ok)
# A log of a million events, and two logs of 100 000 in opposite orders.
opened = '{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {"in_school": false, "disability": "none"}}\n'
note = '{"type": "note", "at": "2025-03-04", "by": "social_worker", "text": "x"}\n'
# Written compactly, a million events fit under the log's 64 MiB: the count
# of events is what refuses it.
compact = '{"type":"note","at":"2025-03-04","by":"social_worker","text":"x"}\n'
write("log_million.jsonl", opened + compact * 999_999)
notes = [f'{{"type": "note", "at": "2025-03-04", "by": "social_worker", "text": "x", "id": "n{i}"}}\n' for i in range(99_999)]
write("log_a.jsonl", opened + "".join(notes))
write("log_b.jsonl", opened + "".join(reversed(notes)))
EOF
find "$WORK" -type f -printf '  %-24P %10s bytes\n' | sort

status=0
printf '\n%-38s %-8s %8s %10s  %s\n' "input" "expect" "seconds" "peak MiB" "answer"
# run NAME EXPECTED-CODE COMMAND...: the code must appear in the output.
run() {
  local name="$1" expect="$2"; shift 2
  local out="$WORK/out.txt" timing="$WORK/time.txt"
  /usr/bin/time -f "%e %M" -o "$timing" "$@" >"$out" 2>&1 || true
  # The last line: `time` may first note a non-zero exit status.
  read -r secs kib < <(tail -n 1 "$timing") || { secs="?"; kib=0; }
  local got
  got="$(grep -o "$expect" "$out" | head -1 || true)"
  if grep -q "panicked" "$out"; then got="PANIC"; fi
  printf '%-38s %-8s %8s %10s  %s\n' "$name" "$expect" "$secs" "$((kib / 1024))" "${got:-MISSING}"
  if [ "$got" != "$expect" ]; then
    status=1
    head -c 600 "$out" >&2; echo >&2
  fi
}
A="$ACCORD"
run "nesting: 100 000 brackets" E0002 "$A" check "$WORK/deep.accord"
run "nesting: a chain of 10^6 +" E0002 "$A" check "$WORK/chain.accord"
run "table: a million rows (21 MB)" E0003 "$A" check "$WORK/table_million.accord"
run "table: 200 000 rows (4 MB)" E0007 "$A" check "$WORK/table_rows.accord"
run "a million declarations" E0003 "$A" check "$WORK/decls.accord"
run "check: 10^4 misspelt names" E0101 "$A" check "$WORK/misspelt.accord" --format json
run "check: 9 000 unknown variants" E0106 "$A" check "$WORK/variants.accord" --format json
run "evaluation: 10^9 row tests" "steps of work" "$A" screen "$WORK/heavy" --facts "$WORK/heavy.json" --as-of 2025-03-01 --format json
run "facts: a 100 MB document" F0008 "$A" screen examples/brief --facts "$WORK/facts_100mb.json" --format json
run "registry: a 100 MB line" F0008 "$A" screen examples/brief --facts-jsonl "$WORK/registry_100mb.jsonl" --format jsonl --no-progress
run "log: a million events" C0031 "$A" case tests/cases/ruleset.accord --events "$WORK/log_million.jsonl" --as-of 2025-03-10 --format json
run "merge: 10^5 events, opposite orders" '"type":"opened"' "$A" merge tests/cases/ruleset.accord --events "$WORK/log_a.jsonl" --with "$WORK/log_b.jsonl"
exit "$status"
