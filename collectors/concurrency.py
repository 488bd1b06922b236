"""Fan-out for collectors: cloud SDK clients are thread-safe, so independent calls run side by side."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def parallel(fn: Callable[[Any], Any], items: Iterable[Any], workers: int = 8) -> Iterator[Any]:
    """fn over items on a thread pool, results in input order; the first failure propagates, so a
    failed listing fails its collector."""
    items = list(items)
    if len(items) <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        futures = [pool.submit(fn, item) for item in items]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
