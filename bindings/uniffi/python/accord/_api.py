"""The Pythonic layer over the generated uniffi module (``accord._native``).

Every method of :class:`Ruleset` comes twice: ``screen(...)`` takes dicts, lists,
``datetime.date`` and plain Python values and returns parsed JSON (dicts and
lists), and ``screen_json(...)`` takes and returns JSON text, byte for byte what
the CLI's ``--format json`` prints. Both raise :class:`AccordError` (one subclass
per kind of input refused), never the generated module's exceptions.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import pathlib
from dataclasses import dataclass
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    NoReturn,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
)

from . import _native

#: A facts document (or any JSON document the engine reads): a dict (or any
#: mapping), or its JSON text.
Facts = Union[Mapping[str, Any], str]
#: An as-of date: a ``datetime.date`` or ``"YYYY-MM-DD"``.
AsOf = Union[datetime.date, str]
#: A case's event log: its JSON-lines text, or its events as dicts.
Log = Union[str, Sequence[Mapping[str, Any]]]
#: A directory, as ``str`` or ``pathlib.Path``.
StrPath = Union[str, "os.PathLike[str]"]

_T = TypeVar("_T")

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
]

InternalError = _native.InternalError


# --------------------------------------------------------------------------
# Values in and out


def _default(value: Any) -> Any:
    """JSON for the Python values the json module does not know: dates as
    ``"YYYY-MM-DD"``, decimals as exact decimal strings, sets and tuples as
    lists, any mapping as an object."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite decimal")
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, allow_nan=False)


def _loads(text: str) -> Any:
    # Numbers with a fraction come back exact (Decimal), never as floats.
    return json.loads(text, parse_float=decimal.Decimal)


def _doc(value: Any) -> str:
    """A JSON document: text as it is, anything else encoded."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    return _dumps(value)


def _lines(value: Any) -> str:
    """JSON lines: text as it is, an iterable of documents one a line."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    if isinstance(value, Mapping):
        raise TypeError("expected JSON lines or an iterable of documents, not one mapping")
    return "".join(_doc(item) + "\n" for item in value)


def _date(value: AsOf) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"an as-of date is a datetime.date or 'YYYY-MM-DD', not a {type(value).__name__}")


# --------------------------------------------------------------------------
# Records and errors


@dataclass(frozen=True)
class SourceFile:
    """One ruleset file: its name (as diagnostics show it) and its text."""

    name: str
    text: str

    def __repr__(self) -> str:
        return f"SourceFile(name={self.name!r}, text=<{len(self.text)} characters>)"


@dataclass(frozen=True, repr=False)
class Problem:
    """One problem of an :class:`AccordError`, located where it is: a file,
    line and column in the ruleset; a ``path`` in a JSON document
    (``members[1].birth_date``); a line of an event log."""

    code: str
    severity: str
    message: str
    help: Optional[str] = None
    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    path: Optional[str] = None

    @property
    def where(self) -> str:
        """``file:line:column``, ``line N``, the path, or ``""``."""
        if self.file is not None:
            parts = [self.file] + [str(n) for n in (self.line, self.column) if n is not None]
            return ":".join(parts)
        if self.path is not None:
            return self.path
        if self.line is not None:
            return f"line {self.line}"
        return ""

    def __str__(self) -> str:
        where = self.where
        return f"{self.code} at {where}: {self.message}" if where else f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        fields = [f"code={self.code!r}"]
        if self.file is not None:
            fields.append(f"file={self.file!r}")
        for name in ("line", "column", "path"):
            value = getattr(self, name)
            if value is not None:
                fields.append(f"{name}={value!r}")
        if self.severity != "error":
            fields.append(f"severity={self.severity!r}")
        fields.append(f"message={self.message!r}")
        return f"Problem({', '.join(fields)})"


