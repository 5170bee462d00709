"""Figure layout shared by every chart: margins, dated axes, the event strip, legend, source line, saving.

Margins are worked out from what a figure holds (title lines, rows of event labels, legend
rows) rather than by matplotlib's constrained layout: the layout solver drew every figure an
extra time, which cost as much as the drawing itself. With the arithmetic done up front a
file costs one draw, and labels cannot collide because each has a reserved band:

    title ─ event labels ─ plot(s) ─ date labels ─ legend ─ source line
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import math
import textwrap
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import matplotlib.ticker as ticker
import numpy as np
from matplotlib import font_manager
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_pdf import RendererPdf
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from matplotlib.textpath import TextToPath

from simulator.outputs.events import Marker, event_rows, place_events
from simulator.outputs.text import (
    MINUS,
    PANEL_SIZE,
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    clean,
    line_height,
    plain,
    text_width,
    wrap,
)

# No backend is chosen here: Figure.savefig picks the Agg and SVG canvases by file type, and a
# Jupyter user keeps the inline backend that shows our Figures.
STYLE = {
    "svg.hashsalt": "tariff-scenarios",  # stable ids, so reruns give identical SVG files
    # SVG text stays text: editable in a drawing program, half the file size, 15% faster to write;
    # a reader without DejaVu Sans gets a narrower fallback font, so labels never grow into each other
    "svg.fonttype": "none",
}
"""Matplotlib settings our charts are drawn and saved with, applied through :func:`style` only."""

WIDTH = 10.0
"""Figure width [in]."""
DPI = 110
LEFT, RIGHT = 0.95, 0.3
"""Margins beside the plots [in]: room for money tick labels and the axis label on the left."""
FORMATS = ("svg",)
"""The chart files written by default: SVG, which the page inlines; PNG costs twice the SVG's time and is written
only when asked for (every format: :data:`simulator.outputs.incremental.CHART_FORMATS`)."""
DATE_PAD = 10.0
"""Gap between the plot and its date labels [pt]."""


CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "IPAGothic",
    "AR PL UMing CN",
)
"""Fonts with Chinese, Japanese and Korean glyphs, in order of preference; the first installed one backs up DejaVu
Sans (Debian: fonts-noto-cjk provides the Noto Sans CJK families, fonts-wqy-zenhei WenQuanYi Zen Hei)."""
FONT_FIX = "apt-get install fonts-noto-cjk (Debian, Ubuntu) or any font with these characters"


class MissingGlyphWarning(UserWarning):
    """Chart text holds characters no installed chart font can draw: they show as empty boxes."""


@functools.cache
def fallback_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or None."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


@functools.cache
def _covered(family: str) -> frozenset[int]:
    """The characters an installed font family can draw."""
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    return frozenset(FT2Font(path).get_charmap())


def missing_glyphs(texts: Sequence[str], fonts: Sequence[str | None] | None = None) -> str:
    """The characters of ``texts`` that none of ``fonts`` (by default DejaVu Sans and the installed CJK font) can
    draw, each once, in order ('' when all can be)."""
    families = [family for family in (fonts if fonts is not None else ("DejaVu Sans", fallback_font())) if family]
    covered = frozenset().union(*(_covered(family) for family in families))
    return "".join(dict.fromkeys(c for text in texts for c in text if not c.isspace() and ord(c) not in covered))


@functools.cache
def _warn_once() -> None:
    """Once a session: the same missing font would otherwise be reported for every chart."""
    warnings.warn(
        "chart text holds characters (Chinese, Japanese or Korean, for example) that no installed font can draw; "
        f"they show as empty boxes. To draw them: {FONT_FIX}, then run again.",
        MissingGlyphWarning,
        stacklevel=4,
    )


def check_glyphs(texts: Sequence[str]) -> bool:
    """Whether ``texts`` need the fallback font (characters DejaVu Sans lacks); warns once a session
    (:class:`MissingGlyphWarning`, naming the fix) when no installed font can draw some of them."""
    if not missing_glyphs(texts, ["DejaVu Sans"]):
        return False
    if missing_glyphs(texts):
        _warn_once()
    return fallback_font() is not None


def chart_style(fallback: bool = True) -> dict:
    """:data:`STYLE`, with the installed CJK font behind DejaVu Sans when ``fallback`` (matplotlib takes a missing
    glyph from the next font of the list; only texts that need it pay for the search, a fifth of a chart's time)."""
    font = fallback_font() if fallback else None
    return {**STYLE, "font.family": ["DejaVu Sans", font]} if font else dict(STYLE)


def without_ligatures(artist: Text) -> None:
    """Draw ``artist`` letter by letter, without ligatures ('ff' as two glyphs).

    Since version 3.11 matplotlib shapes text, and DejaVu Sans joins 'ff' and 'fi'. A PDF's Type 3 font cannot say
    which letters such a glyph stands for, so a chart book with ligatures would find no 'tariffs' when searched or
    copied ('tari ffs'). Older versions draw no ligatures and have no setting for it.
    """
    setter = getattr(artist, "set_fontfeatures", None)
    if setter is not None:
        setter(("-liga",))


@contextlib.contextmanager
def style(fallback: bool = True) -> Iterator[None]:
    """Our chart settings for the duration of a block: a user's matplotlib session stays as it was. ``fallback``:
    a CJK font backs up DejaVu Sans (see :func:`check_glyphs`)."""
    with matplotlib.rc_context(chart_style(fallback)), warnings.catch_warnings():
        # characters no font has are reported once by check_glyphs, with the fix, rather than once per glyph
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


# ---------------------------------------------------------------- figure frame


class ChartFigure(Figure):
    """A matplotlib Figure that shows itself in Jupyter as a PNG, whatever backend the notebook uses, and can be
    drawn onto a second renderer in the same pass (see :func:`save`)."""

    copy_to: RendererBase | None = None
    """A renderer that receives every drawing call of the next draw as well (set by :func:`save` only)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        with style():
            self.savefig(buffer, format="png")
        return buffer.getvalue()

    def draw(self, renderer) -> None:
        # the labels are wrapped and placed by the glyphs' true widths; hinting, which a raster image applies by
        # default, snaps each glyph to whole pixels and at some sizes made a line 6% wider than measured, past the
        # figure's edge (a PNG saved at 80 dpi)
        with matplotlib.rc_context(UNHINTED):
            super().draw(renderer if self.copy_to is None else TwoRenderers(renderer, self.copy_to))


UNHINTED = {"text.hinting": "no_hinting"}
"""Glyphs at their true widths in raster images too, whatever the session's settings (see :meth:`ChartFigure.draw`)."""


class TwoRenderers:
    """Hands every drawing call to two vector renderers, so one pass over a figure's artists (their layout, ticks and
    texts: nearly all of a chart's time) writes two files, e.g. the SVG and the chart book's PDF page.

    Measurements (text sizes, canvas size, scale) come from the first, which therefore draws exactly as it would
    alone; the graphics contexts come from the second, whose drawing calls check them more strictly (a PDF context is
    also a complete context for SVG). Both must draw at 72 dpi, as matplotlib's vector backends do. A PDF second
    renderer sets text in its built-in Helvetica where the line allows it (:func:`core_text`, :func:`run_anchor`).
    """

    DRAWING = frozenset({"open_group", "close_group"})

    def __init__(self, first: RendererBase, second: RendererBase) -> None:
        self._first, self._second = first, second

    def new_gc(self):
        return self._second.new_gc()

    def get_text_width_height_descent(self, text: str, prop: FontProperties, ismath) -> tuple[float, float, float]:
        """The size of ``text`` as the first renderer measures it [pt]; an SVG's plain text from a cache that every
        chart of the process shares (:func:`svg_text_size`), the rest from the first renderer itself."""
        measuring = getattr(self._first, "_renderer", self._first)  # savefig wraps the SVG renderer in a mixed one
        if ismath or type(measuring) is not RendererSVG:
            return self._first.get_text_width_height_descent(text, prop, ismath)
        return svg_text_size(text, prop.copy())  # a copy: a FontProperties' hash follows its mutable state

    def draw_text(self, gc, x, y, text, prop, angle, ismath=False, mtext=None) -> None:
        self._first.draw_text(gc, x, y, text, prop, angle, ismath, mtext)
        y = self._flipped(y)
        core = None if ismath or not isinstance(self._second, RendererPdf) else core_text(text)
        anchor = None if core is None else run_anchor(mtext, angle)
        if anchor is None:
            self._second.draw_text(gc, x, y, text, prop, angle, ismath, mtext)
            return
        # the first renderer laid the line out at its own width; the Helvetica line, narrower, keeps the point of the
        # line the text is aligned by (its start, centre or end) where that layout put it
        helvetica = core_font(prop.get_style(), prop.get_weight(), prop.get_size_in_points())
        # set and put back by hand: an rc_context copies every setting, which cost a third of the page's drawing
        before = matplotlib.rcParams[CORE_FONTS]
        matplotlib.rcParams[CORE_FONTS] = True
        try:
            width = self._second._get_font_afm(helvetica).get_str_bbox_and_descent(core)[2] * prop.get_size_in_points()
            shift = (self.get_text_width_height_descent(text, prop, ismath)[0] - width / 1000) * anchor
            radians = math.radians(angle)
            x, y = x + shift * math.cos(radians), y + shift * math.sin(radians)
            self._second.draw_text(gc, x, y, core, helvetica, angle, False, mtext)
        finally:
            matplotlib.rcParams[CORE_FONTS] = before

    def draw_tex(self, gc, x, y, text, prop, angle, *, mtext=None) -> None:
        self._first.draw_tex(gc, x, y, text, prop, angle, mtext=mtext)
        self._second.draw_tex(gc, x, self._flipped(y), text, prop, angle, mtext=mtext)

    def _flipped(self, y: float) -> float:
        """``y`` for the second renderer: a text's position arrives measured from the top when the first counts from
        the top (SVG) and from the bottom when it does not (PDF); paths carry their own transform and need nothing."""
        if self._first.flipy() == self._second.flipy():
            return y
        return self._first.get_canvas_width_height()[1] - y

    def __getattr__(self, name: str):
        first = getattr(self._first, name)
        if not (name.startswith("draw_") or name in self.DRAWING):
            return first
        second = getattr(self._second, name)

        def both(*arguments, **keywords):
            first(*arguments, **keywords)
            return second(*arguments, **keywords)

        return both


CORE_FONTS = "pdf.use14corefonts"
"""The setting under which a PDF renderer sets text in the PDF's built-in Helvetica."""

CORE_ENCODING = "cp1252"
"""The built-in fonts' character set (WinAnsi)."""

CORE_MINUS = str.maketrans({MINUS: "-"})
"""WinAnsi has no minus sign: the hyphen-minus stands in for it."""

ALONG_RUN = {"left": 0.0, "center": 0.5, "right": 1.0}
"""Where a horizontal line is held when its font changes width, by its horizontal alignment [share of the line]."""

ALONG_RISING_RUN = {"bottom": 0.0, "baseline": 0.0, "center": 0.5, "center_baseline": 0.5, "top": 1.0}
"""The same for a line turned a quarter turn up (matplotlib aligns turned text by its box: the vertical alignment
then acts along the line)."""


def core_text(text: str) -> str | None:
    """``text`` as the PDF's built-in Helvetica can set it (minus signs as hyphens), or None when a character is not
    in its character set (the line then keeps the chart font)."""
    core = text.translate(CORE_MINUS)
    try:
        core.encode(CORE_ENCODING)
    except UnicodeEncodeError:
        return None
    return core


def run_anchor(text: Text | None, angle: float) -> float | None:
    """The point of a line that its alignment holds in place, as a share of the line from its start; None for a line
    whose anchor is not plainly one of start, centre or end (turned by another angle, or one of several turned
    lines): such a line keeps the chart font."""
    if text is None:
        return 0.0
    several = "\n" in text.get_text()
    horizontal = (text._get_multialignment() if several else None) or text.get_horizontalalignment()
    turn = round(angle) % 360
    if turn == 0 or (text.get_rotation_mode() == "anchor" and not several and turn in (90, 270)):
        return ALONG_RUN.get(horizontal)
    if turn == 90 and not several:
        return ALONG_RISING_RUN.get(text.get_verticalalignment())
    return None


@functools.lru_cache(maxsize=64)
def core_font(style: str, weight: str | int, size: float) -> FontProperties:
    """Helvetica at a chart font's ``style`` (slant), ``weight`` and ``size`` [pt], its regular weight as the font
    names it (shared: the renderer only reads it)."""
    regular = weight in ("normal", "regular", "book", 400) or (isinstance(weight, int) and weight < 550)
    return FontProperties(family="Helvetica", style=style, weight="medium" if regular else "bold", size=size)


@functools.lru_cache(maxsize=8192)
def svg_text_size(text: str, prop: FontProperties) -> tuple[float, float, float]:
    """Width, height and descent of plain ``text`` in an SVG [pt], as matplotlib's SVG renderer measures it.

    That measure depends on the text and its font properties only (it lays the glyphs out unhinted at a fixed size
    and scales them), but matplotlib keeps it per renderer, and every chart file is a new renderer: a build measured
    the same tick labels, legend entries and source lines again for every chart, a tenth of its drawing time.
    """
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, False)


