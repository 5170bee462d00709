"""Tariff revenue: from duties at statutory rates to duties collected, by authority, and refunds.

Statutory duties are the effective rate times the customs value of the goods entered that day.
Customs collects less, and later (docs/model.md, "Revenue"):

- **in-transit relief**: goods already shipped when a rate rises pay the rate of their
  shipping day, while a cut applies at once, so the rate paid is the lower of today's rate
  and the rate ``in_transit_days`` earlier;
- **exemptions, exclusions, free-trade zones and under-valuation**: a collection share of the
  statutory duties is paid, calibrated on the duties collected in 2024 and June 2025;
- **timing**: most importers pay monthly, about ``payment_lag_days`` after their goods enter,
  so the Treasury receives a day's duties that many days later.

Refunds pay back a share of an ended authority's collected duties, evenly over their period.
All functions take a trailing day axis and broadcast over leading draw axes.
"""

from __future__ import annotations

import numpy as np

from simulator.model.tariff_paths import RefundPlan
from simulator.model.trade import delayed


def rate_paid(rate: np.ndarray, in_transit_days: np.ndarray | int) -> np.ndarray:
    """The rate goods entering each day pay [%]: today's rate, or the lower rate of their shipping day."""
    lag = np.asarray(in_transit_days)
    if rate.ndim == 1 and lag.ndim == 1:
        # one rate path and a transit time per draw: whole days take few values, so the rate paid is worked
        # out once per value and each draw picks its row
        values, which = np.unique(np.maximum(lag, 0), return_inverse=True)
        return np.stack([np.minimum(rate, delayed(rate, int(value))) for value in values])[which]
    return np.minimum(rate, delayed(rate, in_transit_days))


def duties(rate: np.ndarray, value: np.ndarray, collection_share: np.ndarray | float = 1.0) -> np.ndarray:
    """Duties on a day's entries [USD bn/day]: ``collection_share`` × rate [%] × customs value [USD bn/day]."""
    share = np.asarray(collection_share)[..., None] / 100.0
    found = np.multiply(rate, value)
    if np.broadcast_shapes(found.shape, share.shape) != found.shape:
        return found * share
    found *= share  # in place: this runs on draws × days
    return found


def receipts(entered: np.ndarray, payment_lag_days: np.ndarray | int) -> np.ndarray:
    """Duties as the Treasury receives them [USD bn/day]: each day's duties ``payment_lag_days`` later."""
    return delayed(entered, payment_lag_days)


def refunds(collected: np.ndarray, plan: RefundPlan) -> np.ndarray:
    """Refund payments [USD bn/day]: ``plan.share`` of all duties ``collected`` [USD bn/day], over the plan's days.

    Days of the plan outside the grid are paid outside the horizon (the total paid inside is
    then less than the refund).
    """
    count = collected.shape[-1]
    pool = plan.share * np.sum(collected, axis=-1, keepdims=True)
    days = np.zeros(count)
    days[max(plan.first, 0) : max(min(plan.first + plan.days, count), 0)] = 1.0 / plan.days
    return pool * days
