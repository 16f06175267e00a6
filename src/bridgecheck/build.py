"""Build arrays, NumPy scalars and tensors from plain-data recipes.

Strategies draw a *recipe* (a dict of strings, ints and tuples) and call these builders; failure
messages print the same call as a reproduction. One code path makes both, so a reproduction
rebuilds exactly the input that failed: same dtype, shape, strides, offset, flags and bits.

Data travels as hex of element bytes in the host's byte order (little-endian on every
platform torch supports). Builders never use the bridge under test
(no ``from_numpy``/``numpy()``): a mutated bridge must not change what the strategies produce.
"""

from __future__ import annotations

import ast
import atexit
import math
import os
import shutil
import tempfile
import warnings
from typing import Literal

import numpy as np

_MEMMAP_DIR: str | None = None


def _memmap_dir() -> str:
    global _MEMMAP_DIR
    if _MEMMAP_DIR is None:
        _MEMMAP_DIR = tempfile.mkdtemp(prefix="bridgecheck-memmap-")
        atexit.register(shutil.rmtree, _MEMMAP_DIR, True)
    return _MEMMAP_DIR


def dtype_from_token(token: str) -> np.dtype:
    """The dtype a recipe names: any ``np.dtype`` string, or a structured dtype's ``descr``
    list as text. Type characters matter: ``"Q"`` is ulonglong, distinct from ``"<u8"``.
    """
    if token.startswith("["):
        return np.dtype(ast.literal_eval(token))
    return np.dtype(token)


def dtype_token(dtype: np.dtype) -> str:
    """Inverse of ``dtype_from_token`` (keeps the type character where ``str`` would not)."""
    if dtype.fields is not None:
        return str(dtype.descr)
    if dtype.char != np.dtype(dtype.str).char:  # e.g. ulonglong "Q" vs ulong "L"
        return dtype.char
    return dtype.str


def _pattern_count(raw: bytes, count: int, itemsize: int, repeat: bool) -> int:
    """How many elements ``raw`` holds: ``count``, or with ``repeat`` a pattern (at least one
    element) repeated over the ``count`` elements."""
    if repeat and count and raw and len(raw) % itemsize == 0:
        return len(raw) // itemsize
    if len(raw) != count * itemsize:
        raise ValueError(f"data holds {len(raw)} bytes, {count} x {itemsize} expected")
    return count


def values(dtype: str, data: str | None, count: int, repeat: bool = False) -> np.ndarray:
    """``count`` elements of ``dtype`` (native order, C-contiguous, owning) from hex ``data``.

    Object arrays take float64 bits and hold Python floats. ``data=None`` gives 0, 1, 2, ...
    cast to the dtype: short enough to write by hand in a witness or a bug report. With
    ``repeat``, ``data`` holds a pattern of elements repeated (and cut) to ``count``: how large
    inputs stay short in a reproduction.
    """
    dt = dtype_from_token(dtype)
    if data is None:
        return np.arange(count).astype(dt.newbyteorder("="))
    if dt.kind == "O":
        return values("<f8", data, count, repeat).astype(object)
    raw = bytes.fromhex(data)
    native = dt.newbyteorder("=")
    pattern = np.frombuffer(raw, dtype=native, count=_pattern_count(raw, count, dt.itemsize, repeat))
    return np.resize(pattern, count) if len(pattern) != count else pattern.copy()


def _base_count(base_shape: tuple[int, ...]) -> int:
    return math.prod(base_shape)


