"""The report plugin on a tiny synthetic suite, alone and under pytest-xdist (-n 2).

The synthetic properties cover every outcome: conforms, a parametrized pair (one entry per
node id), a known deviation, a deviation that is gone, a Hypothesis failure (with its
falsifying example), a crash, a skip, and a module that fails to import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bridgecheck.report import schema
from tests import reportkit as rk

SRC = str(Path(__file__).resolve().parents[1] / "src")

FAKE_SUITE = '''
import pytest
from hypothesis import given, settings, strategies as st
from bridgecheck import cases, contract, deviations

DEVIATIONS = deviations.parse("""
[[entry]]
id = "fake-known"
kind = "deviation"
property = "test_known"
aspect = "value"
observed = 1
reason = "a synthetic deviation of a fake property, for the report plugin's tests"
witness = "case=None"
[[entry]]
id = "fake-gone"
kind = "deviation"
property = "test_gone"
aspect = "value"
observed = 1
reason = "a synthetic deviation of a fake property, for the report plugin's tests"
witness = "case=None"
""")


@pytest.fixture(autouse=True)
def fake_deviations(monkeypatch):
    monkeypatch.setattr(deviations, "load", lambda: DEVIATIONS)


def call():
    case = cases.from_recipe("array", dtype="float32", shape=(2,), layout="c-order", data="0000803f00000040")
    return contract.Call("torch.from_numpy", "torch.from_numpy(a)", {"a": case})


def test_conforms():
    contract.expect(call(), "value", 2, 2)


@pytest.mark.parametrize("k", [1, 2])
def test_param(k):
    contract.expect(call(), "value", k, 1)


def test_known():
    contract.expect(call(), "value", 1, 2)


def test_gone():
    contract.expect(call(), "value", 2, 2)


@settings(max_examples=30, database=None, derandomize=True)
@given(st.integers(0, 100))
def test_hypo(x):
    contract.expect(call(), "small", x < 10, True)


def test_crash():
    raise contract.CrashViolation(call().failure("killed by SIGABRT"))


def test_skip():
    pytest.skip("CUDA absent: torch.cuda.is_available() is False")
'''

EXPECTED = {
    "test_fake.py::test_conforms": "conforms",
    "test_fake.py::test_param[1]": "conforms",
    "test_fake.py::test_param[2]": "new-failure",
    "test_fake.py::test_known": "known-deviation",
    "test_fake.py::test_gone": "deviation-gone",
    "test_fake.py::test_hypo": "new-failure",
    "test_fake.py::test_crash": "crash",
    "test_fake.py::test_skip": "skipped",
}


def _pytest(folder: Path, report: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
           # Only the plugins a bridgecheck run needs: autoloading every installed plugin
           # costs about a second of CPU in each of the four pytest processes started here.
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    cmd = [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider",
           "-p", "xdist.plugin", "-p", "_hypothesis_pytestplugin",
           "-p", "bridgecheck.pytest_plugin", "-p", "bridgecheck.report.plugin",
           "--continue-on-collection-errors", "--bridgecheck-report", report, *extra]
    return subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _start_runs(tmp_path: Path) -> dict:
    """Both runs start together (each pays for a torch import): a single process with a
    one-cell census, and two xdist workers."""
    procs = {}
    for name, extra in (("single", ["--bridgecheck-census", "--bridgecheck-census-select", "torch.from_numpy:float32:c-order"]),
                        ("xdist", ["-n", "2"])):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "test_fake.py").write_text(FAKE_SUITE)
        (folder / "test_broken.py").write_text("import no_such_module_for_bridgecheck\n")
        procs[name] = (folder, _pytest(folder, "out/report.json", *extra))
    results = {}
    for name, (folder, proc) in procs.items():
        output, _ = proc.communicate(timeout=240)
        results[name] = (proc.returncode, output, folder / "out" / "report.json")
    return results


def _check_report(status: int, output: str, path: Path) -> dict:
    assert status == 1, output  # pytest's own status: there are failures
    assert f"bridgecheck report: {path}" in output
    data = schema.load(path)  # validates against the schema
    assert rk.json_schema_errors(data) == []  # and the published JSON Schema
    assert {p["id"]: p["outcome"] for p in data["properties"]} == EXPECTED
    assert data["run"]["exit_status"] == 1
    assert data["run"]["counts"]["new-failure"] == 2 and data["run"]["counts"]["crash"] == 1
    assert [e["id"] for e in data["collection_errors"]] == ["test_broken.py"]
    assert "no_such_module_for_bridgecheck" in data["collection_errors"][0]["message"]
    env = data["environment"]
    assert env["torch"]["version"] and env["numpy"]["version"] and env["python"]["version"]
    assert env["label"].startswith("torch ") and isinstance(env["gpus"], list)
    assert env["hypothesis"]["profile"]

    props = {p["id"]: p for p in data["properties"]}
    assert props["test_fake.py::test_param[2]"]["property"] == "test_param"
    assert props["test_fake.py::test_param[2]"]["family"] == "test_fake"
    assert props["test_fake.py::test_known"]["deviations"]["seen"] == ["fake-known"]
    gone = props["test_fake.py::test_gone"]
    assert gone["deviations"]["gone"] == ["fake-gone"] and gone["failure"]["exception"] == "DeviationGone"
    hypo = props["test_fake.py::test_hypo"]["failure"]
    assert hypo["falsifying_example"].startswith(("Falsifying example: test_hypo(", "Failing test case: test_hypo("))
    assert "x=10" in hypo["falsifying_example"]
    assert hypo["repro"].startswith('python -c "import ') and "bridgecheck.build" in hypo["repro"]
    assert hypo["message"].startswith("BridgeViolation: torch.from_numpy(a): small is False")
    crash = props["test_fake.py::test_crash"]["failure"]
    assert crash["exception"] == "CrashViolation" and crash["phase"] == "call"
    assert props["test_fake.py::test_skip"]["skip_reason"].startswith("CUDA absent")
    assert props["test_fake.py::test_conforms"]["failure"] is None
    return data


def test_report_single_process_and_under_xdist(tmp_path):
    # One test, not several sharing a fixture: under an outer `pytest -n 2` a module
    # fixture would run once per worker, doubling the most expensive part of this file.
    runs = _start_runs(tmp_path)
    single = _check_report(*runs["single"])
    xdist = _check_report(*runs["xdist"])

    def strip(data):
        return [{k: v for k, v in p.items() if k != "duration_s"} for p in data["properties"]]

    assert strip(single) == strip(xdist)
    assert xdist["run"]["workers"] == 2
    # Under xdist a worker describes the environment (the controller never imports torch):
    # the same description as the single process gives.
    assert xdist["environment"] == single["environment"]

    census = single["census"]  # --bridgecheck-census: run alongside the suite, in the report
    assert census["warn_mode"] == "warn-always" and len(census["cells"]) == 1
    (only,) = census["cells"]
    assert (only["id"], only["result_dtype"], only["aliases"]) == ("torch.from_numpy:float32:c-order", "float32", True)
    assert xdist["census"] is None  # only when asked
