"""Reports a reader forwards without editing: no internal words, numbers formatted once, a chart book that opens,
glance and tables generated from the result, every script drawn or reported."""

import html
import itertools
import json
import re
import warnings
from html.parser import HTMLParser

import numpy as np
import pytest

import simulator
from simulator.api import run, scenario_from_data
from simulator.model.observed import observed
from simulator.outputs import layout
from simulator.outputs.comparison_charts import sameness
from simulator.outputs.glance import scenario_glance
from simulator.outputs.incremental import reference_of
from simulator.outputs.key_numbers import key_numbers
from simulator.outputs.scenario_charts import merged_spans
from simulator.outputs.tables import measure_table, scenario_table
from simulator.outputs.text import money, number, reader_text
from tests.conftest import forced_labour_step

FORBIDDEN = (
    r"(?<![-\w])seeds?(?![-\w])",  # the project's word for its source articles and its data folder; '--seed' is a flag
    r"seeds/",
    r"\.ya?ml\b",
    r"docs/",
    r"\bderived:",
    r"renewal probability that can act",
    r"\bbaseline-2024\b(?! \w)",  # an id where a reader needs a name (the scenario table names it with its title)
    r"\b[a-z]+(?:-[a-z0-9]+){3,}\b",  # a fact id such as us-fentanyl-2025-03-04
    r"\bmonthly csv\b",
    r"\bthe fork\b",  # the public fork of the Yale tracker, which a reader must be told
    r"\breference list\b",
)
"""Internal words that must not reach a reader."""
ALLOWED = re.compile(r"https?://\S+|--seed \d+|\b[\w.-]+\.(?:html|csv|svg|png|pdf|parquet|json|md)\b")
"""What may hold such words all the same: web addresses (sources), the command line that repeats a run, file names."""


