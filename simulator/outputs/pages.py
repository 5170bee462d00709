"""The report pages: ``index.html`` (self-contained) and ``summary.md`` for a scenario or a comparison.

Templates live in ``simulator/outputs/templates``. HTML is rendered with autoescaping, so every text
taken from a scenario or a source (title, description, labels, ids, notes) shows as text; charts are
inlined as ``data:`` URIs and the CSS sits in the page, so the file opens offline and can be e-mailed.
Every value a template prints is cleaned first (:func:`simulator.outputs.text.clean`: no control or
bidi-override characters); in Markdown, text is escaped (:func:`markdown_text`) or set in a code span
that it cannot leave (:func:`markdown_code`); a source's address becomes a link only if it is http(s)
(:func:`simulator.outputs.text.web_url`), otherwise it shows as text.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import numpy as np

from simulator.inputs.locations import seeds_dir
from simulator.inputs.parameters import PARAMETERS, default_parameters, outside_evidence
from simulator.inputs.trade_data import MONTHLY_FILE
from simulator.inputs.trade_data import read as read_trade_data
from simulator.model.observed import Observed
from simulator.model.result import Result
from simulator.model.tariff_paths import TariffPaths
from simulator.outputs.glance import Against, comparison_glance, scenario_glance
from simulator.outputs.key_numbers import COLUMNS, census_months, heading, year_heading
from simulator.outputs.provenance import (
    CALIBRATION_FACTS,
    Notes,
    all_facts,
    assumptions,
    day,
    differences,
    draws_note,
    in_force,
    inputs,
    leaning_on_prior,
    moment,
)
from simulator.outputs.tables import (
    MAIN_MEASURES,
    MORE_MEASURES,
    Row,
    Table,
    markdown_rows,
    measure_table,
    scenario_table,
    year_status,
)
from simulator.outputs.text import clean, listed, short_title, web_url
from simulator.outputs.text import number as format_number
from simulator.uncertainty.scores import BENCHMARKS, FULL, coverage, scores

KEY_COLUMNS = (
    "year",
    "imports",
    "exports",
    "balance",
    "us_revenue",
    "us_statutory_revenue",
    "us_refunds",
    "us_net_revenue",
    "china_revenue",
    "us_rate",
    "china_rate",
    "imports_change",
    "exports_change",
    "balance_change",
    "us_revenue_change",
    "us_net_revenue_change",
)
BACKTEST_COLUMNS = (
    "month",
    "imports_actual",
    "imports_model",
    "imports_error",
    "exports_actual",
    "exports_model",
    "exports_error",
)
BACKTEST_HEADINGS = {
    "month": "Month",
    "imports_actual": "Imports, Census",
    "imports_model": "Imports, model",
    "imports_error": "Error [%]",
    "exports_actual": "Exports, Census",
    "exports_model": "Exports, model",
    "exports_error": "Error [%]",
}


@dataclass(frozen=True)
class Picture:
    """A chart as the page shows it: file stem, caption, size [px], the folder that holds its files and their
    extensions (``svg`` first, inlined; ``png`` when asked for)."""

    name: str
    caption: str
    folder: Path
    width: int
    height: int
    formats: tuple[str, ...] = ("svg",)

    @property
    def uri(self) -> str:
        """The SVG as a data URI, read when the page is rendered (the chart may be drawn after the page's context is
        made, in the pass that also draws the chart book)."""
        svg = (self.folder / f"{self.name}.svg").read_bytes()
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    @property
    def files(self) -> list[str]:
        return [f"{self.name}.{extension}" for extension in self.formats]


def picture(folder: Path, name: str, caption: str, size: tuple[int, int], formats: Sequence[str] = ("svg",)) -> Picture:
    """A chart for the page: ``folder/name.svg`` inlined, and links to each of its files."""
    return Picture(name, caption, folder, *size, formats=tuple(formats))


def number(value: float, unit: str, signed: bool = False) -> str:
    """A value for a table: a count as a whole number, else one decimal, through the one formatter
    (:func:`simulator.outputs.text.number`: true minus sign, '+' on changes)."""
    if unit in ("", "days") and not (isinstance(value, float) and math.isnan(value)):
        return str(int(value))
    return format_number(value, 1, signed=signed)


def key_rows(table: dict[str, Any], scenario: str | None = None) -> list[dict[str, str]]:
    """Rows of formatted key numbers; a partial year shows its day count."""
    rows = []
    for index, year in enumerate(table["year"]):
        days = int(table["days"][index])
        full = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
        basis = year_status(int(table["status"][index]))
        row = {"year": f"{year}, {basis}" if days == full else f"{year} ({days} days), {basis}"}
        for column in KEY_COLUMNS[1:]:
            row[column] = number(float(table[column][index]), COLUMNS[column][1], signed=column.endswith("_change"))
        if scenario is not None:
            row["scenario"] = scenario
        rows.append(row)
    return rows


def headings() -> dict[str, str]:
    return {"scenario": "Scenario", **{column: heading(column) for column in COLUMNS}}


def backtest_rows(test) -> list[dict[str, str]]:
    rows = []
    for index, month in enumerate(test.months):
        rows.append(
            {
                "month": str(month),
                "imports_actual": number(float(test.imports_actual[index]), "USD bn"),
                "imports_model": number(float(test.imports_model[index]), "USD bn"),
                "imports_error": number(100 * float(test.imports_error[index]), "%", signed=True),
                "exports_actual": number(float(test.exports_actual[index]), "USD bn"),
                "exports_model": number(float(test.exports_model[index]), "USD bn"),
                "exports_error": number(100 * float(test.exports_error[index]), "%", signed=True),
            }
        )
    return rows


SKILL_COLUMNS = ("flow", "ahead", "scored", "model", "bias", "last_value", "seasonal", "range50", "range90")
SKILL_HEADINGS = {
    "flow": "Flow",
    "ahead": "Months ahead",
    "scored": "Months scored",
    "model": "Model error [%]",
    "bias": "Model bias [%]",
    "last_value": "Last value, error [%]",
    "seasonal": "Last year × change, error [%]",
    "range50": "Held by 50% range [% of months]",
    "range90": "Held by 90% range [% of months]",
}


def skill_rows(forecasts) -> list[dict[str, str]]:
    """The out-of-sample score per flow and months ahead: mean absolute error of the model and of the two naive
    forecasts, the model's mean signed error, and how often its ranges held the Census month [%]."""
    found = {(score.variant, score.flow, score.horizon): score for score in scores(list(forecasts))}
    rows = []
    for (variant, flow, horizon), score in found.items():
        if variant != FULL:
            continue
        naive = [found[(name, flow, horizon)] for name in BENCHMARKS]
        rows.append(
            {
                "flow": f"US {flow}",
                "ahead": str(horizon),
                "scored": str(score.count),
                "model": number(score.mape, "%"),
                "bias": number(score.bias, "%", signed=True),
                "last_value": number(naive[0].mape, "%"),
                "seasonal": number(naive[1].mape, "%"),
                "range50": number(score.coverage50, "%"),
                "range90": number(score.coverage90, "%"),
            }
        )
    return rows


