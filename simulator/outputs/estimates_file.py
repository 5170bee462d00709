"""``seeds/estimates.yaml``: the estimation written for the parameter registry to read (``simulate fit``)."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.inputs.estimates import estimates_path
from simulator.model.estimation import Fit

HEADER = """\
# Written by `simulate fit`: the behaviour parameters estimated from the monthly Census record
# with the priors of seeds/parameters.yaml (docs/model.md, "Estimation"). Do not edit by hand;
# run `simulate fit` again after new months (`simulate data update`) or a change to the model.
# parameters: posterior mode and standard deviation on each parameter's transformed scale;
# covariance: the posterior covariance on those scales, in the order of `parameters`;
# anchors: the last observed month's deviation of the record from the model [log points];
# held: parameters of mechanisms the model leaves out, at the values that switch them off.
"""


def _number(value: float) -> str:
    return json.dumps(float(value))


def estimates_text(estimation: Fit) -> str:
    """The YAML text of a fit (numbers at full precision, so the registry reads back exactly what was fitted)."""
    found = estimation.estimates
    lines = [HEADER.rstrip("\n"), "record:"]
    lines += [
        "  file: seeds/us_china_goods_trade_monthly.csv",
        f"  checksum: {found.checksum}",
        f"  first_month: '{found.first_month}'",
        f"  last_month: '{found.anchor_month}'",
        "parameters:",
    ]
    for index, name in enumerate(found.names):
        lines.append(
            f"  {name}: {{transform: {found.transforms[index]}, mode: {_number(found.mode[index])}, "
            f"sd: {_number(found.sd(name))}}}"
        )
    lines.append("covariance:")
    lines += [f"  - [{', '.join(_number(value) for value in row)}]" for row in found.covariance]
    lines.append(
        f"anchors: {{imports: {_number(found.anchors['imports'])}, exports: {_number(found.anchors['exports'])}}}"
    )
    held = ", ".join(f"{name}: {_number(value)}" for name, value in found.held.items())
    lines.append(f"held: {{{held}}}")
    imports, exports = estimation.residuals
    lines += [
        "diagnostics:",
        f"  log_posterior: {_number(estimation.log_posterior)}",
        f"  model_runs: {estimation.evaluations}",
        f"  seconds: {estimation.seconds:.1f}",
        f"  starts: {estimation.details.get('starts', 1)}",
        f"  spread_of_optima: {_number(estimation.details.get('spread_of_optima', 0.0))}",
        f"  converged: {str(estimation.details.get('converged', True)).lower()}",
        f"  deviations_imports: [{', '.join(f'{value:.5f}' for value in imports)}]",
        f"  deviations_exports: [{', '.join(f'{value:.5f}' for value in exports)}]",
    ]
    return "\n".join(lines) + "\n"


def write_estimates(estimation: Fit, path: Path | None = None) -> Path:
    """Write the fit to ``seeds/estimates.yaml`` (whole, then moved into place)."""
    path = path or estimates_path()
    partial = path.with_name(path.name + ".partial")
    partial.write_text(estimates_text(estimation), encoding="utf-8")
    partial.replace(path)
    return path
