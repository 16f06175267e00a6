"""Build arrays, NumPy scalars and tensors from plain-data recipes.

Strategies draw a *recipe* (a dict of strings, ints and tuples) and call these builders; failure
messages print the same call as a reproduction. One code path makes both, so a reproduction
rebuilds exactly the input that failed: same dtype, shape, strides, offset, flags and bits.

Data travels as hex of little-endian element bytes. Builders never use the bridge under test
(no ``from_numpy``/``numpy()``): a mutated bridge must not change what the strategies produce.
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import tempfile
import warnings

import numpy as np

_MEMMAP_DIR: str | None = None


def _memmap_dir() -> str:
    global _MEMMAP_DIR
    if _MEMMAP_DIR is None:
        _MEMMAP_DIR = tempfile.mkdtemp(prefix="bridgecheck-memmap-")
        atexit.register(shutil.rmtree, _MEMMAP_DIR, True)
    return _MEMMAP_DIR


def values(dtype: str, data: str, count: int) -> np.ndarray:
    """``count`` elements of ``dtype`` (native order, C-contiguous, owning) from hex ``data``."""
    dt = np.dtype(dtype)
    le = dt.newbyteorder("<") if dt.byteorder != "|" else dt
    raw = bytes.fromhex(data)
    if len(raw) != count * dt.itemsize:
        raise ValueError(f"data holds {len(raw)} bytes, {count} x {dt.itemsize} expected")
    return np.frombuffer(raw, dtype=le, count=count).astype(dt.newbyteorder("="), copy=True)


def _base_count(base_shape: tuple[int, ...]) -> int:
    return math.prod(base_shape)


def array(
    dtype: str,
    shape: tuple[int, ...],
    layout: str,
    data: str,
    *,
    base_shape: tuple[int, ...] | None = None,
    axes: tuple[int, ...] | None = None,
    steps: tuple[int, ...] | None = None,
    starts: tuple[int, ...] | None = None,
    offset: int = 0,
    strides: tuple[int, ...] | None = None,
    mask: str | None = None,
    mode: str = "r+",
) -> np.ndarray:
    """The array a recipe describes; ``layout`` names how the memory is arranged.

    ``data`` holds the elements of the *base* the view is cut from (``base_shape``, C order).
    """
    shape = tuple(shape)
    base_shape = tuple(base_shape) if base_shape is not None else shape
    dt = np.dtype(dtype)
    native = dt.newbyteorder("=")
    base = values(dtype, data, _base_count(base_shape)).reshape(base_shape)

    if layout in ("c-order", "readonly", "byteswapped"):
        out = base
        if layout == "byteswapped":
            out = base.astype(native.newbyteorder("S"))
        if layout == "readonly":
            out.flags.writeable = False
        return out
    if layout == "fortran":
        return np.asfortranarray(base)
    if layout == "transposed":
        return base.transpose(axes)
    if layout in ("stepped", "negative-step"):
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
    if layout in ("as-strided", "size1-odd-strides"):
        return np.lib.stride_tricks.as_strided(base.reshape(-1), shape, strides, writeable=True)
    if layout == "unaligned":
        n = math.prod(shape)
        buf = bytearray(n * native.itemsize + 1)
        out = np.frombuffer(buf, dtype=native, count=n, offset=1).reshape(shape)
        out[...] = base.reshape(shape)
        return out
    if layout == "matrix":
        return np.asmatrix(base)
    if layout == "masked":
        bits = np.array([c == "1" for c in (mask or "")], dtype=bool).reshape(shape)
        return np.ma.masked_array(base, mask=bits)
    if layout == "memmap":
        fd, path = tempfile.mkstemp(suffix=".bin", dir=_memmap_dir())
        with os.fdopen(fd, "wb") as f:
            f.write(base.tobytes())
        return np.memmap(path, dtype=native, mode=mode, shape=shape)
    raise ValueError(f"unknown layout {layout!r}")


def scalar(dtype: str, data: str) -> np.generic:
    """The NumPy scalar (``np.generic``, not a 0-d array) of ``dtype`` holding hex ``data``."""
    return values(dtype, data, 1)[0]


# --- tensors -------------------------------------------------------------------------------

_SIGNED_BY_SIZE = {1: "int8", 2: "int16", 4: "int32", 8: "int64"}


def _torch_values(dtype: str, data: str, count: int):
    """1-D tensor of ``count`` elements of torch ``dtype`` from hex little-endian ``data``.

    Goes through a Python list of integers and ``Tensor.view(dtype)``: no NumPy bridge.
    """
    import torch

    tdt = getattr(torch, dtype)
    itemsize = torch.empty((), dtype=tdt).element_size()
    raw = bytes.fromhex(data)
    if len(raw) != count * itemsize:
        raise ValueError(f"data holds {len(raw)} bytes, {count} x {itemsize} expected")
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
    data: str,
    *,
    view: str = "contiguous",
    grad: str = "plain",
    device: str = "cpu",
    layout: str = "strided",
    axes: tuple[int, ...] | None = None,
    offset: int = 0,
    expand_from: tuple[int, ...] | None = None,
    qparams: tuple[float, int] | None = None,
):
    """The tensor a recipe describes.

    ``view``: contiguous | transposed | offset | expanded | conj | neg.
    ``grad``: plain | leaf | non-leaf | detached | inference.
    ``layout``: strided | sparse_coo | sparse_csr. ``device``: cpu | meta | cuda.
    ``data`` holds the elements of the base (``expand_from`` for expanded views, the permuted
    shape for transposed ones, ``offset`` extra leading elements for offset views).
    """
    import torch

    shape = tuple(shape)
    if view == "expanded":
        base_shape = tuple(expand_from)
    elif view == "transposed":
        base_shape = tuple(shape[axes.index(i)] for i in range(len(shape)))
    else:
        base_shape = shape
    count = math.prod(base_shape) + (offset if view == "offset" else 0)

    def make():
        if qparams is not None:
            scale, zero_point = qparams
            ints = _torch_values("int32", data, count).to(torch.float32)
            with warnings.catch_warnings():  # torch >= 2.13 deprecates quantized creation
                warnings.simplefilter("ignore", UserWarning)
                base = torch.quantize_per_tensor(ints, scale, zero_point, getattr(torch, dtype))
        else:
            base = _torch_values(dtype, data, count)
        base = base.to(device)
        if grad in ("non-leaf", "detached"):
            base.requires_grad_(True)  # views of it then carry a grad_fn
        if view == "offset":
            out = base[offset:].view(shape)
        else:
            out = base.view(base_shape)
            if view == "transposed":
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
            out = out.to_sparse()
        elif layout == "sparse_csr":
            out = out.to_sparse_csr()
        if grad == "leaf":
            out.requires_grad_(True)  # last, so the result itself is the leaf
        return out

    if grad == "inference":
        with torch.inference_mode():
            return make()
    return make()


def call_repr(func: str, kwargs: dict) -> str:
    """``bridgecheck.build.<func>(k=v, ...)`` as source text (values are plain literals)."""
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return f"bridgecheck.build.{func}({args})"
