"""Write report folders: one per scenario and, for two or more, ``comparison/``; each all or nothing.

A scenario's folder holds its charts (PNG and SVG), the tidy table (CSV and Parquet), the
daily tariff paths, key numbers, ``summary.md``, ``manifest.json`` and a self-contained
``index.html``. Every folder is written into a temporary sibling and renamed into place, so a
failed run leaves no partial folder and a rerun replaces the old one cleanly.

Results are computed in this process (milliseconds each); the charts, which take nearly all
of the time, are drawn on forked workers as one pool of jobs across all folders.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.files import listing, replace_folder, run_stamp, sha256, wide, write_manifest, write_tidy
from simulator.scenario import Scenario

COMPARISON = "comparison"
SCENARIO_CHARTS = {
    "tariffs": "Headline and effective additional tariffs in both directions; grey bands are suspension windows (truces).",
    "trade": "Monthly US imports from and exports to China, against the counterfactual without the 2025 tariffs.",
    "balance": "Monthly US balance with China and its 12-month rolling sum, against the 2024 deficit.",
    "revenue": "Monthly tariff revenue in both directions.",
    "backtest": "The model against the Census months of 2025.",
    "fan": "Monthly imports and balance over the Monte Carlo draws: median, 50% and 90% bands, and the point projection.",
    "tornado": "How far each uncertain input, at its 5th and 95th percentile, moves the balance in the last full year of the horizon.",
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


def write_reports(scenarios: Sequence[Scenario], out: Path, *, workers: int | None = None, compare: bool = True, draws: int = 0,
                  seed: int | None = None, progress: Callable[[int, int, str], None] | None = None) -> list[Outcome]:
    """Write a folder per scenario (and ``comparison/`` for two or more) under ``out``.

    With ``draws`` > 0 each scenario also gets Monte Carlo quantiles, a fan chart and a
    tornado chart; every scenario uses the same ``seed`` (fresh entropy when None, recorded in
    the manifests), so differences between scenarios are not noise between random streams.
    ``progress(done, total, what)`` is called as draws ('draws') and charts ('charts') finish.
    A scenario that fails is reported in its :class:`Outcome`; the others are still written.
    """
    import numpy as np

    from simulator.figures import scenario_colours

    _check_names(scenarios, compare)
    out.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out, [scenario.id for scenario in scenarios] + [COMPARISON])
    colours = scenario_colours([scenario.id for scenario in scenarios])
    stamp = run_stamp()
    outcomes: dict[str, Outcome] = {}
    if draws and seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    computed = _compute(scenarios, draws, seed, workers, progress)
    staged: list[_Staged] = []
    try:
        results = []
        for scenario, result in zip(scenarios, computed, strict=True):
            if isinstance(result, str):  # the run itself failed
                outcomes[scenario.id] = Outcome(scenario.id, error=result)
                continue
            try:
                staged.append(_stage_scenario(scenario, result, out, colours[scenario.id], stamp))
            except Exception as error:
                outcomes[scenario.id] = Outcome(scenario.id, error=_describe(error))
                continue
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
                progress(index + 1, len(jobs), "charts")
        broken = [item.name for item in staged if item.name in failed and item.name != COMPARISON]
        if broken and COMPARISON in drawn:  # a comparison must not show or link to a scenario whose folder is missing
            failed.setdefault(COMPARISON, f"not written because {', '.join(broken)} failed")
        for item in staged:
            outcomes[item.name] = _complete(item, drawn[item.name], failed.get(item.name))
    except BaseException:  # interrupted (Ctrl-C, SIGTERM) or broken: leave nothing half-written
        for item in staged:
            shutil.rmtree(item.staging, ignore_errors=True)
        raise
    order = [scenario.id for scenario in scenarios] + [COMPARISON]
    return [outcomes[name] for name in order if name in outcomes]


def _check_names(scenarios: Sequence[Scenario], compare: bool) -> None:
    """Each folder name once: two files with one stem, or a scenario called 'comparison', would overwrite each other."""
    from simulator.problems import InputError, Problem

    problems = []
    seen: dict[str, Scenario] = {}
    for scenario in scenarios:
        where = scenario.files[-1] if scenario.files else scenario.id
        if scenario.id in seen:
            problems.append(Problem(where, 1, 1, "", f"another scenario in this run is also named '{scenario.id}' "
                                    f"({seen[scenario.id].files[-1]}); their report folders would collide: rename one file"))
        elif compare and scenario.id == COMPARISON and len(scenarios) > 1:
            problems.append(Problem(where, 1, 1, "", f"a scenario named '{COMPARISON}' would collide with the comparison folder: rename the file"))
        seen.setdefault(scenario.id, scenario)
    if problems:
        raise InputError(problems)


def _remove_leftovers(out: Path, names: list[str]) -> None:
    """Staging folders an interrupted run left behind (``.<name>-xxxxxxxx``)."""
    for name in names:
        for leftover in out.glob(f".{name}-*"):
            if leftover.is_dir() and len(leftover.name) == len(name) + 10:
                shutil.rmtree(leftover, ignore_errors=True)


def _compute(scenarios: Sequence[Scenario], draws: int, seed: int | None, workers: int | None, progress) -> list:
    """Each scenario's result, or why it failed; Monte Carlo draws of several scenarios run on forked workers."""
    from simulator.parallel import fork_map
    from simulator.projection import run
    from simulator.result import Result

    def point(scenario: Scenario):
        try:
            return run(scenario)
        except Exception as error:
            return _describe(error)

    results = [point(scenario) for scenario in scenarios]
    if not draws:
        return results
    from simulator.uncertainty import monte_carlo

    def chunks(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "draws")

    def simulate(scenario: Scenario):
        try:  # only the Draws travel back from a worker, never the scenario
            return monte_carlo(scenario, draws, seed, progress=chunks if len(scenarios) == 1 else None)
        except Exception as error:
            return _describe(error)

    pending = [scenario for scenario, result in zip(scenarios, results, strict=True) if not isinstance(result, str)]
    found = {}
    for index, (scenario, outcome) in enumerate(zip(pending, fork_map(simulate, pending, workers), strict=True)):
        found[scenario.id] = outcome
        if progress is not None and len(scenarios) > 1:
            progress((index + 1) * draws, len(pending) * draws, "draws")
    combined = []
    for scenario, result in zip(scenarios, results, strict=True):
        outcome = found.get(scenario.id)
        if isinstance(result, str) or isinstance(outcome, str):
            combined.append(result if isinstance(result, str) else outcome)
            continue
        combined.append(Result(scenario, result.days, result.series, quantiles=outcome.quantiles, draws=draws, seed=outcome.seed,
                               periods=outcome.periods, extras={"draws": outcome}))
    return combined


