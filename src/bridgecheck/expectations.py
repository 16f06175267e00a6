"""Bridge-level expectations built on ``contract.expect``: sharing, bits, dtype, geometry.

Each names its aspect once (the names ``deviations.toml`` uses) so properties read like the
contract: ``expect_sharing(call, a, t, True)``, ``expect_bits(call, a, t)``.
"""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.contract import BridgeViolation, Call, Observed, expect, expect_raises, expect_returned
from bridgecheck.dtypes import numpy_dtype_for
from bridgecheck.equality import bitwise_equal
from bridgecheck.exporting import Refusal
from bridgecheck.memory import shares_memory, write_through


def expect_sharing(call: Call, a: np.ndarray, t: torch.Tensor, expected: bool) -> None:
    """``t`` aliases ``a`` (or not), by address overlap *and* by a write-through probe.

    Zero-size operands hold no bytes, so sharing is unobservable and not asserted.
    """
    __tracebackhide__ = True
    if a.size == 0 or t.numel() == 0:
        return
    overlap = shares_memory(a, t)
    written = write_through(a, t)
    if written is not None and written != overlap:
        raise BridgeViolation(
            call.failure(
                f"address overlap says {overlap} but the write-through probe says {written}",
                "the two sharing checks disagree: the memory layout is not what the pointers say",
            )
        )
    # The reproduction prints the same check: the call's input is the array (``a``) when
    # converting to torch, the tensor (``t``) when exporting to NumPy; ``r`` is the result.
    shown = "bridgecheck.memory.shares_memory(r, t)" if "t" in call.inputs else "bridgecheck.memory.shares_memory(a, r)"
    expect(call, "shares_memory", overlap, expected, probe=shown)


def expect_bits(call: Call, a: np.ndarray, t: torch.Tensor, *, dtype: torch.dtype | None = None) -> None:
    """``t`` holds exactly ``a``'s bits, shape and (mapped or given) dtype."""
    __tracebackhide__ = True
    verdict = bitwise_equal(a, t, dtype=dtype)
    expect(call, "bitwise_equal", verdict.equal, True, detail=verdict.reason)


def expect_dtype(call: Call, t: torch.Tensor, expected: torch.dtype) -> None:
    __tracebackhide__ = True
    expect(call, "dtype", str(t.dtype), str(expected))


def _addressing_axes(a: np.ndarray) -> list[int] | None:
    """Axes whose stride reaches memory (length > 1); None for an array with no elements."""
    return None if a.size == 0 else [i for i, n in enumerate(a.shape) if n > 1]


def expect_element_strides(call: Call, a: np.ndarray, t: torch.Tensor) -> None:
    """An alias keeps the geometry: element strides = byte strides / itemsize (size-1 and
    zero-size axes aside, whose strides address nothing)."""
    __tracebackhide__ = True
    want = tuple(s // a.itemsize for s in a.strides)
    got = tuple(t.stride())
    relevant = _addressing_axes(a)
    if relevant is None:
        return
    expect(
        call,
        "element_strides",
        tuple(got[i] for i in relevant),
        tuple(want[i] for i in relevant),
        detail=f"tensor strides {got}, array byte strides {a.strides}, itemsize {a.itemsize}",
    )


def expect_plain_result(call: Call, t: torch.Tensor, *, requires_grad: bool = False) -> None:
    """A fresh CPU leaf tensor of the plain type, requiring grad only when asked."""
    __tracebackhide__ = True
    expect(call, "device", t.device.type, "cpu")
    expect(call, "is_leaf", t.is_leaf, True)
    expect(call, "requires_grad", t.requires_grad, requires_grad)
    expect(call, "type", type(t).__name__, "Tensor")


def expect_converted(
    call: Call,
    a: np.ndarray,
    t: torch.Tensor,
    *,
    shares: bool,
    dtype: torch.dtype | None = None,
    requires_grad: bool = False,
) -> None:
    """The whole contract of an accepted ndarray -> tensor conversion.

    Same shape and bits in the mapped (or requested) dtype; sharing exactly as ``shares``
    says; an alias keeps the element strides; the result is a plain CPU leaf tensor.
    Masked arrays convert their data (the mask is not part of the ndarray buffer).
    """
    __tracebackhide__ = True
    if dtype is None or dtype == t.dtype:
        expect_bits(call, a, t, dtype=dtype)
    else:
        expect_dtype(call, t, dtype)
    expect_sharing(call, a, t, shares)
    if shares:
        expect_element_strides(call, a, t)
    expect_plain_result(call, t, requires_grad=requires_grad)


# --- torch -> NumPy ------------------------------------------------------------------------


def expect_byte_strides(call: Call, t: torch.Tensor, a: np.ndarray) -> None:
    """An exported alias keeps the geometry: byte strides = element strides × itemsize,
    stride 0 (expanded) and storage offsets included (size-1 and zero-size axes aside, whose
    strides address nothing)."""
    __tracebackhide__ = True
    relevant = _addressing_axes(a)
    if relevant is None:
        return
    expect(
        call,
        "byte_strides",
        tuple(a.strides[i] for i in relevant),
        tuple(t.stride()[i] * a.itemsize for i in relevant),
        detail=f"array byte strides {a.strides}, tensor strides {tuple(t.stride())}, itemsize {a.itemsize}",
    )


def expect_exported(call: Call, t: torch.Tensor, a, *, shares: bool) -> None:
    """The whole contract of an accepted tensor -> ndarray export.

    A true ``ndarray`` (a 0-d tensor gives a 0-d array, not a NumPy scalar) of the tensor's
    shape and mapped dtype holding the values the tensor stands for, bit for bit; sharing
    exactly as ``shares`` says; an alias keeps the geometry in bytes.
    """
    __tracebackhide__ = True
    expect(call, "type", type(a).__name__, "ndarray")
    expect(call, "shape", tuple(a.shape), tuple(t.shape))
    expect(call, "dtype", str(a.dtype), str(numpy_dtype_for(t.dtype)))
    verdict = bitwise_equal(a, t)
    expect(call, "bitwise_equal", verdict.equal, True, detail=verdict.reason)
    expect_sharing(call, a, t, shares)
    if shares:
        expect_byte_strides(call, t, a)


def expect_refusal(call: Call, observed: Observed, refusal: Refusal | None) -> None:
    """``observed`` is what a refusal model (``bridgecheck.exporting``) owes the input: a
    value where ``refusal`` is None, else the refusal's exception and message."""
    __tracebackhide__ = True
    if refusal is None:
        expect_returned(call, observed)
    else:
        expect_raises(call, observed, refusal.exc_type, refusal.match)
