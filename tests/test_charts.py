"""Charts a reader takes in at a glance: no label overlaps another, events marked, one colour per scenario."""

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text

from simulator.api import load_scenario, run, scenario_from_data
from simulator.outputs import comparison_charts, scenario_charts
from simulator.outputs.chart_inputs import comparison_chart_inputs, scenario_chart_inputs
from simulator.outputs.colours import scenario_colours
from simulator.outputs.events import EVENT_GAP, place_events
from simulator.outputs.layout import date_ticks
from simulator.outputs.text import SMALL_SIZE, plain, short_title, text_width
from tests.conftest import forced_labour_step

IDS = (
    "baseline-2024",
    "documented-2025",
    "truce-expires",
    "no-busan-deal",
    "escalation",
    "deal",
    "geneva-truce",
    "partial-snapback",
)


@pytest.fixture(scope="module")
def results():
    return [run(load_scenario(name)) for name in IDS]


def _figures(results):
    documented = scenario_chart_inputs(results[1])
    deal = scenario_chart_inputs(results[5])
    several = comparison_chart_inputs(results, scenario_colours(IDS))
    return {
        "tariffs": scenario_charts.tariff_chart(documented),
        "deal tariffs": scenario_charts.tariff_chart(deal),
        "trade": scenario_charts.trade_chart(documented),
        "diversion": scenario_charts.diversion_chart(documented),
        "revenue by authority": scenario_charts.revenue_by_authority_chart(documented),
        "balance": scenario_charts.balance_chart(documented),
        "revenue": scenario_charts.revenue_chart(deal),
        "backtest": scenario_charts.backtest_chart(documented),
        "compare imports": comparison_charts.imports_chart(several),
        "compare exports": comparison_charts.exports_chart(several),
        "compare balance": comparison_charts.balance_chart(several),
        "compare tariffs": comparison_charts.tariffs_chart(several),
        "compare revenue": comparison_charts.revenue_chart(several),
    }


def _texts(figure):
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    hidden = set()  # labels of ticks outside the view are kept by matplotlib but never drawn
    for ax in figure.axes:
        for axis, (low, high) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            for tick in axis.get_major_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden.update((id(tick.label1), id(tick.label2)))
    boxes = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in hidden:
            continue
        box = Text.get_window_extent(text, renderer)  # the words only, not an annotation's leader line
        if box.width > 0 and box.height > 0:
            boxes.append((text.get_text(), box))
    return boxes


def test_no_label_overlaps_another_or_leaves_the_figure(results):
    for name, figure in _figures(results).items():
        boxes = _texts(figure)
        width, height = figure.bbox.width, figure.bbox.height
        for text, box in boxes:
            assert box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5 and box.y1 <= height + 0.5, (name, text)
        for (first, one), (second, other) in itertools.combinations(boxes, 2):
            shrunk = one.shrunk(0.98, 0.9)  # glyph boxes include padding; a touch is not an overlap
            assert not shrunk.overlaps(other.shrunk(0.98, 0.9)), f"{name}: {first!r} overlaps {second!r}"


def test_events_are_marked_on_every_dated_chart(results):
    documented = results[1]
    figure = scenario_charts.trade_chart(scenario_chart_inputs(documented))
    labels = {text.get_text() for text in figure.findobj(Text)}
    assert {"Geneva truce agreed", "Trump–Xi call", "Geneva 90 days end", "Fentanyl duty cut, truce extended"} <= labels


def test_a_comparison_marks_the_references_events_only(results):
    """Every scenario's events stacked above the reference read as one history ('Court voids IEEPA tariffs' beside
    'Court upholds IEEPA tariffs'); the reference's are marked, and a what-if shows by its line where it departs."""
    upheld = run("ieepa-upheld")
    for reference, shown, hidden in (
        ("documented-2025", "Court voids IEEPA tariffs", "Court upholds IEEPA tariffs"),
        ("ieepa-upheld", "Court upholds IEEPA tariffs", "Court voids IEEPA tariffs"),
    ):
        colours = scenario_colours(["documented-2025", "ieepa-upheld"])
        inputs = comparison_chart_inputs([results[1], upheld], colours, reference)
        labels = {text.get_text() for text in comparison_charts.imports_chart(inputs).findobj(Text)}
        assert shown in labels and hidden not in labels, reference


