"""``bridgecheck bench``: how long the conformance suite takes, serial and with pytest-xdist.

For each profile, the whole suite runs once serially and once with ``-n WORKERS``, each in a
new interpreter with a fresh example database (nothing replayed). Printed: wall time (process
start to exit, imports included), CPU seconds of the whole process tree, examples executed
and examples per second (of wall time), the xdist speed-up (fastest and median runs), the
slowest properties of the first serial run, and the load average around each run: on a shared
machine the figures mean little without it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from bridgecheck import outputs
from bridgecheck.commands import checks
from bridgecheck.environment import require_bridge


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", action="append", dest="profiles", metavar="NAME", type=checks.profile,
                        help="Hypothesis profile to time (repeatable; default: ci and dev)")
    parser.add_argument("-n", "--workers", type=checks.workers(2), default=2,
                        help="xdist workers of the parallel runs (default: 2; at least 2, to compare with serial)")
    parser.add_argument("--repeat", type=checks.at_least(1), default=1,
                        help="run each configuration N times, alternating, and compare the fastest of each "
                             "(on a shared machine the minimum is the least disturbed run)")
    parser.add_argument("--top", type=checks.at_least(0), default=10, help="how many of the slowest properties to list")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")


def main(args: argparse.Namespace) -> int:
    """Exit 1 when a run failed (its figures would not be the suite's), else 0."""
    if args.json is not None:
        outputs.check_file(args.json, "--json")
    require_bridge()
    import numpy
    import torch

    from bridgecheck.measure import run_suite, speedups

    profiles = args.profiles or ["ci", "dev"]
    print(f"bridgecheck bench: torch {torch.__version__}, numpy {numpy.__version__}, {os.cpu_count()} CPUs", flush=True)
    print(f"{'profile':<9}{'workers':>8}{'wall':>9}{'cpu':>9}{'examples':>10}{'per s':>8}{'tests':>7}  "
          f"{'outcome':<10}load before/after")
    runs, failed = [], False
    configurations = [(p, w) for _ in range(args.repeat) for p in profiles for w in (0, args.workers)]
    for profile, workers in configurations:
        run = run_suite(profile, workers)
        runs.append(run)
        rate = run.total_examples / run.wall_s if run.wall_s else 0.0
        bad = run.failures()
        outcome = "passed" if run.exit_status == 0 else f"exit {run.exit_status}"
        failed |= run.exit_status != 0
        print(f"{profile:<9}{workers or 1:>8}{run.wall_s:>8.1f}s{run.cpu_s:>8.1f}s{run.total_examples:>10}{rate:>8.0f}"
              f"{len(run.properties):>7}  {outcome:<10}{run.load_before:.1f}/{run.load_after:.1f}", flush=True)
        for p in bad[:5]:
            print(f"    {p['outcome']}: {p['id']}: {((p.get('failure') or {}).get('message') or '')[:160]}")
        if not run.properties:
            print("    no report:", run.output_tail[-500:])
    print()
    found = speedups(runs)
    for sp in found:
        repeated = len(sp.serial_s) > 1
        print(f"speed-up with -n {sp.workers} ({sp.profile}): {'fastest of each ' if repeated else ''}"
              f"{sp.fastest:.2f}x ({min(sp.serial_s):.1f}s -> {min(sp.parallel_s):.1f}s)"
              + (f", median {sp.median:.2f}x" if repeated else ""))
    first = runs[0]
    slowest = sorted(first.properties, key=lambda p: -p["duration_s"])[: args.top]
    print(f"\nslowest properties ({first.profile}, serial; seconds of setup+call+teardown, examples):")
    for p in slowest:
        print(f"  {p['duration_s']:7.2f}s {first.examples.get(p['id'], 0):5}  {p['id']}")
    if args.json is not None:
        figures = [{"profile": r.profile, "workers": r.workers or 1, "wall_s": round(r.wall_s, 2),
                    "cpu_s": round(r.cpu_s, 2), "examples": r.total_examples, "tests": len(r.properties),
                    "exit_status": r.exit_status,
                    "load_before": r.load_before, "load_after": r.load_after} for r in runs]
        slow = [{"id": p["id"], "duration_s": p["duration_s"], "examples": first.examples.get(p["id"], 0)}
                for p in slowest]
        ratios = [{"profile": sp.profile, "workers": sp.workers, "fastest": round(sp.fastest, 3),
                   "median": round(sp.median, 3)} for sp in found]
        summary = {"torch": torch.__version__, "numpy": numpy.__version__, "cpus": os.cpu_count(),
                   "runs": figures, "speedups": ratios, "slowest": slow}
        outputs.save(args.json, json.dumps(summary, indent=1), "--json")
        print(f"wrote {args.json}")
    return 1 if failed else 0
