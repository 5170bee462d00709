"""Incremental builds: a report folder is rebuilt only when something it depends on changed.

A folder's ``manifest.json`` records, under ``build``, what it was built from: the options of the
run, the program (its version and a hash of its code), every input file with its hash (the
scenario's ``extends`` chain, the baseline's, the observed data, parameters and estimates),
and the facts and sources it cites, one hash per entry, so that editing one fact rebuilds only
the folders that cite it. It also records every output file's hash, so a folder edited by hand
or damaged is found and rebuilt.

Checking a folder reads its manifest and hashes files; it parses no YAML unless the facts or
sources file changed, and imports nothing heavy, so that a run with nothing to do stays fast. It
does follow the scenario's ``extends`` chain again, reading each file's ``extends`` line, since the
same name can come to stand for another file (a new file beside the scenario that shadows a bundled
id, a link pointed elsewhere) while no file it read changed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.inputs.locations import find_scenario, project_root, seeds_dir
from simulator.inputs.problems import InputError
from simulator.inputs.yaml_reader import read_document

PACKAGE = "tariff-scenarios"
"""The distribution name the package is installed under (and the name a manifest of ours carries)."""
MANIFEST = "manifest.json"
COMPARISON = "comparison"
"""The name of the folder comparing the scenarios of a run."""
STAGING_MARK = ".simulate-staging"
"""An empty file in each staging folder while it is written: a leftover of an interrupted run is removed only if it
holds this mark, never a folder of the user's that happens to be named alike (a copy of a report included)."""
SWAP_MARK = ".simulate-swap"
"""An empty file in a report folder while it is moved aside for its replacement: only a ``.<name>-old`` folder that
holds it is put back or removed by a later run."""


def has_leftovers(out: Path, names: Sequence[str]) -> bool:
    """Whether ``out`` holds a folder of ``names`` that a killed run left (staging, or moved aside for a swap): a
    look light enough for a run with nothing to rebuild, which then clears them (see
    :func:`simulator.outputs.folders.remove_leftovers`)."""
    try:
        entries = [entry for entry in out.iterdir() if entry.name.startswith(".")]
    except OSError:
        return False
    prefixes = tuple(f".{name}-" for name in names)
    return any(
        entry.name.startswith(prefixes)
        and entry.is_dir()
        and ((entry / STAGING_MARK).is_file() or (entry / SWAP_MARK).is_file())
        for entry in entries
    )


FACTS_FILE, SOURCES_FILE = "facts.yaml", "sources.yaml"
_PACKAGE = Path(__file__).resolve().parent.parent
_NOT_READ = {"README.md"}
"""Files in ``seeds/`` that no report reads."""


CHART_FORMATS = ("svg", "png")
"""The chart files a report can write, in the order they are written; SVG always (the page inlines it)."""


def chart_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The chart files to write, in a fixed order, SVG always among them; ValueError naming the formats there are
    for one that is not."""
    unknown = [extension for extension in formats if extension not in CHART_FORMATS]
    if unknown:
        raise ValueError(f"unknown chart format {unknown[0]!r}: expected {' or '.join(CHART_FORMATS)}")
    return tuple(extension for extension in CHART_FORMATS if extension in formats or extension == "svg")


@dataclass(frozen=True)
class Options:
    """The run options a folder depends on: draws, seed (None: fresh each run), chart formats, the comparison's
    reference scenario.
    """

    draws: int = 0
    seed: int | None = None
    formats: tuple[str, ...] = ("svg",)
    reference: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"draws": self.draws, "seed": self.seed, "formats": list(self.formats), "reference": self.reference}

    def for_scenario(self) -> Options:
        """The options a scenario's folder depends on: all but the reference, which only the comparison shows."""
        return dataclasses.replace(self, reference=None)


DEFAULT_REFERENCE = "documented-2025"
"""The scenario comparisons are drawn against when the run holds it: the documented path, which most what-ifs
extend."""


