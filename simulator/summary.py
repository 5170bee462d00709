"""Key numbers: each calendar year of a projection, and its change against the 2024-tariff counterfactual.

The counterfactual is the bundled ``baseline-2024`` scenario (only the pre-2025 tariffs) run
over the same horizon with the same model parameters, so a change isolates the 2025 tariffs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from simulator.result import Result
from simulator.scenario import Scenario

BASELINE_ID = "baseline-2024"

COLUMNS = {
    "year": ("Year", ""),
    "days": ("Days in the horizon", "days"),
    "imports": ("US imports from China", "USD bn"),
    "exports": ("US exports to China", "USD bn"),
    "balance": ("US balance (exports − imports)", "USD bn"),
    "us_revenue": ("US tariff revenue", "USD bn"),
    "china_revenue": ("China's tariff revenue", "USD bn"),
    "us_rate": ("US effective tariff, day average", "%"),
    "china_rate": ("China's effective tariff, day average", "%"),
    "imports_change": ("Imports vs baseline-2024", "USD bn"),
    "exports_change": ("Exports vs baseline-2024", "USD bn"),
    "balance_change": ("Balance vs baseline-2024", "USD bn"),
    "us_revenue_change": ("US revenue vs baseline-2024", "USD bn"),
}
"""Key-number columns: (heading, unit). Flows are sums over the year's days in the horizon."""

_SOURCES = {
    "imports": "us_imports_from_china",
    "exports": "us_exports_to_china",
    "balance": "us_trade_balance_with_china",
    "us_revenue": "us_tariff_revenue_from_china",
    "china_revenue": "china_tariff_revenue_from_us",
    "us_rate": "us_effective_tariff_on_china",
    "china_rate": "china_effective_tariff_on_us",
}


def baseline_scenario(scenario: Scenario) -> Scenario:
    """``baseline-2024`` over ``scenario``'s horizon with ``scenario``'s parameters."""
    from simulator.loading import load_scenario

    baseline = load_scenario(BASELINE_ID)
    return dataclasses.replace(baseline, start=scenario.start, end=scenario.end, parameters=scenario.parameters)


def baseline_result(result: Result) -> Result:
    """The counterfactual run that :func:`key_numbers` compares ``result`` with."""
    from simulator.projection import run

    return run(baseline_scenario(result.scenario))


def key_numbers(result: Result, baseline: Result | None = None) -> dict[str, np.ndarray]:
    """Per calendar year: flows [USD bn/year], day-averaged rates [%], and changes against the baseline [USD bn/year].

    Partial years at either end of the horizon count only their days (see ``days``).
    Always the point projection; a Monte Carlo result's spread is in ``result.annual``.
    """
    baseline = baseline if baseline is not None else baseline_result(result)
    stamps, values = _annual(result)
    _, reference = _annual(baseline)
    _, days = np.unique(result.days.astype("datetime64[Y]"), return_counts=True)
    table: dict[str, np.ndarray] = {"year": stamps.astype(int) + 1970, "days": days}
    for column, variable in _SOURCES.items():
        table[column] = values[variable]
    for column in ("imports", "exports", "balance", "us_revenue"):
        table[f"{column}_change"] = values[_SOURCES[column]] - reference[_SOURCES[column]]
    return table


def _annual(result: Result) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    return result.aggregate("annual")  # the point projection, also in Monte Carlo runs


def key_frame(table: dict[str, np.ndarray]):
    """The key numbers as a pandas DataFrame with ``heading [unit]`` column names."""
    import pandas as pd

    return pd.DataFrame({heading(column): table[column] for column in COLUMNS})


def heading(column: str) -> str:
    name, unit = COLUMNS[column]
    return f"{name} [{unit}]" if unit else name
