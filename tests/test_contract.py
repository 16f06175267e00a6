"""``expect`` against a temporary deviations table: a known deviation in range passes and is
recorded, its disappearance fails as ``DeviationGone``, anything else is a ``BridgeViolation``
whose message names the call, the inputs, both values and a reproduction that runs."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from bridgecheck import cases, deviations
from bridgecheck.contract import BridgeViolation, Call, DeviationGone, expect, property_scope

SRC = Path(__file__).resolve().parents[1] / "src"
PROPERTY = "test_pretend_property"

TABLE = f"""
[[entry]]
id = "q-refused"
kind = "deviation"
property = "{PROPERTY}"
aspect = "raises"
when = {{ dtype_char = "Q" }}
observed = "TypeError"
torch = ">=2.3"
reason = "ulonglong is refused where uint64 is accepted"
witness = "case=array(dtype='Q', shape=(3,))"

[[entry]]
id = "long-gone"
kind = "version"
property = "{PROPERTY}"
aspect = "raises"
when = {{ dtype_char = "L" }}
observed = "TypeError"
torch = "<1.0"
reason = "a range no installed torch lies in"
witness = "case=array(dtype='<u8', shape=(3,))"
"""


@pytest.fixture
def table(monkeypatch):
    entries = deviations.parse(TABLE, source="test table")
    monkeypatch.setattr(deviations, "load", lambda: entries)
    return entries


def from_numpy_call(dtype: str) -> Call:
    case = cases.from_recipe("array", dtype=dtype, shape=(3,))
    return Call("torch.from_numpy", "torch.from_numpy(a)", {"a": case})


def test_a_known_deviation_in_range_passes_and_is_recorded(table):
    call = from_numpy_call("Q")
    with property_scope(PROPERTY) as events:
        expect(call, "raises", "TypeError", "returned")
    assert events == [("seen", "q-refused")]


def test_the_contract_value_where_a_deviation_is_known_means_it_is_gone(table):
    call = from_numpy_call("Q")
    with property_scope(PROPERTY) as events, pytest.raises(DeviationGone) as info:
        expect(call, "raises", "returned", "returned")
    assert events == [("gone", "q-refused")]
    message = str(info.value)
    assert "'q-refused' no longer holds" in message and "deviations.toml" in message, message
    assert "repro: python -c" in message


def test_a_third_value_violates_both(table):
    call = from_numpy_call("Q")
    with property_scope(PROPERTY) as events, pytest.raises(BridgeViolation) as info:
        expect(call, "raises", "ValueError", "returned")
    assert type(info.value) is BridgeViolation and events == []
    message = str(info.value)
    assert "'ValueError'" in message and "'TypeError' (known deviation q-refused)" in message and "'returned' (contract)" in message


@pytest.mark.parametrize(
    "why,dtype,prop,aspect",
    [
        ("when does not match", "<u8", PROPERTY, "raises"),
        ("out of version range", "L", PROPERTY, "raises"),
        ("another property", "Q", "test_something_else", "raises"),
        ("another aspect", "Q", PROPERTY, "dtype"),
        ("no property running", "Q", None, "raises"),
    ],
)
def test_entries_apply_only_where_they_match(table, why, dtype, prop, aspect):
    call = from_numpy_call(dtype)
    with property_scope(prop):  # None: no property running (the plugin names every test)
        expect(call, aspect, "returned", "returned")  # the contract holds: fine
        with pytest.raises(BridgeViolation) as info:
            expect(call, aspect, "TypeError", "returned")
    assert type(info.value) is BridgeViolation, why
    assert "known deviation" not in str(info.value), why


def test_true_and_one_are_different_values(table):
    call = from_numpy_call("<f4")
    with pytest.raises(BridgeViolation):
        expect(call, "writeable", 1, True)
    with pytest.raises(BridgeViolation):
        expect(call, "count", True, 1)
    expect(call, "count", 1, 1)


def test_violation_message_names_call_inputs_values_and_repro(table):
    call = from_numpy_call("<f4")
    with pytest.raises(BridgeViolation) as info:
        expect(call, "shares_memory", False, True, detail="address ranges do not overlap")
    message = str(info.value)
    case = call.inputs["a"]
    assert message.startswith("torch.from_numpy(a): shares_memory is False, expected True"), message
    assert case.describe() in message
    assert "detail: address ranges do not overlap" in message
    (repro,) = [line.strip() for line in message.splitlines() if line.strip().startswith("repro: ")]
    assert repro == "repro: " + call.repro()
    assert case.expr in repro.replace("\\", "")


# --- reproductions run -----------------------------------------------------------------------
#
# One repro runs end to end, exactly as pasted into a shell. The others are unquoted by the
# same shell (printf prints what python -c would receive) and executed one after another by
# a single fresh interpreter, which forgets every bridgecheck module between them so that
# each must import what it uses: one torch import instead of five.

DRIVER = r"""
import contextlib, io, json, sys
results = []
for source in sys.stdin.read().split("\0")[:-1]:
    for name in [m for m in sys.modules if m == "bridgecheck" or m.startswith("bridgecheck.")]:
        del sys.modules[name]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, "<repro>", "exec"), {"__name__": "__main__"})
        results.append({"out": out.getvalue(), "exc": None})
    except BaseException as exc:
        results.append({"out": out.getvalue(), "exc": f"{type(exc).__name__}: {exc}"})
