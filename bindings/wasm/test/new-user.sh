#!/usr/bin/env bash
# A new user's first ten lines: install the tarball build.sh packed into an
# empty project, and screen a household with Node.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The tarball build.sh packed (into dist/, outside pkg/), at the built version.
version="$(node -p 'require(process.argv[1]).version' "$here/pkg/package.json")"
tarball="$here/dist/accord-engine-$version.tgz"
[ -f "$tarball" ] || { echo "error: no $tarball: run bindings/wasm/build.sh" >&2; exit 1; }
echo "packed $(basename "$tarball"): $(wc -c <"$tarball") bytes"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$tarball"
cp -r "$root/examples/armenia" rules

cat >screen.mjs <<'JS'
import fs from 'node:fs';
import { init, Ruleset } from 'accord-engine';
await init();
const files = fs.readdirSync('rules').filter((f) => f.endsWith('.accord'))
  .map((name) => ({ name, text: fs.readFileSync(`rules/${name}`, 'utf8') }));
const ruleset = Ruleset.load(files);
const household = JSON.parse(fs.readFileSync('rules/facts/family_complete.json', 'utf8'));
for (const r of ruleset.screen(household, '2025-03-01', 'en').results)
  if (r.status === 'eligible') console.log(`${r.label}: ${r.amount ?? '-'} AMD`);
JS
[ "$(grep -cv '^$' screen.mjs)" -le 10 ] || { echo "error: more than ten lines" >&2; exit 1; }
out="$(node screen.mjs)"
echo "$out"
[ -n "$out" ] || { echo "error: nothing eligible printed" >&2; exit 1; }
# The types ship with it.
[ -f node_modules/accord-engine/index.d.ts ] || { echo "error: index.d.ts not installed" >&2; exit 1; }
echo "new-user: ok"
