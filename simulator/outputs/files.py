"""Output files: the tidy table as CSV and Parquet, manifests, and folders replaced all at once."""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.inputs.distributions import Distribution
from simulator.inputs.locations import seeds_dir
from simulator.inputs.parameters import PARAMETERS
from simulator.inputs.quantities import Number, Percent
from simulator.inputs.scenario import Scenario
from simulator.model.result import Result
from simulator.outputs.data_files import clean_text
from simulator.outputs.incremental import PACKAGE, file_hash, recorded_name


def package_version() -> str:
    """The installed version of the package (one source: its metadata)."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return "unknown"


def write_tidy(frame: pd.DataFrame, stem: Path) -> None:
    """The canonical long table as CSV and Parquet, its text cleaned (:func:`clean_text`)."""
    frame = clean_text(frame)
    frame.to_csv(stem.with_suffix(".csv"), index=False, float_format="%.6f")
    frame.to_parquet(stem.with_suffix(".parquet"), index=False)


def listing(folder: Path, extra: list[str]) -> list[str]:
    """The files a folder will hold: those in it now and ``extra``, to be written; hidden files are the work of the
    build (a book's parts, bound and removed before the folder is swapped in), not the folder's."""
    return sorted({path.name for path in folder.iterdir() if not path.name.startswith(".")} | set(extra))


def run_stamp() -> dict[str, str]:
    """The package version and the moment a run began (UTC), stamped on every page and manifest."""
    return {"version": package_version(), "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def written_value(value: float, percent: bool) -> float | str:
    """A parameter value as a scenario file writes it: '63%' for a percentage (as many digits as it takes to give
    the same number back, never an exponent, which the format refuses), a plain number otherwise.
    """
    if not percent:
        return float(value)
    return f"{np.format_float_positional(float(value), trim='-')}%"


def written_parameters(scenario: Scenario) -> dict[str, float | str]:
    """The scenario's parameters as its file would write them (the centre of a distribution), by registry name.

    A file may copy any of them: a share is '63%', never the fraction 0.63 the model works with.
    """
    found: dict[str, float | str] = {}
    for name, spec in PARAMETERS.items():
        value: Number | Percent | Distribution = getattr(scenario.parameters, name)
        written = value.central if isinstance(value, Distribution) else value.value
        found[name] = written_value(written, spec.rules.percent)
    return found


def sha256(path: Path) -> str:
    """The file's SHA-256, as the up-to-date check computes it (one hashing for manifests and checks)."""
    return file_hash(path)


def write_manifest(folder: Path, stamp: dict[str, str], results: Sequence[Result], build: dict | None = None) -> None:
    """``manifest.json``: what went in (files and their hashes, parameters), with which software, and what came out.

    ``build``: what the folder was built from (:mod:`simulator.outputs.incremental`), so that a later run can tell
    whether it is up to date.
    """
    manifest = {
        "created": stamp["created"],
        "package": {"name": PACKAGE, "version": stamp["version"]},
        "versions": {"python": platform.python_version(), **_versions()},
        "scenarios": [_scenario_entry(result) for result in results],
        "seeds": {path.name: sha256(path) for path in sorted(seeds_dir().iterdir()) if path.is_file()},
        # hidden files are the run's own marks (the staging mark), never outputs
        "outputs": {
            path.name: sha256(path)
            for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.startswith(".")
        },
        "build": build,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _scenario_entry(result: Result) -> dict:
    scenario = result.scenario
    drawn = result.uncertainty
    return {
        "id": scenario.id,
        "title": scenario.title,
        "extends": scenario.parent,
        "horizon": [scenario.start.isoformat(), scenario.end.isoformat()],
        "files": [
            {
                "path": recorded_name(Path(name)) if Path(name).is_file() else name,
                "sha256": sha256(Path(name)) if Path(name).is_file() else None,
            }
            for name in scenario.files
        ],
        "parameters": written_parameters(scenario),
        "draws": result.draws,
        "seed": result.seed,
        "distributions": {name: distribution.describe() for name, distribution in drawn.drawn.items()} if drawn else {},
        "renewals": [decision.describe() for decision in drawn.decisions] if drawn else [],
        "facts": scenario.facts_used(),
    }


def _versions() -> dict[str, str]:
    found = {}
    for name in ("numpy", "pandas", "matplotlib", "pyarrow", "pydantic", "jinja2", "ruamel.yaml"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found
