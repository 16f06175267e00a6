"""``bridgecheck compare OLD NEW [--allow FILE]``: the upgrade gate.

Prints every behaviour that differs between two reports; exit 1 when something regressed
that the allow file does not accept, 0 otherwise, 2 on bad input: a missing or damaged
report, the same report twice, or a report whose run did not complete. The rules are in
``bridgecheck.compare``'s docstring and docs/report-schema.md.
"""

from __future__ import annotations

import argparse

from bridgecheck import compare
from bridgecheck.commands import checks
from bridgecheck.report import schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="report of the current (baseline) environment")
    parser.add_argument("new", metavar="NEW", help="report of the candidate environment")
    parser.add_argument("--allow", metavar="FILE", default=None,
                        help="TOML file of accepted regressions; " + compare.ALLOW_HELP.split("\n")[0])
    parser.epilog = compare.ALLOW_HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def main(args: argparse.Namespace) -> int:
    checks.distinct([args.old, args.new], "report")
    old = schema.load_complete(args.old)
    new = schema.load_complete(args.new)
    allows = compare.load_allow(args.allow) if args.allow else []
    changes, note, unused = compare.compare(old, new, allows)
    print(compare.render(old, new, args.old, args.new, changes, note, unused))
    return 1 if any(c.blocking for c in changes) else 0
