"""``chartbook.pdf``: one file to attach to an e-mail or drop into a deck.

A cover with the 'at a glance' block and the contents, one page per chart, the key-number tables
and the sources, on A4 pages through matplotlib's PDF backend. The charts are vector drawings, and
not drawn a second time: each chart page receives the drawing calls of the chart's SVG as it is
written (:class:`simulator.outputs.layout.TwoRenderers`), scaled onto the page, so a chart costs one
pass over its artists for both files. Text stays text, so it can be searched and copied, in the PDF's built-in
Helvetica, which every reader has and which costs no layout or embedding: setting the charts' lines in the chart font
(Type 3) glyph by glyph took two fifths of the time of a chart's files. A chart line holding a character
Helvetica's encoding lacks keeps the chart font, and so does a cover, table or sources page holding one.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import Op, PdfFile, RendererPdf
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from simulator.outputs.glance import Glance
from simulator.outputs.layout import CORE_MINUS, check_glyphs, core_text, style, without_ligatures
from simulator.outputs.tables import Table, markdown_rows
from simulator.outputs.text import clean, plain

PAGE = (8.27, 11.69)
"""A4 portrait [in]."""
MARGIN = 0.6
"""Page margin [in]."""
FOOT = 0.25
"""Room kept above the bottom margin for the page number [in]."""
LANDSCAPE_GAIN = 1.1
"""How much larger a chart must show on a landscape page for its page to turn."""
HANGING = 0.25
"""Indent of a wrapped contents entry's further lines [in]."""
BULLET = 0.061
"""Width of '• ' in 7 pt Helvetica [in]: a wrapped source's further lines start under its first word."""
TABLES_HEADING = "Key numbers by year"
"""The heading of the table pages, which the cover's contents name too."""
UNIT = re.compile(r"\[[^\]\n]{1,40}\]")
"""A unit in brackets, as captions write them."""
NO_BREAK = "\u00a0"
"""A space at which no line breaks (in Helvetica's character set too)."""
ROW = 0.19
"""Height of a table row [in]."""
NOTE_LINES = 64
"""Lines of sources per page."""
LABEL_CHARACTERS = 62
"""The longest line of a row label a key-number table's column holds; a longer label takes two lines."""
PDF_STYLE = {"pdf.fonttype": 3, "pdf.compression": 1}
"""Type 3 fonts (searchable and copyable, a third of the time of embedded TrueType, whose subsetting dominated the
book's cost); the fastest deflate level (the chart pixels compress as well at 6)."""


CORE_STYLE = {"pdf.use14corefonts": True, "font.family": "Helvetica"}
"""Text pages in the PDF's built-in Helvetica: matplotlib lays out chart-font text glyph by glyph in Python, which made
the cover, tables and sources cost as much as the chart pages; Helvetica's text is written whole."""


PDF_DPI = 72
"""Matplotlib's vector backends draw at 72 dpi: a point is a unit of the page."""


@dataclass(frozen=True)
class ChartPage:
    """A chart for the book: its name, caption, size [in], and ``draw(renderer)``, which draws the chart through the
    given PDF renderer (the report writes the chart's SVG in the same pass)."""

    name: str
    caption: str
    size: tuple[float, float]
    draw: Callable[[RendererPdf], None]


@dataclass(frozen=True)
class ChartBook:
    """What was written: the file and the title of each page, in order (the cover first)."""

    path: Path
    pages: tuple[str, ...]


def write_chartbook(
    path: Path,
    *,
    title: str,
    subtitle: str,
    glance: Glance,
    charts: Sequence[ChartPage],
    tables: Sequence[Table],
    sources: Sequence[str],
    made: str,
    parts: Sequence[Path] = (),
    text: ChartBook | None = None,
    changes: Changes | None = None,
) -> ChartBook:
    """Write ``path`` (a PDF): cover, one page per chart, what a what-if changes (``changes``), the key-number
    tables, the sources.

    ``sources`` are the publications the numbers come from, one line each (author, publisher, title, date,
    address); the facts taken from each are in the HTML page's notes, which the book points to (set as text they
    cost more time than every chart of the book together). ``made`` says what made the book and when, for the
    cover.

    ``parts``: files that already hold the chart pages, in order (:func:`write_chart_part`, drawn on other cores);
    the book is then bound from them and ``text``, its own pages (:func:`write_book_text`, drawn on another core
    too), and the other arguments go unused.
    """
    if not parts:
        pages = _write_book(path, title, subtitle, glance, charts, tables, sources, made, changes, draw_charts=True)
        return ChartBook(path, pages)
    assert text is not None, "a book bound from parts needs its own pages (write_book_text)"
    try:
        _bind(path, text.path, parts, clean(title))
    finally:
        text.path.unlink(missing_ok=True)
    return ChartBook(path, text.pages)


