"""Output files: the tidy table as CSV and Parquet, manifests, and folders replaced all at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from simulator.scenario import Scenario


def write_tidy(frame, stem: Path) -> None:
    """The canonical long table as CSV and Parquet."""
    frame.to_csv(stem.with_suffix(".csv"), index=False, float_format="%.6f")
    frame.to_parquet(stem.with_suffix(".parquet"), index=False)


def wide(result):
    """The monthly frame with the unit in every column name, for spreadsheets."""
    from simulator.result import unit

    frame = result.monthly
    return frame.rename(columns={name: f"{name} [{unit(name, 'monthly')}]" for name in frame.columns})


def listing(folder: Path, extra: list[str]) -> list[str]:
    return sorted({path.name for path in folder.iterdir()} | set(extra))


def run_stamp() -> dict[str, str]:
    from simulator import __version__

    return {"version": __version__, "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(folder: Path, stamp: dict[str, str], scenarios: Sequence[Scenario], results) -> None:
    """``manifest.json``: what went in (files and their hashes, parameters), with which software, and what came out."""
    import platform

    from simulator.facts import seeds_dir
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
                "files": [{"path": str(Path(name).resolve()) if Path(name).is_file() else name,
                           "sha256": sha256(Path(name)) if Path(name).is_file() else None} for name in scenario.files],
                "parameters": point_parameters(scenario),
                "draws": result.draws,
                "seed": result.seed,
                "distributions": {name: distribution.describe() for name, distribution in result.extras["draws"].drawn.items()}
                if result.draws else {},
                "renewals": [decision.describe() for decision in result.extras["draws"].decisions] if result.draws else [],
                "facts": scenario.facts_used(),
            }
            for scenario, result in zip(scenarios, results, strict=True)
        ],
        "seeds": {path.name: sha256(path) for path in sorted(seeds_dir().iterdir()) if path.is_file()},
        "outputs": {path.name: sha256(path) for path in sorted(folder.iterdir()) if path.is_file()},
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


def replace_folder(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``, replacing an older folder with as small a gap as possible."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
