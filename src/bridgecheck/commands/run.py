"""``bridgecheck run``: the conformance suite through pytest, a report, and a summary.

Runs pytest (its progress display) on the properties with the report plugin and the census,
writes the report, then prints the summary table. In a clone the properties are its
``conformance/`` folder, run from the clone with its pytest configuration (default report
``reports/local/<torch>-<numpy>.json`` there); from an installed wheel they are
``bridgecheck.conformance``, run from the current folder with no pytest configuration of the
folders around it (default report ``./reports/local/<torch>-<numpy>.json``).

Exit status: 0 when the run completed and every property conforms or matches a known
deviation; 1 when it completed with failures; 2 on bad input or when the run did not complete
(a collection error, nothing selected, a pytest usage error: the report plugin then leaves an
existing report as it was); 130 when interrupted. pytest runs in its own process group: an
interrupt reaches it once, through this process, so it can stop cleanly and keep the report.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from bridgecheck import outputs
from bridgecheck.commands import checks
from bridgecheck.environment import conformance_dir, in_clone, require_bridge
from bridgecheck.errors import UsageProblem
from bridgecheck.pytest_plugin import REQUIRE_CUDA_ENV, cuda_available


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--workers", default="auto", type=checks.workers(0, auto=True),
                        help="pytest-xdist workers (default: auto; 0: serial)")
    parser.add_argument("--require-cuda", action="store_true", help="GPU mode: fail unless CUDA is present")
    parser.add_argument("--profile", default=None, type=checks.profile,
                        help="Hypothesis profile: dev (default), ci, thorough")
    parser.add_argument("-o", "--output", default=None, metavar="REPORT",
                        help="report path (default: reports/local/<torch>-<numpy>.json in the clone, "
                              "or in the current folder)")
    parser.add_argument("--no-census", action="store_true", help="skip the behaviour census")
    parser.set_defaults(accepts_extra=True)


# pytest, as ``python -m pytest`` runs it, except that an interrupt before its session starts
# (while it imports and configures) ends it quietly instead of with a traceback, and that it
# takes interrupts even where it was started with SIGINT ignored (as by ``cmd &`` in a script).
# An interrupted @given test makes Hypothesis describe its strategies, which warns about the
# length of the description, outside any test: noise about the test inputs, never the bridge.
_PYTEST = """\
import signal, sys, warnings
signal.signal(signal.SIGINT, signal.default_int_handler)
warnings.filterwarnings("ignore", "Generating overly large repr")
try:
    import pytest
    code = pytest.main(sys.argv[1:])
except KeyboardInterrupt:
    code = 2
sys.exit(int(code))
"""


def default_report_path(root: Path) -> Path:
    import numpy
    import torch

    return root / "reports" / "local" / f"{torch.__version__}-{numpy.__version__}.json"


def _identity(path: Path) -> tuple | None:
    """What changes when the file is replaced (a rename gives a new inode)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def launch(cmd: list[str], cwd: Path, env: dict) -> tuple[int, bool]:
    """Run pytest; return its exit status and whether we were interrupted.

    pytest gets its own process group: a Ctrl-C reaches only this process, which passes one
    SIGINT on to the whole group (pytest, its xdist workers, the census) and waits for pytest
    to finish cleanly; a second Ctrl-C kills the group. When stdout is not a terminal, pytest's
    output is relayed through this process, so a reader that goes away (``| head``) stops
    the run quietly instead of breaking pytest mid-write.
    """
    relay = not sys.stdout.isatty()
    sys.stdout.flush()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True,
                            stdout=subprocess.PIPE if relay else None)
    interrupts = []

    def interrupt(signum, frame):
        interrupts.append(signum)
        _signal_group(proc.pid, signal.SIGINT if len(interrupts) == 1 else signal.SIGKILL)

    previous = signal.signal(signal.SIGINT, interrupt)
    closed = False
    try:
        if relay:
            assert proc.stdout is not None  # stdout=PIPE when relaying
            out = sys.stdout.buffer
            while chunk := os.read(proc.stdout.fileno(), 65536):
                if closed:
                    continue
                try:
                    out.write(chunk)
                    out.flush()
                except BrokenPipeError:  # the reader left: stop the run, keep draining
                    closed = True
                    _signal_group(proc.pid, signal.SIGINT)
            proc.stdout.close()
        status = proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
        _signal_group(proc.pid, signal.SIGKILL)  # nothing of the run outlives it
    if closed:
        raise BrokenPipeError
    return status, bool(interrupts)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def gpu_mode(requested: bool) -> bool:
    """Whether GPU mode is on (``--require-cuda`` or the environment); without CUDA, refuse.

    Shared by the commands that offer ``--require-cuda``: the refusal comes in one line before
    any work starts, because a GPU runner must never go green by skipping CUDA work.
    """
    on = requested or os.environ.get(REQUIRE_CUDA_ENV, "").strip().lower() in ("1", "true", "yes", "on")
    if on and not cuda_available():
        raise UsageProblem(
            "GPU mode (--require-cuda) but torch.cuda.is_available() is False: "
            "no CUDA device, or a CPU-only torch build"
        )
    return on


def main(args: argparse.Namespace) -> int:
    if args.profile is None:
        checks.environment_profile()
    if args.output is not None:
        outputs.check_file(args.output, "-o")
    require_bridge()
    gpu_mode(args.require_cuda)  # the pytest plugin refuses too, for direct pytest runs
    folder = conformance_dir()
    clone = in_clone(folder)
    root = folder.parent if clone else Path.cwd()
    report = Path(args.output).resolve() if args.output else default_report_path(root)
    if args.output is None:
        outputs.check_file(report, "default report")
    env = dict(os.environ)
    if args.require_cuda:
        env[REQUIRE_CUDA_ENV] = "1"
    if args.profile:
        env["BRIDGECHECK_PROFILE"] = args.profile
    # Outside a clone, an empty configuration (a pytest.ini or pyproject.toml of whatever
    # project the environment sits in must not change how the properties run), and the
    # package's parent as rootdir, so node ids read conformance/test_x.py::... as in a clone.
    config = [] if clone else [
        "-c", os.devnull, "--rootdir", str(folder.parent), "-p", "no:cacheprovider", "-ra"]
    cmd = [sys.executable, "-c", _PYTEST, *config, str(folder), "-n", str(args.workers),
           "--bridgecheck-report", str(report), *([] if args.no_census else ["--bridgecheck-census"]),
           *args.extra]
    before = _identity(report)
    status, interrupted = launch(cmd, root, env)
    written = _identity(report) not in (before, None)
    kept = "left as it was" if before else "not written"
    if interrupted:
        raise KeyboardInterrupt(f"report {report} {kept}" if not written else f"after the run wrote {report}")
    if not written:
        # pytest stopped before writing (usage error), or the plugin kept an earlier report.
        raise UsageProblem(f"the run did not complete (pytest exit status {status}); report {report} {kept}")
    from bridgecheck.report import schema, summary

    data = schema.load(report)
    print()
    print(summary.render(data, str(report)))
    if not data.get("complete", True):
        raise UsageProblem(f"the run did not complete ({schema.incomplete_reason(data)}); "
                           f"{report} records an incomplete run")
    return 1 if status == 1 else (0 if status == 0 else 2)