def reference_of(ids: list[str] | tuple[str, ...], reference: str | None = None) -> str:
    """The comparison's reference: ``reference`` when given and present, else documented-2025 when present, else the
    first scenario."""
    for name in (reference, DEFAULT_REFERENCE):
        if name and name in ids:
            return name
    return ids[0]


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """One hash of the package's code and templates: a changed program rebuilds every folder."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and "bundled" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def entry_hash(entry: Any) -> str:
    """A stable hash of one fact or source (any dataclass or pydantic model): its fields as sorted JSON."""
    if hasattr(entry, "model_dump"):
        data = entry.model_dump()
    elif hasattr(entry, "__dataclass_fields__"):
        data = {name: getattr(entry, name) for name in entry.__dataclass_fields__}
    else:
        data = entry
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def shared_inputs() -> list[Path]:
    """The files in ``seeds/`` every folder reads whole (data, parameters, estimates, the kept backtest)."""
    return sorted(
        path
        for path in seeds_dir().iterdir()
        if path.is_file() and path.name not in _NOT_READ | {FACTS_FILE, SOURCES_FILE}
    )


def shared_hashes() -> dict[str, str]:
    """The hash of each of :func:`shared_inputs` now, by recorded name: taken before a run reads them, so that a
    file replaced during the run (``simulate data update``, ``simulate fit``) is found changed by the next run."""
    return {recorded_name(path): file_hash(path) for path in shared_inputs()}


def build_record(
    options: Options,
    files: Iterable[str | Path],
    facts: Mapping[str, Any],
    sources: Mapping[str, Any],
    members: Mapping[str, str] | None = None,
    colour: str | None = None,
    chain: Sequence[str | Path] = (),
    read: Mapping[str, str] | None = None,
    shared: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a folder was built from, for its manifest: ``files`` are the scenario files it read (the ``extends``
    chains of the scenario and of the baseline); ``facts`` and ``sources`` the entries it cites, by id; ``members``
    the build keys of a comparison's scenarios; ``colour`` a scenario's colour in the run (which depends on the
    other scenarios of the run: a folder kept from a run that gave it another would clash with the comparison);
    ``chain``: a scenario folder's ``extends`` chain, the scenario's own file first (a later run follows it again).
    ``read``: the hash of a file's bytes as the run read them, by name; it stands for the file's present hash, so that
    a file saved again while the run went on is found changed by the next run. ``shared``: the hashes of
    :func:`shared_inputs` taken before the run read them (:func:`shared_hashes`), for the same reason.
    """
    read = read or {}
    inputs = {
        recorded_name(Path(name)): read.get(name) or file_hash(Path(name))
        for name in dict.fromkeys(files)
        if Path(name).is_file()
    }
    inputs.update(shared if shared is not None else shared_hashes())
    record = {
        "options": options.as_dict(),
        "program": code_hash(),
        "inputs": inputs,
        "facts_file": _seed_hash(FACTS_FILE),
        "facts": {name: entry_hash(entry) for name, entry in sorted(facts.items())},
        "sources_file": _seed_hash(SOURCES_FILE),
        "sources": {name: entry_hash(entry) for name, entry in sorted(sources.items())},
        "members": dict(members or {}),
        "colour": colour,
        "chain": [recorded_name(Path(name)) for name in chain],
    }
    record["key"] = _key(record)
    return record


@functools.cache
def _resolved_root() -> Path:
    return project_root().resolve()


def recorded_name(path: Path) -> str:
    """How a manifest names an input file: from the project's folder for the files it ships ('seeds/facts.yaml'),
    so that a folder sent on does not tell where it was made; a full path for a file elsewhere."""
    resolved, root = path.resolve(), _resolved_root()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(resolved)


def recorded_path(name: str) -> Path:
    """The file a manifest's input name stands for (see :func:`recorded_name`)."""
    path = Path(name)
    return path if path.is_absolute() else project_root() / path


def _key(record: Mapping[str, Any]) -> str:
    """The hash of a build record: the folder's identity, and a check that nobody edited it.

    The hashes of the whole facts and sources files are left out: they only spare parsing the files when nothing
    changed, and an edit to an entry the folder does not cite must not change its identity.
    """
    body = {name: value for name, value in record.items() if name not in ("key", "facts_file", "sources_file")}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _seed_hash(name: str) -> str | None:
    path = seeds_dir() / name
    return file_hash(path) if path.is_file() else None


