"""Monte Carlo draws: distributions, seeds, quantiles, truce renewals, tornado."""

import itertools
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.api import load_scenario, run, scenario_from_data
from simulator.inputs.distributions import Distribution, normal_quantile
from simulator.inputs.parameters import PARAMETERS
from simulator.model.variables import VARIABLES
from simulator.uncertainty.draws import monte_carlo, parameter_distributions
from simulator.uncertainty.executors import fork_map, fork_map_unordered, thread_map
from simulator.uncertainty.quantiles import QuantileAccumulator
from simulator.uncertainty.tornado import last_full_year, tornado

FIXED = {  # every parameter a point value: nothing is drawn
    "short_run_elasticity": -0.76,
    "long_run_elasticity": -2.0,
    "pass_through": "100%",
    "shipping_lag_days": 5,
    "adjustment_days": 15,
    "long_run_adjustment_years": 3,
    "import_growth": "0%",
    "export_growth": "0%",
    "diversion_share": "63%",
    "collection_share": "94.7%",
    "in_transit_days": 25,
    "payment_lag_days": 34,
    "import_switching_elasticity": -1.0,
    "anticipation_share": 0.1,
    "anticipation_days": 31,
    "import_noise": "0%",  # no deviations from the model after the last observed month
    "export_noise": "0%",
    "noise_persistence": "40%",
    "truce_lapse_probability": "50%",
}
RENEWED = {  # the one-year November 2025 truce, renewable
    "us_on_china": {
        "measures": {
            "reciprocal": {
                "path": [
                    {
                        "fact": "us-reciprocal-extension-2025-11-10",
                        "days": {"fact": "extension-2025-11-window-days"},
                        "then": {"fact": "us-reciprocal-snapback"},
                        "renewal": {"probability": "PROBABILITY"},
                    }
                ]
            }
        }
    },
    "china_on_us": {
        "measures": {
            "reciprocal": {
                "path": [
                    {
                        "fact": "china-reciprocal-extension-2025-11-10",
                        "days": {"fact": "extension-2025-11-window-days"},
                        "then": {"fact": "china-reciprocal-snapback"},
                        "renewal": {"probability": "PROBABILITY"},
                    }
                ]
            }
        }
    },
}


def renewable(probability: str, fixed: bool = True):
    tariffs = __import__("json").loads(__import__("json").dumps(RENEWED).replace("PROBABILITY", probability))
    # a world without the court ruling, where the one-year truce can be renewed
    data = {"title": f"Renewed with {probability}", "extends": "ieepa-upheld", "tariffs": tariffs}
    if fixed:
        data["parameters"] = FIXED
    return scenario_from_data(data, "renewable")


@pytest.mark.parametrize(
    "distribution",
    [
        Distribution("normal", {"mean": -0.76, "sd": 0.2}, (-np.inf, 0.0)),
        Distribution("truncated_normal", {"mean": -2.0, "sd": 0.3, "low": -2.4, "high": -1.5}, (-np.inf, 0.0)),
        Distribution("uniform", {"low": 60.0, "high": 100.0}, (0.0, 100.0), percent=True),
        Distribution("triangular", {"low": 5.0, "mode": 15.0, "high": 60.0}, (1e-9, np.inf)),
        Distribution("range", {"low": 40.0, "central": 63.0, "high": 80.0}, (0.0, 100.0), percent=True),
        Distribution("range", {"low": 60.0, "central": 100.0, "high": 100.0}, (0.0, 100.0), percent=True),
        Distribution("range", {"low": 63.0, "central": 63.0, "high": 80.0}, (0.0, 100.0), percent=True),
        Distribution("range", {"low": 0.0, "central": 0.0, "high": 30.0}, (0.0, np.inf)),
    ],
)
def test_draws_follow_the_distribution_and_stay_in_range(distribution):
    draws = distribution.sample(np.random.default_rng(3), 200_000)
    low, high = distribution.bounds
    assert draws.min() >= low * distribution.scale and draws.max() <= high * distribution.scale
    spread = distribution.percentile(95) - distribution.percentile(5)
    for level in (5, 50, 95):
        assert np.percentile(draws, level) == pytest.approx(distribution.percentile(level), abs=0.01 * spread)


