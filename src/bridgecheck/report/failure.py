"""Classify a failed test's exception and extract what a report keeps of it.

Runs where the test ran (an xdist worker, or the only process), because only there the
exception object exists; the result is plain data attached to the test report's
``user_properties`` so it reaches the controller.
"""

from __future__ import annotations

import builtins
import re
import sys

from bridgecheck import contract

_REPRO = re.compile(r"^\s*repro:\s*(.+)$", re.MULTILINE)
#: How much of a message a report keeps: enough to recognise the failure, not a traceback.
MESSAGE_LINES = 12
MESSAGE_CHARS = 2000


#: How Hypothesis introduces the shrunk example: "Falsifying example" up to about 6.16x,
#: "Failing test case" in later releases.
EXAMPLE_PREFIXES = ("Falsifying example", "Failing test case")


if sys.version_info >= (3, 11):
    _GROUP = builtins.BaseExceptionGroup
else:  # Python 3.10: Hypothesis and pytest raise the exceptiongroup backport's
    from exceptiongroup import BaseExceptionGroup as _GROUP


def _leaves(exc: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups; Hypothesis raises one group when a
    property fails in several distinct ways."""
    if isinstance(exc, _GROUP):
        out: list[BaseException] = []
        for sub in exc.exceptions:
            out.extend(_leaves(sub))
        return out
    return [exc]


def classify(exc: BaseException) -> str:
    """``crash`` beats ``new-failure`` beats ``deviation-gone``: the worst leaf wins, so a
    known deviation that vanished never hides a genuine new failure next to it."""
    leaves = _leaves(exc)
    if any(isinstance(e, contract.CrashViolation) for e in leaves):
        return "crash"
    if all(isinstance(e, contract.DeviationGone) for e in leaves):
        return "deviation-gone"
    return "new-failure"


def first_lines(text: str) -> str:
    lines = text.strip("\n").splitlines()[:MESSAGE_LINES]
    return "\n".join(lines)[:MESSAGE_CHARS]


def _notes(exc: BaseException) -> list[str]:
    return [n for n in getattr(exc, "__notes__", ()) if isinstance(n, str)]


def describe(exc: BaseException, phase: str) -> dict:
    """The ``failure`` object of a report entry (see docs/report-schema.md)."""
    leaves = _leaves(exc)
    messages = []
    for leaf in leaves[:3]:
        text = str(leaf) or type(leaf).__name__
        messages.append(f"{type(leaf).__name__}: {first_lines(text)}")
    repros = []
    for leaf in leaves:
        for found in _REPRO.findall(str(leaf)):
            if found not in repros:
                repros.append(found.strip())
    examples = []
    # Hypothesis attaches "Falsifying example: ..." (and, with print_blob, the
    # @reproduce_failure line) as notes: to each leaf of a group, or to the lone exception.
    for holder in [exc, *leaves]:
        for note in _notes(holder):
            if (note.startswith(EXAMPLE_PREFIXES) or "reproduce_failure" in note) and note not in examples:
                examples.append(note)
    # The example first, the blob after: Hypothesis may attach them in either order (in CI,
    # print_blob is on and its note can come first).
    examples.sort(key=lambda note: not note.startswith(EXAMPLE_PREFIXES))
    return {
        "outcome": classify(exc),
        "exception": ", ".join(sorted({type(e).__name__ for e in leaves})),
        "phase": phase,
        "message": "\n".join(messages)[:MESSAGE_CHARS],
        "falsifying_example": "\n\n".join(examples) or None,
        "repro": "\n".join(repros) or None,
    }
