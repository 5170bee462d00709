"""Probability distributions for model parameters: parsing from YAML, sampling, percentiles.

A parameter may be written as a distribution instead of a point value::

    short_run_elasticity: {distribution: normal, mean: -0.76, sd: 0.2}
    long_run_elasticity: {distribution: truncated_normal, mean: -2.0, sd: 0.3, low: -3, high: -1.5}
    pass_through: {distribution: uniform, low: 60%, high: 100%}
    adjustment_days: {distribution: triangular, low: 5, mode: 15, high: 60}
    diversion_share: {low: 40%, central: 63%, high: 80%}

``low/central/high`` reads as the 5th percentile, median and 95th percentile: half a normal
curve on each side of the median, each with its own spread and each cut where the parameter's
valid values end, with the spreads chosen after the cut so that ``central`` stays the median
and ``low``/``high`` the 5th/95th percentiles. When ``central`` equals ``high`` (a pass-through
of 100% at most) all draws lie below it and ``low`` is their 5th percentile; the same upwards.
A side whose ``low`` sits at the very end of the valid values (a shipping lag of 0 days) is
spread evenly instead. Every distribution is cut to the
values the parameter can take (an elasticity is never positive, a share stays within 0–100%),
so a draw is always a valid parameter. Values carry the parameter's unit (``%`` for shares and
growth); a number may cite a fact (``{fact: id}``) like any point value.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from simulator.inputs.problems import did_you_mean
from simulator.inputs.quantities import Number, Percent, invalid, parse_number, parse_percent

SHAPES: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"),
    "truncated_normal": ("mean", "sd", "low", "high"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "range": ("low", "central", "high"),
}
"""Each kind and the keys it needs (``range`` is written without ``distribution:``)."""

MIN_MASS = 0.01
"""A distribution must keep at least this share of its draws inside the parameter's valid range."""

LARGEST = 1e6
"""Largest size of a number in a distribution, in the parameter's unit: far beyond any sensible value (an elasticity
of a million, a trend of 1000%), and small enough that no draw computed from it overflows to infinity, which would
turn every drawn month into 'no value'."""


