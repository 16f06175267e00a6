"""``torch.frombuffer(buffer, *, dtype, count=-1, offset=0)``.

Contract (torch docs): a 1-dimensional tensor over the buffer's raw bytes, skipping ``offset``
bytes and reading ``count`` elements of ``dtype`` (all when -1), sharing memory with the
buffer. The bytes are not interpreted through the buffer's own format: NumPy's
``np.frombuffer`` over the same object is the oracle. Zero elements, an offset past the end, a
count past the end and a length that is not a multiple of the item size are refused
(ValueError, with the reason in the message).
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from bridgecheck.contract import Call, expect, expect_raises, expect_refused, expect_returned, guarded, observe
from bridgecheck.dtypes import TORCH_DTYPES, torch_name
from bridgecheck.equality import tensor_bits
from bridgecheck.expectations import expect_sharing
from bridgecheck.strategies import arrays

CONTIGUOUS_LAYOUTS = ["c-order", "offset", "readonly", "byteswapped", "unaligned", "matrix", "memmap"]
ELEMENT_SIZES = {d: torch.empty((), dtype=d).element_size() for d in TORCH_DTYPES}


def raw_bytes(a: np.ndarray) -> bytes:
    """The bytes of a C-contiguous array as stored (byte order untouched)."""
    return np.asarray(a).view(np.ndarray).tobytes(order="A")


_BUFFERS = arrays(layouts=CONTIGUOUS_LAYOUTS, min_side=1)


@st.composite
def buffer_and_window(draw):
    case = draw(_BUFFERS)
    nbytes = case.array.nbytes
    dtype = draw(st.sampled_from([d for d, n in ELEMENT_SIZES.items() if n <= nbytes]), label="dtype")
    size = ELEMENT_SIZES[dtype]
    offset = draw(st.integers(0, nbytes - size), label="offset")
    count = draw(st.one_of(st.just(-1), st.integers(1, (nbytes - offset) // size)), label="count")
    if count == -1 and (nbytes - offset) % size:
        offset = nbytes % size  # count=-1 needs whole elements after the offset
    return case, dtype, offset, count


@given(drawn=buffer_and_window())
def test_frombuffer_views_the_raw_bytes(drawn):
    case, dtype, offset, count = drawn
    a = case.array
    call = Call(
        "torch.frombuffer",
        f"torch.frombuffer(a, dtype=torch.{torch_name(dtype)}, count={count}, offset={offset})",
        {"a": case},
    )

    def body():
        result = observe(torch.frombuffer, a, dtype=dtype, count=count, offset=offset)
        if not expect_returned(call, result):
            return
        t = result.value
        size = ELEMENT_SIZES[dtype]
        n = (a.nbytes - offset) // size if count == -1 else count
        expect(call, "shape", tuple(t.shape), (n,))
        expect(call, "dtype", str(t.dtype), str(dtype))
        expect(call, "raw bytes", tensor_bits(t) == raw_bytes(a)[offset : offset + n * size], True)
        expect_sharing(call, a, t, True)

    guarded(call, body)


@given(case=arrays(layouts=["transposed", "stepped", "negative-step", "broadcast", "as-strided", "fortran"], min_side=1))
def test_frombuffer_refuses_non_contiguous_arrays(case):
    a = case.array
    assume(not a.flags.c_contiguous)
    call = Call("torch.frombuffer", "torch.frombuffer(a, dtype=torch.uint8)", {"a": case})
    result = observe(torch.frombuffer, a, dtype=torch.uint8)
    expect_refused(call, result)


@given(
    case=arrays(dtype="uint8", layouts=["c-order"], min_dims=1, max_dims=1, min_side=1, max_side=12),
    problem=st.sampled_from(["count=0", "offset past the end", "count past the end", "length not a multiple"]),
)
def test_frombuffer_refuses_windows_outside_the_buffer(case, problem):
    a = case.array
    n = a.nbytes
    kwargs = {
        "count=0": dict(dtype=torch.uint8, count=0),
        "offset past the end": dict(dtype=torch.uint8, offset=n),
        "count past the end": dict(dtype=torch.uint8, count=n + 1),
        "length not a multiple": dict(dtype=torch.int32, offset=(n % 4) + 1 if n > 4 else 0),
    }[problem]
    if problem == "length not a multiple":
        assume((n - kwargs["offset"]) % 4 != 0)
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    call = Call("torch.frombuffer", f"torch.frombuffer(a, {shown})", {"a": case})
    expect_raises(call, observe(torch.frombuffer, a, **kwargs), ValueError)


@given(obj=st.one_of(st.lists(st.integers(0, 9), max_size=3), st.integers(), st.just(torch.zeros(2))))
def test_frombuffer_refuses_objects_without_a_buffer(obj):
    call = Call("torch.frombuffer", f"torch.frombuffer({obj!r}, dtype=torch.uint8)", {})
    expect_refused(call, observe(torch.frombuffer, obj, dtype=torch.uint8), "buffer protocol")
