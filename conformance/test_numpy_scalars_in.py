"""NumPy scalars (``np.generic``) into torch: 0-d tensors of the scalar's own dtype.

Contract (torch docs, ``torch.asarray``): "When obj is a NumPy scalar, the returned tensor will
be a 0-dimensional tensor on the CPU and that doesn't share its memory (i.e. copy=True). By
default datatype will be the PyTorch datatype corresponding to the NumPy's scalar's datatype."
``torch.tensor`` and ``torch.as_tensor`` follow the same dtype rule (the default dtype does
not apply: a NumPy scalar is typed data, not a Python number). Values compare as values (-0.0
apart from 0.0, any NaN equal to any NaN): tensor/as_tensor read a scalar through a Python
number, which canonicalises float16 NaN payloads, and no document promises otherwise. ``asarray(copy=False)`` cannot
alias a scalar and must say so. ``torch.from_numpy`` refuses scalars (``test_from_numpy.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given

from bridgecheck.contract import Call, expect, expect_raises, expect_returned, observe
from bridgecheck.dtypes import torch_dtype_for
from bridgecheck.equality import values_equal
from bridgecheck.strategies import numpy_scalars

ROWS = {
    "torch.tensor(s)": torch.tensor,
    "torch.as_tensor(s)": torch.as_tensor,
    "torch.asarray(s)": torch.asarray,
}


@pytest.mark.parametrize("code", list(ROWS))
@pytest.mark.parametrize("default", [torch.float32, torch.float64], ids=["default-f32", "default-f64"])
@given(case=numpy_scalars())
def test_numpy_scalar_becomes_a_0d_tensor_of_its_dtype(code, default, case):
    call = Call(code.split("(")[0], code, {"s": case})
    previous = torch.get_default_dtype()
    torch.set_default_dtype(default)
    try:
        result = observe(ROWS[code], case.value)
    finally:
        torch.set_default_dtype(previous)
    if not expect_returned(call, result):
        return
    t = result.value
    expect(call, "dtype", str(t.dtype), str(torch_dtype_for(case.value.dtype)))
    verdict = values_equal(np.asarray(case.value), t)
    expect(call, "0-d tensor holding the scalar's value", verdict.equal, True, detail=verdict.reason)
    expect(call, "device", t.device.type, "cpu")
    expect(call, "requires_grad", t.requires_grad, False)


@given(case=numpy_scalars())
def test_asarray_copy_false_refuses_numpy_scalars(case):
    call = Call("torch.asarray", "torch.asarray(s, copy=False)", {"s": case})
    expect_raises(call, observe(torch.asarray, case.value, copy=False), RuntimeError, "can't alias NumPy scalars")
