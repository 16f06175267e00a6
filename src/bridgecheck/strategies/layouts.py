"""Memory layout kinds of the array strategy: which shapes and dtypes each can take, and the
layout-specific recipe arguments (``base_shape``, ``axes``, ``strides``...) drawn for one."""

from __future__ import annotations

import math
from collections.abc import Collection
from functools import cache

import numpy as np
from hypothesis import strategies as st

__all__ = ["ACCEPTED_LAYOUTS", "LAYOUTS", "LAYOUT_DIMS", "REFUSED_LAYOUTS", "layouts_for"]

#: Every layout kind ``arrays`` can draw, with the range of ``ndim`` it needs. The bridge
#: refuses three of them by contract: negative-step, byteswapped and odd-byte-strides
#: (``REFUSED_LAYOUTS``); ``ACCEPTED_LAYOUTS`` are the rest.
LAYOUT_DIMS: dict[str, tuple[int, int]] = {
    "c-order": (0, 32),
    "fortran": (0, 32),
    "transposed": (2, 32),        # a non-identity permutation of the axes
    "stepped": (1, 32),           # slices with positive steps (holes between elements)
    "negative-step": (1, 32),     # at least one axis sliced with a negative step
    "offset": (0, 32),            # a view starting k elements into its base
    "broadcast": (1, 32),         # np.broadcast_to: stride 0, read-only
    "as-strided": (1, 32),        # as_strided window: overlapping or stride-0, writable
    "size1-odd-strides": (1, 32), # size-1 axes with arbitrary (large) strides
    "readonly": (0, 32),          # writeable flag cleared
    "byteswapped": (0, 32),       # non-native byte order
    "unaligned": (0, 32),         # data pointer one byte into a buffer
    "matrix": (2, 2),             # np.matrix subclass
    "masked": (0, 32),            # np.ma.MaskedArray subclass
    "memmap": (1, 32),            # np.memmap on a temporary file (modes r+, r, c)
    "odd-byte-strides": (1, 32),  # a stride that is not a multiple of the item size
}
LAYOUTS: tuple[str, ...] = tuple(LAYOUT_DIMS)
REFUSED_LAYOUTS: tuple[str, ...] = ("negative-step", "byteswapped", "odd-byte-strides")
ACCEPTED_LAYOUTS: tuple[str, ...] = tuple(lay for lay in LAYOUTS if lay not in REFUSED_LAYOUTS)

#: Layouts a dtype of the kinds in ``_ODD_KINDS`` can take (object arrays must not be
#: strided by hand, strings, records and datetimes don't need every layout to be refused).
#: Long double (kind ``f``) and its complex (kind ``c``) take every layout.
_ODD_KIND_LAYOUTS = ("c-order", "fortran", "transposed", "readonly")
_ODD_KINDS = "OUSVMm"


def layouts_for(dtype: np.dtype, layouts: Collection[str]) -> list[str]:
    """The members of ``layouts`` that make sense for ``dtype``."""
    out = [lay for lay in layouts if dtype.kind not in _ODD_KINDS or lay in _ODD_KIND_LAYOUTS]
    if dtype.itemsize == 1 or dtype.kind in "OUSV":
        # no byte order, always aligned
        out = [lay for lay in out if lay not in ("byteswapped", "unaligned", "odd-byte-strides")]
    if not dtype.isnative:
        out = [lay for lay in out if lay not in ("byteswapped", "memmap", "unaligned")]
    return out


def _overlapping(shape: tuple[int, ...], steps: list[int]) -> bool:
    """Whether two elements of ``shape`` with element ``steps`` land on the same item."""
    if 0 in shape:
        return False
    offsets = np.zeros((), dtype=np.int64)
    for n, s in zip(shape, steps):
        offsets = np.add.outer(offsets, np.arange(n, dtype=np.int64) * s)
    return np.unique(offsets).size < offsets.size


