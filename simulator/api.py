"""The public API: the one place that turns ids and paths into scenarios and chooses a point run or Monte Carlo.

Everything here is re-exported by ``import simulator`` (lazily, so that importing the package
stays light), as are ``fit`` and ``backtest`` from :mod:`simulator.fitting`, which need scipy::

    scenario = simulator.load_scenario("documented-2025")
    paths = simulator.tariff_paths(scenario)       # daily tariff rates [%]
    result = simulator.run(scenario)               # result.monthly [USD bn/month], .plot("trade")

Arguments are checked before any work starts, as the command line checks its options: a wrong
``draws``, ``seed``, ``quantiles`` or scenario raises :class:`ArgumentError`, a subclass of
:class:`InputError` (and of ``ValueError``) whose problems name the function as the file
(``run()``) and the argument as the field (``draws``), with line and column 0 (no file)::

    run(): draws: expected a whole number of draws (an int) from 0 to 100,000, not 1.5

``draws`` is at most :data:`MAX_DRAWS` (100,000: minutes of work, not hours) unless ``max_draws=`` raises
the bound on purpose. Problems of a :func:`what_if` built in code are located the same way, with
the field's path: ``what_if(): parameters.pass_through: a rate needs a percent sign ...``.
"""

from __future__ import annotations

import functools
import math
import numbers
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import pandas as pd

from simulator.inputs.loading import load_file, locate, scenario_extending
from simulator.inputs.loading import scenario_from_data as _from_data
from simulator.inputs.locations import bundled_ids
from simulator.inputs.problems import (
    NO_POSITION,
    ArgumentError,
    InputError,
    Problem,
    argument_problem,
    did_you_mean,
    refuse,
)
from simulator.inputs.scenario import Scenario as _Scenario
from simulator.model.projection import counterfactual, point_projection
from simulator.model.result import check_frequency
from simulator.model.tariff_paths import paths_frame, tariff_arrays
from simulator.model.variables import VARIABLES
from simulator.outputs.colours import scenario_colours
from simulator.outputs.key_numbers import BASELINE_ID
from simulator.outputs.notebook import Comparison, Result, Scenario, presentable
from simulator.uncertainty import sweeps
from simulator.uncertainty.draws import monte_carlo
from simulator.uncertainty.quantiles import QUANTILES
from simulator.uncertainty.tornado import full_years
from simulator.uncertainty.tornado import tornado as input_swings

__all__ = [
    "MAX_DRAWS",
    "ArgumentError",
    "Comparison",
    "InputError",
    "Result",
    "Scenario",
    "bundled_ids",
    "compare",
    "load_scenario",
    "run",
    "scenario_from_data",
    "sweep",
    "tariff_paths",
    "tornado",
    "what_if",
]


MAX_DRAWS = 100_000
"""The most Monte Carlo draws :func:`run` and :func:`compare` take unless ``max_draws=`` says otherwise.

100,000 draws take a minute or two on one core (10**9 would take days); past 10,000 draws
quantiles are read off a fixed-size histogram, exact to a bin's width.
"""


def _is_whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_draws(function: str, draws: Any, max_draws: Any) -> int:
    if not _is_whole(max_draws) or max_draws < 0:
        raise refuse(function, "max_draws", f"expected a whole number (an int) of 0 or more, not {max_draws!r}")
    expected = f"a whole number of draws (an int) from 0 to {max_draws:,}"
    if not _is_whole(draws):
        hint = " (write it as an int, such as 10_000)" if isinstance(draws, float) and draws.is_integer() else ""
        raise refuse(function, "draws", f"expected {expected}, not {draws!r}{hint}")
    if draws < 0:
        raise refuse(function, "draws", f"expected {expected} (0 is a point projection), not {draws}")
    if draws > max_draws:
        raise refuse(
            function,
            "draws",
            f"{draws:,} draws is more than the {max_draws:,} a run takes unless asked (10,000 draws take "
            f"seconds, 10**9 take days); pass max_draws={draws} to allow it on purpose",
        )
    return int(draws)


def _check_seed(function: str, seed: Any) -> int | None:
    if seed is None:
        return None
    if not _is_whole(seed) or seed < 0:
        raise refuse(function, "seed", f"expected None or a whole number (an int) of 0 or more, not {seed!r}")
    return int(seed)


