"""Monte Carlo draws: uncertain parameters and renewed truces mixed into one distribution of outcomes.

Each draw takes every uncertain parameter from its distribution (written in the scenario, or
the sourced default range in ``seeds/parameters.yaml`` for parameters the scenario leaves
unset; point values a scenario sets stay fixed) and, for each window with a renewal
probability, a number of renewals. Draws run in chunks of :data:`CHUNK`, so memory does not
grow with their number; each chunk has its own random stream spawned from one
``numpy.random.SeedSequence``, so a seed fixes every draw whatever the machine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.distributions import Distribution
from simulator.projection import MODEL_PARAMETERS, point_parameters, project
from simulator.quantities import Number
from simulator.scenario import DIRECTIONS, Scenario
from simulator.timeline import TariffPaths, tariff_arrays

QUANTILES = (5, 25, 50, 75, 95)
"""Quantile levels reported by a Monte Carlo run [%]."""
CHUNK = 2000
"""Draws computed together: large enough for numpy to dominate, small enough to stay in memory."""
EXACT_DRAWS = 10_000
"""Up to this many draws quantiles are exact; beyond it they come from a fixed-size histogram."""
SKETCH_BINS = 4096

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------- parameters


def parameter_distributions(scenario: Scenario) -> dict[str, Distribution]:
    """Parameters that vary across draws, in model order, with their distributions."""
    from simulator.parameters import default_distribution

    found = {}
    for name in MODEL_PARAMETERS:
        written = scenario.parameters.distribution(name)
        if written is not None:
            found[name] = written
        elif name not in scenario.parameters_set:
            found[name] = default_distribution(name, getattr(scenario.parameters, name).value)
    return found


def draw_parameters(scenario: Scenario, distributions: dict[str, Distribution], generator: np.random.Generator,
                    count: int) -> dict[str, np.ndarray | float]:
    """One value per draw for each uncertain parameter [model units]; the others at their point values."""
    values: dict[str, np.ndarray | float] = dict(point_parameters(scenario))
    for name, distribution in distributions.items():
        values[name] = distribution.sample(generator, count)
    values["short_run_elasticity"], values["long_run_elasticity"] = ordered_elasticities(
        values["short_run_elasticity"], values["long_run_elasticity"], "short_run_elasticity" in distributions, "long_run_elasticity" in distributions)
    if "shipping_lag_days" in distributions:
        # draws in order of their lag, so the delay is a few block copies (quantiles ignore the order of draws)
        order = np.argsort(np.rint(values["shipping_lag_days"]), kind="stable")
        values = {name: value[order] if isinstance(value, np.ndarray) and value.shape == (count,) else value for name, value in values.items()}
    return values


def ordered_elasticities(short, long, short_drawn: bool, long_drawn: bool):
    """Keep the long run at least as strong as the short run in every draw, moving only what is drawn.

    A value the scenario fixes stays fixed: if only the short-run elasticity is drawn, a draw
    stronger than the fixed long-run one is set to it; otherwise the long-run draw is moved.
    """
    if short_drawn and not long_drawn:
        return np.maximum(short, long), long
    return short, np.minimum(long, short)


# ---------------------------------------------------------------- policy: renewed windows


@dataclass(frozen=True)
class Renewable:
    """One renewal decision: the windows opening on ``start`` for ``days`` (both sides of a truce decide together)."""

    start: dt.date
    days: int
    length: int
    probability: float
    entries: tuple[tuple[str, str, int], ...]

    @property
    def end(self) -> dt.date:
        """First day after the window as written."""
        return self.start + dt.timedelta(days=self.days)

    def most(self, horizon_end: dt.date) -> int:
        """Renewals that can begin inside the horizon."""
        if self.end > horizon_end:
            return 0
        return math.ceil(((horizon_end - self.end).days + 1) / self.length)

    def describe(self) -> str:
        return (f"the {self.days}-day window from {self.start.isoformat()} is renewed for {self.length} days at a time "
                f"with probability {100 * self.probability:g}%")


def renewables(scenario: Scenario) -> list[Renewable]:
    """Renewal decisions of a scenario; windows with the same start, length and terms are one decision."""
    groups: dict[tuple, list[tuple[str, str, int]]] = {}
    for direction in DIRECTIONS:
        for measure in scenario.tariffs[direction].measures.values():
            for index, entry in enumerate(measure.entries):
                if entry.renewal is None or entry.days is None:
                    continue
                length = int((entry.renewal.days or entry.days).value)
                key = (entry.start, int(entry.days.value), length, entry.renewal.probability.value / 100.0)
                groups.setdefault(key, []).append((direction, measure.name, index))
    decisions = [Renewable(*key, tuple(entries)) for key, entries in sorted(groups.items())]
    return [decision for decision in decisions if decision.most(scenario.end) > 0 and not _overridden(scenario, decision)]


def ignored_renewals(scenario: Scenario) -> list[str]:
    """Renewal probabilities that cannot act: the window ends after the horizon, or a later entry cuts it short."""
    found = []
    for direction in DIRECTIONS:
        for measure in scenario.tariffs[direction].measures.values():
            for index, entry in enumerate(measure.entries):
                if entry.renewal is None or entry.days is None:
                    continue
                end = entry.start + dt.timedelta(days=int(entry.days.value))
                following = measure.entries[index + 1].start if index + 1 < len(measure.entries) else None
                if end > scenario.end:
                    found.append(f"{measure.label} window from {entry.start.isoformat()} ends after the horizon")
                elif following is not None and following <= end:
                    found.append(f"{measure.label} window from {entry.start.isoformat()} is cut short by the entry of {following.isoformat()}")
    return found


def _overridden(scenario: Scenario, decision: Renewable) -> bool:
    for direction, name, index in decision.entries:
        entries = scenario.tariffs[direction].measures[name].entries
        if index + 1 < len(entries) and entries[index + 1].start <= decision.end:
            return True
    return False


def draw_renewals(decisions: list[Renewable], horizon_end: dt.date, generator: np.random.Generator, count: int) -> np.ndarray:
    """Renewals per draw and decision (draws × decisions): each renewal happens with its probability, again and again."""
    counts = np.zeros((count, len(decisions)), dtype=int)
    for column, decision in enumerate(decisions):
        most, p = decision.most(horizon_end), decision.probability
        u = generator.random(count)
        if p >= 1.0:
            counts[:, column] = most
        elif p > 0.0:
            counts[:, column] = np.minimum(np.floor(np.log(u) / math.log(p)).astype(int), most)
    return counts


def renewed(scenario: Scenario, decisions: list[Renewable], counts: tuple[int, ...]) -> Scenario:
    """The scenario with each decision's windows lengthened by its renewals."""
    tariffs = dict(scenario.tariffs)
    for decision, renewals in zip(decisions, counts, strict=True):
        if not renewals:
            continue
        for direction, name, index in decision.entries:
            side = tariffs[direction]
            measure = side.measures[name]
            entries = list(measure.entries)
            days = entries[index].days.value + renewals * decision.length  # type: ignore[union-attr]
            entries[index] = entries[index].model_copy(update={"days": Number(days, None)})
            measures = dict(side.measures)
            measures[name] = dataclasses.replace(measure, entries=tuple(entries))
            tariffs[direction] = dataclasses.replace(side, measures=measures)
    return dataclasses.replace(scenario, tariffs=tariffs)


