"""Read a YAML file into plain Python data plus the line and column of every node.

We compose the YAML node graph with ruamel.yaml and build the data ourselves, so that
nothing in a file is ever constructed as a Python object (explicit tags such as
``!!python/object/apply`` are refused, not executed), duplicate keys are errors rather
than silently overwritten, dates stay text for the schema to check, and every value
keeps its position for error messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import marshal
import numbers
import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ruamel.yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode

from simulator.inputs.problems import FieldPath, InputError, Problem, dotted

_CORE = "tag:yaml.org,2002:"
MAX_DEPTH = 40
TOO_DEEP = f"nesting is too deep (at most {MAX_DEPTH} levels)"
BLOCK_DEPTH = 200
"""Indented levels at which reading stops: far past :data:`MAX_DEPTH`, whose problem names the field path, and well
before Python's recursion limit, past which no place could be given."""
MAX_FILE_BYTES = 256_000
"""The largest input file read [bytes]: the largest bundled scenario is 7 kB; the YAML reader parses about
100 kB a second, so this keeps any check under a few seconds."""
MAX_EVENTS = 10_000
"""The most YAML parser events (scalars, starts and ends of mappings and lists) a file may hold: the largest
bundled scenario has about 600. Counted before the file is composed, so that a file of many tiny values is
refused in bounded time."""
_DIRECTIVE = re.compile(r"^%(\S*)[ \t]*(\S*)", re.MULTILINE)
# C0/C1 controls other than tab and line ends, and the bidirectional overrides that can make text display in
# an order other than the one it is stored in
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PLAIN_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


