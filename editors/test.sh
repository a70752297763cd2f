#!/usr/bin/env bash
# Everything the editor integrations are held to, from a clean checkout on a fresh
# Debian machine: the VS Code extension (editors/vscode/test.sh: its TextMate
# grammar on every example, its client, the .vsix), then Neovim with
# editors/neovim/accord.lua — the configuration docs/guide-editors.md shows —
# against the real `accord lsp`: a misspelt name's diagnostic and a hover must
# arrive. Installs Debian's neovim when missing. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
step() { printf '\n== %s\n' "$*"; }

"$here/vscode/test.sh"

step "Neovim: editors/neovim/accord.lua with accord lsp"
if ! command -v nvim >/dev/null; then
  sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_="sudo"
  $sudo_ apt-get update
  $sudo_ apt-get install -y --no-install-recommends neovim
fi
(cd "$root" && cargo build --locked -q -p accord-cli)
work="$(mktemp -d "${TMPDIR:-/tmp}/accord-nvim.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$root"/examples/brief/*.accord "$work/"
sed -i 's/count(children) >= 3/count(childern) >= 3/' "$work/programs.accord"
cd "$work"
PATH="$root/target/debug:$PATH" HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" \
  timeout 60 nvim --headless --clean -u "$here/neovim/accord.lua" -c "luafile $here/neovim/check.lua" programs.accord
printf "\nneovim: ok\n"
