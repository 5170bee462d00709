"""Where parallel work runs: forked workers for the report, process pools and dask clusters for sweeps.

:func:`fork_map` runs a function over items on forked worker processes, falling back to a
plain loop. Forked workers inherit the parent's memory, so the items (results, figures' data)
are never pickled: only their index travels to the worker, and only the function's return
value back.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def fork_map(function: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None) -> Iterator[Any]:
    """``function(item)`` for each item, in order; on up to ``workers`` forked processes."""
    yield from (result for _, result in _forked(function, items, workers, ordered=True))


def fork_map_unordered(
    function: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None
) -> Iterator[tuple[int, Any]]:
    """``(index, function(item))`` for each item as soon as it is done (not in order); on up to ``workers`` forked
    processes. A long item does not hold back the report of shorter ones started after it."""
    yield from _forked(function, items, workers, ordered=False)


def _forked(
    function: Callable[[Any], Any], items: Sequence[Any], workers: int | None, ordered: bool
) -> Iterator[tuple[int, Any]]:
    """``(index, function(item))`` from forked workers (a plain loop where one worker, or no fork, is available)."""
    global _WORK
    workers = min(len(items), workers or os.cpu_count() or 1)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from ((index, function(item)) for index, item in enumerate(items))
        return
    _WORK = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_signals) as pool:
            take = pool.imap if ordered else pool.imap_unordered
            yield from take(_call_indexed, range(len(items)))
    finally:
        _WORK = None


def _quiet_signals() -> None:
    """Workers leave Ctrl-C to the parent, which cleans up, and die at once when it terminates them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call_indexed(index: int) -> tuple[int, Any]:
    function, items = _WORK  # type: ignore[misc]
    return index, function(items[index])


def local_pool(tasks: int) -> Executor:
    """A process pool on this machine's cores (forked where the platform allows), at most one worker per task."""
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=max(1, min(tasks, os.cpu_count() or 1)), mp_context=context)


def cluster_executor(address: str) -> tuple[Executor, Any]:
    """An executor on the dask.distributed scheduler at ``address`` (e.g. tcp://10.0.0.5:8786), and its client."""
    try:
        from distributed import Client  # an optional extra: imported only when a cluster is asked for
    except ImportError:
        raise RuntimeError("--scheduler needs dask.distributed: pip install -e '.[distributed]'") from None
    client = Client(address, timeout="10s")
    return client.get_executor(), client
