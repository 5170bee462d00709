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
import re
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, Field

from simulator.inputs.locations import seeds_dir
from simulator.inputs.problems import InputError, Problem, did_you_mean, refuse
from simulator.inputs.schema import Strict, validate
from simulator.inputs.yaml_reader import Document, read_document

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


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, not {value}")
    return value


def _month(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text, re.ASCII):
        raise ValueError(f"'{text}' is not a month written YYYY-MM")
    return text


Finite = Annotated[float, AfterValidator(_finite)]
Month = Annotated[str, AfterValidator(_month)]


class _Entry(Strict):
    transform: Transform
    mode: Finite
    sd: Finite = Field(ge=0)


class _Record(Strict):
    file: str
    checksum: str
    first_month: Month
    last_month: Month


class _File(Strict):
    record: _Record
    parameters: dict[str, _Entry]
    covariance: list[list[Finite]]
    anchors: dict[Literal["imports", "exports"], Finite]
    held: dict[str, Finite] = Field(default_factory=dict)
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


def _shape_problems(document: Document) -> list[Problem]:
    """The covariance's rows and columns that do not match the parameters, one per parameter in their order."""
    data = document.data if isinstance(document.data, dict) else {}
    parameters, covariance = data.get("parameters"), data.get("covariance")
    if not isinstance(parameters, dict) or not isinstance(covariance, list):
        return []
    count = len(parameters)
    shape = f"one row of {count} numbers for each of the {count} parameters, in their order"
    problems = [
        document.problem(("covariance", row), f"{len(numbers)} numbers; expected {shape}")
        for row, numbers in enumerate(covariance)
        if isinstance(numbers, list) and len(numbers) != count
    ]
    if len(covariance) != count:
        problems.append(document.problem(("covariance",), f"{len(covariance)} rows; expected {shape}"))
    return problems


def estimates_path(folder: Path | None = None) -> Path:
    return (folder or seeds_dir()) / ESTIMATES_FILE


@functools.lru_cache(maxsize=4)
def load_estimates(folder: Path | None = None) -> Estimates | None:
    """The estimates in ``seeds/estimates.yaml``, or None when the file does not exist yet."""
    path = estimates_path(folder)
    if not path.exists():
        return None
    document = read_document(path, f"seeds/{ESTIMATES_FILE}", trusted=True)
    problems = _shape_problems(document)
    try:
        found = validate(_File, document)
    except InputError as error:
        raise InputError([*error.problems, *problems]) from None
    if problems:
        raise InputError(problems)
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