def write_book_text(
    path: Path,
    *,
    title: str,
    subtitle: str,
    glance: Glance,
    charts: Sequence[ChartPage],
    tables: Sequence[Table],
    sources: Sequence[str],
    made: str,
    changes: Changes | None = None,
) -> ChartBook:
    """Write ``path`` (a PDF) holding the book's own pages (cover, tables, sources), numbered as they stand in the
    book, while other cores may draw the chart pages; :func:`write_chartbook` binds them (its ``text``). Returns
    the file with the title of every page of the whole book."""
    pages = _write_book(path, title, subtitle, glance, charts, tables, sources, made, changes, draw_charts=False)
    return ChartBook(path, pages)


def book_pages(charts: Sequence[ChartPage], tables: int, notes: int, changes: int = 0) -> tuple[str, ...]:
    """The title of each page of a book with ``charts``, ``changes`` pages of what a what-if changes, ``tables``
    pages of tables and ``notes`` pages of sources."""
    return (
        "cover",
        *(chart.name for chart in charts),
        *(f"changes {number + 1}" for number in range(changes)),
        *(f"key numbers {number + 1}" for number in range(tables)),
        *(f"sources {number + 1}" for number in range(notes)),
    )


def _write_book(
    path: Path,
    title: str,
    subtitle: str,
    glance: Glance,
    charts: Sequence[ChartPage],
    tables: Sequence[Table],
    sources: Sequence[str],
    made: str,
    changes: Changes | None,
    *,
    draw_charts: bool,
) -> tuple[str, ...]:
    """The book's pages in ``path``: all of them, or (``draw_charts`` False) all but the charts' pages, each page
    numbered as it stands in the whole book. Returns the title of every page of the book."""
    texts = [title, subtitle, *glance.sentences, *(row.label for table in tables for row in table.rows), *sources]
    texts += [changes.heading, *changes.lines] if changes is not None else []
    with style(fallback=check_glyphs(texts)), matplotlib.rc_context(PDF_STYLE):
        book = PdfFile(path, metadata={"CreationDate": None, "Title": clean(title)})
        try:
            table_pages, note_pages = _table_pages(tables), _note_pages(sources)
            change_pages = _change_pages(changes) if changes is not None else []
            pages = book_pages(charts, len(table_pages), len(note_pages), len(change_pages))
            contents = [f"{index + 2}. {chart.caption}" for index, chart in enumerate(charts)]
            after = len(charts) + 2
            contents += [f"{after}. {changes.heading}"] if changes is not None else []
            after += len(change_pages)
            contents += [f"{after}. {TABLES_HEADING}"] if table_pages else []
            contents += [f"{after + len(table_pages)}. Sources"]
            _write_page(book, _cover(title, subtitle, glance, contents, made))
            if draw_charts:
                for number, chart in enumerate(charts, 2):
                    _write_chart_page(book, chart, number)
            for number, page in enumerate([*change_pages, *table_pages, *note_pages], len(charts) + 2):
                _write_page(book, _numbered(page, number))
            book.finalize()
        finally:
            book.close()
    return pages


def write_chart_part(path: Path, charts: Sequence[ChartPage], first: int) -> None:
    """Write ``path`` (a PDF) holding only the pages of ``charts``, numbered from ``first``, as they stand in the book
    (:func:`write_chartbook` binds the parts)."""
    with style(fallback=check_glyphs([chart.caption for chart in charts])), matplotlib.rc_context(PDF_STYLE):
        book = PdfFile(path, metadata={"CreationDate": None})
        try:
            for number, chart in enumerate(charts, first):
                _write_chart_page(book, chart, number)
            book.finalize()
        finally:
            book.close()