@dataclass
class Document:
    """A parsed YAML file: its data and where each field stands in the file."""

    file: str
    data: Any
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    renumbering: dict[FieldPath, tuple[int, ...]] = field(default_factory=dict)
    """Lists some of whose items failed validation and were left out before later checks: for each, the place in
    the file of every item that stays, so that what those checks find is told where the file has it."""
    digest: str = ""
    """SHA-256 of the file's bytes as they were read ('' for data given in code): what a report built from it records,
    even when the file is saved again while the run goes on."""

    def renumbered(self, kept: dict[FieldPath, list[int]]) -> Document:
        """The same file, for checks of data whose lists lost the items ``kept`` does not list (see
        :attr:`renumbering`)."""
        if not kept:
            return self
        places = {path: tuple(indices) for path, indices in kept.items()}
        return Document(self.file, self.data, self.positions, self.key_positions, places, self.digest)

    def in_file(self, path: FieldPath) -> FieldPath:
        """``path`` with an item of a renumbered list numbered as the file numbers it."""
        for index, part in enumerate(path):
            if isinstance(part, int):
                places = self.renumbering.get(tuple(path[:index]))
                if places is not None and 0 <= part < len(places):
                    return (*path[:index], places[part], *path[index + 1 :])
                break
        return tuple(path)

    def position(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the field at ``path``, or of its nearest located ancestor."""
        return self._located(self.in_file(path), key)

    def _located(self, path: FieldPath, key: bool) -> tuple[int, int]:
        table = self.key_positions if key else self.positions
        for length in range(len(path), -1, -1):
            prefix = tuple(path[:length])
            if prefix in table:
                return table[prefix]
            if prefix in self.positions:
                return self.positions[prefix]
        return (1, 1)

    def null_problems(self) -> list[Problem]:
        """A key given no value (``key:`` or ``key: null``): an error in scenario and sweep files, where leaving a
        key out is how to keep the default, so that an empty value never passes silently for a default.
        """
        return [
            self.problem(path, "no value given: write one, or remove the key to keep what the scenario extends")
            for path, value in _walk(self.data, ())
            if value is None and path and isinstance(path[-1], str)
        ]

    def problem(self, path: FieldPath, message: str, *, key: bool = False) -> Problem:
        where = self.in_file(path)
        line, column = self._located(where, key)
        return Problem(self.file, line, column, dotted(where), message)

    def nested(self, name: str) -> Document:
        """The same file with its top-level mapping under one key ``name``, positions kept (to validate it as one
        field).
        """
        return Document(
            self.file,
            {name: self.data},
            {(name, *path): where for path, where in self.positions.items()},
            {(name, *path): where for path, where in self.key_positions.items()},
        )


def _walk(data: Any, path: FieldPath) -> list[tuple[FieldPath, Any]]:
    """Every (path, value) below ``data``, parents before children."""
    found = [(path, data)]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _walk(value, (*path, index))
    return found


def read_document(path: Path | str, display: str | None = None, *, trusted: bool = False) -> Document:
    """Parse one YAML file; raise :class:`InputError` with located problems if it cannot be read.

    Only regular files up to :data:`MAX_FILE_BYTES` and :data:`MAX_EVENTS` are read: a pipe, a device or a
    directory is refused before it is opened, so that no input can block the reader or fill memory. ``trusted``
    files (the project's own seeds) are read whatever their size.
    """
    path = Path(path)
    name = display or str(path)

    def refuse(message: str) -> InputError:
        return InputError([Problem(name, 1, 1, "", message)])

    try:
        status = path.stat()
    except FileNotFoundError:
        raise refuse("no such file") from None
    except OSError as error:
        raise refuse(f"cannot be read ({error.strerror or error})") from None
    if stat.S_ISDIR(status.st_mode):
        raise refuse("is a directory (expected a YAML scenario file)")
    if not stat.S_ISREG(status.st_mode):
        raise refuse(f"is not a regular file ({_kind(status.st_mode)}); expected a YAML scenario file")
    if status.st_size > MAX_FILE_BYTES and not trusted:
        raise refuse(f"is {status.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} a scenario file may have")
    try:
        # O_NONBLOCK: should the file have been swapped for a pipe since the check, opening it must not wait
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as stream:
            raw = stream.read() if trusted else stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except OSError as error:
        raise refuse(f"cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_FILE_BYTES and not trusted:
        raise refuse(f"is more than the {MAX_FILE_BYTES:,} bytes a scenario file may have")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be decoded; save the file as UTF-8)"
        raise InputError([Problem(name, line, column, "", message)]) from None
    document = parse_text(text.removeprefix("\ufeff"), name, counted=not trusted)
    return replace(document, digest=hashlib.sha256(raw).hexdigest())  # a copy: parsed documents are shared


def _kind(mode: int) -> str:
    for test, word in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return word
    return "not a plain file"


def parse_text(text: str, name: str, *, counted: bool = True) -> Document:
    """Parse YAML text (already decoded) into a :class:`Document`."""
    if not text.strip() or all(line.lstrip().startswith("#") or not line.strip() for line in text.splitlines()):
        raise InputError([Problem(name, 1, 1, "", "file is empty (expected a mapping of scenario fields)")])
    problems = _directive_problems(text, name) + _character_problems(text, name) + _decimal_comma_problems(text, name)
    if problems:
        raise InputError(problems)
    return _parsed(text, name, counted and len(text) > _SMALL)


_SMALL = 20_000
"""Characters below which a file cannot hold enough values to be slow to read, and is not counted first."""


@functools.lru_cache(maxsize=64)
def _parsed(text: str, name: str, counted: bool) -> Document:
    """Parse once per text: a parent is read again for each file that extends it (the result is not mutated). A file
    read before, unchanged, comes from the disk cache (:func:`_stored`)."""
    key = _cache_key(text, name, counted)
    stored = _stored(key)
    if stored is not None:
        return Document(name, *stored)
    document = _composed(text, name, counted)
    _store(key, (document.data, document.positions, document.key_positions))
    return document


CACHE_FILES = 2_000
"""The most parsed files the disk cache keeps; past it, the oldest are removed (a file is a few kB)."""
CACHE_ENTRY_BYTES = 64_000_000
"""The largest entry read back [bytes]: the facts, the largest file read, take about 0.2 MB."""


def cache_folder() -> Path:
    """Where parsed files are kept between runs: ``$XDG_CACHE_HOME/tariff-scenarios/yaml`` (``~/.cache`` by
    default), as pip and matplotlib keep theirs."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "tariff-scenarios" / "yaml"


@functools.lru_cache(maxsize=1)
def _reader_stamp() -> bytes:
    """What a parse depends on besides the text: this module's code, the YAML library's version and Python's (whose
    version sets marshal's format). A change to any of them leaves every entry kept before unread."""
    code = Path(__file__).read_bytes()
    return hashlib.sha256(code + ruamel.yaml.__version__.encode() + sys.version.encode()).digest()


def _cache_key(text: str, name: str, counted: bool) -> str:
    digest = hashlib.sha256(_reader_stamp())
    limits = f"{MAX_EVENTS if counted else 'trusted'}/{MAX_DEPTH}"  # the limits a file was read under
    for part in (name, limits, text):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _stored(key: str) -> tuple[Any, dict, dict] | None:
    """The data and positions kept under ``key``, or None if absent or unreadable (a damaged entry is parsed again).

    Parsing is nearly all of the time a run spends reading its inputs (the YAML library is pure Python, about 100 kB
    a second); a kept entry loads in a millisecond. Only files that parsed without a problem are kept, so every
    problem is found afresh; marshal holds plain data only, so an entry cannot run code.
    """
    raw = regular_file_bytes(cache_folder() / key, CACHE_ENTRY_BYTES)
    try:
        stored = marshal.loads(raw) if raw is not None else None
    except (ValueError, EOFError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 3 and all(isinstance(part, dict) for part in stored[1:])):
        return None
    return stored


def regular_file_bytes(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes that can be read, else None.

    Opened without blocking and checked once open: whatever stands at the path (a pipe, a device, a file swapped in
    since), reading it cannot wait or fill memory.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
                return None
            return stream.read(limit)
    except OSError:
        return None


def _store(key: str, entry: tuple[Any, dict, dict]) -> None:
    """Keep ``entry`` under ``key``, written whole or not at all; a cache that cannot be written is skipped."""
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, staged = tempfile.mkstemp(dir=folder, prefix=".")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(marshal.dumps(entry))
            os.replace(staged, folder / key)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(staged)
            raise
        _prune(folder)
    except (OSError, ValueError):
        return


def _prune(folder: Path) -> None:
    """Remove the oldest entries past :data:`CACHE_FILES`."""
    entries = [entry for entry in os.scandir(folder) if not entry.name.startswith(".")]
    if len(entries) <= CACHE_FILES:
        return
    entries.sort(key=lambda entry: entry.stat().st_mtime)
    for entry in entries[: len(entries) - CACHE_FILES]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _composed(text: str, name: str, counted: bool) -> Document:
    """Parse ``text`` with the YAML library and build its data; :class:`InputError` with every problem found."""
    try:
        node = _compose(text, MAX_EVENTS if counted else None)
    except _TooLargeError:
        raise InputError(
            [Problem(name, 1, 1, "", f"holds more than {MAX_EVENTS:,} YAML values, far more than a scenario needs")]
        ) from None
    except _TooDeepError as error:
        line, column = error.mark.line + 1, error.mark.column + 1
        raise InputError([Problem(name, line, column, "", TOO_DEEP)]) from None
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "", TOO_DEEP)]) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (error.problem or error.context or "invalid YAML").strip()
        raise InputError([Problem(name, line, column, "", f"YAML syntax error: {what}")]) from None
    except (YAMLError, AssertionError, ValueError, TypeError, IndexError) as error:
        # the YAML library's own checks (an unsupported directive, say) fail in ways it does not locate
        raise InputError([Problem(name, 1, 1, "", f"YAML syntax error: {error}")]) from None
    document = Document(name, None)
    problems: list[Problem] = []
    document.data = _build(node, (), document, problems, set())
    if problems:
        raise InputError(problems)
    return document