def _scenario_lines(figure):
    """{scenario id: its lines} of a comparison chart (tagged with the gid 'scenario:<id>')."""
    found: dict[str, list[Line2D]] = {}
    for line in figure.findobj(Line2D):
        if (line.get_gid() or "").startswith("scenario:"):
            found.setdefault(line.get_gid().split(":", 1)[1], []).append(line)
    return found


def test_each_scenario_keeps_one_colour_in_every_comparison_chart(results):
    colours = scenario_colours(IDS)
    assert len(set(colours.values())) == len(IDS)
    figures = [figure for name, figure in _figures(results).items() if name.startswith("compare")]
    for figure in figures:
        lines = _scenario_lines(figure)
        assert set(lines) == set(IDS) - {"documented-2025"}  # the reference is the zero line
        assert all(line.get_color() == colours[name] for name, found in lines.items() for line in found)


def _legend_texts(figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def test_no_scenario_is_hidden_in_a_comparison_chart(results):
    """Each scenario's line differs somewhere from the zero line (the reference) and from every other line drawn in
    its panel, by more than a line's width; or its legend entry says which line it matches."""
    by_title = {result.scenario.id: short_title(result.scenario.title) for result in results}
    for name, figure in _figures(results).items():
        if not name.startswith("compare"):
            continue
        legend = _legend_texts(figure)
        for ax in figure.axes:
            lines = [line for line in ax.get_lines() if (line.get_gid() or "").startswith("scenario:")]
            if not lines:
                continue
            low, high = ax.get_ylim()
            width = 0.01 * (high - low)
            drawn = [np.asarray(line.get_ydata(), dtype=float) for line in lines]
            for index, (line, values) in enumerate(zip(lines, drawn, strict=True)):
                others = [np.zeros_like(values), *(drawn[:index] + drawn[index + 1 :])]
                apart = np.ones(len(values), dtype=bool)
                for other in others:
                    apart &= ~(np.abs(values - other) <= width)
                scenario = line.get_gid().split(":", 1)[1]
                entry = next(text for text in legend if text.startswith(by_title[scenario]))
                assert (
                    np.any(apart[~np.isnan(values)])
                    or "close to" in entry
                    or any("close to " + by_title[scenario] in text for text in legend)
                ), f"{name}: {scenario} is hidden under other lines and its legend does not say so ({entry!r})"


def test_comparison_legends_name_scenarios_by_title(results):
    figure = _figures(results)["compare imports"]
    legend = " ".join(_legend_texts(figure))
    assert "Talks fail and the April 2025 peak returns" in legend
    assert "escalation" not in legend and "What if:" not in legend


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)), st.text("abcdefgh XYZ–0123", min_size=1, max_size=40)
        ),
        max_size=12,
    )
)
def test_event_labels_never_collide_and_leaders_cross_no_label(events):
    start, end, width = dt.date(2024, 1, 1), dt.date(2027, 12, 31), 8.75
    markers = place_events(events, start, end, width)
    assert len(markers) == len(events)
    span = (end - start).days + 1
    placed = []
    for marker in markers:
        x = (marker.date - start).days / span * width * 72
        size = text_width(plain(marker.label), SMALL_SIZE) + 3
        left, right = (x - size, x) if marker.right_aligned else (x, x + size)
        assert left >= -0.01 or not marker.right_aligned
        assert right <= width * 72 + 0.01 or marker.right_aligned
        placed.append((marker.row, left, right, x, marker.right_aligned))
    for (row, left, right, x, _), (other_row, other_left, other_right, _, other_flipped) in itertools.permutations(
        placed, 2
    ):
        if row == other_row:
            assert right + EVENT_GAP <= other_left or other_right + EVENT_GAP <= left
        if other_row < row and not other_flipped:
            # this label's leader runs down through the other's row; only a label turned back
            # at the right edge (running left over earlier dates) may be crossed
            assert not other_left + 0.5 < x < other_right - 0.5


@pytest.mark.parametrize(
    ("start", "end", "first", "labels"),
    [
        (dt.date(2024, 1, 1), dt.date(2027, 12, 31), "2024-01-01", ["Jan\n2024", "Apr", "Jul", "Oct", "Jan\n2025"]),
        (dt.date(2025, 3, 15), dt.date(2025, 9, 30), "2025-04-01", ["Apr\n2025", "May", "Jun", "Jul", "Aug", "Sep"]),
        (dt.date(2024, 1, 1), dt.date(2060, 12, 31), "2025-01-01", ["2025", "2030"]),
    ],
)
def test_date_ticks(start, end, first, labels):
    positions, names = date_ticks(start, end)
    assert str(positions[0]) == first
    assert names[: len(labels)] == labels
    assert 2 <= len(positions) <= 16


