"""``arrays()`` and ``numpy_scalars()`` draw what they claim, and cases rebuild from their repr.

Every claim is counted over a fixed, derandomized sample: each layout kind, dtype, byte order,
flag and subclass must show up, and each layout's defining property must hold on every array
drawn as that layout.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

import bridgecheck.build
from bridgecheck.dtypes import NUMPY_TO_TORCH, REFUSED_NUMPY, refused_numpy_dtype
from bridgecheck.strategies import LAYOUTS, arrays, numpy_dtypes, numpy_scalars
from tests.support import assert_reaches, count, draw_many

N = 400


@pytest.fixture(scope="module")
def drawn():
    return draw_many(arrays(), N)


def c_strides(shape, itemsize):
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def pointer(a) -> int:
    return a.__array_interface__["data"][0]


def root(a: np.ndarray) -> np.ndarray:
    """The last ndarray in ``a``'s chain of bases (the one whose memory views cut into)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def long_axes(a) -> int:
    return sum(n > 1 for n in a.shape)


# --- what is reached -------------------------------------------------------------------------


def test_every_layout_is_reached(drawn):
    # Hypothesis repeats earlier choices, so counts are uneven (and move when the set of
    # imported modules changes: it mixes their literals into its choices). At least once each.
    assert_reaches(count(drawn, lambda c: c.layout), LAYOUTS, what=f"{N} arrays()")


def test_every_accepted_dtype_is_reached(drawn):
    counts = count(drawn, lambda c: c.array.dtype.newbyteorder("=").name)
    assert_reaches(counts, NUMPY_TO_TORCH, what=f"{N} arrays()")
    assert set(counts) <= set(NUMPY_TO_TORCH), f"arrays() drew unclaimed dtypes: {counts}"


# Keyed by (str, char): 'Q' (ulonglong) and '<u8' (ulong) are equal dtypes but not the same.
REFUSED = {(refused_numpy_dtype(n).str, refused_numpy_dtype(n).char): n for n in REFUSED_NUMPY}


def refused_name(dtype: np.dtype) -> str:
    return REFUSED.get((dtype.newbyteorder("=").str, dtype.char), dtype.str)


def test_refused_dtypes_are_reached():
    drawn = draw_many(arrays(numpy_dtypes(kind="refused")), 150)
    counts = count(drawn, lambda c: refused_name(c.array.dtype))
    assert set(counts) <= set(REFUSED_NUMPY) and len(counts) >= 6, counts


@pytest.mark.parametrize("name", REFUSED_NUMPY)
def test_each_refused_dtype_is_drawn_as_itself(name):
    drawn = draw_many(arrays(numpy_dtypes(names=[name], kind="refused")), 8)
    assert {refused_name(c.array.dtype) for c in drawn} == {name}
    assert all(c.array.dtype.char == refused_numpy_dtype(name).char for c in drawn)
    problems = [(why, repr(c)[:150]) for c in drawn if (why := layout_problem(c) or rebuild_problem(c))]
    assert not problems, problems[:3]


def test_shapes_include_0d_and_zero_size(drawn):
    zero_d = sum(c.array.ndim == 0 for c in drawn)
    empty = sum(c.array.size == 0 for c in drawn)
    assert zero_d >= 5, f"{zero_d} 0-d arrays in {N}"
    assert empty >= 5, f"{empty} zero-size arrays in {N}"
    assert max(c.array.ndim for c in drawn) >= 3


def test_flags_and_subclasses_are_reached(drawn):
    found = {
        "read-only": sum(not c.array.flags.writeable for c in drawn),
        "unaligned": sum(not c.array.flags.aligned for c in drawn),
        "non-native": sum(not c.array.dtype.isnative for c in drawn),
        "negative stride": sum(any(s < 0 for s in c.array.strides) for c in drawn),
        "zero stride": sum(any(s == 0 and n > 1 for n, s in zip(c.array.shape, c.array.strides)) for c in drawn),
        "matrix": sum(type(c.array) is np.matrix for c in drawn),
        "masked": sum(type(c.array) is np.ma.MaskedArray for c in drawn),
        "memmap": sum(type(c.array) is np.memmap for c in drawn),
        "plain ndarray": sum(type(c.array) is np.ndarray for c in drawn),
    }
    short = {k: v for k, v in found.items() if v < 5}
    assert not short, f"reached fewer than 5 times in {N}: {short}; all {found}"