def test_range_percentiles_are_its_low_and_high():
    both_sides = Distribution("range", {"low": 40.0, "central": 63.0, "high": 80.0}, (0.0, 100.0), percent=True)
    assert (both_sides.percentile(5), both_sides.percentile(50), both_sides.percentile(95)) == pytest.approx(
        (0.40, 0.63, 0.80), abs=5e-4
    )  # the cut at 100% moves them a hair
    one_side = Distribution("range", {"low": 60.0, "central": 100.0, "high": 100.0}, (0.0, 100.0), percent=True)
    assert (one_side.percentile(5), one_side.percentile(100)) == pytest.approx((0.60, 1.00), abs=1e-4)


def test_normal_quantile_matches_the_standard_library():
    u = np.linspace(1e-6, 1 - 1e-6, 2001)
    assert np.allclose(normal_quantile(u), [NormalDist().inv_cdf(value) for value in u], atol=1e-8)


def test_parameters_drawn_are_written_distributions_and_unset_defaults():
    scenario = scenario_from_data(
        {
            "title": "Some fixed",
            "extends": "documented-2025",
            "parameters": {"pass_through": "90%", "short_run_elasticity": {"low": -1.2, "central": -0.7, "high": -0.4}},
        },
        "x",
    )
    drawn = parameter_distributions(scenario)
    assert "pass_through" not in drawn  # a point value the scenario sets stays fixed
    assert drawn["short_run_elasticity"].values == {"low": -1.2, "central": -0.7, "high": -0.4}
    held = {name for name, spec in PARAMETERS.items() if spec.low == spec.high}  # mechanisms switched off
    assert held == {"export_switching_elasticity", "recovery_slowness", "import_growth"}
    fitted_with = {"anticipation_days", "long_run_adjustment_years"}  # the fit assumed their defaults
    assert set(drawn) == set(PARAMETERS) - {"pass_through"} - held - fitted_with
    assert set(parameter_distributions(scenario, held_in_fit=True)) == set(drawn) | fitted_with
    assert parameter_distributions(renewable("50%")) == {}


def test_what_the_fit_holds_stays_put_in_draws_unless_the_scenario_draws_it():
    """The registry marks every parameter that shapes the fitted flows but is not estimated (changing it changes the
    model's 2025 months); draws keep those at their defaults, since the posterior was found with them, and the
    median of 2025 imports then stays within 1.5% of the Census total (it ran 2.4% above with pass-through drawn)."""
    from simulator.inputs.estimates import load_estimates
    from simulator.inputs.parameters import default_parameters
    from simulator.model.estimation import Record, monthly, setup

    fit_setup = setup(Record.up_to())
    estimates = load_estimates()
    centre = {**fit_setup.fixed, **{name: estimates.value(name) for name in estimates.names}}
    base = np.concatenate(monthly(fit_setup, centre))
    moving = set()
    for name, spec in PARAMETERS.items():
        if spec.estimated is not None or spec.low == spec.high:
            continue
        other = spec.high if spec.high * spec.rules.scale != centre[name] else spec.low
        moved = np.concatenate(monthly(fit_setup, {**centre, name: other * spec.rules.scale}))
        if not np.allclose(moved, base, rtol=1e-9):
            moving.add(name)
    assert moving == {name for name, spec in PARAMETERS.items() if spec.held_in_fit}
    assert moving == {"pass_through", "anticipation_days", "long_run_adjustment_years"}
    assert default_parameters().pass_through.value == 100.0

    documented = run("documented-2025", draws=1000, seed=7)
    assert not moving & set(documented.uncertainty.drawn)
    annual = documented.annual.reset_index()
    median_2025 = annual[(annual["date"].dt.year == 2025) & (annual["quantile"] == 50)]["us_imports_from_china"]
    # Census: $308.4bn in 2025; the point projection is 2.6% below it (the fit follows 2026 too), the median 1.6%
    assert float(median_2025.iloc[0]) == pytest.approx(308.38, rel=0.02)
    written = scenario_from_data(
        {
            "title": "Drawn pass-through",
            "extends": "documented-2025",
            "parameters": {"pass_through": {"low": "60%", "central": "100%", "high": "100%"}},
        },
        "drawn",
    )
    assert "pass_through" in parameter_distributions(written)


