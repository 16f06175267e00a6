"""Strategies for tensors in every view kind, autograd state, device and layout.

hypothesis-torch makes tensors by ``from_numpy(...).contiguous()``: no views, no storage
offsets, no conj/neg bits, and it leans on the very bridge under test. Here a recipe is drawn
(dtype, shape, view kind, autograd state, device, layout, bits) and built with
``bridgecheck.build.tensor``, which reaches torch without going through NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from bridgecheck import build
from bridgecheck.cases import TensorCase
from bridgecheck.dtypes import COMPLEX, FLOATING, NUMPY_TO_TORCH, QUANTIZED, TORCH_DTYPES, torch_name
from bridgecheck.strategies.elements import data_hex

VIEWS: tuple[str, ...] = ("contiguous", "transposed", "offset", "expanded", "conj", "neg")
#: Views without a conj/neg bit: what zero-copy exporters hand out as they are.
PLAIN_VIEWS: tuple[str, ...] = ("contiguous", "transposed", "offset", "expanded")
GRADS: tuple[str, ...] = ("plain", "leaf", "non-leaf", "detached", "inference")
LAYOUTS: tuple[str, ...] = ("strided", "sparse_coo", "sparse_csr")


def available_devices() -> tuple[str, ...]:
    """Devices tensors can be drawn on here: cpu, meta, and cuda when present."""
    return ("cpu", "meta", "cuda") if torch.cuda.is_available() else ("cpu", "meta")


_GRAD_DTYPES = (FLOATING | COMPLEX) - {torch.complex32}
#: dtypes with sparse kernels on CPU (to_sparse needs nonzero counting).
_SPARSE_DTYPES = {torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.float16,
                  torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128}
_NEG_DTYPES = FLOATING | COMPLEX | {torch.int8, torch.int16, torch.int32, torch.int64}


def _numpy_kind(dtype: torch.dtype) -> str:
    if dtype == torch.bool:
        return "b"
    if dtype.is_complex:
        return "c"
    if dtype.is_floating_point:
        return "f"
    return "i" if dtype.is_signed else "u"


def _views_for(dtype: torch.dtype, ndim: int, layout: str, views: Collection[str]) -> list[str]:
    out = []
    for v in views:
        if layout != "strided" and v != "contiguous":
            continue  # sparse tensors are built from a contiguous dense one
        if dtype in QUANTIZED and v not in ("contiguous", "transposed", "offset"):
            continue
        if v == "conj" and dtype not in (torch.complex64, torch.complex128):
            continue
        if v == "neg" and dtype not in _NEG_DTYPES:
            continue
        if v == "transposed" and ndim < 2:
            continue
        if v == "expanded" and ndim < 1:
            continue
        out.append(v)
    return out


def _grads_for(dtype: torch.dtype, layout: str, device: str, grads: Collection[str]) -> list[str]:
    out = []
    for g in grads:
        if g in ("leaf", "non-leaf", "detached") and dtype not in _GRAD_DTYPES:
            continue
        if layout != "strided" and g not in ("plain", "leaf"):
            continue
        if dtype in QUANTIZED and g != "plain":
            continue
        if g == "inference" and device == "meta":
            continue
        out.append(g)
    return out


@st.composite
def _tensor_case(draw, dtypes, views, grads, devices, layouts, min_dims, max_dims, max_side) -> TensorCase:
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    layout = draw(st.sampled_from(layouts), label="layout")
    if dtype not in _SPARSE_DTYPES:
        layout = "strided"
    lo, hi = (2, 2) if layout == "sparse_csr" else (min_dims, max_dims)
    if layout != "strided":
        lo = max(lo, 1)
    ndim = draw(st.integers(lo, max(lo, hi)), label="ndim")
    device = draw(st.sampled_from(devices), label="device")
    if dtype in QUANTIZED:
        device = "cpu"
    view_options = _views_for(dtype, ndim, layout, views) or ["contiguous"]
    view = draw(st.sampled_from(view_options), label="view")
    grad_options = _grads_for(dtype, layout, device, grads) or ["plain"]
    grad = draw(st.sampled_from(grad_options), label="grad")

    empty = ndim > 0 and draw(st.integers(0, 9)) == 9
    shape = list(draw(st.lists(st.integers(1, max_side), min_size=ndim, max_size=ndim)))
    if empty:
        shape[draw(st.integers(0, ndim - 1))] = 0
    shape = tuple(shape)
    recipe: dict = {"dtype": torch_name(dtype), "shape": shape}
    base_count = math.prod(shape)
    if view == "transposed":
        recipe["axes"] = tuple(draw(st.permutations(range(ndim)).filter(lambda p: list(p) != sorted(p))))
    elif view == "offset":
        recipe["offset"] = draw(st.integers(1, 4))
        base_count += recipe["offset"]
    elif view == "expanded":
        source = tuple(draw(st.sampled_from([1, n])) if n != 1 else 1 for n in shape)
        if source == shape and any(n > 1 for n in shape):
            i = max(range(ndim), key=lambda k: shape[k])
            source = source[:i] + (1,) + source[i + 1 :]
        recipe["expand_from"] = source
        base_count = math.prod(source)
    if dtype in QUANTIZED:
        recipe["qparams"] = (draw(st.sampled_from([0.5, 1.0, 0.125])), draw(st.integers(0, 3)))
        data = draw(data_hex("i", "int32", 4, base_count).map(lambda h: _small_ints(h)), label="data")
    else:
        itemsize = torch.empty((), dtype=dtype).element_size()
        data = draw(data_hex(_numpy_kind(dtype), torch_name(dtype), itemsize, base_count), label="data")
    recipe.update(data=data, view=view, grad=grad, device=device, layout=layout)
    return TensorCase(build.tensor(**recipe), "tensor", recipe)


def _small_ints(data: str) -> str:
    """Quantized tensors take small integer values (stored as int32 words)."""
    words = [int.from_bytes(bytes.fromhex(data[i : i + 8]), "little", signed=True) for i in range(0, len(data), 8)]
    return b"".join((w % 64 - 32).to_bytes(4, "little", signed=True) for w in words).hex()


def tensors(
    *,
    dtypes: Collection[torch.dtype] | None = None,
    views: Collection[str] = VIEWS,
    grads: Collection[str] = GRADS,
    devices: Collection[str] = ("cpu",),
    layouts: Collection[str] = ("strided",),
    quantized: bool = False,
    min_dims: int = 0,
    max_dims: int = 3,
    max_side: int = 3,
) -> st.SearchStrategy[TensorCase]:
    """Tensors as ``TensorCase`` (``.tensor``; ``.describe()`` says what was drawn).

    ``dtypes``: default every torch dtype with a NumPy counterpart plus those NumPy lacks
    (bfloat16, complex32, float8 kinds); ``quantized=True`` adds qint8/quint8/qint32.
    ``views``: contiguous, transposed, offset (storage offset), expanded (stride 0), conj,
    neg. ``grads``: plain, leaf (requires grad), non-leaf (a view with a grad_fn), detached,
    inference (made in inference mode). ``devices``: cpu, meta, cuda (``available_devices()``
    lists what exists here). ``layouts``: strided, sparse_coo, sparse_csr. Combinations that
    cannot exist (conj of a float tensor, grad of an integer one) are not drawn; another
    option of the same draw is used instead.
    """
    chosen = tuple(TORCH_DTYPES if dtypes is None else dtypes) + (QUANTIZED if quantized else ())
    for name, given, allowed in (("views", views, VIEWS), ("grads", grads, GRADS), ("layouts", layouts, LAYOUTS)):
        bad = sorted(set(given) - set(allowed))
        if bad or not given:
            raise InvalidArgument(f"{name}={sorted(given)}: unknown or empty {bad}; choose from {list(allowed)}")
    bad_devices = sorted(set(devices) - {"cpu", "meta", "cuda"})
    if bad_devices or not devices:
        raise InvalidArgument(f"devices={sorted(devices)}: choose from cpu, meta, cuda")
    if "cuda" in devices and not torch.cuda.is_available():
        raise InvalidArgument("devices includes 'cuda' but torch.cuda.is_available() is False")
    not_dtypes = [d for d in chosen if not isinstance(d, torch.dtype)]
    if not_dtypes or not chosen:
        raise InvalidArgument(f"dtypes must be torch.dtype objects, got {not_dtypes or 'nothing'}")
    if not 0 <= min_dims <= max_dims <= 6 or max_side < 1:
        raise InvalidArgument(f"need 0 <= min_dims <= max_dims <= 6 and max_side >= 1")
    return _tensor_case(
        tuple(chosen), tuple(views), tuple(grads), tuple(devices), tuple(layouts), min_dims, max_dims, max_side
    )


def exportable_tensors(
    *, grads: Collection[str] = ("plain", "detached", "inference"), **kwargs
) -> st.SearchStrategy[TensorCase]:
    """Tensors every zero-copy exporter to NumPy accepts: on the CPU, strided, of a dtype
    NumPy has, without conj/neg bit, not requiring grad; in every plain view kind (stride 0
    and storage offsets included). Other ``tensors`` arguments (``min_dims``...) pass on."""
    return tensors(
        dtypes=tuple(NUMPY_TO_TORCH.values()), views=PLAIN_VIEWS, grads=grads,
        devices=("cpu",), layouts=("strided",), **kwargs,
    )
