"""Charts comparing scenarios: each scenario's difference from a reference scenario, under the reference itself.

Overlaying every scenario's level hid most of them: a dozen lines share the observed months and
the first months after them, so the scenarios that differ late were drawn under the others. Each
chart therefore shows, per variable, two panels:

- above, the reference scenario's path (dark grey) and the Census months (black points, the
  same record for every scenario), so a reader keeps the level in view;
- below, every other scenario minus the reference, one colour each (the run's colours), on a zero
  line that is the reference: a line leaves zero where its scenario does something else (a flow's line
  may leave it shortly before, since the model's buyers see dated changes coming).

A scenario whose line matches another's (or the zero line) everywhere in a panel would be hidden,
so its legend entry says so ('close to …'); see :func:`sameness`. Legends name scenarios by title
(ids are on the page). The reference is the run's choice (:func:`~simulator.outputs.chart_inputs.reference_of`).
Each chart is listed once in the chart registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simulator.model.result import Result
from simulator.outputs.chart_inputs import ComparisonChartInputs
from simulator.outputs.chart_parts import (
    MODEL_SOURCE,
    events_of,
    observed_months,
    rolling_year,
    whole_month_values,
)
from simulator.outputs.layout import (
    MoneyFormatter,
    PercentFormatter,
    date_axis,
    frame,
    legend_below,
    legend_rows,
    mark_events,
    source_note,
    subtitle,
)
from simulator.outputs.text import plain, short_title

REFERENCE_COLOUR = "#444444"
SAME = 0.01
"""Two lines closer than this share of the difference panel's value range everywhere look like one line."""
LEVEL_HEIGHT, DIFFERENCE_HEIGHT = 1.5, 2.6
"""Heights of the reference panel and the difference panel [in]."""


@dataclass(frozen=True)
class Panel:
    """One variable of a comparison chart.

    Attributes:
        variable: a name in the variable registry.
        title: the panel's subtitle (what the variable is, with its unit).
        short: the variable in two or three words, for legend notes ('close to … in US duties').
        unit: the unit of its values, for the axis label.
        daily: drawn day by day as steps (rates) rather than by whole month (flows).
        census: the Census series drawn in the reference panel ('imports', 'exports', 'balance') or ''.
        transform: applied to monthly values before drawing (the 12-month rolling sum) or None.
    """

    variable: str
    title: str
    short: str
    unit: str = "USD bn/month"
    daily: bool = False
    census: str = ""
    transform: Callable[[np.ndarray], np.ndarray] | None = None


