"""The published JSON Schema of the report (``report/report.schema.json``) describes the
reports bridgecheck writes, and requires what the hand validator (``schema.check``) requires."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from bridgecheck.report import schema
from tests import reportkit as rk

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = sorted((ROOT / "docs" / "reports").glob("*.json"))
schema_errors = rk.json_schema_errors


def full_report() -> dict:
    """A synthetic report with every optional part present: failures of each kind, a skip, a
    census with a failing and a passing cell."""
    props = [rk.prop(f"conformance/test_fn.py::test_{o.replace('-', '_')}", o) for o in schema.OUTCOMES]
    cells = [rk.cell("torch.from_numpy", "float32", "c-order"),
             rk.cell("torch.from_numpy", "uint64", "c-order", exception="TypeError")]
    return rk.report("torch 2.13.0", props, cells)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(schema.json_schema())


def test_the_schema_states_the_same_version_and_outcomes_as_the_library():
    document = schema.json_schema()
    assert document["properties"]["schema_version"]["const"] == schema.SCHEMA_VERSION
    assert tuple(document["$defs"]["outcome"]["enum"]) == schema.OUTCOMES
    needs_failure = document["$defs"]["property"]["if"]["properties"]["outcome"]["enum"]
    assert sorted(needs_failure) == sorted(schema.WITH_FAILURE)


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_every_committed_report_validates(path):
    assert schema_errors(json.loads(path.read_text(encoding="utf-8"))) == []


def test_committed_reports_exist():
    assert len(COMMITTED) >= 5, COMMITTED


def _key_paths(value, prefix=()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*prefix, key)
            yield from _key_paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _key_paths(item, (*prefix, i))


def _without(data: dict, path: tuple) -> dict:
    out = copy.deepcopy(data)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return out


def test_both_validators_require_the_same_keys():
    good = full_report()
    assert schema_errors(good) == []
    disagreements = []
    for path in _key_paths(good):
        bad = _without(good, path)
        try:
            schema.check(bad)
            hand = "accepts"
        except schema.SchemaError:
            hand = "refuses"
        jsn = "refuses" if schema_errors(bad) else "accepts"
        if hand != jsn:
            disagreements.append(f"without {'.'.join(map(str, path))}: check {hand}, JSON Schema {jsn}")
    assert not disagreements, "\n".join(disagreements)


def test_unknown_keys_are_allowed_at_every_level():
    data = full_report()
    data["completed"] = True  # e.g. a field a newer writer adds at the top
    data["environment"]["extra"] = {}
    data["properties"][0]["extra"] = 1
    data["census"]["cells"][0]["extra"] = None
    schema.check(data)
    assert schema_errors(data) == []


@pytest.mark.parametrize("change, where", [
    (lambda d: d["properties"][0].update(outcome="ok"), "properties/0/outcome"),
    (lambda d: d["properties"][-1].update(failure=None), "properties/5/failure"),
    (lambda d: d.update(schema_version=2), "schema_version"),
    (lambda d: d["census"]["cells"][0].update(aliases="yes"), "census"),
])
def test_both_validators_refuse_bad_values(change, where):
    data = full_report()
    change(data)
    with pytest.raises(schema.SchemaError):
        schema.check(data)
    errors = schema_errors(data)
    assert errors and any(e.startswith(where) for e in errors), errors
