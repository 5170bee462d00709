"""The scenario format: pydantic models for one YAML file, and the resolved scenario.

A file may be partial (``extends`` another scenario and override what it names); the
models here check each file on its own. :mod:`simulator.inputs.loading` merges a chain of
files into one :class:`Scenario`, the validated object the rest of the package uses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any
from unicodedata import category

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from simulator.inputs.authorities import AUTHORITIES, DEFAULT_AUTHORITY, expected_by_side
from simulator.inputs.facts import Fact
from simulator.inputs.parameters import Parameters, ParameterValues
from simulator.inputs.problems import did_you_mean
from simulator.inputs.quantities import (
    NEVER_WORD,
    Day,
    Days,
    EndDate,
    Number,
    Percent,
    Rate,
    Share,
    StartDate,
    When,
    invalid,
    parse_percent,
    resolve_fact,
)
from simulator.inputs.schema import Strict

DIRECTIONS = ("us_on_china", "china_on_us")
"""Tariff directions: the US tariff on imports from China, and China's tariff on imports from the US."""

MAX_HORIZON_YEARS = 20
"""The longest horizon [years]: the model is estimated on 2024-2025; twenty years on, its trends say little, and
the time and memory of a run grow with the horizon."""


class Revert:
    """Marker for a window whose follow-up is the rate in force before the window began."""

    def __repr__(self) -> str:
        return "revert"

    def __reduce__(self) -> str:
        return "REVERT"  # unpickles as the module's one marker, so `is REVERT` holds in worker processes


REVERT = Revert()


def _follow_up(value: Any, info: ValidationInfo) -> Percent | Revert:
    if value == "revert" or isinstance(value, Revert):
        return REVERT
    return parse_percent(value, info)


def _percent_fact(value: Any, info: ValidationInfo) -> Fact:
    if isinstance(value, Fact):
        return value
    fact = resolve_fact({"fact": value}, info, ("percent",))
    parse_percent(Percent(float(fact.value), fact.id), info)  # a rate taken from a fact is held to a rate's range
    return fact


def _event_fact(value: Any, info: ValidationInfo) -> Fact:
    if isinstance(value, Fact):
        return value
    return resolve_fact({"fact": value}, info, ("event", "percent", "days", "minutes", "USD bn", "years", "ratio"))


def _authority(value: Any, info: ValidationInfo) -> str:
    if isinstance(value, str) and value in AUTHORITIES:
        return value
    word = value if isinstance(value, str) else repr(value)
    hint = did_you_mean(str(word), AUTHORITIES)
    raise invalid("authority", f"unknown authority '{word}'{hint}; {expected_by_side()}")


FollowUp = Annotated[Percent | Revert, BeforeValidator(_follow_up)]
AuthorityName = Annotated[str, BeforeValidator(_authority)]
"""One of the authorities in :data:`simulator.inputs.authorities.AUTHORITIES`."""

PercentFact = Annotated[Fact, BeforeValidator(_percent_fact)]
EventFact = Annotated[Fact, BeforeValidator(_event_fact)]


class Renewal(Strict):
    """A window's chance of renewal when it ends: Monte Carlo draws renew it at random (a point run follows the path
    as written; at 100% every run renews it), and in every run buyers inside the window take 1 − ``probability`` as
    the chance it lapses.

    Each renewal extends the window by ``days`` (default: the window's own length) with
    ``probability``, and may happen again at the end of the renewed window.
    """

    probability: Share
    days: Days | None = None


class PathEntry(Strict):
    """One dated change of a measure: a step, or a window that ends after ``days``.

    Either ``fact`` (date and rate taken from a sourced fact) or ``date`` and ``rate``; ``date`` may cite a fact too
    (``{fact: id}``: the fact's date).
    A window's follow-up (``then``) starts on ``date + days``: ``revert`` (the default)
    restores the rate in force the day before the window began; a rate sets that rate.
    ``coverage`` changes the share of trade the measure covers from this date on (a product
    list that grows); without it the coverage in force goes on.
    """

    fact: PercentFact | None = None
    date: StartDate | None = None
    rate: Rate | None = None
    days: Days | None = None
    then: FollowUp | None = None
    renewal: Renewal | None = None
    coverage: Share | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> PathEntry:
        if self.fact is not None and (self.date is not None or self.rate is not None):
            raise ValueError("give either 'fact' (which supplies date and rate) or 'date' and 'rate', not both")
        if self.fact is None and (self.date is None or self.rate is None):
            missing = " and ".join(name for name in ("date", "rate") if getattr(self, name) is None)
            raise ValueError(f"missing {missing} (or give 'fact' to take both from a sourced fact)")
        if self.days is None and self.then is not None:
            raise ValueError("'then' belongs to a window: add 'days'")
        if self.days is None and self.renewal is not None:
            raise ValueError("'renewal' belongs to a window: add 'days'")
        return self

    @property
    def start(self) -> dt.date:
        """First day the entry's rate applies."""
        return self.fact.date if self.fact is not None else self.date.date  # type: ignore[union-attr,return-value]

    @property
    def percent(self) -> Percent:
        """The entry's rate [%] with the fact it cites."""
        if self.fact is not None:
            return Percent(float(self.fact.value), self.fact.id)  # type: ignore[arg-type]
        return self.rate  # type: ignore[return-value]

    @property
    def follow_up(self) -> Percent | Revert:
        return REVERT if self.then is None else self.then


