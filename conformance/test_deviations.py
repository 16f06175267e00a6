"""Every entry of ``deviations.toml``, checked on its witness input, on every run.

In range, the property must pass *and* show the recorded deviation (an entry whose behaviour
has gone fails here, deterministically, rather than depending on what Hypothesis draws). Out
of range, the property must pass on the contract alone.
"""

from __future__ import annotations

import pytest

from bridgecheck import deviations
from bridgecheck.witness import property_modules, run_witness

ENTRIES = deviations.load()
property_modules()  # now, at collection: their pristine probes must run before the first test


@pytest.mark.parametrize("entry", ENTRIES, ids=[d.id for d in ENTRIES])
def test_deviation_witness(entry):
    events = run_witness(entry)
    seen = ("seen", entry.id) in events
    if entry.in_range():
        assert seen, (
            f"{entry.properties[0]}: known deviation {entry.id!r} is in range "
            f"(torch {entry.torch}, numpy {entry.numpy}) but its witness ({entry.witness}) "
            "passed without showing it; check the entry's 'when' facts"
        )
    else:
        assert not seen, f"{entry.id} reported outside its range"