def test_months_the_horizon_cuts_are_left_out_of_monthly_charts():
    from simulator.api import scenario_from_data

    short = run(
        scenario_from_data(
            {
                "title": "Mid-month horizon",
                "extends": "documented-2025",
                "horizon": {"start": "2025-07-15", "end": "2025-10-20"},
            },
            "short",
        )
    )
    figure = scenario_charts.trade_chart(scenario_chart_inputs(short))
    line = next(line for line in figure.findobj(Line2D) if line.get_label() == "US imports from China")
    months = [str(np.datetime64(int(x), "D")) for x in line.get_xdata()]
    assert months == ["2025-08-01", "2025-09-01"]


@pytest.mark.parametrize(
    ("ticks", "labels"),
    [
        ([-17.5, -12.5, -7.5, -2.5], ["−\\$17.5bn", "−\\$12.5bn", "−\\$7.5bn", "−\\$2.5bn"]),
        ([-300, -250, 0, 50], ["−\\$300bn", "−\\$250bn", "\\$0bn", "\\$50bn"]),
    ],
)
def test_money_ticks_keep_the_decimals_their_spacing_needs(ticks, labels):
    from simulator.outputs.layout import MoneyFormatter

    assert MoneyFormatter().format_ticks(ticks) == labels


def test_a_chart_drawn_for_its_svg_and_a_book_page_at_once_writes_the_same_svg(results, tmp_path):
    """The chart book's page takes every drawing call of the SVG (layout.TwoRenderers); the SVG must be exactly what
    it is when drawn alone, and the page must receive the chart's texts."""
    import io

    import matplotlib
    from matplotlib.backends.backend_pdf import PdfFile, RendererPdf

    from simulator.outputs import charts
    from simulator.outputs.layout import save

    inputs = scenario_chart_inputs(results[1])
    chart = charts.SCENARIO_CHARTS["balance"]
    (alone,) = save(charts.draw(chart, inputs), tmp_path / "alone")
    figure = charts.draw(chart, inputs)
    width, height = figure.get_size_inches()
    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 0}):
        book = PdfFile(buffer)
        book.newPage(width, height)
        (both,) = save(figure, tmp_path / "both", copy_to=RendererPdf(book, 72, height, width))
        book.endStream()
        book.finalize()
    assert both.read_bytes() == alone.read_bytes()
    assert figure.copy_to is None  # the second renderer is not kept for a later draw
    assert buffer.getvalue().count(b" Tf") > 50  # the page's texts (ticks, titles, labels) were drawn on it
    with pytest.raises(ValueError, match="must include 'svg'"):
        save(figure, tmp_path / "png-only", ("png",), copy_to=RendererPdf(book, 72, height, width))


def test_the_shared_measure_of_svg_text_is_the_svg_renderers_own():
    """Charts share one cache of SVG text sizes (layout.svg_text_size); a size must be what matplotlib's SVG renderer
    measures for that text, font, size and weight, never another text's."""
    import io

    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import FontProperties

    from simulator.outputs.layout import svg_text_size

    renderer = RendererSVG(100, 100, io.StringIO())
    for text in ["2025", "−$17.5bn", "US imports from China", "  spaced  ", "Geneva · Busan"]:
        for size, weight in [(8, "normal"), (9, "normal"), (9, "bold"), (13, "normal")]:
            prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
            assert svg_text_size(text, prop.copy()) == renderer.get_text_width_height_descent(text, prop, False)
    small, large = (svg_text_size("2025", FontProperties(family="DejaVu Sans", size=size)) for size in (8, 16))
    assert large[0] == pytest.approx(2 * small[0])


@pytest.mark.parametrize("dpi", [60, 80, 110])
def test_every_label_stays_inside_a_png_saved_at_any_resolution(results, dpi):
    """Saved from a notebook at a low resolution, with matplotlib's default hinting, no label runs past the figure's
    edge (hinting once made an 8 pt line 6% wider than measured at 80 dpi, cutting a comparison's subtitle)."""
    import matplotlib

    figures = _figures(results)
    figures["fan"] = run(load_scenario("documented-2025"), draws=40, seed=1).plot("fan")  # a note of six long lines
    for name, figure in figures.items():
        with matplotlib.rc_context({"text.hinting": "default"}):
            figure.set_dpi(dpi)
            canvas = FigureCanvasAgg(figure)
            canvas.draw()
            renderer = canvas.get_renderer()
            width = figure.bbox.width
            widest = max(
                Text.get_window_extent(text, renderer).x1
                for text in figure.findobj(Text)
                if text.get_visible() and text.get_text().strip()
            )
        assert widest <= width, (name, dpi, widest - width)


