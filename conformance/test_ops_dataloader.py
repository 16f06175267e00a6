"""The DataLoader path: ``default_convert``, ``default_collate`` and a DataLoader over NumPy data.

Contract (``torch.utils.data`` docs): ``default_convert`` turns a NumPy array into a tensor
with ``torch.as_tensor`` (so it shares the array's memory and keeps its dtype), a NumPy scalar
into a 0-d tensor of its dtype, and leaves arrays of strings or objects unchanged;
``default_collate`` stacks a batch of arrays into one tensor of their dtype and a batch of
NumPy scalars into a 1-d tensor of theirs, and refuses arrays of strings or objects with a
TypeError naming the dtype it found. Arrays with negative strides are refused as
``torch.as_tensor`` refuses them (ValueError naming the stride). A DataLoader with
``num_workers`` 0 or 2 yields batches that are bit for bit the stacked arrays, of their dtype,
whichever process produced them (2 workers: a few explicit datasets, workers are costly).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import DataLoader, default_collate, default_convert

from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, expect_raises, expect_returned, observe
from bridgecheck.dtypes import existing, torch_dtype_for
from bridgecheck.equality import arrays_bitwise_equal
from bridgecheck.expectations import expect_bits, expect_sharing
from bridgecheck.strategies import arrays, numpy_dtypes

from .operands import SCALAR_DTYPES, encode, numpy_copy

#: ulonglong ('Q') aside: as_tensor refuses it (deviation ulonglong-refused, checked there).
plain_arrays = arrays(dtype=numpy_dtypes(), layouts=("c-order", "fortran", "stepped", "offset"),
                      max_side=3).filter(lambda c: c.array.dtype.char != "Q")


@given(case=plain_arrays)
def test_default_convert_shares_the_array(case):
    a = case.array
    call = Call("torch.utils.data.default_convert", "default_convert(a)", {"a": case})
    result = observe(default_convert, a)
    if not expect_returned(call, result):
        return
    t = result.value
    expect(call, "dtype", str(t.dtype), str(torch_dtype_for(a.dtype)))
    expect_bits(call, a, t)
    expect_sharing(call, a, t, True)


@given(dtype=st.sampled_from(existing(*SCALAR_DTYPES)), values=st.lists(st.integers(0, 3), min_size=1, max_size=4))
def test_default_collate_keeps_numpy_scalar_dtype(dtype, values):
    items = [from_recipe("scalar", dtype=np.dtype(dtype).str, data=encode([v], dtype)) for v in values]
    inputs = {f"s{k}": s for k, s in enumerate(items)}
    call = Call("torch.utils.data.default_collate", f"default_collate([{', '.join(inputs)}])", inputs,
                {"dtype": dtype, "batch": "numpy scalars"})
    result = observe(default_collate, [s.value for s in items])
    if not expect_returned(call, result):
        return
    t = result.value
    expect(call, "dtype", str(t.dtype), str(torch_dtype_for(np.dtype(dtype))))
    verdict = arrays_bitwise_equal(np.array([s.value for s in items]), numpy_copy(t))
    expect(call, "values", verdict.equal, True, detail=verdict.reason)


@given(case=plain_arrays, n=st.integers(1, 3))
def test_default_collate_stacks_arrays_in_their_dtype(case, n):
    a = case.array
    call = Call("torch.utils.data.default_collate", f"default_collate([a] * {n})", {"a": case}, {"batch": "arrays"})
    result = observe(default_collate, [a] * n)
    if not expect_returned(call, result):
        return
    expect_bits(call, np.stack([a] * n), result.value)


REFUSED = {"strings": np.array(["a", "b"]), "objects": np.array([1, "a"], dtype=object)}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_default_collate_refuses_strings_and_objects_and_convert_leaves_them(kind):
    a = REFUSED[kind]
    case = from_recipe("array", dtype=a.dtype.str, shape=(2,)) if kind == "strings" else None
    inputs = {"a": case} if case is not None else {}
    call = Call("torch.utils.data.default_collate", f"default_collate([a, a])  # {kind}", inputs)
    expect_raises(call, observe(default_collate, [a, a]), TypeError, "batch must contain tensors, numpy arrays")
    expect(call, "default_convert leaves it unchanged", default_convert(a) is a, True)


@pytest.mark.parametrize("fn", [default_convert, lambda a: default_collate([a, a])], ids=["convert", "collate"])
def test_negative_strides_refused_with_the_as_tensor_message(fn):
    case = from_recipe("array", dtype="<f8", shape=(3,), layout="negative-step", base_shape=(3,), starts=(2,), steps=(-1,))
    call = Call("torch.utils.data", "default_convert(a) / default_collate([a, a])", {"a": case})
    expect_raises(call, observe(fn, case.array), ValueError, "negative")


class _Arrays(torch.utils.data.Dataset):
    """A NumPy-backed dataset: item i is a dict of arrays of several dtypes and a NumPy scalar."""

    DTYPES = existing("float16", "float64", "int8", "uint16", "bool", "complex64")  # uint16: torch >= 2.3

    def __len__(self):
        return 6

    def __getitem__(self, i):
        out = {d: (np.arange(4) * (i + 1) - 3).astype(d) for d in self.DTYPES}
        out["scalar"] = np.float32(i) / np.float32(3)
        return out


@pytest.mark.parametrize("workers", [0, 2])
def test_dataloader_batches_are_the_stacked_arrays(workers):
    data = _Arrays()
    call = Call("torch.utils.data.DataLoader", f"list(DataLoader(_Arrays(), batch_size=4, num_workers={workers}))", {},
                {"num_workers": workers})
    result = observe(lambda: list(DataLoader(data, batch_size=4, num_workers=workers)))
    if not expect_returned(call, result):
        return
    for b, batch in enumerate(result.value):
        items = [data[i] for i in range(4 * b, min(4 * b + 4, len(data)))]
        for key, got in batch.items():
            want = np.stack([item[key] for item in items])
            expect(call, f"batch {b} {key} dtype", str(got.dtype), str(torch_dtype_for(want.dtype)))
            verdict = arrays_bitwise_equal(want, numpy_copy(got))
            expect(call, f"batch {b} {key} values", verdict.equal, True, detail=verdict.reason)
