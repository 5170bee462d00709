"""Backtest: the model against the observed 2025 months, and the fit of the dynamics.

Only the shipping lag and the fast adjustment time are fitted (docs/model.md, "Fitting");
the elasticities, pass-through and diversion come from the literature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.inputs.scenario import Scenario
from simulator.model.observed import CALIBRATION_YEAR, observed
from simulator.model.projection import point_parameters, project
from simulator.model.result import Result
from simulator.model.tariff_paths import tariff_arrays

FIT_FIRST_MONTH = np.datetime64("2025-02", "M")
FIT_LAST_MONTH = np.datetime64("2025-06", "M")
"""The dynamics were fitted on February–June 2025, the months observed when they were chosen (docs/model.md)."""
"""January 2025 is left out of the fit: no 2025 tariff was in force until 4 February, and
imports jumped 16% y/y on buying ahead of expected tariffs, which the model does not cover."""
FIT_LAGS = tuple(range(0, 61, 5))
FIT_ADJUSTMENTS = (5, 10, 15, 20, 30, 45, 60, 90, 120)


@dataclass(frozen=True)
class Backtest:
    """Observed months after the calibration year next to the model [USD bn/month].

    ``*_error`` is model ÷ actual − 1 [share].
    """

    months: np.ndarray
    imports_actual: np.ndarray
    imports_model: np.ndarray
    imports_counterfactual: np.ndarray
    exports_actual: np.ndarray
    exports_model: np.ndarray
    exports_counterfactual: np.ndarray

    @property
    def imports_error(self) -> np.ndarray:
        return self.imports_model / self.imports_actual - 1.0

    @property
    def exports_error(self) -> np.ndarray:
        return self.exports_model / self.exports_actual - 1.0

    def frame(self) -> pd.DataFrame:
        """The backtest as a pandas DataFrame indexed by month, errors in [%]."""
        index = pd.DatetimeIndex(self.months.astype("datetime64[D]").astype("datetime64[ns]"), name="month")
        return pd.DataFrame(
            {
                "imports_actual": self.imports_actual,
                "imports_model": self.imports_model,
                "imports_error_percent": 100 * self.imports_error,
                "exports_actual": self.exports_actual,
                "exports_model": self.exports_model,
                "exports_error_percent": 100 * self.exports_error,
            },
            index=index,
        )


def backtest(result: Result) -> Backtest | None:
    """Compare a result with every observed month after the calibration year inside its horizon."""
    months, values = result.aggregate("monthly")
    history = observed()
    after = history.months[history.months >= np.datetime64(str(CALIBRATION_YEAR + 1), "M")]
    wanted = after[np.isin(after, months)]
    # only whole months count: the horizon must contain the month's first and last day
    wanted = wanted[
        (wanted.astype("datetime64[D]") >= result.days[0])
        & ((wanted + 1).astype("datetime64[D]") - 1 <= result.days[-1])
    ]
    if not len(wanted):
        return None
    model = np.searchsorted(months, wanted)
    data = np.searchsorted(history.months, wanted)
    return Backtest(
        wanted,
        history.imports[data],
        values["us_imports_from_china"][model],
        values["us_imports_counterfactual"][model],
        history.exports[data],
        values["us_exports_to_china"][model],
        values["us_exports_counterfactual"][model],
    )


def fit_loss(test: Backtest) -> float:
    """Sum of squared log errors of imports and exports over the fitted months."""
    keep = (test.months >= FIT_FIRST_MONTH) & (test.months <= FIT_LAST_MONTH)
    return float(np.sum(np.log1p(test.imports_error[keep]) ** 2) + np.sum(np.log1p(test.exports_error[keep]) ** 2))


def fit_dynamics(scenario: Scenario, lags=FIT_LAGS, adjustments=FIT_ADJUSTMENTS) -> list[tuple[float, int, float]]:
    """Loss for every (shipping lag, adjustment time) pair, best first: ``(loss, lag, days)``.

    The other parameters stay at the scenario's values.
    """
    paths = tariff_arrays(scenario)
    grid = []
    for lag in lags:
        for adjustment in adjustments:
            parameters = dict(point_parameters(scenario), shipping_lag_days=lag, adjustment_days=adjustment)
            series = project(paths, parameters)
            test = backtest(Result(scenario, paths.days, series))
            grid.append((fit_loss(test), lag, adjustment))  # type: ignore[arg-type]
    return sorted(grid)
