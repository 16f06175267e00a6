"""What the array and tensor strategies share: size limits, the ``shape=`` argument, element
data (drawn bits, or values from an ``elements=`` strategy), and reprs that read like the call.

Elements are drawn one by one up to ``REPEAT_ABOVE`` elements. A larger input draws a pattern
of at most ``PATTERN`` elements that the builder repeats (``repeat=True`` in the recipe): cheap
to draw, and its reproduction stays one line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from bridgecheck.strategies.elements import data_hex

__all__ = ["MAX_ELEMENTS", "PATTERN", "REPEAT_ABOVE"]

#: Most elements an array or tensor may have (a layout's base can hold a few times more).
MAX_ELEMENTS = 2**20
#: Inputs with more elements than this repeat a drawn pattern of up to ``PATTERN`` elements.
REPEAT_ABOVE = 4096
PATTERN = 64


def check_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be an int")


def check_count(what: str, count: int) -> None:
    if count > MAX_ELEMENTS:
        raise InvalidArgument(f"{what} allow {count} elements; keep it at most {MAX_ELEMENTS}")


def shape_argument(shape: Any, max_dims: int) -> tuple[int, ...] | SearchStrategy:
    """``shape=`` as hypothesis.extra.numpy takes it: an int (1-d), a tuple of sides, or a
    strategy of tuples (checked per draw)."""
    if isinstance(shape, SearchStrategy):
        return shape
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or any(
        not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in shape
    ):
        raise InvalidArgument(f"shape={shape!r}: expected an int, a tuple of ints >= 0, or a strategy of tuples")
    if len(shape) > max_dims:
        raise InvalidArgument(f"shape={tuple(shape)!r} has {len(shape)} axes; at most {max_dims} here")
    check_count(f"shape={tuple(shape)!r} would", math.prod(shape))
    return tuple(shape)


def no_sizes_with_shape(shape: Any, **sizes: Any) -> None:
    given = [name for name, value in sizes.items() if value is not None]
    if shape is not None and given:
        raise InvalidArgument(f"pass shape= or {', '.join(given)}, not both")


def drawn_shape(draw: Callable, shape: tuple[int, ...] | SearchStrategy, max_dims: int) -> tuple[int, ...]:
    """The fixed shape, or one drawn from the ``shape=`` strategy (checked like a fixed one)."""
    if isinstance(shape, tuple):
        return shape
    checked = shape_argument(draw(shape, label="shape"), max_dims)
    if not isinstance(checked, tuple):
        raise InvalidArgument(f"the shape= strategy drew {checked!r}, not a tuple of ints")
    return checked


def draw_data(draw: Callable, kind: str, name: str, itemsize: int, count: int,
              elements: SearchStrategy | None, to_hex: Callable[[list], str] | None) -> tuple[str, bool]:
    """(hex of the elements, whether the builder repeats them as a pattern)."""
    repeat = count > REPEAT_ABOVE
    n = draw(st.integers(1, PATTERN), label="pattern") if repeat else count
    if elements is None:
        return draw(data_hex(kind, name, itemsize, n), label="data"), repeat
    assert to_hex is not None
    return to_hex(draw(st.lists(elements, min_size=n, max_size=n), label="elements")), repeat


def unrepresentable(values: Sequence, back: Sequence, dtype: object) -> None:
    """InvalidArgument (as hypothesis.extra.numpy raises) when an ``elements=`` value did not
    survive conversion to the dtype unchanged."""
    for value, got in zip(values, back):
        same = value == got or (value != value and got != got)  # NaN stays NaN
        if not same:
            raise InvalidArgument(f"elements drew {value!r}, which {dtype} cannot hold exactly (it becomes {got!r})")


class Called(SearchStrategy):
    """A strategy whose repr is the call that made it: ``arrays(dtype='float32', shape=(2, 3))``."""

    def __init__(self, inner: SearchStrategy, name: str, arguments: dict[str, Any]) -> None:
        super().__init__()
        self._inner = inner
        shown = ", ".join(f"{key}={_show(value)}" for key, value in arguments.items() if value is not None)
        self._text = f"{name}({shown})"

    def do_draw(self, data):
        return data.draw(self._inner)

    def __repr__(self) -> str:
        return self._text


def _show(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    if isinstance(value, (list, tuple)) and not isinstance(value, str) and len(value) > 8:
        return f"[{', '.join(map(_show, list(value)[:8]))}, ...]"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(map(_show, value))
        return f"({inner},)" if isinstance(value, tuple) and len(value) == 1 else (
            f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
    return repr(value)
