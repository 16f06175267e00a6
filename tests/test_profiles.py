"""The root conftest registers the Hypothesis profiles the README promises, and
``BRIDGECHECK_PROFILE`` chooses among them."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy
import pytest
import torch
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def load_root_conftest():
    """Execute the root conftest afresh (as pytest does at start-up) and return it."""
    spec = importlib.util.spec_from_file_location("bridgecheck_root_conftest_under_test", ROOT_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def current_profile() -> str:
    # settings.get_current_profile_name() is recent; the pyproject floor is Hypothesis 6.100.
    getter = getattr(settings, "get_current_profile_name", None)
    return getter() if getter else settings._current_profile


@pytest.fixture
def restore_profile():
    name = current_profile()
    yield
    settings.load_profile(name)


def test_three_profiles_without_deadlines():
    for name in ("dev", "ci", "thorough"):
        profile = settings.get_profile(name)
        assert profile.deadline is None, name


def test_ci_is_reproducible():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.database is None
    assert ci.print_blob is True


def test_thorough_runs_at_least_1000_examples():
    assert settings.get_profile("thorough").max_examples >= 1000


def test_dev_keeps_an_example_database_per_torch_numpy_pair():
    database = settings.get_profile("dev").database
    assert isinstance(database, DirectoryBasedExampleDatabase)
    path = Path(database.path)
    # The installed distributions' versions (the key is read without importing torch): the
    # registry's CUDA wheels say 2.13.0 where torch.__version__ says 2.13.0+cu130.
    public = torch.__version__.split("+")[0]
    assert path.name in (f"torch-{torch.__version__}-numpy-{numpy.__version__}",
                         f"torch-{public}-numpy-{numpy.__version__}"), path
    assert path.parent == ROOT_CONFTEST.parent / ".hypothesis" / "examples"
    assert settings.get_profile("dev").derandomize is False


@pytest.mark.parametrize("name", ["dev", "ci", "thorough"])
def test_the_environment_variable_selects(name, monkeypatch, restore_profile):
    monkeypatch.setenv("BRIDGECHECK_PROFILE", name)
    load_root_conftest()
    assert current_profile() == name
    assert settings.default.max_examples == settings.get_profile(name).max_examples
    assert settings.default.derandomize == (name == "ci")


def test_dev_is_the_default(monkeypatch, restore_profile):
    monkeypatch.delenv("BRIDGECHECK_PROFILE", raising=False)
    load_root_conftest()
    assert current_profile() == "dev"


def test_an_unknown_profile_is_refused(monkeypatch, restore_profile):
    """As a usage error (one line, pytest exit 4), not as a failed conftest import."""
    monkeypatch.setenv("BRIDGECHECK_PROFILE", "fast")
    conftest = load_root_conftest()
    with pytest.raises(pytest.UsageError, match="'fast' is not a Hypothesis profile of bridgecheck; choose one of"):
        conftest.pytest_configure(None)


def test_the_library_registers_the_same_profiles_with_a_prefix():
    # The pytest plugin registered them at import; the clone's conftest uses the same function.
    for name in ("dev", "ci", "thorough"):
        mine, clones = settings.get_profile(f"bridgecheck-{name}"), settings.get_profile(name)
        for key in ("deadline", "max_examples", "derandomize", "print_blob", "suppress_health_check"):
            assert getattr(mine, key) == getattr(clones, key), (name, key)


def test_the_properties_keep_a_profile_someone_chose(monkeypatch, restore_profile):
    from bridgecheck import profiles

    settings.register_profile("users-own", max_examples=3)
    settings.load_profile("users-own")
    monkeypatch.setattr(profiles, "_loaded", False)
    monkeypatch.setattr(profiles, "_user_named_a_profile", True)  # --hypothesis-profile users-own
    profiles.load_unless_chosen()
    assert current_profile() == "users-own"
    monkeypatch.setattr(profiles, "_user_named_a_profile", False)  # nobody chose: bridgecheck's
    monkeypatch.setenv("BRIDGECHECK_PROFILE", "ci")
    profiles.load_unless_chosen()
    assert current_profile() == "bridgecheck-ci"


def test_the_plugin_in_a_session_without_properties(tmp_path):
    # The pytest11 entry points load the plugins into every session of this environment: they
    # register the profiles and must not import torch (seconds) or touch the user's tests.
    (tmp_path / "test_user.py").write_text(
        "import sys\nfrom hypothesis import settings\n\n"
        "def test_user():\n"
        "    assert settings.get_profile('bridgecheck-ci').deadline is None\n"
        "    assert 'torch' not in sys.modules, 'the bridgecheck plugin imported torch'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-2000:]


def test_the_commands_know_the_registered_profiles():
    from bridgecheck.profiles import NAMES

    for name in NAMES:
        settings.get_profile(name)  # raises for a name the conftest does not register
