"""Load scenarios: find the file, follow ``extends``, validate every file, then merge.

Every file in the chain is validated on its own first and all problems from all files
are reported together; only a fully valid chain is merged into a :class:`Scenario`.
A child file overrides what it names: scalar fields replace, measures merge by name,
and a measure's path keeps the parent's entries dated before the child's first entry.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.inputs.authorities import AUTHORITIES, authorities_of
from simulator.inputs.facts import load_facts, load_sources
from simulator.inputs.locations import bundled_ids, find_scenario, may_be_sweep
from simulator.inputs.parameters import PARAMETERS, ParameterValues, default_parameters, disorder, ordering_message
from simulator.inputs.problems import FieldPath, InputError, Problem, did_you_mean, dotted, expected_one_of
from simulator.inputs.scenario import (
    CALIBRATION_START,
    DIRECTIONS,
    Direction,
    Event,
    Measure,
    MeasureFile,
    Refund,
    Scenario,
    ScenarioFile,
)
from simulator.inputs.schema import HINTED_KEYS, validate_partial
from simulator.inputs.yaml_reader import Document, plain_data, read_document


@dataclass
class _Layer:
    """One file of an ``extends`` chain, validated."""

    id: str
    document: Document
    content: ScenarioFile
    left_out: tuple[FieldPath, ...] = ()
    """Fields that failed validation and were left out of ``content`` (so later checks stay silent on them)."""


def load_file(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate the scenario in a YAML file, following its ``extends`` chain.

    Raises :class:`~simulator.inputs.problems.InputError` listing every problem in the file
    and in the files it extends.
    """
    return resolve(_chain(Path(path)))


def check_files(names: list[str]) -> list[Problem]:
    """Every problem in the given scenario files or bundled ids (empty when all are valid)."""
    problems: list[Problem] = []
    for name in names:
        try:
            load_file(locate(name))
        except InputError as error:
            problems.extend(error.problems)
    # a parent's problems show once, however many children extend it
    return sorted(set(problems))


def scenario_from_data(data: dict[str, Any], scenario_id: str, name: str = "<code>") -> Scenario:
    """Validate a scenario given as Python data, exactly as a YAML file would be.

    ``data`` may hold ``extends`` to build on a bundled scenario.
    """
    return resolve(_chain_from(scenario_id, _code_document(data, name), Path.cwd()))


def scenario_extending(base: Scenario, data: dict[str, Any], scenario_id: str, name: str = "<code>") -> Scenario:
    """Validate ``data`` (without ``extends``) as a file that extends ``base``, a scenario already resolved, which
    may itself have been built in code."""
    document = _code_document(data, name)
    if len(base.chain) >= MAX_EXTENDS_DEPTH:
        message = f"the extends chain is longer than {MAX_EXTENDS_DEPTH} files (it builds on {len(base.chain)})"
        raise InputError([Problem(name, 1, 1, "", message)])
    return resolve(_chain_from(scenario_id, document, Path.cwd(), parents=base.chain))


def _code_document(data: Any, name: str) -> Document:
    """Data given in code as a document, once it holds only what a file could (:func:`plain_data`)."""
    data, problems = plain_data(data, name)
    if problems:
        raise InputError(problems)
    return Document(name, data, {(): (1, 1)})


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def locate(path_or_id: str | os.PathLike[str], near: Path | None = None) -> Path:
    """The file a name stands for (:func:`~simulator.inputs.locations.find_scenario`); a located problem if none."""
    if "\0" in os.fspath(path_or_id):  # the operating system refuses such a name with a ValueError, not an OSError
        shown = os.fspath(path_or_id).replace("\0", "\\0")
        raise InputError([Problem(shown, 1, 1, "", "a file name cannot hold a NUL character (\\0)")])
    found = find_scenario(path_or_id, near)
    if found is not None:
        return found
    hint = _with_extension(str(path_or_id), near) or did_you_mean(str(path_or_id), bundled_ids())
    raise InputError([Problem(str(path_or_id), 1, 1, "", f"no such scenario file or bundled scenario id{hint}")])


