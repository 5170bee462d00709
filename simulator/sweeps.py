"""Sweeps: a scenario run over a grid of parameter values, on a process pool or a dask cluster.

The grid is every combination of the values given per parameter (written as in a scenario
file: ``80%`` for shares, plain numbers for elasticities). Grid points are split into
batches; each batch is one task that projects all its points at once (the engine takes a
parameter axis) and returns annual or monthly totals. Any ``concurrent.futures.Executor``
runs the tasks: a local process pool by default, or ``dask.distributed``'s
``Client.get_executor()`` for a cluster. Tasks carry only numpy arrays, never the scenario.

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
from pydantic import Field, create_model

from simulator.parameters import Parameters
from simulator.problems import InputError, Problem
from simulator.scenario import Scenario
from simulator.validation import Strict

MAX_POINTS = 1_000_000
BATCH = 256
"""Grid points per task: enough to amortise a task's overhead, small enough to spread over workers."""

Grid = create_model(  # type: ignore[call-overload]
    "Grid", __base__=Strict, **{name: (list[field.annotation] | None, Field(default=None, min_length=1))  # type: ignore[name-defined]
                                for name, field in Parameters.model_fields.items()},
)
"""The grid: for each parameter, the values to try (each checked exactly as in a scenario file)."""


class SweepFile(Strict):
    scenario: str
    grid: Grid  # type: ignore[valid-type]
    frequency: Literal["monthly", "annual"] = "annual"


def read_sweep(path: str | os.PathLike[str]) -> tuple[Scenario, dict[str, list], str]:
    """Load a sweep file: its scenario (resolved next to the file), grid and frequency; every problem at once, located."""
    from simulator.distributions import is_distribution
    from simulator.documents import read_document
    from simulator.facts import load_facts
    from simulator.loading import load_scenario
    from simulator.validation import validate

    path = Path(path)
    document = read_document(path, os.path.relpath(path) if path.is_absolute() else str(path))
    problems: list[Problem] = []
    content = None
    try:
        content = validate(SweepFile, document, {"facts": load_facts()})
    except InputError as error:
        problems += error.problems
    scenario = None
    name = document.data.get("scenario") if isinstance(document.data, dict) else None
    if isinstance(name, str):
        nearby = path.parent / name
        try:
            scenario = load_scenario(nearby if nearby.suffix in (".yaml", ".yml") and nearby.is_file() else name)
        except InputError as error:
            missing = [problem for problem in error.problems if problem.file == name]
            problems += [document.problem(("scenario",), problem.message) for problem in missing]
            problems += [problem for problem in error.problems if problem.file != name]
    grid = {key: values for key, values in content.grid if values is not None} if content is not None else {}
    raw = document.data.get("grid") if isinstance(document.data, dict) else None
    for key, values in (raw.items() if isinstance(raw, dict) else ()):
        for index, value in enumerate(values if isinstance(values, list) else ()):
            if is_distribution(value):
                problems.append(document.problem(("grid", key, index), "a grid takes point values, not distributions (use --draws for those)"))
    if content is not None and not grid:
        problems.append(document.problem(("grid",), "the grid names no parameter (expected e.g. short_run_elasticity: [-0.5, -1.0])"))
    if grid and scenario is not None and not problems:
        try:
            _check_size(grid, document.problem(("grid",), ""))
            _check_elasticities({key: np.array([_model_value(value) for value in values]) for key, values in grid.items()
                                 if key in ("short_run_elasticity", "long_run_elasticity")}, _point(scenario), cross=True)
        except InputError as error:
            problems += [document.problem(("grid",), problem.message) for problem in error.problems]
    if problems:
        raise InputError(problems)
    return scenario, grid, content.frequency  # type: ignore[return-value, union-attr]


def _point(scenario: Scenario) -> dict[str, float]:
    from simulator.projection import point_parameters

    return point_parameters(scenario)


def _check_size(grid: Mapping[str, Sequence], where: Problem) -> None:
    size = math.prod(len(values) for values in grid.values())
    if size > MAX_POINTS:
        raise InputError([Problem(where.file, where.line, where.column, where.path, f"the grid has {size:,} points; at most {MAX_POINTS:,} are allowed")])


def _validated(grid: Mapping[str, Sequence[Any]]) -> dict[str, list]:
    """A grid given in code, checked as a sweep file's grid would be."""
    from simulator.documents import Document
    from simulator.facts import load_facts
    from simulator.validation import validate

    document = Document("<grid>", {"grid": {name: list(values) for name, values in grid.items()}}, {(): (1, 1)})
    content = validate(create_model("CodeGrid", __base__=Strict, grid=(Grid, ...)), document, {"facts": load_facts()})
    checked = {name: values for name, values in content.grid if values is not None}
    _check_size(checked, Problem("<grid>", 1, 1, "grid", ""))
    return checked


