"""NumPy scalars as operands of tensor operators, in both orders, and as int arguments.

Contract: a NumPy scalar is a Python number of its kind (``bridgecheck.operations`` states
torch's promotion rule and how NumPy 1.26 and 2 differ): ``t op s`` and ``s op t`` give a
Tensor of the dtype the rule gives for a Python number, shaped like ``t``, holding what NumPy
computes on independent copies in that dtype (bit for bit: the operands are small integers;
complex ``/`` and ``**``, which no standard fixes, within 8 ulp; ``s / t``, computed as a
reciprocal times ``s``, within 2 ulp; the sign of a zero remainder
aside: torch gives ``-2.0 % 1.0 == -0.0``, not a bridge matter), requiring grad when ``t``
does (for non-comparisons), without warnings; refused exactly where the rule refuses. In-place
forms write into ``t`` and keep its dtype, refusing results of a higher category. Where torch
takes an int (sizes, dims, ``diag``, ``mean(dim=)``) a NumPy integer acts as that int; one
that does not fit int64 (``np.uint64(2**64 - 1)``) is refused, never wrapped.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from bridgecheck import operations as ops
from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, expect_refused, expect_returned, observe
from bridgecheck.equality import arrays_bitwise_equal

from .operands import SCALAR_DTYPES, TENSOR_DTYPES, adapt, encode, numpy_copy, small_scalars, small_tensors

#: Results no standard fixes: complex division and powers (torch and NumPy pick their own
#: algorithms), float powers (libm and SLEEF differ in the last place).
INEXACT = {("/", "complex"): 8, ("**", "complex"): 8, ("**", "float"): 1}


def operator_call(op: str, tensor_first: bool, t, s) -> Call:
    code = f"t {op} s" if tensor_first else f"s {op} t"
    options = {"operator": op, "order": "tensor-first" if tensor_first else "scalar-first",
               "scalar_kind": ops.scalar_kind(s.value)}
    return Call("Tensor." + op, code, {"t": t, "s": s}, options)


def expect_values(call: Call, got: torch.Tensor, want: np.ndarray, op: str, reflected: bool = False) -> None:
    """``got`` holds ``want``: bit for bit, or within the stated ulp bound for ``op``.
    ``number / t`` is ``t.reciprocal() * number`` in torch (``Tensor.__rtruediv__``): two
    roundings, so within 2 ulp rather than correctly rounded."""
    __tracebackhide__ = True
    have = numpy_copy(got)
    ulps = INEXACT.get((op, ops.category(got.dtype)), 2 if (op == "/" and reflected) else 0)
    if op == "%":  # a zero remainder's sign: torch gives -0.0 for -2 % 1 (NumPy, Python: 0.0)
        have, want = have + 0, want + 0
    if ulps:
        equal, reason = ops.within_ulps(have, want.astype(have.dtype), ulps)
    else:
        verdict = arrays_bitwise_equal(want.astype(have.dtype), have)
        equal, reason = verdict.equal, verdict.reason
    expect(call, "values", equal, True, detail=reason)


def check_operator(call: Call, op: str, t: torch.Tensor, s: np.generic, tensor_first: bool) -> None:
    """The whole contract of ``t op s`` / ``s op t`` (shared with the census's rule)."""
    kind = ops.scalar_kind(s)
    fn = ops.OPERATORS[op]
    result = observe(fn, t, s) if tensor_first else observe(fn, s, t)
    expect(call, "warnings", result.warning_kinds(), [], detail="; ".join(str(w.message)[:120] for w in result.warnings))
    if result.warnings:
        return  # a known deviation (expect raised otherwise); the rest follows from it
    want = ops.result_dtype(t.dtype, kind, op, reflected=not tensor_first)
    if want is None:
        expect_refused(call, result)
        return
    if not expect_returned(call, result):
        return
    r = result.value
    expect(call, "type", type(r).__name__, "Tensor")
    expect(call, "dtype", str(r.dtype), str(want))
    if r.dtype != want:
        return  # a known deviation explained it
    expect(call, "shape", tuple(r.shape), tuple(t.shape))
    common = ops.promoted(t.dtype, kind) if op in ops.COMPARISONS else want
    expect_values(call, r, ops.oracle(op, numpy_copy(t), s.item(), common, reflected=not tensor_first), op,
                  reflected=not tensor_first)
    grad = t.requires_grad and op not in ops.COMPARISONS
    expect(call, "requires_grad", r.requires_grad, grad)


def _supported(t, s) -> bool:
    # complex32 results (float16 with a complex number) are out of scope: torch's ComplexHalf
    # kernels are experimental and several operators lack them, for Python numbers too.
    return not (t.value.dtype == torch.float16 and ops.scalar_kind(s.value) == "complex")


@pytest.mark.parametrize("op", list(ops.OPERATORS))
@given(tensor_first=st.booleans(), t=small_tensors(grad=None), s=small_scalars())
def test_numpy_scalar_operand_acts_as_a_python_number(op, tensor_first, t, s):
    assume(_supported(t, s))
    t, s = adapt(t, op, right=not tensor_first), adapt(s, op, right=tensor_first)
    check_operator(operator_call(op, tensor_first, t, s), op, t.tensor, s.value, tensor_first)


@pytest.mark.parametrize("op", list(ops.OPERATORS))
def test_numpy_scalar_operand_grid(op):
    """Every tensor dtype x NumPy scalar type, both orders, on fixed values: the rule is cheap
    to check everywhere, and a drift in one pair (np.float64 with float32 tensors, say) is
    too rare a draw for the property above at ``ci``."""
    for tdtype in TENSOR_DTYPES:
        for sdtype in SCALAR_DTYPES:
            for tensor_first in (True, False):
                t = from_recipe("tensor", dtype=tdtype, shape=(2,), data=encode([-2, 3], tdtype))
                s = from_recipe("scalar", dtype=np.dtype(sdtype).str, data=encode([2], sdtype))
                if _supported(t, s):
                    t, s = adapt(t, op, right=not tensor_first), adapt(s, op, right=tensor_first)
                    check_operator(operator_call(op, tensor_first, t, s), op, t.tensor, s.value, tensor_first)


@pytest.mark.parametrize("op", list(ops.INPLACE))
@given(t=small_tensors(), s=small_scalars())
def test_inplace_operator_with_numpy_scalar_writes_into_the_tensor(op, t, s):
    assume(_supported(t, s))
    s = adapt(s, op, right=True)
    x = t.tensor
    method = f"__{ops.INPLACE[op].__name__}__"  # t.__iadd__(s) is t += s, as an expression
    call = Call(f"Tensor.{method}", f"t.{method}(s)", {"t": t, "s": s},
                {"operator": op, "inplace": True, "scalar_kind": ops.scalar_kind(s.value)})
    want = ops.result_dtype(x.dtype, ops.scalar_kind(s.value), op)
    before, address = numpy_copy(x), x.data_ptr()
    result = observe(ops.INPLACE[op], x, s.value)
    expect(call, "warnings", result.warning_kinds(), [], detail="; ".join(str(w.message)[:120] for w in result.warnings))
    if result.warnings:
        return  # a known deviation (expect raised otherwise)
    if want is None or ops.KINDS.index(ops.category(want)) > ops.KINDS.index(ops.category(x.dtype)):
        expect_refused(call, result)
        return
    if not expect_returned(call, result):
        return
    expect(call, "result is the left operand", result.value is x, True)
    expect(call, "writes into the tensor's memory", x.data_ptr() == address, True)
    expect(call, "dtype", str(x.dtype), str(t.tensor.dtype))
    expect_values(call, x, ops.oracle(op, before, s.value.item(), want).astype(before.dtype), op)


# --- NumPy integers as int arguments -------------------------------------------------------

INT_ARGUMENTS = {
    "torch.zeros(n, 2)": lambda n: torch.zeros(n, 2),
    "torch.ones((n,))": lambda n: torch.ones((n,)),
    "x.reshape(n, -1)": lambda n: torch.arange(12.0).reshape(n, -1),
    "x.view(-1, n)": lambda n: torch.arange(12.0).view(-1, n),
    "x.diag(n)": lambda n: torch.arange(4.0).diag(n),
    "x.sum(dim=n)": lambda n: torch.arange(12.0).reshape(2, 2, 3).sum(dim=n),
    "x.mean(dim=n)": lambda n: torch.arange(12.0).reshape(2, 2, 3).mean(dim=n),
    "x[n]": lambda n: torch.arange(4.0)[n],
    "x.narrow(0, n, 1)": lambda n: torch.arange(4.0).narrow(0, n, 1),
    "x.unsqueeze(n)": lambda n: torch.arange(4.0).unsqueeze(n),
    "x.flatten(n)": lambda n: torch.zeros(2, 3, 1).flatten(n),
    "torch.full((n,), 1.0)": lambda n: torch.full((n,), 1.0),
}
def _named_s(code: str) -> str:
    return re.sub(r"\bn\b", "s", code)


INT_TYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")


@pytest.mark.parametrize("code", list(INT_ARGUMENTS))
@given(dtype=st.sampled_from(INT_TYPES), value=st.integers(0, 2))
def test_numpy_integer_is_taken_as_the_int(code, dtype, value):
    s = from_recipe("scalar", dtype=np.dtype(dtype).str, data=np.array([value], dtype=dtype).tobytes().hex())
    call = Call("torch int argument", _named_s(code), {"s": s}, {"argument": code})
    result = observe(INT_ARGUMENTS[code], s.value)
    same = observe(INT_ARGUMENTS[code], value)  # the same call with the Python int
    expect(call, "raises", result.kind, same.kind, detail=result.message[:200])
    if same.exc is not None or result.exc is not None:
        return
    r, want = result.value, same.value
    expect(call, "dtype", str(r.dtype), str(want.dtype))
    expect(call, "shape", tuple(r.shape), tuple(want.shape))
    expect(call, "values", bool(torch.equal(r, want)), True)


OVERFLOWING = {"np.uint64(2**64 - 1)": np.uint64(2**64 - 1), "np.uint64(2**63)": np.uint64(2**63)}


@pytest.mark.parametrize("name", list(OVERFLOWING))
@pytest.mark.parametrize("code", list(INT_ARGUMENTS))
def test_numpy_integer_beyond_int64_is_refused_as_an_int(name, code):
    s = from_recipe("scalar", dtype="<u8", data=OVERFLOWING[name].tobytes().hex())
    call = Call("torch int argument", _named_s(code), {"s": s}, {"argument": code})
    expect_refused(call, observe(INT_ARGUMENTS[code], s.value), "verflow")


@pytest.mark.parametrize("op", list(ops.OPERATORS))
@pytest.mark.parametrize("tensor_first", [True, False], ids=["tensor-first", "scalar-first"])
@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_numpy_integer_beyond_int64_is_refused_as_an_operand(op, tensor_first, dtype):
    """torch takes no scalar beyond int64 ("Overflow when unpacking long long"), so both sides
    must decline: an exception, or for ``==``/``!=`` Python's identity answer (a plain bool),
    never a value computed some other way."""
    t = from_recipe("tensor", dtype=dtype, shape=(2,))
    s = from_recipe("scalar", dtype="<u8", data="ff" * 8)
    call = operator_call(op, tensor_first, t, s)
    fn = ops.OPERATORS[op]
    result = observe(fn, t.tensor, s.value) if tensor_first else observe(fn, s.value, t.tensor)
    declined = result.exc is not None or (op in ("==", "!=") and type(result.value) is bool)
    expect(call, "refused", declined, True,
           detail=f"returned {type(result.value).__name__} {getattr(result.value, 'dtype', '')}")
