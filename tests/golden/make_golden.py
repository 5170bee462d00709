"""Golden outputs: the data files of every bundled scenario, a Monte Carlo run, a sweep, and each chart's fingerprint.

The test suite (tests/test_golden.py) rebuilds these in memory and compares them value for
value, so a refactor that changes any number, or any chart's content, turns it red.
Regenerate only deliberately, when a change is meant to move the numbers, and say why in the
commit message:

    python -m tests.golden.make_golden
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from simulator.api import baseline_scenario, load_scenario
from simulator.inputs.locations import bundled_ids
from simulator.outputs import charts
from simulator.outputs.chart_inputs import comparison_chart_inputs
from simulator.outputs.colours import scenario_colours
from simulator.outputs.report import compute, stage
from simulator.uncertainty.sweeps import sweep

FOLDER = Path(__file__).resolve().parent
DRAWS, SEED = 1000, 7
DRAWN = "documented-2025"
SWEEP_GRID = {"short_run_elasticity": [-0.5, -0.76, -1.0], "pass_through": ["80%", "100%"]}
CHARTED = ("documented-2025", "deal")
"""Scenarios whose charts are fingerprinted (with the comparison of all bundled scenarios and the draws run's charts).
"""


def data_files(out: Path) -> dict[str, str]:
    """Every data file the report writes for the bundled scenarios, the draws run and the sweep: ``{relative path:
    text}``.
    """
    scenarios = [load_scenario(name) for name in bundled_ids()]
    colours = scenario_colours([scenario.id for scenario in scenarios])
    files: dict[str, str] = {}
    reports = compute(scenarios, baseline_scenario(), colours, 0, None, 1, None)
    drawn = compute([load_scenario(DRAWN)], baseline_scenario(), colours, DRAWS, SEED, 1, None)
    for prefix, report in [("point", item) for item in reports] + [("draws", item) for item in drawn]:
        staged = stage(report, out)
        assert not hasattr(staged, "reason"), staged
        for path in sorted(staged.staging.iterdir()):  # type: ignore[union-attr]
            if path.suffix == ".csv":
                files[f"{prefix}/{report.name}/{path.name}"] = path.read_text(encoding="utf-8")
    table = sweep(load_scenario(DRAWN), SWEEP_GRID, executor=None)
    files["sweep/sweep.csv"] = table.to_csv(index=False, float_format="%.6f")
    return files


def fingerprint(figure: Figure) -> str:
    """A hash of what a chart shows: its texts, and the data of its lines, bars and shaded areas (rounded to 6
    significant digits).
    """
    parts: list = []
    for artist in figure.findobj():
        if isinstance(artist, Text) and artist.get_visible() and artist.get_text().strip():
            parts.append(("text", artist.get_text()))
        elif isinstance(artist, Line2D):
            parts.append(("line", artist.get_label(), _rounded(artist.get_xydata())))
        elif isinstance(artist, Rectangle):
            parts.append(
                ("box", _rounded(np.array([artist.get_x(), artist.get_y(), artist.get_width(), artist.get_height()])))
            )
        elif isinstance(artist, Collection):
            parts.append(("area", [_rounded(path.vertices) for path in artist.get_paths()]))
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _rounded(values: np.ndarray) -> list:
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.array(
            [float(f"{value:.6g}") if np.isfinite(value) else str(value) for value in values.ravel()], dtype=object
        ).tolist()


def chart_fingerprints() -> dict[str, str]:
    """A fingerprint per chart of :data:`CHARTED`, of the comparison of every bundled scenario, and of the draws run's
    fan and tornado.
    """
    scenarios = [load_scenario(name) for name in bundled_ids()]
    colours = scenario_colours([scenario.id for scenario in scenarios])
    reports = {report.name: report for report in compute(scenarios, baseline_scenario(), colours, 0, None, 1, None)}
    found = {}
    for name in CHARTED:
        inputs = reports[name].charts
        for chart in charts.drawable(charts.SCENARIO_CHARTS, inputs):
            found[f"{name}/{chart.name}"] = fingerprint(charts.draw(chart, inputs))
    several = comparison_chart_inputs([report.result for report in reports.values()], colours)
    for chart in charts.COMPARISON_CHARTS.values():
        found[f"comparison/{chart.name}"] = fingerprint(charts.draw(chart, several))
    drawn = compute([load_scenario(DRAWN)], baseline_scenario(), colours, DRAWS, SEED, 1, None)[0]
    for name in ("fan", "tornado"):
        found[f"draws/{DRAWN}/{name}"] = fingerprint(charts.draw(charts.SCENARIO_CHARTS[name], drawn.charts))
    return found


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        files = data_files(Path(out))
    for old in FOLDER.glob("*/**/*.csv"):
        old.unlink()
    for name, text in files.items():
        target = FOLDER / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    buffer = io.StringIO()
    json.dump(chart_fingerprints(), buffer, indent=1, sort_keys=True)
    (FOLDER / "charts.json").write_text(buffer.getvalue() + "\n", encoding="utf-8")
    print(f"{len(files)} data files and the chart fingerprints written to {FOLDER}")


if __name__ == "__main__":
    main()