def array(
    dtype: str,
    shape: tuple[int, ...],
    layout: str = "c-order",
    data: str | None = None,
    *,
    base_shape: tuple[int, ...] | None = None,
    axes: tuple[int, ...] | None = None,
    steps: tuple[int, ...] | None = None,
    starts: tuple[int, ...] | None = None,
    offset: int = 0,
    strides: tuple[int, ...] | None = None,
    mask: str | None = None,
    mode: Literal["r", "r+", "w+", "c"] = "r+",
    swapped: bool = False,
    repeat: bool = False,
) -> np.ndarray:
    """The array a recipe describes; ``layout`` names how the memory is arranged.

    ``data`` holds the elements of the *base* the view is cut from (``base_shape``, C order).
    ``swapped`` stores the base in non-native byte order before the view is taken, so any
    layout can be non-native (``layout="byteswapped"`` is the C-order case). ``repeat``: see
    ``values``.
    """
    shape = tuple(shape)
    base_shape = tuple(base_shape) if base_shape is not None else shape
    dt = dtype_from_token(dtype).newbyteorder("=")
    base = values(dtype, data, _base_count(base_shape), repeat).reshape(base_shape)
    if swapped or layout == "byteswapped":
        base = base.astype(dt.newbyteorder("S"))
        dt = base.dtype

    if layout in ("c-order", "readonly", "byteswapped"):
        out = base
        if layout == "readonly":
            out.flags.writeable = False
        return out
    if layout == "fortran":
        # np.asfortranarray returns at least 1-d: a 0-d array is already in Fortran order.
        return np.asfortranarray(base) if base.ndim else base
    if layout == "transposed":
        return base.transpose(axes)
    if layout in ("stepped", "negative-step"):
        assert starts is not None and steps is not None, "a stepped layout's recipe carries starts and steps"
        index = []
        for start, step, n in zip(starts, steps, shape):
            stop = start + n * step
            index.append(slice(start, stop if stop >= 0 else None, step))
        return base[tuple(index)]
    if layout == "offset":
        n = math.prod(shape)
        return base.reshape(-1)[offset : offset + n].reshape(shape)
    if layout == "broadcast":
        return np.broadcast_to(base, shape)
    if layout in ("as-strided", "size1-odd-strides", "odd-byte-strides"):
        return np.lib.stride_tricks.as_strided(base.reshape(-1), shape, strides, writeable=True)
    if layout == "unaligned":
        n = math.prod(shape)
        buf = bytearray(n * dt.itemsize + 1)
        out = np.frombuffer(buf, dtype=dt, count=n, offset=1).reshape(shape)
        out[...] = base.reshape(shape)
        return out
    if layout == "matrix":
        with warnings.catch_warnings():  # NumPy discourages np.matrix; drawing one is the point
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            return np.asmatrix(base)
    if layout == "masked":
        bits = np.array([c == "1" for c in (mask or "")], dtype=bool).reshape(shape)
        return np.ma.masked_array(base, mask=bits)
    if layout == "memmap":
        fd, path = tempfile.mkstemp(suffix=".bin", dir=_memmap_dir())
        with os.fdopen(fd, "wb") as f:
            f.write(base.tobytes())
        return np.memmap(path, dtype=dt, mode=mode, shape=shape)
    raise ValueError(f"unknown layout {layout!r}")


def scalar(dtype: str, data: str | None = None) -> np.generic:
    """The NumPy scalar (``np.generic``, not a 0-d array) of ``dtype`` holding hex ``data``."""
    return values(dtype, data, 1)[0]


# --- tensors -------------------------------------------------------------------------------

_SIGNED_BY_SIZE = {1: "int8", 2: "int16", 4: "int32", 8: "int64"}


def _torch_values(dtype: str, data: str | None, count: int, repeat: bool = False):
    """1-D tensor of ``count`` elements of torch ``dtype`` from hex little-endian ``data``.

    Goes through a Python list of integers and ``Tensor.view(dtype)``: no NumPy bridge.
    ``data=None`` gives 0, 1, 2, ... cast to the dtype (as ``values`` does for arrays);
    ``repeat`` as for ``values``.
    """
    import torch

    tdt = getattr(torch, dtype)
    if data is None:
        return torch.arange(count).to(tdt)
    itemsize = tdt.itemsize  # torch.empty would warn that complex32 is experimental
    raw = bytes.fromhex(data)
    held = _pattern_count(raw, count, itemsize, repeat)
    if held != count:
        pattern = _torch_values(dtype, data, held)
        return pattern[torch.arange(count) % held]
    if tdt == torch.bool:
        return torch.tensor([b != 0 for b in raw], dtype=torch.bool)
    # Complex types are stored as pairs of their real parts' width.
    unit = itemsize // 2 if tdt.is_complex else itemsize
    words = [int.from_bytes(raw[i : i + unit], "little", signed=True) for i in range(0, len(raw), unit)]
    carrier = torch.tensor(words, dtype=getattr(torch, _SIGNED_BY_SIZE[unit]))
    return carrier.view(tdt) if count else torch.empty(0, dtype=tdt)


