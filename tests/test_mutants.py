"""The mutant catalogue and runner, and the suite's power against its own mutants.

Every mutant must apply and show its fault (checked in forked children, milliseconds each);
the runner's verdicts must be honest (a mutant that cannot be applied is "not applicable",
never "killed"). Every run of the tests runs the whole catalogue against the suite
(``test_suite_kills_every_mutant``, about 25 s; the same as ``bridgecheck mutants``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import bridgecheck
from bridgecheck.isolation import run_isolated
from bridgecheck.mutants import apply, runner
from bridgecheck.mutants.registry import CATALOGUE, Mutant, NotApplicable

NAMES = list(CATALOGUE)
def test_catalogue_has_at_least_30_described_mutants():
    assert len(CATALOGUE) >= 30
    for m in CATALOGUE.values():
        assert m.target.split(".")[0] in ("torch", "numpy"), m
        assert m.description and "\n" not in m.description and m.description.endswith("."), m.name
        assert m.shows.strip(), m.name


@pytest.mark.parametrize("name", NAMES)
def test_mutant_applies_and_its_fault_shows_only_when_applied(name):
    """``shows`` is false on the real bridge and true once the mutant is applied: the mutant
    is live, so a survivor is a gap in the properties, not a dead mutant."""
    mutant = CATALOGUE[name]

    def unmutated():
        return apply.shows(mutant)

    def mutated():
        apply.apply(name)
        return apply.shows(mutant)

    before, after = run_isolated(unmutated), run_isolated(mutated)
    if after.exc_type == "NotApplicable":  # the fault needs what these versions lack
        pytest.skip(f"{name}: not applicable on these versions: {after.exc_message}")
    assert not before.crashed and not before.raised and before.value[0] is False, before
    assert not after.crashed and not after.raised, after
    assert after.value == (True, ""), f"{name}: fault does not show once applied: {after.value}"


def test_a_mutant_that_cannot_be_applied_is_not_applicable_end_to_end():
    """Through a real run (a fresh interpreter): the plugin reports it, the runner says so."""
    missing = Mutant("no-such-mutant", "torch.no_such_function", "A fault this torch cannot have.",
                     lambda original: original, "True")
    [result] = runner.run([missing], jobs=1, fresh=True, timeout=300)
    assert result.verdict == runner.NOT_APPLICABLE, result
    assert "no mutant named" in result.killer


def test_unknown_attribute_is_not_applicable():
    with pytest.raises(NotApplicable, match="does not exist"):
        apply._resolve("torch.no_such_bridge_function")


def test_verdicts():
    log = "FAILED conformance/test_x.py::test_y[torch.asarray(a, copy=True)] - BridgeViolation: boom\n"
    killed = runner.classify("m", 1, 2.0, {"applied": True, "shows": True}, log)
    assert (killed.verdict, killed.killer, killed.detail) == (
        runner.KILLED, "conformance/test_x.py::test_y[torch.asarray(a, copy=True)]", "BridgeViolation: boom")
    assert runner.classify("m", 0, 9.0, {"applied": True, "shows": True}, "").verdict == runner.SURVIVED
    na = runner.classify("m", apply.NOT_APPLICABLE_EXIT, 0.5, {"applied": False, "reason": "no copy="}, "")
    assert (na.verdict, na.killer) == (runner.NOT_APPLICABLE, "no copy=")
    # A failure before the mutant was applied, a crash, an internal error: never a kill.
    assert runner.classify("m", 1, 1.0, None, log).verdict == runner.ERROR
    assert runner.classify("m", "killed by SIGSEGV", 1.0, {"applied": True}, "").verdict == runner.ERROR
    assert runner.classify("m", 3, 1.0, {"applied": True}, "INTERNALERROR").verdict == runner.ERROR


def test_select_by_pattern():
    assert [m.name for m in runner.select(["numpy-ignores-*"])] == ["numpy-ignores-conj-bit", "numpy-ignores-neg-bit"]
    with pytest.raises(LookupError):
        runner.select(["no-such-mutant"])


def _mutants_command(*args: str, timeout: float) -> subprocess.CompletedProcess:
    src = str(Path(bridgecheck.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "bridgecheck", "mutants", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def test_suite_kills_every_mutant():
    """Every mutant is killed, or cannot exist on the installed versions (np.from_dlpack has
    no copy= before NumPy 2.1, say): then the runner says "not applicable" and why, and this
    test warns. A survivor or an error fails."""
    proc = _mutants_command("-j", "2", timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    verdicts = {}
    for name in NAMES:
        verdicts[name] = next((v for v in ("killed", "not applicable")
                               if any(line.startswith(v) and f" {name} " in line for line in lines)), None)
    assert all(verdicts.values()), f"neither killed nor not applicable: {[n for n, v in verdicts.items() if not v]}\n{proc.stdout}"
    absent = sorted(n for n, v in verdicts.items() if v == "not applicable")
    if absent:
        warnings.warn(f"mutants not applicable on these versions: {', '.join(absent)}", stacklevel=1)
