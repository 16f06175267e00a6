"""Every ndarray -> tensor conversion on every layout: values, dtype, sharing, refusals.

The table of conversions and their documented sharing is ``converters.py``. What the rows
share: an accepted array converts to a CPU leaf tensor with the same shape and bits in the
mapped dtype, aliasing exactly when the row says so (by address and by write-through);
an alias keeps the element strides. Inputs from_numpy refuses (negative strides, non-native
byte order, strides off the item grid, dtypes outside the mapping) are refused by every
validating row too, with the same exception type, and the input is left unchanged.
"""

from __future__ import annotations

import weakref

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from bridgecheck.contract import expect, expect_raises, expect_returned, guarded, observe
from bridgecheck.equality import array_bits, tensor_bits
from bridgecheck.dtypes import NUMPY_TO_TORCH
from bridgecheck.expectations import expect_converted
from bridgecheck.strategies import ACCEPTED_LAYOUTS, arrays, numpy_dtypes
from .converters import ANY_DTYPE, GRAD_ROWS, VALIDATING, rows

FLOATING_NAMES = ["float16", "float32", "float64", "complex64", "complex128"]
# ulonglong ('Q') is one dtype among fifteen, not a branch of its own: a one_of branch would
# take half of every row's examples for one (refused) dtype.
ACCEPTED_DTYPES = st.sampled_from([np.dtype(n) for n in NUMPY_TO_TORCH] + [np.dtype("Q")])
accepted_arrays = arrays(ACCEPTED_DTYPES, layouts=ACCEPTED_LAYOUTS)


def check_conversion(conv, case):
    a = case.array
    # DLPack has its own rule for read-only memory (test_from_dlpack.py).
    assume(conv.readonly_input or a.flags.writeable)
    call = conv.call(case)

    def body():
        result = observe(conv.fn, a)
        if expect_returned(call, result):
            expect_converted(call, a, result.value, shares=conv.shares, requires_grad=conv.requires_grad)

    guarded(call, body)


@pytest.mark.parametrize("conv", rows(ANY_DTYPE))
@given(case=accepted_arrays)
def test_converts_accepted_arrays(conv, case):
    check_conversion(conv, case)


@pytest.mark.parametrize("conv", rows(GRAD_ROWS))
@given(case=arrays(numpy_dtypes(names=FLOATING_NAMES), layouts=ACCEPTED_LAYOUTS))
def test_converts_accepted_arrays_requiring_grad(conv, case):
    check_conversion(conv, case)


@pytest.mark.parametrize("conv", rows(VALIDATING))
@given(case=arrays(layouts=["negative-step"], min_side=1))
def test_refuses_negative_strides(conv, case):
    before = case.array.tobytes()
    result = observe(conv.fn, case.array)
    call = conv.call(case)
    expect_raises(call, result, ValueError, "negative")
    expect(call, "input bytes unchanged", case.array.tobytes() == before, True)


@pytest.mark.parametrize("conv", rows(VALIDATING))
@given(case=arrays(numpy_dtypes(byteorder="non-native"), layouts=["c-order", "transposed", "offset"]))
def test_refuses_non_native_byte_order(conv, case):
    result = observe(conv.fn, case.array)
    expect_raises(conv.call(case), result, ValueError, "byte order")


@pytest.mark.parametrize("conv", rows(VALIDATING))
@given(case=arrays(layouts=["odd-byte-strides"]))
def test_refuses_strides_off_the_item_grid(conv, case):
    result = observe(conv.fn, case.array)
    expect_raises(conv.call(case), result, ValueError, "multiple of the element byte size")


@pytest.mark.parametrize("conv", rows(VALIDATING))
# Layouts torch accepts, so the dtype is the only obstacle (torch 2.3 checks strides and byte
# order before the dtype; 2.13 the dtype first: neither order is documented).
@given(case=arrays(numpy_dtypes(kind="refused").filter(lambda d: d.char != "Q"),
                   layouts=["c-order", "fortran", "transposed", "offset", "readonly"]))
def test_refuses_unsupported_dtypes(conv, case):
    before = case.array.tobytes()
    result = observe(conv.fn, case.array)
    call = conv.call(case)
    expect_raises(call, result, TypeError, "can't convert np.ndarray of type")
    expect(call, "input bytes unchanged", case.array.tobytes() == before, True)


@pytest.mark.parametrize("conv", rows(ANY_DTYPE))
@given(case=arrays(numpy_dtypes(names=["float16", "float32", "float64", "int32", "complex64"]), layouts=["c-order", "transposed"]))
def test_ignores_the_default_dtype(conv, case):
    """An ndarray's dtype wins over ``torch.set_default_dtype`` (only Python floats follow it)."""
    call = conv.call(case)
    previous = torch.get_default_dtype()
    for default in (torch.float64, torch.float32):
        torch.set_default_dtype(default)
        try:
            t = conv.fn(case.array)
        finally:
            torch.set_default_dtype(previous)
        expect(call, f"dtype under default {default}", str(t.dtype), f"torch.{case.array.dtype.name}")


ALIASING = tuple(c for c in ANY_DTYPE if c.shares)


@pytest.mark.parametrize("conv", rows(ALIASING))
@given(case=arrays(layouts=["c-order", "fortran", "offset", "stepped"], min_dims=1, min_side=1))
def test_alias_keeps_the_array_alive(conv, case):
    """The tensor holds a reference to the array: dropping the array frees nothing, and the
    array goes with the tensor. (0-d arrays: asarray copies them, see asarray-0d-copies.) Reference counting frees both at once (no cycles), so no
    ``gc.collect()`` is needed (a collector pass costs more than the whole property)."""
    call = conv.call(case)
    a = case.array.copy()  # an array only this test references
    expected = array_bits(a)
    ref = weakref.ref(a)
    t = conv.fn(a)
    del a
    expect(call, "array alive while the tensor lives", ref() is not None, True)
    expect(call, "bits after the array is dropped", tensor_bits(t) == expected, True)
    del t
    expect(call, "array freed with the tensor", ref() is None, True)


@pytest.mark.parametrize("conv", rows(ALIASING))
@given(case=arrays(layouts=["c-order"], min_dims=1, min_side=1))
def test_alias_locks_resizing(conv, case):
    """Neither side may be resized while they alias (torch docs: "The returned tensor is not
    resizable"; NumPy refuses to resize an array that is referenced)."""
    call = conv.call(case)
    a = case.array.copy()
    t = conv.fn(a)
    grow = observe(a.resize, (a.size + 1,))
    expect(call, "ndarray.resize while aliased raises", grow.kind, "ValueError", detail=grow.message[:200])
    grow_t = observe(t.detach().resize_, (t.numel() + 8,))
    expect(call, "Tensor.resize_ beyond the array raises", grow_t.kind, "RuntimeError", detail=grow_t.message[:200])
