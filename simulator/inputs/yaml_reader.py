"""Read a YAML file into plain Python data plus the line and column of every node.

We compose the YAML node graph with ruamel.yaml and build the data ourselves, so that
nothing in a file is ever constructed as a Python object (explicit tags such as
``!!python/object/apply`` are refused, not executed), duplicate keys are errors rather
than silently overwritten, dates stay text for the schema to check, and every value
keeps its position for error messages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode

from simulator.inputs.problems import FieldPath, InputError, Problem, dotted

_CORE = "tag:yaml.org,2002:"
MAX_DEPTH = 40
_PLAIN_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


@dataclass
class Document:
    """A parsed YAML file: its data and where each field stands in the file."""

    file: str
    data: Any
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the field at ``path``, or of its nearest located ancestor."""
        table = self.key_positions if key else self.positions
        for length in range(len(path), -1, -1):
            prefix = tuple(path[:length])
            if prefix in table:
                return table[prefix]
            if prefix in self.positions:
                return self.positions[prefix]
        return (1, 1)

    def problem(self, path: FieldPath, message: str, *, key: bool = False) -> Problem:
        line, column = self.position(path, key=key)
        return Problem(self.file, line, column, dotted(path), message)

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


def read_document(path: Path | str, display: str | None = None) -> Document:
    """Parse one YAML file; raise :class:`InputError` with located problems if it cannot be read."""
    path = Path(path)
    name = display or str(path)
    if path.is_dir():
        raise InputError([Problem(name, 1, 1, "", "is a directory (expected a YAML scenario file)")])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(name, 1, 1, "", "no such file")]) from None
    except OSError as error:
        raise InputError([Problem(name, 1, 1, "", f"cannot be read ({error.strerror})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be decoded; save the file as UTF-8)"
        raise InputError([Problem(name, line, column, "", message)]) from None
    return parse_text(text.removeprefix("\ufeff"), name)


def parse_text(text: str, name: str) -> Document:
    """Parse YAML text (already decoded) into a :class:`Document`."""
    if not text.strip() or all(line.lstrip().startswith("#") or not line.strip() for line in text.splitlines()):
        raise InputError([Problem(name, 1, 1, "", "file is empty (expected a mapping of scenario fields)")])
    try:
        node = YAML(typ="rt").compose(io.StringIO(text))
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "", f"nesting is too deep (at most {MAX_DEPTH} levels)")]) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (error.problem or error.context or "invalid YAML").strip()
        raise InputError([Problem(name, line, column, "", f"YAML syntax error: {what}")]) from None
    except YAMLError as error:
        raise InputError([Problem(name, 1, 1, "", f"YAML syntax error: {error}")]) from None
    document = Document(name, None)
    problems: list[Problem] = []
    document.data = _build(node, (), document, problems, set())
    if problems:
        raise InputError(problems)
    return document


def _build(node: Any, path: FieldPath, document: Document, problems: list[Problem], seen: set[int]) -> Any:
    document.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if len(path) > MAX_DEPTH:
        problems.append(document.problem(path, f"nesting is too deep (at most {MAX_DEPTH} levels)"))
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
            key = _scalar(key_node) if not isinstance(key_node, (MappingNode, SequenceNode)) else None
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                problems.append(Problem(document.file, *where, dotted(path), "keys must be plain words"))
                continue
            key = str(key)
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
    return _scalar(node)


def _scalar(node: Any) -> Any:
    """YAML 1.2 core-schema value of a scalar; dates stay as text for the schema to parse."""
    kind = node.tag.removeprefix(_CORE)
    # ruamel marks the fold points of a folded (>) scalar with BEL characters, for round-tripping
    text = node.value.replace("\a", "") if node.style == ">" else node.value
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if kind == "float":
        lowered = text.lower().replace("_", "")
        if lowered in (".inf", "+.inf"):
            return float("inf")
        if lowered == "-.inf":
            return float("-inf")
        if lowered == ".nan":
            return float("nan")
        return float(lowered)
    return text
