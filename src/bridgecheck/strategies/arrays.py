"""Strategies for ndarrays in every memory layout, and for NumPy scalars.

``hypothesis.extra.numpy.arrays`` always ends in a fresh C-contiguous, writable, aligned,
owning array. The bridge's interesting behaviour lives elsewhere, so ``arrays`` here first
draws a layout kind, then a shape that suits it, then the bits of the elements, and builds the
array with ``bridgecheck.build.array`` from that recipe.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from bridgecheck import build
from bridgecheck.cases import ArrayCase, ScalarCase
from bridgecheck.strategies.dtypes import numpy_dtypes
from bridgecheck.strategies.elements import data_hex
from bridgecheck.strategies.layouts import (
    ACCEPTED_LAYOUTS,
    LAYOUT_DIMS,
    LAYOUTS,
    REFUSED_LAYOUTS,
    fits_sizes,
    integer_lists,
    integers,
    layout_params,
    layouts_for,
    sampled,
    shape_fits,
)
from bridgecheck.strategies.sizes import (
    Called,
    check_count,
    check_int,
    draw_data,
    drawn_shape,
    no_sizes_with_shape,
    shape_argument,
    unrepresentable,
)

__all__ = ["ACCEPTED_LAYOUTS", "LAYOUTS", "LAYOUT_DIMS", "REFUSED_LAYOUTS", "arrays", "layouts_for",
           "numpy_scalars", "plain_arrays", "plain_numpy_scalars"]

def _check_sizes(min_dims: int, max_dims: int, min_side: int, max_side: int) -> None:
    for name, value in (("min_dims", min_dims), ("max_dims", max_dims), ("min_side", min_side), ("max_side", max_side)):
        check_int(name, value)
    if not 0 <= min_dims <= max_dims <= 32:
        raise InvalidArgument(f"need 0 <= min_dims <= max_dims <= 32, got {min_dims}, {max_dims}")
    if not 0 <= min_side <= max_side:
        raise InvalidArgument(f"need 0 <= min_side <= max_side, got {min_side}, {max_side}")
    check_count(f"max_side={max_side}, max_dims={max_dims}", max_side**max_dims)


def _sized_shape(draw, layout: str, sizes: tuple[int, int, int, int]) -> tuple[int, ...]:
    """A shape for ``layout`` within ``(min_dims, max_dims, min_side, max_side)``."""
    min_dims, max_dims, min_side, max_side = sizes
    lo, hi = max(min_dims, LAYOUT_DIMS[layout][0]), min(max_dims, LAYOUT_DIMS[layout][1])
    ndim = draw(integers(lo, hi), label="ndim")
    # Zero-size arrays about one draw in ten: enough to matter, not enough to crowd out the
    # rest. Shrinking leads away from them (towards 9), so failures shrink to non-empty.
    # memmap cannot map an empty file; NumPy flags every empty array aligned.
    empty = layout not in ("memmap", "unaligned") and min_side == 0 and ndim > 0 and draw(integers(0, 9)) == 9
    side_lo = max(min_side, 1)
    shape = list(draw(integer_lists(side_lo, max(side_lo, max_side), ndim)))
    if empty:
        shape[draw(integers(0, ndim - 1))] = 0
    if layout == "size1-odd-strides" and 1 not in shape:
        shape[draw(integers(0, ndim - 1))] = 1
    if layout == "odd-byte-strides" and max(shape, default=0) < 2:
        shape[0] = 2  # an odd stride only shows on an axis with two elements
    return tuple(shape)


def _numpy_hex(dtype: np.dtype) -> Callable[[list], str]:
    """``elements=`` values to the hex ``data`` of ``dtype`` (object arrays hold float64 bits)."""
    target = np.dtype("float64") if dtype.kind == "O" else dtype

    def to_hex(values: list) -> str:
        try:
            out = np.array(values, dtype=target)
        except (TypeError, ValueError, OverflowError) as exc:
            raise InvalidArgument(f"elements drew values {dtype} cannot hold ({exc})") from None
        unrepresentable(values, out.tolist(), dtype)
        return out.tobytes().hex()

    return to_hex


@st.composite
def _array_case(draw, dtypes, layouts, sizes, shape, elements) -> ArrayCase:
    # ``dtypes`` holds only dtypes that some requested layout can hold (see ``arrays``).
    dtype = draw(dtypes, label="dtype")
    usable = layouts_for(dtype, layouts)
    if shape is None:
        layout = draw(sampled(tuple(usable)), label="layout")
        shape = _sized_shape(draw, layout, sizes)
    else:
        shape = drawn_shape(draw, shape, 32)
        usable = [lay for lay in usable if shape_fits(lay, shape)]
        if not usable:
            reject()  # a drawn shape no requested layout of this dtype can take
        layout = draw(sampled(tuple(usable)), label="layout")
    native = dtype.newbyteorder("=")
    params = draw(layout_params(layout, shape, native.itemsize))
    count = math.prod(params.get("base_shape", shape))
    to_hex = _numpy_hex(native) if elements is not None else None
    data, repeat = draw_data(draw, native.kind, native.name, native.itemsize, count, elements, to_hex)
    recipe = {"dtype": build.dtype_token(native), "shape": shape, "layout": layout, "data": data, **params}
    if not dtype.isnative:  # a non-native dtype asked for explicitly
        recipe["swapped"] = True
    if repeat:
        recipe["repeat"] = True
    return ArrayCase(build.array(**recipe), "array", recipe, layout=recipe["layout"])


def arrays(
    dtype: np.dtype | str | st.SearchStrategy[np.dtype] | None = None,
    shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    *,
    layouts: Collection[str] | None = None,
    elements: st.SearchStrategy[Any] | None = None,
    min_dims: int | None = None,
    max_dims: int | None = None,
    min_side: int | None = None,
    max_side: int | None = None,
) -> st.SearchStrategy[ArrayCase]:
    """Arrays as ``ArrayCase`` (``.array`` is the ndarray; ``.describe()`` says what it is;
    its repr rebuilds it); ``plain_arrays`` draws the ndarrays themselves.

    ``dtype``: a dtype, its name, or a strategy (default: every dtype torch accepts).
    ``shape``: as in ``hypothesis.extra.numpy.arrays``, an int, a tuple, or a strategy of
    tuples (``hypothesis.extra.numpy.array_shapes(...)``); each array then has exactly that
    shape, in a layout that can take it. Without it, shapes run from ``min_dims`` (0) to
    ``max_dims`` (3) axes of ``min_side`` (0) to ``max_side`` (3) elements, so 0-d and
    zero-size arrays come up unless excluded. Up to ``MAX_ELEMENTS`` elements; above
    ``REPEAT_ABOVE`` a drawn pattern of elements repeats.
    ``layouts``: the layout kinds to draw from (default: all of ``LAYOUTS``); each is drawn
    with a shape it can take, so ``"matrix"`` is always 2-d and ``"memmap"`` never empty.
    ``elements``: a strategy of values for the elements, as in hypothesis.extra.numpy
    (default: raw bit patterns, with signed zeros, NaN payloads, subnormals and extremes
    over-represented); a value the dtype cannot hold exactly raises ``InvalidArgument``, and
    odd-byte-strides (whose elements straddle the drawn ones) is left out.
    """
    arguments = dict(dtype=dtype, shape=shape, layouts=layouts, elements=elements, min_dims=min_dims,
                     max_dims=max_dims, min_side=min_side, max_side=max_side)
    no_sizes_with_shape(shape, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)
    sizes = (0 if min_dims is None else min_dims, 3 if max_dims is None else max_dims,
             0 if min_side is None else min_side, 3 if max_side is None else max_side)
    _check_sizes(*sizes)
    if shape is not None:
        shape = shape_argument(shape, 32)
    if elements is not None and not isinstance(elements, st.SearchStrategy):
        raise InvalidArgument(f"elements={elements!r} must be a strategy of values, e.g. st.floats(-1, 1)")
    if isinstance(layouts, str):
        raise InvalidArgument(f"layouts={layouts!r} is one name; pass a collection: layouts=[{layouts!r}]")
    chosen = tuple(LAYOUTS if layouts is None else layouts)
    unknown = sorted(set(chosen) - set(LAYOUTS))
    if unknown or not chosen:
        raise InvalidArgument(f"unknown or no layouts {unknown or chosen}; choose from {list(LAYOUTS)}")
    if elements is not None and "odd-byte-strides" in chosen:
        if layouts is not None:
            raise InvalidArgument("layout odd-byte-strides reads its elements at byte offsets between the "
                                  "drawn ones, so it cannot take elements=; leave it out of layouts")
        chosen = tuple(lay for lay in chosen if lay != "odd-byte-strides")
    if isinstance(shape, tuple):
        fitting = [lay for lay in chosen if shape_fits(lay, shape)]
        if not fitting:
            raise InvalidArgument(
                f"no layout in {list(chosen)} takes shape={shape!r} (see LAYOUT_DIMS; memmap and "
                "unaligned need elements, size1-odd-strides a side of 1, odd-byte-strides a side >= 2)"
            )
    else:
        fitting = [lay for lay in chosen if shape is not None or fits_sizes(lay, *sizes)]
        if not fitting:
            min_dims, max_dims, min_side, max_side = sizes
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
    return Called(_array_case(dtypes, tuple(fitting), sizes, shape, elements), "arrays", arguments)


def plain_arrays(
    dtype: np.dtype | str | st.SearchStrategy[np.dtype] | None = None,
    shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    **kwargs: Any,
) -> st.SearchStrategy[np.ndarray]:
    """The ndarrays of ``arrays(dtype, shape, **kwargs)`` themselves (a failing example then
    prints the array, not the ``bridgecheck.build`` call that rebuilds it)."""
    cases = arrays(dtype, shape, **kwargs)
    return Called(cases.map(lambda case: case.array), "plain_arrays", dict(dtype=dtype, shape=shape, **kwargs))


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
    return Called(_scalar_case(dtypes.map(lambda d: d.newbyteorder("="))), "numpy_scalars", dict(dtype=dtype))


def plain_numpy_scalars(
    dtype: np.dtype | str | st.SearchStrategy[np.dtype] | None = None,
) -> st.SearchStrategy[np.generic]:
    """The ``np.generic`` values of ``numpy_scalars(dtype)`` themselves."""
    return Called(numpy_scalars(dtype).map(lambda case: case.value), "plain_numpy_scalars", dict(dtype=dtype))
