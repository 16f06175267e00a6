"""Run a property on the fixed input a ``deviations.toml`` entry names (its ``witness``).

Hypothesis may or may not draw an input a deviation applies to; the witness makes each entry
checked on every run. ``witness`` holds keyword arguments of the property as Python source,
evaluated with the case builders in scope: ``case=array(dtype='Q', shape=(3,))``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any, Callable

import numpy as np
import torch

from bridgecheck import cases
from bridgecheck.contract import property_scope, record_events
from bridgecheck.deviations import Deviation

NAMESPACE = {
    "np": np,
    "torch": torch,
    "array": lambda **recipe: cases.from_recipe("array", **recipe),
    "scalar": lambda **recipe: cases.from_recipe("scalar", **recipe),
    "tensor": lambda **recipe: cases.from_recipe("tensor", **recipe),
}


def witness_arguments(dev: Deviation) -> dict[str, Any]:
    """The property's keyword arguments the entry's witness spells out."""
    return eval(f"dict({dev.witness})", dict(NAMESPACE))  # noqa: S307 - reviewed project file


def find_property(name: str, package: str = "conformance") -> Callable:
    """The test function called ``name`` in the conformance package."""
    root: ModuleType = importlib.import_module(package)
    for info in pkgutil.iter_modules(root.__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        if hasattr(module, name):
            return getattr(module, name)
    raise LookupError(f"no property {name!r} in {package}/")


def run_witness(dev: Deviation) -> list:
    """Run ``dev.property`` once on the witness input; returns the deviation events it made.

    Raises what the property raises (a ``BridgeViolation`` names what went wrong).
    """
    prop = find_property(dev.property)
    inner = getattr(getattr(prop, "hypothesis", None), "inner_test", prop)
    with property_scope(dev.property) as events:
        inner(**witness_arguments(dev))
    record_events(events)
    return events
