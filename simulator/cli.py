"""The ``simulate`` command: argument parsing here, heavy imports inside the commands.

Exit codes: 0 success, 2 invalid input (every problem printed as
``file:line:col: field.path: message``), 1 a failure while running.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulate",
        description="Project US-China trade under tariff scenarios and write charts and data files per scenario.",
        epilog="Examples: simulate (all bundled scenarios) | simulate scenarios/documented-2025.yaml | "
        "simulate --check my-scenario.yaml | simulate documented-2025 --draws 10000 --seed 1 | simulate --sweep "
        "my-sweep.yaml",
    )
    parser.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", help="YAML files or bundled ids (default: all bundled scenarios)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="output folder (default: reports/)"
    )
    parser.add_argument(
        "--check", action="store_true", help="only validate the files; print every problem and exit 2 if any"
    )
    parser.add_argument(
        "--draws",
        type=_count,
        default=0,
        metavar="N",
        help="add N Monte Carlo draws of uncertain parameters and truce renewals: quantiles, fan and tornado charts",
    )
    parser.add_argument(
        "--seed",
        type=_count,
        default=None,
        metavar="S",
        help="seed for the draws, 0 or more (default: fresh, recorded in manifest.json)",
    )
    parser.add_argument(
        "--sweep",
        type=Path,
        metavar="FILE",
        help="run the grid of parameter values in a sweep file (see scenarios/README.md)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the sweep on this dask.distributed scheduler (extra [distributed])",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar or closing line, only errors (these are off anyway when stderr is not a terminal)",
    )
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    import signal

    from simulator.inputs.problems import InputError

    if argv is None:  # a terminated run cleans up like an interrupted one
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        if arguments.check:
            return _check(arguments)
        if arguments.sweep is not None:
            if arguments.draws or arguments.seed is not None or arguments.scenarios:
                print(
                    "simulate: --sweep FILE runs the grid in that file; it takes no scenarios, --draws or --seed",
                    file=sys.stderr,
                )
                return EXIT_INPUT
            return _sweep(arguments)
        if arguments.scheduler:
            print("simulate: --scheduler goes with --sweep FILE", file=sys.stderr)
            return EXIT_INPUT
        return _simulate(arguments)
    except InputError as error:
        _print_problems(error.problems)
        return EXIT_INPUT
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second signal must not cut the exit short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("simulate: interrupted; no partial report folder was left behind.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)


def _names(arguments) -> list[str]:
    from simulator.inputs.locations import bundled_ids

    return list(arguments.scenarios) or bundled_ids()


def _check(arguments) -> int:
    from simulator.inputs.loading import check_files

    names = _names(arguments)
    problems = check_files(names)
    if problems:
        _print_problems(problems)
        return EXIT_INPUT
    if not arguments.quiet:
        print(f"{len(names)} scenario file{'s' if len(names) != 1 else ''} valid.")
    return EXIT_OK


def _simulate(arguments) -> int:
    import time

    from simulator.api import baseline_scenario, load_scenario
    from simulator.inputs.problems import InputError
    from simulator.outputs.report import write_reports

    began = time.perf_counter()
    problems = []
    scenarios = []
    for name in _names(arguments):
        try:
            scenarios.append(load_scenario(name))
        except InputError as error:
            problems.extend(error.problems)
    interactive = not arguments.quiet and sys.stderr.isatty()
    bar = ProgressBar() if interactive and scenarios else None
    outcomes = write_reports(
        scenarios,
        arguments.out,
        baseline_scenario(),
        draws=arguments.draws,
        seed=arguments.seed,
        progress=bar.update if bar else None,
    )
    if bar:
        bar.close()
    failed = [outcome for outcome in outcomes if outcome.error]
    for outcome in failed:  # a run failure is reported; the other folders are still written
        print(f"{outcome.name}: failed: {outcome.error}", file=sys.stderr)
    if problems:
        _print_problems(problems)
    if interactive:
        written = sum(1 for outcome in outcomes if outcome.path)
        print(
            f"Wrote {written} report folder{'s' if written != 1 else ''} to {arguments.out}/ in "
            f"{time.perf_counter() - began:.1f} s"
            f"{f'; {len(failed)} failed' if failed else ''}{'; some input was invalid' if problems else ''}.",
            file=sys.stderr,
        )
    if problems:
        return EXIT_INPUT
    return EXIT_FAILURE if failed else EXIT_OK


def _sweep(arguments) -> int:
    import time

    from simulator.outputs.sweep_report import write_sweep_folder
    from simulator.uncertainty.executors import cluster_executor
    from simulator.uncertainty.sweeps import read_sweep, sweep

    began = time.perf_counter()
    scenario, grid, frequency = read_sweep(arguments.sweep)
    executor = client = None
    if arguments.scheduler:
        try:
            executor, client = cluster_executor(arguments.scheduler)
        except Exception as error:  # no dask, or no scheduler at that address
            print(f"simulate: cannot use the scheduler {arguments.scheduler}: {error}", file=sys.stderr)
            return EXIT_FAILURE
    interactive = not arguments.quiet and sys.stderr.isatty()
    bar = ProgressBar() if interactive else None
    try:
        frame = sweep(
            scenario,
            grid,
            executor=executor,
            frequency=frequency,
            progress=(lambda done, total: bar.update(done, total, "batches")) if bar else None,
        )
    finally:
        if bar:
            bar.close()
        if client is not None:
            client.close()
    folder = write_sweep_folder(arguments.sweep.stem, scenario, grid, frame, arguments.out, [str(arguments.sweep)])
    if interactive:
        points = frame["point"].nunique()
        print(f"Wrote {points:,} grid points to {folder}/ in {time.perf_counter() - began:.1f} s.", file=sys.stderr)
    return EXIT_OK


class ProgressBar:
    """A tqdm bar over the charts drawn, on the terminal only."""

    def __init__(self) -> None:
        self.bar = None
        self.what = ""

    def update(self, done: int, total: int, what: str = "charts") -> None:
        if self.bar is None or what != self.what:
            from tqdm import tqdm

            self.close()
            self.what = what
            self.bar = tqdm(
                total=total,
                desc=f"simulate: {what}",
                unit=what.rstrip("s"),
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
            )
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


if __name__ == "__main__":
    sys.exit(main())
