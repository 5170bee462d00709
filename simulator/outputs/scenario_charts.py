"""Charts of one scenario, as matplotlib Figures: tariffs, trade, balance, revenue, backtest, fan and tornado.

Each takes the scenario's :class:`~simulator.outputs.chart_inputs.ScenarioChartInputs` and is
listed once in the chart registry (:mod:`simulator.outputs.charts`). Object-oriented API only
(no pyplot state). Every chart has a title, dated axis, axes with units, event markers, a legend
and a source line, each in a band of its own (:mod:`simulator.outputs.layout`).
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure

from simulator.inputs.authorities import AUTHORITIES, authorities_of
from simulator.inputs.parameters import PARAMETERS
from simulator.inputs.scenario import DIRECTIONS
from simulator.model.projection import point_parameters
from simulator.model.timeline import certain_renewals, renewal_decisions, windows, with_certain_renewals
from simulator.outputs.chart_inputs import ScenarioChartInputs
from simulator.outputs.chart_parts import (
    AUTHORITY_COLOURS,
    DIRECTION_NAMES,
    FLOW_COLOURS,
    MODEL_SOURCE,
    data_end,
    finish_monthly,
    observed_months,
    rolling_year,
    scenario_events,
    step_line,
    whole_month_values,
    whole_months,
)
from simulator.outputs.layout import (
    WIDTH,
    MoneyFormatter,
    date_axis,
    frame,
    legend_below,
    legend_rows,
    mark_events,
    percent_axis,
    source_note,
    subtitle,
)
from simulator.outputs.provenance import draws_note
from simulator.outputs.text import MINUS, TEXT_SIZE, money, plain, text_width, unit_marks
from simulator.uncertainty.renewals import raises
from simulator.uncertainty.scores import BENCHMARKS, FLOWS, FULL, HORIZONS, coverage, scores

# ---------------------------------------------------------------- one scenario


def tariff_chart(inputs: ScenarioChartInputs) -> Figure:
    """Step chart of both directions' headline and effective additional tariffs [%], truce windows shaded."""
    scenario, paths = inputs.scenario, inputs.paths
    drawn = with_certain_renewals(scenario)  # a truce renewed for certain is shaded as long as it runs
    shaded = [
        (window, raises(measure, window, drawn.tariffs[direction]))
        for direction in DIRECTIONS
        for measure in drawn.tariffs[direction].measures.values()
        for window in windows(measure, drawn.tariffs[direction])
    ]
    spans = merged_spans([(window.start, window.end) for window, _ in shaded])
    kinds = {raised for _, raised in shaded}
    kind = {
        frozenset({False}): "suspension window (truce)",
        frozenset({True}): "temporary duty window",
    }.get(frozenset(kinds), "window with a set end (a truce or a temporary duty)")
    labels = [
        f"{DIRECTION_NAMES[d]}: {kind}"
        for d in DIRECTIONS
        for kind in ("headline add-on", "effective add-on (coverage-weighted)")
    ]
    labels += [f"{kind} of either side; overlapping windows shown as one"] if spans else []
    policy = "; ".join(decision.describe() for decision in renewal_decisions(scenario))
    certain = certain_renewals(scenario)
    written = "The path as written" + (", with each truce renewed for certain running on renewed" if certain else "")
    note = f"{written}. In Monte Carlo draws {policy}." if policy else (f"{written}." if certain else "")
    layout = frame(
        f"Additional tariffs: {scenario.title}",
        scenario.start,
        scenario.end,
        events=scenario_events(inputs),
        legend_rows=legend_rows(labels),
        note=note,
    )
    ax = layout.axes[0]
    for direction in DIRECTIONS:
        colour = FLOW_COLOURS["imports" if direction == "us_on_china" else "exports"]
        step_line(
            ax,
            paths.days,
            paths.headline[direction],
            color=colour,
            linewidth=2.0,
            label=f"{DIRECTION_NAMES[direction]}: headline add-on",
        )
        step_line(
            ax,
            paths.days,
            paths.effective[direction],
            color=colour,
            linewidth=1.2,
            linestyle="--",
            label=f"{DIRECTION_NAMES[direction]}: effective add-on (coverage-weighted)",
        )
    for index, (start, end) in enumerate(spans):
        ax.axvspan(
            mdates.date2num(np.datetime64(start)),
            mdates.date2num(np.datetime64(end)),
            color="#999999",
            alpha=0.15,
            linewidth=0,
            label=None if index else labels[-1],
            zorder=0,
        )
    date_axis(ax, scenario.start, scenario.end)
    peak = max(float(np.max(paths.headline[d])) for d in DIRECTIONS)
    ax.set_ylim(0, max(10.0, peak * 1.1))
    percent_axis(ax, "Additional tariff over the pre-2025 base [%]")
    mark_events(layout)
    legend_below(layout)
    source_note(
        layout,
        "Sources: official texts, news reports and the shares of trade each measure covers, listed in the report's "
        "notes",
    )
    return layout.figure


