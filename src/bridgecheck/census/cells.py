"""The census grid: which calls, on which inputs, and how one cell is observed.

Two directions:

- ``array->torch``: NumPy dtype x array layout kind (the layouts of ``build.array``) x the
  ndarray-consuming bridge functions;
- ``tensor->numpy``: torch dtype x tensor state (views, autograd, device, sparse layouts) x
  the tensor-exporting functions;
- ``operations``: torch dtype x NumPy scalar, array or nothing x operator or ufunc
  (``census/operations.py``).

Inputs are built from fixed recipes and fixed data by ``bridgecheck.build``: the same cell is
the same call on every run and every machine. This module imports torch; only the census
child process (``sweep``) uses it, so ``compare``/``matrix`` never need torch.
"""

from __future__ import annotations

import contextlib
import fnmatch
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from bridgecheck import build, dtypes, memory
from bridgecheck.census import operations
from bridgecheck.census.signature import COUNTED

ARRAY_TO_TORCH = "array->torch"
TENSOR_TO_NUMPY = "tensor->numpy"


@dataclass(frozen=True)
class Cell:
    function: str
    dtype: str
    input: str
    direction: str

    @property
    def id(self) -> str:
        """``function:dtype:input``: stable across versions, and glob-friendly for allow files."""
        return f"{self.function}:{self.dtype}:{self.input}"


# --- array -> torch --------------------------------------------------------------------------

def _buffer_dtype(a: np.ndarray) -> torch.dtype:
    # frombuffer needs a dtype; the documented mapping's, or raw bytes for dtypes torch refuses.
    try:
        return dtypes.torch_dtype_for(a.dtype)
    except KeyError:
        return torch.uint8


ARRAY_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "torch.from_numpy": lambda a: torch.from_numpy(a),
    "torch.tensor": lambda a: torch.tensor(a),
    "torch.as_tensor": lambda a: torch.as_tensor(a),
    "torch.asarray(copy=None)": lambda a: torch.asarray(a),
    "torch.asarray(copy=True)": lambda a: torch.asarray(a, copy=True),
    "torch.asarray(copy=False)": lambda a: torch.asarray(a, copy=False),
    "torch.frombuffer": lambda a: torch.frombuffer(a, dtype=_buffer_dtype(a)),
    "torch.from_dlpack": lambda a: torch.from_dlpack(a),
}


def _array_layouts(itemsize: int) -> dict[str, dict]:
    """Layout kind -> ``build.array`` keywords (minus dtype and data). Shapes are tiny: the
    census is about which path a call takes, not about values."""
    return {
        "c-order": dict(shape=(2, 3), layout="c-order"),
        "fortran": dict(shape=(2, 3), layout="fortran"),
        "transposed": dict(shape=(2, 3), layout="transposed", base_shape=(3, 2), axes=(1, 0)),
        "stepped": dict(shape=(2, 3), layout="stepped", base_shape=(4, 6), starts=(0, 0), steps=(2, 2)),
        "negative-step": dict(shape=(2, 3), layout="negative-step", starts=(1, 2), steps=(-1, -1)),
        "size1-negative-step": dict(shape=(1, 3), layout="negative-step", starts=(0, 0), steps=(-1, 1)),
        "offset": dict(shape=(2, 3), layout="offset", base_shape=(7,), offset=1),
        "broadcast": dict(shape=(2, 3), layout="broadcast", base_shape=(1, 3)),
        "as-strided-stride0": dict(shape=(2, 3), layout="as-strided", base_shape=(3,), strides=(0, itemsize)),
        "odd-strides": dict(shape=(2,), layout="as-strided", base_shape=(3,), strides=(itemsize + 1,)),
        "size1-odd-strides": dict(shape=(1, 3), layout="size1-odd-strides", base_shape=(3,),
                                  strides=(itemsize + 1, itemsize)),
        "readonly": dict(shape=(2, 3), layout="readonly"),
        "byteswapped": dict(shape=(2, 3), layout="byteswapped"),
        "unaligned": dict(shape=(2, 3), layout="unaligned"),
        "matrix": dict(shape=(2, 3), layout="matrix"),
        "masked": dict(shape=(2, 3), layout="masked", mask="010101"),
        "memmap": dict(shape=(2, 3), layout="memmap"),
        "memmap-readonly": dict(shape=(2, 3), layout="memmap", mode="r"),
        "0-d": dict(shape=(), layout="c-order"),
        "zero-size": dict(shape=(0, 3), layout="c-order"),
        # element-count classes: a copy loop's vector body and scalar tail (signature.COUNTED)
        **{f"{kind}-n{n}": dict(shape=(n,), layout=kind) for kind, counts in COUNTED.items() for n in counts},
    }


