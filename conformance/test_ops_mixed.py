"""Operators between a tensor and an ndarray, in both orders, and in place.

Contract: an operator with one NumPy array operand is the NumPy ufunc it stands for (``t + a``
is ``np.add(t, a)``: Tensor's operators decline ndarrays, NumPy computes, and
``Tensor.__array_wrap__`` returns a Tensor; see ``test_ops_ufuncs.py``), so ``t op a`` and
``a op t`` alike give a Tensor of NumPy's result dtype for the two operands (NumPy's promotion
on the running version: NEP 50 on NumPy 2, value-based for 0-d arrays on 1.26), holding what
the ufunc gives on independent NumPy copies, bit for bit (``a / t`` within 2 ulp); refused exactly where NumPy refuses
the copies. Comparisons are elementwise in both orders. ``t op= a`` writes into ``t`` (same
object, same memory, ``t``'s dtype) and ``a op= t`` into ``a``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck import operations as ops
from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, expect_refused, expect_returned, observe
from bridgecheck.dtypes import torch_dtype_for
from bridgecheck.equality import arrays_bitwise_equal

from .operands import TENSOR_DTYPES, adapt, encode, numpy_copy, small_arrays, small_tensors

#: Operators whose NumPy ufunc NumPy's own ndarray operators use (``@`` aside: shapes differ).
MIXED = tuple(op for op in ops.OPERATORS)


def broadcastable(t, a):
    """``a``, or a 0-d array of its first value (or of 1) where its shape does not broadcast
    with ``t``'s: a new case, so failures reprint what was run."""
    try:
        np.broadcast_shapes(tuple(t.tensor.shape), a.array.shape)
        return a
    except ValueError:
        first = a.array.reshape(-1)[:1] if a.array.size else np.ones(1, a.array.dtype)
        return from_recipe("array", dtype=a.array.dtype.str, shape=(), data=first.tobytes().hex())


def _numpy_says(op: str, left, right):
    with np.errstate(all="ignore"):
        return observe(ops.UFUNCS[op], left, right)


def mixed_call(op: str, tensor_first: bool, t, a) -> Call:
    code = f"t {op} a" if tensor_first else f"a {op} t"
    return Call("Tensor." + op, code, {"t": t, "a": a},
                {"operator": op, "order": "tensor-first" if tensor_first else "array-first"})


@pytest.mark.parametrize("op", MIXED)
@given(t=small_tensors(), a=small_arrays(), tensor_first=st.booleans())
def test_operator_with_ndarray_is_the_numpy_ufunc_as_a_tensor(op, t, a, tensor_first):
    a = broadcastable(t, a)
    if op == "/" and not tensor_first:
        t = adapt(t, op, right=True)  # torch divides here: no complex zero divisor (see adapt)
    check_mixed(mixed_call(op, tensor_first, t, a), op, tensor_first, t.tensor, a.array)


@pytest.mark.parametrize("op", MIXED)
def test_operator_with_ndarray_grid(op):
    """Every tensor dtype x array dtype, both orders, on fixed values (a drift in one pair is
    too rare a draw at ``ci``)."""
    for tdtype in TENSOR_DTYPES:
        for adtype in TENSOR_DTYPES:
            for tensor_first in (True, False):
                t = from_recipe("tensor", dtype=tdtype, shape=(2,), data=encode([-2, 3], tdtype))
                a = from_recipe("array", dtype=np.dtype(adtype).str, shape=(2,), data=encode([3, 1], adtype))
                check_mixed(mixed_call(op, tensor_first, t, a), op, tensor_first, t.tensor, a.array)


def check_mixed(call: Call, op: str, tensor_first: bool, x: torch.Tensor, y: np.ndarray) -> None:
    tx, ay = numpy_copy(x), y.copy()
    want = _numpy_says(op, tx, ay) if tensor_first else _numpy_says(op, ay, tx)
    with np.errstate(all="ignore"):
        result = observe(ops.OPERATORS[op], x, y) if tensor_first else observe(ops.OPERATORS[op], y, x)
    if want.exc is not None:
        expect_refused(call, result)
        return
    if not expect_returned(call, result):
        return
    r, w = result.value, np.asarray(want.value)
    call.options["numpy_result_dtype"] = w.dtype.name
    expect(call, "type", type(r).__name__, "Tensor")
    if not isinstance(r, torch.Tensor):
        return
    want_dtype = torch_dtype_for(w.dtype)
    if op == "/" and not tensor_first:
        expect(call, "computed as", _division_path(r, w, x, y), "numpy")
        return
    expect(call, "dtype", str(r.dtype), str(want_dtype))
    got = numpy_copy(r)
    expect(call, "shape", got.shape, w.shape)
    verdict = arrays_bitwise_equal(w.astype(got.dtype), got)
    expect(call, "values", verdict.equal, True, detail=verdict.reason)


