"""Estimation of the behaviour parameters from the monthly record, with priors from the literature.

The model is fed the documented tariff path (the ``documented-2025`` scenario) and compared
with the Census months after the calibration year. The log deviation of each observed month
from the model is an AR(1) process per flow (:mod:`simulator.model.noise`); the estimate is
the mode of the posterior, the AR(1) likelihood times the registry's priors (normal on each
parameter's transformed scale), and its uncertainty the inverse curvature at the mode (a
Laplace approximation). docs/model.md, "Estimation", writes the equations down.

A mechanism is switched off by holding its parameter at the value that removes it
(:data:`MECHANISMS`); the rolling-origin backtest refits with each switched off in turn.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from simulator.inputs.estimates import Estimates
from simulator.inputs.loading import load_file, locate
from simulator.inputs.parameters import PARAMETERS, ParameterSpec, default_parameters
from simulator.inputs.scenario import Scenario
from simulator.inputs.trade_data import default_path
from simulator.model.observed import CALIBRATION_YEAR, Observed, observed
from simulator.model.projection import flows
from simulator.model.tariff_paths import TariffPaths, tariff_arrays

ESTIMATION_SCENARIO = "documented-2025"
"""The scenario whose tariff path is what was done: the path the record answers."""

MECHANISMS: dict[str, dict[str, float]] = {
    "switching by US buyers": {"import_switching_elasticity": 0.0},
    "switching by Chinese buyers": {"export_switching_elasticity": 0.0},
    "persistence": {"recovery_slowness": 1.0},
    "tariff risk": {"truce_lapse_probability": 0.0},
    "anticipation": {"anticipation_share": 0.0},
    "import trend": {"import_growth": 0.0},
    "export trend": {"export_growth": 0.0},
}
"""Each mechanism of docs/model.md and the parameter values [model units] that switch it off."""

SWITCHED_OFF: tuple[str, ...] = ("switching by Chinese buyers", "persistence", "import trend")
"""Mechanisms the bundled estimates leave out: those that made the out-of-sample score worse (docs/model.md)."""

STEP = 1e-3
"""Finite-difference step of the curvature [transformed units]."""

STARTS = 1
"""Starting points of the optimiser: the prior centre, then points a spread away on alternate sides.

``simulate fit`` uses three and reports whether they agree (they have: the posterior has one mode)."""


@dataclass(frozen=True)
class Record:
    """The observed months a fit uses: after the calibration year, up to ``last`` [USD bn/month]."""

    months: np.ndarray
    imports: np.ndarray
    exports: np.ndarray

    @classmethod
    def up_to(cls, last: np.datetime64 | str | None = None, history: Observed | None = None) -> Record:
        history = history or observed()
        keep = history.months >= np.datetime64(str(CALIBRATION_YEAR + 1), "M")
        if last is not None:
            keep &= history.months <= np.datetime64(last, "M")
        return cls(history.months[keep], history.imports[keep], history.exports[keep])


@dataclass(frozen=True)
class Setup:
    """What one fit needs, computed once: the tariff paths, the months and which parameters move."""

    paths: TariffPaths
    record: Record
    month_starts: np.ndarray
    fitted_rows: np.ndarray
    names: tuple[str, ...]
    specs: tuple[ParameterSpec, ...]
    fixed: dict[str, float]
    prior_mean: np.ndarray
    prior_spread: np.ndarray
    bounds: tuple[tuple[float | None, float | None], ...]

    def parameters(self, theta: np.ndarray) -> dict[str, float]:
        """Model-unit parameters at ``theta`` (transformed scale) with the fixed ones."""
        values = dict(self.fixed)
        for spec, value in zip(self.specs, theta, strict=True):
            values[spec.name] = float(spec.from_scale(value))
        return values


def estimated_names(switched_off: Iterable[str] = SWITCHED_OFF) -> tuple[str, ...]:
    """The parameters a fit estimates, in registry order: all marked ``estimated`` but those switched off."""
    held = {name for mechanism in switched_off for name in MECHANISMS[mechanism]}
    return tuple(name for name, spec in PARAMETERS.items() if spec.estimated is not None and name not in held)


def month_grid(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each month's first day index on the grid and the months [datetime64[M]]."""
    months = days.astype("datetime64[M]")
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    return starts, months[starts]


