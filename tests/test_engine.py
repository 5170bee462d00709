"""The engine against a plain-loop reference model, on random inputs, and the timeline's window rules field by field.

These are the tests that mutation testing of simulator/model/trade.py and timeline.py runs
(``mutmut run``; see docs/architecture.md): each equation and each rule is pinned by an exact
value or by the reference model, for one path and for a leading axis of draws.
"""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.api import run, scenario_from_data, tariff_paths
from simulator.inputs.parameters import PARAMETERS, default_parameters
from simulator.inputs.scenario import PathEntry
from simulator.model import trade
from simulator.model.observed import calibration_months
from simulator.model.projection import project
from simulator.model.tariff_paths import (
    TariffPaths,
    coverage_values,
    day_grid,
    step_table,
    step_values,
    tariff_arrays,
)
from simulator.model.timeline import (
    Change,
    ignored_renewals,
    rate_on,
    renewal_decisions,
    renewed,
    schedule,
    windows,
)
from tests import reference_model

D = dt.date


def entry(**fields) -> PathEntry:
    return PathEntry.model_validate(fields)


# ---------------------------------------------------------------- trade equations


def step_path(days: int, changes: list[tuple[int, float]], start_rate: float = 0.0) -> np.ndarray:
    rates = np.full(days, start_rate)
    for day, rate in sorted(changes):
        rates[min(day, days - 1) :] = rate
    return rates


parameters_strategy = st.fixed_dictionaries(
    {
        "short_run_elasticity": st.floats(-3.0, 0.0),
        "long_gap": st.floats(0.0, 3.0),
        "pass_through": st.floats(0.2, 1.0),
        "shipping_lag_days": st.one_of(st.integers(0, 60), st.floats(0.0, 60.0)),
        "adjustment_days": st.floats(1.0, 150.0),
        "import_switching_elasticity": st.floats(-3.0, 0.0),
        "export_switching_elasticity": st.floats(-3.0, 0.0),
        "recovery_slowness": st.one_of(st.just(1.0), st.floats(0.2, 10.0)),
        "truce_lapse_probability": st.floats(0.0, 1.0),
        "anticipation_share": st.one_of(st.just(0.0), st.floats(0.0, 2.0)),
        "anticipation_days": st.integers(0, 90),
        "long_run_adjustment_years": st.floats(0.2, 6.0),
        "import_growth": st.floats(-0.2, 0.2),
        "export_growth": st.floats(-0.2, 0.2),
        "diversion_share": st.floats(0.0, 1.0),
        "collection_share": st.floats(0.5, 1.0),
        "in_transit_days": st.integers(0, 40),
        "payment_lag_days": st.integers(0, 60),
        "noise_persistence": st.floats(0.0, 0.95),
    }
)
path_strategy = st.lists(st.tuples(st.integers(0, 400), st.floats(0.0, 200.0)), max_size=5)


def model_parameters(drawn: dict) -> dict:
    values = dict(drawn)
    values["long_run_elasticity"] = values["short_run_elasticity"] - values.pop("long_gap")
    return values


@settings(max_examples=60, deadline=None)
@given(
    parameters_strategy,
    path_strategy,
    path_strategy,
    st.integers(0, 700),
    st.integers(2, 420),
    st.floats(0.0, 30.0),
    st.floats(0.0, 30.0),
    path_strategy,
    path_strategy,
)
def test_engine_matches_the_reference_model(
    drawn, us_changes, china_changes, offset, length, us_base, china_base, us_gaps, china_gaps
):
    parameters = model_parameters(drawn)
    start = D(2024, 1, 1) + dt.timedelta(days=offset)
    days = day_grid(start, start + dt.timedelta(days=length - 1))
    us_total = us_base + step_path(length, us_changes)
    china_total = china_base + step_path(length, china_changes)
    us_gap, china_gap = step_path(length, us_gaps), step_path(length, china_gaps)
    engine = project(
        TariffPaths.of_totals(days, us_total, us_base, china_total, china_base, us_gap, china_gap), parameters
    )
    imports_2024, exports_2024 = calibration_months()
    dates = [start + dt.timedelta(days=index) for index in range(length)]
    expected = reference_model.project(
        dates,
        list(us_total),
        us_base,
        list(china_total),
        china_base,
        parameters,
        list(imports_2024),
        list(exports_2024),
        list(us_gap),
        list(china_gap),
    )
    for name, values in expected.items():
        assert np.allclose(engine[name], values, rtol=1e-9, atol=1e-12), name


