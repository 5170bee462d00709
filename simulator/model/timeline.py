"""Dated tariff paths: from a measure's entries to change points, windows and daily rates.

This module is the one place where the rules of a dated path are applied (see
scenarios/README.md); the daily arrays, truce renewals and the reports' wording all read
:func:`schedule`:

- an entry's rate holds from its date, inclusive, until the next change;
- before a measure's first entry the measure adds nothing (0%): the pre-2025 base
  rate stands alone;
- a window of N days starting on D covers D ... D+N-1; its follow-up starts on D+N
  and is either the rate in force the day before D (``revert``) or a stated rate;
- a later entry dated on or before D+N cancels the pending follow-up.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.inputs.scenario import DIRECTIONS, REVERT, Measure, PathEntry, Scenario

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Change:
    """The rate [%] of a measure from ``date`` on."""

    date: dt.date
    percent: float


@dataclass(frozen=True)
class Window:
    """A window of a measure and how it ran.

    Attributes:
        entry: the path entry that opens the window.
        index: the entry's place in the measure's sorted entries.
        start: first day of the window.
        written_end: the day after the window as written (``start + days``): its follow-up day.
        end: the day after the window as it ran: ``written_end``, or the date of the later
            entry that cut it short.
        prior: the rate in force the day before it began [%].
        follow_up: the rate its follow-up sets as written [%] (``prior`` for ``revert``).
        overridden: a later entry dated on or before ``written_end`` cancels the follow-up.
    """

    entry: PathEntry
    index: int
    start: dt.date
    written_end: dt.date
    end: dt.date
    prior: float
    follow_up: float
    overridden: bool


@dataclass(frozen=True)
class Schedule:
    """A measure's path with the window rules applied: its change points and its windows."""

    changes: tuple[Change, ...]
    windows: tuple[Window, ...]


def schedule(entries: tuple[PathEntry, ...] | list[PathEntry]) -> Schedule:
    """Change points (in date order, follow-ups included) and windows of one measure's entries."""
    entries = sorted(entries, key=lambda entry: entry.start)
    changes: list[Change] = []
    windows: list[Window] = []
    for index, entry in enumerate(entries):
        prior = changes[-1].percent if changes else 0.0
        changes.append(Change(entry.start, entry.percent.value))
        if entry.days is None:
            continue
        written_end = entry.start + dt.timedelta(days=int(entry.days.value))
        following = entries[index + 1].start if index + 1 < len(entries) else None
        overridden = following is not None and following <= written_end
        follow_up = prior if entry.follow_up is REVERT else entry.follow_up.value  # type: ignore[union-attr]
        end = following if overridden else written_end
        windows.append(Window(entry, index, entry.start, written_end, end, prior, follow_up, overridden))  # type: ignore[arg-type]
        if not overridden:
            changes.append(Change(written_end, follow_up))
    return Schedule(tuple(changes), tuple(windows))


def changes(entries: tuple[PathEntry, ...] | list[PathEntry]) -> list[Change]:
    """Change points of one measure, in date order, with window follow-ups applied."""
    return list(schedule(entries).changes)


def windows(measure: Measure) -> list[Window]:
    """The windows of a measure as they actually ran (cut short by a later entry)."""
    return list(schedule(measure.entries).windows)


def rate_on(measure: Measure, date: dt.date) -> float:
    """The measure's rate in force on ``date`` [%]."""
    rates = [change.percent for change in schedule(measure.entries).changes if change.date <= date]
    return rates[-1] if rates else 0.0


# ---------------------------------------------------------------- renewal decisions


@dataclass(frozen=True)
class RenewalDecision:
    """One renewal decision: the windows opening on ``start`` for ``days`` (both sides of a truce decide together).

    ``entries`` name each window as (direction, measure, entry index); each renewal lengthens
    them by ``length`` days with ``probability``.
    """

    start: dt.date
    days: int
    length: int
    probability: float
    entries: tuple[tuple[str, str, int], ...]

    @property
    def end(self) -> dt.date:
        """First day after the window as written."""
        return self.start + dt.timedelta(days=self.days)

    def most(self, horizon_end: dt.date) -> int:
        """Renewals that can begin inside the horizon."""
        if self.end > horizon_end:
            return 0
        return math.ceil(((horizon_end - self.end).days + 1) / self.length)

    def describe(self) -> str:
        return (
            f"the {self.days}-day window from {self.start.isoformat()} is renewed for {self.length} days at a time "
            f"with probability {100 * self.probability:g}%"
        )


def _renewable_windows(scenario: Scenario) -> list[tuple[str, Measure, Window]]:
    return [
        (direction, measure, window)
        for direction in DIRECTIONS
        for measure in scenario.tariffs[direction].measures.values()
        for window in windows(measure)
        if window.entry.renewal is not None
    ]


