"""Registries as tables: Arrow in, Arrow out (docs/guide-data.md).

A table of households (a ``pyarrow.Table``, ``RecordBatch`` or
``RecordBatchReader``, a pandas or Polars DataFrame, anything with
``__arrow_c_stream__``) is handed to the engine as an Arrow C stream: no copy,
no JSON. The results come back as an Arrow stream, computed as they are read,
a chunk of households at a time, on ``threads`` threads with the GIL
released. pyarrow is needed for these calls only (``pip install pyarrow``).
"""

from __future__ import annotations

import ctypes
import os
import re
from typing import Any, Callable, Dict, Iterable, Optional, Union

from . import _native

#: Told ``(done, total)`` after each batch of a file: households screened so
#: far, and in all when the file says (Parquet does; CSV does not: ``None``).
Progress = Callable[[int, Optional[int]], None]


class _ArrowArrayStream(ctypes.Structure):
    """``struct ArrowArrayStream`` of Arrow's C stream interface."""

    _fields_ = [
        ("get_schema", ctypes.c_void_p),
        ("get_next", ctypes.c_void_p),
        ("get_last_error", ctypes.c_void_p),
        ("release", ctypes.c_void_p),
        ("private_data", ctypes.c_void_p),
    ]


_RELEASE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


def _release(stream: _ArrowArrayStream) -> None:
    """Releases a stream the engine did not take over (after an error)."""
    if stream.release:
        _RELEASE(stream.release)(ctypes.addressof(stream))


def _pyarrow() -> Any:
    try:
        import pyarrow  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "screening tables needs pyarrow: pip install pyarrow") from None
    return pyarrow


def _reader(data: Any) -> Any:
    """Any table-like value as a ``pyarrow.RecordBatchReader``."""
    pa = _pyarrow()
    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.Table):
        return data.to_reader()
    if isinstance(data, pa.RecordBatch):
        return pa.RecordBatchReader.from_batches(data.schema, [data])
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data)
    if type(data).__module__.split(".")[0] == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False).to_reader()
    if hasattr(data, "to_arrow"):
        return _reader(data.to_arrow())
    raise TypeError(
        "expected an Arrow table (pyarrow Table, RecordBatch or RecordBatchReader, "
        f"a pandas or Polars DataFrame), not {type(data).__name__}")


def _options(as_of: str, id_column: Optional[str], explain: bool, lang: Optional[str],
             threads: Optional[int], join_field: str,
             statuses: Optional[Iterable[str]]) -> Any:
    from ._api import _statuses
    if threads is None:
        threads = os.cpu_count() or 1
    if threads < 1:
        raise ValueError(f"threads is a count of at least 1, not {threads}")
    return _native.TableOptions(as_of=as_of, id_column=id_column, explain=explain,
                                lang=lang, threads=threads, join_field=join_field,
                                statuses=_statuses(statuses))


_CODE = re.compile(r"\b([A-Z]\d{4})\b")


def _arrow_error(error: Exception) -> Exception:
    """An error the engine raised while the results were read, as an
    :class:`AccordError` with its code."""
    from ._api import _Request
    text = str(error)
    text = text.split("External error: ", 1)[-1].strip()
    found = _CODE.search(text)
    return _Request(text, found.group(1) if found else "")


def screen_arrow_batches(native: Any, data: Any, as_of: str, id_column: Optional[str],
                         members: Any, join_field: str, explain: bool,
                         lang: Optional[str], threads: Optional[int],
                         statuses: Optional[Iterable[str]]) -> Any:
    from ._api import _call
    pa = _pyarrow()
    options = _options(as_of, id_column, explain, lang, threads, join_field, statuses)
    households = _ArrowArrayStream()
    member_stream = _ArrowArrayStream()
    out = _ArrowArrayStream()
    _reader(data)._export_to_c(ctypes.addressof(households))
    if members is not None:
        _reader(members)._export_to_c(ctypes.addressof(member_stream))
    try:
        _call(native.screen_arrow_stream, ctypes.addressof(households), ctypes.addressof(out),
              options, ctypes.addressof(member_stream) if members is not None else None)
    finally:
        _release(households)
        _release(member_stream)
    return pa.RecordBatchReader._import_from_c(ctypes.addressof(out))


def read_all(reader: Any) -> Any:
    pa = _pyarrow()
    try:
        return reader.read_all()
    except pa.ArrowException as error:
        raise _arrow_error(error) from None


class _Progress(_native.TableProgress):
    def __init__(self, tell: Progress) -> None:
        self._tell = tell

    def progress(self, done: int, total: Optional[int]) -> None:
        self._tell(done, total)


def screen_file(native: Any, input: Union[str, os.PathLike[str]],
                output: Union[str, os.PathLike[str]], as_of: str,
                id_column: Optional[str], members: Optional[Union[str, os.PathLike[str]]],
                join_field: str, explain: bool, lang: Optional[str],
                threads: Optional[int], progress: Optional[Progress],
                statuses: Optional[Iterable[str]]) -> Dict[str, int]:
    from ._api import _call
    options = _options(as_of, id_column, explain, lang, threads, join_field, statuses)
    counts = _call(native.screen_file, os.fspath(input), os.fspath(output), options,
                   os.fspath(members) if members is not None else None,
                   _Progress(progress) if progress is not None else None)
    return {"households": counts.households, "rows": counts.rows, "bad": counts.bad,
            "work_limit": counts.work_limit}
