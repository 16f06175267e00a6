"""Sequences that mix NumPy values into ``torch.tensor`` / ``torch.as_tensor`` / ``torch.asarray``.

Contract (torch's inference for nested sequences, checked element by element): every element
contributes a dtype (an ndarray or NumPy scalar its own; a Python bool, int, float, complex
bool, int64, the default dtype, its complex counterpart), and the result has
``torch.promote_types`` of them all (not NumPy's promotion: ``[int64 array, float32 array]``
gives float32, where ``np.array`` gives float64), shape ``(len(seq), *element shape)``, and the
elements' values; ragged sequences are refused with ValueError. A list of ndarrays makes torch
warn that it is "extremely slow", once per process: checked in an untouched process
(``bridgecheck.pristine``), first call warns, second is silent, for each function.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck import operations as ops
from bridgecheck import pristine
from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, expect_raises, expect_returned, observe
from bridgecheck.dtypes import torch_dtype_for

from .operands import TENSOR_DTYPES, encode, numpy_copy

FUNCTIONS = {"torch.tensor": torch.tensor, "torch.as_tensor": torch.as_tensor, "torch.asarray": torch.asarray}
_PYTHON_DTYPE = {bool: torch.bool, int: torch.int64, complex: None, float: None}


def element_dtype(x) -> torch.dtype:
    if isinstance(x, (np.ndarray, np.generic)):
        return torch_dtype_for(x.dtype)
    if isinstance(x, float):
        return torch.get_default_dtype()
    if isinstance(x, complex):
        return torch.complex64 if torch.get_default_dtype() == torch.float32 else torch.complex128
    return _PYTHON_DTYPE[type(x)]


@st.composite
def elements(draw):
    """A list of 1-3 elements: NumPy arrays of one shape, NumPy scalars, or NumPy scalars mixed
    with Python numbers; returns (cases or numbers, the values)."""
    kind = draw(st.sampled_from(["arrays", "scalars", "mixed"]))
    n = draw(st.integers(1, 3))
    side = draw(st.integers(0, 2))
    out = []
    for _ in range(n):
        dtype = draw(st.sampled_from(TENSOR_DTYPES))
        value = draw(st.integers(0, 3))
        if kind == "arrays":
            out.append(from_recipe("array", dtype=np.dtype(dtype).str, shape=(side,), data=encode([value] * side, dtype)))
        elif kind == "mixed" and draw(st.booleans()):
            out.append(draw(st.sampled_from([bool(value % 2), value, float(value)])))
        else:
            out.append(from_recipe("scalar", dtype=np.dtype(dtype).str, data=encode([value], dtype)))
    return out


@pytest.mark.parametrize("name", list(FUNCTIONS))
@given(items=elements(), as_tuple=st.booleans())
def test_sequence_of_numpy_values_promotes_like_torch(name, items, as_tuple):
    values = [getattr(x, "value", x) for x in items]
    seq = tuple(values) if as_tuple else list(values)
    inputs = {f"x{k}": x for k, x in enumerate(items) if not isinstance(x, (bool, int, float))}
    spelled = ", ".join(f"x{k}" if f"x{k}" in inputs else repr(x) for k, x in enumerate(items))
    code = f"{name}(({spelled},))" if as_tuple else f"{name}([{spelled}])"
    want = functools.reduce(torch.promote_types, [element_dtype(v) for v in values])
    options = {"sequence": "tuple" if as_tuple else "list"}
    if any(isinstance(v, (np.ndarray, np.generic)) and v.dtype == np.bool_ and np.size(v) for v in values):
        options["numpy_bool_stored_as"] = ops.category(want)  # a fact deviations may match
    call = Call(name, code, inputs, options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the once-per-process hint: tested below
        result = observe(FUNCTIONS[name], seq)
    if not expect_returned(call, result):
        return
    t = result.value
    expect(call, "dtype", str(t.dtype), str(want))
    expected = np.array([np.asarray(v) for v in values]).astype(np.dtype(str(want).removeprefix("torch.")))
    expect(call, "shape", tuple(t.shape), expected.shape)
    expect(call, "values", numpy_copy(t).tolist(), expected.tolist())


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_ragged_sequence_of_arrays_is_refused(name):
    a = from_recipe("array", dtype="<f4", shape=(2,))
    b = from_recipe("array", dtype="<f4", shape=(3,))
    call = Call(name, f"{name}([a, b])", {"a": a, "b": b})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expect_raises(call, observe(FUNCTIONS[name], [a.array, b.array]), ValueError, "expected sequence of length")


def slow_warning_of_two_calls(name: str) -> list[bool]:
    """In an untouched process: does each of two calls of ``name`` on a list of ndarrays warn?"""
    a = np.ones(2)
    said = []
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            FUNCTIONS[name]([a, a])
        said.append(any("extremely slow" in str(w.message) for w in caught))
    return said


def _tensor_probe():
    return slow_warning_of_two_calls("torch.tensor")


def _as_tensor_probe():
    return slow_warning_of_two_calls("torch.as_tensor")


def _asarray_probe():
    return slow_warning_of_two_calls("torch.asarray")


SLOW_WARNING = {
    "torch.tensor": pristine.probe("list-of-ndarrays warning: torch.tensor", _tensor_probe),
    "torch.as_tensor": pristine.probe("list-of-ndarrays warning: torch.as_tensor", _as_tensor_probe),
    "torch.asarray": pristine.probe("list-of-ndarrays warning: torch.asarray", _asarray_probe),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_list_of_ndarrays_warns_once_per_process(name):
    call = Call(name, f"{name}([a, a])", {"a": from_recipe("array", dtype="<f8", shape=(2,))})
    expect(call, "warns on the first and second call in a fresh process", SLOW_WARNING[name].result(), [True, False])
