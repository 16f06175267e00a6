"""Facts about the running environment, and the checks commands make before they start."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from bridgecheck.errors import UsageProblem


def require_bridge() -> None:
    """Raise ``UsageProblem`` (one line) unless torch and numpy import."""
    for name in ("numpy", "torch"):
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - any import failure means no bridge
            raise UsageProblem(
                f"cannot import {name} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                f"install it first, e.g. pip install {name}"
            ) from None


def conformance_dir() -> Path:
    """The folder of the properties: the package ``bridgecheck.conformance``, which is the
    repository's ``conformance/`` folder in a clone (an editable install maps it) and
    ``site-packages/bridgecheck/conformance`` in an installed wheel."""
    spec = importlib.util.find_spec("bridgecheck.conformance")
    if spec is None or not spec.submodule_search_locations:
        raise UsageProblem("bridgecheck.conformance is missing from this installation: reinstall bridgecheck")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def in_clone(folder: Path) -> bool:
    """Whether the properties' folder is a clone's ``conformance/`` (its pyproject beside it)."""
    return folder.name == "conformance" and (folder.parent / "pyproject.toml").is_file()


def conformance_package() -> ModuleType:
    """The properties' package, as this process imports it.

    pytest imports a clone's ``conformance/test_x.py`` as ``conformance.test_x`` (the folder is
    a top-level package under the repository root); an installed wheel's as
    ``bridgecheck.conformance.test_x``. Code that looks properties up by name uses whichever
    pytest imported, so no module runs twice under two names.
    """
    top = sys.modules.get("conformance")
    if top is not None and Path(next(iter(getattr(top, "__path__", [])), "")).resolve() == conformance_dir():
        return top
    return importlib.import_module("bridgecheck.conformance")