def _division_path(r: torch.Tensor, w: np.ndarray, x: torch.Tensor, y: np.ndarray) -> str:
    """How ``a / t`` was computed: ``"numpy"`` (NumPy's dtype and values, within 2 ulp),
    ``"reciprocal(t) * a"`` (bit for bit what ``Tensor.__rtruediv__``'s formula gives on
    copies), or what came out."""
    got = numpy_copy(r)
    if r.dtype == torch_dtype_for(w.dtype) and ops.within_ulps(got, w.astype(got.dtype), 2)[0]:
        return "numpy"
    with np.errstate(all="ignore"):
        formula = observe(lambda: torch.reciprocal(torch.from_numpy(numpy_copy(x))) * y.copy())
    if (
        isinstance(formula.value, torch.Tensor)
        and formula.value.dtype == r.dtype
        and arrays_bitwise_equal(numpy_copy(formula.value), got).equal
    ):
        return "reciprocal(t) * a"
    return f"other ({r.dtype})"

INPLACE_CASES = [("+", "float64", "float32"), ("*", "int64", "int32"), ("+", "float32", "float32"), ("-", "int32", "int8")]


@pytest.mark.parametrize("op, tensor_dtype, array_dtype", INPLACE_CASES)
def test_inplace_tensor_op_ndarray_writes_into_the_tensor(op, tensor_dtype, array_dtype):
    t = from_recipe("tensor", dtype=tensor_dtype, shape=(3,), data=encode([1, -2, 3], tensor_dtype))
    a = from_recipe("array", dtype=np.dtype(array_dtype).str, shape=(3,), data=encode([2, 2, -1], array_dtype))
    x = t.tensor
    call = Call(f"Tensor.__{ops.INPLACE[op].__name__}__", f"t.__{ops.INPLACE[op].__name__}__(a)", {"t": t, "a": a},
                {"operator": op, "inplace": True, "order": "tensor-first"})
    want = ops.UFUNCS[op](numpy_copy(x), a.array).astype(numpy_copy(x).dtype)
    address = x.data_ptr()
    with np.errstate(all="ignore"):
        result = observe(ops.INPLACE[op], x, a.array)
    if not expect_returned(call, result):
        return
    expect(call, "result is the left operand", result.value is x, True)
    if result.value is not x:
        return  # a known deviation explained it
    expect(call, "writes into the tensor's memory", x.data_ptr() == address, True)
    verdict = arrays_bitwise_equal(want, numpy_copy(x))
    expect(call, "values", verdict.equal, True, detail=verdict.reason)


@pytest.mark.parametrize("op, array_dtype, tensor_dtype", INPLACE_CASES)
def test_inplace_ndarray_op_tensor_writes_into_the_array(op, array_dtype, tensor_dtype):
    t = from_recipe("tensor", dtype=tensor_dtype, shape=(3,), data=encode([2, 2, -1], tensor_dtype))
    a = from_recipe("array", dtype=np.dtype(array_dtype).str, shape=(3,), data=encode([1, -2, 3], array_dtype))
    y = a.array
    call = Call(f"ndarray.__{ops.INPLACE[op].__name__}__", f"a.__{ops.INPLACE[op].__name__}__(t)", {"t": t, "a": a},
                {"operator": op, "inplace": True, "order": "array-first"})
    want = ops.UFUNCS[op](y.copy(), numpy_copy(t.tensor)).astype(y.dtype)
    result = observe(ops.INPLACE[op], y, t.tensor)
    if not expect_returned(call, result):
        return
    expect(call, "result is the left operand", result.value is y, True)
    verdict = arrays_bitwise_equal(want, y)
    expect(call, "values", verdict.equal, True, detail=verdict.reason)
