"""A what-if's effect with its range: the what-if and the scenario it extends on the same draws."""

import numpy as np
import pytest

from simulator.api import load_scenario, run, scenario_from_data
from simulator.inputs.problems import ArgumentError
from simulator.model.variables import VARIABLES
from simulator.outputs.pages import effect_horizon_note, effect_rows, effect_tables
from simulator.uncertainty.draws import monte_carlo
from tests.conftest import STEP_TITLE, forced_labour_step

DRAWS = 600


def test_a_what_if_that_changes_nothing_has_no_effect_in_any_draw():
    # every random input the two share takes the same numbers: a single unshared one would spread the difference
    retitled = scenario_from_data({"title": "Same path", "extends": "documented-2025"}, "same-path")
    effects = monte_carlo(retitled, DRAWS, seed=5, against=retitled.extended).effects
    assert effects is not None and effects.against == "documented-2025"
    for frequency in ("monthly", "annual"):
        for name in VARIABLES:
            assert not effects.periods[frequency][1][name].any(), (frequency, name)


def test_fixing_an_estimated_parameter_keeps_the_other_draws():
    # the posterior is drawn whole and each scenario takes its columns, so fixing one leaves the others' numbers:
    # a fixed diversion share changes diversion only, and the flows not at all
    fixed = scenario_from_data(
        {"title": "Diversion fixed", "extends": "documented-2025", "parameters": {"diversion_share": "50%"}}, "fixed"
    )
    effects = monte_carlo(fixed, DRAWS, seed=6, against=fixed.extended).effects
    annual = effects.periods["annual"][1]
    for name in ("us_imports_from_china", "us_exports_to_china", "us_net_tariff_revenue_from_china"):
        assert not annual[name].any(), name
    assert annual["us_imports_diverted_to_third_countries"][:, -1].min() < -5


def test_an_escalation_changes_nothing_before_its_date_and_its_range_is_narrower_than_the_two_ranges():
    escalation = load_scenario("escalation")  # peak rates return on 10 November 2026
    paired = monte_carlo(escalation, DRAWS, seed=7, against=escalation.extended)
    stamps, values = paired.effects.periods["monthly"]
    before = stamps < np.datetime64("2026-10")  # buying ahead starts 31 days before the rise
    assert before.sum() == 33
    for name in VARIABLES:
        assert not values[name][:, before].any(), name
    levels = list(paired.levels)
    low, high = levels.index(5), levels.index(95)
    years, effect = paired.effects.periods["annual"][0], paired.effects.periods["annual"][1]
    assert [str(year) for year in years] == ["2024", "2025", "2026", "2027"]
    balance = effect["us_trade_balance_with_china"][:, -1]
    assert 120 < balance[low] < balance[levels.index(50)] < balance[high] < 280
    # unpaired, the two 2027 ranges overlap by far more than the effect's range is wide
    own = paired.periods["annual"][1]["us_trade_balance_with_china"][:, -1]
    parent = monte_carlo(escalation.extended, DRAWS, seed=7).periods["annual"][1]["us_trade_balance_with_china"][:, -1]
    assert (own[high] - parent[low]) - (own[low] - parent[high]) > 1.5 * (balance[high] - balance[low])
    # the median of the effect sits beside the difference of the medians, not necessarily on it
    assert abs(balance[levels.index(50)] - (own[levels.index(50)] - parent[levels.index(50)])) < 15


def test_pairing_leaves_the_what_ifs_own_quantiles_as_they_are():
    escalation = load_scenario("escalation")
    alone = monte_carlo(escalation, DRAWS, seed=8).periods
    paired = monte_carlo(escalation, DRAWS, seed=8, against=escalation.extended).periods
    for frequency in ("monthly", "annual"):
        for name in VARIABLES:
            np.testing.assert_allclose(paired[frequency][1][name], alone[frequency][1][name], rtol=1e-12)


def test_a_shorter_horizon_is_set_against_the_months_both_cover():
    shorter = scenario_from_data(
        {
            "title": "Shorter",
            "extends": "documented-2025",
            "horizon": {"start": "2025-03-15", "end": "2026-04-30"},
        },
        "shorter",
    )
    effects = monte_carlo(shorter, 200, seed=9, against=shorter.extended).effects
    months = effects.periods["monthly"][0]
    # March 2025 has 17 days in the one and 31 in the other: left out
    assert str(months[0]) == "2025-04" and str(months[-1]) == "2026-04"
    assert [str(year) for year in effects.periods["annual"][0]] == ["2025", "2026"]
    for name in VARIABLES:  # the same draws in the months both cover (refunds summed in another order: 1e-16)
        np.testing.assert_allclose(effects.periods["annual"][1][name], 0.0, atol=1e-9, err_msg=name)


