"""Sweeps: a scenario run over a grid of parameter values, on a process pool or a dask cluster.

The grid is every combination of the values given per parameter (written as in a scenario
file: ``80%`` for shares, plain numbers for elasticities). Grid points are split into
batches; each batch is one task that projects all its points at once (the engine takes a
parameter axis) and returns annual or monthly totals. Any ``concurrent.futures.Executor``
runs the tasks: a local process pool by default, or ``dask.distributed``'s
``Client.get_executor()`` for a cluster. Tasks carry only the daily tariff arrays and parameters, never the scenario.

A sweep file (``simulate --sweep FILE``)::

    scenario: documented-2025          # a bundled id, or a path relative to this file
    frequency: annual                  # or monthly
    grid:
      short_run_elasticity: [-0.5, -0.76, -1.0]
      pass_through: [80%, 100%]
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, create_model

from simulator.inputs.distributions import Distribution, is_distribution
from simulator.inputs.facts import load_facts
from simulator.inputs.loading import is_sweep_file, load_file, locate
from simulator.inputs.parameters import PARAMETERS, disorder, ordering_message, value_type
from simulator.inputs.problems import InputError, Problem
from simulator.inputs.quantities import Number, Percent
from simulator.inputs.scenario import Scenario
from simulator.inputs.schema import Strict, validate
from simulator.inputs.yaml_reader import Document, read_document
from simulator.model.projection import anchors, point_parameters, project, with_history
from simulator.model.result import period_totals
from simulator.model.tariff_paths import TariffPaths, tariff_arrays
from simulator.model.variables import VARIABLES, unit
from simulator.uncertainty.executors import local_pool

MAX_POINTS = 1_000_000
MAX_ROWS = 250_000
"""Grid points × periods at most: a 1,000-point monthly sweep over 20 years takes about a minute and 2 GB."""
BATCH = 256
"""Grid points per task: enough to amortise a task's overhead, small enough to spread over workers."""

Grid = create_model(  # type: ignore[call-overload]
    "Grid",
    __base__=Strict,
    **{
        # the items take a value, never null: a scenario's null means 'the default', which a grid cannot try
        name: (list[value_type(spec.rules, spec.limits)] | None, Field(default=None, min_length=1))  # type: ignore[misc]
        for name, spec in PARAMETERS.items()
    },
)
"""The grid: for each parameter, the values to try (each checked exactly as in a scenario file)."""


class SweepFile(Strict):
    scenario: str
    grid: Grid  # type: ignore[valid-type]
    frequency: Literal["monthly", "annual"] = "annual"


GRID = "<grid>"
"""The file name of problems with a grid given in code (the API names its function instead)."""


def read_sweep(path: str | os.PathLike[str]) -> tuple[Scenario, dict[str, list], str]:
    """Load a sweep file: its scenario (found next to the file), grid and frequency; all problems at once, located."""
    path = Path(path)
    document = read_document(path, os.path.relpath(path) if path.is_absolute() else str(path))
    problems: list[Problem] = []
    content = None
    data = document.data
    if isinstance(data, dict) and "grid" not in data and ({"tariffs", "extends", "horizon"} & set(data)):
        message = "this is a scenario file, not a sweep file (it has no 'grid'): run it with 'simulate FILE'"
        raise InputError([document.problem((), message)])
    try:
        content = validate(SweepFile, document, {"facts": load_facts()})
    except InputError as error:
        problems += error.problems
    scenario = None
    name = document.data.get("scenario") if isinstance(document.data, dict) else None
    if isinstance(name, str) and not name.strip():
        problems.append(
            document.problem(("scenario",), "empty: expected a scenario file beside this one or a bundled id")
        )
    elif isinstance(name, str):
        try:
            # beside the sweep file (or a bundled id), never the working folder: as an extends is found
            found = locate(name, path.parent)
            if not found.exists() and not found.is_symlink():
                raise InputError([Problem(name, 1, 1, "", "no such file beside this sweep file, nor a bundled id")])
            if is_sweep_file(found):
                raise InputError([Problem(name, 1, 1, "", "names a sweep file; a sweep runs a scenario")])
            scenario = load_file(found)
        except InputError as error:
            missing = [problem for problem in error.problems if problem.file == name]
            problems += [document.problem(("scenario",), problem.message) for problem in missing]
            problems += [problem for problem in error.problems if problem.file != name]
    grid = {key: values for key, values in content.grid if values is not None} if content is not None else {}
    raw = document.data.get("grid") if isinstance(document.data, dict) else None
    for key, values in raw.items() if isinstance(raw, dict) else ():
        for index, value in enumerate(values if isinstance(values, list) else ()):
            if is_distribution(value):
                problems.append(
                    document.problem(
                        ("grid", key, index), "a grid takes point values, not distributions (use --draws for those)"
                    )
                )
    if content is not None and not grid:
        problems.append(
            document.problem(
                ("grid",), "the grid names no parameter (expected e.g. short_run_elasticity: [-0.5, -1.0])"
            )
        )
    if grid and scenario is not None and not problems:
        try:
            _check_size(grid, document.problem(("grid",), ""), _periods(scenario, content.frequency))  # type: ignore[union-attr]
            _check_order(
                {key: np.array([_model_value(key, value) for value in values]) for key, values in grid.items()},
                point_parameters(scenario),
                cross=True,
            )
        except InputError as error:
            problems += [document.problem(("grid",), problem.message) for problem in error.problems]
    if problems:
        raise InputError(problems)
    return scenario, grid, content.frequency  # type: ignore[return-value, union-attr]


