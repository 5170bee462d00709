"""Validate parsed documents against pydantic models and report located problems.

Pydantic gives each error a location tuple; we map it back to the YAML line and column
kept by :class:`~simulator.inputs.yaml_reader.Document`, and turn unknown keys into
"did you mean" hints by walking the model's field types along that location.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from simulator.inputs.problems import InputError, Problem, did_you_mean, expected_one_of
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
        raise InputError(problems_from(error, model, document)) from None


def problems_from(error: ValidationError, model: type[BaseModel], document: Document) -> list[Problem]:
    """Translate pydantic errors into located problems with messages written for analysts."""
    problems = []
    for item in error.errors(include_url=False):
        location = tuple(part for part in item["loc"] if not _is_union_tag(part))
        kind = item["type"]
        if kind == "extra_forbidden":
            key = str(location[-1])
            allowed = _fields_at(model, location[:-1])
            message = f"unknown key '{key}'{did_you_mean(key, allowed)}"
            if allowed:
                message += f"; {expected_one_of(allowed)}"
            problems.append(document.problem(location, message, key=True))
        elif kind == "missing":
            problems.append(document.problem(location[:-1], f"missing required field '{location[-1]}'"))
        else:
            problems.append(document.problem(location, _message(item)))
    return problems


def _message(item: dict[str, Any]) -> str:
    kind = item["type"]
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "expected a mapping of fields"
    if kind == "list_type":
        return "expected a list"
    if kind in ("string_type", "str_type"):
        return "expected text"
    if kind == "literal_error":
        return f"'{item.get('input')}' is not allowed; {item['msg'].replace('Input should be', 'expected')}"
    message = item["msg"]
    return message.removeprefix("Value error, ")


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the union member's name (e.g. 'function-before[...]') into locations
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