def setup(
    record: Record,
    scenario: Scenario | None = None,
    switched_off: Iterable[str] = SWITCHED_OFF,
    months_ahead: int = 0,
) -> Setup:
    """Prepare a fit to ``record`` on ``scenario``'s tariff path (the documented one by default).

    The day grid runs from the calibration year to ``months_ahead`` months after the record's
    last month, so that a projection from the fit can be scored on later months.
    """
    switched_off = tuple(switched_off)
    scenario = scenario or load_file(locate(ESTIMATION_SCENARIO))
    last = record.months[-1] + months_ahead + 1
    end = (last.astype("datetime64[D]") - 1).item()
    grid = replace(scenario, start=scenario.start.replace(year=CALIBRATION_YEAR, month=1, day=1), end=end)
    paths = tariff_arrays(grid)
    starts, months = month_grid(paths.days)
    rows = np.searchsorted(months, record.months)
    names = estimated_names(switched_off)
    specs = tuple(PARAMETERS[name] for name in names)
    fixed = {name: value for name, value in default_parameters().numbers().items() if name not in names}
    for mechanism in switched_off:
        fixed.update(MECHANISMS[mechanism])
    return Setup(
        paths,
        record,
        starts,
        rows,
        names,
        specs,
        fixed,
        np.array([spec.prior_mean() for spec in specs]),
        np.array([spec.prior_spread() for spec in specs]),
        tuple(spec.scale_bounds() for spec in specs),
    )


def monthly(setup: Setup, parameters: Mapping[str, np.ndarray | float], shocks=None) -> tuple[np.ndarray, np.ndarray]:
    """Model imports and exports per month of the grid [USD bn/month] (a leading draw axis if parameters carry one)."""
    series = flows(setup.paths, dict(parameters), shocks)
    return (
        np.add.reduceat(series["us_imports_from_china"], setup.month_starts, axis=-1),
        np.add.reduceat(series["us_exports_to_china"], setup.month_starts, axis=-1),
    )


