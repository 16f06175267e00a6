"""Bitwise equality of an array and a tensor.

Values compare by their bits, never by ``==``: NaN payloads, the sign of zero and both parts
of complex numbers must survive the bridge, and ``nan != nan`` would hide a lost payload.
Tensor bits are read at the tensor's own addresses (``data_ptr``, strides, element size), with
conj/neg bits resolved by torch on a copy, never through the bridge the check is judging.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from bridgecheck.dtypes import torch_dtype_for, torch_name


@dataclass(frozen=True)
class Verdict:
    """Outcome of a comparison; falsy when the two differ, with ``reason`` saying how."""

    equal: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.equal


class _Memory:
    """Raw host memory for NumPy (``__array_interface__``), kept alive through ``owner``."""

    def __init__(self, pointer: int, shape, byte_strides, itemsize: int, owner) -> None:
        self.__array_interface__ = {
            "version": 3, "typestr": "|u1", "data": (pointer, True),
            "shape": tuple(shape) + (itemsize,), "strides": tuple(byte_strides) + (1,),
        }
        self.owner = owner


def _host_bytes(t: torch.Tensor) -> bytes:
    """Element bytes of a CPU strided tensor in C order, read at its addresses.

    No torch kernel touches ``t`` itself: torch 2.13 segfaults copying a 1-D complex128
    tensor whose data pointer is not 16-byte aligned (``from_numpy`` of an unaligned array
    makes one), and a checker that crashes on the input it judges reports nothing.
    """
    size = t.element_size()
    strides = [s * size for s in t.stride()]
    return np.asarray(_Memory(t.data_ptr(), t.shape, strides, size, t)).tobytes()


def tensor_bits(t: torch.Tensor) -> bytes:
    """Raw element bytes of ``t`` in C order, conj/neg bits resolved, on the host."""
    if t.numel() == 0:
        return b""
    if t.device.type == "cpu" and t.layout == torch.strided and not t.is_quantized:
        raw = _host_bytes(t)
        if not (t.is_conj() or t.is_neg()):
            return raw
        # Resolve the bits on an aligned copy of the bytes, by torch's own rules.
        copy = torch.frombuffer(bytearray(raw), dtype=torch.uint8).clone().view(t.dtype).view(t.shape)
        if t.is_conj():
            copy = copy.conj()
        if t.is_neg():
            copy = torch._neg_view(copy)
        return _host_bytes(copy.resolve_conj().resolve_neg().contiguous())
    plain = t.detach().cpu().resolve_conj().resolve_neg()
    # A fresh buffer with standard strides: .contiguous() may keep odd strides of size-1
    # axes, and viewing those as bytes fails.
    dense = torch.empty(plain.numel(), dtype=plain.dtype)
    dense.view(plain.shape).copy_(plain)
    return _host_bytes(dense)


def array_bits(a: np.ndarray) -> bytes:
    """Raw element bytes of ``a`` in C order and native byte order."""
    a = np.asarray(a.data if isinstance(a, np.ma.MaskedArray) else a)
    native = a.astype(a.dtype.newbyteorder("="), copy=False)
    return np.ascontiguousarray(native).tobytes()


def _first_difference(x: bytes, y: bytes, itemsize: int) -> str:
    for i in range(0, min(len(x), len(y)), itemsize):
        if x[i : i + itemsize] != y[i : i + itemsize]:
            return (
                f"element {i // itemsize} (C order): array bits "
                f"0x{x[i:i + itemsize][::-1].hex()}, tensor bits 0x{y[i:i + itemsize][::-1].hex()}"
            )
    return f"byte lengths differ: {len(x)} vs {len(y)}"


def bitwise_equal(a: np.ndarray, t: torch.Tensor, *, dtype: torch.dtype | None = None) -> Verdict:
    """Same shape, the mapped dtype (or ``dtype``), and identical bits element by element.

    Bool compares by truth value: torch and NumPy both normalise a stored 0x02 to True on
    reads, and the raw byte is not part of either library's contract.
    """
    a = np.asarray(a) if not isinstance(a, np.ndarray) else a
    if tuple(t.shape) != a.shape:
        return Verdict(False, f"shape {tuple(t.shape)} != array shape {a.shape}")
    want = dtype if dtype is not None else torch_dtype_for(a.dtype)
    if t.dtype != want:
        return Verdict(False, f"dtype {t.dtype} != {want} (from numpy {a.dtype})")
    x = array_bits(a)
    y = tensor_bits(t)
    if t.dtype == torch.bool:
        x, y = bytes(b != 0 for b in x), bytes(b != 0 for b in y)
    if x != y:
        return Verdict(False, _first_difference(x, y, t.element_size()))
    return Verdict(True)


def values_equal(a: np.ndarray, t: torch.Tensor) -> Verdict:
    """Same shape and the same values, NaN equal to NaN whatever its payload, -0.0 apart
    from 0.0: the contract of a cast, where payloads are not promised by either library.
    """
    a = np.asarray(a)
    if tuple(t.shape) != a.shape:
        return Verdict(False, f"shape {tuple(t.shape)} != array shape {a.shape}")
    want = a.astype(a.dtype.newbyteorder("="), copy=False)
    dense = np.frombuffer(tensor_bits(t), dtype=np.dtype(torch_name(t.dtype))).reshape(a.shape)
    for i, (x, y) in enumerate(zip(want.reshape(-1).tolist(), dense.reshape(-1).tolist())):
        same = (x == y and np.signbit(np.real(x)) == np.signbit(np.real(y))) or (
            isinstance(x, (float, complex)) and np.isnan(x) and np.isnan(y)
        )
        if not same:
            return Verdict(False, f"element {i} (C order): expected {x!r}, tensor holds {y!r}")
    return Verdict(True)


def arrays_bitwise_equal(a: np.ndarray, b: np.ndarray) -> Verdict:
    """Same shape, same dtype (byte order aside) and identical bits, for two arrays."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return Verdict(False, f"shape {b.shape} != {a.shape}")
    if a.dtype.newbyteorder("=") != b.dtype.newbyteorder("="):
        return Verdict(False, f"dtype {b.dtype} != {a.dtype}")
    x, y = array_bits(a), array_bits(b)
    if x != y:
        return Verdict(False, _first_difference(x, y, a.dtype.itemsize))
    return Verdict(True)



