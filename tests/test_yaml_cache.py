"""The disk cache of parsed YAML files: the same data and positions as a fresh parse, problems never kept, and a
damaged, blocked or unwritable cache costing a parse, never an error or a wait."""

import os

import pytest

from simulator.inputs import yaml_reader
from simulator.inputs.problems import InputError
from tests.conftest import ROOT

SCENARIO = "title: Cached\nextends: documented-2025\nparameters:\n  pass_through: 80%\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of this test's own, and no document kept in memory from an earlier test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yaml_reader._parsed.cache_clear()
    yield yaml_reader.cache_folder()
    yaml_reader._parsed.cache_clear()


def _entries(folder):
    return sorted(name for name in os.listdir(folder) if not name.startswith(".")) if folder.exists() else []


def _fresh(text, name):
    return yaml_reader._composed(text, name, False)


def _same(one, other):
    assert (one.file, one.data, one.positions, one.key_positions) == (
        other.file,
        other.data,
        other.positions,
        other.key_positions,
    )


def test_a_second_read_comes_from_the_cache_with_the_same_data_and_positions(cache, tmp_path, monkeypatch):
    facts = ROOT / "seeds" / "facts.yaml"
    first = yaml_reader.read_document(facts, "facts.yaml", trusted=True)
    assert len(_entries(cache)) == 1
    yaml_reader._parsed.cache_clear()

    def no_parse(*arguments):
        raise AssertionError("parsed again although the file is unchanged")

    monkeypatch.setattr(yaml_reader, "_composed", no_parse)
    second = yaml_reader.read_document(facts, "facts.yaml", trusted=True)
    _same(second, first)
    monkeypatch.undo()
    _same(second, _fresh(facts.read_text(encoding="utf-8"), "facts.yaml"))
    assert second.position(("us-fentanyl-2025-02-04", "value")) == (6, 10)


def test_an_edited_file_is_parsed_again_and_a_name_is_part_of_the_key(cache, tmp_path):
    path = tmp_path / "what-if.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    assert yaml_reader.read_document(path, "what-if.yaml").data["parameters"]["pass_through"] == "80%"
    path.write_text(SCENARIO.replace("80%", "70%"), encoding="utf-8")
    assert yaml_reader.read_document(path, "what-if.yaml").data["parameters"]["pass_through"] == "70%"
    assert yaml_reader.read_document(path, "other.yaml").file == "other.yaml"
    assert len(_entries(cache)) == 3


def test_a_file_with_a_problem_is_never_kept_and_its_problem_is_found_every_time(cache, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("title: Bad\ntitle: Twice\n", encoding="utf-8")
    for _ in range(2):
        yaml_reader._parsed.cache_clear()
        with pytest.raises(InputError) as raised:
            yaml_reader.read_document(path, "bad.yaml")
        assert str(raised.value.problems[0]).startswith("bad.yaml:2:1: title: duplicate key 'title'")
    assert _entries(cache) == []


@pytest.mark.parametrize("damage", ["garbage", "other data", "folder", "pipe", "empty"])
def test_a_damaged_entry_costs_a_parse_not_an_error_or_a_wait(cache, tmp_path, damage):
    path = tmp_path / "what-if.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    expected = _fresh(SCENARIO, "what-if.yaml")
    key = yaml_reader._cache_key(SCENARIO, "what-if.yaml", False)
    cache.mkdir(parents=True)
    entry = cache / key
    if damage == "garbage":
        entry.write_bytes(b"\xff\x00not marshal at all")
    elif damage == "other data":
        entry.write_bytes(__import__("marshal").dumps(["a", "list"]))
    elif damage == "folder":
        entry.mkdir()
    elif damage == "pipe":
        os.mkfifo(entry)
    else:
        entry.write_bytes(b"")
    _same(yaml_reader.read_document(path, "what-if.yaml"), expected)


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    yaml_reader._parsed.cache_clear()
    path = tmp_path / "what-if.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    _same(yaml_reader.read_document(path, "what-if.yaml"), _fresh(SCENARIO, "what-if.yaml"))
    assert blocked.read_text(encoding="utf-8") == "not a folder"
    yaml_reader._parsed.cache_clear()


def test_the_oldest_entries_go_past_the_limit(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_reader, "CACHE_FILES", 3)
    for number in range(5):
        path = tmp_path / f"file-{number}.yaml"
        path.write_text(SCENARIO.replace("80%", f"{number}%"), encoding="utf-8")
        yaml_reader.read_document(path, path.name)
        os.utime(cache / yaml_reader._cache_key(path.read_text(), path.name, False), (number, number))
    kept = _entries(cache)
    assert len(kept) == 3
    newest = {yaml_reader._cache_key(SCENARIO.replace("80%", f"{n}%"), f"file-{n}.yaml", False) for n in (2, 3, 4)}
    assert set(kept) == newest
