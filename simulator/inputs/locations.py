"""Where the files the package ships live: ``seeds/`` (facts, sources, parameters, data) and ``scenarios/``.

In a checkout they sit beside the package; an installed wheel carries copies under
``simulator/bundled/``.
"""

from __future__ import annotations

from pathlib import Path


def project_root() -> Path:
    """The folder holding ``seeds/`` and ``scenarios/``: the checkout, or the installed copy."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent, package / "bundled"):
        if (candidate / "seeds" / "facts.yaml").is_file():
            return candidate
    return package.parent


def seeds_dir() -> Path:
    """The folder of sourced facts, sources, parameter specifications and observed data."""
    return project_root() / "seeds"


def scenarios_dir() -> Path:
    """The folder of bundled scenarios."""
    return project_root() / "scenarios"


def bundled_ids() -> list[str]:
    """Ids of the bundled scenarios, sorted."""
    return sorted(path.stem for path in scenarios_dir().glob("*.yaml"))