@pytest.fixture(scope="module")
def non_native():
    return draw_many(arrays(numpy_dtypes(byteorder="non-native")), 150)


def test_non_native_byte_order_on_request(non_native):
    assert all(not c.array.dtype.isnative for c in non_native), [c.describe() for c in non_native if c.array.dtype.isnative][:3]
    assert len(count(non_native, lambda c: c.array.dtype.newbyteorder("=").name)) >= 6
    # Views of non-native memory, not only the C-order kind:
    assert len(count(non_native, lambda c: c.layout)) >= 8


@pytest.mark.parametrize("name", [n for n in NUMPY_TO_TORCH if np.dtype(n).itemsize > 1])
def test_each_multibyte_dtype_comes_non_native(name):
    drawn = draw_many(arrays(numpy_dtypes(names=[name], byteorder="non-native")), 8)
    assert all(not c.array.dtype.isnative and c.array.dtype.newbyteorder("=").name == name for c in drawn)


def test_byteorder_any_mixes_both():
    drawn = draw_many(arrays(numpy_dtypes(byteorder="any"), layouts=["c-order"], max_dims=1), 100)
    natives = sum(c.array.dtype.isnative for c in drawn)
    assert 10 <= natives <= 90, f"{natives} native of 100"


# --- what each layout is ---------------------------------------------------------------------


def layout_problem(case) -> str | None:
    """Why ``case.array`` is not what its layout kind says, or None."""
    a, layout, r = case.array, case.layout, case.recipe
    plain = a.view(np.ndarray)
    nonempty = a.size > 0
    if layout == "c-order" and not a.flags.c_contiguous:
        return "not C-contiguous"
    if layout == "fortran":
        if not a.flags.f_contiguous:
            return "not F-contiguous"
        if nonempty and long_axes(a) >= 2 and a.flags.c_contiguous:
            return "C-contiguous too"
    if layout == "transposed":
        if a.ndim < 2 or list(r["axes"]) == sorted(r["axes"]):
            return "no transposition"
        if not plain.transpose(np.argsort(r["axes"])).flags.c_contiguous:
            return "undoing the permutation does not give C order"
        if nonempty and long_axes(a) >= 2 and a.flags.c_contiguous:
            return "still C-contiguous"
    if layout == "stepped":
        if any(s < 0 for s in a.strides):
            return "negative stride"
        if nonempty and long_axes(a) and (a.flags.c_contiguous or a.flags.f_contiguous):
            return "no holes"
    if layout == "negative-step" and nonempty and not any(s < 0 for s in a.strides):
        return "no negative stride"
    if layout == "offset" and nonempty:  # NumPy points an empty slice at its base's start
        base = root(a)
        start = pointer(a) - pointer(base)
        if not (start > 0 and start == r["offset"] * a.itemsize):
            return f"starts {start} bytes into its base"
        if start + a.nbytes > base.nbytes:
            return "runs past the end of its base"
    if layout == "broadcast":
        if a.flags.writeable:
            return "writeable"
        if long_axes(a) and not any(s == 0 and n > 1 for n, s in zip(a.shape, a.strides)):
            return "no zero stride on a long axis"
    if layout == "as-strided":
        if not a.flags.writeable:
            return "read-only"
        if nonempty and long_axes(a):
            zero = any(s == 0 and n > 1 for n, s in zip(a.shape, a.strides))
            offsets = {sum(i * s for i, s in zip(index, a.strides)) for index in np.ndindex(a.shape)}
            if not zero and len(offsets) == a.size:
                return "neither a zero stride nor overlapping elements"
    if layout == "size1-odd-strides":
        odd = [i for i, (n, s, c) in enumerate(zip(a.shape, a.strides, c_strides(a.shape, a.itemsize))) if n == 1 and s != c]
        if not odd:
            return "no length-1 axis with a stride other than the C stride"
    if layout == "readonly" and a.flags.writeable:
        return "writeable"
    if layout == "byteswapped" and a.dtype.isnative:
        return "native byte order"
    if layout == "unaligned" and a.itemsize > 1 and a.flags.aligned:
        return "aligned"
    if layout == "matrix" and type(a) is not np.matrix:
        return f"type {type(a).__name__}"
    if layout == "masked":
        if type(a) is not np.ma.MaskedArray:
            return f"type {type(a).__name__}"
        if "".join("1" if m else "0" for m in np.ma.getmaskarray(a).reshape(-1)) != r["mask"]:
            return "mask differs from the recipe"
    if layout == "memmap":
        if not isinstance(a, np.memmap):
            return f"type {type(a).__name__}"
        if a.flags.writeable != (r["mode"] != "r"):
            return f"mode {r['mode']} but writeable={a.flags.writeable}"
    if layout == "odd-byte-strides" and not any(s % a.itemsize for s in a.strides):
        return "every stride a multiple of the item size"
    if layout not in ("byteswapped",) and not r.get("swapped") and not a.dtype.isnative:
        return "non-native without being asked"
    return None


