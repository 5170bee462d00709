"""What the model does not explain: the monthly deviations of the record from the model, and how they carry on.

The fit (:mod:`simulator.model.estimation`) treats the log deviation of each observed month
from the model as an AR(1) process per flow: r(m) = ρ r(m − 1) + e(m), e ~ N(0, s²), with
``noise_persistence`` ρ and ``import_noise`` / ``export_noise`` s. After the last observed
month a projection starts from that month's deviation, fading as ρ^h after h months (the
anchor), and Monte Carlo draws add the innovations still to come. A shock moves the
counterfactual and the flow alike, so it changes levels, not the effect of tariffs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.inputs.estimates import Estimates
from simulator.inputs.parameters import PARAMETERS as REGISTRY

FLOWS = ("imports", "exports")

PARAMETERS = ("import_noise", "export_noise", "noise_persistence")
"""The parameters of the deviations: they widen Monte Carlo draws; only the persistence moves a point projection."""


def spread_widening(estimates: Estimates) -> float:
    """How much wider than the fitted spread the deviations still to come are drawn [ratio]: √(n ÷ (n − p)).

    The spreads are fitted to the residuals of a model fitted to the same months, which understates them, as a
    variance divided by n rather than n − k does. Here n is the months of both flows the fit read, and p the number
    of parameters of the model's mean that the record determined: Σ (1 − posterior variance ÷ prior variance) over
    them, the effective number of parameters of a Bayesian fit (Spiegelhalter, Best, Carlin & van der Linde 2002).
    With twelve months p is about 4.7 and the spreads are drawn about 12% wider; with five months, about 40%.
    """
    months = int((estimates.anchor_month - estimates.first_month).astype(int)) + 1
    learned = 0.0
    for index, name in enumerate(estimates.names):
        if name in PARAMETERS:
            continue
        prior = REGISTRY[name].prior_spread()
        learned += max(0.0, 1.0 - float(estimates.covariance[index, index]) / prior**2)
    observations = 2 * months
    return math.sqrt(observations / max(observations - learned, 1.0))


def months_after(days: np.ndarray, month: np.datetime64) -> np.ndarray:
    """Whole calendar months from ``month`` to each day's month (0 in that month, negative before)."""
    return (days.astype("datetime64[M]") - np.datetime64(month, "M")).astype(int)


@dataclass(frozen=True)
class Deviations:
    """Deviations of the flows from the model, one value per calendar month of a day grid [log points].

    A deviation is constant within its month, so it is kept per month (the exponential is taken
    once a month, not once a day) and spread to the days only where it scales the counterfactual.
    """

    month_of_day: np.ndarray
    """Index of each day's month on the month axis [index], shape (days,)."""
    imports: np.ndarray
    """US imports from China [log points], shape (..., months)."""
    exports: np.ndarray
    """US exports to China [log points], shape (..., months)."""


def grid_months(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The calendar months of a day grid (as ``datetime64[M]``) and each day's index among them."""
    return np.unique(days.astype("datetime64[M]"), return_inverse=True)


def anchor_shocks(
    days: np.ndarray, month: np.datetime64, anchors: dict[str, float], persistence: np.ndarray | float
) -> Deviations:
    """The last observed deviations carried forward: ρ^h × r for the h-th month after ``month`` [log points].

    ``persistence`` (ρ, a share) may carry a draw axis; months up to ``month`` get 0.
    """
    months, month_of_day = grid_months(days)
    ahead = months_after(months, month)
    rho = np.asarray(persistence, dtype=float)[..., None]
    decay = np.where(ahead > 0, rho ** np.maximum(ahead, 0), 0.0)
    return Deviations(month_of_day, anchors.get("imports", 0.0) * decay, anchors.get("exports", 0.0) * decay)


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
    # drawn month by month, so a longer horizon adds months and leaves the earlier ones' numbers as they were
    shocks = generator.standard_normal((months, count)).T * spread[:, None]
    level = np.zeros(count)
    for month in range(months):
        level = rho * level + shocks[:, month]
        paths[:, month] = level
    return paths


def with_innovations(
    deviations: Deviations, days: np.ndarray, month: np.datetime64, flow: str, monthly: np.ndarray
) -> np.ndarray:
    """``flow``'s deviations plus innovations for the months after ``month`` (draws × months after it) [log points]."""
    months, _ = grid_months(days)
    ahead = months_after(months, month)
    index = np.clip(ahead - 1, 0, max(monthly.shape[-1] - 1, 0))
    added = np.where(ahead > 0, monthly[..., index], 0.0) if monthly.shape[-1] else 0.0
    return getattr(deviations, flow) + added