class PolicyPaths:
    """Tariff paths for each combination of renewals met so far (a handful), built once each."""

    def __init__(self, scenario: Scenario, decisions: list[Renewable]):
        self.scenario = scenario
        self.decisions = decisions
        self.paths: dict[tuple[int, ...], TariffPaths] = {}

    def get(self, counts: tuple[int, ...]) -> TariffPaths:
        if counts not in self.paths:
            self.paths[counts] = tariff_arrays(renewed(self.scenario, self.decisions, counts))
        return self.paths[counts]

    def stacked(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        """Per-draw daily arrays (draws × days): total and headline rates of both directions [%]."""
        unique, inverse = np.unique(counts, axis=0, return_inverse=True)
        paths = [self.get(tuple(int(value) for value in row)) for row in unique]
        inverse = inverse.reshape(-1)
        return {
            "us_total": np.stack([path.total("us_on_china") for path in paths])[inverse],
            "china_total": np.stack([path.total("china_on_us") for path in paths])[inverse],
            "us_headline": np.stack([path.headline["us_on_china"] for path in paths])[inverse],
            "china_headline": np.stack([path.headline["china_on_us"] for path in paths])[inverse],
        }


# ---------------------------------------------------------------- quantiles without keeping every draw


class QuantileAccumulator:
    """Quantiles over draws that arrive in chunks (draws × cells), in bounded memory.

    Exact (numpy's linear interpolation) up to ``exact`` draws; past that the values kept so
    far set a fixed-size histogram per cell (:data:`SKETCH_BINS` bins spanning their range
    and half as much again each side, with tracked minimum and maximum beyond), and
    quantiles are read off it, exact to a bin's width.
    """

    def __init__(self, exact: int = EXACT_DRAWS, bins: int = SKETCH_BINS):
        self.exact, self.bins = exact, bins
        self.kept: list[np.ndarray] = []
        self.count = 0
        self.counts: np.ndarray | None = None

    def add(self, values: np.ndarray) -> None:
        self.count += len(values)
        if self.counts is None:
            self.kept.append(np.asarray(values, dtype=float))
            if self.count > self.exact:
                self._start_sketch()
        else:
            self._count(values)

    def _start_sketch(self) -> None:
        kept = np.concatenate(self.kept)
        self.kept = []
        low, high = kept.min(axis=0), kept.max(axis=0)
        spread = np.maximum(high - low, 1e-12 * np.maximum(1.0, np.abs(low)))
        self.lowest, self.highest = low, high
        self.start = low - 0.5 * spread
        self.width = 2.0 * spread / self.bins
        self.counts = np.zeros((kept.shape[1], self.bins + 2), dtype=np.int64)
        self._count(kept, fresh=True)

    def _count(self, values: np.ndarray, fresh: bool = False) -> None:
        if not fresh:
            self.lowest = np.minimum(self.lowest, values.min(axis=0))
            self.highest = np.maximum(self.highest, values.max(axis=0))
        index = np.clip(np.floor((values - self.start) / self.width), -1, self.bins).astype(np.int64) + 1
        cells = self.counts.shape[0]  # type: ignore[union-attr]
        flat = (np.arange(cells) * (self.bins + 2) + index).ravel()
        self.counts += np.bincount(flat, minlength=cells * (self.bins + 2)).reshape(cells, self.bins + 2)  # type: ignore[operator]

    def quantiles(self, levels: tuple[float, ...]) -> np.ndarray:
        """Values at ``levels`` [%] per cell: (levels × cells)."""
        if self.counts is None:
            return np.percentile(np.concatenate(self.kept), levels, axis=0)
        cumulative = np.cumsum(self.counts, axis=1)
        cells = np.arange(self.counts.shape[0])
        result = []
        for level in levels:
            rank = level / 100.0 * (self.count - 1)
            column = np.argmax(cumulative > rank, axis=1)
            before = np.where(column > 0, cumulative[cells, np.maximum(column - 1, 0)], 0)
            inside = self.counts[cells, column]
            left = np.where(column == 0, self.lowest, np.where(column == self.bins + 1, self.start + self.bins * self.width,
                                                                 self.start + (column - 1) * self.width))
            right = np.where(column == 0, self.start, np.where(column == self.bins + 1, self.highest, left + self.width))
            value = left + (rank - before + 0.5) / np.maximum(inside, 1) * (right - left)
            result.append(np.clip(value, self.lowest, self.highest))
        return np.stack(result)


# ---------------------------------------------------------------- the Monte Carlo run


@dataclass(frozen=True)
class Draws:
    """What a Monte Carlo run produced: quantiles per frequency, and how the draws were made."""

    quantiles: tuple[float, ...]
    periods: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]
    seed: int
    drawn: dict[str, Distribution]
    decisions: list[Renewable]


