"""Nothing an analyst types can crash, hang or mislead ``simulate`` (issue 13, point 1).

The contract, asserted for every case of the hostile corpus (``tests/hostile/*.yaml``, each file
naming its class and expected outcome in its first comment), for the cases that cannot be files in
git (pipes, devices, links, directories, unreadable, oversized and cyclic files, generated here in
a temporary folder) and for mutations of the bundled scenarios (a hypothesis fuzz test):

- ``simulate --check FILE`` exits 0, or exits 2 with every stderr line before the closing
  ``N problems found.`` in the form ``file:line:col: ...``;
- never a traceback, a hang (each case runs under :data:`LIMIT` seconds), exit 1, or a run that
  disagrees with ``--check``: when ``--check`` exits 0, ``simulate FILE --out DIR`` exits 0 and
  writes a complete report folder; when it exits 2, so does the run;
- ``--check`` of an input under 1 MB takes less than :data:`CHECK_SECONDS` (plus the interpreter's
  start-up, measured once, as a margin for a busy machine).

The ``--check`` half runs in this process (``simulator.cli.main`` with a timer signal) except for
cases that may block or exhaust memory (a named pipe, ``/dev/zero``, files of many MB, cycles by
absolute path), which run as subprocesses with a time and memory limit, a few at a time.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import cli

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "hostile"
CORPUS = sorted(HOSTILE.glob("*.yaml"))
SWEEPS = [path for path in CORPUS if path.name.startswith("sweep--")]
LIMIT = 20.0
"""Seconds any one step of a case may take before it counts as a hang."""
CHECK_SECONDS = 2.0
"""``--check`` of an input under :data:`SIZE_LIMIT` finishes within this (plus interpreter start-up)."""
SIZE_LIMIT = 1_000_000
MEMORY_LIMIT = 3 * 1024**3
"""Address space of a subprocess case [bytes]: a file that is a link to /dev/zero fails, not the machine."""
LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: ")
CLOSING = re.compile(r"^[\d,]+ problems? found\b.*\.$")
EXPECT = re.compile(r"expect: exit (0 or exit 2|0|2)\b")
REPORT_FILES = (
    "index.html",
    "summary.md",
    "manifest.json",
    "projection.csv",
    "projection.parquet",
    "key-numbers.csv",
    "monthly.csv",
    "tariffs.csv",
    *(f"{chart}.{suffix}" for chart in ("tariffs", "trade", "balance", "revenue") for suffix in ("svg",)),
)
SWEEP_FILES = ("summary.md", "manifest.json", "sweep.csv", "sweep.parquet")


# ---------------------------------------------------------------- running the CLI


@dataclass
class Outcome:
    """What one ``simulate`` invocation did."""

    argv: list[str]
    code: int | None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    crash: str = ""
    """'hang' for a timeout, else the traceback of an exception that escaped (empty when none)."""

    def tail(self, lines: int = 4) -> str:
        text = self.crash or self.stderr
        return " | ".join(text.strip().splitlines()[-lines:])


class _Hang(BaseException):
    """Raised by the timer signal: not an Exception, so that no ``except Exception`` in the code swallows it."""


def _alarm(signum, frame):
    raise _Hang


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def in_process(argv: list[str], limit: float = LIMIT) -> Outcome:
    """``simulate ARGV`` in this process, stdout and stderr captured, under a time limit."""
    out, err = io.StringIO(), io.StringIO()
    began = time.perf_counter()
    outcome = Outcome(argv, None)
    try:
        with time_limit(limit), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            outcome.code = cli.main(argv)
    except _Hang:
        outcome.crash = "hang"
    except SystemExit as exit_:  # argparse refusing the arguments
        outcome.code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        outcome.crash = traceback.format_exc()
    outcome.seconds = time.perf_counter() - began
    outcome.stdout, outcome.stderr = out.getvalue(), err.getvalue()
    return outcome


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def subprocess_run(argv: list[str], cwd: Path = ROOT, limit: float = LIMIT) -> Outcome:
    """``python -m simulator ARGV`` in a fresh interpreter with a time and memory limit."""
    environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *argv],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        preexec_fn=_limits,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        return Outcome(argv, None, stdout.decode(errors="replace"), stderr.decode(errors="replace"), limit, "hang")
    return Outcome(
        argv,
        process.returncode,
        stdout.decode(errors="replace"),
        stderr.decode(errors="replace"),
        time.perf_counter() - began,
    )


@pytest.fixture(scope="module")
def startup() -> float:
    """Seconds a fresh ``simulate --check`` of a small bundled file takes: the margin for timing on a busy machine."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "simulator", "--check", "--quiet", "baseline-2024"],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