class _Visible(HTMLParser):
    """The text a reader sees on a page: no tags, attributes, styles or inlined images."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += (
            tag in ("style", "code", "span") and any(name == "class" and value == "id" for name, value in attrs)
        ) or tag == "style"

    def handle_endtag(self, tag):
        if tag == "style" or (tag == "span" and self._skip):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_html(text: str) -> str:
    parser = _Visible()
    parser.feed(text)
    return " ".join(parser.parts)


def _svg_text(text: str) -> str:
    return " ".join(html.unescape(part) for part in re.findall(r"<text[^>]*>(.*?)</text>", text, flags=re.DOTALL))


def _markdown(text: str) -> str:
    return re.sub(r"`[^`]*`", " ", text)  # code spans hold ids and commands on purpose


def _offences(text: str) -> list[str]:
    text = ALLOWED.sub(" ", text)
    return [match.group(0) for pattern in FORBIDDEN for match in re.finditer(pattern, text, flags=re.IGNORECASE)]


@pytest.mark.parametrize("folder", ["documented-2025", "truce-expires", "comparison"])
def test_reports_speak_without_internal_words(reports, folder):
    found = {}
    for path in sorted((reports / folder).iterdir()):
        if path.suffix == ".html":
            shown = _visible_html(path.read_text(encoding="utf-8"))
        elif path.name == "summary.md":
            shown = _markdown(path.read_text(encoding="utf-8"))
        elif path.suffix == ".svg":
            shown = _svg_text(path.read_text(encoding="utf-8"))
        else:
            continue
        offences = _offences(shown)
        if offences:
            found[path.name] = sorted(set(offences))[:8]
    assert not found, f"internal words a reader would see: {found}"


def test_every_bundled_description_and_fact_note_speaks_to_readers():
    """What every report could show: the bundled scenarios' titles and descriptions, each fact's label, description
    and worked-out note (the report folders above are three of the bundled scenarios)."""
    from simulator.api import bundled_ids, load_scenario
    from simulator.inputs.facts import load_facts
    from simulator.outputs.provenance import derivation

    shown = {}
    for name in bundled_ids():
        scenario = load_scenario(name)
        shown[name] = f"{scenario.title} {scenario.description or ''}"
    for fact in load_facts().values():
        shown[fact.id] = reader_text(f"{fact.label or ''} {fact.description or ''} {derivation(fact)}")
    found = {name: offences for name, text in shown.items() if (offences := _offences(text))}
    assert not found, f"internal words a reader would see: {found}"


def test_the_scan_catches_internal_words():
    assert _offences("the deficit of the seed articles, from seeds/facts.yaml") == [
        "seed",
        "seeds",
        "seeds/",
        ".yaml",
    ]
    assert _offences("Derived: 100 - electronics-carve-out-share (22)") == ["Derived:", "electronics-carve-out-share"]
    assert not _offences("repeat them with --seed 7; see chartbook.pdf and https://example.org/seeds/a.yaml")


def test_one_formatter_true_minus_signs_everywhere(reports):
    assert number(-1234.56) == "−1,234.6" and number(0.04, signed=True) == "+0.0" and number(-0.01) == "0.0"
    assert number(float("nan")) == "–" and number(3, 0, signed=True, unit="%") == "+3%"
    for folder in ("documented-2025", "comparison"):
        page = _visible_html((reports / folder / "index.html").read_text(encoding="utf-8"))
        # a hyphen before a digit, after a space or bracket, is a minus sign typed as a hyphen
        assert not re.findall(r"(?:^|[\s(])-\d", page), folder
        summary = _markdown((reports / folder / "summary.md").read_text(encoding="utf-8"))
        assert not re.findall(r"(?:^|[\s(|])-\d", summary), folder
    assert reader_text("fell -41.4% (seed)") == "fell −41.4%"


def test_key_numbers_read_across_years_and_shared_years_show_once():
    documented, deal = run("documented-2025"), run("deal")
    baseline = run("baseline-2024")
    tables = [key_numbers(result, baseline, observed()) for result in (documented, deal)]
    single = scenario_table(tables[0])
    assert single.years == ("2024", "2025", "2026", "2027") and single.status == (
        "model",
        "model",
        "model, 4 months in Census",
        "projected",
    )
    assert single.rows[0].label == "US imports from China" and single.rows[0].cells[0] == "438.7"
    imports = measure_table("imports", tables, [("Documented", "documented-2025"), ("Deal", "deal")])
    assert imports.rows[0].label == "Census" and imports.rows[0].cells[:2] == ("438.7", "308.4")
    assert imports.shared[0] == "438.7" and imports.rows[1].cells[0] == imports.rows[2].cells[0] == ""
    assert imports.shared[3] == ""  # 2027: the scenarios differ


def test_at_a_glance_is_three_sentences_and_three_numbers_from_the_result():
    documented = run("documented-2025")
    table = key_numbers(documented, run("baseline-2024"), observed())
    glance = scenario_glance(table)
    assert len(glance.sentences) == 3 and len(glance.figures) == 3
    assert glance.figures[0].value == f"${table['imports'][-1]:,.1f}bn"
    assert glance.figures[1].value.startswith("−$") and "2027" in glance.sentences[0]
    assert "below the path without the 2025 tariffs" in glance.sentences[0]


def test_at_a_glance_leads_with_the_census_totals_of_a_year_census_has_published():
    """A horizon ending with 2025 gave the model's deficit as the year's ('The US has a deficit of $193.1bn'), with
    Census's $202.1bn one line below (analyst review)."""
    short = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2025-12-31"}}, "short"
    )
    base = scenario_from_data(
        {"extends": "baseline-2024", "horizon": {"start": "2024-01-01", "end": "2025-12-31"}}, "base"
    )
    history = observed()
    table = key_numbers(run(short), run(base), history)
    glance = scenario_glance(table)
    imports, balance = float(np.sum(history.year(2025).imports)), float(np.sum(history.year(2025).balance))
    assert glance.figures[0].value == money(imports) and glance.figures[0].caption.endswith("in 2025 (Census)")
    assert glance.figures[1].value == money(balance) == "−$202.1bn"
    assert glance.sentences[0].startswith(f"In 2025, US imports from China were {money(imports)} (Census); the model")
    assert glance.sentences[1].startswith("The US had a deficit of $202.1bn with China in 2025 (Census; the model: ")
    assert glance.sentences[1].endswith("against a deficit of $295.5bn in 2024 (Census).")
    assert money(float(table["balance"][-1])) in glance.sentences[1]


def test_a_comparison_glance_names_every_scenario_that_ties_at_an_end_of_the_range():
    """Scenarios alike to the tenth of a billion a reader sees are all named, in the run's order; none is picked by
    its title."""
    from simulator.outputs.glance import comparison_glance

    def table(imports: float, balance: float) -> dict:
        one = np.array
        return {
            "year": one([2026]),
            "days": one([365]),
            "imports": one([imports]),
            "balance": one([balance]),
            "us_revenue": one([50.0]),
        }

    tables = [
        table(300.0, -200.0),
        table(300.04, -210.0),
        table(350.0, -250.0),
        table(349.98, -200.0),
        table(350.01, -200.02),
        table(320.0, -200.03),
    ]
    first, second, _ = comparison_glance(tables, ["F", "E", "D", "C", "B", "A"], 0).sentences
    assert first == (
        "In 2026, US imports from China range from $300.0bn (F and E) to $350.0bn (D, C and B) across the 6 scenarios."
    )
    assert second == (
        "The US balance with China runs from a deficit of $250.0bn (D) to a deficit of $200.0bn (F, C and 2 others "
        "alike)."
    )


def test_the_reference_defaults_to_the_documented_path():
    assert reference_of(["deal", "documented-2025"]) == "documented-2025"
    assert reference_of(["deal", "escalation"]) == "deal"
    assert reference_of(["deal", "escalation"], "escalation") == "escalation"
    assert reference_of(["deal", "escalation"], "missing") == "deal"


