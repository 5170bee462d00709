"""Write report folders: one per scenario and, for two or more, ``comparison/``; each all or nothing.

A short pipeline of small steps:

1. **compute** each scenario's result (Monte Carlo draws on forked workers), its counterfactual,
   key numbers and chart inputs, then the comparison's;
2. **stage** each folder: a hidden temporary sibling holding the data files;
3. **draw and write** each folder on a forked worker (a job per folder, the comparison, the
   largest, first): every chart is drawn once, into its SVG and its page of ``chartbook.pdf`` in
   the same pass (PNG too when asked for), then ``summary.md``, a self-contained ``index.html``
   and ``manifest.json`` (nearly all of the time goes here). With fewer folders than twice the
   workers, a folder's charts are shared out over the workers instead, and its book is bound
   from their pages, so that one scenario, or a what-if and the comparison, leave no core idle;
4. **swap** the staged folder into place.

A failed run leaves no partial folder; a rerun replaces the old one cleanly. Steps 2 to 4 hold the
output folder's lock, so two runs into one folder take turns (:mod:`simulator.outputs.folders`). A
scenario whose model or chart fails is reported in its :class:`Outcome` and the others are written;
a failure of the output folder itself (not a folder, read-only, full disk) ends the run with an
:class:`~simulator.outputs.folders.OutputFolderError` and no partial folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure

from simulator.inputs.facts import load_facts, load_sources
from simulator.inputs.scenario import Scenario
from simulator.model.projection import counterfactual, point_projection
from simulator.model.result import Result
from simulator.model.tariff_paths import paths_frame
from simulator.outputs import charts as registry
from simulator.outputs.chart_inputs import (
    ComparisonChartInputs,
    ScenarioChartInputs,
    comparison_chart_inputs,
    scenario_chart_inputs,
)
from simulator.outputs.chartbook import (
    EFFECT_YEARS,
    Changes,
    ChartBook,
    ChartPage,
    write_book_text,
    write_chart_part,
    write_chartbook,
)
from simulator.outputs.colours import scenario_colours
from simulator.outputs.data_files import (
    README,
    DataFile,
    describe,
    percent_frame,
    point_result,
    readme,
    variable_frame,
    write_csv,
)
from simulator.outputs.files import listing, run_stamp, write_manifest, write_tidy
from simulator.outputs.folders import (
    COMPARISON,
    about_output,
    check_names,
    folder_error,
    locked,
    prepare,
    refuse_foreign,
    remove_leftovers,
    replace_folder,
    staging_folder,
)
from simulator.outputs.incremental import Options, chart_formats, reference_of, scenario_record, shared_hashes
from simulator.outputs.key_numbers import key_csv_frame, key_numbers, years_recorded
from simulator.outputs.layout import FORMATS, save
from simulator.outputs.pages import (
    comparison_context,
    effect_horizon_note,
    effect_tables,
    markdown_text,
    picture,
    render_html,
    render_markdown,
    scenario_context,
    spread_rows,
)
from simulator.outputs.provenance import all_facts, day, differences, leaning_on_prior
from simulator.outputs.skill import skill_rows
from simulator.outputs.text import clean, text_width
from simulator.uncertainty.draws import monte_carlo
from simulator.uncertainty.executors import SharedCount, fork_map, fork_map_unordered
from simulator.uncertainty.scores import scores

Progress = Callable[[int, int, str], None]
CHARTBOOK = "chartbook.pdf"
"""Every chart of a folder, its key numbers and sources in one PDF."""
BOOK_TEXT = ".chartbook-text.pdf"
"""The book's own pages (cover, key numbers, sources) of a folder drawn in parts, until the book is bound."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one folder: ``path`` when written, else ``error`` says why not."""

    name: str
    path: Path | None = None
    error: str | None = None
    current: bool = False
    """The folder was up to date and left as it was."""


@dataclass(frozen=True)
class Failure:
    """A step that failed for one folder, and why, in words."""

    name: str
    reason: str


@dataclass(frozen=True, eq=False)
class ScenarioReport:
    """What one scenario's folder shows: its result, the counterfactual it is compared with, key numbers, charts."""

    result: Result
    baseline: Result
    table: dict[str, np.ndarray]
    charts: ScenarioChartInputs
    colour: str
    parent: Result | None = None
    """A what-if's parent projected over the same days, for its effect in a point run (None otherwise)."""

    @property
    def name(self) -> str:
        return self.result.scenario.id


@dataclass(frozen=True, eq=False)
class ComparisonReport:
    """What the comparison folder shows: the scenarios' reports side by side, and what each what-if changes."""

    members: tuple[ScenarioReport, ...]
    charts: ComparisonChartInputs
    name: str = COMPARISON

    @property
    def results(self) -> tuple[Result, ...]:
        return tuple(member.result for member in self.members)

    @property
    def parents(self) -> dict[str, Scenario]:
        """The scenario each member extends, where it resolves on its own."""
        return {
            member.name: member.result.scenario.extended
            for member in self.members
            if member.result.scenario.extended is not None
        }


