"""Result types: a projection's daily arrays, the summary of Monte Carlo draws, and pandas views.

Units come from the variable registry (:mod:`simulator.model.variables`): flows are
[USD bn/day] in ``daily``, [USD bn/month] in ``monthly`` and [USD bn/year] in ``annual``;
rates are [%], averaged over days (time-weighted) in months and years. The trade-weighted
rate of a period is revenue ÷ imports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.inputs.distributions import Distribution
from simulator.inputs.problems import refuse
from simulator.inputs.scenario import Scenario
from simulator.model.timeline import RenewalDecision
from simulator.model.variables import RATES, VARIABLES, unit

PeriodValues = tuple[np.ndarray, dict[str, np.ndarray]]
"""Period starts [datetime64[M] or [Y]] and, by variable, the values per period (with any leading axes)."""


def period_starts(days: np.ndarray, frequency: str) -> tuple[np.ndarray, np.ndarray]:
    """Index of each month's (or year's) first day on the grid, and its number of days."""
    stamps = days.astype("datetime64[M]" if frequency == "monthly" else "datetime64[Y]")
    starts = np.flatnonzero(np.r_[True, stamps[1:] != stamps[:-1]])
    return starts, np.diff(np.r_[starts, len(days)])


def period_totals(days: np.ndarray, series: dict[str, np.ndarray], frequency: str) -> PeriodValues:
    """Period starts and values per period: sums for flows, day averages for rates (over a trailing day axis)."""
    starts, lengths = period_starts(days, frequency)
    values = {}
    for name, array in series.items():
        total = np.add.reduceat(array, starts, axis=-1)
        values[name] = total / lengths if name in RATES else total
    return days[starts].astype("datetime64[M]" if frequency == "monthly" else "datetime64[Y]"), values


def quantile_frame(periods: PeriodValues, levels: tuple[float, ...]) -> pd.DataFrame:
    """Quantiles per period as one frame indexed by quantile [%] and date, a column per variable."""
    stamps, values = periods
    dates = pd.DatetimeIndex(stamps.astype("datetime64[D]").astype("datetime64[ns]"), name="date")
    frames = {
        level: pd.DataFrame({name: values[name][index] for name in VARIABLES if name in values}, index=dates)
        for index, level in enumerate(levels)
    }
    return pd.concat(frames, names=["quantile", "date"])


FREQUENCIES = ("monthly", "annual")
"""The periods a result's tables come in."""


def check_frequency(function: str, frequency: object) -> None:
    """:class:`ArgumentError` unless ``frequency`` is one of :data:`FREQUENCIES`."""
    if frequency not in FREQUENCIES:
        raise refuse(function, "frequency", f"expected 'monthly' or 'annual', not {frequency!r}")


@dataclass(frozen=True, eq=False)
class Effects:
    """Quantiles of a scenario's difference from another over paired draws (the same random numbers for every input
    the two share), per draw and period: the range of a what-if's effect.

    Attributes:
        against: the id of the scenario set against (the one a what-if extends).
        title: its title.
        periods: per frequency ('monthly', 'annual'): the periods both cover with the same days, and by variable the
            quantiles of the difference [levels × periods], in the variable's unit (rates in percentage points).
    """

    against: str
    title: str
    periods: dict[str, PeriodValues]

    def __repr__(self) -> str:
        return f"<Effects against {self.against!r}>"


@dataclass(frozen=True, eq=False)
class DrawsSummary:
    """What a Monte Carlo run produced.

    Attributes:
        count: number of draws.
        seed: the seed that reproduces them (``numpy.random.SeedSequence`` entropy).
        levels: quantile levels [%], such as (5, 25, 50, 75, 95).
        periods: per frequency ('monthly', 'annual'): period starts and, by variable, the
            quantiles [levels × periods] in the variable's unit.
        drawn: the parameters that varied across draws, with their distributions.
        decisions: the truce renewal decisions mixed into the draws.
        effects: for a run set against another scenario, the quantiles of the difference (:class:`Effects`).
    """

    count: int
    seed: int
    levels: tuple[float, ...]
    periods: dict[str, PeriodValues]
    drawn: dict[str, Distribution]
    decisions: tuple[RenewalDecision, ...]
    effects: Effects | None = None

    def __repr__(self) -> str:
        return f"<DrawsSummary: {self.count:,} draws, seed {self.seed}, quantiles {', '.join(map(str, self.levels))}>"


