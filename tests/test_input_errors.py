"""Bad input gets one located, readable message per problem, never a traceback."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.api import load_scenario, scenario_from_data
from simulator.cli import main
from simulator.inputs.loading import check_files
from simulator.inputs.problems import InputError

# fixture file -> (line, column, field path, part of the message)
EXPECTED = {
    "authority-unknown.yaml": (
        8,
        20,
        "tariffs.us_on_china.measures.fentanyl.authority",
        "unknown authority 'iepa' (did you mean 'ieepa'?)",
    ),
    "authority-wrong-side.yaml": (
        10,
        20,
        "tariffs.china_on_us.measures.counter.authority",
        "Section 232 (national security) is not levied by this side",
    ),
    "not-on-own-authority.yaml": (
        9,
        17,
        "tariffs.us_on_china.measures.surcharge.not_on",
        "a measure cannot skip the trade of its own authority",
    ),
    "ends-before-start.yaml": (
        9,
        15,
        "tariffs.us_on_china.measures.surcharge.ends",
        "ends on 2026-02-01, on or before its first entry (2026-02-24)",
    ),
    "entry-after-end.yaml": (
        12,
        13,
        "tariffs.us_on_china.measures.surcharge.path[1]",
        "comes on or after the day the measure ends (2026-07-24)",
    ),
    "negative-rate-fact.yaml": (
        9,
        19,
        "tariffs.us_on_china.measures.review.path[0].fact",
        "-41% is negative (expected 0% or more)",
    ),
    "not-on-other-side.yaml": (
        8,
        17,
        "tariffs.us_on_china.measures.review.not_on",
        "China's countermeasures (Customs Tariff Commission) is not levied by this side, so it covers no trade here",
    ),
    "end-removed-under-refunds.yaml": (
        6,
        14,
        "tariffs.us_on_china.authority_ends.ieepa",
        "the refunds that the scenario this extends books have nothing to pay back: add refunds: {ieepa: never} here",
    ),
    "entry-after-horizon.yaml": (
        8,
        13,
        "tariffs.us_on_china.measures.section_301_review.path[0]",
        "this date (2028-03-01) falls after the horizon's end (2027-12-31), so the projection never reaches it",
    ),
    "refund-after-horizon.yaml": (
        7,
        22,
        "tariffs.us_on_china.refunds.ieepa.start",
        "this date (2026-09-01) falls after the horizon's end (2026-06-30)",
    ),
    "entry-after-authority-end.yaml": (
        9,
        13,
        "tariffs.us_on_china.measures.reciprocal.path[1]",
        (
            "this entry (2026-05-01) comes on or after the end of IEEPA (emergency powers) duties (2026-02-24, "
            "authority_ends.ieepa), so it would change nothing"
        ),
    ),
    "entry-in-calibration-year.yaml": (
        8,
        13,
        "tariffs.us_on_china.measures.reciprocal.path[0]",
        (
            "this entry (2020-05-01) falls in or before 2024, the year the model is calibrated on, whose tariffs are "
            "the direction's base; date it 2025-01-01 or later (or change the base)"
        ),
    ),
    "authority-changed.yaml": (
        7,
        20,
        "tariffs.us_on_china.measures.reciprocal.authority",
        (
            "'reciprocal' is levied under IEEPA (emergency powers) in the scenario this extends; its authority cannot "
            "change here, since its earlier entries would change with it"
        ),
    ),
    "ruling-after-refunds.yaml": (
        5,
        29,
        "tariffs.us_on_china.authority_ends.ieepa",
        (
            "IEEPA (emergency powers) duties now end on 2026-06-30, after the refunds the scenario this extends starts "
            "paying on 2026-04-20"
        ),
    ),
    "measure-misspelt.yaml": (
        7,
        9,
        "tariffs.us_on_china.measures.recipocal",
        (
            "measure 'recipocal' is not in the scenario it extends (did you mean 'reciprocal'?); a new measure needs "
            "its 'authority' (expected one of: ieepa, other, section_122, section_232, section_301)"
        ),
    ),
    "refund-without-end.yaml": (
        7,
        14,
        "tariffs.us_on_china.refunds.ieepa",
        "need the authority to end: add authority_ends.ieepa",
    ),
    "end-date-invalid.yaml": (
        7,
        14,
        "tariffs.us_on_china.authority_ends.ieepa",
        "expected a date written YYYY-MM-DD, {fact: id} or 'never'",
    ),
    "yaml-syntax.yaml": (7, 1, "", "YAML syntax error"),
    "duplicate-key.yaml": (6, 5, "tariffs.us_on_china.base", "duplicate key 'base' (first given on line 5)"),
    "unknown-key.yaml": (6, 5, "tariffs.us_on_china.meausres", "unknown key 'meausres' (did you mean 'measures'?)"),
    "rate-without-percent.yaml": (
        9,
        38,
        "tariffs.us_on_china.measures.fentanyl.path[0].rate",
        "a rate needs a percent sign: write '10%'",
    ),
    "negative-rate.yaml": (9, 38, "tariffs.us_on_china.measures.fentanyl.path[0].rate", "-10% is negative"),
    "absurd-rate.yaml": (9, 38, "tariffs.us_on_china.measures.reciprocal.path[0].rate", "1450% is above 1000%"),
    "impossible-date.yaml": (
        9,
        20,
        "tariffs.us_on_china.measures.fentanyl.path[0].date",
        "'2025-13-01' is not a real date",
    ),
    "window-zero-days.yaml": (
        9,
        49,
        "tariffs.us_on_china.measures.reciprocal.path[0].days",
        "positive whole number of days, not 0",
    ),
    "window-negative-days.yaml": (
        9,
        49,
        "tariffs.us_on_china.measures.reciprocal.path[0].days",
        "positive whole number of days, not -90",
    ),
    "same-date-steps.yaml": (10, 13, "tariffs.us_on_china.measures.fentanyl.path[1]", "two entries on 2025-02-04"),
    # the cycle is reported where it closes: in the parent whose 'extends' points back
    "extends-cycle-a.yaml": (2, 10, "extends", "extends cycle: extends-cycle-a → extends-cycle-b → extends-cycle-a"),
    "extends-unknown.yaml": (2, 10, "extends", "unknown scenario 'documented-2052' (did you mean 'documented-2025'?)"),
    "unknown-fact.yaml": (
        9,
        19,
        "tariffs.us_on_china.measures.fentanyl.path[0].fact",
        "unknown fact id 'us-fentanyl-2025-02-05' (did you mean 'us-fentanyl-2025-02-04'?)",
    ),
    "python-tag.yaml": (
        5,
        11,
        "tariffs.us_on_china.base",
        "explicit YAML tag 'python/object/apply:os.system' is not allowed",
    ),
    "empty.yaml": (1, 1, "", "file is empty"),
    "not-utf8.yaml": (1, 11, "", "is not UTF-8 text"),
    "a-directory.yaml": (1, 1, "", "is a directory"),
    "elasticity-wrong-sign.yaml": (9, 25, "parameters.short_run_elasticity", "has the wrong sign"),
    "pass-through-above-100.yaml": (9, 17, "parameters.pass_through", "120% is above 100%"),
    "growth-minus-100.yaml": (9, 18, "parameters.import_growth", "expected above -100%"),
    "long-run-below-short-run.yaml": (
        10,
        24,
        "parameters.long_run_elasticity",
        "expected long_run_elasticity <= short_run_elasticity",
    ),
    "horizon-before-data.yaml": (2, 10, "horizon", "expected 2024-01-01 or later"),
    "share-without-percent.yaml": (
        9,
        17,
        "parameters.pass_through",
        "write '80%' if 0.8 is a fraction of the whole, or '0.8%' if you mean 0.8 percent",
    ),
    "distribution-unknown-kind.yaml": (5, 25, "parameters.short_run_elasticity", "unknown distribution 'gaussian'"),
    "distribution-missing-key.yaml": (
        5,
        20,
        "parameters.adjustment_days",
        "a triangular distribution takes low, mode, high (missing mode)",
    ),
    "distribution-outside-range.yaml": (
        5,
        25,
        "parameters.short_run_elasticity",
        "puts 100.0% of its mass outside -1 to 0, where its draws must fall",
    ),
    "distribution-overflowing-spread.yaml": (
        5,
        25,
        "parameters.short_run_elasticity",
        "sd: 1e+308 is too large for a draw to stay a number (expected at most 1,000,000 in size)",
    ),
    "distribution-share-without-percent.yaml": (
        5,
        17,
        "parameters.pass_through",
        "low: a share needs a percent sign: write '60%' if 0.6 is a fraction",
    ),
    "renewal-on-a-step.yaml": (
        9,
        13,
        "tariffs.us_on_china.measures.fentanyl.path[0]",
        "'renewal' belongs to a window: add 'days'",
    ),
    "renewal-probability-above-100.yaml": (
        11,
        36,
        "tariffs.us_on_china.measures.reciprocal.path[0].renewal.probability",
        "150% is above 100%",
    ),
    "title-blank.yaml": (2, 8, "title", "blank or too short: write at least 3 characters besides spaces"),
    "rate-fullwidth-digits.yaml": (6, 11, "tariffs.us_on_china.base", "is not a rate (expected a number with"),
    "extends-empty.yaml": (3, 10, "extends", "empty: expected a bundled id or a file beside this one"),
    "extends-folder.yaml": (3, 10, "extends", "'.' is a folder (expected a scenario file or bundled id)"),
    "rate-with-exponent.yaml": (
        6,
        11,
        "tariffs.us_on_china.base",
        "'1.2e1%' is a rate with an exponent: write it out, such as '12%' or '0.5%'",
    ),
    "days-as-rate.yaml": (
        5,
        20,
        "parameters.adjustment_days",
        "'30%' is a rate; this field takes a plain number such as 30",
    ),
    "ratio-as-rate.yaml": (
        5,
        23,
        "parameters.anticipation_share",
        "'20%' is a rate; this field takes a plain number from 0 to 5",
    ),
    "deep-nesting.yaml": (2, 54, "", "nesting is too deep (at most 40 levels)"),
    "deep-indented-nesting.yaml": (5, 401, "", "nesting is too deep (at most 40 levels)"),
    "renewals-seventeen.yaml": (
        74,
        74,
        "tariffs.china_on_us.measures.w16.path[0].renewal",
        "more than 16 windows with a renewal probability in one file",
    ),
    "horizon-backwards.yaml": (2, 10, "horizon", "ends (2024-01-01) on or before it starts (2026-12-31)"),
    "horizon-too-long.yaml": (2, 10, "horizon", "spans more than 20 years (expected an end on or before 2043-12-31)"),
    # past int64, a day count wrapped to 0 days and passed as valid
    "day-count-too-large.yaml": (
        9,
        21,
        "parameters.payment_lag_days",
        "1e+300 is outside what the model supports (0 to 36600)",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gives_its_located_message(invalid_dir, name):
    line, column, path, message = EXPECTED[name]
    with pytest.raises(InputError) as caught:
        load_scenario(invalid_dir / name)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file.endswith("extends-cycle-b.yaml" if name == "extends-cycle-a.yaml" else name)
    assert (problem.line, problem.column, problem.path) == (line, column, path)
    assert message in problem.message
    rendered = str(problem)
    assert rendered.startswith(f"{problem.file}:{line}:{column}: ")


def test_every_fixture_is_listed(invalid_dir):
    files = {path.name for path in invalid_dir.iterdir()}
    assert files - {"many-problems.yaml", "extends-cycle-b.yaml", "alias-bomb.yaml"} == set(EXPECTED)


def test_aliases_are_refused_without_expanding_them(invalid_dir):
    # nine levels of nine aliases would expand to 9**9 strings; we refuse aliases instead
    with pytest.raises(InputError) as caught:
        load_scenario(invalid_dir / "alias-bomb.yaml")
    problems = caught.value.problems
    assert problems and all("YAML aliases (*name) are not allowed" in p.message for p in problems)
    assert len(problems) < 100


def test_all_problems_of_a_file_are_reported_at_once(invalid_dir):
    problems = check_files([str(invalid_dir / "many-problems.yaml")])
    found = [(p.line, p.column, p.path) for p in problems]
    assert found == [
        (3, 1, "tarifs"),
        (6, 11, "tariffs.us_on_china.base"),
        (10, 20, "tariffs.us_on_china.measures.fentanyl.path[0].date"),
        (11, 38, "tariffs.us_on_china.measures.fentanyl.path[1].rate"),
    ]
    assert "did you mean 'tariffs'?" in problems[0].message


def test_a_failing_list_item_leaves_the_others_checked_and_numbered_as_the_file_numbers_them(tmp_path):
    """One bad entry of a path used to leave the whole path out of the later checks, so a second problem in it (two
    entries on one day) showed only after the first was fixed; it is told at once, where the file has it."""
    path = tmp_path / "two-problems.yaml"
    path.write_text(
        "title: Two problems in one path\n"
        "extends: documented-2025\n"
        "tariffs:\n"
        "  us_on_china:\n"
        "    measures:\n"
        "      forced_labour:\n"
        "        path:\n"
        "          - {date: 2026-11-10, rate: 0}\n"
        "          - {date: 2026-12-01, rate: 5%}\n"
        "          - {date: 2026-12-10, rate: 5%}\n"
        "          - {date: 2026-12-10, rate: 6%}\n"
        "events:\n"
        "  - {date: 2026-13-01, label: Not a day}\n"
        "  - {date: 2026-12-10, label: A day}\n"
    )
    problems = check_files([str(path)])
    found = [(problem.line, problem.column, problem.path) for problem in problems]
    assert found == [
        (8, 38, "tariffs.us_on_china.measures.forced_labour.path[0].rate"),
        (11, 13, "tariffs.us_on_china.measures.forced_labour.path[3]"),
        (13, 12, "events[0].date"),
    ]
    assert "(the other is path[2])" in problems[1].message
    path.write_text(path.read_text().replace("rate: 0}", "rate: 0%}").replace("2026-13-01", "2026-12-01"))
    assert [(problem.line, problem.path) for problem in check_files([str(path)])] == [(11, found[1][2])]


ROOTED = (
    "title: {title}\nhorizon: {{start: 2024-01-01, end: 2027-12-31}}\ntariffs:\n  us_on_china:\n    base: 3%\n"
    "    measures:\n      m:\n        authority: {authority}\n{measure}  china_on_us:\n    base: 20%\n"
    "    measures: {{}}\n"
)


@pytest.mark.parametrize(
    ("authority", "measure", "told"),
    [
        (  # the bad name left out, the other two repeat: the path is still checked (the measure used to go whole)
            "ieepa",
            (
                "        not_on: [section_232, bogus, section_232]\n        path:\n"
                "          - {date: 2025-02-01, rate: 10%}\n          - {date: 2025-02-01, rate: 20%}\n"
            ),
            [(9, "m.not_on[1]", "unknown authority 'bogus'"), (12, "m.path[1]", "two entries on 2025-02-01")],
        ),
        (  # the first entry left out: the end is not said to come before 'the first entry', the second
            "ieepa",
            (
                "        ends: 2025-05-01\n        path:\n"
                "          - {date: 2025-02-01, rate: 1450%}\n          - {date: 2025-06-01, rate: 10%}\n"
            ),
            [(11, "m.path[0].rate", "1450% is above 1000%"), (12, "m.path[1]", "on or after the day the measure ends")],
        ),
        (  # a problem of the list itself, about the item that stays, is told beside the bad item's
            "section_122",
            "        not_on: [bogus, retaliation]\n        path: [{date: 2025-02-01, rate: 10%}]\n",
            [(9, "m.not_on", "is not levied by this side"), (9, "m.not_on[0]", "unknown authority 'bogus'")],
        ),
    ],
    ids=["repeated-name-after-a-bad-one", "end-before-a-left-out-first-entry", "list-problem-beside-a-bad-item"],
)
def test_what_a_left_out_list_item_leaves_checked(tmp_path, authority, measure, told):
    path = tmp_path / "items.yaml"
    path.write_text(ROOTED.format(title="Items left out", authority=authority, measure=measure))
    found = [
        (problem.line, problem.path.removeprefix("tariffs.us_on_china.measures."), problem.message)
        for problem in check_files([str(path)])
    ]
    assert [(line, where) for line, where, _ in found] == [(line, where) for line, where, _ in told]
    assert all(text in message for (_, _, message), (_, _, text) in zip(found, told, strict=True))


def test_an_item_left_out_in_a_parent_does_not_hide_the_same_index_in_its_child(tmp_path):
    """Items are numbered per file: the parent's bad path[1] must not silence the child's path[1]."""
    measure = "        path:\n          - {date: 2025-02-01, rate: 10%}\n          - {date: 2025-03-01, rate: 1450%}\n"
    (tmp_path / "parent.yaml").write_text(ROOTED.format(title="Parent", authority="ieepa", measure=measure))
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: parent\ntitle: Child\ntariffs:\n  us_on_china:\n    measures:\n      m:\n        path:\n"
        "          - {date: 2025-03-01, rate: 10%}\n          - {date: 2024-06-01, rate: 10%}\n"
    )
    found = [(Path(problem.file).name, problem.line, problem.path) for problem in check_files([str(child)])]
    assert found == [
        ("child.yaml", 9, "tariffs.us_on_china.measures.m.path[1]"),
        ("parent.yaml", 11, "tariffs.us_on_china.measures.m.path[1].rate"),
    ]


def test_python_tag_is_never_executed(invalid_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError):
        load_scenario(invalid_dir / "python-tag.yaml")
    assert not (tmp_path / "pwned.txt").exists()


def test_check_command_exit_codes_and_output(invalid_dir, capsys):
    assert main(["--check", "documented-2025", "truce-expires"]) == 0
    assert "2 scenario files valid" in capsys.readouterr().out
    assert main(["--check", str(invalid_dir / "unknown-key.yaml"), str(invalid_dir / "negative-rate.yaml")]) == 2
    error = capsys.readouterr().err.splitlines()
    assert "negative-rate.yaml:9:38:" in error[0]
    assert error[1].endswith(
        "unknown-key.yaml:6:5: tariffs.us_on_china.meausres: unknown key 'meausres' "
        "(did you mean 'measures'?); expected one of: authority_ends, base, measures, refunds"
    )
    assert error[-1] == "2 problems found."


def test_simulate_on_bad_input_exits_2_without_traceback_or_output(invalid_dir, tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", str(invalid_dir / "python-tag.yaml"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "explicit YAML tag" in done.stderr
    assert not (tmp_path / "out" / "python-tag").exists()


@pytest.mark.parametrize(("end", "valid"), [("2043-12-31", True), ("2044-01-01", False), ("2044-01-15", False)])
def test_a_horizon_holds_at_most_twenty_years_to_the_day(tmp_path, end, valid):
    scenario = tmp_path / "twenty.yaml"
    scenario.write_text(f"title: Twenty years\nextends: geneva-truce\nhorizon: {{start: 2024-01-01, end: {end}}}\n")
    if valid:
        assert load_scenario(scenario).end.isoformat() == end
    else:
        with pytest.raises(InputError, match="more than 20 years"):
            load_scenario(scenario)


def test_an_interrupt_while_the_arguments_are_read_exits_130_without_a_traceback(monkeypatch, capsys):
    import simulator.cli as cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert main(["geneva-truce", "--draws", "10"]) == 130
    assert capsys.readouterr().err == "simulate: interrupted before any work began.\n"


def test_what_a_what_if_may_still_do_with_measures_and_authority_ends():
    reciprocal = {"path": [{"fact": "us-reciprocal-extension-2025-11-10"}, {"date": "2026-05-01", "rate": "34%"}]}
    # the same late entry is fine where the same file keeps the IEEPA duties going
    kept = scenario_from_data(
        {
            "title": "Kept",
            "extends": "documented-2025",
            "tariffs": {
                "us_on_china": {
                    "authority_ends": {"ieepa": "never"},
                    "refunds": {"ieepa": "never"},
                    "measures": {"reciprocal": reciprocal},
                }
            },
        },
        "kept",
    )
    assert kept.tariffs["us_on_china"].measures["reciprocal"].entries[-1].start == dt.date(2026, 5, 1)
    # an end set by a later file cuts its parents' entries on purpose (a ruling), without a complaint
    early = scenario_from_data(
        {
            "title": "Early ruling",
            "extends": "ieepa-upheld",
            "tariffs": {"us_on_china": {"authority_ends": {"ieepa": "2025-06-01"}}},
        },
        "early",
    )
    assert early.tariffs["us_on_china"].end_of(early.tariffs["us_on_china"].measures["reciprocal"]) == dt.date(
        2025, 6, 1
    )
    # an end set by a later file withdraws the parent's entries after it, even all of them
    withdrawn = scenario_from_data(
        {
            "title": "Withdrawn",
            "extends": "documented-2025",
            "tariffs": {
                "us_on_china": {
                    "measures": {"forced_labour": {"ends": "2026-07-01"}, "auto_parts": {"ends": "2026-01-15"}}
                }
            },
        },
        "withdrawn",
    )
    measures = withdrawn.tariffs["us_on_china"].measures
    assert measures["forced_labour"].ends.date == dt.date(2026, 7, 1) and measures["auto_parts"].ends.date == dt.date(
        2026, 1, 15
    )
    # a horizon cut short by a later file leaves its parents' later entries and refunds out on purpose
    short = scenario_from_data(
        {"title": "Short", "extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2025-12-31"}},
        "short",
    )
    assert short.end == dt.date(2025, 12, 31)
    assert max(entry.start for entry in short.tariffs["us_on_china"].measures["section_122"].entries) > short.end
    # a new measure with its authority is welcome
    added = scenario_from_data(
        {
            "title": "New duty",
            "extends": "documented-2025",
            "tariffs": {
                "us_on_china": {
                    "measures": {
                        "section_301_2027": {"authority": "section_301", "path": [{"date": "2027-01-01", "rate": "5%"}]}
                    }
                }
            },
        },
        "added",
    )
    assert added.tariffs["us_on_china"].measures["section_301_2027"].authority == "section_301"


def test_many_misspelt_keys_get_hints_for_the_first_hundred_only(tmp_path):
    """Each hint costs a close-match search and a check of the value as the nearest key; a file of thousands of
    misspelt keys stays quick, and every key is still reported."""
    from simulator.inputs.schema import HINTED_KEYS

    path = tmp_path / "near-misses.yaml"
    lines = ["title: Near misses", "extends: geneva-truce", "parameters:"]
    path.write_text("\n".join(lines + [f"  pass_through{number}: 5" for number in range(300)]) + "\n")
    with pytest.raises(InputError) as raised:
        load_scenario(str(path))
    unknown = [problem for problem in raised.value.problems if "unknown key" in problem.message]
    assert len(unknown) == 300
    hinted = [problem for problem in unknown if "(did you mean 'pass_through'?)" in problem.message]
    assert hinted == unknown[:HINTED_KEYS] == unknown[:100]
    values = [problem for problem in raised.value.problems if "needs a percent sign" in problem.message]
    assert len(values) == HINTED_KEYS and values[0].line == 4


def test_whole_numbers_read_as_yaml_1_2_reads_them_leading_zeros_included():
    """'090' is 90 in YAML 1.2 (the reader said it was not a whole number); hexadecimal, octal and underscores stay."""
    from simulator.inputs.yaml_reader import parse_text

    data = parse_text("a: 090\nb: 0x1F\nc: 0o17\nd: 1_000\ne: -007\nf: +12\n", "numbers.yaml").data
    assert data == {"a": 90, "b": 31, "c": 15, "d": 1000, "e": -7, "f": 12}


@pytest.mark.parametrize("name", ["function-x", "a[0]", "function-after[rate]"])
def test_a_measure_named_like_a_validator_keeps_its_name_in_the_path(tmp_path, name):
    """Pydantic puts the names of union members ('function-after[...]') into an error's location, and those are left
    out of the path; a measure whose own name looks like one is the file's key and stays, with the line of its error,
    and the checks that run after the first pass still see the rest of the file."""
    path = tmp_path / "named.yaml"
    path.write_text(
        "title: test\n"
        "extends: documented-2025\n"
        "tariffs:\n"
        "  us_on_china:\n"
        "    measures:\n"
        f"      '{name}':\n"
        "        authority: section_301\n"
        "        path: [{date: 2026-09-01, rate: 5}]\n"
        "  china_on_us:\n"
        "    measures:\n"
        "      other:\n"
        "        authority: section_232\n"
        "        path: [{date: 2026-09-01, rate: 5%}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    located = sorted((problem.line, problem.column, problem.path) for problem in caught.value.problems)
    assert located == [
        (8, 41, f"tariffs.us_on_china.measures.{name}.path[0].rate"),
        (12, 20, "tariffs.china_on_us.measures.other.authority"),
    ]


def test_a_file_named_without_its_extension_is_suggested_with_it(tmp_path, monkeypatch):
    """'simulate my-what-if' beside my-what-if.yaml: a bundled id is named without an extension, a file with it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-what-if.yaml").write_text("title: Mine\nextends: documented-2025\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario("my-what-if")
    (problem,) = caught.value.problems
    assert str(problem) == (
        "my-what-if:1:1: no such scenario file or bundled scenario id (did you mean 'my-what-if.yaml'? a file is "
        "named with its extension, a bundled id without)"
    )
    with pytest.raises(InputError) as caught:
        load_scenario("documented-2024")
    assert "did you mean 'documented-2025'?" in caught.value.problems[0].message