@dataclass
class Staged:
    """A folder being written: its report, its staging folder, and the charts to draw into it."""

    report: ScenarioReport | ComparisonReport
    staging: Path
    target: Path
    charts: list[registry.Chart]
    failure: str | None = None
    formats: tuple[str, ...] = FORMATS
    build: dict | None = None
    """What the folder is built from, for its manifest (:mod:`simulator.outputs.incremental`)."""

    @property
    def name(self) -> str:
        return self.report.name


def write_reports(
    scenarios: Sequence[Scenario],
    out: Path,
    baseline: Scenario,
    *,
    workers: int | None = None,
    compare: bool = True,
    draws: int = 0,
    seed: int | None = None,
    progress: Progress | None = None,
    reference: str | None = None,
    formats: Sequence[str] = FORMATS,
    current: Collection[str] = (),
    shared: Mapping[str, str] | None = None,
    run_ids: Sequence[str] | None = None,
) -> list[Outcome]:
    """Write a folder per scenario (and ``comparison/`` for two or more) under ``out``.

    ``baseline`` is the 2024-tariffs scenario that key numbers are compared with. With ``draws``
    > 0 each scenario also gets Monte Carlo quantiles, a fan chart and a tornado chart; every
    scenario uses the same ``seed`` (fresh entropy when None, recorded in the manifests), so
    differences between scenarios are not noise between random streams. ``progress(done,
    total, what)`` is called as draws ('draws') and charts ('charts') finish. A scenario that
    fails is reported in its :class:`Outcome`; the others are still written. ``reference`` is the id of the
    scenario the comparison draws the others against (by default documented-2025 when it is in the run, else the
    first scenario).

    Raises :class:`~simulator.outputs.folders.OutputFolderError` (one line, for the user) when ``out`` cannot take
    the folders: checked before any work, and for any error of the output folder while writing, after which no
    partial folder is left. Waits while another run writes into ``out``.

    ``formats``: the chart files written (:data:`~simulator.outputs.incremental.CHART_FORMATS`; SVG is always
    written: the page inlines it; ValueError for another). ``current``: scenarios whose folders are up to date
    (:mod:`simulator.outputs.incremental`); they are computed for the comparison but not written again. Every
    manifest records what its folder was built from; ``shared``: the hashes of the seeds files taken before the
    scenarios were loaded (:func:`~simulator.outputs.incremental.shared_hashes`; by default they are taken here).
    ``run_ids``: every scenario of the run, those left out of ``scenarios`` because their folders and the comparison
    are up to date included: they set each folder's colour (by default the ids of ``scenarios``).
    """
    formats = chart_formats(formats)
    check_names(scenarios, compare)
    prepare(out)
    refuse_foreign(out, [scenario.id for scenario in scenarios] + ([COMPARISON] if compare else []))
    if draws and seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    colours = scenario_colours(list(run_ids) if run_ids is not None else [scenario.id for scenario in scenarios])
    stamp = run_stamp()
    # before the data are read: a file replaced meanwhile makes the next run rebuild
    shared = dict(shared) if shared is not None else shared_hashes()
    computed = compute(scenarios, baseline, colours, draws, seed, workers, progress)
    reports = [item for item in computed if isinstance(item, ScenarioReport)]
    failures = {item.name: item.reason for item in computed if isinstance(item, Failure)}
    with locked(out):
        try:
            remove_leftovers(out, [scenario.id for scenario in scenarios] + [COMPARISON])
            # the reference as chosen, given or not (comparison only): the default named is the default taken
            ids = list(run_ids) if run_ids is not None else [scenario.id for scenario in scenarios]
            chosen = reference_of(ids, reference) if ids else reference
            options = Options(draws, seed if draws else None, formats, chosen)
            outcomes = _write(
                reports, failures, out, colours, compare, stamp, workers, progress, reference, options, current, shared
            )
        except OSError as error:
            if not about_output(out, error):
                raise
            raise folder_error(out, error) from None
    order = [scenario.id for scenario in scenarios] + [COMPARISON]
    return [outcomes[name] for name in order if name in outcomes]


