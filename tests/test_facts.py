"""Seeds hold facts with sources; the monthly data add up to the annual facts."""

import csv
import re
from pathlib import Path

import pytest

from simulator.inputs.facts import load_facts, load_sources
from simulator.inputs.locations import seeds_dir
from simulator.inputs.parameters import default_parameters, parameter_specs


def monthly_rows():
    with open(seeds_dir() / "us_china_goods_trade_monthly.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_fact_cites_known_sources():
    facts, sources = load_facts(), load_sources()
    assert len(facts) >= 60
    for fact in facts.values():
        assert fact.sources, fact.id
        assert set(fact.sources) <= set(sources), fact.id


def test_both_seed_articles_are_described():
    sources = load_sources()
    bloomberg = sources["seed-bloomberg-2025-06-05"]
    standard = sources["seed-business-standard-2025-06-05"]
    assert bloomberg.publisher.startswith("Bloomberg") and bloomberg.date == "2025-06-05"
    assert standard.publisher == "Business Standard" and standard.date == "2025-06-05"
    assert "rare earths" in bloomberg.title and "Xi" in standard.title


@pytest.mark.parametrize(
    ("column", "fact_id"),
    [
        ("us_imports_from_china_musd", "us-imports-from-china-2024"),
        ("us_exports_to_china_musd", "us-exports-to-china-2024"),
    ],
)
def test_monthly_2024_sums_to_annual_fact(column, fact_id):
    total = sum(float(row[column]) for row in monthly_rows() if row["month"].startswith("2024-")) / 1000.0
    assert total == pytest.approx(load_facts()[fact_id].value, abs=0.001)


def test_monthly_balance_matches_annual_balance_and_seed_deficit():
    balance = (
        sum(float(row["us_balance_with_china_musd"]) for row in monthly_rows() if row["month"].startswith("2024-"))
        / 1000
    )
    facts = load_facts()
    assert balance == pytest.approx(facts["us-balance-with-china-2024"].value, abs=0.001)
    # the seed article rounds the same Census figure to $295 billion
    assert facts["us-deficit-with-china-2024-seed"].value == 295
    assert -balance == pytest.approx(295, abs=1)


def test_monthly_file_covers_2024_to_april_2026_each_month_in_its_stated_vintage():
    """2024 to January 2026 as first published (the release of March 2026); February to April 2026 exist only in the
    release after the June 2026 annual revision, which the reference scraped on 17 June 2026."""
    rows = monthly_rows()
    months = [row["month"] for row in rows]
    assert months[0] == "2024-01" and months[-1] == "2026-04" and len(months) == 28
    vintage = {row["month"]: (row["vintage"], row["retrieved"]) for row in rows}
    assert {vintage[month] for month in months[:25]} == {("before the June 2026 annual revision", "2026-03-23")}
    assert {vintage[month] for month in months[25:]} == {("after the June 2026 annual revision", "2026-06-17")}
    later = {row["month"]: (row["us_imports_from_china_musd"], row["us_exports_to_china_musd"]) for row in rows[24:]}
    assert later == {
        "2026-01": ("21057.9", "8329.1"),
        "2026-02": ("18955.6", "7946.6"),
        "2026-03": ("20859.0", "11103.0"),
        "2026-04": ("19789.2", "9395.1"),
    }


def test_documented_tariff_facts_have_their_values_and_dates():
    facts = load_facts()
    expected = {
        "us-additional-peak-2025-04-10": (145, "2025-04-10"),
        "us-additional-geneva": (30, "2025-05-14"),
        "china-reciprocal-2025-04-12": (125, "2025-04-12"),
        "china-reciprocal-geneva": (10, "2025-05-14"),
        "geneva-window-days": (90, "2025-05-14"),
        "us-fentanyl-2025-11-10": (10, "2025-11-10"),
        "electronics-carve-out-share": (22, "2025-04-05"),
        "us-average-tariff-2025-01-20": (20.8, "2025-01-20"),
    }
    for fact_id, (value, date) in expected.items():
        assert (facts[fact_id].value, facts[fact_id].date.isoformat()) == (value, date), fact_id


def test_derived_facts_are_consistent():
    facts = load_facts()
    exports = facts["us-exports-to-china-2024"].value
    assert facts["us-reciprocal-coverage"].value == 100 - facts["electronics-carve-out-share"].value
    midpoint = (facts["china-farm-coverage-low"].value + facts["china-farm-coverage-high"].value) / 2
    assert facts["china-farm-coverage-share"].value == pytest.approx(100 * midpoint / exports, abs=0.005)
    energy = facts["china-imports-us-lng-2024"].value + facts["china-imports-us-coal-2024"].value
    assert facts["china-coal-lng-coverage-share"].value == pytest.approx(100 * energy / exports, abs=0.005)
    assert facts["china-crude-coverage-share"].value == pytest.approx(
        100 * facts["china-imports-us-crude-2024"].value / exports, abs=0.005
    )
    assert (
        facts["us-reciprocal-snapback"].value + facts["us-fentanyl-2025-03-04"].value
        == facts["us-additional-snapback"].value
    )


def _prose() -> list[Path]:
    from tests.conftest import ROOT

    return [
        *seeds_dir().glob("*.yaml"),
        seeds_dir() / "README.md",
        *(ROOT / "scenarios").glob("*"),
        *(ROOT / "docs").glob("*.md"),
        ROOT / "README.md",
        *(ROOT / "notebooks").glob("*.ipynb"),
    ]


def _copied(path: Path, hashes: set[str]) -> list[str]:
    """The runs of eight words of ``path`` whose hash is in ``hashes``; titles, source lists and web addresses are
    cited, not copied prose, and are left out."""
    from tests.data.make_seed_shingles import WORDS, shingles

    text = "\n".join(
        line
        for line in path.read_text().splitlines()
        if not line.strip().startswith(("title:", '"title"', "sources:", "url:")) and "http" not in line
    )
    words = re.findall(r"[a-z0-9']+", text.lower())
    return [
        " ".join(words[index : index + WORDS])
        for index in range(len(words) - WORDS + 1)
        if shingles(" ".join(words[index : index + WORDS])) & hashes
    ]


@pytest.mark.parametrize(
    ("hashes", "least"),
    [("seed-shingles.txt", 1500), ("reference-shingles.txt", 8000)],
    ids=["seed articles", "reference record"],
)
def test_no_sentence_of_the_seed_articles_or_the_reference_record_is_copied(hashes, least):
    """No run of eight words of the seed articles, or of the sourced reference notes the facts come from, appears
    in our prose (their hashes ship in tests/data, not their text): facts carry over, sentences do not."""
    from tests.conftest import ROOT

    found = set((ROOT / "tests" / "data" / hashes).read_text().split())
    assert len(found) > least  # the whole of the texts, not a stub
    for path in _prose():
        copied = _copied(path, found)
        assert not copied, f"{path.name} repeats {hashes.split('-')[0]} text: {copied[:3]}"


def test_the_shingle_check_catches_a_copied_sentence():
    from tests.conftest import ROOT
    from tests.data.make_seed_shingles import shingles

    seeds = set((ROOT / "tests" / "data" / "seed-shingles.txt").read_text().split())
    # a run of eight words known to be in a seed article is found; our own wording is not
    assert shingles("No more questions on rare earths now Trump said") & seeds
    assert not shingles("the truce rates of 14 May 2025 stay in force to the end") & seeds
    reference = set((ROOT / "tests" / "data" / "reference-shingles.txt").read_text().split())
    # the sentence a past version of the registry had taken from the reference notes is caught
    assert shingles("sunk costs of switching suppliers make trade slow to come back after a cut") & reference


def test_parameter_defaults_are_documented_and_within_range():
    specs, defaults = parameter_specs(), default_parameters()
    facts = load_facts()
    assert set(specs) == set(type(defaults).model_fields)
    for name, spec in specs.items():
        value = getattr(defaults, name).value
        assert spec.low <= value <= spec.high, name
        assert spec.facts and set(spec.facts) <= set(facts), name


def test_every_fact_a_parameter_reads_is_among_the_facts_it_cites():
    """A default, range bound or prior centre written as ``{fact: id}`` is listed in the entry's ``facts``, which the
    reports and the docs' table cite; and every such bound is the fact's value."""
    from simulator.inputs.parameters import _DOCUMENT, PARAMETERS

    facts, read = load_facts(), 0
    for name, entry in _DOCUMENT.data["parameters"].items():
        spec = PARAMETERS[name]
        written = {key: entry.get(key) for key in ("default", "low", "high")}
        written["centre"] = (entry.get("estimated") or {}).get("centre")
        for key, value in written.items():
            if isinstance(value, dict):
                read += 1
                assert value["fact"] in spec.facts, (name, key)
                if key in ("low", "high"):
                    assert getattr(spec, key) == facts[value["fact"]].value, (name, key)
    assert read >= 20  # the registry's numbers come from facts, not only a few


def test_a_range_bound_naming_an_unknown_fact_is_refused():
    from pydantic import ValidationError

    from simulator.inputs.parameters import ParameterSpec

    entry = {"label": "pass-through", "kind": "share", "unit": "percent", "default": 100, "high": 100}
    entry["description"] = "A test entry with a bound that names no fact."
    assert ParameterSpec(**entry, low={"fact": "pass-through-low-assumed"}).low == 60
    with pytest.raises(ValidationError, match="unknown fact 'no-such-fact'"):
        ParameterSpec(**entry, low={"fact": "no-such-fact"})


def test_the_docs_parameter_table_is_the_registry():
    from simulator.inputs.parameters import markdown_table
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    block = text.split("<!-- parameters:start", 1)[1].split("-->", 1)[1].split("<!-- parameters:end -->", 1)[0]
    assert block.strip() == markdown_table(), "regenerate the table in docs/model.md from markdown_table()"
