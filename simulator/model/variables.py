"""The variable registry: every series a projection reports, with its label, unit and kind.

A *flow* is money per period: daily values add up to months and years. A *rate* is a tariff
in percent: monthly and annual values are averages over days (time-weighted). Everything that
names, sums, averages or labels a series reads it here: the result's frames, CSV headers with
units, key-number columns, chart labels and notebook tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
            "Duties on US imports from China: effective rate × customs value.",
        ),
        Variable(
            "china_tariff_revenue_from_us",
            "China's tariff revenue",
            "flow",
            "Duties on China's imports from the US: effective rate × value.",
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
    )
}
"""Every reported variable, in report order."""

FLOWS = tuple(name for name, variable in VARIABLES.items() if variable.kind == "flow")
RATES = tuple(name for name, variable in VARIABLES.items() if variable.kind == "rate")


def unit(name: str, frequency: str) -> str:
    """The unit of a variable at a frequency ('daily', 'monthly', 'annual')."""
    return VARIABLES[name].unit(frequency)