def test_a_line_hidden_on_others_is_found():
    zero, rise = np.zeros(6), np.array([0, 0, 0, 5, 5, 5.0])
    later = np.array([0, 3, 3, 3, 3, 3.0])
    found = sameness({"a": rise, "b": rise.copy(), "c": zero.copy(), "d": later, "e": np.r_[0, 3, 3, 5, 5, 5.0]}, 0.1)
    assert found["b"] == ["a"]  # identical: the later one says so
    assert found["c"] == [""]  # on the zero line, the reference
    assert "d" not in found  # shows where it departs
    assert found["e"] == ["", "d", "a"]  # runs on the zero line, then on d, then on a
    assert found["a"] == ["", "e"]  # covered by the zero line, then by e, drawn later
    assert "a" not in sameness({"a": rise, "b": rise.copy()}, 0.1)


def test_overlapping_windows_are_merged():
    import datetime as dt

    day = dt.date
    spans = [
        (day(2025, 5, 14), day(2025, 8, 11)),
        (day(2025, 5, 14), day(2025, 8, 11)),
        (day(2025, 8, 1), day(2025, 11, 9)),
    ]
    assert merged_spans(spans) == [(day(2025, 5, 14), day(2025, 11, 9))]
    assert merged_spans([(day(2025, 1, 1), day(2025, 1, 31)), (day(2025, 3, 1), day(2025, 3, 2))]) == [
        (day(2025, 1, 1), day(2025, 1, 31)),
        (day(2025, 3, 1), day(2025, 3, 2)),
    ]


def test_text_in_any_script_is_drawn_or_reported_once(monkeypatch):
    monkeypatch.setattr(layout, "fallback_font", lambda: None)
    layout._warn_once.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert layout.missing_glyphs(["中美关税", "US–China −5%"]) == "中美关税"
            assert not layout.check_glyphs(["US–China −5%, “quoted” …"])  # DejaVu Sans draws these
            assert not layout.check_glyphs(["中美关税"])  # no font to fall back on
            layout.check_glyphs(["関税"])
        messages = [str(item.message) for item in caught if issubclass(item.category, layout.MissingGlyphWarning)]
        assert len(messages) == 1 and "fonts-noto-cjk" in messages[0]
    finally:
        layout._warn_once.cache_clear()


@pytest.mark.skipif(layout.fallback_font() is None, reason="no CJK font installed (Debian: fonts-noto-cjk)")
def test_an_installed_cjk_font_backs_up_the_chart_font():
    assert layout.missing_glyphs(["中美关税"]) == "" and layout.check_glyphs(["中美关税"])
    assert layout.chart_style()["font.family"] == ["DejaVu Sans", layout.fallback_font()]
    assert "font.family" not in layout.chart_style(fallback=False)


@pytest.mark.parametrize("folder", ["documented-2025", "comparison"])
def test_the_chart_book_opens_with_the_expected_pages(reports, folder):
    pypdf = pytest.importorskip("pypdf")
    path = reports / folder / "chartbook.pdf"
    reader = pypdf.PdfReader(path)
    charts = sorted(p.stem for p in (reports / folder).glob("*.svg"))
    texts = [page.extract_text() for page in reader.pages]
    assert "At a glance" in texts[0]
    chart_pages = texts[1 : 1 + len(charts)]
    assert len(chart_pages) == len(charts) and all(text.strip() for text in chart_pages)
    rest = texts[1 + len(charts) :]
    assert rest and "Key numbers by year" in rest[0]
    assert "Sources" in rest[-1] and "Census Bureau" in " ".join(rest)
    # letters, not ligatures: a search finds every 'tariffs' (a Type 3 font cannot map an 'ff' glyph back to text)
    words = re.findall(r"\w+", " ".join(texts).lower())
    assert "tariffs" in words and not {"tari", "ffs", "speci", "fic"} & set(words)
    # the contents give every part's page; the file carries the book's title; no source is split across pages
    first_table = 1 + len(charts)
    first_source = next(index for index, text in enumerate(texts) if text.lstrip().startswith("Sources"))
    assert f"{first_table + 1}. Key numbers by year" in texts[0] and f"{first_source + 1}. Sources" in texts[0]
    assert reader.metadata.title and reader.metadata.title.split()[0] in texts[0]
    for text in texts[first_source + 1 :]:
        # bullets, not numbers: the web page numbers its notes
        assert re.match("Sources \\(continued\\)\\s+\u2022 ", text.lstrip()), text[:120]
    # every page but the cover carries its number, so the contents can be followed on paper
    for page_number, text in enumerate(texts[1:], start=2):
        assert re.search(rf"(^|\n){page_number}(\n|$)", text), (page_number, text[:80], text[-80:])
    # a unit in brackets is never split across two lines of a caption or of the contents
    assert not re.search(r"\[[^\]\n]*\n[^\[\n]*\]", texts[0]), texts[0]
    assert all("Key numbers by year" in text or "Sources" in text for text in rest)
    manifest = json.loads((reports / folder / "manifest.json").read_text())
    assert "chartbook.pdf" in manifest["outputs"]
    assert 'href="chartbook.pdf"' in (reports / folder / "index.html").read_text(encoding="utf-8")


