"""Report schema: the outcome vocabulary, and loading with validation.

The published form of the format is the JSON Schema ``report.schema.json`` beside this file
(shipped in the distribution, ``json_schema()`` reads it), for other tools. bridgecheck itself
validates with ``check``, a hand-written validator with no dependency: every problem becomes
*one* line naming the file and the offending field (``reports/a.json: properties[3].outcome:
'ok' is not one of conforms, ...``), which a UsageProblem turns into exit status 2.
``tests/test_report_json_schema.py`` holds the two to the same required keys;
``docs/report-schema.md`` is the prose version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bridgecheck.errors import UsageProblem

SCHEMA_VERSION = 1
#: The JSON Schema (draft 2020-12) of this version.
JSON_SCHEMA_FILE = Path(__file__).with_name("report.schema.json")

#: Property outcomes, from good to bad (``skipped`` means: not observed).
OUTCOMES = ("conforms", "known-deviation", "deviation-gone", "skipped", "new-failure", "crash")
#: Outcomes whose entry carries a ``failure`` object (message, example, reproduction).
WITH_FAILURE = ("new-failure", "crash", "deviation-gone")

_STR = (str,)
_OPT_STR = (str, type(None))
_INT = (int,)
_NUM = (int, float)
_BOOL_OR_NONE = (bool, type(None))


def json_schema() -> dict:
    """The report format as a JSON Schema (draft 2020-12) document."""
    return json.loads(JSON_SCHEMA_FILE.read_text(encoding="utf-8"))


class SchemaError(ValueError):
    """The report does not follow the schema; the message is ``field: problem``."""


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _need(obj: dict, key: str, types: tuple, where: str) -> Any:
    if not isinstance(obj, dict):
        raise SchemaError(f"{where or 'report'}: expected an object, got {_kind(obj)}")
    if key not in obj:
        raise SchemaError(f"{where + '.' if where else ''}{key}: missing")
    value = obj[key]
    # bool is an int in Python: refuse it where a count is wanted.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        names = " or ".join("null" if t is type(None) else t.__name__ for t in types)
        raise SchemaError(f"{where + '.' if where else ''}{key}: expected {names}, got {_kind(value)}")
    return value


def _str_list(obj: dict, key: str, where: str) -> list:
    items = _need(obj, key, (list,), where)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise SchemaError(f"{where}.{key}[{i}]: expected str, got {_kind(item)}")
    return items


def _check_environment(env: dict) -> None:
    w = "environment"
    _need(env, "label", _STR, w)
    _need(_need(env, "python", (dict,), w), "version", _STR, w + ".python")
    torch = _need(env, "torch", (dict,), w)
    _need(torch, "version", _OPT_STR, w + ".torch")
    _need(_need(env, "numpy", (dict,), w), "version", _OPT_STR, w + ".numpy")
    _need(env, "platform", (dict,), w)
    _need(env, "cpu", _STR, w)
    _str_list(env, "gpus", w)
    hyp = _need(env, "hypothesis", (dict,), w)
    _need(hyp, "profile", _OPT_STR, w + ".hypothesis")
    _need(hyp, "seed", _OPT_STR, w + ".hypothesis")


def _check_property(p: dict, where: str) -> None:
    for key in ("id", "property", "family"):
        _need(p, key, _STR, where)
    outcome = _need(p, "outcome", _STR, where)
    if outcome not in OUTCOMES:
        raise SchemaError(f"{where}.outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
    devs = _need(p, "deviations", (dict,), where)
    _str_list(devs, "seen", where + ".deviations")
    _str_list(devs, "gone", where + ".deviations")
    _need(p, "skip_reason", _OPT_STR, where)
    _need(p, "duration_s", _NUM, where)
    failure = _need(p, "failure", (dict, type(None)), where)
    if outcome in WITH_FAILURE and failure is None:
        raise SchemaError(f"{where}.failure: outcome {outcome} needs a failure object")
    if failure is not None:
        fw = where + ".failure"
        for key in ("exception", "phase", "message"):
            _need(failure, key, _STR, fw)
        _need(failure, "falsifying_example", _OPT_STR, fw)
        _need(failure, "repro", _OPT_STR, fw)


def _check_census(census: dict) -> None:
    w = "census"
    _need(census, "warn_mode", _STR, w)
    _need(census, "duration_s", _NUM, w)
    _need(census, "restarts", _INT, w)
    seen = set()
    for i, cell in enumerate(_need(census, "cells", (list,), w)):
        cw = f"census.cells[{i}]"
        ident = _need(cell, "id", _STR, cw)
        if ident in seen:
            raise SchemaError(f"{cw}.id: duplicate {ident!r}")
        seen.add(ident)
        for key in ("function", "dtype", "input", "direction", "message"):
            _need(cell, key, _STR, cw)
        _need(cell, "exception", _OPT_STR, cw)
        _need(cell, "result_dtype", _OPT_STR, cw)
        _need(cell, "aliases", _BOOL_OR_NONE, cw)
        _str_list(cell, "warnings", cw)


def check(data: Any) -> None:
    """Raise ``SchemaError`` (``field: problem``) unless ``data`` is a valid report."""
    if not isinstance(data, dict):
        raise SchemaError(f"expected a JSON object at the top, got {_kind(data)}")
    if "schema_version" not in data:
        raise SchemaError("no schema_version: not a bridgecheck report")
    version = data["schema_version"]
    if version != SCHEMA_VERSION:
        raise SchemaError(f"schema_version is {version!r}; this bridgecheck reads version {SCHEMA_VERSION}")
    _need(data, "created", _STR, "")
    tool = _need(data, "tool", (dict,), "")
    _need(tool, "version", _STR, "tool")
    _check_environment(_need(data, "environment", (dict,), ""))
    run = _need(data, "run", (dict,), "")
    _need(run, "exit_status", (int, type(None)), "run")
    _need(run, "duration_s", _NUM, "run")
    _str_list(run, "args", "run")
    seen = set()
    for i, prop in enumerate(_need(data, "properties", (list,), "")):
        _check_property(prop, f"properties[{i}]")
        if prop["id"] in seen:
            raise SchemaError(f"properties[{i}].id: duplicate {prop['id']!r}")
        seen.add(prop["id"])
    for i, err in enumerate(_need(data, "collection_errors", (list,), "")):
        _need(err, "id", _STR, f"collection_errors[{i}]")
        _need(err, "message", _STR, f"collection_errors[{i}]")
    census = _need(data, "census", (dict, type(None)), "")
    if census is not None:
        _check_census(census)
    if "complete" in data:  # absent in reports written before the field existed
        _need(data, "complete", (bool,), "")


def incomplete_reason(data: dict) -> str | None:
    """Why the report's run did not complete, in words; None when it completed.

    Reports written before the ``complete`` field existed are judged by what they record: a
    collection error, an exit status other than 0 or 1 (pytest's: tests passed or failed), a
    property the session interrupt left unrun, or no property at all make them incomplete."""
    run, props = data.get("run", {}), data.get("properties", [])
    why = []
    if data.get("collection_errors"):
        why.append(f"{len(data['collection_errors'])} module(s) failed to import")
    if run.get("exit_status") not in (0, 1):
        why.append(f"pytest exit status {run.get('exit_status')}")
    unrun = sum(1 for p in props if p.get("skip_reason") == "not run (session interrupted)")
    if unrun:
        why.append(f"{unrun} properties not run")
    if not props:
        why.append("no properties")
    if "complete" in data:
        return None if data["complete"] else (", ".join(why) or "not every collected property ran")
    return ", ".join(why) or None


def load_complete(path: str | Path) -> dict:
    """``load``, refusing a report whose run did not complete (one-line ``UsageProblem``):
    comparing an aborted run would show every property it did not reach as a change."""
    data = load(path)
    reason = incomplete_reason(data)
    if reason:
        raise UsageProblem(f"{path}: the run that wrote this report did not complete ({reason}); "
                           "use the report of a complete bridgecheck run")
    return data


def load(path: str | Path) -> dict:
    """Read and validate the report at ``path``; any problem is one-line ``UsageProblem``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageProblem(f"{path}: no such report file") from None
    except IsADirectoryError:
        raise UsageProblem(f"{path}: is a directory, not a report file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageProblem(f"{path}: cannot read report: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageProblem(
            f"{path}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg}); "
            "is the file truncated or not a bridgecheck report?"
        ) from None
    try:
        check(data)
    except SchemaError as exc:
        raise UsageProblem(f"{path}: not a valid bridgecheck report: {exc}") from None
    return data
