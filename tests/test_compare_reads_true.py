"""compare on real reports (docs/reports/) says what happened, once: calls that exist in one
version only are "not applicable", a behaviour the property and census sections both see is
described once with the property's verdict, a crash is fixed only for its whole
element-count class, and the output leads with counts and the top functions."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

import pytest

from bridgecheck import cli, compare
from tests import reportkit as rk

REPORTS = Path(__file__).resolve().parents[1] / "docs" / "reports"
NP126, NP24 = "t213-np126.json", "t213-np24.json"


@functools.cache
def _load(name: str) -> dict:
    return json.loads((REPORTS / name).read_text())


def real(name: str) -> dict:
    """A committed report (a private copy: some tests edit it)."""
    return copy.deepcopy(_load(name))


def changes(old: dict, new: dict) -> dict[str, compare.Change]:
    found, _, _ = compare.compare(old, new)
    return {c.id: c for c in found}


def test_a_call_missing_from_old_numpy_is_not_applicable_not_a_regression():
    # np.from_dlpack(t, copy=) does not exist with NumPy 1.26: the property is skipped by its gate.
    found = changes(real(NP126), real(NP24))
    row = found["conformance/test_dlpack_export.py::test_from_dlpack_copy_keyword"]
    assert (row.verdict, row.why) == ("not-applicable", "the call does not exist in OLD")
    assert not any(c.verdict == "regression" and "missing" in c.why for c in found.values())
    back = changes(real(NP24), real(NP126))["conformance/test_dlpack_export.py::test_from_dlpack_copy_keyword"]
    assert (back.verdict, back.why) == ("not-applicable", "the call does not exist in NEW")


def test_a_new_failure_of_a_call_old_lacked_is_no_bridge_regression():
    old, new = real(NP126), real(NP24)
    ident = "conformance/test_dlpack_export.py::test_from_dlpack_copy_keyword"
    failing = next(p for p in new["properties"] if p["id"] == ident)
    failing.update(outcome="new-failure", failure=rk.prop(ident, "new-failure")["failure"])
    row = changes(old, new)[ident]
    assert (row.verdict, row.blocking) == ("not-applicable", False)
    assert row.why == "the call does not exist in OLD (fails in NEW)"
    # a skip for another reason (no GPU) followed by a failure still is a regression
    plain = copy.deepcopy(old)
    skipped = next(p for p in plain["properties"] if p["id"] == ident)
    skipped["skip_reason"] = "CUDA absent: torch.cuda.is_available() is False"
    assert changes(plain, new)[ident].verdict == "regression"


def test_a_behaviour_seen_by_a_property_and_the_census_is_described_once():
    # NumPy >= 2.1 exports read-only arrays; torch ignores the flag: a property regression and
    # 42 census cells going from BufferError to a writable alias, in the same direction.
    found = changes(real(NP126), real(NP24))
    prop = found["conformance/test_from_dlpack.py::test_from_dlpack_never_gives_a_writable_alias_of_read_only_memory"]
    assert prop.verdict == "regression"
    assert len(prop.folded) == 42 and all(f.startswith("torch.from_dlpack:") for f in prop.folded)
    assert any("test_deviation_witness[from-dlpack-read-only-ignored]" in r for r in prop.restated)
    census = [c for c in found.values() if c.kind == "census"]
    assert census == []  # the np.array DeprecationWarning cells went to test_array_copies_without_warning
    assert not any("test_deviation_witness" in ident for ident in found)


def test_a_crash_fix_is_claimed_only_for_the_whole_element_count_class():
    def cells(counts: dict[str, str | None]) -> list[dict]:
        return [rk.cell("torch.tensor", "complex128", kind, exception=exc, aliases=False)
                for kind, exc in counts.items()]

    crash = "crash:SIGSEGV"
    old = rk.report("torch 2.8.0", [], cells({"unaligned": crash, "unaligned-n1": crash, "unaligned-n7": crash,
                                              "unaligned-n8": None}))
    odd_still = rk.report("torch 2.9.1", [], cells({"unaligned": None, "unaligned-n1": crash, "unaligned-n7": crash,
                                                    "unaligned-n8": None}))
    row = changes(old, odd_still)["torch.tensor:complex128:unaligned"]
    assert (row.verdict, row.why) == ("change", "no longer crashes on this input, still crashes on unaligned-n1, unaligned-n7")
    all_fixed = rk.report("torch 2.9.1", [], cells({"unaligned": None, "unaligned-n1": None, "unaligned-n7": None,
                                                    "unaligned-n8": None}))
    assert changes(old, all_fixed)["torch.tensor:complex128:unaligned"].verdict == "fix"
    # reports from before the count classes: one input is no evidence
    one = changes(rk.report("a", [], cells({"unaligned": crash})), rk.report("b", [], cells({"unaligned": None})))
    assert one["torch.tensor:complex128:unaligned"].verdict == "change"
    # crashes that do not depend on the count keep the plain rule
    neg = changes(real(NP24), real("t2141-np24.json"))
    assert neg["conformance/test_from_dlpack.py::test_from_dlpack_refuses_negative_strides"].verdict == "fix"
    assert len(neg["conformance/test_from_dlpack.py::test_from_dlpack_refuses_negative_strides"].folded) == 14


def test_the_output_leads_with_counts_and_the_top_functions(tmp_path, capsys):
    status = cli.main(["compare", str(REPORTS / NP126), str(REPORTS / NP24)])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1  # the two regressions are real (known deviations, no allow file)
    assert lines[3] == "Summary: 2 regression(s), 0 allowed, 1 fix(es), 4 not applicable, 0 other change(s)"
    top = lines.index("Top changes by function:")
    assert top < lines.index("Properties - Regressions (2):")
    assert lines[top + 1].startswith("  np.array (test_array_copies_without_warning): 1 change(s) (+292 census cells)")
    assert lines[-1] == "REGRESSED: " + lines[3].removeprefix("Summary: ")
    assert len(lines) < 120  # was 720 lines before the census and restating rows were folded


@pytest.mark.parametrize("message,applies", [
    ("Tensor.__dlpack__() got an unexpected keyword argument 'dl_device'", True),
    ("numpy.from_dlpack() takes no keyword arguments", True),
    ("can't convert np.ndarray of type numpy.uint16", False),
])
def test_a_census_cell_whose_call_does_not_exist_is_not_applicable(message, applies):
    old = rk.cell("np.from_dlpack", "float32", "contiguous")
    new = dict(rk.cell("np.from_dlpack", "float32", "contiguous", exception="TypeError"), message=message)
    assert compare.census_verdict(old, new)[0] == ("not-applicable" if applies else "regression")
