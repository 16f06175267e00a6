"""The ledger's record types: a ``Claim`` and the ``Finding`` its check returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HOLDS = "holds"
DOES_NOT_HOLD = "does not hold"
CONDITIONAL = "holds only under conditions"
NO_CUDA = "not checked: no CUDA"
ERROR = "error"

#: Every verdict a finding may carry. ``NO_CUDA`` is never a pass: the claim is unchecked.
VERDICTS = (HOLDS, DOES_NOT_HOLD, CONDITIONAL, NO_CUDA, ERROR)


@dataclass(frozen=True)
class Finding:
    """A verdict and the one line of observed evidence it was derived from."""

    verdict: str
    evidence: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; expected one of {VERDICTS}")
        # One line, always: the terminal table and the Markdown table both rely on it.
        object.__setattr__(self, "evidence", " ".join(str(self.evidence).split()))
        # A conditional verdict is useless without its conditions: they come first.
        if self.verdict == CONDITIONAL and not self.evidence.startswith("only "):
            raise ValueError("a conditional finding must start with its conditions ('only ...')")

    @classmethod
    def decide(cls, holds: bool, evidence: str) -> Finding:
        """``holds`` or ``does not hold`` from an observed boolean."""
        return cls(HOLDS if holds else DOES_NOT_HOLD, evidence)

    @classmethod
    def conditional(cls, conditions: str, evidence: str) -> Finding:
        """``holds only under conditions``: ``only <conditions>; <evidence>``."""
        return cls(CONDITIONAL, f"only {conditions}; {evidence}")


@dataclass(frozen=True)
class Claim:
    """One paraphrased tutorial claim and the check that tests it.

    ``isolate``: run the check in a forked child (``bridgecheck.isolation``) because it
    touches process-wide state or memory in ways that could outlive or kill the run.
    ``needs_cuda``: the runner answers ``not checked: no CUDA`` without calling the check
    when no CUDA device is present; the check itself may then assume one.
    """

    id: str
    topic: str
    statement: str
    check: Callable[[], Finding]
    isolate: bool = False
    needs_cuda: bool = False