@settings(max_examples=25, deadline=None)
@given(
    st.lists(parameters_strategy, min_size=2, max_size=6),
    path_strategy,
    st.booleans(),
    st.booleans(),
)
def test_a_draw_axis_gives_each_draw_its_own_single_run(draws, changes, sort_lags, per_draw_tariffs):
    """Parameters (and tariffs, as with truce renewals) with a leading draw axis: each row equals a run of its own."""
    length = 300
    days = day_grid(D(2025, 1, 1), D(2025, 1, 1) + dt.timedelta(days=length - 1))
    rows = [model_parameters(drawn) for drawn in draws]
    if sort_lags:  # the draws' order by lag takes the engine's block-copy path for the delay
        rows.sort(key=lambda row: row["shipping_lag_days"])
    stacked = {name: np.array([row[name] for row in rows]) for name in rows[0]}
    us = np.stack(
        [20.0 + step_path(length, [(day + 7 * index, rate) for day, rate in changes]) for index in range(len(rows))]
    )
    if not per_draw_tariffs:
        us = us[0]
    china = 21.0 + step_path(length, [(5, 30.0), (90, 10.0)])
    together = project(TariffPaths.of_totals(days, us, 20.0, china, 21.0), stacked)
    for index, row in enumerate(rows):
        alone = project(TariffPaths.of_totals(days, us[index] if per_draw_tariffs else us, 20.0, china, 21.0), row)
        for name, values in alone.items():
            drawn = np.broadcast_to(together[name], (len(rows), length))[index]
            assert np.allclose(drawn, values, rtol=1e-12, atol=1e-14), (name, index)


def test_baseline_flow_spreads_each_2024_month_over_its_days_and_grows_by_calendar_year():
    calibration = np.arange(1.0, 13.0) * 31.0  # 31, 62, ... so January spreads to 1.0 a day
    days = day_grid(D(2024, 1, 30), D(2026, 3, 2))
    flow = trade.baseline_flow(days, calibration, 0.10)
    on = {str(day): value for day, value in zip(days, flow, strict=True)}
    assert on["2024-01-30"] == pytest.approx(1.0, rel=1e-12)
    assert on["2024-02-01"] == pytest.approx(62.0 / 29, rel=1e-12)  # 2024 is a leap year
    assert on["2025-02-28"] == pytest.approx(62.0 / 28 * 1.1, rel=1e-12)
    assert on["2026-03-02"] == pytest.approx(93.0 / 31 * 1.1**2, rel=1e-12)
    drawn = trade.baseline_flow(days, calibration, np.array([0.0, -0.5]))
    assert drawn.shape == (2, len(days))
    assert np.allclose(drawn[1], trade.baseline_flow(days, calibration, -0.5))


def test_duty_factor_is_the_log_of_the_duty_ratio():
    assert trade.duty_factor(np.array([20.8, 50.8]), 20.8) == pytest.approx([0.0, np.log(1.508 / 1.208)], abs=1e-15)


def test_delay_shifts_by_whole_days_and_holds_the_first_value_before_the_grid():
    signal = np.arange(6.0)
    assert trade.delayed(signal, 0) is signal
    assert trade.delayed(signal, 2).tolist() == [0, 0, 0, 1, 2, 3]
    assert trade.delayed(signal, 9).tolist() == [0] * 6
    assert trade.delayed(signal, -3).tolist() == signal.tolist()  # a negative lag counts as none
    rows = np.stack([signal, signal + 10, signal + 20])
    for lags in ([0, 1, 3], [3, 1, 0], [2, 2, 7]):  # sorted (block copies) and unsorted (index arrays)
        shifted = trade.delayed(rows, np.array(lags))
        for row, lag in enumerate(lags):
            assert shifted[row].tolist() == trade.delayed(rows[row], lag).tolist()


def test_decay_table_is_the_share_of_a_gap_left_after_k_days():
    table = trade.decay_table(np.array([2.0, 50.0]), 4)
    assert table.shape == (2, 4)
    assert np.allclose(table, np.exp(-np.arange(1, 5) / np.array([[2.0], [50.0]])), rtol=1e-14)


