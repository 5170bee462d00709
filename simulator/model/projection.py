"""The point projection: scenario → dated tariff arrays → trade and revenue equations → :class:`Result`."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from simulator.inputs.authorities import authorities_of
from simulator.inputs.estimates import load_estimates
from simulator.inputs.scenario import CALIBRATION_START, Scenario
from simulator.model import noise, revenue, trade
from simulator.model.observed import calibration_months
from simulator.model.result import Result
from simulator.model.tariff_paths import TariffPaths, tariff_arrays
from simulator.model.variables import RATES

SIDES = {
    "us_on_china": ("us_imports_from_china", "us_statutory_tariff_revenue_from_china", "us_tariff_revenue_from_china"),
    "china_on_us": ("us_exports_to_china", "china_statutory_tariff_revenue_from_us", "china_tariff_revenue_from_us"),
}
"""Each direction's taxed flow, statutory revenue and collected revenue (variable names)."""


def point_parameters(scenario: Scenario) -> dict[str, float]:
    """The scenario's parameters as plain numbers in model units (shares in [0, 1]), by registry name."""
    return scenario.parameters.numbers()


def response(parameters: dict[str, np.ndarray | float], count: int) -> dict[str, object]:
    """The behaviour parameters as :func:`trade.import_value_factor` takes them, with decay tables for ``count`` days.

    Both flows share the adjustment speeds, so their decay tables are computed once; the table
    for falling duties exists only where recovery is slower or faster than the fall.
    """
    fast = np.asarray(parameters["adjustment_days"], dtype=float)
    slow = np.asarray(parameters["long_run_adjustment_years"], dtype=float) * trade.DAYS_PER_YEAR
    slowness = np.asarray(parameters["recovery_slowness"], dtype=float)
    falling = trade.decay_table(fast * slowness, count) if np.any(slowness != 1.0) else None
    return {
        "short_run_elasticity": parameters["short_run_elasticity"],
        "long_run_elasticity": parameters["long_run_elasticity"],
        "pass_through": parameters["pass_through"],
        "shipping_lag_days": parameters["shipping_lag_days"],
        "adjustment_days": fast,
        "long_run_adjustment_days": slow,
        "anticipation_share": parameters["anticipation_share"],
        "anticipation_days": np.rint(parameters["anticipation_days"]).astype(int),
        "tables": (trade.decay_table(fast, count), trade.decay_table(slow, count), falling),
    }


def planned_duty(paths: TariffPaths, direction: str, lapse_probability: np.ndarray | float) -> trade.Steps | None:
    """The log duty factor buyers plan on in ``direction``, per stretch (None where no truce window is open: the
    duty itself)."""
    gap, stated = paths.gaps(direction)
    if not np.any(gap) and not np.any(stated):
        return None
    total = paths.total(direction) + stated
    return trade.expected_duty(total, gap, paths.base[direction], lapse_probability)


def scaled(factor: np.ndarray, counterfactual: np.ndarray) -> np.ndarray:
    """The counterfactual flow [USD bn/day] times a fresh factor [ratio]; in place when it has the full shape."""
    if np.broadcast_shapes(factor.shape, counterfactual.shape) == factor.shape:
        factor *= counterfactual
        return factor
    return counterfactual * factor


def flows(
    paths: TariffPaths, parameters: dict[str, np.ndarray | float], shocks: noise.Deviations | None = None
) -> dict[str, np.ndarray]:
    """Daily trade flows [USD bn/day] for given tariff paths and parameters (model units).

    Parameters may be scalars or arrays with a leading draw axis; the paths may carry it too.
    ``shocks`` are the deviations the model does not explain, per calendar month of the grid
    (see :mod:`simulator.model.noise`); they scale the counterfactual and the flow alike.
    """
    days = paths.days
    calibration_imports, calibration_exports = calibration_months()
    behaviour = response(parameters, len(days))
    lapse = parameters["truce_lapse_probability"]
    imports_counterfactual = trade.baseline_flow(
        days, calibration_imports, parameters["import_growth"], None if shocks is None else shocks.imports
    )
    exports_counterfactual = trade.baseline_flow(
        days, calibration_exports, parameters["export_growth"], None if shocks is None else shocks.exports
    )
    us_duty = trade.duty_factor(paths.total("us_on_china"), paths.base["us_on_china"])
    china_duty = trade.duty_factor(paths.total("china_on_us"), paths.base["china_on_us"])
    imports = scaled(
        trade.import_value_factor(
            us_duty,
            planned_duty=planned_duty(paths, "us_on_china", lapse),
            supplier_switching_elasticity=parameters["import_switching_elasticity"],
            **behaviour,
        ),
        imports_counterfactual,
    )
    exports = scaled(
        trade.import_value_factor(
            china_duty,
            planned_duty=planned_duty(paths, "china_on_us", lapse),
            supplier_switching_elasticity=parameters["export_switching_elasticity"],
            **behaviour,
        ),
        exports_counterfactual,
    )
    return {
        "us_imports_from_china": imports,
        "us_exports_to_china": exports,
        "us_imports_counterfactual": np.broadcast_to(imports_counterfactual, imports.shape),
        "us_exports_counterfactual": np.broadcast_to(exports_counterfactual, exports.shape),
    }


