"""Charts comparing scenarios: one line per scenario, one colour per scenario in every chart.

Each takes the :class:`~simulator.outputs.chart_inputs.ComparisonChartInputs` of a run, whose
colours come from :func:`simulator.outputs.layout.scenario_colours`, so a scenario looks the
same in each overlay of a run. Each is listed once in the chart registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from matplotlib.figure import Figure

from simulator.model.result import Result
from simulator.outputs.chart_inputs import ComparisonChartInputs
from simulator.outputs.chart_parts import (
    MODEL_SOURCE,
    PALETTE,
    events_of,
    finish_monthly,
    rolling_year,
    step_line,
    whole_month_values,
)
from simulator.outputs.layout import (
    date_axis,
    frame,
    legend_below,
    legend_rows,
    mark_events,
    percent_axis,
    source_note,
    subtitle,
)
from simulator.outputs.text import plain


def _span(results: Sequence[Result]) -> tuple[dt.date, dt.date]:
    return min(result.scenario.start for result in results), max(result.scenario.end for result in results)


def _overlay(
    results: Sequence[Result],
    title: str,
    panels: Sequence[tuple[str, str]],
    colours: dict[str, str],
    *,
    transform=None,
    unit: str = "USD bn/month",
    floor: float | None = 0.0,
    reference: tuple[float, str] | None = None,
) -> Figure:
    """One line per scenario in each panel; ``panels`` are (variable, subtitle) pairs."""
    start, end = _span(results)
    labels = [result.scenario.id for result in results] + ([reference[1]] if reference else [])
    layout = frame(
        title,
        start,
        end,
        events=events_of([result.scenario for result in results]),
        rows=len(panels),
        panel_height=3.6 if len(panels) == 1 else 2.6,
        subtitles=len(panels) > 1,
        legend_rows=legend_rows(labels),
    )
    for ax, (variable, text) in zip(layout.axes, panels, strict=True):
        for result in results:
            months, values = whole_month_values(result)
            series = values[variable] if transform is None else transform(values[variable])
            ax.plot(
                months,
                series,
                color=colours[result.scenario.id],
                linewidth=1.8,
                label=plain(result.scenario.id),  # an id is shown as written: a '$' stays a '$'
                linestyle=_dashes(results, result),
            )
        if reference:
            ax.axhline(reference[0], color="#555555", linestyle="--", linewidth=1, label=reference[1])
        if len(panels) > 1:
            subtitle(layout, ax, text)
    finish_monthly(layout, MODEL_SOURCE, unit=unit, floor=floor)
    return layout.figure


def imports_chart(inputs: ComparisonChartInputs) -> Figure:
    """Monthly US imports from China, one line per scenario [USD bn/month]."""
    title = "US imports from China by scenario"
    return _overlay(inputs.results, title, [("us_imports_from_china", title)], inputs.colours)


def exports_chart(inputs: ComparisonChartInputs) -> Figure:
    """Monthly US exports to China, one line per scenario [USD bn/month]."""
    title = "US exports to China by scenario"
    return _overlay(inputs.results, title, [("us_exports_to_china", title)], inputs.colours)


def balance_chart(inputs: ComparisonChartInputs) -> Figure:
    """The 12-month rolling balance of each scenario against the 2024 balance [USD bn per 12 months]."""
    reference_balance = inputs.reference_balance
    return _overlay(
        inputs.results,
        "US goods balance with China, 12-month rolling sum",
        [("us_trade_balance_with_china", "")],
        inputs.colours,
        transform=rolling_year,
        unit="USD bn per 12 months",
        floor=None,
        reference=(reference_balance, f"2024 balance: −\\${abs(reference_balance):,.1f}bn"),
    )


def revenue_chart(inputs: ComparisonChartInputs) -> Figure:
    """Tariff revenue in both directions, one line per scenario [USD bn/month]."""
    return _overlay(
        inputs.results,
        "Tariff revenue by scenario",
        [
            ("us_tariff_revenue_from_china", "US duties on imports from China [USD bn/month]"),
            ("china_tariff_revenue_from_us", "China's duties on imports from the US [USD bn/month]"),
        ],
        inputs.colours,
    )


def tariffs_chart(inputs: ComparisonChartInputs) -> Figure:
    """Effective tariff rates (base + coverage-weighted add-ons) day by day, one line per scenario [%]."""
    results, colours = list(inputs.results), inputs.colours
    start, end = _span(results)
    panels = (
        ("us_effective_tariff_on_china", "US tariff on Chinese goods, effective [%]"),
        ("china_effective_tariff_on_us", "China's tariff on US goods, effective [%]"),
    )
    layout = frame(
        "Effective tariff rates by scenario",
        start,
        end,
        events=events_of([result.scenario for result in results]),
        rows=2,
        panel_height=2.6,
        subtitles=True,
        legend_rows=legend_rows([result.scenario.id for result in results]),
    )
    for ax, (variable, text) in zip(layout.axes, panels, strict=True):
        for result in results:
            step_line(
                ax,
                result.days,
                result.series[variable],
                color=colours[result.scenario.id],
                linewidth=1.6,
                label=plain(result.scenario.id),  # an id is shown as written: a '$' stays a '$'
                linestyle=_dashes(results, result),
            )
        date_axis(ax, start, end)
        ax.set_ylim(0, None)
        percent_axis(ax, "[%]")
        subtitle(layout, ax, text)
    mark_events(layout)
    legend_below(layout)
    source_note(
        layout,
        "Effective rate: pre-2025 base (PIIE) + each additional measure × its trade coverage; sources in the "
        "report's notes",
    )
    return layout.figure


def _dashes(results: Sequence[Result], result: Result) -> str:
    """Solid for the first ten scenarios; past the palette's ten colours, dashes tell repeated colours apart."""
    return "-" if list(results).index(result) < len(PALETTE) else "--"
