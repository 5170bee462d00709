"""Charts as matplotlib Figures (object-oriented API, no pyplot state).

Every chart has a title, axes with units, a legend and a source line. Functions return
a :class:`~matplotlib.figure.Figure`; :func:`save` writes it deterministically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure

from simulator.scenario import DIRECTIONS, Scenario
from simulator.timeline import TariffPaths, windows

matplotlib.rcParams["svg.hashsalt"] = "tariff-scenarios"

DIRECTION_NAMES = {"us_on_china": "US tariff on Chinese goods", "china_on_us": "China's tariff on US goods"}
DIRECTION_COLOURS = {"us_on_china": "#b2182b", "china_on_us": "#2166ac"}
SOURCE_LINE = "Sources: seeds/facts.yaml (official texts, PIIE, Census); model: tariff-scenarios"


def new_figure(width: float = 10.0, height: float = 5.8) -> tuple[Figure, object]:
    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return figure, figure.add_subplot()


def date_axis(ax, start: dt.date, end: dt.date) -> None:
    """Readable dates: quarters labelled 'Apr 2025', no overlap."""
    ax.set_xlim(np.datetime64(start), np.datetime64(end) + np.timedelta64(1, "D"))
    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, axis="y", alpha=0.3)


def plain(text: str) -> str:
    """Text shown as written: a '$' in a title must not switch matplotlib into math mode."""
    return text.replace("$", r"\$")


def source_note(figure: Figure, text: str = SOURCE_LINE) -> None:
    # supxlabel takes part in the constrained layout, so it never overlaps the axis labels
    figure.supxlabel(plain(text), fontsize=7, color="#555555", x=0.01, ha="left")


def legend_below(figure: Figure, ax, columns: int = 2) -> None:
    """The legend under the plot, outside the data and the event labels."""
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.07), ncols=columns, fontsize=7, frameon=False)


def mark_events(ax, scenario: Scenario) -> None:
    """Vertical lines at the scenario's events, labels staggered so they do not overlap."""
    inside = [event for event in scenario.events if scenario.start <= event.date <= scenario.end]
    top = ax.get_ylim()[1]
    for index, event in enumerate(inside):
        ax.axvline(np.datetime64(event.date), color="#444444", linewidth=0.8, linestyle=":", zorder=1)
        ax.annotate(
            plain(event.label),
            xy=(np.datetime64(event.date), top),
            xytext=(3, -10 - 11 * (index % 4)),
            textcoords="offset points",
            fontsize=7,
            color="#333333",
            ha="left",
            va="top",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )


def _step(ax, days: np.ndarray, values: np.ndarray, **style) -> None:
    # where="post" draws the last step with zero width unless the horizon end is appended
    x = np.append(days, days[-1] + np.timedelta64(1, "D"))
    y = np.append(values, values[-1])
    ax.step(x, y, where="post", **style)


def tariff_chart(scenario: Scenario, paths: TariffPaths) -> Figure:
    """Step chart of both directions' headline and effective additional tariffs [%]."""
    figure, ax = new_figure()
    for direction in DIRECTIONS:
        colour = DIRECTION_COLOURS[direction]
        name = DIRECTION_NAMES[direction]
        _step(ax, paths.days, paths.headline[direction], color=colour, linewidth=2.0, label=f"{name}: headline add-on")
        _step(
            ax, paths.days, paths.effective[direction], color=colour, linewidth=1.2, linestyle="--",
            label=f"{name}: effective add-on (coverage-weighted)",
        )
        shaded = False
        for measure in scenario.tariffs[direction].measures.values():
            for window in windows(measure):
                ax.axvspan(
                    np.datetime64(window.start), np.datetime64(window.end), color=colour, alpha=0.08,
                    label=None if shaded else f"{name}: suspension window", zorder=0,
                )
                shaded = True
    date_axis(ax, scenario.start, scenario.end)
    peak = max(float(np.max(paths.headline[d])) for d in DIRECTIONS)
    ax.set_ylim(0, max(10.0, peak * 1.3))
    ax.set_ylabel("Additional tariff on top of the pre-2025 base [%]")
    ax.set_title(f"Additional tariffs: {plain(scenario.title)}", fontsize=11, loc="left")
    mark_events(ax, scenario)
    legend_below(figure, ax)
    source_note(figure)
    return figure


def save(figure: Figure, path: Path) -> None:
    """Write a figure as PNG or SVG with fixed metadata, so reruns give identical files."""
    metadata = {"Software": None} if path.suffix == ".png" else {"Date": None, "Creator": None}
    figure.savefig(path, metadata=metadata)


def _months(result):
    stamps, values = result.aggregate("monthly")
    return stamps.astype("datetime64[D]"), values


def _bn(ax, unit: str = "USD bn/month") -> None:
    import matplotlib.ticker as ticker

    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{'−' if value < 0 else ''}\\${abs(value):,.0f}bn"))
    ax.set_ylabel(f"[{unit}]")