def renewal_decisions(scenario: Scenario) -> list[RenewalDecision]:
    """Renewal decisions that can act: windows with a renewal probability that run their course inside the horizon.

    Windows with the same start, length and renewal terms are one decision.
    """
    groups: dict[tuple, list[tuple[str, str, int]]] = {}
    for direction, measure, window in _renewable_windows(scenario):
        entry = window.entry
        length = int((entry.renewal.days or entry.days).value)  # type: ignore[union-attr]
        key = (window.start, int(entry.days.value), length, entry.renewal.probability.value / 100.0)  # type: ignore[union-attr]
        groups.setdefault(key, []).append((direction, measure.name, window.index))
    decisions = [RenewalDecision(*key, tuple(entries)) for key, entries in sorted(groups.items())]
    cut = {
        (direction, measure.name, window.index)
        for direction, measure, window in _renewable_windows(scenario)
        if window.overridden
    }
    return [
        decision for decision in decisions if decision.most(scenario.end) > 0 and not cut.intersection(decision.entries)
    ]


def ignored_renewals(scenario: Scenario) -> list[str]:
    """Renewal probabilities that cannot act: the window ends after the horizon, or a later entry cuts it short."""
    found = []
    for _, measure, window in _renewable_windows(scenario):
        if window.written_end > scenario.end:
            found.append(f"{measure.label} window from {window.start.isoformat()} ends after the horizon")
        elif window.overridden:
            found.append(
                f"{measure.label} window from {window.start.isoformat()} is cut short by the entry of "
                f"{window.end.isoformat()}"
            )
    return found


# ---------------------------------------------------------------- daily rates


def day_grid(start: dt.date, end: dt.date) -> np.ndarray:
    """Every day from ``start`` to ``end``, both included [datetime64[D]]."""
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + DAY, DAY)


def step_values(points: list[Change] | tuple[Change, ...], days: np.ndarray) -> np.ndarray:
    """Daily values [%] of a step function given by change points (0 before the first)."""
    if not points:
        return np.zeros(days.shape)
    dates = np.array([np.datetime64(point.date, "D") for point in points])
    values = np.array([0.0] + [point.percent for point in points])
    return values[np.searchsorted(dates, days, side="right")]


@dataclass(frozen=True)
class TariffPaths:
    """Daily tariff rates of a scenario, all in [%].

    Attributes:
        days: the day grid [datetime64[D]].
        measures: rate of each measure per direction, ``{direction: {measure: array}}``.
        headline: sum of the headline measures' rates (what news reports quote).
        effective: coverage-weighted sum of all measures' rates (the add-on on average).
        base: the pre-2025 base rate of each direction.
    """

    days: np.ndarray
    measures: dict[str, dict[str, np.ndarray]]
    headline: dict[str, np.ndarray]
    effective: dict[str, np.ndarray]
    base: dict[str, float]

    def total(self, direction: str) -> np.ndarray:
        """Effective total tariff [%]: base plus effective additional."""
        return self.base[direction] + self.effective[direction]


def tariff_arrays(scenario: Scenario) -> TariffPaths:
    """Daily rates of every measure over the horizon, and the headline and effective sums per direction."""
    days = day_grid(scenario.start, scenario.end)
    measures: dict[str, dict[str, np.ndarray]] = {}
    headline: dict[str, np.ndarray] = {}
    effective: dict[str, np.ndarray] = {}
    for direction in DIRECTIONS:
        side = scenario.tariffs[direction]
        rates = {name: step_values(schedule(measure.entries).changes, days) for name, measure in side.measures.items()}
        measures[direction] = rates
        headline[direction] = sum(
            (rates[name] for name, m in side.measures.items() if m.headline), np.zeros(days.shape)
        )
        effective[direction] = sum(
            (rates[name] * side.measures[name].coverage.value / 100.0 for name in rates), np.zeros(days.shape)
        )
    base = {direction: scenario.tariffs[direction].base.value for direction in DIRECTIONS}
    return TariffPaths(days, measures, headline, effective, base)


COLUMNS = {
    "us_on_china": ("us_additional_tariff_on_china", "us_effective_additional_tariff_on_china"),
    "china_on_us": ("china_additional_tariff_on_us", "china_effective_additional_tariff_on_us"),
}
"""Columns of the daily tariff table per direction: (headline add-on, effective add-on)."""


def paths_frame(paths: TariffPaths) -> pd.DataFrame:
    """Daily tariff paths as a pandas DataFrame indexed by day, in percent.

    Columns: ``us_additional_tariff_on_china`` and ``china_additional_tariff_on_us`` (headline
    add-on as reported), ``us_effective_additional_tariff_on_china`` and
    ``china_effective_additional_tariff_on_us`` (coverage-weighted sum of all measures) [%].
    """
    data = {}
    for direction, (headline, effective) in COLUMNS.items():
        data[headline] = paths.headline[direction]
        data[effective] = paths.effective[direction]
    index = pd.DatetimeIndex(paths.days.astype("datetime64[ns]"), name="date")
    return pd.DataFrame(data, index=index)