@dataclass(frozen=True)
class Check:
    """Whether a folder is up to date, and if not, why, in words (for the closing line and tests)."""

    current: bool
    reason: str
    key: str | None = None
    dropped_draws: int = 0
    """The Monte Carlo draws the folder holds that this run, asking for none, would drop (its fan and tornado)."""


Entries = Callable[[str], Mapping[str, Any]]
"""The current facts (``'facts'``) or sources (``'sources'``) by id, read only when their file changed."""


def check_folder(
    folder: Path,
    options: Options,
    members: Mapping[str, str] | None = None,
    leaf: Path | None = None,
    entries: Entries | None = None,
    colour: str | None = None,
) -> Check:
    """Whether ``folder`` was built from exactly what it would be built from now, and is as it was written.

    ``members`` (comparison only): the current build keys of the scenarios it compares, by id. ``colour`` (a
    scenario's folder only): the scenario's colour in this run. ``leaf``: the
    scenario file the run would read now (another file of the same name makes the folder stale). ``entries``:
    reads the facts or sources when their file changed, to see whether an entry the folder cites did (without it,
    any change of the file makes the folder stale). A folder that cannot be read is stale (the run says why).
    """
    try:
        return _check(folder, options, members, leaf, entries, colour)
    except (OSError, ValueError) as error:
        return Check(False, f"cannot be read ({error})")
    except (TypeError, AttributeError, KeyError):  # a manifest edited by hand: a field of another shape
        return Check(False, "its manifest was edited")


def _check(
    folder: Path,
    options: Options,
    members: Mapping[str, str] | None,
    leaf: Path | None,
    entries: Entries | None,
    colour: str | None = None,
) -> Check:
    manifest = _read_manifest(folder)
    if manifest is None:
        return Check(False, "new" if not folder.exists() else "no readable manifest")
    build = manifest.get("build")
    if not isinstance(build, dict) or "key" not in build:
        return Check(False, "built by an older version")
    if build["key"] != _key(build):
        return Check(False, "its manifest was edited")
    if build.get("options") != options.as_dict():
        recorded = build.get("options") if isinstance(build.get("options"), dict) else {}
        had = recorded.get("draws") if isinstance(recorded.get("draws"), int) else 0
        return Check(False, "run options changed", dropped_draws=had if had > 0 and not options.draws else 0)
    if build.get("program") != code_hash():
        return Check(False, "the program changed")
    for name, digest in build.get("inputs", {}).items():
        path = recorded_path(name)
        if not path.is_file() or file_hash(path) != digest:
            return Check(False, f"{path.name} changed")
    if {recorded_name(path) for path in shared_inputs()} - set(build.get("inputs", {})):
        return Check(False, "a new data file")
    if leaf is not None and recorded_name(leaf) not in build.get("inputs", {}):
        return Check(False, "another scenario file of that name")
    if leaf is not None and _chain_now(leaf) != build.get("chain"):
        return Check(False, "a scenario it extends is now another file")
    for kind, file in (("facts", FACTS_FILE), ("sources", SOURCES_FILE)):
        if build.get(f"{kind}_file") != _seed_hash(file):
            changed = _changed_entries(build.get(kind, {}), entries(kind) if entries else None)
            if changed:
                return Check(False, f"{kind[:-1]} {changed[0]} changed")
    if members is not None and build.get("members") != dict(members):
        return Check(False, "a scenario it compares changed")
    if colour is not None and build.get("colour") != colour:
        return Check(False, "its colour changed with the scenarios of the run")
    damaged = _damaged_outputs(folder, manifest.get("outputs", {}))
    if damaged:
        # built from what it would be built from now: a rebuild gives the same key, and a comparison showing it
        # need not change
        return Check(False, f"{damaged} was edited or is missing", build["key"])
    return Check(True, "up to date", build["key"])


EXTENDS_LINE = re.compile(r"^extends:[ \t]*(?P<value>[^#\n]*?)[ \t]*(?:#.*)?$", re.MULTILINE)
"""A top-level ``extends:`` line of a scenario file, its value without a trailing comment."""
CHAIN_LIMIT = 32
"""Files followed along an ``extends`` chain at most (the loader refuses chains longer than 16)."""


