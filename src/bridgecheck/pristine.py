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

A probe registered too late for that (its module imported during a test, as when only
``tests/`` is collected and a witness loads a conformance module) runs on first use in a new
interpreter instead: just as untouched, only slower. That needs ``fn`` to be a module-level
function, which the new interpreter imports by name.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
            self.outcome = _in_new_interpreter(self)
        if self.outcome.crashed:
            raise RuntimeError(f"pristine probe {self.name!r} crashed ({self.outcome.kind})\n"
                               f"{self.outcome.stderr_tail}")
        if self.outcome.raised:
            raise RuntimeError(f"pristine probe {self.name!r} raised {self.outcome.exc_type}: "
                               f"{self.outcome.exc_message}")
        return self.outcome.value


_REGISTRY: dict[str, Probe] = {}

# Runs in the new interpreter: import the probe's function by name, pickle its Outcome.
_RUNNER = """
import importlib, pickle, sys
from bridgecheck.isolation import Outcome
module, name = sys.argv[1], sys.argv[2]
try:
    outcome = Outcome(value=getattr(importlib.import_module(module), name)())
except Exception as exc:
    outcome = Outcome(exc_type=type(exc).__name__, exc_message=str(exc))
sys.stdout.buffer.write(pickle.dumps(outcome))
"""


def _in_new_interpreter(p: Probe) -> Outcome:
    """Run ``p`` in a new interpreter (with this one's ``sys.path``, so the same modules and,
    under the mutant runner, the same ``sitecustomize``)."""
    module, name = getattr(p.fn, "__module__", None), getattr(p.fn, "__qualname__", "")
    if not module or not name.isidentifier():
        raise ProbeNotRun(
            f"pristine probe {p.name!r} did not run before the first test (the bridgecheck pytest "
            "plugin runs the probes registered by then), and its function is not module-level, "
            "so it cannot run in a new interpreter either"
        )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, sys.path)))
    proc = subprocess.run([sys.executable, "-c", _RUNNER, module, name], capture_output=True, env=env, timeout=300)
    if proc.returncode != 0 or not proc.stdout:
        return Outcome(signal=f"exit {proc.returncode}", stderr_tail=proc.stderr.decode(errors="replace")[-2500:])
    return pickle.loads(proc.stdout)


def probe(name: str, fn: Callable[[], Any]) -> Probe:
    """Register ``fn`` to run in a fork of this process taken before its first test.

    Registering the same name again (a module imported twice under pytest's rewriting, say)
    returns the first registration, so results are never computed twice.
    """
    if not callable(fn):
        raise TypeError(f"probe {name!r}: fn must be callable, got {type(fn).__name__}")
    return _REGISTRY.setdefault(name, Probe(name, fn))


def pending() -> bool:
    """Whether a registered probe has not run yet."""
    return any(p.outcome is None for p in _REGISTRY.values())


def run_registered(*, timeout: float = 120.0) -> None:
    """Run every probe not run yet, each in a child forked now from this process (which only
    forks, so it stays untouched for the next). Call this before anything touches the state
    the probes observe."""
    for p in _REGISTRY.values():
        if p.outcome is None:
            p.outcome = run_isolated(p.fn, timeout=timeout)
