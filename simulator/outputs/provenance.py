"""Where every input number comes from: a scenario's inputs as rows citing facts, footnotes, and diffs.

Reports list each input (tariff steps and windows, base rates, coverage, parameters, horizon,
events) with the facts it cites; :class:`Notes` numbers those facts as footnotes with their
sources. :func:`differences` lists the inputs a what-if changes against the scenario it extends.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.inputs.authorities import AUTHORITIES, authorities_of
from simulator.inputs.estimates import load_estimates
from simulator.inputs.facts import Fact, Source, load_facts, load_sources
from simulator.inputs.parameters import PARAMETERS
from simulator.inputs.scenario import DIRECTIONS, REVERT, Direction, Measure, PathEntry, Scenario
from simulator.model import noise
from simulator.model.result import Result
from simulator.model.tariff_paths import TariffPaths
from simulator.model.timeline import ignored_renewals, rate_on, schedule, windows
from simulator.outputs.text import MINUS, listed, reader_text, unit_marks

DIRECTION_TITLES = {"us_on_china": "US tariffs on Chinese goods", "china_on_us": "China's tariffs on US goods"}
CALIBRATION_FACTS = (
    "us-imports-from-china-2024",
    "us-exports-to-china-2024",
    "us-balance-with-china-2024",
    "us-deficit-with-china-2024-seed",
)
"""Facts behind the calibration every projection starts from (the 2024 Census totals and the deficit the press
reported)."""


@dataclass(frozen=True)
class Input:
    """One input of a scenario: ``key`` identifies it across scenarios, ``text`` says it in words."""

    section: str
    key: str
    name: str
    text: str
    facts: tuple[str, ...] = ()


def _cited(*values: Any) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        fact = getattr(value, "fact", None)
        fact_id = fact.id if isinstance(fact, Fact) else fact
        if isinstance(fact_id, str) and fact_id not in found:
            found.append(fact_id)
    return tuple(found)


def _number(value: float, digits: int = 4) -> str:
    """An input as its file wrote it, to four significant digits (an estimate to the three its interval warrants),
    with a true minus sign."""
    return f"{value:,.{digits}g}".replace("-", MINUS)


def day(date) -> str:
    """A date as '4 Feb 2025'."""
    return f"{date.day} {date:%b %Y}"


def moment(stamp: str) -> str:
    """An ISO time stamp (UTC) as a reader writes it: '30 Nov 2026 at 11:30 UTC'."""
    when = dt.datetime.fromisoformat(stamp)
    return f"{day(when)} at {when:%H:%M} UTC"


def entry_text(entry: PathEntry, prior: float, skipped: str = "", renewable: bool = True) -> str:
    """A path entry in words: '30% for 90 days, then 34%'; ``prior`` is the rate before it [%]; ``skipped``: the
    authorities whose goods the measure leaves out, which a coverage share is a share of the rest of; ``renewable``:
    a window with a renewal runs its course inside the horizon, so the renewal can act."""
    text = f"{_number(entry.percent.value)}%"
    if entry.coverage is not None:
        text += f" on {_number(entry.coverage.value)}% of the trade" + (f" not under {skipped}" if skipped else "")
    if entry.days is not None:
        follow = entry.follow_up
        after = f"back to {_number(prior)}%" if follow is REVERT else f"{_number(follow.value)}%"  # type: ignore[union-attr]
        text += f" for {int(entry.days.value)} days, then {after}"
        if entry.renewal is not None and not renewable:
            text += (
                f"; its renewal ({_number(entry.renewal.probability.value)}%) never acts: the window is cut short or "
                "ends after the horizon"
            )
        elif entry.renewal is not None and entry.renewal.probability.value >= 100:
            length = int((entry.renewal.days or entry.days).value)
            text += f"; renewed for {length} days at a time, with certainty: it runs on renewed in every run"
        elif entry.renewal is not None:
            length = int((entry.renewal.days or entry.days).value)
            text += (
                f"; renewed for {length} days at a time with probability "
                f"{_number(entry.renewal.probability.value)}% (renewed at random in Monte Carlo draws; in every run "
                f"buyers give it a {_number(100 - entry.renewal.probability.value)}% chance of lapsing)"
            )
    return text + (f" ({entry.note})" if entry.note else "")


def _measure_inputs(direction: str, measure: Measure, side: Direction, end: dt.date) -> list[Input]:
    section = DIRECTION_TITLES[direction]
    prefix = f"tariffs.{direction}.{measure.name}"
    authority = AUTHORITIES[measure.authority].label
    skipped = " and ".join(AUTHORITIES[name].label for name in measure.not_on)
    text = (
        authority
        + (f"; not on goods under {skipped}" if skipped else "")
        + ("" if measure.headline else "; not in the headline rate")
    )
    rows = [Input(section, f"{prefix}.authority", f"{measure.label}: legal basis", text)]
    if measure.coverage.value != 100.0 or measure.coverage.fact:
        share = "of the trade" if not skipped else f"of the trade not under {skipped}"
        rows.append(
            Input(
                section,
                f"{prefix}.coverage",
                f"{measure.label}: share of trade covered",
                f"{_number(measure.coverage.value)}% {share}",
                _cited(measure.coverage),
            )
        )
    priors = {window.index: window.prior for window in schedule(measure.entries).windows}
    acting = {window.index: not window.overridden and window.written_end <= end for window in windows(measure, side)}
    for index, entry in enumerate(measure.entries):
        renewal = (entry.renewal.probability, entry.renewal.days) if entry.renewal else ()
        rows.append(
            Input(
                section,
                f"{prefix}@{entry.start.isoformat()}",
                f"{measure.label} from {day(entry.start)}",
                entry_text(entry, priors.get(index, 0.0), skipped, acting.get(index, True)),
                _cited(entry, entry.date, entry.rate, entry.days, entry.then, entry.coverage, *renewal),
            )
        )
    if measure.ends is not None and measure.ends.date is not None:
        rows.append(
            Input(
                section,
                f"{prefix}.ends",
                f"{measure.label}: ends by law",
                f"no longer applies from {day(measure.ends.date)}",
                _cited(measure.ends),
            )
        )
    return rows


def _direction_inputs(direction: str, side: Direction) -> list[Input]:
    section = DIRECTION_TITLES[direction]
    rows = []
    for name, when in side.authority_ends.items():
        rows.append(
            Input(
                section,
                f"tariffs.{direction}.authority_ends.{name}",
                f"{AUTHORITIES[name].label}: every measure ends",
                f"from {day(when.date)}",
                _cited(when),
            )
        )
    for name, refund in side.refunds.items():
        text = (
            f"{_number(refund.share.value)}% of the {AUTHORITIES[name].label} duties collected, paid back evenly over "
            f"{int(refund.days.value)} days from {day(refund.start.date)}"
        )
        rows.append(
            Input(
                section,
                f"tariffs.{direction}.refunds.{name}",
                f"{AUTHORITIES[name].label}: refunds",
                text,
                _cited(refund.share, refund.start, refund.days),
            )
        )
    return rows


def inputs(scenario: Scenario) -> list[Input]:
    """Every input of a resolved scenario, in reading order."""
    rows = [
        Input("Horizon", "horizon", "Projection horizon", f"{scenario.start.isoformat()} to {scenario.end.isoformat()}")
    ]
    for direction in DIRECTIONS:
        side = scenario.tariffs[direction]
        rows.append(
            Input(
                DIRECTION_TITLES[direction],
                f"tariffs.{direction}.base",
                "Pre-2025 average tariff (base)",
                f"{_number(side.base.value)}%",
                _cited(side.base),
            )
        )
        rows += _direction_inputs(direction, side)
        for measure in side.measures.values():
            rows += _measure_inputs(direction, measure, side, scenario.end)
    kept = load_estimates()
    held = kept.held if kept is not None else {}
    for name, value in scenario.parameters.values().items():
        spec = PARAMETERS.get(name)
        unit = "".join(unit_marks(spec.unit if spec is not None else "ratio"))
        estimated = spec is not None and spec.estimated and name not in scenario.parameters_set
        note = " (estimated from the monthly record)" if estimated else ""
        if estimated and name in held:
            note = " (off: the model leaves this mechanism out, as it made its forecasts worse)"
        rows.append(
            Input(
                "Model parameters",
                f"parameters.{name}",
                spec.label if spec is not None else name.replace("_", " "),
                f"{_number(value.value, 3 if estimated else 4)}{unit}{note}",
                _cited(value),
            )
        )
    rows.append(response_in_all(scenario))
    marked: dict[dt.date, list] = {}
    for event in scenario.events:
        marked.setdefault(event.date, []).append(event)
    for date, events in marked.items():  # one row a day: a marker relabelled by a what-if is one change
        rows.append(
            Input(
                "Events marked on the charts",
                f"events@{date.isoformat()}",
                day(date),
                "; ".join(event.label for event in events),
                tuple(event.fact for event in events if event.fact),
            )
        )
    return rows


RESPONSE_IN_ALL = "parameters (response in all)"
"""Key of the row worked out from the parameter rows; a what-if that changes them changes it too, so the list of what a
what-if changes leaves it out (it would repeat those changes at length)."""


def response_in_all(scenario: Scenario) -> Input:
    """How far each flow's volume answers a lasting change of its tariff, the channels added up and scaled by the
    pass-through (docs/model.md, step 6): the parameter rows list the parts, and the aggregate short-run elasticity
    alone understates how hard imports answer, since switching to other suppliers adds to it [elasticities of volume
    to the duty factor]."""
    value = scenario.parameters.numbers()
    short, long, passed = value["short_run_elasticity"], value["long_run_elasticity"], value["pass_through"]
    imports, exports = value["import_switching_elasticity"], value["export_switching_elasticity"]

    def flow(name: str, switching: float) -> str:
        plus = " plus switching to other suppliers" if switching else ""
        return (
            f"{name}: {_number(passed * (short + switching), 3)} within months (the short-run elasticity{plus}; time "
            f"constant {_number(value['adjustment_days'], 3)} days), {_number(passed * (long + switching), 3)} over "
            f"years (the long-run elasticity{plus}; time constant {_number(value['long_run_adjustment_years'], 3)} "
            "years)"
        )

    shared = "" if passed == 1.0 else f", with {_number(passed * 100, 3)}% of a duty passed on to buyers"
    return Input(
        "Model parameters",
        RESPONSE_IN_ALL,
        "Response of volumes to a lasting tariff change, in all",
        f"{flow('US imports from China', imports)}; {flow('US exports to China', exports)}{shared}",
    )


@dataclass(frozen=True)
class Difference:
    """An input a what-if changes: ``before`` is the parent's text, ``after`` the what-if's ('' when absent)."""

    section: str
    name: str
    before: str
    after: str
    facts: tuple[str, ...]


def differences(scenario: Scenario, parent: Scenario) -> list[Difference]:
    """The inputs that differ between ``scenario`` and ``parent``, in ``scenario``'s order (title and description
    aside).
    """
    mine = {row.key: row for row in inputs(scenario)}
    theirs = {row.key: row for row in inputs(parent)}
    found = []
    for key in list(mine) + [key for key in theirs if key not in mine]:
        if key == RESPONSE_IN_ALL:
            continue
        ours, old = mine.get(key), theirs.get(key)
        if ours is not None and old is not None and ours.text == old.text:
            continue
        row = ours or old
        after = ours.text if ours else _in_force(scenario, key)
        before = old.text if old else _in_force(parent, key)  # a step the parent lacks: what it had in force then
        found.append(Difference(row.section, row.name, before, after, ours.facts if ours else ()))  # type: ignore[union-attr]
    return found


def _in_force(scenario: Scenario, key: str) -> str:
    """For an input the what-if does not have: what it has instead (the rate in force on a step's date, no end, no
    refund).
    """
    if ".authority_ends." in key:
        return "never ends"
    if ".refunds." in key:
        return "no refund"
    if key.endswith(".ends"):
        return "no end by law"
    if not key.startswith("tariffs.") or "@" not in key:
        return ""
    where, date = key.split("@")
    _, direction, name = where.split(".")
    measure = scenario.tariffs[direction].measures.get(name)
    if measure is None:
        return "no such measure"
    rate = rate_on(measure, dt.date.fromisoformat(date), scenario.tariffs[direction])
    return f"no step on this date; {_number(rate)}% in force"


@dataclass
class Notes:
    """Footnotes: each fact cited gets a number, in order of first citation."""

    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, facts: tuple[str, ...] | list[str]) -> list[int]:
        """Footnote numbers for ``facts``, numbering new ones."""
        return [self.numbers.setdefault(fact, len(self.numbers) + 1) for fact in facts]

    def entries(self) -> list[Footnote]:
        facts, sources = load_facts(), load_sources()
        return [
            Footnote(number, facts[fact], [sources[source] for source in facts[fact].sources])
            for fact, number in self.numbers.items()
        ]


@dataclass(frozen=True)
class Footnote:
    """A numbered note: the fact, its sources, and in a reader's words its name, how it was worked out and the
    publications it comes from."""

    number: int
    fact: Fact
    sources: list[Source]

    @property
    def label(self) -> str:
        """The fact's short name (its description's first words when it has none), without project words."""
        return reader_text(self.fact.label or self.fact.description.split(".")[0])

    @property
    def description(self) -> str:
        return reader_text(self.fact.description)

    @property
    def derivation(self) -> str:
        """How the number was worked out, as a sentence ('' when it was read off a source)."""
        return derivation(self.fact)

    @property
    def citations(self) -> list[tuple[str, str | None]]:
        """Each source as (publisher, title and date, its web address or None)."""
        return [(citation(source), source.url or None) for source in self.sources]

    @property
    def value(self) -> str:
        """The fact's value with its unit, or its date for an event."""
        fact = self.fact
        if fact.value is None:
            return day(fact.date)
        unit = {
            "percent": "%",
            "USD bn": " USD bn",
            "days": " days",
            "minutes": " minutes",
            "years": " years",
            "ratio": "",
        }[fact.unit]
        return f"{_number(fact.value)}{unit} ({day(fact.date)})"


