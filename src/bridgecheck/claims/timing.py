"""Robust relative timing for speed claims: ratios of medians, judged against wide margins.

A speed claim is never a timed test (no absolute thresholds, no single runs): both callables
are timed in alternating repeats, each repeat a batch of calls long enough to dwarf timer
resolution, and the *ratio of the medians* is compared with a margin far from 1 (the claims
use 2x to 10x where the real ratio is usually 4x to 10000x), so noise cannot flip a verdict.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """Median seconds per call of a ``slow`` and a ``fast`` candidate, and their ratio."""

    slow_s: float
    fast_s: float
    repeats: int

    @property
    def ratio(self) -> float:
        """How many times faster ``fast`` is (``inf`` if it is too fast to measure)."""
        return self.slow_s / self.fast_s if self.fast_s > 0 else float("inf")

    def describe(self, slow_name: str, fast_name: str) -> str:
        return (
            f"median {fast_name} {_fmt(self.fast_s)} vs {slow_name} {_fmt(self.slow_s)}"
            f" per call over {self.repeats} repeats: ratio {self.ratio:.1f}x"
        )


def _fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def compare(
    slow: Callable[[], object],
    fast: Callable[[], object],
    *,
    repeats: int = 15,
    slow_calls: int = 1,
    fast_calls: int = 1,
    sync: Callable[[], object] | None = None,
) -> Comparison:
    """Median per-call time of each candidate over ``repeats`` alternating batches.

    Alternating (slow, fast, slow, fast, …) spreads machine load evenly over both. One
    untimed warm-up call each absorbs first-call costs (lazy init, allocator growth).
    ``sync`` (e.g. ``torch.cuda.synchronize``) runs inside each timed batch so asynchronous
    work is counted.
    """

    def timed(fn: Callable[[], object], calls: int) -> float:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if sync is not None:
            sync()
        return (time.perf_counter() - start) / calls

    timed(slow, 1)
    timed(fast, 1)
    slow_times, fast_times = [], []
    for _ in range(repeats):
        slow_times.append(timed(slow, slow_calls))
        fast_times.append(timed(fast, fast_calls))
    return Comparison(statistics.median(slow_times), statistics.median(fast_times), repeats)
