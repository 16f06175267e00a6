"""Every explicit example of the conformance properties builds on the installed torch.

``cases.explicit`` leaves out examples an older torch cannot build (so old versions still
collect); on the torch the suite is developed against, a left-out example is a bug.
"""

import importlib
import pkgutil

from packaging.version import Version

import conformance
from bridgecheck import cases
from bridgecheck.versions import torch_version


def test_no_explicit_example_was_left_out():
    for info in pkgutil.iter_modules(conformance.__path__):
        importlib.import_module(f"conformance.{info.name}")
    if torch_version() >= Version("2.13"):
        assert cases.UNBUILT_EXAMPLES == [], cases.UNBUILT_EXAMPLES