def _check_quantiles(function: str, quantiles: Any) -> tuple[float, ...] | None:
    if quantiles is None:
        return None
    expected = "percent levels from 0 to 100, such as (5, 50, 95)"
    if isinstance(quantiles, (str, bytes, Mapping)) or not isinstance(quantiles, Iterable):
        raise refuse(function, "quantiles", f"expected a sequence of {expected}, not {quantiles!r}")
    levels = tuple(quantiles)
    if not levels:
        raise refuse(function, "quantiles", f"expected at least one level: {expected}")
    for level in levels:
        if not isinstance(level, numbers.Real) or isinstance(level, bool) or not math.isfinite(level):
            raise refuse(function, "quantiles", f"expected {expected}, not {level!r} in {levels!r}")
        if not 0 <= level <= 100:
            raise refuse(function, "quantiles", f"{level!r} is outside 0 to 100; expected {expected}")
    if max(levels) <= 1:
        percents = ", ".join(f"{100 * level:g}" for level in levels)
        raise refuse(
            function,
            "quantiles",
            f"expected {expected}, not fractions {levels!r} (write ({percents}))",
        )
    if len(set(levels)) != len(levels):
        raise refuse(function, "quantiles", f"each level once, please: {levels!r} repeats one")
    return tuple(float(level) for level in levels)


def _check_progress(function: str, progress: Any) -> None:
    if progress is not None and not callable(progress):
        raise refuse(function, "progress", f"expected None or a function progress(done, total), not {progress!r}")


def _check_source(function: str, name: str, value: Any, *, scenario_objects: bool = True) -> None:
    """A scenario argument: a Scenario (where allowed), a bundled id or a path to a YAML file."""
    what = "a Scenario, a bundled id such as 'documented-2025' or a path to a YAML file"
    if not scenario_objects:
        what = "a bundled id such as 'documented-2025' or a path to a YAML file"
    if scenario_objects and isinstance(value, _Scenario):
        return
    if isinstance(value, _Scenario):
        raise refuse(function, name, f"expected {what}, not a Scenario object (give its file, or extend it in YAML)")
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise refuse(function, name, f"expected {what}, not {value!r}")


