"""Sourced facts: every number a bundled scenario uses, with its unit, date and sources.

``seeds/sources.yaml`` describes each source (publisher, title, date); ``seeds/facts.yaml``
holds the facts, each citing source ids. Scenarios refer to facts as ``{fact: id}`` so a
report can show where each number came from.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from simulator.inputs.locations import seeds_dir
from simulator.inputs.problems import InputError, Problem, did_you_mean
from simulator.inputs.quantities import Day
from simulator.inputs.schema import Strict, validate
from simulator.inputs.yaml_reader import read_document

Unit = Literal["percent", "USD bn", "days", "minutes", "years", "ratio", "event"]


class Source(Strict):
    """Where facts come from: a news article, an official text, a paper or a data set."""

    id: str = ""
    publisher: str
    title: str
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    author: str | None = None
    kind: Literal["news", "official", "research", "data"]
    confidence: Literal["high", "medium", "low"] = "high"
    url: str | None = None
    note: str | None = None

    def citation(self) -> str:
        """One line for a footnote: publisher, title, date."""
        by = f"{self.author}, " if self.author else ""
        return f"{by}{self.publisher}, \u201c{self.title}\u201d, {self.date}"


class Fact(Strict):
    """One documented number (or dated event) with its unit and sources."""

    id: str = ""
    value: float | None = None
    unit: Unit
    date: Day
    label: str | None = Field(default=None, max_length=48)
    description: str = Field(min_length=8, max_length=200)
    sources: list[str] = Field(min_length=1)
    derived: str | None = None
    confidence: Literal["high", "medium", "low"] | None = None

    @model_validator(mode="after")
    def _value_matches_unit(self) -> Fact:
        if self.unit == "event" and self.value is not None:
            raise ValueError("an event fact has a date but no value")
        if self.unit != "event" and self.value is None:
            raise ValueError(f"a fact in {self.unit} needs a value")
        return self

    @property
    def display(self) -> str:
        """The value with its unit, as a reader expects it: '145%', '$438.7bn', '90 days'."""
        if self.value is None:
            return self.date.isoformat()
        if self.unit == "percent":
            return f"{self.value:g}%"
        if self.unit == "USD bn":
            return f"${self.value:,.1f}bn"
        if self.unit == "ratio":
            return f"{self.value:g}"
        return f"{self.value:g} {self.unit}"


class _SourcesFile(Strict):
    sources: dict[str, Source]


class _FactsFile(Strict):
    facts: dict[str, Fact]


@functools.lru_cache(maxsize=4)
def load_sources(folder: Path | None = None) -> dict[str, Source]:
    """Sources by id from ``seeds/sources.yaml``."""
    document = read_document((folder or seeds_dir()) / "sources.yaml", trusted=True).nested("sources")
    parsed = validate(_SourcesFile, document)
    return {key: source.model_copy(update={"id": key}) for key, source in parsed.sources.items()}


@functools.lru_cache(maxsize=4)
def load_facts(folder: Path | None = None) -> dict[str, Fact]:
    """Facts by id from ``seeds/facts.yaml``, each checked to cite known sources."""
    folder = folder or seeds_dir()
    sources = load_sources(folder)
    document = read_document(folder / "facts.yaml", trusted=True).nested("facts")
    parsed = validate(_FactsFile, document)
    problems: list[Problem] = []
    for key, fact in parsed.facts.items():
        for index, source in enumerate(fact.sources):
            if source not in sources:
                hint = did_you_mean(source, sources)
                problems.append(
                    document.problem(("facts", key, "sources", index), f"unknown source id '{source}'{hint}")
                )
    if problems:
        raise InputError(problems)
    return {key: fact.model_copy(update={"id": key}) for key, fact in parsed.facts.items()}


def balance_2024() -> float:
    """The 2024 US goods balance with China [USD bn], the line every balance chart is read against."""
    return float(load_facts()["us-balance-with-china-2024"].value)  # type: ignore[arg-type]
