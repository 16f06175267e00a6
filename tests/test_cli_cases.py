"""Each case of issue 17, as a user meets it: bad arguments, closed pipes, interrupts,
aborted runs and what they leave behind. The rules are in README "Commands".

Cheap cases call ``cli.main`` in-process with the command's expensive work replaced by a
sentinel (it must never be reached); the others run ``bridgecheck`` in a fresh interpreter,
from an empty working folder that must stay empty, on a small selection of the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bridgecheck import cli
from tests import reportkit as rk

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
ENV.pop("BRIDGECHECK_PROFILE", None)
SMALL = ["-k", "test_bridge_available", "-n", "0", "--no-census"]  # one property: a few seconds


def _work(*args, **kwargs):
    raise AssertionError("work started although the arguments are bad")


@pytest.fixture
def no_work(monkeypatch):
    for target in ("bridgecheck.commands.run.launch", "bridgecheck.measure.run_suite",
                   "bridgecheck.mutants.runner.run", "bridgecheck.claims.runner.run"):
        monkeypatch.setattr(target, _work)


def refused(capsys, argv: list[str], *words: str) -> str:
    """``bridgecheck ARGV`` exits 2 with one line on stderr holding ``words``."""
    __tracebackhide__ = True
    status = cli.main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert status == 2 and len(lines) == 1, f"bridgecheck {' '.join(argv)}: exit {status}, stderr {err!r}"
    assert all(w in lines[0] for w in words), f"bridgecheck {' '.join(argv)}: {lines[0]!r} lacks {words}"
    return lines[0]


def bridgecheck(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    return subprocess.run([sys.executable, "-m", "bridgecheck", *args], cwd=cwd, env=ENV,
                          text=True, timeout=300, **kwargs)


def _report(tmp_path: Path, name: str = "R.json", **changes) -> Path:
    path = tmp_path / name
    rk.write(path, rk.variant(rk.report("torch 2.13.0", [rk.prop("conformance/test_fn.py::test_a", "conforms")]),
                              **changes))
    return path


# --- usage errors, before any work ----------------------------------------------------------

@pytest.mark.parametrize("argv", [["run", "-n", "-1"], ["run", "-n", "100000"], ["flakes", "-n", "-1"],
                                  ["bench", "-n", "100000"], ["mutants", "-j", "0"]])
def test_worker_counts_are_bounded(argv, capsys, no_work):
    refused(capsys, argv, "is not a usable number of workers", "give a whole number from")


@pytest.mark.parametrize("command", ["run", "flakes", "bench", "mutants"])
def test_unknown_profile_is_a_usage_error(command, capsys, no_work):
    refused(capsys, [command, "--profile", "nosuch"], "'nosuch' is not a Hypothesis profile", "choose one of dev, ci")


def test_unknown_profile_in_the_environment(capsys, no_work, monkeypatch):
    monkeypatch.setenv("BRIDGECHECK_PROFILE", "nosuch")
    refused(capsys, ["run"], "BRIDGECHECK_PROFILE: 'nosuch' is not a Hypothesis profile")


def test_unknown_profile_under_plain_pytest_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/test_equality.py", "--co", "-q"], cwd=ROOT,
                          env={**ENV, "BRIDGECHECK_PROFILE": "nosuch"}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stderr
    assert "Traceback" not in proc.stderr and "ImportError" not in proc.stderr
    assert proc.stderr.strip() == ("ERROR: BRIDGECHECK_PROFILE: 'nosuch' is not a Hypothesis profile of "
                                   "bridgecheck; choose one of dev, ci, thorough")


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "soon"])
def test_mutant_timeout_must_be_positive_seconds(value, capsys, no_work):
    refused(capsys, ["mutants", "--timeout", value], "argument --timeout")


def test_run_into_a_folder(tmp_path, capsys, no_work):
    refused(capsys, ["run", "-o", str(tmp_path)], f"-o {tmp_path}: is a folder")
    assert list(tmp_path.iterdir()) == []  # no .runout.<pid>.tmp or any other file


def test_run_below_a_file(tmp_path, capsys, no_work):
    (tmp_path / "file").write_text("x")
    refused(capsys, ["run", "-o", str(tmp_path / "file" / "R.json")], "file is a file, not a folder")


def test_report_option_of_plain_pytest_into_a_folder(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pytest", "conformance/test_bridge.py", "-p", "no:xdist",
                           "--bridgecheck-report", str(tmp_path)], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR and "INTERNALERROR" not in proc.stdout + proc.stderr
    assert f"--bridgecheck-report {tmp_path}: is a folder" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_mutants_markdown_into_a_folder(tmp_path, capsys, no_work):
    refused(capsys, ["mutants", "from-numpy-copies", "--markdown", str(tmp_path)], "--markdown", "is a folder")


def test_mutants_logs_into_a_file(tmp_path, capsys, no_work):
    (tmp_path / "logs").write_text("x")
    refused(capsys, ["mutants", "from-numpy-copies", "--logs", str(tmp_path / "logs")], "is a file, not a folder")


def test_bench_bad_profile_and_folder_as_json(tmp_path, capsys, no_work):
    refused(capsys, ["bench", "--profile", "nosuch", "--json", str(tmp_path)], "'nosuch' is not a Hypothesis profile")
    refused(capsys, ["bench", "--json", str(tmp_path)], "--json", "is a folder")


def test_matrix_output_below_a_file_names_the_file(tmp_path, capsys):
    report = _report(tmp_path)
    refused(capsys, ["matrix", str(report), "-o", str(report / "x.html")], f"{report} is a file, not a folder")


def test_matrix_refuses_the_same_report_twice(tmp_path, capsys, monkeypatch):
    report = _report(tmp_path)
    monkeypatch.chdir(tmp_path)
    refused(capsys, ["matrix", "R.json", str(report), "-o", "m.html"], "is given twice (also as R.json)")
    assert not (tmp_path / "m.html").exists()


def test_matrix_refuses_to_overwrite_an_input(tmp_path, capsys):
    report = _report(tmp_path)
    before = report.read_bytes()
    refused(capsys, ["matrix", str(report), "-o", str(report)], "is also an input")
    assert report.read_bytes() == before


# --- incomplete runs ------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["compare", "matrix"])
def test_incomplete_report_is_refused(command, tmp_path, capsys):
    good, bad = _report(tmp_path, "good.json"), _report(tmp_path, "bad.json", complete=False)
    argv = [command, str(good), str(bad)] + (["-o", str(tmp_path / "m.html")] if command == "matrix" else [])
    refused(capsys, argv, f"{bad}: the run that wrote this report did not complete")


def test_older_reports_without_the_field_are_judged_by_their_content(tmp_path, capsys):
    old = rk.report("torch 2.13.0", [rk.prop("conformance/test_fn.py::test_a", "conforms")])
    del old["complete"]
    aborted = rk.variant(old, collection_errors=[{"id": "conformance/test_x.py", "message": "ImportError"}])
    good, bad = rk.write(tmp_path / "old.json", old), rk.write(tmp_path / "aborted.json", aborted)
    assert cli.main(["compare", good, str(_report(tmp_path))]) == 0
    refused(capsys, ["compare", good, bad], "did not complete (1 module(s) failed to import)")


def test_committed_reports_still_load_as_complete():
    from bridgecheck.report import schema

    for path in sorted((ROOT / "docs" / "reports").glob("*.json")):
        schema.load_complete(path)


def test_run_of_a_missing_module_keeps_the_report(tmp_path):
    report = _report(tmp_path)
    before = report.read_bytes()
    proc = bridgecheck(["run", "conformance/test_nosuch.py", *SMALL, "-o", str(report)], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"bridgecheck run: the run did not complete (pytest exit status 4); report {report} left as it was")
    assert report.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R.json"]


def test_complete_run_says_so(tmp_path):
    proc = bridgecheck(["run", *SMALL, "-o", "R.json"], tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    data = json.loads((tmp_path / "R.json").read_text())
    assert data["complete"] is True and data["properties"], data["run"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R.json"]


# --- pipes, interrupts, the working folder --------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["compare", "old.json", "new.json"], ["matrix", "old.json", "new.json", "-o", "m.html"],
    ["mutants", "--list"], ["claims", "--topic", "scalars"], ["bench", "--profile", "ci"],
    ["flakes", "--runs", "1"], ["run", *SMALL, "-o", "R.json"],
])
def test_a_closed_pipe_ends_quietly(argv, tmp_path):
    """As ``bridgecheck ... | head -0``: stdout is a pipe nobody reads any more."""
    rk.write(tmp_path / "old.json", rk.report("torch 2.13.0", [rk.prop("conformance/t.py::test_a", "conforms")]))
    rk.write(tmp_path / "new.json", rk.report("torch 2.14.1", [rk.prop("conformance/t.py::test_a", "crash")]))
    reader, writer = os.pipe()
    os.close(reader)
    try:
        proc = bridgecheck(argv, tmp_path, stdout=writer, stderr=subprocess.PIPE, capture_output=False)
    finally:
        os.close(writer)
    assert proc.returncode == cli.PIPE_CLOSED and proc.stderr == "", proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "m.html") == ["new.json", "old.json"]


def test_interrupt_ends_with_one_line_and_keeps_the_report(tmp_path):
    """Ctrl-C while a property runs (1000 examples at ``thorough``: seconds), the census done."""
    report = _report(tmp_path)
    before = report.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "bridgecheck", "run", "-k", "test_tolist_nests_the_python_numbers",
                             "--profile", "thorough", "-n", "0", "-o", str(report)], cwd=tmp_path,
                            env={**ENV, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    seen = ""
    while "test_scalars.py" not in seen:  # its progress line (no newline yet): the property has started
        char = proc.stdout.read(1)
        assert char, f"no progress line: {seen}"
        seen += char
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == cli.INTERRUPTED, out[-2000:] + err
    assert "Traceback" not in err and "Warning" not in err + out, err
    assert err.strip().splitlines() == [f"bridgecheck run: interrupted; report {report} left as it was"]
    assert report.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R.json"]


def test_mutants_leave_nothing_in_the_working_folder(tmp_path):
    proc = bridgecheck(["mutants", "from-numpy-copies", "-j", "1"], tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert list(tmp_path.iterdir()) == []  # Hypothesis once put .hypothesis/constants here
