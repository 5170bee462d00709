"""The parameter registry: one specification per model parameter, read from ``seeds/parameters.yaml``.

Each entry names the parameter's kind (what values it takes), unit, sourced default, plausible
range, the facts behind them and, optionally, an ordering rule against another parameter. From
that one registry come the ``parameters:`` schema of a scenario file (:class:`Parameters`), the
defaults, the distributions drawn in Monte Carlo runs, the sweep grid, the conversion to model
units (a share in [0, 1] for percentages) and the parameter table in ``docs/model.md``.
Adding a parameter is one entry in that file plus its use in the model.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, ValidationInfo, create_model, model_validator
from pydantic_core import PydanticCustomError

from simulator.inputs.distributions import Distribution, is_distribution, parse_distribution
from simulator.inputs.estimates import Estimates, from_scale, load_estimates, to_scale
from simulator.inputs.facts import load_facts, load_sources
from simulator.inputs.locations import seeds_dir
from simulator.inputs.quantities import Number, Percent, parse_number, parse_percent, resolve_fact
from simulator.inputs.schema import Strict, validate
from simulator.inputs.yaml_reader import Document, read_document

TINY = 1e-9
NINETY = 1.6448536269514722
"""The 95th percentile of the standard normal: a 90% interval is the centre ± this many spreads."""
SPECIFICATION_FILE = "parameters.yaml"


# ---------------------------------------------------------------- kinds of value


def _elasticity(value: Any, info: ValidationInfo) -> Number:
    result = parse_number(value, info)
    if result.value > 0:
        raise ValueError(
            f"an elasticity of {result.value:g} has the wrong sign: a higher price cannot raise demand (expected 0 "
            "or below)"
        )
    return result


def _share(value: Any, info: ValidationInfo) -> Percent:
    return parse_percent(value, info, low=0.0, high=100.0)


def _growth(value: Any, info: ValidationInfo) -> Percent:
    result = parse_percent(value, info, low=-1000.0, high=100.0)
    if result.value <= -100.0:
        raise ValueError(f"a growth rate of {result.value:g}% per year would wipe out trade (expected above -100%)")
    return result


def _positive(value: Any, info: ValidationInfo) -> Number:
    result = parse_number(value, info, example="30")
    if result.value <= 0:
        raise ValueError(f"expected a positive number, not {result.value:g}")
    return result


def _non_negative(value: Any, info: ValidationInfo) -> Number:
    result = parse_number(value, info, example="30")
    if result.value < 0:
        raise ValueError(f"expected zero or more, not {result.value:g}")
    return result


@dataclass(frozen=True)
class Kind:
    """What values a kind of parameter takes.

    Attributes:
        parse: the point-value parser (checks sign and range, resolves ``{fact: id}``).
        domain: the values the parameter can take, in its written unit (% for percentages).
        percent: written with a percent sign; the model reads it as a share (value / 100).
    """

    name: str
    parse: Callable[[Any, ValidationInfo], Number | Percent]
    domain: tuple[float, float]
    percent: bool

    @property
    def scale(self) -> float:
        """Written unit → model unit: 0.01 for percentages, else 1."""
        return 0.01 if self.percent else 1.0


KINDS = {
    kind.name: kind
    for kind in (
        Kind("elasticity", _elasticity, (-math.inf, 0.0), percent=False),
        Kind("share", _share, (0.0, 100.0), percent=True),
        Kind("growth", _growth, (-100.0 + TINY, 100.0), percent=True),
        Kind("positive", _positive, (TINY, math.inf), percent=False),
        Kind("non_negative", _non_negative, (0.0, math.inf), percent=False),
    )
}


def value_type(kind: Kind, limits: tuple[float, float] | None = None, unit: str | None = None) -> Any:
    """A parameter field: a point value checked by the kind's parser (and within ``limits``, in the written unit,
    when given), or a distribution over its domain. ``unit``: the parameter's own (days, years, ratio); a fact it
    cites, as a value or a bound, must be in it (a fact of 25 days is not 25 years).
    """
    domain = limits or kind.domain

    def point(value: Any, info: ValidationInfo) -> Number | Percent:
        if unit is not None and not kind.percent and isinstance(value, dict):
            resolve_fact(value, info, (unit,))
        if limits is not None and not kind.percent and isinstance(value, str) and value.strip().endswith("%"):
            # the kind's own example (30 days, say) may lie outside this parameter's limits
            low, high = domain
            raise ValueError(f"'{value}' is a rate; this field takes a plain number from {low:g} to {high:g}")
        try:
            result = kind.parse(value, info)
        except PydanticCustomError as error:
            if limits is None or kind.percent or "such as" not in error.message():
                raise
            # the kind's example (30 days, -0.76) may lie outside this parameter's limits: give the limits instead
            told = re.sub(r"such as -?[0-9.]+", f"from {domain[0]:g} to {domain[1]:g}", error.message())
            raise PydanticCustomError(error.type, told, {}) from None
        if not domain[0] <= result.value <= domain[1]:
            raise ValueError(f"{result.value:g} is outside what the model supports ({domain[0]:g} to {domain[1]:g})")
        return result

    def parse(value: Any, info: ValidationInfo) -> Number | Percent | Distribution:
        if isinstance(value, Distribution):
            return value
        if is_distribution(value):
            return parse_distribution(value, info, point, domain, kind.percent)
        return point(value, info)

    return Annotated[Number | Percent | Distribution, BeforeValidator(parse)]


# ---------------------------------------------------------------- the registry


def _fact_or_number(value: Any) -> Any:
    """A bound written as ``{fact: id}``: the fact's value, so a range traces to its source like a default does."""
    if isinstance(value, dict) and set(value) == {"fact"}:
        fact = load_facts().get(value["fact"])
        if fact is None or fact.value is None:
            raise ValueError(f"unknown fact '{value['fact']}' (expected the id of a fact with a value)")
        return fact.value
    return value


