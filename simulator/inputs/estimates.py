"""The estimated parameters as ``simulate fit`` last wrote them: ``seeds/estimates.yaml``.

The file holds, for the parameters the registry marks ``estimated``, the posterior mode and
covariance on each parameter's transformed scale (so draws can be taken jointly), the record
the fit used (months and a checksum of the data file), the last month's unexplained
deviations (the anchors projections start from) and the fit's diagnostics. Nothing here fits
anything: :mod:`simulator.model.estimation` does, and writes this file.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Literal

import numpy as np
from pydantic import Field

from simulator.inputs.locations import seeds_dir
from simulator.inputs.problems import did_you_mean, refuse
from simulator.inputs.schema import Strict, validate
from simulator.inputs.yaml_reader import read_document

ESTIMATES_FILE = "estimates.yaml"

Transform = Literal["linear", "log", "logit"]


def to_scale(transform: str, value: np.ndarray | float) -> np.ndarray | float:
    """A value in model units on the transform's scale (where the prior is normal)."""
    if transform == "log":
        return np.log(value)
    if transform == "logit":
        return np.log(value) - np.log1p(-np.asarray(value))
    return value


def from_scale(transform: str, value: np.ndarray | float) -> np.ndarray | float:
    """The inverse of :func:`to_scale`: back to model units."""
    if transform == "log":
        return np.exp(value)
    if transform == "logit":
        return 1.0 / (1.0 + np.exp(-np.asarray(value)))
    return value


class _Entry(Strict):
    transform: Transform
    mode: float
    sd: float = Field(ge=0)


class _Record(Strict):
    file: str
    checksum: str
    first_month: str
    last_month: str


class _File(Strict):
    record: _Record
    parameters: dict[str, _Entry]
    covariance: list[list[float]]
    anchors: dict[Literal["imports", "exports"], float]
    held: dict[str, float] = Field(default_factory=dict)
    diagnostics: dict[str, object] = Field(default_factory=dict)


@dataclass(frozen=True)
class Estimates:
    """The fit's posterior, as written by ``simulate fit``.

    Attributes:
        names: the estimated parameters, in the order of the covariance matrix.
        transforms: each one's scale (``linear``, ``log`` or ``logit`` of the model value).
        mode: the posterior mode on those scales.
        covariance: the posterior covariance on those scales (the inverse curvature at the mode).
        anchor_month: the last observed month of the record the fit used.
        anchors: that month's unexplained deviation of imports and exports [log points].
        checksum: SHA-256 of the monthly data file the fit read.
        diagnostics: the fit's own summary (log posterior, evaluations, seconds, residuals).
        held: estimated parameters of mechanisms the model leaves out, at the values that switch them off
            [model units]; they are not drawn.
    """

    names: tuple[str, ...]
    transforms: tuple[str, ...]
    mode: np.ndarray
    covariance: np.ndarray
    anchor_month: np.datetime64
    anchors: dict[str, float]
    checksum: str = ""
    first_month: np.datetime64 = field(default_factory=lambda: np.datetime64("2024-01", "M"))
    diagnostics: dict = field(default_factory=dict)
    held: dict = field(default_factory=dict)

    def index(self, name: str) -> int:
        """The parameter's place in :attr:`names`; :class:`ArgumentError` naming the estimated ones if it is not
        estimated (a parameter taken from the literature, such as ``pass_through``, has no posterior)."""
        if name not in self.names:
            hint = did_you_mean(str(name), self.names)
            raise refuse(
                "Estimates",
                "name",
                f"'{name}' is not estimated{hint}; the estimated parameters: {', '.join(self.names)}",
            )
        return self.names.index(name)

    def value(self, name: str) -> float:
        """The estimate in model units (the inverse transform of the mode)."""
        index = self.index(name)
        return float(from_scale(self.transforms[index], self.mode[index]))

    def sd(self, name: str) -> float:
        """The posterior standard deviation on the parameter's transformed scale."""
        index = self.index(name)
        return math.sqrt(max(float(self.covariance[index, index]), 0.0))

    def interval(self, name: str, level: float = 0.90) -> tuple[float, float]:
        """The central ``level`` posterior interval in model units (normal on the transformed scale)."""
        index = self.index(name)
        z = NormalDist().inv_cdf(0.5 + level / 2)
        spread = z * self.sd(name)
        low, high = self.mode[index] - spread, self.mode[index] + spread
        transform = self.transforms[index]
        return float(from_scale(transform, low)), float(from_scale(transform, high))

    def draw(self, generator: np.random.Generator, count: int, names: tuple[str, ...] | None = None) -> dict:
        """``count`` joint draws of ``names`` (all by default) from the posterior, in model units."""
        chosen = self.names if names is None else names
        rows = [self.index(name) for name in chosen]
        mean = self.mode[rows]
        covariance = self.covariance[np.ix_(rows, rows)]
        # a Cholesky factor would fail on a parameter pinned at a bound (zero variance); the
        # eigen-decomposition handles a semi-definite matrix
        values, vectors = np.linalg.eigh(covariance)
        factor = vectors * np.sqrt(np.clip(values, 0.0, None))
        scaled = mean + generator.standard_normal((count, len(rows))) @ factor.T
        return {
            name: np.asarray(from_scale(self.transforms[row], scaled[:, column]), dtype=float)
            for column, (name, row) in enumerate(zip(chosen, rows, strict=True))
        }


def estimates_path(folder: Path | None = None) -> Path:
    return (folder or seeds_dir()) / ESTIMATES_FILE


@functools.lru_cache(maxsize=4)
def load_estimates(folder: Path | None = None) -> Estimates | None:
    """The estimates in ``seeds/estimates.yaml``, or None when the file does not exist yet."""
    path = estimates_path(folder)
    if not path.exists():
        return None
    found = validate(_File, read_document(path, f"seeds/{ESTIMATES_FILE}", trusted=True))
    names = tuple(found.parameters)
    covariance = np.array(found.covariance, dtype=float).reshape(len(names), len(names))
    return Estimates(
        names,
        tuple(entry.transform for entry in found.parameters.values()),
        np.array([entry.mode for entry in found.parameters.values()]),
        covariance,
        np.datetime64(found.record.last_month, "M"),
        dict(found.anchors),
        found.record.checksum,
        np.datetime64(found.record.first_month, "M"),
        dict(found.diagnostics),
        dict(found.held),
    )
