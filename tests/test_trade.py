"""The projection engine: calibration, backtest, and model invariants."""

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.api import run, scenario_from_data
from simulator.inputs.parameters import default_parameters
from simulator.model import trade
from simulator.model.backtest import backtest
from simulator.model.estimation import MECHANISMS
from simulator.model.projection import project
from simulator.model.result import Result
from simulator.model.tariff_paths import TariffPaths, day_grid
from simulator.model.variables import FLOWS, RATES


@pytest.fixture(scope="module")
def baseline():
    return run("baseline-2024")


@pytest.fixture(scope="module")
def documented():
    return run("documented-2025")


def test_baseline_reproduces_2024_census_flows(baseline):
    year = baseline.annual.loc["2024-01-01"]
    assert year["us_imports_from_china"] == pytest.approx(438.742, rel=0.005)
    assert year["us_exports_to_china"] == pytest.approx(143.2266, rel=0.005)
    assert year["us_trade_balance_with_china"] == pytest.approx(-295.5153, rel=0.005)
    # and the seasonal pattern month by month
    assert baseline.monthly.loc["2024-01-01", "us_imports_from_china"] == pytest.approx(35.7826)
    assert baseline.monthly.loc["2024-09-01", "us_imports_from_china"] == pytest.approx(43.0182)


def test_outputs_have_documented_columns_and_units(documented):
    assert set(FLOWS + RATES) <= set(documented.monthly.columns)
    assert documented.monthly.index[0] == np.datetime64("2024-01-01")
    assert len(documented.monthly) == 48 and len(documented.annual) == 4
    tidy = documented.to_frame()
    assert list(tidy.columns) == ["scenario", "date", "variable", "value", "unit"]
    units = dict(zip(tidy["variable"], tidy["unit"], strict=False))
    assert units["us_imports_from_china"] == "USD bn/month" and units["us_effective_tariff_on_china"] == "%"
    assert (tidy["scenario"] == "documented-2025").all()


def test_effective_rate_is_base_plus_effective_additional(documented):
    daily = documented.daily
    # the pre-2025 base: MFN 2.16 + Section 301 lists 9.62 + Section 232 0.07 points, 2024 import weights
    assert daily.loc["2024-06-01", "us_effective_tariff_on_china"] == pytest.approx(11.85)
    section_232 = 25 * (0.028 + 0.016 + 0.0052 + 0.068)
    expected = 11.85 + 20 + 10 * 0.78 * (1 - 0.1172) + section_232
    assert daily.loc["2025-05-14", "us_effective_tariff_on_china"] == pytest.approx(expected)
    assert daily.loc["2025-04-12", "china_effective_tariff_on_us"] == pytest.approx(
        21.2 + 125 + 0.0293 * 15 + 0.0419 * 10 + 0.1501 * 12.5
    )


def test_backtest_months_and_errors(documented):
    test = backtest(documented)
    assert [str(month) for month in test.months] == [f"2025-{month:02d}" for month in range(1, 13)] + [
        f"2026-{month:02d}" for month in range(1, 5)
    ]
    assert test.imports_actual[5] == pytest.approx(18.9487) and test.imports_actual[11] == pytest.approx(21.1043)
    assert test.imports_actual[-1] == pytest.approx(19.7892)
    # the model sees the April collapse: May imports within a quarter of the actual, far below the counterfactual
    assert abs(test.imports_error[4]) < 0.25
    assert test.imports_counterfactual[4] / test.imports_actual[4] > 1.6
    # cumulative February–June imports within 10% of the actual
    assert test.imports_model[1:6].sum() / test.imports_actual[1:6].sum() - 1 == pytest.approx(0, abs=0.10)


def test_escalation_lowers_imports_and_deal_restores_baseline_in_the_long_run():
    escalation, deal, baseline = run("escalation"), run("deal"), run("baseline-2024")
    year = "2027-01-01"
    assert escalation.annual.loc[year, "us_imports_from_china"] < deal.annual.loc[year, "us_imports_from_china"]
    # after a deal the slow channel takes years to unwind: 2027 stays below the counterfactual
    assert deal.annual.loc[year, "us_imports_from_china"] < baseline.annual.loc[year, "us_imports_from_china"]


