"""Differences in behaviour between two reports, and which of them are regressions.

Properties (by node id) - badness: conforms = deviation-gone (0) < known-deviation (1)
< new-failure (2) < crash (3); ``skipped`` and absent mean "not observed".

- **regression**: NEW is worse than OLD (conforms -> known-deviation, -> new-failure,
  new-failure -> crash, ...); NEW fails (new-failure/crash) where OLD did not observe the
  property (absent or skipped); or the property is absent from NEW though OLD observed it
  (a property that silently vanished checks nothing);
- **fix**: NEW is better (known-deviation -> conforms or deviation-gone, failure -> any
  passing outcome, crash -> new-failure);
- **change** (reported, never fails the gate): observed <-> skipped, conforms <->
  deviation-gone (bookkeeping), a different set of deviation ids, a new property that
  does not fail.

Census cells (by id) compare exception type, result dtype, aliasing and warnings. A cell
change is a **regression** only when it can break working code: NEW crashes where OLD did
not; a call that returned in OLD raises in NEW; or a call returns in both but with another
dtype or other aliasing (silent changes: writes stop or start propagating). **fix**: a crash
is gone. Everything else (exception type changes, raise -> return, warnings appearing or
going, unbuildable inputs, cells in one report only) is a **change**: shown, not fatal.
Properties pin the behaviours that matter; the census is a wide net for noticing movement.

**not applicable** (never fails the gate): the call does not exist in one of the two
versions: a property skipped there by its version gate (``versions.GATES``; the skip reason
starts "not applicable: needs torch ...") or a census cell whose call raises TypeError for an
unknown keyword. A property that fails in NEW where the call did not exist in OLD is shown
here with NEW's failure: it is no bridge regression.

A crash is called fixed only for the whole element-count class: where the census observes an
input kind at several element counts (``signature.COUNTED``: a vectorised loop's tail), "no
longer crashes" needs every count to stop crashing in NEW, and both reports to have the counts.

Census changes that a property change already describes (the cells named by the ``census``
globs of a deviations.toml entry seen by that property in OLD or NEW) are folded into that
property change with its verdict, and so are the rows that restate it (its deviation's
witness, its export-grid row) where their verdict is the same: one behaviour, described once.

The output leads with counts by verdict and the top changes by function, details after.
An allow file (TOML, see ``load_allow``) turns listed regressions into allowed ones.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bridgecheck.census import signature as sig
from bridgecheck.errors import UsageProblem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BADNESS = {"conforms": 0, "deviation-gone": 0, "known-deviation": 1, "new-failure": 2, "crash": 3}
FAILING = ("new-failure", "crash")


@dataclass
class Change:
    kind: str  # "property" or "census"
    id: str
    verdict: str  # "regression", "fix" or "change"
    old: str
    new: str
    why: str
    detail: list[str]
    allowed: str | None = None  # the allow entry's reason
    function: str = ""  # the bridge function, for the summary
    folded: list[str] = field(default_factory=list)  # census cells this property change describes
    restated: list[str] = field(default_factory=list)  # property rows that restate it

    @property
    def blocking(self) -> bool:
        return self.verdict == "regression" and self.allowed is None


@dataclass(frozen=True)
class Allow:
    kind: str  # "property" or "census"
    pattern: str
    reason: str


# --- properties --------------------------------------------------------------------------------

#: A skip by a version gate (``versions.skip_reason``; reports before the prefix lack it).
_GATE_SKIP = re.compile(r"^(?:not applicable: )?needs torch \S+, numpy \S+ \(installed: ")


def not_applicable(entry: dict | None) -> bool:
    """The property's call does not exist in that report's versions (skipped by its gate)."""
    return bool(entry and entry["outcome"] == "skipped" and _GATE_SKIP.match(entry.get("skip_reason") or ""))


def property_verdict(old: dict | None, new: dict | None) -> tuple[str, str] | None:
    """``(verdict, why)`` for one property, or None when nothing changed."""
    o = old["outcome"] if old else None
    n = new["outcome"] if new else None
    observed = lambda outcome: outcome not in (None, "skipped")  # noqa: E731
    if o == n:
        if o == "known-deviation" and old["deviations"]["seen"] != new["deviations"]["seen"]:
            return "change", "another known deviation applies"
        return None
    if not_applicable(old) or not_applicable(new):
        side = "OLD" if not_applicable(old) else "NEW"
        fails = " (fails in NEW)" if side == "OLD" and n in FAILING else ""
        return "not-applicable", f"the call does not exist in {side}{fails}"
    if n is None:
        return ("regression", "property missing from NEW") if observed(o) else ("change", "property gone")
    if n == "skipped":
        return "change", f"now skipped: {new.get('skip_reason') or ''}".rstrip(": ")
    if not observed(o):
        if n in FAILING:
            return "regression", f"fails in NEW, not observed in OLD ({o or 'absent'})"
        return "change", "newly observed" if o == "skipped" else "new property"
    if BADNESS[n] > BADNESS[o]:
        return "regression", "worse than OLD"
    if BADNESS[n] < BADNESS[o]:
        why = "known deviation no longer holds" if n == "deviation-gone" else "better than OLD"
        return "fix", why
    return "change", "bookkeeping: deviations.toml vs. observed behaviour"


def _property_detail(entry: dict | None) -> list[str]:
    if not entry:
        return []
    lines = []
    if entry["deviations"]["seen"]:
        lines.append("deviations: " + ", ".join(entry["deviations"]["seen"]))
    failure = entry.get("failure")
    if failure:
        lines.append(failure["message"].splitlines()[0] if failure["message"] else failure["exception"])
        if failure.get("falsifying_example"):
            lines.extend(failure["falsifying_example"].splitlines()[:6])
        if failure.get("repro"):
            lines.extend("repro: " + r for r in failure["repro"].splitlines())
    return lines


def _outcome_text(entry: dict | None) -> str:
    if entry is None:
        return "(absent)"
    if entry["outcome"] == "known-deviation":
        return f"known-deviation[{', '.join(entry['deviations']['seen'])}]"
    return entry["outcome"]


_CALL_PARAM = re.compile(r"\[((?:torch|np|Tensor)\.[\w.]*)")


def property_function(ident: str) -> str:
    """The bridge function a property row is about: its parameter where that names a call
    (``test_x[torch.from_dlpack(copy=True)]``), else the property's name."""
    found = _CALL_PARAM.search(ident)
    return found.group(1) if found else ident.split("::")[-1].split("[")[0]


