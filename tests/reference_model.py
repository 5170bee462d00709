"""The trade equations of docs/model.md as plain loops over days: slow, obvious, and the yardstick for the engine.

Nothing here is shared with :mod:`simulator.model.trade`; a test compares the two on random
inputs, so a fault in the vectorised engine (a wrong sign, a dropped term, an off-by-one in a
delay) shows as a difference.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math


def baseline(days: list[dt.date], calibration: list[float], growth: float) -> list[float]:
    """Counterfactual flow per day [USD bn/day]: the 2024 month spread over its days, grown by ``growth`` per year."""
    return [
        calibration[day.month - 1] / calendar.monthrange(day.year, day.month)[1] * (1.0 + growth) ** (day.year - 2024)
        for day in days
    ]


def follow(signal: list[float], time_constant: float, falling_constant: float | None = None) -> list[float]:
    """Daily partial adjustment: each day the state closes 1 - e^(-1/T) of its gap, starting in steady state.

    While the signal is below the state, the time constant is ``falling_constant`` (when given).
    """
    state, result = signal[0], []
    for value in signal:
        constant = falling_constant if falling_constant is not None and value < state else time_constant
        state = value + (state - value) * math.exp(-1.0 / constant)
        result.append(state)
    return result


def log_duty(total: list[float], base: float) -> list[float]:
    return [math.log(1 + rate / 100) - math.log(1 + base / 100) for rate in total]


def value_factor(
    total: list[float],
    base: float,
    parameters: dict[str, float],
    switching: float,
    gap: list[float] | None = None,
) -> list[float]:
    """Customs value relative to the counterfactual [ratio], day by day."""
    p = parameters
    duty = log_duty(total, base)
    gap = gap or [0.0] * len(total)
    planned = log_duty([rate + p["truce_lapse_probability"] * g for rate, g in zip(total, gap, strict=True)], base)
    short, long = p["short_run_elasticity"], p["long_run_elasticity"]
    fast = follow(planned, p["adjustment_days"], p["adjustment_days"] * p["recovery_slowness"])
    slow = follow(planned, p["long_run_adjustment_years"] * 365.25)
    volume = [(short + switching) * f + (long - short) * s for f, s in zip(fast, slow, strict=True)]
    lag = max(p["shipping_lag_days"], 0.0)
    whole, part = math.floor(lag), lag - math.floor(lag)
    window = round(p["anticipation_days"])
    last = len(total) - 1
    result = []
    for day in range(len(total)):
        early, late = volume[max(day - whole, 0)], volume[max(day - whole - 1, 0)]
        moved = early + part * (late - early)
        ahead, behind = duty[min(day + window, last)], duty[max(day - window, 0)]
        bought_ahead = p["anticipation_share"] * (ahead - 2 * duty[day] + behind)
        result.append(math.exp(p["pass_through"] * moved + (p["pass_through"] - 1) * duty[day] + bought_ahead))
    return result


def collected(total: list[float], base: float, value: list[float], share: float, transit: int, lag: int) -> list[float]:
    """Duties as paid [USD bn/day]: goods on the water when a rate rises pay their shipping day's rate, a share is
    collected, and each day's duties arrive ``lag`` days later."""
    entered = []
    for day, rate in enumerate(total):
        added = min(rate - base, total[max(day - transit, 0)] - base)
        entered.append(share * (base + added) / 100 * value[day])
    return [entered[max(day - lag, 0)] for day in range(len(total))]


def project(
    days: list[dt.date],
    us_total: list[float],
    us_base: float,
    china_total: list[float],
    china_base: float,
    parameters: dict[str, float],
    imports_2024: list[float],
    exports_2024: list[float],
    us_gap: list[float] | None = None,
    china_gap: list[float] | None = None,
) -> dict[str, list[float]]:
    """Every flow, day by day [USD bn/day], for scalar parameters in model units; ``*_gap`` are the lapse gaps [%]."""
    imports_counterfactual = baseline(days, imports_2024, parameters["import_growth"])
    exports_counterfactual = baseline(days, exports_2024, parameters["export_growth"])
    import_factor = value_factor(us_total, us_base, parameters, parameters["import_switching_elasticity"], us_gap)
    export_factor = value_factor(
        china_total, china_base, parameters, parameters["export_switching_elasticity"], china_gap
    )
    imports = [b * f for b, f in zip(imports_counterfactual, import_factor, strict=True)]
    exports = [b * f for b, f in zip(exports_counterfactual, export_factor, strict=True)]
    share = parameters["diversion_share"]
    return {
        "us_imports_from_china": imports,
        "us_exports_to_china": exports,
        "us_trade_balance_with_china": [x - m for x, m in zip(exports, imports, strict=True)],
        "us_statutory_tariff_revenue_from_china": [rate / 100 * m for rate, m in zip(us_total, imports, strict=True)],
        "china_statutory_tariff_revenue_from_us": [
            rate / 100 * x for rate, x in zip(china_total, exports, strict=True)
        ],
        "us_tariff_revenue_from_china": collected(
            us_total,
            us_base,
            imports,
            parameters["collection_share"],
            round(parameters["in_transit_days"]),
            round(parameters["payment_lag_days"]),
        ),
        "china_tariff_revenue_from_us": collected(
            china_total, china_base, exports, parameters["collection_share"], round(parameters["in_transit_days"]), 0
        ),
        "us_imports_counterfactual": imports_counterfactual,
        "us_exports_counterfactual": exports_counterfactual,
        "us_imports_diverted_to_third_countries": [
            share * (b - m) for b, m in zip(imports_counterfactual, imports, strict=True)
        ],
    }