FACT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+(?:/[a-z0-9]+)?")
"""How a fact id looks inside a ``derived`` note: lower-case words joined by hyphens ('us-fentanyl-2025-03-04')."""
OPERATORS = ((" - ", " \u2212 "), (" x ", " \u00d7 "), (" / ", " \u00f7 "))
"""Operators of a ``derived`` note as a reader writes them."""


def derivation(fact: Fact) -> str:
    """A fact's ``derived`` note as a sentence: each fact id named by its label, true operators ('' without one).

    'us-fentanyl-2025-03-04 (20) + us-reciprocal-2025-04-05 (10).' becomes 'Worked out as: US fentanyl duty of
    4 March 2025 (20) + ...' with the labels the facts carry.
    """
    if not fact.derived:
        return ""
    facts = load_facts()

    def name(match: re.Match) -> str:
        word = match.group(0)
        found = facts.get(word.split("/")[0])
        if found is None:
            return word if not re.search(r"[a-z]-[a-z]", word) else word.replace("-", " ")
        return reader_text(found.label or found.description.split(".")[0].rstrip())

    text = FACT_ID.sub(name, fact.derived.strip())
    for raw, shown in OPERATORS:
        text = text.replace(raw, shown)
    text = reader_text(text)
    return f"Worked out as: {text}"  # as written: a lowered first letter turned 'Census' and 'January' into words


