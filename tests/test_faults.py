"""Faults keep their promise: a run cut off anywhere, a full disk, an output folder that is not one or cannot be
written, and two runs into one folder all end with complete folders only, and a one-line reason where a run fails.

Tests of a whole ``simulate`` run cut off by SIGTERM are in tests/test_cli.py.
"""

import errno
import inspect
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from simulator.api import load_scenario, scenario_from_data
from simulator.cli import main
from simulator.outputs import folders, report
from simulator.outputs.folders import (
    STAGING_MARK,
    SWAP_MARK,
    OutputFolderError,
    locked,
    remove_leftovers,
    replace_folder,
    staged_folder,
    staging_folder,
)
from simulator.outputs.report import write_reports
from simulator.outputs.sweep_report import write_sweep_folder

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def short():
    """A scenario of one year, quick to report on."""
    return scenario_from_data(
        {"title": "One year", "extends": "geneva-truce", "horizon": {"start": "2025-01-01", "end": "2025-12-31"}},
        "one-year",
    )


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline-2024")


def _manifest(run: str) -> str:
    """A manifest of ours (a run replaces only folders it wrote) saying which run wrote it."""
    return json.dumps({"package": {"name": "tariff-scenarios"}, "run": run})


def _folder(out: Path, name: str, content: str) -> Path:
    """A complete report folder as far as the swap is concerned: a manifest saying which run wrote it."""
    path = out / name
    path.mkdir()
    (path / "manifest.json").write_text(_manifest(content))
    return path


def _names(out: Path) -> list[str]:
    return sorted(path.name for path in out.iterdir())


# ---------------------------------------------------------------- cut off between the renames of a swap


