"""bridgecheck matrix: one self-contained page, a column per environment, changes stand out."""

from __future__ import annotations

import re
from pathlib import Path

from bridgecheck import cli
from tests import reportkit as rk

T = "conformance/test_fn.py::"


def _reports(tmp_path):
    cells = [rk.cell("torch.from_dlpack", "int8", "negative-step", exception="crash:SIGABRT"),
             rk.cell("torch.from_numpy", "float32", "c-order")]
    old = rk.report("torch 2.13.0 / numpy 2.4.6", [
        rk.prop(T + "test_same", "conforms"),
        rk.prop(T + "test_changed[1]", "conforms"),
        rk.prop(T + "test_known", "known-deviation", seen=["dev-<1>"]),
    ], cells)
    new_cells = [rk.cell("torch.from_dlpack", "int8", "negative-step", exception="RuntimeError"), cells[1]]
    new = rk.report("torch 2.14.0 / numpy 2.4.6", [
        rk.prop(T + "test_same", "conforms"),
        rk.prop(T + "test_changed[1]", "new-failure"),
        rk.prop(T + "test_known", "known-deviation", seen=["dev-<1>"]),
    ], new_cells)
    return rk.write(tmp_path / "old.json", old), rk.write(tmp_path / "new.json", new)


def _row(page: str, text: str) -> str:
    rows = [r for r in re.findall(r"<tr class=.*?</tr>", page, re.S) if text in r]
    assert len(rows) == 1, text
    return rows[0]


def test_matrix_page(tmp_path, capsys):
    old, new = _reports(tmp_path)
    out = tmp_path / "sub" / "matrix.html"
    assert cli.main(["matrix", old, new, "-o", str(out)]) == 0
    page = out.read_text()
    assert "torch 2.13.0 / numpy 2.4.6" in page and "torch 2.14.0 / numpy 2.4.6" in page
    # a changed property row is highlighted, an unchanged one is not
    assert _row(page, "test_changed[1]").startswith('<tr class="differs">')
    assert _row(page, "test_same").startswith('<tr class="same">')
    changed = _row(page, "test_changed[1]")
    assert 'class="o-new-failure"' in changed and "<details>" in changed
    assert "Falsifying example" in changed and "repro: python -c" in changed
    # census rows: the crash that became an exception differs, the stable cell does not
    assert _row(page, "negative-step").startswith('<tr class="differs">')
    assert 'class="c-crash"' in _row(page, "negative-step")
    assert _row(page, ">c-order<").startswith('<tr class="same">')
    # legend, escaping, no external assets
    assert 'class="legend"' in page and "dev-&lt;1&gt;" in page and "dev-<1>" not in page
    assert not re.search(r"<script|<link|src=|url\(|@import", page)
    assert "wrote" in capsys.readouterr().out


def test_same_label_columns_are_told_apart(tmp_path):
    old, _ = _reports(tmp_path)
    same = tmp_path / "same.json"
    same.write_bytes(Path(old).read_bytes())  # the same report twice is refused: a copy
    out = tmp_path / "m.html"
    assert cli.main(["matrix", old, str(same), "-o", str(out)]) == 0
    page = out.read_text()
    assert 'class="differs"' not in page
    for column in ("[#1: old.json]", "[#2: same.json]"):
        assert page.count("torch 2.13.0 / numpy 2.4.6 " + column) == 3  # property + 2 census tables


