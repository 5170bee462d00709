"""Report folders: files, key numbers, manifest, provenance, comparison, escaping, self-containment."""

import hashlib
import json
import re
from html.parser import HTMLParser

import markupsafe
import numpy as np
import pandas as pd
import pytest

from simulator.api import bundled_ids, load_scenario, run
from simulator.inputs.estimates import load_estimates
from simulator.inputs.facts import load_facts, load_sources
from simulator.inputs.locations import project_root
from simulator.model.variables import VARIABLES
from simulator.outputs.incremental import recorded_path
from simulator.outputs.key_numbers import key_numbers
from simulator.outputs.provenance import Footnote, citation
from tests.conftest import HOSTILE_TITLE

CHARTS = ("tariffs", "trade", "diversion", "balance", "revenue", "backtest")


def test_scenario_folder_holds_every_output(reports):
    folder = reports / "documented-2025"
    names = {path.name for path in folder.iterdir()}
    for chart in CHARTS:
        assert b"<svg" in (folder / f"{chart}.svg").read_bytes()[:500]
    assert not list(folder.glob("*.png"))  # PNG only when asked for (formats)
    assert {
        "projection.csv",
        "projection.parquet",
        "summary.md",
        "manifest.json",
        "index.html",
        "key-numbers.csv",
        "tariffs.csv",
        "monthly.csv",
        "backtest.csv",
        "chartbook.pdf",
    } <= names
    assert not [path for path in reports.iterdir() if path.name.startswith(".")], "no staging folder is left behind"


def test_parquet_and_csv_hold_the_same_tidy_table(reports):
    folder = reports / "truce-expires"
    parquet = pd.read_parquet(folder / "projection.parquet")
    csv = pd.read_csv(folder / "projection.csv")
    assert list(parquet.columns) == ["scenario", "date", "variable", "value", "unit"]
    assert len(parquet) == len(csv) == 48 * len(VARIABLES)
    assert np.allclose(parquet["value"].to_numpy(), csv["value"].to_numpy(), atol=1e-6)
    imports_2024 = parquet[(parquet["variable"] == "us_imports_from_china") & (parquet["date"].dt.year == 2024)][
        "value"
    ].sum()
    assert imports_2024 == pytest.approx(438.742, abs=1e-3)


def test_key_numbers_per_year_and_change_against_baseline():
    documented = run(load_scenario("documented-2025"))
    table = key_numbers(documented, documented.baseline)
    assert list(table["year"]) == [2024, 2025, 2026, 2027]
    assert list(table["days"]) == [366, 365, 365, 365]
    assert table["imports"][0] == pytest.approx(438.742, abs=1e-3)
    assert table["balance"][0] == pytest.approx(-295.515, abs=1e-3)
    assert np.allclose(table["balance"], table["exports"] - table["imports"])
    # no 2025 tariff acts in 2024, so 2024 equals the counterfactual; from 2025 on imports are lower
    assert table["imports_change"][0] == pytest.approx(0.0, abs=1e-9)
    assert all(table["imports_change"][1:] < -50)
    baseline = documented.baseline
    assert baseline.scenario.id == "baseline-2024" and baseline.scenario.end == documented.scenario.end
    assert np.allclose(table["imports_change"], table["imports"] - key_numbers(baseline, baseline)["imports"])
    assert np.allclose(key_numbers(baseline, baseline)["balance_change"], 0.0)


def test_partial_years_count_their_days(tmp_path):
    from simulator.api import scenario_from_data

    short = scenario_from_data(
        {
            "title": "Half of 2025",
            "extends": "documented-2025",
            "horizon": {"start": "2024-07-01", "end": "2025-06-30"},
        },
        "half",
    )
    result = run(short)
    table = key_numbers(result, result.baseline)
    assert list(table["year"]) == [2024, 2025] and list(table["days"]) == [184, 181]


