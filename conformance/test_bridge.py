"""The bridge exists: without it no other property can say anything.

When this fails, the plugin has deselected every other conformance property, so a broken
torch/numpy pairing (torch < 2.3 with NumPy 2) is one clear failure, not hundreds.
"""

from bridgecheck.bridge import unavailable_reason


def test_bridge_available():
    reason = unavailable_reason()
    assert reason is None, f"bridge unavailable: {reason}"
