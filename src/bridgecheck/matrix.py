"""One self-contained HTML page comparing reports: rows are properties and census cells,
columns are environments (in version order: torch, then numpy), cells are coloured by outcome.

No external assets and no script: styles are inline, failure details open with
``<details>``, and the "only rows that differ" switch (on by default) is a checkbox plus a CSS
``:has()`` rule, so the page works from a mail attachment or a CI artifact viewer. Skip
reasons, the texts of the known deviations and the messages of differing census cells are
printed on the page, not in hover titles. An environment without a bridge (its
``test_bridge_available`` fails) is one labelled column state, left out of "differs".
"""

from __future__ import annotations

import html
from collections import Counter, OrderedDict
from datetime import datetime, timezone
from pathlib import Path

from packaging.version import InvalidVersion, Version

from bridgecheck.census import signature as sig

PROPERTY_LEGEND = OrderedDict([
    ("conforms", "holds as documented"),
    ("known-deviation", "departs from the contract as deviations.toml says"),
    ("deviation-gone", "a known deviation no longer shows: the contract holds"),
    ("skipped", "not observed here (reason shown)"),
    ("new-failure", "fails, not explained by a known deviation"),
    ("crash", "killed its isolated process"),
    ("missing", "not in this report"),
])
CENSUS_LEGEND = OrderedDict([
    ("alias", "returns, sharing memory with the input"),
    ("copy", "returns a copy"),
    ("returns", "returns (aliasing does not apply)"),
    ("raises", "raises an exception"),
    ("crash", "kills the process"),
    ("input-error", "input could not be built here"),
    ("missing", "not in this report"),
])

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table.m{border-collapse:collapse;margin:.5em 0}
.m th,.m td{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}
.m thead th{background:#f3f3f3;position:sticky;top:0}
.m td.id{font-family:ui-monospace,monospace;font-size:12px;white-space:normal;overflow-wrap:anywhere;max-width:30em}
tr.differs{outline:2px solid #e0a800}
tr.differs td.id{background:#fff3b0;font-weight:bold}
tr.differs td.id::before{content:"\\25B6  ";color:#b35900}
pre{white-space:pre-wrap;font-size:12px;margin:.3em 0;max-width:60em}
details summary{cursor:pointer}
.legend span{display:inline-block;margin:2px 8px 2px 0;padding:1px 6px;border:1px solid #ccc}
.o-conforms,.c-copy{background:#c8efc8}.c-returns{background:#dff5df}.c-alias{background:#b6e3f0}
.o-known-deviation{background:#fff0a8}.o-deviation-gone{background:#bcd4ff}
.o-skipped,.c-input-error{background:#e4e4e4;color:#555}
.o-new-failure{background:#ff9d9d}.c-raises{background:#ffe0c2}
.o-crash,.c-crash{background:#7a0019;color:#fff}
.o-missing,.c-missing{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eee 4px,#eee 8px);color:#888}
.nobridge{background:#d0d0d0}th.nobridge{color:#600}
small.why{display:block;color:#444;font-size:11px;max-width:22em}
body:has(#only-diff:checked) tr.same{display:none}
"""

BRIDGE_PROPERTY = "test_bridge_available"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def column_titles(reports: list[tuple[str, dict]]) -> list[str]:
    """Environment labels, made unique with column number and file name where two reports
    share one (two runs on one machine, or one file given twice)."""
    labels = [r["environment"]["label"] for _, r in reports]
    counts = Counter(labels)
    return [lab if counts[lab] == 1 else f"{lab} [#{i}: {Path(name).name}]"
            for i, (lab, (name, _)) in enumerate(zip(labels, reports), 1)]


def _version(text) -> tuple:
    try:
        return (0, Version(str(text)))
    except InvalidVersion:
        return (1, str(text))  # no torch/numpy (null) or an odd string: after the real versions


def version_order(reports: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Reports by torch version, then numpy version (2.2.2 before 2.13.0), then label."""
    def key(item):
        env = item[1]["environment"]
        return (_version(env["torch"]["version"]), _version(env["numpy"]["version"]), env["label"])
    return sorted(reports, key=key)


def no_bridge_reason(report: dict) -> str | None:
    """Why the environment has no bridge (its ``test_bridge_available`` failed), or None."""
    for p in report["properties"]:
        if p["property"] == BRIDGE_PROPERTY and p["outcome"] in ("new-failure", "crash"):
            message = (p.get("failure") or {}).get("message") or "test_bridge_available failed"
            return message.splitlines()[0].removeprefix("AssertionError: ")
    return None


NO_BRIDGE = ("no-bridge", '<td class="nobridge"></td>')


def _deviation_link(ident: str) -> str:
    return f'<a href="#dev-{_e(ident)}">{_e(ident)}</a>'


def _property_cell(entry: dict | None) -> tuple[str, str]:
    """(comparison key, html) of one property in one environment."""
    if entry is None:
        return "missing", '<td class="o-missing">missing</td>'
    outcome = entry["outcome"]
    seen = entry["deviations"]["seen"]
    key = outcome + ("[" + ",".join(seen) + "]" if seen else "")
    label = _e(outcome) + (f" ({', '.join(_deviation_link(d) for d in seen)})" if seen else "")
    cls = f"o-{outcome}"
    failure = entry.get("failure")
    if failure:
        parts = [failure["message"]]
        if failure.get("falsifying_example"):
            parts.append(failure["falsifying_example"])
        if failure.get("repro"):
            parts.append("\n".join("repro: " + r for r in failure["repro"].splitlines()))
        body = "\n\n".join(parts)
        return key, f'<td class="{cls}"><details><summary>{label}</summary><pre>{_e(body)}</pre></details></td>'
    why = f'<small class="why">{_e(entry["skip_reason"])}</small>' if entry.get("skip_reason") else ""
    return key, f'<td class="{cls}">{label}{why}</td>'


def _census_cell(cell: dict | None) -> tuple[str, str, str]:
    """(comparison key, html without the closing tag, message) of one census cell."""
    kind = sig.kind(cell)
    key = repr(sig.signature(cell)) if cell else "missing"
    return key, f'<td class="c-{kind}">{_e(sig.text(cell) if cell else "missing")}', (cell or {}).get("message") or ""


def _differs(keys: list[str]) -> bool:
    # Differs = two environments that both observed the row disagree. A row missing from a
    # report (a version without the function) or a column without a bridge is shown, not
    # counted: otherwise one bridgeless environment marks every row as changed.
    return len({k for k in keys if k not in ("missing", "no-bridge")}) > 1


def _row(label_cells: str, keys_and_html: list[tuple[str, str]]) -> tuple[bool, str]:
    differs = _differs([k for k, _ in keys_and_html])
    cls = "differs" if differs else "same"
    return differs, f'<tr class="{cls}">{label_cells}{"".join(h for _, h in keys_and_html)}</tr>'


def _census_row(label_cells: str, cells: list[tuple[str, str, str] | None]) -> tuple[bool, str]:
    """A census row; in a differing row each cell prints its message (not only on hover)."""
    differs = _differs([c[0] if c else "no-bridge" for c in cells])
    parts = []
    for c in cells:
        if c is None:
            parts.append(NO_BRIDGE)
        else:
            why = f'<small class="why">{_e(c[2])}</small>' if differs and c[2] else ""
            parts.append((c[0], f"{c[1]}{why}</td>"))
    return _row(label_cells, parts)


def _legend(items: OrderedDict, prefix: str) -> str:
    spans = "".join(f'<span class="{prefix}-{k}">{_e(k)}</span> {_e(v)}; ' for k, v in items.items())
    return (f'<p class="legend">{spans}<span style="background:#fff3b0">&#9654; bold id</span>'
            " outcome differs across environments</p>")


def _header(titles: list[str], reports, first: list[str]) -> str:
    cols = "".join(f"<th>{_e(t)}</th>" for t in first)
    for title, (name, rep) in zip(titles, reports):
        hyp = rep["environment"].get("hypothesis", {})
        sub = f"{Path(name).name} &middot; {_e(rep['created'])} &middot; profile {_e(hyp.get('profile'))}"
        reason = no_bridge_reason(rep)
        if reason:
            cols += f'<th class="nobridge">{_e(title)}<br><small>{sub}</small><br>no bridge: {_e(reason)}</th>'
        else:
            cols += f"<th>{_e(title)}<br><small>{sub}</small></th>"
    return f"<thead><tr>{cols}</tr></thead>"


def _deviation_texts(ids: list[str]) -> list[str]:
    """The known deviations the reports saw, with their reasons from deviations.toml."""
    if not ids:
        return []
    from bridgecheck import deviations

    try:
        known = {d.id: d for d in deviations.load()}
    except deviations.DeviationFileError:  # the page still lists the ids
        known = {}
    out = ["<h2>Known deviations seen</h2>", "<dl>"]
    for ident in ids:
        dev = known.get(ident)
        text = (f"{dev.reason} (torch {dev.torch}, numpy {dev.numpy})" if dev
                else "not in this bridgecheck's deviations.toml")
        out.append(f'<dt id="dev-{_e(ident)}"><b>{_e(ident)}</b></dt><dd>{_e(text)}</dd>')
    return [*out, "</dl>"]


def render(reports: list[tuple[str, dict]]) -> str:
    reports = version_order(reports)
    titles = column_titles(reports)
    bridgeless = [no_bridge_reason(rep) is not None for _, rep in reports]
    # Properties: union of ids, in first-seen order (reports list them sorted).
    order: OrderedDict[str, dict] = OrderedDict()
    for _, rep in reports:
        for p in rep["properties"]:
            order.setdefault(p["id"], p)
    by_env = [{p["id"]: p for p in rep["properties"]} for _, rep in reports]
    prop_rows, prop_diff = [], 0
    for ident, first in order.items():
        cells = [NO_BRIDGE if gone and first["property"] != BRIDGE_PROPERTY else _property_cell(env.get(ident))
                 for env, gone in zip(by_env, bridgeless)]
        label = f'<td>{_e(first["family"])}</td><td class="id">{_e(ident)}</td>'
        differs, row = _row(label, cells)
        prop_diff += differs
        prop_rows.append(row)

    census_envs = [{c["id"]: c for c in (rep.get("census") or {}).get("cells", [])} for _, rep in reports]
    cell_order: OrderedDict[str, dict] = OrderedDict()
    for _, rep in reports:
        for c in (rep.get("census") or {}).get("cells", []):
            cell_order.setdefault(c["id"], c)
    sections: OrderedDict[str, list[str]] = OrderedDict()
    diff_by_fn: Counter = Counter()
    for ident, first in cell_order.items():
        census_cells = [None if gone else _census_cell(env.get(ident)) for env, gone in zip(census_envs, bridgeless)]
        label = f'<td>{_e(first["dtype"])}</td><td class="id">{_e(first["input"])}</td>'
        differs, row = _census_row(label, census_cells)
        diff_by_fn[first["function"]] += differs
        sections.setdefault(first["function"], []).append(row)

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>bridgecheck conformance matrix</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>bridgecheck conformance matrix</h1>",
           f"<p>{len(reports)} environment(s); {len(order)} properties ({prop_diff} differ); "
           f"{len(cell_order)} census cells ({sum(diff_by_fn.values())} differ). "
           f"Generated {datetime.now(timezone.utc).isoformat(timespec='seconds')}.</p>",
           '<p><label><input type="checkbox" id="only-diff" checked> show only rows whose outcome differs '
           "(untick to see every row)</label></p>",
           "<h2>Properties</h2>", _legend(PROPERTY_LEGEND, "o"),
           '<table class="m">', _header(titles, reports, ["family", "property (node id)"]),
           "<tbody>", *prop_rows, "</tbody></table>"]
    out += ["<h2>Behaviour census</h2>"]
    if not cell_order:
        out.append("<p>No report has a census (run with --bridgecheck-census).</p>")
    else:
        out.append(_legend(CENSUS_LEGEND, "c"))
        out.append("<p>Rows that differ print each cell's exception or warning message. Warnings were "
                   "recorded in warn-always mode (see docs/report-schema.md).</p>")
        for fn, rows in sections.items():
            n = diff_by_fn[fn]
            opened = " open" if n else ""
            out += [f"<details{opened}><summary><b>{_e(fn)}</b>: {len(rows)} cells, {n} differ</summary>",
                    '<table class="m">', _header(titles, reports, ["dtype", "input"]),
                    "<tbody>", *rows, "</tbody></table></details>"]
    seen = sorted({d for _, rep in reports for p in rep["properties"] for d in p["deviations"]["seen"]})
    out += _deviation_texts(seen)
    out.append("</body></html>")
    return "\n".join(out) + "\n"
