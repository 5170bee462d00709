"""Damaged files in seeds/ (cut short, hand-edited, of another shape) are told in located problems, or, where a file
is only a kept copy of what can be computed again, read as absent: never a traceback."""

import json

import pytest

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
