"""Write a scenario's output folder: data files and charts, all or nothing.

Each folder is written into a temporary sibling and renamed into place, so a failed run
leaves no partial folder and a rerun replaces the old one cleanly.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from simulator.scenario import Scenario


def write_scenario_folder(scenario: Scenario, out: Path) -> Path:
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
        charts.save(charts.tariff_chart(scenario, tariff_arrays(scenario)), staging / "tariffs.png")
        result = run(scenario)
        result.monthly.to_csv(staging / "monthly.csv", float_format="%.6f")
        result.to_frame().to_csv(staging / "projection.csv", index=False, float_format="%.6f")
        reference = load_facts()["us-balance-with-china-2024"].value
        figures = {
            "trade": charts.trade_chart(result),
            "balance": charts.balance_chart(result, reference),
            "revenue": charts.revenue_chart(result),
        }
        test = backtest(result)
        if test is not None:
            figures["backtest"] = charts.backtest_chart(result, test)
            test.frame().to_csv(staging / "backtest.csv", float_format="%.4f")
        for name, figure in figures.items():
            charts.save(figure, staging / f"{name}.png")
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


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
