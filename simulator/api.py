"""The public API: the one place that turns ids and paths into scenarios and chooses a point run or Monte Carlo.

Everything here is re-exported by ``import simulator`` (lazily, so that importing the package
stays light)::

    scenario = simulator.load_scenario("documented-2025")
    paths = simulator.tariff_paths(scenario)       # daily tariff rates [%]
    result = simulator.run(scenario)               # result.monthly [USD bn/month], .plot("trade")
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import pandas as pd

from simulator.inputs.loading import load_file, locate
from simulator.inputs.loading import scenario_from_data as _from_data
from simulator.inputs.locations import bundled_ids
from simulator.inputs.problems import InputError
from simulator.inputs.scenario import Scenario as _Scenario
from simulator.model import estimation
from simulator.model.estimation import Fit
from simulator.model.projection import counterfactual, point_projection
from simulator.model.tariff_paths import paths_frame, tariff_arrays
from simulator.outputs.chart_parts import scenario_colours
from simulator.outputs.key_numbers import BASELINE_ID
from simulator.outputs.notebook import Comparison, Result, Scenario, presentable
from simulator.outputs.skill import skill_rows
from simulator.uncertainty import sweeps
from simulator.uncertainty.draws import monte_carlo
from simulator.uncertainty.quantiles import QUANTILES
from simulator.uncertainty.rolling_origin import cached_backtest, scores

__all__ = [
    "Comparison",
    "InputError",
    "Result",
    "Scenario",
    "backtest",
    "bundled_ids",
    "compare",
    "fit",
    "load_scenario",
    "run",
    "scenario_from_data",
    "sweep",
    "tariff_paths",
    "what_if",
]


def load_scenario(path_or_id: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario from a YAML path or a bundled id (``'geneva-truce'``).

    Raises :class:`InputError` listing every problem in the file and in the files it extends.
    """
    return presentable(load_file(locate(path_or_id)))


def scenario_from_data(data: dict[str, Any], scenario_id: str, name: str = "<code>") -> Scenario:
    """Validate a scenario given as Python data, exactly as a YAML file would be; ``data`` may hold ``extends``."""
    return presentable(_from_data(data, scenario_id, name))


def what_if(base: str, title: str, scenario_id: str = "what-if", **fields: Any) -> Scenario:
    """A scenario extending ``base`` (a bundled id or YAML path), built in code and checked exactly as a YAML file.

    ``fields`` are the scenario file's keys: ``tariffs``, ``parameters``, ``horizon``,
    ``events``, ``description``; values as in YAML (``"30%"``, ``{"fact": "..."}``).
    """
    return scenario_from_data({"title": title, "extends": base, **fields}, scenario_id)


def tariff_paths(scenario: _Scenario | str) -> pd.DataFrame:
    """Daily tariff paths as a pandas DataFrame indexed by day, in percent.

    Columns: ``us_additional_tariff_on_china`` and ``china_additional_tariff_on_us`` (headline
    add-on as reported), ``us_effective_additional_tariff_on_china`` and
    ``china_effective_additional_tariff_on_us`` (coverage-weighted sum of all measures) [%].
    """
    return paths_frame(tariff_arrays(_scenario(scenario)))


@functools.lru_cache(maxsize=1)
def _baseline() -> _Scenario:
    return load_file(locate(BASELINE_ID))


def run(
    scenario: _Scenario | str,
    draws: int = 0,
    seed: int | None = None,
    quantiles: tuple[float, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Project a scenario (or a bundled id / YAML path) day by day.

    With ``draws=0`` (the default) parameters take their point values and the tariff path is
    followed as written. With ``draws=N`` the result also holds quantiles (``quantiles``,
    default 5, 25, 50, 75, 95 [%]) of every monthly and annual output over N Monte Carlo draws
    of the uncertain parameters and truce renewals; the same ``seed`` gives the same
    quantiles. ``progress(done, total)`` is called after each chunk of draws.

    Returns a :class:`Result` (``monthly``, ``annual``, ``to_frame()``, ``plot()``,
    ``key_numbers()`` against ``baseline-2024`` over the same horizon and parameters).
    """
    scenario = _scenario(scenario)
    if draws < 0:
        raise ValueError(f"draws must be 0 (a point projection) or more, not {draws}")
    if quantiles is not None and (not all(0 <= level <= 100 for level in quantiles) or max(quantiles) <= 1):
        raise ValueError(f"quantiles are percent levels from 0 to 100, such as (5, 50, 95), not {tuple(quantiles)}")
    point = point_projection(scenario)
    baseline = point_projection(counterfactual(_baseline(), scenario))
    summary = monte_carlo(scenario, draws, seed, tuple(quantiles or QUANTILES), progress) if draws else None
    return Result(scenario, point.days, point.series, uncertainty=summary, baseline=baseline)


def compare(scenarios: Sequence[_Scenario | str], draws: int = 0, seed: int | None = None) -> Comparison:
    """Run each scenario (objects, bundled ids or YAML paths) and line them up."""
    loaded = [_scenario(item) for item in scenarios]
    results = tuple(run(scenario, draws=draws, seed=seed) for scenario in loaded)
    return Comparison(results, scenario_colours([scenario.id for scenario in loaded]))


def sweep(
    scenario: _Scenario | str,
    grid: Mapping[str, Sequence[Any]],
    executor: Executor | None = None,
    frequency: str = "annual",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Project ``scenario`` at every point of ``grid``; one tidy pandas table.

    Columns: ``scenario, point, <one per grid parameter>, date, variable, value, unit``, with
    grid values in the unit they are written in (% for shares and growth). ``executor`` is
    any ``concurrent.futures.Executor`` (default: a process pool on this machine's cores); a
    ``dask.distributed`` cluster serves through ``Client(...).get_executor()``.
    """
    return sweeps.sweep(_scenario(scenario), grid, executor=executor, frequency=frequency, progress=progress)


def baseline_scenario() -> _Scenario:
    """The bundled 2024-tariffs scenario that key numbers are compared with."""
    return _baseline()


def _scenario(scenario: _Scenario | str | os.PathLike[str]) -> Scenario:
    if isinstance(scenario, _Scenario):
        return presentable(scenario)
    return load_scenario(scenario)


def fit(last_month: str | None = None, starts: int = 1) -> Fit:
    """Estimate the behaviour parameters on the Census months (up to ``last_month``, 'YYYY-MM', if given).

    Returns the :class:`~simulator.model.estimation.Fit`: ``fit.parameters`` [model units],
    ``fit.estimates`` (mode, covariance, ``interval(name)``), ``fit.residuals`` (log deviations
    of each month). ``simulate fit`` runs the same and writes ``seeds/estimates.yaml``; this
    writes nothing. About 4 s per starting point.
    """
    return estimation.fit(last_month, starts=starts)


def backtest(refresh: bool = False) -> pd.DataFrame:
    """The rolling-origin out-of-sample score (docs/model.md, "Out-of-sample skill") as a table.

    One row per forecaster (the model, each variant with a mechanism switched, the two naive
    benchmarks), flow and months ahead: MAPE and bias [%], and for the model the share of months
    its 50% and 90% ranges held [%]. The kept result is used when current; else it is computed
    (a few minutes) and kept.
    """
    forecasts, _ = cached_backtest(refresh=refresh)
    return pd.DataFrame(skill_rows(scores(forecasts)))