def test_same_seed_same_quantiles_other_seed_other_quantiles():
    first = run("truce-expires", draws=1500, seed=42)
    again = run("truce-expires", draws=1500, seed=42)
    other = run("truce-expires", draws=1500, seed=43)
    assert first.monthly.equals(again.monthly) and first.annual.equals(again.annual)
    assert not first.monthly.equals(other.monthly)
    assert first.seed == 42 and first.draws == 1500
    fresh = run("truce-expires", draws=200)
    assert fresh.seed is not None and run("truce-expires", draws=200, seed=fresh.seed).monthly.equals(fresh.monthly)


def test_quantiles_are_ordered_and_the_calibration_year_is_certain():
    result = run("documented-2025", draws=1200, seed=1)
    monthly = result.monthly
    assert list(monthly.index.get_level_values("quantile").unique()) == [5, 25, 50, 75, 95]
    stacked = np.stack([monthly.loc[level].to_numpy() for level in (5, 25, 50, 75, 95)])
    assert np.all(np.diff(stacked, axis=0) >= -1e-9)
    imports_2024 = result.annual.xs("2024-01-01", level="date")["us_imports_from_china"]
    assert np.allclose(imports_2024, 438.742, atol=1e-3)  # growth starts after the calibration year
    spread_2027 = result.annual.xs("2027-01-01", level="date")["us_imports_from_china"]
    assert spread_2027.loc[95] - spread_2027.loc[5] > 30
    tidy = result.to_frame()
    assert list(tidy.columns) == ["scenario", "date", "quantile", "variable", "value", "unit"]
    assert len(tidy) == 5 * 48 * len(VARIABLES)


def test_nothing_uncertain_reproduces_the_point_projection():
    scenario = scenario_from_data({"title": "All fixed", "extends": "documented-2025", "parameters": FIXED}, "fixed")
    result = run(scenario, draws=300, seed=5)
    point = run(scenario)
    for level in result.quantiles:
        assert np.allclose(result.monthly.loc[level].to_numpy(), point.monthly.to_numpy())


def test_renewal_probabilities_mix_policy_paths():
    never, always, half = renewable("0%"), renewable("100%"), renewable("50%")
    rate_2027 = {
        name: run(scenario, draws=400, seed=9).annual.xs("2027-01-01", level="date")["us_effective_tariff_on_china"]
        for name, scenario in (("never", never), ("always", always), ("half", half))
    }
    point = run(never).annual.loc["2027-01-01", "us_effective_tariff_on_china"]
    assert np.allclose(rate_2027["never"], point)  # never renewed: the path as written (snapback on 2026-11-10)
    assert np.allclose(rate_2027["always"], rate_2027["always"].loc[50]) and rate_2027["always"].loc[50] < point - 15
    assert rate_2027["half"].loc[5] == pytest.approx(rate_2027["always"].loc[50])  # half the draws renew ...
    assert rate_2027["half"].loc[95] == pytest.approx(point)  # ... half snap back


def test_renewal_is_one_decision_for_both_sides_of_a_truce():
    outcome = monte_carlo(renewable("50%"), draws=500, seed=2)
    (decision,) = outcome.decisions
    assert {direction for direction, _, _ in decision.entries} == {"us_on_china", "china_on_us"}
    assert (
        decision.most(renewable("50%").end) == 2
    )  # renewals starting 2026-11-10 and 2027-11-10 fall inside the horizon