Bound = Annotated[float | None, BeforeValidator(_fact_or_number)]
"""A number of the registry, or ``{fact: id}`` for the value of a fact."""


class Prior(Strict):
    """How an estimated parameter's prior is written (``estimated:`` in ``seeds/parameters.yaml``).

    Attributes:
        transform: the scale on which the prior is a normal curve: ``linear`` (the written unit),
            ``log`` or ``logit`` (of the model value, a share in [0, 1] for percentages).
        centre: the prior's centre in the written unit, a number or ``{fact: id}``.
        spread: its standard deviation on the transform's scale (written unit for ``linear``).
        supported: the range its sources support, in the written unit (docs/model.md checks the
            estimate against it).
        bounds: values the estimation may not leave, in the written unit (None: the kind's domain).
        why: where the prior comes from, in words.
    """

    transform: Literal["linear", "log", "logit"]
    centre: Any
    spread: float = Field(gt=0)
    supported: tuple[float, float]
    bounds: tuple[float, float] | None = None
    why: str = Field(min_length=8)


class ParameterSpec(Strict):
    """One entry of ``seeds/parameters.yaml``.

    Attributes:
        label: the parameter as a reader names it, in reports and charts ('pass-through of duties to prices').
        kind: one of :data:`KINDS`.
        default: the sourced default, as a scenario would write it (``{fact: id}``, ``63%``, ``-0.76``);
            for an estimated parameter, the estimate of ``seeds/estimates.yaml`` (the prior's centre before
            the first fit).
        unit: the unit as the docs state it.
        low, high: the plausible range (5th and 95th percentiles of the default distribution), numbers or
            ``{fact: id}``; for an estimated parameter, its 90% posterior interval.
        estimated: the prior of a parameter estimated from the record (None: taken from the literature).
        at_most, why: an ordering rule: this parameter never exceeds ``at_most``'s value, for the reason ``why``.
    """

    name: str = ""
    label: str = Field(min_length=3)
    kind: Literal["elasticity", "share", "growth", "positive", "non_negative"]
    default: Any = None
    unit: str
    low: Bound = None
    high: Bound = None
    estimated: Prior | None = None
    description: str = Field(min_length=8)
    facts: list[str] = Field(default_factory=list)
    at_most: str | None = None
    why: str | None = None
    limits: tuple[float, float] | None = None
    """The values a scenario may set, in the written unit, where the kind's own range allows values the model
    cannot use (None: the kind's range)."""
    held_in_fit: bool = False
    """Shapes the trade flows, but the fit holds it at its default instead of estimating it: the posterior of the
    estimated parameters is conditional on that value, so Monte Carlo draws keep it there unless a scenario gives
    it a distribution (the tornado chart still varies it, as a sensitivity)."""

    @model_validator(mode="after")
    def _sourced_or_estimated(self) -> ParameterSpec:
        written = [name for name in ("default", "low", "high") if getattr(self, name) is not None]
        if self.estimated is not None and written:
            raise ValueError(
                f"an estimated parameter takes its {', '.join(written)} from seeds/estimates.yaml (remove them)"
            )
        if self.estimated is None and len(written) < 3:
            raise ValueError("a parameter needs a default, low and high, or an 'estimated' prior")
        return self

    @property
    def prior_centre(self) -> float:
        """The prior's centre in the written unit (a fact's value where it cites one)."""
        centre = self.estimated.centre  # type: ignore[union-attr]
        if isinstance(centre, dict) and set(centre) == {"fact"}:
            return float(load_facts()[centre["fact"]].value)  # type: ignore[arg-type]
        return float(centre)

    def to_scale(self, value: np.ndarray | float) -> np.ndarray | float:
        """A model-unit value on the prior's scale."""
        return to_scale(self.estimated.transform, value)  # type: ignore[union-attr]

    def from_scale(self, value: np.ndarray | float) -> np.ndarray | float:
        """A value on the prior's scale back in model units."""
        return from_scale(self.estimated.transform, value)  # type: ignore[union-attr]

    def prior_mean(self) -> float:
        """The prior's centre on its scale."""
        return float(self.to_scale(self.prior_centre * self.rules.scale))

    def prior_spread(self) -> float:
        """The prior's standard deviation on its scale (model units for ``linear``)."""
        spread = self.estimated.spread  # type: ignore[union-attr]
        return spread * self.rules.scale if self.estimated.transform == "linear" else spread  # type: ignore[union-attr]

    def scale_bounds(self) -> tuple[float | None, float | None]:
        """Where the estimation may look, on the prior's scale (None: no bound that side)."""
        low, high = self.estimated.bounds or self.rules.domain  # type: ignore[union-attr]
        return self._on_scale(low * self.rules.scale), self._on_scale(high * self.rules.scale)

    def _on_scale(self, model: float) -> float | None:
        transform = self.estimated.transform  # type: ignore[union-attr]
        if (
            not math.isfinite(model)
            or (transform == "log" and model <= 0)
            or (transform == "logit" and not 0 < model < 1)
        ):
            return None
        return float(self.to_scale(model))

    @property
    def rules(self) -> Kind:
        return KINDS[self.kind]

    def model_value(self, value: Number | Percent | Distribution) -> float:
        """A written value in the model's unit (a share in [0, 1] for percentages); a distribution's centre."""
        written = value.central if isinstance(value, Distribution) else value.value
        return written * self.rules.scale

    def default_distribution(self, central: float) -> Distribution:
        """The sourced range as a distribution: ``low`` and ``high`` as 5th and 95th percentiles around ``central``
        [written unit].
        """
        values = {"low": min(self.low, central), "central": central, "high": max(self.high, central)}
        return Distribution("range", values, self.rules.domain, percent=self.rules.percent, facts=tuple(self.facts))


