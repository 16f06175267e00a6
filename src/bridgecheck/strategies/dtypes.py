"""Strategies for NumPy dtypes: those torch accepts and, on request, those it refuses."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from bridgecheck.dtypes import NUMPY_TO_TORCH, REFUSED_NUMPY, refused_numpy_dtype

ACCEPTED_NAMES: tuple[str, ...] = tuple(NUMPY_TO_TORCH)
REFUSED_NAMES: tuple[str, ...] = tuple(REFUSED_NUMPY)
ByteOrder = Literal["native", "non-native", "any"]


def _resolve(name: str) -> np.dtype:
    return np.dtype(name) if name in NUMPY_TO_TORCH else refused_numpy_dtype(name)


def numpy_dtypes(
    *,
    names: Collection[str] | None = None,
    kind: Literal["accepted", "refused", "all"] = "accepted",
    byteorder: ByteOrder = "native",
) -> st.SearchStrategy[np.dtype]:
    """Dtypes by name: every dtype torch accepts by default (``bool``, ``int8``–``int64``,
    ``uint8``–``uint64``, ``float16/32/64``, ``complex64/128``).

    ``kind="refused"`` draws the dtypes torch refuses (``longdouble``, ``clongdouble``,
    ``object``, ``str``, ``bytes``, ``structured``, ``datetime64``, ``timedelta64`` and the
    ``ulonglong`` alias of uint64); ``"all"`` both. ``names`` narrows to a subset.
    ``byteorder="non-native"`` swaps multi-byte dtypes (single-byte ones have no order and
    are left out); ``"any"`` mixes both.
    """
    pool = {"accepted": ACCEPTED_NAMES, "refused": REFUSED_NAMES, "all": ACCEPTED_NAMES + REFUSED_NAMES}
    if kind not in pool:
        raise InvalidArgument(f"kind={kind!r}; expected 'accepted', 'refused' or 'all'")
    if byteorder not in ("native", "non-native", "any"):
        raise InvalidArgument(f"byteorder={byteorder!r}; expected 'native', 'non-native' or 'any'")
    chosen = list(pool[kind])
    if isinstance(names, str):
        raise InvalidArgument(f"names={names!r} is one name; pass a collection: names=[{names!r}]")
    if names is not None:
        unknown = sorted(set(names) - set(pool["all"]))
        if unknown:
            raise InvalidArgument(f"unknown dtype names {unknown}; choose from {sorted(pool['all'])}")
        chosen = [n for n in chosen if n in set(names)]
    dtypes = [_resolve(n) for n in chosen]
    if byteorder == "non-native":
        dtypes = [d.newbyteorder("S") for d in dtypes if d.itemsize > 1 and d.kind not in "OUSV"]
    if not dtypes:
        raise InvalidArgument(f"no dtype left for names={names!r}, kind={kind!r}, byteorder={byteorder!r}")
    strategy = st.sampled_from(dtypes)
    if byteorder == "any":
        swappable = [d.newbyteorder("S") for d in dtypes if d.itemsize > 1 and d.kind not in "OUSV"]
        if swappable:
            strategy = st.one_of(strategy, st.sampled_from(swappable))
    return strategy
