"""The estimation: the bundled defaults are its output, its intervals cover on simulated data, and the
rolling-origin backtest kept in seeds/ is the one the current data and model give."""

import dataclasses
import itertools
import os

import numpy as np
import pytest

from simulator.inputs.estimates import load_estimates
from simulator.inputs.parameters import PARAMETERS, default_parameters
from simulator.model import estimation, noise
from simulator.model.estimation import MECHANISMS, SWITCHED_OFF, Record, fit, monthly
from simulator.uncertainty import rolling_origin, scores


@pytest.fixture(scope="module")
def bundled_fit():
    return fit()


def test_the_bundled_estimates_are_what_simulate_fit_gives_on_the_bundled_data(bundled_fit):
    stored = load_estimates()
    assert stored is not None, "seeds/estimates.yaml is missing: run `simulate fit`"
    assert stored.checksum == estimation.data_checksum(), "the data changed since the last fit: run `simulate fit`"
    assert stored.names == bundled_fit.estimates.names
    assert np.allclose(stored.mode, bundled_fit.estimates.mode, atol=1e-3), "run `simulate fit` again"
    assert np.allclose(stored.covariance, bundled_fit.estimates.covariance, rtol=0.05, atol=1e-4)
    assert stored.anchors == pytest.approx(bundled_fit.estimates.anchors, abs=1e-3)
    assert stored.held == {name: value for mechanism in SWITCHED_OFF for name, value in MECHANISMS[mechanism].items()}


def test_the_fit_shows_its_estimates_in_the_units_a_scenario_writes(bundled_fit):
    frame = bundled_fit.frame().set_index("parameter")
    assert list(frame.index) == list(bundled_fit.estimates.names)
    lapse = frame.loc["truce_lapse_probability"]
    # a percentage as a scenario writes it (68.5), not as the model holds it (0.685)
    assert lapse.estimate == pytest.approx(100 * bundled_fit.estimates.value("truce_lapse_probability"))
    assert (lapse.low, lapse.high) == pytest.approx(
        tuple(100 * bound for bound in bundled_fit.estimates.interval("truce_lapse_probability"))
    )
    assert lapse.unit == "percent" and lapse.label == "chance a truce lapses"
    days = frame.loc["adjustment_days"]
    assert days.estimate == pytest.approx(bundled_fit.estimates.value("adjustment_days")) and days.unit == "days"
    assert (frame.low < frame.estimate).all() and (frame.estimate < frame.high).all()


def test_the_registry_defaults_are_the_estimates_and_held_values():
    stored = load_estimates()
    defaults = default_parameters().numbers()
    for name in stored.names:
        assert defaults[name] == pytest.approx(stored.value(name), rel=1e-12), name
        low, high = stored.interval(name)
        spec = PARAMETERS[name]
        bounds = spec.estimated.bounds or spec.rules.domain
        assert spec.low * spec.rules.scale == pytest.approx(max(low, bounds[0] * spec.rules.scale), rel=1e-9)
        assert spec.high * spec.rules.scale == pytest.approx(min(high, bounds[1] * spec.rules.scale), rel=1e-9)
    for name, value in stored.held.items():
        assert defaults[name] == value and PARAMETERS[name].low == PARAMETERS[name].high


def test_every_estimated_parameter_has_a_prior_with_a_source_range():
    for name, spec in PARAMETERS.items():
        if spec.estimated is None:
            continue
        low, high = spec.estimated.supported
        assert low <= high, name
        assert spec.prior_spread() > 0, name
        assert spec.facts, name


def test_the_ar1_likelihood_is_the_product_of_its_conditional_normals():
    residuals = np.array([0.1, -0.05, 0.2, 0.0])
    spread, rho = 0.1, 0.5
    stationary = spread / np.sqrt(1 - rho**2)
    expected = -0.5 * np.log(2 * np.pi * stationary**2) - 0.5 * (0.1 / stationary) ** 2
    for before, now in itertools.pairwise(residuals):
        expected += -0.5 * np.log(2 * np.pi * spread**2) - 0.5 * ((now - rho * before) / spread) ** 2
    assert estimation.ar1_log_likelihood(residuals, spread, rho) == pytest.approx(expected, rel=1e-12)