# ---------------------------------------------------------------- the contract


def broken(outcome: Outcome, step: str) -> list[str]:
    """How an outcome breaks the contract (empty when it keeps it)."""
    if outcome.crash == "hang":
        return [f"{step}: hang (still running after {LIMIT:g} s)"]
    if outcome.crash:
        return [f"{step}: traceback: {outcome.tail(2)}"]
    found = []
    if "Traceback" in outcome.stderr:
        found.append(f"{step}: traceback on stderr: {outcome.tail()}")
    if outcome.code not in (0, 2):
        found.append(f"{step}: exit {outcome.code}: {outcome.tail()}")
    if outcome.code == 2:
        lines = outcome.stderr.rstrip("\n").split("\n")
        if not lines or not CLOSING.match(lines[-1]):
            found.append(f"{step}: exit 2 without a closing 'N problems found.' line: {outcome.tail()}")
        unlocated = [line for line in lines[:-1] if not LOCATED.match(line)]
        if unlocated:
            found.append(f"{step}: exit 2 with {len(unlocated)} line(s) not file:line:col: {unlocated[0][:160]!r}")
    return found


def incomplete(folder: Path) -> list[str]:
    """What a report folder lacks (empty when complete)."""
    if not folder.is_dir():
        return [f"no report folder {folder.name}/"]
    expected = SWEEP_FILES if (folder / "sweep.csv").exists() else REPORT_FILES
    missing = [name for name in expected if not (folder / name).is_file()]
    try:
        listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("outputs", {})
        missing += [name for name in listed if not (folder / name).is_file()]
    except (OSError, ValueError) as error:
        missing.append(f"manifest.json unreadable ({error})")
    return [f"report folder {folder.name}/ lacks {', '.join(sorted(set(missing)))}"] if missing else []


def agreement(check: Outcome, run: Outcome | None, folder: Path | None) -> list[str]:
    """A run agrees with ``--check``: 0 with a complete folder after 0, 2 after 2."""
    if run is None or check.code not in (0, 2):
        return []
    found = broken(run, "run")
    if found:
        return found
    if check.code == 0 and run.code != 0:
        return [f"--check passed but the run exited {run.code}: {run.tail()}"]
    if check.code == 2 and run.code != 2:
        return [f"--check refused but the run exited {run.code}"]
    if check.code == 0 and folder is not None:
        return incomplete(folder)
    return []


def expected_exit(path: Path) -> tuple[int, ...]:
    """The outcome a corpus file states in its first comment."""
    head = path.read_bytes()[:400].decode("utf-8", "replace")
    match = EXPECT.search(head)
    assert match, f"{path.name} does not state 'expect: exit ...' in its first comment"
    return {"0": (0,), "2": (2,), "0 or exit 2": (0, 2)}[match.group(1)]


def assert_contract(
    name: str,
    check: Outcome,
    run: Outcome | None,
    folder: Path | None,
    *,
    expect: tuple[int, ...] = (0, 2),
    size: int = 0,
    budget: float | None = None,
) -> None:
    problems = broken(check, "--check") + agreement(check, run, folder)
    if not problems and check.code not in expect:
        problems.append(f"--check exited {check.code}, expected {' or '.join(map(str, expect))}: {check.tail(2)}")
    if budget is not None and size < SIZE_LIMIT and check.crash != "hang" and check.seconds > budget:
        problems.append(f"--check took {check.seconds:.1f} s (at most {budget:.1f} s for an input under 1 MB)")
    assert not problems, f"{name}: " + "; ".join(problems)


