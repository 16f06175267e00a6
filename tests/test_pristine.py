"""bridgecheck.pristine: probes see the process as it was before the first test."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bridgecheck import pristine
from bridgecheck.isolation import fork_available

pytestmark = pytest.mark.skipif(not fork_available(), reason="pristine probes need fork")

# Each scenario runs in its own interpreter: the registry is process-wide, and the point is
# what a process has done before run_registered().
_PRELUDE = "from bridgecheck import pristine\n"


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _PRELUDE + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120)


def test_probe_sees_the_state_at_the_fork_not_later_changes():
    proc = _run("""
        state = {"touched": False}
        seen = pristine.probe("state", lambda: state["touched"])
        pristine.run_registered()
        state["touched"] = True           # a test touching the state after the fork
        assert seen.result() is False, seen.result()
        print("ok")
    """)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_torch_warn_once_flag_is_unset_in_the_probe_after_the_parent_warned():
    # The reason the module exists: after the parent's own first read-only conversion has
    # used up the warn-once flag, a probe run before it still sees the first warning.
    proc = _run("""
        import warnings, numpy as np, torch
        def first_warns():
            a = np.zeros(3); a.flags.writeable = False
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                torch.from_numpy(a)
            return [str(w.message) for w in caught]
        probe = pristine.probe("warn", first_warns)
        pristine.run_registered()
        in_parent_first, in_parent_again = first_warns(), first_warns()
        print(bool(probe.result()), bool(in_parent_first), bool(in_parent_again))
    """)
    assert proc.stdout.split() == ["True", "True", "False"], proc.stderr


def test_a_probe_registered_too_late_runs_in_a_new_interpreter():
    import os

    late = pristine.Probe("registered after the first test", os.getpid)  # module-level: posix.getpid
    assert late.result() != os.getpid()


def test_a_late_probe_that_cannot_run_elsewhere_names_itself_and_the_plugin():
    with pytest.raises(pristine.ProbeNotRun, match="'never run here' did not run before the first test.*not module-level"):
        pristine.Probe("never run here", lambda: None).result()


def test_probe_errors_and_crashes_reach_the_reader():
    proc = _run("""
        import os
        def boom(): raise ValueError("bad table")
        raised = pristine.probe("raises", boom)
        crashed = pristine.probe("crashes", lambda: os.abort())
        fine = pristine.probe("fine", lambda: 42)
        pristine.run_registered()
        for p in (raised, crashed):
            try:
                p.result()
            except RuntimeError as exc:
                print(str(exc).splitlines()[0])
        print(fine.result())
    """)
    lines = proc.stdout.splitlines()
    assert lines[0] == "pristine probe 'raises' raised ValueError: bad table", proc.stderr
    assert lines[1] == "pristine probe 'crashes' crashed (crash:SIGABRT)", proc.stderr
    assert lines[2] == "42", "a probe that crashes must not take the others with it"


def test_registering_twice_keeps_the_first_and_checks_fn():
    first = pristine.probe("test_pristine twice", lambda: 1)
    assert pristine.probe("test_pristine twice", lambda: 2) is first
    with pytest.raises(TypeError, match="fn must be callable"):
        pristine.probe("test_pristine not callable", 3)
