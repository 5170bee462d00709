"""The estimation half of the public API: ``simulator.fit()`` and ``simulator.backtest()``.

Kept apart from :mod:`simulator.api` because the estimation needs scipy, which a projection, a
comparison or a report does not: ``simulator.run`` stays a lighter import.
"""

from __future__ import annotations

import pandas as pd

from simulator.model import estimation
from simulator.model.estimation import Fit
from simulator.outputs.skill import skill_rows
from simulator.uncertainty.rolling_origin import cached_backtest
from simulator.uncertainty.scores import scores

__all__ = ["backtest", "fit"]


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