def run_case(file: Path, out: Path, runner: Callable[[list[str]], Outcome] = in_process) -> tuple[Outcome, Outcome]:
    """``--check FILE``, then ``FILE --out OUT --quiet`` unless the check hung or crashed."""
    check = runner(["--check", str(file)])
    run = None
    if check.code in (0, 2) and not check.crash:
        run = runner([str(file), "--out", str(out), "--quiet"])
    return check, run


def report_folder(out: Path, file: Path) -> Path:
    return out / file.name.removesuffix(".yaml").removesuffix(".yml")


# ---------------------------------------------------------------- full runs, shared

FULL_RUNS = os.environ.get("HOSTILE_FULL_RUNS") == "1"
"""Draw a full report for every accepted case; by default accepted cases that project the same tariffs,
parameters, horizon and event dates share one full run (drawing a report takes seconds; the text of titles
and labels in charts is the SVG test's concern, issue 13 point 7)."""


def run_key(file: Path) -> str:
    """What a full report of an accepted file depends on beyond its text and tariff details: equal keys share a run.

    The horizon, the event dates and the parameters when any is extreme (not finite, above 10**6 or below 10**-6 in
    size): charts and projections change shape with these. Every accepted file also gets a point run of its own.
    """
    from simulator.inputs.loading import load_file

    if FULL_RUNS:
        return str(file)
    with time_limit(LIMIT):
        scenario = load_file(file)
    numbers = scenario.parameters.numbers().values()
    ordinary = all(math.isfinite(value) and (value == 0 or 1e-6 < abs(value) < 1e6) for value in numbers)
    parameters = "ordinary" if ordinary else repr(scenario.parameters)
    return repr((scenario.start, scenario.end, [event.date for event in scenario.events], parameters))


