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
    obj: object = a
    while obj is not None:
        if isinstance(obj, mmap.mmap):
            return memoryview(obj).readonly
        obj = getattr(obj, "base", None)
    return False


def _writable_ranges() -> list[tuple[int, int]] | None:
    """Address ranges this process may write to (Linux: ``/proc/self/maps``), else None."""
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            lines = maps.readlines()
    except OSError:
        return None
    ranges = []
    for line in lines:
        span, perms = line.split(None, 2)[:2]
        if "w" in perms:
            lo, hi = span.split("-")
            ranges.append((int(lo, 16), int(hi, 16)))
    return ranges


def _writable(extent: Extent) -> bool:
    """Whether every byte of ``extent`` lies in memory mapped writable. Where the process
    map cannot be read, assume so (callers rule out read-only mmaps of arrays themselves)."""
    ranges = _writable_ranges()
    if ranges is None:
        return True
    position = extent.start
    for lo, hi in sorted(ranges):
        if lo <= position < hi:
            position = hi
            if position >= extent.stop:
                return True
    return False


class _Window:
    """Exposes raw memory to NumPy through ``__array_interface__``; keeps ``owner`` alive."""

    def __init__(self, pointer: int, shape, strides, owner, *, readonly: bool) -> None:
        self.__array_interface__ = {
            "version": 3, "typestr": "|u1", "data": (pointer, readonly),
            "shape": tuple(shape), "strides": tuple(strides),
        }
        self.owner = owner


def _array_bytes_at(pointer: int, shape, byte_strides, itemsize: int, owner, *, readonly: bool = False) -> np.ndarray:
    window = _Window(pointer, tuple(shape) + (itemsize,), tuple(byte_strides) + (1,), owner, readonly=readonly)
    return np.asarray(window)


def _array_bytes(a: np.ndarray, *, readonly: bool = False) -> np.ndarray:
    """``a``'s element bytes as a uint8 array of shape ``a.shape + (itemsize,)`` on the same
    memory (any strides: negative, zero, off the item grid; flags of ``a`` not consulted)."""
    pointer = a.__array_interface__["data"][0]
    return _array_bytes_at(pointer, a.shape, a.strides, a.itemsize, a, readonly=readonly)


def _tensor_bytes(t: torch.Tensor) -> np.ndarray:
    """A CPU tensor's element bytes as a writable uint8 ndarray of shape
    ``t.shape + (element_size,)`` on the same memory, by address: no bridge, no conj/neg
    bits, no autograd, and (unlike torch) no objection to writing overlapping elements."""
    size = t.element_size()
    return _array_bytes_at(t.data_ptr(), tuple(t.shape), tuple(s * size for s in t.stride()), size, t)


def _changes(write, fills, read) -> bool:
    """Whether filling one side with each of ``fills`` changes what ``read`` sees.

    Two fills, 0x00 and 0x01 in every byte: whatever the other side held before, shared
    bytes end up different from it after at least one of them. 0x01 rather than 0xFF so a
    bool reads it as True without normalising it.
    """
    before = read()
    for fill in fills:
        write(fill)
        if read() != before:
            return True
    return False


def write_through(a: np.ndarray, t: torch.Tensor) -> bool | None:
    """Whether bytes written into ``a``'s elements show up in ``t`` (or, when ``a`` is
    read-only, bytes written into ``t``'s elements show up in ``a``).

    Every element is written at once, so the answer is exact at element level: interleaved
    views that merely share an address range are told apart, and overlap anywhere in a large
    array is found. The original bytes are restored afterwards. Returns None when no
    experiment is safe or possible: no writable side (a read-only mmap would segfault), or
    ``t`` without memory (meta, sparse), or either side zero-size.
    """
    if t.device.type != "cpu" or t.layout != torch.strided or a.size == 0 or t.numel() == 0:
        return None
    a = a.view(np.ndarray) if isinstance(a, np.ndarray) else np.asarray(a)  # subclasses: data only
    if a.flags.writeable and not _on_readonly_mapping(a) and _writable(array_extent(a)):
        cells = _array_bytes(a)
        plain = plain_view(t)

        def read() -> bytes:
            return tensor_bits(plain)

    elif _writable(tensor_extent(t)):
        cells = _tensor_bytes(t)
        view = _array_bytes(a, readonly=True)

        def read() -> bytes:
            return view.tobytes()

    else:
        return None
    saved = cells.copy()

    def write(fill: int) -> None:
        cells[...] = fill

    try:
        return _changes(write, (0x00, 0x01), read)
    finally:
        cells[...] = saved
