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
import hashlib
import math
import numbers
from collections.abc import Callable, Iterator

import numpy as np

from simulator.inputs.distributions import Distribution
from simulator.inputs.estimates import load_estimates
from simulator.inputs.parameters import PARAMETERS, put_in_order
from simulator.inputs.scenario import Scenario
from simulator.model import noise
from simulator.model.projection import anchors, parts, point_parameters, totals, with_history
from simulator.model.result import DrawsSummary, Effects, period_starts
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


PART_POSTERIOR, PART_RENEWALS = 0, 1
PART_DEVIATIONS = {"imports": 2, "exports": 3}
PART_PARAMETERS = 4
"""Each kind of random input of a chunk has its own stream: the posterior, the renewals, each flow's deviations, and
each other parameter (``PART_PARAMETERS +`` its place in the registry). Two scenarios run with one seed then take
the same random numbers for every input they share, though one draws a parameter the other fixes (common random
numbers; :func:`monte_carlo` with ``against``)."""


def part_generator(stream: np.random.SeedSequence, *part: int) -> np.random.Generator:
    """The generator of one kind of random input (:data:`PART_POSTERIOR` …) of the chunk drawn from ``stream``."""
    return np.random.default_rng(np.random.SeedSequence(stream.entropy, spawn_key=(*stream.spawn_key, *part)))


def decision_part(decision: RenewalDecision) -> int:
    """A renewal decision's own stream, named by its terms (the windows' start and length, the renewals' length and
    chance: what makes it one decision), so that a what-if that adds a decision before it leaves its numbers."""
    terms = f"{decision.start.isoformat()}|{decision.days}|{decision.length}|{decision.probability!r}"
    return int.from_bytes(hashlib.sha256(terms.encode()).digest()[:4], "little")


def raw_parameters(
    scenario: Scenario, distributions: dict[str, Distribution], stream: np.random.SeedSequence, count: int
) -> dict[str, np.ndarray | float]:
    """One value per draw for each uncertain parameter [model units], in the order drawn; the others at their point
    values."""
    values: dict[str, np.ndarray | float] = dict(point_parameters(scenario))
    joint = jointly_drawn(scenario, distributions)
    if joint:
        # the whole posterior every time, of which the scenario takes its columns: a scenario that fixes one estimated
        # parameter draws the others as one that fixes none (the marginal is the same), with the same numbers
        drawn = load_estimates().draw(part_generator(stream, PART_POSTERIOR), count)  # type: ignore[union-attr]
        values.update({name: within_bounds(name, drawn[name]) for name in joint})
    for name, distribution in distributions.items():
        if name not in joint:
            part = PART_PARAMETERS + list(PARAMETERS).index(name)
            values[name] = distribution.sample(part_generator(stream, part), count)
    return put_in_order(values, distributions)


def lag_order(values: dict[str, np.ndarray | float], count: int) -> np.ndarray | None:
    """The draws in order of their whole-day shipping lag, so the delay is a few block copies (quantiles ignore the
    order of draws); None where the lag does not vary."""
    lag = values.get("shipping_lag_days")
    if not isinstance(lag, np.ndarray) or lag.shape != (count,):
        return None
    return np.argsort(np.floor(lag), kind="stable")


def reordered(values: dict[str, np.ndarray | float], order: np.ndarray | None, count: int) -> dict:
    """The parameters' draws in ``order`` (None: as they are)."""
    if order is None:
        return values
    return {
        name: value[order] if isinstance(value, np.ndarray) and value.shape == (count,) else value
        for name, value in values.items()
    }


def draw_parameters(
    scenario: Scenario, distributions: dict[str, Distribution], stream: np.random.SeedSequence, count: int
) -> dict[str, np.ndarray | float]:
    """One value per draw for each uncertain parameter [model units], the draws in order of their lag; the others
    at their point values."""
    values = raw_parameters(scenario, distributions, stream, count)
    return reordered(values, lag_order(values, count), count)