print(json.dumps(results))
"""


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(SRC), HOME="/home/somebody")


def _shell(repro: str) -> subprocess.Popen:
    """Run a repro line as a user would paste it, with this interpreter and this checkout."""
    assert repro.startswith("python -c ")
    command = f"{shlex.quote(sys.executable)} {repro[len('python '):]}"
    return subprocess.Popen(["/bin/sh", "-c", command], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_all(repros: list[str]) -> list[dict]:
    assert all(r.startswith("python -c ") for r in repros)
    printf = "printf '%s\\0' " + " ".join(r[len("python -c "):] for r in repros)
    sources = subprocess.run(["/bin/sh", "-c", printf], env=_env(), capture_output=True, check=True).stdout
    driver = subprocess.run([sys.executable, "-c", DRIVER], input=sources, env=_env(), capture_output=True, timeout=300)
    assert driver.returncode == 0, driver.stderr.decode()
    return json.loads(driver.stdout)


def test_repro_lines_run(table):
    float_call = from_numpy_call("<f4")
    refused = from_numpy_call("Q")
    quoting = Call("len", 'len("$HOME `id` \\\\ \\"") + len(a)', {"a": cases.from_recipe("array", dtype="<i8", shape=(2,))})
    no_inputs = Call("torch.from_numpy", "torch.from_numpy([1.0])", {})
    pasted = _shell(float_call.repro(probe="bridgecheck.memory.shares_memory(a, r)"))
    value, raises, quoted, bare = _run_all([float_call.repro(), refused.repro(), quoting.repro(), no_inputs.repro()])

    out, err = pasted.communicate(timeout=300)
    assert pasted.returncode == 0 and out.strip() == "True", (out, err)
    assert value == {"out": "tensor([0., 1., 2.])\n", "exc": None}, value
    assert raises["exc"].startswith("TypeError: can't convert np.ndarray of type numpy.ulonglong"), raises
    # $HOME, the backticks, the backslash and the quote reach Python untouched.
    expected = len('$HOME `id` \\ "') + 2
    assert quoted == {"out": f"{expected}\n", "exc": None}, quoted
    assert bare["exc"].startswith("TypeError: expected np.ndarray"), bare


HELPER_FAILURE = '''
import torch
from bridgecheck.cases import from_recipe
from bridgecheck.contract import Call, expect_raises, observe
from bridgecheck.expectations import expect_exported


def test_from_numpy_helper():
    case = from_recipe("array", dtype="float64", shape=(2,))
    call = Call("torch.from_numpy", "torch.from_numpy(a)", {"a": case})
    expect_raises(call, observe(torch.from_numpy, case.array), TypeError)  # the property's line


def test_export_helper():
    t = torch.arange(3.0)
    call = Call("Tensor.numpy", "t.numpy()", {})
    expect_exported(call, t, t.numpy().copy(), shares=True)  # the property's line
'''


def test_a_failing_expectation_points_at_the_property_line_not_the_helper(tmp_path):
    # __tracebackhide__ in the expect* helpers: pytest's traceback ends at the property.
    (tmp_path / "test_helpers.py").write_text(HELPER_FAILURE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-p", "no:bridgecheck.report.plugin", "test_helpers.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(SRC)})
    assert proc.returncode == 1 and "2 failed" in proc.stdout, proc.stdout[-2000:]
    assert proc.stdout.count("# the property's line") == 2, proc.stdout[-2000:]
    for helper in ("contract.py", "expectations.py"):
        assert f"{helper}:" not in proc.stdout, f"traceback shows a frame of {helper}:\n{proc.stdout[-3000:]}"