@dataclass(frozen=True, eq=False)
class Result:
    """A scenario's projection.

    Attributes:
        scenario: the scenario projected.
        days: the day grid [datetime64[D]].
        series: the point projection, daily, by variable name (units in
            :data:`simulator.model.variables.VARIABLES`: flows [USD bn/day], rates [%]).
        uncertainty: for a Monte Carlo run, its :class:`DrawsSummary`; None for a point run.

    ``daily``, ``monthly`` and ``annual`` are pandas DataFrames indexed by date (month start
    for ``monthly``, year start for ``annual``). In Monte Carlo runs ``monthly`` and ``annual``
    hold the quantiles, with a ``quantile`` index level, and ``daily`` the point projection;
    ``to_frame()`` is one tidy long table (with a ``quantile`` column in Monte Carlo runs).
    """

    scenario: Scenario
    days: np.ndarray
    series: dict[str, np.ndarray]
    uncertainty: DrawsSummary | None = None

    def __repr__(self) -> str:
        # the default showed every daily array: 33,000 characters for one scenario
        runs = "point projection" if self.uncertainty is None else f"point projection and {self.draws:,} draws"
        return f"<Result {self.scenario.id!r}: {runs}, {self.days[0]} to {self.days[-1]}, {len(self.series)} variables>"

    @property
    def draws(self) -> int:
        """Number of Monte Carlo draws (0 for a point projection)."""
        return self.uncertainty.count if self.uncertainty else 0

    @property
    def seed(self) -> int | None:
        """The seed that reproduces the draws (None for a point projection)."""
        return self.uncertainty.seed if self.uncertainty else None

    @property
    def quantiles(self) -> tuple[float, ...]:
        """Quantile levels [%] of a Monte Carlo run; empty for a point projection."""
        return self.uncertainty.levels if self.uncertainty else ()

    @property
    def periods(self) -> dict[str, PeriodValues]:
        """Quantiles per frequency of a Monte Carlo run (see :class:`DrawsSummary`); empty for a point projection."""
        return self.uncertainty.periods if self.uncertainty else {}

    def aggregate(self, frequency: str) -> PeriodValues:
        """Period start dates and per-period values of the point projection: sums for flows, day averages for rates;
        ``frequency`` 'daily', 'monthly' or 'annual'."""
        if frequency == "daily":
            return self.days, self.series
        if frequency not in FREQUENCIES:  # anything else gave calendar years
            raise refuse("Result.aggregate", "frequency", f"expected 'daily', 'monthly' or 'annual', not {frequency!r}")
        return period_totals(self.days, self.series, frequency)

    @functools.cached_property
    def daily(self) -> pd.DataFrame:
        """Daily frame [USD bn/day and %]."""
        return self._frame("daily")

    @functools.cached_property
    def monthly(self) -> pd.DataFrame:
        """Monthly frame indexed by month start [USD bn/month and %]."""
        return self._frame("monthly")

    @functools.cached_property
    def annual(self) -> pd.DataFrame:
        """Calendar-year frame indexed by year start [USD bn/year and %]."""
        return self._frame("annual")

    def _frame(self, frequency: str) -> pd.DataFrame:
        if frequency in self.periods:
            return quantile_frame(self.periods[frequency], self.quantiles)
        stamps, values = self.aggregate(frequency)
        dates = pd.DatetimeIndex(stamps.astype("datetime64[D]").astype("datetime64[ns]"), name="date")
        return pd.DataFrame({name: values[name] for name in VARIABLES if name in values}, index=dates)

    def effects(self, frequency: str = "annual") -> pd.DataFrame:
        """A what-if's effect with its range: the quantiles over paired draws of this scenario less the one it
        extends (named in ``uncertainty.effects.against``), indexed by quantile and date; flows [USD bn/year] or
        [USD bn/month], rates [percentage points]. Periods both scenarios cover with the same days only.

        Needs a Monte Carlo run of a scenario that extends another; :class:`ArgumentError` otherwise."""
        check_frequency("Result.effects", frequency)
        if self.uncertainty is None or self.uncertainty.effects is None:
            if self.uncertainty is None:
                why = "a point projection"
            elif self.scenario.extended is None:
                why = "a scenario that extends no other"
            else:
                why = "a what-if whose draws were not set against the scenario it extends (no whole month in common)"
            raise refuse(
                "Result.effects", "result", f"this is {why}; run a what-if with draws, such as run('deal', draws=2000)"
            )
        return quantile_frame(self.uncertainty.effects.periods[frequency], self.quantiles)

    def to_frame(self, frequency: str = "monthly") -> pd.DataFrame:
        """One tidy long table: ``scenario, date, variable, value, unit`` (+ ``quantile``); ``frequency`` 'monthly'
        [USD bn/month, %] or 'annual' [USD bn/year, %]."""
        check_frequency("Result.to_frame", frequency)
        frame = getattr(self, frequency)
        # built from the arrays rather than by DataFrame.melt, which cost a comparison of 14 scenarios a quarter of
        # a second; the rows are the same: variable by variable, each in the frame's row order
        names, rows = list(frame.columns), len(frame.index)
        long = {"scenario": np.full(rows * len(names), self.scenario.id, dtype=object)}
        long["date"] = np.tile(frame.index.get_level_values("date").to_numpy(), len(names))
        if "quantile" in frame.index.names:
            long["quantile"] = np.tile(frame.index.get_level_values("quantile").to_numpy(), len(names))
        long["variable"] = np.repeat(np.array(names, dtype=object), rows)
        long["value"] = frame.to_numpy(dtype=float).T.ravel()
        long["unit"] = np.repeat(np.array([unit(name, frequency) for name in names], dtype=object), rows)
        return pd.DataFrame(long)

    def wide(self) -> pd.DataFrame:
        """The monthly frame with the unit in every column name, for spreadsheets."""
        frame = self.monthly
        return frame.rename(columns={name: VARIABLES[name].heading("monthly") for name in frame.columns})
