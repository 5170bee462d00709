"""Exact dated tariff paths: the documented 2025 path and the rules of steps and windows."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.api import scenario_from_data
from simulator.inputs.facts import load_facts
from simulator.inputs.problems import InputError
from simulator.inputs.scenario import PathEntry
from simulator.model.tariff_paths import day_grid, step_values, tariff_arrays
from simulator.model.timeline import schedule

D = dt.date


def rate_on(paths, column, day):
    return float(paths.loc[np.datetime64(day), column])


@pytest.fixture(scope="module")
def documented():
    return simulator.tariff_paths(simulator.load_scenario("documented-2025"))


US, CN = "us_additional_tariff_on_china", "china_additional_tariff_on_us"
US_EFF, CN_EFF = "us_effective_additional_tariff_on_china", "china_effective_additional_tariff_on_us"


@pytest.mark.parametrize(
    ("day", "us", "china"),
    [
        ("2024-12-31", 0, 0),
        ("2025-02-03", 0, 0),
        ("2025-02-04", 10, 0),
        ("2025-03-03", 10, 0),
        ("2025-03-04", 20, 0),
        ("2025-04-04", 20, 0),
        ("2025-04-05", 30, 0),
        ("2025-04-08", 30, 0),
        ("2025-04-09", 104, 0),
        ("2025-04-10", 145, 84),
        ("2025-04-11", 145, 84),
        ("2025-04-12", 145, 125),
        ("2025-05-13", 145, 125),
        ("2025-05-14", 30, 10),
        ("2025-06-05", 30, 10),
        ("2025-08-11", 30, 10),
        ("2025-08-12", 30, 10),
        ("2025-11-09", 30, 10),
        ("2025-11-10", 20, 10),
        ("2026-02-23", 20, 10),
        ("2026-02-24", 10, 10),  # IEEPA's 20 gone, Section 122's 10 in
        ("2026-07-23", 10, 10),  # the surcharge's last day
        ("2026-07-24", 12.5, 10),  # the Section 301 forced-labour duty
        ("2026-11-10", 12.5, 10),  # the one-year suspensions end: nothing found, nothing changes
        ("2027-12-31", 12.5, 10),
    ],
)
def test_documented_headline_rates(documented, day, us, china):
    assert rate_on(documented, US, day) == us
    assert rate_on(documented, CN, day) == china


def test_documented_effective_rates_weight_the_carve_out_and_targeted_measures(documented):
    # on 10 April 2025 Section 232 covers steel 2.8%, aluminium 1.6% (at 25%) and autos 0.52%; the reciprocal duty
    # reaches the 78% outside the carve-out of the trade not under Section 232
    section_232 = 25 * (0.028 + 0.016 + 0.0052)
    assert rate_on(documented, US_EFF, "2025-04-10") == pytest.approx(20 + 125 * 0.78 * (1 - 0.0492) + section_232)
    assert rate_on(documented, f"{US_EFF}_section_232", "2025-04-10") == pytest.approx(section_232)
    # after Geneva auto parts (6.8% at 25%) are in too
    assert rate_on(documented, f"{US_EFF}_ieepa", "2025-05-14") == pytest.approx(20 + 10 * 0.78 * (1 - 0.1172))
    # after the ruling: the 10% surcharge on 57.8% of the trade outside Section 232 (14.92% then)
    assert rate_on(documented, f"{US_EFF}_ieepa", "2026-02-24") == 0
    assert rate_on(documented, f"{US_EFF}_section_122", "2026-02-24") == pytest.approx(10 * 0.578 * (1 - 0.1492))
    assert rate_on(documented, f"{US_EFF}_section_122", "2026-07-24") == 0
    # China before April: only targeted measures, weighted by the trade they cover
    assert rate_on(documented, CN_EFF, "2025-02-10") == pytest.approx(0.0293 * 15 + 0.0419 * 10)
    assert rate_on(documented, CN_EFF, "2025-03-10") == pytest.approx(0.0293 * 15 + 0.0419 * 10 + 0.1501 * 12.5)
    # the farm tariffs end on 2025-11-10
    assert rate_on(documented, CN_EFF, "2025-11-10") == pytest.approx(0.0293 * 15 + 0.0419 * 10 + 10)
    assert rate_on(documented, f"{CN_EFF}_retaliation", "2025-11-10") == rate_on(documented, CN_EFF, "2025-11-10")


def test_frame_is_daily_over_the_horizon(documented):
    assert documented.index[0] == np.datetime64("2024-01-01") and documented.index[-1] == np.datetime64("2027-12-31")
    assert len(documented) == (D(2027, 12, 31) - D(2024, 1, 1)).days + 1
    by_authority = [f"{US_EFF}_{name}" for name in ("ieepa", "section_301", "section_232", "section_122", "other")]
    assert list(documented.columns) == [
        US,
        US_EFF,
        *by_authority,
        CN,
        CN_EFF,
        f"{CN_EFF}_retaliation",
        f"{CN_EFF}_other",
    ]
    assert np.allclose(documented[by_authority].sum(axis=1), documented[US_EFF])


def test_baseline_has_no_additional_tariff():
    paths = simulator.tariff_paths(simulator.load_scenario("baseline-2024"))
    assert (paths.to_numpy() == 0).all()


@pytest.mark.parametrize(
    ("scenario", "day", "us", "china"),
    [
        ("geneva-truce", "2025-08-11", 30, 10),
        ("geneva-truce", "2025-08-12", 54, 34),  # the suspended 24 points return
        ("geneva-truce", "2027-12-31", 54, 34),  # the seeds know no court ruling
        ("truce-expires", "2025-08-11", 30, 10),
        ("truce-expires", "2025-08-12", 145, 125),  # the 91st day
        ("truce-expires", "2026-02-24", 10, 125),  # the ruling ends the US peak; China's stays
        ("truce-expires", "2027-12-31", 12.5, 125),
        ("partial-snapback", "2025-08-12", 54, 34),
        ("partial-snapback", "2026-11-10", 12.5, 34),
        ("no-busan-deal", "2025-11-10", 30, 10),  # the fentanyl duty is not halved
        ("no-busan-deal", "2026-02-24", 10, 10),
        ("escalation", "2026-11-09", 12.5, 10),
        ("escalation", "2026-11-10", 157.5, 125),
        ("deal", "2026-11-09", 12.5, 10),
        ("deal", "2026-11-10", 0, 0),
        ("ieepa-upheld", "2026-02-24", 20, 10),  # no ruling, no surcharge
        ("ieepa-upheld", "2026-07-24", 32.5, 10),
        ("ieepa-upheld", "2026-11-10", 56.5, 34),  # the suspensions end as written on both sides
        ("section-122-extended", "2026-07-24", 22.5, 10),
        ("section-122-extended", "2027-12-31", 22.5, 10),
        ("china-drops-retaliation", "2026-02-23", 20, 10),
        ("china-drops-retaliation", "2026-02-24", 10, 0),
        ("november-2026-expiry", "2026-11-09", 12.5, 10),
        ("november-2026-expiry", "2026-11-10", 12.5, 34),
    ],
)
def test_what_if_paths(scenario, day, us, china):
    paths = simulator.tariff_paths(simulator.load_scenario(scenario))
    assert (rate_on(paths, US, day), rate_on(paths, CN, day)) == (us, china)


def test_what_ifs_match_documented_path_before_they_fork(documented):
    forks = [
        ("truce-expires", "2025-05-14"),
        ("escalation", "2026-11-10"),
        ("deal", "2026-11-10"),
        ("ieepa-upheld", "2026-02-24"),
        ("section-122-extended", "2026-07-24"),
        ("china-drops-retaliation", "2026-02-24"),
        ("november-2026-expiry", "2026-11-10"),
        ("no-busan-deal", "2025-11-10"),
    ]
    for scenario, fork in forks:
        paths = simulator.tariff_paths(simulator.load_scenario(scenario))
        before = paths.index < np.datetime64(fork)
        assert (paths[before].to_numpy() == documented[before].to_numpy()).all(), scenario


# ------------------------------------------------------------------ rules


def entry(**fields):
    return PathEntry.model_validate(fields, context={"facts": {}})


def series(entries, start=None, end=None):
    days = day_grid(start or D(2025, 1, 1), end or D(2025, 12, 31))
    return days, step_values(schedule(entries).changes, days)


def at(days, values, day):
    return values[np.searchsorted(days, np.datetime64(day))]


def test_step_holds_from_its_date_inclusive_until_the_next():
    days, values = series([entry(date="2025-03-04", rate="20%"), entry(date="2025-02-04", rate="10%")])
    assert [at(days, values, d) for d in ("2025-02-03", "2025-02-04", "2025-03-03", "2025-03-04", "2025-12-31")] == [
        0,
        10,
        10,
        20,
        20,
    ]


def test_window_covers_n_days_and_its_follow_up_starts_on_day_n():
    days, values = series(
        [entry(date="2025-04-10", rate="125%"), entry(date="2025-05-14", rate="10%", days=90, then="34%")]
    )
    assert at(days, values, "2025-05-14") == 10
    assert at(days, values, "2025-08-11") == 10  # 14 May + 89 days: the last day of the window
    assert at(days, values, "2025-08-12") == 34  # 14 May + 90 days: the follow-up


def test_window_reverts_to_the_rate_before_it_by_default():
    days, values = series([entry(date="2025-04-10", rate="125%"), entry(date="2025-05-14", rate="10%", days=90)])
    assert at(days, values, "2025-08-12") == 125


def test_later_entry_overrides_a_pending_revert():
    entries = [
        entry(date="2025-04-10", rate="125%"),
        entry(date="2025-05-14", rate="10%", days=90),
        entry(date="2025-07-01", rate="50%"),
    ]
    days, values = series(entries)
    assert at(days, values, "2025-07-01") == 50 and at(days, values, "2025-08-12") == 50
    # an entry on the very day the follow-up was due takes its place
    days, values = series([*entries[:2], entry(date="2025-08-12", rate="20%")])
    assert at(days, values, "2025-08-11") == 10 and at(days, values, "2025-08-12") == 20


def test_an_entry_may_take_its_date_from_a_fact_and_the_report_cites_it():
    facts = load_facts()
    cited = PathEntry.model_validate(
        {"date": {"fact": "us-suspensions-end-2026-11-10"}, "rate": "0%"}, context={"facts": facts}
    )
    assert cited.start == D(2026, 11, 10) and cited.date.fact == "us-suspensions-end-2026-11-10"
    deal = simulator.load_scenario("deal")
    assert "us-suspensions-end-2026-11-10" in deal.facts_used()
    paths = simulator.tariff_paths(deal)
    assert rate_on(paths, f"{US_EFF}_section_301", "2026-11-09") > rate_on(paths, f"{US_EFF}_section_301", "2026-11-10")


def test_a_date_citing_an_unknown_fact_or_a_money_fact_is_refused_where_it_is_written(tmp_path):
    path = tmp_path / "dated.yaml"
    path.write_text(
        "title: Dated by facts\nextends: documented-2025\ntariffs:\n  us_on_china:\n    measures:\n"
        "      forced_labour:\n        path:\n"
        "          - {date: {fact: us-suspensions-end-2026-11-1}, rate: 0%}\n"
        "          - {date: {fact: trump-xi-call-minutes}, rate: 5%}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        simulator.load_scenario(path)
    lines = str(raised.value).splitlines()
    assert any(
        ":8:" in line and "path[0].date" in line and "did you mean 'us-suspensions-end-2026-11-10'" in line
        for line in lines
    ), lines
    assert any(":9:" in line and "path[1].date" in line for line in lines), lines


def test_before_the_first_step_a_measure_adds_nothing():
    days, values = series([entry(date="2025-04-10", rate="125%")], start=D(2024, 1, 1))
    assert at(days, values, "2024-01-01") == 0 and at(days, values, "2025-04-09") == 0


@st.composite
def paths(draw):
    count = draw(st.integers(1, 6))
    offsets = sorted(draw(st.lists(st.integers(0, 700), min_size=count, max_size=count, unique=True)))
    entries = []
    for offset in offsets:
        fields = {
            "date": (D(2024, 1, 1) + dt.timedelta(days=offset)).isoformat(),
            "rate": f"{draw(st.integers(0, 200))}%",
        }
        if draw(st.booleans()):
            fields["days"] = draw(st.integers(1, 200))
            if draw(st.booleans()):
                fields["then"] = f"{draw(st.integers(0, 200))}%"
        entries.append(entry(**fields))
    return entries


@settings(max_examples=150, deadline=None)
@given(paths())
def test_series_changes_only_on_entry_or_window_end_dates(entries):
    days, values = series(entries, D(2024, 1, 1), D(2026, 6, 30))
    allowed = {np.datetime64(e.start) for e in entries}
    allowed |= {np.datetime64(e.start + dt.timedelta(days=int(e.days.value))) for e in entries if e.days}
    changed = days[1:][values[1:] != values[:-1]]
    assert set(changed) <= allowed


@settings(max_examples=150, deadline=None)
@given(paths())
def test_a_window_that_reverts_returns_exactly_to_the_prior_rate(entries):
    days, values = series(entries, D(2023, 12, 1), D(2026, 6, 30))
    starts = [e.start for e in entries]
    for index, e in enumerate(entries):
        end = e.start + dt.timedelta(days=int(e.days.value)) if e.days else None
        overridden = index + 1 < len(entries) and end is not None and starts[index + 1] <= end
        if e.days and e.then is None and not overridden and end <= D(2026, 6, 30):
            assert at(days, values, end) == at(days, values, e.start - dt.timedelta(days=1))


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["fentanyl", "reciprocal"]),
    st.lists(
        # entries before the IEEPA duties end on 2026-02-24 (day 419): a later one would change nothing and is refused
        st.tuples(st.integers(0, 418), st.integers(0, 300), st.one_of(st.none(), st.integers(1, 120))),
        min_size=1,
        max_size=4,
        unique_by=lambda item: item[0],
    ),
)
def test_extends_override_leaves_every_day_before_its_first_date_unchanged(measure, changes_):
    parent = simulator.load_scenario("documented-2025")
    path = []
    for offset, rate, days in changes_:
        item = {"date": (D(2025, 1, 1) + dt.timedelta(days=offset)).isoformat(), "rate": f"{rate}%"}
        if days:
            item["days"] = days
        path.append(item)
    child = scenario_from_data(
        {"extends": "documented-2025", "tariffs": {"us_on_china": {"measures": {measure: {"path": path}}}}}, "child"
    )
    first = np.datetime64(min(D.fromisoformat(item["date"]) for item in path))
    before_parent, before_child = tariff_arrays(parent), tariff_arrays(child)
    keep = before_parent.days < first
    for direction in ("us_on_china", "china_on_us"):
        assert np.array_equal(before_child.headline[direction][keep], before_parent.headline[direction][keep])
        assert np.array_equal(before_child.effective[direction][keep], before_parent.effective[direction][keep])


def test_a_window_keeps_the_coverage_in_force_into_its_follow_up():
    """A follow-up changes the rate, not the share of trade the measure covers: after a stated follow-up, the window's
    coverage; after a revert, the coverage before the window (a coverage left unset is the measure's default)."""
    stated = schedule(
        [
            entry(date="2025-04-10", rate="125%", coverage="60%"),
            entry(date="2025-05-14", rate="10%", days=90, then="34%", coverage="40%"),
        ]
    )
    assert [(change.date, change.percent, change.coverage) for change in stated.changes] == [
        (D(2025, 4, 10), 125, 60),
        (D(2025, 5, 14), 10, 40),
        (D(2025, 8, 12), 34, 40),
    ]
    reverted = schedule(
        [
            entry(date="2025-04-10", rate="125%", coverage="60%"),
            entry(date="2025-05-14", rate="10%", days=90, coverage="40%"),
        ]
    )
    assert reverted.changes[-1] == reverted.changes[-1].__class__(D(2025, 8, 12), 125, 60)


def test_an_entry_on_or_after_the_measures_end_never_applies():
    """The end (a statute's or its authority's) is the first day without the measure: an entry from that day on is
    dropped, with its window, and the measure is 0% from the end."""
    entries = [entry(date="2025-04-10", rate="125%"), entry(date="2026-02-24", rate="10%", days=90)]
    ended = schedule(entries, D(2026, 2, 24))
    assert [(change.date, change.percent) for change in ended.changes] == [(D(2025, 4, 10), 125), (D(2026, 2, 24), 0)]
    assert ended.windows == ()


def test_rate_on_a_day_counts_the_measures_end_when_given_its_side():
    from simulator.model.timeline import rate_on

    scenario = simulator.load_scenario("documented-2025")
    side = scenario.tariffs["us_on_china"]
    ended = [name for name, measure in side.measures.items() if side.end_of(measure) is not None]
    assert ended, "the documented path ends IEEPA's measures on the ruling"
    measure = side.measures[ended[0]]
    end = side.end_of(measure)
    written = rate_on(measure, end)  # the entries as written, ignoring the end
    assert written > 0 and rate_on(measure, end, side) == 0
    assert rate_on(measure, end - dt.timedelta(days=1), side) == rate_on(measure, end - dt.timedelta(days=1))
