"""Text in charts: font sizes, the width a string takes as drawn, wrapping, and text shown as written."""

from __future__ import annotations

import functools

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

TITLE_SIZE, PANEL_SIZE, TEXT_SIZE, SMALL_SIZE = 11, 9, 8, 7
"""Font sizes [pt]."""


def line_height(size: float) -> float:
    """Height of one line of text [in] at a font size [pt]."""
    return size * 1.4 / 72


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float) -> float:
    """Width of a one-line text [pt] as the default font draws it."""
    width, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)
    return width


def plain(text: str) -> str:
    """Text shown as written: a '$' in a title must not switch matplotlib into math mode."""
    return text.replace("$", r"\$")


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` that fit ``width`` [in] at ``size`` [pt] (words longer than a line are cut)."""
    limit = width * 72
    lines: list[str] = []
    for word in text.split():
        while text_width(word, size) > limit and len(word) > 1:
            cut = max(1, int(len(word) * limit / text_width(word, size)) - 1)
            lines.append(word[:cut])
            word = word[cut:]
        if lines and text_width(f"{lines[-1]} {word}", size) <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
