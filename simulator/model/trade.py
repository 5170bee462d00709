"""The trade model: pure numpy functions from daily tariffs and parameters to daily flows.

All functions work on a trailing day axis and broadcast over leading axes, so the same
code projects one path (shape ``(days,)``) or many Monte Carlo draws (``(draws, days)``).
The equations are written out in docs/model.md.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Steps:
    """A step function over a day grid: ``values[..., k]`` holds from day ``starts[k]`` until the next start.

    Tariffs change on a few days, so a quantity made from them for each draw (the duty buyers plan on) is kept
    per stretch, not per day: :func:`adjust` reads nothing else.
    """

    starts: np.ndarray
    """First day of each stretch [index on the grid], the first 0."""
    values: np.ndarray
    """Value in each stretch, shape (..., stretches)."""
    days: int
    """Days on the grid."""


def as_steps(signal: np.ndarray) -> Steps:
    """The step form of a signal with a trailing day axis."""
    starts = change_days(signal)
    return Steps(starts, signal[..., starts], signal.shape[-1])


def change_days(*signals: np.ndarray | float) -> np.ndarray:
    """The first day of each stretch over which none of ``signals`` (trailing day axis) changes [indices], from 0."""
    changed = None
    for signal in signals:
        signal = np.asarray(signal)
        if signal.ndim == 0:
            continue
        rows = signal.reshape(-1, signal.shape[-1])
        moved = (rows[:, 1:] != rows[:, :-1]).any(axis=0)
        changed = moved if changed is None else changed | moved
    return np.r_[0, np.flatnonzero(changed) + 1] if changed is not None else np.zeros(1, dtype=int)


def baseline_flow(
    days: np.ndarray, calibration: np.ndarray, growth: np.ndarray | float, deviation: np.ndarray | None = None
) -> np.ndarray:
    """Counterfactual daily flow [USD bn/day]: the calibration year's month, spread evenly over
    its days, grown by ``growth`` [share/year] per calendar year after (or before) 2024.

    ``calibration`` holds the 12 monthly values of 2024 [USD bn/month]; ``growth`` may carry
    leading draw axes. ``deviation``, when given, scales each calendar month of the grid by
    e^deviation [log points, shape (..., months of the grid)]: what the model does not explain.
    """
    months, month_index = np.unique(days.astype("datetime64[M]"), return_inverse=True)
    month_of_year = months.astype(int) % 12
    years = months.astype("datetime64[Y]").astype(int) + 1970 - 2024
    month_length = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(float)
    per_day = (calibration[month_of_year] / month_length)[month_index]
    # one power (and one exponential) per month and draw, then spread over the days: the per-day work is one product
    factor = (1.0 + np.asarray(growth)[..., None]) ** years
    if deviation is not None:
        factor = factor * np.exp(deviation)
    return per_day * factor[..., month_index]


def duty_factor(total_rate: np.ndarray, base_rate: float) -> np.ndarray:
    """Log of the duty factor relative to the pre-2025 base: ln((1 + τ) / (1 + τ0)).

    ``total_rate`` and ``base_rate`` in [%]; the result is 0 when only the base applies.
    """
    return np.log1p(total_rate / 100.0) - np.log1p(base_rate / 100.0)


def delayed(signal: np.ndarray, lag_days: np.ndarray | int) -> np.ndarray:
    """The signal ``lag_days`` whole days earlier (the first value stands for days before the grid).

    Orders placed on day t - lag clear customs on day t, so volumes answer the tariff of then.
    ``lag_days`` is one lag, or one per draw (a leading axis of the signal, or broadcast to it).
    """
    lag = np.maximum(np.asarray(lag_days), 0)
    count = signal.shape[-1]
    if lag.ndim == 0:  # one lag: a slice, no copies per draw
        lag = int(lag)
        if lag == 0:
            return signal
        first = np.repeat(signal[..., :1], min(lag, count), axis=-1)
        return np.concatenate([first, signal[..., : max(count - lag, 0)]], axis=-1)
    # one lag per draw: each run of equal lags is one block copy, a handful when the draws are
    # sorted by lag (see simulator.uncertainty.draws)
    edges = [0, *(np.flatnonzero(np.diff(lag)) + 1).tolist(), len(lag)]
    if signal.ndim == 1 or signal.shape[0] == 1:
        values, which = np.unique(lag, return_inverse=True)
        if len(values) < len(edges) - 1:
            # one signal shared by the draws, unsorted lags: delay it once per distinct lag (whole days take few
            # values) and give each draw its row
            return np.stack([delayed(signal.reshape(-1), int(value)) for value in values.tolist()])[which]
        signal = np.broadcast_to(signal, (len(lag), count))
    shifted = np.empty(signal.shape)
    for first, stop in itertools.pairwise(edges):
        days = min(int(lag[first]), count)
        shifted[first:stop, days:] = signal[first:stop, : count - days]
        shifted[first:stop, :days] = signal[first:stop, :1]
    return shifted


def delayed_fraction(signal: np.ndarray, lag_days: np.ndarray | float) -> np.ndarray:
    """The signal ``lag_days`` earlier, for a lag that need not be whole: between the two whole-day delays.

    A lag of 12.25 days is three quarters of the 12-day delay plus a quarter of the 13-day one,
    so the projection moves smoothly with the lag (the estimation needs that).
    """
    lag = np.maximum(np.asarray(lag_days, dtype=float), 0.0)
    whole = np.floor(lag)
    part = lag - whole
    whole = whole.astype(int)
    if not np.any(part):
        return delayed(signal, whole)
    early = delayed(signal, whole)
    if early is signal:
        early = early.copy()
    late = delayed(early, 1)  # a day later than the whole-day delay: one slice, whatever the lags
    part = part[..., None] if part.ndim else part
    # early + part × (late − early), in place: this runs on draws × days
    late -= early
    late *= part
    early += late
    return early


def ahead(signal: np.ndarray, days: np.ndarray | int) -> np.ndarray:
    """The signal ``days`` later (the last value stands for days after the grid); one count, or one per draw."""
    return np.flip(delayed(np.flip(signal, axis=-1), days), axis=-1)


def decay_table(time_constant_days: np.ndarray | float, count: int) -> np.ndarray:
    """exp(-k / T) for k = 1 … count: the share of a gap left after k days [ratio], per draw.

    Built as running products of exp(-1/T), a fifth of the cost of an exponential per cell;
    the relative error after k days is about k × 1e-16.
    """
    daily = np.exp(-1.0 / np.asarray(time_constant_days))[..., None]
    return np.cumprod(np.broadcast_to(daily, (*daily.shape[:-1], count)), axis=-1)


def adjust(
    signal: np.ndarray | Steps,
    time_constant_days: np.ndarray | float,
    table: np.ndarray | None = None,
    falling_table: np.ndarray | None = None,
) -> np.ndarray:
    """First-order partial adjustment of a state towards ``signal`` with the given time constant.

    Each day the state closes a share 1 - exp(-1/T) of its gap to the signal; it starts at
    the first value (in steady state). The signal is a step function, so each stretch between
    changes has the closed form ``target + (start - target) * exp(-k / T)``: the loop runs over
    the few change days, the arithmetic over whole stretches of days (and all draws) at once.
    ``signal`` is an array (trailing day axis) or its :class:`Steps`, which spares finding the change days.
    ``table`` is :func:`decay_table` for these time constants, when the caller already has it.
    ``falling_table``, when given, is the decay table used while the state falls towards a lower
    target: a tariff cut is answered more slowly than a rise (see :func:`import_value_factor`).
    """
    steps = signal if isinstance(signal, Steps) else as_steps(np.asarray(signal))
    days = steps.days
    scale = np.asarray(time_constant_days)[..., None]
    table = decay_table(time_constant_days, days) if table is None else table
    shape = np.broadcast_shapes((*steps.values.shape[:-1], days), (*scale.shape[:-1], days))
    if falling_table is not None:
        shape = np.broadcast_shapes(shape, falling_table.shape)
    bounds = [*steps.starts.tolist(), days]
    state = np.empty(shape)
    values = np.broadcast_to(steps.values, (*shape[:-1], len(steps.starts)))
    current = values[..., 0].copy()
    for index, (first, stop) in enumerate(itertools.pairwise(bounds)):
        target = values[..., index]
        stretch = state[..., first:stop]
        decay = table[..., : stop - first]
        if falling_table is not None:
            # the state moves monotonically within a stretch, so its direction is known at the start
            decay = np.where((target < current)[..., None], falling_table[..., : stop - first], decay)
        # in place: no temporaries of draws × days
        np.multiply((current - target)[..., None], decay, out=stretch)
        stretch += target[..., None]
        current = state[..., stop - 1]
    return state


def expected_duty(
    total_rate: np.ndarray, lapse_gap: np.ndarray | float, base_rate: float, lapse_probability: np.ndarray | float
) -> Steps:
    """Log duty factor that buyers plan on: ln((1 + τ + q·gap) / (1 + τ0)), per stretch of unchanged rates.

    During a truce window the rate may snap back by ``lapse_gap`` [%] when the window ends; a
    buyer who expects that with probability ``lapse_probability`` (q) answers the expected rate,
    so a window's cut is only partly believed. Outside windows the gap is 0 and this is the
    duty factor of :func:`duty_factor`. The rates change on a few days, so with a probability per
    draw the result is kept per stretch (:class:`Steps`), not per draw and day.
    """
    total_rate, lapse_gap = np.broadcast_arrays(np.asarray(total_rate, dtype=float), np.asarray(lapse_gap, dtype=float))
    starts = change_days(total_rate, lapse_gap)
    lapse = np.asarray(lapse_probability)
    lapse = lapse[..., None] if lapse.ndim else lapse
    values = np.log1p((total_rate[..., starts] + lapse * lapse_gap[..., starts]) / 100.0) - np.log1p(base_rate / 100.0)
    return Steps(starts, values, total_rate.shape[-1])


def anticipation(log_duty: np.ndarray, share: np.ndarray | float, days: np.ndarray | int) -> np.ndarray:
    """Log change of entries from buying ahead of a tariff rise and running stocks down after it [log ratio].

    ``share`` × (D(t + W) − 2 D(t) + D(t − W)) for the log duty factor D and a window of W
    ``days`` (whole days; one, or one per draw): in the W days before a rise of ΔD, entries are
    higher by share × ΔD; in the W days after, lower by as much, so the goods bought ahead are
    not bought again. Nothing is gained
    or lost over time; a cut works the other way round (purchases put off until it applies).
    """
    share = np.asarray(share)
    if not np.any(share):
        return np.zeros(np.broadcast_shapes(log_duty.shape, (*share.shape, 1)))
    share = share[..., None] if share.ndim else share
    window = np.asarray(days)
    if log_duty.ndim == 1 and window.ndim == 1:
        # one duty path, a window per draw: whole days take few values, so the second difference is worked out
        # once per value and each draw takes its row
        values, which = np.unique(window, return_inverse=True)
        change = np.stack([anticipation(log_duty, 1.0, int(value)) for value in values.tolist()])[which]
        change *= share
        return change
    return share * (ahead(log_duty, days) - 2.0 * log_duty + delayed(log_duty, days))


def import_value_factor(
    log_duty: np.ndarray,
    *,
    short_run_elasticity: np.ndarray | float,
    long_run_elasticity: np.ndarray | float,
    pass_through: np.ndarray | float,
    shipping_lag_days: np.ndarray | float,
    adjustment_days: np.ndarray | float,
    long_run_adjustment_days: np.ndarray | float,
    supplier_switching_elasticity: np.ndarray | float = 0.0,
    planned_duty: np.ndarray | None = None,
    anticipation_share: np.ndarray | float = 0.0,
    anticipation_days: np.ndarray | int = 0,
    tables: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None,
) -> np.ndarray:
    """Customs value of imports relative to the counterfactual [ratio], per day.

    The importer's duty-inclusive price moves by ``pass_through`` × the log duty factor; the
    exporter absorbs the rest, which lowers the customs (tariff-exclusive) value. Volume
    answers the price planned on when the goods were ordered (``planned_duty``: the expected
    duty of :func:`expected_duty`, or the duty itself), through a fast channel (the short-run
    elasticity plus the extra response of buyers switching to other countries' suppliers,
    ``supplier_switching_elasticity``) and a slow one (the rest of the long-run elasticity),
    delayed by the shipping lag. Entries also move with :func:`anticipation` of coming changes.
    ``tables`` are the :func:`decay_table` of the fast time constant, the slow one and the fast
    one while duties fall (None: as fast as they rise), shared by callers that project both flows.
    """
    pass_through = np.asarray(pass_through)[..., None]
    # the pass-through scales the volume response: folded into the elasticities, one number per draw
    fast_elasticity = (
        pass_through * (np.asarray(short_run_elasticity) + np.asarray(supplier_switching_elasticity))[..., None]
    )
    slow_elasticity = pass_through * (np.asarray(long_run_elasticity) - np.asarray(short_run_elasticity))[..., None]
    planned = as_steps(log_duty) if planned_duty is None else planned_duty
    # adjustment is time-invariant, so it commutes with the shipping delay: adjusting the shared
    # tariff signal first keeps its few change days (per-draw lags would multiply them)
    fast_table, slow_table, falling_table = tables or (None, None, None)
    fast = adjust(planned, adjustment_days, fast_table, falling_table)
    slow = adjust(planned, long_run_adjustment_days, slow_table)
    # log value = delayed(fast elasticity × fast + slow elasticity × slow), pass-through included; in place where
    # it can be, as this runs on draws × days (the delay adds the lags' draw axis itself)
    shape = np.broadcast_shapes(fast.shape, slow.shape, fast_elasticity.shape, slow_elasticity.shape)
    volume = np.multiply(fast_elasticity, fast, out=np.empty(shape))
    if slow.shape == shape:  # a fresh array of the full shape: scaled in place
        slow *= slow_elasticity
        volume += slow
    else:
        volume += slow_elasticity * slow
    log_value = delayed_fraction(volume, shipping_lag_days)
    log_value += (pass_through - 1.0) * log_duty  # the price the exporter absorbs lowers the customs value now
    if np.any(anticipation_share):
        ahead_buying = anticipation(log_duty, anticipation_share, anticipation_days)
        if np.broadcast_shapes(log_value.shape, ahead_buying.shape) == log_value.shape:
            log_value += ahead_buying
        else:
            log_value = log_value + ahead_buying
    return np.exp(log_value, out=log_value)


def tariff_revenue(total_rate: np.ndarray, import_value: np.ndarray) -> np.ndarray:
    """Duties collected [USD bn/day]: the effective total rate [%] times the customs value."""
    return (total_rate / 100.0) * import_value  # the rate is one path shared by the draws: divide it once


def diverted(counterfactual: np.ndarray, actual: np.ndarray, diversion_share: np.ndarray | float) -> np.ndarray:
    """Imports bought from third countries instead [USD bn/day]: a share of the lost imports."""
    share = np.asarray(diversion_share)[..., None]
    return share * (counterfactual - actual)
