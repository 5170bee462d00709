"""The variable registry: every series a projection reports, with its label, unit and kind.

A *flow* is money per period: daily values add up to months and years. A *rate* is a tariff
in percent: monthly and annual values are averages over days (time-weighted). Everything that
names, sums, averages or labels a series reads it here: the result's frames, CSV headers with
units, key-number columns, chart labels and notebook tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from simulator.inputs.authorities import AUTHORITIES, authorities_of

FLOW_UNITS = {"daily": "USD bn/day", "monthly": "USD bn/month", "annual": "USD bn/year"}
"""The unit of a flow at each frequency."""


@dataclass(frozen=True)
class Variable:
    """One reported series.

    Attributes:
        name: the column name in every table.
        label: what a reader calls it.
        kind: ``flow`` [USD bn per period] or ``rate`` [%].
        description: one sentence on what it measures.
    """

    name: str
    label: str
    kind: Literal["flow", "rate"]
    description: str

    def unit(self, frequency: str) -> str:
        """The unit at a frequency ('daily', 'monthly', 'annual')."""
        return "%" if self.kind == "rate" else FLOW_UNITS[frequency]

    def heading(self, frequency: str) -> str:
        """A column heading with its unit: ``us_imports_from_china [USD bn/month]``."""
        return f"{self.name} [{self.unit(frequency)}]"


def _by_authority() -> tuple[Variable, ...]:
    """Collected revenue and effective rate of each side, split by legal authority (and the pre-2025 base)."""
    found = []
    for direction, prefix, revenue, rate, who in (
        ("us_on_china", "us", "us_tariff_revenue_from_china", "us_effective_additional_tariff_on_china", "US"),
        ("china_on_us", "china", "china_tariff_revenue_from_us", "china_effective_additional_tariff_on_us", "China's"),
    ):
        found.append(
            Variable(
                f"{revenue}_base",
                f"{who} duties collected under the pre-2025 tariffs",
                "flow",
                f"Duties collected under the tariffs in force before 2025 ({prefix} side).",
            )
        )
        for name in authorities_of(direction):
            label = AUTHORITIES[name].label
            found.append(
                Variable(
                    f"{revenue}_{name}",
                    f"{who} duties collected: {label}",
                    "flow",
                    f"Duties collected under measures of this authority: {label}.",
                )
            )
            found.append(
                Variable(
                    f"{rate}_{name}",
                    f"{who} effective additional tariff: {label}",
                    "rate",
                    f"Coverage-weighted additional tariff of the measures of this authority: {label}.",
                )
            )
    return tuple(found)


VARIABLES: dict[str, Variable] = {
    variable.name: variable
    for variable in (
        Variable(
            "us_imports_from_china", "US imports from China", "flow", "Customs value of US goods imports from China."
        ),
        Variable("us_exports_to_china", "US exports to China", "flow", "Value of US goods exports to China."),
        Variable(
            "us_trade_balance_with_china",
            "US balance (exports − imports)",
            "flow",
            "US exports to China minus US imports from China; negative is a deficit.",
        ),
        Variable(
            "us_tariff_revenue_from_china",
            "US tariff revenue",
            "flow",
            "US duties collected on imports from China, as the Treasury receives them (before refunds).",
        ),
        Variable(
            "china_tariff_revenue_from_us",
            "China's tariff revenue",
            "flow",
            "China's duties collected on imports from the US.",
        ),
        Variable(
            "us_imports_counterfactual",
            "US imports without the 2025 tariffs",
            "flow",
            "US imports from China had only the pre-2025 tariffs applied.",
        ),
        Variable(
            "us_exports_counterfactual",
            "US exports without the 2025 tariffs",
            "flow",
            "US exports to China had only the pre-2025 tariffs applied.",
        ),
        Variable(
            "us_imports_diverted_to_third_countries",
            "US imports diverted to other suppliers",
            "flow",
            "US imports bought from third countries instead of China: a share of the lost imports.",
        ),
        Variable(
            "us_statutory_tariff_revenue_from_china",
            "US duties at statutory rates",
            "flow",
            "The effective statutory rate times the customs value of the month's imports, before exemptions and "
            "timing.",
        ),
        Variable(
            "us_tariff_refunds_to_importers",
            "US duties refunded to importers",
            "flow",
            "Duties of an ended authority paid back to importers (IEEPA refunds), as paid.",
        ),
        Variable(
            "us_net_tariff_revenue_from_china",
            "US tariff revenue net of refunds",
            "flow",
            "US duties collected on imports from China less the refunds paid in the same period.",
        ),
        Variable(
            "china_statutory_tariff_revenue_from_us",
            "China's duties at statutory rates",
            "flow",
            "China's effective statutory rate times the value of its imports from the US.",
        ),
        *(variable for variable in _by_authority() if variable.kind == "flow"),
        Variable(
            "us_effective_tariff_on_china",
            "US effective tariff",
            "rate",
            "Pre-2025 base plus the coverage-weighted additional US tariffs on Chinese goods.",
        ),
        Variable(
            "china_effective_tariff_on_us",
            "China's effective tariff",
            "rate",
            "Pre-2025 base plus the coverage-weighted additional Chinese tariffs on US goods.",
        ),
        Variable(
            "us_additional_tariff_on_china",
            "US headline additional tariff",
            "rate",
            "Sum of the headline US measures on Chinese goods, as news reports quote it.",
        ),
        Variable(
            "china_additional_tariff_on_us",
            "China's headline additional tariff",
            "rate",
            "Sum of China's headline measures on US goods, as news reports quote it.",
        ),
        *(variable for variable in _by_authority() if variable.kind == "rate"),
    )
}
"""Every reported variable, in report order."""

FLOWS = tuple(name for name, variable in VARIABLES.items() if variable.kind == "flow")
RATES = tuple(name for name, variable in VARIABLES.items() if variable.kind == "rate")


def unit(name: str, frequency: str) -> str:
    """The unit of a variable at a frequency ('daily', 'monthly', 'annual')."""
    return VARIABLES[name].unit(frequency)
