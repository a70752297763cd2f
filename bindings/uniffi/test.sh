#!/usr/bin/env bash
# Builds and tests the uniffi bindings (Python, Kotlin, Swift) from a clean checkout:
#   0. the portable Python wheel (bindings/uniffi/build-wheel.sh: maturin linking with
#      zig against glibc 2.17, `manylinux2014`, no debug info; it fails on a maturin
#      warning, a wrong tag, a glibc symbol newer than 2.17, and prints the sizes);
#   1. that wheel, installed into a fresh venv; pytest runs the whole
#      conformance corpus, the API tests and docs/guide-python.md's snippets; mypy
#      --strict checks a typed example and the guide's snippets against the wheel;
#   2. the "new user" check: another fresh venv, `pip install` the wheel, screen a
#      household in ten lines of Python;
#   3. Kotlin: bindings generated from the wheel's library, compiled with kotlinc
#      (npm `kotlin-compiler`), run on the JVM with JNA: the whole corpus, typed
#      exceptions, and docs/guide-kotlin.md's snippets;
#   4. Swift: bindings generated and checked (no Swift toolchain on these machines).
# Installs what it lacks, idempotently: maturin and ziglang (build-wheel.sh), pytest
# and mypy into venvs under the target directory, `default-jdk-headless`, `libjna-java`,
# `python3-venv` and `binutils` with apt-get when missing, kotlinc with `npm ci`.
# Everything it writes goes under target/ (uniffi-test/, uniffi-wheel/ and the wheel
# build's x86_64-unknown-linux-gnu/) and bindings/uniffi/node_modules/ (all ignored).
# Exits non-zero on any failure.
#
# ACCORD_WHEEL_PROFILE=dev (read by build-wheel.sh) builds the same wheel unoptimised,
# a little quicker; the default is Cargo.toml's `wheel` profile, what ships. Either
# builds for an explicit target (zig), so reuses nothing `cargo test` compiled.
# Needs: cargo, python3, node/npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CRATE=bindings/uniffi
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET/uniffi-test
PYTEST_VERSION=9.2.0
MYPY_VERSION=2.4.1
PYARROW_VERSION=26.0.1
PANDAS_VERSION=3.1.1
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$WORK"

started=$(date +%s)
step_started=$started
declare -a timings=()
step() {
  local now
  now=$(date +%s)
  if [ -n "${step_name:-}" ]; then timings+=("$(printf '%-34s %4ss' "$step_name" $((now - step_started)))"); fi
  step_name=$1
  step_started=$now
  echo "== $1"
}

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need $* (apt-get, as root)" >&2; exit 2; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

step "prerequisites"
for tool in cargo python3 npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 2; }
done
missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v java >/dev/null || missing+=(default-jdk-headless)
JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}
[ -f "$JNA_JAR" ] || missing+=(libjna-java)
command -v objcopy >/dev/null || missing+=(binutils)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
[ -f "$JNA_JAR" ] || { echo "error: no JNA jar at $JNA_JAR" >&2; exit 2; }

step "wheel (build-wheel.sh)"
rm -rf "$WORK/wheels"
"$CRATE/build-wheel.sh" "$WORK/wheels" | tee "$WORK/build-wheel.log"
WHEEL=$(ls "$WORK"/wheels/accord-*.whl)
wheel_summary=$(tail -n 1 "$WORK/build-wheel.log" | sed 's/^ *//')
# The library inside the wheel: Kotlin and Swift are generated from (and Kotlin runs
# against) exactly what Python was tested with.
rm -rf "$WORK/lib" && mkdir -p "$WORK/lib"
python3 - "$WHEEL" "$WORK/lib" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    [name] = [n for n in wheel.namelist() if n.endswith("/libaccord_uniffi.so")]
    with open(sys.argv[2] + "/libaccord_uniffi.so", "wb") as out:
        out.write(wheel.read(name))
