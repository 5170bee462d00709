"""Event labels above a dated chart: each on the lowest row where it touches no label and no leader line crosses it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.outputs.text import SMALL_SIZE, plain, text_width

EVENT_GAP = 10.0
"""Space kept free between two event labels on one row [pt]."""


@dataclass(frozen=True)
class Marker:
    """An event label placed in the strip above the plot: ``row`` 0 is nearest the plot."""

    date: dt.date
    label: str
    row: int
    right_aligned: bool


def place_events(events: Sequence[tuple[dt.date, str]], start: dt.date, end: dt.date, width: float) -> list[Marker]:
    """Rows for event labels so that none overlaps another; ``width`` is the plot width [in].

    A label starts at its date and runs right (near the right edge it runs left instead) and a
    leader line joins it to its date. Labels are placed from the latest back, each on the lowest
    row where it touches no other label and no leader line crosses it; so an early label whose
    text runs over later dates climbs above their labels instead of cutting their leaders.
    """
    span = (end - start).days + 1
    rows: list[list[tuple[float, float, float]]] = []
    placed = []
    for date, label in sorted(events, reverse=True):
        if not start <= date <= end:
            continue
        x = (date - start).days / span * width * 72
        size = text_width(plain(label), SMALL_SIZE) + 3
        right_aligned = x + size > width * 72
        left, right = (x - size, x) if right_aligned else (x, x + size)
        row = next((index for index in range(len(rows)) if _free(rows, index, left, right, x)), len(rows))
        if row == len(rows):
            rows.append([])
        rows[row].append((left, right, x))
        placed.append(Marker(date, label, row, right_aligned))
    return placed[::-1]


def _free(rows: list[list[tuple[float, float, float]]], index: int, left: float, right: float, x: float) -> bool:
    """Row ``index`` has room for [left, right]; no leader line (from a label's date up to its row) crosses a label."""
    if any(not (right + EVENT_GAP <= a or left >= b + EVENT_GAP) for a, b, _ in rows[index]):
        return False
    # a leader running along a label's edge (two events on one date) does not cross it
    below = all(not (a + 0.5 < x < b - 0.5) for lower in rows[:index] for a, b, _ in lower)
    above = all(not (left + 0.5 < leader < right - 0.5) for higher in rows[index + 1 :] for _, _, leader in higher)
    return below and above


def event_rows(markers: Sequence[Marker]) -> int:
    return max((marker.row + 1 for marker in markers), default=0)
