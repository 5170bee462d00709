"""Charts of one scenario, and overlays comparing several, as matplotlib Figures.

Object-oriented API only (no pyplot state). Every chart has a title, dated axis, axes with
units, event markers, a legend and a source line, each in a band of its own
(:mod:`simulator.figures`); :func:`simulator.figures.save` writes PNG and SVG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure

from simulator.figures import (
    MoneyFormatter,
    date_axis,
    frame,
    legend_below,
    legend_rows,
    mark_events,
    money_axis,
    percent_axis,
    plain,
    source_note,
    subtitle,
)
from simulator.scenario import DIRECTIONS, Scenario
from simulator.timeline import TariffPaths, windows

DIRECTION_NAMES = {"us_on_china": "US tariff on Chinese goods", "china_on_us": "China's tariff on US goods"}
FLOW_COLOURS = {"imports": "#b2182b", "exports": "#2166ac"}
MODEL_SOURCE = "Sources: US Census Bureau (2024 months, calibration); tariffs from seeds/facts.yaml; model: tariff-scenarios, see docs/model.md"


def events_of(scenarios: Sequence[Scenario]) -> list[tuple[dt.date, str]]:
    """The dated events of one or more scenarios, each once."""
    return sorted({(event.date, event.label) for scenario in scenarios for event in scenario.events})


def _step(ax, days: np.ndarray, values: np.ndarray, **style) -> None:
    # where="post" draws the last step with zero width unless the horizon end is appended
    x = mdates.date2num(np.append(days, days[-1] + np.timedelta64(1, "D")))
    ax.step(x, np.append(values, values[-1]), where="post", **style)


def _months(result) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Whole months as matplotlib dates and their values [USD bn/month, %] (point projection).

    A month the horizon cuts (a start on the 15th) is left out: its total covers only part of
    the month and would read as a collapse in trade.
    """
    stamps, values = result.aggregate("monthly")
    keep = whole_months(stamps, result.days)
    return mdates.date2num(stamps[keep].astype("datetime64[D]")), {name: array[..., keep] for name, array in values.items()}