def _write(
    reports: list[ScenarioReport],
    failures: dict[str, str],
    out: Path,
    colours: dict[str, str],
    compare: bool,
    stamp: dict[str, str],
    workers: int | None,
    progress: Progress | None,
    reference: str | None,
    options: Options,
    current: Collection[str],
    shared: dict[str, str],
) -> dict[str, Outcome]:
    """Steps 2 to 5 for every computed report: stage, draw, write, swap; nothing staged is left if it raises."""
    staged: list[Staged] = []
    keys: dict[str, str] = {}
    try:
        for report in reports:
            record = scenario_record(
                options.for_scenario(),
                [report.result.scenario, report.baseline.scenario],
                load_facts(),
                load_sources(),
                colour=report.colour,
                shared=shared,
                shown=facts_shown,
            )
            keys[report.name] = record["key"]
            if report.name in current:
                continue
            outcome = stage(report, out, options.formats)
            if isinstance(outcome, Failure):
                failures[outcome.name] = outcome.reason
            else:
                staged.append(outcome)
                outcome.build = record
        members = tuple(report for report in reports if report.name not in failures)
        if compare and len(members) >= 2:
            inputs = comparison_chart_inputs([member.result for member in members], colours, reference)
            outcome = stage(ComparisonReport(members, inputs), out, options.formats)
            if isinstance(outcome, Failure):
                failures[outcome.name] = outcome.reason
            else:
                staged.append(outcome)  # before its record, whose hashing an interruption may cut short
                scenarios = [item for member in members for item in (member.result.scenario, member.baseline.scenario)]
                built = {member.name: keys[member.name] for member in members}
                outcome.build = scenario_record(
                    options, scenarios, load_facts(), load_sources(), built, shared=shared, shown=facts_shown
                )
        build(staged, stamp, workers, progress)
        outcomes = {name: Outcome(name, error=reason) for name, reason in failures.items()}
        outcomes.update({name: Outcome(name, path=out / name, current=True) for name in current if name in keys})
        outcomes.update({item.name: finish(item) for item in staged})
    except BaseException:  # interrupted (Ctrl-C, SIGTERM) or broken: leave nothing half-written
        for item in staged:
            shutil.rmtree(item.staging, ignore_errors=True)
        # and any staging folder an interruption left between its making and the list above (the lock is held)
        remove_leftovers(out, [report.name for report in reports] + [COMPARISON])
        raise
    return outcomes


def facts_shown(scenario: Scenario) -> list[str]:
    """Every fact a folder's pages show for ``scenario``: those it cites, the ones they are derived from, the
    calibration's, and the priors its estimates lean on (an edit to any of them changes the page)."""
    return [*all_facts(scenario), *leaning_on_prior(scenario)]


# ---------------------------------------------------------------- 1. compute


def compute(
    scenarios: Sequence[Scenario],
    baseline: Scenario,
    colours: dict[str, str],
    draws: int,
    seed: int | None,
    workers: int | None,
    progress: Progress | None,
) -> list[ScenarioReport | Failure]:
    """Each scenario's report, or why it failed; Monte Carlo draws of several scenarios run on forked workers."""
    results = [_attempt(scenario.id, point_projection, scenario) for scenario in scenarios]
    if draws:
        results = _with_draws(results, draws, seed, workers, progress)
    return [
        result
        if isinstance(result, Failure)
        else _attempt(result.scenario.id, _report, result, baseline, colours[result.scenario.id])
        for result in results
    ]


def _report(result: Result, baseline: Scenario, colour: str) -> ScenarioReport:
    _check_finite(result)
    scenario = result.scenario
    reference = point_projection(counterfactual(baseline, scenario))
    charts = scenario_chart_inputs(result)
    table = key_numbers(result, reference, charts.observed)
    parent = None
    if scenario.extended is not None:  # a what-if's point effect (a draws run gives its range as well)
        parent = point_projection(dataclasses.replace(scenario.extended, start=scenario.start, end=scenario.end))
    return ScenarioReport(result, reference, table, charts, colour, parent)


def _check_finite(result: Result) -> None:
    """ValueError naming the variables whose projection holds a value that is not a number: a report must not present
    empty cells and blank charts as a finished run (the input checks keep every parameter within reach of a number;
    this is the last guard)."""
    arrays = dict(result.series)
    if result.uncertainty is not None:
        for frequency, (_, values) in result.uncertainty.periods.items():
            arrays.update({f"{name} ({frequency} draws)": value for name, value in values.items()})
    broken = [name for name, array in arrays.items() if not np.isfinite(array).all()]
    if broken:
        raise ValueError(
            f"the projection is not a number for {', '.join(broken[:3])}{' and others' if len(broken) > 3 else ''}; "
            "check the parameters' values and distributions"
        )


