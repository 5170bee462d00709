"""Run a function over items on forked worker processes, falling back to a plain loop.

Forked workers inherit the parent's memory, so the items (results, figures' data) are never
pickled: only their index travels to the worker, and only the function's return value back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def fork_map(function: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None) -> Iterator[Any]:
    """``function(item)`` for each item, in order; on up to ``workers`` forked processes."""
    global _WORK
    workers = min(len(items), workers or os.cpu_count() or 1)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (function(item) for item in items)
        return
    _WORK = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_signals) as pool:
            yield from pool.imap(_call, range(len(items)))
    finally:
        _WORK = None


def _quiet_signals() -> None:
    """Workers leave Ctrl-C to the parent, which cleans up, and die at once when it terminates them."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call(index: int) -> Any:
    function, items = _WORK  # type: ignore[misc]
    return function(items[index])
