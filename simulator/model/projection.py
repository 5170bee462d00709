"""The point projection: scenario → dated tariff arrays → trade equations → :class:`Result`."""

from __future__ import annotations

import dataclasses

import numpy as np

from simulator.inputs.scenario import Scenario
from simulator.model import trade
from simulator.model.observed import calibration_months
from simulator.model.result import Result
from simulator.model.timeline import TariffPaths, tariff_arrays


def point_parameters(scenario: Scenario) -> dict[str, float]:
    """The scenario's parameters as plain numbers in model units (shares in [0, 1]), by registry name."""
    return scenario.parameters.numbers()


def project(
    days: np.ndarray,
    us_total: np.ndarray,
    us_base: float,
    china_total: np.ndarray,
    china_base: float,
    parameters: dict[str, np.ndarray | float],
) -> dict[str, np.ndarray]:
    """Daily flows [USD bn/day] for given daily total tariffs [%] and parameters (model units).

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
    response["tables"] = (
        trade.decay_table(response["adjustment_days"], len(days)),
        trade.decay_table(response["long_run_adjustment_days"], len(days)),
    )
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
        "us_imports_diverted_to_third_countries": trade.diverted(
            imports_counterfactual, imports, parameters["diversion_share"]
        ),
    }


def rate_series(
    us_total: np.ndarray, china_total: np.ndarray, us_headline: np.ndarray, china_headline: np.ndarray
) -> dict[str, np.ndarray]:
    """The reported rate variables [%]: effective totals and headline add-ons of both directions."""
    return {
        "us_effective_tariff_on_china": us_total,
        "china_effective_tariff_on_us": china_total,
        "us_additional_tariff_on_china": us_headline,
        "china_additional_tariff_on_us": china_headline,
    }


def project_paths(paths: TariffPaths, parameters: dict[str, np.ndarray | float]) -> dict[str, np.ndarray]:
    """Every reported variable, daily, for one set of tariff paths [USD bn/day and %]."""
    us_total, china_total = paths.total("us_on_china"), paths.total("china_on_us")
    series = project(
        paths.days, us_total, paths.base["us_on_china"], china_total, paths.base["china_on_us"], parameters
    )
    series.update(rate_series(us_total, china_total, paths.headline["us_on_china"], paths.headline["china_on_us"]))
    return series


def point_projection(scenario: Scenario) -> Result:
    """The scenario at its central parameters, its tariff path followed as written."""
    paths = tariff_arrays(scenario)
    return Result(scenario=scenario, days=paths.days, series=project_paths(paths, point_parameters(scenario)))


def counterfactual(reference: Scenario, scenario: Scenario) -> Scenario:
    """``reference`` (the 2024-tariffs scenario) over ``scenario``'s horizon with ``scenario``'s parameters.

    Compared with ``scenario``, a change isolates the effect of its tariffs.
    """
    return dataclasses.replace(reference, start=scenario.start, end=scenario.end, parameters=scenario.parameters)
