"""Drawn inputs with their descriptions.

A case is the object a property feeds to the bridge plus the recipe that built it. Its
``describe()`` is the line failure messages and reports print (dtype, shape, strides, layout
kind, flags); ``facts()`` is what ``deviations.toml`` matches on; ``repr()`` is the source text
that rebuilds it, so a Hypothesis "Falsifying example" is itself a reproduction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bridgecheck import build


@dataclass(frozen=True, eq=False)
class Case:
    """Base: ``value`` built by ``bridgecheck.build.<builder>(**recipe)``."""

    value: Any
    builder: str
    recipe: dict = field(repr=False)

    @property
    def expr(self) -> str:
        """Python source that rebuilds ``value`` (needs ``import bridgecheck.build``)."""
        return build.call_repr(self.builder, self.recipe)

    def __repr__(self) -> str:
        return self.expr

    def _repr_pretty_(self, printer, cycle) -> None:
        # Hypothesis pretty-prints dataclasses field by field; print the rebuild expression.
        printer.text(self.expr)

    def describe(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def facts(self) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError


def _flags(a: np.ndarray) -> str:
    f = a.flags
    names = [
        ("writeable", f.writeable),
        ("aligned", f.aligned),
        ("c-contiguous", f.c_contiguous),
        ("f-contiguous", f.f_contiguous),
        ("owndata", f.owndata),
    ]
    return ",".join(n if on else "!" + n for n, on in names)


@dataclass(frozen=True, eq=False, repr=False)
class ArrayCase(Case):
    """An ndarray (or subclass) with the layout kind it was drawn as."""

    layout: str = "c-order"

    @property
    def array(self) -> np.ndarray:
        return self.value

    def describe(self) -> str:
        a = self.value
        sub = "" if type(a) is np.ndarray else f" subclass={type(a).__name__}"
        return (
            f"ndarray dtype={a.dtype.str}({a.dtype.type.__name__}) shape={a.shape} strides={a.strides} "
            f"layout={self.layout} flags={_flags(a)}{sub}"
        )

    def facts(self) -> dict[str, Any]:
        a = self.value
        return {
            "input": "ndarray",
            "dtype": a.dtype.newbyteorder("=").name,
            "dtype_char": a.dtype.char,
            "ndim": a.ndim,
            "size": a.size,
            "zero_size": a.size == 0,
            "layout": self.layout,
            "subclass": type(a).__name__,
            "writeable": bool(a.flags.writeable),
            "aligned": bool(a.flags.aligned),
            "native": a.dtype.isnative,
            "negative_strides": any(s < 0 for s in a.strides),
            "zero_strides": any(s == 0 for n, s in zip(a.shape, a.strides) if n > 1),
        }


@dataclass(frozen=True, eq=False, repr=False)
class ScalarCase(Case):
    """A NumPy scalar (``np.generic``): not a 0-d array."""

    def describe(self) -> str:
        v = self.value
        return f"numpy scalar {type(v).__name__} dtype={v.dtype.str} value={v!r}"

    def facts(self) -> dict[str, Any]:
        v = self.value
        return {
            "input": "scalar",
            "dtype": v.dtype.name,
            "dtype_char": v.dtype.char,
            "ndim": 0,
            "size": 1,
            "layout": "scalar",
        }


@dataclass(frozen=True, eq=False, repr=False)
class TensorCase(Case):
    """A tensor with the view kind, autograd state, device and layout it was drawn as."""

    @property
    def tensor(self):
        return self.value

    @property
    def view(self) -> str:
        return self.recipe.get("view", "contiguous")

    @property
    def grad(self) -> str:
        return self.recipe.get("grad", "plain")

    def describe(self) -> str:
        t = self.value
        strided = t.layout.__repr__() == "torch.strided"
        geometry = f" strides={t.stride()} offset={t.storage_offset()}" if strided else ""
        bits = "".join(b for b, on in ((" conj", t.is_conj()), (" neg", t.is_neg())) if on)
        return (
            f"tensor dtype={t.dtype} shape={tuple(t.shape)}{geometry} layout={self.recipe.get('layout', 'strided')}"
            f" device={t.device} view={self.view} grad={self.grad}"
            f" requires_grad={t.requires_grad} leaf={t.is_leaf}{bits}"
        )

    def facts(self) -> dict[str, Any]:
        from bridgecheck.dtypes import torch_name  # imports torch: not at module level (plugins load this)

        t = self.value
        return {
            "input": "tensor",
            "dtype": torch_name(t.dtype),
            "ndim": t.dim(),
            "size": t.numel(),
            "zero_size": t.numel() == 0,
            "view": self.view,
            "grad": self.grad,
            "requires_grad": t.requires_grad,
            "device": t.device.type,
            "layout": self.recipe.get("layout", "strided"),
            "conj": t.is_conj(),
            "neg": t.is_neg(),
        }


def from_recipe(kind: str, **recipe) -> Case:
    """Rebuild a case from its builder name and recipe (reports store these)."""
    if kind == "array":
        return ArrayCase(build.array(**recipe), "array", recipe, layout=recipe.get("layout", "c-order"))
    if kind == "scalar":
        return ScalarCase(build.scalar(**recipe), "scalar", recipe)
    if kind == "tensor":
        return TensorCase(build.tensor(**recipe), "tensor", recipe)
    raise ValueError(f"unknown case kind {kind!r}")


# --- explicit examples -----------------------------------------------------------------------

#: Examples ``explicit`` left out because their input could not be built on this torch, as
#: (property, recipe, error). Empty on the torch the suite is developed on (a test checks).
UNBUILT_EXAMPLES: list[tuple[str, dict, str]] = []


@dataclass(frozen=True)
class Recipe:
    """A case to build later: what ``explicit`` examples are written with."""

    kind: str
    recipe: dict

    def build(self) -> Case:
        return from_recipe(self.kind, **self.recipe)


def tensor_recipe(**recipe) -> Recipe:
    return Recipe("tensor", recipe)


def explicit(**arguments):
    """``hypothesis.example(**arguments)`` with ``Recipe`` values built at decoration time.

    An example whose input this torch cannot build (a dtype added later, such as
    float8_e8m0fnu before 2.7, or a layout an older meta device lacks) is left out rather than
    breaking the module's import, and recorded in ``UNBUILT_EXAMPLES``.
    """
    from hypothesis import example

    def decorate(fn):
        try:
            built = {k: v.build() if isinstance(v, Recipe) else v for k, v in arguments.items()}
        except Exception as exc:  # noqa: BLE001 - recorded, and asserted empty on the main torch
            recipes = {k: v.recipe for k, v in arguments.items() if isinstance(v, Recipe)}
            UNBUILT_EXAMPLES.append((fn.__name__, recipes, f"{type(exc).__name__}: {exc}"))
            return fn
        return example(**built)(fn)

    return decorate
