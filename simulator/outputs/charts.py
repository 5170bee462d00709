"""The chart registry: one entry per chart, read by the report, ``Result.plot`` and ``Comparison.plot``.

An entry names the chart, says what it shows (the caption on the report page), what it needs
beyond a projection, and which function draws it. Adding a chart is one function (in
:mod:`~simulator.outputs.scenario_charts` or :mod:`~simulator.outputs.comparison_charts`)
plus one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from matplotlib.figure import Figure

from simulator.outputs import comparison_charts, scenario_charts
from simulator.outputs.chart_inputs import ComparisonChartInputs, ScenarioChartInputs
from simulator.outputs.layout import check_glyphs, style

Need = Literal["backtest", "skill", "draws", "fan", "tornado", "year"]
NEEDS: dict[str, str] = {
    "backtest": "an observed month after the calibration year inside the horizon",
    "skill": "an observed month after the calibration year inside the horizon, and a current out-of-sample backtest "
    "(simulate backtest)",
    "draws": "Monte Carlo draws: simulator.run(scenario, draws=2000)",
    "fan": "the 5, 25, 50, 75 and 95% quantiles of the draws (the default quantiles include them)",
    "tornado": "Monte Carlo draws and a horizon with a whole calendar year",
    "year": "a reference scenario whose horizon holds twelve months (for sums over the last 12 months)",
}
"""What each need asks of the inputs, in words for an error message."""


@dataclass(frozen=True)
class Chart:
    """One chart.

    Attributes:
        name: the file stem in a report folder, and the name ``plot()`` takes.
        caption: what the chart shows, for the report page.
        draw: builds the matplotlib Figure from the inputs bundle of its scope.
        needs: what must be present in the inputs besides a projection (see :data:`NEEDS`).
    """

    name: str
    caption: str
    draw: Callable[[Any], Figure]
    needs: tuple[Need, ...] = ()


SCENARIO_CHARTS: dict[str, Chart] = {
    chart.name: chart
    for chart in (
        Chart(
            "tariffs",
            "Additional tariffs in both directions: the headline rate news reports quote, and the effective rate of "
            "every measure (Section 232 too) weighted by the share of trade it covers; grey bands are suspension "
            "windows (truces) of either side.",
            scenario_charts.tariff_chart,
        ),
        Chart(
            "trade",
            "Monthly US imports from and exports to China, against the path without the 2025 tariffs.",
            scenario_charts.trade_chart,
        ),
        Chart(
            "diversion",
            "US imports lost from China against the path without the 2025 tariffs, and the part bought from other "
            "suppliers instead.",
            scenario_charts.diversion_chart,
        ),
        Chart(
            "balance",
            "Monthly US balance with China and its 12-month rolling sum, against the 2024 deficit.",
            scenario_charts.balance_chart,
        ),
        Chart(
            "revenue",
            "Monthly duties in both directions: as collected and at statutory rates; refunds of US duties.",
            scenario_charts.revenue_chart,
        ),
        Chart(
            "revenue_by_authority",
            "US duties collected on goods from China by legal authority, with refunds below zero.",
            scenario_charts.revenue_by_authority_chart,
        ),
        Chart(
            "backtest", "The model against the Census months after 2024.", scenario_charts.backtest_chart, ("backtest",)
        ),
        Chart(
            "skill",
            "How far off the model's forecasts were, one to six months ahead, when estimated only on the months "
            "before; against two simple rules.",
            scenario_charts.skill_chart,
            ("skill",),
        ),
        Chart(
            "fan",
            "Monthly imports and balance over the Monte Carlo draws: median, 50% and 90% bands, and the point "
            "projection.",
            scenario_charts.fan_chart,
            ("draws", "fan"),
        ),
        Chart(
            "tornado",
            "How far each uncertain input, at its 5th and 95th percentile, moves the balance in the last full year "
            "of the horizon.",
            scenario_charts.tornado_chart,
            ("tornado",),
        ),
    )
}
"""Charts of one scenario, in report order."""

COMPARISON_CHARTS: dict[str, Chart] = {
    chart.name: chart
    for chart in (
        Chart(
            "imports",
            "US imports from China: the reference scenario, and each scenario's difference from it [USD bn/month].",
            comparison_charts.imports_chart,
        ),
        Chart(
            "exports",
            "US exports to China: the reference scenario, and each scenario's difference from it [USD bn/month].",
            comparison_charts.exports_chart,
        ),
        Chart(
            "balance",
            "US balance with China over the last 12 months: the reference scenario against the 2024 deficit, and "
            "each scenario's difference from it.",
            comparison_charts.balance_chart,
            needs=("year",),
        ),
        Chart(
            "tariffs",
            "Effective tariff rates in both directions: the reference scenario, and each scenario's difference from "
            "it [percentage points].",
            comparison_charts.tariffs_chart,
        ),
        Chart(
            "revenue",
            "Duties collected in both directions: the reference scenario, and each scenario's difference from it "
            "[USD bn/month].",
            comparison_charts.revenue_chart,
        ),
    )
}
"""Charts comparing scenarios, in report order."""


def missing(chart: Chart, inputs: ScenarioChartInputs | ComparisonChartInputs) -> list[Need]:
    """The needs of ``chart`` that ``inputs`` do not meet (empty when it can be drawn)."""
    levels = getattr(getattr(inputs, "result", None), "quantiles", None) or ()
    present = {
        "backtest": getattr(inputs, "backtest", None) is not None,
        "skill": getattr(inputs, "skill", None) is not None,
        "draws": bool(getattr(inputs, "draws", False)),
        "fan": set(scenario_charts.FAN_LEVELS) <= set(levels),
        "tornado": getattr(inputs, "tornado", None) is not None,
        "year": not isinstance(inputs, ComparisonChartInputs) or len(inputs.reference_result.monthly) >= 12,
    }
    return [need for need in chart.needs if not present[need]]


def drawable(charts: dict[str, Chart], inputs: ScenarioChartInputs | ComparisonChartInputs) -> list[Chart]:
    """The charts of a registry that ``inputs`` can feed, in registry order."""
    return [chart for chart in charts.values() if not missing(chart, inputs)]


def draw(chart: Chart, inputs: ScenarioChartInputs | ComparisonChartInputs) -> Figure:
    """Build a chart with our style in force; ValueError naming what is missing if it cannot be drawn."""
    absent = missing(chart, inputs)
    if absent:
        raise ValueError(f"the {chart.name} chart needs {'; '.join(NEEDS[need] for need in absent)}")
    with style(fallback=check_glyphs(_texts(inputs))):  # fonts are fixed when the texts are made
        return chart.draw(inputs)


def _texts(inputs: ScenarioChartInputs | ComparisonChartInputs) -> list[str]:
    """The texts a chart takes from its scenarios: titles, ids and event labels (the rest is ours, in DejaVu Sans)."""
    scenarios = [inputs.scenario] if isinstance(inputs, ScenarioChartInputs) else [r.scenario for r in inputs.results]
    return [
        text for scenario in scenarios for text in (scenario.title, scenario.id, *(e.label for e in scenario.events))
    ]