def _with_draws(
    results: list[Result | Failure], draws: int, seed: int | None, workers: int | None, progress: Progress | None
) -> list[Result | Failure]:
    pending = [result for result in results if isinstance(result, Result)]

    def chunks(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "draws")

    def simulate(result: Result) -> object:
        # only the summary travels back from a worker, never the scenario
        return _attempt(
            result.scenario.id,
            monte_carlo,
            result.scenario,
            draws,
            seed,
            progress=chunks if len(pending) == 1 else None,
            # a what-if's effect, on the same draws as the scenario it extends (over the what-if's horizon)
            against=result.scenario.extended_over_horizon(),
        )

    summaries = {}
    for index, (result, summary) in enumerate(zip(pending, fork_map(simulate, pending, workers), strict=True)):
        summaries[result.scenario.id] = summary
        if progress is not None and len(pending) > 1:
            progress((index + 1) * draws, len(pending) * draws, "draws")
    combined: list[Result | Failure] = []
    for result in results:
        summary = summaries.get(result.name if isinstance(result, Failure) else result.scenario.id)
        if isinstance(result, Failure) or isinstance(summary, Failure):
            combined.append(result if isinstance(result, Failure) else summary)  # type: ignore[arg-type]
        else:
            combined.append(Result(result.scenario, result.days, result.series, uncertainty=summary))  # type: ignore[arg-type]
    return combined


def _attempt(name: str, function: Callable, *arguments, **keywords) -> object:
    """``function(*arguments)``, or a :class:`Failure` that says why it raised."""
    try:
        return function(*arguments, **keywords)
    except Exception as error:
        return Failure(name, reason(error))


def reason(error: BaseException) -> str:
    """Why something failed, in one line: the messages may quote a scenario's text, which must not reach a terminal
    with its control characters."""
    return clean(f"{type(error).__name__}: {error}")


# ---------------------------------------------------------------- 2. stage


def stage(report: ScenarioReport | ComparisonReport, out: Path, formats: Sequence[str] = FORMATS) -> Staged | Failure:
    """A staging folder holding the report's data files, and the charts still to draw into it."""
    staging = staging_folder(out, report.name)
    try:
        if isinstance(report, ScenarioReport):
            files = _write_scenario_data(report, staging)
            charts = registry.drawable(registry.SCENARIO_CHARTS, report.charts)
        else:
            files = _write_comparison_data(report, staging)
            charts = registry.drawable(registry.COMPARISON_CHARTS, report.charts)
        title = report.name if isinstance(report, ComparisonReport) else report.result.scenario.title
        (staging / README).write_text(readme(markdown_text(title), files), encoding="utf-8")
    except OSError as error:  # the output folder's fault (full disk, read-only) ends the run; an input's is its own
        shutil.rmtree(staging, ignore_errors=True)
        if about_output(out, error):
            raise
        return Failure(report.name, reason(error))
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        return Failure(report.name, reason(error))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Staged(report, staging, out / report.name, charts, formats=tuple(formats))


FIT_UNITS = {
    "imports_actual": "imports_census_usd_bn_per_month",
    "imports_model": "imports_model_usd_bn_per_month",
    "exports_actual": "exports_census_usd_bn_per_month",
    "exports_model": "exports_model_usd_bn_per_month",
}
"""``fit-to-census.csv``: the model's columns as the file names them, with their unit."""


def _write_scenario_data(report: ScenarioReport, folder: Path) -> list[DataFile]:
    """The data files of a scenario's folder; a Monte Carlo run writes the point projection's files as a point run
    does, and the quantiles beside them."""
    result = report.result
    point = point_result(result)
    files = [
        write_csv(
            percent_frame(paths_frame(report.charts.paths)),
            folder / "tariffs.csv",
            "Daily tariff paths [%]: the headline add-on, the effective (coverage-weighted) add-on, and the effective "
            "add-on by legal authority, each side.",
            float_format="%.4f",
        ),
        write_csv(
            variable_frame(point.monthly, "monthly"),
            folder / "monthly.csv",
            "The point projection by month, one column per variable: flows summed over the month's days in the "
            "horizon [USD bn/month], rates averaged over them [%].",
        ),
        _write_tidy(point.to_frame(), folder / "projection", "The point projection by month as one long table."),
        write_csv(
            key_csv_frame(report.table),
            folder / "key-numbers.csv",
            "Per calendar year of the point projection: flows summed over the year's days in the horizon [USD bn], "
            "rates as day averages [%], the change against the path without the 2025 tariffs (the columns "
            "'…_vs_baseline_2024': the same years with the tariffs of 2024 held, not the 2024 values), and the "
            "Census totals of observed years.",
            index=False,
            float_format="%.4f",
        ),
    ]
    if result.uncertainty is not None:
        files += [
            write_csv(
                variable_frame(result.monthly, "monthly"),
                folder / "monthly-quantiles.csv",
                f"Quantiles of {result.draws:,} Monte Carlo draws by month, as monthly.csv.",
            ),
            write_csv(
                variable_frame(result.annual, "annual"),
                folder / "annual-quantiles.csv",
                f"Quantiles of {result.draws:,} Monte Carlo draws by calendar year: each draw's flows summed over the "
                "year's days in the horizon [USD bn/year], its rates averaged over them [%]; the ranges of the key "
                "numbers.",
            ),
        ]
        if result.uncertainty.effects is not None:
            files.append(
                write_csv(
                    variable_frame(result.effects("annual"), "annual"),
                    folder / "effect-quantiles.csv",
                    f"Quantiles of the change against “{result.uncertainty.effects.title}”, by calendar year, over "
                    f"{result.draws:,} draws shared by the two scenarios (the same parameters, renewals and "
                    "monthly swings in both): the range of this what-if's effect [USD bn/year; the rate columns, "
                    "named _percent, hold percentage points]. Years both cover with the same days."
                    + f" {effect_horizon_note(result.scenario)}".rstrip(),
                )
            )
        files += [
            _write_tidy(
                result.to_frame(),
                folder / "projection-quantiles",
                f"Quantiles of {result.draws:,} Monte Carlo draws by month as one long table.",
            ),
        ]
    if report.charts.backtest is not None:
        files.append(
            write_csv(
                report.charts.backtest.frame().rename(columns=FIT_UNITS),
                folder / "fit-to-census.csv",
                "The model beside each Census month in the horizon (in sample) [USD bn/month], and its error [%].",
                float_format="%.4f",
            )
        )
    if report.charts.skill is not None:
        files.append(
            write_csv(
                pd.DataFrame(skill_rows(scores(list(report.charts.skill)))),
                folder / "backtest.csv",
                "The rolling-origin score out of sample, per forecaster, flow and months ahead: mean absolute and "
                "mean signed error [%], and how often the 50% and 90% ranges held the Census month [%].",
                index=False,
                float_format="%.3f",
            )
        )
    return files


