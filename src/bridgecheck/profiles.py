"""The bridgecheck Hypothesis profiles: one definition for the clone's ``conftest.py``, the
pytest plugin and users' own conftests.

- ``dev``: 40 examples, random seeds, an example database per torch/numpy pair;
- ``ci``: 40 examples, derandomized (the same examples every run), no database, prints
  reproduction blobs;
- ``thorough``: 1000 examples, for release checks.

The deadline is off in every profile: the first call into torch can take a second, and a
timing failure says nothing about the bridge. ``register_profiles()`` registers them as
``bridgecheck-dev``, ``bridgecheck-ci`` and ``bridgecheck-thorough`` (the clone registers
them under the bare names its README documents); ``load_profile()`` loads the one
``BRIDGECHECK_PROFILE`` names (``dev`` without it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

__all__ = ["NAMES", "PREFIX", "PROFILE_ENV", "chosen_name", "load_profile", "profile_problem",
           "register_profiles"]

NAMES = ("dev", "ci", "thorough")
PREFIX = "bridgecheck-"
PROFILE_ENV = "BRIDGECHECK_PROFILE"

# Whether a bridgecheck profile was loaded in this process (by a conftest or the conformance
# package itself), and whether the pytest session named a profile (--hypothesis-profile):
# either way the properties do not load one over it.
_loaded = False
_user_named_a_profile = False


def _pair_key() -> str:
    # From package metadata, not imports: an xdist controller never needs torch (importing
    # it there adds over a second to every parallel run).
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"torch-{version('torch')}-numpy-{version('numpy')}"
    except PackageNotFoundError:  # the plugin reports a missing bridge itself
        return "no-bridge"


def register_profiles(prefix: str = PREFIX, database_root: str | Path = ".hypothesis") -> None:
    """Register the three profiles as ``<prefix>dev``, ``<prefix>ci``, ``<prefix>thorough``.

    ``dev`` and ``thorough`` keep their examples under
    ``<database_root>/examples/torch-<v>-numpy-<v>``: a failure found on one torch/numpy pair is
    replayed there and does not leak into runs of another pair. Nothing is created on disk
    until Hypothesis saves an example.
    """
    # Every setting a profile relies on is spelled out: with CI set, Hypothesis' own default
    # settings are its CI profile (derandomize=True, print_blob=True), which dev must not inherit.
    common: dict[str, Any] = dict(deadline=None,
                                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    database = DirectoryBasedExampleDatabase(Path(database_root) / "examples" / _pair_key())
    settings.register_profile(f"{prefix}dev", max_examples=40, derandomize=False, print_blob=False,
                              database=database, **common)
    settings.register_profile(f"{prefix}ci", max_examples=40, derandomize=True, database=None,
                              print_blob=True, **common)
    settings.register_profile(f"{prefix}thorough", max_examples=1000, derandomize=False,
                              print_blob=False, database=database, **common)


def profile_problem(name: str) -> str | None:
    """What is wrong with profile ``name``, in words (None: it is one of ``NAMES``)."""
    if name in NAMES:
        return None
    return f"{name!r} is not a Hypothesis profile of bridgecheck; choose one of {', '.join(NAMES)}"


def chosen_name() -> str:
    """The profile ``BRIDGECHECK_PROFILE`` names (``dev`` when unset); ``ValueError`` otherwise."""
    name = os.environ.get(PROFILE_ENV, "").strip() or "dev"
    problem = profile_problem(name)
    if problem:
        raise ValueError(f"{PROFILE_ENV}: {problem}")
    return name


def load_profile(prefix: str = PREFIX) -> str:
    """Load ``<prefix><BRIDGECHECK_PROFILE or dev>`` (registered earlier); returns its name."""
    global _loaded
    name = prefix + chosen_name()
    settings.load_profile(name)
    _loaded = True
    return name


def load_unless_chosen() -> None:
    """Load bridgecheck's profile unless one is loaded already or the user named one
    (``--hypothesis-profile``): called before the properties are defined, so that running
    them in any pytest session (``pytest --pyargs bridgecheck.conformance``) does not give
    them Hypothesis' 200 ms deadline."""
    if _loaded or _user_named_a_profile:
        return
    register_profiles()
    load_profile()



def note_profile_option(name: str | None) -> None:
    """Record the session's ``--hypothesis-profile`` (the pytest plugin calls this)."""
    global _user_named_a_profile
    _user_named_a_profile = name is not None
