"""Pieces shared by the charts of one scenario and the charts comparing several.

Names and colours of the two flows and directions, whole months of a result as plot dates,
step lines for daily rates, 12-month rolling sums, and the finishing of a monthly chart
(dates, money axis, events, legend, source line).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np

from simulator.inputs.scenario import Scenario
from simulator.model.observed import Observed
from simulator.model.result import Result
from simulator.outputs.chart_inputs import ScenarioChartInputs
from simulator.outputs.layout import Frame, date_axis, legend_below, mark_events, money_axis, source_note

DIRECTION_NAMES = {"us_on_china": "US tariff on Chinese goods", "china_on_us": "China's tariff on US goods"}
FLOW_COLOURS = {"imports": "#b2182b", "exports": "#2166ac"}
AUTHORITY_COLOURS = ("#bababa", "#d6604d", "#4393c3", "#8073ac", "#fdb863", "#7f7f7f")
"""Colours of the pre-2025 base and of each authority in a stacked chart, in registry order."""
MODEL_SOURCE = (
    "Sources: US Census Bureau, monthly trade in goods with China; tariffs from the official texts and news reports "
    "listed in the report's notes; model: tariff-scenarios"
)


def events_of(scenarios: Sequence[Scenario]) -> list[tuple[dt.date, str]]:
    """The dated events of one or more scenarios, each once."""
    return sorted({(event.date, event.label) for scenario in scenarios for event in scenario.events})


DEPARTS = "This what-if departs"
"""The marker of the day a what-if's tariffs first differ from those of the scenario it extends."""


def scenario_events(inputs: ScenarioChartInputs) -> list[tuple[dt.date, str]]:
    """A scenario's events and, for a what-if, the day its tariffs first differ from its parent's, where no event of
    its own marks that day already."""
    events = events_of([inputs.scenario])
    departs = inputs.departs
    if departs is None or not inputs.scenario.start < departs <= inputs.scenario.end:
        return events
    if any(date == departs for date, _ in events):
        return events
    return sorted([*events, (departs, DEPARTS)])


def step_line(ax, days: np.ndarray, values: np.ndarray, **style) -> None:
    # where="post" draws the last step with zero width unless the horizon end is appended
    x = mdates.date2num(np.append(days, days[-1] + np.timedelta64(1, "D")))
    ax.step(x, np.append(values, values[-1]), where="post", **style)


def whole_month_values(result: Result) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Whole months as matplotlib dates and their values [USD bn/month, %] (point projection).

    A month the horizon cuts (a start on the 15th) is left out: its total covers only part of
    the month and would read as a collapse in trade.
    """
    stamps, values = result.aggregate("monthly")
    keep = whole_months(stamps, result.days)
    return mdates.date2num(stamps[keep].astype("datetime64[D]")), {
        name: array[..., keep] for name, array in values.items()
    }


def whole_months(stamps: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Which months (by start) the day grid covers from their first to their last day."""
    first = stamps.astype("datetime64[D]")
    last = (stamps.astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return (first >= days[0]) & (last <= days[-1])


def rolling_year(monthly: np.ndarray) -> np.ndarray:
    """Sum over the last twelve months; undefined (NaN) for the first eleven [USD bn per 12 months]."""
    if not len(monthly):  # numpy refuses to convolve an empty array
        return np.zeros(0)
    rolling = np.convolve(monthly, np.ones(12), mode="full")[: len(monthly)]
    rolling[:11] = np.nan
    return rolling


def observed_months(result: Result, history: Observed) -> tuple[np.ndarray, Observed]:
    """The Census months inside the horizon (whole months only), as plot dates, and their values [USD bn/month]."""
    months = history.months
    first_day = months.astype("datetime64[D]")
    last_day = (months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    keep = (first_day >= result.days[0]) & (last_day <= result.days[-1])
    kept = Observed(months[keep], history.imports[keep], history.exports[keep], history.balance[keep])
    return mdates.date2num(kept.months.astype("datetime64[D]")), kept


def data_end(result: Result, history: Observed) -> list[tuple[dt.date, str]]:
    """An event marking where the Census months end inside the horizon (none if they do not reach it)."""
    _, kept = observed_months(result, history)
    if not len(kept.months):
        return []
    after = (kept.months[-1] + 1).astype("datetime64[D]").astype(dt.date)
    if after > result.scenario.end:
        return []
    return [(after, f"Census data end ({kept.months[-1].astype(dt.date):%b %Y})")]


def finish_monthly(layout: Frame, source: str, unit: str = "USD bn/month", floor: float | None = 0.0) -> None:
    """Dates, a $bn axis, events, legend and source line of a chart of monthly values."""
    for ax in layout.axes:
        date_axis(ax, layout.start, layout.end)
        if floor is not None:
            ax.set_ylim(floor, None)
        money_axis(ax, unit)
    mark_events(layout)
    legend_below(layout)
    source_note(layout, source)
