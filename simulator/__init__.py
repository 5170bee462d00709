"""US-China tariff scenario simulator.

The public API is small and imports nothing heavy until used::

    import simulator
    scenario = simulator.load_scenario("documented-2025")
    paths = simulator.tariff_paths(scenario)      # daily tariff rates [%], pandas DataFrame
    result = simulator.run(scenario)              # monthly projection: result.monthly [USD bn/month]
    spread = simulator.run(scenario, draws=10_000, seed=1)   # quantiles of every output
    table = simulator.sweep(scenario, {"pass_through": ["80%", "100%"]})   # a grid, one tidy table
    swings = simulator.tornado(scenario, "us_imports_from_china", 2026)    # which input moves a year most
    mine = simulator.what_if("documented-2025", "Importers pass on 80%", parameters={"pass_through": "80%"})
    several = simulator.compare(["documented-2025", "truce-expires", mine])   # .key_numbers(), .plot("balance")
    estimation = simulator.fit()                   # the parameters estimated on the Census months
    skill = simulator.backtest()                   # out-of-sample error against naive forecasts

Wrong arguments (``draws=1.5``, ``seed='abc'``, ``quantiles=()``, ``run(None)``, more than
``simulator.api.MAX_DRAWS`` draws without ``max_draws=``) raise an :class:`InputError` (the subclass
``simulator.api.ArgumentError``, also a ``ValueError``) naming the argument, before any work starts.

See README.md and docs/ for the scenario format and the model; docs/architecture.md for the layout.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("tariff-scenarios")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "unknown"

__all__ = [
    "Comparison",
    "InputError",
    "Result",
    "Scenario",
    "__version__",
    "backtest",
    "bundled_ids",
    "compare",
    "fit",
    "load_scenario",
    "run",
    "scenario_from_data",
    "sweep",
    "tariff_paths",
    "tornado",
    "what_if",
]

if TYPE_CHECKING:
    from simulator.api import (
        Comparison,
        InputError,
        Result,
        Scenario,
        bundled_ids,
        compare,
        load_scenario,
        run,
        scenario_from_data,
        sweep,
        tariff_paths,
        tornado,
        what_if,
    )
    from simulator.fitting import backtest, fit


def __getattr__(name: str) -> Any:
    # lazy, so that `import simulator` (and `simulate --help`) stays light
    if name in ("fit", "backtest"):  # the estimation needs scipy, which nothing else does
        return getattr(importlib.import_module("simulator.fitting"), name)
    if name in __all__:
        return getattr(importlib.import_module("simulator.api"), name)
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
