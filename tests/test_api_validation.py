"""The Python API checks its arguments like the command line: the project's own exception, saying what was expected.

Every refusal is a :class:`simulator.api.ArgumentError` (an :class:`InputError` and a ``ValueError``) raised
before any work starts; its problems name the function as the file and the argument or field as the path.
"""

import itertools
import os
import re
from pathlib import Path

import pytest
from matplotlib.text import Text

import simulator
from simulator.api import MAX_DRAWS, ArgumentError
from simulator.inputs.problems import InputError, Problem

SCENARIO = "expected a Scenario, a bundled id such as 'documented-2025' or a path to a YAML file"


def refused(call, *args, **kwargs) -> ArgumentError:
    with pytest.raises(ArgumentError) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert isinstance(error, InputError) and isinstance(error, ValueError)
    return error


def only(error: ArgumentError) -> Problem:
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


@pytest.mark.parametrize(
    ("draws", "message"),
    [
        (1.5, "expected a whole number of draws (an int) from 0 to 100,000, not 1.5"),
        (
            10.0,
            (
                "expected a whole number of draws (an int) from 0 to 100,000, not 10.0 (write it as an int, such as "
                "10_000)"
            ),
        ),
        (True, "expected a whole number of draws (an int) from 0 to 100,000, not True"),
        ("10", "expected a whole number of draws (an int) from 0 to 100,000, not '10'"),
        (None, "expected a whole number of draws (an int) from 0 to 100,000, not None"),
        (-1, "expected a whole number of draws (an int) from 0 to 100,000 (0 is a point projection), not -1"),
        (
            10**9,
            (
                "1,000,000,000 draws is more than the 100,000 a run takes unless asked (10,000 draws take seconds, "
                "10**9 take days); pass max_draws=1000000000 to allow it on purpose"
            ),
        ),
    ],
)
def test_draws_must_be_a_whole_number_within_the_bound(draws, message):
    error = refused(simulator.run, "geneva-truce", draws=draws)
    assert only(error) == Problem("run()", 0, 0, "draws", message)
    assert str(error) == f"run(): draws: {message}"


def test_the_bound_on_draws_is_stated_and_can_be_raised_on_purpose():
    assert MAX_DRAWS == 100_000
    assert "MAX_DRAWS" in simulator.api.run.__doc__ and "max_draws" in simulator.api.run.__doc__
    message = only(refused(simulator.run, "geneva-truce", draws=11, max_draws=10)).message
    assert message.startswith("11 draws is more than the 10 a run takes unless asked")
    assert only(refused(simulator.run, "geneva-truce", max_draws=-1)).path == "max_draws"
    assert only(refused(simulator.run, "geneva-truce", max_draws=1e6)).path == "max_draws"
    # raising the bound on purpose is allowed (here to check the argument only: 3 draws are cheap)
    result = simulator.run("geneva-truce", draws=3, seed=1, max_draws=3)
    assert result.uncertainty is not None


@pytest.mark.parametrize(
    ("seed", "draws"),
    [("abc", 10), ("abc", 0), (-1, 10), (-1, 0), (1.5, 10), (True, 10), ([1, 2], 10)],
)
def test_seed_is_none_or_a_whole_number_even_for_a_point_run(seed, draws):
    error = refused(simulator.run, "geneva-truce", draws=draws, seed=seed)
    assert only(error) == Problem(
        "run()", 0, 0, "seed", f"expected None or a whole number (an int) of 0 or more, not {seed!r}"
    )


def test_a_valid_seed_with_a_point_run_changes_nothing():
    assert "a point projection uses no random numbers" in " ".join(simulator.api.run.__doc__.split())
    plain = simulator.run("geneva-truce")
    seeded = simulator.run("geneva-truce", seed=7)
    assert seeded.uncertainty is None
    assert seeded.monthly.equals(plain.monthly)