def deviations(setup: Setup, parameters: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Log deviation of each observed month from the model: ln(record) - ln(model), imports and exports."""
    imports, exports = monthly(setup, parameters)
    rows = setup.fitted_rows
    return np.log(setup.record.imports) - np.log(imports[rows]), np.log(setup.record.exports) - np.log(exports[rows])


def ar1_log_likelihood(residuals: np.ndarray, spread: float, persistence: float) -> float:
    """Exact Gaussian log likelihood of an AR(1) series with innovation sd ``spread``, started stationary."""
    if len(residuals) == 0:
        return 0.0
    variance = spread**2
    first = variance / (1.0 - persistence**2)
    innovations = residuals[1:] - persistence * residuals[:-1]
    return -0.5 * (
        math.log(2 * math.pi * first)
        + residuals[0] ** 2 / first
        + len(innovations) * math.log(2 * math.pi * variance)
        + float(innovations @ innovations) / variance
    )


def log_prior(setup: Setup, theta: np.ndarray) -> float:
    """Sum of the normal log densities of the priors on the transformed scale (constants dropped)."""
    z = (theta - setup.prior_mean) / setup.prior_spread
    return -0.5 * float(z @ z)


def negative_log_posterior(theta: np.ndarray, setup: Setup) -> float:
    parameters = setup.parameters(theta)
    imports, exports = deviations(setup, parameters)
    likelihood = ar1_log_likelihood(imports, parameters["import_noise"], parameters["noise_persistence"])
    likelihood += ar1_log_likelihood(exports, parameters["export_noise"], parameters["noise_persistence"])
    value = -(likelihood + log_prior(setup, theta))
    return value if math.isfinite(value) else 1e12


def curvature(function, point: np.ndarray, free: np.ndarray, step: float = STEP) -> np.ndarray:
    """Second derivatives of ``function`` at ``point`` by central differences, over the ``free`` coordinates."""
    count = len(point)
    hessian = np.zeros((count, count))
    centre = function(point)
    moves = np.eye(count) * step
    for i in np.flatnonzero(free):
        forward, backward = function(point + moves[i]), function(point - moves[i])
        hessian[i, i] = (forward - 2 * centre + backward) / step**2
        for j in np.flatnonzero(free):
            if j <= i:
                continue
            both = (
                function(point + moves[i] + moves[j])
                - function(point + moves[i] - moves[j])
                - function(point - moves[i] + moves[j])
                + function(point - moves[i] - moves[j])
            )
            hessian[i, j] = hessian[j, i] = both / (4 * step**2)
    return hessian


def posterior_covariance(hessian: np.ndarray, free: np.ndarray, prior_spread: np.ndarray) -> np.ndarray:
    """The inverse curvature over the free coordinates (0 for parameters held at a bound).

    The likelihood adds curvature to the prior's, so in units of the prior spreads every
    eigenvalue is at least 1; a direction a kink of the model bends the wrong way, or the data
    leave flat, gets the prior's curvature, never a negative or runaway variance.
    """
    count = len(free)
    covariance = np.zeros((count, count))
    rows = np.flatnonzero(free)
    if len(rows):
        spread = prior_spread[rows]
        block = hessian[np.ix_(rows, rows)] * np.outer(spread, spread)
        values, vectors = np.linalg.eigh((block + block.T) / 2)
        values = np.maximum(values, 1.0)
        covariance[np.ix_(rows, rows)] = ((vectors / values) @ vectors.T) * np.outer(spread, spread)
    return covariance


@dataclass(frozen=True)
class Fit:
    """One estimation: the posterior and how the model meets the record.

    Attributes:
        setup: what was fitted (record, path, fixed parameters).
        estimates: mode, covariance and anchors, as ``seeds/estimates.yaml`` stores them.
        parameters: every parameter at the estimate [model units].
        residuals: log deviations of each observed month from the fitted model (imports, exports).
        seconds: time the estimation took [s].
        evaluations: model runs it needed.
    """

    setup: Setup
    estimates: Estimates
    parameters: dict[str, float]
    residuals: tuple[np.ndarray, np.ndarray]
    seconds: float
    evaluations: int
    log_posterior: float
    details: dict = field(default_factory=dict)

    def frame(self, level: float = 0.90) -> pd.DataFrame:
        """Each estimated parameter in the unit a scenario writes it (a percentage as 68.5, not 0.685): its label,
        the estimate, the bounds of its central ``level`` posterior interval, and the unit."""
        rows = []
        for name in self.estimates.names:
            spec = PARAMETERS[name]
            low, high = self.estimates.interval(name, level)
            written = [value / spec.rules.scale for value in (self.estimates.value(name), low, high)]
            rows.append(
                {
                    "parameter": name,
                    "label": spec.label,
                    "estimate": written[0],
                    "low": written[1],
                    "high": written[2],
                    "unit": spec.unit,
                }
            )
        return pd.DataFrame(rows, columns=["parameter", "label", "estimate", "low", "high", "unit"])


def data_checksum() -> str:
    """SHA-256 of the monthly data file the record comes from."""
    return hashlib.sha256(default_path().read_bytes()).hexdigest()


def fit(
    last_month: np.datetime64 | str | None = None,
    switched_off: Iterable[str] = SWITCHED_OFF,
    scenario: Scenario | None = None,
    record: Record | None = None,
    months_ahead: int = 0,
    starts: int = STARTS,
    start: Mapping[str, float] | None = None,
) -> Fit:
    """Estimate the behaviour parameters on the record up to ``last_month`` (all of it by default).

    ``switched_off`` names mechanisms of :data:`MECHANISMS` held at their neutral values;
    ``record`` replaces the Census months (the coverage test fits simulated data); ``start``
    gives the optimiser's first point [model units] in place of the prior centre.
    """
    began = time.perf_counter()
    switched_off = tuple(switched_off)
    record = record or Record.up_to(last_month)
    prepared = setup(record, scenario, switched_off, months_ahead)
    counter = {"runs": 0}

    def objective(theta: np.ndarray) -> float:
        counter["runs"] += 1
        return negative_log_posterior(theta, prepared)

    best = None
    modes = []
    centre = prepared.prior_mean
    if start is not None:
        centre = np.array([float(spec.to_scale(start[spec.name])) for spec in prepared.specs])
    for attempt in range(starts):
        offset = (attempt + 1) // 2 * (1 if attempt % 2 else -1)
        first = np.clip(
            centre + offset * prepared.prior_spread * np.where(np.arange(len(prepared.names)) % 2, 1, -1),
            [low if low is not None else -np.inf for low, _ in prepared.bounds],
            [high if high is not None else np.inf for _, high in prepared.bounds],
        )
        found = minimize(
            objective, first, method="L-BFGS-B", bounds=prepared.bounds, options={"maxiter": 500, "ftol": 1e-10}
        )
        modes.append(float(found.fun))
        if best is None or found.fun < best.fun:
            best = found
    mode = best.x
    # the curvature is taken on both sides of every parameter, also one the mode holds at a bound: its
    # posterior is then cut there, and draws are kept inside (a zero variance would claim certainty)
    free = np.ones(len(mode), dtype=bool)
    covariance = posterior_covariance(curvature(objective, mode, free), free, prepared.prior_spread)
    parameters = prepared.parameters(mode)
    residuals = deviations(prepared, parameters)
    estimates = Estimates(
        prepared.names,
        tuple(spec.estimated.transform for spec in prepared.specs),  # type: ignore[union-attr]
        mode,
        covariance,
        record.months[-1],
        {"imports": float(residuals[0][-1]), "exports": float(residuals[1][-1])},
        data_checksum(),
        record.months[0],
        held={name: value for mechanism in switched_off for name, value in MECHANISMS[mechanism].items()},
    )
    seconds = time.perf_counter() - began
    details = {"starts": starts, "spread_of_optima": max(modes) - min(modes), "converged": bool(best.success)}
    return Fit(prepared, estimates, parameters, residuals, seconds, counter["runs"], -float(best.fun), details)
