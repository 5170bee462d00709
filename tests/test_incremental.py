"""Incremental builds: a folder is rebuilt exactly when something it depends on changed.

Each test works on a copy of the project (package, seeds, scenarios) in a temporary folder, so that it
can edit a fact or a scenario without touching the repository; a folder counts as rebuilt when it was
swapped for a new one (its inode changes).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.api import baseline_scenario, load_scenario
from simulator.inputs.facts import load_facts, load_sources
from simulator.outputs.incremental import (
    Options,
    check_folder,
    file_hash,
    recorded_name,
    scenario_record,
    shared_hashes,
)
from simulator.outputs.report import write_reports

ROOT = Path(__file__).resolve().parent.parent
WHAT_IF = "title: Mine, a small what-if\nextends: documented-2025\nparameters: {pass_through: 90%}\n"
FOLDERS = ("documented-2025", "geneva-truce", "mine", "comparison")
FACT = "china-coal-lng-coverage-share"
"""A fact the documented path (and so the what-if extending it) cites, and `geneva-truce` does not."""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("project")
    for folder in ("simulator", "seeds", "scenarios"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "mine.yaml").write_text(WHAT_IF, encoding="utf-8")
    return copy


def simulate(project: Path, *extra: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(project)}
    command = [sys.executable, "-m", "simulator", "documented-2025", "geneva-truce", "mine.yaml", "--out", "out"]
    done = subprocess.run(
        [*command, "--quiet", *extra], cwd=project, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


def identities(project: Path) -> dict[str, int]:
    return {name: (project / "out" / name).stat().st_ino for name in FOLDERS}


def rebuilt(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in FOLDERS if before[name] != after[name]}


def test_only_what_changed_is_rebuilt(project):
    simulate(project)
    first = identities(project)

    simulate(project)
    assert rebuilt(first, identities(project)) == set(), "touching nothing rebuilds nothing"

    mine = project / "mine.yaml"
    mine.write_text(WHAT_IF.replace("90%", "85%"), encoding="utf-8")
    before = identities(project)
    simulate(project)
    assert rebuilt(before, identities(project)) == {"mine", "comparison"}

    facts = project / "seeds" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    start = text.index(f"- id: {FACT}") if f"- id: {FACT}" in text else text.index(f"{FACT}:")
    line_end = text.index("\n", start)
    facts.write_text(text[:line_end] + "  # edited\n" + text[line_end + 1 :], encoding="utf-8")
    before = identities(project)
    simulate(project)
    assert rebuilt(before, identities(project)) == set(), "a comment changes no fact"

    edited = text.replace(text[start:], _with_new_label(text[start:]), 1)
    facts.write_text(edited, encoding="utf-8")
    before = identities(project)
    simulate(project)
    assert rebuilt(before, identities(project)) == {"documented-2025", "mine", "comparison"}


def test_editing_a_fact_a_page_shows_only_through_a_derivation_rebuilds_the_folders_showing_it(project):
    """A fact that a cited fact is derived from (the farm rate's lower end, behind the 12.5% midpoint), or the prior an
    estimate leans on, is on the page too (notes, assumptions), but the build record held only the facts cited: an
    edit to it rebuilt nothing (review)."""
    simulate(project)
    facts = project / "seeds" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    start = text.index("china-farm-rate-low-2025-03-10:")
    facts.write_text(text[:start] + _with_new_label(text[start:]), encoding="utf-8")
    before = identities(project)
    simulate(project)
    assert rebuilt(before, identities(project)) == {"documented-2025", "mine", "comparison"}
    text = facts.read_text(encoding="utf-8")
    start = text.index("truce-lapse-prior:")
    facts.write_text(text[:start] + _with_new_label(text[start:]), encoding="utf-8")
    before = identities(project)
    simulate(project)
    assert rebuilt(before, identities(project)) == set(FOLDERS)  # every scenario leaves that estimate as it is


def _with_new_label(entry_onwards: str) -> str:
    """The fact's entry with its description (or label) changed, the rest of the file as it was."""
    for key in ("description: ", "label: "):
        at = entry_onwards.find(key)
        if at != -1:
            return entry_onwards[: at + len(key)] + "Edited " + entry_onwards[at + len(key) :]
    raise AssertionError("the fact has no description or label to edit")


def test_a_damaged_folder_is_rebuilt_and_force_rebuilds_everything(project):
    simulate(project)
    summary = project / "out" / "geneva-truce" / "summary.md"
    summary.write_text(summary.read_text(encoding="utf-8") + "\nhand-edited\n", encoding="utf-8")
    (project / "out" / "documented-2025" / "trade.svg").unlink()
    before = identities(project)
    simulate(project)
    assert rebuilt(before, identities(project)) == {"geneva-truce", "documented-2025"}
    assert "hand-edited" not in summary.read_text(encoding="utf-8")

    before = identities(project)
    simulate(project, "--force")
    assert rebuilt(before, identities(project)) == set(FOLDERS)


def test_changed_chart_formats_rebuild_the_folders_with_the_files_asked_for(project):
    simulate(project)
    before = identities(project)
    simulate(project, "--formats", "png,svg")
    assert rebuilt(before, identities(project)) == set(FOLDERS), "formats are part of what a folder is built from"
    for name in FOLDERS:
        folder = project / "out" / name
        assert {path.stem for path in folder.glob("*.png")} == {path.stem for path in folder.glob("*.svg")} != set()
    before = identities(project)
    simulate(project, "--formats", "svg,png")  # the same formats in another order: nothing to do
    assert rebuilt(before, identities(project)) == set()
    simulate(project)  # back to the default: SVG only
    assert not list((project / "out").glob("*/*.png"))


CHECKS = """
import json, sys
from pathlib import Path
from simulator.outputs.incremental import Options, check_folder
folder = Path("out/geneva-truce")
found = [check_folder(folder, Options()).reason, check_folder(folder, Options(draws=50, seed=3)).reason]
manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
build = manifest["build"]
found.append(sorted(Path(name).name for name in build["inputs"] if name.endswith(".yaml")))
found.append(["geneva-agreement" in build["facts"], sys.argv[1] in build["facts"]])
outputs, manifest["outputs"] = manifest["outputs"], None  # another shape: a traceback once (hostile review)
(folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
found.append(check_folder(folder, Options()).reason)
manifest["outputs"] = outputs
build["options"]["draws"] = 7  # edited by hand: the key no longer matches
(folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
found.append(check_folder(folder, Options(draws=7)).reason)
print(json.dumps(found))
"""


def test_a_manifest_records_what_the_folder_depends_on(project):
    """Options, inputs and cited entries are recorded; each one changed makes the folder stale, said in words."""
    import json

    simulate(project)
    environment = {**os.environ, "PYTHONPATH": str(project)}
    done = subprocess.run(
        [sys.executable, "-c", CHECKS, FACT], cwd=project, env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        "up to date",
        "run options changed",
        ["baseline-2024.yaml", "estimates.yaml", "geneva-truce.yaml", "parameters.yaml"],
        [True, False],
        "its manifest was edited",
        "its manifest was edited",
    ]


def _accent(page: Path) -> str:
    return re.search(r"--accent: (#[0-9A-Fa-f]{6})", page.read_text(encoding="utf-8")).group(1)


def test_a_folder_whose_colour_the_run_changes_is_rebuilt_to_match_the_comparison(project):
    """A scenario's colour depends on the others of the run (a bundled one keeps its own): a folder kept from a run
    that gave it another colour would clash with the comparison beside it."""
    environment = {**os.environ, "PYTHONPATH": str(project)}

    def run(*names: str) -> None:
        command = [sys.executable, "-m", "simulator", *names, "--out", "colours", "--quiet"]
        done = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    out = project / "colours"
    run("mine.yaml")
    alone = _accent(out / "mine" / "index.html")
    inode = (out / "mine").stat().st_ino
    run("baseline-2024", "mine.yaml")
    together = _accent(out / "mine" / "index.html")
    assert together != alone and (out / "mine").stat().st_ino != inode
    comparison = (out / "comparison" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="swatch" style="background: {together}"></span>Mine, a small what-if' in comparison
    assert _accent(out / "baseline-2024" / "index.html") == alone != together
    inode = (out / "mine").stat().st_ino
    run("baseline-2024", "mine.yaml")
    assert (out / "mine").stat().st_ino == inode, "the same run again rebuilds nothing"


def test_a_folder_is_rebuilt_when_a_name_in_its_extends_chain_comes_to_mean_another_file(tmp_path):
    """A new deal.yaml beside a what-if that extends 'deal', or a link to its parent pointed elsewhere, changed no file
    the folder was built from, and the run kept the stale folder (hostile review)."""
    from simulator.cli import main
    from simulator.outputs.incremental import Options, check_folder

    (tmp_path / "child.yaml").write_text("title: Child of deal\nextends: deal  # the bundled one\n")
    (tmp_path / "a.yaml").write_text("title: Parent A\nextends: geneva-truce\n")
    (tmp_path / "b.yaml").write_text("title: Parent B\nextends: documented-2025\n")
    (tmp_path / "link.yaml").symlink_to("a.yaml")
    (tmp_path / "linked.yaml").write_text("title: Through a link\nextends: 'link.yaml'\n")
    out = tmp_path / "out"
    assert main([str(tmp_path / "child.yaml"), str(tmp_path / "linked.yaml"), "--out", str(out), "--quiet"]) == 0
    options = Options(0, None, ("svg",), None)

    def current(name: str) -> bool:
        return check_folder(out / name, options, leaf=tmp_path / f"{name}.yaml").current

    assert current("child") and current("linked")
    (tmp_path / "deal.yaml").write_text("title: Another deal\nextends: geneva-truce\n")
    assert not current("child")
    assert check_folder(out / "child", options, leaf=tmp_path / "child.yaml").reason == (
        "a scenario it extends is now another file"
    )
    (tmp_path / "link.yaml").unlink()
    (tmp_path / "link.yaml").symlink_to("b.yaml")
    assert not current("linked")


def test_a_chain_re_pointed_to_files_it_already_read_is_rebuilt_and_a_root_that_says_extends_is_not(tmp_path):
    """Review of this change: a link from A (which extends B) re-pointed to B read only files the folder was built
    from, and the stale folder was kept; a root whose description said 'extends' was rebuilt on every run."""
    from simulator.cli import main
    from simulator.outputs.incremental import Options, check_folder

    (tmp_path / "b.yaml").write_text('title: "Plain B"\nextends: documented-2025\n')
    (tmp_path / "a.yaml").write_text("title: Extra A\nextends: b.yaml\nparameters: {pass_through: 90%}\n")
    (tmp_path / "p.yaml").symlink_to("a.yaml")
    (tmp_path / "leaf.yaml").write_text("title: The leaf\nextends: p.yaml\n")
    (tmp_path / "root.yaml").write_text(
        (ROOT / "scenarios" / "geneva-truce.yaml")
        .read_text()
        .replace("title:", "# the truce extends to 2027\ntitle:", 1)
    )
    out = tmp_path / "out"
    assert main([str(tmp_path / "leaf.yaml"), str(tmp_path / "root.yaml"), "--out", str(out), "--quiet"]) == 0
    options = Options(0, None, ("svg",), None)

    def current(name: str) -> bool:
        return check_folder(out / name, options, leaf=tmp_path / f"{name}.yaml").current

    assert current("leaf") and current("root")
    (tmp_path / "p.yaml").unlink()
    (tmp_path / "p.yaml").symlink_to("b.yaml")
    assert not current("leaf") and current("root")


def test_a_file_saved_again_while_a_run_goes_on_is_recorded_as_it_was_read(tmp_path):
    """The record took the file's hash after the projection: a run that read 90% and recorded the 85% file's hash left
    a folder of 90% numbers that every later run took for up to date."""
    mine = tmp_path / "mine.yaml"
    mine.write_text(WHAT_IF, encoding="utf-8")
    scenario = load_scenario(mine)
    read = file_hash(mine)
    mine.write_text(WHAT_IF.replace("90%", "85%"), encoding="utf-8")  # saved again before the folder is recorded
    record = scenario_record(Options(), [scenario], load_facts(), load_sources())
    assert record["inputs"][recorded_name(mine)] == read != file_hash(mine)
    assert record["inputs"]["scenarios/documented-2025.yaml"] == file_hash(ROOT / "scenarios" / "documented-2025.yaml")


REPLACED_DURING_RUN = """
import sys
from pathlib import Path
from simulator.api import baseline_scenario, load_scenario
from simulator.outputs import report
from simulator.outputs.incremental import Options, check_folder

compute = report.compute

def computed_then_replaced(*arguments, **keywords):
    found = compute(*arguments, **keywords)
    estimates = Path("seeds/estimates.yaml")  # replaced by a fit while the run goes on
    estimates.write_text(estimates.read_text(encoding="utf-8") + "# refitted\\n", encoding="utf-8")
    return found

report.compute = computed_then_replaced
report.write_reports([load_scenario("geneva-truce")], Path("during"), baseline_scenario(), workers=1, compare=False)
print(check_folder(Path("during/geneva-truce"), Options()).reason)
"""


def test_a_data_file_replaced_while_a_run_goes_on_makes_the_next_run_rebuild(project):
    """The shared inputs were hashed after the projection read them: a fit or a data update during a run left a
    folder of the old numbers recorded with the new file's hash (review of this change)."""
    estimates = project / "seeds" / "estimates.yaml"
    kept = estimates.read_bytes()
    try:
        environment = {**os.environ, "PYTHONPATH": str(project)}
        done = subprocess.run(
            [sys.executable, "-c", REPLACED_DURING_RUN],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "estimates.yaml changed"
    finally:
        estimates.write_bytes(kept)


def test_a_run_records_the_seeds_hashes_it_was_given_from_before_the_scenarios_were_loaded(tmp_path):
    """The command line takes them before it loads the scenarios, which read parameters.yaml and estimates.yaml."""
    taken = dict.fromkeys(shared_hashes(), "0" * 64)  # as if every file changed after they were taken
    (outcome,) = write_reports(
        [load_scenario("geneva-truce")], tmp_path, baseline_scenario(), workers=1, compare=False, shared=taken
    )
    recorded = json.loads((outcome.path / "manifest.json").read_text(encoding="utf-8"))["build"]["inputs"]
    assert {name: recorded[name] for name in taken} == taken
    assert check_folder(outcome.path, Options()).reason.endswith("changed")
