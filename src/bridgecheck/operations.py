"""Operators across the bridge: the operator table, torch's promotion rule for Python numbers,
and an independent NumPy oracle for values.

Promotion (torch docs, "Type promotion"): dtypes fall in categories bool < integer < floating
< complex. A Python number meeting a tensor (of any dimension) does not widen the tensor's
dtype within its category; when the number's category is higher, the result is int64 (an int
with a bool tensor), the default dtype (a float with a bool or integer tensor), or the complex
counterpart of the tensor's floating dtype or of the default dtype. ``/`` always gives a
floating result (the default dtype from bool or integer operands); comparisons give bool.
A NumPy scalar operand is a Python number of its kind (``np.bool_`` a bool, ``np.integer`` an
int, ``np.floating`` a float, ``np.complexfloating`` a complex): torch reads it through
``item()``-like unpacking, so the result follows the same rule (PyTorch's own
``test_numpy_interop`` checks dtype and requires_grad of ``np.float64(2) * t`` this way).

NumPy 1.26 versus NumPy 2 (NEP 50): NumPy 2 keeps a NumPy scalar's dtype in NumPy's own
arithmetic (``np.float32(3) + 3.0`` is float32) where 1.26 used the values. torch never asks
NumPy to promote a scalar-tensor pair (Tensor's ``__array_priority__`` makes NumPy scalars
defer to Tensor's reflected operators), so the rule above holds on both; where NumPy does the
promotion (an operator with an ndarray, a ufunc), the oracle is NumPy itself, on the running
version, and the two versions differ exactly as NEP 50 says (``t + np.array(2.0)``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from bridgecheck.dtypes import torch_name

ARITHMETIC = ("+", "-", "*", "/", "//", "%", "**")
BITWISE = ("&", "|", "^", "<<", ">>")
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
ORDERING = ("<", "<=", ">", ">=")
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
    "//": operator.ifloordiv, "%": operator.imod, "**": operator.ipow,
    "&": operator.iand, "|": operator.ior, "^": operator.ixor, "<<": operator.ilshift, ">>": operator.irshift,
}
#: The NumPy ufunc each operator stands for: the value oracle.
UFUNCS: dict[str, np.ufunc] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide, "//": np.floor_divide,
    "%": np.remainder, "**": np.power, "&": np.bitwise_and, "|": np.bitwise_or, "^": np.bitwise_xor,
    "<<": np.left_shift, ">>": np.right_shift, "==": np.equal, "!=": np.not_equal, "<": np.less,
    "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
}

KINDS = ("bool", "int", "float", "complex")
_COMPLEX_OF = {
    torch.float16: torch.complex32, torch.bfloat16: torch.complex64,
    torch.float32: torch.complex64, torch.float64: torch.complex128,
}


def category(dtype: torch.dtype) -> str:
    if dtype == torch.bool:
        return "bool"
    if dtype.is_complex:
        return "complex"
    if dtype.is_floating_point:
        return "float"
    return "int"


def scalar_kind(s: np.generic) -> str:
    """The kind of Python number a NumPy scalar stands for."""
    kinds = (("bool", np.bool_), ("int", np.integer), ("float", np.floating), ("complex", np.complexfloating))
    for kind, base in kinds:
        if isinstance(s, base):
            return kind
    raise TypeError(f"{type(s).__name__} is not a numeric NumPy scalar")


def promoted(dtype: torch.dtype, kind: str) -> torch.dtype:
    """The common dtype of a tensor of ``dtype`` and a Python number of ``kind``."""
    if KINDS.index(kind) <= KINDS.index(category(dtype)):
        return dtype
    default = torch.get_default_dtype()
    if kind == "int":
        return torch.int64
    if kind == "float":
        return default
    return _COMPLEX_OF.get(dtype, _COMPLEX_OF[default])


def result_dtype(dtype: torch.dtype, kind: str, op: str, *, reflected: bool = False) -> torch.dtype | None:
    """What ``t <op> number`` (``number <op> t`` when ``reflected``) gives for a tensor of
    ``dtype`` and a number of ``kind``; None where torch refuses: ``-`` with a bool operand
    ("use ~"), bitwise operators on floating or complex values, shifts of bools,
    ``//``/``%``/ordering on complex values, ``//``/``%`` on two bools and a bool raised to a
    bool tensor's power."""
    common = promoted(dtype, kind)
    cat = category(common)
    if op == "-" and "bool" in (category(dtype), kind):
        return None
    if op in COMPARISONS:
        return None if (op in ORDERING and cat == "complex") else torch.bool
    if op in BITWISE:
        return common if cat == "int" or (cat == "bool" and op not in ("<<", ">>")) else None
    if cat == "bool" and (op in ("//", "%") or (op == "**" and reflected)):
        return None
    if op in ("//", "%") and cat == "complex":
        return None
    if op == "/" and cat in ("bool", "int"):
        return torch.get_default_dtype()
    return common


def numpy_dtype(dtype: torch.dtype) -> np.dtype:
    return np.dtype(torch_name(dtype))


def oracle(op: str, x: np.ndarray, y: Any, dtype: torch.dtype, *, reflected: bool = False) -> np.ndarray:
    """``x <op> y`` computed by NumPy in the result's dtype (comparisons: in the operands'
    common dtype ``dtype``), on copies; ``reflected`` puts ``y`` first."""
    work = numpy_dtype(dtype)
    with np.errstate(all="ignore"):  # wrapping and overflow are the values both sides owe
        left, right = np.asarray(x).astype(work), np.asarray(y).astype(work)
        if reflected:
            left, right = right, left
        return np.asarray(UFUNCS[op](left, right))


def within_ulps(got: np.ndarray, want: np.ndarray, ulps: int) -> tuple[bool, str]:
    """Elementwise ``|got - want| <= ulps * eps * max(1, |want|)`` per real component (NaN
    matching NaN): the bound for results IEEE arithmetic does not fix (complex division and
    powers, whose algorithms torch and NumPy choose freely)."""
    if got.shape != want.shape or got.dtype != want.dtype:
        return False, f"shape/dtype {got.shape} {got.dtype} != {want.shape} {want.dtype}"
    parts = (np.real, np.imag) if np.iscomplexobj(want) else (np.real,)
    for part in parts:
        g, w = part(got).astype(np.float64), part(want).astype(np.float64)
        eps = float(np.finfo(part(want).dtype).eps)
        with np.errstate(all="ignore"):
            bad = ~((np.isnan(g) & np.isnan(w)) | (g == w) | (np.abs(g - w) <= ulps * eps * np.maximum(1, np.abs(w))))
        if bad.any():
            i = int(np.flatnonzero(bad.reshape(-1))[0])
            return False, f"element {i}: {got.reshape(-1)[i]!r}, expected {want.reshape(-1)[i]!r} within {ulps} ulp"
    return True, ""