class MeasureFile(Strict):
    """One stacked tariff measure (e.g. the fentanyl duty) as written in a file.

    ``authority`` is its legal basis; ``not_on`` names authorities whose covered trade it skips
    (it applies to its ``coverage`` share of the rest); ``ends`` is a statutory end, the first
    day it no longer applies (``never`` removes an end set by a parent).
    """

    label: str | None = None
    authority: AuthorityName | None = None
    headline: bool | None = None
    coverage: Share | None = None
    not_on: tuple[AuthorityName, ...] | None = None
    ends: EndDate | None = None
    path: list[PathEntry] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> MeasureFile:
        if self.not_on is not None and len(set(self.not_on)) != len(self.not_on):
            raise ValueError("'not_on' names an authority twice: name each once")
        return self


class RefundFile(Strict):
    """Duties of an ended authority paid back: ``share`` of what was collected, evenly over ``days`` from ``start``."""

    share: Share
    start: EndDate
    days: Days


def _refund(value: Any, info: ValidationInfo) -> Any:
    return None if value == NEVER_WORD else value


RefundSetting = Annotated[RefundFile | None, BeforeValidator(_refund)]
"""A refund, or ``never``: no refund (removes one a parent books)."""


class DirectionFile(Strict):
    """The tariffs one side levies: a pre-2025 base rate, stacked additional measures, and authority-wide events.

    ``authority_ends`` ends every measure of an authority from a date (a court ruling, a lapse);
    ``never`` removes an end set by a parent. ``refunds`` pays back duties of an ended authority
    (``never``: no refund).
    """

    base: Rate | None = None
    authority_ends: dict[AuthorityName, EndDate] | None = None
    refunds: dict[AuthorityName, RefundSetting] | None = None
    measures: dict[str, MeasureFile] | None = None


class TariffsFile(Strict):
    us_on_china: DirectionFile | None = None
    china_on_us: DirectionFile | None = None


CALIBRATION_START = dt.date(2024, 1, 1)
FULL_COVERAGE = Percent(100.0)
"""A measure's coverage when its file gives none: all of the trade."""


class HorizonFile(Strict):
    start: Day
    end: Day

    @model_validator(mode="after")
    def _ordered(self) -> HorizonFile:
        if self.start < CALIBRATION_START:
            raise ValueError(
                f"the horizon starts on {self.start}, before the 2024 data the model is calibrated on (expected "
                "2024-01-01 or later)"
            )
        if self.end <= self.start:
            raise ValueError(f"the horizon ends ({self.end}) on or before it starts ({self.start})")
        last = _years_later(self.start, MAX_HORIZON_YEARS) - dt.timedelta(days=1)
        if self.end > last:
            raise ValueError(
                f"the horizon spans more than {MAX_HORIZON_YEARS} years (expected an end on or before {last})"
            )
        first_full = self.start if self.start.day == 1 else _next_month(self.start)
        if _next_month(first_full) - dt.timedelta(days=1) > self.end:
            needed = _next_month(first_full) - dt.timedelta(days=1)
            raise ValueError(
                f"the horizon holds no whole calendar month, and the projection is monthly (expected an end on or "
                f"after {needed})"
            )
        return self


