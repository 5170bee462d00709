"""The ``simulate`` command: argument parsing here, heavy imports inside the commands.

Exit codes: 0 success, 2 invalid input (every problem printed as
``file:line:col: field.path: message``), 1 a failure while running.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulate",
        description="Project US-China trade under tariff scenarios and write charts and data files per scenario.",
        epilog="Examples: simulate (all bundled scenarios) | simulate scenarios/documented-2025.yaml | "
        "simulate --check my-scenario.yaml",
    )
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="YAML files or bundled ids (default: all bundled scenarios)")
    parser.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR", help="output folder (default: reports/)")
    parser.add_argument("--check", action="store_true", help="only validate the files; print every problem and exit 2 if any")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    from simulator.problems import InputError

    try:
        if arguments.check:
            return _check(arguments)
        return _simulate(arguments)
    except InputError as error:
        _print_problems(error.problems)
        return EXIT_INPUT


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)


def _names(arguments) -> list[str]:
    from simulator.loading import bundled_ids

    return list(arguments.scenarios) or bundled_ids()


def _check(arguments) -> int:
    from simulator.loading import check_files

    names = _names(arguments)
    problems = check_files(names)
    if problems:
        _print_problems(problems)
        return EXIT_INPUT
    if not arguments.quiet:
        print(f"{len(names)} scenario file{'s' if len(names) != 1 else ''} valid.")
    return EXIT_OK


def _simulate(arguments) -> int:
    from simulator.loading import load_scenario
    from simulator.problems import InputError

    problems = []
    scenarios = []
    for name in _names(arguments):
        try:
            scenarios.append(load_scenario(name))
        except InputError as error:
            problems.extend(error.problems)
    failed = False
    for scenario, outcome in _write_all(scenarios, arguments.out):
        if isinstance(outcome, str):  # a run failure is reported, the other scenarios are still written
            print(f"{scenario.id}: failed: {outcome}", file=sys.stderr)
            failed = True
        elif not arguments.quiet:
            print(f"{scenario.id}: wrote {outcome}")
    if problems:
        _print_problems(problems)
        return EXIT_INPUT
    return EXIT_FAILURE if failed else EXIT_OK


def _write_all(scenarios: list, out: Path):
    """Write each scenario's folder; several scenarios run on forked workers, one per core."""
    from simulator.parallel import fork_map

    outcomes = fork_map(lambda scenario: _write_one(scenario, out, 1 if len(scenarios) > 1 else None), scenarios)
    yield from zip(scenarios, outcomes, strict=True)


def _write_one(scenario, out: Path, workers: int | None) -> Path | str:
    """The folder written, or the reason it failed (one chart worker when scenarios fill the cores)."""
    from simulator.report import write_scenario_folder

    try:
        return write_scenario_folder(scenario, out, workers)
    except Exception as error:
        return f"{type(error).__name__}: {error}"


if __name__ == "__main__":
    sys.exit(main())
