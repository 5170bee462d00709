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
    """Write ``out/<scenario id>/`` with tariffs.csv and tariffs.png; return the folder."""
    from simulator import charts
    from simulator.timeline import tariff_arrays, tariff_paths

    out.mkdir(parents=True, exist_ok=True)
    target = out / scenario.id
    staging = Path(tempfile.mkdtemp(prefix=f".{scenario.id}-", dir=out))
    try:
        tariff_paths(scenario).to_csv(staging / "tariffs.csv", float_format="%.4f")
        figure = charts.tariff_chart(scenario, tariff_arrays(scenario))
        charts.save(figure, staging / "tariffs.png")
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
