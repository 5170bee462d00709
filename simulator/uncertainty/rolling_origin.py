"""Out-of-sample skill: the rolling-origin backtest of the estimated model against two naive forecasts.

For each origin month from :data:`FIRST_ORIGIN` to the month before the last observed one,
the model is estimated on the record up to the origin only, then projected forward with the
tariff path that actually followed; the months 1 to :data:`HORIZONS` ahead that the record
holds are scored. The benchmarks are the last observed value, and the same month a year
earlier scaled by the latest year-on-year ratio. Forecast ranges come from draws of the
parameters from that origin's posterior plus the AR(1) deviations still to come, started
from the origin month's own deviation, so the 50% and 90% ranges are forecast intervals.

The backtest takes minutes; :func:`cached_backtest` keeps its result in ``seeds/backtest.json``
under a key of everything it depends on (data, priors, path, model code).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.inputs.locations import project_root, seeds_dir
from simulator.model import noise
from simulator.model.estimation import MECHANISMS, SWITCHED_OFF, Fit, fit, monthly
from simulator.model.observed import observed

FIRST_ORIGIN = np.datetime64("2025-03", "M")
"""The first origin: two 2025 months observed, one of them under the new duties."""

HORIZONS = 6
"""Months ahead scored from each origin."""

DRAWS = 400
"""Draws per origin for the forecast ranges."""

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


def benchmarks(history_months: np.ndarray, values: np.ndarray, origin: np.datetime64, month: np.datetime64):
    """The two naive forecasts of ``month`` made at ``origin``: last value, and last year's month × latest y/y."""
    index = {m: i for i, m in enumerate(history_months.tolist())}
    at = values[index[origin.item()]]
    year_ago = values[index[(origin - 12).item()]]
    base = values[index[(month - 12).item()]]
    return float(at), float(base * at / year_ago)


def forecast_draws(estimation: Fit, origin_row: int, rows: np.ndarray, generator: np.random.Generator, count: int):
    """Forecast draws of both flows for grid ``rows`` after the origin [USD bn/month], draws × months each.

    Parameters come jointly from the origin's posterior; each draw starts from its own deviation
    at the origin (the record less that draw's model) and adds AR(1) innovations, their spread widened for the
    parameters the origin's fit learned from the same months (:func:`simulator.model.noise.spread_widening`).
    """
    setup = estimation.setup
    drawn = estimation.estimates.draw(generator, count)
    parameters = {**estimation.parameters, **drawn}
    imports, exports = monthly(setup, parameters)
    record = setup.record
    widening = noise.spread_widening(estimation.estimates)
    results = {}
    for flow, values, actual, spread in (
        ("imports", imports, record.imports[-1], parameters["import_noise"]),
        ("exports", exports, record.exports[-1], parameters["export_noise"]),
    ):
        rho = np.broadcast_to(parameters["noise_persistence"], (count,))
        start = np.log(actual) - np.log(values[:, origin_row])
        ahead = np.arange(1, len(rows) + 1)
        path = noise.innovations(generator, count, len(rows), np.asarray(spread) * widening, rho)
        results[flow] = values[:, rows] * np.exp(start[:, None] * rho[:, None] ** ahead + path)
    return results


def origins(last_observed: np.datetime64) -> list[np.datetime64]:
    """Origin months: from :data:`FIRST_ORIGIN` to the month before the last observed one."""
    return [FIRST_ORIGIN + step for step in range(int((last_observed - FIRST_ORIGIN).astype(int)))]


def variants(switched_off: Iterable[str] = SWITCHED_OFF) -> dict[str, tuple[str, ...]]:
    """The model variants scored: the bundled model, and the bundled model without each mechanism it keeps.

    A mechanism the bundled model leaves out is scored added back (``with <mechanism>``).
    """
    kept = [name for name in MECHANISMS if name not in switched_off]
    found = {FULL: tuple(switched_off)}
    for name in kept:
        found[f"without {name}"] = (*switched_off, name)
    for name in switched_off:
        found[f"with {name}"] = tuple(other for other in switched_off if other != name)
    return found


