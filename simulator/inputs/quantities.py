"""Typed values in input files: rates written with a percent sign, day counts, dates, and
references to sourced facts (``{fact: id}``) that stand in for any of them.

Each type is a pydantic ``Annotated`` type whose parser gives a precise message; fact
references are resolved against the facts passed in the validation context, so the
value remembers which fact it came from.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from simulator.inputs.problems import did_you_mean

MAX_RATE_PERCENT = 1000.0
MAX_DAYS = 36_600
"""The longest window, renewal or refund period [days]: 100 years, twice the longest horizon."""
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
"""Dates outside these are refused: the model's record starts in 2024 and its horizons end by 2124."""
# ASCII digits only: Python reads fullwidth or Arabic-Indic digits as numbers, which a reader of the file may not
_PERCENT = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$", re.ASCII)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


@dataclass(frozen=True)
class Percent:
    """A percentage [%] and the fact it was taken from, if any."""

    value: float
    fact: str | None = None

    def __str__(self) -> str:
        return f"{self.value:g}%"


@dataclass(frozen=True)
class Number:
    """A plain number (an elasticity, a count) and the fact it was taken from, if any."""

    value: float
    fact: str | None = None


def _as_float(value: int | float) -> float:
    """A YAML number as a float; integers too large for one become infinity, for the range checks to refuse."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def invalid(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose message is already complete (no template fields)."""
    return PydanticCustomError(kind, message, {})


DISTRIBUTION_KEYS = {"distribution", "low", "high", "central", "mean", "sd", "mode"}
"""Keys that only a distribution writes: a mapping of them without ``central`` or ``distribution`` is one half-named."""


def _not_a_reference(value: dict) -> str:
    """Why a mapping is not a ``{fact: id}`` reference, in the words of what it seems to be."""
    keys = sorted(str(key) for key in value)
    if not keys:
        return "an empty mapping: expected a value, or {fact: id}"
    if "fact" in value:
        return f"a fact reference has the single key 'fact' (unexpected: {', '.join(k for k in keys if k != 'fact')})"
    if "distribution" in value:  # a whole distribution where the field takes one value (a rate, a date's days)
        return "this field takes one value, not a distribution (parameters take distributions, for the draws)"
    if set(keys) <= DISTRIBUTION_KEYS:
        return (
            f"a mapping of {', '.join(keys)} reads as a distribution, which needs 'distribution:' (normal, "
            "truncated_normal, uniform or triangular) or low, central and high; a point value or {fact: id} otherwise"
        )
    return f"expected a value or {{fact: id}} here, not a mapping of {', '.join(keys)}"


def resolve_fact(value: Any, info: ValidationInfo | None, units: tuple[str, ...]) -> Any:
    """Resolve ``{fact: id}`` to the Fact object, checking its unit."""
    if set(value) != {"fact"}:
        raise invalid("fact_reference", _not_a_reference(value))
    fact_id = value["fact"]
    facts = (info.context or {}).get("facts", {}) if info is not None else {}
    if not isinstance(fact_id, str):
        raise invalid("fact_reference", "a fact id is a word such as 'us-reciprocal-geneva'")
    if fact_id not in facts:
        hint = did_you_mean(fact_id, facts)
        raise invalid("unknown_fact", f"unknown fact id '{fact_id}'{hint} (facts are listed in seeds/facts.yaml)")
    fact = facts[fact_id]
    if fact.unit not in units:
        raise invalid("fact_unit", f"fact '{fact_id}' is in {fact.unit}, expected {' or '.join(units)}")
    return fact