def _write_tidy(frame: pd.DataFrame, stem: Path, what: str) -> DataFile:
    """A long table as CSV and Parquet (``write_tidy``), described for the README."""
    write_tidy(frame, stem)
    return describe(frame, stem.with_suffix(".csv").name, f"{what} Also as Parquet: {stem.name}.parquet.")


def _write_comparison_data(report: ComparisonReport, folder: Path) -> list[DataFile]:
    files = [
        _write_tidy(
            pd.concat([point_result(result).to_frame() for result in report.results], ignore_index=True),
            folder / "projection",
            "The point projection of every scenario by month as one long table.",
        )
    ]
    keys = [key_csv_frame(member.table).assign(scenario=member.name) for member in report.members]
    table = pd.concat(keys, ignore_index=True)
    files.append(
        write_csv(
            table[["scenario", *table.columns[:-1]]],
            folder / "key-numbers.csv",
            "The key numbers of every scenario, as in each scenario's key-numbers.csv.",
            index=False,
            float_format="%.4f",
        )
    )
    parents = report.parents
    rows = [
        {
            "scenario": member.name,
            "extends": parents[member.name].id,
            "section": row.section,
            "input": row.name,
            "before": row.before,
            "after": row.after,
            "facts": " ".join(row.facts),
        }
        for member in report.members
        if member.name in parents
        for row in differences(member.result.scenario, parents[member.name])
    ]
    columns = ["scenario", "extends", "section", "input", "before", "after", "facts"]
    files.append(
        write_csv(
            pd.DataFrame(rows, columns=columns),
            folder / "differences.csv",
            "What each what-if changes against the scenario it extends: every input that differs, in words, with the "
            "facts it cites (text only).",
            index=False,
        )
    )
    return files


# ---------------------------------------------------------------- 3. draw and write


