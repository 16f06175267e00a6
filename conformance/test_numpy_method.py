"""``Tensor.numpy()`` and ``Tensor.numpy(force=True)``: an alias, a documented copy, or a refusal.

Contract (torch docs, ``Tensor.numpy``): with ``force=False`` the conversion "is performed only
if the tensor is on the CPU, does not require grad, does not have its conjugate bit set, and
is a dtype and layout that NumPy supports"; the ndarray and the tensor share their storage.
The negative bit is refused as the conjugate bit is (torch 1.10, #61925); requires_grad only
while grad mode is on (torch 1.6, #38906). With ``force=True`` it "is equivalent to calling
``t.detach().cpu().resolve_conj().resolve_neg().numpy()``" and shares storage unless the
tensor is off the CPU or has its conjugate or negative bit set.

The dtype mapping is the inverse of ``torch.from_numpy``'s (uint16/32/64 included, torch 2.3);
an alias keeps the geometry (byte strides = element strides × itemsize). Which refusal wins
when several obstacles meet is not documented: ``bridgecheck.exporting.NUMPY_OBSTACLES``
states it and ``test_numpy_refusal_precedence`` holds torch to it.
"""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.cases import explicit, tensor_recipe
from bridgecheck.contract import Call, expect, expect_returned, observe
from bridgecheck.dtypes import NUMPY_LACKS
from bridgecheck.expectations import expect_exported, expect_refusal
from bridgecheck.exporting import NUMPY_REFUSALS, numpy_refusal
from bridgecheck.strategies import PLAIN_VIEWS, available_devices, exportable_tensors, tensors

#: Autograd states in which a tensor does not require grad.
UNTRACKED = ["plain", "detached", "inference"]
DIFFERENTIABLE = [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128]
#: dtypes with a NumPy counterpart that a negative-bit view exists for.
SIGNED = [torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.float32, torch.float64,
          torch.complex64, torch.complex128]
#: dtypes sparse tensors are drawn in (with and without a NumPy counterpart).
SPARSE = [torch.int8, torch.uint8, torch.int64, torch.float32, torch.bfloat16, torch.complex64]


def numpy_call(case, *, force: bool = False, grad_mode: bool = True) -> Call:
    code = "t.numpy(force=True)" if force else "t.numpy()"
    if not grad_mode:
        code = f"torch.no_grad()(lambda: {code})()"
    return Call("Tensor.numpy", code, {"t": case}, {"force": force, "grad_mode": grad_mode})


@given(case=exportable_tensors())
def test_numpy_aliases_exportable_tensors(case):
    t = case.tensor
    result = observe(t.numpy)
    call = numpy_call(case)
    expect_returned(call, result)
    expect_exported(call, t, result.value, shares=True)


@given(case=tensors(dtypes=DIFFERENTIABLE, grads=["leaf", "non-leaf"], views=PLAIN_VIEWS))
def test_numpy_refuses_requires_grad(case):
    result = observe(case.tensor.numpy)
    expect_refusal(numpy_call(case), result, NUMPY_REFUSALS["requires_grad"])


@given(case=tensors(dtypes=[torch.complex64, torch.complex128], views=["conj"], grads=UNTRACKED))
def test_numpy_refuses_conj_bit(case):
    result = observe(case.tensor.numpy)
    expect_refusal(numpy_call(case), result, NUMPY_REFUSALS["conj"])


@given(case=tensors(views=["neg"], grads=UNTRACKED, dtypes=SIGNED))
def test_numpy_refuses_neg_bit(case):
    result = observe(case.tensor.numpy)
    expect_refusal(numpy_call(case), result, NUMPY_REFUSALS["neg"])


@given(case=tensors(devices=[d for d in available_devices() if d != "cpu"], views=PLAIN_VIEWS, grads=UNTRACKED))
def test_numpy_refuses_tensors_off_the_cpu(case):
    result = observe(case.tensor.numpy)
    expect_refusal(numpy_call(case), result, NUMPY_REFUSALS["device"])


@given(case=tensors(dtypes=SPARSE, layouts=["sparse_coo", "sparse_csr"], grads=["plain"]))
def test_numpy_refuses_non_strided_layouts(case):
    result = observe(case.tensor.numpy)
    expect_refusal(numpy_call(case), result, NUMPY_REFUSALS["layout"])


@given(case=tensors(dtypes=NUMPY_LACKS, quantized=True, views=PLAIN_VIEWS, grads=UNTRACKED))
def test_numpy_refuses_dtypes_numpy_lacks(case):
    result = observe(case.tensor.numpy)
    expect_refusal(numpy_call(case), result, NUMPY_REFUSALS["dtype"])


# Every pair of obstacles the strategies can build, so each order is checked on every run.
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(2,), layout="sparse_coo", grad="leaf"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(2,), device="meta", grad="leaf"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="float32", shape=(2, 2), layout="sparse_csr", device="meta"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="complex64", shape=(2,), view="conj", grad="leaf"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="complex64", shape=(2,), view="conj", grad="leaf"), grad_mode=False)
@explicit(case=tensor_recipe(dtype="float32", shape=(2,), view="neg", grad="non-leaf"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="float32", shape=(2,), view="neg", device="meta"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(2,), view="neg", grad="leaf"), grad_mode=False)
@explicit(case=tensor_recipe(dtype="complex32", shape=(2,), view="neg"), grad_mode=True)
@given(
    case=tensors(devices=available_devices(), layouts=["strided", "sparse_coo", "sparse_csr"], quantized=True),
    grad_mode=st.booleans(),
)
def test_numpy_refusal_precedence(case, grad_mode):
    """Whatever obstacles meet, numpy() raises for the first of: layout, device,
    requires_grad (grad mode on), conj bit, neg bit, dtype; and exports when there is none."""
    t = case.tensor
    with torch.set_grad_enabled(grad_mode):
        result = observe(t.numpy)
        refusal = numpy_refusal(t)
    call = numpy_call(case, grad_mode=grad_mode)
    expect_refusal(call, result, refusal)
    if refusal is None:
        expect_exported(call, t, result.value, shares=True)


@explicit(case=tensor_recipe(dtype="float32", shape=(2, 3), view="transposed", axes=(1, 0), grad="leaf"))
@explicit(case=tensor_recipe(dtype="complex128", shape=(3,), view="conj"))
@explicit(case=tensor_recipe(dtype="int16", shape=(2,), view="neg", grad="inference"))
@given(case=tensors(devices=available_devices(), layouts=["strided", "sparse_coo", "sparse_csr"], quantized=True))
def test_numpy_force_is_the_documented_chain(case):
    """numpy(force=True) does what ``t.detach().cpu().resolve_conj().resolve_neg().numpy()``
    does (same value or same exception), and shares memory exactly when the tensor is on the
    CPU without conj/neg bit: requires_grad alone is no reason to copy."""
    t = case.tensor
    result = observe(t.numpy, force=True)
    chain = observe(lambda: t.detach().cpu().resolve_conj().resolve_neg().numpy())
    call = numpy_call(case, force=True)
    expect(call, "raises", result.kind, chain.kind, detail=result.message[:300] or chain.message[:300])
    if result.exc is None:
        shares = t.device.type == "cpu" and not (t.is_conj() or t.is_neg())
        expect_exported(call, t, result.value, shares=shares)
