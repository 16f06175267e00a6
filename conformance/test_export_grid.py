"""Every tensor -> NumPy export property on every exportable dtype and every view kind, each run.

The export properties draw from ``exportable_tensors()`` at random. With 40 examples a run
can miss dtypes and views: at the ``ci`` profile ``test_numpy_aliases_exportable_tensors``
met 9 of the 14 exportable dtypes (no int16, uint8, uint16, uint32, uint64) and no dense
non-contiguous tensor, so a regression confined to one of them was caught only through
another function, by chance. This grid runs each property itself (``witness.run_property``,
so the same contract and the same known deviations) on small fixed tensors that meet every
(property, dtype) and (property, view) pair on every run: the torch -> NumPy counterpart of
``test_conversion_grid.py``.
"""

from __future__ import annotations

import pytest
from hypothesis.errors import Unsatisfiable

from bridgecheck.cases import from_recipe
from bridgecheck.dtypes import NUMPY_TO_TORCH, torch_name
from bridgecheck.witness import run_property

#: Every property whose only argument is a tensor drawn from ``exportable_tensors()``, with
#: the autograd states it draws (the grid keeps to each property's own domain).
ALL_UNTRACKED = ("plain", "detached", "inference")
ROWS = {
    "test_numpy_aliases_exportable_tensors": ALL_UNTRACKED,
    "test_asarray_aliases_exportable_tensors": ALL_UNTRACKED,
    "test_asarray_copy_false_aliases": ALL_UNTRACKED,
    "test_asarray_copy_true_copies_without_warning": ALL_UNTRACKED,
    "test_array_copies_without_warning": ALL_UNTRACKED,
    "test_from_dlpack_aliases_exportable_tensors": ALL_UNTRACKED,
    "test_from_dlpack_of_a_writable_tensor_is_writable": ("plain", "detached"),
    "test_exporters_agree_or_refuse": ALL_UNTRACKED,
}

#: Each exportable dtype as a contiguous 2 x 3 tensor (values 0..5: a wrong stride or offset
#: changes the bits); then every plain view kind, 0-d, zero-size and the autograd states in
#: float64.
VIEW_RECIPES = [
    dict(shape=(2, 3), view="transposed", axes=(1, 0)),
    dict(shape=(2, 3), view="offset", offset=1),
    dict(shape=(2, 3), view="expanded", expand_from=(1, 3)),
    dict(shape=()),
    dict(shape=(2, 0)),
    dict(shape=(2, 3), grad="detached"),
    dict(shape=(2, 3), grad="inference"),
]


def grid() -> list:
    by_dtype = [from_recipe("tensor", dtype=torch_name(d), shape=(2, 3)) for d in NUMPY_TO_TORCH.values()]
    by_view = [from_recipe("tensor", dtype="float64", **recipe) for recipe in VIEW_RECIPES]
    return by_dtype + by_view


@pytest.mark.parametrize("completes", list(ROWS))
def test_export_grid(completes):
    checked = []
    for case in grid():
        if case.grad not in ROWS[completes]:
            continue
        try:
            run_property(completes, {"case": case})
        except Unsatisfiable:
            continue  # outside the property's domain by its own assume() (zero-size, say)
        checked.append(case)
    assert len(checked) >= len(NUMPY_TO_TORCH), f"{completes}: the grid checked only {len(checked)} tensors"