def build(staged: list[Staged], stamp: dict[str, str], workers: int | None, progress: Progress | None) -> None:
    """Draw and write every staged folder on forked workers; ``progress`` counts charts.

    A folder is one job; when there are fewer folders than twice the workers (one scenario, or a what-if and the
    comparison), each folder's charts are shared out over the workers instead (:func:`shares`), the book's own pages
    are one more job (:class:`BookText`), and the folder is finished once all of them are done. A folder whose
    chart or page fails is marked failed, and so is the comparison if a scenario it shows failed; an error of the
    output folder itself ends the run (raised here).
    """
    jobs = sorted(staged, key=lambda item: item.name != COMPARISON)  # the largest job first: no idle core at the end
    total = sum(len(item.charts) for item in jobs)
    cores = workers or os.cpu_count() or 1
    tasks: list[Staged | Part | BookText] = [
        task for item in jobs for task in shares(item, cores if len(jobs) < 2 * cores else 1)
    ]
    # after every part: the cover and tables take a third of a part's time, so they fill the gaps the parts leave
    tasks += [BookText(item, item.staging / BOOK_TEXT) for item in jobs if _split(item, tasks)]
    text_width("Load the font once, before the workers fork", 8)
    # every chart counts as its files are written: workers add to a shared count, which the parent shows while it
    # waits (a job in the parent's own process shows it at once)
    written, parent, shown = SharedCount(), os.getpid(), [0]

    def show() -> None:
        if progress is not None and written.value != shown[0]:
            shown[0] = written.value
            progress(shown[0], total, "charts")

    def chart_written() -> None:
        written.add()
        if os.getpid() == parent:
            show()

    drawn: dict[str, dict[str, tuple[tuple[float, float], tuple[int, int]]]] = {}
    texts: dict[str, ChartBook] = {}
    builds = fork_map_unordered(lambda task: _build_task(task, stamp, chart_written), tasks, workers, waiting=show)
    # closed whatever happens here (a Ctrl-C in the progress bar, say): its pool's workers end before the staging
    # folders they write into are removed
    with contextlib.closing(builds):
        for index, outcome in builds:
            task = tasks[index]
            item = task if isinstance(task, Staged) else task.item
            if isinstance(outcome, Failure):
                item.failure = item.failure or outcome.reason
            elif isinstance(task, Part):
                drawn.setdefault(item.name, {}).update(outcome)
            elif isinstance(task, BookText):
                texts[item.name] = outcome
            show()
    split = [item for item in jobs if item.name in drawn and item.failure is None]
    parts = {item.name: [task for task in tasks if isinstance(task, Part) and task.item is item] for item in split}
    finished = fork_map_unordered(
        lambda item: _finish(item, stamp, drawn[item.name], parts[item.name], texts[item.name]), split, workers
    )
    with contextlib.closing(finished):
        for index, outcome in finished:
            if isinstance(outcome, Failure):
                split[index].failure = outcome.reason
    broken = [item.name for item in staged if item.failure and item.name != COMPARISON]
    for item in staged:  # a comparison must not show or link to a scenario whose folder is missing
        if item.name == COMPARISON and broken and not item.failure:
            item.failure = f"not written because {', '.join(broken)} failed"


@dataclass(frozen=True, eq=False)
class Part:
    """A share of a folder's charts, drawn on one core: their files, and their book pages in a file of their own."""

    item: Staged
    charts: tuple[registry.Chart, ...]
    first: int
    """The book's page number of the first of them (the cover is page 1)."""
    path: Path
    """The part of the book, in the staging folder until the book is bound."""


@dataclass(frozen=True, eq=False)
class BookText:
    """The pages of a folder's book other than the charts' (cover, key numbers, sources), drawn on a core of their
    own while the folder's charts are drawn in parts; ``path`` holds them until the book is bound."""

    item: Staged
    path: Path


def _split(item: Staged, tasks: Sequence[Staged | Part | BookText]) -> bool:
    return any(isinstance(task, Part) and task.item is item for task in tasks)


def shares(item: Staged, count: int) -> list[Staged | Part]:
    """``item`` as one job, or its charts in ``count`` runs of consecutive charts as even as can be (the book keeps
    their order)."""
    count = min(count, len(item.charts))
    if count <= 1:
        return [item]
    size, extra = divmod(len(item.charts), count)
    parts, start = [], 0
    for index in range(count):
        end = start + size + (index < extra)
        path = item.staging / f".chartbook-part-{index + 1}.pdf"
        parts.append(Part(item, tuple(item.charts[start:end]), start + 2, path))
        start = end
    return parts


def _build_task(task: Staged | Part | BookText, stamp: dict[str, str], chart_written: Callable[[], None]):
    """A whole folder (None, or its :class:`Failure`); a part: the size of each chart it drew, or its Failure; the
    book's own pages: the :class:`ChartBook` they were written to, or its Failure."""
    if isinstance(task, Staged):
        return _build_one(task, stamp, chart_written)
    if isinstance(task, BookText):
        books: list[ChartBook] = []
        failure = _pages_or_failure(task.item, lambda: books.append(write_text_pages(task, stamp)))
        return failure or books[0]
    item = task.item
    figures = _figures(item, task.charts)
    if isinstance(figures, Failure):
        return figures
    try:
        write_chart_part(task.path, chart_pages(item, figures, chart_written), task.first)
    except OSError as error:
        if about_output(item.target.parent, error):
            raise
        return Failure(item.name, reason(error))
    except Exception as error:
        return Failure(item.name, reason(error))
    return {name: (tuple(figure.get_size_inches()), _pixels(figure)) for name, figure in figures.items()}


def _figures(item: Staged, charts: Sequence[registry.Chart]) -> dict[str, Figure] | Failure:
    figures = {}
    for chart in charts:
        try:
            figures[chart.name] = registry.draw(chart, item.report.charts)
        except Exception as error:
            return Failure(item.name, f"chart {chart.name}: {reason(error)}")
    return figures


def _build_one(item: Staged, stamp: dict[str, str], chart_written: Callable[[], None]) -> Failure | None:
    figures = _figures(item, item.charts)
    if isinstance(figures, Failure):
        return figures
    return _pages_or_failure(item, lambda: write_pages(item, stamp, figures, chart_written))


