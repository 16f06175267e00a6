"""Facts about the running environment, and the checks commands make before they start."""

from __future__ import annotations

import importlib
from pathlib import Path

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
    """The repository's ``conformance/`` folder (bridgecheck runs from a clone)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "conformance").is_dir() and (parent / "pyproject.toml").is_file():
            return parent / "conformance"
    raise UsageProblem(
        "cannot find the conformance/ folder: install bridgecheck from a clone (pip install -e .)"
    )


#: Hypothesis profiles the root conftest registers (``--profile``, ``BRIDGECHECK_PROFILE``).
PROFILES = ("dev", "ci", "thorough")
PROFILE_ENV = "BRIDGECHECK_PROFILE"


def profile_problem(name: str) -> str | None:
    """What is wrong with profile ``name``, in words (None: it is known)."""
    if name in PROFILES:
        return None
    return f"{name!r} is not a Hypothesis profile of bridgecheck; choose one of {', '.join(PROFILES)}"
