"""Probes that need a process no test has touched yet.

Some torch state lives for the whole process and no test can reset it: the warning about a
read-only NumPy array is a warn-once (``TORCH_WARN_ONCE``) whose flag every ndarray path shares,
so after the first conversion of a read-only array anywhere in a run no conversion warns again.
A property about that warning needs a process where no conversion has happened yet.

A new interpreter is such a process, but it imports torch again (about 1.5 s, and once per
pytest-xdist worker). A fork of the test process taken before its first test is just as
untouched, with torch already imported, for milliseconds. So a conformance module registers
its probe at import (collection), the pytest plugin calls ``run_registered()`` once before the
first test, and the test reads ``probe.result()``:

    FIRST_WARNINGS = pristine.probe("read-only warnings", warnings_of_every_row)
    ...
    outcome = FIRST_WARNINGS.result()

Nothing a probe needs may touch the state it observes during collection (module level), or
it sees a touched process; the properties built on it then fail loudly (no warning seen),
they do not pass silently. A probe runs in a child process: what it returns must pickle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from bridgecheck.isolation import Outcome, run_isolated


class ProbeNotRun(RuntimeError):
    """A probe's result was asked for, but the probes never ran in this process."""


@dataclass
class Probe:
    name: str
    fn: Callable[[], Any]
    outcome: Outcome | None = field(default=None, repr=False)

    def result(self) -> Any:
        """What the probe returned in the untouched process; raises what it raised there."""
        if self.outcome is None:
            raise ProbeNotRun(
                f"pristine probe {self.name!r} has not run: the bridgecheck pytest plugin runs "
                "registered probes before the first test (is it loaded?)"
            )
        if self.outcome.crashed:
            raise RuntimeError(f"pristine probe {self.name!r} crashed ({self.outcome.kind})\n"
                               f"{self.outcome.stderr_tail}")
        if self.outcome.raised:
            raise RuntimeError(f"pristine probe {self.name!r} raised {self.outcome.exc_type}: "
                               f"{self.outcome.exc_message}")
        return self.outcome.value


_REGISTRY: dict[str, Probe] = {}


def probe(name: str, fn: Callable[[], Any]) -> Probe:
    """Register ``fn`` to run in a fork of this process taken before its first test.

    Registering the same name again (a module imported twice under pytest's rewriting, say)
    returns the first registration, so results are never computed twice.
    """
    if not callable(fn):
        raise TypeError(f"probe {name!r}: fn must be callable, got {type(fn).__name__}")
    return _REGISTRY.setdefault(name, Probe(name, fn))


def run_registered(*, timeout: float = 120.0) -> None:
    """Run every probe not run yet, each in a child forked now from this process (which only
    forks, so it stays untouched for the next). Call this before anything touches the state
    the probes observe."""
    for p in _REGISTRY.values():
        if p.outcome is None:
            p.outcome = run_isolated(p.fn, timeout=timeout)
