"""Key-number tables as people read them: years across, one row per measure or per scenario, numbers formatted once.

A scenario's page shows one table (a row per measure, a column per year); the comparison shows one
table per measure (a row per scenario, a column per year), where a year every scenario shares (the
observed 2024, before any scenario departs) is shown once, across all rows. Every number passes the
one formatter, :func:`simulator.outputs.text.number`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.outputs.key_numbers import COLUMNS, year_heading
from simulator.outputs.text import number

MEASURE_ROWS = (
    ("imports", "US imports from China"),
    ("imports_census", "US imports from China, Census"),
    ("exports", "US exports to China"),
    ("exports_census", "US exports to China, Census"),
    ("balance", "US balance with China (exports − imports)"),
    ("balance_census", "US balance with China, Census"),
    ("us_revenue", "US duties collected on goods from China"),
    ("us_statutory_revenue", "US duties at statutory rates"),
    ("us_refunds", "US duties refunded to importers"),
    ("us_net_revenue", "US duties net of refunds"),
    ("china_revenue", "China's duties collected on US goods"),
    ("us_rate", "US tariff on Chinese goods, effective [%]"),
    ("china_rate", "China's tariff on US goods, effective [%]"),
    ("imports_change", "Imports against the path without the 2025 tariffs"),
    ("exports_change", "Exports against the path without the 2025 tariffs"),
    ("balance_change", "Balance against the path without the 2025 tariffs"),
    ("us_revenue_change", "US duties collected against the path without the 2025 tariffs"),
    ("us_net_revenue_change", "US net duties against the path without the 2025 tariffs"),
)
"""Rows of a scenario's key-number table, in reading order: (key-number column, what it is)."""

MAIN_MEASURES = ("imports", "exports", "balance", "us_revenue")
"""Measures the comparison shows open; the others are folded under them."""
MORE_MEASURES = (
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


@dataclass(frozen=True)
class Row:
    """One row of a table: what it is, an optional small second name (a scenario's id), and its cells ('' where a
    shared cell stands in)."""

    label: str
    cells: tuple[str, ...]
    secondary: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Table:
    """A key-number table: years across.

    Attributes:
        title: what the numbers are, with their unit.
        years: the column headings ('2026').
        status: under each year, what its column holds (:func:`year_status`).
        rows: the rows, in order.
        shared: per column, the value every row holds, shown once across the rows ('' where rows differ).
    """

    title: str
    years: tuple[str, ...]
    status: tuple[str, ...]
    rows: tuple[Row, ...]
    shared: tuple[str, ...] = ()

    @property
    def any_shared(self) -> bool:
        return any(self.shared)


def _unit(column: str) -> tuple[int, bool]:
    """Decimals and sign of a column: one decimal; changes carry '+'."""
    return 1, column.endswith("_change")


def year_headings(table: dict[str, np.ndarray]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Column headings (the year, with its days when the horizon cuts it) and what Census holds of each."""
    years, status = [], []
    for index, year in enumerate(table["year"]):
        years.append(year_heading(int(year), int(table["days"][index])))
        status.append(year_status(int(table["status"][index])))
    return tuple(years), tuple(status)


def year_status(months: int) -> str:
    """What the column of a year holds, from the count of its months Census has published: 'projected', or for a
    year the record covers, 'model' (the Census row gives the record) or 'model, 5 months in Census'; never
    'observed', which read as if the scenario's figures were the record's."""
    if months == 0:
        return "projected"
    return "model" if months == 12 else f"model, {months} months in Census"


def cell(table: dict[str, np.ndarray], column: str, index: int) -> str:
    decimals, signed = _unit(column)
    return number(float(table[column][index]), decimals, signed=signed)


def scenario_table(table: dict[str, np.ndarray]) -> Table:
    """One scenario's key numbers: a row per measure, a column per year [USD bn; rates %]. Census rows appear only
    when Census observed a year of the horizon."""
    years, status = year_headings(table)
    rows = []
    for column, label in MEASURE_ROWS:
        values = tuple(cell(table, column, index) for index in range(len(years)))
        if column.endswith("_census") and all(value == "\u2013" for value in values):
            continue
        kind = "census" if column.endswith("_census") else "change" if column.endswith("_change") else ""
        rows.append(Row(label, values, kind=kind))
    return Table("Key numbers by year [USD bn; rates in %]", years, status, tuple(rows))


def measure_table(column: str, tables: Sequence[dict[str, np.ndarray]], names: Sequence[tuple[str, str]]) -> Table:
    """One measure across scenarios: a row per scenario ((title, id) in ``names``), a column per year of any of them
    ('–' where a horizon does not reach); a year where every scenario shows the same number is shown once. Flows
    and the balance get a Census row for observed years."""
    widest = max(tables, key=lambda table: (len(table["year"]), -int(table["year"][0])))
    years = sorted({int(year) for table in tables for year in table["year"]})
    known: dict[int, tuple[str, str]] = {}
    for table in (widest, *tables):  # the widest horizon's headings first; a year only others reach keeps its own
        headings, states = year_headings(table)
        for year, heading, state in zip(table["year"], headings, states, strict=True):
            known.setdefault(int(year), (heading, state))
    grid = [tuple(_cell_of(table, column, year) for year in years) for table in tables]
    shared = tuple(
        grid[0][index] if len(tables) > 1 and all(row[index] == grid[0][index] for row in grid) else ""
        for index in range(len(years))
    )
    rows = []
    census = f"{column}_census"
    if census in COLUMNS:
        values = tuple(max((_cell_of(table, census, year) for table in tables), key=len) for year in years)
        if any(value != "\u2013" for value in values):
            rows.append(Row("Census", values, kind="census"))
    for (title, name), values in zip(names, grid, strict=True):
        rows.append(Row(title, tuple("" if shared[index] else value for index, value in enumerate(values)), name))
    label = dict(MEASURE_ROWS)[column]
    unit = "" if column.endswith("_rate") else " [USD bn]"
    return Table(
        f"{label}{unit}",
        tuple(known.get(year, (str(year), ""))[0] for year in years),
        tuple(known.get(year, ("", ""))[1] for year in years),
        tuple(rows),
        shared,
    )


def _cell_of(table: dict[str, np.ndarray], column: str, year: int) -> str:
    """The formatted value of ``year``, or '–' when the table's horizon does not reach it."""
    found = np.flatnonzero(table["year"] == year)
    return cell(table, column, int(found[0])) if len(found) else "\u2013"


def markdown_rows(table: Table) -> list[list[str]]:
    """The table's rows as Markdown and the chart book show them: a shared year's value in the first scenario row,
    'same' below; titles only (the ids are in the list of scenarios)."""
    first = next((index for index, row in enumerate(table.rows) if row.kind != "census"), 0)
    found = []
    for position, row in enumerate(table.rows):
        label = row.label
        cells = [
            value
            if value or not table.shared or not table.shared[index]
            else (table.shared[index] if position == first else "same")
            for index, value in enumerate(row.cells)
        ]
        found.append([label, *cells])
    return found