@pytest.mark.parametrize(
    ("quantiles", "message"),
    [
        ((), "expected at least one level: percent levels from 0 to 100, such as (5, 50, 95)"),
        ([], "expected at least one level: percent levels from 0 to 100, such as (5, 50, 95)"),
        ("5,50", "expected a sequence of percent levels from 0 to 100, such as (5, 50, 95), not '5,50'"),
        (50, "expected a sequence of percent levels from 0 to 100, such as (5, 50, 95), not 50"),
        ((5, "50"), "expected percent levels from 0 to 100, such as (5, 50, 95), not '50' in (5, '50')"),
        ((5, float("nan")), "expected percent levels from 0 to 100, such as (5, 50, 95), not nan in (5, nan)"),
        ((5, True), "expected percent levels from 0 to 100, such as (5, 50, 95), not True in (5, True)"),
        ((5, 150), "150 is outside 0 to 100; expected percent levels from 0 to 100, such as (5, 50, 95)"),
        ((-5, 50), "-5 is outside 0 to 100; expected percent levels from 0 to 100, such as (5, 50, 95)"),
        (
            (0.05, 0.5, 0.95),
            (
                "expected percent levels from 0 to 100, such as (5, 50, 95), not fractions (0.05, 0.5, 0.95) (write "
                "(5, 50, 95))"
            ),
        ),
        ((50, 50), "each level once, please: (50, 50) repeats one"),
    ],
)
def test_quantiles_are_a_non_empty_sequence_of_percent_levels(quantiles, message):
    error = refused(simulator.run, "geneva-truce", draws=10, seed=1, quantiles=quantiles)
    assert only(error) == Problem("run()", 0, 0, "quantiles", message)


def test_quantiles_given_as_a_list_work():
    result = simulator.run("geneva-truce", draws=20, seed=1, quantiles=[10, 90])
    assert sorted(set(result.annual.index.get_level_values("quantile"))) == [10, 90]


@pytest.mark.parametrize("scenario", [None, 3, "", "   ", b"deal", ["deal"], 2.5])
def test_the_scenario_is_a_scenario_an_id_or_a_path(scenario):
    error = refused(simulator.run, scenario)
    assert only(error) == Problem("run()", 0, 0, "scenario", f"{SCENARIO}, not {scenario!r}")


@pytest.mark.parametrize("function", ["tariff_paths", "sweep"])
def test_every_function_that_takes_a_scenario_checks_it(function):
    arguments = {"sweep": ({"pass_through": ["80%"]},)}.get(function, ())
    error = refused(getattr(simulator, function), None, *arguments)
    assert only(error) == Problem(f"{function}()", 0, 0, "scenario", f"{SCENARIO}, not None")


def test_load_scenario_takes_an_id_or_a_path():
    message = "expected a bundled id such as 'documented-2025' or a path to a YAML file"
    assert only(refused(simulator.load_scenario, None)) == Problem(
        "load_scenario()", 0, 0, "path_or_id", f"{message}, not None"
    )
    assert only(refused(simulator.load_scenario, 7)).message == f"{message}, not 7"
    # a path object and an id both still work
    assert simulator.load_scenario(Path("scenarios") / "deal.yaml").id == "deal"
    assert simulator.load_scenario("deal").id == "deal"


def test_a_scenario_object_and_a_path_like_are_accepted(tmp_path):
    scenario = simulator.load_scenario("geneva-truce")
    assert simulator.tariff_paths(scenario).shape[0] > 300
    path = tmp_path / "mine.yaml"
    path.write_text("title: Mine\nextends: " + str(Path("scenarios/geneva-truce.yaml").resolve()) + "\n")
    assert simulator.tariff_paths(path).shape[0] > 300
    assert simulator.tariff_paths(os.fspath(path)).shape[0] > 300


