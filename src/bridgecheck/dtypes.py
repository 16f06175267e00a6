"""Dtype tables of the bridge: which NumPy dtypes torch accepts and what each maps to.

The mapping is the documented one (``torch.from_numpy``'s docstring and the ``numpy()`` docs,
extended by the unsigned types added in torch 2.3). Which versions accept what is not decided
here but in ``deviations.toml`` (its version entries and their probes); these tables only say
what the contract is.
"""

from __future__ import annotations

import numpy as np
import torch

_NUMPY_NAMES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
)

#: NumPy dtype name -> torch dtype, for every dtype the bridge accepts. torch < 2.3 has no
#: uint16/uint32/uint64 at all: they are left out there, not mapped to something else.
NUMPY_TO_TORCH: dict[str, torch.dtype] = {
    name: getattr(torch, name) for name in _NUMPY_NAMES if isinstance(getattr(torch, name, None), torch.dtype)
}

def available(*names: str) -> list[torch.dtype]:
    """The torch dtypes of these names that exist in the installed torch (uint16+ from 2.3)."""
    return [d for d in (getattr(torch, n, None) for n in names) if isinstance(d, torch.dtype)]


def existing(*names: str) -> list[str]:
    """These dtype names, less those the installed torch has no dtype for (uint16/32/64 before
    2.3): property tables of dtype names pass through here, so no strategy draws a dtype the
    installed torch lacks (a dtype torch lacks has no contract to check there)."""
    return [n for n in names if isinstance(getattr(torch, n, None), torch.dtype)]


#: torch dtype -> NumPy dtype name (the inverse of ``NUMPY_TO_TORCH``).
TORCH_TO_NUMPY: dict[torch.dtype, str] = {t: n for n, t in NUMPY_TO_TORCH.items()}

#: Dtypes torch refuses, by the name strategies use for them. ``ulonglong`` is the ``Q``
#: type, equal to uint64 on LP64 platforms but a distinct NumPy type number.
REFUSED_NUMPY: dict[str, str] = {
    "longdouble": "g",
    "clongdouble": "G",
    "object": "O",
    "str": "U3",
    "bytes": "S3",
    "structured": "[('x', '<i4'), ('y', '<f8')]",
    "datetime64": "M8[s]",
    "timedelta64": "m8[s]",
    "ulonglong": "Q",
}


def refused_numpy_dtype(name: str) -> np.dtype:
    """The refused dtype called ``name`` in ``REFUSED_NUMPY``."""
    spec = REFUSED_NUMPY[name]
    return np.dtype(eval(spec) if spec.startswith("[") else spec)  # noqa: S307 - literal table


def _torch_dtype(name: str) -> torch.dtype | None:
    return getattr(torch, name, None)


#: torch dtypes with no NumPy counterpart: ``Tensor.numpy()`` must refuse them.
NUMPY_LACKS: tuple[torch.dtype, ...] = tuple(
    d
    for d in (
        _torch_dtype(n)
        for n in (
            "bfloat16", "complex32", "float8_e4m3fn", "float8_e5m2",
            "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu",
        )
    )
    if d is not None
)

#: Quantized dtypes (optional in tensor strategies: they need their own constructor).
QUANTIZED: tuple[torch.dtype, ...] = (torch.qint8, torch.quint8, torch.qint32)

#: Every plain (non-quantized) torch dtype the tensor strategies can draw.
TORCH_DTYPES: tuple[torch.dtype, ...] = tuple(NUMPY_TO_TORCH.values()) + NUMPY_LACKS

FLOATING = {torch.float16, torch.bfloat16, torch.float32, torch.float64}
COMPLEX = {torch.complex32, torch.complex64, torch.complex128}


def torch_dtype_for(dtype: np.dtype) -> torch.dtype:
    """The torch dtype the documented mapping gives ``dtype`` (KeyError when refused)."""
    return NUMPY_TO_TORCH[np.dtype(dtype).newbyteorder("=").name]


def numpy_dtype_for(dtype: torch.dtype) -> np.dtype | None:
    """The NumPy dtype ``Tensor.numpy()`` gives ``dtype``, or None where NumPy lacks one."""
    name = TORCH_TO_NUMPY.get(dtype)
    return None if name is None else np.dtype(name)


def torch_name(dtype: torch.dtype) -> str:
    """``torch.float32`` -> ``'float32'``."""
    return str(dtype).removeprefix("torch.")