def compare_properties(old: dict, new: dict) -> list[Change]:
    olds = {p["id"]: p for p in old["properties"]}
    news = {p["id"]: p for p in new["properties"]}
    changes = []
    for ident in sorted(set(olds) | set(news)):
        o, n = olds.get(ident), news.get(ident)
        verdict = property_verdict(o, n)
        if verdict is None:
            continue
        change = Change("property", ident, verdict[0], _outcome_text(o), _outcome_text(n),
                        verdict[1], _property_detail(n if n and n.get("failure") else o))
        change.function = property_function(ident)
        changes.append(change)
    return changes


# --- census ------------------------------------------------------------------------------------

def census_verdict(old: dict | None, new: dict | None) -> tuple[str, str] | None:
    if old is None or new is None:
        return "change", "cell only in " + ("NEW" if old is None else "OLD")
    if sig.signature(old) == sig.signature(new):
        return None
    if sig.not_applicable(old) or sig.not_applicable(new):
        return "not-applicable", f"the call does not exist in {'OLD' if sig.not_applicable(old) else 'NEW'}"
    if sig.is_crash(new) and not sig.is_crash(old):
        return "regression", "now crashes the process"
    if sig.is_crash(old) and not sig.is_crash(new):
        return "fix", "no longer crashes"
    if sig.is_input_error(old) or sig.is_input_error(new):
        return "change", "input could not be built in one environment"
    if old["exception"] is None and new["exception"] is not None:
        return "regression", "returned in OLD, raises in NEW"
    if old["exception"] is None and new["exception"] is None:
        if old["result_dtype"] != new["result_dtype"] or old["aliases"] != new["aliases"]:
            return "regression", "silent change of result dtype or aliasing"
        return "change", "warnings changed"
    if old["exception"] is not None and new["exception"] is None:
        return "change", "raised in OLD, returns in NEW"
    if old["exception"] != new["exception"]:
        return "change", "exception type changed"
    return "change", "warnings changed"


