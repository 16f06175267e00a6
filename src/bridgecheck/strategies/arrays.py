"""Strategies for ndarrays in every memory layout, and for NumPy scalars.

``hypothesis.extra.numpy.arrays`` always ends in a fresh C-contiguous, writable, aligned,
owning array. The bridge's interesting behaviour lives elsewhere, so ``arrays`` here first
draws a layout kind, then a shape that suits it, then the bits of the elements, and builds the
array with ``bridgecheck.build.array`` from that recipe.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from functools import cache

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from bridgecheck import build
from bridgecheck.cases import ArrayCase, ScalarCase
from bridgecheck.strategies.dtypes import numpy_dtypes
from bridgecheck.strategies.elements import data_hex

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
ACCEPTED_LAYOUTS: tuple[str, ...] = tuple(l for l in LAYOUTS if l not in REFUSED_LAYOUTS)

#: Layouts a dtype of the kinds in ``_ODD_KINDS`` can take (object arrays must not be
#: strided by hand, strings, records and datetimes don't need every layout to be refused).
#: Long double (kind ``f``) and its complex (kind ``c``) take every layout.
_ODD_KIND_LAYOUTS = ("c-order", "fortran", "transposed", "readonly")
_ODD_KINDS = "OUSVMm"


def layouts_for(dtype: np.dtype, layouts: Collection[str]) -> list[str]:
    """The members of ``layouts`` that make sense for ``dtype``."""
    out = [l for l in layouts if dtype.kind not in _ODD_KINDS or l in _ODD_KIND_LAYOUTS]
    if dtype.itemsize == 1 or dtype.kind in "OUSV":
        out = [l for l in out if l not in ("byteswapped", "unaligned", "odd-byte-strides")]  # no order, always aligned
    if not dtype.isnative:
        out = [l for l in out if l not in ("byteswapped", "memmap", "unaligned")]
    return out


def _check_sizes(min_dims: int, max_dims: int, min_side: int, max_side: int) -> None:
    for name, value in (("min_dims", min_dims), ("max_dims", max_dims), ("min_side", min_side), ("max_side", max_side)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgument(f"{name}={value!r} must be an int")
    if not 0 <= min_dims <= max_dims <= 32:
        raise InvalidArgument(f"need 0 <= min_dims <= max_dims <= 32, got {min_dims}, {max_dims}")
    if not 0 <= min_side <= max_side:
        raise InvalidArgument(f"need 0 <= min_side <= max_side, got {min_side}, {max_side}")
    if max_side ** max_dims > 4096:
        raise InvalidArgument(
            f"max_side={max_side}, max_dims={max_dims} allow {max_side ** max_dims} elements; "
            "keep it under 4096 (reproductions print every element)"
        )


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
def _integers(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@cache
def _sampled(options: tuple) -> st.SearchStrategy:
    return st.sampled_from(options)


@cache
def _integer_lists(lo: int, hi: int, size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(lo, hi), min_size=size, max_size=size)


@cache
@st.composite
def _layout_params(draw, layout: str, shape: tuple[int, ...], itemsize: int) -> dict:
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


@st.composite
def _array_case(draw, dtypes, layouts, min_dims, max_dims, min_side, max_side) -> ArrayCase:
    # ``dtypes`` holds only dtypes that some requested layout can hold (see ``arrays``).
    dtype = draw(dtypes, label="dtype")
    usable = layouts_for(dtype, layouts)
    layout = draw(_sampled(tuple(usable)), label="layout")
    lo, hi = max(min_dims, LAYOUT_DIMS[layout][0]), min(max_dims, LAYOUT_DIMS[layout][1])
    ndim = draw(_integers(lo, hi), label="ndim")
    # Zero-size arrays about one draw in ten: enough to matter, not enough to crowd out the
    # rest. Shrinking leads away from them (towards 9), so failures shrink to non-empty.
    # memmap cannot map an empty file; NumPy flags every empty array aligned.
    empty = layout not in ("memmap", "unaligned") and min_side == 0 and ndim > 0 and draw(_integers(0, 9)) == 9
    side_lo = max(min_side, 1)
    shape = list(draw(_integer_lists(side_lo, max(side_lo, max_side), ndim)))
    if empty:
        shape[draw(_integers(0, ndim - 1))] = 0
    if layout == "size1-odd-strides" and 1 not in shape:
        shape[draw(_integers(0, ndim - 1))] = 1
    if layout == "odd-byte-strides" and max(shape, default=0) < 2:
        shape[0] = 2  # an odd stride only shows on an axis with two elements
    shape = tuple(shape)
    native = dtype.newbyteorder("=")
    params = draw(_layout_params(layout, shape, native.itemsize))
    base_shape = params.get("base_shape", shape)
    count = math.prod(base_shape)
    data = draw(data_hex(native.kind, native.name, native.itemsize, count), label="data")
    token = build.dtype_token(native)
    recipe = {"dtype": token, "shape": shape, "layout": layout, "data": data, **params}
    if not dtype.isnative:  # a non-native dtype asked for explicitly
        recipe["swapped"] = True
    return ArrayCase(build.array(**recipe), "array", recipe, layout=recipe["layout"])


def arrays(
    dtype: np.dtype | str | st.SearchStrategy[np.dtype] | None = None,
    *,
    layouts: Collection[str] | None = None,
    min_dims: int = 0,
    max_dims: int = 3,
    min_side: int = 0,
    max_side: int = 3,
) -> st.SearchStrategy[ArrayCase]:
    """Arrays as ``ArrayCase`` (``.array`` is the ndarray; ``.describe()`` says what it is).

    ``dtype``: a dtype, its name, or a strategy (default: every dtype torch accepts).
    ``layouts``: the layout kinds to draw from (default: all of ``LAYOUTS``); each is drawn
    with a shape it can take, so ``"matrix"`` is always 2-d and ``"memmap"`` never empty.
    Shapes run from ``min_dims`` to ``max_dims`` axes of ``min_side`` to ``max_side``
    elements, so 0-d and zero-size arrays come up unless excluded.
    """
    _check_sizes(min_dims, max_dims, min_side, max_side)
    if isinstance(layouts, str):
        raise InvalidArgument(f"layouts={layouts!r} is one name; pass a collection: layouts=[{layouts!r}]")
    chosen = tuple(LAYOUTS if layouts is None else layouts)
    unknown = sorted(set(chosen) - set(LAYOUTS))
    if unknown or not chosen:
        raise InvalidArgument(f"unknown or no layouts {unknown or chosen}; choose from {list(LAYOUTS)}")
    fitting = [l for l in chosen if _fits(l, min_dims, max_dims, min_side, max_side)]
    if not fitting:
        raise InvalidArgument(
            f"no layout in {list(chosen)} fits {min_dims} <= ndim <= {max_dims} with sides "
            f"{min_side}..{max_side} (size1-odd-strides needs min_side <= 1, odd-byte-strides "
            "max_side >= 2; see LAYOUT_DIMS for the dimensions each layout needs)"
        )
    if dtype is None:
        dtypes = numpy_dtypes()
    elif isinstance(dtype, st.SearchStrategy):
        dtypes = dtype  # checked per draw: only dtypes some layout in ``fitting`` can hold
    else:
        dt = _as_dtype(dtype)
        if not layouts_for(dt, fitting):
            raise InvalidArgument(
                f"dtype {dt} cannot take any of the layouts {fitting}; it can take "
                f"{layouts_for(dt, LAYOUTS)}"
            )
        dtypes = st.just(dt)
    # Only dtypes that some requested layout can hold (bool cannot be byteswapped); filtered
    # here, once, rather than per draw.
    dtypes = dtypes.filter(lambda d: layouts_for(d, fitting))
    return _array_case(dtypes, fitting, min_dims, max_dims, min_side, max_side)


def _fits(layout: str, min_dims: int, max_dims: int, min_side: int, max_side: int) -> bool:
    lo, hi = LAYOUT_DIMS[layout]
    if max(lo, min_dims) > min(hi, max_dims):
        return False
    if layout == "size1-odd-strides" and min_side > 1:
        return False  # needs an axis of length 1
    if layout == "odd-byte-strides" and max_side < 2:
        return False  # an off-grid stride only shows between two elements
    return True


def _as_dtype(dtype) -> np.dtype:
    try:
        return np.dtype(dtype)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"dtype={dtype!r} is not a NumPy dtype ({exc})") from None


@st.composite
def _scalar_case(draw, dtypes) -> ScalarCase:
    dtype = draw(dtypes)
    data = draw(data_hex(dtype.kind, dtype.name, dtype.itemsize, 1), label="data")
    recipe = {"dtype": build.dtype_token(dtype), "data": data}
    return ScalarCase(build.scalar(**recipe), "scalar", recipe)


def numpy_scalars(dtype: np.dtype | str | st.SearchStrategy[np.dtype] | None = None) -> st.SearchStrategy[ScalarCase]:
    """NumPy scalars (``np.generic`` instances such as ``np.float32(1.5)``), not 0-d arrays.

    ``dtype`` as for ``arrays``; byte order is always native (NumPy scalars have no other).
    """
    if dtype is None:
        dtypes = numpy_dtypes()
    elif isinstance(dtype, st.SearchStrategy):
        # An object array's item is the Python object itself, not an np.generic.
        dtypes = dtype.filter(lambda d: d.kind != "O")
    else:
        dt = _as_dtype(dtype)
        if dt.kind == "O":
            raise InvalidArgument(f"no NumPy scalar of dtype {dt}: an object array's items are Python objects")
        dtypes = st.just(dt)
    return _scalar_case(dtypes.map(lambda d: d.newbyteorder("=")))
