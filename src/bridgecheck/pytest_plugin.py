"""pytest integration: runs each test as a named property and applies GPU mode.

A ``pytest11`` entry point of the distribution (so loaded in every pytest session of an
environment with bridgecheck installed; the clone's ``conftest.py`` names it too). Importing it
does not import torch. It registers the ``bridgecheck-dev``/``-ci``/``-thorough``
Hypothesis profiles, the ``cuda`` marker and the warning filters for the inputs the
strategies draw. For the properties it sets the running property's name for
``contract.expect`` (so deviations match exact test names), copies the deviation events of
each test into its report (they survive xdist), runs the ``pristine`` probes before the first
test, and turns the ``cuda`` marker into a skip with a reason, or into a hard failure at start
in GPU mode.
"""

from __future__ import annotations

import gc
import os

import pytest

from bridgecheck import contract, pristine, profiles

REQUIRE_CUDA_ENV = "BRIDGECHECK_REQUIRE_CUDA"

#: Warnings about the *inputs* the strategies draw, not about the bridge (properties record
#: the bridge's own warnings with contract.observe, whatever these filters say).
INPUT_WARNINGS = (
    "ignore:the matrix subclass is not the recommended way:PendingDeprecationWarning",
    "ignore:ComplexHalf support is experimental:UserWarning",
    "ignore:Sparse CSR tensor support is in beta:UserWarning",
)

profiles.register_profiles()


def require_cuda(config: pytest.Config) -> bool:
    flag = os.environ.get(REQUIRE_CUDA_ENV, "").strip().lower() in ("1", "true", "yes", "on")
    return flag or bool(config.getoption("require_cuda", False))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bridgecheck")
    group.addoption(
        "--require-cuda",
        action="store_true",
        default=False,
        help=f"GPU mode: fail at start unless a CUDA device is present (also {REQUIRE_CUDA_ENV}=1)",
    )


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cuda: needs a CUDA device; skipped with a reason where CUDA is absent, fatal in GPU mode")
    for line in INPUT_WARNINGS:
        config.addinivalue_line("filterwarnings", line)
    profiles.note_profile_option(getattr(config.option, "hypothesis_profile", None))
    if require_cuda(config) and not cuda_available():
        raise pytest.UsageError(
            "bridgecheck: GPU mode (--require-cuda) but torch.cuda.is_available() is False: "
            "no CUDA device or a CPU-only torch build; refusing to run CUDA properties as skips"
        )


def pytest_ignore_collect(collection_path, config: pytest.Config):
    """Without a bridge, do not even import the conformance modules but test_bridge.py:
    their module-level strategies and examples may need a working torch/numpy pair."""
    from bridgecheck.bridge import unavailable_reason

    parts = collection_path.parts
    if (
        "conformance" in parts
        and collection_path.suffix == ".py"
        and collection_path.name.startswith("test_")
        and collection_path.name != "test_bridge.py"
        and unavailable_reason() is not None
    ):
        return True
    return None


def _runs_properties(items: list[pytest.Item]) -> bool:
    """Whether the session collected conformance properties: the plugin is loaded in every
    pytest session of an environment with bridgecheck, and leaves the others alone."""
    return any("conformance" in item.path.parts for item in items)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a bridge, keep only ``test_bridge_available`` of the conformance properties."""
    from bridgecheck.bridge import unavailable_reason

    if not _runs_properties(items) or unavailable_reason() is None:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        in_conformance = "conformance" in item.path.parts
        (drop if in_conformance and item.name != "test_bridge_available" else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """Before the first test: the probes that need an untouched process (``pristine``), and
    a frozen heap."""
    ours = _runs_properties(session.items) or pristine.pending()  # tests/ may import properties
    if session.items and ours and not session.config.option.collectonly:
        # What exists now (torch, NumPy, Hypothesis, the collected tests: about a million
        # objects) lives until exit. Frozen, the garbage collector stops walking it in every
        # full collection: 0.15 s each, about 1.5 s of a serial run, plus pytest's five
        # collections at exit. Objects the tests create are collected as before.
        gc.freeze()
        pristine.run_registered()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("cuda") and not cuda_available():
        pytest.skip("CUDA absent: torch.cuda.is_available() is False")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    name = getattr(item, "originalname", None) or item.name
    with contract.property_scope(name) as events:
        yield
    if events:
        seen = sorted({ident for kind, ident in events if kind == "seen"})
        gone = sorted({ident for kind, ident in events if kind == "gone"})
        item.user_properties.append(("bridgecheck_deviations", {"seen": seen, "gone": gone}))