def test_the_chart_book_draws_each_chart_as_the_svg_does(reports):
    """A chart's page is a vector drawing made in the pass that writes its SVG: the page holds the chart's own texts
    (its title, tick labels) as text, no picture, and sits inside the A4 page under its caption."""
    pypdf = pytest.importorskip("pypdf")
    folder = reports / "documented-2025"
    reader = pypdf.PdfReader(folder / "chartbook.pdf")
    page = reader.pages[1 + _page_order(folder).index("balance")]
    text = page.extract_text()
    svg = (folder / "balance.svg").read_text(encoding="utf-8")
    assert "12-month rolling sum" in svg and "12-month rolling sum" in text
    assert "Each month" in text and "Apr" in text  # panel title and date ticks, set as text
    assert not page.images  # no pixels: the chart is drawn, not placed
    # A4, turned for a wide chart (shown near full size), upright for a tall one, which turning would barely enlarge
    order = _page_order(folder)

    def size(name: str) -> tuple[int, ...]:
        return tuple(round(float(value)) for value in reader.pages[1 + order.index(name)].mediabox.upper_right)

    assert size("trade") == (842, 595) and size("balance") == (595, 842)
    assert all(
        sorted(round(float(value)) for value in other.mediabox.upper_right) == [595, 842] for other in reader.pages
    )
    assert [round(float(value)) for value in reader.pages[0].mediabox.upper_right] == [595, 842]  # the cover stands


def test_the_chart_books_pages_and_charts_are_set_in_helvetica(reports):
    """Cover, tables, sources and the charts' own lines use the PDF's built-in Helvetica (no layout or embedding
    cost; a chart line with a character Helvetica lacks keeps the chart font, see test_charts); minus signs read as
    hyphens (Helvetica's character set has no minus sign, and its en dash marks an empty cell)."""
    pypdf = pytest.importorskip("pypdf")
    folder = reports / "documented-2025"
    reader = pypdf.PdfReader(folder / "chartbook.pdf")

    def fonts(page) -> set[str]:
        """The fonts the page's text is set in (the book's pages share one font dictionary)."""
        names = {name: str(font["/BaseFont"]) for name, font in page["/Resources"]["/Font"].items()}
        used = re.findall(rb"(/F\d+) [\d.]+ Tf", page.get_contents().get_data())
        return {names[name.decode()] for name in used}

    charts = _page_order(folder)
    assert fonts(reader.pages[0]) == {"/Helvetica", "/Helvetica-Bold"}
    assert all(fonts(page) <= {"/Helvetica", "/Helvetica-Bold"} for page in reader.pages)
    balance = reader.pages[1 + charts.index("balance")].extract_text()
    # the chart's own texts are there to search and copy: its legend, and the deficit's ticks with hyphens
    assert "2024 deficit" in balance and re.search(r"-\$\d+bn", balance) and "\u2212" not in balance
    tables = " ".join(page.extract_text() for page in reader.pages[1 + len(charts) :])
    # the balance, a deficit: minus as a hyphen, so it cannot be taken for the en dash of an empty cell
    assert "\u2212" not in tables and re.search(r"-\d", tables) and "\u2013" in tables


def test_a_text_page_with_characters_helvetica_lacks_keeps_the_chart_font():
    from matplotlib.figure import Figure

    from simulator.outputs.chartbook import in_helvetica

    latin, chinese = Figure(), Figure()
    latin.text(0, 0, "Tariffs \u2212$3.0bn, “quoted” … café")
    chinese.text(0, 0, "Tariffs")
    chinese.text(0, 0.5, "中美关税 \u2212$3.0bn")
    assert in_helvetica(latin)
    assert latin.texts[0].get_text() == "Tariffs -$3.0bn, “quoted” … café"
    assert latin.texts[0].get_fontweight() == "medium"  # Helvetica's regular weight, found without a warning
    assert not in_helvetica(chinese)
    assert [text.get_text() for text in chinese.texts] == ["Tariffs", "中美关税 \u2212$3.0bn"]  # untouched


