"""Key numbers: each calendar year of a projection, and its change against the 2024-tariff counterfactual.

The counterfactual is the bundled ``baseline-2024`` scenario (only the pre-2025 tariffs) run
over the same horizon with the same model parameters
(:func:`simulator.model.projection.counterfactual`), so a change isolates the 2025 tariffs. The
caller runs it and passes it in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.result import Result
from simulator.model.variables import VARIABLES

BASELINE_ID = "baseline-2024"
"""The bundled scenario that key numbers are compared with."""

MEASURES = {
    "imports": "us_imports_from_china",
    "exports": "us_exports_to_china",
    "balance": "us_trade_balance_with_china",
    "us_revenue": "us_tariff_revenue_from_china",
    "china_revenue": "china_tariff_revenue_from_us",
    "us_rate": "us_effective_tariff_on_china",
    "china_rate": "china_effective_tariff_on_us",
}
"""Key-number columns and the variable each reads; flows are sums over the year's days, rates day averages."""
CHANGES = {"imports": "Imports", "exports": "Exports", "balance": "Balance", "us_revenue": "US revenue"}
"""Columns also shown as a change against the baseline, with their short names."""


def _heading(variable: str) -> tuple[str, str]:
    spec = VARIABLES[variable]
    return (f"{spec.label}, day average", "%") if spec.kind == "rate" else (spec.label, "USD bn")


COLUMNS = {
    "year": ("Year", ""),
    "days": ("Days in the horizon", "days"),
    **{column: _heading(variable) for column, variable in MEASURES.items()},
    **{f"{column}_change": (f"{name} vs {BASELINE_ID}", "USD bn") for column, name in CHANGES.items()},
}
"""Every key-number column: (heading, unit)."""


def key_numbers(result: Result, baseline: Result) -> dict[str, np.ndarray]:
    """Per calendar year: flows [USD bn/year], day-averaged rates [%], and changes against ``baseline`` [USD bn/year].

    Partial years at either end of the horizon count only their days (see ``days``).
    Always the point projection; a Monte Carlo result's spread is in ``result.annual``.
    """
    stamps, values = result.aggregate("annual")
    _, reference = baseline.aggregate("annual")
    _, days = np.unique(result.days.astype("datetime64[Y]"), return_counts=True)
    table: dict[str, np.ndarray] = {"year": stamps.astype(int) + 1970, "days": days}
    for column, variable in MEASURES.items():
        table[column] = values[variable]
    for column in CHANGES:
        table[f"{column}_change"] = values[MEASURES[column]] - reference[MEASURES[column]]
    return table


def key_frame(table: dict[str, np.ndarray]) -> pd.DataFrame:
    """The key numbers as a pandas DataFrame with ``heading [unit]`` column names."""
    return pd.DataFrame({heading(column): table[column] for column in COLUMNS})


def heading(column: str) -> str:
    name, unit = COLUMNS[column]
    return f"{name} [{unit}]" if unit else name