def _with_extension(name: str, near: Path | None) -> str:
    """A hint naming ``name.yaml`` (or ``.yml``) where such a file is there: a file is named with its extension."""
    for folder in (Path.cwd(), *((near,) if near is not None else ())):
        for suffix in (".yaml", ".yml"):
            try:
                if (folder / f"{name}{suffix}").is_file():
                    return f" (did you mean '{name}{suffix}'? a file is named with its extension, a bundled id without)"
            except (OSError, ValueError):  # a name no file system takes
                return ""
    return ""


MAX_EXTENDS_DEPTH = 16
"""The longest ``extends`` chain read: deeper chains are refused (a what-if builds on a few files, not dozens)."""
MAX_CHAIN_BYTES = 300_000
"""The most bytes of YAML a scenario with the files it extends may hold: 16 files of the largest size one file may
have took 15 s to check (the bundled chains hold about 10 kB)."""


def _chain(path: Path) -> list[_Layer]:
    document = read_document(path, _display(path))
    return _chain_from(path.stem, document, path.resolve().parent, path.resolve())


def _chain_from(
    scenario_id: str,
    document: Document,
    folder: Path,
    source: Path | None = None,
    parents: Sequence[_Layer] = (),
) -> list[_Layer]:
    """Read and validate the file and all its ancestors; root first.

    A cycle is found by the files' resolved paths, however each ``extends`` names its parent (an id, a relative
    or an absolute path, a link). ``parents``: the chain of a scenario already resolved, which ``document`` (then
    without ``extends``) builds on.
    """
    facts = load_facts()
    problems: list[Problem] = []
    layers: list[_Layer] = []
    seen = [scenario_id]
    files = [source] if source is not None else []
    first = document
    complete = True
    size = _size(source) if source is not None else 0
    while True:
        if _looks_like_sweep(document):
            message = (
                "this reads as a sweep file (it writes 'scenario' or 'grid' and none of a scenario's keys): run it "
                "with 'simulate --sweep FILE', check it with 'simulate --check FILE'"
            )
            problems.append(document.problem((), message))
            complete = False
            break
        content, found, left_out, checked = validate_partial(ScenarioFile, document, {"facts": facts})
        problems.extend(found + document.null_problems())
        if content is not None:
            problems.extend(_check_file(content, checked))
            layers.append(_Layer(seen[-1], checked, content, tuple(left_out)))
        else:
            complete = False
        parent = _parent_name(document)
        if parent is None or parents:
            break
        if len(seen) >= MAX_EXTENDS_DEPTH:
            # told in the file the user named, whose chain it is, rather than in the last file read
            chain = " \u2192 ".join([*seen[:2], "\u2026", *seen[-1:], parent])
            problems.append(
                first.problem(
                    ("extends",),
                    f"the extends chain is longer than {MAX_EXTENDS_DEPTH} files ({chain}); build on a scenario "
                    "nearer the root",
                )
            )
            complete = False
            break
        if not parent.strip():
            problems.append(document.problem(("extends",), "empty: expected a bundled id or a file beside this one"))
            complete = False
            break
        try:
            path = locate(parent, folder)
            if path.is_dir():
                problems.append(
                    document.problem(("extends",), f"'{parent}' is a folder (expected a scenario file or bundled id)")
                )
                complete = False
                break
            if not path.exists():
                raise FileNotFoundError
            resolved = path.resolve()
        except (InputError, OSError, RuntimeError):  # OSError: a name too long; RuntimeError: a loop of links
            hint = did_you_mean(parent, bundled_ids())
            problems.append(
                document.problem(
                    ("extends",), f"unknown scenario '{parent}'{hint} (expected a bundled id or a file beside this one)"
                )
            )
            complete = False
            break
        if not files and seen == [parent]:  # built in code under its parent's id: no cycle, a clash of ids
            problems.append(
                document.problem(
                    ("extends",), f"'{parent}' is also the id given to this scenario: give it an id of its own"
                )
            )
            complete = False
            break
        if resolved in files or (not files and parent in seen):
            cycle = " \u2192 ".join([*seen, parent])
            problems.append(document.problem(("extends",), f"extends cycle: {cycle}"))
            complete = False
            break
        size += _size(resolved)
        if size > MAX_CHAIN_BYTES:
            problems.append(
                first.problem(
                    ("extends",),
                    f"the extends chain holds more than {MAX_CHAIN_BYTES // 1000} kB of YAML with '{parent}' (at "
                    f"most {MAX_CHAIN_BYTES // 1000} kB together, so that a check stays quick); build on fewer or "
                    "smaller files",
                )
            )
            complete = False
            break
        try:
            document = read_document(path, _display(path))
        except InputError as error:
            problems.extend(error.problems)
            complete = False
            break
        folder = resolved.parent
        files.append(resolved)
        seen.append(path.stem)
    if problems and complete and layers:
        # the checks of the merged scenario, on what did validate, so that all problems show at once
        try:
            resolve([*parents, *layers[::-1]])
        except InputError as error:
            left_out = _left_out(layers)
            problems += [problem for problem in error.problems if not _about_left_out(problem, left_out)]
    if problems:
        raise InputError(problems)
    return [*parents, *layers[::-1]]


