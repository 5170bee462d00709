"""Golden outputs: data files of the bundled scenarios, 1,000 draws and a sweep, value for value; each chart's content.

Regenerate with ``python -m tests.golden.make_golden`` only when a change is meant to move
the numbers (and say why in the commit message).
"""

import json

import pytest

from tests.golden.make_golden import FOLDER, chart_fingerprints, data_files


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return data_files(tmp_path_factory.mktemp("golden"))


def test_every_data_file_is_as_recorded(produced):
    recorded = {str(path.relative_to(FOLDER)): path.read_text(encoding="utf-8") for path in FOLDER.glob("*/**/*.csv")}
    assert sorted(produced) == sorted(recorded)
    for name, text in recorded.items():
        if produced[name] != text:
            changed = next(
                index
                for index, (ours, theirs) in enumerate(
                    zip(produced[name].splitlines(), text.splitlines(), strict=False)
                )
                if ours != theirs
            )
            pytest.fail(
                f"{name} differs from the golden file at line {changed + 1}:\n"
                f"  now:    {produced[name].splitlines()[changed]}\n  golden: {text.splitlines()[changed]}"
            )


def test_every_chart_shows_what_it_showed():
    recorded = json.loads((FOLDER / "charts.json").read_text(encoding="utf-8"))
    now = chart_fingerprints()
    assert sorted(now) == sorted(recorded)
    assert [name for name in recorded if now[name] != recorded[name]] == []
