"""Does an array share memory with a tensor? Two independent answers.

``shares_memory`` reasons about addresses: each side's byte extent from its data pointer,
shape, strides and item size. ``write_through`` experiments: it writes a distinguishable byte
pattern into one side, looks for it on the other, and restores the original bytes. Properties
assert both, so a bug in either method shows up as a disagreement instead of a false pass.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass

import numpy as np
import torch

from bridgecheck.equality import tensor_bits


@dataclass(frozen=True)
class Extent:
    """Half-open byte range ``[start, stop)``; empty when the object holds no element."""

    start: int
    stop: int

    @property
    def empty(self) -> bool:
        return self.stop <= self.start

    def overlaps(self, other: Extent) -> bool:
        return not (self.empty or other.empty) and self.start < other.stop and other.start < self.stop


def _extent(pointer: int, shape, byte_strides, itemsize: int) -> Extent:
    if any(n == 0 for n in shape):
        return Extent(pointer, pointer)
    low = sum((n - 1) * s for n, s in zip(shape, byte_strides) if s < 0)
    high = sum((n - 1) * s for n, s in zip(shape, byte_strides) if s > 0)
    return Extent(pointer + low, pointer + high + itemsize)


def array_extent(a: np.ndarray) -> Extent:
    """Bytes an ndarray's elements occupy (stride 0 and negative strides included)."""
    a = np.asarray(a) if not isinstance(a, np.ndarray) else a
    pointer = a.__array_interface__["data"][0]
    return _extent(pointer, a.shape, a.strides, a.dtype.itemsize)


def tensor_extent(t: torch.Tensor) -> Extent:
    """Bytes a strided tensor's elements occupy; empty for meta and non-strided tensors."""
    if t.layout != torch.strided or t.device.type == "meta":
        return Extent(0, 0)
    size = t.element_size()
    return _extent(t.data_ptr(), t.shape, [s * size for s in t.stride()], size)


def shares_memory(a: np.ndarray, t: torch.Tensor) -> bool:
    """Whether the byte extents of ``a`` and ``t`` overlap (address arithmetic only).

    Extents are conservative: two interleaved views with disjoint elements (``x[::2]`` and
    ``x[1::2]``) count as overlapping, as ``np.may_share_memory`` would say. The bridge never
    produces such pairs, and ``write_through`` tells them apart where it matters.
    """
    if t.device.type not in ("cpu",):
        return False  # another address space (cuda) or none at all (meta)
    return array_extent(a).overlaps(tensor_extent(t))


def plain_view(t: torch.Tensor) -> torch.Tensor:
    """``t`` without grad tracking and without conj/neg bits, still on the same memory: what
    its storage holds, not the values the bits say it stands for."""
    t = t.detach()
    if t.is_conj():
        t = t.conj()  # conj of a conj view clears the bit without copying
    if t.is_neg():
        t = torch._neg_view(t)  # likewise for the negative bit
    return t


def _on_readonly_mapping(a: np.ndarray) -> bool:
    """True when ``a``'s memory is a read-only mmap: writing there kills the process."""
    obj = a
    while obj is not None:
        if isinstance(obj, mmap.mmap):
            return memoryview(obj).readonly
        obj = getattr(obj, "base", None)
    return False


def _array_slots(a: np.ndarray, limit: int):
    """Up to ``limit`` one-element byte views into ``a`` (each a writable uint8 array)."""
    plain = a.view(np.ndarray)
    for count, index in enumerate(np.ndindex(plain.shape)):
        if count >= limit:
            return
        cell = plain[index + (Ellipsis,)].reshape(1)
        yield cell.view(np.uint8)


def _truth_flip(byte: np.ndarray) -> np.ndarray:
    """A bool's byte with its truth value flipped: torch reads any non-zero byte as True and
    normalises it when copying, so inverting 0x01 to 0xFE would go unnoticed."""
    return (byte == 0).astype(np.uint8)


def write_through(a: np.ndarray, t: torch.Tensor, *, limit: int = 64) -> bool | None:
    """Whether a byte written into ``a`` shows up in ``t`` (or one written into ``t`` in ``a``).

    Writes go to the writable side; the original bytes are restored afterwards. Returns None
    when no experiment is safe or possible: both sides read-only, ``a`` on a read-only mapping
    (a write would segfault), ``t`` without memory (meta, sparse) or zero-size.
    """
    if t.device.type != "cpu" or t.layout != torch.strided or a.size == 0 or t.numel() == 0:
        return None
    if _on_readonly_mapping(a):
        return None
    if a.flags.writeable:
        before = tensor_bits(plain_view(t))
        flip = _truth_flip if a.dtype.kind == "b" else np.invert
        for cell in _array_slots(a, limit):
            saved = cell.copy()
            cell[...] = flip(saved)
            try:
                changed = tensor_bits(plain_view(t)) != before
            finally:
                cell[...] = saved
            if changed:
                return True
        return False
    # Read-only array on ordinary memory: experiment from the tensor side instead.
    # Inference tensors may only be written inside inference mode.
    with torch.inference_mode(t.is_inference()):
        return _write_from_tensor(a, plain_view(t), limit)


def _write_from_tensor(a: np.ndarray, plain: torch.Tensor, limit: int) -> bool:
    before = np.asarray(a).tobytes()
    for count, index in enumerate(np.ndindex(tuple(plain.shape))):
        if count >= limit:
            break
        cell = plain[index + (Ellipsis,)].reshape(1).view(torch.uint8)
        saved = cell.clone()
        cell.bitwise_not_()
        try:
            changed = np.asarray(a).tobytes() != before
        finally:
            cell.copy_(saved)
        if changed:
            return True
    return False
