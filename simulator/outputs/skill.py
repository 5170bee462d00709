"""Tables of the estimation and of out-of-sample skill, as text for the terminal, the docs and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.inputs.estimates import Estimates
from simulator.inputs.parameters import PARAMETERS
from simulator.uncertainty.scores import BENCHMARKS, FLOWS, FULL, HORIZONS, Forecast, Score, coverage, scores

if TYPE_CHECKING:  # the estimation imports scipy, which a report does not need: a Fit is only passed in
    from simulator.model.estimation import Fit

FLOW_NAMES = {"imports": "US imports from China", "exports": "US exports to China"}


def _signed(value: float, digits: int = 1) -> str:
    return f"{value:+.{digits}f}".replace("-", "−")


def _number(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}".replace("-", "−")


def written(name: str, value: float) -> str:
    """A model-unit value as the parameter is written (percent for shares and growth)."""
    spec = PARAMETERS[name]
    if spec.rules.percent:
        return f"{_number(100 * value)}%"
    return _number(value)


def estimates_table(estimates: Estimates) -> str:
    """Markdown: each estimated parameter's prior, the range its sources support, the estimate and its 90% interval."""
    lines = [
        (
            "| parameter | prior centre (spread, scale) | sources support | estimate | 90% interval "
            "| estimate within what the sources support? |"
        ),
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in estimates.names:
        spec = PARAMETERS[name]
        prior = spec.estimated
        unit = "%" if spec.rules.percent and prior.transform == "linear" else ""  # type: ignore[union-attr]
        centre = f"{_number(spec.prior_centre)}{'%' if spec.rules.percent else ''}"
        low, high = prior.supported  # type: ignore[union-attr]
        percent = "%" if spec.rules.percent else ""
        value = estimates.value(name)
        interval = estimates.interval(name)
        inside = low <= value / spec.rules.scale <= high
        lines.append(
            f"| `{name}` | {centre} ({_number(prior.spread)}{unit}, {prior.transform}) | "  # type: ignore[union-attr]
            f"{_number(low)}{percent} … {_number(high)}{percent} | {written(name, value)} | "
            f"{written(name, interval[0])} … {written(name, interval[1])} | {'yes' if inside else '**no**'} |"
        )
    return "\n".join(lines)


def in_sample_table(estimation: Fit) -> str:
    """Markdown: each observed month after the calibration year, the record and the fitted model [USD bn]."""
    record = estimation.setup.record
    imports, exports = estimation.residuals
    lines = [
        "| month | imports, record | imports, model | error | exports, record | exports, model | error |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for index, month in enumerate(record.months):
        model_imports = record.imports[index] / np.exp(imports[index])
        model_exports = record.exports[index] / np.exp(exports[index])
        lines.append(
            f"| {month} | {record.imports[index]:.2f} | {model_imports:.2f} | "
            f"{_signed(100 * (model_imports / record.imports[index] - 1))}% | {record.exports[index]:.2f} | "
            f"{model_exports:.2f} | {_signed(100 * (model_exports / record.exports[index] - 1))}% |"
        )
    return "\n".join(lines)


def skill_table(forecasts: list[Forecast]) -> str:
    """Markdown: MAPE and bias per flow and horizon for the model and both benchmarks, and range coverage [%]."""
    found = {(score.variant, score.flow, score.horizon): score for score in scores(forecasts)}
    lines = [
        (
            "| flow | months ahead | months scored | model MAPE | model bias | last value MAPE | seasonal naive MAPE | "
            "50% range covers | 90% range covers |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for flow in FLOWS:
        for horizon in range(1, HORIZONS + 1):
            model = found.get((FULL, flow, horizon))
            if model is None:
                continue
            naive = [found[(benchmark, flow, horizon)].mape for benchmark in BENCHMARKS]
            best = model.mape < min(naive)
            shown = f"**{model.mape:.1f}**" if best else f"{model.mape:.1f}"
            lines.append(
                f"| {flow} | {horizon} | {model.count} | {shown} | {_signed(model.bias)} | {naive[0]:.1f} | "
                f"{naive[1]:.1f} | {model.coverage50:.0f} | {model.coverage90:.0f} |"
            )
    lines.append("")
    lines.append(
        f"Over all {sum(1 for f in forecasts if f.variant == FULL)} forecasts of the "
        f"{len({f.month for f in forecasts if f.variant == FULL})} held-out months, the 50% ranges cover "
        f"{coverage(forecasts, 50):.0f}% and the 90% ranges {coverage(forecasts, 90):.0f}%. Bold: the model beats "
        "both benchmarks."
    )
    return "\n".join(lines)


def variants_table(forecasts: list[Forecast]) -> str:
    """Markdown: MAPE per horizon of the bundled model, each variant with a mechanism switched, and the benchmarks."""
    found = scores(forecasts)
    names = list(dict.fromkeys(score.variant for score in found))
    header = " | ".join(str(horizon) for horizon in range(1, HORIZONS + 1))
    lines = [
        f"| flow | model | {header} | mean |",
        "| --- | --- | " + " | ".join("---" for _ in range(HORIZONS)) + " | --- |",
    ]
    for flow in FLOWS:
        for name in names:
            row = [score for score in found if score.variant == name and score.flow == flow]
            values = " | ".join(f"{score.mape:.1f}" for score in row)
            mean = np.mean([score.mape for score in row])
            lines.append(f"| {flow} | {name} | {values} | {mean:.1f} |")
    return "\n".join(lines)


def skill_rows(found: list[Score]) -> list[dict]:
    """Scores as rows for a data file."""
    return [
        {
            "forecaster": score.variant,
            "flow": score.flow,
            "months_ahead": score.horizon,
            "months_scored": score.count,
            "mape_percent": round(score.mape, 3),
            "bias_percent": round(score.bias, 3),
            "coverage50_percent": None if score.coverage50 is None else round(score.coverage50, 3),
            "coverage90_percent": None if score.coverage90 is None else round(score.coverage90, 3),
        }
        for score in found
    ]


def docs_blocks(estimation: Fit, forecasts: list[Forecast]) -> dict[str, str]:
    """The generated tables of docs/model.md, by marker name."""
    return {
        "estimates": estimates_table(estimation.estimates),
        "in-sample": in_sample_table(estimation),
        "skill": skill_table(forecasts),
        "variants": variants_table(forecasts),
    }


def with_blocks(text: str, blocks: dict[str, str]) -> str:
    """``text`` with the lines between ``<!-- name:start ... -->`` and ``<!-- name:end -->`` replaced by each block."""
    for name, block in blocks.items():
        start = text.index(f"<!-- {name}:start")
        start = text.index("\n", start) + 1
        end = text.index(f"<!-- {name}:end -->")
        text = text[:start] + block + "\n" + text[end:]
    return text
