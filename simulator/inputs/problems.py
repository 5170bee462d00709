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
