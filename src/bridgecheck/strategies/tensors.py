"""Strategies for tensors in every view kind, autograd state, device and layout.

hypothesis-torch makes tensors by ``from_numpy(...).contiguous()``: no views, no storage
offsets, no conj/neg bits, and it leans on the very bridge under test. Here a recipe is drawn
(dtype, shape, view kind, autograd state, device, layout, bits) and built with
``bridgecheck.build.tensor``, which reaches torch without going through NumPy.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Collection
from typing import Any

import torch
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from bridgecheck import build
from bridgecheck.cases import TensorCase
from bridgecheck.dtypes import COMPLEX, FLOATING, NUMPY_TO_TORCH, QUANTIZED, TORCH_DTYPES, torch_name
from bridgecheck.strategies.sizes import (
    Called,
    check_count,
    check_int,
    draw_data,
    drawn_shape,
    no_sizes_with_shape,
    shape_argument,
    unrepresentable,
)

__all__ = ["GRADS", "LAYOUTS", "PLAIN_VIEWS", "VIEWS", "available_devices", "exportable_tensors",
           "plain_tensors", "tensors"]

VIEWS: tuple[str, ...] = ("contiguous", "transposed", "offset", "expanded", "conj", "neg")
#: Views without a conj/neg bit: what zero-copy exporters hand out as they are.
PLAIN_VIEWS: tuple[str, ...] = ("contiguous", "transposed", "offset", "expanded")
GRADS: tuple[str, ...] = ("plain", "leaf", "non-leaf", "detached", "inference")
LAYOUTS: tuple[str, ...] = ("strided", "sparse_coo", "sparse_csr")


def available_devices() -> tuple[str, ...]:
    """Devices tensors can be drawn on here: cpu, meta, and cuda when present."""
    return ("cpu", "meta", "cuda") if torch.cuda.is_available() else ("cpu", "meta")


@functools.cache
def layout_reaches(layout: str, device: str) -> bool:
    """Whether the installed torch can move a tensor of ``layout`` to ``device`` at all (torch
    2.2 has no sparse CSR on the meta device: "Unsupported device type for SparseCsr layout").
    Asked of torch once, on a 2x2 zero tensor, the way ``build.tensor`` makes its layouts;
    strategies offer only what it can build."""
    if layout == "strided" or device == "cuda":
        return True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CSR is in beta: torch warns once
        dense = torch.zeros(2, 2)
        try:
            (dense.to_sparse() if layout == "sparse_coo" else dense.to_sparse_csr()).to(device)
        except (RuntimeError, NotImplementedError):
            return False
    return True


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
    # By name: dtype.is_signed raises "Unknown ScalarType" for uint16/32/64 on torch 2.3.
    return "u" if str(dtype).startswith("torch.uint") else "i"


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


#: ndim range each layout can be built with (sparse CSR is 2-d by definition).
_LAYOUT_DIMS = {"strided": (0, 6), "sparse_coo": (1, 6), "sparse_csr": (2, 2)}

#: Two orders to walk the table of combinations in; each draw picks one. Dtype first gives
#: every dtype its share; layout, view and grad first give every one of those its share
#: (conj only exists for complex dtypes and would otherwise come up once in a few hundred
#: draws, non-leaf and detached only for floating ones).
ORDERS: dict[str, tuple[str, ...]] = {
    "dtype-first": ("dtype", "layout", "ndim", "device", "view", "grad"),
    "options-first": ("layout", "view", "grad", "dtype", "device", "ndim"),
}


def _feasible(dtypes, views, grads, devices, layouts, min_dims, max_dims) -> dict[str, dict]:
    """Every combination that can be built, as nested dicts in each order of ``ORDERS``
    (``{dtype: {layout: {ndim: ...}}}``; the innermost level maps the last key to None).

    Draws walk a table from the outside in, so a tensor never carries an option that was
    not asked for, and an empty table means the arguments allow no tensor at all.
    """
    combos = []
    for dtype in dtypes:
        for layout in layouts:
            if layout != "strided" and dtype not in _SPARSE_DTYPES:
                continue
            lo, hi = _LAYOUT_DIMS[layout]
            for device in devices:
                if (dtype in QUANTIZED and device != "cpu") or not layout_reaches(layout, device):
                    continue
                states = _grads_for(dtype, layout, device, grads)
                for ndim in range(max(lo, min_dims), min(hi, max_dims) + 1):
                    for view in _views_for(dtype, ndim, layout, views):
                        for grad in states:
                            combos.append({"dtype": dtype, "layout": layout, "device": device,
                                           "ndim": ndim, "view": view, "grad": grad})
    tables: dict[str, dict] = {}
    for name, order in ORDERS.items():
        table: dict = {}
        for combo in combos:
            node = table
            for key in order[:-1]:
                node = node.setdefault(combo[key], {})
            node[combo[order[-1]]] = None
        tables[name] = table
    return tables if combos else {}


def _reorders_long_axes(axes: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """Output axis i is base axis ``axes[i]``: a permutation that moves only length-1 axes
    leaves the memory in C order, so where two axes are longer than 1 it must reorder them."""
    longer = [axes[i] for i, n in enumerate(shape) if n > 1]
    return list(axes) != sorted(axes) and (len(longer) < 2 or longer != sorted(longer))


def _walk(draw, tables: dict, ndim: int | None) -> dict:
    """One feasible combination, walking a table of ``_feasible`` from the outside in; with
    ``ndim`` (a drawn shape's) only combinations of that many axes."""
    order = draw(st.sampled_from(list(ORDERS)), label="order")
    picked, node = {}, tables[order]
    for key in ORDERS[order]:
        options = [o for o in node if key != "ndim" or ndim is None or o == ndim]
        if not options:
            reject()  # a drawn shape this branch of the table cannot take
        picked[key] = draw(st.sampled_from(options), label=key)
        node = node[picked[key]]
    return picked


def _torch_hex(dtype: torch.dtype) -> Callable[[list], str]:
    """``elements=`` values to the hex ``data`` of ``dtype``, without the NumPy bridge."""

    def to_hex(values: list) -> str:
        try:
            out = torch.tensor(values, dtype=dtype)
        except (TypeError, ValueError, OverflowError, RuntimeError) as exc:
            raise InvalidArgument(f"elements drew values {dtype} cannot hold ({exc})") from None
        unrepresentable(values, out.tolist(), dtype)
        return bytes(out.view(torch.uint8).tolist()).hex()

    return to_hex


@st.composite
def _tensor_case(draw, tables, max_side, shape, elements) -> TensorCase:
    fixed = None if shape is None else drawn_shape(draw, shape, 6)
    picked = _walk(draw, tables, None if fixed is None else len(fixed))
    dtype, layout, device, ndim, view, grad = (
        picked[k] for k in ("dtype", "layout", "device", "ndim", "view", "grad")
    )
    if fixed is None:
        empty = ndim > 0 and draw(st.integers(0, 9)) == 9
        sides = list(draw(st.lists(st.integers(1, max_side), min_size=ndim, max_size=ndim)))
        if empty:
            sides[draw(st.integers(0, ndim - 1))] = 0
        fixed = tuple(sides)
    shape = fixed
    recipe: dict = {"dtype": torch_name(dtype), "shape": shape}
    base_count = math.prod(shape)
    if view == "transposed":
        recipe["axes"] = tuple(
            draw(st.permutations(range(ndim)).filter(lambda p: _reorders_long_axes(tuple(p), shape)))
        )
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
        data, repeat = draw_data(draw, "i", "int32", 4, base_count, None, None)
        data = _small_ints(data)
    else:
        to_hex = _torch_hex(dtype) if elements is not None else None
        data, repeat = draw_data(draw, _numpy_kind(dtype), torch_name(dtype), dtype.itemsize, base_count,
                                 elements, to_hex)
    recipe.update(data=data, view=view, grad=grad, device=device, layout=layout)
    if repeat:
        recipe["repeat"] = True
    return TensorCase(build.tensor(**recipe), "tensor", recipe)


def _small_ints(data: str) -> str:
    """Quantized tensors take small integer values (stored as int32 words)."""
    words = [int.from_bytes(bytes.fromhex(data[i : i + 8]), "little", signed=True) for i in range(0, len(data), 8)]
    return b"".join((w % 64 - 32).to_bytes(4, "little", signed=True) for w in words).hex()


def tensors(
    dtype: torch.dtype | Collection[torch.dtype] | None = None,
    shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    *,
    elements: st.SearchStrategy[Any] | None = None,
    views: Collection[str] = VIEWS,
    grads: Collection[str] = GRADS,
    devices: Collection[str] = ("cpu",),
    layouts: Collection[str] = ("strided",),
    quantized: bool = False,
    min_dims: int | None = None,
    max_dims: int | None = None,
    max_side: int | None = None,
    dtypes: Collection[torch.dtype] | None = None,
) -> st.SearchStrategy[TensorCase]:
    """Tensors as ``TensorCase`` (``.tensor``; ``.describe()`` says what was drawn; its repr
    rebuilds it); ``plain_tensors`` draws the tensors themselves.

    ``dtype``: one torch dtype or a collection of them (``dtypes=`` is the older spelling);
    default every torch dtype with a NumPy counterpart plus those NumPy lacks (bfloat16,
    complex32, float8 kinds); ``quantized=True`` adds qint8/quint8/qint32.
    ``shape``: an int, a tuple or a strategy of tuples, as for ``arrays``; without it,
    ``min_dims`` (0) to ``max_dims`` (3) axes of 1 to ``max_side`` (3) elements, and a
    zero-size tensor about one draw in ten. Up to ``MAX_ELEMENTS`` elements.
    ``elements``: a strategy of values for the elements (default: raw bit patterns with
    the special values over-represented); not with quantized dtypes.
    ``views``: contiguous, transposed, offset (storage offset), expanded (stride 0), conj,
    neg. ``grads``: plain, leaf (requires grad), non-leaf (a view with a grad_fn), detached,
    inference (made in inference mode). ``devices``: cpu, meta, cuda (``available_devices()``
    lists what exists here). ``layouts``: strided, sparse_coo, sparse_csr. Combinations that
    cannot exist (conj of a float tensor, grad of an integer one) are not drawn: every tensor
    has a requested dtype, view, grad state, device and layout, and arguments that leave no
    combination at all raise ``InvalidArgument`` here, not at draw time.
    """
    arguments = dict(dtype=dtype, shape=shape, elements=elements, views=None if views == VIEWS else views,
                     grads=None if grads == GRADS else grads, devices=None if tuple(devices) == ("cpu",) else devices,
                     layouts=None if tuple(layouts) == ("strided",) else layouts, quantized=quantized or None,
                     min_dims=min_dims, max_dims=max_dims, max_side=max_side, dtypes=dtypes)
    if dtype is not None and dtypes is not None:
        raise InvalidArgument("pass dtype= or its older spelling dtypes=, not both")
    if isinstance(dtype, torch.dtype):
        dtype = (dtype,)
    plural = {"dtypes": dtypes, "views": views, "grads": grads, "devices": devices, "layouts": layouts}
    for name, given in plural.items():
        if isinstance(given, (str, torch.dtype)):
            raise InvalidArgument(f"{name}={given!r} is one value; pass a collection: {name}=[{given!r}]")
    if isinstance(dtype, str):
        raise InvalidArgument(f"dtype={dtype!r}: dtypes must be torch.dtype objects, e.g. torch.{dtype}")
    dtypes = dtypes if dtype is None else dtype
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
    no_sizes_with_shape(shape, min_dims=min_dims, max_dims=max_dims, max_side=max_side)
    min_dims, max_dims, max_side = (0 if min_dims is None else min_dims, 3 if max_dims is None else max_dims,
                                    3 if max_side is None else max_side)
    for name, value in (("min_dims", min_dims), ("max_dims", max_dims), ("max_side", max_side)):
        check_int(name, value)
    if not 0 <= min_dims <= max_dims <= 6 or max_side < 1:
        raise InvalidArgument(
            f"need 0 <= min_dims <= max_dims <= 6 and max_side >= 1, got min_dims={min_dims}, "
            f"max_dims={max_dims}, max_side={max_side}"
        )
    check_count(f"max_side={max_side}, max_dims={max_dims}", max_side**max_dims)
    if shape is not None:
        shape = shape_argument(shape, 6)
        min_dims, max_dims = (len(shape), len(shape)) if isinstance(shape, tuple) else (0, 6)
    if elements is not None and (not isinstance(elements, st.SearchStrategy) or any(d in QUANTIZED for d in chosen)):
        raise InvalidArgument(f"elements={elements!r}: expected a strategy of values, and no quantized dtype")
    tables = _feasible(chosen, views, grads, devices, layouts, min_dims, max_dims)
    if not tables:
        raise InvalidArgument(
            f"no tensor fits all of dtypes={[torch_name(d) for d in chosen]}, views={sorted(views)}, "
            f"grads={sorted(grads)}, devices={sorted(devices)}, layouts={sorted(layouts)}, "
            f"{min_dims} <= ndim <= {max_dims} (conj needs complex64/128, grad states other than "
            "plain and inference need a floating or complex dtype, sparse layouts a dtype with "
            "sparse kernels and no view, quantized dtypes the cpu device)"
        )
    return Called(_tensor_case(tables, max_side, shape, elements), "tensors", arguments)


def plain_tensors(
    dtype: torch.dtype | Collection[torch.dtype] | None = None,
    shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    **kwargs: Any,
) -> st.SearchStrategy[torch.Tensor]:
    """The tensors of ``tensors(dtype, shape, **kwargs)`` themselves."""
    cases = tensors(dtype, shape, **kwargs)
    return Called(cases.map(lambda case: case.tensor), "plain_tensors", dict(dtype=dtype, shape=shape, **kwargs))


def exportable_tensors(
    *, grads: Collection[str] = ("plain", "detached", "inference"), **kwargs
) -> st.SearchStrategy[TensorCase]:
    """Tensors every zero-copy exporter to NumPy accepts: on the CPU, strided, of a dtype
    NumPy has, without conj/neg bit, not requiring grad; in every plain view kind (stride 0
    and storage offsets included). Other ``tensors`` arguments (``min_dims``...) pass on."""
    inner = tensors(
        tuple(NUMPY_TO_TORCH.values()), views=PLAIN_VIEWS, grads=grads,
        devices=("cpu",), layouts=("strided",), **kwargs,
    )
    shown_grads = None if grads == ("plain", "detached", "inference") else grads
    return Called(inner, "exportable_tensors", dict(grads=shown_grads, **kwargs))
