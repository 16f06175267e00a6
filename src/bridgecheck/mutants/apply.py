"""Apply one mutant to this process: a pytest plugin, and the hook for child interpreters.

``BRIDGECHECK_MUTANT=NAME`` names the mutant. Loaded with ``-p bridgecheck.mutants.apply``, the
plugin applies it in ``pytest_configure`` (before any conformance module is imported, so
tables that hold function objects, like ``conformance/converters.py``, hold the mutated ones),
checks that the fault shows, writes what happened to ``BRIDGECHECK_MUTANT_REPORT`` (JSON) for
the runner, turns Hypothesis' shrinking and source patches off (a kill needs one failing
example, not the smallest; the examples tried are the profile's own) and runs the properties
named in the mutant's ``first`` hints before the rest.

Checks that need an untouched process (the read-only warning table) run in forks of the
test process (``bridgecheck.pristine``), so they inherit the mutant. Any new interpreter a run
starts gets it too (``catalogue.fresh_warnings`` starts one): the runner puts ``site/`` on
``PYTHONPATH``, whose ``sitecustomize`` calls ``apply_from_env``. A mutant that cannot be
applied on the installed versions ends the run with ``NOT_APPLICABLE_EXIT`` and a report
saying why: it is "not applicable", never "killed".
"""

from __future__ import annotations

import importlib
import json
import os

import pytest

from bridgecheck.mutants.registry import APPLIED, CATALOGUE, MUTANT_ENV, Mutant, NotApplicable
from bridgecheck.outputs import write_atomic

REPORT_ENV = "BRIDGECHECK_MUTANT_REPORT"
NOT_APPLICABLE_EXIT = 17
_PROFILE = "bridgecheck-mutant"


def _resolve(target: str):
    """(owner, attribute) of a dotted public name such as ``torch.Tensor.numpy``."""
    module, *path, attr = target.split(".")
    owner = importlib.import_module(module)
    try:
        for part in path:
            owner = getattr(owner, part)
        getattr(owner, attr)
    except AttributeError as exc:
        raise NotApplicable(f"{target} does not exist here ({exc})") from None
    return owner, attr


def apply(name: str) -> Mutant:
    """Replace the mutant's target in this process (once; later calls do nothing)."""
    if name in APPLIED:
        return APPLIED[name]
    if APPLIED:
        raise RuntimeError(f"mutant {next(iter(APPLIED))} is already applied; one per process")
    try:
        mutant = CATALOGUE[name]
    except KeyError:
        raise NotApplicable(f"no mutant named {name!r}") from None
    owner, attr = _resolve(mutant.target)
    original = getattr(owner, attr)
    replacement = mutant.make(original)
    replacement.__name__ = attr
    replacement.__qualname__ = f"{getattr(owner, '__name__', '')}.{attr}"
    replacement.__doc__ = f"MUTANT {name}: {mutant.description}"
    replacement.__wrapped__ = original  # type: ignore[attr-defined]  # as functools.wraps would set it
    setattr(owner, attr, replacement)
    APPLIED[name] = mutant
    return mutant


def shows(mutant: Mutant) -> tuple[bool, str]:
    """Whether the mutant's fault is visible (its ``shows`` expression), and why not."""
    import numpy as np
    import torch

    from bridgecheck.mutants import catalogue

    names = {"np": np, "torch": torch, "shares": catalogue.shares, "outcome": catalogue.outcome,
             "observe": catalogue.observe, "fresh_warnings": catalogue.fresh_warnings}
    try:
        return bool(eval(mutant.shows, names)), ""  # noqa: S307 - catalogue text, not input
    except Exception as exc:  # noqa: BLE001 - reported as "does not show"
        return False, f"{type(exc).__name__}: {exc}"


def apply_from_env() -> Mutant | None:
    """Apply the mutant ``BRIDGECHECK_MUTANT`` names, if any (``sitecustomize`` entry point)."""
    name = os.environ.get(MUTANT_ENV, "").strip()
    return apply(name) if name else None


def _write_report(**data) -> None:
    path = os.environ.get(REPORT_ENV)
    if path:
        write_atomic(path, json.dumps(data))  # the runner never reads half a report


# --- pytest plugin -------------------------------------------------------------------------

_KEY = pytest.StashKey[Mutant]()


@pytest.hookimpl(trylast=True)  # after Hypothesis has loaded the chosen profile
def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get(MUTANT_ENV, "").strip()
    if not name:
        return
    try:
        mutant = apply(name)
    except NotApplicable as exc:
        _write_report(mutant=name, applied=False, reason=str(exc))
        pytest.exit(f"mutant {name} not applicable: {exc}", returncode=NOT_APPLICABLE_EXIT)
    live, why = shows(mutant)
    _write_report(mutant=name, applied=True, shows=live, why=why)
    config.stash[_KEY] = mutant

    from hypothesis import Phase, settings

    current = settings.default
    assert current is not None, "Hypothesis always has a default settings object"
    settings.register_profile(_PROFILE, parent=current, phases=[p for p in current.phases if p != Phase.shrink])
    settings.load_profile(_PROFILE)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The properties the mutant names in ``first`` run first (order only; all still run)."""
    mutant = config.stash.get(_KEY, None)
    if mutant is None or not mutant.first:
        return
    items.sort(key=lambda item: not any(hint in item.nodeid for hint in mutant.first))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call) -> None:
    """No source patch of the failing example: Hypothesis would import libcst (seconds) to
    write one into ``.hypothesis/patches`` for every kill. The failure itself is unchanged."""
    if item.config.stash.get(_KEY, None) is not None:
        item.__dict__.pop("_hypothesis_failing_examples", None)


def pytest_report_header(config: pytest.Config) -> str | None:
    mutant = config.stash.get(_KEY, None)
    return None if mutant is None else f"bridgecheck mutant: {mutant.name} ({mutant.target})"