def deviations(
    days: np.ndarray,
    parameters: dict[str, np.ndarray | float],
    generators: dict[str, np.random.Generator],
    count: int,
    widening: dict[str, float] | None = None,
) -> noise.Deviations | None:
    """Each draw's deviations from the model after the last observed month [log points per month]: the anchors
    fading at its persistence plus AR(1) innovations of its spread (None before the first fit). ``generators``: one
    per flow, so a horizon longer by some months leaves the other flow's numbers as they are.

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
            generators[flow], count, months, np.asarray(parameters[spread]) * scale, parameters["noise_persistence"]
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


@dataclasses.dataclass(frozen=True, eq=False)
class Setup:
    """What the draws of one scenario share: its uncertain inputs, its tariff paths and its periods.

    ``days``: the modelled grid, from the record's start (:func:`simulator.model.projection.with_history`);
    ``shown``: the days from the scenario's own start; ``months``: the first day of each shown month [indices into
    ``days``]; ``years``: the first month of each year [indices into ``months``]; ``lengths``: days per period by
    frequency; ``widening``: the factor on each flow's fitted spread (:func:`simulator.model.noise.spread_widening`).
    """

    scenario: Scenario
    distributions: dict[str, Distribution]
    decisions: list[RenewalDecision]
    policy: PolicyPaths
    paths: TariffPaths
    days: np.ndarray
    shown: np.ndarray
    groups: dict[str, tuple[np.ndarray, np.ndarray]]
    months: np.ndarray
    years: np.ndarray
    widening: dict[str, float]

    @property
    def lengths(self) -> dict[str, np.ndarray]:
        return {frequency: length for frequency, (_, length) in self.groups.items()}

    def month_stamps(self) -> np.ndarray:
        return self.days[self.months].astype("datetime64[M]")


def setup(scenario: Scenario) -> Setup:
    """The draws' shared inputs for ``scenario`` (see :class:`Setup`)."""
    distributions = parameter_distributions(scenario)
    # run from the record's start, as a point projection is (with_history), and summed from the scenario's own start
    modelled, skipped = with_history(scenario)
    decisions = renewal_decisions(modelled)
    policy = PolicyPaths(modelled, decisions)
    paths = policy.get(tuple(0 for _ in decisions))
    days = paths.days
    shown = days[skipped:]
    groups = {frequency: period_starts(shown, frequency) for frequency in ("monthly", "annual")}
    months = groups["monthly"][0] + skipped
    stamps = days[months].astype("datetime64[Y]")
    years = np.flatnonzero(np.r_[True, stamps[1:] != stamps[:-1]])
    joint = jointly_drawn(scenario, distributions)
    estimates = load_estimates()
    widening = {
        flow: noise.spread_widening(estimates) if estimates is not None and spread in joint else 1.0
        for flow, spread in (("imports", "import_noise"), ("exports", "export_noise"))
    }
    return Setup(scenario, distributions, decisions, policy, paths, days, shown, groups, months, years, widening)


def draw_chunk(
    stream: np.random.SeedSequence,
    count: int,
    setup: Setup,
    order: np.ndarray | str | None = "lag",
    values: dict[str, np.ndarray | float] | None = None,
) -> Chunk:
    """``count`` draws of a scenario's uncertain inputs from ``stream``: parameters, renewals and deviations, each
    from its own part of the stream (:func:`part_generator`). ``order``: the draws' order, by default that of their
    lag (:func:`lag_order`); the same order for two scenarios keeps their draws paired. ``values``: the parameters
    as :func:`raw_parameters` draws them from ``stream``, where the caller has them already."""
    if values is None:
        values = raw_parameters(setup.scenario, setup.distributions, stream, count)
    parameters = reordered(values, lag_order(values, count) if isinstance(order, str) else order, count)
    renewals = (
        draw_renewals(
            setup.decisions,
            setup.scenario.end,
            [part_generator(stream, PART_RENEWALS, decision_part(decision)) for decision in setup.decisions],
            count,
        )
        if setup.decisions
        else None
    )
    generators = {flow: part_generator(stream, part) for flow, part in PART_DEVIATIONS.items()}
    shocks = deviations(setup.days, parameters, generators, count, setup.widening)
    return Chunk(count, parameters, renewals, shocks)


