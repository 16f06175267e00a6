"""Read-only arrays: which conversions warn, checked in a fresh interpreter each.

torch warns *once per process* ("This type of warning will be suppressed for the rest of this
program"), with one flag shared by every ndarray path: the first conversion anywhere in a run
would silence the rest, so each row runs alone in a new ``python`` process, converts twice,
and reports the warnings of each call. Contract (torch docs and #93413): an alias of read-only
memory warns (from_numpy, as_tensor, asarray); a copy does not (tensor, asarray(copy=True),
and any conversion forced to copy by a dtype change); frombuffer warns with its own text.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect

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

# One fresh interpreter imports torch and forks a child per row: every child starts with the
# warn-once flag unset, at the cost of one interpreter start for the whole table.
SCRIPT = """
import json, os, sys, warnings, torch, bridgecheck.build
results = {}
for code in json.loads(sys.argv[1]):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        a = bridgecheck.build.array(**RECIPE)
        out = []
        for _ in range(2):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                eval(code)
            out.append([str(w.message) for w in caught if issubclass(w.category, UserWarning)])
        os.write(write_fd, json.dumps(out).encode())
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    results[code] = json.loads(data) if data else None
print(json.dumps(results))
""".replace("RECIPE", repr(RECIPE))


def fresh_warnings(codes: list[str]) -> dict:
    """code -> [warnings of the first call, warnings of the second], each in a fresh process."""
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(codes)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"fresh interpreter failed: exit {proc.returncode}\n{proc.stderr[-1500:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def fresh_results() -> dict:
    return fresh_warnings(list(ROWS))


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