def test_the_census_months_are_drawn_where_the_record_puts_them_fan_chart_included():
    """Trade, balance and fan charts each mark every Census month of the horizon at its value, so a reader sees the
    projection, and the draws' bands, against what was measured."""
    import matplotlib.dates as mdates

    from simulator.model.observed import observed

    record = observed()
    result = run(load_scenario("documented-2025"), draws=40, seed=1)
    inside = record.months <= np.datetime64("2027-12")  # the record ends in April 2026, inside the horizon
    dates = mdates.date2num(record.months[inside].astype("datetime64[D]"))
    expected = {
        "trade": [("US imports from China, Census", dates, record.imports[inside])],
        "fan": [("Census months", dates, record.imports[inside])],
        "balance": [("Census months", dates + 14, record.balance[inside])],
    }
    for chart, marks in expected.items():
        figure = result.plot(chart)
        lines = {line.get_label(): line for ax in figure.axes for line in ax.get_lines()}
        for label, x, y in marks:
            assert label in lines, (chart, sorted(lines))
            np.testing.assert_allclose(lines[label].get_xdata(), x)
            np.testing.assert_allclose(lines[label].get_ydata(), y)
    fan = result.plot("fan")
    balance_points = [line for line in fan.axes[1].get_lines() if line.get_marker() == "o"]
    assert len(balance_points) == 1
    np.testing.assert_allclose(balance_points[0].get_ydata(), record.balance[inside])
    assert len(record.months[inside]) == 28  # January 2024 to April 2026


def test_every_bundled_scenario_has_a_colour_of_its_own():
    """A run of every bundled scenario repeats no colour (ten colours for thirteen scenarios left three to be told
    apart by dashes alone)."""
    from simulator.inputs.locations import bundled_ids

    colours = scenario_colours(bundled_ids())
    assert len(set(colours.values())) == len(colours) == len(bundled_ids())


def test_a_comparison_whose_reference_starts_after_the_record_draws_every_chart_without_census_months():
    """A reference shown from after the record holds no Census month: the balance chart's rolling year of them raised
    numpy's 'a cannot be empty' and the comparison folder was not written (analyst review)."""
    from simulator.api import scenario_from_data

    horizon = {"start": "2026-05-01", "end": "2027-12-31"}  # the record ends in April 2026
    late = scenario_from_data(
        {"title": "Documented, shown from May 2026", "extends": "documented-2025", "horizon": horizon}, "late"
    )
    higher = scenario_from_data(
        {"title": "Escalation, shown from May 2026", "extends": "escalation", "horizon": horizon}, "late-escalation"
    )
    colours = scenario_colours(["late", "late-escalation"])
    inputs = comparison_chart_inputs([run(late), run(higher)], colours, "late")
    for chart in (comparison_charts.balance_chart, comparison_charts.imports_chart, comparison_charts.exports_chart):
        labels = {text.get_text() for text in chart(inputs).findobj(Text)}
        assert "Census months" not in labels, chart.__name__


@pytest.mark.parametrize(
    "settings",
    [
        {"parameters": {"collection_share": "0%"}},  # duties in force, none collected
        {"extends": "baseline-2024", "tariffs": {"us_on_china": {"base": "0%"}}},  # no duty at all
    ],
)
def test_the_chart_of_duties_by_authority_says_when_there_are_none(settings):
    scenario = scenario_from_data({"title": "No duties", "extends": "documented-2025", **settings}, "no-duties")
    result = run(scenario)
    assert not result.monthly["us_tariff_revenue_from_china"].any()
    figure = result.plot("revenue_by_authority")
    texts = [text.get_text() for text in figure.findobj(Text)]
    assert "No US duties are collected on goods from China in this scenario" in texts