def is_sweep_file(name: str | os.PathLike[str]) -> bool:
    """Whether a name given as a scenario is a readable sweep file (:func:`_looks_like_sweep`)."""
    try:
        path = locate(name)
        # the cheap look first: a scenario file is then parsed once, by its own check, not a second time here
        return may_be_sweep(path) and _looks_like_sweep(read_document(path))
    except InputError:
        return False


SCENARIO_ONLY_KEYS = {"title", "extends", "horizon", "tariffs"}
"""Keys a scenario file writes and a sweep file never does."""


def _looks_like_sweep(document: Document) -> bool:
    """A sweep file, whole or missing its grid or its scenario: it writes one of them and nothing only a scenario
    writes (so that its own check, not a scenario's, tells what is missing)."""
    data = document.data
    return isinstance(data, dict) and bool({"grid", "scenario"} & set(data)) and not SCENARIO_ONLY_KEYS & set(data)


@dataclass(frozen=True)
class _LeftOut:
    """What failed validation in a chain, as dotted paths: fields left out whole, in any file (a later file's setting
    of that field is checked against what is missing, so its problems are not told either), and what holds them (a
    measure whose path went); and list items left out, in their own file (another file numbers its items its own
    way), whose list's other items were still checked."""

    fields: set[str]
    holders: dict[str, set[tuple[str, str]]]
    """Each holder, with the file and the name of each of its fields on the way to what was left out."""
    items: dict[str, set[str]]


def _left_out(layers: list[_Layer]) -> _LeftOut:
    fields: set[str] = set()
    holders: dict[str, set[tuple[str, str]]] = {}
    items: dict[str, set[str]] = {}
    for layer in layers:
        for path in layer.left_out:
            if path and isinstance(path[-1], int):
                items.setdefault(layer.document.file, set()).add(dotted(path))
            else:
                fields.add(dotted(path))
                for length in range(1, len(path)):
                    holders.setdefault(dotted(path[:length]), set()).add((layer.document.file, str(path[length])))
    return _LeftOut(fields, holders, items)


def _about_left_out(problem: Problem, left_out: _LeftOut) -> bool:
    """Whether a problem of the merged scenario concerns a field that failed validation (and so is already told).

    A problem of what holds such a field concerns it when the field was left out of another file of the chain (what
    that file set is missing from the merged scenario: a measure its parent wrote then looks new), or when it names
    the field ('needs a 'path''); one that names none of its own file's is about the holder itself (a measure's
    name that its parent does not have) and is told."""
    if problem.path in left_out.holders:
        return any(
            file != problem.file or f"'{name}'" in problem.message for file, name in left_out.holders[problem.path]
        )
    items = left_out.items.get(problem.file, set())
    cuts = [0, *(index for index, character in enumerate(problem.path) if character in ".["), len(problem.path)]
    if any(problem.path[:cut] in left_out.fields or problem.path[:cut] in items for cut in cuts):
        return True
    # a check of the merged scenario that reads a left-out field sees the value standing in for it (the parent's or
    # the default): what it says of that value ('move horizon.end past it', 'above short_run_elasticity (-0.71)')
    # is not what the file wrote
    return any(_names(problem.message, field) for field in left_out.fields)


