"""Daily tariff rates of a scenario: each measure's rate, what it covers, and the sums by authority.

A measure adds ``rate × weight`` to its side's effective tariff, where the weight is its
coverage [share of trade] on that day; a measure that skips the trade of other authorities
(``not_on``) applies to its coverage of the rest: ``coverage × (1 − covered)``, where
``covered`` is the share of trade under measures of those authorities in force that day
(their coverages added, at most all of the trade). The headline rate adds up the headline
measures' rates, as news reports quote them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.inputs.authorities import authorities_of
from simulator.inputs.scenario import DIRECTIONS, Direction, Scenario
from simulator.model.timeline import Change, Schedule, measure_schedule, with_certain_renewals

DAY = np.timedelta64(1, "D")


def day_grid(start: dt.date, end: dt.date) -> np.ndarray:
    """Every day from ``start`` to ``end``, both included [datetime64[D]]."""
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + DAY, DAY)


def step_values(points: list[Change] | tuple[Change, ...], days: np.ndarray, before: float = 0.0) -> np.ndarray:
    """Daily rates [%] of a step function given by change points (``before`` ahead of the first)."""
    if not points:
        return np.full(days.shape, before)
    dates = np.array([np.datetime64(point.date, "D") for point in points])
    values = np.array([before] + [point.percent for point in points])
    return values[np.searchsorted(dates, days, side="right")]


def coverage_values(points: list[Change] | tuple[Change, ...], days: np.ndarray, default: float) -> np.ndarray:
    """Daily coverage [share of trade] of a measure: ``default`` [%] unless a change point sets another."""
    covered = [Change(point.date, default if point.coverage is None else point.coverage) for point in points]
    return step_values(covered, days, default) / 100.0


@dataclass(frozen=True)
class RefundPlan:
    """Duties of one authority paid back: ``share`` [share] of what was collected, evenly over ``days`` from day
    ``first``.
    """

    authority: str
    share: float
    first: int
    days: int


@dataclass(frozen=True)
class TariffPaths:
    """Daily tariff rates of a scenario, all in [%] (any leading axes are draws).

    Attributes:
        days: the day grid [datetime64[D]].
        measures: rate of each measure per direction, ``{direction: {measure: array}}``.
        headline: sum of the headline measures' rates (what news reports quote).
        by_authority: effective additional rate per authority, ``{direction: {authority: array}}``:
            each measure's rate × the share of trade it covers that day, added up by authority.
        base: the pre-2025 base rate of each direction (the tariff level of the calibration year).
        refunds: per direction, the refunds of duties the scenario books.
        lapse_gap: per direction, how much the effective rate would rise if every truce window
            in force that day ended now and its follow-up applied [%], for windows with no stated
            renewal probability (buyers weigh it by the parameter ``truce_lapse_probability``).
        stated_lapse: the same for windows with a stated renewal probability p, already
            weighed by 1 - p [%].
    """

    days: np.ndarray
    measures: dict[str, dict[str, np.ndarray]]
    headline: dict[str, np.ndarray]
    by_authority: dict[str, dict[str, np.ndarray]]
    base: dict[str, float]
    refunds: dict[str, tuple[RefundPlan, ...]] = field(default_factory=dict)
    lapse_gap: dict[str, np.ndarray] = field(default_factory=dict)
    stated_lapse: dict[str, np.ndarray] = field(default_factory=dict)

    def gaps(self, direction: str) -> tuple[np.ndarray | float, np.ndarray | float]:
        """The direction's lapse gap and weighed stated lapse [%] (0 when it has no window)."""
        return self.lapse_gap.get(direction, 0.0), self.stated_lapse.get(direction, 0.0)

    @property
    def effective(self) -> dict[str, np.ndarray]:
        """Effective additional rate per direction [%]: the sum over authorities."""
        return {direction: sum(rates.values()) for direction, rates in self.by_authority.items()}  # type: ignore[misc]

    def total(self, direction: str) -> np.ndarray:
        """Effective total tariff [%]: base plus effective additional."""
        return self.base[direction] + self.effective[direction]

    @classmethod
    def of_totals(
        cls,
        days: np.ndarray,
        us_total: np.ndarray,
        us_base: float,
        china_total: np.ndarray,
        china_base: float,
        us_gap: np.ndarray | None = None,
        china_gap: np.ndarray | None = None,
    ) -> TariffPaths:
        """Paths given only by each side's total rate [%] and base: the additional rate is one measure of no stated
        authority; ``*_gap`` are lapse gaps of truce windows [%] (none by default).
        """
        by_authority, headline = {}, {}
        for direction, total, base in (("us_on_china", us_total, us_base), ("china_on_us", china_total, china_base)):
            additional = np.asarray(total, dtype=float) - base
            by_authority[direction] = {authority: np.zeros(days.shape) for authority in authorities_of(direction)}
            by_authority[direction]["other"] = additional
            headline[direction] = additional
        gaps = {
            direction: np.asarray(gap, dtype=float)
            for direction, gap in (("us_on_china", us_gap), ("china_on_us", china_gap))
            if gap is not None
        }
        return cls(
            days,
            {direction: {} for direction in DIRECTIONS},
            headline,
            by_authority,
            {"us_on_china": us_base, "china_on_us": china_base},
            lapse_gap=gaps,
        )

    def stacked(self, paths: list[TariffPaths], inverse: np.ndarray) -> TariffPaths:
        """Paths with a leading draw axis: draw i follows ``paths[inverse[i]]`` (measures' own rates left out)."""

        def pick(arrays: list[np.ndarray]) -> np.ndarray:
            return np.stack(arrays)[inverse]

        headline = {direction: pick([path.headline[direction] for path in paths]) for direction in DIRECTIONS}
        by_authority = {
            direction: {
                authority: pick([path.by_authority[direction][authority] for path in paths])
                for authority in self.by_authority[direction]
            }
            for direction in DIRECTIONS
        }
        gaps = {
            name: {
                direction: pick(
                    [np.broadcast_to(getattr(path, name).get(direction, 0.0), self.days.shape) for path in paths]
                )
                for direction in DIRECTIONS
            }
            for name in ("lapse_gap", "stated_lapse")
        }
        return TariffPaths(
            self.days,
            {direction: {} for direction in DIRECTIONS},
            headline,
            by_authority,
            self.base,
            self.refunds,
            gaps["lapse_gap"],
            gaps["stated_lapse"],
        )


