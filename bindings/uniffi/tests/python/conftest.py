"""Shared paths for the Python suite of the uniffi bindings.

Run from anywhere: `pytest bindings/uniffi/tests/python` with the `accord`
wheel installed (bindings/uniffi/test.sh builds and installs it in a fresh
virtual environment).
"""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[4]
CASES = ROOT / "tests" / "conformance" / "cases"
ARMENIA = ROOT / "examples" / "armenia"