def _names(message: str, field: str) -> bool:
    """Whether ``message`` names the dotted ``field``: whole, or by its last key where that is a field's name
    (with an underscore; a plain word such as 'rate' may stand in a message for other reasons)."""
    last = field.rsplit(".", 1)[-1]
    return field in message or ("_" in last and re.search(rf"\b{re.escape(last)}\b", message) is not None)


def _size(path: Path) -> int:
    """A file's size [bytes]; 0 where it cannot be read (reading it will say why)."""
    try:
        return path.stat().st_size
    except (OSError, ValueError):
        return 0


def _parent_name(document: Document) -> str | None:
    data = document.data
    if isinstance(data, dict) and isinstance(data.get("extends"), str):
        return data["extends"]
    return None


MAX_RENEWALS = 16
"""The most windows with a renewal probability one file may hold: a truce is a handful of windows, and each is a
decision whose combinations the Monte Carlo draws build tariff paths for (300 made a draw cost 0.1 s)."""


def _check_file(content: ScenarioFile, document: Document) -> list[Problem]:
    """Rules that span fields of one file: one entry per date and measure, known sources."""
    problems = []
    renewals = 0
    if content.tariffs is not None:
        for direction in DIRECTIONS:
            side = getattr(content.tariffs, direction)
            for name, measure in ((side.measures or {}) if side else {}).items():
                first: dict[Any, int] = {}
                for index, entry in enumerate(measure.path or []):
                    renewals += entry.renewal is not None
                    if entry.renewal is not None and renewals == MAX_RENEWALS + 1:
                        where = ("tariffs", direction, "measures", name, "path", index, "renewal")
                        message = (
                            f"more than {MAX_RENEWALS} windows with a renewal probability in one file (each is a "
                            "truce decision whose outcomes the Monte Carlo draws combine; expected at most "
                            f"{MAX_RENEWALS})"
                        )
                        problems.append(document.problem(where, message))
                    if entry.start in first:
                        where = ("tariffs", direction, "measures", name, "path", index)
                        other = document.in_file((*where[:-1], first[entry.start]))[-1]
                        message = (
                            f"two entries on {entry.start} for measure '{name}' (the other is "
                            f"path[{other}]); a measure changes once a day"
                        )
                        problems.append(document.problem(where, message))
                    first.setdefault(entry.start, index)
    if content.references:
        sources = load_sources()
        unknown = [(index, source) for index, source in enumerate(content.references) if source not in sources]
        for count, (index, source) in enumerate(unknown):
            hint = did_you_mean(source, sources) if count < HINTED_KEYS else ""  # the search is the slow part
            problems.append(document.problem(("references", index), f"unknown source id '{source}'{hint}"))
    return problems


@dataclass
class _Merged:
    """A direction being merged from the root down, and where each setting came from (for located problems)."""

    base: Any = None
    authority_ends: dict[str, Any] = field(default_factory=dict)
    refunds: dict[str, Any] = field(default_factory=dict)
    measures: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: dict[Any, tuple[Document, tuple]] = field(default_factory=dict)
    layers: dict[Any, int] = field(default_factory=dict)
    """The place in the chain (0: the root) of the file that wrote each entry and each authority's end."""