def _page_order(folder) -> list[str]:
    """Chart names in the book's order (the page's order of figures)."""
    page = (folder / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<figure id="chart-([a-z_]+)">', page)


def test_a_horizon_that_cuts_a_year_sets_no_census_total_beside_it_and_says_so():
    """Starting on 1 Jun 2025 and ending on 31 Mar 2026: the model's 2025 counts 214 days, so the Census year total
    is not set beside it; 'at a glance' says how much of its year it counts."""
    from simulator.api import scenario_from_data

    short = scenario_from_data(
        {"title": "Short", "extends": "documented-2025", "horizon": {"start": "2025-06-01", "end": "2026-03-31"}},
        "short",
    )
    history = observed()
    table = key_numbers(
        run(short),
        run(
            scenario_from_data(
                {"extends": "baseline-2024", "horizon": {"start": "2025-06-01", "end": "2026-03-31"}}, "base"
            )
        ),
        history,
    )
    assert list(table["days"]) == [214, 90] and np.isnan(table["imports_census"]).all()
    glance = scenario_glance(table)
    assert glance.figures[0].caption == "US imports from China in 2026 (the 90 days of it in the horizon)"
    assert "(Census)" not in glance.sentences[1]
    documented = run("documented-2025")
    whole = key_numbers(documented, run("baseline-2024"), history)
    assert whole["imports_census"][list(whole["year"]).index(2025)] == pytest.approx(
        float(np.sum(history.year(2025).imports))
    )


def test_a_folders_readme_states_the_conventions_of_the_files_it_holds(reports):
    from simulator.outputs.data_files import conventions

    text = (reports / "documented-2025" / "README.md").read_text(encoding="utf-8")
    assert "the tidy table (`projection.csv`) gives each value's unit" in text
    assert "-quantiles" not in text and "sweep.csv" not in text  # a point run has neither
    drawn = conventions(["monthly.csv", "monthly-quantiles.csv", "projection.csv", "projection-quantiles.csv"])
    assert "(`projection.csv`, `projection-quantiles.csv`) give each value's unit" in drawn
    assert "`-quantiles` files hold the quantiles of the draws" in drawn


def test_the_comparison_shows_every_measure_of_a_scenarios_table():
    """The comparison's tables (open and folded) hold every row a scenario's table holds, bar the Census rows, which
    the comparison sets under each table: a reader finds the change in exports in both."""
    from simulator.outputs.tables import MAIN_MEASURES, MEASURE_ROWS, MORE_MEASURES

    shown = [name for name, _ in MEASURE_ROWS if not name.endswith("_census")]
    assert sorted(MAIN_MEASURES + MORE_MEASURES) == sorted(shown)


def test_the_list_of_drawn_inputs_keeps_each_label_whole():
    """Labels such as 'switching to other suppliers, imports' hold a comma: a list holding one is set off by
    semicolons, so 'imports' never reads as an input of its own; the note says where each input comes from."""
    from simulator.inputs.parameters import PARAMETERS
    from simulator.outputs.provenance import draws_note

    label = PARAMETERS["import_switching_elasticity"].label
    assert "," in label
    written = {"import_switching_elasticity": {"low": -1.5, "central": -0.8, "high": -0.3}, "pass_through": "90%"}
    scenario = scenario_from_data({"title": "Drawn", "extends": "documented-2025", "parameters": written}, "drawn")
    note = draws_note(run(scenario, draws=40, seed=3))
    assert note.startswith(
        "40 draws. The 7 estimated parameters of the trade response come together from the fit's posterior. "
        f"From the distributions the scenario gives: {label}. From their sourced ranges: share bought from other "
        "countries, share of duties collected, days in transit, and payment delay. After the last Census month, each "
        "draw adds the monthly swings the model does not explain. Window for buying ahead and long-run adjustment "
        "time stay at the values the fit assumed."
    )
    assert "imports;" not in note  # one label: no list to set off
    documented = draws_note(run("documented-2025", draws=40, seed=3))
    assert (
        "The 8 estimated parameters" in documented
        and "Pass-through of duties to prices, window for buying" in documented
    )


def test_the_forecast_skill_is_read_out_in_words_under_its_table(reports):
    """The page says where the model beats both simple rules, where one does better, and whether the ranges held as
    many months as they should, from the kept backtest."""
    from simulator.outputs.pages import skill_reading
    from simulator.uncertainty.scores import read_cache

    reading = skill_reading(read_cache()[1])
    assert reading == (
        "For US imports the model's error is below both rules' 1 to 3, 5 and 6 months ahead; last month's value does "
        "better 4 months ahead. For US exports the model's error is below both rules' 1, 2, 5 and 6 months ahead; "
        "last month's value does better 3 and 4 months ahead. Over all 126 forecasts of the 13 months held out (each "
        "month's two flows, from up to six origins), the 90% ranges held 89% (about right) and the 50% ranges 43% "
        "(too few: these ranges are narrower than they should be). Each row rests on 8 to 13 months, "
        "so a few large misses move it a lot."
    )
    page = (reports / "documented-2025" / "index.html").read_text(encoding="utf-8")
    assert f"<p>{reading.replace(chr(39), '&#39;')}</p>" in page
    assert reading in (reports / "documented-2025" / "summary.md").read_text(encoding="utf-8").replace("\\", "")


def test_the_page_says_how_far_the_record_goes_and_what_the_path_without_tariffs_rests_on(reports):
    """A reader late in 2026 sees at the top that the model has seen Census months to April 2026 only, and reads
    beside the key numbers that the path without the 2025 tariffs carries estimated trends."""
    from simulator.outputs.pages import trend_note

    page = (reports / "documented-2025" / "index.html").read_text(encoding="utf-8")
    assert " · Census record to April 2026 · " in page
    assert (
        "That path grows the 2024 months of exports by a trend of −6.3% a year (estimated from the record) and holds "
        "those of imports flat, so the changes against it rest on that trend as well as on the tariffs." in page
    )
    assert "Census record to April 2026;" in (reports / "documented-2025" / "summary.md").read_text(encoding="utf-8")
    flat = scenario_from_data(
        {"title": "Flat", "extends": "documented-2025", "parameters": {"import_growth": "0%", "export_growth": "0%"}},
        "flat",
    )
    assert trend_note(flat) == "That path holds the 2024 months flat, so the changes against it are the tariffs' alone."


def test_a_step_the_parent_lacks_says_what_the_parent_had_in_force_then():
    """'Not set' read as if the parent had no tariff; it had 10% in force on that day."""
    from simulator.api import load_scenario
    from simulator.outputs.provenance import differences

    step = {"china_on_us": {"measures": {"reciprocal": {"path": [{"date": "2026-03-01", "rate": "34%"}]}}}}
    scenario = scenario_from_data({"title": "China back to 34%", "extends": "documented-2025", "tariffs": step}, "back")
    first, later = differences(scenario, load_scenario("documented-2025"))
    assert (first.name, first.before, first.after) == (
        "Across-the-board tariff from 1 Mar 2026",
        "no step on this date; 10% in force",
        "34%",
    )
    assert (later.before, later.after) == ("10%", "no step on this date; 34% in force")


def test_every_key_number_row_label_shows_whole_in_the_chart_books_tables():
    """The book's table cuts a row label past its column's width with '…' ('US duties net of refunds against the
    path without the 2025 ta…' once): every label of ours fits; only a long scenario title is cut."""
    from simulator.outputs.chartbook import LABEL_CHARACTERS
    from simulator.outputs.tables import MEASURE_ROWS

    assert {label for _, label in MEASURE_ROWS if len(label) > LABEL_CHARACTERS} == set()


def test_a_long_scenario_title_takes_two_lines_in_the_books_tables():
    """'A November 2026 deal ends the 12.5% duty and China's 2025 tariffs' was cut to '... 2025 tar…' in every table
    of the comparison's book; it now wraps, and only a title past two lines is cut."""
    from simulator.outputs.chartbook import LABEL_CHARACTERS, label_lines

    title = "A November 2026 deal ends the 12.5% duty and China's 2025 tariffs"
    assert label_lines(title) == ["A November 2026 deal ends the 12.5% duty and China's 2025", "tariffs"]
    assert label_lines("US imports from China") == ["US imports from China"]
    long = label_lines("word " * 40)
    assert len(long) == 2 and long[1].endswith("…") and all(len(line) <= LABEL_CHARACTERS for line in long)


def test_a_comparison_of_horizons_that_share_no_year_says_so_and_keeps_every_years_label():
    """With a 2030-2035 what-if beside documented-2025 the glance read 'range from $369.2bn (…) to $369.2bn (…)
    across the 1 scenarios', '1: scenarios compared', and the years only the reference reaches lost 'model' and
    'projected' (analyst review)."""
    from simulator.api import scenario_from_data
    from simulator.outputs.glance import comparison_glance

    far = scenario_from_data(
        {"title": "Far", "extends": "documented-2025", "horizon": {"start": "2030-01-01", "end": "2035-12-31"}}, "far"
    )
    documented = run("documented-2025")
    tables = [key_numbers(result, result.baseline, observed()) for result in (documented, run(far))]
    glance = comparison_glance(tables, ["Documented", "Far"], 0)
    assert glance.sentences[0].startswith("No other scenario's horizon reaches 2027")
    assert not any("range from" in sentence for sentence in glance.sentences)
    assert [figure.value for figure in glance.figures][2] == "2"
    assert glance.figures[0].caption == "US imports from China in 2027, the reference alone"
    imports = measure_table("imports", tables, [("Documented", "documented-2025"), ("Far", "far")])
    assert imports.years[:4] == ("2024", "2025", "2026", "2027") and imports.years[-1] == "2035"
    assert imports.status[:5] == ("model", "model", "model, 4 months in Census", "projected", "projected")
    # side by side, the glance still speaks of the range
    both = comparison_glance(tables[:1] * 2, ["Documented", "Again"], 0)
    assert "range from" in both.sentences[0] and both.figures[2].value == "2"


def test_the_key_numbers_of_a_scenario_with_a_renewable_truce_say_they_end_it_as_written():
    """A 70% yearly renewal chance read as if the key numbers were the likely case: the point projection ends the
    truce as written, 200 of imports in 2028 against a draws median of 273 (analyst review)."""
    from simulator.api import load_scenario, what_if
    from simulator.outputs.pages import renewal_note
    from tests.test_engine import RENEWABLE

    renewable = what_if("ieepa-upheld", "One-year truce renewed with probability 40%", tariffs=RENEWABLE)
    assert renewal_note(renewable).startswith(
        "These figures end each truce whose renewal is uncertain as written, though the scenario gives it a 40% "
        "chance of renewal"
    )
    assert renewal_note(load_scenario("documented-2025")) == ""


def test_a_number_is_rounded_as_written_so_a_rate_of_11_85_reads_11_9_beside_its_fact():
    """The 2024 base rate, a fact written 11.85%, read 11.8 in the key numbers: Python rounds the binary 11.8499…
    (analyst review)."""
    assert [number(value) for value in (11.85, 0.25 + 11.6, -2.25, 2.35, 0.04)] == [
        "11.9",
        "11.9",
        "−2.3",
        "2.4",
        "0.0",
    ]
    assert number(1234.5, 0) == "1,235" and money(-2.25) == "−$2.3bn" and number(-0.04) == "0.0"
    assert number(float("nan")) == "\u2013" and number(float("inf")) == "inf"
    assert number(1e308, 0).startswith("100,000") and number(-1e300).startswith("\u2212")  # a hostile file's values


def test_a_long_horizon_says_how_far_the_trends_carry_the_path_without_tariffs():
    """Held to 2035, exports fell to $44.6bn with the record's one-year trend compounded and no word that it was
    extrapolation (analyst review)."""
    from simulator.outputs.pages import trend_note

    long = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2035-12-31"}}, "long"
    )
    exports = long.parameters.export_growth.value
    carried = round(((1 + exports / 100) ** 11 - 1) * 100)
    note = trend_note(long, observed())
    assert "The record holds one whole year after 2024 to estimate it from" in note
    assert "carried on to 2035, it puts that path" in note and f"−{abs(carried)}% from 2024 for exports" in note
    assert "imports" not in note.split("carried on")[1]  # the import trend is held off: nothing to carry
    assert "read the years after 2027 as that trend's arithmetic rather than a forecast" in note
    assert "carried on" not in trend_note(simulator.load_scenario("documented-2025"), observed())  # ends in 2027


