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


def follow(signal: list[float], time_constant: float) -> list[float]:
    """Daily partial adjustment: each day the state closes 1 - e^(-1/T) of its gap, starting in steady state."""
    keep = math.exp(-1.0 / time_constant)
    state, result = signal[0], []
    for value in signal:
        state = value + (state - value) * keep
        result.append(state)
    return result


def value_factor(
    total: list[float],
    base: float,
    short: float,
    long: float,
    pass_through: float,
    lag: int,
    fast_days: float,
    slow_years: float,
) -> list[float]:
    """Customs value relative to the counterfactual [ratio], day by day."""
    duty = [math.log(1 + rate / 100) - math.log(1 + base / 100) for rate in total]
    fast = follow(duty, fast_days)
    slow = follow(duty, slow_years * 365.25)
    volume = [short * f + (long - short) * s for f, s in zip(fast, slow, strict=True)]
    return [
        math.exp(pass_through * volume[max(day - lag, 0)] + (pass_through - 1) * duty[day]) for day in range(len(total))
    ]


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
) -> dict[str, list[float]]:
    """Every flow, day by day [USD bn/day], for scalar parameters in model units."""
    response = (
        parameters["short_run_elasticity"],
        parameters["long_run_elasticity"],
        parameters["pass_through"],
        round(parameters["shipping_lag_days"]),
        parameters["adjustment_days"],
        parameters["long_run_adjustment_years"],
    )
    imports_counterfactual = baseline(days, imports_2024, parameters["import_growth"])
    exports_counterfactual = baseline(days, exports_2024, parameters["export_growth"])
    imports = [b * f for b, f in zip(imports_counterfactual, value_factor(us_total, us_base, *response), strict=True)]
    exports = [
        b * f for b, f in zip(exports_counterfactual, value_factor(china_total, china_base, *response), strict=True)
    ]
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
