"""``np.from_dlpack(t)`` and ``np.from_dlpack(t, copy=)``: torch as the DLPack producer.

Contract (array API standard, "Data interchange mechanisms"; ``numpy.from_dlpack``;
``Tensor.__dlpack__``): the consumer gets a view of the producer's memory (``copy=None``,
``copy=False``) or a copy (``copy=True``), with the same shape, dtype and strides.
``Tensor.__dlpack__`` refuses with ``BufferError`` what DLPack cannot carry: tensors that
require grad (whatever the grad mode: unlike ``numpy()``, torch 2.13 source), the conjugate
bit, non-strided layouts, the meta device, quantized dtypes; NumPy, the consumer, refuses the
dtypes it lacks (bfloat16, float8, complex32), with ``BufferError`` from NumPy 2.5 on. The negative bit is not
refused: what the export then holds is checked in ``test_exporter_consistency``.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from bridgecheck.cases import explicit, tensor_recipe
from bridgecheck.contract import Call, expect, expect_returned, observe
from bridgecheck.exporting import dlpack_refusal
from bridgecheck.expectations import expect_exported, expect_refusal
from bridgecheck.strategies import VIEWS, exportable_tensors, tensors
from bridgecheck.versions import skip_unless


def dlpack_call(case, copy=None, *, grad_mode: bool = True) -> Call:
    code = "np.from_dlpack(t)" if copy is None else f"np.from_dlpack(t, copy={copy})"
    if not grad_mode:
        code = f"torch.no_grad()(lambda: {code})()"
    return Call("np.from_dlpack", code, {"t": case}, {"copy": copy, "grad_mode": grad_mode})


def with_copy_keyword() -> None:
    skip_unless("np-from-dlpack-copy")


@given(case=exportable_tensors())
def test_from_dlpack_aliases_exportable_tensors(case):
    t = case.tensor
    result = observe(np.from_dlpack, t)
    call = dlpack_call(case)
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    expect_exported(call, t, result.value, shares=True)


@given(case=exportable_tensors(), copy=st.booleans())
def test_from_dlpack_copy_keyword(case, copy):
    """``copy=True`` gives independent memory, ``copy=False`` an alias (never a copy)."""
    with_copy_keyword()
    t = case.tensor
    result = observe(np.from_dlpack, t, copy=copy)
    call = dlpack_call(case, copy)
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    expect_exported(call, t, result.value, shares=not copy)


# Pairs of obstacles, so each order is checked on every run.
@explicit(case=tensor_recipe(dtype="complex64", shape=(2,), view="conj", grad="leaf"), grad_mode=False)
@explicit(case=tensor_recipe(dtype="complex64", shape=(2, 2), view="conj", device="meta"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="float32", shape=(2,), layout="sparse_coo", grad="leaf"), grad_mode=False)
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(2, 2), layout="sparse_csr", device="meta"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(2,), device="meta"), grad_mode=True)
@explicit(case=tensor_recipe(dtype="bfloat16", shape=(2,), grad="leaf"), grad_mode=False)
@explicit(case=tensor_recipe(dtype="qint8", shape=(2,), qparams=(1.0, 0)), grad_mode=True)
@given(
    case=tensors(devices=("cpu", "meta"), layouts=["strided", "sparse_coo", "sparse_csr"], quantized=True,
                 views=[v for v in VIEWS if v != "neg"]),
    grad_mode=st.booleans(),
)
def test_from_dlpack_refusal_precedence(case, grad_mode):
    """Whatever obstacles meet, the refusal is the first of: requires_grad (in any grad
    mode), conj bit, layout, device, quantized dtype (torch's BufferError), then a dtype
    NumPy lacks (NumPy's BufferError); with none, an alias."""
    t = case.tensor
    with torch.set_grad_enabled(grad_mode):
        result = observe(np.from_dlpack, t)
    refusal = dlpack_refusal(t)
    call = dlpack_call(case, grad_mode=grad_mode)
    expect_refusal(call, result, refusal)
    if refusal is None:
        expect_exported(call, t, result.value, shares=True)


@given(case=exportable_tensors(grads=("plain", "detached")))
def test_from_dlpack_of_a_writable_tensor_is_writable(case):
    """DLPack 1.0 carries a READ_ONLY flag; without it the consumer may write (array API
    standard, ``from_dlpack``). Older pairs could not say "writable" at all, so NumPy marked
    every import read-only: version entries in deviations.toml."""
    # Empty exports say nothing: NumPy makes every zero-size import writable.
    assume(case.tensor.numel() > 0)
    call = dlpack_call(case)
    result = observe(np.from_dlpack, case.tensor)
    if expect_returned(call, result):
        expect(call, "writeable", bool(result.value.flags.writeable), True)