def _chain_now(leaf: Path) -> list[str] | None:
    """``leaf``'s ``extends`` chain as it resolves now, the leaf first, named as a manifest names files; None where
    it cannot be followed (a rebuild is safe, and will say why)."""
    chain: list[str] = []
    current = leaf
    for _ in range(CHAIN_LIMIT):
        try:
            current = current.resolve()
            text = current.read_text(encoding="utf-8", errors="replace")
        except (OSError, RuntimeError):
            return None
        chain.append(recorded_name(current))
        word = _extends_of(current, text)
        if word is None:
            return chain
        parent = find_scenario(word, near=current.parent) if word else None
        if parent is None or not parent.is_file():
            return None
        current = parent
    return None


def _extends_of(path: Path, text: str) -> str | None:
    """The name a scenario file's ``extends`` gives ('' if it cannot be read), None for a root: read off its line,
    or, where the word shows elsewhere (a description that says 'extends'), from the parsed file."""
    found = EXTENDS_LINE.search(text)
    if found is not None:
        word = found["value"].strip()
        return word[1:-1] if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"" else word
    if "extends" not in text:
        return None
    try:
        data = read_document(path).data
    except InputError:
        return ""
    value = data.get("extends") if isinstance(data, dict) else None
    return None if value is None else value if isinstance(value, str) else ""


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _changed_entries(recorded: Mapping[str, str], current: Mapping[str, Any] | None) -> list[str]:
    """Cited facts (or sources) whose entry differs from when the folder was built (their file was edited)."""
    if current is None:
        return ["(the file changed)"]
    return [name for name, digest in recorded.items() if name not in current or entry_hash(current[name]) != digest]


def _damaged_outputs(folder: Path, outputs: Mapping[str, str]) -> str | None:
    """The first output that differs from the manifest's record (missing or edited), else None. A file the manifest
    does not list is the user's (notes put beside the report): it is kept, and does not make the folder stale."""
    present = {path.name for path in folder.iterdir() if path.is_file()}
    for name in sorted(set(outputs) - present):
        return name
    for name, digest in sorted(outputs.items()):
        if file_hash(folder / name) != digest:
            return name
    return None


def scenario_record(
    options: Options,
    scenarios: Sequence[Any],
    facts: Mapping[str, Any],
    sources: Mapping[str, Any],
    members: Mapping[str, str] | None = None,
    colour: str | None = None,
    shared: Mapping[str, str] | None = None,
    shown: Callable[[Any], Iterable[str]] | None = None,
) -> dict:
    """The build record of a folder showing ``scenarios`` (validated, with their ``extends`` chains resolved): the
    files they read and the facts and sources (all of them, by id) they cite, with the baseline among them; a
    scenario folder's ``colour`` in the run. ``shown(scenario)``: every fact the folder's pages show for a scenario
    (its notes and assumptions, which follow derivations and priors), by default the facts it cites.
    """
    facts_of = shown or (lambda scenario: scenario.facts_used())
    cited = {name: facts[name] for scenario in scenarios for name in facts_of(scenario) if name in facts}
    publications = {
        name: sources[name]
        for name in [source for fact in cited.values() for source in fact.sources]
        + [source for scenario in scenarios for source in scenario.references]
        if name in sources
    }
    files = [name for scenario in scenarios for name in scenario.files]
    chain = list(reversed(scenarios[0].files)) if members is None and scenarios else []
    read = {
        name: digest
        for scenario in scenarios
        for name, digest in zip(scenario.files, scenario.file_hashes, strict=False)
        if digest
    }
    return build_record(options, files, cited, publications, members, colour, chain, read, shared)


def member_keys(checks: Mapping[str, Check]) -> dict[str, str]:
    """The build keys the scenario folders will have, for the comparison's check: those up to date, or only damaged
    (a member whose inputs changed has none, so the comparison is rebuilt).
    """
    return {name: check.key for name, check in checks.items() if check.key}


def folder_names(paths: Sequence[Path]) -> list[str]:
    """The folder each scenario file writes: its stem (the scenario id)."""
    return [path.stem for path in paths]