def test_adjust_matches_the_daily_recursion():
    signal = np.r_[np.zeros(10), np.full(30, 0.5), np.full(20, 0.2)]
    result = trade.adjust(signal, 7.0)
    state, expected = 0.0, []
    for value in signal:
        state += (1 - np.exp(-1 / 7.0)) * (value - state)
        expected.append(state)
    assert np.allclose(result, expected)


def test_adjust_broadcasts_over_draws():
    signal = np.r_[np.zeros(5), np.ones(20)]
    both = trade.adjust(signal, np.array([3.0, 9.0]))
    assert np.allclose(both[0], trade.adjust(signal, 3.0)) and np.allclose(both[1], trade.adjust(signal, 9.0))


# ------------------------------------------------------------------ properties

DAYS = day_grid(dt.date(2024, 1, 1), dt.date(2026, 12, 31))
PARAMETERS = {
    "short_run_elasticity": st.floats(-2.0, 0.0),
    "long_run_elasticity": st.floats(-3.0, 0.0),
    "import_switching_elasticity": st.floats(-3.0, 0.0),
    "export_switching_elasticity": st.floats(-3.0, 0.0),
    "pass_through": st.floats(0.0, 1.0),
    "shipping_lag_days": st.floats(0.0, 60.0),
    "adjustment_days": st.floats(1.0, 200.0),
    "recovery_slowness": st.floats(0.2, 10.0),
    "truce_lapse_probability": st.floats(0.0, 1.0),
    "anticipation_share": st.floats(0.0, 2.0),
    "anticipation_days": st.integers(0, 90),
    "long_run_adjustment_years": st.floats(0.5, 10.0),
    "import_growth": st.floats(-0.2, 0.2),
    "export_growth": st.floats(-0.2, 0.2),
    "diversion_share": st.floats(0.0, 1.0),
    "collection_share": st.floats(0.5, 1.0),
    "in_transit_days": st.integers(0, 40),
    "payment_lag_days": st.integers(0, 60),
}
SWITCHES = [
    combination for size in range(len(MECHANISMS) + 1) for combination in itertools.combinations(MECHANISMS, size)
]
"""Every combination of mechanisms switched off (docs/model.md, "Mechanisms")."""


def switched(parameters: dict, off: tuple[str, ...]) -> dict:
    """Parameters with the mechanisms in ``off`` at the values that switch them off, and the ordering rule kept."""
    values = dict(default_parameters().numbers(), **parameters)
    values["long_run_elasticity"] = min(values["long_run_elasticity"], values["short_run_elasticity"])
    for mechanism in off:
        values.update(MECHANISMS[mechanism])
    return values


@st.composite
def tariff_path(draw, top: float = 300):
    """A random step path of rates [%] on DAYS."""
    changes = sorted(draw(st.lists(st.integers(1, len(DAYS) - 1), max_size=6, unique=True)))
    values = draw(st.lists(st.floats(0, top), min_size=len(changes) + 1, max_size=len(changes) + 1))
    path = np.empty(len(DAYS))
    for start, stop, value in zip([0, *changes], [*changes, len(DAYS)], values, strict=True):
        path[start:stop] = value
    return path


def _run(additional_us, additional_china, parameters, us_gap=None, china_gap=None):
    paths = TariffPaths.of_totals(DAYS, 20.8 + additional_us, 20.8, 21.2 + additional_china, 21.2, us_gap, china_gap)
    return project(paths, parameters)


@pytest.mark.parametrize("off", SWITCHES, ids=lambda off: "+".join(off) or "all-on")
@settings(max_examples=6, deadline=None)
@given(st.fixed_dictionaries(PARAMETERS))
def test_zero_additional_tariffs_reproduce_the_baseline_exactly(off, parameters):
    parameters = switched(parameters, off)
    zero = np.zeros(len(DAYS))
    out = _run(zero, zero, parameters, zero, zero)
    assert np.array_equal(out["us_imports_from_china"], out["us_imports_counterfactual"])
    assert np.array_equal(out["us_exports_to_china"], out["us_exports_counterfactual"])
    assert np.all(out["us_imports_diverted_to_third_countries"] == 0)


