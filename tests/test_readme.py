"""The README stays true: its quick start has exactly two commands, and CI runs the second."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_has_an_install_and_run_line_and_a_test_line():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert "pip install" in commands[0] and "bridgecheck run" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    test_command = quick_start_commands()[1]
    assert test_command in [line.strip() for line in ci], f".ci/run does not run {test_command!r}"
    install = quick_start_commands()[0].split("&&")[0].strip()
    assert any(install.replace("python -m pip install", "") in line for line in ci), ".ci/run installs differently"
