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

from collections.abc import Callable, Iterable

import numpy as np

from simulator.model import noise
from simulator.model.estimation import MECHANISMS, SWITCHED_OFF, Fit, fit, monthly
from simulator.model.observed import observed
from simulator.uncertainty.scores import (
    FULL,
    HORIZONS,
    LEVELS,
    Forecast,
    cache_key,
    read_cache,
    write_cache,
)

FIRST_ORIGIN = np.datetime64("2025-03", "M")
"""The first origin: two 2025 months observed, one of them under the new duties."""

DRAWS = 400
"""Draws per origin for the forecast ranges."""


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
