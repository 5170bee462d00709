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


def period_receipts(entered: np.ndarray, payment_lag_days: np.ndarray | int, starts: np.ndarray) -> np.ndarray:
    """:func:`receipts` summed over periods [USD bn/period], without the daily array: the periods begin on the days
    ``starts`` [indices, from 0] and the last runs to the end of the grid.

    A period [a, b) receives the duties entered on days a − L to b − L − 1, those before the grid at the first day's
    amount. Each draw's shifted periods are summed in one pass over the entered duties (Monte Carlo needs only the
    months), rather than shifting a copy of every draw's days first.
    """
    lag = np.maximum(np.asarray(payment_lag_days), 0)
    if entered.ndim == 1 and lag.ndim == 1:  # one series, a lag per draw: once per distinct lag
        values, which = np.unique(lag, return_inverse=True)
        return np.stack([period_receipts(entered, int(value), starts) for value in values.tolist()])[which]
    if not np.any(lag):
        return np.add.reduceat(entered, starts, axis=-1)
    count = entered.shape[-1]
    rows = np.ascontiguousarray(entered).reshape(-1, count)
    bounds = np.r_[starts, count] - np.broadcast_to(lag, entered.shape[:-1]).reshape(-1, 1)
    inside = np.maximum(bounds, 0)  # a bound is at most the grid's end: periods start inside it and lags are >= 0
    flat = rows.ravel()
    # one reduceat over all rows, each row's period bounds in turn (the sum from a row's last bound to the next row's
    # first is dropped); reduceat needs every index inside the array, so an end on the array's end is taken apart
    index = (inside + (np.arange(len(rows)) * count)[:, None]).ravel()
    end = int(index[-1])
    index[-1] = min(end, flat.size - 1)
    sums = np.add.reduceat(flat, index).reshape(inside.shape)[:, :-1]
    if end == flat.size:
        sums[-1, -1] = flat[index[-2] :].sum()
    sums = np.where(inside[:, 1:] > inside[:, :-1], sums, 0.0)  # reduceat gives an empty period one value, not 0
    sums += np.diff(np.minimum(bounds, 0)) * rows[:, :1]  # days received from before the grid
    return sums.reshape(*entered.shape[:-1], len(starts))


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
