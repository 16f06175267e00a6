"""The claims ledger: every check reaches a verdict, documented verdicts stay put, CLI output.

The ledger is computed once per module (a few seconds) and shared by the tests that read it.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from bridgecheck import cli
from bridgecheck.claims import registry, render, runner, timing
from bridgecheck.claims.model import (
    CONDITIONAL,
    DOES_NOT_HOLD,
    ERROR,
    HOLDS,
    NO_CUDA,
    VERDICTS,
    Claim,
    Finding,
)
from bridgecheck.claims.topics import TOPICS

ALL_IDS = [c.id for c in registry.CLAIMS]
GPU_IDS = [c.id for c in registry.CLAIMS if c.needs_cuda]
HAS_CUDA = torch.cuda.is_available()
DOCS_LEDGER = Path(__file__).resolve().parents[1] / "docs" / "claims.md"


@pytest.fixture(scope="module")
def ledger() -> dict[str, Finding]:
    return {e.claim.id: e.finding for e in runner.run(list(registry.CLAIMS))}


# --- the ledger as a whole ---------------------------------------------------------------


def test_ledger_has_enough_claims_with_unique_ids():
    assert len(ALL_IDS) >= 25
    assert len(set(ALL_IDS)) == len(ALL_IDS)


def test_every_topic_has_claims_and_every_claim_a_known_topic():
    assert {c.topic for c in registry.CLAIMS} == set(TOPICS)


@pytest.mark.parametrize("claim_id", ALL_IDS)
def test_every_check_reaches_a_verdict(ledger, claim_id):
    finding = ledger[claim_id]
    assert finding.verdict in VERDICTS
    assert finding.verdict != ERROR, finding.evidence
    assert finding.evidence and "\n" not in finding.evidence


def test_conditional_verdicts_state_their_conditions(ledger):
    for claim_id, finding in ledger.items():
        if finding.verdict == CONDITIONAL:
            assert finding.evidence.startswith("only "), (claim_id, finding.evidence)


# Decided on torch 2.13 / numpy 2.4.6 and stable for years on both sides (tests/ runs on that
# pair; the tox matrix runs the conformance suite): a change here is news and should fail loudly.
PINNED = {
    "sharing.from-numpy-sees-array-writes": HOLDS,
    "sharing.from-numpy-tensor-writes": HOLDS,
    "sharing.tensor-copies": HOLDS,
    "sharing.reshape-breaks-link": HOLDS,  # "can": the reshape of a transpose copies
    "sharing.clone-makes-independent": HOLDS,
    "dtypes.from-numpy-keeps-dtype": HOLDS,  # refusals ('Q', 'g', 'O', ..., byte-swapped) change nothing
    "dtypes.cast-methods": HOLDS,
    "dtypes.float64-via-list-float32": CONDITIONAL,  # follows the default dtype
    "dtypes.roundtrip-not-bit-exact": DOES_NOT_HOLD,  # on the CPU
    "dtypes.same-shape-and-data": HOLDS,
    "layout.numpy-arrays-contiguous": CONDITIONAL,  # new arrays are; sliced and broadcast views are not
    "layout.non-contiguous-needs-copy": DOES_NOT_HOLD,  # transposes etc. convert zero-copy
    "layout.ascontiguousarray-fixes": HOLDS,  # by copying
    "scalars.zero-d-array": HOLDS,
    "autograd.numpy-inside-no-grad": HOLDS,  # allowed since torch 1.6
    "autograd.requires-grad-separates-memory": DOES_NOT_HOLD,
    "autograd.requires-grad-on-int-array": DOES_NOT_HOLD,
    "autograd.detach-numpy-shares": HOLDS,
    "autograd.numpy-refuses-grad-tensor": CONDITIONAL,  # allowed under no_grad since torch 1.6
    "autograd.no-grad-results": DOES_NOT_HOLD,  # views of x, and x itself, keep requires_grad
    "devices.default-is-gpu": DOES_NOT_HOLD,
}


@pytest.mark.parametrize("claim_id", sorted(PINNED))
def test_documented_verdicts(ledger, claim_id):
    assert ledger[claim_id].verdict == PINNED[claim_id], ledger[claim_id].evidence


# The observations that decide the corrected verdicts, so a verdict cannot stay put for a
# wrong reason. Each names the inputs in the evidence.
DECISIVE = {
    "autograd.no-grad-results": [
        "requires_grad=True for x[:1] (a view)", "x.expand(2, 4) (a view)", "x.contiguous() (x itself)",
        "x.float() (x itself)", "nn.Parameter(torch.ones(2)) (new)", "False for x*2+1 (new)",
    ],
    "layout.non-contiguous-needs-copy": [
        "criterion seen: the strides, not contiguity",
        "accepted zero-copy, strides kept: transposed a.T [F-contiguous],"
        " step-sliced a[:, ::2] [non-contiguous]",
        "length-1 axis reversed np.zeros((1, 3))[::-1] [C-contiguous] (ValueError",
        "record field (stride 9 bytes) [non-contiguous] (ValueError",
    ],
    "layout.ascontiguousarray-fixes": [
        "failed: none",
        "shares memory with the original array: none",
        "outside the claim: length-1 axis reversed",
    ],
    "dtypes.from-numpy-keeps-dtype": ["changed: none", ">f8", "(ValueError"],
    "sharing.reshape-breaks-link": [
        "t.reshape(3, 2) shares with the array: True",
        "t.T.reshape(6) (no view possible) shares: False",
    ],
    "dtypes.float64-via-list-float32": [
        "under default float32 -> float32",
        "under default float64 -> float64",
    ],
}


@pytest.mark.parametrize("claim_id", sorted(DECISIVE))
def test_decisive_observations(ledger, claim_id):
    for observation in DECISIVE[claim_id]:
        assert observation in ledger[claim_id].evidence, (observation, ledger[claim_id].evidence)


def test_dtype_sample_has_every_type_code_and_byte_order():
    from bridgecheck.claims.dtypes import dtype_sample

    sample = dtype_sample()
    assert {f"'{code}'" for code in "?bBhHiIlLqQefdFDgGOUSMmV"} <= set(sample)
    swapped = ">" if sys.byteorder == "little" else "<"
    for dtype in ("i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "c8", "c16"):
        assert swapped + dtype in sample, dtype


def test_dtype_claim_counts_refusals_as_no_change(ledger):
    # g G O U S M m V and non-native byte orders are refused on every version: refused, not changed.
    refused = ledger["dtypes.from-numpy-keeps-dtype"].evidence.split("refused (no tensor, so no change): ")[1]
    for code in "gGOUSMmV":
        assert f"'{code}'" in refused, code
    assert "byte order" in refused


# --- GPU claims ----------------------------------------------------------------------------


def test_there_are_gpu_claims():
    assert GPU_IDS


@pytest.mark.skipif(HAS_CUDA, reason="CUDA present: GPU claims are checked for real (see the cuda test)")
@pytest.mark.parametrize("claim_id", GPU_IDS)
def test_gpu_claims_unchecked_without_cuda(ledger, claim_id):
    assert ledger[claim_id].verdict == NO_CUDA


@pytest.mark.cuda
@pytest.mark.parametrize("claim_id", GPU_IDS)
def test_gpu_claims_checked_with_cuda(ledger, claim_id):
    assert ledger[claim_id].verdict in (HOLDS, DOES_NOT_HOLD, CONDITIONAL), ledger[claim_id].evidence


def test_require_cuda_refuses_without_cuda_in_one_line(capsys):
    if HAS_CUDA:
        pytest.skip("CUDA present: GPU mode runs (see the cuda test below)")
    assert cli.main(["claims", "--require-cuda", "--topic", "scalars"]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "GPU mode (--require-cuda)" in lines[0], err
    assert out == ""  # refused before any check ran


def test_gpu_mode_from_the_environment_refuses_too(monkeypatch, capsys):
    if HAS_CUDA:
        pytest.skip("CUDA present: GPU mode runs")
    monkeypatch.setenv("BRIDGECHECK_REQUIRE_CUDA", "1")
    assert cli.main(["claims", "--topic", "scalars"]) == 2
    assert "GPU mode" in capsys.readouterr().err


def test_gpu_mode_fails_when_a_cuda_claim_goes_unchecked(monkeypatch, capsys):
    # Should the refusal and the runner ever disagree about CUDA, "not checked" still fails.
    from bridgecheck.commands import run as run_command

    monkeypatch.setattr(run_command, "cuda_available", lambda: True)
    monkeypatch.setattr(runner, "cuda_available", lambda: False)
    assert cli.main(["claims", "--require-cuda", "--topic", "devices"]) == 1
    assert NO_CUDA in capsys.readouterr().out


@pytest.mark.cuda
def test_require_cuda_gives_every_cuda_claim_a_verdict(capsys):
    assert cli.main(["claims", "--require-cuda", "--topic", "devices", "--topic", "performance"]) == 0
    out = capsys.readouterr().out
    assert NO_CUDA not in out and ERROR not in out.split("claims:")[-1]
    for claim_id in GPU_IDS:
        assert claim_id in out


# --- speed: robust criteria --------------------------------------------------------------


def test_zero_copy_speed_claim_meets_its_margin(ledger):
    finding = ledger["performance.from-numpy-cheaper-than-copy"]
    assert finding.verdict == HOLDS, finding.evidence
    ratio = float(re.search(r"ratio ([\d.]+)x", finding.evidence).group(1))
    assert ratio >= 10


def test_compare_takes_ratio_of_medians():
    import time

    result = timing.compare(lambda: time.sleep(0.002), lambda: None, repeats=5, fast_calls=100)
    assert result.repeats == 5
    assert result.slow_s >= 0.002
    assert result.ratio > 10  # a sleep against a no-op: far beyond any scheduling noise


# --- honesty of the checks and of the runner -----------------------------------------------


def test_sharing_verdict_follows_observed_behaviour(monkeypatch):
    # A from_numpy that copied would have to flip the verdict: nothing is hard-coded.
    real = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda a: real(a).clone())
    finding = runner.evaluate(registry.by_id("sharing.from-numpy-sees-array-writes"))
    assert finding.verdict == DOES_NOT_HOLD, finding.evidence


def test_copy_verdict_follows_observed_behaviour(monkeypatch):
    monkeypatch.setattr(torch, "tensor", torch.as_tensor)  # an aliasing impostor
    finding = runner.evaluate(registry.by_id("sharing.tensor-copies"))
    assert finding.verdict == DOES_NOT_HOLD, finding.evidence


def test_roundtrip_verdict_follows_observed_bits(monkeypatch):
    # A torch.tensor that lost -0.0's sign and quietened signalling NaNs must flip the verdict:
    # the check compares real copies with the input, not a view of the input with itself.
    real = torch.tensor
    monkeypatch.setattr(torch, "tensor", lambda data, **kw: real(data, **kw) + 0)
    finding = runner.evaluate(registry.by_id("dtypes.roundtrip-not-bit-exact"))
    assert finding.verdict == HOLDS, finding.evidence
    assert "float64 via torch.tensor(a).numpy()" in finding.evidence


def test_roundtrip_that_returns_its_input_is_an_error_not_a_verdict(monkeypatch):
    monkeypatch.setattr(torch, "tensor", torch.as_tensor)  # aliases: nothing to compare
    finding = runner.evaluate(registry.by_id("dtypes.roundtrip-not-bit-exact"))
    assert finding.verdict == ERROR and "not a round trip" in finding.evidence, finding.evidence


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_bit_pattern_sample_covers_signs_nans_and_payloads(name):
    from bridgecheck.claims.dtypes import bit_pattern_sample

    a = bit_pattern_sample(name, size=1000)
    uint = {"float16": np.uint16, "float32": np.uint32, "float64": np.uint64}[name]
    bits = a.view(uint)
    mantissa = {"float16": 10, "float32": 23, "float64": 52}[name]
    quiet, payload = uint(1 << (mantissa - 1)), uint((1 << (mantissa - 1)) - 1)
    nan = np.isnan(a)
    assert np.signbit(a).any() and np.signbit(a[nan]).any() and (np.signbit(a) & np.isinf(a)).any()
    assert (nan & ((bits & quiet) == 0)).any(), "no signalling NaN"
    assert (nan & ((bits & payload) != 0) & ((bits & quiet) != 0)).any(), "no quiet NaN with a payload"
    assert (a == 0).any() and (np.signbit(a) & (a == 0)).any(), "no signed zeros"
    assert (np.abs(a[np.isfinite(a)]) < np.finfo(name).tiny).sum() > 2, "no subnormals"


@pytest.mark.parametrize(
    "values", [[True], [False], [np.nan], [np.inf], [1e20], [-0.0], [255]], ids=repr
)
def test_write_experiments_see_a_change_for_every_value(values):
    # `saved + 41` left True, inf and 1e20 unchanged, and a NaN never equals itself.
    from bridgecheck.claims.probes import array_write_reaches, tensor_write_reaches

    a = np.array(values, dtype=np.uint8 if values == [255] else None)
    assert array_write_reaches(a, torch.from_numpy(a)) and tensor_write_reaches(torch.from_numpy(a), a)
    assert not array_write_reaches(a, torch.tensor(a)) and not tensor_write_reaches(torch.tensor(a), a)
    assert a.tobytes() == np.array(values, dtype=a.dtype).tobytes(), "the experiment must restore the array"


def _claim(check, **kw) -> Claim:
    return Claim("sharing.synthetic", "sharing", "synthetic claim for the runner", check, **kw)


def test_raising_check_is_an_error_not_a_pass():
    def broken():
        raise KeyError("oops")

    finding = runner.evaluate(_claim(broken))
    assert finding.verdict == ERROR and "KeyError" in finding.evidence


def test_check_returning_no_finding_is_an_error():
    assert runner.evaluate(_claim(lambda: True)).verdict == ERROR


def test_isolated_crash_is_an_error():
    # SIGKILL rather than abort(): same "process died" path, without a faulthandler dump.
    finding = runner.evaluate(_claim(lambda: os.kill(os.getpid(), signal.SIGKILL), isolate=True))
    assert finding.verdict == ERROR and "SIGKILL" in finding.evidence


def test_isolated_check_returns_its_finding():
    finding = runner.evaluate(_claim(lambda: Finding(HOLDS, "seen in a child"), isolate=True))
    assert finding == Finding(HOLDS, "seen in a child")


def test_cuda_claims_are_not_run_without_cuda(monkeypatch):
    monkeypatch.setattr(runner, "cuda_available", lambda: False)

    def must_not_run():
        raise AssertionError("ran without CUDA")

    assert runner.evaluate(_claim(must_not_run, needs_cuda=True)).verdict == NO_CUDA


def test_finding_rejects_unknown_verdicts_and_keeps_one_line():
    with pytest.raises(ValueError):
        Finding("probably", "x")
    with pytest.raises(ValueError):
        Finding(CONDITIONAL, "no conditions stated")
    assert Finding.conditional("on Tuesdays", "seen").evidence == "only on Tuesdays; seen"
    assert Finding(HOLDS, "two\nlines").evidence == "two lines"


# --- rendering and the command line --------------------------------------------------------


def test_markdown_is_stamped_and_escapes_cells():
    claim = Claim("sharing.x", "sharing", "requires_grad_() on a | b", lambda: None)
    entries = [runner.Entry(claim, Finding(HOLDS, "__array__ said a | b"))]
    text = render.markdown(entries, torch_version="9.9", numpy_version="8.8", today=datetime.date(2030, 1, 2))
    assert "Generated on 2030-01-02 with torch 9.9, numpy 8.8" in text
    assert "| requires\\_grad\\_() on a \\| b |" in text
    assert "| `__array__ said a \\| b` |" in text


def test_cli_prints_the_ledger(capsys):
    assert cli.main(["claims", "--topic", "scalars"]) == 0
    out = capsys.readouterr().out
    assert "scalars.zero-d-array" in out and "evidence:" in out
    assert "2 claims: 2 holds" in out
    assert "sharing." not in out


def test_cli_writes_markdown(tmp_path, capsys):
    path = tmp_path / "claims.md"
    assert cli.main(["claims", "--topic", "devices", "--topic", "scalars", "--markdown", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert f"torch {torch.__version__}, numpy {np.__version__}" in text
    assert re.search(r"Generated on \d{4}-\d{2}-\d{2}", text)
    assert "## devices:" in text and "## scalars:" in text and "## sharing" not in text
    if not HAS_CUDA:
        assert "| `devices.to-moves-between` |" in text and f"**{NO_CUDA}**" in text
    assert f"wrote {path}" in capsys.readouterr().out


def test_cli_rejects_unknown_topic(capsys):
    assert cli.main(["claims", "--topic", "astrology"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "astrology" in err[0]


def test_cli_markdown_below_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert cli.main(["claims", "--topic", "scalars", "--markdown", str(tmp_path / "file" / "x.md")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a file, not a folder" in err[0]


def test_cli_without_torch_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes "import torch" fail
    assert cli.main(["claims"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot import torch" in err[0]


def test_committed_ledger_lists_every_claim():
    # docs/claims.md is generated by the command; regenerate it when claims are added or renamed.
    text = DOCS_LEDGER.read_text(encoding="utf-8")
    assert set(re.findall(r"^\| `([\w.-]+)` \|", text, flags=re.M)) == set(ALL_IDS)
