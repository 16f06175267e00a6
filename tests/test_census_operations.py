"""The census covers operations: a dtype change of ``np.float64(2) * t`` is a regression line
in ``bridgecheck compare``."""

from __future__ import annotations

import copy

from bridgecheck import compare
from bridgecheck.census import cells


def _observed(ident: str) -> dict:
    [cell] = [c for c in cells.all_cells() if c.id == ident]
    return cells.observe(cell)


def test_operation_cells_record_type_and_dtype():
    assert _observed("s * t:float32:np.float64")["result_dtype"] == "Tensor[float32]"
    assert _observed("t + a:float32:ndarray[float64]")["result_dtype"] == "Tensor[float64]"
    assert _observed("a + t:float32:ndarray[float64]")["exception"] == "TypeError"


def test_a_drifted_operation_dtype_is_a_regression_in_compare():
    old = _observed("s * t:float32:np.float64")
    new = copy.deepcopy(old)
    new["result_dtype"] = "Tensor[float64]"
    report = lambda cell: {"census": {"cells": [cell]}}  # noqa: E731 - two one-line reports
    [change] = compare.compare_census(report(old), report(new))[0]
    assert (change.id, change.verdict) == ("s * t:float32:np.float64", "regression"), change