def load_scenario(path_or_id: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario from a YAML path or a bundled id (``'geneva-truce'``).

    Raises :class:`InputError` listing every problem in the file and in the files it extends, and
    :class:`ArgumentError` when ``path_or_id`` is neither text nor a path.
    """
    _check_source("load_scenario", "path_or_id", path_or_id, scenario_objects=False)
    return presentable(load_file(locate(path_or_id)))


def scenario_from_data(data: dict[str, Any], scenario_id: str, name: str = "<code>") -> Scenario:
    """Validate a scenario given as Python data, exactly as a YAML file would be; ``data`` may hold ``extends``.

    Problems in ``data`` are raised as :class:`ArgumentError` with ``name`` as the file and the
    field's path (``parameters.pass_through``); problems in files it extends keep their place.
    """
    if not isinstance(data, Mapping):
        raise refuse("scenario_from_data", "data", f"expected a mapping of scenario fields, not {data!r}")
    _check_id("scenario_from_data", scenario_id)
    if not isinstance(name, str) or not name.strip() or not name.isprintable() or len(name) > MAX_ID:
        raise refuse(
            "scenario_from_data", "name", f"expected a short name for messages, such as '<code>', not {name!r:.80}"
        )
    return _from_code(dict(data), scenario_id, name)


MAX_ID = 120
"""The longest scenario id or name accepted from code [characters], as a file name would allow."""


def _check_id(function: str, scenario_id: Any) -> None:
    """A scenario id shown in tables and legends: text of printable characters, no folder separator, not too long."""
    if (
        not isinstance(scenario_id, str)
        or not scenario_id.strip()
        or not scenario_id.isprintable()
        or any(separator in scenario_id for separator in ("/", "\\"))
        or len(scenario_id) > MAX_ID
    ):
        raise refuse(
            function,
            "scenario_id",
            f"expected a name such as 'my-what-if' (printable, no '/', at most {MAX_ID} characters), not "
            f"{scenario_id!r:.80}",
        )


def _from_code(
    data: dict[str, Any],
    scenario_id: str,
    name: str,
    renames: Mapping[str, str] | None = None,
    base: _Scenario | None = None,
) -> Scenario:
    """Validate data built in code, on ``base`` when given; its problems point at the field (no lines in code), a
    parent's at its file."""
    try:
        if base is not None:
            return presentable(scenario_extending(base, data, scenario_id, name))
        return presentable(_from_data(data, scenario_id, name))
    except InputError as error:
        renames = renames or {}
        problems = [
            Problem(name, NO_POSITION, NO_POSITION, renames.get(problem.path, problem.path), problem.message)
            if problem.file == name
            else problem
            for problem in error.problems
        ]
        raise ArgumentError(problems) from None


def what_if(
    base: _Scenario | str | os.PathLike[str], title: str, scenario_id: str | None = None, **fields: Any
) -> Scenario:
    """A scenario extending ``base`` (a Scenario, a bundled id or a YAML path), built in code and checked exactly as a
    YAML file. A Scenario may itself come from ``what_if``: what-ifs build on one another as files do.

    ``fields`` are the scenario file's keys: ``tariffs``, ``parameters``, ``horizon``,
    ``events``, ``description``; values as in YAML (``"30%"``, ``{"fact": "..."}``). ``scenario_id`` is its
    short name in tables and file names; by default the title's words joined by hyphens ('Lower pass-through'
    gives 'lower-pass-through'), so what-ifs with different titles can be compared.

    Raises :class:`ArgumentError` listing every problem at once, each at its field:
    ``what_if(): parameters.pass_through: a share needs a percent sign: write '80%' if you mean 80 percent``
    (problems inside ``base``'s own file keep their file, line and column).
    """
    _check_source("what_if", "base", base)
    if not isinstance(title, str):
        raise refuse("what_if", "title", f"expected the what-if's title as text, not {title!r}")
    if scenario_id is None:
        scenario_id = "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:60].strip("-") or "what-if"
    _check_id("what_if", scenario_id)
    if "extends" in fields or "title" in fields:
        raise refuse("what_if", "extends", "give the scenario to extend as base=..., not extends=...")
    if isinstance(base, _Scenario):
        return _from_code({"title": title, **fields}, scenario_id, "what_if()", base=base)
    data = {"title": title, "extends": os.fspath(base), **fields}
    return _from_code(data, scenario_id, "what_if()", {"extends": "base"})


def tariff_paths(scenario: _Scenario | str) -> pd.DataFrame:
    """Daily tariff paths as a pandas DataFrame indexed by day, in percent.

    Columns [%]: ``us_additional_tariff_on_china`` and ``china_additional_tariff_on_us`` (headline
    add-on as reported), ``us_effective_additional_tariff_on_china`` and
    ``china_effective_additional_tariff_on_us`` (coverage-weighted sum of all measures), and that
    effective add-on split by legal authority, one column each (``us_effective_additional_tariff_on_china_ieepa``,
    ``…_section_232``, ``…_section_301``, ``china_effective_additional_tariff_on_us_retaliation``, …).
    """
    return paths_frame(tariff_arrays(_scenario(scenario, "tariff_paths")))


@functools.lru_cache(maxsize=1)
def _baseline() -> _Scenario:
    return load_file(locate(BASELINE_ID))


def run(
    scenario: _Scenario | str | os.PathLike[str],
    draws: int = 0,
    seed: int | None = None,
    quantiles: Sequence[float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    max_draws: int = MAX_DRAWS,
) -> Result:
    """Project a scenario (or a bundled id / YAML path) day by day.

    With ``draws=0`` (the default) parameters take their point values and the tariff path is
    followed as written. With ``draws=N`` the result also holds quantiles (``quantiles``,
    default 5, 25, 50, 75, 95 [%]) of every monthly and annual output over N Monte Carlo draws
    of the uncertain parameters, truce renewals and the months' unexplained deviations (which
    parameters vary, and from what: ``docs/model.md``, "Uncertainty"; ``result.uncertainty.drawn``
    lists them); the same ``seed`` gives the same quantiles. ``progress(done, total)`` is called
    after each chunk of draws. A what-if (a scenario that extends another) is run on the same draws as the scenario
    it extends, so ``result.effects()`` gives its effect with a range.

    Arguments, checked before any work (:class:`ArgumentError` says what was expected):

    - ``scenario``: a :class:`Scenario`, a bundled id or a path to a YAML file;
    - ``draws``: a whole number (an int, not a float or bool) from 0 to ``max_draws``
      (:data:`MAX_DRAWS`, 100,000, unless raised on purpose with ``max_draws=``);
    - ``seed``: None (fresh entropy, reported in the result) or an int of 0 or more;
    - ``quantiles``: None or a non-empty sequence of distinct percent levels from 0 to 100.

    ``seed`` and ``quantiles`` are checked with ``draws=0`` too, and then change nothing: a point
    projection uses no random numbers.

    Returns a :class:`Result`: ``monthly`` [USD bn/month, %] and ``annual`` [USD bn/year, %] frames, ``to_frame()``
    (the same as one tidy table with a unit column), ``plot()``, ``against_census()`` (the months Census observed)
    and ``key_numbers()`` against ``baseline-2024`` over the same horizon and parameters.
    """
    draws = _check_draws("run", draws, max_draws)
    seed = _check_seed("run", seed)
    levels = _check_quantiles("run", quantiles)
    _check_progress("run", progress)
    scenario = _scenario(scenario, "run")
    point = point_projection(scenario)
    baseline = point_projection(counterfactual(_baseline(), scenario))
    parent = scenario.extended_over_horizon()
    summary = monte_carlo(scenario, draws, seed, levels or QUANTILES, progress, against=parent) if draws else None
    return Result(scenario, point.days, point.series, uncertainty=summary, baseline=baseline)


def compare(
    scenarios: Sequence[_Scenario | str | os.PathLike[str]],
    draws: int = 0,
    seed: int | None = None,
    *,
    max_draws: int = MAX_DRAWS,
) -> Comparison:
    """Run each scenario (objects, bundled ids or YAML paths) and line them up.

    ``scenarios`` is a non-empty list (not a single id); ``draws``, ``seed`` and ``max_draws`` are
    checked as in :func:`run` (the bound applies to each scenario's draws). Returns a :class:`Comparison`:
    ``frame()`` (one tidy table, [USD bn/month] or [USD bn/year] and [%] as its unit column says),
    ``key_numbers()`` per scenario and year [USD bn, %], ``differences()`` and ``plot()``, which draws each
    scenario against a reference (documented-2025 when compared, else the first).
    """
    if isinstance(scenarios, (str, bytes, os.PathLike, _Scenario)) or not isinstance(scenarios, Iterable):
        raise refuse(
            "compare",
            "scenarios",
            f"expected a list of scenarios, ids or paths, such as ['deal', 'escalation'], not {scenarios!r}",
        )
    items = list(scenarios)
    if not items:
        raise refuse("compare", "scenarios", "expected at least one scenario, id or path")
    draws = _check_draws("compare", draws, max_draws)
    seed = _check_seed("compare", seed)
    problems = []
    for index, item in enumerate(items):
        try:
            _check_source("compare", f"scenarios[{index}]", item)
        except ArgumentError as error:
            problems += error.problems
    if problems:
        raise ArgumentError(problems)
    loaded = [_scenario(item, "compare") for item in items]
    seen: dict[str, int] = {}
    for index, scenario in enumerate(loaded):
        if scenario.id in seen:
            problems.append(
                argument_problem(
                    "compare",
                    f"scenarios[{index}]",
                    f"scenarios[{seen[scenario.id]}] is also named {scenario.id!r}: tables and charts could not tell "
                    "them apart; give each its own scenario_id",
                )
            )
        seen.setdefault(scenario.id, index)
    if problems:
        raise ArgumentError(problems)
    results = tuple(run(scenario, draws=draws, seed=seed, max_draws=max_draws) for scenario in loaded)
    return Comparison(results, scenario_colours([scenario.id for scenario in loaded]))


def tornado(
    scenario: _Scenario | str | os.PathLike[str], variable: str = "us_trade_balance_with_china", year: Any = None
) -> pd.DataFrame:
    """How far each uncertain input moves ``variable`` in calendar ``year``, one input at a time: the table behind
    the report's tornado chart, for any flow and year, and without Monte Carlo draws.

    Each parameter that is uncertain (the estimated ones, those with a sourced range, and any the scenario gives a
    distribution) is set to its 5th and then its 95th percentile, the others kept at their centre; each truce
    renewal decision is set to never and to always renewed. Rows are inputs, the largest swing first. Columns:
    ``input``, ``low_setting`` and ``high_setting`` (as written: '60%', 'never'), ``at_low`` and ``at_high``
    (``variable`` in ``year`` at those settings), ``central`` (at every input's centre) and ``swing`` (``at_high``
    less ``at_low``), all [USD bn/year].

    ``variable``: a flow or revenue of :data:`simulator.model.variables.VARIABLES` (not a rate: a year's rate is
    not a sum); ``year``: a calendar year the horizon holds whole (default: the last).
    """
    problems = []  # every wrong argument at once, those of the scenario's files too
    flows = [name for name, spec in VARIABLES.items() if spec.kind != "rate"]
    if isinstance(variable, str) and variable in VARIABLES and variable not in flows:
        message = f"{variable!r} is a rate, which does not add up over a year; expected a flow or revenue variable"
        problems.append(argument_problem("tornado", "variable", f"{message}, such as 'us_imports_from_china'"))
    elif not isinstance(variable, str) or variable not in flows:
        hint = did_you_mean(str(variable), flows) if isinstance(variable, str) else ""
        message = f"expected a flow or revenue variable, such as 'us_imports_from_china', not {variable!r}{hint}"
        problems.append(argument_problem("tornado", "variable", message))
    if year is not None and not _is_whole(year):
        problems.append(argument_problem("tornado", "year", f"expected a calendar year (an int) or None, not {year!r}"))
    try:
        chosen = _scenario(scenario, "tornado")
    except InputError as error:
        raise InputError([*error.problems, *problems]) from None
    years = full_years(chosen)
    if not years:
        problems.append(
            argument_problem("tornado", "scenario", f"the horizon {chosen.start} to {chosen.end} holds no whole year")
        )
    elif _is_whole(year) and year not in years:
        expected = f"expected a year the horizon holds whole ({years[0]} to {years[-1]}), not {year!r}"
        problems.append(argument_problem("tornado", "year", expected))
    if problems:
        raise ArgumentError(problems)
    found = input_swings(chosen, variable, year)
    return pd.DataFrame(
        {
            "input": [swing.name for swing in found.swings],
            "low_setting": [swing.low_input for swing in found.swings],
            "high_setting": [swing.high_input for swing in found.swings],
            "at_low": [swing.low for swing in found.swings],
            "at_high": [swing.high for swing in found.swings],
            "central": found.central,
            "swing": [swing.high - swing.low for swing in found.swings],
        }
    )


def sweep(
    scenario: _Scenario | str,
    grid: Mapping[str, Sequence[Any]],
    executor: Executor | None = None,
    frequency: str = "annual",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Project ``scenario`` at every point of ``grid``; one tidy pandas table.

    Columns: ``scenario, point, <one per grid parameter>, date, variable, value, unit``, with
    grid values in the unit they are written in (% for shares and growth) and each value in the
    unit its row names ([USD bn/year] annual, [USD bn/month] monthly, [%] for rates). ``executor`` is
    any ``concurrent.futures.Executor`` (default: a process pool on this machine's cores); a
    ``dask.distributed`` cluster serves through ``Client(...).get_executor()``.

    ``grid`` maps parameter names to non-empty lists of values, checked as in a sweep file;
    ``frequency`` is ``"annual"`` or ``"monthly"``. Wrong arguments raise :class:`ArgumentError`.
    """
    if not isinstance(grid, Mapping):
        raise refuse("sweep", "grid", f"expected a mapping of parameter names to lists of values, not {grid!r}")
    problems = [
        argument_problem("sweep", f"grid.{name}", f"expected a list of values, such as ['80%', '100%'], not {values!r}")
        for name, values in grid.items()
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable)
    ]
    if problems:
        raise ArgumentError(problems)
    check_frequency("sweep", frequency)
    if executor is not None and not isinstance(executor, Executor):
        raise refuse("sweep", "executor", f"expected None or a concurrent.futures.Executor, not {executor!r}")
    _check_progress("sweep", progress)
    loaded = _scenario(scenario, "sweep")
    try:
        return sweeps.sweep(loaded, grid, executor=executor, frequency=frequency, progress=progress)
    except InputError as error:  # the grid was given in code: its problems name the function, not a file position
        raise ArgumentError(
            argument_problem("sweep", problem.path, problem.message) if problem.file == sweeps.GRID else problem
            for problem in error.problems
        ) from None


def baseline_scenario() -> _Scenario:
    """The bundled 2024-tariffs scenario that key numbers are compared with."""
    return _baseline()


def _scenario(scenario: _Scenario | str | os.PathLike[str], function: str) -> Scenario:
    _check_source(function, "scenario", scenario)
    if isinstance(scenario, _Scenario):
        return presentable(scenario)
    return presentable(load_file(locate(scenario)))
