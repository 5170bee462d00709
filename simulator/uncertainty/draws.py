"""Monte Carlo draws: uncertain parameters, renewed truces and unexplained deviations in one distribution.

Each draw takes every uncertain parameter from its distribution (written in the scenario, or
the sourced default range of the parameter registry for parameters the scenario leaves unset;
point values a scenario sets stay fixed); the estimated parameters a scenario leaves unset are
drawn together from the fit's posterior, so their correlations hold. For each window with a
renewal probability a draw takes a number of renewals, and after the last observed month it
adds AR(1) deviations of imports and exports (:mod:`simulator.model.noise`), so the bands are
forecast intervals. Draws run in chunks of :data:`CHUNK`, so memory does not grow with their
number; each chunk has its own random stream spawned from one ``numpy.random.SeedSequence``,
so a seed fixes every draw whatever the machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from simulator.inputs.distributions import Distribution
from simulator.inputs.estimates import load_estimates
from simulator.inputs.parameters import PARAMETERS, put_in_order
from simulator.inputs.scenario import Scenario
from simulator.model import noise
from simulator.model.projection import anchors, point_parameters, project
from simulator.model.result import DrawsSummary, period_starts
from simulator.model.timeline import renewal_decisions
from simulator.model.variables import RATES, VARIABLES
from simulator.uncertainty.quantiles import QUANTILES, QuantileAccumulator
from simulator.uncertainty.renewals import PolicyPaths, draw_renewals

CHUNK = 2000
"""Draws computed together: large enough for numpy to dominate, small enough to stay in memory."""
CHUNK_CELLS = 3_000_000
"""At most this many draw-days per chunk [draws × days]: a long horizon takes fewer draws per chunk, so that
memory stays bounded (the bundled horizons of about four years keep chunks of :data:`CHUNK`)."""

Progress = Callable[[int, int], None]


def parameter_distributions(scenario: Scenario) -> dict[str, Distribution]:
    """Parameters that vary across draws, in registry order, with their distributions."""
    found = {}
    for name, spec in PARAMETERS.items():
        written = scenario.parameters.distribution(name)
        if written is not None:
            found[name] = written
        elif name not in scenario.parameters_set and spec.low != spec.high:  # a held parameter does not vary
            found[name] = spec.default_distribution(getattr(scenario.parameters, name).value)
    return found


def jointly_drawn(scenario: Scenario, distributions: dict[str, Distribution]) -> tuple[str, ...]:
    """The uncertain parameters drawn together from the fit's posterior: estimated ones the scenario leaves unset."""
    estimates = load_estimates()
    if estimates is None:
        return ()
    return tuple(
        name
        for name in distributions
        if name in estimates.names
        and name not in scenario.parameters_set
        and scenario.parameters.distribution(name) is None
    )


def within_bounds(name: str, values: np.ndarray) -> np.ndarray:
    """Posterior draws kept inside the values the parameter can take (the normal curve's tails can leave them)."""
    spec = PARAMETERS[name]
    low, high = spec.estimated.bounds or spec.rules.domain if spec.estimated else spec.rules.domain  # type: ignore[union-attr]
    return np.clip(values, low * spec.rules.scale, high * spec.rules.scale)


def draw_parameters(
    scenario: Scenario, distributions: dict[str, Distribution], generator: np.random.Generator, count: int
) -> dict[str, np.ndarray | float]:
    """One value per draw for each uncertain parameter [model units]; the others at their point values."""
    values: dict[str, np.ndarray | float] = dict(point_parameters(scenario))
    joint = jointly_drawn(scenario, distributions)
    if joint:
        drawn = load_estimates().draw(generator, count, joint)  # type: ignore[union-attr]
        values.update({name: within_bounds(name, drawn[name]) for name in joint})
    for name, distribution in distributions.items():
        if name not in joint:
            values[name] = distribution.sample(generator, count)
    values = put_in_order(values, distributions)
    if "shipping_lag_days" in distributions:
        # draws in order of their lag, so the delay is a few block copies (quantiles ignore the order of draws)
        order = np.argsort(np.floor(values["shipping_lag_days"]), kind="stable")
        values = {
            name: value[order] if isinstance(value, np.ndarray) and value.shape == (count,) else value
            for name, value in values.items()
        }
    return values


