"""Run a property on the fixed input a ``deviations.toml`` entry names (its ``witness``).

Hypothesis may or may not draw an input a deviation applies to; the witness makes each entry
checked on every run. ``witness`` holds keyword arguments of the property as Python source,
evaluated with the case builders in scope: ``case=array(dtype='Q', shape=(3,))``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import torch
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from bridgecheck import cases
from bridgecheck.contract import property_scope, record_events
from bridgecheck.deviations import Deviation
from bridgecheck.environment import conformance_package


def _module(name: str) -> ModuleType:
    """A module of the properties' package (``converters``, ``test_readonly_warnings``), under
    the name this process imports that package by (``environment.conformance_package``)."""
    return importlib.import_module(f".{name}", conformance_package().__name__)


NAMESPACE = {
    "np": np,
    "torch": torch,
    "array": lambda **recipe: cases.from_recipe("array", **recipe),
    "scalar": lambda **recipe: cases.from_recipe("scalar", **recipe),
    "tensor": lambda **recipe: cases.from_recipe("tensor", **recipe),
    # A conformance module, for helpers a witness needs: load('test_readonly_warnings').
    "load": _module,
    # Rows of the conformance tables, by their code: converter('torch.asarray(a)').
    "converter": lambda code: _module("converters").converter(code),
}


def witness_arguments(dev: Deviation) -> dict[str, Any]:
    """The property's keyword arguments the entry's witness spells out."""
    return eval(f"dict({dev.witness})", dict(NAMESPACE))  # noqa: S307 - reviewed project file


def property_modules(package: ModuleType | None = None) -> list[ModuleType]:
    """Every module of the properties' package (default: ``conformance_package()``), imported.

    Import them at collection time when witnesses will run: a module registers its
    ``pristine`` probes on import, and probes registered by the first test run in a fork
    (milliseconds); later ones need a new interpreter (seconds).
    """
    root = package or conformance_package()
    return [importlib.import_module(f".{info.name}", root.__name__) for info in pkgutil.iter_modules(root.__path__)]


def find_property(name: str, package: ModuleType | None = None) -> Callable:
    """The test function called ``name`` in the properties' package."""
    for module in property_modules(package):
        if hasattr(module, name):
            return getattr(module, name)
    raise LookupError(f"no property {name!r} in {(package or conformance_package()).__name__}")


def _without_examples(fn: Callable) -> Callable:
    """``fn`` without the ``@example``s attached to it: they name only the arguments of the
    property's own ``@given`` (not its pytest parameters), and are not this run's input."""

    def bare(*args, **kwargs):
        return fn(*args, **kwargs)

    bare.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]  # read by inspect.signature
    bare.__name__ = bare.__qualname__ = fn.__name__
    bare.__module__ = fn.__module__
    return bare


def run_property(name: str, arguments: dict[str, Any]) -> list:
    """Run the conformance property ``name`` once on fixed ``arguments``; returns the
    deviation events it made (also recorded for the running test's report).

    It runs as a one-example Hypothesis test, so ``assume`` and ``note`` behave as usual: an
    input outside the property's domain raises ``hypothesis.errors.Unsatisfiable`` instead of
    passing vacuously. Raises what the property raises (a ``BridgeViolation`` names what went
    wrong).
    """
    prop = find_property(name)
    inner = _without_examples(getattr(getattr(prop, "hypothesis", None), "inner_test", prop))
    fixed = {key: st.just(value) for key, value in arguments.items()}
    once = settings(max_examples=1, database=None, deadline=None, phases=[Phase.generate])
    with property_scope(name) as events:
        once(given(**fixed)(inner))()
    record_events(events)
    return events


def run_witness(dev: Deviation) -> list:
    """Run the entry's (first) property once on the witness input; returns the deviation
    events it made. Raises what the property raises."""
    return run_property(dev.properties[0], witness_arguments(dev))
