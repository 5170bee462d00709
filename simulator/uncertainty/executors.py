"""Where parallel work runs: forked workers for the report, threads for Monte Carlo, process pools and dask clusters
for sweeps.

:func:`fork_map` runs a function over items on forked worker processes, falling back to a
plain loop. Forked workers inherit the parent's memory, so the items (results, figures' data)
are never pickled: only their index travels to the worker, and only the function's return
value back.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


POLL_SECONDS = 0.1
"""How often a parent waiting on forked workers calls its ``waiting`` function [s]."""


def fork_map(function: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None) -> Iterator[Any]:
    """``function(item)`` for each item, in order; on up to ``workers`` forked processes."""
    yield from (result for _, result in _forked(function, items, workers, ordered=True))


def fork_map_unordered(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    workers: int | None = None,
    waiting: Callable[[], None] | None = None,
) -> Iterator[tuple[int, Any]]:
    """``(index, function(item))`` for each item as soon as it is done (not in order); on up to ``workers`` forked
    processes. A long item does not hold back the report of shorter ones started after it. ``waiting`` is called
    every :data:`POLL_SECONDS` while the workers are busy (e.g. to show what a :class:`SharedCount` counted)."""
    yield from _forked(function, items, workers, ordered=False, waiting=waiting)


class SharedCount:
    """A count that forked workers add to and their parent reads (in shared memory); a plain count without fork."""

    def __init__(self) -> None:
        forked = "fork" in multiprocessing.get_all_start_methods()
        self._shared = multiprocessing.get_context("fork").Value("q", 0) if forked else None
        self._plain = 0

    def add(self, amount: int = 1) -> None:
        if self._shared is None:
            self._plain += amount
            return
        with self._shared.get_lock():
            self._shared.value += amount

    @property
    def value(self) -> int:
        return self._plain if self._shared is None else int(self._shared.value)


def _forked(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    workers: int | None,
    ordered: bool,
    waiting: Callable[[], None] | None = None,
) -> Iterator[tuple[int, Any]]:
    """``(index, function(item))`` from forked workers (a plain loop where one worker, or no fork, is available)."""
    global _WORK
    workers = min(len(items), workers or os.cpu_count() or 1)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from ((index, function(item)) for index, item in enumerate(items))
        return
    _WORK = (function, items)
    try:
        deferred = _defer_signals()
        try:
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_signals)
        except BaseException:
            _replay_signals(deferred)
            raise
        with pool:
            # a signal that came while forking is raised here, where leaving the block still closes the pool
            _replay_signals(deferred)
            results = (pool.imap if ordered else pool.imap_unordered)(_call_indexed, range(len(items)))
            while True:
                try:
                    yield results.next(timeout=POLL_SECONDS if waiting is not None else None)
                except multiprocessing.TimeoutError:
                    waiting()  # type: ignore[misc]
                except StopIteration:
                    return
    finally:
        _WORK = None


HELD = (signal.SIGINT, signal.SIGTERM)
"""Signals held back while the parent forks its workers: raised in the middle of a fork, the parent's
KeyboardInterrupt broke the handlers Python runs after it, printed their traceback, and could leave forked workers
no pool would end."""

Deferred = tuple[dict[int, Any], list[int]]
"""The handlers a deferral replaced, by signal, and the signals that arrived meanwhile."""


def _defer_signals() -> Deferred:
    """Handlers that only note :data:`HELD` signals until :func:`_replay_signals`. Python runs every handler in the
    main thread, so this holds whatever thread the signal reached (a mask would hold only its own); elsewhere than
    the main thread, where handlers cannot be set, nothing is deferred."""
    arrived: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        return {}, arrived
    previous = {number: signal.getsignal(number) for number in HELD}
    parent = os.getpid()

    def defer(number: int, frame: Any) -> None:
        if os.getpid() != parent:  # a worker not yet past its initializer, terminated: it dies as it would have
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        arrived.append(number)

    for number in HELD:
        signal.signal(number, defer)
    return previous, arrived


def _replay_signals(deferred: Deferred) -> None:
    """The handlers back, then each signal that arrived meanwhile raised again, so that it acts as it would have."""
    previous, arrived = deferred
    for number, handler in previous.items():
        signal.signal(number, handler if handler is not None else signal.SIG_DFL)
    for number in dict.fromkeys(arrived):
        signal.raise_signal(number)


def _quiet_signals() -> None:
    """Workers leave Ctrl-C to the parent, which cleans up, and die at once when it terminates them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call_indexed(index: int) -> tuple[int, Any]:
    function, items = _WORK  # type: ignore[misc]
    return index, function(items[index])


def thread_map(function: Callable[[Any], Any], items: Iterable[Any], workers: int | None = None) -> Iterator[Any]:
    """``function(item)`` for each item, in order, on up to ``workers`` threads (by default one per core).

    For numpy work, which runs without Python's global lock. Items are taken from ``items`` only as results are
    taken (two per thread ahead at most), so a long run holds a bounded number of results in memory.
    """
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        yield from map(function, items)
        return
    source = iter(items)
    with ThreadPoolExecutor(workers) as pool:
        pending = collections.deque(pool.submit(function, item) for item in itertools.islice(source, 2 * workers))
        while pending:
            result = pending.popleft().result()
            pending.extend(pool.submit(function, item) for item in itertools.islice(source, 1))
            yield result


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