def whole_months(stamps: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Which months (by start) the day grid covers from their first to their last day."""
    first = stamps.astype("datetime64[D]")
    last = (stamps.astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return (first >= days[0]) & (last <= days[-1])


def rolling_year(monthly: np.ndarray) -> np.ndarray:
    """Sum over the last twelve months; undefined (NaN) for the first eleven [USD bn per 12 months]."""
    rolling = np.convolve(monthly, np.ones(12), mode="full")[: len(monthly)]
    rolling[:11] = np.nan
    return rolling


# ---------------------------------------------------------------- one scenario


def tariff_chart(scenario: Scenario, paths: TariffPaths) -> Figure:
    """Step chart of both directions' headline and effective additional tariffs [%], truce windows shaded."""
    spans = sorted({(window.start, window.end) for direction in DIRECTIONS for measure in scenario.tariffs[direction].measures.values()
                    for window in windows(measure)})
    labels = [f"{DIRECTION_NAMES[d]}: {kind}" for d in DIRECTIONS for kind in ("headline add-on", "effective add-on (coverage-weighted)")]
    labels += ["suspension window (truce)"] if spans else []
    from simulator.uncertainty import renewables

    policy = "; ".join(decision.describe() for decision in renewables(scenario))
    note = f"The path as written. In Monte Carlo draws {policy}." if policy else ""
    layout = frame(f"Additional tariffs: {scenario.title}", scenario.start, scenario.end, events=events_of([scenario]), legend_rows=legend_rows(labels),
                   note=note)
    ax = layout.axes[0]
    for direction in DIRECTIONS:
        colour = FLOW_COLOURS["imports" if direction == "us_on_china" else "exports"]
        _step(ax, paths.days, paths.headline[direction], color=colour, linewidth=2.0, label=f"{DIRECTION_NAMES[direction]}: headline add-on")
        _step(ax, paths.days, paths.effective[direction], color=colour, linewidth=1.2, linestyle="--",
              label=f"{DIRECTION_NAMES[direction]}: effective add-on (coverage-weighted)")
    for index, (start, end) in enumerate(spans):
        ax.axvspan(mdates.date2num(np.datetime64(start)), mdates.date2num(np.datetime64(end)), color="#999999", alpha=0.15, linewidth=0,
                   label=None if index else "suspension window (truce)", zorder=0)
    date_axis(ax, scenario.start, scenario.end)
    peak = max(float(np.max(paths.headline[d])) for d in DIRECTIONS)
    ax.set_ylim(0, max(10.0, peak * 1.1))
    percent_axis(ax, "Additional tariff over the pre-2025 base [%]")
    mark_events(layout)
    legend_below(layout)
    source_note(layout, "Sources: official texts and news reports via seeds/facts.yaml (see the report's notes); coverage shares: PIIE")
    return layout.figure


def trade_chart(result) -> Figure:
    """Monthly US imports from and exports to China against the no-2025-tariff counterfactual [USD bn/month]."""
    scenario = result.scenario
    months, values = _months(result)
    lines = [
        ("us_imports_from_china", "US imports from China", "imports", "-", 2.0),
        ("us_imports_counterfactual", "imports without the 2025 tariffs", "imports", "--", 1.0),
        ("us_exports_to_china", "US exports to China", "exports", "-", 2.0),
        ("us_exports_counterfactual", "exports without the 2025 tariffs", "exports", "--", 1.0),
    ]
    layout = frame(f"US goods trade with China: {scenario.title}", scenario.start, scenario.end, events=events_of([scenario]),
                   legend_rows=legend_rows([line[1] for line in lines]))
    ax = layout.axes[0]
    for name, label, flow, style, width in lines:
        ax.plot(months, values[name], color=FLOW_COLOURS[flow], linestyle=style, linewidth=width, label=label)
    ax.fill_between(months, values["us_imports_from_china"], values["us_imports_counterfactual"], color=FLOW_COLOURS["imports"], alpha=0.08)
    finish_monthly(layout, MODEL_SOURCE)
    return layout.figure


def finish_monthly(layout, source: str, unit: str = "USD bn/month", floor: float | None = 0.0) -> None:
    """Dates, a $bn axis, events, legend and source line of a chart of monthly values."""
    for ax in layout.axes:
        date_axis(ax, layout.start, layout.end)
        if floor is not None:
            ax.set_ylim(floor, None)
        money_axis(ax, unit)
    mark_events(layout)
    legend_below(layout)
    source_note(layout, source)


def balance_chart(result, reference_balance: float) -> Figure:
    """Monthly balance and its 12-month rolling sum against the 2024 balance [USD bn]."""
    scenario = result.scenario
    months, values = _months(result)
    balance = values["us_trade_balance_with_china"]
    reference = f"2024 balance: −\\${abs(reference_balance):,.1f}bn"
    labels = ["monthly US balance with China (deficit red)", "12-month rolling sum", reference]
    layout = frame(f"US goods balance with China (exports − imports): {scenario.title}", scenario.start, scenario.end,
                   events=events_of([scenario]), rows=2, panel_height=2.6, subtitles=True, legend_rows=legend_rows(labels))
    top, bottom = layout.axes
    top.bar(months + 14, balance, width=25, color=np.where(balance < 0, FLOW_COLOURS["imports"], "#1a9850"), label=labels[0])
    top.axhline(0, color="black", linewidth=0.6)
    bottom.plot(months, rolling_year(balance), color="#762a83", linewidth=2, label=labels[1])
    bottom.axhline(reference_balance, color="#555555", linestyle="--", linewidth=1, label=reference)
    subtitle(layout, top, "Each month [USD bn/month]")
    subtitle(layout, bottom, "Sum of the last twelve months [USD bn per 12 months]")
    finish_monthly(layout, f"Sources: US Census Bureau (2024 balance {reference_balance:,.1f} USD bn, the ~$295bn deficit of the seed articles); "
                    "model projection", floor=None)
    bottom.yaxis.label.set_text("[USD bn per 12 months]")
    return layout.figure


def revenue_chart(result) -> Figure:
    """Monthly tariff revenue in both directions [USD bn/month]."""
    scenario = result.scenario
    months, values = _months(result)
    labels = ["US duties on imports from China", "China's duties on imports from the US"]
    layout = frame(f"Tariff revenue (effective rate × customs value): {scenario.title}", scenario.start, scenario.end,
                   events=events_of([scenario]), legend_rows=legend_rows(labels))
    ax = layout.axes[0]
    ax.plot(months, values["us_tariff_revenue_from_china"], color=FLOW_COLOURS["imports"], linewidth=2, label=labels[0])
    ax.plot(months, values["china_tariff_revenue_from_us"], color=FLOW_COLOURS["exports"], linewidth=2, label=labels[1])
    finish_monthly(layout, "Model: (base + effective additional rate) × projected customs value; base rates from PIIE; not seasonally adjusted")
    return layout.figure


def backtest_chart(result, test) -> Figure:
    """Observed months against the model and the counterfactual, imports and exports [USD bn/month]."""
    from simulator.history import observed

    scenario = result.scenario
    history = observed()
    start = dt.date(2024, 1, 1)
    stop = (test.months[-1] + np.timedelta64(7, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    end = min(stop.astype(dt.date), scenario.end)
    labels = ["actual (Census)", "model", "counterfactual", "backtest months"]
    layout = frame(f"Backtest against the 2025 months: {scenario.title}", start, end, columns=2, subtitles=True, legend_rows=legend_rows(labels))
    months, values = _months(result)
    keep = months <= mdates.date2num(np.datetime64(end))
    for ax, flow, actual in ((layout.axes[0], "imports", history.imports), (layout.axes[1], "exports", history.exports)):
        name = "us_imports_from_china" if flow == "imports" else "us_exports_to_china"
        colour = FLOW_COLOURS[flow]
        ax.plot(mdates.date2num(history.months.astype("datetime64[D]")), actual, "o-", color="black", markersize=3.5, linewidth=1.2, label=labels[0])
        ax.plot(months[keep], values[name][keep], color=colour, linewidth=2, label=labels[1])
        ax.plot(months[keep], values[f"us_{flow}_counterfactual"][keep], color=colour, linestyle="--", linewidth=1, label=labels[2])
        ax.axvspan(mdates.date2num(np.datetime64("2025-01-01")), mdates.date2num((test.months[-1] + 1).astype("datetime64[D]")),
                   color="#999999", alpha=0.15, linewidth=0, label=labels[3])
        subtitle(layout, ax, f"US {flow} {'from' if flow == 'imports' else 'to'} China")
    finish_monthly(layout, "Sources: US Census Bureau, trade in goods with China (not seasonally adjusted); model projection")
    return layout.figure


# ---------------------------------------------------------------- uncertainty


def draws_note(result) -> str:
    """What a Monte Carlo chart rests on: draws, seed, what was drawn and how truces may be renewed."""
    outcome = result.extras["draws"]
    from simulator.uncertainty import ignored_renewals

    drawn = ", ".join(name.replace("_", " ") for name in outcome.drawn) or "no parameter"
    policy = "; ".join(decision.describe() for decision in outcome.decisions)
    text = f"{result.draws:,} draws (seed {result.seed}). Drawn: {drawn}."
    text += f" Policy paths mixed in: {policy}." if policy else " No window carries a renewal probability that can act."
    ignored = ignored_renewals(result.scenario)
    return text + (f" Renewal ignored: {'; '.join(ignored)}." if ignored else "")


def fan_chart(result) -> Figure:
    """Monthly imports and balance: median, 50% and 90% bands over the draws, and the point projection [USD bn/month]."""
    scenario = result.scenario
    stamps, quantiles = result.periods["monthly"]
    keep = whole_months(stamps, result.days)
    months = mdates.date2num(stamps[keep].astype("datetime64[D]"))
    quantiles = {name: values[:, keep] for name, values in quantiles.items()}
    point_months, point = _months(result)
    levels = list(result.quantiles)
    labels = ["median of the draws", "50% of draws (25th–75th percentile)", "90% of draws (5th–95th percentile)", "point projection"]
    layout = frame(f"Uncertainty: {scenario.title}", scenario.start, scenario.end, events=events_of([scenario]), rows=2, panel_height=2.6,
                   subtitles=True, legend_rows=legend_rows(labels), note=draws_note(result))
    panels = (("us_imports_from_china", "US imports from China [USD bn/month]", FLOW_COLOURS["imports"]),
              ("us_trade_balance_with_china", "US balance with China (exports − imports) [USD bn/month]", "#762a83"))
    for ax, (variable, text, colour) in zip(layout.axes, panels, strict=True):
        values = quantiles[variable]
        first = ax is layout.axes[0]  # the legend explains the shades once, in grey, for both panels
        ax.fill_between(months, values[levels.index(5)], values[levels.index(95)], color=colour, alpha=0.15, linewidth=0)
        ax.fill_between(months, values[levels.index(25)], values[levels.index(75)], color=colour, alpha=0.3, linewidth=0)
        ax.plot(months, values[levels.index(50)], color=colour, linewidth=2)
        if first:
            ax.fill_between([], [], [], color="#777777", alpha=0.15, linewidth=0, label=labels[2])
            ax.fill_between([], [], [], color="#777777", alpha=0.4, linewidth=0, label=labels[1])
            ax.plot([], [], color="#555555", linewidth=2, label=labels[0])
        ax.plot(point_months, point[variable], color="black", linewidth=1, linestyle="--", label=labels[3])
        subtitle(layout, ax, text)
    outcome = result.extras["draws"]
    drawn = [part for part, present in (("parameters", outcome.drawn), ("truce renewals", outcome.decisions)) if present]
    finish_monthly(layout, f"Model projection over Monte Carlo draws of {' and '.join(drawn) or 'nothing uncertain'}; "
                   "ranges from seeds/parameters.yaml unless the scenario gives them", floor=None)
    return layout.figure


def tornado_chart(scenario: Scenario, central: float, swings, year: int, variable_label: str = "US balance with China") -> Figure:
    """Each input's swing of an annual output around its central value [USD bn/year], largest first.

    Inputs that do not move the output (such as the diversion share, which is reported beside
    the balance) are left out and named in the note.
    """
    idle = [swing.name for swing in swings if abs(swing.high - swing.low) < 1e-9]
    swings = [swing for swing in swings if abs(swing.high - swing.low) >= 1e-9]
    if not swings:
        idle.append("every input is fixed in this scenario")
    labels = ["input at its 5th percentile (or never renewed)", "input at its 95th percentile (or always renewed)",
              f"central projection: {MoneyFormatter()(central)}"]
    note = f"Each bar sets one input to its 5th and its 95th percentile, the others central [USD bn in {year}]."
    note += f" No effect: {', '.join(idle)}." if idle else ""
    layout = frame(f"What moves the {variable_label} in {year}: {scenario.title}", scenario.start, scenario.end,
                   panel_height=0.42 * max(len(swings), 1) + 0.5, dates=False, legend_rows=legend_rows(labels), left_margin=3.3, note=note)
    ax = layout.axes[0]
    rows = np.arange(len(swings))[::-1]
    for row, swing in zip(rows, swings, strict=True):
        ax.barh(row, swing.low - central, left=central, height=0.6, color="#2166ac", label=labels[0] if row == rows[0] else None)
        ax.barh(row, swing.high - central, left=central, height=0.6, color="#e08214", label=labels[1] if row == rows[0] else None)
    ax.axvline(central, color="black", linewidth=1, label=labels[2])
    ax.set_yticks(rows, [plain(f"{swing.name} ({swing.low_input} … {swing.high_input})") for swing in swings], fontsize=8)
    ax.set_ylim(-0.6, max(len(swings), 1) - 0.4)
    reach = max([abs(value - central) for swing in swings for value in (swing.low, swing.high)] + [1.0])
    ax.set_xlim(central - 1.1 * reach, central + 1.1 * reach)  # centred, so the central line is never on the edge
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.set_major_formatter(MoneyFormatter())
    ax.set_xlabel(f"{variable_label} in {year} [USD bn]", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    legend_below(layout)
    source_note(layout, "Model projection; parameter ranges from seeds/parameters.yaml (low/high as 5th/95th percentiles) or the scenario")
    return layout.figure