# ---------------------------------------------------------------- staging


def _stage_scenario(scenario: Scenario, result, out: Path, colour: str, stamp: dict[str, str]) -> _Staged:
    from simulator import charts
    from simulator.backtest import backtest
    from simulator.facts import balance_2024
    from simulator.pages import scenario_context
    from simulator.summary import baseline_result, key_frame, key_numbers
    from simulator.timeline import tariff_arrays, tariff_paths

    table = key_numbers(result, baseline_result(result))
    test = backtest(result)
    item = _Staged(scenario.id, _staging(out, scenario.id), out / scenario.id)
    try:
        folder = item.staging
        tariff_paths(scenario).to_csv(folder / "tariffs.csv", float_format="%.4f")
        wide(result).to_csv(folder / "monthly.csv", float_format="%.6f")
        write_tidy(result.to_frame(), folder / "projection")
        key_frame(table).to_csv(folder / "key-numbers.csv", index=False, float_format="%.4f")
        reference = balance_2024()
        item.charts = {
            "tariffs": (lambda: charts.tariff_chart(scenario, tariff_arrays(scenario)), folder / "tariffs"),
            "trade": (lambda: charts.trade_chart(result), folder / "trade"),
            "balance": (lambda: charts.balance_chart(result, reference), folder / "balance"),
            "revenue": (lambda: charts.revenue_chart(result), folder / "revenue"),
        }
        if test is not None:
            test.frame().to_csv(folder / "backtest.csv", float_format="%.4f")
            item.charts["backtest"] = (lambda: charts.backtest_chart(result, test), folder / "backtest")
        spread = None
        if result.draws:
            from simulator.uncertainty import full_years, tornado

            spread = _spread_rows(result)
            item.charts["fan"] = (lambda: charts.fan_chart(result), folder / "fan")
            if full_years(scenario):  # a tornado needs a whole calendar year to read the balance of
                year = full_years(scenario)[-1]
                central, swings = tornado(scenario, year=year)
                item.charts["tornado"] = (lambda: charts.tornado_chart(scenario, central, swings, year), folder / "tornado")

        item.finish = lambda sizes: _write_pages(
            item, SCENARIO_CHARTS, sizes, lambda pictures, files: scenario_context(scenario, table, test, pictures, files, colour, stamp, result, spread),
            "summary.md.j2", "scenario.html.j2", stamp, [result])
    except BaseException:
        shutil.rmtree(item.staging, ignore_errors=True)
        raise
    return item