PATH_NOTE = re.compile(r"\s*\([^()]*(?:/|\.ya?ml\b|\.csv\b|\.py\b)[^()]*\)")
"""A parenthesis naming files or folders of a repository ('(tariff-rate-tracker, config/policy_params.yaml)')."""


def citation(source: Source) -> str:
    """A source as a reader cites it: author, publisher, title, date; no repository paths or project words."""
    return reader_text(PATH_NOTE.sub("", source.citation()))


def all_facts(scenario: Scenario) -> list[str]:
    """The facts a report on ``scenario`` rests on: the calibration, every fact the scenario cites,
    and the facts those are derived from (named in their ``derived`` notes)."""
    facts = load_facts()
    found = list(dict.fromkeys([*CALIBRATION_FACTS, *scenario.facts_used()]))
    for fact_id in found:  # the list grows while it is read: derivations of derivations are followed too
        for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", facts[fact_id].derived or ""):
            if word in facts and word not in found:
                found.append(word)
    return found


def draws_note(result: Result) -> str:
    """What a Monte Carlo run rests on, in a few sentences: what was drawn and from where, what stays at the values
    the fit assumed, how truces may be renewed (the random seed, which repeats the run, is in the manifest and the
    page's header)."""
    outcome = result.uncertainty
    if outcome is None:
        return ""
    scenario = result.scenario
    estimates = load_estimates()
    estimated = set(estimates.names) if estimates is not None else set()
    joint = [
        name
        for name in outcome.drawn
        if name in estimated and name not in noise.PARAMETERS and scenario.parameters.distribution(name) is None
    ]
    swings = any(name in noise.PARAMETERS for name in outcome.drawn)
    rest = [name for name in outcome.drawn if name not in joint and name not in noise.PARAMETERS]
    written = [_label(name) for name in rest if scenario.parameters.distribution(name) is not None]
    sourced = [_label(name) for name in rest if scenario.parameters.distribution(name) is None]
    sentences = [f"{result.draws:,} draws."]
    if joint:
        sentences.append(
            f"The {len(joint)} estimated parameters of the trade response come together from the fit's posterior."
        )
    if written:
        sentences.append(f"From the distributions the scenario gives: {listed(written, serial=True)}.")
    if sourced:
        sentences.append(
            f"From {'their sourced ranges' if len(sourced) > 1 else 'its sourced range'}: "
            f"{listed(sourced, serial=True)}."
        )
    if swings:
        sentences.append("After the last Census month, each draw adds the monthly swings the model does not explain.")
    if len(sentences) == 1:
        sentences.append("No input varies across them.")
    text = " ".join(sentences)
    held = [
        spec.label
        for name, spec in PARAMETERS.items()
        if spec.held_in_fit and name not in outcome.drawn and name not in scenario.parameters_set
    ]
    if held:
        verb = "stay at the values" if len(held) > 1 else "stays at the value"
        text += f" {_capital(listed(held, serial=True))} {verb} the fit assumed."
    policy = "; ".join(decision.describe() for decision in outcome.decisions)
    text += f" Truce renewals drawn too: {policy}." if policy else " No truce is renewed at random."
    ignored = ignored_renewals(scenario)
    text += f" Renewal ignored: {'; '.join(ignored)}." if ignored else ""
    return text + (
        " The point projection (the key numbers, and the dashed line of the fan chart) sets every input at its central "
        "value; the median of the draws need not match it, since the model is not linear in its inputs."
    )