def _coverage_judgement(held: float, nominal: int) -> str:
    """Whether ranges meant to hold ``nominal`` [%] of the forecasts held about that many: within 3 points is within
    the Monte Carlo error of about 130 correlated forecasts."""
    if abs(held - nominal) <= 3:
        return "about right"
    return (
        "too few: these ranges are narrower than they should be"
        if held < nominal
        else "too many: these ranges are wider than they should be"
    )


def skill_reading(forecasts) -> str:
    """The skill table in words: where the model beats both simple rules and where one of them does better, and
    whether the ranges held as many months as they should."""
    forecasts = list(forecasts)
    found = {(score.variant, score.flow, score.horizon): score for score in scores(forecasts)}
    sentences = []
    for flow in ("imports", "exports"):
        ahead = sorted(horizon for variant, name, horizon in found if variant == FULL and name == flow)
        if not ahead:
            continue
        model = {horizon: found[(FULL, flow, horizon)].mape for horizon in ahead}
        best = {horizon: min(BENCHMARKS, key=lambda rule: found[(rule, flow, horizon)].mape) for horizon in ahead}
        wins = [horizon for horizon in ahead if model[horizon] < found[(best[horizon], flow, horizon)].mape]
        losses = [horizon for horizon in ahead if horizon not in wins]
        text = (
            f"For US {flow} the model's error is below both rules' {_months(wins)} ahead"
            if wins
            else (f"For US {flow} one of the rules does better at every horizon")
        )
        if wins and losses:
            by_rule = {rule: [horizon for horizon in losses if best[horizon] == rule] for rule in BENCHMARKS}
            rules = {"last value": "last month's value", "seasonal naive": "last year's month scaled"}
            text += "; " + " and ".join(
                f"{rules[rule]} does better {_months(horizons)} ahead" for rule, horizons in by_rule.items() if horizons
            )
        sentences.append(text + ".")
    held90, held50 = coverage(forecasts, 90), coverage(forecasts, 50)
    if not math.isnan(held90):
        scored = [item for item in forecasts if item.variant == FULL and item.low50 is not None]
        months = len({item.month for item in scored})
        sentences.append(
            f"Over all {len(scored)} forecasts of the {months} months held out (each month's two flows, from up to "
            f"six origins), the 90% ranges held {format_number(held90, 0)}% ({_coverage_judgement(held90, 90)}) and "
            f"the 50% ranges {format_number(held50, 0)}% ({_coverage_judgement(held50, 50)})."
        )
    counts = [score.count for (variant, _, _), score in found.items() if variant == FULL]
    if counts:
        sentences.append(
            f"Each row rests on {min(counts)} to {max(counts)} months, so a few large misses move it a lot."
        )
    return " ".join(sentences)


def _months(horizons: list[int]) -> str:
    """'1 to 3 months', '3 and 4 months', '1, 2, 5 and 6 months', '1 month'."""
    runs: list[list[int]] = []
    for horizon in horizons:
        if runs and horizon == runs[-1][-1] + 1:
            runs[-1].append(horizon)
        else:
            runs.append([horizon])
    items = [item for run in runs for item in ([f"{run[0]} to {run[-1]}"] if len(run) > 2 else map(str, run))]
    return f"{listed(items)} month{'' if horizons == [1] else 's'}"


