"""The torch -> NumPy exporters' contract as data: which obstacles each refuses, in which order,
with which exception, and how to tell what an export holds.

``Tensor.numpy()`` (and ``np.asarray``/``__array__``, which call it) documents its conditions:
"on the CPU, does not require grad, does not have its conjugate bit set, and is a dtype and
layout that NumPy supports" (plus the negative bit since torch 1.10); requires_grad is an
obstacle only while grad mode is on (torch 1.6, #38906). The docs do not say which refusal wins
when several obstacles meet; ``NUMPY_OBSTACLES`` states the order observed on torch 2.13 and
the precedence properties hold torch to it, so a reordering is noticed.

DLPack export (``Tensor.__dlpack__``, the producer behind ``np.from_dlpack``) refuses with
``BufferError`` (the DLPack protocol's exception): requires_grad (whatever the grad mode),
the conjugate bit, non-strided layouts, devices DLPack cannot describe (meta) and quantized
dtypes. Dtypes NumPy lacks (bfloat16, float8, complex32) are exported by torch and refused by
NumPy, the consumer, with ``BufferError`` from NumPy 2.5 on (``RuntimeError`` before: a version
entry in deviations.toml). The negative bit is no obstacle to DLPack:
the export must then hold the negated values (see ``export_holds``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from bridgecheck.dtypes import numpy_dtype_for
from bridgecheck.equality import bitwise_equal, logical_values, python_values_equal, tensor_bits
from bridgecheck.memory import plain_view


@dataclass(frozen=True)
class Refusal:
    """What an exporter raises for ``obstacle``: ``exc_type`` with ``match`` in its message."""

    obstacle: str
    exc_type: type[BaseException]
    match: str


#: ``Tensor.numpy()``'s checks, first to last (torch 2.13 order; see the module docstring).
NUMPY_OBSTACLES: tuple[str, ...] = ("layout", "device", "requires_grad", "conj", "neg", "dtype")

NUMPY_REFUSALS: dict[str, Refusal] = {
    "layout": Refusal("layout", TypeError, "layout tensor to numpy"),
    "device": Refusal("device", TypeError, "device type tensor to numpy"),
    "requires_grad": Refusal("requires_grad", RuntimeError, "requires grad"),
    "conj": Refusal("conj", RuntimeError, "conjugate bit set"),
    "neg": Refusal("neg", RuntimeError, "negative bit set"),
    "dtype": Refusal("dtype", TypeError, "unsupported ScalarType"),
}

#: ``np.from_dlpack(t)``'s checks, first to last: torch's producer, then NumPy's consumer.
DLPACK_OBSTACLES: tuple[str, ...] = ("requires_grad", "conj", "layout", "device", "quantized", "dtype")

DLPACK_REFUSALS: dict[str, Refusal] = {
    "requires_grad": Refusal("requires_grad", BufferError, "require gradient"),
    "conj": Refusal("conj", BufferError, "conjugate bit set"),
    "layout": Refusal("layout", BufferError, "layout other than torch.strided"),
    "device": Refusal("device", BufferError, "Cannot pack tensors on meta"),
    "quantized": Refusal("quantized", BufferError, "QUInt/QInt types are not supported by dlpack"),
    # Whose refusal it is depends on the version (probe np_from_dlpack.float8_e4m3fn): torch
    # < 2.9 refuses float8 itself with RuntimeError (entry dlpack-refusals-were-runtime-errors),
    # torch 2.9 with BufferError, torch >= 2.10 exports it and NumPy refuses, with RuntimeError
    # before NumPy 2.5 (entry numpy-dlpack-dtype-refusal-was-runtime-error) and BufferError
    # from 2.5 ("Unsupported dtype in DLTensor"). No message is promised.
    "dtype": Refusal("dtype", BufferError, ""),
}


def obstacles(t: torch.Tensor, *, grad_mode: bool | None = None) -> set[str]:
    """Every obstacle ``t`` presents to a zero-copy export; ``requires_grad`` counts only
    while grad mode is on (``grad_mode``, default the current mode). ``quantized`` comes with
    ``dtype`` for quantized tensors."""
    grad_on = torch.is_grad_enabled() if grad_mode is None else grad_mode
    found = set()
    if t.layout != torch.strided:
        found.add("layout")
    if t.device.type != "cpu":
        found.add("device")
    if t.requires_grad and grad_on:
        found.add("requires_grad")
    if t.is_conj():
        found.add("conj")
    if t.is_neg():
        found.add("neg")
    if numpy_dtype_for(t.dtype) is None:
        found.add("dtype")
    if t.is_quantized:
        found.add("quantized")
    return found


def numpy_refusal(t: torch.Tensor, *, grad_mode: bool | None = None) -> Refusal | None:
    """The refusal ``t.numpy()`` (and ``np.asarray(t)``) owes ``t``, or None to export."""
    present = obstacles(t, grad_mode=grad_mode)
    for name in NUMPY_OBSTACLES:
        if name in present:
            return NUMPY_REFUSALS[name]
    return None


def dlpack_refusal(t: torch.Tensor) -> Refusal | None:
    """The refusal ``np.from_dlpack(t)`` owes ``t`` (grad mode plays no part), or None."""
    present = obstacles(t, grad_mode=True)
    for name in DLPACK_OBSTACLES:
        if name in present:
            return DLPACK_REFUSALS[name]
    return None


def export_holds(a: np.ndarray, t: torch.Tensor) -> str:
    """What an exported array holds: ``"logical"`` (the values ``t`` stands for, bit for bit,
    in the mapped dtype and shape), ``"storage"`` (the bytes under ``t`` with its conj/neg bit
    ignored, where those differ) or ``"other"``."""
    if bitwise_equal(a, t):
        return "logical"
    if (t.is_conj() or t.is_neg()) and bitwise_equal(a, plain_view(t)):
        return "storage"
    return "other"


def list_holds(values, t: torch.Tensor) -> str:
    """What ``tolist()``/``item()`` output holds: ``"logical"`` when its nesting, Python types
    and values are those of ``t``'s logical values (read without the bridge), else
    ``"storage"`` or ``"other"`` as for ``export_holds``."""
    if python_values_equal(values, logical_values(t).tolist()):
        return "logical"
    if (t.is_conj() or t.is_neg()) and python_values_equal(values, logical_values(plain_view(t)).tolist()):
        return "storage"
    return "other"


def stored_bits(t: torch.Tensor) -> bytes:
    """C-order bytes of ``t``'s storage as addressed by ``t``, conj/neg bits ignored."""
    return tensor_bits(plain_view(t))
