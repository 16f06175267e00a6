"""The ndarray -> tensor conversions under test, with what each one's contract says.

One table, so a property about "every conversion" is written once and parametrized, and a
new function or keyword is one row. ``shares`` is the documented sharing for an accepted,
writable, same-dtype CPU array:

- ``torch.from_numpy``: "The returned tensor and ndarray share the same memory."
- ``torch.tensor``: "always copies data".
- ``torch.as_tensor``: "If data is a NumPy array ... a tensor is constructed using
  torch.from_numpy" unless a dtype or device change forces a copy.
- ``torch.asarray``: shares by default; ``copy=True`` copies; ``copy=False`` shares or
  raises; ``requires_grad=True`` still shares.
- ``torch.from_dlpack``: shares (``copy=True`` copies, from torch 2.9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from bridgecheck.contract import Call
from bridgecheck.versions import skip_marks


@dataclass(frozen=True)
class Converter:
    code: str                                   # source over the input name ``a``
    fn: Callable[[np.ndarray], torch.Tensor]
    shares: bool
    requires_grad: bool = False                 # the result must require grad
    validates: bool = True                      # refuses what from_numpy refuses (same checks)
    floating_only: bool = False                 # requires_grad=True needs a float/complex dtype
    options: dict[str, Any] = field(default_factory=dict)  # facts; None is spelled "None"
    readonly_input: bool = True                 # the contract covers read-only arrays
    gate: str = ""                              # versions.GATES entry: the call exists only there

    @property
    def function(self) -> str:
        return self.code.split("(", 1)[0]

    @property
    def id(self) -> str:
        return self.code.replace("(a, ", "(").replace("(a)", "()")

    @property
    def marks(self) -> list:
        """Skip marks outside the row's gate: the row is reported "not applicable", so that
        every version's report has the same rows."""
        return skip_marks(self.gate)

    def call(self, case) -> Call:
        return Call(self.function, self.code, {"a": case}, dict(self.options))

    def __repr__(self) -> str:
        return f"converter({self.code!r})"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


def converter(code: str) -> Converter:
    """The row whose code is ``code`` (how witnesses in deviations.toml name a row)."""
    for row in CONVERTERS:
        if row.code == code:
            return row
    raise LookupError(f"no conversion {code!r} in conformance/converters.py")


CONVERTERS: tuple[Converter, ...] = (
    Converter("torch.from_numpy(a)", torch.from_numpy, shares=True),
    Converter("torch.tensor(a)", torch.tensor, shares=False),
    Converter(
        "torch.tensor(a, requires_grad=True)",
        lambda a: torch.tensor(a, requires_grad=True),
        shares=False, requires_grad=True, floating_only=True,
    ),
    Converter("torch.as_tensor(a)", torch.as_tensor, shares=True),
    Converter("torch.as_tensor(a, device='cpu')", lambda a: torch.as_tensor(a, device="cpu"), shares=True),
    Converter("torch.asarray(a)", torch.asarray, shares=True, options={"copy": "None"}),
    Converter("torch.asarray(a, copy=False)", lambda a: torch.asarray(a, copy=False), shares=True, options={"copy": False}),
    Converter("torch.asarray(a, copy=True)", lambda a: torch.asarray(a, copy=True), shares=False, options={"copy": True}),
    Converter(
        "torch.asarray(a, requires_grad=True)",
        lambda a: torch.asarray(a, requires_grad=True),
        shares=True, requires_grad=True, floating_only=True, options={"copy": "None"},
    ),
    Converter("torch.from_dlpack(a)", torch.from_dlpack, shares=True, validates=False, readonly_input=False),
    Converter("torch.from_dlpack(a, copy=True)", lambda a: torch.from_dlpack(a, copy=True),
              shares=False, validates=False, readonly_input=False, options={"copy": True},
              gate="torch-from-dlpack-copy"),
    Converter("torch.from_dlpack(a, copy=False)", lambda a: torch.from_dlpack(a, copy=False),
              shares=True, validates=False, readonly_input=False, options={"copy": False},
              gate="torch-from-dlpack-copy"),
)

#: Rows defined for every accepted dtype, and rows with requires_grad=True, which only
#: floating and complex dtypes can take ("Only Tensors of floating point and complex dtype
#: can require gradients").
ANY_DTYPE = tuple(c for c in CONVERTERS if not c.floating_only)
GRAD_ROWS = tuple(c for c in CONVERTERS if c.floating_only)
#: Conversions that run from_numpy's input checks (negative strides, byte order, ...).
VALIDATING = tuple(c for c in ANY_DTYPE if c.validates)


def ids(converters) -> list[str]:
    return [c.id for c in converters]


def rows(converters) -> list:
    """``converters`` as pytest parameters: named by ``id``, skipped outside their gate."""
    import pytest

    return [pytest.param(c, id=c.id, marks=c.marks) for c in converters]

