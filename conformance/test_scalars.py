"""``Tensor.item()`` and ``Tensor.tolist()``: Python numbers equal to the stored values.

Contract (torch docs): ``item()`` "returns the value of this tensor as a standard Python
number. This only works for tensors with one element"; ``tolist()`` "returns the tensor as a
(nested) list. For scalars, a standard Python number is returned, just like with item()";
neither is differentiable, so neither refuses a tensor that requires grad. A standard Python
number is ``bool`` for bool tensors, ``int`` for every integer dtype (uint64 up to 2**64 - 1),
``float`` for every floating dtype (bfloat16 and float8 included: the value stored, exactly)
and for quantized tensors (the dequantized value), ``complex`` for complex dtypes. conj/neg
views give the values they stand for. A zero-size tensor keeps its nesting
(``zeros(2, 0, 3).tolist() == [[], []]``).

Expected values are read without the bridge: the tensor's bits (``bridgecheck.equality``),
widened exactly by torch where NumPy lacks the dtype, decoded by NumPy's ``tolist``.
"""

from __future__ import annotations

import torch
from hypothesis import given

from bridgecheck.cases import explicit, tensor_recipe
from bridgecheck.contract import Call, expect, expect_returned, observe
from bridgecheck.equality import logical_values, python_values_equal
from bridgecheck.strategies import tensors


def python_type(t: torch.Tensor) -> str:
    """The Python type ``item()`` owes an element of ``t``'s dtype."""
    if t.dtype == torch.bool:
        return "bool"
    if t.dtype.is_complex:
        return "complex"
    if t.dtype.is_floating_point or t.is_quantized:
        return "float"
    return "int"


one_element = tensors(quantized=True, max_side=1).filter(lambda c: c.tensor.numel() == 1)


@explicit(case=tensor_recipe(dtype="uint64", shape=(), data="ff" * 8))             # 2**64 - 1
@explicit(case=tensor_recipe(dtype="uint64", shape=(1,), data="00" * 7 + "80"))   # 2**63
@explicit(case=tensor_recipe(dtype="int64", shape=(1, 1), data="00" * 7 + "80"))  # -2**63
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(), data="cd3d"))            # 0.10009765625
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(), data="c1ff"))            # a NaN with payload
@explicit(case=tensor_recipe(dtype="float8_e8m0fnu", shape=(1,), data="00"))      # 2**-127
@explicit(case=tensor_recipe(dtype="complex32", shape=(), data="003c00c0"))       # 1 - 2j
@given(case=one_element)
def test_item_gives_the_stored_python_number(case):
    t = case.tensor
    call = Call("Tensor.item", "t.item()", {"t": case})
    result = observe(t.item)
    expect_returned(call, result)
    expect(call, "type", type(result.value).__name__, python_type(t))
    want = logical_values(t).reshape(-1).tolist()[0]
    verdict = python_values_equal(result.value, want)
    expect(call, "python value", verdict.equal, True, detail=verdict.reason)


@given(case=tensors(quantized=True, min_dims=1).filter(lambda c: c.tensor.numel() != 1))
def test_item_refuses_unless_one_element(case):
    result = observe(case.tensor.item)
    call = Call("Tensor.item", "t.item()", {"t": case})
    expect(call, "raises", result.kind, "RuntimeError", detail=result.message[:300])
    expect(call, "message names the element count", f"with {case.tensor.numel()} elements" in result.message, True,
           detail=result.message[:300])


@explicit(case=tensor_recipe(dtype="float32", shape=(2, 0, 3)))
@explicit(case=tensor_recipe(dtype="uint64", shape=(2,), data="ff" * 8 + "00" * 7 + "80"))
@explicit(case=tensor_recipe(dtype="qint8", shape=(2,), qparams=(0.5, 1)))
@given(case=tensors(quantized=True))
def test_tolist_nests_the_python_numbers(case):
    """Nesting follows the shape (a bare number for 0-d, empty lists kept for zero-size
    axes); every element is the Python number ``item()`` owes it."""
    t = case.tensor
    call = Call("Tensor.tolist", "t.tolist()", {"t": case})
    result = observe(t.tolist)
    if expect_returned(call, result):
        verdict = python_values_equal(result.value, logical_values(t).tolist())
        expect(call, "python values", verdict.equal, True, detail=verdict.reason)