SPREAD_COLUMNS = ("year", "imports_5", "imports_50", "imports_95", "balance_5", "balance_50", "balance_95")
SPREAD_HEADINGS = {
    "year": "Year",
    "imports_5": "Imports, 5th pct",
    "imports_50": "Imports, median",
    "imports_95": "Imports, 95th pct",
    "balance_5": "Balance, 5th pct",
    "balance_50": "Balance, median",
    "balance_95": "Balance, 95th pct",
}


def spread_rows(result: Result, recorded: Collection[int] = ()) -> list[dict[str, str]]:
    """Per year: the 5th, 50th and 95th percentile of imports and of the balance over the draws [USD bn]; the
    ``recorded`` years (Census has published the whole year) are left out: the draws spread only the model's fit to
    them, which is no uncertainty about what happened."""
    stamps, values = result.periods["annual"]
    levels = list(result.quantiles)
    rows = []
    # a horizon of recorded years only keeps them all: the table would be empty
    recorded = () if all(int(str(period)[:4]) in recorded for period in stamps) else recorded
    for index, period in enumerate(stamps):
        if int(str(period)[:4]) in recorded:
            continue
        row = {"year": str(period)}
        for variable, short in (("us_imports_from_china", "imports"), ("us_trade_balance_with_china", "balance")):
            for level in (5, 50, 95):
                row[f"{short}_{level}"] = number(float(values[variable][levels.index(level), index]), "USD bn")
        rows.append(row)
    return rows


EFFECT_VARIABLES = (
    ("us_imports_from_china", "imports"),
    ("us_exports_to_china", "exports"),
    ("us_trade_balance_with_china", "balance"),
    ("us_net_tariff_revenue_from_china", "duties"),
)
"""The effects a what-if's page gives with their ranges, and the short names of their columns."""
EFFECT_COLUMNS = ("year", *(f"{short}_{part}" for _, short in EFFECT_VARIABLES for part in ("median", "range")))
EFFECT_HEADINGS = {
    "year": "Year",
    "imports_median": "Imports, median",
    "imports_range": "Imports, 90% range",
    "exports_median": "Exports, median",
    "exports_range": "Exports, 90% range",
    "balance_median": "Balance, median",
    "balance_range": "Balance, 90% range",
    "duties_median": "US net duties, median",
    "duties_range": "US net duties, 90% range",
}


ZERO_EFFECT = 1e-9
"""An effect this small [USD bn] is none: the sums of two grids of other lengths differ by rounding alone."""


def effect_rows(result: Result) -> list[dict[str, str]]:
    """Per year in which the what-if changes any of :data:`EFFECT_VARIABLES` in any draw: the median and the 5th to
    95th percentile of its effect over paired draws [USD bn]."""
    effects = result.uncertainty.effects if result.uncertainty is not None else None
    if effects is None:
        return []
    stamps, values = effects.periods["annual"]
    levels = list(result.quantiles)
    if not {5, 50, 95} <= set(levels):
        return []
    rows = []
    for index, period in enumerate(stamps):
        if all(np.abs(values[name][:, index]).max() <= ZERO_EFFECT for name, _ in EFFECT_VARIABLES):
            continue  # a year it changes none of these (a horizon's length leaves sums apart by 1e-14)
        row = {"year": year_label(period, result.days)}
        for name, short in EFFECT_VARIABLES:
            low, middle, high = (float(values[name][levels.index(level), index]) for level in (5, 50, 95))
            row[f"{short}_median"] = number(middle, "USD bn", signed=True)
            row[f"{short}_range"] = f"{number(low, 'USD bn', signed=True)} to {number(high, 'USD bn', signed=True)}"
        rows.append(row)
    return rows


EFFECT_LABELS = {"imports": "Imports", "exports": "Exports", "balance": "Balance", "duties": "US net duties"}
"""How the chart book's effect table names each of :data:`EFFECT_VARIABLES`."""
POINT_EFFECT_COLUMNS = ("year", *(short for _, short in EFFECT_VARIABLES))
POINT_EFFECT_HEADINGS = {"year": "Year", **EFFECT_LABELS}


def against_parent(result: Result | None, parent: Result | None) -> Against | None:
    """A what-if's point effect by year for its glance (None without a parent run over the same days)."""
    change = annual_change(result, parent) if result is not None and result.scenario.extended is not None else None
    if change is None:
        return None
    return Against(
        short_title(result.scenario.extended.title),  # type: ignore[union-attr]
        change[1]["us_imports_from_china"],
        change[1]["us_trade_balance_with_china"],
        change[1]["us_exports_to_china"],
    )


def annual_change(result: Result, parent: Result | None) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
    """Per calendar year, ``result``'s point projection less ``parent``'s [USD bn per year; rates in points]: the
    years and the change of each output (None without a parent over the same days)."""
    if parent is None:
        return None
    stamps, mine = result.aggregate("annual")
    theirs_stamps, theirs = parent.aggregate("annual")
    if not np.array_equal(stamps, theirs_stamps):  # not the same days: nothing to set against each other
        return None
    return stamps, {name: mine[name] - theirs[name] for name in mine}