def test_compare_checks_its_list_and_arguments_before_running():
    assert only(refused(simulator.compare, "deal")) == Problem(
        "compare()",
        0,
        0,
        "scenarios",
        "expected a list of scenarios, ids or paths, such as ['deal', 'escalation'], not 'deal'",
    )
    assert only(refused(simulator.compare, [])).message == "expected at least one scenario, id or path"
    assert only(refused(simulator.compare, None)).path == "scenarios"
    error = refused(simulator.compare, ["deal", None, 3])
    assert [problem.path for problem in error.problems] == ["scenarios[1]", "scenarios[2]"]
    assert only(refused(simulator.compare, ["deal"], draws=1.5)).path == "draws"
    assert only(refused(simulator.compare, ["deal"], draws=10, seed="abc")) == Problem(
        "compare()", 0, 0, "seed", "expected None or a whole number (an int) of 0 or more, not 'abc'"
    )
    assert only(refused(simulator.compare, ["deal"], draws=MAX_DRAWS + 1)).path == "draws"


def test_sweep_checks_grid_frequency_executor_and_progress():
    assert only(refused(simulator.sweep, "deal", ["pass_through"])) == Problem(
        "sweep()", 0, 0, "grid", "expected a mapping of parameter names to lists of values, not ['pass_through']"
    )
    assert only(refused(simulator.sweep, "deal", {"pass_through": "80%"})) == Problem(
        "sweep()", 0, 0, "grid.pass_through", "expected a list of values, such as ['80%', '100%'], not '80%'"
    )
    assert only(refused(simulator.sweep, "deal", {"pass_through": ["80%"]}, frequency="weekly")) == Problem(
        "sweep()", 0, 0, "frequency", "expected 'monthly' or 'annual', not 'weekly'"
    )
    assert only(refused(simulator.sweep, "deal", {"pass_through": ["80%"]}, executor="pool")).path == "executor"
    assert only(refused(simulator.sweep, "deal", {"pass_through": ["80%"]}, progress=3)) == Problem(
        "sweep()", 0, 0, "progress", "expected None or a function progress(done, total), not 3"
    )


def test_run_checks_progress():
    assert only(refused(simulator.run, "deal", progress="bar")).path == "progress"


def test_what_if_errors_point_at_the_field():
    with pytest.raises(simulator.InputError) as caught:
        simulator.what_if(
            "documented-2025",
            "Bad",
            parameters={"pass_through": 80, "short_run_elastcity": -1},
            horizon={"start": "2025-13-01", "end": "2027-12-31"},
        )
    error = caught.value
    assert isinstance(error, ArgumentError)
    assert {problem.file for problem in error.problems} == {"what_if()"}
    assert {(problem.line, problem.column) for problem in error.problems} == {(0, 0)}
    paths = [problem.path for problem in error.problems]
    assert paths == ["horizon.start", "parameters.pass_through", "parameters.short_run_elastcity"]
    lines = str(error).splitlines()
    assert (
        lines[0] == "what_if(): horizon.start: '2025-13-01' is not a real date (expected YYYY-MM-DD, a month 01 "
        "to 12 and a day that month has)"
    )
    assert lines[1].startswith("what_if(): parameters.pass_through: a ")
    assert "1:1" not in str(error)


def test_what_if_base_must_be_a_scenario_an_id_or_a_path():
    message = "expected a Scenario, a bundled id such as 'documented-2025' or a path to a YAML file"
    assert only(refused(simulator.what_if, None, "No base")) == Problem(
        "what_if()", 0, 0, "base", f"{message}, not None"
    )
    assert only(refused(simulator.what_if, 3, "No base")).message == f"{message}, not 3"
    unknown = only(refused(simulator.what_if, "documented-2052", "Typo"))
    assert unknown.file == "what_if()" and unknown.path == "base"
    assert unknown.message.startswith("unknown scenario 'documented-2052' (did you mean 'documented-2025'?)")