def test_the_fit_improves_on_the_prior_centre_and_reproduces_the_2025_record_within_its_noise(bundled_fit):
    setup = bundled_fit.setup
    at_prior = estimation.negative_log_posterior(setup.prior_mean, setup)
    assert -bundled_fit.log_posterior < at_prior - 5
    imports, exports = bundled_fit.residuals
    assert np.sqrt(np.mean(imports**2)) < 0.10
    assert np.sqrt(np.mean(exports**2)) < 0.20
    # the 2025 totals come within 3% of the Census totals
    model_imports = setup.record.imports / np.exp(imports)
    model_exports = setup.record.exports / np.exp(exports)
    year = setup.record.months.astype("datetime64[Y]") == np.datetime64("2025", "Y")
    assert model_imports[year].sum() == pytest.approx(setup.record.imports[year].sum(), rel=0.03)
    # exports run 10% high in 2025 and 5% low in January to April 2026: the record has them fall further under
    # China's 2025 rates, and recover less after its November 2025 cut, than one response to both allows
    assert model_exports[year].sum() == pytest.approx(setup.record.exports[year].sum(), rel=0.11)
    later = setup.record.months >= np.datetime64("2026-01", "M")
    assert model_exports[later].sum() == pytest.approx(setup.record.exports[later].sum(), rel=0.08)


def test_a_switched_off_mechanism_is_held_at_its_neutral_value():
    for mechanism, held in MECHANISMS.items():
        names = estimation.estimated_names((mechanism,))
        assert not set(held) & set(names), mechanism
        prepared = estimation.setup(Record.up_to("2025-06"), switched_off=(mechanism,))
        for name, value in held.items():
            assert prepared.fixed[name] == value


def test_forecast_spreads_are_widened_by_the_parameters_the_record_determined():
    stored = load_estimates()
    months = int((stored.anchor_month - stored.first_month).astype(int)) + 1
    assert months == 16
    mean = [name for name in stored.names if name not in noise.PARAMETERS]
    priors = np.array([PARAMETERS[name].prior_spread() for name in stored.names])
    # nothing learned (the posterior is the prior): no widening
    unlearned = dataclasses.replace(stored, covariance=np.diag(priors**2))
    assert noise.spread_widening(unlearned) == pytest.approx(1.0)
    # every mean parameter pinned down by the record: n = 32 values less one per parameter
    learned = dataclasses.replace(stored, covariance=np.zeros_like(stored.covariance))
    assert noise.spread_widening(learned) == pytest.approx(np.sqrt(32 / (32 - len(mean))))
    # the bundled fit: about 4.4 effective parameters, 8% wider
    assert noise.spread_widening(stored) == pytest.approx(1.0771, abs=1e-3)


# ---------------------------------------------------------------- coverage on simulated data

REPLICATIONS = 16
LEVEL = 90


def simulated_record(truth: dict, prepared: estimation.Setup, generator: np.random.Generator, months: int):
    """Census-like months drawn from the model at ``truth`` with AR(1) deviations: the first ``months`` months."""
    imports, exports = monthly(prepared, truth)
    rows = prepared.fitted_rows[:months]
    found = {}
    for flow, values, spread in (("imports", imports, "import_noise"), ("exports", exports, "export_noise")):
        path = noise.innovations(generator, 1, len(rows), truth[spread], truth["noise_persistence"])[0]
        found[flow] = values[rows] * np.exp(path)
    return Record(prepared.record.months[:months], found["imports"], found["exports"])


def test_forecast_ranges_cover_simulated_truth_at_their_nominal_rate():
    """Generate months from the model with known parameters, fit the first nine, forecast the next three.

    Over the replications the 90% ranges of the forecasts must hold the simulated months at a
    rate consistent with 90% (within three Monte Carlo standard errors), and the 90% posterior
    intervals of the parameters must hold the true values as often.
    """
    stored = load_estimates()
    truth = dict(default_parameters().numbers())
    full = estimation.setup(Record.up_to(), months_ahead=0)
    generator = np.random.default_rng(20251)
    inside_forecasts, inside_parameters = [], []
    for _ in range(REPLICATIONS):
        record = simulated_record(truth, full, generator, 12)
        fitted = fit(
            record=dataclasses.replace(
                record, months=record.months[:9], imports=record.imports[:9], exports=record.exports[:9]
            ),
            months_ahead=3,
            start=truth,
        )
        setup = fitted.setup
        grid_months = setup.paths.days[setup.month_starts].astype("datetime64[M]")
        rows = np.searchsorted(grid_months, record.months[9:12])
        origin = int(np.searchsorted(grid_months, record.months[8]))
        draws = rolling_origin.forecast_draws(fitted, origin, rows, generator, 300)
        for flow, actual in (("imports", record.imports[9:12]), ("exports", record.exports[9:12])):
            low, high = np.percentile(draws[flow], [5, 95], axis=0)
            inside_forecasts += list((low <= actual) & (actual <= high))
        for name in stored.names:
            low, high = fitted.estimates.interval(name)
            inside_parameters.append(low <= truth[name] <= high)
    for inside in (inside_forecasts, inside_parameters):
        rate = float(np.mean(inside))
        error = np.sqrt(0.9 * 0.1 / len(inside))
        assert abs(rate - 0.9) < 3 * error + 0.02, rate