def test_adjust_starts_in_steady_state_and_follows_a_change_on_the_second_day():
    signal = np.array([1.0, 3.0, 3.0, 0.0, 0.0])
    expected = reference_model.follow(list(signal), 4.0)
    assert np.allclose(trade.adjust(signal, 4.0), expected, rtol=1e-14)
    assert np.allclose(trade.adjust(signal, 4.0, trade.decay_table(4.0, 5)), expected, rtol=1e-14)
    draws = np.stack([signal, signal * 2])
    together = trade.adjust(draws, 4.0)  # a draw axis on the signal, one time constant
    assert together.shape == (2, 5)
    assert np.allclose(together[1], reference_model.follow(list(signal * 2), 4.0), rtol=1e-14)


def test_an_exporter_absorbing_part_of_the_tariff_lowers_the_customs_value_at_once():
    """With pass-through ρ < 1 and no volume response, the customs value falls by ((1+τ)/(1+τ0)) to the power ρ − 1."""
    log_duty = trade.duty_factor(np.array([0.0, 0.0, 100.0, 100.0]), 0.0)
    factor = trade.import_value_factor(
        log_duty,
        short_run_elasticity=0.0,
        long_run_elasticity=0.0,
        pass_through=0.6,
        shipping_lag_days=2,
        adjustment_days=5.0,
        long_run_adjustment_days=400.0,
    )
    assert factor.tolist() == pytest.approx([1.0, 1.0, 2.0**-0.4, 2.0**-0.4], rel=1e-14)


def test_revenue_and_diversion():
    assert trade.tariff_revenue(np.array([25.0, 0.0]), np.array([2.0, 3.0])).tolist() == [0.5, 0.0]
    counterfactual, actual = np.array([10.0, 10.0]), np.array([[6.0, 10.0], [2.0, 4.0]])
    assert trade.diverted(counterfactual, actual[0], 0.5).tolist() == [2.0, 0.0]
    assert trade.diverted(counterfactual, actual, np.array([0.5, 0.25])).tolist() == [[2.0, 0.0], [2.0, 1.5]]


# ---------------------------------------------------------------- timeline rules


def test_schedule_steps_windows_follow_ups_and_overrides_field_by_field():
    entries = [
        entry(date="2025-01-01", rate="10%"),
        entry(date="2025-02-01", rate="30%", days=10),  # reverts to 10% on 11 February
        entry(date="2025-03-01", rate="40%", days=20, then="50%"),  # cut short by the entry of 15 March
        entry(date="2025-03-15", rate="5%", days=5, then="revert"),  # reverts to 40% on 20 March
        entry(date="2025-04-01", rate="7%"),
    ]
    found = schedule(list(reversed(entries)))  # any order: sorted by date
    assert found.changes == (
        Change(D(2025, 1, 1), 10.0),
        Change(D(2025, 2, 1), 30.0),
        Change(D(2025, 2, 11), 10.0),
        Change(D(2025, 3, 1), 40.0),
        Change(D(2025, 3, 15), 5.0),
        Change(D(2025, 3, 20), 40.0),
        Change(D(2025, 4, 1), 7.0),
    )
    first, cut, last = found.windows
    assert (first.index, first.start, first.written_end, first.end, first.prior, first.follow_up, first.overridden) == (
        1,
        D(2025, 2, 1),
        D(2025, 2, 11),
        D(2025, 2, 11),
        10.0,
        10.0,
        False,
    )
    assert (cut.index, cut.start, cut.written_end, cut.end, cut.prior, cut.follow_up, cut.overridden) == (
        2,
        D(2025, 3, 1),
        D(2025, 3, 21),
        D(2025, 3, 15),
        10.0,
        50.0,
        True,
    )
    assert (last.index, last.end, last.prior, last.follow_up, last.overridden) == (3, D(2025, 3, 20), 40.0, 40.0, False)
    assert last.entry is sorted(entries, key=lambda item: item.start)[3]


def test_an_entry_the_day_after_a_follow_up_leaves_the_follow_up_in_place():
    found = schedule([entry(date="2025-01-01", rate="30%", days=10, then="5%"), entry(date="2025-01-12", rate="9%")])
    assert [(change.date, change.percent) for change in found.changes] == [
        (D(2025, 1, 1), 30.0),
        (D(2025, 1, 11), 5.0),
        (D(2025, 1, 12), 9.0),
    ]
    assert found.windows[0].overridden is False


