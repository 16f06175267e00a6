"""Crash isolation: run a piece of a property in a forked child process.

Some bridge inputs kill the interpreter on some versions (``torch.from_dlpack`` of a
negative-stride array aborts on torch 2.13; writing through a tensor made from a read-only
memmap segfaults). Properties that may meet such inputs run the risky part through
``run_isolated``: a crash becomes a value (``Outcome.crashed`` naming the signal) that the
property asserts on, and the test run goes on.

``fork`` is used because it costs milliseconds with torch already imported; the child
inherits the inputs, so nothing but the (picklable) result crosses back.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What a call did: returned ``value``, raised ``exc_type``/``exc_message``, or crashed."""

    value: Any = None
    exc_type: str | None = None
    exc_message: str = ""
    signal: str | None = None
    stderr_tail: str = ""  # start and end of the child's stderr (crash reports included)

    @property
    def crashed(self) -> bool:
        return self.signal is not None

    @property
    def raised(self) -> bool:
        return self.exc_type is not None

    @property
    def kind(self) -> str:
        """``"returned"``, the exception's type name, or ``"crash:SIGABRT"`` and the like."""
        if self.crashed:
            return f"crash:{self.signal}"
        return self.exc_type or "returned"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


#: Inputs that can kill the process whatever the version: a property's bridge calls on them
#: always run isolated. Facts as in ``deviations.toml``'s ``when`` (a list means "any of").
HAZARDS: tuple[dict, ...] = (
    # Unaligned data: vectorised kernels may use aligned loads (torch 2.13 segfaults copying
    # an odd number of unaligned complex128 elements).
    {"aligned": False},
    # Read-only mappings: any write through an alias segfaults.
    {"subclass": "memmap", "writeable": False},
    # Negative strides through DLPack: torch 2.13 aborts in a noexcept path (#188023).
    {"function": "torch.from_dlpack", "negative_strides": True},
)


def _matches(when: dict, facts: dict) -> bool:
    for key, wanted in when.items():
        have = facts.get(key, object())
        if have not in wanted if isinstance(wanted, list) else have != wanted:
            return False
    return True


def is_hazardous(prop: str | None, facts: dict) -> bool:
    """Whether a call on these facts must run in a child process (see ``HAZARDS``), also
    when a crash entry of ``deviations.toml`` for ``prop`` matches, in any version."""
    from bridgecheck import deviations

    if any(_matches(h, facts) for h in HAZARDS):
        return True
    return any(d.applies_to(facts) for d in deviations.crash_entries(prop))


def fork_available() -> bool:
    return hasattr(os, "fork")


def run_isolated(fn: Callable[[], Any], *, timeout: float = 60.0) -> Outcome:
    """Call ``fn()`` in a forked child; its return value must be picklable.

    An exception in the child comes back as ``exc_type``/``exc_message``; a death by signal
    as ``signal`` with the start and end of the child's stderr (its crash report); a child
    that outlives ``timeout`` seconds is killed and reported as ``signal="TIMEOUT"``. What
    the child writes to stderr never reaches the parent's. Without ``fork`` (Windows) the
    call runs in-process: isolation is then best effort, and a crash ends the run.
    """
    if not fork_available():  # pragma: no cover - Linux and macOS have fork
        try:
            return Outcome(value=fn())
        except BaseException as exc:  # noqa: BLE001 - reported, not swallowed
            return Outcome(exc_type=type(exc).__name__, exc_message=str(exc))

    read_fd, write_fd = os.pipe()
    err = tempfile.TemporaryFile()  # noqa: SIM115 - shared with the forked child, closed after it
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child_stderr_to(err)
        try:
            try:
                payload = Outcome(value=fn())
            except BaseException as exc:  # noqa: BLE001 - carried to the parent
                payload = Outcome(exc_type=type(exc).__name__, exc_message=str(exc))
            data = pickle.dumps(payload)
        except BaseException:  # noqa: BLE001 - an unpicklable result, carried as a PicklingError
            data = pickle.dumps(Outcome(exc_type="PicklingError", exc_message=traceback.format_exc(limit=1)))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)
        try:
            sys.stderr.flush()
        finally:
            os._exit(0)

    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        data = _read_with_timeout(pipe, pid, timeout)
    _, status = os.waitpid(pid, 0)
    err.seek(0)
    tail = _clip(err.read().decode(errors="replace"))
    err.close()
    if data == b"TIMEOUT":
        return Outcome(signal="TIMEOUT", stderr_tail=tail)
    if os.WIFSIGNALED(status):
        return Outcome(signal=_signal_name(os.WTERMSIG(status)), stderr_tail=tail)
    if not data:
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
        return Outcome(signal=f"exit {code}", stderr_tail=tail)
    return pickle.loads(data)


def _clip(text: str, head: int = 2500, tail: int = 1500) -> str:
    """The start and the end of ``text``. A crash report lists the innermost frames first and
    ends with the test runner's; what the child printed before it comes earlier still."""
    if len(text) <= head + tail:
        return text
    return f"{text[:head]}\n[... {len(text) - head - tail} characters left out ...]\n{text[-tail:]}"


def _child_stderr_to(err) -> None:
    """Send everything the child writes to stderr into ``err``, whatever wrote it.

    ``dup2`` covers fd 2, but not a ``sys.stderr`` that is not fd 2 (pytest's capture
    object writes to a file of its own) nor faulthandler, which pytest points at a duplicate
    of the terminal's stderr: a child's crash report went straight to the parent's terminal.
    """

    os.dup2(err.fileno(), 2)
    sys.stderr = open(2, "w", buffering=1, errors="replace", closefd=False)  # noqa: SIM115 - lives as long as the child
    # The crash report lands in Outcome.stderr_tail, where it is wanted.
    faulthandler.enable(file=sys.stderr, all_threads=False)


def _read_with_timeout(pipe, pid: int, timeout: float) -> bytes:
    import select
    import time

    chunks: list[bytes] = []
    fd = pipe.fileno()
    deadline = time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            return b"TIMEOUT"
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
