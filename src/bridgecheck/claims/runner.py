"""Evaluating claims: CUDA gating, crash isolation, and turning surprises into ``error``.

A check that raises, crashes, times out or returns something other than a ``Finding`` is
never counted as a verdict about the bridge: it becomes ``error`` with what happened, so a
broken check cannot pass silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridgecheck.claims.model import ERROR, NO_CUDA, Claim, Finding
from bridgecheck.claims.probes import describe_exception
from bridgecheck.isolation import run_isolated

#: Seconds an isolated check may run before it is killed and reported as ``error``.
ISOLATED_TIMEOUT = 120.0


@dataclass(frozen=True)
class Entry:
    """One line of the ledger: a claim and what its check found."""

    claim: Claim
    finding: Finding


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def evaluate(claim: Claim) -> Finding:
    """Run ``claim``'s check and return its finding (never raises for a failing check)."""
    if claim.needs_cuda and not cuda_available():
        return Finding(NO_CUDA, "torch.cuda.is_available() is False on this machine")
    if claim.isolate:
        return _evaluate_isolated(claim)
    try:
        result = claim.check()
    except Exception as exc:  # noqa: BLE001 - a broken check is reported, not raised
        return Finding(ERROR, f"check raised {describe_exception(exc)}")
    return _validated(result)


def _evaluate_isolated(claim: Claim) -> Finding:
    outcome = run_isolated(claim.check, timeout=ISOLATED_TIMEOUT)
    if outcome.crashed:
        tail = outcome.stderr_tail.strip().splitlines()[-1:] or [""]
        return Finding(ERROR, f"check crashed the child process ({outcome.signal}) {tail[0][:80]}".rstrip())
    if outcome.raised:
        text = outcome.exc_message.strip().splitlines()[0][:70] if outcome.exc_message.strip() else ""
        return Finding(ERROR, f"check raised {outcome.exc_type}: {text}".rstrip(": "))
    return _validated(outcome.value)


def _validated(result: object) -> Finding:
    if not isinstance(result, Finding):
        return Finding(ERROR, f"check returned {type(result).__name__}, not a Finding")
    return result


def run(claims: list[Claim]) -> list[Entry]:
    """The ledger for ``claims``, in order."""
    return [Entry(claim, evaluate(claim)) for claim in claims]
