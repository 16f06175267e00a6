"""GPU mode never goes green by skipping: without CUDA it stops at start, with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bridgecheck import cli

ROOT = Path(__file__).resolve().parents[1]
needs_no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA present: GPU mode would run")


@needs_no_cuda
def test_run_require_cuda_refuses_in_one_line(capsys):
    assert cli.main(["run", "--require-cuda"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "GPU mode" in err[0] and "cuda" in err[0].lower(), err


@needs_no_cuda
def test_environment_variable_makes_pytest_refuse_at_start():
    env = dict(os.environ, BRIDGECHECK_REQUIRE_CUDA="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "conformance/test_bridge.py", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode != 0, "GPU mode without CUDA must not pass"
    assert "GPU mode" in proc.stdout + proc.stderr
    assert "passed" not in proc.stdout


def test_cuda_properties_skip_with_a_reason_when_cuda_is_absent():
    if torch.cuda.is_available():
        pytest.skip("CUDA present: the cuda properties run")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "conformance/test_devices.py", "-q", "-rs", "-k", "cuda",
         "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert "CUDA absent" in proc.stdout, proc.stdout[-1500:]