def test_what_ifs_build_on_one_another_in_code_as_files_do():
    """A what-if may extend a Scenario object, loaded from a file or itself built in code: the result is the one a
    chain of files would give, and its problems point at its own fields."""
    lower = simulator.what_if("documented-2025", "Lower pass-through", parameters={"pass_through": "80%"})
    both = simulator.what_if(lower, "Lower pass-through, flat trend", parameters={"import_growth": "0%"})
    assert (both.id, both.parent, both.extended.id) == ("lower-pass-through-flat-trend", lower.id, lower.id)
    assert both.parameters.pass_through.value == 80.0 and both.parameters.import_growth.value == 0.0
    assert set(both.parameters_set) == {"pass_through", "import_growth"}
    in_files = simulator.scenario_from_data(
        {
            "title": "Lower pass-through, flat trend",
            "extends": "documented-2025",
            "parameters": {"pass_through": "80%", "import_growth": "0%"},
        },
        "lower-pass-through-flat-trend",
    )
    assert both.parameters == in_files.parameters and both.tariffs == in_files.tariffs
    expires = simulator.what_if(
        simulator.load_scenario("truce-expires"), "Expiry, 90% pass-through", parameters={"pass_through": "90%"}
    )
    assert expires.parent == "truce-expires" and expires.tariffs == simulator.load_scenario("truce-expires").tariffs
    problem = only(refused(simulator.what_if, lower, "Too much", parameters={"pass_through": "180%"}))
    assert (problem.file, problem.path) == ("what_if()", "parameters.pass_through")
    new = {"us_on_china": {"measures": {"novel": {"path": [{"date": "2025-05-01", "rate": "10%"}]}}}}
    problem = only(refused(simulator.what_if, lower, "New measure", tariffs=new))
    assert problem.path == "tariffs.us_on_china.measures.novel" and "needs its 'authority'" in problem.message


def test_what_if_title_and_id_are_checked():
    assert only(refused(simulator.what_if, "deal", None)) == Problem(
        "what_if()", 0, 0, "title", "expected the what-if's title as text, not None"
    )
    assert only(refused(simulator.what_if, "deal", "Fine", scenario_id="")).path == "scenario_id"
    assert only(refused(simulator.what_if, "deal", "Fine", extends="geneva-truce")).path == "extends"


def test_what_if_problems_in_a_parent_file_keep_their_place(tmp_path):
    parent = tmp_path / "parent.yaml"
    parent.write_text("title: Parent\nextends: deal\nparameters:\n  pass_through: 1.5\n", encoding="utf-8")
    error = refused(simulator.what_if, str(parent), "Child")
    problem = only(error)
    assert problem.line == 4 and problem.column == 17 and problem.path == "parameters.pass_through"
    assert problem.file.endswith("parent.yaml")
    assert str(error) == str(problem)


def test_scenario_from_data_locates_by_field():
    error = refused(simulator.scenario_from_data, {"title": "x", "extends": "deal"}, "mine")
    assert only(error).file == "<code>" and only(error).path == "title" and only(error).line == 0
    assert only(refused(simulator.scenario_from_data, ["title"], "mine")).path == "data"
    assert only(refused(simulator.scenario_from_data, {"extends": "deal"}, None)).path == "scenario_id"


def test_scenario_data_in_code_is_held_to_what_a_file_could_hold():
    """Control characters, a list that holds itself and a blank title are refused as in a file; numpy's numbers, as a
    notebook hands them over, are numbers."""
    import numpy as np

    bell = only(refused(simulator.scenario_from_data, {"extends": "deal", "title": "A\x07title"}, "mine"))
    assert (bell.path, bell.line) == ("title", 0)
    assert "character U+0007 (a control character) is not allowed in scenario data" in bell.message
    key = only(refused(simulator.scenario_from_data, {"extends": "deal", "parameters": {"\u202epass": 1}}, "mine"))
    assert key.path == "parameters" and "U+202E" in key.message
    events: list = []
    events.append(events)
    looped = only(refused(simulator.scenario_from_data, {"extends": "deal", "events": events}, "mine"))
    assert looped.path == "events[0]" and "holds itself" in looped.message
    blank = only(refused(simulator.scenario_from_data, {"extends": "deal", "title": "    "}, "mine"))
    assert blank.path == "title" and "blank or too short" in blank.message
    numbers = {"shipping_lag_days": np.int64(20), "short_run_elasticity": np.float32(-0.5)}
    scenario = simulator.scenario_from_data({"extends": "deal", "parameters": numbers}, "mine")
    assert scenario.parameters.shipping_lag_days.value == 20.0
    assert scenario.parameters.short_run_elasticity.value == -0.5


