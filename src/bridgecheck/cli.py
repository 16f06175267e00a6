"""The ``bridgecheck`` command line.

Each subcommand lives in ``bridgecheck.commands.<name>`` with ``add_arguments(parser)`` and
``main(args) -> int`` and is imported only when used, so ``--help`` is instant and a missing
torch or numpy is reported by the commands that need them, as one line.

The rules every subcommand follows (README "Commands", docs/report-schema.md):

- exit 0: done, nothing wrong; 1: done, and the result is bad (a regression, a failing
  property, a surviving mutant); 2: bad input or a run that did not complete - one line on
  stderr naming the problem and the fix, given before any work starts where it can be known
  then; 130: interrupted (one line); 141: the output pipe closed early (``| head``), quietly.
- usage errors from argparse are one line too (``_Parser.error``), not the usage block.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
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


#: Exit statuses (see the module docstring).
OK, BAD_RESULT, USAGE, INTERRUPTED, PIPE_CLOSED = 0, 1, 2, 130, 141


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line that points to ``--help``."""

    def error(self, message: str):
        self.exit(USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        raise SystemExit(USAGE)
    if extra and not getattr(args, "accepts_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    return args


def _quiet_stdout() -> None:
    """The reader of our output is gone: send what is still buffered nowhere, so that the
    interpreter's last flush at exit does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (captured): nothing to flush
        pass


def main(argv: list[str] | None = None) -> int:
    command = "bridgecheck"
    try:
        try:
            args = _parse(argv)
        except SystemExit as exc:  # --help (0), or a usage error already printed as one line
            return exc.code if isinstance(exc.code, int) else USAGE
        command = f"bridgecheck {args.command}"
        status = int(_module(args.command).main(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return status
    except UsageProblem as exc:
        sys.stdout.flush()
        print(f"{command}: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt as exc:
        print(f"{command}: interrupted" + (f"; {exc}" if str(exc) else ""), file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return PIPE_CLOSED


def console() -> int:
    """The ``bridgecheck`` program: ``main``, then no interrupt during the interpreter's exit
    (torch's exit handlers would print a KeyboardInterrupt traceback after the work is done)."""
    status = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return status