def resolve(layers: list[_Layer]) -> Scenario:
    """Merge a validated chain (root first) into one :class:`Scenario`."""
    leaf = layers[-1]
    problems: list[Problem] = []
    title = None
    horizon = None
    horizon_depth = 0
    events: list[Event] = []
    references: list[str] = []
    parameters = default_parameters()
    explicit: set[str] = set()
    merged = {direction: _Merged() for direction in DIRECTIONS}
    for depth, layer in enumerate(layers):
        content = layer.content
        title = content.title or title
        if content.horizon is not None:
            horizon, horizon_depth = content.horizon, depth
        parameters = parameters.overlay(content.parameters)
        explicit.update(content.parameters.values() if content.parameters else ())
        if content.events is not None:
            # a child adds its events to its parent's, unless it says it replaces them
            added = [_event(event) for event in content.events]
            kept = [] if content.events_replace else events
            events = kept + [event for event in added if event not in kept]
        references += [source for source in content.references or [] if source not in references]
        for direction in DIRECTIONS:
            side = getattr(content.tariffs, direction) if content.tariffs else None
            if side is not None:
                problems += _merge_direction(merged[direction], side, layer.document, ("tariffs", direction), depth)
    for field_name, value in (("title", title), ("horizon", horizon)):
        if value is None:
            problems.append(
                leaf.document.problem(
                    (field_name,), f"missing required field '{field_name}' (in this file or one it extends)"
                )
            )
    problems += _check_parameters(parameters, leaf.document)
    for direction in DIRECTIONS:
        if merged[direction].base is None:
            problems.append(
                leaf.document.problem(
                    ("tariffs", direction, "base"),
                    f"missing 'tariffs.{direction}.base' (the pre-2025 average tariff, in this file or one it extends)",
                )
            )
    tariffs = {direction: _direction(direction, merged[direction], problems) for direction in DIRECTIONS}
    problems += _chain_limits(events, tariffs, layers)
    if horizon is not None:
        for direction in DIRECTIONS:
            problems += _beyond_horizon(merged[direction], horizon.end, horizon_depth)
    if problems:
        raise InputError(problems)
    return Scenario(
        id=leaf.id,
        title=title,  # type: ignore[arg-type]
        # a description speaks for its own file: a what-if without one must not read as its parent (its report lists
        # what it changes instead)
        description=(leaf.content.description or "").strip(),
        parent=layers[-2].id if len(layers) > 1 else None,
        start=horizon.start,  # type: ignore[union-attr]
        end=horizon.end,  # type: ignore[union-attr]
        tariffs=tariffs,
        parameters=parameters,
        events=tuple(sorted(events, key=lambda event: event.date)),
        references=tuple(references),
        files=tuple(layer.document.file for layer in layers),
        file_hashes=tuple(layer.document.digest for layer in layers),
        parameters_set=tuple(sorted(explicit)),
        extended=_resolve_parent(layers),
        chain=tuple(layers),
    )


MAX_EVENTS = 40
"""The most events a scenario, with the files it extends, marks on its charts: each is a label the charts place
clear of the others (the bundled ones mark 7 at most; 1,600 took six minutes to lay out)."""


def _file_windows(content: ScenarioFile) -> int:
    """Windows with a renewal probability that one file writes."""
    sides = [getattr(content.tariffs, direction) for direction in DIRECTIONS] if content.tariffs else []
    return sum(
        entry.renewal is not None
        for side in sides
        if side is not None
        for measure in (side.measures or {}).values()
        for entry in measure.path or []
    )


def _chain_limits(events: list, tariffs: dict[str, Any], layers: list[_Layer]) -> list[Problem]:
    """Bounds on the merged scenario that a file's own bounds do not give, since a chain of files adds up."""
    document = layers[-1].document
    problems = []
    if len(events) > MAX_EVENTS:
        problems.append(
            document.problem(
                ("events",),
                f"{len(events)} events to mark on the charts, with the files this one extends; at most {MAX_EVENTS} "
                "(each is a label the charts place clear of the others: keep the ones a reader needs)",
            )
        )
    windows = sum(
        entry.renewal is not None
        for side in tariffs.values()
        if side is not None
        for measure in side.measures.values()
        for entry in measure.entries
    )
    # a file over the bound on its own is told at its window (_check_file)
    if windows > MAX_RENEWALS and all(_file_windows(layer.content) <= MAX_RENEWALS for layer in layers):
        problems.append(
            document.problem(
                ("tariffs",),
                f"{windows} windows with a renewal probability, with the files this one extends; at most "
                f"{MAX_RENEWALS} (each is a truce decision whose outcomes the Monte Carlo draws combine)",
            )
        )
    return problems


def _known(state: _Merged) -> str:
    """' (it has: 'reciprocal' (Across-the-board tariff), …)': the measures a what-if may change, with the labels the
    reports show them by, for a name that resembles none of them."""
    named = [
        f"'{name}'" + (f" ({fields['label']})" if isinstance(fields.get("label"), str) else "")
        for name, fields in state.measures.items()
        if fields
    ]
    return f" (it has: {', '.join(named)})" if named else ""