def test_scenario_data_in_code_is_text_and_bounded_as_a_file_is():
    """Bytes are not text (they skipped the character checks, and as 'extends' were dropped without a word); any
    mapping reads as a dict; data bigger than a file may be is refused at once; names and ids are checked."""
    import types

    base = {"title": "What if: code", "extends": "deal"}
    dropped = only(refused(simulator.scenario_from_data, {"title": "What if: b", "extends": b"deal"}, "k"))
    assert (dropped.path, dropped.message) == ("extends", "expected text, not bytes (decode them first)")
    escape = only(refused(simulator.scenario_from_data, {**base, "description": b"a\x1b[31m"}, "k"))
    assert escape.path == "description" and "not bytes" in escape.message
    assert only(refused(simulator.scenario_from_data, {**base, "title": memoryview(b"What if")}, "k")).path == "title"
    proxy = types.MappingProxyType({"pass_through": "80%"})
    assert simulator.scenario_from_data({**base, "parameters": proxy}, "k").parameters.pass_through.value == 80.0
    many = only(refused(simulator.scenario_from_data, {**base, "parameters": {f"p{i}": 1 for i in range(20_000)}}, "k"))
    assert many.message == "holds more than 10,000 values, far more than a scenario needs"
    long = only(refused(simulator.scenario_from_data, {**base, "description": "x" * 300_000}, "k"))
    assert long.message == "holds more than 256,000 characters, far more than a scenario needs"
    for scenario_id in ("../../etc/passwd", "a\nb", "x" * 121, ""):
        assert only(refused(simulator.scenario_from_data, base, scenario_id)).path == "scenario_id"
    assert only(refused(simulator.what_if, "deal", "What if: id", scenario_id="a/b")).path == "scenario_id"
    for name in (5, None, "a\nb"):
        assert only(refused(simulator.scenario_from_data, base, "k", name)).path == "name"
    invisible = only(refused(simulator.scenario_from_data, {**base, "title": "\u200b\u200b\u200b"}, "k"))
    assert invisible.path == "title" and "blank or too short" in invisible.message


def test_dir_lists_the_public_api_only():
    names = dir(simulator)
    assert "run" in names and "load_scenario" in names and "what_if" in names
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib", "version"} & set(names)
    assert all(not name.startswith("_") or name == "__version__" for name in names)
    assert set(simulator.api.__all__) >= {"ArgumentError", "MAX_DRAWS"}


def test_what_ifs_are_named_after_their_titles_and_compare_refuses_two_of_one_name():
    lower = simulator.what_if("documented-2025", "Lower pass-through (80%)", parameters={"pass_through": "80%"})
    lowest = simulator.what_if("documented-2025", "Lowest pass-through", parameters={"pass_through": "60%"})
    assert (lower.id, lowest.id) == ("lower-pass-through-80", "lowest-pass-through")
    assert simulator.what_if("documented-2025", "中美关税").id == "what-if"  # no Latin letters or digits to name it
    assert only(refused(simulator.compare, [lower, "deal", lower])) == Problem(
        "compare()",
        0,
        0,
        "scenarios[2]",
        "scenarios[0] is also named 'lower-pass-through-80': tables and charts could not tell them apart; give each "
        "its own scenario_id",
    )