def _bind(path: Path, own: Path, parts: Sequence[Path], title: str) -> None:
    """``path`` from the cover of ``own``, then every page of ``parts`` in order, then the rest of ``own``.

    Each part carries the fonts its pages use, so the book is somewhat larger than one drawn in a single file.
    """
    # imported here: only a book drawn on several cores is bound, and the import costs a fifth of a second
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    text = PdfReader(own)
    writer.append(text, pages=(0, 1))
    for part in parts:
        writer.append(PdfReader(part))
    writer.append(text, pages=(1, len(text.pages)))
    writer.metadata = {"/Title": title}
    with path.open("wb") as stream:
        writer.write(stream)


def _page(size: tuple[float, float] = PAGE) -> Figure:
    """An empty page of ``size`` [in] (A4 portrait by default)."""
    return Figure(figsize=size, dpi=PDF_DPI)


def _numbered(figure: Figure, number: int) -> Figure:
    """``figure`` with its page number at the foot, so the contents can be followed on paper."""
    width, height = figure.get_size_inches()
    _at(figure, width - MARGIN, height - MARGIN, str(number), fontsize=8, ha="right", color="#555555")
    return figure


def _write_page(book: PdfFile, figure: Figure, chart: ChartPage | None = None, top: float = 0.0) -> None:
    """One page the size of ``figure``: the figure (drawn at 72 dpi, as ``savefig`` would), its text in Helvetica where
    it can be (:func:`in_helvetica`), then ``chart`` placed from ``top`` [in] in the chart font."""
    width, height = (float(side) for side in figure.get_size_inches())
    book.newPage(width, height)
    renderer = RendererPdf(book, PDF_DPI, height, width)
    with matplotlib.rc_context(CORE_STYLE if in_helvetica(figure) else {}):
        figure.draw(renderer)
    renderer.finalize()
    if chart is not None:
        _place_chart(book, chart, top, (width, height))
    book.endStream()


def in_helvetica(figure: Figure) -> bool:
    """Whether every text of a page can be set in the built-in Helvetica; if so, readies them for it (minus signs as
    hyphens, the regular weight as Helvetica names it, so matplotlib finds the font without a warning)."""
    texts = figure.findobj(Text)
    if any(core_text(text.get_text()) is None for text in texts):  # a page with another character keeps the chart font
        return False
    for text in texts:
        text.set_text(text.get_text().translate(CORE_MINUS))
        if text.get_fontweight() in ("normal", "regular", "book", 400):
            text.set_fontweight("medium")
    return True


def _write_chart_page(book: PdfFile, chart: ChartPage, number: int) -> None:
    """The chart's caption (smaller than the chart's title, which it introduces), then the chart, fitted to the page
    below it; the page ``number`` at the foot. The page is A4 turned whichever way shows the chart larger: a wide
    chart on a portrait page would be shrunk to 70% and its smallest labels to 5 pt."""
    sizes = []
    for size in (PAGE, PAGE[::-1]):
        lines = _wrapped(chart.caption, 9, size[0] - 2 * MARGIN)
        top = MARGIN + 0.18 * len(lines) + 0.1
        sizes.append((_scale(chart.size, size, top), size, lines, top))
    # landscape only where it shows the chart clearly larger: a tall chart gains little from it
    _, size, lines, top = sizes[1] if sizes[1][0] > LANDSCAPE_GAIN * sizes[0][0] else sizes[0]
    figure = _numbered(_page(size), number)
    for index, line in enumerate(lines):
        _at(figure, MARGIN, MARGIN + 0.18 * index, line, fontsize=9, color="#444444")
    _write_page(book, figure, chart, top=top)


def _scale(chart: tuple[float, float], page: tuple[float, float], top: float) -> float:
    """How much a chart of size ``chart`` [in] is scaled to fit ``page`` [in] between ``top`` [in] and the foot."""
    return min((page[0] - 2 * MARGIN) / chart[0], (page[1] - top - MARGIN - FOOT) / chart[1])