def trade_chart(result) -> Figure:
    """Monthly US imports from and exports to China against the no-2025-tariff counterfactual."""
    scenario = result.scenario
    months, values = _months(result)
    figure, ax = new_figure()
    ax.plot(months, values["us_imports_from_china"], color="#b2182b", linewidth=2, label="US imports from China")
    ax.plot(months, values["us_imports_counterfactual"], color="#b2182b", linewidth=1, linestyle="--", label="imports without 2025 tariffs")
    ax.plot(months, values["us_exports_to_china"], color="#2166ac", linewidth=2, label="US exports to China")
    ax.plot(months, values["us_exports_counterfactual"], color="#2166ac", linewidth=1, linestyle="--", label="exports without 2025 tariffs")
    ax.fill_between(months, values["us_imports_from_china"], values["us_imports_counterfactual"], color="#b2182b", alpha=0.08)
    _finish_monthly(figure, ax, scenario, "US goods trade with China",
                    "Sources: US Census Bureau (2024 months, calibration); model projection, see docs/model.md")
    return figure


def _finish_monthly(figure: Figure, ax, scenario: Scenario, title: str, source: str) -> None:
    """Dates, a $bn axis from zero, title, events, legend and source line of a monthly chart."""
    date_axis(ax, scenario.start, scenario.end)
    ax.set_ylim(0, None)
    _bn(ax)
    ax.set_title(f"{title}: {plain(scenario.title)}", fontsize=11, loc="left")
    mark_events(ax, scenario)
    legend_below(figure, ax)
    source_note(figure, source)


def balance_chart(result, reference_balance: float) -> Figure:
    """Monthly balance and its 12-month rolling sum against the 2024 balance [USD bn]."""
    scenario = result.scenario
    months, values = _months(result)
    balance = values["us_trade_balance_with_china"]
    rolling = np.convolve(balance, np.ones(12), mode="full")[: len(balance)]
    rolling[:11] = np.nan  # a rolling year needs twelve months
    figure = Figure(figsize=(10, 7), dpi=110, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    top.bar(months + np.timedelta64(14, "D"), balance, width=25, color=np.where(balance < 0, "#b2182b", "#1a9850"), label="monthly US balance with China")
    top.axhline(0, color="black", linewidth=0.6)
    _bn(top)
    top.set_title(f"US goods balance with China (exports − imports): {plain(scenario.title)}", fontsize=11, loc="left")
    bottom.plot(months, rolling, color="#762a83", linewidth=2, label="12-month rolling sum")
    bottom.axhline(reference_balance, color="#555555", linestyle="--", linewidth=1, label=f"2024 balance: −\\${abs(reference_balance):,.1f}bn")
    _bn(bottom, "USD bn per 12 months")
    for ax in (top, bottom):
        date_axis(ax, scenario.start, scenario.end)
        ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    mark_events(bottom, scenario)
    source_note(figure, f"Sources: US Census Bureau (2024 balance {reference_balance:,.1f} USD bn, reported in the seed articles as a $295bn deficit); model projection")
    return figure


def revenue_chart(result) -> Figure:
    """Monthly tariff revenue in both directions [USD bn/month]."""
    scenario = result.scenario
    months, values = _months(result)
    figure, ax = new_figure()
    ax.plot(months, values["us_tariff_revenue_from_china"], color="#b2182b", linewidth=2, label="US duties on imports from China")
    ax.plot(months, values["china_tariff_revenue_from_us"], color="#2166ac", linewidth=2, label="China's duties on imports from the US")
    _finish_monthly(figure, ax, scenario, "Tariff revenue (effective rate × customs value)",
                    "Model: base + effective additional rate times projected customs value; not seasonally adjusted")
    return figure


def backtest_chart(result, test) -> Figure:
    """Observed months against the model and the counterfactual, imports and exports."""
    scenario = result.scenario
    from simulator.history import observed

    history = observed()
    figure = Figure(figsize=(10, 6.4), dpi=110, layout="constrained")
    axes = figure.subplots(1, 2)
    start = np.datetime64("2024-01", "M")
    months_model, values = _months(result)
    stop = test.months[-1] + np.timedelta64(6, "M")
    keep = (months_model >= start.astype("datetime64[D]")) & (months_model <= stop.astype("datetime64[D]"))
    for ax, flow, actual, colour in (
        (axes[0], "imports", history.imports, "#b2182b"),
        (axes[1], "exports", history.exports, "#2166ac"),
    ):
        name = "us_imports_from_china" if flow == "imports" else "us_exports_to_china"
        ax.plot(history.months.astype("datetime64[D]"), actual, "o-", color="black", markersize=3.5, linewidth=1.2, label="actual (Census)")
        ax.plot(months_model[keep], values[name][keep], color=colour, linewidth=2, label="model")
        ax.plot(months_model[keep], values[f"us_{flow}_counterfactual"][keep], color=colour, linestyle="--", linewidth=1, label="counterfactual")
        ax.axvspan(np.datetime64("2025-01-01"), (test.months[-1] + 1).astype("datetime64[D]"), color="#999999", alpha=0.12, label="backtest months")
        date_axis(ax, start.astype("datetime64[D]").astype(object), stop.astype("datetime64[D]").astype(object))
        ax.set_ylim(0, None)
        _bn(ax)
        ax.set_title(f"US {flow} {'from' if flow == 'imports' else 'to'} China", fontsize=10, loc="left")
        ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    figure.suptitle(f"Backtest against 2025 months: {plain(scenario.title)}", fontsize=11, x=0.01, ha="left")
    source_note(figure, "Sources: US Census Bureau, Trade in Goods with China (not seasonally adjusted); model projection")
    return figure
