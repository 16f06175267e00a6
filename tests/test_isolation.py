"""``run_isolated`` turns whatever a call does in its child into a value: a result, an exception,
a death by signal or a timeout; and what the child prints to stderr stays out of ours."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time

import numpy as np
import pytest

from bridgecheck.isolation import Outcome, fork_available, run_isolated

pytestmark = pytest.mark.skipif(not fork_available(), reason="isolation needs os.fork")


class Odd(Exception):
    pass


def test_returns_values():
    assert run_isolated(lambda: 42) == Outcome(value=42)
    assert run_isolated(lambda: None).kind == "returned"
    payload = np.arange(100_000)  # larger than a pipe buffer
    outcome = run_isolated(lambda: payload * 2)
    assert outcome.kind == "returned" and np.array_equal(outcome.value, payload * 2)
    assert run_isolated(lambda: {"a": (1, 2.5, "x")}).value == {"a": (1, 2.5, "x")}


def test_returns_exceptions_by_type_and_message():
    def boom():
        raise ValueError("boom: 3 != 4")

    outcome = run_isolated(boom)
    assert (outcome.exc_type, outcome.exc_message, outcome.kind) == ("ValueError", "boom: 3 != 4", "ValueError")
    assert outcome.raised and not outcome.crashed and outcome.value is None

    def odd():
        raise Odd("own class")

    assert run_isolated(odd).kind == "Odd"
    assert run_isolated(lambda: sys.exit(3)).kind == "SystemExit"


def test_unpicklable_results_are_reported():
    outcome = run_isolated(lambda: (lambda: 1))
    assert outcome.exc_type == "PicklingError", outcome


def test_abort_is_reported_as_sigabrt():
    outcome = run_isolated(os.abort)
    assert outcome.crashed and outcome.signal == "SIGABRT" and outcome.kind == "crash:SIGABRT", outcome


def test_segfault_is_reported_as_sigsegv_with_the_crash_report():
    outcome = run_isolated(lambda: ctypes.string_at(0))
    assert outcome.signal == "SIGSEGV" and outcome.kind == "crash:SIGSEGV", outcome
    assert "Segmentation fault" in outcome.stderr_tail, outcome.stderr_tail


def test_other_signals_and_exits():
    assert run_isolated(lambda: os.kill(os.getpid(), signal.SIGTERM)).signal == "SIGTERM"
    assert run_isolated(lambda: os._exit(7)).signal == "exit 7"


def test_timeout_kills_the_child():
    started = time.monotonic()
    outcome = run_isolated(lambda: time.sleep(30), timeout=0.5)
    assert outcome.signal == "TIMEOUT" and outcome.kind == "crash:TIMEOUT", outcome
    assert time.monotonic() - started < 10


def test_the_parent_is_untouched():
    box = [1]
    assert run_isolated(lambda: box.append(2) or len(box)).value == 2
    assert box == [1]


def test_child_stderr_stays_out_of_ours(capfd):
    def noisy():
        print("CHILD-SYS-STDERR", file=sys.stderr)
        sys.stderr.flush()
        os.write(2, b"CHILD-FD-2\n")
        return "quiet"

    assert run_isolated(noisy).value == "quiet"
    crashed = run_isolated(lambda: (os.write(2, b"CHILD-BEFORE-CRASH\n"), ctypes.string_at(0)))
    assert crashed.signal == "SIGSEGV"
    assert "CHILD-BEFORE-CRASH" in crashed.stderr_tail, crashed.stderr_tail
    print("PARENT-STDERR", file=sys.stderr)
    _, err = capfd.readouterr()
    assert "CHILD" not in err and "Fatal Python error" not in err, err
    assert "PARENT-STDERR" in err  # ours still works
