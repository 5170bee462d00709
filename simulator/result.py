"""The result of a projection: daily arrays, and pandas views built on demand.

Units (every frame says the same in its column list below):

- flows ``us_imports_from_china``, ``us_exports_to_china``, ``us_trade_balance_with_china``
  (exports − imports; negative is a deficit), ``us_tariff_revenue_from_china``,
  ``china_tariff_revenue_from_us``, ``us_imports_counterfactual``,
  ``us_exports_counterfactual`` and ``us_imports_diverted_to_third_countries``:
  [USD bn/day] in ``daily``, [USD bn/month] in ``monthly``, [USD bn/year] in ``annual``;
- rates ``us_effective_tariff_on_china`` and ``china_effective_tariff_on_us`` (base plus the
  coverage-weighted additional tariffs) and ``us_additional_tariff_on_china`` and
  ``china_additional_tariff_on_us`` (headline add-on): [%]. Monthly and annual rates are
  averages over days (time-weighted); the trade-weighted rate is revenue ÷ imports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.scenario import Scenario

FLOWS = (
    "us_imports_from_china",
    "us_exports_to_china",
    "us_trade_balance_with_china",
    "us_tariff_revenue_from_china",
    "china_tariff_revenue_from_us",
    "us_imports_counterfactual",
    "us_exports_counterfactual",
    "us_imports_diverted_to_third_countries",
)
RATES = (
    "us_effective_tariff_on_china",
    "china_effective_tariff_on_us",
    "us_additional_tariff_on_china",
    "china_additional_tariff_on_us",
)
VARIABLES = FLOWS + RATES


def unit(variable: str, frequency: str) -> str:
    """The unit of a variable at a frequency ('daily', 'monthly', 'annual')."""
    if variable in RATES:
        return "%"
    return {"daily": "USD bn/day", "monthly": "USD bn/month", "annual": "USD bn/year"}[frequency]


def period_starts(days: np.ndarray, frequency: str) -> tuple[np.ndarray, np.ndarray]:
    """Index of each month's (or year's) first day on the grid, and its number of days."""
    stamps = days.astype("datetime64[M]" if frequency == "monthly" else "datetime64[Y]")
    starts = np.flatnonzero(np.r_[True, stamps[1:] != stamps[:-1]])
    return starts, np.diff(np.r_[starts, len(days)])


def period_totals(days: np.ndarray, series: dict[str, np.ndarray], frequency: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Period starts and values per period: sums for flows, day averages for rates (over a trailing day axis)."""
    starts, lengths = period_starts(days, frequency)
    values = {}
    for name, array in series.items():
        total = np.add.reduceat(array, starts, axis=-1)
        values[name] = total / lengths if name in RATES else total
    return days[starts].astype("datetime64[M]" if frequency == "monthly" else "datetime64[Y]"), values