def test_rate_on_a_date_and_daily_steps():
    measure = (
        scenario_from_data({"title": "Rates", "extends": "documented-2025"}, "rates")
        .tariffs["us_on_china"]
        .measures["fentanyl"]
    )
    assert [rate_on(measure, day) for day in (D(2025, 2, 3), D(2025, 2, 4), D(2025, 3, 4), D(2025, 11, 10))] == [
        0.0,
        10.0,
        20.0,
        10.0,
    ]
    days = day_grid(D(2025, 1, 30), D(2025, 2, 2))
    assert [str(day) for day in days] == ["2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02"]
    assert step_values([], days).tolist() == [0.0] * 4
    assert step_values([Change(D(2025, 1, 31), 7.0), Change(D(2025, 2, 2), 3.0)], days).tolist() == [0.0, 7.0, 7.0, 3.0]


CHANGES = st.lists(
    st.tuples(
        st.integers(-40, 80),  # days from the grid's first day: before it, on it, after its last
        st.sampled_from([0.0, 2.5, 7.5, 10.0, 12.5, 30.0, 145.0]),
        st.none() | st.sampled_from([0.0, 16.67, 40.0, 100.0]),
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(CHANGES, st.sampled_from([100.0, 45.0, 0.0])), max_size=5), st.integers(1, 40))
def test_the_table_of_all_measures_equals_each_measure_stepped_alone(measures, length):
    start = D(2025, 3, 1)
    days = day_grid(start, start + dt.timedelta(days=length - 1))
    changes = [
        tuple(
            Change(start + dt.timedelta(days=offset), rate, coverage)
            for offset, rate, coverage in sorted(points, key=lambda point: point[0])
        )
        for points, _ in measures
    ]
    defaults = [default for _, default in measures]
    rates, coverages = step_table(changes, days, defaults)
    assert rates.shape == coverages.shape == (len(measures), length)
    for row, (points, default) in enumerate(zip(changes, defaults, strict=True)):
        assert rates[row].tobytes() == step_values(points, days).tobytes()
        assert coverages[row].tobytes() == coverage_values(points, days, default).tobytes()


def test_the_table_of_measures_on_a_short_grid_field_by_field():
    days = day_grid(D(2025, 1, 30), D(2025, 2, 2))
    changes = [
        (Change(D(2025, 1, 1), 5.0), Change(D(2025, 1, 31), 7.0, 50.0), Change(D(2025, 2, 2), 3.0)),
        (),
        (Change(D(2025, 2, 3), 9.0, 10.0),),  # after the grid: never in force
    ]
    rates, coverages = step_table(changes, days, [100.0, 40.0, 20.0])
    assert rates.tolist() == [[5.0, 7.0, 7.0, 3.0], [0.0] * 4, [0.0] * 4]
    assert coverages.tolist() == [[1.0, 0.5, 0.5, 1.0], [0.4] * 4, [0.2] * 4]


def test_tariff_arrays_keep_each_measure_and_sum_headline_and_coverage_weighted_rates():
    scenario = scenario_from_data({"title": "Arrays", "extends": "documented-2025"}, "arrays")
    paths = tariff_arrays(scenario)
    on = int(np.flatnonzero(paths.days == np.datetime64("2025-06-01"))[0])
    china = scenario.tariffs["china_on_us"].measures
    assert (
        paths.measures["us_on_china"]["reciprocal"][on] == 10.0
        and paths.measures["us_on_china"]["fentanyl"][on] == 20.0
    )
    assert paths.headline["china_on_us"][on] == 10.0  # the targeted measures are not headline
    expected = sum(
        paths.measures["china_on_us"][name][on] * measure.coverage.value / 100 for name, measure in china.items()
    )
    assert paths.effective["china_on_us"][on] == pytest.approx(expected, rel=1e-12)
    assert paths.total("china_on_us")[on] == pytest.approx(
        scenario.tariffs["china_on_us"].base.value + expected, rel=1e-12
    )