def _merge_direction(state: _Merged, side: Any, document: Document, where: tuple, depth: int = 0) -> list[Problem]:
    """Lay one file's settings of a direction over what its parents set (``depth``: the file's place in the chain,
    0 for the root); a new measure needs a path, and in a file that extends another its authority too."""
    problems = []
    if side.base is not None:
        state.base = side.base
    for name, when in (side.authority_ends or {}).items():
        state.authority_ends[name] = when
        state.origins[("authority_ends", name)] = (document, (*where, "authority_ends", name))
        state.layers[("authority_ends", name)] = depth
    for name, refund in (side.refunds or {}).items():
        if refund is None:  # never: no refund, whatever a parent booked
            state.refunds.pop(name, None)
            continue
        state.refunds[name] = refund
        state.origins[("refunds", name)] = (document, (*where, "refunds", name))
        state.layers[("refunds", name)] = depth
    for name, measure in (side.measures or {}).items():
        at = (*where, "measures", name)
        known = [known_name for known_name, known_fields in state.measures.items() if known_fields]
        fields = state.measures.setdefault(name, {})
        if not fields and depth > 0 and measure.authority is None:
            # a misspelt name would otherwise add a second duty, under no authority, on top of the one meant
            problems.append(
                document.problem(
                    at,
                    f"measure '{name}' is not in the scenario it extends{did_you_mean(name, known) or _known(state)}; "
                    f"a new measure needs its 'authority' ({expected_one_of(authorities_of(where[-1]))})",
                )
            )
        if not fields and not measure.path:
            problems.append(
                document.problem(at, f"measure '{name}' is new in this file and needs a 'path' of dated entries")
            )
        inherited = fields.get("authority", "other") if fields else None
        if inherited is not None and measure.authority is not None and measure.authority != inherited:
            # the measure's past entries would move to the new authority too (and escape the old one's end)
            problems.append(
                document.problem(
                    (*at, "authority"),
                    f"'{name}' is levied under {AUTHORITIES[inherited].label} in the scenario this extends; its "
                    "authority cannot change here, since its earlier entries would change with it: add a measure "
                    f"with a new name and authority: {measure.authority} from the date it applies",
                )
            )
        _overlay_measure(fields, measure)
        for setting, value in measure:
            if setting != "path" and value is not None:
                state.origins[(name, setting)] = (document, (*at, setting))
                state.layers[(name, setting)] = depth
        for index, entry in enumerate(measure.path or []):
            state.origins[id(entry)] = (document, (*at, "path", index))
            state.layers[id(entry)] = depth
    return problems


def _direction(direction: str, state: _Merged, problems: list[Problem]) -> Direction | None:
    """The resolved direction, with the rules that span a measure's settings checked (problems appended)."""
    measures = {name: _measure(name, fields) for name, fields in state.measures.items()}
    ends = {name: when for name, when in state.authority_ends.items() if when.date is not None}
    resolved = Direction(base=state.base, measures=measures, authority_ends=ends, refunds=_refunds(state, problems))
    for name in state.authority_ends:
        if direction not in AUTHORITIES[name].directions:
            problems.append(
                _problem(state, ("authority_ends", name), f"{AUTHORITIES[name].label} is not levied by this side")
            )
    for measure in measures.values():
        problems += _check_measure(direction, measure, resolved, state)
    return resolved


