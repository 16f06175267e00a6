"""Every ndarray -> tensor conversion on every accepted dtype and every layout kind, each run.

``test_ndarray_to_tensor.py`` draws dtype and layout at random. With 40 examples per row a
conversion can go a whole run without meeting some of them (at the ``ci`` profile each row
met only 4 to 10 of the 14 accepted dtypes, and most rows no Fortran-ordered array), so a
regression confined to one dtype or one layout of one conversion was found only by chance,
by other properties. This grid meets every (conversion, dtype) and (conversion, layout) pair
on every run, on small fixed arrays of distinct values (and, for floating dtypes, of the
values a careless copy changes: -0.0, NaN payloads, subnormals), with the same contract
(``check_conversion``) and the same known deviations: it runs as the property it completes.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridgecheck.cases import from_recipe
from bridgecheck.contract import property_scope, record_events
from bridgecheck.dtypes import NUMPY_TO_TORCH
from .converters import ANY_DTYPE, GRAD_ROWS
from .test_ndarray_to_tensor import FLOATING_NAMES, check_conversion

#: One array per accepted layout kind, and a 0-d and a zero-size one (float64, 2 x 3 unless the
#: layout needs otherwise; data 0, 1, 2, ... so a wrong stride or offset changes the bits).
LAYOUT_RECIPES = [
    dict(layout="c-order", shape=(2, 3)),
    dict(layout="c-order", shape=()),
    dict(layout="c-order", shape=(2, 0)),
    dict(layout="fortran", shape=(2, 3)),
    dict(layout="transposed", shape=(2, 3), base_shape=(3, 2), axes=(1, 0)),
    dict(layout="stepped", shape=(2, 3), base_shape=(3, 6), starts=(0, 1), steps=(2, 2)),
    dict(layout="offset", shape=(2, 3), base_shape=(8,), offset=1),
    dict(layout="broadcast", shape=(2, 3), base_shape=(1, 3)),
    dict(layout="as-strided", shape=(2, 3), base_shape=(4,), strides=(8, 8)),
    dict(layout="size1-odd-strides", shape=(1, 3), base_shape=(3,), strides=(56, 8)),
    dict(layout="readonly", shape=(2, 3)),
    dict(layout="unaligned", shape=(2, 3)),
    dict(layout="matrix", shape=(2, 3)),
    dict(layout="masked", shape=(2, 3), mask="010110"),
    dict(layout="memmap", shape=(2, 3), mode="r+"),
    dict(layout="memmap", shape=(2, 3), mode="r"),
]


def special_values(name: str) -> str:
    """Hex data of six elements of the floating dtype ``name`` that a careless copy changes:
    -0.0, a quiet NaN with a payload, a negative quiet NaN, -inf, the smallest subnormal and
    the largest finite value (complex dtypes: twelve such parts, paired)."""
    dt = np.dtype(name)
    part = np.dtype(f"f{dt.itemsize // 2}") if dt.kind == "c" else dt
    info = np.finfo(part)
    mant, width = info.nmant, part.itemsize * 8
    sign, quiet = 1 << (width - 1), 1 << (mant - 1)
    exponent = ((1 << info.nexp) - 1) << mant
    patterns = [sign, exponent | quiet | 1, sign | exponent | quiet, sign | exponent, 1,
                (exponent - (1 << mant)) | ((1 << mant) - 1)]
    if dt.kind == "c":
        patterns = patterns + patterns[::-1]
    return b"".join(p.to_bytes(part.itemsize, sys.byteorder) for p in patterns).hex()


def grid(dtype_names) -> list:
    """C-order 2 x 3 arrays of each dtype, the same holding special values for each floating
    dtype, then every layout kind in float64."""
    by_dtype = [from_recipe("array", dtype=name, shape=(2, 3)) for name in dtype_names]
    special = [from_recipe("array", dtype=name, shape=(2, 3), data=special_values(name))
               for name in dtype_names if name in FLOATING_NAMES]
    by_layout = [from_recipe("array", dtype="<f8", **recipe) for recipe in LAYOUT_RECIPES]
    return by_dtype + special + by_layout


ROWS = [(conv, "test_converts_accepted_arrays") for conv in ANY_DTYPE] + [
    (conv, "test_converts_accepted_arrays_requiring_grad") for conv in GRAD_ROWS
]


@pytest.mark.parametrize(("conv", "completes"), [pytest.param(c, p, id=c.id, marks=c.marks) for c, p in ROWS])
@settings(max_examples=1, database=None)  # one pass over the grid; nothing is drawn
@given(st.none())  # check_conversion() uses assume(), legal only inside a Hypothesis test
def test_conversion_grid(conv, completes, _):
    names = FLOATING_NAMES if conv.floating_only else list(NUMPY_TO_TORCH)
    for case in grid(names):
        if not (conv.readonly_input or case.array.flags.writeable):
            continue  # DLPack's rule for read-only memory is test_from_dlpack.py's
        with property_scope(completes) as events:
            check_conversion(conv, case)
        record_events(events)
