"""``torch.from_numpy(ndarray)``: what is specific to it beyond the shared conversion table.

Values, sharing and the layout refusals are checked for every conversion in
``test_ndarray_to_tensor.py``. Here: only ndarrays are accepted (not NumPy scalars, lists,
Python numbers or tensors: TypeError); the tensor keeps the array alive; and "the returned
tensor is not resizable" while the two alias (torch docs, ``torch.from_numpy``).
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

def from_numpy_call(case) -> Call:
    return Call("torch.from_numpy", "torch.from_numpy(a)", {"a": case})


@given(case=numpy_scalars())
def test_from_numpy_refuses_numpy_scalars(case):
    result = observe(torch.from_numpy, case.value)
    expect_raises(from_numpy_call(case), result, TypeError, "expected np.ndarray")


@given(obj=st.one_of(st.lists(st.floats(), max_size=3), st.floats(), st.integers(), st.just(torch.zeros(2))))
def test_from_numpy_refuses_non_arrays(obj):
    result = observe(torch.from_numpy, obj)
    call = Call("torch.from_numpy", f"torch.from_numpy({obj!r})", {})
    expect_raises(call, result, TypeError, "expected np.ndarray")


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