def test_a_longer_horizon_is_set_against_the_parent_run_on_it_with_its_tariffs_held():
    longer = scenario_from_data(
        {
            "title": "Longer, with a 2028 step",
            "extends": "documented-2025",
            "horizon": {"start": "2024-01-01", "end": "2029-06-30"},
            "tariffs": {
                "us_on_china": {
                    "measures": {
                        "new_duty": {
                            "label": "New duty",
                            "authority": "section_301",
                            "path": [{"date": "2028-01-01", "rate": "25%"}],
                        }
                    }
                }
            },
        },
        "longer",
    )
    parent = longer.extended_over_horizon()
    assert (parent.id, parent.start, parent.end) == ("documented-2025", longer.start, longer.end)
    assert longer.extended.end.isoformat() == "2027-12-31"  # the parent itself is left as it is
    result = run(longer, draws=200, seed=12)
    imports = result.effects("annual").loc[50, "us_imports_from_china"]
    assert [str(day)[:4] for day in imports.index] == ["2024", "2025", "2026", "2027", "2028", "2029"]
    assert imports.loc["2028-01-01"] < -50 and imports.loc["2029-01-01"] < -25  # the step's effect, not cut off
    assert imports.loc["2027-01-01"] > 0  # buying ahead of it
    note = effect_horizon_note(longer)
    assert note.startswith("“Documented path") and "ends on 31 Dec 2027" in note
    assert "run on as written" in note and "truce window still open then ends" in note
    tables = effect_tables(result, 2)  # the book's tables, two years to a table
    assert [table.years for table in tables] == [("2027", "2028"), ("2029 (181 days)",)]  # the horizon cuts 2029
    assert tables[0].rows[0].label == "Imports: median" and tables[0].rows[0].cells[1].startswith("\u2212")
    assert effect_horizon_note(load_scenario("escalation")) == ""


def test_run_gives_a_what_ifs_effect_and_refuses_it_where_there_is_none():
    result = run("escalation", draws=300, seed=10)
    frame = result.effects()
    assert list(frame.index.names) == ["quantile", "date"]
    assert frame.loc[(50, "2027-01-01"), "us_trade_balance_with_china"] > 100
    assert frame.loc[(50, "2025-01-01"), "us_imports_from_china"] == 0
    assert len(result.effects("monthly").loc[50]) == 48
    with pytest.raises(ArgumentError, match=r"Result.effects\(\): result: this is a point projection"):
        run("escalation").effects()
    with pytest.raises(ArgumentError, match="a scenario that extends no other"):
        run("documented-2025", draws=100, seed=1).effects()
    with pytest.raises(ArgumentError, match="expected 'monthly' or 'annual'"):
        result.effects("weekly")


def test_the_page_lists_the_years_the_what_if_changes_with_the_median_and_the_range():
    result = run("escalation", draws=300, seed=11)
    rows = effect_rows(result)
    assert [row["year"] for row in rows] == ["2026", "2027"]
    assert rows[1]["balance_median"].startswith("+")
    low, high = rows[1]["imports_range"].split(" to ")
    assert low.startswith("\u2212") and high.startswith("\u2212")
    assert effect_rows(run("documented-2025", draws=100, seed=1)) == []


