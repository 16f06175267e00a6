"""The torch -> NumPy/Python exporters agree on values or refuse: never disagree silently.

``Tensor.numpy(force=True)``, ``np.asarray`` of the resolved tensor
(``t.resolve_conj().resolve_neg()``), ``np.from_dlpack(t)`` and ``Tensor.tolist()`` each
either raise or hand out the values the tensor stands for: conj/neg bits applied, bit for bit
in the mapped dtype (arrays), or as the Python numbers ``item()`` owes (lists). Which of them
refuses what is asserted in the per-exporter modules; here only a *silent* disagreement
fails. torch's DLPack producer ignores the negative bit and exports the un-negated storage:
a known deviation (``dlpack-ignores-neg-bit``).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given

from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect, observe
from bridgecheck.equality import tensor_bits
from bridgecheck.exporting import export_holds, list_holds, stored_bits
from bridgecheck.strategies import available_devices, tensors

#: function, code, call, what it returns.
EXPORTERS = (
    ("Tensor.numpy", "t.numpy(force=True)", lambda t: t.numpy(force=True), "array"),
    ("np.asarray", "np.asarray(t.resolve_conj().resolve_neg())", lambda t: np.asarray(t.resolve_conj().resolve_neg()), "array"),
    ("np.from_dlpack", "np.from_dlpack(t)", np.from_dlpack, "array"),
    ("Tensor.tolist", "t.tolist()", lambda t: t.tolist(), "list"),
)


def bits_visible(t) -> bool:
    """Whether ``t``'s conj/neg bit changes any stored bit pattern (zeros of an integer
    tensor look the same negated: no exporter can be caught ignoring the bit there)."""
    if not (t.is_conj() or t.is_neg()) or t.device.type != "cpu":
        return False
    return stored_bits(t) != tensor_bits(t)


def tensor(**recipe):
    return from_recipe("tensor", **recipe)


@example(case=tensor(dtype="float32", shape=(3,), view="neg"))
@example(case=tensor(dtype="complex128", shape=(2,), view="conj"))
@example(case=tensor(dtype="int16", shape=(2, 2), view="neg", grad="inference"))
@example(case=tensor(dtype="bfloat16", shape=(2,), view="neg"))
@given(case=tensors(devices=available_devices(), layouts=["strided", "sparse_coo", "sparse_csr"], quantized=True))
def test_exporters_agree_or_refuse(case):
    t = case.tensor
    visible = bits_visible(t)
    for function, code, export, kind in EXPORTERS:
        result = observe(export, t)
        if result.exc is not None:
            continue  # a refusal is no disagreement; which refusal is owed is asserted elsewhere
        call = Call(function, code, {"t": case}, {"view_bits_visible": visible})
        holds = export_holds(result.value, t) if kind == "array" else list_holds(result.value, t)
        expect(call, "values", holds, "logical")
