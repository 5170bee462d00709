"""The model against the observed months after the calibration year, inside a result's horizon.

This is the in-sample view (the parameters were estimated on these months, docs/model.md,
"Estimation"); the out-of-sample score is :mod:`simulator.uncertainty.rolling_origin`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.model.observed import CALIBRATION_YEAR, observed
from simulator.model.result import Result


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
