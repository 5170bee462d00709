"""Validate parsed documents against pydantic models and report located problems.

Pydantic gives each error a location tuple; we map it back to the YAML line and column
kept by :class:`~simulator.inputs.yaml_reader.Document`, and turn unknown keys into
"did you mean" hints by walking the model's field types along that location.
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core.core_schema import ErrorType

from simulator.inputs.problems import FieldPath, InputError, Problem, did_you_mean, expected_one_of
from simulator.inputs.yaml_reader import Document

Model = TypeVar("Model", bound=BaseModel)


class Strict(BaseModel):
    """Base for every input model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def validate(model: type[Model], document: Document, context: dict[str, Any] | None = None) -> Model:
    """Validate ``document.data`` as ``model``; raise :class:`InputError` listing every problem."""
    if not isinstance(document.data, dict):
        raise InputError([document.problem((), "expected a mapping of fields at the top of the file")])
    try:
        return model.model_validate(document.data, context=context or {})
    except ValidationError as error:
        raise InputError(problems_from(error, model, document, context)) from None


MAX_ROUNDS = 4


def validate_partial(
    model: type[Model], document: Document, context: dict[str, Any] | None = None
) -> tuple[Model | None, list[Problem], list[FieldPath], Document]:
    """Validate ``document.data`` as ``model``, and when it fails, the data without the fields that failed.

    Returns the content validated without those fields (None if nothing sensible is left), every problem of the
    first pass, the paths of the fields left out, and the document to locate later problems with, so that later
    checks of the whole scenario can run and report their own problems at once, while staying silent about what
    was left out. A failing item of a list leaves out that item only: the document returned numbers the items
    that stay as the file does (``path[2]`` stays ``path[2]`` when ``path[0]`` is left out).
    """
    try:
        return validate(model, document, context), [], [], document
    except InputError as error:
        problems = error.problems
    if not isinstance(document.data, dict):
        return None, problems, [()], document
    data = copy.deepcopy(document.data)
    removed: dict[FieldPath, None] = {}
    kept: dict[FieldPath, list[int]] = {}
    """For each list some of whose items were left out, the place in the file of every item that stays."""
    for _ in range(MAX_ROUNDS):
        try:
            content = model.model_validate(data, context=context or {})
        except ValidationError as error:
            cuts = {_cut(item, data) for item in error.errors(include_url=False)}
        else:
            return content, problems, list(removed), document.renumbered(kept)
        if () in cuts:
            break
        fields = sorted((cut for cut in cuts if not isinstance(cut[-1], int)), key=len)
        # list items last, each list's from its end, so that the indices of the items still to go hold
        items = sorted((cut for cut in cuts if isinstance(cut[-1], int)), key=lambda cut: -cut[-1])
        for cut, place, item in [
            *((cut, cut, False) for cut in fields),
            *((cut, _place(kept, cut), True) for cut in items),
        ]:
            if any(place[:length] in removed for length in range(1, len(place) + 1)):
                continue
            lists = [] if item else [path for path in kept if path[: len(cut)] == cut and path not in removed]
            if lists:
                # what holds a list failed once items of it went (a rule across its items, such as no name twice):
                # the list goes whole, as it would have at first, and what holds it stays
                for path in lists:
                    _remove(data, path, kept)
                    removed[path] = None
                continue
            _remove(data, cut, kept)
            removed[place] = None
    return None, problems, [*removed, ()], document


def _place(kept: dict[FieldPath, list[int]], cut: FieldPath) -> FieldPath:
    """Where the file has the list item at ``cut`` (an index into the list as earlier rounds left it)."""
    listed = kept.get(cut[:-1])
    return (*cut[:-1], listed[cut[-1]]) if listed is not None and cut[-1] < len(listed) else cut


def _cut(item: dict[str, Any], data: Any) -> FieldPath:
    """The field to leave out for one pydantic error in ``data``: the failing field, its object when a field is
    missing, and the item of a list when the field sits in one.
    """
    location = _location(item, data)
    if item["type"] == "missing":
        location = location[:-1]
    for index, part in enumerate(location):
        if isinstance(part, int):
            return location[: index + 1]
    return location


