"""bridgecheck compare: which differences are regressions, the allow file, exit statuses."""

from __future__ import annotations

import pytest

from bridgecheck import cli, compare
from tests import reportkit as rk

T = "conformance/test_fn.py::"


def _run(tmp_path, old, new, *extra) -> int:
    return cli.main(["compare", rk.write(tmp_path / "old.json", old), rk.write(tmp_path / "new.json", new), *extra])


@pytest.mark.parametrize(
    "old, new, verdict",
    [
        ("conforms", "new-failure", "regression"),
        ("conforms", "crash", "regression"),
        ("new-failure", "crash", "regression"),
        ("conforms", "known-deviation", "regression"),
        ("known-deviation", "deviation-gone", "fix"),
        ("known-deviation", "conforms", "fix"),
        ("new-failure", "conforms", "fix"),
        ("conforms", "deviation-gone", "change"),
        ("conforms", "skipped", "change"),
        ("skipped", "new-failure", "regression"),
        ("skipped", "conforms", "change"),
        ("conforms", None, "regression"),
        ("skipped", None, "change"),
        (None, "crash", "regression"),
        (None, "conforms", "change"),
        ("conforms", "conforms", None),
    ],
)
def test_property_verdicts(old, new, verdict):
    o = rk.prop(T + "test_x", old) if old else None
    n = rk.prop(T + "test_x", new) if new else None
    got = compare.property_verdict(o, n)
    assert (got[0] if got else None) == verdict


def test_regression_exits_1_and_names_it(tmp_path, capsys):
    old = rk.report("torch 2.13.0", [rk.prop(T + "test_a", "conforms"), rk.prop(T + "test_b", "conforms")])
    new = rk.report("torch 2.14.0", [rk.prop(T + "test_a", "new-failure"), rk.prop(T + "test_b", "conforms")])
    assert _run(tmp_path, old, new) == 1
    out = capsys.readouterr().out
    assert "Regressions (1)" in out and "test_a" in out and "conforms  ->  new-failure" in out
    assert "repro: python -c" in out and "Falsifying example" in out
    assert out.rstrip().splitlines()[-1].startswith("REGRESSED: 1 regression")


def test_fix_exits_0(tmp_path, capsys):
    old = rk.report("torch 2.13.0", [rk.prop(T + "test_a", "known-deviation", seen=["dev-1"])])
    new = rk.report("torch 2.14.0", [rk.prop(T + "test_a", "deviation-gone", gone=["dev-1"])])
    assert _run(tmp_path, old, new) == 0
    out = capsys.readouterr().out
    assert "Fixed or improved (1)" in out and out.rstrip().endswith("0 other change(s)")


def test_allow_file_accepts_listed_regressions_only(tmp_path, capsys):
    old = rk.report("torch 2.13.0", [rk.prop(T + "test_a[1]", "conforms"), rk.prop(T + "test_b", "conforms")],
                    [rk.cell("torch.from_dlpack", "int8", "negative-step", exception="RuntimeError")])
    new = rk.report("torch 2.14.0", [rk.prop(T + "test_a[1]", "crash"), rk.prop(T + "test_b", "conforms")],
                    [rk.cell("torch.from_dlpack", "int8", "negative-step", exception="crash:SIGABRT")])
    allow = tmp_path / "allow.toml"
    allow.write_text(
        '[[allow]]\nproperty = "conformance/test_fn.py::test_a*"\nreason = "upstream #1, fixed in 2.14.1"\n'
        '[[allow]]\ncensus = "torch.from_dlpack:*:negative-step"\nreason = "known abort, see catalog DL-02"\n'
        '[[allow]]\nproperty = "nothing::matches"\nreason = "stale entry"\n'
    )
    assert _run(tmp_path, old, new) == 1
    capsys.readouterr()
    assert _run(tmp_path, old, new, "--allow", str(allow)) == 0
    out = capsys.readouterr().out
    assert "ALLOWED conformance/test_fn.py::test_a[1]" in out and "upstream #1" in out
    assert "ALLOWED torch.from_dlpack:int8:negative-step" in out
    assert "matched no regression" in out  # the stale entry is pointed out, not fatal


@pytest.mark.parametrize(
    "text, problem",
    [
        ('[[allow]]\nproperty = "x"\n', "reason"),
        ('[[allow]]\nproperty = "x"\ncensus = "y"\nreason = "r"\n', "exactly one"),
        ('[[allow]]\nprop = "x"\nreason = "r"\n', "exactly one"),
        ("[[allow]\n", "not valid TOML"),
        ('allowed = 1\n', "unknown top-level"),
    ],
)
def test_bad_allow_file_is_exit_2(tmp_path, capsys, text, problem):
    rep = rk.report("torch 2.13.0", [rk.prop(T + "test_a", "conforms")])
    allow = tmp_path / "allow.toml"
    allow.write_text(text)
    assert _run(tmp_path, rep, rep, "--allow", str(allow)) == 2
    err = capsys.readouterr().err
    assert problem in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "old_cell, new_cell, verdict",
    [
        (dict(exception="RuntimeError"), dict(exception="crash:SIGABRT"), "regression"),
        (dict(exception="crash:SIGABRT"), dict(exception="RuntimeError"), "fix"),
        (dict(), dict(exception="TypeError"), "regression"),
        (dict(aliases=True), dict(aliases=False), "regression"),
        (dict(result_dtype="float32"), dict(result_dtype="float64"), "regression"),
        (dict(exception="TypeError"), dict(), "change"),
        (dict(exception="TypeError"), dict(exception="ValueError"), "change"),
        (dict(warnings=["UserWarning"]), dict(), "change"),
        (dict(), dict(exception="input:RuntimeError"), "change"),
        (dict(), dict(), None),
    ],
)
def test_census_verdicts(old_cell, new_cell, verdict):
    o = rk.cell("torch.from_numpy", "float32", "readonly", **old_cell)
    n = rk.cell("torch.from_numpy", "float32", "readonly", **new_cell)
    got = compare.census_verdict(o, n)
    assert (got[0] if got else None) == verdict


def test_census_changes_printed_and_gated(tmp_path, capsys):
    cells_old = [rk.cell("torch.from_numpy", "float32", "readonly", warnings=["UserWarning"]),
                 rk.cell("torch.asarray(copy=None)", "float32", "0-d", aliases=False)]
    cells_new = [rk.cell("torch.from_numpy", "float32", "readonly"),
                 rk.cell("torch.asarray(copy=None)", "float32", "0-d", aliases=True)]
    props = [rk.prop(T + "test_a", "conforms")]
    old, new = rk.report("torch 2.13.0", props, cells_old), rk.report("torch 2.14.0", props, cells_new)
    assert _run(tmp_path, old, new) == 1  # the aliasing change is silent: a regression
    out = capsys.readouterr().out
    assert "torch.from_numpy:float32:readonly" in out and "+UserWarning  ->  returns float32 (alias)" in out
    assert "returns float32 (copy)  ->  returns float32 (alias)" in out
    only_warning = rk.report("torch 2.14.0", props, [cells_new[0], cells_old[1]])
    assert _run(tmp_path, old, only_warning) == 0  # a warning change alone is reported, not fatal


def test_census_absent_is_noted_not_failed(tmp_path, capsys):
    props = [rk.prop(T + "test_a", "conforms")]
    old = rk.report("torch 2.13.0", props, [rk.cell("torch.tensor", "float32", "c-order", aliases=False)])
    new = rk.report("torch 2.14.0", props)
    assert _run(tmp_path, old, new) == 0
    assert "census not compared: NEW has none" in capsys.readouterr().out
