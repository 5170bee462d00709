"""Model parameters: names, units, sourced defaults and allowed ranges.

Defaults and plausible ranges live in ``seeds/parameters.yaml`` (each citing facts); a
scenario's ``parameters`` section overrides any of them. Values keep the fact they cite.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from simulator.quantities import Number, Percent, parse_number, parse_percent
from simulator.validation import Strict


def _non_positive(value: Number) -> Number:
    if value.value > 0:
        raise ValueError(f"an elasticity of {value.value:g} has the wrong sign: a higher price cannot raise demand (expected 0 or below)")
    return value


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


ElasticityValue = Annotated[Number, BeforeValidator(parse_number), AfterValidator(_non_positive)]
ShareValue = Annotated[Percent, BeforeValidator(lambda value, info: parse_percent(value, info, low=0.0, high=100.0))]
GrowthValue = Annotated[Percent, BeforeValidator(_growth)]
PositiveValue = Annotated[Number, BeforeValidator(_positive)]
NonNegativeValue = Annotated[Number, BeforeValidator(_non_negative)]


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

    def values(self) -> dict[str, Number | Percent]:
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
        return value.value / 100.0 if isinstance(value, Percent) else value.value


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
