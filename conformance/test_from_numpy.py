"""``torch.from_numpy(ndarray)``: what is specific to it beyond the shared conversion table.

Values, sharing and the layout refusals are checked for every conversion in
``test_ndarray_to_tensor.py``. Here: only ndarrays are accepted (not NumPy scalars, lists,
Python numbers or tensors: TypeError). Lifetime and resizing of every aliasing conversion are
in ``test_ndarray_to_tensor.py``.
"""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.contract import Call, expect_raises, observe
from bridgecheck.strategies import numpy_scalars


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
