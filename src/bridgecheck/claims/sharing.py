"""Claims about which conversions share memory and which copy."""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck import memory
from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import (
    array_write_reaches,
    describe_warning,
    shares,
    tensor_write_reaches,
    with_warnings,
)

TOPIC = "sharing"


def _from_numpy_sees_array_writes() -> Finding:
    a = np.array([1.0, 2.0, 3.0])
    t = torch.from_numpy(a)
    seen = array_write_reaches(a, t)
    same_pointer = t.data_ptr() == a.__array_interface__["data"][0]
    return Finding.decide(seen, f"array write seen by the tensor: {seen}; same data pointer: {same_pointer}")


def _from_numpy_tensor_writes() -> Finding:
    a = np.array([1.0, 2.0, 3.0])
    t = torch.from_numpy(a)
    seen = tensor_write_reaches(t, a)
    return Finding.decide(seen, f"tensor write seen in the array: {seen}")


def _tensor_copies() -> Finding:
    a = np.array([1, 2, 3])
    t = torch.tensor(a)
    seen = array_write_reaches(a, t)
    overlap = memory.shares_memory(a, t)
    return Finding.decide(
        not seen and not overlap,
        f"array write seen by the tensor: {seen}; memory ranges overlap: {overlap}",
    )


def _np_array_of_tensor_shares() -> Finding:
    t = torch.arange(4.0)
    a, caught = with_warnings(lambda: np.array(t))
    shared = shares(a, t)
    # What does share, for contrast: the reader wanted a zero-copy path.
    asarray_shares = shares(np.asarray(t), t)
    notes = "; ".join(describe_warning(w) for w in caught) or "no warning"
    return Finding.decide(
        shared,
        f"np.array(tensor) shares: {shared} (np.asarray(tensor) shares: {asarray_shares}); emitted {notes}",
    )


def _both_directions_share() -> Finding:
    a = np.arange(4.0)
    t = torch.arange(4.0)
    to_torch = {
        "torch.from_numpy": lambda: torch.from_numpy(a),
        "torch.as_tensor": lambda: torch.as_tensor(a),
        "torch.asarray": lambda: torch.asarray(a),
        "torch.tensor": lambda: torch.tensor(a),
    }
    to_numpy = {
        "Tensor.numpy": lambda: t.numpy(),
        "np.asarray": lambda: np.asarray(t),
        "np.array": lambda: np.array(t),
    }
    shared, copied = [], []
    for name, make in to_torch.items():
        (shared if shares(a, with_warnings(make)[0]) else copied).append(name)
    for name, make in to_numpy.items():
        (shared if shares(with_warnings(make)[0], t) else copied).append(name)
    if not copied:
        return Finding.decide(True, f"every path shares: {', '.join(shared)}")
    if not shared:
        return Finding.decide(False, f"every path copies: {', '.join(copied)}")
    return Finding.conditional(f"via {', '.join(shared)}", f"these copy: {', '.join(copied)}")


def _reshape_breaks_link() -> Finding:
    a = np.arange(6.0).reshape(2, 3)
    t = torch.from_numpy(a)
    plain = shares(a, t.reshape(3, 2))
    transposed = shares(a, t.T.reshape(6))
    evidence = (
        f"reshape of the contiguous tensor shares: {plain}; reshape of its transpose shares: {transposed}"
    )
    if plain and not transposed:
        return Finding.conditional("when no view is possible (a copy is then made)", evidence)
    return Finding.decide(not plain and not transposed, evidence)


def _math_breaks_link() -> Finding:
    a = np.arange(3.0)
    t = torch.from_numpy(a)
    out_of_place = shares(a, t + 1)
    t.add_(1)
    in_place_seen = bool(a[0] == 1.0)
    return Finding.decide(
        not out_of_place and in_place_seen,
        f"t + 1 shares with the array: {out_of_place}; t.add_(1) visible in the array: {in_place_seen}",
    )


def _sharing_is_consistent() -> Finding:
    # Many allocation sizes and dtypes: if the allocator made sharing unpredictable, some
    # conversion here would disagree with the rest.
    sizes = (1, 3, 17, 1000, 4097, 1 << 18)
    dtypes = ("bool", "uint8", "int32", "int64", "float32", "float64", "complex128")
    rounds = 5
    total = shared_fn = shared_tensor = 0
    for _ in range(rounds):
        for n in sizes:
            for dt in dtypes:
                a = np.zeros(n, dtype=dt)
                total += 1
                shared_fn += memory.shares_memory(a, torch.from_numpy(a))
                shared_tensor += memory.shares_memory(a, torch.tensor(a))
    consistent = shared_fn == total and shared_tensor == 0
    return Finding.decide(
        not consistent,
        f"from_numpy shared in {shared_fn}/{total} conversions and torch.tensor in {shared_tensor}/{total}"
        f" ({len(sizes)} sizes up to {max(sizes)} elements x {len(dtypes)} dtypes x {rounds} rounds)",
    )


CLAIMS = [
    Claim(
        "sharing.from-numpy-sees-array-writes",
        TOPIC,
        "A tensor made with torch.from_numpy uses the array's buffer, so writing into the array later"
        " changes the tensor.",
        _from_numpy_sees_array_writes,
    ),
    Claim(
        "sharing.from-numpy-tensor-writes",
        TOPIC,
        "The link works the other way too: writing through a from_numpy tensor changes the array.",
        _from_numpy_tensor_writes,
    ),
    Claim(
        "sharing.tensor-copies",
        TOPIC,
        "torch.tensor(array) takes a copy, so later writes to the array leave the tensor unchanged.",
        _tensor_copies,
    ),
    Claim(
        "sharing.np-array-of-tensor-is-view",
        TOPIC,
        "numpy.array(tensor) does not deep-copy a CPU tensor: the result is a view on the tensor's memory.",
        _np_array_of_tensor_shares,
    ),
    Claim(
        "sharing.both-directions-share",
        TOPIC,
        "Whichever direction you convert (array to tensor or tensor to array), the two objects end up"
        " on one storage.",
        _both_directions_share,
    ),
    Claim(
        "sharing.reshape-breaks-link",
        TOPIC,
        "Reshaping a tensor that came from an array yields an independent tensor, cutting the memory link.",
        _reshape_breaks_link,
    ),
    Claim(
        "sharing.math-breaks-link",
        TOPIC,
        "Arithmetic on a converted tensor can produce a new tensor with its own memory (out-of-place ops),"
        " while in-place ops keep writing into the array.",
        _math_breaks_link,
    ),
    Claim(
        "sharing.unpredictable",
        TOPIC,
        "Whether a converted tensor shares memory can vary unpredictably with PyTorch's dynamic memory"
        " management.",
        _sharing_is_consistent,
    ),
]
