"""Installed torch/numpy versions, version-range matching and the version gates.

Ranges are PEP 440 specifier sets (``">=2.3,<2.14"``); ``"*"`` or ``""`` means every version.
Local labels such as ``+cpu`` are dropped before matching, so ``2.13.0+cpu`` is ``2.13.0``.

A **gate** (``GATES``) is a property that only exists for some versions: its torch AND numpy
ranges, and the probe of ``tools/probe_versions.py`` whose recorded observation shows the
call exists (``shows``, a regular expression searched in the observation) exactly inside
them. ``tests/test_version_gates.py`` checks every gate, and every ranged entry of
``deviations.toml``, against the probe results recorded in ``docs/version-probes/``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

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


#: How a gate's skip reason starts (``compare`` reads it: "not applicable", not "skipped").
NOT_APPLICABLE = "not applicable: "


@dataclass(frozen=True)
class Gate:
    """Versions in which a call exists: ``torch`` AND ``numpy`` ranges, the ``probe`` that
    shows it (its observation matches ``shows`` exactly inside the ranges) and why."""

    name: str
    reason: str
    probe: str
    shows: str
    torch: str = "*"
    numpy: str = "*"

    def open(self) -> bool:
        return installed_matches(torch=self.torch, numpy=self.numpy)


GATES: dict[str, Gate] = {
    gate.name: gate
    for gate in (
        Gate("array-protocol-copy", "the copy= keyword of np.asarray/np.array and of the array protocol is NumPy 2",
             probe="np_asarray.copy_False", shows=r"ValueError: Unable to avoid copy", numpy=">=2.0"),
        Gate("np-from-dlpack-copy",
             "np.from_dlpack(t, copy=) needs NumPy 2.1 (the versioned DLPack consumer) AND torch 2.9 "
             "(a Tensor.__dlpack__ that takes dl_device= and copy=; older torch raises TypeError)",
             probe="np_from_dlpack.copy_True", shows=r"^ok", torch=">=2.9", numpy=">=2.1"),
        Gate("np-from-dlpack-device",
             "np.from_dlpack(t, device=) needs NumPy 2.1 AND torch 2.9 (older torch raises TypeError)",
             probe="np_from_dlpack.device_cpu", shows=r"^ok", torch=">=2.9", numpy=">=2.1"),
        Gate("torch-from-dlpack-copy", "torch.from_dlpack(a, copy=) is torch 2.9",
             probe="from_dlpack.copy_True", shows=r"^ok", torch=">=2.9"),
    )
}


def gate(name: str) -> bool:
    """True when the installed versions lie in gate ``name`` (a key of ``GATES``)."""
    return GATES[name].open()


def skip_reason(name: str) -> str | None:
    """Why a property of gate ``name`` does not apply to the installed versions, or None.

    Starts with ``NOT_APPLICABLE``: ``bridgecheck compare`` tells a call that does not exist
    in a version from a skip for any other reason by it."""
    g = GATES[name]
    if g.open():
        return None
    return (f"{NOT_APPLICABLE}needs torch {g.torch}, numpy {g.numpy} (installed: torch {torch_version()}, "
            f"numpy {numpy_version()}): {g.reason}")


def skip_marks(name: str) -> list:
    """pytest marks that skip a parametrized row of gate ``name`` (none for ``""``)."""
    reason = skip_reason(name) if name else None
    if reason is None:
        return []
    import pytest

    return [pytest.mark.skip(reason=reason)]


def skip_unless(name: str) -> None:
    """Skip the running test unless the installed torch and numpy lie in gate ``name``.

    For properties that only exist from some version on (``np.asarray(t, copy=False)`` needs
    NumPy 2): called first thing in the property's body, so the property is reported as
    skipped with its reason both when pytest runs it and when ``test_deviations`` runs it on a
    witness, never as a silent pass.
    """
    reason = skip_reason(name)
    if reason is not None:
        import pytest

        pytest.skip(reason)
