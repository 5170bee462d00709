"""Report folders on disk: names that must not collide, staging folders beside the target, and the swap into place.

A folder is written into a hidden sibling (``.<name>-xxxxxxxx``) and renamed into place when it
is complete, so a reader never sees half a folder and an interrupted run leaves nothing a later
run trips on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from simulator.inputs.problems import InputError, Problem
from simulator.inputs.scenario import Scenario

COMPARISON = "comparison"
"""The name of the folder comparing the scenarios of a run."""


def check_names(scenarios: Sequence[Scenario], compare: bool) -> None:
    """Each folder name once: two files with one stem, or a scenario called 'comparison', would overwrite each other."""
    problems = []
    seen: dict[str, Scenario] = {}
    for scenario in scenarios:
        where = scenario.files[-1] if scenario.files else scenario.id
        if scenario.id in seen:
            problems.append(
                Problem(
                    where,
                    1,
                    1,
                    "",
                    f"another scenario in this run is also named '{scenario.id}' "
                    f"({seen[scenario.id].files[-1]}); their report folders would collide: rename one file",
                )
            )
        elif compare and scenario.id == COMPARISON and len(scenarios) > 1:
            problems.append(
                Problem(
                    where,
                    1,
                    1,
                    "",
                    f"a scenario named '{COMPARISON}' would collide with the comparison folder: rename the file",
                )
            )
        seen.setdefault(scenario.id, scenario)
    if problems:
        raise InputError(problems)


def remove_leftovers(out: Path, names: list[str]) -> None:
    """Staging folders an interrupted run left behind (``.<name>-xxxxxxxx``)."""
    for name in names:
        for leftover in out.glob(f".{name}-*"):
            if leftover.is_dir() and len(leftover.name) == len(name) + 10:
                shutil.rmtree(leftover, ignore_errors=True)


def staging_folder(out: Path, name: str) -> Path:
    """A hidden folder beside the target, readable like any folder the user makes (mkdtemp makes it private)."""
    folder = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out))
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)
    return folder


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


@contextlib.contextmanager
def staged_folder(out: Path, name: str) -> Iterator[Path]:
    """A staging folder for ``out/name`` that is swapped into place when the block ends, or removed if it raises."""
    remove_leftovers(out, [name])
    staging = staging_folder(out, name)
    try:
        yield staging
        replace_folder(staging, out / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