def test_unwritable_output_is_exit_2(tmp_path, capsys):
    old, new = _reports(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cli.main(["matrix", old, new, "-o", str(blocker / "m.html")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1



def _env_report(torch_version: str, numpy_version: str, props: list[dict], cells=None) -> dict:
    data = rk.report(f"torch {torch_version} / numpy {numpy_version}", props, cells)
    data["environment"]["torch"]["version"] = torch_version
    data["environment"]["numpy"]["version"] = numpy_version
    return data


def _columns(page: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    return re.findall(r"<th[^>]*>(torch [^<]*)<br>", head)


def test_columns_in_version_order_whatever_the_argument_order(tmp_path):
    props = [rk.prop(T + "test_same", "conforms")]
    files = [rk.write(tmp_path / f"{t}-{n}.json", _env_report(t, n, props))
             for t, n in (("2.15.0", "2.4.6"), ("2.2.2", "1.26.4"), ("2.13.0+cpu", "2.4.6"), ("2.13.0+cpu", "1.26.4"))]
    out = tmp_path / "m.html"
    assert cli.main(["matrix", *files, "-o", str(out)]) == 0
    assert _columns(out.read_text()) == ["torch 2.2.2 / numpy 1.26.4", "torch 2.13.0+cpu / numpy 1.26.4",
                                         "torch 2.13.0+cpu / numpy 2.4.6", "torch 2.15.0 / numpy 2.4.6"]


def bridgeless_reports(tmp_path) -> list[str]:
    """Three environments: two with a bridge that differ in two properties and one census cell,
    and torch 2.2.2 with numpy 2 (no bridge: one failure, every census call raises)."""
    cells = [rk.cell("torch.from_numpy", "float32", "c-order"), rk.cell("torch.tensor", "uint64", "c-order")]
    good = [rk.prop(T + "test_bridge_available", "conforms"), rk.prop(T + "test_same", "conforms"),
            rk.prop(T + "test_skip", "skipped", skip_reason="CUDA absent: torch.cuda.is_available() is False"),
            rk.prop(T + "test_known", "known-deviation", seen=["ulonglong-refused"])]
    changed = [*good[:2], rk.prop(T + "test_skip", "conforms"), rk.prop(T + "test_known", "conforms")]
    none = [rk.prop(T + "test_bridge_available", "new-failure")]
    none[0]["failure"]["message"] = "AssertionError: bridge unavailable: torch 2.2.2 cannot exchange data with numpy 2.0.2"
    raising = [rk.cell(c["function"], c["dtype"], c["input"], exception="RuntimeError") for c in cells]
    new_cells = [cells[0], rk.cell("torch.tensor", "uint64", "c-order", exception="TypeError")]
    return [rk.write(tmp_path / "a.json", _env_report("2.13.0", "2.4.6", good, cells)),
            rk.write(tmp_path / "b.json", _env_report("2.2.2", "2.0.2", none, raising)),
            rk.write(tmp_path / "c.json", _env_report("2.14.0", "2.4.6", changed, new_cells))]


def test_an_environment_without_a_bridge_is_one_column_state(tmp_path):
    out = tmp_path / "m.html"
    assert cli.main(["matrix", *bridgeless_reports(tmp_path), "-o", str(out)]) == 0
    page = out.read_text()
    assert "no bridge: bridge unavailable: torch 2.2.2 cannot exchange data" in page
    # Only the real changes differ (test_known, test_skip, test_bridge_available, the uint64
    # cell), not every row of 2.2.2.
    assert _row(page, "test_known").startswith('<tr class="differs">')
    assert _row(page, "test_same").startswith('<tr class="same">')
    assert page.count('<tr class="differs">') == 4
    assert '<td class="nobridge"></td>' in _row(page, "test_same")
    assert "4 properties (3 differ); 2 census cells (1 differ)" in page


def test_reasons_and_deviation_texts_are_on_the_page(tmp_path):
    out = tmp_path / "m.html"
    assert cli.main(["matrix", *bridgeless_reports(tmp_path), "-o", str(out)]) == 0
    page = out.read_text()
    assert 'id="only-diff" checked' in page  # "only rows that differ" is on by default
    assert "title=" not in page  # nothing is hover-only
    assert '<small class="why">CUDA absent: torch.cuda.is_available() is False</small>' in page
    assert '<a href="#dev-ulonglong-refused">ulonglong-refused</a>' in page
    assert 'id="dev-ulonglong-refused"' in page and "NumPy&#x27;s ulonglong" in page  # its reason
    assert '<small class="why">TypeError</small>' in page  # the message of a differing census cell