def _spread_rows(result) -> list[dict[str, str]]:
    """Per year: the 5th, 50th and 95th percentile of imports and of the balance over the draws [USD bn]."""
    from simulator.pages import number

    stamps, values = result.periods["annual"]
    levels = list(result.quantiles)
    rows = []
    for index, period in enumerate(stamps):
        row = {"year": str(period)}
        for variable, short in (("us_imports_from_china", "imports"), ("us_trade_balance_with_china", "balance")):
            for level in (5, 50, 95):
                row[f"{short}_{level}"] = number(float(values[variable][levels.index(level), index]), "USD bn")
        rows.append(row)
    return rows


def _stage_comparison(results, out: Path, colours: dict[str, str], stamp: dict[str, str]) -> _Staged:
    import pandas as pd

    from simulator import overlays
    from simulator.facts import balance_2024
    from simulator.pages import comparison_context
    from simulator.provenance import differences, parent_of
    from simulator.summary import baseline_result, key_frame, key_numbers

    tables = [key_numbers(result, baseline_result(result)) for result in results]
    parents = {result.scenario.id: parent for result in results if (parent := parent_of(result.scenario)) is not None}
    item = _Staged(COMPARISON, _staging(out, COMPARISON), out / COMPARISON)
    try:
        folder = item.staging
        write_tidy(pd.concat([result.to_frame() for result in results], ignore_index=True), folder / "projection")
        keys = [key_frame(table).assign(scenario=result.scenario.id) for result, table in zip(results, tables, strict=True)]
        pd.concat(keys, ignore_index=True).pipe(lambda frame: frame[["scenario", *frame.columns[:-1]]]).to_csv(
            folder / "key-numbers.csv", index=False, float_format="%.4f")
        rows = [{"scenario": result.scenario.id, "extends": parents[result.scenario.id].id, "section": row.section, "input": row.name,
                 "before": row.before, "after": row.after, "facts": " ".join(row.facts)}
                for result in results if result.scenario.id in parents for row in differences(result.scenario, parents[result.scenario.id])]
        pd.DataFrame(rows, columns=["scenario", "extends", "section", "input", "before", "after", "facts"]).to_csv(folder / "differences.csv", index=False)
        reference = balance_2024()
        item.charts = {
            "imports": (lambda: overlays.compare_flow_chart(results, "us_imports_from_china", "US imports from China by scenario", colours), folder / "imports"),
            "exports": (lambda: overlays.compare_flow_chart(results, "us_exports_to_china", "US exports to China by scenario", colours), folder / "exports"),
            "balance": (lambda: overlays.compare_balance_chart(results, reference, colours), folder / "balance"),
            "tariffs": (lambda: overlays.compare_tariff_chart(results, colours), folder / "tariffs"),
            "revenue": (lambda: overlays.compare_revenue_chart(results, colours), folder / "revenue"),
        }

        item.finish = lambda sizes: _write_pages(
            item, COMPARISON_CHARTS, sizes, lambda pictures, files: comparison_context(results, tables, parents, pictures, files, colours, stamp),
            "comparison.md.j2", "comparison.html.j2", stamp, results)
    except BaseException:
        shutil.rmtree(item.staging, ignore_errors=True)
        raise
    return item


