"""The notebook API: rich display, plot helpers, compare and what_if."""

import re

import pytest
from matplotlib.figure import Figure

import simulator
from simulator.model.variables import VARIABLES
from tests.conftest import HOSTILE_TITLE


def test_a_result_shows_its_key_numbers_beside_the_census_record():
    html = simulator.run("documented-2025")._repr_html_()
    cells = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", html)
    assert cells[:5] == ["", "2024 (model)", "2025 (model)", "2026 (model, 4 months in Census)", "2027 (projected)"]
    row = cells.index("US balance with China (exports − imports)")
    census = cells.index("<em>US balance with China, Census</em>")
    # the model's 2025 balance is not the record's: each in its own row, the Census one only for observed years
    assert cells[row + 1 : row + 3] == ["−295.5", "−183.5"] and cells[census + 1 : census + 5] == [
        "−295.5",
        "−202.1",
        "–",
        "–",
    ]
    assert "Balance against the path without the 2025 tariffs" in cells


def test_a_comparison_shows_a_table_per_measure_with_the_census_row():
    html = simulator.compare(["documented-2025", "truce-expires"])._repr_html_()
    tables = re.findall(r"<table.*?</table>", html)
    assert len(tables) == 4  # imports, exports, balance, US duties collected
    cells = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", tables[2])
    assert cells[:3] == ["US balance with China (exports − imports) [USD bn]", "2024 (model)", "2025 (model)"]
    census = cells.index("<em>Census</em>")
    assert cells[census + 1 : census + 3] == ["−295.5", "−202.1"]
    documented = cells.index("Documented path to November 2026, then held")
    assert cells[documented + 1 : documented + 3] == ["−295.5", "−183.5"]  # the model's 2025, apart from the record's
    assert "The truce expires after 90 days" in cells


def test_a_scenario_shows_its_dated_paths_with_sources_escaped():
    scenario = simulator.what_if("documented-2025", HOSTILE_TITLE)
    html = scenario._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Reciprocal duty from 14 May 2025" in html and "10% for 90 days, then 34%" in html
    assert "The White House" in html and "Joint Statement on U.S.-China Economic and Trade Meeting in Geneva" in html


def test_plots_are_figures_that_show_themselves():
    result = simulator.run("geneva-truce")
    for chart in ("tariffs", "trade", "balance", "revenue", "backtest"):
        figure = result.plot(chart)
        assert isinstance(figure, Figure)
    assert figure._repr_png_().startswith(b"\x89PNG")
    from simulator.inputs.problems import ArgumentError

    with pytest.raises(ArgumentError, match=r"Result.plot\(\): chart: the fan chart needs Monte Carlo draws"):
        result.plot("fan")
    with pytest.raises(ValueError, match="unknown chart"):
        result.plot("pie")


def test_compare_lines_scenarios_up():
    both = simulator.compare(["truce-expires", "no-busan-deal"])
    frame = both.frame("annual")
    assert set(frame["scenario"]) == {"truce-expires", "no-busan-deal"} and len(frame) == 2 * 4 * len(VARIABLES)
    keys = both.key_numbers()
    assert list(keys["scenario"].unique()) == ["truce-expires", "no-busan-deal"]
    assert set(both.differences()["scenario"]) == {"truce-expires", "no-busan-deal"}
    for what in ("imports", "exports", "balance", "tariffs", "revenue"):
        assert isinstance(both.plot(what), Figure)
    assert "<table" in both._repr_html_()
    with pytest.raises(ValueError, match="unknown plot"):
        both.plot("pie")


def test_what_if_is_validated_like_a_file():
    lower = simulator.what_if("documented-2025", "Lower pass-through", parameters={"pass_through": "80%"})
    assert lower.parameters.number("pass_through") == pytest.approx(0.8) and lower.parent == "documented-2025"
    with pytest.raises(simulator.InputError) as error:
        simulator.what_if("documented-2025", "Bad", parameters={"pass_through": 80, "short_run_elastcity": -1})
    text = str(error.value)
    assert "what_if(): parameters.pass_through: a share needs a percent sign" in text
    assert (
        "what_if(): parameters.short_run_elastcity: unknown key" in text
        and "did you mean 'short_run_elasticity'?" in text
    )