def monte_carlo(scenario: Scenario, draws: int, seed: int | None = None, quantiles: tuple[float, ...] = QUANTILES,
                progress: Progress | None = None, chunk: int = CHUNK) -> Draws:
    """Run ``draws`` draws of ``scenario`` and return quantiles of every output, monthly and annual.

    ``seed`` None takes fresh entropy, reported in :attr:`Draws.seed` so the run can be repeated.
    """
    from simulator.result import RATES, VARIABLES, period_starts

    sequence = np.random.SeedSequence(seed)
    streams = sequence.spawn(math.ceil(draws / chunk))
    distributions = parameter_distributions(scenario)
    decisions = renewables(scenario)
    policy = PolicyPaths(scenario, decisions)
    paths = policy.get(tuple(0 for _ in decisions))
    days = paths.days
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
        if decisions:
            rates = policy.stacked(draw_renewals(decisions, scenario.end, generator, count))
        else:
            rates = {"us_total": paths.total("us_on_china"), "china_total": paths.total("china_on_us"),
                     "us_headline": paths.headline["us_on_china"], "china_headline": paths.headline["china_on_us"]}
        series = project(days, rates["us_total"], paths.base["us_on_china"], rates["china_total"], paths.base["china_on_us"], parameters)
        series.update(zip(RATES, (rates["us_total"], rates["china_total"], rates["us_headline"], rates["china_headline"]), strict=True))
        monthly = np.stack([np.add.reduceat(np.broadcast_to(series[name], (count, len(days))), month_starts, axis=1) for name in VARIABLES], axis=1)
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
    return Draws(tuple(quantiles), periods, int(sequence.entropy), distributions, decisions)  # type: ignore[arg-type]


