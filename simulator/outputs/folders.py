"""Report folders on disk: names that must not collide, staging folders beside the target, the swap into place,
one run at a time per output folder, and failures of the output folder in words.

A folder is written into a hidden sibling (``.<name>-xxxxxxxx``) and renamed into place when it
is complete, so a reader never sees half a folder. Replacing an existing folder takes two
renames (``<name>`` → ``.<name>-old``, then the staging folder → ``<name>``): no portable call
swaps two folders at once. A run cut off between them (SIGKILL, power loss) leaves
``.<name>-old`` and no ``<name>``; the next run into that folder puts ``.<name>-old`` back
before it does anything else (:func:`remove_leftovers`), so an interrupted run never costs the
previous report and leaves nothing a later run trips on. A staging folder holds a mark file until
it is in place, and a folder moved aside holds another: only folders with a mark count as
leftovers, so a user's folder of a like name (a copy of a report included) is never touched.

Two runs into one output folder take turns: each holds an exclusive ``flock`` on the output
folder itself while it stages, swaps and cleans up (the lock goes with the process, so a
killed run never leaves a stale lock, and no lock file is left in the folder). Only the run
holding the lock removes leftovers, so no run deletes another live run's staging folders.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from simulator.inputs.problems import InputError, Problem
from simulator.inputs.scenario import Scenario
from simulator.inputs.yaml_reader import regular_file_bytes
from simulator.outputs.incremental import COMPARISON, PACKAGE, STAGING_MARK, SWAP_MARK

OLD_SUFFIX = "-old"
"""The previous folder is ``.<name>-old`` while the new one is renamed into place."""

STAGING_SUFFIX_LENGTH = 8
"""Characters ``tempfile.mkdtemp`` adds after ``.<name>-``."""


LOCK_WAIT = 600.0
"""How long a run waits for another run writing into the same output folder [s] before it gives up."""

LOCK_POLL = 0.2
"""How often a waiting run tries the lock again [s]."""

REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOENT: "a part of the path does not exist",
    errno.ELOOP: "too many symbolic links in the path",
}
"""What an error number means for the folder a run writes to, in words."""


class OutputFolderError(Exception):
    """The output folder cannot take the reports (not a folder, read-only, full disk, busy).

    ``str()`` is one line for the user, such as ``cannot write reports to /dev/null: not a folder``.
    """

    def __init__(self, out: Path, reason: str) -> None:
        super().__init__(f"cannot write reports to {out}: {reason}")
        self.out = out
        self.reason = reason


def folder_error(out: Path, error: OSError) -> OutputFolderError:
    """An :class:`OutputFolderError` that says in words why ``error`` happened while writing under ``out``."""
    reason = REASONS.get(error.errno or 0) or error.strerror or str(error) or type(error).__name__
    return OutputFolderError(out, " ".join(reason.split()))


def about_output(out: Path, error: OSError) -> bool:
    """Whether ``error`` concerns the output folder: no file named (a write or a close), or a file under ``out``.

    An error reading an input (a seed file, the scenario) names that file, and is the run's own failure.
    """
    if error.filename is None:
        return True
    named = Path(os.fsdecode(error.filename))
    return named == out or out in named.parents or out.resolve() in named.resolve().parents


def prepare(out: Path) -> None:
    """Create ``out`` if needed and check that it is a folder this process can write, before any work is done.

    Raises :class:`OutputFolderError` with the reason in words.
    """
    try:
        if out.exists() and not out.is_dir():
            raise OutputFolderError(out, "not a folder")
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise folder_error(out, error) from None
    if not os.access(out, os.W_OK | os.X_OK):
        # root passes os.access on a read-only mount, so the staging folder's mkdtemp is the final test
        raise OutputFolderError(out, "permission denied")


@contextlib.contextmanager
def locked(out: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the output folder for this run: another run into ``out`` waits here up to ``wait`` seconds
    (:data:`LOCK_WAIT` when None), then gives up with an :class:`OutputFolderError`.
    """
    limit = LOCK_WAIT if wait is None else wait
    try:
        handle = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise folder_error(out, error) from None
    try:
        deadline = time.monotonic() + limit
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputFolderError(
                        out, f"another simulate run is writing there (waited {limit:g} s); try again when it ends"
                    ) from None
                time.sleep(LOCK_POLL)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


MAX_NAME_BYTES = 200
"""The longest scenario id that names a folder [bytes]: the staging folder adds 10 to it, and systems allow 255."""


