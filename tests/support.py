"""Helpers for the library's own tests: draw many examples of a strategy, reproducibly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

T = TypeVar("T")


def draw_many(strategy: st.SearchStrategy[T], n: int) -> list[T]:
    """``n`` examples of ``strategy``, the same ones on every run (derandomized, no database).

    Only the generate phase runs, so what comes back is what Hypothesis draws, not shrunk or
    replayed examples; the test then counts and checks them all at once.
    """
    seen: list[T] = []

    @settings(
        derandomize=True,
        database=None,
        max_examples=n,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: T) -> None:
        seen.append(value)

    collect()
    return seen


def count(values: Iterable[Any], key: Callable[[Any], Any]) -> Counter:
    return Counter(key(v) for v in values)


def assert_reaches(counts: Counter, wanted: Iterable[Any], *, at_least: int = 1, what: str = "") -> None:
    """Every member of ``wanted`` was seen ``at_least`` times; the message gives all counts."""
    short = {w: counts.get(w, 0) for w in wanted if counts.get(w, 0) < at_least}
    assert not short, f"{what}: reached fewer than {at_least} times: {short}; all counts {dict(counts)}"
