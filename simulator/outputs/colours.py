"""Scenario colours: one per scenario, the same in every chart and page of a run, light enough to import when a run
checks which folders are up to date (a folder records its colour, and is rebuilt when a run gives it another).
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.inputs.locations import bundled_ids

PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#7F7F7F",
    "#000000",
    "#8C564B",
    "#BCBD22",
    "#882255",
    "#44AA99",
    "#332288",
)
"""Colours for scenarios, in order (Okabe-Ito first: distinguishable with colour-blindness; then three of Paul Tol's
muted colours), one for each bundled scenario, so that a run of all of them repeats none."""


def scenario_colours(ids: Sequence[str]) -> dict[str, str]:
    """One colour per scenario, the same in every chart of a run.

    A bundled scenario keeps its own colour from run to run (by its place among the bundled
    ids) unless another scenario of the run already has it; the others take the colours left,
    in the order given. Past the palette's thirteen colours, colours repeat (charts then tell them
    apart by dashes).
    """
    bundled = {name: index for index, name in enumerate(bundled_ids())}
    found: dict[str, str] = {}
    for name in sorted(dict.fromkeys(ids), key=lambda name: (name not in bundled, bundled.get(name, 0))):
        own = PALETTE[bundled[name] % len(PALETTE)] if name in bundled else None
        free = [colour for colour in PALETTE if colour not in found.values()]
        found[name] = own if own in free else (free[0] if free else PALETTE[len(found) % len(PALETTE)])
    return {name: found[name] for name in ids}
