"""``torch.from_dlpack(ndarray)``: NumPy as the DLPack producer, torch as the consumer.

Values and sharing for accepted arrays are in the conversion table
(``test_ndarray_to_tensor.py``). Here, the refusals, whose rules differ from from_numpy's:
NumPy's ``__dlpack__`` refuses what DLPack cannot describe (non-native byte order, strides off
the item grid, dtypes other than bool/int/uint/float/complex) with ``BufferError`` (array API
standard, "DLPack" section). Negative strides are legal in DLPack; torch cannot hold them and
must refuse them with an exception, never by ending the process. Read-only arrays: DLPack 1.0
carries a READ_ONLY flag; a consumer without read-only tensors must refuse or copy, never hand
out a writable alias of read-only memory.
"""

from __future__ import annotations

import torch
from hypothesis import given

from bridgecheck.contract import Call, expect, expect_raises, expect_refused, guarded, observe
from bridgecheck.memory import shares_memory
from bridgecheck.strategies import arrays, numpy_dtypes


def dlpack_call(case, code: str = "torch.from_dlpack(a)") -> Call:
    return Call("torch.from_dlpack", code, {"a": case})


# min_side=2: a negative stride on a length-1 axis addresses nothing, and NumPy exports such
# arrays as contiguous.
@given(case=arrays(layouts=["negative-step"], min_dims=1, min_side=2))
def test_from_dlpack_refuses_negative_strides(case):
    call = dlpack_call(case)
    # guarded(): this input class aborted the interpreter on torch 2.13 (#188023).
    guarded(call, lambda: expect_refused(call, observe(torch.from_dlpack, case.array)))


@given(case=arrays(numpy_dtypes(byteorder="non-native"), layouts=["c-order", "transposed"]))
def test_from_dlpack_refuses_non_native_byte_order(case):
    expect_raises(dlpack_call(case), observe(torch.from_dlpack, case.array), BufferError, "byte order")


@given(case=arrays(layouts=["odd-byte-strides"], min_side=1))
def test_from_dlpack_refuses_strides_off_the_item_grid(case):
    expect_raises(dlpack_call(case), observe(torch.from_dlpack, case.array), BufferError, "multiple of itemsize")


@given(case=arrays(numpy_dtypes(kind="refused").filter(lambda d: d.char != "Q"), min_side=1))
def test_from_dlpack_refuses_dtypes_dlpack_cannot_describe(case):
    expect_raises(dlpack_call(case), observe(torch.from_dlpack, case.array), BufferError, "DLPack")


@given(case=arrays(layouts=["readonly", "broadcast", "memmap"], min_side=1))
def test_from_dlpack_never_gives_a_writable_alias_of_read_only_memory(case):
    a = case.array
    if a.flags.writeable:  # memmap in r+/c mode: writable, nothing to check here
        return
    call = dlpack_call(case)

    def body():
        result = observe(torch.from_dlpack, a)
        aliased = result.exc is None and shares_memory(a, result.value)
        expect(call, "writable alias of read-only memory", aliased, False, detail=result.message[:200])

    guarded(call, body)
