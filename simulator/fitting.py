"""The estimation half of the public API: ``simulator.fit()`` and ``simulator.backtest()``.

Kept apart from :mod:`simulator.api` because the estimation needs scipy, which a projection, a
comparison or a report does not: ``simulator.run`` stays a lighter import.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.inputs.problems import refuse
from simulator.inputs.trade_data import is_month
from simulator.model import estimation
from simulator.model.estimation import Fit
from simulator.model.observed import CALIBRATION_YEAR, observed
from simulator.outputs.skill import skill_rows
from simulator.uncertainty.rolling_origin import cached_backtest
from simulator.uncertainty.scores import scores

__all__ = ["backtest", "fit"]

MAX_STARTS = 20
"""The most starting points of the optimiser a fit takes, here and on the command line (``simulate fit --starts``)."""


def fit(last_month: str | None = None, starts: int = 1) -> Fit:
    """Estimate the behaviour parameters on the Census months (up to ``last_month``, 'YYYY-MM', if given).

    Returns the :class:`~simulator.model.estimation.Fit`: ``fit.frame()`` (each estimate and its 90% interval in the
    unit a scenario writes, e.g. 68.5 [%]), ``fit.parameters`` (every parameter in model units: shares as fractions
    of 1, elasticities as ratios, times in days), ``fit.estimates`` (mode, covariance, ``interval(name)``),
    ``fit.residuals`` (log deviations of each month). ``simulate fit`` runs the same and writes
    ``seeds/estimates.yaml``; this writes nothing. About 4 s per starting point.

    ``last_month`` must be a month of the record after the calibration year; ``starts`` a whole number from 1 to
    :data:`MAX_STARTS`, as ``simulate fit --starts`` takes (which starts from 3 by default, for the bundled estimates;
    one is quicker, and on the bundled record reaches the same mode). Anything else raises
    :class:`~simulator.inputs.problems.ArgumentError`.
    """
    months = observed().months
    first, last = np.datetime64(f"{CALIBRATION_YEAR + 1}-01", "M"), months[-1]
    if last_month is not None:
        if not isinstance(last_month, str) or not is_month(last_month):
            raise refuse(
                "fit", "last_month", f"expected a month written 'YYYY-MM', such as '2025-06', not {last_month!r}"
            )
        if not first <= np.datetime64(last_month, "M") <= last:
            raise refuse(
                "fit",
                "last_month",
                f"expected a month the record holds after the calibration year, {first} to {last}, not {last_month}",
            )
    if isinstance(starts, bool) or not isinstance(starts, int) or not 1 <= starts <= MAX_STARTS:
        raise refuse(
            "fit", "starts", f"expected a whole number of starting points from 1 to {MAX_STARTS}, not {starts!r}"
        )
    return estimation.fit(last_month, starts=starts)


def backtest(refresh: bool = False) -> pd.DataFrame:
    """The rolling-origin out-of-sample score (docs/model.md, "Out-of-sample skill") as a table.

    One row per forecaster (the model, each variant with a mechanism switched, the two naive
    benchmarks), flow and months ahead: MAPE and bias [%], and for the model the share of months
    its 50% and 90% ranges held [%]. The result kept in the project's ``seeds/backtest.json`` is
    used while the data, priors, documented path and model code it was computed from are
    unchanged; else (or with ``refresh``) it is computed again, which takes a few minutes, and
    that file is rewritten, as ``simulate backtest --refresh`` does.
    """
    if not isinstance(refresh, bool):  # refresh="no" is true, and started minutes of work that rewrite a seed file
        raise refuse("backtest", "refresh", f"expected True or False, not {refresh!r}")
    forecasts, _ = cached_backtest(refresh=refresh)
    return pd.DataFrame(skill_rows(scores(forecasts)))
