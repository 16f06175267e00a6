"""``torch.from_numpy(ndarray)``: always an alias, or a documented refusal.

Contract (torch docs, ``torch.from_numpy``): the returned tensor and the ndarray share memory,
have the same shape, and the dtype follows the NumPy -> torch mapping; writes to either are
seen by the other; the array cannot be resized while aliased. Refused: negative strides,
non-native byte order, strides off the item grid (ValueError), unsupported dtypes and
non-ndarray input (TypeError).
"""

from __future__ import annotations

import weakref

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.equality import array_bits, tensor_bits
from bridgecheck.contract import Call, expect, expect_raises, observe
from bridgecheck.expectations import expect_converted
from bridgecheck.strategies import ACCEPTED_LAYOUTS, arrays, numpy_dtypes, numpy_scalars

accepted = arrays(layouts=ACCEPTED_LAYOUTS)
ulonglong = arrays(dtype="Q", layouts=["c-order"])


def from_numpy_call(case) -> Call:
    return Call("torch.from_numpy", "torch.from_numpy(a)", {"a": case})


@given(case=st.one_of(accepted, ulonglong))
def test_from_numpy_aliases_accepted_arrays(case):
    call = from_numpy_call(case)
    result = observe(torch.from_numpy, case.array)
    expect(call, "raises", result.kind, "returned", detail=result.message[:200])
    if result.exc is None:
        expect_converted(call, case.array, result.value, shares=True)


@given(case=arrays(layouts=["negative-step"], min_side=1))
def test_from_numpy_refuses_negative_strides(case):
    result = observe(torch.from_numpy, case.array)
    expect_raises(from_numpy_call(case), result, ValueError, "negative")


@given(case=arrays(numpy_dtypes(byteorder="non-native"), layouts=["c-order", "transposed", "offset"]))
def test_from_numpy_refuses_non_native_byte_order(case):
    result = observe(torch.from_numpy, case.array)
    expect_raises(from_numpy_call(case), result, ValueError, "byte order")


@given(case=arrays(layouts=["odd-byte-strides"]))
def test_from_numpy_refuses_strides_off_the_item_grid(case):
    result = observe(torch.from_numpy, case.array)
    expect_raises(from_numpy_call(case), result, ValueError, "multiple of the element byte size")


@given(case=arrays(numpy_dtypes(kind="refused").filter(lambda d: d.char != "Q")))
def test_from_numpy_refuses_unsupported_dtypes(case):
    before = case.array.tobytes()
    result = observe(torch.from_numpy, case.array)
    call = from_numpy_call(case)
    expect_raises(call, result, TypeError, "can't convert np.ndarray of type")
    expect(call, "input bytes unchanged", case.array.tobytes() == before, True)


@given(case=numpy_scalars())
def test_from_numpy_refuses_numpy_scalars(case):
    result = observe(torch.from_numpy, case.value)
    expect_raises(from_numpy_call(case), result, TypeError, "expected np.ndarray")


@given(obj=st.one_of(st.lists(st.floats(), max_size=3), st.floats(), st.integers(), st.just(torch.zeros(2))))
def test_from_numpy_refuses_non_arrays(obj):
    result = observe(torch.from_numpy, obj)
    call = Call("torch.from_numpy", f"torch.from_numpy({obj!r})", {})
    expect_raises(call, result, TypeError, "expected np.ndarray")


@given(case=arrays(numpy_dtypes(names=["float32", "float64", "int64"]), layouts=["c-order"]))
def test_from_numpy_ignores_the_default_dtype(case):
    call = from_numpy_call(case)
    previous = torch.get_default_dtype()
    for default in (torch.float64, torch.float32):
        torch.set_default_dtype(default)
        try:
            t = torch.from_numpy(case.array)
        finally:
            torch.set_default_dtype(previous)
        expect(call, f"dtype under default {default}", str(t.dtype), f"torch.{case.array.dtype.name}")


@given(case=arrays(layouts=["c-order", "fortran", "offset", "stepped"], min_side=1))
def test_from_numpy_keeps_the_memory_alive(case):
    """The tensor holds a reference to the array: dropping the array frees nothing.

    Reference counting frees both at once (no cycles), so no ``gc.collect()`` is needed,
    and a collector pass would cost more than the whole property.
    """
    call = from_numpy_call(case)
    a = case.array.copy()  # an array only this test references
    expected = array_bits(a)
    ref = weakref.ref(a)
    t = torch.from_numpy(a)
    del a
    expect(call, "array alive while the tensor lives", ref() is not None, True)
    expect(call, "bits after the array is dropped", tensor_bits(t) == expected, True)
    del t
    expect(call, "array freed with the tensor", ref() is None, True)


@given(case=arrays(layouts=["c-order"], min_dims=1, min_side=1))
def test_from_numpy_locks_resizing(case):
    call = from_numpy_call(case)
    a = case.array.copy()
    t = torch.from_numpy(a)
    grow = observe(a.resize, (a.size + 1,))
    expect(call, "ndarray.resize while aliased raises", grow.kind, "ValueError", detail=grow.message[:200])
    grow_t = observe(t.resize_, (t.numel() + 8,))
    expect(call, "Tensor.resize_ beyond the array raises", grow_t.kind, "RuntimeError", detail=grow_t.message[:200])
