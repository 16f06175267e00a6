"""The summary table bridgecheck run prints after the suite."""

from __future__ import annotations

from bridgecheck.report import summary
from tests import reportkit as rk

T = "conformance/test_fn.py::"


def test_run_summary_lists_families_deviations_and_repros():
    rep = rk.report("torch 2.13.0 / numpy 2.4.6", [
        rk.prop(T + "test_ok", "conforms"),
        rk.prop(T + "test_known", "known-deviation", seen=["dev-1"]),
        rk.prop("conformance/test_dl.py::test_abort", "crash"),
    ], [rk.cell("torch.from_dlpack", "int8", "negative-step", exception="crash:SIGABRT")])
    text = summary.render(rep, "r.json")
    lines = text.splitlines()
    assert lines[0].startswith("bridgecheck: torch 2.13.0 / numpy 2.4.6")
    assert any(ln.startswith("test_fn ") and ln.split()[1:3] == ["1", "1"] for ln in lines)
    assert any(ln.startswith("total ") and ln.split()[-1] == "3" for ln in lines)
    assert "  dev-1" in text and "      conformance/test_fn.py::test_known" in text
    assert "CRASH  conformance/test_dl.py::test_abort" in text and "repro: python -c" in text
    assert "torch.from_dlpack:int8:negative-step: crash:SIGABRT" in text