def _periods(scenario: Scenario, frequency: str) -> int:
    """The months or years of the scenario's horizon: the rows a grid point adds to the table, per variable."""
    if frequency == "monthly":
        return (scenario.end.year - scenario.start.year) * 12 + scenario.end.month - scenario.start.month + 1
    return scenario.end.year - scenario.start.year + 1


def _check_size(grid: Mapping[str, Sequence], where: Problem, periods: int = 1) -> None:
    """At most :data:`MAX_POINTS` grid points and :data:`MAX_ROWS` points × periods (the table's size and the time
    it takes grow with both)."""
    size = math.prod(len(values) for values in grid.values())
    message = None
    if size > MAX_POINTS:
        message = (
            f"the grid has {size:,} points, {size * periods:,} rows per variable; at most {MAX_POINTS:,} points and "
            f"{MAX_ROWS:,} rows are allowed"
        )
    elif size * periods > MAX_ROWS:
        message = (
            f"the grid's {size:,} points over {periods:,} periods make {size * periods:,} rows per variable; at most "
            f"{MAX_ROWS:,} are allowed (fewer values, a shorter horizon, or frequency: annual)"
        )
    if message:
        raise InputError([Problem(where.file, where.line, where.column, where.path, message)])


def _validated(grid: Mapping[str, Sequence[Any]]) -> dict[str, list]:
    """A grid given in code, checked as a sweep file's grid would be."""
    document = Document(GRID, {"grid": {name: list(values) for name, values in grid.items()}}, {(): (1, 1)})
    content = validate(create_model("CodeGrid", __base__=Strict, grid=(Grid, ...)), document, {"facts": load_facts()})
    checked = {name: values for name, values in content.grid if values is not None}
    if not checked:
        message = "the grid names no parameter (expected e.g. {'short_run_elasticity': [-0.5, -1.0]})"
        raise InputError([Problem(GRID, 1, 1, "grid", message)])
    return checked