def duties(
    paths: TariffPaths,
    values: dict[str, np.ndarray],
    parameters: dict[str, np.ndarray | float],
    periods: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Duties of both sides [USD bn/day]: statutory, collected by authority and in all, and refunds (US).

    ``periods``: the first day of each period [indices]; the duties are then summed over the periods [USD bn/period]
    (what Monte Carlo keeps), the payment delay applied to the sums rather than to every draw's days.
    """
    found = {}
    in_transit = np.rint(parameters["in_transit_days"]).astype(int)
    for direction, (flow, statutory_name, collected_name) in SIDES.items():
        value = values[flow]
        # US importers pay about a month after entry; China's customs collects at entry
        lag = np.rint(parameters["payment_lag_days"]).astype(int) if direction == "us_on_china" else 0
        share = parameters["collection_share"]
        found[statutory_name] = trade.tariff_revenue(paths.total(direction), value)
        entered = {"base": revenue.duties(np.asarray(paths.base[direction]), value, share)}
        collecting = {"base"} if paths.base[direction] else set()
        for authority in authorities_of(direction):
            rate = paths.by_authority[direction][authority]
            if np.any(rate):
                entered[authority] = revenue.duties(revenue.rate_paid(rate, in_transit), value, share)
                collecting.add(authority)
            else:  # an authority with no duty on the path collects nothing: one row of zeros, shared by the draws
                entered[authority] = np.zeros(value.shape[-1])
        for name, daily in entered.items():
            delay = lag if name in collecting else 0
            if periods is None:
                found[f"{collected_name}_{name}"] = revenue.receipts(daily, delay)
            else:
                found[f"{collected_name}_{name}"] = revenue.period_receipts(daily, delay, periods)
        if direction == "us_on_china":
            paid_back = sum(
                (revenue.refunds(entered[plan.authority], plan) for plan in paths.refunds.get(direction, ())),
                np.zeros(value.shape[-1]),
            )
            found["us_tariff_refunds_to_importers"] = paid_back
    if periods is not None:
        for name in (*(statutory for _, statutory, _ in SIDES.values()), "us_tariff_refunds_to_importers"):
            found[name] = np.add.reduceat(found[name], periods, axis=-1)
    return found


def totals(parts: dict[str, np.ndarray], parameters: dict[str, np.ndarray | float]) -> dict[str, np.ndarray]:
    """The reported variables that add up others: the balance, diversion, duties collected in all, net revenue.

    Each is linear in its parts, so it holds for daily values [USD bn/day] and for their sums over months
    [USD bn/month] alike: Monte Carlo runs add up months, not days (a trailing period axis either way).
    """
    imports = parts["us_imports_from_china"]
    found = {
        "us_trade_balance_with_china": parts["us_exports_to_china"] - imports,
        "us_imports_diverted_to_third_countries": trade.diverted(
            parts["us_imports_counterfactual"], imports, parameters["diversion_share"]
        ),
    }
    for direction, (_, _, collected_name) in SIDES.items():
        names = ("base", *authorities_of(direction))
        found[collected_name] = sum(parts[f"{collected_name}_{name}"] for name in names)
    found["us_net_tariff_revenue_from_china"] = (
        found["us_tariff_revenue_from_china"] - parts["us_tariff_refunds_to_importers"]
    )
    return found


def rates(paths: TariffPaths) -> dict[str, np.ndarray]:
    """The reported rate variables [%]: effective totals, headline add-ons, and effective add-ons by authority."""
    found = {
        "us_effective_tariff_on_china": paths.total("us_on_china"),
        "china_effective_tariff_on_us": paths.total("china_on_us"),
        "us_additional_tariff_on_china": paths.headline["us_on_china"],
        "china_additional_tariff_on_us": paths.headline["china_on_us"],
    }
    for direction, name in (
        ("us_on_china", "us_effective_additional_tariff_on_china"),
        ("china_on_us", "china_effective_additional_tariff_on_us"),
    ):
        for authority, values in paths.by_authority[direction].items():
            found[f"{name}_{authority}"] = values
    return found


def project(
    paths: TariffPaths, parameters: dict[str, np.ndarray | float], shocks: noise.Deviations | None = None
) -> dict[str, np.ndarray]:
    """Every reported variable, daily [USD bn/day and %], for tariff paths and parameters (model units).

    ``shocks``: deviations the model does not explain, as :func:`flows` takes them.
    """
    series = parts(paths, parameters, shocks)
    series.update(totals(series, parameters))
    shape = np.broadcast_shapes(*(np.shape(value) for name, value in series.items() if name not in RATES))
    return {name: np.broadcast_to(value, shape) if name not in RATES else value for name, value in series.items()}


def parts(
    paths: TariffPaths,
    parameters: dict[str, np.ndarray | float],
    shocks: noise.Deviations | None = None,
    periods: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The reported variables other than :func:`totals`, daily: flows, duties by authority, refunds and rates.

    A series the draws share (a rate, an authority that collects nothing) has no draw axis. ``periods``: the first
    day of each period [indices]; every series is then summed over the periods (rates too: divide by the periods'
    lengths for their averages).
    """
    series = flows(paths, parameters, shocks)
    collected = duties(paths, series, parameters, periods)
    series.update(rates(paths))
    if periods is not None:
        series = {name: np.add.reduceat(value, periods, axis=-1) for name, value in series.items()}
    series.update(collected)
    return series


def anchors(days: np.ndarray, parameters: dict[str, np.ndarray | float]) -> noise.Deviations | None:
    """The last observed month's deviations from the model carried into the months after it [log points].

    They come from the estimates (None before the first fit) and fade at ``noise_persistence``.
    """
    estimates = load_estimates()
    if estimates is None:
        return None
    return noise.anchor_shocks(days, estimates.anchor_month, estimates.anchors, parameters["noise_persistence"])


def with_history(scenario: Scenario) -> tuple[Scenario, int]:
    """``scenario`` run from the start of the record (1 January 2024; for a horizon that starts in 2045 or later,
    from 1 January :data:`HISTORY_YEARS` years before it), and the days of that run before its own start.

    A horizon may start later, but what happens on its first day depends on the path before it: the response to
    duties still under way, duties entered earlier and paid later, refunds of duties collected before it. The model
    therefore always runs from the calibration year, which it starts in steady state, and a result shows the days
    from the scenario's own start: the same values as a run from 2024 shows for those days.
    """
    begin = max(CALIBRATION_START, dt.date(scenario.start.year - HISTORY_YEARS, 1, 1))
    if scenario.start <= begin:
        return scenario, 0
    return dataclasses.replace(scenario, start=begin), (scenario.start - begin).days


HISTORY_YEARS = 20
"""The most calendar years a run starts before its horizon (from 2045 on; 2024 before): time and memory grow with the
days run, and 20 years back the slow response to what came before has run its course (98% of it at the 5-year end of
its range, all but 0.1% at the default 3)."""


def point_projection(scenario: Scenario) -> Result:
    """The scenario at its central parameters, its tariff path followed as written, from the last observed month."""
    modelled, skipped = with_history(scenario)
    paths = tariff_arrays(modelled)
    parameters = point_parameters(scenario)
    series = project(paths, parameters, anchors(paths.days, parameters))
    return Result(
        scenario=scenario,
        days=paths.days[skipped:],
        series={name: value[..., skipped:] for name, value in series.items()},
    )


def counterfactual(reference: Scenario, scenario: Scenario) -> Scenario:
    """``reference`` (the 2024-tariffs scenario) over ``scenario``'s horizon with ``scenario``'s parameters.

    Compared with ``scenario``, a change isolates the effect of its tariffs.
    """
    return dataclasses.replace(reference, start=scenario.start, end=scenario.end, parameters=scenario.parameters)