def test_progress_is_reported_per_slice_of_draws():
    calls = []
    monte_carlo(
        renewable("50%", fixed=False),
        draws=2500,
        seed=4,
        chunk=1000,
        progress=lambda done, total: calls.append((done, total)),
    )
    done = [count for count, _ in calls]
    assert {total for _, total in calls} == {2500}
    assert done == sorted(set(done)) and done[-1] == 2500
    assert {1000, 2000} <= set(done)  # a chunk's last slice ends on its last draw
    assert len(done) > 3  # the slices of each chunk, not only the chunks


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_accumulator_is_exact_up_to_its_limit(chunks, seed):
    generator = np.random.default_rng(seed)
    values = generator.normal(size=(chunks * 7, 3))
    values[:, 2] = 4.0  # a cell with no spread
    accumulator = QuantileAccumulator(exact=10_000)
    for start in range(0, len(values), 7):
        accumulator.add(values[start : start + 7])
    assert np.allclose(accumulator.quantiles((5, 50, 95)), np.percentile(values, (5, 50, 95), axis=0))


def test_accumulator_sketch_beyond_its_limit_is_within_a_bin():
    generator = np.random.default_rng(0)
    values = np.column_stack([generator.normal(size=60_000), generator.lognormal(size=60_000), np.full(60_000, 2.5)])
    accumulator = QuantileAccumulator(exact=5_000, bins=4096)
    for start in range(0, len(values), 1000):
        accumulator.add(values[start : start + 1000])
    exact = np.percentile(values, (5, 25, 50, 75, 95), axis=0)
    estimate = accumulator.quantiles((5, 25, 50, 75, 95))
    width = 2 * (values[:5000].max(axis=0) - values[:5000].min(axis=0)) / 4096
    assert np.all(np.abs(estimate - exact) <= width + 1e-9)
    assert np.allclose(estimate[:, 2], 2.5)


def test_tornado_swings_are_point_runs_at_the_percentiles():
    scenario = run("documented-2025").scenario
    year = last_full_year(scenario)
    swinging = tornado(scenario)
    central, swings = swinging.central, swinging.swings
    assert year == 2027 and swinging.year == 2027
    assert central == pytest.approx(float(run(scenario).annual.loc["2027-01-01", "us_trade_balance_with_china"]))
    assert [abs(swing.high - swing.low) for swing in swings] == sorted(
        (abs(swing.high - swing.low) for swing in swings), reverse=True
    )
    short = next(swing for swing in swings if swing.name == "short-run elasticity")
    low_value = parameter_distributions(scenario)["short_run_elasticity"].percentile(5)
    manual = scenario_from_data(
        {"title": "Low elasticity", "extends": "documented-2025", "parameters": {"short_run_elasticity": low_value}},
        "low",
    )
    assert short.low == pytest.approx(float(run(manual).annual.loc["2027-01-01", "us_trade_balance_with_china"]))
    renewal = tornado(renewable("50%")).swings
    # renewing the truce keeps tariffs low, so imports stay higher and the 2027 deficit deeper
    assert any(
        swing.name == "renewal of the truce from 10 Nov 2025" and swing.high < swing.low - 10 for swing in renewal
    )


def test_a_window_that_raises_a_rate_is_named_a_temporary_duty_not_a_truce():
    """China's 34% for a 90-day window with a 50% renewal chance was shaded as a "suspension window (truce)" and its
    tornado bar read "renewal of the truce" (analyst review): a window above the rate that follows it is a temporary
    duty."""
    from simulator.outputs.chart_inputs import scenario_chart_inputs
    from simulator.outputs.scenario_charts import tariff_chart
    from simulator.uncertainty.tornado import tornado

    duty = scenario_from_data(
        {
            "extends": "documented-2025",
            "horizon": {"start": "2024-01-01", "end": "2027-12-31"},
            "tariffs": {
                "china_on_us": {
                    "measures": {
                        "reciprocal": {
                            "path": [
                                {"date": "2027-01-01", "rate": "34%", "days": 90, "renewal": {"probability": "50%"}}
                            ]
                        }
                    }
                }
            },
        },
        "duty",
    )
    names = [swing.name for swing in tornado(duty, "us_exports_to_china", 2027).swings]
    assert "renewal of the temporary duty from 1 Jan 2027" in names and not any(
        name.startswith("renewal of the truce") for name in names
    )
    texts = [
        text.get_text()
        for text in tariff_chart(scenario_chart_inputs(run(duty))).findobj(lambda a: hasattr(a, "get_text"))
    ]
    assert any("window with a set end (a truce or a temporary duty)" in text for text in texts)  # Geneva's truce too
    truce = [swing.name for swing in tornado(renewable("50%")).swings]
    assert "renewal of the truce from 10 Nov 2025" in truce


