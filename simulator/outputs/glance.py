"""'At a glance': three sentences and three numbers at the top of a page and on a chart book's cover.

Written from the key numbers of the last year the horizon covers whole (the last year when none is
whole), so they change with the scenario and never need editing by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.outputs.key_numbers import whole_year_days
from simulator.outputs.text import listed, money, number


@dataclass(frozen=True)
class Figure:
    """A headline number: its value as shown ('−$278.8bn') and what it is, in a few words."""

    value: str
    caption: str


@dataclass(frozen=True)
class Glance:
    """Three sentences and three numbers that sum a page up."""

    sentences: tuple[str, ...]
    figures: tuple[Figure, ...]


def headline_year(table: dict[str, np.ndarray]) -> int:
    """The index of the last calendar year the horizon covers whole (the last year if none is whole)."""
    full = [
        index
        for index, (year, days) in enumerate(zip(table["year"], table["days"], strict=True))
        if days == whole_year_days(int(year))
    ]
    return full[-1] if full else len(table["year"]) - 1


def _balance_words(value: float) -> str:
    return f"a deficit of {money(-value)}" if value < 0 else f"a surplus of {money(value)}"


@dataclass(frozen=True)
class Against:
    """A what-if's point effect in each year of its key numbers, against the scenario it extends (``title``)."""

    title: str
    imports: np.ndarray
    """[USD bn per year], one per year of the key numbers."""
    balance: np.ndarray
    """[USD bn per year]; + is a smaller deficit."""
    exports: np.ndarray | None = None
    """[USD bn per year]; the glance leads with exports where the what-if moves them more than imports (a change of
    China's tariffs)."""


def scenario_glance(table: dict[str, np.ndarray], against: Against | None = None) -> Glance:
    """The imports, the balance and the tariffs of one scenario in its last whole year, against the path without the
    2025 tariffs and against 2024 (a what-if's also against the scenario it extends: ``against``); a year Census has
    published in full is told by its Census totals, with the model's figure beside them."""
    at = headline_year(table)
    year: int | str = int(table["year"][at])
    if int(table["days"][at]) != whole_year_days(int(year)):  # no year is whole: say how much of it is counted
        year = f"{year} (the {int(table['days'][at])} days of it in the horizon)"
    imports, change = float(table["imports"][at]), float(table["imports_change"][at])
    without = imports - change
    direction = "below" if change < 0 else "above"
    share = f" ({number(abs(change) / without * 100, 0)}%)" if without > 0 else ""
    # a year Census has not published is the model's projection, and the sentences say so
    projected = int(table["status"][at]) == 0
    recorded = {name: float(table[f"{name}_census"][at]) for name in ("imports", "balance")}
    observed = not any(np.isnan(value) for value in recorded.values())  # the whole year published: its totals lead
    if observed:
        first = (
            f"In {year}, US imports from China were {money(recorded['imports'])} (Census); the model puts them at "
            f"{money(imports)}, {money(abs(change))}{share} {direction} the path without the 2025 tariffs."
        )
    elif against is not None and _moves_exports_more(against, at):  # China's side: its exports are the answer
        exported, moved = float(table["exports"][at]), float(against.exports[at])  # type: ignore[index]
        exports_change = float(table["exports_change"][at])
        first = (
            f"In {year}, the model {'projects' if projected else 'puts'} US exports to China at {money(exported)}: "
            f"{money(abs(moved))} {'below' if moved < 0 else 'above'} “{against.title}”, and "
            f"{money(abs(exports_change))} {'below' if exports_change < 0 else 'above'} the path without the 2025 "
            f"tariffs; US imports from China come to {money(imports)}."
        )
    elif against is not None:  # the what-if's own effect first: it is the question the page answers
        moved = float(against.imports[at])
        first = (
            f"In {year}, the model {'projects' if projected else 'puts'} US imports from China at {money(imports)}: "
            f"{money(abs(moved))} {'below' if moved < 0 else 'above'} “{against.title}”, and {money(abs(change))}"
            f"{share} {direction} the path without the 2025 tariffs."
        )
    else:
        first = (
            f"In {year}, the model {'projects' if projected else 'puts'} US imports from China at {money(imports)}, "
            f"{money(abs(change))}{share} {direction} the path without the 2025 tariffs."
        )
    balance = float(table["balance"][at])
    census = [
        (int(table["year"][index]), float(table["balance_census"][index]))
        for index in range(len(table["year"]))
        if not np.isnan(table["balance_census"][index]) and index != at
    ]
    if observed:
        second = f"The US had {_balance_words(recorded['balance'])} with China in {year} (Census; the model: "
        second += f"{money(balance)})"
    else:
        second = f"The US {'would have' if projected else 'has'} {_balance_words(balance)} with China in {year}"
        if against is not None:
            moved = float(against.balance[at])
            if balance < 0:
                second += f" ({money(abs(moved))} {'smaller' if moved > 0 else 'larger'} than in “{against.title}”)"
            else:
                second += f" ({money(abs(moved))} {'higher' if moved > 0 else 'lower'} than in “{against.title}”)"
    second += f", against {_balance_words(census[0][1])} in {census[0][0]} (Census)." if census else "."
    us_rate, china_rate = float(table["us_rate"][at]), float(table["china_rate"][at])
    collect = "the model has US customs collect" if observed else f"US customs {'would ' if projected else ''}collect"
    third = (
        f"US tariffs on Chinese goods average {number(us_rate, 0)}% in {year} (China's on US goods "
        f"{number(china_rate, 0)}%, from a base averaged another way), and {collect} "
        f"{money(float(table['us_revenue'][at]))} on them."
    )
    label = " (Census)" if observed else ""
    if not observed and against is not None and _moves_exports_more(against, at):
        leading = (
            Figure(money(float(table["exports"][at])), f"US exports to China in {year}"),
            Figure(money(balance), f"US balance with China in {year}"),
            Figure(f"{number(china_rate, 1)}%", f"average Chinese tariff on US goods in {year}"),
        )
        return Glance((first, second, third), leading)
    return Glance(
        (first, second, third),
        (
            Figure(money(recorded["imports"] if observed else imports), f"US imports from China in {year}{label}"),
            Figure(money(recorded["balance"] if observed else balance), f"US balance with China in {year}{label}"),
            Figure(f"{number(us_rate, 1)}%", f"average US tariff on Chinese goods in {year}"),
        ),
    )


