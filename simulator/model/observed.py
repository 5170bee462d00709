"""Observed monthly US goods trade with China (Census), as shipped in ``seeds/``.

The 2024 months are the calibration baseline (their seasonal pattern carries into later
years); the months after 2024 are the estimation data and the backtest targets.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.inputs.locations import seeds_dir
from simulator.inputs.trade_data import MONTHLY_FILE, read

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
    rows = read((folder or seeds_dir()) / MONTHLY_FILE)
    months = np.array([row.month for row in rows], dtype="datetime64[M]")
    in_billions = lambda values: np.array(values, dtype=float) / 1000.0  # noqa: E731 - USD m -> USD bn
    return Observed(
        months,
        in_billions([row.imports for row in rows]),
        in_billions([row.exports for row in rows]),
        in_billions([row.balance for row in rows]),
    )


def calibration_months(folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The 12 months of the calibration year: (imports, exports) [USD bn/month], January first."""
    year = observed(folder).year(CALIBRATION_YEAR)
    if len(year.months) != 12:
        raise ValueError(f"{MONTHLY_FILE} must hold all 12 months of {CALIBRATION_YEAR}")
    return year.imports, year.exports
