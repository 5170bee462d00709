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

import dataclasses
import functools
import math
from collections.abc import Callable

import numpy as np

from simulator.inputs.distributions import Distribution
from simulator.inputs.estimates import load_estimates
from simulator.inputs.parameters import PARAMETERS, put_in_order
from simulator.inputs.scenario import Scenario
from simulator.model import noise
from simulator.model.projection import anchors, parts, point_parameters, totals, with_history
from simulator.model.result import DrawsSummary, period_starts
from simulator.model.tariff_paths import TariffPaths
from simulator.model.timeline import RenewalDecision, renewal_decisions
from simulator.model.variables import RATES, VARIABLES
from simulator.uncertainty.executors import thread_map
from simulator.uncertainty.quantiles import QUANTILES, QuantileAccumulator
from simulator.uncertainty.renewals import PolicyPaths, draw_renewals

CHUNK = 2000
"""Draws that share a random stream: their parameters, renewals and deviations are drawn together."""
CHUNK_CELLS = 1_000_000
"""At most this many draw-days are projected together [draws × days]: about 8 MB an array, so the dozens of
arrays a projection makes stay within the processor's cache and memory stays bounded on any horizon (larger
slices measured slower on a 2-core machine)."""

Progress = Callable[[int, int], None]


def parameter_distributions(scenario: Scenario, *, held_in_fit: bool = False) -> dict[str, Distribution]:
    """Parameters that vary across draws, in registry order, with their distributions.

    A parameter the fit holds at its default (``held_in_fit`` in the registry) varies only where the scenario gives
    it a distribution: the estimated parameters' posterior was found with that value, and drawing it apart paired
    the posterior with values it was not fitted with (the median of 2025 imports then ran 2.4% above the Census
    total). ``held_in_fit=True`` lets those vary over their sourced ranges too, as the tornado's sensitivities do.
    """
    found = {}
    for name, spec in PARAMETERS.items():
        written = scenario.parameters.distribution(name)
        if written is not None:
            found[name] = written
        elif (
            name not in scenario.parameters_set  # a value the scenario sets does not vary
            and spec.low != spec.high
            and (held_in_fit or not spec.held_in_fit)
        ):
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
    days: np.ndarray,
    parameters: dict[str, np.ndarray | float],
    generator: np.random.Generator,
    count: int,
    widening: dict[str, float] | None = None,
) -> noise.Deviations | None:
    """Each draw's deviations from the model after the last observed month [log points per month]: the anchors
    fading at its persistence plus AR(1) innovations of its spread (None before the first fit).

    ``widening`` scales a flow's spread [ratio]: :func:`simulator.model.noise.spread_widening` where the spread
    comes from the fit, 1 where the scenario sets it."""
    estimates = load_estimates()
    if estimates is None:
        return None
    shocks = anchors(days, parameters)
    months = max(int(noise.months_after(days[-1:], estimates.anchor_month)[0]), 0)
    added = {}
    for flow, spread in (("imports", "import_noise"), ("exports", "export_noise")):
        scale = (widening or {}).get(flow, 1.0)
        monthly = noise.innovations(
            generator, count, months, np.asarray(parameters[spread]) * scale, parameters["noise_persistence"]
        )
        added[flow] = noise.with_innovations(shocks, days, estimates.anchor_month, flow, monthly)  # type: ignore[arg-type]
    return dataclasses.replace(shocks, **added)  # type: ignore[arg-type]


def sliced(value: np.ndarray | float, rows: slice, count: int) -> np.ndarray | float:
    """The draws ``rows`` of a parameter that varies across ``count`` draws; a fixed one as it is."""
    return value[rows] if isinstance(value, np.ndarray) and value.shape[:1] == (count,) else value


def sliced_deviations(deviations: noise.Deviations, rows: slice, count: int) -> noise.Deviations:
    """The draws ``rows`` of each flow's deviations (draws × months), or the shared ones as they are."""
    return dataclasses.replace(
        deviations,
        imports=sliced(deviations.imports, rows, count) if deviations.imports.ndim > 1 else deviations.imports,
        exports=sliced(deviations.exports, rows, count) if deviations.exports.ndim > 1 else deviations.exports,
    )


@dataclasses.dataclass(frozen=True)
class Chunk:
    """The random part of a chunk of draws, drawn from its own stream: parameters [model units], truce renewals
    (draws × windows, None without windows) and deviations (None before the first fit)."""

    count: int
    parameters: dict[str, np.ndarray | float]
    renewals: np.ndarray | None
    shocks: noise.Deviations | None