def point_effect_rows(result: Result, parent: Result | None) -> list[dict[str, str]]:
    """Per year in which a what-if's point projection differs from ``parent``'s (the scenario it extends, run over
    the same days) in any of :data:`EFFECT_VARIABLES`: the change [USD bn]; none without a parent."""
    change = annual_change(result, parent)
    if change is None:
        return []
    stamps, values = change
    rows = []
    for index, period in enumerate(stamps):
        changes = {short: float(values[name][index]) for name, short in EFFECT_VARIABLES}
        if all(abs(change) <= ZERO_EFFECT for change in changes.values()):
            continue
        shown = {short: number(change, "USD bn", signed=True) for short, change in changes.items()}
        rows.append({"year": year_label(period, result.days), **shown})
    return rows


def year_label(period: np.datetime64, days: np.ndarray) -> str:
    """The heading of the calendar year ``period`` of the day grid ``days`` (:func:`year_heading`)."""
    year = int(str(period)[:4])
    return year_heading(year, int(np.count_nonzero(days.astype("datetime64[Y]") == np.datetime64(str(year), "Y"))))


def effect_tables(
    result: Result, years_per_table: int, point: Sequence[dict[str, str]] = (), parent_title: str = ""
) -> tuple[Table, ...]:
    """The what-if's effect as the chart book shows it, years across, ``years_per_table`` to a table: per output of
    :data:`EFFECT_VARIABLES` the median and the 5th and 95th percentiles over paired draws [USD bn per year]; without
    such draws the change in the point projection against ``parent_title`` (``point``: :func:`point_effect_rows`),
    which heads each output's rows in a draws run too (the cover quotes it)."""
    if result.uncertainty is None and point:
        title = f"The change against “{parent_title}” in the point projection [USD bn per year]"
        return tuple(
            Table(
                title,
                tuple(row["year"] for row in point[start : start + years_per_table]),
                ("",) * len(point[start : start + years_per_table]),
                tuple(
                    Row(EFFECT_LABELS[short], tuple(row[short] for row in point[start : start + years_per_table]))
                    for _, short in EFFECT_VARIABLES
                ),
            )
            for start in range(0, len(point), years_per_table)
        )
    found = effect_rows(result)
    title = f"The change against “{result.uncertainty.effects.title}” [USD bn per year]" if found else ""  # type: ignore[union-attr]
    points = {row["year"]: row for row in point}
    tables = []
    for start in range(0, len(found), years_per_table):
        rows = found[start : start + years_per_table]
        lines = []
        for _, short in EFFECT_VARIABLES:
            ranges = [row[f"{short}_range"].split(" to ") for row in rows]
            if points:  # a year the point projection leaves unchanged, though some draws change it, is a zero
                shown = tuple(
                    points[row["year"]][short] if row["year"] in points else number(0.0, "USD bn", signed=True)
                    for row in rows
                )
                lines.append(Row(f"{EFFECT_LABELS[short]}: point projection", shown))
            lines += [
                Row(f"{EFFECT_LABELS[short]}: median", tuple(row[f"{short}_median"] for row in rows)),
                Row(f"{EFFECT_LABELS[short]}: 5th percentile", tuple(low for low, _ in ranges)),
                Row(f"{EFFECT_LABELS[short]}: 95th percentile", tuple(high for _, high in ranges)),
            ]
        years = tuple(row["year"] for row in rows)
        tables.append(Table(title, years, ("",) * len(years), tuple(lines)))
    return tuple(tables)


def own_fitted_parameters(scenario) -> str:
    """The parameters the fit estimates or holds that ``scenario`` sets to other values, as a reader lists them ('' for
    none): the months the fit followed and the forecast score are those of the fitted values, not of these."""
    defaults, own = default_parameters().numbers(), scenario.parameters.numbers()
    names = [
        spec.label
        for name, spec in PARAMETERS.items()
        if (spec.estimated is not None or spec.held_in_fit)
        and not math.isclose(own[name], defaults[name], rel_tol=1e-9, abs_tol=1e-12)
    ]
    return listed(names, serial=True)


def estimates_changed(scenario) -> str:
    """The parameters the fit estimates or holds that a what-if sets to other values than the scenario it extends,
    as a reader lists them ('' for none, or for a root scenario): its effect then reaches back into the months Census
    has recorded, which a reader must be told."""
    parent = scenario.extended
    if parent is None:
        return ""
    theirs, own = parent.parameters.numbers(), scenario.parameters.numbers()
    return listed(
        [
            spec.label
            for name, spec in PARAMETERS.items()
            if (spec.estimated is not None or spec.held_in_fit)
            and not math.isclose(own[name], theirs[name], rel_tol=1e-9, abs_tol=1e-12)
        ],
        serial=True,
    )