# ---------------------------------------------------------------- the rolling-origin backtest


def test_the_kept_backtest_is_current():
    assert scores.is_current(), "the data or the model changed: run `simulate backtest --refresh`"


def test_one_origin_of_the_kept_backtest_recomputes_to_the_same_forecasts():
    _, kept = scores.read_cache()
    origin = "2025-08"
    fitted = fit(origin, SWITCHED_OFF, months_ahead=scores.HORIZONS)
    imports, _ = monthly(fitted.setup, fitted.parameters)
    grid_months = fitted.setup.paths.days[fitted.setup.month_starts].astype("datetime64[M]")
    rho = fitted.parameters["noise_persistence"]
    for row in kept:
        if row.variant == scores.FULL and row.origin == origin and row.flow == "imports":
            value = imports[np.searchsorted(grid_months, np.datetime64(row.month, "M"))]
            expected = value * np.exp(fitted.estimates.anchors["imports"] * rho**row.horizon)
            assert row.model == pytest.approx(expected, rel=1e-3)


def test_naive_benchmarks_are_last_value_and_last_year_scaled_by_the_latest_ratio():
    months = np.arange(np.datetime64("2024-01", "M"), np.datetime64("2025-07", "M"))
    values = np.arange(1.0, len(months) + 1)
    last, seasonal = rolling_origin.benchmarks(
        months, values, np.datetime64("2025-03", "M"), np.datetime64("2025-05", "M")
    )
    assert last == 15.0  # March 2025 is the 15th month
    assert seasonal == pytest.approx(5.0 * 15.0 / 3.0)  # May 2024 × March 2025 / March 2024


def test_the_docs_tables_are_the_current_estimates_and_backtest(bundled_fit):
    from pathlib import Path

    from simulator.outputs.skill import docs_blocks, with_blocks

    docs = Path(__file__).resolve().parents[1] / "docs" / "model.md"
    text = docs.read_text(encoding="utf-8")
    _, kept = scores.read_cache()
    assert text == with_blocks(text, docs_blocks(bundled_fit, kept)), "regenerate the tables: python docs/tables.py"


def test_the_kept_backtest_is_read_again_when_the_file_changes(tmp_path):
    """Each scenario of a run asks for the kept backtest, which is parsed once per version of the file; a file written
    again is read again, and a caller changing its list changes nobody else's."""
    _, kept = scores.read_cache()
    path = tmp_path / "backtest.json"
    scores.write_cache(kept[:3], "first", path)
    key, forecasts = scores.read_cache(path)
    assert (key, forecasts) == ("first", kept[:3])
    forecasts.clear()
    assert scores.read_cache(path) == ("first", kept[:3])
    scores.write_cache(kept[:5], "second", path)
    assert scores.read_cache(path) == ("second", kept[:5])
    path.unlink()
    assert scores.read_cache(path) is None


def test_the_kept_backtest_rewritten_at_the_same_size_and_time_is_read_again(tmp_path):
    """The parse was kept by the file's modification time and size: a backtest rewritten to the same length within
    the clock's step (or with its time put back) was served from the earlier parse."""
    _, kept = scores.read_cache()
    path = tmp_path / "backtest.json"
    scores.write_cache(kept[:3], "first", path)
    stamp = path.stat()
    assert scores.read_cache(path) == ("first", kept[:3])
    scores.write_cache(kept[:3], "other", path)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_size == stamp.st_size
    assert scores.read_cache(path) == ("other", kept[:3])