def _place_chart(book: PdfFile, chart: ChartPage, top: float, page: tuple[float, float]) -> None:
    """Draw the chart in its own coordinates [pt], scaled and moved onto the ``page`` [in] by the PDF's transformation
    matrix; the file's page size is the chart's while it draws (the file clips paths to its current page size)."""
    width, height = chart.size
    scale = _scale(chart.size, page, top)
    bottom = page[1] - top - height * scale
    left = (page[0] - width * scale) / 2  # centred across the page
    book.output(Op.gsave)
    book.output(scale, 0, 0, scale, left * PDF_DPI, bottom * PDF_DPI, Op.concat_matrix)
    book.width, book.height = width, height
    renderer = RendererPdf(book, PDF_DPI, height, width)
    try:
        chart.draw(renderer)
        renderer.finalize()
    finally:
        book.width, book.height = page
    book.output(Op.grestore)


ASCENT = 0.718
"""Height of a line's tallest letters above its baseline [em] (Helvetica's ascender)."""


def _at(figure: Figure, x: float, y: float, text: str, **style) -> None:
    """Text whose line starts ``y`` [in] from the top of the page ``figure``, at ``x`` [in] from the left.

    Placed by its baseline, not its top: matplotlib measures Helvetica text holding a quote mark or an asterisk as
    half a line taller than it is (its font metrics add a glyph's bottom to its top), which set such lines lower.
    """
    width, height = figure.get_size_inches()
    baseline = y + ASCENT * style.get("fontsize", 10) / 72
    align = style.pop("ha", "left")
    placed = figure.text(x / width, 1 - baseline / height, plain(text), va="baseline", ha=align, **style)
    without_ligatures(placed)


def _wrapped(text: str, size: float, width: float = PAGE[0] - 2 * MARGIN) -> list[str]:
    """Lines of ``text`` that fit ``width`` [in] at ``size`` [pt] (an average glyph is about half its size wide); a
    unit in brackets ('[USD bn/month]') stays on one line."""
    kept = UNIT.sub(lambda unit: unit.group().replace(" ", NO_BREAK), clean(text))
    return textwrap.wrap(kept, max(20, int(width * 72 / (size * 0.52)))) or [""]


def _cover(title: str, subtitle: str, glance: Glance, contents: Sequence[str], made: str) -> Figure:
    figure = _page()
    y = MARGIN + 0.3
    for line in _wrapped(title, 20):
        _at(figure, MARGIN, y, line, fontsize=20, fontweight="bold")
        y += 0.4
    for line in _wrapped(subtitle, 10):
        _at(figure, MARGIN, y, line, fontsize=10, color="#555555")
        y += 0.2
    y += 0.4
    _at(figure, MARGIN, y, "At a glance", fontsize=13, fontweight="bold")
    y += 0.45
    for item in glance.figures:  # one to a line: a range such as '$135.9bn to $497.0bn' needs the room
        _at(figure, MARGIN, y, item.value, fontsize=15, fontweight="bold")
        for offset, line in enumerate(_wrapped(item.caption, 9, PAGE[0] - 2 * MARGIN - 3.4)):
            _at(figure, MARGIN + 3.4, y + 0.05 + offset * 0.17, line, fontsize=9, color="#555555")
        y += 0.42
    y += 0.25
    for sentence in glance.sentences:
        for line in _wrapped(sentence, 10.5):
            _at(figure, MARGIN, y, line, fontsize=10.5)
            y += 0.21
        y += 0.08
    y += 0.4
    _at(figure, MARGIN, y, "In this book", fontsize=13, fontweight="bold")
    y += 0.35
    for entry in contents:
        for index, line in enumerate(_wrapped(entry, 9, PAGE[0] - 2 * MARGIN - HANGING)):
            _at(figure, MARGIN + (HANGING if index else 0), y, line, fontsize=9)
            y += 0.18
        y += 0.04
    _at(figure, MARGIN, PAGE[1] - MARGIN, made, fontsize=8, color="#555555")
    return figure


def _table_pages(tables: Sequence[Table]) -> list[Figure]:
    """The key-number tables, as many to a page as fit: the label column, then one column per year."""
    pages: list[Figure] = []
    figure, y = None, 0.0
    for table in tables:
        rows = markdown_rows(table)
        needed = sum(_row_height(row[0]) for row in rows) + _heading_height(table) + 1.1 * ROW + 0.3
        if figure is None or y + needed > PAGE[1] - MARGIN:
            figure, y = _page(), MARGIN
            _at(figure, MARGIN, y, TABLES_HEADING, fontsize=13, fontweight="bold")
            y += 0.45
            pages.append(figure)
        y = _table(figure, table, rows, y)
    return pages


