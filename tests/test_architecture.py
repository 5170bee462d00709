"""The layer rule, read off the source: inputs → model → uncertainty → outputs → api → cli, no cycles, no hidden
imports.
"""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "simulator"
LAYERS = {
    "inputs": 0,
    "model": 1,
    "uncertainty": 2,
    "outputs": 3,
    "api": 4,
    "fitting": 4,
    "cli": 5,
    "__init__": 6,
    "__main__": 6,
}
"""Each module may import from its own layer and the layers below (a lower number)."""
LAZY_ALLOWED = {"simulator.cli", "simulator"}
"""Modules that may import inside functions: the CLI and the package, to keep ``simulate --help`` and ``import
simulator`` light.
"""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS["__init__"] if len(parts) == 1 else LAYERS[parts[1]]


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """Package modules imported by a file: (module, line, at module top level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    # a type-only import (`if TYPE_CHECKING:` at module level) is never run, so it hides nothing
    top |= {
        id(inner)
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for inner in node.body
    }
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from simulator.outputs import charts` imports the module simulator.outputs.charts
            targets = [
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                for alias in node.names
            ]
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: relative import; write the absolute module name")
        found += [(target, node.lineno, id(node) in top) for target in targets if target.split(".")[0] == "simulator"]
    return found


def graph() -> dict[str, list[tuple[str, int, bool]]]:
    known = set(modules())
    return {name: imports(path, known) for name, path in modules().items()}


def violations(edges: dict[str, list[tuple[str, int, bool]]]) -> list[str]:
    """Every broken rule: an import up the layers, a hidden (function-level) import, a cycle."""
    found = []
    for source, targets in edges.items():
        for target, line, top_level in targets:
            if layer(target) > layer(source) and source not in LAZY_ALLOWED:
                found.append(f"{source}:{line} imports {target}, a higher layer")
            if not top_level and source not in LAZY_ALLOWED:
                found.append(f"{source}:{line} imports {target} inside a function")
    simple = {source: sorted({target for target, _, _ in targets}) for source, targets in edges.items()}
    found += [f"cycle: {' → '.join(cycle)}" for cycle in cycles(simple)]
    return found


def cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules that import each other (depth-first search)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for target in edges.get(node, []):
            if target == node or target not in edges:
                continue
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_every_module_sits_in_a_layer():
    for name in modules():
        assert name == "simulator" or name.split(".")[1] in LAYERS, (
            f"{name} is outside the four layers, the api and the cli"
        )


def test_imports_point_down_at_module_top_level_without_cycles():
    assert violations(graph()) == []


def test_the_check_catches_an_import_moved_upward_and_a_cycle():
    edges = graph()
    moved = dict(
        edges, **{"simulator.model.trade": [*edges["simulator.model.trade"], ("simulator.outputs.charts", 1, True)]}
    )
    found = violations(moved)
    assert found[0] == "simulator.model.trade:1 imports simulator.outputs.charts, a higher layer"
    assert any(
        problem.startswith("cycle: ") for problem in found
    )  # the charts import the model, so it closes a loop too
    hidden = dict(
        edges, **{"simulator.model.trade": [*edges["simulator.model.trade"], ("simulator.inputs.facts", 7, False)]}
    )
    assert violations(hidden) == ["simulator.model.trade:7 imports simulator.inputs.facts inside a function"]
    looped = dict(edges, **{"simulator.inputs.problems": [("simulator.inputs.facts", 3, True)]})
    assert any(
        problem.startswith("cycle: ") and "simulator.inputs.problems" in problem for problem in violations(looped)
    )


def test_dir_lists_the_public_api_only():
    import simulator

    assert dir(simulator) == sorted(
        [
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
    )
    for name in dir(simulator):
        assert getattr(simulator, name) is not None


def test_importing_and_drawing_leaves_a_users_matplotlib_settings_alone():
    code = """
import matplotlib, warnings
import numpy, pandas, pydantic, ruamel.yaml, jinja2, matplotlib.figure, scipy.optimize  # they set filters of their own
before = dict(matplotlib.rcParams)
filters = list(warnings.filters)
import simulator
from simulator.outputs import charts
simulator.run("geneva-truce").plot("trade")
after = dict(matplotlib.rcParams)
changed = sorted(key for key in before if before[key] != after[key] and key != "backend")
assert not changed, changed
assert list(warnings.filters) == filters, "warning filters changed"
print("unchanged")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "unchanged", done.stderr
