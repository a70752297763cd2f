"""Accord, a rules engine for social-protection programmes.

Every call takes and returns JSON text, exactly what ``accord ... --format json``
prints. A refused call raises a subclass of :class:`AccordError`
(``AccordError.Ruleset``, ``.Input``, ``.Case``, ``.Request``), each with
``message``, ``code``, ``problems`` and ``json``.

The classes and functions come from the generated uniffi module
(``accord._native``); this file only adds :func:`sources` and :func:`load_dir`.
"""

from __future__ import annotations

import os
import pathlib
import typing

from ._native import (  # noqa: F401
    AccordError,
    InternalError,
    Problem,
    Ruleset,
    SourceFile,
    check,
    format,
    version,
)

__all__ = [
    "AccordError",
    "InternalError",
    "Problem",
    "Ruleset",
    "SourceFile",
    "check",
    "format",
    "version",
    "sources",
    "load_dir",
]


def sources(directory: typing.Union[str, os.PathLike]) -> typing.List[SourceFile]:
    """The ``*.accord`` files of ``directory`` (not its subdirectories), sorted by
    file name, each named by its file name as diagnostics show it."""
    paths = sorted(
        (p for p in pathlib.Path(directory).iterdir() if p.is_file() and p.suffix == ".accord"),
        key=lambda p: p.name.encode(),
    )
    # Bytes decoded as they are: no newline translation, so diagnostics point
    # where every other front end points.
    return [SourceFile(name=p.name, text=p.read_bytes().decode("utf-8")) for p in paths]


def load_dir(
    directory: typing.Union[str, os.PathLike], entity: typing.Optional[str] = None
) -> Ruleset:
    """Loads the ruleset in ``directory`` (:func:`sources`), with ``entity`` as
    the facts' root when given. Raises ``AccordError.Ruleset`` on errors."""
    files = sources(directory)
    if entity is None:
        return Ruleset.load(files)
    return Ruleset.load_with_entity(files, entity)