@pytest.mark.parametrize("off", [off for off in SWITCHES if "anticipation" in off], ids="+".join)
@settings(max_examples=8, deadline=None)
@given(st.fixed_dictionaries(PARAMETERS), tariff_path(), tariff_path(60), st.floats(0.1, 200))
def test_a_path_higher_on_every_day_never_raises_imports(off, parameters, path, gap, extra):
    """For every combination without buying ahead (which raises entries before a rise by design, see below)."""
    parameters = switched(parameters, off)
    low = _run(path, path, parameters, gap)
    high = _run(path + extra, path, parameters, gap)
    assert np.all(high["us_imports_from_china"] <= low["us_imports_from_china"] * (1 + 1e-12))


@pytest.mark.parametrize("off", [off for off in SWITCHES if "anticipation" not in off], ids="+".join)
@settings(max_examples=8, deadline=None)
@given(st.fixed_dictionaries(PARAMETERS), tariff_path(), tariff_path(60), st.floats(0.1, 200))
def test_buying_ahead_only_moves_entries_in_time(off, parameters, path, gap, extra):
    """With buying ahead on, a higher path may raise entries before a rise, but the log change it adds sums to
    zero over a horizon that starts and ends flat, and without it the higher path never raises imports."""
    parameters = switched(parameters, off)
    window = int(parameters["anticipation_days"])
    flat = path.copy()
    flat[: window + 1] = flat[window + 1]
    flat[-window - 1 :] = flat[-window - 2]
    duty = trade.duty_factor(20.8 + flat, 20.8)
    assert trade.anticipation(duty, parameters["anticipation_share"], window).sum() == pytest.approx(0, abs=1e-9)
    without = dict(parameters, anticipation_share=0.0)
    low, high = _run(path, path, without, gap), _run(path + extra, path, without, gap)
    assert np.all(high["us_imports_from_china"] <= low["us_imports_from_china"] * (1 + 1e-12))


@pytest.mark.parametrize("off", SWITCHES[:1] + SWITCHES[-1:], ids=lambda off: "+".join(off) or "all-on")
@settings(max_examples=20, deadline=None)
@given(st.fixed_dictionaries(PARAMETERS), tariff_path())
def test_zero_elasticity_with_full_pass_through_leaves_volumes_at_baseline(off, parameters, path):
    parameters = switched(parameters, off)
    parameters.update(
        short_run_elasticity=0.0,
        long_run_elasticity=0.0,
        import_switching_elasticity=0.0,
        anticipation_share=0.0,
        pass_through=1.0,
    )
    out = _run(path, path, parameters)
    assert np.allclose(out["us_imports_from_china"], out["us_imports_counterfactual"], rtol=1e-12)


@pytest.mark.parametrize("off", SWITCHES, ids=lambda off: "+".join(off) or "all-on")
@settings(max_examples=4, deadline=None)
@given(st.fixed_dictionaries(PARAMETERS), tariff_path(), tariff_path(), tariff_path(60))
def test_balance_revenue_and_monthly_sums(off, parameters, us_path, china_path, gap):
    parameters = switched(parameters, off)
    out = _run(us_path, china_path, parameters, gap, gap)
    assert np.allclose(out["us_trade_balance_with_china"], out["us_exports_to_china"] - out["us_imports_from_china"])
    statutory = (20.8 + us_path) / 100 * out["us_imports_from_china"]
    assert np.allclose(out["us_statutory_tariff_revenue_from_china"], statutory)
    assert np.allclose(
        out["china_statutory_tariff_revenue_from_us"], (21.2 + china_path) / 100 * out["us_exports_to_china"]
    )
    # customs collects a share, never more than the statutory duties of the days the payments come from
    assert (
        out["us_tariff_revenue_from_china"].sum()
        <= statutory.sum() * (1 + 1e-9) + statutory[0] * parameters["payment_lag_days"]
    )
    parts = [name for name in out if name.startswith("us_tariff_revenue_from_china_")]
    assert np.allclose(sum(out[name] for name in parts), out["us_tariff_revenue_from_china"])
    assert np.allclose(
        out["us_net_tariff_revenue_from_china"],
        out["us_tariff_revenue_from_china"] - out["us_tariff_refunds_to_importers"],
    )
    months = DAYS.astype("datetime64[M]")
    for name in ("us_imports_from_china", "us_tariff_revenue_from_china", "us_imports_diverted_to_third_countries"):
        monthly = np.array([out[name][months == month].sum() for month in np.unique(months)])
        result = Result(BASELINE, DAYS, {name: out[name]})
        assert np.allclose(result.aggregate("monthly")[1][name], monthly)
        assert result.aggregate("annual")[1][name].sum() == pytest.approx(out[name].sum())


