"""Presenting the ledger: a plain table for the terminal and a Markdown document."""

from __future__ import annotations

import datetime
import platform
import textwrap
from collections import Counter

from bridgecheck.claims.model import VERDICTS
from bridgecheck.claims.runner import Entry
from bridgecheck.claims.topics import TOPICS


def summary(entries: list[Entry]) -> str:
    """``39 claims: 20 holds, 9 does not hold, …`` (verdicts in their fixed order)."""
    counts = Counter(e.finding.verdict for e in entries)
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts[v]]
    return f"{len(entries)} claims: " + ", ".join(parts)


def table(entries: list[Entry], width: int = 100) -> str:
    """Aligned ``VERDICT  ID`` rows, each followed by the claim and its evidence, indented.

    Claim and evidence are wrapped rather than cut: the evidence is the point of the ledger.
    """
    verdict_w = max((len(e.finding.verdict) for e in entries), default=7)
    lines = [f"{'VERDICT':<{verdict_w}}  CLAIM", f"{'-' * verdict_w}  {'-' * 5}"]
    indent = " " * (verdict_w + 2)
    for e in entries:
        lines.append(f"{e.finding.verdict:<{verdict_w}}  {e.claim.id}")
        for label, text in (("claim: ", e.claim.statement), ("evidence: ", e.finding.evidence)):
            lines += textwrap.wrap(
                text, width, initial_indent=indent + label, subsequent_indent=indent + "  "
            )
    lines += ["", summary(entries)]
    return "\n".join(lines)


def _text_cell(text: str) -> str:
    # Statements name things like requires_grad_(): escape what Markdown would read as
    # emphasis, links or HTML, and the pipe that would end the cell.
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text


def _code_cell(text: str) -> str:
    # Evidence is observed output (dunders, reprs): shown verbatim as code. A pipe still
    # ends a table cell inside a code span, so it is escaped; a backtick needs a wider fence.
    text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def markdown(
    entries: list[Entry], *, torch_version: str, numpy_version: str, today: datetime.date | None = None
) -> str:
    """The ledger as a Markdown document, stamped with the versions and the date it ran."""
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    out = [
        "# Claims ledger",
        "",
        "Common tutorial claims about the NumPy <-> PyTorch bridge, paraphrased, each checked by code",
        "that observes the installed versions (`bridgecheck claims`). Verdicts: `holds`, `does not hold`,",
        "`holds only under conditions` (the evidence states them), `not checked: no CUDA` (GPU claims",
        "on a machine without CUDA: unchecked, not passed; `--require-cuda` refuses to run there) and",
        "`error` (the check itself broke). Each evidence line names the inputs that decided the verdict.",
        "",
        f"Generated on {today.isoformat()} with torch {torch_version}, numpy {numpy_version},"
        f" Python {platform.python_version()} ({platform.system()} {platform.machine()}).",
        "",
        f"**{summary(entries)}**",
    ]
    for topic, description in TOPICS.items():
        rows = [e for e in entries if e.claim.topic == topic]
        if not rows:
            continue
        out += ["", f"## {topic}: {description}", ""]
        out += ["| id | claim | verdict | evidence |", "|---|---|---|---|"]
        for e in rows:
            out.append(
                f"| `{e.claim.id}` | {_text_cell(e.claim.statement)} | **{e.finding.verdict}**"
                f" | {_code_cell(e.finding.evidence)} |"
            )
    return "\n".join(out) + "\n"