def merged_spans(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Date spans with overlapping or touching ones joined, in order: windows of both sides that overlap would
    otherwise shade darker with nothing to say why."""
    joined: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1] + dt.timedelta(days=1):
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def trade_chart(inputs: ScenarioChartInputs) -> Figure:
    """Monthly US imports from and exports to China against the no-2025-tariff counterfactual [USD bn/month]."""
    result = inputs.result
    scenario = result.scenario
    months, values = whole_month_values(result)
    lines = [
        ("us_imports_from_china", "US imports from China", "imports", "-", 2.0),
        ("us_imports_counterfactual", "imports without the 2025 tariffs", "imports", "--", 1.0),
        ("us_exports_to_china", "US exports to China", "exports", "-", 2.0),
        ("us_exports_counterfactual", "exports without the 2025 tariffs", "exports", "--", 1.0),
    ]
    seen_at, seen = observed_months(result, inputs.observed)
    census = ["US imports from China, Census", "US exports to China, Census"] if len(seen.months) else []
    layout = frame(
        f"US goods trade with China: {scenario.title}",
        scenario.start,
        scenario.end,
        events=scenario_events(inputs) + data_end(result, inputs.observed),
        legend_rows=legend_rows([line[1] for line in lines] + census),
    )
    ax = layout.axes[0]
    for name, label, flow, style, width in lines:
        ax.plot(months, values[name], color=FLOW_COLOURS[flow], linestyle=style, linewidth=width, label=label)
    if census:
        for actual, flow, label in ((seen.imports, "imports", census[0]), (seen.exports, "exports", census[1])):
            ax.plot(
                seen_at,
                actual,
                "o",
                color="black",
                markerfacecolor=FLOW_COLOURS[flow],
                markersize=4,
                markeredgewidth=0.6,
                label=label,
                zorder=4,
            )
    ax.fill_between(
        months,
        values["us_imports_from_china"],
        values["us_imports_counterfactual"],
        color=FLOW_COLOURS["imports"],
        alpha=0.08,
    )
    finish_monthly(layout, MODEL_SOURCE)
    return layout.figure


def diversion_chart(inputs: ScenarioChartInputs) -> Figure:
    """US imports lost from China against the path without the 2025 tariffs, and the part bought from other
    suppliers instead [USD bn/month]."""
    result = inputs.result
    scenario = result.scenario
    months, values = whole_month_values(result)
    lost = values["us_imports_counterfactual"] - values["us_imports_from_china"]
    diverted = values["us_imports_diverted_to_third_countries"]
    labels = [
        "US imports lost from China (path without the 2025 tariffs minus imports)",
        "bought from other suppliers instead (diverted)",
        "not replaced",
    ]
    layout = frame(
        f"Trade diverted to other suppliers: {scenario.title}",
        scenario.start,
        scenario.end,
        events=scenario_events(inputs),
        legend_rows=legend_rows(labels),
        note="Imports the tariffs keep out of the US from China, and the share of them US buyers get from other "
        "countries instead; the rest is not bought at all.",
    )
    ax = layout.axes[0]
    ax.fill_between(months, 0, diverted, color="#1a9850", alpha=0.55, linewidth=0, label=labels[1])
    ax.fill_between(months, diverted, lost, color=FLOW_COLOURS["imports"], alpha=0.18, linewidth=0, label=labels[2])
    ax.plot(months, lost, color=FLOW_COLOURS["imports"], linewidth=2, label=labels[0])
    ax.axhline(0, color="black", linewidth=0.6)
    finish_monthly(layout, MODEL_SOURCE, floor=None)
    return layout.figure


def balance_chart(inputs: ScenarioChartInputs) -> Figure:
    """Monthly balance and its 12-month rolling sum against the 2024 balance [USD bn]."""
    result, reference_balance = inputs.result, inputs.reference_balance
    scenario = result.scenario
    months, values = whole_month_values(result)
    balance = values["us_trade_balance_with_china"]
    reference = f"2024 balance: −\\${abs(reference_balance):,.1f}bn"
    seen_at, seen = observed_months(result, inputs.observed)
    labels = ["monthly US balance with China (deficit red)", "12-month rolling sum", reference]
    labels += ["Census months", "12-month sum of Census months"] if len(seen.months) else []
    layout = frame(
        f"US goods balance with China (exports − imports): {scenario.title}",
        scenario.start,
        scenario.end,
        events=scenario_events(inputs) + data_end(result, inputs.observed),
        rows=2,
        panel_height=2.6,
        subtitles=True,
        legend_rows=legend_rows(labels),
    )
    top, bottom = layout.axes
    top.bar(
        months + 14, balance, width=25, color=np.where(balance < 0, FLOW_COLOURS["imports"], "#1a9850"), label=labels[0]
    )
    top.axhline(0, color="black", linewidth=0.6)
    bottom.plot(months, rolling_year(balance), color="#762a83", linewidth=2, label=labels[1])
    bottom.axhline(reference_balance, color="#555555", linestyle="--", linewidth=1, label=reference)
    if len(seen.months):
        top.plot(seen_at + 14, seen.balance, "o", color="black", markersize=3.5, label=labels[3], zorder=4)
        bottom.plot(seen_at, rolling_year(seen.balance), "o", color="black", markersize=3.5, label=labels[4], zorder=4)
    subtitle(layout, top, "Each month [USD bn/month]")
    subtitle(layout, bottom, "Sum of the last twelve months [USD bn per 12 months]")
    finish_monthly(
        layout,
        f"Sources: US Census Bureau (2024 balance {money(reference_balance)}, "
        "reported as about $295bn in the press); model projection",
        floor=None,
    )
    bottom.yaxis.label.set_text("[USD bn per 12 months]")
    return layout.figure


def revenue_chart(inputs: ScenarioChartInputs) -> Figure:
    """Monthly duties in both directions: at statutory rates and as collected, and US refunds [USD bn/month]."""
    result = inputs.result
    scenario = result.scenario
    months, values = whole_month_values(result)
    refunds = values["us_tariff_refunds_to_importers"]
    labels = ["duties collected", "duties at statutory rates (before exemptions and timing)"]
    labels += ["refunds paid to importers"] if np.any(refunds) else []
    layout = frame(
        f"Tariff revenue: {scenario.title}",
        scenario.start,
        scenario.end,
        events=scenario_events(inputs),
        rows=2,
        panel_height=2.6,
        subtitles=True,
        legend_rows=legend_rows(labels),
    )
    top, bottom = layout.axes
    for ax, prefix, target, colour in (
        (top, "us", "from_china", FLOW_COLOURS["imports"]),
        (bottom, "china", "from_us", FLOW_COLOURS["exports"]),
    ):
        ax.plot(months, values[f"{prefix}_tariff_revenue_{target}"], color=colour, linewidth=2, label=labels[0])
        ax.plot(
            months,
            values[f"{prefix}_statutory_tariff_revenue_{target}"],
            color=colour,
            linewidth=1,
            linestyle="--",
            label=labels[1],
        )
    if np.any(refunds):
        top.plot(months, refunds, color="#1a9850", linewidth=1.5, linestyle=":", label=labels[2])
    subtitle(layout, top, "US duties on goods from China [USD bn/month]")
    subtitle(layout, bottom, "China's duties on goods from the US [USD bn/month]")
    finish_monthly(
        layout,
        "Model: effective rate × projected customs value; collected after in-transit relief, a collection share and "
        "payment about a month after entry (US); refunds as booked by the scenario",
    )
    return layout.figure


def revenue_by_authority_chart(inputs: ScenarioChartInputs) -> Figure:
    """US duties collected on goods from China, stacked by legal authority, and refunds below zero [USD bn/month]."""
    result = inputs.result
    scenario = result.scenario
    months, values = whole_month_values(result)
    parts = [("base", "tariffs in force before 2025 (the 2018–19 Section 301 lists among them)")]
    parts += [(name, AUTHORITIES[name].label) for name in authorities_of("us_on_china")]
    parts = [(name, label) for name, label in parts if np.any(values[f"us_tariff_revenue_from_china_{name}"])]
    refunds = values["us_tariff_refunds_to_importers"]
    labels = [label for _, label in parts] + (["refunds paid to importers"] if np.any(refunds) else [])
    layout = frame(
        f"US duties on goods from China by legal authority: {scenario.title}",
        scenario.start,
        scenario.end,
        events=scenario_events(inputs),
        legend_rows=legend_rows(labels),
    )
    ax = layout.axes[0]
    stacked = [values[f"us_tariff_revenue_from_china_{name}"] for name, _ in parts]
    if stacked:
        ax.stackplot(
            months,
            *stacked,
            labels=[label for _, label in parts],
            colors=AUTHORITY_COLOURS[: len(parts)],
            alpha=0.85,
            linewidth=0,
        )
    elif not np.any(refunds):  # no duty at all (a scenario without tariffs, or none collected): said, not left blank
        ax.text(
            0.5,
            0.5,
            "No US duties are collected on goods from China in this scenario",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=TEXT_SIZE,
            color="#444444",
            bbox={"facecolor": "white", "edgecolor": "none"},
        )
        ax.set_ylim(0, 1)
    if np.any(refunds):
        ax.fill_between(months, -refunds, 0, color="#1a9850", alpha=0.6, linewidth=0, label=labels[-1])
        ax.axhline(0, color="black", linewidth=0.6)
    finish_monthly(
        layout, "Model: duties collected by the authority of each measure, as the Treasury receives them", floor=None
    )
    return layout.figure


def backtest_chart(inputs: ScenarioChartInputs) -> Figure:
    """Observed months against the model and the counterfactual, imports and exports [USD bn/month]."""
    result, test = inputs.result, inputs.backtest
    if test is None:
        raise ValueError("the horizon holds no observed month after the calibration year to backtest against")
    scenario = result.scenario
    history = inputs.observed
    start = dt.date(2024, 1, 1)
    stop = (test.months[-1] + np.timedelta64(7, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    end = min(stop.astype(dt.date), scenario.end)
    labels = ["actual (Census)", "model", "path without the 2025 tariffs", "months compared"]
    layout = frame(
        f"This scenario against the Census months: {scenario.title}",
        start,
        end,
        columns=2,
        subtitles=True,
        legend_rows=legend_rows(labels),
    )
    months, values = whole_month_values(result)
    keep = months <= mdates.date2num(np.datetime64(end))
    for ax, flow, actual in (
        (layout.axes[0], "imports", history.imports),
        (layout.axes[1], "exports", history.exports),
    ):
        name = "us_imports_from_china" if flow == "imports" else "us_exports_to_china"
        colour = FLOW_COLOURS[flow]
        ax.plot(
            mdates.date2num(history.months.astype("datetime64[D]")),
            actual,
            "o-",
            color="black",
            markersize=3.5,
            linewidth=1.2,
            label=labels[0],
        )
        ax.plot(months[keep], values[name][keep], color=colour, linewidth=2, label=labels[1])
        ax.plot(
            months[keep],
            values[f"us_{flow}_counterfactual"][keep],
            color=colour,
            linestyle="--",
            linewidth=1,
            label=labels[2],
        )
        ax.axvspan(
            mdates.date2num(np.datetime64("2025-01-01")),
            mdates.date2num((test.months[-1] + 1).astype("datetime64[D]")),
            color="#999999",
            alpha=0.15,
            linewidth=0,
            label=labels[3],
        )
        subtitle(layout, ax, f"US {flow} {'from' if flow == 'imports' else 'to'} China")
    finish_monthly(
        layout, "Sources: US Census Bureau, trade in goods with China (not seasonally adjusted); model projection"
    )
    return layout.figure


def skill_chart(inputs: ScenarioChartInputs) -> Figure:
    """Out-of-sample error of the model by months ahead against the two naive forecasts, imports and exports [%]."""
    if inputs.skill is None:
        raise ValueError("the skill chart needs a current out-of-sample backtest (simulate backtest)")
    forecasts = list(inputs.skill)
    found = scores(forecasts)
    origins = sorted({row.origin for row in forecasts})
    labels = [
        "model, estimated on the months before",
        "last month's value",
        "same month a year earlier × latest change",
    ]
    first, last = (dt.datetime.strptime(origin, "%Y-%m").strftime("%B %Y") for origin in (origins[0], origins[-1]))
    note = (
        f"Each month from {first} to {last} the model was estimated on the record up to then and run "
        "forward with the tariffs that followed; the error is the mean absolute gap to the Census month. Its 90% "
        f"ranges held {coverage(forecasts, 90):.0f}% of those forecasts, its 50% ranges {coverage(forecasts, 50):.0f}%."
    )
    layout = frame(
        "How well the model forecast months it had not seen",
        inputs.scenario.start,
        inputs.scenario.end,
        columns=2,
        subtitles=True,
        dates=False,
        legend_rows=legend_rows(labels),
        note=note,
    )
    for ax, flow in zip(layout.axes, FLOWS, strict=True):
        reach = 0.0
        for name, label, style in (
            (FULL, labels[0], {"color": FLOW_COLOURS[flow], "linewidth": 2, "marker": "o"}),
            (BENCHMARKS[0], labels[1], {"color": "#555555", "linestyle": "--", "marker": "s", "markersize": 4}),
            (BENCHMARKS[1], labels[2], {"color": "#999999", "linestyle": ":", "marker": "^", "markersize": 4}),
        ):
            rows = [score for score in found if score.variant == name and score.flow == flow]
            ax.plot([row.horizon for row in rows], [row.mape for row in rows], label=label, **style)
            reach = max([reach, *(row.mape for row in rows)])
        ax.set_xticks(range(1, HORIZONS + 1))
        ax.set_xlabel("months ahead", fontsize=8)
        ax.set_ylim(0, reach * 1.15)
        ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0f}%")
        ax.tick_params(labelsize=8)
        ax.grid(True, axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        subtitle(layout, ax, f"US {flow} {'from' if flow == 'imports' else 'to'} China: mean error")
    legend_below(layout)
    source_note(layout, "Sources: US Census Bureau, trade in goods with China; model estimated month by month")
    return layout.figure


# ---------------------------------------------------------------- uncertainty


FAN_LEVELS = (5, 25, 50, 75, 95)
"""The quantiles of the draws a fan chart draws [%]: the 90% and 50% bands and the median."""


def fan_chart(inputs: ScenarioChartInputs) -> Figure:
    """Monthly imports and balance: median, 50% and 90% bands over the draws, point projection [USD bn/month]."""
    result = inputs.result
    scenario = result.scenario
    stamps, quantiles = result.periods["monthly"]
    keep = whole_months(stamps, result.days)
    months = mdates.date2num(stamps[keep].astype("datetime64[D]"))
    quantiles = {name: values[:, keep] for name, values in quantiles.items()}
    point_months, point = whole_month_values(result)
    levels = list(result.quantiles)
    labels = [
        "median of the draws",
        "50% of draws (25th–75th percentile)",
        "90% of draws (5th–95th percentile)",
        "point projection",
    ]
    # the record beside the bands: a reader sees at once whether the draws bracket what was measured
    seen_at, seen = observed_months(result, inputs.observed)
    labels += ["Census months"] if len(seen.months) else []
    layout = frame(
        f"Uncertainty: {scenario.title}",
        scenario.start,
        scenario.end,
        events=scenario_events(inputs) + data_end(result, inputs.observed),
        rows=2,
        panel_height=2.6,
        subtitles=True,
        legend_rows=legend_rows(labels),
        note=draws_note(result),
    )
    panels = (
        ("us_imports_from_china", "US imports from China [USD bn/month]", FLOW_COLOURS["imports"]),
        ("us_trade_balance_with_china", "US balance with China (exports − imports) [USD bn/month]", "#762a83"),
    )
    for ax, (variable, text, colour) in zip(layout.axes, panels, strict=True):
        values = quantiles[variable]
        first = ax is layout.axes[0]  # the legend explains the shades once, in grey, for both panels
        ax.fill_between(
            months, values[levels.index(5)], values[levels.index(95)], color=colour, alpha=0.15, linewidth=0
        )
        ax.fill_between(
            months, values[levels.index(25)], values[levels.index(75)], color=colour, alpha=0.3, linewidth=0
        )
        ax.plot(months, values[levels.index(50)], color=colour, linewidth=2)
        if first:
            ax.fill_between([], [], [], color="#777777", alpha=0.15, linewidth=0, label=labels[2])
            ax.fill_between([], [], [], color="#777777", alpha=0.4, linewidth=0, label=labels[1])
            ax.plot([], [], color="#555555", linewidth=2, label=labels[0])
        ax.plot(point_months, point[variable], color="black", linewidth=1, linestyle="--", label=labels[3])
        if len(seen.months):
            actual = seen.imports if variable == "us_imports_from_china" else seen.balance
            ax.plot(seen_at, actual, "o", color="black", markersize=3.5, label=labels[4] if first else None, zorder=4)
        subtitle(layout, ax, text)
    outcome = result.uncertainty
    drawn = [
        part for part, present in (("parameters", outcome.drawn), ("truce renewals", outcome.decisions)) if present
    ]
    finish_monthly(
        layout,
        f"Model projection over Monte Carlo draws of {' and '.join(drawn) or 'nothing uncertain'}; "
        "ranges as the model's documentation gives them, unless the scenario sets its own",
        floor=None,
    )
    return layout.figure


def input_centres(scenario) -> dict[str, tuple[str, str]]:
    """Each parameter's label → (its central value as shown, the unit suffix), for the tornado's labels."""
    central = point_parameters(scenario)
    found = {}
    for name, spec in PARAMETERS.items():
        if name not in central:
            continue
        sign, suffix = unit_marks(spec.unit)
        value = central[name] * (100.0 if sign else 1.0)
        found[spec.label] = (f"{value:.3g}{sign}".replace("-", MINUS), suffix)
    return found


def swing_label(swing, centres: dict[str, tuple[str, str]]) -> str:
    """'pass-through: 60% … 98.7%/yr, central 100%': the input's range with its unit, and where its centre is."""
    centre, suffix = centres.get(swing.name, ("", ""))
    text = f"{swing.name}: {swing.low_input}{suffix} … {swing.high_input}{suffix}"
    return text + (f", central {centre}{suffix}" if centre else "")


def tornado_chart(inputs: ScenarioChartInputs, variable_label: str = "US balance with China") -> Figure:
    """Each input's swing of an annual output around its central value [USD bn/year], largest first.

    Inputs that do not move the output (such as the diversion share, which is reported beside
    the balance) are left out and named in the note.
    """
    scenario, swings = inputs.scenario, inputs.tornado
    if swings is None:
        raise ValueError("a tornado chart needs Monte Carlo draws and a horizon with a whole calendar year")
    central, year, swings = swings.central, swings.year, list(swings.swings)
    idle = [swing.name for swing in swings if abs(swing.high - swing.low) < 1e-9]
    swings = [swing for swing in swings if abs(swing.high - swing.low) >= 1e-9]
    if not swings:
        idle.append("every input is fixed in this scenario")
    labels = [
        "input at its 5th percentile (or never renewed)",
        "input at its 95th percentile (or always renewed)",
        f"central projection: {MoneyFormatter()(central)}",
    ]
    note = f"Each bar sets one input to its 5th and its 95th percentile, the others central [USD bn in {year}]."
    note += f" No effect: {', '.join(idle)}." if idle else ""
    centres = input_centres(scenario)
    names = [plain(swing_label(swing, centres)) for swing in swings]
    widest = max([text_width(name, 8) for name in names] + [0.0]) / 72
    layout = frame(
        f"What moves the {variable_label} in {year}: {scenario.title}",
        scenario.start,
        scenario.end,
        panel_height=0.42 * max(len(swings), 1) + 0.5,
        dates=False,
        legend_rows=legend_rows(labels),
        left_margin=min(max(3.3, widest + 0.35), 5.5),  # room for the longest input label
        note=note,
    )
    ax = layout.axes[0]
    rows = np.arange(len(swings))[::-1]
    for row, swing in zip(rows, swings, strict=True):
        ax.barh(
            row,
            swing.low - central,
            left=central,
            height=0.6,
            color="#2166ac",
            label=labels[0] if row == rows[0] else None,
        )
        ax.barh(
            row,
            swing.high - central,
            left=central,
            height=0.6,
            color="#e08214",
            label=labels[1] if row == rows[0] else None,
        )
    ax.axvline(central, color="black", linewidth=1, label=labels[2])
    ax.set_yticks(rows, names, fontsize=8)
    ax.set_ylim(-0.6, max(len(swings), 1) - 0.4)
    reach = max([abs(value - central) for swing in swings for value in (swing.low, swing.high)] + [1.0])
    ax.set_xlim(central - 1.1 * reach, central + 1.1 * reach)  # centred, so the central line is never on the edge
    box = ax.get_position()  # room on the right for half a tick label at the edge
    ax.set_position((box.x0, box.y0, box.width - 0.35 / WIDTH, box.height))
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.set_major_formatter(MoneyFormatter())
    ax.set_xlabel(f"{variable_label} in {year} [USD bn]", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    legend_below(layout)
    source_note(
        layout,
        "Model projection; each input's range as the model's documentation gives it (low and high as 5th and 95th "
        "percentiles), unless the scenario sets its own",
    )
    return layout.figure