def _label(name: str) -> str:
    return PARAMETERS[name].label if name in PARAMETERS else name.replace("_", " ")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class InForce:
    """An authority's measures in force on one day, for one side: each measure's rate [%] in words, the
    authority's effective additional rate [%], and the facts behind the rates."""

    side: str
    authority: str
    measures: str
    effective: float
    facts: tuple[str, ...]


def in_force(scenario: Scenario, paths: TariffPaths, day: dt.date) -> list[InForce]:
    """The authorities whose measures are in force on ``day``, per side, in registry order."""
    index = int(np.searchsorted(paths.days, np.datetime64(day, "D")))
    found = []
    for direction in DIRECTIONS:
        side = scenario.tariffs[direction]
        base = side.base
        found.append(
            InForce(
                DIRECTION_TITLES[direction],
                BASE_LABELS[direction],
                f"average {_number(base.value)}%",
                base.value,
                _cited(base),
            )
        )
        for authority in authorities_of(direction):
            texts, facts = [], []
            for name, measure in side.measures.items():
                rate = float(paths.measures[direction][name][index])
                if measure.authority != authority or rate <= 0:
                    continue
                texts.append(f"{measure.label} {_number(rate)}%")
                latest = [entry for entry in measure.entries if entry.start <= day][-1:]
                facts += [fact for entry in latest for fact in _cited(entry, entry.rate, entry.coverage)]
            if texts:
                effective = float(paths.by_authority[direction][authority][index])
                found.append(
                    InForce(
                        DIRECTION_TITLES[direction],
                        AUTHORITIES[authority].label,
                        "; ".join(texts),
                        effective,
                        tuple(dict.fromkeys(facts)),
                    )
                )
    return found


