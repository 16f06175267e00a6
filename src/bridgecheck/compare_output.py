"""``bridgecheck compare``'s text: a summary first (counts by verdict and section, the
functions with the most changes), then every change by section and verdict. Census cells
that differ only in dtype share one line. The rules themselves are in ``bridgecheck.compare``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from bridgecheck.compare import Allow, Change

_TITLES = (("regression", "Regressions"), ("fix", "Fixed or improved"),
           ("not-applicable", "Not applicable (the call exists in one version only)"), ("change", "Other changes"))
TOP = 8  # functions in the summary


def _tally(changes: list[Change]) -> str:
    blocking = sum(c.blocking for c in changes)
    allowed = sum(c.verdict == "regression" and c.allowed is not None for c in changes)
    by = Counter(c.verdict for c in changes)
    return (f"{blocking} regression(s), {allowed} allowed, {by['fix']} fix(es), "
            f"{by['not-applicable']} not applicable, {by['change']} other change(s)")


def _summary(changes: list[Change]) -> list[str]:
    """Counts by verdict and section, then the functions with the most changes."""
    lines = ["Summary: " + _tally(changes)]
    for kind, name in (("property", "properties"), ("census", "census cells")):
        by = Counter(c.verdict for c in changes if c.kind == kind)
        folded = sum(len(c.folded) for c in changes if c.kind == kind)
        parts = [f"{by[v]} {title.split(' (')[0].lower()}" for v, title in _TITLES if by[v]]
        extra = f" (+{folded} census cells described with them)" if folded else ""
        lines.append(f"  {name}: {', '.join(parts) or 'no differences'}{extra}")
    by_function: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_function[c.function or c.id].append(c)
    ranked = sorted(by_function.items(), key=lambda kv: (-sum(x.blocking for x in kv[1]),
                                                           -sum(1 + len(x.folded) for x in kv[1]), kv[0]))
    if ranked:
        lines.append("Top changes by function:")
    for function, group in ranked[:TOP]:
        verdicts = Counter(c.verdict for c in group)
        why, count = Counter(c.why for c in group).most_common(1)[0]
        folded = sum(len(c.folded) for c in group)
        lines.append(f"  {function}: {len(group)} change(s)" + (f" (+{folded} census cells)" if folded else "")
                     + " - " + ", ".join(f"{n} {v}" for v, n in verdicts.most_common())
                     + f"; most: {why} ({count})")
    if len(ranked) > TOP:
        lines.append(f"  ... and {len(ranked) - TOP} more function(s)")
    return lines


def _census_groups(group: list[Change]) -> list[tuple[Change, list[str]]]:
    """Census changes that differ only in dtype, as one line each: (first change, dtypes)."""
    merged: dict[tuple, tuple[Change, list[str]]] = {}
    for c in group:
        function, dtype, kind = c.id.rsplit(":", 2) if c.id.count(":") >= 2 else (c.id, "", "")
        key = (function, kind, c.why, c.allowed, c.old.replace(dtype, "{dtype}"), c.new.replace(dtype, "{dtype}"))
        merged.setdefault(key, (c, []))[1].append(dtype)
    return list(merged.values())


def _compress(rows: list[str]) -> list[str]:
    """``function:dtype:input: OLD  ->  NEW`` rows that differ only in dtype, as one row."""
    merged: dict[tuple, list[str]] = {}
    for row in rows:
        ident, _, change = row.partition(": ")
        parts = ident.split(":")
        if len(parts) != 3:
            merged.setdefault((row,), [])
            continue
        function, dtype, kind = parts
        merged.setdefault((function, kind, change.replace(dtype, "<dtype>")), []).append(dtype)
    out = []
    for key, dtypes in merged.items():
        if len(key) == 1:
            out.append(key[0])
        elif len(dtypes) == 1:
            out.append(f"{key[0]}:{dtypes[0]}:{key[1]}: {key[2].replace('<dtype>', dtypes[0])}")
        else:
            out.append(f"{key[0]}:{{{','.join(dtypes)}}}:{key[1]}: {key[2]}")
    return out


def _details(heading: str, subset: list[Change], census: bool) -> list[str]:
    lines = []
    for verdict, title in _TITLES:
        group = [c for c in subset if c.verdict == verdict]
        if not group:
            continue
        lines.append(f"{heading} - {title} ({len(group)}):")
        rows = _census_groups(group) if census else [(c, []) for c in group]
        for c, dtypes in rows:
            mark = "ALLOWED " if c.allowed else ""
            ident = c.id if len(dtypes) < 2 else f"{c.function}:{{{','.join(dtypes)}}}:{c.id.rsplit(':', 1)[-1]}"
            lines.append(f"  {mark}{ident}")
            old, new = (c.old, c.new) if len(dtypes) < 2 else (c.old.replace(dtypes[0], "<dtype>"),
                                                               c.new.replace(dtypes[0], "<dtype>"))
            lines.append(f"      {old}  ->  {new}   [{c.why}]")
            if c.allowed:
                lines.append(f"      allowed: {c.allowed}")
            if verdict in ("regression", "fix"):
                lines.extend(f"      {d}" for d in c.detail[:10])
            for rows, what in ((c.restated, "restated by"), (c.folded, "the same change in census cells")):
                if rows:
                    lines.append(f"      {what} ({len(rows)})")
                    rows = _compress(rows)
                    lines.extend(f"        {f}" for f in rows[:10])
                    lines.extend([f"        ... and {len(rows) - 10} more"] if len(rows) > 10 else [])
        lines.append("")
    return lines


def render(old: dict, new: dict, old_name: str, new_name: str, changes: list[Change],
           census_note: str | None, unused: list[Allow]) -> str:
    lines = [f"OLD  {old_name}: {old['environment']['label']}",
             f"NEW  {new_name}: {new['environment']['label']}", ""]
    lines += _summary(changes) + [""]
    for kind, heading in (("property", "Properties"), ("census", "Census cells")):
        subset = [c for c in changes if c.kind == kind]
        if kind == "census" and census_note:
            lines += [f"{heading}: {census_note}", ""]
        elif not subset:
            lines += [f"{heading}: no differences", ""]
        else:
            lines += _details(heading, subset, census=kind == "census")
    for allow in unused:
        lines.append(f"note: allow entry {allow.kind} = {allow.pattern!r} matched no regression")
    verdict = "REGRESSED" if any(c.blocking for c in changes) else "OK"
    lines.append(f"{verdict}: {_tally(changes)}")
    return "\n".join(lines)