def compare_census(old: dict, new: dict) -> tuple[list[Change], str | None]:
    """Cell changes, and a note when a report has no census to compare."""
    oc, nc = old.get("census"), new.get("census")
    if oc is None or nc is None:
        missing = " and ".join(n for n, c in (("OLD", oc), ("NEW", nc)) if c is None)
        return [], f"census not compared: {missing} has none (run with --bridgecheck-census)"
    olds = {c["id"]: c for c in oc["cells"]}
    news = {c["id"]: c for c in nc["cells"]}
    changes = []
    for ident in [c["id"] for c in oc["cells"]] + [c["id"] for c in nc["cells"] if c["id"] not in olds]:
        o, n = olds.get(ident), news.get(ident)
        verdict = census_verdict(o, n)
        if verdict is None:
            continue
        if verdict == ("fix", "no longer crashes"):
            verdict = _crash_fix_for_the_class(o, olds, news)
        detail = [f"{side}: {c['message']}" for side, c in (("OLD", o), ("NEW", n)) if c and c.get("message")]
        change = Change("census", ident, verdict[0], sig.text(o), sig.text(n), verdict[1], detail)
        change.function = (n or o)["function"]
        changes.append(change)
    return changes, None


def _crash_fix_for_the_class(cell: dict, olds: dict, news: dict) -> tuple[str, str]:
    """A cell stopped crashing: a fix only when its whole element-count class did (see the
    module docstring); otherwise a change that says which counts still crash or are unseen."""
    kind = sig.family(cell["input"])
    if kind not in sig.COUNTED:
        return "fix", "no longer crashes"
    prefix = f"{cell['function']}:{cell['dtype']}:"
    ids = [prefix + kind] + [f"{prefix}{kind}-n{n}" for n in sig.COUNTED[kind]]
    still = [i.removeprefix(prefix) for i in ids if sig.is_crash(news.get(i))]
    if still:
        return "change", f"no longer crashes on this input, still crashes on {', '.join(still)}"
    unseen = [i.removeprefix(prefix) for i in ids if i not in olds or i not in news]
    if unseen:
        return "change", f"no longer crashes on this input; {', '.join(unseen)} not in both reports, so no fix is claimed"
    return "fix", "no longer crashes (every element count)"


_PARAM = re.compile(r"\[(.+)\]$")