def test_summary_lists_key_numbers_and_footnotes(reports):
    text = (reports / "documented-2025" / "summary.md").read_text(encoding="utf-8")
    assert (
        "| Key numbers by year \\[USD bn; rates in %\\] | 2024 model | 2025 model | 2026 model, 4 months in Census "
        "| 2027 projected |" in text
    )
    imports_2025 = run("documented-2025").annual["us_imports_from_china"].iloc[1]
    assert f"| US imports from China | 438.7 | {imports_2025:,.1f} |" in text
    assert "| US balance with China (exports − imports) | −295.5 |" in text
    assert "10% for 90 days, then 34%" in text
    # the page and the summary say alike why the duties collected fall short of the statutory ones
    assert "as the Treasury receives them: after in-transit relief, exemptions and under-valuation" in text
    numbers = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    defined = set(re.findall(r"^\[\^(\d+)\]:", text, flags=re.MULTILINE))
    assert numbers and numbers <= defined


def test_a_parameter_set_outside_what_its_sources_support_is_said_at_the_top(reports):
    """The hostile what-if sets pass-through to 50% (its sources: 60% to 100%); its page and summary say so under the
    title, and a scenario on the defaults carries no such note."""
    from simulator.outputs.pages import evidence_note

    hostile = next(path for path in reports.iterdir() if path.name.startswith("hostile"))
    expected = (
        "This scenario sets pass-through of duties to prices at 50%, where its sources support 60% to 100%. Its "
        "numbers rest on that assumption, not on the evidence the defaults come from."
    )
    assert f"<strong>Note:</strong> {expected}" in (hostile / "index.html").read_text(encoding="utf-8")
    assert f"**Note:** {expected}" in (hostile / "summary.md").read_text(encoding="utf-8")
    assert "where its sources support" not in (reports / "documented-2025" / "index.html").read_text(encoding="utf-8")
    assert all(evidence_note(load_scenario(name)) == "" for name in bundled_ids())


