"""``bridgecheck mutants``: how many planted bridge faults the conformance suite catches."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from bridgecheck import outputs
from bridgecheck.commands import checks
from bridgecheck.environment import require_bridge
from bridgecheck.errors import UsageProblem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="mutants to run (shell patterns such as 'numpy-*'; default: all)")
    parser.add_argument("-j", "--jobs", type=checks.workers(1), default=2, help="mutants run in parallel (default: 2)")
    parser.add_argument("--profile", default="ci", type=checks.profile, help="Hypothesis profile (default: ci)")
    parser.add_argument("--fresh", action="store_true",
                        help="a new interpreter per mutant instead of forking a prewarmed one (slower)")
    parser.add_argument("--timeout", type=checks.seconds, default=900.0, help="seconds a mutant's run may take")
    parser.add_argument("--logs", type=Path, metavar="DIR", help="keep each run's pytest output in DIR")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write the results as a Markdown table")
    parser.add_argument("--list", action="store_true", help="list the catalogue and exit")


def main(args: argparse.Namespace) -> int:
    """Exit 0 when every applicable mutant was killed; 1 when one survived or a run broke."""
    if args.markdown is not None:
        outputs.check_file(args.markdown, "--markdown")
    if args.logs is not None:
        outputs.check_folder(args.logs, "--logs")
    require_bridge()
    from bridgecheck.mutants import runner
    from bridgecheck.mutants.runner import ERROR, SURVIVED

    try:
        mutants = runner.select(args.names)
    except LookupError as exc:
        raise UsageProblem(f"no mutant matches {exc.args[0]!r} (bridgecheck mutants --list)") from None
    if args.list:
        for m in mutants:
            print(f"{m.name:<44} {m.target:<32} {m.description}")
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    mode = "fresh interpreters" if args.fresh else "prewarmed forks"
    print(f"bridgecheck mutants: {len(mutants)} mutants, profile {args.profile}, -j {args.jobs}, {mode}; "
          f"load average {load:.1f} on {os.cpu_count()} CPUs", flush=True)
    start = time.monotonic()
    results = runner.run(mutants, jobs=args.jobs, profile=args.profile, fresh=args.fresh,
                         timeout=args.timeout, keep_logs=args.logs,
                         progress=lambda r: print(r.line(), flush=True))
    print()
    print(runner.summary(results))
    print(f"wall time {time.monotonic() - start:.1f}s; load average now {os.getloadavg()[0]:.1f}")
    if args.markdown is not None:
        outputs.save(args.markdown, runner.markdown(results), "--markdown")
        print(f"wrote {args.markdown}")
    return 1 if any(r.verdict in (SURVIVED, ERROR) for r in results) else 0
