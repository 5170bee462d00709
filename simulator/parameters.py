"""Model parameters: names, units, sourced defaults and allowed ranges.

Defaults and plausible ranges live in ``seeds/parameters.yaml`` (each citing facts); a
scenario's ``parameters`` section overrides any of them. Values keep the fact they cite.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo

from simulator.distributions import Distribution, is_distribution, parse_distribution
from simulator.quantities import Number, Percent, parse_number, parse_percent
from simulator.validation import Strict


def _elasticity(value: Any, info: ValidationInfo) -> Number:
    result = parse_number(value, info)
    if result.value > 0:
        raise ValueError(f"an elasticity of {result.value:g} has the wrong sign: a higher price cannot raise demand (expected 0 or below)")
    return result


def _share(value: Any, info: ValidationInfo) -> Percent:
    return parse_percent(value, info, low=0.0, high=100.0)


def _growth(value: Any, info: ValidationInfo) -> Percent:
    result = parse_percent(value, info, low=-1000.0, high=100.0)
    if result.value <= -100.0:
        raise ValueError(f"a growth rate of {result.value:g}% per year would wipe out trade (expected above -100%)")
    return result


def _positive(value: Any, info: ValidationInfo) -> Number:
    result = parse_number(value, info)
    if result.value <= 0:
        raise ValueError(f"expected a positive number, not {result.value:g}")
    return result


def _non_negative(value: Any, info: ValidationInfo) -> Number:
    result = parse_number(value, info)
    if result.value < 0:
        raise ValueError(f"expected zero or more, not {result.value:g}")
    return result


def _value(point, domain: tuple[float, float], percent: bool) -> Any:
    """A parameter field: a point value checked by ``point``, or a distribution over ``domain``."""

    def parse(value: Any, info: ValidationInfo) -> Number | Percent | Distribution:
        if isinstance(value, Distribution):
            return value
        if is_distribution(value):
            return parse_distribution(value, info, point, domain, percent)
        return point(value, info)

    return Annotated[Number | Percent | Distribution, BeforeValidator(parse)]


TINY = 1e-9
DOMAINS = {
    "elasticity": (-math.inf, 0.0),
    "share": (0.0, 100.0),
    "growth": (-100.0 + TINY, 100.0),
    "positive": (TINY, math.inf),
    "non_negative": (0.0, math.inf),
}
"""The values each kind of parameter can take (in its unit: % for shares and growth)."""
KINDS = {
    "short_run_elasticity": "elasticity",
    "long_run_elasticity": "elasticity",
    "pass_through": "share",
    "shipping_lag_days": "non_negative",
    "adjustment_days": "positive",
    "long_run_adjustment_years": "positive",
    "import_growth": "growth",
    "export_growth": "growth",
    "diversion_share": "share",
}
"""The kind of value each parameter takes."""
ElasticityValue = _value(_elasticity, DOMAINS["elasticity"], percent=False)
ShareValue = _value(_share, DOMAINS["share"], percent=True)
GrowthValue = _value(_growth, DOMAINS["growth"], percent=True)
PositiveValue = _value(_positive, DOMAINS["positive"], percent=False)
NonNegativeValue = _value(_non_negative, DOMAINS["non_negative"], percent=False)


class Parameters(Strict):
    """Parameters of the trade model (see docs/model.md); ``None`` means 'use the default'.

    Attributes:
        short_run_elasticity: response of import volume to the importer's duty-inclusive
            price once the fast adjustment has run its course [ratio, <= 0].
        long_run_elasticity: total response after the slow adjustment [ratio, <= 0].
        pass_through: share of a tariff borne by the importer's price [%].
        shipping_lag_days: days between an order and its arrival at customs [days].
        adjustment_days: time constant of the fast response [days].
        long_run_adjustment_years: time constant of the slow response [years].
        import_growth, export_growth: baseline trend after 2024 [%/year].
        diversion_share: share of lost US imports from China replaced by other suppliers [%].
    """

    short_run_elasticity: ElasticityValue | None = None
    long_run_elasticity: ElasticityValue | None = None
    pass_through: ShareValue | None = None
    shipping_lag_days: NonNegativeValue | None = None
    adjustment_days: PositiveValue | None = None
    long_run_adjustment_years: PositiveValue | None = None
    import_growth: GrowthValue | None = None
    export_growth: GrowthValue | None = None
    diversion_share: ShareValue | None = None

    def values(self) -> dict[str, Number | Percent | Distribution]:
        """The parameters that are set, by name."""
        return {name: value for name, value in self if value is not None}

    def overlay(self, other: Parameters | None) -> Parameters:
        """These parameters with every value ``other`` sets taking precedence."""
        if other is None:
            return self
        return self.model_copy(update=other.values())

    def number(self, name: str) -> float:
        """A parameter's value in its natural unit (a share in [0, 1] for percentages)."""
        value = getattr(self, name)
        if value is None:
            raise KeyError(f"parameter {name} is not set")
        if isinstance(value, Distribution):
            return value.central * value.scale
        return value.value / 100.0 if isinstance(value, Percent) else value.value

    def distribution(self, name: str) -> Distribution | None:
        """The parameter's distribution, if it is written as one."""
        value = getattr(self, name)
        return value if isinstance(value, Distribution) else None


def default_distribution(name: str, central: float) -> Distribution:
    """The sourced default range of a parameter as a distribution: ``low`` and ``high`` from
    ``seeds/parameters.yaml`` as 5th and 95th percentiles around ``central`` (in the parameter's unit)."""
    spec = parameter_specs()[name]
    kind = KINDS[name]
    return Distribution("range", {"low": min(spec.low, central), "central": central, "high": max(spec.high, central)}, DOMAINS[kind],
                        percent=kind in ("share", "growth"), facts=tuple(spec.facts))


class ParameterSpec(Strict):
    """How a parameter is documented in ``seeds/parameters.yaml``."""

    default: Any
    unit: str
    low: float
    high: float
    description: str = Field(min_length=8)
    facts: list[str] = Field(default_factory=list)
    fitted: bool = False


class _SpecsFile(Strict):
    parameters: dict[str, ParameterSpec]


@functools.lru_cache(maxsize=4)
def parameter_specs(folder: Path | None = None) -> dict[str, ParameterSpec]:
    """Documented parameters by name from ``seeds/parameters.yaml``."""
    from simulator.documents import read_document
    from simulator.facts import _shift, seeds_dir
    from simulator.validation import validate

    document = read_document((folder or seeds_dir()) / "parameters.yaml")
    document.data = {"parameters": document.data}
    _shift(document)
    return validate(_SpecsFile, document).parameters


@functools.lru_cache(maxsize=4)
def default_parameters(folder: Path | None = None) -> Parameters:
    """Every parameter at its sourced default."""
    from simulator.documents import read_document
    from simulator.facts import load_facts, seeds_dir
    from simulator.validation import validate

    folder = folder or seeds_dir()
    specs = parameter_specs(folder)
    document = read_document(folder / "parameters.yaml")
    document.data = {"parameters": {name: spec.default for name, spec in specs.items()}}
    # errors in a default point at the 'default:' line of that parameter
    document.positions = {("parameters", name): document.position((name, "default")) for name in specs}
    return validate(_DefaultsFile, document, {"facts": load_facts(folder)}).parameters


class _DefaultsFile(Strict):
    parameters: Parameters