RENEWABLE = {
    side: {
        "measures": {
            "reciprocal": {
                "path": [
                    {
                        "fact": f"{prefix}-reciprocal-extension-2025-11-10",
                        "days": {"fact": "extension-2025-11-window-days"},
                        "then": {"fact": f"{prefix}-reciprocal-snapback"},
                        "renewal": {"probability": "40%", "days": 100},
                    }
                ]
            }
        }
    }
    for side, prefix in (("us_on_china", "us"), ("china_on_us", "china"))
}


def test_both_sides_of_a_truce_are_one_renewal_decision():
    scenario = scenario_from_data({"title": "Renewable", "extends": "ieepa-upheld", "tariffs": RENEWABLE}, "renewable")
    (decision,) = renewal_decisions(scenario)
    assert (decision.start, decision.days, decision.length, decision.probability) == (D(2025, 11, 10), 365, 100, 0.4)
    assert sorted(decision.entries) == [("china_on_us", "reciprocal", 4), ("us_on_china", "reciprocal", 5)]
    assert decision.end == D(2026, 11, 10)
    # renewals may begin on 10 Nov 2026, 18 Feb 2027, ...: ceil((416 + 1) / 100) inside a horizon ending 31 Dec 2027
    assert decision.most(D(2027, 12, 31)) == 5
    assert decision.most(D(2026, 11, 10)) == 1
    assert decision.most(D(2026, 11, 9)) == 0
    assert decision.most(D(2027, 2, 17)) == 1  # the second renewal would begin on 18 February 2027
    assert decision.most(D(2027, 2, 18)) == 2
    assert (
        decision.describe()
        == "the 365-day window from 2025-11-10 is renewed for 100 days at a time with probability 40%"
    )
    assert ignored_renewals(scenario) == []


def test_a_window_ending_on_the_horizons_last_day_can_still_be_renewed_once():
    ending = scenario_from_data(
        {
            "title": "Ending",
            "extends": "ieepa-upheld",
            "tariffs": RENEWABLE,
            "horizon": {"start": "2024-01-01", "end": "2026-11-10"},
        },
        "ending",
    )
    (decision,) = renewal_decisions(ending)
    assert decision.most(ending.end) == 1
    assert ignored_renewals(ending) == []


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_any_one_parameter_may_vary_across_draws_alone(name):
    """Every parameter of the registry, drawn alone (two values across its range), equals two single runs."""
    length = 200
    days = day_grid(D(2025, 3, 1), D(2025, 3, 1) + dt.timedelta(days=length - 1))
    base = dict(default_parameters().numbers(), recovery_slowness=2.0, truce_lapse_probability=0.4)
    spec = PARAMETERS[name]
    values = [spec.low * spec.rules.scale, spec.high * spec.rules.scale]
    if values[0] == values[1]:  # a parameter the bundled model holds: move it off its held value
        values = [values[0], {"recovery_slowness": 3.0, "truce_lapse_probability": 0.6}.get(name, values[0] - 1.0)]
    us = 20.0 + step_path(length, [(10, 100.0), (60, 30.0)])
    us_gap = step_path(length, [(60, 24.0), (150, 0.0)])
    china = 21.0 + step_path(length, [(20, 50.0)])
    paths = TariffPaths.of_totals(days, us, 20.0, china, 21.0, us_gap)
    together = project(paths, dict(base, **{name: np.array(values)}))
    for index, value in enumerate(values):
        alone = project(paths, dict(base, **{name: value}))
        for variable, series in alone.items():
            assert np.allclose(np.broadcast_to(together[variable], (2, length))[index], series, rtol=1e-12), variable


def test_renewals_that_cannot_act_are_named_and_left_out():
    short = scenario_from_data(
        {
            "title": "Short",
            "extends": "ieepa-upheld",
            "tariffs": RENEWABLE,
            "horizon": {"start": "2024-01-01", "end": "2026-11-09"},
        },
        "short",
    )
    assert renewal_decisions(short) == []
    assert ignored_renewals(short) == [
        "Reciprocal duty window from 2025-11-10 ends after the horizon",
        "Across-the-board tariff window from 2025-11-10 ends after the horizon",
    ]
    cut = {
        "us_on_china": {
            "measures": {
                "reciprocal": {
                    "path": [
                        {**RENEWABLE["us_on_china"]["measures"]["reciprocal"]["path"][0]},
                        {"date": "2026-11-10", "rate": "0%"},
                    ]
                }
            }
        }
    }
    overridden = scenario_from_data({"title": "Cut", "extends": "ieepa-upheld", "tariffs": cut}, "cut")
    assert renewal_decisions(overridden) == []
    assert ignored_renewals(overridden) == [
        "Reciprocal duty window from 2025-11-10 is cut short by the entry of 2026-11-10"
    ]
    (window,) = [
        window
        for window in windows(overridden.tariffs["us_on_china"].measures["reciprocal"])
        if window.start == D(2025, 11, 10)
    ]
    assert window.overridden
    assert window.end == D(2026, 11, 10)


