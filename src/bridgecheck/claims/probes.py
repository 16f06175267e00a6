"""Small observation helpers shared by the checks: outcomes of calls, warnings, sharing.

Checks describe what they saw in their evidence line; these helpers make those descriptions
uniform (``ValueError: At least one stride…``) and keep each check short.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from bridgecheck import memory

#: How much of an exception message the evidence keeps: enough to recognise it.
MESSAGE_START = 70


def shorten(text: str, limit: int = MESSAGE_START) -> str:
    """``text`` cut at a word boundary near ``limit``, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,;:") + "…"


def describe_exception(exc: BaseException) -> str:
    """``TypeName: start of the first line of the message``."""
    text = shorten(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def attempt(fn: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    """``(result, None)`` or ``(None, exception)``: an expected refusal is an observation."""
    try:
        return fn(), None
    except Exception as exc:  # noqa: BLE001 - the caller reports what was raised
        return None, exc


def with_warnings(fn: Callable[[], Any]) -> tuple[Any, list[warnings.WarningMessage]]:
    """Call ``fn`` recording every warning (``always``, so warn-once filters cannot hide one)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, list(caught)


def describe_warning(w: warnings.WarningMessage) -> str:
    text = shorten(str(w.message).strip().splitlines()[0])
    return f"{w.category.__name__}: {text}"


def differing_value(value: Any) -> int:
    """0 or 1, whichever differs from ``value`` for every dtype: bool, NaN, inf and -0.0 included.

    ``value + 41`` does not do: it leaves True, inf and 1e20 unchanged, and a NaN compares
    unequal to itself, so a reader comparing before with after would see a change that never
    happened. Both 0 and 1 are exact in every numeric dtype and never NaN.
    """
    return 0 if bool(value != 0) else 1


def array_write_reaches(a: np.ndarray, t: torch.Tensor) -> bool:
    """Write a new value into ``a``'s first element and report whether ``t`` sees it; restores ``a``.

    An experiment, not address arithmetic: that is what a tutorial reader would try. ``t``
    must have ``a``'s shape (its first element is the one written).
    """
    index = (0,) * a.ndim
    saved = a[index].copy()
    new = differing_value(saved)
    a[index] = new
    try:
        return bool(t.detach().reshape(-1)[0].item() == new)
    finally:
        a[index] = saved


def tensor_write_reaches(t: torch.Tensor, a: np.ndarray) -> bool:
    """Write a new value into ``t``'s first element and report whether ``a`` sees it; restores ``t``."""
    flat = t.detach().reshape(-1)
    saved = flat[0].clone()
    new = differing_value(saved)
    with torch.no_grad():
        flat[0] = new
    try:
        return bool(a.reshape(-1)[0] == new)
    finally:
        with torch.no_grad():
            flat[0] = saved


def shares(a: np.ndarray, t: torch.Tensor) -> bool:
    """Whether ``a`` and ``t`` use the same memory, by addresses *and* by a write experiment.

    The two methods of ``bridgecheck.memory`` must agree; a disagreement is a bug in the
    ledger's own instruments, so it raises (the runner turns that into an ``error`` verdict).
    """
    by_address = memory.shares_memory(a, t)
    by_write = memory.write_through(a, t)
    if by_write is not None and by_write != by_address:
        raise AssertionError(f"memory checks disagree: addresses say {by_address}, a write says {by_write}")
    return by_address
