"""``np.asarray(t)``, ``np.asarray(t, dtype=)``, ``np.array(t)`` and ``Tensor.__array__``.

Contract: NumPy's (``np.asarray``: "no copy is performed if the input is already an ndarray
with matching dtype" — a tensor converts through ``__array__``, which torch implements with
``Tensor.numpy()``, so the result aliases the tensor and every ``numpy()`` refusal applies;
``np.array`` copies by default). Under NumPy 2 the array protocol is
``__array__(dtype=None, copy=None)`` (NumPy 2.0 migration guide): ``copy=True`` must copy,
``copy=False`` must not, and ``np.asarray(t, copy=False)`` aliases where aliasing is
possible; ``np.array(t)`` must not warn. torch 2.13's ``__array__`` has no ``copy`` keyword
(pytorch#136264): the three NumPy-2 properties record that as known deviations.
"""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bridgecheck.contract import Call, expect, observe
from bridgecheck.dtypes import TORCH_TO_NUMPY
from bridgecheck.equality import arrays_bitwise_equal, logical_values
from bridgecheck.exporting import numpy_refusal
from bridgecheck.expectations import expect_exported, expect_refusal, expect_sharing
from bridgecheck.strategies import available_devices, exportable_tensors, tensors
from bridgecheck.versions import skip_unless

NUMPY_NAMES = sorted(set(TORCH_TO_NUMPY.values()))


def numpy2() -> None:
    skip_unless("array-protocol-copy")


@given(case=exportable_tensors())
def test_asarray_aliases_exportable_tensors(case):
    t = case.tensor
    result = observe(np.asarray, t)
    call = Call("np.asarray", "np.asarray(t)", {"t": case})
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    expect_exported(call, t, result.value, shares=True)


@given(
    case=tensors(devices=available_devices(), layouts=["strided", "sparse_coo", "sparse_csr"], quantized=True),
    dtype=st.sampled_from([None, "float64", "complex128"]),
)
def test_asarray_refuses_what_numpy_refuses(case, dtype):
    """``__array__`` goes through ``numpy()``: the same refusal, whatever dtype is asked for
    (``np.asarray(bfloat16_tensor, dtype=np.float32)`` is refused too)."""
    t = case.tensor
    result = observe(np.asarray, t, dtype=dtype)
    code = "np.asarray(t)" if dtype is None else f"np.asarray(t, dtype={dtype!r})"
    expect_refusal(Call("np.asarray", code, {"t": case}, {"dtype": dtype}), result, numpy_refusal(t))


@st.composite
def _tensor_and_safe_dtype(draw):
    case = draw(exportable_tensors())
    source = np.dtype(TORCH_TO_NUMPY[case.tensor.dtype])
    targets = [n for n in NUMPY_NAMES if np.can_cast(source, n, "safe")]
    return case, draw(st.sampled_from(targets), label="dtype")


@given(drawn=_tensor_and_safe_dtype())
def test_asarray_with_dtype_aliases_or_casts(drawn):
    """``np.asarray(t, dtype=d)``: the tensor's values cast to ``d`` (safe casts, whose
    results are exact), an alias when ``d`` is the tensor's own dtype, a copy otherwise."""
    case, dtype = drawn
    t = case.tensor
    call = Call("np.asarray", f"np.asarray(t, dtype={dtype!r})", {"t": case}, {"dtype": dtype})
    result = observe(np.asarray, t, dtype=dtype)
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    a = result.value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = logical_values(t).astype(dtype)
    verdict = arrays_bitwise_equal(want, a)
    expect(call, "values cast to the dtype", verdict.equal, True, detail=verdict.reason)
    expect_sharing(call, a, t, np.dtype(dtype) == np.dtype(TORCH_TO_NUMPY[t.dtype]))


@given(case=exportable_tensors())
def test_array_copies_without_warning(case):
    """``np.array(t)`` is a copy holding the tensor's values, and no warning is raised on the
    way (under ``-W error`` a warning is an exception)."""
    t = case.tensor
    result = observe(np.array, t)
    call = Call("np.array", "np.array(t)", {"t": case})
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    expect(call, "warnings", result.warning_kinds(), [], detail=_first_warning(result))
    expect_exported(call, t, result.value, shares=False)


@given(case=exportable_tensors())
def test_asarray_copy_true_copies_without_warning(case):
    numpy2()
    t = case.tensor
    result = observe(np.asarray, t, copy=True)
    call = Call("np.asarray", "np.asarray(t, copy=True)", {"t": case}, {"copy": True})
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    expect(call, "warnings", result.warning_kinds(), [], detail=_first_warning(result))
    expect_exported(call, t, result.value, shares=False)


@given(case=exportable_tensors())
def test_asarray_copy_false_aliases(case):
    """A tensor ``numpy()`` exports can be aliased, so ``copy=False`` must not fail."""
    numpy2()
    t = case.tensor
    result = observe(np.asarray, t, copy=False)
    call = Call("np.asarray", "np.asarray(t, copy=False)", {"t": case}, {"copy": False})
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    if result.exc is None:
        expect_exported(call, t, result.value, shares=True)


@given(case=exportable_tensors(), copy=st.sampled_from([True, False, None]))
def test_dunder_array_accepts_copy(case, copy):
    """``t.__array__(copy=c)``: a copy for True, an alias for False and None."""
    numpy2()
    t = case.tensor
    result = observe(t.__array__, copy=copy)
    call = Call("Tensor.__array__", f"t.__array__(copy={copy})", {"t": case}, {"copy": copy})
    expect(call, "raises", result.kind, "returned", detail=result.message[:300])
    if result.exc is None:
        expect_exported(call, t, result.value, shares=copy is not True)


def _first_warning(result) -> str:
    return str(result.warnings[0].message)[:200] if result.warnings else ""