@dataclass(frozen=True)
class Distribution:
    """A parameter's distribution; ``values`` in the parameter's unit (% for percentages).

    ``domain`` is the range the parameter can take, in the same unit; ``percent`` marks a
    percentage, which the model uses as a share (value / 100).
    """

    kind: str
    values: dict[str, float]
    domain: tuple[float, float] = (-math.inf, math.inf)
    percent: bool = False
    facts: tuple[str, ...] = field(default=())

    fact = None  # a distribution cites its facts in ``facts``

    @property
    def scale(self) -> float:
        return 0.01 if self.percent else 1.0

    @property
    def central(self) -> float:
        """The value a point projection uses: mean, mode, middle or central, kept inside the range."""
        values = self.values
        centre = {
            "normal": lambda: values["mean"],
            "truncated_normal": lambda: values["mean"],
            "uniform": lambda: (values["low"] + values["high"]) / 2,
            "triangular": lambda: values["mode"],
            "range": lambda: values["central"],
        }[self.kind]()
        low, high = self.bounds
        return min(max(centre, low), high)

    @property
    def value(self) -> float:
        """Alias of :attr:`central`, so a distribution reads like a point value where one is needed."""
        return self.central

    @property
    def bounds(self) -> tuple[float, float]:
        """Where draws may fall: the kind's own bounds cut to the parameter's domain."""
        low, high = self.domain
        if self.kind == "range":  # its low and high are percentiles, not limits, unless one equals the centre
            centre = self.values["central"]
            return (centre if self.values["low"] == centre else low), (
                centre if self.values["high"] == centre else high
            )
        return max(low, self.values.get("low", -math.inf)), min(high, self.values.get("high", math.inf))

    def describe(self) -> str:
        unit = "%" if self.percent else ""
        shown = ", ".join(
            f"{key} {_format(value)}{unit if key != 'sd' or self.percent else ''}" for key, value in self.values.items()
        )
        name = "5th/50th/95th percentiles" if self.kind == "range" else self.kind.replace("_", " ")
        return f"{name}: {shown}"

    # ------------------------------------------------------------ inverse CDF

    def _cdf(self, x: float) -> float:
        values = self.values
        if self.kind in ("normal", "truncated_normal"):
            return NormalDist(values["mean"], values["sd"]).cdf(x) if math.isfinite(x) else (0.0 if x < 0 else 1.0)
        raise ValueError(f"no CDF needed for a {self.kind} distribution")

    def _sides(self) -> tuple[tuple[float, float, float, float], ...]:
        """For a range: each side it spreads to, as (direction, share of draws, cut-off distance, spread).

        A side is half a normal curve, cut where the parameter's valid values end. Its spread puts
        the side's share of the 5% tail beyond ``low`` (or ``high``): the 90th percentile of the
        distance on a side holding half the draws, the 95th on a side holding all of them. Where the
        cut leaves no such spread (``low`` at or near the end of the valid values), the side is flat.
        """
        values = self.values
        return _range_sides(values["low"], values["central"], values["high"], *self.domain)

    def _quantile(self, u: np.ndarray) -> np.ndarray:
        """The untruncated inverse CDF at probabilities ``u``, in the parameter's unit."""
        values = self.values
        if self.kind in ("normal", "truncated_normal"):
            return values["mean"] + values["sd"] * normal_quantile(u)
        if self.kind == "range":  # the lower side takes the first part of u, the upper side the rest
            result = np.full(np.shape(u), values["central"], dtype=float)
            start = 0.0
            for direction, share, limit, spread in self._sides():
                inside = (u >= start) & (u < start + share) if start == 0.0 else u >= start
                # within a side, w runs from the centre (0) outwards (1)
                w = (start + share - u[inside]) / share if direction < 0 else (u[inside] - start) / share
                result[inside] = values["central"] + direction * _half_distance(w, limit, spread)
                start += share
            return result
        if self.kind == "uniform":
            return values["low"] + u * (values["high"] - values["low"])
        low, mode, high = values["low"], values["mode"], values["high"]
        split = (mode - low) / (high - low)
        return np.where(
            u < split,
            low + np.sqrt(u * (high - low) * (mode - low)),
            high - np.sqrt((1 - u) * (high - low) * (high - mode)),
        )

    def mass(self) -> float:
        """Share of the untruncated distribution inside :attr:`bounds`."""
        if self.kind in ("uniform", "triangular", "range"):
            return 1.0
        low, high = self.bounds
        return self._cdf(high) - self._cdf(low)

    def _probabilities(self, u: np.ndarray) -> np.ndarray:
        if self.kind in ("uniform", "triangular", "range"):
            return u
        low, high = self.bounds
        first, last = self._cdf(low), self._cdf(high)
        return first + u * (last - first)

    def percentile(self, level: float) -> float:
        """The value at ``level`` [%] of the (cut) distribution, in model units (shares for %)."""
        value = float(self._quantile(self._probabilities(np.asarray([level / 100.0])))[0])
        low, high = self.bounds
        return min(max(value, low), high) * self.scale

    def sample(self, generator: np.random.Generator, count: int) -> np.ndarray:
        """``count`` draws in model units (shares for %), by inverse CDF so that truncation is exact."""
        u = generator.random(count)
        low, high = self.bounds
        return np.clip(self._quantile(self._probabilities(u)), low, high) * self.scale


@functools.lru_cache(maxsize=256)
def _range_sides(
    low: float, centre: float, high: float, lowest: float, highest: float
) -> tuple[tuple[float, float, float, float], ...]:
    sides = [(-1.0, centre - low, centre - lowest), (1.0, high - centre, highest - centre)]
    sides = [side for side in sides if side[1] > 0]
    share = 1.0 / len(sides)
    target = 1.0 - 0.05 / share  # quantile of the distance that must land on low/high
    return tuple(
        (direction, share, limit, _half_spread(distance, limit, target)) for direction, distance, limit in sides
    )


def _half_distance(w: np.ndarray, limit: float, spread: float) -> np.ndarray:
    """Distance from the centre at share ``w`` of a half-normal with ``spread``, cut at ``limit`` (flat if spread is
    infinite).
    """
    if math.isinf(spread):
        return w * limit
    kept = 1.0 if math.isinf(limit) else 2.0 * NormalDist().cdf(limit / spread) - 1.0
    return spread * normal_quantile(0.5 + 0.5 * w * kept)


def _half_spread(distance: float, limit: float, target: float) -> float:
    """The spread whose cut half-normal has its ``target`` quantile at ``distance``; infinite (flat) if none has."""
    if math.isinf(limit):
        return distance / NormalDist().inv_cdf(0.5 + 0.5 * target)
    if distance >= target * limit:  # even a flat side reaches no further than target × limit
        return math.inf
    standard = NormalDist()
    low, high = distance * 1e-3, distance * 1e3
    for _ in range(100):  # the quantile grows with the spread: bisection on a log scale
        middle = math.sqrt(low * high)
        if middle * standard.inv_cdf(0.5 + 0.5 * target * (2.0 * standard.cdf(limit / middle) - 1.0)) < distance:
            low = middle
        else:
            high = middle
    return math.sqrt(low * high)


def _format(value: float) -> str:
    return f"{value:,.4g}".replace("-", "−")


