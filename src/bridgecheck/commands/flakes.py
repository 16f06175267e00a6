"""``bridgecheck flakes``: the conformance suite many times in a row, each with a new seed.

Each run gets a random ``--hypothesis-seed`` (printed, so a failing run can be replayed
exactly) and a fresh, empty example database: nothing is replayed from earlier runs, so every
run explores new examples. Any failure is reported with its seed, message and reproduction: a
property that fails on some seeds and passes on others is either a real bridge bug found by
chance (fix the example into a witness) or a flaky property (fix its cause).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict

from bridgecheck.commands import checks
from bridgecheck.environment import require_bridge


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=checks.at_least(1), default=20, help="how many runs (default: 20)")
    parser.add_argument("--profile", default="dev", type=checks.profile, help="Hypothesis profile (default: dev)")
    parser.add_argument("-n", "--workers", type=checks.workers(0), default=2,
                        help="xdist workers per run (default: 2; 0: serial)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the seeds (default: random)")


def main(args: argparse.Namespace) -> int:
    """Exit 1 when any run failed, else 0."""
    require_bridge()
    from bridgecheck.measure import run_suite

    rng = random.Random(args.seed)
    failures: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    broken = 0
    print(f"bridgecheck flakes: {args.runs} runs, profile {args.profile}, -n {args.workers}, "
          "random --hypothesis-seed, fresh example database each", flush=True)
    for i in range(1, args.runs + 1):
        seed = rng.randrange(2**32)
        run = run_suite(args.profile, args.workers, extra=[f"--hypothesis-seed={seed}"])
        bad = run.failures()
        for p in bad:
            failures[p["id"]].append((seed, p.get("failure") or {}))
        counts = run.report.get("run", {}).get("counts", {})
        summary = ", ".join(f"{n} {o}" for o, n in counts.items() if n) or f"no report (exit {run.exit_status})"
        incomplete = not run.properties or run.report.get("complete") is False
        if incomplete:
            broken += 1
        print(f"run {i:>3}/{args.runs} seed {seed:>10}: {run.wall_s:6.1f}s  {summary}  "
              f"(load {run.load_before:.1f}/{run.load_after:.1f})", flush=True)
        if incomplete:
            print("    " + run.output_tail[-800:].replace("\n", "\n    "))
    print()
    if not failures and not broken:
        print(f"no failures in {args.runs} runs")
        return 0
    for nodeid, seen in sorted(failures.items()):
        print(f"FAILED in {len(seen)}/{args.runs} runs: {nodeid}")
        for seed, failure in seen[:3]:
            message = failure.get("message")
            print(f"  seed {seed}: {message.splitlines()[0][:200] if message else ''}")
            if failure.get("falsifying_example"):
                print(f"    example: {failure['falsifying_example'][:300]}")
            if failure.get("repro"):
                print(f"    repro: {failure['repro'][:300]}")
        print(f"  replay: BRIDGECHECK_PROFILE={args.profile} python -m pytest '{nodeid}' "
              f"--hypothesis-seed={seen[0][0]}")
    if broken:
        print(f"{broken} run(s) did not complete (no report, or an incomplete one)")
    return 1