def test_an_estimate_that_rests_mostly_on_a_thin_prior_lists_that_prior_among_the_assumptions():
    """The chance a truce lapses reads as 'estimated from the monthly record' (68.6%), but the record narrows its
    prior, a low-confidence even chance, by a third only: the prior belonged among the assumptions (sourcing
    audit)."""
    from simulator.outputs.provenance import assumptions, leaning_on_prior

    documented = simulator.load_scenario("documented-2025")
    leaning = leaning_on_prior(documented)
    assert "truce-lapse-prior" in [fact.id for fact in assumptions(documented)]
    # the value in use leads, so the prior's even chance does not read as the one the model uses (analyst review)
    assert leaning["truce-lapse-prior"].startswith(
        "The chance a truce lapses the model uses, 51.8%, is estimated from the record but rests mostly on its prior, "
        "\u201cTruce lapse chance 50% (assumed)\u201d: the record narrows that prior's spread by only 13%. "
        "Centre of the prior"
    )
    # priors of medium or high confidence stay out of the list, however little the record narrows them
    assert "trade-elasticity-long-run" in leaning and "trade-elasticity-long-run" not in [
        f.id for f in assumptions(documented)
    ]
    # a scenario that sets the chance itself does not rest on the prior
    own = scenario_from_data({"extends": "documented-2025", "parameters": {"truce_lapse_probability": "50%"}}, "own")
    assert "truce-lapse-prior" not in leaning_on_prior(own)


