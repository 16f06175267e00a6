"""The ``bridgecheck`` command line.

Each subcommand lives in ``bridgecheck.commands.<name>`` with ``add_arguments(parser)`` and
``main(args) -> int`` and is imported only when used, so ``--help`` is instant and a missing
torch or numpy is reported by the commands that need them, as one line.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bridgecheck.errors import UsageProblem

#: subcommand -> one-line help. Module: bridgecheck.commands.<name>.
COMMANDS = {
    "run": "run the conformance suite against the installed torch and numpy",
    "compare": "show behaviour that differs between two reports; exit 1 on a regression",
    "matrix": "write one HTML page comparing reports across environments",
    "claims": "check common tutorial claims about the bridge on the installed versions",
    "mutants": "run the suite against planted bridge faults: kill rate, time to kill, survivors",
    "bench": "time the suite (ci and dev profiles, serial and -n 2): wall time, examples/s, slowest",
    "flakes": "run the suite many times with random seeds and fresh databases; report any failure",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bridgecheck",
        description="Property-based conformance suite for the NumPy <-> PyTorch bridge.",
    )
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        _module(name).add_arguments(sub)
    return parser


def _module(name: str):
    return importlib.import_module(f"bridgecheck.commands.{name.replace('-', '_')}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if extra and not getattr(args, "accepts_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    try:
        return int(_module(args.command).main(args) or 0)
    except UsageProblem as exc:
        print(f"bridgecheck {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bridgecheck: interrupted", file=sys.stderr)
        return 130