def test_each_layout_has_its_defining_property(drawn):
    problems = [(c.layout, why, c.describe()) for c in drawn if (why := layout_problem(c))]
    assert not problems, f"{len(problems)} of {N} arrays break their layout, e.g. {problems[:3]}"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_alone(layout):
    drawn = draw_many(arrays(layouts=[layout]), 12)
    assert {c.layout for c in drawn} == {layout}
    problems = [(why, c.describe()) for c in drawn if (why := layout_problem(c) or rebuild_problem(c))]
    assert not problems, problems[:3]


def test_layout_properties_hold_for_non_native_arrays_too(non_native):
    problems = [(c.layout, why, c.describe()) for c in non_native if (why := layout_problem(c))]
    assert not problems, problems[:3]


def test_dimension_and_side_bounds_are_kept():
    drawn = draw_many(arrays(min_dims=2, max_dims=3, min_side=2, max_side=2), 80)
    bad = [c.describe() for c in drawn if not (2 <= c.array.ndim <= 3 and all(n == 2 for n in c.array.shape))]
    assert not bad, bad[:3]
    assert "size1-odd-strides" not in count(drawn, lambda c: c.layout)  # needs a length-1 axis


# --- scalars ---------------------------------------------------------------------------------


def test_numpy_scalars_are_generic_not_arrays():
    drawn = draw_many(numpy_scalars(), 150)
    bad = [repr(c) for c in drawn if not isinstance(c.value, np.generic) or isinstance(c.value, np.ndarray)]
    assert not bad, bad[:3]
    counts = count(drawn, lambda c: c.value.dtype.name)
    assert set(counts) <= set(NUMPY_TO_TORCH) and len(counts) >= 10, counts


@pytest.mark.parametrize("name", NUMPY_TO_TORCH)
def test_numpy_scalars_of_each_dtype(name):
    drawn = draw_many(numpy_scalars(name), 5)
    assert all(type(c.value) is np.dtype(name).type for c in drawn), [repr(c) for c in drawn]


def test_numpy_scalars_of_refused_dtypes_are_generic_too():
    drawn = draw_many(numpy_scalars(numpy_dtypes(kind="refused")), 150)
    bad = [repr(c) for c in drawn if not isinstance(c.value, np.generic)]
    assert not bad, bad[:3]
    assert any(type(c.value) is np.ulonglong for c in drawn)


# --- descriptions and reproductions ----------------------------------------------------------