def test_manifest_records_inputs_and_software(reports):
    manifest = json.loads((reports / "documented-2025" / "manifest.json").read_text())
    (entry,) = manifest["scenarios"]
    source = entry["files"][0]
    # named from the project's folder: a folder sent on does not tell where it was made
    assert source["path"] == "scenarios/documented-2025.yaml"
    assert source["sha256"] == hashlib.sha256(recorded_path(source["path"]).read_bytes()).hexdigest()
    text = (reports / "documented-2025" / "manifest.json").read_text()
    assert str(project_root()) not in text
    assert "seeds/parameters.yaml" in manifest["build"]["inputs"]
    estimated = load_estimates().value("short_run_elasticity")  # the bundled default is the estimate
    assert entry["parameters"]["short_run_elasticity"] == pytest.approx(estimated, rel=1e-9)
    assert entry["seed"] is None and entry["draws"] == 0
    assert set(manifest["versions"]) >= {"python", "numpy", "pandas", "matplotlib"}
    assert manifest["package"]["version"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", manifest["created"])
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((reports / "documented-2025" / name).read_bytes()).hexdigest() == digest


def test_every_fact_used_is_a_footnote_with_its_source(reports):
    page = (reports / "documented-2025" / "index.html").read_text(encoding="utf-8")
    facts, sources = load_facts(), load_sources()
    scenario = load_scenario("documented-2025")
    notes = dict(re.findall(r'<li id="note-(\d+)" value="\d+"><strong>(.*?)</strong>', page))
    assert len(notes) >= len(scenario.facts_used())
    for fact_id in scenario.facts_used():
        fact = facts[fact_id]
        label = Footnote(0, fact, []).label
        assert str(markupsafe.escape(label)) in notes.values(), fact_id
        for source_id in fact.sources:
            assert str(markupsafe.escape(citation(sources[source_id]))) in page, source_id
    cited = set(re.findall(r'href="#note-(\d+)"', page))
    assert cited and cited <= set(notes)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("folder", ["documented-2025", "comparison", "hostile"])
def test_html_is_self_contained(reports, folder):
    page = (reports / folder / "index.html").read_text(encoding="utf-8")
    parser = Elements()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags and "object" not in tags
    images = [attrs["src"] for tag, attrs in parser.tags if tag == "img"]
    assert len(images) == len(list((reports / folder).glob("*.svg"))) >= 5
    assert all(src.startswith("data:image/svg+xml;base64,") for src in images)
    assert "url(" not in page and "@import" not in page
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            assert not (name in ("src", "srcset", "poster", "data") and not value.startswith("data:")), (tag, name)
            assert not name.startswith("on"), (tag, name)


def test_scenario_text_is_escaped(reports):
    page = (reports / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; $5 &#34;quoted&#34;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page and "<img src=x" not in page
    summary = (reports / "hostile" / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# &lt;script&gt;alert('title')&lt;/script&gt; &amp; \\$5")
    comparison = (reports / "comparison" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in comparison and "&lt;script&gt;" in comparison
    assert HOSTILE_TITLE not in page


def test_comparison_folder(reports):
    folder = reports / "comparison"
    for chart in ("imports", "exports", "balance", "tariffs", "revenue"):
        assert (folder / f"{chart}.svg").exists() and not (folder / f"{chart}.png").exists()
    keys = pd.read_csv(folder / "key-numbers.csv")
    assert list(keys["scenario"].unique()) == ["baseline-2024", "documented-2025", "truce-expires", "hostile"]
    assert len(keys) == 16
    differences = pd.read_csv(folder / "differences.csv").fillna("")
    expires = differences[differences["scenario"] == "truce-expires"]
    assert set(expires["extends"]) == {"documented-2025"}
    geneva = expires[expires["input"] == "Reciprocal duty from 14 May 2025"].iloc[0]
    assert (geneva["before"], geneva["after"]) == ("10% for 90 days, then 34%", "10% for 90 days, then back to 125%")
    november = expires[expires["input"] == "Fentanyl duty from 10 Nov 2025"].iloc[
        0
    ]  # the what-if drops the November cut
    assert (november["before"], november["after"]) == ("10%", "no step on this date; 20% in force")
    hostile = differences[differences["scenario"] == "hostile"]
    assert list(hostile["input"]) == ["short-run elasticity", "pass-through of duties to prices"]  # not the sum of them
    estimated = f"{load_estimates().value('short_run_elasticity'):.3g}".replace("-", "−")
    assert (hostile.iloc[0]["before"], hostile.iloc[0]["after"]) == (
        f"{estimated} (estimated from the monthly record)",
        "−1",
    )
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "then back to 125%" in page and 'href="../truce-expires/index.html"' in page


UNITS = ("_usd_bn_per_month", "_usd_bn", "_percent", "_days", "_months")
NO_UNIT = {"date", "month", "year", "quantile", "scenario", "forecaster", "flow", "months_ahead", "months_scored"}
"""Columns that are their own unit (dates, counts of months), text, or the quantile level [%]."""


@pytest.mark.parametrize("folder", ["documented-2025", "comparison"])
def test_every_data_file_reads_back_as_its_readme_says_with_units_in_every_header(reports, folder):
    readme = (reports / folder / "README.md").read_text(encoding="utf-8")
    calls = dict(re.findall(r"^pd\.read_csv\('([\w.-]+)', (parse_dates=.*)\)$", readme, flags=re.MULTILINE))
    assert set(calls) == {path.name for path in (reports / folder).glob("*.csv")}
    for name, arguments in calls.items():
        frame = eval(f"pd.read_csv(folder / name, {arguments})", {"pd": pd, "folder": reports / folder, "name": name})
        for column in frame.columns:
            tidy = name.startswith("projection") and column in ("variable", "value", "unit")
            text = name == "differences.csv"
            assert tidy or text or column in NO_UNIT or column.endswith(UNITS), (name, column)
        for column in ("date", "month"):
            if column in frame:
                assert pd.api.types.is_datetime64_any_dtype(frame[column]), (name, column)


def test_key_numbers_file_names_its_columns_with_units(reports):
    keys = pd.read_csv(reports / "documented-2025" / "key-numbers.csv")
    assert list(keys.columns[:4]) == ["year", "horizon_days", "census_months", "us_imports_from_china_usd_bn"]
    assert keys["us_imports_from_china_usd_bn"].iloc[0] == pytest.approx(438.742, abs=1e-3)
    assert "us_effective_tariff_on_china_percent" in keys and "us_imports_from_china_vs_baseline_2024_usd_bn" in keys
    tariffs = pd.read_csv(reports / "documented-2025" / "tariffs.csv", parse_dates=["date"])
    assert all(column.endswith("_percent") for column in tariffs.columns[1:])


def test_manifest_states_parameters_as_the_input_format_writes_them(reports):
    from simulator.api import scenario_from_data

    (entry,) = json.loads((reports / "documented-2025" / "manifest.json").read_text())["scenarios"]
    parameters = entry["parameters"]
    assert parameters["diversion_share"] == "63%" and parameters["pass_through"] == "100%"
    assert isinstance(parameters["short_run_elasticity"], float)
    copied = scenario_from_data({"title": "Copied", "extends": "documented-2025", "parameters": parameters}, "copy")
    original = load_scenario("documented-2025")
    assert copied.parameters.numbers() == pytest.approx(original.parameters.numbers(), rel=1e-12)


def test_a_draws_run_writes_the_point_projection_and_the_quantiles(tmp_path):
    from simulator.outputs.report import write_reports

    scenario = load_scenario("geneva-truce")
    baseline = load_scenario("baseline-2024")
    (drawn,) = write_reports([scenario], tmp_path / "draws", baseline, draws=100, seed=3)
    (point,) = write_reports([scenario], tmp_path / "point", baseline)
    for name in ("monthly.csv", "projection.csv", "tariffs.csv", "key-numbers.csv"):
        assert (drawn.path / name).read_text() == (point.path / name).read_text(), name
    quantiles = pd.read_csv(drawn.path / "monthly-quantiles.csv", parse_dates=["date"])
    assert sorted(quantiles["quantile"].unique()) == [5, 25, 50, 75, 95]
    tidy = pd.read_parquet(drawn.path / "projection-quantiles.parquet")
    assert list(tidy.columns) == ["scenario", "date", "quantile", "variable", "value", "unit"]
    median = quantiles[quantiles["quantile"] == 50]["us_imports_from_china_usd_bn_per_month"].to_numpy()
    assert np.all(median > 0) and len(median) == 48
    summary = (drawn.path / "summary.md").read_text(encoding="utf-8")
    assert "100 Monte Carlo draws (seed 3: the same seed gives the same draws)" in summary and "--draws" not in summary
    # the ranges of the key numbers, by year, as the page's uncertainty table shows them
    annual = pd.read_csv(drawn.path / "annual-quantiles.csv", parse_dates=["date"])
    expected = run(scenario, draws=100, seed=3).annual["us_imports_from_china"]
    found = annual.set_index(["quantile", "date"])["us_imports_from_china_usd_bn_per_year"]
    assert len(found) == 20 and len(expected) == 20
    for (level, date), value in expected.items():
        assert found[(int(level), date)] == pytest.approx(value, abs=1e-6)


def test_progress_counts_each_chart_as_its_files_are_written(tmp_path):
    from simulator.outputs.report import write_reports

    baseline = load_scenario("baseline-2024")
    calls = []
    (alone,) = write_reports(
        [load_scenario("deal")], tmp_path / "one", baseline, workers=1, progress=lambda *call: calls.append(call)
    )
    charts = len(list(alone.path.glob("*.svg")))
    assert [call for call in calls if call[2] == "charts"] == [
        (done, charts, "charts") for done in range(1, charts + 1)
    ]

    # drawn in parts on forked workers, the parent shows the count as it finds it (two charts may land between two
    # looks), from the first chart to the last
    calls.clear()
    write_reports([load_scenario("deal")], tmp_path / "parts", baseline, workers=2, progress=lambda *c: calls.append(c))
    done = [call[0] for call in calls if call[2] == "charts"]
    assert {call[1] for call in calls if call[2] == "charts"} == {charts}
    assert done == sorted(set(done)) and done[-1] == charts and len(done) > 1

    calls.clear()
    scenarios = [load_scenario("geneva-truce"), load_scenario("deal")]
    outcomes = write_reports(
        scenarios, tmp_path / "two", baseline, workers=2, progress=lambda *call: calls.append(call)
    )
    total = sum(len(list(outcome.path.glob("*.svg"))) for outcome in outcomes)
    done = [call[0] for call in calls if call[2] == "charts"]
    assert {call[1] for call in calls if call[2] == "charts"} == {total}
    assert done == sorted(done) and done[-1] == total
    # forked workers count as they go: the bar moves between folders, not only when one is done
    assert len(set(done)) > len(outcomes)


def test_rerun_writes_identical_charts(tmp_path):
    from simulator.outputs.report import write_reports

    scenario = load_scenario("geneva-truce")
    both = ("png", "svg")
    first = write_reports([scenario], tmp_path / "a", load_scenario("baseline-2024"), formats=both)[0].path
    second = write_reports([scenario], tmp_path / "b", load_scenario("baseline-2024"), formats=both)[0].path
    for chart in ("tariffs", "trade"):
        for extension in both:
            assert (first / f"{chart}.{extension}").read_bytes() == (second / f"{chart}.{extension}").read_bytes()


def test_a_what_if_page_lists_what_it_changes_and_keeps_no_description_of_its_parent(reports):
    """``truce-expires`` extends another scenario; ``documented-2025`` extends none."""
    from simulator.api import scenario_from_data

    page = (reports / "truce-expires" / "index.html").read_text(encoding="utf-8")
    summary = (reports / "truce-expires" / "summary.md").read_text(encoding="utf-8")
    assert '<h2 id="changes">What this what-if changes</h2>' in page and "## What this what-if changes" in summary
    assert 'href="#changes"' in page
    assert "What this what-if changes" not in (reports / "documented-2025" / "index.html").read_text(encoding="utf-8")
    bare = scenario_from_data({"title": "A what-if", "extends": "documented-2025"}, "bare")
    assert bare.description == "" and load_scenario("documented-2025").description


def test_the_report_says_which_census_record_it_uses_and_when_it_was_fetched(reports):
    """Read months after the record was fetched, 'the last month Census has published' would be untrue: the page and
    the summary name the record the report uses, its release and the day it was retrieved."""
    for name in ("summary.md", "index.html"):
        text = (reports / "documented-2025" / name).read_text(encoding="utf-8")
        assert (
            "The Census record this report uses runs from January 2024 to April 2026 (January 2024 to January 2026 as "
            "released before the June 2026 annual revision, retrieved 23 Mar 2026; February to April 2026 as released "
            "after the June 2026 annual revision, retrieved 17 Jun 2026). Census publishes each month about five weeks "
            "after it ends; months it has published since the last retrieval are not in this report. Of the horizon it "
            "holds every month of 2024 "
            "and 2025;"
        ) in " ".join(text.split())
        assert "further down. 2027 is projected. US revenue" in " ".join(text.split())
        assert "2026-04-30, the last day of the Census record this report uses" in text
        assert "Census has published" not in text


def test_the_tables_say_their_figures_are_rounded_one_by_one(reports):
    """2025 on the documented path: exports 113.0 less imports 306.1 is 193.1, the balance shows 193.2; each figure is
    rounded from the unrounded values, and the notes say so."""
    for folder, name in [
        ("documented-2025", "summary.md"),
        ("documented-2025", "index.html"),
        ("comparison", "summary.md"),
    ]:
        text = (reports / folder / name).read_text(encoding="utf-8")
        assert "a balance may differ by 0.1 from exports less imports" in text, (folder, name)


def test_the_comparison_names_what_each_what_if_extends_by_its_title(reports):
    """A reader sees the scenario a what-if extends by its title, its id only beside it, in the table of scenarios and
    above the table of what it changes."""
    own = (reports / "truce-expires" / "summary.md").read_text(encoding="utf-8")
    assert "a what-if on “Documented path to November 2026, then held” (`documented-2025`); horizon" in own
    summary = (reports / "comparison" / "summary.md").read_text(encoding="utf-8")
    assert "| `truce-expires` | Documented path to November 2026, then held (`documented-2025`) |" in summary
    assert ") against Documented path to November 2026, then held (`documented-2025`)" in summary
    page = (reports / "comparison" / "index.html").read_text(encoding="utf-8")
    assert '<td>Documented path to November 2026, then held <span class="id">documented-2025</span></td>' in page


def test_a_scenario_that_sets_fitted_parameters_is_told_its_fit_and_score_are_not_the_estimated_models(tmp_path):
    """The page said the parameters were estimated on the Census months and showed the estimated model's score, for
    a what-if whose own elasticity put April 2025 imports 10% off the record (analyst review)."""
    from simulator.api import what_if
    from simulator.outputs.report import write_reports

    own = what_if(
        "documented-2025",
        "Own elasticity and pass-through",
        scenario_id="own-values",
        parameters={"pass_through": "80%", "short_run_elasticity": -1.0},
    )
    baseline = load_scenario("baseline-2024")
    (written,) = write_reports([own], tmp_path, baseline, compare=False)
    page = (written.path / "summary.md").read_text(encoding="utf-8")
    assert "this scenario sets its own short-run elasticity and pass-through of duties to prices: the errors" in page
    scored = "the values this scenario gives for short-run elasticity and pass-through of duties to prices were not"
    assert f"{scored} scored" in page
    assert "this shows how closely the model can follow them" not in page
    (plain_run,) = write_reports([load_scenario("documented-2025")], tmp_path / "plain", baseline, compare=False)
    text = (plain_run.path / "summary.md").read_text(encoding="utf-8")
    assert "this shows how closely the model can follow them" in text and "sets its own" not in text


def test_review_of_the_renewal_date_and_header_texts():
    """Texts a review of this round's changes found wrong: a date taken from a fact was not cited on its row; a
    certain renewal that cannot act was said to run on; a chart note said 'The path as written' twice; a draws run
    without a what-if claimed ranges of effects in the comparison's header."""
    from simulator.api import run, scenario_from_data
    from simulator.outputs.chart_inputs import scenario_chart_inputs
    from simulator.outputs.pages import _runs
    from simulator.outputs.provenance import differences, inputs
    from simulator.outputs.scenario_charts import tariff_chart

    deal = load_scenario("deal")
    (row,) = [row for row in differences(deal, deal.extended) if row.name.startswith("Section 301 forced-labour")]
    assert "us-suspensions-end-2026-11-10" in row.facts

    def extra(*path):
        measures = {"extra": {"label": "Extra duty", "authority": "section_301", "path": list(path)}}
        return scenario_from_data(
            {
                "title": "Certain truces",
                "extends": "documented-2025",
                "tariffs": {"us_on_china": {"measures": measures}},
            },
            "certain",
        )

    window = {"date": "2025-06-01", "rate": "20%", "days": 90, "then": "50%", "renewal": {"probability": "100%"}}
    cut = extra(window, {"date": "2025-07-01", "rate": "30%"})
    (text,) = [row.text for row in inputs(cut) if row.name == "Extra duty from 1 Jun 2025"]
    assert "its renewal (100%) never acts: the window is cut short or ends after the horizon" in text
    mixed = extra(
        window, {"date": "2025-09-01", "rate": "5%", "days": 120, "then": "25%", "renewal": {"probability": "50%"}}
    )
    (text,) = [row.text for row in inputs(mixed) if row.name == "Extra duty from 1 Jun 2025"]
    assert "with certainty: it runs on renewed in every run" in text
    figure = tariff_chart(scenario_chart_inputs(run(extra(window)), with_tornado=False))
    notes = [t.get_text() for t in figure.texts if "as written" in t.get_text()]
    assert notes == ["The path as written, with each truce renewed for certain running on renewed."]
    drawn = [run("documented-2025", draws=20, seed=1), run("geneva-truce", draws=20, seed=1)]
    assert _runs(drawn) == "point projections; each scenario's own page gives the ranges of its 20 Monte Carlo draws"
