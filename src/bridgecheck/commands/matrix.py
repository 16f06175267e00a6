"""``bridgecheck matrix REPORT... -o matrix.html``: one self-contained page comparing runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgecheck import matrix, outputs
from bridgecheck.commands import checks
from bridgecheck.report import schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reports", nargs="+", metavar="REPORT", help="report files, one column each")
    parser.add_argument("-o", "--output", default="matrix.html", help="HTML file to write (default: matrix.html)")


def main(args: argparse.Namespace) -> int:
    """Refuses (exit 2) before reading anything: a report given twice, an output path that
    is one of the reports or cannot be written; then any report that is damaged or whose run
    did not complete."""
    out = Path(args.output)
    checks.distinct(args.reports, "report")
    checks.not_an_input(out, args.reports, "-o")
    outputs.check_file(out, "-o")
    loaded = [(name, schema.load_complete(name)) for name in args.reports]
    page = matrix.render(loaded)
    outputs.save(out, page, "-o")
    print(f"bridgecheck matrix: wrote {out} ({len(loaded)} environment(s))")
    return 0
