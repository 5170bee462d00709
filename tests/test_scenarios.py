"""Bundled scenarios: all valid, every number sourced, extends merges as documented."""

import datetime as dt
import re
from pathlib import Path

import pytest

import simulator
from simulator.api import bundled_ids, scenario_from_data
from simulator.inputs.locations import scenarios_dir
from simulator.inputs.problems import InputError
from simulator.inputs.yaml_reader import read_document

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

REQUIRED = {
    "baseline-2024",
    "geneva-truce",
    "documented-2025",
    "truce-expires",
    "partial-snapback",
    "no-busan-deal",
    "escalation",
    "deal",
    "ieepa-upheld",
    "section-122-extended",
    "china-drops-retaliation",
    "november-2026-expiry",
    "ieepa-refunds-in-2026",
}


def test_required_scenarios_are_bundled():
    assert set(bundled_ids()) >= REQUIRED


@pytest.mark.parametrize("scenario_id", sorted(REQUIRED))
def test_bundled_scenario_loads_and_covers_calibration_year_and_2025(scenario_id):
    scenario = simulator.load_scenario(scenario_id)
    assert scenario.id == scenario_id
    assert scenario.start.isoformat() <= "2024-01-01" and scenario.end.isoformat() >= "2026-12-31"
    assert scenario.title and scenario.description


