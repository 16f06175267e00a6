"""What a mutant is, the table the mutant modules register into, and which one this process runs.

The bottom of ``bridgecheck.mutants``: it imports no other module of the package. The mutant
modules (``catalogue`` for the conversions, ``operations`` for operations across the bridge)
register into ``CATALOGUE`` with ``@mutant``; the package's ``__init__`` imports both, in that
order, so the table is complete wherever any ``bridgecheck.mutants`` module is imported.
``apply`` replaces a function and records the mutant in ``APPLIED``; ``catalogue.fresh_warnings``
reads it to start new interpreters with the same mutant; ``runner`` reads the table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: The environment variable that names the mutant a run (and every interpreter it starts) applies.
MUTANT_ENV = "BRIDGECHECK_MUTANT"
#: Put on ``PYTHONPATH`` of a mutant's run: its ``sitecustomize`` applies ``MUTANT_ENV``.
SITE_DIR = Path(__file__).parent / "site"


class NotApplicable(Exception):
    """The mutant cannot be applied to the installed torch/numpy (said why)."""


@dataclass(frozen=True)
class Mutant:
    name: str
    target: str
    description: str
    make: Callable[[Callable], Callable]
    shows: str
    first: tuple[str, ...] = ()


#: Every registered mutant by name, in registration order (the order runs and listings use).
CATALOGUE: dict[str, Mutant] = {}

#: The mutant applied in this process (at most one), by name; filled by ``apply.apply``.
APPLIED: dict[str, Mutant] = {}


def mutant(target: str, *, shows: str, first: str | tuple[str, ...] = ()):
    """Register the decorated ``make(original) -> replacement`` (conventions: ``catalogue``)."""

    def register(make: Callable) -> Callable:
        name = make.__name__.replace("_", "-")
        if name in CATALOGUE:
            raise ValueError(f"duplicate mutant {name!r}")
        description = " ".join((inspect.getdoc(make) or "").split())
        first_ = (first,) if isinstance(first, str) else tuple(first)
        CATALOGUE[name] = Mutant(name, target, description, make, shows, first_)
        return make

    return register
