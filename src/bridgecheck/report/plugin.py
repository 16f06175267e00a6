"""pytest plugin: ``--bridgecheck-report PATH`` writes one JSON report per run.

Works the same with and without pytest-xdist. Failures are classified where the test ran
(``pytest_runtest_makereport``: only there is the exception object at hand) and travel as
plain data in ``report.user_properties``, which xdist serialises to the controller. The
controller (or the single process) collects every phase report in
``pytest_runtest_logreport`` and writes the file at session end; workers never write.

Under xdist the report's environment comes from a worker (``workeroutput``), which has torch
imported anyway: the controller never imports torch for it, which would add over a second of
serial start-up and teardown to every parallel run.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bridgecheck.errors import UsageProblem
from bridgecheck.outputs import check_file, write_atomic
from bridgecheck.report import env as environment
from bridgecheck.report import failure as failures
from bridgecheck.report.schema import OUTCOMES, SCHEMA_VERSION

if TYPE_CHECKING:
    from bridgecheck.census.sweep import Job

DEVIATIONS_KEY = "bridgecheck_deviations"  # written by bridgecheck.pytest_plugin
FAILURE_KEY = "bridgecheck_failure"
ENVIRONMENT_KEY = "bridgecheck_environment"  # a worker's environment, in its workeroutput

# When several phases of one test report, the worst outcome stands: a teardown error after
# a passing call is still a failure. Higher wins.
_RANK = {"conforms": 0, "known-deviation": 1, "skipped": 2, "deviation-gone": 3, "new-failure": 4, "crash": 5}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bridgecheck")
    group.addoption("--bridgecheck-report", metavar="PATH", default=None,
                    help="write a JSON conformance report (docs/report-schema.md) to PATH")
    group.addoption("--bridgecheck-census", action="store_true", default=False,
                    help="run the behaviour census and put it in the report (needs --bridgecheck-report)")
    group.addoption("--bridgecheck-census-select", metavar="GLOB", default=None,
                    help="census: only cells whose id matches GLOB (fnmatch), e.g. 'torch.from_numpy:*'")


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def split_nodeid(nodeid: str) -> tuple[str, str]:
    """``(property, family)`` of a node id: ``conformance/test_fn.py::test_alias[x]`` gives
    ``("test_alias", "test_fn")`` - the same name ``contract.expect`` matches deviations on."""
    base = nodeid.split("[", 1)[0]
    parts = base.split("::")
    family = Path(parts[0]).stem
    return parts[-1], family


def _new_entry(nodeid: str) -> dict:
    prop, family = split_nodeid(nodeid)
    return {
        "id": nodeid, "property": prop, "family": family, "outcome": None,
        "deviations": {"seen": [], "gone": []}, "skip_reason": None, "failure": None,
        "duration_s": 0.0,
    }


def _skip_reason(report: pytest.TestReport) -> str:
    if getattr(report, "wasxfail", None) is not None:
        return f"xfail: {report.wasxfail}".rstrip(": ")
    longrepr = report.longrepr
    if isinstance(longrepr, (tuple, list)) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "skipped")


class Collector:
    """Accumulates per-test entries from phase reports (setup, call, teardown)."""

    def __init__(self) -> None:
        self.entries: dict[str, dict] = {}
        self.collection_errors: dict[str, str] = {}
        self.collected: set[str] = set()  # node ids selected to run (after -k/-m/deselection)

    def _set(self, entry: dict, outcome: str) -> None:
        if entry["outcome"] is None or _RANK[outcome] > _RANK[entry["outcome"]]:
            entry["outcome"] = outcome

    def add(self, report: pytest.TestReport) -> None:
        entry = self.entries.setdefault(report.nodeid, _new_entry(report.nodeid))
        entry["duration_s"] += float(getattr(report, "duration", 0.0) or 0.0)
        info = None
        for key, value in getattr(report, "user_properties", ()) or ():
            if key == DEVIATIONS_KEY and isinstance(value, dict):
                for kind in ("seen", "gone"):
                    merged = set(entry["deviations"][kind]) | set(value.get(kind, ()))
                    entry["deviations"][kind] = sorted(merged)
            elif key == FAILURE_KEY and isinstance(value, dict):
                info = value
        if report.failed:
            if info is None:  # a failure our makereport hook did not see (another plugin's)
                info = {"outcome": "new-failure", "exception": "unknown", "phase": report.when,
                        "message": failures.first_lines(getattr(report, "longreprtext", "") or ""),
                        "falsifying_example": None, "repro": None}
            outcome = info.get("outcome", "new-failure")
            if entry["failure"] is None or _RANK[outcome] > _RANK[entry["outcome"] or "conforms"]:
                entry["failure"] = {k: v for k, v in info.items() if k != "outcome"}
            self._set(entry, outcome)
        elif report.skipped:
            entry["skip_reason"] = _skip_reason(report)
            self._set(entry, "skipped")
        elif report.when == "call":
            self._set(entry, "known-deviation" if entry["deviations"]["seen"] else "conforms")

    def add_collect(self, report: pytest.CollectReport) -> None:
        if report.failed:
            text = getattr(report, "longreprtext", "") or str(report.longrepr)
            # An import error's cause is at the end of the traceback: keep the last lines.
            tail = "\n".join(text.strip("\n").splitlines()[-failures.MESSAGE_LINES:])
            self.collection_errors.setdefault(report.nodeid, tail[-failures.MESSAGE_CHARS:])

    def complete(self, exitstatus: int | None) -> bool:
        """The run completed: something was collected, every collected test reached a
        verdict (a call, or a skip), nothing failed to import, pytest ended normally (tests
        passed or failed; not interrupted, not an internal or usage error)."""
        ran = {nodeid for nodeid, entry in self.entries.items() if entry["outcome"] is not None}
        return (exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not self.collection_errors
                and bool(self.collected) and self.collected <= ran)

    def properties(self) -> list[dict]:
        out = []
        for nodeid in sorted(self.entries):
            entry = dict(self.entries[nodeid])
            if entry["outcome"] is None:  # setup passed but no call report: interrupted
                entry["outcome"] = "skipped"
                entry["skip_reason"] = "not run (session interrupted)"
            entry["duration_s"] = round(entry["duration_s"], 4)
            out.append(entry)
        return out


# --- hooks ---------------------------------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("bridgecheck_census") and not config.getoption("bridgecheck_report"):
        raise pytest.UsageError("--bridgecheck-census needs --bridgecheck-report PATH to write to")
    target = config.getoption("bridgecheck_report")
    if target and not _is_worker(config):
        try:  # a folder, or a path below a file: say so now, not in a traceback at the end
            check_file(Path(config.invocation_params.dir, target), "--bridgecheck-report")
        except UsageProblem as exc:
            raise pytest.UsageError(str(exc)) from None
    # Report hooks get no config argument: an object per config holds the collected state,
    # so in-process pytest runs (pytester) never mix their results.
    config.pluginmanager.register(Reporter(config), "bridgecheck-report-collector")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        info = failures.describe(call.excinfo.value, call.when)
        # A new list: report.user_properties is the item's own list, shared by later phases.
        report.user_properties = [*report.user_properties, (FAILURE_KEY, info)]


class Reporter:
    """Collects on the controller (or the only process) and writes the report at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.collector = Collector()
        self.started = time.time()
        self.written: tuple[Path, dict] | None = None
        self.census_job: Job | None = None
        self.census_error: str | None = None
        self.worker_environment: dict | None = None
        self.kept: Path | None = None
        self.interrupted = False

    def pytest_keyboard_interrupt(self, excinfo) -> None:
        self.interrupted = True

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # The census runs in its own fresh interpreter, concurrently with the suite.
        if self.config.getoption("bridgecheck_census") and not _is_worker(self.config):
            from bridgecheck.census import sweep

            try:
                self.census_job = sweep.start(select=self.config.getoption("bridgecheck_census_select"))
            except Exception as exc:  # noqa: BLE001 - the conformance results must still be written
                self.census_error = f"{type(exc).__name__}: {exc}"

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.collector.add(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self.collector.add_collect(report)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collector.collected.update(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)  # an xdist hook: what a worker collected
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        self.collector.collected.update(ids)

    @pytest.hookimpl(optionalhook=True)  # an xdist hook: absent without pytest-xdist
    def pytest_testnodedown(self, node, error) -> None:
        described = getattr(node, "workeroutput", {}).get(ENVIRONMENT_KEY)
        if described is not None and self.worker_environment is None:
            self.worker_environment = json.loads(described)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        config = self.config
        target = config.getoption("bridgecheck_report")
        if not target:
            return
        if _is_worker(config):
            # Workers share the controller's interpreter, packages and machine. As JSON text:
            # execnet refuses types such as torch's TorchVersion, and a worker that fails here
            # is restarted by xdist over and over.
            described = environment.collect(config.getoption("hypothesis_seed", None))
            config.workeroutput[ENVIRONMENT_KEY] = json.dumps(  # type: ignore[attr-defined]  # xdist sets it on workers
                described, default=str)
            return
        path = Path(config.invocation_params.dir, target)
        if self.interrupted or (path.exists() and not self.collector.complete(exitstatus)):
            # An incomplete run never replaces a report: the earlier one stays whole. An
            # interrupted one writes nothing at all (and imports nothing: an interrupt may
            # have broken an import half-way, and torch imported again then can crash).
            self.kept = path
            return
        data = build_report(config, self.collector, self.started, exitstatus, self.worker_environment)
        if self.census_job is not None:
            try:
                data["census"] = self.census_job.result()
            except Exception as exc:  # noqa: BLE001 - the conformance results must still be written
                self.census_error = f"{type(exc).__name__}: {exc}"
        if self.census_error:
            data["run"]["census_error"] = self.census_error
        write_json(path, data)
        self.written = (path, data)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.kept is not None:
            what = "left as it was" if self.kept.exists() else "not written"
            terminalreporter.write_line(f"bridgecheck report: the run did not complete; {self.kept} {what}")
        if self.written is None:
            return
        path, data = self.written
        counts = ", ".join(f"{n} {o}" for o, n in data["run"]["counts"].items() if n)
        census = data.get("census")
        extra = f"; census: {len(census['cells'])} cells" if census else ""
        if data["run"].get("census_error"):
            extra = f"; census FAILED: {data['run']['census_error']}"
        terminalreporter.write_line(f"bridgecheck report: {path} ({counts or 'no properties'}{extra})")


def build_report(config: pytest.Config, collector: Collector, started: float, exitstatus: int | None,
                 described: dict | None = None) -> dict:
    """The report; ``described`` is the environment a worker collected (None: collect here)."""
    props = collector.properties()
    counts = {o: 0 for o in OUTCOMES}
    for p in props:
        counts[p["outcome"]] += 1
    from bridgecheck import __version__

    workers = config.getoption("numprocesses", None)  # None without pytest-xdist
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bridgecheck", "version": __version__},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "environment": described or environment.collect(config.getoption("hypothesis_seed", None)),
        "run": {
            "args": [str(a) for a in config.invocation_params.args],
            "exit_status": None if exitstatus is None else int(exitstatus),
            "duration_s": round(time.time() - started, 2),
            "workers": workers if isinstance(workers, (int, type(None))) else str(workers),
            "counts": counts,
        },
        "properties": props,
        "collection_errors": [{"id": k, "message": v} for k, v in sorted(collector.collection_errors.items())],
        "census": None,
        "complete": collector.complete(exitstatus),
    }


def write_json(path: Path, data: dict) -> None:
    """Write atomically: a reader (or a crash mid-write) never sees half a report."""
    write_atomic(path, json.dumps(data, indent=1, sort_keys=False) + "\n")