EOF
LIB=$WORK/lib/libaccord_uniffi.so

step "python: pytest in a fresh venv"
TEST_VENV=$WORK/venv-test
rm -rf "$TEST_VENV"
python3 -m venv "$TEST_VENV"
# pyarrow and pandas for the tables tests (screen_arrow, screen_file).
"$TEST_VENV/bin/pip" install -q "$WHEEL" "pytest==$PYTEST_VERSION" "mypy==$MYPY_VERSION" \
  "pyarrow==$PYARROW_VERSION" "pandas==$PANDAS_VERSION"
"$TEST_VENV/bin/python" - "$TEST_VENV" <<'EOF'
import pathlib, sys
# py.typed must be in the installed wheel, or mypy ignores the annotations.
[typed] = pathlib.Path(sys.argv[1]).glob("lib/python*/site-packages/accord/py.typed")
EOF
"$TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider "$CRATE/tests/python" | tee "$WORK/pytest.log"
pytest_summary=$(tail -n 1 "$WORK/pytest.log")

step "python: mypy --strict"
# The typed example and the guide's snippets, concatenated in order as
# test_guide.py runs them, against the installed wheel's annotations.
"$TEST_VENV/bin/python" - docs/guide-python.md "$WORK/guide_snippets.py" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(blocks))
EOF
# And the package's own layer (accord/__init__.py, accord/_api.py, accord/_tables.py; the generated
# module it imports is followed, not checked).
(cd "$WORK" && "$TEST_VENV/bin/python" -m mypy --strict --no-incremental -m accord -m accord._api -m accord._tables \
  && "$TEST_VENV/bin/python" -m mypy --strict --no-incremental \
  "$ROOT/$CRATE/tests/python/typed_example.py" guide_snippets.py) | tee "$WORK/mypy.log"
mypy_summary=$(tail -n 1 "$WORK/mypy.log")

step "python: a new user, ten lines"
USER_VENV=$WORK/venv-new-user
rm -rf "$USER_VENV"
python3 -m venv "$USER_VENV"
"$USER_VENV/bin/pip" install -q "$WHEEL"
mkdir -p "$WORK/new-user"
cat >"$WORK/new-user/screen.py" <<'EOF'
import pathlib, sys
from datetime import date
import accord

armenia = pathlib.Path(sys.argv[1]) / "examples" / "armenia"
ruleset = accord.load_dir(armenia)
facts = (armenia / "facts" / "family_complete.json").read_text(encoding="utf-8")
for result in ruleset.screen(facts, date(2025, 3, 1), lang="en")["results"]:
    if result["status"] == "eligible":
        print(result["label"], result["amount"] or "")
EOF
lines=$(grep -cv '^\s*$' "$WORK/new-user/screen.py")
[ "$lines" -le 10 ] || { echo "error: the new-user script has $lines lines" >&2; exit 1; }
(cd "$WORK/new-user" && "$USER_VENV/bin/python" screen.py "$ROOT") | tee "$WORK/new-user/out.txt"
grep -q "Family benefit 33000" "$WORK/new-user/out.txt"

step "kotlin: npm ci (kotlinc)"
(cd "$CRATE" && npm ci --no-audit --no-fund --loglevel=error)
KOTLIN=$ROOT/$CRATE/node_modules/kotlin-compiler
STDLIB=$KOTLIN/lib/kotlin-stdlib.jar

step "kotlin: generate and compile"
rm -rf "$WORK/kotlin" && mkdir -p "$WORK/kotlin/guide"
cargo run --locked -q -p accord-uniffi --features cli --bin uniffi-bindgen -- \
  generate --library "$LIB" --language kotlin --no-format --out-dir "$WORK/kotlin/generated"