def parse_percent(
    value: Any, info: ValidationInfo | None, *, low: float = 0.0, high: float = MAX_RATE_PERCENT
) -> Percent:
    """Parse ``'145%'`` or ``{fact: id}`` into a :class:`Percent` within [low, high]."""
    if isinstance(value, Percent):
        result = value
    elif isinstance(value, dict):
        fact = resolve_fact(value, info, ("percent",))
        result = Percent(float(fact.value), fact.id)
    elif isinstance(value, bool) or value is None:
        raise invalid("percent", "expected a rate with a percent sign, such as '30%'")
    elif isinstance(value, numbers.Real):
        raise invalid("percent", _percent_hint(_as_float(value), low, high))
    elif isinstance(value, str):
        match = _PERCENT.match(value)
        if not match:
            if re.fullmatch(r"\s*[+-]?[0-9.]+[eE][+-]?[0-9]+\s*%\s*", value, re.ASCII):
                raise invalid("percent", f"'{value}' is a rate with an exponent: write it out, such as '12%' or '0.5%'")
            comma = re.fullmatch(r"\s*([+-]?[0-9]+),([0-9]+)\s*%\s*", value, re.ASCII)
            if comma:
                raise invalid("percent", comma_message(value, comma.group(1), comma.group(2), "%"))
            raise invalid("percent", f"'{value}' is not a rate (expected a number with a percent sign, such as '30%')")
        result = Percent(float(match.group(1)))
    else:
        raise invalid("percent", "expected a rate with a percent sign, such as '30%'")
    if not math.isfinite(result.value) or not low <= result.value <= high:
        shown = beside(result.value, low if result.value < low else high)
        if result.value < low:
            if low == 0.0:
                raise invalid("percent_range", f"{shown}% is negative (expected 0% or more)")
            raise invalid("percent_range", f"{shown}% is below the lowest allowed value, {low:g}%")
        raise invalid("percent_range", f"{shown}% is above {high:g}%, which is not plausible here")
    return result


def beside(value: float, bound: float) -> str:
    """``value`` as short as it reads apart from ``bound`` (1000.0000000000001 read '1000', 'above 1000%')."""
    for digits in (6, 10, 17):
        text = f"{value:.{digits}g}"
        if text != f"{bound:.{digits}g}":
            return text
    return repr(value)


def _percent_hint(value: float, low: float, high: float) -> str:
    """What to write instead of a bare number, never suggesting a value that could change what was meant or that
    the field refuses.

    A number from 0 to 1 may be a fraction (1.0 = 100%) or a percentage already; both readings are offered (those
    within [low, high] [%]), the fraction first for shares (which a fraction usually means).
    """
    share = (low, high) == (0.0, 100.0)
    what = "share" if share else "rate"
    if not math.isfinite(value):
        return f"expected a {what} with a percent sign, such as '30%'"
    readings = (
        [(f"{value * 100:g}%", f"if {value:g} is a fraction of the whole", value * 100)] if 0 < value <= 1 else []
    )
    readings.append((f"{value:g}%", f"if you mean {value:g} percent", value))
    if not share:
        readings.reverse()
    shown = [f"'{text}' {meaning}" for text, meaning, number in readings if low <= number <= high]
    if not shown:
        return f"a {what} needs a percent sign, from {low:g}% to {high:g}% (such as '30%')"
    return f"a {what} needs a percent sign: write " + ", or ".join(shown)


def comma_message(value: str, whole: str, part: str, sign: str = "") -> str:
    """What a number written with a comma means: a decimal comma, or, with three digits after it, perhaps a thousands
    separator ('1,500' days), which the fix for a decimal comma would turn into 1.5."""
    quote = "'" if sign else ""
    decimal = f"{quote}{whole}.{part}{sign}{quote}"
    if len(part) == 3 and 1 <= len(whole.lstrip("+-")) <= 3:
        thousands = f"{quote}{whole}{part}{sign}{quote}"
        return f"'{value}' has a comma: write {thousands} for a thousands separator, or {decimal} for a decimal one"
    return f"'{value}' has a decimal comma: write {decimal}, with a point"


def parse_number(value: Any, info: ValidationInfo | None, example: str = "-0.76") -> Number:
    """Parse a plain number or ``{fact: id}`` (a fact in 'ratio') into :class:`Number`; ``example`` is the number the
    messages offer (a day count's is not an elasticity's)."""
    if isinstance(value, Number):
        return value
    if isinstance(value, dict):
        fact = resolve_fact(value, info, ("ratio", "days", "years"))
        return Number(float(fact.value), fact.id)
    if isinstance(value, str) and value.strip().endswith("%"):
        raise invalid("number", f"'{value}' is a rate; this field takes a plain number such as {example}")
    comma = re.fullmatch(r"\s*([+-]?[0-9]+),([0-9]+)\s*", value, re.ASCII) if isinstance(value, str) else None
    if comma:
        raise invalid("number", comma_message(value, comma.group(1), comma.group(2)))
    # numbers.Real: numpy's scalars too, as a notebook hands them over
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(_as_float(value)):
        raise invalid("number", f"expected a finite number such as {example}")
    return Number(float(value))


