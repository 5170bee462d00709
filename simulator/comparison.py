"""Several scenarios side by side, for notebooks: one tidy frame, key numbers, differences, overlay charts.

    import simulator
    both = simulator.compare(["truce-expires", "truce-extended"])
    both.key_numbers()                # per scenario and year [USD bn, %]
    both.plot("balance")              # a matplotlib Figure, one colour per scenario
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.result import Result
from simulator.scenario import Scenario

PLOTS = ("imports", "exports", "balance", "tariffs", "revenue")


@dataclass(frozen=True, eq=False)
class Comparison:
    """Results of several scenarios, in the order given; each keeps one colour in every plot."""

    results: tuple[Result, ...]
    colours: dict[str, str] = field(default_factory=dict)

    def frame(self, frequency: str = "monthly"):
        """One tidy table of every scenario: ``scenario, date, variable, value, unit`` (+ ``quantile``)."""
        import pandas as pd

        return pd.concat([result.to_frame(frequency) for result in self.results], ignore_index=True)

    def key_numbers(self):
        """Per scenario and year: imports, exports, balance, revenue [USD bn], rates [%], changes against baseline-2024."""
        import pandas as pd

        from simulator.summary import key_frame, key_numbers

        frames = [key_frame(key_numbers(result)).assign(scenario=result.scenario.id) for result in self.results]
        table = pd.concat(frames, ignore_index=True)
        return table[["scenario", *[column for column in table.columns if column != "scenario"]]]

    def differences(self):
        """The inputs each what-if changes against the scenario it extends (if that is known)."""
        import pandas as pd

        from simulator.provenance import differences, parent_of

        rows = []
        for result in self.results:
            parent = parent_of(result.scenario)
            if parent is None:
                continue
            for row in differences(result.scenario, parent):
                rows.append({"scenario": result.scenario.id, "extends": parent.id, "section": row.section, "input": row.name,
                             "before": row.before, "after": row.after})
        return pd.DataFrame(rows, columns=["scenario", "extends", "section", "input", "before", "after"])

    def plot(self, what: str = "balance"):
        """An overlay chart as a matplotlib Figure: one of 'imports', 'exports', 'balance', 'tariffs', 'revenue'."""
        from simulator import overlays
        from simulator.facts import balance_2024

        results = list(self.results)
        if what == "imports":
            return overlays.compare_flow_chart(results, "us_imports_from_china", "US imports from China by scenario", self.colours)
        if what == "exports":
            return overlays.compare_flow_chart(results, "us_exports_to_china", "US exports to China by scenario", self.colours)
        if what == "balance":
            return overlays.compare_balance_chart(results, balance_2024(), self.colours)  # type: ignore[arg-type]
        if what == "tariffs":
            return overlays.compare_tariff_chart(results, self.colours)
        if what == "revenue":
            return overlays.compare_revenue_chart(results, self.colours)
        raise ValueError(f"unknown plot '{what}' (expected one of: {', '.join(PLOTS)})")

    def _repr_html_(self) -> str:
        from simulator.display import comparison_html

        return comparison_html(self)


def compare(scenarios: Sequence[Scenario | str], draws: int = 0, seed: int | None = None) -> Comparison:
    """Run each scenario (objects, bundled ids or YAML paths) and line them up."""
    from simulator.figures import scenario_colours
    from simulator.loading import load_scenario
    from simulator.projection import run

    loaded = [load_scenario(item) if isinstance(item, str) else item for item in scenarios]
    results = tuple(run(scenario, draws=draws, seed=seed) for scenario in loaded)
    return Comparison(results, scenario_colours([scenario.id for scenario in loaded]))


def what_if(base: str, title: str, scenario_id: str = "what-if", **fields: Any) -> Scenario:
    """A scenario extending ``base`` (a bundled id or YAML path), built in code and checked exactly as a YAML file.

    ``fields`` are the scenario file's keys: ``tariffs``, ``parameters``, ``horizon``,
    ``events``, ``description``; values as in YAML (``"30%"``, ``{"fact": "..."}``).
    """
    from simulator.loading import scenario_from_data

    return scenario_from_data({"title": title, "extends": base, **fields}, scenario_id)
