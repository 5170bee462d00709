"""Write a scenario's output folder: data files and charts, all or nothing.

Each folder is written into a temporary sibling and renamed into place, so a failed run
leaves no partial folder and a rerun replaces the old one cleanly.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from simulator.scenario import Scenario

ChartJob = tuple[Callable[[], object], Path]


def write_scenario_folder(scenario: Scenario, out: Path, workers: int | None = None) -> Path:
    """Write ``out/<scenario id>/`` with the tariff paths, projection and charts; return the folder."""
    from simulator import charts
    from simulator.backtest import backtest
    from simulator.facts import load_facts
    from simulator.projection import run
    from simulator.timeline import tariff_arrays, tariff_paths

    out.mkdir(parents=True, exist_ok=True)
    target = out / scenario.id
    staging = Path(tempfile.mkdtemp(prefix=f".{scenario.id}-", dir=out))
    try:
        tariff_paths(scenario).to_csv(staging / "tariffs.csv", float_format="%.4f")
        result = run(scenario)
        result.monthly.to_csv(staging / "monthly.csv", float_format="%.6f")
        result.to_frame().to_csv(staging / "projection.csv", index=False, float_format="%.6f")
        reference = load_facts()["us-balance-with-china-2024"].value
        jobs: list[ChartJob] = [
            (lambda: charts.tariff_chart(scenario, tariff_arrays(scenario)), staging / "tariffs.png"),
            (lambda: charts.trade_chart(result), staging / "trade.png"),
            (lambda: charts.balance_chart(result, reference), staging / "balance.png"),
            (lambda: charts.revenue_chart(result), staging / "revenue.png"),
        ]
        test = backtest(result)
        if test is not None:
            test.frame().to_csv(staging / "backtest.csv", float_format="%.4f")
            jobs.append((lambda: charts.backtest_chart(result, test), staging / "backtest.png"))
        render(jobs, workers)
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def render(jobs: list[ChartJob], workers: int | None = None) -> None:
    """Build and save each chart; drawing dominates the run time, so charts draw in parallel."""
    from simulator.parallel import fork_map

    list(fork_map(_render_one, jobs, workers))


def _render_one(job: ChartJob) -> None:
    from simulator import charts

    build, path = job
    charts.save(build(), path)


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
