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
    return Finding.decide(
        seen,
        f"a = np.array([1.0, 2.0, 3.0]), t = from_numpy(a): array write seen by t: {seen};"
        f" same data pointer: {same_pointer}",
    )


def _from_numpy_tensor_writes() -> Finding:
    a = np.array([1.0, 2.0, 3.0])
    t = torch.from_numpy(a)
    seen = tensor_write_reaches(t, a)
    return Finding.decide(
        seen, f"a = np.array([1.0, 2.0, 3.0]), t = from_numpy(a): write to t seen in a: {seen}"
    )


def _tensor_copies() -> Finding:
    a = np.array([1, 2, 3])
    t = torch.tensor(a)
    seen = array_write_reaches(a, t)
    overlap = memory.shares_memory(a, t)
    return Finding.decide(
        not seen and not overlap,
        f"a = np.array([1, 2, 3]), t = torch.tensor(a): array write seen by t: {seen};"
        f" memory ranges overlap: {overlap}",
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
        f"t = torch.arange(4.0): np.array(t) shares: {shared} (np.asarray(t) shares: {asarray_shares});"
        f" emitted {notes}",
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
    shared: list[str] = []
    copied: list[str] = []
    for name, make in to_torch.items():
        (shared if shares(a, with_warnings(make)[0]) else copied).append(name)
    for name, export in to_numpy.items():
        (shared if shares(with_warnings(export)[0], t) else copied).append(name)
    inputs = "a = np.arange(4.0), t = torch.arange(4.0)"
    if not copied:
        return Finding.decide(True, f"{inputs}: every path shares: {', '.join(shared)}")
    if not shared:
        return Finding.decide(False, f"{inputs}: every path copies: {', '.join(copied)}")
    return Finding.conditional(f"via {', '.join(shared)}", f"{inputs}: these copy: {', '.join(copied)}")


def _reshape_breaks_link() -> Finding:
    a = np.arange(6.0).reshape(2, 3)
    t = torch.from_numpy(a)
    plain = shares(a, t.reshape(3, 2))
    transposed = shares(a, t.T.reshape(6))
    # "can": one reshape that copies is enough; one that stays a view does not refute it.
    return Finding.decide(
        not (plain and transposed),
        f"t = from_numpy(np.arange(6.0).reshape(2, 3)): t.reshape(3, 2) shares with the array: {plain};"
        f" t.T.reshape(6) (no view possible) shares: {transposed}",
    )


def _math_breaks_link() -> Finding:
    a = np.arange(3.0)
    t = torch.from_numpy(a)
    out_of_place = shares(a, t + 1)
    t.add_(1)
    in_place_seen = bool(a[0] == 1.0)
    return Finding.decide(
        not out_of_place and in_place_seen,
        f"t = from_numpy(np.arange(3.0)): t + 1 shares with the array: {out_of_place};"
        f" t.add_(1) visible in the array: {in_place_seen}",
    )


def _clone_makes_independent() -> Finding:
    a = np.array([1.0, 2.0, 3.0])
    linked = array_write_reaches(a, torch.from_numpy(a))
    t = torch.from_numpy(a).clone()
    to_tensor, to_array = array_write_reaches(a, t), tensor_write_reaches(t, a)
    overlap = memory.shares_memory(a, t)
    equal = t.tolist() == a.tolist() and t.dtype == torch.float64
    return Finding.decide(
        equal and not (to_tensor or to_array or overlap),
        f"a = np.array([1.0, 2.0, 3.0]), t = from_numpy(a).clone(): equal values and dtype: {equal};"
        f" array write seen by t: {to_tensor}; write to t seen in a: {to_array}; memory overlaps: {overlap}"
        f" (without clone() an array write is seen: {linked})",
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
        "Reshaping a tensor that came from an array can yield an independent tensor, cutting the memory"
        " link.",
        _reshape_breaks_link,
    ),
    Claim(
        "sharing.clone-makes-independent",
        TOPIC,
        "For a tensor independent of the array, make an explicit copy: torch.from_numpy(a).clone() has the"
        " same values in memory of its own.",
        _clone_makes_independent,
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
