"""Synthetic reports for tests of compare, matrix and schema: small, valid, explicit."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from bridgecheck.report import schema


def json_schema_errors(data) -> list[str]:
    """What the published JSON Schema says about ``data`` (``path: message`` each)."""
    import jsonschema  # a test dependency (the dev extra)

    validator = jsonschema.Draft202012Validator(schema.json_schema())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(data)]


def prop(ident: str, outcome: str, seen=(), gone=(), skip_reason=None) -> dict:
    family = ident.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    failure = None
    if outcome in schema.WITH_FAILURE:
        failure = {
            "exception": {"crash": "CrashViolation", "deviation-gone": "DeviationGone"}.get(outcome, "BridgeViolation"),
            "phase": "call",
            "message": f"BridgeViolation: {ident} failed",
            "falsifying_example": f"Falsifying example: {ident.split('::')[-1]}(\n    x=1,\n)",
            "repro": "python -c \"print('repro')\"",
        }
    return {
        "id": ident, "property": ident.split("::")[-1].split("[")[0], "family": family,
        "outcome": outcome, "deviations": {"seen": list(seen), "gone": list(gone)},
        "skip_reason": skip_reason if outcome == "skipped" else None,
        "failure": failure, "duration_s": 0.01,
    }


def cell(function: str, dtype: str, input: str, exception=None, result_dtype="float32",
         aliases=True, warnings=()) -> dict:
    return {
        "id": f"{function}:{dtype}:{input}", "function": function, "dtype": dtype, "input": input,
        "direction": "array->torch", "exception": exception,
        "result_dtype": None if exception else result_dtype,
        "aliases": None if exception else aliases, "warnings": list(warnings),
        "message": exception or "",
    }


def report(label: str, props: list[dict], cells: list[dict] | None = None) -> dict:
    data = {
        "schema_version": schema.SCHEMA_VERSION,
        "tool": {"name": "bridgecheck", "version": "0.1.0"},
        "created": "2026-01-01T00:00:00+00:00",
        "environment": {
            "label": label, "python": {"version": "3.11.7"},
            "torch": {"version": label.split()[1] if label.startswith("torch ") else "2.13.0", "cuda": None},
            "numpy": {"version": "2.4.6"}, "platform": {"system": "Linux", "machine": "x86_64"},
            "cpu": "test cpu", "gpus": [],
            "hypothesis": {"profile": "ci", "seed": None},
        },
        "run": {"args": [], "exit_status": 0, "duration_s": 1.0, "workers": None, "counts": {}},
        "properties": props,
        "collection_errors": [],
        "census": None if cells is None else {"warn_mode": "warn-always", "duration_s": 1.0,
                                              "restarts": 0, "cells": cells},
        "complete": True,
    }
    schema.check(data)  # a test helper that wrote invalid reports would test nothing
    return data


def write(path: Path, data: dict) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def variant(data: dict, **changes) -> dict:
    out = copy.deepcopy(data)
    out.update(changes)
    return out