def test_a_what_ifs_folder_and_the_comparison_give_its_effect_with_the_range(tmp_path):
    import pandas as pd

    from simulator.outputs.report import write_reports

    baseline = load_scenario("baseline-2024")
    deal, documented = load_scenario("deal"), load_scenario("documented-2025")
    outcomes = write_reports([deal, documented], tmp_path, baseline, draws=200, seed=4)
    folders = {outcome.name: outcome.path for outcome in outcomes}
    effects = pd.read_csv(folders["deal"] / "effect-quantiles.csv", parse_dates=["date"])
    expected = run("deal", draws=200, seed=4).effects()["us_trade_balance_with_china"]
    found = effects.set_index(["quantile", "date"])["us_trade_balance_with_china_usd_bn_per_year"]
    assert len(found) == len(expected) == 20
    for (level, date), value in expected.items():
        assert found[(int(level), date)] == pytest.approx(value, abs=1e-6)
    assert not (folders["documented-2025"] / "effect-quantiles.csv").exists()  # it extends no other
    page = (folders["deal"] / "summary.md").read_text(encoding="utf-8")
    assert "The change against “Documented path to November 2026, then held”, with its range" in page
    assert "| 2027 |" in page.split("with its range")[1].split("##")[0]
    comparison = (folders["comparison"] / "summary.md").read_text(encoding="utf-8")
    deal_part = comparison.split("### What if: a November 2026 deal")[1].split("## Charts")[0]
    assert "Its effect on the same draws as the scenario it extends" in deal_part and "| 2027 |" in deal_part
    html = (folders["comparison"] / "index.html").read_text(encoding="utf-8")
    assert html.count("Its effect on the same draws") == 1
    # its header said "point projections" only, though the page gives ranges from draws (analyst review)
    runs = "point projections, with 200 Monte Carlo draws per scenario for the ranges of the what-ifs' effects (seed 4)"
    assert runs in comparison.splitlines()[2] and html.count(runs.replace("'", "&#39;")) == 1


def test_the_draws_of_a_short_what_if_and_a_long_parent_are_sliced_by_the_longer_grid(monkeypatch):
    """The slice of draws was set by the what-if's grid alone: a one-year what-if of a twenty-year parent projected
    the parent on 20 times the draw-days the cache bound allows."""
    from simulator.uncertainty import draws as draws_module

    long_parent = scenario_from_data(
        {
            "title": "Twenty years",
            "extends": "documented-2025",
            "horizon": {"start": "2024-01-01", "end": "2043-12-31"},
        },
        "twenty-years",
    )
    short = scenario_from_data(
        {"title": "One year", "extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2024-12-31"}},
        "one-year",
    )
    sizes = []
    original = draws_module.period_sums

    def recorded(setup, chunk, rows):
        sizes.append((rows.stop - rows.start) * len(setup.days))
        return original(setup, chunk, rows)

    monkeypatch.setattr(draws_module, "period_sums", recorded)
    monte_carlo(short, 2000, seed=1, against=long_parent)
    assert sizes and max(sizes) <= draws_module.CHUNK_CELLS


RENEWABLE_PARENT = """title: Parent with a renewable Geneva truce
extends: geneva-truce
tariffs:
  us_on_china:
    measures:
      reciprocal:
        path:
          - fact: us-reciprocal-2025-04-05
          - fact: us-reciprocal-2025-04-09
          - fact: us-reciprocal-2025-04-10
          - fact: us-reciprocal-geneva
            days: {fact: geneva-window-days}
            then: {fact: us-reciprocal-snapback}
            renewal: {probability: 70%}
  china_on_us:
    measures:
      reciprocal:
        path:
          - fact: china-reciprocal-2025-04-10
          - fact: china-reciprocal-2025-04-12
          - fact: china-reciprocal-geneva
            days: {fact: geneva-window-days}
            then: {fact: china-reciprocal-snapback}
            renewal: {probability: 70%}
"""


@pytest.mark.parametrize("dated", ["2025-03-01", "2025-06-01"])
def test_a_renewal_decision_draws_the_same_numbers_whichever_decisions_come_before_it(tmp_path, dated):
    """A what-if that added a window changing no rate, with its own renewal chance, dated before its parent's truce,
    took the truce's renewal numbers away from it: an effect of -44 to +44 on 2026 imports where there is none
    (review of this change)."""
    (tmp_path / "parent.yaml").write_text(RENEWABLE_PARENT)
    (tmp_path / "child.yaml").write_text(
        "title: Child adding a window that changes no rate\nextends: parent.yaml\ntariffs:\n  us_on_china:\n"
        "    measures:\n      dummy:\n        label: Dummy duty\n        authority: section_301\n        path:\n"
        f"          - {{date: {dated}, rate: 0%, days: 30, then: revert, renewal: {{probability: 50%}}}}\n"
    )
    child = load_scenario(str(tmp_path / "child.yaml"))
    effects = monte_carlo(child, 1000, seed=1, against=child.extended).effects
    for name in ("us_imports_from_china", "us_trade_balance_with_china", "us_tariff_revenue_from_china"):
        np.testing.assert_allclose(effects.periods["annual"][1][name], 0.0, atol=1e-9, err_msg=name)