class _SpecsFile(Strict):
    parameters: dict[str, ParameterSpec]


def _read_specifications() -> tuple[dict[str, ParameterSpec], Document]:
    document = read_document(seeds_dir() / SPECIFICATION_FILE, trusted=True).nested("parameters")
    specs = validate(_SpecsFile, document).parameters
    estimates = load_estimates()
    found = {}
    for name, spec in specs.items():
        spec = spec.model_copy(update={"name": name})
        if spec.estimated is not None:
            spec = spec.model_copy(update=_estimated_values(spec, estimates))
        found[name] = spec
    return found, document


def _estimated_values(spec: ParameterSpec, estimates: Estimates | None) -> dict[str, Any]:
    """Default and 90% range of an estimated parameter in its written unit: the fit's, or the prior's before any
    fit."""
    scale = spec.rules.scale
    if estimates is not None and spec.name in estimates.held:
        central = low = high = estimates.held[spec.name]
    elif estimates is not None and spec.name in estimates.names:
        central = estimates.value(spec.name)
        low, high = estimates.interval(spec.name)
    else:
        mean, spread = spec.prior_mean(), spec.prior_spread()
        central = float(spec.from_scale(mean))
        low, high = (float(spec.from_scale(mean + side * NINETY * spread)) for side in (-1, 1))
    written = central / scale
    lowest, highest = spec.estimated.bounds or spec.rules.domain  # type: ignore[union-attr]
    low, high = min(max(low / scale, lowest), written), max(min(high / scale, highest), written)
    if spec.rules.percent:
        default: Any = f"{written!r}%"
    else:
        default = written
    return {"default": default, "low": low, "high": high}


