"""The wheel carries everything: built from this checkout, installed into a fresh virtual
environment, run from a folder that is not the clone.

What it proves: the wheel holds every module of ``conformance/`` (as
``bridgecheck.conformance``), ``deviations.toml``, the report schema and ``py.typed``;
installed, ``bridgecheck run`` imports bridgecheck from the new environment (not the clone,
whose source is on no path there), collects every property module without an import error,
names properties ``conformance/test_x.py::...`` as a clone's report does, and applies the
shipped deviation file (its witnesses report known deviations); ``pytest --pyargs
bridgecheck.conformance`` in a plain pytest session loads the plugins through their pytest11
entry points (the report option exists) and runs the properties under a bridgecheck profile.

To stay cheap the fresh environment installs the wheel without dependencies and sees this
environment's site-packages through a ``.pth`` line (which, unlike a site directory, runs no
``.pth`` files of its own: the editable install of the clone stays inactive), and the runs
select two small groups of properties. It does not prove that pip resolves the dependencies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from tests import reportkit as rk

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("src", "conformance", "pyproject.toml", "setup.py", "README.md")


def run(cmd: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def start(cmd: list, cwd: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def checked(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    __tracebackhide__ = True
    assert result.returncode == 0, f"{' '.join(map(str, result.args))}: exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def finished(proc: subprocess.Popen) -> str:
    __tracebackhide__ = True
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"{' '.join(proc.args)}: exit {proc.returncode}\n{output[-4000:]}"
    return output


def build_and_install(tmp: Path, env: dict) -> tuple[Path, Path]:
    """Build the wheel from a copy of the sources (building writes build/ and *.egg-info
    beside them) and install it into a fresh environment; (its bin folder, the wheel)."""
    source = tmp / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(ROOT / name, source / name)
    checked(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                 "-w", tmp / "dist", source], tmp, env))
    wheel = next((tmp / "dist").glob("bridgecheck-*.whl"))
    venv = tmp / "venv"
    checked(run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env))
    purelib = checked(run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          tmp, env)).stdout.strip()
    Path(purelib, "outer-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    checked(run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", wheel],
                tmp, env))
    return venv / "bin", wheel


def test_the_wheel_installs_and_runs_from_any_folder(tmp_path):
    # One test (not a module fixture shared by several): under xdist each worker would build
    # and install its own copy.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BRIDGECHECK_PROFILE")}
    bin_dir, wheel = build_and_install(tmp_path, env)

    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"bridgecheck/conformance/{p.name}" for p in (ROOT / "conformance").glob("*.py")}
    expected |= {"bridgecheck/deviations.toml", "bridgecheck/py.typed", "bridgecheck/report/report.schema.json"}
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"

    where = checked(run([bin_dir / "python", "-c", "import bridgecheck; print(bridgecheck.__file__)"], tmp_path, env))
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent), where.stdout

    # Both runs at once, each from its own empty folder (each pays for a torch import).
    runs = {name: tmp_path / name for name in ("run", "pyargs")}
    for folder in runs.values():
        folder.mkdir()
    run_cmd = start([bin_dir / "bridgecheck", "run", "-n", "0", "--no-census", "--profile", "ci", "-o", "r.json",
                     "-k", "test_bridge_available or test_deviation_witness"], runs["run"], env)
    pyargs = start([bin_dir / "python", "-m", "pytest", "--pyargs", "bridgecheck.conformance", "-p", "no:cacheprovider",
                    "-q", "-k", "test_bridge_available or test_readonly", "--bridgecheck-report", "r.json"],
                   runs["pyargs"], env)

    output = finished(run_cmd)
    report = json.loads((runs["run"] / "r.json").read_text())
    assert rk.json_schema_errors(report) == []
    assert report["collection_errors"] == [], report["collection_errors"]
    ids = [p["id"] for p in report["properties"]]
    assert ids and all(i.startswith("conformance/test_") for i in ids), ids[:3]
    counts = report["run"]["counts"]
    assert counts["known-deviation"] > 0, output[-2000:]  # the shipped deviations.toml applied
    assert counts["new-failure"] == counts["crash"] == 0, output[-2000:]
    assert report["environment"]["hypothesis"]["profile"] == "bridgecheck-ci"

    # A plain pytest session: the plugins come from the pytest11 entry points (the report
    # option exists), and the properties run under bridgecheck's profile, not Hypothesis' defaults.
    output = finished(pyargs)
    report = json.loads((runs["pyargs"] / "r.json").read_text())
    assert report["collection_errors"] == [] and report["run"]["counts"]["conforms"] >= 2, output[-2000:]
    assert report["environment"]["hypothesis"]["profile"] == "bridgecheck-dev"
