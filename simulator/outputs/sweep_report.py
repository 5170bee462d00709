"""The folder a sweep writes: its tidy table (CSV, Parquet), a summary of the last full year, a README on reading
the table, and a manifest; all or nothing, holding the output folder's lock
(:func:`simulator.outputs.folders.staged_folder`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from simulator.inputs.parameters import PARAMETERS
from simulator.inputs.quantities import Percent
from simulator.inputs.scenario import Scenario
from simulator.outputs.data_files import README, describe, readme, unit_suffix
from simulator.outputs.files import PACKAGE, run_stamp, sha256, write_tidy, written_value
from simulator.outputs.folders import staged_folder
from simulator.outputs.incremental import recorded_name
from simulator.outputs.pages import markdown_code, markdown_table, markdown_text, number
from simulator.outputs.provenance import moment
from simulator.outputs.text import MINUS
from simulator.uncertainty.tornado import full_years


def write_sweep_folder(
    name: str, scenario: Scenario, grid: dict[str, list], frame: pd.DataFrame, out: Path, files: Sequence[str] = ()
) -> Path:
    """``out/<name>/``: the sweep's tidy table, a summary of its last full year and a manifest; all or nothing.

    Raises :class:`~simulator.outputs.folders.OutputFolderError` when ``out`` cannot take the folder, leaving none.
    """
    stamp = run_stamp()
    with staged_folder(out, name) as staging:
        table = frame.rename(columns=_grid_columns(grid))
        write_tidy(table, staging / "sweep")
        about = describe(
            table,
            "sweep.csv",
            "Every grid point, period and variable as one long table: the grid's parameter values (percentages "
            "[%] where the column says so), then each value with its unit. Also as Parquet: sweep.parquet.",
        )
        (staging / README).write_text(readme(f"sweep {markdown_text(name)}", [about]), encoding="utf-8")
        whole = full_years(scenario)
        year = whole[-1] if whole else scenario.end.year  # a horizon without a whole year: its last part-year
        (staging / "summary.md").write_text(
            _summary(name, scenario, grid, frame, year, stamp, whole=bool(whole)), encoding="utf-8"
        )
        manifest = {
            "created": stamp["created"],
            "package": {"name": PACKAGE, "version": stamp["version"]},
            "scenario": scenario.id,
            "grid": {
                parameter: [written_value(value.value, isinstance(value, Percent)) for value in values]
                for parameter, values in grid.items()
            },
            "files": [
                {"path": recorded_name(Path(file)), "sha256": sha256(Path(file))}
                for file in (*scenario.files, *files)
                if Path(file).is_file()
            ],
            "outputs": {path.name: sha256(path) for path in sorted(staging.iterdir()) if not path.name.startswith(".")},
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out / name


def _grid_columns(grid: dict[str, list]) -> dict[str, str]:
    """The grid's percentage parameters named with their unit in the written table (``pass_through_percent``)."""
    return {
        parameter: f"{parameter}_{unit_suffix('%')}"
        for parameter, values in grid.items()
        if values and isinstance(values[0], Percent)
    }


def _summary(
    name: str,
    scenario: Scenario,
    grid: dict[str, list],
    frame: pd.DataFrame,
    year: int,
    stamp: dict[str, str],
    *,
    whole: bool = True,
) -> str:
    heading = (
        str(year)
        if whole
        else f"{year}: {max(scenario.start, dt.date(year, 1, 1))} to {scenario.end} (the horizon holds no whole year)"
    )
    rows = []
    last = frame[frame["date"].dt.year == year]
    for point, group in last.groupby("point", sort=True):
        # every column is a flow: the year's total, from one annual row or twelve monthly ones
        values = group.groupby("variable")["value"].sum().to_dict()
        row = {parameter: f"{group[parameter].iloc[0]:g}".replace("-", MINUS) for parameter in grid}
        row.update(
            {
                "point": str(point),
                "imports": number(values["us_imports_from_china"], "USD bn"),
                "balance": number(values["us_trade_balance_with_china"], "USD bn"),
                "revenue": number(values["us_tariff_revenue_from_china"], "USD bn"),
                "diverted": number(values["us_imports_diverted_to_third_countries"], "USD bn"),
            }
        )
        rows.append(row)
    # diversion: a sweep of the share bought elsewhere moves nothing else, and showed identical rows
    columns = ["point", *grid, "imports", "balance", "revenue", "diverted"]
    titles = {
        "point": "Point",
        **{
            parameter: PARAMETERS[parameter].label + (" [%]" if isinstance(grid[parameter][0], Percent) else "")
            for parameter in grid
        },
        "imports": f"US imports {year} [USD bn]",
        "balance": f"US balance {year} [USD bn]",
        "revenue": f"US duties collected {year} [USD bn]",
        "diverted": f"US imports bought elsewhere instead {year} [USD bn]",
    }
    return (
        f"# Sweep {markdown_code(name)} of {markdown_code(scenario.id)}\n\n"
        f"{len(rows)} grid points; made with tariff-scenarios "
        f"{stamp['version']} on {moment(stamp['created'])}. "
        f"The full table (every period and variable) is `sweep.csv` / `sweep.parquet`.\n\n## {heading}\n\n"
        + markdown_table(rows, columns, titles)
        + "\n"
    )