def _finish(item: Staged, stamp: dict[str, str], drawn: dict, parts: list[Part], text: ChartBook) -> Failure | None:
    """A folder whose charts were drawn in parts: its book bound from them and its own pages, then its pages."""
    return _pages_or_failure(
        item, lambda: write_pages(item, stamp, drawn=drawn, parts=[part.path for part in parts], text=text)
    )


def _pages_or_failure(item: Staged, write: Callable[[], None]) -> Failure | None:
    try:
        write()
    except OSError as error:
        if about_output(item.target.parent, error):
            raise  # the output folder's fault (full disk, read-only): it ends the run, see write_reports
        return Failure(item.name, reason(error))  # an input that cannot be read is the folder's own failure
    except Exception as error:
        return Failure(item.name, reason(error))
    return None


# ---------------------------------------------------------------- 4. swap


def finish(item: Staged) -> Outcome:
    """Move a written folder into place, or remove it when it failed."""
    try:
        if item.failure is not None:
            raise RuntimeError(item.failure)
        replace_folder(item.staging, item.target)
    except OSError as error:
        shutil.rmtree(item.staging, ignore_errors=True)
        if about_output(item.target.parent, error):
            raise
        return Outcome(item.name, error=item.failure or reason(error))
    except Exception as error:
        shutil.rmtree(item.staging, ignore_errors=True)
        return Outcome(item.name, error=item.failure or reason(error))
    return Outcome(item.name, path=item.target)


def write_pages(
    item: Staged,
    stamp: dict[str, str],
    figures: dict[str, Figure] | None = None,
    chart_written: Callable[[], None] = lambda: None,
    *,
    drawn: dict[str, tuple[tuple[float, float], tuple[int, int]]] | None = None,
    parts: Sequence[Path] = (),
    text: ChartBook | None = None,
) -> None:
    """The charts and the last files of a folder: ``chartbook.pdf`` with each chart's files written in the same pass,
    then ``summary.md``, ``index.html`` (charts inlined) and ``manifest.json``. ``chart_written`` is called as each
    chart's files are written.

    Charts already drawn in parts (:func:`shares`) come as ``drawn``, each chart's size [in] and [px], with ``parts``,
    the files holding their book pages, in order, and ``text``, the book's own pages (:func:`write_text_pages`).
    """
    folder = item.staging
    if figures is not None:
        drawn = {name: (tuple(figure.get_size_inches()), _pixels(figure)) for name, figure in figures.items()}
    assert drawn is not None, "write_pages needs the figures or the sizes of the charts drawn in parts"
    pictures = [picture(folder, chart.name, chart.caption, drawn[chart.name][1], item.formats) for chart in item.charts]
    files = listing(
        folder, ["index.html", "summary.md", "manifest.json", CHARTBOOK, *(f for p in pictures for f in p.files)]
    )  # README.md: at staging
    context, pages, results = _context(item, stamp, pictures, files)
    write_book(folder, item, context, figures, chart_written, drawn=drawn, parts=parts, text=text)
    (folder / "summary.md").write_text(render_markdown(pages[0], context), encoding="utf-8")
    (folder / "index.html").write_text(render_html(pages[1], context), encoding="utf-8")
    write_manifest(folder, stamp, results, item.build)


def _context(item: Staged, stamp: dict[str, str], pictures: Sequence, files: Sequence[str]):
    """What the folder's pages show, the templates of its Markdown and HTML pages, and the results it holds."""
    report = item.report
    if isinstance(report, ScenarioReport):
        result = report.result
        context = scenario_context(
            result.scenario,
            report.table,
            report.charts.backtest,
            pictures,
            files,
            report.colour,
            stamp,
            result,
            spread_rows(result, years_recorded(result.days, report.charts.observed)) if result.uncertainty else None,
            report.charts.paths,
            report.charts.observed,
            report.charts.skill,
            report.parent,
        )
        pages, results = ("summary.md.j2", "scenario.html.j2"), [result]
    else:
        context = comparison_context(
            report.results,
            [member.table for member in report.members],
            report.parents,
            pictures,
            files,
            report.charts.colours,
            stamp,
            report.charts.reference,
            {member.name: member.parent for member in report.members if member.parent is not None},
        )
        pages, results = ("comparison.md.j2", "comparison.html.j2"), list(report.results)
    return context, pages, results


def _pixels(figure: Figure) -> tuple[int, int]:
    """A chart's size on the page [px]."""
    width, height = figure.get_size_inches() * figure.dpi
    return round(width), round(height)


def publications(notes) -> list[str]:
    """Every publication the notes cite, once, in order of first citation: 'publisher, “title”, date (address)'."""
    found: dict[str, None] = {}
    for note in notes:
        for text, url in note.citations:
            found.setdefault(f"{text} ({url})" if url else text)
    return list(found)


