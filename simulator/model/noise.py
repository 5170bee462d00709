"""What the model does not explain: the monthly deviations of the record from the model, and how they carry on.

The fit (:mod:`simulator.model.estimation`) treats the log deviation of each observed month
from the model as an AR(1) process per flow: r(m) = ρ r(m − 1) + e(m), e ~ N(0, s²), with
``noise_persistence`` ρ and ``import_noise`` / ``export_noise`` s. After the last observed
month a projection starts from that month's deviation, fading as ρ^h after h months (the
anchor), and Monte Carlo draws add the innovations still to come. A shock moves the
counterfactual and the flow alike, so it changes levels, not the effect of tariffs.
"""

from __future__ import annotations

import numpy as np

FLOWS = ("imports", "exports")

PARAMETERS = ("import_noise", "export_noise", "noise_persistence")
"""The parameters of the deviations: they widen Monte Carlo draws; only the persistence moves a point projection."""


def months_after(days: np.ndarray, month: np.datetime64) -> np.ndarray:
    """Whole calendar months from ``month`` to each day's month (0 in that month, negative before)."""
    return (days.astype("datetime64[M]") - np.datetime64(month, "M")).astype(int)


def anchor_shocks(
    days: np.ndarray, month: np.datetime64, anchors: dict[str, float], persistence: np.ndarray | float
) -> dict[str, np.ndarray]:
    """The last observed deviations carried forward [log points per day]: ρ^h × r for the h-th month after ``month``.

    ``persistence`` (ρ, a share) may carry a draw axis; days up to ``month`` get 0.
    """
    ahead = months_after(days, month)
    later = ahead > 0
    rho = np.asarray(persistence, dtype=float)[..., None]
    decay = np.where(later, rho ** np.maximum(ahead, 0), 0.0)
    return {flow: anchors.get(flow, 0.0) * decay for flow in FLOWS}


def innovations(
    generator: np.random.Generator,
    count: int,
    months: int,
    spread: np.ndarray | float,
    persistence: np.ndarray | float,
) -> np.ndarray:
    """AR(1) deviations still to come, month by month after the last observed one [log points], draws × months.

    Each starts at 0 (the anchor carries the known deviation) and adds an innovation of
    ``spread`` (s) a month, the earlier ones fading at ``persistence`` (ρ).
    """
    spread = np.broadcast_to(np.asarray(spread, dtype=float), (count,))
    rho = np.broadcast_to(np.asarray(persistence, dtype=float), (count,))
    paths = np.zeros((count, months))
    shocks = generator.standard_normal((count, months)) * spread[:, None]
    level = np.zeros(count)
    for month in range(months):
        level = rho * level + shocks[:, month]
        paths[:, month] = level
    return paths


def daily_shocks(days: np.ndarray, month: np.datetime64, monthly: np.ndarray) -> np.ndarray:
    """Monthly deviations after ``month`` (draws × months) spread to each day of their month [log points]."""
    ahead = months_after(days, month)
    index = np.clip(ahead - 1, 0, max(monthly.shape[-1] - 1, 0))
    return np.where(ahead > 0, monthly[..., index], 0.0) if monthly.shape[-1] else np.zeros((len(monthly), len(days)))
