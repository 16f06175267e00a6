#!/usr/bin/env python3
"""Render docs/version-probes/*.json (output of probe_versions.py) as Markdown.

Prints two parts:
  1. a compact table, rows = probe, columns = env (cells abbreviated: exception type,
     or the "ok" summary, plus "+DW"/"+UW" when a DeprecationWarning/UserWarning was
     recorded);
  2. for every probe whose full observation differs between envs, each distinct
     observation verbatim with the envs that showed it.

Usage: python tools/version_table.py [--diff-only] [DIR-or-FILE ...]
       (default: docs/version-probes/*.json)
"""
from __future__ import annotations

import json
import pathlib
import re
import sys


def _key(path: pathlib.Path):
    m = re.match(r"torch([\d.]+)-numpy([\d.]+)", path.stem)
    if not m:
        return ((), ())
    return (tuple(int(x) for x in m.group(1).split(".")),
            tuple(int(x) for x in m.group(2).split(".")))


def short_env(stem: str) -> str:
    m = re.match(r"torch([\d.]+)-numpy([\d.]+)", stem)
    return f"{m.group(1)}/np{m.group(2)}" if m else stem


def norm(v) -> str:
    """Full observation as one line (for comparing and listing)."""
    if isinstance(v, dict):
        parts = [f"{k}={v[k]}" for k in v]
        return "; ".join(str(p) for p in parts).replace("\n", "\\n")
    return str(v).replace("\n", "\\n")


def cell(v) -> str:
    warn = ""
    if isinstance(v, dict):
        ws = v.get("warnings") or []
        if any(w.startswith("DeprecationWarning") for w in ws):
            warn += "+DW"
        if any(w.startswith("UserWarning") for w in ws):
            warn += "+UW"
        v = v.get("result", "")
    s = str(v)
    if s.startswith("crash:"):
        s = s.split(" |")[0]
    elif s.startswith("ok: "):
        s = s[4:]
        s = s if len(s) <= 38 else s[:36] + "…"
    elif s.startswith("n/a"):
        s = "n/a"
    elif s.startswith("probe-error"):
        s = "probe-error"
    else:
        m = re.match(r"(\w+): ", s)
        if m:
            s = m.group(1)
        elif len(s) > 38:
            s = s[:36] + "…"
    return (s + warn).replace("|", "\\|")


def main(argv):
    args = argv[1:]
    diff_only = "--diff-only" in args
    args = [a for a in args if a != "--diff-only"] or ["docs/version-probes"]
    files = []
    for a in args:
        p = pathlib.Path(a)
        files += sorted(p.glob("*.json")) if p.is_dir() else [p]
    files = sorted(files, key=_key)
    data = {f.stem: json.loads(f.read_text()) for f in files}
    envs = list(data)
    names: list[str] = []
    for e in envs:
        for n in data[e]["probes"]:
            if n not in names:
                names.append(n)
    out = []
    out.append("| probe | " + " | ".join(short_env(e) for e in envs) + " |")
    out.append("|---|" + "---|" * len(envs))
    for n in names:
        vals = [data[e]["probes"].get(n, "—") for e in envs]
        differs = len({norm(v) for v in vals}) > 1
        if diff_only and not differs:
            continue
        label = f"**{n}**" if differs else n
        out.append(f"| {label} | " + " | ".join(cell(v) for v in vals) + " |")
    out.append("")
    out.append("Import-time observations:")
    out.append("")
    for e in envs:
        imp = data[e]["import"]
        out.append(f"- {short_env(e)}: error={imp['error']}; warnings={imp['warnings']}; "
                   f"stderr lines={imp['stderr_lines']} {imp['stderr_excerpt'][:3]}")
    out.append("")
    out.append("## Differing probes, verbatim")
    out.append("")
    for n in names:
        groups: dict[str, list[str]] = {}
        for e in envs:
            groups.setdefault(norm(data[e]["probes"].get(n, "—")), []).append(short_env(e))
        if len(groups) < 2:
            continue
        out.append(f"### `{n}`")
        out.append("")
        for obs, es in groups.items():
            code = f"`` {obs} ``" if "`" in obs else f"`{obs}`"
            out.append(f"- {', '.join(es)}: {code}")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv)