def scenario_context(
    scenario,
    table,
    test,
    charts: Sequence[Picture],
    files: Sequence[str],
    colour: str,
    stamp: dict[str, str],
    result=None,
    spread: list[dict[str, str]] | None = None,
    paths: TariffPaths | None = None,
    history: Observed | None = None,
    skill=None,
    parent_result: Result | None = None,
) -> dict[str, Any]:
    """Everything the scenario templates show; footnotes are numbered in reading order. ``parent_result``: the
    scenario a what-if extends, projected over its days (its point effect)."""
    notes = Notes()
    calibration = notes.cite(CALIBRATION_FACTS)
    parent = scenario.extended
    changes = change_rows(scenario, parent, notes) if parent is not None else None
    record = _record(scenario, table, paths, history, notes)
    shown = {row["year"] for row in spread or []}
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in inputs(scenario):
        sections.setdefault(row.section, []).append(
            {"name": row.name, "text": row.text, "notes": notes.cite(row.facts)}
        )
    notes.cite(all_facts(scenario))
    contents = [("key-numbers", "Key numbers by year")]
    contents += [("changes", "What this what-if changes")] if changes is not None else []
    contents += [("authorities", "Legal authorities in force")] if record["in_force"] else []
    contents += [("assumptions", "Assumptions")] if record["assumptions"] else []
    contents += [("charts", "Charts")]
    contents += [("uncertainty", "Uncertainty")] if spread else []
    contents += [("backtest", "The model against the Census months")] if test is not None else []
    contents += [("skill", "How well the model forecasts")] if skill else []
    contents += [("inputs", "Inputs"), ("notes", "Notes and sources"), ("files", "Files")]
    return {
        **stamp,
        "created": moment(stamp["created"]),  # the manifest keeps the ISO stamp
        "glance": scenario_glance(table, against_parent(result, parent_result)),
        "key_years": scenario_table(table),
        "contents": contents,
        "scenario": scenario,
        "colour": colour,
        "calibration": calibration,
        "changes": changes,
        "parent_title": parent.title if parent is not None else "",
        "record_end": record_end(history),
        "trend_note": trend_note(scenario, history),
        "renewal_note": renewal_note(scenario),
        "evidence_note": evidence_note(scenario),
        "key_rows": key_rows(table),
        "key_columns": KEY_COLUMNS,
        "headings": headings(),
        "backtest_rows": backtest_rows(test) if test is not None else [],
        "own_fitted": own_fitted_parameters(scenario),
        "estimates_changed": estimates_changed(scenario),
        "backtest_columns": BACKTEST_COLUMNS,
        "backtest_headings": BACKTEST_HEADINGS,
        "skill_rows": skill_rows(skill) if skill else [],
        "skill_reading": skill_reading(skill) if skill else "",
        "skill_columns": SKILL_COLUMNS,
        "skill_headings": SKILL_HEADINGS,
        "charts": list(charts),
        "input_sections": list(sections.items()),
        "footnote_entries": notes.entries(),
        "file_names": list(files),
        "notes": notes,
        "draws": result.draws if result is not None else 0,
        "seed": result.seed if result is not None else None,
        "draws_note": draws_note(result) if result is not None else "",
        "spread_rows": spread or [],
        # the years the table leaves out (see spread_rows), where it leaves any
        "spread_recorded": listed(
            [str(period) for period in result.periods["annual"][0] if str(period) not in shown] if spread else []
        ),
        "spread_first": spread[0]["year"] if spread else "",
        "spread_columns": SPREAD_COLUMNS,
        "spread_headings": SPREAD_HEADINGS,
        "effect_rows": effect_rows(result) if result is not None else [],
        "point_effect_rows": point_effect_rows(result, parent_result) if result is not None else [],
        "point_effect_columns": POINT_EFFECT_COLUMNS,
        "point_effect_headings": POINT_EFFECT_HEADINGS,
        "effect_columns": EFFECT_COLUMNS,
        "effect_headings": EFFECT_HEADINGS,
        "effect_horizon_note": effect_horizon_note(scenario),
        "effect_title": result.uncertainty.effects.title
        if result is not None and result.uncertainty is not None and result.uncertainty.effects is not None
        else "",
        **record,
    }


def change_rows(scenario, parent, notes: Notes) -> list[dict[str, Any]]:
    """What a what-if changes against ``parent``, a row per input (before, after, the footnotes of its sources)."""
    return [
        {
            "section": row.section,
            "name": row.name,
            "before": row.before,
            "after": row.after,
            "notes": notes.cite(row.facts),
        }
        for row in differences(scenario, parent)
    ]


def record_end(history: Observed | None) -> str:
    """The last Census month the model has seen, as a reader writes it ('December 2025'; '' without a record)."""
    if history is None or not len(history.months):
        return ""
    return f"{history.months[-1].astype(dt.date):%B %Y}"


TREND_REACH = 2
"""Years past the record's last that a trend carried forward is left unremarked; past them a page says how far it has
taken the path without the 2025 tariffs from 2024."""
_COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}
"""Small counts as prose writes them."""