@dataclass(frozen=True, eq=False)
class Result:
    """A scenario's projection.

    Attributes:
        scenario: the scenario projected.
        days: the day grid [datetime64[D]].
        series: daily arrays of the point projection by variable name (see the module
            docstring for units).
        quantiles: for Monte Carlo runs, the quantile levels [%] (e.g. (5, 25, 50, 75, 95));
            empty for a point projection.
        draws, seed: number of Monte Carlo draws and the seed that reproduces them (0 and
            None for a point run).
        periods: for Monte Carlo runs, per frequency ('monthly', 'annual') the period starts
            and, by variable, the quantiles (quantiles × periods).

    ``daily``, ``monthly`` and ``annual`` are pandas DataFrames indexed by date (month start
    for ``monthly``, year start for ``annual``). In Monte Carlo runs ``monthly`` and ``annual``
    hold the quantiles, with a ``quantile`` index level, and ``daily`` the point projection;
    ``to_frame()`` is one tidy long table (with a ``quantile`` column in Monte Carlo runs).
    """

    scenario: Scenario
    days: np.ndarray
    series: dict[str, np.ndarray]
    quantiles: tuple[float, ...] = ()
    draws: int = 0
    seed: int | None = None
    periods: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ aggregation (numpy)

    def aggregate(self, frequency: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Period start dates and per-period values of the point projection: sums for flows, day averages for rates."""
        if frequency == "daily":
            return self.days, self.series
        return period_totals(self.days, self.series, frequency)

    # ------------------------------------------------------------ pandas views

    @functools.cached_property
    def daily(self):
        """Daily frame [USD bn/day and %]."""
        return self._frame("daily")

    @functools.cached_property
    def monthly(self):
        """Monthly frame indexed by month start [USD bn/month and %]."""
        return self._frame("monthly")

    @functools.cached_property
    def annual(self):
        """Calendar-year frame indexed by year start [USD bn/year and %]."""
        return self._frame("annual")

    def _frame(self, frequency: str):
        import pandas as pd

        stamps, values = self.periods[frequency] if frequency in self.periods else self.aggregate(frequency)
        dates = pd.DatetimeIndex(stamps.astype("datetime64[D]").astype("datetime64[ns]"), name="date")
        if frequency not in self.periods:
            return pd.DataFrame({name: values[name] for name in VARIABLES if name in values}, index=dates)
        frames = {
            level: pd.DataFrame({name: values[name][index] for name in VARIABLES if name in values}, index=dates)
            for index, level in enumerate(self.quantiles)
        }
        return pd.concat(frames, names=["quantile", "date"])

    # ------------------------------------------------------------ notebooks

    def key_numbers(self):
        """Per year: imports, exports, balance, revenue [USD bn], day-averaged rates [%] and changes against baseline-2024."""
        from simulator.summary import key_frame, key_numbers

        return key_frame(key_numbers(self))

    def plot(self, chart: str = "trade"):
        """A chart as a matplotlib Figure: 'tariffs', 'trade', 'balance', 'revenue', 'backtest', or with draws 'fan' and 'tornado'."""
        from simulator import charts

        if chart == "tariffs":
            from simulator.timeline import tariff_arrays

            return charts.tariff_chart(self.scenario, tariff_arrays(self.scenario))
        if chart == "trade":
            return charts.trade_chart(self)
        if chart == "balance":
            from simulator.facts import balance_2024

            return charts.balance_chart(self, balance_2024())  # type: ignore[arg-type]
        if chart == "revenue":
            return charts.revenue_chart(self)
        if chart == "backtest":
            from simulator.backtest import backtest

            test = backtest(self)
            if test is None:
                raise ValueError("the horizon holds no observed 2025 month to backtest against")
            return charts.backtest_chart(self, test)
        if chart in ("fan", "tornado") and not self.draws:
            raise ValueError(f"a {chart} chart needs Monte Carlo draws: simulator.run(scenario, draws=2000)")
        if chart == "fan":
            return charts.fan_chart(self)
        if chart == "tornado":
            from simulator.uncertainty import last_full_year, tornado

            year = last_full_year(self.scenario)
            central, swings = tornado(self.scenario, year=year)
            return charts.tornado_chart(self.scenario, central, swings, year)
        raise ValueError(f"unknown chart '{chart}' (expected tariffs, trade, balance, revenue, backtest, fan or tornado)")

    def _repr_html_(self) -> str:
        from simulator.display import key_numbers_html

        return key_numbers_html(self)

    def to_frame(self, frequency: str = "monthly"):
        """One tidy long table: ``scenario, date, variable, value, unit`` (+ ``quantile``)."""
        import pandas as pd

        frame = getattr(self, frequency)
        long = frame.reset_index().melt(id_vars=[name for name in ("quantile", "date") if name in frame.index.names], var_name="variable")
        long.insert(0, "scenario", self.scenario.id)
        long["unit"] = [unit(variable, frequency) for variable in long["variable"]]
        columns = ["scenario", "date", "variable", "value", "unit"]
        if "quantile" in long:
            columns.insert(2, "quantile")
        return pd.DataFrame(long[columns]).reset_index(drop=True)
