"""The trade model: pure numpy functions from daily tariffs and parameters to daily flows.

All functions work on a trailing day axis and broadcast over leading axes, so the same
code projects one path (shape ``(days,)``) or many Monte Carlo draws (``(draws, days)``).
The equations are written out in docs/model.md.
"""

from __future__ import annotations

import itertools

import numpy as np

DAYS_PER_YEAR = 365.25


def baseline_flow(days: np.ndarray, calibration: np.ndarray, growth: np.ndarray | float) -> np.ndarray:
    """Counterfactual daily flow [USD bn/day]: the calibration year's month, spread evenly over
    its days, grown by ``growth`` [share/year] per calendar year after (or before) 2024.

    ``calibration`` holds the 12 monthly values of 2024 [USD bn/month]; ``growth`` may carry
    leading draw axes.
    """
    months = days.astype("datetime64[M]")
    month_of_year = months.astype(int) % 12
    years, year_index = np.unique(months.astype("datetime64[Y]").astype(int) + 1970 - 2024, return_inverse=True)
    month_length = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(float)
    per_day = calibration[month_of_year] / month_length
    growth = np.asarray(growth)[..., None]
    # one power per year and draw, then spread over the days (the power is the costly step)
    return per_day * ((1.0 + growth) ** years)[..., year_index]


def duty_factor(total_rate: np.ndarray, base_rate: float) -> np.ndarray:
    """Log of the duty factor relative to the pre-2025 base: ln((1 + τ) / (1 + τ0)).

    ``total_rate`` and ``base_rate`` in [%]; the result is 0 when only the base applies.
    """
    return np.log1p(total_rate / 100.0) - np.log1p(base_rate / 100.0)


def delayed(signal: np.ndarray, lag_days: np.ndarray | int) -> np.ndarray:
    """The signal ``lag_days`` earlier (the first value stands for days before the grid).

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
    signal = np.broadcast_to(signal, (len(lag), count))
    shifted = np.empty(signal.shape)
    edges = [0, *(np.flatnonzero(np.diff(lag)) + 1).tolist(), len(lag)]
    for first, stop in itertools.pairwise(edges):
        days = min(int(lag[first]), count)
        shifted[first:stop, days:] = signal[first:stop, : count - days]
        shifted[first:stop, :days] = signal[first:stop, :1]
    return shifted


def decay_table(time_constant_days: np.ndarray | float, count: int) -> np.ndarray:
    """exp(-k / T) for k = 1 … count: the share of a gap left after k days [ratio], per draw.

    Built as running products of exp(-1/T), a fifth of the cost of an exponential per cell;
    the relative error after k days is about k × 1e-16.
    """
    daily = np.exp(-1.0 / np.asarray(time_constant_days))[..., None]
    return np.cumprod(np.broadcast_to(daily, (*daily.shape[:-1], count)), axis=-1)


def adjust(signal: np.ndarray, time_constant_days: np.ndarray | float, table: np.ndarray | None = None) -> np.ndarray:
    """First-order partial adjustment of a state towards ``signal`` with the given time constant.

    Each day the state closes a share 1 - exp(-1/T) of its gap to the signal; it starts at
    the first value (in steady state). The signal is a step function, so each stretch between
    changes has the closed form ``target + (start - target) * exp(-k / T)``: the loop runs over
    the few change days, the arithmetic over whole stretches of days (and all draws) at once.
    ``table`` is :func:`decay_table` for these time constants, when the caller already has it.
    """
    signal = np.asarray(signal)
    scale = np.asarray(time_constant_days)[..., None]
    table = decay_table(time_constant_days, signal.shape[-1]) if table is None else table
    shape = np.broadcast_shapes(signal.shape, (*scale.shape[:-1], signal.shape[-1]))
    signal = np.broadcast_to(signal, shape)
    rows = signal.reshape(-1, shape[-1])
    changed = np.flatnonzero((rows[:, 1:] != rows[:, :-1]).any(axis=0)) + 1
    bounds = [0, *changed.tolist(), shape[-1]]
    state = np.empty(shape)
    current = signal[..., 0].copy()
    for first, stop in itertools.pairwise(bounds):
        target = signal[..., first]
        stretch = state[..., first:stop]
        # in place: no temporaries of draws × days
        np.multiply((current - target)[..., None], table[..., : stop - first], out=stretch)
        stretch += target[..., None]
        current = state[..., stop - 1]
    return state


def import_value_factor(
    log_duty: np.ndarray,
    *,
    short_run_elasticity: np.ndarray | float,
    long_run_elasticity: np.ndarray | float,
    pass_through: np.ndarray | float,
    shipping_lag_days: np.ndarray | int,
    adjustment_days: np.ndarray | float,
    long_run_adjustment_days: np.ndarray | float,
    tables: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Customs value of imports relative to the counterfactual [ratio], per day.

    The importer's duty-inclusive price moves by ``pass_through`` × the log duty factor; the
    exporter absorbs the rest, which lowers the customs (tariff-exclusive) value. Volume
    answers the price seen when the goods were ordered, through a fast channel (short-run
    elasticity) and a slow one (the rest of the long-run elasticity). ``tables`` are the
    :func:`decay_table` of the two time constants, shared by callers that project both flows.
    """
    pass_through = np.asarray(pass_through)[..., None]
    short = np.asarray(short_run_elasticity)[..., None]
    long = np.asarray(long_run_elasticity)[..., None]
    # adjustment is linear and time-invariant, so it commutes with the shipping delay: adjusting
    # the shared tariff signal first keeps its few change days (per-draw lags would multiply them)
    fast_table, slow_table = tables or (None, None)
    fast = adjust(log_duty, adjustment_days, fast_table)
    slow = adjust(log_duty, long_run_adjustment_days, slow_table)
    # log volume = pass-through × delayed(short × fast + (long − short) × slow); in place where it can be, as this
    # runs on draws × days (the delay adds the lags' draw axis itself)
    shape = np.broadcast_shapes(fast.shape, slow.shape, short.shape, long.shape, pass_through.shape)
    volume = np.multiply(short, fast, out=np.empty(shape))
    volume += (long - short) * slow
    log_value = delayed(volume, shipping_lag_days)
    log_value *= pass_through
    log_value += (pass_through - 1.0) * log_duty  # the price the exporter absorbs lowers the customs value now
    return np.exp(log_value, out=log_value)


def tariff_revenue(total_rate: np.ndarray, import_value: np.ndarray) -> np.ndarray:
    """Duties collected [USD bn/day]: the effective total rate [%] times the customs value."""
    return total_rate / 100.0 * import_value


def diverted(counterfactual: np.ndarray, actual: np.ndarray, diversion_share: np.ndarray | float) -> np.ndarray:
    """Imports bought from third countries instead [USD bn/day]: a share of the lost imports."""
    share = np.asarray(diversion_share)[..., None]
    return share * (counterfactual - actual)