PARAMETERS, _DOCUMENT = _read_specifications()
"""The registry: every model parameter's specification, by name, in the file's order."""


def parameter_specs() -> dict[str, ParameterSpec]:
    """The registry (see :data:`PARAMETERS`)."""
    return PARAMETERS


# ---------------------------------------------------------------- the scenario schema


class ParameterValues(Strict):
    """Values of the model parameters as a scenario writes them; ``None`` means 'use the default'."""

    def values(self) -> dict[str, Number | Percent | Distribution]:
        """The parameters that are set, by name."""
        return {name: value for name, value in self if value is not None}

    def overlay(self, other: ParameterValues | None) -> ParameterValues:
        """These parameters with every value ``other`` sets taking precedence."""
        if other is None:
            return self
        return self.model_copy(update=other.values())

    def number(self, name: str) -> float:
        """A parameter's value in the model's unit (a share in [0, 1] for percentages)."""
        value = getattr(self, name)
        if value is None:
            raise KeyError(f"parameter {name} is not set")
        return PARAMETERS[name].model_value(value)

    def numbers(self) -> dict[str, float]:
        """Every parameter in the model's unit, by name, in registry order."""
        return {name: self.number(name) for name in PARAMETERS}

    def distribution(self, name: str) -> Distribution | None:
        """The parameter's distribution, if it is written as one."""
        value = getattr(self, name)
        return value if isinstance(value, Distribution) else None


Parameters = create_model(  # type: ignore[call-overload]
    "Parameters",
    __base__=ParameterValues,
    __module__=__name__,
    __doc__="Parameters of the trade model, one field per entry of the registry (see docs/model.md).",
    **{name: (value_type(spec.rules, spec.limits, spec.unit) | None, None) for name, spec in PARAMETERS.items()},
)


class _DefaultsFile(Strict):
    parameters: Parameters  # type: ignore[valid-type]


@functools.lru_cache(maxsize=1)
def default_parameters() -> ParameterValues:
    """Every parameter at its sourced default."""
    document = Document(
        _DOCUMENT.file,
        {"parameters": {name: spec.default for name, spec in PARAMETERS.items()}},
        # an error in a default points at the 'default:' line of that parameter
        {("parameters", name): _DOCUMENT.position(("parameters", name, "default")) for name in PARAMETERS},
    )
    return validate(_DefaultsFile, document, {"facts": load_facts()}).parameters


# ---------------------------------------------------------------- ordering rules


def ordering_rules() -> list[ParameterSpec]:
    """The parameters that carry an ordering rule (``at_most``)."""
    return [spec for spec in PARAMETERS.values() if spec.at_most]


def disorder(values: Mapping[str, Any]) -> Iterator[tuple[ParameterSpec, np.ndarray]]:
    """Each rule broken by ``values`` (numbers or arrays, model units) and where: a boolean mask per rule."""
    for spec in ordering_rules():
        if spec.name in values and spec.at_most in values:
            broken = np.asarray(values[spec.name]) > np.asarray(values[spec.at_most])
            if broken.any():
                yield spec, broken