def _table(figure: Figure, table: Table, rows: list[list[str]], y: float) -> float:
    """One table from ``y`` [in] down; returns where the next may start."""
    column = _column(table)
    # the scenario's one table is titled as the page is: its unit is what is left to say
    title = table.title.removeprefix(TABLES_HEADING).strip() or table.title
    for line in _wrapped(title, 9):  # a what-if's effect names a scenario, whose title may be long
        _at(figure, MARGIN, y, line, fontsize=9, fontweight="bold")
        y += ROW * 1.2
    statuses = [status_lines(status, column - COLUMN_GAP) for status in table.status]
    for index, (year, lines) in enumerate(zip(table.years, statuses, strict=True)):
        right = MARGIN + LABEL_WIDTH + (index + 1) * column
        _at(figure, right, y, year, fontsize=8, ha="right", fontweight="bold")
        for number, line in enumerate(lines):
            _at(figure, right, y + ROW * (0.8 + STATUS_LINE * number), line, fontsize=6.5, ha="right", color="#666666")
    y += _heading_height(table)
    for row in rows:
        for index, value in enumerate(row[1:]):
            _at(figure, MARGIN + LABEL_WIDTH + (index + 1) * column, y, value, fontsize=7.5, ha="right")
        for number, line in enumerate(label_lines(row[0])):
            _at(figure, MARGIN + (HANGING if number else 0.0), y + number * ROW * FOLLOWING, line, fontsize=7.5)
        y += _row_height(row[0])
    figure.add_artist(
        Line2D([MARGIN / PAGE[0], 1 - MARGIN / PAGE[0]], [1 - (y + 0.02) / PAGE[1]] * 2, color="#cccccc", linewidth=0.6)
    )
    return y + 0.3


LABEL_WIDTH = 3.3
"""Width of a key-number table's label column [in]."""


def _column(table: Table) -> float:
    """Width of each year's column of ``table`` [in]: the page's width past the labels, shared out."""
    return (PAGE[0] - 2 * MARGIN - LABEL_WIDTH) / max(len(table.years), 1)


def _heading_height(table: Table) -> float:
    """Height of the years' headings with what each column holds under them [in]."""
    lines = max((len(status_lines(status, _column(table) - COLUMN_GAP)) for status in table.status), default=1)
    return ROW * (1.9 + STATUS_LINE * (lines - 1))


FOLLOWING = 0.7
"""The space of a row label's second line, as a share of a row's."""
STATUS_LINE = 0.6
"""The space of a further line of what a year's column holds, under its heading, as a share of a row's."""
COLUMN_GAP = 0.1
"""Room kept free between two year columns [in]."""


def status_lines(status: str, width: float, size: float = 6.5) -> list[str]:
    """What a year's column holds ('model, 4 months in Census') in lines that fit ``width`` [in] at ``size`` [pt]: one
    line where it fits, else broken after its comma first, then between words (an average glyph is about half its
    size wide)."""
    characters = max(4, int(width * 72 / (size * 0.5)))
    if len(status) <= characters:
        return [status]
    parts = [part + "," for part in status.split(", ")]
    parts[-1] = parts[-1][:-1]
    return [line for part in parts for line in (textwrap.wrap(part, characters) or [""])]


def _row_height(label: str) -> float:
    """The height of a table row whose label is ``label`` [in]."""
    return ROW * (1 + FOLLOWING * (len(label_lines(label)) - 1))


def label_lines(label: str) -> list[str]:
    """A row label in lines that fit the label column: a long scenario title takes two, and only a longer one is cut
    (with '…')."""
    lines = textwrap.wrap(label, LABEL_CHARACTERS) or [""]
    if len(lines) == 1:
        return lines
    rest = " ".join(lines[1:])
    room = LABEL_CHARACTERS - 5  # the second line is indented
    return [lines[0], rest if len(rest) <= room else rest[: room - 1] + "…"]


