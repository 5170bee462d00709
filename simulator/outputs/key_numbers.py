"""Key numbers: each calendar year of a projection, and its change against the 2024-tariff counterfactual.

The counterfactual is the bundled ``baseline-2024`` scenario (only the pre-2025 tariffs) run
over the same horizon with the same model parameters
(:func:`simulator.model.projection.counterfactual`), so a change isolates the 2025 tariffs. The
caller runs it and passes it in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.observed import Observed
from simulator.model.result import Result
from simulator.model.variables import VARIABLES

BASELINE_ID = "baseline-2024"
"""The bundled scenario that key numbers are compared with."""

MEASURES = {
    "imports": "us_imports_from_china",
    "exports": "us_exports_to_china",
    "balance": "us_trade_balance_with_china",
    "us_revenue": "us_tariff_revenue_from_china",
    "us_statutory_revenue": "us_statutory_tariff_revenue_from_china",
    "us_refunds": "us_tariff_refunds_to_importers",
    "us_net_revenue": "us_net_tariff_revenue_from_china",
    "china_revenue": "china_tariff_revenue_from_us",
    "us_rate": "us_effective_tariff_on_china",
    "china_rate": "china_effective_tariff_on_us",
}
"""Key-number columns and the variable each reads; flows are sums over the year's days, rates day averages."""
CHANGES = {
    "imports": "Imports",
    "exports": "Exports",
    "balance": "Balance",
    "us_revenue": "US duties collected",
    "us_net_revenue": "US duties net of refunds",
}
"""Columns also shown as a change against the baseline, with their short names: the duties collected in a year
before the refunds paid in it (from 2026 the IEEPA refunds take back most of a year's gain), and after them."""


def _heading(variable: str) -> tuple[str, str]:
    spec = VARIABLES[variable]
    return (f"{spec.label}, day average", "%") if spec.kind == "rate" else (spec.label, "USD bn")


COLUMNS = {
    "year": ("Year", ""),
    "days": ("Days in the horizon", "days"),
    "status": ("Census months in the year", "months"),
    **{column: _heading(variable) for column, variable in MEASURES.items()},
    **{
        f"{column}_change": (f"{name} against the path without the 2025 tariffs", "USD bn")
        for column, name in CHANGES.items()
    },
    "imports_census": ("US imports from China, Census", "USD bn"),
    "exports_census": ("US exports to China, Census", "USD bn"),
    "balance_census": ("US balance, Census", "USD bn"),
}
"""Every key-number column: (heading, unit)."""


def key_numbers(result: Result, baseline: Result, history: Observed | None = None) -> dict[str, np.ndarray]:
    """Per calendar year: flows [USD bn/year], day-averaged rates [%], and changes against ``baseline`` [USD bn/year].

    Partial years at either end of the horizon count only their days (see ``days``).
    Always the point projection; a Monte Carlo result's spread is in ``result.annual``. With
    ``history`` (the Census months), ``status`` counts the year's Census months (12: the year
    is observed; 0: projected) and the ``*_census`` columns hold the Census totals of observed years.
    """
    stamps, values = result.aggregate("annual")
    _, reference = baseline.aggregate("annual")
    _, days = np.unique(result.days.astype("datetime64[Y]"), return_counts=True)
    years = stamps.astype(int) + 1970
    table: dict[str, np.ndarray] = {"year": years, "days": days, "status": census_months(years, history)}
    for column, variable in MEASURES.items():
        table[column] = values[variable]
    for column in CHANGES:
        table[f"{column}_change"] = values[MEASURES[column]] - reference[MEASURES[column]]
    whole = [int(count) == whole_year_days(int(year)) for year, count in zip(years, days, strict=True)]
    for column, flow in (("imports_census", "imports"), ("exports_census", "exports"), ("balance_census", "balance")):
        # a year the horizon cuts has no Census total to set beside it: the model's figure counts only its days
        totals = [_census_total(history, int(year), flow) for year in years]
        table[column] = np.where(whole, totals, np.nan)
    return table


def years_recorded(days: np.ndarray, history: Observed | None) -> list[int]:
    """The calendar years of the day grid ``days`` whose every month on it Census has published (a horizon ending in
    June 2025 has all of its 2025 recorded)."""
    if history is None:
        return []
    months = np.unique(days.astype("datetime64[M]"))
    published = np.isin(months, history.months.astype("datetime64[M]"))
    years = months.astype("datetime64[Y]").astype(int) + 1970
    return [int(year) for year in np.unique(years) if published[years == year].all()]


def year_heading(year: int, days: int) -> str:
    """A calendar year as a table heads it: '2026', or '2026 (181 days)' where the horizon holds only ``days`` of it."""
    return str(year) if days == whole_year_days(year) else f"{year} ({days} days)"


def whole_year_days(year: int) -> int:
    """Days in a calendar year."""
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


def census_months(years: np.ndarray, history: Observed | None) -> np.ndarray:
    """How many months of each year Census has published (0 without the data)."""
    if history is None:
        return np.zeros(len(years), dtype=int)
    published = history.months.astype("datetime64[Y]").astype(int) + 1970
    return np.array([int(np.sum(published == year)) for year in years])


def _census_total(history: Observed | None, year: int, flow: str) -> float:
    if history is None:
        return float("nan")
    months = history.year(year)
    return float(np.sum(getattr(months, flow))) if len(months.months) == 12 else float("nan")


def key_frame(table: dict[str, np.ndarray]) -> pd.DataFrame:
    """The key numbers as a pandas DataFrame with ``heading [unit]`` column names."""
    return pd.DataFrame({heading(column): table[column] for column in COLUMNS})


CSV_NAMES = {
    "year": "year",
    "days": "horizon_days",
    "status": "census_months",
    **{
        column: f"{variable}_{'percent' if VARIABLES[variable].kind == 'rate' else 'usd_bn'}"
        for column, variable in MEASURES.items()
    },
    **{f"{column}_change": f"{MEASURES[column]}_vs_{BASELINE_ID.replace('-', '_')}_usd_bn" for column in CHANGES},
    "imports_census": "us_imports_from_china_census_usd_bn",
    "exports_census": "us_exports_to_china_census_usd_bn",
    "balance_census": "us_trade_balance_with_china_census_usd_bn",
}
"""Every key-number column as ``key-numbers.csv`` names it: snake_case, ending in its unit (rates are day averages
[%], flows sums over the year's days in the horizon [USD bn])."""


def key_csv_frame(table: dict[str, np.ndarray]) -> pd.DataFrame:
    """The key numbers as ``key-numbers.csv`` holds them, with :data:`CSV_NAMES` as column names."""
    return pd.DataFrame({CSV_NAMES[column]: table[column] for column in COLUMNS})


def heading(column: str) -> str:
    name, unit = COLUMNS[column]
    return f"{name} [{unit}]" if unit else name