def _moves_exports_more(against: Against, at: int) -> bool:
    return against.exports is not None and abs(float(against.exports[at])) > abs(float(against.imports[at]))


def comparison_glance(tables: Sequence[dict[str, np.ndarray]], titles: Sequence[str], reference: int) -> Glance:
    """The spread of imports, balance and US duties across scenarios in the last whole year they share, and the
    reference's values (``reference`` is its index)."""
    at = headline_year(tables[reference])
    year = int(tables[reference]["year"][at])
    rows = [
        (title, table, int(np.flatnonzero(table["year"] == year)[0]))
        for title, table in zip(titles, tables, strict=True)
        if np.any(table["year"] == year)
    ]

    def spread(column: str) -> tuple[tuple[float, str], tuple[float, str]]:
        values = [(float(table[column][index]), title) for title, table, index in rows]  # in the run's order
        return _alike(values, min(values)[0]), _alike(values, max(values)[0])

    covered = (
        f"the {len(rows)} scenarios" if len(rows) == len(tables) else f"the {len(rows)} scenarios that reach {year}"
    )
    (low, low_name), (high, high_name) = spread("imports")
    (least, least_name), (most, most_name) = spread("balance")
    reference_table = tables[reference]
    third = (
        f"The reference, {titles[reference]}, has imports of {money(float(reference_table['imports'][at]))} and "
        f"US duties collected of {money(float(reference_table['us_revenue'][at]))} in {year}."
    )
    if len(rows) < 2:  # no other horizon reaches the reference's year: there is no spread to tell
        alone = (
            f"No other scenario's horizon reaches {year}, the reference's last whole year, so the scenarios are not "
            "set side by side in any one year here; the charts and tables show each over its own horizon."
        )
        sentences: tuple[str, ...] = (alone, third)
    else:
        first = (
            f"In {year}, US imports from China range from {money(low)} ({low_name}) to {money(high)} ({high_name}) "
            f"across {covered}."
        )
        second = (
            f"The US balance with China runs from {_balance_words(least)} ({least_name}) to "
            f"{_balance_words(most)} ({most_name})."
        )
        sentences = (first, second, third)
    figures = (
        (
            Figure(f"{money(low)} to {money(high)}", f"US imports from China in {year}, lowest to highest"),
            Figure(f"{money(least)} to {money(most)}", f"US balance with China in {year}, lowest to highest"),
        )
        if len(rows) >= 2
        else (
            Figure(money(low), f"US imports from China in {year}, the reference alone"),
            Figure(money(least), f"US balance with China in {year}, the reference alone"),
        )
    )
    return Glance(sentences, (*figures, Figure(str(len(tables)), "scenarios compared")))


def _alike(values: Sequence[tuple[float, str]], value: float) -> tuple[float, str]:
    """``value`` and the titles of every scenario that shows it alike (to the tenth of a billion a reader sees): a tie
    names them all, never one picked by its title."""
    shown = money(value)
    titles = [title for other, title in values if money(other) == shown]
    if len(titles) <= 3:
        return value, listed(titles)
    return value, f"{titles[0]}, {titles[1]} and {len(titles) - 2} others alike"
