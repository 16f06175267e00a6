"""Devices: transfers never change a bit, and a result on another device never aliases.

Contracts (torch docs): ``Tensor.cpu()`` / ``.to("cpu")`` return the tensor itself when it is
already on the CPU; ``.to(..., copy=True)`` always copies; ``as_tensor``/``asarray``/``tensor``
with ``device=`` copy to that device (``asarray(copy=False)`` raises when it cannot alias);
``Tensor.numpy()`` refuses tensors off the CPU and names ``Tensor.cpu()``; ``numpy(force=True)``
copies to the host; ``pin_memory()`` copies into page-locked memory; ``__dlpack_device__``
reports (kDLCPU=1, 0), (kDLCUDA=2, index) or (kDLCUDAHost=3, 0) for pinned memory.

Without CUDA the device-generic logic still runs: the meta device for refusals and conversions
that cannot carry data, CPU -> CPU ``.to(copy=True)`` for copies. CUDA properties carry the
``cuda`` marker (skipped with a reason where CUDA is absent; fatal in GPU mode).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.contract import Call, expect, expect_raises, expect_refused, expect_returned, observe
from bridgecheck.dtypes import torch_dtype_for
from bridgecheck.equality import bitwise_equal, tensor_bits
from bridgecheck.expectations import expect_bits, expect_sharing
from bridgecheck.strategies import arrays, tensors
from bridgecheck.versions import gate

# Unaligned inputs are left out: copying them can crash torch 2.13 (see deviations.toml,
# unaligned-complex128-copy-segfaults); the conversion table covers them under isolation.
ALIGNED_LAYOUTS = ["c-order", "fortran", "transposed", "stepped", "offset", "broadcast",
                   "as-strided", "size1-odd-strides", "readonly", "matrix", "masked", "memmap"]
aligned_arrays = arrays(layouts=ALIGNED_LAYOUTS)

TO_DEVICE = {
    "torch.as_tensor(a, device=dev)": lambda a, dev: torch.as_tensor(a, device=dev),
    "torch.asarray(a, device=dev)": lambda a, dev: torch.asarray(a, device=dev),
    "torch.tensor(a, device=dev)": lambda a, dev: torch.tensor(a, device=dev),
    "torch.from_numpy(a).to(dev)": lambda a, dev: torch.from_numpy(a).to(dev),
}


def _call(code: str, case, dev: str) -> Call:
    return Call(code.split("(")[0], code.replace("dev", repr(dev)), {"a": case}, {"device": dev})


# --- everywhere ------------------------------------------------------------------------------

@given(case=aligned_arrays)
def test_cpu_and_to_cpu_return_the_tensor_itself(case):
    call = Call("Tensor.cpu", "torch.from_numpy(a).cpu()", {"a": case})
    made = observe(torch.from_numpy, case.array)  # observed: a read-only array's warning stays out of the log
    if not expect_returned(call, made):
        return
    t = made.value
    expect(call, "t.cpu() is t", t.cpu() is t, True)
    expect(call, "t.to('cpu') is t", t.to("cpu") is t, True)
    expect(call, "t.to('cpu', non_blocking=True) is t", t.to("cpu", non_blocking=True) is t, True)


@given(case=aligned_arrays)
def test_to_with_copy_true_is_a_bit_exact_copy(case):
    call = Call("Tensor.to", "torch.from_numpy(a).to('cpu', copy=True)", {"a": case})
    result = observe(lambda: torch.from_numpy(case.array).to("cpu", copy=True))
    if expect_returned(call, result):
        expect_bits(call, case.array, result.value)
        expect_sharing(call, case.array, result.value, False)


@given(case=tensors(views=("contiguous", "transposed", "offset", "expanded", "conj", "neg"), grads=("plain", "leaf", "inference")))
def test_tensor_to_copy_true_keeps_every_bit(case):
    t = case.tensor
    call = Call("Tensor.to", "t.to('cpu', copy=True)", {"t": case})
    copy = t.to("cpu", copy=True)
    expect(call, "dtype", str(copy.dtype), str(t.dtype))
    expect(call, "bits", tensor_bits(copy) == tensor_bits(t), True)
    expect(call, "new storage", copy.numel() == 0 or copy.data_ptr() != t.data_ptr(), True)


@pytest.mark.parametrize("code", ["torch.as_tensor(a, device=dev)", "torch.asarray(a, device=dev)", "torch.tensor(a, device=dev)"])
@given(case=aligned_arrays)
def test_conversion_to_meta_keeps_shape_and_dtype(code, case):
    call = _call(code, case, "meta")
    result = observe(TO_DEVICE[code], case.array, "meta")
    if expect_returned(call, result):
        t = result.value
        expect(call, "device", t.device.type, "meta")
        expect(call, "shape", tuple(t.shape), case.array.shape)
        expect(call, "dtype", str(t.dtype), str(torch_dtype_for(case.array.dtype)))


@given(case=aligned_arrays)
def test_asarray_copy_false_refuses_a_device_change(case):
    call = _call("torch.asarray(a, device=dev, copy=False)", case, "meta")
    expect_raises(call, observe(torch.asarray, case.array, device="meta", copy=False), ValueError, "can't alias")


@given(case=tensors(devices=("cpu",), grads=("plain",)))
def test_dlpack_device_of_cpu_tensors(case):
    call = Call("Tensor.__dlpack_device__", "t.__dlpack_device__()", {"t": case})
    result = observe(case.tensor.__dlpack_device__)
    if expect_returned(call, result):
        expect(call, "device tuple", tuple(int(x) for x in result.value), (1, 0))


def test_pin_memory_refused_for_numpy_data_even_without_an_accelerator():
    call = Call("torch.tensor", "torch.tensor(np.zeros(3), pin_memory=True)", {})
    expect_raises(call, observe(torch.tensor, np.zeros(3), pin_memory=True), RuntimeError)


# --- CUDA ------------------------------------------------------------------------------------

cuda = pytest.mark.cuda


def on_cuda(**kwargs) -> st.SearchStrategy:
    """``tensors(devices=("cuda",), ...)``, built when first drawn: asking for cuda where it is
    absent is an error (strategies check eagerly), and these tests are skipped there anyway."""
    return st.deferred(lambda: tensors(devices=("cuda",), **kwargs))


@cuda
@pytest.mark.parametrize("code", list(TO_DEVICE))
@given(case=aligned_arrays)
def test_cuda_round_trip_is_bit_exact_and_never_aliases(code, case):
    call = _call(code, case, "cuda")
    result = observe(TO_DEVICE[code], case.array, "cuda")
    if not expect_returned(call, result):
        return
    t = result.value
    expect(call, "device", t.device.type, "cuda")
    back = t.cpu()
    verdict = bitwise_equal(case.array, back)
    expect(call, "bits after .cpu()", verdict.equal, True, detail=verdict.reason)
    verdict = bitwise_equal(case.array, t.to("cpu"))
    expect(call, "bits after .to('cpu')", verdict.equal, True, detail=verdict.reason)
    expect_sharing(call, case.array, back, False)


@cuda
@given(case=tensors(devices=("cpu",), grads=("plain", "leaf")))
def test_cuda_tensor_round_trip_keeps_every_bit(case):
    t = case.tensor
    call = Call("Tensor.to", "t.to('cuda').cpu()", {"t": case})
    result = observe(lambda: t.to("cuda").cpu())
    if expect_returned(call, result):
        expect(call, "dtype", str(result.value.dtype), str(t.dtype))
        expect(call, "bits", tensor_bits(result.value) == tensor_bits(t), True)


@cuda
@given(case=on_cuda(grads=("plain",), dtypes=(torch.float32, torch.float64, torch.int64, torch.complex64)))
def test_numpy_refuses_cuda_tensors_and_names_cpu(case):
    call = Call("Tensor.numpy", "t.numpy()", {"t": case})
    expect_raises(call, observe(case.tensor.numpy), TypeError, "Tensor.cpu()")
    call = Call("np.asarray", "np.asarray(t)", {"t": case})
    expect_raises(call, observe(np.asarray, case.tensor), TypeError, "Tensor.cpu()")


@cuda
@given(case=on_cuda(grads=("plain", "leaf"), views=("contiguous", "transposed", "offset", "conj", "neg"),
                    dtypes=(torch.float32, torch.float64, torch.complex64, torch.complex128)))
def test_numpy_force_copies_cuda_tensors_to_the_host(case):
    t = case.tensor
    call = Call("Tensor.numpy", "t.numpy(force=True)", {"t": case})
    result = observe(lambda: t.numpy(force=True))
    if expect_returned(call, result):
        expect(call, "bits", bitwise_equal(result.value, t.detach().cpu().resolve_conj().resolve_neg()).equal, True)


@cuda
@given(case=aligned_arrays)
def test_asarray_to_cuda_with_copy_false_is_refused(case):
    call = _call("torch.asarray(a, device=dev, copy=False)", case, "cuda")
    expect_raises(call, observe(torch.asarray, case.array, device="cuda", copy=False), ValueError, "can't alias")


@cuda
@given(case=arrays(layouts=["c-order", "fortran", "offset"], min_side=1))
def test_pin_memory_copies_and_a_non_blocking_copy_arrives_intact(case):
    call = Call("Tensor.pin_memory", "torch.from_numpy(a).pin_memory()", {"a": case})
    made = observe(lambda: torch.from_numpy(case.array).pin_memory())
    if not expect_returned(call, made):
        return
    pinned = made.value
    expect(call, "is_pinned", pinned.is_pinned(), True)
    expect_sharing(call, case.array, pinned, False)
    expect(call, "__dlpack_device__ of pinned memory", tuple(int(x) for x in pinned.__dlpack_device__()), (3, 0))
    on_gpu = pinned.to("cuda", non_blocking=True)
    torch.cuda.synchronize()
    verdict = bitwise_equal(case.array, on_gpu.cpu())
    expect(call, "bits after a non_blocking copy and synchronize", verdict.equal, True, detail=verdict.reason)
    expect(call, "__dlpack_device__ of a CUDA tensor", tuple(int(x) for x in on_gpu.__dlpack_device__()),
           (2, on_gpu.device.index))


@cuda
@given(case=on_cuda(grads=("plain",), views=("contiguous",), dtypes=(torch.float32, torch.int32)))
def test_np_from_dlpack_of_a_cuda_tensor(case):
    """NumPy only holds host memory: it refuses a CUDA capsule; from NumPy 2.1 (and torch 2.9,
    the DLPack 1.0 producer) ``device="cpu"`` asks the producer for a host copy instead."""
    t = case.tensor
    call = Call("np.from_dlpack", "np.from_dlpack(t)", {"t": case})
    expect_refused(call, observe(np.from_dlpack, t))
    if gate("np-from-dlpack-device"):
        call = Call("np.from_dlpack", "np.from_dlpack(t, device='cpu')", {"t": case})
        result = observe(np.from_dlpack, t, device="cpu")
        if expect_returned(call, result):
            expect(call, "bits", bitwise_equal(result.value, t.cpu()).equal, True)