def period_sums(setup: Setup, chunk: Chunk, rows: slice) -> np.ndarray:
    """The draws ``rows`` of a chunk, on their tariff paths, projected and summed by shown month: draws × variables ×
    months [USD bn/month; rates as sums over the month's days, % × days]."""
    size = rows.stop - rows.start
    paths = setup.policy.stacked(chunk.renewals[rows]) if chunk.renewals is not None else setup.paths
    drawn = {name: sliced(value, rows, chunk.count) for name, value in chunk.parameters.items()}
    shocks = None if chunk.shocks is None else sliced_deviations(chunk.shocks, rows, chunk.count)
    # sums over months first: the totals are linear in their parts; a series the draws share (a rate, a row of
    # zeros) is summed once
    monthly = parts(paths, drawn, shocks, setup.months)
    monthly.update(totals(monthly, drawn))
    return np.stack([np.broadcast_to(monthly[name], (size, len(setup.months))) for name in VARIABLES], axis=1)


RATE_ROWS = [index for index, name in enumerate(VARIABLES) if name in RATES]
"""The rows of a table of sums that hold rates (averaged over days once summed)."""


def by_period(table: np.ndarray, years: np.ndarray, lengths: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Monthly sums (draws × variables × months) as monthly and annual values: flows summed [USD bn/period], rates
    averaged over the period's days [%]."""
    found = {"monthly": table, "annual": np.add.reduceat(table, years, axis=2)}  # years: sums of months
    for frequency, values in found.items():
        values[:, RATE_ROWS] /= lengths[frequency]
    return found


@dataclasses.dataclass(frozen=True, eq=False)
class Pairing:
    """Where a scenario and the one it is set against share whole months: the shown months of each that match one of
    the other's in date and length [indices], the first of each year among them, and the periods' lengths [days]."""

    mine: np.ndarray
    theirs: np.ndarray
    years: np.ndarray
    lengths: dict[str, np.ndarray]
    stamps: dict[str, np.ndarray]


def pairing(mine: Setup, theirs: Setup) -> Pairing:
    """The months two scenarios' draws can be set against each other in (see :class:`Pairing`)."""
    own, other = mine.month_stamps(), theirs.month_stamps()
    own_length, other_length = mine.groups["monthly"][1], theirs.groups["monthly"][1]
    common, left, right = np.intersect1d(own, other, return_indices=True)
    same = own_length[left] == other_length[right]
    left, right, common = left[same], right[same], common[same]
    year_stamps = common.astype("datetime64[Y]")
    years = np.flatnonzero(np.r_[True, year_stamps[1:] != year_stamps[:-1]]) if len(common) else np.zeros(0, int)
    days = own_length[left]
    lengths = {"monthly": days, "annual": np.add.reduceat(days, years) if len(common) else days}
    stamps = {"monthly": common, "annual": year_stamps[years]}
    return Pairing(left, right, years, lengths, stamps)


def monte_carlo(
    scenario: Scenario,
    draws: int,
    seed: int | None = None,
    quantiles: tuple[float, ...] = QUANTILES,
    progress: Progress | None = None,
    chunk: int = CHUNK,
    against: Scenario | None = None,
) -> DrawsSummary:
    """Run ``draws`` draws of ``scenario`` and return quantiles of every output, monthly and annual.

    ``seed`` None takes fresh entropy, reported in :attr:`DrawsSummary.seed` so the run can be repeated.

    ``against`` (the scenario a what-if extends, say) is run on the same draws: each draw of both takes the same
    random numbers for every input they share (parameters, the renewals of the decisions both hold, swings), so
    the quantiles of the difference, in :attr:`DrawsSummary.effects`, are those of the what-if's effect, not a
    difference of two scenarios' quantiles (which is not the range of the difference).
    """
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral) or draws < 1:
        raise ValueError(f"monte_carlo needs a whole number of draws, 1 or more, not {draws!r}")
    own = setup(scenario)
    other = setup(against) if against is not None else None
    # the longer grid of the two sets the slice: a what-if of one year set against a parent of twenty
    step = max(1, CHUNK_CELLS // max(len(own.days), len(other.days) if other is not None else 0))
    sequence = np.random.SeedSequence(seed)
    streams = sequence.spawn(math.ceil(draws / chunk))
    accumulators = {frequency: QuantileAccumulator() for frequency in own.groups}
    paired = pairing(own, other) if other is not None else None
    if paired is not None and not len(paired.mine):  # no whole month in common: nothing to set against
        other = paired = None
    differences = {frequency: QuantileAccumulator() for frequency in own.groups} if paired is not None else {}

    def chunks() -> Iterator[tuple[Chunk, Chunk | None]]:
        for first, stream in zip(range(0, draws, chunk), streams, strict=True):
            count = min(chunk, draws - first)
            if other is None:
                yield draw_chunk(stream, count, own), None
                continue
            # one order for both, so that draw i of the one is draw i of the other
            mine = raw_parameters(scenario, own.distributions, stream, count)
            theirs = raw_parameters(other.scenario, other.distributions, stream, count)
            order = lag_order(mine, count)
            order = lag_order(theirs, count) if order is None else order
            yield draw_chunk(stream, count, own, order, mine), draw_chunk(stream, count, other, order, theirs)

    def project(job: tuple[Chunk, Chunk | None, slice]) -> tuple[np.ndarray, np.ndarray | None]:
        batch, theirs, rows = job
        table = period_sums(own, batch, rows)
        if theirs is None or paired is None or other is None:
            return table, None
        return table, table[:, :, paired.mine] - period_sums(other, theirs, rows)[:, :, paired.theirs]

    # the random numbers are drawn per chunk (so a seed gives the same draws whatever the horizon); the days are
    # projected in slices of at most CHUNK_CELLS draw-days, which keeps the arrays within the processor's cache, on
    # every core (numpy works without Python's lock). Tariff paths are chosen here, in one thread: they are cached.
    jobs = (
        (batch, theirs, rows)
        for batch, theirs in chunks()
        for rows in (slice(first, min(first + step, batch.count)) for first in range(0, batch.count, step))
    )
    done = 0
    for table, difference in thread_map(project, jobs):
        for frequency, values in by_period(table, own.years, own.lengths).items():
            accumulators[frequency].add(values.reshape(len(values), -1))
        if difference is not None and paired is not None:
            for frequency, values in by_period(difference, paired.years, paired.lengths).items():
                differences[frequency].add(values.reshape(len(values), -1))
        done += len(table)
        if progress is not None:
            progress(done, draws)
    periods = {}
    for frequency, (starts, _) in own.groups.items():
        found = accumulators[frequency].quantiles(quantiles).reshape(len(quantiles), len(VARIABLES), len(starts))
        stamps = own.shown[starts].astype("datetime64[M]" if frequency == "monthly" else "datetime64[Y]")
        periods[frequency] = (stamps, {name: found[:, index] for index, name in enumerate(VARIABLES)})
    effects = None
    if paired is not None and against is not None:
        effect_periods = {}
        for frequency, stamps in paired.stamps.items():
            found = differences[frequency].quantiles(quantiles).reshape(len(quantiles), len(VARIABLES), len(stamps))
            effect_periods[frequency] = (stamps, {name: found[:, index] for index, name in enumerate(VARIABLES)})
        effects = Effects(against.id, against.title, effect_periods)
    return DrawsSummary(
        draws,
        int(sequence.entropy),  # type: ignore[arg-type]
        tuple(quantiles),
        periods,
        own.distributions,
        tuple(own.decisions),
        effects,
    )