def test_a_what_ifs_charts_mark_the_day_its_tariffs_depart_from_its_parents():
    """A what-if's charts carried only its parent's markers: nothing showed where its own path begins (left alone
    until an analyst review asked for it)."""
    from simulator.outputs.chart_parts import DEPARTS, scenario_events

    step = forced_labour_step()
    inputs = scenario_chart_inputs(run(step), with_tornado=False)
    assert inputs.departs == dt.date(2027, 3, 1)
    assert (dt.date(2027, 3, 1), DEPARTS) in scenario_events(inputs)
    figure = scenario_charts.trade_chart(inputs)
    assert DEPARTS in [text.get_text() for text in figure.findobj(Text)]
    # a day the what-if marks itself is not marked twice; a change of parameters alone departs nowhere
    escalation = scenario_chart_inputs(run("escalation"), with_tornado=False)
    assert escalation.departs == dt.date(2026, 11, 10)
    assert DEPARTS not in [label for _, label in scenario_events(escalation)]
    refunds = scenario_chart_inputs(run("ieepa-refunds-in-2026"), with_tornado=False)
    assert refunds.departs is None and DEPARTS not in [label for _, label in scenario_events(refunds)]
    assert scenario_chart_inputs(run("documented-2025"), with_tornado=False).departs is None


def test_a_book_page_sets_chart_text_in_helvetica_holding_each_line_where_its_alignment_puts_it(tmp_path, monkeypatch):
    """The book's copy of a chart sets its text in the PDF's built-in Helvetica (layout.TwoRenderers.draw_text): a
    line keeps the point the SVG's layout aligned it by (start, centre or end, also turned a quarter), minus signs
    become hyphens, and a line with a character Helvetica lacks keeps the chart font, unchanged."""
    import io
    import math

    import matplotlib
    from matplotlib.backends.backend_pdf import PdfFile, RendererPdf
    from matplotlib.backends.backend_svg import RendererSVG

    from simulator.outputs.layout import ChartFigure, save

    drawn: dict[str, list] = {"svg": [], "pdf": []}

    class Page(RendererPdf):
        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            width = (
                self._get_font_afm(prop).get_str_bbox_and_descent(s)[2] * prop.get_size_in_points() / 1000
                if matplotlib.rcParams["pdf.use14corefonts"]
                else None
            )
            drawn["pdf"].append((x, y, s, prop.get_family()[0], angle, width))
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)

    svg_draw_text = RendererSVG.draw_text

    def svg_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        width = self.get_text_width_height_descent(s, prop, ismath)[0]
        drawn["svg"].append((x, self.height - y, s, angle, width))
        svg_draw_text(self, gc, x, y, s, prop, angle, ismath, mtext)

    monkeypatch.setattr(RendererSVG, "draw_text", svg_text)
    figure = ChartFigure(figsize=(4, 3), dpi=100)
    placed = [
        ("left −$2.5bn", {"ha": "left"}, 0.0),
        ("centred label", {"ha": "center"}, 0.5),
        ("right aligned", {"ha": "right"}, 1.0),
        ("turned, centred", {"rotation": 90, "va": "center", "ha": "center"}, 0.5),
        ("turned, anchored", {"rotation": 90, "rotation_mode": "anchor", "ha": "right"}, 1.0),
        ("arrow → here", {"ha": "right"}, None),
    ]
    for index, (text, style, _) in enumerate(placed):
        figure.text(0.5, 0.1 + 0.13 * index, text, fontsize=9, **style)
    width, height = figure.get_size_inches()
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 0}):
        book = PdfFile(io.BytesIO())
        book.newPage(width, height)
        save(figure, tmp_path / "chart", copy_to=Page(book, 72, height, width))
    assert len(drawn["svg"]) == len(drawn["pdf"]) == len(placed)
    for (text, _, anchor), svg, pdf in zip(placed, drawn["svg"], drawn["pdf"], strict=True):
        x, y, shown, family, angle, helvetica_width = pdf
        if anchor is None:
            assert (shown, helvetica_width) == (text, None) and family != "Helvetica"
            continue
        assert (shown, family) == (text.replace("−", "-"), "Helvetica")
        assert helvetica_width < svg[4]  # Helvetica is narrower: the test would not see a line left unmoved
        along = (math.cos(math.radians(angle)), math.sin(math.radians(angle)))
        svg_point = [svg[i] + anchor * svg[4] * along[i] for i in (0, 1)]
        pdf_point = [(x, y)[i] + anchor * helvetica_width * along[i] for i in (0, 1)]
        assert pdf_point == pytest.approx(svg_point, abs=1e-6)