def normal_quantile(u: np.ndarray) -> np.ndarray:
    """Inverse CDF of the standard normal, vectorised (Acklam's rational approximation, |error| < 1.2e-9)."""
    a = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b = (
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    )
    c = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    u = np.clip(np.asarray(u, dtype=float), 1e-300, 1 - 1e-16)
    result = np.empty_like(u)
    low, high = u < 0.02425, u > 1 - 0.02425
    middle = ~(low | high)
    q = u[middle] - 0.5
    r = q * q
    result[middle] = (
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    )
    for mask, sign, tail in ((low, 1.0, u[low]), (high, -1.0, 1 - u[high])):
        q = np.sqrt(-2 * np.log(tail))
        result[mask] = (
            sign
            * (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        )
    return result


# ---------------------------------------------------------------- parsing


def is_distribution(value: Any) -> bool:
    """A mapping written as a distribution (not a ``{fact: id}`` reference)."""
    return isinstance(value, dict) and ("distribution" in value or "central" in value)


def parse_distribution(
    value: dict, info: Any, point: Callable[[Any, Any], Number | Percent], domain: tuple[float, float], percent: bool
) -> Distribution:
    """Check a distribution written in YAML; each location value goes through the parameter's own point check."""
    kind = value.get("distribution", "range")
    if not isinstance(kind, str):
        raise invalid("distribution", f"the distribution is named by one word, one of: {', '.join(SHAPES)}")
    if kind not in SHAPES:
        known = ", ".join(SHAPES)
        raise invalid(
            "distribution",
            f"unknown distribution '{kind}'{did_you_mean(str(kind), SHAPES)} "
            f"(expected one of: {known}; or low/central/high without 'distribution')",
        )
    wanted = SHAPES[kind]
    given = [key for key in value if key != "distribution"]
    missing = [key for key in wanted if key not in value]
    extra = [key for key in given if key not in wanted]
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unexpected {', '.join(extra)}"] if extra else []
        )
        raise invalid(
            "distribution", f"a {kind.replace('_', ' ')} distribution takes {', '.join(wanted)} ({'; '.join(parts)})"
        )
    values, facts = {}, []
    for key in wanted:
        try:
            parsed = point(value[key], info) if key != "sd" else _spread(value[key], info, percent)
        except Exception as failure:  # the point parser's message, prefixed with the key it is about
            message = failure.message() if hasattr(failure, "message") else str(failure)
            raise invalid("distribution", f"{key}: {message}") from None
        if abs(parsed.value) > LARGEST:
            raise invalid(
                "distribution",
                f"{key}: {parsed.value:g} is too large for a draw to stay a number (expected at most "
                f"{LARGEST:,.0f} in size)",
            )
        values[key] = parsed.value
        if parsed.fact:
            facts.append(parsed.fact)
    _check_order(kind, values, percent)
    distribution = Distribution(kind, values, domain, percent, tuple(facts))
    if distribution.mass() < MIN_MASS:
        low, high = distribution.bounds
        raise invalid(
            "distribution",
            f"this {kind.replace('_', ' ')} distribution puts {100 * (1 - distribution.mass()):.1f}% of its mass "
            "outside "
            f"{low:g} to {high:g}, where its draws must fall (the parameter takes {_domain_text(domain, percent)}); "
            "move it inside",
        )
    return distribution


def _spread(value: Any, info: Any, percent: bool) -> Number | Percent:
    # a spread is positive whatever the parameter's sign: the elasticities' example (-0.76) would mislead here
    parsed = parse_percent(value, info, low=0.0, high=1000.0) if percent else parse_number(value, info, example="2")
    if parsed.value <= 0:
        raise invalid("distribution", f"expected a positive spread, not {parsed.value:g}")
    return parsed


def _check_order(kind: str, values: dict[str, float], percent: bool = False) -> None:
    names = {"triangular": ("low", "mode", "high"), "range": ("low", "central", "high")}.get(kind, ("low", "high"))
    present = [name for name in names if name in values]
    if len(present) < 2:
        return
    unit = "%" if percent else ""
    shown = ", ".join(f"{name} {values[name]:g}{unit}" for name in present)
    if values[present[0]] >= values[present[-1]]:
        raise invalid("distribution", f"{present[0]} must be below {present[-1]} (got {shown})")
    if not all(values[first] <= values[second] for first, second in itertools.pairwise(present)):
        raise invalid("distribution", f"expected {' <= '.join(present)} (got {shown})")


def _domain_text(domain: tuple[float, float], percent: bool) -> str:
    unit = "%" if percent else ""
    low, high = domain
    if math.isinf(low):
        return f"at most {high:g}{unit}"
    if math.isinf(high):
        return f"at least {low:g}{unit}"
    return f"{low:g}{unit} to {high:g}{unit}"
