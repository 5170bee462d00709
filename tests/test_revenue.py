"""Revenue is what customs collects: calibrated on duties collected, below all US customs duties, split by authority."""

import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import simulator
from simulator.inputs.facts import load_facts
from simulator.inputs.locations import seeds_dir
from simulator.model import revenue
from simulator.model.tariff_paths import RefundPlan, tariff_arrays


@pytest.fixture(scope="module")
def documented():
    return simulator.run("documented-2025")


def all_customs_duties() -> dict[str, float]:
    """US customs duties from every country, by month [USD bn/month] (Treasury, FACTS section H)."""
    with open(seeds_dir() / "us_customs_duties_monthly.csv", newline="") as handle:
        return {row["month"]: float(row["customs_duties_musd"]) / 1000 for row in csv.DictReader(handle)}


@pytest.mark.parametrize("scenario", simulator.bundled_ids())
def test_duties_on_chinese_goods_never_exceed_all_us_customs_duties_in_a_month(scenario):
    monthly = simulator.run(scenario).monthly["us_tariff_revenue_from_china"]
    totals = all_customs_duties()
    compared = 0
    for month, value in monthly.items():
        key = f"{month:%Y-%m}"
        if key in totals:
            assert value < totals[key], (key, value, totals[key])
            compared += 1
    assert compared == len(totals) == 27


def test_2024_duties_collected_match_the_collected_rate(documented):
    facts = load_facts()
    collected_2024 = documented.annual.loc["2024-01-01", "us_tariff_revenue_from_china"]
    expected = facts["us-collected-rate-china-2024"].value / 100 * facts["us-imports-from-china-2024"].value
    assert collected_2024 == pytest.approx(expected, rel=0.20)
    assert collected_2024 == pytest.approx(expected, rel=0.03)  # what it is today: 49.0 against 48.3


def test_june_2025_entries_pay_the_collected_rate(documented):
    """Duties on the goods entered in June 2025, as a share of their value, against the 40.3% collected."""
    lag = int(documented.scenario.parameters.payment_lag_days.value)
    daily = documented.daily
    paid = daily["us_tariff_revenue_from_china"].shift(-lag)  # a day's duties reach the Treasury lag days later
    june = daily.index.to_period("M") == pd.Period("2025-06")
    rate = 100 * paid[june].sum() / daily["us_imports_from_china"][june].sum()
    collected = load_facts()["us-collected-rate-china-2025-06"].value
    assert rate == pytest.approx(collected, rel=0.20)
    assert rate == pytest.approx(collected, rel=0.03)  # 39.5% against 40.3%


def test_collected_is_below_statutory_and_adds_up_by_authority(documented):
    annual = documented.annual
    assert (annual["us_tariff_revenue_from_china"] < annual["us_statutory_tariff_revenue_from_china"]).all()
    parts = [name for name in annual.columns if name.startswith("us_tariff_revenue_from_china_")]
    assert np.allclose(annual[parts].sum(axis=1), annual["us_tariff_revenue_from_china"])
    assert annual.loc["2027-01-01", "us_tariff_revenue_from_china_ieepa"] == 0  # nothing after the ruling and the lag
    assert annual.loc["2025-01-01", "us_tariff_revenue_from_china_section_122"] == 0
    assert annual.loc["2026-01-01", "us_tariff_revenue_from_china_section_122"] > 0


def test_refunds_pay_back_the_accepted_share_of_ieepa_duties_over_their_period(documented):
    daily = documented.daily
    refunds = daily["us_tariff_refunds_to_importers"]
    paid_out = refunds[refunds > 0]
    assert paid_out.index[0] == pd.Timestamp("2026-04-20") and paid_out.index[-1] == pd.Timestamp("2027-04-19")
    collected = daily["us_tariff_revenue_from_china_ieepa"].sum()  # every IEEPA duty is paid before the refunds end
    assert refunds.sum() == pytest.approx(0.57 * collected, rel=1e-9)
    net = daily["us_net_tariff_revenue_from_china"]
    assert np.allclose(net, daily["us_tariff_revenue_from_china"] - refunds)


def test_a_one_line_what_if_pays_every_refund_in_2026():
    in_2026 = simulator.run("ieepa-refunds-in-2026").annual["us_tariff_refunds_to_importers"]
    ieepa = simulator.run("ieepa-refunds-in-2026").daily["us_tariff_revenue_from_china_ieepa"].sum()
    assert in_2026.loc["2026-01-01"] == pytest.approx(ieepa, rel=1e-9) and in_2026.loc["2027-01-01"] == 0
    assert simulator.run("ieepa-upheld").annual["us_tariff_refunds_to_importers"].sum() == 0