class AccordError(Exception):
    """What a call raises when it cannot answer; catch a kind with
    ``AccordError.Ruleset``, ``.Input``, ``.Case`` or ``.Request``.

    ``message`` is one line, ``code`` the first problem's code (``""`` when
    there is none), ``problems`` every :class:`Problem`, ``json`` the error as
    every front end shows it. None of them carries a fact's value."""

    kind = ""
    message: str
    code: str
    problems: List[Problem]
    json: str

    # The kinds, set below (the classes need this one to exist first).
    Ruleset: type[AccordError]
    Input: type[AccordError]
    Case: type[AccordError]
    Request: type[AccordError]

    def __init__(self, message: str, code: str = "", problems: Sequence[Problem] = (),
                 json: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.problems = list(problems)
        self.json = json

    def __reduce__(self) -> Tuple[Any, ...]:
        # Every field survives pickling (process pools, multiprocessing).
        return (type(self), (self.message, self.code, self.problems, self.json))

    @property
    def path(self) -> Optional[str]:
        """Where the first problem is, in a JSON document (else ``None``)."""
        return self.problems[0].path if self.problems else None

    def __str__(self) -> str:
        """The first problem, located (``F0005 at region: …``,
        ``E0101 at a.accord:1:9: …``), and how many more there are."""
        if not self.problems:
            return f"{self.code}: {self.message}" if self.code else self.message
        text = str(self.problems[0])
        if len(self.problems) > 1:
            more = len(self.problems) - 1
            text += f" (and {more} more problem{'s' if more > 1 else ''})"
        return text

    def __repr__(self) -> str:
        name = f"AccordError.{type(self).__name__}" if self.kind else type(self).__name__
        fields = [f"code={self.code!r}"]
        if self.problems and self.problems[0].file is not None:
            fields.append(f"file={self.problems[0].file!r}")
            if self.problems[0].line is not None:
                fields.append(f"line={self.problems[0].line!r}")
        if self.path is not None:
            fields.append(f"path={self.path!r}")
        fields.append(f"message={self.message!r}")
        return f"{name}({', '.join(fields)})"


class _Ruleset(AccordError):
    """The ruleset's sources do not parse or check (codes ``E…``)."""

    kind = "ruleset"


class _Input(AccordError):
    """A JSON document: facts, answers, a catalogue, ratings (codes ``F…``,
    ``A…``, ``P…``, ``R…``, ``G…``)."""

    kind = "input"


class _Case(AccordError):
    """An event log or an event (codes ``C…``)."""

    kind = "case"


class _Request(AccordError):
    """The call itself: a date, an unknown programme, assessment or format
    (codes ``U…``)."""

    kind = "request"


for _cls, _name in ((_Ruleset, "Ruleset"), (_Input, "Input"), (_Case, "Case"), (_Request, "Request")):
    _cls.__name__ = _name
    _cls.__qualname__ = f"AccordError.{_name}"
    setattr(AccordError, _name, _cls)
del _cls, _name

_NativeError: Any = _native.AccordError  # the generated class, its kinds set at run time
_KINDS: Dict[type, type[AccordError]] = {
    _NativeError.Ruleset: _Ruleset,
    _NativeError.Input: _Input,
    _NativeError.Case: _Case,
    _NativeError.Request: _Request,
}


def _problem(p: Any) -> Problem:
    return Problem(code=p.code, severity=p.severity, message=p.message, help=p.help,
                   file=p.file, line=p.line, column=p.column, end_line=p.end_line,
                   end_column=p.end_column, path=p.path)


def _raise(error: Any) -> NoReturn:
    cls = _KINDS.get(type(error), AccordError)
    raise cls(error.message, error.code, [_problem(p) for p in error.problems], error.json) from None


def _call(fn: Callable[..., _T], *args: Any) -> _T:
    try:
        return fn(*args)
    except _native.AccordError as error:
        _raise(error)


def _text(fn: Callable[..., Any], *args: Any) -> str:
    """A call that answers text."""
    out = _call(fn, *args)
    assert isinstance(out, str)
    return out


def _native_files(files: Iterable[Any]) -> List[Any]:
    out = []
    for f in files:
        if isinstance(f, (SourceFile, _native.SourceFile)):
            out.append(_native.SourceFile(name=f.name, text=f.text))
        else:
            raise TypeError(f"expected accord.SourceFile, not {type(f).__name__}")
    return out


class ScreenedLines(List[Dict[str, Any]]):
    """What :meth:`Ruleset.screen_many` returns: a list with one dict per
    household, in order, that also counts what ``accord screen
    --facts-jsonl`` counts in its summary.

    ``bad``: households that could not be screened (``{"line", "error"}`` in
    place); ``work_limit``: households whose evaluation ran out of work
    (``"work_limit": True``)."""

    bad: int
    work_limit: int

    def __init__(self, lines: Iterable[Dict[str, Any]] = (), bad: int = 0,
                 work_limit: int = 0) -> None:
        super().__init__(lines)
        self.bad = bad
        self.work_limit = work_limit


@dataclass(frozen=True)
class ScreenedText:
    """What :meth:`Ruleset.screen_jsonl_report` returns: the JSON lines, byte
    for byte the CLI's, and the counts of its summary."""

    text: str
    lines: int
    bad: int
    work_limit: int

    def __repr__(self) -> str:
        return (f"ScreenedText(lines={self.lines}, bad={self.bad}, "
                f"work_limit={self.work_limit}, text=<{len(self.text)} characters>)")


# --------------------------------------------------------------------------
# The ruleset


class Ruleset:
    """A compiled ruleset. Load one with :func:`load_dir` or :func:`load`,
    keep it, and share it between threads."""

    __slots__ = ("_r",)

    def __init__(self, native: Any) -> None:
        self._r = native

    def __repr__(self) -> str:
        return "<accord.Ruleset>"

    # -- loading

    @classmethod
    def load(cls, files: Iterable[SourceFile]) -> Ruleset:
        """Parses, checks and compiles ``files`` together; raises
        ``AccordError.Ruleset`` with every diagnostic."""
        return cls(_call(_native.Ruleset.load, _native_files(files)))

    @classmethod
    def load_with_entity(cls, files: Iterable[SourceFile], entity: str) -> Ruleset:
        """:meth:`load`, with ``entity`` as the root of facts documents."""
        return cls(_call(_native.Ruleset.load_with_entity, _native_files(files), entity))

    def reform(self, files: Iterable[SourceFile],
               settings: Union[Sequence[Mapping[str, Any]], str, None] = None) -> Ruleset:
        """A new ruleset: this one with a reform's files laid over it and
        ``settings`` (``[{"name", "value", "from"}]``, or its JSON) applied."""
        text = None if settings is None else _doc(settings)
        return Ruleset(_call(self._r.reform, _native_files(files), text))

    # -- catalogue and ratings

    def with_catalogue(self, catalogue: Union[Mapping[str, Any], Sequence[Any], str]) -> Ruleset:
        """A new ruleset: this one with the provider catalogue (a document or
        its JSON), in place of any earlier one and its ratings. This one is
        unchanged, so a ruleset shared between threads never changes under
        them; the compiled rules are shared, not copied."""
        return Ruleset(_call(self._r.with_catalogue, _doc(catalogue)))

    def with_ratings(self, ratings: Union[Mapping[str, Any], Sequence[Any], str]) -> Ruleset:
        """A new ruleset: this one with satisfaction scores that rank
        providers; needs a catalogue."""
        return Ruleset(_call(self._r.with_ratings, _doc(ratings)))

    def with_case_ratings(self, cases: Union[Mapping[str, Log], str]) -> Tuple[Ruleset, Dict[str, Any]]:
        """A new ruleset with the ratings of the cases' ``rates providers``
        surveys added (case names to logs), and what was added and the cases
        skipped."""
        rated = _call(self._r.with_case_ratings, _cases(cases))
        added: Dict[str, Any] = _loads(rated.added)
        return Ruleset(rated.ruleset), added

    def set_catalogue(self, catalogue: Union[Mapping[str, Any], Sequence[Any], str]) -> None:
        """:meth:`with_catalogue`, kept on this object: it moves to the new
        ruleset (a call already running finishes on the old one). A refused
        catalogue raises and changes nothing."""
        self._r = _call(self._r.with_catalogue, _doc(catalogue))

    def set_ratings(self, ratings: Union[Mapping[str, Any], Sequence[Any], str]) -> None:
        """:meth:`with_ratings`, kept on this object (as :meth:`set_catalogue`)."""
        self._r = _call(self._r.with_ratings, _doc(ratings))

    def add_case_ratings(self, cases: Union[Mapping[str, Log], str]) -> Dict[str, Any]:
        """:meth:`with_case_ratings`, kept on this object (as
        :meth:`set_catalogue`); returns what was added and the cases skipped."""
        result: Dict[str, Any] = _loads(self.add_case_ratings_json(_cases(cases)))
        return result

    def add_case_ratings_json(self, cases: str) -> str:
        rated = _call(self._r.with_case_ratings, cases)
        self._r = rated.ruleset
        return str(rated.added)

    # -- describing

    def info(self) -> Dict[str, Any]:
        """Languages, programmes, assessments and protocols."""
        result: Dict[str, Any] = _loads(self.info_json())
        return result

    def info_json(self) -> str:
        return _text(self._r.info)

    def warnings(self) -> Dict[str, Any]:
        """The checker's warnings (``accord check --format json``)."""
        result: Dict[str, Any] = _loads(self.warnings_json())
        return result

    def warnings_json(self) -> str:
        return _text(self._r.warnings)

    def schema(self, lang: Optional[str] = None) -> Dict[str, Any]:
        """A JSON Schema of the facts document, titles in ``lang``."""
        result: Dict[str, Any] = _loads(self.schema_json(lang))
        return result

    def schema_json(self, lang: Optional[str] = None) -> str:
        return _text(self._r.schema, lang)

    def run_tests(self) -> Dict[str, Any]:
        """Runs the ruleset's ``test`` blocks (``accord test --format json``)."""
        result: Dict[str, Any] = _loads(self.run_tests_json())
        return result

    def run_tests_json(self) -> str:
        return _text(self._r.run_tests)

    def graph(self, protocol: Optional[str] = None, format: str = "dot",
              version: Optional[int] = None, lang: Optional[str] = None) -> str:
        """A protocol's workflow graph as text: ``format`` is ``"dot"``,
        ``"mermaid"`` or ``"json"``."""
        return _text(self._r.graph, protocol, format, version, lang)

    # -- screening

    def screen(self, facts: Facts, as_of: AsOf, lang: Optional[str] = None,
               explain: bool = True) -> Dict[str, Any]:
        """Screens one household: ``{"as_of", "results": [...], ...}``, each
        result with its explanation; with ``explain=False`` without it
        (``"explanation": None``), which is cheaper."""
        result: Dict[str, Any] = _loads(self.screen_json(_doc(facts), _date(as_of), lang, explain))
        return result

    def screen_json(self, facts: str, as_of: str, lang: Optional[str] = None,
                    explain: bool = True) -> str:
        return _text(self._r.screen, facts, as_of, lang, explain)

    def next_questions(self, facts: Facts, as_of: AsOf, lang: Optional[str] = None) -> Dict[str, Any]:
        """The questions to ask next, most decisive first."""
        result: Dict[str, Any] = _loads(self.next_questions_json(_doc(facts), _date(as_of), lang))
        return result

    def next_questions_json(self, facts: str, as_of: str, lang: Optional[str] = None) -> str:
        return _text(self._r.next_questions, facts, as_of, lang)

    def explain(self, facts: Facts, as_of: AsOf, program: str,
                lang: Optional[str] = None) -> Dict[str, Any]:
        """One programme's results with their explanations."""
        result: Dict[str, Any] = _loads(self.explain_json(_doc(facts), _date(as_of), program, lang))
        return result

    def explain_json(self, facts: str, as_of: str, program: str, lang: Optional[str] = None) -> str:
        return _text(self._r.explain, facts, as_of, program, lang)

    def screen_arrow(self, data: Any, as_of: AsOf, *, id_column: Optional[str] = None,
                     members: Any = None, join_field: str = "members",
                     explain: bool = False, lang: Optional[str] = None,
                     threads: Optional[int] = None,
                     statuses: Optional[Iterable[str]] = None) -> Any:
        """Screens a table of households (a ``pyarrow.Table``, ``RecordBatch``
        or ``RecordBatchReader``, a pandas or Polars DataFrame) and returns a
        ``pyarrow.Table`` of results: one row per household, programme and
        subject, with ``id_column`` carried through (else ``row``, the
        1-based row number), ``program``, ``label``, ``subject``, ``status``,
        ``amount`` (decimal), ``missing``, ``work_limit``, ``error_code``,
        ``error_path``, ``error`` (a refused household's rows), and with
        ``explain=True`` ``explanation`` (JSON text).

        ``members``: a members table joined by ``id_column`` into the list
        field ``join_field``, its rows grouped by household in the
        households' order. ``threads``: all cores when ``None``; the GIL is
        released while the engine works. ``statuses``: only the results of
        these statuses (``["eligible", "undetermined"]``; every result when
        ``None``); a refused household's rows are always kept. See
        docs/guide-data.md."""
        from . import _tables
        return _tables.read_all(self.screen_arrow_batches(
            data, as_of, id_column=id_column, members=members, join_field=join_field,
            explain=explain, lang=lang, threads=threads, statuses=statuses))

    def screen_arrow_batches(self, data: Any, as_of: AsOf, *, id_column: Optional[str] = None,
                             members: Any = None, join_field: str = "members",
                             explain: bool = False, lang: Optional[str] = None,
                             threads: Optional[int] = None,
                             statuses: Optional[Iterable[str]] = None) -> Any:
        """:meth:`screen_arrow` as a ``pyarrow.RecordBatchReader``: results
        computed as they are read, a chunk of households at a time, so a
        stream of any length is screened in bounded memory."""
        from . import _tables
        return _tables.screen_arrow_batches(self._r, data, _date(as_of), id_column, members,
                                            join_field, explain, lang, threads, statuses)

    def screen_file(self, input: Union[str, os.PathLike[str]],
                    output: Union[str, os.PathLike[str]], as_of: AsOf, *,
                    id_column: Optional[str] = None,
                    members: Optional[Union[str, os.PathLike[str]]] = None,
                    join_field: str = "members", explain: bool = False,
                    lang: Optional[str] = None, threads: Optional[int] = None,
                    progress: Optional[Callable[[int, Optional[int]], None]] = None,
                    statuses: Optional[Iterable[str]] = None) -> Dict[str, int]:
        """Screens a registry file (``.parquet``, or ``.csv`` with a header
        row) into a results file (``.parquet``, ``.csv`` or ``.jsonl``), in
        bounded memory, as ``accord screen --input … --output …`` does:
        ``members``, a members file joined by ``id_column``; ``progress(done,
        total)`` after each batch; ``statuses``, as :meth:`screen_arrow`.
        Nothing is written at ``output`` unless every household was screened.
        Returns the counts: ``households``, ``rows`` (written), ``bad``
        (refused households) and ``work_limit``."""
        from . import _tables
        return _tables.screen_file(self._r, input, output, _date(as_of), id_column, members,
                                   join_field, explain, lang, threads, progress, statuses)

    def screen_many(self, households: Union[Iterable[Facts], str], as_of: AsOf,
                    explain: bool = False, lang: Optional[str] = None,
                    threads: Optional[int] = None,
                    id_key: Optional[str] = None,
                    statuses: Optional[Iterable[str]] = None) -> ScreenedLines:
        """Screens many households (documents, or JSON-lines text) in one
        call: one dict per household, in order; a household that cannot be
        screened gives its error in place (``{"line", "error"}``).

        The list is a :class:`ScreenedLines`: ``.bad`` counts the households
        refused, ``.work_limit`` those that ran out of work (marked
        ``"work_limit": True``: their undetermined results may not be missing
        facts). ``threads``: how many threads screen (the same answer whatever
        the count; one when ``None``). ``id_key``: the key of each household
        that identifies it (``"household_id"``), taken out before its facts are
        checked and given back as each line's ``"id"``. ``statuses``: only
        the results of these statuses in each line (``["eligible",
        "undetermined"]``; every result when ``None``)."""
        report = self.screen_jsonl_report(_lines(households), _date(as_of), explain, lang,
                                          threads, id_key, statuses)
        return ScreenedLines((_loads(line) for line in report.text.splitlines()),
                             bad=report.bad, work_limit=report.work_limit)

    def screen_jsonl(self, lines: str, as_of: str, explain: bool = False,
                     lang: Optional[str] = None, threads: Optional[int] = None,
                     id_key: Optional[str] = None,
                     statuses: Optional[Iterable[str]] = None) -> str:
        """The JSON-text twin of :meth:`screen_many`: JSON lines in and out."""
        return self.screen_jsonl_report(lines, as_of, explain, lang, threads, id_key,
                                        statuses).text

    def screen_jsonl_report(self, lines: str, as_of: str, explain: bool = False,
                            lang: Optional[str] = None, threads: Optional[int] = None,
                            id_key: Optional[str] = None,
                            statuses: Optional[Iterable[str]] = None) -> ScreenedText:
        """:meth:`screen_jsonl` with the counts: a :class:`ScreenedText`."""
        if threads is not None and threads < 1:
            raise ValueError(f"threads is a count of at least 1, not {threads}")
        out = _call(self._r.screen_jsonl_report, lines, as_of, explain, lang, threads, id_key,
                    _statuses(statuses))
        return ScreenedText(text=out.text, lines=out.lines, bad=out.bad,
                            work_limit=out.work_limit)

    def compare(self, reform: Iterable[SourceFile], households: Union[Iterable[Facts], str],
                as_of: AsOf, options: Union[Mapping[str, Any], str, None] = None,
                lang: Optional[str] = None) -> Dict[str, Any]:
        """Households screened under this ruleset and under a reform,
        tallied per programme (``options``: docs/language.md §22)."""
        text = self.compare_json(reform, _lines(households), _date(as_of),
                                 _doc({} if options is None else options), lang)
        result: Dict[str, Any] = _loads(text)
        return result

    def compare_json(self, reform: Iterable[SourceFile], lines: str, as_of: str, options: str,
                     lang: Optional[str] = None) -> str:
        return _text(self._r.compare, _native_files(reform), lines, as_of, options, lang)

    def answer(self, facts: Facts, path: str, value: Any) -> Dict[str, Any]:
        """The facts with the fact at ``path`` set to ``value``, a Python
        value (``"none"``, ``True``, ``5``, ``Decimal("1.5")``, a ``date``;
        ``None`` makes it unknown)."""
        result: Dict[str, Any] = _loads(self.answer_json(_doc(facts), path, _dumps(value)))
        return result

    def answer_json(self, facts: str, path: str, value: str) -> str:
        """:meth:`answer` in JSON text: ``value`` is JSON (``'"none"'``)."""
        return _text(self._r.answer, facts, path, value)

    # -- assessments and providers

    def assessment_form(self, assessment: Optional[str] = None) -> Dict[str, Any]:
        """The questionnaire as a form, every label in every language."""
        result: Dict[str, Any] = _loads(self.assessment_form_json(assessment))
        return result

    def assessment_form_json(self, assessment: Optional[str] = None) -> str:
        return _text(self._r.assessment_form, assessment)

    def assess(self, assessment: Optional[str], answers: Facts,
               lang: Optional[str] = None) -> Dict[str, Any]:
        """Scores answers (question names to answers)."""
        result: Dict[str, Any] = _loads(self.assess_json(assessment, _doc(answers), lang))
        return result

    def assess_json(self, assessment: Optional[str], answers: str, lang: Optional[str] = None) -> str:
        return _text(self._r.assess, assessment, answers, lang)

    def providers(self, need: str, region: Optional[str] = None,
                  lang: Optional[str] = None) -> Dict[str, Any]:
        """Every provider that can meet ``need`` in ``region``, ranked."""
        result: Dict[str, Any] = _loads(self.providers_json(need, region, lang))
        return result

    def providers_json(self, need: str, region: Optional[str] = None,
                       lang: Optional[str] = None) -> str:
        return _text(self._r.providers, need, region, lang)

    def providers_for_result(self, result: Facts, region: Optional[str] = None,
                             lang: Optional[str] = None) -> List[Dict[str, Any]]:
        """Providers for every need an assessment result established."""
        out: List[Dict[str, Any]] = _loads(self.providers_for_result_json(_doc(result), region, lang))
        return out

    def providers_for_result_json(self, result: str, region: Optional[str] = None,
                                  lang: Optional[str] = None) -> str:
        return _text(self._r.providers_for_result, result, region, lang)

    def needs_map(self, results: Union[Iterable[Facts], str]) -> Dict[str, Any]:
        """The territorial map: assessment results with a region against the
        places left."""
        out: Dict[str, Any] = _loads(self.needs_map_json(_lines(results)))
        return out

    def needs_map_json(self, results: str) -> str:
        return _text(self._r.needs_map, results)

    # -- cases

    def caseload(self, cases: Union[Mapping[str, Log], str], as_of: AsOf,
                 role: Optional[str] = None, lang: Optional[str] = None) -> Dict[str, Any]:
        """A role's agenda and the monitoring figures over many cases (case
        names to logs)."""
        out: Dict[str, Any] = _loads(self.caseload_json(_cases(cases), _date(as_of), role, lang))
        return out

    def caseload_json(self, cases: str, as_of: str, role: Optional[str] = None,
                      lang: Optional[str] = None) -> str:
        return _text(self._r.caseload, cases, as_of, role, lang)

    def case_state(self, log: Log, as_of: AsOf, role: Optional[str] = None,
                   lang: Optional[str] = None) -> Dict[str, Any]:
        """A case's state on ``as_of``, in full or as ``role`` may see it."""
        out: Dict[str, Any] = _loads(self.case_state_json(_log(log), _date(as_of), role, lang))
        return out

    def case_state_json(self, log: str, as_of: str, role: Optional[str] = None,
                        lang: Optional[str] = None) -> str:
        return _text(self._r.case_state, log, as_of, role, lang)

    def case_view(self, log: Log, as_of: AsOf, role: Optional[str] = None,
                  provider: Optional[str] = None, lang: Optional[str] = None) -> Dict[str, Any]:
        """A case's state as ``role`` (or ``provider`` playing it) may see it."""
        out: Dict[str, Any] = _loads(
            self.case_view_json(_log(log), _date(as_of), role, provider, lang))
        return out

    def case_view_json(self, log: str, as_of: str, role: Optional[str] = None,
                       provider: Optional[str] = None, lang: Optional[str] = None) -> str:
        return _text(self._r.case_view, log, as_of, role, provider, lang)

    def case_add(self, log: Log, event: Facts) -> str:
        """Checks ``event`` against the case and returns the log (JSON-lines
        text, to store as it is) with the event appended; ``""`` opens a case."""
        return self.case_add_json(_log(log), _doc(event))

    def case_add_json(self, log: str, event: str) -> str:
        return _text(self._r.case_add, log, event)

    def merge(self, a: Log, b: Log) -> Dict[str, Any]:
        """Merges two logs of one case: ``{"log": text, "conflicts": [...]}``."""
        out: Dict[str, Any] = _loads(self.merge_json(_log(a), _log(b)))
        return out

    def merge_json(self, a: str, b: str) -> str:
        return _text(self._r.merge, a, b)


def _log(log: Log) -> str:
    return _lines(log)


def _cases(cases: Union[Mapping[str, Log], str]) -> str:
    if isinstance(cases, str):
        return cases
    return _dumps({name: _log(log) for name, log in cases.items()})


# --------------------------------------------------------------------------
# Functions


def version() -> str:
    """This library's version."""
    return str(_native.version())


def check(files: Iterable[SourceFile]) -> Dict[str, Any]:
    """Every diagnostic of ``files`` (``accord check --format json``); never raises."""
    result: Dict[str, Any] = _loads(check_json(files))
    return result


def check_json(files: Iterable[SourceFile]) -> str:
    return str(_native.check(_native_files(files)))


def format_source(file: SourceFile) -> str:
    """One file in the canonical layout; raises ``AccordError.Ruleset`` on
    syntax errors."""
    [native] = _native_files([file])
    return _text(_native.format, native)


def sources(directory: StrPath) -> List[SourceFile]:
    """The ``*.accord`` files of ``directory`` (not its subdirectories), sorted
    by file name, each named by its file name as diagnostics show it."""
    paths = sorted(
        (p for p in pathlib.Path(directory).iterdir() if p.is_file() and p.suffix == ".accord"),
        key=lambda p: p.name.encode(),
    )
    # Bytes decoded as they are: no newline translation, so diagnostics point
    # where every other front end points.
    return [SourceFile(name=p.name, text=p.read_bytes().decode("utf-8")) for p in paths]


def load(files: Iterable[SourceFile], entity: Optional[str] = None) -> Ruleset:
    """Loads a ruleset from its files, with ``entity`` as the facts' root when
    given. Raises ``AccordError.Ruleset`` on errors."""
    if entity is None:
        return Ruleset.load(files)
    return Ruleset.load_with_entity(files, entity)


def _statuses(statuses: Optional[Iterable[str]]) -> Optional[List[str]]:
    """The statuses to keep as the engine takes them: a list of names (one
    name alone is a list of one)."""
    if statuses is None:
        return None
    if isinstance(statuses, str):
        return [statuses]
    return [str(s) for s in statuses]


def load_dir(directory: StrPath, entity: Optional[str] = None) -> Ruleset:
    """Loads the ruleset in ``directory`` (:func:`sources`)."""
    return load(sources(directory), entity)


def screen_parquet(ruleset: Ruleset, input: Union[str, os.PathLike[str]],
                   output: Union[str, os.PathLike[str]], as_of: AsOf, *,
                   id_column: Optional[str] = None,
                   members: Optional[Union[str, os.PathLike[str]]] = None,
                   join_field: str = "members", explain: bool = False,
                   lang: Optional[str] = None, threads: Optional[int] = None,
                   progress: Optional[Callable[[int, Optional[int]], None]] = None,
                   statuses: Optional[Iterable[str]] = None) -> Dict[str, int]:
    """:meth:`Ruleset.screen_file`: a Parquet (or CSV) registry screened into
    a Parquet (or CSV, or JSON-lines) file of results, streaming."""
    return ruleset.screen_file(input, output, as_of, id_column=id_column, members=members,
                               join_field=join_field, explain=explain, lang=lang,
                               threads=threads, progress=progress, statuses=statuses)
