"""Indexing across the bridge: tensors indexed by NumPy values, ndarrays by tensors, and
assignment of values from the other side.

Contract: an index is the integer(s) or mask it holds, wherever it comes from. ``t[idx]``
selects what ``a[idx]`` selects on a NumPy copy ``a`` of ``t`` (NumPy integer scalars, integer
arrays of every signed and unsigned width, bool masks, ``np.newaxis``, tuples mixing them):
same shape, same bits, as a Tensor of ``t``'s dtype. ``a[t_idx]`` (a 0-d or 1-d integer or
bool tensor) selects what ``a[t_idx.numpy()]`` selects. ``t[i] = v`` stores ``v`` cast to
``t``'s dtype for a NumPy scalar or ndarray ``v`` as for the same Python number or tensor;
``a[i] = t`` and ``np.copyto(a, t)`` store ``t``'s values into ``a``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, expect_returned, observe
from bridgecheck.dtypes import existing
from bridgecheck.equality import arrays_bitwise_equal

from .operands import encode, numpy_copy, small_tensors

INT_INDEX_DTYPES = existing("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
#: Index expressions over ``t`` (or its NumPy copy) of shape (3, 4), with ``i`` the NumPy index.
INDEXES = {
    "x[i]": lambda x, i: x[i],
    "x[i, 1:]": lambda x, i: x[i, 1:],
    "x[:, i]": lambda x, i: x[:, i],
    "x[np.newaxis, i]": lambda x, i: x[np.newaxis, i],
    "x[i, np.newaxis]": lambda x, i: x[i, np.newaxis],
}


def _expect_same_selection(call: Call, got, want: np.ndarray, dtype) -> None:
    __tracebackhide__ = True
    expect(call, "type", type(got).__name__, "Tensor")
    if isinstance(got, torch.Tensor):
        have = numpy_copy(got)
        expect(call, "shape", have.shape, want.shape)
        verdict = arrays_bitwise_equal(want, have)
        expect(call, "values", verdict.equal, True, detail=verdict.reason)


@pytest.mark.parametrize("code", list(INDEXES))
@given(kind=st.sampled_from(["scalar", "array", "mask"]), dtype=st.sampled_from(INT_INDEX_DTYPES),
       picks=st.lists(st.integers(0, 2), min_size=1, max_size=3))
def test_tensor_indexed_by_numpy_selects_what_numpy_selects(code, kind, dtype, picks):
    t = from_recipe("tensor", dtype="float32", shape=(3, 4))
    if kind == "scalar":
        i = from_recipe("scalar", dtype=np.dtype(dtype).str, data=encode([picks[0]], dtype))
    elif kind == "array":
        i = from_recipe("array", dtype=np.dtype(dtype).str, shape=(len(picks),), data=encode(picks, dtype))
    else:
        i = from_recipe("array", dtype="|b1", shape=(3,), data=encode([(k in picks) for k in range(3)], "bool"))
    call = Call("Tensor.__getitem__", re.sub(r"\bx\b", "t", code), {"t": t, "i": i},
                {"index": kind, "index_dtype": i.value.dtype.name})
    want = observe(INDEXES[code], numpy_copy(t.tensor), i.value)
    result = observe(INDEXES[code], t.tensor, i.value)
    if kind == "array":
        read = _read_as(code, t.tensor, i.value, result, want)
        expect(call, "index read as", read, "integers")
        if read != "integers":
            return  # a known deviation explained it
    expect(call, "raises", result.kind, want.kind, detail=result.message[:200])
    if result.exc is None and want.exc is None:
        _expect_same_selection(call, result.value, np.asarray(want.value), t.tensor.dtype)


def _same_outcome(result, want) -> bool:
    if result.exc is not None or want.exc is not None:
        return result.kind == want.kind or (result.exc is not None and want.exc is not None)
    got = result.value
    return isinstance(got, torch.Tensor) and arrays_bitwise_equal(np.asarray(want.value), numpy_copy(got)).equal


def _read_as(code, x, index, result, want) -> str:
    """``"integers"`` when ``x[index]`` did what NumPy does with the integer array,
    ``"byte mask"`` when it did what NumPy does with ``index != 0`` as a bool mask."""
    if _same_outcome(result, want):
        return "integers"
    if _same_outcome(result, observe(INDEXES[code], numpy_copy(x), index.astype(bool))):
        return "byte mask"
    return "neither"


@given(values=st.lists(st.integers(0, 3), min_size=0, max_size=4), dtype=st.sampled_from(["int64", "int32", "uint8", "bool"]),
       zero_d=st.booleans())
def test_ndarray_indexed_by_tensor_selects_what_its_numpy_copy_selects(values, dtype, zero_d):
    a = from_recipe("array", dtype="<f8", shape=(4,))
    if dtype == "bool":
        values = [(k in values) for k in range(4)]
    shape = () if zero_d and values and dtype != "bool" else (len(values),)
    values = values[:1] if shape == () else values
    i = from_recipe("tensor", dtype=dtype, shape=shape, data=encode(values, dtype))
    call = Call("ndarray.__getitem__", "a[i]", {"a": a, "i": i}, {"index": "tensor"})
    want = observe(lambda: a.array[numpy_copy(i.tensor)])
    result = observe(lambda: a.array[i.tensor])
    expect(call, "raises", result.kind, want.kind, detail=result.message[:200])
    if result.exc is None and want.exc is None:
        got, w = np.asarray(result.value), np.asarray(want.value)
        expect(call, "shape", list(got.shape), list(w.shape))
        if got.shape != w.shape:
            return  # a known deviation explained it
        verdict = arrays_bitwise_equal(w, got)
        expect(call, "values", verdict.equal, True, detail=verdict.reason)


VALUES = {  # a NumPy value, and the Python number / tensor it stands for
    "np.float64(2.5)": (np.float64(2.5), 2.5),
    "np.float32(2.5)": (np.float32(2.5), 2.5),
    "np.int8(2)": (np.int8(2), 2),
    "np.int64(2)": (np.int64(2), 2),
    "np.bool_(True)": (np.bool_(True), True),
    "np.array(2.5)": (np.array(2.5), torch.tensor(2.5, dtype=torch.float64)),
    "np.array([1.0, 2.0, 3.0, 4.0])": (np.array([1.0, 2.0, 3.0, 4.0]), torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)),
}
TARGETS = {"t[1]": lambda x, v: x.__setitem__(1, v), "t[:] ": lambda x, v: x.__setitem__(slice(None), v)}


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("value", list(VALUES))
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_tensor_item_assignment_takes_numpy_values_as_their_python_counterparts(target, value, dtype):
    t = from_recipe("tensor", dtype=dtype, shape=(4,))
    numpy_value, same = VALUES[value]
    call = Call("Tensor.__setitem__", f"{target.strip()} = {value}", {"t": t},
                {"value": type(numpy_value).__name__, "target": target.strip()})
    reference = t.tensor.clone()
    want = observe(TARGETS[target], reference, same)
    result = observe(TARGETS[target], t.tensor, numpy_value)
    expect(call, "raises", result.kind, want.kind, detail=result.message[:200])
    if result.exc is None and want.exc is None:
        verdict = arrays_bitwise_equal(numpy_copy(reference), numpy_copy(t.tensor))
        expect(call, "values", verdict.equal, True, detail=verdict.reason)


@given(t=small_tensors(dtypes=("float32", "float64", "int64", "int16", "bool"), max_dims=1))
def test_ndarray_assignment_and_copyto_take_tensor_values(t):
    x = t.tensor
    for code, fn in (("a[...] = t", lambda a: a.__setitem__(Ellipsis, x)), ("np.copyto(a, t)", lambda a: np.copyto(a, x))):
        a = np.zeros(tuple(x.shape), dtype=numpy_copy(x).dtype)
        call = Call(code.split("(")[0], code, {"t": t})
        if expect_returned(call, observe(fn, a)):
            verdict = arrays_bitwise_equal(numpy_copy(x), a)
            expect(call, "values", verdict.equal, True, detail=verdict.reason)
