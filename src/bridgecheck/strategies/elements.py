"""Element values as raw bit patterns, with the values that break bridges over-represented.

Every element is drawn as the little-endian bytes of one item, half the time from a list of
interesting patterns (signed zeros, infinities, quiet and signalling NaNs with payloads and
either sign, subnormals, extremes) and otherwise uniformly over all patterns of the width. Bits
rather than Python numbers, because ``st.floats`` cannot ask for a NaN payload and a value
cast through a Python float can lose one.
"""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

#: Float formats by name: (exponent bits, mantissa bits, has infinities/NaN like IEEE).
FLOAT_FORMATS: dict[str, tuple[int, int]] = {
    "float16": (5, 10),
    "bfloat16": (8, 7),
    "float32": (8, 23),
    "float64": (11, 52),
    "float8_e4m3fn": (4, 3),
    "float8_e5m2": (5, 2),
    "float8_e4m3fnuz": (4, 3),
    "float8_e5m2fnuz": (5, 2),
    "float8_e8m0fnu": (8, 0),
}

#: Complex formats: the float format of each part.
COMPLEX_PARTS = {"complex32": "float16", "complex64": "float32", "complex128": "float64"}


def ieee_specials(exponent: int, mantissa: int) -> list[int]:
    """Interesting bit patterns of a binary float format (sign, exponent, mantissa)."""
    sign = 1 << (exponent + mantissa)
    exp_all = ((1 << exponent) - 1) << mantissa
    quiet = 1 << (mantissa - 1) if mantissa else 0
    one = ((1 << (exponent - 1)) - 1) << mantissa
    max_finite = (((1 << exponent) - 2) << mantissa) | ((1 << mantissa) - 1)
    patterns = {
        0, sign,                                   # +0.0, -0.0
        exp_all, sign | exp_all,                   # +inf, -inf (NaN in some float8 kinds)
        exp_all | quiet, sign | exp_all | quiet,   # canonical quiet NaNs of both signs
        exp_all | quiet | 1,                       # quiet NaN with a payload
        exp_all | 1,                               # signalling NaN
        (exp_all | ((1 << mantissa) - 1)),          # all-ones payload NaN
        1, (1 << mantissa) - 1,                    # smallest and largest subnormal
        1 << mantissa,                             # smallest normal
        max_finite, sign | max_finite,             # largest finite of both signs
        one, sign | one,                           # +-1.0
    }
    width = 1 + exponent + mantissa
    return sorted(p & ((1 << width) - 1) for p in patterns)


def _pattern_bytes(patterns: st.SearchStrategy[int], nbytes: int) -> st.SearchStrategy[bytes]:
    return patterns.map(lambda v: (v % (1 << (8 * nbytes))).to_bytes(nbytes, "little"))


@cache
def element_bytes(kind: str, name: str, itemsize: int) -> st.SearchStrategy[bytes]:
    """Bytes of one element. ``kind`` is a NumPy kind letter (b i u f c U S V M m O) and
    ``name`` the dtype's name, which picks the float format.
    """
    if kind == "b":
        return st.sampled_from([b"\x00", b"\x01"])
    if kind in "iu":
        bits = 8 * itemsize
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if kind == "i" else (0, (1 << bits) - 1)
        extremes = st.sampled_from(sorted({lo, hi, 0, 1, -1 if kind == "i" else 2, lo + 1, hi - 1}))
        return _pattern_bytes(st.one_of(extremes, st.integers(lo, hi)), itemsize)
    if kind == "c":
        part = element_bytes("f", COMPLEX_PARTS.get(name, f"float{itemsize * 4}"), itemsize // 2)
        return st.tuples(part, part).map(b"".join)
    if kind == "f" and name in FLOAT_FORMATS:
        exponent, mantissa = FLOAT_FORMATS[name]
        specials = st.sampled_from(ieee_specials(exponent, mantissa)) if mantissa else st.nothing()
        return _pattern_bytes(st.one_of(specials, st.integers(0, (1 << (8 * itemsize)) - 1)), itemsize)
    if kind == "U":
        char = st.integers(0x20, 0x7E).map(lambda c: c.to_bytes(4, "little"))
        return st.lists(char, min_size=itemsize // 4, max_size=itemsize // 4).map(b"".join)
    if kind == "S":
        return st.binary(min_size=itemsize, max_size=itemsize).map(
            lambda b: bytes(0x20 + x % 0x5F for x in b)
        )
    if kind == "O":
        # Object arrays are built from float64 bits (see build.values).
        return element_bytes("f", "float64", 8)
    # longdouble, clongdouble, structured, datetime64, timedelta64: any bits will do.
    return st.binary(min_size=itemsize, max_size=itemsize)


@cache  # one strategy per element type and count: built once, not for every example
def data_hex(kind: str, name: str, itemsize: int, count: int) -> st.SearchStrategy[str]:
    """Hex of ``count`` elements' bytes (the ``data`` argument of the builders)."""
    one = element_bytes(kind, name, itemsize)
    return st.lists(one, min_size=count, max_size=count).map(lambda parts: b"".join(parts).hex())
