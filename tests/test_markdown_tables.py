"""Markdown tables keep their rows: the templates clean every printed value into one line, but not the tables."""

from simulator.outputs.pages import _finalize, markdown_table


def test_a_markdown_table_survives_the_templates_cleaning():
    rows = [{"scenario": "a | b", "value": "1.0"}, {"scenario": "c", "value": "−2.0"}]
    table = markdown_table(rows, ["scenario", "value"], {"scenario": "Scenario", "value": "Value"})
    lines = str(_finalize(table)).split("\n")
    assert lines == ["| Scenario | Value |", "|---|---:|", "| a \\| b | 1.0 |", "| c | −2.0 |"]
