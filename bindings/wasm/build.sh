#!/usr/bin/env bash
# Builds the npm package accord-engine into bindings/wasm/pkg/:
#   cargo (wasm32-unknown-unknown, profile wasm-release defined below)
#   -> wasm-bindgen --target web -> wasm-opt (npm binaryen) -> + js/*
# fails when the gzipped .wasm is over the size budget, and packs the package
# (npm pack) into bindings/wasm/dist/: outside pkg/, which the next build deletes.
#
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli at the version
# Cargo.lock pins, and `npm ci` done in bindings/wasm (for wasm-opt).
# test.sh installs all three.
#
# The playground's engine, with the editor questions (feature `ide`, the
# `Workbench` class), is the same build into another folder, with its own
# budget and without packing:
#   build.sh --features ide --out DIR --budget BYTES
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# The size budget of the gzipped (gzip -9) accord_wasm_bg.wasm, in bytes;
# README.md says why it is what it is.
BUDGET_GZ_BYTES="${ACCORD_WASM_BUDGET_GZ:-670000}"
features=()
out="$here/pkg"
pack=1
while [ $# -gt 0 ]; do
  case "$1" in
    --features) features=(--features "$2"); shift 2 ;;
    --out) out="$2"; pack=0; shift 2 ;;
    --budget) BUDGET_GZ_BYTES="$2"; shift 2 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# wasm-opt level: -Oz is smallest raw, -O1 compresses best; see README.md.
WASM_OPT_FLAGS="${ACCORD_WASM_OPT:--O1}"

# A release profile for the wasm build only, given on the command line so the
# native workspace build (profile.release) is untouched.
profile=(
  --config 'profile.wasm-release.inherits="release"'
  --config 'profile.wasm-release.opt-level="z"'
  --config 'profile.wasm-release.lto="fat"'
  --config 'profile.wasm-release.codegen-units=1'
  --config 'profile.wasm-release.panic="abort"'
  --config 'profile.wasm-release.debug=false'
  --config 'profile.wasm-release.incremental=false'
)

# Every tool is probed before anything is built, and each one missing is named
# with how to get it (docs/guide-web.md lists them too). The probes may fail:
# `|| true` keeps `set -e` and `pipefail` from ending the script silently.
want="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;q}' Cargo.lock)"
missing=()
if ! command -v cargo >/dev/null 2>&1; then
  missing+=("cargo (Rust): install Rust with rustup, https://rustup.rs")
fi
sysroot="$(rustc --print sysroot 2>/dev/null || true)"
if [ -z "$sysroot" ] || [ ! -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]; then
  missing+=("the wasm32-unknown-unknown target: rustup target add wasm32-unknown-unknown")
fi
have="$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')"
if [ "$want" != "$have" ]; then
  missing+=("wasm-bindgen-cli $want (Cargo.lock's wasm-bindgen; found ${have:-none}): cargo install wasm-bindgen-cli --version $want")
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=("node and npm (Node.js 18 or later): from your system's packages or https://nodejs.org")
fi
wasm_opt="$here/node_modules/.bin/wasm-opt"
if [ ! -x "$wasm_opt" ]; then
  missing+=("wasm-opt (npm binaryen): npm ci in $here")
fi
if ! command -v gzip >/dev/null 2>&1; then
  missing+=("gzip: from your system's packages")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "error: bindings/wasm/build.sh needs tools that are missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "(bindings/wasm/test.sh installs the Rust ones and runs npm ci; see docs/guide-web.md)" >&2
  exit 2
fi

echo "== cargo build (wasm32-unknown-unknown, wasm-release)"
cargo build --locked -p accord-wasm --target wasm32-unknown-unknown --profile wasm-release "${profile[@]}" ${features[@]+"${features[@]}"}
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
raw="$target_dir/wasm32-unknown-unknown/wasm-release/accord_wasm.wasm"

gen="$here/target/bindgen"
rm -rf "$gen" "$out"
mkdir -p "$gen" "$out"
echo "== wasm-bindgen --target web"
wasm-bindgen --target web --out-dir "$gen" "$raw"
echo "== wasm-opt $WASM_OPT_FLAGS"
"$wasm_opt" $WASM_OPT_FLAGS --strip-debug --strip-producers \
  "$gen/accord_wasm_bg.wasm" -o "$out/accord_wasm_bg.wasm"
cp "$gen/accord_wasm.js" "$gen/accord_wasm.d.ts" "$gen/accord_wasm_bg.wasm.d.ts" "$out/"
cp "$here/js/package.json" "$here/js/index.js" "$here/js/node.js" "$here/js/api.js" \
  "$here/js/index.d.ts" "$here/js/README.md" "$out/"
# The package's version is the workspace's.
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
node -e '
  const fs = require("fs"); const p = process.argv[1] + "/package.json";
  const j = JSON.parse(fs.readFileSync(p, "utf8")); j.version = process.argv[2];
  fs.writeFileSync(p, JSON.stringify(j, null, 2) + "\n");' "$out" "$version"

size="$(wc -c <"$out/accord_wasm_bg.wasm")"
gz="$(gzip -9c "$out/accord_wasm_bg.wasm" | wc -c)"
js="$(cat "$out"/*.js | gzip -9c | wc -c)"
echo "accord_wasm_bg.wasm: $size bytes, $gz gzipped (budget $BUDGET_GZ_BYTES); JS $js gzipped"
printf '{"wasm_bytes": %s, "wasm_gzip_bytes": %s, "js_gzip_bytes": %s, "budget_gzip_bytes": %s}\n' \
  "$size" "$gz" "$js" "$BUDGET_GZ_BYTES" >"$out/size.json"
[ "$pack" = 1 ] && cp "$out/size.json" "$here/target/size.json"
if [ "$gz" -gt "$BUDGET_GZ_BYTES" ]; then
  echo "error: the gzipped wasm ($gz bytes) is over the budget ($BUDGET_GZ_BYTES bytes)" >&2
  exit 1
fi
[ "$pack" = 1 ] || exit 0

echo "== npm pack (into bindings/wasm/dist/, which builds leave in place)"
mkdir -p "$here/dist"
tarball="$(cd "$out" && npm pack --silent --pack-destination "$here/dist")"
echo "packed bindings/wasm/dist/$tarball: $(wc -c <"$here/dist/$tarball") bytes"
