"""What a census cell observed, as comparable data and as short text (no torch needed:
``compare`` and ``matrix`` read reports from any machine)."""

from __future__ import annotations

import re

#: Input kinds whose behaviour depends on the element count (a vectorised loop's tail):
#: the census observes each with several counts, as ``<kind>-n<count>`` beside ``<kind>``.
COUNTED = {"unaligned": (1, 7, 8)}
_COUNT = re.compile(r"-n(\d+)$")
#: How Python says a call does not exist in this version.
_NO_SUCH_CALL = re.compile(r"unexpected keyword argument|takes no keyword arguments|has no attribute")

#: The fields that make up a cell's behaviour; ``message`` is shown but never compared
#: (wording changes are not behaviour changes).
FIELDS = ("exception", "result_dtype", "aliases", "warnings")


def signature(cell: dict) -> tuple:
    return tuple(tuple(cell[f]) if f == "warnings" else cell.get(f) for f in FIELDS)


def is_crash(cell: dict | None) -> bool:
    return bool(cell and (cell.get("exception") or "").startswith("crash:"))


def is_input_error(cell: dict | None) -> bool:
    return bool(cell and (cell.get("exception") or "").startswith("input:"))


def kind(cell: dict | None) -> str:
    """``missing``, ``crash``, ``input-error``, ``raises``, ``alias``, ``copy`` or ``returns``:
    the colour class of a cell in the matrix."""
    if cell is None:
        return "missing"
    if is_crash(cell):
        return "crash"
    if is_input_error(cell):
        return "input-error"
    if cell.get("exception"):
        return "raises"
    if cell.get("aliases") is True:
        return "alias"
    if cell.get("aliases") is False:
        return "copy"
    return "returns"


def text(cell: dict | None) -> str:
    """``returns float32 (alias) +UserWarning`` / ``raises TypeError`` / ``crash:SIGABRT``."""
    if cell is None:
        return "(not in report)"
    exc = cell.get("exception")
    if exc and exc.startswith(("crash:", "input:")):
        out = exc if exc.startswith("crash:") else f"unbuildable input ({exc[6:]})"
    elif exc:
        out = f"raises {exc}"
    else:
        share = {True: " (alias)", False: " (copy)"}.get(cell.get("aliases"), "")
        out = f"returns {cell.get('result_dtype')}{share}"
    warned = cell.get("warnings") or []
    return out + "".join(f" +{w}" for w in warned)


def family(input_kind: str) -> str:
    """The input kind without its element-count class: ``unaligned-n7`` -> ``unaligned``."""
    return _COUNT.sub("", input_kind)


def not_applicable(cell: dict | None) -> bool:
    """The cell's call does not exist in this version (a TypeError for an unknown keyword):
    not a behaviour of the bridge."""
    return bool(cell and cell.get("exception") == "TypeError" and _NO_SUCH_CALL.search(cell.get("message") or ""))
