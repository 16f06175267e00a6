"""Bad report files: one line on stderr, exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bridgecheck import cli
from bridgecheck.report import schema
from tests import reportkit as rk

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _good() -> dict:
    return rk.report("torch 2.13.0", [rk.prop("conformance/test_fn.py::test_a", "conforms")])


def _bad_outcome() -> dict:
    data = _good()
    data["properties"][0]["outcome"] = "ok"
    return data


def _no_failure() -> dict:
    data = _good()
    data["properties"][0]["outcome"] = "crash"
    return data


CASES = {
    "missing": (None, "no such report file"),
    "corrupt": ('{"schema_version": 1, "properties": [', "not valid JSON"),
    "empty": ("", "not valid JSON"),
    "not-an-object": ("[1, 2]", "expected a JSON object"),
    "not-a-report": ('{"hello": 1}', "no schema_version"),
    "future-schema": ('{"schema_version": 99}', "schema_version is 99"),
    "bad-outcome": (json.dumps(_bad_outcome()), "properties[0].outcome: 'ok' is not one of"),
    "crash-without-failure": (json.dumps(_no_failure()), "properties[0].failure: outcome crash needs"),
    "binary": (b"\xff\xfe\x00garbage", "cannot read report"),
}


def _make(tmp_path: Path, name: str) -> str:
    content, _ = CASES[name]
    path = tmp_path / f"{name}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    return str(path)


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_raises_one_line_usage_problem(tmp_path, name):
    with pytest.raises(Exception) as info:
        schema.load(_make(tmp_path, name))
    assert type(info.value).__name__ == "UsageProblem"
    message = str(info.value)
    assert CASES[name][1] in message and "\n" not in message


@pytest.mark.parametrize("command", ["compare", "matrix"])
@pytest.mark.parametrize("name", ["missing", "corrupt", "future-schema", "bad-outcome"])
def test_commands_exit_2_with_one_line(tmp_path, capsys, command, name):
    bad = _make(tmp_path, name)
    good = rk.write(tmp_path / "good.json", _good())
    argv = ["compare", good, bad] if command == "compare" else ["matrix", good, bad, "-o", str(tmp_path / "m.html")]
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and CASES[name][1] in captured.err
    assert not (tmp_path / "m.html").exists()


def test_directory_is_refused(tmp_path, capsys):
    assert cli.main(["matrix", str(tmp_path), "-o", str(tmp_path / "m.html")]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_no_traceback_from_the_real_command_line(tmp_path):
    """End to end, as a user runs it: a fresh interpreter, stderr exactly one line."""
    env = {**os.environ, "PYTHONPATH": SRC}
    bad = _make(tmp_path, "corrupt")
    good = rk.write(tmp_path / "good.json", _good())
    proc = subprocess.run([sys.executable, "-m", "bridgecheck", "compare", good, bad],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("bridgecheck compare: ") and "not valid JSON" in proc.stderr