def confidence(fact: Fact) -> str:
    """How far a fact can be trusted: its own confidence if it states one, else that of its best source."""
    if fact.confidence is not None:
        return fact.confidence
    levels = [load_sources()[source].confidence for source in fact.sources]
    return next(level for level in ("high", "medium", "low") if level in levels)


BASE_LABELS = {
    "us_on_china": "tariffs in force before 2025 (the 2018–19 Section 301 lists among them)",
    "china_on_us": "tariffs in force before 2025",
}
"""How the in-force tables name each side's base: the US rows of later Section 301 duties leave those lists out."""


def assumptions(scenario: Scenario) -> list[Fact]:
    """Facts the scenario rests on that are thinly sourced (low confidence): assumptions more than record; with them
    the thin priors of the estimates the record barely narrows (:func:`leaning_on_prior`)."""
    facts = load_facts()
    found = dict.fromkeys([*all_facts(scenario), *leaning_on_prior(scenario)])
    return [facts[fact_id] for fact_id in found if confidence(facts[fact_id]) == "low"]


LEARNED = 0.5
"""The share of a prior's variance the record must remove for an estimate to stand on the record more than on it (the
spread then narrows by 29% or more)."""


def leaning_on_prior(scenario: Scenario) -> dict[str, str]:
    """The facts that centre the priors of estimated parameters the scenario leaves at their estimate and the record
    narrows by less than :data:`LEARNED` of the prior's variance, each with the sentence that lists it among the
    assumptions: it leads with the value the model uses (the estimate, e.g. the chance a truce lapses at 51.8%), so
    the prior's own figure does not read as the one in use."""
    estimates = load_estimates()
    if estimates is None:
        return {}
    facts = load_facts()
    found = {}
    for index, name in enumerate(estimates.names):
        spec = PARAMETERS.get(name)
        if spec is None or spec.estimated is None or name in scenario.parameters_set:
            continue
        learned = 1.0 - float(estimates.covariance[index, index]) / spec.prior_spread() ** 2
        centre = spec.estimated.centre
        if learned < LEARNED and isinstance(centre, dict) and isinstance(centre.get("fact"), str):
            unit = "%" if spec.rules.percent else ""
            estimate = f"{_number(estimates.value(name) / spec.rules.scale, 3)}{unit}"
            narrower = round((1.0 - math.sqrt(1.0 - max(learned, 0.0))) * 100)
            prior = facts[centre["fact"]]
            found[centre["fact"]] = (
                f"The {spec.label} the model uses, {estimate}, is estimated from the record but rests mostly on its "
                f"prior, \u201c{prior.label or prior.id}\u201d: the record narrows that prior's spread by only "
                f"{narrower}%. "
                f"{prior.description}"
            )
    return found
