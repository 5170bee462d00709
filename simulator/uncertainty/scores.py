"""The rolling-origin backtest's forecasts, their scores and their kept copy, without the estimation.

Reports and pages read the kept backtest (``seeds/backtest.json``) and score it; computing it is
:mod:`simulator.uncertainty.rolling_origin`'s business, which needs the estimation (and scipy). Kept apart, a
report costs no scipy import.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.inputs.locations import project_root, seeds_dir

HORIZONS = 6
"""Months ahead scored from each origin."""

LEVELS = (50, 90)
"""The central forecast ranges whose coverage is scored [%]."""

CACHE_FILE = "backtest.json"

KEY_FILES = (
    "seeds/us_china_goods_trade_monthly.csv",
    "seeds/parameters.yaml",
    "seeds/facts.yaml",
    "scenarios/documented-2025.yaml",
    "simulator/model/trade.py",
    "simulator/model/projection.py",
    "simulator/model/tariff_paths.py",
    "simulator/model/timeline.py",
    "simulator/model/noise.py",
    "simulator/model/estimation.py",
    "simulator/uncertainty/rolling_origin.py",
)
"""Everything the backtest's numbers depend on: a change to any of them makes the cache stale."""

FLOWS = ("imports", "exports")
BENCHMARKS = ("last value", "seasonal naive")
FULL = "full model"


@dataclass(frozen=True)
class Forecast:
    """One scored month: a flow ``horizon`` months after ``origin`` [USD bn/month].

    ``model`` is the point forecast of the model variant ``variant`` (``full model`` or
    ``without <mechanism>``); the ranges exist for the full model only.
    """

    variant: str
    flow: str
    origin: str
    horizon: int
    month: str
    actual: float
    model: float
    last_value: float
    seasonal_naive: float
    low50: float | None = None
    high50: float | None = None
    low90: float | None = None
    high90: float | None = None


@dataclass(frozen=True)
class Score:
    """Skill of one forecaster for one flow and horizon over all origins [%]."""

    variant: str
    flow: str
    horizon: int
    count: int
    mape: float
    bias: float
    coverage50: float | None = None
    coverage90: float | None = None


def scores(forecasts: list[Forecast]) -> list[Score]:
    """MAPE and bias per variant (and benchmark), flow and horizon; coverage of the ranges for the full model."""
    found = []
    variants_seen = list(dict.fromkeys(item.variant for item in forecasts))
    for variant in [*variants_seen, *BENCHMARKS]:
        source = FULL if variant in BENCHMARKS else variant
        for flow in FLOWS:
            for horizon in range(1, HORIZONS + 1):
                rows = [f for f in forecasts if f.variant == source and f.flow == flow and f.horizon == horizon]
                if not rows:
                    continue
                actual = np.array([row.actual for row in rows])
                column = {"last value": "last_value", "seasonal naive": "seasonal_naive"}.get(variant, "model")
                predicted = np.array([getattr(row, column) for row in rows])
                errors = predicted / actual - 1.0
                coverage = {}
                if variant == FULL and rows[0].low50 is not None:
                    for level in LEVELS:
                        inside = [getattr(r, f"low{level}") <= r.actual <= getattr(r, f"high{level}") for r in rows]
                        coverage[f"coverage{level}"] = 100.0 * float(np.mean(inside))
                found.append(
                    Score(
                        variant,
                        flow,
                        horizon,
                        len(rows),
                        100.0 * float(np.mean(np.abs(errors))),
                        100.0 * float(np.mean(errors)),
                        **coverage,
                    )
                )
    return found


def coverage(forecasts: list[Forecast], level: int) -> float:
    """Share of held-out months of both flows inside the full model's ``level``% range [%]."""
    rows = [f for f in forecasts if f.variant == FULL and f.low50 is not None]
    inside = [getattr(r, f"low{level}") <= r.actual <= getattr(r, f"high{level}") for r in rows]
    return 100.0 * float(np.mean(inside)) if inside else float("nan")


# ---------------------------------------------------------------- the cache


def cache_key(root: Path | None = None) -> str:
    """SHA-256 over the files in :data:`KEY_FILES` (names and contents)."""
    root = root or project_root()
    digest = hashlib.sha256()
    for name in KEY_FILES:
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def cache_path() -> Path:
    return seeds_dir() / CACHE_FILE


def read_cache(path: Path | None = None) -> tuple[str, list[Forecast]] | None:
    """The cached backtest and its key, or None when there is none, or it cannot be read or is not a backtest (cut
    short, hand-edited): a kept copy only spares a recomputation, so a damaged one counts as none and is computed
    again (or reported missing) rather than stopping the run."""
    path = path or cache_path()
    try:
        content = path.read_bytes()
    except OSError:
        return None
    try:
        key, forecasts = _read_cache(content)
    except (ValueError, TypeError, KeyError):
        return None
    return key, list(forecasts)


@functools.lru_cache(maxsize=4)
def _read_cache(content: bytes) -> tuple[str, tuple[Forecast, ...]]:
    """The file parsed once for each version of it: every scenario of a run asks for it, and parsing it cost 7 ms a
    time. Keyed by the bytes themselves, not the file's time and size, which a rewrite of the same size within the
    clock's step leaves alike."""
    parsed = json.loads(content)
    key, rows = parsed["key"], parsed["forecasts"]
    if not isinstance(key, str) or not isinstance(rows, list):
        raise TypeError("not a kept backtest")
    return key, tuple(_forecast(row) for row in rows)


def _forecast(row: dict) -> Forecast:
    """A kept row as a :class:`Forecast`; TypeError if a field is missing, unknown or of another type."""
    forecast = Forecast(**row)
    for name, kind in Forecast.__annotations__.items():
        value = getattr(forecast, name)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        fits = {"str": isinstance(value, str), "int": number and isinstance(value, int), "float": number}
        if not fits.get(kind.removesuffix(" | None"), False) and not (kind.endswith("| None") and value is None):
            raise TypeError(f"{name} is {value!r}")
    return forecast


def write_cache(forecasts: list[Forecast], key: str, path: Path | None = None) -> Path:
    """Store a backtest under ``key`` (written whole, then moved into place)."""
    path = path or cache_path()
    rows = [{name: getattr(row, name) for name in Forecast.__dataclass_fields__} for row in forecasts]
    text = json.dumps({"key": key, "forecasts": rows}, indent=1)
    partial = path.with_suffix(".json.partial")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def is_current() -> bool:
    """Whether the cached backtest was computed from the current data and model."""
    cached = read_cache()
    return cached is not None and cached[0] == cache_key()
