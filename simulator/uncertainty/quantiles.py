"""Quantiles over Monte Carlo draws that arrive in chunks, in bounded memory."""

from __future__ import annotations

import numpy as np

QUANTILES = (5, 25, 50, 75, 95)
"""Quantile levels reported by a Monte Carlo run [%]."""
EXACT_DRAWS = 10_000
"""Up to this many draws quantiles are exact; beyond it they come from a fixed-size histogram."""
SKETCH_BINS = 4096
EXACT_CELLS = 24_000_000
"""Values kept for exact quantiles at most [draws × cells]: a long horizon (many monthly cells) moves to the
histogram sooner, so that memory stays bounded; the bundled horizons stay exact up to :data:`EXACT_DRAWS`."""


class QuantileAccumulator:
    """Quantiles over draws that arrive in chunks (draws × cells), in bounded memory.

    Exact (numpy's linear interpolation) up to ``exact`` draws (and ``cells_kept`` values); past that the values kept so
    far set a fixed-size histogram per cell (:data:`SKETCH_BINS` bins spanning their range
    and half as much again each side, with tracked minimum and maximum beyond), and
    quantiles are read off it, exact to a bin's width.
    """

    def __init__(self, exact: int = EXACT_DRAWS, bins: int = SKETCH_BINS, cells_kept: int = EXACT_CELLS):
        self.exact, self.bins, self.cells_kept = exact, bins, cells_kept
        self.kept: list[np.ndarray] = []
        self.count = 0
        self.counts: np.ndarray | None = None

    def add(self, values: np.ndarray) -> None:
        self.count += len(values)
        if self.counts is None:
            # kept as cells × draws: quantiles partition along the last axis, fastest on contiguous rows
            self.kept.append(np.asarray(values, dtype=float).T.copy())
            if self.count > self.exact or self.count * values.shape[1] > self.cells_kept:
                self._start_sketch()
        else:
            self._count(values)

    def _start_sketch(self) -> None:
        kept = np.concatenate(self.kept, axis=1).T
        self.kept = []
        low, high = kept.min(axis=0), kept.max(axis=0)
        spread = np.maximum(high - low, 1e-12 * np.maximum(1.0, np.abs(low)))
        self.lowest, self.highest = low, high
        self.start = low - 0.5 * spread
        self.width = 2.0 * spread / self.bins
        self.counts = np.zeros((kept.shape[1], self.bins + 2), dtype=np.int64)
        self._count(kept, fresh=True)

    def _count(self, values: np.ndarray, fresh: bool = False) -> None:
        if not fresh:
            self.lowest = np.minimum(self.lowest, values.min(axis=0))
            self.highest = np.maximum(self.highest, values.max(axis=0))
        index = np.clip(np.floor((values - self.start) / self.width), -1, self.bins).astype(np.int64) + 1
        cells = self.counts.shape[0]  # type: ignore[union-attr]
        flat = (np.arange(cells) * (self.bins + 2) + index).ravel()
        self.counts += np.bincount(flat, minlength=cells * (self.bins + 2)).reshape(cells, self.bins + 2)  # type: ignore[operator]

    def quantiles(self, levels: tuple[float, ...]) -> np.ndarray:
        """Values at ``levels`` [%] per cell: (levels × cells)."""
        if self.counts is None:
            values = np.concatenate(self.kept, axis=1)
            low, high = values.min(axis=1), values.max(axis=1)
            found = np.repeat(low[None, :], len(levels), axis=0)  # a cell equal in every draw has that value
            varying = np.flatnonzero(low != high)
            found[:, varying] = np.percentile(values[varying], levels, axis=1, overwrite_input=True)
            return found
        cumulative = np.cumsum(self.counts, axis=1)
        cells = np.arange(self.counts.shape[0])
        result = []
        for level in levels:
            rank = level / 100.0 * (self.count - 1)
            column = np.argmax(cumulative > rank, axis=1)
            before = np.where(column > 0, cumulative[cells, np.maximum(column - 1, 0)], 0)
            inside = self.counts[cells, column]
            left = np.where(
                column == 0,
                self.lowest,
                np.where(
                    column == self.bins + 1, self.start + self.bins * self.width, self.start + (column - 1) * self.width
                ),
            )
            right = np.where(
                column == 0, self.start, np.where(column == self.bins + 1, self.highest, left + self.width)
            )
            value = left + (rank - before + 0.5) / np.maximum(inside, 1) * (right - left)
            result.append(np.clip(value, self.lowest, self.highest))
        return np.stack(result)
