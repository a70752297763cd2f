"""Accord, a rules engine for social-protection programmes.

Load a ruleset with :func:`load_dir` and ask it questions with dicts, lists and
``datetime.date``::

    ruleset = accord.load_dir("examples/armenia")
    report = ruleset.screen({"region": "shirak", "members": [...]}, date(2025, 3, 1))

Every call has a ``*_json`` twin that takes and returns JSON text, byte for byte
what ``accord ... --format json`` prints. A refused call raises a subclass of
:class:`AccordError` (``AccordError.Ruleset``, ``.Input``, ``.Case``,
``.Request``). See docs/guide-python.md.
"""

from ._api import (
    AccordError,
    InternalError,
    Problem,
    Ruleset,
    ScreenedLines,
    ScreenedText,
    SourceFile,
    check,
    check_json,
    format_source,
    load,
    load_dir,
    screen_parquet,
    sources,
    version,
)

# `accord.format` as before; not in `__all__`, so `from accord import *` does not
# shadow the builtin.
format = format_source

__version__: str = version()

__all__ = [
    "AccordError",
    "InternalError",
    "Problem",
    "Ruleset",
    "ScreenedLines",
    "ScreenedText",
    "SourceFile",
    "check",
    "check_json",
    "format_source",
    "load",
    "load_dir",
    "screen_parquet",
    "sources",
    "version",
    "__version__",
]
