"""Census cells for operations across the bridge: what ``np.float64(2) * t``, ``t + a``,
``np.sin(t)`` ... give for every tensor dtype, so an upgrade that changes one (a result dtype,
a refusal, a Tensor that became an ndarray) is a changed cell in ``bridgecheck compare``.

Cell ids are ``<expression>:<tensor dtype>:<other operand>``, e.g. ``s * t:float32:np.float64``.
``result_dtype`` names the result's type too (``Tensor[float32]``, ``ndarray[float64]``,
``bool``): a result leaving torch is a change even when its dtype is the same.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from bridgecheck import build, dtypes

OPERATIONS = "operations"

TENSOR_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
                 "float64", "complex64", "complex128")
SCALARS = ("bool", "int8", "uint8", "int64", "uint64", "float16", "float32", "float64", "complex64", "complex128")
ARRAYS = ("bool", "int64", "float32", "float64")

_SCALAR_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "t + s": lambda t, s: t + s, "s + t": lambda t, s: s + t,
    "t * s": lambda t, s: t * s, "s * t": lambda t, s: s * t,
    "t / s": lambda t, s: t / s, "s - t": lambda t, s: s - t,
    "t & s": lambda t, s: t & s, "t == s": lambda t, s: t == s,
}
_ARRAY_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "t + a": operator.add, "a + t": lambda t, a: a + t, "t == a": operator.eq, "t != a": operator.ne,
    "t < a": operator.lt, "np.add(t, a)": np.add,
}
_UFUNCS: dict[str, Callable[[Any], Any]] = {
    "np.sin(t)": np.sin, "np.negative(t)": np.negative, "np.greater(t, t)": lambda t: np.greater(t, t),
    "np.sum(t)": np.sum, "np.argmax(t)": np.argmax,
}


def cells(cell_type) -> list:
    """Every operation cell (``cell_type`` is ``census.cells.Cell``)."""
    out = []
    for dt in TENSOR_DTYPES:
        out += [cell_type(fn, dt, f"np.{s}", OPERATIONS) for fn in _SCALAR_OPS for s in SCALARS]
        out += [cell_type(fn, dt, f"ndarray[{a}]", OPERATIONS) for fn in _ARRAY_OPS for a in ARRAYS]
        out += [cell_type(fn, dt, "-", OPERATIONS) for fn in _UFUNCS]
    return out


def _tensor(dtype: str) -> torch.Tensor:
    return build.tensor(dtype, (2, 3)) if dtype != "bool" else build.tensor("bool", (2, 3), "000101010001")


def make_call(cell) -> Callable[[], Any]:
    """The cell's call, operands built (a builder error is the caller's to report)."""
    t = _tensor(cell.dtype)
    if cell.function in _UFUNCS:
        return lambda: _UFUNCS[cell.function](t)
    if cell.input.startswith("np."):
        s = getattr(np, cell.input[3:] if cell.input != "np.bool" else "bool_")(2)
        return lambda: _SCALAR_OPS[cell.function](t, s)
    a = np.arange(6).reshape(2, 3).astype(cell.input[len("ndarray["):-1])
    return lambda: _ARRAY_OPS[cell.function](t, a)


def result_dtype(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"Tensor[{dtypes.torch_name(value.dtype)}]"
    if isinstance(value, np.ndarray):
        return f"ndarray[{value.dtype.name}]"
    if isinstance(value, np.generic):
        return f"{type(value).__name__}"
    return type(value).__name__