def series(result: Result, panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """A scenario's values of ``panel`` and their plot dates: days for rates [%], whole months for flows."""
    if panel.daily:
        return mdates.date2num(result.days), result.series[panel.variable]
    months, values = whole_month_values(result)
    shown = values[panel.variable]
    return months, (panel.transform(shown) if panel.transform is not None else shown)


def against(reference: tuple[np.ndarray, np.ndarray], other: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``other`` minus ``reference`` on the reference's dates; NaN where ``other``'s horizon does not reach."""
    (dates, values), (their_dates, theirs) = reference, other
    found = np.full(len(dates), np.nan)
    _, mine, yours = np.intersect1d(dates, their_dates, return_indices=True)
    found[mine] = theirs[yours] - values[mine]
    return found


def sameness(differences: dict[str, np.ndarray], tolerance: float) -> dict[str, list[str]]:
    """Which lines of one panel would be hidden: {scenario id: the lines it runs on, in date order ('' for the zero
    line)}; a scenario not listed shows somewhere.

    A line is hidden when at every date it lies within ``tolerance`` of the zero line or of another line: along
    one line throughout ('same as'), or along one and then another (the zero line, then a scenario that departs
    later). Of two lines that match each other throughout, only the later is listed.
    """
    names = list(differences)
    same = {
        name: [other for other in names if other != name and _close(differences[name], differences[other], tolerance)]
        for name in names
    }
    found: dict[str, list[str]] = {}
    for position, name in enumerate(names):
        values = differences[name]
        present = ~np.isnan(values)
        if not np.any(present):
            continue
        if _close(values, np.zeros_like(values), tolerance):
            found[name] = [""]
            continue
        earlier = [other for other in same[name] if names.index(other) < position]
        if earlier:
            found[name] = [earlier[0]]
            continue
        # lines identical to this one are drawn later and say so themselves
        candidates = ["", *(other for other in names if other != name and other not in same[name])]
        near = np.array([np.abs(values - (differences[other] if other else 0.0)) <= tolerance for other in candidates])
        if not np.all(np.any(near, axis=0)[present]):
            continue
        path: list[str] = []
        for column in np.flatnonzero(present):
            if path and near[candidates.index(path[-1]), column]:
                continue  # still on the same line
            path.append(candidates[int(np.argmax(near[:, column]))])
        found[name] = path
    return found


def _close(one: np.ndarray, other: np.ndarray, tolerance: float) -> bool:
    """Within ``tolerance`` of each other at every date both hold (and they share one)."""
    both = ~(np.isnan(one) | np.isnan(other))
    return bool(np.any(both)) and bool(np.all(np.abs(one[both] - other[both]) <= tolerance))


def legend_note(matches: list[tuple[Panel, list[str] | None]], titles: dict[str, str], reference: str) -> str:
    """What a scenario's legend entry adds when its line is hidden in some panel: ' (close to the reference)',
    ' (close to the reference, then to Talks fail … in China's tariff)'; '' when it shows everywhere. 'Close', not
    'same': the lines lie within 1% of the panel's range of each other, which may still be a few $bn a year."""
    found = [(panel, path) for panel, path in matches if path]
    if not found:
        return ""

    def whom(path: list[str]) -> str:
        names = ["the reference" if match in ("", reference) else titles[match] for match in path]
        return ", then to ".join(names)

    if len(found) == len(matches) and len({tuple(path) for _, path in found}) == 1:
        return f" (close to {whom(found[0][1])})"
    return " (" + "; ".join(f"close to {whom(path)} in {panel.short}" for panel, path in found) + ")"


FORESIGHT = (
    ", or a little before where buyers see the change coming (buying ahead of a rise; holding orders back while a "
    "truce may lapse)."
)
"""Why a flow's line may leave zero before its scenario's tariffs do: the model's buyers act on the dated path."""


def compare_chart(inputs: ComparisonChartInputs, title: str, panels: Sequence[Panel], source: str) -> Figure:
    """The reference's path and every other scenario's difference from it, two panels per variable."""
    results = list(inputs.results)
    reference = inputs.reference_result
    others = [result for result in results if result is not reference]
    titles = {result.scenario.id: short_title(result.scenario.title) for result in results}
    start, end = span(results)
    base = [series(reference, panel) for panel in panels]
    gaps = [
        {other.scenario.id: against(line, series(other, panel)) for other in others}
        for panel, line in zip(panels, base, strict=True)
    ]
    hidden = [sameness(found, _tolerance(found)) for found in gaps]
    census = (
        any(panel.census for panel in panels)
        and inputs.observed is not None
        and len(observed_months(reference, inputs.observed)[1].months) > 0  # a reference from 2026 holds none
    )
    reference_label = f"Reference: {titles[reference.scenario.id]} (the zero line below)"
    labels = [reference_label] + (["Census months"] if census else [])
    notes = {
        other.scenario.id: legend_note(
            [(panel, found.get(other.scenario.id)) for panel, found in zip(panels, hidden, strict=True)],
            titles,
            reference.scenario.id,
        )
        for other in others
    }
    labels += [titles[name] + notes[name] for name in notes]
    layout = frame(
        title,
        start,
        end,
        # the reference's events only: every scenario's stacked above its panel read as one history, "court voids"
        # beside "court upholds"; a what-if shows where it departs by its line leaving zero
        events=events_of([reference.scenario]),
        rows=2 * len(panels),
        heights=[LEVEL_HEIGHT, DIFFERENCE_HEIGHT] * len(panels),
        dated_rows=[False, True] * len(panels),
        subtitles=True,
        legend_rows=legend_rows(labels),
        note=f"Each coloured line is a scenario minus the reference (“{titles[reference.scenario.id]}”), whose events "
        "are marked; a line leaves zero where its scenario departs from the reference"
        + ("." if all(panel.daily for panel in panels) else FORESIGHT),
    )
    handles: list[Line2D] = []
    for index, (panel, (dates, values)) in enumerate(zip(panels, base, strict=True)):
        level, gap = layout.axes[2 * index], layout.axes[2 * index + 1]
        handle = _step_or_line(level, panel, dates, values, color=REFERENCE_COLOUR, linewidth=1.6)
        if census and panel.census:
            seen_at, seen = observed_months(reference, inputs.observed)  # type: ignore[arg-type]
            shown = getattr(seen, panel.census)
            shown = panel.transform(shown) if panel.transform is not None else shown
            dots = level.plot(seen_at, shown, "o", color="black", markersize=3, zorder=4)[0]
        gap.axhline(0, color="black", linewidth=1.0, zorder=1)
        lines, used = [], {REFERENCE_COLOUR}
        for other in others:
            name = other.scenario.id
            colour = inputs.colours[name]
            line = _step_or_line(
                gap,
                panel,
                dates,
                gaps[index][name],
                color=colour,
                linewidth=1.6,
                # past the palette's colours, dashes tell lines apart; a line that runs on others is dashed and on top
                linestyle=(0, (4, 2.5)) if name in hidden[index] else "--" if colour in used else "-",
                zorder=3 if name in hidden[index] else 2,
            )
            used.add(colour)
            line.set_gid(f"scenario:{name}")
            lines.append(line)
        if index == 0:
            handles = [handle] + ([dots] if census else []) + lines
        for ax in (level, gap):
            date_axis(ax, start, end, labels=ax is gap)
            ax.yaxis.set_major_formatter(PercentFormatter() if panel.daily else MoneyFormatter())
        gap.yaxis.set_major_formatter(SignedPoints() if panel.daily else SignedMoney())
        level.set_ylabel(f"[{panel.unit}]", fontsize=7)
        gap.set_ylabel("[percentage points]" if panel.daily else f"[{panel.unit}]", fontsize=7)
        subtitle(layout, level, f"{panel.title}: the reference")
        subtitle(layout, gap, f"{panel.title}: each scenario minus the reference")
    mark_events(layout)
    legend_below(layout, handles, [plain(label) for label in labels])
    source_note(layout, source)
    return layout.figure


def _step_or_line(ax, panel: Panel, dates: np.ndarray, values: np.ndarray, **style) -> Line2D:
    if panel.daily:
        # where="post" draws the last step with zero width unless the horizon end is appended
        return ax.step(np.append(dates, dates[-1] + 1), np.append(values, values[-1]), where="post", **style)[0]
    return ax.plot(dates, values, **style)[0]


def _tolerance(differences: dict[str, np.ndarray]) -> float:
    """:data:`SAME` of the value range the difference panel shows (zero included)."""
    values = [array[~np.isnan(array)] for array in differences.values()]
    joined = np.concatenate([np.zeros(1), *values])
    return max(SAME * float(joined.max() - joined.min()), 1e-9)


class SignedMoney(MoneyFormatter):
    """'+$5bn' and '−$5bn': a difference reads as one."""

    signed = True


class SignedPoints(PercentFormatter):
    """'+80 pp' and '−5 pp': a difference of two rates is in percentage points, not percent."""

    suffix = " pp"
    signed = True


def imports_chart(inputs: ComparisonChartInputs) -> Figure:
    """US imports from China: the reference's path and each scenario's difference from it [USD bn/month]."""
    panel = Panel("us_imports_from_china", "US imports from China [USD bn/month]", "imports", census="imports")
    return compare_chart(inputs, "US imports from China by scenario", [panel], MODEL_SOURCE)


def exports_chart(inputs: ComparisonChartInputs) -> Figure:
    """US exports to China: the reference's path and each scenario's difference from it [USD bn/month]."""
    panel = Panel("us_exports_to_china", "US exports to China [USD bn/month]", "exports", census="exports")
    return compare_chart(inputs, "US exports to China by scenario", [panel], MODEL_SOURCE)


def balance_chart(inputs: ComparisonChartInputs) -> Figure:
    """The 12-month rolling balance: the reference's and each scenario's difference from it [USD bn per 12 months]."""
    panel = Panel(
        "us_trade_balance_with_china",
        "US goods balance with China, sum of the last 12 months [USD bn]",
        "the balance",
        unit="USD bn per 12 months",
        census="balance",
        transform=rolling_year,
    )
    figure = compare_chart(inputs, "US goods balance with China by scenario", [panel], MODEL_SOURCE)
    level = figure.axes[0]
    balance = inputs.reference_balance
    level.axhline(balance, color="#888888", linestyle="--", linewidth=0.9)
    level.annotate(
        f"2024: −\\${abs(balance):,.1f}bn",
        xy=(0.0, balance),
        xycoords=("axes fraction", "data"),
        xytext=(2, 2),
        textcoords="offset points",
        fontsize=7,
        color="#555555",
    )
    return figure


def revenue_chart(inputs: ComparisonChartInputs) -> Figure:
    """Duties collected in both directions: the reference's and each scenario's difference from it [USD bn/month]."""
    panels = [
        Panel("us_tariff_revenue_from_china", "US duties on goods from China [USD bn/month]", "US duties"),
        Panel("china_tariff_revenue_from_us", "China's duties on goods from the US [USD bn/month]", "China's duties"),
    ]
    return compare_chart(inputs, "Tariff revenue by scenario", panels, MODEL_SOURCE)


def tariffs_chart(inputs: ComparisonChartInputs) -> Figure:
    """Effective tariff rates day by day: the reference's and each scenario's difference from it [%, points]."""
    panels = [
        Panel("us_effective_tariff_on_china", "US tariff on Chinese goods, effective [%]", "the US tariff", "%", True),
        Panel("china_effective_tariff_on_us", "China's tariff on US goods, effective [%]", "China's tariff", "%", True),
    ]
    return compare_chart(
        inputs,
        "Effective tariff rates by scenario",
        panels,
        "Effective rate: the pre-2025 average tariff plus each later measure times the share of trade it covers; "
        "the sources of rates and shares are in the report's notes",
    )


def span(results: Sequence[Result]) -> tuple[dt.date, dt.date]:
    """The dates every chart of a comparison covers: from the earliest start to the latest end."""
    return min(result.scenario.start for result in results), max(result.scenario.end for result in results)
