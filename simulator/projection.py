"""The orchestrator: scenario → dated tariff arrays → trade model → :class:`Result`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator import trade
from simulator.history import calibration_months
from simulator.result import Result
from simulator.scenario import Scenario
from simulator.timeline import tariff_arrays

MODEL_PARAMETERS = (
    "short_run_elasticity",
    "long_run_elasticity",
    "pass_through",
    "shipping_lag_days",
    "adjustment_days",
    "long_run_adjustment_years",
    "import_growth",
    "export_growth",
    "diversion_share",
)


def point_parameters(scenario: Scenario) -> dict[str, float]:
    """The scenario's parameters as plain numbers (shares in [0, 1])."""
    return {name: scenario.parameters.number(name) for name in MODEL_PARAMETERS}


def project(days: np.ndarray, us_total: np.ndarray, us_base: float, china_total: np.ndarray, china_base: float,
            parameters: dict[str, np.ndarray | float]) -> dict[str, np.ndarray]:
    """Daily flows [USD bn/day] for given daily total tariffs [%] and parameters.

    Parameters may be scalars or arrays with a leading draw axis; tariffs may carry it too.
    """
    calibration_imports, calibration_exports = calibration_months()
    response = {
        "short_run_elasticity": parameters["short_run_elasticity"],
        "long_run_elasticity": parameters["long_run_elasticity"],
        "pass_through": parameters["pass_through"],
        "shipping_lag_days": np.rint(parameters["shipping_lag_days"]).astype(int),
        "adjustment_days": parameters["adjustment_days"],
        "long_run_adjustment_days": np.asarray(parameters["long_run_adjustment_years"]) * trade.DAYS_PER_YEAR,
    }
    # both flows share the adjustment speeds: their decay tables are computed once
    response["tables"] = (trade.decay_table(response["adjustment_days"], len(days)),
                          trade.decay_table(response["long_run_adjustment_days"], len(days)))
    imports_counterfactual = trade.baseline_flow(days, calibration_imports, parameters["import_growth"])
    exports_counterfactual = trade.baseline_flow(days, calibration_exports, parameters["export_growth"])
    imports = imports_counterfactual * trade.import_value_factor(trade.duty_factor(us_total, us_base), **response)
    exports = exports_counterfactual * trade.import_value_factor(trade.duty_factor(china_total, china_base), **response)
    return {
        "us_imports_from_china": imports,
        "us_exports_to_china": exports,
        "us_trade_balance_with_china": exports - imports,
        "us_tariff_revenue_from_china": trade.tariff_revenue(us_total, imports),
        "china_tariff_revenue_from_us": trade.tariff_revenue(china_total, exports),
        "us_imports_counterfactual": np.broadcast_to(imports_counterfactual, imports.shape),
        "us_exports_counterfactual": np.broadcast_to(exports_counterfactual, exports.shape),
        "us_imports_diverted_to_third_countries": trade.diverted(imports_counterfactual, imports, parameters["diversion_share"]),
    }


def run(scenario: Scenario | str, draws: int = 0, seed: int | None = None, quantiles: tuple[float, ...] | None = None,
        progress: Callable[[int, int], None] | None = None) -> Result:
    """Project a scenario (or a bundled id / YAML path) day by day.

    With ``draws=0`` (the default) parameters take their point values and the tariff path is
    followed as written. With ``draws=N`` the result also holds quantiles (``quantiles``,
    default 5, 25, 50, 75, 95 [%]) of every monthly and annual output over N Monte Carlo draws
    of the uncertain parameters and truce renewals (:mod:`simulator.uncertainty`); the same
    ``seed`` gives the same quantiles. ``progress(done, total)`` is called after each chunk.

    Returns a :class:`~simulator.result.Result` (``monthly``, ``annual``, ``to_frame()``).
    """
    if isinstance(scenario, str):
        from simulator.loading import load_scenario

        scenario = load_scenario(scenario)
    if draws < 0:
        raise ValueError(f"draws must be 0 (a point projection) or more, not {draws}")
    if quantiles is not None and (not all(0 <= level <= 100 for level in quantiles) or max(quantiles) <= 1):
        raise ValueError(f"quantiles are percent levels from 0 to 100, such as (5, 50, 95), not {tuple(quantiles)}")
    paths = tariff_arrays(scenario)
    us_total, china_total = paths.total("us_on_china"), paths.total("china_on_us")
    series = project(paths.days, us_total, paths.base["us_on_china"], china_total, paths.base["china_on_us"], point_parameters(scenario))
    series["us_effective_tariff_on_china"] = us_total
    series["china_effective_tariff_on_us"] = china_total
    series["us_additional_tariff_on_china"] = paths.headline["us_on_china"]
    series["china_additional_tariff_on_us"] = paths.headline["china_on_us"]
    if not draws:
        return Result(scenario=scenario, days=paths.days, series=series)
    from simulator.uncertainty import QUANTILES, monte_carlo

    outcome = monte_carlo(scenario, draws, seed, tuple(quantiles or QUANTILES), progress)
    return Result(scenario=scenario, days=paths.days, series=series, quantiles=outcome.quantiles, draws=draws, seed=outcome.seed,
                  periods=outcome.periods, extras={"draws": outcome})