def write_book(
    folder: Path,
    item: Staged,
    context: dict,
    figures: dict[str, Figure] | None,
    chart_written: Callable[[], None] = lambda: None,
    *,
    drawn: dict[str, tuple[tuple[float, float], tuple[int, int]]] | None = None,
    parts: Sequence[Path] = (),
    text: ChartBook | None = None,
) -> ChartBook:
    """``chartbook.pdf`` from what the page shows: its glance, the charts, the key-number tables and the notes; each
    chart's files are written as its page is drawn (one pass over the chart for both), then ``chart_written`` is
    called. Charts drawn in parts come as their sizes (``drawn``) and the ``parts`` holding their pages, with the
    book's own pages in ``text`` when they were drawn apart too."""
    if figures is not None:
        charts = chart_pages(item, figures, chart_written)
    else:
        assert drawn is not None, "write_book needs the figures or the sizes of the charts drawn in parts"
        charts = [ChartPage(chart.name, chart.caption, drawn[chart.name][0], _drawn) for chart in item.charts]
    try:
        return write_chartbook(folder / CHARTBOOK, charts=charts, parts=parts, text=text, **_book_texts(item, context))
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def write_text_pages(task: BookText, stamp: dict[str, str]) -> ChartBook:
    """The book's own pages of a folder drawn in parts, in ``task.path``; its charts only named and captioned."""
    context, _, _ = _context(task.item, stamp, [], [])
    # the size is unknown while the chart is drawn elsewhere, and not needed: these pages only list the charts
    charts = [ChartPage(chart.name, chart.caption, (0.0, 0.0), _drawn) for chart in task.item.charts]
    return write_book_text(task.path, charts=charts, **_book_texts(task.item, context))


def _book_texts(item: Staged, context: dict) -> dict:
    """The book's title, subtitle, glance, tables, sources and maker, from what the folder's page shows."""
    report = item.report
    changes = None
    if isinstance(report, ScenarioReport):
        scenario = report.result.scenario
        title, tables = scenario.title, [context["key_years"]]
        subtitle = f"Monthly projection from {day(scenario.start)} to {day(scenario.end)}"
        changes = _book_changes(report.result, context)
    else:
        title, tables = (
            f"Comparison of {len(report.members)} scenarios",
            context["main_tables"] + context["more_tables"],
        )
        subtitle = f"Each scenario against the reference, {context['reference']['title']}"
    return {
        "title": title,
        "subtitle": subtitle,
        "glance": context["glance"],
        "tables": tables,
        "sources": publications(context["footnote_entries"]),
        "made": f"Made with tariff-scenarios {context['version']} on {context['created']}.",
        "changes": changes,
    }


def _book_changes(result: Result, context: dict) -> Changes | None:
    """A what-if's page of the book: the inputs it changes against the scenario it extends, and its effect with the
    range over paired draws when the run has them (None for a scenario that extends none)."""
    if context["changes"] is None:
        return None
    lines = tuple(
        f"{row['section']}: {row['name']}: {row['after'] or '(not set)'} (was: {row['before'] or '(not set)'})"
        for row in context["changes"]
    )
    effects = effect_tables(result, EFFECT_YEARS, context["point_effect_rows"], context["parent_title"])
    note = ""
    if effects and result.uncertainty is None:
        note = (
            "The change in the point projection: this what-if less the scenario it extends, over the same days; a + "
            "in the balance is a smaller deficit; years it leaves unchanged are left out. A run with Monte Carlo "
            "draws gives its range."
        )
    elif effects:
        note = (
            "Each output's first row is the change in the point projection, the figure the cover gives. "
            f"Both scenarios were run on the same {result.draws:,} draws (the same parameters, truce renewals and "
            "monthly swings), so the percentiles are the range of this what-if's own effect; years in which it "
            "changes none of these in any draw are left out. " + context["effect_horizon_note"]
        ).strip()
    return Changes(f"What this what-if changes against “{context['parent_title']}”", lines, effects, note)


def chart_pages(item: Staged, figures: dict[str, Figure], chart_written: Callable[[], None]) -> list[ChartPage]:
    """The book pages of ``figures``, in the folder's order; drawing a page writes the chart's own files too."""
    return [
        ChartPage(
            chart.name,
            chart.caption,
            tuple(figures[chart.name].get_size_inches()),
            functools.partial(_save_chart, figures[chart.name], item.staging / chart.name, item.formats, chart_written),
        )
        for chart in item.charts
        if chart.name in figures
    ]


def _drawn(page: RendererBase) -> None:
    raise AssertionError("a chart drawn in a part is not drawn again")


def _save_chart(
    figure: Figure, stem: Path, formats: tuple[str, ...], written: Callable[[], None], page: RendererBase
) -> None:
    """A chart's files, its book ``page`` drawn in the same pass as its SVG; then ``written()``."""
    save(figure, stem, formats, copy_to=page)
    written()