class _TooLargeError(Exception):
    pass


class _TooDeepError(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__()
        self.mark = mark


def _compose(text: str, limit: int | None) -> Any:
    """The YAML node graph of ``text``; past ``limit`` parser events, stop with :class:`_TooLargeError`.

    The events are counted as the composer takes them, so that an oversized file costs no more than ``limit``
    events of parsing.
    """
    # the safe parser reads YAML 1.2 as the round-trip one does, without keeping comments: a third of its time
    yaml = YAML(typ="safe", pure=True)
    make = yaml.get_constructor_parser

    def counting(stream: Any) -> Any:
        constructor, parser = make(stream)
        take = parser.get_event
        taken = depth = 0
        nesting: list[bool] = []  # the open collections, innermost last: True for brackets

        def get_event() -> Any:
            nonlocal taken, depth
            taken += 1
            if limit is not None and taken > limit:
                raise _TooLargeError
            event = take()
            # brackets nested too deep are stopped as the parser meets them: past a thousand the scanner's time grows
            # with the square of the depth (seconds) before the composer's recursion would give up; indented nesting
            # costs no such time and is reported later with its field path
            # indented nesting is stopped too, far enough past the limit that a file's own path to it is reported
            # first, yet before the reader's recursion gives up without a place
            if isinstance(event, CollectionStartEvent):
                depth += bool(event.flow_style)
                nesting.append(bool(event.flow_style))
                if depth > MAX_DEPTH or len(nesting) > BLOCK_DEPTH:
                    raise _TooDeepError(event.start_mark)
            elif isinstance(event, CollectionEndEvent) and nesting:
                depth -= nesting.pop()
            return event

        parser.get_event = get_event
        return constructor, parser

    yaml.get_constructor_parser = counting  # type: ignore[method-assign]
    return yaml.compose(io.StringIO(text))


def _directive_problems(text: str, name: str) -> list[Problem]:
    """Only ``%YAML 1.2`` is accepted: YAML 1.1 reads ``yes``, ``no`` and ``1:30`` differently."""
    problems = []
    for match in _DIRECTIVE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        directive, value = match.groups()
        if directive == "YAML" and value == "1.2":
            continue
        if directive == "YAML" and value.startswith("1."):
            message = (
                f"this reader follows YAML 1.2; remove the '%YAML {value}' line (under YAML 1.2, yes and no are "
                "text: write true or false)"
            )
        elif directive == "YAML":
            message = f"YAML version '{value}' is not supported: remove the line (files are read as YAML 1.2)"
        else:
            message = f"YAML directive '%{directive}' is not supported: remove the line"
        problems.append(Problem(name, line, 1, "", message))
    return problems


def _character_problems(text: str, name: str) -> list[Problem]:
    """Control characters and bidirectional overrides, refused wherever they stand (they reach charts and pages)."""
    problems = []
    for match in list(_UNSAFE.finditer(text))[:20]:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        problems.append(Problem(name, line, column, "", _unsafe_message(match.group())))
    return problems


_FLOW_LIST = re.compile(r"\[[^\[\]{}:\n#'\"]*\]")
"""A list of plain values written on one line in brackets: no quotes, comments, nested lists or mappings (inside a
``{...}`` mapping the schema tells a decimal comma itself, with the key it split off)."""
_TIGHT_PAIR = re.compile(r"(?<![\w.])-?[0-9]+,[0-9]+(?![\w.])")
"""Two whole numbers joined by a comma with no space: '2,5'."""


def _decimal_comma_problems(text: str, name: str) -> list[Problem]:
    """A decimal comma in a list of numbers, where YAML reads it as two values: in ``[2,5, 4]`` the other items are
    set apart by a comma and a space, so '2,5' means 2.5 (a sweep would otherwise run 2, 5 and 4 and say all is
    well). A list whose commas all go without a space ('[1,2,3]') is taken as written."""
    problems = []
    for listed in _FLOW_LIST.finditer(text):
        inside = listed.group()
        if not re.search(r",\s", inside):
            continue
        for pair in _TIGHT_PAIR.finditer(inside):
            start = listed.start() + pair.start()
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            number = pair.group()
            message = (
                f"'{number}' reads as two values, {number.replace(',', ' and ', 1)}, while this list's other items "
                f"are set apart by a comma and a space: write {number.replace(',', '.', 1)} for a decimal, or "
                f"'{number.replace(',', ', ', 1)}' for two values"
            )
            problems.append(Problem(name, line, column, "", message))
            if len(problems) >= 20:
                return problems
    return problems


def plain_data(data: Any, name: str) -> tuple[Any, list[Problem]]:
    """Python data given in code as a file would hold it, and what a file could not hold: unsafe characters in keys
    and texts, bytes where text is due, nesting past :data:`MAX_DEPTH`, a list or mapping that holds itself (which
    would recurse without end), more than :data:`MAX_EVENTS` values or :data:`MAX_FILE_BYTES` characters of text.
    Any mapping becomes a dict and any tuple a list, as the YAML reader gives them."""
    problems: list[Problem] = []
    size = {"values": 0, "characters": 0}

    def too_much() -> bool:
        if size["values"] > MAX_EVENTS or size["characters"] > MAX_FILE_BYTES:
            what = f"{MAX_EVENTS:,} values" if size["values"] > MAX_EVENTS else f"{MAX_FILE_BYTES:,} characters"
            problems.append(Problem(name, 1, 1, "", f"holds more than {what}, far more than a scenario needs"))
            return True
        return False

    def visit(value: Any, path: FieldPath, open_: frozenset[int]) -> Any:
        size["values"] += 1
        if len(problems) >= 20 or too_much():
            raise _EnoughError
        if len(path) > MAX_DEPTH:
            problems.append(Problem(name, 1, 1, dotted(path), TOO_DEEP))
            return None
        if isinstance(value, (bytes, bytearray, memoryview)):
            problems.append(Problem(name, 1, 1, dotted(path), "expected text, not bytes (decode them first)"))
            return None
        if isinstance(value, str):
            size["characters"] += len(value)
            unsafe = _UNSAFE.search(value)
            if unsafe:
                problems.append(Problem(name, 1, 1, dotted(path), _unsafe_message(unsafe.group(), "in scenario data")))
            return value
        if value is None or isinstance(value, (numbers.Number, dt.date)):
            return value
        if not isinstance(value, (Mapping, list, tuple)):
            # a generator or a set would be read in an order of its own, or used up; an object has no file form
            kind = type(value).__name__
            message = f"expected text, a number, true or false, a date, a list or a mapping, not a value of type {kind}"
            problems.append(Problem(name, 1, 1, dotted(path), message))
            return None
        if id(value) in open_:
            problems.append(Problem(name, 1, 1, dotted(path), "holds itself (a list or mapping inside its own items)"))
            return None
        inside = open_ | {id(value)}
        if not isinstance(value, Mapping):
            return [visit(item, (*path, index), inside) for index, item in enumerate(value)]
        plain = {}
        for key, item in value.items():
            if isinstance(key, str):
                size["characters"] += len(key)
                unsafe = _UNSAFE.search(key)
                if unsafe:
                    problems.append(Problem(name, 1, 1, dotted(path), _unsafe_message(unsafe.group(), "in a key")))
                    continue
            plain[key] = visit(item, (*path, key), inside)
        return plain

    try:
        plain = visit(data, (), frozenset())
        too_much()  # the last text read counts too
    except _EnoughError:
        plain = None
    return plain, problems


class _EnoughError(Exception):
    """Enough problems found, or too much data: the rest is not read."""


def _unsafe_message(character: str, where: str = "in a scenario file") -> str:
    label = unicodedata.name(character, "a control character").lower()
    return f"character U+{ord(character):04X} ({label}) is not allowed {where}: remove it"


def _build(node: Any, path: FieldPath, document: Document, problems: list[Problem], seen: set[int]) -> Any:
    document.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if len(path) > MAX_DEPTH:
        problems.append(document.problem(path, TOO_DEEP))
        return None
    if isinstance(node, (MappingNode, SequenceNode)) or node.anchor:
        # an alias is the same node met twice; refusing it also refuses "billion laughs" files
        if id(node) in seen:
            problems.append(document.problem(path, "YAML aliases (*name) are not allowed: write the value out"))
            return None
        seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        problems.append(
            document.problem(
                path, f"explicit YAML tag '{node.tag.removeprefix(_CORE)}' is not allowed (write plain values)"
            )
        )
        return None
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag not in _PLAIN_TAGS:
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                tag = key_node.tag.removeprefix(_CORE)
                problems.append(
                    Problem(document.file, *where, dotted(path), f"explicit YAML tag '{tag}' is not allowed on a key")
                )
                continue
            key = _scalar(key_node) if not isinstance(key_node, (MappingNode, SequenceNode)) else None
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                problems.append(Problem(document.file, *where, dotted(path), "keys must be plain words"))
                continue
            key = str(key)
            if key == "<<" and key_node.style is None:
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                problems.append(
                    Problem(
                        document.file, *where, dotted(path), "merge keys (<<) are not allowed: write the fields out"
                    )
                )
                continue
            if _UNSAFE.search(key) or any(unicodedata.category(letter) == "Cf" for letter in key):
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                problems.append(
                    Problem(document.file, *where, dotted(path), "keys must be plain words (an invisible character)")
                )
                continue
            child = (*path, key)
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                first = document.key_positions[child]
                problems.append(
                    Problem(
                        document.file, *where, dotted(child), f"duplicate key '{key}' (first given on line {first[0]})"
                    )
                )
                continue
            document.key_positions[child] = where
            result[key] = _build(value_node, child, document, problems, seen)
        return result
    if isinstance(node, SequenceNode):
        return [_build(item, (*path, index), document, problems, seen) for index, item in enumerate(node.value)]
    try:
        value = _scalar(node)
    except ValueError as error:
        problems.append(document.problem(path, str(error)))
        return None
    if isinstance(value, str) and (unsafe := _UNSAFE.search(value)):
        problems.append(document.problem(path, _unsafe_message(unsafe.group())))
        return None
    return value


def _scalar(node: Any) -> Any:
    """YAML 1.2 core-schema value of a scalar; dates stay as text for the schema to parse.

    Raises ValueError, in words for the reader, when an explicit tag (``!!float abc``) does not fit the text.
    """
    kind = node.tag.removeprefix(_CORE)
    text = node.value
    if kind == "null":
        if text.strip() not in ("", "~", "null", "Null", "NULL"):
            raise ValueError(f"'{text}' is not null (write null or leave the value out)")
        return None
    if kind == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"'{text}' is not true or false")
        return text.lower() == "true"
    if kind == "int":
        if re.fullmatch(r"[-+]?[0-9]+", text, re.ASCII):  # YAML 1.2 reads 090 as 90, as its writer meant
            return int(text, 10)
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            raise ValueError(f"'{text}' is not a whole number") from None
    if kind == "float":
        lowered = text.lower().replace("_", "")
        if lowered in (".inf", "+.inf"):
            return float("inf")
        if lowered == "-.inf":
            return float("-inf")
        if lowered == ".nan":
            return float("nan")
        try:
            return float(lowered)
        except ValueError:
            raise ValueError(f"'{text}' is not a number") from None
    return text