def test_a_fixed_long_run_elasticity_stays_fixed_when_the_short_run_is_drawn():
    scenario = scenario_from_data(
        {
            "title": "Fixed long run",
            "extends": "documented-2025",
            "parameters": {
                "long_run_elasticity": -2.0,
                "short_run_elasticity": {"distribution": "uniform", "low": -3, "high": -0.5},
            },
        },
        "fixed-long",
    )
    from simulator.uncertainty.draws import draw_parameters

    values = draw_parameters(scenario, parameter_distributions(scenario), np.random.SeedSequence(0), 5000)
    assert np.all(values["long_run_elasticity"] == -2.0)
    assert np.all(values["short_run_elasticity"] >= -2.0) and values["short_run_elasticity"].max() > -0.6


def test_a_renewal_that_cannot_act_is_not_a_decision_and_is_named():
    from simulator.model.timeline import ignored_renewals
    from simulator.model.timeline import renewal_decisions as renewables

    overridden = scenario_from_data(
        {
            "title": "Renewal overridden",
            "extends": "documented-2025",
            "tariffs": {
                "us_on_china": {
                    "measures": {
                        "reciprocal": {
                            "path": [
                                {
                                    "fact": "us-reciprocal-geneva",
                                    "days": {"fact": "geneva-window-days"},
                                    "renewal": {"probability": "90%"},
                                },
                                {"fact": "us-reciprocal-extension-2025-08-12"},
                            ]
                        }
                    }
                }
            },
        },
        "overridden",
    )
    assert renewables(overridden) == []
    assert ignored_renewals(overridden) == [
        "Reciprocal duty window from 2025-05-14 is cut short by the entry of 2025-08-12"
    ]


def test_quantile_levels_are_percent():
    with pytest.raises(ValueError, match="percent levels"):
        run("geneva-truce", draws=10, seed=1, quantiles=(0.05, 0.95))


def test_forked_work_comes_back_in_order_or_as_soon_as_done():
    def work(seconds):
        time.sleep(seconds)
        return seconds * 10

    assert list(fork_map(work, [0.5, 0.0, 0.0], workers=2)) == [5.0, 0.0, 0.0]
    found = list(fork_map_unordered(work, [0.5, 0.0, 0.0], workers=2))
    assert sorted(found) == [(0, 5.0), (1, 0.0), (2, 0.0)]
    assert found[0][0] != 0  # the long first item does not hold back the two short ones started after it
    assert list(fork_map_unordered(work, [0.0, 0.0], workers=1)) == [(0, 0.0), (1, 0.0)]


def test_a_signal_while_the_workers_fork_waits_until_the_pool_can_be_closed(monkeypatch):
    """SIGTERM raised inside a fork broke Python's after-fork handlers and printed a traceback."""
    context = multiprocessing.get_context("fork")
    made, pools = [], []

    class Pool(type(context.Pool(1))):  # the pool class the fork context makes
        def __init__(self, *arguments, **keywords):
            os.kill(os.getpid(), signal.SIGTERM)  # arrives while the workers are being forked
            super().__init__(*arguments, **keywords)
            made.append(True)
            pools.append(self)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    other = threading.Event()  # another thread alive (a notebook has some), which a signal may reach instead
    waiting = threading.Thread(target=other.wait, daemon=True)
    waiting.start()
    try:
        monkeypatch.setattr(type(context), "Pool", lambda self, *a, **k: Pool(*a, context=self, **k))
        with pytest.raises(KeyboardInterrupt):
            list(fork_map(abs, [-1, -2], workers=2))
        assert signal.getsignal(signal.SIGTERM) is interrupt  # the handler is back
    finally:
        signal.signal(signal.SIGTERM, previous)
        other.set()
    assert made == [True]  # the pool was made whole, and the signal raised only after
    assert pools[0]._state == "TERMINATE"  # then closed on the way out