def _years_later(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 1 March in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def _next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


class EventFile(Strict):
    """A dated marker for charts: a fact of unit 'event', or a date and label."""

    fact: EventFact | None = None
    date: Day | None = None
    label: str | None = Field(default=None, max_length=48)

    @model_validator(mode="after")
    def _complete(self) -> EventFile:
        if self.fact is None and (self.date is None or self.label is None):
            raise ValueError("an event needs 'fact', or both 'date' and 'label'")
        return self


class ScenarioFile(Strict):
    """Everything a scenario file may hold; all optional so that a child file is small."""

    title: str | None = Field(default=None, min_length=3, max_length=120)
    description: str | None = None
    extends: str | None = None
    horizon: HorizonFile | None = None
    tariffs: TariffsFile | None = None
    parameters: Parameters | None = None  # type: ignore[valid-type]
    events: list[EventFile] | None = None
    events_replace: bool | None = None
    references: list[str] | None = None

    @field_validator("title")
    @classmethod
    def _visible_title(cls, title: str | None) -> str | None:
        # a title of spaces (or of zero-width characters) passes the length check and leaves charts and pages with a
        # blank heading
        visible = [character for character in title or "" if not character.isspace() and category(character) != "Cf"]
        if title is not None and len(visible) < 3:
            raise ValueError("blank or too short: write at least 3 characters besides spaces")
        return title

    @model_validator(mode="after")
    def _replace_needs_events(self) -> ScenarioFile:
        if self.events_replace and self.events is None:
            raise ValueError("'events_replace: true' replaces the events of the scenario extended: add 'events'")
        return self


# ---------------------------------------------------------------- resolved form


@dataclass(frozen=True)
class Measure:
    """A resolved measure: entries sorted by date; coverage and rates in [%].

    Every setting of :class:`MeasureFile` but ``path`` is a field of the same name here, with
    the default a file that leaves it out gets.
    """

    name: str
    entries: tuple[PathEntry, ...]
    label: str
    authority: str = DEFAULT_AUTHORITY
    headline: bool = True
    coverage: Percent = FULL_COVERAGE
    not_on: tuple[str, ...] = ()
    ends: When | None = None


@dataclass(frozen=True)
class Refund:
    """Duties of an authority paid back: ``share`` [%] of what was collected, evenly over ``days`` from ``start``."""

    share: Percent
    start: When
    days: Number


@dataclass(frozen=True)
class Direction:
    """A resolved direction: base rate [%], its measures, the dates authorities end, and refunds.

    ``authority_ends`` holds only authorities that do end (``never`` in a child removes the entry).
    """

    base: Percent
    measures: dict[str, Measure]
    authority_ends: dict[str, When] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)

    def end_of(self, measure: Measure) -> dt.date | None:
        """The first day a measure no longer applies: its statutory end or its authority's, whichever comes first."""
        dates = [when.date for when in (measure.ends, self.authority_ends.get(measure.authority)) if when and when.date]
        return min(dates) if dates else None


@dataclass(frozen=True)
class Event:
    date: dt.date
    label: str
    fact: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario with its ``extends`` chain applied.

    Attributes:
        id: file stem of the scenario.
        title, description: text for charts and reports.
        parent: id of the scenario this one extends, if any.
        start, end: the horizon, both days included.
        tariffs: the two :data:`DIRECTIONS`, each a :class:`Direction`.
        parameters: model parameters with sourced defaults filled in.
        events: dated markers for charts.
        references: extra source ids the file cites.
        files: the files read, root first.
        parameters_set: parameters the files set (point values stay fixed in Monte Carlo
            draws; the others vary as ``docs/model.md``, "Uncertainty", says: estimated ones from the fit's
            posterior, the rest from their sourced ranges, those the fit holds staying at their defaults).
        extended: the scenario this one extends, resolved on its own (None for a root, or when
            the parent alone is incomplete).
        chain: the validated files it was merged from, root first, so that a what-if built in code can extend a
            scenario that was itself built in code (not shown, not compared).
        file_hashes: the SHA-256 of each of ``files`` as it was read ('' for one given in code).
    """

    id: str
    title: str
    description: str
    parent: str | None
    start: dt.date
    end: dt.date
    tariffs: dict[str, Direction]
    parameters: ParameterValues
    events: tuple[Event, ...] = ()
    references: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    parameters_set: tuple[str, ...] = ()
    extended: Scenario | None = None
    chain: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    file_hashes: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __repr__(self) -> str:
        # the whole dataclass, with every dated entry and parameter, ran to 20,000 characters in a console
        extends = f", extends {self.parent!r}" if self.parent else ""
        return f"<Scenario {self.id!r}: {self.title!r}, {self.start} to {self.end}{extends}>"

    def extended_over_horizon(self) -> Scenario | None:
        """The scenario this one extends, run over this one's horizon as well as its own, so that a what-if's effect
        covers every day the what-if projects: past its own end the parent's path runs on as written (its last rates
        held, a truce window still open ending as its entry says), None when it extends none."""
        parent = self.extended
        if parent is None:
            return None
        start, end = min(parent.start, self.start), max(parent.end, self.end)
        if (start, end) == (parent.start, parent.end):
            return parent
        return dataclasses.replace(parent, start=start, end=end)

    def facts_used(self) -> list[str]:
        """Ids of every fact the scenario cites, in order of first use."""
        seen: dict[str, None] = {}

        def note(value: Any) -> None:
            fact = getattr(value, "fact", None)
            if isinstance(fact, Fact):
                seen.setdefault(fact.id)
            elif isinstance(fact, str):
                seen.setdefault(fact)

        for direction in self.tariffs.values():
            note(direction.base)
            for when in direction.authority_ends.values():
                note(when)
            for refund in direction.refunds.values():
                for value in (refund.share, refund.start, refund.days):
                    note(value)
            for measure in direction.measures.values():
                note(measure.coverage)
                note(measure.ends)
                for entry in measure.entries:
                    renewal = (entry.renewal.probability, entry.renewal.days) if entry.renewal else ()
                    for value in (entry, entry.date, entry.rate, entry.days, entry.then, entry.coverage, *renewal):
                        note(value)
        for event in self.events:
            if event.fact:
                seen.setdefault(event.fact)
        for value in self.parameters.values().values():
            note(value)
            for fact in getattr(value, "facts", ()):
                seen.setdefault(fact)
        return list(seen)
