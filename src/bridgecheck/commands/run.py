"""``bridgecheck run``: the conformance suite, through pytest."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from bridgecheck.environment import conformance_dir, require_bridge
from bridgecheck.pytest_plugin import REQUIRE_CUDA_ENV


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--workers", default="auto", help="pytest-xdist workers (default: auto)")
    parser.add_argument("--require-cuda", action="store_true", help="GPU mode: fail unless CUDA is present")
    parser.add_argument("--profile", default=None, help="Hypothesis profile: dev (default), ci, thorough")
    parser.set_defaults(accepts_extra=True)


def main(args: argparse.Namespace) -> int:
    require_bridge()
    folder = conformance_dir()
    env = dict(os.environ)
    if args.require_cuda:
        env[REQUIRE_CUDA_ENV] = "1"
    if args.profile:
        env["BRIDGECHECK_PROFILE"] = args.profile
    cmd = [sys.executable, "-m", "pytest", str(folder), "-n", str(args.workers), *args.extra]
    return subprocess.call(cmd, cwd=folder.parent, env=env)
