"""Text in the outputs: any text a user or a source sets, made safe for charts, pages and terminals; and in charts,
font sizes, the width a string takes as drawn, wrapping, and text shown as written.

Scenario titles, descriptions, labels, ids, fact labels and source titles can hold any character. Before they reach
an SVG, a page, Markdown or a terminal they pass :func:`clean`: control characters (invalid in XML 1.0, and able to
move a terminal's cursor) and the bidirectional overrides that make text read in another order than it is stored
(U+202A–U+202E, U+2066–U+2069) are dropped, line breaks and tabs become spaces, and what cannot be written as UTF-8
or XML (lone surrogates, U+FFFE, U+FFFF) becomes U+FFFD. HTML escaping is left to the templates (autoescaped);
Markdown escaping is in :mod:`simulator.outputs.pages`, links in :func:`web_url`.
"""

from __future__ import annotations

import decimal
import functools
import math
import re
import urllib.parse

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


SPACES = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]")
"""Line and paragraph breaks and tabs: shown as one space (every text of a report is one line where it is set)."""

DROPPED = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (C0 but whitespace, DEL, C1) and the bidirectional embeddings, overrides and isolates."""

UNWRITABLE = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
"""Lone surrogates (not UTF-8) and the two noncharacters XML 1.0 refuses."""


def clean(text: object) -> str:
    """``text`` as a string safe to show anywhere: no control or bidi-override characters, one line, valid XML."""
    text = DROPPED.sub("", SPACES.sub(" ", str(text)))
    return UNWRITABLE.sub("\ufffd", text)


def web_url(url: object) -> str | None:
    """``url`` if it is a web address a page may link to (http or https, with a host, nothing that ends a link
    early), else None: ``javascript:``, ``data:``, ``file:`` and the like are shown as text, never as links.
    """
    text = str(url).strip()
    if text != clean(text) or re.search(r"[\s<>\"'`\\]", text):
        return None
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def plain(text: str) -> str:
    """Text shown as written in a chart: cleaned (:func:`clean`), and a '$' must not switch matplotlib into math
    mode.
    """
    return clean(text).replace("$", r"\$")


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


MINUS = "\u2212"
"""The true minus sign, for every negative number a reader sees."""
UNIT_SUFFIXES = {"percent per year": "/yr", "days": " days", "years": " years"}
"""What a value written in a parameter's unit takes after it (a percent sign comes with the value)."""


def unit_marks(unit: str) -> tuple[str, str]:
    """What a value written in a parameter's ``unit`` ('percent per year', 'days', 'ratio') carries: its percent
    sign ('%' or '') and what follows it ('/yr', ' days', '')."""
    return ("%" if unit.startswith("percent") else ""), UNIT_SUFFIXES.get(unit, "")


def half_up(value: float, decimals: int) -> float:
    """``value`` rounded to ``decimals`` places as a reader rounds the number as written: a half goes away from zero
    (11.85 gives 11.9, where Python's round of the binary 11.8499… gave 11.8 beside a fact written 11.85)."""
    if not math.isfinite(value) or abs(value) >= 1e12:  # past twelve digits no half is left to round
        return round(value, decimals)
    written = decimal.Decimal(f"{value:.12g}")  # twelve digits: what the value stands for, not its binary tail
    return float(written.quantize(decimal.Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP))


def number(value: float, decimals: int = 1, *, signed: bool = False, unit: str = "") -> str:
    """The one formatter of numbers a reader sees: thousands separators, ``decimals`` places, a true minus sign,
    '+' on changes (``signed``), '–' for a missing value (NaN), and ``unit`` appended ('%', 'bn').

    >>> number(-1234.56)
    '−1,234.6'
    >>> number(3, 0, signed=True, unit="%")
    '+3%'
    """
    if value != value:  # NaN: no value for this cell
        return "\u2013"
    rounded = half_up(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # no '−0.0'
    text = f"{rounded:+,.{decimals}f}" if signed else f"{rounded:,.{decimals}f}"
    return text.replace("-", MINUS) + unit


def money(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    """A sum in US dollars as a reader writes it: '−$278.8bn', '+$12.0bn' [USD bn]."""
    rounded = half_up(value, decimals)
    sign = MINUS if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}${number(abs(value), decimals)}bn"


READER_WORDS = (
    (re.compile(r"\bseed articles'"), "press reports'"),
    (re.compile(r"\bseed articles\b"), "press reports"),
    (re.compile(r"\bboth seeds\b"), "both press reports"),
    (re.compile(r"\b(the [A-Z][\w ]*?) seed\b"), r"\1 article"),
    (re.compile(r"\s*\(seed\)"), ""),
    (re.compile(r"\bMonthly CSV\b"), "Census monthly data"),
)
"""Project words that reached the facts' texts, and what a reader is told instead."""


def reader_text(text: str) -> str:
    """A fact's or source's text in a reader's words: no project jargon (:data:`READER_WORDS`), true minus signs
    between numbers."""
    for pattern, replacement in READER_WORDS:
        text = pattern.sub(replacement, text)
    return re.sub(r"(?<=[\s(])-(?=\d)", MINUS, text)


def listed(items: list[str], *, serial: bool = False) -> str:
    """Items as a sentence lists them: 'a, b and c' ('a, b, and c' with ``serial``); with ``serial``, set off by
    semicolons when an item holds a comma itself ('switching to other suppliers, imports; and …'), so that no part of
    a label reads as an item of its own."""
    if len(items) < 2:
        return "".join(items)
    separator = ";" if serial and any("," in item for item in items) else ","
    closing = separator if serial and (separator == ";" or len(items) > 2) else ""
    return f"{f'{separator} '.join(items[:-1])}{closing} and {items[-1]}"


def short_title(title: str) -> str:
    """A scenario's title where space is short (legends, table rows): 'What if: talks fail …' is 'Talks fail …'
    (the page lists the ids beside the full titles)."""
    text = clean(title).strip()
    if text.lower().startswith("what if:"):
        text = text[len("what if:") :].strip()
        text = text[:1].upper() + text[1:]
    return text or "(untitled)"
