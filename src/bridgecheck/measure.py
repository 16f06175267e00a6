"""Measured runs of the conformance suite, for ``bridgecheck bench`` and ``bridgecheck flakes``.

``run_suite`` runs pytest on ``conformance/`` in a new interpreter with the JSON report
(``--bridgecheck-report``: outcomes, failures, durations) and this module as a plugin
(``-p bridgecheck.measure``), which adds two things:

- ``BRIDGECHECK_MEASURE_OUT=PATH``: the Hypothesis examples each test executed (every test
  case run in any phase: passing, failing and invalid, from Hypothesis' statistics), as JSON.
  They travel in report user properties, so the count is whole under pytest-xdist too;
- ``BRIDGECHECK_FRESH_DATABASE=DIR``: the loaded profile with its example database in ``DIR``,
  so a run replays nothing that earlier runs saved.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pytest

from bridgecheck.outputs import write_atomic

OUT_ENV = "BRIDGECHECK_MEASURE_OUT"
FRESH_DATABASE_ENV = "BRIDGECHECK_FRESH_DATABASE"
# "38 passing examples, 0 failing examples, 4 invalid examples" (Hypothesis up to about 6.16x),
# "40 passing, 0 failing, and 0 invalid test cases" (later releases).
_EXAMPLES = re.compile(r"(\d+) passing(?: examples?)?, (\d+) failing(?: examples?)?, (?:and )?(\d+) invalid "
                       r"(?:examples?|test cases?)")
_PROPERTY = "bridgecheck-examples"


def examples_in(statistics: str) -> int:
    """Test cases executed, from Hypothesis' statistics text (all phases)."""
    return sum(int(a) + int(b) + int(c) for a, b, c in _EXAMPLES.findall(statistics))


# --- the plugin ----------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)  # after Hypothesis has loaded the chosen profile
def pytest_configure(config: pytest.Config) -> None:
    folder = os.environ.get(FRESH_DATABASE_ENV)
    if folder:
        from hypothesis import settings
        from hypothesis.database import DirectoryBasedExampleDatabase

        settings.register_profile("bridgecheck-fresh-database", parent=settings.default,
                                  database=DirectoryBasedExampleDatabase(folder))
        settings.load_profile("bridgecheck-fresh-database")
    out = os.environ.get(OUT_ENV)
    if out and not hasattr(config, "workerinput"):  # under xdist the controller records
        config.pluginmanager.register(_Counter(Path(out)), "bridgecheck-measure-counter")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = (yield).get_result()
    stats = getattr(item, "hypothesis_statistics", None)
    if report.when == "teardown" and stats:
        report.user_properties.append((_PROPERTY, examples_in(stats)))


class _Counter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.examples: dict[str, int] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _PROPERTY:
                self.examples[report.nodeid] = cast(int, value)  # set by pytest_runtest_makereport below

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        write_atomic(self.out, json.dumps(self.examples, indent=1))


# --- the driver ----------------------------------------------------------------------------


@dataclass
class SuiteRun:
    """One run: wall time from process start to exit, pytest's exit status, its report."""

    profile: str
    workers: int
    wall_s: float
    exit_status: int
    report: dict
    examples: dict[str, int]
    load_before: float
    load_after: float
    cpu_s: float = float("nan")  # user + system seconds of the run's whole process tree
    output_tail: str = ""
    command: list[str] = field(default_factory=list)

    @property
    def properties(self) -> list[dict]:
        return self.report.get("properties", [])

    @property
    def total_examples(self) -> int:
        return sum(self.examples.values())

    def failures(self) -> list[dict]:
        return [p for p in self.properties if p["outcome"] not in ("conforms", "known-deviation", "skipped")]


@dataclass(frozen=True)
class Speedup:
    """Serial against parallel wall times of one profile: the fastest run of each (on a
    shared machine the least disturbed) and the median of each."""

    profile: str
    workers: int
    serial_s: tuple[float, ...]
    parallel_s: tuple[float, ...]

    @property
    def fastest(self) -> float:
        return min(self.serial_s) / min(self.parallel_s)

    @property
    def median(self) -> float:
        return statistics.median(self.serial_s) / statistics.median(self.parallel_s)


def speedups(runs: list[SuiteRun]) -> list[Speedup]:
    """One ``Speedup`` per profile that has both serial and parallel runs, in first-run order."""
    found = []
    for profile in dict.fromkeys(r.profile for r in runs):
        serial = tuple(r.wall_s for r in runs if r.profile == profile and not r.workers)
        parallel = [r for r in runs if r.profile == profile and r.workers]
        if serial and parallel:
            found.append(Speedup(profile, parallel[0].workers, serial, tuple(r.wall_s for r in parallel)))
    return found


def _children_cpu() -> float:
    """CPU seconds of every finished descendant (xdist workers included: pytest waits for
    them, and their usage is added to its own when it exits)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def run_suite(profile: str, workers: int = 0, *, extra: list[str] | tuple = (), fresh_database: bool = True,
              timeout: float | None = None) -> SuiteRun:
    """Run the conformance suite at ``profile`` with ``workers`` xdist workers (0: serial)."""
    from bridgecheck.environment import conformance_dir

    folder = conformance_dir()
    with tempfile.TemporaryDirectory(prefix="bridgecheck-measure-") as tmp:
        report, counts = Path(tmp, "report.json"), Path(tmp, "examples.json")
        env = dict(os.environ, BRIDGECHECK_PROFILE=profile)
        env[OUT_ENV] = str(counts)
        if fresh_database:
            env[FRESH_DATABASE_ENV] = str(Path(tmp, "examples-db"))
        cmd = [sys.executable, "-m", "pytest", str(folder), "-q", "-n", str(workers), "-p", "bridgecheck.measure",
               "--bridgecheck-report", str(report), *extra]
        before, cpu = load(), _children_cpu()
        start = time.monotonic()
        proc = subprocess.run(cmd, cwd=folder.parent, env=env, capture_output=True, text=True, timeout=timeout)
        wall = time.monotonic() - start
        cpu = _children_cpu() - cpu
        data = json.loads(report.read_text()) if report.exists() else {}
        examples = json.loads(counts.read_text()) if counts.exists() else {}
    tail = (proc.stdout + proc.stderr)[-3000:]
    return SuiteRun(profile, workers, wall, proc.returncode, data, examples, before, load(), cpu, tail, cmd)
