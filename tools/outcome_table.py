"""Markdown table of outcomes per environment, from bridgecheck reports.

    python tools/outcome_table.py reports/tox/*.json

One row per report: environment, properties run, conforming, known deviations (and how many
distinct entries), skipped, new failures, crashes, deviations gone.
"""

from __future__ import annotations

import sys
from collections import Counter

from bridgecheck.report import schema


def row(path: str) -> str:
    report = schema.load(path)
    outcomes = Counter(p["outcome"] for p in report["properties"])
    seen = {d for p in report["properties"] for d in p["deviations"]["seen"]}
    env = path.rsplit("/", 1)[-1].removesuffix(".json")
    label = report["environment"]["label"]
    return (
        f"| {env} | {label} | {len(report['properties'])} | {outcomes['conforms']} | "
        f"{outcomes['known-deviation']} ({len(seen)} entries) | {outcomes['skipped']} | "
        f"{outcomes['new-failure']} | {outcomes['crash']} | {outcomes['deviation-gone']} |"
    )


def main(paths: list[str]) -> None:
    print("| env | versions | properties | conforms | known deviation | skipped | new failure | crash | deviation gone |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in paths:
        print(row(path))


if __name__ == "__main__":
    main(sys.argv[1:])