def test_describe_names_dtype_shape_strides_layout_and_flags(drawn):
    for c in drawn:
        a, text = c.array, c.describe()
        for needed in (a.dtype.str, f"shape={a.shape}", f"strides={a.strides}", f"layout={c.layout}"):
            assert needed in text, f"{needed!r} missing from {text!r}"
        for flag in ("writeable", "aligned", "c-contiguous", "f-contiguous"):
            assert flag in text, text
        assert ("!writeable" in text) == (not a.flags.writeable), text
        assert ("!aligned" in text) == (not a.flags.aligned), text
        if type(a) is not np.ndarray:
            assert type(a).__name__ in text, text


def element_bytes(a) -> bytes:
    """Element bytes in C order; object arrays by the float bits of their items, long double
    without the padding bytes of its 80-bit format (copies need not keep those)."""
    a = np.asarray(a)
    if a.dtype.kind == "O":
        return b"".join(struct.pack("<d", x) for x in a.reshape(-1).tolist())
    raw = a.astype(a.dtype.newbyteorder("="), copy=False).tobytes()
    if a.dtype.char in "gG" and np.finfo(np.longdouble).nmant == 63:
        part = a.itemsize if a.dtype.char == "g" else a.itemsize // 2
        return b"".join(raw[i : i + 10] for i in range(0, len(raw), part))
    return raw


def rebuild_problem(case) -> str | None:
    a = case.array
    text = repr(case)
    if not text.startswith("bridgecheck.build.array("):
        return f"repr is {text[:60]!r}"
    b = eval(text, {"bridgecheck": bridgecheck})  # noqa: S307 - our own repr
    for what, x, y in (
        ("type", type(a), type(b)),
        ("dtype", a.dtype, b.dtype),
        ("dtype.str", a.dtype.str, b.dtype.str),
        ("type char", a.dtype.char, b.dtype.char),
        ("shape", a.shape, b.shape),
        ("strides", a.strides, b.strides),
        ("flags", flag_dict(a), flag_dict(b)),
        ("element bytes", element_bytes(a), element_bytes(b)),
        ("offset into base", pointer(a) - pointer(root(a)), pointer(b) - pointer(root(b))),
    ):
        if x != y:
            return f"{what}: {x!r} != {y!r}"
    if isinstance(a, np.ma.MaskedArray) and not np.array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b)):
        return "mask"
    return None


def flag_dict(a: np.ndarray) -> dict:
    f = a.flags
    return {k: getattr(f, k) for k in ("writeable", "aligned", "c_contiguous", "f_contiguous", "owndata", "writebackifcopy")}


def test_repr_rebuilds_identical_arrays(drawn):
    problems = [(why, repr(c)[:200]) for c in drawn if (why := rebuild_problem(c))]
    assert not problems, f"{len(problems)} of {N} do not round-trip, e.g. {problems[:3]}"


def test_repr_rebuilds_every_dtype_and_byte_order():
    drawn = draw_many(arrays(numpy_dtypes(kind="all", byteorder="any")), 150)
    problems = [(why, repr(c)[:200]) for c in drawn if (why := rebuild_problem(c))]
    assert not problems, problems[:3]


def test_scalar_repr_rebuilds_the_scalar():
    for c in draw_many(numpy_scalars(numpy_dtypes(kind="all")), 150):
        v = eval(repr(c), {"bridgecheck": bridgecheck})  # noqa: S307
        assert type(v) is type(c.value) and v.dtype == c.value.dtype and v.dtype.char == c.value.dtype.char
        assert element_bytes(v) == element_bytes(c.value), repr(c)


if __name__ == "__main__":  # print the counts this module asserts on
    sample = draw_many(arrays(), N)
    print("layouts", sorted(count(sample, lambda c: c.layout).items(), key=lambda kv: kv[1]))
    print("dtypes", sorted(count(sample, lambda c: c.array.dtype.newbyteorder("=").name).items(), key=lambda kv: kv[1]))
