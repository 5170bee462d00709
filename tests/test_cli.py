"""The simulate command: light start-up, outputs on disk, --out."""

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from simulator.cli import main
from simulator.inputs import trade_data
from tests.conftest import ROOT


def test_help_imports_neither_pandas_nor_matplotlib():
    code = (
        "import sys, contextlib, io\n"
        "from simulator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "assert 'usage: simulate' in out.getvalue()\n"
        "heavy = [name for name in ('pandas', 'matplotlib', 'pydantic', 'numpy') if name in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_a_run_with_nothing_to_rebuild_imports_nothing_heavy(tmp_path):
    """With every folder up to date, a run reads manifests only: no pandas, matplotlib, pydantic or numpy (a check
    of sweep names once imported the scenario model, and doubled the time of such a run)."""
    assert main(["deal", "geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    code = (
        "import sys\n"
        "from simulator.cli import main\n"
        f"assert main(['deal', 'geneva-truce', '--out', {str(tmp_path)!r}, '--quiet']) == 0\n"
        "print(','.join(name for name in ('pandas', 'matplotlib', 'pydantic', 'numpy') if name in sys.modules))\n"
    )
    inodes = [(tmp_path / name).stat().st_ino for name in ("deal", "geneva-truce", "comparison")]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
    assert [(tmp_path / name).stat().st_ino for name in ("deal", "geneva-truce", "comparison")] == inodes


def test_a_report_imports_no_scipy_and_fit_does(tmp_path):
    """Only the estimation needs scipy: a simulate run with its report and charts does not import it."""
    code = (
        "import sys\n"
        "from simulator.cli import main\n"
        f"assert main(['deal', '--out', {str(tmp_path)!r}, '--quiet']) == 0\n"
        "print('scipy' in sys.modules)\n"
        "import simulator\n"
        "simulator.fit\n"
        "print('scipy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
    assert (tmp_path / "deal" / "skill.svg").exists()  # the kept backtest is still read and charted


def test_simulate_writes_tariff_chart_and_table(tmp_path):
    assert main([str(ROOT / "scenarios" / "documented-2025.yaml"), "--out", str(tmp_path), "--quiet"]) == 0
    folder = tmp_path / "documented-2025"
    svg = (folder / "tariffs.svg").read_bytes()
    assert b"<svg" in svg[:500] and len(svg) > 10_000
    assert not (folder / "tariffs.png").exists()  # PNG only when asked for: --formats svg,png
    lines = (folder / "tariffs.csv").read_text().splitlines()
    us = [
        f"us_effective_additional_tariff_on_china_{name}"
        for name in ("ieepa", "section_301", "section_232", "section_122", "other")
    ]
    china = [f"china_effective_additional_tariff_on_us_{name}" for name in ("retaliation", "other")]
    assert lines[0].split(",") == [
        "date",
        *(
            f"{name}_percent"
            for name in (
                "us_additional_tariff_on_china",
                "us_effective_additional_tariff_on_china",
                *us,
                "china_additional_tariff_on_us",
                "china_effective_additional_tariff_on_us",
                *china,
            )
        ),
    ]
    assert any(line.startswith("2025-04-10,145.0000,") for line in lines)
    assert any(line.startswith("2026-02-24,10.0000,") for line in lines)
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]


def test_formats_asks_for_png_beside_the_svg(tmp_path):
    assert main(["geneva-truce", "--out", str(tmp_path), "--quiet", "--formats", "png,svg"]) == 0
    folder = tmp_path / "geneva-truce"
    png = (folder / "tariffs.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    assert b"<svg" in (folder / "tariffs.svg").read_bytes()[:500]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<a href="tariffs.png">tariffs.png</a>' in page and '<a href="tariffs.svg">' in page
    assert "(tariffs.svg) ([PNG](tariffs.png))" in (folder / "summary.md").read_text(encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {"tariffs.png", "tariffs.svg"} <= set(manifest["outputs"]) and manifest["build"]["options"]["formats"] == [
        "svg",
        "png",
    ]


def test_without_formats_no_png_is_written_or_linked(tmp_path):
    assert main(["geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    folder = tmp_path / "geneva-truce"
    assert not list(folder.glob("*.png"))
    assert ".png" not in (folder / "index.html").read_text(encoding="utf-8")
    assert ".png" not in (folder / "summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["jpg", "svg,gif", "png;svg"])
def test_an_unknown_chart_format_exits_2_naming_the_option(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as done:
        main(["geneva-truce", "--out", str(tmp_path), "--formats", value])
    assert done.value.code == 2
    error = capsys.readouterr().err
    assert "argument --formats: unknown chart format" in error and "expected svg or png" in error
    assert not (tmp_path / "geneva-truce").exists()


def test_simulate_writes_projection_charts_and_backtest(tmp_path):
    assert main(["documented-2025", "--out", str(tmp_path), "--quiet"]) == 0
    folder = tmp_path / "documented-2025"
    for chart in ("tariffs", "trade", "balance", "revenue", "backtest"):
        assert b"<svg" in (folder / f"{chart}.svg").read_bytes()[:500], chart
    monthly = (folder / "monthly.csv").read_text().splitlines()
    assert monthly[0].startswith(
        "date,us_imports_from_china_usd_bn_per_month,us_exports_to_china_usd_bn_per_month,"
        "us_trade_balance_with_china_usd_bn_per_month,"
    )
    census = (folder / "fit-to-census.csv").read_text().splitlines()
    assert (
        len(census) == 17  # a header, then January 2025 to April 2026
        and census[6].startswith("2025-06-01,18.9487,")
        and census[12].startswith("2025-12-01,21.1043,")
        and census[-1].startswith("2026-04-01,19.7892,")
    )
    skill = pd.read_csv(folder / "backtest.csv")
    assert list(skill.columns) == [
        "forecaster",
        "flow",
        "months_ahead",
        "months_scored",
        "mape_percent",
        "bias_percent",
        "coverage50_percent",
        "coverage90_percent",
    ]
    model = skill[(skill.forecaster == "full model") & (skill.flow == "imports")]
    assert model.months_ahead.tolist() == [1, 2, 3, 4, 5, 6] and model.months_scored.tolist() == [13, 12, 11, 10, 9, 8]
    assert set(skill.forecaster) >= {"full model", "last value", "seasonal naive"}
    tidy = (folder / "projection.csv").read_text().splitlines()
    assert tidy[0] == "scenario,date,variable,value,unit"


def test_a_scenario_ending_before_2025_has_no_backtest(tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text("title: Only 2024\nextends: baseline-2024\nhorizon: {start: 2024-01-01, end: 2024-12-31}\n")
    assert main([str(short), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert (tmp_path / "out" / "short" / "trade.svg").exists()
    assert not (tmp_path / "out" / "short" / "backtest.svg").exists()
    assert not (tmp_path / "out" / "short" / "skill.svg").exists()
    assert not (tmp_path / "out" / "short" / "backtest.csv").exists()


def test_rerun_replaces_the_reports_files_and_keeps_the_users(tmp_path):
    assert main(["geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    (tmp_path / "geneva-truce" / "summary.md").write_text("old")
    (tmp_path / "geneva-truce" / "notes.txt").write_text("mine")
    assert main(["geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "geneva-truce" / "summary.md").read_text() != "old"
    assert (tmp_path / "geneva-truce" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("check", [True, False], ids=["check", "run"])
def test_a_reference_outside_the_run_is_told_with_every_file_problem_before_any_work(tmp_path, capsys, check):
    bad = ROOT / "tests" / "fixtures" / "invalid" / "negative-rate.yaml"
    out = tmp_path / "out"
    command = ["geneva-truce", str(bad), "--reference", "genva-truce"]
    assert main([*command, "--check"] if check else [*command, "--out", str(out), "--quiet"]) == 2
    error = capsys.readouterr().err.splitlines()
    assert (
        error[0] == "simulate: --reference 'genva-truce' is not a scenario of this run (did you mean 'geneva-truce'?)"
    )
    assert any("negative-rate.yaml:9:38: " in line for line in error[1:])
    assert not out.exists()
    # --check says no all-clear for a reference the run would refuse, even when every file is valid
    assert main(["geneva-truce", "deal", "--reference", "documented-2025", "--check"]) == 2
    assert capsys.readouterr().err == (
        "simulate: --reference 'documented-2025' is not a scenario of this run (it takes a scenario id of the run: "
        "geneva-truce, deal)\n"
    )
    assert main(["geneva-truce", "deal", "--reference", "deal", "--check", "--quiet"]) == 0


def test_a_reference_is_shown_safely_and_refused_with_a_sweep_by_the_check_and_the_run_alike(tmp_path, capsys):
    assert main(["deal", "truce-expires", "--reference", "DEAL", "--check"]) == 2
    assert capsys.readouterr().err == (
        "simulate: --reference 'DEAL' is not a scenario of this run (did you mean 'deal'?)\n"
    )
    assert main(["deal", "truce-expires", "--reference", "de\nal\x1b[31m", "--check"]) == 2
    assert capsys.readouterr().err == (
        "simulate: --reference 'de\\nal\\x1b[31m' is not a scenario of this run (it takes a scenario id of the run: "
        "deal, truce-expires)\n"
    )
    sweep = tmp_path / "grid.yaml"
    sweep.write_text("scenario: documented-2025\nfrequency: annual\ngrid: {pass_through: [80%, 100%]}\n")
    for check in (["--check"], ["--out", str(tmp_path / "out")]):
        assert main(["--sweep", str(sweep), "--reference", "documented-2025", *check]) == 2
        assert "a --sweep has none" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_invalid_scenario_is_reported_while_valid_ones_are_written(tmp_path, capsys):
    bad = ROOT / "tests" / "fixtures" / "invalid" / "negative-rate.yaml"
    assert main(["geneva-truce", str(bad), "deal", "--out", str(tmp_path), "--quiet"]) == 2
    assert "negative-rate.yaml:9:38:" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["comparison", "deal", "geneva-truce"]


def test_a_failing_scenario_exits_1_and_leaves_no_folder_while_others_are_written(tmp_path, capsys, monkeypatch):
    import dataclasses

    from simulator.outputs import charts

    original = charts.SCENARIO_CHARTS["revenue"]

    def broken(inputs):
        if inputs.scenario.id == "deal":
            raise RuntimeError("disk on fire")
        return original.draw(inputs)

    # forked chart workers inherit the patch
    monkeypatch.setitem(charts.SCENARIO_CHARTS, "revenue", dataclasses.replace(original, draw=broken))
    assert main(["geneva-truce", "deal", "--out", str(tmp_path)]) == 1
    errors = capsys.readouterr().err
    assert "deal: failed: chart revenue: RuntimeError: disk on fire" in errors
    assert "comparison: failed: not written because deal failed" in errors  # it would show and link a missing folder
    assert sorted(path.name for path in tmp_path.iterdir()) == ["geneva-truce"]


def test_two_scenarios_with_one_name_are_refused(tmp_path, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.yaml").write_text("title: Same name\nextends: geneva-truce\n")
    assert (
        main([str(tmp_path / "a" / "same.yaml"), str(tmp_path / "b" / "same.yaml"), "--out", str(tmp_path / "out")])
        == 2
    )
    assert "another scenario in this run is also named 'same'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["deal", "deal", "--check"]) == 2  # one file twice: not two files to rename
    assert capsys.readouterr().err.endswith(
        "deal.yaml:1:1: 'deal' is given twice in this run: give it once\n1 problem found.\n"
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_and_closing_line_on_a_terminal_only(tmp_path, monkeypatch, capsys):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(trade_data, "today", lambda: dt.date(2026, 12, 1))  # the record ends with 2025
    assert main(["geneva-truce", "deal", "--out", str(tmp_path)]) == 0
    shown = terminal.getvalue()
    assert "simulate:" in shown and "chart" in shown  # the tqdm bar
    assert re.search(r"Rebuilt 3 report folders in .+ in \d+\.\d s; 0 up to date\.", shown)
    assert shown.endswith(
        "months since (to 2026-09, about five weeks after each ends): simulate data update fetches them.\n"
    )
    terminal.seek(0)
    terminal.truncate(0)
    assert main(["geneva-truce", "deal", "--out", str(tmp_path)]) == 0
    assert "Nothing to rebuild: 3 folders in" in terminal.getvalue()
    assert terminal.getvalue().endswith("simulate data update fetches them.\n")  # the record's months, said again
    terminal.seek(0)
    terminal.truncate(0)
    assert main(["geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    assert terminal.getvalue() == ""
    monkeypatch.undo()
    assert main(["geneva-truce", "--out", str(tmp_path)]) == 0  # stderr captured: not a terminal
    assert capsys.readouterr() == ("", "")


def test_repairing_one_folder_keeps_its_colour_and_counts_every_folder(tmp_path, monkeypatch):
    """A hand-edited folder rebuilt on its own, the comparison up to date, kept the colour of its run (it took the
    colour of a run of itself alone, so the next run rebuilt it again), and the closing line left the comparison out
    of the folders up to date (analyst review)."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    names = ["geneva-truce", "deal", "baseline-2024", "--out", str(tmp_path)]
    assert main(names) == 0
    page = tmp_path / "deal" / "index.html"
    accent = re.search(r"--accent: (#[0-9A-Fa-f]{6})", page.read_text(encoding="utf-8")).group(1)
    summary = tmp_path / "deal" / "summary.md"
    summary.write_text(summary.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    terminal.seek(0)
    terminal.truncate(0)
    assert main(names) == 0
    assert re.search(r"Rebuilt 1 report folder in .+; 3 up to date\.", terminal.getvalue()), terminal.getvalue()
    assert "(3 folders up to date)" in terminal.getvalue()
    assert re.search(r"--accent: (#[0-9A-Fa-f]{6})", page.read_text(encoding="utf-8")).group(1) == accent
    terminal.seek(0)
    terminal.truncate(0)
    assert main(names) == 0
    assert "Nothing to rebuild: 4 folders in" in terminal.getvalue()


def test_another_reference_rebuilds_the_comparison_only(tmp_path, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    names = ["geneva-truce", "deal", "--out", str(tmp_path)]
    assert main(names) == 0
    inodes = {path.name: path.stat().st_ino for path in tmp_path.iterdir()}
    terminal.seek(0)
    terminal.truncate(0)
    assert main([*names, "--reference", "deal"]) == 0
    assert re.search(r"Rebuilt 1 report folder in .+; 2 up to date\.", terminal.getvalue()), terminal.getvalue()
    changed = {path.name for path in tmp_path.iterdir() if inodes.get(path.name) != path.stat().st_ino}
    assert changed == {"comparison"}


def test_a_terminated_run_leaves_no_partial_folder(tmp_path):
    import signal
    import time

    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        out.exists() and any(path.name.startswith(".") for path in out.iterdir())
    ):
        time.sleep(0.05)  # wait until staging folders exist, so the signal lands mid-write
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 130, errors
    assert "interrupted" in errors and "Traceback" not in errors
    assert [path.name for path in out.iterdir() if path.name.startswith(".")] == []


def test_report_folders_follow_the_umask_not_private(tmp_path):
    previous = os.umask(0o022)
    try:
        assert main(["geneva-truce", "--out", str(tmp_path), "--quiet"]) == 0
    finally:
        os.umask(previous)
    assert (tmp_path / "geneva-truce").stat().st_mode & 0o777 == 0o755


def test_a_run_without_draws_says_it_drops_the_draws_a_folder_held(tmp_path, capsys):
    """A plain run after a Monte Carlo one rebuilds the folder without its fan and tornado; it says so first."""
    out = str(tmp_path)
    assert main(["geneva-truce", "--draws", "40", "--seed", "1", "--out", out, "--quiet"]) == 0
    assert (tmp_path / "geneva-truce" / "fan.svg").exists()
    capsys.readouterr()
    assert main(["geneva-truce", "--out", out]) == 0
    assert capsys.readouterr().err.startswith(
        "simulate: geneva-truce held 40 Monte Carlo draws; this run writes it without them (no fan or tornado chart): "
        "add --draws 40 to keep them\n"
    )
    assert not (tmp_path / "geneva-truce" / "fan.svg").exists()
    assert main(["geneva-truce", "--draws", "40", "--seed", "1", "--out", out, "--quiet"]) == 0
    assert main(["geneva-truce", "--out", out, "--quiet"]) == 0  # asked to be quiet: nothing said
    assert capsys.readouterr().err == ""


def test_simulate_fit_takes_the_starting_points_the_api_takes(capsys):
    """The command took 1 to 20 starting points and the API 1 to 10 (analyst review)."""
    from simulator.cli import build_fit_parser
    from simulator.fitting import MAX_STARTS

    parser = build_fit_parser()
    assert parser.parse_args(["--starts", str(MAX_STARTS)]).starts == MAX_STARTS
    with pytest.raises(SystemExit):
        parser.parse_args(["--starts", str(MAX_STARTS + 1)])
    assert f"expected 1 to {MAX_STARTS} starting points" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--sweep", "SWEEP", "--draws", "10"], "--sweep FILE runs the grid in that file; it takes no scenarios"),
        (["--sweep", "SWEEP", "geneva-truce"], "--sweep FILE runs the grid in that file; it takes no scenarios"),
        (["SWEEP", "--seed", "1"], "a sweep file takes no --draws or --seed"),
        (["geneva-truce", "--scheduler", "tcp://10.0.0.5:8786"], "--scheduler goes with --sweep FILE"),
        (["--sweep", "SWEEP", "--scheduler", "foo"], "expected a scheduler's address with a port from 1 to 65535"),
        (["--sweep", "SWEEP", "--scheduler", "tcp://:99999"], "not 'tcp://:99999'"),
        (["--sweep", "SWEEP", "--scheduler", ""], "not ''"),
        (["--sweep", "SWEEP", "--formats", "png"], "a --sweep writes a table and no charts: it takes no --formats"),
    ],
)
def test_check_refuses_the_option_combinations_a_run_refuses(tmp_path, capsys, options, message):
    """--check said the files were valid, and the run then refused the options or failed with exit code 1 on a
    malformed scheduler address (hostile review)."""
    sweep_file = tmp_path / "grid.yaml"
    sweep_file.write_text("scenario: geneva-truce\ngrid:\n  pass_through: [80%, 100%]\n")
    argv = [str(sweep_file) if option == "SWEEP" else option for option in options]
    for check in (["--check"], []):
        capsys.readouterr()
        try:
            code = main([*check, *argv, "--out", str(tmp_path / "out")])
        except SystemExit as exit_:
            code = exit_.code
        assert code == 2, (check, options)
        assert message in capsys.readouterr().err, (check, options)
    assert not (tmp_path / "out").exists()


def test_the_ids_a_reference_may_take_are_shown_safely(tmp_path, capsys):
    odd = tmp_path / "x\x1b[31mred.yaml"
    odd.write_text("title: Odd name\nextends: deal\n", encoding="utf-8")
    assert main(["deal", str(odd), "--reference", "zz", "--check"]) == 2
    error = capsys.readouterr().err
    assert "\x1b" not in error and "(it takes a scenario id of the run: deal, 'x\\x1b[31mred')" in error


def test_naming_the_default_reference_rebuilds_nothing(tmp_path, monkeypatch):
    """--reference documented-2025 after a run without it rebuilt the comparison: the record held None for one and
    the id for the other (review)."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    names = ["geneva-truce", "documented-2025", "--out", str(tmp_path)]
    assert main(names) == 0
    terminal.seek(0)
    terminal.truncate(0)
    assert main([*names, "--reference", "documented-2025"]) == 0
    assert "Nothing to rebuild: 3 folders in" in terminal.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([""], "argument SCENARIO: expected a scenario file or a bundled id, such as documented-2025, not an empty"),
        (["geneva-truce", " "], "argument SCENARIO: expected a scenario file or a bundled id"),
        (["--check", ""], "argument SCENARIO: expected a scenario file or a bundled id"),
        (["--sweep", ""], "argument --sweep: expected a sweep file, such as my-sweep.yaml, not an empty name"),
        (
            ["--sweep", "scenarios/a.yaml", "--sweep", "scenarios/b.yaml"],
            "argument --sweep: given twice: it takes one file",
        ),
    ],
)
def test_an_empty_name_or_a_second_sweep_file_is_refused_before_any_work(tmp_path, capsys, arguments, message):
    """An empty name was read as the working folder ('.:1:1: is a directory'), and of two --sweep files the first
    was dropped without a word (hostile review)."""
    with pytest.raises(SystemExit) as raised:
        main([*arguments, "--out", str(tmp_path / "out")])
    assert raised.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
