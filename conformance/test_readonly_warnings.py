"""Read-only arrays: which conversions warn, each checked in a process of its own.

torch warns *once per process* ("This type of warning will be suppressed for the rest of this
program"), with one flag shared by every ndarray path: the first conversion anywhere in a run
would silence the rest. So the table is a ``pristine`` probe: before the first test, a fork of
the test process (torch imported, nothing converted yet) forks one child per row, which
converts twice and reports the warnings of each call. Contract (torch docs and #93413): an
alias of read-only memory warns (from_numpy, as_tensor, asarray); a copy does not (tensor,
asarray(copy=True), and any conversion forced to copy by a dtype change); frombuffer warns
with its own text.
"""

from __future__ import annotations

import warnings

import pytest
import torch  # noqa: F401 - the rows' code refers to it

from bridgecheck import build, pristine
from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect
from bridgecheck.isolation import run_isolated

RECIPE = dict(dtype="<f8", shape=(4,), layout="readonly")
# code -> substring of the expected warning, or None for "no warning"
ROWS = {
    "torch.from_numpy(a)": "NumPy array is not writable",
    "torch.as_tensor(a)": "NumPy array is not writable",
    "torch.asarray(a)": "NumPy array is not writable",
    "torch.asarray(a, copy=True)": None,
    "torch.tensor(a)": None,
    "torch.as_tensor(a, dtype=torch.float32)": None,
    "torch.asarray(a, dtype=torch.float32)": None,
    "torch.frombuffer(a, dtype=torch.float64)": "buffer is not writable",
}


def warnings_of_two_calls(code: str) -> list[list[str]]:
    """The UserWarnings of evaluating ``code`` twice over a read-only array ``a``."""
    a = build.array(**RECIPE)  # noqa: F841 - the rows' code refers to it
    out = []
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            eval(code)  # noqa: S307 - the table's own code
        out.append([str(w.message) for w in caught if issubclass(w.category, UserWarning)])
    return out


def warnings_of_every_row() -> dict:
    """code -> [warnings of the first call, of the second], or None if the row's child died;
    each row in a child of its own, so no row sees another's warn-once flag."""
    results = {}
    for code in ROWS:
        outcome = run_isolated(lambda code=code: warnings_of_two_calls(code))
        results[code] = outcome.value if outcome.kind == "returned" else None
    return results


FIRST_WARNINGS = pristine.probe("read-only array warnings", warnings_of_every_row)


@pytest.fixture(scope="module")
def fresh_results() -> dict:
    return FIRST_WARNINGS.result()


@pytest.mark.parametrize("code", list(ROWS))
def test_readonly_warning_contract(code, fresh_results):
    facts = {"warning": "read-only", "dtype_change": "dtype=" in code}
    call = Call(code.split("(")[0], code, {"a": from_recipe("array", **RECIPE)}, facts)
    outcome = fresh_results[code]
    assert outcome is not None, f"{code}: the forked child died without reporting"
    first, second = outcome
    wanted = ROWS[code]
    warned = any(wanted in m for m in first) if wanted else bool(first)
    expect(call, "warns on a read-only array", warned, bool(wanted), detail="; ".join(first)[:300])
    if wanted:
        expect(call, "warns only once per process", bool(second), False, detail="; ".join(second)[:300])