def _refunds(state: _Merged, problems: list[Problem]) -> dict[str, Refund]:
    found = {}
    for name, refund in state.refunds.items():
        if refund.start.date is None:
            problems.append(_problem(state, ("refunds", name), "a refund needs a start date, not 'never'"))
            continue
        if name not in state.authority_ends or state.authority_ends[name].date is None:
            if name in state.authority_ends and state.layers.get(("authority_ends", name), 0) > state.layers.get(
                ("refunds", name), 0
            ):
                # the end was removed below refunds a parent booked: the file that removed it is where to change them
                problems.append(
                    _problem(
                        state,
                        ("authority_ends", name),
                        f"with {AUTHORITIES[name].label} duties never ending, the refunds that the scenario this "
                        f"extends books have nothing to pay back: add refunds: {{{name}: never}} here too",
                    )
                )
                continue
            problems.append(
                _problem(
                    state,
                    ("refunds", name),
                    f"refunds of {AUTHORITIES[name].label} duties need the "
                    f"authority to end: add authority_ends.{name} (or leave the refund out)",
                )
            )
            continue
        if refund.start.date < state.authority_ends[name].date:
            end = state.authority_ends[name].date
            if state.layers.get(("authority_ends", name), 0) > state.layers.get(("refunds", name), 0):
                # the end moved past refunds a parent booked: the file that moved it is where to change them
                problems.append(
                    _problem(
                        state,
                        ("authority_ends", name),
                        f"{AUTHORITIES[name].label} duties now end on {end}, after the refunds the scenario this "
                        f"extends starts paying on {refund.start.date}: duties are paid back only once they are no "
                        f"longer collected; set refunds.{name} here with a start on or after {end} (or never)",
                    )
                )
                continue
            problems.append(
                _problem(
                    state,
                    ("refunds", name),
                    f"refunds start on {refund.start.date}, before {AUTHORITIES[name].label} duties end "
                    f"({end}): duties are paid back only once they are no longer collected",
                )
            )
            continue
        found[name] = Refund(refund.share, refund.start, refund.days)
    return found


def _check_measure(direction: str, measure: Measure, side: Direction, state: _Merged) -> list[Problem]:
    """Rules between a merged measure's settings: its authority's side, what it skips, its end after its start."""
    problems = []
    if direction not in AUTHORITIES[measure.authority].directions:
        problems.append(
            _problem(
                state,
                (measure.name, "authority"),
                f"{AUTHORITIES[measure.authority].label} is not levied by this side; "
                f"expected one of: {', '.join(authorities_of(direction))}",
            )
        )
    if measure.authority in measure.not_on:
        problems.append(
            _problem(state, (measure.name, "not_on"), "a measure cannot skip the trade of its own authority")
        )
    foreign = [name for name in measure.not_on if direction not in AUTHORITIES[name].directions]
    if foreign:
        problems.append(
            _problem(
                state,
                (measure.name, "not_on"),
                f"{AUTHORITIES[foreign[0]].label} is not levied by this side, so it covers no trade here to skip; "
                f"expected some of: {', '.join(authorities_of(direction))}",
            )
        )
    end = measure.ends.date if measure.ends else None
    # an end set by a later file withdraws its parents' entries on purpose; only entries written with or after it
    # that it would cancel are mistakes
    ends_at = state.layers.get((measure.name, "ends"), 0)
    own = [entry for entry in measure.entries if state.layers[id(entry)] >= ends_at]
    if (
        end is not None
        and own
        and all(end <= entry.start for entry in own)
        and end <= measure.entries[0].start
        and not _lost_entries(state, measure.entries)  # a left-out entry may have been the first
    ):
        problems.append(
            _problem(
                state,
                (measure.name, "ends"),
                f"the measure ends on {end}, on or before its first entry ({measure.entries[0].start})",
            )
        )
    elif end is not None:
        for entry in own:
            if entry.start >= end:
                document, path = state.origins[id(entry)]
                problems.append(
                    document.problem(
                        path,
                        f"this entry ({entry.start}) comes on or after the day the measure "
                        f"ends ({end}); move the end (or 'ends: never') or remove the entry",
                    )
                )
    problems += _after_authority_end(measure, side, state, end)
    first_projected = CALIBRATION_START.replace(year=CALIBRATION_START.year + 1)
    for entry in measure.entries:
        if entry.start < first_projected:
            document, path = state.origins[id(entry)]
            problems.append(
                document.problem(
                    path,
                    f"this entry ({entry.start}) falls in or before {CALIBRATION_START.year}, the year the model is "
                    f"calibrated on, whose tariffs are the direction's base; date it {first_projected} or later (or "
                    "change the base)",
                )
            )
    return problems


