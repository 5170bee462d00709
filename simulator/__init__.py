"""US-China tariff scenario simulator.

The public API is small and imports nothing heavy until used::

    import simulator
    scenario = simulator.load_scenario("documented-2025")
    paths = simulator.tariff_paths(scenario)      # daily tariff rates [%], pandas DataFrame
    result = simulator.run(scenario)              # monthly projection: result.monthly [USD bn/month]
    spread = simulator.run(scenario, draws=10_000, seed=1)   # quantiles of every output
    table = simulator.sweep(scenario, {"pass_through": ["80%", "100%"]})   # a grid, one tidy table
    mine = simulator.what_if("documented-2025", "Truce lapses", parameters={"pass_through": "80%"})
    both = simulator.compare(["truce-expires", "truce-extended"])   # .key_numbers(), .plot("balance")

See README.md and docs/ for the scenario format and the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Comparison", "InputError", "Result", "Scenario", "bundled_ids", "compare", "load_scenario", "run", "scenario_from_data", "sweep",
           "tariff_paths", "what_if"]

_EXPORTS = {
    "load_scenario": "simulator.loading",
    "bundled_ids": "simulator.loading",
    "tariff_paths": "simulator.timeline",
    "run": "simulator.projection",
    "Result": "simulator.result",
    "scenario_from_data": "simulator.loading",
    "Scenario": "simulator.scenario",
    "InputError": "simulator.problems",
    "sweep": "simulator.sweeps",
    "compare": "simulator.comparison",
    "Comparison": "simulator.comparison",
    "what_if": "simulator.comparison",
}

if TYPE_CHECKING:
    from simulator.comparison import Comparison, compare, what_if
    from simulator.loading import bundled_ids, load_scenario, scenario_from_data
    from simulator.problems import InputError
    from simulator.projection import run
    from simulator.result import Result
    from simulator.scenario import Scenario
    from simulator.sweeps import sweep
    from simulator.timeline import tariff_paths


def __getattr__(name: str) -> Any:
    # lazy, so that `import simulator` (and `simulate --help`) stays light
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
