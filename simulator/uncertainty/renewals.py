"""Truce renewals in Monte Carlo draws: how many times each decision renews, and the tariff paths that follow.

Which windows can be renewed, and which windows decide together, is the timeline's business
(:func:`simulator.model.timeline.renewal_decisions`); here each draw picks a number of
renewals per decision, and the few distinct tariff paths are built once and shared.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

from simulator.inputs.scenario import Direction, Measure, Scenario
from simulator.model.tariff_paths import TariffPaths, tariff_arrays
from simulator.model.timeline import RenewalDecision, Window, rate_on, renewed, windows


def raises(measure: Measure, window: Window, side: Direction) -> bool:
    """Whether ``window`` holds its measure above the rate that follows it: a temporary duty, where a truce holds it
    below. Readers are told which, since a renewal then keeps a duty rather than a truce."""
    return rate_on(measure, window.start, side) > window.follow_up


def temporary_duty(scenario: Scenario, decision: RenewalDecision) -> bool:
    """Whether every window ``decision`` renews is a temporary duty (:func:`raises`) rather than a truce."""
    found = []
    for direction, name, index in decision.entries:
        side = scenario.tariffs[direction]
        measure = side.measures[name]
        found += [raises(measure, window, side) for window in windows(measure, side) if window.index == index]
    return bool(found) and all(found)


def draw_renewals(
    decisions: list[RenewalDecision],
    horizon_end: dt.date,
    generators: Sequence[np.random.Generator],
    count: int,
) -> np.ndarray:
    """Renewals per draw and decision (draws × decisions): each happens with its probability, again and again.

    ``generators``: one per decision, so that a decision draws the same numbers whichever others a scenario holds."""
    counts = np.zeros((count, len(decisions)), dtype=int)
    for column, (decision, generator) in enumerate(zip(decisions, generators, strict=True)):
        most, p = decision.most(horizon_end), decision.probability
        u = generator.random(count)
        if p >= 1.0:
            counts[:, column] = most
        elif p > 0.0:
            counts[:, column] = np.minimum(np.floor(np.log(u) / math.log(p)).astype(int), most)
    return counts


MAX_KEPT = 64
"""Renewal combinations whose tariff paths are kept between chunks of draws (usually a handful exist)."""


class PolicyPaths:
    """Tariff paths for each combination of renewals met so far (a handful), built once each."""

    def __init__(self, scenario: Scenario, decisions: list[RenewalDecision]):
        self.scenario = scenario
        self.decisions = decisions
        self.paths: dict[tuple[int, ...], TariffPaths] = {}

    def get(self, counts: tuple[int, ...]) -> TariffPaths:
        if counts not in self.paths:
            if len(self.paths) >= MAX_KEPT:  # many short windows renewed many times: keep memory bounded
                self.paths.clear()
            self.paths[counts] = tariff_arrays(renewed(self.scenario, self.decisions, counts))
        return self.paths[counts]

    def stacked(self, counts: np.ndarray) -> TariffPaths:
        """Per-draw daily rates (draws × days) for the renewals each draw met."""
        unique, inverse = np.unique(counts, axis=0, return_inverse=True)
        paths = [self.get(tuple(int(value) for value in row)) for row in unique]
        return paths[0].stacked(paths, inverse.reshape(-1))
