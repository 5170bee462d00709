"""What charts are drawn from: one bundle for a scenario, one for a comparison.

The report, ``Result.plot`` and ``Comparison.plot`` all build these bundles and hand them to
the chart registry (:mod:`simulator.outputs.charts`); a chart function reads what it needs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from simulator.inputs.facts import balance_2024
from simulator.inputs.scenario import Scenario
from simulator.model.backtest import Backtest, backtest
from simulator.model.observed import Observed, observed
from simulator.model.result import Result
from simulator.model.tariff_paths import TariffPaths, tariff_arrays
from simulator.outputs.incremental import reference_of
from simulator.uncertainty.scores import Forecast, is_current, read_cache
from simulator.uncertainty.tornado import Tornado, full_years, tornado


@dataclass(frozen=True, eq=False)
class ScenarioChartInputs:
    """Everything a chart of one scenario may draw.

    Attributes:
        result: the projection (with its Monte Carlo summary when draws were run).
        paths: the scenario's daily tariff rates [%].
        reference_balance: the 2024 US balance with China [USD bn], the line balances are read against.
        observed: the Census months [USD bn/month], drawn beside the projection where the horizon covers them.
        backtest: the model against the observed months, when the horizon covers any.
        tornado: each uncertain input's swing of the balance in the last full year, for draws runs.
        skill: the rolling-origin backtest of the model out of sample (the kept result, when it is current and the
            horizon covers the observed months).
    """

    result: Result
    paths: TariffPaths
    reference_balance: float
    observed: Observed
    backtest: Backtest | None = None
    tornado: Tornado | None = None
    skill: tuple[Forecast, ...] | None = None
    departs: dt.date | None = None
    """For a what-if: the first day its tariff rates differ from those of the scenario it extends."""

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    @property
    def draws(self) -> bool:
        """The result carries Monte Carlo draws."""
        return self.result.uncertainty is not None


@dataclass(frozen=True, eq=False)
class ComparisonChartInputs:
    """Everything a chart comparing scenarios may draw.

    Attributes:
        results: the scenarios' point projections, in the run's order.
        colours: one colour per scenario id, the same in every chart of a run.
        reference_balance: the 2024 US balance with China [USD bn].
        reference: the id of the scenario the others are drawn against (their difference from it).
        observed: the Census months [USD bn/month], drawn once, in black, for every scenario.
    """

    results: tuple[Result, ...]
    colours: dict[str, str]
    reference_balance: float
    reference: str = ""
    observed: Observed | None = None

    @property
    def reference_result(self) -> Result:
        """The result of the reference scenario (the first when none is named or it is not among them)."""
        return next((result for result in self.results if result.scenario.id == self.reference), self.results[0])


def scenario_chart_inputs(result: Result, *, with_tornado: bool = True) -> ScenarioChartInputs:
    """Gather what the charts of ``result``'s scenario need; the tornado only for draws runs over a whole year."""
    scenario = result.scenario
    swings = (
        tornado(scenario, year=full_years(scenario)[-1])
        if with_tornado and result.uncertainty and full_years(scenario)
        else None
    )
    test = backtest(result)
    paths = tariff_arrays(scenario)
    return ScenarioChartInputs(
        result,
        paths,
        balance_2024(),
        observed(),
        test,
        swings,
        kept_skill() if test else None,
        departure(scenario, paths),
    )


def departure(scenario: Scenario, paths: TariffPaths) -> dt.date | None:
    """The first day a what-if's tariff rates differ from those of the scenario it extends over the same days (None
    for a scenario that extends none, or one whose rates never differ: it changes parameters alone)."""
    if scenario.extended is None:
        return None
    theirs = tariff_arrays(dataclasses.replace(scenario.extended, start=scenario.start, end=scenario.end))
    differs = np.zeros(len(paths.days), dtype=bool)
    for direction, rates in paths.by_authority.items():
        for authority in set(rates) | set(theirs.by_authority[direction]):
            mine = rates.get(authority, np.zeros(len(paths.days)))
            other = theirs.by_authority[direction].get(authority, np.zeros(len(paths.days)))
            differs |= ~np.isclose(mine, other, rtol=0.0, atol=1e-9)
    found = np.flatnonzero(differs)
    return paths.days[found[0]].astype(dt.date) if len(found) else None


def kept_skill() -> tuple[Forecast, ...] | None:
    """The kept rolling-origin backtest, when it was computed from the current data and model."""
    if not is_current():
        return None
    kept = read_cache()
    return tuple(kept[1]) if kept else None


def comparison_chart_inputs(
    results: tuple[Result, ...] | list[Result], colours: dict[str, str], reference: str | None = None
) -> ComparisonChartInputs:
    """The bundle of a comparison; ``reference`` names the scenario the others are drawn against
    (:func:`reference_of` chooses when it is None or absent)."""
    ids = [result.scenario.id for result in results]
    return ComparisonChartInputs(tuple(results), colours, balance_2024(), reference_of(ids, reference), observed())