def fold(changes: list[Change], old: dict, new: dict, entries=None) -> list[Change]:
    """Describe each behaviour once; returns the changes that remain.

    A property row that restates another changed property (``test_deviation_witness[ID]``
    of a deviation that property sees, ``test_export_grid[test_x]`` of property ``test_x``)
    with the same verdict is folded into it; so are census changes matched by the ``census``
    globs of a deviation the property sees in OLD or NEW (deviations.toml)."""
    if entries is None:
        from bridgecheck import deviations

        entries = deviations.load()
    globs = {e.id: e.census for e in entries if e.census}
    reports = [{p["id"]: p for p in r["properties"]} for r in (old, new)]

    def seen(c: Change) -> set[str]:
        found = set()
        for entry in (r.get(c.id) for r in reports):
            if entry:
                found.update(entry["deviations"]["seen"], entry["deviations"]["gone"])
        return found

    props = [c for c in changes if c.kind == "property"]
    name = lambda c: c.id.split("::")[-1].split("[")[0]  # noqa: E731
    param = lambda c: (_PARAM.search(c.id) or [None, None])[1]  # noqa: E731
    witnesses = {e.id for e in entries}

    def restates(c: Change, d: Change) -> bool:
        """``c`` is a grid row of property ``d`` or a witness row of a deviation ``d`` sees."""
        if param(c) in (name(d), *seen(d)):
            return True
        return param(c) in witnesses and param(d) not in witnesses and bool(seen(c) & seen(d))

    primary = [c for c in props if not any(restates(c, d) for d in props if d is not c)]
    devs = {id(c): seen(c) for c in primary}
    kept, into = [], {}
    for c in props:
        if c not in primary:
            into[id(c)] = next((d for d in primary if d.verdict == c.verdict and restates(c, d)), None)
    for c in changes:
        owner = into.get(id(c)) if c.kind == "property" else next(
            (d for d in primary if any(fnmatch.fnmatchcase(c.id, g) for dev in sorted(devs[id(d)])
                                       for g in globs.get(dev, []))), None)
        if owner is None:
            kept.append(c)
        else:
            (owner.folded if c.kind == "census" else owner.restated).append(f"{c.id}: {c.old}  ->  {c.new}")
            if c.kind == "census":
                owner.function = f"{c.function} ({name(owner)})"
    return kept


# --- allow file --------------------------------------------------------------------------------

ALLOW_HELP = """\
Allow file (TOML): one [[allow]] table per accepted regression, each with exactly one of
  property = "<node id or glob>"   e.g. "conformance/test_asarray.py::test_copy_false*"
  census   = "<cell id or glob>"   e.g. "torch.from_dlpack:*:negative-step"
and a non-empty reason = "why this is acceptable (link an issue)"."""


def load_allow(path: str | Path) -> list[Allow]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageProblem(f"{path}: no such allow file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{path}: cannot read allow file: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageProblem(f"{path}: allow file is not valid TOML: {exc}") from None
    unknown_top = set(data) - {"allow"}
    if unknown_top:
        raise UsageProblem(f"{path}: unknown top-level keys {sorted(unknown_top)}; expected [[allow]] tables")
    entries = data.get("allow", [])
    if not isinstance(entries, list):
        raise UsageProblem(f"{path}: 'allow' must be an array of tables ([[allow]])")
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: allow entry #{n}"
        if not isinstance(entry, dict):
            raise UsageProblem(f"{where}: must be a table")
        kinds = [k for k in ("property", "census") if k in entry]
        if len(kinds) != 1:
            raise UsageProblem(f"{where}: needs exactly one of property = ... or census = ...")
        unknown = set(entry) - {"property", "census", "reason"}
        if unknown:
            raise UsageProblem(f"{where}: unknown keys {sorted(unknown)}")
        pattern, reason = entry[kinds[0]], entry.get("reason")
        if not isinstance(pattern, str) or not pattern:
            raise UsageProblem(f"{where}: {kinds[0]} must be a non-empty string")
        if not isinstance(reason, str) or not reason.strip():
            raise UsageProblem(f"{where}: needs a non-empty reason")
        out.append(Allow(kinds[0], pattern, reason.strip()))
    return out


def apply_allow(changes: list[Change], allows: list[Allow]) -> list[Allow]:
    """Mark allowed regressions; returns the allow entries that matched nothing."""
    used = set()
    for change in changes:
        if change.verdict != "regression":
            continue
        for allow in allows:
            if allow.kind == change.kind and fnmatch.fnmatchcase(change.id, allow.pattern):
                change.allowed = allow.reason
                used.add(allow)
                break
    return [a for a in allows if a not in used]


# --- output: bridgecheck.compare_output --------------------------------------------------------

from bridgecheck.compare_output import render  # noqa: E402  (re-exported: compare.render)


def compare(old: dict, new: dict, allows: list[Allow] = ()) -> tuple[list[Change], str | None, list[Allow]]:
    changes = compare_properties(old, new)
    census_changes, note = compare_census(old, new)
    changes = fold(changes + census_changes, old, new)
    unused = apply_allow(changes, list(allows))
    return changes, note, unused
