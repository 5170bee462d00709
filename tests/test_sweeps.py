"""Sweeps: grid points equal single runs, local pool and dask cluster agree, bad grids are located errors."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from simulator.api import run, scenario_from_data, sweep
from simulator.cli import main
from simulator.inputs.problems import InputError
from simulator.uncertainty.sweeps import grid_points

GRID = {"short_run_elasticity": [-0.5, -1.0], "pass_through": ["80%", "100%"], "import_growth": ["-2%", "0%", "2%"]}


@pytest.fixture(scope="module")
def local():
    return sweep("documented-2025", GRID)


def test_grid_is_every_combination():
    points = grid_points({"a": [1, 2], "b": [3, 4, 5]})
    assert len(points) == 6 and points[0] == {"a": 1, "b": 3} and points[-1] == {"a": 2, "b": 5}


def test_each_grid_point_equals_a_single_run(local):
    assert local["point"].nunique() == 12
    assert list(local.columns) == [
        "scenario",
        "point",
        "short_run_elasticity",
        "pass_through",
        "import_growth",
        "date",
        "variable",
        "value",
        "unit",
    ]
    for point in (0, 7, 11):
        rows = local[local["point"] == point]
        overrides = {
            "short_run_elasticity": float(rows["short_run_elasticity"].iloc[0]),
            "pass_through": f"{rows['pass_through'].iloc[0]:g}%",
            "import_growth": f"{rows['import_growth'].iloc[0]:g}%",
        }
        single = run(
            scenario_from_data({"title": "One point", "extends": "documented-2025", "parameters": overrides}, "one")
        ).to_frame("annual")
        mine = rows.set_index(["date", "variable"])["value"]
        theirs = single.set_index(["date", "variable"])["value"]
        assert np.allclose(mine.loc[theirs.index].to_numpy(), theirs.to_numpy())


def test_monthly_sweep_has_every_month():
    frame = sweep("geneva-truce", {"adjustment_days": [10, 30]}, frequency="monthly")
    assert frame["date"].nunique() == 48 and frame["unit"].isin(["USD bn/month", "%"]).all()


def test_bad_grids_are_located_errors():
    with pytest.raises(InputError) as error:
        sweep("documented-2025", {"pass_through": [80], "short_run_elastcity": [-1]})
    text = str(error.value)
    assert "grid.pass_through[0]: a share needs a percent sign" in text
    assert "grid.short_run_elastcity: unknown key 'short_run_elastcity' (did you mean 'short_run_elasticity'?)" in text
    with pytest.raises(InputError, match=r"long_run_elasticity .* is above short_run_elasticity"):
        sweep("documented-2025", {"short_run_elasticity": [-0.5, -2.5]})


def test_a_dask_cluster_gives_the_local_pool_results(local, tmp_path):
    distributed = pytest.importorskip("distributed")
    sweep_file = tmp_path / "grid.yaml"
    sweep_file.write_text(
        "scenario: documented-2025\ngrid:\n"
        + "".join(f"  {name}: [{', '.join(map(str, values))}]\n" for name, values in GRID.items())
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        with distributed.Client(cluster) as client:
            remote = sweep("documented-2025", GRID, executor=client.get_executor())
        assert (
            main(["--sweep", str(sweep_file), "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "out")])
            == 0
        )
    pd.testing.assert_frame_equal(remote, local)
    written = pd.read_parquet(tmp_path / "out" / "grid" / "sweep.parquet")
    pd.testing.assert_frame_equal(
        written, local.rename(columns={name: f"{name}_percent" for name in ("pass_through", "import_growth")})
    )


def test_simulate_sweep_writes_a_folder(tmp_path, capsys):
    scenario = tmp_path / "mine.yaml"
    scenario.write_text("title: Mine\nextends: documented-2025\nparameters: {diversion_share: 50%}\n")
    sweep_file = tmp_path / "elasticities.yaml"
    sweep_file.write_text(
        "scenario: mine.yaml\nfrequency: annual\ngrid:\n  short_run_elasticity: [-0.5, -1.0]\n  pass_through: [80%, "
        "100%]\n"
    )
    assert main(["--sweep", str(sweep_file), "--out", str(tmp_path / "out")]) == 0
    folder = tmp_path / "out" / "elasticities"
    table = pd.read_parquet(folder / "sweep.parquet")
    assert table["point"].nunique() == 4 and set(table["scenario"]) == {"mine"}
    summary = (folder / "summary.md").read_text()
    assert "| 0 | −0.5 | 80 |" in summary and "-0.5" not in summary  # one formatter: a true minus sign
    assert "| Point | short-run elasticity | pass-through of duties to prices \\[%\\] |" in summary
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["grid"] == {"short_run_elasticity": [-0.5, -1.0], "pass_through": ["80%", "100%"]}
    assert {entry["path"].rsplit("/", 1)[-1] for entry in manifest["files"]} >= {
        "mine.yaml",
        "elasticities.yaml",
        "documented-2025.yaml",
    }


def test_simulate_sweep_with_a_bad_file_exits_2(tmp_path, capsys):
    sweep_file = tmp_path / "bad.yaml"
    sweep_file.write_text("scenario: documented-2025\nfrequency: weekly\ngrid:\n  pass_through: [80]\n")
    assert main(["--sweep", str(sweep_file), "--out", str(tmp_path / "out")]) == 2
    errors = capsys.readouterr().err
    assert (
        "bad.yaml:2:12: frequency:" in errors
        and "bad.yaml:4:18: grid.pass_through[0]: a share needs a percent sign" in errors
    )
    assert not (tmp_path / "out").exists()


def test_simulate_draws_adds_fan_and_tornado(tmp_path):
    assert main(["truce-expires", "--draws", "300", "--seed", "7", "--out", str(tmp_path), "--quiet"]) == 0
    folder = tmp_path / "truce-expires"
    for chart in ("fan", "tornado"):
        assert (folder / f"{chart}.svg").exists()
    manifest = json.loads((folder / "manifest.json").read_text())["scenarios"][0]
    assert manifest["draws"] == 300 and manifest["seed"] == 7 and "short_run_elasticity" in manifest["distributions"]
    tidy = pd.read_parquet(folder / "projection-quantiles.parquet")
    assert sorted(tidy["quantile"].unique()) == [5, 25, 50, 75, 95]
    point = pd.read_parquet(folder / "projection.parquet")
    assert "quantile" not in point.columns and len(point) == len(tidy) // 5
    page = (folder / "index.html").read_text()
    assert (
        "Uncertainty over 300 Monte Carlo draws" in page
        and page.count("<img ") == len(list(folder.glob("*.svg"))) == 10
    )


def test_every_problem_of_a_sweep_file_at_once(tmp_path, capsys):
    sweep_file = tmp_path / "a.yaml"
    sweep_file.write_text(
        "scenario: nonexistent-scenario\nfrequency: weekly\ngrid:\n  pass_through: [80]\n"
        "  short_run_elasticity: [{distribution: normal, mean: -1, sd: 0.1}]\n"
    )
    assert main(["--sweep", str(sweep_file), "--out", str(tmp_path / "out")]) == 2
    errors = capsys.readouterr().err
    for expected in (
        "a.yaml:1:11: scenario: no such scenario",
        "a.yaml:2:12: frequency:",
        "a.yaml:4:18: grid.pass_through[0]:",
        "a.yaml:5:26: grid.short_run_elasticity[0]: a grid takes point values, not distributions",
        "4 problems found.",
    ):
        assert expected in errors


def test_sweep_takes_no_draws_and_seeds_are_not_negative(tmp_path, capsys):
    sweep_file = tmp_path / "s.yaml"
    sweep_file.write_text("scenario: documented-2025\ngrid: {pass_through: [80%]}\n")
    assert main(["--sweep", str(sweep_file), "--draws", "10", "--out", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as done:
        main(["geneva-truce", "--draws", "10", "--seed", "-1"])
    assert done.value.code == 2


def test_draws_on_a_horizon_without_a_whole_year_skip_the_tornado(tmp_path):
    short = tmp_path / "part.yaml"
    short.write_text("title: Part of 2025\nextends: geneva-truce\nhorizon: {start: 2025-02-01, end: 2025-12-30}\n")
    assert main([str(short), "--draws", "200", "--seed", "1", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    folder = tmp_path / "out" / "part"
    assert (folder / "fan.svg").exists() and not (folder / "tornado.svg").exists()


@pytest.mark.parametrize(
    ("name", "others", "message"),
    [
        ("comparison", ["geneva-truce", "deal"], "its folder, 'comparison', would collide with the comparison folder"),
        ("geneva-truce", ["geneva-truce"], "its folder, 'geneva-truce', would collide with another folder of this run"),
        (".hidden", [], "the file's name cannot name a sweep folder (it starts with a dot"),
    ],
)
def test_a_sweep_whose_folder_would_collide_is_refused_before_any_work(tmp_path, capsys, name, others, message):
    """A sweep's folder takes its file's name: one named like the comparison or a scenario of the run was written,
    then overwritten (or overwrote a report), and --check passed it."""
    sweep_file = tmp_path / f"{name}.yaml"
    sweep_file.write_text("scenario: geneva-truce\ngrid:\n  short_run_elasticity: [-0.5, -1.0]\n", encoding="utf-8")
    out = tmp_path / "out"
    for command in (["--check", str(sweep_file), *others], [str(sweep_file), *others, "--out", str(out)]):
        assert main(command) == 2
        assert f"{sweep_file}:1:1: {message}" in capsys.readouterr().err
    assert not out.exists()


def test_a_sweep_of_the_diversion_share_shows_what_it_moves(tmp_path):
    """The summary's columns were imports, balance and duties, which the share bought elsewhere does not move: every
    row read alike (analyst review)."""
    sweep_file = tmp_path / "diversion.yaml"
    sweep_file.write_text("scenario: documented-2025\ngrid:\n  diversion_share: [40%, 80%]\n")
    assert main(["--sweep", str(sweep_file), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    lines = [line for line in (tmp_path / "out" / "diversion" / "summary.md").read_text().splitlines() if "|" in line]
    assert lines[0].endswith(
        "| US duties collected 2027 \\[USD bn\\] | US imports bought elsewhere instead 2027 \\[USD bn\\] |"
    )
    low, high = (float(line.rstrip(" |").rsplit("|", 1)[1]) for line in lines[2:4])
    assert high == pytest.approx(2 * low, rel=1e-3)  # diversion is the share times the imports lost


def test_a_sweep_of_a_horizon_without_a_whole_year_sums_its_last_part_year(tmp_path):
    """A horizon from June to May raised a traceback after the whole grid had run (hostile review); a monthly sweep's
    summary showed December's value as the year's."""
    (tmp_path / "junemay.yaml").write_text(
        "title: June to May\nextends: geneva-truce\nhorizon: {start: 2025-06-01, end: 2026-05-31}\n"
    )
    for frequency in ("monthly", "annual"):
        sweep_file = tmp_path / f"sweep-{frequency}.yaml"
        sweep_file.write_text(f"scenario: junemay.yaml\nfrequency: {frequency}\ngrid:\n  pass_through: [80%, 100%]\n")
        assert main(["--sweep", str(sweep_file), "--out", str(tmp_path / "out"), "--quiet"]) == 0
        summary = (tmp_path / "out" / f"sweep-{frequency}" / "summary.md").read_text()
        assert "## 2026: 2026-01-01 to 2026-05-31 (the horizon holds no whole year)" in summary
        table = pd.read_parquet(tmp_path / "out" / f"sweep-{frequency}" / "sweep.parquet")
        imports = table[(table["variable"] == "us_imports_from_china") & (table["date"].dt.year == 2026)]
        expected = imports[imports["point"] == 0]["value"].sum()
        row = next(line for line in summary.splitlines() if line.startswith("| 0 |"))
        assert float(row.split("|")[3]) == pytest.approx(expected, abs=0.05), frequency


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({"short_run_elasticity": [None]}, "grid.short_run_elasticity[0]: expected a finite number such as -0.76"),
        ({"pass_through": ["80%", None]}, "grid.pass_through[1]: expected a rate with a percent sign"),
        ({"short_run_elasticity": [pd.Timestamp("2025-01-01")]}, "grid.short_run_elasticity[0]: expected a finite"),
        ({"adjustment_days": [pd.Timedelta(days=5)]}, "grid.adjustment_days[0]: expected a finite number such as 30"),
        ({}, "grid: the grid names no parameter"),
    ],
)
def test_a_grid_in_code_is_checked_whatever_its_values_hold(grid, message):
    """A null raised AttributeError; a pandas Timestamp or Timedelta, which has a .value, passed unchecked and swept
    1.7e18 as an elasticity; an empty grid ran one point (hostile review)."""
    with pytest.raises(InputError, match=re.escape(message)):
        sweep("geneva-truce", grid)


def test_a_null_in_a_sweep_files_grid_is_a_located_problem(tmp_path, capsys):
    sweep_file = tmp_path / "nulls.yaml"
    sweep_file.write_text("scenario: geneva-truce\ngrid:\n  short_run_elasticity: [-0.5, null]\n")
    assert main(["--check", "--sweep", str(sweep_file)]) == 2
    assert "nulls.yaml:3:32: grid.short_run_elasticity[1]: expected a finite number" in capsys.readouterr().err


def test_a_sweep_files_scenario_is_read_beside_it_never_in_the_working_folder(tmp_path, monkeypatch, capsys):
    """A scenario only in the working folder was used by a sweep file elsewhere, which the same file run from its
    own folder refused (hostile review)."""
    (tmp_path / "sweeps").mkdir()
    (tmp_path / "work").mkdir()
    sweep_file = tmp_path / "sweeps" / "grid.yaml"
    sweep_file.write_text("scenario: my.yaml\ngrid:\n  pass_through: [80%]\n")
    (tmp_path / "work" / "my.yaml").write_text("title: Mine here\nextends: geneva-truce\n")
    monkeypatch.chdir(tmp_path / "work")
    assert main(["--check", "--sweep", str(sweep_file)]) == 2
    assert "grid.yaml:1:11: scenario: no such file beside this sweep file, nor a bundled id" in capsys.readouterr().err
    (tmp_path / "sweeps" / "my.yaml").write_text("title: Mine beside\nextends: geneva-truce\n")
    assert main(["--check", "--sweep", str(sweep_file)]) == 0


def test_a_sweep_file_missing_its_grid_or_scenario_is_checked_as_a_sweep_file(tmp_path, capsys):
    """'scenario: geneva-truce' alone was checked as a scenario: five problems at 1:1 about a title, a horizon and
    bases it never meant to have (hostile review)."""
    (tmp_path / "no-grid.yaml").write_text("scenario: geneva-truce\n")
    (tmp_path / "no-scenario.yaml").write_text("grid:\n  pass_through: [80%]\n")
    for name, missing in (("no-grid.yaml", "grid"), ("no-scenario.yaml", "scenario")):
        assert main(["--check", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert f"{name}:1:1: missing required field '{missing}'" in err and "1 problem found." in err, err


def test_a_sweep_files_scenario_that_is_empty_or_a_sweep_file_is_told_at_its_field(tmp_path, capsys):
    """Review of this change: 'scenario: \"\"' was told 'is a directory' at 1:1 of the folder; a sweep file naming a
    sweep file was told to run itself with --sweep."""
    (tmp_path / "self.yaml").write_text("scenario: self.yaml\ngrid:\n  pass_through: [80%]\n")
    (tmp_path / "empty.yaml").write_text('scenario: ""\ngrid:\n  pass_through: [80%]\n')
    for name, message in (
        ("self.yaml", "self.yaml:1:11: scenario: names a sweep file; a sweep runs a scenario"),
        ("empty.yaml", "empty.yaml:1:11: scenario: empty: expected a scenario file beside this one or a bundled id"),
    ):
        assert main(["--check", "--sweep", str(tmp_path / name)]) == 2
        assert message in capsys.readouterr().err
