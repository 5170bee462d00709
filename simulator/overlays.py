"""Charts comparing scenarios: one line per scenario, one colour per scenario in every chart.

Colours come from :func:`simulator.figures.scenario_colours` in the order the scenarios were
given, so a scenario looks the same in each overlay of a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from matplotlib.figure import Figure

from simulator.charts import MODEL_SOURCE, _months, _step, events_of, finish_monthly, rolling_year
from simulator.figures import date_axis, frame, legend_below, legend_rows, mark_events, percent_axis, scenario_colours, source_note, subtitle


def _span(results) -> tuple[dt.date, dt.date]:
    return min(result.scenario.start for result in results), max(result.scenario.end for result in results)


def _overlay(results, title: str, panels: Sequence[tuple[str, str]], colours: dict[str, str] | None, *, transform=None,
             unit: str = "USD bn/month", floor: float | None = 0.0, reference: tuple[float, str] | None = None) -> Figure:
    """One line per scenario in each panel; ``panels`` are (variable, subtitle) pairs."""
    colours = colours or scenario_colours([result.scenario.id for result in results])
    start, end = _span(results)
    labels = [result.scenario.id for result in results] + ([reference[1]] if reference else [])
    layout = frame(title, start, end, events=events_of([result.scenario for result in results]), rows=len(panels),
                   panel_height=3.6 if len(panels) == 1 else 2.6, subtitles=len(panels) > 1, legend_rows=legend_rows(labels))
    for ax, (variable, text) in zip(layout.axes, panels, strict=True):
        for result in results:
            months, values = _months(result)
            series = values[variable] if transform is None else transform(values[variable])
            ax.plot(months, series, color=colours[result.scenario.id], linewidth=1.8, label=result.scenario.id, linestyle=_dashes(results, result))
        if reference:
            ax.axhline(reference[0], color="#555555", linestyle="--", linewidth=1, label=reference[1])
        if len(panels) > 1:
            subtitle(layout, ax, text)
    finish_monthly(layout, MODEL_SOURCE, unit=unit, floor=floor)
    return layout.figure


def compare_flow_chart(results, variable: str, title: str, colours: dict[str, str] | None = None) -> Figure:
    """Monthly values of one flow, one line per scenario [USD bn/month]."""
    return _overlay(results, title, [(variable, title)], colours)


def compare_balance_chart(results, reference_balance: float, colours: dict[str, str] | None = None) -> Figure:
    """The 12-month rolling balance of each scenario against the 2024 balance [USD bn per 12 months]."""
    return _overlay(results, "US goods balance with China, 12-month rolling sum", [("us_trade_balance_with_china", "")], colours,
                    transform=rolling_year, unit="USD bn per 12 months", floor=None,
                    reference=(reference_balance, f"2024 balance: −\\${abs(reference_balance):,.1f}bn"))


def compare_revenue_chart(results, colours: dict[str, str] | None = None) -> Figure:
    """Tariff revenue in both directions, one line per scenario [USD bn/month]."""
    return _overlay(results, "Tariff revenue by scenario", [("us_tariff_revenue_from_china", "US duties on imports from China [USD bn/month]"),
                                                            ("china_tariff_revenue_from_us", "China's duties on imports from the US [USD bn/month]")], colours)


def compare_tariff_chart(results, colours: dict[str, str] | None = None) -> Figure:
    """Effective tariff rates (base + coverage-weighted add-ons) day by day, one line per scenario [%]."""
    colours = colours or scenario_colours([result.scenario.id for result in results])
    start, end = _span(results)
    panels = (("us_effective_tariff_on_china", "US tariff on Chinese goods, effective [%]"),
              ("china_effective_tariff_on_us", "China's tariff on US goods, effective [%]"))
    layout = frame("Effective tariff rates by scenario", start, end, events=events_of([result.scenario for result in results]), rows=2,
                   panel_height=2.6, subtitles=True, legend_rows=legend_rows([result.scenario.id for result in results]))
    for ax, (variable, text) in zip(layout.axes, panels, strict=True):
        for result in results:
            _step(ax, result.days, result.series[variable], color=colours[result.scenario.id], linewidth=1.6, label=result.scenario.id,
                  linestyle=_dashes(results, result))
        date_axis(ax, start, end)
        ax.set_ylim(0, None)
        percent_axis(ax, "[%]")
        subtitle(layout, ax, text)
    mark_events(layout)
    legend_below(layout)
    source_note(layout, "Effective rate: pre-2025 base (PIIE) + each additional measure × its trade coverage; sources in the report's notes")
    return layout.figure


def _dashes(results, result) -> str:
    """Solid for the first ten scenarios; past the palette's ten colours, dashes tell repeated colours apart."""
    from simulator.figures import PALETTE

    return "-" if results.index(result) < len(PALETTE) else "--"