def _c_strides(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


# Strategies drawn inside the composites below, built once per distinct argument instead of
# once per example (building one is costlier than drawing from it; the draws are the same).
@cache
def integers(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@cache
def sampled(options: tuple) -> st.SearchStrategy:
    return st.sampled_from(options)


@cache
def integer_lists(lo: int, hi: int, size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(lo, hi), min_size=size, max_size=size)


@cache
@st.composite
def layout_params(draw, layout: str, shape: tuple[int, ...], itemsize: int) -> dict:
    """Layout-specific recipe arguments, including ``base_shape`` (what ``data`` fills)."""
    ndim = len(shape)
    if layout == "transposed":
        # Output axis i is base axis axes[i]. Moving only length-1 axes leaves the memory in C
        # order, so where two axes are longer than 1 the permutation must reorder those two.
        longer = [i for i, n in enumerate(shape) if n > 1]
        axes = draw(
            st.permutations(range(ndim)).filter(
                lambda p: list(p) != sorted(p)
                and (len(longer) < 2 or [p[i] for i in longer] != sorted(p[i] for i in longer))
            )
        )
        base = [0] * ndim
        for i, a in enumerate(axes):
            base[a] = shape[i]
        return {"base_shape": tuple(base), "axes": tuple(axes)}
    if layout in ("stepped", "negative-step"):
        magnitudes = draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim))
        if layout == "negative-step":
            signs = draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim).filter(any))
        else:
            signs = [False] * ndim
            # Holes need a step of 2 or more on an axis that has two elements to hold apart.
            longer = [i for i, n in enumerate(shape) if n > 1] or list(range(ndim))
            if all(magnitudes[i] == 1 for i in longer):
                magnitudes[draw(st.sampled_from(longer))] = draw(st.integers(2, 3))
        base, starts, steps = [], [], []
        for n, m, negative in zip(shape, magnitudes, signs):
            slack = draw(st.integers(0, 2))
            side = max(n - 1, 0) * m + 1 + slack
            lead = draw(st.integers(0, slack))
            base.append(side)
            steps.append(-m if negative else m)
            starts.append(side - 1 - lead if negative else lead)
        return {"base_shape": tuple(base), "starts": tuple(starts), "steps": tuple(steps)}
    if layout == "offset":
        k = draw(st.integers(1, 4))
        return {"base_shape": (math.prod(shape) + k + draw(st.integers(0, 2)),), "offset": k}
    if layout == "broadcast":
        # Keep each axis or shrink it to 1, shrinking at least one axis longer than 1.
        keep = draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim))
        if all(keep[i] or shape[i] <= 1 for i in range(ndim)):
            longer = [i for i in range(ndim) if shape[i] > 1]
            if longer:
                keep[draw(st.sampled_from(longer))] = False
        return {"base_shape": tuple(n if k else 1 for n, k in zip(shape, keep))}
    if layout == "as-strided":
        steps = draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim))
        longer = [i for i, n in enumerate(shape) if n > 1]
        if longer and not _overlapping(shape, steps):
            # The point of this layout: elements that share memory. Give a long axis stride 0,
            # or two long axes the same stride ((1, 0) and (0, 1) then meet).
            if len(longer) >= 2 and draw(st.booleans()):
                i, j = draw(st.permutations(longer))[:2]
                steps[i] = steps[j] = max(steps[j], 1)
            else:
                steps[draw(st.sampled_from(longer))] = 0
        span = 1 + sum(max(n - 1, 0) * s for n, s in zip(shape, steps))
        return {"base_shape": (span,), "strides": tuple(s * itemsize for s in steps)}
    if layout == "size1-odd-strides":
        strides = list(_c_strides(shape, itemsize))
        for i, n in enumerate(shape):
            if n == 1:  # any stride but the C one, which would make nothing odd
                odd = [k for k in (0, 3, 7, 1000, 2**20 + 1) if k * itemsize != strides[i]]
                strides[i] = itemsize * draw(st.sampled_from(odd))
        return {"base_shape": (max(math.prod(shape), 1),), "strides": tuple(strides)}
    if layout == "odd-byte-strides":
        # One axis of length > 1 gets a byte stride off the item grid; the rest are C strides.
        strides = list(_c_strides(shape, itemsize))
        axis = draw(st.sampled_from([i for i, n in enumerate(shape) if n > 1] or [0]))
        strides[axis] = itemsize * draw(st.integers(0, 2)) + draw(st.integers(1, itemsize - 1))
        span = 1 + sum(max(n - 1, 0) * s for n, s in zip(shape, strides)) + itemsize
        return {"base_shape": (-(-span // itemsize),), "strides": tuple(strides)}
    if layout == "masked":
        bits = draw(st.lists(st.booleans(), min_size=math.prod(shape), max_size=math.prod(shape)))
        return {"mask": "".join("1" if b else "0" for b in bits)}
    if layout == "memmap":
        return {"mode": draw(st.sampled_from(["r+", "r", "c"]))}
    return {}


def fits_sizes(layout: str, min_dims: int, max_dims: int, min_side: int, max_side: int) -> bool:
    lo, hi = LAYOUT_DIMS[layout]
    if max(lo, min_dims) > min(hi, max_dims):
        return False
    if layout == "size1-odd-strides" and min_side > 1:
        return False  # needs an axis of length 1
    # an off-grid stride only shows between two elements
    return not (layout == "odd-byte-strides" and max_side < 2)


def shape_fits(layout: str, shape: tuple[int, ...]) -> bool:
    """Whether ``layout`` can take exactly ``shape`` (a ``shape=`` argument is never changed)."""
    lo, hi = LAYOUT_DIMS[layout]
    if not lo <= len(shape) <= hi:
        return False
    if layout in ("memmap", "unaligned") and 0 in shape:
        return False
    if layout == "size1-odd-strides":
        return 1 in shape
    if layout == "odd-byte-strides":
        return max(shape, default=0) >= 2
    return True
