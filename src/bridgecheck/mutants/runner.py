"""Run the conformance suite once per mutant, each in its own child process, some in parallel.

A child applies its mutant (``apply.py``, through ``BRIDGECHECK_MUTANT``) and runs the suite
with ``-x``: the first failing property ends the run. Verdicts:

- ``killed``: a property failed (pytest exit status 1); the first failure is named;
- ``survived``: the whole suite passed with the mutant applied: a gap in the properties;
- ``not applicable``: the mutant cannot be applied to the installed versions;
- ``error``: anything else (a crash, an internal error, a timeout): neither killed nor survived.

By default children are forked from this process after it has imported torch, numpy, pytest
and Hypothesis once (``prewarmed``): each run then starts in milliseconds instead of re-importing
torch. No conformance module is imported here, so the mutant still lands before them.
``fresh=True`` execs a new interpreter per mutant instead (and is used automatically when this
process has imported conformance modules already, as inside a pytest run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bridgecheck.mutants.apply import NOT_APPLICABLE_EXIT, REPORT_ENV
from bridgecheck.mutants.registry import CATALOGUE, MUTANT_ENV, SITE_DIR, Mutant
from bridgecheck.outputs import write_atomic

KILLED, SURVIVED, NOT_APPLICABLE, ERROR = "killed", "survived", "not applicable", "error"


@dataclass(frozen=True)
class Result:
    name: str
    verdict: str
    seconds: float
    killer: str = ""  # first failing property (killed) or what went wrong (error, not applicable)
    detail: str = ""  # its failure line
    shows: bool | None = None  # the mutant's fault was visible once applied

    def line(self) -> str:
        what = self.killer + (f" - {self.detail}" if self.detail else "")
        if self.shows is False and self.verdict != NOT_APPLICABLE:
            what = f"(fault not visible: check the mutant) {what}"
        return f"{self.verdict:<14} {self.seconds:6.1f}s  {self.name:<44} {what}"[:220]


def pytest_args(conformance: Path) -> list[str]:
    return ["-p", "bridgecheck.mutants.apply", "-x", "-q", "-rf", "--no-header", "-p", "no:cacheprovider",
            "-o", "console_output_style=classic", str(conformance)]


_FAILED = re.compile(r"^FAILED (.+?)(?: - (.*))?$", re.M)  # node ids may hold spaces


def classify(name: str, status: int | str, seconds: float, report: dict | None, log: str) -> Result:
    """The verdict from the child's exit ``status`` (a code, or a signal name), its report and
    its output."""
    shows = report.get("shows") if report else None
    if report and not report.get("applied", False):
        return Result(name, NOT_APPLICABLE, seconds, report.get("reason", ""))
    if status == 0 and report:
        return Result(name, SURVIVED, seconds, "suite passed", shows=shows)
    if status == 1 and report:
        failed = _FAILED.search(log)
        killer, detail = (failed.group(1), (failed.group(2) or "").strip()) if failed else ("(failure not named)", "")
        return Result(name, KILLED, seconds, killer, detail, shows=shows)
    tail = " | ".join(line for line in log.strip().splitlines()[-3:])
    why = f"exit {status}" if isinstance(status, int) else status
    if status == NOT_APPLICABLE_EXIT:
        why = "not applicable, without a report"
    elif not report:
        why += " before the mutant was applied"
    return Result(name, ERROR, seconds, why, tail[-300:], shows=shows)


def select(patterns: Iterable[str]) -> list[Mutant]:
    """Mutants whose names match any of ``patterns`` (shell-style; all when empty), in
    catalogue order. Raises LookupError naming a pattern that matches nothing."""
    import fnmatch

    patterns = list(patterns)
    if not patterns:
        return list(CATALOGUE.values())
    for pattern in patterns:
        if not fnmatch.filter(CATALOGUE, pattern):
            raise LookupError(pattern)
    return [m for m in CATALOGUE.values() if any(fnmatch.fnmatchcase(m.name, p) for p in patterns)]


def conformance_imported() -> bool:
    return any(name == "conformance" or name.startswith("conformance.") for name in sys.modules)


def prewarm() -> None:
    """Import what every run needs, once, before forking (imported for the cache, not used)."""
    import hypothesis  # noqa: F401 - see the docstring
    import numpy  # noqa: F401 - see the docstring
    import pytest  # noqa: F401 - see the docstring
    import torch  # noqa: F401 - see the docstring

    import bridgecheck.contract
    import bridgecheck.strategies  # noqa: F401 - see the docstring


@dataclass
class _Child:
    mutant: Mutant
    pid: int
    start: float
    workdir: Path


def _child_env(mutant: Mutant, workdir: Path, profile: str | None) -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])  # the folder holding the bridgecheck package
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SITE_DIR), src, env.get("PYTHONPATH", "")) if p)
    env[MUTANT_ENV] = mutant.name
    env[REPORT_ENV] = str(workdir / "report.json")
    env["TMPDIR"] = str(workdir)  # memmap files and the like go where the runner cleans up
    env["COLUMNS"] = "250"  # room for the failure's first line after "FAILED <test>"
    if profile:
        env["BRIDGECHECK_PROFILE"] = profile
    return env


def _start(mutant: Mutant, args: list[str], root: Path, profile: str | None, fresh: bool) -> _Child:
    workdir = Path(tempfile.mkdtemp(prefix=f"bridgecheck-mutant-{mutant.name}-"))
    env = _child_env(mutant, workdir, profile)
    log = os.open(workdir / "log.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    sys.stdout.flush()
    sys.stderr.flush()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child: never returns
        code = 70
        try:
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.chdir(root)
            if fresh:
                os.execve(sys.executable, [sys.executable, "-m", "pytest", *args], env)
            os.environ.clear()
            os.environ.update(env)
            tempfile.tempdir = str(workdir)
            # Hypothesis fixed its storage folder (.hypothesis/, where it caches constants)
            # from the working directory when this process imported it: the user's folder.
            # Point it at the clone's, where a run of the suite from the clone keeps it.
            from hypothesis.configuration import set_hypothesis_home_dir

            set_hypothesis_home_dir(root / ".hypothesis")
            import pytest

            code = int(pytest.main(args))
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001 - reported through the log and the exit status
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(log)
    return _Child(mutant, pid, start, workdir)


def _finish(child: _Child, status: int, keep_logs: Path | None) -> Result:
    seconds = time.monotonic() - child.start
    if os.WIFSIGNALED(status):
        code: int | str = f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        code = os.WEXITSTATUS(status)
    report_path = child.workdir / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    log = (child.workdir / "log.txt").read_text(errors="replace")
    if keep_logs is not None:
        write_atomic(keep_logs / f"{child.mutant.name}.log", log)
    shutil.rmtree(child.workdir, ignore_errors=True)
    return classify(child.mutant.name, code, seconds, report, log)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run(
    mutants: list[Mutant],
    *,
    jobs: int = 2,
    profile: str | None = "ci",
    fresh: bool = False,
    timeout: float = 900.0,
    keep_logs: Path | None = None,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Run the suite against each mutant, ``jobs`` at a time; results in catalogue order."""
    from bridgecheck.environment import conformance_dir

    conformance = conformance_dir()
    args = pytest_args(conformance)
    fresh = fresh or conformance_imported()
    if not fresh:
        prewarm()
    queue, results = list(mutants), {}
    running: dict[int, _Child] = {}
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        while queue or running:
            while queue and len(running) < max(1, jobs):
                child = _start(queue.pop(0), args, conformance.parent, profile, fresh)
                running[child.pid] = child
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                for child in list(running.values()):
                    if time.monotonic() - child.start > timeout:
                        os.kill(child.pid, 9)
                time.sleep(0.02)
                continue
            finished = running.pop(pid, None)
            if finished is None:
                continue
            result = _finish(finished, status, keep_logs)
            results[finished.mutant.name] = result
            if progress:
                progress(result)
    finally:
        for child in running.values():  # interrupted: leave no orphans
            os.kill(child.pid, 9)
            os.waitpid(child.pid, 0)
            shutil.rmtree(child.workdir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    return [results[m.name] for m in mutants]


def summary(results: list[Result]) -> str:
    applicable = [r for r in results if r.verdict != NOT_APPLICABLE]
    killed = [r for r in results if r.verdict == KILLED]
    lines = []
    rate = f"{100 * len(killed) / len(applicable):.0f}%" if applicable else "n/a"
    lines.append(f"kill rate: {len(killed)}/{len(applicable)} applicable mutants killed ({rate})")
    if killed:
        times = sorted(r.seconds for r in killed)
        lines.append(f"time to kill: median {statistics.median(times):.1f}s, max {times[-1]:.1f}s")
    for verdict in (SURVIVED, ERROR, NOT_APPLICABLE):
        names = [r.name for r in results if r.verdict == verdict]
        if names:
            lines.append(f"{verdict}: {', '.join(names)}")
    return "\n".join(lines)


def markdown(results: list[Result]) -> str:
    """The results as a Markdown table: mutant, the regression it plants, verdict, time,
    and the property that killed it."""
    rows = ["| mutant | regression | verdict | time | killed by |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        m = CATALOGUE.get(r.name)
        killer = r.killer.removeprefix("conformance/")
        cells = [f"`{r.name}`", m.description if m else "", r.verdict, f"{r.seconds:.1f} s",
                 f"`{killer}`" if killer else ""]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"