def test_a_what_ifs_glance_leads_with_its_effect_against_the_scenario_it_extends(tmp_path):
    """A what-if's glance and book cover compared it only with the path without the 2025 tariffs; its own effect
    against the scenario it extends, the answer to the question, was nowhere near the top (analyst review)."""
    from simulator.outputs.report import write_reports

    step = forced_labour_step()
    (outcome,) = write_reports([step], tmp_path, simulator.load_scenario("baseline-2024"), compare=False)
    mine, parent = run(step).annual.loc["2027-01-01"], run("documented-2025").annual.loc["2027-01-01"]
    imports = mine["us_imports_from_china"] - parent["us_imports_from_china"]
    balance = mine["us_trade_balance_with_china"] - parent["us_trade_balance_with_china"]
    page = (outcome.path / "summary.md").read_text(encoding="utf-8").replace("\\$", "$")
    glance = page.split("## At a glance")[1].split("## Key numbers")[0]
    title = "“Documented path to November 2026, then held”"
    assert f": {money(abs(imports))} below {title}, and " in glance
    assert f"({money(abs(balance))} smaller than in {title})" in glance  # a higher duty: a smaller deficit
    assert "(China's on US goods 32%, from a base averaged another way)" in glance
    assert (
        title not in scenario_glance(key_numbers(run("documented-2025"), run("baseline-2024"), observed())).sentences[0]
    )