def _numbers(data, path=()):
    """Every literal number, rate or date in a raw scenario file, with its path (the horizon, the window a report
    shows, is the writer's choice and left out)."""
    if isinstance(data, dict):
        if set(data) == {"fact"}:
            return
        for key, value in data.items():
            if key not in ("title", "description", "label", "note", "extends", "horizon"):
                yield from _numbers(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _numbers(value, (*path, index))
    elif (
        (isinstance(data, (int, float)) and not isinstance(data, bool))
        or isinstance(data, dt.date)
        or (isinstance(data, str) and (data.strip().endswith("%") or DATE.fullmatch(data.strip())))
    ):
        yield path, data


def test_the_check_for_literal_numbers_finds_rates_numbers_and_dates():
    data = {
        "horizon": {"start": "2024-01-01", "end": "2027-12-31"},
        "events": [{"date": "2026-11-10", "label": "x"}, {"fact": "us-suspensions-end-2026-11-10"}],
        "tariffs": {"us_on_china": {"measures": {"m": {"path": [{"date": {"fact": "x"}, "rate": "5%", "days": 9}]}}}},
    }
    assert [value for _, value in _numbers(data)] == ["2026-11-10", "5%", 9]


@pytest.mark.parametrize("scenario_id", sorted(REQUIRED))
def test_every_number_in_a_bundled_scenario_cites_a_fact(scenario_id):
    data = read_document(scenarios_dir() / f"{scenario_id}.yaml").data
    literal = [(path, value) for path, value in _numbers(data) if value != "0%"]  # 0% removes a measure
    assert not literal, literal


def test_bundled_scenarios_cite_their_facts():
    used = simulator.load_scenario("documented-2025").facts_used()
    assert {
        "us-reciprocal-geneva",
        "geneva-window-days",
        "us-reciprocal-coverage",
        "china-farm-coverage-share",
        "us-base-rate-2024-weights",
        "ieepa-collection-ends-2026-02-24",
        "section-122-ends-2026-07-24",
        "us-232-steel-coverage-2025-08-18",
        "ieepa-refund-accepted-share",
        "collection-share",
        "in-transit-days",
        "china-reciprocal-held-2026-11-10",
    } <= set(used)


def test_child_inherits_and_overrides_by_name():
    child = simulator.load_scenario("truce-expires")
    parent = simulator.load_scenario("documented-2025")
    assert child.parent == "documented-2025"
    assert child.start == parent.start and child.end == parent.end
    assert child.tariffs["us_on_china"].measures["reciprocal"].coverage.value == 78
    assert [e.start.isoformat() for e in child.tariffs["us_on_china"].measures["reciprocal"].entries] == [
        "2025-04-05",
        "2025-04-09",
        "2025-04-10",
        "2025-05-14",
    ]
    assert child.tariffs["china_on_us"].measures["coal_lng"] == parent.tariffs["china_on_us"].measures["coal_lng"]


def test_scenario_in_code_is_validated_like_yaml():
    scenario = scenario_from_data(
        {"extends": "documented-2025", "title": "Elastic", "parameters": {"short_run_elasticity": -1.2}}, "elastic"
    )
    assert scenario.parameters.short_run_elasticity.value == -1.2 and scenario.title == "Elastic"
    with pytest.raises(InputError) as caught:
        scenario_from_data({"extends": "documented-2025", "parameters": {"pass_throught": "90%"}}, "bad")
    assert "did you mean 'pass_through'?" in str(caught.value)


def test_child_must_give_a_new_measure_a_path():
    with pytest.raises(InputError) as caught:
        scenario_from_data(
            {
                "extends": "documented-2025",
                "tariffs": {"us_on_china": {"measures": {"semiconductors": {"coverage": "5%"}}}},
            },
            "x",
        )
    assert "measure 'semiconductors' is new in this file and needs a 'path'" in str(caught.value)


def test_a_relative_extends_is_read_beside_its_file_and_never_from_the_working_folder(tmp_path, monkeypatch):
    """The same file must mean the same scenario wherever a run starts: a parent named by a relative path that is not
    beside the file is unknown, even when the working folder holds a file of that name."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "parent.yaml").write_text("title: In the working folder\nextends: documented-2025\n")
    child = tmp_path / "sub" / "child.yaml"
    child.write_text("title: Child\nextends: parent.yaml\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        simulator.load_scenario(child)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.path) == (2, 10, "extends")
    assert "unknown scenario 'parent.yaml'" in problem.message
    (tmp_path / "sub" / "parent.yaml").write_text("title: Beside the child\nextends: documented-2025\n")
    assert simulator.load_scenario(child).title == "Child"
    assert simulator.load_scenario(Path("sub/child.yaml")).title == "Child"


def test_an_extends_chain_holds_at_most_sixteen_files_and_a_longer_one_is_told_in_the_file_named(tmp_path):
    from simulator.inputs.loading import MAX_EXTENDS_DEPTH

    (tmp_path / "link-0.yaml").write_text("title: Link 0\nextends: geneva-truce\n")  # geneva-truce is a root
    for index in range(1, MAX_EXTENDS_DEPTH):
        (tmp_path / f"link-{index}.yaml").write_text(f"title: Link {index}\nextends: link-{index - 1}\n")
    longest = tmp_path / f"link-{MAX_EXTENDS_DEPTH - 2}.yaml"  # itself, 14 more links and geneva-truce: 16 files
    assert simulator.load_scenario(longest).title == f"Link {MAX_EXTENDS_DEPTH - 2}"
    with pytest.raises(InputError) as caught:
        simulator.load_scenario(tmp_path / f"link-{MAX_EXTENDS_DEPTH - 1}.yaml")
    (problem,) = caught.value.problems
    assert problem.file.endswith(f"link-{MAX_EXTENDS_DEPTH - 1}.yaml")
    assert (problem.line, problem.column, problem.path) == (2, 10, "extends")
    assert problem.message.startswith("the extends chain is longer than 16 files (link-15 → link-14 → … → link-0 →")


def test_the_format_guide_lists_every_measure_of_the_documented_path_with_its_label_and_authority():
    """An analyst had to open documented-2025.yaml to find `forced_labour`, and wrote `across_board` for China's
    across-the-board tariff (named `reciprocal`): the guide lists the names, and the error for a name resembling
    none of them lists them too (analyst review)."""
    guide = (scenarios_dir() / "README.md").read_text(encoding="utf-8")
    table = guide.split("### The measures of `documented-2025`")[1].split("\n## ")[0]
    documented = simulator.load_scenario("documented-2025")
    for side, direction in documented.tariffs.items():
        for name, measure in direction.measures.items():
            row = next(line for line in table.splitlines() if line.startswith(f"| `{side}` |") and f"`{name}`" in line)
            assert f"`{measure.authority}`" in row
            if "," not in row.split("|")[2]:  # one measure to the row: its label exactly
                assert f"| {measure.label} |" in row
    with pytest.raises(InputError) as caught:
        scenario_from_data(
            {
                "extends": "documented-2025",
                "tariffs": {
                    "china_on_us": {"measures": {"across_board": {"path": [{"date": "2027-01-01", "rate": "34%"}]}}}
                },
            },
            "x",
        )
    assert "(it has: 'coal_lng' (Coal and LNG tariff), " in str(caught.value)
    assert "'reciprocal' (Across-the-board tariff))" in str(caught.value)


def test_a_renewal_written_as_a_bare_chance_is_told_which_fields_it_takes():
    with pytest.raises(InputError) as caught:
        scenario_from_data(
            {
                "extends": "documented-2025",
                "tariffs": {
                    "china_on_us": {
                        "measures": {
                            "reciprocal": {
                                "path": [{"date": "2027-01-01", "rate": "34%", "days": 90, "renewal": "50%"}]
                            }
                        }
                    }
                },
            },
            "x",
        )
    assert "renewal: expected a mapping of fields (probability required; days optional)" in str(caught.value)