def test_result_and_comparison_methods_check_their_arguments():
    result = simulator.run("documented-2025")
    several = simulator.compare(["documented-2025", "deal"])
    cases = [
        (
            lambda: result.to_frame("yearly"),
            "Result.to_frame(): frequency: expected 'monthly' or 'annual', not 'yearly'",
        ),
        (lambda: several.frame("quarterly"), "Comparison.frame(): frequency: expected 'monthly' or 'annual'"),
        (lambda: result.plot("balanse"), "Result.plot(): chart: unknown chart 'balanse' (did you mean 'balance'?)"),
        (lambda: several.plot("import"), "Comparison.plot(): what: unknown plot 'import' (did you mean 'imports'?)"),
        (
            lambda: several.plot("balance", reference="dela"),
            (
                "Comparison.plot(): reference: 'dela' is not among the compared scenarios (did you mean 'deal'?); "
                "expected one of: documented-2025, deal (or None)"
            ),
        ),
        (lambda: several.plot("balance", reference=42), "Comparison.plot(): reference: 42 is not among"),
    ]
    for call, message in cases:
        with pytest.raises(ArgumentError) as raised:
            call()
        assert str(raised.value).startswith(message)
    # the reference named is the one drawn at zero
    texts = [text.get_text() for text in several.plot("balance", reference="deal").findobj(Text)]
    assert "Reference: A November 2026 deal ends the 12.5% duty and China's 2025 tariffs (the zero line below)" in texts


def test_a_fan_chart_needs_its_quantiles_and_says_so():
    odd = simulator.run("documented-2025", draws=50, seed=1, quantiles=[2.5, 50, 97.5])
    with pytest.raises(ValueError, match=r"the fan chart needs the 5, 25, 50, 75 and 95% quantiles of the draws"):
        odd.plot("fan")
    assert simulator.run("documented-2025", draws=50, seed=1).plot("fan") is not None


def test_a_result_beside_the_census_months():
    frame = simulator.run("documented-2025").against_census()
    assert [str(month.date()) for month in frame.index[[0, -1]]] == ["2025-01-01", "2026-04-01"]  # the fitted months
    january = frame.iloc[0]
    assert round(january.imports_actual, 1) == 41.6  # the Census record of January 2025 [USD bn]
    assert january.imports_error_percent == pytest.approx(100 * (january.imports_model / january.imports_actual - 1))
    later = simulator.what_if(
        "documented-2025", "Later", horizon={"start": "2026-05-01", "end": "2026-12-31"}, scenario_id="later"
    )  # starts the month after the record's last, April 2026
    with pytest.raises(ArgumentError, match=r"holds no whole month Census observed after 2024"):
        simulator.run(later).against_census()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"last_month": "2024-06"},
            "last_month: expected a month the record holds after the calibration year, 2025-01 to 2026-04, not 2024-06",
        ),
        ({"last_month": "2027-01"}, "not 2027-01"),
        ({"last_month": "2025-13"}, "last_month: expected a month written 'YYYY-MM', such as '2025-06', not '2025-13'"),
        ({"last_month": "2025-06-30"}, "not '2025-06-30'"),
        ({"last_month": 202506}, "not 202506"),
        ({"starts": 0}, "starts: expected a whole number of starting points from 1 to 20, not 0"),
        ({"starts": 21}, "from 1 to 20, not 21"),  # as `simulate fit --starts` takes
        ({"starts": True}, "not True"),
    ],
)
def test_fit_checks_its_arguments_before_estimating(arguments, message):
    with pytest.raises(ArgumentError, match=re.escape(message)):
        simulator.fit(**arguments)


def test_the_estimates_name_what_is_estimated():
    from simulator.inputs.estimates import load_estimates

    estimates = load_estimates()
    with pytest.raises(ArgumentError, match=r"'pass_through' is not estimated; the estimated parameters: short_run"):
        estimates.interval("pass_through")
    with pytest.raises(ArgumentError, match=r"'adjustment_day' is not estimated \(did you mean 'adjustment_days'\?\)"):
        estimates.value("adjustment_day")


def test_a_grid_given_in_code_is_located_by_the_function_not_a_file_position():
    with pytest.raises(ArgumentError) as raised:
        simulator.sweep("documented-2025", {"pass_thru": ["80%"], "pass_through": [80]})
    shown = sorted(str(raised.value).splitlines())
    assert len(shown) == 2
    assert shown[0].startswith("sweep(): grid.pass_through[0]: a share needs a percent sign")
    assert shown[1].startswith("sweep(): grid.pass_thru: unknown key 'pass_thru' (did you mean 'pass_through'?)")


