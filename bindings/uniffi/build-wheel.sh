#!/usr/bin/env bash
# Builds the portable Python wheel: `bindings/uniffi/build-wheel.sh [OUT_DIR]`
# (default target/wheels), the one bindings/uniffi/test.sh tests and docs/guide-python.md
# ("Platforms") describes.
#
# - maturin links with zig (PyPI's `ziglang`) against glibc 2.17, so the wheel is
#   `manylinux2014`: it installs on RHEL/CentOS 7 and later, not only on glibc as new as
#   the build machine's;
# - Cargo.toml's `wheel` profile: release code, no debug info of its own;
# - then the debug sections that remain (the precompiled standard library's) are
#   stripped with objcopy and the wheel is repacked (`wheel pack` rewrites RECORD). Not
#   with maturin's `--strip` or the profile's `strip`: zig strips the symbol table with
#   them (it has no debug-only strip), and uniffi-bindgen reads the bindings' metadata
#   from that table, for maturin's Python module as for Kotlin and Swift.
#
# Fails if maturin warns (uniffi's "old-style --config" warning among them, see
# uniffi.toml), if the wheel is not tagged py3-none-manylinux2014_x86_64 (and
# manylinux_2_17), if the library needs a glibc symbol newer than 2.17 (objdump -T) or
# keeps debug sections. Prints the sizes.
# maturin, ziglang and wheel go into a venv under the target directory (kept between
# runs). Needs: cargo, python3 (with venv), binutils (objdump, objcopy).
# ACCORD_WHEEL_PROFILE=dev builds the same wheel unoptimised (zig builds for an explicit
# target, under target/x86_64-unknown-linux-gnu/, so it reuses nothing `cargo test` built).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CRATE=bindings/uniffi
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${1:-$TARGET/wheels}
WORK=$TARGET/uniffi-wheel
PROFILE=${ACCORD_WHEEL_PROFILE:-wheel}
MATURIN_VERSION=1.16.0
ZIGLANG_VERSION=0.17.1
WHEEL_VERSION=0.48.0
# The platform: glibc 2.17 on x86_64 (manylinux2014), any Python 3 (ctypes, no libpython).
GLIBC_MAX=2.17
WHEEL_PLATFORMS="manylinux2014_x86_64 manylinux_2_17_x86_64"
export PIP_DISABLE_PIP_VERSION_CHECK=1

for tool in cargo python3 objdump objcopy; do
  if ! command -v "$tool" >/dev/null; then
    case $tool in
      objdump | objcopy) echo "error: $tool not found (Debian: apt-get install binutils)" >&2 ;;
      *) echo "error: $tool not found" >&2 ;;
    esac
    exit 2
  fi
done

mkdir -p "$WORK" "$OUT"
VENV=$WORK/venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q "maturin==$MATURIN_VERSION" "ziglang==$ZIGLANG_VERSION" \
  "wheel==$WHEEL_VERSION"

started=$(date +%s)
rm -rf "$WORK/maturin-out" "$WORK/unpacked"
# maturin finds zig as `python3 -m ziglang`: the venv's python first on PATH.
PATH="$VENV/bin:$PATH" maturin build --locked --profile "$PROFILE" \
  --zig --compatibility manylinux2014 \
  --manifest-path "$CRATE/Cargo.toml" --out "$WORK/maturin-out" 2>&1 | tee "$WORK/maturin.log"
if grep -n "old-style\|Warning" "$WORK/maturin.log"; then
  echo "error: maturin warned (above); see bindings/uniffi/uniffi.toml" >&2
  exit 1
fi
built=$(ls "$WORK"/maturin-out/accord-*.whl)

"$VENV/bin/python" -m wheel unpack "$built" -d "$WORK/unpacked" >/dev/null
[ "$(ls "$WORK"/unpacked/accord-*/accord/_native/libaccord_uniffi.so | wc -l)" -eq 1 ] || {
  echo "error: no single accord/_native/libaccord_uniffi.so in $(basename "$built")" >&2
  exit 1
}
LIB=$(ls "$WORK"/unpacked/accord-*/accord/_native/libaccord_uniffi.so)
unstripped=$(stat -c %s "$LIB")
objcopy --strip-debug "$LIB"
if objdump -h "$LIB" | grep -q ' \.debug_'; then
  echo "error: debug sections left in $LIB" >&2
  exit 1
fi
glibc=$(objdump -T "$LIB" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -Vu | tail -n 1)
[ -n "$glibc" ] || { echo "error: objdump -T found no GLIBC_ symbol versions" >&2; exit 1; }
if [ "$(printf '%s\n%s\n' "$glibc" "$GLIBC_MAX" | sort -V | tail -n 1)" != "$GLIBC_MAX" ]; then
  echo "error: the library needs GLIBC_$glibc, newer than $GLIBC_MAX:" >&2
  objdump -T "$LIB" | grep "GLIBC_$glibc" >&2
  exit 1
fi
rm -rf "$WORK/packed" && mkdir -p "$WORK/packed"
"$VENV/bin/python" -m wheel pack "$(dirname "$(dirname "$(dirname "$LIB")")")" -d "$WORK/packed" >/dev/null
packed=$(ls "$WORK"/packed/accord-*.whl)
# `wheel pack` names the wheel from its WHEEL file's tags (in its own order).
name=$(basename "$packed" .whl)
platforms=$(echo "$name" | cut -d- -f5 | tr '.' '\n' | sort | tr '\n' ' ')
if [ "$(echo "$name" | cut -d- -f3-4)" != py3-none ] || [ "$platforms" != "$WHEEL_PLATFORMS " ]; then
  echo "error: $name.whl is not tagged py3-none-{$WHEEL_PLATFORMS}" >&2
  exit 1
fi
WHEEL=$OUT/$(basename "$packed")
rm -f "$OUT"/accord-*.whl
mv "$packed" "$WHEEL"

echo "wheel: $WHEEL"
echo "  $(stat -c %s "$WHEEL") bytes; libaccord_uniffi.so $(stat -c %s "$LIB") bytes" \
  "($unstripped before objcopy --strip-debug); newest glibc symbol GLIBC_$glibc (at most $GLIBC_MAX);" \
  "profile $PROFILE; built in $(($(date +%s) - started)) s"
