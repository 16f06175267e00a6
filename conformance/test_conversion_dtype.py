"""Conversions with ``dtype=``: a cast copy, or an alias when nothing changes.

Contract (torch docs): ``torch.tensor(data, dtype=)`` copies into ``dtype``;
``torch.as_tensor`` / ``torch.asarray`` share memory when the dtype matches and copy when a
conversion is needed; ``torch.asarray(..., copy=False)`` raises when it cannot share. Only
value-preserving (widening) casts are drawn, so the expected values are NumPy's own
``astype`` of the same array (NaNs compare as NaN: neither library promises payloads
through a cast).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, expect_raises, expect_returned, guarded, observe
from bridgecheck.dtypes import torch_dtype_for
from bridgecheck.equality import values_equal
from bridgecheck.expectations import expect_converted, expect_sharing
from bridgecheck.strategies import ACCEPTED_LAYOUTS, arrays

#: Casts that preserve every value exactly (source -> wider destinations).
WIDENING = {
    "bool": ["uint8", "int16", "int64", "float32", "complex64"],
    "int8": ["int16", "int32", "int64", "float32", "float64", "complex128"],
    "uint8": ["int16", "uint16", "int32", "float16", "float32", "float64"],
    "int16": ["int32", "int64", "float32", "float64"],
    "uint16": ["int32", "uint32", "int64", "float32", "float64"],
    "int32": ["int64", "float64", "complex128"],
    "uint32": ["int64", "uint64", "float64"],
    "float16": ["float32", "float64", "complex64"],
    "float32": ["float64", "complex64", "complex128"],
    "complex64": ["complex128"],
}

ROWS = {
    "torch.tensor(a, dtype=d)": lambda a, d: torch.tensor(a, dtype=d),
    "torch.as_tensor(a, dtype=d)": lambda a, d: torch.as_tensor(a, dtype=d),
    "torch.asarray(a, dtype=d)": lambda a, d: torch.asarray(a, dtype=d),
    "torch.asarray(a, dtype=d, copy=True)": lambda a, d: torch.asarray(a, dtype=d, copy=True),
}
#: Facts of each row's call, for deviations.toml (None is spelled "None").
OPTIONS = {
    "torch.tensor(a, dtype=d)": {},
    "torch.as_tensor(a, dtype=d)": {},
    "torch.asarray(a, dtype=d)": {"copy": "None"},
    "torch.asarray(a, dtype=d, copy=True)": {"copy": True},
}
SAME_DTYPE_SHARES = {
    "torch.tensor(a, dtype=d)": False,
    "torch.as_tensor(a, dtype=d)": True,
    "torch.asarray(a, dtype=d)": True,
    "torch.asarray(a, dtype=d, copy=True)": False,
}


_LAYOUTS = ["c-order", "fortran", "transposed", "offset", "stepped", "broadcast"]
_ARRAYS = {source: arrays(dtype=source, layouts=_LAYOUTS) for source in WIDENING}  # built once


@st.composite
def array_and_wider_dtype(draw):
    source = draw(st.sampled_from(sorted(WIDENING)), label="source dtype")
    target = draw(st.sampled_from(WIDENING[source]), label="target dtype")
    return draw(_ARRAYS[source]), getattr(torch, target)


def _call(code: str, case, dtype: torch.dtype) -> Call:
    return Call(code.split("(")[0], code.replace("dtype=d", f"dtype={dtype}"), {"a": case}, dict(OPTIONS.get(code, {})))


#: Integers float32 cannot hold (2**24 + 1 and beyond), cast to float64: a cast that goes
#: through single precision rounds them. Drawn values rarely reach them, so every run has them.
BEYOND_FLOAT32 = [
    (from_recipe("array", dtype="int32", shape=(2,), data="01000001fffffffe"), torch.float64),
    (from_recipe("array", dtype="uint32", shape=(2,), data="ffffffff01000001"), torch.float64),
]


@pytest.mark.parametrize("code", list(ROWS))
@given(drawn=array_and_wider_dtype())
@example(drawn=BEYOND_FLOAT32[0])
@example(drawn=BEYOND_FLOAT32[1])
def test_conversion_with_dtype_casts_into_a_copy(code, drawn):
    case, dtype = drawn
    call = _call(code, case, dtype)
    result = observe(ROWS[code], case.array, dtype)
    if not expect_returned(call, result):
        return
    t = result.value
    expect(call, "dtype", str(t.dtype), str(dtype))
    with np.errstate(invalid="ignore"):  # NumPy's cast of NaN/inf to another type may warn
        oracle = case.array.astype(np.dtype(str(dtype).removeprefix("torch.")))
    verdict = values_equal(oracle, t)
    expect(call, "values equal the NumPy cast", verdict.equal, True, detail=verdict.reason)
    expect_sharing(call, case.array, t, False)


@pytest.mark.parametrize("code", list(ROWS))
@given(case=arrays(layouts=ACCEPTED_LAYOUTS))
def test_conversion_with_the_same_dtype_keeps_sharing(code, case):
    """Passing the array's own dtype changes nothing: aliasing rows still alias."""
    a = case.array
    dtype = torch_dtype_for(a.dtype)
    call = _call(code, case, dtype)

    def body():
        result = observe(ROWS[code], a, dtype)
        if expect_returned(call, result):
            expect_converted(call, a, result.value, shares=SAME_DTYPE_SHARES[code])

    guarded(call, body)


@given(drawn=array_and_wider_dtype())
def test_asarray_copy_false_refuses_a_dtype_change(drawn):
    case, dtype = drawn
    call = _call("torch.asarray(a, dtype=d, copy=False)", case, dtype)
    call.options["copy"] = False
    result = observe(torch.asarray, case.array, dtype=dtype, copy=False)
    expect_raises(call, result, ValueError, "can't alias")


@given(case=arrays(dtype="int64", layouts=["c-order"], min_dims=1, min_side=1))
def test_tensor_refuses_pinning_numpy_data(case):
    """``pin_memory=True`` is refused for ndarray input, with or without an accelerator."""
    call = Call("torch.tensor", "torch.tensor(a, pin_memory=True)", {"a": case})
    result = observe(torch.tensor, case.array, pin_memory=True)
    expect_raises(call, result, RuntimeError, "pin")


@pytest.mark.parametrize("code", ["torch.tensor(a, requires_grad=True)", "torch.asarray(a, requires_grad=True)"])
@given(case=arrays(st.sampled_from([np.dtype(n) for n in ("bool", "int8", "uint8", "int32", "int64")]), layouts=["c-order"]))
def test_requires_grad_refused_for_integer_arrays(code, case):
    call = Call(code.split("(")[0], code, {"a": case})
    fn = torch.tensor if code.startswith("torch.tensor") else torch.asarray
    result = observe(fn, case.array, requires_grad=True)
    expect_raises(call, result, RuntimeError, "floating point")