Progress = Callable[[int, int], None]


def rolling_origin(
    draws: int = DRAWS, seed: int = 2025, progress: Progress | None = None, with_variants: bool = True
) -> list[Forecast]:
    """Score every origin, horizon and flow for the full model (with ranges) and each variant (point only)."""
    history = observed()
    last = history.months[-1]
    chosen = variants() if with_variants else {FULL: tuple(SWITCHED_OFF)}
    steps = [(name, origin) for name in chosen for origin in origins(last)]
    sequence = np.random.SeedSequence(seed)
    streams = iter(sequence.spawn(len(steps)))
    found: list[Forecast] = []
    for done, (name, origin) in enumerate(steps, start=1):
        estimation = fit(origin, chosen[name], months_ahead=HORIZONS)
        setup = estimation.setup
        months = [origin + ahead for ahead in range(1, HORIZONS + 1) if origin + ahead <= last]
        grid_months = setup.paths.days[setup.month_starts].astype("datetime64[M]")
        rows = np.searchsorted(grid_months, months)
        origin_row = int(np.searchsorted(grid_months, origin))
        imports, exports = monthly(setup, estimation.parameters)
        generator = np.random.default_rng(next(streams))
        ranges = forecast_draws(estimation, origin_row, rows, generator, draws) if name == FULL else None
        rho = estimation.parameters["noise_persistence"]
        for flow, values, record_values, anchor in (
            ("imports", imports, history.imports, estimation.estimates.anchors["imports"]),
            ("exports", exports, history.exports, estimation.estimates.anchors["exports"]),
        ):
            for column, (row, month) in enumerate(zip(rows, months, strict=True)):
                ahead = column + 1
                actual = float(record_values[np.searchsorted(history.months, month)])
                last_value, seasonal = benchmarks(history.months, record_values, origin, month)
                bands = {}
                if ranges is not None:
                    spread = ranges[flow][:, column]
                    for level in LEVELS:
                        tail = (100 - level) / 2
                        bands[f"low{level}"] = float(np.percentile(spread, tail))
                        bands[f"high{level}"] = float(np.percentile(spread, 100 - tail))
                found.append(
                    Forecast(
                        name,
                        flow,
                        str(origin),
                        ahead,
                        str(month),
                        actual,
                        float(values[row] * np.exp(anchor * rho**ahead)),
                        last_value,
                        seasonal,
                        **bands,
                    )
                )
        if progress is not None:
            progress(done, len(steps))
    return found


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
    """The cached backtest and its key, or None when there is none."""
    path = path or cache_path()
    if not path.exists():
        return None
    content = json.loads(path.read_text(encoding="utf-8"))
    return content["key"], [Forecast(**row) for row in content["forecasts"]]


def write_cache(forecasts: list[Forecast], key: str, path: Path | None = None) -> Path:
    """Store a backtest under ``key`` (written whole, then moved into place)."""
    path = path or cache_path()
    rows = [{name: getattr(row, name) for name in Forecast.__dataclass_fields__} for row in forecasts]
    text = json.dumps({"key": key, "forecasts": rows}, indent=1)
    partial = path.with_suffix(".json.partial")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def cached_backtest(refresh: bool = False, progress: Progress | None = None) -> tuple[list[Forecast], bool]:
    """The backtest for the current data and model: from the cache when its key matches, else computed and stored.

    Returns the forecasts and whether they were computed now.
    """
    key = cache_key()
    cached = read_cache()
    if cached is not None and cached[0] == key and not refresh:
        return cached[1], False
    forecasts = rolling_origin(progress=progress)
    write_cache(forecasts, key)
    return forecasts, True


def is_current() -> bool:
    """Whether the cached backtest was computed from the current data and model."""
    cached = read_cache()
    return cached is not None and cached[0] == cache_key()