# ---------------------------------------------------------------- tornado


@dataclass(frozen=True)
class Swing:
    """The effect of one input on an annual output: at its 5th and 95th percentile (or never/always renewed)."""

    name: str
    low_input: str
    high_input: str
    low: float
    high: float


def full_years(scenario: Scenario) -> list[int]:
    """Calendar years the horizon covers from 1 January to 31 December."""
    first = scenario.start.year if (scenario.start.month, scenario.start.day) == (1, 1) else scenario.start.year + 1
    last = scenario.end.year if (scenario.end.month, scenario.end.day) == (12, 31) else scenario.end.year - 1
    return list(range(first, last + 1))


def last_full_year(scenario: Scenario) -> int:
    """The last calendar year the horizon covers whole; ValueError if there is none."""
    years = full_years(scenario)
    if not years:
        raise ValueError(f"the horizon {scenario.start}..{scenario.end} holds no full calendar year")
    return years[-1]


def tornado(scenario: Scenario, variable: str = "us_trade_balance_with_china", year: int | None = None) -> tuple[float, list[Swing]]:
    """The central value of ``variable`` in ``year`` [USD bn/year] and each input's swing, largest first.

    Each uncertain parameter is set to its 5th and then its 95th percentile, the others kept
    central; each renewal decision is set to 'never renewed' and 'renewed to the horizon end'.
    """
    year = year or last_full_year(scenario)
    paths = tariff_arrays(scenario)
    days = paths.days
    keep = days.astype("datetime64[Y]") == np.datetime64(str(year), "Y")

    def value(parameters: dict, chosen: TariffPaths = paths) -> float:
        series = project(days, chosen.total("us_on_china"), chosen.base["us_on_china"], chosen.total("china_on_us"),
                         chosen.base["china_on_us"], parameters)
        return float(np.sum(series[variable][keep]))

    central = point_parameters(scenario)
    swings = []
    for name, distribution in parameter_distributions(scenario).items():
        low, high = distribution.percentile(5), distribution.percentile(95)
        outcomes = []
        for setting in (low, high):
            parameters = dict(central, **{name: setting})
            parameters["short_run_elasticity"], parameters["long_run_elasticity"] = ordered_elasticities(
                parameters["short_run_elasticity"], parameters["long_run_elasticity"], name == "short_run_elasticity", name == "long_run_elasticity")
            outcomes.append(value(parameters))
        unit = "%" if distribution.percent else ""
        scale = 100.0 if distribution.percent else 1.0
        shown = [f"{value * scale:.3g}{unit}".replace("-", "−") for value in (low, high)]
        swings.append(Swing(name.replace("_", " "), *shown, *outcomes))
    decisions = renewables(scenario)
    policy = PolicyPaths(scenario, decisions)
    for index, decision in enumerate(decisions):
        never = tuple(0 for _ in decisions)
        always = tuple(decision.most(scenario.end) if position == index else 0 for position in range(len(decisions)))
        swings.append(Swing(f"renewal of the truce from {decision.start:%d %b %Y}", "never", "always",
                            value(central, policy.get(never)), value(central, policy.get(always))))
    base = value(central)
    return base, sorted(swings, key=lambda swing: -abs(swing.high - swing.low))