def deviations(
    days: np.ndarray, parameters: dict[str, np.ndarray | float], generator: np.random.Generator, count: int
) -> dict[str, np.ndarray] | None:
    """Each draw's deviations from the model after the last observed month [log points per day]: the anchors
    fading at its persistence plus AR(1) innovations of its spread (None before the first fit)."""
    estimates = load_estimates()
    if estimates is None:
        return None
    shocks = anchors(days, parameters)
    months = max(int(noise.months_after(days[-1:], estimates.anchor_month)[0]), 0)
    for flow, spread in (("imports", "import_noise"), ("exports", "export_noise")):
        monthly = noise.innovations(generator, count, months, parameters[spread], parameters["noise_persistence"])
        shocks[flow] = shocks[flow] + noise.daily_shocks(days, estimates.anchor_month, monthly)  # type: ignore[index]
    return shocks


def monte_carlo(
    scenario: Scenario,
    draws: int,
    seed: int | None = None,
    quantiles: tuple[float, ...] = QUANTILES,
    progress: Progress | None = None,
    chunk: int = CHUNK,
) -> DrawsSummary:
    """Run ``draws`` draws of ``scenario`` and return quantiles of every output, monthly and annual.

    ``seed`` None takes fresh entropy, reported in :attr:`DrawsSummary.seed` so the run can be repeated.
    """
    distributions = parameter_distributions(scenario)
    decisions = renewal_decisions(scenario)
    policy = PolicyPaths(scenario, decisions)
    paths = policy.get(tuple(0 for _ in decisions))
    days = paths.days
    chunk = max(1, min(chunk, CHUNK_CELLS // len(days)))
    sequence = np.random.SeedSequence(seed)
    streams = sequence.spawn(math.ceil(draws / chunk))
    groups = {frequency: period_starts(days, frequency) for frequency in ("monthly", "annual")}
    accumulators = {frequency: QuantileAccumulator() for frequency in groups}
    month_starts = groups["monthly"][0]
    month_stamps = days[month_starts].astype("datetime64[Y]")
    year_of_month = np.flatnonzero(np.r_[True, month_stamps[1:] != month_stamps[:-1]])
    rate_rows = [index for index, name in enumerate(VARIABLES) if name in RATES]
    done = 0
    for stream in streams:
        count = min(chunk, draws - done)
        generator = np.random.default_rng(stream)
        parameters = draw_parameters(scenario, distributions, generator, count)
        chosen = policy.stacked(draw_renewals(decisions, scenario.end, generator, count)) if decisions else paths
        series = project(chosen, parameters, deviations(days, parameters, generator, count))
        monthly = np.stack(
            [
                np.add.reduceat(np.broadcast_to(series[name], (count, len(days))), month_starts, axis=1)
                for name in VARIABLES
            ],
            axis=1,
        )
        annual = np.add.reduceat(monthly, year_of_month, axis=2)  # sums of the months, which are sums of the days
        for frequency, totals in (("monthly", monthly), ("annual", annual)):
            lengths = groups[frequency][1]
            totals[:, rate_rows] /= lengths  # rates are averages over days
            accumulators[frequency].add(totals.reshape(count, -1))
        done += count
        if progress is not None:
            progress(done, draws)
    periods = {}
    for frequency, (starts, _) in groups.items():
        table = accumulators[frequency].quantiles(quantiles).reshape(len(quantiles), len(VARIABLES), len(starts))
        stamps = days[starts].astype("datetime64[M]" if frequency == "monthly" else "datetime64[Y]")
        periods[frequency] = (stamps, {name: table[:, index] for index, name in enumerate(VARIABLES)})
    return DrawsSummary(draws, int(sequence.entropy), tuple(quantiles), periods, distributions, tuple(decisions))  # type: ignore[arg-type]
