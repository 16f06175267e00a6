"""Claims about memory layout: which strides from_numpy accepts, and what ascontiguousarray does."""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import attempt, describe_exception, shares, with_warnings

TOPIC = "layout"


def _layouts() -> dict[str, np.ndarray]:
    """Everyday layouts of a 3x4 float64 array, contiguous or not, by what makes them so."""
    base = np.arange(12.0).reshape(3, 4)
    packed = np.zeros(3, dtype=[("x", "<f8"), ("flag", "u1")])  # 9-byte records
    return {
        "transposed a.T": base.T,
        "step-sliced a[:, ::2]": base[:, ::2],
        "Fortran-order": np.asfortranarray(base),
        "broadcast (stride 0)": np.broadcast_to(np.arange(4.0), (3, 4)),
        "reversed a[::-1]": base[::-1],
        "reversed columns a[:, ::-1]": base[:, ::-1],
        # C-contiguous by NumPy's flags (a length-1 axis may have any stride), yet reversed.
        "length-1 axis reversed np.zeros((1, 3))[::-1]": np.zeros((1, 3))[::-1],
        "record field (stride 9 bytes)": packed["x"],
    }


def _contiguity(a: np.ndarray) -> str:
    if a.flags.c_contiguous:
        return "C-contiguous"
    return "F-contiguous" if a.flags.f_contiguous else "non-contiguous"


def _numpy_arrays_contiguous() -> Finding:
    fresh = {
        "np.array(list)": np.array([[1.0, 2.0], [3.0, 4.0]]),
        "np.zeros": np.zeros((3, 4)),
        "np.arange(12).reshape(3, 4)": np.arange(12).reshape(3, 4),
    }
    # A block of memory in either order counts as contiguous; only gaps or overlaps do not.
    def one_block(a: np.ndarray) -> bool:
        return a.flags.c_contiguous or a.flags.f_contiguous

    scattered = [f"{name} (strides {a.strides})" for name, a in _layouts().items() if not one_block(a)]
    fresh_ok = all(one_block(a) for a in fresh.values())
    evidence = (
        f"new arrays contiguous: {', '.join(fresh)}: {fresh_ok};"
        f" views that are not: {', '.join(scattered) or 'none'}"
    )
    if fresh_ok and scattered:
        return Finding.conditional(
            "for newly allocated arrays, not for views made by slicing or broadcasting", evidence
        )
    return Finding.decide(fresh_ok, evidence)


def _odd_strides(a: np.ndarray) -> bool:
    """A negative stride, or one that is not a whole number of elements."""
    return any(s < 0 or s % a.itemsize for s in a.strides)


def _non_contiguous_needs_copy() -> Finding:
    # Isolated: odd strides are the inputs that crash other bridge entry points.
    accepted, rule_kept = [], True
    refused: dict[str, list[str]] = {}  # exception -> the layouts refused with it
    for name, a in _layouts().items():
        (t, exc), _ = with_warnings(lambda: attempt(lambda: torch.from_numpy(a)))  # noqa: B023 - called at once
        rule_kept &= (exc is not None) == _odd_strides(a)
        if exc is None:
            kept = tuple(s * a.itemsize for s in t.stride()) == a.strides and shares(a, t)
            accepted.append((name, a, "" if kept else " (strides changed)"))
        else:
            refused.setdefault(describe_exception(exc), []).append(f"{name} [{_contiguity(a)}]")
    criterion = (
        "criterion seen: the strides, not contiguity: refused exactly the layouts with a negative stride"
        " or a stride that is not a whole number of elements"
        if rule_kept
        else "refusals do not follow the stride rule (negative or not a whole number of elements)"
    )
    took = ", ".join(f"{name} [{_contiguity(a)}]{note}" for name, a, note in accepted)
    refusals = "; ".join(f"{', '.join(names)} ({exc})" for exc, names in refused.items())
    evidence = (
        f"{criterion}; accepted zero-copy, strides kept: {took or 'none'}; refused: {refusals or 'none'}"
    )
    # The claim: non-contiguity forces a copy. A non-contiguous layout taken as it is refutes it.
    return Finding.decide(not any(not a.flags.c_contiguous for _, a, _ in accepted), evidence)


def _ascontiguousarray_fixes() -> Finding:
    fixed, failed, outside = [], [], []
    for name, a in _layouts().items():
        if a.flags.c_contiguous:
            outside.append(name)  # the claim is about non-contiguous arrays
            continue
        c = np.ascontiguousarray(a)
        t, exc = attempt(lambda: torch.from_numpy(c))  # noqa: B023 - called at once
        if exc is None and t.tolist() == a.tolist():
            fixed.append((name, shares(a, t)))
        else:
            failed.append(f"{name} ({describe_exception(exc) if exc else 'values differ'})")
    names = ", ".join(name for name, _ in fixed)
    still_shared = [name for name, shared in fixed if shared]
    evidence = (
        f"converted with equal values after it: {names or 'none'}; failed: {', '.join(failed) or 'none'};"
        " it copied every fixed one (tensor shares memory with the original array:"
        f" {', '.join(still_shared) or 'none'}), so the sharing from_numpy offers is lost;"
        f" C-contiguous, outside the claim: {', '.join(outside) or 'none'}"
    )
    return Finding.decide(bool(fixed) and not failed, evidence)


CLAIMS = [
    Claim(
        "layout.numpy-arrays-contiguous",
        TOPIC,
        "NumPy arrays are stored in one contiguous block of memory.",
        _numpy_arrays_contiguous,
    ),
    Claim(
        "layout.non-contiguous-needs-copy",
        TOPIC,
        "torch.from_numpy needs contiguous input: a non-contiguous array (e.g. a transpose) must go through"
        " np.ascontiguousarray first.",
        _non_contiguous_needs_copy,
        isolate=True,
    ),
    Claim(
        "layout.ascontiguousarray-fixes",
        TOPIC,
        "A non-contiguous array converts with torch.from_numpy once passed through np.ascontiguousarray,"
        " keeping its values.",
        _ascontiguousarray_fixes,
        isolate=True,
    ),
]
