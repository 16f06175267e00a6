"""Operands for the operation families: small tensors, arrays and NumPy scalars whose values
make every operator's result exact (or bounded), built from recipes so each draw reprints as a
reproduction.

Values are small integers, ``-3..3``; ``adapt`` fits an integer operand to its role: ``0..3``
where it is an exponent or a shift count (negative ones are refused or undefined), nonzero
where it divides in ``//`` or ``%`` (torch refuses integer division by zero; NumPy gives 0). Every such value is
exact in every dtype, so ``+ - * / // %`` and comparisons are fixed by IEEE arithmetic and
compared bit for bit; see ``bridgecheck.operations.within_ulps`` for the rest.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from bridgecheck import build
from bridgecheck.cases import from_recipe
from bridgecheck.dtypes import torch_name

#: Tensor dtypes with a NumPy counterpart (the oracle computes in NumPy).
TENSOR_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
                 "complex64", "complex128")
SCALAR_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64",
                 "float16", "float32", "float64", "complex64", "complex128")


def role(op: str, right: bool) -> str:
    """What values an operand may hold: the right operand of ``/``, ``//``, ``%`` divides (and
    the left one of ``**`` is a base: no zero, whose complex powers no standard fixes); the
    right one of ``**``, ``<<``, ``>>`` counts."""
    if (right and op in ("/", "//", "%")) or (not right and op == "**"):
        return "divisor"
    if right and op in ("**", "<<", ">>"):
        return "count"
    return "any"


def encode(values, dtype: str) -> str:
    """Hex data of ``values`` in ``dtype`` (wrapping into unsigned types, nonzero as True)."""
    return np.asarray(values).astype(np.dtype(dtype)).tobytes().hex()


def _values(draw, count: int) -> list[int]:
    return draw(st.lists(st.integers(-3, 3), min_size=count, max_size=count))


@st.composite
def small_tensors(draw, dtypes=TENSOR_DTYPES, grad: bool | None = False, max_dims: int = 2):
    """A tensor case of small integer values (``grad``: a float/complex leaf that requires
    grad; None: either)."""
    dtype = draw(st.sampled_from(dtypes))
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=max_dims)))
    recipe = dict(dtype=dtype, shape=shape, data=encode(_values(draw, int(np.prod(shape, dtype=np.int64))), dtype))
    if dtype.startswith(("float", "complex")) and (grad or (grad is None and draw(st.booleans()))):
        recipe["grad"] = "leaf"
    return from_recipe("tensor", **recipe)


@st.composite
def small_arrays(draw, dtypes=TENSOR_DTYPES, max_dims: int = 2):
    dtype = draw(st.sampled_from(dtypes))
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=max_dims)))
    data = encode(_values(draw, int(np.prod(shape, dtype=np.int64))), dtype)
    return from_recipe("array", dtype=build.dtype_token(np.dtype(dtype)), shape=shape, data=data)


@st.composite
def small_scalars(draw, dtypes=SCALAR_DTYPES):
    """A NumPy scalar of a small value; unsigned ones are non-negative: a wrapped -3 is no
    longer small (65533 is no float16; 2**64 - 3 is beyond int64, which
    ``test_numpy_integer_beyond_int64_is_refused_as_an_operand`` covers)."""
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    values = np.abs(_values(draw, 1)) if dtype.kind == "u" else _values(draw, 1)
    return from_recipe("scalar", dtype=build.dtype_token(dtype), data=encode(values, dtype.name))


def adapt(case, op: str, right: bool):
    """``case`` with its values fitted to its role in ``op`` (see the module docstring): a new
    case (its own recipe, so failures reprint what was run). Floats and complex numbers take
    any count; divisors and bases of every dtype are nonzero (a complex division by zero is
    NaN in torch, infinite in NumPy: a matter of torch's complex kernels, not of the bridge)."""
    kind = role(op, right)
    value = case.value.detach() if hasattr(case.value, "detach") else case.value
    dtype = np.dtype(torch_name(value.dtype))
    if kind == "any" or (kind == "count" and dtype.kind not in "biu"):
        return case
    data = np.frombuffer(bytes.fromhex(case.recipe["data"]), dtype=dtype)
    data = data.astype(np.int64) % 4 if kind == "count" else np.where(data == 0, 1, data)
    return from_recipe(case.builder, **dict(case.recipe, data=encode(data, dtype.name)))


def numpy_copy(t: torch.Tensor) -> np.ndarray:
    """An independent NumPy copy of a (CPU, NumPy-typed) tensor's values, read without the
    bridge: its bits through ``bridgecheck.equality``."""
    from bridgecheck.equality import logical_values

    return logical_values(t.detach()).copy()
