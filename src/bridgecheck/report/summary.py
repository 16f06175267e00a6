"""The text summary ``bridgecheck run`` prints after the suite: families x outcomes, then
each known deviation and each failure with its reproduction, then the census in brief."""

from __future__ import annotations

import re
from collections import Counter

from bridgecheck.census import signature as sig
from bridgecheck.report.schema import OUTCOMES

CRASH_LINES = 20
_SHORT = {"conforms": "conforms", "known-deviation": "known-dev", "deviation-gone": "dev-gone",
          "skipped": "skipped", "new-failure": "new-fail", "crash": "crash"}


def _deviation_reason(ident: str) -> str:
    try:
        from bridgecheck import deviations

        return deviations.by_id(ident).reason
    except Exception:  # noqa: BLE001 - an id from another checkout's deviations.toml
        return ""


def table(report: dict) -> list[str]:
    props = report["properties"]
    families = sorted({p["family"] for p in props})
    width = max([len("family"), len("total"), *map(len, families)])
    head = f"{'family':<{width}}  " + "  ".join(f"{_SHORT[o]:>9}" for o in OUTCOMES) + f"  {'total':>6}"
    lines = [head, "-" * len(head)]
    for family in [*families, None]:
        rows = [p for p in props if family is None or p["family"] == family]
        counts = Counter(p["outcome"] for p in rows)
        if family is None:
            lines.append("-" * len(head))
        cells = "  ".join(f"{counts.get(o, 0) or '.':>9}" for o in OUTCOMES)
        lines.append(f"{family or 'total':<{width}}  {cells}  {len(rows):>6}")
    return lines


def render(report: dict, path: str = "") -> str:
    env = report["environment"]
    lines = [f"bridgecheck: {env['label']}" + (f"  (report: {path})" if path else ""), ""]
    lines += table(report)
    props = report["properties"]
    # One block per deviation (its reason's first sentence once), then the properties it hit.
    hits: dict[str, list[str]] = {}
    for p in props:
        for ident in p["deviations"]["seen"]:
            hits.setdefault(ident, []).append(p["id"])
    if hits:
        lines += ["", f"Known deviations ({len(hits)}, seen by {sum(map(len, hits.values()))} properties):"]
        for ident, where in sorted(hits.items()):
            reason = " ".join(_deviation_reason(ident).split())
            first = re.split(r"(?<=[a-z)])\. (?=[A-Z])", reason, maxsplit=1)[0].rstrip(".")
            lines.append(f"  {ident}: {first}." if reason else f"  {ident}")
            lines += [f"      {node}" for node in where]
    failed = [p for p in props if p["failure"]]
    if failed:
        lines += ["", f"Failures ({len(failed)}):"]
        for p in failed:
            f = p["failure"]
            lines.append(f"  {p['outcome'].upper()}  {p['id']}  ({f['exception']}, {f['phase']})")
            first = f["message"].splitlines()[0] if f["message"] else ""
            if first:
                lines.append(f"      {first}")
            if f.get("falsifying_example"):
                lines += [f"      {ln}" for ln in f["falsifying_example"].splitlines()[:8]]
            for repro in (f.get("repro") or "").splitlines():
                lines.append(f"      repro: {repro}")
    errors = report.get("collection_errors", [])
    if errors:
        lines += ["", f"Collection errors ({len(errors)}): these modules' properties are missing"]
        for err in errors:
            last = err["message"].splitlines()[-1] if err["message"] else ""
            lines.append(f"  {err['id']}: {last}")
    census = report.get("census")
    if census:
        kinds = Counter(sig.kind(c) for c in census["cells"])
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        lines += ["", f"Census: {len(census['cells'])} cells in {census['duration_s']} s ({summary})"]
        crashes = [c for c in census["cells"] if sig.is_crash(c)]
        for c in crashes[:CRASH_LINES]:
            lines.append(f"  {c['id']}: {c['exception']} {c['message']}".rstrip())
        if len(crashes) > CRASH_LINES:
            lines.append(f"  ... and {len(crashes) - CRASH_LINES} more crashing cells (see the report)")
    elif report["run"].get("census_error"):
        lines += ["", f"Census FAILED: {report['run']['census_error']}"]
    return "\n".join(lines)
