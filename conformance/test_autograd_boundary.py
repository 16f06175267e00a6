"""The autograd boundary of the bridge: detach, ``.data``, grad modes, leaves made from arrays.

Contract (torch docs): ``detach()`` "returns a new Tensor, detached from the current graph
... shares the same storage with the original one", so ``t.detach().numpy()`` (and the
legacy ``t.data.numpy()``) alias ``t``. ``numpy()`` refuses a tensor that requires grad only
while grad mode is on (torch 1.6, #38906): under ``torch.no_grad()`` and
``torch.inference_mode()`` it aliases. DLPack export refuses such a tensor in any mode
(``Tensor.__dlpack__``). ``torch.tensor(ndarray, requires_grad=True)`` "always copies data"
and gives a leaf; only floating point and complex tensors can require gradients; gradients
reach leaves made from arrays. Writes made through a NumPy alias bypass autograd's version
counter (autograd mechanics, "In-place correctness checks": the counter is bumped by torch
operations only): the hazard is stated as a property, next to the same write made by torch.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.contract import Call, expect, expect_returned, observe
from bridgecheck.dtypes import available
from bridgecheck.equality import bitwise_equal
from bridgecheck.expectations import expect_converted, expect_exported, expect_refusal
from bridgecheck.exporting import DLPACK_REFUSALS
from bridgecheck.strategies import PLAIN_VIEWS, arrays, numpy_dtypes, tensors

#: dtypes that can require grad and that NumPy has.
DIFFERENTIABLE = [torch.float16, torch.float32, torch.float64, torch.complex64, torch.complex128]
REAL = ["float16", "float32", "float64"]
#: layouts torch.tensor / from_numpy accept without warnings or read-only memory. Not
#: "unaligned": copying an unaligned complex128 array kills the process on torch 2.13 (a
#: numpy -> torch finding, left to the torch.tensor properties, which run copies isolated).
WRITABLE_LAYOUTS = ["c-order", "fortran", "transposed", "stepped", "offset"]

tracked = tensors(dtypes=DIFFERENTIABLE, views=PLAIN_VIEWS, grads=["leaf", "non-leaf"])
MODES = {"no_grad": torch.no_grad, "inference_mode": torch.inference_mode}


@given(case=tracked, route=st.sampled_from(["t.detach().numpy()", "t.data.numpy()"]))
def test_detached_tensors_export_aliases_of_the_original(case, route):
    t = case.tensor
    result = observe(lambda: t.detach().numpy() if route.startswith("t.detach") else t.data.numpy())
    call = Call("Tensor.numpy", route, {"t": case})
    expect_returned(call, result)
    expect_exported(call, t, result.value, shares=True)


@given(case=tracked, mode=st.sampled_from(sorted(MODES)))
def test_numpy_exports_grad_requiring_tensors_without_grad_mode(case, mode):
    t = case.tensor
    with MODES[mode]():
        result = observe(t.numpy)
    call = Call("Tensor.numpy", f"torch.{mode}()(lambda: t.numpy())()", {"t": case}, {"grad_mode": mode})
    expect_returned(call, result)
    expect_exported(call, t, result.value, shares=True)


@given(case=tracked, mode=st.sampled_from(sorted(MODES)))
def test_dlpack_refuses_grad_requiring_tensors_in_any_grad_mode(case, mode):
    t = case.tensor
    with MODES[mode]():
        result = observe(np.from_dlpack, t)
    call = Call("np.from_dlpack", f"torch.{mode}()(lambda: np.from_dlpack(t))()", {"t": case}, {"grad_mode": mode})
    expect_refusal(call, result, DLPACK_REFUSALS["requires_grad"])


@given(case=arrays(numpy_dtypes(names=REAL + ["complex64", "complex128"]), layouts=WRITABLE_LAYOUTS))
def test_tensor_with_requires_grad_is_an_independent_leaf(case):
    call = Call("torch.tensor", "torch.tensor(a, requires_grad=True)", {"a": case})
    result = observe(torch.tensor, case.array, requires_grad=True)
    expect_returned(call, result)
    expect_converted(call, case.array, result.value, shares=False, requires_grad=True)


@given(case=tensors(dtypes=available("bool", "int8", "uint8", "int32", "int64", "uint64"),
                    views=PLAIN_VIEWS))
def test_requires_grad_is_refused_for_integer_tensors(case):
    result = observe(case.tensor.requires_grad_)
    call = Call("Tensor.requires_grad_", "t.requires_grad_()", {"t": case})
    expect(call, "raises", result.kind, "RuntimeError", detail=result.message[:300])
    expect(call, "still not requiring grad", case.tensor.requires_grad, False)


LEAVES = {
    "torch.tensor(a, requires_grad=True)": lambda a: torch.tensor(a, requires_grad=True),
    "torch.from_numpy(a).requires_grad_()": lambda a: torch.from_numpy(a).requires_grad_(),
}


@given(case=arrays(numpy_dtypes(names=REAL), layouts=WRITABLE_LAYOUTS), route=st.sampled_from(sorted(LEAVES)))
def test_gradients_reach_leaves_made_from_arrays(case, route):
    """d/dt sum(t * t) = 2 t, exactly (doubling is exact in binary floating point)."""
    a = case.array
    t = LEAVES[route](a)
    (t * t).sum().backward()
    call = Call(route.split("(")[0], f"[(t := {route}), (t * t).sum().backward(), t.grad][-1]", {"a": case})
    expect(call, "is_leaf", t.is_leaf, True)
    with np.errstate(all="ignore"):  # inf and NaN double as they do in torch
        twice = np.asarray(a) + np.asarray(a)
    verdict = bitwise_equal(twice, t.grad) if t.grad is not None else None
    expect(call, "grad is 2 a", bool(verdict), True, detail=verdict.reason if verdict is not None else "t.grad is None")


ALIAS_ROUTES = {
    # route -> (leaf, its ndarray alias) from a fresh copy of the drawn array (the case's own
    # array is never written: Hypothesis replays it while shrinking)
    "torch.from_numpy(a).requires_grad_()": lambda a: (lambda n: (torch.from_numpy(n).requires_grad_(), n))(a.copy()),
    "torch.tensor(a, requires_grad=True).detach().numpy()":
        lambda a: (lambda t: (t, t.detach().numpy()))(torch.tensor(a, requires_grad=True)),
}
ALIAS_CODE = {
    "torch.from_numpy(a).requires_grad_()": "(n := a.copy()), (t := torch.from_numpy(n).requires_grad_())",
    "torch.tensor(a, requires_grad=True).detach().numpy()":
        "(t := torch.tensor(a, requires_grad=True)), (n := t.detach().numpy())",
}


@given(
    case=arrays(numpy_dtypes(names=REAL), layouts=["c-order", "transposed", "offset"], min_dims=1, min_side=1),
    route=st.sampled_from(sorted(ALIAS_ROUTES)),
)
def test_numpy_writes_bypass_the_version_counter(case, route):
    """A write through the ndarray alias of a leaf is invisible to autograd: ``_version``
    stays, and backward() silently uses the new values (the gradient of sum(t * t) is 2 × the
    *written* values). The same write made by torch bumps the counter."""
    t, alias = ALIAS_ROUTES[route](case.array)
    call = Call(
        "Tensor._version",
        f"[{ALIAS_CODE[route]}, (y := (t * t).sum()), (v := t._version), "
        f"n.__setitem__(Ellipsis, np.where(n == 3, 5, 3)), t._version - v][-1]",
        {"a": case},
        {"route": route},
    )
    y = (t * t).sum()
    before = t._version
    written = np.where(alias == 3, 5, 3).astype(alias.dtype)
    alias[...] = written
    expect(call, "version counter bumped by a NumPy write", t._version != before, False)
    backward = observe(y.backward)
    expect(call, "backward after the NumPy write raises", backward.kind, "returned", detail=backward.message[:300])
    verdict = bitwise_equal(written + written, t.grad)  # written holds 3s and 5s: no overflow
    expect(call, "grad is 2 × the written values", verdict.equal, True, detail=verdict.reason)
    with torch.no_grad():
        t.copy_(torch.zeros_like(t))
    expect(call, "version counter bumped by the same write through torch", t._version != before, True)