def test_a_misspelt_measure_whose_only_entry_fails_is_told_both_at_once(tmp_path):
    """The entry's rate fails, so the entry (and the path it leaves empty) is left out; the measure's name, which its
    parent does not have, is still told, while 'needs a path' (untrue: the file gives one) is not."""
    path = tmp_path / "misspelt.yaml"
    path.write_text(
        "title: Misspelt\nextends: documented-2025\ntariffs:\n  china_on_us:\n    measures:\n      recipocal:\n"
        "        path: [{date: 2027-01-01, rate: 125}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    told = sorted((problem.line, problem.column, problem.message.split(";")[0]) for problem in caught.value.problems)
    assert told == [
        (7, 9, "measure 'recipocal' is not in the scenario it extends (did you mean 'reciprocal'?)"),
        (7, 41, "a rate needs a percent sign: write '125%' if you mean 125 percent"),
    ]


def test_a_measure_whose_parent_entry_failed_is_not_called_new_in_the_child(tmp_path):
    """The parent's only entry of steel_duty fails, so the merged scenario lacks what the parent set: the child's
    setting of the same measure must not be told 'not in the scenario it extends' (the parent writes it)."""
    (tmp_path / "parent.yaml").write_text(
        "title: Parent file\nhorizon: {start: 2024-01-01, end: 2027-12-31}\ntariffs:\n"
        "  us_on_china:\n    base: 10%\n    measures:\n      steel_duty:\n"
        "        path: [{date: 2025-03-01, rate: 25}]\n"
        "  china_on_us:\n    base: 10%\n",
        encoding="utf-8",
    )
    (tmp_path / "child.yaml").write_text(
        "title: Child file\nextends: parent\ntariffs:\n  us_on_china:\n    measures:\n      steel_duty:\n"
        "        path: [{date: 2026-01-01, rate: 50%}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(tmp_path / "child.yaml")
    assert [(Path(problem.file).name, problem.line, problem.path) for problem in caught.value.problems] == [
        ("parent.yaml", 8, "tariffs.us_on_china.measures.steel_duty.path[0].rate")
    ]


@pytest.mark.parametrize("name", ["a/\0.yaml", "x\0", Path("a\0b.yaml")])
def test_a_name_with_a_nul_byte_is_a_located_problem_not_a_traceback(name):
    """The operating system refuses such a name with a ValueError ('embedded null byte'), which reached the caller of
    load_scenario, run and tornado raw."""
    import simulator

    for call in (load_scenario, simulator.run, simulator.tornado):
        with pytest.raises(InputError) as caught:
            call(name)
        (problem,) = caught.value.problems
        assert problem.message == "a file name cannot hold a NUL character (\\0)" and "\0" not in problem.file


def test_a_decimal_comma_in_a_list_of_numbers_is_not_taken_as_two_values():
    """In a sweep grid '[2,5, 4]' read as 2, 5 and 4, and the check said the file was valid; where the list's other
    items are set apart by ', ', '2,5' is a decimal comma. A list whose commas all go without a space is as written."""
    from simulator.inputs.yaml_reader import parse_text

    with pytest.raises(InputError) as caught:
        parse_text("scenario: documented-2025\ngrid:\n  long_run_adjustment_years: [2,5, 4]\n", "grid.yaml")
    (problem,) = caught.value.problems
    assert str(problem) == (
        "grid.yaml:3:31: '2,5' reads as two values, 2 and 5, while this list's other items are set apart by a comma "
        "and a space: write 2.5 for a decimal, or '2, 5' for two values"
    )
    for fine in ("grid:\n  days: [13,25,40]\n", "grid:\n  share: [80%, 100%]\n", "notes: ['2,5', 4]\n", "a: [1, 2]\n"):
        assert parse_text(fine, "fine.yaml").data


@pytest.mark.parametrize("value", [".nan", "abc", True])
def test_a_parameter_with_limits_offers_them_not_another_kinds_example(value):
    """'expected a finite number such as 30' for a ratio limited to 0-5 offered a value it refuses."""
    import simulator

    with pytest.raises(InputError) as caught:
        simulator.what_if("documented-2025", "Bad ratio", parameters={"anticipation_share": value})
    assert [problem.message for problem in caught.value.problems] == ["expected a finite number from 0 to 5"]


def test_a_spread_given_as_a_rate_is_offered_a_positive_plain_number():
    """The spread of a day count's distribution written '2%': the message offered the elasticities' example (-0.76),
    which as a spread is refused in turn ('expected a positive spread')."""
    import simulator

    with pytest.raises(InputError) as caught:
        simulator.what_if(
            "documented-2025",
            "Spread as a rate",
            parameters={"shipping_lag_days": {"distribution": "normal", "mean": 10, "sd": "2%"}},
        )
    (problem,) = caught.value.problems
    assert problem.message.endswith("'2%' is a rate; this field takes a plain number such as 2")


@pytest.mark.parametrize(
    ("settings", "told"),
    [
        (
            (
                "horizon: {start: 2024-01-01, end: 2030-13-31}\ntariffs:\n  us_on_china:\n    measures:\n"
                "      forced_labour:\n        path: [{date: 2029-01-01, rate: 20%}]\n"
            ),
            [(3, "horizon.end", "'2030-13-31' is not a real date")],
        ),
        (
            'parameters: {short_run_elasticity: "-0,2", long_run_elasticity: -0.3}\n',
            [(3, "parameters.short_run_elasticity", "'-0,2' has a decimal comma: write -0.2, with a point")],
        ),
    ],
)
def test_a_check_that_reads_a_failed_field_says_nothing_of_the_value_standing_in_for_it(tmp_path, settings, told):
    """horizon.end fails, so the parent's end (2027) stands in: 'falls after the horizon's end (2027-12-31); move
    horizon.end past it' spoke of a value the file did not write; so did 'above short_run_elasticity (-0.711266)'."""
    path = tmp_path / "failed.yaml"
    path.write_text(f"title: A failed field\nextends: documented-2025\n{settings}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    found = [(problem.line, problem.path, problem.message) for problem in caught.value.problems]
    assert [(line, field) for line, field, _ in found] == [(line, field) for line, field, _ in told]
    assert all(message.startswith(start) for (_, _, message), (_, _, start) in zip(found, told, strict=True))


def test_an_unknown_authority_is_offered_the_authorities_of_each_side_apart():
    """One list of every authority offered a US measure 'retaliation', which the side check then refused (analyst
    review)."""
    from simulator.inputs.problems import InputError

    with pytest.raises(InputError) as raised:
        scenario_from_data(
            {
                "title": "Wrong authority",
                "extends": "documented-2025",
                "tariffs": {"us_on_china": {"measures": {"fentanyl": {"authority": "section301"}}}},
            },
            "wrong-authority",
        )
    message = str(raised.value)
    assert (
        "unknown authority 'section301' (did you mean 'section_301'?); expected one of: ieepa, section_301, "
        "section_232, section_122, other (US tariffs); retaliation, other (China's tariffs)"
    ) in message


def test_a_folder_named_like_a_scenario_does_not_hide_its_file(tmp_path, monkeypatch):
    """After reports were written beside the scenarios, 'extends: base' met the folder base/ and was refused, and
    'simulate deal --out .' run twice read the folder deal/ as the scenario (hostile review)."""
    from simulator.inputs.locations import find_scenario

    (tmp_path / "base.yaml").write_text("title: Base here\nextends: geneva-truce\n")
    (tmp_path / "child.yaml").write_text("title: Child of base\nextends: base\n")
    (tmp_path / "base").mkdir()
    (tmp_path / "deal").mkdir()
    assert find_scenario("base", near=tmp_path) == tmp_path / "base.yaml"
    assert load_scenario(str(tmp_path / "child.yaml")).title == "Child of base"
    monkeypatch.chdir(tmp_path)
    assert find_scenario("deal").parent.name == "scenarios"  # the bundled file, not ./deal/


def _windows(first_year: int, count: int) -> str:
    return "".join(
        f"          - {{date: {first_year + index}-01-01, rate: 10%, days: 90, then: 20%, "
        "renewal: {probability: 50%}}\n"
        for index in range(count)
    )


def test_a_chain_of_files_is_held_to_the_bounds_of_one(tmp_path):
    """16 files of 16 renewal windows each made 256 truce decisions (280 s and 2.7 GB for 2,000 draws), and events
    added up across files to 1,600 labels (six minutes to lay out): each file was within its own bounds (hostile
    review)."""
    measure = "tariffs:\n  us_on_china:\n    measures:\n      {name}:\n        authority: other\n        path:\n"
    (tmp_path / "parent.yaml").write_text(
        "title: Parent windows\nextends: documented-2025\nhorizon: {start: 2024-01-01, end: 2043-12-31}\n"
        + measure.format(name="first")
        + _windows(2026, 9)
    )
    (tmp_path / "child.yaml").write_text(
        "title: Child windows\nextends: parent.yaml\n" + measure.format(name="second") + _windows(2026, 8)
    )
    with pytest.raises(InputError) as raised:
        load_scenario(str(tmp_path / "child.yaml"))
    assert (
        "child.yaml:4:3: tariffs: 17 windows with a renewal probability, with the files this one extends; at most 16"
        in str(raised.value)
    )
    assert load_scenario(str(tmp_path / "parent.yaml")).title == "Parent windows"
    events = "".join(f"  - {{date: 2026-01-{day:02d}, label: Event {day}}}\n" for day in range(1, 29))
    (tmp_path / "events.yaml").write_text("title: Many events\nextends: parent.yaml\nevents:\n" + events)
    (tmp_path / "more.yaml").write_text(
        "title: More events\nextends: events.yaml\nevents:\n" + events.replace("2026-01", "2027-01")
    )
    inherited = len(load_scenario("documented-2025").events)
    assert len(load_scenario(str(tmp_path / "events.yaml")).events) == 28 + inherited
    with pytest.raises(InputError, match=rf"more.yaml:4:3: events: {56 + inherited} events to mark on the charts"):
        load_scenario(str(tmp_path / "more.yaml"))


def test_an_extends_chain_holds_at_most_300_kb_of_yaml(tmp_path):
    """16 files of 255 kB each, every one within its own bound, took 15 s to check (hostile review)."""
    padding = "x" * 190_000
    (tmp_path / "a.yaml").write_text(f'title: A file\nextends: geneva-truce\ndescription: "{padding}"\n')
    (tmp_path / "b.yaml").write_text(f'title: B file\nextends: a.yaml\ndescription: "{padding}"\n')
    assert load_scenario(str(tmp_path / "a.yaml")).title == "A file"
    with pytest.raises(InputError, match=r"b.yaml:2:10: extends: the extends chain holds more than 300 kB of YAML"):
        load_scenario(str(tmp_path / "b.yaml"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("adjustment_days", "'1,500'", "'1,500' has a comma: write 1500 for a thousands separator, or 1.500 for a"),
        ("pass_through", "'1,000%'", "write '1000%' for a thousands separator, or '1.000%' for a decimal one"),
        ("pass_through", "'12,5%'", "'12,5%' has a decimal comma: write '12.5%', with a point"),
    ],
)
def test_a_comma_that_may_separate_thousands_is_not_told_to_become_a_point(tmp_path, field, value, message):
    """'1,500' days was told to be written 1.500, which is 1.5 (hostile review)."""
    path = tmp_path / "comma.yaml"
    path.write_text(f"title: Commas here\nextends: documented-2025\nparameters:\n  {field}: {value}\n")
    with pytest.raises(InputError, match=re.escape(message)):
        load_scenario(str(path))


def test_a_mapping_that_is_no_fact_reference_is_told_what_it_seems_to_be(tmp_path):
    """{low: 40%, high: 80%}, {} and {rate: 5%, coverage: 20%} were all told 'a fact reference has the single key
    'fact'' (hostile review)."""
    path = tmp_path / "mappings.yaml"
    path.write_text(
        "title: Mappings here\nextends: documented-2025\nparameters:\n  diversion_share: {low: 40%, high: 80%}\n"
        "  pass_through: {}\ntariffs:\n  us_on_china:\n    measures:\n      fentanyl:\n        path:\n"
        "          - {date: 2027-01-01, rate: 10%, days: 30, then: {rate: 5%, coverage: 20%}}\n"
    )
    with pytest.raises(InputError) as raised:
        load_scenario(str(path))
    text = str(raised.value)
    assert "4:20: parameters.diversion_share: a mapping of high, low reads as a distribution, which needs" in text
    assert "5:17: parameters.pass_through: an empty mapping: expected a value, or {fact: id}" in text
    assert "then: expected a value or {fact: id} here, not a mapping of coverage, rate" in text
    path.write_text(
        "title: Distribution rate\nextends: documented-2025\ntariffs:\n  us_on_china:\n    measures:\n"
        "      fentanyl:\n        path:\n"
        "          - {date: 2027-01-01, rate: {distribution: normal, mean: 10%, sd: 1%}}\n"
    )
    with pytest.raises(InputError, match="rate: this field takes one value, not a distribution"):
        load_scenario(str(path))
    assert "single key 'fact'" not in text


def test_small_messages_say_what_is_so(capsys):
    """Hostile review: '1000.0000000000001%' was told '1000% is above 1000%'; a what-if built under its parent's id
    was told of an extends cycle; '--draws ５' (a fullwidth digit) ran five draws."""
    from simulator.api import what_if
    from simulator.cli import main

    with pytest.raises(InputError, match=re.escape("1000.0000000000001% is above 1000%")):
        scenario_from_data(
            {
                "title": "Just above",
                "extends": "documented-2025",
                "tariffs": {
                    "us_on_china": {
                        "measures": {"fentanyl": {"path": [{"date": "2027-01-01", "rate": "1000.0000000000001%"}]}}
                    }
                },
            },
            "just-above",
        )
    with pytest.raises(InputError, match="'geneva-truce' is also the id given to this scenario") as raised:
        what_if("geneva-truce", "Same id here", scenario_id="geneva-truce")
    assert "cycle" not in str(raised.value)
    for option in ("--draws", "--seed"):
        with pytest.raises(SystemExit) as exit_:
            main(["geneva-truce", option, "\uff15", "--check"])
        assert exit_.value.code == 2
        assert f"argument {option}: expected a whole number, not '\uff15'" in capsys.readouterr().err


def test_a_parameter_cites_only_facts_in_its_own_unit(tmp_path):
    """A fact of 25 days was read as 25 years of adjustment, and 3 years as 3 days of payment lag (hostile review)."""
    path = tmp_path / "units.yaml"
    path.write_text(
        "title: Units mixed\nextends: documented-2025\nparameters:\n"
        "  long_run_adjustment_years: {fact: in-transit-days}\n"
        "  payment_lag_days: {fact: long-run-time-constant}\n"
        "  anticipation_days: {low: {fact: long-run-time-constant-high}, central: 20, high: 40}\n"
    )
    found = [(problem.line, problem.column, problem.path, problem.message) for problem in check_files([str(path)])]
    assert found == [
        (4, 30, "parameters.long_run_adjustment_years", "fact 'in-transit-days' is in days, expected years"),
        (5, 21, "parameters.payment_lag_days", "fact 'long-run-time-constant' is in years, expected days"),
        (
            6,
            22,
            "parameters.anticipation_days",
            "low: fact 'long-run-time-constant-high' is in years, expected days",
        ),
    ]
    path.write_text(
        "title: Units kept\nextends: documented-2025\nparameters:\n  long_run_adjustment_years: "
        "{fact: long-run-time-constant}\n  payment_lag_days: {fact: in-transit-days}\n"
    )
    scenario = load_scenario(str(path))
    assert scenario.parameters.numbers()["payment_lag_days"] == 25


def test_a_distribution_out_of_order_is_told_with_its_units():
    """'expected low <= central <= high with low below high (got low 100, central 100, high 100)' for shares written
    as percent contradicted itself and dropped the unit (hostile review)."""
    for values, message in [
        ({"low": "100%", "central": "100%", "high": "100%"}, "low must be below high (got low 100%, central 100%, "),
        ({"low": "40%", "central": "90%", "high": "80%"}, "expected low <= central <= high (got low 40%, central 90%"),
    ]:
        with pytest.raises(InputError, match=re.escape(message)):
            scenario_from_data(
                {"title": "Out of order", "extends": "documented-2025", "parameters": {"diversion_share": values}}, "x"
            )
