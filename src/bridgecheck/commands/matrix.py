"""``bridgecheck matrix REPORT... -o matrix.html``: one self-contained page comparing runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgecheck import matrix
from bridgecheck.errors import UsageProblem
from bridgecheck.report import schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reports", nargs="+", metavar="REPORT", help="report files, one column each")
    parser.add_argument("-o", "--output", default="matrix.html", help="HTML file to write (default: matrix.html)")


def main(args: argparse.Namespace) -> int:
    loaded = [(name, schema.load(name)) for name in args.reports]
    page = matrix.render(loaded)
    out = Path(args.output)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"{out}: cannot write: {exc.strerror or exc}") from None
    print(f"bridgecheck matrix: wrote {out} ({len(loaded)} environment(s))")
    return 0
