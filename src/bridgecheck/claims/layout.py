"""Claims about contiguity: what from_numpy accepts, and whether np.ascontiguousarray fixes it."""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import attempt, describe_exception, shares


def _non_contiguous_cases() -> dict[str, np.ndarray]:
    base = np.arange(12.0).reshape(3, 4)
    return {
        "transposed": base.T,
        "step-sliced": base[:, ::2],
        "Fortran-order": np.asfortranarray(base),
        "reversed (negative stride)": base[::-1],
    }


def _non_contiguous_needs_copy() -> Finding:
    # Isolated: odd strides are the inputs that crash other bridge entry points.
    accepted, refused, errors = [], [], []
    for name, a in _non_contiguous_cases().items():
        t, exc = attempt(lambda: torch.from_numpy(a))
        if exc is None:
            kept = tuple(s * a.itemsize for s in t.stride()) == a.strides and shares(a, t)
            accepted.append(name + ("" if kept else " (strides changed)"))
        else:
            refused.append(name)
            errors.append(describe_exception(exc))
    if not accepted:
        return Finding.decide(True, f"every non-contiguous case refused: {'; '.join(errors)}")
    if not refused:
        return Finding.decide(False, f"accepted without a copy, strides kept: {', '.join(accepted)}")
    return Finding.conditional(
        f"for {', '.join(refused)} input, which is refused ({errors[0]})",
        f"accepted zero-copy with strides kept: {', '.join(accepted)}",
    )


def _ascontiguousarray_fixes() -> Finding:
    cases = _non_contiguous_cases()
    # NumPy calls a length-1 axis contiguous whatever its stride, and keeps a negative one.
    cases["length-1 axis reversed"] = np.zeros((1, 3))[::-1]
    fixed, still_refused = [], []
    negative_survives = True
    for name, a in cases.items():
        c = np.ascontiguousarray(a)
        t, exc = attempt(lambda: torch.from_numpy(c))
        if exc is None and np.array_equal(t.numpy(), a):
            fixed.append(name)
        else:
            negative_survives &= any(s < 0 for s in c.strides)
            detail = describe_exception(exc) if exc else "wrong values"
            still_refused.append(f"{name} (strides after it {c.strides}: {detail})")
    if not still_refused:
        return Finding.decide(True, f"accepted with equal values after ascontiguousarray: {', '.join(fixed)}")
    if not fixed:
        return Finding.decide(False, f"still refused: {'; '.join(still_refused)}")
    # Name the condition from what was seen: every failure kept a negative stride.
    if negative_survives:
        condition = "if no negative stride survives ascontiguousarray"
    else:
        condition = f"for {', '.join(fixed)} input"
    return Finding.conditional(
        condition, f"still refused: {'; '.join(still_refused)}; fixed: {', '.join(fixed)}"
    )


CLAIMS = [
    Claim(
        "layout.non-contiguous-needs-copy",
        "layout",
        "torch.from_numpy needs contiguous input: a non-contiguous array (e.g. a transpose) must go through"
        " np.ascontiguousarray first.",
        _non_contiguous_needs_copy,
        isolate=True,
    ),
    Claim(
        "layout.ascontiguousarray-fixes",
        "layout",
        "After np.ascontiguousarray, any array converts with torch.from_numpy and keeps its values.",
        _ascontiguousarray_fixes,
        isolate=True,
    ),
]
