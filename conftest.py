"""Root configuration of the clone: the Hypothesis profiles and the bridgecheck pytest plugins.

Profiles (choose with ``--hypothesis-profile NAME`` or ``BRIDGECHECK_PROFILE=NAME``):
``dev`` (default), ``ci``, ``thorough``; defined once in ``bridgecheck.profiles``, registered
here under the bare names, with the example database beside this file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bridgecheck.profiles import chosen_name, load_profile, register_profiles

# Also entry points (pytest11) of the installed distribution; listed here for sessions with
# plugin autoloading off (PYTEST_DISABLE_PLUGIN_AUTOLOAD).
pytest_plugins = ["bridgecheck.pytest_plugin", "bridgecheck.report.plugin"]

register_profiles(prefix="", database_root=Path(__file__).parent / ".hypothesis")
try:
    chosen_name()
except ValueError as exc:
    PROFILE_PROBLEM: str | None = str(exc)
else:
    PROFILE_PROBLEM = None
    load_profile(prefix="")


def pytest_configure(config: pytest.Config) -> None:
    # An unknown name is a usage error (one line), not a failed conftest import with a stack.
    if PROFILE_PROBLEM:
        raise pytest.UsageError(PROFILE_PROBLEM)
