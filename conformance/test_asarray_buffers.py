"""``torch.asarray(buffer)`` for objects that are not arrays but expose the buffer protocol.

Contract (torch 2.15 docs and behaviour): the tensor shares the buffer's memory and takes its
dtype from the buffer's format (``array.array('i', ...)`` gives int32). Before 2.15 the bytes
were reinterpreted as the *default* dtype whatever the format (documented then: "If no
datatype is passed then the default floating point datatype is used"); deviations.toml
records that as a version-gated behaviour (``kind = "version"``).
"""

from __future__ import annotations

import array

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.contract import Call, expect, expect_returned, observe
from bridgecheck.dtypes import existing, torch_dtype_for
from bridgecheck.equality import bitwise_equal
from bridgecheck.expectations import expect_sharing

# array.array typecodes whose items NumPy and the installed torch both know ("H" and "I" from
# torch 2.3; 4 of each keeps the byte length a multiple of 4, so the pre-2.15 float32 reading
# is defined too).
TYPECODES = [c for c in "bBhHiIlqfd" if existing(np.dtype(c).name)]


@st.composite
def buffers(draw):
    code = draw(st.sampled_from(TYPECODES), label="typecode")
    dtype = np.dtype(code)
    n = 4 * draw(st.integers(1, 3))
    if dtype.kind == "f":
        items = draw(st.lists(st.floats(width=8 * dtype.itemsize, allow_nan=False), min_size=n, max_size=n))
    else:
        info = np.iinfo(dtype)
        items = draw(st.lists(st.integers(int(info.min), int(info.max)), min_size=n, max_size=n))
    return array.array(code, items)


@given(buf=buffers())
def test_asarray_takes_the_buffer_format_as_dtype(buf):
    view = np.frombuffer(buf, dtype=buf.typecode)  # NumPy's reading of the same memory
    call = Call("torch.asarray", f"torch.asarray(array.array({buf.typecode!r}, {buf.tolist()!r}))", {}, {"input": "buffer"})
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        result = observe(torch.asarray, buf)
    finally:
        torch.set_default_dtype(previous)
    if not expect_returned(call, result):
        return
    t = result.value
    want = str(torch_dtype_for(view.dtype))
    expect(call, "dtype", str(t.dtype), want)
    if str(t.dtype) != want:
        return  # a known version behaviour: the rest of the contract is about the format's dtype
    verdict = bitwise_equal(view, t)
    expect(call, "values", verdict.equal, True, detail=verdict.reason)
    expect_sharing(call, view, t, True)