def _remove(data: Any, path: FieldPath, kept: dict[FieldPath, list[int]]) -> None:
    """Leave out the field or list item at ``path``; an item's list records the file's places of those that stay."""
    for part in path[:-1]:  # mappings only: a cut ends at the first list item on its way (:func:`_cut`)
        data = data[part] if isinstance(data, dict) and part in data else None
        if data is None:
            return
    last = path[-1]
    if isinstance(data, dict):
        data.pop(last, None)
    elif isinstance(data, list) and isinstance(last, int) and 0 <= last < len(data):
        if path[:-1] not in kept:
            kept[path[:-1]] = list(range(len(data)))
        del data[last], kept[path[:-1]][last]


HINTED_KEYS = 100
"""Unknown keys of a file that get a 'did you mean' and have their value checked as the key it is closest to: the
search costs about a millisecond a key, and nobody reads past the first hundred (the command line shows 200
problems)."""


def problems_from(
    error: ValidationError, model: type[BaseModel], document: Document, context: dict[str, Any] | None = None
) -> list[Problem]:
    """Translate pydantic errors into located problems with messages written for analysts.

    The value under a misspelt key is checked as if the key were the one it is closest to, so that its own
    problems show now rather than after the key is fixed.
    """
    problems = []
    unknown = 0
    for item in error.errors(include_url=False):
        location = _location(item, document.data)
        kind = item["type"]
        if kind == "extra_forbidden":
            key = str(location[-1])
            allowed = _fields_at(model, location[:-1])
            unknown += 1
            hinted = unknown <= HINTED_KEYS
            comma = _decimal_comma(document.data, location)
            message = f"unknown key '{key}'{comma or (did_you_mean(key, allowed) if hinted else '')}"
            if allowed and not comma:
                message += f"; {expected_one_of(allowed)}"
            problems.append(document.problem(location, message, key=True))
            if hinted:
                problems += _as_meant(model, location, item.get("input"), document, context or {})
        elif kind == "missing":
            problems.append(document.problem(location[:-1], f"missing required field '{location[-1]}'"))
        else:
            message = _message(item)
            if message == MAPPING:  # say which fields: 'renewal: 50%' is the shorthand a writer reaches for first
                message += _fields_wanted(model, location)
            problems.append(document.problem(location, message))
    return problems


