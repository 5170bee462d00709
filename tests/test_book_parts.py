"""A folder drawn in parts: with fewer folders than twice the workers, each folder's charts are shared out over the
workers and its chart book is bound from the parts. The folder must be the one a single job writes: the same chart
files, the same book pages, nothing left over; and a part's failure fails its folder, or the run for a full disk."""

import errno
import os
import re
from pathlib import Path

import pytest

from simulator.api import load_scenario, scenario_from_data
from simulator.outputs import report
from simulator.outputs.folders import OutputFolderError
from simulator.outputs.report import Part, Staged, shares, write_reports

pypdf = pytest.importorskip("pypdf")

MADE = re.compile(r"on \d+ \w+ \d{4} at \d\d:\d\d UTC")
"""When the book was made: the one text two runs may write differently."""


@pytest.fixture(scope="module")
def short():
    return scenario_from_data(
        {"title": "One year", "extends": "documented-2025", "horizon": {"start": "2025-01-01", "end": "2025-12-31"}},
        "one-year",
    )


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline-2024")


@pytest.fixture(scope="module")
def both(short, baseline, tmp_path_factory):
    """The folder written as one job and in two parts."""
    whole, split = tmp_path_factory.mktemp("whole"), tmp_path_factory.mktemp("split")
    assert write_reports([short], whole, baseline, workers=1)[0].path
    assert write_reports([short], split, baseline, workers=2)[0].path
    return whole / "one-year", split / "one-year"


def _staged(count: int) -> Staged:
    charts = [report.registry.SCENARIO_CHARTS[name] for name in list(report.registry.SCENARIO_CHARTS)[:count]]
    return Staged(report=None, staging=Path("/staging"), target=Path("/out/x"), charts=charts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("charts", "count", "sizes", "firsts"),
    [
        (8, 2, [4, 4], [2, 6]),
        (5, 2, [3, 2], [2, 5]),
        (7, 3, [3, 2, 2], [2, 5, 7]),
        (1, 2, None, None),
        (8, 1, None, None),
    ],
)
def test_a_folders_charts_are_shared_in_even_runs_that_keep_the_books_order(charts, count, sizes, firsts):
    item = _staged(charts)
    tasks = shares(item, count)
    if sizes is None:
        assert tasks == [item]
        return
    assert all(isinstance(task, Part) and task.item is item for task in tasks)
    assert [len(task.charts) for task in tasks] == sizes and [task.first for task in tasks] == firsts
    assert [chart for task in tasks for chart in task.charts] == item.charts
    assert len({task.path for task in tasks}) == count and all(task.path.parent == item.staging for task in tasks)


def test_a_folder_drawn_in_parts_has_the_same_files_and_chart_files(both):
    whole, split = both
    assert sorted(path.name for path in split.iterdir()) == sorted(path.name for path in whole.iterdir())
    for svg in whole.glob("*.svg"):
        assert (split / svg.name).read_bytes() == svg.read_bytes(), svg.name


def test_a_book_bound_from_parts_has_the_same_pages_sizes_texts_and_fonts(both):
    charts = len(list(both[0].glob("*.svg")))
    whole, split = (pypdf.PdfReader(folder / "chartbook.pdf") for folder in both)
    assert charts >= 8 and len(split.pages) == len(whole.pages) > 1 + charts
    assert split.metadata.title == whole.metadata.title == "One year"
    for number, (one, other) in enumerate(zip(whole.pages, split.pages, strict=True), start=1):
        assert [float(value) for value in other.mediabox] == [float(value) for value in one.mediabox], number
        assert MADE.sub("", other.extract_text()) == MADE.sub("", one.extract_text()), number

        def fonts(page):
            return sorted(str(font["/BaseFont"]).split("+")[-1] for font in page["/Resources"]["/Font"].values())

        used = set(fonts(other))
        assert used <= set(fonts(one)) and used, number


@pytest.mark.parametrize("workers", [1, 2], ids=["whole", "parts"])
def test_a_what_ifs_book_gives_what_it_changes_and_its_effect_after_the_charts(baseline, tmp_path, workers):
    """The book of a what-if had only levels: not the inputs it changes, nor its effect (analyst review)."""
    what_if = scenario_from_data(
        {
            "title": "Less pass-through",
            "extends": "documented-2025",
            "horizon": {"start": "2025-01-01", "end": "2025-12-31"},
            "parameters": {"pass_through": "70%"},
        },
        "less-pass-through",
    )
    (outcome,) = write_reports([what_if], tmp_path, baseline, workers=workers, draws=200, seed=3)
    charts = len(list(outcome.path.glob("*.svg")))
    pages = [page.extract_text() for page in pypdf.PdfReader(outcome.path / "chartbook.pdf").pages]
    page = pages[1 + charts]  # after the cover and the charts
    assert page.startswith("What this what-if changes against “Documented path")
    assert "pass-through of duties to prices: 70% (was: 100%)" in page
    assert "The change against “Documented path" in page and "Imports: median" in page
    assert "US net duties: 95th percentile" in page and "200 draws" in " ".join(page.split())  # wrapped anywhere
    assert "What this what-if changes" in pages[0]  # named in the contents
    assert pages[2 + charts].startswith("Key numbers by year")
    (root,) = write_reports([load_scenario("baseline-2024")], tmp_path / "root", baseline, workers=1)
    assert not any(
        "What this what-if changes" in page.extract_text()
        for page in pypdf.PdfReader(root.path / "chartbook.pdf").pages
    )


def test_the_workers_leave_no_part_behind_and_the_manifest_lists_the_folders_files(both):
    _, split = both
    assert not [path.name for path in split.iterdir() if path.name.startswith(".")]
    assert not [path for path in split.parent.iterdir() if path.name.startswith(".")]
    manifest = (split / "manifest.json").read_text(encoding="utf-8")
    assert "chartbook-part" not in manifest and '"chartbook.pdf"' in manifest
    for page in ("index.html", "summary.md"):  # the pages' lists of files link only files the folder holds
        text = (split / page).read_text(encoding="utf-8")
        assert ".chartbook-" not in text and "chartbook.pdf" in text, page


def test_a_chart_that_fails_in_a_part_fails_its_folder_and_leaves_nothing(short, baseline, tmp_path, monkeypatch):
    drawn = report.registry.draw

    def draw(chart, inputs):
        if chart.name == "revenue":
            raise ValueError("no revenue today")
        return drawn(chart, inputs)

    monkeypatch.setattr(report.registry, "draw", draw)
    (outcome,) = write_reports([short], tmp_path, baseline, workers=2)
    assert outcome.path is None and outcome.error == "chart revenue: ValueError: no revenue today"
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_a_part_is_drawn_ends_the_run(short, baseline, tmp_path, monkeypatch):
    saved = report.save

    def save(figure, stem, *formats, **keywords):
        if stem.name == "skill":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(stem) + ".svg")
        return saved(figure, stem, *formats, **keywords)

    monkeypatch.setattr(report, "save", save)
    with pytest.raises(OutputFolderError, match=r"the disk is full$"):
        write_reports([short], tmp_path, baseline, workers=2)
    assert list(tmp_path.iterdir()) == []