def ordering_message(spec: ParameterSpec, value: float, bound: float) -> str:
    """Why ``value`` of ``spec`` may not exceed ``bound``, the value of the parameter it is ordered against."""
    return (
        f"{spec.name} ({value:g}) is above {spec.at_most} ({bound:g}): {spec.why} "
        f"(expected {spec.name} <= {spec.at_most})"
    )


def evidence_range(spec: ParameterSpec) -> tuple[float, float]:
    """The values a parameter's sources support, in the written unit: for an estimated one the range given with its
    prior (``supported``), for the others the 5th–95th percentiles of the sourced range."""
    if spec.estimated is not None:
        return spec.estimated.supported
    return spec.low, spec.high  # type: ignore[return-value]


def outside_evidence(values: Any, names: Collection[str]) -> list[tuple[ParameterSpec, float, tuple[float, float]]]:
    """The parameters among ``names`` whose value in ``values`` (a scenario's parameters; a distribution by its
    centre) lies outside :func:`evidence_range`: (spec, value, range), in the written unit, in registry order."""
    found = []
    for name, spec in PARAMETERS.items():
        if name not in names:
            continue
        value = getattr(values, name)
        written = value.central if isinstance(value, Distribution) else value.value
        low, high = evidence_range(spec)
        if not low <= written <= high:
            found.append((spec, float(written), (low, high)))
    return found


def put_in_order(values: dict[str, Any], drawn: Collection[str]) -> dict[str, Any]:
    """``values`` with every ordering rule restored by moving only what is drawn.

    A value the scenario fixes stays fixed: if only the bound (``at_most``) is drawn, a draw
    beyond the fixed value is set to it; otherwise the ruled parameter is moved.
    """
    ordered = dict(values)
    for spec in ordering_rules():
        name, bound = spec.name, spec.at_most
        if bound in drawn and name not in drawn:
            ordered[bound] = np.maximum(ordered[bound], ordered[name])
        else:
            ordered[name] = np.minimum(ordered[name], ordered[bound])
    return ordered


# ---------------------------------------------------------------- documentation


def short_citation(fact_ids: list[str]) -> str:
    """The works behind some facts, as a reader cites them.

    For example 'Boehm, Levchenko & Pandalai-Nayar, American Economic Review 2023'.
    """
    facts, sources = load_facts(), load_sources()
    cited: list[str] = []
    for fact_id in fact_ids:
        for source_id in facts[fact_id].sources:
            source = sources[source_id]
            names = [name.split()[-1] for name in (source.author or "").split(", ") if name]
            authors = ", ".join(names[:-1]) + f" & {names[-1]}" if len(names) > 1 else "".join(names)
            work = f"{source.publisher} {source.date[:4]}"
            text = f"{authors}, {work}" if authors else work
            if text not in cited:
                cited.append(text)
    return "; ".join(cited)


def markdown_table() -> str:
    """The registry as the parameter table of ``docs/model.md``."""
    lines = [
        "| name | kind | unit | default | range (5th–95th percentile) | what it is | sources |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    defaults = default_parameters()
    estimates = load_estimates()
    held = estimates.held if estimates is not None else {}
    for name, spec in PARAMETERS.items():
        value = getattr(defaults, name)
        unit = "%" if spec.rules.percent else ""
        shown = f"{value.value:g}{unit}".replace("-", "−")
        span = f"{spec.low:g}{unit} … {spec.high:g}{unit}".replace("-", "−")
        rule = f" Never above `{spec.at_most}`: {spec.why}." if spec.at_most else ""
        fitted = (
            ' Held at this value: the model leaves its mechanism out (docs/model.md, "Mechanisms").'
            if name in held
            else ' Estimated (docs/model.md, "Estimation").'
            if spec.estimated
            else ""
        )
        lines.append(
            f"| `{name}` | {spec.kind.replace('_', ' ')} | {spec.unit} | {shown} | {span} | "
            f"{spec.description}{rule}{fitted} | {short_citation(spec.facts)} |"
        )
    return "\n".join(lines)