def tensor(
    dtype: str,
    shape: tuple[int, ...],
    data: str | None = None,
    *,
    view: str = "contiguous",
    grad: str = "plain",
    device: str = "cpu",
    layout: str = "strided",
    axes: tuple[int, ...] | None = None,
    offset: int = 0,
    expand_from: tuple[int, ...] | None = None,
    qparams: tuple[float, int] | None = None,
    repeat: bool = False,
):
    """The tensor a recipe describes.

    ``view``: contiguous | transposed | offset | expanded | conj | neg.
    ``grad``: plain | leaf | non-leaf | detached | inference.
    ``layout``: strided | sparse_coo | sparse_csr. ``device``: cpu | meta | cuda.
    ``data`` holds the elements of the base (``expand_from`` for expanded views, the permuted
    shape for transposed ones, ``offset`` extra leading elements for offset views); omitted,
    the base holds 0, 1, 2, ... (short enough for a witness or a bug report). ``repeat``: a
    pattern repeated over the base (see ``values``).
    """
    import torch

    shape = tuple(shape)
    if view == "expanded":
        assert expand_from is not None, "an expanded view's recipe carries expand_from"
        base_shape = tuple(expand_from)
    elif view == "transposed":
        assert axes is not None, "a transposed view's recipe carries axes"
        base_shape = tuple(shape[axes.index(i)] for i in range(len(shape)))
    else:
        base_shape = shape
    count = math.prod(base_shape) + (offset if view == "offset" else 0)

    def make():
        if qparams is not None:
            scale, zero_point = qparams
            ints = _torch_values("int32", data, count, repeat).to(torch.float32)
            with warnings.catch_warnings():  # torch >= 2.13 deprecates quantized creation
                warnings.simplefilter("ignore", UserWarning)
                base = torch.quantize_per_tensor(ints, scale, zero_point, getattr(torch, dtype))
        else:
            base = _torch_values(dtype, data, count, repeat)
        if layout == "strided":
            base = base.to(device)  # views are taken on the target device
        if grad in ("non-leaf", "detached"):
            base.requires_grad_(True)  # views of it then carry a grad_fn
        if view == "offset":
            out = base[offset:].view(shape)
        else:
            out = base.view(base_shape)
            if view == "transposed":
                assert axes is not None
                out = out.permute(axes)
            elif view == "expanded":
                out = out.expand(shape)
            elif view == "conj":
                out = out.conj()
            elif view == "neg":
                out = torch._neg_view(out)
        if grad == "non-leaf" and out.grad_fn is None:
            out = out[...]  # a view with a grad_fn: not a leaf, shares the leaf's memory
        elif grad == "detached":
            out = out.detach()
        if layout == "sparse_coo":
            out = out.to_sparse().to(device)
        elif layout == "sparse_csr":
            out = out.to_sparse_csr().to(device)
        if grad == "leaf":
            out.requires_grad_(True)  # last, so the result itself is the leaf
        return out

    # torch warns once per process that CSR is in beta and that complex32 is experimental.
    # Spent here, such a warning cannot surface in whichever property happens to touch the
    # type first (and in no other), and building is not what properties observe.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if grad == "inference":
            with torch.inference_mode():
                return make()
        return make()


def call_repr(func: str, kwargs: dict) -> str:
    """``bridgecheck.build.<func>(k=v, ...)`` as source text (values are plain literals)."""
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return f"bridgecheck.build.{func}({args})"