def _write_pages(item: _Staged, captions: dict[str, str], sizes: dict[str, tuple[int, int]], context_for, markdown: str, html: str,
                 stamp: dict[str, str], results) -> None:
    """The last files of a folder, once its charts exist: ``summary.md``, ``index.html`` (charts inlined), ``manifest.json``."""
    from simulator.pages import chart, render_html, render_markdown

    folder = item.staging
    pictures = [chart(folder, name, captions[name], sizes[name]) for name in item.charts]
    context = context_for(pictures, listing(folder, ["index.html", "summary.md", "manifest.json"]))
    (folder / "summary.md").write_text(render_markdown(markdown, context), encoding="utf-8")
    (folder / "index.html").write_text(render_html(html, context), encoding="utf-8")
    write_manifest(folder, stamp, [result.scenario for result in results], results)


def _staging(out: Path, name: str) -> Path:
    """A hidden folder beside the target, readable like any folder the user makes (mkdtemp makes it private)."""
    import os

    folder = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out))
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)
    return folder


def _complete(item: _Staged, sizes: dict[str, tuple[int, int]], failure: str | None) -> Outcome:
    """Finish a staged folder and move it into place, or remove it."""
    try:
        if failure is not None:
            raise RuntimeError(failure)
        item.finish(sizes)  # type: ignore[misc]
        replace_folder(item.staging, item.target)
    except Exception as error:
        shutil.rmtree(item.staging, ignore_errors=True)
        return Outcome(item.name, error=failure or _describe(error))
    return Outcome(item.name, path=item.target)


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


# ---------------------------------------------------------------- sweeps


def write_sweep_folder(name: str, scenario: Scenario, grid: dict[str, list], frame, out: Path, files: Sequence[str] = ()) -> Path:
    """``out/<name>/``: the sweep's tidy table (CSV, Parquet), a summary of the last full year and a manifest."""
    from simulator.pages import markdown_table, number
    from simulator.quantities import Percent
    from simulator.uncertainty import last_full_year

    out.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out, [name])
    staging = _staging(out, name)
    try:
        write_tidy(frame, staging / "sweep")
        stamp = run_stamp()
        year = last_full_year(scenario) if scenario.end.year > scenario.start.year or scenario.end.month == 12 else scenario.end.year
        rows = []
        last = frame[frame["date"].dt.year == year]
        for point, group in last.groupby("point", sort=True):
            values = dict(zip(group["variable"], group["value"], strict=True))
            row = {parameter: f"{group[parameter].iloc[0]:g}" for parameter in grid}
            row.update({"point": str(point), "imports": number(values["us_imports_from_china"], "USD bn"),
                        "balance": number(values["us_trade_balance_with_china"], "USD bn"),
                        "revenue": number(values["us_tariff_revenue_from_china"], "USD bn")})
            rows.append(row)
        columns = ["point", *grid, "imports", "balance", "revenue"]
        titles = {"point": "Point", **{parameter: parameter.replace("_", " ") + (" [%]" if isinstance(grid[parameter][0], Percent) else "")
                                       for parameter in grid},
                  "imports": f"US imports {year} [USD bn]", "balance": f"US balance {year} [USD bn]", "revenue": f"US tariff revenue {year} [USD bn]"}
        text = (f"# Sweep `{name}` of `{scenario.id}`\n\n{len(rows)} grid points; made with tariff-scenarios {stamp['version']} on {stamp['created']}. "
                f"The full table (every period and variable) is `sweep.csv` / `sweep.parquet`.\n\n## {year}\n\n"
                + markdown_table(rows, columns, titles) + "\n")
        (staging / "summary.md").write_text(text, encoding="utf-8")
        manifest = {"created": stamp["created"], "package": {"name": "tariff-scenarios", "version": stamp["version"]}, "scenario": scenario.id,
                    "grid": {parameter: [float(value.value) for value in values] for parameter, values in grid.items()},
                    "files": [{"path": str(Path(file).resolve()), "sha256": sha256(Path(file))} for file in (*scenario.files, *files)
                              if Path(file).is_file()],
                    "outputs": {path.name: sha256(path) for path in sorted(staging.iterdir())}}
        (staging / "manifest.json").write_text(__import__("json").dumps(manifest, indent=2) + "\n", encoding="utf-8")
        replace_folder(staging, out / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out / name


