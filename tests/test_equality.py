"""``bitwise_equal`` compares bits, not values: NaN payloads, the sign of zero and both parts
of complex numbers count, and a difference is reported at the first element that has it."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from bridgecheck.equality import arrays_bitwise_equal, bitwise_equal, tensor_bits

SIGNED = {2: torch.int16, 4: torch.int32, 8: torch.int64}


def floats(bits: list[int], dtype: str) -> np.ndarray:
    """Array of ``dtype`` holding exactly these bit patterns (no float arithmetic on the way)."""
    itemsize = np.dtype(dtype).itemsize
    return np.array(bits, dtype=f"<u{itemsize}").view(dtype)


def tensor_of(bits: list[int], dtype: torch.dtype) -> torch.Tensor:
    """Tensor of ``dtype`` holding exactly these bit patterns, made without the bridge."""
    size = dtype.itemsize
    signed = [b - (1 << 8 * size) if b >> (8 * size - 1) else b for b in bits]
    return torch.tensor(signed, dtype=SIGNED[size]).view(dtype)


QNAN = 0x7FF8000000000000


def test_nan_payloads_are_told_apart():
    a = floats([QNAN | 1], "float64")
    same, other = tensor_of([QNAN | 1], torch.float64), tensor_of([QNAN], torch.float64)
    assert np.isnan(a[0]) and torch.isnan(other[0])
    assert bitwise_equal(a, same)
    verdict = bitwise_equal(a, other)
    assert not verdict
    assert "element 0" in verdict.reason
    assert "0x7ff8000000000001" in verdict.reason and "0x7ff8000000000000" in verdict.reason, verdict.reason


@pytest.mark.parametrize(
    "dtype,tdtype,x,y",
    [
        ("float32", torch.float32, 0x7FC00001, 0x7FC00000),  # quiet NaN payloads
        ("float32", torch.float32, 0x7F800001, 0x7FC00001),  # signalling vs quiet
        ("float32", torch.float32, 0xFFC00000, 0x7FC00000),  # sign of a NaN
        ("float16", torch.float16, 0x7E01, 0x7E00),
        ("float64", torch.float64, 0xFFF8000000000000, 0x7FF8000000000000),
    ],
)
def test_nan_bits_of_every_width(dtype, tdtype, x, y):
    a = floats([0, x], dtype)
    assert bitwise_equal(a, tensor_of([0, x], tdtype))
    verdict = bitwise_equal(a, tensor_of([0, y], tdtype))
    assert not verdict and "element 1" in verdict.reason
    assert f"0x{x:0{2 * a.itemsize}x}" in verdict.reason and f"0x{y:0{2 * a.itemsize}x}" in verdict.reason, verdict.reason


def test_signed_zeros_are_told_apart():
    a = np.array([1.0, -0.0, 2.0])
    assert bitwise_equal(a, tensor_of([0x3FF0000000000000, 0x8000000000000000, 0x4000000000000000], torch.float64))
    verdict = bitwise_equal(a, tensor_of([0x3FF0000000000000, 0, 0x4000000000000000], torch.float64))
    assert not verdict
    assert "element 1" in verdict.reason and "0x8000000000000000" in verdict.reason, verdict.reason
    assert np.array_equal(a, np.array([1.0, 0.0, 2.0]))  # what == would have said


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_both_complex_parts_count(dtype):
    a = np.array([1 + 2j, complex(3.0, -0.0)], dtype=dtype)
    tdtype = torch.complex64 if dtype == np.complex64 else torch.complex128
    # Real part differs in element 0; only the sign of the imaginary zero in element 1.
    real = torch.tensor([1.5 + 2j, complex(3.0, -0.0)], dtype=tdtype)
    imag = torch.tensor([1 + 2j, complex(3.0, 0.0)], dtype=tdtype)
    same = torch.tensor([1 + 2j, complex(3.0, -0.0)], dtype=tdtype)
    assert bitwise_equal(a, same)
    verdict = bitwise_equal(a, real)
    assert not verdict and "element 0" in verdict.reason, verdict.reason
    verdict = bitwise_equal(a, imag)
    assert not verdict and "element 1" in verdict.reason, verdict.reason


def test_first_difference_is_named_in_c_order():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = torch.arange(12, dtype=torch.int32).reshape(3, 4)
    t[2, 1] = 99
    t[2, 3] = 98
    verdict = bitwise_equal(a, t)
    assert not verdict and verdict.reason.startswith("element 9 (C order)"), verdict.reason
    assert "0x00000009" in verdict.reason and "0x00000063" in verdict.reason, verdict.reason
    # Same logical elements through strided views on both sides.
    verdict = bitwise_equal(a.T, t.T)
    assert not verdict and "element 5 (C order)" in verdict.reason, verdict.reason  # (1, 2) of the transpose


def test_dtype_and_shape_mismatches():
    a = np.zeros((2, 3), dtype=np.float32)
    verdict = bitwise_equal(a, torch.zeros(2, 3, dtype=torch.float64))
    assert not verdict and "dtype" in verdict.reason and "float64" in verdict.reason and "float32" in verdict.reason
    verdict = bitwise_equal(a, torch.zeros(3, 2, dtype=torch.float32))
    assert not verdict and "shape" in verdict.reason and "(3, 2)" in verdict.reason and "(2, 3)" in verdict.reason
    verdict = bitwise_equal(a, torch.zeros(6, dtype=torch.float32))
    assert not verdict and "shape" in verdict.reason
    # An explicit target dtype replaces the mapped one.
    assert bitwise_equal(np.zeros(2, dtype=np.int32), torch.zeros(2, dtype=torch.float32), dtype=torch.float32)
    verdict = bitwise_equal(np.zeros(2, dtype=np.int32), torch.zeros(2, dtype=torch.float32), dtype=torch.int64)
    assert not verdict and "dtype" in verdict.reason


def test_bool_compares_by_truth_value():
    raw = np.array([0, 1, 2], dtype=np.uint8).view(np.bool_)
    assert bitwise_equal(raw, torch.tensor([False, True, True]))
    verdict = bitwise_equal(raw, torch.tensor([False, True, False]))
    assert not verdict and "element 2" in verdict.reason


def test_byte_order_views_and_bits_are_resolved():
    big = np.array([1.5, -0.0], dtype=">f8")
    assert bitwise_equal(big, torch.tensor([1.5, -0.0], dtype=torch.float64))
    z = torch.tensor([1 + 2j, complex(-3.0, 0.0)], dtype=torch.complex64)
    # Python's -3 - 0j has imaginary part +0.0; complex() spells the signed zeros out.
    assert bitwise_equal(np.array([1 - 2j, complex(-3.0, -0.0)], dtype=np.complex64), z.conj())
    assert bitwise_equal(np.array([-1 - 2j, complex(3.0, -0.0)], dtype=np.complex64), torch._neg_view(z))
    assert not bitwise_equal(np.array([1 + 2j, complex(-3.0, 0.0)], dtype=np.complex64), z.conj())
    assert bitwise_equal(np.ma.masked_array([1.0, 2.0], mask=[True, False]), torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert bitwise_equal(np.zeros((0, 3)), torch.zeros(0, 3, dtype=torch.float64))
    with torch.inference_mode():
        inference = torch.tensor([0.5], dtype=torch.float64)
    assert bitwise_equal(np.array([0.5]), inference)


def test_tensor_bits_of_views_and_odd_strides():
    base = torch.arange(24, dtype=torch.int16).reshape(2, 3, 4)
    view = base.permute(2, 0, 1)[1:, :, ::2]
    assert tensor_bits(view) == view.contiguous().numpy(force=True).tobytes()
    expanded = torch.tensor([7], dtype=torch.int8).expand(3)
    assert tensor_bits(expanded) == b"\x07\x07\x07"
    size1 = torch.empty_strided((1, 2), (1000, 1), dtype=torch.uint8).fill_(5)
    assert tensor_bits(size1) == b"\x05\x05"
    assert tensor_bits(torch.zeros(0, 3)) == b""


def test_arrays_bitwise_equal():
    a = floats([QNAN | 1, 0x8000000000000000], "float64")
    assert arrays_bitwise_equal(a, a.copy())
    assert arrays_bitwise_equal(a, a.astype(">f8"))  # byte order aside
    verdict = arrays_bitwise_equal(a, floats([QNAN, 0x8000000000000000], "float64"))
    assert not verdict and "element 0" in verdict.reason
    verdict = arrays_bitwise_equal(a, floats([QNAN | 1, 0], "float64"))
    assert not verdict and "element 1" in verdict.reason
    assert "shape" in arrays_bitwise_equal(a, a[:1]).reason
    assert "dtype" in arrays_bitwise_equal(a, a.view(np.int64)).reason
