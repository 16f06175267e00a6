"""``bridgecheck run``: the conformance suite through pytest, a report, and a summary.

Runs pytest (its progress display) on the properties with the report plugin and the census,
writes the report, then prints the summary table. Its exit status is pytest's. In a clone the
properties are its ``conformance/`` folder, run from the clone with its pytest configuration
(default report ``reports/local/<torch>-<numpy>.json`` there); from an installed wheel they are
``bridgecheck.conformance``, run from the current folder with no pytest configuration of the
folders around it (default report ``./reports/local/<torch>-<numpy>.json``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bridgecheck.environment import conformance_dir, in_clone, require_bridge
from bridgecheck.errors import UsageProblem
from bridgecheck.pytest_plugin import REQUIRE_CUDA_ENV, cuda_available


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--workers", default="auto", help="pytest-xdist workers (default: auto)")
    parser.add_argument("--require-cuda", action="store_true", help="GPU mode: fail unless CUDA is present")
    parser.add_argument("--profile", default=None, help="Hypothesis profile: dev (default), ci, thorough")
    parser.add_argument("-o", "--output", default=None, metavar="REPORT",
                        help="report path (default: reports/local/<torch>-<numpy>.json in the clone, or in the current folder)")
    parser.add_argument("--no-census", action="store_true", help="skip the behaviour census")
    parser.set_defaults(accepts_extra=True)


def default_report_path(root: Path) -> Path:
    import numpy
    import torch

    return root / "reports" / "local" / f"{torch.__version__}-{numpy.__version__}.json"


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
    require_bridge()
    gpu_mode(args.require_cuda)  # the pytest plugin refuses too, for direct pytest runs
    folder = conformance_dir()
    clone = in_clone(folder)
    root = folder.parent if clone else Path.cwd()
    report = Path(args.output).resolve() if args.output else default_report_path(root)
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
    cmd = [sys.executable, "-m", "pytest", *config, str(folder), "-n", str(args.workers),
           "--bridgecheck-report", str(report), *([] if args.no_census else ["--bridgecheck-census"]),
           *args.extra]
    before = report.stat().st_mtime_ns if report.exists() else None
    status = subprocess.call(cmd, cwd=root, env=env)
    if not report.exists() or report.stat().st_mtime_ns == before:
        # pytest stopped before writing (usage error, --require-cuda without CUDA): it said why.
        print(f"bridgecheck run: no report written (pytest exit status {status})", file=sys.stderr)
        return status
    from bridgecheck.report import schema, summary

    try:
        data = schema.load(report)
    except UsageProblem as exc:  # a stale file from an older run is not this run's report
        print(f"bridgecheck run: {exc}", file=sys.stderr)
        return status or 2
    print()
    print(summary.render(data, str(report)))
    return status