def parse_days(value: Any, info: ValidationInfo | None) -> Number:
    """Parse a positive whole number of days, or ``{fact: id}`` with unit 'days'."""
    if isinstance(value, Number):
        return value
    if isinstance(value, dict):
        fact = resolve_fact(value, info, ("days",))
        result = Number(float(fact.value), fact.id)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        result = Number(_as_float(value))
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*days?\s*", value, re.ASCII):
        result = Number(_as_float(int(value.strip().removesuffix("days").removesuffix("day"))))
    else:
        raise invalid("days", "expected a whole number of days, such as 90")
    if result.value > MAX_DAYS:
        raise invalid("days", f"{result.value:g} days is more than {MAX_DAYS:,} (100 years), the longest span allowed")
    if result.value <= 0 or result.value != int(result.value):
        raise invalid("days", f"expected a positive whole number of days, not {result.value:g}")
    return result


def parse_date(value: Any, info: ValidationInfo | None) -> dt.date:
    """Parse an ISO date ``YYYY-MM-DD`` (as YAML text), explaining impossible ones."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        raise invalid("date", "expected a date written YYYY-MM-DD, such as 2025-05-14")
    try:
        date = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise invalid(
            "date", f"'{value}' is not a real date (expected YYYY-MM-DD, a month 01 to 12 and a day that month has)"
        ) from None
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        raise invalid("date", f"{date} is outside the dates the model handles ({EARLIEST_DATE} to {LATEST_DATE})")
    return date


@dataclass(frozen=True)
class When:
    """A date that may be 'never' (``date`` None), and the fact it was taken from, if any."""

    date: dt.date | None
    fact: str | None = None


NEVER_WORD = "never"
DATED_UNITS = ("event", "percent", "days", "USD bn", "ratio")
"""The units of the facts whose date a scenario's date may cite: events, and values that take effect on a day."""


def parse_when(value: Any, info: ValidationInfo | None) -> When:
    """Parse an end date: ``YYYY-MM-DD``, ``{fact: id}`` (the fact's date) or ``never`` (no end)."""
    if isinstance(value, When):
        return value
    if isinstance(value, str) and value.strip() == NEVER_WORD:
        return When(None)
    if isinstance(value, dict):
        fact = resolve_fact(value, info, DATED_UNITS)
        return When(fact.date, fact.id)
    if isinstance(value, str) and _DATE.match(value.strip()):
        return When(parse_date(value, info))
    raise invalid("when", f"expected a date written YYYY-MM-DD, {{fact: id}} or '{NEVER_WORD}'")


def parse_start(value: Any, info: ValidationInfo | None) -> When:
    """Parse the date a path entry starts: ``YYYY-MM-DD`` or ``{fact: id}`` (the fact's date)."""
    if isinstance(value, When):
        return value
    if isinstance(value, dict):
        fact = resolve_fact(value, info, DATED_UNITS)
        return When(fact.date, fact.id)
    if isinstance(value, dt.date) or (isinstance(value, str) and _DATE.match(value.strip())):
        return When(parse_date(value, info))
    raise invalid("date", "expected a date written YYYY-MM-DD, such as 2025-05-14, or {fact: id} (the fact's date)")


def _percent_type(low: float, high: float) -> Any:
    return Annotated[Percent, BeforeValidator(lambda value, info: parse_percent(value, info, low=low, high=high))]


Rate = _percent_type(0.0, MAX_RATE_PERCENT)
"""A tariff rate [%], 0% to 1000%."""
Share = _percent_type(0.0, 100.0)
"""A share [%] of a flow, 0% to 100%."""
Days = Annotated[Number, BeforeValidator(parse_days)]
Day = Annotated[dt.date, BeforeValidator(parse_date)]
EndDate = Annotated[When, BeforeValidator(parse_when)]
"""The first day something no longer applies: a date, a fact's date, or ``never``."""
StartDate = Annotated[When, BeforeValidator(parse_start)]
"""The first day something applies: a date or a fact's date."""
