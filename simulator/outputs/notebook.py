"""What the Python API hands to a notebook: results, scenarios and comparisons that show and plot themselves.

:class:`Result` and :class:`Scenario` are the model's and the input layer's plain types with
Jupyter conveniences added (rich display, ``plot``, ``key_numbers``); :class:`Comparison`
lines several results up. Everything a scenario file supplies is escaped in the HTML, as in
the report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from simulator.inputs import scenario as inputs_scenario
from simulator.inputs.problems import did_you_mean, expected_one_of, refuse
from simulator.model import result as model_result
from simulator.model.backtest import backtest
from simulator.model.observed import observed
from simulator.model.result import check_frequency
from simulator.outputs import charts as registry
from simulator.outputs.chart_inputs import comparison_chart_inputs, scenario_chart_inputs
from simulator.outputs.key_numbers import key_frame, key_numbers
from simulator.outputs.provenance import Notes, differences, inputs
from simulator.outputs.tables import MAIN_MEASURES, Table, measure_table, scenario_table
from simulator.outputs.text import short_title
from simulator.uncertainty.tornado import full_years, tornado

STYLE = "border-collapse:collapse;font-size:12px"
CELL = "border-bottom:1px solid #ddd;padding:2px 8px;text-align:{align}"


@dataclass(frozen=True, eq=False, repr=False)
class Scenario(inputs_scenario.Scenario):
    """A validated scenario (see :class:`simulator.inputs.scenario.Scenario`) that shows its dated paths and sources in
    Jupyter.
    """

    def _repr_html_(self) -> str:
        return scenario_html(self)


@dataclass(frozen=True, eq=False, repr=False)
class Result(model_result.Result):
    """A scenario's projection (see :class:`simulator.model.result.Result`), with notebook conveniences.

    Attributes:
        baseline: the counterfactual point projection key numbers are compared with (the
            2024-tariffs scenario over the same horizon and parameters), or None.
    """

    baseline: model_result.Result | None = None

    def key_numbers(self) -> pd.DataFrame:
        """Per year: imports, exports, balance, revenue [USD bn], day-averaged rates [%] and changes against
        baseline-2024.
        """
        if self.baseline is None:
            raise ValueError("this result carries no baseline to compare with: run it with simulator.run(scenario)")
        return key_frame(key_numbers(self, self.baseline, observed()))

    def plot(self, chart: str = "trade") -> Figure:
        """A chart as a matplotlib Figure, by name: 'tariffs', 'trade', 'diversion', 'balance', 'revenue',
        'revenue_by_authority', 'backtest' (the months Census observed), 'skill' (out-of-sample errors), 'tornado'
        (the balance's swings in the last whole year; ``simulator.tornado`` gives any flow and year as a table), and
        with draws 'fan' (the report's charts, :data:`simulator.outputs.charts.SCENARIO_CHARTS`).
        """
        if chart not in registry.SCENARIO_CHARTS:
            hint = did_you_mean(str(chart), registry.SCENARIO_CHARTS)
            raise refuse(
                "Result.plot", "chart", f"unknown chart {chart!r}{hint}; {expected_one_of(registry.SCENARIO_CHARTS)}"
            )
        spec = registry.SCENARIO_CHARTS[chart]
        inputs = scenario_chart_inputs(self, with_tornado="tornado" in spec.needs)
        if "tornado" in spec.needs and inputs.tornado is None and full_years(self.scenario):
            # the swings are point runs: a notebook has them without draws (a report draws them with its draws)
            inputs = dataclasses.replace(inputs, tornado=tornado(self.scenario, year=full_years(self.scenario)[-1]))
        absent = registry.missing(spec, inputs)
        if absent:  # what the run lacks is the caller's to add, so it is said like any other argument's problem
            raise refuse(
                "Result.plot", "chart", f"the {chart} chart needs {'; '.join(registry.NEEDS[need] for need in absent)}"
            )
        return registry.draw(spec, inputs)

    def against_census(self) -> pd.DataFrame:
        """The months Census observed after the calibration year inside the horizon, beside the model, by month:
        imports and exports, record and model [USD bn/month], and the model's error [%] (the in-sample view: the
        parameters were estimated on these months; ``simulator.backtest()`` scores months the model had not seen).
        """
        test = backtest(self)
        if test is None:
            raise refuse(
                "Result.against_census",
                "",
                f"the horizon of {self.scenario.id} ({self.scenario.start} to {self.scenario.end}) holds no whole "
                "month Census observed after 2024",
            )
        return test.frame()

    def _repr_html_(self) -> str:
        return key_numbers_html(self)


def presentable(scenario: inputs_scenario.Scenario) -> Scenario:
    """The same scenario, as the notebook type."""
    if isinstance(scenario, Scenario):
        return scenario
    return Scenario(**{item.name: getattr(scenario, item.name) for item in dataclasses.fields(scenario)})


@dataclass(frozen=True, eq=False)
class Comparison:
    """Results of several scenarios, in the order given; each keeps one colour in every plot."""

    results: tuple[Result, ...]
    colours: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Comparison of {', '.join(repr(result.scenario.id) for result in self.results)}>"

    def frame(self, frequency: str = "monthly") -> pd.DataFrame:
        """One tidy table of every scenario: ``scenario, date, variable, value, unit`` (+ ``quantile``); ``frequency``
        'monthly' [USD bn/month, %] or 'annual' [USD bn/year, %]."""
        check_frequency("Comparison.frame", frequency)
        return pd.concat([result.to_frame(frequency) for result in self.results], ignore_index=True)

    def key_numbers(self) -> pd.DataFrame:
        """Per scenario and year: imports, exports, balance, revenue [USD bn], rates [%], changes against baseline."""
        frames = [result.key_numbers().assign(scenario=result.scenario.id) for result in self.results]
        table = pd.concat(frames, ignore_index=True)
        return table[["scenario", *[column for column in table.columns if column != "scenario"]]]

    def differences(self) -> pd.DataFrame:
        """The inputs each what-if changes against the scenario it extends (if that is known)."""
        rows = [
            {
                "scenario": result.scenario.id,
                "extends": result.scenario.extended.id,
                "section": row.section,
                "input": row.name,
                "before": row.before,
                "after": row.after,
            }
            for result in self.results
            if result.scenario.extended is not None
            for row in differences(result.scenario, result.scenario.extended)
        ]
        return pd.DataFrame(rows, columns=["scenario", "extends", "section", "input", "before", "after"])

    def plot(self, what: str = "balance", reference: str | None = None) -> Figure:
        """A comparison chart as a matplotlib Figure: one of 'imports', 'exports', 'balance', 'tariffs', 'revenue';
        each scenario is drawn as its difference from ``reference`` (an id; by default documented-2025 when it is
        among the results, else the first)."""
        if what not in registry.COMPARISON_CHARTS:
            hint = did_you_mean(str(what), registry.COMPARISON_CHARTS)
            raise refuse(
                "Comparison.plot", "what", f"unknown plot {what!r}{hint}; {expected_one_of(registry.COMPARISON_CHARTS)}"
            )
        ids = [result.scenario.id for result in self.results]
        if reference is not None and reference not in ids:
            hint = did_you_mean(str(reference), ids) if isinstance(reference, str) else ""
            raise refuse(
                "Comparison.plot",
                "reference",
                f"{reference!r} is not among the compared scenarios{hint}; expected one of: {', '.join(ids)} (or None)",
            )
        inputs = comparison_chart_inputs(self.results, self.colours, reference)
        return registry.draw(registry.COMPARISON_CHARTS[what], inputs)

    def _repr_html_(self) -> str:
        return comparison_html(self)


# ---------------------------------------------------------------- HTML


def _table(headings: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(
        f'<th style="{CELL.format(align="right" if index in numeric else "left")}">{escape(text)}</th>'
        for index, text in enumerate(headings)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{CELL.format(align="right" if index in numeric else "left")}">{cell}</td>'
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table style="{STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def scenario_html(scenario: inputs_scenario.Scenario) -> str:
    """The scenario's inputs (dated tariff steps and windows, parameters) with numbered sources."""
    notes = Notes()
    rows = []
    for row in inputs(scenario):
        marks = "".join(f"<sup>[{number}]</sup>" for number in notes.cite(row.facts))
        rows.append([escape(row.section), escape(row.name), escape(row.text) + marks])
    sources = "".join(
        f"<li value='{note.number}'>{escape(note.fact.label or note.fact.id)}: {escape(note.value)}. "
        f"{escape('; '.join(source.citation() for source in note.sources))}</li>"
        for note in notes.entries()
    )
    parent = f", extends <code>{escape(scenario.parent)}</code>" if scenario.parent else ""
    return (
        f"<div><strong>{escape(scenario.title)}</strong> <code>{escape(scenario.id)}</code>{parent}, "
        f"{scenario.start} to {scenario.end}<br>{_table(['Section', 'Input', 'Value'], rows)}"
        f"<details><summary>Sources ({len(notes.numbers)})</summary><ol "
        f"style='font-size:11px'>{sources}</ol></details></div>"
    )


def key_numbers_html(result: Result, title: str | None = None) -> str:
    """Key numbers per year of a result, as its report page shows them: a row per measure, a column per year, the
    Census totals under the years Census observed [USD bn; rates %]."""
    if result.baseline is None:
        return f"<div><strong>{escape(result.scenario.title)}</strong>: no baseline to compare with.</div>"
    table = scenario_table(key_numbers(result, result.baseline, observed()))
    caption = escape(title or f"{result.scenario.title} ({result.scenario.id})")
    extra = f"; {result.draws:,} draws (seed {result.seed}): quantiles in .monthly / .annual" if result.draws else ""
    return (
        f"<div><strong>{caption}</strong><br><small>The model's point projection{escape(extra)}, beside the Census "
        "record where there is one; flows in USD bn per year, rates in %.</small>"
        f"{_key_table(table, '')}</div>"
    )


def _key_table(table: Table, corner: str) -> str:
    """A key-number table as HTML: years across with what Census holds of each, Census rows in italics, and a
    value every row shares shown in each row; ``corner`` heads the label column."""
    headings = [
        corner,
        *(f"{year} ({status})" if status else year for year, status in zip(table.years, table.status, strict=True)),
    ]
    shared = table.shared or ("",) * len(table.years)
    rows = [
        [
            f"<em>{escape(row.label)}</em>" if row.kind == "census" else escape(row.label),
            *(escape(value or common) for value, common in zip(row.cells, shared, strict=True)),
        ]
        for row in table.rows
    ]
    return _table(headings, rows, set(range(1, len(headings))))


def comparison_html(comparison: Any) -> str:
    """The comparison's main key numbers as its report page shows them: a table per measure, a row per scenario
    (and the Census row under observed years), a column per year [USD bn]; ``key_numbers()`` has every measure."""
    results = [result for result in comparison.results if result.baseline is not None]
    tables = [key_numbers(result, result.baseline, observed()) for result in results]
    names = [(short_title(result.scenario.title), result.scenario.id) for result in results]
    parts = [measure_table(column, tables, names) for column in (MAIN_MEASURES if results else ())]
    return (
        f"<div><strong>Comparison of {len(comparison.results)} scenarios</strong><br><small>Point projections beside "
        "the Census record where there is one [USD bn per year]; every measure in .key_numbers().</small>"
        + "<br>".join(_key_table(table, table.title) for table in parts)
        + "</div>"
    )
