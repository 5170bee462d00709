"""Dated tariff paths: from a measure's entries to change points and daily rates.

Rules (see scenarios/README.md):
- an entry's rate holds from its date, inclusive, until the next change;
- before a measure's first entry the measure adds nothing (0%): the pre-2025 base
  rate stands alone;
- a window of N days starting on D covers D ... D+N-1; its follow-up starts on D+N
  and is either the rate in force the day before D (``revert``) or a stated rate;
- a later entry dated on or before D+N cancels the pending follow-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from simulator.scenario import DIRECTIONS, REVERT, Measure, PathEntry, Scenario

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Change:
    """The rate [%] of a measure from ``date`` on."""

    date: dt.date
    percent: float
    cause: str  # "step", "window", "follow-up"
    fact: str | None = None


@dataclass(frozen=True)
class Window:
    """A window as it ran: ``start`` to ``end`` (exclusive); ``follow_up`` is None when overridden."""

    measure: str
    start: dt.date
    end: dt.date
    percent: float
    follow_up: float | None


def changes(entries: tuple[PathEntry, ...] | list[PathEntry]) -> list[Change]:
    """Change points of one measure, in date order, with window follow-ups applied."""
    entries = sorted(entries, key=lambda entry: entry.start)
    result: list[Change] = []
    for index, entry in enumerate(entries):
        prior = result[-1].percent if result else 0.0
        result.append(Change(entry.start, entry.percent.value, "window" if entry.days else "step", entry.percent.fact))
        if entry.days is None:
            continue
        end = entry.start + dt.timedelta(days=int(entry.days.value))
        if index + 1 < len(entries) and entries[index + 1].start <= end:
            continue
        follow = entry.follow_up
        if follow is REVERT:
            result.append(Change(end, prior, "follow-up"))
        else:
            result.append(Change(end, follow.value, "follow-up", follow.fact))  # type: ignore[union-attr]
    return result


def windows(measure: Measure) -> list[Window]:
    """The windows of a measure as they actually ran (cut short by a later entry)."""
    entries = measure.entries
    found = []
    for index, entry in enumerate(entries):
        if entry.days is None:
            continue
        end = entry.start + dt.timedelta(days=int(entry.days.value))
        following = entries[index + 1].start if index + 1 < len(entries) else None
        overridden = following is not None and following <= end
        follow_up = None
        if not overridden:
            prior = [change.percent for change in changes(entries[:index])]
            follow = entry.follow_up
            follow_up = (prior[-1] if prior else 0.0) if follow is REVERT else follow.value  # type: ignore[union-attr]
        found.append(Window(measure.name, entry.start, min(end, following) if overridden else end, entry.percent.value, follow_up))
    return found


def day_grid(start: dt.date, end: dt.date) -> np.ndarray:
    """Every day from ``start`` to ``end``, both included [datetime64[D]]."""
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + DAY, DAY)


def step_values(points: list[Change], days: np.ndarray) -> np.ndarray:
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


def tariff_arrays(scenario: Scenario, days: np.ndarray | None = None) -> TariffPaths:
    """Daily rates of every measure, and the headline and effective sums per direction."""
    days = day_grid(scenario.start, scenario.end) if days is None else days
    measures: dict[str, dict[str, np.ndarray]] = {}
    headline: dict[str, np.ndarray] = {}
    effective: dict[str, np.ndarray] = {}
    for direction in DIRECTIONS:
        side = scenario.tariffs[direction]
        rates = {name: step_values(changes(measure.entries), days) for name, measure in side.measures.items()}
        measures[direction] = rates
        headline[direction] = sum((rates[name] for name, m in side.measures.items() if m.headline), np.zeros(days.shape))
        effective[direction] = sum(
            (rates[name] * side.measures[name].coverage.value / 100.0 for name in rates), np.zeros(days.shape)
        )
    base = {direction: scenario.tariffs[direction].base.value for direction in DIRECTIONS}
    return TariffPaths(days, measures, headline, effective, base)


COLUMNS = {
    "us_on_china": ("us_additional_tariff_on_china", "us_effective_additional_tariff_on_china"),
    "china_on_us": ("china_additional_tariff_on_us", "china_effective_additional_tariff_on_us"),
}


def tariff_paths(scenario: Scenario):
    """Daily tariff paths as a pandas DataFrame indexed by day, in percent.

    Columns: ``us_additional_tariff_on_china`` and ``china_additional_tariff_on_us`` (headline
    add-on as reported), ``us_effective_additional_tariff_on_china`` and
    ``china_effective_additional_tariff_on_us`` (coverage-weighted sum of all measures) [%].
    """
    import pandas as pd

    paths = tariff_arrays(scenario)
    data = {}
    for direction, (headline, effective) in COLUMNS.items():
        data[headline] = paths.headline[direction]
        data[effective] = paths.effective[direction]
    index = pd.DatetimeIndex(paths.days.astype("datetime64[ns]"), name="date")
    return pd.DataFrame(data, index=index)
