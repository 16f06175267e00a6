"""The README's "Use the strategies in your own tests" example runs as written: its conftest
part and its test module, in a pytest session of their own, from a temporary folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def example() -> dict[str, str]:
    """The example's files by name (each part starts with a ``# name.py`` line)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use the strategies in your own tests", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    parts = re.split(r"^# (\w+\.py)\n", block, flags=re.M)[1:]
    return dict(zip(parts[::2], parts[1::2]))


def test_the_example_has_a_conftest_and_tests():
    files = example()
    assert set(files) == {"conftest.py", "test_to_tensor.py"}
    assert "register_profiles()" in files["conftest.py"]


def test_the_readme_example_passes(tmp_path):
    for name, source in example().items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "BRIDGECHECK_PROFILE"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-profile", "bridgecheck-ci",
         str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout, result.stdout[-2000:]
