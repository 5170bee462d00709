"""Tornado: how far each uncertain input moves an annual output, one input at a time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.inputs.parameters import PARAMETERS, put_in_order
from simulator.inputs.scenario import Scenario
from simulator.model import noise
from simulator.model.projection import anchors, point_parameters, project, with_history
from simulator.model.tariff_paths import TariffPaths, tariff_arrays
from simulator.model.timeline import renewal_decisions
from simulator.uncertainty.draws import parameter_distributions
from simulator.uncertainty.renewals import PolicyPaths, temporary_duty


@dataclass(frozen=True)
class Swing:
    """The effect of one input on an annual output: at its 5th and 95th percentile (or never/always renewed)."""

    name: str
    low_input: str
    high_input: str
    low: float
    high: float


@dataclass(frozen=True)
class Tornado:
    """An annual output's central value and each input's swing, largest first.

    Attributes:
        variable: the output, a name in the variable registry.
        year: the calendar year [USD bn/year in that year].
        central: the value at every input's centre [USD bn/year].
        swings: one :class:`Swing` per uncertain input, largest first.
    """

    variable: str
    year: int
    central: float
    swings: tuple[Swing, ...]


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


def tornado(scenario: Scenario, variable: str = "us_trade_balance_with_china", year: int | None = None) -> Tornado:
    """The central value of ``variable`` in ``year`` [USD bn/year] and each input's swing, largest first.

    Each uncertain parameter is set to its 5th and then its 95th percentile, the others kept
    central; each renewal decision is set to 'never renewed' and 'renewed to the horizon end'.
    """
    year = year or last_full_year(scenario)
    modelled, _ = with_history(scenario)  # the year is picked by its days: those before the horizon drop out
    paths = tariff_arrays(modelled)
    keep = paths.days.astype("datetime64[Y]") == np.datetime64(str(year), "Y")

    def value(parameters: dict, chosen: TariffPaths = paths) -> float:
        return float(np.sum(project(chosen, parameters, anchors(chosen.days, parameters))[variable][keep]))

    central = point_parameters(scenario)
    swings = []
    for name, distribution in parameter_distributions(scenario, held_in_fit=True).items():
        if name in noise.PARAMETERS:  # they widen the draws but do not move a projection
            continue
        low, high = distribution.percentile(5), distribution.percentile(95)
        # the swing spans the central value too: a centre at the edge of the valid values (pass-through at 100%)
        # lies outside its own 5th-95th percentile range
        low, high = min(low, float(central[name])), max(high, float(central[name]))
        outcomes = [value(put_in_order(dict(central, **{name: setting}), {name})) for setting in (low, high)]
        unit = "%" if distribution.percent else ""
        scale = 100.0 if distribution.percent else 1.0
        shown = [f"{value * scale:.3g}{unit}".replace("-", "−") for value in (low, high)]
        swings.append(Swing(PARAMETERS[name].label, *shown, *outcomes))
    decisions = renewal_decisions(modelled)
    policy = PolicyPaths(modelled, decisions)
    for index, decision in enumerate(decisions):
        never = tuple(0 for _ in decisions)
        always = tuple(decision.most(scenario.end) if position == index else 0 for position in range(len(decisions)))
        swings.append(
            Swing(
                f"renewal of the {'temporary duty' if temporary_duty(modelled, decision) else 'truce'} from "
                f"{decision.start.day} {decision.start:%b %Y}",
                "never",
                "always",
                value(central, policy.get(never)),
                value(central, policy.get(always)),
            )
        )
    return Tornado(
        variable, year, value(central), tuple(sorted(swings, key=lambda swing: -abs(swing.high - swing.low)))
    )