def _fields_wanted(model: type[BaseModel], location: FieldPath) -> str:
    """' (probability required; days optional)': the fields of the mapping expected at ``location``, or ''."""
    for candidate in _members(_at(model, location)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            fields = candidate.model_fields
            required = [field.alias or name for name, field in fields.items() if field.is_required()]
            optional = [field.alias or name for name, field in fields.items() if not field.is_required()]
            parts = [f"{', '.join(required)} required"] if required else []
            parts += [f"{', '.join(optional)} optional"] if optional and len(optional) <= 4 else []
            return f" ({'; '.join(parts)})" if parts else ""
    return ""


def _as_meant(
    model: type[BaseModel], location: FieldPath, value: Any, document: Document, context: dict[str, Any]
) -> list[Problem]:
    """Problems of the value under a misspelt key, checked against the field the key is closest to."""
    allowed = _fields_at(model, location[:-1])
    matches = difflib.get_close_matches(str(location[-1]), allowed, n=1, cutoff=0.6)
    if not matches or value is None:
        return []
    annotation = _step(_at(model, location[:-1]), matches[0])
    if annotation is None:
        return []
    try:
        _adapter(annotation).validate_python(value, context=context)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            inner = _location(item, value)
            if item["type"] != "extra_forbidden":
                problems.append(document.problem((*location, *inner), _message(item)))
        return problems
    except Exception:  # a type that cannot be checked alone: the unknown key is reported all the same
        return []
    return []


def _adapter(annotation: Any) -> TypeAdapter:
    """A validator for one field's type, built once per type: building one costs about 3 ms, and a file may hold
    thousands of misspelt keys."""
    try:
        return _cached_adapter(annotation)
    except TypeError:  # a type that cannot be a dictionary key
        return TypeAdapter(annotation)


@functools.lru_cache(maxsize=256)
def _cached_adapter(annotation: Any) -> TypeAdapter:
    return TypeAdapter(annotation)


def _at(model: Any, location: FieldPath) -> Any:
    current: Any = model
    for part in location:
        current = _step(current, part)
        if current is None:
            return None
    return current


_WORDS = {
    "bool": "true or false",
    "int": "a whole number",
    "float": "a number",
    "string": "text",
    "str": "text",
    "dict": "a mapping of fields",
    "list": "a list",
    "tuple": "a list",
    "date": "a date written YYYY-MM-DD",
}


MAPPING = "expected a mapping of fields"


def _message(item: dict[str, Any]) -> str:
    """Pydantic's error in the project's words; our own validators' messages pass through as written."""
    kind = item["type"]
    context = item.get("ctx") or {}
    if kind in ("model_type", "dict_type", "model_attributes_type", "dataclass_type"):
        return MAPPING
    if kind in ("list_type", "tuple_type", "iterable_type", "set_type"):
        return "expected a list"
    if kind == "literal_error":
        return f"'{item.get('input')}' is not allowed; {item['msg'].replace('Input should be', 'expected')}"
    if kind == "string_too_short":
        return f"too short: write at least {context.get('min_length')} characters"
    if kind == "string_too_long":
        return f"too long: write at most {context.get('max_length')} characters"
    if kind == "too_short":
        wanted = context.get("min_length")
        return f"give at least {wanted} entr{'y' if wanted == 1 else 'ies'} (this list is empty)"
    if kind == "too_long":
        return f"too many entries: at most {context.get('max_length')}"
    if kind == "value_error":
        return str(item["msg"]).removeprefix("Value error, ")
    if kind == "int_from_float":
        return "expected a whole number"
    if kind == "missing":
        return "missing"
    if kind not in _PYDANTIC_KINDS:
        # our own validators (PydanticCustomError kinds are ours) say what is wrong in full
        return str(item["msg"])
    what = next((words for prefix, words in _WORDS.items() if kind.startswith(prefix)), None)
    return f"expected {what}" if what else "not a valid value here"


# every error type pydantic itself raises: a message of one of these is rewritten, any other kind is ours
_PYDANTIC_KINDS = frozenset(typing.get_args(ErrorType))


def _decimal_comma(data: Any, location: FieldPath) -> str:
    """Why a key such as '5%' is there when it follows a whole number in a ``{...}`` mapping: a comma ends a value
    there, so ``{rate: 12,5%}`` reads as ``rate: 12`` and a key ``5%`` ('' when that is not the case)."""
    # only a rate's tail: YAML reads a key of digits alone as a number ('095' as 95), which could not be quoted back
    tail = re.fullmatch(r"([0-9]+)(%)", location[-1], re.ASCII) if isinstance(location[-1], str) else None
    if tail is None:
        return ""
    for part in location[:-1]:
        data = data[part] if _holds(data, part) else None
    if not isinstance(data, dict) or location[-1] not in data:
        return ""
    keys = list(data)
    place = keys.index(location[-1])
    before = data[keys[place - 1]] if place else None
    if not isinstance(before, int) or isinstance(before, bool):
        return ""
    read = f"{before},{tail.group(1)}%"
    meant = f"{before}.{tail.group(1)}%"
    return (
        f": a comma inside {{...}} ends a value, so '{read}' was read as {before} and a key '{location[-1]}' "
        f"(write {meant}, with a point)"
    )


def _holds(data: Any, part: Any) -> bool:
    """Whether ``data`` (a mapping or a list of the file) has ``part`` (a key or an index)."""
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _location(item: dict[str, Any], data: Any) -> FieldPath:
    """The path of a pydantic error in ``data`` (the validated document): its location without the names of union
    members that pydantic inserts into it (e.g. 'function-before[...]'). A part that names a key of ``data`` at that
    place is the file's own, whatever it looks like: a measure may be called 'function-x' or 'a[0]'."""
    location = []
    for part in item["loc"]:
        if _holds(data, part):
            data = data[part]
        elif _is_union_tag(part):
            continue
        else:
            data = None  # a missing or unknown field: nothing of the file below it
        location.append(part)
    return tuple(location)


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (("[" in part and "]" in part) or part.startswith("function-"))


def _fields_at(model: Any, location: tuple[Any, ...]) -> list[str]:
    """Names of the fields allowed at ``location`` inside ``model`` (best effort)."""
    current: Any = model
    for part in location:
        current = _step(current, part)
        if current is None:
            return []
    for candidate in _members(current):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return [field.alias or name for name, field in candidate.model_fields.items()]
    return []


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [member for argument in typing.get_args(annotation) for member in _members(argument)]
    return [annotation]


def _step(annotation: Any, part: Any) -> Any:
    for candidate in _members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            for name, field in candidate.model_fields.items():
                if part in (name, field.alias):
                    return field.annotation
        origin = typing.get_origin(candidate)
        if origin in (list, tuple) and isinstance(part, int):
            return typing.get_args(candidate)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(candidate)[1]
    return None