def draw_chunk(
    stream: np.random.SeedSequence,
    count: int,
    scenario: Scenario,
    distributions: dict[str, Distribution],
    decisions: list[RenewalDecision],
    days: np.ndarray,
    widening: dict[str, float],
) -> Chunk:
    """``count`` draws of ``scenario``'s uncertain inputs from ``stream``, in this order: parameters, renewals,
    deviations (the order fixes which random numbers each takes)."""
    generator = np.random.default_rng(stream)
    parameters = draw_parameters(scenario, distributions, generator, count)
    renewals = draw_renewals(decisions, scenario.end, generator, count) if decisions else None
    return Chunk(count, parameters, renewals, deviations(days, parameters, generator, count, widening))


def period_sums(
    months: np.ndarray, years: np.ndarray, lengths: dict[str, np.ndarray], job: tuple[Chunk, slice, TariffPaths]
) -> dict[str, np.ndarray]:
    """The draws ``rows`` of a chunk, on their tariff paths (``job``), projected and summed by month and by year:
    draws × variables × periods [USD bn/period; rates as averages over the period's days, %].

    ``months``: the first day of each month [day indices]; ``years``: the first month of each year [month indices];
    ``lengths``: days per period, by frequency.
    """
    chunk, rows, paths = job
    size = rows.stop - rows.start
    drawn = {name: sliced(value, rows, chunk.count) for name, value in chunk.parameters.items()}
    shocks = None if chunk.shocks is None else sliced_deviations(chunk.shocks, rows, chunk.count)
    # sums over months first: the totals are linear in their parts; a series the draws share (a rate, a row of
    # zeros) is summed once
    monthly = parts(paths, drawn, shocks, months)
    monthly.update(totals(monthly, drawn))
    table = np.stack([np.broadcast_to(monthly[name], (size, len(months))) for name in VARIABLES], axis=1)
    found = {"monthly": table, "annual": np.add.reduceat(table, years, axis=2)}  # years: sums of months
    rates = [index for index, name in enumerate(VARIABLES) if name in RATES]
    for frequency, values in found.items():
        values[:, rates] /= lengths[frequency]  # rates are averages over days
    return found


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
    # run from the record's start, as a point projection is (with_history), and summed from the scenario's own start
    modelled, skipped = with_history(scenario)
    decisions = renewal_decisions(modelled)
    policy = PolicyPaths(modelled, decisions)
    paths = policy.get(tuple(0 for _ in decisions))
    days = paths.days
    shown = days[skipped:]
    step = max(1, CHUNK_CELLS // len(days))
    sequence = np.random.SeedSequence(seed)
    streams = sequence.spawn(math.ceil(draws / chunk))
    groups = {frequency: period_starts(shown, frequency) for frequency in ("monthly", "annual")}
    accumulators = {frequency: QuantileAccumulator() for frequency in groups}
    month_starts = groups["monthly"][0] + skipped
    month_stamps = days[month_starts].astype("datetime64[Y]")
    year_of_month = np.flatnonzero(np.r_[True, month_stamps[1:] != month_stamps[:-1]])
    lengths = {frequency: length for frequency, (_, length) in groups.items()}
    joint = jointly_drawn(scenario, distributions)
    estimates = load_estimates()
    widening = {
        flow: noise.spread_widening(estimates) if estimates is not None and spread in joint else 1.0
        for flow, spread in (("imports", "import_noise"), ("exports", "export_noise"))
    }
    chunks = (
        draw_chunk(stream, min(chunk, draws - first), scenario, distributions, decisions, days, widening)
        for first, stream in zip(range(0, draws, chunk), streams, strict=True)
    )
    # the random numbers are drawn per chunk (so a seed gives the same draws whatever the horizon); the days are
    # projected in slices of at most CHUNK_CELLS draw-days, which keeps the arrays within the processor's cache, on
    # every core (numpy works without Python's lock). Tariff paths are chosen here, in one thread: they are cached.
    jobs = (
        (batch, rows, policy.stacked(batch.renewals[rows]) if batch.renewals is not None else paths)
        for batch in chunks
        for rows in (slice(first, min(first + step, batch.count)) for first in range(0, batch.count, step))
    )
    done = 0
    for tables in thread_map(functools.partial(period_sums, month_starts, year_of_month, lengths), jobs):
        for frequency, values in tables.items():
            accumulators[frequency].add(values.reshape(len(values), -1))
        done += len(tables["monthly"])
        if progress is not None:
            progress(done, draws)
    periods = {}
    for frequency, (starts, _) in groups.items():
        table = accumulators[frequency].quantiles(quantiles).reshape(len(quantiles), len(VARIABLES), len(starts))
        stamps = shown[starts].astype("datetime64[M]" if frequency == "monthly" else "datetime64[Y]")
        periods[frequency] = (stamps, {name: table[:, index] for index, name in enumerate(VARIABLES)})
    return DrawsSummary(draws, int(sequence.entropy), tuple(quantiles), periods, distributions, tuple(decisions))  # type: ignore[arg-type]
