"""Claims about 0-d arrays and reading single values."""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import array_write_reaches


def _zero_d_array() -> Finding:
    a = np.array(5)
    t = torch.from_numpy(a)
    seen = array_write_reaches(a, t)
    ok = t.dim() == 0 and tuple(t.shape) == () and t.item() == 5
    return Finding.decide(
        ok, f"from_numpy(np.array(5)) -> shape {tuple(t.shape)}, value {t.item()}, shares memory: {seen}"
    )


def _item_python_scalar() -> Finding:
    observed = {}
    for name, a in (("int64", np.array([5])), ("float64", np.array([0.5])), ("bool", np.array([True]))):
        observed[name] = type(torch.from_numpy(a).item())
    ok = observed == {"int64": int, "float64": float, "bool": bool}
    types = ", ".join(f"{k} array -> {v.__name__}" for k, v in observed.items())
    return Finding.decide(ok, f"from_numpy(np.array([5] / [0.5] / [True])).item() types: {types}")


CLAIMS = [
    Claim(
        "scalars.zero-d-array",
        "scalars",
        "torch.from_numpy turns a 0-d array into a 0-d tensor.",
        _zero_d_array,
    ),
    Claim(
        "scalars.item-python-number",
        "scalars",
        ".item() on a one-element tensor made from an integer array returns a plain Python int.",
        _item_python_scalar,
    ),
]
