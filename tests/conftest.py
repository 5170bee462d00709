import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def invalid_dir() -> Path:
    return FIXTURES / "invalid"


STEP_TITLE = "What if: a forced-labour duty of 25% in 2027"


def forced_labour_step():
    """A what-if of a few lines, as an analyst writes one: the documented path with the forced-labour duty at 25% from
    1 March 2027 (its effect against the documented path, 2027 only, is what several tests read)."""
    from simulator.api import scenario_from_data

    path = [{"date": "2027-03-01", "rate": "25%"}]
    tariffs = {"us_on_china": {"measures": {"forced_labour": {"path": path}}}}
    return scenario_from_data({"title": STEP_TITLE, "extends": "documented-2025", "tariffs": tariffs}, "step")


HOSTILE_TITLE = "<script>alert('title')</script> & $5 \"quoted\""
"""A scenario title that must show as text in every report."""


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> Path:
    """Reports for three bundled scenarios, a what-if with a hostile title, and their comparison, written once."""
    from simulator.api import load_scenario
    from simulator.outputs.report import write_reports

    folder = tmp_path_factory.mktemp("reports")
    hostile = folder.parent / "hostile.yaml"
    hostile.write_text(
        f"title: {json.dumps(HOSTILE_TITLE)}\n"
        'description: "<img src=x onerror=alert(1)> ends *here*"\nextends: no-busan-deal\n'
        "parameters: {short_run_elasticity: -1.0, pass_through: 50%}\n",
        encoding="utf-8",
    )
    scenarios = [load_scenario(name) for name in ("baseline-2024", "documented-2025", "truce-expires", str(hostile))]
    outcomes = write_reports(scenarios, folder, load_scenario("baseline-2024"))
    assert all(outcome.path for outcome in outcomes), outcomes
    return folder