# Each ```kotlin block of the guide is a program: its own package, its own main.
python3 - docs/guide-kotlin.md "$WORK/kotlin/guide" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```kotlin\n(.*?)^```", text, flags=re.S | re.M)
assert len(blocks) >= 3, f"only {len(blocks)} kotlin snippets"
for n, code in enumerate(blocks, start=1):
    with open(f"{sys.argv[2]}/Snippet{n}.kt", "w", encoding="utf-8") as out:
        out.write(f"package guide.snippet{n}\n\n{code}")
EOF
"$KOTLIN/bin/kotlinc" -nowarn -cp "$JNA_JAR" -d "$WORK/kotlin/tests.jar" \
  "$WORK/kotlin/generated/uniffi/accord/accord.kt" "$CRATE/tests/kotlin/Conformance.kt" \
  "$WORK"/kotlin/guide/*.kt

step "kotlin: run on the JVM"
CP=$WORK/kotlin/tests.jar:$JNA_JAR:$STDLIB
java -Djna.library.path="$WORK/lib" -cp "$CP" ConformanceKt "$ROOT" | tee "$WORK/kotlin/conformance.log"
kotlin_summary=$(tail -n 1 "$WORK/kotlin/conformance.log")
snippets=0
for snippet in "$WORK"/kotlin/guide/Snippet*.kt; do
  name=$(basename "$snippet" .kt)
  n=${name#Snippet}
  echo "-- docs/guide-kotlin.md snippet $n"
  java -Djna.library.path="$WORK/lib" -cp "$CP" "guide.snippet$n.${name}Kt"
  snippets=$((snippets + 1))
done

step "swift: generate and check"
rm -rf "$WORK/swift"
cargo run --locked -q -p accord-uniffi --features cli --bin uniffi-bindgen -- \
  generate --library "$LIB" --language swift --no-format --out-dir "$WORK/swift"
for file in accord.swift accordFFI.h accordFFI.modulemap; do
  [ -s "$WORK/swift/$file" ] || { echo "error: no $file generated" >&2; exit 1; }
done
grep -q "open class Ruleset" "$WORK/swift/accord.swift"
grep -q "public static func load(files: \[SourceFile\])" "$WORK/swift/accord.swift"
grep -q "open func screen(facts: String, asOf: String" "$WORK/swift/accord.swift"
grep -q "open func caseload(cases: String, asOf: String" "$WORK/swift/accord.swift"
grep -q "open func providersForResult(result: String" "$WORK/swift/accord.swift"
grep -q "open func needsMap(results: String)" "$WORK/swift/accord.swift"
grep -q "open func withCatalogue(json: String)throws  -> Ruleset" "$WORK/swift/accord.swift"
grep -q "open func withRatings(json: String)throws  -> Ruleset" "$WORK/swift/accord.swift"
grep -q "open func screenJsonlReport(lines: String, asOf: String" "$WORK/swift/accord.swift"
grep -q "public struct ScreenedLines" "$WORK/swift/accord.swift"
if grep -q "func setCatalogue" "$WORK/swift/accord.swift"; then
  echo "error: a setter came back (the ruleset needs no lock: with_catalogue)" >&2; exit 1
fi
grep -q "enum AccordError: Swift.Error" "$WORK/swift/accord.swift"
grep -q "uniffi_accord_uniffi_fn_method_ruleset_screen" "$WORK/swift/accordFFI.h"
grep -q "module accordFFI" "$WORK/swift/accordFFI.modulemap"
echo "swift: accord.swift, accordFFI.h, accordFFI.modulemap generated (not compiled: no Swift toolchain)"

step "data: Spark and Dask recipes"; ACCORD_WHEEL="$WHEEL" "$CRATE/data-test.sh"
step "done"
echo
echo "wheel: $(basename "$WHEEL"): $wheel_summary"
echo "python: $pytest_summary"
echo "mypy --strict: $mypy_summary"
echo "$kotlin_summary; $snippets guide snippets"
printf '%s\n' "${timings[@]}"
echo "total: $(($(date +%s) - started))s"