# --- torch -> NumPy / Python: reference values read without the bridge ----------------------

#: Exact widenings for dtypes NumPy lacks: every value of the source is a value of the target.
_WIDER = {
    "bfloat16": torch.float32,
    "complex32": torch.complex64,
    "float8_e4m3fn": torch.float32,
    "float8_e5m2": torch.float32,
    "float8_e4m3fnuz": torch.float32,
    "float8_e5m2fnuz": torch.float32,
    "float8_e8m0fnu": torch.float32,
}


def logical_values(t: torch.Tensor) -> np.ndarray:
    """The values ``t`` stands for (conj/neg bits applied) as a fresh C-order ndarray.

    Built from ``tensor_bits`` and ``np.frombuffer``, never through ``numpy()``, ``__array__``
    or DLPack. Dtypes NumPy lacks are widened exactly by torch first (bfloat16 and float8 to
    float32, complex32 to complex64); quantized tensors give their dequantized values.
    Sparse tensors are densified. Raises for tensors without data (meta).
    """
    t = t.detach()
    if t.layout != torch.strided:
        t = t.to_dense()
    if t.is_quantized:
        t = t.dequantize()
    wider = _WIDER.get(torch_name(t.dtype))
    if wider is not None:
        t = t.resolve_conj().resolve_neg().to(wider)
    from bridgecheck.dtypes import numpy_dtype_for

    dtype = numpy_dtype_for(t.dtype)
    return np.frombuffer(tensor_bits(t), dtype=dtype).reshape(tuple(t.shape)).copy()


def same_python_number(got, want) -> bool:
    """Same Python type and value; NaN equals NaN and the sign of zero counts (floats and
    both parts of complex numbers). NaN payloads are not part of Python's number contract."""
    if type(got) is not type(want):
        return False
    if isinstance(want, complex):
        return same_python_number(got.real, want.real) and same_python_number(got.imag, want.imag)
    if isinstance(want, float):
        if want != want:
            return got != got
        return got == want and math.copysign(1.0, got) == math.copysign(1.0, want)
    return got == want


def python_values_equal(got, want, path: str = "") -> Verdict:
    """``got`` (from ``tolist()``/``item()``) has ``want``'s nesting, types and values."""
    if isinstance(want, list):
        if not isinstance(got, list):
            return Verdict(False, f"at {path or 'top'}: {type(got).__name__} where a list of {len(want)} was expected")
        if len(got) != len(want):
            return Verdict(False, f"at {path or 'top'}: {len(got)} items, expected {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            verdict = python_values_equal(g, w, f"{path}[{i}]")
            if not verdict:
                return verdict
        return Verdict(True)
    if not same_python_number(got, want):
        return Verdict(False, f"at {path or 'top'}: {got!r} ({type(got).__name__}), "
                              f"expected {want!r} ({type(want).__name__})")
    return Verdict(True)