def test_a_swap_cut_off_between_its_renames_is_put_back_by_the_next_run(tmp_path, monkeypatch):
    _folder(tmp_path, "deal", "previous run")
    staging = staging_folder(tmp_path, "deal")
    (staging / "manifest.json").write_text(_manifest("this run"))
    renamed = Path.rename

    def rename_then_interrupt(self, target):
        moved = renamed(self, target)
        if self.name == "deal":  # the first rename has happened: a SIGTERM lands here
            raise KeyboardInterrupt
        return moved

    monkeypatch.setattr(Path, "rename", rename_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        replace_folder(staging, tmp_path / "deal")
    monkeypatch.undo()
    assert _names(tmp_path) == sorted([".deal-old", staging.name])  # the moment the issue describes
    remove_leftovers(tmp_path, ["deal"])
    assert _names(tmp_path) == ["deal"]
    assert (tmp_path / "deal" / "manifest.json").read_text() == _manifest("previous run")
    with staged_folder(tmp_path, "deal") as new:
        (new / "manifest.json").write_text(_manifest("next run"))
    assert _names(tmp_path) == ["deal"] and (tmp_path / "deal" / "manifest.json").read_text() == _manifest("next run")


def test_a_process_killed_between_the_renames_costs_nothing(tmp_path):
    _folder(tmp_path, "deal", "previous run")
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from simulator.outputs.folders import replace_folder, staging_folder
        out = Path({str(tmp_path)!r})
        staging = staging_folder(out, "deal")
        (staging / "manifest.json").write_text({_manifest("this run")!r})
        renamed = Path.rename
        def rename(self, target):
            moved = renamed(self, target)
            if self.name == "deal":
                os.kill(os.getpid(), signal.SIGKILL)  # nothing can clean up after this
            return moved
        Path.rename = rename
        replace_folder(staging, out / "deal")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == -9, done.stderr
    assert "deal" not in _names(tmp_path) and ".deal-old" in _names(tmp_path)
    with staged_folder(tmp_path, "deal") as new:
        (new / "manifest.json").write_text(_manifest("next run"))
    assert _names(tmp_path) == ["deal"] and (tmp_path / "deal" / "manifest.json").read_text() == _manifest("next run")


def test_a_failed_second_rename_puts_the_old_folder_back_at_once(tmp_path, monkeypatch):
    _folder(tmp_path, "deal", "previous run")
    staging = staging_folder(tmp_path, "deal")
    renamed = Path.rename

    def refuse_the_staging_folder(self, target):
        if self == staging:
            raise KeyboardInterrupt
        return renamed(self, target)

    monkeypatch.setattr(Path, "rename", refuse_the_staging_folder)
    with pytest.raises(KeyboardInterrupt):
        replace_folder(staging, tmp_path / "deal")
    monkeypatch.undo()
    assert (tmp_path / "deal" / "manifest.json").read_text() == _manifest("previous run")
    assert ".deal-old" not in _names(tmp_path)


def test_an_old_folder_beside_a_complete_one_is_removed_and_foreign_folders_are_kept(tmp_path):
    _folder(tmp_path, "deal", "this run")
    half = _folder(tmp_path, ".deal-old", "half removed")  # cut off while removing the previous folder
    (half / SWAP_MARK).touch()
    (tmp_path / ".notes-old").mkdir()  # not a report folder: the user's, left alone
    (tmp_path / ".escalation-abcd1234").mkdir()  # another scenario's staging folder: not this run's to remove
    remove_leftovers(tmp_path, ["deal"])
    assert _names(tmp_path) == [".escalation-abcd1234", ".notes-old", "deal"]


def test_an_interrupted_report_run_leaves_the_previous_folder(tmp_path, monkeypatch, short, baseline):
    _folder(tmp_path, "one-year", "previous run")

    def interrupted(item):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "finish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_reports([short], tmp_path, baseline, workers=1)
    assert _names(tmp_path) == ["one-year"]
    assert (tmp_path / "one-year" / "manifest.json").read_text() == _manifest("previous run")


def test_an_interruption_while_the_comparison_is_recorded_leaves_no_staging_folder(
    tmp_path, monkeypatch, short, baseline
):
    other = scenario_from_data(
        {"title": "Another", "extends": "deal", "horizon": {"start": "2025-01-01", "end": "2025-12-31"}}, "another"
    )
    records = []

    def recorded(options, scenarios, facts, sources, built=None, **keywords):
        records.append(built)
        if built is not None:  # the comparison's record: its staging folder already exists
            raise KeyboardInterrupt
        return original(options, scenarios, facts, sources, built, **keywords)

    original = report.scenario_record
    monkeypatch.setattr(report, "scenario_record", recorded)
    with pytest.raises(KeyboardInterrupt):
        write_reports([short, other], tmp_path, baseline, workers=1)
    assert records[-1] is not None and _names(tmp_path) == []


# ---------------------------------------------------------------- two runs into one folder


def _holder(out: Path, seconds: float) -> subprocess.Popen:
    """Another process that holds ``out`` as a run does, with a staging folder in it, for ``seconds``."""
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from simulator.outputs.folders import staged_folder
        with staged_folder(Path({str(out)!r}), "deal") as staging:
            (staging / "manifest.json").write_text({_manifest("first run")!r})
            print("staged", flush=True)
            time.sleep({seconds})
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None and process.stdout.readline().strip() == "staged"
    return process


def test_a_second_run_waits_for_the_first_and_removes_none_of_its_files(tmp_path):
    first = _holder(tmp_path, 1.5)
    began = time.monotonic()
    with staged_folder(tmp_path, "deal") as staging:  # waits: the first run's staging folder must survive
        assert (tmp_path / "deal" / "manifest.json").read_text() == _manifest("first run")
        (staging / "manifest.json").write_text(_manifest("second run"))
    assert time.monotonic() - began > 0.5
    assert first.wait(timeout=60) == 0
    assert _names(tmp_path) == ["deal"] and (tmp_path / "deal" / "manifest.json").read_text() == _manifest("second run")


def test_a_run_that_waits_too_long_gives_up_with_one_line(tmp_path):
    first = _holder(tmp_path, 5)
    try:
        with pytest.raises(OutputFolderError) as refused, locked(tmp_path, wait=0.3):
            pass
    finally:
        first.kill()
        first.wait(timeout=60)
    message = str(refused.value)
    assert message.startswith(f"cannot write reports to {tmp_path}: another simulate run is writing there")
    assert "\n" not in message


def test_two_report_runs_into_one_folder_both_finish(tmp_path):
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from simulator.api import load_scenario, scenario_from_data
        from simulator.outputs.report import write_reports
        horizon = {{"start": "2025-01-01", "end": "2025-12-31"}}
        short = scenario_from_data({{"title": "One year", "extends": "geneva-truce", "horizon": horizon}}, "one-year")
        outcomes = write_reports([short], Path({str(tmp_path)!r}), load_scenario("baseline-2024"), workers=1)
        assert all(outcome.path for outcome in outcomes), outcomes
        """
    )
    runs = [subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in "ab"]
    for run in runs:
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors
    assert _names(tmp_path) == ["one-year"]
    assert {"index.html", "manifest.json", "monthly.csv", "trade.svg"} <= set(_names(tmp_path / "one-year"))


# ---------------------------------------------------------------- output folders that cannot take the reports


def test_an_output_path_that_is_a_device_or_under_a_file_is_refused_before_any_work(tmp_path, monkeypatch, short):
    def never(*arguments, **keywords):
        raise AssertionError("no work before the output folder is known to be usable")

    monkeypatch.setattr(report, "compute", never)
    afile = tmp_path / "a-file"
    afile.write_text("not a folder")
    for out, reason in (
        (Path("/dev/null"), "not a folder"),
        (afile, "not a folder"),
        (afile / "reports", "a part of the path is a file, not a folder"),
    ):
        with pytest.raises(OutputFolderError) as refused:
            write_reports([short], out, short)
        assert str(refused.value) == f"cannot write reports to {out}: {reason}"
    assert afile.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_refused(tmp_path, short):
    locked_out = tmp_path / "read-only"
    locked_out.mkdir()
    locked_out.chmod(0o555)
    try:
        with pytest.raises(OutputFolderError, match=r"^cannot write reports to .*read-only: permission denied$"):
            write_reports([short], locked_out, short)
        with pytest.raises(OutputFolderError, match="permission denied"):
            write_reports([short], locked_out / "new", short)
    finally:
        locked_out.chmod(0o755)
    assert _names(locked_out) == []


def _full_disk_on(monkeypatch, name: str) -> None:
    """Writing a file called ``name`` fails as on a full disk (no file name in the error, as from write())."""
    written = Path.write_text

    def write_text(self, *arguments, **keywords):
        if self.name == name:
            self.touch()  # a partial file, as a full disk leaves one
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return written(self, *arguments, **keywords)

    monkeypatch.setattr(Path, "write_text", write_text)


@pytest.mark.parametrize("last", ["README.md", "index.html"])
def test_a_full_disk_ends_the_run_with_one_line_and_no_partial_folder(tmp_path, monkeypatch, short, baseline, last):
    _folder(tmp_path, "one-year", "previous run")
    _full_disk_on(monkeypatch, last)  # README.md: while staging data files; index.html: after the charts
    with pytest.raises(OutputFolderError) as failed:
        write_reports([short], tmp_path, baseline, workers=1)
    assert str(failed.value) == f"cannot write reports to {tmp_path}: the disk is full"
    assert _names(tmp_path) == ["one-year"]  # the previous folder, untouched; no staging folder
    assert (tmp_path / "one-year" / "manifest.json").read_text() == _manifest("previous run")


def test_a_full_disk_while_saving_a_chart_ends_the_run(tmp_path, monkeypatch, short, baseline):
    saved = report.save

    def save(figure, stem, *formats, **keywords):
        if stem.name == "trade":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(stem) + ".svg")
        return saved(figure, stem, *formats, **keywords)

    monkeypatch.setattr(report, "save", save)
    with pytest.raises(OutputFolderError, match=r"the disk is full$"):
        write_reports([short], tmp_path, baseline, workers=1)
    assert _names(tmp_path) == []


def test_an_unreadable_input_stays_the_scenarios_own_failure(tmp_path, monkeypatch, short, baseline):
    def unreadable(*arguments, **keywords):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "/elsewhere/seeds/estimates.yaml")

    monkeypatch.setattr(report, "write_pages", unreadable)
    (outcome,) = write_reports([short], tmp_path, baseline, workers=1)
    assert outcome.path is None and "estimates.yaml" in outcome.error
    assert _names(tmp_path) == []


def test_a_sweep_folder_on_a_full_disk_or_under_a_file(tmp_path, monkeypatch, short):
    import pandas as pd

    from simulator.inputs.quantities import Number

    variables = [
        "us_imports_from_china",
        "us_trade_balance_with_china",
        "us_tariff_revenue_from_china",
        "us_imports_diverted_to_third_countries",
    ]
    frame = pd.DataFrame(
        {
            "scenario": "one-year",
            "point": 0,
            "short_run_elasticity": -0.5,
            "date": pd.to_datetime(["2025-01-01"] * 4),
            "variable": variables,
            "value": [300.0, -200.0, 90.0, 50.0],
            "unit": "USD bn/year",
        }
    )
    grid = {"short_run_elasticity": [Number(-0.5)]}
    afile = tmp_path / "a-file"
    afile.write_text("")
    with pytest.raises(OutputFolderError, match=r"a part of the path is a file, not a folder$"):
        write_sweep_folder("grid", short, grid, frame, afile / "out")
    _full_disk_on(monkeypatch, "summary.md")
    with pytest.raises(OutputFolderError, match=r"the disk is full$"):
        write_sweep_folder("grid", short, grid, frame, tmp_path / "out")
    assert _names(tmp_path / "out") == []


def test_every_errno_reads_as_one_line():
    for number in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.ENOTDIR, errno.EIO, errno.EMFILE):
        message = str(folders.folder_error(Path("out"), OSError(number, os.strerror(number))))
        assert message.startswith("cannot write reports to out: ") and "\n" not in message and "Errno" not in message


# ---------------------------------------------------------------- a folder the run did not write


@pytest.mark.parametrize("content", ["notes", "foreign manifest", "unreadable manifest", "manifest is a folder"])
def test_a_folder_the_run_did_not_write_is_never_replaced(tmp_path, short, baseline, content):
    """A user's folder that happens to bear a scenario's name keeps every file: the run stops, naming it, before any
    work (a run once swapped it aside and deleted it)."""
    mine = tmp_path / "one-year"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious", encoding="utf-8")
    if content == "foreign manifest":
        (mine / "manifest.json").write_text('{"package": {"name": "someone-else"}}', encoding="utf-8")
    elif content == "unreadable manifest":
        (mine / "manifest.json").write_text("{not json", encoding="utf-8")
    elif content == "manifest is a folder":
        (mine / "manifest.json").mkdir()
    with pytest.raises(OutputFolderError, match=r"one-year: it holds files simulate did not write"):
        write_reports([short], tmp_path, baseline, workers=1)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "precious"
    assert _names(tmp_path) == ["one-year"]


def test_an_empty_folder_or_one_the_run_wrote_is_replaced(tmp_path, short, baseline):
    (tmp_path / "one-year").mkdir()
    (outcome,) = write_reports([short], tmp_path, baseline, workers=1)
    assert outcome.path == tmp_path / "one-year" and (outcome.path / "manifest.json").is_file()
    (again,) = write_reports([short], tmp_path, baseline, workers=1)
    assert again.path == outcome.path and _names(tmp_path) == ["one-year"]


def test_a_sweep_never_replaces_a_folder_it_did_not_write(tmp_path, short):
    import pandas as pd

    from simulator.inputs.quantities import Number

    mine = tmp_path / "out" / "grid"
    mine.mkdir(parents=True)
    (mine / "data.csv").write_text("a,b\n", encoding="utf-8")
    frame = pd.DataFrame({"scenario": ["one-year"], "point": [0], "value": [1.0]})
    with pytest.raises(OutputFolderError, match=r"grid: it holds files simulate did not write"):
        write_sweep_folder("grid", short, {"short_run_elasticity": [Number(-0.5)]}, frame, tmp_path / "out")
    assert (mine / "data.csv").read_text(encoding="utf-8") == "a,b\n" and _names(tmp_path / "out") == ["grid"]


def test_the_cli_stops_with_one_line_and_keeps_the_users_folder(tmp_path):
    mine = tmp_path / "geneva-truce"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "geneva-truce", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"simulate: cannot write reports to {mine}: it holds files")
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "precious"


def test_a_projection_that_is_not_a_number_fails_its_scenario_instead_of_writing_empty_cells(
    tmp_path, monkeypatch, short, baseline
):
    real = report.point_projection

    def broken(scenario):
        result = real(scenario)
        if scenario.id != short.id:
            return result
        series = dict(result.series)
        series["us_exports_to_china"] = series["us_exports_to_china"].copy()
        series["us_exports_to_china"][40] = float("nan")
        return type(result)(result.scenario, result.days, series)

    monkeypatch.setattr(report, "point_projection", broken)
    (outcome,) = write_reports([short], tmp_path, baseline, workers=1)
    assert outcome.path is None
    assert "the projection is not a number for us_exports_to_china" in outcome.error
    assert _names(tmp_path) == []


def test_a_run_removes_or_renames_no_folder_of_the_users_named_like_its_own(tmp_path):
    """A hidden '.data-old' beside a 'data' folder, a '.geneva-truce-20250101' snapshot and a '.webapp-old' holding
    some manifest.json were deleted or renamed by a run (hostile review): only folders this program wrote, or its
    marked staging folders, are leftovers."""
    out = tmp_path / "home"
    (out / "data").mkdir(parents=True)
    (out / ".data-old").mkdir()
    (out / ".data-old" / "important.csv").write_text("last year's data\n")
    (out / ".geneva-truce-20250101").mkdir()
    (out / ".geneva-truce-20250101" / "index.html").write_text("snapshot\n")
    (out / ".webapp-old").mkdir()
    (out / ".webapp-old" / "manifest.json").write_text('{"name": "webapp"}\n')
    (out / ".deal-old").mkdir()
    (out / ".deal-old" / "manifest.json").write_text('{"package": {"name": "another-tool"}}\n')
    leftover = staging_folder(out, "geneva-truce")  # an interrupted run's: marked, so removed
    remove_leftovers(out, ["geneva-truce", "webapp", "data", "deal"])
    assert _names(out) == [".data-old", ".deal-old", ".geneva-truce-20250101", ".webapp-old", "data"]
    assert not leftover.exists()
    with staged_folder(out, "geneva-truce") as new:
        (new / "manifest.json").write_text(_manifest("this run"))
    assert sorted(path.name for path in (out / "geneva-truce").iterdir()) == ["manifest.json"]  # the mark is gone
    assert (out / ".data-old" / "important.csv").read_text() == "last year's data\n"


def test_simulate_refuses_an_empty_out_folder(capsys):
    from simulator.cli import main

    with pytest.raises(SystemExit) as raised:
        main(["geneva-truce", "--out", ""])
    assert raised.value.code == 2
    message = capsys.readouterr().err
    assert "argument --out: expected a folder name, such as reports or out/, not an empty one" in message


def test_copies_of_report_folders_under_hidden_names_are_the_users(tmp_path, short, baseline):
    """Review of this change: a copy of a report kept as '.geneva-truce-20250101' or '.deal-old', or any hidden
    '-old' folder holding a report's manifest, was deleted or renamed, since a manifest of ours was taken for a
    leftover of ours. Only the staging and swap marks make a leftover."""
    (written,) = write_reports([short], tmp_path, baseline, compare=False)
    copies = {".one-year-20250101": written.path, ".one-year-old": written.path, ".mynotes-old": written.path}
    for name, source in copies.items():
        shutil.copytree(source, tmp_path / name)
    (tmp_path / ".mynotes-old" / "notes.txt").write_text("my notes\n")
    before = {name: sorted(path.name for path in (tmp_path / name).iterdir()) for name in copies}
    (again,) = write_reports([short], tmp_path, baseline, compare=False)
    assert again.error is None and again.path == tmp_path / "one-year"
    with staged_folder(tmp_path, "mynotes") as new:
        (new / "manifest.json").write_text(_manifest("a sweep of that name"))
    for name in copies:
        assert sorted(path.name for path in (tmp_path / name).iterdir()) == before[name], name
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == sorted(copies)


def test_a_run_with_nothing_to_rebuild_clears_what_a_killed_run_left(tmp_path):
    """Only a run that rebuilt something removed a SIGKILLed run's staging folders (hostile review)."""
    assert main(["geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    killed = tmp_path / ".geneva-truce-abcd1234"
    killed.mkdir()
    (killed / STAGING_MARK).touch()
    (killed / "monthly.csv").write_text("half")
    kept = tmp_path / ".geneva-truce-notes"  # the user's, unmarked: left alone
    kept.mkdir()
    before = (tmp_path / "geneva-truce").stat().st_ino
    assert main(["geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "geneva-truce").stat().st_ino == before  # up to date: not rebuilt
    assert _names(tmp_path) == [".geneva-truce-notes", "geneva-truce"]


def test_an_interruption_in_the_progress_bar_ends_the_workers_before_the_staging_folders_go(
    tmp_path, monkeypatch, short, baseline
):
    """The workers' generator stayed suspended in the traceback: the folders were removed while they still wrote
    (review of this change)."""
    other = scenario_from_data(
        {"title": "Another", "extends": "deal", "horizon": {"start": "2025-01-01", "end": "2025-12-31"}}, "another"
    )

    def progress(done, total, what):
        # outside the workers' generator (the run's own loop, not its wait): where the generator stayed suspended
        if what == "charts" and not any(frame.function == "_forked" for frame in inspect.stack()):
            raise KeyboardInterrupt

    removed, remove = [], shutil.rmtree

    def rmtree(path, *arguments, **keywords):
        removed.append(len(multiprocessing.active_children()))  # workers still alive as a folder goes
        remove(path, *arguments, **keywords)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    with pytest.raises(KeyboardInterrupt):
        write_reports([short, other], tmp_path, baseline, workers=2, progress=progress)
    assert removed and set(removed) == {0}
    assert _names(tmp_path) == []


def test_an_interruption_just_after_a_folder_is_staged_leaves_no_staging_folder(tmp_path, monkeypatch, short, baseline):
    """A staging folder made but not yet listed for removal is found by its mark (the list alone missed it)."""
    other = scenario_from_data(
        {"title": "Another", "extends": "deal", "horizon": {"start": "2025-01-01", "end": "2025-12-31"}}, "another"
    )
    original = report.stage

    def staged_then_interrupted(staged_report, *arguments, **keywords):
        outcome = original(staged_report, *arguments, **keywords)
        if staged_report.name == "comparison":
            raise KeyboardInterrupt  # after the folder is made, before the run lists it
        return outcome

    monkeypatch.setattr(report, "stage", staged_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_reports([short, other], tmp_path, baseline, workers=1)
    assert _names(tmp_path) == []


def test_files_the_user_put_into_a_report_folder_outlive_its_rebuild(tmp_path):
    """Notes put into a report folder made it stale on every run, and its rebuild deleted them with the old folder; a
    hard link the user made to a report file must keep what it held (hostile review)."""
    out = tmp_path / "out"
    run = ["geneva-truce", "--out", str(out), "--quiet"]
    assert main(run) == 0
    folder = out / "geneva-truce"
    (folder / "my-notes.txt").write_text("precious", encoding="utf-8")
    (folder / "mine").mkdir()
    (folder / "mine" / "draft.md").write_text("mine too", encoding="utf-8")
    kept = tmp_path / "kept-summary.md"
    os.link(folder / "summary.md", kept)
    summary = kept.read_bytes()
    page = (folder / "index.html").stat().st_ino
    assert main(run) == 0
    assert (folder / "index.html").stat().st_ino == page, "the user's files made the folder stale"
    (folder / "tariffs.csv").write_text("damaged", encoding="utf-8")
    assert main(run) == 0
    assert (folder / "index.html").stat().st_ino != page
    assert (folder / "tariffs.csv").read_text(encoding="utf-8") != "damaged"
    assert (folder / "my-notes.txt").read_text(encoding="utf-8") == "precious"
    assert (folder / "mine" / "draft.md").read_text(encoding="utf-8") == "mine too"
    assert kept.read_bytes() == summary and kept.stat().st_ino != (folder / "summary.md").stat().st_ino
    assert sorted(path.name for path in out.iterdir()) == ["geneva-truce"]
