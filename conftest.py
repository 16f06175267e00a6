"""Root configuration: Hypothesis profiles and the bridgecheck pytest plugin.

Profiles (choose with ``--hypothesis-profile NAME`` or ``BRIDGECHECK_PROFILE=NAME``):

- ``dev`` (default): random seeds, example database kept per torch/numpy pair;
- ``ci``: derandomized (same examples every run), no database, prints reproduction blobs;
- ``thorough``: 1000 examples per property, for release checks.

The deadline is off everywhere: the first call into torch can take a second, and a timing
failure says nothing about the bridge.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from bridgecheck.environment import PROFILE_ENV, profile_problem

pytest_plugins = ["bridgecheck.pytest_plugin", "bridgecheck.report.plugin"]


def _database_dir() -> Path:
    # One example database per torch/numpy pair: a failure found on one pair is replayed
    # there, and does not leak into runs of another pair where it may not apply. The key
    # comes from package metadata, not imports: an xdist controller runs this file too and
    # never needs torch (importing it there adds over a second to every parallel run).
    from importlib.metadata import PackageNotFoundError, version

    try:
        key = f"torch-{version('torch')}-numpy-{version('numpy')}"
    except PackageNotFoundError:  # the plugin reports a missing bridge itself
        key = "no-bridge"
    return Path(__file__).parent / ".hypothesis" / "examples" / key


# Every setting a profile relies on is spelled out: with CI set, Hypothesis' own default
# settings are its CI profile (derandomize=True, print_blob=True), which "dev" must not inherit.
_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "dev", max_examples=40, derandomize=False, print_blob=False,
    database=DirectoryBasedExampleDatabase(_database_dir()), **_common,
)
settings.register_profile("ci", max_examples=40, derandomize=True, database=None, print_blob=True, **_common)
settings.register_profile(
    "thorough", max_examples=1000, derandomize=False, print_blob=False,
    database=DirectoryBasedExampleDatabase(_database_dir()), **_common,
)
PROFILE = os.environ.get(PROFILE_ENV, "dev")
if profile_problem(PROFILE) is None:
    settings.load_profile(PROFILE)


def pytest_configure(config: pytest.Config) -> None:
    # An unknown name is a usage error (one line), not a failed conftest import with a stack.
    problem = profile_problem(PROFILE)
    if problem:
        raise pytest.UsageError(f"{PROFILE_ENV}: {problem}")
