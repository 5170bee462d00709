"""Where the files the package ships live: ``seeds/`` (facts, sources, parameters, data) and ``scenarios/``.

In a checkout they sit beside the package; an installed wheel carries copies under
``simulator/bundled/``.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from pathlib import Path

_SWEEP_KEYS = re.compile(r"^(?:grid|scenario)\s*:", re.MULTILINE)


@functools.cache
def project_root() -> Path:
    """The folder holding ``seeds/`` and ``scenarios/``: the checkout, or the installed copy (found once: a run with
    nothing to rebuild named 300 files by it, and resolving it each time was a sixth of that run)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent, package / "bundled"):
        if (candidate / "seeds" / "facts.yaml").is_file():
            return candidate
    return package.parent


def seeds_dir() -> Path:
    """The folder of sourced facts, sources, parameter specifications and observed data."""
    return project_root() / "seeds"


def scenarios_dir() -> Path:
    """The folder of bundled scenarios."""
    return project_root() / "scenarios"


def bundled_ids() -> list[str]:
    """Ids of the bundled scenarios, sorted."""
    return sorted(path.stem for path in scenarios_dir().glob("*.yaml"))


def find_scenario(path_or_id: str | os.PathLike[str], near: Path | None = None) -> Path | None:
    """The file a name stands for, or None: a path as given, or a scenario id in ``near`` or among the bundled ones.

    A relative path in an ``extends`` (``near`` given) is read beside the file that names it. Plain path logic,
    no parsing, so that deciding whether a report is up to date stays cheap.
    """
    path = Path(path_or_id)
    written_as_path = path.suffix in (".yaml", ".yml") or os.sep in str(path_or_id)
    # a folder of that name (a report folder written beside the scenarios, say) does not hide the scenario file
    if near is not None and not path.is_absolute():
        # never the working folder: the same file must mean the same scenario wherever a run starts
        if written_as_path or (_exists(near / path) and not _is_folder(near / path)):
            return near / path
    elif written_as_path or (_exists(path) and not _is_folder(path)):
        return path
    for folder in (near, scenarios_dir()):
        if folder is not None and _exists(folder / f"{path_or_id}.yaml"):
            return folder / f"{path_or_id}.yaml"
    # no scenario file: the folder itself, which the loader refuses as a folder (clearer than 'unknown')
    given = near / path if near is not None and not path.is_absolute() else path
    return given if _is_folder(given) else None


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _exists(path: Path) -> bool:
    """Whether something is at ``path``; a name the system refuses (too long, say) is nothing."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def may_be_sweep(path_or_id: str | os.PathLike[str]) -> bool:
    """Whether a name could be a sweep file (a regular file with a top-level ``grid:``); no YAML is parsed, so a
    run can set sweep files apart cheaply before it confirms them.
    """
    path = find_scenario(path_or_id)
    try:
        if path is None or not stat.S_ISREG(path.stat().st_mode) or path.stat().st_size > 1_000_000:
            return False
        return bool(_SWEEP_KEYS.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False