BASELINE = simulator.load_scenario("baseline-2024")


def test_scenario_parameters_reach_the_model():
    stiff = scenario_from_data(
        {
            "extends": "documented-2025",
            "parameters": {
                "short_run_elasticity": 0,
                "long_run_elasticity": 0,
                "import_switching_elasticity": 0,
                "export_switching_elasticity": 0,
                "anticipation_share": 0,
            },
        },
        "stiff",
    )
    result = run(stiff)
    # with no volume response and full pass-through, imports stay at the counterfactual
    assert np.allclose(result.series["us_imports_from_china"], result.series["us_imports_counterfactual"])


def test_the_unexplained_deviation_scales_each_calendar_month_of_the_counterfactual_by_its_exponential():
    days = day_grid(dt.date(2025, 1, 30), dt.date(2025, 2, 2))  # two days of January, two of February
    calibration = np.arange(1.0, 13.0) * 31.0  # 2024's months [USD bn/month]
    plain = trade.baseline_flow(days, calibration, 0.0)
    np.testing.assert_allclose(plain, [1.0, 1.0, 62.0 / 28.0, 62.0 / 28.0], rtol=1e-15)  # per day of a 28-day February
    shifted = trade.baseline_flow(days, calibration, 0.0, np.array([0.1, -0.2]))
    np.testing.assert_allclose(shifted, plain * np.exp([0.1, 0.1, -0.2, -0.2]), rtol=1e-15)


def test_a_mechanism_left_out_of_the_call_is_switched_off_and_anticipation_keeps_the_full_shape():
    log_duty = np.log1p(np.r_[np.zeros(30), np.full(30, 0.5)])
    behaviour = {
        "short_run_elasticity": -0.7,
        "long_run_elasticity": -2.0,
        "pass_through": 0.9,
        "shipping_lag_days": 10.0,
        "adjustment_days": 20.0,
        "long_run_adjustment_days": 400.0,
    }
    switched_off = {"supplier_switching_elasticity": 0.0, "anticipation_share": 0.0, "anticipation_days": 0}
    np.testing.assert_array_equal(
        trade.import_value_factor(log_duty, **behaviour),
        trade.import_value_factor(log_duty, **behaviour, **switched_off),
    )
    assert trade.anticipation(log_duty, np.zeros(3), np.full(3, 5)).shape == (3, 60)  # a row per draw, though all 0
    assert not trade.anticipation(log_duty, np.zeros(3), np.full(3, 5)).any()


def test_stretches_start_where_any_array_signal_changes_and_scalars_change_nothing():
    steps = np.array([1.0, 1.0, 2.0, 2.0, 3.0])
    assert trade.change_days(0.5, steps).tolist() == [0, 2, 4]  # a scalar first does not hide the arrays after it
    assert trade.change_days(steps, 0.5, np.array([[0, 1, 1, 1, 1]] * 2)).tolist() == [0, 1, 2, 4]
    only_scalars = trade.change_days(0.5, 0.7)
    assert only_scalars.tolist() == [0] and only_scalars.dtype.kind == "i"


def test_one_shared_signal_delayed_by_unsorted_lags_per_draw_gives_each_draw_its_own_row():
    signal = np.arange(1.0, 9.0)[None, :]  # one path shared by the draws, with a leading axis of one
    lags = np.array([3, 0, 3, 1])
    shifted = trade.delayed(signal, lags)
    assert shifted.shape == (4, 8)
    for row, lag in enumerate(lags):
        np.testing.assert_array_equal(shifted[row], trade.delayed(signal[0], int(lag)))


def test_a_fractional_delay_leaves_the_signal_it_was_given_as_it_was():
    signal = np.array([1.0, 2.0, 4.0, 8.0])
    kept = signal.copy()
    np.testing.assert_allclose(trade.delayed_fraction(signal, 0.25), [1.0, 1.75, 3.5, 7.0])  # 3/4 today, 1/4 a day ago
    np.testing.assert_array_equal(signal, kept)