def test_thread_map_keeps_order_and_takes_items_only_as_results_are_taken():
    def work(seconds):
        time.sleep(seconds)
        return seconds * 10

    assert list(thread_map(work, [0.2, 0.0, 0.1, 0.0], workers=2)) == [2.0, 0.0, 1.0, 0.0]
    assert list(thread_map(work, [0.0, 0.1], workers=1)) == [0.0, 1.0]
    taken = []

    def endless():
        for number in itertools.count():
            taken.append(number)
            yield 0.0

    assert list(itertools.islice(thread_map(work, endless(), workers=2), 3)) == [0.0, 0.0, 0.0]
    assert len(taken) <= 3 + 2 * 2  # never more than two items per thread ahead of the results taken


@pytest.mark.parametrize("start", ["2026-01-01", "2025-06-15"])
def test_a_horizon_that_starts_later_shows_the_values_of_a_run_from_2024(start):
    """The state on a horizon's first day (the response still under way, duties entered earlier and paid later,
    refunds of duties collected before it) comes from the path before it: a scenario that starts later shows, day by
    day, what the same scenario from 2024 shows, in a point run, in draws, in a tornado and in a sweep."""
    from simulator.api import load_scenario
    from simulator.model.projection import point_projection
    from simulator.uncertainty.sweeps import sweep

    full = load_scenario("documented-2025")
    late = scenario_from_data({"extends": "documented-2025", "horizon": {"start": start, "end": "2027-12-31"}}, "late")
    whole, part = point_projection(full), point_projection(late)
    offset = int(np.searchsorted(whole.days, np.datetime64(start)))
    assert part.days[0] == np.datetime64(start) and len(part.days) == len(whole.days) - offset
    for name in VARIABLES:
        np.testing.assert_array_equal(part.series[name], whole.series[name][..., offset:], err_msg=name)
    # 2026: the refunds of IEEPA duties collected in 2025 are there
    assert float(part.aggregate("annual")[1]["us_tariff_refunds_to_importers"][-2]) > 20

    drawn_whole = monte_carlo(full, 300, seed=3).periods["annual"]
    drawn_part = monte_carlo(late, 300, seed=3).periods["annual"]
    assert [str(stamp) for stamp in drawn_part[0]] == [str(stamp) for stamp in drawn_whole[0][-len(drawn_part[0]) :]]
    for name in ("us_imports_from_china", "us_trade_balance_with_china", "us_net_tariff_revenue_from_china"):
        np.testing.assert_allclose(drawn_part[1][name][:, -2:], drawn_whole[1][name][:, -2:], rtol=1e-12, err_msg=name)

    assert tornado(late, "us_imports_from_china", 2026) == tornado(full, "us_imports_from_china", 2026)
    grid = {"pass_through": ["80%", "100%"]}
    swept = [
        frame[(frame["variable"] == "us_imports_from_china") & (frame["date"].dt.year == 2026)]["value"].to_numpy()
        for frame in (sweep(late, grid, frequency="monthly"), sweep(full, grid, frequency="monthly"))
    ]
    np.testing.assert_allclose(swept[0], swept[1], rtol=1e-12)