def test_goods_on_the_water_pay_the_rate_of_their_shipping_day_when_a_rate_rises():
    scenario = simulator.load_scenario("documented-2025")
    paths = tariff_arrays(scenario)
    from simulator.model.revenue import rate_paid

    ieepa = paths.by_authority["us_on_china"]["ieepa"]
    paid = rate_paid(ieepa, 25)
    day = np.flatnonzero(paths.days == np.datetime64("2025-04-20"))[0]
    assert ieepa[day] > 90 and paid[day] == ieepa[day - 25]  # the peak is not paid by goods shipped before it
    cut = np.flatnonzero(paths.days == np.datetime64("2025-05-14"))[0]
    assert paid[cut] == ieepa[cut]  # a cut applies at once


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(5, 80),
    st.lists(st.integers(0, 120), min_size=1, max_size=6),
    st.sets(st.integers(1, 79), max_size=6),
    st.integers(0, 2**32 - 1),
)
@example(draws=2, days=40, lags=[3, 0], starts={10, 31}, seed=1)  # the last draw's last period ends on the grid's end
@example(draws=3, days=40, lags=[3, 5, 0], starts={10, 31}, seed=2)  # the same with a middle draw
def test_period_receipts_are_the_monthly_sums_of_the_daily_receipts(draws, days, lags, starts, seed):
    """Monte Carlo sums receipts per period straight from the entered duties; the sums equal those of the delayed days,
    for lags shorter or longer than a period, the whole grid, zero, one or one per draw."""
    entered = np.random.default_rng(seed).uniform(0.0, 1.0, (draws, days))
    starts = np.array(sorted({0} | {start for start in starts if start < days}))
    for lag in (lags[0], np.resize(lags, draws)):
        expected = np.add.reduceat(revenue.receipts(entered, np.broadcast_to(lag, draws)), starts, axis=-1)
        np.testing.assert_allclose(revenue.period_receipts(entered, lag, starts), expected, rtol=1e-12, atol=1e-12)
    one = entered[0]
    per_draw = np.resize(lags, draws)
    expected = np.add.reduceat(revenue.receipts(one, per_draw), starts, axis=-1)
    np.testing.assert_allclose(revenue.period_receipts(one, per_draw, starts), expected, rtol=1e-12, atol=1e-12)


def test_refunds_pay_each_draw_its_share_of_its_own_duties_evenly_over_the_days_of_the_plan_inside_the_grid():
    collected = np.array([[1.0] * 10, [2.0] * 10])  # two draws of ten days [USD bn/day]
    paid = revenue.refunds(collected, RefundPlan("ieepa", 0.5, first=0, days=4))
    np.testing.assert_allclose(paid, [[1.25] * 4 + [0.0] * 6, [2.5] * 4 + [0.0] * 6])
    early = revenue.refunds(collected, RefundPlan("ieepa", 0.5, first=-2, days=4))  # half the plan before the grid
    np.testing.assert_allclose(early, [[1.25] * 2 + [0.0] * 8, [2.5] * 2 + [0.0] * 8])
    late = revenue.refunds(collected, RefundPlan("ieepa", 0.5, first=8, days=4))  # half after it
    np.testing.assert_allclose(late, [[0.0] * 8 + [1.25] * 2, [0.0] * 8 + [2.5] * 2])
    assert not revenue.refunds(collected, RefundPlan("ieepa", 0.5, first=-6, days=4)).any()  # all before the grid
    assert not revenue.refunds(collected, RefundPlan("ieepa", 0.5, first=10, days=4)).any()  # all after it
    one = revenue.refunds(collected[1], RefundPlan("ieepa", 0.25, first=3, days=2))  # one path, no draw axis
    np.testing.assert_allclose(one, [0.0] * 3 + [2.5] * 2 + [0.0] * 5)


def test_duties_are_the_rate_times_the_value_all_collected_unless_a_share_is_given():
    rate, value = np.array([10.0, 25.0]), np.array([2.0, 4.0])  # [%], [USD bn/day]
    np.testing.assert_allclose(revenue.duties(rate, value), [0.2, 1.0])
    np.testing.assert_allclose(revenue.duties(rate, value, 0.5), [0.1, 0.5])
