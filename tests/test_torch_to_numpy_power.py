"""The torch -> NumPy properties have teeth: fed a wrong result, they fail, and say so usefully.

Each test runs a property's inner function (``prop.hypothesis.inner_test``) under that
property's name on an input whose bridge call is deliberately wrong (a tensor subclass whose
exporter misbehaves: no process-wide patching), or calls the check helpers with a fake result,
and asserts the ``BridgeViolation``'s message names the call and carries a runnable repro.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from bridgecheck.cases import TensorCase, from_recipe
from bridgecheck.contract import BridgeViolation, Call, DeviationGone, Observed, property_scope
from bridgecheck.expectations import expect_exported, expect_refusal
from bridgecheck.exporting import NUMPY_REFUSALS, export_holds
from conformance import test_array_protocol, test_numpy_method


class CopyingNumpy(torch.Tensor):
    """``numpy()`` hands out a copy where the contract wants an alias."""

    def numpy(self, *, force=False):
        return super().numpy(force=force).copy()


class ProtocolAbiding(torch.Tensor):
    """``__array__`` with NumPy 2's ``copy`` keyword, as the contract wants it."""

    def __array__(self, dtype=None, copy=None):
        a = torch.Tensor.numpy(self) if dtype is None else torch.Tensor.numpy(self).astype(dtype, copy=False)
        return a.copy() if copy else a


def disguised(cls, **recipe) -> TensorCase:
    """A tensor case whose tensor is ``cls`` (same memory, same recipe for the repro)."""
    case = from_recipe("tensor", **recipe)
    return TensorCase(case.tensor.as_subclass(cls), "tensor", case.recipe)


def run(prop, **kwargs) -> None:
    with property_scope(prop.__name__):
        prop.hypothesis.inner_test(**kwargs)


def test_a_copy_where_numpy_must_alias_fails_with_a_repro():
    case = disguised(CopyingNumpy, dtype="float32", shape=(2, 3), view="transposed", axes=(1, 0))
    with pytest.raises(BridgeViolation) as info:
        run(test_numpy_method.test_numpy_aliases_exportable_tensors, case=case)
    message = str(info.value)
    assert message.startswith("t.numpy(): shares_memory is False, expected True"), message
    assert "view=transposed" in message
    assert 'repro: python -c "import ' in message and "; t = bridgecheck.build.tensor(" in message


def test_a_known_deviation_that_goes_away_is_reported():
    """With a ``__array__`` that accepts ``copy``, the recorded TypeError no longer shows:
    the property fails with DeviationGone instead of passing on the deviation's say-so."""
    if np.lib.NumpyVersion(np.__version__) < "2.0.0":
        pytest.skip("the deviation is recorded for NumPy >= 2 only")
    case = disguised(ProtocolAbiding, dtype="int64", shape=(3,))
    with pytest.raises(DeviationGone) as info:
        run(test_array_protocol.test_dunder_array_accepts_copy, case=case, copy=True)
    assert "array-protocol-lacks-copy" in str(info.value)
    assert "repro: python -c" in str(info.value)


def test_the_wrong_refusal_fails():
    case = from_recipe("tensor", dtype="bfloat16", shape=(2,), grad="leaf")
    call = Call("Tensor.numpy", "t.numpy()", {"t": case})
    wrong = Observed(exc=TypeError("Got unsupported ScalarType BFloat16"))  # dtype checked before grad
    with pytest.raises(BridgeViolation) as info:
        expect_refusal(call, wrong, NUMPY_REFUSALS["requires_grad"])
    assert "t.numpy(): raises is 'TypeError', expected 'RuntimeError'" in str(info.value)
    assert "grad=leaf" in str(info.value) and "repro: python -c" in str(info.value)


def test_an_export_with_the_sign_of_the_storage_fails():
    case = from_recipe("tensor", dtype="float64", shape=(3,), view="neg")
    t = case.tensor
    storage = torch._neg_view(t).numpy()  # what DLPack hands out for a neg view on 2.13
    assert export_holds(storage, t) == "storage"
    call = Call("np.from_dlpack", "np.from_dlpack(t)", {"t": case})
    with pytest.raises(BridgeViolation) as info:
        expect_exported(call, t, storage, shares=True)
    assert "np.from_dlpack(t): bitwise_equal is False, expected True" in str(info.value)
    assert "element 0" in str(info.value)