def test_a_late_horizon_runs_from_twenty_years_before_it_at_most():
    """Time and memory grow with the days run: a horizon of 2180-2199 (allowed: 20 years, dates to 2199) is run from
    2160, not 2024 (176 years, 2.3 GB in a sweep); one that starts by 2044 still runs from 2024."""
    import datetime as dt

    from simulator.model.projection import point_projection, with_history

    late = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2180-03-01", "end": "2199-12-31"}}, "late"
    )
    modelled, skipped = with_history(late)
    assert modelled.start == dt.date(2160, 1, 1) and skipped == (dt.date(2180, 3, 1) - dt.date(2160, 1, 1)).days
    result = point_projection(late)
    assert result.days[0] == np.datetime64("2180-03-01") and np.isfinite(result.series["us_imports_from_china"]).all()
    early = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2044-12-31", "end": "2046-12-31"}}, "early"
    )
    assert with_history(early)[0].start == dt.date(2024, 1, 1)


TERMINATED_BEFORE_INITIALIZER = """
import multiprocessing, os, signal, time
from simulator.uncertainty import executors

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, interrupt)
quiet = executors._quiet_signals

def slow_initializer():
    time.sleep(1.0)  # the pool is ended before the workers set their own handlers
    quiet()

executors._quiet_signals = slow_initializer
Pool = type(multiprocessing.get_context("fork").Pool(1))

class Signalled(Pool):
    def __init__(self, *arguments, **keywords):
        os.kill(os.getpid(), signal.SIGTERM)
        super().__init__(*arguments, **keywords)

multiprocessing.context.ForkContext.Pool = lambda self, *a, **k: Signalled(*a, context=self, **k)
try:
    list(executors.fork_map(abs, [-1, -2], workers=2))
except KeyboardInterrupt:
    print("interrupted", multiprocessing.active_children())
"""


def test_workers_ended_before_their_initializer_still_die():
    """Forked with the parent's deferring handlers, workers ended at once noted the SIGTERM and lived on: the pool
    waited for them for ever (a CI run hung on it)."""
    done = subprocess.run(
        [sys.executable, "-c", TERMINATED_BEFORE_INITIALIZER], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "interrupted []", done.stderr


LEFT_OUT = "the years whose every month in the horizon Census has published"


def test_the_spread_table_leaves_out_the_years_census_has_published(tmp_path):
    """2025 showed a range of $296.5–324.3bn of imports under 'Uncertainty', though Census recorded $308.4bn: the
    draws differ there only in how the model fits the record (analyst review)."""
    from simulator.outputs.report import write_reports

    baseline = load_scenario("baseline-2024")
    short = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2025-12-31"}}, "short"
    )
    later = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2024-03-01", "end": "2026-12-31"}}, "later"
    )
    write_reports([load_scenario("documented-2025"), short, later], tmp_path, baseline, draws=50, seed=1)
    page = (tmp_path / "documented-2025" / "summary.md").read_text(encoding="utf-8")
    spread = page.split("## Uncertainty over 50 Monte Carlo draws")[1].split("##")[0]
    assert f"from 2026 on: {LEFT_OUT} (2024 and 2025) are left out" in spread
    assert [line.split("|")[1].strip() for line in spread.splitlines() if line.startswith("| 20")] == ["2026", "2027"]
    # a horizon of recorded years only: every year is shown, and no year is said to be left out
    page = (tmp_path / "short" / "summary.md").read_text(encoding="utf-8")
    spread = page.split("## Uncertainty over 50 Monte Carlo draws")[1].split("##")[0]
    assert "left out" not in spread
    assert [line.split("|")[1].strip() for line in spread.splitlines() if line.startswith("| 20")] == ["2024", "2025"]
    # a horizon from March 2024: its ten months of 2024 are all recorded, so that year is left out too
    page = (tmp_path / "later" / "summary.md").read_text(encoding="utf-8")
    spread = page.split("## Uncertainty over 50 Monte Carlo draws")[1].split("##")[0]
    assert f"from 2026 on: {LEFT_OUT} (2024 and 2025) are left out" in spread
    assert [line.split("|")[1].strip() for line in spread.splitlines() if line.startswith("| 20")] == ["2026"]