def trend_note(scenario, history: Observed | None = None) -> str:
    """What the path without the 2025 tariffs rests on besides the tariffs: the trends it grows the 2024 months by,
    and, for a horizon running more than :data:`TREND_REACH` years past the record's last whole year (``history``),
    how far those trends have carried it by then: the record's few whole years after 2024 carried on, not a
    forecast."""
    imports, exports = scenario.parameters.import_growth.value, scenario.parameters.export_growth.value
    if imports == 0 and exports == 0:
        return "That path holds the 2024 months flat, so the changes against it are the tariffs' alone."
    shown = [format_number(value, 1, signed=True, unit="%") for value in (imports, exports)]
    own = {"import_growth", "export_growth"} & set(scenario.parameters_set)
    flows = {"imports": (imports, shown[0], "import_growth"), "exports": (exports, shown[1], "export_growth")}
    grown = [
        (flow, value, "set by this scenario" if name in own else "estimated from the record")
        for flow, (rate, value, name) in flows.items()
        if rate != 0
    ]
    if len(grown) == 1:  # the bundled model holds imports flat: their trend made its forecasts worse (docs/model.md)
        (flow, value, source), flat = grown[0], next(flow for flow, (rate, *_) in flows.items() if rate == 0)
        text = (
            f"That path grows the 2024 months of {flow} by a trend of {value} a year ({source}) and holds those of "
            f"{flat} flat, so the changes against it rest on that trend as well as on the tariffs."
        )
    else:
        sources = {source for *_, source in grown}
        text = (
            f"That path grows the 2024 months by a trend of {grown[0][1]} a year for imports and {grown[1][1]} for "
            f"exports ({sources.pop() if len(sources) == 1 else 'one set by this scenario'}), so the changes against "
            "it rest on those trends as well as on the tariffs."
        )
    whole = _whole_years(history)
    end = scenario.end.year
    if not whole or end <= whole[-1] + TREND_REACH:
        return text
    last = whole[-1]
    carried = [
        f"{format_number(((1 + rate / 100) ** (end - 2024) - 1) * 100, 0, signed=True, unit='%')} from 2024 for {flow}"
        for flow, (rate, *_) in flows.items()
        if rate != 0
    ]
    after = [year for year in whole if year > 2024]
    basis = (
        f"The record holds {_COUNT_WORDS.get(len(after), str(len(after)))} whole year{'s' if len(after) != 1 else ''} "
        f"after 2024 to estimate "
        f"{'them' if len(carried) > 1 else 'it'} from; "
        if len(own) < 2
        else ""
    )
    lead = f"{basis}carried on" if basis else "Carried on"
    subject, trends = ("they", "those trends'") if len(carried) > 1 else ("it", "that trend's")
    return text + (
        f" {lead} to {end}, {subject} put{'s' if len(carried) == 1 else ''} that path {' and '.join(carried)}, so "
        f"read the years after {last + TREND_REACH} as {trends} arithmetic rather than a forecast."
    )


def _whole_years(history: Observed | None) -> list[int]:
    """The calendar years ``history`` holds every month of."""
    if history is None or not len(history.months):
        return []
    years = np.unique(history.months.astype("datetime64[Y]").astype(int) + 1970)
    return [int(year) for year, count in zip(years, census_months(years, history), strict=True) if count == 12]


def effect_horizon_note(scenario) -> str:
    """For a what-if that runs past the end of the scenario it extends: that its effect in the later days is against
    that scenario's path run on as written ('' otherwise)."""
    parent = scenario.extended
    if parent is None or parent.end >= scenario.end:
        return ""
    return (
        f"“{parent.title}” ends on {day(parent.end)}; for the days after it, this what-if is set against that "
        "scenario's path run on as written: its rates stay as they stand, and a truce window still open then ends "
        "as its entry says."
    )


def renewal_note(scenario) -> str:
    """For a scenario with a truce that may be renewed: that the key numbers end it as written, and only the draws
    renew it ('' otherwise), since a reader of a 70% renewal chance would take the figures for the likely case."""
    chances = {
        entry.renewal.probability.value
        for side in scenario.tariffs.values()
        for measure in side.measures.values()
        for entry in measure.entries
        if entry.renewal is not None and entry.renewal.probability.value < 100  # a certain one runs on renewed here
    }
    if not chances:
        return ""
    listed_chances = listed([f"{format_number(value, 0)}%" for value in sorted(chances)])
    return (
        f"These figures end each truce whose renewal is uncertain as written, though the scenario gives it a "
        f"{listed_chances} chance of renewal: "
        "only the Monte Carlo draws renew truces at their chances (the buyers in these figures already weigh the "
        "chance that a truce lapses)."
    )


def evidence_note(scenario) -> str:
    """A warning naming each parameter the scenario sets outside the range its sources support ('' if none): its
    numbers then rest on an assumption the literature and the record do not back."""
    outside = outside_evidence(scenario.parameters, scenario.parameters_set)
    if not outside:
        return ""
    parts = []
    for spec, value, (low, high) in outside:
        unit = "%" if spec.rules.percent else ""
        shown = [format_number(number, _decimals(number), unit=unit) for number in (value, low, high)]
        parts.append(f"{spec.label} at {shown[0]}, where its sources support {shown[1]} to {shown[2]}")
    return (
        f"This scenario sets {'; '.join(parts)}. Its numbers rest on "
        f"{'that assumption' if len(parts) == 1 else 'those assumptions'}, not on the evidence the defaults come from."
    )


def _decimals(value: float) -> int:
    """Places enough to show a parameter as written (−0.76, 12.5%, 30 days), at most three."""
    for places in range(3):
        if abs(round(value, places) - value) < 1e-9:
            return places
    return 3