_TEXT_TO_PATH = TextToPath()
"""The measuring half of matplotlib's SVG renderer, which holds no state of a drawing."""


@dataclass
class Frame:
    """A figure and its plots, with the bands reserved around them [in]."""

    figure: Figure
    axes: list
    title_lines: list[str]
    markers: list[Marker]
    strip: float
    height: float
    legend_top: float
    source_bottom: float
    start: dt.date
    end: dt.date


def frame(
    title: str,
    start: dt.date,
    end: dt.date,
    *,
    events: Sequence[tuple[dt.date, str]] = (),
    rows: int = 1,
    columns: int = 1,
    panel_height: float = 3.6,
    subtitles: bool = False,
    legend_rows: int = 1,
    dates: bool = True,
    note: str = "",
    left_margin: float = LEFT,
    heights: Sequence[float] | None = None,
    dated_rows: Sequence[bool] | None = None,
) -> Frame:
    """A figure with ``rows`` × ``columns`` plots on a shared date range and bands for every label.

    ``note`` is set in smaller type under the title (what a reader must know to read the chart);
    ``left_margin`` [in] makes room for long value labels; ``heights`` [in], one per row, replace
    ``panel_height`` where rows differ; ``dated_rows`` says which rows show date labels (the others sit closer to the
    row below, with no band for dates).
    """
    heights = list(heights) if heights is not None else [panel_height] * rows
    dated = list(dated_rows) if dated_rows is not None else [True] * rows
    plot_width = (WIDTH - left_margin - RIGHT - (columns - 1) * 0.85) / columns
    title_lines = wrap(plain(title), WIDTH - LEFT * 0.5 - RIGHT, TITLE_SIZE)
    note_lines = wrap(plain(note), WIDTH - LEFT * 0.5 - RIGHT, TEXT_SIZE) if note else []
    markers = place_events(events, start, end, plot_width) if columns == 1 else []
    subtitle = line_height(PANEL_SIZE) + 0.06 if subtitles else 0.0
    strip = event_rows(markers) * line_height(SMALL_SIZE) + (0.08 if markers else 0.0)
    top = (
        0.12
        + len(title_lines) * line_height(TITLE_SIZE)
        + len(note_lines) * line_height(TEXT_SIZE)
        + 0.1
        + subtitle
        + strip
    )
    date_band = (2 * line_height(TEXT_SIZE) + 0.12 + DATE_PAD / 72) if dates else 2 * line_height(TEXT_SIZE) + 0.2
    gap = date_band + subtitle + 0.1
    bottom = date_band + 0.06 + legend_rows * line_height(SMALL_SIZE) * 1.15 + 0.1 + line_height(SMALL_SIZE) + 0.1
    gaps = [gap if dated[row] else subtitle + 0.15 for row in range(rows - 1)]
    height = top + sum(heights) + sum(gaps) + bottom
    figure = ChartFigure(figsize=(WIDTH, height), dpi=DPI)
    axes = []
    for row in range(rows):
        for column in range(columns):
            left = left_margin + column * (plot_width + 0.85)
            lower = height - top - sum(heights[: row + 1]) - sum(gaps[:row])
            axes.append(figure.add_axes((left / WIDTH, lower / height, plot_width / WIDTH, heights[row] / height)))
    figure.text(
        LEFT * 0.5 / WIDTH,
        1 - 0.12 / height,
        "\n".join(title_lines),
        fontsize=TITLE_SIZE,
        ha="left",
        va="top",
        linespacing=1.25,
    )
    if note_lines:
        below = 0.12 + len(title_lines) * line_height(TITLE_SIZE) + 0.02
        figure.text(
            LEFT * 0.5 / WIDTH,
            1 - below / height,
            "\n".join(note_lines),
            fontsize=TEXT_SIZE,
            color="#444444",
            ha="left",
            va="top",
            linespacing=1.25,
        )
    legend_top = bottom - date_band - 0.06
    return Frame(figure, axes, title_lines, markers, strip, height, legend_top, 0.1, start, end)


