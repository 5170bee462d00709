"""Observed monthly US goods trade with China (Census), as shipped in ``seeds/``.

The 2024 months are the calibration baseline (their seasonal pattern carries into later
years); the 2025 months are the backtest targets.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.inputs.locations import seeds_dir

MONTHLY_FILE = "us_china_goods_trade_monthly.csv"
CALIBRATION_YEAR = 2024


@dataclass(frozen=True)
class Observed:
    """Monthly observations [USD bn/month], by month start date [datetime64[M]]."""

    months: np.ndarray
    imports: np.ndarray
    exports: np.ndarray
    balance: np.ndarray

    def year(self, year: int) -> Observed:
        keep = self.months.astype("datetime64[Y]") == np.datetime64(str(year), "Y")
        return Observed(self.months[keep], self.imports[keep], self.exports[keep], self.balance[keep])


@functools.lru_cache(maxsize=4)
def observed(folder: Path | None = None) -> Observed:
    """The Census monthly series from ``seeds/us_china_goods_trade_monthly.csv``, in USD bn."""
    with open((folder or seeds_dir()) / MONTHLY_FILE, newline="") as handle:
        rows = list(csv.DictReader(handle))
    months = np.array([row["month"] for row in rows], dtype="datetime64[M]")
    column = lambda name: np.array([float(row[name]) for row in rows]) / 1000.0  # noqa: E731 - USD m -> USD bn
    return Observed(
        months,
        column("us_imports_from_china_musd"),
        column("us_exports_to_china_musd"),
        column("us_balance_with_china_musd"),
    )


def calibration_months(folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The 12 months of the calibration year: (imports, exports) [USD bn/month], January first."""
    year = observed(folder).year(CALIBRATION_YEAR)
    if len(year.months) != 12:
        raise ValueError(f"{MONTHLY_FILE} must hold all 12 months of {CALIBRATION_YEAR}")
    return year.imports, year.exports
