"""NumPy ufuncs, and NumPy functions that dispatch to methods, applied to tensors.

Contract (NumPy's ufunc protocol with torch's ``Tensor.__array__`` / ``__array_wrap__`` /
``__array_priority__``; PyTorch's ``test_numpy_interop`` checks it by example): a ufunc takes a
tensor as array_like (read through ``__array__``, as ``t.numpy()`` would), computes with NumPy,
and the tensor's ``__array_wrap__`` turns the result back into a Tensor: of NumPy's result
dtype, NumPy's shape (a 0-d Tensor where NumPy would return a scalar), holding exactly what the
same ufunc gives on independent NumPy copies (NumPy computes both: bit for bit), without
warnings. Binary ufuncs take (tensor, tensor), (tensor, ndarray) and (ndarray, tensor) alike.
Inputs ``t.numpy()`` refuses are refused with its message (requires grad, meta device,
dtypes NumPy lacks). ``out=`` takes an ndarray (the result is that array, written in place);
a tensor is no ndarray and is refused. ``np.sum(t)``, ``np.mean(t)``, ... are NumPy functions
over array_like input: they give what they give on the NumPy copy.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, expect_refused, expect_returned, observe
from bridgecheck.dtypes import torch_dtype_for
from bridgecheck.equality import arrays_bitwise_equal

from .operands import numpy_copy, small_arrays, small_tensors

UNARY = {name: getattr(np, name) for name in
         ("negative", "absolute", "sin", "exp", "sqrt", "floor", "sign", "isnan", "logical_not", "invert")}
BINARY = {name: getattr(np, name) for name in
          ("add", "multiply", "subtract", "maximum", "true_divide", "greater_equal", "equal", "logical_and")}
#: NumPy functions over array_like input that hand a non-ndarray to its own method first.
REDUCTIONS = {name: getattr(np, name) for name in ("sum", "mean", "max", "prod", "all", "argmax", "cumsum")}


def _numpy_result(fn, *operands):
    """What ``fn`` gives on NumPy copies (tensors replaced), or the exception it raises."""
    copies = [numpy_copy(x) if isinstance(x, torch.Tensor) else np.array(x, copy=True) for x in operands]
    with np.errstate(all="ignore"):
        return observe(fn, *copies)


def check_wrapped(call: Call, fn, *operands) -> None:
    """The ufunc contract for tensor operands that ``t.numpy()`` accepts."""
    want = _numpy_result(fn, *operands)
    with np.errstate(all="ignore"):
        result = observe(fn, *operands)
    if want.exc is not None:  # NumPy refuses these dtypes (np.invert on floats): so must this
        expect_refused(call, result)
        return
    if not expect_returned(call, result):
        return
    r, w = result.value, np.asarray(want.value)
    call.options["numpy_result_dtype"] = w.dtype.name  # a fact deviations may match
    expect(call, "warnings", result.warning_kinds(), [], detail="; ".join(str(w.message)[:120] for w in result.warnings))
    expect(call, "type", type(r).__name__, "Tensor")
    if not isinstance(r, torch.Tensor):
        return
    expect(call, "dtype", str(r.dtype), str(torch_dtype_for(w.dtype)))
    got = numpy_copy(r)
    # After a known dtype deviation (bool as uint8) the values are still NumPy's, cast.
    verdict = arrays_bitwise_equal(w.astype(got.dtype), got)
    expect(call, "shape", tuple(r.shape), w.shape)
    expect(call, "values", verdict.equal, True, detail=verdict.reason)


@pytest.mark.parametrize("name", list(UNARY))
@given(t=small_tensors())
def test_unary_ufunc_on_tensor_gives_the_numpy_result_as_a_tensor(name, t):
    check_wrapped(Call(f"np.{name}", f"np.{name}(t)", {"t": t}, {"ufunc": name}), UNARY[name], t.tensor)


@pytest.mark.parametrize("name", list(BINARY))
@given(x=small_tensors(), y=small_tensors(), a=small_arrays(), order=st.sampled_from(["t, u", "t, a", "a, t"]))
def test_binary_ufunc_with_tensors_and_arrays_gives_the_numpy_result_as_a_tensor(name, x, y, a, order):
    operands = {"t, u": (x, y), "t, a": (x, a), "a, t": (a, x)}[order]
    shapes = [tuple(o.value.shape) for o in operands]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        operands = (operands[0], operands[0])  # the same operand twice always broadcasts
        order = "t, t" if order != "a, t" else "a, a"
    names = order.split(", ")
    inputs = dict(zip(names, operands))
    call = Call(f"np.{name}", f"np.{name}({order})", inputs, {"ufunc": name, "operands": order})
    if order == "a, a":
        return  # no tensor left: not the bridge
    check_wrapped(call, BINARY[name], *(o.value for o in operands))


@pytest.mark.parametrize("name", ["sin", "add"])
@given(t=small_tensors(dtypes=("float32", "float64"), grad=True))
def test_ufunc_refuses_tensor_requiring_grad_like_numpy(name, t):
    fn = UNARY.get(name) or (lambda x: BINARY[name](x, x))
    call = Call(f"np.{name}", f"np.{name}(t)", {"t": t}, {"ufunc": name})
    expect_refused(call, observe(fn, t.tensor), "requires grad")


@pytest.mark.parametrize("recipe", [dict(dtype="float32", shape=(2,), device="meta"),
                                    dict(dtype="bfloat16", shape=(2,))], ids=["meta", "bfloat16"])
def test_ufunc_refuses_what_numpy_conversion_refuses(recipe):
    t = from_recipe("tensor", **recipe)
    call = Call("np.sin", "np.sin(t)", {"t": t})
    expected = observe(t.tensor.numpy)
    result = observe(np.sin, t.tensor)
    expect_refused(call, result)
    expect(call, "message is t.numpy()'s", result.message, expected.message)


@given(t=small_tensors(dtypes=("float32", "float64", "int64")))
def test_ufunc_out_ndarray_receives_the_result(t):
    x = t.tensor
    out = np.empty(tuple(x.shape), dtype=np.float64)
    call = Call("np.sin", "np.sin(t, out=o)", {"t": t}, {"ufunc": "sin", "out": "ndarray"})
    result = observe(np.sin, x, out=out)
    if not expect_returned(call, result):
        return
    expect(call, "result is the out array", result.value is out, True)
    verdict = arrays_bitwise_equal(np.sin(numpy_copy(x), out=np.empty_like(out)), out)
    expect(call, "values", verdict.equal, True, detail=verdict.reason)


@given(t=small_tensors(dtypes=("float32",)))
def test_ufunc_out_tensor_is_refused(t):
    a = np.ones(tuple(t.tensor.shape), dtype=np.float32)
    call = Call("np.sin", "np.sin(a, out=t)", {"t": t}, {"ufunc": "sin", "out": "tensor"})
    expect_refused(call, observe(np.sin, a, out=t.tensor))


@pytest.mark.parametrize("name", list(REDUCTIONS))
@given(t=small_tensors(dtypes=("int32", "float32", "float64")))
def test_numpy_function_on_tensor_gives_what_it_gives_on_the_array(name, t):
    call = Call(f"np.{name}", f"np.{name}(t)", {"t": t}, {"function": f"np.{name}"})
    want = _numpy_result(REDUCTIONS[name], t.tensor)
    result = observe(REDUCTIONS[name], t.tensor)
    expect(call, "raises", result.kind, want.kind, detail=result.message[:200])
    if result.exc is None and want.exc is None:
        got = numpy_copy(result.value) if isinstance(result.value, torch.Tensor) else np.asarray(result.value)
        verdict = arrays_bitwise_equal(np.asarray(want.value), got)
        expect(call, "values", verdict.equal, True, detail=verdict.reason)
