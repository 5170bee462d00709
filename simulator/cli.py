"""The ``simulate`` command: argument parsing here, heavy imports inside the commands.

``simulate [SCENARIO ...]`` runs scenarios; ``simulate data update|show`` keeps the observed Census
months in ``seeds/`` current; ``simulate fit`` estimates the behaviour parameters from them and
``simulate backtest`` scores the model out of sample (each a parser of its own, chosen by the
first word).

Exit codes: 0 success, 2 invalid input (every problem printed as
``file:line:col: field.path: message``), 1 a failure while running.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulate",
        description="Project US-China trade under tariff scenarios and write charts and data files per scenario.",
        epilog="Examples: simulate (all bundled scenarios) | simulate scenarios/documented-2025.yaml | "
        "simulate --check my-scenario.yaml | simulate documented-2025 --draws 10000 --seed 1 | simulate --sweep "
        "my-sweep.yaml | simulate data update (fetch new Census months; see simulate data --help) | simulate fit "
        "(estimate the parameters) | simulate backtest (out-of-sample skill)",
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        type=_scenario_name,
        metavar="SCENARIO",
        help="YAML files or bundled ids (default: all bundled scenarios)",
    )
    parser.add_argument(
        "--out", type=_out_folder, default=Path("reports"), metavar="DIR", help="output folder (default: reports/)"
    )
    parser.add_argument(
        "--check", action="store_true", help="only validate the files; print every problem and exit 2 if any"
    )
    parser.add_argument(
        "--draws",
        type=_draws,
        default=0,
        metavar="N",
        help="add N Monte Carlo draws (up to 100,000) of uncertain parameters and truce renewals: quantiles, fan "
        "and tornado charts",
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
        type=_sweep_file,
        action=_Once,
        metavar="FILE",
        help="run the grid of parameter values in a sweep file (see scenarios/README.md)",
    )
    parser.add_argument(
        "--scheduler",
        type=_scheduler,
        metavar="tcp://HOST:PORT",
        help="run the sweep on this dask.distributed scheduler (extra [distributed])",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar or closing line, only errors (these are off anyway when stderr is not a terminal)",
    )
    parser.add_argument(
        "--reference",
        metavar="ID",
        help="the scenario the comparison draws the others against (default: documented-2025 when it is in the "
        "run, else the first)",
    )
    parser.add_argument(
        "--formats",
        type=_formats,
        default=None,  # svg; None tells a --sweep, which writes no charts, that none were asked for
        metavar="LIST",
        help="chart files to write, separated by commas: svg (always; the page inlines it) and png, e.g. svg,png "
        "(default: svg)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild every folder, even those whose inputs did not change since they were written",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    return parser


def _version() -> str:
    from simulator import __version__  # the package's one reading of its metadata

    return __version__


COMMANDS = ("data", "fit", "backtest")
"""The first words that choose a command of their own; any other first word is a scenario."""


def _complete(words: list[str]) -> None:
    """Tab completion (argcomplete, active only when the shell asks): the command's own parser completes its words.

    argcomplete completes one parser; the command words are not subcommands of the scenario parser, so the
    line is shortened to what follows the command word before it is handed over.
    """
    import argcomplete

    line, point = os.environ.get("COMP_LINE", ""), int(os.environ.get("COMP_POINT", "0") or 0)
    parts = line[:point].split()
    parsers = {"data": build_data_parser, "fit": build_fit_parser, "backtest": build_backtest_parser}
    if len(parts) >= 2 and parts[1] in parsers and (len(parts) > 2 or line[:point].endswith(" ")):
        start = line.index(parts[1]) + len(parts[1])
        os.environ["COMP_LINE"] = parts[0] + line[start:]
        os.environ["COMP_POINT"] = str(point - start + len(parts[0]))
        argcomplete.autocomplete(parsers[parts[1]]())
        return
    parser = build_parser()
    for action in parser._actions:
        if action.dest == "scenarios":
            action.completer = _scenario_words  # type: ignore[attr-defined]
    argcomplete.autocomplete(parser)


def _scenario_words(prefix: str, **_: object) -> list[str]:
    """Bundled ids, YAML files and folders under the prefix, and the command words."""
    from simulator.inputs.locations import bundled_ids

    folder = Path(prefix).parent if os.sep in prefix else Path()
    files = [
        str(path) + (os.sep if path.is_dir() else "")
        for path in (folder.glob("*") if folder.is_dir() else [])
        if path.is_dir() or path.suffix in (".yaml", ".yml")
    ]
    return [word for word in [*COMMANDS, *bundled_ids(), *files] if word.startswith(prefix)]


SCHEDULER = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>[0-9]{1,5})")
"""A dask.distributed scheduler's address: an optional protocol, a host (an IPv6 one in brackets) and a port."""


