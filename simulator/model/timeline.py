"""Dated tariff paths: from a measure's entries to change points, windows and daily rates.

This module is the one place where the rules of a dated path are applied (see
scenarios/README.md); the daily arrays, truce renewals and the reports' wording all read
:func:`schedule`:

- an entry's rate holds from its date, inclusive, until the next change;
- before a measure's first entry the measure adds nothing (0%): the pre-2025 base
  rate stands alone;
- a window of N days starting on D covers D ... D+N-1; its follow-up starts on D+N
  and is either the rate in force the day before D (``revert``) or a stated rate;
- a later entry dated on or before D+N cancels the pending follow-up;
- an entry may change the measure's coverage from its date on; a revert restores the
  coverage in force before the window too;
- a measure's end (its statutory end, or the end of its authority) acts as a last entry
  that sets 0% and cancels any follow-up still pending.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

from simulator.inputs.quantities import Number
from simulator.inputs.scenario import DIRECTIONS, REVERT, Direction, Measure, PathEntry, Scenario


@dataclass(frozen=True)
class Change:
    """The rate [%] of a measure from ``date`` on, and its coverage [%] (None: the measure's own)."""

    date: dt.date
    percent: float
    coverage: float | None = None


@dataclass(frozen=True)
class Window:
    """A window of a measure and how it ran.

    Attributes:
        entry: the path entry that opens the window.
        index: the entry's place in the measure's sorted entries.
        start: first day of the window.
        written_end: the day after the window as written (``start + days``): its follow-up day.
        end: the day after the window as it ran: ``written_end``, or the date of the later
            entry that cut it short.
        prior: the rate in force the day before it began [%].
        follow_up: the rate its follow-up sets as written [%] (``prior`` for ``revert``).
        overridden: a later entry dated on or before ``written_end`` cancels the follow-up.
    """

    entry: PathEntry
    index: int
    start: dt.date
    written_end: dt.date
    end: dt.date
    prior: float
    follow_up: float
    overridden: bool


@dataclass(frozen=True)
class Schedule:
    """A measure's path with the window rules applied: its change points and its windows."""

    changes: tuple[Change, ...]
    windows: tuple[Window, ...]


def schedule(entries: tuple[PathEntry, ...] | list[PathEntry], end: dt.date | None = None) -> Schedule:
    """Change points (in date order, follow-ups included) and windows of one measure's entries.

    ``end`` is the first day the measure no longer applies (:meth:`Direction.end_of`): it
    acts as a last entry at 0% that cancels a pending follow-up.
    """
    entries = [entry for entry in sorted(entries, key=lambda entry: entry.start) if end is None or entry.start < end]
    changes: list[Change] = []
    windows: list[Window] = []
    for index, entry in enumerate(entries):
        before = changes[-1] if changes else Change(entry.start, 0.0)
        coverage = entry.coverage.value if entry.coverage is not None else before.coverage
        changes.append(Change(entry.start, entry.percent.value, coverage))
        if entry.days is None:
            continue
        written_end = entry.start + dt.timedelta(days=int(entry.days.value))
        following = entries[index + 1].start if index + 1 < len(entries) else end
        overridden = following is not None and following <= written_end
        if entry.follow_up is REVERT:
            follow_up = Change(written_end, before.percent, before.coverage)
        else:
            follow_up = Change(written_end, entry.follow_up.value, coverage)  # type: ignore[union-attr]
        ran_to = following if overridden else written_end
        windows.append(
            Window(entry, index, entry.start, written_end, ran_to, before.percent, follow_up.percent, overridden)  # type: ignore[arg-type]
        )
        if not overridden:
            changes.append(follow_up)
    if end is not None and changes:
        changes.append(Change(end, 0.0, changes[-1].coverage))
    return Schedule(tuple(changes), tuple(windows))


def measure_schedule(measure: Measure, side: Direction) -> Schedule:
    """A measure's schedule with its end (statutory or its authority's) applied."""
    return schedule(measure.entries, side.end_of(measure))


def windows(measure: Measure, side: Direction | None = None) -> list[Window]:
    """The windows of a measure as they actually ran (cut short by a later entry or the measure's end)."""
    return list(schedule(measure.entries, side.end_of(measure) if side else None).windows)


def rate_on(measure: Measure, date: dt.date, side: Direction | None = None) -> float:
    """The measure's rate in force on ``date`` [%]."""
    found = schedule(measure.entries, side.end_of(measure) if side else None)
    rates = [change.percent for change in found.changes if change.date <= date]
    return rates[-1] if rates else 0.0


# ---------------------------------------------------------------- renewal decisions


@dataclass(frozen=True)
class RenewalDecision:
    """One renewal decision: the windows opening on ``start`` for ``days`` (both sides of a truce decide together).

    ``entries`` name each window as (direction, measure, entry index); each renewal lengthens
    them by ``length`` days with ``probability``.
    """

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
        return (
            f"the {self.days}-day window from {self.start.isoformat()} is renewed for {self.length} days at a time "
            f"with probability {100 * self.probability:g}%"
        )


def _renewable_windows(scenario: Scenario) -> list[tuple[str, Measure, Window]]:
    return [
        (direction, measure, window)
        for direction in DIRECTIONS
        for measure in scenario.tariffs[direction].measures.values()
        for window in windows(measure, scenario.tariffs[direction])
        if window.entry.renewal is not None
    ]


def renewal_decisions(scenario: Scenario) -> list[RenewalDecision]:
    """Renewal decisions that can act: windows with a renewal probability below 100% that run their course inside the
    horizon. A window renewed with certainty is no decision: every run renews it (:func:`with_certain_renewals`)."""
    return [decision for decision in _decisions(scenario) if decision.probability < 1.0]


def with_certain_renewals(scenario: Scenario) -> Scenario:
    """The scenario with each window whose renewal probability is 100% renewed as often as the horizon allows: a
    certainty, which a point projection follows as the draws do (its headline once showed the lapse the scenario
    rules out)."""
    certain = certain_renewals(scenario)
    return renewed(scenario, certain, tuple(decision.most(scenario.end) for decision in certain))


def certain_renewals(scenario: Scenario) -> list[RenewalDecision]:
    """The windows renewed with certainty (probability 100%) that run their course inside the horizon."""
    return [decision for decision in _decisions(scenario) if decision.probability >= 1.0]


def renewed(scenario: Scenario, decisions: list[RenewalDecision], counts: tuple[int, ...]) -> Scenario:
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


def _decisions(scenario: Scenario) -> list[RenewalDecision]:
    """Windows with a renewal probability that run their course inside the horizon, whatever the probability.

    Windows with the same start, length and renewal terms are one decision; a window that is cut short (see
    :func:`ignored_renewals`) is left out of it, so the other side's window of the same truce is still renewed.
    """
    groups: dict[tuple, list[tuple[str, str, int]]] = {}
    for direction, measure, window in _renewable_windows(scenario):
        if window.overridden:
            continue
        entry = window.entry
        length = int((entry.renewal.days or entry.days).value)  # type: ignore[union-attr]
        key = (window.start, int(entry.days.value), length, entry.renewal.probability.value / 100.0)  # type: ignore[union-attr]
        groups.setdefault(key, []).append((direction, measure.name, window.index))
    decisions = [RenewalDecision(*key, tuple(entries)) for key, entries in sorted(groups.items())]
    return [decision for decision in decisions if decision.most(scenario.end) > 0]


def ignored_renewals(scenario: Scenario) -> list[str]:
    """Renewal probabilities that cannot act: the window ends after the horizon, a later entry cuts it short, or the
    measure itself ends first."""
    found = []
    for direction, measure, window in _renewable_windows(scenario):
        start = window.start.isoformat()
        if window.written_end > scenario.end:
            found.append(f"{measure.label} window from {start} ends after the horizon")
        elif window.overridden and window.end == scenario.tariffs[direction].end_of(measure):
            found.append(
                f"{measure.label} window from {start} is cut short when the measure ends on {window.end.isoformat()}"
            )
        elif window.overridden:
            found.append(f"{measure.label} window from {start} is cut short by the entry of {window.end.isoformat()}")
    return found