def test_the_plain_text_of_results_and_scenarios_is_one_short_line():
    """`print(result)` in a console or a saved notebook: the dataclasses' own text showed every daily array and dated
    entry (33,000 characters for one result); each names what it is in one line instead."""
    result = simulator.run("documented-2025", draws=50, seed=1)
    texts = {
        repr(result): "<Result 'documented-2025': point projection and 50 draws, 2024-01-01 to 2027-12-31, ",
        repr(result.scenario): "<Scenario 'documented-2025': 'Documented path",
        repr(result.uncertainty): "<DrawsSummary: 50 draws, seed 1, quantiles 5, 25, 50, 75, 95>",
        repr(simulator.load_scenario("deal")): "<Scenario 'deal': ",
        repr(simulator.compare(["documented-2025", "deal"])): "<Comparison of 'documented-2025', 'deal'>",
    }
    for text, start in texts.items():
        assert text.startswith(start) and len(text) < 200 and "\n" not in text
    assert repr(simulator.load_scenario("deal")).endswith(", extends 'documented-2025'>")


def test_the_tornado_table_for_any_flow_and_year_without_draws():
    """simulator.tornado: each input at its 5th and 95th percentile, the others central, largest swing first; the
    swings are the report chart's, for the flow and year asked."""
    from simulator.inputs.problems import ArgumentError
    from simulator.uncertainty.tornado import tornado

    table = simulator.tornado("documented-2025", "us_imports_from_china", 2026)
    inner = tornado(simulator.load_scenario("documented-2025"), "us_imports_from_china", 2026)
    assert list(table.columns) == ["input", "low_setting", "high_setting", "at_low", "at_high", "central", "swing"]
    assert list(table["input"]) == [swing.name for swing in inner.swings]
    assert list(table["at_low"]) == [swing.low for swing in inner.swings]
    assert (table["central"] == inner.central).all() and inner.central == pytest.approx(312.2, abs=0.05)
    sizes = table["swing"].abs().tolist()
    assert sizes == sorted(sizes, reverse=True) and table["input"][0] == "switching to other suppliers, imports"
    assert (table["swing"] == table["at_high"] - table["at_low"]).all()
    assert simulator.tornado("documented-2025")["central"][0] == pytest.approx(
        tornado(simulator.load_scenario("documented-2025")).central
    )
    for arguments, told in [
        ({"variable": "us_effective_tariff_on_china"}, "variable: 'us_effective_tariff_on_china' is a rate"),
        ({"variable": "us_imports"}, "did you mean 'us_imports_from_china'?"),
        ({"year": 2030}, "year: expected a year the horizon holds whole (2024 to 2027), not 2030"),
        ({"year": True}, "not True"),
    ]:
        with pytest.raises(ArgumentError, match=re.escape(told)):
            simulator.tornado("documented-2025", **arguments)
    with pytest.raises(simulator.InputError) as caught:  # every wrong argument at once, the scenario's too
        simulator.tornado("no-such-scenario", "balance", "x")
    assert [problem.path for problem in caught.value.problems] == ["", "variable", "year"]


def test_a_coverage_change_is_told_as_a_share_of_the_trade_the_measure_can_reach():
    """The forced-labour duty skips goods under Section 232; 'coverage: 100%' on its entry covers all of the rest,
    not all of the trade, and the differences say so."""
    mine = simulator.what_if(
        "documented-2025",
        "A 25% forced-labour duty on all it can reach",
        tariffs={
            "us_on_china": {
                "measures": {"forced_labour": {"path": [{"date": "2026-12-01", "rate": "25%", "coverage": "100%"}]}}
            }
        },
    )
    (row,) = simulator.compare(["documented-2025", mine]).differences().to_dict("records")
    assert row["after"] == "25% on 100% of the trade not under Section 232 (national security)"


def test_the_tornado_chart_of_a_point_run_is_the_chart_of_a_run_with_draws():
    """The swings are point runs at each input's percentiles: a notebook draws the chart without draws, and it is the
    chart a run with draws shows (the same texts: inputs, settings, values)."""
    from matplotlib.text import Text

    def texts(figure):
        return sorted(text.get_text() for text in figure.findobj(Text) if text.get_text())

    point = simulator.run("documented-2025").plot("tornado")
    drawn = simulator.run("documented-2025", draws=40, seed=1).plot("tornado")
    assert texts(point) == texts(drawn) and any("export trend" in text for text in texts(point))
