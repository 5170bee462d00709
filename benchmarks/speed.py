"""Speed and memory figures for the engine and the CLI (printed, not asserted).

Run: python benchmarks/speed.py
Targets (issue 3): engine < 50 ms for one scenario over three years, daily, after import;
`simulate SCENARIO` with its charts < 3 s on a 2-core machine.
Targets (issue 4): `simulate` on every bundled scenario (reports, comparison, HTML, Parquet)
< 10 s; drawing our charts (building the figure and saving it) costs at most 1.3x a bare matplotlib
`savefig` of the same, already built figures to the same format (SVG since issue 15; PNG before).
Targets (issue 5): 10,000 Monte Carlo draws over three years, daily, in <= 2 s and <= 1.5 GiB
peak; time linear in draws with flat memory (1k, 10k, 100k); the engine within 5x of a bare
numpy reference that raises the same number of cells to a power.
Run `python benchmarks/speed.py draws` for the Monte Carlo figures only.
Targets (issue 12): one point projection < 5 ms of engine time; 10,000 draws < 2 s; the
estimation (`simulate fit`, three starting points) < 60 s on 2 cores. Run
`python benchmarks/speed.py fit` for the estimation figures only.
Targets (issue 15): every bundled scenario plus the comparison from scratch <= 4 s; a second run
with nothing changed <= 0.5 s; after editing one what-if <= 1.5 s; one scenario from scratch
<= 1 s; peak memory of the bundled set with --draws 10000 < 1.5 GiB. Run
`python benchmarks/speed.py builds` for these only.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

import simulator
from simulator.api import run, scenario_from_data
from simulator.model.projection import point_projection


def median_seconds(function, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    three_years = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2026-12-31"}}, "three-years"
    )
    run(three_years)  # warm caches (seed files, imports)
    days = (three_years.end - three_years.start).days + 1
    engine = median_seconds(lambda: point_projection(three_years).series)
    print(f"engine, one scenario, {days} days: median {engine * 1000:.1f} ms (target < 50 ms)")
    frames = median_seconds(lambda: point_projection(three_years).monthly)
    print(f"engine + monthly pandas frame: median {frames * 1000:.1f} ms")
    api = median_seconds(lambda: run(three_years))
    print(f"simulator.run (projection and its 2024-tariffs counterfactual): median {api * 1000:.1f} ms")
    tracemalloc.start()
    _ = run(three_years).monthly
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak Python memory of one run: {peak / 2**20:.1f} MiB")
    load = median_seconds(lambda: simulator.load_scenario("truce-expires"), repeat=5)
    print(f"load + validate a scenario with extends: median {load * 1000:.1f} ms")

    with tempfile.TemporaryDirectory() as out:
        # --force: without it every run after the first finds its folder up to date and times a no-op
        command = [sys.executable, "-m", "simulator", "documented-2025", "--out", out, "--quiet", "--force"]
        wall = median_seconds(lambda: subprocess.run(command, check=True), repeat=5)
        print(f"`simulate documented-2025` end to end with charts: median {wall:.2f} s (target < 3 s)")
        everything = [sys.executable, "-m", "simulator", "--out", out, "--quiet", "--force"]
        wall = median_seconds(lambda: subprocess.run(everything, check=True), repeat=3)
        print(
            f"`simulate` on all {len(simulator.bundled_ids())} bundled scenarios + comparison: median {wall:.2f} s "
            "(target < 10 s)"
        )
        helped = median_seconds(
            lambda: subprocess.run([sys.executable, "-m", "simulator", "--help"], check=True, capture_output=True),
            repeat=5,
        )
        print(f"`simulate --help`: median {helped:.2f} s")
    chart_overhead()
    print(f"(measured {dt.datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]})")


DRAWS_CODE = """
import resource, sys, time
from simulator.inputs.loading import scenario_from_data
from simulator.uncertainty.draws import monte_carlo
horizon = {"start": "2024-01-01", "end": "2026-12-31"}
scenario = scenario_from_data({"extends": "documented-2025", "horizon": horizon}, "three-years")
monte_carlo(scenario, 200, seed=1)  # warm imports and caches
start = time.perf_counter()
monte_carlo(scenario, int(sys.argv[1]), seed=1)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
"""


def monte_carlo_figures() -> None:
    """Draws in a fresh process each (peak memory is the process's maximum resident size)."""
    for draws in (1_000, 10_000, 100_000):
        runs = [
            subprocess.run(
                [sys.executable, "-c", DRAWS_CODE, str(draws)], check=True, capture_output=True, text=True
            ).stdout.split()
            for _ in range(3 if draws <= 10_000 else 1)
        ]
        seconds = statistics.median(float(run_[0]) for run_ in runs)
        peak = max(float(run_[1]) for run_ in runs)
        target = " (target <= 2 s, <= 1.5 GiB)" if draws == 10_000 else ""
        print(
            f"Monte Carlo, {draws:>7,} draws x 1096 days: median {seconds:.2f} s, {seconds / draws * 1e6:.0f} us/draw, "
            f"peak resident memory {peak:.2f} GiB{target}"
        )
    engine_against_numpy()


def engine_against_numpy() -> None:
    """The engine (projection of 10,000 draws in chunks of 1,000) against numpy raising as many cells to a power."""
    import numpy as np

    from simulator.model.projection import project
    from simulator.model.tariff_paths import tariff_arrays
    from simulator.uncertainty.draws import CHUNK, draw_parameters, parameter_distributions

    scenario = scenario_from_data(
        {"extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2026-12-31"}}, "three-years"
    )
    paths = tariff_arrays(scenario)
    streams = np.random.SeedSequence(1).spawn(10_000 // CHUNK)
    chunks = [draw_parameters(scenario, parameter_distributions(scenario), stream, CHUNK) for stream in streams]

    def engine() -> None:
        for parameters in chunks:
            project(paths, parameters)

    base = np.random.default_rng(2).uniform(0.5, 2.0, size=(CHUNK, len(paths.days)))
    outputs = len(project(paths, chunks[0]))

    def reference(repeat: int = 1) -> None:
        for _ in range(10_000 // CHUNK * repeat):
            np.power(base, 1.37)

    engine_time = median_seconds(engine, repeat=5)
    cells = median_seconds(reference, repeat=5)
    outputs_time = median_seconds(lambda: reference(outputs), repeat=3)
    print(
        f"engine, 10,000 draws x {len(paths.days)} days: {engine_time:.2f} s; numpy power over the same "
        f"{10_000 * len(paths.days):,} "
        f"(draw, day) cells: {cells:.3f} s, ratio {engine_time / cells:.1f}; over the {outputs} daily output series "
        f"({outputs * 10_000 * len(paths.days):,} cells): {outputs_time:.2f} s, ratio "
        f"{engine_time / outputs_time:.2f} (target <= 5)"
    )


def chart_overhead() -> None:
    """Our chart pipeline against a bare ``savefig`` of the same figures, one process, SVG each (the default
    format; PNG is written only with --formats svg,png)."""
    from pathlib import Path

    from simulator.outputs import charts
    from simulator.outputs.chart_inputs import comparison_chart_inputs, scenario_chart_inputs
    from simulator.outputs.colours import scenario_colours
    from simulator.outputs.layout import save

    results = [run(name) for name in simulator.bundled_ids()]
    documented = scenario_chart_inputs(next(result for result in results if result.scenario.id == "documented-2025"))
    several = comparison_chart_inputs(results, scenario_colours([result.scenario.id for result in results]))
    builders = [
        (lambda chart=chart: charts.draw(chart, documented))
        for chart in charts.drawable(charts.SCENARIO_CHARTS, documented)
    ]
    builders += [(lambda chart=chart: charts.draw(chart, several)) for chart in charts.COMPARISON_CHARTS.values()]
    with tempfile.TemporaryDirectory() as out:
        folder = Path(out)

        def ours() -> None:
            for index, build in enumerate(builders):
                save(build(), folder / f"ours-{index}")

        def bare(figures) -> None:
            for index, figure in enumerate(figures):
                figure.savefig(folder / f"bare-{index}.svg")

        ours()  # warm font caches
        ours_time = median_seconds(ours, repeat=5)
        bare_times = []
        for _ in range(5):
            figures = [build() for build in builders]
            start = time.perf_counter()
            bare(figures)
            bare_times.append(time.perf_counter() - start)
        bare_time = statistics.median(bare_times)
    print(
        f"{len(builders)} charts, build + save SVG: median {ours_time:.2f} s; bare savefig of the built "
        f"figures: {bare_time:.2f} s; "
        f"ratio {ours_time / bare_time:.2f} (target <= 1.3)"
    )


def estimation_figures() -> None:
    from simulator.model.estimation import Record, fit, negative_log_posterior, setup

    prepared = setup(Record.up_to())
    point = median_seconds(lambda: negative_log_posterior(prepared.prior_mean, prepared), repeat=50)
    print(f"one evaluation of the posterior (a projection of both flows, 2024-2025): median {point * 1000:.2f} ms")
    for starts in (1, 3):
        seconds = median_seconds(lambda starts=starts: fit(starts=starts), repeat=3)
        print(f"estimation with {starts} starting point(s): median {seconds:.1f} s (target < 60 s)")


def build_figures(repeat: int = 3) -> None:
    """The analyst's loop: `simulate` from scratch, with nothing changed, after one edit (medians of ``repeat``)."""
    import pathlib
    import shutil

    def timed(arguments: list[str], folder: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "simulator", *arguments, "--out", folder, "--quiet"], check=True)
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as scratch:
        root = pathlib.Path(scratch)
        what_if = root / "what-if.yaml"
        names = [*simulator.bundled_ids(), str(what_if)]
        text = "title: A what-if to edit\nextends: documented-2025\nparameters: {{pass_through: {}%}}\n"
        what_if.write_text(text.format(90), encoding="utf-8")
        scratch_runs, rerun, edited, single = [], [], [], []
        for index in range(repeat):
            out = str(root / f"out-{index}")
            scratch_runs.append(timed(names, out))
            rerun.append(timed(names, out))
            what_if.write_text(text.format(80 + index), encoding="utf-8")
            edited.append(timed(names, out))
            single.append(timed(["documented-2025"], str(root / f"single-{index}")))
            shutil.rmtree(out)
        draws = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%M",
                sys.executable,
                "-m",
                "simulator",
                *simulator.bundled_ids(),
                "--draws",
                "10000",
                "--seed",
                "1",
                "--out",
                str(root / "draws"),
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    peak = int(draws.stderr.strip().splitlines()[-1]) / 2**20
    count = len(names)
    print(
        f"`simulate`, {count} scenarios + comparison from scratch: median {statistics.median(scratch_runs):.2f} s "
        "(target <= 4 s)"
    )
    print(f"the same again, nothing changed: median {statistics.median(rerun):.2f} s (target <= 0.5 s)")
    print(f"after editing one what-if: median {statistics.median(edited):.2f} s (target <= 1.5 s)")
    print(f"one scenario from scratch: median {statistics.median(single):.2f} s (target <= 1 s)")
    print(
        f"bundled set with --draws 10000: peak resident memory of the parent {peak:.2f} GiB (target < 1.5 GiB; "
        "forked workers peak separately)"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["builds"]:
        build_figures()
    elif sys.argv[1:] == ["draws"]:
        monte_carlo_figures()
    elif sys.argv[1:] == ["fit"]:
        estimation_figures()
    else:
        main()
        monte_carlo_figures()
        estimation_figures()