@dataclass
class Shared:
    """Full runs of accepted files, one per :func:`run_key`, made in one ``simulate`` call where possible."""

    out: Path
    runs: dict[str, tuple[Path, Outcome, Path]] = field(default_factory=dict)
    batch: Outcome | None = None

    def run_all(self, files: list[Path]) -> None:
        keys: dict[str, Path] = {}
        alone: list[Path] = []
        for file in files:
            try:
                keys.setdefault(run_key(file), file)
            except BaseException:  # the load fails although the check passed: run it alone to see
                alone.append(file)
        for file in alone:
            self.runs[str(file)] = self._alone(file)
        fresh = {key: file for key, file in keys.items() if key not in self.runs}
        if not fresh:
            return
        out = self.out / f"batch-{len(self.runs)}"
        names = [str(file) for file in fresh.values()]
        self.batch = in_process([*names, "--out", str(out), "--quiet"], limit=LIMIT * len(names))
        for key, file in fresh.items():
            folder = report_folder(out, file)
            failed = any(line.startswith(f"{folder.name}: failed") for line in self.batch.stderr.splitlines())
            if self.batch.crash or self.batch.code not in (0, 1) or failed or incomplete(folder):
                self.runs[key] = self._alone(file)  # see this file's own outcome
            else:
                self.runs[key] = (file, Outcome(self.batch.argv, 0), folder)

    def _alone(self, file: Path) -> tuple[Path, Outcome, Path]:
        out = self.out / f"alone-{len(self.runs)}"
        return file, in_process([str(file), "--out", str(out), "--quiet"]), report_folder(out, file)

    def run_of(self, file: Path) -> tuple[Path, Outcome, Path]:
        try:
            key = run_key(file)
        except BaseException:
            key = str(file)
        if key not in self.runs:
            self.run_all([file])
        return self.runs[key]


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Shared:
    return Shared(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def corpus(shared, tmp_path_factory) -> dict[str, tuple[Outcome, Outcome | None, Path | None, str]]:
    """Every corpus file checked; refused ones run (they must be refused again), accepted ones run in full, shared."""
    out = tmp_path_factory.mktemp("refused")
    outcomes: dict[str, tuple[Outcome, Outcome | None, Path | None, str]] = {}
    accepted = []
    for file in CORPUS:
        check = in_process(["--check", str(file)])
        if check.code == 2 and not check.crash:
            outcomes[file.name] = (check, in_process([str(file), "--out", str(out), "--quiet"]), None, "")
        elif check.code == 0 and not check.crash:
            accepted.append(file)
            outcomes[file.name] = (check, None, None, "")
        else:
            outcomes[file.name] = (check, None, None, "")
    shared.run_all(accepted)
    for file in accepted:
        twin, run, folder = shared.run_of(file)
        note = "" if twin == file else f" (report shared with {twin.name}: same horizon, events and parameters)"
        point = point_run(file)
        if point and not broken(run, "run"):
            run = point
        outcomes[file.name] = (outcomes[file.name][0], run, folder, note)
    return outcomes


def point_run(file: Path) -> Outcome | None:
    """``simulator.run(FILE)`` in process: None when it works, else the failure as a run outcome (exit 1).

    A sweep file has no point run: ``simulate FILE`` runs it as a sweep, which the shared run covers.
    """
    from simulator.api import run
    from simulator.inputs.loading import is_sweep_file

    if is_sweep_file(str(file)):
        return None

    try:
        with time_limit(LIMIT):
            run(str(file))
    except _Hang:
        return Outcome([str(file)], None, crash="hang")
    except BaseException as error:
        return Outcome([str(file)], 1, stderr=f"point run: {type(error).__name__}: {error}")
    return None


# ---------------------------------------------------------------- the corpus in git


def test_the_corpus_is_there_and_every_file_says_what_it_is():
    assert len(CORPUS) >= 300
    for path in CORPUS:
        head = path.read_bytes()[:400].decode("utf-8", "replace").lstrip("\ufeff")
        assert head.startswith("# hostile: "), f"{path.name}: the first line names the class and outcome"
        expected_exit(path)
    classes = {
        path.read_bytes()[:200].decode("utf-8", "replace").split("|")[0].split(":")[-1].strip() for path in CORPUS
    }
    assert {"wrong-type", "tag", "directive", "alias", "encoding", "non-utf8", "control-chars", "zero-width"} <= classes
    assert {"huge-number", "nan-inf", "calendar-edge", "extends-cycle", "sweep", "yaml-1.1"} <= classes


@pytest.mark.parametrize("file", CORPUS, ids=[path.stem for path in CORPUS])
def test_a_corpus_file_gets_a_report_or_located_problems(file, corpus, startup):
    check, run, folder, note = corpus[file.name]
    assert_contract(
        file.name + note,
        check,
        run,
        folder,
        expect=expected_exit(file),
        size=file.stat().st_size,
        budget=CHECK_SECONDS + startup,
    )


def test_accepted_corpus_cases_compare(corpus, shared):
    """The shared full run of the accepted cases is one ``simulate A B C ...``: its comparison folder is written too."""
    assert shared.batch is not None
    failed = [line for line in shared.batch.stderr.splitlines() if line.startswith("comparison: failed")]
    assert not failed, failed


@pytest.mark.parametrize("file", SWEEPS, ids=[path.stem for path in SWEEPS])
def test_check_validates_a_sweep_file(file, tmp_path, startup):
    """``simulate --check --sweep FILE`` checks the sweep file itself (today it checks the bundled scenarios)."""
    check = in_process(["--check", "--sweep", str(file), "--quiet"])
    valid = file.name == "sweep--valid.yaml"
    run = None
    if check.code == 2 or (valid and check.code == 0):
        run = in_process(["--sweep", str(file), "--out", str(tmp_path), "--quiet"])
    assert_contract(
        f"--check --sweep {file.name}",
        check,
        run,
        None,
        expect=(0,) if valid else (2,),
        size=file.stat().st_size,
        budget=CHECK_SECONDS + startup,
    )
    if valid:
        assert (tmp_path / "sweep--valid" / "sweep.csv").is_file()


# ---------------------------------------------------------------- cases that cannot live in git

TITLED = "title: Generated case\nextends: geneva-truce\n"


def _entries(count: int) -> str:
    """A measure with ``count`` steps on consecutive days (distinct dates, so only their number matters)."""
    import datetime as dt

    first = dt.date(2024, 1, 1)
    lines = [
        f"  - {{date: {first + dt.timedelta(days=index % 2_900_000)}, rate: {index % 50}%}}\n" for index in range(count)
    ]
    return (
        TITLED
        + "tariffs:\n  us_on_china:\n    measures:\n      many:\n        path:\n"
        + "".join("      " + line for line in lines)
    )


def _comments(size: int) -> str:
    line = "# " + "padding " * 12 + "\n"
    return TITLED + line * (size // len(line) + 1)


@dataclass
class Generated:
    """A case made in a temporary folder: the argument to give ``simulate`` and how to run it."""

    name: str
    target: str
    expect: tuple[int, ...] = (2,)
    isolate: bool = False
    """Run as a subprocess: the case may block, loop or exhaust memory."""
    size: int = 0
    extra: list[str] = field(default_factory=list)


def _generated(folder: Path) -> list[Generated]:
    cases: list[Generated] = []

    def write(name: str, text: str | bytes) -> Path:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    pipe = folder / "named-pipe.yaml"
    os.mkfifo(pipe)
    cases.append(Generated("named-pipe", str(pipe), isolate=True))
    (folder / "zero.yaml").symlink_to("/dev/zero")
    cases.append(Generated("link-to-dev-zero", str(folder / "zero.yaml"), isolate=True))
    (folder / "random.yaml").symlink_to("/dev/urandom")
    cases.append(Generated("link-to-dev-urandom", str(folder / "random.yaml"), isolate=True))
    cases.append(Generated("dev-zero-itself", "/dev/zero", isolate=True))
    cases.append(Generated("dev-null-itself", "/dev/null"))
    write("extends-pipe.yaml", "title: Parent is a pipe\nextends: ./named-pipe.yaml\n")
    cases.append(Generated("extends-a-named-pipe", str(folder / "extends-pipe.yaml"), isolate=True))
    write("extends-zero.yaml", "title: Parent is /dev/zero\nextends: ./zero.yaml\n")
    cases.append(Generated("extends-dev-zero", str(folder / "extends-zero.yaml"), isolate=True))
    write("sweep-of-pipe.yaml", "scenario: named-pipe.yaml\ngrid:\n  pass_through: [80%]\n")
    cases.append(
        Generated("sweep-of-a-named-pipe", str(folder / "sweep-of-pipe.yaml"), isolate=True, extra=["--sweep"])
    )

    (folder / "folder.yaml").mkdir()
    cases.append(Generated("directory-named-yaml", str(folder / "folder.yaml")))
    (folder / "plain-folder").mkdir()
    cases.append(Generated("directory", str(folder / "plain-folder")))
    if os.geteuid() != 0:  # root reads anything: the case cannot be made
        locked = write("unreadable.yaml", TITLED)
        locked.chmod(0)
        cases.append(Generated("unreadable", str(locked)))
    (folder / "dangling.yaml").symlink_to(folder / "nowhere.yaml")
    cases.append(Generated("dangling-link", str(folder / "dangling.yaml")))
    (folder / "loop-a.yaml").symlink_to(folder / "loop-b.yaml")
    (folder / "loop-b.yaml").symlink_to(folder / "loop-a.yaml")
    cases.append(Generated("link-loop", str(folder / "loop-a.yaml"), isolate=True))
    write("utf-16.yaml", ("# hostile: a UTF-16 file\n" + TITLED).encode("utf-16"))
    cases.append(Generated("utf-16", str(folder / "utf-16.yaml")))
    write("utf-32.yaml", TITLED.encode("utf-32"))
    cases.append(Generated("utf-32", str(folder / "utf-32.yaml")))
    write("two\nlines.yaml", TITLED + "parameters:\n  pass_through: 80\n")
    cases.append(Generated("newline-in-file-name", str(folder / "two\nlines.yaml")))

    big = write("comments-1.5mb.yaml", _comments(1_500_000))
    cases.append(Generated("comments-1.5-mb", str(big), size=big.stat().st_size, isolate=True))
    huge = write("comments-50mb.yaml", _comments(50_000_000))
    cases.append(Generated("comments-50-mb", str(huge), size=huge.stat().st_size, isolate=True))
    under = write("comments-900kb.yaml", _comments(900_000))
    cases.append(Generated("comments-900-kb", str(under), expect=(0, 2), size=under.stat().st_size))
    many = write("path-700000.yaml", _entries(700_000))
    cases.append(Generated("path-700000-entries", str(many), size=many.stat().st_size, isolate=True))
    some = write("path-20000.yaml", _entries(20_000))
    cases.append(Generated("path-20000-entries", str(some), expect=(0, 2), size=some.stat().st_size))
    # failing items are left out one by one, and the others checked: 3,500 bad ones among 1,000 past the horizon
    # took 10 s when every problem was compared with every item left out
    good = "      - {{date: {}-01-{:02d}, rate: 5%}}\n"
    mixed = "".join(
        "      - 5\n" if index % 9 < 7 else good.format(2030 + index // 900, index % 28 + 1) for index in range(4_500)
    )
    measure = "tariffs:\n  us_on_china:\n    measures:\n      many:\n        path:\n"
    write("path-bad-and-good.yaml", TITLED + measure + mixed)
    cases.append(Generated("path-3500-bad-1000-good-entries", str(folder / "path-bad-and-good.yaml")))

    absolute = folder / "absolute-self.yaml"
    write(absolute.name, f"title: Self by absolute path\nextends: {absolute}\n")
    cases.append(Generated("extends-self-absolute", str(absolute), isolate=True))
    first, second = folder / "absolute-a.yaml", folder / "absolute-b.yaml"
    write(first.name, f"title: A by absolute path\nextends: {second}\n")
    write(second.name, f"title: B by absolute path\nextends: {first}\n")
    cases.append(Generated("extends-cycle-absolute", str(first), isolate=True))
    (folder / "alias-of-c.yaml").symlink_to(folder / "absolute-c.yaml")
    write("absolute-c.yaml", f"title: C through a link\nextends: {folder / 'alias-of-c.yaml'}\n")
    cases.append(Generated("extends-self-through-a-link", str(folder / "absolute-c.yaml"), isolate=True))
    write("dotted-self.yaml", f"title: Self by a dotted path\nextends: {folder}/./sub/../dotted-self.yaml\n")
    (folder / "sub").mkdir()
    cases.append(Generated("extends-self-dotted-absolute", str(folder / "dotted-self.yaml"), isolate=True))
    chain = folder / "chain"
    chain.mkdir()
    write("chain/chain-0.yaml", TITLED)
    for index in range(1, 300):
        write(f"chain/chain-{index}.yaml", f"title: Link {index}\nextends: chain-{index - 1}\n")
    cases.append(Generated("extends-chain-300-deep", str(chain / "chain-299.yaml"), expect=(0, 2)))
    # the YAML scanner's time grows with the square of open brackets: 5,000 took seconds before the depth stopped it
    write("brackets-5000-deep.yaml", TITLED + "description: " + "[" * 5000 + "]" * 5000 + "\n")
    cases.append(Generated("brackets-5000-deep", str(folder / "brackets-5000-deep.yaml")))
    return cases


@pytest.fixture(scope="module")
def generated(tmp_path_factory, shared) -> dict[str, tuple[Generated, Outcome, Outcome | None, Path]]:
    """Every generated case run once: isolated ones as subprocesses, three at a time; the others in this process."""
    folder = tmp_path_factory.mktemp("generated")
    cases = _generated(folder)
    results = {}

    def one(case: Generated) -> tuple[Generated, Outcome, Outcome | None, Path]:
        out = folder / "out" / case.name
        runner = subprocess_run if case.isolate else in_process
        if case.extra:  # a sweep file: --check --sweep, then the sweep
            check = runner(["--check", *case.extra, case.target, "--quiet"])
            run = runner([*case.extra, case.target, "--out", str(out), "--quiet"]) if check.code == 2 else None
            return case, check, run, out
        if case.isolate:  # the check shows whether the file blocks or floods; a prompt refusal is run here
            check = runner(["--check", case.target])
            run = None
            if check.code == 0 and not check.crash:
                run = runner([case.target, "--out", str(out), "--quiet"])
            return case, check, run, report_folder(out, Path(case.target))
        check = runner(["--check", case.target])
        if check.code == 0 and not check.crash:
            _, run, shared_folder = shared.run_of(Path(case.target))
            point = point_run(Path(case.target))
            return case, check, point if point and not broken(run, "run") else run, shared_folder
        run = runner([case.target, "--out", str(out), "--quiet"]) if check.code == 2 and not check.crash else None
        return case, check, run, report_folder(out, Path(case.target))

    with ThreadPoolExecutor(max_workers=3) as pool:
        isolated = [pool.submit(one, case) for case in cases if case.isolate]
        for case in cases:
            if not case.isolate:
                results[case.name] = one(case)
        for future in isolated:
            case, check, run, out = future.result()
            if check.code == 2 and not check.crash and check.seconds < LIMIT / 4:  # refused promptly: run it here
                run = in_process([case.target, "--out", str(out), "--quiet"])
            results[case.name] = (case, check, run, out)
    yield results
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(0o644)
    shutil.rmtree(folder, ignore_errors=True)


GENERATED_NAMES = [
    "named-pipe",
    "link-to-dev-zero",
    "link-to-dev-urandom",
    "dev-zero-itself",
    "dev-null-itself",
    "extends-a-named-pipe",
    "extends-dev-zero",
    "sweep-of-a-named-pipe",
    "directory-named-yaml",
    "directory",
    "unreadable",
    "dangling-link",
    "link-loop",
    "utf-16",
    "utf-32",
    "newline-in-file-name",
    "comments-1.5-mb",
    "comments-50-mb",
    "comments-900-kb",
    "path-700000-entries",
    "path-20000-entries",
    "path-3500-bad-1000-good-entries",
    "extends-self-absolute",
    "extends-cycle-absolute",
    "extends-self-through-a-link",
    "extends-self-dotted-absolute",
    "extends-chain-300-deep",
    "brackets-5000-deep",
]


@pytest.mark.parametrize("name", GENERATED_NAMES)
def test_a_generated_case_gets_a_report_or_located_problems(name, generated, startup):
    if name not in generated:
        pytest.skip("cannot be made here (running as root, every file is readable)")
    case, check, run, folder = generated[name]
    budget = CHECK_SECONDS + (3 * startup if case.isolate else startup)  # isolated ones run three at a time
    assert_contract(name, check, run, folder, expect=case.expect, size=case.size, budget=budget)


# ---------------------------------------------------------------- fuzzing the bundled scenarios

BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
EDGE_VALUES: list[Any] = [
    None,
    True,
    "",
    [],
    {},
    [1, 2],
    {"a": 1},
    0,
    -1,
    1.0,
    1e308,
    -1e308,
    10**400,
    float("nan"),
    float("inf"),
    "0%",
    "100%",
    "1000%",
    "1001%",
    "1e400%",
    "nan%",
    "0001-01-01",
    "9999-12-31",
    "2025-02-30",
    "2024-02-29",
    "1:30.5",
    "yes",
    "never",
    "revert",
    "\u200b",
    "x\x00y",
]
EDGE_DATES = ["0001-01-01", "9999-12-31", "9999-12-01", "2025-02-30", "2024-01-01", "2024-01-02", "2023-12-31"]
CHARACTERS = ["\x00", "\x07", "\x1b", "\t", "\r", "\u200b", "\u202e", "\ufeff", "\x85", "\u2028", "\udc80", "\\"]


def _nodes(data: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _nodes(value, (*path, index))
    return found


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _dump(data: Any) -> str:
    from ruamel.yaml import YAML

    stream = io.StringIO()
    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = False
    writer.width = 4096
    writer.dump(data, stream)
    return stream.getvalue()


@st.composite
def mutated_scenarios(draw) -> tuple[str, str]:
    """A bundled scenario's text with one or two structural or textual mutations."""
    from simulator.inputs.yaml_reader import parse_text

    source = draw(st.sampled_from(BUNDLED))
    data = copy.deepcopy(parse_text(source.read_text(encoding="utf-8"), source.name).data)  # the reader caches
    for _ in range(draw(st.integers(1, 2))):
        nodes = [path for path in _nodes(data) if path]
        path = draw(st.sampled_from(nodes))
        holder, last = _parent(data, path), path[-1]
        action = draw(st.sampled_from(["delete", "duplicate", "retype", "edge-date", "edge-number"]))
        if action == "delete":
            del holder[last]
        elif action == "duplicate" and isinstance(holder, list):
            holder.insert(last, json.loads(json.dumps(holder[last])))
        elif action == "duplicate":
            holder[f"{last}_copy"] = holder[last]
        elif action == "retype":
            holder[last] = draw(st.sampled_from(EDGE_VALUES))
        elif action == "edge-date":
            holder[last] = draw(st.sampled_from(EDGE_DATES))
        else:
            holder[last] = draw(st.sampled_from([0, -0.0, 1, 999_999, 10**20, -1e-300, "99999%", "0.0001%"]))
    text = _dump(data)
    textual = draw(st.sampled_from(["none", "character", "indent", "crlf", "delete-line", "duplicate-line"]))
    lines = text.split("\n")
    row = draw(st.integers(0, max(len(lines) - 1, 0)))
    if textual == "character":
        column = draw(st.integers(0, len(lines[row])))
        lines[row] = lines[row][:column] + draw(st.sampled_from(CHARACTERS)) + lines[row][column:]
    elif textual == "indent":
        lines[row] = draw(st.sampled_from([" ", "   ", "\t"])) + lines[row] if draw(st.booleans()) else lines[row][1:]
    elif textual == "delete-line":
        del lines[row]
    elif textual == "duplicate-line":
        lines.insert(row, lines[row])
    text = ("\r\n" if textual == "crlf" else "\n").join(lines)
    return source.name, text


@settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_scenarios())
def test_mutated_bundled_scenarios_keep_the_contract(case):
    """Check in process; every problem located; a file the check accepts projects without an error."""
    from simulator.api import run
    from simulator.inputs.loading import check_files

    name, text = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        began = time.perf_counter()
        try:
            with time_limit(LIMIT):
                problems = check_files([str(path)])
        except _Hang:
            pytest.fail(f"check_files hangs on a mutation of {name}:\n{text[:2000]}")
        seconds = time.perf_counter() - began
        assert seconds < CHECK_SECONDS * 2, f"check_files took {seconds:.1f} s"
        for problem in problems:
            shown = str(problem)
            assert problem.line >= 1 and problem.column >= 1 and "\n" not in shown, shown
            assert LOCATED.match(shown), shown
        if not problems:
            try:
                with time_limit(LIMIT):
                    result = run(str(path))
            except _Hang:
                pytest.fail(f"the point run hangs on a mutation of {name} that --check accepts:\n{text[:2000]}")
            except BaseException as error:
                pytest.fail(f"--check accepts a mutation of {name}, the run fails: {error!r}:\n{text[:2000]}")
            assert len(result.monthly) > 0


@pytest.mark.parametrize("name", ["issue--headline-yes-yaml-1.1", "issue--headline-yes", "issue--headline-on"])
def test_headline_yes_never_reads_as_false(name):
    """YAML 1.1 reads ``yes`` and ``on`` as true; an accepted file must not turn them into false."""
    from simulator.inputs.loading import check_files, load_file

    file = HOSTILE / f"{name}.yaml"
    if check_files([str(file)]):
        return  # refused with a located problem: fine
    assert load_file(file).tariffs["us_on_china"].measures["reciprocal"].headline is True