def _data(count: int, itemsize: int, boolean: bool = False) -> str:
    """Fixed bytes: 0/1 for bool (other bytes are not valid NumPy bools), a pattern otherwise."""
    n = count * itemsize
    if boolean:
        return bytes(i % 2 for i in range(n)).hex()
    return bytes((7 * i + 1) % 251 for i in range(n)).hex()


def build_array(cell: Cell) -> np.ndarray:
    if cell.dtype in dtypes.REFUSED_NUMPY:
        # Refused dtypes (object, str, ...) cannot come from raw bytes; zeros are enough to
        # see how each function refuses them.
        return np.zeros((2, 3), dtype=dtypes.refused_numpy_dtype(cell.dtype))
    dt = np.dtype(cell.dtype)
    recipe = _array_layouts(dt.itemsize)[cell.input]
    base = recipe.get("base_shape", recipe["shape"])
    data = _data(math.prod(base), dt.itemsize, dt.kind == "b")
    return build.array(cell.dtype, data=data, **recipe)


# --- tensor -> numpy -------------------------------------------------------------------------

TENSOR_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "Tensor.numpy": lambda t: t.numpy(),
    "Tensor.numpy(force=True)": lambda t: t.numpy(force=True),
    "np.asarray": lambda t: np.asarray(t),
    "np.array": lambda t: np.array(t),
    "np.from_dlpack": lambda t: np.from_dlpack(t),
    "Tensor.tolist": lambda t: t.tolist(),
}

#: State -> ``build.tensor`` keywords. ``+no_grad`` states run the call under torch.no_grad().
TENSOR_STATES: dict[str, dict] = {
    "contiguous": dict(),
    "transposed": dict(view="transposed", axes=(1, 0)),
    "offset": dict(view="offset", offset=1),
    "expanded": dict(view="expanded", expand_from=(1, 3)),
    "zero-size": dict(shape=(0, 3)),
    "0-d": dict(shape=()),
    "requires_grad": dict(grad="leaf"),
    "requires_grad+no_grad": dict(grad="leaf"),
    "non-leaf": dict(grad="non-leaf"),
    "detached": dict(grad="detached"),
    "inference": dict(grad="inference"),
    "conj": dict(view="conj"),
    "neg": dict(view="neg"),
    "meta": dict(device="meta"),
    "sparse_coo": dict(layout="sparse_coo"),
    "sparse_csr": dict(layout="sparse_csr"),
}
GRAD_STATES = ("requires_grad", "requires_grad+no_grad", "non-leaf", "detached")
QUANTIZED = {"qint8": (0.5, 0), "quint8": (0.5, 10), "qint32": (0.5, 0)}


def _tensor_states() -> dict[str, dict]:
    states = dict(TENSOR_STATES)
    if torch.cuda.is_available():  # CPU-only builds and machines simply lack these cells
        states["cuda"] = dict(device="cuda")
    return states


def build_tensor(cell: Cell) -> torch.Tensor:
    if cell.dtype in QUANTIZED:
        data = b"".join(int(v).to_bytes(4, "little", signed=True) for v in range(6)).hex()
        return build.tensor(cell.dtype, (2, 3), data, qparams=QUANTIZED[cell.dtype])
    recipe = dict(shape=(2, 3))
    recipe.update(_tensor_states()[cell.input])
    shape = recipe.pop("shape")
    if recipe.get("view") == "expanded":
        base = recipe["expand_from"]
    elif recipe.get("view") == "transposed":
        base = tuple(reversed(shape))
    else:
        base = shape
    count = math.prod(base) + recipe.get("offset", 0)
    itemsize = torch.empty((), dtype=getattr(torch, cell.dtype)).element_size()
    data = _data(count, itemsize, cell.dtype == "bool")
    return build.tensor(cell.dtype, shape, data, **recipe)


# --- the grid --------------------------------------------------------------------------------