def test_a_renewal_cut_short_by_the_end_of_its_authority_cannot_act_and_the_other_side_still_can():
    ruled = scenario_from_data({"title": "Ruled", "extends": "documented-2025", "tariffs": RENEWABLE}, "ruled")
    (decision,) = renewal_decisions(ruled)  # China's side of the truce; the US measure ended with the court's ruling
    assert decision.entries == (("china_on_us", "reciprocal", 4),)
    assert (decision.start, decision.days, decision.length, decision.probability) == (D(2025, 11, 10), 365, 100, 0.4)
    assert ignored_renewals(ruled) == [
        "Reciprocal duty window from 2025-11-10 is cut short when the measure ends on 2026-02-24"
    ]
    rate_2027 = run(ruled, draws=400, seed=5).annual.xs("2027-01-01", level="date")["china_effective_tariff_on_us"]
    point = run(ruled).annual.loc["2027-01-01", "china_effective_tariff_on_us"]  # snapped back, as written
    assert rate_2027.loc[95] == pytest.approx(point)  # draws that do not renew ...
    assert rate_2027.loc[5] < point - 10  # ... and draws that do: China's side is still drawn


def test_a_truce_renewed_with_certainty_runs_on_renewed_in_every_run():
    """A window with a 100% renewal chance snapped back in the point projection, so the key numbers showed the lapse
    the scenario rules out (China at 44.2% in 2027), while every draw renewed it (analyst review)."""
    horizon = {"start": "2024-01-01", "end": "2028-12-31"}

    def scenario(chance: str):
        window = {"date": "2027-07-01", "rate": "10%", "days": 90, "then": "34%", "renewal": {"probability": chance}}
        path = [{"date": "2027-04-01", "rate": "34%"}, window]
        tariffs = {"china_on_us": {"measures": {"reciprocal": {"path": path}}}}
        return scenario_from_data(
            {"title": "Renewed", "extends": "documented-2025", "horizon": horizon, "tariffs": tariffs}, "renewed"
        )

    sure, likely = scenario("100%"), scenario("99%")
    column = "china_additional_tariff_on_us"
    assert tariff_paths(sure).loc["2027-09-29":, column].eq(10).all()  # renewed to the horizon's end
    assert tariff_paths(likely).loc["2027-09-29", column] == 34  # as written: only draws renew it
    assert renewal_decisions(sure) == [] and len(renewal_decisions(likely)) == 1
    point = run(sure).annual.loc["2028-01-01", "china_effective_tariff_on_us"]
    drawn = run(sure, draws=50, seed=3).annual.xs("2028-01-01", level="date")["china_effective_tariff_on_us"]
    assert drawn.min() == drawn.max() == pytest.approx(point)
    assert point < run(likely).annual.loc["2028-01-01", "china_effective_tariff_on_us"] - 15


def test_a_decision_that_renews_nothing_leaves_the_later_ones_to_renew():
    """Mutation testing: ``renewed`` stopping at the first decision without renewals (``break`` for ``continue``)
    survived; a draw that renews only the second of two truces would then follow the path as written."""
    scenario = scenario_from_data({"title": "Renewable", "extends": "ieepa-upheld", "tariffs": RENEWABLE}, "renewable")
    (decision,) = renewal_decisions(scenario)
    once = renewed(scenario, [decision, decision], (0, 1))
    (index,) = [index for direction, _, index in decision.entries if direction == "us_on_china"]
    entry = once.tariffs["us_on_china"].measures["reciprocal"].entries[index]
    assert entry.days.value == decision.days + decision.length
    assert renewed(scenario, [decision, decision], (0, 0)).tariffs == scenario.tariffs
