"""The data files of a report folder: column names that state their units, and a README saying how to read them.

Conventions (the same in every folder):

- headers are snake_case and end in their unit: ``_usd_bn_per_month``, ``_usd_bn`` (a sum over a year),
  ``_percent``, ``_days``, ``_months``; names that are their own unit (``year``, ``months_ahead``) and text
  columns have none; the tidy tables (``projection*.csv``) carry the unit of each value in a ``unit`` column;
- dates are ISO (``2025-04-10``; months and years by their first day), which ``pandas.read_csv(parse_dates=...)``
  reads as ``datetime64``;
- files named as in a point run hold the point projection, in Monte Carlo runs too; ``-quantiles`` files hold the
  draws' quantiles, with the level [%] in a ``quantile`` column.

Each folder's ``README.md`` lists every data file with its columns and the ``parse_dates`` and ``dtype`` map that
reads it, taken from the frames as written, so it cannot drift from the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulator.model.result import Result
from simulator.model.variables import VARIABLES, unit
from simulator.outputs.text import clean

README = "README.md"
"""The file in each report folder that says how to read its data files."""


def unit_suffix(text: str) -> str:
    """A unit as a column-name suffix: ``USD bn/month`` → ``usd_bn_per_month``, ``%`` → ``percent``."""
    words = text.replace("%", " percent ").replace("/", " per ").lower()
    return "_".join(re.findall(r"[a-z0-9]+", words))


def column(name: str, unit_text: str) -> str:
    """A column name that ends in its unit: ``us_imports_from_china_usd_bn_per_month``."""
    return f"{name}_{unit_suffix(unit_text)}" if unit_text else name


def variable_frame(frame: pd.DataFrame, frequency: str) -> pd.DataFrame:
    """A result frame (``monthly``, ``annual`` or ``daily``) with each variable's unit in its column name."""
    return frame.rename(columns={name: column(name, unit(name, frequency)) for name in frame.columns})


def point_result(result: Result) -> Result:
    """The point projection behind a result: the result itself, or a Monte Carlo result without its draws."""
    return result if result.uncertainty is None else Result(result.scenario, result.days, result.series)


def percent_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of rates [%] (such as the daily tariff paths) with ``_percent`` on every column name."""
    return frame.rename(columns=lambda name: column(str(name), "%"))


@dataclass(frozen=True)
class DataFile:
    """A data file as written: its name, what it holds, its columns with their dtypes, and its date columns."""

    name: str
    what: str
    dtypes: dict[str, str]
    dates: tuple[str, ...]


def write_csv(
    frame: pd.DataFrame, path: Path, what: str, *, index: bool = True, float_format: str = "%.6f"
) -> DataFile:
    """Write ``frame`` as CSV (its index too, when ``index`` and named) and describe it for the folder's README."""
    if index and any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    frame = clean_text(frame)
    frame.to_csv(path, index=False, float_format=float_format)
    return describe(frame, path.name, what)


def clean_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell cleaned (:func:`simulator.outputs.text.clean`): a scenario id or a label with a
    control character must not reach a spreadsheet or a terminal that shows the file."""
    texts = [
        name
        for name, kind in frame.dtypes.items()
        if pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind)
    ]
    changed = {}
    for name in texts:
        # each distinct value once: a tidy table repeats a few ids and units over many rows
        cleaned = {value: clean(value) for value in frame[name].dropna().unique() if isinstance(value, str)}
        if any(value != text for value, text in cleaned.items()):
            changed[str(name)] = frame[name].map(lambda cell, cleaned=cleaned: cleaned.get(cell, cell))
    return frame.assign(**changed) if changed else frame


def describe(frame: pd.DataFrame, name: str, what: str) -> DataFile:
    """The dtype map and date columns that read ``frame`` back from CSV."""
    dates = tuple(str(label) for label, kind in frame.dtypes.items() if pd.api.types.is_datetime64_any_dtype(kind))
    dtypes = {str(label): _dtype(kind) for label, kind in frame.dtypes.items() if str(label) not in dates}
    return DataFile(name, what, dtypes, dates)


def _dtype(kind) -> str:
    if pd.api.types.is_bool_dtype(kind):
        return "bool"
    if pd.api.types.is_integer_dtype(kind):
        return "int64"
    if pd.api.types.is_float_dtype(kind):
        return "float64"
    return "string"


def conventions(names: list[str]) -> str:
    """The conventions a folder's README states first, for the data files ``names`` it holds (a point run's README
    says nothing of quantile files it does not have)."""
    tidy = [f"`{name}`" for name in names if name.startswith(("projection", "sweep")) and name.endswith(".csv")]
    text = (
        "Headers are snake_case and end in their unit (`_usd_bn_per_month`, `_usd_bn` for a sum over a year, "
        "`_percent`, `_days`, `_months`)"
    )
    if tidy:
        text += f"; the tidy table{'s' if len(tidy) > 1 else ''} ({', '.join(tidy)}) give"
        text += f"{'' if len(tidy) > 1 else 's'} each value's unit in `unit`"
    text += ". Dates are ISO (months and years by their first day)."
    if any("-quantiles" in name for name in names):
        text += (
            " Files named as in a point run hold the point projection, in Monte Carlo runs too; `-quantiles` files "
            "hold the quantiles of the draws, with the level [%] in `quantile`."
        )
    return text + " Each file reads back with the `parse_dates` and `dtype` shown:"


def readme(title: str, files: list[DataFile]) -> str:
    """The folder's ``README.md``: the conventions, then per data file what it holds and how to read it."""
    lines = [
        f"# Data files: {title}",
        "",
        conventions([item.name for item in files]),
        "",
        "```python",
        "import pandas as pd",
        "```",
    ]
    for item in files:
        lines += [
            "",
            f"## `{item.name}`",
            "",
            item.what,
            "",
            "```python",
            f"pd.read_csv({item.name!r}, parse_dates={list(item.dates)!r}, dtype={item.dtypes!r})",
            "```",
        ]
    lines += [
        "",
        "## Variables",
        "",
        (
            "Each variable by the name the `variable` column of `projection*.csv` gives it, with its monthly unit; "
            "in `monthly*.csv` the column's name ends with that unit (`_usd_bn_per_month`, `_percent`):"
        ),
        "",
    ]
    lines += [
        f"- `{name}`: {spec.label} [{spec.unit('monthly')}]. {spec.description}" for name, spec in VARIABLES.items()
    ]
    return "\n".join(lines) + "\n"
