"""Speed and memory figures for the engine and the CLI (printed, not asserted).

Run: python benchmarks/speed.py
Targets (issue 3): engine < 50 ms for one scenario over three years, daily, after import;
`simulate SCENARIO` with its charts < 3 s on a 2-core machine.
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
from simulator.loading import scenario_from_data
from simulator.projection import run


def median_seconds(function, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    three_years = scenario_from_data({"extends": "documented-2025", "horizon": {"start": "2024-01-01", "end": "2026-12-31"}}, "three-years")
    run(three_years)  # warm caches (seed files, imports)
    days = (three_years.end - three_years.start).days + 1
    engine = median_seconds(lambda: run(three_years).series)
    print(f"engine, one scenario, {days} days: median {engine * 1000:.1f} ms (target < 50 ms)")
    frames = median_seconds(lambda: run(three_years).monthly)
    print(f"engine + monthly pandas frame: median {frames * 1000:.1f} ms")
    tracemalloc.start()
    _ = run(three_years).monthly
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak Python memory of one run: {peak / 2**20:.1f} MiB")
    load = median_seconds(lambda: simulator.load_scenario("truce-expires"), repeat=5)
    print(f"load + validate a scenario with extends: median {load * 1000:.1f} ms")

    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "simulator", "documented-2025", "--out", out, "--quiet"]
        wall = median_seconds(lambda: subprocess.run(command, check=True), repeat=5)
        print(f"`simulate documented-2025` end to end with charts: median {wall:.2f} s (target < 3 s)")
        helped = median_seconds(lambda: subprocess.run([sys.executable, "-m", "simulator", "--help"], check=True, capture_output=True), repeat=5)
        print(f"`simulate --help`: median {helped:.2f} s")
    print(f"(measured {dt.datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