def _record(scenario, table, paths: TariffPaths | None, history: Observed | None, notes: Notes) -> dict[str, Any]:
    """Which years are observed, the authorities in force on the last observed day and the horizon's last day,
    and the thinly sourced facts the scenario rests on."""
    years = [int(year) for year, months in zip(table["year"], table["status"], strict=True) if months == 12]
    projected = [int(year) for year, months in zip(table["year"], table["status"], strict=True) if months == 0]
    moments = []
    if paths is not None and history is not None:
        inside = history.months[(history.months.astype("datetime64[D]") >= paths.days[0])]
        last_seen = ((inside[-1] + 1).astype("datetime64[D]") - 1).astype(dt.date) if len(inside) else None
        for label, day in (
            ("the last day of the Census record this report uses", last_seen),
            ("the last day of the horizon", scenario.end),
        ):
            if day is not None and scenario.start <= day <= scenario.end:
                rows = [
                    {
                        "side": row.side,
                        "authority": row.authority,
                        "measures": row.measures,
                        "effective": number(row.effective, "%"),
                        "notes": notes.cite(row.facts),
                    }
                    for row in in_force(scenario, paths, day)
                ]
                moments.append({"label": label, "day": day, "rows": rows})
    leaning = leaning_on_prior(scenario)
    thin = [
        {"fact": fact, "notes": notes.cite([fact.id]), "why": leaning.get(fact.id, "")}
        for fact in assumptions(scenario)
    ]
    record = read_trade_data(seeds_dir() / MONTHLY_FILE)
    first, last = min(row.month for row in record), max(row.month for row in record)
    return {
        "observed_years": listed([str(year) for year in years]),
        "projected_years": (
            f"{listed([str(year) for year in projected])} {'is' if len(projected) == 1 else 'are'} projected."
            if projected
            else ""
        ),
        "in_force": moments,
        "assumptions": thin,
        "vintage": releases(record),
        "record_span": _span(first, last),
    }


def releases(rows) -> str:
    """The record's months grouped into runs from one release, for readers: 'January 2024 to January 2026 as
    released before …, retrieved …; February to April 2026 as released after …' (a revision replaces months from its
    first, so each run is told apart by its release)."""
    runs: list[list] = []
    for row in sorted(rows, key=lambda row: row.month):
        if runs and release(runs[-1][-1]) == release(row):
            runs[-1].append(row)
        else:
            runs.append([row])

    def source(row) -> str:
        text = release(row)
        return f"from the {text}" if text.startswith("Census API") else f"as released {text}"

    return "; ".join(f"{_span(run[0].month, run[-1].month)} {source(run[0])}" for run in runs)


def _span(first: str, last: str) -> str:
    """'January 2024 to January 2026', 'February to April 2026' or 'March 2026' from two ``YYYY-MM`` months."""

    def name(month: str, year: bool = True) -> str:
        text = dt.date(int(month[:4]), int(month[5:7]), 1).strftime("%B")
        return f"{text} {month[:4]}" if year else text

    if first == last:
        return name(first)
    return f"{name(first, year=first[:4] != last[:4])} to {name(last)}"


def release(row) -> str:
    """Which release a month of the record comes from and when it was fetched, for readers: the date tells how far
    the record may lag what Census has published since."""
    if "retrieved" in row.vintage:
        return row.vintage
    return f"{row.vintage}, retrieved {day(dt.date.fromisoformat(row.retrieved))}"


def comparison_context(
    results,
    tables,
    parents: dict[str, Any],
    charts: Sequence[Picture],
    files: Sequence[str],
    colours: dict[str, str],
    stamp: dict[str, str],
    reference: str = "",
    parent_results: dict[str, Result] | None = None,
) -> dict[str, Any]:
    """Everything the comparison templates show: scenarios, key numbers, what each what-if changes; ``reference`` is
    the id of the scenario the charts draw the others against; ``parent_results``: each what-if's parent projected
    over its days, by the what-if's id (its effect in a point run)."""
    notes = Notes()
    calibration = notes.cite(CALIBRATION_FACTS)
    changed = []
    for result in results:
        scenario = result.scenario
        parent = parents.get(scenario.id)
        if parent is None:
            continue
        rows = change_rows(scenario, parent, notes)
        changed.append(
            {
                "id": scenario.id,
                "title": scenario.title,
                "parent": parent.id,
                "parent_title": short_title(parent.title),
                "rows": rows,
                "effects": effect_rows(result),
                "point_effects": point_effect_rows(result, (parent_results or {}).get(scenario.id)),
            }
        )
    ids = [result.scenario.id for result in results]
    names = [(short_title(result.scenario.title), result.scenario.id) for result in results]
    at = ids.index(reference) if reference in ids else 0
    return {
        **stamp,
        "created": moment(stamp["created"]),  # the manifest keeps the ISO stamp
        "glance": comparison_glance(tables, [name for name, _ in names], at),
        "reference": {"id": ids[at], "title": names[at][0]},
        "main_tables": [measure_table(column, tables, names) for column in MAIN_MEASURES],
        "more_tables": [measure_table(column, tables, names) for column in MORE_MEASURES],
        "contents": [
            ("scenarios", "Scenarios"),
            ("key-numbers", "Key numbers"),
            ("charts", "Charts"),
            ("differences", "What each what-if changes"),
            ("notes", "Notes and sources"),
            ("files", "Files"),
        ],
        "scenarios": [
            {
                "id": r.scenario.id,
                "title": r.scenario.title,
                "short": short_title(r.scenario.title),
                "parent": r.scenario.parent,
                "parent_title": short_title(parents[r.scenario.id].title) if r.scenario.id in parents else "",
                "colour": colours[r.scenario.id],
            }
            for r in results
        ],
        "start": min(result.scenario.start for result in results),
        "end": max(result.scenario.end for result in results),
        "same_horizon": len({(result.scenario.start, result.scenario.end) for result in results}) == 1,
        "runs": _runs(results),
        "calibration": calibration,
        "charts": list(charts),
        "differences": changed,
        "effect_columns": EFFECT_COLUMNS,
        "effect_headings": EFFECT_HEADINGS,
        "point_effect_columns": POINT_EFFECT_COLUMNS,
        "point_effect_headings": POINT_EFFECT_HEADINGS,
        "footnote_entries": notes.entries(),
        "file_names": list(files),
        "notes": notes,
    }