def test_aggregate_and_backtest_refuse_what_they_would_misread():
    """Result.aggregate gave calendar years for 'Monthly', 'weekly', None or 42; backtest(refresh='no') started the
    minutes-long recompute that rewrites the kept file (hostile review)."""
    result = simulator.run("geneva-truce")
    for frequency in ("Monthly", "weekly", None, 42):
        with pytest.raises(ArgumentError, match=r"Result.aggregate\(\): frequency: expected 'daily', 'monthly' or"):
            result.aggregate(frequency)
    assert len(result.aggregate("monthly")[0]) == 48 and len(result.aggregate("daily")[0]) == len(result.days)
    for refresh in ("no", 0, None):
        with pytest.raises(ArgumentError, match=r"backtest\(\): refresh: expected True or False"):
            simulator.backtest(refresh=refresh)


GRID_OF_TEN = {
    name: [1 + step for step in range(10)]
    for name in (
        "shipping_lag_days",
        "adjustment_days",
        "recovery_slowness",
        "long_run_adjustment_years",
        "anticipation_days",
        "in_transit_days",
        "payment_lag_days",
    )
} | {name: [f"{10 * step}%" for step in range(10)] for name in ("pass_through", "diversion_share", "collection_share")}


def test_a_grid_too_big_for_memory_is_refused_before_any_work_naming_its_rows_and_the_limit(monkeypatch):
    """Ten parameters of ten values each were listed as ten billion points until memory ran out when the values came
    as checked quantities, and a grid in code was held to its points alone, not its rows (hostile review)."""
    from simulator.inputs.quantities import Number
    from simulator.uncertainty import sweeps

    huge = only(refused(simulator.sweep, "geneva-truce", GRID_OF_TEN))
    assert (huge.file, huge.path) == ("sweep()", "grid")
    assert huge.message.startswith("the grid has 10,000,000,000 points, 40,000,000,000 rows per variable; at most")
    endless = only(refused(simulator.sweep, "geneva-truce", {"adjustment_days": itertools.count(1)}))
    assert endless.message.startswith("the grid has 1,000,001 points")
    monkeypatch.setattr(sweeps, "MAX_ROWS", 100)
    checked = {"adjustment_days": [Number(20.0), Number(30.0)], "recovery_slowness": [Number(1.0), Number(2.0)]}
    monthly = only(refused(simulator.sweep, "geneva-truce", checked, frequency="monthly"))
    assert monthly.message.startswith("the grid's 4 points over 48 periods make 192 rows per variable; at most 100")


def test_scenario_data_in_code_that_no_file_could_hold_is_a_located_argument_error():
    """A generator or a dict view stopped a what-if in code with a traceback from copying it, and a set or a range
    was read in an order of its own (hostile review)."""
    import threading

    base = {"title": "What if: code", "extends": "deal"}
    path = ("tariffs", "us_on_china", "measures", "forced_labour", "path")
    for value, kind in (
        ((rate for rate in ["80%"]), "generator"),
        ({"80%"}.__iter__(), "set_iterator"),
        ({}.keys(), "dict_keys"),
        (threading.Lock(), "lock"),
        (object(), "object"),
    ):
        problem = only(refused(simulator.scenario_from_data, {**base, "parameters": {"pass_through": value}}, "k"))
        assert (problem.file, problem.line, problem.path) == ("<code>", 0, "parameters.pass_through")
        assert problem.message.endswith(f"a list or a mapping, not a value of type {kind}")
    for value in ({1, 2}, range(2)):
        tariffs = {"us_on_china": {"measures": {"forced_labour": {"path": value}}}}
        assert only(refused(simulator.scenario_from_data, {**base, "tariffs": tariffs}, "k")).path == ".".join(path)
    for value in (float("nan"), b"-1"):
        parameters = {"short_run_elasticity": value}
        assert only(refused(simulator.scenario_from_data, {**base, "parameters": parameters}, "k")).path == (
            "parameters.short_run_elasticity"
        )