def test_a_what_if_on_chinas_tariffs_leads_its_glance_with_us_exports():
    """A what-if that raises China's tariff headlined US imports "$0.0bn above" its parent and the unchanged US
    tariff (analyst review): where it moves exports more than imports, exports and China's rate lead."""
    import dataclasses

    from simulator.model.observed import observed
    from simulator.model.projection import counterfactual, point_projection
    from simulator.outputs.glance import scenario_glance
    from simulator.outputs.key_numbers import key_numbers
    from simulator.outputs.pages import against_parent

    window = {"date": "2027-01-01", "rate": "34%", "days": 90, "renewal": {"probability": "50%"}}
    duty = scenario_from_data(
        {"extends": "documented-2025", "tariffs": {"china_on_us": {"measures": {"reciprocal": {"path": [window]}}}}},
        "duty",
    )
    result = point_projection(duty)
    parent = point_projection(dataclasses.replace(duty.extended, start=duty.start, end=duty.end))
    baseline = point_projection(counterfactual(simulator.load_scenario("baseline-2024"), duty))
    table = key_numbers(result, baseline, observed())
    glance = scenario_glance(table, against_parent(result, parent))
    at = list(table["year"]).index(2027)
    moved = float(table["exports"][at]) - float(parent.annual.loc["2027-01-01", "us_exports_to_china"])
    assert moved < -1.0
    assert glance.sentences[0].startswith(
        f"In 2027, the model projects US exports to China at ${table['exports'][at]:.1f}bn: "
    )
    assert f"${abs(moved):.1f}bn below “Documented path to November 2026, then held”" in glance.sentences[0]
    assert [figure.caption for figure in glance.figures] == [
        "US exports to China in 2027",
        "US balance with China in 2027",
        "average Chinese tariff on US goods in 2027",
    ]
    # a what-if on the US side still leads with imports
    step = forced_labour_step()
    step_result = point_projection(step)
    step_parent = point_projection(dataclasses.replace(step.extended, start=step.start, end=step.end))
    step_table = key_numbers(
        step_result, point_projection(counterfactual(simulator.load_scenario("baseline-2024"), step)), observed()
    )
    assert (
        "US imports from China at" in scenario_glance(step_table, against_parent(step_result, step_parent)).sentences[0]
    )


def test_a_what_if_that_sets_an_estimated_parameter_says_its_effect_reaches_back_into_the_record(tmp_path):
    """A what-if at a short-run elasticity of −0.4 showed a 2025 effect of +18.7 on imports, a recorded year, with
    no word why (analyst review): the page now says the value moves the model's path there, not the record."""
    from simulator.outputs.pages import estimates_changed
    from simulator.outputs.report import write_reports

    softer = scenario_from_data(
        {"extends": "documented-2025", "parameters": {"short_run_elasticity": -0.4}}, "softer-response"
    )
    assert estimates_changed(softer) == "short-run elasticity"
    assert estimates_changed(forced_labour_step()) == ""
    assert estimates_changed(simulator.load_scenario("documented-2025")) == ""  # a root: nothing to reach back from
    (outcome,) = write_reports([softer], tmp_path, simulator.load_scenario("baseline-2024"), compare=False)
    page = (outcome.path / "summary.md").read_text(encoding="utf-8")
    effect = page.split("Its effect in the point projection")[1].split("\n## ")[0]
    assert "| 2025 |" in effect  # the recorded year moves
    assert "This what-if sets its own short-run elasticity, which the model estimates from the Census record" in effect


@pytest.mark.parametrize("end", ["2027-12-31", "2030-12-31"])
def test_the_books_key_number_headings_do_not_run_into_each_other(end):
    """A year Census covers in part is headed 'model, 4 months in Census', longer than its column: in the book it
    takes two lines (three where columns are narrower), so it no longer ran into the year beside it, and no text of
    the page overlaps another."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from simulator.outputs.chartbook import _table_pages

    scenario = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": end}}, "long"
    )
    table = scenario_table(
        key_numbers(
            run(scenario),
            run(
                scenario_from_data({"extends": "baseline-2024", "horizon": {"start": "2024-01-01", "end": end}}, "flat")
            ),
            observed(),
        )
    )
    assert any("months in Census" in status for status in table.status)
    (page,) = _table_pages([table])
    renderer = FigureCanvasAgg(page).get_renderer()
    boxes = [text.get_window_extent(renderer) for text in page.texts if text.get_text().strip()]
    assert len(boxes) > 40
    for first, second in itertools.combinations(boxes, 2):
        assert not first.overlaps(second), (first, second)