def all_cells() -> list[Cell]:
    """Every cell, in a fixed order (the order is part of determinism: crash restarts and
    reports follow it)."""
    cells = []
    accepted = list(dtypes.NUMPY_TO_TORCH)
    layouts = list(_array_layouts(1))
    for fn in ARRAY_FUNCTIONS:
        for dt in accepted:
            cells.extend(Cell(fn, dt, lay, ARRAY_TO_TORCH) for lay in layouts)
        cells.extend(Cell(fn, dt, "c-order", ARRAY_TO_TORCH) for dt in dtypes.REFUSED_NUMPY)
    torch_dtypes = [dtypes.torch_name(d) for d in dtypes.TORCH_DTYPES]
    states = list(_tensor_states())
    for fn in TENSOR_FUNCTIONS:
        for dt in torch_dtypes:
            # Only floating and complex tensors can require grad: other dtypes would fill
            # the grid with the builder's refusal, which says nothing about the bridge.
            can_grad = getattr(torch, dt).is_floating_point or getattr(torch, dt).is_complex
            cells.extend(
                Cell(fn, dt, st, TENSOR_TO_NUMPY) for st in states if can_grad or st not in GRAD_STATES
            )
        cells.extend(Cell(fn, q, "contiguous", TENSOR_TO_NUMPY) for q in QUANTIZED)
    cells.extend(operations.cells(Cell))
    return cells


def select(cells: list[Cell], pattern: str | None) -> list[Cell]:
    if not pattern:
        return cells
    return [c for c in cells if fnmatch.fnmatchcase(c.id, pattern)]


# --- observing one cell ----------------------------------------------------------------------

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def clean_message(text: str, limit: int = 200) -> str:
    """First line, addresses masked: messages must not make two runs differ."""
    first = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    return _ADDRESS.sub("0x…", first)[:limit]


def _result_dtype(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return dtypes.torch_name(value.dtype)
    if isinstance(value, np.ndarray):
        return value.dtype.name if value.dtype.isnative else value.dtype.str
    if isinstance(value, list):
        leaf = value
        while isinstance(leaf, list) and leaf:
            leaf = leaf[0]
        return "list" if isinstance(leaf, list) else f"list[{type(leaf).__name__}]"
    return type(value).__name__


def _aliases(cell: Cell, given: Any, value: Any) -> bool | None:
    """Whether result and input share bytes; None where the question does not apply."""
    if cell.direction == ARRAY_TO_TORCH and isinstance(value, torch.Tensor):
        return memory.shares_memory(given, value)
    if cell.direction == TENSOR_TO_NUMPY and isinstance(value, np.ndarray):
        return memory.shares_memory(value, given)
    return None


def blank(cell: Cell) -> dict:
    return {"id": cell.id, "function": cell.function, "dtype": cell.dtype, "input": cell.input,
            "direction": cell.direction, "exception": None, "result_dtype": None,
            "aliases": None, "warnings": [], "message": ""}


def observe(cell: Cell) -> dict:
    """Build the cell's input, make its call, and return its signature (a report cell)."""
    out = blank(cell)
    with warnings.catch_warnings():
        # Builders may warn (np.matrix is pending deprecation): that is not the call's doing.
        warnings.simplefilter("ignore")
        try:
            if cell.direction == operations.OPERATIONS:
                given, fn = None, operations.make_call(cell)
            else:
                given = build_array(cell) if cell.direction == ARRAY_TO_TORCH else build_tensor(cell)
                fn = ARRAY_FUNCTIONS.get(cell.function) or TENSOR_FUNCTIONS[cell.function]
        except Exception as exc:  # noqa: BLE001 - an unbuildable input is itself a fact
            out["exception"] = f"input:{type(exc).__name__}"
            out["message"] = clean_message(exc)
            return out
    grad_mode = torch.no_grad() if cell.input.endswith("+no_grad") else contextlib.nullcontext()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with grad_mode:
                value = fn() if given is None else fn(given)
        except Exception as exc:  # noqa: BLE001 - the exception is the observation
            out["exception"] = type(exc).__name__
            out["message"] = clean_message(exc)
        else:
            out["result_dtype"] = operations.result_dtype(value) if given is None else _result_dtype(value)
            out["aliases"] = _aliases(cell, given, value)
    out["warnings"] = sorted({w.category.__name__ for w in caught})
    if not out["message"] and caught:
        out["message"] = clean_message(caught[0].message)
    return out