def test_a_what_if_that_moves_none_of_the_tables_outputs_says_so(tmp_path):
    """A longer horizon alone showed rows of '+0.0 to +0.0' (sums apart by 1e-14); a fixed diversion share, which
    moves only diversion, made the section vanish without a word (review of this change)."""
    from simulator.outputs.report import write_reports

    longer = scenario_from_data(
        {
            "title": "Longer horizon",
            "extends": "documented-2025",
            "horizon": {"start": "2024-01-01", "end": "2030-12-31"},
        },
        "longer",
    )
    assert effect_rows(run(longer, draws=200, seed=3)) == []
    diversion = scenario_from_data(
        {"title": "Diversion fixed", "extends": "documented-2025", "parameters": {"diversion_share": "50%"}},
        "diversion-fixed",
    )
    (written,) = write_reports([diversion], tmp_path, load_scenario("baseline-2024"), compare=False, draws=200, seed=3)
    page = (written.path / "summary.md").read_text(encoding="utf-8")
    assert "It changes none of imports, exports, the balance and US net duties in any draw" in page
    assert "Years in which it changes none" not in page


@pytest.mark.parametrize("draws", [0, -1, 2.5, True])
def test_monte_carlo_refuses_a_count_of_draws_it_cannot_run(draws):
    with pytest.raises(ValueError, match="monte_carlo needs a whole number of draws, 1 or more"):
        monte_carlo(load_scenario("deal"), draws, seed=1)


def test_a_what_ifs_point_run_gives_its_effect_by_year_on_the_page_and_in_the_book(tmp_path):
    """A point run of a what-if listed the inputs it changes but no effect: a reader had to run the parent beside it,
    or draws, to learn what the change does (analyst review)."""
    import pypdf

    from simulator.outputs.report import write_reports

    step = forced_labour_step()
    (outcome,) = write_reports([step], tmp_path, load_scenario("baseline-2024"), compare=False)
    mine, parent = run(step).annual, run("documented-2025").annual
    change = mine.loc["2027-01-01", "us_imports_from_china"] - parent.loc["2027-01-01", "us_imports_from_china"]
    assert change < -10  # a higher duty: fewer imports
    shown = f"−{abs(change):.1f}"
    page = (outcome.path / "summary.md").read_text(encoding="utf-8")
    part = page.split("## What this what-if changes")[1].split("## Legal")[0]
    assert "Its effect in the point projection: this what-if less the scenario it extends, over the same days" in part
    assert f"| 2027 | {shown} |" in part and "| 2026 |" not in part  # no change before the step: no row
    exports = mine.loc["2027-01-01", "us_exports_to_china"] - parent.loc["2027-01-01", "us_exports_to_china"]
    assert f"| 2027 | {shown} | {'+' if exports >= 0 else '−'}{abs(exports):.1f} |" in part  # exports beside imports
    html = (outcome.path / "index.html").read_text(encoding="utf-8")
    assert html.count("Its effect in the point projection") == 1
    # units in brackets never break: the book writes their spaces as no-break spaces
    pages = [page.extract_text().replace("\xa0", " ") for page in pypdf.PdfReader(outcome.path / "chartbook.pdf").pages]
    (changes,) = [page for page in pages if "in the point projection [USD bn per year]" in page]
    assert changes.startswith("What this what-if changes") and shown.replace("−", "-") in changes
    baseline = load_scenario("baseline-2024")
    (drawn,) = write_reports([step], tmp_path / "drawn", baseline, compare=False, draws=40, seed=1)
    drawn_page = (drawn.path / "summary.md").read_text(encoding="utf-8")
    assert f"| 2027 | {shown} |" in drawn_page.split("## What this what-if changes")[1].split("## Legal")[0]
    assert "its range over the Monte Carlo draws is under Uncertainty below" in drawn_page
    # the comparison gives it too, under the what-if's inputs
    write_reports([step, load_scenario("documented-2025")], tmp_path / "both", baseline)
    comparison = (tmp_path / "both" / "comparison" / "summary.md").read_text(encoding="utf-8")
    part = comparison.split(f"### {STEP_TITLE}")[1].split("## Charts")[0]
    assert "Its effect in the point projection" in part and f"| 2027 | {shown} |" in part