def _runs(results) -> str:
    """What the comparison's figures are: point projections, and the draws behind the effects' ranges if any."""
    drawn = [result for result in results if result.uncertainty is not None]
    if not drawn:
        return "point projections"
    if any(result.uncertainty.effects is not None for result in drawn):  # type: ignore[union-attr]
        return (
            f"point projections, with {drawn[0].draws:,} Monte Carlo draws per scenario for the ranges of the "
            f"what-ifs' effects (seed {drawn[0].seed})"
        )
    return f"point projections; each scenario's own page gives the ranges of its {drawn[0].draws:,} Monte Carlo draws"


@functools.cache
def _environments():
    loader = jinja2.PackageLoader("simulator.outputs", "templates")
    html = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    html.filters["web_url"] = web_url
    markdown = jinja2.Environment(
        loader=loader,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    markdown.filters["md"] = markdown_text
    markdown.filters["code"] = markdown_code
    markdown.filters["link"] = markdown_link
    markdown.globals["cite"] = lambda numbers: "".join(f"[^{n}]" for n in numbers)
    markdown.globals["table"] = markdown_table
    markdown.globals["years_table"] = markdown_key_table
    return html, markdown


MARKDOWN_SPECIAL = "\\`*_[]|$~"
"""Characters that could start Markdown (or GitHub's maths) markup; escaped with a backslash."""


def _finalize(value: Any) -> Any:
    """Every value a template prints, cleaned; markup the templates made themselves (macros) is left as it is."""
    if value is None or isinstance(value, markupsafe.Markup):
        return value
    return clean(value)


def markdown_text(text: Any) -> str:
    """Scenario text made safe inside Markdown: no HTML, no links or emphasis, no table breaks, one line."""
    text = " ".join(clean(text).split())
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(raw, safe)
    return "".join(f"\\{character}" if character in MARKDOWN_SPECIAL else character for character in text)


def markdown_code(text: Any, table: bool = False) -> str:
    """``text`` as a Markdown code span it cannot leave: the fence is one backtick longer than the longest run of
    backticks inside (CommonMark), so HTML, links or emphasis in it show as typed; in a table cell (``table``) a
    '|' is escaped, which GitHub's tables need even inside code.
    """
    text = " ".join(clean(text).split()) or " "
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if longest or text[0] == " " or text[-1] == " ":
        text = f" {text} "  # CommonMark strips one space each side, so a backtick at either end stays inside
    if table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def markdown_link(url: Any) -> str:
    """A source's address: an autolink when it is http(s) (:func:`web_url`), else escaped text that links nowhere."""
    safe = web_url(url)
    return f"<{safe}>" if safe else markdown_text(url)


def markdown_table(rows: Sequence[dict[str, str]], columns: Sequence[str], titles: dict[str, str]) -> str:
    lines = [
        "| " + " | ".join(markdown_text(titles[column]) for column in columns) + " |",
        "|" + "|".join("---" if column in ("scenario", "year", "month") else "---:" for column in columns) + "|",
    ]
    lines += ["| " + " | ".join(markdown_text(row[column]) for column in columns) + " |" for row in rows]
    return markupsafe.Markup("\n".join(lines))  # cells escaped above; its line breaks must survive the finalizer


def markdown_key_table(table) -> str:
    """A key-number table (:class:`~simulator.outputs.tables.Table`) in Markdown: years across, numbers right."""
    heads = [table.title, *(f"{year} {status}" for year, status in zip(table.years, table.status, strict=True))]
    lines = [
        "| " + " | ".join(markdown_text(head) for head in heads) + " |",
        "|---|" + "|".join("---:" for _ in table.years) + "|",
    ]
    lines += ["| " + " | ".join(markdown_text(value) for value in row) + " |" for row in markdown_rows(table)]
    return markupsafe.Markup("\n".join(lines))  # cells escaped above; its line breaks must survive the finalizer


def render_html(template: str, context: dict[str, Any]) -> str:
    html, _ = _environments()
    return html.get_template(template).render(context)


def render_markdown(template: str, context: dict[str, Any]) -> str:
    _, markdown = _environments()
    return markdown.get_template(template).render(context)
