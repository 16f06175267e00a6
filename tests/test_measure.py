"""bridgecheck.measure and the bench command: what they count and how they compare runs."""

from __future__ import annotations

import pytest

from bridgecheck import cli
from bridgecheck.measure import SuiteRun, examples_in, run_suite, speedups

STATISTICS = """
  - during reuse phase (0.00 seconds):
    - Typical runtimes: ~ 1ms, of which < 1ms in data generation
    - 1 passing examples, 0 failing examples, 0 invalid examples
  - during generate phase (0.31 seconds):
    - Typical runtimes: ~ 2-4 ms, of which ~ 2-3 ms in data generation
    - 38 passing examples, 0 failing examples, 4 invalid examples
  - during shrink phase (0.02 seconds):
    - 0 passing examples, 1 failing example, 0 invalid examples
"""


#: The same, as later Hypothesis releases word it.
STATISTICS_LATER = """
  - during generate phase (0.06 seconds):
    - Typical runtimes: ~ 0-1 ms, of which ~ 0-1 ms in data generation
    - 40 passing, 0 failing, and 2 invalid test cases
  - during shrink phase (0.01 seconds):
    - 0 passing, 1 failing, and 0 invalid test cases
"""


def test_examples_in_counts_every_phase_and_outcome():
    assert examples_in(STATISTICS) == 1 + 38 + 4 + 1
    assert examples_in(STATISTICS_LATER) == 40 + 2 + 1
    assert examples_in("") == 0


def _run(profile: str, workers: int, wall: float) -> SuiteRun:
    return SuiteRun(profile, workers, wall, 0, {}, {}, 0.0, 0.0)


def test_speedups_compare_fastest_and_median_per_profile():
    runs = [_run("ci", 0, 24.0), _run("ci", 2, 15.0), _run("dev", 0, 20.0), _run("dev", 2, 12.5),
            _run("ci", 0, 21.0), _run("ci", 2, 13.0), _run("ci", 0, 22.0), _run("ci", 2, 12.0)]
    ci, dev = speedups(runs)
    assert (ci.profile, ci.workers, dev.profile) == ("ci", 2, "dev")
    assert ci.fastest == pytest.approx(21.0 / 12.0)  # the fastest of each, not of one pair
    assert ci.median == pytest.approx(22.0 / 13.0)
    assert dev.fastest == dev.median == pytest.approx(20.0 / 12.5)


def test_speedups_skip_a_profile_without_both_kinds_of_run():
    assert speedups([_run("ci", 0, 20.0), _run("dev", 2, 10.0)]) == []


def test_run_suite_counts_examples_and_reads_the_report_serially_and_under_xdist():
    # Two cheap properties, so both runs take seconds; the example counts travel from the
    # workers in report user properties, so they must agree across the two modes (ci:
    # derandomized, the same examples every run).
    selection = ["-k", "test_from_numpy_refuses_numpy_scalars or test_tolist_nests_the_python_numbers"]
    serial, parallel = run_suite("ci", 0, extra=selection), run_suite("ci", 2, extra=selection)
    for run in (serial, parallel):
        assert run.exit_status == 0 and not run.failures(), run.output_tail
        assert len(run.properties) == 2 and run.wall_s > 0 and run.cpu_s > 0, run.output_tail
    outcomes = [{p["id"]: p["outcome"] for p in run.properties} for run in (serial, parallel)]
    assert outcomes[0] == outcomes[1]
    assert serial.examples == parallel.examples
    assert len(serial.examples) == 2 and all(n > 0 for n in serial.examples.values())


@pytest.mark.parametrize(("argv", "message"), [
    (["bench", "--repeat", "0"], "argument --repeat: 0 is out of range; give at least 1"),
    (["bench", "-n", "1"], "argument -n/--workers: '1' is not a usable number of workers; give a whole number from 2"),
    (["bench", "--json", "/dev/null/bench.json"], "/dev/null is a file, not a folder"),
])
def test_bench_refuses_bad_arguments_in_one_line(argv, message, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("bridgecheck bench: ")


def test_flakes_names_the_failing_property_its_seed_and_a_replay(monkeypatch, capsys):
    import bridgecheck.measure as measure

    seeds = []

    def fake_run_suite(profile, workers, *, extra=()):
        seed = int(extra[0].split("=")[1])
        seeds.append(seed)
        failing = len(seeds) == 2  # the second run of three fails
        prop = {"id": "conformance/test_x.py::test_y", "outcome": "new-failure" if failing else "conforms",
                "failure": {"message": "BridgeViolation: torch.f(a): bits differ", "repro": "python -c '...'"}
                if failing else None}
        counts = {"new-failure": 1} if failing else {"conforms": 1}
        return SuiteRun(profile, workers, 1.0, int(failing), {"properties": [prop], "run": {"counts": counts}}, {},
                        0.0, 0.0)

    monkeypatch.setattr(measure, "run_suite", fake_run_suite)
    assert cli.main(["flakes", "--runs", "3", "--seed", "7"]) == 1
    out = capsys.readouterr().out
    assert len(seeds) == 3 and len(set(seeds)) == 3
    assert "FAILED in 1/3 runs: conformance/test_x.py::test_y" in out
    assert f"seed {seeds[1]}: BridgeViolation: torch.f(a): bits differ" in out
    assert f"--hypothesis-seed={seeds[1]}" in out and "repro: python -c" in out


def test_flakes_refuses_zero_runs(capsys):
    assert cli.main(["flakes", "--runs", "0"]) == 2
    assert capsys.readouterr().err.startswith("bridgecheck flakes: argument --runs: 0 is out of range; give at least 1")