def grid_points(grid: Mapping[str, Sequence]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the last parameter varying fastest."""
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(grid[name] for name in names))]


def sweep(scenario: Scenario | str, grid: Mapping[str, Sequence[Any]], executor: Executor | None = None, frequency: str = "annual",
          progress: Callable[[int, int], None] | None = None):
    """Project ``scenario`` at every point of ``grid``; one tidy pandas table.

    Columns: ``scenario, point, <one per grid parameter>, date, variable, value, unit``, with
    grid values in the unit they are written in (% for shares and growth). ``executor`` is
    any ``concurrent.futures.Executor`` (default: a process pool on this machine's cores); a
    ``dask.distributed`` cluster serves through ``Client(...).get_executor()``.
    """
    import pandas as pd

    from simulator.loading import load_scenario
    from simulator.projection import MODEL_PARAMETERS, point_parameters
    from simulator.result import VARIABLES, unit
    from simulator.timeline import tariff_arrays

    if isinstance(scenario, str):
        scenario = load_scenario(scenario)
    if frequency not in ("monthly", "annual"):
        raise ValueError(f"frequency is 'monthly' or 'annual', not {frequency!r}")
    grid = {name: list(values) for name, values in grid.items()}
    already = all(values and all(hasattr(value, "value") for value in values) for values in grid.values())
    checked = grid if already else _validated(grid)
    points = grid_points(checked)
    paths = tariff_arrays(scenario)
    central = point_parameters(scenario)
    columns = {name: np.array([_model_value(point[name]) for point in points]) for name in checked}
    _check_elasticities(columns, central)
    inputs = {"days": paths.days, "us_total": paths.total("us_on_china"), "us_base": paths.base["us_on_china"],
              "china_total": paths.total("china_on_us"), "china_base": paths.base["china_on_us"], "frequency": frequency,
              "us_headline": paths.headline["us_on_china"], "china_headline": paths.headline["china_on_us"]}
    batches = []
    for start in range(0, len(points), BATCH):
        parameters: dict[str, Any] = {name: central[name] for name in MODEL_PARAMETERS}
        parameters.update({name: values[start:start + BATCH] for name, values in columns.items()})
        batches.append((start, parameters))
    owned = executor is None
    executor = executor or _local_pool(len(batches))
    try:
        futures = {executor.submit(evaluate, inputs, parameters): start for start, parameters in batches}
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
    frame = pd.DataFrame({
        "scenario": scenario.id,
        "point": np.repeat(np.arange(count), periods * len(VARIABLES)),
        **{name: np.repeat(np.array([_shown(point[name]) for point in points]), periods * len(VARIABLES)) for name in checked},
        "date": np.tile(pd.DatetimeIndex(stamps.astype("datetime64[D]").astype("datetime64[ns]")), count * len(VARIABLES)),
        "variable": np.tile(np.repeat(np.array(VARIABLES, dtype=object), periods), count),
        "value": np.stack([values[name] for name in VARIABLES], axis=1).reshape(-1),
    })
    frame["unit"] = frame["variable"].map({name: unit(name, frequency) for name in VARIABLES})
    return frame


def evaluate(inputs: dict[str, Any], parameters: dict[str, Any]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One task: project a batch of grid points at once and total them by period (runs on a worker)."""
    from simulator.projection import project
    from simulator.result import RATES, VARIABLES, period_totals

    days = inputs["days"]
    count = max((np.size(value) for value in parameters.values()), default=1)
    series = project(days, inputs["us_total"], inputs["us_base"], inputs["china_total"], inputs["china_base"], parameters)
    series.update(zip(RATES, (inputs["us_total"], inputs["china_total"], inputs["us_headline"], inputs["china_headline"]), strict=True))
    full = {name: np.broadcast_to(series[name], (count, len(days))) for name in VARIABLES}
    return period_totals(days, full, inputs["frequency"])


def _model_value(value: Any) -> float:
    from simulator.distributions import Distribution
    from simulator.quantities import Percent

    if isinstance(value, Distribution):
        raise InputError([Problem("<grid>", 1, 1, "grid", "a grid takes point values, not distributions (use --draws for those)")])
    return value.value / 100.0 if isinstance(value, Percent) else float(value.value)


def _check_elasticities(columns: dict[str, np.ndarray], central: dict[str, float], cross: bool = False) -> None:
    """Refuse grid points whose long-run elasticity is smaller in size than the short-run one, as a scenario file would.

    ``columns`` hold one value per grid point, or with ``cross`` each parameter's own list of values.
    """
    short = columns.get("short_run_elasticity", np.asarray([central["short_run_elasticity"]]))
    long = columns.get("long_run_elasticity", np.asarray([central["long_run_elasticity"]]))
    if cross:
        short, long = (array.ravel() for array in np.meshgrid(short, long, indexing="ij"))
    size = max(len(short), len(long))
    short, long = np.broadcast_to(short, (size,)), np.broadcast_to(long, (size,))
    wrong = np.flatnonzero(long > short)
    if len(wrong):
        first = int(wrong[0])
        message = (f"{len(wrong)} grid point(s) have a long-run elasticity smaller in size than the short-run one, e.g. "
                   f"long {long[first]:g} with short {short[first]:g} (expected long_run_elasticity <= short_run_elasticity)")
        raise InputError([Problem("<grid>", 1, 1, "grid", message)])


def _shown(value: Any) -> float:
    """A grid value in the unit it is written in (% for shares and growth)."""
    return float(value.value)


def _local_pool(tasks: int) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=max(1, min(tasks, os.cpu_count() or 1)), mp_context=context)


def cluster_executor(address: str):
    """An executor on the dask.distributed scheduler at ``address`` (e.g. tcp://10.0.0.5:8786), and its client."""
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("--scheduler needs dask.distributed: pip install -e '.[distributed]'") from None
    client = Client(address, timeout="10s")
    return client.get_executor(), client
