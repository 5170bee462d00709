"""Damaged files in seeds/ (cut short, hand-edited, of another shape) are told in located problems, or, where a file
is only a kept copy of what can be computed again, read as absent: never a traceback."""

import json

import pytest

from simulator.inputs import trade_data
from simulator.inputs.estimates import load_estimates
from simulator.inputs.problems import InputError
from simulator.outputs import chart_inputs
from simulator.uncertainty import scores
from tests.conftest import ROOT

BACKTEST = (ROOT / "seeds" / scores.CACHE_FILE).read_text(encoding="utf-8")
ROW = json.loads(BACKTEST)["forecasts"][0]


@pytest.mark.parametrize(
    "damaged",
    [
        BACKTEST[: len(BACKTEST) // 2],
        "",
        "\xff not text",
        "[1, 2]",
        '{"forecasts": []}',
        '{"key": 5, "forecasts": []}',
        '{"key": "k", "forecasts": 5}',
        '{"key": "k", "forecasts": [5]}',
        json.dumps({"key": "k", "forecasts": [{**ROW, "unknown": 1}]}),
        json.dumps({"key": "k", "forecasts": [{name: value for name, value in ROW.items() if name != "actual"}]}),
        json.dumps({"key": "k", "forecasts": [{**ROW, "actual": "25.4"}]}),
        json.dumps({"key": "k", "forecasts": [{**ROW, "horizon": 1.5}]}),
        json.dumps({"key": "k", "forecasts": [{**ROW, "low50": [1]}]}),
    ],
)
def test_a_damaged_kept_backtest_reads_as_none_and_the_skill_as_missing(tmp_path, monkeypatch, damaged):
    path = tmp_path / scores.CACHE_FILE
    path.write_bytes(damaged.encode("latin-1" if damaged.startswith("\xff") else "utf-8"))
    assert scores.read_cache(path) is None
    monkeypatch.setattr(scores, "cache_path", lambda: path)
    assert not scores.is_current()
    assert chart_inputs.kept_skill() is None


ESTIMATES = (ROOT / "seeds" / "estimates.yaml").read_text(encoding="utf-8")
FIRST_ROW = "  - [0.058901172821202524, -0.0007620094989956279, "


def _estimates_problems(tmp_path, text):
    (tmp_path / "estimates.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_estimates(tmp_path)
    return [str(problem) for problem in raised.value.problems]


def test_damaged_estimates_are_told_in_located_problems_all_at_once(tmp_path):
    """A covariance short of a row or a number, a month that is no month and a mode of .nan stopped every run with a
    numpy traceback, or were drawn from (hostile review)."""
    damaged = (
        ESTIMATES.replace(FIRST_ROW, "  - [")
        .replace("last_month: '2026-04'", "last_month: April")
        .replace("mode: -0.7495479590872334", "mode: .nan")
        .replace("imports: -0.10005447599937511", "imports: yes")
    )
    shape = "expected one row of 11 numbers for each of the 11 parameters, in their order"
    assert _estimates_problems(tmp_path, damaged) == [
        "seeds/estimates.yaml:12:15: record.last_month: 'April' is not a month written YYYY-MM",
        "seeds/estimates.yaml:14:51: parameters.short_run_elasticity.mode: expected a finite number, not nan",
        f"seeds/estimates.yaml:26:5: covariance[0]: 9 numbers; {shape}",
        "seeds/estimates.yaml:37:20: anchors.imports: expected a number",
    ]
    last_row = ESTIMATES.index("\nanchors:") + 1
    missing = ESTIMATES[: ESTIMATES.rindex("  - [", 0, last_row)] + ESTIMATES[last_row:]
    assert _estimates_problems(tmp_path, missing) == [f"seeds/estimates.yaml:26:3: covariance: 10 rows; {shape}"]


MONTHLY = (ROOT / "seeds" / trade_data.MONTHLY_FILE).read_text(encoding="utf-8")
MARCH = "2024-03,29924.8,12653.5,-17271.2,before the June 2026 annual revision,2026-03-23"


def _monthly_problems(tmp_path, text):
    path = tmp_path / trade_data.MONTHLY_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(trade_data.TradeDataError) as raised:
        trade_data.read(path)
    return str(raised.value).replace(str(path), "monthly.csv").splitlines()


def test_a_damaged_monthly_file_is_told_line_column_and_field_all_at_once(tmp_path):
    """A month given twice was told without its line, a retrieval day that is no day passed, an extra column passed
    and a renamed one stopped at the first missing column without a word of the other (hostile review)."""
    last = MONTHLY.rstrip("\n").splitlines()[-1]
    damaged = MONTHLY.replace(MARCH, MARCH.replace("29924.8", "abc").replace("2026-03-23", "23/03/2026")) + last
    assert _monthly_problems(tmp_path, damaged + "\n") == [
        "monthly.csv:4:9: us_imports_from_china_musd: 'abc' is not a number",
        "monthly.csv:4:67: retrieved: '23/03/2026' is not a day written YYYY-MM-DD",
        "monthly.csv:30:1: month: 2026-04 appears more than once (first on line 29)",
    ]
    header = MONTHLY.replace("us_exports_to_china_musd", "us_exports_china_musd", 1).replace(
        "retrieved\n", "retrieved,notes\n", 1
    )
    assert _monthly_problems(tmp_path, header) == [
        "monthly.csv:1:34: us_exports_china_musd: not a column of this file (did you mean 'us_exports_to_china_musd'?)",
        (
            "monthly.csv:1:101: notes: not a column of this file (expected one of: month, retrieved, "
            "us_balance_with_china_musd, us_exports_to_china_musd, us_imports_from_china_musd, vintage)"
        ),
        (
            "monthly.csv:1:1: us_exports_to_china_musd: missing from the first line (expected the columns month, "
            "us_imports_from_china_musd, us_exports_to_china_musd, us_balance_with_china_musd, vintage, retrieved)"
        ),
    ]
    row = MONTHLY.replace(MARCH, MARCH + ",spare")
    assert _monthly_problems(tmp_path, row) == ["monthly.csv:4:82: 1 value past the last column"]
