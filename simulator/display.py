"""Rich display in Jupyter: a scenario's dated paths with their sources, a result's key numbers.

Everything a scenario file supplies is escaped, as in the HTML report.
"""

from __future__ import annotations

from html import escape
from typing import Any

from simulator.provenance import Notes, inputs

STYLE = "border-collapse:collapse;font-size:12px"
CELL = "border-bottom:1px solid #ddd;padding:2px 8px;text-align:{align}"


def _table(headings: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f'<th style="{CELL.format(align="right" if index in numeric else "left")}">{escape(text)}</th>' for index, text in enumerate(headings))
    body = "".join(
        "<tr>" + "".join(f'<td style="{CELL.format(align="right" if index in numeric else "left")}">{cell}</td>' for index, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<table style="{STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def scenario_html(scenario) -> str:
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
    return (f"<div><strong>{escape(scenario.title)}</strong> <code>{escape(scenario.id)}</code>{parent}, "
            f"{scenario.start} to {scenario.end}<br>{_table(['Section', 'Input', 'Value'], rows)}"
            f"<details><summary>Sources ({len(notes.numbers)})</summary><ol style='font-size:11px'>{sources}</ol></details></div>")


def key_numbers_html(result, title: str | None = None) -> str:
    """Key numbers per year of a result [USD bn, %], with the change against baseline-2024."""
    from simulator.pages import KEY_COLUMNS, headings, key_rows
    from simulator.summary import key_numbers

    names = headings()
    rows = [[escape(row[column]) for column in KEY_COLUMNS] for row in key_rows(key_numbers(result))]
    caption = escape(title or f"{result.scenario.title} ({result.scenario.id})")
    extra = f"; {result.draws:,} draws (seed {result.seed}): quantiles in .monthly / .annual" if result.draws else ""
    return (f"<div><strong>{caption}</strong><br><small>Point projection{escape(extra)}; flows in USD bn per year, rates in %.</small>"
            f"{_table([names[column] for column in KEY_COLUMNS], rows, set(range(1, len(KEY_COLUMNS))))}</div>")


def comparison_html(comparison: Any) -> str:
    frame = comparison.key_numbers()
    headings = list(frame.columns)
    rows = [[escape(str(value)) if not isinstance(value, float) else f"{value:,.1f}".replace("-", "−") for value in record]
            for record in frame.itertuples(index=False)]
    return f"<div><strong>Comparison of {len(comparison.results)} scenarios</strong>{_table(headings, rows, set(range(2, len(headings))))}</div>"
