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


def source_note(figure: Figure, text: str = SOURCE_LINE) -> None:
    # supxlabel takes part in the constrained layout, so it never overlaps the axis labels
    figure.supxlabel(text, fontsize=7, color="#555555", x=0.01, ha="left")


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
            event.label,
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
    ax.set_title(f"Additional tariffs: {scenario.title}", fontsize=11, loc="left")
    mark_events(ax, scenario)
    legend_below(figure, ax)
    source_note(figure)
    return figure


def save(figure: Figure, path: Path) -> None:
    """Write a figure as PNG or SVG with fixed metadata, so reruns give identical files."""
    metadata = {"Software": None} if path.suffix == ".png" else {"Date": None, "Creator": None}
    figure.savefig(path, metadata=metadata)