def grid_points(grid: Mapping[str, Sequence]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the last parameter varying fastest."""
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(grid[name] for name in names))]


def sweep(
    scenario: Scenario,
    grid: Mapping[str, Sequence[Any]],
    executor: Executor | None = None,
    frequency: str = "annual",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Project ``scenario`` at every point of ``grid``; one tidy pandas table.

    Columns: ``scenario, point, <one per grid parameter>, date, variable, value, unit``, with
    grid values in the unit they are written in (% for shares and growth). ``executor`` is
    any ``concurrent.futures.Executor`` (default: a process pool on this machine's cores); a
    ``dask.distributed`` cluster serves through ``Client(...).get_executor()``.
    """
    if frequency not in ("monthly", "annual"):
        raise ValueError(f"frequency is 'monthly' or 'annual', not {frequency!r}")
    # one value past the bound is enough to refuse a list (or an endless generator) of too many
    grid = {name: list(itertools.islice(values, MAX_POINTS + 1)) for name, values in grid.items()}
    # values read from a sweep file are checked already; anything else (a pandas Timestamp has a .value too) is not
    already = bool(grid) and all(
        values and all(isinstance(value, (Number, Percent)) for value in values) for values in grid.values()
    )
    # before the values are checked and the points listed: a grid of many parameters makes more of them than memory
    # holds
    _check_size(grid, Problem(GRID, 1, 1, "grid", ""), _periods(scenario, frequency))
    checked = grid if already else _validated(grid)
    points = grid_points(checked)
    modelled, skipped = with_history(scenario)
    paths = tariff_arrays(modelled)
    central = point_parameters(scenario)
    columns = {name: np.array([_model_value(name, point[name]) for point in points]) for name in checked}
    _check_order(columns, central)
    batches = []
    for start in range(0, len(points), BATCH):
        parameters: dict[str, Any] = dict(central)
        parameters.update({name: values[start : start + BATCH] for name, values in columns.items()})
        batches.append((start, parameters))
    owned = executor is None
    executor = executor or local_pool(len(batches))
    try:
        futures = {
            executor.submit(evaluate, paths, frequency, parameters, skipped): start for start, parameters in batches
        }
        results: dict[int, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(len(results), len(batches))
    finally:
        if owned:
            executor.shutdown()
    stamps = results[0][0]
    values = {name: np.concatenate([results[start][1][name] for start, _ in batches]) for name in VARIABLES}
    count, periods = len(points), len(stamps)
    frame = pd.DataFrame(
        {
            "scenario": scenario.id,
            "point": np.repeat(np.arange(count), periods * len(VARIABLES)),
            **{
                name: np.repeat(np.array([_shown(point[name]) for point in points]), periods * len(VARIABLES))
                for name in checked
            },
            "date": np.tile(
                pd.DatetimeIndex(stamps.astype("datetime64[D]").astype("datetime64[ns]")), count * len(VARIABLES)
            ),
            "variable": np.tile(np.repeat(np.array(list(VARIABLES), dtype=object), periods), count),
            "value": np.stack([values[name] for name in VARIABLES], axis=1).reshape(-1),
        }
    )
    frame["unit"] = frame["variable"].map({name: unit(name, frequency) for name in VARIABLES})
    return frame


def evaluate(
    paths: TariffPaths, frequency: str, parameters: dict[str, Any], skipped: int = 0
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One task: project a batch of grid points at once and total them by period (runs on a worker); the first
    ``skipped`` days of the paths, before the scenario's horizon, are left out of the totals."""
    days = paths.days
    count = max((np.size(value) for value in parameters.values()), default=1)
    series = project(paths, parameters, anchors(days, parameters))
    shown = {name: np.broadcast_to(series[name], (count, len(days)))[:, skipped:] for name in VARIABLES}
    return period_totals(days[skipped:], shown, frequency)


def _model_value(name: str, value: Any) -> float:
    if isinstance(value, Distribution):
        raise InputError(
            [Problem(GRID, 1, 1, "grid", "a grid takes point values, not distributions (use --draws for those)")]
        )
    return PARAMETERS[name].model_value(value)


def _check_order(columns: dict[str, np.ndarray], central: dict[str, float], cross: bool = False) -> None:
    """Refuse grid points that break an ordering rule of the registry, as a scenario file would.

    ``columns`` hold one value per grid point, or with ``cross`` each parameter's own list of values.
    """
    values: dict[str, np.ndarray] = {
        name: np.atleast_1d(columns.get(name, np.asarray([central[name]]))) for name in PARAMETERS
    }
    for spec in [spec for spec in PARAMETERS.values() if spec.at_most]:
        ruled, bound = values[spec.name], values[spec.at_most]  # type: ignore[index]
        if cross:
            ruled, bound = (array.ravel() for array in np.meshgrid(ruled, bound, indexing="ij"))
        size = max(len(ruled), len(bound))
        pair = {spec.name: np.broadcast_to(ruled, (size,)), spec.at_most: np.broadcast_to(bound, (size,))}
        for broken_spec, broken in disorder(pair):
            first = int(np.flatnonzero(broken)[0])
            message = f"{int(broken.sum())} grid point(s) break a rule: e.g. " + ordering_message(
                broken_spec, float(pair[spec.name][first]), float(pair[spec.at_most][first])
            )  # type: ignore[index]
            raise InputError([Problem(GRID, 1, 1, "grid", message)])


def _shown(value: Any) -> float:
    """A grid value in the unit it is written in (% for shares and growth)."""
    return float(value.value)
