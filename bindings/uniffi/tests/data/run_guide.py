"""Runs the ```python snippets of docs/guide-data.md, in order and in one namespace,
from the repository's root (as bindings/uniffi/tests/python/test_guide.py does for
the Python guide); each asserts what it shows.

A snippet right after a line `<!-- recipe: PATH#REGION -->` is not run here: it must
be, character for character, the region between `# --8<-- [start:REGION]` and
`# --8<-- [end:REGION]` of that file (dedented), which data-test.sh runs on the
generated registry. Exits non-zero on the first failure."""

import pathlib
import re
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[4]
GUIDE = ROOT / "docs" / "guide-data.md"
BLOCK = re.compile(r"(?:^<!-- recipe: (\S+)#(\S+) -->\n)?^```python\n(.*?)^```", re.S | re.M)


def region(path: pathlib.Path, name: str) -> str:
    text = path.read_text(encoding="utf-8")
    found = re.search(rf"^[ \t]*# --8<-- \[start:{re.escape(name)}\]\n(.*?)^[ \t]*# --8<-- \[end:{re.escape(name)}\]",
                      text, re.S | re.M)
    assert found, f"no region {name} in {path}"
    return textwrap.dedent(found.group(1))


def main() -> None:
    import os

    text = GUIDE.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    run = [code for path, _, code in blocks if not path]
    recipes = [(path, name, code) for path, name, code in blocks if path]
    assert len(run) >= 4, f"only {len(run)} runnable snippets"
    assert {name for _, name, _ in recipes} >= {"schema", "screen", "spark", "dask"}, recipes
    for path, name, code in recipes:
        expected = region(ROOT / path, name)
        if code != expected:
            print(f"{GUIDE.name}: the block for {path}#{name} is not the file's text:\n"
                  f"--- guide\n{code}--- file\n{expected}", file=sys.stderr)
            sys.exit(1)
    namespace = {"__name__": "guide"}
    os.chdir(ROOT)
    for number, code in enumerate(run, start=1):
        try:
            exec(compile(code, f"{GUIDE.name} snippet {number}", "exec"), namespace)
        except Exception:
            print(f"snippet {number} failed:\n{code}", file=sys.stderr)
            raise
    print(f"{GUIDE.name}: {len(run)} snippets ran, {len(recipes)} recipe blocks are the files' text")


if __name__ == "__main__":
    main()