def _after_authority_end(measure: Measure, side: Direction, state: _Merged, statutory_end) -> list[Problem]:
    """Entries written on or after the end of their measure's authority, in the file that ends it or one extending
    it: they would change nothing (an end set by a later file, e.g. a court ruling, cuts its parents' entries on
    purpose)."""
    authority = measure.authority
    when = side.authority_ends.get(authority)
    if when is None or when.date is None:
        return []
    problems = []
    label = AUTHORITIES[authority].label
    for entry in measure.entries:
        if entry.start < when.date or (statutory_end is not None and entry.start >= statutory_end):
            continue  # in force, or already reported against the measure's own end
        if state.layers[id(entry)] < state.layers[("authority_ends", authority)]:
            continue
        document, path = state.origins[id(entry)]
        problems.append(
            document.problem(
                path,
                f"this entry ({entry.start}) comes on or after the end of {label} duties ({when.date}, "
                f"authority_ends.{authority}), so it would change nothing; date it before the end, or move the end "
                f"(authority_ends: {{{authority}: a later date, or never}})",
            )
        )
    return problems


def _beyond_horizon(state: _Merged, end: dt.date, horizon_depth: int) -> list[Problem]:
    """Entries and refunds dated after the horizon's end, written in the file that sets the horizon or one extending
    it: the projection never reaches them, so they would change nothing without a word (a horizon cut short by a
    later file leaves its parents' later entries out on purpose)."""
    problems = []
    found = [(entry.start, id(entry), ()) for fields in state.measures.values() for entry in fields.get("path", [])]
    found += [(refund.start.date, ("refunds", name), ("start",)) for name, refund in state.refunds.items()]
    for date, key, below in found:
        if date is not None and date > end and state.layers[key] >= horizon_depth:
            problems.append(
                _problem(
                    state,
                    key,
                    f"this date ({date}) falls after the horizon's end ({end}), so the projection never reaches it; "
                    "move horizon.end past it, or remove it",
                    below,
                )
            )
    return problems


def _lost_entries(state: _Merged, entries: Sequence[Any]) -> bool:
    """Whether a path these entries were written in lost entries that failed validation (so the first entry here
    need not be the first the file has)."""
    for entry in entries:
        document, path = state.origins[id(entry)]
        if path[:-1] in document.renumbering:
            return True
    return False


def _problem(state: _Merged, key: Any, message: str, below: tuple = ()) -> Problem:
    """A problem at the place the setting ``key`` was written (or at its field ``below``)."""
    document, path = state.origins[key]
    return document.problem((*path, *below), message)


def _resolve_parent(layers: list[_Layer]) -> Scenario | None:
    """The scenario the leaf extends, resolved from the layers already read; None for a root or a parent incomplete
    alone.
    """
    if len(layers) < 2:
        return None
    try:
        return resolve(layers[:-1])
    except InputError:
        return None


def _check_parameters(parameters: ParameterValues, document: Document) -> list[Problem]:
    """Ordering rules between parameters (the registry's ``at_most``), checked once the chain is merged."""
    problems = []
    values = {name: getattr(parameters, name).value for name in PARAMETERS}
    data = document.data.get("parameters") if isinstance(document.data, dict) else None
    for spec, _ in disorder(values):
        # point at whichever of the two this file sets
        names = [name for name in (spec.name, spec.at_most) if isinstance(data, dict) and name in data]
        where = ("parameters", names[0]) if names else ("parameters",)
        problems.append(document.problem(where, ordering_message(spec, values[spec.name], values[spec.at_most])))  # type: ignore[index]
    return problems


def _overlay_measure(merged: dict[str, Any], measure: MeasureFile) -> None:
    """A child's settings replace the parent's one by one; its path replaces the parent's from its first date on."""
    merged.update({name: value for name, value in measure if name != "path" and value is not None})
    if measure.path:
        entries = sorted(measure.path, key=lambda entry: entry.start)
        cut = entries[0].start
        kept = [entry for entry in merged.get("path", []) if entry.start < cut]
        merged["path"] = kept + entries


def _measure(name: str, fields: dict[str, Any]) -> Measure:
    settings = {key: value for key, value in fields.items() if key != "path"}
    settings.setdefault("label", name.replace("_", " ").replace("-", " "))
    entries = tuple(sorted(fields.get("path", []), key=lambda entry: entry.start))
    return Measure(name=name, entries=entries, **settings)


def _event(event: Any) -> Event:
    fact = event.fact
    if fact is not None:
        label = event.label or fact.label or fact.description
        return Event(date=fact.date, label=label, fact=fact.id)
    return Event(date=event.date, label=event.label)