def date_ticks(start: dt.date, end: dt.date) -> tuple[np.ndarray, list[str]]:
    """Tick dates on month starts (at most 16) and their labels: 'Apr', with the year under January."""
    first = np.datetime64(start, "M")
    last = np.datetime64(end, "M")
    count = int((last - first).astype(int)) + 1
    step = next((step for step in (1, 2, 3, 6, 12, 24, 60, 120) if count / step <= 16), 240)
    months = np.arange(first, last + 1)
    if step < 12:
        keep = (months.astype(int) % 12) % step == 0
    else:
        keep = (months.astype(int) % 12 == 0) & (
            (months.astype("datetime64[Y]").astype(int) + 1970) % (step // 12) == 0
        )
    months = months[keep]
    months = months[months.astype("datetime64[D]") >= np.datetime64(start)]
    labels = []
    for index, month in enumerate(months):
        year = str(month.astype("datetime64[Y]"))
        name = month.astype(dt.date).strftime("%b")
        if step >= 12:
            labels.append(year)
        elif index == 0 or month.astype(int) % 12 == 0:
            labels.append(f"{name}\n{year}")
        else:
            labels.append(name)
    return months.astype("datetime64[D]"), labels


def date_axis(ax, start: dt.date, end: dt.date, labels: bool = True) -> None:
    """The x axis from ``start`` to the end of ``end``, ticks on month starts, grid on the values."""
    ax.set_xlim(mdates.date2num(np.datetime64(start)), mdates.date2num(np.datetime64(end) + np.timedelta64(1, "D")))
    positions, names = date_ticks(start, end)
    ax.xaxis.set_major_locator(ticker.FixedLocator(mdates.date2num(positions)))
    ax.xaxis.set_major_formatter(ticker.FixedFormatter(names if labels else [""] * len(names)))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.tick_params(axis="both", labelsize=TEXT_SIZE)
    # clear of the lowest value label, which hangs below the plot's bottom corner
    ax.tick_params(axis="x", pad=DATE_PAD)
    ax.grid(True, axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    # a dated axis has no label: a fixed place for it spares matplotlib measuring every date label to place it
    ax.xaxis.set_label_coords(0.5, 0.0)


class MoneyFormatter(ticker.Formatter):
    """Tick labels such as '−$2.5bn': as many decimals as the tick spacing needs, a true minus sign ('+' too when
    ``signed``, for differences)."""

    prefix, suffix = "\\$", "bn"
    signed = False

    def __init__(self) -> None:
        self.decimals = 0

    def format_ticks(self, values):
        ticks = np.asarray(values, dtype=float)
        self.decimals = next(
            (digits for digits in range(4) if np.allclose(ticks * 10**digits, np.round(ticks * 10**digits), atol=1e-6)),
            3,
        )
        return [self(value, index) for index, value in enumerate(values)]

    def __call__(self, value, position=None) -> str:
        small = 0.5 * 10**-self.decimals
        sign = MINUS if value < -small else ("+" if self.signed and value > small else "")
        return f"{sign}{self.prefix}{abs(value):,.{self.decimals}f}{self.suffix}"


class PercentFormatter(MoneyFormatter):
    prefix, suffix = "", "%"


def money_axis(ax, unit: str = "USD bn/month") -> None:
    """Tick labels in $bn ('−$30bn') and the unit as axis label."""
    ax.yaxis.set_major_formatter(MoneyFormatter())
    ax.set_ylabel(f"[{unit}]", fontsize=TEXT_SIZE)


def percent_axis(ax, label: str) -> None:
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylabel(label, fontsize=TEXT_SIZE)


def subtitle(layout: Frame, ax, text: str) -> None:
    """A panel's own title, in the band reserved above it (above the event labels on the first row)."""
    first_row = abs(ax.get_position().y1 - layout.axes[0].get_position().y1) < 1e-9
    ax.set_title(plain(text), fontsize=PANEL_SIZE, loc="left", pad=4 + (layout.strip * 72 if first_row else 0))


def mark_events(layout: Frame, axes: Sequence | None = None) -> None:
    """Dotted lines at the events through the given plots, labels in the strip above the first."""
    axes = list(axes if axes is not None else layout.axes)
    if not layout.markers:
        return
    top = axes[0]
    step = line_height(SMALL_SIZE) * 72
    for marker in layout.markers:
        x = mdates.date2num(np.datetime64(marker.date))
        for ax in axes:
            ax.axvline(x, color="#444444", linewidth=0.8, linestyle=":", zorder=1)
        rise = 3 + marker.row * step
        top.annotate(
            plain(marker.label),
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-1.5 if marker.right_aligned else 1.5, rise),
            textcoords="offset points",
            fontsize=SMALL_SIZE,
            color="#333333",
            ha="right" if marker.right_aligned else "left",
            va="bottom",
            annotation_clip=False,
            arrowprops={
                "arrowstyle": "-",
                "color": "#888888",
                "linewidth": 0.6,
                # from 2 pt below the label's corner: the line matplotlib draws by clipping it to the label's box,
                # which it does by Bezier splitting in Python at a twentieth of a chart's drawing time
                "shrinkA": 2,
                "shrinkB": 0,
                "relpos": (1.0, 0.0) if marker.right_aligned else (0.0, 0.0),
                "patchA": None,
            }
            if marker.row
            else None,
        )


def legend_below(layout: Frame, handles=None, labels=None, ax=None) -> int:
    """The legend in its band under the plots; returns the number of rows used."""
    ax = ax or layout.axes[0]
    if handles is None:
        handles, labels = [], []
        for axis in layout.axes:
            for handle, label in zip(*axis.get_legend_handles_labels(), strict=True):
                if label not in labels:
                    handles.append(handle)
                    labels.append(label)
    columns = legend_columns(labels)
    layout.figure.legend(
        handles,
        [clean(label) for label in labels],  # labels arrive escaped for matplotlib (plain), so only cleaned
        loc="upper left",
        bbox_to_anchor=(LEFT / WIDTH, layout.legend_top / layout.height),
        ncols=columns,
        fontsize=SMALL_SIZE,
        frameon=False,
        borderaxespad=0,
        borderpad=0,
        handlelength=2.2,
        columnspacing=1.8,
    )
    return math.ceil(len(labels) / columns)


def legend_columns(labels: Sequence[str]) -> int:
    """As many legend columns as the widest label allows across the figure."""
    if not labels:
        return 1
    widest = max(text_width(plain(label), SMALL_SIZE) for label in labels) + 2.2 * SMALL_SIZE + 1.8 * SMALL_SIZE + 6
    return max(1, min(len(labels), int((WIDTH - LEFT - RIGHT) * 72 // widest)))


def legend_rows(labels: Sequence[str]) -> int:
    return math.ceil(len(labels) / legend_columns(labels))


def source_note(layout: Frame, text: str) -> None:
    """Where the numbers come from, on the figure's last line."""
    line = textwrap.shorten(plain(text), 190, placeholder="…")
    layout.figure.text(
        LEFT * 0.5 / WIDTH,
        layout.source_bottom / layout.height,
        line,
        fontsize=SMALL_SIZE,
        color="#555555",
        ha="left",
        va="bottom",
    )


def save(
    figure: Figure, stem: Path, formats: Sequence[str] = FORMATS, copy_to: RendererBase | None = None
) -> list[Path]:
    """Write ``stem.svg`` (and ``stem.png`` when ``formats`` ask for it) with fixed metadata, so reruns give identical
    files. ``copy_to``: a renderer at 72 dpi (a chart book's page) that receives the SVG's drawing in the same pass;
    ``figure`` must then be a :class:`ChartFigure`.

    Every text of the figure is cleaned first (:func:`simulator.outputs.text.clean`): one control character in a
    label drawn without :func:`plain` would make the SVG malformed XML.
    """
    if copy_to is not None and "svg" not in formats:
        raise ValueError("a copy of the drawing is made while the SVG is written; formats must include 'svg'")
    texts = []
    for artist in figure.findobj(Text):
        shown = artist.get_text()
        safe = "\n".join(clean(line) for line in shown.split("\n"))  # the line breaks of wrapped titles stay
        if shown != safe:
            artist.set_text(safe)
        without_ligatures(artist)  # for the chart book's copy (SVG text is shaped by the reader's browser)
        texts.append(safe)
    written = []
    with style(fallback=check_glyphs(texts)):
        for extension in formats:
            path = stem.with_suffix(f".{extension}")
            if extension == "png":
                # zlib level 1: a fifth of the encoding time for files 3% larger
                figure.savefig(path, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
            elif copy_to is None:
                figure.savefig(path, metadata={"Date": None, "Creator": None})
            else:
                figure.copy_to = copy_to  # type: ignore[attr-defined]
                try:
                    figure.savefig(path, metadata={"Date": None, "Creator": None})
                finally:
                    figure.copy_to = None  # type: ignore[attr-defined]
            written.append(path)
    return written