def sweep_name_problems(sweeps: Sequence[str], scenarios: Sequence[str]) -> list[Problem]:
    """Problems of the folders sweep files would write: a name that starts with a dot or is too long, or that another
    sweep, a scenario of the same run (``scenarios``: their ids) or the comparison would also write."""
    problems = []
    taken = {*scenarios, COMPARISON}
    seen: set[str] = set()
    for sweep in sweeps:
        name = Path(sweep).stem
        if name.startswith(".") or len(name.encode()) > MAX_NAME_BYTES:
            message = (
                "the file's name cannot name a sweep folder (it starts with a dot, or is longer than "
                f"{MAX_NAME_BYTES} bytes): rename the file"
            )
        elif name in taken or name in seen:
            what = "the comparison folder" if name == COMPARISON else "another folder of this run"
            message = f"its folder, '{name}', would collide with {what}: rename the file"
        else:
            seen.add(name)
            continue
        problems.append(Problem(sweep, 1, 1, "", message))
    return problems


def check_names(scenarios: Sequence[Scenario], compare: bool) -> None:
    """Each folder name once: two files with one stem, or a scenario called 'comparison', would overwrite each other."""
    problems = []
    seen: dict[str, Scenario] = {}
    for scenario in scenarios:
        where = scenario.files[-1] if scenario.files else scenario.id
        if scenario.id in seen and seen[scenario.id].files == scenario.files:
            problems.append(Problem(where, 1, 1, "", f"'{scenario.id}' is given twice in this run: give it once"))
        elif scenario.id in seen:
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
        elif scenario.id.startswith(".") or len(scenario.id.encode()) > MAX_NAME_BYTES:
            problems.append(
                Problem(
                    where,
                    1,
                    1,
                    "",
                    "the file's name cannot name a report folder (it starts with a dot, or is longer than "
                    f"{MAX_NAME_BYTES} bytes): rename the file",
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


def old_folder(target: Path) -> Path:
    """Where the previous ``target`` waits while the new one is renamed into place."""
    return target.with_name(f".{target.name}{OLD_SUFFIX}")


def restore_swaps(out: Path, names: Sequence[str]) -> None:
    """Finish the swaps of ``names`` an earlier run was cut off in: put ``.<name>-old`` back where ``<name>`` is
    missing, remove it where ``<name>`` is complete.

    Only folders that hold the swap mark count (:data:`SWAP_MARK`), so nothing of the user's is touched, not even a
    copy of a report kept under such a name. Call it holding the lock (:func:`locked`).
    """
    for name in names:
        for old in sorted(out.glob(f".{glob.escape(name)}{OLD_SUFFIX}*")):
            if not old.is_dir() or old.is_symlink() or not (old / SWAP_MARK).is_file():
                continue
            target = out / name
            if not target.exists() and not target.is_symlink():
                old.rename(target)
                (target / SWAP_MARK).unlink(missing_ok=True)
            elif target.is_dir() and not target.is_symlink():
                shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(out: Path, names: Sequence[str]) -> None:
    """What interrupted runs left: swaps cut off between their renames (:func:`restore_swaps`), and the staging
    folders of ``names`` (``.<name>-xxxxxxxx``). Call it holding the lock (:func:`locked`), so that no live run's
    staging folder is removed.
    """
    restore_swaps(out, names)
    for name in names:
        for leftover in out.glob(f".{name}-*"):
            if (
                leftover.is_dir()
                and not leftover.is_symlink()
                and len(leftover.name) == len(name) + 2 + STAGING_SUFFIX_LENGTH
                and (leftover / STAGING_MARK).is_file()
            ):
                shutil.rmtree(leftover, ignore_errors=True)


def staging_folder(out: Path, name: str) -> Path:
    """A hidden folder beside the target, readable like any folder the user makes (mkdtemp makes it private)."""
    folder = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out))
    try:
        (folder / STAGING_MARK).touch()
        mask = os.umask(0)
        os.umask(mask)
        folder.chmod(0o777 & ~mask)
    except BaseException:  # an interruption here would leave an unmarked folder no later run removes
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


MANIFEST_BYTES = 50_000_000
"""The largest manifest read to tell whether a folder is ours [bytes]; a comparison's is about 100 kB."""


