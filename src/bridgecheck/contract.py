"""Assertions for properties: one place that observes calls, consults the known deviations and
words failures.

A property describes its call once (``Call``), runs the bridge function through ``observe``
(the only try/except the suite needs) and states the contract with ``expect``. ``expect``
looks up ``deviations.toml`` for the running property, so a known deviation is asserted as
precisely as the contract it replaces, and every failure message names the function, the
input's description, what was expected, what happened, and a runnable reproduction.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from bridgecheck import deviations
from bridgecheck.cases import Case

#: Name of the property (test function) running now; the pytest plugin sets it per test.
_property: ContextVar[str | None] = ContextVar("bridgecheck_property", default=None)
#: Deviation events of the running property: ("seen", id) or ("gone", id).
_events: ContextVar[list | None] = ContextVar("bridgecheck_events", default=None)


class BridgeViolation(AssertionError):
    """A property's contract (or a known deviation in its place) was not met."""


class DeviationGone(BridgeViolation):
    """A known deviation in range no longer shows: the contract now holds. Update the file."""


class CrashViolation(BridgeViolation):
    """The call killed its (isolated) process where no known deviation says it does."""


@contextlib.contextmanager
def property_scope(name: str) -> Iterator[list]:
    """Run code as property ``name``; yields the list deviation events are appended to."""
    events: list = []
    tokens = (_property.set(name), _events.set(events))
    try:
        yield events
    finally:
        _property.reset(tokens[0])
        _events.reset(tokens[1])


def record_events(events: list) -> None:
    """Add deviation events to the running property's (used when one property runs another)."""
    mine = _events.get()
    if mine is not None:
        mine.extend(events)


@dataclass
class Observed:
    """What a call did: its ``value`` or ``exc``, and the warnings it emitted."""

    value: Any = None
    exc: BaseException | None = None
    warnings: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``"returned"`` or the raised exception's type name."""
        return "returned" if self.exc is None else type(self.exc).__name__

    @property
    def message(self) -> str:
        return "" if self.exc is None else str(self.exc)

    def warned(self, category: type[Warning] = Warning, match: str = "") -> bool:
        return any(
            issubclass(w.category, category) and match in str(w.message) for w in self.warnings
        )

    def warning_kinds(self) -> list[str]:
        return sorted({w.category.__name__ for w in self.warnings})

    def result(self) -> Any:
        """The value, re-raising what the call raised (for calls expected to succeed)."""
        if self.exc is not None:
            raise self.exc
        return self.value


