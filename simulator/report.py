"""Write report folders: one per scenario and, for two or more, ``comparison/``; each all or nothing.

A scenario's folder holds its charts (PNG and SVG), the tidy table (CSV and Parquet), the
daily tariff paths, key numbers, ``summary.md``, ``manifest.json`` and a self-contained
``index.html``. Every folder is written into a temporary sibling and renamed into place, so a
failed run leaves no partial folder and a rerun replaces the old one cleanly.

Results are computed in this process (milliseconds each); the charts, which take nearly all
of the time, are drawn on forked workers as one pool of jobs across all folders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.scenario import Scenario

COMPARISON = "comparison"
SCENARIO_CHARTS = {
    "tariffs": "Headline and effective additional tariffs in both directions; grey bands are suspension windows (truces).",
    "trade": "Monthly US imports from and exports to China, against the counterfactual without the 2025 tariffs.",
    "balance": "Monthly US balance with China and its 12-month rolling sum, against the 2024 deficit.",
    "revenue": "Monthly tariff revenue in both directions.",
    "backtest": "The model against the Census months of 2025.",
}
COMPARISON_CHARTS = {
    "imports": "US imports from China by scenario [USD bn/month].",
    "exports": "US exports to China by scenario [USD bn/month].",
    "balance": "US balance with China by scenario, 12-month rolling sum, against the 2024 deficit.",
    "tariffs": "Effective tariff rates in both directions by scenario (base plus coverage-weighted additional tariffs).",
    "revenue": "Tariff revenue in both directions by scenario [USD bn/month].",
}

ChartJob = tuple[Callable[[], Any], Path]


@dataclass(frozen=True)
class Outcome:
    """What happened to one folder: ``path`` when written, else ``error`` says why not."""

    name: str
    path: Path | None = None
    error: str | None = None


@dataclass
class _Staged:
    """A folder being written: its charts still to draw and the step that completes it."""

    name: str
    staging: Path
    target: Path
    charts: dict[str, ChartJob] = field(default_factory=dict)
    finish: Callable[[dict[str, tuple[int, int]]], None] | None = None


def write_reports(scenarios: Sequence[Scenario], out: Path, *, workers: int | None = None, compare: bool = True,
                  progress: Callable[[int, int], None] | None = None) -> list[Outcome]:
    """Write a folder per scenario (and ``comparison/`` for two or more) under ``out``.

    ``progress(done, total)`` is called as charts are drawn. A scenario that fails is reported
    in its :class:`Outcome`; the others are still written.
    """
    from simulator.figures import scenario_colours

    out.mkdir(parents=True, exist_ok=True)
    colours = scenario_colours([scenario.id for scenario in scenarios])
    stamp = _stamp()
    staged: list[_Staged] = []
    outcomes: dict[str, Outcome] = {}
    results = []
    for scenario in scenarios:
        try:
            item, result = _stage_scenario(scenario, out, colours[scenario.id], stamp)
        except Exception as error:
            outcomes[scenario.id] = Outcome(scenario.id, error=_describe(error))
            continue
        staged.append(item)
        results.append(result)
    if compare and len(results) >= 2:
        try:
            staged.append(_stage_comparison(results, out, colours, stamp))
        except Exception as error:
            outcomes[COMPARISON] = Outcome(COMPARISON, error=_describe(error))
    jobs = [(item, name, job) for item in staged for name, job in item.charts.items()]
    drawn: dict[str, dict[str, tuple[int, int]]] = {item.name: {} for item in staged}
    failed: dict[str, str] = {}
    for index, ((item, name, _), outcome) in enumerate(zip(jobs, _draw([job for _, _, job in jobs], workers), strict=True)):
        if isinstance(outcome, str):
            failed.setdefault(item.name, f"chart {name}: {outcome}")
        else:
            drawn[item.name][name] = outcome
        if progress is not None:
            progress(index + 1, len(jobs))
    for item in staged:
        outcomes[item.name] = _complete(item, drawn[item.name], failed.get(item.name))
    order = [scenario.id for scenario in scenarios] + [COMPARISON]
    return [outcomes[name] for name in order if name in outcomes]


def write_scenario_folder(scenario: Scenario, out: Path, workers: int | None = None) -> Path:
    """Write ``out/<scenario id>/`` and return it; raise RuntimeError if it could not be written."""
    (outcome,) = write_reports([scenario], out, workers=workers, compare=False)
    if outcome.path is None:
        raise RuntimeError(f"{scenario.id}: {outcome.error}")
    return outcome.path


# ---------------------------------------------------------------- staging


def _stage_scenario(scenario: Scenario, out: Path, colour: str, stamp: dict[str, str]):
    from simulator import charts
    from simulator.backtest import backtest
    from simulator.facts import load_facts
    from simulator.pages import chart, render_html, render_markdown, scenario_context
    from simulator.projection import run
    from simulator.summary import baseline_result, key_frame, key_numbers
    from simulator.timeline import tariff_arrays, tariff_paths

    result = run(scenario)
    table = key_numbers(result, baseline_result(result))
    test = backtest(result)
    item = _Staged(scenario.id, Path(tempfile.mkdtemp(prefix=f".{scenario.id}-", dir=out)), out / scenario.id)
    try:
        folder = item.staging
        tariff_paths(scenario).to_csv(folder / "tariffs.csv", float_format="%.4f")
        _wide(result).to_csv(folder / "monthly.csv", float_format="%.6f")
        _tidy(result.to_frame(), folder / "projection")
        key_frame(table).to_csv(folder / "key-numbers.csv", index=False, float_format="%.4f")
        reference = float(load_facts()["us-balance-with-china-2024"].value)  # type: ignore[arg-type]
        item.charts = {
            "tariffs": (lambda: charts.tariff_chart(scenario, tariff_arrays(scenario)), folder / "tariffs"),
            "trade": (lambda: charts.trade_chart(result), folder / "trade"),
            "balance": (lambda: charts.balance_chart(result, reference), folder / "balance"),
            "revenue": (lambda: charts.revenue_chart(result), folder / "revenue"),
        }
        if test is not None:
            test.frame().to_csv(folder / "backtest.csv", float_format="%.4f")
            item.charts["backtest"] = (lambda: charts.backtest_chart(result, test), folder / "backtest")

        def finish(sizes: dict[str, tuple[int, int]]) -> None:
            pictures = [chart(folder, name, SCENARIO_CHARTS[name], sizes[name]) for name in item.charts]
            files = _listing(folder, ["index.html", "summary.md", "manifest.json"])
            context = scenario_context(scenario, table, test, pictures, files, colour, stamp)
            (folder / "summary.md").write_text(render_markdown("summary.md.j2", context), encoding="utf-8")
            (folder / "index.html").write_text(render_html("scenario.html.j2", context), encoding="utf-8")
            _manifest(folder, stamp, [scenario], [result])

        item.finish = finish
    except BaseException:
        shutil.rmtree(item.staging, ignore_errors=True)
        raise
    return item, result


def _stage_comparison(results, out: Path, colours: dict[str, str], stamp: dict[str, str]) -> _Staged:
    import pandas as pd

    from simulator import overlays
    from simulator.facts import load_facts
    from simulator.pages import chart, comparison_context, render_html, render_markdown
    from simulator.provenance import differences, parent_of
    from simulator.summary import baseline_result, key_frame, key_numbers

    tables = [key_numbers(result, baseline_result(result)) for result in results]
    parents = {result.scenario.id: parent for result in results if (parent := parent_of(result.scenario)) is not None}
    item = _Staged(COMPARISON, Path(tempfile.mkdtemp(prefix=f".{COMPARISON}-", dir=out)), out / COMPARISON)
    try:
        folder = item.staging
        _tidy(pd.concat([result.to_frame() for result in results], ignore_index=True), folder / "projection")
        keys = [key_frame(table).assign(scenario=result.scenario.id) for result, table in zip(results, tables, strict=True)]
        pd.concat(keys, ignore_index=True).pipe(lambda frame: frame[["scenario", *frame.columns[:-1]]]).to_csv(
            folder / "key-numbers.csv", index=False, float_format="%.4f")
        rows = [{"scenario": result.scenario.id, "extends": parents[result.scenario.id].id, "section": row.section, "input": row.name,
                 "before": row.before, "after": row.after, "facts": " ".join(row.facts)}
                for result in results if result.scenario.id in parents for row in differences(result.scenario, parents[result.scenario.id])]
        pd.DataFrame(rows, columns=["scenario", "extends", "section", "input", "before", "after", "facts"]).to_csv(folder / "differences.csv", index=False)
        reference = float(load_facts()["us-balance-with-china-2024"].value)  # type: ignore[arg-type]
        item.charts = {
            "imports": (lambda: overlays.compare_flow_chart(results, "us_imports_from_china", "US imports from China by scenario", colours), folder / "imports"),
            "exports": (lambda: overlays.compare_flow_chart(results, "us_exports_to_china", "US exports to China by scenario", colours), folder / "exports"),
            "balance": (lambda: overlays.compare_balance_chart(results, reference, colours), folder / "balance"),
            "tariffs": (lambda: overlays.compare_tariff_chart(results, colours), folder / "tariffs"),
            "revenue": (lambda: overlays.compare_revenue_chart(results, colours), folder / "revenue"),
        }

        def finish(sizes: dict[str, tuple[int, int]]) -> None:
            pictures = [chart(folder, name, COMPARISON_CHARTS[name], sizes[name]) for name in item.charts]
            files = _listing(folder, ["index.html", "summary.md", "manifest.json"])
            context = comparison_context(results, tables, parents, pictures, files, colours, stamp)
            (folder / "summary.md").write_text(render_markdown("comparison.md.j2", context), encoding="utf-8")
            (folder / "index.html").write_text(render_html("comparison.html.j2", context), encoding="utf-8")
            _manifest(folder, stamp, [result.scenario for result in results], results)

        item.finish = finish
    except BaseException:
        shutil.rmtree(item.staging, ignore_errors=True)
        raise
    return item


def _complete(item: _Staged, sizes: dict[str, tuple[int, int]], failure: str | None) -> Outcome:
    """Finish a staged folder and move it into place, or remove it."""
    try:
        if failure is not None:
            raise RuntimeError(failure)
        item.finish(sizes)  # type: ignore[misc]
        _replace(item.staging, item.target)
    except Exception as error:
        shutil.rmtree(item.staging, ignore_errors=True)
        return Outcome(item.name, error=failure or _describe(error))
    return Outcome(item.name, path=item.target)


# ---------------------------------------------------------------- files


def _tidy(frame, stem: Path) -> None:
    """The canonical long table as CSV and Parquet."""
    frame.to_csv(stem.with_suffix(".csv"), index=False, float_format="%.6f")
    frame.to_parquet(stem.with_suffix(".parquet"), index=False)


def _wide(result):
    """The monthly frame with the unit in every column name, for spreadsheets."""
    from simulator.result import unit

    frame = result.monthly
    return frame.rename(columns={name: f"{name} [{unit(name, 'monthly')}]" for name in frame.columns})


def _listing(folder: Path, extra: list[str]) -> list[str]:
    return sorted({path.name for path in folder.iterdir()} | set(extra))


def _stamp() -> dict[str, str]:
    from simulator import __version__

    return {"version": __version__, "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(folder: Path, stamp: dict[str, str], scenarios: Sequence[Scenario], results) -> None:
    """``manifest.json``: what went in (files and their hashes, parameters), with which software, and what came out."""
    import platform

    from simulator.projection import point_parameters

    manifest = {
        "created": stamp["created"],
        "package": {"name": "tariff-scenarios", "version": stamp["version"]},
        "versions": {"python": platform.python_version(), **_versions()},
        "scenarios": [
            {
                "id": scenario.id,
                "title": scenario.title,
                "extends": scenario.parent,
                "horizon": [scenario.start.isoformat(), scenario.end.isoformat()],
                "files": [{"path": name, "sha256": _sha256(Path(name)) if Path(name).is_file() else None} for name in scenario.files],
                "parameters": point_parameters(scenario),
                "draws": result.draws,
                "seed": result.seed,
                "facts": scenario.facts_used(),
            }
            for scenario, result in zip(scenarios, results, strict=True)
        ],
        "outputs": {path.name: _sha256(path) for path in sorted(folder.iterdir()) if path.is_file()},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("numpy", "pandas", "matplotlib", "pyarrow", "pydantic", "jinja2", "ruamel.yaml"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _replace(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``, replacing an older folder with as small a gap as possible."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- drawing


def _draw(jobs: list[ChartJob], workers: int | None) -> Any:
    """Each chart drawn and saved as PNG and SVG: its size [px], or why it failed."""
    from simulator.figures import text_width
    from simulator.parallel import fork_map

    text_width("Load the font once, before the workers fork", 8)
    return fork_map(_draw_one, jobs, workers)


def _draw_one(job: ChartJob) -> tuple[int, int] | str:
    from simulator.figures import save

    build, stem = job
    try:
        figure = build()
        save(figure, stem)
    except Exception as error:
        return _describe(error)
    width, height = figure.get_size_inches() * figure.dpi
    return round(width), round(height)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