def ours(target: Path) -> bool:
    """Whether ``target`` may be replaced: absent, an empty folder, or a folder whose ``manifest.json`` says this
    program wrote it. Anything else is the user's, and a run must not delete it."""
    if not target.exists() and not target.is_symlink():
        return True
    if target.is_symlink() or not target.is_dir():
        return False
    try:
        if not any(target.iterdir()):
            return True
    except OSError:
        return False
    return written_here(target)


def written_here(folder: Path) -> bool:
    """Whether ``folder``'s ``manifest.json`` says this program wrote it (an empty folder does not count)."""
    raw = regular_file_bytes(folder / "manifest.json", MANIFEST_BYTES)
    try:
        manifest = json.loads(raw) if raw is not None else None
    except ValueError:
        return False
    package = manifest.get("package") if isinstance(manifest, dict) else None
    return isinstance(package, dict) and package.get("name") == PACKAGE


def refuse_foreign(out: Path, names: Sequence[str]) -> None:
    """Raise :class:`OutputFolderError` before any work if a folder the run would replace is not one it wrote."""
    for name in names:
        if not ours(out / name):
            raise OutputFolderError(
                out / name,
                "it holds files simulate did not write (no report manifest); move them away or choose another --out",
            )


def replace_folder(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``, replacing an older folder with as small a gap as possible.

    The old folder is renamed aside first and removed last; if the second rename does not happen (an error, Ctrl-C,
    SIGTERM), the old folder is put back. Should the process die between the renames, the next run puts it back
    (:func:`restore_swaps`).
    """
    old = None
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputFolderError(target, "something that is not a report folder is in the way: move it away")
    refuse_foreign(target.parent, [target.name])  # checked before the run's work too; this guards the gap since
    if target.exists():
        old = old_folder(target)
        if old.exists() or old.is_symlink():
            if (old / SWAP_MARK).is_file() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:  # a folder of the user's under that name, never touched: the old report waits elsewhere
                old = Path(tempfile.mkdtemp(prefix=f"{old.name}-", dir=target.parent))
                old.rmdir()
        _keep_users_files(target, staging)
        (target / SWAP_MARK).touch()
        target.rename(old)
    try:
        staging.rename(target)
    except BaseException:
        if old is not None and not target.exists():
            old.rename(target)
            (target / SWAP_MARK).unlink(missing_ok=True)
        raise
    # the staging mark goes last: until the folder is in place it marks the staging folder as a leftover to remove
    (target / STAGING_MARK).unlink(missing_ok=True)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _keep_users_files(target: Path, staging: Path) -> None:
    """Link into ``staging`` what the user put into the report folder ``target`` (any entry its manifest does not list
    as an output: notes, a folder of their own), so that the swap does not delete it.

    Linked, not moved: until the swap is done the user's files stay in place too, so that a run cut off here costs
    nothing (a staging folder left over is removed whole). One whose name a new output takes is kept as
    ``yours-<name>``.
    """
    raw = regular_file_bytes(target / "manifest.json", MANIFEST_BYTES)
    try:
        outputs = json.loads(raw).get("outputs") if raw is not None else None
    except (ValueError, AttributeError):
        outputs = None
    written = set(outputs) if isinstance(outputs, dict) else set()
    for entry in target.iterdir():
        if entry.name in written or entry.name in ("manifest.json", STAGING_MARK, SWAP_MARK):
            continue
        if not isinstance(outputs, dict) and (staging / entry.name).exists():
            continue  # no list of outputs to tell by: a name the new folder has is taken for a report file
        destination = staging / entry.name
        while destination.exists() or destination.is_symlink():
            destination = destination.with_name(f"yours-{destination.name}")
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, destination, symlinks=True, copy_function=_link)
        else:
            _link(entry, destination)


def _link(source: str | Path, destination: str | Path) -> None:
    """A hard link where the file system allows one (instant, no space), else a copy."""
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, destination, follow_symlinks=False)


@contextlib.contextmanager
def staged_folder(out: Path, name: str) -> Iterator[Path]:
    """A staging folder for ``out/name`` that is swapped into place when the block ends, or removed if it raises.

    Holds the output folder's lock throughout; an error of the output folder (full disk, read-only, not a folder)
    is raised as :class:`OutputFolderError`, with nothing left behind.
    """
    prepare(out)
    with locked(out):
        refuse_foreign(out, [name])
        try:
            remove_leftovers(out, [name])
            staging = staging_folder(out, name)
        except OSError as error:
            raise folder_error(out, error) from None
        try:
            yield staging
            replace_folder(staging, out / name)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            if about_output(out, error):
                raise folder_error(out, error) from None
            raise
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
