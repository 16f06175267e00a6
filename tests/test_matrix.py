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