def _scheduler(text: str) -> str:
    found = SCHEDULER.fullmatch(text.strip())
    if found is None or not 1 <= int(found["port"]) <= 65535:
        raise argparse.ArgumentTypeError(
            f"expected a scheduler's address with a port from 1 to 65535, such as tcp://10.0.0.5:8786, not {text!r}"
        )
    return text.strip()


def _out_folder(text: str) -> Path:
    # an empty name is the working folder, where a run would write its folders among the user's own
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder name, such as reports or out/, not an empty one")
    return Path(text)


def _scenario_name(text: str) -> str:
    # an empty name would be read as the working folder
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "expected a scenario file or a bundled id, such as documented-2025, not an empty name"
        )
    return text


def _sweep_file(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a sweep file, such as my-sweep.yaml, not an empty name")
    return Path(text)


class _Once(argparse.Action):
    """An option that may be given once: a second one would silently win over the first."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        if getattr(namespace, self.dest) is not None:
            raise argparse.ArgumentError(
                self, "given twice: it takes one file (sweep files named as scenarios run one after another)"
            )
        setattr(namespace, self.dest, values)


def _count(text: str) -> int:
    try:
        if not text.strip().lstrip("+-").isascii():  # int() reads '５' as 5; the files take ASCII digits only
            raise ValueError
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {value}")
    return value


def _formats(text: str) -> tuple[str, ...]:
    from simulator.outputs.incremental import chart_formats  # light: no matplotlib

    try:
        return chart_formats([word.strip().lower() for word in text.split(",") if word.strip()])
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _draws(text: str) -> int:
    from simulator.api import MAX_DRAWS

    value = _count(text)
    if value > MAX_DRAWS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_DRAWS:,} draws (time grows with their number; from Python, run(..., max_draws=N) "
            "raises the limit on purpose)"
        )
    return value


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if "_ARGCOMPLETE" in os.environ:
        _complete(words)
    if words[:1] == ["data"]:
        return _data(words[1:])
    if words[:1] == ["fit"]:
        return _fit(words[1:])
    if words[:1] == ["backtest"]:
        return _backtest(words[1:])
    try:
        arguments = build_parser().parse_args(argv)  # --draws imports the package: a Ctrl-C may land here
    except KeyboardInterrupt:
        print("simulate: interrupted before any work began.", file=sys.stderr)
        return EXIT_INTERRUPTED
    import signal

    from simulator.inputs.problems import InputError

    if argv is None:  # a terminated run cleans up like an interrupted one
        signal.signal(signal.SIGTERM, _interrupt)
    if arguments.sweep is not None and arguments.reference is not None:
        # a sweep draws no comparison to set a reference for; refused alike by --check and by the run
        print("simulate: --reference chooses the comparison's reference; a --sweep has none", file=sys.stderr)
        return EXIT_INPUT
    # options that do not go together: refused alike by --check and by the run
    if arguments.sweep is not None and (arguments.draws or arguments.seed is not None or arguments.scenarios):
        print(
            "simulate: --sweep FILE runs the grid in that file; it takes no scenarios, --draws or --seed",
            file=sys.stderr,
        )
        return EXIT_INPUT
    if arguments.sweep is not None and arguments.formats is not None:
        print("simulate: a --sweep writes a table and no charts: it takes no --formats", file=sys.stderr)
        return EXIT_INPUT
    if arguments.scheduler and arguments.sweep is None:
        print("simulate: --scheduler goes with --sweep FILE", file=sys.stderr)
        return EXIT_INPUT
    try:
        if arguments.check:
            return _check(arguments)
        if arguments.sweep is not None:
            return _sweep(arguments)
        return _simulate(arguments)
    except InputError as error:
        _print_problems(error.problems)
        return EXIT_INPUT
    except Exception as error:
        from simulator.outputs.folders import OutputFolderError  # here, so that a run with nothing to do stays light

        if not isinstance(error, OutputFolderError):
            raise
        print(f"simulate: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second signal must not cut the exit short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("simulate: interrupted; no partial report folder was left behind.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


MAX_PRINTED = 200
"""Problems printed at most; the count line says how many more were found."""


def _print_problems(problems) -> None:
    for problem in problems[:MAX_PRINTED]:
        print(problem, file=sys.stderr)
    count = len(problems)
    more = f" ({count - MAX_PRINTED:,} more not shown: fix these first)" if count > MAX_PRINTED else ""
    print(f"{count:,} problem{'s' if count != 1 else ''} found{more}.", file=sys.stderr)


def _names(arguments) -> list[str]:
    from simulator.inputs.locations import bundled_ids

    return list(arguments.scenarios) or bundled_ids()


def _load(names: list[str]) -> tuple[list, list]:
    """The scenarios that load, and every problem of those that do not (a sweep file given as a scenario says so)."""
    from simulator.inputs.loading import load_file, locate
    from simulator.inputs.problems import InputError

    scenarios, problems = [], []
    for name in names:
        try:
            scenarios.append(load_file(locate(name)))
        except InputError as error:
            problems.extend(error.problems)
    return scenarios, sorted(set(problems))


def _clear_leftovers(out: Path, ids: list[str]) -> None:
    """What a killed run left in ``out`` (staging folders, a folder moved aside), removed by a run with nothing to
    rebuild too; the heavy folder module only when there is some, and only if no other run holds the folder."""
    from simulator.outputs.incremental import COMPARISON, has_leftovers

    names = [*ids, COMPARISON]
    if not has_leftovers(out, names):
        return
    from simulator.outputs.folders import OutputFolderError, locked, remove_leftovers

    try:
        with locked(out, wait=0.0):
            remove_leftovers(out, names)
    except (OutputFolderError, OSError):  # another run is writing (it clears its own), or the folder is unreadable
        pass


def _unknown_reference(reference: str | None, names: list[str]) -> str | None:
    """The line that says ``--reference`` names no scenario of the run, or None when it does (or is not given)."""
    ids = [Path(name).stem for name in names]
    if reference is None or reference in ids:
        return None
    from simulator.inputs.problems import did_you_mean

    shown = f"'{reference}'" if reference.isprintable() else repr(reference)  # never a raw escape on the terminal
    hint = did_you_mean(Path(reference).stem.lower(), ids) if reference.isprintable() else ""
    shown_ids = [name if name.isprintable() else repr(name) for name in ids[:20]]  # never a raw escape either
    listed = ", ".join(shown_ids) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
    if not hint and ids:
        hint = f" (it takes a scenario id of the run: {listed})"
    return f"simulate: --reference {shown} is not a scenario of this run{hint}"


def _check(arguments) -> int:
    """Everything a run checks before it computes: each file, the folder names, and sweep files (by flag or by keys)."""
    from simulator.inputs.loading import is_sweep_file
    from simulator.inputs.problems import InputError
    from simulator.outputs.folders import check_names, sweep_name_problems

    names = list(arguments.scenarios) if arguments.scenarios or arguments.sweep else _names(arguments)
    sweeps = [name for name in names if is_sweep_file(name)]
    if arguments.sweep is not None:
        sweeps.append(str(arguments.sweep))
    if arguments.sweep is None and sweeps and (arguments.draws or arguments.seed is not None):
        print("simulate: a sweep file takes no --draws or --seed: " + ", ".join(sweeps), file=sys.stderr)
        return EXIT_INPUT
    scenario_names = [name for name in names if name not in sweeps]
    scenarios, problems = _load(scenario_names)
    try:
        check_names(scenarios, compare=True)
    except InputError as error:
        problems += error.problems
    problems += sweep_name_problems(sweeps, [Path(name).stem for name in scenario_names])
    unknown = _unknown_reference(arguments.reference, scenario_names)
    if unknown:
        print(unknown, file=sys.stderr)
    if sweeps:
        from simulator.uncertainty.sweeps import read_sweep

        for sweep_file in sweeps:
            try:
                read_sweep(sweep_file)
            except InputError as error:
                problems += error.problems
    if problems:
        _print_problems(sorted(set(problems)))
        return EXIT_INPUT
    if unknown:
        return EXIT_INPUT
    if not arguments.quiet:
        parts = [
            f"{count} {what}{'s' if count != 1 else ''}"
            for count, what in ((len(scenario_names), "scenario file"), (len(sweeps), "sweep file"))
            if count
        ]
        print(f"{' and '.join(parts)} valid.")
    return EXIT_OK


def _simulate(arguments) -> int:
    import time

    from simulator.inputs.locations import may_be_sweep

    began = time.perf_counter()
    names = _names(arguments)
    # a sweep file among the scenarios is run as a sweep, as --check validates it as one
    sweeps = [name for name in names if may_be_sweep(name) and _is_sweep(name)]
    if sweeps and (arguments.draws or arguments.seed is not None):
        print("simulate: a sweep file takes no --draws or --seed: " + ", ".join(sweeps), file=sys.stderr)
        return EXIT_INPUT
    if sweeps:  # the check imports the scenario model: a run with nothing to do stays light without it
        from simulator.inputs.problems import InputError
        from simulator.outputs.folders import sweep_name_problems

        clashes = sweep_name_problems(sweeps, [Path(name).stem for name in names if name not in sweeps])
        if clashes:
            raise InputError(clashes)
    unknown = _unknown_reference(arguments.reference, [name for name in names if name not in sweeps])
    if unknown:  # told with every problem of the files, before any work
        print(unknown, file=sys.stderr)
        problems = _load([name for name in names if name not in sweeps])[1]
        if problems:
            _print_problems(problems)
        return EXIT_INPUT
    codes = [_run_sweep(Path(name), arguments) for name in sweeps]
    names = [name for name in names if name not in sweeps]
    if not names:
        return max(codes, default=EXIT_OK)
    current, compare_current = _up_to_date(names, arguments)
    interactive = not arguments.quiet and sys.stderr.isatty()
    if len(current) == len(names) and compare_current:
        _clear_leftovers(arguments.out, [Path(name).stem for name in names])
        if interactive:
            count = len(names) + (len(names) > 1)
            print(
                f"Nothing to rebuild: {count} folder{'s' if count != 1 else ''} in {arguments.out}/ up to date.",
                file=sys.stderr,
            )
            _say_if_behind()
        return EXIT_OK
    from simulator.outputs.incremental import shared_hashes

    # before anything reads them (the scenarios' defaults, the data): one replaced during the run is found changed next
    shared = shared_hashes()
    # the heavy modules only now, so that a run with nothing to do stays light
    from simulator.api import baseline_scenario
    from simulator.outputs.notebook import presentable
    from simulator.outputs.report import write_reports
    from simulator.outputs.text import clean

    # the modules just imported hold most of the process's objects and live as long as it does; the charts make many
    # short-lived objects, and each full pass of the collector would walk all of them again (a tenth of a build)
    gc.freeze()
    run_ids = [Path(name).stem for name in names]
    # an up-to-date scenario is loaded only when the comparison, which shows it, is rebuilt
    loaded, problems = _load([name for name in names if not compare_current or Path(name).stem not in current])
    scenarios = [presentable(scenario) for scenario in loaded]
    kept = len(current) + (1 if compare_current and len(names) > 1 else 0)  # the comparison counts when kept too
    bar = ProgressBar(kept) if interactive and scenarios else None
    outcomes = write_reports(
        scenarios,
        arguments.out,
        baseline_scenario(),
        draws=arguments.draws,
        seed=arguments.seed,
        progress=bar.update if bar else None,
        compare=not compare_current,
        current=current,
        reference=arguments.reference,
        formats=arguments.formats or ("svg",),
        shared=shared,
        run_ids=run_ids,
    )
    if bar:
        bar.close()
    failed = [outcome for outcome in outcomes if outcome.error]
    for outcome in failed:  # a run failure is reported; the other folders are still written
        print(f"{clean(outcome.name)}: failed: {outcome.error}", file=sys.stderr)
    if problems:
        _print_problems(problems)
    if interactive:
        written = sum(1 for outcome in outcomes if outcome.path and not outcome.current)
        print(
            f"Rebuilt {written} report folder{'s' if written != 1 else ''} in {arguments.out}/ in "
            f"{time.perf_counter() - began:.1f} s; {kept} up to date"
            f"{f'; {len(failed)} failed' if failed else ''}{'; some input was invalid' if problems else ''}.",
            file=sys.stderr,
        )
        _say_if_behind()
    if problems:
        return EXIT_INPUT
    return EXIT_FAILURE if failed or any(codes) else EXIT_OK


def _is_sweep(name: str) -> bool:
    from simulator.inputs.loading import is_sweep_file

    return is_sweep_file(name)


def _say_if_behind() -> None:
    """On a terminal, after a run: that Census has likely published months the record does not hold yet."""
    from simulator.inputs import trade_data

    try:
        held = trade_data.holdings(trade_data.read(trade_data.default_path())).months
    except (trade_data.TradeDataError, OSError):  # the run itself says what is wrong with the file
        return
    behind = trade_data.behind_note(held, trade_data.today())
    if behind:
        print(f"simulate: note: {behind}.", file=sys.stderr)


def _up_to_date(names: list[str], arguments) -> tuple[set[str], bool]:
    """Scenario folders that need no rebuild, and whether the comparison needs none (reads manifests, no YAML).

    A draws run without ``--seed`` asks for fresh random numbers, so it rebuilds everything, as ``--force`` does.
    """
    from simulator.inputs.locations import find_scenario
    from simulator.outputs.colours import scenario_colours
    from simulator.outputs.incremental import COMPARISON, Options, check_folder, member_keys, reference_of

    if arguments.force or (arguments.draws and arguments.seed is None):
        return set(), False
    leaves = [find_scenario(name) for name in names]
    options = Options(
        arguments.draws,
        arguments.seed if arguments.draws else None,
        arguments.formats or ("svg",),
        reference_of([Path(name).stem for name in names], arguments.reference),
    )
    found = [leaf for leaf in leaves if leaf is not None]
    if len(found) < len(leaves):
        return set(), False
    # a scenario's colour depends on the others of the run: a folder kept from a run that gave it another would
    # clash with the comparison
    colours = scenario_colours([leaf.stem for leaf in found])
    checks = {
        leaf.stem: check_folder(
            arguments.out / leaf.stem,
            options.for_scenario(),
            leaf=leaf,
            entries=_seed_entries,
            colour=colours[leaf.stem],
        )
        for leaf in found
    }
    current = {stem for stem, check in checks.items() if check.current}
    if not arguments.quiet:
        for stem, check in checks.items():
            if check.dropped_draws:  # said before the work, so that a run meant to keep them can be stopped
                print(
                    f"simulate: {stem} held {check.dropped_draws:,} Monte Carlo draws; this run writes it without them "
                    f"(no fan or tornado chart): add --draws {check.dropped_draws} to keep them",
                    file=sys.stderr,
                )
    if len(names) < 2:
        return current, True
    keys = member_keys(checks)
    compare_current = (
        len(keys) == len(checks)
        and check_folder(arguments.out / COMPARISON, options, keys, entries=_seed_entries).current
    )
    return current, compare_current


def _seed_entries(kind: str):
    """The facts or the sources by id; parsed only when a check needs them (their file changed)."""
    from simulator.inputs.facts import load_facts, load_sources
    from simulator.inputs.problems import InputError

    try:
        return load_facts() if kind == "facts" else load_sources()
    except InputError:
        return {}


def _sweep(arguments) -> int:
    from simulator.inputs.problems import InputError
    from simulator.outputs.folders import sweep_name_problems

    clashes = sweep_name_problems([str(arguments.sweep)], [])
    if clashes:
        raise InputError(clashes)
    return _run_sweep(arguments.sweep, arguments)


def _run_sweep(path: Path, arguments) -> int:
    import time

    from simulator.outputs.folders import prepare
    from simulator.outputs.sweep_report import write_sweep_folder
    from simulator.uncertainty.executors import cluster_executor
    from simulator.uncertainty.sweeps import read_sweep, sweep

    began = time.perf_counter()
    scenario, grid, frequency = read_sweep(path)
    prepare(arguments.out)  # an unusable output folder fails before the grid is computed
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
    folder = write_sweep_folder(Path(path).stem, scenario, grid, frame, arguments.out, [str(path)])
    if interactive:
        points = frame["point"].nunique()
        print(f"Wrote {points:,} grid points to {folder}/ in {time.perf_counter() - began:.1f} s.", file=sys.stderr)
    return EXIT_OK


def build_data_parser() -> argparse.ArgumentParser:
    """``simulate data update|show``: the observed Census months in ``seeds/``."""
    parser = argparse.ArgumentParser(
        prog="simulate data",
        description="The observed monthly US goods trade with China (Census, USD m, not seasonally adjusted) that "
        "the backtest and calibration read: fetch new months from the Census API, or show what the file holds.",
        epilog="Examples: simulate data update | simulate data update --from 2025-01 --revise | simulate data show. "
        "Exit codes: 0 done, 1 failed (nothing written), 2 invalid options.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{update,show}")
    update = commands.add_parser(
        "update",
        help="fetch new months from the Census API and add them to the file",
        description="Fetch monthly US imports from and exports to China from the Census international trade API, "
        "check them, append new months and list revisions of held months. The file is replaced in one step, and "
        "only when everything fetched is sound; without network it exits 1 and leaves the file as it was.",
    )
    update.add_argument(
        "--from",
        dest="start",
        type=_month,
        metavar="YYYY-MM",
        help="fetch from this month on (default: the month after the last one held); held months that come back "
        "are compared with the file as revisions",
    )
    update.add_argument(
        "--revise",
        action="store_true",
        help="apply revisions beyond the tolerance and mark those rows with the new vintage (default: held months "
        "stay as they are, so the calibration year keeps one vintage)",
    )
    update.add_argument(
        "--tolerance",
        type=_percent,
        default=None,
        metavar="PERCENT",
        help="a held month is a revision when imports or exports move by more than this share of the held value "
        "(default: 0.5)",
    )
    update.add_argument(
        "--api-url",
        metavar="URL",
        help="the API's base URL (default: $TARIFF_SCENARIOS_CENSUS_URL, else "
        "https://api.census.gov/data/timeseries/intltrade)",
    )
    update.add_argument("--key", metavar="KEY", help="a Census API key (default: $CENSUS_API_KEY; optional)")
    show = commands.add_parser(
        "show",
        help="the months held, their vintages and the annual totals",
        description="The months the file holds, the months of each vintage with its retrieval date, and the "
        "annual totals of complete years [USD bn].",
    )
    for command in (update, show):
        command.add_argument(
            "--file",
            type=Path,
            metavar="PATH",
            help="the monthly file (default: the bundled seeds/us_china_goods_trade_monthly.csv)",
        )
    return parser


def _month(text: str) -> str:
    from simulator.inputs.trade_data import FIRST_MONTH

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"expected a month written YYYY-MM, not {text!r}")
    if text < FIRST_MONTH:  # an option out of range is bad input (exit 2), not a failed update
        raise argparse.ArgumentTypeError(f"expected {FIRST_MONTH} or later (the file's first month), not {text}")
    return text


def _percent(text: str) -> float:
    try:
        value = float(text.removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage such as 0.5, not {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {text}")
    return value


def _data(argv: list[str]) -> int:
    arguments = build_data_parser().parse_args(argv)
    try:
        return _data_update(arguments) if arguments.command == "update" else _data_show(arguments)
    except KeyboardInterrupt:
        print(f"simulate data {arguments.command}: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _data_update(arguments) -> int:
    from simulator.inputs import census_api, trade_data

    path = arguments.file or trade_data.default_path()
    base = arguments.api_url or os.environ.get(census_api.URL_VARIABLE) or census_api.DEFAULT_URL
    tolerance = trade_data.DEFAULT_TOLERANCE if arguments.tolerance is None else arguments.tolerance
    try:
        done = trade_data.update(
            path,
            base,
            start=arguments.start,
            key=arguments.key or os.environ.get(census_api.KEY_VARIABLE) or None,
            tolerance=tolerance,
            revise=arguments.revise,
        )
    except census_api.CensusError as error:
        print(f"simulate data update: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except trade_data.TradeDataError as error:
        for line in str(error).splitlines():
            print(f"simulate data update: {line}", file=sys.stderr)
        print(f"simulate data update: nothing written; {path} is as it was.", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"simulate data update: {where}{error.strerror or error}; {path} is as it was.", file=sys.stderr)
        return EXIT_FAILURE
    for line in _update_lines(done, base):
        print(line)
    return EXIT_OK


def _update_lines(done, base: str) -> list[str]:
    """What an update found and did, in words [USD m/month]."""
    merge = done.merge
    fetched = [row.month for row in done.fetched]
    lines = [
        f"Fetched {fetched[0]} to {fetched[-1]} ({len(fetched)} month{'s' if len(fetched) != 1 else ''}) from {base}."
        if fetched
        else f"The Census API at {base} has no months from {done.start} on."
    ]
    if merge.added:
        lines.append(f"Added {len(merge.added)} month{'s' if len(merge.added) != 1 else ''} [USD m]:")
        lines += [
            f"  {row.month}  imports {row.imports:.1f}  exports {row.exports:.1f}  balance {row.balance:.1f}"
            for row in merge.added
        ]
    for revisions, what in ((merge.revised, "applied"), (merge.kept, "kept the held values")):
        if revisions:
            lines.append(f"Revisions beyond {merge.tolerance:g}% of the held value, {what} [USD m, held -> fetched]:")
            lines += [
                f"  {revision.month}  "
                + "  ".join(
                    f"{flow} {getattr(revision.held, flow):.1f} -> {getattr(revision.fetched, flow):.1f} "
                    f"({revision.change(flow):+.1f}%)"
                    for flow in ("imports", "exports")
                )
                for revision in revisions
            ]
    if merge.confirmed:
        count = len(merge.confirmed)
        lines.append(
            f"{count} held month{'s' if count != 1 else ''} came back within {merge.tolerance:g}%: left as "
            f"{'they are' if count != 1 else 'it is'}."
        )
    if not merge.added:
        lines.append(f"already up to date: the file holds every month the API has (last: {done.last_month})")
    if done.written:
        lines.append(f"Wrote {done.path}.")
    elif merge.kept:
        lines.append(f"Kept the held months as they are; {done.path} was not changed (--revise applies revisions).")
    return lines


def _data_show(arguments) -> int:
    from simulator.inputs import trade_data
    from simulator.inputs.problems import printable

    path = arguments.file or trade_data.default_path()
    try:
        held = trade_data.holdings(trade_data.read(path))
    except trade_data.TradeDataError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        print(f"simulate data show: {error.filename or path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILURE
    print(path)
    if not held.months:
        print("no months held")
        return EXIT_OK
    print(f"months held: {_spans(trade_data.runs(held.months))} ({_count_months(held.months)})")
    print("vintages:")
    for cover in held.vintages:
        print(
            printable(
                f"  {cover.vintage}: {_spans(trade_data.runs(cover.months))} ({_count_months(cover.months)}), "
                f"retrieved {', '.join(cover.retrieved)}"
            )
        )
    if held.years:
        print("annual totals of complete years [USD bn]:")
        print(f"  {'year':<6}{'imports':>9}{'exports':>9}{'balance':>9}")
        for total in held.years:
            print(f"  {total.year:<6}{total.imports:>9.1f}{total.exports:>9.1f}{total.balance:>9.1f}")
    else:
        print("no complete year: no annual totals")
    behind = trade_data.behind_note(held.months, trade_data.today())
    if behind:
        print(f"note: {behind}")
    return EXIT_OK


def _count_months(months: list[str]) -> str:
    return f"{len(months)} month{'s' if len(months) != 1 else ''}"


def _spans(spans: list[tuple[str, str]]) -> str:
    return ", ".join(first if first == last else f"{first} to {last}" for first, last in spans)


def build_fit_parser() -> argparse.ArgumentParser:
    """``simulate fit``: estimate the behaviour parameters and write ``seeds/estimates.yaml``."""
    parser = argparse.ArgumentParser(
        prog="simulate fit",
        description="Estimate the behaviour parameters (elasticities, adjustment speed, shipping lag, tariff risk, "
        "buying ahead, trends and the monthly noise) from the observed Census months, with the priors of "
        "seeds/parameters.yaml, and write the estimates, their uncertainty and the fit's diagnostics to "
        "seeds/estimates.yaml, which the bundled defaults read. Takes about ten seconds.",
        epilog="Examples: simulate fit | simulate fit --dry-run. Exit codes: 0 done, 1 failed (nothing written).",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the estimates without writing seeds/estimates.yaml"
    )
    parser.add_argument(
        "--starts",
        type=_starts,
        default=3,
        metavar="N",
        help="starting points of the optimiser, 1 to 20; the report says whether they agree (default: 3)",
    )
    return parser


def _starts(text: str) -> int:
    value = _count(text)
    if not 1 <= value <= 20:
        raise argparse.ArgumentTypeError(f"expected 1 to 20 starting points, not {value}")
    return value


def _fit(argv: list[str]) -> int:
    arguments = build_fit_parser().parse_args(argv)
    from simulator.model.estimation import fit
    from simulator.outputs.estimates_file import write_estimates
    from simulator.outputs.skill import estimates_table, in_sample_table

    try:
        estimation = fit(starts=arguments.starts)
    except KeyboardInterrupt:
        print("simulate fit: interrupted; nothing written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    record = estimation.setup.record
    print(f"Estimated on {len(record.months)} months per flow ({record.months[0]} to {record.months[-1]}).")
    print(estimates_table(estimation.estimates))
    print()
    print(in_sample_table(estimation))
    spread = estimation.details["spread_of_optima"]
    print(
        f"\n{estimation.evaluations:,} model runs in {estimation.seconds:.1f} s; log posterior "
        f"{estimation.log_posterior:.3f}; {arguments.starts} starting points "
        + ("agree." if spread < 1e-3 else f"differ by {spread:.3g} in log posterior (the best is kept).")
    )
    if arguments.dry_run:
        print("Dry run: seeds/estimates.yaml left as it was.")
        return EXIT_OK
    path = write_estimates(estimation)
    print(f"Wrote {path}. Run `simulate backtest` to score the model out of sample with these settings.")
    return EXIT_OK


def build_backtest_parser() -> argparse.ArgumentParser:
    """``simulate backtest``: the rolling-origin out-of-sample score."""
    parser = argparse.ArgumentParser(
        prog="simulate backtest",
        description="Score the model out of sample: for each origin month from March 2025 on, estimate on the "
        "record up to that month only, project the next six months with the tariff path that followed, and "
        "compare with the record and with two naive forecasts (last value; last year's month times the latest "
        "year-on-year ratio). Prints MAPE and bias per flow and horizon, the coverage of the 50% and 90% ranges, "
        "and the score with each mechanism switched. The result is kept in seeds/backtest.json and recomputed "
        "only when the data, priors, documented path or model change (a few minutes).",
        epilog="Examples: simulate backtest | simulate backtest --refresh. Exit codes: 0 done, 1 failed.",
    )
    parser.add_argument("--refresh", action="store_true", help="recompute even when the kept result is current")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _backtest(argv: list[str]) -> int:
    arguments = build_backtest_parser().parse_args(argv)
    from simulator.outputs.skill import skill_table, variants_table
    from simulator.uncertainty.rolling_origin import cached_backtest

    bar = None if arguments.quiet or not sys.stderr.isatty() else ProgressBar()
    try:
        forecasts, computed = cached_backtest(
            refresh=arguments.refresh, progress=(lambda done, total: bar.update(done, total, "fits")) if bar else None
        )
    except KeyboardInterrupt:
        print("simulate backtest: interrupted; the kept result is unchanged.", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
    print("Rolling-origin backtest" + (" (computed now)." if computed else " (kept result, still current)."))
    print(skill_table(forecasts))
    print()
    print("MAPE [%] by months ahead, with each mechanism switched:")
    print(variants_table(forecasts))
    return EXIT_OK


class ProgressBar:
    """A tqdm bar over the draws and charts, on the terminal only; every step is shown (no throttling), and the
    folders left as they were are named in its label.
    """

    def __init__(self, up_to_date: int = 0) -> None:
        self.bar = None
        self.what = ""
        self.note = f" ({up_to_date} folder{'s' if up_to_date != 1 else ''} up to date)" if up_to_date else ""

    def update(self, done: int, total: int, what: str = "charts") -> None:
        if self.bar is None or what != self.what:
            from tqdm import tqdm

            self.close()
            self.what = what
            self.bar = tqdm(
                total=total,
                desc=f"simulate: {what}{self.note}",
                unit=what.rstrip("s"),
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
                mininterval=0,
                miniters=1,
            )
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


if __name__ == "__main__":
    sys.exit(main())