@dataclass(frozen=True)
class SideRates:
    """One side's daily rates [%]: each measure's, the headline sum, the effective add-on by authority, and the
    lapse gaps of :class:`TariffPaths`."""

    measures: dict[str, np.ndarray]
    headline: np.ndarray
    by_authority: dict[str, np.ndarray]
    lapse_gap: np.ndarray
    stated_lapse: np.ndarray


def lapse_steps(schedule: Schedule, rates: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How much a measure's rate would jump on each day if the window it is in ended then [%].

    Inside a window as it ran, the jump is its follow-up rate less the rate in force; the first
    array holds windows with no stated renewal probability, the second the others weighed by
    their chance of not being renewed.
    """
    unstated, stated = np.zeros(days.shape), np.zeros(days.shape)
    for window in schedule.windows:
        inside = (days >= np.datetime64(window.start, "D")) & (days < np.datetime64(window.end, "D"))
        jump = np.where(inside, window.follow_up - rates, 0.0)
        renewal = window.entry.renewal
        if renewal is None:
            unstated += jump
        else:
            stated += (1.0 - renewal.probability.value / 100.0) * jump
    return unstated, stated


def step_table(
    changes: list[tuple[Change, ...]], days: np.ndarray, coverages: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Daily rates [%] and coverages [share of trade] of several measures at once, a row per measure.

    Row m follows ``changes[m]`` as :func:`step_values` and :func:`coverage_values` do (0% and ``coverages[m]`` [%]
    ahead of the first change), with the same numbers: each day picks its value from a table by the count of change
    points on or before it, and the counts come from one cumulative sum over the grid for all measures (a measure's
    own arrays cost tens of small array operations, most of a point projection's time).
    """
    rows, width = len(changes), len(days)
    levels = max((len(points) for points in changes), default=0) + 1
    rate_table = np.zeros((rows, levels))
    coverage_table = np.repeat(np.asarray(coverages, dtype=float)[:, None], levels, axis=1)
    first: dt.date = days[0].item() if width else dt.date.min
    places = []
    for row, points in enumerate(changes):
        for level, point in enumerate(points, start=1):
            rate_table[row, level] = point.percent
            if point.coverage is not None:
                coverage_table[row, level] = point.coverage
            # a change before the grid counts from its first day, one after it never
            places.append(row * (width + 1) + min(max((point.date - first).days, 0), width))
    counts = np.bincount(np.asarray(places, dtype=np.intp), minlength=rows * (width + 1)).reshape(rows, width + 1)
    picked = np.cumsum(counts[:, :width], axis=1)
    row_index = np.arange(rows)[:, None]
    return rate_table[row_index, picked], (coverage_table / 100.0)[row_index, picked]


def direction_rates(side: Direction, direction: str, days: np.ndarray) -> SideRates:
    """Daily rates of one side's measures, its headline rate, its effective rate by authority and its lapse gaps.

    Sums over measures add them in the order they are written (a sum over the first axis of a table adds its rows
    one after another), so the numbers are those of adding the measures' arrays one by one.
    """
    names = list(side.measures)
    measures = [side.measures[name] for name in names]
    schedules = [measure_schedule(measure, side) for measure in measures]
    rates, coverages = step_table(
        [schedule.changes for schedule in schedules], days, [measure.coverage.value for measure in measures]
    )
    zeros = np.zeros(days.shape)

    def added(table: np.ndarray, rows: list[int]) -> np.ndarray:
        return table[rows].sum(axis=0) if rows else zeros.copy()

    members = {
        authority: [row for row, measure in enumerate(measures) if measure.authority == authority]
        for authority in authorities_of(direction)
    }
    in_force = coverages * (rates > 0)
    # the share of trade each authority's measures in force cover, at most all of it
    covered = {authority: np.minimum(added(in_force, rows), 1.0) for authority, rows in members.items()}
    weights = coverages.copy()
    for row, measure in enumerate(measures):
        others = [covered[other] for other in measure.not_on if other in covered]
        if others:
            weights[row] = coverages[row] * (1.0 - np.minimum(sum(others, zeros), 1.0))
    weighted = rates * weights
    by_authority = {authority: added(weighted, rows) for authority, rows in members.items()}
    lapse_gap, stated_lapse = zeros.copy(), zeros.copy()
    for row, schedule in enumerate(schedules):
        if schedule.windows:
            # the gaps are weighed like the rates, with the shares other authorities cover as they are
            unstated, stated = lapse_steps(schedule, rates[row], days)
            lapse_gap += unstated * weights[row]
            stated_lapse += stated * weights[row]
    headline = added(rates, [row for row, measure in enumerate(measures) if measure.headline])
    return SideRates(dict(zip(names, rates, strict=True)), headline, by_authority, lapse_gap, stated_lapse)


def refund_plans(side: Direction, days: np.ndarray) -> tuple[RefundPlan, ...]:
    """The refunds a side books, placed on the day grid (a refund starting before the grid starts on its first day)."""
    plans = []
    for authority, refund in side.refunds.items():
        first = int((np.datetime64(refund.start.date, "D") - days[0]) // DAY)  # type: ignore[arg-type]
        plans.append(RefundPlan(authority, refund.share.value / 100.0, first, int(refund.days.value)))
    return tuple(plans)


def tariff_arrays(scenario: Scenario) -> TariffPaths:
    """Daily rates of every measure over the horizon, the headline rates and the effective rates by authority; a
    window renewed with certainty runs on renewed (see :func:`~simulator.model.timeline.with_certain_renewals`)."""
    scenario = with_certain_renewals(scenario)
    days = day_grid(scenario.start, scenario.end)
    sides = {direction: direction_rates(scenario.tariffs[direction], direction, days) for direction in DIRECTIONS}
    return TariffPaths(
        days,
        {direction: side.measures for direction, side in sides.items()},
        {direction: side.headline for direction, side in sides.items()},
        {direction: side.by_authority for direction, side in sides.items()},
        {direction: scenario.tariffs[direction].base.value for direction in DIRECTIONS},
        {direction: refund_plans(scenario.tariffs[direction], days) for direction in DIRECTIONS},
        {direction: side.lapse_gap for direction, side in sides.items()},
        {direction: side.stated_lapse for direction, side in sides.items()},
    )


COLUMNS = {
    "us_on_china": ("us_additional_tariff_on_china", "us_effective_additional_tariff_on_china"),
    "china_on_us": ("china_additional_tariff_on_us", "china_effective_additional_tariff_on_us"),
}
"""Columns of the daily tariff table per direction: (headline add-on, effective add-on); one more per authority."""


def paths_frame(paths: TariffPaths) -> pd.DataFrame:
    """Daily tariff paths as a pandas DataFrame indexed by day, in percent.

    Columns: ``us_additional_tariff_on_china`` and ``china_additional_tariff_on_us`` (headline
    add-on as reported), ``us_effective_additional_tariff_on_china`` and
    ``china_effective_additional_tariff_on_us`` (coverage-weighted sum of all measures), and
    that effective add-on split by authority, ``…_on_china_ieepa``, ``…_on_china_section_232``,
    … [%].
    """
    data = {}
    for direction, (headline, effective) in COLUMNS.items():
        data[headline] = paths.headline[direction]
        data[effective] = paths.effective[direction]
        for authority, values in paths.by_authority[direction].items():
            data[f"{effective}_{authority}"] = values
    index = pd.DatetimeIndex(paths.days.astype("datetime64[ns]"), name="date")
    return pd.DataFrame(data, index=index)
