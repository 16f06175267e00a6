"""tox.ini's labels say what they promise: the sweep has one pair per torch minor 2.2-2.15,
the newest envs run numpy 2.5 on Python 3.12/3.13, and every factor pins a version (a
misspelt factor would silently install whatever pip picks)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tox() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tox.ini")
    return parser


def labels() -> dict[str, list[str]]:
    text = tox()["tox"]["labels"]
    return {name.strip(): [e.strip() for e in envs.split(",")]
            for name, envs in (line.split("=", 1) for line in text.strip().splitlines())}


def pins() -> dict[str, str]:
    """factor -> pinned requirement, from [testenv] deps."""
    return dict(re.findall(r"^\s*(\w+): (\S+==\S+)$", tox()["testenv"]["deps"], re.M))


def test_every_factor_of_every_labelled_env_pins_a_version():
    known = pins()
    for label, envs in labels().items():
        for env in envs:
            for factor in env.split("-"):
                assert factor in known or re.fullmatch(r"python3\d+", factor), f"{label}: {env}: {factor!r} pins nothing"


def test_the_sweep_has_one_pair_per_torch_minor():
    known = pins()
    minors = []
    for env in labels()["sweep"]:
        torch, numpy = (known[f] for f in env.split("-")[:2])
        assert torch.startswith("torch==") and numpy.startswith("numpy==")
        minors.append(".".join(torch.removeprefix("torch==").split(".")[:2]))
    assert minors == [f"2.{n}" for n in range(2, 16)]


def test_the_newest_envs_run_numpy_2_5_on_python_3_12_and_3_13():
    known = pins()
    envs = labels()["newest"]
    assert {known[e.split("-")[1]] for e in envs} == {"numpy==2.5.5"}
    assert sorted(e.split("-")[2] for e in envs) == ["python312", "python312", "python313"]
    base = tox()["testenv"]["basepython"]
    assert "python312: {env:BRIDGECHECK_PY312:python3.12}" in base and "python313: {env:BRIDGECHECK_PY313:python3.13}" in base


def test_tox_resolves_every_labelled_env():
    """tox refuses names it cannot derive (it did for t222-np126 while [testenv:t222-np20] alone existed)."""
    import subprocess
    import sys

    import pytest

    pytest.importorskip("tox")
    envs = sorted({e for group in labels().values() for e in group})
    run = subprocess.run([sys.executable, "-m", "tox", "config", "-e", ",".join(envs), "-k", "deps"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "not found" not in run.stdout + run.stderr, run.stdout[-2000:] + run.stderr[-2000:]
