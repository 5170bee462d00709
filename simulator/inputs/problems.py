"""Located input problems: every complaint about user input names file, line, column and field.

The CLI prints them as ``file:line:col: field.path: message``; the library raises
:class:`InputError`, which carries all problems found at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    ``line`` and ``column`` are 1-based, as editors count them.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        # a problem given in code has no line (0): it names the function instead of a file position
        where = printable(f"{self.file}:{self.line}:{self.column}" if self.line else self.file)
        path, message = printable(self.path), printable(self.message)
        return f"{where}: {path}: {message}" if path else f"{where}: {message}"


def printable(text: str) -> str:
    """``text`` with line breaks and other control characters written as escapes, so a problem stays one line."""
    if text.isprintable():
        return text
    return "".join(
        letter if letter.isprintable() or letter == " " else letter.encode("unicode_escape").decode("ascii")
        for letter in text
    )


class InputError(Exception):
    """Raised when input files are invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(problem) for problem in self.problems))


NO_POSITION = 0
"""Line and column of a problem with an argument given in code: there is no file to point into."""


class ArgumentError(InputError, ValueError):
    """An argument of an API function or method is not what it expects; raised before any work starts.

    ``problems`` holds one :class:`Problem` per argument (or field of a what-if) that is wrong: ``file`` is the
    function (``"run()"``), ``path`` the argument or field (``"draws"``, ``"parameters.pass_through"``), ``line``
    and ``column`` 0 for values given in code. Problems in files the call reads (a parent YAML file) keep their
    file, line and column. Catch it as :class:`InputError` (like a file's problems) or as ``ValueError``.
    """

    def __init__(self, problems: Iterable[Problem]):
        super().__init__(problems)
        self.args = ("\n".join(_shown(problem) for problem in self.problems),)


def _shown(problem: Problem) -> str:
    if problem.line != NO_POSITION:
        return str(problem)
    where, message = printable(problem.file), printable(problem.message)
    return f"{where}: {printable(problem.path)}: {message}" if problem.path else f"{where}: {message}"


def argument_problem(function: str, argument: str, message: str) -> Problem:
    """A problem with an argument (or a field of it) of ``function``, a name as users call it (``run``,
    ``Result.plot``): it names the call, as there is no file position to give."""
    return Problem(f"{function}()", NO_POSITION, NO_POSITION, argument, message)


def refuse(function: str, argument: str, message: str) -> ArgumentError:
    """The error for one wrong argument of ``function`` (see :func:`argument_problem`)."""
    return ArgumentError([argument_problem(function, argument, message)])


def dotted(path: Sequence[str | int]) -> str:
    """Render a field path as users read it: ``tariffs.us_on_china.measures.reciprocal.path[2].rate``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean X?)' hint when a close match exists, else ''."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def expected_one_of(choices: Iterable[str]) -> str:
    return "expected one of: " + ", ".join(sorted(choices))
