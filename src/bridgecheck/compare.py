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

An allow file (TOML, see ``load_allow``) turns listed regressions into allowed ones.
"""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass
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

    @property
    def blocking(self) -> bool:
        return self.verdict == "regression" and self.allowed is None


@dataclass(frozen=True)
class Allow:
    kind: str  # "property" or "census"
    pattern: str
    reason: str


# --- properties --------------------------------------------------------------------------------

def property_verdict(old: dict | None, new: dict | None) -> tuple[str, str] | None:
    """``(verdict, why)`` for one property, or None when nothing changed."""
    o = old["outcome"] if old else None
    n = new["outcome"] if new else None
    observed = lambda outcome: outcome not in (None, "skipped")  # noqa: E731
    if o == n:
        if o == "known-deviation" and old["deviations"]["seen"] != new["deviations"]["seen"]:
            return "change", "another known deviation applies"
        return None
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


def compare_properties(old: dict, new: dict) -> list[Change]:
    olds = {p["id"]: p for p in old["properties"]}
    news = {p["id"]: p for p in new["properties"]}
    changes = []
    for ident in sorted(set(olds) | set(news)):
        o, n = olds.get(ident), news.get(ident)
        verdict = property_verdict(o, n)
        if verdict is None:
            continue
        changes.append(Change("property", ident, verdict[0], _outcome_text(o), _outcome_text(n),
                              verdict[1], _property_detail(n if n and n.get("failure") else o)))
    return changes


# --- census ------------------------------------------------------------------------------------

def census_verdict(old: dict | None, new: dict | None) -> tuple[str, str] | None:
    if old is None or new is None:
        return "change", "cell only in " + ("NEW" if old is None else "OLD")
    if sig.signature(old) == sig.signature(new):
        return None
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
        detail = [f"{side}: {c['message']}" for side, c in (("OLD", o), ("NEW", n)) if c and c.get("message")]
        changes.append(Change("census", ident, verdict[0], sig.text(o), sig.text(n), verdict[1], detail))
    return changes, None


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


# --- output ------------------------------------------------------------------------------------

_TITLES = (("regression", "Regressions"), ("fix", "Fixed or improved"), ("change", "Other changes"))


def render(old: dict, new: dict, old_name: str, new_name: str, changes: list[Change],
           census_note: str | None, unused: list[Allow]) -> str:
    lines = [f"OLD  {old_name}: {old['environment']['label']}",
             f"NEW  {new_name}: {new['environment']['label']}", ""]
    for kind, heading in (("property", "Properties"), ("census", "Census cells")):
        subset = [c for c in changes if c.kind == kind]
        if kind == "census" and census_note:
            lines += [f"{heading}: {census_note}", ""]
            continue
        if not subset:
            lines += [f"{heading}: no differences", ""]
            continue
        for verdict, title in _TITLES:
            group = [c for c in subset if c.verdict == verdict]
            if not group:
                continue
            lines.append(f"{heading} - {title} ({len(group)}):")
            for c in group:
                mark = "ALLOWED " if c.allowed else ""
                lines.append(f"  {mark}{c.id}")
                lines.append(f"      {c.old}  ->  {c.new}   [{c.why}]")
                if c.allowed:
                    lines.append(f"      allowed: {c.allowed}")
                if verdict != "change":
                    lines.extend(f"      {d}" for d in c.detail[:10])
            lines.append("")
    for allow in unused:
        lines.append(f"note: allow entry {allow.kind} = {allow.pattern!r} matched no regression")
    blocking = [c for c in changes if c.blocking]
    allowed = [c for c in changes if c.verdict == "regression" and c.allowed]
    fixes = [c for c in changes if c.verdict == "fix"]
    verdict = "REGRESSED" if blocking else "OK"
    lines.append(f"{verdict}: {len(blocking)} regression(s), {len(allowed)} allowed, "
                 f"{len(fixes)} fix(es), {len(changes) - len(blocking) - len(allowed) - len(fixes)} other change(s)")
    return "\n".join(lines)


def compare(old: dict, new: dict, allows: list[Allow] = ()) -> tuple[list[Change], str | None, list[Allow]]:
    changes = compare_properties(old, new)
    census_changes, note = compare_census(old, new)
    changes += census_changes
    unused = apply_allow(changes, list(allows))
    return changes, note, unused
