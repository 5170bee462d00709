"""Outputs are safe for any text: whatever a scenario or a source says reaches the charts (SVG), the pages (HTML,
Markdown), the data files and the terminal as text, never as markup, a live link, malformed XML or reordered text.

The input layer may refuse some of these characters; the outputs must not depend on it, so the hostile scenarios
here are built as objects, past the input checks.
"""

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pandas as pd
import pytest

from simulator.api import load_scenario
from simulator.inputs.scenario import Event
from simulator.outputs import provenance
from simulator.outputs.pages import markdown_code, markdown_link, markdown_text
from simulator.outputs.report import write_reports
from simulator.outputs.text import clean, plain, web_url

INJECTION = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
CONTROLS = "\x00\x07\x08\x1b[31m\x0b\x7f\x85\x9f"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
MARKDOWN = "`tick` **bold** [link](javascript:alert(3)) | pipe $5$ ~~gone~~ <b>"
HOSTILE = f"Hostile {INJECTION} {CONTROLS} {BIDI}evil {MARKDOWN}\nsecond line"
"""A text that tries every trick: HTML, control and bidi-override characters, Markdown and maths, a line break."""
IDS = ('id`with\x07"><img src=x onerror=alert(1)>', "second | `id` <script>x")  # a file stem has no slash
BAD_URL = "javascript:alert(document.cookie)"

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must appear in no output file: control characters but tab and line breaks, and bidi overrides."""


def _hostile(base, scenario_id: str):
    """``base`` with hostile text in its id, title, description, event labels and measure labels."""
    tariffs = {
        side: dataclasses.replace(
            direction,
            measures={
                name: dataclasses.replace(measure, label=f"{measure.label} {HOSTILE}")
                for name, measure in direction.measures.items()
            },
        )
        for side, direction in base.tariffs.items()
    }
    events = (*base.events, Event(dt.date(2025, 3, 1), f"event {INJECTION} {CONTROLS}{BIDI} `x`"))
    return dataclasses.replace(
        base, id=scenario_id, title=HOSTILE, description=HOSTILE, tariffs=tariffs, events=events, extended=None
    )


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    """Two hostile scenarios and their comparison, with every source's title and address and every fact's label
    hostile too."""
    facts, sources = provenance.load_facts(), provenance.load_sources()
    bad_facts = {key: fact.model_copy(update={"label": f"fact {HOSTILE}"}) for key, fact in facts.items()}
    bad_sources = {
        key: source.model_copy(update={"title": f"source {HOSTILE}", "url": BAD_URL}) for key, source in sources.items()
    }
    base = load_scenario("geneva-truce")
    scenarios = [_hostile(base, IDS[0]), _hostile(base, IDS[1])]
    out = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(provenance, "load_facts", lambda: bad_facts)
        patch.setattr(provenance, "load_sources", lambda: bad_sources)
        outcomes = write_reports(scenarios, out, load_scenario("baseline-2024"))
    assert [outcome.error for outcome in outcomes] == [None, None, None]
    return out


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _check_html(page: str) -> None:
    """No tag or attribute a text could have injected, and every link goes to a note, a file here or the web."""
    parser = Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "iframe", "object", "embed", "b"), tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/svg+xml;base64,")
        if tag == "a":
            href = attrs["href"]
            assert not href.lower().startswith(("javascript:", "data:", "vbscript:")), href
            assert re.match(r"(#note-\d+|#[a-z-]+$|https?://|\.\./[^\"<>]*/index\.html$|[\w.-]+$)", href), href


def test_every_chart_is_well_formed_xml_without_control_characters(hostile_reports):
    svgs = sorted(hostile_reports.glob("*/*.svg"))
    assert len(svgs) >= 15
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        ElementTree.fromstring(text)  # raises on a NUL or BEL
        assert not FORBIDDEN.search(text), svg
        assert "<script" not in text and "onerror" not in text.replace("onerror=alert(1)&gt;", "")


def test_html_pages_show_the_text_and_inject_nothing(hostile_reports):
    pages = sorted(hostile_reports.glob("*/index.html"))
    assert len(pages) == 3
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert not FORBIDDEN.search(page), path
        _check_html(page)
        assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown, as text
        assert BAD_URL in page and f'href="{BAD_URL}' not in page  # the address is shown, not linked


def test_markdown_summaries_inject_nothing_when_rendered(hostile_reports):
    markdown_it = pytest.importorskip("markdown_it")
    render = markdown_it.MarkdownIt("commonmark").enable("table")  # raw HTML passes, as on GitHub before sanitising
    summaries = sorted(hostile_reports.glob("*/summary.md"))
    assert len(summaries) == 3
    for path in summaries:
        text = path.read_text(encoding="utf-8")
        assert not FORBIDDEN.search(text), path
        html = render.render(text)
        _check_html(html)
        assert BAD_URL in html  # the address shows, as text
        assert "<strong>bold</strong>" not in html and "<em>" not in html


def test_hostile_ids_stay_inside_their_code_spans(hostile_reports):
    markdown_it = pytest.importorskip("markdown_it")
    render = markdown_it.MarkdownIt("commonmark").enable("table")
    summary = (hostile_reports / IDS[0] / "summary.md").read_text(encoding="utf-8")
    first_line_after_title = summary.split("\n\n")[1]
    html = render.render(first_line_after_title)
    code = re.search(r"<code>(.*?)</code>", html)
    assert code and code.group(1) == "id`with&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    comparison = render.render((hostile_reports / "comparison" / "summary.md").read_text(encoding="utf-8"))
    cells = re.findall(r"<td><code>(.*?)</code></td>", comparison)
    assert cells[:2] == [
        "id`with&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        "second | `id` &lt;script&gt;x",
    ]


def test_data_files_and_readme_hold_clean_text(hostile_reports):
    keys = pd.read_csv(hostile_reports / "comparison" / "key-numbers.csv")
    assert set(keys["scenario"]) == {clean(name) for name in IDS}  # quoting keeps each one cell; no BEL
    tidy = pd.read_csv(hostile_reports / IDS[0] / "projection.csv")
    assert set(tidy["scenario"]) == {clean(IDS[0])}
    for readme in hostile_reports.glob("*/README.md"):
        assert not FORBIDDEN.search(readme.read_text(encoding="utf-8")), readme


def test_a_scenario_file_with_a_hostile_name(tmp_path):
    name = 'what`if"><img src=x onerror=alert(1)> *x* [a](javascript:b)'
    path = tmp_path / f"{name}.yaml"
    path.write_text("title: A file with a hostile name\nextends: geneva-truce\n", encoding="utf-8")
    scenario = load_scenario(str(path))
    assert scenario.id == name
    (outcome,) = write_reports([scenario], tmp_path / "out", load_scenario("baseline-2024"))
    assert outcome.path == tmp_path / "out" / name
    page = (outcome.path / "index.html").read_text(encoding="utf-8")
    _check_html(page)
    markdown_it = pytest.importorskip("markdown_it")
    html = (
        markdown_it.MarkdownIt("commonmark")
        .enable("table")
        .render((outcome.path / "summary.md").read_text(encoding="utf-8"))
    )
    _check_html(html)
    assert "<em>x</em>" not in html


# ---------------------------------------------------------------- the functions, one by one


def test_clean_drops_controls_and_bidi_and_keeps_every_other_character():
    assert clean(f"a{CONTROLS}b{BIDI}c") == "a[31m  bc"  # ESC dropped, so '[31m' is inert; \v and NEL are spaces
    assert clean("line\nbreak\ttab\r\n") == "line break tab  "
    assert clean("lone \ud800 surrogate \uffff") == "lone \ufffd surrogate \ufffd"
    kept = "Zölle 关税 تعرفة — 10% & <b> \u200d 🙂"
    assert clean(kept) == kept
    assert clean(12.5) == "12.5"


def test_plain_keeps_dollars_out_of_maths_and_is_clean():
    assert plain("$5\x00 and $6") == r"\$5 and \$6"


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.census.gov/foreign-trade/balance/c5700.html", True),
        ("http://example.org/a?b=1&c=2#d", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("file:///etc/passwd", False),
        ("//evil.example/x", False),
        ("https://", False),
        ('https://example.org/"><script>', False),
        ("https://example.org/\u202egpj.exe", False),
        ("https://exa mple.org", False),
    ],
)
def test_only_web_addresses_become_links(url, linked):
    assert (web_url(url) is not None) == linked
    shown = markdown_link(url)
    assert shown.startswith("<") == linked
    if not linked:
        assert "<" not in shown and ">" not in shown


def test_markdown_code_spans_cannot_be_left():
    assert markdown_code("plain") == "`plain`"
    assert markdown_code("a`b") == "`` a`b ``"
    assert markdown_code("``x`") == "``` ``x` ```"
    assert markdown_code("a|b", table=True) == "`a\\|b`"
    assert markdown_code("bell\x07") == "`bell`"


def test_markdown_text_escapes_markup():
    assert markdown_text("*a* _b_ [c](d) `e` <f> | $g$ ~h~") == (r"\*a\* \_b\_ \[c\](d) \`e\` &lt;f&gt; \| \$g\$ \~h\~")
    assert markdown_text(f"x{BIDI}{CONTROLS}y") == r"x\[31m y"
