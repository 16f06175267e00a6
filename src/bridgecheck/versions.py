"""Installed torch/numpy versions and version-range matching.

Ranges are PEP 440 specifier sets (``">=2.3,<2.14"``); ``"*"`` or ``""`` means every version.
Local labels such as ``+cpu`` are dropped before matching, so ``2.13.0+cpu`` is ``2.13.0``.
"""

from __future__ import annotations

import functools

from packaging.specifiers import SpecifierSet
from packaging.version import Version


def parse(version: str) -> Version:
    """``Version`` without its local label (``2.13.0+cpu`` -> ``2.13.0``)."""
    return Version(Version(version).public)


@functools.cache
def torch_version() -> Version:
    import torch

    return parse(torch.__version__)


@functools.cache
def numpy_version() -> Version:
    import numpy

    return parse(numpy.__version__)


def matches(spec: str, version: Version) -> bool:
    """True when ``version`` lies in ``spec``; pre-releases count (nightlies are tested too)."""
    spec = spec.strip()
    if spec in ("", "*"):
        return True
    return SpecifierSet(spec, prereleases=True).contains(version, prereleases=True)


def installed_matches(torch: str = "*", numpy: str = "*") -> bool:
    """True when the installed torch and numpy lie in both ranges."""
    return matches(torch, torch_version()) and matches(numpy, numpy_version())


def skip_unless(reason: str, *, torch: str = "*", numpy: str = "*") -> None:
    """Skip the running test unless the installed torch and numpy lie in both ranges.

    For properties that only exist from some version on (``np.asarray(t, copy=False)`` needs
    NumPy 2): called first thing in the property's body, so the property is reported as
    skipped with its reason both when pytest runs it and when ``test_deviations`` runs it on a
    witness, never as a silent pass.
    """
    if not installed_matches(torch=torch, numpy=numpy):
        import pytest

        pytest.skip(f"needs torch {torch}, numpy {numpy} (installed: torch {torch_version()}, "
                    f"numpy {numpy_version()}): {reason}")