@dataclass(frozen=True)
class Changes:
    """What a what-if changes, for its book: the page's heading, a line per input that differs ('...: 45% (was: 30%)'),
    and its effect with the range over paired draws (None without draws), with what to read it by."""

    heading: str
    lines: tuple[str, ...]
    effects: tuple[Table, ...] = ()
    """The effect by year, at most :data:`EFFECT_YEARS` years to a table."""
    effect_note: str = ""


CHANGE_LINES = 40
"""Lines of changed inputs on the what-if's page; the rest are named on the web page."""
EFFECT_YEARS = 6
"""Years in one effect table: each takes a column of signed values, and more would run into each other."""


def _heading(figure: Figure, text: str) -> float:
    """A page's heading, wrapped, from the top margin; returns where the page's text may start [in]."""
    y = MARGIN
    for line in _wrapped(text, 13):
        _at(figure, MARGIN, y, line, fontsize=13, fontweight="bold")
        y += 0.27
    return y + 0.18


def _change_pages(changes: Changes) -> list[Figure]:
    """The what-if's page: the inputs it changes, bulleted, then its effect by year (a table) with what to read it
    by; the table goes on a page of its own when the list leaves no room for it."""
    figure = _page()
    y = _heading(figure, changes.heading)
    lines: list[tuple[float, str]] = []
    for line in changes.lines:
        wrapped = _wrapped(f"\u2022 {line}", 8, PAGE[0] - 2 * MARGIN - BULLET)
        lines += [(0.0, wrapped[0]), *((BULLET, rest) for rest in wrapped[1:])]
    if len(lines) > CHANGE_LINES:
        left = len(lines) - CHANGE_LINES + 1
        lines = [*lines[: CHANGE_LINES - 1], (0.0, f"… and {left} more lines: the web page lists every change.")]
    if not lines:
        lines = [(0.0, "It sets no input otherwise than the scenario it extends (only its title or description).")]
    for indent, line in lines:
        _at(figure, MARGIN + indent, y, line, fontsize=8)
        y += 0.17
    pages = [figure]
    note = _wrapped(changes.effect_note, 7.5) if changes.effect_note else []
    y += 0.3
    for index, table in enumerate(changes.effects):
        rows = markdown_rows(table)
        title_lines = len(_wrapped(table.title, 9))
        needed = sum(_row_height(row[0]) for row in rows) + (2 + title_lines) * ROW + 0.4
        needed += 0.15 * len(note) + 0.1 if index == 0 else 0.0
        if y + needed > PAGE[1] - MARGIN - FOOT:
            figure = _page()
            y = _heading(figure, f"{changes.heading} (continued)")
            pages.append(figure)
        if index == 0:  # what to read the tables by, before the first
            for line in note:
                _at(figure, MARGIN, y, line, fontsize=7.5, color="#444444")
                y += 0.15
            y += 0.1
        y = _table(figure, table, rows, y)
    return pages


def _note_pages(sources: Sequence[str]) -> list[Figure]:
    """The sources, wrapped, at most :data:`NOTE_LINES` lines to a page; a source is never split across two pages.

    Bulleted, not numbered: the web page numbers its notes (one per fact), and a second numbering would clash.
    """
    introduction = _wrapped(
        "Each number of the charts and tables comes from these publications and the model. The web page in this "
        "folder (index.html) says which fact comes from which publication, and how each number was worked out.",
        7,
    )
    pages: list[list[tuple[float, str]]] = [[*((0.0, line) for line in introduction), (0.0, "")]]
    for source in sources:
        wrapped = _wrapped(f"\u2022 {source}", 7, PAGE[0] - 2 * MARGIN - BULLET)
        lines = [(0.0, wrapped[0]), *((BULLET, line) for line in wrapped[1:])][:NOTE_LINES]
        if len(pages[-1]) + len(lines) > NOTE_LINES:
            pages.append([])
        pages[-1] += lines
    figures = []
    for number, lines in enumerate(pages):
        figure = _page()
        heading = "Sources" if number == 0 else "Sources (continued)"
        _at(figure, MARGIN, MARGIN, heading, fontsize=13, fontweight="bold")
        for offset, (indent, line) in enumerate(lines):
            _at(figure, MARGIN + indent, MARGIN + 0.45 + offset * 0.15, line, fontsize=7)
        figures.append(figure)
    return figures