def observe(fn: Callable, *args, **kwargs) -> Observed:
    """Call ``fn`` and record its value or exception and every warning it emits."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the exception is the observation
            return Observed(exc=exc, warnings=list(caught))
    return Observed(value=value, warnings=list(caught))


@dataclass
class Call:
    """One bridge call under test, as source text plus its described inputs.

    ``code`` is a Python expression over the input names (``"torch.asarray(a, copy=False)"``);
    ``options`` are facts of the call itself (``{"copy": False}``) that deviations may match.
    """

    function: str
    code: str
    inputs: dict[str, Case]
    options: dict[str, Any] = field(default_factory=dict)

    def facts(self) -> dict[str, Any]:
        facts: dict[str, Any] = {"function": self.function}
        for name, case in self.inputs.items():
            for key, value in case.facts().items():
                facts[key if len(self.inputs) == 1 else f"{name}.{key}"] = value
        facts.update(self.options)
        return facts

    def describe(self) -> str:
        return "\n".join(f"  {name} = {case.describe()}" for name, case in self.inputs.items())

    def repro(self, probe: str = "") -> str:
        """A one-line shell command that rebuilds the inputs and makes the call.

        Every ``bridgecheck.<module>`` the line mentions is imported (a probe such as
        ``bridgecheck.memory.shares_memory(a, r)`` needs its module), and the characters a
        POSIX shell expands inside double quotes are escaped.
        """
        setup = "; ".join(f"{name} = {case.expr}" for name, case in self.inputs.items())
        show = probe or "r"
        statements = f"{setup}; r = {self.code}; print({show})" if setup else f"r = {self.code}; print({show})"
        modules = sorted({"bridgecheck.build"} | {m.group(0) for m in re.finditer(r"\bbridgecheck\.\w+", statements)})
        body = f"import array, numpy as np, torch, {', '.join(modules)}; {statements}"
        for char in ("\\", '"', "$", "`"):
            body = body.replace(char, "\\" + char)
        return 'python -c "' + body + '"'

    def failure(self, headline: str, detail: str = "", probe: str = "") -> str:
        lines = [f"{self.code}: {headline}", self.describe()]
        if detail:
            lines.append(f"  detail: {detail}")
        lines.append(f"  repro: {self.repro(probe)}")
        return "\n".join(lines)


def _same(got: Any, want: Any) -> bool:
    # bool is an int in Python; keep True and 1 apart so a dtype slip cannot pass as a flag.
    return got == want and isinstance(got, bool) == isinstance(want, bool)


def expect(
    call: Call,
    aspect: str,
    got: Any,
    expected: Any,
    *,
    detail: str = "",
    probe: str = "",
    error: type[BridgeViolation] = BridgeViolation,
) -> None:
    """Assert that ``aspect`` of ``call`` is ``expected``, or a known deviation's value.

    Raises ``BridgeViolation`` (an AssertionError, so Hypothesis shrinks it) with a message
    naming the call, its inputs, both values and a reproduction. A known deviation in range
    whose value is no longer observed while the contract's is raises ``DeviationGone``.
    """
    __tracebackhide__ = True
    prop = _property.get()
    known = deviations.matching(prop, aspect, call.facts()) if prop else []
    events = _events.get()
    # Every entry that explains the value is seen (two ranges may both hold on one pair).
    explaining = [dev for dev in known if _same(got, dev.observed)]
    if explaining:
        if events is not None:
            events.extend(("seen", dev.id) for dev in explaining)
        return
    if known:
        dev = known[0]
        if _same(got, expected) and not dev.strict:
            return  # the entry holds for some matching inputs only; its witness pins one
        if _same(got, expected):
            if events is not None:
                events.append(("gone", dev.id))
            raise DeviationGone(
                call.failure(
                    f"known deviation {dev.id!r} no longer holds: {aspect} is {got!r} as the "
                    f"contract says, not {dev.observed!r}; narrow its version range in deviations.toml",
                    detail,
                    probe,
                )
            )
        raise error(
            call.failure(
                f"{aspect} is {got!r}, expected {dev.observed!r} (known deviation {dev.id}) "
                f"or {expected!r} (contract)",
                detail,
                probe,
            )
        )
    if not _same(got, expected):
        raise error(call.failure(f"{aspect} is {got!r}, expected {expected!r}", detail, probe))


def expect_returned(call: Call, observed: Observed) -> bool:
    """The call returned (aspect ``raises`` is ``"returned"``). True when there is a result to
    check further; False when a known deviation says it raises (nothing more to check)."""
    __tracebackhide__ = True
    expect(call, "raises", observed.kind, "returned", detail=observed.message[:300])
    return observed.exc is None


def expect_refused(call: Call, observed: Observed, match: str = "") -> None:
    """The call raised *some* exception (aspect ``refused``), with ``match`` in its message:
    for refusals whose exception type no documentation pins down. A crash or a silent
    success fails."""
    __tracebackhide__ = True
    expect(call, "refused", observed.exc is not None, True, detail=f"returned {type(observed.value).__name__}")
    if match and match not in observed.message:
        raise BridgeViolation(call.failure(f"message {observed.message[:300]!r} lacks {match!r}"))


def expect_raises(call: Call, observed: Observed, exc_type: type[BaseException], match: str = "") -> None:
    """The call raised ``exc_type`` (aspect ``raises``) with ``match`` in its message."""
    __tracebackhide__ = True
    expect(call, "raises", observed.kind, exc_type.__name__, detail=observed.message[:300])
    if observed.exc is not None and isinstance(observed.exc, exc_type) and match not in observed.message:
        raise BridgeViolation(
            call.failure(f"message {observed.message[:300]!r} lacks {match!r}")
        )


# --- crash isolation ---------------------------------------------------------------------

_VIOLATIONS = {cls.__name__: cls for cls in (BridgeViolation, DeviationGone, CrashViolation)}


def guarded(call: Call, body: Callable[[], None]) -> None:
    """Run ``body`` (the part of a property that touches the bridge) safely.

    Inputs that may kill the process (``isolation.is_hazardous``) run in a forked child: a
    crash becomes aspect ``"crash"`` of the call, asserted like any other (a known deviation
    may expect ``"crash:SIGSEGV"``; otherwise it is a ``CrashViolation`` naming the signal),
    and violations and deviation events raised in the child come back to this process.
    Other inputs run in-process, at no cost.
    """
    from bridgecheck import isolation

    prop = _property.get()
    if not isolation.is_hazardous(prop, call.facts()):
        body()
        return

    def child() -> list:
        with property_scope(prop or "") as events:
            body()
        return events

    outcome = isolation.run_isolated(child)
    if outcome.crashed:
        expect(call, "crash", outcome.kind, "none", detail=outcome.stderr_tail[-300:], error=CrashViolation)
        return
    expect(call, "crash", "none", "none")
    if outcome.exc_type is not None:  # it raised
        cls = _VIOLATIONS.get(outcome.exc_type)
        if cls is None:
            raise RuntimeError(f"{outcome.exc_type} in isolated property body: {outcome.exc_message}")
        raise cls(outcome.exc_message)
    record_events(outcome.value)
